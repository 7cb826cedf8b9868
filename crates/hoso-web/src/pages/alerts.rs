//! Alerts page (F12): what is due in the caller's scope, why (rule and legal basis), with
//! filters, paging, an Excel export and, for administrators, a preview as of another date.

use std::collections::HashMap;

use crate::extract::Query;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use hoso_app::alerts::{AlertMark, AlertQuery, AlertView, kind_label};
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
    /// `da`: the alerts marked as dealt with, instead of the open ones.
    #[serde(default)]
    xu_ly: String,
    /// What was just done (a code [`done_message`] knows).
    #[serde(default)]
    ok: String,
    page: Option<i64>,
    /// xlsx (default) or csv, for the download.
    format: Option<String>,
}

/// What the page says after a mark is set or taken back: a code from this list, never text
/// from the address.
fn done_message(code: &str) -> Option<&'static str> {
    match code {
        "da_xu_ly" => Some(
            "Đã đánh dấu cảnh báo là đã xử lý. Cảnh báo chuyển sang danh sách “Đã xử lý” và không còn được đếm.",
        ),
        "mo_lai" => Some("Đã mở lại cảnh báo: cảnh báo trở lại danh sách cần xử lý."),
        _ => None,
    }
}

impl Params {
    fn kind(&self) -> Option<String> {
        (!self.kind.is_empty()).then(|| self.kind.clone())
    }

    fn iso_date(&self) -> Option<String> {
        (!self.date.trim().is_empty()).then(|| format::typed_day(&self.date))
    }

    fn handled(&self) -> bool {
        self.xu_ly == "da"
    }

    fn query(&self, page: Option<i64>, per_page: i64) -> AlertQuery {
        AlertQuery {
            kind: self.kind(),
            date: self.iso_date(),
            handled: Some(self.handled()),
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
        if self.handled() {
            q.push("xu_ly=da".into());
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
    /// What to do about it, for those who write records: a link and its words (the document
    /// Hoso prints is a download).
    pub action: Action,
    /// The kind's code and the ISO due day, which name the alert when it is marked.
    pub kind_code: String,
    pub due_iso: String,
    /// Who marked it as dealt with, when, and the note ("" while it is open).
    pub handled: String,
    /// The due day has passed (on the day the list is for).
    pub overdue: bool,
}

/// The step an alert calls for: a link, its words, and whether it downloads a document.
pub struct Action {
    pub href: String,
    pub words: &'static str,
    pub download: bool,
}

/// What to do about an alert of `kind`: the document Hoso prints from the province's template,
/// the part of the record to bring up to date, or the queue where the request waits.
fn action_of(kind: &str, person_id: i64) -> Action {
    use hoso_domain::templates::TemplateKind;
    let document = |template: TemplateKind, words| Action {
        href: format!("/ho-so/{person_id}/van-ban/{}", template.slug()),
        words,
        download: true,
    };
    let link = |href: String, words| Action {
        href,
        words,
        download: false,
    };
    let section = |id: &str, words| link(format!("/ho-so/{person_id}/sua/{id}"), words);
    match kind {
        "step_increase_due" => document(
            TemplateKind::StepIncrease,
            "Lập quyết định nâng bậc lương (Word)",
        ),
        "retirement_notice" => document(
            TemplateKind::RetirementNotice,
            "Lập thông báo nghỉ hưu (Word)",
        ),
        // The decision itself is recorded in Hoso, with the legal date filled in.
        "retirement_decision" => link(
            format!("/ho-so/{person_id}/trang-thai?loai=nghi_huu"),
            "Ghi quyết định nghỉ hưu",
        ),
        "beyond_scale_due" => section("salary", "Cập nhật phụ cấp thâm niên vượt khung"),
        "probation_ending" => section("recruitment", "Ghi kết quả tập sự"),
        "appointment_term_ending" => section("position", "Ghi bổ nhiệm lại hoặc thôi giữ chức vụ"),
        "contract_ending" => section("contract", "Ghi gia hạn hoặc chấm dứt hợp đồng"),
        "discipline_ending" => section("disciplinary_records", "Cập nhật quá trình kỷ luật"),
        "two_failing_ratings" => link(
            format!("/ho-so/{person_id}/trang-thai?loai=thoi_viec"),
            "Ghi quyết định thôi việc",
        ),
        "verification_pending" => link("/xac-thuc".into(), "Mở phiếu chờ xác thực"),
        "approval_pending" => link("/phe-duyet".into(), "Mở danh sách chờ phê duyệt"),
        // record_incomplete, record_stale, deadline_overdue: the record itself.
        _ => link(format!("/ho-so/{person_id}"), "Mở hồ sơ để cập nhật"),
    }
}

/// The rows of the list on the day `as_of` (ISO): past their due day, they are marked.
fn rows(items: Vec<AlertView>, as_of: &str, units: &HashMap<i64, String>) -> Vec<AlertRow> {
    items
        .into_iter()
        .map(|a| AlertRow {
            overdue: a.due.as_str() < as_of && a.handled.is_none(),
            action: action_of(&a.kind, a.person_id),
            kind_code: a.kind.clone(),
            due_iso: a.due.clone(),
            handled: a
                .handled
                .as_ref()
                .map(|h| {
                    let note = if h.note.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", h.note)
                    };
                    format!("{}, {}{note}", h.by, format::instant(h.at))
                })
                .unwrap_or_default(),
            person_id: a.person_id,
            name: a.full_name,
            unit: units.get(&a.unit_id).cloned().unwrap_or(a.unit_name),
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
    /// Listing the alerts marked as dealt with.
    handled: bool,
    /// What was just done.
    done: Option<&'static str>,
    /// The query string that brings the reader back to this list after a mark.
    back: String,
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
    // Units named with their parent ("Văn phòng — Sở Y tế").
    let units = app
        .unit_names(&page.actor, items.iter().map(|a| a.unit_id).collect())
        .await?;
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
        handled: p.handled(),
        done: done_message(&p.ok),
        back: p.url("", p.page).trim_start_matches('?').to_string(),
        counts,
        rows: rows(
            items,
            &p.iso_date()
                .filter(|_| preview)
                .unwrap_or_else(|| app.today().to_string()),
            &units,
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
    let units = app
        .unit_names(&page.actor, items.iter().map(|a| a.unit_id).collect())
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
            Cell::text(units.get(&a.unit_id).cloned().unwrap_or(a.unit_name)),
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

#[derive(Debug, Deserialize)]
pub struct MarkForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    person_id: i64,
    kind: String,
    due: String,
    #[serde(default)]
    note: String,
    /// The list's query string, to come back to.
    #[serde(default)]
    back: String,
}

impl MarkForm {
    fn mark(&self) -> AlertMark {
        AlertMark {
            person_id: self.person_id,
            kind: self.kind.clone(),
            due: self.due.clone(),
            note: Some(self.note.clone()),
        }
    }

    /// Back to the list the reader came from, saying what was done. Only the list's own
    /// parameters travel: the query string is rebuilt, not copied.
    fn back(&self, done: &str) -> Response {
        let came_from: Params = serde_urlencoded::from_str(&self.back).unwrap_or_default();
        let list = came_from.url(LIST_PATH, came_from.page);
        let glue = if list.contains('?') { '&' } else { '?' };
        Redirect::to(&format!("{list}{glue}ok={done}")).into_response()
    }
}

const LIST_PATH: &str = "/canh-bao";
/// Where an alert is marked as dealt with, and where the mark is taken back.
pub const HANDLE_PATH: &str = "/canh-bao/da-xu-ly";
pub const REOPEN_PATH: &str = "/canh-bao/mo-lai";

/// Marks an alert as dealt with.
pub async fn handle(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<MarkForm>,
) -> Result<Response, PageError> {
    page.check_csrf(f.csrf.as_deref())?;
    app.mark_alert_handled(&page.actor, f.mark(), &client)
        .await?;
    Ok(f.back("da_xu_ly"))
}

/// Opens an alert again.
pub async fn reopen(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<MarkForm>,
) -> Result<Response, PageError> {
    page.check_csrf(f.csrf.as_deref())?;
    app.reopen_alert(&page.actor, f.mark(), &client).await?;
    Ok(f.back("mo_lai"))
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
    use super::{KINDS, action_of};

    #[test]
    fn every_alert_leads_to_its_next_step() {
        let href = |kind| action_of(kind, 7).href;
        assert_eq!(
            href("step_increase_due"),
            "/ho-so/7/van-ban/quyet-dinh-nang-bac-luong"
        );
        assert!(action_of("step_increase_due", 7).download);
        assert_eq!(
            href("retirement_notice"),
            "/ho-so/7/van-ban/thong-bao-nghi-huu"
        );
        assert_eq!(
            href("retirement_decision"),
            "/ho-so/7/trang-thai?loai=nghi_huu"
        );
        assert_eq!(href("contract_ending"), "/ho-so/7/sua/contract");
        assert_eq!(href("verification_pending"), "/xac-thuc");
        assert_eq!(href("record_stale"), "/ho-so/7");
        // Every kind has words of its own, and the record's sections it names exist.
        let schema = hoso_domain::schema::SchemaSet::embedded().latest();
        for kind in KINDS {
            let action = action_of(kind, 7);
            assert!(!action.words.is_empty(), "{kind}");
            if let Some(section) = action.href.strip_prefix("/ho-so/7/sua/") {
                assert!(schema.section(section).is_some(), "{kind}: {section}");
            }
        }
    }
}
