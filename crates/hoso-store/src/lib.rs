//! Storage for Hoso: one code path over SQLite (the embedded default) and PostgreSQL
//! (production), chosen at run time from the database URL.
//!
//! Queries are plain SQL written once with `$n` placeholders, which both drivers accept. To
//! keep that possible, the schema uses only types both databases share: dates are ISO-8601
//! `TEXT`, instants are `BIGINT` milliseconds, booleans are `BIGINT` 0/1, documents are JSON
//! `TEXT`. Where the dialects really differ (auto-increment keys, triggers, collation) the
//! migration text has a placeholder or a per-backend file.
//!
//! Repository functions take `&mut AnyConnection`, so a use case can run several of them in
//! one transaction ([`Store::begin`]) or on a pooled read connection ([`Store::reader`]).

pub mod accounts;
pub mod alerts;
pub mod approvals;
pub mod audit;
pub mod backups;
pub mod bulk;
pub mod catalogs;
pub mod data_quality;
pub mod deadline_outcomes;
pub mod digest;
pub mod document_templates;
pub mod dump;
pub mod figures;
pub mod handovers;
pub mod holidays;
pub mod idempotency;
pub mod import_mappings;
pub mod jobs;
pub mod migrate;
pub mod movements;
pub mod oidc;
pub mod org;
pub mod payroll;
pub mod personal_accounts;
pub mod persons;
pub mod projection;
pub mod query;
pub mod record_access;
pub mod reference;
pub mod report;
pub mod report_submissions;
pub mod saved_searches;
pub mod secrets;
pub mod sessions;
pub mod states;
pub mod status_decisions;
pub mod testing;

use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, ConnectOptions, Transaction};

pub use migrate::MIGRATIONS;
pub use sqlx::AnyConnection;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("unsupported database URL (expected sqlite:// or postgres://)")]
    UnsupportedUrl,
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: sqlx::Error,
    },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database does not match what the record schema declares (a projected column
    /// without its migration), or a query the store cannot build.
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    /// True when the error is a violated UNIQUE constraint (on either backend).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A write transaction on either database.
pub type WriteTx = Transaction<'static, Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> StoreResult<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }
}

/// Handle to the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// Pool for reads. On PostgreSQL also for writes.
    read: AnyPool,
    /// Pool for write transactions. On SQLite it holds one connection, which serialises
    /// writers: SQLite allows one writer at a time, and a deferred transaction that upgrades
    /// to a write while another writer commits fails instead of waiting.
    write: AnyPool,
}

impl Store {
    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> StoreResult<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        match backend {
            Backend::Sqlite => {
                let url = sqlite_url_creating_file(url);
                let options: AnyConnectOptions = url.parse()?;
                let options = options.disable_statement_logging();
                let read = sqlite_pool(8, READER_CACHE_KIB)
                    .connect_with(options.clone())
                    .await?;
                let write = sqlite_pool(1, WRITER_CACHE_KIB)
                    .connect_with(options)
                    .await?;
                Ok(Store {
                    backend,
                    read,
                    write,
                })
            }
            Backend::Postgres => {
                let options: AnyConnectOptions = url.parse()?;
                let options = options.disable_statement_logging();
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                Ok(Store {
                    backend,
                    read: pool.clone(),
                    write: pool,
                })
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A pooled connection for reads.
    pub async fn reader(&self) -> StoreResult<PoolConnection<Any>> {
        Ok(self.read.acquire().await?)
    }

    /// A write transaction. Dropped without `commit`, it rolls back: nothing half-written.
    pub async fn begin(&self) -> StoreResult<WriteTx> {
        Ok(self.write.begin().await?)
    }

    /// Connections open in the read pool and how many of them are idle (on PostgreSQL the one
    /// pool; on SQLite the readers, the single writer aside).
    pub fn pool_connections(&self) -> (u32, usize) {
        (self.read.size(), self.read.num_idle())
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    /// Applies pending migrations, each in its own transaction.
    pub async fn migrate(&self) -> StoreResult<Vec<i64>> {
        migrate::run(self).await
    }

    /// Refreshes the planner's statistics (after a bulk load).
    pub async fn analyze(&self) -> StoreResult<()> {
        let sql = match self.backend {
            Backend::Sqlite => "ANALYZE; PRAGMA optimize;",
            Backend::Postgres => "ANALYZE",
        };
        let mut conn = self.write.acquire().await?;
        sqlx::raw_sql(sql).execute(&mut *conn).await?;
        Ok(())
    }

    /// Database size in bytes, for benchmarks and the health page.
    pub async fn size_bytes(&self) -> StoreResult<i64> {
        let mut conn = self.reader().await?;
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT CAST(page_count * page_size AS BIGINT) FROM pragma_page_count(), pragma_page_size()"
            }
            Backend::Postgres => "SELECT CAST(pg_database_size(current_database()) AS BIGINT)",
        };
        let (size,): (i64,) = sqlx::query_as(sql).fetch_one(&mut *conn).await?;
        Ok(size)
    }
}

/// Page cache of each of the eight SQLite readers.
const READER_CACHE_KIB: u32 = 8 * 1024;
/// Page cache of the one SQLite writer: with 8 MiB, a bulk load evicted index pages and read
/// them back from the OS for every batch (a fifth of the writer's time, measured); one
/// connection can afford more.
const WRITER_CACHE_KIB: u32 = 64 * 1024;

fn sqlite_pool(max: u32, cache_kib: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                let pragmas = format!(
                    "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; \
                     PRAGMA synchronous=FULL; PRAGMA cache_size=-{cache_kib};"
                );
                sqlx::raw_sql(sqlx::AssertSqlSafe(pragmas))
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        })
}

/// `sqlite://data/hoso.db` must create the file (and its folder) on first start.
fn sqlite_url_creating_file(url: &str) -> String {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or("");
    if !path.is_empty()
        && path != ":memory:"
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        let _ = private_dir(parent);
    }
    // The database is created readable by the owner only; SQLite gives its -wal and -shm files
    // the same permissions.
    if !path.is_empty() && path != ":memory:" {
        let _ = private_file(std::path::Path::new(path));
    }
    if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Creates a folder (and its parents) readable by the owner only (0700), if missing.
pub fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates an empty file readable by the owner only (0600), if missing.
pub fn private_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Milliseconds since the Unix epoch, on the real clock: for security and coordination
/// instants (sessions, lockouts, password age, job leases). Business rows are stamped with the
/// application's clock, which the store's writers take as an argument.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

pub(crate) fn bool_int(b: bool) -> i64 {
    i64::from(b)
}

impl Store {
    /// Runs administrative SQL text (tests, maintenance). Not for user input.
    pub async fn execute_raw(&self, sql: &str) -> StoreResult<()> {
        let mut conn = self.write.acquire().await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}
