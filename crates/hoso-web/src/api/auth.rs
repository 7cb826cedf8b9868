//! Sign-in, sign-out and the acting account.

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::IntoResponse;
use hoso_app::App;
use hoso_app::accounts::MeView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client, SESSION_COOKIE};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username; for personal accounts, the 12-digit số định danh cá nhân.
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for API clients (browsers get the same token as an HttpOnly cookie).
    pub token: String,
    pub account: MeView,
}

/// Sign in.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(app): State<App>,
    Client(client): Client,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    if req.username.len() > 128 || req.password.len() > 1024 {
        return Err(hoso_app::AppError::BadCredentials.into());
    }
    let (token, actor) = app.login(&req.username, &req.password, &client).await?;
    let secure = if app.config().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        app.config().session_minutes * 60
    );
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        headers.insert(SET_COOKIE, v);
    }
    Ok((
        headers,
        Json(LoginResponse {
            token,
            account: app.me(&actor),
        }),
    ))
}

/// Sign out: ends this session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
) -> ApiResult<impl IntoResponse> {
    app.logout(&actor, &client).await?;
    let mut headers = HeaderMap::new();
    headers.insert(
        SET_COOKIE,
        HeaderValue::from_static("hoso_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok((axum::http::StatusCode::NO_CONTENT, headers))
}

/// The acting account: username, roles, the units it may act on.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = MeView), (status = 401, body = ErrorBody)))]
pub async fn me(State(app): State<App>, Authenticated(actor): Authenticated) -> Json<MeView> {
    Json(app.me(&actor))
}
