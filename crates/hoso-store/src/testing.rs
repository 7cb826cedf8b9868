//! Fresh databases for tests: SQLite always, PostgreSQL too when `HOSO_TEST_POSTGRES_URL` is
//! set (each test gets a schema of its own, so tests run in parallel without seeing each
//! other). Used by the test suites of every crate.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::Store;

pub struct TestDb {
    pub label: &'static str,
    pub url: String,
    /// Holds the SQLite file (and anything else a test wants to keep beside the database).
    pub dir: tempfile::TempDir,
}

static SCHEMA_COUNTER: AtomicU32 = AtomicU32::new(0);

/// Removes the schemas of earlier test processes that have exited, once per process, so that
/// test runs do not pile up in the shared database. A schema is named `t_<pid>_…`; a live
/// process's schemas are left alone (two test runs may share the server). Dropping at the end of
/// each test instead would wait on connections the test's pool still holds.
async fn drop_stale_schemas(base: &str) {
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, Ordering::SeqCst) {
        return;
    }
    let Ok(store) = Store::connect(base).await else {
        return;
    };
    let Ok(mut conn) = store.reader().await else {
        return;
    };
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT CAST(nspname AS TEXT) FROM pg_namespace WHERE nspname LIKE 't\\_%'")
            .fetch_all(&mut *conn)
            .await
            .unwrap_or_default();
    drop(conn);
    for (name,) in names {
        let pid = name.split('_').nth(1).and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
        if pid.is_some() && !alive {
            let _ = store
                .execute_raw(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                .await;
        }
    }
    store.close().await;
}

/// The day tests run on when they do not set one: `HOSO_TEST_TODAY` (YYYY-MM-DD) if set, else a
/// fixed ordinary working day. Never the wall clock, so that the suite gives the same answer on
/// every day of the year; run it with `HOSO_TEST_TODAY` set to show that (a day in an approval
/// window, 31/12, a Tết holiday, 29/02/2028). A test whose behaviour depends on the date sets
/// the dates that exercise it itself.
pub fn today() -> time::Date {
    const DEFAULT: time::Date = time::macros::date!(2026 - 10 - 14);
    match std::env::var("HOSO_TEST_TODAY") {
        Err(_) => DEFAULT,
        Ok(v) => time::Date::parse(
            v.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .unwrap_or_else(|_| panic!("HOSO_TEST_TODAY must be YYYY-MM-DD, not {v:?}")),
    }
}

/// One fresh, empty database per available backend.
pub async fn databases() -> Vec<TestDb> {
    let mut out = Vec::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/hoso.db", dir.path().display());
    out.push(TestDb {
        label: "sqlite",
        url,
        dir,
    });
    if let Ok(base) = std::env::var("HOSO_TEST_POSTGRES_URL") {
        let schema = format!(
            "t_{}_{}_{}",
            std::process::id(),
            SCHEMA_COUNTER.fetch_add(1, Ordering::SeqCst),
            crate::now_ms() % 1_000_000
        );
        drop_stale_schemas(&base).await;
        let admin = Store::connect(&base)
            .await
            .expect("PostgreSQL reachable at HOSO_TEST_POSTGRES_URL");
        admin
            .execute_raw(&format!("CREATE SCHEMA {schema}"))
            .await
            .expect("create test schema");
        admin.close().await;
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        out.push(TestDb {
            label: "postgres",
            url,
            dir: tempfile::tempdir().expect("temp dir"),
        });
    }
    out
}
