//! The periodic reports each regulation asks of the agencies and of the Sở Nội vụ, with their
//! due dates from the deadline preset, and the register of when each was sent
//! ([`hoso_domain::periodic_reports`]): per rule, cycle and reporting unit, met, late, overdue
//! or still running. An agency's HR officer records its own report sent (the day and the
//! number of the document that carried it); the Sở records the province's.

use std::collections::HashMap;

use hoso_domain::audit_action::AuditAction;
use hoso_domain::calendar::format_date;
use hoso_domain::deadlines::DeadlineRule;
use hoso_domain::org::PersonStatus;
use hoso_domain::periodic_reports::{
    self as domain, HeadcountLine, REPORT_MANIFEST_FORMAT, ReportManifest, ReportState, Reporter,
};
use hoso_domain::schema::FieldRole;
use hoso_store::deadline_outcomes::OutcomeGroup;
use hoso_store::org::{self as org_store, OrgUnitRow};
use hoso_store::report_submissions::{self as store, NewReportSubmission};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use time::Date;
use utoipa::{IntoParams, ToSchema};

use crate::approvals::signature_from;
use crate::authz::Attempt;
use crate::reports::{FilterSpec, REPORT_ROW_CAP, ReportSpec};
use crate::signing;
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
    /// The recorded report (its manifest, its signature), once recorded.
    pub submission_id: Option<i64>,
    /// The head's signature: the certificate's subject and when (ms since the Unix epoch).
    pub signed_by: Option<String>,
    pub signed_at: Option<i64>,
    /// The caller may sign it (recorded with a manifest, not signed yet, and they approve for
    /// its unit).
    pub may_sign: bool,
}

/// A recorded report: what it said, and whether its head has signed it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodicReportView {
    pub id: i64,
    /// The manifest as recorded (None for a report recorded before signing existed).
    #[schema(value_type = Option<Object>)]
    pub manifest: Option<ReportManifest>,
    pub manifest_sha256: Option<String>,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub signed_by: Option<String>,
    pub signed_at: Option<i64>,
    pub may_sign: bool,
}

/// The head's signature of a recorded report: a detached CMS/PKCS#7 signature over the
/// manifest's bytes, made outside, or here with the head's PKCS#12 file.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignReport {
    /// Base64 of the DER, or the PEM text.
    pub signature: Option<String>,
    /// Or: the signer's PKCS#12 file (base64), used for this signature and never stored…
    pub pkcs12: Option<String>,
    /// …and its password.
    pub password: Option<String>,
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
    unit.depth == depth && unit.existed_on(due)
}

/// A report recorded as sent, as a row shows it.
struct Sent<'a> {
    id: i64,
    on: &'a str,
    reference: &'a str,
    note: Option<&'a str>,
    recorded_by: Option<String>,
    signed_by: Option<&'a str>,
    signed_at: Option<i64>,
    may_sign: bool,
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
            submission_id: sent.as_ref().map(|s| s.id),
            signed_by: sent.as_ref().and_then(|s| s.signed_by.map(str::to_string)),
            signed_at: sent.as_ref().and_then(|s| s.signed_at),
            may_sign: sent.as_ref().is_some_and(|s| s.may_sign),
            recorded_by: sent.and_then(|s| s.recorded_by),
            may_record,
        }
    }
}

impl App {
    /// The units that may send reports or owe the salary dates: the roots and the agencies right
    /// under them.
    pub(crate) async fn reporting_units(&self) -> AppResult<Vec<OrgUnitRow>> {
        let mut conn = self.store.reader().await?;
        let roots = org_store::roots(&mut conn).await?;
        let mut units = roots.clone();
        for root in &roots {
            units.extend(org_store::children(&mut conn, root.id).await?);
        }
        Ok(units)
    }

    /// Every reporting unit's report of each cycle due from `from` to `to`, with the day it was
    /// sent (none: not sent): the deadline report's share of the periodic reports. Unscoped:
    /// the caller filters by rights.
    pub(crate) async fn periodic_report_outcomes(
        &self,
        from: Date,
        to: Date,
    ) -> AppResult<Vec<OutcomeGroup>> {
        let cal = self.calendar();
        let mut cycles: Vec<(&DeadlineRule, domain::Cycle)> = Vec::new();
        for rule in self.deadline_rules.rules() {
            for year in from.year() - 1..=to.year() + 1 {
                if let Some(c) = domain::cycle_of_year(rule, year, &cal)
                    && (from..=to).contains(&c.due)
                {
                    cycles.push((rule, c));
                }
            }
        }
        if cycles.is_empty() {
            return Ok(Vec::new());
        }
        let units = self.reporting_units().await?;
        let rule_ids: Vec<String> = cycles.iter().map(|(r, _)| r.id.clone()).collect();
        let years: Vec<i64> = cycles.iter().map(|(_, c)| i64::from(c.year)).collect();
        let mut conn = self.store.reader().await?;
        let sent = store::of_cycles(&mut conn, &rule_ids, &years).await?;
        drop(conn);
        let sent: HashMap<(&str, i64, i64), &str> = sent
            .iter()
            .map(|s| {
                (
                    (s.rule_id.as_str(), s.cycle_year, s.unit_id),
                    s.sent_on.as_str(),
                )
            })
            .collect();
        let mut out = Vec::new();
        for (rule, cycle) in cycles {
            let due = cycle.due.to_string();
            let reporter = domain::reporter(rule);
            for unit in units.iter().filter(|u| sends_report(reporter, u, &due)) {
                out.push(OutcomeGroup {
                    unit_id: unit.id,
                    unit_name: unit.name.clone(),
                    unit_path: unit.path.clone(),
                    rule_id: rule.id.clone(),
                    rule_name: rule.name_vi.clone(),
                    due: due.clone(),
                    cleared_on: sent
                        .get(&(rule.id.as_str(), i64::from(cycle.year), unit.id))
                        .map(|d| d.to_string()),
                    count: 1,
                });
            }
        }
        Ok(out)
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
                    id: r.id,
                    on: &r.sent_on,
                    reference: &r.reference,
                    note: r.note.as_deref(),
                    recorded_by: names.get(&r.recorded_by).cloned(),
                    signed_by: r.signer_subject.as_deref().map(signing::common_name),
                    signed_at: r.signed_at,
                    may_sign: r.manifest.is_some()
                        && r.signed_at.is_none()
                        && caps.may(Capability::ApproveChanges, Target::Unit(&unit.path)),
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
        let recorded_at = self.now_ms();
        let (headcount, total) = self.headcount_by_rank(actor, &unit, client).await?;
        let manifest = ReportManifest {
            format: REPORT_MANIFEST_FORMAT.into(),
            rule_id: rule.id.clone(),
            rule_name: rule.name_vi.clone(),
            legal_basis: rule.legal_basis.clone(),
            cycle_year: cycle.year,
            due: due_iso.clone(),
            sent_on: sent_iso.clone(),
            unit_id: unit.id,
            unit_name: unit.name.clone(),
            reference: reference.to_string(),
            recorded_by: actor.username.clone(),
            recorded_at,
            counted_on: today.to_string(),
            headcount,
            total,
        };
        let manifest = String::from_utf8(manifest.to_bytes())
            .map_err(|e| AppError::Internal(format!("manifest: {e}")))?;
        let manifest_sha256 = hex::encode(sha2::Sha256::digest(manifest.as_bytes()));
        let mut work = self.begin_work(actor, client).await?;
        let Some(id) = store::insert(
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
                recorded_at,
                manifest: &manifest,
                manifest_sha256: &manifest_sha256,
            },
        )
        .await?
        else {
            return Err(AppError::Conflict(format!(
                "Báo cáo «{}» hạn {} của {} đã được ghi nhận.",
                rule.name_vi,
                format_date(due),
                unit.name
            )));
        };
        work.audit(
            AuditAction::ReportSubmissionRecord,
            About::new("org_unit", unit.id),
            serde_json::json!({
                "rule_id": rule.id, "year": cycle.year, "due": due_iso, "sent_on": sent_iso,
                "reference": reference, "manifest_sha256": manifest_sha256,
            }),
        )
        .await?;
        work.commit().await?;
        let state = ReportState::of(due, Some(sent_on), today, &cal);
        let sent = Sent {
            id,
            on: &sent_iso,
            reference,
            note,
            recorded_by: Some(actor.display_name.clone()),
            signed_by: None,
            signed_at: None,
            may_sign: actor
                .capabilities()
                .may(Capability::ApproveChanges, Target::Unit(&unit.path)),
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

    /// The people working in a unit and the units under it, by ngạch or chức danh nghề
    /// nghiệp: what a report sent says of its unit (through the report layer, within the
    /// caller's rights and audited as a report run).
    async fn headcount_by_rank(
        &self,
        actor: &Actor,
        unit: &OrgUnitRow,
        client: &ClientInfo,
    ) -> AppResult<(Vec<HeadcountLine>, i64)> {
        let rank = self
            .schemas
            .latest()
            .role_column(FieldRole::RankOrTitle)
            .ok_or_else(|| AppError::Internal("the schema names no ngạch column".into()))?;
        let table = self
            .run_report(
                actor,
                &ReportSpec {
                    unit: Some(unit.id),
                    filters: vec![FilterSpec::on(
                        "status",
                        "eq",
                        Some(serde_json::json!(PersonStatus::Working.as_str())),
                    )],
                    group_by: vec![rank.name.to_string()],
                    measures: vec!["count".into()],
                    per_page: Some(REPORT_ROW_CAP),
                    ..ReportSpec::default()
                },
                client,
            )
            .await?;
        let lines: Vec<HeadcountLine> = table
            .rows
            .iter()
            .map(|r| HeadcountLine {
                code: r[0].value.as_str().unwrap_or_default().to_string(),
                label: if r[0].text.is_empty() {
                    "Chưa ghi ngạch, chức danh".to_string()
                } else {
                    r[0].text.clone()
                },
                count: r[1].value.as_i64().unwrap_or_default(),
            })
            .collect();
        let total = lines.iter().map(|l| l.count).sum();
        Ok((lines, total))
    }

    /// A recorded report and its unit, for a caller who may do `capability` there (404 for a
    /// unit not seen, 403 for one seen without the right; the attempt is audited).
    async fn submission_for(
        &self,
        actor: &Actor,
        id: i64,
        capability: Capability,
        action: AuditAction,
        client: &ClientInfo,
    ) -> AppResult<(store::ReportSubmission, OrgUnitRow)> {
        let not_found = || AppError::NotFound("Không có báo cáo đã ghi nhận này.");
        let mut conn = self.store.reader().await?;
        let submission = store::get(&mut conn, id).await?.ok_or_else(not_found)?;
        let unit = self
            .require_unit(
                &mut conn,
                actor,
                capability,
                submission.unit_id,
                Attempt {
                    action,
                    about: About::new("report_submission", id),
                    client,
                },
            )
            .await
            .map_err(|e| match e {
                AppError::NotFound(_) => not_found(),
                e => e,
            })?;
        Ok((submission, unit))
    }

    /// A recorded report, for those who see its unit (a refusal audited as a report read).
    async fn seen_submission(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<(store::ReportSubmission, OrgUnitRow)> {
        self.submission_for(
            actor,
            id,
            Capability::SeeUnits,
            AuditAction::ReportRun,
            client,
        )
        .await
    }

    /// A recorded report, for those who see its unit.
    pub async fn periodic_report(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<PeriodicReportView> {
        let (submission, unit) = self.seen_submission(actor, id, client).await?;
        let names = self.display_names(vec![submission.recorded_by]).await?;
        let manifest = submission
            .manifest
            .as_deref()
            .map(|m| ReportManifest::parse(m.as_bytes()))
            .transpose()
            .map_err(AppError::Internal)?;
        Ok(PeriodicReportView {
            id,
            may_sign: manifest.is_some()
                && submission.signed_at.is_none()
                && actor
                    .capabilities()
                    .may(Capability::ApproveChanges, Target::Unit(&unit.path)),
            manifest,
            manifest_sha256: submission.manifest_sha256,
            note: submission.note,
            recorded_by: names.get(&submission.recorded_by).cloned(),
            signed_by: submission
                .signer_subject
                .as_deref()
                .map(|s| signing::common_name(s).to_string()),
            signed_at: submission.signed_at,
        })
    }

    /// The manifest of a recorded report: the exact bytes its head signs.
    pub async fn periodic_report_manifest(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<Vec<u8>> {
        let (submission, _) = self.seen_submission(actor, id, client).await?;
        submission
            .manifest
            .map(String::into_bytes)
            .ok_or(AppError::NotFound(
                "Báo cáo này được ghi nhận trước khi có ký số: không có bản kê để ký.",
            ))
    }

    /// The stored detached signature (DER) of a signed report.
    pub async fn periodic_report_signature(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<Vec<u8>> {
        self.seen_submission(actor, id, client).await?;
        let mut conn = self.store.reader().await?;
        let sig = store::signature(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound("Báo cáo này chưa được ký số."))?;
        hex::decode(sig).map_err(|e| AppError::Internal(format!("stored signature: {e}")))
    }

    /// The head signs a recorded report, like an approval batch: rights first (the unit seen,
    /// 404; theirs to approve, 403), then the report (a manifest, not signed yet: 409), then
    /// the signature, verified against the trusted roots (400). A refusal after the rights is
    /// audited and changes nothing.
    pub async fn sign_periodic_report(
        &self,
        actor: &Actor,
        id: i64,
        input: SignReport,
        client: &ClientInfo,
    ) -> AppResult<PeriodicReportView> {
        let (submission, _) = self
            .submission_for(
                actor,
                id,
                Capability::ApproveChanges,
                AuditAction::ReportSubmissionSign,
                client,
            )
            .await?;
        let result = self
            .check_and_sign_report(actor, &submission, input, client)
            .await;
        if let Err(e) = &result {
            self.audit_refused(
                actor,
                client,
                AuditAction::ReportSubmissionSignRefused,
                About::new("report_submission", id),
                e,
            )
            .await?;
        }
        result?;
        self.periodic_report(actor, id, client).await
    }

    async fn check_and_sign_report(
        &self,
        actor: &Actor,
        submission: &store::ReportSubmission,
        input: SignReport,
        client: &ClientInfo,
    ) -> AppResult<()> {
        let id = submission.id;
        if submission.signed_at.is_some() {
            return Err(AppError::Conflict(format!(
                "Báo cáo số {id} đã được ký ({}).",
                signing::common_name(submission.signer_subject.as_deref().unwrap_or_default())
            )));
        }
        let manifest = submission.manifest.as_deref().ok_or_else(|| {
            AppError::Conflict(format!(
                "Báo cáo số {id} được ghi nhận trước khi có ký số: không có bản kê để ký."
            ))
        })?;
        // The bytes signed are the ones recorded: their digest was kept beside them.
        let digest = hex::encode(sha2::Sha256::digest(manifest.as_bytes()));
        if submission.manifest_sha256.as_deref() != Some(digest.as_str()) {
            return Err(AppError::Internal(format!(
                "report {id}: the manifest does not match its recorded digest"
            )));
        }
        ReportManifest::parse(manifest.as_bytes()).map_err(AppError::Internal)?;
        let (signature, mode) = signature_from(
            input.signature,
            input.pkcs12,
            input.password,
            manifest.as_bytes(),
        )
        .await?;
        let signer = signing::verify_detached(
            &signature,
            manifest.as_bytes(),
            &self.trusted_roots,
            self.clock.now_seconds(),
        )
        .map_err(AppError::BadRequest)?;
        let mut work = self.begin_work(actor, client).await?;
        let signature_hex = hex::encode(&signature);
        if !store::sign(
            &mut work,
            &store::ReportSignature {
                submission_id: id,
                signature_hex: &signature_hex,
                signer_subject: &signer.subject,
                signer_certificate_pem: &signer.certificate_pem,
                signing_mode: mode,
                signed_by: actor.account_id,
                signed_at: self.now_ms(),
            },
        )
        .await?
        {
            return Err(AppError::Conflict(format!(
                "Báo cáo số {id} vừa được ký ở nơi khác."
            )));
        }
        work.audit(
            AuditAction::ReportSubmissionSign,
            About::new("report_submission", id),
            serde_json::json!({
                "manifest_sha256": digest,
                "signer": signer.subject,
                "mode": mode,
            }),
        )
        .await?;
        work.commit().await?;
        Ok(())
    }
}
