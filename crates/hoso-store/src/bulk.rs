//! Bulk loading of new people (demo province, benchmarks, and later imports into an empty
//! database): many rows per statement, ids assigned here. Must run in one write transaction
//! on the single writer, so that nobody else takes ids meanwhile.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::StoreResult;
use hoso_domain::schema::{HistoryRow, Projection};
use sea_query::Query;

use crate::StoreError;
use crate::persons::{VersionRow, projection_values};
use crate::query::{self, Expr, ident};
use crate::secrets::SecretRow;

/// One new person with their first version, sealed secrets and personal account.
pub struct BulkPerson {
    pub national_id_hash: String,
    pub unit_id: i64,
    pub status: String,
    pub projection: Projection,
    /// Rows of the history projection.
    pub history: Vec<HistoryRow>,
    pub version: VersionRow,
    /// The states its version stands for (`person_states`): version, in force from (ISO),
    /// status.
    pub states: Vec<(i64, String, String)>,
    pub secret: SecretRow,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub created_by: Option<i64>,
}

/// The columns of a person row a bulk insert gives, before the projected ones.
const PERSON_COLUMNS: [&str; 7] = [
    "national_id_hash",
    "unit_id",
    "status",
    "current_version",
    "created_at",
    "updated_at",
    "official_version",
];

/// Rows per INSERT: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
pub(crate) const ROWS_PER_STATEMENT: usize = 200;

async fn next_id(conn: &mut AnyConnection, table: &str) -> StoreResult<i64> {
    let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}");
    let (max,): (i64,) = sqlx::query_as(AssertSqlSafe(sql))
        .fetch_one(&mut *conn)
        .await?;
    Ok(max + 1)
}

/// `rows` tuples of `cols` parameters. SQLite gets anonymous `?`: sqlx asks SQLite the name
/// of every parameter, and SQLite finds a named one (`$n`) by a linear scan, so thousands of
/// `$n` in one statement cost quadratic time (a tenth of all seeding time, measured).
fn placeholders(conn: &AnyConnection, rows: usize, cols: usize) -> String {
    let anonymous = conn.backend_name() == "SQLite";
    (0..rows)
        .map(|r| {
            format!(
                "({})",
                (1..=cols)
                    .map(|c| {
                        if anonymous {
                            "?".to_string()
                        } else {
                            format!("${}", r * cols + c)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Tables a bulk load fills.
const LOADED_TABLES: [&str; 7] = [
    "persons",
    "person_states",
    "record_history",
    "record_versions",
    "record_secrets",
    "accounts",
    "role_grants",
];

/// Secondary indexes of the loaded tables, set aside for the length of a bulk load.
#[must_use = "the indexes are gone until `rebuild_indexes`"]
pub struct SetAsideIndexes(Vec<(String, String)>);

/// Drops the secondary indexes (not the primary keys nor the unique constraints) of the tables
/// a bulk load fills, keeping their definitions: on SQLite, building each index once after the
/// load costs less than keeping it up to date row by row. PostgreSQL keeps its indexes (nothing
/// is set aside there).
pub async fn set_indexes_aside(conn: &mut AnyConnection) -> StoreResult<SetAsideIndexes> {
    if conn.backend_name() != "SQLite" {
        return Ok(SetAsideIndexes(Vec::new()));
    }
    let tables = LOADED_TABLES
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(",");
    // Indexes that carry a constraint have no `sql`: they stay.
    let sql = format!(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
         AND tbl_name IN ({tables}) ORDER BY name"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?;
    let indexes: Vec<(String, String)> =
        rows.iter().map(|r| (r.get("name"), r.get("sql"))).collect();
    for (name, _) in &indexes {
        let drop = format!("DROP INDEX \"{}\"", name.replace('"', "\"\""));
        sqlx::query(AssertSqlSafe(drop)).execute(&mut *conn).await?;
    }
    Ok(SetAsideIndexes(indexes))
}

/// Builds again the indexes [`set_indexes_aside`] dropped.
pub async fn rebuild_indexes(conn: &mut AnyConnection, set: SetAsideIndexes) -> StoreResult<()> {
    for (_, create) in set.0 {
        sqlx::query(AssertSqlSafe(create))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The id the next bulk-inserted person will get.
pub async fn next_person_id(conn: &mut AnyConnection) -> StoreResult<i64> {
    next_id(conn, "persons").await
}

/// Inserts the people; fills in the person ids of their version and secret rows. Returns the
/// person ids in order.
pub async fn insert_people(
    conn: &mut AnyConnection,
    people: &mut [BulkPerson],
    at: i64,
) -> StoreResult<Vec<i64>> {
    let first_person = next_id(conn, "persons").await?;
    let first_account = next_id(conn, "accounts").await?;
    let first_grant = next_id(conn, "role_grants").await?;
    let ids: Vec<i64> = (0..people.len() as i64).map(|i| first_person + i).collect();
    for (p, id) in people.iter_mut().zip(&ids) {
        p.version.person_id = *id;
        p.secret.person_id = *id;
    }
    for (chunk_index, chunk) in people.chunks(ROWS_PER_STATEMENT).enumerate() {
        let base = chunk_index * ROWS_PER_STATEMENT;
        let mut insert = Query::insert();
        for (i, p) in chunk.iter().enumerate() {
            let (names, values) = projection_values(&p.projection);
            if i == 0 {
                insert.into_table(ident("persons")).columns(
                    std::iter::once("id")
                        .chain(PERSON_COLUMNS)
                        .chain(names)
                        .map(ident),
                );
            }
            insert
                .values(
                    [
                        Expr::val(ids[base + i]),
                        Expr::val(p.national_id_hash.clone()),
                        Expr::val(p.unit_id),
                        Expr::val(p.status.clone()),
                        Expr::val(p.version.version),
                        Expr::val(p.version.created_at),
                        Expr::val(p.version.created_at),
                        // Loaded from a legacy system: official as it stands.
                        Expr::val(p.version.version),
                    ]
                    .into_iter()
                    .chain(values),
                )
                .map_err(|e| StoreError::Invalid(format!("persons: {e}")))?;
        }
        query::execute(conn, &insert).await?;
        crate::projection::insert_history(
            conn,
            chunk.iter().enumerate().flat_map(|(i, p)| {
                let id = ids[base + i];
                p.history.iter().map(move |h| (id, h))
            }),
        )
        .await?;

        insert_versions(conn, chunk.iter().map(|p| &p.version)).await?;
        let states: Vec<crate::states::StateRow<'_>> = chunk
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                let person_id = ids[base + i];
                p.states
                    .iter()
                    .map(move |(version, from, status)| crate::states::StateRow {
                        person_id,
                        version: *version,
                        valid_from: from.clone(),
                        unit_id: p.unit_id,
                        status,
                        projection: &p.projection,
                    })
            })
            .collect();
        crate::states::insert_first(conn, states.iter()).await?;
        insert_secrets(conn, chunk.iter().map(|p| &p.secret)).await?;

        let sql = format!(
            "INSERT INTO accounts (id, username, display_name, password_hash, person_id, active, must_change_password, \
             password_changed_at, failed_logins, created_at, created_by) VALUES {}",
            placeholders(conn, chunk.len(), 11)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (i, p) in chunk.iter().enumerate() {
            q = q
                .bind(first_account + (base + i) as i64)
                .bind(p.username.as_str())
                .bind(p.display_name.as_str())
                .bind(p.password_hash.as_str())
                .bind(ids[base + i])
                .bind(1i64)
                .bind(0i64)
                .bind(at)
                .bind(0i64)
                .bind(at)
                .bind(p.created_by);
        }
        q.execute(&mut *conn).await?;

        let sql = format!(
            "INSERT INTO role_grants (id, account_id, role, unit_id, read_only, granted_by, granted_at, request_ref) VALUES {}",
            placeholders(conn, chunk.len(), 8)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (i, p) in chunk.iter().enumerate() {
            q = q
                .bind(first_grant + (base + i) as i64)
                .bind(first_account + (base + i) as i64)
                .bind("individual")
                .bind(None::<i64>)
                .bind(0i64)
                .bind(p.created_by)
                .bind(at)
                .bind(None::<String>);
        }
        q.execute(&mut *conn).await?;
    }
    if conn.backend_name() == "PostgreSQL" {
        // Explicit ids do not move identity sequences: move them past what was written.
        for table in ["persons", "accounts", "role_grants"] {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            );
            sqlx::query(AssertSqlSafe(sql)).execute(&mut *conn).await?;
        }
    }
    Ok(ids)
}

/// Inserts record versions, [`ROWS_PER_STATEMENT`] a statement.
pub async fn insert_versions<'v>(
    conn: &mut AnyConnection,
    versions: impl Iterator<Item = &'v VersionRow>,
) -> StoreResult<()> {
    let versions: Vec<&VersionRow> = versions.collect();
    for chunk in versions.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO record_versions (person_id, version, schema_version, document, hash, prev_hash, unit_id, status, \
             created_by, created_at, note, source, source_ref) VALUES {}",
            placeholders(conn, chunk.len(), 13)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for v in chunk {
            q = q
                .bind(v.person_id)
                .bind(v.version)
                .bind(v.schema_version.as_str())
                .bind(v.document.as_str())
                .bind(v.hash.as_str())
                .bind(v.prev_hash.clone())
                .bind(v.unit_id)
                .bind(v.status.as_str())
                .bind(v.created_by)
                .bind(v.created_at)
                .bind(v.note.clone())
                .bind(v.source.as_str())
                .bind(v.source_ref.clone());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts sealed secrets, [`ROWS_PER_STATEMENT`] a statement.
pub async fn insert_secrets<'s>(
    conn: &mut AnyConnection,
    secrets: impl Iterator<Item = &'s SecretRow>,
) -> StoreResult<()> {
    let secrets: Vec<&SecretRow> = secrets.collect();
    for chunk in secrets.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO record_secrets (person_id, version, key_id, sealed) VALUES {}",
            placeholders(conn, chunk.len(), 4)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for s in chunk {
            q = q
                .bind(s.person_id)
                .bind(s.version)
                .bind(s.key_id.as_str())
                .bind(s.sealed.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A person an import creates; version 1 follows in the same transaction.
pub struct NewImported<'a> {
    pub national_id_hash: &'a str,
    pub unit_id: i64,
    pub status: &'a str,
    pub projection: &'a Projection,
    /// When version 1 is written (the application's clock).
    pub created_at: i64,
    /// Version 1 is official at once (an initial load).
    pub official: bool,
}

/// Inserts the people an import creates, at version 1, many a statement, ids from the
/// database (other writers may be inserting too); their ids, in the order given.
pub async fn insert_imported(
    conn: &mut AnyConnection,
    people: &[NewImported<'_>],
) -> StoreResult<Vec<i64>> {
    let mut by_hash = std::collections::HashMap::with_capacity(people.len());
    for chunk in people.chunks(ROWS_PER_STATEMENT) {
        let mut insert = Query::insert();
        for (i, p) in chunk.iter().enumerate() {
            let (names, values) = projection_values(p.projection);
            if i == 0 {
                insert
                    .into_table(ident("persons"))
                    .columns(PERSON_COLUMNS.into_iter().chain(names).map(ident));
            }
            insert
                .values(
                    [
                        Expr::val(p.national_id_hash.to_string()),
                        Expr::val(p.unit_id),
                        Expr::val(p.status.to_string()),
                        Expr::val(1i64),
                        Expr::val(p.created_at),
                        Expr::val(p.created_at),
                        Expr::val(i64::from(p.official)),
                    ]
                    .into_iter()
                    .chain(values),
                )
                .map_err(|e| StoreError::Invalid(format!("persons: {e}")))?;
        }
        insert.returning(Query::returning().columns([ident("id"), ident("national_id_hash")]));
        for row in query::fetch_all(conn, &insert).await? {
            let hash: String = row.try_get("national_id_hash")?;
            by_hash.insert(hash, row.try_get::<i64, _>("id")?);
        }
    }
    people
        .iter()
        .map(|p| {
            by_hash
                .get(p.national_id_hash)
                .copied()
                .ok_or_else(|| StoreError::Invalid("an inserted person did not come back".into()))
        })
        .collect()
}
