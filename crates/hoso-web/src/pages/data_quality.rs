//! Data quality, "Đúng, Đủ, Sạch, Sống" (LS Đ3.2, Đ13.4): the ranking of units, sortable by
//! any column by a link and paged; each figure leads to the records failing it, each of which
//! leads to the record; downloadable as XLSX or CSV; and the monthly check of LS Đ13.4 as one
//! printable page for the head.

use crate::extract::Query;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use hoso_app::App;
use hoso_app::data_quality::{
    DataQualityQuery, DataQualityRecordsQuery, DataQualityReport, FailingRecords, UnitQuality,
};
use hoso_export::{Cell, Column, Table};
use serde::Deserialize;

use super::{Layout, PageActor, PageError, PageResult, format, render};
use crate::download;
use crate::extract::Client;

pub const PATH: &str = "/chat-luong-du-lieu";
pub const EXPORT_PATH: &str = "/chat-luong-du-lieu/xuat-excel";
pub const RECORDS_PATH: &str = "/chat-luong-du-lieu/ho-so";
pub const RECORDS_EXPORT_PATH: &str = "/chat-luong-du-lieu/ho-so/xuat-excel";
pub const MONTHLY_PATH: &str = "/chat-luong-du-lieu/kiem-tra-hang-thang";

/// Units per page of the ranking.
const PER_PAGE: usize = 50;
/// Records per page of a drill-down list.
const RECORDS_PER_PAGE: i64 = 50;

/// The columns a reader may sort by: (code, header).
const SORTS: [(&str, &str); 8] = [
    ("rank", "Hạng"),
    ("unit", "Đơn vị"),
    ("people", "Số người"),
    ("dung", "Đúng"),
    ("du", "Đủ"),
    ("sach", "Sạch"),
    ("song", "Sống"),
    ("score", "Điểm chung"),
];

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    unit: Option<i64>,
    #[serde(default)]
    sort: String,
    /// Descending when "desc".
    #[serde(default)]
    dir: String,
    page: Option<i64>,
    /// xlsx (default) or csv, for the download.
    format: Option<String>,
}

impl Params {
    fn sort(&self) -> &str {
        SORTS
            .iter()
            .map(|(code, _)| *code)
            .find(|c| *c == self.sort)
            .unwrap_or("rank")
    }

    fn descending(&self) -> bool {
        self.dir == "desc"
    }

    fn url(&self, base: &str, sort: Option<(&str, bool)>, page: Option<i64>) -> String {
        let mut q = vec![];
        if let Some(unit) = self.unit {
            q.push(format!("unit={unit}"));
        }
        let (sort, desc) = sort.unwrap_or((self.sort(), self.descending()));
        if sort != "rank" || desc {
            q.push(format!("sort={sort}"));
        }
        if desc {
            q.push("dir=desc".into());
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            q.push(format!("page={p}"));
        }
        if q.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", q.join("&"))
        }
    }
}

/// A percentage as Vietnamese write it: `87,5 %`.
fn pct(x: f64) -> String {
    format!("{x:.1} %").replace('.', ",")
}

fn sorted(units: &mut [UnitQuality], sort: &str, desc: bool) {
    let number = |u: &UnitQuality| match sort {
        "people" => u.people as f64,
        "dung" => u.correct,
        "du" => u.complete,
        "sach" => u.clean,
        "song" => u.live,
        "score" => u.score,
        _ => u.rank as f64,
    };
    units.sort_by(|a, b| {
        let order = match sort {
            "unit" => a.unit_name.cmp(&b.unit_name),
            _ => number(a).total_cmp(&number(b)),
        };
        if desc { order.reverse() } else { order }
    });
}

/// A figure and where it leads.
pub struct Figure {
    pub text: String,
    /// Records failing it.
    pub failing: String,
    pub href: String,
}

pub struct Row {
    pub rank: String,
    pub unit_id: i64,
    pub unit: String,
    pub people: String,
    pub figures: Vec<Figure>,
    pub score: String,
}

fn records_href(unit_id: i64, criterion: &str) -> String {
    if unit_id == 0 {
        format!("{RECORDS_PATH}?criterion={criterion}")
    } else {
        format!("{RECORDS_PATH}?criterion={criterion}&unit={unit_id}")
    }
}

fn row(u: &UnitQuality, under: Option<i64>) -> Row {
    // The total's figures lead to every unit shown (under the chosen one, when one is chosen).
    let href = |c: &str| {
        if u.unit_id == 0 {
            match under {
                Some(s) => format!("{RECORDS_PATH}?criterion={c}&under={s}"),
                None => records_href(0, c),
            }
        } else {
            records_href(u.unit_id, c)
        }
    };
    let fig = |text: f64, failing: i64, code: &str| Figure {
        text: pct(text),
        failing: format::thousands(failing),
        href: href(code),
    };
    Row {
        rank: if u.rank == 0 {
            String::new()
        } else {
            u.rank.to_string()
        },
        unit_id: u.unit_id,
        unit: u.unit_name.clone(),
        people: format::thousands(u.people),
        figures: vec![
            fig(u.correct, u.failing_correct, "dung"),
            fig(u.complete, u.failing_complete, "du"),
            fig(u.clean, u.failing_clean, "sach"),
            fig(u.live, u.failing_live, "song"),
        ],
        score: pct(u.score),
    }
}

pub struct SectionRow {
    pub label: String,
    pub expected: String,
    pub filled: String,
    pub percent: String,
}

pub struct CriterionRow {
    pub label: String,
    pub meaning: String,
}

#[derive(Template)]
#[template(path = "data_quality.html")]
struct QualityPage {
    layout: Layout,
    as_of: String,
    stale_after_days: i64,
    criteria: Vec<CriterionRow>,
    headers: Vec<super::SortHeader>,
    rows: Vec<Row>,
    totals: Row,
    sections: Vec<SectionRow>,
    export: String,
    monthly: String,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

fn headers(p: &Params) -> Vec<super::SortHeader> {
    let (current, desc) = (p.sort(), p.descending());
    SORTS
        .iter()
        .map(|(code, label)| {
            let active = *code == current;
            // Figures come lowest first at the first click (the units to help first).
            let next_desc = if active { !desc } else { *code == "people" };
            super::SortHeader::new(
                label,
                p.url(PATH, Some((code, next_desc)), None),
                active,
                desc,
            )
        })
        .collect()
}

fn criteria(report: &DataQualityReport) -> Vec<CriterionRow> {
    report
        .criteria
        .iter()
        .map(|c| CriterionRow {
            label: c.label.clone(),
            meaning: c.meaning.clone(),
        })
        .collect()
}

fn sections(report: &DataQualityReport) -> Vec<SectionRow> {
    report
        .sections
        .iter()
        .map(|s| SectionRow {
            label: s.label.clone(),
            expected: format::thousands(s.expected),
            filled: format::thousands(s.filled),
            percent: pct(s.percent),
        })
        .collect()
}

pub async fn page(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(p): Query<Params>,
) -> PageResult {
    let current = hoso_app::Paging::new(p.page, Some(PER_PAGE as i64))?.page;
    let mut report = app
        .data_quality(&page.actor, &DataQualityQuery { unit: p.unit }, &client)
        .await?;
    sorted(&mut report.units, p.sort(), p.descending());
    let total = report.units.len() as i64;
    let pages = ((total + PER_PAGE as i64 - 1) / PER_PAGE as i64).max(1);
    let rows = report
        .units
        .iter()
        .skip((current as usize - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|u| row(u, p.unit))
        .collect();
    Ok(render(&QualityPage {
        layout: page.layout("Chất lượng dữ liệu", "quality"),
        as_of: format::date(&report.as_of),
        stale_after_days: report.stale_after_days,
        criteria: criteria(&report),
        headers: headers(&p),
        rows,
        totals: row(&report.total, p.unit),
        sections: sections(&report),
        export: p.url(EXPORT_PATH, None, None),
        monthly: match p.unit {
            Some(u) => format!("{MONTHLY_PATH}?unit={u}"),
            None => MONTHLY_PATH.to_string(),
        },
        page: current,
        pages,
        prev: (current > 1).then(|| p.url(PATH, None, Some(current - 1))),
        next: (current < pages).then(|| p.url(PATH, None, Some(current + 1))),
    }))
}

/// The ranking as a file: one row per unit, then the total.
pub(crate) fn table(report: &DataQualityReport) -> Table {
    let mut table = Table::new(
        "Chất lượng dữ liệu",
        vec![
            Column::new("Hạng", 6.0),
            Column::new("Đơn vị", 36.0),
            Column::new("Số người", 10.0),
            Column::new("Đúng (%)", 10.0),
            Column::new("Đủ (%)", 10.0),
            Column::new("Sạch (%)", 10.0),
            Column::new("Sống (%)", 10.0),
            Column::new("Điểm chung (%)", 12.0),
            Column::new("Hồ sơ chưa đúng", 12.0),
            Column::new("Hồ sơ chưa đủ", 12.0),
            Column::new("Hồ sơ chưa sạch", 12.0),
            Column::new("Hồ sơ chưa sống", 12.0),
        ],
    );
    for u in report.units.iter().chain(std::iter::once(&report.total)) {
        table.push(vec![
            if u.rank == 0 {
                Cell::text(String::new())
            } else {
                Cell::Integer(u.rank)
            },
            Cell::text(u.unit_name.clone()),
            Cell::Integer(u.people),
            Cell::text(pct(u.correct)),
            Cell::text(pct(u.complete)),
            Cell::text(pct(u.clean)),
            Cell::text(pct(u.live)),
            Cell::text(pct(u.score)),
            Cell::Integer(u.failing_correct),
            Cell::Integer(u.failing_complete),
            Cell::Integer(u.failing_clean),
            Cell::Integer(u.failing_live),
        ]);
    }
    table.notes.push(format!(
        "Tình trạng đến ngày {}. Đúng: hợp lệ và đã phê duyệt; Đủ: tỷ lệ trường phải khai đã có thông tin; Sạch: không trùng, đúng mã danh mục, không còn chữ mã cũ, đã chuẩn hóa; Sống: cập nhật trong {} ngày và không có việc quá hạn. Mỗi đơn vị chỉ tính người do chính đơn vị quản lý hồ sơ.",
        format::date(&report.as_of),
        report.stale_after_days
    ));
    table
}

/// The ranking of the current filter, in the current order, as an Excel or CSV file.
pub async fn export(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(p): Query<Params>,
) -> Result<Response, PageError> {
    let format = download::format_of(p.format.as_deref())?;
    let mut report = app
        .export_data_quality(&page.actor, &DataQualityQuery { unit: p.unit }, &client)
        .await?;
    sorted(&mut report.units, p.sort(), p.descending());
    Ok(download::file(table(&report), format, "chat-luong-du-lieu", false).await?)
}

#[derive(Debug, Default, Deserialize)]
pub struct RecordsParams {
    #[serde(default)]
    criterion: String,
    /// The people of exactly this unit.
    unit: Option<i64>,
    /// The people of every unit shown under this one (the total's figures).
    under: Option<i64>,
    page: Option<i64>,
    /// xlsx (default) or csv, for the download.
    format: Option<String>,
}

impl RecordsParams {
    fn query(&self) -> DataQualityRecordsQuery {
        DataQualityRecordsQuery {
            criterion: self.criterion.clone(),
            unit: self.unit,
            under: self.under,
            page: self.page,
            per_page: Some(RECORDS_PER_PAGE),
        }
    }

    fn url(&self, base: &str, page: i64) -> String {
        let mut u = format!("{base}?criterion={}", format::url_encode(&self.criterion));
        if let Some(unit) = self.unit {
            u.push_str(&format!("&unit={unit}"));
        }
        if let Some(s) = self.under {
            u.push_str(&format!("&under={s}"));
        }
        if page > 1 {
            u.push_str(&format!("&page={page}"));
        }
        u
    }
}

pub struct RecordRow {
    pub person_id: i64,
    pub name: String,
    pub unit_id: i64,
    pub unit: String,
    pub reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "data_quality_records.html")]
struct RecordsPage {
    layout: Layout,
    criterion: String,
    meaning: String,
    unit_name: Option<String>,
    as_of: String,
    total: String,
    rows: Vec<RecordRow>,
    back: String,
    export: String,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

/// The records failing one criterion in a unit (or in every unit shown), with the reasons.
pub async fn records(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(p): Query<RecordsParams>,
) -> PageResult {
    let result = app
        .data_quality_records(&page.actor, &p.query(), &client)
        .await?;
    let url = |n: i64| p.url(RECORDS_PATH, n);
    let r = &result.records;
    let pages = ((r.total + r.per_page - 1) / r.per_page).max(1);
    Ok(render(&RecordsPage {
        layout: page.layout("Hồ sơ cần sửa", "quality"),
        criterion: result.criterion.label.clone(),
        meaning: result.criterion.meaning.clone(),
        unit_name: result.unit_name.clone(),
        as_of: format::date(&result.as_of),
        total: format::thousands(r.total),
        rows: r
            .items
            .iter()
            .map(|x| RecordRow {
                person_id: x.person_id,
                name: x.full_name.clone(),
                unit_id: x.unit_id,
                unit: x.unit_name.clone(),
                reasons: x.reasons.clone(),
            })
            .collect(),
        export: p.url(RECORDS_EXPORT_PATH, 1),
        back: match p.under {
            Some(s) => format!("{PATH}?unit={s}"),
            None => PATH.to_string(),
        },
        page: r.page,
        pages,
        prev: (r.page > 1).then(|| url(r.page - 1)),
        next: (r.page < pages).then(|| url(r.page + 1)),
    }))
}

/// Every record of the list as an Excel or CSV file, with its reasons.
pub async fn records_export(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(p): Query<RecordsParams>,
) -> Result<Response, PageError> {
    let format = download::format_of(p.format.as_deref())?;
    let result = app
        .export_data_quality_records(&page.actor, &p.query(), &client)
        .await?;
    let truncated = result.records.total > result.records.items.len() as i64;
    Ok(download::file(records_table(&result), format, "ho-so-can-sua", truncated).await?)
}

/// A drill-down list as a file: one row per record, its reasons in one cell.
pub(crate) fn records_table(result: &FailingRecords) -> Table {
    let mut table = Table::new(
        "Hồ sơ cần sửa",
        vec![
            Column::new("STT", 6.0),
            Column::new("Họ và tên", 28.0),
            Column::new("Đơn vị", 30.0),
            Column::new("Lý do", 80.0),
        ],
    );
    for (n, r) in result.records.items.iter().enumerate() {
        table.push(vec![
            Cell::Integer(n as i64 + 1),
            Cell::text(r.full_name.clone()),
            Cell::text(r.unit_name.clone()),
            Cell::text(r.reasons.join("; ")),
        ]);
    }
    table.notes.push(format!(
        "Hồ sơ chưa «{}» ({}), tình trạng đến ngày {}.",
        result.criterion.label,
        result.criterion.meaning,
        format::date(&result.as_of)
    ));
    table
}

#[derive(Debug, Default, Deserialize)]
pub struct MonthlyParams {
    unit: Option<i64>,
}

#[derive(Template)]
#[template(path = "data_quality_monthly.html")]
struct MonthlyPage {
    layout: Layout,
    legal_basis: String,
    month: String,
    due: String,
    as_of: String,
    working_days_left: i64,
    people: String,
    updated_this_month: String,
    awaiting_approval: String,
    criteria: Vec<(String, String, String, String, String)>,
    score: String,
    weakest: Vec<Row>,
    sections: Vec<SectionRow>,
}

/// The monthly check of LS Đ13.4 on one printable page for the head.
pub async fn monthly(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(p): Query<MonthlyParams>,
) -> PageResult {
    let check = app
        .data_quality_monthly(&page.actor, &DataQualityQuery { unit: p.unit }, &client)
        .await?;
    let report = &check.report;
    let t = &report.total;
    let criteria = report
        .criteria
        .iter()
        .zip([
            (t.correct, t.failing_correct),
            (t.complete, t.failing_complete),
            (t.clean, t.failing_clean),
            (t.live, t.failing_live),
        ])
        .map(|(c, (x, failing))| {
            (
                c.label.clone(),
                c.meaning.clone(),
                pct(x),
                format::thousands(failing),
                match p.unit {
                    Some(u) => format!("{RECORDS_PATH}?criterion={}&under={u}", c.code),
                    None => records_href(0, &c.code),
                },
            )
        })
        .collect();
    // The five units with the lowest score, the lowest first.
    let weakest = report
        .units
        .iter()
        .rev()
        .take(5)
        .map(|u| row(u, p.unit))
        .collect();
    Ok(render(&MonthlyPage {
        layout: page.layout("Kiểm tra dữ liệu hằng tháng", "quality"),
        legal_basis: check.legal_basis.clone(),
        month: check.month.clone(),
        due: format::date(&check.due),
        as_of: format::date(&report.as_of),
        working_days_left: check.working_days_left,
        people: format::thousands(t.people),
        updated_this_month: format::thousands(check.updated_this_month),
        awaiting_approval: format::thousands(check.awaiting_approval),
        criteria,
        score: pct(t.score),
        weakest,
        sections: sections(report),
    }))
}
