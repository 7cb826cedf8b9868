//! Alerts page (F12): what is due in the caller's scope, why (rule and legal basis), with
//! filters, paging, an Excel export and, for administrators, a preview as of another date.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use hoso_app::alerts::{AlertQuery, AlertView, kind_label};
use hoso_app::{App, AppError};
use hoso_domain::access::Role;
use serde::Deserialize;

use super::{Layout, PageActor, PageError, PageResult, format, render};

/// Every kind, for the filter.
const KINDS: [&str; 14] = [
    "step_increase_due",
    "beyond_scale_due",
    "retirement_notice",
    "retirement_decision",
    "probation_ending",
    "appointment_term_ending",
    "contract_ending",
    "discipline_ending",
    "two_failing_ratings",
    "record_incomplete",
    "record_stale",
    "deadline_overdue",
    "verification_pending",
    "approval_pending",
];

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    #[serde(default)]
    kind: String,
    /// dd/mm/yyyy or ISO; when set (administrators), a preview as of that date.
    #[serde(default)]
    date: String,
    page: Option<i64>,
}

impl Params {
    fn kind(&self) -> Option<String> {
        (!self.kind.is_empty()).then(|| self.kind.clone())
    }

    fn iso_date(&self) -> Option<String> {
        let d = self.date.trim();
        if d.is_empty() {
            return None;
        }
        // Accept the date as a Vietnamese user writes it, too.
        let parts: Vec<&str> = d.split('/').collect();
        Some(if parts.len() == 3 {
            format!("{}-{:0>2}-{:0>2}", parts[2], parts[1], parts[0])
        } else {
            d.to_string()
        })
    }

    fn query(&self, page: Option<i64>, per_page: i64) -> AlertQuery {
        AlertQuery {
            kind: self.kind(),
            date: self.iso_date(),
            page,
            per_page: Some(per_page),
            ..AlertQuery::default()
        }
    }

    fn url(&self, base: &str, page: Option<i64>) -> String {
        let mut q = vec![];
        if !self.kind.is_empty() {
            q.push(format!("kind={}", format::url_encode(&self.kind)));
        }
        if !self.date.is_empty() {
            q.push(format!("date={}", format::url_encode(&self.date)));
        }
        if let Some(p) = page {
            q.push(format!("page={p}"));
        }
        if q.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", q.join("&"))
        }
    }
}

pub struct AlertRow {
    pub person_id: i64,
    pub name: String,
    pub unit: String,
    pub kind: String,
    pub due: String,
    pub message: String,
    pub basis: String,
}

fn rows(items: Vec<AlertView>) -> Vec<AlertRow> {
    items
        .into_iter()
        .map(|a| AlertRow {
            person_id: a.person_id,
            name: a.full_name,
            unit: a.unit_name,
            kind: a.kind_label,
            due: format::date(&a.due),
            message: a.message,
            basis: a.legal_basis,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    layout: Layout,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    date: String,
    may_preview: bool,
    preview: bool,
    counts: Vec<(String, String, String)>,
    rows: Vec<AlertRow>,
    total: String,
    error: Option<String>,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    export: String,
}

fn may_preview(page: &PageActor) -> bool {
    page.actor
        .grants
        .iter()
        .any(|g| matches!(g.role, Role::SystemAdmin | Role::UnitAdmin))
}

pub async fn list(State(app): State<App>, page: PageActor, Query(p): Query<Params>) -> PageResult {
    const PER_PAGE: i64 = 50;
    let preview = p.iso_date().is_some() && may_preview(&page);
    let result = if preview {
        app.preview_alerts(&page.actor, p.query(p.page, PER_PAGE))
            .await
    } else {
        app.list_alerts(&page.actor, p.query(p.page, PER_PAGE))
            .await
    };
    let (items, total, current, error) = match result {
        Ok(r) => (r.items, r.total, r.page, None),
        // A bad date or a too-large preview is the user's to fix: show it, keep the form.
        Err(AppError::BadRequest(m)) => (vec![], 0, 1, Some(m)),
        Err(e) => return Err(e.into()),
    };
    let counts = app
        .alert_summary(&page.actor)
        .await?
        .into_iter()
        .map(|c| (c.kind.clone(), c.kind_label, format::thousands(c.count)))
        .collect();
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    Ok(render(&AlertsPage {
        layout: page.layout("Cảnh báo", "alerts"),
        kinds: KINDS.iter().map(|k| (*k, kind_label(k))).collect(),
        kind: p.kind.clone(),
        date: p.date.clone(),
        may_preview: may_preview(&page),
        preview,
        counts,
        rows: rows(items),
        total: format::thousands(total),
        error,
        page: current,
        pages,
        prev: (current > 1).then(|| p.url("/canh-bao", Some(current - 1))),
        next: (current < pages).then(|| p.url("/canh-bao", Some(current + 1))),
        export: p.url("/canh-bao/xuat-excel", None),
    }))
}

/// Every alert of the current filter (up to 10,000) as an Excel file.
pub async fn export(
    State(app): State<App>,
    page: PageActor,
    Query(p): Query<Params>,
) -> Result<Response, PageError> {
    let preview = p.iso_date().is_some() && may_preview(&page);
    let mut all = Vec::new();
    let mut current = 1;
    loop {
        let q = p.query(Some(current), 200);
        let r = if preview {
            app.preview_alerts(&page.actor, q).await?
        } else {
            app.list_alerts(&page.actor, q).await?
        };
        let done = r.items.is_empty() || (current * 200) >= r.total || all.len() >= 10_000;
        all.extend(r.items);
        if done {
            break;
        }
        current += 1;
    }
    let rows = rows(all);
    let bytes = tokio::task::spawn_blocking(move || workbook(&rows))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("xlsx: {e}")))?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"canh-bao.xlsx\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok((headers, bytes).into_response())
}

fn workbook(rows: &[AlertRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("DCE6F1");
    let ws = wb.add_worksheet();
    ws.set_name("Cảnh báo")?;
    let headers = [
        "STT",
        "Họ và tên",
        "Đơn vị",
        "Loại cảnh báo",
        "Hạn",
        "Nội dung",
        "Căn cứ",
    ];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)?;
        ws.set_column_width(i as u16, if i == 0 { 6.0 } else { 28.0 })?;
    }
    for (r, row) in rows.iter().enumerate() {
        let y = r as u32 + 1;
        ws.write_number(y, 0, (r + 1) as f64)?;
        for (x, v) in [
            &row.name,
            &row.unit,
            &row.kind,
            &row.due,
            &row.message,
            &row.basis,
        ]
        .into_iter()
        .enumerate()
        {
            ws.write_string(y, x as u16 + 1, v)?;
        }
    }
    wb.save_to_buffer()
}

// ───────────────────────────── deadline rules ─────────────────────────────

/// Where every signed-in user reads the deadlines in force.
pub const RULES_PATH: &str = "/thoi-han";

pub struct RuleRow {
    pub name: String,
    pub time_limit: String,
    pub responsible: String,
    pub legal_basis: String,
    pub period: String,
    pub tracked: bool,
    pub state: String,
}

#[derive(Template)]
#[template(path = "deadline_rules.html")]
struct RulesPage {
    layout: Layout,
    rows: Vec<RuleRow>,
    tracked: usize,
    on: String,
}

/// The deadlines of the configured regulation in force today, each with its article and
/// whether Hoso follows it yet.
pub async fn rules(State(app): State<App>, page: PageActor) -> PageResult {
    let rules = app.deadline_rules(&page.actor, None)?;
    let rows: Vec<RuleRow> = rules
        .into_iter()
        .map(|r| RuleRow {
            name: r.name,
            time_limit: r.time_limit,
            responsible: r.responsible_label,
            legal_basis: r.legal_basis,
            period: match &r.effective_to {
                Some(to) => format!("{} – {}", format::date(&r.effective_from), format::date(to)),
                None => format!("từ {}", format::date(&r.effective_from)),
            },
            tracked: r.tracked,
            state: r
                .not_tracked_reason
                .unwrap_or_else(|| "Đang theo dõi, có cảnh báo".into()),
        })
        .collect();
    Ok(render(&RulesPage {
        layout: page.layout("Thời hạn theo quy chế", "alerts"),
        tracked: rows.iter().filter(|r| r.tracked).count(),
        on: format::date(&app.today().to_string()),
        rows,
    }))
}
