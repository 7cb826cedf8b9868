//! Each person's state over time (`person_states`): the projection of every version of the
//! record, in force from the day the version took effect until the next one did, so that a
//! report can be run as of a past day. The application says when a version took effect; this
//! module keeps the intervals consistent, whatever order the versions take effect in.

use std::collections::BTreeMap;

use hoso_domain::schema::Projection;
use sea_query::{Query, SimpleExpr};
use sqlx::{AnyConnection, Row};

use crate::persons::projection_values;
use crate::query::{self, Expr, ExprTrait, ident};
use crate::{StoreError, StoreResult};

/// A version's state, in force from `valid_from` (ISO date).
#[derive(Debug, Clone)]
pub struct StateRow<'a> {
    pub person_id: i64,
    pub version: i64,
    pub valid_from: String,
    pub unit_id: i64,
    pub status: &'a str,
    pub projection: &'a Projection,
}

/// The columns a state row gives before the projected ones.
const STATE_COLUMNS: [&str; 6] = [
    "id",
    "version",
    "valid_from",
    "valid_to",
    "unit_id",
    "status",
];

/// Rows per INSERT: 26 values each, far under SQLite's 32,766 bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// Records the state of a version written after every earlier one (versions are appended): the
/// earlier states stop being in force on the day it takes effect, and it stays in force.
pub async fn record(conn: &mut AnyConnection, row: &StateRow<'_>) -> StoreResult<()> {
    let mut close = Query::update();
    close
        .table(ident("person_states"))
        .value(ident("valid_to"), row.valid_from.clone())
        .and_where(Expr::col(ident("id")).eq(row.person_id))
        .and_where(Expr::col(ident("version")).lt(row.version))
        .cond_where(
            sea_query::Cond::any()
                .add(Expr::col(ident("valid_to")).is_null())
                .add(Expr::col(ident("valid_to")).gt(row.valid_from.clone())),
        );
    query::execute(conn, &close).await?;
    insert_with_ends(conn, std::iter::once((row, None))).await
}

/// Inserts the states of new records (a bulk load): nothing stored before them to close; each
/// ends when a later one of the same person takes effect.
pub async fn insert_first<'r>(
    conn: &mut AnyConnection,
    rows: impl Iterator<Item = &'r StateRow<'r>>,
) -> StoreResult<()> {
    let rows: Vec<&StateRow<'_>> = rows.collect();
    let mut of_person: std::collections::HashMap<i64, Vec<(i64, &str)>> = Default::default();
    for row in &rows {
        of_person
            .entry(row.person_id)
            .or_default()
            .push((row.version, &row.valid_from));
    }
    let ends: Vec<Option<String>> = rows
        .iter()
        .map(|row| {
            of_person[&row.person_id]
                .iter()
                .filter(|(version, _)| *version > row.version)
                .map(|(_, from)| from.to_string())
                .min()
        })
        .collect();
    insert_with_ends(conn, rows.into_iter().zip(ends)).await
}

async fn insert_with_ends<'r>(
    conn: &mut AnyConnection,
    rows: impl Iterator<Item = (&'r StateRow<'r>, Option<String>)>,
) -> StoreResult<()> {
    // Rows projected by different schema versions carry different columns.
    let mut by_columns: BTreeMap<Vec<&str>, Vec<Vec<SimpleExpr>>> = BTreeMap::new();
    for (row, valid_to) in rows {
        let (names, values) = projection_values(row.projection);
        let mut all: Vec<SimpleExpr> = vec![
            Expr::val(row.person_id),
            Expr::val(row.version),
            Expr::val(row.valid_from.clone()),
            Expr::val(valid_to),
            Expr::val(row.unit_id),
            Expr::val(row.status.to_string()),
        ];
        all.extend(values);
        by_columns.entry(names).or_default().push(all);
    }
    for (names, rows) in by_columns {
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let mut insert = Query::insert();
            insert.into_table(ident("person_states")).columns(
                STATE_COLUMNS
                    .iter()
                    .copied()
                    .chain(names.iter().copied())
                    .map(ident),
            );
            for values in chunk {
                insert
                    .values(values.iter().cloned())
                    .map_err(|e| StoreError::Invalid(format!("person_states: {e}")))?;
            }
            query::execute(conn, &insert).await?;
        }
    }
    Ok(())
}

/// Forgets a person's states (before they are rebuilt from the versions).
pub async fn clear(conn: &mut AnyConnection, person_id: i64) -> StoreResult<()> {
    let mut delete = Query::delete();
    delete
        .from_table(ident("person_states"))
        .and_where(Expr::col(ident("id")).eq(person_id));
    query::execute(conn, &delete).await?;
    Ok(())
}

/// The state of a person on `day` (ISO): (version, unit), if the record was in force then.
pub async fn on_day(
    conn: &mut AnyConnection,
    person_id: i64,
    day: &str,
) -> StoreResult<Option<(i64, i64)>> {
    let mut q = Query::select();
    q.columns([ident("version"), ident("unit_id")])
        .from(ident("person_states"))
        .and_where(Expr::col(ident("id")).eq(person_id))
        .cond_where(in_force_on("person_states", day));
    Ok(query::fetch_optional(conn, &q)
        .await?
        .map(|r| (r.get::<i64, _>("version"), r.get::<i64, _>("unit_id"))))
}

/// The people at work on `day` (ISO), by the unit they were in that day.
pub async fn working_by_unit_on(
    conn: &mut AnyConnection,
    day: &str,
) -> StoreResult<std::collections::HashMap<i64, i64>> {
    let mut q = Query::select();
    q.column(ident("unit_id"))
        .expr_as(Expr::cust("COUNT(*)"), ident("n"))
        .from(ident("person_states"))
        .cond_where(in_force_on("person_states", day))
        .and_where(Expr::col(ident("status")).eq("working"))
        .group_by_col(ident("unit_id"));
    query::fetch_all(conn, &q)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("unit_id")?, r.try_get("n")?)))
        .collect()
}

/// The rows of `table` (its alias) in force on `day` (ISO): begun by then, not yet ended.
pub fn in_force_on(table: &str, day: &str) -> sea_query::Cond {
    sea_query::Cond::all()
        .add(query::col(table, "valid_from").lte(day))
        .add(
            sea_query::Cond::any()
                .add(query::col(table, "valid_to").is_null())
                .add(query::col(table, "valid_to").gt(day)),
        )
}
