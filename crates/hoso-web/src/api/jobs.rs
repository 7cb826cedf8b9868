//! Background jobs (việc nền): the runs of the job queue, for the system administrator to
//! watch, retry and cancel.

use crate::extract::Query;
use axum::Json;
use axum::extract::{Path, State};
use hoso_app::jobs::{JobQuery, JobView};
use hoso_app::{App, Page};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Client};

/// The runs, newest first, filtered by status and kind (system administrator).
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobQuery),
    responses((status = 200, body = Page<JobView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Query(q): Query<JobQuery>,
) -> ApiResult<Json<Page<JobView>>> {
    Ok(Json(app.list_jobs(&actor, q).await?))
}

/// One run, with its progress (system administrator).
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", params(("id" = i64, Path)),
    responses((status = 200, body = JobView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Json<JobView>> {
    Ok(Json(app.job(&actor, id).await?))
}

/// Queue a failed run again, with a fresh set of attempts (system administrator).
#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "jobs", params(("id" = i64, Path)),
    responses((status = 200, body = JobView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn retry(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<JobView>> {
    Ok(Json(app.retry_job(&actor, id, &client).await?))
}

/// Withdraw a run that has not started (system administrator).
#[utoipa::path(post, path = "/api/v1/jobs/{id}/cancel", tag = "jobs", params(("id" = i64, Path)),
    responses((status = 200, body = JobView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<JobView>> {
    Ok(Json(app.cancel_job(&actor, id, &client).await?))
}
