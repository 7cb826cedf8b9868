//! Reports over the projections: the query layer's answer as JSON, or as a file.

use crate::extract::Query;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use hoso_app::App;
use hoso_app::report_forms::{FormAsk, FormCell, FormReport, FormSummary};
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

/// The statutory report forms in force today (số lượng, chất lượng công chức and viên chức;
/// kết quả xếp loại by year), each with the text it follows.
#[utoipa::path(get, path = "/api/v1/report-forms", tag = "reports",
    responses((status = 200, body = Vec<FormSummary>), (status = 401, body = ErrorBody)))]
pub async fn forms(
    State(app): State<App>,
    Authenticated(_actor): Authenticated,
) -> ApiResult<Json<Vec<FormSummary>>> {
    Ok(Json(app.report_forms()))
}

impl FormParams {
    fn ask(&self) -> FormAsk {
        FormAsk {
            unit: self.unit,
            year: self.year,
            as_of: self.as_of.clone(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FormParams {
    /// The unit whose subunits are the rows (default: the units the caller sees).
    pub unit: Option<i64>,
    /// A yearly form's year (default: last year).
    pub year: Option<i32>,
    /// A form of the workforce as of this past day (`YYYY-MM-DD`; default today): each person
    /// as their record stood that day, ages counted on it.
    pub as_of: Option<String>,
    /// For the export: `xlsx` (default), `csv`, `pdf`, `docx`.
    pub format: Option<String>,
    /// A list form's page of lines (default 1) and lines per page (default 100); the export
    /// has every line.
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Runs a form over the subunits of `unit`, counting only the people the caller may read:
/// one row per subunit (its whole subtree) and one for the people directly in `unit`, and the
/// total. Ages are counted on the day of the form (today, or `as_of`). A list form (BM03) lists its people instead, a page of
/// lines in `list`. Audited.
#[utoipa::path(get, path = "/api/v1/report-forms/{code}", tag = "reports",
    params(("code" = String, Path, description = "The form (`bm01-cong-chuc`…)"), FormParams),
    responses((status = 200, body = FormReport), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn form(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(code): Path<String>,
    Query(params): Query<FormParams>,
) -> ApiResult<Json<FormReport>> {
    Ok(Json(
        app.run_report_form(
            &actor,
            &code,
            &params.ask(),
            Some((params.page.unwrap_or(1), params.per_page.unwrap_or(100))),
            &client,
        )
        .await?,
    ))
}

/// The same form as a file: XLSX or CSV (one column per form column, headed by its group), or
/// a PDF or DOCX document with the issuing body, title and signature block.
#[utoipa::path(get, path = "/api/v1/report-forms/{code}/export", tag = "reports",
    params(("code" = String, Path, description = "The form"), FormParams),
    responses((status = 200, description = "The file",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"),
                ("application/pdf"),
                ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn form_export(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(code): Path<String>,
    Query(params): Query<FormParams>,
) -> ApiResult<Response> {
    let format = documents::report_format_of(params.format.as_deref())?;
    let report = app
        .run_report_form(&actor, &code, &params.ask(), None, &client)
        .await?;
    let table = report.table();
    let truncated = table.total > table.rows.len() as i64;
    Ok(documents::report_file(&app, &actor, &table, params.unit, format, truncated).await?)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FormPeopleParams {
    /// The row's unit (none: the total row).
    pub unit: Option<i64>,
    /// The row of the people directly in `unit`.
    #[serde(default)]
    pub direct: bool,
    /// The column's key (`female`, `rank_cvc`…).
    pub column: String,
    pub year: Option<i32>,
    /// The day the figure is of (`YYYY-MM-DD`; default today).
    pub as_of: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The people behind one figure of a form: a listing of the report builder with the form's
/// conditions for that row and column. Audited.
#[utoipa::path(get, path = "/api/v1/report-forms/{code}/people", tag = "reports",
    params(("code" = String, Path, description = "The form"), FormPeopleParams),
    responses((status = 200, body = ReportTable), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn form_people(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(code): Path<String>,
    Query(params): Query<FormPeopleParams>,
) -> ApiResult<Json<ReportTable>> {
    let cell = FormCell {
        unit: params.unit,
        direct: params.direct,
        column: params.column,
        year: params.year,
        as_of: params.as_of,
    };
    Ok(Json(
        app.report_form_people(&actor, &code, &cell, params.page, params.per_page, &client)
            .await?,
    ))
}
