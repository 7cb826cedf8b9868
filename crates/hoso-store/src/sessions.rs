//! Login sessions. Only a hash of each token is stored, so a leaked database holds no usable
//! session.

use sqlx::{AnyConnection, Row};

use crate::StoreResult;

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub account_id: i64,
    pub expires_at: i64,
    pub client_addr: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub async fn insert(conn: &mut AnyConnection, s: NewSession<'_>) -> StoreResult<()> {
    let now = crate::now_ms();
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, last_seen_at, client_addr, user_agent) \
         VALUES ($1,$2,$3,$4,$3,$5,$6)",
    )
    .bind(s.token_hash)
    .bind(s.account_id)
    .bind(now)
    .bind(s.expires_at)
    .bind(s.client_addr)
    .bind(s.user_agent)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The account of a live session (not revoked, not expired at `now`).
pub async fn live_account(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> StoreResult<Option<i64>> {
    let row = sqlx::query(
        "SELECT s.account_id FROM sessions s JOIN accounts a ON a.id = s.account_id \
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND a.active = 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.get(0)))
}

pub async fn revoke(conn: &mut AnyConnection, token_hash: &str) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
        .bind(crate::now_ms())
        .bind(token_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn revoke_all_of(conn: &mut AnyConnection, account_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL")
        .bind(crate::now_ms())
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
