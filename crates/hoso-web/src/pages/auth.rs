//! Sign-in and sign-out pages.

use crate::extract::Query;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hoso_app::{App, AppError};
use rand::RngCore;
use serde::Deserialize;

use super::{Layout, PageActor, PageError, csrf_token, render_status, same_token};
use crate::extract::{Client, SESSION_COOKIE};

/// Cookie holding the token of the anonymous forms under `/dang-nhap` (sign-in, activation;
/// double submit: the form must echo it).
pub(super) const LOGIN_CSRF_COOKIE: &str = "hoso_login_csrf";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
    /// Sign-in through the shared account system is configured.
    oidc: bool,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only same-site paths are followed after signing in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.into(),
        _ => "/".into(),
    }
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

/// The session cookie for a new session's token.
pub(super) fn session_cookie(app: &App, token: &str) -> String {
    let secure = if app.config().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        app.config().session_minutes * 60
    )
}

pub(super) fn cookie_of(headers: &HeaderMap, name: &str) -> Option<String> {
    cookie_value(headers, name)
}

/// The anonymous forms' token: the one the browser holds, or a fresh one with the cookie that
/// gives it to the browser.
pub(super) fn anonymous_token(app: &App, token: Option<String>) -> (String, Option<HeaderValue>) {
    if let Some(t) = token.filter(|t| t.len() == 64) {
        return (t, None);
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let secure = if app.config().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie =
        format!("{LOGIN_CSRF_COOKIE}={token}; Path=/dang-nhap; HttpOnly; SameSite=Strict{secure}");
    (token, HeaderValue::from_str(&cookie).ok())
}

/// Whether an anonymous form echoes the token of the browser's cookie.
pub(super) fn anonymous_token_ok(headers: &HeaderMap, sent: Option<&str>) -> bool {
    match (cookie_value(headers, LOGIN_CSRF_COOKIE), sent) {
        (Some(c), Some(sent)) => same_token(&csrf_token(&c), sent),
        _ => false,
    }
}

fn login_page(
    app: &App,
    status: StatusCode,
    token: Option<String>,
    next: String,
    username: String,
    error: Option<String>,
) -> Response {
    let (token, cookie) = anonymous_token(app, token);
    let page = LoginPage {
        layout: Layout {
            title: "Đăng nhập".into(),
            ..Layout::default()
        },
        csrf: csrf_token(&token),
        next,
        username,
        error,
        oidc: app.oidc_enabled(),
    };
    let mut response = render_status(status, &page);
    if let Some(cookie) = cookie {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

pub async fn form(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    // Already signed in: go straight on.
    if let Some(token) = cookie_value(&headers, SESSION_COOKIE)
        && app.authenticate(&token).await.is_ok()
    {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    login_page(
        &app,
        StatusCode::OK,
        cookie_value(&headers, LOGIN_CSRF_COOKIE),
        safe_next(q.next.as_deref()),
        String::new(),
        None,
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    totp: Option<String>,
    #[serde(default)]
    next: Option<String>,
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
}

pub async fn submit(
    State(app): State<App>,
    Client(client): Client,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    let cookie_token = cookie_value(&headers, LOGIN_CSRF_COOKIE);
    if !anonymous_token_ok(&headers, f.csrf.as_deref()) {
        return login_page(
            &app,
            StatusCode::FORBIDDEN,
            None,
            next,
            f.username,
            Some("Biểu mẫu đăng nhập đã hết hạn. Vui lòng đăng nhập lại.".into()),
        );
    }
    if f.username.len() > 128 || f.password.len() > 1024 {
        return login_page(
            &app,
            StatusCode::UNAUTHORIZED,
            cookie_token,
            next,
            String::new(),
            Some(AppError::BadCredentials.to_string()),
        );
    }
    let totp = f.totp.as_deref().map(str::trim).filter(|t| !t.is_empty());
    match app.login(&f.username, &f.password, totp, &client).await {
        Ok((token, _actor)) => {
            let cookie = session_cookie(&app, &token);
            let mut response = Redirect::to(&next).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(SET_COOKIE, v);
            }
            response.headers_mut().append(
                SET_COOKIE,
                HeaderValue::from_static(
                    "hoso_login_csrf=; Path=/dang-nhap; HttpOnly; SameSite=Strict; Max-Age=0",
                ),
            );
            response
        }
        Err(
            e @ (AppError::BadCredentials
            | AppError::Locked { .. }
            | AppError::Throttled { .. }
            | AppError::TotpRequired),
        ) => {
            let status = if matches!(e, AppError::Locked { .. } | AppError::Throttled { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            login_page(
                &app,
                status,
                cookie_token,
                next,
                f.username,
                Some(e.to_string()),
            )
        }
        Err(e) => PageError::App(e).into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default, rename = "_csrf")]
    pub(super) csrf: Option<String>,
}

pub async fn logout(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    page.check_csrf(f.csrf.as_deref())?;
    app.logout(&page.actor, &client).await?;
    let mut response = Redirect::to(super::LOGIN_PATH).into_response();
    response.headers_mut().append(
        SET_COOKIE,
        HeaderValue::from_static("hoso_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(response)
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    required: bool,
    error: Option<String>,
    done: bool,
}

pub async fn password_form(page: PageActor) -> Response {
    let required = page.actor.password_change_required();
    render_status(
        StatusCode::OK,
        &PasswordPage {
            layout: page.layout("Đổi mật khẩu", "password"),
            required,
            error: None,
            done: false,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn password_submit(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    page.check_csrf(f.csrf.as_deref())?;
    let required = page.actor.password_change_required();
    let fail = |message: String, status: StatusCode| {
        render_status(
            status,
            &PasswordPage {
                layout: page.layout("Đổi mật khẩu", "password"),
                required,
                error: Some(message),
                done: false,
            },
        )
    };
    if f.new_password != f.confirm_password {
        return Ok(fail(
            "Mật khẩu mới và mật khẩu nhập lại không khớp.".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let input = hoso_app::security::ChangePassword {
        current_password: f.current_password,
        new_password: f.new_password,
    };
    match app.change_own_password(&page.actor, input, &client).await {
        Ok(()) => Ok(render_status(
            StatusCode::OK,
            &PasswordPage {
                layout: page.layout("Đổi mật khẩu", "password"),
                required: false,
                error: None,
                done: true,
            },
        )),
        Err(
            e @ (AppError::BadCredentials
            | AppError::WeakPassword(_)
            | AppError::BadRequest(_)
            | AppError::Locked { .. }),
        ) => Ok(fail(e.to_string(), StatusCode::UNPROCESSABLE_ENTITY)),
        Err(e) => Err(e.into()),
    }
}
