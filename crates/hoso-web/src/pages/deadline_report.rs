//! The deadline report (LS Đ15.5; ĐN Đ15.4, Đ20.4; ĐT Đ22.3): per unit and rule, the deadlines
//! due in a period met on time, met late and still overdue, with how late; sortable by any
//! column by a link (no script needed, so it works on a phone), downloadable as XLSX or CSV.

use crate::extract::Query;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use hoso_app::deadline_report::{DeadlineCounts, DeadlineReport, DeadlineReportQuery};
use hoso_app::{App, AppError};
use hoso_export::{Cell, Column, Table};
use serde::Deserialize;

use super::{Layout, PageActor, PageError, PageResult, format, render};
use crate::download;
use crate::extract::Client;

pub const PATH: &str = "/thoi-han/bao-cao";
pub const EXPORT_PATH: &str = "/thoi-han/bao-cao/xuat-excel";

/// The columns a reader may sort by: (code, header).
const SORTS: [(&str, &str); 9] = [
    ("unit", "Đơn vị"),
    ("rule", "Thời hạn"),
    ("total", "Tổng số"),
    ("on_time", "Đúng hạn"),
    ("late", "Trễ hạn"),
    ("overdue", "Quá hạn, chưa làm"),
    ("running", "Đang trong hạn"),
    ("max_days_late", "Trễ nhiều nhất (ngày làm việc)"),
    ("days_late", "Tổng ngày trễ"),
];

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    /// dd/mm/yyyy or ISO.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    unit: Option<i64>,
    #[serde(default)]
    sort: String,
    /// Descending when "desc".
    #[serde(default)]
    dir: String,
    /// xlsx (default) or csv, for the download.
    format: Option<String>,
}

/// A date as a Vietnamese user writes it (dd/mm/yyyy), or as the API does (ISO).
fn iso(d: &str) -> Option<String> {
    (!d.trim().is_empty()).then(|| format::typed_day(d))
}

impl Params {
    fn query(&self) -> DeadlineReportQuery {
        DeadlineReportQuery {
            from: iso(&self.from),
            to: iso(&self.to),
            unit: self.unit,
        }
    }

    fn sort(&self) -> &str {
        SORTS
            .iter()
            .map(|(code, _)| *code)
            .find(|c| *c == self.sort)
            .unwrap_or("unit")
    }

    fn descending(&self) -> bool {
        self.dir == "desc"
    }

    fn url(&self, base: &str, sort: Option<(&str, bool)>) -> String {
        let mut q = vec![];
        for (key, value) in [("from", &self.from), ("to", &self.to)] {
            if !value.is_empty() {
                q.push(format!("{key}={}", format::url_encode(value)));
            }
        }
        if let Some(unit) = self.unit {
            q.push(format!("unit={unit}"));
        }
        let (sort, desc) = sort.unwrap_or((self.sort(), self.descending()));
        if sort != "unit" || desc {
            q.push(format!("sort={sort}"));
        }
        if desc {
            q.push("dir=desc".into());
        }
        if q.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", q.join("&"))
        }
    }
}

fn sorted(mut report: DeadlineReport, sort: &str, desc: bool) -> DeadlineReport {
    let number = |c: &DeadlineCounts| match sort {
        "total" => c.total,
        "on_time" => c.on_time,
        "late" => c.late,
        "overdue" => c.overdue,
        "running" => c.running,
        "max_days_late" => c.max_days_late,
        "days_late" => c.days_late,
        _ => 0,
    };
    // Stable: rows equal under the chosen column stay in unit-tree order.
    report.rows.sort_by(|a, b| {
        let order = match sort {
            "unit" => std::cmp::Ordering::Equal,
            "rule" => a.rule_name.cmp(&b.rule_name),
            _ => number(&a.counts).cmp(&number(&b.counts)),
        };
        if desc { order.reverse() } else { order }
    });
    if sort == "unit" && desc {
        report.rows.reverse();
    }
    report
}

pub struct Row {
    pub unit_id: i64,
    pub unit: String,
    pub rule: String,
    pub total: String,
    pub on_time: String,
    pub late: String,
    pub overdue: String,
    pub running: String,
    pub max_days_late: String,
    pub days_late: String,
}

#[derive(Template)]
#[template(path = "deadline_report.html")]
struct ReportPage {
    layout: Layout,
    from: String,
    to: String,
    as_of: String,
    headers: Vec<super::SortHeader>,
    rows: Vec<Row>,
    totals: Row,
    truncated: bool,
    error: Option<String>,
    export: String,
}

fn row(unit_id: i64, unit: String, rule: String, c: &DeadlineCounts) -> Row {
    Row {
        unit_id,
        unit,
        rule,
        total: format::thousands(c.total),
        on_time: format::thousands(c.on_time),
        late: format::thousands(c.late),
        overdue: format::thousands(c.overdue),
        running: format::thousands(c.running),
        max_days_late: format::thousands(c.max_days_late),
        days_late: format::thousands(c.days_late),
    }
}

fn headers(p: &Params) -> Vec<super::SortHeader> {
    let (current, desc) = (p.sort(), p.descending());
    SORTS
        .iter()
        .map(|(code, label)| {
            let numeric = !matches!(*code, "unit" | "rule");
            let active = *code == current;
            // A click on the sorted column turns it round; on another, numbers come largest
            // first (the units most behind) and names from A.
            let next_desc = if active { !desc } else { numeric };
            super::SortHeader::new(label, p.url(PATH, Some((code, next_desc))), active, desc)
        })
        .collect()
}

pub async fn page(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(p): Query<Params>,
) -> PageResult {
    let (report, error) = match app.deadline_report(&page.actor, &p.query(), &client).await {
        Ok(r) => (Some(sorted(r, p.sort(), p.descending())), None),
        // A bad date is the user's to fix: show it and keep the form.
        Err(AppError::BadRequest(m)) => (None, Some(m)),
        Err(e) => return Err(e.into()),
    };
    let rows = report
        .as_ref()
        .map(|r| {
            r.rows
                .iter()
                .map(|x| {
                    row(
                        x.unit_id,
                        x.unit_name.clone(),
                        x.rule_name.clone(),
                        &x.counts,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let totals = report
        .as_ref()
        .map(|r| r.totals.clone())
        .unwrap_or_default();
    Ok(render(&ReportPage {
        layout: page.layout("Báo cáo thực hiện thời hạn", "alerts"),
        from: report
            .as_ref()
            .map_or_else(|| p.from.clone(), |r| format::date(&r.from)),
        to: report
            .as_ref()
            .map_or_else(|| p.to.clone(), |r| format::date(&r.to)),
        as_of: format::date(&app.today().to_string()),
        headers: headers(&p),
        rows,
        totals: row(0, "Tổng cộng".into(), String::new(), &totals),
        truncated: report.as_ref().is_some_and(|r| r.truncated),
        error,
        export: p.url(EXPORT_PATH, None),
    }))
}

/// The report of the current filter, in the current order, as an Excel or CSV file.
pub async fn export(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(p): Query<Params>,
) -> Result<Response, PageError> {
    let format = download::format_of(p.format.as_deref())?;
    let report = app
        .export_deadline_report(&page.actor, &p.query(), &client)
        .await?;
    let report = sorted(report, p.sort(), p.descending());
    let mut table = Table::new(
        "Thực hiện thời hạn",
        vec![
            Column::new("STT", 6.0),
            Column::new("Đơn vị", 30.0),
            Column::new("Thời hạn", 40.0),
            Column::new("Tổng số", 10.0),
            Column::new("Đúng hạn", 10.0),
            Column::new("Trễ hạn", 10.0),
            Column::new("Quá hạn, chưa làm", 12.0),
            Column::new("Đang trong hạn", 12.0),
            Column::new("Trễ nhiều nhất (ngày làm việc)", 14.0),
            Column::new("Tổng ngày trễ (ngày làm việc)", 14.0),
        ],
    );
    let counts = |c: &DeadlineCounts| {
        [
            c.total,
            c.on_time,
            c.late,
            c.overdue,
            c.running,
            c.max_days_late,
            c.days_late,
        ]
        .map(Cell::Integer)
    };
    for (n, r) in report.rows.iter().enumerate() {
        let mut cells = vec![
            Cell::Integer(n as i64 + 1),
            Cell::text(r.unit_name.clone()),
            Cell::text(r.rule_name.clone()),
        ];
        cells.extend(counts(&r.counts));
        table.push(cells);
    }
    table.notes.push(format!(
        "Các thời hạn đến hạn từ ngày {} đến ngày {}, tình trạng đến ngày {}; số ngày trễ tính theo ngày làm việc.",
        format::date(&report.from),
        format::date(&report.to),
        format::date(&report.as_of)
    ));
    if report.truncated {
        table.notes.push(
            "Khoảng thời gian có quá nhiều thời hạn: báo cáo chỉ tính một phần. Hãy chọn khoảng ngắn hơn hoặc một đơn vị."
                .into(),
        );
    }
    Ok(download::file(table, format, "thuc-hien-thoi-han", report.truncated).await?)
}
