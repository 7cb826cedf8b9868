//! Hoso's use cases: one method of [`App`] per thing a user does. Each takes the acting
//! account ([`Actor`]), checks scope, role and field access before touching data, runs its
//! writes in one transaction and appends to the audit trail. Handlers call these and nothing
//! else; they never query the store themselves.

pub mod accounts;
pub mod admin;
pub mod alert_sources;
pub mod alerts;
pub mod approval_returns;
pub mod approvals;
pub mod attachments;
pub mod auth;
pub mod authz;
pub mod backup;
pub mod catalogs;
pub mod changes;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod data_quality;
pub mod deadline_report;
pub mod deadlines;
pub mod demo;
pub mod digest;
pub mod display;
pub mod documents;
pub mod error;
pub mod export;
pub mod handovers;
pub mod holidays;
pub mod idempotency;
pub mod import_mappings;
pub mod imports;
pub mod jobs;
pub mod movements;
pub mod oidc;
pub mod org;
pub mod payroll;
pub mod periodic_reports;
pub mod personal_accounts;
pub mod projections;
mod read_audits;
pub mod record_access;
pub mod records;
pub mod reference;
pub mod reorganisation;
pub mod report_forms;
pub mod reports;
pub mod rotation;
pub mod saved_searches;
pub mod security;
pub mod shutdown;
pub mod signing;
pub mod status_decisions;
pub mod templates;
pub mod throttle;
pub mod totp;
pub mod version_scans;
pub mod versions;
pub mod work;

use std::sync::{Arc, RwLock};

use hoso_domain::catalog::Catalogs;
use hoso_domain::schema::SchemaSet;
use hoso_store::Store;
use serde::Serialize;

pub use auth::{Actor, Grant};
pub use authz::{Capabilities, Capability, Target};
pub use clock::Clock;
pub use config::{Config, ConfigError, Secret};
pub use error::{AppError, AppResult};
pub use shutdown::Shutdown;

/// Where a request came from, for the audit trail.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub addr: Option<String>,
    pub user_agent: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The matches were counted only up to `total`: there are more (the list of records counts
    /// to [`records::COUNT_CAP`]; narrow the search to count them all).
    pub total_capped: bool,
}

/// Paging requested by a client, clamped to sane bounds.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub const MAX_PER_PAGE: i64 = 200;
    /// No list is this long; a larger page number is a malformed request, not an empty page
    /// (and `(page - 1) * per_page` stays far from overflowing).
    pub const MAX_PAGE: i64 = 1_000_000;

    pub fn new(page: Option<i64>, per_page: Option<i64>) -> AppResult<Paging> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(50);
        if page < 1 {
            return Err(AppError::BadRequest(
                "Số trang (page) phải từ 1 trở lên.".into(),
            ));
        }
        if page > Self::MAX_PAGE {
            return Err(AppError::BadRequest(format!(
                "Số trang (page) quá lớn: tối đa {}.",
                Self::MAX_PAGE
            )));
        }
        if !(1..=Self::MAX_PER_PAGE).contains(&per_page) {
            return Err(AppError::BadRequest(format!(
                "Số dòng mỗi trang (per_page) phải từ 1 đến {}.",
                Self::MAX_PER_PAGE
            )));
        }
        Ok(Paging { page, per_page })
    }

    pub fn offset(self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

/// The application: storage, configuration and the rules in force. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub(crate) store: Store,
    pub(crate) config: Arc<Config>,
    pub(crate) clock: Clock,
    pub(crate) schemas: &'static SchemaSet,
    pub(crate) catalogs: Arc<RwLock<Arc<Catalogs>>>,
    pub(crate) keys: Arc<crypto::Keyring>,
    pub(crate) hash_permits: Arc<tokio::sync::Semaphore>,
    pub(crate) login_throttle: Arc<throttle::LoginThrottle>,
    pub(crate) deadline_rules: Arc<hoso_domain::deadlines::RuleSet>,
    pub(crate) attachments: attachments::AttachmentStore,
    pub(crate) trusted_roots: Arc<Vec<openssl::x509::X509>>,
    /// The working-day calendar in force, replaced after each holiday amendment.
    pub(crate) calendar: Arc<RwLock<Arc<hoso_domain::calendar::HolidayCalendar>>>,
    /// The reference versions loaded into `catalogs` and `calendar` (see [`reference`]).
    pub(crate) reference_seen: Arc<reference::Seen>,
    /// The projected columns the schemas declare (see [`projections`]).
    pub(crate) layout: Arc<hoso_store::projection::ProjectionLayout>,
    /// The queue of read audits committed together (see [`read_audits`]).
    pub(crate) read_audits: read_audits::ReadAudits,
}

/// The keys in force: the configured key, plus older ones found beside the key file (an
/// interrupted or finished rotation), for reading rows not yet re-encrypted.
fn load_keyring(config: &Config) -> AppResult<crypto::Keyring> {
    let mut generated = None;
    let current = match &config.secret_key_hex {
        Some(hex_text) => crypto::parse_key_hex(hex_text.expose())?,
        None => match std::fs::read_to_string(&config.key_file) {
            Ok(text) => crypto::parse_key_hex(&text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = crypto::new_key();
                if let Some(dir) = config
                    .key_file
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                {
                    hoso_store::private_dir(dir).map_err(|e| {
                        AppError::Internal(format!("cannot create key folder: {e}"))
                    })?;
                }
                write_private_file(&config.key_file, hex::encode(key).as_bytes())
                    .map_err(|e| AppError::Internal(format!("cannot write key file: {e}")))?;
                generated = Some(config.key_file.clone());
                tracing::warn!(path = %config.key_file.display(), "generated a new secret key file; back it up with the database");
                key
            }
            Err(e) => return Err(AppError::Internal(format!("cannot read key file: {e}"))),
        },
    };
    let mut older = Vec::new();
    if config.secret_key_hex.is_none() {
        for path in crypto::companion_key_files(&config.key_file) {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| AppError::Internal(format!("cannot read {}: {e}", path.display())))?;
            older.push(crypto::MasterKey::new(&crypto::parse_key_hex(&text)?));
        }
    }
    Ok(crypto::Keyring {
        current: crypto::MasterKey::new(&current),
        older,
        generated,
    })
}

pub(crate) fn write_private_file(path: &std::path::Path, content: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(content)
}

impl App {
    /// Opens the database, applies migrations, and loads the shipped catalogs on first start.
    pub async fn start(config: Config) -> AppResult<App> {
        App::start_with_schemas(config, SchemaSet::embedded()).await
    }

    /// [`App::start`] with other record schemas than the embedded ones (a province's own
    /// version, or a test's). The database must have every column they project.
    pub async fn start_with_schemas(config: Config, schemas: &'static SchemaSet) -> AppResult<App> {
        let layout = projections::layout(schemas)?;
        let keys = load_keyring(&config)?;
        let deadline_rules = deadlines::load_rules(&config)?;
        let attachments = attachments::AttachmentStore::open(&config)?;
        let trusted_roots = match &config.trusted_roots_file {
            None => Vec::new(),
            Some(path) => {
                let pem = std::fs::read(path).map_err(|e| {
                    AppError::Internal(format!("cannot read {}: {e}", path.display()))
                })?;
                signing::read_roots(&pem).map_err(|e| {
                    AppError::Internal(format!("HOSO_TRUSTED_ROOTS {}: {e}", path.display()))
                })?
            }
        };
        let store = Store::open(&config.database_url).await?;
        let mut conn = store.reader().await?;
        // Refuse to run on the wrong key: rows sealed under a key the key file does not hold
        // could not be read, and new rows would be sealed under another key.
        let missing: Vec<String> = hoso_store::secrets::key_ids_in_use(&mut conn)
            .await?
            .into_iter()
            .filter(|id| keys.by_id(id).is_none())
            .collect();
        if !missing.is_empty() {
            let generated = keys.generated.as_deref();
            if let Some(path) = generated {
                // The key made a moment ago for an empty database is not the one wanted.
                let _ = std::fs::remove_file(path);
            }
            return Err(AppError::BadRequest(format!(
                "Cơ sở dữ liệu có dữ liệu mã hóa bằng khóa {} mà tệp khóa {} không có (khóa đang dùng: {}). \
                 Hãy khôi phục đúng tệp khóa đã sao lưu cùng cơ sở dữ liệu (hoặc đặt tệp hoso.key.old-<mã khóa> bên cạnh). \
                 / The database holds rows sealed under key {} which the key file does not hold.",
                missing.join(", "),
                config.key_file.display(),
                keys.current.id,
                missing.join(", "),
            )));
        }
        let stored = hoso_store::catalogs::count(&mut conn).await?;
        drop(conn);
        if stored == 0 {
            let defaults = Catalogs::embedded();
            let items: Vec<_> = defaults
                .catalog_names()
                .flat_map(|name| defaults.items(name).iter().cloned())
                .collect();
            let mut tx = store.begin().await?;
            hoso_store::catalogs::insert_all(&mut tx, &items).await?;
            hoso_store::reference::bump(&mut tx, hoso_store::reference::CATALOGS).await?;
            tx.commit().await.map_err(hoso_store::StoreError::from)?;
        }
        // Read before the data, so that an edit made meanwhile is reloaded at the next poll.
        let reference_seen = reference::current(&store).await?;
        let mut conn = store.reader().await?;
        let items = hoso_store::catalogs::all_active(&mut conn).await?;
        drop(conn);
        let catalogs = Catalogs::from_items(items);
        let mut conn = store.reader().await?;
        let calendar = holidays::load_calendar(&mut conn).await?;
        drop(conn);
        let app = App {
            read_audits: read_audits::ReadAudits::start(store.clone()),
            store,
            clock: Clock::from_fixed(config.fixed_today),
            config: Arc::new(config),
            schemas,
            catalogs: Arc::new(RwLock::new(Arc::new(catalogs))),
            keys: Arc::new(keys),
            hash_permits: Arc::new(tokio::sync::Semaphore::new(2)),
            login_throttle: Arc::default(),
            deadline_rules: Arc::new(deadline_rules),
            attachments,
            trusted_roots: Arc::new(trusted_roots),
            calendar: Arc::new(RwLock::new(Arc::new(calendar))),
            reference_seen: Arc::new(std::sync::Mutex::new(reference_seen)),
            layout: Arc::new(layout),
        };
        app.seal_clear_totp_secrets().await?;
        app.bring_projections_up_to_date().await?;
        Ok(app)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The content-addressed store of scans and packages.
    pub fn attachments(&self) -> &attachments::AttachmentStore {
        &self.attachments
    }

    pub fn schemas(&self) -> &'static SchemaSet {
        self.schemas
    }

    /// The projected columns of `persons` and `record_history`.
    pub fn layout(&self) -> &hoso_store::projection::ProjectionLayout {
        &self.layout
    }

    pub fn catalogs(&self) -> Arc<Catalogs> {
        self.catalogs
            .read()
            .map(|c| Arc::clone(&c))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    /// "Today" in Vietnam (UTC+7), the date every rule is evaluated on.
    pub fn today(&self) -> time::Date {
        self.clock.today()
    }

    /// The current instant on the application's clock, in Unix milliseconds: the one to
    /// compare with anything derived from [`App::today`].
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Recomputes the whole audit chain: how many entries check out, and where it first breaks.
    pub async fn verify_audit_chain(
        &self,
    ) -> AppResult<(i64, Option<hoso_store::audit::ChainBreak>)> {
        let mut conn = self.store.reader().await?;
        Ok(hoso_store::audit::verify_chain(&mut conn).await?)
    }

    /// Ready to serve: the database answers and has had every migration this version knows.
    pub async fn readiness(&self) -> AppResult<()> {
        let mut conn = self.store.reader().await?;
        let applied = hoso_store::migrate::applied(&mut conn).await?;
        let latest = hoso_store::migrate::latest();
        if applied.last().copied() != Some(latest) {
            return Err(AppError::Conflict(format!(
                "Cơ sở dữ liệu ở cấu trúc {}, phiên bản này cần {latest}: chạy `hoso migrate`.",
                applied.last().copied().unwrap_or(0)
            )));
        }
        Ok(())
    }

    /// The operator's figures (`/metrics`): counts only, and the pool's connections.
    pub async fn operational_figures(
        &self,
    ) -> AppResult<(hoso_store::figures::Figures, (u32, usize))> {
        let mut conn = self.store.reader().await?;
        let figures = hoso_store::figures::read(&mut conn).await?;
        drop(conn);
        Ok((figures, self.store.pool_connections()))
    }

    /// Readiness: the database answers.
    pub async fn health(&self) -> AppResult<()> {
        let mut conn = self.store.reader().await?;
        hoso_store::org::count(&mut conn).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_is_bounded_with_vietnamese_messages() {
        assert_eq!(Paging::new(None, None).unwrap().offset(), 0);
        assert_eq!(Paging::new(Some(3), Some(20)).unwrap().offset(), 40);
        assert!(
            matches!(Paging::new(Some(0), None), Err(AppError::BadRequest(m)) if m.contains("trang"))
        );
        assert!(Paging::new(None, Some(10_000)).is_err());
        assert!(
            matches!(Paging::new(Some(i64::MAX), Some(200)), Err(AppError::BadRequest(m)) if m.contains("quá lớn"))
        );
        assert_eq!(
            Paging::new(Some(Paging::MAX_PAGE), Some(Paging::MAX_PER_PAGE))
                .unwrap()
                .offset(),
            (Paging::MAX_PAGE - 1) * Paging::MAX_PER_PAGE
        );
    }
}
