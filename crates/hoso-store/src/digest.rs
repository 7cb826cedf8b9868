//! E-mail addresses of accounts, for the daily digest of alerts.

use sqlx::{AnyConnection, Row};

use crate::StoreResult;

/// Sets (or clears) the e-mail address of an account. Returns whether the account exists.
pub async fn set_email(
    conn: &mut AnyConnection,
    account_id: i64,
    email: Option<&str>,
) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE accounts SET email = $1 WHERE id = $2")
        .bind(email)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn email_of(conn: &mut AnyConnection, account_id: i64) -> StoreResult<Option<String>> {
    let row = sqlx::query("SELECT email FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.and_then(|r| r.get::<Option<String>, _>("email")))
}

/// Active accounts with an e-mail address: (account id, address), by id.
pub async fn recipients(conn: &mut AnyConnection) -> StoreResult<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT id, email FROM accounts WHERE active = 1 AND email IS NOT NULL AND email <> '' ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(|r| (r.get("id"), r.get("email"))).collect())
}
