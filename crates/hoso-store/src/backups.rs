//! The list of backups taken (migration 0023): one row per run of `hoso backup` or of the
//! daily backup job.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupRow {
    pub id: i64,
    pub file_name: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// running, succeeded, failed, pruned.
    pub status: String,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    pub people: Option<i64>,
    pub versions: Option<i64>,
    pub audit_entries: Option<i64>,
    pub attachments: Option<i64>,
    pub error: Option<String>,
    pub verified_at: Option<i64>,
    /// passed, failed.
    pub verify_status: Option<String>,
    pub verify_note: Option<String>,
    pub created_by: Option<i64>,
}

const COLUMNS: &str = "id, file_name, started_at, finished_at, status, size_bytes, sha256, people, \
    versions, audit_entries, attachments, error, verified_at, verify_status, verify_note, created_by";

fn read(r: &AnyRow) -> BackupRow {
    BackupRow {
        id: r.get("id"),
        file_name: r.get("file_name"),
        started_at: r.get("started_at"),
        finished_at: r.get("finished_at"),
        status: r.get("status"),
        size_bytes: r.get("size_bytes"),
        sha256: r.get("sha256"),
        people: r.get("people"),
        versions: r.get("versions"),
        audit_entries: r.get("audit_entries"),
        attachments: r.get("attachments"),
        error: r.get("error"),
        verified_at: r.get("verified_at"),
        verify_status: r.get("verify_status"),
        verify_note: r.get("verify_note"),
        created_by: r.get("created_by"),
    }
}

/// Records a backup that starts now; returns its id.
pub async fn start(
    conn: &mut AnyConnection,
    file_name: &str,
    at: i64,
    created_by: Option<i64>,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO backups (file_name, started_at, status, created_by) VALUES ($1, $2, 'running', $3) RETURNING id",
    )
    .bind(file_name)
    .bind(at)
    .bind(created_by)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// What a finished archive holds.
#[derive(Debug, Clone, Default)]
pub struct Finished {
    pub size_bytes: i64,
    pub sha256: String,
    pub people: i64,
    pub versions: i64,
    pub audit_entries: i64,
    pub attachments: i64,
}

pub async fn succeed(conn: &mut AnyConnection, id: i64, at: i64, f: &Finished) -> StoreResult<()> {
    sqlx::query(
        "UPDATE backups SET status = 'succeeded', finished_at = $1, size_bytes = $2, sha256 = $3, \
         people = $4, versions = $5, audit_entries = $6, attachments = $7 WHERE id = $8",
    )
    .bind(at)
    .bind(f.size_bytes)
    .bind(&f.sha256)
    .bind(f.people)
    .bind(f.versions)
    .bind(f.audit_entries)
    .bind(f.attachments)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn fail(conn: &mut AnyConnection, id: i64, at: i64, error: &str) -> StoreResult<()> {
    sqlx::query("UPDATE backups SET status = 'failed', finished_at = $1, error = $2 WHERE id = $3")
        .bind(at)
        .bind(error)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_verified(
    conn: &mut AnyConnection,
    id: i64,
    at: i64,
    passed: bool,
    note: &str,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE backups SET verified_at = $1, verify_status = $2, verify_note = $3 WHERE id = $4",
    )
    .bind(at)
    .bind(if passed { "passed" } else { "failed" })
    .bind(note)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn mark_pruned(conn: &mut AnyConnection, id: i64, at: i64) -> StoreResult<()> {
    sqlx::query("UPDATE backups SET status = 'pruned', finished_at = COALESCE(finished_at, $1) WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The newest runs first.
pub async fn list(conn: &mut AnyConnection, limit: i64) -> StoreResult<Vec<BackupRow>> {
    let sql = format!("SELECT {COLUMNS} FROM backups ORDER BY started_at DESC, id DESC LIMIT $1");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(read).collect())
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<BackupRow>> {
    let sql = format!("SELECT {COLUMNS} FROM backups WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.as_ref().map(read))
}

/// When the newest good backup finished.
pub async fn last_good_at(conn: &mut AnyConnection) -> StoreResult<Option<i64>> {
    let (at,): (Option<i64>,) = sqlx::query_as(
        "SELECT CAST(MAX(finished_at) AS BIGINT) FROM backups WHERE status = 'succeeded'",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(at)
}

/// The backups whose files are still kept (succeeded, not pruned), newest first.
pub async fn kept(conn: &mut AnyConnection) -> StoreResult<Vec<BackupRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM backups WHERE status = 'succeeded' ORDER BY started_at DESC, id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(read).collect())
}

/// Runs still marked running that started before `at`.
pub async fn running_before(conn: &mut AnyConnection, at: i64) -> StoreResult<Vec<BackupRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM backups WHERE status = 'running' AND started_at < $1 ORDER BY id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(at)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(read).collect())
}
