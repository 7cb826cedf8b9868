//! Request extractors: the acting account, the client, query parameters and JSON bodies whose
//! every rejection becomes a Vietnamese error (JSON under `/api/`, a page elsewhere).
//!
//! Clean input is held here: [`Query`] refuses control characters, unknown parameters and
//! values of the wrong type; [`ApiJson`] refuses control characters in every string of the body
//! (tab and line breaks allowed; the record schema refuses those in single-line fields).

use std::net::SocketAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use hoso_app::{Actor, App, ClientInfo};
use hoso_domain::text::control_character;
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
        let json_type = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| {
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            });
        if !json_type {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Nội dung gửi lên phải là JSON (Content-Type: application/json).",
            ));
        }
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "Nội dung gửi lên quá lớn.",
                ));
            }
            Err(_) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "Không đọc được nội dung gửi lên.",
                ));
            }
        };
        if let Some(c) = escaped_control_character(&bytes) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "control_character",
                format!(
                    "Nội dung gửi lên {}",
                    hoso_domain::text::control_character_problem(c)
                ),
            ));
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// The first control character a JSON text's strings hold, other than tab and line breaks.
/// Valid JSON can only carry one escaped (`\u0000`, `\b`, `\f`), so the escapes are read
/// straight from the bytes, without building the value twice.
fn escaped_control_character(bytes: &[u8]) -> Option<char> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(b'b') => return Some('\u{8}'),
            Some(b'f') => return Some('\u{c}'),
            Some(b'u') => {
                let code = bytes
                    .get(i + 2..i + 6)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u32::from_str_radix(h, 16).ok());
                if let Some(c) = code.and_then(char::from_u32)
                    && control_character(c.encode_utf8(&mut [0; 4]), true).is_some()
                {
                    return Some(c);
                }
                i += 6;
            }
            _ => i += 2,
        }
    }
    None
}

/// How a malformed request is refused: the JSON error under `/api/`, the Vietnamese error page
/// elsewhere.
#[derive(Debug)]
pub struct Refusal {
    pub api: bool,
    pub error: ApiError,
}

impl Refusal {
    pub fn at(path: &str, error: ApiError) -> Refusal {
        Refusal {
            api: path.starts_with("/api/") || path == "/healthz" || path == "/readyz",
            error,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        if self.api {
            return self.error.into_response();
        }
        let status = self.error.status;
        let heading = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "Nội dung gửi lên quá lớn",
            StatusCode::URI_TOO_LONG => "Địa chỉ quá dài",
            StatusCode::NOT_FOUND => "Không tìm thấy trang",
            StatusCode::METHOD_NOT_ALLOWED => "Thao tác không được hỗ trợ",
            StatusCode::REQUEST_TIMEOUT => "Quá thời gian xử lý",
            _ => "Yêu cầu không hợp lệ",
        };
        let layout = crate::pages::Layout {
            title: heading.into(),
            ..Default::default()
        };
        crate::pages::error_page(status, &layout, heading, &self.error.body.error.message)
    }
}

/// Query parameters of `T`, held to clean input: a parameter `T` does not have, a value of the
/// wrong type or one holding a control character is refused with 400 and a Vietnamese message
/// naming the parameter. Use it instead of axum's `Query` in every handler.
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or(""))
            .map(Query)
            .map_err(|message| {
                Refusal::at(
                    parts.uri.path(),
                    ApiError::new(StatusCode::BAD_REQUEST, "bad_query", message),
                )
            })
    }
}

/// More parameters than any form has: refused before any work.
const MAX_QUERY_PARAMS: usize = 200;

/// A parameter's name as a message may show it: only a plain name is repeated back.
fn shown_name(name: &str) -> String {
    if !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']'))
    {
        format!("'{name}'")
    } else {
        "(tên không hợp lệ)".into()
    }
}

/// The first control character in the query parameters (names or values): its message.
pub fn query_control_character(raw: &str) -> Option<String> {
    form_urlencoded::parse(raw.as_bytes()).find_map(|(k, v)| {
        let c = control_character(&k, false).or_else(|| control_character(&v, false))?;
        Some(format!(
            "Tham số {} {}",
            shown_name(&k),
            hoso_domain::text::control_character_problem(c)
        ))
    })
}

/// Parses a query string into `T` (see [`Query`]); the error is the Vietnamese message.
pub fn parse_query<T: DeserializeOwned>(raw: &str) -> Result<T, String> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect();
    if pairs.len() > MAX_QUERY_PARAMS {
        return Err(format!(
            "Địa chỉ có quá nhiều tham số (tối đa {MAX_QUERY_PARAMS})."
        ));
    }
    if let Some(message) = query_control_character(raw) {
        return Err(message);
    }
    if let Some(fields) = struct_fields::<T>()
        && let Some((name, _)) = pairs.iter().find(|(k, _)| !fields.contains(&k.as_str()))
    {
        return Err(format!(
            "Tham số {} không được hỗ trợ ở địa chỉ này.",
            shown_name(name)
        ));
    }
    match serde_urlencoded::from_str::<T>(raw) {
        Ok(v) => Ok(v),
        Err(e) => {
            let text = e.to_string();
            if let Some(rest) = text.split("missing field `").nth(1) {
                let field = rest.split('`').next().unwrap_or("");
                return Err(format!("Thiếu tham số bắt buộc {}.", shown_name(field)));
            }
            // The culprit is the parameter without which the rest parses.
            let culprit = (0..pairs.len()).find(|&i| {
                let rest = pairs
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .map(|(_, p)| p);
                let rest = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(rest)
                    .finish();
                serde_urlencoded::from_str::<T>(&rest).is_ok()
            });
            Err(match culprit {
                Some(i) => format!(
                    "Giá trị của tham số {} không hợp lệ (sai kiểu: số, ngày hoặc mã).",
                    shown_name(&pairs[i].0)
                ),
                None => "Tham số trên địa chỉ không hợp lệ.".into(),
            })
        }
    }
}

/// The field names of a struct `T` (as its `Deserialize` declares them), or `None` when `T` is
/// not a plain struct (a map, a list of pairs, a struct with flattened parts).
fn struct_fields<T: DeserializeOwned>() -> Option<&'static [&'static str]> {
    let mut probe = FieldProbe(None);
    let _ = T::deserialize(&mut probe);
    probe.0
}

/// A deserializer that only learns which fields a struct has.
struct FieldProbe(Option<&'static [&'static str]>);

#[derive(Debug)]
struct ProbeDone;

impl std::fmt::Display for ProbeDone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("probe")
    }
}

impl std::error::Error for ProbeDone {}

impl serde::de::Error for ProbeDone {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        ProbeDone
    }
}

impl<'de> serde::Deserializer<'de> for &mut FieldProbe {
    type Error = ProbeDone;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, ProbeDone> {
        Err(ProbeDone)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, ProbeDone> {
        self.0 = Some(fields);
        Err(ProbeDone)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
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
    use super::{describe_data_error, escaped_control_character, parse_query};

    #[test]
    fn escaped_control_characters_are_found_in_json_text() {
        assert_eq!(
            escaped_control_character(br#"{"a": "x\u0000y"}"#),
            Some('\0')
        );
        assert_eq!(
            escaped_control_character(br#"{"a": "x\u001By"}"#),
            Some('\u{1b}')
        );
        assert_eq!(
            escaped_control_character(br#"{"a": "x\by"}"#),
            Some('\u{8}')
        );
        assert_eq!(
            escaped_control_character(br#"{"a": "x\n\t\r\u000a\"y"}"#),
            None
        );
        // An escaped backslash followed by "u0000" is text, not a control character.
        assert_eq!(escaped_control_character(br#"{"a": "x\\u0000"}"#), None);
        assert_eq!(
            escaped_control_character("{\"a\": \"Nguyễn\"}".as_bytes()),
            None
        );
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Q {
        q: Option<String>,
        page: Option<i64>,
    }

    #[test]
    fn query_parameters_are_clean_known_and_well_typed() {
        assert_eq!(
            parse_query::<Q>("q=an&page=2"),
            Ok(Q {
                q: Some("an".into()),
                page: Some(2)
            })
        );
        let e = parse_query::<Q>("q=a%00b").unwrap_err();
        assert!(e.contains("'q'") && e.contains("U+0000"), "{e}");
        let e = parse_query::<Q>("actor_id=abc").unwrap_err();
        assert_eq!(e, "Tham số 'actor_id' không được hỗ trợ ở địa chỉ này.");
        let e = parse_query::<Q>("q=x&page=abc").unwrap_err();
        assert!(e.contains("'page'"), "{e}");
        let e = parse_query::<Q>("page=99999999999999999999").unwrap_err();
        assert!(e.contains("'page'"), "{e}");
        // Lists of pairs take any name, still clean.
        assert!(parse_query::<Vec<(String, String)>>("x=1&y=2").is_ok());
        assert!(parse_query::<Vec<(String, String)>>("x=%1b").is_err());
    }

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
