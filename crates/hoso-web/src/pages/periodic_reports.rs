//! Periodic reports (báo cáo định kỳ): each agency's and the Sở's reports of the regulation in
//! force, with their due dates, whether each was sent on time, late, is overdue or running, and
//! the form an agency's HR officer records its report sent with. Searchable by unit, filtered by
//! state, sortable by a link, paged, downloadable as XLSX or CSV; works without script.

use crate::extract::Query;
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hoso_app::periodic_reports::{
    PeriodicReportQuery, PeriodicReportRow, PeriodicReportView, PeriodicReports, RecordReportSent,
    SignReport,
};
use hoso_app::{App, AppError};
use hoso_domain::collation::text_sort_key;
use hoso_export::{Cell, Column, Table};
use serde::Deserialize;

use super::{Layout, PageActor, PageError, PageResult, format, render, render_status};
use crate::download;
use crate::extract::Client;

pub const PATH: &str = "/bao-cao-dinh-ky";
pub const EXPORT_PATH: &str = "/bao-cao-dinh-ky/xuat-excel";
pub const RECORD_PATH: &str = "/bao-cao-dinh-ky/ghi-nhan";
pub const SHOW_PATH: &str = "/bao-cao-dinh-ky/{id}";
pub const SIGN_PATH: &str = "/bao-cao-dinh-ky/{id}/ky";

const PER_PAGE: usize = 50;

/// The columns a reader may sort by: (code, header).
const SORTS: [(&str, &str); 4] = [
    ("due", "Hạn"),
    ("unit", "Đơn vị gửi"),
    ("report", "Báo cáo"),
    ("state", "Tình trạng"),
];

/// The states a reader may filter by: (code, label).
const STATES: [(&str, &str); 6] = [
    ("open", "Chưa gửi"),
    ("overdue", "Quá hạn, chưa gửi"),
    ("due_soon", "Sắp đến hạn (10 ngày làm việc)"),
    ("running", "Chưa đến hạn"),
    ("on_time", "Đã gửi đúng hạn"),
    ("late", "Đã gửi trễ hạn"),
];

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    sort: String,
    /// Descending when "desc".
    #[serde(default)]
    dir: String,
    page: Option<usize>,
    /// xlsx (default) or csv, for the download.
    format: Option<String>,
    loi: Option<String>,
    xong: Option<String>,
    ky: Option<String>,
}

impl Params {
    fn query(&self) -> PeriodicReportQuery {
        let given = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        PeriodicReportQuery {
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
            &[("q", self.q.as_str()), ("state", self.state.as_str())],
            (sort, "due"),
            desc,
            page,
        )
    }
}

/// Open reports first when sorting by state: overdue, running, then late and on time.
fn state_rank(state: &str) -> u8 {
    match state {
        "overdue" => 0,
        "running" => 1,
        "late" => 2,
        _ => 3,
    }
}

fn sorted(mut list: PeriodicReports, sort: &str, desc: bool) -> PeriodicReports {
    // Stable: rows equal under the chosen column keep the list's order (due date, rule, tree).
    list.rows.sort_by(|a, b| {
        let order = match sort {
            "unit" => text_sort_key(&a.unit_name).cmp(&text_sort_key(&b.unit_name)),
            "report" => text_sort_key(&a.rule_name).cmp(&text_sort_key(&b.rule_name)),
            "state" => state_rank(&a.state).cmp(&state_rank(&b.state)),
            _ => a.due.cmp(&b.due),
        };
        if desc { order.reverse() } else { order }
    });
    list
}

pub struct Row {
    pub rule_id: String,
    pub rule: String,
    pub legal_basis: String,
    pub time_limit: String,
    pub unit_id: i64,
    pub unit: String,
    pub year: i32,
    pub due: String,
    pub state: String,
    pub state_label: String,
    /// "12/BC-SYT, gửi ngày 14/01/2027 (Nguyễn Văn A ghi nhận)".
    pub sent: String,
    pub may_record: bool,
    /// The recorded report's page (its manifest, its signature).
    pub submission: Option<i64>,
    /// "Đã ký số" with the signer, once signed.
    pub signed: String,
    pub may_sign: bool,
}

impl From<PeriodicReportRow> for Row {
    fn from(r: PeriodicReportRow) -> Self {
        let sent = match (&r.reference, &r.sent_on) {
            (Some(reference), Some(on)) => {
                let by = r
                    .recorded_by
                    .as_deref()
                    .map(|b| format!(" ({b} ghi nhận)"))
                    .unwrap_or_default();
                let note = r
                    .note
                    .as_deref()
                    .map(|n| format!(" — {n}"))
                    .unwrap_or_default();
                format!("{reference}, gửi ngày {}{by}{note}", format::date(on))
            }
            _ => String::new(),
        };
        Row {
            rule_id: r.rule_id,
            rule: r.rule_name,
            legal_basis: r.legal_basis,
            time_limit: r.time_limit,
            unit_id: r.unit_id,
            unit: r.unit_name,
            due: format::date(&r.due),
            year: r.year,
            state: r.state,
            state_label: r.state_label,
            sent,
            may_record: r.may_record,
            submission: r.submission_id,
            signed: r
                .signed_by
                .as_deref()
                .map(|s| format!("Đã ký số: {s}"))
                .unwrap_or_default(),
            may_sign: r.may_sign,
        }
    }
}

pub struct StateOption {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "periodic_reports.html")]
struct ListPage {
    layout: Layout,
    q: String,
    states: Vec<StateOption>,
    as_of: String,
    headers: Vec<super::SortHeader>,
    rows: Vec<Row>,
    total: usize,
    overdue: usize,
    due_soon: usize,
    today: String,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    export: String,
    error: Option<String>,
    done: Option<String>,
}

fn headers(p: &Params) -> Vec<super::SortHeader> {
    super::sort_headers(&SORTS, (p.sort(), p.descending()), |code, desc| {
        p.url(PATH, Some((code, desc)), None)
    })
}

pub async fn page(State(app): State<App>, page: PageActor, Query(p): Query<Params>) -> PageResult {
    let list = app.periodic_reports(&page.actor, &p.query()).await?;
    let list = sorted(list, p.sort(), p.descending());
    let total = list.rows.len();
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
    Ok(render(&ListPage {
        layout: page.layout("Báo cáo định kỳ", "periodic"),
        q: p.q.clone(),
        states: STATES
            .iter()
            .map(|(code, label)| StateOption {
                code,
                label,
                selected: p.state == *code,
            })
            .collect(),
        as_of: format::date(&list.as_of),
        headers: headers(&p),
        overdue: list.overdue,
        due_soon: list.due_soon,
        today: format::date(&app.today().to_string()),
        rows: list
            .rows
            .into_iter()
            .skip((current - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(Row::from)
            .collect(),
        total,
        page: current,
        pages,
        prev: (current > 1).then(|| p.url(PATH, None, Some(current - 1))),
        next: (current < pages).then(|| p.url(PATH, None, Some(current + 1))),
        export: p.url(EXPORT_PATH, None, None),
        error: flash("loi"),
        done: flash("xong"),
    }))
}

/// The list of the current filter, in the current order, as an Excel or CSV file.
pub async fn export(
    State(app): State<App>,
    page: PageActor,
    Query(p): Query<Params>,
) -> Result<Response, PageError> {
    let format = download::format_of(p.format.as_deref())?;
    let list = app.periodic_reports(&page.actor, &p.query()).await?;
    let list = sorted(list, p.sort(), p.descending());
    let mut table = Table::new(
        "Báo cáo định kỳ",
        vec![
            Column::new("STT", 6.0),
            Column::new("Báo cáo", 50.0),
            Column::new("Căn cứ", 30.0),
            Column::new("Đơn vị gửi", 30.0),
            Column::new("Hạn", 12.0),
            Column::new("Tình trạng", 24.0),
            Column::new("Ngày gửi", 12.0),
            Column::new("Số, ký hiệu văn bản", 18.0),
            Column::new("Ghi chú", 30.0),
            Column::new("Chữ ký số của thủ trưởng", 30.0),
        ],
    );
    for (n, r) in list.rows.iter().enumerate() {
        table.push(vec![
            Cell::Integer(n as i64 + 1),
            Cell::text(r.rule_name.clone()),
            Cell::text(r.legal_basis.clone()),
            Cell::text(r.unit_name.clone()),
            Cell::text(format::date(&r.due)),
            Cell::text(r.state_label.clone()),
            Cell::text(r.sent_on.as_deref().map(format::date).unwrap_or_default()),
            Cell::text(r.reference.clone().unwrap_or_default()),
            Cell::text(r.note.clone().unwrap_or_default()),
            Cell::text(r.signed_by.clone().unwrap_or_default()),
        ]);
    }
    table.notes.push(format!(
        "Tình trạng đến ngày {}; số ngày trễ, còn lại tính theo ngày làm việc.",
        format::date(&list.as_of)
    ));
    Ok(download::file(table, format, "bao-cao-dinh-ky", false).await?)
}

#[derive(Debug, Deserialize)]
pub struct RecordForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    rule_id: String,
    year: i32,
    unit_id: i64,
    #[serde(default)]
    sent_on: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    note: String,
}

/// Records a unit's report sent, and goes back to the list with what was done or why not.
pub async fn record(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<RecordForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let input = RecordReportSent {
        rule_id: f.rule_id,
        year: f.year,
        unit_id: f.unit_id,
        sent_on: if f.sent_on.trim().is_empty() {
            String::new()
        } else {
            format::typed_day(&f.sent_on)
        },
        reference: f.reference,
        note: Some(f.note),
    };
    let result = app
        .record_report_sent(&page.actor, &input, &client)
        .await
        .map(|row| {
            format!(
                "Đã ghi nhận báo cáo «{}» của {} (hạn {}): {}.",
                row.rule_name,
                row.unit_name,
                format::date(&row.due),
                row.state_label.to_lowercase()
            )
        });
    super::back_with_message(&page, PATH, result)
}

/// One line of a report's headcount, as shown.
pub struct HeadcountShown {
    pub code: String,
    pub label: String,
    pub count: String,
}

#[derive(Template)]
#[template(path = "periodic_report.html")]
struct ShowPage {
    layout: Layout,
    id: i64,
    title: String,
    unit: String,
    unit_id: i64,
    legal_basis: String,
    due: String,
    sent_on: String,
    reference: String,
    note: String,
    recorded: String,
    counted_on: String,
    lines: Vec<HeadcountShown>,
    total: String,
    sha256: String,
    signed: Option<String>,
    may_sign: bool,
    has_manifest: bool,
    error: Option<String>,
    done: bool,
}

fn show_page(
    page: &PageActor,
    v: PeriodicReportView,
    error: Option<String>,
    done: bool,
) -> ShowPage {
    let m = v.manifest.as_ref();
    let text = |f: fn(&hoso_domain::periodic_reports::ReportManifest) -> &str| {
        m.map(f).unwrap_or_default().to_string()
    };
    ShowPage {
        layout: page.layout("Báo cáo định kỳ", "periodic"),
        id: v.id,
        title: text(|m| &m.rule_name),
        unit: text(|m| &m.unit_name),
        unit_id: m.map_or(0, |m| m.unit_id),
        legal_basis: text(|m| &m.legal_basis),
        due: format::date(&text(|m| &m.due)),
        sent_on: format::date(&text(|m| &m.sent_on)),
        reference: text(|m| &m.reference),
        note: v.note.clone().unwrap_or_default(),
        recorded: format!(
            "{}{}",
            v.recorded_by.clone().unwrap_or_default(),
            m.map(|m| format!(", {}", format::instant(m.recorded_at)))
                .unwrap_or_default()
        ),
        counted_on: format::date(&text(|m| &m.counted_on)),
        lines: m
            .map(|m| {
                m.headcount
                    .iter()
                    .map(|l| HeadcountShown {
                        code: l.code.clone(),
                        label: l.label.clone(),
                        count: format::thousands(l.count),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        total: format::thousands(m.map_or(0, |m| m.total)),
        sha256: v.manifest_sha256.clone().unwrap_or_default(),
        signed: v.signed_by.as_ref().map(|s| {
            format!(
                "{s}, lúc {}",
                v.signed_at.map(format::instant).unwrap_or_default()
            )
        }),
        may_sign: v.may_sign,
        has_manifest: m.is_some(),
        error,
        done,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowParams {
    da_ky: Option<String>,
}

/// A recorded report: what it said (the headcount by ngạch that day), and its head's
/// signature or the form to sign it with.
pub async fn show(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Query(p): Query<ShowParams>,
) -> PageResult {
    let view = app.periodic_report(&page.actor, id, &client).await?;
    Ok(render(&show_page(&page, view, None, p.da_ky.is_some())))
}

/// The head signs a recorded report with a key file or a signature made outside; the page
/// again with the reason when it is refused.
pub async fn sign(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let form = form.map_err(|_| AppError::BadRequest("Biểu mẫu ký số không hợp lệ.".into()))?;
    let (fields, file) = match super::changes::read_form(form).await {
        Ok(r) => r,
        Err(e) => return refused(&app, &page, &client, id, e.to_string()).await,
    };
    page.check_csrf(fields.get("_csrf").map(String::as_str))?;
    let (signature, pkcs12, password) = super::changes::signature_fields(&fields, file);
    // Nothing chosen is told by the use case, after the rights.
    let input = SignReport {
        signature,
        pkcs12,
        password,
    };
    match app
        .sign_periodic_report(&page.actor, id, input, &client)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{PATH}/{id}?da_ky=1")).into_response()),
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_))) => {
            refused(&app, &page, &client, id, e.to_string()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The report's page again, with why it was not signed.
async fn refused(
    app: &App,
    page: &PageActor,
    client: &hoso_app::ClientInfo,
    id: i64,
    error: String,
) -> PageResult {
    let view = app.periodic_report(&page.actor, id, client).await?;
    // Only those who may sign it hear why a signature was not taken.
    if !view.may_sign && view.signed_by.is_none() {
        return Err(AppError::Forbidden.into());
    }
    Ok(render_status(
        StatusCode::BAD_REQUEST,
        &show_page(page, view, Some(error), false),
    ))
}
