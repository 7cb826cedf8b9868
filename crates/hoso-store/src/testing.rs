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
    /// On PostgreSQL: the server URL and the test's schema, dropped with the `TestDb`.
    postgres_schema: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((base, schema)) = self.postgres_schema.take() else {
            return;
        };
        // Drop runs outside any async context we could borrow: a thread of its own with a small
        // runtime removes the schema, so that test runs do not pile up in the shared database.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(store) = Store::connect(&base).await {
                    let _ = store
                        .execute_raw(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                        .await;
                    store.close().await;
                }
            });
        })
        .join();
    }
}

static SCHEMA_COUNTER: AtomicU32 = AtomicU32::new(0);

/// One fresh, empty database per available backend.
pub async fn databases() -> Vec<TestDb> {
    let mut out = Vec::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/hoso.db", dir.path().display());
    out.push(TestDb {
        label: "sqlite",
        url,
        dir,
        postgres_schema: None,
    });
    if let Ok(base) = std::env::var("HOSO_TEST_POSTGRES_URL") {
        let schema = format!(
            "t_{}_{}_{}",
            std::process::id(),
            SCHEMA_COUNTER.fetch_add(1, Ordering::SeqCst),
            crate::now_ms() % 1_000_000
        );
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
            postgres_schema: Some((base, schema)),
        });
    }
    out
}
