//! The province's own templates of printed decisions and sheets: which file (by SHA-256 in the
//! attachment store) replaces the built-in template of a kind.

use sqlx::{AnyConnection, Row};

use crate::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRow {
    pub kind: String,
    pub sha256: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub uploaded_by: i64,
    pub uploaded_at: i64,
}

const COLUMNS: &str = "kind, sha256, file_name, size_bytes, uploaded_by, uploaded_at";

fn row(r: &sqlx::any::AnyRow) -> TemplateRow {
    TemplateRow {
        kind: r.get("kind"),
        sha256: r.get("sha256"),
        file_name: r.get("file_name"),
        size_bytes: r.get("size_bytes"),
        uploaded_by: r.get("uploaded_by"),
        uploaded_at: r.get("uploaded_at"),
    }
}

/// Every stored template, by kind.
pub async fn all(conn: &mut AnyConnection) -> StoreResult<Vec<TemplateRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM document_templates ORDER BY kind"
    )))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(row).collect())
}

pub async fn get(conn: &mut AnyConnection, kind: &str) -> StoreResult<Option<TemplateRow>> {
    let found = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM document_templates WHERE kind = $1"
    )))
    .bind(kind)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.as_ref().map(row))
}

/// Stores the template of `t.kind`, replacing the one before.
pub async fn put(conn: &mut AnyConnection, t: &TemplateRow) -> StoreResult<()> {
    sqlx::query("DELETE FROM document_templates WHERE kind = $1")
        .bind(&t.kind)
        .execute(&mut *conn)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO document_templates ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
    )))
    .bind(&t.kind)
    .bind(&t.sha256)
    .bind(&t.file_name)
    .bind(t.size_bytes)
    .bind(t.uploaded_by)
    .bind(t.uploaded_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Back to the built-in template; whether there was one to remove.
pub async fn remove(conn: &mut AnyConnection, kind: &str) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM document_templates WHERE kind = $1")
        .bind(kind)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
