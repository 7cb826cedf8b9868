//! Key rotation (`hoso rotate-key`): every sealed secret re-encrypted and every identifier hash
//! recomputed under a new key, in one transaction, with the key files switched around it so
//! that no crash can leave data under a key that is not on disk.
//!
//! Run it with the server stopped: a running server keeps the old key in memory.

use hoso_domain::audit_action::AuditAction;
use hoso_store::persons;
use hoso_store::secrets::{self, SecretRow};

use crate::crypto::{MasterKey, new_key};
use crate::records::secret_context;
use crate::work::About;
use crate::{App, AppError, AppResult, write_private_file};

#[derive(Debug, Clone)]
pub struct RotationReport {
    pub old_key_id: String,
    pub new_key_id: String,
    pub secrets_resealed: i64,
    pub identifiers_rehashed: i64,
    pub totp_secrets_resealed: i64,
}

impl App {
    pub async fn rotate_key(&self) -> AppResult<RotationReport> {
        if self.config.secret_key_hex.is_some() {
            return Err(AppError::BadRequest(
                "Khóa được cấu hình qua HOSO_SECRET_KEY: hãy dùng tệp khóa (HOSO_KEY_FILE) để đổi khóa tự động.".into(),
            ));
        }
        let key_file = self.config.key_file.clone();
        let next_file = key_file.with_file_name(format!(
            "{}.next",
            key_file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("hoso.key")
        ));
        if next_file.exists() {
            return Err(AppError::Conflict(format!(
                "Có một lần đổi khóa chưa hoàn tất ({}). Khởi động lại để đọc khóa đó, rồi xử lý tệp này trước khi đổi khóa lần nữa.",
                next_file.display()
            )));
        }
        let raw = new_key();
        // 1. The new key reaches the disk before any row depends on it.
        write_private_file(&next_file, hex::encode(raw).as_bytes()).map_err(|e| {
            AppError::Internal(format!("cannot write {}: {e}", next_file.display()))
        })?;
        let new = MasterKey::new(&raw);
        let old_id = self.keys.current.id.clone();

        // 2. Everything under the new key, in one transaction.
        let mut tx = self.begin_system_work().await?;
        let mut resealed = 0i64;
        let mut after = (0i64, 0i64);
        loop {
            let page = secrets::page_after(&mut tx, after, 1_000).await?;
            let Some(last) = page.last() else { break };
            after = (last.person_id, last.version);
            for row in page {
                let key = self.keys.by_id(&row.key_id).ok_or_else(|| {
                    AppError::Internal(format!(
                        "no key {} for person {}",
                        row.key_id, row.person_id
                    ))
                })?;
                let context = secret_context(row.person_id, row.version);
                let sealed = hex::decode(&row.sealed)
                    .map_err(|e| AppError::Internal(format!("sealed secrets are not hex: {e}")))?;
                let plain = key.open(&sealed, &context).ok_or_else(|| {
                    AppError::Internal(format!(
                        "secrets of person {} v{} do not decrypt",
                        row.person_id, row.version
                    ))
                })?;
                let resealed_row = SecretRow {
                    key_id: new.id.clone(),
                    sealed: hex::encode(new.seal(&plain, &context)),
                    ..row
                };
                secrets::reseal(&mut tx, &resealed_row).await?;
                resealed += 1;
            }
        }
        // TOTP secrets (and any still in clear) under the new key too.
        let mut totp_resealed = 0i64;
        let mut after_account = 0i64;
        loop {
            let page =
                hoso_store::accounts::totp_secrets_after(&mut tx, after_account, 1_000).await?;
            let Some(last) = page.last().map(|r| r.0) else {
                break;
            };
            for (id, stored, key_id) in page {
                let secret = crate::totp::open_secret(
                    &self.keys,
                    Some(&new),
                    id,
                    &stored,
                    key_id.as_deref(),
                )?;
                let (key_id, sealed) = crate::totp::seal_secret(&new, id, &secret);
                hoso_store::accounts::reseal_totp(&mut tx, id, &key_id, &sealed).await?;
                totp_resealed += 1;
            }
            after_account = last;
        }
        let mut rehashed = 0i64;
        let mut last_id = 0i64;
        loop {
            let ids = persons::ids_after(&mut tx, last_id, 1_000).await?;
            let Some(&last) = ids.last() else { break };
            for id in ids {
                let version = persons::current_version(&mut tx, id)
                    .await?
                    .ok_or_else(AppError::record_not_found)?;
                // Decrypt with the old keyring (rows may already be resealed: look them up by id in
                // the new key too).
                let doc = self
                    .full_document_with_key(&mut tx, &version, Some(&new))
                    .await?;
                let schema = self
                    .schemas
                    .get(&version.schema_version)
                    .unwrap_or_else(|| self.schemas.latest());
                let national_id = schema
                    .role_text(&doc, hoso_domain::schema::FieldRole::NationalId)
                    .ok_or_else(|| {
                        AppError::Internal(format!("person {id} has no số định danh"))
                    })?;
                persons::set_identifier_hash(&mut tx, id, &new.national_id_hash(national_id))
                    .await?;
                rehashed += 1;
            }
            last_id = last;
        }
        tx.audit(
AuditAction::KeysRotate,
About { kind: "key", id: Some(new.id.clone()) },
serde_json::json!({"old": old_id, "secrets": resealed, "identifiers": rehashed, "totp_secrets": totp_resealed}),
)
.await?;
        tx.commit().await?;

        // 3. Switch the files: the old key is kept (backups made before today need it).
        let old_file = key_file.with_file_name(format!(
            "{}.old-{old_id}",
            key_file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("hoso.key")
        ));
        std::fs::rename(&key_file, &old_file)
            .map_err(|e| AppError::Internal(format!("cannot keep the old key: {e}")))?;
        std::fs::rename(&next_file, &key_file)
            .map_err(|e| AppError::Internal(format!("cannot install the new key: {e}")))?;
        Ok(RotationReport {
            old_key_id: old_id,
            new_key_id: new.id.clone(),
            secrets_resealed: resealed,
            identifiers_rehashed: rehashed,
            totp_secrets_resealed: totp_resealed,
        })
    }
}
