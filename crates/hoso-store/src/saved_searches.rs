//! Searches and reports saved by name (migration 0048): a page address, its owner, and the
//! unit it is shared with.

use sea_query::{Order, Query};
use sqlx::{AnyConnection, Row};

use crate::query::{self, Expr, ExprTrait, ident};
use crate::{StoreError, StoreResult};

const COLUMNS: [&str; 6] = [
    "id",
    "account_id",
    "name",
    "link",
    "shared_unit_id",
    "created_at",
];

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SavedSearch {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    /// The page address that runs it (`/can-bo?q=…`).
    pub link: String,
    pub shared_unit_id: Option<i64>,
    pub created_at: i64,
}

fn row(r: &sqlx::any::AnyRow) -> StoreResult<SavedSearch> {
    Ok(SavedSearch {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        name: r.try_get("name")?,
        link: r.try_get("link")?,
        shared_unit_id: r.try_get("shared_unit_id")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Saves a search; `None` when its owner has one of that name already (kept as it was).
pub async fn insert(
    conn: &mut AnyConnection,
    account_id: i64,
    name: &str,
    link: &str,
    shared_unit_id: Option<i64>,
    at: i64,
) -> StoreResult<Option<i64>> {
    let mut insert = Query::insert();
    insert
        .into_table(ident("saved_searches"))
        .columns(COLUMNS[1..].iter().copied().map(ident))
        .values([
            Expr::val(account_id),
            Expr::val(name),
            Expr::val(link),
            Expr::val(shared_unit_id),
            Expr::val(at),
        ])
        .map_err(|e| StoreError::Invalid(format!("saved_searches: {e}")))?
        .on_conflict(
            sea_query::OnConflict::columns(["account_id", "name"].map(ident))
                .do_nothing()
                .to_owned(),
        )
        .returning_col(ident("id"));
    Ok(query::fetch_optional(conn, &insert)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?)
}

/// One's own searches and those shared with any unit, by name; the caller keeps the shared
/// ones of the units its account sees.
pub async fn own_and_shared(
    conn: &mut AnyConnection,
    account_id: i64,
) -> StoreResult<Vec<SavedSearch>> {
    let mut q = Query::select();
    q.columns(COLUMNS.map(ident))
        .from(ident("saved_searches"))
        .cond_where(
            sea_query::Cond::any()
                .add(Expr::col(ident("account_id")).eq(account_id))
                .add(Expr::col(ident("shared_unit_id")).is_not_null()),
        )
        .order_by(ident("name"), Order::Asc)
        .order_by(ident("id"), Order::Asc);
    query::fetch_all(conn, &q).await?.iter().map(row).collect()
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<SavedSearch>> {
    let mut q = Query::select();
    q.columns(COLUMNS.map(ident))
        .from(ident("saved_searches"))
        .and_where(Expr::col(ident("id")).eq(id));
    query::fetch_optional(conn, &q)
        .await?
        .as_ref()
        .map(row)
        .transpose()
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> StoreResult<()> {
    let mut q = Query::delete();
    q.from_table(ident("saved_searches"))
        .and_where(Expr::col(ident("id")).eq(id));
    query::execute(conn, &q).await?;
    Ok(())
}
