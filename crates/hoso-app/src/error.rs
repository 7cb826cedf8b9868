//! The errors a use case can end in. Each maps to one HTTP status in the web layer
//! (`hoso_web::error`), and each message is the Vietnamese sentence the user reads.

use hoso_domain::schema::ValidationErrors;
use hoso_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Chưa đăng nhập hoặc phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.")]
    Unauthenticated,
    #[error(
        "Tên đăng nhập hoặc mật khẩu không đúng. Đăng nhập sai nhiều lần thì tài khoản tạm khóa ít phút."
    )]
    BadCredentials,
    #[error(
        "Có quá nhiều lần đăng nhập sai từ máy của bạn hoặc trên hệ thống. Vui lòng thử lại sau {seconds} giây."
    )]
    Throttled { seconds: u64 },
    #[error("Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau {minutes} phút.")]
    Locked { minutes: i64 },
    #[error("Bạn không có quyền thực hiện thao tác này.")]
    Forbidden,
    #[error("Bạn cần đổi mật khẩu trước khi tiếp tục (mật khẩu tạm thời hoặc đã quá hạn).")]
    PasswordChangeRequired,
    #[error("{0}")]
    WeakPassword(String),
    #[error("Cần nhập mã xác thực hai lớp (TOTP) hợp lệ.")]
    TotpRequired,
    #[error(
        "Tài khoản này phải đăng ký (lại) xác thực hai lớp (TOTP) trước khi tiếp tục: tài khoản quản trị, phê duyệt theo quy định, hoặc sau khi quản trị viên đặt lại."
    )]
    TotpEnrolmentRequired,
    #[error("{0}")]
    NotFound(&'static str),
    #[error("Dữ liệu hồ sơ chưa hợp lệ: {0}")]
    Invalid(ValidationErrors),
    #[error("{0}")]
    BadRequest(String),
    #[error("{message}")]
    Duplicate { message: String, existing_id: i64 },
    #[error("{0}")]
    Conflict(String),
    #[error("Lỗi hệ thống. Vui lòng thử lại sau hoặc liên hệ quản trị hệ thống.")]
    Internal(String),
}

impl AppError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::Locked { .. } => "account_locked",
            AppError::Throttled { .. } => "too_many_attempts",
            AppError::Forbidden => "forbidden",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::WeakPassword(_) => "weak_password",
            AppError::TotpRequired => "totp_required",
            AppError::TotpEnrolmentRequired => "totp_enrolment_required",
            AppError::NotFound(_) => "not_found",
            AppError::Invalid(_) => "validation_failed",
            AppError::BadRequest(_) => "bad_request",
            AppError::Duplicate { .. } => "duplicate",
            AppError::Conflict(_) => "conflict",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn record_not_found() -> AppError {
        AppError::NotFound("Không tìm thấy hồ sơ.")
    }

    pub fn unit_not_found() -> AppError {
        AppError::NotFound("Không tìm thấy cơ quan, đơn vị.")
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Internal(e.to_string())
    }
}

pub type AppResult<T> = Result<T, AppError>;
