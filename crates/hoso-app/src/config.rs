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
    /// Optional sign-in through the province's shared account system (OpenID Connect).
    /// `HOSO_OIDC_ISSUER`, `HOSO_OIDC_CLIENT_ID`, `HOSO_OIDC_CLIENT_SECRET`,
    /// `HOSO_OIDC_REDIRECT_URL`, `HOSO_OIDC_ID_CLAIM`.
    pub oidc: Option<OidcConfig>,
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
            oidc: None,
        }
    }
}

impl Config {
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
