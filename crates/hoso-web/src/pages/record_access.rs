//! Pages for access outside the management line (NĐ 27/2026): on a record, its administrators
//! list, add and revoke outside-access grants; every account sees the records shared with it
//! ("Hồ sơ được chia sẻ").

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use hoso_app::record_access::{
    GrantRecordAccess, RecordAccessView, RevokeRecordAccess, SharedRecordView,
};
use hoso_app::{App, AppError};
use serde::Deserialize;

use super::{Layout, PageActor, PageResult, format, render, render_status};
use crate::extract::Client;

pub const SHARED_PATH: &str = "/ho-so-duoc-chia-se";

pub struct GrantRow {
    pub id: i64,
    pub who: String,
    pub purpose: String,
    pub legal_ref: String,
    pub clearance: String,
    pub last_day: String,
    pub status: String,
    pub active: bool,
    pub granted_at: String,
    pub revoke_ref: String,
}

impl From<RecordAccessView> for GrantRow {
    fn from(g: RecordAccessView) -> Self {
        GrantRow {
            id: g.id,
            who: format!("{} ({})", g.display_name, g.username),
            purpose: g.purpose,
            legal_ref: g.legal_ref,
            clearance: g.clearance_label,
            last_day: format::date(&g.expires_on),
            active: g.status == "active",
            status: g.status_label,
            granted_at: format::instant(g.granted_at),
            revoke_ref: g.revoke_ref.unwrap_or_default(),
        }
    }
}

/// What the add form had, to show it again after a refusal.
#[derive(Debug, Default, Deserialize)]
pub struct AddForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    username: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    legal_ref: String,
    #[serde(default)]
    expires_on: String,
    #[serde(default)]
    clearance: String,
}

#[derive(Template)]
#[template(path = "record_access.html")]
struct AccessPage {
    layout: Layout,
    id: i64,
    name: String,
    grants: Vec<GrantRow>,
    form: AddForm,
    error: Option<String>,
    notice: Option<String>,
    levels: Vec<(&'static str, &'static str)>,
}

const LEVELS: [(&str, &str); 4] = [
    ("public", "Công khai trong phạm vi quản lý"),
    ("internal", "Nội bộ công tác cán bộ (mặc định)"),
    ("confidential", "Hạn chế (gồm số định danh, địa chỉ)"),
    ("secret", "Mật (gồm sức khỏe, lịch sử bản thân)"),
];

async fn access_page(
    app: &App,
    page: &PageActor,
    client: &hoso_app::ClientInfo,
    id: i64,
    form: AddForm,
    error: Option<String>,
    notice: Option<String>,
) -> PageResult {
    let grants = app.record_access_grants(&page.actor, id, client).await?;
    let view = app.get_person(&page.actor, id, client).await?;
    let name = app
        .schemas()
        .latest()
        .role_text(&view.record, hoso_domain::schema::FieldRole::DisplayName)
        .unwrap_or("")
        .to_string();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_status(
        status,
        &AccessPage {
            layout: page.layout(format!("Quyền truy cập hồ sơ — {name}"), "staff"),
            id,
            name,
            grants: grants.into_iter().map(GrantRow::from).collect(),
            form,
            error,
            notice,
            levels: LEVELS.to_vec(),
        },
    ))
}

pub async fn show(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
) -> PageResult {
    let form = AddForm {
        clearance: "internal".into(),
        ..AddForm::default()
    };
    access_page(&app, &page, &client, id, form, None, None).await
}

pub async fn add(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<AddForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let input = GrantRecordAccess {
        username: f.username.clone(),
        purpose: f.purpose.clone(),
        legal_ref: f.legal_ref.clone(),
        expires_on: f.expires_on.clone(),
        clearance: Some(f.clearance.clone()),
    };
    match app
        .grant_record_access(&page.actor, id, input, &client)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/ho-so/{id}/truy-cap")).into_response()),
        Err(AppError::BadRequest(message)) => {
            access_page(&app, &page, &client, id, f, Some(message), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    request_ref: String,
}

pub async fn revoke(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path((id, grant)): Path<(i64, i64)>,
    Form(f): Form<RevokeForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let form = AddForm {
        clearance: "internal".into(),
        ..AddForm::default()
    };
    let input = RevokeRecordAccess {
        request_ref: f.request_ref,
    };
    match app
        .revoke_record_access(&page.actor, grant, input, &client)
        .await
    {
        Ok(()) => {
            access_page(
                &app,
                &page,
                &client,
                id,
                form,
                None,
                Some("Đã thu hồi quyền truy cập.".into()),
            )
            .await
        }
        Err(AppError::BadRequest(message) | AppError::Conflict(message)) => {
            access_page(&app, &page, &client, id, form, Some(message), None).await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct SharedRow {
    pub person_id: i64,
    pub full_name: String,
    pub unit_name: String,
    pub purpose: String,
    pub legal_ref: String,
    pub clearance: String,
    pub last_day: String,
}

impl From<SharedRecordView> for SharedRow {
    fn from(s: SharedRecordView) -> Self {
        SharedRow {
            person_id: s.person_id,
            full_name: s.full_name,
            unit_name: s.unit_name,
            purpose: s.purpose,
            legal_ref: s.legal_ref,
            clearance: s.clearance_label,
            last_day: format::date(&s.expires_on),
        }
    }
}

#[derive(Template)]
#[template(path = "shared_records.html")]
struct SharedPage {
    layout: Layout,
    rows: Vec<SharedRow>,
}

pub async fn shared(State(app): State<App>, page: PageActor, Client(client): Client) -> PageResult {
    let rows = app.shared_records(&page.actor, &client).await?;
    Ok(render(&SharedPage {
        layout: page.layout("Hồ sơ được chia sẻ", "shared"),
        rows: rows.into_iter().map(SharedRow::from).collect(),
    }))
}
