//! Account administration: the staff accounts of the caller's subtree (search, paging), creating
//! an account with a first grant, granting, restricting (read-only, a lower unit), widening and
//! revoking grants against a written request (văn bản đề nghị), and resetting a password (the
//! temporary password is shown once). Every rule is the use cases'; a unit administrator sees
//! and manages only its subtree, anything else answers 404 or 403.

use crate::extract::Query;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use hoso_app::accounts::AccountView;
use hoso_app::admin::{AccountDetail, UnitChoice};
use hoso_app::security::{AddGrant, ChangeGrant, CreateAccount, GrantInput, RevokeGrant};
use hoso_app::{Actor, App, AppError, ClientInfo};
use hoso_domain::access::Role;
use serde::Deserialize;

use super::auth::CsrfForm;
use super::record::Opt;
use super::{Layout, PageActor, PageError, PageResult, format, is_htmx, render, render_status};
use crate::extract::Client;

const PER_PAGE: i64 = 25;
const BASE: &str = "/quan-tri/tai-khoan";

/// Roles an administrator may hand out here (personal access follows the record).
fn grantable_roles(actor: &Actor) -> Vec<(&'static str, &'static str)> {
    // The widest role last, so that it is never the one chosen by default.
    let mut out: Vec<_> = [Role::UnitAdmin, Role::Approver, Role::Viewer]
        .into_iter()
        .map(|r| (r.as_str(), r.label_vi()))
        .collect();
    if actor.is_system_admin() {
        out.push((Role::SystemAdmin.as_str(), Role::SystemAdmin.label_vi()));
    }
    out
}

/// Units for a chooser, in tree order, indented by depth below the shallowest and named with
/// their parent, so that the collapsed chooser still says which "Văn phòng" it holds.
pub(super) fn unit_opts(units: &[UnitChoice], selected: Option<i64>) -> Vec<Opt> {
    let min_depth = units.iter().map(|u| u.depth).min().unwrap_or(0);
    units
        .iter()
        .map(|u| Opt {
            value: u.id.to_string(),
            label: format!(
                "{}{}",
                "\u{2003}".repeat((u.depth - min_depth).max(0) as usize),
                u.label
            ),
            selected: Some(u.id) == selected,
        })
        .collect()
}

fn parse_unit(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

// ───────────────────────────── list ─────────────────────────────

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub grants: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "accounts_results.html")]
struct Results {
    rows: Vec<AccountRow>,
    total: String,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct ListPage {
    layout: Layout,
    q: String,
    results: Results,
}

fn list_url(q: &str, page: i64) -> String {
    let mut parts = vec![];
    if !q.is_empty() {
        parts.push(format!("q={}", format::url_encode(q)));
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    if parts.is_empty() {
        BASE.to_string()
    } else {
        format!("{BASE}?{}", parts.join("&"))
    }
}

async fn grants_summary(
    app: &App,
    actor: &Actor,
    accounts: &[AccountView],
) -> Result<Vec<AccountRow>, PageError> {
    let ids = accounts
        .iter()
        .flat_map(|a| a.grants.iter().filter_map(|g| g.unit_id))
        .collect();
    let names = app.unit_names(actor, ids).await?;
    Ok(accounts
        .iter()
        .map(|a| AccountRow {
            id: a.id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            active: a.active,
            grants: a
                .grants
                .iter()
                .map(|g| {
                    let unit = g
                        .unit_id
                        .map(|u| names.get(&u).cloned().unwrap_or_else(|| format!("#{u}")))
                        .unwrap_or_else(|| "toàn tỉnh".into());
                    let ro = if g.read_only { ", chỉ xem" } else { "" };
                    format!("{} — {unit}{ro}", g.role_label)
                })
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect())
}

pub async fn list(
    State(app): State<App>,
    page: PageActor,
    headers: HeaderMap,
    Query(lq): Query<ListQuery>,
) -> PageResult {
    let q: String = lq.q.trim().chars().take(100).collect();
    let current = lq.page.unwrap_or(1).max(1);
    let found = app
        .search_accounts(&page.actor, Some(&q), Some(current), Some(PER_PAGE))
        .await?;
    let pages = ((found.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let results = Results {
        rows: grants_summary(&app, &page.actor, &found.items).await?,
        total: format::thousands(found.total),
        page: current,
        pages,
        prev: (current > 1).then(|| list_url(&q, current - 1)),
        next: (current < pages).then(|| list_url(&q, current + 1)),
    };
    if is_htmx(&headers) {
        return Ok(render(&results));
    }
    Ok(render(&ListPage {
        layout: page.layout("Quản lý tài khoản", "accounts"),
        q,
        results,
    }))
}

// ───────────────────────────── create ─────────────────────────────

#[derive(Debug, Default, Deserialize)]
pub struct NewForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    read_only: Option<String>,
    #[serde(default)]
    request_ref: String,
}

#[derive(Template)]
#[template(path = "account_new.html")]
struct NewPage {
    layout: Layout,
    f: NewForm,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<Opt>,
    /// Messages by field (`username`, `display_name`, `role`, `unit_id`, `request_ref`), or
    /// `form` for the whole form.
    errors: Vec<(&'static str, String)>,
}

impl NewPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// Which field a use-case message is about, to show it next to that field.
fn field_of(message: &str) -> &'static str {
    let m = message.to_lowercase();
    if m.contains("tên đăng nhập") {
        "username"
    } else if m.contains("họ tên") || m.contains("tên hiển thị") {
        "display_name"
    } else if m.contains("văn bản đề nghị") {
        "request_ref"
    } else if m.contains("đơn vị") {
        "unit_id"
    } else if m.contains("vai trò") || m.contains("quyền") {
        "role"
    } else {
        "form"
    }
}

async fn new_page(
    app: &App,
    page: &PageActor,
    f: NewForm,
    errors: Vec<(&'static str, String)>,
) -> Result<NewPage, PageError> {
    let units = app.units_to_administer(&page.actor).await?;
    Ok(NewPage {
        layout: page.layout("Tạo tài khoản", "accounts"),
        roles: grantable_roles(&page.actor),
        units: unit_opts(&units, parse_unit(&f.unit_id)),
        f,
        errors,
    })
}

pub async fn new_form(State(app): State<App>, page: PageActor) -> PageResult {
    if !page.actor.is_administrator() {
        return Err(AppError::Forbidden.into());
    }
    let f = NewForm {
        role: Role::UnitAdmin.as_str().into(),
        ..NewForm::default()
    };
    Ok(render(&new_page(&app, &page, f, vec![]).await?))
}

pub async fn create(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<NewForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let unit_id = parse_unit(&f.unit_id);
    let input = CreateAccount {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        grants: vec![GrantInput {
            role: f.role.clone(),
            unit_id: if f.role == Role::SystemAdmin.as_str() {
                None
            } else {
                unit_id
            },
            read_only: f.read_only.is_some(),
        }],
        request_ref: f.request_ref.clone(),
    };
    match app.create_account(&page.actor, input, &client).await {
        Ok(created) => {
            let detail = app.account_detail(&page.actor, created.account.id).await?;
            let mut view = show_page(&app, &page, detail).await?;
            view.temp_password = Some(created.temporary_password);
            view.notice = Some(format!("Đã tạo tài khoản “{}”.", created.account.username));
            Ok(render_status(StatusCode::CREATED, &view))
        }
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_) | AppError::NotFound(_))) => {
            let message = e.to_string();
            let errors = vec![(field_of(&message), message)];
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_page(&app, &page, f, errors).await?,
            ))
        }
        Err(AppError::Forbidden) => {
            let errors = vec![(
                "unit_id",
                "Bạn không có quyền cấp vai trò này trên cơ quan, đơn vị đã chọn (ngoài phạm vi quản trị)."
                    .to_string(),
            )];
            Ok(render_status(
                StatusCode::FORBIDDEN,
                &new_page(&app, &page, f, errors).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

// ───────────────────────────── one account ─────────────────────────────

pub struct GrantRow {
    pub id: i64,
    pub role_label: String,
    pub unit: String,
    pub unit_id: Option<i64>,
    /// What the grant allows, in words: writable administration, approval, reading.
    pub level: &'static str,
    pub request_ref: String,
    /// Personal access follows the record and is not changed here.
    pub changeable: bool,
}

#[derive(Template)]
#[template(path = "account_show.html")]
struct ShowPage {
    layout: Layout,
    id: i64,
    username: String,
    display_name: String,
    active: bool,
    totp_enabled: bool,
    must_change_password: bool,
    locked_until: Option<String>,
    created_at: String,
    manageable: bool,
    grants: Vec<GrantRow>,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<Opt>,
    notice: Option<String>,
    /// Shown once, right after creation or a reset.
    temp_password: Option<String>,
    /// Which form failed (`grant`, `g<id>`, `reset`) and why; the request reference typed is kept.
    error_form: String,
    error: Option<String>,
    kept_ref: String,
}

impl ShowPage {
    fn failed(&self, form: &str) -> Option<&str> {
        (self.error_form == form)
            .then_some(self.error.as_deref())
            .flatten()
    }

    fn kept_for(&self, form: &str) -> &str {
        if self.error_form == form {
            &self.kept_ref
        } else {
            ""
        }
    }
}

async fn show_page(app: &App, page: &PageActor, d: AccountDetail) -> Result<ShowPage, AppError> {
    let ids = d.account.grants.iter().filter_map(|g| g.unit_id).collect();
    let names = app.unit_names(&page.actor, ids).await?;
    let units = if d.manageable {
        app.units_to_administer(&page.actor).await?
    } else {
        vec![]
    };
    let grants = d
        .account
        .grants
        .iter()
        .map(|g| GrantRow {
            id: g.id,
            role_label: g.role_label.clone(),
            unit: g
                .unit_id
                .map(|u| names.get(&u).cloned().unwrap_or_else(|| format!("#{u}")))
                .unwrap_or_else(|| "Toàn tỉnh".into()),
            unit_id: g.unit_id,
            level: match (g.read_only, Role::parse(&g.role)) {
                (true, _) => "Chỉ xem",
                (false, Some(r)) if r.may_write_records() => "Được sửa",
                (false, Some(Role::Approver)) => "Xác thực, phê duyệt",
                _ => "Xem",
            },
            request_ref: g.request_ref.clone().unwrap_or_default(),
            changeable: g.role != Role::Individual.as_str()
                && (g.role != Role::SystemAdmin.as_str() || page.actor.is_system_admin()),
        })
        .collect();
    Ok(ShowPage {
        layout: page.layout(format!("Tài khoản {}", d.account.username), "accounts"),
        id: d.account.id,
        username: d.account.username,
        display_name: d.account.display_name,
        active: d.account.active,
        totp_enabled: d.totp_enabled,
        must_change_password: d.must_change_password,
        locked_until: d.locked_until.map(format::instant),
        created_at: format::instant(d.created_at),
        manageable: d.manageable,
        grants,
        roles: grantable_roles(&page.actor),
        units: unit_opts(&units, None),
        notice: None,
        temp_password: None,
        error_form: String::new(),
        error: None,
        kept_ref: String::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct Notice {
    #[serde(default)]
    ok: String,
}

pub async fn show(
    State(app): State<App>,
    page: PageActor,
    Path(id): Path<i64>,
    Query(n): Query<Notice>,
) -> PageResult {
    let detail = app.account_detail(&page.actor, id).await?;
    let mut view = show_page(&app, &page, detail).await?;
    view.notice = match n.ok.as_str() {
        "cap-quyen" => Some("Đã cấp quyền.".into()),
        "doi-quyen" => Some("Đã thay đổi quyền.".into()),
        "thu-hoi" => Some("Đã thu hồi quyền.".into()),
        _ => None,
    };
    Ok(render(&view))
}

/// Re-renders the account page with a form's error; refusals keep their 403.
async fn show_failure(
    app: &App,
    page: &PageActor,
    id: i64,
    form: String,
    kept_ref: String,
    e: AppError,
) -> PageResult {
    let (status, message) = match e {
        AppError::BadRequest(_) | AppError::Conflict(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
        }
        AppError::NotFound(m) if m.contains("quyền") || m.contains("đơn vị") => {
            (StatusCode::NOT_FOUND, m.to_string())
        }
        AppError::Forbidden => (
            StatusCode::FORBIDDEN,
            "Bạn không có quyền thực hiện thao tác này (ngoài phạm vi quản trị của bạn).".into(),
        ),
        other => return Err(other.into()),
    };
    let detail = app.account_detail(&page.actor, id).await?;
    let mut view = show_page(app, page, detail).await?;
    view.error_form = form;
    view.error = Some(message);
    view.kept_ref = kept_ref;
    Ok(render_status(status, &view))
}

#[derive(Debug, Deserialize)]
pub struct GrantForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    read_only: Option<String>,
    #[serde(default)]
    request_ref: String,
}

pub async fn add_grant(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<GrantForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let input = AddGrant {
        unit_id: if f.role == Role::SystemAdmin.as_str() {
            None
        } else {
            parse_unit(&f.unit_id)
        },
        role: f.role,
        read_only: f.read_only.is_some(),
        request_ref: f.request_ref.clone(),
    };
    match app.add_grant(&page.actor, id, input, &client).await {
        Ok(_) => Ok(Redirect::to(&format!("{BASE}/{id}?ok=cap-quyen")).into_response()),
        Err(e) => show_failure(&app, &page, id, "grant".into(), f.request_ref, e).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct GrantPath {
    id: i64,
    grant: i64,
}

#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    /// `chi-xem` restricts to reading, `duoc-sua` widens to writing, empty keeps it.
    #[serde(default)]
    access: String,
    /// Empty keeps the unit.
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    request_ref: String,
}

pub async fn change_grant(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(p): Path<GrantPath>,
    Form(f): Form<ChangeForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let input = ChangeGrant {
        read_only: match f.access.as_str() {
            "chi-xem" => Some(true),
            "duoc-sua" => Some(false),
            _ => None,
        },
        unit_id: parse_unit(&f.unit_id),
        request_ref: f.request_ref.clone(),
    };
    match app.change_grant(&page.actor, p.grant, input, &client).await {
        Ok(_) => Ok(Redirect::to(&format!("{BASE}/{}?ok=doi-quyen", p.id)).into_response()),
        Err(e) => show_failure(&app, &page, p.id, format!("g{}", p.grant), f.request_ref, e).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    request_ref: String,
}

pub async fn revoke_grant(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(p): Path<GrantPath>,
    Form(f): Form<RevokeForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let input = RevokeGrant {
        request_ref: f.request_ref.clone(),
    };
    match app.revoke_grant(&page.actor, p.grant, input, &client).await {
        Ok(()) => Ok(Redirect::to(&format!("{BASE}/{}?ok=thu-hoi", p.id)).into_response()),
        Err(e) => show_failure(&app, &page, p.id, format!("r{}", p.grant), f.request_ref, e).await,
    }
}

pub async fn reset_password(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    match reset(&app, &page, id, &client).await {
        Ok(view) => Ok(render(&view)),
        Err(e) => show_failure(&app, &page, id, "reset".into(), String::new(), e).await,
    }
}

async fn reset(
    app: &App,
    page: &PageActor,
    id: i64,
    client: &ClientInfo,
) -> Result<ShowPage, AppError> {
    let temp = app.reset_password(&page.actor, id, client).await?;
    let detail = app.account_detail(&page.actor, id).await?;
    let mut view = show_page(app, page, detail).await?;
    view.temp_password = Some(temp.temporary_password);
    view.notice =
        Some("Đã đặt lại mật khẩu. Các phiên đăng nhập của tài khoản đã kết thúc.".into());
    Ok(view)
}
