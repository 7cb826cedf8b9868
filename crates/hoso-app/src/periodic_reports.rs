//! The periodic reports each regulation asks of the agencies and of the Sở Nội vụ, with their
//! due dates from the deadline preset, and the register of when each was sent
//! ([`hoso_domain::periodic_reports`]): per rule, cycle and reporting unit, met, late, overdue
//! or still running. An agency's HR officer records its own report sent (the day and the
//! number of the document that carried it); the Sở records the province's.

use std::collections::HashMap;

use hoso_domain::audit_action::AuditAction;
use hoso_domain::calendar::format_date;
use hoso_domain::deadlines::DeadlineRule;
use hoso_domain::periodic_reports::{self as domain, ReportState, Reporter};
use hoso_store::org::{self as org_store, OrgUnitRow};
use hoso_store::report_submissions::{self as store, NewReportSubmission};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use crate::authz::Attempt;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo, Target};

/// Which reports to list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodicReportQuery {
    /// Only those in this state: `on_time`, `late`, `overdue`, `running`, `open` (not sent),
    /// or `due_soon` (not sent, due within [`DUE_SOON_WORKING_DAYS`] working days).
    pub state: Option<String>,
    /// Words of the unit's name (accents optional).
    pub q: Option<String>,
}

/// One report of one cycle for one reporting unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodicReportRow {
    pub rule_id: String,
    pub rule_name: String,
    pub legal_basis: String,
    /// The time limit as the regulation states it ("ngày 15/01 hằng năm").
    pub time_limit: String,
    /// Who sends it: each agency, or the Sở for the province.
    pub reporter: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// The cycle: the year of the date the text names.
    pub year: i32,
    /// The cycle's due date (ISO), moved past days off.
    pub due: String,
    /// `on_time`, `late`, `overdue` or `running`.
    pub state: String,
    pub state_label: String,
    /// The day it was sent and the document that carried it, once recorded.
    pub sent_on: Option<String>,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    /// The caller may record this report sent (not sent yet, and its unit is theirs).
    pub may_record: bool,
}

/// The periodic reports in the caller's scope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodicReports {
    /// The day the states are measured on (ISO).
    pub as_of: String,
    /// By due date, then rule, then unit in tree order.
    pub rows: Vec<PeriodicReportRow>,
    /// Of all the rows in scope (before the filter): not sent and past due.
    pub overdue: usize,
    /// Not sent, due within the next [`DUE_SOON_WORKING_DAYS`] working days.
    pub due_soon: usize,
}

/// A report recorded as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordReportSent {
    pub rule_id: String,
    /// The cycle: the year of the date the text names (the list's `year`), the last cycle due
    /// or the next.
    pub year: i32,
    pub unit_id: i64,
    /// The day it was sent (ISO or dd/mm/yyyy); not after today.
    pub sent_on: String,
    /// The number of the document that carried it (số, ký hiệu văn bản).
    pub reference: String,
    pub note: Option<String>,
}

/// Working days ahead within which a report not yet sent counts as due soon.
pub const DUE_SOON_WORKING_DAYS: i32 = 10;

const MAX_REFERENCE: usize = 100;
const MAX_NOTE: usize = 1000;

fn parse_day(field: &str, s: &str) -> AppResult<Date> {
    hoso_domain::typed_date::parse_named(s.trim(), field).map_err(AppError::BadRequest)
}

/// Whether `unit` sends a rule's report of the cycle due on `due` (ISO): a root of the tree for
/// the Sở's report, an agency right under one otherwise; only if it existed on the due date
/// (set up by then, not dissolved before).
fn sends_report(reporter: Reporter, unit: &OrgUnitRow, due: &str) -> bool {
    let depth = match reporter {
        Reporter::Province => 0,
        Reporter::Agencies => 1,
    };
    unit.depth == depth
        && unit.valid_from.as_str() <= due
        && unit.dissolved_on.as_deref().is_none_or(|d| due < d)
}

/// A report recorded as sent, as a row shows it.
struct Sent<'a> {
    on: &'a str,
    reference: &'a str,
    note: Option<&'a str>,
    recorded_by: Option<String>,
}

impl PeriodicReportRow {
    fn new(
        rule: &DeadlineRule,
        unit: &OrgUnitRow,
        cycle: domain::Cycle,
        state: ReportState,
        sent: Option<Sent<'_>>,
        may_record: bool,
    ) -> Self {
        PeriodicReportRow {
            rule_id: rule.id.clone(),
            rule_name: rule.name_vi.clone(),
            legal_basis: rule.legal_basis.clone(),
            time_limit: rule.time_limit_vi(),
            reporter: domain::reporter(rule).label_vi().to_string(),
            unit_id: unit.id,
            unit_name: unit.name.clone(),
            year: cycle.year,
            due: cycle.due.to_string(),
            state: state.code().to_string(),
            state_label: state.label_vi(),
            sent_on: sent.as_ref().map(|s| s.on.to_string()),
            reference: sent.as_ref().map(|s| s.reference.to_string()),
            note: sent.as_ref().and_then(|s| s.note.map(str::to_string)),
            recorded_by: sent.and_then(|s| s.recorded_by),
            may_record,
        }
    }
}

impl App {
    /// The units that may send reports: the roots and the agencies right under them.
    async fn reporting_units(&self) -> AppResult<Vec<OrgUnitRow>> {
        let mut conn = self.store.reader().await?;
        let roots = org_store::roots(&mut conn).await?;
        let mut units = roots.clone();
        for root in &roots {
            units.extend(org_store::children(&mut conn, root.id).await?);
        }
        Ok(units)
    }

    /// The periodic reports of the rules in force, for the units the caller sees: each rule's
    /// last cycle due and its next, met, late, overdue or running.
    pub async fn periodic_reports(
        &self,
        actor: &Actor,
        q: &PeriodicReportQuery,
    ) -> AppResult<PeriodicReports> {
        self.report_rows(actor, q, true).await
    }

    /// How many periodic reports in the caller's scope are overdue and due soon (the home
    /// page); `None` for an account that has none to see.
    pub async fn periodic_report_counts(&self, actor: &Actor) -> AppResult<Option<(usize, usize)>> {
        match self
            .report_rows(actor, &PeriodicReportQuery::default(), false)
            .await
        {
            Ok(list) => Ok(Some((list.overdue, list.due_soon))),
            Err(AppError::Forbidden) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn report_rows(
        &self,
        actor: &Actor,
        q: &PeriodicReportQuery,
        with_names: bool,
    ) -> AppResult<PeriodicReports> {
        let caps = actor.capabilities();
        if !caps.staff || !caps.may(Capability::SeeUnits, Target::Somewhere) {
            return Err(AppError::Forbidden);
        }
        let state_filter = match q.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s @ ("on_time" | "late" | "overdue" | "running" | "open" | "due_soon")) => Some(s),
            Some(other) => {
                return Err(AppError::BadRequest(format!(
                    "Trạng thái '{other}' không có: dùng on_time, late, overdue, running, open hoặc due_soon."
                )));
            }
        };
        let words =
            q.q.as_deref()
                .map(hoso_domain::search_key::fold)
                .unwrap_or_default();
        let today = self.today();
        let cal = self.calendar();
        let mut cycles: Vec<(&DeadlineRule, domain::Cycle)> = Vec::new();
        for rule in self.deadline_rules.rules() {
            for cycle in domain::cycles(rule, today, &cal) {
                cycles.push((rule, cycle));
            }
        }
        if cycles.is_empty() {
            return Ok(PeriodicReports {
                as_of: today.to_string(),
                rows: Vec::new(),
                overdue: 0,
                due_soon: 0,
            });
        }
        let units = self.reporting_units().await?;
        let rule_ids: Vec<String> = cycles.iter().map(|(r, _)| r.id.clone()).collect();
        let years: Vec<i64> = cycles.iter().map(|(_, c)| i64::from(c.year)).collect();
        let mut conn = self.store.reader().await?;
        let sent = store::of_cycles(&mut conn, &rule_ids, &years).await?;
        drop(conn);
        let names = if with_names {
            self.display_names(sent.iter().map(|s| s.recorded_by).collect())
                .await?
        } else {
            HashMap::new()
        };
        let sent: HashMap<(&str, i64, i64), &store::ReportSubmission> = sent
            .iter()
            .map(|s| ((s.rule_id.as_str(), s.cycle_year, s.unit_id), s))
            .collect();
        let mut rows = Vec::new();
        let (mut overdue, mut due_soon) = (0, 0);
        cycles.sort_by(|a, b| a.1.due.cmp(&b.1.due).then(a.0.id.cmp(&b.0.id)));
        for (rule, cycle) in cycles {
            let reporter = domain::reporter(rule);
            let due_iso = cycle.due.to_string();
            for unit in units.iter().filter(|u| sends_report(reporter, u, &due_iso)) {
                if !caps.may(Capability::SeeUnits, Target::Unit(&unit.path)) {
                    continue;
                }
                let record = sent.get(&(rule.id.as_str(), i64::from(cycle.year), unit.id));
                let sent_on = match record {
                    Some(r) => Some(parse_day("sent_on", &r.sent_on)?),
                    None => None,
                };
                let state = ReportState::of(cycle.due, sent_on, today, &cal);
                let soon = matches!(state, ReportState::Running { days_left } if days_left <= DUE_SOON_WORKING_DAYS);
                match state {
                    ReportState::Overdue { .. } => overdue += 1,
                    _ if soon => due_soon += 1,
                    _ => {}
                }
                let wanted = match state_filter {
                    None => true,
                    Some("open") => state.is_open(),
                    Some("due_soon") => soon,
                    Some(code) => state.code() == code,
                };
                if !wanted
                    || (!words.is_empty()
                        && !hoso_domain::search_key::fold(&unit.name).contains(&words))
                {
                    continue;
                }
                let sent = record.map(|r| Sent {
                    on: &r.sent_on,
                    reference: &r.reference,
                    note: r.note.as_deref(),
                    recorded_by: names.get(&r.recorded_by).cloned(),
                });
                let may_record =
                    state.is_open() && caps.may(Capability::WriteRecords, Target::Unit(&unit.path));
                rows.push(PeriodicReportRow::new(
                    rule, unit, cycle, state, sent, may_record,
                ));
            }
        }
        Ok(PeriodicReports {
            as_of: today.to_string(),
            rows,
            overdue,
            due_soon,
        })
    }

    /// Records a unit's periodic report of one cycle as sent. Rights first (the unit must be
    /// seen, 404, and be the caller's to write, 403), then the report: a report rule in force,
    /// one of its cycles, a unit that sends it, a day sent not after today, a document number;
    /// a report recorded already is a conflict (409).
    pub async fn record_report_sent(
        &self,
        actor: &Actor,
        input: &RecordReportSent,
        client: &ClientInfo,
    ) -> AppResult<PeriodicReportRow> {
        let attempt = || Attempt {
            action: AuditAction::ReportSubmissionRecord,
            about: About::new("org_unit", input.unit_id),
            client,
        };
        let mut conn = self.store.reader().await?;
        let unit = self
            .require_unit(
                &mut conn,
                actor,
                Capability::WriteRecords,
                input.unit_id,
                attempt(),
            )
            .await?;
        drop(conn);
        let rule = self
            .deadline_rules
            .get(input.rule_id.trim())
            .filter(|r| domain::is_report_rule(r))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "Không có báo cáo định kỳ '{}' trong quy chế đang áp dụng.",
                    input.rule_id
                ))
            })?;
        let cal = self.calendar();
        let today = self.today();
        // Only the cycles the list shows: the last one due and the next.
        let Some(cycle) = domain::cycles(rule, today, &cal)
            .into_iter()
            .find(|c| c.year == input.year)
        else {
            return Err(AppError::BadRequest(format!(
                "Kỳ năm {} của báo cáo «{}» không phải kỳ vừa đến hạn hay kỳ tới ({}).",
                input.year,
                rule.name_vi,
                rule.time_limit_vi()
            )));
        };
        let due = cycle.due;
        let due_iso = due.to_string();
        let reporter = domain::reporter(rule);
        if !sends_report(reporter, &unit, &due_iso) {
            return Err(AppError::BadRequest(format!(
                "{} không phải đơn vị gửi báo cáo «{}» kỳ hạn {} (đơn vị gửi: {}).",
                unit.name,
                rule.name_vi,
                format_date(due),
                reporter.label_vi()
            )));
        }
        if input.sent_on.trim().is_empty() {
            return Err(AppError::BadRequest("Cần ngày gửi báo cáo.".into()));
        }
        let sent_on = parse_day("Ngày gửi (sent_on)", &input.sent_on)?;
        if sent_on > today {
            return Err(AppError::BadRequest(format!(
                "Ngày gửi {} ở sau hôm nay.",
                format_date(sent_on)
            )));
        }
        // A report sent by the previous cycle's due date answered that cycle, not this one.
        if let Some(previous) = domain::cycle_of_year(rule, cycle.year - 1, &cal)
            && sent_on <= previous.due
        {
            return Err(AppError::BadRequest(format!(
                "Ngày gửi {} không sau hạn kỳ trước ({}): báo cáo gửi ngày ấy thuộc kỳ trước.",
                format_date(sent_on),
                format_date(previous.due)
            )));
        }
        let reference = input.reference.trim();
        if reference.is_empty() {
            return Err(AppError::BadRequest(
                "Cần số, ký hiệu văn bản gửi báo cáo.".into(),
            ));
        }
        if reference.chars().count() > MAX_REFERENCE {
            return Err(AppError::BadRequest(format!(
                "Số, ký hiệu văn bản dài quá {MAX_REFERENCE} ký tự."
            )));
        }
        let note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
            return Err(AppError::BadRequest(format!(
                "Ghi chú dài quá {MAX_NOTE} ký tự."
            )));
        }
        let sent_iso = sent_on.to_string();
        let account = actor.account_id;
        let mut work = self.begin_work(actor, client).await?;
        let inserted = store::insert(
            &mut work,
            &NewReportSubmission {
                rule_id: &rule.id,
                cycle_year: i64::from(cycle.year),
                due: &due_iso,
                unit_id: unit.id,
                sent_on: &sent_iso,
                reference,
                note,
                recorded_by: account,
                recorded_at: self.now_ms(),
            },
        )
        .await?;
        if !inserted {
            return Err(AppError::Conflict(format!(
                "Báo cáo «{}» hạn {} của {} đã được ghi nhận.",
                rule.name_vi,
                format_date(due),
                unit.name
            )));
        }
        work.audit(
            AuditAction::ReportSubmissionRecord,
            About::new("org_unit", unit.id),
            serde_json::json!({
                "rule_id": rule.id, "year": cycle.year, "due": due_iso, "sent_on": sent_iso,
                "reference": reference,
            }),
        )
        .await?;
        work.commit().await?;
        let state = ReportState::of(due, Some(sent_on), today, &cal);
        let sent = Sent {
            on: &sent_iso,
            reference,
            note,
            recorded_by: Some(actor.display_name.clone()),
        };
        Ok(PeriodicReportRow::new(
            rule,
            &unit,
            cycle,
            state,
            Some(sent),
            false,
        ))
    }
}
