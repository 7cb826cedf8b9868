//! The monthly payroll sheet and the salary cycle (ĐT Đ17).

use crate::extract::Query;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hoso_app::App;
use hoso_app::payroll::{
    PayrollConsolidation, PayrollOverview, PayrollQuery, PayrollSheet, PayrollSheetSummary,
    RecordPayrollConsolidation, RecordPayrollSheet,
};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// The salary duties of the regulation in force (ĐT Đ17: the provincial agencies from the 1st to
/// the 10th, the districts by the 20th, the Sở Tài chính's consolidation on the 25th), month by
/// month and per responsible unit; the sheets of a month in the caller's scope; the units the
/// caller may record one for; and, for an account that reads the whole province, the month's
/// consolidation.
#[utoipa::path(get, path = "/api/v1/payroll", tag = "payroll", params(PayrollQuery),
    responses((status = 200, body = PayrollOverview), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn overview(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Query(q): Query<PayrollQuery>,
) -> ApiResult<Json<PayrollOverview>> {
    Ok(Json(app.payroll(&actor, &q).await?))
}

/// Record a unit's sheet of a month (this month or the one before) with the day it is paid: a
/// line per person working in the unit and the units under it, computed from their records. A
/// month recorded before is recorded again (its first day recorded stays), until the month is
/// consolidated.
#[utoipa::path(post, path = "/api/v1/payroll/sheets", tag = "payroll",
    request_body = RecordPayrollSheet,
    responses((status = 201, body = PayrollSheetSummary), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn record_sheet(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(input): ApiJson<RecordPayrollSheet>,
) -> ApiResult<(StatusCode, Json<PayrollSheetSummary>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.record_payroll_sheet(&actor, &input, &client).await?),
    ))
}

/// A recorded sheet with its lines (personal data: the read is audited).
#[utoipa::path(get, path = "/api/v1/payroll/sheets/{id}", tag = "payroll", params(("id" = i64, Path)),
    responses((status = 200, body = PayrollSheet), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn sheet(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<PayrollSheet>> {
    Ok(Json(app.payroll_sheet(&actor, id, false, &client).await?))
}

/// Record the month's consolidation of the sheets for the province (ĐT Đ17.3), as they stand
/// today; by an account that reads the whole province; once a month.
#[utoipa::path(post, path = "/api/v1/payroll/consolidations", tag = "payroll",
    request_body = RecordPayrollConsolidation,
    responses((status = 201, body = PayrollConsolidation), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn consolidate(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(input): ApiJson<RecordPayrollConsolidation>,
) -> ApiResult<(StatusCode, Json<PayrollConsolidation>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            app.record_payroll_consolidation(&actor, &input, &client)
                .await?,
        ),
    ))
}
