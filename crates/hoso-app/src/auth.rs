//! Authentication: passwords (Argon2id), sessions, and the acting account every use case
//! receives.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use hoso_domain::access::{AccessLevel, Role};
use hoso_domain::audit_action::AuditAction;
use hoso_store::accounts::{self, AccountRow};
use hoso_store::persons::Scope;

use crate::authz::{Capabilities, Capability};
use crate::work::About;
use hoso_store::sessions;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{App, AppError, AppResult, ClientInfo};

/// Hashes a password with Argon2id (the crate's defaults: m=19 MiB, t=2, p=1). Slow on purpose,
/// so callers run it on the blocking pool.
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash that no password verifies against in less time than a real one, used when the
/// username does not exist so that timing does not reveal which usernames do.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// One role held over a subtree (or the whole province when `unit_path` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Grant {
    #[schema(value_type = String)]
    pub role: Role,
    pub unit_id: Option<i64>,
    #[serde(skip)]
    pub unit_path: Option<String>,
    pub read_only: bool,
}

/// The account acting in a request, with everything authorization needs.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<i64>,
    pub grants: Vec<Grant>,
    pub must_change_password: bool,
    /// The password is older than `password_max_age_days`.
    pub password_expired: bool,
    /// The configuration requires a second factor of this account, and it has none yet.
    pub totp_enrolment_required: bool,
    /// Hash of the session token the request came with (for logout).
    pub session_hash: Option<String>,
    /// Public id of that session (shown in the list of one's sessions).
    pub session_id: Option<String>,
    /// What the grants allow, computed once.
    capabilities: Capabilities,
}

impl Actor {
    pub fn new(
        account_id: i64,
        username: String,
        display_name: String,
        person_id: Option<i64>,
        grants: Vec<Grant>,
    ) -> Actor {
        Actor {
            capabilities: Capabilities::of(&grants, person_id),
            account_id,
            username,
            display_name,
            person_id,
            grants,
            must_change_password: false,
            password_expired: false,
            totp_enrolment_required: false,
            session_hash: None,
            session_id: None,
        }
    }

    /// What this account may do, and where ([`crate::authz`]).
    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    pub fn is_system_admin(&self) -> bool {
        self.capabilities.is_system_admin()
    }

    /// True while the account must change its password before doing anything else (temporary
    /// password after a reset, or a password past its maximum age).
    pub fn password_change_required(&self) -> bool {
        self.must_change_password || self.password_expired
    }

    /// Whether the account administers the unit at `path` (`None`: the whole province, which
    /// only a system administrator does).
    pub fn administers(&self, path: Option<&str>) -> bool {
        let scope = self.capabilities.scope(Capability::AdministerAccounts);
        match path {
            None => scope.everything,
            Some(p) => scope.contains_unit(p),
        }
    }

    /// Whether the account administers the unit at `path` from strictly above: from a unit
    /// that holds it and is not it (a system administrator: everything). Separation of duties:
    /// approval and administration at a unit's own level are given and managed only from here.
    pub fn administers_from_above(&self, path: &str) -> bool {
        let scope = self.capabilities.scope(Capability::AdministerAccounts);
        scope.everything
            || scope
                .subtrees
                .iter()
                .any(|top| hoso_domain::org::is_within(path, top) && path != top)
    }

    /// The subtrees this account administers (`None`: the whole province).
    pub fn administered_subtrees(&self) -> Option<Vec<String>> {
        let scope = self.capabilities.scope(Capability::AdministerAccounts);
        (!scope.everything).then(|| scope.subtrees.clone())
    }

    /// Administers accounts somewhere.
    pub fn is_administrator(&self) -> bool {
        self.capabilities
            .may_somewhere(Capability::AdministerAccounts)
    }

    /// Records this account may read.
    pub fn read_scope(&self) -> Scope {
        self.capabilities.scope(Capability::ReadRecords).clone()
    }

    /// Records this account may change directly.
    pub fn write_scope(&self) -> Scope {
        self.capabilities.scope(Capability::WriteRecords).clone()
    }

    /// Records whose verified changes this account signs: its writable approver grants, and
    /// the whole province for a system administrator.
    pub fn approval_scope(&self) -> Scope {
        self.capabilities.scope(Capability::ApproveChanges).clone()
    }

    /// Org subtrees this account sees (`None`: all; individuals see none).
    pub fn unit_paths(&self) -> Option<Vec<String>> {
        self.capabilities.unit_paths()
    }

    /// Whether the account may manage units (create, rename, move) under `path`.
    pub fn may_manage_units_under(&self, path: &str) -> bool {
        self.capabilities
            .may(Capability::ManageUnits, crate::authz::Target::Unit(path))
    }

    /// The records on which this account may read fields of `level` (by its grants; outside
    /// access grants do not count): where it may look a person up by such a field.
    pub fn scope_with_clearance(&self, level: AccessLevel) -> hoso_domain::access::Scope {
        let mut scope = hoso_domain::access::Scope::default();
        for g in self
            .grants
            .iter()
            .filter(|g| g.role.field_clearance() >= level)
        {
            match (&g.role, &g.unit_path) {
                (Role::Individual, _) => scope.persons.extend(self.person_id),
                (_, None) => scope.everything = true,
                (_, Some(p)) => scope.subtrees.push(p.clone()),
            }
        }
        scope
    }

    /// The most sensitive field level this account may read on a record of a person in the unit
    /// at `unit_path`.
    pub fn clearance_for(&self, person_id: i64, unit_path: &str) -> Option<AccessLevel> {
        self.grants
            .iter()
            .filter(|g| match (&g.role, &g.unit_path) {
                (Role::Individual, _) => self.person_id == Some(person_id),
                (_, None) => true,
                (_, Some(p)) => hoso_domain::org::is_within(unit_path, p),
            })
            .map(|g| g.role.field_clearance())
            .max()
    }
}

pub(crate) fn grants_from_rows(rows: Vec<accounts::GrantRow>) -> Vec<Grant> {
    rows.into_iter()
        .filter_map(|g| {
            Some(Grant {
                role: Role::parse(&g.role)?,
                unit_id: g.unit_id,
                unit_path: g.unit_path,
                read_only: g.read_only,
            })
        })
        .collect()
}

/// Sessions record activity at most once a minute.
const SESSION_TOUCH_MS: i64 = 60_000;

fn new_public_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl App {
    /// Signs in. Returns the session token (for the cookie or the `Authorization: Bearer` header)
    /// and the actor.
    /// `totp` is the second-factor code, required when the account has TOTP enabled.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        totp: Option<&str>,
        client: &ClientInfo,
    ) -> AppResult<(String, Actor)> {
        // The address throttle first: its answer does not depend on the account.
        let addr = client.addr.as_deref();
        if let Err(seconds) = self.login_throttle.check(addr, std::time::Instant::now()) {
            tracing::warn!(addr = ?addr, "sign-in throttled");
            return Err(AppError::Throttled { seconds });
        }
        let username = username.trim();
        let mut conn = self.store.reader().await?;
        let account = accounts::by_username(&mut conn, username).await?;
        drop(conn);
        let now = hoso_store::now_ms();
        let failed = || self.login_throttle.failed(addr, std::time::Instant::now());

        let Some(account) = account else {
            // Spend the same time as a real check, and answer the same.
            let dummy = DUMMY_HASH
                .get_or_init(|| hash_password("không-dùng").unwrap_or_default())
                .clone();
            let pw = password.to_string();
            let _ = self
                .run_blocking_hash(move || verify_password(&pw, &dummy))
                .await;
            failed();
            self.audit_anonymous(
                AuditAction::AuthLoginFailed,
                client,
                serde_json::json!({"reason": "unknown_user"}),
            )
            .await?;
            return Err(AppError::BadCredentials);
        };
        // A locked account is checked like any other (the same time) and answers like a wrong
        // password; its right password with a valid second factor unlocks it.
        let locked = account.locked_until.is_some_and(|u| u > now);
        let pw = password.to_string();
        let phc = account.password_hash.clone();
        let mut ok = self
            .run_blocking_hash(move || verify_password(&pw, &phc))
            .await?;
        if locked {
            let unlocked = ok
                && account.active
                && account.totp_enabled
                && match totp {
                    Some(code) => self.accept_totp(account.id, code).await.is_ok(),
                    None => false,
                };
            if !unlocked {
                failed();
                self.audit_account(&account, AuditAction::AuthLoginRefusedLocked, client)
                    .await?;
                return Err(AppError::BadCredentials);
            }
            self.login_throttle.succeeded(addr);
            return self.open_session(account, "password", client).await;
        }
        // The second factor, once the password is right. A wrong code counts as a failure; a
        // missing one only asks for it.
        let mut totp_error = None;
        if ok && account.active && account.totp_enabled {
            match totp {
                None => return Err(AppError::TotpRequired),
                Some(code) => {
                    if let Err(e) = self.accept_totp(account.id, code).await {
                        ok = false;
                        totp_error = Some(e);
                    }
                }
            }
        }
        if !ok || !account.active {
            failed();
            let failures = account.failed_logins + 1;
            // A fixed lock (no doubling): a stranger who knows a username cannot keep its
            // holder out for hours.
            let locked_until = (failures >= self.config.lockout_threshold)
                .then(|| now + self.config.lockout_minutes * 60_000);
            let mut tx = self.begin_work_as(Some(account.id), client).await?;
            accounts::record_failed_login(&mut tx, account.id, locked_until).await?;
            tx.audit(
                AuditAction::AuthLoginFailed,
                About::new("account", account.id),
                serde_json::json!({"failures": failures, "locked": locked_until.is_some()}),
            )
            .await?;
            tx.commit().await?;
            return Err(totp_error.unwrap_or(AppError::BadCredentials));
        }
        self.login_throttle.succeeded(addr);
        self.open_session(account, "password", client).await
    }

    /// Opens a session for an account whose identity is proven (by password and second factor,
    /// or by the shared account system): the failure count resets, the sign-in is audited with
    /// its `method`.
    pub(crate) async fn open_session(
        &self,
        account: AccountRow,
        method: &str,
        client: &ClientInfo,
    ) -> AppResult<(String, Actor)> {
        let now = hoso_store::now_ms();
        let token = new_token();
        let hash = token_hash(&token);
        let public_id = new_public_id();
        let mut tx = self.begin_work_as(Some(account.id), client).await?;
        accounts::record_successful_login(&mut tx, account.id).await?;
        sessions::insert(
            &mut tx,
            sessions::NewSession {
                token_hash: &hash,
                public_id: &public_id,
                account_id: account.id,
                expires_at: now + self.config.session_minutes * 60_000,
                client_addr: client.addr.as_deref(),
                user_agent: client.user_agent.as_deref(),
            },
        )
        .await?;
        tx.audit(
            AuditAction::AuthLogin,
            About::new("account", account.id),
            serde_json::json!({"method": method}),
        )
        .await?;
        let grants = grants_from_rows(accounts::grants_of(&mut tx, account.id).await?);
        tx.commit().await?;
        let expired = self.password_expired(&account, now);
        let totp_missing = !account.totp_enabled;
        let totp_reset = account.totp_reset_pending;
        let mut actor = actor_from(account, grants, Some(hash));
        actor.password_expired = expired;
        actor.totp_enrolment_required =
            totp_missing && (totp_reset || self.totp_required_for(&actor));
        actor.session_id = Some(public_id);
        Ok((token, actor))
    }

    /// The actor behind a session token, or `Unauthenticated`.
    pub async fn authenticate(&self, token: &str) -> AppResult<Actor> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::Unauthenticated);
        }
        let hash = token_hash(token);
        let now = hoso_store::now_ms();
        let mut conn = self.store.reader().await?;
        let session = sessions::live(&mut conn, &hash, now)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let account = accounts::by_id(&mut conn, session.account_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        // Grants are read on every request, so a revocation takes effect at once.
        let grants = grants_from_rows(accounts::grants_of(&mut conn, session.account_id).await?);
        drop(conn);
        if now - session.last_seen_at >= SESSION_TOUCH_MS {
            let mut tx = self.store.begin().await?;
            sessions::touch(&mut tx, &hash, now).await?;
            tx.commit().await.map_err(hoso_store::StoreError::from)?;
        }
        let expired = self.password_expired(&account, now);
        let totp_missing = !account.totp_enabled;
        let totp_reset = account.totp_reset_pending;
        let mut actor = actor_from(account, grants, Some(hash));
        actor.password_expired = expired;
        actor.totp_enrolment_required =
            totp_missing && (totp_reset || self.totp_required_for(&actor));
        actor.session_id = session.public_id;
        Ok(actor)
    }

    /// Whether the account's password is past the configured maximum age.
    pub(crate) fn password_expired(&self, account: &AccountRow, now: i64) -> bool {
        let days = self.config.password_max_age_days;
        days > 0 && now - account.password_changed_at > days * 86_400_000
    }

    pub async fn logout(&self, actor: &Actor, client: &ClientInfo) -> AppResult<()> {
        let Some(hash) = &actor.session_hash else {
            return Ok(());
        };
        let mut tx = self.begin_work(actor, client).await?;
        sessions::revoke(&mut tx, hash).await?;
        tx.audit(
            AuditAction::AuthLogout,
            About::new("account", actor.account_id),
            serde_json::Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn run_blocking_hash<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        // Argon2 takes ~19 MiB and tens of milliseconds per hash: bound how many run at once so a
        // login flood cannot starve the server.
        let _permit = self
            .hash_permits
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    async fn audit_anonymous(
        &self,
        action: AuditAction,
        client: &ClientInfo,
        detail: serde_json::Value,
    ) -> AppResult<()> {
        let mut tx = self.begin_work_as(None, client).await?;
        tx.audit(action, About::kind("account"), detail).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_account(
        &self,
        account: &AccountRow,
        action: AuditAction,
        client: &ClientInfo,
    ) -> AppResult<()> {
        let mut tx = self.begin_work_as(Some(account.id), client).await?;
        tx.audit(
            action,
            About::new("account", account.id),
            serde_json::Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

pub(crate) fn actor_from(
    account: AccountRow,
    grants: Vec<Grant>,
    session_hash: Option<String>,
) -> Actor {
    let mut actor = Actor::new(
        account.id,
        account.username,
        account.display_name,
        account.person_id,
        grants,
    );
    actor.must_change_password = account.must_change_password;
    actor.session_hash = session_hash;
    actor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let phc = hash_password("Mật-khẩu-2026!").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("Mật-khẩu-2026!", &phc));
        assert!(!verify_password("mật-khẩu-2026!", &phc));
        assert!(!verify_password("x", "not a hash"));
    }

    fn actor(grants: Vec<Grant>, person_id: Option<i64>) -> Actor {
        Actor::new(1, "u".into(), "U".into(), person_id, grants)
    }

    fn grant(role: Role, path: Option<&str>) -> Grant {
        Grant {
            role,
            unit_id: None,
            unit_path: path.map(str::to_string),
            read_only: false,
        }
    }

    #[test]
    fn unit_admin_scope_is_its_subtree() {
        let a = actor(vec![grant(Role::UnitAdmin, Some("/1/5/"))], None);
        let s = a.read_scope();
        assert!(!s.everything);
        assert_eq!(s.subtrees, vec!["/1/5/".to_string()]);
        assert_eq!(a.clearance_for(9, "/1/5/7/"), Some(AccessLevel::Secret));
        assert_eq!(a.clearance_for(9, "/1/6/"), None);
        assert!(a.may_manage_units_under("/1/5/7/"));
        assert!(!a.may_manage_units_under("/1/"));
    }

    #[test]
    fn individual_sees_only_own_record() {
        let a = actor(vec![grant(Role::Individual, None)], Some(42));
        let s = a.read_scope();
        assert!(!s.everything);
        assert_eq!(s.persons, vec![42]);
        assert!(a.write_scope().is_empty());
        assert_eq!(a.clearance_for(42, "/1/"), Some(AccessLevel::Secret));
        assert_eq!(a.clearance_for(43, "/1/"), None);
        assert_eq!(a.unit_paths(), Some(vec![]));
    }

    #[test]
    fn read_only_grant_does_not_write() {
        let mut g = grant(Role::UnitAdmin, Some("/1/5/"));
        g.read_only = true;
        let a = actor(vec![g], None);
        assert!(a.write_scope().is_empty());
        assert!(!a.read_scope().is_empty());
        assert!(!a.may_manage_units_under("/1/5/"));
    }

    #[test]
    fn system_admin_sees_everything() {
        let a = actor(vec![grant(Role::SystemAdmin, None)], None);
        assert!(a.read_scope().everything);
        assert!(a.write_scope().everything);
        assert_eq!(a.unit_paths(), None);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let t1 = new_token();
        let t2 = new_token();
        assert_ne!(t1, t2);
        assert_eq!(t1.len(), 64);
        assert_ne!(token_hash(&t1), t1);
    }
}
