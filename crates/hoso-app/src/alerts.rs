//! Alerts (F12): computed from the records by a daily job (`jobs::JobKind::AlertsDaily`), listed
//! per account within its scope, and previewed for any date ("what-if").

use hoso_domain::alerts::AlertKind;
use hoso_store::alerts::{self as store, AlertFilter, AlertRow};
use hoso_store::deadline_outcomes::{self, OpenDeadline};
use hoso_store::persons::{self, PersonFilter};
use hoso_store::{StoreError, org as org_store};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use hoso_domain::audit_action::AuditAction;

use crate::jobs::Progress;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo, Page, Paging, Target};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertView {
    pub person_id: i64,
    pub full_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// step_increase_due, beyond_scale_due, retirement_notice, retirement_decision,
    /// probation_ending, appointment_term_ending, contract_ending, discipline_ending,
    /// two_failing_ratings, record_incomplete, record_stale, deadline_overdue, verification_pending, approval_pending.
    pub kind: String,
    pub kind_label: String,
    /// ISO date.
    pub due: String,
    pub message: String,
    /// The rule and its legal source.
    pub legal_basis: String,
    /// Marked as dealt with by an HR officer (the decision sent, the person told).
    pub handled: Option<HandledView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HandledView {
    /// Who marked it (the account's display name).
    pub by: String,
    /// When, in ms.
    pub at: i64,
    pub note: String,
}

/// An alert named by its person, kind and due day: to mark it as dealt with, or to open it
/// again.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AlertMark {
    pub person_id: i64,
    pub kind: String,
    /// ISO date (or dd/mm/yyyy).
    pub due: String,
    /// What was done (at most 500 characters).
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    pub kind: Option<String>,
    /// Only this unit and below.
    pub unit: Option<i64>,
    /// Only alerts due on or before this ISO date.
    pub due_before: Option<String>,
    /// For the preview: the "today" to compute for (ISO date).
    pub date: Option<String>,
    /// `true`: the alerts marked as dealt with, instead of the open ones.
    pub handled: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertCount {
    pub kind: String,
    pub kind_label: String,
    pub count: i64,
}

pub fn kind_code(kind: AlertKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub fn kind_label(code: &str) -> &'static str {
    match code {
        "step_increase_due" => "Đến hạn nâng bậc lương thường xuyên",
        "beyond_scale_due" => "Đến hạn phụ cấp thâm niên vượt khung",
        "retirement_notice" => "Thông báo nghỉ hưu (trước 6 tháng)",
        "retirement_decision" => "Quyết định nghỉ hưu (trước 3 tháng)",
        "probation_ending" => "Hết thời gian tập sự",
        "appointment_term_ending" => "Hết thời hạn bổ nhiệm",
        "contract_ending" => "Hết hạn hợp đồng",
        "discipline_ending" => "Hết thời hạn kỷ luật",
        "two_failing_ratings" => "Hai năm liên tiếp không hoàn thành nhiệm vụ",
        "record_incomplete" => "Hồ sơ thiếu thông tin bắt buộc",
        "record_stale" => "Hồ sơ lâu chưa cập nhật",
        "deadline_overdue" => "Quá hạn cập nhật theo quy định",
        "verification_pending" => "Phiếu bổ sung chờ xác thực",
        "approval_pending" => "Thay đổi chờ phê duyệt",
        _ => "",
    }
}

/// A day as the API sends it (ISO), or as a person types it (dd/mm/yyyy).
fn parse_iso(field: &str, s: &str) -> AppResult<time::Date> {
    hoso_domain::typed_date::parse_named(s, field).map_err(AppError::BadRequest)
}

fn check_kind(kind: &Option<String>) -> AppResult<()> {
    if let Some(k) = kind
        && kind_label(k).is_empty()
    {
        return Err(AppError::BadRequest(format!(
            "Loại cảnh báo '{k}' không tồn tại."
        )));
    }
    Ok(())
}

/// The deadlines these alerts show open: those of alerts following a rule.
fn open_deadlines(alerts: &[crate::alert_sources::PersonAlert]) -> Vec<OpenDeadline> {
    alerts
        .iter()
        .filter_map(|a| {
            let rule = a.alert.rule.as_ref()?;
            Some(OpenDeadline {
                person_id: a.person_id,
                unit_id: a.unit_id,
                kind: kind_code(a.alert.kind),
                rule_id: rule.id.clone(),
                rule_name: rule.name_vi.clone(),
                due: a.alert.due.to_string(),
            })
        })
        .collect()
}

impl App {
    /// Alerts of every person as of `as_of`, computed from the current records. Returns how
    /// many alerts were stored. Each batch of persons is replaced in its own transaction.
    pub async fn compute_all_alerts(&self, as_of: time::Date) -> AppResult<i64> {
        self.compute_alerts_reporting(as_of, &Progress::none(self))
            .await
    }

    /// [`App::compute_all_alerts`], reporting the persons done after each batch (the daily job
    /// runs it so; each report also extends the job's lease).
    pub(crate) async fn compute_alerts_reporting(
        &self,
        as_of: time::Date,
        progress: &Progress<'_>,
    ) -> AppResult<i64> {
        // Another node may have amended the holidays since the last poll.
        self.reload_reference_if_changed().await?;
        let total = self.person_count().await?;
        let mut last_id = 0i64;
        let mut stored = 0i64;
        let mut done = 0i64;
        loop {
            let mut conn = self.store.reader().await?;
            let ids = persons::ids_after(&mut conn, last_id, 500).await?;
            let Some(&last) = ids.last() else { break };
            let people = self.load_alert_people(&mut conn, &ids).await?;
            let alerts = self.alerts_for(&mut conn, &people, as_of).await?;
            let findings = self.findings_of(&people, as_of);
            let open = open_deadlines(&alerts);
            let rows = stored_rows(alerts, as_of);
            drop(conn);
            let mut tx = self.store.begin().await?;
            store::replace_for(&mut tx, &ids, &rows).await?;
            hoso_store::data_quality::replace(&mut tx, &findings).await?;
            // The run of a day sees what was done by the end of the day before (the daily job
            // runs as the day begins): a deadline found done is counted done on that day, so
            // that an officer who acts on the due date is on time.
            let done_by = as_of.previous_day().unwrap_or(as_of);
            deadline_outcomes::record(
                &mut tx,
                &ids,
                &as_of.to_string(),
                &done_by.to_string(),
                &open,
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            stored += rows.len() as i64;
            done += ids.len() as i64;
            last_id = last;
            // Records created meanwhile are counted too.
            let total = total.max(done);
            progress
                .report(
                    done,
                    Some(total),
                    &format!("Đã tính cảnh báo cho {done}/{total} người"),
                )
                .await?;
        }
        Ok(stored)
    }

    /// Recomputes the alerts of these people for today, right after something of theirs
    /// changed (a request sent, verified or returned, a version written or signed, a movement
    /// answered, a status decided, an account issued), so that the alert list agrees with the
    /// home page at once rather than after the next daily run, and the deadline history records
    /// the day it happened.
    /// The action itself is committed already: a failure here is logged and left to that run.
    pub(crate) async fn refresh_alerts_of(&self, ids: &[i64]) {
        if ids.is_empty() {
            return;
        }
        if let Err(e) = self.try_refresh_alerts_of(ids).await {
            tracing::warn!(error = %e, people = ids.len(), "alerts not refreshed; the daily run will");
        }
    }

    async fn try_refresh_alerts_of(&self, ids: &[i64]) -> AppResult<()> {
        // Due dates are kept in the deadline history: they must be counted on the holidays
        // another node may just have amended, as the daily run does.
        self.reload_reference_if_changed().await?;
        let as_of = self.today();
        let mut conn = self.store.reader().await?;
        let people = self.load_alert_people(&mut conn, ids).await?;
        let alerts = self.alerts_for(&mut conn, &people, as_of).await?;
        let findings = self.findings_of(&people, as_of);
        let open = open_deadlines(&alerts);
        let rows = stored_rows(alerts, as_of);
        drop(conn);
        let mut tx = self.store.begin().await?;
        store::replace_for(&mut tx, ids, &rows).await?;
        hoso_store::data_quality::replace(&mut tx, &findings).await?;
        // Seen during the day, right after what changed them: a deadline done now is done
        // today (the daily run, at the day's start, counts the day before). A request sent and
        // verified between two daily runs is kept in the deadline history too.
        let today = as_of.to_string();
        deadline_outcomes::record(&mut tx, ids, &today, &today, &open).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    async fn alert_unit_path(&self, actor: &Actor, unit: Option<i64>) -> AppResult<Option<String>> {
        let Some(unit_id) = unit else { return Ok(None) };
        let mut conn = self.store.reader().await?;
        let unit = org_store::get(&mut conn, unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        if !actor
            .capabilities()
            .may(Capability::SeeUnits, Target::Unit(&unit.path))
        {
            return Err(AppError::unit_not_found());
        }
        Ok(Some(unit.path))
    }

    /// The stored alerts in the caller's scope (an individual: their own).
    pub async fn list_alerts(&self, actor: &Actor, q: AlertQuery) -> AppResult<Page<AlertView>> {
        let paging = Paging::new(q.page, q.per_page)?;
        check_kind(&q.kind)?;
        if let Some(d) = &q.due_before {
            parse_iso("due_before", d)?;
        }
        // The stored alerts are today's; a date asks for the preview, and a malformed one is
        // refused here too rather than ignored.
        if let Some(d) = &q.date {
            parse_iso("date", d)?;
        }
        let filter = AlertFilter {
            kind: q.kind,
            unit_path: self.alert_unit_path(actor, q.unit).await?,
            due_before: q.due_before,
            handled: q.handled.unwrap_or(false),
            limit: paging.per_page,
            offset: paging.offset(),
        };
        let mut conn = self.store.reader().await?;
        let (rows, total) = store::list(&mut conn, &actor.read_scope(), &filter).await?;
        drop(conn);
        let handlers = self
            .display_names(
                rows.iter()
                    .filter_map(|r| r.handled.as_ref().map(|h| h.by))
                    .collect(),
            )
            .await?;
        let items = rows
            .into_iter()
            .map(|r| AlertView {
                handled: r.handled.map(|h| HandledView {
                    by: handlers.get(&h.by).cloned().unwrap_or_default(),
                    at: h.at,
                    note: h.note,
                }),
                kind_label: kind_label(&r.kind).to_string(),
                person_id: r.person_id,
                full_name: r.full_name,
                unit_id: r.unit_id,
                unit_name: r.unit_name,
                kind: r.kind,
                due: r.due,
                message: r.message,
                legal_basis: r.legal_basis,
            })
            .collect();
        Ok(Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
            total_capped: false,
        })
    }

    /// Counts per kind in the caller's scope, for the home page.
    pub async fn alert_summary(&self, actor: &Actor) -> AppResult<Vec<AlertCount>> {
        let mut conn = self.store.reader().await?;
        let counts = store::summary(&mut conn, &actor.read_scope()).await?;
        Ok(counts
            .into_iter()
            .map(|(kind, count)| AlertCount {
                kind_label: kind_label(&kind).to_string(),
                kind,
                count,
            })
            .collect())
    }

    /// What-if: the alerts of the caller's scope as they would be on `date`, computed now and
    /// not stored. Administrators only; at most 5,000 people per preview (narrow by unit).
    pub async fn preview_alerts(&self, actor: &Actor, q: AlertQuery) -> AppResult<Page<AlertView>> {
        if !actor
            .capabilities()
            .may_somewhere(Capability::SeeAdministration)
        {
            return Err(AppError::Forbidden);
        }
        let paging = Paging::new(q.page, q.per_page)?;
        check_kind(&q.kind)?;
        let date = match &q.date {
            Some(d) => parse_iso("date", d)?,
            None => self.today(),
        };
        let unit_path = self.alert_unit_path(actor, q.unit).await?;
        const CAP: i64 = 5_000;
        let mut conn = self.store.reader().await?;
        let filter = PersonFilter {
            unit_path,
            status: Some("working".into()),
            limit: CAP,
            ..PersonFilter::default()
        };
        let persons::Listed {
            people,
            total: total_people,
            ..
        } = persons::list(&mut conn, &[], &actor.read_scope(), &filter).await?;
        if total_people > CAP {
            return Err(AppError::BadRequest(format!(
                "Phạm vi có {total_people} người, quá {CAP} người cho một lần xem trước: hãy chọn một đơn vị (unit)."
            )));
        }
        let ids: Vec<i64> = people.iter().map(|p| p.person.id).collect();
        let mut names = std::collections::HashMap::new();
        let mut unit_names = std::collections::HashMap::new();
        for p in people.iter().map(|p| &p.person) {
            names.insert(p.id, p.full_name.clone());
            if let std::collections::hash_map::Entry::Vacant(slot) = unit_names.entry(p.unit_id) {
                let name = org_store::get(&mut conn, p.unit_id)
                    .await?
                    .map(|u| u.name)
                    .unwrap_or_default();
                slot.insert(name);
            }
        }
        let mut all = Vec::new();
        for batch in ids.chunks(200) {
            let loaded = self.load_alert_people(&mut conn, batch).await?;
            for a in self.alerts_for(&mut conn, &loaded, date).await? {
                let kind = kind_code(a.alert.kind);
                if q.kind.as_ref().is_some_and(|k| *k != kind) {
                    continue;
                }
                all.push(AlertView {
                    person_id: a.person_id,
                    full_name: names.get(&a.person_id).cloned().unwrap_or_default(),
                    unit_id: a.unit_id,
                    unit_name: unit_names.get(&a.unit_id).cloned().unwrap_or_default(),
                    kind_label: kind_label(&kind).to_string(),
                    kind,
                    due: a.alert.due.to_string(),
                    message: a.alert.message_vi,
                    legal_basis: a.alert.legal_basis,
                    handled: None,
                });
            }
        }
        all.sort_by(|a, b| a.due.cmp(&b.due).then(a.person_id.cmp(&b.person_id)));
        let total = all.len() as i64;
        let items = all
            .into_iter()
            .skip(paging.offset() as usize)
            .take(paging.per_page as usize)
            .collect();
        Ok(Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
            total_capped: false,
        })
    }
}

impl App {
    /// Marks an alert as dealt with: it leaves the open list and the counts, and comes back
    /// only if the mark is taken back ([`App::reopen_alert`]). The person's HR officers only.
    pub async fn mark_alert_handled(
        &self,
        actor: &Actor,
        input: AlertMark,
        client: &ClientInfo,
    ) -> AppResult<()> {
        self.change_alert_mark(actor, input, client, AuditAction::AlertHandle)
            .await
    }

    /// Takes back the mark of [`App::mark_alert_handled`].
    pub async fn reopen_alert(
        &self,
        actor: &Actor,
        input: AlertMark,
        client: &ClientInfo,
    ) -> AppResult<()> {
        self.change_alert_mark(actor, input, client, AuditAction::AlertReopen)
            .await
    }

    async fn change_alert_mark(
        &self,
        actor: &Actor,
        input: AlertMark,
        client: &ClientInfo,
        action: AuditAction,
    ) -> AppResult<()> {
        let person_id = input.person_id;
        let mut conn = self.store.reader().await?;
        self.require_record_writer(&mut conn, actor, person_id, action, client)
            .await?;
        let kind = input.kind.trim().to_string();
        check_kind(&Some(kind.clone()))?;
        let due = parse_iso("due", input.due.trim())?.to_string();
        let note = input.note.as_deref().unwrap_or("").trim().to_string();
        if note.chars().count() > 500 {
            return Err(AppError::BadRequest(
                "Ghi chú việc đã làm tối đa 500 ký tự.".into(),
            ));
        }
        if action == AuditAction::AlertHandle
            && !store::exists(&mut conn, person_id, &kind, &due).await?
        {
            return Err(AppError::BadRequest(
                "Cảnh báo này không còn trong danh sách (hồ sơ đã được cập nhật hoặc cảnh báo đã được tính lại): không cần đánh dấu."
                    .into(),
            ));
        }
        drop(conn);
        let mut tx = self.begin_work(actor, client).await?;
        let changed = if action == AuditAction::AlertHandle {
            let handled = store::Handled {
                by: actor.account_id,
                at: self.now_ms(),
                note: note.clone(),
            };
            store::mark_handled(&mut tx, person_id, &kind, &due, &handled).await?;
            true
        } else {
            store::unmark_handled(&mut tx, person_id, &kind, &due).await?
        };
        if !changed {
            return Err(AppError::BadRequest(
                "Cảnh báo này chưa được đánh dấu đã xử lý.".into(),
            ));
        }
        tx.audit(
            action,
            About::new("person", person_id),
            serde_json::json!({ "alert": kind, "due": due, "note": note }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The rows kept for a day's alerts.
fn stored_rows(alerts: Vec<crate::alert_sources::PersonAlert>, as_of: time::Date) -> Vec<AlertRow> {
    alerts
        .into_iter()
        .map(|a| AlertRow {
            person_id: a.person_id,
            unit_id: a.unit_id,
            kind: kind_code(a.alert.kind),
            due: a.alert.due.to_string(),
            message: a.alert.message_vi,
            legal_basis: a.alert.legal_basis,
            computed_for: as_of.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [AlertKind; 12] = [
        AlertKind::StepIncreaseDue,
        AlertKind::BeyondScaleDue,
        AlertKind::RetirementNotice,
        AlertKind::RetirementDecision,
        AlertKind::ProbationEnding,
        AlertKind::AppointmentTermEnding,
        AlertKind::ContractEnding,
        AlertKind::DisciplineEnding,
        AlertKind::TwoFailingRatings,
        AlertKind::RecordIncomplete,
        AlertKind::RecordStale,
        AlertKind::DeadlineOverdue,
    ];

    #[test]
    fn every_kind_has_a_code_and_a_vietnamese_label() {
        for k in KINDS {
            let code = kind_code(k);
            assert!(!kind_label(&code).is_empty(), "{code}");
        }
        assert!(check_kind(&Some("nope".into())).is_err());
        assert!(check_kind(&Some("retirement_notice".into())).is_ok());
    }
}
