//! The one place where errors become HTTP responses:
//! `{"error": {"code": "...", "message": "<Vietnamese>"}}` with the matching status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hoso_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: String,
    /// Vietnamese, for the user.
    pub message: String,
    /// Field-level problems, for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
    /// Validation problems found beyond those listed in `fields` (at most 100 are listed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more_errors: Option<usize>,
    /// The existing record, for duplicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// Where in the record: `general.date_of_birth`, `family_members[2].birth_year`.
    pub path: String,
    pub label: String,
    pub message: String,
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error: ErrorDetail {
                    code: code.into(),
                    message: message.into(),
                    fields: vec![],
                    more_errors: None,
                    existing_id: None,
                },
            },
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = match &e {
            AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Locked { .. } | AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Forbidden
            | AppError::PasswordChangeRequired
            | AppError::TotpEnrolmentRequired => StatusCode::FORBIDDEN,
            AppError::WeakPassword(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TotpRequired => StatusCode::UNAUTHORIZED,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Duplicate { .. } | AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Internal(detail) => {
                // The detail may name tables or values; it goes to the log, not to the client.
                tracing::error!(error = %detail, "internal error");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let fields = match &e {
            AppError::Invalid(errors) => errors
                .errors
                .iter()
                .map(|f| FieldProblem {
                    path: f.path.clone(),
                    label: f.label.clone(),
                    message: f.message.clone(),
                })
                .collect(),
            _ => vec![],
        };
        let existing_id = match &e {
            AppError::Duplicate { existing_id, .. } => Some(*existing_id),
            _ => None,
        };
        let message = match &e {
            AppError::Invalid(errors) => format!(
                "Dữ liệu hồ sơ chưa hợp lệ ({} lỗi). {}",
                errors.total(),
                errors
            ),
            other => other.to_string(),
        };
        ApiError {
            status,
            body: ErrorBody {
                error: ErrorDetail {
                    code: e.code().into(),
                    message,
                    fields,
                    more_errors: match &e {
                        AppError::Invalid(errors) if errors.more > 0 => Some(errors.more),
                        _ => None,
                    },
                    existing_id,
                },
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
