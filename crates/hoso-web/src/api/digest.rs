//! The caller's e-mail address for the daily digest of alerts.

use axum::Json;
use axum::extract::State;
use hoso_app::App;
use hoso_app::digest::{EmailInput, EmailView};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// The caller's address for the daily digest, and whether this server sends digests.
#[utoipa::path(get, path = "/api/v1/me/email", tag = "alerts",
    responses((status = 200, body = EmailView), (status = 401, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<EmailView>> {
    Ok(Json(app.own_email(&actor).await?))
}

/// Set (or clear, with null or "") the caller's address for the daily digest.
#[utoipa::path(put, path = "/api/v1/me/email", tag = "alerts", request_body = EmailInput,
    responses((status = 200, body = EmailView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn put(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(input): ApiJson<EmailInput>,
) -> ApiResult<Json<EmailView>> {
    Ok(Json(app.set_own_email(&actor, input, &client).await?))
}
