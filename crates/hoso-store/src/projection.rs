//! The projection tables as the record schema declares them: which columns `persons` and
//! `record_history` carry besides their own, the check that the database has them, the
//! writing of one record's rows, and the fingerprint that tells when they must be rebuilt.

use std::collections::BTreeMap;

use hoso_domain::schema::{HistoryRow, ProjectedCell, ProjectedKind, ProjectedValue};
use sea_query::{Query, SimpleExpr};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::query::{self, Expr, ExprTrait, col, ident};
use crate::{StoreError, StoreResult};

/// A projected column: its name and whether it holds numbers (BIGINT) or text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LayoutColumn {
    pub name: String,
    pub numeric: bool,
}

impl LayoutColumn {
    pub fn new(name: &str, kind: ProjectedKind) -> LayoutColumn {
        LayoutColumn {
            name: name.to_string(),
            numeric: kind.is_numeric(),
        }
    }

    /// The column's value in a row read with it, by name.
    pub fn read(&self, row: &AnyRow, alias: &str) -> StoreResult<Option<ProjectedValue>> {
        Ok(if self.numeric {
            row.try_get::<Option<i64>, _>(alias)?
                .map(ProjectedValue::Integer)
        } else {
            row.try_get::<Option<String>, _>(alias)?
                .map(ProjectedValue::Text)
        })
    }
}

/// The columns the schema projects, for both tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectionLayout {
    pub persons: Vec<LayoutColumn>,
    pub history: Vec<LayoutColumn>,
}

/// The columns every layout has whose values are computed from the name here, with the version
/// of their computation, and the version of how `person_states` is derived: a new version
/// changes the fingerprint, so the rows are rebuilt with it.
const NAME_KEYS: &str =
    "persons.search_key:fold/1\npersons.sort_key:collation/1\nperson_states:from-versions/1\n";

impl ProjectionLayout {
    /// Changes whenever a column is added, dropped or changes type, or a name key is computed
    /// another way.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(NAME_KEYS);
        for (table, cols) in [
            ("persons", &self.persons),
            ("record_history", &self.history),
        ] {
            for c in cols {
                h.update(format!("{table}.{}:{}\n", c.name, c.numeric));
            }
        }
        hex::encode(h.finalize())
    }

    pub fn person_column(&self, name: &str) -> Option<&LayoutColumn> {
        self.persons.iter().find(|c| c.name == name)
    }

    pub fn history_column(&self, name: &str) -> Option<&LayoutColumn> {
        self.history.iter().find(|c| c.name == name)
    }
}

/// The bound value of a cell: typed even when empty, for PostgreSQL.
pub(crate) fn cell_value(cell: &ProjectedCell) -> SimpleExpr {
    value_expr(cell.kind.is_numeric(), cell.value.as_ref())
}

pub(crate) fn value_expr(numeric: bool, value: Option<&ProjectedValue>) -> SimpleExpr {
    if numeric {
        Expr::val(value.and_then(ProjectedValue::as_integer))
    } else {
        Expr::val(value.and_then(ProjectedValue::as_text).map(str::to_string))
    }
}

/// The projected values of a row, without the empty ones.
pub(crate) fn read_values(
    row: &AnyRow,
    columns: &[LayoutColumn],
) -> StoreResult<BTreeMap<String, ProjectedValue>> {
    let mut out = BTreeMap::new();
    for c in columns {
        if let Some(v) = c.read(row, &c.name)? {
            out.insert(c.name.clone(), v);
        }
    }
    Ok(out)
}

/// Refuses a database without a column the schema declares: the migration adding it is
/// missing, and writing records would fail half-way.
pub async fn check(conn: &mut AnyConnection, layout: &ProjectionLayout) -> StoreResult<()> {
    let mut missing = Vec::new();
    for (table, columns) in [
        ("persons", &layout.persons),
        ("person_states", &layout.persons),
        ("record_history", &layout.history),
    ] {
        for c in columns {
            let mut probe = Query::select();
            probe
                .expr(col(table, &c.name))
                .from(ident(table))
                .and_where(Expr::cust("1 = 0"));
            if query::fetch_optional(conn, &probe).await.is_err() {
                missing.push(format!(
                    "{table}.{} ({})",
                    c.name,
                    if c.numeric { "BIGINT" } else { "TEXT" }
                ));
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(StoreError::Invalid(format!(
        "Lược đồ hồ sơ chiếu trường vào cột mà cơ sở dữ liệu chưa có: {}. Cần một migration \
         thêm các cột này.",
        missing.join(", ")
    )))
}

/// Replaces a person's rows in the history projection.
pub async fn write_history(
    conn: &mut AnyConnection,
    person_id: i64,
    rows: &[HistoryRow],
) -> StoreResult<()> {
    let mut delete = Query::delete();
    delete
        .from_table(ident("record_history"))
        .and_where(Expr::col(ident("person_id")).eq(person_id));
    query::execute(conn, &delete).await?;
    insert_history(conn, rows.iter().map(|r| (person_id, r))).await
}

/// Rows per INSERT: at most 5 + a section's projected columns each, far under SQLite's 32,766
/// bound parameters.
const HISTORY_ROWS_PER_STATEMENT: usize = 1_000;

/// Inserts history rows of several people, a thousand per statement.
pub async fn insert_history<'r>(
    conn: &mut AnyConnection,
    rows: impl Iterator<Item = (i64, &'r HistoryRow)>,
) -> StoreResult<()> {
    // Rows of different sections carry different columns: one statement per column set.
    let mut by_columns: BTreeMap<Vec<&str>, Vec<(i64, &HistoryRow)>> = BTreeMap::new();
    for (person_id, row) in rows {
        let cols = row.cells.iter().map(|c| c.column.as_str()).collect();
        by_columns.entry(cols).or_default().push((person_id, row));
    }
    for (cols, rows) in by_columns {
        for chunk in rows.chunks(HISTORY_ROWS_PER_STATEMENT) {
            let mut insert = Query::insert();
            insert.into_table(ident("record_history")).columns(
                ["person_id", "section", "row_no", "valid_from", "valid_to"]
                    .into_iter()
                    .chain(cols.iter().copied())
                    .map(ident),
            );
            for (person_id, row) in chunk {
                let mut values: Vec<SimpleExpr> = vec![
                    Expr::val(*person_id),
                    Expr::val(row.section.clone()),
                    Expr::val(row.row_no),
                    Expr::val(row.valid_from.clone()),
                    Expr::val(row.valid_to.clone()),
                ];
                values.extend(row.cells.iter().map(cell_value));
                insert
                    .values(values)
                    .map_err(|e| StoreError::Invalid(format!("record_history: {e}")))?;
            }
            query::execute(conn, &insert).await?;
        }
    }
    Ok(())
}

/// The layout fingerprint the tables were last rebuilt for (`None`: never).
pub async fn built_for(conn: &mut AnyConnection) -> StoreResult<Option<String>> {
    let mut q = Query::select();
    q.column(ident("fingerprint"))
        .from(ident("projection_state"))
        .and_where(Expr::col(ident("name")).eq("record_projections"));
    let row = query::fetch_optional(conn, &q).await?;
    Ok(row.map(|r| r.try_get("fingerprint")).transpose()?)
}

/// Records that the tables now hold the layout with this fingerprint.
pub async fn mark_built(conn: &mut AnyConnection, fingerprint: &str, at: i64) -> StoreResult<()> {
    let mut delete = Query::delete();
    delete
        .from_table(ident("projection_state"))
        .and_where(Expr::col(ident("name")).eq("record_projections"));
    query::execute(conn, &delete).await?;
    let mut insert = Query::insert();
    insert
        .into_table(ident("projection_state"))
        .columns(["name", "fingerprint", "rebuilt_at"].map(ident))
        .values([
            Expr::val("record_projections"),
            Expr::val(fingerprint.to_string()),
            Expr::val(at),
        ])
        .map_err(|e| StoreError::Invalid(format!("projection_state: {e}")))?;
    query::execute(conn, &insert).await?;
    Ok(())
}
