//! The Sở's inspection of deadlines (LS Đ15.5; ĐN Đ15.4, Đ20.4; ĐT Đ22.3): per unit and rule,
//! how many deadlines that fell due in a period were met on time, met late, or are still open
//! past their date, and by how many working days — read from the history the daily alert job
//! keeps (`hoso_store::deadline_outcomes`), and the deadlines settled as a decision is recorded
//! (`hoso_domain::late::decision_updates`, written with the version), and the units' own
//! deadlines: the periodic reports and the salary dates, from their registers. Only deadlines Hoso
//! follows are there; a rule counted only once overdue (the late-record rules of `hoso_domain::late`) is
//! never "on time", since an alert of it only exists once its date has passed.

use std::collections::BTreeMap;

use hoso_domain::audit_action::AuditAction;
use hoso_domain::calendar::HolidayCalendar;
use hoso_store::deadline_outcomes::{self as store, OutcomeFilter, OutcomeGroup};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use crate::authz::Attempt;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo, Target};

/// At most this many (unit, rule, due date, clearing day) groups are read for one report;
/// beyond it the report says it is cut short and asks for a narrower period or unit.
pub const MAX_GROUPS: u64 = 50_000;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineReportQuery {
    /// First due date counted (ISO date; default: 1 January of the current year).
    pub from: Option<String>,
    /// Last due date counted (ISO date; default: today).
    pub to: Option<String>,
    /// Only this unit and below.
    pub unit: Option<i64>,
}

/// How a set of deadlines went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct DeadlineCounts {
    pub total: i64,
    /// Done on or before the due date.
    pub on_time: i64,
    /// Done after the due date.
    pub late: i64,
    /// Not done, and the due date has passed.
    pub overdue: i64,
    /// Not done, not yet due.
    pub running: i64,
    /// The latest of them, in working days after the due date (an open one counted to today).
    pub max_days_late: i64,
    /// Working days late, added up over the late and overdue ones.
    pub days_late: i64,
}

impl DeadlineCounts {
    fn add(&mut self, g: &OutcomeGroup, today: Date, cal: &HolidayCalendar) -> AppResult<()> {
        let due = parse_iso("due", &g.due)?;
        let n = g.count;
        self.total += n;
        let late_by = match &g.cleared_on {
            Some(done) => {
                let done = parse_iso("cleared_on", done)?;
                if done <= due {
                    self.on_time += n;
                    return Ok(());
                }
                self.late += n;
                done
            }
            None if today > due => {
                self.overdue += n;
                today
            }
            None => {
                self.running += n;
                return Ok(());
            }
        };
        let days = i64::from(cal.working_days_between(due, late_by));
        self.max_days_late = self.max_days_late.max(days);
        self.days_late += days * n;
        Ok(())
    }

    fn merge(&mut self, other: &DeadlineCounts) {
        self.total += other.total;
        self.on_time += other.on_time;
        self.late += other.late;
        self.overdue += other.overdue;
        self.running += other.running;
        self.max_days_late = self.max_days_late.max(other.max_days_late);
        self.days_late += other.days_late;
    }
}

/// One unit and one rule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeadlineReportRow {
    pub unit_id: i64,
    pub unit_name: String,
    pub rule_id: String,
    pub rule_name: String,
    pub counts: DeadlineCounts,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeadlineReport {
    /// The period's first and last due dates counted (ISO).
    pub from: String,
    pub to: String,
    /// The day open deadlines are measured against (ISO).
    pub as_of: String,
    /// In unit-tree, then rule order.
    pub rows: Vec<DeadlineReportRow>,
    pub totals: DeadlineCounts,
    /// The period held more than the report reads at once: narrow it.
    pub truncated: bool,
}

/// A day as the API sends it (ISO), or as a person types it (dd/mm/yyyy).
fn parse_iso(field: &str, s: &str) -> AppResult<Date> {
    hoso_domain::typed_date::parse_named(s, field).map_err(AppError::BadRequest)
}

impl App {
    /// The deadline report of the caller's units (administrators: the Sở for the province, a
    /// unit administrator for its subtree). Audited, with its filters and size.
    pub async fn deadline_report(
        &self,
        actor: &Actor,
        q: &DeadlineReportQuery,
        client: &ClientInfo,
    ) -> AppResult<DeadlineReport> {
        self.audited_deadline_report(actor, q, client, AuditAction::DeadlineReportView)
            .await
    }

    /// The same report for a file: one audit entry, the export's.
    pub async fn export_deadline_report(
        &self,
        actor: &Actor,
        q: &DeadlineReportQuery,
        client: &ClientInfo,
    ) -> AppResult<DeadlineReport> {
        self.audited_deadline_report(actor, q, client, AuditAction::DeadlineReportExport)
            .await
    }

    async fn audited_deadline_report(
        &self,
        actor: &Actor,
        q: &DeadlineReportQuery,
        client: &ClientInfo,
        action: AuditAction,
    ) -> AppResult<DeadlineReport> {
        let attempt = || Attempt {
            action,
            about: About::kind("org_unit"),
            client,
        };
        self.require(
            actor,
            Capability::SeeAdministration,
            Target::Somewhere,
            AppError::unit_not_found,
            attempt(),
        )
        .await?;
        let mut conn = self.store.reader().await?;
        let unit_path = match q.unit {
            None => None,
            Some(id) => Some(
                self.require_unit(
                    &mut conn,
                    actor,
                    Capability::SeeAdministration,
                    id,
                    attempt(),
                )
                .await?
                .path,
            ),
        };
        let today = self.today();
        let from = match q.from.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => parse_iso("from", s)?,
            None => Date::from_calendar_date(today.year(), time::Month::January, 1)
                .map_err(|e| AppError::Internal(format!("1/1: {e}")))?,
        };
        let to = match q.to.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => parse_iso("to", s)?,
            None => today,
        };
        if from > to {
            return Err(AppError::BadRequest(format!(
                "Khoảng thời gian không hợp lệ: từ ngày {} sau đến ngày {}.",
                hoso_domain::calendar::format_date(from),
                hoso_domain::calendar::format_date(to)
            )));
        }
        let filter = OutcomeFilter {
            from: from.to_string(),
            to: to.to_string(),
            unit_path,
        };
        let scope = actor
            .capabilities()
            .scope(Capability::SeeAdministration)
            .clone();
        let mut groups = store::groups(&mut conn, &scope, &filter, MAX_GROUPS + 1).await?;
        drop(conn);
        // The units' own deadlines (periodic reports, salary dates), in the caller's scope and
        // under the unit asked for.
        let caps = actor.capabilities();
        let units_own = self
            .periodic_report_outcomes(from, to)
            .await?
            .into_iter()
            .chain(self.payroll_outcomes(from, to).await?)
            .filter(|g| {
                caps.may(Capability::SeeAdministration, Target::Unit(&g.unit_path))
                    && filter
                        .unit_path
                        .as_deref()
                        .is_none_or(|p| g.unit_path.starts_with(p))
            });
        groups.extend(units_own);
        let truncated = groups.len() as u64 > MAX_GROUPS;
        let calendar = self.calendar();
        // Keyed by the unit's path first, so that units read in tree order.
        let mut by_row: BTreeMap<(String, String), DeadlineReportRow> = BTreeMap::new();
        let mut totals = DeadlineCounts::default();
        for g in groups.iter().take(MAX_GROUPS as usize) {
            let row = by_row
                .entry((g.unit_path.clone(), g.rule_id.clone()))
                .or_insert_with(|| DeadlineReportRow {
                    unit_id: g.unit_id,
                    unit_name: g.unit_name.clone(),
                    rule_id: g.rule_id.clone(),
                    rule_name: self
                        .deadline_rules
                        .get(&g.rule_id)
                        .map_or_else(|| g.rule_name.clone(), |r| r.name_vi.clone()),
                    counts: DeadlineCounts::default(),
                });
            row.counts.add(g, today, &calendar)?;
        }
        for row in by_row.values() {
            totals.merge(&row.counts);
        }
        let rows: Vec<DeadlineReportRow> = by_row.into_values().collect();
        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            action,
            About::kind("org_unit"),
            serde_json::json!({
                "from": filter.from, "to": filter.to, "unit": q.unit,
                "rows": rows.len(), "deadlines": totals.total, "truncated": truncated,
            }),
        )
        .await?;
        work.commit().await?;
        Ok(DeadlineReport {
            from: filter.from,
            to: filter.to,
            as_of: today.to_string(),
            rows,
            totals,
            truncated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn group(due: &str, cleared: Option<&str>, count: i64) -> OutcomeGroup {
        OutcomeGroup {
            unit_id: 1,
            unit_name: "Sở".into(),
            unit_path: "1".into(),
            rule_id: "r".into(),
            rule_name: "R".into(),
            due: due.into(),
            cleared_on: cleared.map(str::to_string),
            count,
        }
    }

    #[test]
    fn deadlines_are_on_time_late_overdue_or_running_counted_in_working_days() {
        let cal = HolidayCalendar::embedded();
        let today = date!(2026 - 02 - 25);
        let mut c = DeadlineCounts::default();
        // Due Fri 13/02/2026, the eve of Tết (16–20/02 off).
        c.add(&group("2026-02-13", Some("2026-02-13"), 2), today, &cal)
            .unwrap();
        // Done Mon 23/02: one working day late across Tết, not ten calendar days.
        c.add(&group("2026-02-13", Some("2026-02-23"), 1), today, &cal)
            .unwrap();
        // Still open on Wed 25/02: 23, 24, 25 → 3 working days.
        c.add(&group("2026-02-13", None, 3), today, &cal).unwrap();
        c.add(&group("2026-02-27", None, 4), today, &cal).unwrap();
        assert_eq!(
            c,
            DeadlineCounts {
                total: 10,
                on_time: 2,
                late: 1,
                overdue: 3,
                running: 4,
                max_days_late: 3,
                days_late: 1 + 3 * 3,
            }
        );
        assert!(c.add(&group("2026-02-30", None, 1), today, &cal).is_err());
    }
}
