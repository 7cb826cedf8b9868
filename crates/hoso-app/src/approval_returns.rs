//! The head's "not yet": before signing, an approver leaves a record out of a batch, or sends
//! its verified versions back to the unit's HR officer with a comment. The record leaves the
//! approval queue until HR writes a corrected version or sends it back unchanged with a reply;
//! the proposer of a change request sees what the head said, as they see HR's comments.

use std::collections::HashMap;

use hoso_domain::audit_action::AuditAction;
use hoso_domain::changes::Manifest;
use hoso_store::approvals::{self as store, ReturnRow};
use hoso_store::persons;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::approvals::{BatchView, PrepareBatch};
use crate::authz::Attempt;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo};

/// Returned records listed at once: more than a unit's HR officer works through in a month.
const RETURNS_LISTED: i64 = 500;

const ALREADY_RETURNED: &str = "Hồ sơ đã được trả lại cho cán bộ tổ chức và đang chờ sửa.";

/// Whose returned records a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnedList {
    /// Those the caller corrects: the records it writes (an HR officer).
    ToCorrect,
    /// Those the caller's approvals cover (a head, to see what it sent back).
    SentBack,
}

impl ReturnedList {
    fn scope(self, actor: &Actor) -> persons::Scope {
        match self {
            ReturnedList::ToCorrect => actor.write_scope(),
            ReturnedList::SentBack => actor.approval_scope(),
        }
    }

    /// HR's list for whoever writes records, else the head's.
    pub fn for_actor(actor: &Actor) -> ReturnedList {
        if actor.write_scope().is_empty() {
            ReturnedList::SentBack
        } else {
            ReturnedList::ToCorrect
        }
    }
}

/// A head's return of a record, as HR, the head and the proposer read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApprovalReturnView {
    pub person_id: i64,
    /// The versions up to this one were sent back.
    pub version: i64,
    pub comment: String,
    pub returned_by: i64,
    pub returned_by_name: String,
    pub returned_at: i64,
    /// HR sent the versions back unchanged (with `reply`), or wrote a version since.
    pub settled: bool,
    pub reply: Option<String>,
}

/// A record a head sent back, for the HR officer's list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReturnedRecord {
    pub person_id: i64,
    pub person_name: String,
    pub unit_id: i64,
    pub official_version: i64,
    pub current_version: i64,
    pub returned: ApprovalReturnView,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnInput {
    /// What must be corrected (required): the HR officer and the proposer read it.
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaveOut {
    /// The record to take out of the batch.
    pub person_id: i64,
    /// Also send it back to HR with this comment; without it the record stays in the queue
    /// for a later batch.
    pub return_comment: Option<String>,
}

/// What leaving a record out did: the batch is replaced by one without it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeftOut {
    pub person_id: i64,
    pub returned: bool,
    /// The new batch of the other records (none when the record was the only one, or when
    /// they can no longer be batched: then `note` says why).
    pub batch: Option<BatchView>,
    pub note: Option<String>,
}

fn required_text(text: Option<&str>, missing: &str) -> AppResult<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .ok_or_else(|| AppError::BadRequest(missing.to_string()))
}

fn return_view(
    row: ReturnRow,
    current_version: i64,
    names: &HashMap<i64, String>,
) -> ApprovalReturnView {
    ApprovalReturnView {
        person_id: row.person_id,
        version: row.version,
        settled: row.resolved_at.is_some() || current_version > row.version,
        returned_by_name: names.get(&row.returned_by).cloned().unwrap_or_default(),
        comment: row.comment,
        returned_by: row.returned_by,
        returned_at: row.returned_at,
        reply: row.reply,
    }
}

impl App {
    /// One return as read, its head named.
    async fn named_return(
        &self,
        row: ReturnRow,
        current_version: i64,
    ) -> AppResult<ApprovalReturnView> {
        let names = self.display_names(vec![row.returned_by]).await?;
        Ok(return_view(row, current_version, &names))
    }

    /// The approver sends a record's verified versions back to HR with what must be
    /// corrected; the record leaves the approval queue until HR acts on it.
    pub async fn return_for_correction(
        &self,
        actor: &Actor,
        person_id: i64,
        input: ReturnInput,
        client: &ClientInfo,
    ) -> AppResult<ApprovalReturnView> {
        let mut conn = self.store.reader().await?;
        self.visible_person(&mut conn, actor, person_id).await?;
        self.require_person(
            &mut conn,
            actor,
            Capability::ApproveChanges,
            person_id,
            Attempt {
                action: AuditAction::ApprovalReturn,
                about: About::new("person", person_id),
                client,
            },
        )
        .await?;
        let comment = required_text(
            input.comment.as_deref(),
            "Cần ghi rõ lý do trả lại để cán bộ tổ chức biết cần sửa gì.",
        )?;
        let person = persons::get(&mut conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        if person.current_version <= store::official_version(&mut conn, person_id).await? {
            return Err(AppError::BadRequest(
                "Hồ sơ không có thay đổi nào đang chờ phê duyệt.".into(),
            ));
        }
        if store::open_return(&mut conn, person_id).await?.is_some() {
            return Err(AppError::Conflict(ALREADY_RETURNED.into()));
        }
        drop(conn);
        let mut tx = self.begin_work(actor, client).await?;
        let now = self.now_ms();
        // Checked again where it is written: a signature, an edit or another return may have
        // come first.
        let Some(id) = store::insert_return(
            &mut tx,
            person_id,
            person.current_version,
            &comment,
            actor.account_id,
            now,
        )
        .await?
        else {
            let _ = tx.rollback().await;
            return Err(AppError::Conflict(
                "Hồ sơ vừa thay đổi (được ký, được sửa hoặc đã được trả lại). Vui lòng tải lại trang."
                    .into(),
            ));
        };
        tx.audit(
            AuditAction::ApprovalReturn,
            About::new("person", person_id),
            serde_json::json!({"version": person.current_version, "return": id}),
        )
        .await?;
        tx.commit().await?;
        let row = ReturnRow {
            id,
            person_id,
            version: person.current_version,
            comment,
            returned_by: actor.account_id,
            returned_at: now,
            resolved_by: None,
            resolved_at: None,
            reply: None,
        };
        self.named_return(row, person.current_version).await
    }

    /// HR sends returned versions back to the approval queue unchanged, answering the head.
    /// (A corrected version needs nothing more: writing it puts the record back in the queue.)
    pub async fn resubmit_for_approval(
        &self,
        actor: &Actor,
        person_id: i64,
        input: ReturnInput,
        client: &ClientInfo,
    ) -> AppResult<ApprovalReturnView> {
        let mut conn = self.store.reader().await?;
        self.require_record_writer(
            &mut conn,
            actor,
            person_id,
            AuditAction::ApprovalResubmit,
            client,
        )
        .await?;
        let reply = required_text(
            input.comment.as_deref(),
            "Cần trả lời ý kiến của lãnh đạo trước khi gửi lại.",
        )?;
        let open = store::open_return(&mut conn, person_id)
            .await?
            .ok_or_else(|| {
                AppError::BadRequest("Hồ sơ không có thay đổi nào bị lãnh đạo trả lại.".into())
            })?;
        drop(conn);
        let mut tx = self.begin_work(actor, client).await?;
        let now = self.now_ms();
        if !store::resolve_returns(&mut tx, person_id, actor.account_id, &reply, now).await? {
            let _ = tx.rollback().await;
            return Err(AppError::Conflict(
                "Hồ sơ vừa được người khác gửi lại. Vui lòng tải lại.".into(),
            ));
        }
        tx.audit(
            AuditAction::ApprovalResubmit,
            About::new("person", person_id),
            serde_json::json!({"version": open.version, "return": open.id}),
        )
        .await?;
        tx.commit().await?;
        let current = open.version;
        let row = ReturnRow {
            resolved_by: Some(actor.account_id),
            resolved_at: Some(now),
            reply: Some(reply),
            ..open
        };
        self.named_return(row, current).await
    }

    /// The head's return that still holds a readable record back, if any (record page).
    pub async fn open_approval_return(
        &self,
        actor: &Actor,
        person_id: i64,
    ) -> AppResult<Option<ApprovalReturnView>> {
        let mut conn = self.store.reader().await?;
        if !self
            .may_person(&mut conn, actor, Capability::ReadRecords, person_id)
            .await?
        {
            return Err(AppError::record_not_found());
        }
        let Some(row) = store::open_return(&mut conn, person_id).await? else {
            return Ok(None);
        };
        drop(conn);
        let current = row.version;
        Ok(Some(self.named_return(row, current).await?))
    }

    /// What a head said of the version a change request became, while it is not approved
    /// (the request's page; the caller already reads the request).
    pub(crate) async fn return_of_version(
        &self,
        person_id: i64,
        version: i64,
        current_version: i64,
    ) -> AppResult<Option<ApprovalReturnView>> {
        let mut conn = self.store.reader().await?;
        let Some(row) = store::return_covering(&mut conn, person_id, version).await? else {
            return Ok(None);
        };
        drop(conn);
        Ok(Some(self.named_return(row, current_version).await?))
    }

    /// The records a head sent back that wait for HR, within the caller's writing or approving
    /// scope.
    pub async fn returned_records(
        &self,
        actor: &Actor,
        list: ReturnedList,
    ) -> AppResult<Vec<ReturnedRecord>> {
        let scope = list.scope(actor);
        if scope.is_empty() {
            return Err(AppError::Forbidden);
        }
        let mut conn = self.store.reader().await?;
        let rows = store::open_returns(&mut conn, &scope, RETURNS_LISTED).await?;
        drop(conn);
        let names = self
            .display_names(rows.iter().map(|r| r.returned.returned_by).collect())
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| ReturnedRecord {
                returned: return_view(r.returned, r.current_version, &names),
                person_id: r.person_id,
                person_name: r.full_name,
                unit_id: r.unit_id,
                official_version: r.official_version,
                current_version: r.current_version,
            })
            .collect())
    }

    /// How many records of [`App::returned_records`] there are (0 outside any such scope): the
    /// home page's count.
    pub async fn returned_count(&self, actor: &Actor, list: ReturnedList) -> AppResult<i64> {
        let scope = list.scope(actor);
        if scope.is_empty() {
            return Ok(0);
        }
        let mut conn = self.store.reader().await?;
        Ok(store::count_open_returns(&mut conn, &scope).await?)
    }

    /// Takes one record out of a prepared batch before signing — and, with a comment, sends
    /// it back to HR. The signed bytes name every version, so the batch is abandoned and the
    /// other records are prepared again as a new batch.
    pub async fn leave_out_of_batch(
        &self,
        actor: &Actor,
        batch_id: i64,
        input: LeaveOut,
        client: &ClientInfo,
    ) -> AppResult<LeftOut> {
        let batch = self.batch(actor, batch_id).await?;
        if batch.prepared_by != actor.account_id {
            return Err(AppError::Forbidden);
        }
        if batch.state != "prepared" {
            return Err(AppError::Conflict(format!(
                "Lô phê duyệt số {batch_id} đã ký hoặc đã hủy: không bỏ bớt hồ sơ được nữa."
            )));
        }
        let manifest = Manifest::parse(batch.manifest.as_bytes()).map_err(AppError::Internal)?;
        let mut rest: Vec<i64> = Vec::new();
        let mut found = false;
        for item in &manifest.items {
            if item.person_id == input.person_id {
                found = true;
            } else if !rest.contains(&item.person_id) {
                rest.push(item.person_id);
            }
        }
        if !found {
            return Err(AppError::BadRequest(
                "Hồ sơ này không có trong lô phê duyệt.".into(),
            ));
        }
        let returned = match input.return_comment {
            Some(comment) => {
                let sent = self
                    .return_for_correction(
                        actor,
                        input.person_id,
                        ReturnInput {
                            comment: Some(comment),
                        },
                        client,
                    )
                    .await;
                match sent {
                    Ok(_) => true,
                    // Sent back already (from the queue, or a second click): leave it out.
                    Err(AppError::Conflict(m)) if m == ALREADY_RETURNED => true,
                    Err(e) => return Err(e),
                }
            }
            None => false,
        };
        self.abandon_batch_saying(
            actor,
            batch_id,
            client,
            serde_json::json!({"left_out": input.person_id, "returned": returned}),
        )
        .await?;
        let (batch, note) = if rest.is_empty() {
            (None, None)
        } else {
            // The batch was prepared outside the window only by a system administrator, who
            // may prepare its remainder there too.
            let again = PrepareBatch {
                person_ids: Some(rest),
                override_window: Some(actor.is_system_admin()),
            };
            match self.prepare_batch(actor, again, client).await {
                Ok(b) => (Some(b), None),
                Err(
                    e @ (AppError::BadRequest(_) | AppError::Conflict(_) | AppError::Forbidden),
                ) => (None, Some(e.to_string())),
                Err(e) => return Err(e),
            }
        };
        Ok(LeftOut {
            person_id: input.person_id,
            returned,
            batch,
            note,
        })
    }
}
