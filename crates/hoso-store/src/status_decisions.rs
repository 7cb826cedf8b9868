//! Decisions that end or resume a person's service, and whether they are in force yet.

use sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreResult;
use crate::query::{self, col, ident};

/// Recorded; the status changes on the effective date.
pub const WAITING: &str = "waiting";
/// The status changed (`version` wrote it).
pub const DONE: &str = "done";
pub const CANCELLED: &str = "cancelled";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDecisionRow {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub kind: String,
    pub decision_number: String,
    pub decision_date: String,
    pub signer: String,
    pub effective_date: String,
    pub note: Option<String>,
    pub state: String,
    pub decided_by: i64,
    pub decided_at: i64,
    pub version: Option<i64>,
}

const COLUMNS: [&str; 12] = [
    "id",
    "person_id",
    "kind",
    "decision_number",
    "decision_date",
    "signer",
    "effective_date",
    "note",
    "state",
    "decided_by",
    "decided_at",
    "version",
];

fn select() -> SelectStatement {
    let mut s = Query::select();
    s.from_as(ident("status_decisions"), ident("d")).join_as(
        JoinType::InnerJoin,
        ident("persons"),
        ident("p"),
        col("p", "id").equals((ident("d"), ident("person_id"))),
    );
    for c in COLUMNS {
        s.expr_as(col("d", c), ident(c));
    }
    s.expr_as(col("p", "full_name"), ident("full_name"));
    s
}

fn read(r: &AnyRow) -> StoreResult<StatusDecisionRow> {
    Ok(StatusDecisionRow {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        full_name: r.try_get("full_name")?,
        kind: r.try_get("kind")?,
        decision_number: r.try_get("decision_number")?,
        decision_date: r.try_get("decision_date")?,
        signer: r.try_get("signer")?,
        effective_date: r.try_get("effective_date")?,
        note: r.try_get("note")?,
        state: r.try_get("state")?,
        decided_by: r.try_get("decided_by")?,
        decided_at: r.try_get("decided_at")?,
        version: r.try_get("version")?,
    })
}

async fn many(
    conn: &mut AnyConnection,
    s: &SelectStatement,
) -> StoreResult<Vec<StatusDecisionRow>> {
    query::fetch_all(conn, s).await?.iter().map(read).collect()
}

pub struct NewStatusDecision<'a> {
    pub person_id: i64,
    pub kind: &'a str,
    pub decision_number: &'a str,
    pub decision_date: &'a str,
    pub signer: &'a str,
    pub effective_date: &'a str,
    pub note: Option<&'a str>,
    pub decided_by: i64,
    pub at: i64,
}

/// Records a decision, waiting for its effective date; its id.
pub async fn insert(conn: &mut AnyConnection, d: NewStatusDecision<'_>) -> StoreResult<i64> {
    let insert = Query::insert()
        .into_table(ident("status_decisions"))
        // Every column but the id and the version (written when it takes effect).
        .columns(COLUMNS[1..11].iter().copied().map(Alias::new))
        .values_panic([
            d.person_id.into(),
            d.kind.into(),
            d.decision_number.into(),
            d.decision_date.into(),
            d.signer.into(),
            d.effective_date.into(),
            d.note.map(str::to_string).into(),
            WAITING.into(),
            d.decided_by.into(),
            d.at.into(),
        ])
        .returning_col(ident("id"))
        .to_owned();
    Ok(query::fetch_one(conn, &insert).await?.try_get("id")?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<StatusDecisionRow>> {
    let mut s = select();
    s.and_where(col("d", "id").eq(id));
    match query::fetch_optional(conn, &s).await? {
        Some(r) => Ok(Some(read(&r)?)),
        None => Ok(None),
    }
}

/// A person's decisions, the latest first.
pub async fn of_person(
    conn: &mut AnyConnection,
    person_id: i64,
) -> StoreResult<Vec<StatusDecisionRow>> {
    let mut s = select();
    s.and_where(col("d", "person_id").eq(person_id))
        .order_by((ident("d"), ident("id")), Order::Desc);
    many(conn, &s).await
}

/// The person's decision still waiting for its effective date.
pub async fn waiting_of_person(
    conn: &mut AnyConnection,
    person_id: i64,
) -> StoreResult<Option<StatusDecisionRow>> {
    let mut s = select();
    s.and_where(col("d", "person_id").eq(person_id))
        .and_where(col("d", "state").eq(WAITING))
        .limit(1);
    match query::fetch_optional(conn, &s).await? {
        Some(r) => Ok(Some(read(&r)?)),
        None => Ok(None),
    }
}

/// The effective date of the person's last decision in force.
pub async fn last_effective(
    conn: &mut AnyConnection,
    person_id: i64,
) -> StoreResult<Option<String>> {
    let s = Query::select()
        .expr_as(Expr::col(ident("effective_date")).max(), ident("last"))
        .from(ident("status_decisions"))
        .and_where(Expr::col(ident("person_id")).eq(person_id))
        .and_where(Expr::col(ident("state")).eq(DONE))
        .to_owned();
    Ok(query::fetch_one(conn, &s).await?.try_get("last")?)
}

/// Waiting decisions whose effective date has come (`today` as `YYYY-MM-DD`), oldest first.
pub async fn due(conn: &mut AnyConnection, today: &str) -> StoreResult<Vec<StatusDecisionRow>> {
    let mut s = select();
    s.and_where(col("d", "state").eq(WAITING))
        .and_where(col("d", "effective_date").lte(today))
        .order_by((ident("d"), ident("id")), Order::Asc);
    many(conn, &s).await
}

/// Marks a waiting decision in force with the record version it wrote; false when it was no
/// longer waiting (a race lost).
pub async fn set_done(conn: &mut AnyConnection, id: i64, version: i64) -> StoreResult<bool> {
    let update = Query::update()
        .table(ident("status_decisions"))
        .values([
            (ident("state"), DONE.into()),
            (ident("version"), version.into()),
        ])
        .and_where(Expr::col(ident("id")).eq(id))
        .and_where(Expr::col(ident("state")).eq(WAITING))
        .to_owned();
    Ok(query::execute(conn, &update).await? == 1)
}

/// Withdraws a waiting decision; false when it was no longer waiting.
pub async fn cancel(conn: &mut AnyConnection, id: i64) -> StoreResult<bool> {
    let update = Query::update()
        .table(ident("status_decisions"))
        .values([(ident("state"), CANCELLED.into())])
        .and_where(Expr::col(ident("id")).eq(id))
        .and_where(Expr::col(ident("state")).eq(WAITING))
        .to_owned();
    Ok(query::execute(conn, &update).await? == 1)
}
