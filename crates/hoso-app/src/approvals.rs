//! Approval with a digital signature (F4): in the approval window the approver prepares a
//! batch of the verified versions in its scope — a canonical manifest naming each version by
//! its hash and its predecessor's — signs it (with its own signing tool, or a PKCS#12 key it
//! uploads for that one signature), and the server verifies the signature, the certificate and
//! its chain before, in one transaction, the versions become official and are queued for the
//! hub. Any approved version can be exported as a signed package that another Hoso verifies.

use hoso_domain::audit_action::AuditAction;
use std::io::{Read, Write};

use base64::Engine;
use hoso_domain::access::AccessLevel;
use hoso_domain::changes::{MANIFEST_FORMAT, Manifest, ManifestItem};
use hoso_store::approvals::{self as store, BatchRow, ItemRow};
use hoso_store::persons;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::attachments::sha256_hex;
use crate::records::{canonical_json, version_hash};
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo, Page, Paging, signing};

/// Batches are bounded so that one signature never covers an unreviewable amount.
pub const MAX_BATCH_ITEMS: usize = 2000;

/// The approval window today, as the deadline rules in force set it (or the deployment's
/// explicit `HOSO_APPROVAL_WINDOW_DAYS`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApprovalWindow {
    pub open: bool,
    /// The window's days this month, dd/mm/yyyy (empty when every day is allowed).
    pub days: Vec<String>,
    /// The window's length in working days (0: no window, or a window the rule counts in
    /// calendar days — then `time_limit` says so).
    pub working_days: usize,
    /// The window as its rule words it ("5 ngày làm việc cuối tháng"); `None`: any day.
    pub time_limit: Option<String>,
    /// The rule that sets the window, with its article; `None`: any day.
    pub legal_basis: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PendingVersion {
    pub version: i64,
    pub hash: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub note: Option<String>,
    /// The change request the version came from, if any (else: entered by HR directly).
    pub change_request_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AwaitingRecord {
    pub person_id: i64,
    pub person_name: String,
    pub unit_id: i64,
    pub official_version: i64,
    pub current_version: i64,
    pub versions: Vec<PendingVersion>,
}

impl AwaitingRecord {
    /// Whether the account wrote one of the waiting versions: separation of duties leaves the
    /// record to another approver.
    pub fn written_by(&self, account_id: i64) -> bool {
        self.versions
            .iter()
            .any(|v| v.created_by == Some(account_id))
    }
}

/// What waits for the caller's signature.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApprovalQueue {
    pub window: ApprovalWindow,
    pub total: i64,
    pub records: Vec<AwaitingRecord>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrepareBatch {
    /// Only these records (default: every record waiting in the caller's scope).
    pub person_ids: Option<Vec<i64>>,
    /// Sign outside the approval window (system administrator only).
    pub override_window: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignBatch {
    /// A detached CMS/PKCS#7 signature over the manifest bytes made by the approver's signing
    /// tool: base64 of the DER, or the PEM text.
    pub signature: Option<String>,
    /// Or: the approver's PKCS#12 file (base64), used for this signature and never stored…
    pub pkcs12: Option<String>,
    /// …and its password.
    pub password: Option<String>,
    /// Sign outside the approval window (system administrator only).
    pub override_window: Option<bool>,
}

/// Whom a batch signs for: the head reads names and units, not record numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPerson {
    pub person_id: i64,
    pub full_name: String,
    pub unit_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchView {
    pub id: i64,
    /// prepared, signed, abandoned.
    pub state: String,
    pub prepared_by: i64,
    pub prepared_at: i64,
    /// The exact text that is signed.
    pub manifest: String,
    /// SHA-256 of the manifest (what a signing plug-in signs), hex.
    pub manifest_sha256: String,
    pub item_count: i64,
    pub signed_by: Option<i64>,
    pub signed_at: Option<i64>,
    pub signer_subject: Option<String>,
    /// pkcs12 or external.
    pub signing_mode: Option<String>,
    pub window_override: bool,
}

impl From<BatchRow> for BatchView {
    fn from(b: BatchRow) -> Self {
        BatchView {
            id: b.id,
            state: b.state,
            prepared_by: b.prepared_by,
            prepared_at: b.prepared_at,
            manifest: b.manifest,
            manifest_sha256: b.manifest_sha256,
            item_count: b.item_count,
            signed_by: b.signed_by,
            signed_at: b.signed_at,
            signer_subject: b.signer_subject,
            signing_mode: b.signing_mode,
            window_override: b.window_override,
        }
    }
}

/// A version's approval, for the record page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionApproval {
    pub version: i64,
    pub batch_id: i64,
    pub signed_by: Option<i64>,
    pub signed_at: Option<i64>,
    pub signer_subject: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordApprovals {
    /// The version an approver signed last (0: none yet).
    pub official_version: i64,
    pub current_version: i64,
    pub approvals: Vec<VersionApproval>,
}

/// What checking a signed package found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PackageReport {
    pub person_id: i64,
    pub version: i64,
    pub hash: String,
    pub batch_id: i64,
    pub signer_subject: String,
    pub attachments: usize,
    /// How many versions of the record's history came with it, each checked (0: a package made
    /// before packages carried their history).
    pub history_versions: usize,
}

/// The detached signature over `content` a signer sends: made outside (`signature`: base64 of
/// the DER, or PEM), or made here with their PKCS#12 file (`pkcs12`, base64, with its
/// `password`; never stored). With the mode it was made in: `external` or `pkcs12`.
pub(crate) async fn signature_from(
    signature: Option<String>,
    pkcs12: Option<String>,
    password: Option<String>,
    content: &[u8],
) -> AppResult<(Vec<u8>, &'static str)> {
    match (signature, pkcs12) {
        (Some(sig), None) => Ok((decode_signature(&sig)?, "external")),
        (None, Some(p12)) => {
            let p12 = base64::engine::general_purpose::STANDARD
                .decode(p12.split_whitespace().collect::<String>())
                .map_err(|_| AppError::BadRequest("Tệp khóa PKCS#12 phải gửi dạng base64.".into()))?;
            let password = password.unwrap_or_default();
            let content = content.to_vec();
            let signed = tokio::task::spawn_blocking(move || {
                signing::sign_with_pkcs12(&p12, &password, &content)
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(AppError::BadRequest)?;
            Ok((signed, "pkcs12"))
        }
        _ => Err(AppError::BadRequest(
            "Gửi một trong hai: chữ ký số tách rời (signature), hoặc tệp khóa PKCS#12 (pkcs12) kèm mật khẩu."
                .into(),
        )),
    }
}

/// The result of re-checking one stored signature.
#[derive(Debug, Clone, Serialize)]
pub struct BatchCheck {
    pub batch_id: i64,
    pub items: i64,
    /// `None` when everything checks out; else what is wrong.
    pub problem: Option<String>,
}

fn decode_signature(text: &str) -> AppResult<Vec<u8>> {
    let t = text.trim();
    if t.starts_with("-----BEGIN") {
        return Ok(t.as_bytes().to_vec());
    }
    base64::engine::general_purpose::STANDARD
        .decode(t.split_whitespace().collect::<String>())
        .map_err(|_| {
            AppError::BadRequest("Chữ ký số phải là base64 của DER hoặc văn bản PEM.".into())
        })
}

impl App {
    /// Today's approval window: the one the deadline rules in force set (Lai Châu Điều 7
    /// khoản 1, Đồng Tháp Điều 12, a deployment's own rule), unless the configuration sets one
    /// explicitly; none (Lạng Sơn) means heads sign any day.
    pub fn approval_window(&self) -> ApprovalWindow {
        let today = self.today();
        // The calendar in force, with the holidays the administrator announced.
        let calendar = self.calendar();
        let Some(window) = hoso_domain::changes::approval_window(
            self.deadline_rules.rules(),
            self.config.approval_window_days,
            today,
            &calendar,
        ) else {
            return ApprovalWindow {
                open: true,
                days: vec![],
                working_days: 0,
                time_limit: None,
                legal_basis: None,
            };
        };
        let counts_working_days = window.days.iter().all(|d| calendar.is_working_day(*d));
        ApprovalWindow {
            open: window.days.contains(&today),
            working_days: if counts_working_days {
                window.days.len()
            } else {
                0
            },
            days: window
                .days
                .iter()
                .map(|d| hoso_domain::calendar::format_date(*d))
                .collect(),
            time_limit: Some(window.time_limit_vi),
            legal_basis: Some(window.legal_basis),
        }
    }

    /// Refuses outside the window unless a system administrator overrides it; says whether it
    /// did.
    fn check_window(&self, actor: &Actor, override_window: bool) -> AppResult<bool> {
        let window = self.approval_window();
        if window.open {
            return Ok(false);
        }
        if override_window && actor.is_system_admin() {
            return Ok(true);
        }
        Err(AppError::BadRequest(format!(
            "Ngoài thời gian phê duyệt: chỉ ký duyệt trong {} ({}; căn cứ: {}). Quản trị hệ thống có thể cho phép ký ngoài thời gian này.",
            window.time_limit.unwrap_or_default(),
            window.days.join(", "),
            window.legal_basis.unwrap_or_default()
        )))
    }

    fn approver_scope(actor: &Actor) -> AppResult<persons::Scope> {
        let scope = actor.approval_scope();
        if scope.is_empty() {
            return Err(AppError::Forbidden);
        }
        Ok(scope)
    }

    async fn awaiting(
        &self,
        actor: &Actor,
        only: Option<&[i64]>,
    ) -> AppResult<(i64, Vec<AwaitingRecord>, Vec<ManifestItem>)> {
        let scope = Self::approver_scope(actor)?;
        let mut conn = self.store.reader().await?;
        let (rows, total) = store::awaiting_approval(&mut conn, &scope, 10_000).await?;
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|r| only.is_none_or(|ids| ids.contains(&r.person_id)))
            .collect();
        let ids: Vec<i64> = rows.iter().map(|r| r.person_id).collect();
        let pending = store::pending_versions(&mut conn, &ids).await?;
        let requests: Vec<i64> = pending.iter().filter_map(|v| v.change_request_id).collect();
        let mut scans: std::collections::HashMap<i64, Vec<String>> = Default::default();
        for (request, sha) in store::attachment_hashes(&mut conn, &requests).await? {
            scans.entry(request).or_default().push(sha);
        }
        let mut by_person: std::collections::HashMap<i64, Vec<store::PendingVersionRow>> =
            Default::default();
        for v in pending {
            by_person.entry(v.person_id).or_default().push(v);
        }
        let mut records = Vec::new();
        let mut items = Vec::new();
        for r in rows {
            let mut versions = Vec::new();
            for v in by_person.remove(&r.person_id).unwrap_or_default() {
                items.push(ManifestItem {
                    person_id: r.person_id,
                    version: v.version,
                    schema_version: v.schema_version,
                    hash: v.hash.clone(),
                    prev_hash: v.prev_hash,
                    attachments: v
                        .change_request_id
                        .and_then(|c| scans.get(&c).cloned())
                        .unwrap_or_default(),
                });
                versions.push(PendingVersion {
                    version: v.version,
                    hash: v.hash,
                    created_by: v.created_by,
                    created_at: v.created_at,
                    note: v.note,
                    change_request_id: v.change_request_id,
                });
            }
            records.push(AwaitingRecord {
                person_id: r.person_id,
                person_name: r.full_name,
                unit_id: r.unit_id,
                official_version: r.official_version,
                current_version: r.current_version,
                versions,
            });
        }
        Ok((total, records, items))
    }

    /// The verified versions waiting for the caller's signature, by record.
    pub async fn approval_queue(&self, actor: &Actor) -> AppResult<ApprovalQueue> {
        let (total, records, _) = self.awaiting(actor, None).await?;
        Ok(ApprovalQueue {
            window: self.approval_window(),
            total,
            records,
        })
    }

    /// Fixes the manifest of a batch: the versions waiting in the caller's scope (or the chosen
    /// records). The approver signs exactly these bytes.
    pub async fn prepare_batch(
        &self,
        actor: &Actor,
        input: PrepareBatch,
        client: &ClientInfo,
    ) -> AppResult<BatchView> {
        // Rights before rules: an account that may not approve learns nothing of the window.
        Self::approver_scope(actor)?;
        let overridden = self.check_window(actor, input.override_window.unwrap_or(false))?;
        let (_, records, mut items) = self.awaiting(actor, input.person_ids.as_deref()).await?;
        // Separation of duties: who wrote or verified a change never approves it. Such records
        // wait for another approver; naming one of them is refused.
        let own: std::collections::HashSet<i64> = records
            .iter()
            .filter(|r| r.written_by(actor.account_id))
            .map(|r| r.person_id)
            .collect();
        if !own.is_empty() {
            if input.person_ids.is_some() {
                let attempt = crate::authz::Attempt {
                    action: AuditAction::ApprovalPrepare,
                    about: About::kind("approval_batch"),
                    client,
                };
                return Err(self
                    .refusal(actor, attempt, "approver_wrote_the_change")
                    .await);
            }
            items.retain(|i| !own.contains(&i.person_id));
        }
        if items.is_empty() {
            return Err(AppError::BadRequest(
                "Không có thay đổi nào đã xác thực đang chờ phê duyệt trong phạm vi của bạn."
                    .into(),
            ));
        }
        if items.len() > MAX_BATCH_ITEMS {
            return Err(AppError::BadRequest(format!(
                "Có {} phiên bản chờ duyệt; mỗi lần ký tối đa {MAX_BATCH_ITEMS}. Hãy chọn một phần hồ sơ để ký trước.",
                items.len()
            )));
        }
        let mut tx = self.begin_work(actor, client).await?;
        let id = store::insert_batch(&mut tx, actor.account_id, self.now_ms()).await?;
        let manifest = Manifest {
            format: MANIFEST_FORMAT.into(),
            batch_id: id,
            prepared_by: actor.username.clone(),
            prepared_at: self.now_ms(),
            items,
        };
        let bytes = manifest.to_bytes();
        let text = String::from_utf8(bytes)
            .map_err(|e| AppError::Internal(format!("manifest is not UTF-8: {e}")))?;
        let sha = sha256_hex(text.as_bytes());
        store::set_manifest(&mut tx, id, &text, &sha, manifest.items.len() as i64).await?;
        tx.audit(
AuditAction::ApprovalPrepare,
About::new("approval_batch", id),
serde_json::json!({"items": manifest.items.len(), "manifest_sha256": sha, "window_override": overridden}),
)
.await?;
        tx.commit().await?;
        self.batch(actor, id).await
    }

    /// A batch the caller prepared (or any, for a system administrator).
    pub async fn batch(&self, actor: &Actor, id: i64) -> AppResult<BatchView> {
        Ok(self.batch_row(actor, id).await?.into())
    }

    /// The people of a batch the caller prepared (or any, for the system administrator), by
    /// name and unit ("Văn phòng — Sở Y tế"), in the manifest's order.
    pub async fn batch_people(&self, actor: &Actor, id: i64) -> AppResult<Vec<BatchPerson>> {
        let batch = self.batch_row(actor, id).await?;
        let manifest = Manifest::parse(batch.manifest.as_bytes()).map_err(AppError::Internal)?;
        let mut conn = self.store.reader().await?;
        let mut units: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(manifest.items.len());
        for item in &manifest.items {
            let Some(person) = persons::get(&mut conn, item.person_id).await? else {
                continue;
            };
            if let std::collections::hash_map::Entry::Vacant(slot) = units.entry(person.unit_id) {
                let name = match hoso_store::org::get(&mut conn, person.unit_id).await? {
                    Some(unit) => hoso_store::org::label_of(&mut conn, &unit).await?,
                    None => String::new(),
                };
                slot.insert(name);
            }
            out.push(BatchPerson {
                person_id: item.person_id,
                full_name: person.full_name,
                unit_name: units.get(&person.unit_id).cloned().unwrap_or_default(),
            });
        }
        Ok(out)
    }

    async fn batch_row(&self, actor: &Actor, id: i64) -> AppResult<BatchRow> {
        Self::approver_scope(actor)?;
        let mut conn = self.store.reader().await?;
        let batch = store::get_batch(&mut conn, id)
            .await?
            .filter(|b| b.prepared_by == actor.account_id || actor.is_system_admin())
            .ok_or(AppError::NotFound("Không tìm thấy lô phê duyệt."))?;
        Ok(batch)
    }

    /// The stored detached signature of a signed batch, DER.
    pub async fn batch_signature(&self, actor: &Actor, id: i64) -> AppResult<Vec<u8>> {
        let batch = self.batch_row(actor, id).await?;
        let sig = batch
            .signature
            .ok_or(AppError::NotFound("Lô này chưa được ký."))?;
        hex::decode(sig).map_err(|e| AppError::Internal(format!("stored signature: {e}")))
    }

    /// Batches the caller prepared (all, for a system administrator), newest first.
    pub async fn batches(&self, actor: &Actor, paging: Paging) -> AppResult<Page<BatchView>> {
        Self::approver_scope(actor)?;
        let mut conn = self.store.reader().await?;
        let preparer = (!actor.is_system_admin()).then_some(actor.account_id);
        let (rows, total) =
            store::batches(&mut conn, None, preparer, paging.per_page, paging.offset()).await?;
        let items = rows.into_iter().map(BatchView::from).collect();
        Ok(Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
            total_capped: false,
        })
    }

    /// Signs a prepared batch (or accepts the signature made outside), verifies it, and makes
    /// its versions official in one transaction. A refusal changes nothing and is audited.
    pub async fn sign_batch(
        &self,
        actor: &Actor,
        id: i64,
        input: SignBatch,
        client: &ClientInfo,
    ) -> AppResult<BatchView> {
        let batch = self.batch_row(actor, id).await?;
        if batch.prepared_by != actor.account_id {
            return Err(AppError::Forbidden);
        }
        if batch.state != "prepared" {
            return Err(AppError::Conflict(format!(
                "Lô phê duyệt số {id} đã {}.",
                if batch.state == "signed" {
                    "được ký"
                } else {
                    "bị hủy"
                }
            )));
        }
        let result = self.check_and_sign(actor, &batch, input, client).await;
        if let Err(e) = &result {
            self.audit_refused(
                actor,
                client,
                AuditAction::ApprovalSignRefused,
                About::new("approval_batch", id),
                e,
            )
            .await?;
        }
        result?;
        // The people signed for leave the "waiting for approval" alerts now.
        if let Ok(manifest) = Manifest::parse(batch.manifest.as_bytes()) {
            let mut people: Vec<i64> = manifest.items.iter().map(|i| i.person_id).collect();
            people.dedup();
            self.refresh_alerts_of(&people).await;
        }
        self.batch(actor, id).await
    }

    async fn check_and_sign(
        &self,
        actor: &Actor,
        batch: &BatchRow,
        input: SignBatch,
        client: &ClientInfo,
    ) -> AppResult<()> {
        let overridden = self.check_window(actor, input.override_window.unwrap_or(false))?;
        let manifest_bytes = batch.manifest.as_bytes().to_vec();
        let (signature, mode) = signature_from(
            input.signature,
            input.pkcs12,
            input.password,
            &manifest_bytes,
        )
        .await?;
        let signer = signing::verify_detached(
            &signature,
            &manifest_bytes,
            &self.trusted_roots,
            self.clock.now_seconds(),
        )
        .map_err(AppError::BadRequest)?;
        let manifest = Manifest::parse(&manifest_bytes).map_err(AppError::Internal)?;

        let mut tx = self.begin_work(actor, client).await?;
        let outcome = self
            .make_official(
                &mut tx, actor, batch, &manifest, &signature, &signer, mode, overridden,
            )
            .await;
        if let Err(e) = outcome {
            let _ = tx.rollback().await;
            return Err(e);
        }
        tx.audit(
            AuditAction::ApprovalSign,
            About::new("approval_batch", batch.id),
            serde_json::json!({
                "items": manifest.items.len(),
                "manifest_sha256": batch.manifest_sha256,
                "signer": signer.subject,
                "mode": mode,
                "window_override": overridden,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn make_official(
        &self,
        tx: &mut hoso_store::AnyConnection,
        actor: &Actor,
        batch: &BatchRow,
        manifest: &Manifest,
        signature: &[u8],
        signer: &signing::Signer,
        mode: &str,
        overridden: bool,
    ) -> AppResult<()> {
        let signature_hex = hex::encode(signature);
        if !store::mark_signed(
            tx,
            batch.id,
            store::Signature {
                signature_hex: &signature_hex,
                signer_subject: &signer.subject,
                signer_certificate_pem: &signer.certificate_pem,
                signing_mode: mode,
                signed_by: actor.account_id,
                signed_at: self.now_ms(),
                window_override: overridden,
            },
        )
        .await?
        {
            return Err(AppError::Conflict(
                "Lô phê duyệt vừa được ký hoặc hủy ở nơi khác.".into(),
            ));
        }
        let mut latest: std::collections::BTreeMap<i64, i64> = Default::default();
        for item in &manifest.items {
            // The signer's rights as they are now, not as they were when the batch was prepared:
            // a grant moved or revoked since then does not sign.
            if !self
                .may_person(tx, actor, Capability::ApproveChanges, item.person_id)
                .await?
            {
                return Err(AppError::Forbidden);
            }
            // A record the head sent back since the batch was prepared is not signed with it.
            if store::returned_since(tx, item.person_id, item.version, batch.prepared_at).await? {
                return Err(AppError::Conflict(format!(
                    "Hồ sơ số {} đã được trả lại cho cán bộ tổ chức sau khi lập lô. Hãy lập lại lô phê duyệt.",
                    item.person_id
                )));
            }
            let stored = persons::version(tx, item.person_id, item.version)
                .await?
                .ok_or_else(|| AppError::Internal("manifest names a missing version".into()))?;
            if stored.hash != item.hash {
                return Err(AppError::Internal(format!(
                    "version {} of person {} does not match the manifest",
                    item.version, item.person_id
                )));
            }
            let row = ItemRow {
                batch_id: batch.id,
                person_id: item.person_id,
                version: item.version,
                hash: item.hash.clone(),
                prev_hash: item.prev_hash.clone(),
            };
            match store::insert_item(tx, &row).await {
                Ok(()) => {}
                Err(e) if e.is_unique_violation() => {
                    return Err(AppError::Conflict(format!(
                        "Phiên bản {} của hồ sơ số {} đã được phê duyệt trong một lô khác. Hãy lập lại lô phê duyệt.",
                        item.version, item.person_id
                    )));
                }
                Err(e) => return Err(e.into()),
            }
            store::enqueue_for_hub(tx, batch.id, item.person_id, item.version, self.now_ms())
                .await?;
            let entry = latest.entry(item.person_id).or_default();
            *entry = (*entry).max(item.version);
        }
        for (person_id, version) in latest {
            store::set_official(tx, person_id, version).await?;
        }
        Ok(())
    }

    /// Drops a prepared batch that will not be signed.
    pub async fn abandon_batch(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<BatchView> {
        self.abandon_batch_saying(actor, id, client, serde_json::Value::Null)
            .await
    }

    /// [`App::abandon_batch`], with why in the audit trail.
    pub(crate) async fn abandon_batch_saying(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
        detail: serde_json::Value,
    ) -> AppResult<BatchView> {
        let batch = self.batch_row(actor, id).await?;
        if batch.prepared_by != actor.account_id {
            return Err(AppError::Forbidden);
        }
        let mut tx = self.begin_work(actor, client).await?;
        if !store::abandon_batch(&mut tx, id).await? {
            return Err(AppError::Conflict("Chỉ hủy được lô chưa ký.".into()));
        }
        tx.audit(
            AuditAction::ApprovalAbandon,
            About::new("approval_batch", id),
            detail,
        )
        .await?;
        tx.commit().await?;
        self.batch(actor, id).await
    }

    /// The official version of a record and who signed each approved version.
    pub async fn record_approvals(
        &self,
        actor: &Actor,
        person_id: i64,
    ) -> AppResult<RecordApprovals> {
        let mut conn = self.store.reader().await?;
        if !self
            .may_person(&mut conn, actor, Capability::ReadRecords, person_id)
            .await?
        {
            return Err(AppError::record_not_found());
        }
        let person = persons::get(&mut conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        let official = store::official_version(&mut conn, person_id).await?;
        let approvals = store::signed_versions(&mut conn, person_id)
            .await?
            .into_iter()
            .map(|a| VersionApproval {
                version: a.version,
                batch_id: a.batch_id,
                signed_by: a.signed_by,
                signed_at: a.signed_at,
                signer_subject: a.signer_subject,
            })
            .collect();
        Ok(RecordApprovals {
            official_version: official,
            current_version: person.current_version,
            approvals,
        })
    }

    /// How many records wait for the caller's signature (home page); 0 for non-approvers.
    pub async fn awaiting_approval_count(&self, actor: &Actor) -> AppResult<i64> {
        let scope = actor.approval_scope();
        if scope.is_empty() {
            return Ok(0);
        }
        let mut conn = self.store.reader().await?;
        Ok(store::awaiting_approval(&mut conn, &scope, 1).await?.1)
    }

    /// A zip with an approved version and its proof: the signed manifest (`manifest.json`),
    /// the detached signature (`manifest.p7s`), the record (`record.json`) and the scanned
    /// documents (`attachments/`). Needs clearance for the whole record. Audited.
    pub async fn export_package(
        &self,
        actor: &Actor,
        person_id: i64,
        version: i64,
        client: &ClientInfo,
    ) -> AppResult<Vec<u8>> {
        let mut conn = self.store.reader().await?;
        if !self
            .may_person(&mut conn, actor, Capability::ReadRecords, person_id)
            .await?
        {
            return Err(AppError::record_not_found());
        }
        let person = persons::get(&mut conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        let unit = hoso_store::org::get(&mut conn, person.unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        if actor.clearance_for(person_id, &unit.path) != Some(AccessLevel::Secret) {
            return Err(AppError::Forbidden);
        }
        let package = self.package_of(&mut conn, person_id, version).await?;
        drop(conn);
        let mut tx = self.begin_work(actor, client).await?;
        tx.audit(
            AuditAction::RecordExportPackage,
            About::new("person", person_id),
            serde_json::json!({"version": version, "batch_id": package.batch_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(package.zip)
    }

    /// The signed package of an approved version (see [`App::export_package`]), with the
    /// record's history up to it (`history.json`: every version, each with its document and
    /// hash, so that the chain can be checked up to the signed one), and its batch. The caller
    /// checks the rights and audits.
    pub(crate) async fn package_of(
        &self,
        conn: &mut hoso_store::AnyConnection,
        person_id: i64,
        version: i64,
    ) -> AppResult<SignedPackage> {
        let item = store::items_of_person(conn, person_id)
            .await?
            .into_iter()
            .find(|i| i.version == version)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "Phiên bản {version} chưa được phê duyệt bằng chữ ký số nên chưa đóng gói được."
                ))
            })?;
        let batch = store::get_batch(conn, item.batch_id)
            .await?
            .ok_or_else(|| AppError::Internal("approval without its batch".into()))?;
        let signature = hex::decode(batch.signature.clone().unwrap_or_default())
            .map_err(|e| AppError::Internal(format!("stored signature: {e}")))?;
        let versions: Vec<_> = persons::versions(conn, person_id)
            .await?
            .into_iter()
            .filter(|v| v.version <= version)
            .collect();
        let row = versions
            .last()
            .filter(|v| v.version == version)
            .ok_or(AppError::NotFound("Không có phiên bản này của hồ sơ."))?;
        let mut history = Vec::new();
        for v in &versions {
            history.push(PackagedVersion {
                version: v.version,
                schema_version: v.schema_version.clone(),
                prev_hash: v.prev_hash.clone(),
                hash: v.hash.clone(),
                created_at: v.created_at,
                source: crate::versions::Provenance::of(v).label_vi(),
                document: self.full_document(conn, v).await?,
            });
        }
        // The signed version's document, decoded once above.
        let document = &history[history.len() - 1].document;
        let manifest = Manifest::parse(batch.manifest.as_bytes()).map_err(AppError::Internal)?;
        let entry = manifest
            .items
            .iter()
            .find(|i| i.person_id == person_id && i.version == version)
            .ok_or_else(|| AppError::Internal("approved version missing from manifest".into()))?;
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for sha in &entry.attachments {
            files.push((
                format!("attachments/{sha}"),
                self.attachments.get(sha).await?,
            ));
        }
        let record = serde_json::json!({
            "person_id": person_id,
            "version": version,
            "schema_version": row.schema_version,
            "prev_hash": row.prev_hash,
            "hash": row.hash,
            "document": document,
        });
        let package = serde_json::json!({
            "format": "hoso-signed-package/1",
            "batch_id": batch.id,
            "signed_at": batch.signed_at,
            "signer_subject": batch.signer_subject,
        });
        let readme = "Gói hồ sơ đã phê duyệt bằng chữ ký số (Hoso).\n\
            Kiểm tra chữ ký bằng OpenSSL:\n\
            openssl cms -verify -binary -inform DER -in manifest.p7s -content manifest.json -CAfile <chứng thư gốc>.pem -purpose any -out /dev/null\n\
            Sau đó: SHA-256 của record.json (mục document, theo quy tắc chuẩn hóa của Hoso) phải khớp mã băm trong manifest.json.\n";
        let zip = build_zip(
            &[
                ("manifest.json".to_string(), batch.manifest.into_bytes()),
                ("manifest.p7s".to_string(), signature),
                (
                    "record.json".to_string(),
                    serde_json::to_vec_pretty(&record).unwrap_or_default(),
                ),
                (
                    "package.json".to_string(),
                    serde_json::to_vec_pretty(&package).unwrap_or_default(),
                ),
                (
                    "history.json".to_string(),
                    serde_json::to_vec(&history).unwrap_or_default(),
                ),
                ("HUONG-DAN.txt".to_string(), readme.as_bytes().to_vec()),
            ],
            &files,
        )?;
        Ok(SignedPackage {
            zip,
            batch_id: batch.id,
            signer_subject: batch.signer_subject.unwrap_or_default(),
            versions: history.len(),
        })
    }

    /// Checks a signed package made by any Hoso against this deployment's trusted roots.
    pub fn verify_package(&self, zip_bytes: &[u8]) -> AppResult<PackageReport> {
        verify_package(zip_bytes, &self.trusted_roots).map_err(AppError::BadRequest)
    }

    /// A signed package checked against this deployment's trusted roots, opened.
    pub(crate) fn open_package(&self, zip_bytes: &[u8]) -> AppResult<OpenedPackage> {
        open_package(zip_bytes, &self.trusted_roots).map_err(AppError::BadRequest)
    }

    /// Re-checks stored signatures offline: each signed batch's signature over its manifest (as
    /// of its signing time), and that its approvals match the manifest and the stored versions.
    pub async fn verify_approvals(&self, only: Option<i64>) -> AppResult<Vec<BatchCheck>> {
        let mut conn = self.store.reader().await?;
        let (rows, _) = store::batches(&mut conn, Some("signed"), None, i64::MAX / 2, 0).await?;
        let mut out = Vec::new();
        for b in rows
            .into_iter()
            .filter(|b| only.is_none_or(|id| id == b.id))
        {
            let problem = self.check_batch(&mut conn, &b).await?;
            out.push(BatchCheck {
                batch_id: b.id,
                items: b.item_count,
                problem,
            });
        }
        if let Some(id) = only
            && out.is_empty()
        {
            return Err(AppError::BadRequest(format!(
                "Không có lô phê duyệt đã ký số {id}."
            )));
        }
        Ok(out)
    }

    async fn check_batch(
        &self,
        conn: &mut hoso_store::AnyConnection,
        b: &BatchRow,
    ) -> AppResult<Option<String>> {
        if sha256_hex(b.manifest.as_bytes()) != b.manifest_sha256 {
            return Ok(Some("bản kê đã bị sửa (mã băm không khớp)".into()));
        }
        let Ok(signature) = hex::decode(b.signature.clone().unwrap_or_default()) else {
            return Ok(Some("chữ ký lưu trữ hỏng".into()));
        };
        let at = b.signed_at.unwrap_or(0) / 1000;
        if let Err(e) =
            signing::verify_detached(&signature, b.manifest.as_bytes(), &self.trusted_roots, at)
        {
            return Ok(Some(e));
        }
        let manifest = match Manifest::parse(b.manifest.as_bytes()) {
            Ok(m) => m,
            Err(e) => return Ok(Some(e)),
        };
        for item in &manifest.items {
            let stored = persons::version(conn, item.person_id, item.version).await?;
            if stored.as_ref().map(|v| &v.hash) != Some(&item.hash) {
                return Ok(Some(format!(
                    "phiên bản {} của hồ sơ số {} không khớp bản kê",
                    item.version, item.person_id
                )));
            }
            let approved = store::items_of_person(conn, item.person_id)
                .await?
                .into_iter()
                .any(|i| i.version == item.version && i.batch_id == b.id && i.hash == item.hash);
            if !approved {
                return Ok(Some(format!(
                    "phê duyệt phiên bản {} của hồ sơ số {} không khớp bản kê",
                    item.version, item.person_id
                )));
            }
        }
        Ok(None)
    }
}

fn build_zip(named: &[(String, Vec<u8>)], attachments: &[(String, Vec<u8>)]) -> AppResult<Vec<u8>> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in named.iter().chain(attachments) {
            zip.start_file(name.as_str(), options)
                .map_err(|e| AppError::Internal(format!("zip: {e}")))?;
            zip.write_all(bytes)
                .map_err(|e| AppError::Internal(format!("zip: {e}")))?;
        }
        zip.finish()
            .map_err(|e| AppError::Internal(format!("zip: {e}")))?;
    }
    Ok(out.into_inner())
}

/// Reads a file of a package, bounded so that a zip bomb cannot exhaust memory.
fn read_entry(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Vec<u8>, String> {
    const LIMIT: u64 = 64 * 1024 * 1024;
    let file = zip
        .by_name(name)
        .map_err(|_| format!("Gói không hợp lệ: thiếu tệp {name}."))?;
    let mut bytes = Vec::new();
    file.take(LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("Gói không hợp lệ: không đọc được {name} ({e})."))?;
    if bytes.len() as u64 > LIMIT {
        return Err(format!("Gói không hợp lệ: tệp {name} quá lớn."));
    }
    Ok(bytes)
}

/// Checks a signed package: the signature over its manifest (against `roots`, as of its
/// signing time), the record's hash recomputed from its content and found in the manifest,
/// and every attachment named there present with its hash.
pub fn verify_package(
    zip_bytes: &[u8],
    roots: &[openssl::x509::X509],
) -> Result<PackageReport, String> {
    open_package(zip_bytes, roots).map(|p| p.report)
}

/// A package made here ([`App::package_of`]): the zip, and what it says of itself.
pub(crate) struct SignedPackage {
    pub zip: Vec<u8>,
    pub batch_id: i64,
    /// Who signed its batch, as the certificate names them.
    pub signer_subject: String,
    /// How many versions of the history it carries.
    pub versions: usize,
}

/// One version of a record as a package carries it (`history.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackagedVersion {
    pub version: i64,
    pub schema_version: String,
    pub prev_hash: Option<String>,
    pub hash: String,
    /// When it was written where it comes from (ms).
    pub created_at: i64,
    /// Where it came from, as the sending Hoso names it.
    pub source: String,
    pub document: hoso_domain::schema::RecordDoc,
}

/// What a checked package holds.
pub(crate) struct OpenedPackage {
    pub report: PackageReport,
    pub schema_version: String,
    /// The signed version's record.
    pub document: hoso_domain::schema::RecordDoc,
    /// Every version up to the signed one, chained (empty for a package made before packages
    /// carried their history).
    pub history: Vec<PackagedVersion>,
    /// The scanned documents of the signed version, by SHA-256.
    pub attachments: Vec<(String, Vec<u8>)>,
}

/// [`verify_package`], keeping what the package holds.
pub(crate) fn open_package(
    zip_bytes: &[u8],
    roots: &[openssl::x509::X509],
) -> Result<OpenedPackage, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes))
        .map_err(|_| "Tệp không phải gói hồ sơ (zip) hợp lệ.".to_string())?;
    let manifest_bytes = read_entry(&mut zip, "manifest.json")?;
    let signature = read_entry(&mut zip, "manifest.p7s")?;
    let record: serde_json::Value =
        serde_json::from_slice(&read_entry(&mut zip, "record.json")?)
            .map_err(|_| "Gói không hợp lệ: record.json không phải JSON.".to_string())?;
    let package: serde_json::Value = serde_json::from_slice(&read_entry(&mut zip, "package.json")?)
        .map_err(|_| "Gói không hợp lệ: package.json không phải JSON.".to_string())?;
    let at = package["signed_at"]
        .as_i64()
        .map_or_else(|| crate::Clock::system().now_seconds(), |ms| ms / 1000);
    let signer = signing::verify_detached(&signature, &manifest_bytes, roots, at)?;
    let manifest = Manifest::parse(&manifest_bytes)?;

    let person_id = record["person_id"].as_i64().unwrap_or(-1);
    let version = record["version"].as_i64().unwrap_or(-1);
    let schema_version = record["schema_version"].as_str().unwrap_or("");
    let prev_hash = record["prev_hash"].as_str();
    let document = record["document"]
        .as_object()
        .ok_or("Gói không hợp lệ: record.json thiếu nội dung hồ sơ.")?;
    let recomputed = version_hash(prev_hash, schema_version, &canonical_json(document));
    let item = manifest
        .items
        .iter()
        .find(|i| i.person_id == person_id && i.version == version)
        .ok_or("Hồ sơ trong gói không có trong bản kê đã ký.")?;
    if item.hash != recomputed || item.prev_hash.as_deref() != prev_hash {
        return Err(
            "Nội dung hồ sơ trong gói đã bị thay đổi: mã băm không khớp bản kê đã ký.".into(),
        );
    }
    let mut attachments = Vec::new();
    for sha in &item.attachments {
        let bytes = read_entry(&mut zip, &format!("attachments/{sha}"))?;
        if sha256_hex(&bytes) != *sha {
            return Err(format!(
                "Tệp đính kèm {sha} trong gói đã bị thay đổi (mã băm không khớp)."
            ));
        }
        attachments.push((sha.clone(), bytes));
    }
    let history: Vec<PackagedVersion> = if zip.index_for_name("history.json").is_some() {
        serde_json::from_slice(&read_entry(&mut zip, "history.json")?)
            .map_err(|_| "Gói không hợp lệ: history.json không đúng định dạng.".to_string())?
    } else {
        Vec::new()
    };
    check_history(&history, version, &recomputed)?;
    Ok(OpenedPackage {
        report: PackageReport {
            person_id,
            version,
            hash: recomputed,
            batch_id: manifest.batch_id,
            signer_subject: signer.subject,
            attachments: item.attachments.len(),
            history_versions: history.len(),
        },
        schema_version: schema_version.to_string(),
        document: document.clone(),
        history,
        attachments,
    })
}

/// A package's history is a hash chain from a first version to the signed one: each version's
/// hash recomputed from its content, each chained to the one before. The signature covers the
/// last hash, so it covers them all.
fn check_history(
    history: &[PackagedVersion],
    signed: i64,
    signed_hash: &str,
) -> Result<(), String> {
    let Some(last) = history.last() else {
        return Ok(());
    };
    let mut prev: Option<&str> = None;
    for (i, v) in history.iter().enumerate() {
        let recomputed = version_hash(prev, &v.schema_version, &canonical_json(&v.document));
        if v.version != i as i64 + 1 || v.prev_hash.as_deref() != prev || v.hash != recomputed {
            return Err(format!(
                "Lịch sử hồ sơ trong gói đã bị thay đổi: phiên bản {} không khớp chuỗi mã băm.",
                v.version
            ));
        }
        prev = Some(&v.hash);
    }
    if last.version != signed || last.hash != signed_hash {
        return Err("Lịch sử hồ sơ trong gói không dẫn đến phiên bản đã ký.".into());
    }
    Ok(())
}
