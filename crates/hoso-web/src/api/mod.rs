//! The JSON API under `/api/v1`. Handlers are thin: extract, call one use case, answer.

pub mod accounts;
pub mod alerts;
pub mod approvals;
pub mod audit;
pub mod auth;
pub mod backups;
pub mod catalogs;
pub mod changes;
pub mod data_quality;
pub mod digest;
pub mod documents;
pub mod handovers;
pub mod holidays;
pub mod jobs;
pub mod movements;
pub mod org;
pub mod payroll;
pub mod personal_accounts;
pub mod persons;
pub mod record_access;
pub mod reports;
pub mod saved_searches;
pub mod status_decisions;
pub mod templates;

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
        (name = "movements", description = "Biến động: điều động, luân chuyển, biệt phái"),
        (name = "payroll", description = "Bảng lương hằng tháng"),
        (name = "reports", description = "Báo cáo, thống kê và xuất tệp trên dữ liệu tra cứu"),
        (name = "documents", description = "Mẫu văn bản: quyết định, thông báo, biên bản, phiếu bàn giao"),
        (name = "operations", description = "Vận hành: sao lưu, khôi phục"),
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
        .routes(routes!(org::reorganise))
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
        .routes(routes!(personal_accounts::list))
        .routes(routes!(
            personal_accounts::of_person,
            personal_accounts::issue
        ))
        .routes(routes!(personal_accounts::issue_for_unit))
        .routes(routes!(personal_accounts::issue_for_unit_sheet))
        .routes(routes!(personal_accounts::activate))
        .routes(routes!(movements::inbox))
        .routes(routes!(movements::get))
        .routes(routes!(movements::answer))
        .routes(routes!(movements::cancel))
        .routes(routes!(movements::scan))
        .routes(routes!(audit::search))
        .routes(routes!(alerts::list))
        .routes(routes!(alerts::summary))
        .routes(routes!(alerts::preview))
        .routes(routes!(alerts::mark_handled))
        .routes(routes!(alerts::reopen))
        .routes(routes!(alerts::deadline_rules))
        .routes(routes!(alerts::deadline_report))
        .routes(routes!(
            alerts::periodic_reports,
            alerts::record_report_sent
        ))
        .routes(routes!(payroll::overview))
        .routes(routes!(payroll::record_sheet))
        .routes(routes!(payroll::sheet))
        .routes(routes!(payroll::consolidate))
        .routes(routes!(alerts::report_manifest))
        .routes(routes!(alerts::sign_report))
        .routes(routes!(alerts::report_signature))
        .routes(routes!(data_quality::report))
        .routes(routes!(data_quality::export))
        .routes(routes!(data_quality::records))
        .routes(routes!(data_quality::records_export))
        .routes(routes!(data_quality::monthly))
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
        .routes(routes!(approvals::leave_out))
        .routes(routes!(approvals::returned))
        .routes(routes!(approvals::return_record))
        .routes(routes!(approvals::resubmit_record))
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
        .routes(routes!(reports::forms))
        .routes(routes!(reports::form))
        .routes(routes!(reports::form_export))
        .routes(routes!(reports::form_people))
        .routes(routes!(saved_searches::list, saved_searches::save))
        .routes(routes!(saved_searches::delete))
        .routes(routes!(documents::form_2c))
        .routes(routes!(documents::unit_form_2c))
        .routes(routes!(templates::list))
        .routes(routes!(templates::download, templates::reset))
        .routes(routes!(handovers::of_person, handovers::hand_over))
        .routes(routes!(handovers::package))
        .routes(routes!(handovers::confirm))
        .routes(routes!(handovers::report))
        .routes(routes!(templates::movement_document))
        .routes(routes!(templates::person_document))
        .routes(routes!(backups::list, backups::request))
        .routes(routes!(backups::verify))
}

/// Routes that take files: their own body limit (the attachment limit), larger than the JSON one.
pub fn uploads(limit: usize) -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(changes::attach))
        .routes(routes!(approvals::verify_package))
        .routes(routes!(movements::propose, movements::of_person))
        .routes(routes!(
            status_decisions::decide,
            status_decisions::of_person
        ))
        .routes(routes!(status_decisions::cancel))
        .routes(routes!(handovers::receive))
        .routes(routes!(templates::upload))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
}

/// Documents on every operation the error statuses that the shared mechanisms answer, whatever
/// the handler: malformed paths and query parameters, control characters and too-long URIs
/// (`crate::contract`, `crate::extract::Query`: 400, 414), sign-in and the forced password
/// change (`Authenticated`: 401, 403), a path, parameter or body naming nothing (404), bodies that are too large,
/// not JSON or of the wrong shape (`ApiJson`: 413, 415, 422), and the server error (500). Each is
/// the JSON error (`ErrorBody`) with a Vietnamese message.
pub fn document_error_contract(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let public = path == "/api/v1/auth/login";
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let has_path_params = op.parameters.iter().flatten().any(|p| match p {
                RefOr::T(p) => p.parameter_in == ParameterIn::Path,
                RefOr::Ref(_) => false,
            });
            let has_query_params = op.parameters.iter().flatten().any(|p| match p {
                RefOr::T(p) => p.parameter_in == ParameterIn::Query,
                RefOr::Ref(_) => false,
            });
            let has_body = op.request_body.is_some();
            let mut statuses = vec![
                (
                    "400",
                    "Yêu cầu không hợp lệ (tham số, địa chỉ hoặc nội dung).",
                ),
                ("414", "Địa chỉ yêu cầu quá dài."),
                ("500", "Lỗi hệ thống."),
            ];
            if !public {
                statuses.push(("401", "Chưa đăng nhập hoặc phiên đã hết hạn."));
                statuses.push((
                    "403",
                    "Không có quyền, hoặc phải đổi mật khẩu / bật xác thực hai lớp trước.",
                ));
            }
            // A unit, person or version may be named in the path, a query parameter (`unit`) or
            // the body (`parent_id`, `unit_id`).
            if has_path_params || has_query_params || has_body {
                statuses.push(("404", "Không tìm thấy (hoặc ngoài phạm vi được xem)."));
            }
            if has_body {
                statuses.push(("413", "Nội dung gửi lên quá lớn."));
                statuses.push(("415", "Kiểu nội dung gửi lên không được hỗ trợ."));
                statuses.push((
                    "422",
                    "Nội dung gửi lên không đúng cấu trúc hoặc chưa hợp lệ.",
                ));
            }
            for (status, description) in statuses {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| error(description));
            }
        }
    }
}
