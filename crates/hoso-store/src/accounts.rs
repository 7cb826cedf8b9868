//! Accounts and the roles they hold over org subtrees.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::StoreResult;
use crate::query::{self, Expr, Query, ident};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub person_id: Option<i64>,
    pub active: bool,
    pub must_change_password: bool,
    pub password_changed_at: i64,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    /// A confirmed TOTP second factor is required at sign-in.
    pub totp_enabled: bool,
    /// An administrator reset the second factor: the account must enrol again.
    pub totp_reset_pending: bool,
}

const COLUMNS: &str = "id, username, display_name, password_hash, person_id, active, must_change_password, \
    password_changed_at, failed_logins, locked_until, created_at, totp_enabled, totp_reset_pending";

fn row(r: &AnyRow) -> AccountRow {
    AccountRow {
        id: r.get("id"),
        username: r.get("username"),
        display_name: r.get("display_name"),
        password_hash: r.get("password_hash"),
        person_id: r.get("person_id"),
        active: r.get::<i64, _>("active") != 0,
        must_change_password: r.get::<i64, _>("must_change_password") != 0,
        password_changed_at: r.get("password_changed_at"),
        failed_logins: r.get("failed_logins"),
        locked_until: r.get("locked_until"),
        created_at: r.get("created_at"),
        totp_enabled: r.get::<i64, _>("totp_enabled") != 0,
        totp_reset_pending: r.get::<i64, _>("totp_reset_pending") != 0,
    }
}

pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub person_id: Option<i64>,
    pub must_change_password: bool,
    pub created_by: Option<i64>,
}

/// Creates an account at `at` (the app's clock); its password's age runs on the real clock, as
/// the sign-in that checks it does.
pub async fn insert(conn: &mut AnyConnection, a: NewAccount<'_>, at: i64) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO accounts (username, display_name, password_hash, person_id, active, must_change_password, \
         password_changed_at, failed_logins, created_at, created_by) VALUES ($1,$2,$3,$4,1,$5,$6,0,$7,$8) RETURNING id",
    )
    .bind(a.username)
    .bind(a.display_name)
    .bind(a.password_hash)
    .bind(a.person_id)
    .bind(crate::bool_int(a.must_change_password))
    .bind(crate::now_ms())
    .bind(at)
    .bind(a.created_by)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn by_username(
    conn: &mut AnyConnection,
    username: &str,
) -> StoreResult<Option<AccountRow>> {
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE username = $1");
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(username)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(row))
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<AccountRow>> {
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE id = $1");
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(row))
}

pub async fn record_failed_login(
    conn: &mut AnyConnection,
    id: i64,
    locked_until: Option<i64>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE accounts SET failed_logins = failed_logins + 1, locked_until = $1 WHERE id = $2",
    )
    .bind(locked_until)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn record_successful_login(conn: &mut AnyConnection, id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GrantRow {
    pub id: i64,
    pub account_id: i64,
    pub role: String,
    pub unit_id: Option<i64>,
    /// Path of the unit the grant covers, `None` for province-wide grants.
    pub unit_path: Option<String>,
    pub read_only: bool,
    pub granted_by: Option<i64>,
    pub granted_at: i64,
    pub request_ref: Option<String>,
}

pub struct NewGrant<'a> {
    pub account_id: i64,
    pub role: &'a str,
    pub unit_id: Option<i64>,
    pub read_only: bool,
    pub granted_by: Option<i64>,
    pub request_ref: Option<&'a str>,
}

pub async fn grant(conn: &mut AnyConnection, g: NewGrant<'_>, at: i64) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO role_grants (account_id, role, unit_id, read_only, granted_by, granted_at, request_ref) \
         VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
    )
    .bind(g.account_id)
    .bind(g.role)
    .bind(g.unit_id)
    .bind(crate::bool_int(g.read_only))
    .bind(g.granted_by)
    .bind(at)
    .bind(g.request_ref)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The live (not revoked) grants of an account, with the paths of their units.
pub async fn grants_of(conn: &mut AnyConnection, account_id: i64) -> StoreResult<Vec<GrantRow>> {
    let rows = sqlx::query(
        "SELECT g.id, g.account_id, g.role, g.unit_id, u.path AS unit_path, g.read_only, g.granted_by, g.granted_at, g.request_ref \
         FROM role_grants g LEFT JOIN org_units u ON u.id = g.unit_id \
         WHERE g.account_id = $1 AND g.revoked_at IS NULL ORDER BY g.id",
    )
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(grant_row).collect())
}

fn grant_row(r: &AnyRow) -> GrantRow {
    GrantRow {
        id: r.get("id"),
        account_id: r.get("account_id"),
        role: r.get("role"),
        unit_id: r.get("unit_id"),
        unit_path: r.get("unit_path"),
        read_only: r.get::<i64, _>("read_only") != 0,
        granted_by: r.get("granted_by"),
        granted_at: r.get("granted_at"),
        request_ref: r.get("request_ref"),
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct AccountSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub active: bool,
    pub person_id: Option<i64>,
    pub grants: Vec<GrantRow>,
}

/// Accounts holding a non-individual grant on a unit inside one of `paths` (or every such
/// account when `paths` is `None`), with their grants. Personal accounts are many (one per
/// person) and are listed through their records instead.
pub async fn list_staff_accounts(
    conn: &mut AnyConnection,
    paths: Option<&[String]>,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<AccountSummary>, i64)> {
    let (conds, args) = staff_conditions(paths);
    let ids_sql = format!(
        "SELECT DISTINCT a.id, a.username FROM accounts a JOIN role_grants g ON g.account_id = a.id \
         LEFT JOIN org_units u ON u.id = g.unit_id WHERE {conds} ORDER BY a.username"
    );
    let mut q = sqlx::query(AssertSqlSafe(ids_sql));
    for a in &args {
        q = q.bind(a.as_str());
    }
    let all: Vec<i64> = q
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.get::<i64, _>("id"))
        .collect();
    let total = all.len() as i64;
    let mut out = Vec::new();
    for id in all
        .into_iter()
        .skip(offset.max(0) as usize)
        .take(limit.max(0) as usize)
    {
        if let Some(a) = by_id(conn, id).await? {
            let grants = grants_of(conn, id).await?;
            out.push(AccountSummary {
                id,
                username: a.username,
                display_name: a.display_name,
                active: a.active,
                person_id: a.person_id,
                grants,
            });
        }
    }
    Ok((out, total))
}

/// The condition selecting staff accounts with a live grant inside `paths` (every one when
/// `None`), and its arguments.
fn staff_conditions(paths: Option<&[String]>) -> (String, Vec<String>) {
    let mut conds = vec![
        "g.revoked_at IS NULL".to_string(),
        "g.role <> 'individual'".to_string(),
    ];
    let mut args: Vec<String> = Vec::new();
    if let Some(paths) = paths {
        let mut ors = vec![];
        for p in paths {
            let (lo, hi) = crate::org::subtree_range(p);
            args.push(lo);
            args.push(hi);
            ors.push(format!(
                "(u.path >= ${} AND u.path < ${})",
                args.len() - 1,
                args.len()
            ));
        }
        if ors.is_empty() {
            ors.push("1 = 0".into());
        }
        conds.push(format!("({})", ors.join(" OR ")));
    }
    (conds.join(" AND "), args)
}

/// Id, username and display name of every staff account inside `paths` (as
/// [`list_staff_accounts`]), ordered by username: the caller filters them by an
/// accent-insensitive search, which SQL cannot do the same way on both databases.
pub async fn staff_account_names(
    conn: &mut AnyConnection,
    paths: Option<&[String]>,
) -> StoreResult<Vec<(i64, String, String)>> {
    let (conds, args) = staff_conditions(paths);
    let sql = format!(
        "SELECT DISTINCT a.id, a.username, a.display_name FROM accounts a \
         JOIN role_grants g ON g.account_id = a.id \
         LEFT JOIN org_units u ON u.id = g.unit_id WHERE {conds} ORDER BY a.username"
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for a in &args {
        q = q.bind(a.as_str());
    }
    Ok(q.fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| (r.get("id"), r.get("username"), r.get("display_name")))
        .collect())
}

pub async fn count(conn: &mut AnyConnection) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM accounts")
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

/// Sets a new password hash; `must_change` marks a temporary password (administrator reset).
pub async fn set_password(
    conn: &mut AnyConnection,
    id: i64,
    password_hash: &str,
    must_change: bool,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE accounts SET password_hash = $1, must_change_password = $2, password_changed_at = $3, \
         failed_logins = 0, locked_until = NULL WHERE id = $4",
    )
    .bind(password_hash)
    .bind(crate::bool_int(must_change))
    .bind(crate::now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Remembers a password hash the account used, for the no-reuse rule.
pub async fn push_password_history(
    conn: &mut AnyConnection,
    account_id: i64,
    password_hash: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO password_history (account_id, password_hash, changed_at) VALUES ($1,$2,$3)",
    )
    .bind(account_id)
    .bind(password_hash)
    .bind(crate::now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The `n` most recent previous password hashes of an account, newest first.
pub async fn recent_password_hashes(
    conn: &mut AnyConnection,
    account_id: i64,
    n: i64,
) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(
        "SELECT password_hash FROM password_history WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(account_id)
    .bind(n)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(|r| r.get("password_hash")).collect())
}

/// One live grant by id, with its unit's path.
pub async fn live_grant(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<GrantRow>> {
    let row = sqlx::query(
        "SELECT g.id, g.account_id, g.role, g.unit_id, u.path AS unit_path, g.read_only, g.granted_by, g.granted_at, g.request_ref \
         FROM role_grants g LEFT JOIN org_units u ON u.id = g.unit_id \
         WHERE g.id = $1 AND g.revoked_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.as_ref().map(grant_row))
}

/// Restricts or widens a grant: read-only flag and covered unit. The request reference of the
/// change replaces the grant's.
pub async fn change_grant(
    conn: &mut AnyConnection,
    id: i64,
    read_only: bool,
    unit_id: Option<i64>,
    request_ref: &str,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE role_grants SET read_only = $1, unit_id = $2, request_ref = $3 WHERE id = $4 AND revoked_at IS NULL",
    )
    .bind(crate::bool_int(read_only))
    .bind(unit_id)
    .bind(request_ref)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Revokes one grant.
pub async fn revoke_grant(
    conn: &mut AnyConnection,
    id: i64,
    revoked_by: Option<i64>,
    revoke_ref: Option<&str>,
    at: i64,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE role_grants SET revoked_at = $1, revoked_by = $2, revoke_ref = $3 WHERE id = $4 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(revoked_by)
    .bind(revoke_ref)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Accounts of a person (normally one, the personal account).
pub async fn ids_of_person(conn: &mut AnyConnection, person_id: i64) -> StoreResult<Vec<i64>> {
    let rows = sqlx::query("SELECT id FROM accounts WHERE person_id = $1 ORDER BY id")
        .bind(person_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(|r| r.get("id")).collect())
}

/// An account's TOTP state. The secret is sealed (hex) under the key `key_id`; a secret with no
/// key id was written in clear (base32) before secrets were sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpRow {
    pub secret: Option<String>,
    pub key_id: Option<String>,
    pub enabled: bool,
    pub last_step: Option<i64>,
}

pub async fn totp_state(conn: &mut AnyConnection, id: i64) -> StoreResult<TotpRow> {
    let row = sqlx::query(
        "SELECT totp_secret, totp_key_id, totp_enabled, totp_last_step FROM accounts WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(TotpRow {
        secret: row.get("totp_secret"),
        key_id: row.get("totp_key_id"),
        enabled: row.get::<i64, _>("totp_enabled") != 0,
        last_step: row.get("totp_last_step"),
    })
}

/// Stores a sealed secret (`(key id, sealed hex)`, or none), whether it is confirmed, and the
/// last accepted step. Confirming a secret ends a pending reset.
pub async fn set_totp(
    conn: &mut AnyConnection,
    id: i64,
    sealed: Option<(&str, &str)>,
    enabled: bool,
    last_step: Option<i64>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE accounts SET totp_key_id = $1, totp_secret = $2, totp_enabled = $3, totp_last_step = $4 WHERE id = $5",
    )
    .bind(sealed.map(|s| s.0))
    .bind(sealed.map(|s| s.1))
    .bind(crate::bool_int(enabled))
    .bind(last_step)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if enabled {
        sqlx::query("UPDATE accounts SET totp_reset_pending = 0 WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// An administrator's reset: the secret is dropped and the account must enrol again.
pub async fn reset_totp(conn: &mut AnyConnection, id: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE accounts SET totp_key_id = NULL, totp_secret = NULL, totp_enabled = 0, totp_last_step = NULL, \
         totp_reset_pending = 1 WHERE id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Stored TOTP secrets after account `after`, by account id: (id, secret, key id).
pub async fn totp_secrets_after(
    conn: &mut AnyConnection,
    after: i64,
    limit: i64,
) -> StoreResult<Vec<(i64, String, Option<String>)>> {
    let rows = sqlx::query(
        "SELECT id, totp_secret, totp_key_id FROM accounts WHERE totp_secret IS NOT NULL AND id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get("id"), r.get("totp_secret"), r.get("totp_key_id")))
        .collect())
}

/// Replaces a stored secret by the same secret sealed under another key (rotation, sealing a
/// clear one); the enrolment state is untouched.
pub async fn reseal_totp(
    conn: &mut AnyConnection,
    id: i64,
    key_id: &str,
    sealed: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET totp_key_id = $1, totp_secret = $2 WHERE id = $3")
        .bind(key_id)
        .bind(sealed)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records `step` as the last accepted TOTP time step, unless an equal or later one was already
/// accepted (a code is never accepted twice, even by two concurrent sign-ins).
pub async fn advance_totp_step(conn: &mut AnyConnection, id: i64, step: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE accounts SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Which of `usernames` are taken.
pub async fn usernames_taken(
    conn: &mut AnyConnection,
    usernames: &[&str],
) -> StoreResult<std::collections::HashSet<String>> {
    // In scope here only: at module level its `max` would shadow `i64::max` above.
    use crate::query::ExprTrait;
    let mut taken = std::collections::HashSet::new();
    for chunk in usernames.chunks(500) {
        let mut select = Query::select();
        select
            .column(ident("username"))
            .from(ident("accounts"))
            .and_where(Expr::col(ident("username")).is_in(chunk.iter().map(|u| u.to_string())));
        for row in query::fetch_all(conn, &select).await? {
            taken.insert(row.try_get::<String, _>("username")?);
        }
    }
    Ok(taken)
}
