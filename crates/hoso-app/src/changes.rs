//! Self-service changes (F4): an individual (own record) or an HR officer (records in scope)
//! proposes changes to sections of a record with a reason and scanned evidence; the HR officer
//! verifies it against the paper file — which makes it a new version of the record, waiting for
//! the approver's signature — or returns it with a comment.

use hoso_domain::access::AccessLevel;
use hoso_domain::audit_action::AuditAction;
use hoso_domain::changes::{self, ChangeAction, ChangeState, FieldChange};
use hoso_domain::org::PersonStatus;
use hoso_domain::schema::RecordDoc;
use hoso_store::approvals::{self as store, ChangeFilter, ChangeListRow, ChangeRequestRow};
use hoso_store::persons;
use hoso_store::{AnyConnection, accounts, org as org_store};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::attachments::{check_upload, clean_file_name, sha256_hex};
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo, Page, Paging};

/// A change request in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeSummary {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub unit_id: i64,
    /// draft, submitted, returned, verified, withdrawn.
    pub state: String,
    pub state_label: String,
    pub reason: String,
    /// Section ids the request changes.
    pub sections: Vec<String>,
    pub section_labels: Vec<String>,
    pub base_version: i64,
    pub proposed_by: i64,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub review_comment: Option<String>,
    /// The record version the verification produced.
    pub result_version: Option<i64>,
}

/// One change request with what it changes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeDetail {
    #[serde(flatten)]
    pub summary: ChangeSummary,
    pub proposer_name: String,
    pub reviewer_name: Option<String>,
    /// Field by field against the record as it is now (for a verified request: against the
    /// version it was verified on).
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<FieldChange>,
    /// The proposed sections, as the caller may see them.
    #[schema(value_type = Object)]
    pub proposed: RecordDoc,
    /// Sections the record changed since the request was made, which the request would
    /// overwrite: it cannot be verified until the proposer updates it.
    pub conflicts: Vec<String>,
    /// The head sent the verified version back to HR before signing: what they said, and
    /// whether HR has dealt with it.
    pub approval_return: Option<crate::approval_returns::ApprovalReturnView>,
    pub attachments: Vec<AttachmentView>,
    pub current_version: i64,
    /// What the caller may do now.
    pub may_edit: bool,
    pub may_submit: bool,
    pub may_withdraw: bool,
    pub may_review: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    pub sha256: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    /// The history the document proves (section id) and its row, if given.
    pub section: Option<String>,
    pub row_index: Option<i64>,
}

impl From<store::AttachmentRow> for AttachmentView {
    fn from(a: store::AttachmentRow) -> Self {
        AttachmentView {
            sha256: a.sha256,
            file_name: a.file_name,
            media_type: a.media_type,
            size: a.size,
            section: a.section,
            row_index: a.row_index,
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChange {
    pub person_id: i64,
    /// Why the record should change (*lý do bổ sung, điều chỉnh*).
    pub reason: String,
    /// Proposed sections: section id → the section's new value (object, or array of rows).
    #[schema(value_type = Option<Object>)]
    pub sections: Option<RecordDoc>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveChange {
    pub reason: Option<String>,
    /// Sections to put into the proposal (a section equal to the record's is dropped from it).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub sections: RecordDoc,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// Required when returning a request.
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// Name of the person, accent-insensitive.
    pub q: Option<String>,
    /// draft, submitted, returned, verified, withdrawn (comma-separated). Default: the
    /// verification queue shows `submitted`, one's own list shows every state.
    pub state: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// New attachment bytes with what they prove.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub section: Option<String>,
    pub row_index: Option<i64>,
}

fn change_context(id: i64) -> String {
    format!("change:{id}")
}

/// A request as listed. `official_version` is the record's signed version: a verified request
/// whose version is signed reads "Đã phê duyệt", so its proposer knows it is in force.
fn summary(
    app: &App,
    row: ChangeRequestRow,
    name: String,
    unit_id: i64,
    official_version: i64,
) -> ChangeSummary {
    let sections: Vec<String> = serde_json::from_str(&row.sections).unwrap_or_default();
    let schema = app.schemas.latest();
    let section_labels = sections
        .iter()
        .map(|s| {
            schema
                .section(s)
                .map_or_else(|| s.clone(), |x| x.label.clone())
        })
        .collect();
    let state = ChangeState::parse(&row.state);
    ChangeSummary {
        id: row.id,
        person_id: row.person_id,
        person_name: name,
        unit_id,
        state_label: match (state, row.result_version) {
            (Some(ChangeState::Verified), Some(v)) if v <= official_version => {
                "Đã phê duyệt".to_string()
            }
            _ => state.map_or("", ChangeState::label_vi).to_string(),
        },
        state: row.state,
        reason: row.reason,
        sections,
        section_labels,
        base_version: row.base_version,
        proposed_by: row.proposed_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        submitted_at: row.submitted_at,
        reviewed_by: row.reviewed_by,
        reviewed_at: row.reviewed_at,
        review_comment: row.review_comment,
        result_version: row.result_version,
    }
}

/// The state a verified request shows while the head has sent its version back to HR.
pub const HEAD_RETURNED: &str = "Thủ trưởng trả lại";

impl ChangeSummary {
    /// The state's code as a page marks it: a version the head sent back reads as a returned
    /// request, not a verified one.
    pub fn shown_state_code(&self) -> &str {
        if self.state_label == HEAD_RETURNED {
            ChangeState::Returned.as_str()
        } else {
            &self.state
        }
    }
}

fn parse_states(text: Option<&str>) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    for s in text
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let st = ChangeState::parse(s).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Trạng thái phiếu '{s}' không hợp lệ. Chọn: draft, submitted, returned, verified, withdrawn."
            ))
        })?;
        out.push(st.as_str().to_string());
    }
    Ok(out)
}

fn refuse(state: &str, action: ChangeAction) -> AppResult<ChangeState> {
    let st = ChangeState::parse(state)
        .ok_or_else(|| AppError::Internal(format!("unknown change state {state}")))?;
    st.after(action)
        .map_err(|m| AppError::Conflict(m.to_string()))
}

impl App {
    /// The change request if the caller may see it: its proposer, or (once submitted) an HR
    /// officer whose write scope holds the record. Anyone else: not found.
    async fn visible_change(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        id: i64,
    ) -> AppResult<ChangeRequestRow> {
        let not_found = || AppError::NotFound("Không tìm thấy phiếu bổ sung lý lịch.");
        let row = store::get(conn, id).await?.ok_or_else(not_found)?;
        if row.proposed_by == actor.account_id {
            return Ok(row);
        }
        if row.state != ChangeState::Draft.as_str()
            && self
                .may_person(conn, actor, Capability::WriteRecords, row.person_id)
                .await?
        {
            return Ok(row);
        }
        Err(not_found())
    }

    fn open_proposal(&self, row: &ChangeRequestRow) -> AppResult<RecordDoc> {
        if row.sealed.is_empty() {
            return Ok(RecordDoc::new());
        }
        let key = self.keys.by_id(&row.key_id).ok_or_else(|| {
            AppError::Internal(format!(
                "no key {} for change request {}",
                row.key_id, row.id
            ))
        })?;
        let sealed = hex::decode(&row.sealed)
            .map_err(|e| AppError::Internal(format!("sealed change is not hex: {e}")))?;
        let plain = key
            .open(&sealed, &change_context(row.id))
            .ok_or_else(|| AppError::Internal(format!("change {} does not decrypt", row.id)))?;
        serde_json::from_slice(&plain)
            .map_err(|e| AppError::Internal(format!("decrypted change is not JSON: {e}")))
    }

    /// The record's current document (decrypted, latest schema) and its version number.
    pub(crate) async fn current_document(
        &self,
        conn: &mut AnyConnection,
        person_id: i64,
    ) -> AppResult<(persons::PersonRow, RecordDoc)> {
        let person = persons::get(conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        let version = persons::version(conn, person_id, person.current_version)
            .await?
            .ok_or_else(|| {
                AppError::Internal(format!("person {person_id} has no current version"))
            })?;
        let doc = self.decode_document(conn, &version).await?;
        Ok((person, doc))
    }

    async fn document_at(
        &self,
        conn: &mut AnyConnection,
        person_id: i64,
        number: i64,
    ) -> AppResult<RecordDoc> {
        let version = persons::version(conn, person_id, number)
            .await?
            .ok_or(AppError::NotFound("Không có phiên bản này của hồ sơ."))?;
        self.decode_document(conn, &version).await
    }

    /// Whether the actor may propose changes to this record: its own (individual) or one in its
    /// write scope (HR officer).
    async fn may_propose(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        person_id: i64,
    ) -> AppResult<bool> {
        self.may_person(conn, actor, Capability::ProposeChanges, person_id)
            .await
    }

    /// Checks proposed sections against the schema and the record: known sections the proposer
    /// may see entirely, and a record that stays valid with them. Returns the sections that
    /// really change, with their ids.
    fn check_proposal(
        &self,
        proposed: RecordDoc,
        current: &RecordDoc,
        unit: &org_store::OrgUnitRow,
        clearance: AccessLevel,
    ) -> AppResult<(RecordDoc, Vec<String>)> {
        let schema = self.schemas.latest();
        let mut kept = RecordDoc::new();
        for (id, value) in proposed {
            let section = schema
                .section(&id)
                .ok_or_else(|| AppError::BadRequest(format!("Hồ sơ không có mục '{id}'.")))?;
            if section.is_system_managed() {
                return Err(AppError::BadRequest(
                    "Mục định danh hồ sơ do hệ thống quản lý, không đề nghị sửa được.".into(),
                ));
            }
            if section.fields.iter().any(|f| f.access > clearance) {
                return Err(AppError::Forbidden);
            }
            if changes::section_differs(current, &id, &value) {
                kept.insert(id, value);
            }
        }
        let whole = changes::apply_sections(current, &kept);
        // The same checks as any write, so that verification cannot fail on validity later.
        self.prepare(schema, whole, unit)?;
        let mut ids: Vec<String> = kept.keys().cloned().collect();
        ids.sort_by_key(|id| schema.sections.iter().position(|s| s.id == *id));
        Ok((kept, ids))
    }

    async fn seal_proposal(
        &self,
        conn: &mut AnyConnection,
        id: i64,
        base_version: i64,
        reason: &str,
        proposal: &RecordDoc,
        sections: &[String],
    ) -> AppResult<()> {
        let key = &self.keys.current;
        let plain = serde_json::to_vec(proposal).map_err(|e| AppError::Internal(e.to_string()))?;
        let sealed = hex::encode(key.seal(&plain, &change_context(id)));
        let sections = serde_json::to_string(sections).unwrap_or_else(|_| "[]".into());
        if !store::save_content(
            conn,
            id,
            base_version,
            reason,
            &sections,
            &key.id,
            &sealed,
            self.now_ms(),
        )
        .await?
        {
            return Err(AppError::Conflict(
                "Phiếu đã gửi hoặc đã được xử lý, không sửa được nữa.".into(),
            ));
        }
        Ok(())
    }

    fn check_reason(reason: &str) -> AppResult<String> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::BadRequest(
                "Cần ghi lý do bổ sung, điều chỉnh lý lịch.".into(),
            ));
        }
        if reason.chars().count() > 1000 {
            return Err(AppError::BadRequest(
                "Lý do quá dài (tối đa 1.000 ký tự).".into(),
            ));
        }
        Ok(reason.to_string())
    }

    /// Opens a draft change request on a record (own record, or one in the HR officer's scope).
    pub async fn create_change(
        &self,
        actor: &Actor,
        input: NewChange,
        client: &ClientInfo,
    ) -> AppResult<ChangeDetail> {
        let reason = Self::check_reason(&input.reason)?;
        let mut conn = self.store.reader().await?;
        if !self
            .may_person(&mut conn, actor, Capability::ReadRecords, input.person_id)
            .await?
        {
            return Err(AppError::record_not_found());
        }
        if !self.may_propose(&mut conn, actor, input.person_id).await? {
            return Err(AppError::Forbidden);
        }
        let (person, current) = self.current_document(&mut conn, input.person_id).await?;
        let unit = org_store::get(&mut conn, person.unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        let clearance = actor
            .clearance_for(person.id, &unit.path)
            .ok_or_else(AppError::record_not_found)?;
        let (proposal, sections) = self.check_proposal(
            input.sections.unwrap_or_default(),
            &current,
            &unit,
            clearance,
        )?;
        drop(conn);
        let mut tx = self.begin_work(actor, client).await?;
        let id = store::insert(
            &mut tx,
            store::NewChangeRequest {
                person_id: person.id,
                base_version: person.current_version,
                reason: &reason,
                proposed_by: actor.account_id,
            },
            self.now_ms(),
        )
        .await?;
        self.seal_proposal(
            &mut tx,
            id,
            person.current_version,
            &reason,
            &proposal,
            &sections,
        )
        .await?;
        tx.audit(
            AuditAction::ChangeCreate,
            About::new("change_request", id),
            serde_json::json!({"person_id": person.id}),
        )
        .await?;
        tx.commit().await?;
        self.change(actor, id, client).await
    }

    /// Puts sections into a draft (or returned) request: only its proposer, and the record must
    /// stay valid with them. The request is moved onto the record's current version.
    pub async fn save_change(
        &self,
        actor: &Actor,
        id: i64,
        input: SaveChange,
        client: &ClientInfo,
    ) -> AppResult<ChangeDetail> {
        let mut conn = self.store.reader().await?;
        let row = self.visible_change(&mut conn, actor, id).await?;
        if row.proposed_by != actor.account_id {
            return Err(AppError::Forbidden);
        }
        refuse(&row.state, ChangeAction::Edit)?;
        let reason = match input.reason.as_deref() {
            Some(r) => Self::check_reason(r)?,
            None => row.reason.clone(),
        };
        let (person, current) = self.current_document(&mut conn, row.person_id).await?;
        let unit = org_store::get(&mut conn, person.unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        let clearance = actor
            .clearance_for(person.id, &unit.path)
            .ok_or_else(AppError::record_not_found)?;
        let mut proposal = self.open_proposal(&row)?;
        for (k, v) in input.sections {
            proposal.insert(k, v);
        }
        let (proposal, sections) = self.check_proposal(proposal, &current, &unit, clearance)?;
        drop(conn);
        let mut tx = self.begin_work(actor, client).await?;
        self.seal_proposal(
            &mut tx,
            id,
            person.current_version,
            &reason,
            &proposal,
            &sections,
        )
        .await?;
        tx.audit(
            AuditAction::ChangeSave,
            About::new("change_request", id),
            serde_json::json!({"person_id": person.id}),
        )
        .await?;
        tx.commit().await?;
        self.change(actor, id, client).await
    }

    async fn move_change(
        &self,
        actor: &Actor,
        id: i64,
        action: ChangeAction,
        client: &ClientInfo,
    ) -> AppResult<ChangeDetail> {
        let mut conn = self.store.reader().await?;
        let row = self.visible_change(&mut conn, actor, id).await?;
        if row.proposed_by != actor.account_id {
            return Err(AppError::Forbidden);
        }
        let to = refuse(&row.state, action)?;
        if action == ChangeAction::Submit {
            let sections: Vec<String> = serde_json::from_str(&row.sections).unwrap_or_default();
            if sections.is_empty() {
                return Err(AppError::BadRequest(
                    "Phiếu chưa có nội dung thay đổi nào so với hồ sơ: hãy sửa ít nhất một mục trước khi gửi."
                        .into(),
                ));
            }
        }
        drop(conn);
        let mut tx = self.begin_work(actor, client).await?;
        if !store::transition(&mut tx, id, &row.state, to.as_str(), self.now_ms()).await? {
            return Err(AppError::Conflict(
                "Phiếu vừa được người khác xử lý. Vui lòng tải lại.".into(),
            ));
        }
        let action_name = match action {
            ChangeAction::Submit => AuditAction::ChangeSubmit,
            _ => AuditAction::ChangeWithdraw,
        };
        tx.audit(
            action_name,
            About::new("change_request", id),
            serde_json::json!({"person_id": row.person_id}),
        )
        .await?;
        tx.commit().await?;
        self.refresh_alerts_of(&[row.person_id]).await;
        self.change(actor, id, client).await
    }

    /// Sends a draft (or a returned request) to the HR officer.
    pub async fn submit_change(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<ChangeDetail> {
        self.move_change(actor, id, ChangeAction::Submit, client)
            .await
    }

    /// The proposer takes a request back before it is verified.
    pub async fn withdraw_change(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<ChangeDetail> {
        self.move_change(actor, id, ChangeAction::Withdraw, client)
            .await
    }

    /// Adds a scanned document to a draft or returned request (its proposer only).
    pub async fn attach_to_change(
        &self,
        actor: &Actor,
        id: i64,
        upload: Upload,
        client: &ClientInfo,
    ) -> AppResult<AttachmentView> {
        let file_name = clean_file_name(&upload.file_name);
        let mut conn = self.store.reader().await?;
        let row = self.visible_change(&mut conn, actor, id).await?;
        if row.proposed_by != actor.account_id {
            return Err(AppError::Forbidden);
        }
        refuse(&row.state, ChangeAction::Edit)?;
        if let Some(section) = &upload.section
            && self.schemas.latest().section(section).is_none()
        {
            return Err(AppError::BadRequest(format!(
                "Hồ sơ không có mục '{section}'."
            )));
        }
        drop(conn);
        let media = check_upload(&file_name, &upload.bytes, self.config.attachment_max_bytes)?;
        let sha = sha256_hex(&upload.bytes);
        let size = upload.bytes.len() as i64;
        // Bytes first: a row never points at a missing file; an orphan file is harmless.
        self.attachments.put(&sha, upload.bytes).await?;
        let mut tx = self.begin_work(actor, client).await?;
        store::insert_attachment(&mut tx, &sha, media, size, actor.account_id, self.now_ms())
            .await?;
        store::link_attachment(
            &mut tx,
            id,
            &sha,
            &file_name,
            upload.section.as_deref(),
            upload.row_index,
            actor.account_id,
            self.now_ms(),
        )
        .await?;
        tx.audit(
            AuditAction::ChangeAttach,
            About::new("change_request", id),
            serde_json::json!({"sha256": sha, "size": size}),
        )
        .await?;
        tx.commit().await?;
        Ok(AttachmentView {
            sha256: sha,
            file_name,
            media_type: media.into(),
            size,
            section: upload.section,
            row_index: upload.row_index,
        })
    }

    /// Removes a document from a draft or returned request (its proposer only).
    pub async fn detach_from_change(
        &self,
        actor: &Actor,
        id: i64,
        sha256: &str,
        client: &ClientInfo,
    ) -> AppResult<()> {
        let mut conn = self.store.reader().await?;
        let row = self.visible_change(&mut conn, actor, id).await?;
        if row.proposed_by != actor.account_id {
            return Err(AppError::Forbidden);
        }
        refuse(&row.state, ChangeAction::Edit)?;
        drop(conn);
        let mut tx = self.begin_work(actor, client).await?;
        if !store::unlink_attachment(&mut tx, id, sha256).await? {
            return Err(AppError::NotFound("Phiếu không có tệp đính kèm này."));
        }
        tx.audit(
            AuditAction::ChangeDetach,
            About::new("change_request", id),
            serde_json::json!({"sha256": sha256}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The bytes of a document attached to a request the caller may see. Audited.
    pub async fn change_attachment(
        &self,
        actor: &Actor,
        id: i64,
        sha256: &str,
        client: &ClientInfo,
    ) -> AppResult<(AttachmentView, Vec<u8>)> {
        let mut conn = self.store.reader().await?;
        let row = self.visible_change(&mut conn, actor, id).await?;
        let found = store::attachments_of(&mut conn, id)
            .await?
            .into_iter()
            .find(|a| a.sha256 == sha256)
            .ok_or(AppError::NotFound("Phiếu không có tệp đính kèm này."))?;
        drop(conn);
        let bytes = self.attachments.get(sha256).await?;
        let mut tx = self.begin_work(actor, client).await?;
        tx.audit(
            AuditAction::ChangeAttachmentRead,
            About::new("change_request", id),
            serde_json::json!({"person_id": row.person_id, "sha256": sha256}),
        )
        .await?;
        tx.commit().await?;
        Ok((found.into(), bytes))
    }

    /// One change request with its differences, as the caller may see it. Audited (it shows
    /// personal data).
    pub async fn change(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<ChangeDetail> {
        let mut conn = self.store.reader().await?;
        let row = self.visible_change(&mut conn, actor, id).await?;
        let (person, current) = self.current_document(&mut conn, row.person_id).await?;
        let unit = org_store::get(&mut conn, person.unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        let clearance = actor
            .clearance_for(person.id, &unit.path)
            .unwrap_or(AccessLevel::Public);
        let proposal = self.open_proposal(&row)?;
        let sections: Vec<String> = serde_json::from_str(&row.sections).unwrap_or_default();
        let schema = self.schemas.latest();
        let state = ChangeState::parse(&row.state).unwrap_or(ChangeState::Draft);
        // A verified request is shown against the version it was verified on.
        let (before, after) = match row.result_version {
            Some(v) if v > 1 => (
                self.document_at(&mut conn, person.id, v - 1).await?,
                self.document_at(&mut conn, person.id, v).await?,
            ),
            _ => (
                current.clone(),
                changes::apply_sections(&current, &proposal),
            ),
        };
        let diff = changes::diff(schema, &before, &after, &sections, clearance);
        let conflicts = if matches!(
            state,
            ChangeState::Draft | ChangeState::Submitted | ChangeState::Returned
        ) && row.base_version != person.current_version
        {
            let base = self
                .document_at(&mut conn, person.id, row.base_version)
                .await?;
            changes::conflicting_sections(&base, &current, &sections)
        } else {
            vec![]
        };
        let attachments = store::attachments_of(&mut conn, id)
            .await?
            .into_iter()
            .map(AttachmentView::from)
            .collect();
        let proposer_name = accounts::by_id(&mut conn, row.proposed_by)
            .await?
            .map(|a| a.display_name)
            .unwrap_or_default();
        let reviewer_name = match row.reviewed_by {
            Some(r) => accounts::by_id(&mut conn, r).await?.map(|a| a.display_name),
            None => None,
        };
        let may_review = state == ChangeState::Submitted
            && self
                .may_person(&mut conn, actor, Capability::WriteRecords, person.id)
                .await?;
        drop(conn);
        let own = row.proposed_by == actor.account_id;
        let editable = matches!(state, ChangeState::Draft | ChangeState::Returned);
        let proposed = schema.redact(&proposal, clearance);
        let mut tx = self.begin_work(actor, client).await?;
        tx.audit(
            AuditAction::ChangeRead,
            About::new("change_request", id),
            serde_json::json!({"person_id": person.id}),
        )
        .await?;
        tx.commit().await?;
        let official = {
            let mut conn = self.store.reader().await?;
            store::official_version(&mut conn, person.id).await?
        };
        // What the head said of the version the request became, until it is approved.
        let approval_return = match row.result_version {
            Some(v) if v > official => {
                self.return_of_version(person.id, v, person.current_version)
                    .await?
            }
            _ => None,
        };
        let mut summary = summary(
            self,
            row,
            person.full_name.clone(),
            person.unit_id,
            official,
        );
        if approval_return.as_ref().is_some_and(|r| !r.settled) {
            summary.state_label = HEAD_RETURNED.into();
        }
        Ok(ChangeDetail {
            summary,
            approval_return,
            proposer_name,
            reviewer_name,
            changes: diff,
            proposed,
            conflicts,
            attachments,
            current_version: person.current_version,
            may_edit: own && editable,
            may_submit: own && editable,
            may_withdraw: own && state.after(ChangeAction::Withdraw).is_ok(),
            may_review,
        })
    }

    /// Verified requests whose version a head sent back before signing say so in lists too.
    async fn label_head_returns(
        conn: &mut AnyConnection,
        items: &mut [ChangeSummary],
    ) -> AppResult<()> {
        for item in items.iter_mut() {
            let Some(version) = item.result_version else {
                continue;
            };
            if item.state != ChangeState::Verified.as_str()
                || item.state_label != ChangeState::Verified.label_vi()
            {
                continue;
            }
            if hoso_store::approvals::open_return(conn, item.person_id)
                .await?
                .is_some_and(|r| r.version >= version)
            {
                item.state_label = HEAD_RETURNED.into();
            }
        }
        Ok(())
    }

    fn list_page(
        &self,
        rows: Vec<ChangeListRow>,
        total: i64,
        paging: Paging,
    ) -> Page<ChangeSummary> {
        Page {
            items: rows
                .into_iter()
                .map(|r| summary(self, r.request, r.full_name, r.unit_id, r.official_version))
                .collect(),
            total,
            page: paging.page,
            per_page: paging.per_page,
            total_capped: false,
        }
    }

    /// The caller's own change requests, latest first.
    pub async fn my_changes(
        &self,
        actor: &Actor,
        query: ChangeQuery,
    ) -> AppResult<Page<ChangeSummary>> {
        let paging = Paging::new(query.page, query.per_page)?;
        let filter = ChangeFilter {
            proposed_by: Some(actor.account_id),
            q: query.q.as_deref().map(hoso_domain::search_key::fold),
            states: parse_states(query.state.as_deref())?,
            limit: paging.per_page,
            offset: paging.offset(),
            ..ChangeFilter::default()
        };
        let mut conn = self.store.reader().await?;
        let (rows, total) = store::list(&mut conn, &filter).await?;
        let mut page = self.list_page(rows, total, paging);
        Self::label_head_returns(&mut conn, &mut page.items).await?;
        Ok(page)
    }

    /// The HR officer's queue: submitted requests on records in its write scope, oldest first.
    pub async fn verification_queue(
        &self,
        actor: &Actor,
        query: ChangeQuery,
    ) -> AppResult<Page<ChangeSummary>> {
        let scope = actor.write_scope();
        if scope.is_empty() {
            return Err(AppError::Forbidden);
        }
        let paging = Paging::new(query.page, query.per_page)?;
        let mut states = parse_states(query.state.as_deref())?;
        if states.is_empty() {
            states.push(ChangeState::Submitted.as_str().into());
        }
        // Drafts are their proposer's alone.
        states.retain(|s| s != ChangeState::Draft.as_str());
        if states.is_empty() {
            return Err(AppError::BadRequest(
                "Bản nháp chỉ người lập phiếu xem được.".into(),
            ));
        }
        let filter = ChangeFilter {
            scope: Some(scope),
            q: query.q.as_deref().map(hoso_domain::search_key::fold),
            states,
            oldest_first: true,
            limit: paging.per_page,
            offset: paging.offset(),
            ..ChangeFilter::default()
        };
        let mut conn = self.store.reader().await?;
        let (rows, total) = store::list(&mut conn, &filter).await?;
        Ok(self.list_page(rows, total, paging))
    }

    /// Change requests of one record that the caller may see (for the record page).
    pub async fn changes_of_person(
        &self,
        actor: &Actor,
        person_id: i64,
    ) -> AppResult<Vec<ChangeSummary>> {
        let mut conn = self.store.reader().await?;
        let unit_path = self.visible_person(&mut conn, actor, person_id).await?;
        let hr = actor.capabilities().may(
            Capability::WriteRecords,
            crate::Target::Person {
                id: person_id,
                unit_path: &unit_path,
            },
        );
        let filter = ChangeFilter {
            person_id: Some(person_id),
            proposed_by: (!hr).then_some(actor.account_id),
            limit: 50,
            ..ChangeFilter::default()
        };
        let (rows, _) = store::list(&mut conn, &filter).await?;
        let mut items: Vec<ChangeSummary> = rows
            .into_iter()
            .filter(|r| r.request.state != "draft" || r.request.proposed_by == actor.account_id)
            .map(|r| summary(self, r.request, r.full_name, r.unit_id, r.official_version))
            .collect();
        Self::label_head_returns(&mut conn, &mut items).await?;
        Ok(items)
    }

    /// The HR officer confirms a submitted request against the paper file: in one transaction
    /// its sections become a new version of the record (waiting for approval). Refused when
    /// the record changed the same sections since the request was made (no lost update).
    pub async fn verify_change(
        &self,
        actor: &Actor,
        id: i64,
        input: ReviewInput,
        client: &ClientInfo,
    ) -> AppResult<ChangeDetail> {
        let mut conn = self.store.reader().await?;
        let row = self.visible_change(&mut conn, actor, id).await?;
        if !self
            .may_person(&mut conn, actor, Capability::WriteRecords, row.person_id)
            .await?
        {
            return Err(AppError::Forbidden);
        }
        refuse(&row.state, ChangeAction::Verify)?;
        drop(conn);
        let comment = input
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let proposal = self.open_proposal(&row)?;
        let sections: Vec<String> = serde_json::from_str(&row.sections).unwrap_or_default();

        let mut tx = self.begin_work(actor, client).await?;
        let result = self
            .apply_verified(&mut tx, actor, &row, &proposal, &sections, comment)
            .await;
        let version = match result {
            Ok(v) => v,
            Err(e) => {
                let _ = tx.rollback().await;
                return Err(e);
            }
        };
        tx.audit(
AuditAction::ChangeVerify,
About::new("change_request", id),
serde_json::json!({"person_id": row.person_id, "version": version.version, "hash": version.hash}),
)
.await?;
        tx.commit().await?;
        self.refresh_alerts_of(&[row.person_id]).await;
        self.change(actor, id, client).await
    }

    async fn apply_verified(
        &self,
        tx: &mut AnyConnection,
        actor: &Actor,
        row: &ChangeRequestRow,
        proposal: &RecordDoc,
        sections: &[String],
        comment: Option<&str>,
    ) -> AppResult<persons::VersionRow> {
        let (person, current) = self.current_document(tx, row.person_id).await?;
        if person.current_version != row.base_version {
            let base = self.document_at(tx, person.id, row.base_version).await?;
            let clashes = changes::conflicting_sections(&base, &current, sections);
            if !clashes.is_empty() {
                let schema = self.schemas.latest();
                let names: Vec<String> = clashes
                    .iter()
                    .map(|s| {
                        schema
                            .section(s)
                            .map_or_else(|| s.clone(), |x| x.label.clone())
                    })
                    .collect();
                return Err(AppError::Conflict(format!(
                    "Hồ sơ đã được cập nhật ở mục {} sau khi phiếu được lập (phiên bản {} → {}). Hãy trả lại phiếu để người đề nghị cập nhật theo hồ sơ mới.",
                    names.join(", "),
                    row.base_version,
                    person.current_version
                )));
            }
        }
        let unit = org_store::get(tx, person.unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        let schema = self.schemas.latest();
        let whole = changes::apply_sections(&current, proposal);
        let prepared = self.prepare(schema, whole, &unit)?;
        let id_hash = self.keys.current.national_id_hash(&prepared.national_id);
        if let Some(other) = persons::find_by_national_id_hash(tx, &id_hash)
            .await?
            .filter(|other| *other != person.id)
        {
            return Err(crate::records::duplicate(other));
        }
        let prev = persons::version(tx, person.id, person.current_version).await?;
        let status = PersonStatus::parse(&person.status).unwrap_or(PersonStatus::Working);
        let note = format!("Phiếu bổ sung lý lịch số {}: {}", row.id, row.reason);
        let version = self
            .write_version(
                tx,
                crate::versions::NewVersion {
                    person_id: person.id,
                    prev: prev.as_ref(),
                    schema,
                    prepared: &prepared,
                    unit_id: person.unit_id,
                    status,
                    provenance: crate::versions::Provenance::ChangeRequest(row.id),
                    author: Some(actor.account_id),
                    note: Some(note),
                },
            )
            .await?;
        persons::set_identifier_hash(tx, person.id, &id_hash).await?;
        if !store::review(
            tx,
            row.id,
            ChangeState::Verified.as_str(),
            actor.account_id,
            comment,
            Some(version.version),
            self.now_ms(),
        )
        .await?
        {
            return Err(AppError::Conflict(
                "Phiếu vừa được người khác xử lý. Vui lòng tải lại.".into(),
            ));
        }
        Ok(version)
    }

    /// The HR officer sends a submitted request back to its proposer with a comment.
    pub async fn return_change(
        &self,
        actor: &Actor,
        id: i64,
        input: ReviewInput,
        client: &ClientInfo,
    ) -> AppResult<ChangeDetail> {
        let comment = input
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                AppError::BadRequest(
                    "Cần ghi rõ lý do trả lại để người đề nghị biết cần sửa gì.".into(),
                )
            })?
            .to_string();
        let mut conn = self.store.reader().await?;
        let row = self.visible_change(&mut conn, actor, id).await?;
        if !self
            .may_person(&mut conn, actor, Capability::WriteRecords, row.person_id)
            .await?
        {
            return Err(AppError::Forbidden);
        }
        refuse(&row.state, ChangeAction::Return)?;
        drop(conn);
        let mut tx = self.begin_work(actor, client).await?;
        if !store::review(
            &mut tx,
            id,
            ChangeState::Returned.as_str(),
            actor.account_id,
            Some(&comment),
            None,
            self.now_ms(),
        )
        .await?
        {
            return Err(AppError::Conflict(
                "Phiếu vừa được người khác xử lý. Vui lòng tải lại.".into(),
            ));
        }
        tx.audit(
            AuditAction::ChangeReturn,
            About::new("change_request", id),
            serde_json::json!({"person_id": row.person_id}),
        )
        .await?;
        tx.commit().await?;
        self.refresh_alerts_of(&[row.person_id]).await;
        self.change(actor, id, client).await
    }

    /// How many submitted requests wait in the caller's write scope (home page).
    pub async fn pending_verification_count(&self, actor: &Actor) -> AppResult<i64> {
        let scope = actor.write_scope();
        if scope.is_empty() {
            return Ok(0);
        }
        let filter = ChangeFilter {
            scope: Some(scope),
            states: vec![ChangeState::Submitted.as_str().into()],
            limit: 1,
            ..ChangeFilter::default()
        };
        let mut conn = self.store.reader().await?;
        Ok(store::list(&mut conn, &filter).await?.1)
    }
}
