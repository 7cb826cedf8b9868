//! The append-only, hash-chained audit trail. Each entry's hash covers its content and the
//! previous entry's hash, so changing or removing any entry breaks every hash after it.

use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreResult;
use crate::query::{self, Expr, Query, ident};

#[derive(Debug, Clone, Default)]
pub struct NewEntry<'a> {
    /// When it happened (Unix milliseconds), on the caller's clock: time is an input.
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub target_kind: &'a str,
    pub target_id: Option<String>,
    pub client_addr: Option<&'a str>,
    /// Free-form JSON detail. Never personal data beyond ids.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EntryRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target_kind: String,
    pub target_id: Option<String>,
    pub client_addr: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

fn entry_hash(prev: &str, at: i64, e: &EntryFields<'_>) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &at.to_string(),
        &e.actor_id.map(|a| a.to_string()).unwrap_or_default(),
        e.action,
        e.target_kind,
        e.target_id.unwrap_or(""),
        e.client_addr.unwrap_or(""),
        e.detail,
    ] {
        h.update(part.as_bytes());
        // A separator that cannot occur in the parts keeps ("ab","c") distinct from ("a","bc").
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

struct EntryFields<'a> {
    actor_id: Option<i64>,
    action: &'a str,
    target_kind: &'a str,
    target_id: Option<&'a str>,
    client_addr: Option<&'a str>,
    detail: &'a str,
}

/// Appends one entry. Must run inside the caller's write transaction so that the entry commits
/// (or not) with the change it records.
pub async fn append(conn: &mut AnyConnection, e: NewEntry<'_>) -> StoreResult<()> {
    append_all(conn, std::slice::from_ref(&e)).await
}

/// Rows of one `INSERT`: 9 values each, far below SQLite's limit on bound values.
const ROWS_PER_INSERT: usize = 128;

/// Appends entries in their order, each chained to the one before. The head is read (locked on
/// PostgreSQL) and written once for all of them, so that many reads share one commit: the
/// group commit of `hoso_app`'s read audits. Inside the caller's write transaction.
pub async fn append_all(conn: &mut AnyConnection, entries: &[NewEntry<'_>]) -> StoreResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let lock = if conn.backend_name() == "PostgreSQL" {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = format!("SELECT last_hash FROM audit_head WHERE id = 1{lock}");
    let (mut prev,): (String,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_one(&mut *conn)
        .await?;
    let mut links = Vec::with_capacity(entries.len());
    for e in entries {
        let fields = EntryFields {
            actor_id: e.actor_id,
            action: e.action,
            target_kind: e.target_kind,
            target_id: e.target_id.as_deref(),
            client_addr: e.client_addr,
            detail: &e.detail,
        };
        let hash = entry_hash(&prev, e.at, &fields);
        links.push((std::mem::replace(&mut prev, hash.clone()), hash));
    }
    for (chunk, chunk_links) in entries
        .chunks(ROWS_PER_INSERT)
        .zip(links.chunks(ROWS_PER_INSERT))
    {
        let mut insert = Query::insert();
        insert.into_table(ident("audit_log")).columns(
            [
                "at",
                "actor_id",
                "action",
                "target_kind",
                "target_id",
                "client_addr",
                "detail",
                "prev_hash",
                "hash",
            ]
            .map(ident),
        );
        for (e, (prev_hash, hash)) in chunk.iter().zip(chunk_links) {
            insert.values_panic([
                Expr::val(e.at),
                Expr::val(e.actor_id),
                Expr::val(e.action),
                Expr::val(e.target_kind),
                Expr::val(e.target_id.clone()),
                Expr::val(e.client_addr),
                Expr::val(e.detail.as_str()),
                Expr::val(prev_hash.as_str()),
                Expr::val(hash.as_str()),
            ]);
        }
        query::execute(conn, &insert).await?;
    }
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

const COLUMNS: &str =
    "id, at, actor_id, action, target_kind, target_id, client_addr, detail, prev_hash, hash";

fn row(r: &AnyRow) -> EntryRow {
    EntryRow {
        id: r.get("id"),
        at: r.get("at"),
        actor_id: r.get("actor_id"),
        action: r.get("action"),
        target_kind: r.get("target_kind"),
        target_id: r.get("target_id"),
        client_addr: r.get("client_addr"),
        detail: r.get("detail"),
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
    }
}

/// The chain's last hash (empty before the first entry).
pub async fn head(conn: &mut AnyConnection) -> StoreResult<String> {
    let (head,): (String,) = sqlx::query_as("SELECT last_hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    Ok(head)
}

/// Entries about one target, newest first.
pub async fn for_target(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
    limit: i64,
) -> StoreResult<Vec<EntryRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE target_kind = $1 AND target_id = $2 ORDER BY id DESC LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(kind)
        .bind(id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(row).collect())
}

/// Where the chain first breaks, if anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub entry_id: i64,
    pub reason: &'static str,
}

/// Recomputes the whole chain, in pages so that memory stays flat on a large log.
pub async fn verify_chain(conn: &mut AnyConnection) -> StoreResult<(i64, Option<ChainBreak>)> {
    let mut prev = String::new();
    let mut last_id = 0i64;
    let mut checked = 0i64;
    loop {
        let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT 5000");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(last_id)
            .fetch_all(&mut *conn)
            .await?;
        if rows.is_empty() {
            break;
        }
        for r in rows.iter().map(row) {
            if r.prev_hash != prev {
                return Ok((
                    checked,
                    Some(ChainBreak {
                        entry_id: r.id,
                        reason: "prev_hash does not match the previous entry",
                    }),
                ));
            }
            let fields = EntryFields {
                actor_id: r.actor_id,
                action: &r.action,
                target_kind: &r.target_kind,
                target_id: r.target_id.as_deref(),
                client_addr: r.client_addr.as_deref(),
                detail: &r.detail,
            };
            if entry_hash(&r.prev_hash, r.at, &fields) != r.hash {
                return Ok((
                    checked,
                    Some(ChainBreak {
                        entry_id: r.id,
                        reason: "content does not match its hash",
                    }),
                ));
            }
            prev = r.hash;
            last_id = r.id;
            checked += 1;
        }
    }
    if head(conn).await? != prev {
        return Ok((
            checked,
            Some(ChainBreak {
                entry_id: last_id,
                reason: "entries after this one were removed",
            }),
        ));
    }
    Ok((checked, None))
}

/// Criteria for searching the trail; every field optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor_id: Option<i64>,
    pub action: Option<String>,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    /// Instants (ms), inclusive lower and exclusive upper bound.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Only entries about persons whose unit lies in one of these subtrees (a unit
    /// administrator's view); `None`: everything.
    pub person_subtrees: Option<Vec<String>>,
}

/// Entries matching `filter`, newest first, with the total count.
pub async fn search(
    conn: &mut AnyConnection,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<EntryRow>, i64)> {
    enum Arg<'a> {
        I(i64),
        S(&'a str),
    }
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Arg<'_>> = Vec::new();
    let mut add = |cond: &str, arg| {
        args.push(arg);
        conds.push(format!("{cond} ${}", args.len()));
    };
    if let Some(a) = filter.actor_id {
        add("actor_id =", Arg::I(a));
    }
    if let Some(a) = filter.action.as_deref() {
        add("action =", Arg::S(a));
    }
    if let Some(k) = filter.target_kind.as_deref() {
        add("target_kind =", Arg::S(k));
    }
    if let Some(t) = filter.target_id.as_deref() {
        add("target_id =", Arg::S(t));
    }
    if let Some(f) = filter.from {
        add("at >=", Arg::I(f));
    }
    if let Some(t) = filter.to {
        add("at <", Arg::I(t));
    }
    let ranges: Vec<(String, String)> = filter
        .person_subtrees
        .iter()
        .flatten()
        .map(|p| crate::org::subtree_range(p))
        .collect();
    if let Some(paths) = &filter.person_subtrees {
        let mut ors = Vec::new();
        for (lo, hi) in &ranges {
            args.push(Arg::S(lo));
            args.push(Arg::S(hi));
            ors.push(format!(
                "(u.path >= ${} AND u.path < ${})",
                args.len() - 1,
                args.len()
            ));
        }
        if paths.is_empty() {
            ors.push("1 = 0".into());
        }
        conds.push(format!(
            "target_kind = 'person' AND target_id IN (SELECT CAST(p.id AS TEXT) FROM persons p \
             JOIN org_units u ON u.id = p.unit_id WHERE {})",
            ors.join(" OR ")
        ));
    }
    let where_sql = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    let count_sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM audit_log{where_sql}");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(count_sql));
    for a in &args {
        q = match a {
            Arg::I(i) => q.bind(*i),
            Arg::S(s) => q.bind(*s),
        };
    }
    let total: i64 = q.fetch_one(&mut *conn).await?.get("n");
    let n = args.len();
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log{where_sql} ORDER BY id DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for a in &args {
        q = match a {
            Arg::I(i) => q.bind(*i),
            Arg::S(s) => q.bind(*s),
        };
    }
    let rows = q.bind(limit).bind(offset).fetch_all(&mut *conn).await?;
    Ok((rows.iter().map(row).collect(), total))
}

/// One read of a person's record: when, and by which account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRow {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_display_name: Option<String>,
}

/// Who read a person's record (`record.read` entries), newest first, with the total count.
pub async fn reads_of_person(
    conn: &mut AnyConnection,
    person_id: i64,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<ReadRow>, i64)> {
    let target = person_id.to_string();
    let total: i64 = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM audit_log WHERE target_kind = 'person' AND target_id = $1 AND action = 'record.read'",
    )
    .bind(&target)
    .fetch_one(&mut *conn)
    .await?
    .get("n");
    let rows = sqlx::query(
        "SELECT l.at, l.actor_id, a.display_name AS actor_display_name FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_id \
         WHERE l.target_kind = 'person' AND l.target_id = $1 AND l.action = 'record.read' \
         ORDER BY l.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(&target)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    Ok((
        rows.iter()
            .map(|r| ReadRow {
                at: r.get("at"),
                actor_id: r.get("actor_id"),
                actor_display_name: r.get("actor_display_name"),
            })
            .collect(),
        total,
    ))
}
