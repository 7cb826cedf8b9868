//! Persons: the current-state projection (for lists, search, statistics) and the immutable,
//! hash-chained record versions it is projected from. The projected columns are the ones the
//! record schema declares ([`crate::projection::ProjectionLayout`]).

use std::collections::BTreeMap;

use hoso_domain::schema::{ProjectedValue, Projection};
use sea_query::{Cond, LikeExpr, NullOrdering, Order, Query, SelectStatement, SimpleExpr};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::projection::{LayoutColumn, cell_value, read_values};
use crate::query::{self, Expr, ExprTrait, JoinType, col, ident, person_unit};
use crate::{StoreError, StoreResult, org::subtree_range};

/// A person's row without the projected fields: what every use case needs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PersonRow {
    pub id: i64,
    pub unit_id: i64,
    pub status: String,
    pub current_version: i64,
    pub updated_at: i64,
    pub full_name: String,
}

const COLUMNS: [&str; 6] = [
    "id",
    "unit_id",
    "status",
    "current_version",
    "updated_at",
    "full_name",
];

impl PersonRow {
    fn read(r: &AnyRow) -> StoreResult<PersonRow> {
        Ok(PersonRow {
            id: r.try_get("id")?,
            unit_id: r.try_get("unit_id")?,
            status: r.try_get("status")?,
            current_version: r.try_get("current_version")?,
            updated_at: r.try_get("updated_at")?,
            full_name: r.try_get("full_name")?,
        })
    }
}

/// A person with the projected fields asked for (the empty ones left out).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProjectedPerson {
    #[serde(flatten)]
    pub person: PersonRow,
    #[serde(flatten)]
    pub values: BTreeMap<String, ProjectedValue>,
}

impl ProjectedPerson {
    pub fn text(&self, column: &str) -> Option<&str> {
        self.values.get(column).and_then(ProjectedValue::as_text)
    }

    pub fn integer(&self, column: &str) -> Option<i64> {
        self.values.get(column).and_then(ProjectedValue::as_integer)
    }
}

/// One immutable version of a record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VersionRow {
    pub person_id: i64,
    pub version: i64,
    pub schema_version: String,
    /// Canonical JSON as stored (sensitive fields may be encrypted).
    pub document: String,
    pub hash: String,
    pub prev_hash: Option<String>,
    pub unit_id: i64,
    pub status: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub note: Option<String>,
    /// Where the version comes from (`direct`, `change_request`, `import`, `demo`…).
    pub source: String,
    /// The id of what it comes from (the change request, the import job…).
    pub source_ref: Option<String>,
}

pub struct NewPerson<'a> {
    pub national_id_hash: &'a str,
    pub unit_id: i64,
    pub status: &'a str,
    pub projection: &'a Projection,
}

pub async fn find_by_national_id_hash(
    conn: &mut AnyConnection,
    hash: &str,
) -> StoreResult<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM persons WHERE national_id_hash = $1")
        .bind(hash)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.0))
}

/// The name, its search key, its sort key and every projected column, as bound values in that
/// order.
pub(crate) fn projection_values(p: &Projection) -> (Vec<&str>, Vec<SimpleExpr>) {
    let mut names = vec!["full_name", "search_key", "sort_key"];
    let mut values = vec![
        Expr::val(p.full_name.clone()),
        Expr::val(hoso_domain::search_key::fold(&p.full_name)),
        Expr::val(hoso_domain::collation::name_sort_key(&p.full_name)),
    ];
    for cell in &p.cells {
        names.push(&cell.column);
        values.push(cell_value(cell));
    }
    (names, values)
}

/// Inserts the person row (version 0: no version yet). The caller adds version 1 in the same
/// transaction.
pub async fn insert(conn: &mut AnyConnection, new: NewPerson<'_>, at: i64) -> StoreResult<i64> {
    let (names, values) = projection_values(new.projection);
    let mut insert = Query::insert();
    insert
        .into_table(ident("persons"))
        .columns(
            [
                "national_id_hash",
                "unit_id",
                "status",
                "current_version",
                "created_at",
                "updated_at",
            ]
            .into_iter()
            .chain(names)
            .map(ident),
        )
        .values(
            [
                Expr::val(new.national_id_hash.to_string()),
                Expr::val(new.unit_id),
                Expr::val(new.status.to_string()),
                Expr::val(0i64),
                Expr::val(at),
                Expr::val(at),
            ]
            .into_iter()
            .chain(values),
        )
        .map_err(|e| StoreError::Invalid(format!("persons: {e}")))?
        .returning_col(ident("id"));
    let row = query::fetch_one(conn, &insert).await?;
    Ok(row.try_get("id")?)
}

/// Rewrites the projection of a person from its current version, written at `version_at`:
/// the record was last updated when that version was written (a rebuild of the projections
/// changes no record, and leaves `updated_at` as it was).
pub async fn set_projection(
    conn: &mut AnyConnection,
    person_id: i64,
    (version, version_at): (i64, i64),
    unit_id: i64,
    status: &str,
    p: &Projection,
) -> StoreResult<()> {
    let (names, values) = projection_values(p);
    let mut update = Query::update();
    update
        .table(ident("persons"))
        .value(ident("unit_id"), unit_id)
        .value(ident("status"), status)
        .value(ident("current_version"), version)
        .value(ident("updated_at"), version_at);
    for (name, value) in names.into_iter().zip(values) {
        update.value(ident(name), value);
    }
    update.and_where(Expr::col(ident("id")).eq(person_id));
    query::execute(conn, &update).await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<PersonRow>> {
    let mut q = Query::select();
    q.columns(COLUMNS.map(ident))
        .from(ident("persons"))
        .and_where(Expr::col(ident("id")).eq(id));
    query::fetch_optional(conn, &q)
        .await?
        .as_ref()
        .map(PersonRow::read)
        .transpose()
}

/// When the record was created (Unix milliseconds).
pub async fn created_at(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<i64>> {
    let mut q = Query::select();
    q.column(ident("created_at"))
        .from(ident("persons"))
        .and_where(Expr::col(ident("id")).eq(id));
    Ok(query::fetch_optional(conn, &q)
        .await?
        .map(|r| r.get::<i64, _>("created_at")))
}

/// A person with the given projected columns.
pub async fn get_projected(
    conn: &mut AnyConnection,
    columns: &[LayoutColumn],
    id: i64,
) -> StoreResult<Option<ProjectedPerson>> {
    let mut q = Query::select();
    q.columns(COLUMNS.map(ident))
        .columns(columns.iter().map(|c| ident(&c.name)))
        .from(ident("persons"))
        .and_where(Expr::col(ident("id")).eq(id));
    let Some(row) = query::fetch_optional(conn, &q).await? else {
        return Ok(None);
    };
    Ok(Some(ProjectedPerson {
        person: PersonRow::read(&row)?,
        values: read_values(&row, columns)?,
    }))
}

pub async fn insert_version(conn: &mut AnyConnection, v: &VersionRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO record_versions (person_id, version, schema_version, document, hash, prev_hash, unit_id, status, \
         created_by, created_at, note, source, source_ref) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)",
    )
    .bind(v.person_id)
    .bind(v.version)
    .bind(&v.schema_version)
    .bind(&v.document)
    .bind(&v.hash)
    .bind(&v.prev_hash)
    .bind(v.unit_id)
    .bind(&v.status)
    .bind(v.created_by)
    .bind(v.created_at)
    .bind(&v.note)
    .bind(&v.source)
    .bind(&v.source_ref)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

const VERSION_COLUMNS: &str = "person_id, version, schema_version, document, hash, prev_hash, unit_id, status, created_by, created_at, note, source, source_ref";

fn version_row(r: &AnyRow) -> VersionRow {
    VersionRow {
        person_id: r.get("person_id"),
        version: r.get("version"),
        schema_version: r.get("schema_version"),
        document: r.get("document"),
        hash: r.get("hash"),
        prev_hash: r.get("prev_hash"),
        unit_id: r.get("unit_id"),
        status: r.get("status"),
        created_by: r.get("created_by"),
        created_at: r.get("created_at"),
        note: r.get("note"),
        source: r.get("source"),
        source_ref: r.get("source_ref"),
    }
}

pub async fn version(
    conn: &mut AnyConnection,
    person_id: i64,
    version: i64,
) -> StoreResult<Option<VersionRow>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM record_versions WHERE person_id = $1 AND version = $2"
    );
    let r = sqlx::query(AssertSqlSafe(sql))
        .bind(person_id)
        .bind(version)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(r.as_ref().map(version_row))
}

/// The version a person's projection currently shows (`None` for an unknown person).
pub async fn current_version(
    conn: &mut AnyConnection,
    person_id: i64,
) -> StoreResult<Option<VersionRow>> {
    let columns: String = VERSION_COLUMNS
        .split(", ")
        .map(|c| format!("v.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM persons p JOIN record_versions v \
         ON v.person_id = p.id AND v.version = p.current_version WHERE p.id = $1"
    );
    let r = sqlx::query(AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(r.as_ref().map(version_row))
}

/// All versions of a record, oldest first.
pub async fn versions(conn: &mut AnyConnection, person_id: i64) -> StoreResult<Vec<VersionRow>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM record_versions WHERE person_id = $1 ORDER BY version"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(version_row).collect())
}

/// How a list is ordered. Column names come from the schema's layout, never from a request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PersonSort {
    #[default]
    Name,
    Updated,
    /// A projected column (checked against the layout the list is asked with).
    Column(String),
}

pub use hoso_domain::access::Scope;

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Accent-folded search text; matched against the folded name.
    pub q: Option<String>,
    /// Keyed hash of a số định danh: the one person with that number.
    pub national_id_hash: Option<String>,
    /// Only this unit's subtree (path).
    pub unit_path: Option<String>,
    pub status: Option<String>,
    /// Projected column = value (checked against the layout).
    pub equals: Vec<(String, ProjectedValue)>,
    pub sort: PersonSort,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
    /// Keyset paging: the page starts just after (or ends just before) this row of the list,
    /// whatever its depth; `offset` is then ignored.
    pub keyset: Option<Keyset>,
    /// Count the matches only up to this many: past it [`list`] answers `cap + 1` ("more than
    /// `cap`"), and the count costs no more than reading `cap + 1` index entries. `None`: count
    /// them all.
    pub count_cap: Option<i64>,
}

/// A row of a list, as keyset paging finds its place: the value the list is sorted by (`None`
/// where the row has none) and the id breaking ties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: Option<ProjectedValue>,
    pub id: i64,
}

/// Where a keyset page lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keyset {
    /// The rows following this one.
    After(Cursor),
    /// The rows preceding this one (the page before).
    Before(Cursor),
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Listed {
    pub people: Vec<ProjectedPerson>,
    /// The matches, counted up to the filter's cap (`cap + 1`: more).
    pub total: i64,
    /// Where the first and last rows of the page are, for the pages before and after.
    pub first: Option<Cursor>,
    pub last: Option<Cursor>,
    /// More rows follow the page in the direction it was read: after it (by offset or
    /// [`Keyset::After`]), or before it ([`Keyset::Before`]).
    pub more: bool,
}

/// The value a list is sorted by, as a column of `persons p`, and whether rows may lack it.
fn sort_column(columns: &[LayoutColumn], sort: &PersonSort) -> StoreResult<(LayoutColumn, bool)> {
    Ok(match sort {
        PersonSort::Name => (
            LayoutColumn {
                name: "sort_key".into(),
                numeric: false,
            },
            false,
        ),
        PersonSort::Updated => (
            LayoutColumn {
                name: "updated_at".into(),
                numeric: true,
            },
            false,
        ),
        PersonSort::Column(name) => (checked(columns, name)?.clone(), true),
    })
}

/// The rows beyond `cursor` in the order `key ASC NULLS LAST, id ASC` (`ascending`) or its exact
/// reverse `key DESC NULLS FIRST, id DESC`. A key every row has is compared as a row value, which
/// both databases answer from an index on `(key, id)`.
fn beyond(key: &LayoutColumn, nullable: bool, cursor: &Cursor, ascending: bool) -> Cond {
    let k = || col("p", &key.name);
    let id = || col("p", "id");
    match &cursor.key {
        Some(value) => {
            let pair = Expr::tuple([k(), id()]);
            let at = Expr::tuple([
                crate::projection::value_expr(key.numeric, Some(value)),
                Expr::val(cursor.id),
            ]);
            let past = if ascending { pair.gt(at) } else { pair.lt(at) };
            if ascending && nullable {
                // The rows without a key come last.
                Cond::any().add(past).add(k().is_null())
            } else {
                Cond::all().add(past)
            }
        }
        // The cursor lies among the rows without a key: last going up, first going down.
        None if ascending => Cond::all().add(k().is_null()).add(id().gt(cursor.id)),
        None => Cond::any()
            .add(k().is_not_null())
            .add(Cond::all().add(k().is_null()).add(id().lt(cursor.id))),
    }
}

/// The condition limiting rows to a scope, over `persons p` joined to `org_units u` (`None`
/// for the whole province). Shared by every query that lists people or their data.
pub fn scope_cond(scope: &Scope) -> Option<Cond> {
    if scope.everything {
        return None;
    }
    let mut any = Cond::any();
    for path in &scope.subtrees {
        any = any.add(subtree_cond(path));
    }
    if !scope.persons.is_empty() {
        any = any.add(col("p", "id").is_in(scope.persons.iter().copied()));
    }
    if scope.subtrees.is_empty() && scope.persons.is_empty() {
        any = any.add(Expr::cust("1 = 0"));
    }
    Some(any)
}

/// Units whose path lies under `path` (the unit itself included), over `org_units u`.
pub fn subtree_cond(path: &str) -> Cond {
    let (lo, hi) = subtree_range(path);
    Cond::all()
        .add(col("u", "path").gte(lo))
        .add(col("u", "path").lt(hi))
}

/// Whether a query over `persons p` must join `org_units u` for the scope.
pub fn scope_needs_units(scope: &Scope) -> bool {
    !scope.everything && !scope.subtrees.is_empty()
}

fn checked<'c>(columns: &'c [LayoutColumn], name: &str) -> StoreResult<&'c LayoutColumn> {
    columns
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| StoreError::Invalid(format!("persons: no projected column {name}")))
}

/// `persons p` (joined to its units when needed) with the scope and the filter applied.
fn filtered(
    sqlite: bool,
    columns: &[LayoutColumn],
    scope: &Scope,
    f: &PersonFilter,
) -> StoreResult<SelectStatement> {
    let mut q = Query::select();
    q.from_as(ident("persons"), ident("p"));
    if f.unit_path.is_some() || scope_needs_units(scope) {
        q.join_as(
            JoinType::InnerJoin,
            ident("org_units"),
            ident("u"),
            person_unit(),
        );
    }
    if let Some(cond) = scope_cond(scope) {
        q.cond_where(cond);
    }
    if let Some(path) = &f.unit_path {
        q.cond_where(subtree_cond(path));
    }
    if let Some(text) = f.q.as_deref().filter(|q| !q.is_empty()) {
        let words: Vec<&str> = text.split_whitespace().collect();
        let (long, short): (Vec<&str>, Vec<&str>) =
            words.iter().partition(|w| w.chars().count() >= 3);
        if sqlite && !long.is_empty() {
            // The FTS5 trigram index finds substrings of three characters or more; phrases in
            // double quotes (quotes inside doubled), side by side, must all be there.
            let phrases = long
                .iter()
                .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" ");
            q.and_where(Expr::cust_with_values(
                "\"p\".\"id\" IN (SELECT rowid FROM persons_name_fts WHERE persons_name_fts MATCH ?)",
                [phrases],
            ));
            if let Some(cond) = name_words_cond(&short) {
                q.cond_where(cond);
            }
        } else if let Some(cond) = name_words_cond(&words) {
            q.cond_where(cond);
        }
    }
    if let Some(hash) = &f.national_id_hash {
        q.and_where(col("p", "national_id_hash").eq(hash.as_str()));
    }
    if let Some(status) = &f.status {
        q.and_where(col("p", "status").eq(status.as_str()));
    }
    for (name, value) in &f.equals {
        let c = checked(columns, name)?;
        q.and_where(col("p", &c.name).eq(crate::projection::value_expr(c.numeric, Some(value))));
    }
    Ok(q)
}

/// One page of persons in scope matching the filter, with the projected `columns`, and the
/// total count (at most `count_cap + 1`). Sorted by the filter's key then the id, rows without a
/// key last (first when descending), the same on both databases.
pub async fn list(
    conn: &mut AnyConnection,
    columns: &[LayoutColumn],
    scope: &Scope,
    f: &PersonFilter,
) -> StoreResult<Listed> {
    let sqlite = conn.backend_name() == "SQLite";
    let (key, nullable) = sort_column(columns, &f.sort)?;
    // Going back reads the list backwards from the cursor, then turns the page round.
    let backwards = matches!(f.keyset, Some(Keyset::Before(_)));
    let ascending = f.descending == backwards;
    let mut q = filtered(sqlite, columns, scope, f)?;
    q.columns(COLUMNS.map(|c| (ident("p"), ident(c))))
        .columns(columns.iter().map(|c| (ident("p"), ident(&c.name))))
        .expr_as(col("p", &key.name), ident("page_key"));
    match &f.keyset {
        Some(Keyset::After(cursor) | Keyset::Before(cursor)) => {
            q.cond_where(beyond(&key, nullable, cursor, ascending));
        }
        None => {
            q.offset(u64::try_from(f.offset).unwrap_or(0));
        }
    }
    let order = if ascending { Order::Asc } else { Order::Desc };
    if nullable {
        let nulls = if ascending {
            NullOrdering::Last
        } else {
            NullOrdering::First
        };
        q.order_by_with_nulls((ident("p"), ident(&key.name)), order.clone(), nulls);
    } else {
        q.order_by((ident("p"), ident(&key.name)), order.clone());
    }
    // One row past the page tells whether more follow.
    let limit = u64::try_from(f.limit).unwrap_or(0);
    q.order_by((ident("p"), ident("id")), order)
        .limit(limit + 1);
    let rows = query::fetch_all(conn, &q).await?;
    let more = rows.len() as u64 > limit;
    let mut people = Vec::with_capacity(rows.len());
    let mut cursors = Vec::with_capacity(rows.len());
    for r in rows.iter().take(rows.len().min(limit as usize)) {
        let person = PersonRow::read(r)?;
        cursors.push(Cursor {
            key: key.read(r, "page_key")?,
            id: person.id,
        });
        people.push(ProjectedPerson {
            person,
            values: read_values(r, columns)?,
        });
    }
    if backwards {
        people.reverse();
        cursors.reverse();
    }

    let matching = filtered(sqlite, columns, scope, f)?;
    let total = match f.count_cap {
        Some(cap) => query::count_up_to(conn, matching, cap).await?,
        None => query::count(conn, matching).await?,
    };
    Ok(Listed {
        people,
        total,
        first: cursors.first().cloned(),
        last: cursors.last().cloned(),
        more,
    })
}

/// The path of the unit that keeps a person's record (for authorization), if the person exists.
pub async fn unit_path_of(conn: &mut AnyConnection, person_id: i64) -> StoreResult<Option<String>> {
    let row = sqlx::query(
        "SELECT u.path FROM persons p JOIN org_units u ON u.id = p.unit_id WHERE p.id = $1",
    )
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.get("path")))
}

/// Is this person inside the scope? (Used before any read or write of one record.)
pub async fn in_scope(
    conn: &mut AnyConnection,
    scope: &Scope,
    person_id: i64,
) -> StoreResult<bool> {
    let mut q = Query::select();
    q.column((ident("p"), ident("id")))
        .from_as(ident("persons"), ident("p"))
        .join_as(
            JoinType::InnerJoin,
            ident("org_units"),
            ident("u"),
            person_unit(),
        )
        .and_where(col("p", "id").eq(person_id));
    if let Some(cond) = scope_cond(scope) {
        q.cond_where(cond);
    }
    Ok(query::fetch_optional(conn, &q).await?.is_some())
}

pub async fn count(conn: &mut AnyConnection) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM persons")
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

pub async fn set_identifier_hash(
    conn: &mut AnyConnection,
    person_id: i64,
    hash: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE persons SET national_id_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Person ids after `after`, ascending, at most `limit` (for batch jobs).
pub async fn ids_after(conn: &mut AnyConnection, after: i64, limit: i64) -> StoreResult<Vec<i64>> {
    let rows = sqlx::query("SELECT id FROM persons WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(after)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
}

/// The records kept in the unit `unit_id` itself (not its subunits), by id, at most `limit`.
pub async fn ids_in_unit(
    conn: &mut AnyConnection,
    unit_id: i64,
    limit: i64,
) -> StoreResult<Vec<i64>> {
    let rows = sqlx::query("SELECT id FROM persons WHERE unit_id = $1 ORDER BY id LIMIT $2")
        .bind(unit_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
}

/// Every word of a folded name query appears in the person's folded name (`p.search_key`), in
/// any order: "dat nguyen" finds "Nguyễn Văn Đạt", as people say tên before họ as often as
/// not. `None` for no words.
pub(crate) fn name_words_cond(words: &[&str]) -> Option<Cond> {
    if words.is_empty() {
        return None;
    }
    Some(words.iter().fold(Cond::all(), |all, word| {
        let escaped = word
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        all.add(col("p", "search_key").like(LikeExpr::new(format!("%{escaped}%")).escape('\\')))
    }))
}

/// [`name_words_cond`] of a folded query's words.
pub(crate) fn name_query_cond(folded: &str) -> Option<Cond> {
    name_words_cond(&folded.split_whitespace().collect::<Vec<_>>())
}

/// The records held of these số định danh hashes: hash → person id.
pub async fn ids_by_national_id_hashes(
    conn: &mut AnyConnection,
    hashes: &[&str],
) -> StoreResult<std::collections::HashMap<String, i64>> {
    let mut found = std::collections::HashMap::new();
    for chunk in hashes.chunks(500) {
        let mut select = Query::select();
        select
            .columns([ident("id"), ident("national_id_hash")])
            .from(ident("persons"))
            .and_where(
                Expr::col(ident("national_id_hash")).is_in(chunk.iter().map(|h| h.to_string())),
            );
        for row in query::fetch_all(conn, &select).await? {
            found.insert(row.try_get("national_id_hash")?, row.try_get("id")?);
        }
    }
    Ok(found)
}
