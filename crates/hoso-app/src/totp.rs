//! TOTP second factor (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock skew).
//! Enrolment stores a secret and answers the `otpauth://` URL for the authenticator app; a first
//! valid code confirms it. From then on sign-in needs a code, and no code is accepted twice:
//! the last accepted time step is remembered.

use hoso_domain::access::Role;
use hoso_store::accounts;
use hoso_store::{StoreError, audit};
use serde::{Deserialize, Serialize};
use totp_rs::{Builder, Secret, Totp};
use utoipa::ToSchema;

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
        let (secret, enabled, _) = accounts::totp_state(&mut conn, account_id).await?;
        drop(conn);
        let (Some(secret), true) = (secret, enabled) else {
            return Ok(());
        };
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
        let mut tx = self.store.begin().await?;
        let (_, enabled, _) = accounts::totp_state(&mut tx, actor.account_id).await?;
        if enabled {
            return Err(AppError::Conflict(
                "Tài khoản đã bật xác thực hai lớp.".into(),
            ));
        }
        let mut bytes = [0u8; 20];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
        let secret = Secret::from(bytes).to_base32();
        accounts::set_totp(&mut tx, actor.account_id, Some(&secret), false, None).await?;
        audit::append(
            &mut tx,
            audit::NewEntry {
                actor_id: Some(actor.account_id),
                action: "account.totp_start",
                target_kind: "account",
                target_id: Some(actor.account_id.to_string()),
                client_addr: client.addr.as_deref(),
                detail: "{}".into(),
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
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
        let (secret, enabled, _) = accounts::totp_state(&mut conn, actor.account_id).await?;
        drop(conn);
        if enabled {
            return Err(AppError::Conflict(
                "Tài khoản đã bật xác thực hai lớp.".into(),
            ));
        }
        let Some(secret) = secret else {
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
        let mut tx = self.store.begin().await?;
        accounts::set_totp(&mut tx, actor.account_id, Some(&secret), true, Some(step)).await?;
        audit::append(
            &mut tx,
            audit::NewEntry {
                actor_id: Some(actor.account_id),
                action: "account.totp_enable",
                target_kind: "account",
                target_id: Some(actor.account_id.to_string()),
                client_addr: client.addr.as_deref(),
                detail: "{}".into(),
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
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
