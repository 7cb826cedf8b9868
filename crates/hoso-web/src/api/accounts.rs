//! Accounts and their grants: create, grant, restrict, widen, revoke, reset a password.

use crate::extract::Query;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hoso_app::accounts::{AccountView, GrantView};
use hoso_app::security::{
    AddGrant, ChangeGrant, CreateAccount, CreatedAccount, RevokeGrant, TemporaryPassword,
};
use hoso_app::{App, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Staff accounts (administrators, approvers, viewers) in the caller's subtree.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", params(PageQuery),
    responses((status = 200, body = Page<AccountView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<AccountView>>> {
    Ok(Json(app.list_accounts(&actor, q.page, q.per_page).await?))
}

/// Create a staff account with its grants (inside the caller's scope, never a role above its
/// own). Answers a temporary password, shown once.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = CreateAccount,
    responses((status = 201, body = CreatedAccount), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(input): ApiJson<CreateAccount>,
) -> ApiResult<(StatusCode, Json<CreatedAccount>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_account(&actor, input, &client).await?),
    ))
}

/// Set a temporary password (shown once) and end the account's sessions.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/reset-password", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 200, body = TemporaryPassword), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reset_password(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<TemporaryPassword>> {
    Ok(Json(app.reset_password(&actor, id, &client).await?))
}

/// Grant a role over a unit to an account.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/grants", tag = "accounts", params(("id" = i64, Path)), request_body = AddGrant,
    responses((status = 201, body = GrantView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_grant(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AddGrant>,
) -> ApiResult<(StatusCode, Json<GrantView>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.add_grant(&actor, id, input, &client).await?),
    ))
}

/// Restrict (`read_only: true`, a lower unit) or widen (`read_only: false`, a higher unit) a
/// grant.
#[utoipa::path(patch, path = "/api/v1/grants/{id}", tag = "accounts", params(("id" = i64, Path)), request_body = ChangeGrant,
    responses((status = 200, body = GrantView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn change_grant(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ChangeGrant>,
) -> ApiResult<Json<GrantView>> {
    Ok(Json(app.change_grant(&actor, id, input, &client).await?))
}

/// Revoke a grant, effective at once.
#[utoipa::path(delete, path = "/api/v1/grants/{id}", tag = "accounts", params(("id" = i64, Path)), request_body = RevokeGrant,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_grant(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RevokeGrant>,
) -> ApiResult<StatusCode> {
    app.revoke_grant(&actor, id, input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
