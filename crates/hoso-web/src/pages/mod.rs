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
mod backups;
mod changes;
pub(crate) mod data_quality;
mod deadline_report;
mod documents;
pub mod format;
mod handovers;
mod holidays;
mod home;
mod imports;
mod movements;
mod oidc;
mod org;
mod payroll;
mod periodic_reports;
mod person_new;
mod personal_accounts;
mod record;
mod record_access;
mod reorganisation;
mod report_forms;
mod reports;
mod saved_searches;
mod staff;
mod status_decisions;
mod templates;

pub use personal_accounts::ACTIVATE_PATH;

use askama::Template;
use axum::Router;
use axum::extract::{FromRef, FromRequestParts};
use axum::handler::Handler;
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
    pages(upload_limit).router
}

/// (method, path) of every page route, in the order the router adds them: the router's own
/// list (both come from [`pages`]), so that the authorization matrix of the pages
/// (`tests/authz_pages.rs`) can require a rule for each.
pub fn page_routes() -> Vec<(&'static str, &'static str)> {
    pages(0).routes
}

/// The page router and the routes it holds. Pages are only added through [`Pages::get`] and
/// [`Pages::post`], which record what they add.
struct Pages {
    router: Router<App>,
    routes: Vec<(&'static str, &'static str)>,
}

impl Pages {
    fn new() -> Pages {
        Pages {
            router: Router::new(),
            routes: Vec::new(),
        }
    }

    fn get<H: Handler<T, App>, T: 'static>(mut self, path: &'static str, handler: H) -> Pages {
        self.routes.push(("GET", path));
        self.router = self.router.route(path, get(handler));
        self
    }

    fn post<H: Handler<T, App>, T: 'static>(mut self, path: &'static str, handler: H) -> Pages {
        self.routes.push(("POST", path));
        self.router = self.router.route(path, post(handler));
        self
    }

    /// These pages with a larger body limit than the rest.
    fn with_body_limit(mut self, limit: usize) -> Pages {
        self.router = self
            .router
            .layer(axum::extract::DefaultBodyLimit::max(limit));
        self
    }

    fn merge(mut self, other: Pages) -> Pages {
        self.router = self.router.merge(other.router);
        self.routes.extend(other.routes);
        self
    }
}

fn pages(upload_limit: usize) -> Pages {
    // Forms that carry files (scans, signing keys) get the attachment limit.
    let uploads = Pages::new()
        .post("/de-nghi/{id}/dinh-kem", changes::upload)
        .post("/phe-duyet/lo/{id}/ky", changes::sign)
        .post("/ho-so/{id}/bien-dong", movements::submit)
        .post("/ho-so/{id}/phien-ban/{version}/dinh-kem", record::attach)
        .post("/quan-tri/mau-van-ban/{kind}", templates::upload)
        .with_body_limit(upload_limit);
    // Spreadsheets to import: larger than scans.
    let imports_upload = Pages::new()
        .post(imports::UPLOAD_PATH, imports::upload)
        .post(handovers::RECEIVE_PATH, handovers::receive)
        .with_body_limit(imports::MAX_UPLOAD);
    Pages::new()
        .merge(uploads)
        .merge(imports_upload)
        .get("/de-nghi", changes::mine)
        .post("/de-nghi", changes::create)
        .get("/de-nghi/{id}", changes::show)
        .get("/de-nghi/{id}/sua/{section}", changes::edit_form)
        .post("/de-nghi/{id}/sua/{section}", changes::edit_submit)
        .get("/de-nghi/{id}/dinh-kem/{sha}", changes::download)
        .post("/de-nghi/{id}/dinh-kem/{sha}/xoa", changes::detach)
        .post("/de-nghi/{id}/{action}", changes::act)
        .get("/xac-thuc", changes::queue)
        .get("/phe-duyet", changes::approvals)
        .post("/phe-duyet/lo", changes::prepare)
        .get("/phe-duyet/lo/{id}", changes::batch)
        .post("/phe-duyet/lo/{id}/huy", changes::abandon)
        .post("/phe-duyet/lo/{id}/bo-ra", changes::leave_out)
        .post("/phe-duyet/tra-lai", changes::return_record)
        .post("/ho-so/{id}/gui-lai-phe-duyet", record::resubmit)
        .get("/", home::home)
        .get(LOGIN_PATH, auth::form)
        .post(LOGIN_PATH, auth::submit)
        .post("/dang-xuat", auth::logout)
        .get(PASSWORD_PATH, auth::password_form)
        .post(PASSWORD_PATH, auth::password_submit)
        .get("/canh-bao", alerts::list)
        .get("/canh-bao/xuat-excel", alerts::export)
        .post(alerts::HANDLE_PATH, alerts::handle)
        .post(alerts::REOPEN_PATH, alerts::reopen)
        .get(alerts::RULES_PATH, alerts::rules)
        .get(deadline_report::PATH, deadline_report::page)
        .get(deadline_report::EXPORT_PATH, deadline_report::export)
        .get(payroll::PATH, payroll::page)
        .get(payroll::EXPORT_PATH, payroll::export)
        .post(payroll::RECORD_PATH, payroll::record)
        .post(payroll::CONSOLIDATE_PATH, payroll::consolidate)
        .get(payroll::SHEET_PATH, payroll::sheet)
        .get(payroll::SHEET_EXPORT_PATH, payroll::sheet_export)
        .get(periodic_reports::PATH, periodic_reports::page)
        .get(periodic_reports::EXPORT_PATH, periodic_reports::export)
        .post(periodic_reports::RECORD_PATH, periodic_reports::record)
        .get(periodic_reports::SHOW_PATH, periodic_reports::show)
        .post(periodic_reports::SIGN_PATH, periodic_reports::sign)
        .get(data_quality::PATH, data_quality::page)
        .get(data_quality::EXPORT_PATH, data_quality::export)
        .get(data_quality::RECORDS_PATH, data_quality::records)
        .get(
            data_quality::RECORDS_EXPORT_PATH,
            data_quality::records_export,
        )
        .get(data_quality::MONTHLY_PATH, data_quality::monthly)
        .get("/co-cau", org::tree)
        .get("/co-cau/con", org::children)
        .get(reorganisation::PATH, reorganisation::form)
        .post(reorganisation::PATH, reorganisation::submit)
        .get("/don-vi/{id}", org::unit)
        .get("/can-bo", staff::list)
        .get("/can-bo/xuat-excel", staff::export)
        .get(reports::PATH, reports::page)
        .get(reports::EXPORT_PATH, reports::export)
        .get(saved_searches::PATH, saved_searches::list)
        .post(saved_searches::PATH, saved_searches::save)
        .post(saved_searches::DELETE_PATH, saved_searches::delete)
        .get(report_forms::PATH, report_forms::list)
        .get(report_forms::FORM_PATH, report_forms::form)
        .get(report_forms::EXPORT_PATH, report_forms::export)
        .get(report_forms::PEOPLE_PATH, report_forms::people)
        .get("/ho-so/{id}", record::show)
        .get("/ho-so/{id}/phien-ban/{version}", record::version_diff)
        .get("/ho-so/{id}/ban-quet/{sha}", record::scan)
        .get(documents::FORM_2C_PATH, documents::form_2c)
        .get(documents::UNIT_FORM_2C_PATH, documents::unit_form_2c)
        .get("/ho-so/{id}/sua/{section}", record::edit_form)
        .post("/ho-so/{id}/sua/{section}", record::edit_submit)
        .get(holidays::PATH, holidays::page)
        .post(holidays::PATH, holidays::put_year)
        .post("/lich-nghi/them", holidays::add_day)
        .post("/lich-nghi/xoa", holidays::remove_day)
        .get("/ho-so/{id}/truy-cap", record_access::show)
        .post("/ho-so/{id}/truy-cap", record_access::add)
        .post(
            "/ho-so/{id}/truy-cap/{grant}/thu-hoi",
            record_access::revoke,
        )
        .get(record_access::SHARED_PATH, record_access::shared)
        .get(oidc::START_PATH, oidc::start)
        .get(oidc::CALLBACK_PATH, oidc::callback)
        .get(assets::HTMX_PATH, assets::htmx)
        .post("/doi-mat-khau/kiem-tra", account::password_check)
        .get("/tai-khoan", account::overview)
        .get("/tai-khoan/phien", account::sessions)
        .post("/tai-khoan/phien/{id}/ket-thuc", account::end_session)
        .get(account::TOTP_PATH, account::totp)
        .post("/tai-khoan/xac-thuc-hai-lop/bat-dau", account::totp_start)
        .post(
            "/tai-khoan/xac-thuc-hai-lop/xac-nhan",
            account::totp_confirm,
        )
        .get("/tai-khoan/ai-da-xem", audit::my_reads)
        .get("/quan-tri/tai-khoan", admin_accounts::list)
        .get("/quan-tri/tai-khoan/moi", admin_accounts::new_form)
        .post("/quan-tri/tai-khoan/moi", admin_accounts::create)
        .get("/quan-tri/tai-khoan/{id}", admin_accounts::show)
        .post(
            "/quan-tri/tai-khoan/{id}/cap-quyen",
            admin_accounts::add_grant,
        )
        .post(
            "/quan-tri/tai-khoan/{id}/quyen/{grant}/doi",
            admin_accounts::change_grant,
        )
        .post(
            "/quan-tri/tai-khoan/{id}/quyen/{grant}/thu-hoi",
            admin_accounts::revoke_grant,
        )
        .post(
            "/quan-tri/tai-khoan/{id}/dat-lai-mat-khau",
            admin_accounts::reset_password,
        )
        .get(templates::PATH, templates::list)
        .get(backups::PATH, backups::list)
        .post(backups::PATH, backups::request)
        .post("/quan-tri/sao-luu/{id}/kiem-tra", backups::verify)
        .get("/quan-tri/mau-van-ban/{kind}/tai-ve", templates::download)
        .post("/quan-tri/mau-van-ban/{kind}/mac-dinh", templates::reset)
        .get(
            "/bien-dong/{id}/van-ban/{kind}",
            templates::movement_document,
        )
        .get("/ho-so/{id}/van-ban/{kind}", templates::person_document)
        .get(movements::INBOX_PATH, movements::inbox)
        .get("/bien-dong/{id}", movements::show)
        .post("/bien-dong/{id}/tra-loi", movements::answer)
        .post("/bien-dong/{id}/huy", movements::cancel)
        .get("/bien-dong/{id}/ban-quet", movements::scan)
        .get("/ho-so/{id}/bien-dong", movements::form)
        .get("/ho-so/{id}/ban-giao", handovers::show)
        .post("/ho-so/{id}/ban-giao", handovers::hand_over)
        .get("/ban-giao/{id}/goi", handovers::package)
        .post("/ban-giao/{id}/xac-nhan", handovers::confirm)
        .post("/ban-giao/{id}/bao-cao", handovers::report)
        .get(handovers::RECEIVE_PATH, handovers::receive_form)
        .get("/ho-so/{id}/trang-thai", status_decisions::form)
        .post("/ho-so/{id}/trang-thai", status_decisions::submit)
        .post("/quyet-dinh-trang-thai/{id}/huy", status_decisions::cancel)
        .get(personal_accounts::PATH, personal_accounts::list)
        .post(
            personal_accounts::ISSUE_UNIT_PATH,
            personal_accounts::issue_unit,
        )
        .post(
            "/ho-so/{id}/tai-khoan-ca-nhan",
            personal_accounts::issue_one,
        )
        .get(
            personal_accounts::ACTIVATE_PATH,
            personal_accounts::activate_form,
        )
        .post(
            personal_accounts::ACTIVATE_PATH,
            personal_accounts::activate_submit,
        )
        .get("/quan-tri/danh-muc", admin_catalogs::list)
        .get("/quan-tri/danh-muc/{name}", admin_catalogs::items)
        .post("/quan-tri/danh-muc/{name}", admin_catalogs::put_item)
        .post("/quan-tri/danh-muc/{name}/ngung", admin_catalogs::retire)
        .get(admin_jobs::PATH, admin_jobs::list)
        .post("/quan-tri/cong-viec/{id}/chay-lai", admin_jobs::retry)
        .post("/quan-tri/cong-viec/{id}/huy", admin_jobs::cancel)
        .get("/quan-tri/nhat-ky", audit::search)
        .get("/quan-tri/nhat-ky/xuat-excel", audit::export)
        .get(person_new::PATH, person_new::form)
        .post(person_new::PATH, person_new::submit)
        .get("/static/app.css", assets::css)
        .get("/static/app.js", assets::js)
        .get(imports::PATH, imports::page)
        .get(imports::ERRORS_PATH, imports::errors)
        .get(imports::TEMPLATE_PATH, imports::template)
        .get(imports::UNIT_EXPORT_PATH, imports::unit_export)
        .post(imports::RUN_PATH, imports::run)
        .get(imports::JOB_PATH, imports::job)
        .post(imports::CANCEL_PATH, imports::cancel)
        .post(imports::SAVE_MAPPING_PATH, imports::save_mapping)
        .post(imports::DELETE_MAPPING_PATH, imports::delete_mapping)
}

/// The synchronizer token of a session: `hex(sha256("csrf:" + session token))`. It can only be
/// computed by someone who knows the session token, which a cross-site page does not.
pub fn csrf_token(session_token: &str) -> String {
    hex::encode(Sha256::digest(format!("csrf:{session_token}").as_bytes()))
}

/// A message for the page a form redirects to, as query pairs (`loi=…&ky=…` for an error,
/// `xong=…&ky=…` for a confirmation), signed for the session that caused it. A page shows a
/// message from its URL only through [`Flash::message`], which checks the signature, so a
/// link cannot make the site say anything (`?loi=<any text>` is not shown).
pub fn flash_query(page: &PageActor, kind: &'static str, message: &str) -> String {
    format!(
        "{kind}={}&ky={}",
        format::url_encode(message),
        flash_tag(&page.csrf, kind, message)
    )
}

/// After a form: back to `to` (a path, maybe with `#anchor`) with the outcome as a signed
/// message — what was done, or why the workflow refused it. Other errors are the error page.
pub(crate) fn back_with_message(
    page: &PageActor,
    to: &str,
    result: Result<String, AppError>,
) -> PageResult {
    let flash = match result {
        Ok(done) => flash_query(page, "xong", &done),
        Err(
            e @ (AppError::BadRequest(_)
            | AppError::Conflict(_)
            | AppError::Invalid(_)
            | AppError::Duplicate { .. }),
        ) => flash_query(page, "loi", &e.to_string()),
        Err(e) => return Err(e.into()),
    };
    let (path, anchor) = to.split_once('#').unwrap_or((to, ""));
    let anchor = if anchor.is_empty() {
        String::new()
    } else {
        format!("#{anchor}")
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{path}{sep}{flash}{anchor}")).into_response())
}

fn flash_tag(csrf: &str, kind: &str, message: &str) -> String {
    let digest = Sha256::digest(format!("flash:{csrf}\0{kind}\0{message}").as_bytes());
    hex::encode(&digest[..16])
}

/// The signed messages a page may receive from the form that sent the browser there.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Flash {
    loi: Option<String>,
    xong: Option<String>,
    ky: Option<String>,
}

impl Flash {
    /// The message of `kind` (`"loi"` or `"xong"`), when the server signed it for this session.
    pub fn message(&self, page: &PageActor, kind: &str) -> Option<String> {
        let text = match kind {
            "loi" => self.loi.as_ref()?,
            "xong" => self.xong.as_ref()?,
            _ => return None,
        };
        let tag = self.ky.as_deref()?;
        same_token(tag, &flash_tag(&page.csrf, kind, text)).then(|| text.clone())
    }
}

/// Constant-time comparison of two tokens.
pub(crate) fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A list page's address: its filters (those given), its order when not the default one, and its
/// page after the first.
pub(crate) fn list_url(
    base: &str,
    filters: &[(&str, &str)],
    (sort, default_sort): (&str, &str),
    descending: bool,
    page: Option<usize>,
) -> String {
    let mut q: Vec<String> = filters
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(key, value)| format!("{key}={}", format::url_encode(value.trim())))
        .collect();
    if sort != default_sort || descending {
        q.push(format!("sort={sort}"));
    }
    if descending {
        q.push("dir=desc".into());
    }
    if let Some(page) = page.filter(|p| *p > 1) {
        q.push(format!("page={page}"));
    }
    if q.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", q.join("&"))
    }
}

/// The sortable headers of a list: each a link to the list sorted by its column, ascending
/// first, descending when it is the column sorted ascending already.
pub(crate) fn sort_headers(
    columns: &[(&'static str, &'static str)],
    (current, descending): (&str, bool),
    url: impl Fn(&str, bool) -> String,
) -> Vec<SortHeader> {
    columns
        .iter()
        .map(|(code, label)| {
            let active = *code == current;
            SortHeader::new(label, url(code, active && !descending), active, descending)
        })
        .collect()
}

/// A sortable column's header: where a click leads and its `aria-sort` ("ascending",
/// "descending" or "none").
pub struct SortHeader {
    pub label: &'static str,
    pub href: String,
    pub aria: &'static str,
}

impl SortHeader {
    /// The header of a column, `active` when the list is sorted by it (`desc`: descending).
    pub fn new(label: &'static str, href: String, active: bool, desc: bool) -> SortHeader {
        SortHeader {
            label,
            href,
            aria: match (active, desc) {
                (false, _) => "none",
                (true, true) => "descending",
                (true, false) => "ascending",
            },
        }
    }
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

    pub fn js_url(&self) -> &'static str {
        assets::js_url()
    }

    pub fn is(&self, nav: &str) -> bool {
        self.nav == nav
    }
}
