//! The web pages: server-rendered HTML (askama templates) with htmx for progressive
//! enhancement. Every handler is thin: it reads the request, calls use cases of [`App`] and
//! renders a template; nothing here touches the store.
//!
//! Sessions are the same `hoso_session` cookie the API sets. Every POST form carries a
//! synchronizer token derived from the session token (see [`csrf_token`]), checked on top of the
//! Origin / Sec-Fetch-Site check that the router applies to every request.

mod account;
mod admin_accounts;
mod admin_catalogs;
mod admin_jobs;
mod alerts;
mod assets;
mod audit;
mod auth;
mod changes;
pub mod format;
mod holidays;
mod home;
mod oidc;
mod org;
mod person_new;
mod record;
mod record_access;
mod staff;

use askama::Template;
use axum::Router;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hoso_app::{Actor, App, AppError, Capability};
use sha2::{Digest, Sha256};

use crate::extract::session_token;

pub const LOGIN_PATH: &str = "/dang-nhap";
pub const PASSWORD_PATH: &str = "/doi-mat-khau";

/// Every page route.
pub fn router(upload_limit: usize) -> Router<App> {
    // Forms that carry files (scans, signing keys) get the attachment limit.
    let uploads = Router::new()
        .route("/de-nghi/{id}/dinh-kem", post(changes::upload))
        .route("/phe-duyet/lo/{id}/ky", post(changes::sign))
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit));
    Router::new()
        .merge(uploads)
        .route("/de-nghi", get(changes::mine).post(changes::create))
        .route("/de-nghi/{id}", get(changes::show))
        .route(
            "/de-nghi/{id}/sua/{section}",
            get(changes::edit_form).post(changes::edit_submit),
        )
        .route("/de-nghi/{id}/dinh-kem/{sha}", get(changes::download))
        .route("/de-nghi/{id}/dinh-kem/{sha}/xoa", post(changes::detach))
        .route("/de-nghi/{id}/{action}", post(changes::act))
        .route("/xac-thuc", get(changes::queue))
        .route("/phe-duyet", get(changes::approvals))
        .route("/phe-duyet/lo", post(changes::prepare))
        .route("/phe-duyet/lo/{id}", get(changes::batch))
        .route("/phe-duyet/lo/{id}/huy", post(changes::abandon))
        .route("/", get(home::home))
        .route(LOGIN_PATH, get(auth::form).post(auth::submit))
        .route("/dang-xuat", post(auth::logout))
        .route(
            PASSWORD_PATH,
            get(auth::password_form).post(auth::password_submit),
        )
        .route("/canh-bao", get(alerts::list))
        .route("/canh-bao/xuat-excel", get(alerts::export))
        .route(alerts::RULES_PATH, get(alerts::rules))
        .route("/co-cau", get(org::tree))
        .route("/co-cau/con", get(org::children))
        .route("/don-vi/{id}", get(org::unit))
        .route("/can-bo", get(staff::list))
        .route("/can-bo/xuat-excel", get(staff::export))
        .route("/ho-so/{id}", get(record::show))
        .route("/ho-so/{id}/phien-ban/{version}", get(record::version_diff))
        .route(
            "/ho-so/{id}/sua/{section}",
            get(record::edit_form).post(record::edit_submit),
        )
        .route(holidays::PATH, get(holidays::page).post(holidays::put_year))
        .route("/lich-nghi/them", post(holidays::add_day))
        .route("/lich-nghi/xoa", post(holidays::remove_day))
        .route(
            "/ho-so/{id}/truy-cap",
            get(record_access::show).post(record_access::add),
        )
        .route(
            "/ho-so/{id}/truy-cap/{grant}/thu-hoi",
            post(record_access::revoke),
        )
        .route(record_access::SHARED_PATH, get(record_access::shared))
        .route(oidc::START_PATH, get(oidc::start))
        .route(oidc::CALLBACK_PATH, get(oidc::callback))
        .route(assets::HTMX_PATH, get(assets::htmx))
        .route("/doi-mat-khau/kiem-tra", post(account::password_check))
        .route("/tai-khoan", get(account::overview))
        .route("/tai-khoan/phien", get(account::sessions))
        .route("/tai-khoan/phien/{id}/ket-thuc", post(account::end_session))
        .route(account::TOTP_PATH, get(account::totp))
        .route(
            "/tai-khoan/xac-thuc-hai-lop/bat-dau",
            post(account::totp_start),
        )
        .route(
            "/tai-khoan/xac-thuc-hai-lop/xac-nhan",
            post(account::totp_confirm),
        )
        .route("/tai-khoan/ai-da-xem", get(audit::my_reads))
        .route("/quan-tri/tai-khoan", get(admin_accounts::list))
        .route(
            "/quan-tri/tai-khoan/moi",
            get(admin_accounts::new_form).post(admin_accounts::create),
        )
        .route("/quan-tri/tai-khoan/{id}", get(admin_accounts::show))
        .route(
            "/quan-tri/tai-khoan/{id}/cap-quyen",
            post(admin_accounts::add_grant),
        )
        .route(
            "/quan-tri/tai-khoan/{id}/quyen/{grant}/doi",
            post(admin_accounts::change_grant),
        )
        .route(
            "/quan-tri/tai-khoan/{id}/quyen/{grant}/thu-hoi",
            post(admin_accounts::revoke_grant),
        )
        .route(
            "/quan-tri/tai-khoan/{id}/dat-lai-mat-khau",
            post(admin_accounts::reset_password),
        )
        .route("/quan-tri/danh-muc", get(admin_catalogs::list))
        .route(
            "/quan-tri/danh-muc/{name}",
            get(admin_catalogs::items).post(admin_catalogs::put_item),
        )
        .route(
            "/quan-tri/danh-muc/{name}/ngung",
            post(admin_catalogs::retire),
        )
        .route(admin_jobs::PATH, get(admin_jobs::list))
        .route("/quan-tri/cong-viec/{id}/chay-lai", post(admin_jobs::retry))
        .route("/quan-tri/cong-viec/{id}/huy", post(admin_jobs::cancel))
        .route("/quan-tri/nhat-ky", get(audit::search))
        .route("/quan-tri/nhat-ky/xuat-excel", get(audit::export))
        .route(
            person_new::PATH,
            get(person_new::form).post(person_new::submit),
        )
        .route("/static/app.css", get(assets::css))
}

/// The synchronizer token of a session: `hex(sha256("csrf:" + session token))`. It can only be
/// computed by someone who knows the session token, which a cross-site page does not.
pub fn csrf_token(session_token: &str) -> String {
    hex::encode(Sha256::digest(format!("csrf:{session_token}").as_bytes()))
}

/// Constant-time comparison of two tokens.
pub(crate) fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// What every page's frame needs: who is signed in, the form token, which menu is active.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub title: String,
    pub user: String,
    pub role_label: String,
    pub csrf: String,
    pub nav: &'static str,
    /// Holds a staff role (sees the staff list and the tree).
    pub staff: bool,
    /// The signed-in person's own record.
    pub own_record: Option<i64>,
    pub signed_in: bool,
    /// Administers accounts (system or unit administrator): sees the administration menu.
    pub admin: bool,
    /// System administrator: also sees catalogs and the whole audit trail.
    pub system_admin: bool,
    /// Verifies change requests (has records it may write).
    pub verifier: bool,
    /// Signs approvals.
    pub approver: bool,
}

/// The signed-in account of a page request; anonymous visitors are sent to the sign-in page.
pub struct PageActor {
    pub actor: Actor,
    pub csrf: String,
}

impl PageActor {
    pub fn layout(&self, title: impl Into<String>, nav: &'static str) -> Layout {
        let caps = self.actor.capabilities();
        let mut roles: Vec<&'static str> = self
            .actor
            .grants
            .iter()
            .map(|g| g.role.label_vi())
            .collect();
        roles.dedup();
        Layout {
            title: title.into(),
            user: self.actor.display_name.clone(),
            role_label: roles.join(", "),
            csrf: self.csrf.clone(),
            nav,
            staff: caps.staff,
            own_record: self.actor.person_id,
            signed_in: true,
            admin: caps.may_somewhere(Capability::SeeAdministration),
            system_admin: caps.may_somewhere(Capability::ManageProvince),
            verifier: caps.may_somewhere(Capability::WriteRecords),
            approver: caps.may_somewhere(Capability::ApproveChanges),
        }
    }

    /// Refuses a POST whose form token is missing or wrong.
    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), PageError> {
        match submitted {
            Some(t) if same_token(t, &self.csrf) => Ok(()),
            _ => Err(PageError::Csrf),
        }
    }
}

impl<S> FromRequestParts<S> for PageActor
where
    App: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = App::from_ref(state);
        let Some(token) = session_token(parts) else {
            return Err(to_login(parts));
        };
        match app.authenticate(&token).await {
            // Until a temporary or expired password is changed, only that page (and sign-out)
            // may be used, as in the API.
            Ok(actor)
                if actor.password_change_required()
                    && !parts.uri.path().starts_with(PASSWORD_PATH)
                    && parts.uri.path() != "/dang-xuat" =>
            {
                if parts.headers.contains_key("hx-request") {
                    let mut headers = HeaderMap::new();
                    headers.insert("hx-redirect", HeaderValue::from_static(PASSWORD_PATH));
                    return Err((StatusCode::OK, headers).into_response());
                }
                Err(Redirect::to(PASSWORD_PATH).into_response())
            }
            // Likewise, an account that must enrol a second factor does that first.
            Ok(actor)
                if actor.totp_enrolment_required
                    && !parts.uri.path().starts_with(account::TOTP_PATH)
                    && parts.uri.path() != "/dang-xuat" =>
            {
                if parts.headers.contains_key("hx-request") {
                    let mut headers = HeaderMap::new();
                    headers.insert("hx-redirect", HeaderValue::from_static(account::TOTP_PATH));
                    return Err((StatusCode::OK, headers).into_response());
                }
                Err(Redirect::to(account::TOTP_PATH).into_response())
            }
            Ok(actor) => Ok(PageActor {
                actor,
                csrf: csrf_token(&token),
            }),
            Err(AppError::Unauthenticated) => Err(to_login(parts)),
            Err(e) => Err(PageError::App(e).into_response()),
        }
    }
}

/// Redirect to the sign-in page, coming back here afterwards. htmx requests get `HX-Redirect`
/// so that the whole page changes, not the fragment.
fn to_login(parts: &Parts) -> Response {
    let back = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let target = if back == "/" {
        LOGIN_PATH.to_string()
    } else {
        format!("{LOGIN_PATH}?next={}", format::url_encode(back))
    };
    if parts.headers.contains_key("hx-request") {
        let mut headers = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(&target) {
            headers.insert("hx-redirect", v);
        }
        return (StatusCode::OK, headers).into_response();
    }
    Redirect::to(&target).into_response()
}

/// Whether a request comes from htmx (and wants a fragment).
pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request")
        && !headers.contains_key("hx-boosted")
        && !headers.contains_key("hx-history-restore-request")
}

/// Renders a template as an HTML response.
pub fn render<T: Template>(t: &T) -> Response {
    render_status(StatusCode::OK, t)
}

/// Headers of every HTML page: pages show personal data, so nothing is cached, and only our own
/// scripts and styles run.
fn page_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    response
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => page_headers((status, Html(html)).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                &Layout::default(),
                "Lỗi hệ thống",
                "Lỗi hệ thống. Vui lòng thử lại sau hoặc liên hệ quản trị hệ thống.",
            )
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: &'a Layout,
    status: u16,
    heading: &'a str,
    message: &'a str,
}

/// A Vietnamese error page.
pub fn error_page(status: StatusCode, layout: &Layout, heading: &str, message: &str) -> Response {
    let page = ErrorPage {
        layout,
        status: status.as_u16(),
        heading,
        message,
    };
    match page.render() {
        Ok(html) => page_headers((status, Html(html)).into_response()),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

/// The 404 page for browsers.
pub fn not_found_page() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        &Layout {
            title: "Không tìm thấy trang".into(),
            ..Layout::default()
        },
        "Không tìm thấy trang",
        "Địa chỉ bạn mở không tồn tại hoặc đã được chuyển đi. Hãy kiểm tra lại đường dẫn hoặc quay về trang chủ.",
    )
}

/// How a page request can fail.
#[derive(Debug)]
pub enum PageError {
    App(AppError),
    /// The form token is missing or wrong.
    Csrf,
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::App(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let layout = Layout::default();
        match self {
            PageError::Csrf => error_page(
                StatusCode::FORBIDDEN,
                &layout,
                "Biểu mẫu đã hết hạn",
                "Biểu mẫu không hợp lệ hoặc đã hết hạn (thiếu mã xác thực biểu mẫu). Vui lòng tải lại trang và thử lại.",
            ),
            PageError::App(AppError::Unauthenticated) => Redirect::to(LOGIN_PATH).into_response(),
            PageError::App(e @ AppError::NotFound(_)) => error_page(
                StatusCode::NOT_FOUND,
                &layout,
                "Không tìm thấy",
                &e.to_string(),
            ),
            PageError::App(e @ AppError::Forbidden) => error_page(
                StatusCode::FORBIDDEN,
                &layout,
                "Không có quyền truy cập",
                &e.to_string(),
            ),
            PageError::App(AppError::Internal(detail)) => {
                tracing::error!(error = %detail, "internal error");
                error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &layout,
                    "Lỗi hệ thống",
                    "Lỗi hệ thống. Vui lòng thử lại sau hoặc liên hệ quản trị hệ thống.",
                )
            }
            PageError::App(e) => error_page(
                StatusCode::BAD_REQUEST,
                &layout,
                "Yêu cầu không hợp lệ",
                &e.to_string(),
            ),
        }
    }
}

pub type PageResult = Result<Response, PageError>;

/// Answers a browser (Accept: text/html) with the Vietnamese 404 page, anything else with the
/// JSON error.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

impl Layout {
    pub fn css_url(&self) -> &'static str {
        assets::css_url()
    }

    pub fn htmx_url(&self) -> &'static str {
        assets::HTMX_PATH
    }

    pub fn is(&self, nav: &str) -> bool {
        self.nav == nav
    }
}
