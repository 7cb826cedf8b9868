//! The holiday schedule (lịch nghỉ lễ, nghỉ bù, hoán đổi): everyone signed in reads a year; the
//! system administrator amends it when the Government announces it.

use crate::extract::Query;
use axum::Json;
use axum::extract::{Path, State};
use hoso_app::App;
use hoso_app::holidays::{HolidayDayInput, HolidayRemoval, HolidayYearInput, HolidayYearView};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// The schedule of a year in force: its days off and swapped days, as a list and as TSV.
#[utoipa::path(get, path = "/api/v1/holidays/{year}", tag = "alerts", params(("year" = i32, Path)),
    responses((status = 200, body = HolidayYearView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn year(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(year): Path<i32>,
) -> ApiResult<Json<HolidayYearView>> {
    Ok(Json(app.holiday_year(&actor, year).await?))
}

/// Replace the schedule of a year by TSV text in the format of holidays.tsv (system
/// administrator). Refused as a whole, naming the line, when any line is wrong.
#[utoipa::path(put, path = "/api/v1/holidays/{year}", tag = "alerts", params(("year" = i32, Path)), request_body = HolidayYearInput,
    responses((status = 200, body = HolidayYearView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_year(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(year): Path<i32>,
    ApiJson(input): ApiJson<HolidayYearInput>,
) -> ApiResult<Json<HolidayYearView>> {
    Ok(Json(
        app.put_holiday_year(&actor, year, input, &client).await?,
    ))
}

/// Add one day to a year's schedule (system administrator).
#[utoipa::path(post, path = "/api/v1/holidays/{year}/days", tag = "alerts", params(("year" = i32, Path)), request_body = HolidayDayInput,
    responses((status = 200, body = HolidayYearView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn add_day(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(year): Path<i32>,
    ApiJson(input): ApiJson<HolidayDayInput>,
) -> ApiResult<Json<HolidayYearView>> {
    Ok(Json(
        app.add_holiday_day(&actor, year, input, &client).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct RemovalQuery {
    /// The announcement that removes the day.
    pub decision_ref: Option<String>,
}

/// Remove one day from a year's schedule (system administrator).
#[utoipa::path(delete, path = "/api/v1/holidays/{year}/days/{date}", tag = "alerts",
    params(("year" = i32, Path), ("date" = String, Path, description = "yyyy-mm-dd"), RemovalQuery),
    responses((status = 200, body = HolidayYearView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn remove_day(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path((year, date)): Path<(i32, String)>,
    Query(q): Query<RemovalQuery>,
) -> ApiResult<Json<HolidayYearView>> {
    let input = HolidayRemoval {
        decision_ref: q.decision_ref.unwrap_or_default(),
    };
    Ok(Json(
        app.remove_holiday_day(&actor, year, &date, input, &client)
            .await?,
    ))
}
