//! Access to one record outside the management line (NĐ 27/2026), and a lost second factor's
//! reset by a higher administrator.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hoso_app::App;
use hoso_app::record_access::{
    GrantRecordAccess, RecordAccessView, RevokeRecordAccess, SharedRecordView,
};
use hoso_app::totp::ResetTotp;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// Outside-access grants of a record, live and past (administrators of the record).
#[utoipa::path(get, path = "/api/v1/persons/{id}/access-grants", tag = "persons", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RecordAccessView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<RecordAccessView>>> {
    Ok(Json(app.record_access_grants(&actor, id, &client).await?))
}

/// Let one account (an inspector, another agency) read this record: purpose, consent or
/// authorisation reference, last day, field level (`internal` unless stated).
#[utoipa::path(post, path = "/api/v1/persons/{id}/access-grants", tag = "persons", params(("id" = i64, Path)),
    request_body = GrantRecordAccess,
    responses((status = 201, body = RecordAccessView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn grant(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<GrantRecordAccess>,
) -> ApiResult<(StatusCode, Json<RecordAccessView>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.grant_record_access(&actor, id, input, &client).await?),
    ))
}

/// End an outside-access grant, effective at once.
#[utoipa::path(delete, path = "/api/v1/access-grants/{id}", tag = "persons", params(("id" = i64, Path)),
    request_body = RevokeRecordAccess,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn revoke(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RevokeRecordAccess>,
) -> ApiResult<StatusCode> {
    app.revoke_record_access(&actor, id, input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records shared with me through live outside-access grants ("Hồ sơ được chia sẻ").
#[utoipa::path(get, path = "/api/v1/me/shared-records", tag = "auth",
    responses((status = 200, body = Vec<SharedRecordView>), (status = 401, body = ErrorBody)))]
pub async fn shared(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
) -> ApiResult<Json<Vec<SharedRecordView>>> {
    Ok(Json(app.shared_records(&actor, &client).await?))
}

/// Reset an account's second factor (lost phone): its sessions end and it must enrol again.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/reset-totp", tag = "accounts", params(("id" = i64, Path)),
    request_body = ResetTotp,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reset_totp(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ResetTotp>,
) -> ApiResult<StatusCode> {
    app.reset_totp(&actor, id, input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
