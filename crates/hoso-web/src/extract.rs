//! Request extractors: the acting account, the client, and JSON bodies whose every rejection
//! becomes a Vietnamese error.

use std::net::SocketAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, COOKIE, USER_AGENT};
use axum::http::request::Parts;
use hoso_app::{Actor, App, ClientInfo};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "hoso_session";

/// The session token of a request: `Authorization: Bearer …`, else the session cookie.
pub fn session_token(parts: &Parts) -> Option<String> {
    if let Some(bearer) = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim().to_string());
    }
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == SESSION_COOKIE).then(|| v.to_string())
        })
}

/// The signed-in account; rejects with 401 otherwise, and with 403
/// `password_change_required` while the account must change its password first.
pub struct Authenticated(pub Actor);

impl<S> FromRequestParts<S> for Authenticated
where
    App: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let SignedIn(actor) = SignedIn::from_request_parts(parts, state).await?;
        if actor.password_change_required() {
            return Err(hoso_app::AppError::PasswordChangeRequired.into());
        }
        if actor.totp_enrolment_required {
            return Err(hoso_app::AppError::TotpEnrolmentRequired.into());
        }
        Ok(Authenticated(actor))
    }
}

/// The signed-in account, even while it must change its password or enrol a second factor (for
/// `/me`, sign-out, the password change and TOTP enrolment).
pub struct SignedIn(pub Actor);

impl<S> FromRequestParts<S> for SignedIn
where
    App: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = App::from_ref(state);
        let token = session_token(parts).ok_or(hoso_app::AppError::Unauthenticated)?;
        Ok(SignedIn(app.authenticate(&token).await?))
    }
}

/// Who is calling from where, for the audit trail.
pub struct Client(pub ClientInfo);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(200).collect());
        Ok(Client(ClientInfo { addr, user_agent }))
    }
}

/// `Json<T>` whose rejections are Vietnamese API errors naming the problem.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(r: JsonRejection) -> ApiError {
    match r {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Nội dung gửi lên phải là JSON (Content-Type: application/json).",
        ),
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!(
                "Nội dung JSON sai cú pháp: {}",
                e.body_text().rsplit(": ").next().unwrap_or_default()
            ),
        ),
        JsonRejection::JsonDataError(e) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!(
                "Dữ liệu gửi lên không đúng cấu trúc: {}",
                describe_data_error(&e.body_text())
            ),
        ),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Nội dung gửi lên quá lớn.",
            )
        }
        other => ApiError::new(
            other.status(),
            "bad_request",
            "Không đọc được nội dung gửi lên.",
        ),
    }
}

/// serde's English message, reduced to the part that names the field and the problem.
fn describe_data_error(text: &str) -> String {
    let detail = text
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .unwrap_or(text);
    if let Some(rest) = detail.split("unknown field `").nth(1) {
        let field = rest.split('`').next().unwrap_or("");
        return format!("trường '{field}' không được hỗ trợ.");
    }
    if let Some(rest) = detail.split("missing field `").nth(1) {
        let field = rest.split('`').next().unwrap_or("");
        return format!("thiếu trường bắt buộc '{field}'.");
    }
    if detail.contains("invalid type") {
        let at = detail.split(':').next().unwrap_or("");
        return format!("sai kiểu dữ liệu tại '{at}'.");
    }
    detail.to_string()
}

#[cfg(test)]
mod tests {
    use super::describe_data_error;

    #[test]
    fn data_errors_name_the_field_in_vietnamese() {
        assert_eq!(
            describe_data_error(
                "Failed to deserialize the JSON body into the target type: unknown field `foo`, expected one of `a`"
            ),
            "trường 'foo' không được hỗ trợ."
        );
        assert_eq!(
            describe_data_error("missing field `unit_id` at line 1 column 2"),
            "thiếu trường bắt buộc 'unit_id'."
        );
        assert!(
            describe_data_error("unit_id: invalid type: string \"x\", expected i64")
                .contains("unit_id")
        );
    }
}
