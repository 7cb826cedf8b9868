//! The HTTP interface: the JSON API (with its OpenAPI document) and, later, the pages.

pub mod api;
pub mod contract;
pub mod documents;
pub mod download;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod pages;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hoso_app::{App, Shutdown};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::error::ApiError;

/// The whole application as an axum router.
pub fn router(app: App) -> Router {
    // Multipart framing and zip packages need room beyond the file itself.
    let upload_limit = app
        .config()
        .attachment_max_bytes
        .max(app.config().max_body_bytes)
        + 256 * 1024;
    let (api, mut openapi) = api::router()
        .merge(api::uploads(upload_limit))
        .split_for_parts();
    api::document_error_contract(&mut openapi);
    let openapi_json = serde_json::to_string(&openapi).unwrap_or_else(|_| "{}".into());
    let swagger =
        utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/v1/openapi-ui.json", openapi);
    let max_body = app.config().max_body_bytes;
    let secure = app.config().secure_cookies;
    let observed = std::sync::Arc::new(metrics::Metrics::default());
    let counters = observed.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::scrape))
        .route("/readyz", get(readyz))
        .route(
            "/api/v1/openapi.json",
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    openapi_json.clone(),
                )
            }),
        )
        .merge(api)
        .merge(swagger)
        .merge(pages::router(upload_limit))
        .fallback(not_found)
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            metrics::observe(counters.clone(), req, next)
        }))
        .layer(axum::Extension(observed))
        .layer(middleware::from_fn(refuse_cross_site))
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            contract::clean_input(max_body, req, next)
        }))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(middleware::from_fn(contract::one_error_contract))
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            contract::security_headers(secure, req, next)
        }))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(app)
}

async fn healthz(State(app): State<App>) -> Response {
    match app.health().await {
        Ok(()) => axum::Json(serde_json::json!({"status": "ok"})).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Ready for traffic: the database answers and has every migration this version knows (a node
/// started before an upgrade's migration, or on a database not yet migrated, is not ready).
async fn readyz(State(app): State<App>) -> Response {
    match app.readiness().await {
        Ok(()) => axum::Json(serde_json::json!({"status": "ready"})).into_response(),
        Err(e) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", e.to_string())
            .into_response(),
    }
}

/// Browsers (Accept: text/html) get the Vietnamese 404 page; API clients the JSON error.
async fn not_found(headers: axum::http::HeaderMap) -> Response {
    if pages::wants_html(&headers) {
        return pages::not_found_page();
    }
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "Không tìm thấy địa chỉ yêu cầu.",
    )
    .into_response()
}

/// CSRF defence for cookie sessions: a state-changing request that the browser marks as
/// cross-site, or whose Origin is not this host, is refused. Bearer-token clients send neither
/// header and are unaffected.
async fn refuse_cross_site(req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let headers = req.headers();
        let cross_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site");
        let foreign_origin = match (
            headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
            headers.get(header::HOST).and_then(|v| v.to_str().ok()),
        ) {
            (Some(origin), Some(host)) => origin.split("://").nth(1) != Some(host),
            _ => false,
        };
        if cross_site || foreign_origin {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "cross_site_request",
                "Yêu cầu từ trang web khác bị từ chối.",
            )
            .into_response();
        }
    }
    next.run(req).await
}

/// Serves until Ctrl-C / SIGTERM.
pub async fn serve(app: App, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(app, listener).await
}

/// Serves on `listener` until Ctrl-C / SIGTERM.
pub async fn serve_on(app: App, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let shutdown = Shutdown::new();
    shutdown.on_signals();
    serve_until(app, listener, shutdown).await
}

/// Serves on `listener` until `shutdown` is requested: then stops accepting connections, lets
/// the requests in flight finish (each is bounded by the 60-second request timeout) and returns.
pub async fn serve_until(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: Shutdown,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown.requested())
    .await
}
