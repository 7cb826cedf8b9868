//! Personal accounts: the HR officer's list of a unit's people with the state of their accounts,
//! creating them one by one or for the whole unit, the printable hand-over sheet of activation
//! codes, and the anonymous page where a person chooses a password with the code.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hoso_app::personal_accounts::{
    ACTIVATION_DAYS, ActivateAccount, ActivationSlip, IssueAccount, PersonalAccountQuery,
    PersonalAccountState, PersonalAccountView,
};
use hoso_app::{App, AppError};
use serde::Deserialize;

use super::auth::{anonymous_token, anonymous_token_ok};
use super::record::Opt;
use super::{Layout, PageActor, PageError, PageResult, format, is_htmx, render, render_status};
use crate::extract::{Client, Query};

pub const PATH: &str = "/quan-tri/tai-khoan-ca-nhan";
pub const ISSUE_UNIT_PATH: &str = "/quan-tri/tai-khoan-ca-nhan/cap";
pub const ACTIVATE_PATH: &str = "/dang-nhap/kich-hoat";
const PER_PAGE: i64 = 50;

fn day(d: time::Date) -> String {
    format::date(&d.to_string())
}

// ───────────────────────────── list ─────────────────────────────

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    page: Option<i64>,
}

pub struct Row {
    pub person_id: i64,
    pub full_name: String,
    pub unit: String,
    pub person_status: String,
    pub working: bool,
    pub state: &'static str,
    pub state_label: &'static str,
    pub username: String,
    pub created_on: String,
    pub valid_until: String,
    /// The button's words: create the account, or a new code.
    pub action: &'static str,
}

#[derive(Template)]
#[template(path = "personal_accounts_results.html")]
struct Results {
    rows: Vec<Row>,
    total: String,
    csrf: String,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "personal_accounts.html")]
struct ListPage {
    layout: Layout,
    units: Vec<Opt>,
    unit_id: i64,
    unit_name: String,
    q: String,
    states: Vec<Opt>,
    results: Results,
}

fn list_url(unit: i64, q: &str, state: &str, page: i64) -> String {
    let mut parts = vec![format!("unit={unit}")];
    if !q.is_empty() {
        parts.push(format!("q={}", format::url_encode(q)));
    }
    if !state.is_empty() {
        parts.push(format!("state={state}"));
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    format!("{PATH}?{}", parts.join("&"))
}

fn row_of(v: PersonalAccountView, unit: String) -> Row {
    let working = v.person_status == hoso_domain::org::PersonStatus::Working.as_str();
    Row {
        person_id: v.person_id,
        full_name: v.full_name,
        unit,
        person_status: format::status(&v.person_status),
        working,
        state: v.state.as_str(),
        state_label: v.state.label_vi(),
        username: v.username.unwrap_or_default(),
        created_on: v.created_on.map(day).unwrap_or_default(),
        valid_until: v.activation_valid_until.map(day).unwrap_or_default(),
        action: match v.state {
            PersonalAccountState::None => "Tạo tài khoản",
            PersonalAccountState::Suspended => "Mở lại và cấp mã",
            _ => "Cấp mã mới",
        },
    }
}

pub async fn list(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    headers: HeaderMap,
    Query(lq): Query<ListQuery>,
) -> PageResult {
    let unit_id = match lq.unit.trim() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .map_err(|_| AppError::BadRequest(format!("Mã đơn vị '{s}' không hợp lệ.")))?,
        ),
    };
    let state = match lq.state.trim() {
        "" => None,
        s => Some(PersonalAccountState::parse(s).ok_or_else(|| {
            AppError::BadRequest(format!("Tình trạng tài khoản '{s}' không hợp lệ."))
        })?),
    };
    let q: String = lq.q.trim().chars().take(100).collect();
    let current = lq.page.unwrap_or(1).max(1);
    let found = app
        .personal_accounts(
            &page.actor,
            PersonalAccountQuery {
                unit_id,
                name: Some(q.clone()),
                state,
                page: Some(current),
                per_page: Some(PER_PAGE),
            },
            &client,
        )
        .await?;
    let units = app.units_to_administer(&page.actor).await?;
    let names = app
        .unit_names(&page.actor, found.items.iter().map(|v| v.unit_id).collect())
        .await?;
    let unit_id = match unit_id {
        Some(id) => id,
        None => found
            .items
            .first()
            .map(|v| v.unit_id)
            .or_else(|| units.first().map(|u| u.id))
            .unwrap_or_default(),
    };
    let state_code = state.map(|s| s.as_str()).unwrap_or_default();
    let pages = ((found.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let results = Results {
        rows: found
            .items
            .into_iter()
            .map(|v| {
                let unit = names.get(&v.unit_id).cloned().unwrap_or_default();
                row_of(v, unit)
            })
            .collect(),
        total: format::thousands(found.total),
        csrf: page.csrf.clone(),
        page: current,
        pages,
        prev: (current > 1).then(|| list_url(unit_id, &q, state_code, current - 1)),
        next: (current < pages).then(|| list_url(unit_id, &q, state_code, current + 1)),
    };
    if is_htmx(&headers) {
        return Ok(render(&results));
    }
    let unit_name = units
        .iter()
        .find(|u| u.id == unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let mut states = vec![Opt {
        value: String::new(),
        label: "Tất cả".into(),
        selected: state.is_none(),
    }];
    states.extend(PersonalAccountState::ALL.into_iter().map(|s| Opt {
        value: s.as_str().into(),
        label: s.label_vi().into(),
        selected: state == Some(s),
    }));
    Ok(render(&ListPage {
        layout: page.layout("Tài khoản cá nhân", "accounts"),
        units: super::admin_accounts::unit_opts(&units, Some(unit_id)),
        unit_id,
        unit_name,
        q,
        states,
        results,
    }))
}

// ───────────────────────────── the hand-over sheet ─────────────────────────────

pub struct SlipRow {
    pub full_name: String,
    pub unit_name: String,
    pub username: String,
    pub code: String,
    pub valid_until: String,
    pub created: bool,
}

#[derive(Template)]
#[template(path = "activation_sheet.html")]
struct Sheet {
    layout: Layout,
    heading: String,
    slips: Vec<SlipRow>,
    remaining: usize,
    issued_on: String,
    activate_path: &'static str,
    back: String,
}

fn sheet(
    page: &PageActor,
    heading: String,
    slips: Vec<ActivationSlip>,
    remaining: usize,
    issued_on: String,
    back: String,
) -> Response {
    render(&Sheet {
        layout: page.layout("Phiếu bàn giao tài khoản cá nhân", "accounts"),
        heading,
        slips: slips
            .into_iter()
            .map(|s| SlipRow {
                full_name: s.full_name,
                unit_name: s.unit_name,
                username: s.username,
                code: s.activation_code,
                valid_until: day(s.valid_until),
                created: s.created,
            })
            .collect(),
        remaining,
        issued_on,
        activate_path: ACTIVATE_PATH,
        back,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct IssueForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    request_ref: String,
    /// `docx`: the hand-over sheet as a Word file filled from the province's template.
    #[serde(default)]
    format: String,
}

/// One person: the account (if missing) and a new code.
pub async fn issue_one(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(person_id): Path<i64>,
    Form(f): Form<IssueForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let slip = app
        .issue_personal_account(
            &page.actor,
            person_id,
            IssueAccount {
                request_ref: Some(f.request_ref),
            },
            &client,
        )
        .await?;
    let heading = format!("Tài khoản cá nhân của {}", slip.full_name);
    Ok(sheet(
        &page,
        heading,
        vec![slip],
        0,
        day(app.today()),
        format!("/ho-so/{person_id}"),
    ))
}

/// Everyone in service in the unit's subtree who has no account.
pub async fn issue_unit(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    headers: axum::http::HeaderMap,
    Form(f): Form<IssueForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let unit_id: i64 =
        f.unit_id.trim().parse().map_err(|_| {
            AppError::BadRequest("Phải chọn cơ quan, đơn vị để cấp tài khoản.".into())
        })?;
    let done = app
        .issue_personal_accounts_for_unit(
            &page.actor,
            unit_id,
            IssueAccount {
                request_ref: Some(f.request_ref),
            },
            &client,
        )
        .await?;
    if f.format == "docx" {
        // The codes exist only in this response: the Word sheet is made now or never.
        let doc = app
            .activation_sheet_document(
                unit_id,
                &done.unit_name,
                &done.slips,
                &crate::documents::activation_url(&headers),
            )
            .await?;
        return Ok(crate::documents::filled(doc).await?);
    }
    let heading = format!("Tài khoản cá nhân — {}", done.unit_name);
    Ok(sheet(
        &page,
        heading,
        done.slips,
        done.remaining,
        day(app.today()),
        list_url(unit_id, "", "", 1),
    ))
}

// ───────────────────────────── activation (anonymous) ─────────────────────────────

#[derive(Template)]
#[template(path = "activate.html")]
struct ActivatePage {
    layout: Layout,
    csrf: String,
    username: String,
    error: Option<String>,
    done: bool,
    days: i64,
}

fn activate_page(
    app: &App,
    status: StatusCode,
    token: Option<String>,
    username: String,
    error: Option<String>,
    done: bool,
) -> Response {
    let (token, cookie) = anonymous_token(app, token);
    let mut response = render_status(
        status,
        &ActivatePage {
            layout: Layout {
                title: "Kích hoạt tài khoản cá nhân".into(),
                ..Layout::default()
            },
            csrf: super::csrf_token(&token),
            username,
            error,
            done,
            days: ACTIVATION_DAYS,
        },
    );
    if let Some(cookie) = cookie {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
    }
    response
}

pub async fn activate_form(State(app): State<App>, headers: HeaderMap) -> Response {
    let token = super::auth::cookie_of(&headers, super::auth::LOGIN_CSRF_COOKIE);
    activate_page(&app, StatusCode::OK, token, String::new(), None, false)
}

#[derive(Debug, Default, Deserialize)]
pub struct ActivateForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    username: String,
    #[serde(default)]
    activation_code: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn activate_submit(
    State(app): State<App>,
    Client(client): Client,
    headers: HeaderMap,
    Form(f): Form<ActivateForm>,
) -> Result<Response, PageError> {
    let token = super::auth::cookie_of(&headers, super::auth::LOGIN_CSRF_COOKIE);
    let username: String = f.username.trim().chars().take(64).collect();
    if !anonymous_token_ok(&headers, f.csrf.as_deref()) {
        return Ok(activate_page(
            &app,
            StatusCode::FORBIDDEN,
            None,
            username,
            Some("Biểu mẫu đã hết hạn. Vui lòng nhập lại.".into()),
            false,
        ));
    }
    if f.new_password != f.confirm_password {
        return Ok(activate_page(
            &app,
            StatusCode::UNPROCESSABLE_ENTITY,
            token,
            username,
            Some("Mật khẩu mới và mật khẩu nhập lại không khớp.".into()),
            false,
        ));
    }
    let input = ActivateAccount {
        username: username.clone(),
        activation_code: f.activation_code,
        new_password: f.new_password,
    };
    match app.activate_account(input, &client).await {
        Ok(()) => Ok(activate_page(
            &app,
            StatusCode::OK,
            token,
            username,
            None,
            true,
        )),
        Err(e @ (AppError::BadRequest(_) | AppError::WeakPassword(_))) => Ok(activate_page(
            &app,
            StatusCode::UNPROCESSABLE_ENTITY,
            token,
            username,
            Some(e.to_string()),
            false,
        )),
        Err(e) => Err(e.into()),
    }
}
