//! Statutory report forms (mẫu báo cáo): the list of forms in force, a form run over the
//! subunits of a unit (each row's name opens the form one level down, each figure the people
//! behind it), its exports, and the list of people behind a figure. Works without script.

use crate::extract::Query;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use hoso_app::App;
use hoso_app::report_forms::{FormAsk, FormCell, FormReport, FormSummary};
use hoso_app::reports::ReportTable;
use serde::Deserialize;

use super::{Layout, PageActor, PageError, PageResult, render};
use crate::extract::Client;

pub const PATH: &str = "/bao-cao/mau";
pub const FORM_PATH: &str = "/bao-cao/mau/{code}";
pub const EXPORT_PATH: &str = "/bao-cao/mau/{code}/xuat";
pub const PEOPLE_PATH: &str = "/bao-cao/mau/{code}/danh-sach";

const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    don_vi: Option<String>,
    nam: Option<String>,
    truc_tiep: Option<String>,
    cot: Option<String>,
    /// The day a form of the workforce is of (`YYYY-MM-DD` or `dd/mm/yyyy`; empty: today).
    ngay: Option<String>,
    /// The form's unit a list of people was opened from (its "back" link).
    ve: Option<String>,
    page: Option<i64>,
    format: Option<String>,
}

/// A number typed in a link: empty is none, anything else must read.
fn number<T: std::str::FromStr>(text: &Option<String>, what: &str) -> Result<Option<T>, PageError> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| {
            PageError::from(hoso_app::AppError::BadRequest(format!(
                "{what} '{t}' không hợp lệ."
            )))
        }),
    }
}

impl Params {
    fn unit(&self) -> Result<Option<i64>, PageError> {
        number(&self.don_vi, "Đơn vị")
    }

    fn year(&self) -> Result<Option<i32>, PageError> {
        number(&self.nam, "Năm")
    }

    /// The day asked, as typed (ISO when typed as `dd/mm/yyyy`); empty: today.
    fn day(&self) -> String {
        self.ngay
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(super::format::typed_day)
            .unwrap_or_default()
    }

    fn ask(&self) -> Result<FormAsk, PageError> {
        let day = self.day();
        Ok(FormAsk {
            unit: self.unit()?,
            year: self.year()?,
            as_of: (!day.is_empty()).then_some(day),
        })
    }
}

/// `base?k=v&…` of the given pairs, empty ones left out.
fn link(base: &str, pairs: &[(&str, String)]) -> String {
    let q: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::format::url_encode(v)))
        .collect();
    if q.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", q.join("&"))
    }
}

fn opt(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "report_forms.html")]
struct ListPage {
    layout: Layout,
    forms: Vec<FormSummary>,
}

pub async fn list(State(app): State<App>, page: PageActor) -> PageResult {
    Ok(render(&ListPage {
        layout: page.layout("Mẫu báo cáo thống kê", "forms"),
        forms: app.report_forms(),
    }))
}

pub struct Figure {
    pub text: String,
    pub href: String,
}

pub struct Line {
    pub label: String,
    /// The form one level down, for a subunit's row.
    pub href: Option<String>,
    pub figures: Vec<Figure>,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct FormPage {
    layout: Layout,
    form: FormReport,
    on: String,
    year: String,
    /// The day asked (ISO; empty: today), as typed in the day field, and today (dd/mm/yyyy).
    day: String,
    day_typed: String,
    today: String,
    up: Option<String>,
    lines: Vec<Line>,
    total: Line,
    export: String,
    save: String,
}

fn lines(code: &str, form: &FormReport, day: &str) -> (Vec<Line>, Line) {
    let base = format!("{PATH}/{code}");
    let people = format!("{base}/danh-sach");
    let keys: Vec<&str> = form
        .groups
        .iter()
        .flat_map(|g| g.columns.iter().map(|c| c.key.as_str()))
        .collect();
    let year = opt(form.year);
    let line = |row: &hoso_app::report_forms::FormRow| {
        // The total row's people: everyone counted, under the chosen unit if any.
        let (unit, direct) = match row.unit_id {
            Some(id) => (id.to_string(), row.direct),
            None => (opt(form.unit_id), false),
        };
        Line {
            label: row.label.clone(),
            href: (row.unit_id.is_some() && !row.direct).then(|| {
                link(
                    &base,
                    &[
                        ("don_vi", opt(row.unit_id)),
                        ("nam", year.clone()),
                        ("ngay", day.to_string()),
                    ],
                )
            }),
            figures: row
                .counts
                .iter()
                .zip(&keys)
                .map(|(n, key)| Figure {
                    text: n.to_string(),
                    href: link(
                        &people,
                        &[
                            ("don_vi", unit.clone()),
                            ("truc_tiep", if direct { "1".into() } else { String::new() }),
                            ("cot", key.to_string()),
                            ("nam", year.clone()),
                            ("ngay", day.to_string()),
                            ("ve", opt(form.unit_id)),
                        ],
                    ),
                })
                .collect(),
        }
    };
    (form.rows.iter().map(line).collect(), line(&form.total))
}

/// The form of the link's unit and year, for the caller.
/// A list form's lines: one page of them on the page, every one in the export.
async fn run(
    app: &App,
    page: &PageActor,
    client: &hoso_app::ClientInfo,
    code: &str,
    p: &Params,
    lines: Option<(i64, i64)>,
) -> Result<FormReport, PageError> {
    Ok(app
        .run_report_form(&page.actor, code, &p.ask()?, lines, client)
        .await?)
}

pub async fn form(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(code): Path<String>,
    Query(p): Query<Params>,
) -> PageResult {
    let unit = p.unit()?;
    let report = run(
        &app,
        &page,
        &client,
        &code,
        &p,
        Some((p.page.unwrap_or(1).max(1), PER_PAGE)),
    )
    .await?;
    if let Some(list) = &report.list {
        return list_page(&page, app.today(), &code, &p, &report, list);
    }
    let up = unit.map(|_| {
        link(
            &format!("{PATH}/{code}"),
            &[
                ("don_vi", opt(report.parent_unit_id)),
                ("nam", opt(report.year)),
                ("ngay", p.day()),
            ],
        )
    });
    let day = p.day();
    let (lines, total) = lines(&code, &report, &day);
    let asked = [
        ("don_vi", opt(unit)),
        ("nam", opt(report.year)),
        ("ngay", day.clone()),
    ];
    let export = link(&format!("{PATH}/{code}/xuat"), &asked);
    let save = super::saved_searches::save_link(&link(&format!("{PATH}/{code}"), &asked));
    Ok(render(&FormPage {
        save,
        layout: page.layout(report.short.clone(), "forms"),
        on: super::format::date(&report.on),
        year: opt(report.year),
        day_typed: super::format::date(&day),
        day,
        today: super::format::date(&app.today().to_string()),
        up,
        lines,
        total,
        export,
        form: report,
    }))
}

pub async fn export(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(code): Path<String>,
    Query(p): Query<Params>,
) -> Result<Response, PageError> {
    let format = crate::documents::report_format_of(p.format.as_deref())?;
    let report = run(&app, &page, &client, &code, &p, None).await?;
    let table = report.table();
    let truncated = table.total > table.rows.len() as i64;
    Ok(
        crate::documents::report_file(&app, &page.actor, &table, p.unit()?, format, truncated)
            .await?,
    )
}

/// A heading of a list form: a group over its columns, or one column over both header rows.
pub struct ListHeading {
    pub label: String,
    pub span: usize,
    pub both_rows: bool,
}

#[derive(Template)]
#[template(path = "report_list_form.html")]
struct ListFormPage {
    layout: Layout,
    form: FormReport,
    on: String,
    year: String,
    day: String,
    day_typed: String,
    today: String,
    top: Vec<ListHeading>,
    below: Vec<String>,
    lines: Vec<Person>,
    total: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    first: String,
    export: String,
    save: String,
}

/// A list form (BM03): its lines under the printed form's two header rows, paged.
fn list_page(
    page: &PageActor,
    today: time::Date,
    code: &str,
    p: &Params,
    report: &FormReport,
    list: &ReportTable,
) -> PageResult {
    let asked = [
        ("don_vi", opt(p.unit()?)),
        ("nam", opt(report.year)),
        ("ngay", p.day()),
    ];
    let at_page = |n: i64| {
        let mut pairs = asked.to_vec();
        pairs.push(("page", n.to_string()));
        link(&format!("{PATH}/{code}"), &pairs)
    };
    let pages = list.pages();
    let (mut top, mut below) = (Vec::new(), Vec::new());
    for g in &list.column_groups {
        let one = g.columns.len() == 1 && g.columns[0] == g.label;
        top.push(ListHeading {
            label: g.label.clone(),
            span: g.columns.len(),
            both_rows: one,
        });
        if !one {
            below.extend(g.columns.iter().cloned());
        }
    }
    let lines = list
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| Person {
            href: report.people.get(i).map(|id| format!("/ho-so/{id}")),
            cells: r.iter().map(|c| c.text.clone()).collect(),
        })
        .collect();
    Ok(render(&ListFormPage {
        layout: page.layout(report.short.clone(), "forms"),
        on: super::format::date(&report.on),
        year: opt(report.year),
        day: p.day(),
        day_typed: super::format::date(&p.day()),
        today: super::format::date(&today.to_string()),
        top,
        below,
        lines,
        total: list.total,
        page: list.page,
        pages,
        prev: (list.page > 1).then(|| at_page(list.page - 1)),
        next: (list.page < pages).then(|| at_page(list.page + 1)),
        first: at_page(1),
        export: link(&format!("{PATH}/{code}/xuat"), &asked),
        save: super::saved_searches::save_link(&link(&format!("{PATH}/{code}"), &asked)),
        form: report.clone(),
    }))
}

pub struct Person {
    pub href: Option<String>,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "report_form_people.html")]
struct PeoplePage {
    layout: Layout,
    title: String,
    back: String,
    headers: Vec<String>,
    people: Vec<Person>,
    total: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

fn people_rows(table: &ReportTable) -> (Vec<String>, Vec<Person>) {
    let id_at = table.columns.iter().position(|c| c.key == "id");
    let headers = table
        .columns
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != id_at)
        .map(|(_, c)| c.label.clone())
        .collect();
    let people = table
        .rows
        .iter()
        .map(|r| Person {
            href: id_at
                .and_then(|i| r[i].value.as_i64())
                .map(|id| format!("/ho-so/{id}")),
            cells: r
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != id_at)
                .map(|(_, c)| c.text.clone())
                .collect(),
        })
        .collect();
    (headers, people)
}

pub async fn people(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(code): Path<String>,
    Query(p): Query<Params>,
) -> PageResult {
    let cell = FormCell {
        unit: p.unit()?,
        direct: p.truc_tiep.as_deref() == Some("1"),
        column: p.cot.clone().unwrap_or_default(),
        year: p.year()?,
        as_of: Some(p.day()).filter(|d| !d.is_empty()),
    };
    let current = p.page.unwrap_or(1).max(1);
    let table = app
        .report_form_people(
            &page.actor,
            &code,
            &cell,
            Some(current),
            Some(PER_PAGE),
            &client,
        )
        .await?;
    let pages = ((table.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let at = |n: i64| {
        link(
            &format!("{PATH}/{code}/danh-sach"),
            &[
                ("don_vi", opt(cell.unit)),
                (
                    "truc_tiep",
                    if cell.direct {
                        "1".into()
                    } else {
                        String::new()
                    },
                ),
                ("cot", cell.column.clone()),
                ("nam", opt(cell.year)),
                ("ngay", p.day()),
                ("ve", p.ve.clone().unwrap_or_default()),
                ("page", if n > 1 { n.to_string() } else { String::new() }),
            ],
        )
    };
    let (headers, people) = people_rows(&table);
    Ok(render(&PeoplePage {
        layout: page.layout(table.title.clone(), "forms"),
        title: table.title.clone(),
        back: link(
            &format!("{PATH}/{code}"),
            &[
                (
                    "don_vi",
                    number::<i64>(&p.ve, "Đơn vị")?
                        .map(|u| u.to_string())
                        .unwrap_or_default(),
                ),
                ("nam", opt(cell.year)),
                ("ngay", p.day()),
            ],
        ),
        headers,
        people,
        total: table.total,
        page: current,
        pages,
        prev: (current > 1).then(|| at(current - 1)),
        next: (current < pages).then(|| at(current + 1)),
    }))
}
