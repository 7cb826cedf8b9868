//! The monthly payroll sheet (bảng lương, F6 of the design) and Đồng Tháp's salary cycle (Đ17).
//! A unit's HR officer records the month's sheet of the people working in the unit and the units
//! under it, with the day it is paid: each line computed from the record
//! ([`hoso_domain::payroll::pay_line`]) and frozen when recorded. The rules of the preset in
//! force that ask for it ([`hoso_domain::payroll::duty`]) tell, month by month and per
//! responsible unit, whether the sheet was recorded in time; the Sở Tài chính (an account that
//! reads the whole province) consolidates the month's sheets of the units right under the
//! province.

use std::collections::HashMap;

use hoso_domain::access::AccessLevel;
use hoso_domain::audit_action::AuditAction;
use hoso_domain::calendar::format_date;
use hoso_domain::deadlines::DeadlineRule;
use hoso_domain::org::OrgUnitKind;
use hoso_domain::payroll::{self as domain, PayLine, Period, SalaryCycle, SalaryDuty};
use hoso_domain::periodic_reports::ReportState;
use hoso_domain::record_facts::pay_inputs;
use hoso_store::deadline_outcomes::OutcomeGroup;
use hoso_store::org::{self as org_store, OrgUnitRow};
use hoso_store::payroll::{self as store, ConsolidationRow, NewSheet, SheetRow};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use crate::authz::Attempt;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo, Target};

/// Which month, and which of its duties, to show.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PayrollQuery {
    /// The month of the sheets listed (`YYYY-MM` or `MM/YYYY`); this month when absent.
    pub period: Option<String>,
    /// Only duties in this state: `on_time`, `late`, `overdue`, `running` or `open`.
    pub state: Option<String>,
    /// Words of the unit's name (accents optional).
    pub q: Option<String>,
}

/// One month of a salary rule for one responsible unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SalaryDutyRow {
    pub rule_id: String,
    pub rule_name: String,
    pub legal_basis: String,
    /// The time limit as the regulation states it ("từ ngày 01 đến ngày 10 hằng tháng").
    pub time_limit: String,
    /// Who owes it.
    pub duty: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// `YYYY-MM`.
    pub period: String,
    /// The first day it may be done and its due date (ISO), moved past days off.
    pub opens: String,
    pub due: String,
    /// `on_time`, `late`, `overdue` or `running`.
    pub state: String,
    pub state_label: String,
    /// The day the sheet (or the consolidation) was first recorded.
    pub done_on: Option<String>,
    /// The sheet that answers it (none for a consolidation).
    pub sheet_id: Option<i64>,
    /// The caller may record it now.
    pub may_record: bool,
    /// The Sở Tài chính's consolidation (not a unit's sheet).
    pub consolidation: bool,
}

/// A recorded sheet, without its lines.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayrollSheetSummary {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// `YYYY-MM`.
    pub period: String,
    /// The day it is paid (ISO).
    pub paid_on: String,
    /// The day first recorded (ISO).
    pub recorded_on: String,
    pub headcount: i64,
    /// People whose pay the record does not let Hoso compute.
    pub incomplete: i64,
    /// In đồng.
    pub total: i64,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    /// Recorded again since (ms since the Unix epoch).
    pub revised_at: Option<i64>,
    /// The caller may open its lines.
    pub may_read: bool,
}

/// A unit the caller may record a sheet for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayrollUnit {
    pub id: i64,
    pub name: String,
    pub depth: i64,
}

/// One unit right under the province in a month's consolidation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConsolidationLine {
    pub unit_id: i64,
    pub unit_name: String,
    /// The rule that asks this unit for its sheet ("" when none does).
    pub duty: String,
    pub sheet_id: Option<i64>,
    pub recorded_on: Option<String>,
    pub paid_on: Option<String>,
    pub headcount: i64,
    pub incomplete: i64,
    pub total: i64,
}

/// A month's consolidation for the province: what each unit right under it recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayrollConsolidation {
    pub unit_id: i64,
    pub unit_name: String,
    /// `YYYY-MM`.
    pub period: String,
    /// As recorded, once recorded; as it stands today otherwise.
    pub lines: Vec<ConsolidationLine>,
    pub units_expected: i64,
    pub units_recorded: i64,
    pub headcount: i64,
    pub total: i64,
    /// The day it was recorded (ISO), and by whom.
    pub recorded_on: Option<String>,
    pub recorded_by: Option<String>,
    pub note: Option<String>,
    pub may_record: bool,
}

/// The payroll page: the duties of the rules in force, the sheets of a month, and (for those who
/// read the province) its consolidation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayrollOverview {
    /// The day the states are measured on (ISO).
    pub as_of: String,
    /// The month listed (`YYYY-MM`).
    pub period: String,
    /// The months a sheet may be recorded for today: this one and the one before.
    pub open_periods: Vec<String>,
    /// By due date, then rule, then unit in tree order.
    pub duties: Vec<SalaryDutyRow>,
    /// Of all the duties in scope (before the filter): not done and past due.
    pub overdue: usize,
    /// Not done, due within the next 5 working days.
    pub due_soon: usize,
    /// The sheets of the month in the caller's scope, in tree order.
    pub sheets: Vec<PayrollSheetSummary>,
    pub units: Vec<PayrollUnit>,
    pub consolidation: Option<PayrollConsolidation>,
}

/// A sheet to record.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordPayrollSheet {
    pub unit_id: i64,
    /// `YYYY-MM` or `MM/YYYY`: this month or the one before.
    pub period: String,
    /// Thời gian chi trả: the day the month's pay is paid (ISO or dd/mm/yyyy).
    pub paid_on: String,
    pub note: Option<String>,
}

/// A month's consolidation to record.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordPayrollConsolidation {
    /// `YYYY-MM` or `MM/YYYY`.
    pub period: String,
    pub note: Option<String>,
}

/// One person's line of a sheet, as frozen.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PayrollLine {
    pub person_id: i64,
    pub full_name: String,
    pub unit_name: String,
    pub rank_code: Option<String>,
    pub rank_name: Option<String>,
    pub step: Option<u32>,
    /// None when the record does not let Hoso compute the pay (see `problem`).
    #[schema(value_type = Option<Object>)]
    pub pay: Option<PayLine>,
    pub problem: Option<String>,
}

/// A recorded sheet with its lines.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayrollSheet {
    pub summary: PayrollSheetSummary,
    pub lines: Vec<PayrollLine>,
}

/// Working days ahead within which a duty not yet done counts as due soon.
pub const DUE_SOON_WORKING_DAYS: i32 = 5;
const MAX_NOTE: usize = 1000;
/// The most people one sheet holds: each line is computed from the record as the request is
/// served, and a sheet is one unit's payroll, not the province's.
pub const MAX_SHEET_PEOPLE: usize = 5_000;

fn parse_period(s: &str) -> AppResult<Period> {
    Period::parse(s).ok_or_else(|| {
        AppError::BadRequest(format!(
            "Tháng '{}' không hợp lệ: ghi tháng/năm (mm/yyyy) hoặc YYYY-MM.",
            s.trim()
        ))
    })
}

fn note_of(note: Option<&str>) -> AppResult<Option<&str>> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(AppError::BadRequest(format!(
            "Ghi chú dài quá {MAX_NOTE} ký tự."
        )));
    }
    Ok(note)
}

fn iso(s: &str) -> Option<Date> {
    Date::parse(s, crate::versions::ISO_DAY).ok()
}

/// Whether `unit` owes a salary duty of the cycle due on `due` (ISO), having existed that day:
/// the province's root the consolidation; of the units right under it, the districts the
/// districts' rule and the agencies of the province (not districts, not communes) the other.
fn owes(duty: SalaryDuty, unit: &OrgUnitRow, due: &str) -> bool {
    let kind = OrgUnitKind::parse(&unit.kind);
    let by_kind = match duty {
        SalaryDuty::Consolidation => unit.depth == 0,
        SalaryDuty::Districts => unit.depth == 1 && kind == Some(OrgUnitKind::District),
        SalaryDuty::ProvincialAgencies => {
            unit.depth == 1 && !matches!(kind, Some(OrgUnitKind::District | OrgUnitKind::Commune))
        }
    };
    by_kind && unit.existed_on(due)
}

fn summary(
    s: &SheetRow,
    unit_name: &str,
    names: &HashMap<i64, String>,
    may_read: bool,
) -> PayrollSheetSummary {
    PayrollSheetSummary {
        id: s.id,
        unit_id: s.unit_id,
        unit_name: unit_name.to_string(),
        period: s.period.clone(),
        paid_on: s.paid_on.clone(),
        recorded_on: s.recorded_on.clone(),
        headcount: s.headcount,
        incomplete: s.incomplete,
        total: s.total,
        note: s.note.clone(),
        recorded_by: names.get(&s.recorded_by).cloned(),
        revised_at: s.revised_at,
        may_read,
    }
}

impl App {
    /// Whether the caller may read the lines of sheets of the unit at `path`: records there, and
    /// the salary section (internal) of them.
    fn may_read_pay(actor: &Actor, path: &str) -> bool {
        actor
            .capabilities()
            .may(Capability::ReadRecords, Target::Unit(path))
            && actor.clearance_for(-1, path) >= Some(AccessLevel::Internal)
    }

    /// The duties of the salary rules in force, the sheets of a month, the units the caller may
    /// record one for, and the month's consolidation for those who read the whole province.
    pub async fn payroll(&self, actor: &Actor, q: &PayrollQuery) -> AppResult<PayrollOverview> {
        self.payroll_view(actor, q, true).await
    }

    /// [`App::payroll`]; without `full`, only the duties and their counts (the home page): no
    /// sheets, units to record for, names or consolidation, and only the units that owe duties.
    async fn payroll_view(
        &self,
        actor: &Actor,
        q: &PayrollQuery,
        full: bool,
    ) -> AppResult<PayrollOverview> {
        let caps = actor.capabilities();
        if !caps.staff || !caps.may(Capability::SeeUnits, Target::Somewhere) {
            return Err(AppError::Forbidden);
        }
        let today = self.today();
        let this_month = Period::of(today);
        let period = match q.period.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => this_month,
            Some(s) => parse_period(s)?,
        };
        let state_filter = match q.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s @ ("on_time" | "late" | "overdue" | "running" | "open")) => Some(s),
            Some(other) => {
                return Err(AppError::BadRequest(format!(
                    "Trạng thái '{other}' không có: dùng on_time, late, overdue, running hoặc open."
                )));
            }
        };
        let words =
            q.q.as_deref()
                .map(hoso_domain::search_key::fold)
                .unwrap_or_default();
        let cal = self.calendar();
        let mut cycles: Vec<(&DeadlineRule, SalaryDuty, SalaryCycle)> = Vec::new();
        for rule in self.deadline_rules.rules() {
            if let Some(duty) = domain::duty(rule) {
                for c in domain::cycles(rule, today, &cal) {
                    cycles.push((rule, duty, c));
                }
            }
        }
        cycles.sort_by(|a, b| a.2.due.cmp(&b.2.due).then(a.0.id.cmp(&b.0.id)));
        let mut periods: Vec<String> = cycles.iter().map(|c| c.2.period.code()).collect();
        periods.push(period.code());
        periods.sort();
        periods.dedup();
        let units = if full {
            let mut conn = self.store.reader().await?;
            let mut units: Vec<OrgUnitRow> = Vec::new();
            for root in org_store::roots(&mut conn).await? {
                units.extend(org_store::subtree(&mut conn, &root.path).await?);
            }
            units
        } else {
            self.reporting_units().await?
        };
        let roots: Vec<&OrgUnitRow> = units.iter().filter(|u| u.depth == 0).collect();
        let mut conn = self.store.reader().await?;
        let sheets = store::sheets_of_periods(&mut conn, &periods).await?;
        let consolidations = store::consolidations_of_periods(&mut conn, &periods).await?;
        drop(conn);
        let names = if full {
            self.display_names(
                sheets
                    .iter()
                    .map(|s| s.recorded_by)
                    .chain(consolidations.iter().map(|c| c.recorded_by))
                    .collect(),
            )
            .await?
        } else {
            HashMap::new()
        };
        let sheet_of: HashMap<(i64, &str), &SheetRow> = sheets
            .iter()
            .map(|s| ((s.unit_id, s.period.as_str()), s))
            .collect();
        let consolidation_of: HashMap<(i64, &str), &ConsolidationRow> = consolidations
            .iter()
            .map(|c| ((c.unit_id, c.period.as_str()), c))
            .collect();
        let open_periods = [this_month.previous(), this_month];
        let mut duties = Vec::new();
        let (mut overdue, mut due_soon) = (0, 0);
        for (rule, duty, cycle) in &cycles {
            let due_iso = cycle.due.to_string();
            let code = cycle.period.code();
            let responsible = units.iter().filter(|u| owes(*duty, u, &due_iso));
            for unit in responsible {
                let target = Target::Unit(&unit.path);
                if !caps.may(Capability::SeeUnits, target) {
                    continue;
                }
                let (done_on, sheet_id) = match duty {
                    SalaryDuty::Consolidation => (
                        consolidation_of
                            .get(&(unit.id, code.as_str()))
                            .map(|c| c.recorded_on.clone()),
                        None,
                    ),
                    _ => match sheet_of.get(&(unit.id, code.as_str())) {
                        Some(s) => (Some(s.recorded_on.clone()), Some(s.id)),
                        None => (None, None),
                    },
                };
                let state = domain::state(cycle, done_on.as_deref().and_then(iso), today, &cal);
                let soon = matches!(state, ReportState::Running { days_left } if days_left <= DUE_SOON_WORKING_DAYS);
                match state {
                    ReportState::Overdue { .. } => overdue += 1,
                    _ if soon => due_soon += 1,
                    _ => {}
                }
                let wanted = match state_filter {
                    None => true,
                    Some("open") => state.is_open(),
                    Some(s) => state.code() == s,
                };
                if !wanted
                    || (!words.is_empty()
                        && !hoso_domain::search_key::fold(&unit.name).contains(&words))
                {
                    continue;
                }
                let may_record = state.is_open()
                    && today >= cycle.opens
                    && match duty {
                        SalaryDuty::Consolidation => caps.may(Capability::ReadRecords, target),
                        _ => {
                            open_periods.contains(&cycle.period)
                                && caps.may(Capability::WriteRecords, target)
                        }
                    };
                duties.push(SalaryDutyRow {
                    rule_id: rule.id.clone(),
                    rule_name: rule.name_vi.clone(),
                    legal_basis: rule.legal_basis.clone(),
                    time_limit: rule.time_limit_vi(),
                    duty: duty.label_vi().to_string(),
                    unit_id: unit.id,
                    unit_name: unit.name.clone(),
                    period: code.clone(),
                    opens: cycle.opens.to_string(),
                    due: due_iso.clone(),
                    state: state.code().to_string(),
                    state_label: state.label_vi(),
                    done_on,
                    sheet_id,
                    may_record,
                    consolidation: *duty == SalaryDuty::Consolidation,
                });
            }
        }
        let code = period.code();
        let today_iso = today.to_string();
        if !full {
            return Ok(PayrollOverview {
                as_of: today_iso,
                period: code,
                open_periods: open_periods.iter().map(|p| p.code()).collect(),
                duties,
                overdue,
                due_soon,
                sheets: Vec::new(),
                units: Vec::new(),
                consolidation: None,
            });
        }
        let sheets_shown = units
            .iter()
            .filter(|u| caps.may(Capability::SeeUnits, Target::Unit(&u.path)))
            .filter(|u| words.is_empty() || hoso_domain::search_key::fold(&u.name).contains(&words))
            .filter_map(|u| {
                sheet_of
                    .get(&(u.id, code.as_str()))
                    .map(|s| summary(s, &u.name, &names, Self::may_read_pay(actor, &u.path)))
            })
            .collect();
        let writable = units
            .iter()
            .filter(|u| u.existed_on(&today_iso))
            .filter(|u| caps.may(Capability::WriteRecords, Target::Unit(&u.path)))
            .map(|u| PayrollUnit {
                id: u.id,
                name: u.name.clone(),
                depth: u.depth,
            })
            .collect();
        let consolidation = match roots
            .iter()
            .find(|r| caps.may(Capability::ReadRecords, Target::Unit(&r.path)))
        {
            Some(root) => Some(self.consolidation_as_it_stands(
                root,
                period,
                &units,
                &sheet_of,
                consolidation_of.get(&(root.id, code.as_str())).copied(),
                &names,
            )?),
            None => None,
        };
        Ok(PayrollOverview {
            as_of: today_iso,
            period: code,
            open_periods: open_periods.iter().map(|p| p.code()).collect(),
            duties,
            overdue,
            due_soon,
            sheets: sheets_shown,
            units: writable,
            consolidation,
        })
    }

    /// Every responsible unit's duty of each salary month due from `from` to `to`, with the day
    /// its sheet (or the consolidation) was first recorded: the deadline report's share of the
    /// salary dates. Unscoped: the caller filters by rights.
    pub(crate) async fn payroll_outcomes(
        &self,
        from: Date,
        to: Date,
    ) -> AppResult<Vec<OutcomeGroup>> {
        let cal = self.calendar();
        let mut months = Vec::new();
        let mut month = Period::of(from).previous();
        while month.first_day() <= to {
            months.push(month);
            month = month.next();
        }
        let mut cycles: Vec<(&DeadlineRule, SalaryDuty, SalaryCycle)> = Vec::new();
        for rule in self.deadline_rules.rules() {
            let Some(duty) = domain::duty(rule) else {
                continue;
            };
            for m in &months {
                if let Some(c) = domain::cycle_of(rule, *m, &cal)
                    && (from..=to).contains(&c.due)
                {
                    cycles.push((rule, duty, c));
                }
            }
        }
        if cycles.is_empty() {
            return Ok(Vec::new());
        }
        let mut periods: Vec<String> = cycles.iter().map(|c| c.2.period.code()).collect();
        periods.sort();
        periods.dedup();
        let units = self.reporting_units().await?;
        let mut conn = self.store.reader().await?;
        let sheets = store::sheets_of_periods(&mut conn, &periods).await?;
        let consolidations = store::consolidations_of_periods(&mut conn, &periods).await?;
        drop(conn);
        let done: HashMap<(i64, &str, bool), &str> = sheets
            .iter()
            .map(|s| {
                (
                    (s.unit_id, s.period.as_str(), false),
                    s.recorded_on.as_str(),
                )
            })
            .chain(
                consolidations
                    .iter()
                    .map(|c| ((c.unit_id, c.period.as_str(), true), c.recorded_on.as_str())),
            )
            .collect();
        let mut out = Vec::new();
        for (rule, duty, cycle) in cycles {
            let due = cycle.due.to_string();
            let code = cycle.period.code();
            let consolidation = duty == SalaryDuty::Consolidation;
            let responsible = units.iter().filter(|u| owes(duty, u, &due));
            for unit in responsible {
                out.push(OutcomeGroup {
                    unit_id: unit.id,
                    unit_name: unit.name.clone(),
                    unit_path: unit.path.clone(),
                    rule_id: rule.id.clone(),
                    rule_name: rule.name_vi.clone(),
                    due: due.clone(),
                    cleared_on: done
                        .get(&(unit.id, code.as_str(), consolidation))
                        .map(|d| d.to_string()),
                    count: 1,
                });
            }
        }
        Ok(out)
    }

    /// How many salary duties in the caller's scope are overdue and due soon (the home page);
    /// `None` when the regulation in force sets no salary date or the account sees no unit.
    pub async fn payroll_counts(&self, actor: &Actor) -> AppResult<Option<(usize, usize)>> {
        if !self
            .deadline_rules
            .rules()
            .iter()
            .any(|r| domain::duty(r).is_some())
        {
            return Ok(None);
        }
        match self
            .payroll_view(actor, &PayrollQuery::default(), false)
            .await
        {
            Ok(view) => Ok(Some((view.overdue, view.due_soon))),
            Err(AppError::Forbidden) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The rule that asks a unit for its sheet of a month, if one does.
    fn rule_owed_by(&self, unit: &OrgUnitRow, period: Period) -> Option<&DeadlineRule> {
        let cal = self.calendar();
        self.deadline_rules.rules().iter().find(|rule| {
            domain::duty(rule)
                .zip(domain::cycle_of(rule, period, &cal))
                .is_some_and(|(duty, cycle)| owes(duty, unit, &cycle.due.to_string()))
        })
    }

    /// The month's consolidation for `root` (a root the caller reads): as recorded, or as the
    /// sheets stand today.
    fn consolidation_as_it_stands(
        &self,
        root: &OrgUnitRow,
        period: Period,
        units: &[OrgUnitRow],
        sheet_of: &HashMap<(i64, &str), &SheetRow>,
        recorded: Option<&ConsolidationRow>,
        names: &HashMap<i64, String>,
    ) -> AppResult<PayrollConsolidation> {
        let code = period.code();
        if let Some(c) = recorded {
            let lines: Vec<ConsolidationLine> = serde_json::from_str(&c.summary)
                .map_err(|e| AppError::Internal(format!("consolidation summary: {e}")))?;
            return Ok(PayrollConsolidation {
                unit_id: root.id,
                unit_name: root.name.clone(),
                period: code,
                lines,
                units_expected: c.units_expected,
                units_recorded: c.units_recorded,
                headcount: c.headcount,
                total: c.total,
                recorded_on: Some(c.recorded_on.clone()),
                recorded_by: names.get(&c.recorded_by).cloned(),
                note: c.note.clone(),
                may_record: false,
            });
        }
        let first = period.first_day().to_string();
        let lines: Vec<ConsolidationLine> = units
            .iter()
            .filter(|u| u.depth == 1 && u.path.starts_with(&root.path) && u.existed_on(&first))
            .map(|u| {
                let rule = self.rule_owed_by(u, period);
                let sheet = sheet_of.get(&(u.id, code.as_str()));
                ConsolidationLine {
                    unit_id: u.id,
                    unit_name: u.name.clone(),
                    duty: rule.map(|r| r.name_vi.clone()).unwrap_or_default(),
                    sheet_id: sheet.map(|s| s.id),
                    recorded_on: sheet.map(|s| s.recorded_on.clone()),
                    paid_on: sheet.map(|s| s.paid_on.clone()),
                    headcount: sheet.map_or(0, |s| s.headcount),
                    incomplete: sheet.map_or(0, |s| s.incomplete),
                    total: sheet.map_or(0, |s| s.total),
                }
            })
            .collect();
        let today = self.today();
        Ok(PayrollConsolidation {
            unit_id: root.id,
            unit_name: root.name.clone(),
            period: code,
            units_expected: lines.iter().filter(|l| !l.duty.is_empty()).count() as i64,
            units_recorded: lines.iter().filter(|l| l.sheet_id.is_some()).count() as i64,
            headcount: lines.iter().map(|l| l.headcount).sum(),
            total: lines.iter().map(|l| l.total).sum(),
            lines,
            recorded_on: None,
            recorded_by: None,
            note: None,
            may_record: period <= Period::of(today),
        })
    }

    /// Records a unit's sheet of a month (or records it again, until the month is
    /// consolidated). Rights first (the unit seen, 404; the caller's to write, 403), then: a
    /// month that is this one or the one before, a unit in existence, a payment day near the
    /// month. Each line is computed from the person's current record.
    pub async fn record_payroll_sheet(
        &self,
        actor: &Actor,
        input: &RecordPayrollSheet,
        client: &ClientInfo,
    ) -> AppResult<PayrollSheetSummary> {
        let attempt = || Attempt {
            action: AuditAction::PayrollSheetRecord,
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
        let today = self.today();
        let period = parse_period(&input.period)?;
        let this_month = Period::of(today);
        if period != this_month && period != this_month.previous() {
            return Err(AppError::BadRequest(format!(
                "Chỉ lập được bảng lương của tháng này ({}) hoặc tháng trước ({}), không phải tháng {}: các dòng lương tính theo hồ sơ hiện nay.",
                this_month.label(),
                this_month.previous().label(),
                period.label()
            )));
        }
        if !unit.existed_on(&today.to_string()) {
            return Err(AppError::BadRequest(format!(
                "{} đã giải thể: không lập bảng lương được.",
                unit.name
            )));
        }
        if input.paid_on.trim().is_empty() {
            return Err(AppError::BadRequest(
                "Cần thời gian chi trả (ngày trả lương của tháng).".into(),
            ));
        }
        let paid_on =
            hoso_domain::typed_date::parse_named(input.paid_on.trim(), "Thời gian chi trả")
                .map_err(AppError::BadRequest)?;
        let earliest = period.previous().first_day();
        let latest = hoso_domain::deadlines::add_months(period.first_day(), 2)
            .previous_day()
            .expect("a day before");
        if paid_on < earliest || paid_on > latest {
            return Err(AppError::BadRequest(format!(
                "Thời gian chi trả {} không gần tháng {}: ghi một ngày từ {} đến {}.",
                format_date(paid_on),
                period.label(),
                format_date(earliest),
                format_date(latest)
            )));
        }
        let note = note_of(input.note.as_deref())?;
        let code = period.code();
        let root_id = root_id_of(&unit.path);
        let consolidated = store::consolidations_of_periods(&mut conn, std::slice::from_ref(&code))
            .await?
            .iter()
            .any(|c| c.unit_id == root_id);
        if consolidated {
            return Err(AppError::Conflict(format!(
                "Bảng lương tháng {} đã được tổng hợp toàn tỉnh: không lập lại được.",
                period.label()
            )));
        }
        let payees = store::working_in_subtree(&mut conn, &unit.path).await?;
        if payees.len() > MAX_SHEET_PEOPLE {
            return Err(AppError::BadRequest(format!(
                "{} có {} người đang công tác: một bảng lương lập được cho tối đa {} người; hãy lập bảng lương của từng đơn vị trực thuộc.",
                unit.name,
                payees.len(),
                MAX_SHEET_PEOPLE
            )));
        }
        let mut lines = Vec::with_capacity(payees.len());
        for p in &payees {
            let Some(version) =
                hoso_store::persons::current_version(&mut conn, p.person_id).await?
            else {
                continue;
            };
            let doc = self.decode_document(&mut conn, &version).await?;
            let inputs = pay_inputs(&doc);
            let (pay, problem) = match domain::pay_line(&inputs, period) {
                Ok(line) => (Some(line), None),
                Err(e) => (None, Some(e.to_string())),
            };
            lines.push(PayrollLine {
                person_id: p.person_id,
                full_name: p.full_name.clone(),
                unit_name: p.unit_name.clone(),
                rank_name: inputs
                    .rank_code
                    .as_deref()
                    .and_then(hoso_domain::salary::grade_name)
                    .map(str::to_string),
                rank_code: inputs.rank_code,
                step: inputs.step,
                pay,
                problem,
            });
        }
        drop(conn);
        lines.sort_by(|a, b| {
            hoso_domain::collation::text_sort_key(&a.full_name)
                .cmp(&hoso_domain::collation::text_sort_key(&b.full_name))
                .then(a.person_id.cmp(&b.person_id))
        });
        let headcount = lines.len() as i64;
        let incomplete = lines.iter().filter(|l| l.pay.is_none()).count() as i64;
        let total = lines
            .iter()
            .filter_map(|l| l.pay.as_ref())
            .map(|p| p.total)
            .sum();
        let lines_json = serde_json::to_string(&lines)
            .map_err(|e| AppError::Internal(format!("payroll lines: {e}")))?;
        let at = self.now_ms();
        let paid_iso = paid_on.to_string();
        let today_iso = today.to_string();
        let mut work = self.begin_work(actor, client).await?;
        let (id, new) = store::record_sheet(
            &mut work,
            &NewSheet {
                unit_id: unit.id,
                period: &code,
                paid_on: &paid_iso,
                recorded_on: &today_iso,
                headcount,
                incomplete,
                total,
                lines: &lines_json,
                note,
                by: actor.account_id,
                at,
            },
        )
        .await?;
        work.audit(
            AuditAction::PayrollSheetRecord,
            About::new("org_unit", unit.id),
            serde_json::json!({
                "sheet_id": id, "period": code, "paid_on": paid_iso, "headcount": headcount,
                "incomplete": incomplete, "total": total, "again": !new,
            }),
        )
        .await?;
        let row = store::sheet_summary(&mut work, id)
            .await?
            .ok_or_else(|| AppError::Internal("the sheet just recorded is gone".into()))?;
        work.commit().await?;
        let names = self.display_names(vec![row.recorded_by]).await?;
        Ok(summary(
            &row,
            &unit.name,
            &names,
            Self::may_read_pay(actor, &unit.path),
        ))
    }

    /// A recorded sheet with its lines, for those who read the unit's records and their salary
    /// section (404 for a unit not seen, 403 otherwise); the read is audited.
    pub async fn payroll_sheet(
        &self,
        actor: &Actor,
        id: i64,
        export: bool,
        client: &ClientInfo,
    ) -> AppResult<PayrollSheet> {
        let action = if export {
            AuditAction::PayrollSheetExport
        } else {
            AuditAction::PayrollSheetRead
        };
        let attempt = || Attempt {
            action,
            about: About::new("payroll_sheet", id),
            client,
        };
        let not_found = || AppError::NotFound("Không có bảng lương này.");
        let mut conn = self.store.reader().await?;
        let row = store::sheet(&mut conn, id).await?.ok_or_else(not_found)?;
        let unit = self
            .require_unit(
                &mut conn,
                actor,
                Capability::ReadRecords,
                row.unit_id,
                attempt(),
            )
            .await
            .map_err(|e| match e {
                AppError::NotFound(_) => not_found(),
                e => e,
            })?;
        drop(conn);
        if !Self::may_read_pay(actor, &unit.path) {
            return Err(self.refusal(actor, attempt(), "clearance").await);
        }
        let lines: Vec<PayrollLine> = serde_json::from_str(&row.lines)
            .map_err(|e| AppError::Internal(format!("payroll lines: {e}")))?;
        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            action,
            About::new("payroll_sheet", id),
            serde_json::json!({"unit_id": unit.id, "period": row.period, "lines": lines.len()}),
        )
        .await?;
        work.commit().await?;
        let names = self.display_names(vec![row.recorded_by]).await?;
        Ok(PayrollSheet {
            summary: summary(&row, &unit.name, &names, true),
            lines,
        })
    }

    /// Records the month's consolidation for the province, as the sheets stand today. For an
    /// account that reads the whole province (the Sở Tài chính's); 403 for any other. A month
    /// not begun yet is refused, and one consolidated already is a conflict.
    pub async fn record_payroll_consolidation(
        &self,
        actor: &Actor,
        input: &RecordPayrollConsolidation,
        client: &ClientInfo,
    ) -> AppResult<PayrollConsolidation> {
        let mut conn = self.store.reader().await?;
        let roots = org_store::roots(&mut conn).await?;
        drop(conn);
        let caps = actor.capabilities();
        let Some(root) = roots
            .iter()
            .find(|r| caps.may(Capability::ReadRecords, Target::Unit(&r.path)))
        else {
            let about = roots.first().map_or(0, |r| r.id);
            return Err(self
                .refusal(
                    actor,
                    Attempt {
                        action: AuditAction::PayrollConsolidationRecord,
                        about: About::new("org_unit", about),
                        client,
                    },
                    "not_permitted",
                )
                .await);
        };
        let period = parse_period(&input.period)?;
        let today = self.today();
        if period > Period::of(today) {
            return Err(AppError::BadRequest(format!(
                "Tháng {} chưa đến: chưa tổng hợp được.",
                period.label()
            )));
        }
        let note = note_of(input.note.as_deref())?;
        let overview = self
            .payroll(
                actor,
                &PayrollQuery {
                    period: Some(period.code()),
                    ..PayrollQuery::default()
                },
            )
            .await?;
        let Some(view) = overview.consolidation.filter(|c| c.unit_id == root.id) else {
            return Err(AppError::Forbidden);
        };
        if view.recorded_on.is_some() {
            return Err(AppError::Conflict(format!(
                "Bảng lương tháng {} đã được tổng hợp ngày {}.",
                period.label(),
                view.recorded_on
                    .as_deref()
                    .and_then(iso)
                    .map(format_date)
                    .unwrap_or_default()
            )));
        }
        let summary_json = serde_json::to_string(&view.lines)
            .map_err(|e| AppError::Internal(format!("consolidation: {e}")))?;
        let row = ConsolidationRow {
            id: 0,
            unit_id: root.id,
            period: period.code(),
            recorded_on: today.to_string(),
            units_expected: view.units_expected,
            units_recorded: view.units_recorded,
            headcount: view.headcount,
            total: view.total,
            summary: summary_json,
            note: note.map(str::to_string),
            recorded_by: actor.account_id,
            recorded_at: self.now_ms(),
        };
        let mut work = self.begin_work(actor, client).await?;
        let Some(id) = store::insert_consolidation(&mut work, &row).await? else {
            return Err(AppError::Conflict(format!(
                "Bảng lương tháng {} đã được tổng hợp.",
                period.label()
            )));
        };
        work.audit(
            AuditAction::PayrollConsolidationRecord,
            About::new("org_unit", root.id),
            serde_json::json!({
                "consolidation_id": id, "period": row.period, "units_expected": row.units_expected,
                "units_recorded": row.units_recorded, "headcount": row.headcount, "total": row.total,
            }),
        )
        .await?;
        work.commit().await?;
        Ok(PayrollConsolidation {
            recorded_on: Some(row.recorded_on),
            recorded_by: Some(actor.display_name.clone()),
            note: row.note,
            may_record: false,
            ..view
        })
    }
}

/// The id of the root of the tree a unit is in, from its path ("/1/5/7/" → 1).
fn root_id_of(path: &str) -> i64 {
    path.trim_start_matches('/')
        .split('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_default()
}
