//! The monthly payroll (bảng lương): the salary duties of the regulation in force (ĐT Đ17), the
//! form a unit's HR officer records the month's sheet with, the sheets of a month, a sheet's
//! lines (downloadable), and the province's consolidation for the Sở Tài chính. Searchable by
//! unit, filtered by state, sortable by a link, paged, downloadable; works without script.

use crate::extract::Query;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use hoso_app::payroll::{
    PayrollConsolidation, PayrollLine, PayrollOverview, PayrollQuery, PayrollSheetSummary,
    RecordPayrollConsolidation, RecordPayrollSheet, SalaryDutyRow,
};
use hoso_app::{App, AppError};
use hoso_domain::collation::text_sort_key;
use hoso_domain::payroll::Period;
use hoso_export::{Cell, Column, Table};
use serde::Deserialize;

use super::{Layout, PageActor, PageError, PageResult, format, render};
use crate::download;
use crate::extract::Client;

pub const PATH: &str = "/bang-luong";
pub const EXPORT_PATH: &str = "/bang-luong/xuat-excel";
pub const RECORD_PATH: &str = "/bang-luong/lap";
pub const CONSOLIDATE_PATH: &str = "/bang-luong/tong-hop";
pub const SHEET_PATH: &str = "/bang-luong/{id}";
pub const SHEET_EXPORT_PATH: &str = "/bang-luong/{id}/tai-ve";

const PER_PAGE: usize = 50;
const LINES_PER_PAGE: usize = 100;

const SORTS: [(&str, &str); 4] = [
    ("due", "Hạn"),
    ("unit", "Đơn vị"),
    ("rule", "Quy định"),
    ("state", "Tình trạng"),
];

const STATES: [(&str, &str); 5] = [
    ("open", "Chưa lập"),
    ("overdue", "Quá hạn, chưa lập"),
    ("running", "Chưa đến hạn"),
    ("on_time", "Đã lập đúng hạn"),
    ("late", "Đã lập trễ hạn"),
];

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    /// The month of the sheets listed, `YYYY-MM` or `MM/YYYY`.
    #[serde(default)]
    thang: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    dir: String,
    page: Option<usize>,
    format: Option<String>,
    loi: Option<String>,
    xong: Option<String>,
    ky: Option<String>,
}

impl Params {
    fn query(&self) -> PayrollQuery {
        let given = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        PayrollQuery {
            period: given(&self.thang),
            state: given(&self.state),
            q: given(&self.q),
        }
    }

    fn sort(&self) -> &str {
        SORTS
            .iter()
            .map(|(code, _)| *code)
            .find(|c| *c == self.sort)
            .unwrap_or("due")
    }

    fn descending(&self) -> bool {
        self.dir == "desc"
    }

    fn url(&self, base: &str, sort: Option<(&str, bool)>, page: Option<usize>) -> String {
        let (sort, desc) = sort.unwrap_or((self.sort(), self.descending()));
        super::list_url(
            base,
            &[
                ("q", self.q.as_str()),
                ("state", self.state.as_str()),
                ("thang", self.thang.as_str()),
            ],
            (sort, "due"),
            desc,
            page,
        )
    }
}

fn state_rank(state: &str) -> u8 {
    match state {
        "overdue" => 0,
        "running" => 1,
        "late" => 2,
        _ => 3,
    }
}

fn sorted(mut rows: Vec<SalaryDutyRow>, sort: &str, desc: bool) -> Vec<SalaryDutyRow> {
    rows.sort_by(|a, b| {
        let order = match sort {
            "unit" => text_sort_key(&a.unit_name).cmp(&text_sort_key(&b.unit_name)),
            "rule" => text_sort_key(&a.rule_name).cmp(&text_sort_key(&b.rule_name)),
            "state" => state_rank(&a.state).cmp(&state_rank(&b.state)),
            _ => a.due.cmp(&b.due),
        };
        if desc { order.reverse() } else { order }
    });
    rows
}

fn month_label(code: &str) -> String {
    Period::parse(code).map_or_else(|| code.to_string(), Period::label)
}

pub struct DutyShown {
    pub rule: String,
    pub basis: String,
    pub duty: String,
    pub unit_id: i64,
    pub unit: String,
    pub month: String,
    pub period: String,
    pub window: String,
    pub state: String,
    pub state_label: String,
    pub done: String,
    pub sheet_id: Option<i64>,
    pub may_record: bool,
    pub consolidation: bool,
}

impl From<SalaryDutyRow> for DutyShown {
    fn from(r: SalaryDutyRow) -> Self {
        DutyShown {
            basis: format!("{} — {}", r.time_limit, r.legal_basis),
            duty: r.duty,
            unit_id: r.unit_id,
            unit: r.unit_name,
            month: month_label(&r.period),
            window: format!("{} – {}", format::date(&r.opens), format::date(&r.due)),
            state: r.state,
            state_label: r.state_label,
            done: r
                .done_on
                .as_deref()
                .map(|d| format!("Lập ngày {}", format::date(d)))
                .unwrap_or_default(),
            sheet_id: r.sheet_id,
            may_record: r.may_record,
            consolidation: r.consolidation,
            rule: r.rule_name,
            period: r.period,
        }
    }
}

pub struct SheetShown {
    pub id: i64,
    pub unit: String,
    pub month: String,
    pub paid_on: String,
    pub recorded: String,
    pub headcount: String,
    pub incomplete: i64,
    pub total: String,
    pub may_read: bool,
}

impl From<&PayrollSheetSummary> for SheetShown {
    fn from(s: &PayrollSheetSummary) -> Self {
        SheetShown {
            id: s.id,
            unit: s.unit_name.clone(),
            month: month_label(&s.period),
            paid_on: format::date(&s.paid_on),
            recorded: format!(
                "{}{}{}",
                format::date(&s.recorded_on),
                s.recorded_by
                    .as_deref()
                    .map(|b| format!(", {b}"))
                    .unwrap_or_default(),
                s.revised_at
                    .map(|at| format!(" (lập lại {})", format::instant(at)))
                    .unwrap_or_default()
            ),
            headcount: format::thousands(s.headcount),
            incomplete: s.incomplete,
            total: format::money(s.total),
            may_read: s.may_read,
        }
    }
}

pub struct ConsolidationShown {
    pub month: String,
    pub period: String,
    pub unit: String,
    pub lines: Vec<ConsolidationLineShown>,
    pub expected: i64,
    pub recorded: i64,
    pub headcount: String,
    pub total: String,
    pub done: Option<String>,
    pub may_record: bool,
}

pub struct ConsolidationLineShown {
    pub unit: String,
    pub duty: String,
    pub sheet_id: Option<i64>,
    pub recorded_on: String,
    pub paid_on: String,
    pub headcount: String,
    pub total: String,
}

impl From<PayrollConsolidation> for ConsolidationShown {
    fn from(c: PayrollConsolidation) -> Self {
        ConsolidationShown {
            month: month_label(&c.period),
            period: c.period,
            unit: c.unit_name,
            lines: c
                .lines
                .into_iter()
                .map(|l| ConsolidationLineShown {
                    unit: l.unit_name,
                    duty: l.duty,
                    sheet_id: l.sheet_id,
                    recorded_on: l
                        .recorded_on
                        .as_deref()
                        .map(format::date)
                        .unwrap_or_default(),
                    paid_on: l.paid_on.as_deref().map(format::date).unwrap_or_default(),
                    headcount: format::thousands(l.headcount),
                    total: format::money(l.total),
                })
                .collect(),
            expected: c.units_expected,
            recorded: c.units_recorded,
            headcount: format::thousands(c.headcount),
            total: format::money(c.total),
            done: c.recorded_on.as_deref().map(|d| {
                format!(
                    "Đã tổng hợp ngày {}{}{}",
                    format::date(d),
                    c.recorded_by
                        .as_deref()
                        .map(|b| format!(" ({b})"))
                        .unwrap_or_default(),
                    c.note
                        .as_deref()
                        .map(|n| format!(" — {n}"))
                        .unwrap_or_default()
                )
            }),
            may_record: c.may_record,
        }
    }
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "payroll.html")]
struct OverviewPage {
    layout: Layout,
    q: String,
    month: String,
    states: Vec<Choice>,
    as_of: String,
    today: String,
    headers: Vec<super::SortHeader>,
    duties: Vec<DutyShown>,
    total: usize,
    overdue: usize,
    due_soon: usize,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    export: String,
    units: Vec<Choice>,
    periods: Vec<Choice>,
    sheets: Vec<SheetShown>,
    sheets_total: String,
    consolidation: Option<ConsolidationShown>,
    error: Option<String>,
    done: Option<String>,
}

fn headers(p: &Params) -> Vec<super::SortHeader> {
    super::sort_headers(&SORTS, (p.sort(), p.descending()), |code, desc| {
        p.url(PATH, Some((code, desc)), None)
    })
}

pub async fn page(State(app): State<App>, page: PageActor, Query(p): Query<Params>) -> PageResult {
    let PayrollOverview {
        as_of,
        period,
        open_periods,
        duties,
        overdue,
        due_soon,
        sheets,
        units,
        consolidation,
    } = app.payroll(&page.actor, &p.query()).await?;
    let duties = sorted(duties, p.sort(), p.descending());
    let total = duties.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let current = p.page.unwrap_or(1).clamp(1, pages);
    let flash = |kind| {
        super::Flash {
            loi: p.loi.clone(),
            xong: p.xong.clone(),
            ky: p.ky.clone(),
        }
        .message(&page, kind)
    };
    let sheets_total = format::money(sheets.iter().map(|s| s.total).sum());
    Ok(render(&OverviewPage {
        layout: page.layout("Bảng lương", "payroll"),
        q: p.q.clone(),
        month: month_label(&period),
        states: STATES
            .iter()
            .map(|(code, label)| Choice {
                value: code.to_string(),
                label: label.to_string(),
                selected: p.state == *code,
            })
            .collect(),
        as_of: format::date(&as_of),
        today: format::date(&app.today().to_string()),
        headers: headers(&p),
        duties: duties
            .into_iter()
            .skip((current - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(DutyShown::from)
            .collect(),
        total,
        overdue,
        due_soon,
        page: current,
        pages,
        prev: (current > 1).then(|| p.url(PATH, None, Some(current - 1))),
        next: (current < pages).then(|| p.url(PATH, None, Some(current + 1))),
        export: p.url(EXPORT_PATH, None, None),
        units: units
            .iter()
            .map(|u| Choice {
                value: u.id.to_string(),
                label: format!("{}{}", "— ".repeat(u.depth.max(0) as usize), u.name),
                selected: false,
            })
            .collect(),
        periods: open_periods
            .iter()
            .rev()
            .map(|code| Choice {
                value: code.clone(),
                label: month_label(code),
                selected: *code == period,
            })
            .collect(),
        sheets: sheets.iter().map(SheetShown::from).collect(),
        sheets_total,
        consolidation: consolidation.map(ConsolidationShown::from),
        error: flash("loi"),
        done: flash("xong"),
    }))
}

/// The duties of the current filter, in the current order, as an Excel or CSV file.
pub async fn export(
    State(app): State<App>,
    page: PageActor,
    Query(p): Query<Params>,
) -> Result<Response, PageError> {
    let format = download::format_of(p.format.as_deref())?;
    let list = app.payroll(&page.actor, &p.query()).await?;
    let duties = sorted(list.duties, p.sort(), p.descending());
    let mut table = Table::new(
        "Cập nhật tiền lương",
        vec![
            Column::new("STT", 6.0),
            Column::new("Quy định", 50.0),
            Column::new("Căn cứ", 30.0),
            Column::new("Đơn vị", 30.0),
            Column::new("Tháng", 10.0),
            Column::new("Từ ngày", 12.0),
            Column::new("Hạn", 12.0),
            Column::new("Tình trạng", 24.0),
            Column::new("Ngày lập", 12.0),
        ],
    );
    for (n, r) in duties.iter().enumerate() {
        table.push(vec![
            Cell::Integer(n as i64 + 1),
            Cell::text(r.rule_name.clone()),
            Cell::text(r.legal_basis.clone()),
            Cell::text(r.unit_name.clone()),
            Cell::text(month_label(&r.period)),
            Cell::text(format::date(&r.opens)),
            Cell::text(format::date(&r.due)),
            Cell::text(r.state_label.clone()),
            Cell::text(r.done_on.as_deref().map(format::date).unwrap_or_default()),
        ]);
    }
    table.notes.push(format!(
        "Tình trạng đến ngày {}; số ngày trễ, còn lại tính theo ngày làm việc.",
        format::date(&list.as_of)
    ));
    Ok(download::file(table, format, "cap-nhat-tien-luong", false).await?)
}

#[derive(Debug, Deserialize)]
pub struct RecordForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    note: String,
}

/// Records a unit's sheet of a month, and goes back to the list with what was done or why not.
pub async fn record(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<RecordForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let Ok(unit_id) = f.unit_id.trim().parse::<i64>() else {
        return super::back_with_message(
            &page,
            PATH,
            Err(AppError::BadRequest("Chọn đơn vị lập bảng lương.".into())),
        );
    };
    let input = RecordPayrollSheet {
        unit_id,
        period: f.period,
        paid_on: if f.paid_on.trim().is_empty() {
            String::new()
        } else {
            format::typed_day(&f.paid_on)
        },
        note: Some(f.note),
    };
    let result = app
        .record_payroll_sheet(&page.actor, &input, &client)
        .await
        .map(|s| {
            format!(
                "Đã lập bảng lương tháng {} của {}: {} người, tổng {}{}.",
                month_label(&s.period),
                s.unit_name,
                format::thousands(s.headcount),
                format::money(s.total),
                if s.incomplete > 0 {
                    format!(
                        "; {} người chưa tính được lương (hồ sơ thiếu hệ số lương)",
                        s.incomplete
                    )
                } else {
                    String::new()
                }
            )
        });
    super::back_with_message(&page, PATH, result)
}

#[derive(Debug, Deserialize)]
pub struct ConsolidateForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    period: String,
    #[serde(default)]
    note: String,
}

/// Records the month's consolidation for the province.
pub async fn consolidate(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<ConsolidateForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let back = format!("{PATH}?thang={}", format::url_encode(f.period.trim()));
    let input = RecordPayrollConsolidation {
        period: f.period,
        note: Some(f.note),
    };
    let result = app
        .record_payroll_consolidation(&page.actor, &input, &client)
        .await
        .map(|c| {
            format!(
                "Đã tổng hợp bảng lương tháng {}: {}/{} đơn vị đã lập, {} người, tổng {}.",
                month_label(&c.period),
                c.units_recorded,
                c.units_expected,
                format::thousands(c.headcount),
                format::money(c.total)
            )
        });
    super::back_with_message(&page, &back, result)
}

pub struct LineShown {
    pub n: usize,
    pub person_id: i64,
    pub name: String,
    pub unit: String,
    pub rank: String,
    pub step: String,
    pub coefficient: String,
    pub share: String,
    pub salary: String,
    pub position: String,
    pub beyond: String,
    pub others: String,
    pub others_detail: String,
    pub total: String,
    pub problem: String,
}

fn hundredths(h: i64) -> String {
    format::decimal(h as f64 / 100.0)
}

/// "Chuyên viên (01.003)": the ngạch's name and code, as the record has them.
fn rank_label(l: &PayrollLine) -> String {
    match (&l.rank_code, &l.rank_name) {
        (Some(code), Some(name)) => format!("{name} ({code})"),
        (Some(code), None) => code.clone(),
        _ => String::new(),
    }
}

fn line_shown(n: usize, l: &PayrollLine) -> LineShown {
    let rank = rank_label(l);
    let p = l.pay.as_ref();
    LineShown {
        n,
        person_id: l.person_id,
        name: l.full_name.clone(),
        unit: l.unit_name.clone(),
        rank,
        step: l.step.map(|s| s.to_string()).unwrap_or_default(),
        coefficient: p
            .map(|p| hundredths(p.coefficient_hundredths))
            .unwrap_or_default(),
        share: p
            .filter(|p| p.salary_percent_hundredths != 10_000)
            .map(|p| format!("{}%", hundredths(p.salary_percent_hundredths)))
            .unwrap_or_default(),
        salary: p.map(|p| format::money(p.salary)).unwrap_or_default(),
        position: p
            .filter(|p| p.position_allowance != 0)
            .map(|p| format::money(p.position_allowance))
            .unwrap_or_default(),
        beyond: p
            .filter(|p| p.beyond_scale_allowance != 0)
            .map(|p| format::money(p.beyond_scale_allowance))
            .unwrap_or_default(),
        others: p
            .map(|p| p.percent_allowances + p.coefficient_allowances + p.fixed_allowances)
            .filter(|o| *o != 0)
            .map(format::money)
            .unwrap_or_default(),
        others_detail: p.map(|p| p.allowances_counted.clone()).unwrap_or_default(),
        total: p.map(|p| format::money(p.total)).unwrap_or_default(),
        problem: l.problem.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "payroll_sheet.html")]
struct SheetPage {
    layout: Layout,
    id: i64,
    unit: String,
    month: String,
    paid_on: String,
    recorded: String,
    headcount: String,
    incomplete: i64,
    total: String,
    base_salary: String,
    note: String,
    lines: Vec<LineShown>,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SheetParams {
    page: Option<usize>,
    format: Option<String>,
}

/// A recorded sheet: its lines, a hundred a page.
pub async fn sheet(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Query(p): Query<SheetParams>,
) -> PageResult {
    let sheet = app.payroll_sheet(&page.actor, id, false, &client).await?;
    let s = &sheet.summary;
    let pages = sheet.lines.len().div_ceil(LINES_PER_PAGE).max(1);
    let current = p.page.unwrap_or(1).clamp(1, pages);
    let at = |n: usize| format!("{PATH}/{id}?page={n}");
    let shown = SheetShown::from(s);
    Ok(render(&SheetPage {
        layout: page.layout("Bảng lương", "payroll"),
        id,
        unit: s.unit_name.clone(),
        month: shown.month,
        paid_on: shown.paid_on,
        recorded: shown.recorded,
        headcount: shown.headcount,
        incomplete: s.incomplete,
        total: shown.total,
        base_salary: sheet
            .lines
            .iter()
            .find_map(|l| l.pay.as_ref())
            .map(|p| format::money(p.base_salary))
            .unwrap_or_default(),
        note: s.note.clone().unwrap_or_default(),
        lines: sheet
            .lines
            .iter()
            .enumerate()
            .skip((current - 1) * LINES_PER_PAGE)
            .take(LINES_PER_PAGE)
            .map(|(n, l)| line_shown(n + 1, l))
            .collect(),
        page: current,
        pages,
        prev: (current > 1).then(|| at(current - 1)),
        next: (current < pages).then(|| at(current + 1)),
    }))
}

/// A recorded sheet as an Excel or CSV file (audited as an export).
pub async fn sheet_export(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Query(p): Query<SheetParams>,
) -> Result<Response, PageError> {
    let format = download::format_of(p.format.as_deref())?;
    let sheet = app.payroll_sheet(&page.actor, id, true, &client).await?;
    let s = &sheet.summary;
    let mut table = Table::new(
        "Bảng lương",
        vec![
            Column::new("STT", 6.0),
            Column::new("Họ và tên", 28.0),
            Column::new("Đơn vị", 26.0),
            Column::new("Ngạch, chức danh", 28.0),
            Column::new("Bậc", 6.0),
            Column::new("Hệ số lương", 10.0),
            Column::new("Phần trăm hưởng", 10.0),
            Column::new("Lương cơ sở", 14.0),
            Column::new("Lương theo hệ số", 14.0),
            Column::new("Phụ cấp chức vụ", 14.0),
            Column::new("Phụ cấp thâm niên vượt khung", 14.0),
            Column::new("Phụ cấp khác", 14.0),
            Column::new("Các phụ cấp khác đã tính", 30.0),
            Column::new("Tổng cộng", 16.0),
            Column::new("Ghi chú", 30.0),
        ],
    );
    for (n, l) in sheet.lines.iter().enumerate() {
        let p = l.pay.as_ref();
        let money = |f: fn(&hoso_domain::payroll::PayLine) -> i64| {
            p.map_or(Cell::Empty, |p| Cell::Integer(f(p)))
        };
        table.push(vec![
            Cell::Integer(n as i64 + 1),
            Cell::text(l.full_name.clone()),
            Cell::text(l.unit_name.clone()),
            Cell::text(rank_label(l)),
            l.step.map_or(Cell::Empty, |s| Cell::Integer(i64::from(s))),
            p.map_or(Cell::Empty, |p| {
                Cell::Number(p.coefficient_hundredths as f64 / 100.0)
            }),
            p.map_or(Cell::Empty, |p| {
                Cell::Number(p.salary_percent_hundredths as f64 / 100.0)
            }),
            money(|p| p.base_salary),
            money(|p| p.salary),
            money(|p| p.position_allowance),
            money(|p| p.beyond_scale_allowance),
            money(|p| p.percent_allowances + p.coefficient_allowances + p.fixed_allowances),
            Cell::text(p.map(|p| p.allowances_counted.clone()).unwrap_or_default()),
            money(|p| p.total),
            Cell::text(l.problem.clone().unwrap_or_default()),
        ]);
    }
    table.notes.push(format!(
        "{} — tháng {}; thời gian chi trả {}; {} người, tổng {}. Tính theo hồ sơ ngày lập ({}), lương cơ sở áp dụng ngày đầu tháng; mỗi khoản làm tròn đến đồng.",
        s.unit_name,
        month_label(&s.period),
        format::date(&s.paid_on),
        format::thousands(s.headcount),
        format::money(s.total),
        format::date(&s.recorded_on),
    ));
    Ok(download::file(table, format, "bang-luong", false).await?)
}
