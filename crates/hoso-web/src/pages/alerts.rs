//! Alerts page (F12): what is due in the caller's scope, why (rule and legal basis), with
//! filters, paging, an Excel export and, for administrators, a preview as of another date.

use crate::extract::Query;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use hoso_app::alerts::{AlertQuery, AlertView, kind_label};
use hoso_app::export::ALERT_EXPORT_CAP;
use hoso_app::{App, AppError, Capability};
use hoso_export::{Cell, Column, Table};
use serde::Deserialize;

use super::{Layout, PageActor, PageError, PageResult, format, render};
use crate::download;
use crate::extract::Client;

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
    /// xlsx (default) or csv, for the download.
    format: Option<String>,
}

impl Params {
    fn kind(&self) -> Option<String> {
        (!self.kind.is_empty()).then(|| self.kind.clone())
    }

    fn iso_date(&self) -> Option<String> {
        (!self.date.trim().is_empty()).then(|| format::typed_day(&self.date))
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
    /// The document that acts on the alert, filled from the province's template: its link
    /// and words (shown to those who write records).
    pub action: Option<(String, &'static str)>,
    /// The due day has passed (on the day the list is for).
    pub overdue: bool,
}

/// The document an alert calls for, if Hoso prints one.
fn action_of(kind: &str, person_id: i64) -> Option<(String, &'static str)> {
    use hoso_domain::templates::TemplateKind;
    let (document, words) = match kind {
        "step_increase_due" => (
            TemplateKind::StepIncrease,
            "Lập quyết định nâng bậc lương (Word)",
        ),
        "retirement_notice" => (
            TemplateKind::RetirementNotice,
            "Lập thông báo nghỉ hưu (Word)",
        ),
        // The decision itself is recorded in Hoso, with the legal date filled in.
        "retirement_decision" => {
            return Some((
                format!("/ho-so/{person_id}/trang-thai?loai=nghi_huu"),
                "Ghi quyết định nghỉ hưu",
            ));
        }
        _ => return None,
    };
    Some((
        format!("/ho-so/{person_id}/van-ban/{}", document.slug()),
        words,
    ))
}

/// The rows of the list on the day `as_of` (ISO): past their due day, they are marked.
fn rows(items: Vec<AlertView>, as_of: &str) -> Vec<AlertRow> {
    items
        .into_iter()
        .map(|a| AlertRow {
            overdue: a.due.as_str() < as_of,
            action: action_of(&a.kind, a.person_id),
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
        .capabilities()
        .may_somewhere(Capability::SeeAdministration)
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
        rows: rows(
            items,
            &p.iso_date()
                .filter(|_| preview)
                .unwrap_or_else(|| app.today().to_string()),
        ),
        total: format::thousands(total),
        error,
        page: current,
        pages,
        prev: (current > 1).then(|| p.url("/canh-bao", Some(current - 1))),
        next: (current < pages).then(|| p.url("/canh-bao", Some(current + 1))),
        export: p.url("/canh-bao/xuat-excel", None),
    }))
}

/// Every alert of the current filter (up to 10,000) as an Excel or CSV file.
pub async fn export(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(p): Query<Params>,
) -> Result<Response, PageError> {
    let format = download::format_of(p.format.as_deref())?;
    let preview = p.iso_date().is_some() && may_preview(&page);
    let (items, truncated) = app
        .export_alerts(&page.actor, p.query(None, 200), preview, &client)
        .await?;
    let mut table = Table::new(
        "Cảnh báo",
        vec![
            Column::new("STT", 6.0),
            Column::new("Họ và tên", 24.0),
            Column::new("Đơn vị", 28.0),
            Column::new("Loại cảnh báo", 28.0),
            Column::new("Hạn xử lý", 12.0),
            Column::new("Nội dung", 40.0),
            Column::new("Căn cứ", 40.0),
        ],
    );
    for (n, a) in items.into_iter().enumerate() {
        table.push(vec![
            Cell::Integer(n as i64 + 1),
            Cell::text(a.full_name),
            Cell::text(a.unit_name),
            Cell::text(a.kind_label),
            iso_date_cell(&a.due),
            Cell::text(a.message),
            Cell::text(a.legal_basis),
        ]);
    }
    if truncated {
        table.notes.push(format!(
            "Có hơn {} cảnh báo: chỉ xuất {} cảnh báo đầu. Hãy lọc thêm để xuất phần còn lại.",
            format::thousands(ALERT_EXPORT_CAP as i64),
            format::thousands(ALERT_EXPORT_CAP as i64)
        ));
    }
    Ok(download::file(table, format, "canh-bao", truncated).await?)
}

/// A date cell from an ISO date, or its text when it is not one.
pub(crate) fn iso_date_cell(iso: &str) -> Cell {
    match time::Date::parse(
        iso,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        Ok(d) => Cell::Date(d),
        Err(_) => Cell::text(iso),
    }
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

#[cfg(test)]
mod tests {
    use super::action_of;

    #[test]
    fn step_increases_and_retirements_lead_to_their_documents_and_decision() {
        assert_eq!(
            action_of("step_increase_due", 7).map(|a| a.0),
            Some("/ho-so/7/van-ban/quyet-dinh-nang-bac-luong".to_string())
        );
        assert_eq!(
            action_of("retirement_notice", 7).map(|a| a.0),
            Some("/ho-so/7/van-ban/thong-bao-nghi-huu".to_string())
        );
        assert_eq!(
            action_of("retirement_decision", 7).map(|a| a.0),
            Some("/ho-so/7/trang-thai?loai=nghi_huu".to_string())
        );
        assert_eq!(action_of("record_stale", 7), None);
    }
}
