//! Scans an HR officer attaches to an edit of their own, as an individual attaches them to a
//! change request: the decision behind a salary change, a diploma. A scan belongs to the
//! version the edit wrote and to the section it proves; it is read with the record, by whoever
//! may read that section, and every reading of its bytes is audited.

use hoso_domain::audit_action::AuditAction;
use hoso_store::approvals as store;
use hoso_store::persons;
use serde::Serialize;
use utoipa::ToSchema;

use crate::attachments::{check_upload, clean_file_name, sha256_hex};
use crate::changes::Upload;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionScanView {
    pub version: i64,
    pub sha256: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    /// The section it proves, if given.
    pub section: Option<String>,
    pub added_at: i64,
}

fn scan_missing() -> AppError {
    AppError::NotFound("Hồ sơ không có bản quét này.")
}

impl App {
    /// Attaches a scan to `version` of a record, which must be an edit the caller wrote: an HR
    /// officer proves their own changes, not another's.
    pub async fn attach_to_version(
        &self,
        actor: &Actor,
        person_id: i64,
        version: i64,
        upload: Upload,
        client: &ClientInfo,
    ) -> AppResult<VersionScanView> {
        let mut conn = self.store.reader().await?;
        self.require_record_writer(
            &mut conn,
            actor,
            person_id,
            AuditAction::RecordAttach,
            client,
        )
        .await?;
        let row = persons::version(&mut conn, person_id, version)
            .await?
            .ok_or(AppError::NotFound("Hồ sơ không có phiên bản này."))?;
        drop(conn);
        if row.created_by != Some(actor.account_id) {
            return Err(AppError::BadRequest(
                "Chỉ đính kèm bản quét cho lần sửa hồ sơ do chính mình thực hiện.".into(),
            ));
        }
        if let Some(section) = &upload.section
            && self.schemas.latest().section(section).is_none()
        {
            return Err(AppError::BadRequest(format!(
                "Hồ sơ không có mục '{section}'."
            )));
        }
        if upload.bytes.is_empty() && upload.file_name.trim().is_empty() {
            return Err(AppError::BadRequest("Chưa chọn tệp bản quét.".into()));
        }
        let file_name = clean_file_name(&upload.file_name);
        let media = check_upload(&file_name, &upload.bytes, self.config.attachment_max_bytes)?;
        let sha = sha256_hex(&upload.bytes);
        let size = upload.bytes.len() as i64;
        // Bytes first: a row never points at a missing file; an orphan file is harmless.
        self.attachments.put(&sha, upload.bytes).await?;
        let at = self.now_ms();
        let mut tx = self.begin_work(actor, client).await?;
        store::insert_attachment(&mut tx, &sha, media, size, actor.account_id, at).await?;
        store::link_version_attachment(
            &mut tx,
            person_id,
            version,
            &sha,
            &file_name,
            upload.section.as_deref(),
            actor.account_id,
            at,
        )
        .await?;
        tx.audit(
            AuditAction::RecordAttach,
            About::new("person", person_id),
            serde_json::json!({"version": version, "sha256": sha, "size": size}),
        )
        .await?;
        tx.commit().await?;
        Ok(VersionScanView {
            version,
            sha256: sha,
            file_name,
            media_type: media.into(),
            size,
            section: upload.section,
            added_at: at,
        })
    }

    /// The scans attached to a record's edits that the caller may read: those of sections
    /// within their clearance on the record (a scan for no section needs the record's
    /// internal level, as its history does).
    pub async fn version_scans(
        &self,
        actor: &Actor,
        person_id: i64,
    ) -> AppResult<Vec<VersionScanView>> {
        let mut conn = self.store.reader().await?;
        let unit_path = self.visible_person(&mut conn, actor, person_id).await?;
        let Some(clearance) = actor.clearance_for(person_id, &unit_path) else {
            return Ok(vec![]);
        };
        let schema = self.schemas.latest();
        let readable = |section: &Option<String>| {
            let needed = section
                .as_deref()
                .and_then(|s| schema.section(s))
                .map_or(hoso_domain::access::AccessLevel::Internal, |s| {
                    s.min_access()
                });
            needed <= clearance
        };
        Ok(store::version_attachments_of(&mut conn, person_id)
            .await?
            .into_iter()
            .filter(|a| readable(&a.section))
            .map(|a| VersionScanView {
                version: a.version,
                sha256: a.sha256,
                file_name: a.file_name,
                media_type: a.media_type,
                size: a.size,
                section: a.section,
                added_at: a.added_at,
            })
            .collect())
    }

    /// The bytes of a scan of a record's edit the caller may read. Audited.
    pub async fn version_scan(
        &self,
        actor: &Actor,
        person_id: i64,
        sha256: &str,
        client: &ClientInfo,
    ) -> AppResult<(VersionScanView, Vec<u8>)> {
        let found = self
            .version_scans(actor, person_id)
            .await?
            .into_iter()
            .find(|a| a.sha256 == sha256)
            .ok_or_else(scan_missing)?;
        let bytes = self.attachments.get(sha256).await?;
        let mut tx = self.begin_work(actor, client).await?;
        tx.audit(
            AuditAction::RecordAttachmentRead,
            About::new("person", person_id),
            serde_json::json!({"version": found.version, "sha256": sha256}),
        )
        .await?;
        tx.commit().await?;
        Ok((found, bytes))
    }
}
