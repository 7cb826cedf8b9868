//! All configuration in one struct, read from a TOML file (`--config <path>` or `HOSO_CONFIG`)
//! and the environment; a variable set in the environment wins over the file, the file over the
//! defaults. `hoso.example.toml` at the root of the repository documents every key.
//!
//! The rule for names: a file key is its variable without `HOSO_`, in lower case
//! (`HOSO_SESSION_MINUTES` ↔ `session_minutes`); `HOSO_SMTP_*` and `HOSO_OIDC_*` are the
//! tables `[smtp]` and `[oidc]` (`HOSO_SMTP_HOST` ↔ `smtp.host`).
//!
//! Secrets (the secret key, the SMTP and OIDC passwords, the demo password) are [`Secret`]s:
//! their `Debug` prints `[đã ẩn]`, and reading one takes [`Secret::expose`]. `Debug` of
//! [`Config`] also hides the password of the database URL and the values of the attachment
//! store options.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A value that must not appear in logs: `Debug` prints `[đã ẩn]` (redacted).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub const REDACTED: &'static str = "[đã ẩn]";

    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Secret::REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_string())
    }
}

/// Why the configuration was refused; the message names the variable (and its file key).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A value that does not parse or is out of range.
    #[error("{message}")]
    Invalid {
        /// The environment variable (and file key) concerned.
        name: String,
        message: String,
    },
    /// The file cannot be read or is not valid TOML for this struct.
    #[error("tệp cấu hình {path}: {message}")]
    File { path: PathBuf, message: String },
}

impl ConfigError {
    fn invalid(name: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            name: name.to_string(),
            message: message.into(),
        }
    }
}

#[derive(Clone)]
pub struct Config {
    /// `sqlite://…` (default `sqlite://data/hoso.db`) or `postgres://…`. `HOSO_DATABASE_URL`.
    pub database_url: String,
    /// File holding the 32-byte secret key (hex) used for keyed hashes of identifiers; created
    /// on first start when missing. `HOSO_KEY_FILE`, default `data/hoso.key`. `HOSO_SECRET_KEY`
    /// (64 hex digits) takes precedence when set.
    pub key_file: PathBuf,
    pub secret_key_hex: Option<Secret>,
    /// Session lifetime in minutes. `HOSO_SESSION_MINUTES`, default 480 (a working day).
    pub session_minutes: i64,
    /// Failed logins before the account is locked, and for how long (doubling each time).
    /// `HOSO_LOCKOUT_THRESHOLD` (default 5), `HOSO_LOCKOUT_MINUTES` (default 15).
    pub lockout_threshold: i64,
    pub lockout_minutes: i64,
    /// Largest accepted request body, in bytes. `HOSO_MAX_BODY_BYTES`, default 2 MiB.
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
    /// variables: the file's `[attachments_options]` table, or set in code (the tests).
    pub attachments_options: Vec<(String, String)>,
    /// Largest accepted attachment, in bytes. `HOSO_ATTACHMENT_MAX_BYTES`, default 10 MiB.
    pub attachment_max_bytes: usize,
    /// PEM file of the certificate authorities whose certificates may sign approvals.
    /// `HOSO_TRUSTED_ROOTS`.
    pub trusted_roots_file: Option<PathBuf>,
    /// An explicit approval window replacing the deadline rules' own: approvals are signed in
    /// the last N working days of each month (0: any day). Unset (the default), the window is
    /// the one the rules in force set (Lai Châu Điều 7 khoản 1, Đồng Tháp Điều 12, or a
    /// deployment's own rule); a preset without one (Lạng Sơn) lets heads sign any day.
    /// `HOSO_APPROVAL_WINDOW_DAYS`.
    pub approval_window_days: Option<usize>,
    /// A fixed "today" for rehearsals and tests (rules, alerts and the approval window use it;
    /// certificates are always checked against the real clock). `HOSO_FIXED_TODAY`, ISO date.
    pub fixed_today: Option<time::Date>,
    /// A record not updated for this many days gets a "not updated" alert.
    /// `HOSO_RECORD_STALE_DAYS`, default 365.
    pub record_stale_days: i64,
    /// Where `hoso serve` listens (the `--bind` flag wins). `HOSO_BIND`, default 127.0.0.1:8080.
    pub bind: SocketAddr,
    /// How often each node checks whether another node changed the catalogs or the holiday
    /// calendar, in seconds. `HOSO_REFERENCE_RELOAD_SECONDS`, default 5.
    pub reference_reload_seconds: u64,
    /// On SIGTERM / Ctrl-C, how long background work may take to stop before it is abandoned,
    /// in seconds. `HOSO_SHUTDOWN_GRACE_SECONDS`, default 20.
    pub shutdown_grace_seconds: u64,
    /// How long an idempotency key (form token, `Idempotency-Key` header) is remembered, in
    /// hours. `HOSO_IDEMPOTENCY_HOURS`, default 24.
    pub idempotency_hours: i64,
    /// Password of the demo accounts (`serve --demo`, `seed-demo`); generated and printed when
    /// unset. `HOSO_DEMO_PASSWORD`.
    pub demo_password: Option<Secret>,
    /// Folder the backups are written to (`hoso backup`, the daily backup job).
    /// `HOSO_BACKUP_DIR`, default `backups/` beside the key file (`data/backups`). Put it on
    /// another disk, or copy it off the machine: the seeds want backups on separate media.
    pub backup_dir: Option<PathBuf>,
    /// An S3-compatible bucket the archives are kept in instead of the folder
    /// (`s3://bucket/prefix`): `HOSO_BACKUP_URL`. Each archive is still written to the backup
    /// folder first and removed from it once uploaded. Credentials, region and endpoint from
    /// the `AWS_*` variables, overridden by the file's `[backup_options]` table.
    pub backup_url: Option<String>,
    pub backup_options: Vec<(String, String)>,
    /// Passphrase every backup is encrypted with (age, scrypt); without it Hoso takes no
    /// backup, since an archive holds the keys. `HOSO_BACKUP_PASSPHRASE`. Keep it apart from
    /// the server: a restore needs it.
    pub backup_passphrase: Option<Secret>,
    /// Backups kept: the last N days' and the first of each of the last M months'.
    /// `HOSO_BACKUP_KEEP_DAILY` (default 14), `HOSO_BACKUP_KEEP_MONTHLY` (default 12; LC Điều 16
    /// khoản 7 wants at least 3 months).
    pub backup_keep_daily: usize,
    pub backup_keep_monthly: usize,
    /// The system administrator is alerted when the last good backup is older than this many
    /// hours. `HOSO_BACKUP_MAX_AGE_HOURS`, default 36.
    pub backup_max_age_hours: i64,
    /// Bearer token that opens `/metrics` (Prometheus text format); unset, `/metrics` answers
    /// 404. `HOSO_METRICS_TOKEN`.
    pub metrics_token: Option<Secret>,
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
    pub password: Option<Secret>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    None,
    StartTls,
    Tls,
}

/// The shared account system Hoso signs people in with (authorization-code flow, PKCE, nonce).
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// Issuer URL; its `/.well-known/openid-configuration` is read at each sign-in.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<Secret>,
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
            lockout_threshold: 10,
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
            approval_window_days: None,
            fixed_today: None,
            record_stale_days: 365,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            reference_reload_seconds: 5,
            shutdown_grace_seconds: 20,
            idempotency_hours: 24,
            demo_password: None,
            backup_dir: None,
            backup_url: None,
            backup_options: Vec::new(),
            backup_passphrase: None,
            backup_keep_daily: 14,
            backup_keep_monthly: 12,
            backup_max_age_hours: 36,
            metrics_token: None,
            smtp: None,
            oidc: None,
        }
    }
}

/// The database URL with its password (user info or `password=` parameter) hidden.
fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest = scheme_end + 3;
        let authority_end = out[rest..].find(['/', '?']).map_or(out.len(), |i| rest + i);
        if let Some(at) = out[rest..authority_end].rfind('@').map(|i| rest + i)
            && let Some(colon) = out[rest..at].find(':').map(|i| rest + i)
        {
            out.replace_range(colon + 1..at, Secret::REDACTED);
        }
    }
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => {
                    format!("{k}={}", Secret::REDACTED)
                }
                _ => pair.to_string(),
            })
            .collect();
        out = format!("{head}{}", query.join("&"));
    }
    out
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Destructured so that a new field does not compile until it is decided here whether
        // it may be printed.
        let Config {
            database_url,
            key_file,
            secret_key_hex,
            session_minutes,
            lockout_threshold,
            lockout_minutes,
            max_body_bytes,
            deadline_preset,
            deadline_rules_file,
            secure_cookies,
            password_max_age_days,
            password_min_length,
            require_totp_for_admins,
            attachments_dir,
            attachments_url,
            attachments_options,
            attachment_max_bytes,
            trusted_roots_file,
            approval_window_days,
            fixed_today,
            record_stale_days,
            bind,
            reference_reload_seconds,
            shutdown_grace_seconds,
            idempotency_hours,
            demo_password,
            backup_dir,
            backup_url,
            backup_options,
            backup_passphrase,
            backup_keep_daily,
            backup_keep_monthly,
            backup_max_age_hours,
            metrics_token,
            smtp,
            oidc,
        } = self;
        let options: Vec<(&str, &str)> = attachments_options
            .iter()
            .map(|(k, _)| (k.as_str(), Secret::REDACTED))
            .collect();
        f.debug_struct("Config")
            .field("database_url", &redact_url(database_url))
            .field("key_file", key_file)
            .field("secret_key_hex", secret_key_hex)
            .field("session_minutes", session_minutes)
            .field("lockout_threshold", lockout_threshold)
            .field("lockout_minutes", lockout_minutes)
            .field("max_body_bytes", max_body_bytes)
            .field("deadline_preset", deadline_preset)
            .field("deadline_rules_file", deadline_rules_file)
            .field("secure_cookies", secure_cookies)
            .field("password_max_age_days", password_max_age_days)
            .field("password_min_length", password_min_length)
            .field("require_totp_for_admins", require_totp_for_admins)
            .field("attachments_dir", attachments_dir)
            .field("attachments_url", attachments_url)
            .field("attachments_options", &options)
            .field("attachment_max_bytes", attachment_max_bytes)
            .field("trusted_roots_file", trusted_roots_file)
            .field("approval_window_days", approval_window_days)
            .field("fixed_today", fixed_today)
            .field("record_stale_days", record_stale_days)
            .field("bind", bind)
            .field("reference_reload_seconds", reference_reload_seconds)
            .field("shutdown_grace_seconds", shutdown_grace_seconds)
            .field("idempotency_hours", idempotency_hours)
            .field("demo_password", demo_password)
            .field("backup_dir", backup_dir)
            .field("backup_url", backup_url)
            .field(
                "backup_options",
                &backup_options
                    .iter()
                    .map(|(k, _)| (k.as_str(), Secret::REDACTED))
                    .collect::<Vec<_>>(),
            )
            .field("backup_passphrase", backup_passphrase)
            .field("backup_keep_daily", backup_keep_daily)
            .field("backup_keep_monthly", backup_keep_monthly)
            .field("backup_max_age_hours", backup_max_age_hours)
            .field("metrics_token", metrics_token)
            .field("smtp", smtp)
            .field("oidc", oidc)
            .finish()
    }
}

/// One source of settings (the file, or the environment): what it sets.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Layer {
    database_url: Option<String>,
    key_file: Option<PathBuf>,
    secret_key: Option<Secret>,
    session_minutes: Option<i64>,
    lockout_threshold: Option<i64>,
    lockout_minutes: Option<i64>,
    max_body_bytes: Option<usize>,
    deadline_preset: Option<String>,
    deadline_rules_file: Option<PathBuf>,
    secure_cookies: Option<bool>,
    password_max_age_days: Option<i64>,
    password_min_length: Option<usize>,
    require_totp_for_admins: Option<bool>,
    attachments_dir: Option<PathBuf>,
    attachments_url: Option<String>,
    attachments_options: Option<BTreeMap<String, String>>,
    attachment_max_bytes: Option<usize>,
    trusted_roots: Option<PathBuf>,
    approval_window_days: Option<usize>,
    fixed_today: Option<String>,
    record_stale_days: Option<i64>,
    bind: Option<String>,
    reference_reload_seconds: Option<u64>,
    shutdown_grace_seconds: Option<u64>,
    idempotency_hours: Option<i64>,
    demo_password: Option<Secret>,
    backup_dir: Option<PathBuf>,
    backup_url: Option<String>,
    backup_options: Option<BTreeMap<String, String>>,
    backup_passphrase: Option<Secret>,
    backup_keep_daily: Option<usize>,
    backup_keep_monthly: Option<usize>,
    backup_max_age_hours: Option<i64>,
    metrics_token: Option<Secret>,
    #[serde(default)]
    smtp: SmtpLayer,
    #[serde(default)]
    oidc: OidcLayer,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SmtpLayer {
    host: Option<String>,
    port: Option<u16>,
    from: Option<String>,
    tls: Option<String>,
    username: Option<String>,
    password: Option<Secret>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OidcLayer {
    issuer: Option<String>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    redirect_url: Option<String>,
    id_claim: Option<String>,
}

/// `top` wins where it sets a field.
macro_rules! overlay {
    ($base:expr, $top:expr; $($field:ident),* $(,)?) => {
        $( if $top.$field.is_some() { $base.$field = $top.$field; } )*
    };
}

impl Layer {
    fn overlay(mut self, top: Layer) -> Layer {
        overlay!(self, top; database_url, key_file, secret_key, session_minutes,
            lockout_threshold, lockout_minutes, max_body_bytes, deadline_preset,
            deadline_rules_file, secure_cookies, password_max_age_days, password_min_length,
            require_totp_for_admins, attachments_dir, attachments_url, attachments_options,
            attachment_max_bytes, trusted_roots, approval_window_days, fixed_today,
            record_stale_days, bind, reference_reload_seconds, shutdown_grace_seconds,
            idempotency_hours, demo_password, backup_dir, backup_url, backup_options,
            backup_passphrase, backup_keep_daily,
            backup_keep_monthly, backup_max_age_hours, metrics_token);
        overlay!(self.smtp, top.smtp; host, port, from, tls, username, password);
        overlay!(self.oidc, top.oidc; issuer, client_id, client_secret, redirect_url, id_claim);
        self
    }
}

/// Strict truth values: `true`/`false`, `1`/`0`, `yes`/`no` (any case); anything else is an
/// error naming the variable, never a silent "false".
pub fn parse_bool(name: &str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(ConfigError::invalid(
            name,
            format!(
                "{name} «{value}» không hợp lệ: chỉ nhận true, false, 1, 0, yes, no / must be one of true, false, 1, 0, yes, no"
            ),
        )),
    }
}

/// Reads the `HOSO_*` variables through `env` (the process environment, or a map in tests).
struct EnvReader<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl EnvReader<'_> {
    fn text(&self, name: &str) -> Option<String> {
        (self.env)(name)
    }

    fn path(&self, name: &str) -> Option<PathBuf> {
        self.text(name).map(PathBuf::from)
    }

    fn number<T: std::str::FromStr>(
        &self,
        name: &str,
        what: &str,
    ) -> Result<Option<T>, ConfigError> {
        self.text(name)
            .map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| ConfigError::invalid(name, format!("{name} {what}")))
            })
            .transpose()
    }

    fn boolean(&self, name: &str) -> Result<Option<bool>, ConfigError> {
        self.text(name).map(|v| parse_bool(name, &v)).transpose()
    }

    fn layer(&self) -> Result<Layer, ConfigError> {
        Ok(Layer {
            database_url: self.text("HOSO_DATABASE_URL"),
            key_file: self.path("HOSO_KEY_FILE"),
            secret_key: self.text("HOSO_SECRET_KEY").map(Secret),
            session_minutes: self.number("HOSO_SESSION_MINUTES", "phải là số phút")?,
            lockout_threshold: self.number("HOSO_LOCKOUT_THRESHOLD", "phải là số lần")?,
            lockout_minutes: self.number("HOSO_LOCKOUT_MINUTES", "phải là số phút")?,
            max_body_bytes: self.number("HOSO_MAX_BODY_BYTES", "phải là số byte")?,
            deadline_preset: self.text("HOSO_DEADLINE_PRESET"),
            deadline_rules_file: self.path("HOSO_DEADLINE_RULES_FILE"),
            secure_cookies: self.boolean("HOSO_SECURE_COOKIES")?,
            password_max_age_days: self.number("HOSO_PASSWORD_MAX_AGE_DAYS", "phải là số ngày")?,
            password_min_length: self.number("HOSO_PASSWORD_MIN_LENGTH", "phải là số ký tự")?,
            require_totp_for_admins: self.boolean("HOSO_REQUIRE_TOTP_FOR_ADMINS")?,
            attachments_dir: self.path("HOSO_ATTACHMENTS_DIR"),
            attachments_url: self.text("HOSO_ATTACHMENTS_URL"),
            attachments_options: None,
            attachment_max_bytes: self.number("HOSO_ATTACHMENT_MAX_BYTES", "phải là số byte")?,
            trusted_roots: self.path("HOSO_TRUSTED_ROOTS"),
            approval_window_days: self
                .number("HOSO_APPROVAL_WINDOW_DAYS", "phải là số ngày làm việc")?,
            fixed_today: self.text("HOSO_FIXED_TODAY"),
            record_stale_days: self.number("HOSO_RECORD_STALE_DAYS", "phải là số ngày dương")?,
            bind: self.text("HOSO_BIND"),
            reference_reload_seconds: self
                .number("HOSO_REFERENCE_RELOAD_SECONDS", "phải là số giây dương")?,
            shutdown_grace_seconds: self
                .number("HOSO_SHUTDOWN_GRACE_SECONDS", "phải là số giây")?,
            idempotency_hours: self.number("HOSO_IDEMPOTENCY_HOURS", "phải là số giờ dương")?,
            demo_password: self
                .text("HOSO_DEMO_PASSWORD")
                .filter(|p| !p.is_empty())
                .map(Secret),
            backup_dir: self.path("HOSO_BACKUP_DIR"),
            backup_url: self.text("HOSO_BACKUP_URL"),
            backup_options: None,
            backup_passphrase: self
                .text("HOSO_BACKUP_PASSPHRASE")
                .filter(|p| !p.is_empty())
                .map(Secret),
            backup_keep_daily: self.number("HOSO_BACKUP_KEEP_DAILY", "phải là số bản sao lưu")?,
            backup_keep_monthly: self
                .number("HOSO_BACKUP_KEEP_MONTHLY", "phải là số bản sao lưu")?,
            backup_max_age_hours: self
                .number("HOSO_BACKUP_MAX_AGE_HOURS", "phải là số giờ dương")?,
            metrics_token: self
                .text("HOSO_METRICS_TOKEN")
                .filter(|t| !t.is_empty())
                .map(Secret),
            smtp: SmtpLayer {
                host: self.text("HOSO_SMTP_HOST"),
                port: self.number("HOSO_SMTP_PORT", "phải là số cổng (1–65535)")?,
                from: self.text("HOSO_SMTP_FROM"),
                tls: self.text("HOSO_SMTP_TLS"),
                username: self.text("HOSO_SMTP_USERNAME"),
                password: self.text("HOSO_SMTP_PASSWORD").map(Secret),
            },
            oidc: OidcLayer {
                issuer: self.text("HOSO_OIDC_ISSUER"),
                client_id: self.text("HOSO_OIDC_CLIENT_ID"),
                client_secret: self.text("HOSO_OIDC_CLIENT_SECRET").map(Secret),
                redirect_url: self.text("HOSO_OIDC_REDIRECT_URL"),
                id_claim: self.text("HOSO_OIDC_ID_CLAIM"),
            },
        })
    }
}

impl Config {
    /// Where attachments are stored (see [`Config::attachments_dir`]).
    pub fn attachments_path(&self) -> PathBuf {
        self.attachments_dir
            .clone()
            .unwrap_or_else(|| self.data_dir().join("attachments"))
    }

    /// Where backups are written (see [`Config::backup_dir`]).
    pub fn backup_path(&self) -> PathBuf {
        self.backup_dir
            .clone()
            .unwrap_or_else(|| self.data_dir().join("backups"))
    }

    /// The folder of the key file: where the server keeps its own files.
    pub fn data_dir(&self) -> PathBuf {
        self.key_file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf)
    }

    /// Defaults, then the file named by `HOSO_CONFIG` (if set), then the `HOSO_*` variables.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::load(None)
    }

    /// Defaults, then the TOML file `file` (else the one named by `HOSO_CONFIG`, else none),
    /// then the `HOSO_*` variables of the process.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let env = |name: &str| std::env::var(name).ok();
        let path = file.map(Path::to_path_buf).or_else(|| {
            env("HOSO_CONFIG")
                .filter(|p| !p.trim().is_empty())
                .map(PathBuf::from)
        });
        let text = match &path {
            None => None,
            Some(p) => Some(std::fs::read_to_string(p).map_err(|e| ConfigError::File {
                path: p.clone(),
                message: format!("không đọc được / cannot read: {e}"),
            })?),
        };
        let file = path.as_deref().zip(text.as_deref());
        Config::from_sources(file, &env)
    }

    /// Defaults, then `file` (its path, for messages, and its text), then the variables read
    /// through `env`.
    pub fn from_sources(
        file: Option<(&Path, &str)>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let from_file = match file {
            None => Layer::default(),
            Some((path, text)) => toml::from_str::<Layer>(text).map_err(|e| ConfigError::File {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?,
        };
        let from_env = EnvReader { env }.layer()?;
        Config::build(from_file.overlay(from_env))
    }

    fn build(l: Layer) -> Result<Config, ConfigError> {
        let d = Config::default();
        let fixed_today = match l.fixed_today {
            None => None,
            Some(v) => Some(
                time::Date::parse(
                    v.trim(),
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .map_err(|_| {
                    ConfigError::invalid(
                        "HOSO_FIXED_TODAY",
                        "HOSO_FIXED_TODAY (fixed_today) phải là ngày dạng YYYY-MM-DD",
                    )
                })?,
            ),
        };
        let record_stale_days = l.record_stale_days.unwrap_or(d.record_stale_days);
        if record_stale_days <= 0 {
            return Err(ConfigError::invalid(
                "HOSO_RECORD_STALE_DAYS",
                "HOSO_RECORD_STALE_DAYS phải là số ngày dương",
            ));
        }
        let bind = match l.bind {
            None => d.bind,
            Some(v) => v.trim().parse().map_err(|_| {
                ConfigError::invalid(
                    "HOSO_BIND",
                    format!("HOSO_BIND (bind) «{v}» phải là địa chỉ dạng 127.0.0.1:8080"),
                )
            })?,
        };
        let reference_reload_seconds = l
            .reference_reload_seconds
            .unwrap_or(d.reference_reload_seconds);
        if reference_reload_seconds == 0 {
            return Err(ConfigError::invalid(
                "HOSO_REFERENCE_RELOAD_SECONDS",
                "HOSO_REFERENCE_RELOAD_SECONDS phải là số giây dương",
            ));
        }
        let idempotency_hours = l.idempotency_hours.unwrap_or(d.idempotency_hours);
        if idempotency_hours <= 0 {
            return Err(ConfigError::invalid(
                "HOSO_IDEMPOTENCY_HOURS",
                "HOSO_IDEMPOTENCY_HOURS phải là số giờ dương",
            ));
        }
        let backup_max_age_hours = l.backup_max_age_hours.unwrap_or(d.backup_max_age_hours);
        if backup_max_age_hours <= 0 {
            return Err(ConfigError::invalid(
                "HOSO_BACKUP_MAX_AGE_HOURS",
                "HOSO_BACKUP_MAX_AGE_HOURS phải là số giờ dương",
            ));
        }
        Ok(Config {
            database_url: l.database_url.unwrap_or(d.database_url),
            key_file: l.key_file.unwrap_or(d.key_file),
            secret_key_hex: l.secret_key,
            session_minutes: l.session_minutes.unwrap_or(d.session_minutes),
            lockout_threshold: l.lockout_threshold.unwrap_or(d.lockout_threshold),
            lockout_minutes: l.lockout_minutes.unwrap_or(d.lockout_minutes),
            max_body_bytes: l.max_body_bytes.unwrap_or(d.max_body_bytes),
            deadline_preset: l.deadline_preset.unwrap_or(d.deadline_preset),
            deadline_rules_file: l.deadline_rules_file,
            secure_cookies: l.secure_cookies.unwrap_or(d.secure_cookies),
            password_max_age_days: l.password_max_age_days.unwrap_or(d.password_max_age_days),
            password_min_length: l.password_min_length.unwrap_or(d.password_min_length),
            require_totp_for_admins: l
                .require_totp_for_admins
                .unwrap_or(d.require_totp_for_admins),
            attachments_dir: l.attachments_dir,
            attachments_url: l.attachments_url.filter(|v| !v.trim().is_empty()),
            attachments_options: l
                .attachments_options
                .unwrap_or_default()
                .into_iter()
                .collect(),
            attachment_max_bytes: l.attachment_max_bytes.unwrap_or(d.attachment_max_bytes),
            trusted_roots_file: l.trusted_roots,
            approval_window_days: l.approval_window_days.or(d.approval_window_days),
            fixed_today,
            record_stale_days,
            bind,
            reference_reload_seconds,
            shutdown_grace_seconds: l.shutdown_grace_seconds.unwrap_or(d.shutdown_grace_seconds),
            idempotency_hours,
            demo_password: l.demo_password,
            backup_dir: l.backup_dir,
            backup_url: l.backup_url.filter(|v| !v.trim().is_empty()),
            backup_options: l.backup_options.unwrap_or_default().into_iter().collect(),
            backup_passphrase: l.backup_passphrase,
            backup_keep_daily: l.backup_keep_daily.unwrap_or(d.backup_keep_daily),
            backup_keep_monthly: l.backup_keep_monthly.unwrap_or(d.backup_keep_monthly),
            backup_max_age_hours,
            metrics_token: l.metrics_token,
            smtp: smtp(l.smtp)?,
            oidc: oidc(l.oidc)?,
        })
    }
}

fn smtp(l: SmtpLayer) -> Result<Option<SmtpConfig>, ConfigError> {
    let Some(host) = l.host else {
        return Ok(None);
    };
    let tls = match l.tls.as_deref().map(str::trim) {
        None | Some("starttls") => SmtpTls::StartTls,
        Some("none") => SmtpTls::None,
        Some("tls") => SmtpTls::Tls,
        Some(other) => {
            return Err(ConfigError::invalid(
                "HOSO_SMTP_TLS",
                format!("HOSO_SMTP_TLS «{other}» không hợp lệ (chấp nhận: none, starttls, tls)"),
            ));
        }
    };
    let port = l.port.unwrap_or(match tls {
        SmtpTls::None => 25,
        SmtpTls::StartTls => 587,
        SmtpTls::Tls => 465,
    });
    let from = l.from.ok_or_else(|| {
        ConfigError::invalid(
            "HOSO_SMTP_FROM",
            "HOSO_SMTP_FROM (địa chỉ gửi thư) là bắt buộc khi đặt HOSO_SMTP_HOST",
        )
    })?;
    Ok(Some(SmtpConfig {
        host,
        port,
        from,
        tls,
        username: l.username,
        password: l.password,
    }))
}

fn oidc(l: OidcLayer) -> Result<Option<OidcConfig>, ConfigError> {
    let Some(issuer) = l.issuer else {
        return Ok(None);
    };
    let required = |value: Option<String>, name: &str| {
        value.filter(|v| !v.trim().is_empty()).ok_or_else(|| {
            ConfigError::invalid(
                name,
                format!("{name} phải được đặt khi có HOSO_OIDC_ISSUER"),
            )
        })
    };
    Ok(Some(OidcConfig {
        issuer,
        client_id: required(l.client_id, "HOSO_OIDC_CLIENT_ID")?,
        client_secret: l.client_secret,
        redirect_url: required(l.redirect_url, "HOSO_OIDC_REDIRECT_URL")?,
        id_claim: l.id_claim.unwrap_or_else(|| "so_dinh_danh".into()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name: &str| map.get(name).cloned()
    }

    fn load(file: Option<&str>, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_sources(file.map(|t| (Path::new("hoso.toml"), t)), &env_of(env))
    }

    #[test]
    fn nothing_set_gives_the_defaults() {
        let c = load(None, &[]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/hoso.db");
        assert_eq!(c.session_minutes, 480);
        assert!(c.smtp.is_none() && c.oidc.is_none());
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.reference_reload_seconds, 5);
    }

    #[test]
    fn the_environment_wins_over_the_file_and_the_file_over_the_defaults() {
        let file = r#"
            database_url = "postgres://hoso@db/hoso"
            session_minutes = 60
            secure_cookies = true
            reference_reload_seconds = 2
            [smtp]
            host = "relay.local"
            from = "hoso@tinh.gov.vn"
            tls = "none"
            [oidc]
            issuer = "https://sso.tinh.gov.vn"
            client_id = "hoso"
            redirect_url = "https://hoso.tinh.gov.vn/auth/oidc/callback"
            [attachments_options]
            aws_endpoint = "http://minio:9000"
        "#;
        let c = load(
            Some(file),
            &[
                ("HOSO_SESSION_MINUTES", "30"),
                ("HOSO_SECURE_COOKIES", "no"),
                ("HOSO_SMTP_PORT", "2525"),
            ],
        )
        .unwrap();
        assert_eq!(c.database_url, "postgres://hoso@db/hoso", "from the file");
        assert_eq!(c.session_minutes, 30, "the environment wins");
        assert!(!c.secure_cookies, "the environment wins, even to turn off");
        assert_eq!(c.reference_reload_seconds, 2);
        let smtp = c.smtp.unwrap();
        assert_eq!(
            (smtp.host.as_str(), smtp.port, smtp.tls),
            ("relay.local", 2525, SmtpTls::None)
        );
        assert_eq!(c.oidc.unwrap().id_claim, "so_dinh_danh");
        assert_eq!(
            c.attachments_options,
            vec![("aws_endpoint".to_string(), "http://minio:9000".to_string())]
        );
    }

    #[test]
    fn booleans_are_strict_and_name_the_variable() {
        for (text, want) in [
            ("true", true),
            ("1", true),
            ("yes", true),
            ("YES", true),
            ("false", false),
            ("0", false),
            ("no", false),
        ] {
            let c = load(None, &[("HOSO_REQUIRE_TOTP_FOR_ADMINS", text)]).unwrap();
            assert_eq!(c.require_totp_for_admins, want, "{text}");
        }
        for text in ["on", "off", "", "y", "2", "tru"] {
            let e = load(None, &[("HOSO_SECURE_COOKIES", text)]).unwrap_err();
            assert!(
                matches!(&e, ConfigError::Invalid { name, .. } if name == "HOSO_SECURE_COOKIES"),
                "{text}: {e:?}"
            );
            assert!(e.to_string().contains("HOSO_SECURE_COOKIES"), "{e}");
            assert!(e.to_string().contains("true, false, 1, 0, yes, no"), "{e}");
        }
        // In the file a truth value is a TOML boolean, not a string.
        let e = load(Some("secure_cookies = \"maybe\""), &[]).unwrap_err();
        assert!(e.to_string().contains("secure_cookies"), "{e}");
    }

    #[test]
    fn bad_values_are_refused_with_their_vietnamese_messages() {
        let e = load(None, &[("HOSO_SESSION_MINUTES", "tám")]).unwrap_err();
        assert_eq!(e.to_string(), "HOSO_SESSION_MINUTES phải là số phút");
        let e = load(None, &[("HOSO_RECORD_STALE_DAYS", "0")]).unwrap_err();
        assert!(e.to_string().contains("số ngày dương"));
        let e = load(None, &[("HOSO_SMTP_HOST", "relay")]).unwrap_err();
        assert!(e.to_string().contains("HOSO_SMTP_FROM"));
        let e = load(None, &[("HOSO_OIDC_ISSUER", "https://sso")]).unwrap_err();
        assert!(e.to_string().contains("HOSO_OIDC_CLIENT_ID"));
        let e = load(Some("sesion_minutes = 5"), &[]).unwrap_err();
        assert!(
            matches!(&e, ConfigError::File { .. }) && e.to_string().contains("sesion_minutes"),
            "an unknown key is refused: {e}"
        );
        let e = load(None, &[("HOSO_FIXED_TODAY", "14/10/2026")]).unwrap_err();
        assert!(e.to_string().contains("YYYY-MM-DD"));
        let e = load(Some("bind = \"localhost\""), &[]).unwrap_err();
        assert!(e.to_string().contains("HOSO_BIND"));
    }

    #[test]
    fn debug_never_prints_a_secret() {
        let file = r#"
            database_url = "postgres://hoso:mat-khau-csdl@db:5432/hoso?sslmode=require&password=mat-khau-2"
            secret_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
            demo_password = "mat-khau-mau"
            [smtp]
            host = "relay"
            from = "hoso@tinh.gov.vn"
            username = "hoso"
            password = "mat-khau-smtp"
            [oidc]
            issuer = "https://sso"
            client_id = "hoso"
            client_secret = "bi-mat-oidc"
            redirect_url = "https://hoso/auth/oidc/callback"
            [attachments_options]
            aws_secret_access_key = "bi-mat-s3"
        "#;
        let c = load(Some(file), &[]).unwrap();
        let shown = format!("{c:?} {c:#?}");
        for secret in [
            "mat-khau-csdl",
            "mat-khau-2",
            "00112233445566778899",
            "mat-khau-mau",
            "mat-khau-smtp",
            "bi-mat-oidc",
            "bi-mat-s3",
        ] {
            assert!(!shown.contains(secret), "{secret} printed in {shown}");
        }
        assert!(shown.contains("[đã ẩn]"));
        assert!(shown.contains("postgres://hoso:[đã ẩn]@db:5432/hoso?sslmode=require"));
        assert!(shown.contains("aws_secret_access_key"), "option names stay");
        // The values are there for whoever asks for them.
        assert_eq!(c.smtp.unwrap().password.unwrap().expose(), "mat-khau-smtp");
        assert_eq!(format!("{:?}", Secret::new("x")), "[đã ẩn]");
    }

    #[test]
    fn the_shipped_example_file_documents_every_key_and_loads() {
        let text = include_str!("../../../hoso.example.toml");
        // Every key, uncommented, loads (the example comments out only optional tables' values).
        let uncommented: String = text
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|r| r.contains(" = ") || r.starts_with('['))
                    .unwrap_or(l)
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let c = load(Some(&uncommented), &[]).unwrap();
        assert!(c.smtp.is_some() && c.oidc.is_some());
        for env in [
            "HOSO_DATABASE_URL",
            "HOSO_KEY_FILE",
            "HOSO_SECRET_KEY",
            "HOSO_SESSION_MINUTES",
            "HOSO_LOCKOUT_THRESHOLD",
            "HOSO_LOCKOUT_MINUTES",
            "HOSO_MAX_BODY_BYTES",
            "HOSO_DEADLINE_PRESET",
            "HOSO_DEADLINE_RULES_FILE",
            "HOSO_SECURE_COOKIES",
            "HOSO_PASSWORD_MAX_AGE_DAYS",
            "HOSO_PASSWORD_MIN_LENGTH",
            "HOSO_REQUIRE_TOTP_FOR_ADMINS",
            "HOSO_ATTACHMENTS_DIR",
            "HOSO_ATTACHMENTS_URL",
            "HOSO_BACKUP_URL",
            "HOSO_ATTACHMENT_MAX_BYTES",
            "HOSO_TRUSTED_ROOTS",
            "HOSO_APPROVAL_WINDOW_DAYS",
            "HOSO_FIXED_TODAY",
            "HOSO_RECORD_STALE_DAYS",
            "HOSO_BIND",
            "HOSO_REFERENCE_RELOAD_SECONDS",
            "HOSO_SHUTDOWN_GRACE_SECONDS",
            "HOSO_IDEMPOTENCY_HOURS",
            "HOSO_DEMO_PASSWORD",
            "HOSO_SMTP_HOST",
            "HOSO_SMTP_PORT",
            "HOSO_SMTP_FROM",
            "HOSO_SMTP_TLS",
            "HOSO_SMTP_USERNAME",
            "HOSO_SMTP_PASSWORD",
            "HOSO_OIDC_ISSUER",
            "HOSO_OIDC_CLIENT_ID",
            "HOSO_OIDC_CLIENT_SECRET",
            "HOSO_OIDC_REDIRECT_URL",
            "HOSO_OIDC_ID_CLAIM",
        ] {
            assert!(text.contains(env), "{env} not documented");
        }
    }
}
