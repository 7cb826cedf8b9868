//! Records handed over to an agency outside the province, and received from one (issue 14).

use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreResult;
use crate::query::{self, ident};

/// Handed over to an agency outside the province.
pub const OUT: &str = "out";
/// Received from an agency outside the province.
pub const IN: &str = "in";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverRow {
    pub id: i64,
    pub person_id: i64,
    pub direction: String,
    pub counterpart: String,
    pub decision_number: String,
    pub decision_date: String,
    pub effective_date: String,
    pub package_sha256: String,
    pub origin_person_id: i64,
    pub origin_version: i64,
    pub versions_in_package: i64,
    pub signer_subject: String,
    pub note: Option<String>,
    pub created_by: i64,
    pub created_at: i64,
    pub confirmed_by: Option<i64>,
    pub confirmed_at: Option<i64>,
    pub reported_on: Option<String>,
    pub report_ref: Option<String>,
}

const COLUMNS: [&str; 19] = [
    "id",
    "person_id",
    "direction",
    "counterpart",
    "decision_number",
    "effective_date",
    "decision_date",
    "package_sha256",
    "origin_person_id",
    "origin_version",
    "versions_in_package",
    "signer_subject",
    "note",
    "created_by",
    "created_at",
    "confirmed_by",
    "confirmed_at",
    "reported_on",
    "report_ref",
];

fn select() -> SelectStatement {
    let mut s = Query::select();
    s.from(ident("record_handovers"))
        .columns(COLUMNS.iter().copied().map(Alias::new));
    s
}

fn read(r: &AnyRow) -> StoreResult<HandoverRow> {
    Ok(HandoverRow {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        direction: r.try_get("direction")?,
        counterpart: r.try_get("counterpart")?,
        decision_number: r.try_get("decision_number")?,
        effective_date: r.try_get("effective_date")?,
        decision_date: r.try_get("decision_date")?,
        package_sha256: r.try_get("package_sha256")?,
        origin_person_id: r.try_get("origin_person_id")?,
        origin_version: r.try_get("origin_version")?,
        versions_in_package: r.try_get("versions_in_package")?,
        signer_subject: r.try_get("signer_subject")?,
        note: r.try_get("note")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        confirmed_by: r.try_get("confirmed_by")?,
        confirmed_at: r.try_get("confirmed_at")?,
        reported_on: r.try_get("reported_on")?,
        report_ref: r.try_get("report_ref")?,
    })
}

/// A hand-over to record (every column but the id and the confirmation).
pub struct NewHandover<'a> {
    pub person_id: i64,
    pub direction: &'a str,
    pub counterpart: &'a str,
    pub decision_number: &'a str,
    pub effective_date: &'a str,
    pub decision_date: &'a str,
    pub package_sha256: &'a str,
    pub origin_person_id: i64,
    pub origin_version: i64,
    pub versions_in_package: i64,
    pub signer_subject: &'a str,
    pub note: Option<&'a str>,
    pub created_by: i64,
    pub created_at: i64,
}

pub async fn insert(conn: &mut AnyConnection, h: NewHandover<'_>) -> StoreResult<i64> {
    let insert = Query::insert()
        .into_table(ident("record_handovers"))
        .columns(COLUMNS[1..15].iter().copied().map(Alias::new))
        .values_panic([
            h.person_id.into(),
            h.direction.into(),
            h.counterpart.into(),
            h.decision_number.into(),
            h.effective_date.into(),
            h.decision_date.into(),
            h.package_sha256.into(),
            h.origin_person_id.into(),
            h.origin_version.into(),
            h.versions_in_package.into(),
            h.signer_subject.into(),
            h.note.map(str::to_string).into(),
            h.created_by.into(),
            h.created_at.into(),
        ])
        .returning_col(ident("id"))
        .to_owned();
    Ok(query::fetch_one(conn, &insert).await?.try_get("id")?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<HandoverRow>> {
    let mut s = select();
    s.and_where(Expr::col(ident("id")).eq(id));
    query::fetch_optional(conn, &s)
        .await?
        .map(|r| read(&r))
        .transpose()
}

/// A person's hand-overs, the latest first.
pub async fn of_person(conn: &mut AnyConnection, person_id: i64) -> StoreResult<Vec<HandoverRow>> {
    let mut s = select();
    s.and_where(Expr::col(ident("person_id")).eq(person_id))
        .order_by(ident("id"), Order::Desc);
    query::fetch_all(conn, &s).await?.iter().map(read).collect()
}

/// The hand-overs of `ids`, oldest first (the alert sources' batch).
pub async fn of_persons(conn: &mut AnyConnection, ids: &[i64]) -> StoreResult<Vec<HandoverRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut s = select();
    s.and_where(Expr::col(ident("person_id")).is_in(ids.iter().copied()))
        .order_by(ident("id"), Order::Asc);
    query::fetch_all(conn, &s).await?.iter().map(read).collect()
}

/// Records that the receiving unit confirmed a received record; false when it already was.
pub async fn confirm(conn: &mut AnyConnection, id: i64, by: i64, at: i64) -> StoreResult<bool> {
    let update = Query::update()
        .table(ident("record_handovers"))
        .values([
            (ident("confirmed_by"), by.into()),
            (ident("confirmed_at"), at.into()),
        ])
        .and_where(Expr::col(ident("id")).eq(id))
        .and_where(Expr::col(ident("direction")).eq(IN))
        .and_where(Expr::col(ident("confirmed_at")).is_null())
        .to_owned();
    Ok(query::execute(conn, &update).await? == 1)
}

/// Records that the unit reported a hand-over to the Sở Nội vụ on `day` (ISO) by `reference`;
/// false when it already was.
pub async fn set_reported(
    conn: &mut AnyConnection,
    id: i64,
    day: &str,
    reference: &str,
    by: i64,
) -> StoreResult<bool> {
    let update = Query::update()
        .table(ident("record_handovers"))
        .values([
            (ident("reported_on"), day.into()),
            (ident("report_ref"), reference.into()),
            (ident("reported_by"), by.into()),
        ])
        .and_where(Expr::col(ident("id")).eq(id))
        .and_where(Expr::col(ident("reported_on")).is_null())
        .to_owned();
    Ok(query::execute(conn, &update).await? == 1)
}
