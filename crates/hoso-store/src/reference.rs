//! Version counters of the reference data every node caches (catalogs, the holiday calendar):
//! bumped in the same transaction as an edit, polled by every node.

use sqlx::{AnyConnection, Row};

use crate::StoreResult;

pub const CATALOGS: &str = "catalogs";
pub const HOLIDAYS: &str = "holidays";

/// Marks `name` as changed; call inside the transaction of the edit. Returns the new version.
pub async fn bump(conn: &mut AnyConnection, name: &str) -> StoreResult<i64> {
    sqlx::query("UPDATE reference_versions SET version = version + 1 WHERE name = $1")
        .bind(name)
        .execute(&mut *conn)
        .await?;
    let (version,): (i64,) =
        sqlx::query_as("SELECT version FROM reference_versions WHERE name = $1")
            .bind(name)
            .fetch_one(&mut *conn)
            .await?;
    Ok(version)
}

/// Every counter, by name.
pub async fn versions(conn: &mut AnyConnection) -> StoreResult<Vec<(String, i64)>> {
    let rows = sqlx::query("SELECT name, version FROM reference_versions ORDER BY name")
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get("name"), r.get("version")))
        .collect())
}
