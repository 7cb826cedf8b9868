//! Sign-in through the province's shared account system (OpenID Connect): the redirect to the
//! provider and its answer. The state travels in a cookie scoped to these two paths, so an
//! answer is only accepted in the browser that started the sign-in.

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hoso_app::App;
use serde::Deserialize;

use super::auth::{cookie_of, session_cookie};
use super::{Layout, PageError, error_page};
use crate::extract::Client;

const STATE_COOKIE: &str = "hoso_oidc_state";
pub const START_PATH: &str = "/auth/oidc/start";
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";

fn state_cookie(app: &App, value: &str, max_age: i64) -> Option<HeaderValue> {
    let secure = if app.config().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    // Lax: the provider sends the browser back with a top-level GET from its own site.
    HeaderValue::from_str(&format!(
        "{STATE_COOKIE}={value}; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .ok()
}

pub async fn start(State(app): State<App>) -> Result<Response, PageError> {
    let begun = app.oidc_begin().await?;
    let mut response = Redirect::to(&begun.authorize_url).into_response();
    if let Some(v) = state_cookie(&app, &begun.state, 600) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
/// What the identity provider sends back. Providers add parameters of their own (`iss`,
/// `session_state`, `scope`…), so this is the one page that reads its query with axum's
/// lenient `Query` rather than `extract::Query` (control characters are still refused for
/// every route by `contract::clean_input`).
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

pub async fn callback(
    State(app): State<App>,
    Client(client): Client,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let layout = Layout {
        title: "Đăng nhập bằng tài khoản dùng chung".into(),
        ..Layout::default()
    };
    let (Some(code), Some(state), None) = (q.code, q.state, q.error) else {
        return Ok(error_page(
            StatusCode::BAD_REQUEST,
            &layout,
            "Đăng nhập không thành công",
            "Hệ thống tài khoản dùng chung không xác nhận việc đăng nhập (bạn đã hủy, hoặc phiên đăng nhập hết hạn). Vui lòng thử lại hoặc đăng nhập bằng mật khẩu.",
        ));
    };
    let expected = cookie_of(&headers, STATE_COOKIE);
    let outcome = app
        .oidc_finish(&code, &state, expected.as_deref(), &client)
        .await;
    let mut response = match outcome {
        Ok((token, _)) => {
            let mut r = Redirect::to("/").into_response();
            if let Ok(v) = HeaderValue::from_str(&session_cookie(&app, &token)) {
                r.headers_mut().append(SET_COOKIE, v);
            }
            r
        }
        Err(hoso_app::AppError::BadRequest(message)) => error_page(
            StatusCode::FORBIDDEN,
            &layout,
            "Đăng nhập không thành công",
            &message,
        ),
        Err(e) => PageError::App(e).into_response(),
    };
    if let Some(v) = state_cookie(&app, "", 0) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    Ok(response)
}
