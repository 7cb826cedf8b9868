//! The holiday schedule page (`/lich-nghi`): everyone signed in sees the days off of a year and
//! how many working days it has; the system administrator adds or removes a day, or replaces
//! the whole year with the text the Government announced (TSV, as in holidays.tsv).

use crate::extract::Query;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use hoso_app::holidays::{HolidayDayInput, HolidayRemoval, HolidayYearInput, HolidayYearView};
use hoso_app::{App, AppError};
use hoso_domain::calendar::ScheduleKind;
use serde::Deserialize;

use super::{Layout, PageActor, PageResult, format, render_status};
use crate::extract::Client;

pub const PATH: &str = "/lich-nghi";

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    nam: Option<String>,
    #[serde(default)]
    ok: String,
}

pub struct DayRow {
    pub iso: String,
    pub date: String,
    pub weekday: &'static str,
    pub kind: String,
    pub day_off: bool,
    pub name: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "holidays.html")]
struct HolidaysPage {
    layout: Layout,
    year: i32,
    prev: i32,
    next: i32,
    origin: &'static str,
    amended_note: Option<String>,
    working_days: i32,
    rows: Vec<DayRow>,
    admin: bool,
    kinds: Vec<(&'static str, &'static str)>,
    tsv: String,
    error: Option<String>,
    done: Option<&'static str>,
    /// What the administrator typed, kept when a change is refused.
    form: DayForm,
    decision_ref: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct DayForm {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub source: String,
}

fn weekday(iso: &str) -> &'static str {
    let Ok(d) = time::Date::parse(
        iso,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) else {
        return "";
    };
    match d.weekday() {
        time::Weekday::Monday => "Thứ Hai",
        time::Weekday::Tuesday => "Thứ Ba",
        time::Weekday::Wednesday => "Thứ Tư",
        time::Weekday::Thursday => "Thứ Năm",
        time::Weekday::Friday => "Thứ Sáu",
        time::Weekday::Saturday => "Thứ Bảy",
        time::Weekday::Sunday => "Chủ nhật",
    }
}

fn parse_year(s: Option<&str>, default: i32) -> Result<i32, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| AppError::BadRequest(format!("Năm «{v}» không hợp lệ."))),
    }
}

struct Outcome {
    error: Option<String>,
    done: Option<&'static str>,
    tsv: Option<String>,
    form: DayForm,
    decision_ref: String,
}

async fn show(
    app: &App,
    page: &PageActor,
    year: i32,
    outcome: Outcome,
    status: StatusCode,
) -> PageResult {
    let view: HolidayYearView = app.holiday_year(&page.actor, year).await?;
    let origin = match view.origin.as_str() {
        "amended" => "Đã được quản trị hệ thống điều chỉnh",
        "shipped" => "Theo lịch Chính phủ đã công bố (kèm theo phần mềm)",
        _ => "Tính theo Bộ luật Lao động — chưa có lịch công bố cho năm này",
    };
    let rows = view
        .days
        .iter()
        .map(|d| DayRow {
            iso: d.date.clone(),
            date: format::date(&d.date),
            weekday: weekday(&d.date),
            kind: d.kind_label.clone(),
            day_off: d.kind != "swap_work_day",
            name: d.name.clone(),
            source: d.source.clone(),
        })
        .collect();
    Ok(render_status(
        status,
        &HolidaysPage {
            layout: page.layout(format!("Lịch nghỉ năm {year}"), "holidays"),
            year,
            prev: year - 1,
            next: year + 1,
            origin,
            amended_note: view.amended_note.clone(),
            working_days: view.working_days,
            rows,
            admin: page.actor.is_system_admin(),
            kinds: ScheduleKind::ALL
                .iter()
                .map(|k| (k.code(), hoso_app::holidays::kind_label(*k)))
                .collect(),
            tsv: outcome.tsv.unwrap_or(view.tsv),
            error: outcome.error,
            done: outcome.done,
            form: outcome.form,
            decision_ref: outcome.decision_ref,
        },
    ))
}

pub async fn page(State(app): State<App>, page: PageActor, Query(p): Query<Params>) -> PageResult {
    let year = match parse_year(p.nam.as_deref(), app.today().year()) {
        Ok(y) => y,
        Err(e) => return Err(e.into()),
    };
    let done = match p.ok.as_str() {
        "nam" => Some("Đã cập nhật lịch nghỉ của cả năm."),
        "them" => Some("Đã thêm ngày vào lịch nghỉ."),
        "xoa" => Some("Đã xóa ngày khỏi lịch nghỉ."),
        _ => None,
    };
    show(
        &app,
        &page,
        year,
        Outcome {
            error: None,
            done,
            tsv: None,
            form: DayForm::default(),
            decision_ref: String::new(),
        },
        StatusCode::OK,
    )
    .await
}

fn back(year: i32, what: &str) -> axum::response::Response {
    Redirect::to(&format!("{PATH}?nam={year}&ok={what}")).into_response()
}

#[derive(Debug, Deserialize)]
pub struct YearForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    nam: String,
    #[serde(default)]
    tsv: String,
    #[serde(default)]
    decision_ref: String,
}

/// Replaces the whole year.
pub async fn put_year(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<YearForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let year = parse_year(Some(&f.nam), 0)?;
    let input = HolidayYearInput {
        tsv: f.tsv.replace("\r\n", "\n"),
        decision_ref: f.decision_ref.clone(),
    };
    match app
        .put_holiday_year(&page.actor, year, input, &client)
        .await
    {
        Ok(_) => Ok(back(year, "nam")),
        Err(AppError::BadRequest(m)) => {
            show(
                &app,
                &page,
                year,
                Outcome {
                    error: Some(m),
                    done: None,
                    tsv: Some(f.tsv),
                    form: DayForm::default(),
                    decision_ref: f.decision_ref,
                },
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct AddForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    nam: String,
    #[serde(flatten)]
    day: DayForm,
    #[serde(default)]
    decision_ref: String,
}

/// Adds one day.
pub async fn add_day(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<AddForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let year = parse_year(Some(&f.nam), 0)?;
    let input = HolidayDayInput {
        date: format::typed_day(&f.day.date),
        kind: f.day.kind.clone(),
        name: f.day.name.clone(),
        source: f.day.source.clone(),
        decision_ref: f.decision_ref.clone(),
    };
    match app.add_holiday_day(&page.actor, year, input, &client).await {
        Ok(_) => Ok(back(year, "them")),
        Err(AppError::BadRequest(m)) => {
            show(
                &app,
                &page,
                year,
                Outcome {
                    error: Some(m),
                    done: None,
                    tsv: None,
                    form: f.day,
                    decision_ref: f.decision_ref,
                },
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    nam: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    decision_ref: String,
}

/// Removes one day.
pub async fn remove_day(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<RemoveForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let year = parse_year(Some(&f.nam), 0)?;
    let input = HolidayRemoval {
        decision_ref: f.decision_ref.clone(),
    };
    match app
        .remove_holiday_day(&page.actor, year, &f.date, input, &client)
        .await
    {
        Ok(_) => Ok(back(year, "xoa")),
        Err(AppError::BadRequest(m)) => {
            show(
                &app,
                &page,
                year,
                Outcome {
                    error: Some(m),
                    done: None,
                    tsv: None,
                    form: DayForm::default(),
                    decision_ref: f.decision_ref,
                },
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
