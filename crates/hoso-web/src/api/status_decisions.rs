//! Decisions that end or resume a person's service (nghỉ hưu, thôi việc, buộc thôi việc, chấm
//! dứt hợp đồng, từ trần, trở lại công tác): recorded by the record's HR officer, in force on
//! their effective date.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hoso_app::App;
use hoso_app::status_decisions::{NewStatusDecision, StatusDecisionView};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// A person's decisions, the latest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/status-decisions", tag = "movements", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<StatusDecisionView>), (status = 404, body = ErrorBody)))]
pub async fn of_person(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<StatusDecisionView>>> {
    Ok(Json(app.status_decisions_of(&actor, id).await?))
}

/// Record a decision: the status changes at once when its effective date has come, otherwise
/// on that day (the daily job). The person's own account follows the status.
#[utoipa::path(post, path = "/api/v1/persons/{id}/status-decisions", tag = "movements", params(("id" = i64, Path)),
    request_body = NewStatusDecision,
    responses((status = 201, body = StatusDecisionView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decide(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<NewStatusDecision>,
) -> ApiResult<(StatusCode, Json<StatusDecisionView>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.decide_status(&actor, id, input, &client).await?),
    ))
}

/// Withdraw a decision still waiting for its effective date.
#[utoipa::path(post, path = "/api/v1/status-decisions/{id}/cancel", tag = "movements", params(("id" = i64, Path)),
    responses((status = 200, body = StatusDecisionView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<StatusDecisionView>> {
    Ok(Json(app.cancel_status_decision(&actor, id, &client).await?))
}
