//! Reports over the projections: the query layer's answer as JSON, or as a file.

use crate::extract::Query;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use hoso_app::App;
use hoso_app::reports::{REPORT_ROW_CAP, ReportSpec, ReportTable};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::documents;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// Runs a report: a listing (`columns`) or a breakdown (`group_by`, `measures`) of the people
/// the caller may read (`source` = `persons`) or of a history (`source` = `salary_history`…,
/// optionally `as_of` a day), filtered on any projected field. Fields above the caller's
/// clearance are refused (403). Audited.
#[utoipa::path(post, path = "/api/v1/reports", tag = "reports", request_body = ReportSpec,
    responses((status = 200, body = ReportTable), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn run(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(spec): ApiJson<ReportSpec>,
) -> ApiResult<Json<ReportTable>> {
    Ok(Json(app.run_report(&actor, &spec, &client).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportParams {
    /// `xlsx` (default), `csv`, or a document in the official presentation: `pdf`, `docx`.
    pub format: Option<String>,
}

/// The same report as a file: every row (at most 50,000), Vietnamese headers, dates
/// `dd/mm/yyyy`, numbers as numbers; as PDF or DOCX with the issuing body, the national
/// motto, place and date, title and signature block. Cut lists carry `X-Hoso-Truncated: true`.
#[utoipa::path(post, path = "/api/v1/reports/export", tag = "reports", request_body = ReportSpec,
    params(ExportParams),
    responses((status = 200, description = "The file",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"),
                ("application/pdf"),
                ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Query(params): Query<ExportParams>,
    ApiJson(mut spec): ApiJson<ReportSpec>,
) -> ApiResult<Response> {
    let format = documents::report_format_of(params.format.as_deref())?;
    spec.page = Some(1);
    spec.per_page = Some(REPORT_ROW_CAP);
    let report = app.run_report(&actor, &spec, &client).await?;
    let truncated = report.total > report.rows.len() as i64;
    Ok(documents::report_file(&app, &actor, &report, spec.unit, format, truncated).await?)
}
