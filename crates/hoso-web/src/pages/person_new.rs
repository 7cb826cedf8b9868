//! "Thêm hồ sơ": creating a record from the pages. The form holds a unit chooser (units the
//! officer may write in) and, for every single-value section of the schema, the fields a new
//! record must have (required, and required under conditions); the rest is filled in later
//! from the record page. Errors appear next to their fields and the input is kept.
//!
//! Double submission: each form carries a one-time token, claimed in the database
//! ([`App::create_once`], so it holds across nodes). The first request with it creates the
//! record; a repeated one (double click, reload, a retry after a slow answer) is sent to the
//! record already created, or told the first is still being saved. The số định danh being
//! unique is the last line of defence (the use case refuses a second record for it).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hoso_app::idempotency::Once;
use hoso_app::records::CreatePerson;
use hoso_app::{App, AppError, Capability};
use hoso_domain::schema::{RecordDoc, Requirement, Section};
use rand::RngCore;
use serde_json::Value;

use super::admin_accounts::unit_opts;
use super::record::{Input, Opt, Raw, editable, first, inputs_for, section_object};
use super::{Layout, PageActor, PageError, PageResult, render, render_status};
use crate::extract::Client;

pub const PATH: &str = "/ho-so/moi";

fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub struct SectionInputs {
    pub label: String,
    pub inputs: Vec<Input>,
    /// The personnel categories the section is about (space-separated; empty = all) and the
    /// input that chooses the category: the page folds away a section that does not apply.
    pub applies_to: String,
    pub category_input: String,
}

#[derive(Template)]
#[template(path = "person_new.html")]
struct NewPage {
    layout: Layout,
    token: String,
    units: Vec<Opt>,
    unit_error: Option<String>,
    sections: Vec<SectionInputs>,
    errors: Vec<String>,
    /// Every field's message, linking to it (the unit first).
    field_errors: Vec<(String, String)>,
    has_errors: bool,
    /// A record for this số định danh already exists (and the caller may open it).
    existing: Option<i64>,
}

/// The single-value sections with the fields a new record needs.
fn form_sections(app: &App) -> Vec<(&'static Section, Vec<String>)> {
    app.schemas()
        .latest()
        .sections
        .iter()
        .filter(|s| !s.repeating)
        .filter_map(|s| {
            let fields: Vec<String> = s
                .fields
                .iter()
                .filter(|f| editable(f) && !f.system)
                .filter(|f| matches!(f.required, Requirement::Yes | Requirement::Conditional))
                .map(|f| f.id.clone())
                .collect();
            (!fields.is_empty()).then_some((s, fields))
        })
        .collect()
}

fn section_inputs(app: &App, raw: &Raw, errors: &HashMap<String, String>) -> Vec<SectionInputs> {
    let catalogs = app.catalogs();
    let category_input = app
        .schemas()
        .latest()
        .role_field(hoso_domain::schema::FieldRole::PersonnelCategory)
        .map(|(s, f)| format!("{}.{}", s.id, f.id))
        .unwrap_or_default();
    form_sections(app)
        .into_iter()
        .map(|(section, fields)| {
            let prefix = format!("{}.", section.id);
            let inputs = inputs_for(section, raw, &prefix, &catalogs, errors)
                .into_iter()
                .filter(|i| {
                    i.name
                        .strip_prefix(&prefix)
                        .is_some_and(|f| fields.iter().any(|x| x == f))
                })
                .collect();
            SectionInputs {
                label: section.label.clone(),
                inputs,
                applies_to: section.applies_to.join(" "),
                category_input: category_input.clone(),
            }
        })
        .collect()
}

async fn page_view(
    app: &App,
    page: &PageActor,
    token: String,
    raw: &Raw,
    errors: HashMap<String, String>,
    other: Vec<String>,
) -> Result<NewPage, PageError> {
    let units = app.units_to_write(&page.actor).await?;
    // A single unit to choose from is chosen already.
    let chosen: Option<i64> = first(raw, "_unit")
        .parse()
        .ok()
        .or_else(|| (units.len() == 1).then(|| units[0].id));
    let unit_error = errors.get("_unit").cloned();
    let sections = section_inputs(app, raw, &errors);
    let has_errors = !other.is_empty()
        || unit_error.is_some()
        || sections
            .iter()
            .any(|s| s.inputs.iter().any(|i| i.error.is_some()));
    let field_errors = unit_error
        .iter()
        .map(|m| {
            (
                "f-unit".to_string(),
                format!("Cơ quan, đơn vị sử dụng: {m}"),
            )
        })
        .chain(super::record::error_links(
            sections.iter().flat_map(|s| s.inputs.iter()),
        ))
        .collect();
    Ok(NewPage {
        layout: page.layout("Thêm hồ sơ", "staff"),
        token,
        units: unit_opts(&units, chosen),
        unit_error,
        sections,
        field_errors,
        errors: other,
        has_errors,
        existing: None,
    })
}

/// Only accounts that may change records get the form; the use case decides in the end.
fn may_create(page: &PageActor) -> Result<(), PageError> {
    if !page
        .actor
        .capabilities()
        .may_somewhere(Capability::WriteRecords)
    {
        return Err(AppError::Forbidden.into());
    }
    Ok(())
}

pub async fn form(State(app): State<App>, page: PageActor) -> PageResult {
    may_create(&page)?;
    let view = page_view(
        &app,
        &page,
        new_token(),
        &Raw::new(),
        HashMap::new(),
        vec![],
    )
    .await?;
    Ok(render(&view))
}

pub async fn submit(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let mut raw = Raw::new();
    for (k, v) in pairs {
        raw.entry(k).or_default().push(v);
    }
    page.check_csrf(raw.get("_csrf").and_then(|v| v.first()).map(String::as_str))?;
    may_create(&page)?;
    let token = first(&raw, "_token").to_string();
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(PageError::App(AppError::BadRequest(
            "Biểu mẫu thiếu mã chống gửi trùng. Vui lòng tải lại trang “Thêm hồ sơ”.".into(),
        )));
    }
    let once = app
        .create_once(
            &page.actor,
            &token,
            None,
            create(&app, &page, &client, &raw),
        )
        .await;
    match once {
        Ok(Once::Done { person_id, .. }) => Ok(to_record(person_id)),
        Ok(Once::InFlight | Once::Mismatch) => {
            let mut view = page_view(
                &app,
                &page,
                token,
                &raw,
                HashMap::new(),
                vec!["Biểu mẫu này đang được lưu (bạn đã bấm gửi hai lần). Vui lòng chờ giây lát rồi mở danh sách cán bộ để kiểm tra.".into()],
            )
            .await?;
            view.has_errors = true;
            Ok(render_status(StatusCode::CONFLICT, &view))
        }
        Err(e) => failure(&app, &page, token, &raw, e).await,
    }
}

fn to_record(id: i64) -> Response {
    Redirect::to(&format!("/ho-so/{id}?da_luu=1")).into_response()
}

async fn create(
    app: &App,
    page: &PageActor,
    client: &hoso_app::ClientInfo,
    raw: &Raw,
) -> Result<i64, AppError> {
    let mut doc = RecordDoc::new();
    for (section, _) in form_sections(app) {
        let obj = section_object(section, None, raw, &format!("{}.", section.id));
        if !obj.is_empty() {
            doc.insert(section.id.clone(), Value::Object(obj));
        }
    }
    let Ok(unit_id) = first(raw, "_unit").parse::<i64>() else {
        // Every problem of the form at once: the fields' too, not only the missing unit.
        let schema = app.schemas().latest();
        let mut checked = doc.clone();
        schema.normalise(&mut checked);
        return Err(
            match schema.validate(&checked, &app.catalogs(), app.today()) {
                Err(list) => AppError::Invalid(list),
                Ok(()) => AppError::BadRequest("Phải chọn cơ quan, đơn vị sử dụng.".into()),
            },
        );
    };
    let input = CreatePerson {
        unit_id,
        status: None,
        record: doc,
        note: Some("Tạo hồ sơ trên trang web".into()),
    };
    Ok(app.create_person(&page.actor, input, client).await?.id)
}

async fn failure(app: &App, page: &PageActor, token: String, raw: &Raw, e: AppError) -> PageResult {
    let mut errors: HashMap<String, String> = HashMap::new();
    let mut other = Vec::new();
    let mut existing = None;
    let status = match e {
        AppError::Invalid(list) => {
            let shown: Vec<String> = form_sections(app)
                .into_iter()
                .flat_map(|(s, fields)| fields.into_iter().map(move |f| format!("{}.{f}", s.id)))
                .collect();
            for err in list.iter() {
                // The system fills these from the unit and the số định danh; the message on
                // the số định danh itself says what to do.
                let system_path = app
                    .schemas()
                    .latest()
                    .fields()
                    .filter(|(_, f)| f.system)
                    .map(|(s, f)| format!("{}.{}", s.id, f.id))
                    .any(|path| err.path == path || err.path.starts_with(&format!("{path}.")));
                if system_path {
                    continue;
                }
                let on_form = shown
                    .iter()
                    .find(|name| err.path == **name || err.path.starts_with(&format!("{name}.")));
                match on_form {
                    Some(name) => {
                        errors
                            .entry(name.clone())
                            .or_insert_with(|| err.message.clone());
                    }
                    None => other.push(err.message.clone()),
                }
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Duplicate {
            message,
            existing_id,
        } => {
            other.push(message);
            existing = Some(existing_id);
            StatusCode::CONFLICT
        }
        e @ AppError::BadRequest(_) if e.to_string().contains("đơn vị") => {
            errors.insert("_unit".into(), e.to_string());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        e @ AppError::BadRequest(_) => {
            other.push(e.to_string());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        e @ AppError::NotFound(_) => {
            errors.insert("_unit".into(), e.to_string());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Forbidden => {
            errors.insert(
                "_unit".into(),
                "Bạn không được thêm hồ sơ vào cơ quan, đơn vị này (ngoài phạm vi hoặc chỉ được xem)."
                    .into(),
            );
            StatusCode::FORBIDDEN
        }
        other => return Err(other.into()),
    };
    if first(raw, "_unit").parse::<i64>().is_err() {
        errors
            .entry("_unit".into())
            .or_insert_with(|| "Phải chọn cơ quan, đơn vị sử dụng.".into());
    }
    let mut view = page_view(app, page, token, raw, errors, other).await?;
    view.existing = existing;
    Ok(render_status(status, &view))
}
