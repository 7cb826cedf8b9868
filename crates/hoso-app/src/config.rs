//! All configuration in one struct, read from the environment (and flags, in the CLI).

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` (default `sqlite://data/hoso.db`) or `postgres://…`. `HOSO_DATABASE_URL`.
    pub database_url: String,
    /// File holding the 32-byte secret key (hex) used for keyed hashes of identifiers; created
    /// on first start when missing. `HOSO_KEY_FILE`, default `data/hoso.key`. `HOSO_SECRET_KEY`
    /// (64 hex digits) takes precedence when set.
    pub key_file: PathBuf,
    pub secret_key_hex: Option<String>,
    /// Session lifetime in minutes. `HOSO_SESSION_MINUTES`, default 480 (a working day).
    pub session_minutes: i64,
    /// Failed logins before the account is locked, and for how long (doubling each time).
    pub lockout_threshold: i64,
    pub lockout_minutes: i64,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Which regulation's deadlines apply: `national` (NĐ 27/2026, TT 06/2023), `lang-son-2023`,
    /// `lai-chau-2024`, `dak-nong-2018`, `dong-thap-2024`. `HOSO_DEADLINE_PRESET`.
    pub deadline_preset: String,
    /// Optional TOML file of rules that replace or add to the preset's (same format as the
    /// presets in `crates/hoso-domain/data/deadlines/`). `HOSO_DEADLINE_RULES_FILE`.
    pub deadline_rules_file: Option<PathBuf>,
    /// Whether cookies are marked `Secure` (set behind HTTPS). `HOSO_SECURE_COOKIES`.
    pub secure_cookies: bool,
    /// Days a password stays valid before the account must change it (0: never).
    /// `HOSO_PASSWORD_MAX_AGE_DAYS`, default 90.
    pub password_max_age_days: i64,
    /// Minimum password length. `HOSO_PASSWORD_MIN_LENGTH`, default 8.
    pub password_min_length: usize,
    /// Whether administrators and approvers must sign in with a TOTP code.
    /// `HOSO_REQUIRE_TOTP_FOR_ADMINS`, default off (so the demo works).
    pub require_totp_for_admins: bool,
    /// Folder of the attachment store (scanned documents, content-addressed).
    /// `HOSO_ATTACHMENTS_DIR`, default `attachments/` beside the key file (`data/attachments`).
    pub attachments_dir: Option<PathBuf>,
    /// S3-compatible storage for attachments instead of the folder: `s3://bucket/prefix`.
    /// `HOSO_ATTACHMENTS_URL`; credentials, region and endpoint from the usual `AWS_*` variables.
    pub attachments_url: Option<String>,
    /// Options for that store (`aws_endpoint`, `aws_allow_http`…), on top of the `AWS_*`
    /// variables; set by deployments that configure in code, and by the tests.
    pub attachments_options: Vec<(String, String)>,
    /// Largest accepted attachment, in bytes. `HOSO_ATTACHMENT_MAX_BYTES`, default 10 MiB.
    pub attachment_max_bytes: usize,
    /// PEM file of the certificate authorities whose certificates may sign approvals.
    /// `HOSO_TRUSTED_ROOTS`.
    pub trusted_roots_file: Option<PathBuf>,
    /// How many working days at the end of each month approvals may be signed in (0: any day).
    /// `HOSO_APPROVAL_WINDOW_DAYS`, default 5.
    pub approval_window_days: usize,
    /// A fixed "today" for rehearsals and tests (rules, alerts and the approval window use it;
    /// certificates are always checked against the real clock). `HOSO_FIXED_TODAY`, ISO date.
    pub fixed_today: Option<time::Date>,
    /// A record not updated for this many days gets a "not updated" alert.
    /// `HOSO_RECORD_STALE_DAYS`, default 365.
    pub record_stale_days: i64,
    /// The daily e-mail digest of alerts; off unless `HOSO_SMTP_HOST` is set.
    pub smtp: Option<SmtpConfig>,
    /// Optional sign-in through the province's shared account system (OpenID Connect).
    /// `HOSO_OIDC_ISSUER`, `HOSO_OIDC_CLIENT_ID`, `HOSO_OIDC_CLIENT_SECRET`,
    /// `HOSO_OIDC_REDIRECT_URL`, `HOSO_OIDC_ID_CLAIM`.
    pub oidc: Option<OidcConfig>,
}

/// How to reach the mail relay for the daily digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// `HOSO_SMTP_HOST`.
    pub host: String,
    /// `HOSO_SMTP_PORT`, default 25 (`none`), 587 (`starttls`) or 465 (`tls`).
    pub port: u16,
    /// Sender address, `HOSO_SMTP_FROM` (required with a host).
    pub from: String,
    /// `HOSO_SMTP_TLS`: `none` (a local relay), `starttls` (default) or `tls`.
    pub tls: SmtpTls,
    /// `HOSO_SMTP_USERNAME` / `HOSO_SMTP_PASSWORD`, when the relay wants a login.
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    None,
    StartTls,
    Tls,
}

impl SmtpConfig {
    fn from_env() -> Result<Option<SmtpConfig>, String> {
        let Ok(host) = std::env::var("HOSO_SMTP_HOST") else {
            return Ok(None);
        };
        let tls = match std::env::var("HOSO_SMTP_TLS").as_deref() {
            Err(_) | Ok("starttls") => SmtpTls::StartTls,
            Ok("none") => SmtpTls::None,
            Ok("tls") => SmtpTls::Tls,
            Ok(other) => {
                return Err(format!(
                    "HOSO_SMTP_TLS «{other}» không hợp lệ (chấp nhận: none, starttls, tls)"
                ));
            }
        };
        let port = match std::env::var("HOSO_SMTP_PORT") {
            Ok(v) => v
                .parse()
                .map_err(|_| "HOSO_SMTP_PORT phải là số cổng (1–65535)".to_string())?,
            Err(_) => match tls {
                SmtpTls::None => 25,
                SmtpTls::StartTls => 587,
                SmtpTls::Tls => 465,
            },
        };
        let from = std::env::var("HOSO_SMTP_FROM").map_err(|_| {
            "HOSO_SMTP_FROM (địa chỉ gửi thư) là bắt buộc khi đặt HOSO_SMTP_HOST".to_string()
        })?;
        Ok(Some(SmtpConfig {
            host,
            port,
            from,
            tls,
            username: std::env::var("HOSO_SMTP_USERNAME").ok(),
            password: std::env::var("HOSO_SMTP_PASSWORD").ok(),
        }))
    }
}

/// The shared account system Hoso signs people in with (authorization-code flow, PKCE, nonce).
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// Issuer URL; its `/.well-known/openid-configuration` is read at each sign-in.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// This server's callback, as registered with the provider: `https://…/auth/oidc/callback`.
    pub redirect_url: String,
    /// The ID token claim carrying the số định danh cá nhân (default `so_dinh_danh`).
    pub id_claim: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://data/hoso.db".into(),
            key_file: PathBuf::from("data/hoso.key"),
            secret_key_hex: None,
            session_minutes: 480,
            lockout_threshold: 5,
            lockout_minutes: 15,
            max_body_bytes: 2 * 1024 * 1024,
            secure_cookies: false,
            deadline_preset: "national".into(),
            deadline_rules_file: None,
            password_max_age_days: 90,
            password_min_length: 8,
            require_totp_for_admins: false,
            attachments_dir: None,
            attachments_url: None,
            attachments_options: Vec::new(),
            attachment_max_bytes: 10 * 1024 * 1024,
            trusted_roots_file: None,
            approval_window_days: 5,
            fixed_today: None,
            record_stale_days: 365,
            smtp: None,
            oidc: None,
        }
    }
}

impl Config {
    /// Where attachments are stored (see [`Config::attachments_dir`]).
    pub fn attachments_path(&self) -> PathBuf {
        self.attachments_dir
            .clone()
            .unwrap_or_else(|| self.data_dir().join("attachments"))
    }

    /// The folder of the key file: where the server keeps its own files.
    pub fn data_dir(&self) -> PathBuf {
        self.key_file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf)
    }

    /// Defaults overridden by `HOSO_*` environment variables.
    pub fn from_env() -> Result<Config, String> {
        let mut c = Config::default();
        if let Ok(v) = std::env::var("HOSO_DATABASE_URL") {
            c.database_url = v;
        }
        if let Ok(v) = std::env::var("HOSO_KEY_FILE") {
            c.key_file = PathBuf::from(v);
        }
        c.secret_key_hex = std::env::var("HOSO_SECRET_KEY").ok();
        if let Ok(v) = std::env::var("HOSO_SESSION_MINUTES") {
            c.session_minutes = v
                .parse()
                .map_err(|_| "HOSO_SESSION_MINUTES phải là số phút".to_string())?;
        }
        if let Ok(v) = std::env::var("HOSO_DEADLINE_PRESET") {
            c.deadline_preset = v;
        }
        if let Ok(v) = std::env::var("HOSO_DEADLINE_RULES_FILE") {
            c.deadline_rules_file = Some(PathBuf::from(v));
        }
        if let Ok(v) = std::env::var("HOSO_SECURE_COOKIES") {
            c.secure_cookies = matches!(v.as_str(), "1" | "true" | "yes");
        }
        if let Ok(v) = std::env::var("HOSO_PASSWORD_MAX_AGE_DAYS") {
            c.password_max_age_days = v
                .parse()
                .map_err(|_| "HOSO_PASSWORD_MAX_AGE_DAYS phải là số ngày".to_string())?;
        }
        if let Ok(v) = std::env::var("HOSO_PASSWORD_MIN_LENGTH") {
            c.password_min_length = v
                .parse()
                .map_err(|_| "HOSO_PASSWORD_MIN_LENGTH phải là số ký tự".to_string())?;
        }
        if let Ok(v) = std::env::var("HOSO_REQUIRE_TOTP_FOR_ADMINS") {
            c.require_totp_for_admins = matches!(v.as_str(), "1" | "true" | "yes");
        }
        if let Ok(v) = std::env::var("HOSO_ATTACHMENTS_URL") {
            c.attachments_url = Some(v).filter(|v| !v.trim().is_empty());
        }
        if let Ok(v) = std::env::var("HOSO_ATTACHMENTS_DIR") {
            c.attachments_dir = Some(PathBuf::from(v));
        }
        if let Ok(v) = std::env::var("HOSO_ATTACHMENT_MAX_BYTES") {
            c.attachment_max_bytes = v
                .parse()
                .map_err(|_| "HOSO_ATTACHMENT_MAX_BYTES phải là số byte".to_string())?;
        }
        if let Ok(v) = std::env::var("HOSO_TRUSTED_ROOTS") {
            c.trusted_roots_file = Some(PathBuf::from(v));
        }
        if let Ok(v) = std::env::var("HOSO_APPROVAL_WINDOW_DAYS") {
            c.approval_window_days = v
                .parse()
                .map_err(|_| "HOSO_APPROVAL_WINDOW_DAYS phải là số ngày làm việc".to_string())?;
        }
        if let Ok(v) = std::env::var("HOSO_FIXED_TODAY") {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            c.fixed_today = Some(
                time::Date::parse(&v, &format)
                    .map_err(|_| "HOSO_FIXED_TODAY phải là ngày dạng YYYY-MM-DD".to_string())?,
            );
        }
        if let Ok(v) = std::env::var("HOSO_RECORD_STALE_DAYS") {
            c.record_stale_days = v
                .parse()
                .ok()
                .filter(|d: &i64| *d > 0)
                .ok_or_else(|| "HOSO_RECORD_STALE_DAYS phải là số ngày dương".to_string())?;
        }
        c.smtp = SmtpConfig::from_env()?;
        if let Ok(issuer) = std::env::var("HOSO_OIDC_ISSUER") {
            let required = |name: &str| {
                std::env::var(name)
                    .ok()
                    .filter(|v| !v.trim().is_empty())
                    .ok_or_else(|| format!("{name} phải được đặt khi có HOSO_OIDC_ISSUER"))
            };
            c.oidc = Some(OidcConfig {
                issuer,
                client_id: required("HOSO_OIDC_CLIENT_ID")?,
                client_secret: std::env::var("HOSO_OIDC_CLIENT_SECRET").ok(),
                redirect_url: required("HOSO_OIDC_REDIRECT_URL")?,
                id_claim: std::env::var("HOSO_OIDC_ID_CLAIM")
                    .unwrap_or_else(|_| "so_dinh_danh".into()),
            });
        }
        Ok(c)
    }
}
