//! One audited unit of work: a write transaction and the audit entries that commit with it.
//!
//! A use case that changes anything opens a [`Work`] with [`App::begin_work`], acts through it
//! (it is the transaction: store functions take `&mut work`), records what it did with
//! [`Work::audit`] (an [`AuditAction`], never a string), and commits. Dropped without commit,
//! nothing is written, the audit entries included. Refusals go through
//! [`App::refusal`](crate::authz), the same way.

use std::ops::{Deref, DerefMut};

use hoso_domain::audit_action::AuditAction;
use hoso_store::{AnyConnection, StoreError, WriteTx, audit};

use crate::{Actor, App, AppError, AppResult, ClientInfo};

/// What an audit entry is about: a kind of thing and, usually, its id.
#[derive(Debug, Clone)]
pub struct About<'a> {
    pub kind: &'a str,
    pub id: Option<String>,
}

impl<'a> About<'a> {
    pub fn new(kind: &'a str, id: impl ToString) -> About<'a> {
        About {
            kind,
            id: Some(id.to_string()),
        }
    }

    /// A kind of thing as a whole (the audit trail, a catalog set, the key ring…).
    pub fn kind(kind: &'a str) -> About<'a> {
        About { kind, id: None }
    }
}

/// An entry's detail as stored: JSON, `{}` when there is none.
pub(crate) fn detail_text(detail: serde_json::Value) -> String {
    match detail {
        serde_json::Value::Null => "{}".to_string(),
        other => other.to_string(),
    }
}

/// A write transaction, the acting account and where the request came from.
pub struct Work<'c> {
    tx: WriteTx,
    /// The instant the work happens, on the application's clock.
    pub(crate) at: i64,
    actor_id: Option<i64>,
    client_addr: Option<&'c str>,
}

impl Deref for Work<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for Work<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl Work<'_> {
    /// Appends an audit entry, committed with the work or not at all. `detail` holds ids and
    /// codes, never personal data.
    pub async fn audit(
        &mut self,
        action: AuditAction,
        about: About<'_>,
        detail: serde_json::Value,
    ) -> AppResult<()> {
        self.append(action.code(), about, detail).await
    }

    /// Appends the refusal of `action` (`<code>.refused`) with its reason.
    pub async fn audit_refusal(
        &mut self,
        action: AuditAction,
        about: About<'_>,
        reason: &str,
    ) -> AppResult<()> {
        self.append(
            &action.refused_code(),
            about,
            serde_json::json!({ "reason": reason }),
        )
        .await
    }

    async fn append(
        &mut self,
        code: &str,
        about: About<'_>,
        detail: serde_json::Value,
    ) -> AppResult<()> {
        let detail = detail_text(detail);
        audit::append(
            &mut self.tx,
            audit::NewEntry {
                at: self.at,
                actor_id: self.actor_id,
                action: code,
                target_kind: about.kind,
                target_id: about.id,
                client_addr: self.client_addr,
                detail,
            },
        )
        .await?;
        Ok(())
    }

    /// Gives up explicitly (dropping the work does the same).
    pub async fn rollback(self) -> AppResult<()> {
        self.tx.rollback().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Commits the changes and their audit entries together.
    pub async fn commit(self) -> AppResult<()> {
        self.tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

impl App {
    /// Audits an action refused past the rights (the state, a signature that fails), in a
    /// transaction of its own: the refused one changed nothing.
    pub(crate) async fn audit_refused(
        &self,
        actor: &Actor,
        client: &ClientInfo,
        action: AuditAction,
        about: About<'_>,
        refusal: &AppError,
    ) -> AppResult<()> {
        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            action,
            about,
            serde_json::json!({"reason": refusal.to_string()}),
        )
        .await?;
        work.commit().await?;
        Ok(())
    }

    /// Opens a unit of work for `actor` (stamped on the app's clock).
    pub(crate) async fn begin_work<'c>(
        &self,
        actor: &Actor,
        client: &'c ClientInfo,
    ) -> AppResult<Work<'c>> {
        self.begin_work_as(Some(actor.account_id), client).await
    }

    /// A unit of work of the system itself (demo seeding, key rotation, daily jobs): no account,
    /// no client.
    pub(crate) async fn begin_system_work(&self) -> AppResult<Work<'static>> {
        static NO_CLIENT: ClientInfo = ClientInfo {
            addr: None,
            user_agent: None,
        };
        self.begin_work_as(None, &NO_CLIENT).await
    }

    /// A unit of work with no signed-in account (sign-in attempts).
    pub(crate) async fn begin_work_as<'c>(
        &self,
        actor_id: Option<i64>,
        client: &'c ClientInfo,
    ) -> AppResult<Work<'c>> {
        Ok(Work {
            tx: self.store.begin().await?,
            at: self.now_ms(),
            actor_id,
            client_addr: client.addr.as_deref(),
        })
    }
}
