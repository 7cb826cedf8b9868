//! Login sessions. Only a hash of each token is stored, so a leaked database holds no usable
//! session. Each session also has a random public id, which is what its owner sees and revokes.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreResult;

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    /// Random, public: shown to the owner in the list of sessions.
    pub public_id: &'a str,
    pub account_id: i64,
    pub expires_at: i64,
    pub client_addr: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub async fn insert(conn: &mut AnyConnection, s: NewSession<'_>) -> StoreResult<()> {
    let now = crate::now_ms();
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, last_seen_at, client_addr, user_agent, public_id) \
         VALUES ($1,$2,$3,$4,$3,$5,$6,$7)",
    )
    .bind(s.token_hash)
    .bind(s.account_id)
    .bind(now)
    .bind(s.expires_at)
    .bind(s.client_addr)
    .bind(s.user_agent)
    .bind(s.public_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A live session found by its token hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub account_id: i64,
    pub public_id: Option<String>,
    pub last_seen_at: i64,
}

/// The live session (not revoked, not expired at `now`, account active) of a token hash.
pub async fn live(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> StoreResult<Option<LiveSession>> {
    let row = sqlx::query(
        "SELECT s.account_id, s.public_id, s.last_seen_at FROM sessions s JOIN accounts a ON a.id = s.account_id \
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND a.active = 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| LiveSession {
        account_id: r.get("account_id"),
        public_id: r.get("public_id"),
        last_seen_at: r.get("last_seen_at"),
    }))
}

/// The account of a live session (not revoked, not expired at `now`).
pub async fn live_account(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> StoreResult<Option<i64>> {
    Ok(live(conn, token_hash, now).await?.map(|s| s.account_id))
}

/// Records activity on a session.
pub async fn touch(conn: &mut AnyConnection, token_hash: &str, now: i64) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub public_id: String,
    pub token_hash: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
}

fn session_row(r: &AnyRow) -> SessionRow {
    SessionRow {
        public_id: r.get("public_id"),
        token_hash: r.get("token_hash"),
        created_at: r.get("created_at"),
        last_seen_at: r.get("last_seen_at"),
        expires_at: r.get("expires_at"),
        client_addr: r.get("client_addr"),
        user_agent: r.get("user_agent"),
    }
}

/// The live sessions of an account, most recently used first.
pub async fn live_of(
    conn: &mut AnyConnection,
    account_id: i64,
    now: i64,
) -> StoreResult<Vec<SessionRow>> {
    let rows = sqlx::query(
        "SELECT public_id, token_hash, created_at, last_seen_at, expires_at, client_addr, user_agent FROM sessions \
         WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND public_id IS NOT NULL \
         ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(account_id)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(session_row).collect())
}

/// Ends one live session of an account by its public id; false when there is none.
pub async fn revoke_public(
    conn: &mut AnyConnection,
    account_id: i64,
    public_id: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE account_id = $2 AND public_id = $3 AND revoked_at IS NULL",
    )
    .bind(crate::now_ms())
    .bind(account_id)
    .bind(public_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn revoke(conn: &mut AnyConnection, token_hash: &str) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
        .bind(crate::now_ms())
        .bind(token_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends every live session of the account except the one whose token hashes to `keep`.
pub async fn revoke_others_of(
    conn: &mut AnyConnection,
    account_id: i64,
    keep: &str,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL AND token_hash <> $3",
    )
    .bind(crate::now_ms())
    .bind(account_id)
    .bind(keep)
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
