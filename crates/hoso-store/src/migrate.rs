//! Versioned migrations. Each runs in one transaction with its bookkeeping row, so a failed
//! migration leaves the database exactly as it was (both backends have transactional DDL).

use sqlx::{AssertSqlSafe, Row};

use crate::{Backend, Store, StoreError, StoreResult};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    /// Text for both backends, with `{{ID}}` and `{{C}}` placeholders.
    pub common: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub static MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        common: include_str!("../migrations/0001_initial.sql"),
        sqlite: include_str!("../migrations/0001_initial.sqlite.sql"),
        postgres: include_str!("../migrations/0001_initial.postgres.sql"),
    },
    Migration {
        version: 2,
        name: "account_security",
        common: include_str!("../migrations/0002_account_security.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 3,
        name: "record_secrets",
        common: include_str!("../migrations/0003_record_secrets.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 4,
        name: "search_indexes",
        common: include_str!("../migrations/0004_search_indexes.sql"),
        sqlite: include_str!("../migrations/0004_search_indexes.sqlite.sql"),
        postgres: include_str!("../migrations/0004_search_indexes.postgres.sql"),
    },
    Migration {
        version: 5,
        name: "alerts",
        common: include_str!("../migrations/0005_alerts.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 6,
        name: "approvals",
        common: include_str!("../migrations/0006_approvals.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 7,
        name: "record_access",
        common: include_str!("../migrations/0007_record_access.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 8,
        name: "holidays_digest",
        common: include_str!("../migrations/0008_holidays_digest.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 9,
        name: "reference_versions",
        common: include_str!("../migrations/0009_reference_versions.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 10,
        name: "idempotency_keys",
        common: include_str!("../migrations/0010_idempotency_keys.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 11,
        name: "job_queue",
        common: include_str!("../migrations/0011_job_queue.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 12,
        name: "version_source",
        common: include_str!("../migrations/0012_version_source.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 13,
        name: "generated_projections",
        common: include_str!("../migrations/0013_generated_projections.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 14,
        name: "deadline_outcomes",
        common: include_str!("../migrations/0014_deadline_outcomes.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 20,
        name: "personal_accounts",
        common: include_str!("../migrations/0020_personal_accounts.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 21,
        name: "movements",
        common: include_str!("../migrations/0021_movements.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 22,
        name: "document_templates",
        common: include_str!("../migrations/0022_document_templates.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 23,
        name: "backups",
        common: include_str!("../migrations/0023_backups.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 30,
        name: "data_quality",
        common: include_str!("../migrations/0030_data_quality.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 31,
        name: "status_decisions",
        common: include_str!("../migrations/0031_status_decisions.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 40,
        name: "reorganisations",
        common: include_str!("../migrations/0040_reorganisations.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 41,
        name: "import_mappings",
        common: include_str!("../migrations/0041_import_mappings.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 42,
        name: "name_sort_key",
        common: include_str!("../migrations/0042_name_sort_key.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 43,
        name: "alert_handled",
        common: include_str!("../migrations/0043_alert_handled.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 44,
        name: "version_attachments",
        common: include_str!("../migrations/0044_version_attachments.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 45,
        name: "approval_returns",
        common: include_str!("../migrations/0045_approval_returns.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 46,
        name: "report_submissions",
        common: include_str!("../migrations/0046_report_submissions.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 47,
        name: "statutory_report_columns",
        common: include_str!("../migrations/0047_statutory_report_columns.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 48,
        name: "saved_searches",
        common: include_str!("../migrations/0048_saved_searches.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 49,
        name: "report_signatures",
        common: include_str!("../migrations/0049_report_signatures.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 50,
        name: "pay_list_columns",
        common: include_str!("../migrations/0050_pay_list_columns.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 51,
        name: "report_indexes",
        common: include_str!("../migrations/0051_report_indexes.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 52,
        name: "person_states",
        common: include_str!("../migrations/0052_person_states.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 53,
        name: "record_handovers",
        common: include_str!("../migrations/0053_record_handovers.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 54,
        name: "payroll",
        common: include_str!("../migrations/0054_payroll.sql"),
        sqlite: "",
        postgres: "",
    },
];

impl Migration {
    fn render(&self, backend: Backend) -> String {
        let (id, collate, specific) = match backend {
            Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "", self.sqlite),
            Backend::Postgres => (
                "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                "COLLATE \"C\"",
                self.postgres,
            ),
        };
        let common = self.common.replace("{{ID}}", id).replace("{{C}}", collate);
        format!("{common}\n{specific}")
    }
}

pub(crate) async fn run(store: &Store) -> StoreResult<Vec<i64>> {
    apply(store, MIGRATIONS).await
}

/// The newest migration this code knows.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Applies the pending migrations up to `last` included (a restore first builds the tables
/// as the backup's version had them, then brings them up to date).
pub async fn run_until(store: &Store, last: i64) -> StoreResult<Vec<i64>> {
    let upto = MIGRATIONS.partition_point(|m| m.version <= last);
    apply(store, &MIGRATIONS[..upto]).await
}

/// The migrations a database has had, in order (none when it has never been migrated).
pub async fn applied(conn: &mut sqlx::AnyConnection) -> StoreResult<Vec<i64>> {
    let exists = match conn.backend_name() {
        "SQLite" => {
            sqlx::query("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
                .fetch_optional(&mut *conn)
                .await?
                .is_some()
        }
        _ => sqlx::query("SELECT 1 AS one FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'")
            .fetch_optional(&mut *conn)
            .await?
            .is_some(),
    };
    if !exists {
        return Ok(Vec::new());
    }
    let rows = sqlx::query("SELECT version FROM schema_migrations ORDER BY version")
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(|r| r.get::<i64, _>("version")).collect())
}

/// Applies those of `migrations` not yet recorded, in order.
pub async fn apply(store: &Store, migrations: &[Migration]) -> StoreResult<Vec<i64>> {
    let mut conn = store.write.acquire().await?;
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let rows = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(&mut *conn)
        .await?;
    let applied: Vec<i64> = rows.iter().map(|r| r.get::<i64, _>("version")).collect();
    drop(conn);

    let mut done = Vec::new();
    for m in migrations.iter().filter(|m| !applied.contains(&m.version)) {
        let fail = |source| StoreError::Migration {
            version: m.version,
            name: m.name,
            source,
        };
        let mut tx = store.begin().await?;
        sqlx::raw_sql(AssertSqlSafe(m.render(store.backend)))
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(crate::now_ms())
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        tracing::info!(version = m.version, name = m.name, "migration applied");
        done.push(m.version);
    }
    Ok(done)
}
