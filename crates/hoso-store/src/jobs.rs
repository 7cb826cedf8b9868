//! The background job queue (`job_runs`, migration 11): enqueue, claim, report progress, finish.
//!
//! A job is claimed by one node (`owner`) for a lease. On PostgreSQL the claim picks its row with
//! `FOR UPDATE SKIP LOCKED`, so concurrent claimers take different rows and never wait on each
//! other; on SQLite every write goes through the store's single writer connection, which makes
//! the same UPDATE atomic without the clause (SQLite has none). A job whose lease ran out (its
//! node died) is claimed again like a queued one.
//!
//! Instants (`now`, leases, `run_after`) are real-clock milliseconds ([`crate::now_ms`]): they
//! are security instants compared across nodes, never the application's day.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::{Backend, StoreError, StoreResult};

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for `run_after`, then for a node to claim it.
    Queued,
    /// Claimed by `locked_by` until `locked_until`.
    Running,
    Succeeded,
    /// Out of attempts; an administrator may queue it again.
    Failed,
    /// Withdrawn by an administrator before it ran.
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Succeeded,
        JobStatus::Failed,
        JobStatus::Cancelled,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<JobStatus> {
        JobStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A job to add to the queue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    /// At most one run per key, however many times and on however many nodes it is enqueued.
    pub dedup_key: Option<&'a str>,
    /// JSON text.
    pub params: &'a str,
    pub max_attempts: i64,
    /// Not claimed before this instant (ms).
    pub run_after: i64,
    /// The account that asked for it (`None`: the system).
    pub created_by: Option<i64>,
}

/// One run, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub dedup_key: Option<String>,
    pub params: String,
    pub status: JobStatus,
    pub progress_done: i64,
    pub progress_total: Option<i64>,
    pub progress_note: Option<String>,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_after: i64,
    pub locked_by: Option<String>,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub result: Option<String>,
    pub error: Option<String>,
    pub created_by: Option<i64>,
}

const COLUMNS: &str = "id, kind, dedup_key, params, status, progress_done, progress_total, \
    progress_note, attempts, max_attempts, run_after, locked_by, locked_until, created_at, \
    started_at, finished_at, result, error, created_by";

fn from_row(r: &AnyRow) -> StoreResult<JobRow> {
    let status: String = r.try_get("status")?;
    Ok(JobRow {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        dedup_key: r.try_get("dedup_key")?,
        params: r.try_get("params")?,
        status: JobStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("job status '{status}'")))?,
        progress_done: r.try_get("progress_done")?,
        progress_total: r.try_get("progress_total")?,
        progress_note: r.try_get("progress_note")?,
        attempts: r.try_get("attempts")?,
        max_attempts: r.try_get("max_attempts")?,
        run_after: r.try_get("run_after")?,
        locked_by: r.try_get("locked_by")?,
        locked_until: r.try_get("locked_until")?,
        created_at: r.try_get("created_at")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
        result: r.try_get("result")?,
        error: r.try_get("error")?,
        created_by: r.try_get("created_by")?,
    })
}

/// How long a failed attempt waits before the next: 30 s after the first, doubling, at most an
/// hour. `attempts` is the number of attempts made so far (at least 1).
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = (attempts - 1).clamp(0, 20);
    (30_000i64 << doublings).min(3_600_000)
}

/// The error stored on a job whose node stopped answering (lease ran out) on its last attempt.
pub const LEASE_LOST_ERROR: &str =
    "Máy chủ chạy việc này đã ngừng giữa chừng (hết thời hạn giữ việc) ở lần thử cuối cùng.";

/// Adds a job, unless one with the same `dedup_key` exists. Returns its id and whether this
/// call created it. Safe to call from every node at once: the unique key decides.
pub async fn enqueue(
    conn: &mut AnyConnection,
    job: &NewJob<'_>,
    now: i64,
) -> StoreResult<(i64, bool)> {
    let inserted = sqlx::query(
        "INSERT INTO job_runs (kind, dedup_key, params, status, progress_done, attempts, \
         max_attempts, run_after, created_at, created_by) \
         VALUES ($1, $2, $3, 'queued', 0, 0, $4, $5, $6, $7) \
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(job.kind)
    .bind(job.dedup_key)
    .bind(job.params)
    .bind(job.max_attempts.max(1))
    .bind(job.run_after)
    .bind(now)
    .bind(job.created_by)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = inserted {
        return Ok((row.try_get("id")?, true));
    }
    // Only a keyed insert can conflict.
    let existing = sqlx::query("SELECT id FROM job_runs WHERE dedup_key = $1")
        .bind(job.dedup_key)
        .fetch_one(&mut *conn)
        .await?;
    Ok((existing.try_get("id")?, false))
}

/// Claims the next job of one of `kinds` for `owner` until `now + lease_ms`: the earliest due
/// queued one, or a running one whose lease has run out. Counts an attempt. Jobs whose lease
/// ran out on their last attempt are marked failed first instead of being run again.
pub async fn claim_next(
    conn: &mut AnyConnection,
    backend: Backend,
    owner: &str,
    kinds: &[&str],
    now: i64,
    lease_ms: i64,
) -> StoreResult<Option<JobRow>> {
    if kinds.is_empty() {
        return Ok(None);
    }
    sqlx::query(
        "UPDATE job_runs SET status = 'failed', locked_by = NULL, locked_until = NULL, \
         finished_at = $1, error = $2 \
         WHERE status = 'running' AND locked_until < $1 AND attempts >= max_attempts",
    )
    .bind(now)
    .bind(LEASE_LOST_ERROR)
    .execute(&mut *conn)
    .await?;
    let placeholders: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 4)).collect();
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        // The store's single writer connection serialises this statement with every other write.
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE job_runs SET status = 'running', locked_by = $1, locked_until = $2, \
         attempts = attempts + 1, started_at = $3, finished_at = NULL, \
         progress_done = 0, progress_total = NULL, progress_note = NULL \
         WHERE id = (SELECT id FROM job_runs \
           WHERE ((status = 'queued' AND run_after <= $3) OR (status = 'running' AND locked_until < $3)) \
           AND kind IN ({}) ORDER BY run_after, id LIMIT 1{lock}) \
         RETURNING {COLUMNS}",
        placeholders.join(", ")
    );
    let mut q = sqlx::query(AssertSqlSafe(sql))
        .bind(owner)
        .bind(now + lease_ms)
        .bind(now);
    for kind in kinds {
        q = q.bind(*kind);
    }
    q.fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Records progress of a job `owner` holds and extends its lease to `now + lease_ms`. False
/// when the job is no longer `owner`'s (its lease ran out and another node took it over).
#[allow(clippy::too_many_arguments)]
pub async fn set_progress(
    conn: &mut AnyConnection,
    id: i64,
    owner: &str,
    done: i64,
    total: Option<i64>,
    note: Option<&str>,
    now: i64,
    lease_ms: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE job_runs SET progress_done = $1, progress_total = $2, progress_note = $3, \
         locked_until = $4 WHERE id = $5 AND locked_by = $6 AND status = 'running'",
    )
    .bind(done)
    .bind(total)
    .bind(note)
    .bind(now + lease_ms)
    .bind(id)
    .bind(owner)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a job `owner` holds as succeeded with `result`. False when it is no longer `owner`'s.
pub async fn succeed(
    conn: &mut AnyConnection,
    id: i64,
    owner: &str,
    result: &str,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE job_runs SET status = 'succeeded', locked_by = NULL, locked_until = NULL, \
         finished_at = $1, result = $2, error = NULL \
         WHERE id = $3 AND locked_by = $4 AND status = 'running'",
    )
    .bind(now)
    .bind(result)
    .bind(id)
    .bind(owner)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed attempt of a job `owner` holds: queued again after [`backoff_ms`] while
/// attempts remain, failed otherwise. Returns the new status, `None` when the job is no longer
/// `owner`'s. `error` must not carry personal data.
pub async fn fail(
    conn: &mut AnyConnection,
    id: i64,
    owner: &str,
    error: &str,
    now: i64,
) -> StoreResult<Option<JobStatus>> {
    let Some(row) = sqlx::query(
        "SELECT attempts, max_attempts FROM job_runs \
         WHERE id = $1 AND locked_by = $2 AND status = 'running'",
    )
    .bind(id)
    .bind(owner)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let attempts: i64 = row.try_get("attempts")?;
    let max_attempts: i64 = row.try_get("max_attempts")?;
    let (status, run_after) = if attempts < max_attempts {
        (JobStatus::Queued, now + backoff_ms(attempts))
    } else {
        (JobStatus::Failed, now)
    };
    let done = sqlx::query(
        "UPDATE job_runs SET status = $1, run_after = $2, locked_by = NULL, locked_until = NULL, \
         finished_at = $3, error = $4 WHERE id = $5 AND locked_by = $6 AND status = 'running'",
    )
    .bind(status.as_str())
    .bind(run_after)
    .bind(now)
    .bind(error)
    .bind(id)
    .bind(owner)
    .execute(&mut *conn)
    .await?;
    Ok((done.rows_affected() == 1).then_some(status))
}

/// Gives back every job `owner` holds (it is shutting down): queued again, due at once, and the
/// interrupted attempt not counted. Returns how many.
pub async fn release(conn: &mut AnyConnection, owner: &str, now: i64) -> StoreResult<u64> {
    Ok(sqlx::query(
        "UPDATE job_runs SET status = 'queued', locked_by = NULL, locked_until = NULL, \
         run_after = $1, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END \
         WHERE locked_by = $2 AND status = 'running'",
    )
    .bind(now)
    .bind(owner)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Withdraws a queued job. False when it is not queued (any more).
pub async fn cancel(conn: &mut AnyConnection, id: i64, now: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE job_runs SET status = 'cancelled', finished_at = $1 \
         WHERE id = $2 AND status = 'queued'",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stops a job that is queued or running: a running one notices at its next progress report
/// (which no longer finds it running) and stops there. False when it had already ended.
pub async fn cancel_running(conn: &mut AnyConnection, id: i64, now: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE job_runs SET status = 'cancelled', finished_at = $1, locked_by = NULL, \
         locked_until = NULL WHERE id = $2 AND status IN ('queued', 'running')",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Queues a failed job again, due at once, with a fresh set of attempts (its last error kept
/// until it succeeds). False when it has not failed.
pub async fn retry(conn: &mut AnyConnection, id: i64, now: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE job_runs SET status = 'queued', attempts = 0, run_after = $1, finished_at = NULL \
         WHERE id = $2 AND status = 'failed'",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<JobRow>> {
    sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM job_runs WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// The run of a deduplicated job, if it was ever enqueued.
pub async fn by_dedup_key(conn: &mut AnyConnection, key: &str) -> StoreResult<Option<JobRow>> {
    sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM job_runs WHERE dedup_key = $1"
    )))
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub status: Option<JobStatus>,
    pub kind: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// Runs matching `f`, newest first, and how many match in all.
pub async fn list(conn: &mut AnyConnection, f: &JobFilter) -> StoreResult<(Vec<JobRow>, i64)> {
    let mut conds = Vec::new();
    let mut args: Vec<String> = Vec::new();
    if let Some(status) = f.status {
        args.push(status.as_str().to_string());
        conds.push(format!("status = ${}", args.len()));
    }
    if let Some(kind) = &f.kind {
        args.push(kind.clone());
        conds.push(format!("kind = ${}", args.len()));
    }
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM job_runs{filter} ORDER BY id DESC LIMIT {} OFFSET {}",
        f.limit.clamp(0, 10_000),
        f.offset.max(0)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for a in &args {
        q = q.bind(a.as_str());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let mut count = sqlx::query(AssertSqlSafe(format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM job_runs{filter}"
    )));
    for a in &args {
        count = count.bind(a.as_str());
    }
    let total: i64 = count.fetch_one(&mut *conn).await?.try_get("n")?;
    let items = rows.iter().map(from_row).collect::<StoreResult<_>>()?;
    Ok((items, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(3), 120_000);
        assert_eq!(backoff_ms(8), 3_600_000);
        assert_eq!(backoff_ms(1_000), 3_600_000);
        assert_eq!(backoff_ms(0), 30_000);
    }

    #[test]
    fn statuses_round_trip() {
        for s in JobStatus::ALL {
            assert_eq!(JobStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(JobStatus::parse("done"), None);
    }
}
