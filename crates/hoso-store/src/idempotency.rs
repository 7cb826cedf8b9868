//! Idempotency keys of create requests, shared by every node (see migration 0010).

use sqlx::{AnyConnection, Row};

use crate::StoreResult;

/// What the database holds for a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// This caller now holds the key and must settle or release it.
    Claimed,
    /// Another request with the key is being processed (its lease has not run out).
    InFlight,
    /// A request with the key created this record; `request_hash` is the one it carried.
    Done {
        person_id: i64,
        request_hash: Option<String>,
    },
}

/// Claims `token` for `account_id` unless a live claim or result holds it. An expired row, or
/// an in-flight claim whose lease ran out (its node died), is taken over.
pub async fn claim(
    conn: &mut AnyConnection,
    token: &str,
    account_id: i64,
    request_hash: Option<&str>,
    now: i64,
    lease_until: i64,
    expires_at: i64,
) -> StoreResult<Slot> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (token, account_id, request_hash, person_id, lease_until, created_at, expires_at) \
         VALUES ($1, $2, $3, NULL, $4, $5, $6) ON CONFLICT (token) DO NOTHING",
    )
    .bind(token)
    .bind(account_id)
    .bind(request_hash)
    .bind(lease_until)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Slot::Claimed);
    }
    let taken = sqlx::query(
        "UPDATE idempotency_keys SET account_id = $1, request_hash = $2, person_id = NULL, \
         lease_until = $3, created_at = $4, expires_at = $5 \
         WHERE token = $6 AND (expires_at < $4 OR (person_id IS NULL AND lease_until < $4))",
    )
    .bind(account_id)
    .bind(request_hash)
    .bind(lease_until)
    .bind(now)
    .bind(expires_at)
    .bind(token)
    .execute(&mut *conn)
    .await?;
    if taken.rows_affected() == 1 {
        return Ok(Slot::Claimed);
    }
    let row = sqlx::query("SELECT person_id, request_hash FROM idempotency_keys WHERE token = $1")
        .bind(token)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(r) => match r.get::<Option<i64>, _>(0) {
            Some(person_id) => Slot::Done {
                person_id,
                request_hash: r.get("request_hash"),
            },
            None => Slot::InFlight,
        },
        // Deleted between the two statements (a failed attempt released it): in flight still.
        None => Slot::InFlight,
    })
}

/// Records what the claimed request created.
pub async fn settle(conn: &mut AnyConnection, token: &str, person_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE idempotency_keys SET person_id = $1 WHERE token = $2")
        .bind(person_id)
        .bind(token)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Gives the key back after a failed attempt (the same request may be corrected and resent).
pub async fn release(conn: &mut AnyConnection, token: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM idempotency_keys WHERE token = $1 AND person_id IS NULL")
        .bind(token)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets keys past their expiry; returns how many.
pub async fn purge_expired(conn: &mut AnyConnection, now: i64) -> StoreResult<u64> {
    Ok(
        sqlx::query("DELETE FROM idempotency_keys WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}
