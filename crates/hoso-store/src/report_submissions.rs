//! The register of periodic reports sent (migration 0046): one row per deadline rule, cycle
//! (year) and reporting unit.

use sea_query::{Order, Query};
use sqlx::{AnyConnection, Row};

use crate::query::{self, Expr, ExprTrait, ident};
use crate::{StoreError, StoreResult};

const COLUMNS: [&str; 10] = [
    "id",
    "rule_id",
    "cycle_year",
    "due",
    "unit_id",
    "sent_on",
    "reference",
    "note",
    "recorded_by",
    "recorded_at",
];

/// A report recorded as sent. Dates are ISO.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportSubmission {
    pub id: i64,
    pub rule_id: String,
    /// The year of the date the rule's text names.
    pub cycle_year: i64,
    /// The due date as computed when it was recorded.
    pub due: String,
    pub unit_id: i64,
    pub sent_on: String,
    /// The number of the document that carried it (số, ký hiệu văn bản).
    pub reference: String,
    pub note: Option<String>,
    pub recorded_by: i64,
    pub recorded_at: i64,
}

/// A report to record as sent.
#[derive(Debug, Clone)]
pub struct NewReportSubmission<'a> {
    pub rule_id: &'a str,
    pub cycle_year: i64,
    pub due: &'a str,
    pub unit_id: i64,
    pub sent_on: &'a str,
    pub reference: &'a str,
    pub note: Option<&'a str>,
    pub recorded_by: i64,
    pub recorded_at: i64,
}

/// Records a report sent; `false` when the unit's report of that cycle is recorded already
/// (kept as it was).
pub async fn insert(conn: &mut AnyConnection, new: &NewReportSubmission<'_>) -> StoreResult<bool> {
    let mut insert = Query::insert();
    insert
        .into_table(ident("report_submissions"))
        .columns(COLUMNS[1..].iter().copied().map(ident))
        .values([
            Expr::val(new.rule_id),
            Expr::val(new.cycle_year),
            Expr::val(new.due),
            Expr::val(new.unit_id),
            Expr::val(new.sent_on),
            Expr::val(new.reference),
            Expr::val(new.note),
            Expr::val(new.recorded_by),
            Expr::val(new.recorded_at),
        ])
        .map_err(|e| StoreError::Invalid(format!("report_submissions: {e}")))?
        .on_conflict(
            sea_query::OnConflict::columns(["rule_id", "cycle_year", "unit_id"].map(ident))
                .do_nothing()
                .to_owned(),
        );
    Ok(query::execute(conn, &insert).await? == 1)
}

/// The reports recorded for these rules in these cycle years, every unit.
pub async fn of_cycles(
    conn: &mut AnyConnection,
    rule_ids: &[String],
    years: &[i64],
) -> StoreResult<Vec<ReportSubmission>> {
    if rule_ids.is_empty() || years.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::select();
    q.columns(COLUMNS.map(ident))
        .from(ident("report_submissions"))
        .and_where(Expr::col(ident("rule_id")).is_in(rule_ids.iter().cloned()))
        .and_where(Expr::col(ident("cycle_year")).is_in(years.iter().copied()))
        .order_by(ident("id"), Order::Asc);
    query::fetch_all(conn, &q)
        .await?
        .iter()
        .map(|r| {
            Ok(ReportSubmission {
                id: r.try_get("id")?,
                rule_id: r.try_get("rule_id")?,
                cycle_year: r.try_get("cycle_year")?,
                due: r.try_get("due")?,
                unit_id: r.try_get("unit_id")?,
                sent_on: r.try_get("sent_on")?,
                reference: r.try_get("reference")?,
                note: r.try_get("note")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
            })
        })
        .collect()
}
