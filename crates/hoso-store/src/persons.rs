//! Persons: the current-state projection (for lists, search, statistics) and the immutable,
//! hash-chained record versions it is projected from.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::{StoreResult, org::subtree_range};

/// The columns projected from a record document, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ProjectionRow {
    pub full_name: String,
    pub gender: Option<String>,
    pub date_of_birth: Option<String>,
    pub personnel_category: Option<String>,
    pub rank_code: Option<String>,
    pub salary_step: Option<i64>,
    pub salary_coefficient: Option<i64>,
    pub ethnicity_code: Option<String>,
    pub highest_qualification: Option<String>,
    pub political_theory: Option<String>,
    pub current_position: Option<String>,
    pub first_recruitment_date: Option<String>,
}

impl ProjectionRow {
    /// Binds the projected columns in table order: full_name, search_key, gender, date_of_birth,
    /// personnel_category, rank_code, salary_step, salary_coefficient, ethnicity_code,
    /// highest_qualification, political_theory, current_position, first_recruitment_date.
    pub(crate) fn bind<'q>(
        &'q self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        q.bind(&self.full_name)
            .bind(hoso_domain::search_key::fold(&self.full_name))
            .bind(&self.gender)
            .bind(&self.date_of_birth)
            .bind(&self.personnel_category)
            .bind(&self.rank_code)
            .bind(self.salary_step)
            .bind(self.salary_coefficient)
            .bind(&self.ethnicity_code)
            .bind(&self.highest_qualification)
            .bind(&self.political_theory)
            .bind(&self.current_position)
            .bind(&self.first_recruitment_date)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PersonRow {
    pub id: i64,
    pub unit_id: i64,
    pub status: String,
    pub current_version: i64,
    pub updated_at: i64,
    #[serde(flatten)]
    pub projection: ProjectionRow,
}

const COLUMNS: &str = "id, unit_id, status, current_version, updated_at, full_name, gender, date_of_birth, \
    personnel_category, rank_code, salary_step, salary_coefficient, ethnicity_code, highest_qualification, \
    political_theory, current_position, first_recruitment_date";

fn row(r: &AnyRow) -> PersonRow {
    PersonRow {
        id: r.get(0),
        unit_id: r.get(1),
        status: r.get(2),
        current_version: r.get(3),
        updated_at: r.get(4),
        projection: ProjectionRow {
            full_name: r.get(5),
            gender: r.get(6),
            date_of_birth: r.get(7),
            personnel_category: r.get(8),
            rank_code: r.get(9),
            salary_step: r.get(10),
            salary_coefficient: r.get(11),
            ethnicity_code: r.get(12),
            highest_qualification: r.get(13),
            political_theory: r.get(14),
            current_position: r.get(15),
            first_recruitment_date: r.get(16),
        },
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
    pub projection: &'a ProjectionRow,
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

/// Inserts the person row (version 0: no version yet). The caller adds version 1 in the same
/// transaction.
pub async fn insert(conn: &mut AnyConnection, new: NewPerson<'_>) -> StoreResult<i64> {
    let now = crate::now_ms();
    let p = new.projection;
    let q = sqlx::query(
        "INSERT INTO persons (national_id_hash, unit_id, status, full_name, search_key, gender, date_of_birth, \
         personnel_category, rank_code, salary_step, salary_coefficient, ethnicity_code, highest_qualification, \
         political_theory, current_position, first_recruitment_date, current_version, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,0,$17,$17) RETURNING id",
    )
    .bind(new.national_id_hash)
    .bind(new.unit_id)
    .bind(new.status);
    let id: i64 = p.bind(q).bind(now).fetch_one(&mut *conn).await?.get(0);
    Ok(id)
}

/// Rewrites the projection of a person from a newly approved version.
pub async fn set_projection(
    conn: &mut AnyConnection,
    person_id: i64,
    version: i64,
    unit_id: i64,
    status: &str,
    p: &ProjectionRow,
) -> StoreResult<()> {
    let q = sqlx::query(
        "UPDATE persons SET unit_id=$1, status=$2, full_name=$3, search_key=$4, gender=$5, date_of_birth=$6, \
         personnel_category=$7, rank_code=$8, salary_step=$9, salary_coefficient=$10, ethnicity_code=$11, \
         highest_qualification=$12, political_theory=$13, current_position=$14, first_recruitment_date=$15, \
         current_version=$16, updated_at=$17 WHERE id=$18",
    )
    .bind(unit_id)
    .bind(status);
    p.bind(q)
        .bind(version)
        .bind(crate::now_ms())
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<PersonRow>> {
    let sql = format!("SELECT {COLUMNS} FROM persons WHERE id = $1");
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(row))
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

/// Sortable columns of the staff list. Anything else is refused before it reaches SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PersonSort {
    #[default]
    Name,
    DateOfBirth,
    Rank,
    Updated,
}

impl PersonSort {
    pub fn parse(s: &str) -> Option<PersonSort> {
        match s {
            "name" => Some(PersonSort::Name),
            "date_of_birth" => Some(PersonSort::DateOfBirth),
            "rank" => Some(PersonSort::Rank),
            "updated" => Some(PersonSort::Updated),
            _ => None,
        }
    }

    fn column(self) -> &'static str {
        match self {
            PersonSort::Name => "search_key",
            PersonSort::DateOfBirth => "date_of_birth",
            PersonSort::Rank => "rank_code",
            PersonSort::Updated => "updated_at",
        }
    }
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
    pub rank_code: Option<String>,
    pub personnel_category: Option<String>,
    pub gender: Option<String>,
    pub sort: PersonSort,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

/// A query under construction with numbered placeholders.
pub(crate) struct Sql {
    pub(crate) text: String,
    pub(crate) args: Vec<Arg>,
    /// SQLite answers substring search from its FTS5 index.
    pub(crate) sqlite: bool,
}

pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

impl Sql {
    pub(crate) fn push_arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }
}

/// The persons table, joined to the units only when a subtree condition needs their paths.
fn from_clause(scope: &Scope, f: &PersonFilter) -> &'static str {
    if f.unit_path.is_some() || (!scope.everything && !scope.subtrees.is_empty()) {
        "FROM persons p JOIN org_units u ON u.id = p.unit_id"
    } else {
        "FROM persons p"
    }
}

/// The condition limiting rows to a scope, over `persons p` joined to `org_units u` (`None`
/// for the whole province). Shared by every query that lists people or their data.
pub(crate) fn scope_condition(scope: &Scope, sql: &mut Sql) -> Option<String> {
    if scope.everything {
        return None;
    }
    let mut ors = Vec::new();
    for p in &scope.subtrees {
        let (lo, hi) = subtree_range(p);
        let a = sql.push_arg(Arg::Text(lo));
        let b = sql.push_arg(Arg::Text(hi));
        ors.push(format!("(u.path >= {a} AND u.path < {b})"));
    }
    if !scope.persons.is_empty() {
        let list: Vec<String> = scope
            .persons
            .iter()
            .map(|id| sql.push_arg(Arg::Int(*id)))
            .collect();
        ors.push(format!("p.id IN ({})", list.join(", ")));
    }
    if ors.is_empty() {
        ors.push("1 = 0".into());
    }
    Some(format!("({})", ors.join(" OR ")))
}

/// Appends the WHERE clause; returns whether it wrote one.
fn where_clause(scope: &Scope, f: &PersonFilter, sql: &mut Sql) -> bool {
    let mut conds: Vec<String> = Vec::new();
    conds.extend(scope_condition(scope, sql));
    if let Some(path) = &f.unit_path {
        let (lo, hi) = subtree_range(path);
        let a = sql.push_arg(Arg::Text(lo));
        let b = sql.push_arg(Arg::Text(hi));
        conds.push(format!("u.path >= {a} AND u.path < {b}"));
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        if sql.sqlite && q.chars().count() >= 3 {
            // The FTS5 trigram index finds substrings; a phrase in double quotes matches the
            // text as typed (quotes inside are doubled).
            let phrase = format!("\"{}\"", q.replace('"', "\"\""));
            let a = sql.push_arg(Arg::Text(phrase));
            conds.push(format!(
                "p.id IN (SELECT rowid FROM persons_name_fts WHERE persons_name_fts MATCH {a})"
            ));
        } else {
            let escaped = q
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let a = sql.push_arg(Arg::Text(format!("%{escaped}%")));
            conds.push(format!("p.search_key LIKE {a} ESCAPE '\\'"));
        }
    }
    if let Some(hash) = &f.national_id_hash {
        let a = sql.push_arg(Arg::Text(hash.clone()));
        conds.push(format!("p.national_id_hash = {a}"));
    }
    for (col, val) in [
        ("p.status", &f.status),
        ("p.rank_code", &f.rank_code),
        ("p.personnel_category", &f.personnel_category),
        ("p.gender", &f.gender),
    ] {
        if let Some(v) = val {
            let a = sql.push_arg(Arg::Text(v.clone()));
            conds.push(format!("{col} = {a}"));
        }
    }
    if conds.is_empty() {
        return false;
    }
    sql.text.push_str(" WHERE ");
    sql.text.push_str(&conds.join(" AND "));
    true
}

pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for a in args {
        q = match a {
            Arg::Text(s) => q.bind(s.as_str()),
            Arg::Int(i) => q.bind(*i),
        };
    }
    q
}

/// One page of persons in scope matching the filter, and the total count.
pub async fn list(
    conn: &mut AnyConnection,
    scope: &Scope,
    f: &PersonFilter,
) -> StoreResult<(Vec<PersonRow>, i64)> {
    let prefixed: String = COLUMNS
        .split(", ")
        .map(|c| format!("p.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sqlite = conn.backend_name() == "SQLite";
    let from = from_clause(scope, f);
    let mut sql = Sql {
        text: format!("SELECT {prefixed} {from}"),
        args: vec![],
        sqlite,
    };
    where_clause(scope, f, &mut sql);
    let dir = if f.descending { "DESC" } else { "ASC" };
    sql.text.push_str(&format!(
        " ORDER BY p.{} {dir}, p.id {dir}",
        f.sort.column()
    ));
    let limit = sql.push_arg(Arg::Int(f.limit));
    let offset = sql.push_arg(Arg::Int(f.offset));
    sql.text
        .push_str(&format!(" LIMIT {limit} OFFSET {offset}"));
    let rows = bind_all(sqlx::query(AssertSqlSafe(sql.text.clone())), &sql.args)
        .fetch_all(&mut *conn)
        .await?;

    let mut count = Sql {
        text: format!("SELECT CAST(COUNT(*) AS BIGINT) {from}"),
        args: vec![],
        sqlite,
    };
    where_clause(scope, f, &mut count);
    let total: i64 = bind_all(sqlx::query(AssertSqlSafe(count.text.clone())), &count.args)
        .fetch_one(&mut *conn)
        .await?
        .get(0);
    Ok((rows.iter().map(row).collect(), total))
}

/// Is this person inside the scope? (Used before any read or write of one record.)
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

pub async fn in_scope(
    conn: &mut AnyConnection,
    scope: &Scope,
    person_id: i64,
) -> StoreResult<bool> {
    let sqlite = conn.backend_name() == "SQLite";
    let mut sql = Sql {
        text: "SELECT p.id FROM persons p JOIN org_units u ON u.id = p.unit_id".into(),
        args: vec![],
        sqlite,
    };
    let has_where = where_clause(scope, &PersonFilter::default(), &mut sql);
    let id = sql.push_arg(Arg::Int(person_id));
    sql.text.push_str(if has_where {
        " AND p.id = "
    } else {
        " WHERE p.id = "
    });
    sql.text.push_str(&id);
    let found = bind_all(sqlx::query(AssertSqlSafe(sql.text.clone())), &sql.args)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
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
    Ok(rows.iter().map(|r| r.get(0)).collect())
}
