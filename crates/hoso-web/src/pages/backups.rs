//! The backups page (`/quan-tri/sao-luu`): the system administrator sees every backup taken,
//! its size, what it holds, whether a trial restore verified it and how old the last good one
//! is, and can queue one now.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use hoso_app::App;
use hoso_app::backup::BackupView;

use super::templates::CsrfForm;
use super::{Layout, PageActor, PageResult, format, render};
use crate::extract::{Client, Query};

pub const PATH: &str = "/quan-tri/sao-luu";

pub struct BackupRow {
    pub view: BackupView,
    pub started: String,
    pub size: String,
    pub verified: String,
}

#[derive(Template)]
#[template(path = "backups.html")]
struct BackupsPage {
    layout: Layout,
    rows: Vec<BackupRow>,
    configured: bool,
    destination: String,
    last_good: String,
    warning: Option<String>,
    notice: Option<&'static str>,
    path: &'static str,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Params {
    #[serde(default)]
    ok: String,
}

/// "12,4 MB".
fn size(bytes: Option<i64>) -> String {
    bytes.map_or_else(String::new, |b| {
        format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)).replace('.', ",")
    })
}

pub async fn list(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(p): Query<Params>,
) -> PageResult {
    let overview = app.backups(&page.actor, &client).await?;
    let rows = overview
        .backups
        .into_iter()
        .map(|view| BackupRow {
            started: format::instant(view.started_at),
            size: size(view.size_bytes),
            verified: match (view.verify_status.as_deref(), view.verified_at) {
                (Some("passed"), Some(at)) => format!("Đạt ({})", format::instant(at)),
                (Some(_), Some(at)) => format!("KHÔNG ĐẠT ({})", format::instant(at)),
                _ => "Chưa kiểm tra".into(),
            },
            view,
        })
        .collect();
    Ok(render(&BackupsPage {
        layout: page.layout("Sao lưu", "backups"),
        rows,
        configured: overview.configured,
        destination: overview.destination,
        last_good: overview
            .last_good_at
            .map(format::instant)
            .unwrap_or_default(),
        warning: overview.warning,
        notice: match p.ok.as_str() {
            "da-xep-lich" => Some("Đã xếp lịch sao lưu; xem tiến độ ở trang Việc nền."),
            "da-xep-lich-kiem-tra" => Some(
                "Đã xếp lịch khôi phục thử bản sao lưu; kết quả hiện ở cột Khôi phục thử khi xong (tiến độ ở trang Việc nền).",
            ),
            _ => None,
        },
        path: PATH,
    }))
}

/// Queues a backup now; the job runner takes it.
pub async fn request(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    app.request_backup(&page.actor, &client).await?;
    Ok(Redirect::to(&format!("{PATH}?ok=da-xep-lich")).into_response())
}

/// Queues a trial restore of one stored backup; the result goes on its row.
pub async fn verify(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    app.request_backup_verification(&page.actor, id, &client)
        .await?;
    Ok(Redirect::to(&format!("{PATH}?ok=da-xep-lich-kiem-tra")).into_response())
}
