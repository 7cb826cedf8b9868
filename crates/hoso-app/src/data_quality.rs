//! Data quality, "Đúng, Đủ, Sạch, Sống" (LS Đ3.2, Đ13.4; the criteria are defined in
//! [`hoso_domain::data_quality`]): per unit and for the caller's whole scope, ranked, each
//! figure leading to the records that fail it and why; and the monthly check the officer in
//! charge makes "trước ngày 25 hằng tháng" (LS Đ13.4) as one summary for the head.
//!
//! What a record's document shows is kept per record (`hoso_store::data_quality`, written by
//! the daily alert job); a record whose version moved since is assessed again when asked, so a
//! record just fixed leaves the list at once. Approval, duplicates, the last update and
//! overdue deadlines are read when asked, against [`App::today`]. A unit's figures count only
//! the people in service whose record that unit keeps (not its sub-units'); the total counts
//! every unit shown.

use std::collections::BTreeMap;

use hoso_domain::audit_action::AuditAction;
use hoso_domain::data_quality::{
    self as dq, Criterion, DocumentQuality, RecordState, Tally, Verdict,
};
use hoso_store::data_quality::{self as store, Findings, QualityFilter, QualityRow};
use hoso_store::persons;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use crate::alert_sources::{AlertPerson, date_of_ms};
use crate::authz::Attempt;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo, Page, Paging, Target};

/// The most records one export of a drill-down list holds.
pub const MAX_EXPORTED_RECORDS: i64 = 50_000;

/// The legacy encoding a text reads as (TCVN3, VNI), by the import's reader: only a legacy
/// reading makes Vietnamese of it (`None`: Unicode, or plain ASCII).
pub fn legacy_encoding(s: &str) -> Option<&'static str> {
    use hoso_import::legacy::{Encoding, readings};
    let r = readings(s);
    if r.iter().any(|(e, _)| *e == Encoding::Unicode) {
        return None;
    }
    r.first().map(|(e, _)| e.label_vi())
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DataQualityQuery {
    /// Only this unit and the units below it (default: every unit the caller sees).
    pub unit: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DataQualityRecordsQuery {
    /// dung, du, sach or song.
    #[serde(default)]
    pub criterion: String,
    /// Only the people this unit keeps (default: every unit the caller sees).
    pub unit: Option<i64>,
    /// Only the people of this unit and the units below it.
    pub under: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The figures of one unit (or of the total): percentages to one decimal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitQuality {
    /// 0 for the total.
    pub unit_id: i64,
    pub unit_name: String,
    /// 1 = best overall score (0 for the total).
    pub rank: i64,
    /// People in service whose record the unit keeps.
    pub people: i64,
    /// Đúng: records valid and approved, in percent.
    pub correct: f64,
    /// Đủ: fields that must be held and are filled, in percent.
    pub complete: f64,
    /// Sạch: records clean, in percent.
    pub clean: f64,
    /// Sống: records live, in percent.
    pub live: f64,
    /// The mean of the four.
    pub score: f64,
    /// Records failing Đúng, Đủ, Sạch, Sống.
    pub failing_correct: i64,
    pub failing_complete: i64,
    pub failing_clean: i64,
    pub failing_live: i64,
    pub fields_expected: i64,
    pub fields_filled: i64,
}

/// Đủ of one section over the records shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionQuality {
    pub section: String,
    pub label: String,
    pub expected: i64,
    pub filled: i64,
    pub percent: f64,
}

/// What a criterion counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CriterionInfo {
    pub code: String,
    pub label: String,
    pub meaning: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DataQualityReport {
    /// The day the figures are for (ISO).
    pub as_of: String,
    /// A record unchanged for longer is not "sống".
    pub stale_after_days: i64,
    pub criteria: Vec<CriterionInfo>,
    /// Ranked: best overall score first.
    pub units: Vec<UnitQuality>,
    pub total: UnitQuality,
    pub sections: Vec<SectionQuality>,
}

/// A record failing a criterion, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FailingRecord {
    pub person_id: i64,
    pub full_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FailingRecords {
    pub criterion: CriterionInfo,
    pub as_of: String,
    /// The unit asked for, if any.
    pub unit_name: Option<String>,
    pub records: Page<FailingRecord>,
}

/// The monthly check of LS Đ13.4, for the head.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MonthlyCheck {
    pub legal_basis: String,
    /// The month of the next check (MM/YYYY): this one until the 24th, then the next.
    pub month: String,
    /// The day the check is due before (ISO).
    pub due: String,
    /// Working days left before it, today included.
    pub working_days_left: i64,
    /// Records changed since the first of the month.
    pub updated_this_month: i64,
    /// Records whose current version waits for the head's approval.
    pub awaiting_approval: i64,
    pub report: DataQualityReport,
}

fn info(c: Criterion) -> CriterionInfo {
    CriterionInfo {
        code: c.code().to_string(),
        label: c.label_vi().to_string(),
        meaning: c.meaning_vi().to_string(),
    }
}

fn figures(unit_id: i64, unit_name: String, t: &Tally) -> UnitQuality {
    let failing = |c| t.failing(c) as i64;
    UnitQuality {
        unit_id,
        unit_name,
        rank: 0,
        people: t.people as i64,
        correct: t.percent(Criterion::Correct),
        complete: t.percent(Criterion::Complete),
        clean: t.percent(Criterion::Clean),
        live: t.percent(Criterion::Live),
        score: t.score(),
        failing_correct: failing(Criterion::Correct),
        failing_complete: failing(Criterion::Complete),
        failing_clean: failing(Criterion::Clean),
        failing_live: failing(Criterion::Live),
        fields_expected: t.fields_expected as i64,
        fields_filled: t.fields_filled as i64,
    }
}

fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        100.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// A person read for the figures, judged.
struct Judged {
    row: QualityRow,
    doc: DocumentQuality,
    verdict: Verdict,
}

impl App {
    /// What the documents of `people` show, as the daily job stores it.
    pub(crate) fn findings_of(&self, people: &[AlertPerson], as_of: Date) -> Vec<Findings> {
        people
            .iter()
            .map(|p| self.findings(p.id, p.version, &p.doc, as_of))
            .collect()
    }

    fn findings(
        &self,
        person_id: i64,
        version: i64,
        doc: &hoso_domain::schema::RecordDoc,
        as_of: Date,
    ) -> Findings {
        let q = dq::assess_document(
            self.schemas.latest(),
            &self.catalogs(),
            doc,
            as_of,
            &legacy_encoding,
        );
        Findings {
            person_id,
            version,
            computed_for: as_of.to_string(),
            fields_expected: i64::from(q.expected()),
            fields_filled: i64::from(q.filled()),
            findings: serde_json::to_string(&q).unwrap_or_default(),
        }
    }

    /// Who may see the figures: whoever sees units (HR officers, heads, leaders,
    /// administrators); then the unit asked for, within them.
    async fn quality_scope(
        &self,
        actor: &Actor,
        unit: Option<i64>,
        action: AuditAction,
        client: &ClientInfo,
    ) -> AppResult<Option<hoso_store::org::OrgUnitRow>> {
        let attempt = || Attempt {
            action,
            about: About::kind("org_unit"),
            client,
        };
        self.require(
            actor,
            Capability::SeeUnits,
            Target::Somewhere,
            AppError::unit_not_found,
            attempt(),
        )
        .await?;
        match unit {
            None => Ok(None),
            Some(id) => {
                let mut conn = self.store.reader().await?;
                Ok(Some(
                    self.require_unit(&mut conn, actor, Capability::SeeUnits, id, attempt())
                        .await?,
                ))
            }
        }
    }

    /// The people of the filter in the caller's scope, judged on `today`; records whose
    /// findings are missing or older than their version are assessed (and kept) first.
    async fn judged(
        &self,
        actor: &Actor,
        filter: &QualityFilter,
        today: Date,
    ) -> AppResult<Vec<Judged>> {
        let scope = actor.capabilities().scope(Capability::SeeUnits).clone();
        let mut conn = self.store.reader().await?;
        let rows = store::rows(&mut conn, &scope, filter).await?;
        let mut fresh: Vec<Findings> = Vec::new();
        for r in rows.iter().filter(|r| {
            r.findings
                .as_ref()
                .is_none_or(|(v, _)| *v != r.current_version)
        }) {
            let Some(version) = persons::version(&mut conn, r.person_id, r.current_version).await?
            else {
                continue;
            };
            let doc = self.decode_document(&mut conn, &version).await?;
            fresh.push(self.findings(r.person_id, r.current_version, &doc, today));
        }
        drop(conn);
        if !fresh.is_empty() {
            let mut tx = self.store.begin().await?;
            store::replace(&mut tx, &fresh).await?;
            tx.commit().await.map_err(hoso_store::StoreError::from)?;
        }
        let fresh: BTreeMap<i64, String> = fresh
            .into_iter()
            .map(|f| (f.person_id, f.findings))
            .collect();
        let stale_after = self.config.record_stale_days;
        rows.into_iter()
            .map(|row| {
                let json = fresh
                    .get(&row.person_id)
                    .map(String::as_str)
                    .or(row.findings.as_ref().map(|(_, j)| j.as_str()))
                    .unwrap_or("{}");
                let doc: DocumentQuality = serde_json::from_str(json).map_err(|e| {
                    AppError::Internal(format!("data_quality of {}: {e}", row.person_id))
                })?;
                let state = RecordState {
                    approved: row.official_version >= row.current_version,
                    duplicates: u32::try_from(row.duplicates).unwrap_or(u32::MAX),
                    last_update: date_of_ms(row.updated_at),
                    overdue_deadlines: u32::try_from(row.overdue).unwrap_or(u32::MAX),
                };
                let verdict = dq::judge(&doc, &state, today, stale_after);
                Ok(Judged { row, doc, verdict })
            })
            .collect()
    }

    /// The figures of the caller's units (or of one unit's subtree), ranked. Audited.
    pub async fn data_quality(
        &self,
        actor: &Actor,
        q: &DataQualityQuery,
        client: &ClientInfo,
    ) -> AppResult<DataQualityReport> {
        self.audited_data_quality(actor, q, client, AuditAction::DataQualityView)
            .await
    }

    /// The same figures for a file: one audit entry, the export's.
    pub async fn export_data_quality(
        &self,
        actor: &Actor,
        q: &DataQualityQuery,
        client: &ClientInfo,
    ) -> AppResult<DataQualityReport> {
        self.audited_data_quality(actor, q, client, AuditAction::DataQualityExport)
            .await
    }

    /// The monthly check of LS Đ13.4 as one summary. Audited.
    pub async fn data_quality_monthly(
        &self,
        actor: &Actor,
        q: &DataQualityQuery,
        client: &ClientInfo,
    ) -> AppResult<MonthlyCheck> {
        let unit = self
            .quality_scope(actor, q.unit, AuditAction::DataQualityMonthly, client)
            .await?;
        let today = self.today();
        let judged = self
            .judged(actor, &filter(&unit, None, today), today)
            .await?;
        let first = today.replace_day(1).unwrap_or(today);
        let updated_this_month = judged
            .iter()
            .filter(|j| date_of_ms(j.row.updated_at).is_some_and(|d| d >= first))
            .count() as i64;
        let awaiting_approval = judged
            .iter()
            .filter(|j| j.row.official_version < j.row.current_version)
            .count() as i64;
        let report = self.report_of(&judged, today);
        let due = dq::monthly_check_due(today);
        // Today included, the 25th not.
        let working_days_left = i64::from(self.calendar().working_days_between(
            today.previous_day().unwrap_or(today),
            due.previous_day().unwrap_or(due),
        ))
        .max(0);
        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            AuditAction::DataQualityMonthly,
            About::kind("org_unit"),
            serde_json::json!({ "unit": q.unit, "people": report.total.people }),
        )
        .await?;
        work.commit().await?;
        Ok(MonthlyCheck {
            legal_basis: dq::MONTHLY_CHECK_BASIS.to_string(),
            month: format!("{:02}/{}", u8::from(due.month()), due.year()),
            due: due.to_string(),
            working_days_left,
            updated_this_month,
            awaiting_approval,
            report,
        })
    }

    async fn audited_data_quality(
        &self,
        actor: &Actor,
        q: &DataQualityQuery,
        client: &ClientInfo,
        action: AuditAction,
    ) -> AppResult<DataQualityReport> {
        let unit = self.quality_scope(actor, q.unit, action, client).await?;
        let today = self.today();
        let judged = self
            .judged(actor, &filter(&unit, None, today), today)
            .await?;
        let report = self.report_of(&judged, today);
        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            action,
            About::kind("org_unit"),
            serde_json::json!({
                "unit": q.unit, "units": report.units.len(), "people": report.total.people,
            }),
        )
        .await?;
        work.commit().await?;
        Ok(report)
    }

    fn report_of(&self, judged: &[Judged], today: Date) -> DataQualityReport {
        // Keyed by the unit's path: units in tree order before ranking.
        let mut by_unit: BTreeMap<&str, (i64, &str, Tally)> = BTreeMap::new();
        let mut total = Tally::default();
        let mut sections: Vec<SectionQuality> = Vec::new();
        for j in judged {
            let entry = by_unit
                .entry(j.row.unit_path.as_str())
                .or_insert_with(|| (j.row.unit_id, j.row.unit_name.as_str(), Tally::default()));
            entry.2.add(&j.verdict);
            total.add(&j.verdict);
            for s in &j.doc.sections {
                match sections.iter_mut().find(|x| x.section == s.section) {
                    Some(x) => {
                        x.expected += i64::from(s.expected);
                        x.filled += i64::from(s.filled);
                    }
                    None => sections.push(SectionQuality {
                        section: s.section.clone(),
                        label: s.label.clone(),
                        expected: i64::from(s.expected),
                        filled: i64::from(s.filled),
                        percent: 0.0,
                    }),
                }
            }
        }
        // Sections in schema order.
        let order: Vec<&str> = self
            .schemas
            .latest()
            .sections
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        sections.sort_by_key(|s| order.iter().position(|o| *o == s.section));
        for s in &mut sections {
            s.percent = percent(s.filled, s.expected);
        }
        let mut units: Vec<UnitQuality> = by_unit
            .into_values()
            .map(|(id, name, t)| figures(id, name.to_string(), &t))
            .collect();
        // Stable: equal scores stay in tree order.
        units.sort_by(|a, b| b.score.total_cmp(&a.score));
        for (i, u) in units.iter_mut().enumerate() {
            u.rank = i as i64 + 1;
        }
        DataQualityReport {
            as_of: today.to_string(),
            stale_after_days: self.config.record_stale_days,
            criteria: Criterion::ALL.into_iter().map(info).collect(),
            units,
            total: figures(0, "Tổng cộng".to_string(), &total),
            sections,
        }
    }

    /// The records failing one criterion, with the reasons, paged (in unit, then name order).
    /// Rights first: outside the caller's units 404; then the criterion and paging (400).
    pub async fn data_quality_records(
        &self,
        actor: &Actor,
        q: &DataQualityRecordsQuery,
        client: &ClientInfo,
    ) -> AppResult<FailingRecords> {
        let paging = Some((q.page, q.per_page));
        self.failing_records(actor, q, client, AuditAction::DataQualityRecords, paging)
            .await
    }

    /// Every record failing one criterion (at most [`MAX_EXPORTED_RECORDS`]; `page` and
    /// `per_page` are ignored), for a file: one audit entry, the export's.
    pub async fn export_data_quality_records(
        &self,
        actor: &Actor,
        q: &DataQualityRecordsQuery,
        client: &ClientInfo,
    ) -> AppResult<FailingRecords> {
        self.failing_records(actor, q, client, AuditAction::DataQualityExport, None)
            .await
    }

    async fn failing_records(
        &self,
        actor: &Actor,
        q: &DataQualityRecordsQuery,
        client: &ClientInfo,
        action: AuditAction,
        paging: Option<(Option<i64>, Option<i64>)>,
    ) -> AppResult<FailingRecords> {
        let unit = self.quality_scope(actor, q.unit, action, client).await?;
        let under = self.quality_scope(actor, q.under, action, client).await?;
        let criterion = Criterion::parse(q.criterion.trim()).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Tiêu chí (criterion) '{}' không tồn tại: chọn một trong dung (Đúng), du (Đủ), sach (Sạch), song (Sống).",
                q.criterion
            ))
        })?;
        let (page, per_page) = match paging {
            Some((page, per_page)) => {
                let p = Paging::new(page, per_page)?;
                (p.page, p.per_page)
            }
            None => (1, MAX_EXPORTED_RECORDS),
        };
        let today = self.today();
        let judged = self
            .judged(
                actor,
                &filter(&under, unit.as_ref().map(|u| u.id), today),
                today,
            )
            .await?;
        let failing: Vec<Judged> = judged
            .into_iter()
            .filter(|j| !j.verdict.passes(criterion))
            .collect();
        let total = failing.len() as i64;
        let items: Vec<FailingRecord> = failing
            .into_iter()
            .skip(((page - 1) * per_page) as usize)
            .take(per_page as usize)
            .map(|j| FailingRecord {
                reasons: j.verdict.reasons(criterion).to_vec(),
                person_id: j.row.person_id,
                full_name: j.row.full_name,
                unit_id: j.row.unit_id,
                unit_name: j.row.unit_name,
            })
            .collect();
        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            action,
            About::kind("org_unit"),
            serde_json::json!({
                "unit": q.unit, "under": q.under, "criterion": criterion.code(), "page": page,
                "records": total, "listed": items.len(),
            }),
        )
        .await?;
        work.commit().await?;
        Ok(FailingRecords {
            criterion: info(criterion),
            as_of: today.to_string(),
            unit_name: unit.or(under).map(|u| u.name),
            records: Page {
                items,
                total,
                page,
                per_page,
                total_capped: false,
            },
        })
    }
}

fn filter(
    subtree: &Option<hoso_store::org::OrgUnitRow>,
    unit_id: Option<i64>,
    today: Date,
) -> QualityFilter {
    QualityFilter {
        unit_path: subtree.as_ref().map(|u| u.path.clone()),
        unit_id,
        today: today.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_text_is_told_from_unicode() {
        assert_eq!(legacy_encoding("NguyÔn V¨n §¹t"), Some("TCVN3 (ABC)"));
        assert_eq!(legacy_encoding("Nguyễn Văn Đạt"), None);
        assert_eq!(legacy_encoding("Ha Noi"), None);
    }
}
