//! Stored alerts.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::StoreResult;
use sea_query::{Order, Query, SelectStatement};

use crate::persons::{Scope, scope_cond, subtree_cond};
use crate::query::{self, Cond, Expr, ExprTrait, JoinType, col, ident};

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
    /// `false` (the default): the open alerts; `true`: those marked as dealt with.
    pub handled: bool,
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
    /// The mark that it was dealt with: by whom (account id), when (ms) and the note.
    pub handled: Option<Handled>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Handled {
    pub by: i64,
    pub at: i64,
    pub note: String,
}

/// `alerts a` with their person and unit, filtered.
fn filtered(scope: &Scope, f: &AlertFilter) -> SelectStatement {
    let mut q = Query::select();
    q.from_as(ident("alerts"), ident("a"))
        .join_as(
            JoinType::InnerJoin,
            ident("persons"),
            ident("p"),
            col("p", "id").equals((ident("a"), ident("person_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            ident("org_units"),
            ident("u"),
            col("u", "id").equals((ident("a"), ident("unit_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            ident("alert_handled"),
            ident("h"),
            Cond::all()
                .add(col("h", "person_id").equals((ident("a"), ident("person_id"))))
                .add(col("h", "kind").equals((ident("a"), ident("kind"))))
                .add(col("h", "due").equals((ident("a"), ident("due")))),
        );
    if f.handled {
        q.and_where(col("h", "person_id").is_not_null());
    } else {
        q.and_where(col("h", "person_id").is_null());
    }
    if let Some(cond) = scope_cond(scope) {
        q.cond_where(cond);
    }
    if let Some(path) = &f.unit_path {
        q.cond_where(subtree_cond(path));
    }
    if let Some(kind) = &f.kind {
        q.and_where(col("a", "kind").eq(kind.as_str()));
    }
    if let Some(before) = &f.due_before {
        q.and_where(col("a", "due").lte(before.as_str()));
    }
    q
}

pub async fn list(
    conn: &mut AnyConnection,
    scope: &Scope,
    f: &AlertFilter,
) -> StoreResult<(Vec<AlertListRow>, i64)> {
    let mut q = filtered(scope, f);
    q.columns(
        [
            "person_id",
            "unit_id",
            "kind",
            "due",
            "message",
            "legal_basis",
        ]
        .map(|c| (ident("a"), ident(c))),
    )
    .column((ident("p"), ident("full_name")))
    .expr_as(col("u", "name"), ident("unit_name"))
    .expr_as(col("h", "handled_by"), ident("handled_by"))
    .expr_as(col("h", "handled_at"), ident("handled_at"))
    .expr_as(col("h", "note"), ident("handled_note"))
    .order_by((ident("a"), ident("due")), Order::Asc)
    .order_by((ident("a"), ident("person_id")), Order::Asc)
    .limit(u64::try_from(f.limit.clamp(0, 10_000)).unwrap_or(0))
    .offset(u64::try_from(f.offset).unwrap_or(0));
    let rows = query::fetch_all(conn, &q).await?;
    let total = query::count(conn, filtered(scope, f)).await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(AlertListRow {
                person_id: r.try_get("person_id")?,
                full_name: r.try_get("full_name")?,
                unit_id: r.try_get("unit_id")?,
                unit_name: r.try_get("unit_name")?,
                kind: r.try_get("kind")?,
                due: r.try_get("due")?,
                message: r.try_get("message")?,
                legal_basis: r.try_get("legal_basis")?,
                handled: match r.try_get::<Option<i64>, _>("handled_by")? {
                    Some(by) => Some(Handled {
                        by,
                        at: r.try_get("handled_at")?,
                        note: r.try_get("handled_note")?,
                    }),
                    None => None,
                },
            })
        })
        .collect::<StoreResult<_>>()?;
    Ok((items, total))
}

/// Whether `person_id` has a stored alert of `kind` due on `due` (ISO).
pub async fn exists(
    conn: &mut AnyConnection,
    person_id: i64,
    kind: &str,
    due: &str,
) -> StoreResult<bool> {
    let found = sqlx::query("SELECT 1 FROM alerts WHERE person_id = $1 AND kind = $2 AND due = $3")
        .bind(person_id)
        .bind(kind)
        .bind(due)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// Marks an alert as dealt with (a second mark replaces the first's author, time and note).
pub async fn mark_handled(
    conn: &mut AnyConnection,
    person_id: i64,
    kind: &str,
    due: &str,
    handled: &Handled,
) -> StoreResult<()> {
    unmark_handled(conn, person_id, kind, due).await?;
    sqlx::query(
        "INSERT INTO alert_handled (person_id, kind, due, handled_by, handled_at, note) VALUES ($1,$2,$3,$4,$5,$6)",
    )
    .bind(person_id)
    .bind(kind)
    .bind(due)
    .bind(handled.by)
    .bind(handled.at)
    .bind(&handled.note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Takes the mark back; whether there was one.
pub async fn unmark_handled(
    conn: &mut AnyConnection,
    person_id: i64,
    kind: &str,
    due: &str,
) -> StoreResult<bool> {
    let done =
        sqlx::query("DELETE FROM alert_handled WHERE person_id = $1 AND kind = $2 AND due = $3")
            .bind(person_id)
            .bind(kind)
            .bind(due)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// Open alert counts per kind in scope (those marked as dealt with are not counted).
pub async fn summary(conn: &mut AnyConnection, scope: &Scope) -> StoreResult<Vec<(String, i64)>> {
    let mut q = filtered(scope, &AlertFilter::default());
    q.column((ident("a"), ident("kind")))
        .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), ident("n"))
        .group_by_col((ident("a"), ident("kind")))
        .order_by((ident("a"), ident("kind")), Order::Asc);
    let rows = query::fetch_all(conn, &q).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("kind")?, r.try_get("n")?)))
        .collect()
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
            "SELECT p.id, p.created_at, (SELECT MIN(a.created_at) FROM accounts a WHERE a.person_id = p.id) AS account_created_at \
             FROM persons p WHERE p.id IN ({})",
            list.join(",")
        );
        for r in sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await?
        {
            out.insert(
                r.get::<i64, _>("id"),
                (r.get("created_at"), r.get("account_created_at")),
            );
        }
    }
    Ok(out)
}
