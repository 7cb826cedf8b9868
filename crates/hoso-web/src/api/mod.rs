//! The JSON API under `/api/v1`. Handlers are thin: extract, call one use case, answer.

pub mod accounts;
pub mod alerts;
pub mod approvals;
pub mod audit;
pub mod auth;
pub mod catalogs;
pub mod changes;
pub mod digest;
pub mod documents;
pub mod holidays;
pub mod jobs;
pub mod org;
pub mod persons;
pub mod record_access;
pub mod reports;

use hoso_app::App;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Hoso API", description = "Hồ sơ điện tử cán bộ, công chức, viên chức — JSON API"),
    tags(
        (name = "auth", description = "Đăng nhập, phiên làm việc"),
        (name = "org", description = "Cơ cấu tổ chức"),
        (name = "persons", description = "Hồ sơ cán bộ, công chức, viên chức"),
        (name = "accounts", description = "Tài khoản"),
        (name = "alerts", description = "Cảnh báo, thời hạn"),
        (name = "catalogs", description = "Danh mục"),
        (name = "audit", description = "Nhật ký truy cập, thao tác"),
        (name = "changes", description = "Phiếu bổ sung lý lịch, xác thực"),
        (name = "approvals", description = "Phê duyệt bằng chữ ký số"),
        (name = "jobs", description = "Việc nền"),
        (name = "reports", description = "Báo cáo, thống kê và xuất tệp trên dữ liệu tra cứu"),
    )
)]
struct ApiDoc;

/// Every API route, registered together with its OpenAPI description so the two cannot drift.
pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(org::list, org::create))
        .routes(routes!(org::get, org::change))
        .routes(routes!(persons::list, persons::create))
        .routes(routes!(persons::get))
        .routes(routes!(persons::update))
        .routes(routes!(persons::versions))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::sessions))
        .routes(routes!(auth::end_session))
        .routes(routes!(auth::record_reads))
        .routes(routes!(auth::start_totp))
        .routes(routes!(auth::confirm_totp))
        .routes(routes!(accounts::list, accounts::create))
        .routes(routes!(accounts::reset_password))
        .routes(routes!(accounts::add_grant))
        .routes(routes!(accounts::change_grant, accounts::revoke_grant))
        .routes(routes!(audit::search))
        .routes(routes!(alerts::list))
        .routes(routes!(alerts::summary))
        .routes(routes!(alerts::preview))
        .routes(routes!(alerts::deadline_rules))
        .routes(routes!(alerts::deadline_report))
        .routes(routes!(catalogs::list))
        .routes(routes!(catalogs::items))
        .routes(routes!(catalogs::put))
        .routes(routes!(catalogs::retire))
        .routes(routes!(persons::version))
        .routes(routes!(holidays::year, holidays::put_year))
        .routes(routes!(holidays::add_day))
        .routes(routes!(holidays::remove_day))
        .routes(routes!(digest::get, digest::put))
        .routes(routes!(changes::mine, changes::create))
        .routes(routes!(changes::get, changes::save))
        .routes(routes!(changes::submit))
        .routes(routes!(changes::withdraw))
        .routes(routes!(changes::verify))
        .routes(routes!(changes::send_back))
        .routes(routes!(changes::queue))
        .routes(routes!(changes::of_person))
        .routes(routes!(changes::download, changes::detach))
        .routes(routes!(approvals::queue))
        .routes(routes!(approvals::list, approvals::prepare))
        .routes(routes!(approvals::get))
        .routes(routes!(approvals::sign))
        .routes(routes!(approvals::abandon))
        .routes(routes!(approvals::manifest))
        .routes(routes!(approvals::signature))
        .routes(routes!(approvals::of_person))
        .routes(routes!(approvals::package))
        .routes(routes!(record_access::list, record_access::grant))
        .routes(routes!(record_access::revoke))
        .routes(routes!(record_access::shared))
        .routes(routes!(record_access::reset_totp))
        .routes(routes!(jobs::list))
        .routes(routes!(jobs::get))
        .routes(routes!(jobs::retry))
        .routes(routes!(jobs::cancel))
        .routes(routes!(reports::run))
        .routes(routes!(reports::export))
        .routes(routes!(documents::form_2c))
}

/// Routes that take files: their own body limit (the attachment limit), larger than the JSON one.
pub fn uploads(limit: usize) -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(changes::attach))
        .routes(routes!(approvals::verify_package))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
}
