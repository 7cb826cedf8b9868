//! Payroll sheets and their monthly consolidation (migration 0054).

use sea_query::{Order, Query};
use sqlx::{AnyConnection, Row};

use crate::persons::subtree_cond;
use crate::query::{self, Expr, ExprTrait, JoinType, col, ident, person_unit};
use crate::{StoreError, StoreResult};

/// A person on a unit's payroll: working in the unit or a unit under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payee {
    pub person_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub full_name: String,
}

/// The people working in the subtree at `path`, by id.
pub async fn working_in_subtree(conn: &mut AnyConnection, path: &str) -> StoreResult<Vec<Payee>> {
    let mut q = Query::select();
    q.columns([(ident("p"), ident("id")), (ident("p"), ident("unit_id"))])
        .expr_as(col("p", "full_name"), ident("full_name"))
        .expr_as(col("u", "name"), ident("unit_name"))
        .from_as(ident("persons"), ident("p"))
        .join_as(
            JoinType::InnerJoin,
            ident("org_units"),
            ident("u"),
            person_unit(),
        )
        .cond_where(subtree_cond(path))
        .and_where(col("p", "status").eq("working"))
        .order_by((ident("p"), ident("id")), Order::Asc);
    query::fetch_all(conn, &q)
        .await?
        .iter()
        .map(|r| {
            Ok(Payee {
                person_id: r.try_get("id")?,
                unit_id: r.try_get("unit_id")?,
                unit_name: r.try_get("unit_name")?,
                full_name: r.try_get("full_name")?,
            })
        })
        .collect()
}

const SHEET_COLUMNS: [&str; 14] = [
    "id",
    "unit_id",
    "period",
    "paid_on",
    "recorded_on",
    "headcount",
    "incomplete",
    "total",
    "lines",
    "note",
    "recorded_by",
    "recorded_at",
    "revised_by",
    "revised_at",
];

/// A recorded sheet. Dates ISO, the period `YYYY-MM`, amounts in đồng.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub id: i64,
    pub unit_id: i64,
    pub period: String,
    pub paid_on: String,
    pub recorded_on: String,
    pub headcount: i64,
    pub incomplete: i64,
    pub total: i64,
    /// JSON; empty in the summaries of [`sheets_of_periods`].
    pub lines: String,
    pub note: Option<String>,
    pub recorded_by: i64,
    pub recorded_at: i64,
    pub revised_by: Option<i64>,
    pub revised_at: Option<i64>,
}

/// A sheet to record, or to record again.
#[derive(Debug, Clone)]
pub struct NewSheet<'a> {
    pub unit_id: i64,
    pub period: &'a str,
    pub paid_on: &'a str,
    pub recorded_on: &'a str,
    pub headcount: i64,
    pub incomplete: i64,
    pub total: i64,
    pub lines: &'a str,
    pub note: Option<&'a str>,
    pub by: i64,
    pub at: i64,
}

/// Records a unit's sheet of a month: its id and whether it was new. A sheet of that month
/// recorded before is replaced (lines, totals, payment day, note) and keeps the day it was
/// first recorded.
pub async fn record_sheet(conn: &mut AnyConnection, s: &NewSheet<'_>) -> StoreResult<(i64, bool)> {
    let mut insert = Query::insert();
    insert
        .into_table(ident("payroll_sheets"))
        .columns(SHEET_COLUMNS[1..12].iter().copied().map(ident))
        .values([
            Expr::val(s.unit_id),
            Expr::val(s.period),
            Expr::val(s.paid_on),
            Expr::val(s.recorded_on),
            Expr::val(s.headcount),
            Expr::val(s.incomplete),
            Expr::val(s.total),
            Expr::val(s.lines),
            Expr::val(s.note),
            Expr::val(s.by),
            Expr::val(s.at),
        ])
        .map_err(|e| StoreError::Invalid(format!("payroll_sheets: {e}")))?
        .on_conflict(
            sea_query::OnConflict::columns(["unit_id", "period"].map(ident))
                .do_nothing()
                .to_owned(),
        )
        .returning_col(ident("id"));
    if let Some(row) = query::fetch_optional(conn, &insert).await? {
        return Ok((row.try_get("id")?, true));
    }
    let update = Query::update()
        .table(ident("payroll_sheets"))
        .values([
            (ident("paid_on"), Expr::val(s.paid_on)),
            (ident("headcount"), Expr::val(s.headcount)),
            (ident("incomplete"), Expr::val(s.incomplete)),
            (ident("total"), Expr::val(s.total)),
            (ident("lines"), Expr::val(s.lines)),
            (ident("note"), Expr::val(s.note)),
            (ident("revised_by"), Expr::val(s.by)),
            (ident("revised_at"), Expr::val(s.at)),
        ])
        .and_where(Expr::col(ident("unit_id")).eq(s.unit_id))
        .and_where(Expr::col(ident("period")).eq(s.period))
        .returning_col(ident("id"))
        .to_owned();
    Ok((query::fetch_one(conn, &update).await?.try_get("id")?, false))
}

fn read_sheet(r: &sqlx::any::AnyRow, with_lines: bool) -> StoreResult<SheetRow> {
    Ok(SheetRow {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        period: r.try_get("period")?,
        paid_on: r.try_get("paid_on")?,
        recorded_on: r.try_get("recorded_on")?,
        headcount: r.try_get("headcount")?,
        incomplete: r.try_get("incomplete")?,
        total: r.try_get("total")?,
        lines: if with_lines {
            r.try_get("lines")?
        } else {
            String::new()
        },
        note: r.try_get("note")?,
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
        revised_by: r.try_get("revised_by")?,
        revised_at: r.try_get("revised_at")?,
    })
}

/// The sheets' columns, with or without their lines.
fn select_sheets(with_lines: bool) -> sea_query::SelectStatement {
    let mut q = Query::select();
    q.columns(
        SHEET_COLUMNS
            .iter()
            .copied()
            .filter(|c| with_lines || *c != "lines")
            .map(ident),
    )
    .from(ident("payroll_sheets"));
    q
}

async fn one_sheet(
    conn: &mut AnyConnection,
    id: i64,
    with_lines: bool,
) -> StoreResult<Option<SheetRow>> {
    let mut q = select_sheets(with_lines);
    q.and_where(Expr::col(ident("id")).eq(id));
    query::fetch_optional(conn, &q)
        .await?
        .map(|r| read_sheet(&r, with_lines))
        .transpose()
}

/// One sheet with its lines.
pub async fn sheet(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<SheetRow>> {
    one_sheet(conn, id, true).await
}

/// One sheet without its lines.
pub async fn sheet_summary(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<SheetRow>> {
    one_sheet(conn, id, false).await
}

/// The sheets of these months, every unit, without their lines.
pub async fn sheets_of_periods(
    conn: &mut AnyConnection,
    periods: &[String],
) -> StoreResult<Vec<SheetRow>> {
    if periods.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = select_sheets(false);
    q.and_where(Expr::col(ident("period")).is_in(periods.iter().cloned()))
        .order_by(ident("id"), Order::Asc);
    query::fetch_all(conn, &q)
        .await?
        .iter()
        .map(|r| read_sheet(r, false))
        .collect()
}

/// A recorded consolidation of a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsolidationRow {
    pub id: i64,
    pub unit_id: i64,
    pub period: String,
    pub recorded_on: String,
    pub units_expected: i64,
    pub units_recorded: i64,
    pub headcount: i64,
    pub total: i64,
    /// JSON.
    pub summary: String,
    pub note: Option<String>,
    pub recorded_by: i64,
    pub recorded_at: i64,
}

const CONSOLIDATION_COLUMNS: [&str; 12] = [
    "id",
    "unit_id",
    "period",
    "recorded_on",
    "units_expected",
    "units_recorded",
    "headcount",
    "total",
    "summary",
    "note",
    "recorded_by",
    "recorded_at",
];

/// Records a month's consolidation: its id, or none when that month is consolidated already
/// (kept as it was).
pub async fn insert_consolidation(
    conn: &mut AnyConnection,
    c: &ConsolidationRow,
) -> StoreResult<Option<i64>> {
    let mut insert = Query::insert();
    insert
        .into_table(ident("payroll_consolidations"))
        .columns(CONSOLIDATION_COLUMNS[1..].iter().copied().map(ident))
        .values([
            Expr::val(c.unit_id),
            Expr::val(c.period.as_str()),
            Expr::val(c.recorded_on.as_str()),
            Expr::val(c.units_expected),
            Expr::val(c.units_recorded),
            Expr::val(c.headcount),
            Expr::val(c.total),
            Expr::val(c.summary.as_str()),
            Expr::val(c.note.as_deref()),
            Expr::val(c.recorded_by),
            Expr::val(c.recorded_at),
        ])
        .map_err(|e| StoreError::Invalid(format!("payroll_consolidations: {e}")))?
        .on_conflict(
            sea_query::OnConflict::columns(["unit_id", "period"].map(ident))
                .do_nothing()
                .to_owned(),
        )
        .returning_col(ident("id"));
    Ok(query::fetch_optional(conn, &insert)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?)
}

/// The consolidations of these months.
pub async fn consolidations_of_periods(
    conn: &mut AnyConnection,
    periods: &[String],
) -> StoreResult<Vec<ConsolidationRow>> {
    if periods.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::select();
    q.columns(CONSOLIDATION_COLUMNS.iter().copied().map(ident))
        .from(ident("payroll_consolidations"))
        .and_where(Expr::col(ident("period")).is_in(periods.iter().cloned()))
        .order_by(ident("id"), Order::Asc);
    query::fetch_all(conn, &q)
        .await?
        .iter()
        .map(|r| {
            Ok(ConsolidationRow {
                id: r.try_get("id")?,
                unit_id: r.try_get("unit_id")?,
                period: r.try_get("period")?,
                recorded_on: r.try_get("recorded_on")?,
                units_expected: r.try_get("units_expected")?,
                units_recorded: r.try_get("units_recorded")?,
                headcount: r.try_get("headcount")?,
                total: r.try_get("total")?,
                summary: r.try_get("summary")?,
                note: r.try_get("note")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
            })
        })
        .collect()
}
