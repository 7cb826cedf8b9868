//! The request guard and the one error contract, applied to every route by [`crate::router`]:
//!
//! - [`clean_input`] refuses, before any handler runs, a URI longer than [`MAX_URI_BYTES`]
//!   (414), a path or query parameter holding a control character, and a form body
//!   (`application/x-www-form-urlencoded`) holding one other than tab and line breaks (400);
//! - [`one_error_contract`] turns every error answer that is neither JSON nor HTML (axum's own
//!   plain-text rejections of paths, forms and bodies, 405, 408, 413…) into the JSON error with a
//!   Vietnamese message under `/api/`, and into the Vietnamese error page elsewhere.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hoso_domain::text::{control_character, control_character_problem};

use crate::error::ApiError;
use crate::extract::{Refusal, query_control_character};

/// The longest URI answered (hyper itself refuses much longer ones with an empty 414).
pub const MAX_URI_BYTES: usize = 8 * 1024;

fn refuse(path: &str, status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    Refusal::at(path, ApiError::new(status, code, message)).into_response()
}

/// See the module documentation. `max_body` bounds the form bodies it reads.
pub async fn clean_input(max_body: usize, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let uri_len = req
        .uri()
        .path_and_query()
        .map_or(path.len(), |p| p.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return refuse(
            &path,
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("Địa chỉ yêu cầu quá dài (tối đa {MAX_URI_BYTES} byte)."),
        );
    }
    // Percent-decoded as a query would be (every byte ends up in a name or a value).
    let in_path = form_urlencoded::parse(path.as_bytes())
        .find_map(|(k, v)| control_character(&k, false).or_else(|| control_character(&v, false)));
    if let Some(c) = in_path {
        return refuse(
            &path,
            StatusCode::BAD_REQUEST,
            "control_character",
            format!("Địa chỉ yêu cầu {}", control_character_problem(c)),
        );
    }
    if let Some(message) = req.uri().query().and_then(query_control_character) {
        return refuse(&path, StatusCode::BAD_REQUEST, "control_character", message);
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, max_body).await else {
        return refuse(
            &path,
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Nội dung gửi lên quá lớn.",
        );
    };
    let bad = form_urlencoded::parse(&bytes).find_map(|(k, v)| {
        control_character(&k, false)
            .or_else(|| control_character(&v, true))
            .map(control_character_problem)
    });
    if let Some(problem) = bad {
        return refuse(
            &path,
            StatusCode::BAD_REQUEST,
            "control_character",
            format!("Một ô trong biểu mẫu {problem}"),
        );
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The Vietnamese message of an error status whose answer came without one.
fn message_of(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::BAD_REQUEST => (
            "bad_request",
            "Yêu cầu không hợp lệ: địa chỉ hoặc tham số không đúng định dạng.",
        ),
        StatusCode::NOT_FOUND => ("not_found", "Không tìm thấy địa chỉ yêu cầu."),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "Địa chỉ này không nhận thao tác (phương thức HTTP) đã gửi.",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            "Yêu cầu xử lý quá lâu và đã bị dừng. Vui lòng thử lại.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "Nội dung gửi lên quá lớn."),
        StatusCode::URI_TOO_LONG => ("uri_too_long", "Địa chỉ yêu cầu quá dài."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "Kiểu nội dung gửi lên không được hỗ trợ.",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "invalid_body",
            "Dữ liệu gửi lên không đúng cấu trúc của biểu mẫu.",
        ),
        s if s.is_server_error() => (
            "internal",
            "Lỗi hệ thống. Vui lòng thử lại sau hoặc liên hệ quản trị hệ thống.",
        ),
        _ => ("bad_request", "Yêu cầu không hợp lệ."),
    }
}

/// See the module documentation.
pub async fn one_error_contract(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/json") || content_type.starts_with("text/html") {
        return response;
    }
    let (code, message) = message_of(status);
    let mut answer = refuse(&path, status, code, message);
    // Keep what the client needs from the original (Allow on 405, Retry-After…).
    for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(v) = response.headers().get(&name) {
            answer.headers_mut().insert(name, v.clone());
        }
    }
    answer
}

/// The Content-Security-Policy of the API documentation page (Swagger UI: its own scripts and
/// styles, inline style attributes, data: images).
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// Headers of every response: nothing is cached unless the response says otherwise (API
/// answers carry personal data; only the fingerprinted assets are cacheable), the API
/// documentation page gets its CSP, and with secure cookies the browser is told to use HTTPS
/// only (HSTS).
pub async fn security_headers(secure: bool, req: Request, next: Next) -> Response {
    let docs = req.uri().path().starts_with("/api/docs");
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
    if docs && !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static(DOCS_CSP),
        );
    }
    if secure {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            axum::http::HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}
