//! Decisions that end or resume a person's service (issue 14, item 2: nghỉ hưu, thôi việc, buộc
//! thôi việc, chấm dứt hợp đồng, từ trần, trở lại công tác). The record's HR officer records the
//! decision as it was signed; on its effective date (at once when that day has come, otherwise
//! by the daily job) a record version sets the status and writes the decision into the record
//! ([`hoso_domain::status_decisions::apply`]), and the person's own account follows: its access
//! ends on leaving and comes back on return. A retirement is proposed with the legal date of
//! NĐ 135/2020 filled in.

use hoso_domain::audit_action::AuditAction;
use hoso_domain::org::PersonStatus;
use hoso_domain::record_facts;
use hoso_domain::retirement;
use hoso_domain::status_decisions::{self as rules, StatusDecisionKind};
use hoso_store::status_decisions::{self as store, StatusDecisionRow};
use hoso_store::{org as org_store, persons};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::movements::{day_vi, parse_day, text, unit_label};
use crate::versions::{NewVersion, Provenance};
use crate::work::{About, Work};
use crate::{Actor, App, AppError, AppResult, ClientInfo};

/// A decision as the HR officer records it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewStatusDecision {
    /// nghi_huu, thoi_viec, buoc_thoi_viec, cham_dut_hop_dong, tu_tran, tro_lai_cong_tac.
    pub kind: String,
    pub decision_number: String,
    /// `YYYY-MM-DD`.
    pub decision_date: String,
    /// Who signed it (name and office).
    pub signer: String,
    /// `YYYY-MM-DD`: the status changes on this day.
    pub effective_date: String,
    pub note: Option<String>,
}

/// A decision as it is shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusDecisionView {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub kind: String,
    pub kind_label: String,
    /// The record's status from the effective date.
    pub status: String,
    pub status_label: String,
    pub decision_number: String,
    pub decision_date: String,
    pub signer: String,
    pub effective_date: String,
    pub note: Option<String>,
    /// waiting (for the effective date), done, cancelled.
    pub state: String,
    pub state_label: String,
    pub decided_by: i64,
    pub decided_at: i64,
    /// The record version that set the status.
    pub version: Option<i64>,
}

fn state_label(state: &str) -> &'static str {
    match state {
        store::WAITING => "Chờ ngày hiệu lực",
        store::DONE => "Đã có hiệu lực",
        store::CANCELLED => "Đã hủy",
        _ => "Không rõ",
    }
}

fn view(r: StatusDecisionRow) -> StatusDecisionView {
    let kind = StatusDecisionKind::parse(&r.kind);
    StatusDecisionView {
        id: r.id,
        person_id: r.person_id,
        full_name: r.full_name,
        kind_label: kind.map_or_else(|| r.kind.clone(), |k| k.label_vi().to_string()),
        status: kind.map_or("", |k| k.status().as_str()).to_string(),
        status_label: kind.map_or("", |k| k.status().label_vi()).to_string(),
        kind: r.kind,
        decision_number: r.decision_number,
        decision_date: r.decision_date,
        signer: r.signer,
        effective_date: r.effective_date,
        note: r.note,
        state_label: state_label(&r.state).to_string(),
        state: r.state,
        decided_by: r.decided_by,
        decided_at: r.decided_at,
        version: r.version,
    }
}

/// What the decision form starts from: the kinds allowed for the record's status, and for a
/// retirement the legal date (NĐ 135/2020).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusDecisionForm {
    pub person_id: i64,
    pub full_name: String,
    pub status: String,
    pub status_label: String,
    /// (code, label) of each decision the record's status allows.
    pub kinds: Vec<(String, String)>,
    /// Thời điểm nghỉ hưu by the roadmap, when sex and birth date are known.
    pub retirement_date: Option<String>,
    /// A decision already waiting for its effective date (no second one meanwhile).
    pub waiting: Option<StatusDecisionView>,
    /// The decisions recorded, latest first.
    pub history: Vec<StatusDecisionView>,
}

impl App {
    /// The decision form of a record (its HR officer).
    pub async fn status_decision_form(
        &self,
        actor: &Actor,
        person_id: i64,
        client: &ClientInfo,
    ) -> AppResult<StatusDecisionForm> {
        let mut conn = self.store.reader().await?;
        self.require_record_writer(
            &mut conn,
            actor,
            person_id,
            AuditAction::StatusDecide,
            client,
        )
        .await?;
        let (person, doc) = self.current_document(&mut conn, person_id).await?;
        let status = PersonStatus::parse(&person.status).unwrap_or(PersonStatus::Working);
        let facts = record_facts::facts(self.schemas.latest(), &doc, status, None);
        let retirement_date = match (facts.sex, facts.birth_date) {
            (Some(sex), Some(birth)) => Some(retirement::retirement_date(sex, birth).to_string()),
            _ => None,
        };
        let history: Vec<StatusDecisionView> = store::of_person(&mut conn, person_id)
            .await?
            .into_iter()
            .map(view)
            .collect();
        Ok(StatusDecisionForm {
            person_id,
            full_name: person.full_name.clone(),
            status: status.as_str().to_string(),
            status_label: status.label_vi().to_string(),
            kinds: StatusDecisionKind::ALL
                .into_iter()
                .filter(|k| k.check_from(status).is_ok())
                .map(|k| (k.as_str().to_string(), k.label_vi().to_string()))
                .collect(),
            retirement_date,
            waiting: history.iter().find(|d| d.state == store::WAITING).cloned(),
            history,
        })
    }

    /// Records a decision; the status changes at once when its effective date has come,
    /// otherwise on that day.
    pub async fn decide_status(
        &self,
        actor: &Actor,
        person_id: i64,
        input: NewStatusDecision,
        client: &ClientInfo,
    ) -> AppResult<StatusDecisionView> {
        let mut conn = self.store.reader().await?;
        self.require_record_writer(
            &mut conn,
            actor,
            person_id,
            AuditAction::StatusDecide,
            client,
        )
        .await?;
        let kind = StatusDecisionKind::parse(input.kind.trim()).ok_or_else(|| {
            let known: Vec<&str> = StatusDecisionKind::ALL.iter().map(|k| k.as_str()).collect();
            AppError::BadRequest(format!(
                "Loại quyết định '{}' không hợp lệ ({}).",
                input.kind.trim(),
                known.join(", ")
            ))
        })?;
        let decision_number =
            text(&input.decision_number, "số quyết định", 50, true)?.unwrap_or_default();
        let signer = text(&input.signer, "người ký quyết định", 200, true)?.unwrap_or_default();
        let note = text(input.note.as_deref().unwrap_or(""), "ghi chú", 1000, false)?;
        let decision_date = parse_day(&input.decision_date, "Ngày quyết định")?;
        let effective_date = parse_day(&input.effective_date, "Ngày hiệu lực")?;
        if decision_date > self.today() {
            return Err(AppError::BadRequest(
                "Ngày quyết định không được sau ngày hôm nay.".into(),
            ));
        }
        // A death is recorded after the fact; every other decision takes effect on or after
        // the day it is signed.
        if kind != StatusDecisionKind::Death && effective_date < decision_date {
            return Err(AppError::BadRequest(
                "Ngày hiệu lực không được trước ngày quyết định.".into(),
            ));
        }
        let person = persons::get(&mut conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        let status = PersonStatus::parse(&person.status).unwrap_or(PersonStatus::Working);
        kind.check_from(status).map_err(AppError::BadRequest)?;
        if let Some(waiting) = store::waiting_of_person(&mut conn, person_id).await? {
            return Err(AppError::Conflict(format!(
                "Người này đã có quyết định {} số {} chờ hiệu lực từ ngày {}: hủy quyết định đó trước.",
                StatusDecisionKind::parse(&waiting.kind)
                    .map_or("khác", |k| k.label_vi())
                    .to_lowercase(),
                waiting.decision_number,
                day_vi(&waiting.effective_date)
            )));
        }
        if let Some(open) = hoso_store::movements::open_of_person(&mut conn, person_id).await? {
            return Err(AppError::Conflict(format!(
                "Người này đang có quyết định điều chuyển số {} chưa hoàn tất: hoàn tất hoặc hủy trước.",
                open.decision_number
            )));
        }
        if let Some(last) = store::last_effective(&mut conn, person_id).await?
            && effective_date.to_string() < last
        {
            return Err(AppError::BadRequest(format!(
                "Ngày hiệu lực không được trước ngày hiệu lực của quyết định trước ({}).",
                day_vi(&last)
            )));
        }
        drop(conn);
        let mut work = self.begin_work(actor, client).await?;
        let at = work.at;
        let id = store::insert(
            &mut work,
            store::NewStatusDecision {
                person_id,
                kind: kind.as_str(),
                decision_number: &decision_number,
                decision_date: &decision_date.to_string(),
                signer: &signer,
                effective_date: &effective_date.to_string(),
                note: note.as_deref(),
                decided_by: actor.account_id,
                at,
            },
        )
        .await?;
        work.audit(
            AuditAction::StatusDecide,
            About::new("person", person_id),
            serde_json::json!({"decision": id, "kind": kind.as_str(),
                "decision_number": decision_number, "effective_date": effective_date.to_string()}),
        )
        .await?;
        if effective_date <= self.today() {
            self.apply_status_decision_in(&mut work, id).await?;
        }
        let row = store::get(&mut work, id)
            .await?
            .ok_or_else(|| AppError::Internal("a decision just written is gone".into()))?;
        work.commit().await?;
        self.refresh_alerts_of(&[row.person_id]).await;
        Ok(view(row))
    }

    /// Withdraws a decision still waiting for its effective date.
    pub async fn cancel_status_decision(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<StatusDecisionView> {
        let not_found = || AppError::NotFound("Không tìm thấy quyết định.");
        let mut conn = self.store.reader().await?;
        let row = store::get(&mut conn, id).await?.ok_or_else(not_found)?;
        self.require_record_writer(
            &mut conn,
            actor,
            row.person_id,
            AuditAction::StatusCancel,
            client,
        )
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => not_found(),
            other => other,
        })?;
        drop(conn);
        let mut work = self.begin_work(actor, client).await?;
        if !store::cancel(&mut work, id).await? {
            return Err(AppError::Conflict(
                "Chỉ hủy được quyết định đang chờ ngày hiệu lực.".into(),
            ));
        }
        work.audit(
            AuditAction::StatusCancel,
            About::new("person", row.person_id),
            serde_json::json!({"decision": id}),
        )
        .await?;
        let row = store::get(&mut work, id).await?.ok_or_else(not_found)?;
        work.commit().await?;
        Ok(view(row))
    }

    /// The decisions recorded on a record, latest first (whoever reads the record).
    pub async fn status_decisions_of(
        &self,
        actor: &Actor,
        person_id: i64,
    ) -> AppResult<Vec<StatusDecisionView>> {
        let mut conn = self.store.reader().await?;
        self.visible_person(&mut conn, actor, person_id).await?;
        Ok(store::of_person(&mut conn, person_id)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    /// Puts in force the decisions whose effective date has come (the daily job); how many.
    pub async fn apply_due_status_decisions(&self, today: Date) -> AppResult<usize> {
        let mut conn = self.store.reader().await?;
        let due = store::due(&mut conn, &today.to_string()).await?;
        drop(conn);
        let mut applied = 0;
        for d in due {
            let mut work = self.begin_system_work().await?;
            match self.apply_status_decision_in(&mut work, d.id).await {
                Ok(()) => {
                    work.commit().await?;
                    applied += 1;
                }
                // One record that cannot take it (an invalid legacy document) does not hold up
                // the others; its HR officer sees the decision still waiting.
                Err(e) => {
                    tracing::warn!(decision = d.id, error = %e, "status decision not applied")
                }
            }
        }
        Ok(applied)
    }

    /// Writes the decision into the record: a new version with the status, and the person's
    /// own access ended or given back.
    async fn apply_status_decision_in(&self, work: &mut Work<'_>, id: i64) -> AppResult<()> {
        let d = store::get(work, id)
            .await?
            .ok_or_else(|| AppError::Internal("decision to apply is gone".into()))?;
        let kind = StatusDecisionKind::parse(&d.kind)
            .ok_or_else(|| AppError::Internal(format!("decision {id} has kind {}", d.kind)))?;
        let (person, mut doc) = self.current_document(work, d.person_id).await?;
        let current = PersonStatus::parse(&person.status).unwrap_or(PersonStatus::Working);
        kind.check_from(current).map_err(AppError::Conflict)?;
        let unit = org_store::get(work, person.unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        let unit_name = unit_label(work, &unit).await?;
        let decision_date = parse_day(&d.decision_date, "Ngày quyết định")?;
        let effective_date = parse_day(&d.effective_date, "Ngày hiệu lực")?;
        rules::apply(
            &mut doc,
            &rules::StatusDecision {
                kind,
                decision_number: &d.decision_number,
                decision_date,
                effective_date,
                unit: &unit_name,
                note: d.note.as_deref(),
            },
        );
        let schema = self.schemas.latest();
        let prepared = crate::versions::prepare_decided_document(
            schema,
            &self.catalogs(),
            effective_date.max(self.today()),
            doc,
            unit.id,
            crate::records::managing_agency_of(&unit),
        )?;
        let prev = persons::version(work, person.id, person.current_version).await?;
        let status = kind.status();
        let version = self
            .write_version(
                work,
                NewVersion {
                    person_id: person.id,
                    prev: prev.as_ref(),
                    schema,
                    prepared: &prepared,
                    unit_id: unit.id,
                    status,
                    provenance: Provenance::StatusDecision(id),
                    author: Some(d.decided_by),
                    note: Some(format!(
                        "{} theo quyết định số {} ngày {}, hiệu lực từ {}",
                        kind.label_vi(),
                        d.decision_number,
                        day_vi(&d.decision_date),
                        day_vi(&d.effective_date)
                    )),
                },
            )
            .await?;
        if !store::set_done(work, id, version.version).await? {
            return Err(AppError::Conflict(
                "Quyết định vừa được người khác xử lý. Vui lòng tải lại.".into(),
            ));
        }
        let reason = format!(
            "{} theo quyết định số {}",
            kind.label_vi(),
            d.decision_number
        );
        if status == PersonStatus::Working {
            crate::personal_accounts::restore_personal_access_in(
                work,
                d.decided_by,
                person.id,
                &reason,
            )
            .await?;
        } else {
            crate::security::revoke_personal_access_in(work, d.decided_by, person.id, &reason)
                .await?;
        }
        work.audit(
            AuditAction::StatusApply,
            About::new("person", person.id),
            serde_json::json!({"decision": id, "version": version.version, "status": status.as_str()}),
        )
        .await?;
        Ok(())
    }
}
