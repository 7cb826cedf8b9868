//! Aggregates over the persons projection for dashboards: counts grouped by one column, always
//! restricted to a [`Scope`]. Plain SQL with `$n` placeholders, the same on both databases.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::StoreResult;
use crate::org::subtree_range;
use crate::persons::Scope;

/// What to group by. Closed list: nothing from a request reaches the SQL text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Status,
    Gender,
    RankCode,
    PersonnelCategory,
    /// The top-level unit under the scope's roots is computed by the caller from unit ids.
    Unit,
    /// Year of birth (first four characters of the ISO date).
    BirthYear,
    /// Year of birth, of people of one gender code only (`nam` / `nu`).
    BirthYearOf(&'static str),
}

impl GroupBy {
    fn expr(self) -> &'static str {
        match self {
            GroupBy::Status => "p.status",
            GroupBy::Gender => "p.gender",
            GroupBy::RankCode => "p.rank_code",
            GroupBy::PersonnelCategory => "p.personnel_category",
            GroupBy::Unit => "CAST(p.unit_id AS TEXT)",
            GroupBy::BirthYear | GroupBy::BirthYearOf(_) => "substr(p.date_of_birth, 1, 4)",
        }
    }
}

/// Counts of persons in `scope` (optionally only those with `status`) grouped by `by`; `None`
/// keys are the people with no value. Largest groups first.
pub async fn count_by(
    conn: &mut AnyConnection,
    scope: &Scope,
    status: Option<&str>,
    by: GroupBy,
) -> StoreResult<Vec<(Option<String>, i64)>> {
    let mut args: Vec<Arg> = Vec::new();
    let mut conds: Vec<String> = Vec::new();
    if !scope.everything {
        let mut ors = Vec::new();
        for p in &scope.subtrees {
            let (lo, hi) = subtree_range(p);
            args.push(Arg::Text(lo));
            let a = args.len();
            args.push(Arg::Text(hi));
            let b = args.len();
            ors.push(format!("(u.path >= ${a} AND u.path < ${b})"));
        }
        for id in &scope.persons {
            args.push(Arg::Int(*id));
            ors.push(format!("p.id = ${}", args.len()));
        }
        if ors.is_empty() {
            ors.push("1 = 0".into());
        }
        conds.push(format!("({})", ors.join(" OR ")));
    }
    if let Some(s) = status {
        args.push(Arg::Text(s.to_string()));
        conds.push(format!("p.status = ${}", args.len()));
    }
    if let GroupBy::BirthYearOf(g) = by {
        args.push(Arg::Text(g.to_string()));
        conds.push(format!("p.gender = ${}", args.len()));
    }
    let expr = by.expr();
    let mut sql = format!(
        "SELECT {expr} AS k, CAST(COUNT(*) AS BIGINT) AS n FROM persons p JOIN org_units u ON u.id = p.unit_id"
    );
    if !conds.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conds.join(" AND "));
    }
    sql.push_str(&format!(" GROUP BY {expr} ORDER BY n DESC, k"));
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for a in &args {
        q = match a {
            Arg::Text(s) => q.bind(s.clone()),
            Arg::Int(i) => q.bind(*i),
        };
    }
    let rows = q.fetch_all(&mut *conn).await?;
    Ok(rows
        .iter()
        .map(|r| (r.get::<Option<String>, _>(0), r.get::<i64, _>(1)))
        .collect())
}

enum Arg {
    Text(String),
    Int(i64),
}
