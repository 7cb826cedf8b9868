//! Organisation units and their effective-dated history.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreResult;
use crate::query::{self, Expr, ExprTrait, Query, ident};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrgUnitRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub path: String,
    pub depth: i64,
    pub valid_from: String,
    pub dissolved_on: Option<String>,
}

impl OrgUnitRow {
    /// Whether the unit existed on `day` (ISO): set up by then, not dissolved before.
    pub fn existed_on(&self, day: &str) -> bool {
        self.valid_from.as_str() <= day && self.dissolved_on.as_deref().is_none_or(|d| day < d)
    }
}

const COLUMNS: &str = "id, parent_id, code, name, kind, path, depth, valid_from, dissolved_on";

fn row(r: &AnyRow) -> OrgUnitRow {
    OrgUnitRow {
        id: r.get("id"),
        parent_id: r.get("parent_id"),
        code: r.get("code"),
        name: r.get("name"),
        kind: r.get("kind"),
        path: r.get("path"),
        depth: r.get("depth"),
        valid_from: r.get("valid_from"),
        dissolved_on: r.get("dissolved_on"),
    }
}

/// The half-open range of paths in the subtree of `path` (`/1/5/` → [`/1/5/`, `/1/50`)): `/` is
/// the byte just below `0`, so every descendant path sorts inside it and no sibling does.
pub fn subtree_range(path: &str) -> (String, String) {
    let upper = format!("{}0", &path[..path.len() - 1]);
    (path.to_string(), upper)
}

pub struct NewOrgUnit<'a> {
    pub parent: Option<&'a OrgUnitRow>,
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub valid_from: &'a str,
    pub actor_id: Option<i64>,
    pub decision_ref: Option<&'a str>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    new: NewOrgUnit<'_>,
    at: i64,
) -> StoreResult<OrgUnitRow> {
    // The path needs the id, which the insert gives: write a placeholder, then set it.
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO org_units (parent_id, code, name, search_key, kind, path, depth, valid_from, created_at) \
         VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8) RETURNING id",
    )
    .bind(new.parent.map(|p| p.id))
    .bind(new.code)
    .bind(new.name)
    .bind(hoso_domain::search_key::fold(new.name))
    .bind(new.kind)
    .bind(new.parent.map_or(0, |p| p.depth + 1))
    .bind(new.valid_from)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    let path = match new.parent {
        Some(p) => hoso_domain::org::child_path(&p.path, id),
        None => hoso_domain::org::root_path(id),
    };
    sqlx::query("UPDATE org_units SET path = $1 WHERE id = $2")
        .bind(&path)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    record_history(
        conn,
        id,
        "created",
        new.valid_from,
        new.name,
        new.kind,
        new.parent.map(|p| p.id),
        new.actor_id,
        new.decision_ref,
        at,
    )
    .await?;
    get(conn, id)
        .await?
        .ok_or_else(|| crate::StoreError::Corrupt("unit vanished".into()))
}

/// A change of a unit that names other units: which units it went into or received.
pub struct LinkedChange<'a> {
    pub unit: &'a OrgUnitRow,
    /// `merged_into`, `merged_from`, `split_into`, `split_from`.
    pub change: &'a str,
    pub effective_on: &'a str,
    pub related: &'a [i64],
    pub actor_id: Option<i64>,
    pub decision_ref: Option<&'a str>,
}

/// Records a [`LinkedChange`] in the unit's history, with the unit as it stands.
pub async fn record_linked_change(
    conn: &mut AnyConnection,
    c: LinkedChange<'_>,
    at: i64,
) -> StoreResult<()> {
    let related = c
        .related
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    sqlx::query(
        "INSERT INTO org_unit_history (unit_id, change, effective_on, name, kind, parent_id, actor_id, decision_ref, recorded_at, related_unit_ids) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(c.unit.id)
    .bind(c.change)
    .bind(c.effective_on)
    .bind(&c.unit.name)
    .bind(&c.unit.kind)
    .bind(c.unit.parent_id)
    .bind(c.actor_id)
    .bind(c.decision_ref)
    .bind(at)
    .bind(related)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn record_history(
    conn: &mut AnyConnection,
    unit_id: i64,
    change: &str,
    effective_on: &str,
    name: &str,
    kind: &str,
    parent_id: Option<i64>,
    actor_id: Option<i64>,
    decision_ref: Option<&str>,
    at: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO org_unit_history (unit_id, change, effective_on, name, kind, parent_id, actor_id, decision_ref, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(unit_id)
    .bind(change)
    .bind(effective_on)
    .bind(name)
    .bind(kind)
    .bind(parent_id)
    .bind(actor_id)
    .bind(decision_ref)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<OrgUnitRow>> {
    let sql = format!("SELECT {COLUMNS} FROM org_units WHERE id = $1");
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(row))
}

/// The units of these ids that exist, in no particular order: one read for a page's units.
pub async fn get_many(conn: &mut AnyConnection, ids: &[i64]) -> StoreResult<Vec<OrgUnitRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::select();
    q.columns(COLUMNS.split(", ").map(ident))
        .from(ident("org_units"))
        .and_where(Expr::col(ident("id")).is_in(ids.iter().copied()));
    Ok(query::fetch_all(conn, &q).await?.iter().map(row).collect())
}

/// The names these units had on `day` (ISO), from their history: the last change in effect by
/// then. A unit not set up yet on that day has none.
pub async fn names_on(
    conn: &mut AnyConnection,
    ids: &[i64],
    day: &str,
) -> StoreResult<std::collections::HashMap<i64, String>> {
    let mut names = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let mut q = Query::select();
        q.columns([ident("unit_id"), ident("name")])
            .from(ident("org_unit_history"))
            .and_where(Expr::col(ident("unit_id")).is_in(chunk.iter().copied()))
            .and_where(Expr::col(ident("effective_on")).lte(day))
            .order_by(ident("effective_on"), sea_query::Order::Asc)
            .order_by(ident("id"), sea_query::Order::Asc);
        for r in query::fetch_all(conn, &q).await? {
            names.insert(r.try_get("unit_id")?, r.try_get("name")?);
        }
    }
    Ok(names)
}

/// A unit as it stood on a day, from its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitOnDay {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
}

/// Every unit that existed on `day` (ISO), as it stood then: the last change of its history in
/// effect by that day, unless that change dissolved it (a unit dissolved, merged away or split
/// up is gone from its effective date on).
pub async fn tree_on(
    conn: &mut AnyConnection,
    day: &str,
) -> StoreResult<std::collections::HashMap<i64, UnitOnDay>> {
    let mut q = Query::select();
    q.columns([
        ident("unit_id"),
        ident("change"),
        ident("name"),
        ident("kind"),
        ident("parent_id"),
    ])
    .from(ident("org_unit_history"))
    .and_where(Expr::col(ident("effective_on")).lte(day))
    .order_by(ident("effective_on"), sea_query::Order::Asc)
    .order_by(ident("id"), sea_query::Order::Asc);
    let mut units = std::collections::HashMap::new();
    for r in query::fetch_all(conn, &q).await? {
        let id: i64 = r.try_get("unit_id")?;
        let change: String = r.try_get("change")?;
        if change == "dissolved" {
            units.remove(&id);
            continue;
        }
        units.insert(
            id,
            UnitOnDay {
                id,
                name: r.try_get("name")?,
                kind: r.try_get("kind")?,
                parent_id: r.try_get("parent_id")?,
            },
        );
    }
    Ok(units)
}

pub async fn get_by_code(conn: &mut AnyConnection, code: &str) -> StoreResult<Option<OrgUnitRow>> {
    let sql = format!("SELECT {COLUMNS} FROM org_units WHERE code = $1");
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(row))
}

/// How a unit is named where its name alone may be mistaken: with its parent's name
/// ("Văn phòng — Sở Y tế", `hoso_domain::org::unit_label`).
pub async fn label_of(conn: &mut AnyConnection, unit: &OrgUnitRow) -> StoreResult<String> {
    let parent = match unit.parent_id {
        Some(p) => get(conn, p).await?.map(|p| p.name),
        None => None,
    };
    Ok(hoso_domain::org::unit_label(&unit.name, parent.as_deref()))
}

/// Every unit in the subtree rooted at `path` (inclusive), in tree order: each unit followed by
/// its subunits, sisters by name in the Vietnamese alphabet.
pub async fn subtree(conn: &mut AnyConnection, path: &str) -> StoreResult<Vec<OrgUnitRow>> {
    let (lo, hi) = subtree_range(path);
    let sql = format!("SELECT {COLUMNS} FROM org_units WHERE path >= $1 AND path < $2");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(lo)
        .bind(hi)
        .fetch_all(&mut *conn)
        .await?;
    Ok(hoso_domain::org::tree_order(rows.iter().map(row).collect()))
}

impl hoso_domain::org::TreeNode for OrgUnitRow {
    fn id(&self) -> i64 {
        self.id
    }
    fn parent_id(&self) -> Option<i64> {
        self.parent_id
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// The units right under `parent_id`, by name in the Vietnamese alphabet.
pub async fn children(conn: &mut AnyConnection, parent_id: i64) -> StoreResult<Vec<OrgUnitRow>> {
    let sql = format!("SELECT {COLUMNS} FROM org_units WHERE parent_id = $1");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(parent_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(hoso_domain::org::tree_order(rows.iter().map(row).collect()))
}

pub async fn roots(conn: &mut AnyConnection) -> StoreResult<Vec<OrgUnitRow>> {
    let sql = format!("SELECT {COLUMNS} FROM org_units WHERE parent_id IS NULL ORDER BY name");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(row).collect())
}

pub async fn count(conn: &mut AnyConnection) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM org_units")
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

/// Staff count per unit (the unit itself only, working people), for the tree browser.
pub async fn staff_counts(conn: &mut AnyConnection, path: &str) -> StoreResult<Vec<(i64, i64)>> {
    let (lo, hi) = subtree_range(path);
    let rows = sqlx::query(
        "SELECT p.unit_id, CAST(COUNT(*) AS BIGINT) AS n FROM persons p JOIN org_units u ON u.id = p.unit_id \
         WHERE u.path >= $1 AND u.path < $2 AND p.status = 'working' GROUP BY p.unit_id",
    )
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get("unit_id"), r.get("n")))
        .collect())
}

pub async fn rename(conn: &mut AnyConnection, id: i64, name: &str) -> StoreResult<()> {
    sqlx::query("UPDATE org_units SET name = $1, search_key = $2 WHERE id = $3")
        .bind(name)
        .bind(hoso_domain::search_key::fold(name))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn dissolve(conn: &mut AnyConnection, id: i64, on: &str) -> StoreResult<()> {
    sqlx::query("UPDATE org_units SET dissolved_on = $1 WHERE id = $2")
        .bind(on)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Moves `unit` under `new_parent`, rewriting the paths and depths of its whole subtree.
pub async fn move_under(
    conn: &mut AnyConnection,
    unit: &OrgUnitRow,
    new_parent: &OrgUnitRow,
) -> StoreResult<()> {
    let new_path = hoso_domain::org::child_path(&new_parent.path, unit.id);
    let depth_delta = new_parent.depth + 1 - unit.depth;
    let (lo, hi) = subtree_range(&unit.path);
    let old_len = unit.path.len() as i64;
    sqlx::query(
        "UPDATE org_units SET path = $1 || SUBSTR(path, CAST($2 AS INTEGER)), depth = depth + $3 WHERE path >= $4 AND path < $5",
    )
    .bind(&new_path)
    .bind(old_len + 1)
    .bind(depth_delta)
    .bind(lo)
    .bind(hi)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE org_units SET parent_id = $1 WHERE id = $2")
        .bind(new_parent.id)
        .bind(unit.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct HistoryRow {
    pub change: String,
    pub effective_on: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub decision_ref: Option<String>,
    pub recorded_at: i64,
    /// The units a merge or split names (see [`LinkedChange`]).
    pub related_unit_ids: Vec<i64>,
}

pub async fn history(conn: &mut AnyConnection, unit_id: i64) -> StoreResult<Vec<HistoryRow>> {
    let rows = sqlx::query(
        "SELECT change, effective_on, name, kind, parent_id, actor_id, decision_ref, recorded_at, related_unit_ids \
         FROM org_unit_history WHERE unit_id = $1 ORDER BY id",
    )
    .bind(unit_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| HistoryRow {
            change: r.get("change"),
            effective_on: r.get("effective_on"),
            name: r.get("name"),
            kind: r.get("kind"),
            parent_id: r.get("parent_id"),
            actor_id: r.get("actor_id"),
            decision_ref: r.get("decision_ref"),
            recorded_at: r.get("recorded_at"),
            related_unit_ids: r
                .get::<Option<String>, _>("related_unit_ids")
                .unwrap_or_default()
                .split(',')
                .filter_map(|id| id.parse().ok())
                .collect(),
        })
        .collect())
}

/// Every record kept directly by the unit (not its sub-units), whatever its status: a unit that
/// goes hands all of them on.
pub async fn people_directly_in(conn: &mut AnyConnection, unit_id: i64) -> StoreResult<Vec<i64>> {
    let rows = sqlx::query("SELECT id FROM persons WHERE unit_id = $1 ORDER BY id")
        .bind(unit_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(|r| r.get("id")).collect())
}

/// Every record kept in the subtree of `path` (inclusive): (person, unit).
pub async fn people_in_subtree(
    conn: &mut AnyConnection,
    path: &str,
) -> StoreResult<Vec<(i64, i64)>> {
    let (lo, hi) = subtree_range(path);
    let rows = sqlx::query(
        "SELECT p.id, p.unit_id FROM persons p JOIN org_units u ON u.id = p.unit_id \
         WHERE u.path >= $1 AND u.path < $2 ORDER BY p.id",
    )
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get("id"), r.get("unit_id")))
        .collect())
}

/// A live staff grant held over one unit (individual grants name no unit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitGrant {
    pub id: i64,
    pub account_id: i64,
    pub username: String,
    pub role: String,
    pub unit_id: i64,
    pub read_only: bool,
}

/// The live grants held over the unit `unit_id` itself.
pub async fn grants_on(conn: &mut AnyConnection, unit_id: i64) -> StoreResult<Vec<UnitGrant>> {
    let rows = sqlx::query(
        "SELECT g.id, g.account_id, a.username, g.role, g.unit_id, g.read_only \
         FROM role_grants g JOIN accounts a ON a.id = g.account_id \
         WHERE g.unit_id = $1 AND g.revoked_at IS NULL ORDER BY g.id",
    )
    .bind(unit_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| UnitGrant {
            id: r.get("id"),
            account_id: r.get("account_id"),
            username: r.get("username"),
            role: r.get("role"),
            unit_id: r.get("unit_id"),
            read_only: r.get::<i64, _>("read_only") != 0,
        })
        .collect())
}

/// Movements proposed or accepted, not yet done, from or to the unit.
pub async fn open_movements_touching(conn: &mut AnyConnection, unit_id: i64) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM movements \
         WHERE state IN ('proposed', 'accepted') AND (from_unit_id = $1 OR to_unit_id = $1)",
    )
    .bind(unit_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

/// A reorganisation as decided (issue 14 item 3).
pub struct NewReorganisation<'a> {
    pub kind: &'a str,
    pub decision_number: &'a str,
    pub decision_date: &'a str,
    pub signer: Option<&'a str>,
    pub effective_date: &'a str,
    /// The operation as asked, JSON.
    pub plan: &'a str,
    pub actor_id: Option<i64>,
    pub at: i64,
}

pub async fn insert_reorganisation(
    conn: &mut AnyConnection,
    r: NewReorganisation<'_>,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO reorganisations (kind, decision_number, decision_date, signer, effective_date, plan, actor_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(r.kind)
    .bind(r.decision_number)
    .bind(r.decision_date)
    .bind(r.signer)
    .bind(r.effective_date)
    .bind(r.plan)
    .bind(r.actor_id)
    .bind(r.at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The day a reorganisation took effect (ISO).
pub async fn reorganisation_effective_date(
    conn: &mut AnyConnection,
    id: i64,
) -> StoreResult<Option<String>> {
    let r: Option<(String,)> =
        sqlx::query_as("SELECT effective_date FROM reorganisations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(r.map(|(day,)| day))
}

pub async fn count_people_in_subtree(conn: &mut AnyConnection, path: &str) -> StoreResult<i64> {
    let (lo, hi) = subtree_range(path);
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM persons WHERE status = 'working' AND unit_id IN \
         (SELECT id FROM org_units WHERE path >= $1 AND path < $2)",
    )
    .bind(lo)
    .bind(hi)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::subtree_range;

    #[test]
    fn subtree_range_brackets_descendants_only() {
        let (lo, hi) = subtree_range("/1/5/");
        for inside in ["/1/5/", "/1/5/23/", "/1/5/9/99/"] {
            assert!(inside >= lo.as_str() && inside < hi.as_str(), "{inside}");
        }
        for outside in ["/1/52/", "/1/6/", "/1/", "/1/4/9/"] {
            assert!(
                !(outside >= lo.as_str() && outside < hi.as_str()),
                "{outside}"
            );
        }
    }
}
