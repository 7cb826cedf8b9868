//! Encrypted sensitive fields of record versions (see `hoso_app::crypto`).

use sqlx::{AnyConnection, Row};

use crate::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRow {
    pub person_id: i64,
    pub version: i64,
    pub key_id: String,
    /// Hex of nonce ‖ ciphertext ‖ tag.
    pub sealed: String,
}

pub async fn insert(conn: &mut AnyConnection, row: &SecretRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO record_secrets (person_id, version, key_id, sealed) VALUES ($1, $2, $3, $4)",
    )
    .bind(row.person_id)
    .bind(row.version)
    .bind(&row.key_id)
    .bind(&row.sealed)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get(
    conn: &mut AnyConnection,
    person_id: i64,
    version: i64,
) -> StoreResult<Option<SecretRow>> {
    let row = sqlx::query(
        "SELECT key_id, sealed FROM record_secrets WHERE person_id = $1 AND version = $2",
    )
    .bind(person_id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| SecretRow {
        person_id,
        version,
        key_id: r.get("key_id"),
        sealed: r.get("sealed"),
    }))
}

/// Rows after the given key, in key order, for batch re-encryption.
pub async fn page_after(
    conn: &mut AnyConnection,
    after: (i64, i64),
    limit: i64,
) -> StoreResult<Vec<SecretRow>> {
    let rows = sqlx::query(
        "SELECT person_id, version, key_id, sealed FROM record_secrets \
         WHERE person_id > $1 OR (person_id = $1 AND version > $2) ORDER BY person_id, version LIMIT $3",
    )
    .bind(after.0)
    .bind(after.1)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| SecretRow {
            person_id: r.get("person_id"),
            version: r.get("version"),
            key_id: r.get("key_id"),
            sealed: r.get("sealed"),
        })
        .collect())
}

pub async fn reseal(conn: &mut AnyConnection, row: &SecretRow) -> StoreResult<()> {
    sqlx::query(
        "UPDATE record_secrets SET key_id = $1, sealed = $2 WHERE person_id = $3 AND version = $4",
    )
    .bind(&row.key_id)
    .bind(&row.sealed)
    .bind(row.person_id)
    .bind(row.version)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn count_by_key(conn: &mut AnyConnection) -> StoreResult<Vec<(String, i64)>> {
    let rows = sqlx::query("SELECT key_id, CAST(COUNT(*) AS BIGINT) AS n FROM record_secrets GROUP BY key_id ORDER BY key_id")
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(|r| (r.get("key_id"), r.get("n"))).collect())
}

/// Every key id that sealed rows name: record secrets, change requests and TOTP secrets.
pub async fn key_ids_in_use(conn: &mut AnyConnection) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(
        "SELECT DISTINCT key_id FROM record_secrets \
         UNION SELECT DISTINCT key_id FROM change_requests \
         UNION SELECT DISTINCT totp_key_id FROM accounts WHERE totp_key_id IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut ids: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
    ids.sort();
    Ok(ids)
}
