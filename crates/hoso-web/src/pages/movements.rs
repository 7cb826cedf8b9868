//! Movements between units ("Biến động"): the decision form on a record, the receiving unit's
//! inbox, a movement's page with its answer, and the scan of the decision.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use hoso_app::movements::{AnswerMovement, DecisionScan, MovementView, ProposeMovement};
use hoso_app::{App, AppError};
use hoso_domain::movements::MovementKind;
use serde::Deserialize;

use super::record::Opt;
use super::{Layout, PageActor, PageResult, format, render, render_status};
use crate::extract::Client;

pub const INBOX_PATH: &str = "/bien-dong";

pub struct Row {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub kind: String,
    pub from_unit: String,
    pub to_unit: String,
    pub decision: String,
    pub effective: String,
    pub state: String,
    pub state_code: String,
}

/// The movements as listed; both units are named (a party to a movement sees whom it moves
/// between).
async fn rows(app: &App, items: Vec<MovementView>) -> Result<Vec<Row>, super::PageError> {
    let names = app.movement_unit_names(&items).await?;
    let name = |id: i64| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("Đơn vị {id}"))
    };
    Ok(items
        .into_iter()
        .map(|m| Row {
            id: m.id,
            person_id: m.person_id,
            full_name: m.full_name,
            kind: m.kind_label,
            from_unit: name(m.from_unit_id),
            to_unit: name(m.to_unit_id),
            decision: format!(
                "{} ngày {}",
                m.decision_number,
                format::date(&m.decision_date)
            ),
            effective: format::date(&m.effective_date),
            state: m.state_label,
            state_code: m.state,
        })
        .collect())
}

// ───────────────────────────── inbox ─────────────────────────────

#[derive(Template)]
#[template(path = "movements.html")]
struct InboxPage {
    layout: Layout,
    incoming: Vec<Row>,
    outgoing: Vec<Row>,
}

pub async fn inbox(State(app): State<App>, page: PageActor) -> PageResult {
    let inbox = app.movements_to_handle(&page.actor).await?;
    Ok(render(&InboxPage {
        incoming: rows(&app, inbox.incoming).await?,
        outgoing: rows(&app, inbox.outgoing).await?,
        layout: page.layout("Biến động", "movements"),
    }))
}

// ───────────────────────────── one movement ─────────────────────────────

#[derive(Template)]
#[template(path = "movement.html")]
struct MovementPage {
    layout: Layout,
    m: Row,
    signer: String,
    position: String,
    note: String,
    answer_note: String,
    scan_name: Option<String>,
    version: Option<i64>,
    /// The receiving unit may accept or refuse it.
    may_answer: bool,
    /// The sending unit may withdraw it.
    may_cancel: bool,
    /// Either unit's HR officers print its decision and hand-over record.
    may_print: bool,
    notice: Option<String>,
    error: Option<String>,
}

async fn movement_page(
    app: &App,
    page: &PageActor,
    id: i64,
    notice: Option<String>,
    error: Option<String>,
) -> Result<MovementPage, super::PageError> {
    let m = app.movement(&page.actor, id).await?;
    let (sending, receiving) = app.movement_sides(&page.actor, id).await?;
    let open = m.state == "proposed" || m.state == "accepted";
    let signer = m.signer.clone();
    let position = m.position.clone().unwrap_or_default();
    let note = m.note.clone().unwrap_or_default();
    let answer_note = m.answer_note.clone().unwrap_or_default();
    let scan_name = m.scan_name.clone();
    let version = m.version;
    let may_answer = receiving && m.state == "proposed";
    let row = rows(app, vec![m]).await?.remove(0);
    Ok(MovementPage {
        layout: page.layout(format!("Biến động — {}", row.full_name), "movements"),
        m: row,
        signer,
        position,
        note,
        answer_note,
        scan_name,
        version,
        may_answer,
        may_cancel: sending && open,
        may_print: sending || receiving,
        notice,
        error,
    })
}

pub async fn show(State(app): State<App>, page: PageActor, Path(id): Path<i64>) -> PageResult {
    Ok(render(&movement_page(&app, &page, id, None, None).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    accept: String,
    #[serde(default)]
    note: String,
}

pub async fn answer(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<AnswerForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let accept = f.accept == "1";
    let input = AnswerMovement {
        accept,
        note: Some(f.note),
    };
    match app.answer_movement(&page.actor, id, input, &client).await {
        Ok(m) => {
            let notice = if accept {
                format!("Đã tiếp nhận. {}.", m.state_label)
            } else {
                "Đã từ chối tiếp nhận; đơn vị gửi được báo lý do.".to_string()
            };
            Ok(render(
                &movement_page(&app, &page, id, Some(notice), None).await?,
            ))
        }
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_) | AppError::Invalid(_))) => {
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &movement_page(&app, &page, id, None, Some(e.to_string())).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
}

pub async fn cancel(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    match app.cancel_movement(&page.actor, id, &client).await {
        Ok(_) => Ok(render(
            &movement_page(&app, &page, id, Some("Đã hủy quyết định.".into()), None).await?,
        )),
        Err(e @ AppError::Conflict(_)) => Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &movement_page(&app, &page, id, None, Some(e.to_string())).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn scan(State(app): State<App>, page: PageActor, Path(id): Path<i64>) -> PageResult {
    let (name, media, bytes) = app.movement_scan(&page.actor, id).await?;
    Ok(crate::api::changes::file_response(&media, &name, bytes))
}

// ───────────────────────────── the decision form ─────────────────────────────

#[derive(Template)]
#[template(path = "movement_form.html")]
struct FormPage {
    layout: Layout,
    person_id: i64,
    name: String,
    unit_name: String,
    kinds: Vec<Opt>,
    units: Vec<Opt>,
    f: HashMap<String, String>,
    error: Option<String>,
    history: Vec<Row>,
}

impl FormPage {
    fn value(&self, key: &str) -> &str {
        self.f.get(key).map(String::as_str).unwrap_or_default()
    }
}

async fn form_page(
    app: &App,
    page: &PageActor,
    client: &hoso_app::ClientInfo,
    person_id: i64,
    f: HashMap<String, String>,
    error: Option<String>,
) -> Result<FormPage, super::PageError> {
    let view = app.get_person(&page.actor, person_id, client).await?;
    let name = app
        .schemas()
        .latest()
        .role_text(&view.record, hoso_domain::schema::FieldRole::DisplayName)
        .unwrap_or_default()
        .to_string();
    let chosen_kind = f.get("kind").cloned().unwrap_or_default();
    let kinds = MovementKind::ALL
        .into_iter()
        .map(|k| Opt {
            value: k.as_str().into(),
            label: k.label_vi().into(),
            selected: k.as_str() == chosen_kind,
        })
        .collect();
    let chosen_unit = f.get("to_unit_id").and_then(|u| u.parse().ok());
    let destinations = app.movement_destinations(&page.actor).await?;
    let mut units = vec![Opt {
        value: String::new(),
        label: "— Chọn đơn vị nhận —".into(),
        selected: chosen_unit.is_none(),
    }];
    units.extend(super::admin_accounts::unit_opts(&destinations, chosen_unit));
    let history = rows(app, app.movements_of_person(&page.actor, person_id).await?).await?;
    Ok(FormPage {
        layout: page.layout(format!("Điều chuyển — {name}"), "movements"),
        person_id,
        name,
        unit_name: view.unit_name,
        kinds,
        units,
        f,
        error,
        history,
    })
}

pub async fn form(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
) -> PageResult {
    app.require_movement_rights(&page.actor, id, &client)
        .await?;
    let mut f = HashMap::new();
    let today = format::date(&app.today().to_string());
    f.insert("decision_date".to_string(), today.clone());
    f.insert("effective_date".to_string(), today);
    Ok(render(&form_page(&app, &page, &client, id, f, None).await?))
}

pub async fn submit(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let form = form.map_err(|_| AppError::BadRequest("Biểu mẫu không hợp lệ.".into()))?;
    let (fields, file) = super::changes::read_form(form).await?;
    page.check_csrf(fields.get("_csrf").map(String::as_str))?;
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let to_unit_id = get("to_unit_id").trim().parse::<i64>().unwrap_or(0);
    let input = ProposeMovement {
        kind: get("kind"),
        to_unit_id,
        decision_number: get("decision_number"),
        decision_date: get("decision_date"),
        signer: get("signer"),
        effective_date: get("effective_date"),
        position: Some(get("position")),
        note: Some(get("note")),
    };
    let scan = file.map(|(file_name, bytes)| DecisionScan { file_name, bytes });
    let result = if to_unit_id == 0 {
        Err(AppError::BadRequest("Phải chọn đơn vị nhận.".into()))
    } else {
        app.propose_movement(&page.actor, id, input, scan, &client)
            .await
    };
    match result {
        Ok(m) => Ok(Redirect::to(&format!("{INBOX_PATH}/{}", m.id)).into_response()),
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_) | AppError::Invalid(_))) => {
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&app, &page, &client, id, fields, Some(e.to_string())).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
