//! Every table's rows, read from one consistent snapshot and written back into an empty
//! database of either kind: the storage half of backup and restore (`hoso_app::backup`).
//!
//! The format is logical (column names and values), not a file copy, so that a SQLite backup
//! restores into PostgreSQL and back. Every column Hoso declares is `BIGINT` or `TEXT`, so a
//! value is a JSON integer, string or null. The FTS5 index of names is not dumped: the
//! triggers on `persons` fill it again as the rows come back.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use serde_json::Value;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Row, Transaction};

use crate::{Backend, Store, StoreError, StoreResult};

/// A table as the database declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// The primary key's columns (the dump's order); all columns when there is none.
    pub key: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// Declared as an integer; otherwise text.
    pub integer: bool,
}

/// Tables that are bookkeeping of the database itself, not data: its migrations, and the
/// list of backup files on this machine.
const NOT_DATA: [&str; 2] = ["schema_migrations", "backups"];

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The data tables, parents before children (a table comes after every table its foreign keys
/// name), so that rows inserted in this order always find what they reference.
pub async fn tables(conn: &mut AnyConnection) -> StoreResult<Vec<Table>> {
    let backend = if conn.backend_name() == "SQLite" {
        Backend::Sqlite
    } else {
        Backend::Postgres
    };
    let names: Vec<String> = match backend {
        Backend::Sqlite => {
            // Virtual tables (the FTS5 index) and their shadow tables are derived.
            let virtual_names: Vec<String> = sqlx::query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'",
            )
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.get("name"))
            .collect();
            sqlx::query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.get::<String, _>("name"))
            .filter(|n| {
                !virtual_names
                    .iter()
                    .any(|v| n == v || n.starts_with(&format!("{v}_")))
            })
            .collect()
        }
        Backend::Postgres => sqlx::query(
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
        )
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.get("name"))
        .collect(),
    };
    let mut tables = Vec::new();
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for name in names
        .into_iter()
        .filter(|n| !NOT_DATA.contains(&n.as_str()))
    {
        let (columns, key, refs) = describe(conn, backend, &name).await?;
        parents.insert(name.clone(), refs);
        tables.push(Table { name, columns, key });
    }
    Ok(in_dependency_order(tables, &parents))
}

type Description = (Vec<Column>, Vec<String>, BTreeSet<String>);

async fn describe(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
) -> StoreResult<Description> {
    let mut columns = Vec::new();
    let mut key: Vec<(i64, String)> = Vec::new();
    let mut refs = BTreeSet::new();
    match backend {
        Backend::Sqlite => {
            // table_xinfo also lists generated columns (hidden 2 or 3), which cannot be written.
            let rows = sqlx::query(
                "SELECT name, type, CAST(pk AS BIGINT) AS pk, CAST(hidden AS BIGINT) AS hidden FROM pragma_table_xinfo($1) ORDER BY cid",
            )
            .bind(table)
            .fetch_all(&mut *conn)
            .await?;
            for r in rows {
                if r.get::<i64, _>("hidden") != 0 {
                    continue;
                }
                let name: String = r.get("name");
                let declared: String = r.get("type");
                let pk: i64 = r.get("pk");
                if pk > 0 {
                    key.push((pk, name.clone()));
                }
                columns.push(Column {
                    name,
                    integer: declared.to_ascii_uppercase().contains("INT"),
                });
            }
            for r in sqlx::query("SELECT \"table\" AS parent FROM pragma_foreign_key_list($1)")
                .bind(table)
                .fetch_all(&mut *conn)
                .await?
            {
                refs.insert(r.get::<String, _>("parent"));
            }
        }
        Backend::Postgres => {
            let rows = sqlx::query(
                "SELECT CAST(column_name AS TEXT) AS name, CAST(data_type AS TEXT) AS type, \
                 CAST(is_generated AS TEXT) AS generated FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(&mut *conn)
            .await?;
            for r in rows {
                if r.get::<String, _>("generated") == "ALWAYS" {
                    continue;
                }
                let declared: String = r.get("type");
                columns.push(Column {
                    name: r.get("name"),
                    integer: matches!(declared.as_str(), "bigint" | "integer" | "smallint"),
                });
            }
            for r in sqlx::query(
                "SELECT CAST(k.column_name AS TEXT) AS name, CAST(k.ordinal_position AS BIGINT) AS pos \
                 FROM information_schema.table_constraints c JOIN information_schema.key_column_usage k \
                 ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema AND k.table_name = c.table_name \
                 WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = current_schema() AND c.table_name = $1",
            )
            .bind(table)
            .fetch_all(&mut *conn)
            .await?
            {
                key.push((r.get("pos"), r.get("name")));
            }
            for r in sqlx::query(
                "SELECT CAST(c.confrelid::regclass AS TEXT) AS parent FROM pg_constraint c \
                 WHERE c.contype = 'f' AND c.conrelid = CAST($1 AS regclass)",
            )
            .bind(quoted(table))
            .fetch_all(&mut *conn)
            .await?
            {
                refs.insert(r.get::<String, _>("parent").trim_matches('"').to_string());
            }
        }
    }
    key.sort();
    let mut key: Vec<String> = key.into_iter().map(|(_, n)| n).collect();
    if key.is_empty() {
        key = columns.iter().map(|c| c.name.clone()).collect();
    }
    refs.remove(table);
    Ok((columns, key, refs))
}

/// Kahn's order, alphabetical among equals (the same order on every run and database).
fn in_dependency_order(
    tables: Vec<Table>,
    parents: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<Table> {
    let mut left: BTreeMap<String, Table> =
        tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let mut out = Vec::new();
    while !left.is_empty() {
        let ready = left
            .keys()
            .find(|name| {
                parents
                    .get(*name)
                    .is_none_or(|ps| ps.iter().all(|p| !left.contains_key(p)))
            })
            .cloned()
            // A cycle (none today): the rest in name order; the insert then reports the row.
            .unwrap_or_else(|| left.keys().next().cloned().expect("not empty"));
        out.push(left.remove(&ready).expect("present"));
    }
    out
}

/// A read transaction that sees one instant of the database while writers go on: SQLite's
/// WAL snapshot (taken at the first read), PostgreSQL's repeatable read.
pub async fn snapshot(store: &Store) -> StoreResult<Transaction<'static, Any>> {
    let mut tx = store.read.begin().await?;
    if store.backend == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

/// The rows of a table in key order, each a value per column of `table.columns`.
pub fn rows<'c>(
    conn: &'c mut AnyConnection,
    table: &'c Table,
) -> BoxStream<'c, StoreResult<Vec<Value>>> {
    let columns = table
        .columns
        .iter()
        .map(|c| quoted(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let order = table
        .key
        .iter()
        .map(|c| quoted(c))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM {} ORDER BY {order}",
        quoted(&table.name)
    );
    Box::pin(
        sqlx::query(AssertSqlSafe(sql))
            .fetch(conn)
            .map_err(StoreError::from)
            .and_then(move |row| {
                let values = table
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| -> StoreResult<Value> {
                        Ok(if c.integer {
                            row.try_get::<Option<i64>, _>(i)?
                                .map_or(Value::Null, Value::from)
                        } else {
                            row.try_get::<Option<String>, _>(i)?
                                .map_or(Value::Null, Value::from)
                        })
                    })
                    .collect::<StoreResult<Vec<Value>>>();
                std::future::ready(values)
            }),
    )
}

/// The first data table that holds a row, if any: a restore goes only into an empty database.
pub async fn first_table_with_rows(
    conn: &mut AnyConnection,
    tables: &[Table],
) -> StoreResult<Option<String>> {
    for t in tables {
        let sql = format!("SELECT 1 AS one FROM {} LIMIT 1", quoted(&t.name));
        if sqlx::query(AssertSqlSafe(sql))
            .fetch_optional(&mut *conn)
            .await?
            .is_some()
        {
            return Ok(Some(t.name.clone()));
        }
    }
    Ok(None)
}

/// Empties the tables (children first): a restore starts from what the migrations put in (the
/// audit chain's empty head row, bookkeeping rows) only after it found no data in them.
pub async fn clear(conn: &mut AnyConnection, tables: &[Table]) -> StoreResult<()> {
    for t in tables.iter().rev() {
        let sql = format!("DELETE FROM {}", quoted(&t.name));
        sqlx::query(AssertSqlSafe(sql)).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Each record's newest version hash in person order, as one digest (each head hash covers its
/// whole chain), and how many versions there are.
pub async fn version_heads(conn: &mut AnyConnection) -> StoreResult<(i64, String)> {
    use sha2::{Digest, Sha256};
    let rows = sqlx::query(
        "SELECT v.person_id, v.version, v.hash FROM record_versions v \
         WHERE v.version = (SELECT MAX(w.version) FROM record_versions w WHERE w.person_id = v.person_id) \
         ORDER BY v.person_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut digest = Sha256::new();
    for r in &rows {
        let line = format!(
            "{}:{}:{}\n",
            r.get::<i64, _>("person_id"),
            r.get::<i64, _>("version"),
            r.get::<String, _>("hash")
        );
        digest.update(line.as_bytes());
    }
    let (count,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM record_versions")
        .fetch_one(&mut *conn)
        .await?;
    Ok((count, hex::encode(digest.finalize())))
}

/// Rows per INSERT: well under both databases' bound-parameter limits for Hoso's widest table.
const ROWS_PER_STATEMENT: usize = 100;

/// Inserts rows read from a dump whose columns were `dumped` into `table`. A column the dump
/// has and the table lacks is refused (the archive is newer than this database); a column the
/// table has and the dump lacks takes its default (a later migration added it).
pub async fn insert_rows(
    conn: &mut AnyConnection,
    table: &Table,
    dumped: &[String],
    rows: &[Vec<Value>],
) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut integer = Vec::with_capacity(dumped.len());
    for name in dumped {
        let column = table
            .columns
            .iter()
            .find(|c| &c.name == name)
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "bảng {} của cơ sở dữ liệu đích không có cột {name}",
                    table.name
                ))
            })?;
        integer.push(column.integer);
    }
    let anonymous = conn.backend_name() == "SQLite";
    let columns = dumped
        .iter()
        .map(|c| quoted(c))
        .collect::<Vec<_>>()
        .join(", ");
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut n = 0;
        let tuples = chunk
            .iter()
            .map(|_| {
                let one = (0..dumped.len())
                    .map(|_| {
                        n += 1;
                        if anonymous {
                            "?".to_string()
                        } else {
                            format!("${n}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(",");
                format!("({one})")
            })
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!(
            "INSERT INTO {} ({columns}) VALUES {tuples}",
            quoted(&table.name)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            if row.len() != dumped.len() {
                return Err(StoreError::Invalid(format!(
                    "một dòng của bảng {} có {} giá trị, cần {}",
                    table.name,
                    row.len(),
                    dumped.len()
                )));
            }
            for (value, is_integer) in row.iter().zip(&integer) {
                query = match (value, is_integer) {
                    (Value::Null, true) => query.bind(None::<i64>),
                    (Value::Null, false) => query.bind(None::<String>),
                    (Value::Number(n), true) => query.bind(n.as_i64().ok_or_else(|| {
                        StoreError::Invalid(format!("bảng {}: số không hợp lệ {n}", table.name))
                    })?),
                    (Value::String(s), false) => query.bind(s.clone()),
                    (other, _) => {
                        return Err(StoreError::Invalid(format!(
                            "bảng {}: giá trị không đúng kiểu cột ({other})",
                            table.name
                        )));
                    }
                };
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// After rows came in with their ids, PostgreSQL's identity columns must continue above them
/// (SQLite's AUTOINCREMENT follows the largest id by itself).
pub async fn continue_identities(conn: &mut AnyConnection, tables: &[Table]) -> StoreResult<()> {
    if conn.backend_name() == "SQLite" {
        return Ok(());
    }
    for t in tables {
        for c in t.columns.iter().filter(|c| c.integer) {
            let seq: Option<String> =
                sqlx::query("SELECT CAST(pg_get_serial_sequence($1, $2) AS TEXT) AS seq")
                    .bind(quoted(&t.name))
                    .bind(&c.name)
                    .fetch_one(&mut *conn)
                    .await?
                    .get("seq");
            let Some(seq) = seq else { continue };
            let sql = format!(
                "SELECT setval(CAST($1 AS regclass), COALESCE(MAX({col}), 1), MAX({col}) IS NOT NULL) FROM {table}",
                col = quoted(&c.name),
                table = quoted(&t.name)
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(seq)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> Table {
        Table {
            name: name.into(),
            columns: vec![],
            key: vec![],
        }
    }

    #[test]
    fn parents_come_before_children_whatever_their_names() {
        let parents: BTreeMap<String, BTreeSet<String>> = [
            ("a_child", vec!["z_parent"]),
            ("z_parent", vec!["m_root"]),
            ("m_root", vec![]),
            ("b_free", vec![]),
        ]
        .into_iter()
        .map(|(t, ps)| (t.to_string(), ps.into_iter().map(String::from).collect()))
        .collect();
        let order: Vec<String> = in_dependency_order(
            vec![
                table("a_child"),
                table("b_free"),
                table("m_root"),
                table("z_parent"),
            ],
            &parents,
        )
        .into_iter()
        .map(|t| t.name)
        .collect();
        assert_eq!(order, ["b_free", "m_root", "z_parent", "a_child"]);
    }
}
