//! Backups (system administrator): the runs and queueing one now.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hoso_app::App;
use hoso_app::backup::BackupOverview;
use hoso_app::jobs::JobView;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Client};

/// The backups taken, newest first, and whether the last good one is older than configured.
/// System administrator.
#[utoipa::path(get, path = "/api/v1/backups", tag = "operations",
    responses((status = 200, body = BackupOverview), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
) -> ApiResult<Json<BackupOverview>> {
    Ok(Json(app.backups(&actor, &client).await?))
}

/// Queue a backup now (the job runner takes it; follow it at `/api/v1/jobs/{id}`). System
/// administrator; refused when no backup passphrase is configured.
#[utoipa::path(post, path = "/api/v1/backups", tag = "operations",
    responses((status = 202, body = JobView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn request(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
) -> ApiResult<(StatusCode, Json<JobView>)> {
    Ok((
        StatusCode::ACCEPTED,
        Json(app.request_backup(&actor, &client).await?),
    ))
}

/// Queue a trial restore of a stored backup into a scratch database (the job runner takes it;
/// follow it at `/api/v1/jobs/{id}`; the result goes on the backup). System administrator;
/// only a succeeded backup still kept can be checked.
#[utoipa::path(post, path = "/api/v1/backups/{id}/verify", tag = "operations",
    params(("id" = i64, Path)),
    responses((status = 202, body = JobView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn verify(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, Json<JobView>)> {
    Ok((
        StatusCode::ACCEPTED,
        Json(app.request_backup_verification(&actor, id, &client).await?),
    ))
}
