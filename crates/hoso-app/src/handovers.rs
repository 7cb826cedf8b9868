//! Records crossing the province's border (issue 14, item 2). A person transferred out of the
//! province (a status decision "chuyển công tác ra ngoài tỉnh": the record is kept, read-only,
//! and the person's access ends with it) has their record handed over as a signed package, and
//! the hand-over recorded (LS Đ9.1d: within 5 working days). A person received from outside
//! arrives with such a package: it is checked against the trusted roots (the signature, every
//! hash of its history), the record is created in the receiving unit from it as received, the
//! reception written into it, and the receiving unit confirms what it received. The package is
//! kept, content-addressed, with the scanned documents.

use hoso_domain::access::AccessLevel;
use hoso_domain::audit_action::AuditAction;
use hoso_domain::org::PersonStatus;
use hoso_domain::schema::FieldRole;
use hoso_domain::status_decisions::{self as rules, Arrival, StatusDecisionKind};
use hoso_store::handovers::{self as store, HandoverRow};
use hoso_store::{org as org_store, persons};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::approvals::PackagedVersion;
use crate::attachments::sha256_hex;
use crate::authz::Attempt;
use crate::movements::{day_vi, parse_day, text, unit_label};
use crate::versions::{NewVersion, Provenance};
use crate::work::{About, Work};
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo};

/// What the HR officer says of a hand-over to an agency outside the province.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct HandOver {
    /// The agency that receives the record (Sở Nội vụ tỉnh…, Bộ…, Ban Tổ chức…).
    pub counterpart: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A record received from outside the province: the signed package and the reception decision.
#[derive(Debug, Clone, Default)]
pub struct ReceivePackage {
    pub unit_id: i64,
    /// The agency the person comes from.
    pub counterpart: String,
    pub decision_number: String,
    /// `YYYY-MM-DD` or `dd/mm/yyyy`.
    pub decision_date: String,
    pub effective_date: String,
    /// The zip another Hoso exported.
    pub package: Vec<u8>,
}

/// A hand-over as pages and the API show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HandoverView {
    pub id: i64,
    pub person_id: i64,
    /// `out` (handed over) or `in` (received).
    pub direction: String,
    pub direction_label: String,
    pub counterpart: String,
    pub decision_number: String,
    pub decision_date: String,
    pub effective_date: String,
    /// The package's SHA-256: what was handed over or received, byte for byte.
    pub package_sha256: String,
    /// The record and version the package carries, as numbered where it was signed.
    pub origin_person_id: i64,
    pub origin_version: i64,
    pub versions_in_package: i64,
    pub signer_subject: String,
    pub note: Option<String>,
    pub created_at: i64,
    /// A received record confirmed by the receiving unit (always true of a hand-over out).
    pub confirmed: bool,
    pub confirmed_at: Option<i64>,
    /// The day the unit reported it to the Sở Nội vụ (ĐT Đ22.5), and by which document.
    pub reported_on: Option<String>,
    pub report_ref: Option<String>,
}

/// What the unit says of its report to the Sở Nội vụ on an arrival or a departure.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ReportToSo {
    /// `YYYY-MM-DD` or `dd/mm/yyyy`.
    pub reported_on: String,
    /// The number of the report (công văn, báo cáo) that carried the decision.
    pub reference: String,
}

fn view(r: HandoverRow) -> HandoverView {
    let out = r.direction == store::OUT;
    HandoverView {
        id: r.id,
        person_id: r.person_id,
        direction_label: if out {
            "Bàn giao ra ngoài tỉnh"
        } else {
            "Tiếp nhận từ ngoài tỉnh"
        }
        .to_string(),
        direction: r.direction,
        counterpart: r.counterpart,
        decision_number: r.decision_number,
        decision_date: r.decision_date,
        effective_date: r.effective_date,
        package_sha256: r.package_sha256,
        origin_person_id: r.origin_person_id,
        origin_version: r.origin_version,
        versions_in_package: r.versions_in_package,
        signer_subject: r.signer_subject,
        note: r.note,
        created_at: r.created_at,
        confirmed: out || r.confirmed_at.is_some(),
        confirmed_at: r.confirmed_at,
        reported_on: r.reported_on,
        report_ref: r.report_ref,
    }
}

/// A record's hand-overs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordHandovers {
    pub person_id: i64,
    pub full_name: String,
    pub status: String,
    /// The person left the province, the record is not handed over yet, and the caller keeps
    /// it.
    pub may_hand_over: bool,
    /// Latest first.
    pub handovers: Vec<HandoverView>,
}

/// One version of a received record's history, as the package carries it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceivedVersion {
    pub version: i64,
    pub created_at: i64,
    pub source: String,
    pub hash: String,
}

impl From<&PackagedVersion> for ReceivedVersion {
    fn from(v: &PackagedVersion) -> Self {
        ReceivedVersion {
            version: v.version,
            created_at: v.created_at,
            source: v.source.clone(),
            hash: v.hash.clone(),
        }
    }
}

/// The file name a package is downloaded under.
pub fn package_file_name(h: &HandoverView) -> String {
    format!("ho-so-{}-ban-giao-{}.zip", h.person_id, h.id)
}

impl App {
    /// Hands the record of a person transferred out of the province over: the signed package of
    /// its last approved version, with its history, kept and recorded. Needs the unit's HR
    /// officer with clearance for the whole record; the transfer must be in force.
    pub async fn hand_over(
        &self,
        actor: &Actor,
        person_id: i64,
        input: HandOver,
        client: &ClientInfo,
    ) -> AppResult<HandoverView> {
        let mut conn = self.store.reader().await?;
        self.require_record_writer(
            &mut conn,
            actor,
            person_id,
            AuditAction::RecordHandOver,
            client,
        )
        .await?;
        let person = persons::get(&mut conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        let unit = org_store::get(&mut conn, person.unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        if actor.clearance_for(person_id, &unit.path) != Some(AccessLevel::Secret) {
            return Err(self
                .refusal(
                    actor,
                    Attempt {
                        action: AuditAction::RecordHandOver,
                        about: About::new("person", person_id),
                        client,
                    },
                    "clearance",
                )
                .await);
        }
        let refused = move |e: AppError| async move {
            self.audit_refused(
                actor,
                client,
                AuditAction::RecordHandOver,
                About::new("person", person_id),
                &e,
            )
            .await?;
            Err::<HandoverView, _>(e)
        };
        let counterpart = match text(&input.counterpart, "cơ quan nhận hồ sơ", 300, true) {
            Ok(c) => c.unwrap_or_default(),
            Err(e) => return refused(e).await,
        };
        let note = match text(input.note.as_deref().unwrap_or(""), "ghi chú", 1000, false) {
            Ok(n) => n,
            Err(e) => return refused(e).await,
        };
        let (transfer, done) = match departure_of(&mut conn, person_id).await? {
            Some(d) if person.status == PersonStatus::TransferredOut.as_str() => d,
            _ => {
                return refused(AppError::BadRequest(
                    "Chỉ bàn giao hồ sơ của người đã chuyển công tác ra ngoài tỉnh: ghi quyết định «Chuyển công tác ra ngoài tỉnh» (trang Trạng thái công tác) và chờ ngày hiệu lực trước.".into(),
                ))
                .await;
            }
        };
        if let Some(done) = done {
            return refused(AppError::Conflict(format!(
                "Hồ sơ đã được bàn giao cho {} (bàn giao số {}); tải lại gói đã bàn giao trên trang hồ sơ.",
                done.counterpart, done.id
            )))
            .await;
        }
        let Some(approved) = hoso_store::approvals::items_of_person(&mut conn, person_id)
            .await?
            .into_iter()
            .map(|i| i.version)
            .max()
        else {
            return refused(AppError::BadRequest(
                "Hồ sơ chưa có phiên bản nào được thủ trưởng phê duyệt bằng chữ ký số: trình ký phiên bản hiện tại (trang Phê duyệt) rồi bàn giao.".into(),
            ))
            .await;
        };
        let package = self.package_of(&mut conn, person_id, approved).await?;
        drop(conn);
        let sha = sha256_hex(&package.zip);
        self.attachments.put(&sha, package.zip).await?;
        let mut work = self.begin_work(actor, client).await?;
        let at = work.at;
        let id = store::insert(
            &mut work,
            store::NewHandover {
                person_id,
                direction: store::OUT,
                counterpart: &counterpart,
                decision_number: &transfer.decision_number,
                effective_date: &transfer.effective_date,
                decision_date: &transfer.decision_date,
                package_sha256: &sha,
                origin_person_id: person_id,
                origin_version: approved,
                versions_in_package: package.versions as i64,
                signer_subject: &package.signer_subject,
                note: note.as_deref(),
                created_by: actor.account_id,
                created_at: at,
            },
        )
        .await?;
        work.audit(
            AuditAction::RecordHandOver,
            About::new("person", person_id),
            serde_json::json!({"handover": id, "version": approved, "batch_id": package.batch_id,
                "package_sha256": sha}),
        )
        .await?;
        self.committed(work, id).await
    }

    /// Receives a person from outside the province with their signed package: checked against
    /// the trusted roots, the record created in `unit_id` from it as received (or, for a
    /// person who once left this province, written onto the record kept since), the reception
    /// written into it; waiting for the receiving unit to confirm it.
    pub async fn receive_package(
        &self,
        actor: &Actor,
        input: ReceivePackage,
        client: &ClientInfo,
    ) -> AppResult<HandoverView> {
        let unit_id = input.unit_id;
        let about = move || About::new("org_unit", unit_id);
        let unit = self
            .unit_for_records(
                actor,
                input.unit_id,
                Attempt {
                    action: AuditAction::RecordReceive,
                    about: about(),
                    client,
                },
            )
            .await?;
        match self.receive_checked(actor, &unit, input, client).await {
            Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_) | AppError::Invalid(_))) => {
                self.audit_refused(actor, client, AuditAction::RecordReceive, about(), &e)
                    .await?;
                Err(e)
            }
            other => other,
        }
    }

    async fn receive_checked(
        &self,
        actor: &Actor,
        unit: &org_store::OrgUnitRow,
        input: ReceivePackage,
        client: &ClientInfo,
    ) -> AppResult<HandoverView> {
        let counterpart =
            text(&input.counterpart, "cơ quan chuyển đến", 300, true)?.unwrap_or_default();
        let decision_number =
            text(&input.decision_number, "số quyết định tiếp nhận", 50, true)?.unwrap_or_default();
        let decision_date = parse_day(&input.decision_date, "Ngày quyết định")?;
        let effective_date = parse_day(&input.effective_date, "Ngày tiếp nhận")?;
        check_dates(decision_date, effective_date, self.today())?;
        if input.package.is_empty() {
            return Err(AppError::BadRequest(
                "Chưa chọn tệp gói hồ sơ (.zip) do nơi chuyển đi bàn giao.".into(),
            ));
        }
        let opened = self.open_package(&input.package)?;
        let schema = self.schemas.latest();
        let mut doc = self
            .schemas()
            .migrate_to(opened.document.clone(), &opened.schema_version, &schema.version)
            .map_err(|e| {
                AppError::BadRequest(format!(
                    "Gói hồ sơ theo cấu trúc «{}», hệ thống này không chuyển được sang cấu trúc «{}»: {e}",
                    opened.schema_version, schema.version
                ))
            })?;
        // The sending province's unit numbers mean nothing here: the unit is the receiving one,
        // the managing agency its own.
        for role in [FieldRole::EmployingUnit, FieldRole::ManagingAgency] {
            schema.clear_role_value(&mut doc, role);
        }
        let mut conn = self.store.reader().await?;
        let unit_name = unit_label(&mut conn, unit).await?;
        rules::apply_arrival(
            &mut doc,
            &Arrival {
                decision_number: &decision_number,
                decision_date,
                effective_date,
                from: &counterpart,
                unit: &unit_name,
            },
        );
        let prepared = crate::versions::prepare_decided_document(
            schema,
            &self.catalogs(),
            self.today(),
            doc,
            unit.id,
            crate::records::managing_agency_of(unit),
        )?;
        let id_hash = self.keys.current.national_id_hash(&prepared.national_id);
        let existing = match persons::find_by_national_id_hash(&mut conn, &id_hash).await? {
            Some(id) => persons::get(&mut conn, id).await?,
            None => None,
        };
        if let Some(p) = &existing
            && p.status != PersonStatus::TransferredOut.as_str()
        {
            let where_ = match org_store::get(&mut conn, p.unit_id).await? {
                Some(u) => unit_label(&mut conn, &u).await?,
                None => "một đơn vị khác".into(),
            };
            return Err(AppError::Conflict(format!(
                "Người trong gói đã có hồ sơ tại {where_} (mã hồ sơ {}, trạng thái «{}»): không tiếp nhận trùng.",
                p.id,
                PersonStatus::parse(&p.status).map_or("khác", |s| s.label_vi())
            )));
        }
        drop(conn);
        for (sha, bytes) in &opened.attachments {
            self.attachments.put(sha, bytes.clone()).await?;
        }
        let package_sha = sha256_hex(&input.package);
        self.attachments.put(&package_sha, input.package).await?;

        let mut work = self.begin_work(actor, client).await?;
        let at = work.at;
        let (person_id, prev) = match &existing {
            Some(p) => (
                p.id,
                persons::version(&mut work, p.id, p.current_version).await?,
            ),
            None => {
                let id = persons::insert(
                    &mut work,
                    persons::NewPerson {
                        national_id_hash: &id_hash,
                        unit_id: unit.id,
                        status: PersonStatus::Working.as_str(),
                        projection: &prepared.projection,
                    },
                    self.now_ms(),
                )
                .await
                .map_err(|e| match e.is_unique_violation() {
                    true => AppError::Conflict(
                        "Người trong gói vừa được tiếp nhận ở nơi khác: tải lại trang.".into(),
                    ),
                    false => e.into(),
                })?;
                (id, None)
            }
        };
        let handover = store::insert(
            &mut work,
            store::NewHandover {
                person_id,
                direction: store::IN,
                counterpart: &counterpart,
                decision_number: &decision_number,
                effective_date: &effective_date.to_string(),
                decision_date: &decision_date.to_string(),
                package_sha256: &package_sha,
                origin_person_id: opened.report.person_id,
                origin_version: opened.report.version,
                versions_in_package: opened.history.len() as i64,
                signer_subject: &opened.report.signer_subject,
                note: None,
                created_by: actor.account_id,
                created_at: at,
            },
        )
        .await?;
        let version = self
            .write_version(
                &mut work,
                NewVersion {
                    person_id,
                    prev: prev.as_ref(),
                    schema,
                    prepared: &prepared,
                    unit_id: unit.id,
                    status: PersonStatus::Working,
                    provenance: Provenance::Received(handover),
                    author: Some(actor.account_id),
                    note: Some(format!(
                        "Tiếp nhận từ {counterpart} theo quyết định số {decision_number}, hiệu lực từ {}",
                        day_vi(&effective_date.to_string())
                    )),
                },
            )
            .await?;
        if existing.is_some() {
            crate::personal_accounts::restore_personal_access_in(
                &mut work,
                actor.account_id,
                person_id,
                "Tiếp nhận trở lại từ ngoài tỉnh",
            )
            .await?;
        }
        work.audit(
            AuditAction::RecordReceive,
            About::new("person", person_id),
            serde_json::json!({"handover": handover, "version": version.version,
                "origin_person_id": opened.report.person_id,
                "origin_version": opened.report.version,
                "versions_in_package": opened.history.len(),
                "package_sha256": package_sha}),
        )
        .await?;
        self.committed(work, handover).await
    }

    /// The receiving unit confirms a record received from outside (its HR officer).
    pub async fn confirm_received(
        &self,
        actor: &Actor,
        handover_id: i64,
        client: &ClientInfo,
    ) -> AppResult<HandoverView> {
        let row = self
            .writable_handover(
                actor,
                handover_id,
                AuditAction::RecordReceiveConfirm,
                client,
            )
            .await?;
        let mut work = self.begin_work(actor, client).await?;
        let at = work.at;
        if !store::confirm(&mut work, handover_id, actor.account_id, at).await? {
            return Err(AppError::Conflict(
                "Chỉ xác nhận được hồ sơ tiếp nhận từ ngoài tỉnh chưa được xác nhận.".into(),
            ));
        }
        work.audit(
            AuditAction::RecordReceiveConfirm,
            About::new("person", row.person_id),
            serde_json::json!({"handover": handover_id}),
        )
        .await?;
        self.committed(work, handover_id).await
    }

    /// Records that the unit reported an arrival or a departure to the Sở Nội vụ (ĐT Đ22.5:
    /// within 10 working days of the decision), by the record's HR officer.
    pub async fn report_handover(
        &self,
        actor: &Actor,
        handover_id: i64,
        input: ReportToSo,
        client: &ClientInfo,
    ) -> AppResult<HandoverView> {
        let row = self
            .writable_handover(
                actor,
                handover_id,
                AuditAction::RecordHandoverReport,
                client,
            )
            .await?;
        let checked = (|| {
            let reference =
                text(&input.reference, "số văn bản báo cáo", 100, true)?.unwrap_or_default();
            let day = parse_day(&input.reported_on, "Ngày báo cáo")?;
            if day > self.today() {
                return Err(AppError::BadRequest(
                    "Ngày báo cáo không được sau hôm nay.".into(),
                ));
            }
            if day.to_string() < row.decision_date {
                return Err(AppError::BadRequest(format!(
                    "Ngày báo cáo không được trước ngày quyết định ({}).",
                    day_vi(&row.decision_date)
                )));
            }
            Ok((day, reference))
        })();
        let (day, reference) = match checked {
            Ok(c) => c,
            Err(e) => {
                self.audit_refused(
                    actor,
                    client,
                    AuditAction::RecordHandoverReport,
                    About::new("person", row.person_id),
                    &e,
                )
                .await?;
                return Err(e);
            }
        };
        let mut work = self.begin_work(actor, client).await?;
        if !store::set_reported(
            &mut work,
            handover_id,
            &day.to_string(),
            &reference,
            actor.account_id,
        )
        .await?
        {
            return Err(AppError::Conflict(
                "Việc báo cáo Sở Nội vụ đã được ghi nhận.".into(),
            ));
        }
        work.audit(
            AuditAction::RecordHandoverReport,
            About::new("person", row.person_id),
            serde_json::json!({"handover": handover_id, "reported_on": day.to_string(),
                "reference": reference}),
        )
        .await?;
        self.committed(work, handover_id).await
    }

    /// The hand-overs of a record, latest first (whoever reads the record), and whether the
    /// caller may hand it over now.
    pub async fn handovers_of(&self, actor: &Actor, person_id: i64) -> AppResult<RecordHandovers> {
        let mut conn = self.store.reader().await?;
        self.visible_person(&mut conn, actor, person_id).await?;
        let person = persons::get(&mut conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        let writer = self
            .may_person(&mut conn, actor, Capability::WriteRecords, person_id)
            .await?;
        let handovers: Vec<HandoverView> = store::of_person(&mut conn, person_id)
            .await?
            .into_iter()
            .map(view)
            .collect();
        let gone = person.status == PersonStatus::TransferredOut.as_str();
        Ok(RecordHandovers {
            person_id,
            full_name: person.full_name,
            may_hand_over: writer && gone && !handovers.iter().any(|h| h.direction == store::OUT),
            status: person.status,
            handovers,
        })
    }

    /// The package of a hand-over, as handed over or received, with the history it carries.
    /// Needs clearance for the whole record; audited as an export.
    pub async fn handover_package(
        &self,
        actor: &Actor,
        handover_id: i64,
        client: &ClientInfo,
    ) -> AppResult<(HandoverView, Vec<u8>)> {
        let mut conn = self.store.reader().await?;
        let row = self.visible_handover(&mut conn, actor, handover_id).await?;
        let unit_path = self.visible_person(&mut conn, actor, row.person_id).await?;
        drop(conn);
        if actor.clearance_for(row.person_id, &unit_path) != Some(AccessLevel::Secret) {
            return Err(self
                .refusal(
                    actor,
                    Attempt {
                        action: AuditAction::RecordExportPackage,
                        about: About::new("person", row.person_id),
                        client,
                    },
                    "clearance",
                )
                .await);
        }
        let bytes = self.attachments.get(&row.package_sha256).await?;
        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            AuditAction::RecordExportPackage,
            About::new("person", row.person_id),
            serde_json::json!({"handover": handover_id}),
        )
        .await?;
        work.commit().await?;
        Ok((view(row), bytes))
    }

    /// The versions a received record had before it came here, as its package carries them
    /// (each checked again against the signature).
    pub async fn received_history(
        &self,
        actor: &Actor,
        handover_id: i64,
    ) -> AppResult<Vec<ReceivedVersion>> {
        let mut conn = self.store.reader().await?;
        let row = self.visible_handover(&mut conn, actor, handover_id).await?;
        drop(conn);
        let bytes = self.attachments.get(&row.package_sha256).await?;
        let opened = self.open_package(&bytes)?;
        Ok(opened.history.iter().map(ReceivedVersion::from).collect())
    }

    /// The record a hand-over belongs to (whoever reads it).
    pub async fn handover_person(&self, actor: &Actor, handover_id: i64) -> AppResult<i64> {
        let mut conn = self.store.reader().await?;
        Ok(self
            .visible_handover(&mut conn, actor, handover_id)
            .await?
            .person_id)
    }

    /// Ends a unit of work that wrote hand-over `id`: reads it back, commits, and recomputes
    /// the person's alerts (the deadlines these events start or meet).
    async fn committed(&self, mut work: Work<'_>, id: i64) -> AppResult<HandoverView> {
        let row = store::get(&mut work, id)
            .await?
            .ok_or_else(|| AppError::Internal("a hand-over just written is gone".into()))?;
        work.commit().await?;
        self.refresh_alerts_of(&[row.person_id]).await;
        Ok(view(row))
    }

    /// A hand-over of a record the actor keeps: "not found" unless they read it, an audited
    /// "forbidden" unless they write it.
    async fn writable_handover(
        &self,
        actor: &Actor,
        handover_id: i64,
        action: AuditAction,
        client: &ClientInfo,
    ) -> AppResult<HandoverRow> {
        let mut conn = self.store.reader().await?;
        let row = self.visible_handover(&mut conn, actor, handover_id).await?;
        self.require_record_writer(&mut conn, actor, row.person_id, action, client)
            .await?;
        Ok(row)
    }

    /// A hand-over of a record the actor reads; "not found" otherwise.
    async fn visible_handover(
        &self,
        conn: &mut hoso_store::AnyConnection,
        actor: &Actor,
        id: i64,
    ) -> AppResult<HandoverRow> {
        let not_found = || AppError::NotFound("Không tìm thấy việc bàn giao hồ sơ này.");
        let row = store::get(conn, id).await?.ok_or_else(not_found)?;
        if !self
            .may_person(conn, actor, Capability::ReadRecords, row.person_id)
            .await?
        {
            return Err(not_found());
        }
        Ok(row)
    }
}

/// A person's transfer out of the province in force (their last), with the hand-over of their
/// record that followed it, if any.
pub(crate) async fn departure_of(
    conn: &mut hoso_store::AnyConnection,
    person_id: i64,
) -> AppResult<
    Option<(
        hoso_store::status_decisions::StatusDecisionRow,
        Option<HandoverRow>,
    )>,
> {
    let Some(decision) = hoso_store::status_decisions::of_person(conn, person_id)
        .await?
        .into_iter()
        .find(|d| {
            d.kind == StatusDecisionKind::TransferOut.as_str()
                && d.state == hoso_store::status_decisions::DONE
        })
    else {
        return Ok(None);
    };
    let handover = store::of_person(conn, person_id)
        .await?
        .into_iter()
        .find(|h| h.direction == store::OUT && h.effective_date == decision.effective_date);
    Ok(Some((decision, handover)))
}

/// A reception's dates: the decision before it takes effect, neither in the future.
fn check_dates(decision: Date, effective: Date, today: Date) -> AppResult<()> {
    if effective < decision {
        return Err(AppError::BadRequest(
            "Ngày tiếp nhận không được trước ngày quyết định.".into(),
        ));
    }
    if effective > today {
        return Err(AppError::BadRequest(
            "Ngày tiếp nhận chưa đến: tiếp nhận hồ sơ từ ngày quyết định có hiệu lực.".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_reception_is_decided_before_it_takes_effect_and_not_ahead_of_today() {
        let today = date!(2026 - 12 - 05);
        assert!(check_dates(date!(2026 - 11 - 20), date!(2026 - 12 - 01), today).is_ok());
        assert!(check_dates(date!(2026 - 12 - 05), date!(2026 - 12 - 05), today).is_ok());
        let e = check_dates(date!(2026 - 12 - 02), date!(2026 - 12 - 01), today).unwrap_err();
        assert!(e.to_string().contains("trước ngày quyết định"), "{e}");
        let e = check_dates(date!(2026 - 12 - 01), date!(2026 - 12 - 07), today).unwrap_err();
        assert!(e.to_string().contains("chưa đến"), "{e}");
    }
}
