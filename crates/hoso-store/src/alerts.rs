//! Stored alerts.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::StoreResult;
use crate::org::subtree_range;
use crate::persons::{Arg, Scope, Sql, bind_all, scope_condition};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AlertRow {
    pub person_id: i64,
    pub unit_id: i64,
    pub kind: String,
    pub due: String,
    pub message: String,
    pub legal_basis: String,
    pub computed_for: String,
}

/// Replaces the alerts of these persons by `rows`.
pub async fn replace_for(
    conn: &mut AnyConnection,
    person_ids: &[i64],
    rows: &[AlertRow],
) -> StoreResult<()> {
    for chunk in person_ids.chunks(500) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let sql = format!("DELETE FROM alerts WHERE person_id IN ({})", list.join(","));
        sqlx::query(AssertSqlSafe(sql)).execute(&mut *conn).await?;
    }
    for r in rows {
        sqlx::query(
            "INSERT INTO alerts (person_id, unit_id, kind, due, message, legal_basis, computed_for) VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(r.person_id)
        .bind(r.unit_id)
        .bind(&r.kind)
        .bind(&r.due)
        .bind(&r.message)
        .bind(&r.legal_basis)
        .bind(&r.computed_for)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub kind: Option<String>,
    pub unit_path: Option<String>,
    pub due_before: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AlertListRow {
    pub person_id: i64,
    pub full_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub kind: String,
    pub due: String,
    pub message: String,
    pub legal_basis: String,
}

fn conditions(scope: &Scope, f: &AlertFilter, sql: &mut Sql) {
    let mut conds: Vec<String> = scope_condition(scope, sql).into_iter().collect();
    if let Some(path) = &f.unit_path {
        let (lo, hi) = subtree_range(path);
        let a = sql.push_arg(Arg::Text(lo));
        let b = sql.push_arg(Arg::Text(hi));
        conds.push(format!("u.path >= {a} AND u.path < {b}"));
    }
    if let Some(kind) = &f.kind {
        let a = sql.push_arg(Arg::Text(kind.clone()));
        conds.push(format!("a.kind = {a}"));
    }
    if let Some(before) = &f.due_before {
        let a = sql.push_arg(Arg::Text(before.clone()));
        conds.push(format!("a.due <= {a}"));
    }
    if !conds.is_empty() {
        sql.text
            .push_str(&format!(" WHERE {}", conds.join(" AND ")));
    }
}

fn query(text: String) -> Sql {
    Sql {
        text,
        args: vec![],
        sqlite: false,
    }
}

const FROM: &str =
    "FROM alerts a JOIN persons p ON p.id = a.person_id JOIN org_units u ON u.id = a.unit_id";

pub async fn list(
    conn: &mut AnyConnection,
    scope: &Scope,
    f: &AlertFilter,
) -> StoreResult<(Vec<AlertListRow>, i64)> {
    let mut sql = query(format!(
        "SELECT a.person_id, p.full_name, a.unit_id, u.name, a.kind, a.due, a.message, a.legal_basis {FROM}"
    ));
    conditions(scope, f, &mut sql);
    sql.text.push_str(&format!(
        " ORDER BY a.due, a.person_id LIMIT {} OFFSET {}",
        f.limit.clamp(0, 10_000),
        f.offset.max(0)
    ));
    let rows = bind_all(sqlx::query(AssertSqlSafe(sql.text.clone())), &sql.args)
        .fetch_all(&mut *conn)
        .await?;
    let mut count = query(format!("SELECT CAST(COUNT(*) AS BIGINT) {FROM}"));
    conditions(scope, f, &mut count);
    let total: i64 = bind_all(sqlx::query(AssertSqlSafe(count.text.clone())), &count.args)
        .fetch_one(&mut *conn)
        .await?
        .get(0);
    let items = rows
        .iter()
        .map(|r| AlertListRow {
            person_id: r.get(0),
            full_name: r.get(1),
            unit_id: r.get(2),
            unit_name: r.get(3),
            kind: r.get(4),
            due: r.get(5),
            message: r.get(6),
            legal_basis: r.get(7),
        })
        .collect();
    Ok((items, total))
}

/// Alert counts per kind in scope.
pub async fn summary(conn: &mut AnyConnection, scope: &Scope) -> StoreResult<Vec<(String, i64)>> {
    let mut sql = query(format!("SELECT a.kind, CAST(COUNT(*) AS BIGINT) {FROM}"));
    conditions(scope, &AlertFilter::default(), &mut sql);
    sql.text.push_str(" GROUP BY a.kind ORDER BY a.kind");
    let rows = bind_all(sqlx::query(AssertSqlSafe(sql.text.clone())), &sql.args)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// For each of `person_ids`: when the record was created and when the person's own account was
/// (the first one; `None` without an account), in ms — the triggers of the deadline rules.
pub async fn creation_times(
    conn: &mut AnyConnection,
    person_ids: &[i64],
) -> StoreResult<std::collections::HashMap<i64, (i64, Option<i64>)>> {
    let mut out = std::collections::HashMap::new();
    for chunk in person_ids.chunks(500) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let sql = format!(
            "SELECT p.id, p.created_at, (SELECT MIN(a.created_at) FROM accounts a WHERE a.person_id = p.id) \
             FROM persons p WHERE p.id IN ({})",
            list.join(",")
        );
        for r in sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await?
        {
            out.insert(r.get::<i64, _>(0), (r.get(1), r.get(2)));
        }
    }
    Ok(out)
}
