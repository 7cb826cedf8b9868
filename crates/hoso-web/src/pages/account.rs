//! "My account": an overview, one's sessions (end one), the TOTP second factor (QR code of the
//! `otpauth://` URL, the secret, confirmation with a first code), and the live password-policy
//! feedback of the password change page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hoso_app::security::SessionView;
use hoso_app::totp::TotpCode;
use hoso_app::{App, AppError};
use serde::Deserialize;

use super::auth::CsrfForm;
use super::{Layout, PageActor, PageError, PageResult, format, render, render_status};
use crate::extract::Client;

pub const TOTP_PATH: &str = "/tai-khoan/xac-thuc-hai-lop";

#[derive(Template)]
#[template(path = "account.html")]
struct OverviewPage {
    layout: Layout,
    username: String,
    roles: Vec<String>,
    totp_enabled: bool,
    sessions: usize,
    individual: bool,
}

pub async fn overview(State(app): State<App>, page: PageActor) -> PageResult {
    let me = app.me(&page.actor);
    let totp_enabled = app.my_totp_enabled(&page.actor).await?;
    let sessions = app.my_sessions(&page.actor).await?.len();
    let mut roles: Vec<String> = page
        .actor
        .grants
        .iter()
        .map(|g| g.role.label_vi().to_string())
        .collect();
    roles.dedup();
    Ok(render(&OverviewPage {
        layout: page.layout("Tài khoản của tôi", "me"),
        username: me.username,
        roles,
        totp_enabled,
        sessions,
        individual: page.actor.person_id.is_some(),
    }))
}

/// One session as listed.
pub struct SessionRow {
    pub id: String,
    pub created: String,
    pub last_seen: String,
    pub expires: String,
    pub client: String,
    pub current: bool,
}

fn session_row(s: SessionView) -> SessionRow {
    SessionRow {
        created: format::instant(s.created_at),
        last_seen: format::instant(s.last_seen_at),
        expires: format::instant(s.expires_at),
        client: [s.user_agent.as_deref(), s.client_addr.as_deref()]
            .into_iter()
            .flatten()
            .map(|t| t.chars().take(120).collect::<String>())
            .collect::<Vec<_>>()
            .join(" — "),
        current: s.current,
        id: s.id,
    }
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    layout: Layout,
    rows: Vec<SessionRow>,
    notice: Option<String>,
}

pub async fn sessions(State(app): State<App>, page: PageActor) -> PageResult {
    let rows = app
        .my_sessions(&page.actor)
        .await?
        .into_iter()
        .map(session_row)
        .collect();
    Ok(render(&SessionsPage {
        layout: page.layout("Phiên đăng nhập", "me"),
        rows,
        notice: None,
    }))
}

pub async fn end_session(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let current = page.actor.session_id.as_deref() == Some(id.as_str());
    app.end_my_session(&page.actor, &id, &client).await?;
    if current {
        // Ending the session in use signs out of this browser.
        return Ok(Redirect::to(super::LOGIN_PATH).into_response());
    }
    let rows = app
        .my_sessions(&page.actor)
        .await?
        .into_iter()
        .map(session_row)
        .collect();
    Ok(render(&SessionsPage {
        layout: page.layout("Phiên đăng nhập", "me"),
        rows,
        notice: Some("Đã kết thúc phiên đăng nhập.".into()),
    }))
}

#[derive(Template)]
#[template(path = "totp.html")]
struct TotpPage {
    layout: Layout,
    enabled: bool,
    required: bool,
    /// The enrolment in progress: QR code (inline SVG), secret, URL.
    qr_svg: String,
    secret: String,
    url: String,
    error: Option<String>,
    done: bool,
}

impl TotpPage {
    fn new(page: &PageActor, enabled: bool) -> TotpPage {
        TotpPage {
            layout: page.layout("Xác thực hai lớp", "me"),
            enabled,
            required: page.actor.totp_enrolment_required,
            qr_svg: String::new(),
            secret: String::new(),
            url: String::new(),
            error: None,
            done: false,
        }
    }

    fn secret_grouped(&self) -> String {
        grouped(&self.secret)
    }

    fn enrolling(mut self, secret: String, url: String) -> TotpPage {
        self.qr_svg = qr_svg(&url);
        self.secret = secret;
        self.url = url;
        self
    }
}

/// The QR code of `text` as an inline SVG element (without the XML prologue).
fn qr_svg(text: &str) -> String {
    use qrcode::QrCode;
    use qrcode::render::svg;
    match QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let image = code
                .render::<svg::Color<'_>>()
                .min_dimensions(220, 220)
                .quiet_zone(true)
                .build();
            match image.find("<svg") {
                Some(i) => image[i..].replacen(
                    "<svg",
                    "<svg role=\"img\" aria-label=\"Mã QR để quét bằng ứng dụng xác thực\"",
                    1,
                ),
                None => image,
            }
        }
        Err(_) => String::new(),
    }
}

/// The secret in groups of four, easier to type.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub async fn totp(State(app): State<App>, page: PageActor) -> PageResult {
    let enabled = app.my_totp_enabled(&page.actor).await?;
    Ok(render(&TotpPage::new(&page, enabled)))
}

pub async fn totp_start(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    match app.start_totp(&page.actor, &client).await {
        Ok(e) => Ok(render(
            &TotpPage::new(&page, false).enrolling(e.secret, e.otpauth_url),
        )),
        Err(AppError::Conflict(_)) => Ok(Redirect::to(TOTP_PATH).into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    code: String,
    /// Echoed back only to show the same QR code again after a wrong code; the stored secret
    /// is what the code is checked against.
    #[serde(default)]
    secret: String,
    #[serde(default)]
    url: String,
}

pub async fn totp_confirm(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<ConfirmForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let input = TotpCode {
        code: f.code.trim().to_string(),
    };
    match app.confirm_totp(&page.actor, input, &client).await {
        Ok(()) => {
            let mut p = TotpPage::new(&page, true);
            p.done = true;
            p.required = false;
            Ok(render(&p))
        }
        Err(e @ AppError::BadRequest(_)) => {
            let url = if f.url.starts_with("otpauth://totp/") {
                f.url
            } else {
                String::new()
            };
            let secret: String = f
                .secret
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(64)
                .collect();
            let mut p = TotpPage::new(&page, false).enrolling(secret, url);
            p.error = Some(e.to_string());
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(AppError::Conflict(_)) => Ok(Redirect::to(TOTP_PATH).into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "password_check.html")]
struct PasswordCheck {
    empty: bool,
    problems: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct CheckForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    new_password: String,
}

/// The policy rules the typed password does not meet yet (an htmx fragment). A POST, so the
/// candidate never appears in a URL or an access log.
pub async fn password_check(
    State(app): State<App>,
    page: PageActor,
    Form(f): Form<CheckForm>,
) -> Result<Response, PageError> {
    page.check_csrf(f.csrf.as_deref())?;
    let problems = if f.new_password.is_empty() {
        vec![]
    } else {
        app.password_problems(&page.actor, &f.new_password).await?
    };
    Ok(render(&PasswordCheck {
        empty: f.new_password.is_empty(),
        problems,
    }))
}

#[cfg(test)]
mod tests {
    use super::{grouped, qr_svg};

    #[test]
    fn qr_code_is_an_inline_svg_and_secret_is_grouped() {
        let svg = qr_svg("otpauth://totp/Hoso:admin?secret=ABCDEFGH&issuer=Hoso");
        assert!(svg.starts_with("<svg role=\"img\""), "{}", &svg[..40]);
        assert!(svg.contains("<path") || svg.contains("<rect"));
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
