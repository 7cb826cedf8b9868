//! Column mappings saved for imports, by name.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportMappingRow {
    pub id: i64,
    pub name: String,
    /// JSON, as the application wrote it.
    pub columns: String,
    pub saved_by: i64,
    pub saved_at: i64,
}

macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT id, name, columns, saved_by, saved_at FROM import_mappings ",
            $rest
        )
    };
}

fn read(r: &AnyRow) -> StoreResult<ImportMappingRow> {
    Ok(ImportMappingRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        columns: r.try_get("columns")?,
        saved_by: r.try_get("saved_by")?,
        saved_at: r.try_get("saved_at")?,
    })
}

/// Every saved mapping, by name.
pub async fn list(conn: &mut AnyConnection) -> StoreResult<Vec<ImportMappingRow>> {
    let rows = sqlx::query(select!("ORDER BY name, id"))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(read).collect()
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<ImportMappingRow>> {
    let row = sqlx::query(select!("WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(read).transpose()
}

pub async fn by_name(
    conn: &mut AnyConnection,
    name: &str,
) -> StoreResult<Option<ImportMappingRow>> {
    let row = sqlx::query(select!("WHERE name = $1"))
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(read).transpose()
}

/// Saves the mapping under `name`, replacing one of that name. Its id.
pub async fn save(
    conn: &mut AnyConnection,
    name: &str,
    columns: &str,
    saved_by: i64,
    saved_at: i64,
) -> StoreResult<i64> {
    if let Some(existing) = by_name(conn, name).await? {
        sqlx::query(
            "UPDATE import_mappings SET columns = $1, saved_by = $2, saved_at = $3 WHERE id = $4",
        )
        .bind(columns)
        .bind(saved_by)
        .bind(saved_at)
        .bind(existing.id)
        .execute(&mut *conn)
        .await?;
        return Ok(existing.id);
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO import_mappings (name, columns, saved_by, saved_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(columns)
    .bind(saved_by)
    .bind(saved_at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// `false` when there was no such mapping.
pub async fn delete(conn: &mut AnyConnection, id: i64) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM import_mappings WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
