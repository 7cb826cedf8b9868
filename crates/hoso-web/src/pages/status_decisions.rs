//! Decisions that end or resume service on a record (`/ho-so/{id}/trang-thai`): the form of the
//! record's HR officer, with the retirement date of NĐ 135/2020 filled in for a retirement
//! (the retirement alert links here), the decisions recorded, and the withdrawal of one still
//! waiting for its effective date.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use hoso_app::status_decisions::{NewStatusDecision, StatusDecisionForm, StatusDecisionView};
use hoso_app::{App, AppError};
use hoso_domain::status_decisions::StatusDecisionKind;

use super::record::Opt;
use super::templates::CsrfForm;
use super::{Layout, PageActor, PageResult, format, render, render_status};
use crate::extract::{Client, Query};

pub struct Line {
    pub id: i64,
    pub kind: String,
    pub decision: String,
    pub effective: String,
    pub state: String,
}

fn line(d: &StatusDecisionView) -> Line {
    Line {
        id: d.id,
        kind: d.kind_label.clone(),
        decision: format!(
            "Số {} ngày {} — {}",
            d.decision_number,
            format::date(&d.decision_date),
            d.signer
        ),
        effective: format::date(&d.effective_date),
        state: d.state_label.clone(),
    }
}

#[derive(Template)]
#[template(path = "status_decision_form.html")]
struct FormPage {
    layout: Layout,
    person_id: i64,
    name: String,
    status_label: String,
    kinds: Vec<Opt>,
    retirement_date: String,
    waiting: Option<Line>,
    history: Vec<Line>,
    f: HashMap<String, String>,
    error: Option<String>,
    notice: Option<String>,
}

impl FormPage {
    fn value(&self, key: &str) -> &str {
        self.f.get(key).map(String::as_str).unwrap_or_default()
    }
}

fn form_page(
    page: &PageActor,
    form: StatusDecisionForm,
    f: HashMap<String, String>,
    error: Option<String>,
    notice: Option<String>,
) -> FormPage {
    let chosen = f.get("kind").cloned().unwrap_or_default();
    FormPage {
        layout: page.layout(
            format!("Quyết định về trạng thái công tác — {}", form.full_name),
            "staff",
        ),
        person_id: form.person_id,
        name: form.full_name,
        status_label: form.status_label,
        kinds: form
            .kinds
            .into_iter()
            .map(|(value, label)| Opt {
                selected: value == chosen,
                value,
                label,
            })
            .collect(),
        retirement_date: form
            .retirement_date
            .as_deref()
            .map(format::date)
            .unwrap_or_default(),
        waiting: form.waiting.as_ref().map(line),
        history: form.history.iter().map(line).collect(),
        f,
        error,
        notice,
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Params {
    /// The decision to start from (`nghi_huu` from the retirement alert).
    #[serde(default)]
    loai: String,
    #[serde(default)]
    ok: String,
}

pub async fn form(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Query(p): Query<Params>,
) -> PageResult {
    let form = app.status_decision_form(&page.actor, id, &client).await?;
    let mut f = HashMap::new();
    let today = format::date(&app.today().to_string());
    f.insert("decision_date".to_string(), today.clone());
    f.insert("effective_date".to_string(), today);
    if let Some(kind) = StatusDecisionKind::parse(&p.loai) {
        f.insert("kind".to_string(), kind.as_str().to_string());
        if kind == StatusDecisionKind::Retirement
            && let Some(legal) = &form.retirement_date
        {
            f.insert("effective_date".to_string(), format::date(legal));
        }
    }
    let notice = match p.ok.as_str() {
        "da-ghi" => Some("Đã ghi quyết định.".to_string()),
        "da-huy" => Some("Đã hủy quyết định chờ hiệu lực.".to_string()),
        _ => None,
    };
    Ok(render(&form_page(&page, form, f, None, notice)))
}

pub async fn submit(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(fields): Form<HashMap<String, String>>,
) -> PageResult {
    page.check_csrf(fields.get("_csrf").map(String::as_str))?;
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let input = NewStatusDecision {
        kind: get("kind"),
        decision_number: get("decision_number"),
        decision_date: get("decision_date"),
        signer: get("signer"),
        effective_date: get("effective_date"),
        note: Some(get("note")),
    };
    match app.decide_status(&page.actor, id, input, &client).await {
        Ok(_) => Ok(Redirect::to(&format!("/ho-so/{id}/trang-thai?ok=da-ghi")).into_response()),
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_) | AppError::Invalid(_))) => {
            let form = app.status_decision_form(&page.actor, id, &client).await?;
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&page, form, fields, Some(e.to_string()), None),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn cancel(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let d = app.cancel_status_decision(&page.actor, id, &client).await?;
    Ok(Redirect::to(&format!("/ho-so/{}/trang-thai?ok=da-huy", d.person_id)).into_response())
}
