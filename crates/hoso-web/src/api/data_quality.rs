//! Data quality, "Đúng, Đủ, Sạch, Sống" (LS Đ3.2, Đ13.4): the figures per unit, the records
//! failing a criterion, the monthly check; for whoever sees units, within them; audited.

use crate::extract::Query;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use hoso_app::App;
use hoso_app::data_quality::{
    DataQualityQuery, DataQualityRecordsQuery, DataQualityReport, FailingRecords, MonthlyCheck,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::download;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Client};

/// The figures of the caller's units (or of `unit` and below), ranked by overall score: Đúng
/// (valid and approved), Đủ (fields that must be held, filled), Sạch (no duplicate, catalog
/// codes, no legacy encoding, normalised text), Sống (updated within the period, nothing past
/// its deadline), with Đủ per section. Audited.
#[utoipa::path(get, path = "/api/v1/data-quality", tag = "reports", params(DataQualityQuery),
    responses((status = 200, body = DataQualityReport), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Query(q): Query<DataQualityQuery>,
) -> ApiResult<Json<DataQualityReport>> {
    Ok(Json(app.data_quality(&actor, &q, &client).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Only this unit and the units below it.
    pub unit: Option<i64>,
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
}

/// The same figures as a file (one row per unit, in rank order, and the total).
#[utoipa::path(get, path = "/api/v1/data-quality/export", tag = "reports", params(ExportQuery),
    responses((status = 200, description = "The file",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let format = download::format_of(q.format.as_deref())?;
    let report = app
        .export_data_quality(&actor, &DataQualityQuery { unit: q.unit }, &client)
        .await?;
    Ok(download::file(
        crate::pages::data_quality::table(&report),
        format,
        "chat-luong-du-lieu",
        false,
    )
    .await?)
}

/// The records of a unit (or of every unit shown) failing one criterion (`dung`, `du`,
/// `sach`, `song`), with the reasons, paged. Audited.
#[utoipa::path(get, path = "/api/v1/data-quality/records", tag = "reports", params(DataQualityRecordsQuery),
    responses((status = 200, body = FailingRecords), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn records(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Query(q): Query<DataQualityRecordsQuery>,
) -> ApiResult<Json<FailingRecords>> {
    Ok(Json(app.data_quality_records(&actor, &q, &client).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordsExportQuery {
    /// dung, du, sach or song.
    #[serde(default)]
    pub criterion: String,
    /// Only the people this unit keeps.
    pub unit: Option<i64>,
    /// Only the people of this unit and the units below it.
    pub under: Option<i64>,
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
}

/// Every record failing one criterion (at most 50,000) as a file, with the reasons. Cut lists
/// carry `X-Hoso-Truncated: true`.
#[utoipa::path(get, path = "/api/v1/data-quality/records/export", tag = "reports", params(RecordsExportQuery),
    responses((status = 200, description = "The file",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn records_export(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Query(q): Query<RecordsExportQuery>,
) -> ApiResult<Response> {
    let format = download::format_of(q.format.as_deref())?;
    let query = DataQualityRecordsQuery {
        criterion: q.criterion,
        unit: q.unit,
        under: q.under,
        page: None,
        per_page: None,
    };
    let result = app
        .export_data_quality_records(&actor, &query, &client)
        .await?;
    let truncated = result.records.total > result.records.items.len() as i64;
    Ok(download::file(
        crate::pages::data_quality::records_table(&result),
        format,
        "ho-so-can-sua",
        truncated,
    )
    .await?)
}

/// The monthly check of LS Đ13.4 ("trước ngày 25 hằng tháng"): the month's figures, records
/// changed this month and awaiting approval, the due day. Audited.
#[utoipa::path(get, path = "/api/v1/data-quality/monthly", tag = "reports", params(DataQualityQuery),
    responses((status = 200, body = MonthlyCheck), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn monthly(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Query(q): Query<DataQualityQuery>,
) -> ApiResult<Json<MonthlyCheck>> {
    Ok(Json(app.data_quality_monthly(&actor, &q, &client).await?))
}
