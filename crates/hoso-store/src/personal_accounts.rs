//! Personal accounts: one per record (username = số định danh), opened by a one-time
//! activation code instead of a password handed over on paper.

use sea_query::{Alias, Cond, Expr, ExprTrait, JoinType, Order, Query};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreResult;
use crate::query::{self, col, ident};

/// What the password column holds until the person chooses one: not a PHC string, so no
/// password ever matches it.
pub const NO_PASSWORD_YET: &str = "!chua-kich-hoat";

/// A person's account as the HR officer sees it (no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalAccountRow {
    pub account_id: i64,
    pub username: String,
    pub active: bool,
    pub created_at: i64,
    /// The person has chosen a password (the account was activated at least once).
    pub password_set: bool,
    /// The account holds a live individual grant: the person may sign in and see the record.
    pub has_access: bool,
    /// An activation code is waiting, valid until then.
    pub activation_expires_at: Option<i64>,
}

/// A person of a unit's subtree with its personal account, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonWithAccount {
    pub person_id: i64,
    pub full_name: String,
    pub unit_id: i64,
    pub status: String,
    pub account: Option<PersonalAccountRow>,
}

/// Which people a listing holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountFilter {
    #[default]
    All,
    /// No account yet.
    Without,
    /// An activation code is waiting.
    Pending,
    /// Activated and with access.
    InUse,
    /// The account exists but its access ended (the person left service).
    Suspended,
}

fn live_individual_grant() -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from_as(ident("role_grants"), ident("g"))
            .and_where(col("g", "account_id").equals((ident("a"), ident("id"))))
            .and_where(col("g", "role").eq("individual"))
            .and_where(col("g", "revoked_at").is_null())
            .to_owned(),
    )
}

fn account_columns(select: &mut sea_query::SelectStatement) {
    select
        .expr_as(col("a", "id"), ident("account_id"))
        .expr_as(col("a", "username"), ident("username"))
        .expr_as(col("a", "active"), ident("active"))
        .expr_as(col("a", "created_at"), ident("account_created_at"))
        .expr_as(col("a", "password_hash"), ident("password_hash"))
        .expr_as(
            Expr::case(live_individual_grant(), 1).finally(0),
            ident("has_access"),
        )
        .expr_as(col("act", "expires_at"), ident("activation_expires_at"));
}

fn account_joins(select: &mut sea_query::SelectStatement) {
    select
        .join_as(
            JoinType::LeftJoin,
            ident("accounts"),
            ident("a"),
            col("a", "person_id").equals((ident("p"), ident("id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            ident("account_activations"),
            ident("act"),
            col("act", "account_id").equals((ident("a"), ident("id"))),
        );
}

fn account_of(r: &AnyRow) -> StoreResult<Option<PersonalAccountRow>> {
    let Some(account_id) = r.try_get::<Option<i64>, _>("account_id")? else {
        return Ok(None);
    };
    Ok(Some(PersonalAccountRow {
        account_id,
        username: r.try_get("username")?,
        active: r.try_get::<i64, _>("active")? != 0,
        created_at: r.try_get("account_created_at")?,
        password_set: r.try_get::<String, _>("password_hash")? != NO_PASSWORD_YET,
        has_access: r.try_get::<i64, _>("has_access")? != 0,
        activation_expires_at: r.try_get("activation_expires_at")?,
    }))
}

/// The personal account of one person, if it has one.
pub async fn of_person(
    conn: &mut AnyConnection,
    person_id: i64,
) -> StoreResult<Option<PersonalAccountRow>> {
    let mut select = Query::select();
    select.from_as(ident("persons"), ident("p"));
    account_columns(&mut select);
    account_joins(&mut select);
    select
        .and_where(col("p", "id").eq(person_id))
        .and_where(col("a", "id").is_not_null())
        .order_by((ident("a"), ident("id")), Order::Asc)
        .limit(1);
    match query::fetch_optional(conn, &select).await? {
        Some(r) => account_of(&r),
        None => Ok(None),
    }
}

/// The people of the subtree at `unit_path` (every status), with their accounts, ordered by
/// name; `name` narrows to folded names containing it. Returns a page and the total.
pub async fn list(
    conn: &mut AnyConnection,
    unit_path: &str,
    name: Option<&str>,
    filter: AccountFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<PersonWithAccount>, i64)> {
    let (lo, hi) = crate::org::subtree_range(unit_path);
    let mut select = Query::select();
    select
        .from_as(ident("persons"), ident("p"))
        .join_as(
            JoinType::InnerJoin,
            ident("org_units"),
            ident("u"),
            query::person_unit(),
        )
        .expr_as(col("p", "id"), ident("person_id"))
        .expr_as(col("p", "full_name"), ident("full_name"))
        .expr_as(col("p", "unit_id"), ident("unit_id"))
        .expr_as(col("p", "status"), ident("status"));
    account_columns(&mut select);
    account_joins(&mut select);
    select
        .and_where(col("u", "path").gte(lo))
        .and_where(col("u", "path").lt(hi));
    if let Some(cond) = name
        .map(hoso_domain::search_key::fold)
        .and_then(|n| crate::persons::name_query_cond(&n))
    {
        select.cond_where(cond);
    }
    match filter {
        AccountFilter::All => {}
        AccountFilter::Without => {
            select.and_where(col("a", "id").is_null());
        }
        AccountFilter::Pending => {
            select.and_where(col("act", "account_id").is_not_null());
        }
        AccountFilter::InUse => {
            select
                .and_where(col("a", "password_hash").ne(NO_PASSWORD_YET))
                .and_where(live_individual_grant());
        }
        AccountFilter::Suspended => {
            select
                .and_where(col("a", "id").is_not_null())
                .and_where(live_individual_grant().not());
        }
    }
    let total = query::count(conn, select.clone()).await?;
    select
        .order_by((ident("p"), ident("sort_key")), Order::Asc)
        .order_by((ident("p"), ident("id")), Order::Asc)
        .limit(Ord::max(limit, 0) as u64)
        .offset(Ord::max(offset, 0) as u64);
    let rows = query::fetch_all(conn, &select).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(PersonWithAccount {
            person_id: r.try_get("person_id")?,
            full_name: r.try_get("full_name")?,
            unit_id: r.try_get("unit_id")?,
            status: r.try_get("status")?,
            account: account_of(r)?,
        });
    }
    Ok((out, total))
}

/// The people of the subtree at `unit_path` who are in service and have no account yet, or an
/// account made without an activation code (by an import) that was never activated.
pub async fn working_without_account(
    conn: &mut AnyConnection,
    unit_path: &str,
) -> StoreResult<Vec<i64>> {
    let (lo, hi) = crate::org::subtree_range(unit_path);
    let mut select = Query::select();
    select
        .from_as(ident("persons"), ident("p"))
        .join_as(
            JoinType::InnerJoin,
            ident("org_units"),
            ident("u"),
            query::person_unit(),
        )
        .join_as(
            JoinType::LeftJoin,
            ident("accounts"),
            ident("a"),
            col("a", "person_id").equals((ident("p"), ident("id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            ident("account_activations"),
            ident("act"),
            col("act", "account_id").equals((ident("a"), ident("id"))),
        )
        .expr_as(col("p", "id"), ident("person_id"))
        .and_where(col("u", "path").gte(lo))
        .and_where(col("u", "path").lt(hi))
        .and_where(col("p", "status").eq("working"))
        // No account, or one made without a code (an import's) and never activated.
        .cond_where(
            Cond::any().add(col("a", "id").is_null()).add(
                Cond::all()
                    .add(col("a", "password_hash").eq(NO_PASSWORD_YET))
                    .add(col("act", "account_id").is_null()),
            ),
        )
        .order_by((ident("p"), ident("sort_key")), Order::Asc)
        .order_by((ident("p"), ident("id")), Order::Asc);
    let rows = query::fetch_all(conn, &select).await?;
    rows.iter().map(|r| Ok(r.try_get("person_id")?)).collect()
}

pub struct NewPersonalAccount<'a> {
    pub person_id: i64,
    pub username: &'a str,
    pub display_name: &'a str,
    /// On the application's clock: the deadline rules count from it.
    pub created_at: i64,
    pub created_by: Option<i64>,
    /// The written request or decision the account was made on.
    pub request_ref: &'a str,
}

/// Inserts a personal account (no password yet) with its individual grant.
pub async fn insert(conn: &mut AnyConnection, a: NewPersonalAccount<'_>) -> StoreResult<i64> {
    let ids = insert_many(conn, std::slice::from_ref(&a)).await?;
    ids.first()
        .copied()
        .ok_or_else(|| crate::StoreError::Invalid("an inserted account did not come back".into()))
}

/// The columns of an individual grant, in the order [`individual_grant`] gives its values.
const INDIVIDUAL_GRANT_COLUMNS: [&str; 7] = [
    "account_id",
    "role",
    "unit_id",
    "read_only",
    "granted_by",
    "granted_at",
    "request_ref",
];

/// The values of an account's individual grant (over its own record: no unit).
fn individual_grant(
    account_id: i64,
    by: Option<i64>,
    at: i64,
    request_ref: &str,
) -> [sea_query::SimpleExpr; 7] {
    [
        account_id.into(),
        "individual".into(),
        Option::<i64>::None.into(),
        0i64.into(),
        by.into(),
        at.into(),
        request_ref.into(),
    ]
}

/// Gives the account its individual grant back (the person returned to service), unless it
/// holds one.
pub async fn grant_individual(
    conn: &mut AnyConnection,
    account_id: i64,
    at: i64,
    by: Option<i64>,
    request_ref: &str,
) -> StoreResult<bool> {
    let live = Query::select()
        .expr_as(Expr::val(1), ident("one"))
        .from_as(ident("role_grants"), ident("g"))
        .and_where(col("g", "account_id").eq(account_id))
        .and_where(col("g", "role").eq("individual"))
        .and_where(col("g", "revoked_at").is_null())
        .to_owned();
    if query::fetch_optional(conn, &live).await?.is_some() {
        return Ok(false);
    }
    let insert = Query::insert()
        .into_table(ident("role_grants"))
        .columns(INDIVIDUAL_GRANT_COLUMNS.map(Alias::new))
        .values_panic(individual_grant(account_id, by, at, request_ref))
        .to_owned();
    query::execute(conn, &insert).await?;
    Ok(true)
}

/// Keeps `code_hash` as the account's one waiting activation code (replacing any other).
pub async fn set_activation(
    conn: &mut AnyConnection,
    account_id: i64,
    code_hash: &str,
    expires_at: i64,
    issued_by: Option<i64>,
    issued_at: i64,
) -> StoreResult<()> {
    clear_activation(conn, account_id).await?;
    let insert = Query::insert()
        .into_table(ident("account_activations"))
        .columns(
            [
                "account_id",
                "code_hash",
                "expires_at",
                "issued_by",
                "issued_at",
            ]
            .map(Alias::new),
        )
        .values_panic([
            account_id.into(),
            code_hash.into(),
            expires_at.into(),
            issued_by.into(),
            issued_at.into(),
        ])
        .to_owned();
    query::execute(conn, &insert).await?;
    Ok(())
}

/// The waiting activation code's hash, expiry and wrong tries.
pub async fn activation(
    conn: &mut AnyConnection,
    account_id: i64,
) -> StoreResult<Option<(String, i64, i64)>> {
    let select = Query::select()
        .columns([ident("code_hash"), ident("expires_at"), ident("failures")])
        .from(ident("account_activations"))
        .and_where(Expr::col(ident("account_id")).eq(account_id))
        .to_owned();
    match query::fetch_optional(conn, &select).await? {
        Some(r) => Ok(Some((
            r.try_get("code_hash")?,
            r.try_get("expires_at")?,
            r.try_get("failures")?,
        ))),
        None => Ok(None),
    }
}

/// Counts a wrong code against the waiting one.
pub async fn count_failure(conn: &mut AnyConnection, account_id: i64) -> StoreResult<()> {
    let update = Query::update()
        .table(ident("account_activations"))
        .value(ident("failures"), Expr::col(ident("failures")).add(1))
        .and_where(Expr::col(ident("account_id")).eq(account_id))
        .to_owned();
    query::execute(conn, &update).await?;
    Ok(())
}

/// Spends the waiting code with this hash; false when it is no longer there.
pub async fn take_activation(
    conn: &mut AnyConnection,
    account_id: i64,
    code_hash: &str,
) -> StoreResult<bool> {
    let delete = Query::delete()
        .from_table(ident("account_activations"))
        .and_where(Expr::col(ident("account_id")).eq(account_id))
        .and_where(Expr::col(ident("code_hash")).eq(code_hash))
        .to_owned();
    Ok(query::execute(conn, &delete).await? == 1)
}

pub async fn clear_activation(conn: &mut AnyConnection, account_id: i64) -> StoreResult<()> {
    let delete = Query::delete()
        .from_table(ident("account_activations"))
        .and_where(Expr::col(ident("account_id")).eq(account_id))
        .to_owned();
    query::execute(conn, &delete).await?;
    Ok(())
}

/// Sets the password the person chose with an activation code, and ends any lockout. `at` is
/// on the real clock, like every password's age.
pub async fn set_chosen_password(
    conn: &mut AnyConnection,
    account_id: i64,
    password_hash: &str,
    at: i64,
) -> StoreResult<()> {
    let update = Query::update()
        .table(ident("accounts"))
        .values([
            (ident("password_hash"), password_hash.into()),
            (ident("must_change_password"), 0i64.into()),
            (ident("password_changed_at"), at.into()),
            (ident("failed_logins"), 0i64.into()),
            (ident("locked_until"), Option::<i64>::None.into()),
        ])
        .and_where(Expr::col(ident("id")).eq(account_id))
        .to_owned();
    query::execute(conn, &update).await?;
    Ok(())
}

/// Personal accounts of people an import has just created (none has an account yet), with
/// their individual grants, many a statement; the account ids in the order given.
pub async fn insert_many(
    conn: &mut AnyConnection,
    accounts: &[NewPersonalAccount<'_>],
) -> StoreResult<Vec<i64>> {
    let mut by_username = std::collections::HashMap::with_capacity(accounts.len());
    for chunk in accounts.chunks(crate::bulk::ROWS_PER_STATEMENT) {
        let mut insert = Query::insert();
        insert.into_table(ident("accounts")).columns(
            [
                "username",
                "display_name",
                "password_hash",
                "person_id",
                "active",
                "must_change_password",
                "password_changed_at",
                "failed_logins",
                "created_at",
                "created_by",
            ]
            .map(Alias::new),
        );
        for a in chunk {
            insert.values_panic([
                a.username.into(),
                a.display_name.into(),
                NO_PASSWORD_YET.into(),
                a.person_id.into(),
                1i64.into(),
                0i64.into(),
                a.created_at.into(),
                0i64.into(),
                a.created_at.into(),
                a.created_by.into(),
            ]);
        }
        insert.returning(Query::returning().columns([ident("id"), ident("username")]));
        for row in query::fetch_all(conn, &insert).await? {
            let username: String = row.try_get("username")?;
            by_username.insert(username, row.try_get::<i64, _>("id")?);
        }
    }
    let ids = accounts
        .iter()
        .map(|a| {
            by_username.get(a.username).copied().ok_or_else(|| {
                crate::StoreError::Invalid("an inserted account did not come back".into())
            })
        })
        .collect::<StoreResult<Vec<i64>>>()?;
    let per_statement = crate::bulk::ROWS_PER_STATEMENT;
    for (chunk, chunk_ids) in accounts
        .chunks(per_statement)
        .zip(ids.chunks(per_statement))
    {
        let mut insert = Query::insert();
        insert
            .into_table(ident("role_grants"))
            .columns(INDIVIDUAL_GRANT_COLUMNS.map(Alias::new));
        for (a, id) in chunk.iter().zip(chunk_ids) {
            insert.values_panic(individual_grant(
                *id,
                a.created_by,
                a.created_at,
                a.request_ref,
            ));
        }
        query::execute(conn, &insert).await?;
    }
    Ok(ids)
}
