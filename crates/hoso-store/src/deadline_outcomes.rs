//! The history of the deadlines alerts followed (migration 0014): when each was first seen
//! open and when it cleared, so that whether it was met outlives its alert.

use std::collections::{HashMap, HashSet};

use sea_query::{Order, Query, SelectStatement};
use sqlx::{AnyConnection, Row};

use crate::persons::{Scope, scope_cond, subtree_cond};
use crate::query::{self, Expr, ExprTrait, JoinType, col, ident};
use crate::{StoreError, StoreResult};

/// A deadline an alert shows open on the day of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDeadline {
    pub person_id: i64,
    pub unit_id: i64,
    pub kind: String,
    pub rule_id: String,
    pub rule_name: String,
    /// ISO date.
    pub due: String,
}

type Key = (i64, String, String);

/// Leaves a row of the same person, rule and due date as it is (the unique key of the table).
fn on_key() -> sea_query::OnConflict {
    sea_query::OnConflict::columns(["person_id", "rule_id", "due"].map(ident))
        .do_nothing()
        .to_owned()
}

fn key(person_id: i64, rule_id: &str, due: &str) -> Key {
    (person_id, rule_id.to_string(), due.to_string())
}

/// Brings the history of `person_ids` up to `open`, the deadlines their alerts show on
/// `as_of` (ISO dates throughout): a deadline seen for the first time is opened on `as_of`;
/// one open before and no longer shown is cleared on `done_by`, but never before the day it
/// was first seen; one cleared before and shown again is open again (what satisfied it was
/// undone). Runs in the caller's transaction, with the alerts it replaces: the daily run (as
/// the day begins, `done_by` the day before) and the refresh after an action (`done_by` today).
pub async fn record(
    conn: &mut AnyConnection,
    person_ids: &[i64],
    as_of: &str,
    done_by: &str,
    open: &[OpenDeadline],
) -> StoreResult<()> {
    if person_ids.is_empty() {
        return Ok(());
    }
    // Rows that can change: the open ones, and cleared ones a deadline shown today may reopen
    // (none is due before the earliest due date shown).
    let mut existing: HashMap<Key, Existing> = HashMap::new();
    let earliest = open.iter().map(|o| o.due.as_str()).min();
    for chunk in person_ids.chunks(500) {
        let mut q = Query::select();
        q.columns(
            [
                "id",
                "person_id",
                "unit_id",
                "rule_id",
                "due",
                "first_seen",
                "cleared_on",
            ]
            .map(ident),
        )
        .from(ident("deadline_outcomes"))
        .and_where(Expr::col(ident("person_id")).is_in(chunk.iter().copied()));
        let mut reachable = sea_query::Cond::any().add(Expr::col(ident("cleared_on")).is_null());
        if let Some(earliest) = earliest {
            reachable = reachable.add(Expr::col(ident("due")).gte(earliest));
        }
        q.cond_where(reachable);
        for r in query::fetch_all(conn, &q).await? {
            let cleared: Option<String> = r.try_get("cleared_on")?;
            existing.insert(
                (
                    r.try_get("person_id")?,
                    r.try_get("rule_id")?,
                    r.try_get("due")?,
                ),
                Existing {
                    id: r.try_get("id")?,
                    open: cleared.is_none(),
                    unit_id: r.try_get("unit_id")?,
                    first_seen: r.try_get("first_seen")?,
                },
            );
        }
    }
    let mut shown: HashSet<Key> = HashSet::new();
    for o in open {
        let k = key(o.person_id, &o.rule_id, &o.due);
        if !shown.insert(k.clone()) {
            // Two alerts of one rule and due date for one person (two requests sent the same
            // day): one deadline.
            continue;
        }
        match existing.get(&k) {
            Some(e) => {
                if e.open && e.unit_id == o.unit_id {
                    continue;
                }
                let id = e.id;
                let mut update = Query::update();
                update
                    .table(ident("deadline_outcomes"))
                    .value(ident("unit_id"), o.unit_id)
                    .value(ident("cleared_on"), Option::<String>::None)
                    .and_where(Expr::col(ident("id")).eq(id));
                query::execute(conn, &update).await?;
            }
            // Another writer (the daily run, a refresh after an action) may have opened it
            // since it was read: it is open either way.
            None => insert(conn, o, as_of, None).await?,
        }
    }
    // Grouped by clearing day, so that a run clears its batch in a few statements.
    let mut cleared: HashMap<&str, Vec<i64>> = HashMap::new();
    for (k, e) in &existing {
        if e.open && !shown.contains(k) {
            let day = if done_by < e.first_seen.as_str() {
                e.first_seen.as_str()
            } else {
                done_by
            };
            cleared.entry(day).or_default().push(e.id);
        }
    }
    for (day, ids) in cleared {
        for chunk in ids.chunks(500) {
            let mut update = Query::update();
            update
                .table(ident("deadline_outcomes"))
                .value(ident("cleared_on"), day.to_string())
                .and_where(Expr::col(ident("id")).is_in(chunk.iter().copied()));
            query::execute(conn, &update).await?;
        }
    }
    Ok(())
}

/// A deadline settled when it was met or missed, with no alert before it (recording a
/// decision: Hoso learns of the decision with its recording). `done_on` is an ISO date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettledDeadline {
    pub deadline: OpenDeadline,
    pub done_on: String,
}

/// Keeps settled deadlines, seen and cleared on the day they were done. One already kept for
/// the same person, rule and due date (two decisions falling due the same day) stays as it is:
/// the first to be recorded answered it. Runs in the caller's transaction.
pub async fn record_settled(
    conn: &mut AnyConnection,
    settled: &[SettledDeadline],
) -> StoreResult<()> {
    for s in settled {
        insert(conn, &s.deadline, &s.done_on, Some(&s.done_on)).await?;
    }
    Ok(())
}

/// Adds a deadline first seen on `first_seen` (cleared on `cleared_on`, when given), unless one
/// of the same person, rule and due date is kept already.
async fn insert(
    conn: &mut AnyConnection,
    d: &OpenDeadline,
    first_seen: &str,
    cleared_on: Option<&str>,
) -> StoreResult<()> {
    let mut insert = Query::insert();
    insert
        .into_table(ident("deadline_outcomes"))
        .columns(
            [
                "person_id",
                "unit_id",
                "kind",
                "rule_id",
                "rule_name",
                "due",
                "first_seen",
                "cleared_on",
            ]
            .map(ident),
        )
        .values([
            Expr::val(d.person_id),
            Expr::val(d.unit_id),
            Expr::val(d.kind.clone()),
            Expr::val(d.rule_id.clone()),
            Expr::val(d.rule_name.clone()),
            Expr::val(d.due.clone()),
            Expr::val(first_seen),
            Expr::val(cleared_on),
        ])
        .map_err(|e| StoreError::Invalid(format!("deadline_outcomes: {e}")))?
        .on_conflict(on_key());
    query::execute(conn, &insert).await?;
    Ok(())
}

/// A stored deadline that today's run may change.
struct Existing {
    id: i64,
    open: bool,
    unit_id: i64,
    first_seen: String,
}

/// Which deadlines to count: those due from `from` to `to` (ISO dates, both included).
#[derive(Debug, Clone, Default)]
pub struct OutcomeFilter {
    pub from: String,
    pub to: String,
    /// Only this unit and below.
    pub unit_path: Option<String>,
}

/// How many deadlines of one rule, in one unit, fell due on `due` and cleared on `cleared_on`
/// (`None`: still open).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutcomeGroup {
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub rule_id: String,
    pub rule_name: String,
    pub due: String,
    pub cleared_on: Option<String>,
    pub count: i64,
}

fn filtered(scope: &Scope, f: &OutcomeFilter) -> SelectStatement {
    let mut q = Query::select();
    q.from_as(ident("deadline_outcomes"), ident("o"))
        .join_as(
            JoinType::InnerJoin,
            ident("persons"),
            ident("p"),
            col("p", "id").equals((ident("o"), ident("person_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            ident("org_units"),
            ident("u"),
            col("u", "id").equals((ident("o"), ident("unit_id"))),
        )
        .and_where(col("o", "due").gte(f.from.as_str()))
        .and_where(col("o", "due").lte(f.to.as_str()));
    if let Some(cond) = scope_cond(scope) {
        q.cond_where(cond);
    }
    if let Some(path) = &f.unit_path {
        q.cond_where(subtree_cond(path));
    }
    q
}

/// The deadlines of the filter in `scope`, counted by unit, rule, due date and clearing day —
/// the grain at which lateness in working days is computed (on the holiday calendar, by the
/// caller). At most `limit` groups, in unit, rule and date order.
pub async fn groups(
    conn: &mut AnyConnection,
    scope: &Scope,
    f: &OutcomeFilter,
    limit: u64,
) -> StoreResult<Vec<OutcomeGroup>> {
    let mut q = filtered(scope, f);
    q.column((ident("o"), ident("unit_id")))
        .expr_as(col("u", "name"), ident("unit_name"))
        .expr_as(col("u", "path"), ident("unit_path"))
        .columns(["rule_id", "due", "cleared_on"].map(|c| (ident("o"), ident(c))))
        .expr_as(Expr::cust("MIN(o.rule_name)"), ident("rule_name"))
        .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), ident("n"))
        .group_by_col((ident("o"), ident("unit_id")))
        .group_by_col((ident("u"), ident("name")))
        .group_by_col((ident("u"), ident("path")))
        .group_by_col((ident("o"), ident("rule_id")))
        .group_by_col((ident("o"), ident("due")))
        .group_by_col((ident("o"), ident("cleared_on")))
        .order_by((ident("u"), ident("path")), Order::Asc)
        .order_by((ident("o"), ident("rule_id")), Order::Asc)
        .order_by((ident("o"), ident("due")), Order::Asc)
        .limit(limit);
    query::fetch_all(conn, &q)
        .await?
        .iter()
        .map(|r| {
            Ok(OutcomeGroup {
                unit_id: r.try_get("unit_id")?,
                unit_name: r.try_get("unit_name")?,
                unit_path: r.try_get("unit_path")?,
                rule_id: r.try_get("rule_id")?,
                rule_name: r.try_get("rule_name")?,
                due: r.try_get("due")?,
                cleared_on: r.try_get("cleared_on")?,
                count: r.try_get("n")?,
            })
        })
        .collect()
}
