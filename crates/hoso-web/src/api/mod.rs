//! The JSON API under `/api/v1`. Handlers are thin: extract, call one use case, answer.

pub mod accounts;
pub mod auth;
pub mod org;
pub mod persons;

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
        .routes(routes!(accounts::list))
}
