//! Account management with delegation (create, grant, restrict, widen, revoke), passwords
//! (own change with policy and history, administrator reset), one's sessions, and reading the
//! audit trail.
//!
//! Delegation: a system administrator manages every account; a unit administrator manages the
//! accounts whose grants all lie inside its subtree, and grants unit_admin, approver or viewer
//! inside it — never system_admin. Every refusal is audited; nothing changes.

use hoso_domain::access::Role;
use hoso_domain::audit_action::AuditAction;
use hoso_domain::password_policy::{PasswordPolicy, PersonalData};
use hoso_domain::schema::FieldRole;
use hoso_store::accounts::{self as store, GrantRow};
use hoso_store::{AnyConnection, audit, org as org_store, persons, sessions};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::{AccountView, GrantView};
use crate::auth::{hash_password, verify_password};
use crate::authz::Attempt;
use crate::work::{About, Work};
use crate::{Actor, App, AppError, AppResult, ClientInfo, Page, Paging};

/// Previous passwords a change may not reuse.
pub const PASSWORD_HISTORY: i64 = 5;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    /// unit_admin, approver, viewer (system_admin: system administrators only, no unit).
    pub role: String,
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub read_only: bool,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccount {
    pub username: String,
    pub display_name: String,
    pub grants: Vec<GrantInput>,
    /// Number and date of the written request (văn bản đề nghị). Required.
    pub request_ref: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddGrant {
    pub role: String,
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub read_only: bool,
    pub request_ref: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeGrant {
    /// `true` restricts to reading, `false` widens to writing.
    pub read_only: Option<bool>,
    /// Moves the grant to another unit (up: widen; down: restrict), within the caller's scope.
    pub unit_id: Option<i64>,
    pub request_ref: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeGrant {
    pub request_ref: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedAccount {
    pub account: AccountView,
    /// Shown once: the account must change it at first sign-in.
    pub temporary_password: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TemporaryPassword {
    /// Shown once: the account must change it at next sign-in.
    pub temporary_password: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionView {
    pub id: String,
    /// Instants in milliseconds since the Unix epoch.
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
    /// The session this request came with.
    pub current: bool,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Account id of the actor.
    pub actor: Option<i64>,
    pub action: Option<String>,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    /// ISO date (from the start of that day, Vietnam time) or milliseconds.
    pub from: Option<String>,
    /// ISO date (up to the end of that day, Vietnam time) or milliseconds.
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target_kind: String,
    pub target_id: Option<String>,
    pub client_addr: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordReadView {
    pub at: i64,
    pub actor_display_name: String,
}

pub(crate) fn require_ref(request_ref: &str) -> AppResult<String> {
    let r = request_ref.trim();
    if r.is_empty() {
        return Err(AppError::BadRequest(
            "Phải ghi số, ngày văn bản đề nghị (request_ref).".into(),
        ));
    }
    if r.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "Số hiệu văn bản đề nghị dài quá 200 ký tự.".into(),
        ));
    }
    Ok(r.to_string())
}

/// A random password that meets the policy: 14 characters mixing every class.
pub fn temporary_password() -> String {
    use rand::Rng;
    use rand::seq::SliceRandom;
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DIGIT: &[u8] = b"23456789";
    const SPECIAL: &[u8] = b"!@#$%-_";
    let mut rng = rand::rngs::OsRng;
    let mut out: Vec<u8> = Vec::with_capacity(14);
    for (set, n) in [(UPPER, 4), (LOWER, 5), (DIGIT, 3), (SPECIAL, 2)] {
        for _ in 0..n {
            out.push(set[rng.gen_range(0..set.len())]);
        }
    }
    out.shuffle(&mut rng);
    String::from_utf8(out).unwrap_or_default()
}

/// Roles that approve or administer: given, and their accounts managed, only from strictly
/// above the unit they act on (DESIGN §1, rights come from the level above).
fn is_privileged(role: &str) -> bool {
    role == Role::UnitAdmin.as_str() || role == Role::Approver.as_str()
}

async fn unit_path(conn: &mut AnyConnection, unit_id: Option<i64>) -> AppResult<Option<String>> {
    match unit_id {
        None => Ok(None),
        Some(id) => Ok(Some(
            org_store::get(conn, id)
                .await?
                .ok_or_else(AppError::unit_not_found)?
                .path,
        )),
    }
}

impl App {
    pub(crate) fn policy(&self) -> PasswordPolicy {
        PasswordPolicy {
            min_length: self.config.password_min_length,
        }
    }

    /// Refuses (audited) an account that administers no unit.
    pub(crate) async fn require_administrator(
        &self,
        actor: &Actor,
        attempt: Attempt<'_>,
    ) -> AppResult<()> {
        if !actor.is_administrator() {
            return Err(self.refusal(actor, attempt, "not_an_administrator").await);
        }
        Ok(())
    }

    /// Whether `actor` administers every grant of the account (and its person's unit).
    pub(crate) async fn manages_account(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        account: &store::AccountRow,
    ) -> AppResult<bool> {
        // One's own account is changed only through the self-service steps, which ask for the
        // current password: a stolen session cannot reset it, take its second factor away or
        // widen its own grants, the system administrator's included.
        if account.id == actor.account_id {
            return Ok(false);
        }
        if actor.is_system_admin() && actor.administers(None) {
            return Ok(true);
        }
        if !actor.is_administrator() {
            return Ok(false);
        }
        let grants = store::grants_of(conn, account.id).await?;
        if grants.is_empty() && account.person_id.is_none() {
            return Ok(false);
        }
        for g in &grants {
            let path = if g.role == Role::Individual.as_str() {
                person_unit_path(conn, account.person_id).await?
            } else {
                g.unit_path.clone()
            };
            if path.is_none() || !actor.administers(path.as_deref()) {
                return Ok(false);
            }
            // Separation of duties: an account that approves or administers at the caller's
            // own level is managed only from strictly above (the HR officer of a unit does not
            // reset, restrict or take over its head).
            if is_privileged(&g.role)
                && !path
                    .as_deref()
                    .is_some_and(|p| actor.administers_from_above(p))
            {
                return Ok(false);
            }
        }
        if let Some(pid) = account.person_id {
            let path = person_unit_path(conn, Some(pid)).await?;
            if path.is_none() || !actor.administers(path.as_deref()) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Checks that `actor` may hand out `role` on `unit_id`; the reason when not.
    async fn check_grantable(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        role: &str,
        unit_id: Option<i64>,
    ) -> AppResult<Result<Option<String>, &'static str>> {
        let Some(role) = Role::parse(role) else {
            return Err(AppError::BadRequest(format!(
                "Vai trò '{role}' không hợp lệ (unit_admin, approver, viewer, system_admin)."
            )));
        };
        match (role, unit_id) {
            (Role::Individual, _) => {
                return Err(AppError::BadRequest(
                    "Quyền cá nhân gắn với hồ sơ, không cấp ở đây.".into(),
                ));
            }
            (Role::SystemAdmin, Some(_)) => {
                return Err(AppError::BadRequest(
                    "Quyền quản trị hệ thống áp dụng cho toàn tỉnh, không ghi đơn vị.".into(),
                ));
            }
            (Role::UnitAdmin | Role::Approver | Role::Viewer, None) => {
                return Err(AppError::BadRequest(
                    "Phải chọn cơ quan, đơn vị (unit_id) cho quyền này.".into(),
                ));
            }
            _ => {}
        }
        let path = unit_path(conn, unit_id).await?;
        if role == Role::SystemAdmin && !actor.is_system_admin() {
            return Ok(Err("role_above_own"));
        }
        if !actor.administers(path.as_deref()) {
            return Ok(Err("unit_outside_scope"));
        }
        if is_privileged(role.as_str())
            && !path
                .as_deref()
                .is_some_and(|p| actor.administers_from_above(p))
        {
            return Ok(Err("grant_only_from_above"));
        }
        Ok(Ok(path))
    }

    /// Creates a staff account with its grants; returns a temporary password, shown once.
    pub async fn create_account(
        &self,
        actor: &Actor,
        input: CreateAccount,
        client: &ClientInfo,
    ) -> AppResult<CreatedAccount> {
        const ACTION: AuditAction = AuditAction::AccountCreate;
        let attempt = || Attempt {
            action: ACTION,
            about: About::kind("account"),
            client,
        };
        self.require_administrator(actor, attempt()).await?;
        let request_ref = require_ref(&input.request_ref)?;
        let username = input.username.trim().to_string();
        let display_name = input.display_name.trim().to_string();
        if username.chars().count() < 3
            || username.chars().count() > 64
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(AppError::BadRequest(
                "Tên đăng nhập dài 3–64 ký tự, chỉ gồm chữ không dấu, chữ số và . _ -".into(),
            ));
        }
        if username.len() == 12 && username.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::BadRequest(
                "Tên đăng nhập 12 chữ số dành cho tài khoản cá nhân (số định danh).".into(),
            ));
        }
        if display_name.is_empty() || display_name.chars().count() > 200 {
            return Err(AppError::BadRequest(
                "Phải ghi họ tên hoặc tên hiển thị (tối đa 200 ký tự).".into(),
            ));
        }
        if input.grants.is_empty() {
            return Err(AppError::BadRequest(
                "Tài khoản phải có ít nhất một quyền.".into(),
            ));
        }
        let mut conn = self.store.reader().await?;
        for g in &input.grants {
            if let Err(reason) = self
                .check_grantable(&mut conn, actor, &g.role, g.unit_id)
                .await?
            {
                drop(conn);
                return Err(self.refusal(actor, attempt(), reason).await);
            }
        }
        drop(conn);
        let password = temporary_password();
        let pw = password.clone();
        let phc = self.run_blocking_hash(move || hash_password(&pw)).await??;
        let mut tx = self.begin_work(actor, client).await?;
        let id = match store::insert(
            &mut tx,
            store::NewAccount {
                username: &username,
                display_name: &display_name,
                password_hash: &phc,
                person_id: None,
                must_change_password: true,
                created_by: Some(actor.account_id),
            },
            self.now_ms(),
        )
        .await
        {
            Ok(id) => id,
            Err(e) if e.is_unique_violation() => {
                return Err(AppError::Conflict(format!(
                    "Tên đăng nhập '{username}' đã được dùng."
                )));
            }
            Err(e) => return Err(e.into()),
        };
        for g in &input.grants {
            store::grant(
                &mut tx,
                store::NewGrant {
                    account_id: id,
                    role: &g.role,
                    unit_id: g.unit_id,
                    read_only: g.read_only,
                    granted_by: Some(actor.account_id),
                    request_ref: Some(&request_ref),
                },
                self.now_ms(),
            )
            .await?;
        }
        tx.audit(
ACTION,
About::new("account", id),
serde_json::json!({
                    "request_ref": request_ref,
                    "grants": input.grants.iter().map(|g| serde_json::json!({"role": g.role, "unit_id": g.unit_id, "read_only": g.read_only})).collect::<Vec<_>>(),
                }),
)
.await?;
        let grants = store::grants_of(&mut tx, id).await?;
        tx.commit().await?;
        Ok(CreatedAccount {
            account: AccountView {
                id,
                username,
                display_name,
                active: true,
                person_id: None,
                grants: grants.into_iter().map(GrantView::from).collect(),
            },
            temporary_password: password,
        })
    }

    /// Adds a grant to an existing account the caller manages.
    pub async fn add_grant(
        &self,
        actor: &Actor,
        account_id: i64,
        input: AddGrant,
        client: &ClientInfo,
    ) -> AppResult<GrantView> {
        const ACTION: AuditAction = AuditAction::GrantCreate;
        let attempt = || Attempt {
            action: ACTION,
            about: About::new("account", account_id),
            client,
        };
        self.require_administrator(actor, attempt()).await?;
        let request_ref = require_ref(&input.request_ref)?;
        let mut conn = self.store.reader().await?;
        let account = store::by_id(&mut conn, account_id)
            .await?
            .ok_or(AppError::NotFound("Không tìm thấy tài khoản."))?;
        let reason = if !self.manages_account(&mut conn, actor, &account).await? {
            Some("account_outside_scope")
        } else {
            self.check_grantable(&mut conn, actor, &input.role, input.unit_id)
                .await?
                .err()
        };
        drop(conn);
        if let Some(reason) = reason {
            return Err(self.refusal(actor, attempt(), reason).await);
        }
        let mut tx = self.begin_work(actor, client).await?;
        let id = store::grant(
            &mut tx,
            store::NewGrant {
                account_id,
                role: &input.role,
                unit_id: input.unit_id,
                read_only: input.read_only,
                granted_by: Some(actor.account_id),
                request_ref: Some(&request_ref),
            },
            self.now_ms(),
        )
        .await?;
        tx.audit(
            ACTION,
            About::new("account", account_id),
            serde_json::json!({"grant_id": id, "role": input.role, "unit_id": input.unit_id,
                    "read_only": input.read_only, "request_ref": request_ref}),
        )
        .await?;
        let row = store::live_grant(&mut tx, id)
            .await?
            .ok_or_else(|| AppError::Internal("grant vanished".into()))?;
        tx.commit().await?;
        Ok(row.into())
    }

    /// A live grant the caller may change: it administers both the grant's unit and the
    /// account holding it.
    async fn managed_grant(
        &self,
        actor: &Actor,
        grant_id: i64,
        action: AuditAction,
        client: &ClientInfo,
    ) -> AppResult<GrantRow> {
        let attempt = || Attempt {
            action,
            about: About::new("grant", grant_id),
            client,
        };
        self.require_administrator(actor, attempt()).await?;
        let mut conn = self.store.reader().await?;
        let grant = store::live_grant(&mut conn, grant_id)
            .await?
            .ok_or(AppError::NotFound(
                "Không tìm thấy quyền (hoặc quyền đã bị hủy).",
            ))?;
        let account = store::by_id(&mut conn, grant.account_id)
            .await?
            .ok_or(AppError::NotFound("Không tìm thấy tài khoản."))?;
        let reason = if grant.role == Role::Individual.as_str() {
            Some("personal_access_follows_the_record")
        } else if grant.role == Role::SystemAdmin.as_str() && !actor.is_system_admin() {
            Some("role_above_own")
        } else if !actor.administers(grant.unit_path.as_deref())
            || !self.manages_account(&mut conn, actor, &account).await?
        {
            Some("grant_outside_scope")
        } else {
            None
        };
        drop(conn);
        if let Some(reason) = reason {
            return Err(self.refusal(actor, attempt(), reason).await);
        }
        Ok(grant)
    }

    /// Restricts (read-only, a lower unit) or widens (writable, a higher unit within the
    /// caller's scope) a grant.
    pub async fn change_grant(
        &self,
        actor: &Actor,
        grant_id: i64,
        input: ChangeGrant,
        client: &ClientInfo,
    ) -> AppResult<GrantView> {
        const ACTION: AuditAction = AuditAction::GrantChange;
        let grant = self.managed_grant(actor, grant_id, ACTION, client).await?;
        let request_ref = require_ref(&input.request_ref)?;
        if input.read_only.is_none() && input.unit_id.is_none() {
            return Err(AppError::BadRequest(
                "Không có thay đổi nào (read_only hoặc unit_id).".into(),
            ));
        }
        let unit_id = match input.unit_id {
            None => grant.unit_id,
            Some(u) => {
                if grant.role == Role::SystemAdmin.as_str() {
                    return Err(AppError::BadRequest(
                        "Quyền quản trị hệ thống không gắn với đơn vị.".into(),
                    ));
                }
                let mut conn = self.store.reader().await?;
                let path = unit_path(&mut conn, Some(u)).await?;
                drop(conn);
                let from_above = !is_privileged(&grant.role)
                    || path
                        .as_deref()
                        .is_some_and(|p| actor.administers_from_above(p));
                if !actor.administers(path.as_deref()) || !from_above {
                    return Err(self
                        .refusal(
                            actor,
                            Attempt {
                                action: ACTION,
                                about: About::new("grant", grant_id),
                                client,
                            },
                            "unit_outside_scope",
                        )
                        .await);
                }
                Some(u)
            }
        };
        let read_only = input.read_only.unwrap_or(grant.read_only);
        let mut tx = self.begin_work(actor, client).await?;
        store::change_grant(&mut tx, grant_id, read_only, unit_id, &request_ref).await?;
        tx.audit(
            ACTION,
            About::new("grant", grant_id),
            serde_json::json!({
                "account_id": grant.account_id,
                "from": {"read_only": grant.read_only, "unit_id": grant.unit_id},
                "to": {"read_only": read_only, "unit_id": unit_id},
                "request_ref": request_ref,
            }),
        )
        .await?;
        let row = store::live_grant(&mut tx, grant_id)
            .await?
            .ok_or_else(|| AppError::Internal("grant vanished".into()))?;
        tx.commit().await?;
        Ok(row.into())
    }

    /// Revokes a grant at once; an account left without live grants loses its sessions.
    pub async fn revoke_grant(
        &self,
        actor: &Actor,
        grant_id: i64,
        input: RevokeGrant,
        client: &ClientInfo,
    ) -> AppResult<()> {
        const ACTION: AuditAction = AuditAction::GrantRevoke;
        let grant = self.managed_grant(actor, grant_id, ACTION, client).await?;
        let request_ref = require_ref(&input.request_ref)?;
        let mut tx = self.begin_work(actor, client).await?;
        store::revoke_grant(
            &mut tx,
            grant_id,
            Some(actor.account_id),
            Some(&request_ref),
            self.now_ms(),
        )
        .await?;
        let left = store::grants_of(&mut tx, grant.account_id).await?;
        if left.is_empty() {
            sessions::revoke_all_of(&mut tx, grant.account_id).await?;
        }
        tx.audit(
ACTION,
About::new("grant", grant_id),
serde_json::json!({"account_id": grant.account_id, "role": grant.role,
                    "unit_id": grant.unit_id, "request_ref": request_ref, "sessions_ended": left.is_empty()}),
)
.await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends a person's personal access (the person left the province, died…): revokes the
    /// individual grants of its accounts and ends their sessions. For the movements use cases;
    /// only an HR officer who writes the person's record may.
    pub async fn revoke_personal_access(
        &self,
        actor: &Actor,
        person_id: i64,
        reason: &str,
        client: &ClientInfo,
    ) -> AppResult<()> {
        let attempt = Attempt {
            action: AuditAction::AccountRevokePersonalAccess,
            about: About::new("person", person_id),
            client,
        };
        let mut conn = self.store.reader().await?;
        self.require_person(
            &mut conn,
            actor,
            crate::Capability::WriteRecords,
            person_id,
            attempt,
        )
        .await?;
        drop(conn);
        let mut work = self.begin_work(actor, client).await?;
        revoke_personal_access_in(&mut work, actor.account_id, person_id, reason).await?;
        work.commit().await?;
        Ok(())
    }

    /// An administrator sets a temporary password (shown once), which must be changed at the
    /// next sign-in; the account's sessions end.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        account_id: i64,
        client: &ClientInfo,
    ) -> AppResult<TemporaryPassword> {
        const ACTION: AuditAction = AuditAction::AccountResetPassword;
        let attempt = || Attempt {
            action: ACTION,
            about: About::new("account", account_id),
            client,
        };
        self.require_administrator(actor, attempt()).await?;
        let mut conn = self.store.reader().await?;
        let account = store::by_id(&mut conn, account_id)
            .await?
            .ok_or(AppError::NotFound("Không tìm thấy tài khoản."))?;
        let allowed = self.manages_account(&mut conn, actor, &account).await?;
        drop(conn);
        if !allowed {
            return Err(self
                .refusal(actor, attempt(), "account_outside_scope")
                .await);
        }
        let password = temporary_password();
        let pw = password.clone();
        let phc = self.run_blocking_hash(move || hash_password(&pw)).await??;
        let mut tx = self.begin_work(actor, client).await?;
        store::push_password_history(&mut tx, account_id, &account.password_hash).await?;
        store::set_password(&mut tx, account_id, &phc, true).await?;
        sessions::revoke_all_of(&mut tx, account_id).await?;
        tx.audit(
            ACTION,
            About::new("account", account_id),
            serde_json::Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(TemporaryPassword {
            temporary_password: password,
        })
    }

    /// Changes one's own password: the current one must match, the new one must meet the
    /// policy and differ from the last five. Every other session of the account ends.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        input: ChangePassword,
        client: &ClientInfo,
    ) -> AppResult<()> {
        if input.new_password.len() > 1024 || input.current_password.len() > 1024 {
            return Err(AppError::BadRequest("Mật khẩu dài quá 1024 byte.".into()));
        }
        let mut conn = self.store.reader().await?;
        let account = store::by_id(&mut conn, actor.account_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let (full_name, dob, unit_name) =
            password_personal_data(self, &mut conn, Some(actor), &account).await?;
        let history =
            store::recent_password_hashes(&mut conn, account.id, PASSWORD_HISTORY - 1).await?;
        drop(conn);

        let current = input.current_password.clone();
        let phc = account.password_hash.clone();
        if !self
            .run_blocking_hash(move || verify_password(&current, &phc))
            .await?
        {
            let mut tx = self.begin_work(actor, client).await?;
            tx.audit_refusal(
                AuditAction::AccountChangePassword,
                About::new("account", actor.account_id),
                "wrong_current_password",
            )
            .await?;
            tx.commit().await?;
            return Err(AppError::BadRequest("Mật khẩu hiện tại không đúng.".into()));
        }
        let weak = self.policy().validate(
            &input.new_password,
            &PersonalData {
                username: &account.username,
                full_name: Some(&full_name),
                date_of_birth: dob.as_deref(),
                unit_name: unit_name.as_deref(),
            },
        );
        let refusal = match weak {
            Err(message) => Some(("weak_password", message)),
            Ok(()) => {
                let new = input.new_password.clone();
                let mut previous = history;
                previous.push(account.password_hash.clone());
                let reused = self
                    .run_blocking_hash(move || previous.iter().any(|h| verify_password(&new, h)))
                    .await?;
                reused.then(|| {
                    (
                        "reused_password",
                        format!(
                            "Mật khẩu mới không được trùng với {PASSWORD_HISTORY} mật khẩu gần nhất."
                        ),
                    )
                })
            }
        };
        if let Some((reason, message)) = refusal {
            let mut tx = self.begin_work(actor, client).await?;
            tx.audit_refusal(
                AuditAction::AccountChangePassword,
                About::new("account", actor.account_id),
                reason,
            )
            .await?;
            tx.commit().await?;
            return Err(AppError::WeakPassword(message));
        }
        let new = input.new_password;
        let phc = self
            .run_blocking_hash(move || hash_password(&new))
            .await??;
        let mut tx = self.begin_work(actor, client).await?;
        store::push_password_history(&mut tx, account.id, &account.password_hash).await?;
        store::set_password(&mut tx, account.id, &phc, false).await?;
        // Whoever else held the old password is signed out: every other session ends.
        match &actor.session_hash {
            Some(keep) => sessions::revoke_others_of(&mut tx, account.id, keep).await?,
            None => sessions::revoke_all_of(&mut tx, account.id).await?,
        }
        tx.audit(
            AuditAction::AccountChangePassword,
            About::new("account", actor.account_id),
            serde_json::Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One's own live sessions.
    pub async fn my_sessions(&self, actor: &Actor) -> AppResult<Vec<SessionView>> {
        let mut conn = self.store.reader().await?;
        let rows = sessions::live_of(&mut conn, actor.account_id, hoso_store::now_ms()).await?;
        Ok(rows
            .into_iter()
            .map(|s| SessionView {
                current: actor.session_id.as_deref() == Some(s.public_id.as_str()),
                id: s.public_id,
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
                expires_at: s.expires_at,
                client_addr: s.client_addr,
                user_agent: s.user_agent,
            })
            .collect())
    }

    /// Ends one of one's own sessions.
    pub async fn end_my_session(
        &self,
        actor: &Actor,
        session_id: &str,
        client: &ClientInfo,
    ) -> AppResult<()> {
        let mut tx = self.begin_work(actor, client).await?;
        if !sessions::revoke_public(&mut tx, actor.account_id, session_id).await? {
            return Err(AppError::NotFound("Không tìm thấy phiên làm việc."));
        }
        tx.audit(
            AuditAction::AuthSessionRevoke,
            About::new("account", actor.account_id),
            serde_json::Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Searches the audit trail: system administrators all of it, unit administrators the
    /// entries about the records of their subtrees; others are refused.
    pub async fn audit_entries(
        &self,
        actor: &Actor,
        q: AuditQuery,
        client: &ClientInfo,
    ) -> AppResult<Page<AuditEntryView>> {
        let person_subtrees = if !actor.is_administrator() {
            return Err(self
                .refusal(
                    actor,
                    Attempt {
                        action: AuditAction::AuditSearch,
                        about: About::kind("audit"),
                        client,
                    },
                    "not_an_administrator",
                )
                .await);
        } else {
            actor.administered_subtrees()
        };
        let paging = Paging::new(q.page, q.per_page)?;
        let filter = audit::Filter {
            actor_id: q.actor,
            action: q.action.filter(|s| !s.is_empty()),
            target_kind: q.target_kind.filter(|s| !s.is_empty()),
            target_id: q.target_id.filter(|s| !s.is_empty()),
            from: q
                .from
                .as_deref()
                .map(|s| parse_instant(s, false))
                .transpose()?,
            to: q
                .to
                .as_deref()
                .map(|s| parse_instant(s, true))
                .transpose()?,
            person_subtrees,
        };
        let mut conn = self.store.reader().await?;
        let (rows, total) =
            audit::search(&mut conn, &filter, paging.per_page, paging.offset()).await?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(|r| AuditEntryView {
                    id: r.id,
                    at: r.at,
                    actor_id: r.actor_id,
                    action: r.action,
                    target_kind: r.target_kind,
                    target_id: r.target_id,
                    client_addr: r.client_addr,
                    detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
                    hash: r.hash,
                })
                .collect(),
            total,
            page: paging.page,
            per_page: paging.per_page,
            total_capped: false,
        })
    }

    /// Who read one's own record, newest first. Personal accounts only.
    pub async fn my_record_reads(
        &self,
        actor: &Actor,
        page: Option<i64>,
        per_page: Option<i64>,
        client: &ClientInfo,
    ) -> AppResult<Page<RecordReadView>> {
        let Some(person_id) = actor.person_id else {
            return Err(self
                .refusal(
                    actor,
                    Attempt {
                        action: AuditAction::AuditRecordReads,
                        about: About::new("account", actor.account_id),
                        client,
                    },
                    "no_personal_record",
                )
                .await);
        };
        let paging = Paging::new(page, per_page)?;
        let mut conn = self.store.reader().await?;
        let (rows, total) =
            audit::reads_of_person(&mut conn, person_id, paging.per_page, paging.offset()).await?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(|r| RecordReadView {
                    at: r.at,
                    actor_display_name: r
                        .actor_display_name
                        .unwrap_or_else(|| "(không rõ)".to_string()),
                })
                .collect(),
            total,
            page: paging.page,
            per_page: paging.per_page,
            total_capped: false,
        })
    }
}

/// What a new password must not contain: the person's name, birth date and unit name (or, for a
/// staff account, its display name and first unit).
pub(crate) async fn password_personal_data(
    app: &App,
    conn: &mut AnyConnection,
    actor: Option<&Actor>,
    account: &store::AccountRow,
) -> AppResult<(String, Option<String>, Option<String>)> {
    let birth = app
        .schemas
        .latest()
        .role_column(FieldRole::BirthDate)
        .and_then(|c| app.layout.person_column(c.name))
        .cloned();
    Ok(match account.person_id {
        Some(pid) => match persons::get_projected(conn, birth.as_slice(), pid).await? {
            Some(p) => {
                let unit = org_store::get(conn, p.person.unit_id)
                    .await?
                    .map(|u| u.name);
                let birth_date = birth
                    .as_ref()
                    .and_then(|c| p.text(&c.name))
                    .map(str::to_string);
                (p.person.full_name.clone(), birth_date, unit)
            }
            None => (account.display_name.clone(), None, None),
        },
        None => {
            let first_unit = actor.and_then(|a| a.grants.iter().find_map(|g| g.unit_id));
            let unit = match first_unit {
                Some(u) => org_store::get(conn, u).await?.map(|u| u.name),
                None => None,
            };
            (account.display_name.clone(), None, unit)
        }
    })
}

async fn person_unit_path(
    conn: &mut AnyConnection,
    person_id: Option<i64>,
) -> AppResult<Option<String>> {
    let Some(pid) = person_id else {
        return Ok(None);
    };
    let Some(p) = persons::get(conn, pid).await? else {
        return Ok(None);
    };
    Ok(org_store::get(conn, p.unit_id).await?.map(|u| u.path))
}

/// Revokes the individual grants of a person's accounts and ends their sessions, inside the
/// caller's transaction (the movement that causes it commits with it); `by` is the account
/// that decided it.
pub async fn revoke_personal_access_in(
    work: &mut Work<'_>,
    by: i64,
    person_id: i64,
    reason: &str,
) -> AppResult<()> {
    let at = work.at;
    for account_id in store::ids_of_person(work, person_id).await? {
        for g in store::grants_of(work, account_id).await? {
            if g.role == Role::Individual.as_str() {
                store::revoke_grant(work, g.id, Some(by), Some(reason), at).await?;
            }
        }
        sessions::revoke_all_of(work, account_id).await?;
        work.audit(
            AuditAction::AccountRevokePersonalAccess,
            About::new("account", account_id),
            serde_json::json!({"person_id": person_id, "reason": reason}),
        )
        .await?;
    }
    Ok(())
}

/// `YYYY-MM-DD` (Vietnam time; the end of the day when `end`) or milliseconds.
fn parse_instant(s: &str, end: bool) -> AppResult<i64> {
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(ms);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(s, format).map_err(|_| {
        AppError::BadRequest(format!(
            "Thời điểm '{s}' không hợp lệ (dùng YYYY-MM-DD hoặc mili giây)."
        ))
    })?;
    let date = if end {
        date.next_day().unwrap_or(date)
    } else {
        date
    };
    Ok((date
        .midnight()
        .assume_offset(crate::clock::VIETNAM)
        .unix_timestamp_nanos()
        / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_meet_the_policy() {
        for _ in 0..50 {
            let p = temporary_password();
            assert_eq!(p.len(), 14);
            assert!(
                PasswordPolicy::default()
                    .validate(&p, &PersonalData::default())
                    .is_ok(),
                "{p}"
            );
        }
    }

    #[test]
    fn audit_bounds_are_vietnam_days() {
        let from = parse_instant("2026-01-02", false).unwrap();
        let to = parse_instant("2026-01-02", true).unwrap();
        assert_eq!(to - from, 86_400_000);
        assert_eq!(parse_instant("1234", false).unwrap(), 1234);
        assert!(parse_instant("02/01/2026", false).is_err());
    }
}
