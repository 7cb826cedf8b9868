//! Access to one record outside the management line (NĐ 27/2026): an account reads one
//! person's record for a purpose, on a consent or authorising document, until an expiry.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordAccessRow {
    pub id: i64,
    pub person_id: i64,
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub purpose: String,
    pub legal_ref: String,
    pub clearance: String,
    pub expires_at: i64,
    pub granted_by: i64,
    pub granted_at: i64,
    pub revoked_at: Option<i64>,
    pub revoked_by: Option<i64>,
    pub revoke_ref: Option<String>,
}

const SELECT: &str = "SELECT g.id, g.person_id, g.account_id, a.username, a.display_name, g.purpose, g.legal_ref, \
    g.clearance, g.expires_at, g.granted_by, g.granted_at, g.revoked_at, g.revoked_by, g.revoke_ref \
    FROM record_access_grants g JOIN accounts a ON a.id = g.account_id";

fn row(r: &AnyRow) -> RecordAccessRow {
    RecordAccessRow {
        id: r.get("id"),
        person_id: r.get("person_id"),
        account_id: r.get("account_id"),
        username: r.get("username"),
        display_name: r.get("display_name"),
        purpose: r.get("purpose"),
        legal_ref: r.get("legal_ref"),
        clearance: r.get("clearance"),
        expires_at: r.get("expires_at"),
        granted_by: r.get("granted_by"),
        granted_at: r.get("granted_at"),
        revoked_at: r.get("revoked_at"),
        revoked_by: r.get("revoked_by"),
        revoke_ref: r.get("revoke_ref"),
    }
}

pub struct NewRecordAccess<'a> {
    pub person_id: i64,
    pub account_id: i64,
    pub purpose: &'a str,
    pub legal_ref: &'a str,
    pub clearance: &'a str,
    pub expires_at: i64,
    pub granted_by: i64,
}

pub async fn insert(conn: &mut AnyConnection, g: NewRecordAccess<'_>, at: i64) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO record_access_grants (person_id, account_id, purpose, legal_ref, clearance, expires_at, \
         granted_by, granted_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
    )
    .bind(g.person_id)
    .bind(g.account_id)
    .bind(g.purpose)
    .bind(g.legal_ref)
    .bind(g.clearance)
    .bind(g.expires_at)
    .bind(g.granted_by)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<RecordAccessRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE g.id = $1")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(r.as_ref().map(row))
}

/// Every grant on a person's record, live or not, newest first.
pub async fn of_person(
    conn: &mut AnyConnection,
    person_id: i64,
) -> StoreResult<Vec<RecordAccessRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE g.person_id = $1 ORDER BY g.id DESC"
    )))
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(row).collect())
}

/// The grant that lets `account_id` read `person_id` at `now`: not revoked, not expired (the
/// one reaching furthest, when several are live).
pub async fn live_for(
    conn: &mut AnyConnection,
    account_id: i64,
    person_id: i64,
    now: i64,
) -> StoreResult<Option<RecordAccessRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE g.account_id = $1 AND g.person_id = $2 AND g.revoked_at IS NULL AND g.expires_at > $3 \
         ORDER BY g.expires_at DESC, g.id DESC LIMIT 1"
    )))
    .bind(account_id)
    .bind(person_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(r.as_ref().map(row))
}

/// A record shared with an account, as the account's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SharedRow {
    pub grant_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub unit_name: String,
    pub purpose: String,
    pub legal_ref: String,
    pub clearance: String,
    pub expires_at: i64,
}

/// The records `account_id` may read through live grants at `now`, by name.
pub async fn live_of_account(
    conn: &mut AnyConnection,
    account_id: i64,
    now: i64,
) -> StoreResult<Vec<SharedRow>> {
    let rows = sqlx::query(
        "SELECT g.id, g.person_id, p.full_name, u.name AS unit_name, g.purpose, g.legal_ref, g.clearance, g.expires_at \
         FROM record_access_grants g JOIN persons p ON p.id = g.person_id JOIN org_units u ON u.id = p.unit_id \
         WHERE g.account_id = $1 AND g.revoked_at IS NULL AND g.expires_at > $2 ORDER BY p.sort_key, g.id",
    )
    .bind(account_id)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| SharedRow {
            grant_id: r.get("id"),
            person_id: r.get("person_id"),
            full_name: r.get("full_name"),
            unit_name: r.get("unit_name"),
            purpose: r.get("purpose"),
            legal_ref: r.get("legal_ref"),
            clearance: r.get("clearance"),
            expires_at: r.get("expires_at"),
        })
        .collect())
}

/// Revokes a live grant; false when it was already revoked.
pub async fn revoke(
    conn: &mut AnyConnection,
    id: i64,
    revoked_by: i64,
    revoke_ref: &str,
    at: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE record_access_grants SET revoked_at = $1, revoked_by = $2, revoke_ref = $3 \
         WHERE id = $4 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(revoked_by)
    .bind(revoke_ref)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
