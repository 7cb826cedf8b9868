//! Background jobs (việc nền), for the system administrator: the runs of the job queue with
//! their progress, attempts and errors, filtered by status and kind; a failed run is queued
//! again, a waiting one cancelled. While a run waits or runs, the list refreshes itself (htmx).
//! The use cases refuse anyone else.

use crate::extract::Query;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use hoso_app::App;
use hoso_app::jobs::{JobKind, JobQuery, JobStatus, JobView, status_label};
use serde::Deserialize;

use super::auth::CsrfForm;
use super::record::Opt;
use super::{Layout, PageActor, PageResult, format, is_htmx, render};
use crate::extract::Client;

pub const PATH: &str = "/quan-tri/cong-viec";
const PER_PAGE: i64 = 25;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    trang_thai: String,
    #[serde(default)]
    loai: String,
    page: Option<i64>,
    #[serde(default)]
    ok: String,
}

pub struct JobRow {
    pub id: i64,
    pub kind_label: String,
    pub status_label: String,
    /// The badge's look: failed runs stand out.
    pub warn: bool,
    pub running: bool,
    /// (done, total) once the total is known; while running without it, the bar is
    /// indeterminate.
    pub bar: Option<(i64, i64)>,
    pub progress_text: String,
    pub attempts: String,
    pub created: String,
    pub started: String,
    pub finished: String,
    /// When a queued retry becomes due (after its back-off).
    pub due: String,
    pub result: String,
    pub error: String,
    pub can_retry: bool,
    pub can_cancel: bool,
}

fn time_or_dash(ms: Option<i64>) -> String {
    ms.map(format::instant).unwrap_or_else(|| "—".into())
}

impl From<JobView> for JobRow {
    fn from(j: JobView) -> JobRow {
        let progress_text = match (j.progress_total, j.progress_note) {
            (_, Some(note)) => note,
            (Some(total), None) => format!(
                "{}/{}",
                format::thousands(j.progress_done),
                format::thousands(total)
            ),
            (None, None) => String::new(),
        };
        let due = if j.status == JobStatus::Queued.as_str() && j.attempts > 0 {
            format!("Thử lại lúc {}", format::instant(j.run_after))
        } else {
            String::new()
        };
        JobRow {
            id: j.id,
            kind_label: j.kind_label,
            warn: j.status == JobStatus::Failed.as_str(),
            running: j.status == JobStatus::Running.as_str(),
            status_label: j.status_label,
            bar: j
                .progress_total
                .filter(|t| *t > 0)
                .map(|t| (j.progress_done.min(t), t)),
            progress_text,
            attempts: format!("{}/{}", j.attempts, j.max_attempts),
            created: format::instant(j.created_at),
            started: time_or_dash(j.started_at),
            finished: time_or_dash(j.finished_at),
            due,
            result: j.result.unwrap_or_default(),
            error: j.error.unwrap_or_default(),
            can_retry: j.can_retry,
            can_cancel: j.can_cancel,
        }
    }
}

#[derive(Template)]
#[template(path = "jobs_results.html")]
struct Results {
    rows: Vec<JobRow>,
    total: String,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    /// This list, for the self-refresh while a run waits or runs.
    refresh: Option<String>,
    csrf: String,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct ListPage {
    layout: Layout,
    statuses: Vec<Opt>,
    kinds: Vec<Opt>,
    notice: Option<&'static str>,
    results: Results,
}

fn list_url(status: &str, kind: &str, page: i64) -> String {
    let mut parts = vec![];
    if !status.is_empty() {
        parts.push(format!("trang_thai={}", format::url_encode(status)));
    }
    if !kind.is_empty() {
        parts.push(format!("loai={}", format::url_encode(kind)));
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    if parts.is_empty() {
        PATH.to_string()
    } else {
        format!("{PATH}?{}", parts.join("&"))
    }
}

pub async fn list(
    State(app): State<App>,
    page: PageActor,
    headers: HeaderMap,
    Query(lq): Query<ListQuery>,
) -> PageResult {
    let current = lq.page.unwrap_or(1).max(1);
    let found = app
        .list_jobs(
            &page.actor,
            JobQuery {
                status: Some(lq.trang_thai.clone()),
                kind: Some(lq.loai.clone()),
                page: Some(current),
                per_page: Some(PER_PAGE),
            },
        )
        .await?;
    let pages = ((found.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let active = found
        .items
        .iter()
        .any(|j| j.status == JobStatus::Running.as_str() || j.status == JobStatus::Queued.as_str());
    let results = Results {
        rows: found.items.into_iter().map(JobRow::from).collect(),
        total: format::thousands(found.total),
        page: current,
        pages,
        prev: (current > 1).then(|| list_url(&lq.trang_thai, &lq.loai, current - 1)),
        next: (current < pages).then(|| list_url(&lq.trang_thai, &lq.loai, current + 1)),
        refresh: active.then(|| list_url(&lq.trang_thai, &lq.loai, current)),
        csrf: page.csrf.clone(),
    };
    if is_htmx(&headers) {
        return Ok(render(&results));
    }
    let statuses = JobStatus::ALL
        .into_iter()
        .map(|s| Opt {
            value: s.as_str().into(),
            label: status_label(s).into(),
            selected: s.as_str() == lq.trang_thai,
        })
        .collect();
    let kinds = JobKind::ALL
        .into_iter()
        .map(|k| Opt {
            value: k.code().into(),
            label: k.label_vi().into(),
            selected: k.code() == lq.loai,
        })
        .collect();
    Ok(render(&ListPage {
        layout: page.layout("Việc nền", "jobs"),
        statuses,
        kinds,
        notice: match lq.ok.as_str() {
            "chay-lai" => Some("Đã đưa việc vào hàng chờ để chạy lại."),
            "huy" => Some("Đã hủy việc."),
            _ => None,
        },
        results,
    }))
}

pub async fn retry(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    app.retry_job(&page.actor, id, &client).await?;
    Ok(Redirect::to(&format!("{PATH}?ok=chay-lai")).into_response())
}

pub async fn cancel(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    app.cancel_job(&page.actor, id, &client).await?;
    Ok(Redirect::to(&format!("{PATH}?ok=huy")).into_response())
}
