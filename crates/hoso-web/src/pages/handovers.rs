//! Records crossing the province's border. `/ho-so/{id}/ban-giao`: a record's hand-overs (the
//! package handed over or received, downloadable; a received record's history as it came; the
//! receiving unit's confirmation), and for a person transferred out of the province the form
//! that hands the record over. `/tiep-nhan-ngoai-tinh`: receiving a person from outside with
//! the signed package their former agency handed over.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use hoso_app::handovers::{HandOver, HandoverView, ReceivePackage, ReportToSo, package_file_name};
use hoso_app::{App, AppError, Capability};

use super::admin_accounts::unit_opts;
use super::record::Opt;
use super::templates::CsrfForm;
use super::{Layout, PageActor, PageError, PageResult, format, render, render_status};
use crate::extract::{Client, Query};

pub const RECEIVE_PATH: &str = "/tiep-nhan-ngoai-tinh";

pub struct Line {
    pub id: i64,
    pub direction: String,
    pub outgoing: bool,
    pub counterpart: String,
    pub decision: String,
    pub effective: String,
    pub package: String,
    pub signer: String,
    pub recorded: String,
    pub confirmed: bool,
    /// "dd/mm/yyyy, văn bản số …" once reported to the Sở Nội vụ.
    pub reported: Option<String>,
    /// A received record's versions before it came here: (version, date, source).
    pub history: Vec<(i64, String, String)>,
    pub history_error: Option<String>,
}

#[derive(Template)]
#[template(path = "handovers.html")]
struct HandoversPage {
    layout: Layout,
    person_id: i64,
    name: String,
    status_label: String,
    /// The person left the province and the caller keeps the record: the form is shown.
    may_hand_over: bool,
    lines: Vec<Line>,
    today: String,
    counterpart: String,
    note: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Params {
    #[serde(default)]
    ok: String,
}

async fn lines(app: &App, page: &PageActor, handovers: Vec<HandoverView>) -> Vec<Line> {
    let mut out = Vec::new();
    for h in handovers {
        let (history, history_error) = if h.direction == "in" {
            match app.received_history(&page.actor, h.id).await {
                Ok(v) => (
                    v.into_iter()
                        .map(|v| (v.version, format::instant(v.created_at), v.source))
                        .collect(),
                    None,
                ),
                Err(e) => (Vec::new(), Some(e.to_string())),
            }
        } else {
            (Vec::new(), None)
        };
        out.push(Line {
            id: h.id,
            outgoing: h.direction == "out",
            direction: h.direction_label,
            counterpart: h.counterpart,
            decision: format!(
                "{} ngày {}",
                h.decision_number,
                format::date(&h.decision_date)
            ),
            reported: h.reported_on.as_deref().map(|d| {
                format!(
                    "{}, văn bản số {}",
                    format::date(d),
                    h.report_ref.clone().unwrap_or_default()
                )
            }),
            effective: format::date(&h.effective_date),
            package: format!(
                "{} phiên bản, phiên bản đã ký số {} (mã băm {}…)",
                h.versions_in_package,
                h.origin_version,
                &h.package_sha256[..12.min(h.package_sha256.len())]
            ),
            signer: h.signer_subject,
            recorded: format::instant(h.created_at),
            confirmed: h.confirmed,
            history,
            history_error,
        });
    }
    out
}

async fn handovers_page(
    app: &App,
    page: &PageActor,
    person_id: i64,
    f: &HashMap<String, String>,
    error: Option<String>,
    notice: Option<String>,
) -> Result<HandoversPage, PageError> {
    let record = app.handovers_of(&page.actor, person_id).await?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    Ok(HandoversPage {
        layout: page.layout(
            format!("Bàn giao, tiếp nhận hồ sơ — {}", record.full_name),
            "staff",
        ),
        person_id,
        name: record.full_name,
        status_label: format::status(&record.status),
        may_hand_over: record.may_hand_over,
        lines: lines(app, page, record.handovers).await,
        today: format::date(&app.today().to_string()),
        counterpart: get("counterpart"),
        note: get("note"),
        error,
        notice,
    })
}

pub async fn show(
    State(app): State<App>,
    page: PageActor,
    Path(id): Path<i64>,
    Query(p): Query<Params>,
) -> PageResult {
    let notice = match p.ok.as_str() {
        "da-ban-giao" => Some(
            "Đã ghi nhận bàn giao. Tải gói hồ sơ đã ký bên dưới để gửi cơ quan nhận.".to_string(),
        ),
        "da-tiep-nhan" => Some(
            "Đã tiếp nhận hồ sơ từ gói đã ký. Kiểm tra hồ sơ rồi bấm «Xác nhận hồ sơ đã nhận»."
                .to_string(),
        ),
        "da-xac-nhan" => Some("Đã xác nhận hồ sơ tiếp nhận.".to_string()),
        "da-bao-cao" => Some("Đã ghi nhận việc báo cáo Sở Nội vụ.".to_string()),
        _ => None,
    };
    let view = handovers_page(&app, &page, id, &HashMap::new(), None, notice).await?;
    Ok(render(&view))
}

pub async fn hand_over(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(fields): Form<HashMap<String, String>>,
) -> PageResult {
    page.check_csrf(fields.get("_csrf").map(String::as_str))?;
    let input = HandOver {
        counterpart: fields.get("counterpart").cloned().unwrap_or_default(),
        note: fields.get("note").cloned(),
    };
    match app.hand_over(&page.actor, id, input, &client).await {
        Ok(_) => Ok(Redirect::to(&format!("/ho-so/{id}/ban-giao?ok=da-ban-giao")).into_response()),
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_) | AppError::Invalid(_))) => {
            let view = handovers_page(&app, &page, id, &fields, Some(e.to_string()), None).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &view))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn package(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
) -> PageResult {
    let (h, bytes) = app.handover_package(&page.actor, id, &client).await?;
    Ok(crate::api::changes::file_response(
        "application/zip",
        &package_file_name(&h),
        bytes,
    ))
}

pub async fn confirm(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let h = app.confirm_received(&page.actor, id, &client).await?;
    Ok(Redirect::to(&format!("/ho-so/{}/ban-giao?ok=da-xac-nhan", h.person_id)).into_response())
}

#[derive(Template)]
#[template(path = "receive_package.html")]
struct ReceivePage {
    layout: Layout,
    units: Vec<Opt>,
    f: HashMap<String, String>,
    error: Option<String>,
}

impl ReceivePage {
    fn value(&self, key: &str) -> &str {
        self.f.get(key).map(String::as_str).unwrap_or_default()
    }
}

async fn receive_page(
    app: &App,
    page: &PageActor,
    f: HashMap<String, String>,
    error: Option<String>,
) -> Result<ReceivePage, PageError> {
    if !page
        .actor
        .capabilities()
        .may_somewhere(Capability::WriteRecords)
    {
        return Err(AppError::Forbidden.into());
    }
    let units = app.units_to_write(&page.actor).await?;
    let chosen = f.get("unit_id").and_then(|u| u.parse().ok());
    Ok(ReceivePage {
        layout: page.layout("Tiếp nhận hồ sơ từ ngoài tỉnh".to_string(), "movements"),
        units: unit_opts(&units, chosen),
        f,
        error,
    })
}

pub async fn receive_form(State(app): State<App>, page: PageActor) -> PageResult {
    let mut f = HashMap::new();
    let today = format::date(&app.today().to_string());
    f.insert("decision_date".to_string(), today.clone());
    f.insert("effective_date".to_string(), today);
    Ok(render(&receive_page(&app, &page, f, None).await?))
}

pub async fn receive(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let form = form.map_err(|_| AppError::BadRequest("Biểu mẫu tải tệp không hợp lệ.".into()))?;
    let (fields, file) = super::changes::read_form(form).await?;
    page.check_csrf(fields.get("_csrf").map(String::as_str))?;
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let input = ReceivePackage {
        unit_id: get("unit_id").trim().parse().unwrap_or(-1),
        counterpart: get("counterpart"),
        decision_number: get("decision_number"),
        decision_date: get("decision_date"),
        effective_date: get("effective_date"),
        package: file.map(|(_, bytes)| bytes).unwrap_or_default(),
    };
    match app.receive_package(&page.actor, input, &client).await {
        Ok(h) => Ok(
            Redirect::to(&format!("/ho-so/{}/ban-giao?ok=da-tiep-nhan", h.person_id))
                .into_response(),
        ),
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_) | AppError::Invalid(_))) => {
            let view = receive_page(&app, &page, fields, Some(e.to_string())).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &view))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn report(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(fields): Form<HashMap<String, String>>,
) -> PageResult {
    page.check_csrf(fields.get("_csrf").map(String::as_str))?;
    let input = ReportToSo {
        reported_on: fields.get("reported_on").cloned().unwrap_or_default(),
        reference: fields.get("reference").cloned().unwrap_or_default(),
    };
    match app.report_handover(&page.actor, id, input, &client).await {
        Ok(h) => Ok(
            Redirect::to(&format!("/ho-so/{}/ban-giao?ok=da-bao-cao", h.person_id)).into_response(),
        ),
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_) | AppError::Invalid(_))) => {
            let person = app.handover_person(&page.actor, id).await?;
            let view =
                handovers_page(&app, &page, person, &fields, Some(e.to_string()), None).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &view))
        }
        Err(e) => Err(e.into()),
    }
}
