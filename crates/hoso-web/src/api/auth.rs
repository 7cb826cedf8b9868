//! Sign-in, sign-out, the acting account, its password and its sessions.

use crate::extract::Query;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use hoso_app::accounts::MeView;
use hoso_app::security::{ChangePassword, RecordReadView, SessionView};
use hoso_app::totp::{TotpCode, TotpEnrolment};
use hoso_app::{App, Page};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::accounts::PageQuery;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client, SESSION_COOKIE, SignedIn};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username; for personal accounts, the 12-digit số định danh cá nhân.
    pub username: String,
    pub password: String,
    /// Six-digit code of the authenticator app, for accounts with a second factor.
    pub totp: Option<String>,
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
    let (token, actor) = app
        .login(&req.username, &req.password, req.totp.as_deref(), &client)
        .await?;
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
    SignedIn(actor): SignedIn,
    Client(client): Client,
) -> ApiResult<impl IntoResponse> {
    app.logout(&actor, &client).await?;
    let mut headers = HeaderMap::new();
    headers.insert(
        SET_COOKIE,
        HeaderValue::from_static("hoso_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok((StatusCode::NO_CONTENT, headers))
}

/// The acting account: username, roles, the units it may act on, and whether it must change
/// its password before anything else.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = MeView), (status = 401, body = ErrorBody)))]
pub async fn me(State(app): State<App>, SignedIn(actor): SignedIn) -> Json<MeView> {
    Json(app.me(&actor))
}

/// Change one's own password (policy of the regulations; none of the last five).
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", request_body = ChangePassword,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_password(
    State(app): State<App>,
    SignedIn(actor): SignedIn,
    Client(client): Client,
    ApiJson(input): ApiJson<ChangePassword>,
) -> ApiResult<StatusCode> {
    app.change_own_password(&actor, input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One's own live sessions (the one of this request is `current`).
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "auth",
    responses((status = 200, body = Vec<SessionView>), (status = 401, body = ErrorBody)))]
pub async fn sessions(
    State(app): State<App>,
    SignedIn(actor): SignedIn,
) -> ApiResult<Json<Vec<SessionView>>> {
    Ok(Json(app.my_sessions(&actor).await?))
}

/// End one of one's own sessions.
#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "auth", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn end_session(
    State(app): State<App>,
    SignedIn(actor): SignedIn,
    Client(client): Client,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    app.end_my_session(&actor, &id, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who read my record, and when (personal accounts).
#[utoipa::path(get, path = "/api/v1/me/record-reads", tag = "auth", params(PageQuery),
    responses((status = 200, body = Page<RecordReadView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn record_reads(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<RecordReadView>>> {
    Ok(Json(
        app.my_record_reads(&actor, q.page, q.per_page, &client)
            .await?,
    ))
}

/// Start enrolling a TOTP second factor: answers the secret and the `otpauth://` URL for the
/// authenticator app. Not required at sign-in until confirmed.
#[utoipa::path(post, path = "/api/v1/me/totp", tag = "auth",
    responses((status = 200, body = TotpEnrolment), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn start_totp(
    State(app): State<App>,
    SignedIn(actor): SignedIn,
    Client(client): Client,
) -> ApiResult<Json<TotpEnrolment>> {
    Ok(Json(app.start_totp(&actor, &client).await?))
}

/// Confirm the second factor with a first code; from then on sign-in needs `totp`.
#[utoipa::path(post, path = "/api/v1/me/totp/confirm", tag = "auth", request_body = TotpCode,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn confirm_totp(
    State(app): State<App>,
    SignedIn(actor): SignedIn,
    Client(client): Client,
    ApiJson(input): ApiJson<TotpCode>,
) -> ApiResult<StatusCode> {
    app.confirm_totp(&actor, input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
