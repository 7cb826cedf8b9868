//! Accounts.

use axum::Json;
use axum::extract::{Query, State};
use hoso_app::accounts::AccountView;
use hoso_app::{App, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;

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
