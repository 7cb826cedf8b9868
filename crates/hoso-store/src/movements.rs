//! Movements of people between units: the decision, the two sides' answers, the state.

use sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreResult;
use crate::query::{self, col, ident};

/// Proposed by the sending unit, waiting for the receiving one.
pub const PROPOSED: &str = "proposed";
/// Accepted, waiting for its effective date.
pub const ACCEPTED: &str = "accepted";
pub const REFUSED: &str = "refused";
pub const CANCELLED: &str = "cancelled";
/// The record moved.
pub const DONE: &str = "done";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementRow {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub kind: String,
    pub from_unit_id: i64,
    pub to_unit_id: i64,
    pub decision_number: String,
    pub decision_date: String,
    pub signer: String,
    pub effective_date: String,
    pub position: Option<String>,
    pub note: Option<String>,
    pub scan_sha256: Option<String>,
    pub scan_name: Option<String>,
    pub scan_type: Option<String>,
    pub state: String,
    pub proposed_by: i64,
    pub proposed_at: i64,
    pub answered_by: Option<i64>,
    pub answered_at: Option<i64>,
    pub answer_note: Option<String>,
    pub version: Option<i64>,
}

const COLUMNS: [&str; 21] = [
    "id",
    "person_id",
    "kind",
    "from_unit_id",
    "to_unit_id",
    "decision_number",
    "decision_date",
    "signer",
    "effective_date",
    "position",
    "note",
    "scan_sha256",
    "scan_name",
    "scan_type",
    "state",
    "proposed_by",
    "proposed_at",
    "answered_by",
    "answered_at",
    "answer_note",
    "version",
];

fn select() -> SelectStatement {
    let mut s = Query::select();
    s.from_as(ident("movements"), ident("m")).join_as(
        JoinType::InnerJoin,
        ident("persons"),
        ident("p"),
        col("p", "id").equals((ident("m"), ident("person_id"))),
    );
    for c in COLUMNS {
        s.expr_as(col("m", c), ident(c));
    }
    s.expr_as(col("p", "full_name"), ident("full_name"));
    s
}

fn read(r: &AnyRow) -> StoreResult<MovementRow> {
    Ok(MovementRow {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        full_name: r.try_get("full_name")?,
        kind: r.try_get("kind")?,
        from_unit_id: r.try_get("from_unit_id")?,
        to_unit_id: r.try_get("to_unit_id")?,
        decision_number: r.try_get("decision_number")?,
        decision_date: r.try_get("decision_date")?,
        signer: r.try_get("signer")?,
        effective_date: r.try_get("effective_date")?,
        position: r.try_get("position")?,
        note: r.try_get("note")?,
        scan_sha256: r.try_get("scan_sha256")?,
        scan_name: r.try_get("scan_name")?,
        scan_type: r.try_get("scan_type")?,
        state: r.try_get("state")?,
        proposed_by: r.try_get("proposed_by")?,
        proposed_at: r.try_get("proposed_at")?,
        answered_by: r.try_get("answered_by")?,
        answered_at: r.try_get("answered_at")?,
        answer_note: r.try_get("answer_note")?,
        version: r.try_get("version")?,
    })
}

async fn many(conn: &mut AnyConnection, s: &SelectStatement) -> StoreResult<Vec<MovementRow>> {
    query::fetch_all(conn, s).await?.iter().map(read).collect()
}

pub struct NewMovement<'a> {
    pub person_id: i64,
    pub kind: &'a str,
    pub from_unit_id: i64,
    pub to_unit_id: i64,
    pub decision_number: &'a str,
    pub decision_date: &'a str,
    pub signer: &'a str,
    pub effective_date: &'a str,
    pub position: Option<&'a str>,
    pub note: Option<&'a str>,
    pub scan: Option<(&'a str, &'a str, &'a str)>,
    pub state: &'a str,
    pub proposed_by: i64,
    pub at: i64,
}

pub async fn insert(conn: &mut AnyConnection, m: NewMovement<'_>) -> StoreResult<i64> {
    let answered = m.state != PROPOSED;
    let insert = Query::insert()
        .into_table(ident("movements"))
        // Every column but the id, the answer's note and the version (written later).
        .columns(COLUMNS[1..19].iter().copied().map(Alias::new))
        .values_panic([
            m.person_id.into(),
            m.kind.into(),
            m.from_unit_id.into(),
            m.to_unit_id.into(),
            m.decision_number.into(),
            m.decision_date.into(),
            m.signer.into(),
            m.effective_date.into(),
            m.position.map(str::to_string).into(),
            m.note.map(str::to_string).into(),
            m.scan.map(|s| s.0.to_string()).into(),
            m.scan.map(|s| s.1.to_string()).into(),
            m.scan.map(|s| s.2.to_string()).into(),
            m.state.into(),
            m.proposed_by.into(),
            m.at.into(),
            answered.then_some(m.proposed_by).into(),
            answered.then_some(m.at).into(),
        ])
        .returning_col(ident("id"))
        .to_owned();
    Ok(query::fetch_one(conn, &insert).await?.try_get("id")?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<MovementRow>> {
    let mut s = select();
    s.and_where(col("m", "id").eq(id));
    match query::fetch_optional(conn, &s).await? {
        Some(r) => Ok(Some(read(&r)?)),
        None => Ok(None),
    }
}

/// A person's movements, the latest first.
pub async fn of_person(conn: &mut AnyConnection, person_id: i64) -> StoreResult<Vec<MovementRow>> {
    let mut s = select();
    s.and_where(col("m", "person_id").eq(person_id))
        .order_by((ident("m"), ident("id")), Order::Desc);
    many(conn, &s).await
}

/// The movements of these people that were not refused or cancelled (for the deadline rules on
/// moving a record), oldest first.
pub async fn live_of_persons(
    conn: &mut AnyConnection,
    person_ids: &[i64],
) -> StoreResult<Vec<MovementRow>> {
    let mut out = Vec::new();
    for chunk in person_ids.chunks(500) {
        let mut s = select();
        s.and_where(col("m", "person_id").is_in(chunk.iter().copied()))
            .and_where(col("m", "state").is_in([PROPOSED, ACCEPTED, DONE]))
            .order_by((ident("m"), ident("id")), Order::Asc);
        out.extend(many(conn, &s).await?);
    }
    Ok(out)
}

/// The person's movement still under way (proposed, or accepted and not yet effective).
pub async fn open_of_person(
    conn: &mut AnyConnection,
    person_id: i64,
) -> StoreResult<Option<MovementRow>> {
    let mut s = select();
    s.and_where(col("m", "person_id").eq(person_id))
        .and_where(col("m", "state").is_in([PROPOSED, ACCEPTED]))
        .limit(1);
    match query::fetch_optional(conn, &s).await? {
        Some(r) => Ok(Some(read(&r)?)),
        None => Ok(None),
    }
}

/// The effective date of the person's last completed movement.
pub async fn last_effective(
    conn: &mut AnyConnection,
    person_id: i64,
) -> StoreResult<Option<String>> {
    let s = Query::select()
        .expr_as(Expr::col(ident("effective_date")).max(), ident("last"))
        .from(ident("movements"))
        .and_where(Expr::col(ident("person_id")).eq(person_id))
        .and_where(Expr::col(ident("state")).eq(DONE))
        .to_owned();
    Ok(query::fetch_one(conn, &s).await?.try_get("last")?)
}

/// Movements in `states` whose receiving (or, with `sending`, sending) unit lies in one of
/// `paths` (every unit when `None`), the latest first.
pub async fn for_units(
    conn: &mut AnyConnection,
    paths: Option<&[String]>,
    sending: bool,
    states: &[&str],
    limit: i64,
) -> StoreResult<Vec<MovementRow>> {
    let mut s = select();
    let unit_col = if sending {
        "from_unit_id"
    } else {
        "to_unit_id"
    };
    s.join_as(
        JoinType::InnerJoin,
        ident("org_units"),
        ident("u"),
        col("u", "id").equals((ident("m"), ident(unit_col))),
    )
    .and_where(col("m", "state").is_in(states.iter().copied()));
    if let Some(paths) = paths {
        let mut any = sea_query::Cond::any();
        for p in paths {
            let (lo, hi) = crate::org::subtree_range(p);
            any = any.add(
                sea_query::Cond::all()
                    .add(col("u", "path").gte(lo))
                    .add(col("u", "path").lt(hi)),
            );
        }
        if paths.is_empty() {
            any = any.add(Expr::val(1).eq(0));
        }
        s.cond_where(any);
    }
    s.order_by((ident("m"), ident("id")), Order::Desc)
        .limit(Ord::max(limit, 0) as u64);
    many(conn, &s).await
}

/// Accepted movements whose effective date has come (`today` as `YYYY-MM-DD`).
pub async fn due(conn: &mut AnyConnection, today: &str) -> StoreResult<Vec<MovementRow>> {
    let mut s = select();
    s.and_where(col("m", "state").eq(ACCEPTED))
        .and_where(col("m", "effective_date").lte(today))
        .order_by((ident("m"), ident("id")), Order::Asc);
    many(conn, &s).await
}

/// Moves a movement from `from` to `to`; false when it was no longer in `from` (a race lost).
pub async fn set_state(
    conn: &mut AnyConnection,
    id: i64,
    from: &str,
    to: &str,
    answered_by: Option<i64>,
    at: i64,
    note: Option<&str>,
) -> StoreResult<bool> {
    let mut values = vec![(ident("state"), to.into())];
    if let Some(by) = answered_by {
        values.push((ident("answered_by"), by.into()));
        values.push((ident("answered_at"), at.into()));
        values.push((ident("answer_note"), note.map(str::to_string).into()));
    }
    let update = Query::update()
        .table(ident("movements"))
        .values(values)
        .and_where(Expr::col(ident("id")).eq(id))
        .and_where(Expr::col(ident("state")).eq(from))
        .to_owned();
    Ok(query::execute(conn, &update).await? == 1)
}

/// Marks an accepted movement done with the record version it wrote.
pub async fn set_done(conn: &mut AnyConnection, id: i64, version: i64) -> StoreResult<bool> {
    let update = Query::update()
        .table(ident("movements"))
        .values([
            (ident("state"), DONE.into()),
            (ident("version"), version.into()),
        ])
        .and_where(Expr::col(ident("id")).eq(id))
        .and_where(Expr::col(ident("state")).eq(ACCEPTED))
        .to_owned();
    Ok(query::execute(conn, &update).await? == 1)
}
