//! Self-service changes (F4): change requests with their attachments, batches of verified
//! versions signed by an approver, and the outbox of approved versions for the hub.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::StoreResult;
use sea_query::{Order, Query, SelectStatement};

use crate::persons::{Scope, scope_cond};
use crate::query::{self, Expr, ExprTrait, JoinType, col, ident, person_unit};

/// A proposed change as stored. `sealed` holds the proposed sections, encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRequestRow {
    pub id: i64,
    pub person_id: i64,
    pub base_version: i64,
    pub state: String,
    pub reason: String,
    /// JSON array of the section ids the request changes.
    pub sections: String,
    pub key_id: String,
    pub sealed: String,
    pub proposed_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub review_comment: Option<String>,
    pub result_version: Option<i64>,
}

const CHANGE_COLUMNS: &str = "c.id, c.person_id, c.base_version, c.state, c.reason, c.sections, c.key_id, c.sealed, \
    c.proposed_by, c.created_at, c.updated_at, c.submitted_at, c.reviewed_by, c.reviewed_at, c.review_comment, \
    c.result_version";

/// The same columns, for statements built with the query builder.
const CHANGE_FIELDS: [&str; 16] = [
    "id",
    "person_id",
    "base_version",
    "state",
    "reason",
    "sections",
    "key_id",
    "sealed",
    "proposed_by",
    "created_at",
    "updated_at",
    "submitted_at",
    "reviewed_by",
    "reviewed_at",
    "review_comment",
    "result_version",
];

fn change_row(r: &AnyRow) -> ChangeRequestRow {
    ChangeRequestRow {
        id: r.get("id"),
        person_id: r.get("person_id"),
        base_version: r.get("base_version"),
        state: r.get("state"),
        reason: r.get("reason"),
        sections: r.get("sections"),
        key_id: r.get("key_id"),
        sealed: r.get("sealed"),
        proposed_by: r.get("proposed_by"),
        created_at: r.get("created_at"),
        updated_at: r.get("updated_at"),
        submitted_at: r.get("submitted_at"),
        reviewed_by: r.get("reviewed_by"),
        reviewed_at: r.get("reviewed_at"),
        review_comment: r.get("review_comment"),
        result_version: r.get("result_version"),
    }
}

pub struct NewChangeRequest<'a> {
    pub person_id: i64,
    pub base_version: i64,
    pub reason: &'a str,
    pub proposed_by: i64,
}

/// Inserts an empty draft; the caller seals its content with [`save_content`] in the same
/// transaction (the seal is bound to the id, which exists only after the insert).
pub async fn insert(
    conn: &mut AnyConnection,
    new: NewChangeRequest<'_>,
    at: i64,
) -> StoreResult<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO change_requests (person_id, base_version, state, reason, sections, key_id, sealed, proposed_by, \
         created_at, updated_at) VALUES ($1, $2, 'draft', $3, '[]', '', '', $4, $5, $5) RETURNING id",
    )
    .bind(new.person_id)
    .bind(new.base_version)
    .bind(new.reason)
    .bind(new.proposed_by)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?
    .get("id");
    Ok(id)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<ChangeRequestRow>> {
    let sql = format!("SELECT {CHANGE_COLUMNS} FROM change_requests c WHERE c.id = $1");
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(change_row))
}

/// Replaces the content of a request that is still editable (draft or returned).
#[allow(clippy::too_many_arguments)]
pub async fn save_content(
    conn: &mut AnyConnection,
    id: i64,
    base_version: i64,
    reason: &str,
    sections: &str,
    key_id: &str,
    sealed: &str,
    at: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE change_requests SET base_version = $1, reason = $2, sections = $3, key_id = $4, sealed = $5, \
         updated_at = $6 WHERE id = $7 AND state IN ('draft', 'returned')",
    )
    .bind(base_version)
    .bind(reason)
    .bind(sections)
    .bind(key_id)
    .bind(sealed)
    .bind(at)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a request from one state to another at `at` (ms; stamped as the submission time when
/// it is submitted); `false` when it was no longer in `from` (someone else acted first). The
/// caller gives the time because the submission starts the verification deadline, which is
/// counted on the application's clock.
pub async fn transition(
    conn: &mut AnyConnection,
    id: i64,
    from: &str,
    to: &str,
    at: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE change_requests SET state = $1, updated_at = $2, \
         submitted_at = CASE WHEN $1 = 'submitted' THEN $2 ELSE submitted_at END \
         WHERE id = $3 AND state = $4",
    )
    .bind(to)
    .bind(at)
    .bind(id)
    .bind(from)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the HR officer's decision on a submitted request.
pub async fn review(
    conn: &mut AnyConnection,
    id: i64,
    state: &str,
    reviewer: i64,
    comment: Option<&str>,
    result_version: Option<i64>,
    at: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE change_requests SET state = $1, reviewed_by = $2, reviewed_at = $3, review_comment = $4, \
         result_version = $5, updated_at = $3 WHERE id = $6 AND state = 'submitted'",
    )
    .bind(state)
    .bind(reviewer)
    .bind(at)
    .bind(comment)
    .bind(result_version)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A change request in a list, with the person's name and unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeListRow {
    pub request: ChangeRequestRow,
    pub full_name: String,
    pub unit_id: i64,
    /// The record's official (signed) version.
    pub official_version: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    /// Only requests on records in this scope (`None`: no scope condition, e.g. one's own).
    pub scope: Option<Scope>,
    pub proposed_by: Option<i64>,
    pub person_id: Option<i64>,
    /// Accent-folded name fragment.
    pub q: Option<String>,
    pub states: Vec<String>,
    /// Oldest submission first (a queue) instead of the latest change first.
    pub oldest_first: bool,
    pub limit: i64,
    pub offset: i64,
}

/// `change_requests c` with their person and unit, filtered.
fn changes_filtered(f: &ChangeFilter) -> SelectStatement {
    let mut q = Query::select();
    q.from_as(ident("change_requests"), ident("c"))
        .join_as(
            JoinType::InnerJoin,
            ident("persons"),
            ident("p"),
            col("p", "id").equals((ident("c"), ident("person_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            ident("org_units"),
            ident("u"),
            person_unit(),
        );
    if let Some(cond) = f.scope.as_ref().and_then(scope_cond) {
        q.cond_where(cond);
    }
    if let Some(by) = f.proposed_by {
        q.and_where(col("c", "proposed_by").eq(by));
    }
    if let Some(p) = f.person_id {
        q.and_where(col("c", "person_id").eq(p));
    }
    if let Some(cond) = f.q.as_deref().and_then(crate::persons::name_query_cond) {
        q.cond_where(cond);
    }
    if !f.states.is_empty() {
        q.and_where(col("c", "state").is_in(f.states.iter().cloned()));
    }
    q
}

/// One page of change requests matching the filter, and the total.
pub async fn list(
    conn: &mut AnyConnection,
    f: &ChangeFilter,
) -> StoreResult<(Vec<ChangeListRow>, i64)> {
    let mut q = changes_filtered(f);
    q.columns(CHANGE_FIELDS.map(|c| (ident("c"), ident(c))))
        .columns([
            (ident("p"), ident("full_name")),
            (ident("p"), ident("unit_id")),
            (ident("p"), ident("official_version")),
        ]);
    let (key, order) = if f.oldest_first {
        ("submitted_at", Order::Asc)
    } else {
        ("updated_at", Order::Desc)
    };
    q.order_by((ident("c"), ident(key)), order.clone())
        .order_by((ident("c"), ident("id")), order)
        .limit(u64::try_from(f.limit).unwrap_or(0))
        .offset(u64::try_from(f.offset).unwrap_or(0));
    let rows = query::fetch_all(conn, &q).await?;
    let total = query::count(conn, changes_filtered(f)).await?;
    Ok((
        rows.iter()
            .map(|r| ChangeListRow {
                request: change_row(r),
                full_name: r.get("full_name"),
                unit_id: r.get("unit_id"),
                official_version: r.get("official_version"),
            })
            .collect(),
        total,
    ))
}

/// A stored attachment linked to a change request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    pub sha256: String,
    pub media_type: String,
    pub size: i64,
    pub file_name: String,
    pub section: Option<String>,
    pub row_index: Option<i64>,
    pub added_at: i64,
}

/// Records a stored file once (content-addressed: the same bytes are one row).
pub async fn insert_attachment(
    conn: &mut AnyConnection,
    sha256: &str,
    media_type: &str,
    size: i64,
    created_by: i64,
    at: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO attachments (sha256, media_type, size, created_at, created_by) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .bind(media_type)
    .bind(size)
    .bind(at)
    .bind(created_by)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn link_attachment(
    conn: &mut AnyConnection,
    change_request_id: i64,
    sha256: &str,
    file_name: &str,
    section: Option<&str>,
    row_index: Option<i64>,
    added_by: i64,
    at: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO change_request_attachments (change_request_id, sha256, file_name, section, row_index, added_by, added_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (change_request_id, sha256) DO UPDATE SET \
         file_name = excluded.file_name, section = excluded.section, row_index = excluded.row_index",
    )
    .bind(change_request_id)
    .bind(sha256)
    .bind(file_name)
    .bind(section)
    .bind(row_index)
    .bind(added_by)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn unlink_attachment(
    conn: &mut AnyConnection,
    change_request_id: i64,
    sha256: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "DELETE FROM change_request_attachments WHERE change_request_id = $1 AND sha256 = $2",
    )
    .bind(change_request_id)
    .bind(sha256)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn attachments_of(
    conn: &mut AnyConnection,
    change_request_id: i64,
) -> StoreResult<Vec<AttachmentRow>> {
    let rows = sqlx::query(
        "SELECT a.sha256, a.media_type, a.size, l.file_name, l.section, l.row_index, l.added_at \
         FROM change_request_attachments l JOIN attachments a ON a.sha256 = l.sha256 \
         WHERE l.change_request_id = $1 ORDER BY l.added_at, a.sha256",
    )
    .bind(change_request_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| AttachmentRow {
            sha256: r.get("sha256"),
            media_type: r.get("media_type"),
            size: r.get("size"),
            file_name: r.get("file_name"),
            section: r.get("section"),
            row_index: r.get("row_index"),
            added_at: r.get("added_at"),
        })
        .collect())
}

/// A scan attached to a version of a record ([`link_version_attachment`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionAttachmentRow {
    pub version: i64,
    pub sha256: String,
    pub media_type: String,
    pub size: i64,
    pub file_name: String,
    pub section: Option<String>,
    pub added_at: i64,
}

/// Links a stored file to the version of a record an edit wrote.
#[allow(clippy::too_many_arguments)]
pub async fn link_version_attachment(
    conn: &mut AnyConnection,
    person_id: i64,
    version: i64,
    sha256: &str,
    file_name: &str,
    section: Option<&str>,
    added_by: i64,
    at: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO version_attachments (person_id, version, sha256, file_name, section, added_by, added_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (person_id, version, sha256) DO UPDATE SET \
         file_name = excluded.file_name, section = excluded.section",
    )
    .bind(person_id)
    .bind(version)
    .bind(sha256)
    .bind(file_name)
    .bind(section)
    .bind(added_by)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The scans attached to a record's versions, oldest version first.
pub async fn version_attachments_of(
    conn: &mut AnyConnection,
    person_id: i64,
) -> StoreResult<Vec<VersionAttachmentRow>> {
    let rows = sqlx::query(
        "SELECT l.version, a.sha256, a.media_type, a.size, l.file_name, l.section, l.added_at \
         FROM version_attachments l JOIN attachments a ON a.sha256 = l.sha256 \
         WHERE l.person_id = $1 ORDER BY l.version, l.added_at, a.sha256",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| VersionAttachmentRow {
            version: r.get("version"),
            sha256: r.get("sha256"),
            media_type: r.get("media_type"),
            size: r.get("size"),
            file_name: r.get("file_name"),
            section: r.get("section"),
            added_at: r.get("added_at"),
        })
        .collect())
}

/// A record with versions after its official one, waiting for an approver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwaitingRow {
    pub person_id: i64,
    pub full_name: String,
    pub unit_id: i64,
    pub official_version: i64,
    pub current_version: i64,
}

/// Records in scope awaiting approval, oldest change first.
pub async fn awaiting_approval(
    conn: &mut AnyConnection,
    scope: &Scope,
    limit: i64,
) -> StoreResult<(Vec<AwaitingRow>, i64)> {
    let awaiting = || {
        let mut q = Query::select();
        q.from_as(ident("persons"), ident("p"))
            .join_as(
                JoinType::InnerJoin,
                ident("org_units"),
                ident("u"),
                person_unit(),
            )
            .and_where(col("p", "current_version").gt(col("p", "official_version")))
            .and_where(Expr::cust(NOT_RETURNED));
        if let Some(cond) = scope_cond(scope) {
            q.cond_where(cond);
        }
        q
    };
    let total = query::count(conn, awaiting()).await?;
    let mut q = awaiting();
    q.columns(
        [
            "id",
            "full_name",
            "unit_id",
            "official_version",
            "current_version",
        ]
        .map(|c| (ident("p"), ident(c))),
    )
    .order_by((ident("p"), ident("updated_at")), Order::Asc)
    .order_by((ident("p"), ident("id")), Order::Asc)
    .limit(u64::try_from(limit).unwrap_or(0));
    let rows = query::fetch_all(conn, &q).await?;
    Ok((
        rows.iter()
            .map(|r| AwaitingRow {
                person_id: r.get("id"),
                full_name: r.get("full_name"),
                unit_id: r.get("unit_id"),
                official_version: r.get("official_version"),
                current_version: r.get("current_version"),
            })
            .collect(),
        total,
    ))
}

/// Over `approval_returns r` and its `persons p`: the return still holds the record's latest,
/// unapproved version back (HR has neither written a version since nor answered it).
macro_rules! holds_back {
    () => {
        "r.resolved_at IS NULL AND r.version >= p.current_version AND r.version > p.official_version"
    };
}

/// Over `persons p`: no head has sent the record's latest version back to HR.
const NOT_RETURNED: &str = concat!(
    "NOT EXISTS (SELECT 1 FROM approval_returns r WHERE r.person_id = p.id AND ",
    holds_back!(),
    ")"
);

/// A head's return of a record's verified versions to HR, before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnRow {
    pub id: i64,
    pub person_id: i64,
    /// The versions up to this one were returned.
    pub version: i64,
    pub comment: String,
    pub returned_by: i64,
    pub returned_at: i64,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<i64>,
    pub reply: Option<String>,
}

fn return_row(r: &AnyRow) -> ReturnRow {
    ReturnRow {
        id: r.get("id"),
        person_id: r.get("person_id"),
        version: r.get("version"),
        comment: r.get("comment"),
        returned_by: r.get("returned_by"),
        returned_at: r.get("returned_at"),
        resolved_by: r.get("resolved_by"),
        resolved_at: r.get("resolved_at"),
        reply: r.get("reply"),
    }
}

/// Records a return of the record's versions up to `version`, only while that is still the
/// record's current, unapproved version and no return holds it back already (`None`: the
/// record changed, was signed, or was returned meanwhile).
pub async fn insert_return(
    conn: &mut AnyConnection,
    person_id: i64,
    version: i64,
    comment: &str,
    returned_by: i64,
    at: i64,
) -> StoreResult<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO approval_returns (person_id, version, comment, returned_by, returned_at) \
         SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM persons \
           WHERE id = $1 AND current_version = $2 AND official_version < $2) \
         AND NOT EXISTS (SELECT 1 FROM approval_returns \
           WHERE person_id = $1 AND resolved_at IS NULL AND version >= $2) \
         RETURNING id",
    )
    .bind(person_id)
    .bind(version)
    .bind(comment)
    .bind(returned_by)
    .bind(at)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Whether a head sent `version` (or a later one) of the record back at `since` or after, or
/// holds it back still: a batch prepared before that must not sign it.
pub async fn returned_since(
    conn: &mut AnyConnection,
    person_id: i64,
    version: i64,
    since: i64,
) -> StoreResult<bool> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT r.id FROM approval_returns r JOIN persons p ON p.id = r.person_id \
         WHERE r.person_id = $1 AND r.version >= $2 AND (r.returned_at >= $3 \
           OR (r.resolved_at IS NULL AND r.version >= p.current_version)) LIMIT 1",
    )
    .bind(person_id)
    .bind(version)
    .bind(since)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}

/// The return that still holds the record's latest version back, if any: HR has neither
/// written a version since nor sent it back unchanged.
pub async fn open_return(
    conn: &mut AnyConnection,
    person_id: i64,
) -> StoreResult<Option<ReturnRow>> {
    let row = sqlx::query(concat!(
        "SELECT r.* FROM approval_returns r JOIN persons p ON p.id = r.person_id \
         WHERE r.person_id = $1 AND ",
        holds_back!(),
        " ORDER BY r.id DESC LIMIT 1"
    ))
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.as_ref().map(return_row))
}

/// The latest return of a record that covers `version`, open or not (a change request's page
/// tells its proposer what the head said).
pub async fn return_covering(
    conn: &mut AnyConnection,
    person_id: i64,
    version: i64,
) -> StoreResult<Option<ReturnRow>> {
    let row = sqlx::query(
        "SELECT * FROM approval_returns WHERE person_id = $1 AND version >= $2 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(person_id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.as_ref().map(return_row))
}

/// HR sends the returned versions back to the approval queue unchanged, with a reply: every
/// return still open on the record is answered.
pub async fn resolve_returns(
    conn: &mut AnyConnection,
    person_id: i64,
    resolved_by: i64,
    reply: &str,
    at: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE approval_returns SET resolved_by = $1, resolved_at = $2, reply = $3 \
         WHERE person_id = $4 AND resolved_at IS NULL",
    )
    .bind(resolved_by)
    .bind(at)
    .bind(reply)
    .bind(person_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A record held back by a head, with its name and unit, for HR's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnedRecordRow {
    pub person_id: i64,
    pub full_name: String,
    pub unit_id: i64,
    pub current_version: i64,
    pub official_version: i64,
    pub returned: ReturnRow,
}

/// Over `approval_returns r`: those in `scope` still holding their record back.
fn open_returns_in(scope: &Scope) -> SelectStatement {
    let mut q = Query::select();
    q.from_as(ident("approval_returns"), ident("r"))
        .join_as(
            JoinType::InnerJoin,
            ident("persons"),
            ident("p"),
            col("p", "id").equals((ident("r"), ident("person_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            ident("org_units"),
            ident("u"),
            person_unit(),
        )
        .and_where(Expr::cust(holds_back!()));
    if let Some(cond) = scope_cond(scope) {
        q.cond_where(cond);
    }
    q
}

/// How many records in `scope` a head sent back and HR has not yet dealt with.
pub async fn count_open_returns(conn: &mut AnyConnection, scope: &Scope) -> StoreResult<i64> {
    query::count(conn, open_returns_in(scope)).await
}

/// The records in `scope` whose latest version a head sent back and HR has not yet dealt
/// with, oldest return first.
pub async fn open_returns(
    conn: &mut AnyConnection,
    scope: &Scope,
    limit: i64,
) -> StoreResult<Vec<ReturnedRecordRow>> {
    let mut q = open_returns_in(scope);
    q.columns(
        [
            "id",
            "person_id",
            "version",
            "comment",
            "returned_by",
            "returned_at",
            "resolved_by",
            "resolved_at",
            "reply",
        ]
        .map(|c| (ident("r"), ident(c))),
    )
    .columns(
        [
            "full_name",
            "unit_id",
            "current_version",
            "official_version",
        ]
        .map(|c| (ident("p"), ident(c))),
    )
    .order_by((ident("r"), ident("id")), Order::Asc)
    .limit(u64::try_from(limit).unwrap_or(0));
    let rows = query::fetch_all(conn, &q).await?;
    Ok(rows
        .iter()
        .map(|r| ReturnedRecordRow {
            person_id: r.get("person_id"),
            full_name: r.get("full_name"),
            unit_id: r.get("unit_id"),
            current_version: r.get("current_version"),
            official_version: r.get("official_version"),
            returned: return_row(r),
        })
        .collect())
}

/// A version after its record's official one, with the request it came from (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingVersionRow {
    pub person_id: i64,
    pub version: i64,
    pub schema_version: String,
    pub hash: String,
    pub prev_hash: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub note: Option<String>,
    pub change_request_id: Option<i64>,
}

fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The versions waiting for approval of these records (metadata only, no documents), by
/// record and version.
pub async fn pending_versions(
    conn: &mut AnyConnection,
    person_ids: &[i64],
) -> StoreResult<Vec<PendingVersionRow>> {
    let mut out = Vec::new();
    for chunk in person_ids.chunks(500) {
        let sql = format!(
            "SELECT v.person_id, v.version, v.schema_version, v.hash, v.prev_hash, v.created_by, v.created_at, \
             v.note, c.id AS change_request_id FROM record_versions v JOIN persons p ON p.id = v.person_id \
             LEFT JOIN change_requests c ON c.person_id = v.person_id AND c.result_version = v.version \
             WHERE v.version > p.official_version AND v.person_id IN ({}) ORDER BY v.person_id, v.version",
            id_list(chunk)
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await?;
        out.extend(rows.iter().map(|r| PendingVersionRow {
            person_id: r.get("person_id"),
            version: r.get("version"),
            schema_version: r.get("schema_version"),
            hash: r.get("hash"),
            prev_hash: r.get("prev_hash"),
            created_by: r.get("created_by"),
            created_at: r.get("created_at"),
            note: r.get("note"),
            change_request_id: r.get("change_request_id"),
        }));
    }
    Ok(out)
}

/// The attachment hashes of these change requests: (request id, SHA-256).
pub async fn attachment_hashes(
    conn: &mut AnyConnection,
    change_ids: &[i64],
) -> StoreResult<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for chunk in change_ids.chunks(500) {
        let sql = format!(
            "SELECT change_request_id, sha256 FROM change_request_attachments \
             WHERE change_request_id IN ({}) ORDER BY change_request_id, sha256",
            id_list(chunk)
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await?;
        out.extend(
            rows.iter()
                .map(|r| (r.get("change_request_id"), r.get("sha256"))),
        );
    }
    Ok(out)
}

pub async fn official_version(conn: &mut AnyConnection, person_id: i64) -> StoreResult<i64> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT official_version FROM persons WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map_or(0, |r| r.0))
}

/// Raises a record's official version; `false` if it was already at or past `version`.
pub async fn set_official(
    conn: &mut AnyConnection,
    person_id: i64,
    version: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE persons SET official_version = $1 WHERE id = $2 AND official_version < $1 AND current_version >= $1",
    )
    .bind(version)
    .bind(person_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A batch of versions for an approver to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub id: i64,
    pub state: String,
    pub prepared_by: i64,
    pub prepared_at: i64,
    pub manifest: String,
    pub manifest_sha256: String,
    pub item_count: i64,
    /// Detached CMS signature, DER, hex.
    pub signature: Option<String>,
    pub signer_subject: Option<String>,
    /// PEM.
    pub signer_certificate: Option<String>,
    pub signing_mode: Option<String>,
    pub signed_by: Option<i64>,
    pub signed_at: Option<i64>,
    pub window_override: bool,
}

const BATCH_COLUMNS: &str = "id, state, prepared_by, prepared_at, manifest, manifest_sha256, item_count, signature, \
    signer_subject, signer_certificate, signing_mode, signed_by, signed_at, window_override";

/// The same columns, for statements built with the query builder.
const BATCH_FIELDS: [&str; 14] = [
    "id",
    "state",
    "prepared_by",
    "prepared_at",
    "manifest",
    "manifest_sha256",
    "item_count",
    "signature",
    "signer_subject",
    "signer_certificate",
    "signing_mode",
    "signed_by",
    "signed_at",
    "window_override",
];

fn batch_row(r: &AnyRow) -> BatchRow {
    BatchRow {
        id: r.get("id"),
        state: r.get("state"),
        prepared_by: r.get("prepared_by"),
        prepared_at: r.get("prepared_at"),
        manifest: r.get("manifest"),
        manifest_sha256: r.get("manifest_sha256"),
        item_count: r.get("item_count"),
        signature: r.get("signature"),
        signer_subject: r.get("signer_subject"),
        signer_certificate: r.get("signer_certificate"),
        signing_mode: r.get("signing_mode"),
        signed_by: r.get("signed_by"),
        signed_at: r.get("signed_at"),
        window_override: r.get::<i64, _>("window_override") != 0,
    }
}

/// Reserves a batch id; the manifest (which names the id) is written by [`set_manifest`].
pub async fn insert_batch(conn: &mut AnyConnection, prepared_by: i64, at: i64) -> StoreResult<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO approval_batches (state, prepared_by, prepared_at, manifest, manifest_sha256, item_count, window_override) \
         VALUES ('prepared', $1, $2, '', '', 0, 0) RETURNING id",
    )
    .bind(prepared_by)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?
    .get("id");
    Ok(id)
}

pub async fn set_manifest(
    conn: &mut AnyConnection,
    id: i64,
    manifest: &str,
    manifest_sha256: &str,
    item_count: i64,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE approval_batches SET manifest = $1, manifest_sha256 = $2, item_count = $3 WHERE id = $4 AND state = 'prepared'",
    )
    .bind(manifest)
    .bind(manifest_sha256)
    .bind(item_count)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get_batch(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<BatchRow>> {
    let sql = format!("SELECT {BATCH_COLUMNS} FROM approval_batches WHERE id = $1");
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(batch_row))
}

/// Batches, newest first, in a state (`None`: any) and prepared by an account (`None`: anyone).
pub async fn batches(
    conn: &mut AnyConnection,
    state: Option<&str>,
    prepared_by: Option<i64>,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<BatchRow>, i64)> {
    let filtered = || {
        let mut q = Query::select();
        q.from(ident("approval_batches"));
        if let Some(s) = state {
            q.and_where(Expr::col(ident("state")).eq(s));
        }
        if let Some(by) = prepared_by {
            q.and_where(Expr::col(ident("prepared_by")).eq(by));
        }
        q
    };
    let total = query::count(conn, filtered()).await?;
    let mut q = filtered();
    q.columns(BATCH_FIELDS.map(ident))
        .order_by(ident("id"), Order::Desc)
        .limit(u64::try_from(limit).unwrap_or(0))
        .offset(u64::try_from(offset).unwrap_or(0));
    let rows = query::fetch_all(conn, &q).await?;
    Ok((rows.iter().map(batch_row).collect(), total))
}

pub struct Signature<'a> {
    pub signature_hex: &'a str,
    pub signer_subject: &'a str,
    pub signer_certificate_pem: &'a str,
    pub signing_mode: &'a str,
    pub signed_by: i64,
    /// When it was signed (Unix milliseconds), on the caller's clock: the certificate is
    /// checked against this instant, then and at every later verification.
    pub signed_at: i64,
    pub window_override: bool,
}

/// Marks a prepared batch signed; `false` when it was not prepared any more.
pub async fn mark_signed(conn: &mut AnyConnection, id: i64, s: Signature<'_>) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE approval_batches SET state = 'signed', signature = $1, signer_subject = $2, signer_certificate = $3, \
         signing_mode = $4, signed_by = $5, signed_at = $6, window_override = $7 WHERE id = $8 AND state = 'prepared'",
    )
    .bind(s.signature_hex)
    .bind(s.signer_subject)
    .bind(s.signer_certificate_pem)
    .bind(s.signing_mode)
    .bind(s.signed_by)
    .bind(s.signed_at)
    .bind(i64::from(s.window_override))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn abandon_batch(conn: &mut AnyConnection, id: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE approval_batches SET state = 'abandoned' WHERE id = $1 AND state = 'prepared'",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub batch_id: i64,
    pub person_id: i64,
    pub version: i64,
    pub hash: String,
    pub prev_hash: Option<String>,
}

pub async fn insert_item(conn: &mut AnyConnection, item: &ItemRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO approval_items (batch_id, person_id, version, hash, prev_hash) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(item.batch_id)
    .bind(item.person_id)
    .bind(item.version)
    .bind(&item.hash)
    .bind(&item.prev_hash)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn item_row(r: &AnyRow) -> ItemRow {
    ItemRow {
        batch_id: r.get("batch_id"),
        person_id: r.get("person_id"),
        version: r.get("version"),
        hash: r.get("hash"),
        prev_hash: r.get("prev_hash"),
    }
}

/// The approvals of a record's versions, by version.
pub async fn items_of_person(
    conn: &mut AnyConnection,
    person_id: i64,
) -> StoreResult<Vec<ItemRow>> {
    let rows = sqlx::query(
        "SELECT batch_id, person_id, version, hash, prev_hash FROM approval_items WHERE person_id = $1 ORDER BY version",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(item_row).collect())
}

/// Who signed each approved version of a record, by version (without the manifests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedVersionRow {
    pub version: i64,
    pub batch_id: i64,
    pub signed_by: Option<i64>,
    pub signed_at: Option<i64>,
    pub signer_subject: Option<String>,
}

pub async fn signed_versions(
    conn: &mut AnyConnection,
    person_id: i64,
) -> StoreResult<Vec<SignedVersionRow>> {
    let rows = sqlx::query(
        "SELECT i.version, i.batch_id, b.signed_by, b.signed_at, b.signer_subject \
         FROM approval_items i JOIN approval_batches b ON b.id = i.batch_id \
         WHERE i.person_id = $1 ORDER BY i.version",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| SignedVersionRow {
            version: r.get("version"),
            batch_id: r.get("batch_id"),
            signed_by: r.get("signed_by"),
            signed_at: r.get("signed_at"),
            signer_subject: r.get("signer_subject"),
        })
        .collect())
}

pub async fn enqueue_for_hub(
    conn: &mut AnyConnection,
    batch_id: i64,
    person_id: i64,
    version: i64,
    at: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO hub_outbox (batch_id, person_id, version, queued_at, attempts) VALUES ($1, $2, $3, $4, 0)",
    )
    .bind(batch_id)
    .bind(person_id)
    .bind(version)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How many approved versions wait for the hub.
pub async fn hub_queue_length(conn: &mut AnyConnection) -> StoreResult<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM hub_outbox WHERE sent_at IS NULL")
            .fetch_one(&mut *conn)
            .await?;
    Ok(n)
}

/// What waits in the workflow for these people: submitted requests (person, request id,
/// submitted at) and records with unapproved versions (person, when the first of them was made).
#[allow(clippy::type_complexity)]
pub async fn waiting_of(
    conn: &mut AnyConnection,
    person_ids: &[i64],
) -> StoreResult<(Vec<(i64, i64, i64)>, Vec<(i64, i64)>)> {
    if person_ids.is_empty() {
        return Ok((vec![], vec![]));
    }
    let list = id_list(person_ids);
    let submitted = sqlx::query(AssertSqlSafe(format!(
        "SELECT person_id, id, submitted_at FROM change_requests WHERE state = 'submitted' AND person_id IN ({list}) ORDER BY id"
    )))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        (
            r.get("person_id"),
            r.get("id"),
            r.get::<Option<i64>, _>("submitted_at").unwrap_or_default(),
        )
    })
    .collect();
    let unapproved = sqlx::query(AssertSqlSafe(format!(
        "SELECT p.id, v.created_at FROM persons p JOIN record_versions v ON v.person_id = p.id \
         AND v.version = p.official_version + 1 WHERE p.current_version > p.official_version \
         AND {NOT_RETURNED} AND p.id IN ({list})"
    )))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| (r.get("id"), r.get("created_at")))
    .collect();
    Ok((submitted, unapproved))
}
