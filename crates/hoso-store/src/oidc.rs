//! Pending sign-ins through the shared account system (OpenID Connect): what the callback needs
//! to finish one, kept between the redirect and the answer, and used once.

use sqlx::{AnyConnection, Row};

use crate::StoreResult;

pub struct PendingLogin {
    pub pkce_verifier: String,
    pub nonce: String,
}

pub async fn insert(
    conn: &mut AnyConnection,
    state_hash: &str,
    pending: &PendingLogin,
    expires_at: i64,
) -> StoreResult<()> {
    // Abandoned sign-ins are swept on the way.
    sqlx::query("DELETE FROM oidc_logins WHERE expires_at <= $1")
        .bind(crate::now_ms())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO oidc_logins (state_hash, pkce_verifier, nonce, expires_at) VALUES ($1,$2,$3,$4)",
    )
    .bind(state_hash)
    .bind(&pending.pkce_verifier)
    .bind(&pending.nonce)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes and returns the pending sign-in of `state_hash`, if it has not expired at `now`.
pub async fn take(
    conn: &mut AnyConnection,
    state_hash: &str,
    now: i64,
) -> StoreResult<Option<PendingLogin>> {
    let row = sqlx::query(
        "SELECT pkce_verifier, nonce, expires_at FROM oidc_logins WHERE state_hash = $1",
    )
    .bind(state_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let done = sqlx::query("DELETE FROM oidc_logins WHERE state_hash = $1")
        .bind(state_hash)
        .execute(&mut *conn)
        .await?;
    // Two callbacks racing for one state: only the one that deleted it goes on.
    if done.rows_affected() == 0 || row.get::<i64, _>("expires_at") <= now {
        return Ok(None);
    }
    Ok(Some(PendingLogin {
        pkce_verifier: row.get("pkce_verifier"),
        nonce: row.get("nonce"),
    }))
}
