//! Counts for the operator's metrics (`/metrics`): no personal data, only how many.

use sqlx::{AnyConnection, Row};

use crate::StoreResult;

/// What the metrics scrape reads from the database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub people: i64,
    pub alerts: i64,
    /// (kind, status, how many) of the background jobs.
    pub jobs: Vec<(String, String, i64)>,
    /// When the newest good backup finished (Unix milliseconds).
    pub last_backup_at: Option<i64>,
}

pub async fn read(conn: &mut AnyConnection) -> StoreResult<Figures> {
    let people = crate::persons::count(conn).await?;
    let (alerts,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM alerts")
        .fetch_one(&mut *conn)
        .await?;
    let jobs = sqlx::query(
        "SELECT kind, status, CAST(COUNT(*) AS BIGINT) AS n FROM job_runs GROUP BY kind, status ORDER BY kind, status",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| (r.get("kind"), r.get("status"), r.get("n")))
    .collect();
    let last_backup_at = crate::backups::last_good_at(conn).await?;
    Ok(Figures {
        people,
        alerts,
        jobs,
        last_backup_at,
    })
}
