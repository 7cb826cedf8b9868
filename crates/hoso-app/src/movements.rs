//! Movements as decisions (điều động, luân chuyển, biệt phái; LS Đ9.2, LC Đ10.2–10.3, ĐN Đ11.1–
//! 11.2, ĐT Đ18): the sending unit's HR officer records the decision; when the officer also keeps
//! the receiving unit (a move between departments of one agency) it is accepted at once,
//! otherwise the receiving unit's officer accepts or refuses it. On the effective date the record
//! moves through the version writer: the decision in its `personnel_events`, the work history
//! closed and opened, the unit changed, so the scopes follow at once. A movement whose date has
//! not come yet moves with the daily job.

use hoso_domain::audit_action::AuditAction;
use hoso_domain::movements::{self as rules, MovementKind};
use hoso_domain::org::PersonStatus;
use hoso_domain::schema::FieldRole;
use hoso_store::movements::{self as store, MovementRow};
use hoso_store::{org as org_store, persons};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;
use utoipa::ToSchema;

use crate::authz::{Attempt, Capability, Target};
use crate::versions::{NewVersion, Provenance};
use crate::work::{About, Work};
use crate::{Actor, App, AppError, AppResult, ClientInfo};

/// A movement as its decision states it, proposed by the sending unit.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ProposeMovement {
    /// `dieu_dong`, `luan_chuyen` or `biet_phai`.
    pub kind: String,
    pub to_unit_id: i64,
    pub decision_number: String,
    /// `YYYY-MM-DD`.
    pub decision_date: String,
    /// Who signed the decision (name and title).
    pub signer: String,
    /// `YYYY-MM-DD`: the record moves on this day.
    pub effective_date: String,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A scan of the decision, checked by content like every attachment.
#[derive(Debug, Clone)]
pub struct DecisionScan {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AnswerMovement {
    pub accept: bool,
    /// Required when refusing: why.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MovementView {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub kind: String,
    pub kind_label: String,
    pub from_unit_id: i64,
    pub to_unit_id: i64,
    pub decision_number: String,
    pub decision_date: String,
    pub signer: String,
    pub effective_date: String,
    pub position: Option<String>,
    pub note: Option<String>,
    /// SHA-256 of the scanned decision.
    pub scan_sha256: Option<String>,
    pub scan_name: Option<String>,
    /// `proposed`, `accepted`, `refused`, `cancelled`, `done`.
    pub state: String,
    pub state_label: String,
    pub answer_note: Option<String>,
    /// The record version the movement wrote.
    pub version: Option<i64>,
}

pub fn state_label(state: &str) -> &'static str {
    match state {
        store::PROPOSED => "Chờ đơn vị nhận tiếp nhận",
        store::ACCEPTED => "Đã tiếp nhận, chờ ngày hiệu lực",
        store::REFUSED => "Đơn vị nhận từ chối",
        store::CANCELLED => "Đã hủy",
        store::DONE => "Đã điều chuyển hồ sơ",
        _ => "Không rõ",
    }
}

fn view(m: MovementRow) -> MovementView {
    let kind_label = MovementKind::parse(&m.kind)
        .map_or("Khác", MovementKind::label_vi)
        .to_string();
    MovementView {
        state_label: state_label(&m.state).to_string(),
        id: m.id,
        person_id: m.person_id,
        full_name: m.full_name,
        kind: m.kind,
        kind_label,
        from_unit_id: m.from_unit_id,
        to_unit_id: m.to_unit_id,
        decision_number: m.decision_number,
        decision_date: m.decision_date,
        signer: m.signer,
        effective_date: m.effective_date,
        position: m.position,
        note: m.note,
        scan_sha256: m.scan_sha256,
        scan_name: m.scan_name,
        state: m.state,
        answer_note: m.answer_note,
        version: m.version,
    }
}

/// A day as the API sends it (ISO) or as a person types it (dd/mm/yyyy).
pub(crate) fn parse_day(s: &str, what: &str) -> AppResult<Date> {
    hoso_domain::typed_date::parse_named(s, what).map_err(AppError::BadRequest)
}

pub(crate) fn text(
    value: &str,
    what: &str,
    max: usize,
    required: bool,
) -> AppResult<Option<String>> {
    let v = value.trim();
    if v.is_empty() {
        return if required {
            Err(AppError::BadRequest(format!("Phải ghi {what}.")))
        } else {
            Ok(None)
        };
    }
    if v.chars().count() > max {
        return Err(AppError::BadRequest(format!("{what} dài quá {max} ký tự.")));
    }
    Ok(Some(v.to_string()))
}

/// `YYYY-MM-DD` as Vietnamese write it.
pub(crate) fn day_vi(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

/// A unit named so that it cannot be mistaken: "Văn phòng — Sở Y tế".
pub(crate) async fn unit_label(
    conn: &mut hoso_store::AnyConnection,
    unit: &org_store::OrgUnitRow,
) -> AppResult<String> {
    Ok(match unit.parent_id {
        Some(p) => match org_store::get(conn, p).await? {
            Some(parent) if parent.parent_id.is_some() => {
                format!("{} — {}", unit.name, parent.name)
            }
            _ => unit.name.clone(),
        },
        None => unit.name.clone(),
    })
}

impl App {
    /// The sending unit records a movement of one of its people.
    pub async fn propose_movement(
        &self,
        actor: &Actor,
        person_id: i64,
        input: ProposeMovement,
        scan: Option<DecisionScan>,
        client: &ClientInfo,
    ) -> AppResult<MovementView> {
        let attempt = || Attempt {
            action: AuditAction::MovementPropose,
            about: About::new("person", person_id),
            client,
        };
        let mut conn = self.store.reader().await?;
        self.visible_person(&mut conn, actor, person_id).await?;
        self.require_person(
            &mut conn,
            actor,
            Capability::WriteRecords,
            person_id,
            attempt(),
        )
        .await?;
        let person = persons::get(&mut conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        let kind = MovementKind::parse(input.kind.trim()).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Loại biến động '{}' không hợp lệ (dieu_dong, luan_chuyen, biet_phai).",
                input.kind.trim()
            ))
        })?;
        let decision_number =
            text(&input.decision_number, "số quyết định", 50, true)?.unwrap_or_default();
        let signer = text(&input.signer, "người ký quyết định", 200, true)?.unwrap_or_default();
        let position = text(
            input.position.as_deref().unwrap_or(""),
            "chức vụ",
            200,
            false,
        )?;
        let note = text(input.note.as_deref().unwrap_or(""), "ghi chú", 1000, false)?;
        let decision_date = parse_day(&input.decision_date, "Ngày quyết định")?;
        let effective_date = parse_day(&input.effective_date, "Ngày hiệu lực")?;
        if decision_date > self.today() {
            return Err(AppError::BadRequest(
                "Ngày quyết định không được sau ngày hôm nay.".into(),
            ));
        }
        if effective_date < decision_date {
            return Err(AppError::BadRequest(
                "Ngày hiệu lực không được trước ngày quyết định.".into(),
            ));
        }
        if person.status != PersonStatus::Working.as_str() {
            return Err(AppError::BadRequest(
                "Chỉ điều chuyển hồ sơ của người đang công tác.".into(),
            ));
        }
        let Some(to) = org_store::get(&mut conn, input.to_unit_id).await? else {
            return Err(AppError::BadRequest(
                "Đơn vị nhận không có trong hệ thống. Người chuyển ra ngoài tỉnh: dùng gói hồ sơ đã ký và cập nhật trạng thái \"chuyển công tác\"."
                    .into(),
            ));
        };
        if to.dissolved_on.is_some() {
            return Err(AppError::BadRequest(format!(
                "Đơn vị nhận \"{}\" đã giải thể.",
                to.name
            )));
        }
        if to.id == person.unit_id {
            return Err(AppError::BadRequest(
                "Đơn vị nhận trùng đơn vị đang quản lý hồ sơ.".into(),
            ));
        }
        if let Some(open) = store::open_of_person(&mut conn, person_id).await? {
            return Err(AppError::Conflict(format!(
                "Người này đang có quyết định {} số {} chưa hoàn tất ({}).",
                MovementKind::parse(&open.kind).map_or("điều chuyển", |k| k.label_vi()),
                open.decision_number,
                state_label(&open.state).to_lowercase()
            )));
        }
        if let Some(last) = store::last_effective(&mut conn, person_id).await?
            && effective_date.to_string() <= last
        {
            return Err(AppError::BadRequest(format!(
                "Ngày hiệu lực phải sau ngày hiệu lực của lần điều chuyển trước ({}).",
                day_vi(&last)
            )));
        }
        // Between agencies the decision's scan is kept (ĐN Đ11.2 requires it); within one
        // agency it is optional.
        let between_agencies = crate::records::managing_agency_of(&to)
            != self.agency_of(&mut conn, person.unit_id).await?;
        drop(conn);
        if between_agencies && scan.is_none() {
            return Err(AppError::BadRequest(
                "Phải tải lên bản quét (scan) quyết định khi điều chuyển sang cơ quan, đơn vị khác."
                    .into(),
            ));
        }
        let stored_scan = match scan {
            Some(s) => Some(self.store_decision_scan(s).await?),
            None => None,
        };
        // One step when the proposer keeps the receiving unit too.
        let receiving_too = actor
            .capabilities()
            .may(Capability::WriteRecords, Target::Unit(&to.path));
        let state = if receiving_too {
            store::ACCEPTED
        } else {
            store::PROPOSED
        };
        let mut work = self.begin_work(actor, client).await?;
        let at = work.at;
        let id = store::insert(
            &mut work,
            store::NewMovement {
                person_id,
                kind: kind.as_str(),
                from_unit_id: person.unit_id,
                to_unit_id: to.id,
                decision_number: &decision_number,
                decision_date: &decision_date.to_string(),
                signer: &signer,
                effective_date: &effective_date.to_string(),
                position: position.as_deref(),
                note: note.as_deref(),
                scan: stored_scan
                    .as_ref()
                    .map(|(sha, name, ty)| (sha.as_str(), name.as_str(), ty.as_str())),
                state,
                proposed_by: actor.account_id,
                at,
            },
        )
        .await?;
        work.audit(
            AuditAction::MovementPropose,
            About::new("person", person_id),
            serde_json::json!({"movement": id, "kind": kind.as_str(), "to_unit": to.id,
                "decision_number": decision_number, "effective_date": effective_date.to_string(),
                "accepted": receiving_too}),
        )
        .await?;
        if receiving_too && effective_date <= self.today() {
            self.apply_movement_in(&mut work, Some(actor), id).await?;
        }
        let row = store::get(&mut work, id)
            .await?
            .ok_or_else(|| AppError::Internal("a movement just written is gone".into()))?;
        work.commit().await?;
        Ok(view(row))
    }

    async fn agency_of(
        &self,
        conn: &mut hoso_store::AnyConnection,
        unit_id: i64,
    ) -> AppResult<i64> {
        let unit = org_store::get(conn, unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        Ok(crate::records::managing_agency_of(&unit))
    }

    /// Keeps the scan's bytes (by SHA-256, like every attachment) once they pass the checks.
    async fn store_decision_scan(&self, scan: DecisionScan) -> AppResult<(String, String, String)> {
        let name: String = scan.file_name.trim().chars().take(200).collect();
        let media =
            crate::attachments::check_upload(&name, &scan.bytes, self.config.attachment_max_bytes)?;
        let sha = crate::attachments::sha256_hex(&scan.bytes);
        self.attachments.put(&sha, scan.bytes).await?;
        Ok((sha, name, media.to_string()))
    }

    /// The scanned decision of a movement the actor sees: its name, type and bytes.
    pub async fn movement_scan(
        &self,
        actor: &Actor,
        id: i64,
    ) -> AppResult<(String, String, Vec<u8>)> {
        let mut conn = self.store.reader().await?;
        let (row, _, _) = self.visible_movement(&mut conn, actor, id).await?;
        drop(conn);
        let (Some(sha), Some(name), Some(ty)) = (row.scan_sha256, row.scan_name, row.scan_type)
        else {
            return Err(AppError::NotFound("Quyết định này không kèm bản quét."));
        };
        Ok((name, ty, self.attachments.get(&sha).await?))
    }

    /// The movement, if the actor sees the person (sending side) or keeps the receiving unit.
    pub(crate) async fn visible_movement(
        &self,
        conn: &mut hoso_store::AnyConnection,
        actor: &Actor,
        id: i64,
    ) -> AppResult<(MovementRow, bool, bool)> {
        let not_found = || AppError::NotFound("Không tìm thấy quyết định điều chuyển.");
        let row = store::get(conn, id).await?.ok_or_else(not_found)?;
        let to = org_store::get(conn, row.to_unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        let from = org_store::get(conn, row.from_unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        let caps = actor.capabilities();
        let receiving = caps.may(Capability::WriteRecords, Target::Unit(&to.path));
        let sending = caps.may(Capability::WriteRecords, Target::Unit(&from.path));
        let reads = caps.may(Capability::ReadRecords, Target::Unit(&from.path))
            || caps.may(Capability::ReadRecords, Target::Unit(&to.path))
            || caps.own_person == Some(row.person_id);
        if !reads {
            return Err(not_found());
        }
        Ok((row, sending, receiving))
    }

    /// The names of both units of movements the caller was shown: a party to a movement sees
    /// whom it moves between, whatever its scope (the sender chose the receiving unit by name).
    pub async fn movement_unit_names(
        &self,
        movements: &[MovementView],
    ) -> AppResult<std::collections::HashMap<i64, String>> {
        let mut conn = self.store.reader().await?;
        let mut names = std::collections::HashMap::new();
        for id in movements
            .iter()
            .flat_map(|m| [m.from_unit_id, m.to_unit_id])
        {
            if let std::collections::hash_map::Entry::Vacant(e) = names.entry(id)
                && let Some(unit) = org_store::get(&mut conn, id).await?
            {
                e.insert(unit.name);
            }
        }
        Ok(names)
    }

    /// Whether the actor is on the sending side, the receiving side (or both) of a movement.
    pub async fn movement_sides(&self, actor: &Actor, id: i64) -> AppResult<(bool, bool)> {
        let mut conn = self.store.reader().await?;
        let (_, sending, receiving) = self.visible_movement(&mut conn, actor, id).await?;
        Ok((sending, receiving))
    }

    /// Refuses (404 outside the scope, an audited 403 inside it) an actor who may not record a
    /// movement of this person: the decision form is not shown to it.
    pub async fn require_movement_rights(
        &self,
        actor: &Actor,
        person_id: i64,
        client: &ClientInfo,
    ) -> AppResult<()> {
        let mut conn = self.store.reader().await?;
        self.require_record_writer(
            &mut conn,
            actor,
            person_id,
            AuditAction::MovementPropose,
            client,
        )
        .await?;
        Ok(())
    }

    pub async fn movement(&self, actor: &Actor, id: i64) -> AppResult<MovementView> {
        let mut conn = self.store.reader().await?;
        Ok(view(self.visible_movement(&mut conn, actor, id).await?.0))
    }

    /// The receiving unit accepts (the record moves on the effective date) or refuses (with the
    /// reason) a proposed movement.
    pub async fn answer_movement(
        &self,
        actor: &Actor,
        id: i64,
        input: AnswerMovement,
        client: &ClientInfo,
    ) -> AppResult<MovementView> {
        let action = if input.accept {
            AuditAction::MovementAccept
        } else {
            AuditAction::MovementRefuse
        };
        let mut conn = self.store.reader().await?;
        let (row, _, receiving) = self.visible_movement(&mut conn, actor, id).await?;
        drop(conn);
        if !receiving {
            return Err(self
                .refusal(
                    actor,
                    Attempt {
                        action,
                        about: About::new("movement", id),
                        client,
                    },
                    "not_the_receiving_unit",
                )
                .await);
        }
        let note = text(
            input.note.as_deref().unwrap_or(""),
            "lý do",
            1000,
            !input.accept,
        )?;
        if row.state != store::PROPOSED {
            return Err(AppError::Conflict(format!(
                "Quyết định này không còn chờ tiếp nhận ({}).",
                state_label(&row.state).to_lowercase()
            )));
        }
        let mut work = self.begin_work(actor, client).await?;
        let to = if input.accept {
            store::ACCEPTED
        } else {
            store::REFUSED
        };
        let at = work.at;
        if !store::set_state(
            &mut work,
            id,
            store::PROPOSED,
            to,
            Some(actor.account_id),
            at,
            note.as_deref(),
        )
        .await?
        {
            return Err(AppError::Conflict(
                "Quyết định vừa được người khác xử lý. Vui lòng tải lại.".into(),
            ));
        }
        work.audit(
            action,
            About::new("movement", id),
            serde_json::json!({"person_id": row.person_id, "note": note}),
        )
        .await?;
        if input.accept && row.effective_date <= self.today().to_string() {
            self.apply_movement_in(&mut work, Some(actor), id).await?;
        }
        let row = store::get(&mut work, id)
            .await?
            .ok_or_else(|| AppError::Internal("a movement just answered is gone".into()))?;
        work.commit().await?;
        self.refresh_alerts_of(&[row.person_id]).await;
        Ok(view(row))
    }

    /// The sending unit withdraws a movement that has not happened yet.
    pub async fn cancel_movement(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<MovementView> {
        let mut conn = self.store.reader().await?;
        let (row, sending, _) = self.visible_movement(&mut conn, actor, id).await?;
        drop(conn);
        if !sending {
            return Err(self
                .refusal(
                    actor,
                    Attempt {
                        action: AuditAction::MovementCancel,
                        about: About::new("movement", id),
                        client,
                    },
                    "not_the_sending_unit",
                )
                .await);
        }
        let mut work = self.begin_work(actor, client).await?;
        let at = work.at;
        let mut cancelled = false;
        for from in [store::PROPOSED, store::ACCEPTED] {
            if store::set_state(&mut work, id, from, store::CANCELLED, None, at, None).await? {
                cancelled = true;
                break;
            }
        }
        if !cancelled {
            return Err(AppError::Conflict(format!(
                "Không hủy được: {}.",
                state_label(&row.state).to_lowercase()
            )));
        }
        work.audit(
            AuditAction::MovementCancel,
            About::new("movement", id),
            serde_json::json!({"person_id": row.person_id}),
        )
        .await?;
        let row = store::get(&mut work, id)
            .await?
            .ok_or_else(|| AppError::Internal("a movement just cancelled is gone".into()))?;
        work.commit().await?;
        Ok(view(row))
    }

    /// Movements waiting for the actor's units to receive them, and those it sent that are
    /// under way.
    pub async fn movements_to_handle(&self, actor: &Actor) -> AppResult<MovementInbox> {
        let caps = actor.capabilities();
        if !caps.may_somewhere(Capability::WriteRecords) {
            return Err(AppError::Forbidden);
        }
        let scope = caps.scope(Capability::WriteRecords);
        let paths = (!scope.everything).then(|| scope.subtrees.clone());
        let mut conn = self.store.reader().await?;
        let incoming =
            store::for_units(&mut conn, paths.as_deref(), false, &[store::PROPOSED], 200).await?;
        let outgoing = store::for_units(
            &mut conn,
            paths.as_deref(),
            true,
            &[store::PROPOSED, store::ACCEPTED, store::REFUSED],
            200,
        )
        .await?;
        Ok(MovementInbox {
            incoming: incoming.into_iter().map(view).collect(),
            outgoing: outgoing.into_iter().map(view).collect(),
        })
    }

    /// A person's movements, for whoever reads the record.
    pub async fn movements_of_person(
        &self,
        actor: &Actor,
        person_id: i64,
    ) -> AppResult<Vec<MovementView>> {
        let mut conn = self.store.reader().await?;
        self.visible_person(&mut conn, actor, person_id).await?;
        Ok(store::of_person(&mut conn, person_id)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    /// Moves the records whose accepted movements have become effective by `today` (the daily
    /// job); returns how many moved.
    pub async fn apply_due_movements(&self, today: Date) -> AppResult<usize> {
        let mut conn = self.store.reader().await?;
        let due = store::due(&mut conn, &today.to_string()).await?;
        drop(conn);
        let mut moved = 0;
        for m in due {
            let mut work = self.begin_system_work().await?;
            match self.apply_movement_in(&mut work, None, m.id).await {
                Ok(()) => {
                    work.commit().await?;
                    moved += 1;
                }
                // One record that cannot move (an invalid legacy document) does not hold up the
                // others; the unit sees it still waiting.
                Err(e) => tracing::warn!(movement = m.id, error = %e, "movement not applied"),
            }
        }
        Ok(moved)
    }

    /// Writes the movement into the record: a new version kept by the receiving unit.
    async fn apply_movement_in(
        &self,
        work: &mut Work<'_>,
        actor: Option<&Actor>,
        id: i64,
    ) -> AppResult<()> {
        let m = store::get(work, id)
            .await?
            .ok_or_else(|| AppError::Internal("movement to apply is gone".into()))?;
        let (person, mut doc) = self.current_document(work, m.person_id).await?;
        let from = org_store::get(work, m.from_unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        let to = org_store::get(work, m.to_unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        let from_label = unit_label(work, &from).await?;
        let to_label = unit_label(work, &to).await?;
        let kind = MovementKind::parse(&m.kind)
            .ok_or_else(|| AppError::Internal(format!("movement {id} has kind {}", m.kind)))?;
        let decision_date = parse_day(&m.decision_date, "Ngày quyết định")?;
        let effective_date = parse_day(&m.effective_date, "Ngày hiệu lực")?;
        rules::apply(
            &mut doc,
            &rules::Movement {
                kind,
                decision_number: &m.decision_number,
                decision_date,
                effective_date,
                from_unit: &from_label,
                to_unit: &to_label,
                position: m.position.as_deref(),
                note: m.note.as_deref(),
            },
        );
        let schema = self.schemas.latest();
        // Another agency manages the person from now on.
        schema.set_role_value(
            &mut doc,
            FieldRole::ManagingAgency,
            Value::from(crate::records::managing_agency_of(&to)),
        );
        // Validated as of the day it takes effect (the daily run of that day, or a later one).
        let prepared = crate::versions::prepare_decided_document(
            schema,
            &self.catalogs(),
            effective_date.max(self.today()),
            doc,
            to.id,
            crate::records::managing_agency_of(&to),
        )?;
        let prev = persons::version(work, person.id, person.current_version).await?;
        let status = PersonStatus::parse(&person.status).unwrap_or(PersonStatus::Working);
        let version = self
            .write_version(
                work,
                NewVersion {
                    person_id: person.id,
                    prev: prev.as_ref(),
                    schema,
                    prepared: &prepared,
                    unit_id: to.id,
                    status,
                    provenance: Provenance::Movement(id),
                    author: actor.map(|a| a.account_id),
                    note: Some(format!(
                        "{} theo quyết định số {} ngày {}: {} → {}",
                        kind.label_vi(),
                        m.decision_number,
                        day_vi(&m.decision_date),
                        from_label,
                        to_label
                    )),
                },
            )
            .await?;
        if !store::set_done(work, id, version.version).await? {
            return Err(AppError::Conflict(
                "Quyết định vừa được người khác xử lý. Vui lòng tải lại.".into(),
            ));
        }
        work.audit(
            AuditAction::MovementApply,
            About::new("person", person.id),
            serde_json::json!({"movement": id, "version": version.version, "from_unit": from.id, "to_unit": to.id}),
        )
        .await?;
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MovementInbox {
    /// Proposed to the actor's units, waiting for an answer.
    pub incoming: Vec<MovementView>,
    /// Sent by the actor's units and not finished (or refused).
    pub outgoing: Vec<MovementView>,
}
