//! Decisions and sheets printed from the province's Word templates (issue 13 item 3): the
//! templates themselves (listed, replaced and reset by the system administrator, each upload
//! checked against the vocabulary of `hoso_domain::templates`), and the data each document is
//! filled with. Filling the DOCX is `hoso-documents`' job; this module decides what goes in and
//! who may print it.

use std::collections::HashMap;

use hoso_domain::access::AccessLevel;
use hoso_domain::audit_action::AuditAction;
use hoso_domain::movements::MovementKind;
use hoso_domain::org::PersonStatus;
use hoso_domain::record_facts;
use hoso_domain::retirement;
use hoso_domain::salary::{SalaryTables, grade_name, salary_group_of};
use hoso_domain::schema::{FieldRole, RecordDoc};
use hoso_domain::templates::{COMMON_FIELDS, TemplateKind, TemplateProblem, check_fields};
use hoso_export::document::date_words;
use hoso_store::document_templates::{self as store, TemplateRow};
use hoso_store::org as org_store;
use hoso_store::persons;
use serde::Serialize;
use serde_json::{Map, Value, json};
use time::Date;
use utoipa::ToSchema;

use crate::attachments::sha256_hex;
use crate::authz::Attempt;
use crate::personal_accounts::ActivationSlip;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo, display};

/// The largest template accepted (a letter-size DOCX with a logo is well under 1 MB).
pub const TEMPLATE_MAX_BYTES: usize = 2 * 1024 * 1024;

/// A field as the template page lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TemplateFieldView {
    /// What to write in the template, without the braces.
    pub name: String,
    pub meaning: String,
}

/// One kind of document and the template it prints from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentTemplateView {
    /// `phieu-ban-giao-tai-khoan`, `quyet-dinh-dieu-dong`, `bien-ban-ban-giao-ho-so`,
    /// `quyet-dinh-nang-bac-luong`, `thong-bao-nghi-huu`.
    pub kind: String,
    pub label: String,
    /// Where in Hoso the document is printed.
    pub printed_from: String,
    /// The province's own template is in use (otherwise the built-in one).
    pub custom: bool,
    pub file_name: Option<String>,
    pub size_bytes: Option<i64>,
    /// Uploaded at (Unix milliseconds).
    pub uploaded_at: Option<i64>,
    pub uploaded_by: Option<i64>,
    /// The document's own fields and the common ones.
    pub fields: Vec<TemplateFieldView>,
    /// The list the document repeats (`{{#each nguoi}}`), if any, and its items' fields.
    pub list: Option<String>,
    pub list_fields: Vec<TemplateFieldView>,
    /// The document may also print the record's fields, `ho_so.<section>.<field>`.
    pub record_fields: bool,
}

/// A document ready to fill: the province's template (`None`: the built-in one) and the data.
#[derive(Debug, Clone)]
pub struct DocumentToFill {
    pub kind: TemplateKind,
    pub template: Option<Vec<u8>>,
    pub data: Value,
    /// Download name, with extension.
    pub file_name: String,
}

fn field_views(fields: &[hoso_domain::templates::TemplateField]) -> Vec<TemplateFieldView> {
    fields
        .iter()
        .map(|f| TemplateFieldView {
            name: f.name.to_string(),
            meaning: f.meaning.to_string(),
        })
        .collect()
}

fn view(kind: TemplateKind, row: Option<&TemplateRow>) -> DocumentTemplateView {
    let mut fields = field_views(kind.fields());
    fields.extend(field_views(COMMON_FIELDS));
    DocumentTemplateView {
        kind: kind.slug().to_string(),
        label: kind.label_vi().to_string(),
        printed_from: kind.printed_from_vi().to_string(),
        custom: row.is_some(),
        file_name: row.map(|r| r.file_name.clone()),
        size_bytes: row.map(|r| r.size_bytes),
        uploaded_at: row.map(|r| r.uploaded_at),
        uploaded_by: row.map(|r| r.uploaded_by),
        fields,
        list: kind.list().map(|(l, _)| l.to_string()),
        list_fields: kind.list().map(|(_, f)| field_views(f)).unwrap_or_default(),
        record_fields: kind.about_a_record(),
    }
}

/// The kind named in a URL, or "not found".
pub fn kind_of(slug: &str) -> AppResult<TemplateKind> {
    TemplateKind::parse(slug).ok_or(AppError::NotFound("Không có loại văn bản này."))
}

fn day(iso: &str) -> String {
    display::date(iso)
}

fn iso(d: Date) -> String {
    d.to_string()
}

/// A salary coefficient as decisions write it: two decimals, `5,08`, `4,40`.
fn coefficient(hundredths: i64) -> String {
    format!("{},{:02}", hundredths / 100, hundredths % 100)
}

impl App {
    async fn template_admin(
        &self,
        actor: &Actor,
        action: AuditAction,
        kind: &str,
        client: &ClientInfo,
    ) -> AppResult<()> {
        self.require_system_admin(
            actor,
            Attempt {
                action,
                about: About::new("document_template", kind),
                client,
            },
            "only the system administrator manages document templates",
        )
        .await
    }

    /// Every kind of document with the template it prints from (system administrator).
    pub async fn document_templates(
        &self,
        actor: &Actor,
        client: &ClientInfo,
    ) -> AppResult<Vec<DocumentTemplateView>> {
        self.template_admin(actor, AuditAction::TemplatePut, "*", client)
            .await?;
        let mut conn = self.store.reader().await?;
        let rows = store::all(&mut conn).await?;
        Ok(TemplateKind::ALL
            .into_iter()
            .map(|k| view(k, rows.iter().find(|r| r.kind == k.slug())))
            .collect())
    }

    /// The template in use for `kind` (system administrator): the province's file and its
    /// name, or `None` for the built-in one.
    pub async fn document_template_file(
        &self,
        actor: &Actor,
        kind: TemplateKind,
        client: &ClientInfo,
    ) -> AppResult<Option<(String, Vec<u8>)>> {
        self.template_admin(actor, AuditAction::TemplatePut, kind.slug(), client)
            .await?;
        let mut conn = self.store.reader().await?;
        let Some(row) = store::get(&mut conn, kind.slug()).await? else {
            return Ok(None);
        };
        drop(conn);
        Ok(Some((
            row.file_name,
            self.attachments.get(&row.sha256).await?,
        )))
    }

    /// Replaces the template of `kind` by an uploaded DOCX whose fields `names` lists (read by
    /// `hoso_documents::template_names`, or the reason it could not be read). A file that is
    /// not a DOCX or names a field the document does not have is refused, naming it; nothing
    /// changes. Audited.
    pub async fn save_document_template(
        &self,
        actor: &Actor,
        kind: TemplateKind,
        file_name: &str,
        bytes: Vec<u8>,
        names: Result<Vec<String>, String>,
        client: &ClientInfo,
    ) -> AppResult<DocumentTemplateView> {
        self.template_admin(actor, AuditAction::TemplatePut, kind.slug(), client)
            .await?;
        if bytes.is_empty() {
            return Err(AppError::BadRequest("Chưa chọn tệp mẫu (.docx).".into()));
        }
        if bytes.len() > TEMPLATE_MAX_BYTES {
            return Err(AppError::BadRequest(format!(
                "Tệp mẫu lớn hơn {} MB.",
                TEMPLATE_MAX_BYTES / 1024 / 1024
            )));
        }
        let names = names.map_err(AppError::BadRequest)?;
        check_fields(kind, self.schemas.latest(), &names).map_err(|p| {
            AppError::BadRequest(match p {
                TemplateProblem::UnknownField(_) | TemplateProblem::UnknownList(_) => {
                    format!("{p} Các trường dùng được được liệt kê ở trang Mẫu văn bản.")
                }
                TemplateProblem::NoField => p.to_string(),
            })
        })?;
        let sha = sha256_hex(&bytes);
        let size = bytes.len() as i64;
        self.attachments.put(&sha, bytes).await?;
        let file_name = crate::attachments::clean_file_name(file_name);
        let row = TemplateRow {
            kind: kind.slug().to_string(),
            sha256: sha.clone(),
            file_name: if file_name.is_empty() {
                format!("{}.docx", kind.slug())
            } else {
                file_name
            },
            size_bytes: size,
            uploaded_by: actor.account_id,
            uploaded_at: self.now_ms(),
        };
        let mut work = self.begin_work(actor, client).await?;
        store::put(&mut work, &row).await?;
        work.audit(
            AuditAction::TemplatePut,
            About::new("document_template", kind.slug()),
            json!({"sha256": sha, "size": size, "fields": names.len()}),
        )
        .await?;
        work.commit().await?;
        Ok(view(kind, Some(&row)))
    }

    /// Back to the built-in template of `kind`. Audited.
    pub async fn reset_document_template(
        &self,
        actor: &Actor,
        kind: TemplateKind,
        client: &ClientInfo,
    ) -> AppResult<DocumentTemplateView> {
        self.template_admin(actor, AuditAction::TemplateReset, kind.slug(), client)
            .await?;
        let mut work = self.begin_work(actor, client).await?;
        let removed = store::remove(&mut work, kind.slug()).await?;
        work.audit(
            AuditAction::TemplateReset,
            About::new("document_template", kind.slug()),
            json!({"removed": removed}),
        )
        .await?;
        work.commit().await?;
        Ok(view(kind, None))
    }

    /// The province's template of `kind`, if it has one (no rights: used while printing).
    async fn custom_template(&self, kind: TemplateKind) -> AppResult<Option<Vec<u8>>> {
        let mut conn = self.store.reader().await?;
        let Some(row) = store::get(&mut conn, kind.slug()).await? else {
            return Ok(None);
        };
        drop(conn);
        Ok(Some(self.attachments.get(&row.sha256).await?))
    }

    /// The fields every document has: the issuing body (the unit's parent, the unit) and the
    /// day of printing on the application's clock.
    async fn common_data(&self, unit: &org_store::OrgUnitRow) -> AppResult<Map<String, Value>> {
        let mut conn = self.store.reader().await?;
        let parent = match unit.parent_id {
            Some(p) => org_store::get(&mut conn, p).await?.map(|p| p.name),
            None => None,
        };
        let today = self.today();
        let mut data = Map::new();
        data.insert(
            "co_quan_cap_tren".into(),
            Value::String(parent.unwrap_or_default().to_uppercase()),
        );
        data.insert("co_quan".into(), Value::String(unit.name.to_uppercase()));
        data.insert("ngay_lap".into(), Value::String(date_words(today)));
        data.insert("ngay_lap_so".into(), Value::String(day(&iso(today))));
        Ok(data)
    }

    /// The record's single-section fields the reader may see, as printed text, under
    /// `ho_so.<section>.<field>`.
    fn record_data(
        &self,
        record: &RecordDoc,
        clearance: AccessLevel,
        units: &HashMap<i64, String>,
    ) -> Value {
        let schema = self.schemas.latest();
        let catalogs = self.catalogs();
        let mut sections = Map::new();
        for (section, field) in schema.fields() {
            if section.repeating || field.access > clearance {
                continue;
            }
            let text = record
                .get(&section.id)
                .and_then(|s| s.get(&field.id))
                .filter(|v| !v.is_null())
                .map(|v| display::value(field, v, &catalogs, units))
                .unwrap_or_default();
            sections
                .entry(section.id.clone())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("made an object above")
                .insert(field.id.clone(), Value::String(text));
        }
        Value::Object(sections)
    }

    /// The document to fill from the template in use, its print audited against what it is
    /// about (`("movement", id)`, `("person", id)`).
    async fn printed(
        &self,
        actor: &Actor,
        kind: TemplateKind,
        (about, id): (&str, i64),
        data: Map<String, Value>,
        client: &ClientInfo,
    ) -> AppResult<DocumentToFill> {
        let template = self.custom_template(kind).await?;
        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            AuditAction::DocumentPrint,
            About::new(about, id),
            json!({"document": kind.slug(),
                "template": if template.is_some() { "province" } else { "built_in" }}),
        )
        .await?;
        work.commit().await?;
        Ok(DocumentToFill {
            kind,
            template,
            data: Value::Object(data),
            file_name: format!("{}-{id}.docx", kind.file_stem()),
        })
    }

    /// The decision or the hand-over record of a movement, for the HR officers of either
    /// side. A movement the caller does not see is "not found"; the individual, who sees it,
    /// may not print it (403). The record's fields are those the caller may read, at the
    /// version the movement wrote (or the current one before it is applied).
    pub async fn movement_document(
        &self,
        actor: &Actor,
        movement_id: i64,
        kind: TemplateKind,
        client: &ClientInfo,
    ) -> AppResult<DocumentToFill> {
        if !matches!(
            kind,
            TemplateKind::TransferDecision | TemplateKind::TransferHandover
        ) {
            return Err(AppError::NotFound("Không có loại văn bản này."));
        }
        let mut conn = self.store.reader().await?;
        let (m, sending, receiving) = self.visible_movement(&mut conn, actor, movement_id).await?;
        if !sending && !receiving {
            drop(conn);
            return Err(self
                .refusal(
                    actor,
                    Attempt {
                        action: AuditAction::DocumentPrint,
                        about: About::new("movement", movement_id),
                        client,
                    },
                    "only the HR officers of either unit print a movement's documents",
                )
                .await);
        }
        let from = org_store::get(&mut conn, m.from_unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        let to = org_store::get(&mut conn, m.to_unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        let version_number = match m.version {
            Some(v) => v,
            None => persons::get(&mut conn, m.person_id)
                .await?
                .map_or(0, |p| p.current_version),
        };
        drop(conn);
        let mut data = self.common_data(if sending { &from } else { &to }).await?;
        let (record, hash) = match self
            .read_version(actor, m.person_id, Some(version_number), client)
            .await
        {
            Ok((_, unit, version, record, clearance)) => {
                let units = self.unit_names_of(&record, &unit).await?;
                (self.record_data(&record, clearance, &units), version.hash)
            }
            // The receiving side before the move, or the sending side after it: the decision
            // prints without the record's fields (the version's hash is no personal data).
            Err(AppError::NotFound(_)) => {
                let mut conn = self.store.reader().await?;
                let version = persons::version(&mut conn, m.person_id, version_number).await?;
                (
                    Value::Object(Map::new()),
                    version.map(|v| v.hash).unwrap_or_default(),
                )
            }
            Err(e) => return Err(e),
        };
        let kind_label = MovementKind::parse(&m.kind).map_or("Điều chuyển", MovementKind::label_vi);
        for (k, v) in [
            ("so_quyet_dinh", m.decision_number.clone()),
            ("ngay_quyet_dinh", day(&m.decision_date)),
            ("nguoi_ky", m.signer.clone()),
            ("ngay_hieu_luc", day(&m.effective_date)),
            ("loai_bien_dong", kind_label.to_string()),
            ("don_vi_di", from.name.clone()),
            ("don_vi_den", to.name.clone()),
            ("chuc_vu_moi", m.position.clone().unwrap_or_default()),
            ("ghi_chu", m.note.clone().unwrap_or_default()),
            ("ho_ten", m.full_name.clone()),
            ("phien_ban", version_number.to_string()),
            ("ma_bam", hash),
        ] {
            data.insert(k.into(), Value::String(v));
        }
        data.insert("ho_so".into(), record);
        self.printed(actor, kind, ("movement", movement_id), data, client)
            .await
    }

    /// A document about one person's record (the step-increase decision, the retirement
    /// notice), for the HR officers who write the record: outside the caller's reading scope
    /// "not found", without the right to write it 403, then a record that lacks what the
    /// document needs is refused with what is missing.
    pub async fn person_document(
        &self,
        actor: &Actor,
        person_id: i64,
        kind: TemplateKind,
        client: &ClientInfo,
    ) -> AppResult<DocumentToFill> {
        if !matches!(
            kind,
            TemplateKind::StepIncrease | TemplateKind::RetirementNotice
        ) {
            return Err(AppError::NotFound("Không có loại văn bản này."));
        }
        {
            let mut conn = self.store.reader().await?;
            self.require_record_writer(
                &mut conn,
                actor,
                person_id,
                AuditAction::DocumentPrint,
                client,
            )
            .await?;
        }
        let (person, unit, _, record, clearance) =
            self.read_version(actor, person_id, None, client).await?;
        let schema = self.schemas.latest();
        let status = PersonStatus::parse(&person.status).unwrap_or(PersonStatus::Working);
        let facts = record_facts::facts(schema, &record, status, None);
        let name = schema
            .role_text(&record, FieldRole::DisplayName)
            .unwrap_or(&person.full_name)
            .to_string();
        let mut data = self.common_data(&unit).await?;
        data.insert("ho_ten".into(), Value::String(name));
        match kind {
            TemplateKind::StepIncrease => {
                let missing = || {
                    AppError::BadRequest(
                        "Hồ sơ chưa đủ mã ngạch, bậc lương và ngày hưởng bậc hiện tại: chưa lập được quyết định nâng bậc lương.".into(),
                    )
                };
                let pos = facts.salary.as_ref().ok_or_else(missing)?;
                let grade = schema
                    .role_text(&record, FieldRole::RankOrTitle)
                    .ok_or_else(missing)?
                    .to_string();
                let group = salary_group_of(&grade).ok_or_else(missing)?;
                let tables = SalaryTables::embedded();
                let now = tables
                    .coefficient(group.table, &group.group, u32::from(pos.step))
                    .ok_or_else(missing)?;
                let due = self
                    .alert_config()
                    .rules
                    .step_increase_due(pos, facts.category, &facts.disciplines, &facts.ratings)
                    .map_err(|e| AppError::BadRequest(format!("Chưa tính được hạn nâng bậc: {e}.")))?
                    .ok_or_else(|| {
                        AppError::BadRequest(format!(
                            "Đang ở bậc cuối ({}/{}) của ngạch: không nâng bậc lương thường xuyên; xét phụ cấp thâm niên vượt khung.",
                            pos.step, pos.max_step
                        ))
                    })?;
                let next = tables
                    .coefficient(group.table, &group.group, u32::from(pos.step) + 1)
                    .ok_or_else(missing)?;
                for (k, v) in [
                    ("ngach", grade_name(&grade).unwrap_or(&grade).to_string()),
                    ("ma_ngach", grade.clone()),
                    ("bac_hien_tai", pos.step.to_string()),
                    ("he_so_hien_tai", coefficient(now)),
                    ("ngay_huong_hien_tai", day(&iso(pos.since))),
                    ("bac_moi", (pos.step + 1).to_string()),
                    ("he_so_moi", coefficient(next)),
                    ("ngay_huong_moi", day(&iso(due))),
                ] {
                    data.insert(k.into(), Value::String(v));
                }
            }
            TemplateKind::RetirementNotice => {
                let (Some(sex), Some(birth)) = (facts.sex, facts.birth_date) else {
                    return Err(AppError::BadRequest(
                        "Hồ sơ chưa đủ giới tính và ngày sinh: chưa tính được thời điểm nghỉ hưu."
                            .into(),
                    ));
                };
                let r = retirement::retirement(sex, birth);
                let age = if r.age.months == 0 {
                    format!("{} tuổi", r.age.years)
                } else {
                    format!("{} tuổi {} tháng", r.age.years, r.age.months)
                };
                let month = format!(
                    "{:02}/{}",
                    u8::from(r.month_reached.month()),
                    r.month_reached.year()
                );
                for (k, v) in [
                    ("ngay_sinh", day(&iso(birth))),
                    ("gioi_tinh", sex.label_vi().to_string()),
                    ("tuoi_nghi_huu", age),
                    ("thang_du_tuoi", month),
                    ("ngay_nghi_huu", day(&iso(r.retirement_date))),
                    ("han_thong_bao", day(&iso(r.notice_due))),
                    ("han_quyet_dinh", day(&iso(r.decision_due))),
                ] {
                    data.insert(k.into(), Value::String(v));
                }
            }
            _ => unreachable!("checked above"),
        }
        let units = self.unit_names_of(&record, &unit).await?;
        data.insert("ho_so".into(), self.record_data(&record, clearance, &units));
        self.printed(actor, kind, ("person", person_id), data, client)
            .await
    }

    /// The hand-over sheet of activation codes just issued (they are shown once: the sheet is
    /// made in the same request that issued them).
    pub async fn activation_sheet_document(
        &self,
        unit_id: i64,
        unit_name: &str,
        slips: &[ActivationSlip],
        activate_url: &str,
    ) -> AppResult<DocumentToFill> {
        let kind = TemplateKind::ActivationSheet;
        let unit = {
            let mut conn = self.store.reader().await?;
            org_store::get(&mut conn, unit_id)
                .await?
                .ok_or_else(AppError::unit_not_found)?
        };
        let mut data = self.common_data(&unit).await?;
        data.insert("don_vi".into(), Value::String(unit_name.to_string()));
        data.insert("so_nguoi".into(), Value::String(slips.len().to_string()));
        data.insert(
            "trang_kich_hoat".into(),
            Value::String(activate_url.to_string()),
        );
        data.insert(
            "nguoi".into(),
            Value::Array(
                slips
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        json!({
                            "stt": (i + 1).to_string(),
                            "ho_ten": s.full_name,
                            "don_vi": s.unit_name,
                            "ten_dang_nhap": s.username,
                            "ma_kich_hoat": s.activation_code,
                            "han_kich_hoat": day(&iso(s.valid_until)),
                        })
                    })
                    .collect(),
            ),
        );
        Ok(DocumentToFill {
            kind,
            template: self.custom_template(kind).await?,
            data: Value::Object(data),
            file_name: format!("{}-{}.docx", kind.file_stem(), unit_id),
        })
    }
}
