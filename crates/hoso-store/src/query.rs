//! The store's one query builder: statements are built with `sea-query` (identifiers quoted,
//! values always bound), rendered for the connection's database and bound to sqlx here. Rows
//! are read by column name, never by position.

use sea_query::{
    PostgresQueryBuilder, QueryStatementWriter, SelectStatement, SqliteQueryBuilder, Value, Values,
};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyConnection, AssertSqlSafe};

use crate::{StoreError, StoreResult};

pub use sea_query::{Alias, Asterisk, Cond, Expr, ExprTrait, Func, JoinType, Order, Query};

/// The statement's SQL for the database behind `conn`, with its values.
pub fn render(conn: &AnyConnection, stmt: &impl QueryStatementWriter) -> (String, Values) {
    if conn.backend_name() == "SQLite" {
        stmt.build_any(&SqliteQueryBuilder)
    } else {
        stmt.build_any(&PostgresQueryBuilder)
    }
}

fn bind(
    mut q: sqlx::query::Query<'static, Any, AnyArguments>,
    values: Values,
) -> StoreResult<sqlx::query::Query<'static, Any, AnyArguments>> {
    for v in values.0 {
        q = match v {
            Value::String(s) => q.bind(s),
            Value::BigInt(n) => q.bind(n),
            Value::Int(n) => q.bind(n.map(i64::from)),
            Value::SmallInt(n) => q.bind(n.map(i64::from)),
            Value::TinyInt(n) => q.bind(n.map(i64::from)),
            Value::Unsigned(n) => q.bind(n.map(i64::from)),
            Value::BigUnsigned(n) => q.bind(n.map(|n| i64::try_from(n).unwrap_or(i64::MAX))),
            Value::Bool(b) => q.bind(b.map(i64::from)),
            Value::Double(x) => q.bind(x),
            other => {
                return Err(StoreError::Invalid(format!(
                    "query: value of an unsupported type ({other:?})"
                )));
            }
        };
    }
    Ok(q)
}

/// A SELECT bound to more values than this (the `IN (…)` of a batch) is planned at each run
/// instead of being kept prepared. PostgreSQL settles a kept statement, after five runs, on a
/// generic plan; one made while the table was small is a sequential scan comparing every row
/// with every listed value one by one (a list of parameters is not hashed), whose cost then
/// grows with the table: 92 ms for a batch of 500 số định danh at only 20,000 people, measured.
/// Planned with the values, the list is hashed or probed through the index.
const KEPT_SELECT_MAX_VALUES: usize = 32;

fn prepared(
    conn: &AnyConnection,
    stmt: &impl QueryStatementWriter,
) -> StoreResult<sqlx::query::Query<'static, Any, AnyArguments>> {
    let (sql, values) = render(conn, stmt);
    let keep = values.0.len() <= KEPT_SELECT_MAX_VALUES || !sql.starts_with("SELECT");
    bind(sqlx::query(AssertSqlSafe(sql)).persistent(keep), values)
}

/// A statement planned with its values at each run, never kept prepared. For the questions
/// users compose (reports, searches over any field): the best plan depends on how many rows
/// each value selects. Kept prepared, PostgreSQL settles after five runs on a generic plan
/// that probes the histories once per person: a search with a history condition took 110 ms
/// from its sixth run instead of 19–30 ms, measured at 100,000 people (`BENCHMARKS.md`).
pub fn replanned(
    conn: &AnyConnection,
    stmt: &impl QueryStatementWriter,
) -> StoreResult<sqlx::query::Query<'static, Any, AnyArguments>> {
    let (sql, values) = render(conn, stmt);
    bind(sqlx::query(AssertSqlSafe(sql)).persistent(false), values)
}

pub async fn fetch_all(
    conn: &mut AnyConnection,
    stmt: &impl QueryStatementWriter,
) -> StoreResult<Vec<AnyRow>> {
    Ok(prepared(conn, stmt)?.fetch_all(&mut *conn).await?)
}

pub async fn fetch_one(
    conn: &mut AnyConnection,
    stmt: &impl QueryStatementWriter,
) -> StoreResult<AnyRow> {
    Ok(prepared(conn, stmt)?.fetch_one(&mut *conn).await?)
}

pub async fn fetch_optional(
    conn: &mut AnyConnection,
    stmt: &impl QueryStatementWriter,
) -> StoreResult<Option<AnyRow>> {
    Ok(prepared(conn, stmt)?.fetch_optional(&mut *conn).await?)
}

/// Runs a statement; returns the rows it touched.
pub async fn execute(
    conn: &mut AnyConnection,
    stmt: &impl QueryStatementWriter,
) -> StoreResult<u64> {
    Ok(prepared(conn, stmt)?
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// A quoted identifier (a table, column or alias name).
pub fn ident(name: &str) -> Alias {
    Alias::new(name)
}

/// `table.column`.
pub fn col(table: &str, column: &str) -> Expr {
    Expr::col((ident(table), ident(column)))
}

/// How many rows `select` gives (its columns are replaced by the count).
pub async fn count(conn: &mut AnyConnection, select: SelectStatement) -> StoreResult<i64> {
    Ok(sqlx::Row::try_get(
        &fetch_one(conn, &counting(select)).await?,
        "n",
    )?)
}

/// How many rows `select` gives, counted no further than `cap + 1`: the count of a huge match
/// costs what reading `cap + 1` rows costs. An answer above `cap` means "more than `cap`".
pub async fn count_up_to(
    conn: &mut AnyConnection,
    mut select: SelectStatement,
    cap: i64,
) -> StoreResult<i64> {
    select.clear_selects();
    select.expr(Expr::cust("1"));
    select.limit(u64::try_from(cap).unwrap_or(0) + 1);
    let outer = Query::select()
        .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), ident("n"))
        .from_subquery(select, ident("capped"))
        .to_owned();
    Ok(sqlx::Row::try_get(&fetch_one(conn, &outer).await?, "n")?)
}

/// [`count`], planned at each run ([`replanned`]).
pub async fn count_replanned(
    conn: &mut AnyConnection,
    select: SelectStatement,
) -> StoreResult<i64> {
    let row = replanned(conn, &counting(select))?
        .fetch_one(&mut *conn)
        .await?;
    Ok(sqlx::Row::try_get(&row, "n")?)
}

fn counting(mut select: SelectStatement) -> SelectStatement {
    select.clear_selects();
    select.expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), ident("n"));
    select
}

/// The join condition of a person `p` to its unit `u`.
pub fn person_unit() -> Expr {
    col("u", "id").equals((ident("p"), ident("unit_id")))
}
