//! TOTP second factor (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock skew).
//! Enrolment stores a secret and answers the `otpauth://` URL for the authenticator app; a first
//! valid code confirms it. From then on sign-in needs a code, and no code is accepted twice:
//! the last accepted time step is remembered.
//!
//! The secret is sealed at rest (AES-256-GCM under the keyring, bound to its account) like the
//! record's sensitive fields: anyone holding a copy of the database without the key cannot mint
//! codes. `hoso rotate-key` re-seals it; secrets written in clear by earlier versions are sealed
//! when the application starts. A higher administrator can reset a lost second factor.

use hoso_domain::access::Role;
use hoso_domain::audit_action::AuditAction;
use hoso_store::accounts::{self, TotpRow};
use hoso_store::{StoreError, sessions};
use serde::{Deserialize, Serialize};
use totp_rs::{Builder, Secret, Totp};
use utoipa::ToSchema;

use crate::authz::Attempt;
use crate::crypto::{Keyring, MasterKey};
use crate::security::require_ref;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo};

const ISSUER: &str = "Hoso";

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// Base32 secret, for typing into the authenticator app.
    pub secret: String,
    /// `otpauth://totp/…` URL, for a QR code.
    pub otpauth_url: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    /// The six digits shown by the authenticator app.
    pub code: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetTotp {
    /// Number and date of the written request (văn bản đề nghị), e.g. the holder's report of a
    /// lost phone. Required.
    pub request_ref: String,
}

/// What a sealed TOTP secret is bound to: copied to another account, it does not decrypt.
fn totp_context(account_id: i64) -> String {
    format!("totp:{account_id}")
}

/// Seals a base32 secret for `account_id`: (key id, sealed hex).
pub(crate) fn seal_secret(key: &MasterKey, account_id: i64, secret_b32: &str) -> (String, String) {
    (
        key.id.clone(),
        hex::encode(key.seal(secret_b32.as_bytes(), &totp_context(account_id))),
    )
}

/// The base32 secret of a stored row (sealed under a key of `keys` or `extra`, or still in
/// clear when it has no key id).
pub(crate) fn open_secret(
    keys: &Keyring,
    extra: Option<&MasterKey>,
    account_id: i64,
    stored: &str,
    key_id: Option<&str>,
) -> AppResult<String> {
    let Some(key_id) = key_id else {
        return Ok(stored.to_string());
    };
    let key = extra
        .filter(|k| k.id == key_id)
        .or_else(|| keys.by_id(key_id))
        .ok_or_else(|| {
            AppError::Internal(format!(
                "no key {key_id} for the TOTP secret of account {account_id} (key file missing?)"
            ))
        })?;
    let sealed = hex::decode(stored)
        .map_err(|e| AppError::Internal(format!("sealed TOTP secret is not hex: {e}")))?;
    let plain = key
        .open(&sealed, &totp_context(account_id))
        .ok_or_else(|| {
            AppError::Internal(format!(
                "TOTP secret of account {account_id} does not decrypt"
            ))
        })?;
    String::from_utf8(plain).map_err(|_| AppError::Internal("TOTP secret is not text".into()))
}

fn totp_of(secret_b32: &str) -> AppResult<Totp> {
    let secret = Secret::try_from_base32(secret_b32)
        .map_err(|_| AppError::Internal("stored TOTP secret is not base32".into()))?;
    Builder::new()
        .with_secret(secret)
        .build()
        .map_err(|e| AppError::Internal(format!("TOTP: {e:?}")))
}

fn unix_seconds() -> u64 {
    (hoso_store::now_ms() / 1000).max(0) as u64
}

/// The time step a code is valid for (now, or one step either side), if any.
fn matching_step(secret_b32: &str, code: &str, at_seconds: u64) -> AppResult<Option<i64>> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    Ok(totp_of(secret_b32)?
        .check(code, at_seconds)
        .map(|step| step as i64))
}

fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl App {
    /// Whether the configuration requires a second factor of this account (administrators and
    /// approvers, when `require_totp_for_admins` is on).
    pub(crate) fn totp_required_for(&self, actor: &Actor) -> bool {
        self.config.require_totp_for_admins
            && actor
                .grants
                .iter()
                .any(|g| matches!(g.role, Role::SystemAdmin | Role::UnitAdmin | Role::Approver))
    }

    /// Accepts a sign-in code: valid now, and for a later time step than any accepted before.
    pub(crate) async fn accept_totp(&self, account_id: i64, code: &str) -> AppResult<()> {
        let mut conn = self.store.reader().await?;
        let state = accounts::totp_state(&mut conn, account_id).await?;
        drop(conn);
        let Some(secret) = self.totp_secret(account_id, &state)? else {
            return Ok(());
        };
        if !state.enabled {
            return Ok(());
        }
        let step = matching_step(&secret, code, unix_seconds())?.ok_or(AppError::TotpRequired)?;
        let mut tx = self.store.begin().await?;
        let fresh = accounts::advance_totp_step(&mut tx, account_id, step).await?;
        tx.commit().await.map_err(StoreError::from)?;
        if fresh {
            Ok(())
        } else {
            Err(AppError::TotpRequired)
        }
    }

    /// Starts (or restarts) enrolment: a new secret, not yet required at sign-in.
    pub async fn start_totp(&self, actor: &Actor, client: &ClientInfo) -> AppResult<TotpEnrolment> {
        let mut tx = self.begin_work(actor, client).await?;
        let state = accounts::totp_state(&mut tx, actor.account_id).await?;
        if state.enabled {
            return Err(AppError::Conflict(
                "Tài khoản đã bật xác thực hai lớp.".into(),
            ));
        }
        let mut bytes = [0u8; 20];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
        let secret = Secret::from(bytes).to_base32();
        let (key_id, sealed) = seal_secret(&self.keys.current, actor.account_id, &secret);
        accounts::set_totp(
            &mut tx,
            actor.account_id,
            Some((&key_id, &sealed)),
            false,
            None,
        )
        .await?;
        tx.audit(
            AuditAction::AccountTotpStart,
            About::new("account", actor.account_id),
            serde_json::Value::Null,
        )
        .await?;
        tx.commit().await?;
        let label = format!("{ISSUER}:{}", actor.username);
        Ok(TotpEnrolment {
            otpauth_url: format!(
                "otpauth://totp/{}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits=6&period=30",
                encode_component(&label)
            ),
            secret,
        })
    }

    /// Confirms enrolment with a first valid code; from then on sign-in needs a code.
    pub async fn confirm_totp(
        &self,
        actor: &Actor,
        input: TotpCode,
        client: &ClientInfo,
    ) -> AppResult<()> {
        let mut conn = self.store.reader().await?;
        let state = accounts::totp_state(&mut conn, actor.account_id).await?;
        drop(conn);
        if state.enabled {
            return Err(AppError::Conflict(
                "Tài khoản đã bật xác thực hai lớp.".into(),
            ));
        }
        let Some(secret) = self.totp_secret(actor.account_id, &state)? else {
            return Err(AppError::BadRequest(
                "Chưa bắt đầu đăng ký xác thực hai lớp (POST /api/v1/me/totp).".into(),
            ));
        };
        let Some(step) = matching_step(&secret, &input.code, unix_seconds())? else {
            return Err(AppError::BadRequest(
                "Mã xác thực không đúng hoặc đã hết hạn. Kiểm tra giờ trên điện thoại và thử lại."
                    .into(),
            ));
        };
        let mut tx = self.begin_work(actor, client).await?;
        let (key_id, sealed) = seal_secret(&self.keys.current, actor.account_id, &secret);
        accounts::set_totp(
            &mut tx,
            actor.account_id,
            Some((&key_id, &sealed)),
            true,
            Some(step),
        )
        .await?;
        tx.audit(
            AuditAction::AccountTotpEnable,
            About::new("account", actor.account_id),
            serde_json::Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl App {
    /// The stored secret of an account in base32, opened with the keyring.
    fn totp_secret(&self, account_id: i64, state: &TotpRow) -> AppResult<Option<String>> {
        state
            .secret
            .as_deref()
            .map(|stored| {
                open_secret(
                    &self.keys,
                    None,
                    account_id,
                    stored,
                    state.key_id.as_deref(),
                )
            })
            .transpose()
    }

    /// Seals the TOTP secrets still stored in clear (written before secrets were sealed).
    /// Runs at start; returns how many were sealed.
    pub async fn seal_clear_totp_secrets(&self) -> AppResult<i64> {
        let mut tx = self.store.begin().await?;
        let mut sealed = 0i64;
        let mut after = 0i64;
        loop {
            let page = accounts::totp_secrets_after(&mut tx, after, 1_000).await?;
            let Some(last) = page.last().map(|r| r.0) else {
                break;
            };
            for (id, stored, key_id) in page {
                if key_id.is_none() {
                    let (key_id, hex) = seal_secret(&self.keys.current, id, &stored);
                    accounts::reseal_totp(&mut tx, id, &key_id, &hex).await?;
                    sealed += 1;
                }
            }
            after = last;
        }
        tx.commit().await.map_err(StoreError::from)?;
        if sealed > 0 {
            tracing::info!(sealed, "TOTP secrets stored in clear are now sealed");
        }
        Ok(sealed)
    }

    /// A higher administrator resets an account's second factor (lost phone): the secret is
    /// dropped, the account's sessions end, and it must enrol again at its next sign-in. Refused
    /// (audited) for one's own account and for accounts outside one's scope or above one's
    /// rights.
    pub async fn reset_totp(
        &self,
        actor: &Actor,
        account_id: i64,
        input: ResetTotp,
        client: &ClientInfo,
    ) -> AppResult<()> {
        const ACTION: AuditAction = AuditAction::AccountResetTotp;
        let attempt = || Attempt {
            action: ACTION,
            about: About::new("account", account_id),
            client,
        };
        self.require_administrator(actor, attempt()).await?;
        let mut conn = self.store.reader().await?;
        let account = accounts::by_id(&mut conn, account_id)
            .await?
            .ok_or(AppError::NotFound("Không tìm thấy tài khoản."))?;
        let reason = if account.id == actor.account_id {
            Some("own_account")
        } else if !self.manages_account(&mut conn, actor, &account).await? {
            Some("account_outside_scope")
        } else {
            None
        };
        let state = accounts::totp_state(&mut conn, account_id).await?;
        drop(conn);
        if let Some(reason) = reason {
            return Err(self.refusal(actor, attempt(), reason).await);
        }
        // Rights first: the missing letter is said only to whoever may act.
        let request_ref = require_ref(&input.request_ref)?;
        if state.secret.is_none() && !account.totp_reset_pending {
            return Err(AppError::Conflict(
                "Tài khoản này chưa đăng ký xác thực hai lớp, không có gì để đặt lại.".into(),
            ));
        }
        let mut tx = self.begin_work(actor, client).await?;
        accounts::reset_totp(&mut tx, account_id).await?;
        sessions::revoke_all_of(&mut tx, account_id).await?;
        tx.audit(
            ACTION,
            About::new("account", account_id),
            serde_json::json!({"request_ref": request_ref, "was_enabled": state.enabled}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The code an authenticator app would show for `secret_b32` at `at_seconds` (for tests and
/// the demo).
pub fn code_at(secret_b32: &str, at_seconds: u64) -> AppResult<String> {
    Ok(totp_of(secret_b32)?.generate(at_seconds).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vector() {
        // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits);
        // its last six digits are the 6-digit code.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(matching_step(&secret, "287082", 59).unwrap(), Some(1));
        assert_eq!(
            matching_step(&secret, "287082", 89).unwrap(),
            Some(1),
            "one step of skew"
        );
        assert_eq!(matching_step(&secret, "287082", 200).unwrap(), None);
        assert_eq!(matching_step(&secret, "abc", 59).unwrap(), None);
    }

    #[test]
    fn otpauth_labels_are_encoded() {
        assert_eq!(encode_component("Hoso:qt.a b"), "Hoso%3Aqt.a%20b");
    }
}
