//! The data-quality findings of each record's document (migration 0030) and the reading of
//! everything the "Đúng, Đủ, Sạch, Sống" figures need, one row per person in service
//! (`hoso_app::data_quality` judges and counts them).

use sea_query::{Order, Query};
use sqlx::{AnyConnection, Row};

use crate::persons::{Scope, scope_cond, subtree_cond};
use crate::query::{self, Expr, ExprTrait, JoinType, col, ident};
use crate::{StoreError, StoreResult};

/// The findings of one record's document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Findings {
    pub person_id: i64,
    /// The version they were computed from.
    pub version: i64,
    /// ISO day.
    pub computed_for: String,
    pub fields_expected: i64,
    pub fields_filled: i64,
    /// `DocumentQuality` as JSON.
    pub findings: String,
}

/// Replaces the findings of these records. Runs in the caller's transaction.
pub async fn replace(conn: &mut AnyConnection, rows: &[Findings]) -> StoreResult<()> {
    for chunk in rows.chunks(500) {
        let mut delete = Query::delete();
        delete
            .from_table(ident("data_quality"))
            .and_where(Expr::col(ident("person_id")).is_in(chunk.iter().map(|r| r.person_id)));
        query::execute(conn, &delete).await?;
        let mut insert = Query::insert();
        insert.into_table(ident("data_quality")).columns(
            [
                "person_id",
                "version",
                "computed_for",
                "fields_expected",
                "fields_filled",
                "findings",
            ]
            .map(ident),
        );
        for r in chunk {
            insert
                .values([
                    Expr::val(r.person_id),
                    Expr::val(r.version),
                    Expr::val(r.computed_for.clone()),
                    Expr::val(r.fields_expected),
                    Expr::val(r.fields_filled),
                    Expr::val(r.findings.clone()),
                ])
                .map_err(|e| StoreError::Invalid(format!("data_quality: {e}")))?;
        }
        query::execute(conn, &insert).await?;
    }
    Ok(())
}

/// Which records to read.
#[derive(Debug, Clone, Default)]
pub struct QualityFilter {
    /// Only this unit and below.
    pub unit_path: Option<String>,
    /// Only the people of exactly this unit.
    pub unit_id: Option<i64>,
    /// ISO day: deadlines due before it and still open are overdue.
    pub today: String,
}

/// A person in service, with what the figures need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityRow {
    pub person_id: i64,
    pub full_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub current_version: i64,
    pub official_version: i64,
    /// When the current version was written, in milliseconds since the epoch.
    pub updated_at: i64,
    /// Other records with the same folded name and birth date.
    pub duplicates: i64,
    /// Deadlines open past their due date.
    pub overdue: i64,
    /// The stored findings, when any: (version, JSON).
    pub findings: Option<(i64, String)>,
}

/// Every person in service within `scope` and the filter, in unit-tree then name order.
pub async fn rows(
    conn: &mut AnyConnection,
    scope: &Scope,
    f: &QualityFilter,
) -> StoreResult<Vec<QualityRow>> {
    // An ISO day written into the statement: digits and dashes only.
    let today = f.today.as_str();
    if today.len() != 10 || !today.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(StoreError::Invalid(format!("data_quality: day '{today}'")));
    }
    let mut q = Query::select();
    q.from_as(ident("persons"), ident("p"))
        .join_as(
            JoinType::InnerJoin,
            ident("org_units"),
            ident("u"),
            col("u", "id").equals((ident("p"), ident("unit_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            ident("data_quality"),
            ident("q"),
            col("q", "person_id").equals((ident("p"), ident("id"))),
        )
        .expr_as(col("p", "id"), ident("person_id"))
        .expr_as(col("p", "full_name"), ident("full_name"))
        .expr_as(col("p", "unit_id"), ident("unit_id"))
        .expr_as(col("u", "name"), ident("unit_name"))
        .expr_as(col("u", "path"), ident("unit_path"))
        .expr_as(col("p", "current_version"), ident("current_version"))
        .expr_as(col("p", "official_version"), ident("official_version"))
        // When the current version was written, on the application's clock (the person row's
        // own stamp is the system's).
        .expr_as(
            Expr::cust(
                "COALESCE((SELECT v.created_at FROM record_versions v WHERE v.person_id = p.id \
                 AND v.version = p.current_version), p.updated_at)",
            ),
            ident("updated_at"),
        )
        .expr_as(col("q", "version"), ident("findings_version"))
        .expr_as(col("q", "findings"), ident("findings"))
        .expr_as(
            Expr::cust(
                "CAST((SELECT COUNT(*) FROM persons d WHERE d.search_key = p.search_key \
                 AND d.date_of_birth = p.date_of_birth AND d.id <> p.id) AS BIGINT)",
            ),
            ident("duplicates"),
        )
        .expr_as(
            Expr::cust(format!(
                "CAST((SELECT COUNT(*) FROM deadline_outcomes o WHERE o.person_id = p.id \
                 AND o.cleared_on IS NULL AND o.due < '{today}') AS BIGINT)"
            )),
            ident("overdue"),
        )
        .and_where(col("p", "status").eq("working"))
        .order_by((ident("u"), ident("path")), Order::Asc)
        .order_by((ident("p"), ident("full_name")), Order::Asc)
        .order_by((ident("p"), ident("id")), Order::Asc);
    if let Some(cond) = scope_cond(scope) {
        q.cond_where(cond);
    }
    if let Some(path) = &f.unit_path {
        q.cond_where(subtree_cond(path));
    }
    if let Some(id) = f.unit_id {
        q.and_where(col("p", "unit_id").eq(id));
    }
    query::fetch_all(conn, &q)
        .await?
        .iter()
        .map(|r| {
            let version: Option<i64> = r.try_get("findings_version")?;
            let findings: Option<String> = r.try_get("findings")?;
            Ok(QualityRow {
                person_id: r.try_get("person_id")?,
                full_name: r.try_get("full_name")?,
                unit_id: r.try_get("unit_id")?,
                unit_name: r.try_get("unit_name")?,
                unit_path: r.try_get("unit_path")?,
                current_version: r.try_get("current_version")?,
                official_version: r.try_get("official_version")?,
                updated_at: r.try_get("updated_at")?,
                duplicates: r.try_get("duplicates")?,
                overdue: r.try_get("overdue")?,
                findings: version.zip(findings),
            })
        })
        .collect()
}
