//! Alerts and deadlines.

use crate::extract::Query;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use hoso_app::alerts::{AlertCount, AlertMark, AlertQuery, AlertView};
use hoso_app::{App, Page};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// Alerts in the caller's scope (computed daily), with filters.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(AlertQuery),
    responses((status = 200, body = Page<AlertView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Query(q): Query<AlertQuery>,
) -> ApiResult<Json<Page<AlertView>>> {
    Ok(Json(app.list_alerts(&actor, q).await?))
}

/// Alert counts per kind in the caller's scope.
#[utoipa::path(get, path = "/api/v1/alerts/summary", tag = "alerts",
    responses((status = 200, body = Vec<AlertCount>), (status = 401, body = ErrorBody)))]
pub async fn summary(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Vec<AlertCount>>> {
    Ok(Json(app.alert_summary(&actor).await?))
}

/// What-if: the alerts of the caller's scope as of another date (`date=YYYY-MM-DD`). Administrators.
#[utoipa::path(get, path = "/api/v1/alerts/preview", tag = "alerts", params(AlertQuery),
    responses((status = 200, body = Page<AlertView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn preview(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Query(q): Query<AlertQuery>,
) -> ApiResult<Json<Page<AlertView>>> {
    Ok(Json(app.preview_alerts(&actor, q).await?))
}

/// Mark an alert as dealt with (the decision sent, the person told): it leaves the open list
/// and the counts. The HR officers of the person's record.
#[utoipa::path(post, path = "/api/v1/alerts/handled", tag = "alerts", request_body = AlertMark,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn mark_handled(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(input): ApiJson<AlertMark>,
) -> ApiResult<StatusCode> {
    app.mark_alert_handled(&actor, input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take back the mark: the alert is open again.
#[utoipa::path(post, path = "/api/v1/alerts/reopen", tag = "alerts", request_body = AlertMark,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reopen(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(input): ApiJson<AlertMark>,
) -> ApiResult<StatusCode> {
    app.reopen_alert(&actor, input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct DateQuery {
    /// ISO date; today when absent.
    pub date: Option<String>,
}

/// The deadline rules in force: the configured regulation's preset with local overrides.
#[utoipa::path(get, path = "/api/v1/deadline-rules", tag = "alerts", params(DateQuery),
    responses((status = 200, body = Vec<hoso_app::deadlines::DeadlineRuleView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn deadline_rules(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Query(q): Query<DateQuery>,
) -> ApiResult<Json<Vec<hoso_app::deadlines::DeadlineRuleView>>> {
    Ok(Json(app.deadline_rules(&actor, q.date.as_deref())?))
}

/// How the deadlines due in a period went, per unit and rule: met on time, met late, overdue,
/// running, and how late in working days (the Sở's inspection view). Administrators, within
/// their units; audited.
#[utoipa::path(get, path = "/api/v1/deadline-report", tag = "alerts",
    params(hoso_app::deadline_report::DeadlineReportQuery),
    responses((status = 200, body = hoso_app::deadline_report::DeadlineReport), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn deadline_report(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Query(q): Query<hoso_app::deadline_report::DeadlineReportQuery>,
) -> ApiResult<Json<hoso_app::deadline_report::DeadlineReport>> {
    Ok(Json(app.deadline_report(&actor, &q, &client).await?))
}

/// The periodic reports the regulation in force asks of the agencies and of the Sở (LS Đ13.6,
/// Đ15.7; LC Đ15.6, Đ16.8; ĐT Đ22.6, Đ26.8; ĐN Đ14.1): for each unit the caller sees, each
/// rule's last cycle due and its next, sent on time, late, overdue or running.
#[utoipa::path(get, path = "/api/v1/periodic-reports", tag = "alerts",
    params(hoso_app::periodic_reports::PeriodicReportQuery),
    responses((status = 200, body = hoso_app::periodic_reports::PeriodicReports), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn periodic_reports(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Query(q): Query<hoso_app::periodic_reports::PeriodicReportQuery>,
) -> ApiResult<Json<hoso_app::periodic_reports::PeriodicReports>> {
    Ok(Json(app.periodic_reports(&actor, &q).await?))
}

/// Record a unit's periodic report of one cycle as sent: the day and the number of the document
/// that carried it. The unit's HR officer (or the Sở, for the province's); once per cycle.
#[utoipa::path(post, path = "/api/v1/periodic-reports", tag = "alerts",
    request_body = hoso_app::periodic_reports::RecordReportSent,
    responses((status = 201, body = hoso_app::periodic_reports::PeriodicReportRow), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn record_report_sent(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(input): ApiJson<hoso_app::periodic_reports::RecordReportSent>,
) -> ApiResult<(
    StatusCode,
    Json<hoso_app::periodic_reports::PeriodicReportRow>,
)> {
    Ok((
        StatusCode::CREATED,
        Json(app.record_report_sent(&actor, &input, &client).await?),
    ))
}

/// The manifest of a recorded periodic report: the exact bytes its head signs (the rule, the
/// cycle, the document that carried it and the unit's headcount by ngạch that day).
#[utoipa::path(get, path = "/api/v1/periodic-reports/{id}/manifest", tag = "alerts", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/json", body = Object), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report_manifest(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let bytes = app.periodic_report_manifest(&actor, id, &client).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response())
}

/// The head of the unit signs a recorded periodic report, like an approval batch: a detached
/// signature made outside over the manifest's bytes, or one made here with the head's PKCS#12
/// file; verified against the trusted roots and kept with the certificate.
#[utoipa::path(post, path = "/api/v1/periodic-reports/{id}/sign", tag = "alerts", params(("id" = i64, Path)),
    request_body = hoso_app::periodic_reports::SignReport,
    responses((status = 200, body = hoso_app::periodic_reports::PeriodicReportView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn sign_report(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<hoso_app::periodic_reports::SignReport>,
) -> ApiResult<Json<hoso_app::periodic_reports::PeriodicReportView>> {
    Ok(Json(
        app.sign_periodic_report(&actor, id, input, &client).await?,
    ))
}

/// The stored detached signature (DER) of a signed periodic report.
#[utoipa::path(get, path = "/api/v1/periodic-reports/{id}/signature", tag = "alerts", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pkcs7-signature", body = Vec<u8>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report_signature(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let der = app.periodic_report_signature(&actor, id, &client).await?;
    Ok(crate::api::changes::file_response(
        "application/pkcs7-signature",
        &format!("bao-cao-{id}.p7s"),
        der,
    ))
}
