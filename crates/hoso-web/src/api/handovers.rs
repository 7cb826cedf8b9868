//! Records crossing the province's border: the hand-over of a person transferred out (the
//! signed package, kept and recorded), the reception of a person from outside with theirs, and
//! the receiving unit's confirmation.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use hoso_app::App;
use hoso_app::handovers::{
    HandOver, HandoverView, ReceivePackage, RecordHandovers, ReportToSo, package_file_name,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::changes::file_response;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client, Query};

/// A record's hand-overs, latest first, and whether the caller may hand it over now.
#[utoipa::path(get, path = "/api/v1/persons/{id}/handovers", tag = "movements", params(("id" = i64, Path)),
    responses((status = 200, body = RecordHandovers), (status = 404, body = ErrorBody)))]
pub async fn of_person(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Json<RecordHandovers>> {
    Ok(Json(app.handovers_of(&actor, id).await?))
}

/// Hand the record of a person transferred out of the province over: the signed package of its
/// last approved version with its history, kept and recorded (LS Đ9.1d).
#[utoipa::path(post, path = "/api/v1/persons/{id}/handovers", tag = "movements", params(("id" = i64, Path)),
    request_body = HandOver,
    responses((status = 201, body = HandoverView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn hand_over(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<HandOver>,
) -> ApiResult<(StatusCode, Json<HandoverView>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.hand_over(&actor, id, input, &client).await?),
    ))
}

/// What a reception says besides its package.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceiveParams {
    /// The receiving unit.
    pub unit_id: i64,
    /// The agency the person comes from.
    pub counterpart: String,
    pub decision_number: String,
    /// `YYYY-MM-DD`.
    pub decision_date: String,
    /// `YYYY-MM-DD`: the day of the reception.
    pub effective_date: String,
}

/// Receive a person from outside the province with the signed package (the zip as the request
/// body) their former agency handed over: checked against the trusted roots, the record created
/// in the unit as received, waiting for the unit to confirm it.
#[utoipa::path(post, path = "/api/v1/handovers/receive", tag = "movements", params(ReceiveParams),
    request_body(content((Vec<u8> = "application/zip"), (Vec<u8> = "application/octet-stream"))),
    responses((status = 201, body = HandoverView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn receive(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Query(p): Query<ReceiveParams>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<HandoverView>)> {
    let input = ReceivePackage {
        unit_id: p.unit_id,
        counterpart: p.counterpart,
        decision_number: p.decision_number,
        decision_date: p.decision_date,
        effective_date: p.effective_date,
        package: body.to_vec(),
    };
    Ok((
        StatusCode::CREATED,
        Json(app.receive_package(&actor, input, &client).await?),
    ))
}

/// The package of a hand-over, byte for byte as handed over or received.
#[utoipa::path(get, path = "/api/v1/handovers/{id}/package", tag = "movements", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn package(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let (h, bytes) = app.handover_package(&actor, id, &client).await?;
    Ok(file_response(
        "application/zip",
        &package_file_name(&h),
        bytes,
    ))
}

/// The receiving unit confirms a record received from outside the province.
#[utoipa::path(post, path = "/api/v1/handovers/{id}/confirm", tag = "movements", params(("id" = i64, Path)),
    responses((status = 200, body = HandoverView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn confirm(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<HandoverView>> {
    Ok(Json(app.confirm_received(&actor, id, &client).await?))
}

/// Record that the unit reported an arrival or a departure to the Sở Nội vụ, with the decision
/// (ĐT Đ22.5: within 10 working days of it).
#[utoipa::path(post, path = "/api/v1/handovers/{id}/report", tag = "movements", params(("id" = i64, Path)),
    request_body = ReportToSo,
    responses((status = 200, body = HandoverView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn report(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ReportToSo>,
) -> ApiResult<Json<HandoverView>> {
    Ok(Json(app.report_handover(&actor, id, input, &client).await?))
}
