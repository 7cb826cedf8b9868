//! Group commit of the audit entries of reads (issue 17: "many reads may share one commit").
//!
//! Every read of a record is audited, and the reader is answered only once its entry is
//! durable. Written one transaction per read, every read took the chain's head and, on SQLite
//! (`synchronous=FULL`), one sync of the log to disk: reads queued behind one another at the
//! single writer. Here a read queues its entry and waits; one task takes every entry queued
//! meanwhile, appends them to the chain in one transaction ([`audit::append_all`]: the head read
//! and written once) and answers each read after the commit. The chain is the same as if they
//! had been written one by one in that order: each entry hashes the one before it, and a read
//! is answered only after its entry is committed, so nothing is shown that was not audited.
//! While one batch commits the next fills, so the batches grow with the load and cost nothing
//! when reads are rare.

use hoso_domain::audit_action::AuditAction;
use hoso_store::{Store, audit};
use tokio::sync::{mpsc, oneshot};

use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo};

/// Entries in one transaction at most: a burst waits for a few commits rather than one long
/// one.
const BATCH: usize = 512;
/// Entries waiting at most: past it a read waits for room before queueing.
const QUEUE: usize = 4096;

/// An entry of the chain, owned while it waits.
struct Entry {
    at: i64,
    actor_id: Option<i64>,
    action: &'static str,
    target_kind: String,
    target_id: Option<String>,
    client_addr: Option<String>,
    detail: String,
}

impl Entry {
    fn as_new(&self) -> audit::NewEntry<'_> {
        audit::NewEntry {
            at: self.at,
            actor_id: self.actor_id,
            action: self.action,
            target_kind: &self.target_kind,
            target_id: self.target_id.clone(),
            client_addr: self.client_addr.as_deref(),
            detail: self.detail.clone(),
        }
    }
}

struct Waiting {
    entry: Entry,
    committed: oneshot::Sender<Result<(), String>>,
}

/// Where reads queue their audit entries (cheap to clone: one channel).
#[derive(Clone)]
pub(crate) struct ReadAudits {
    queue: mpsc::Sender<Waiting>,
}

impl ReadAudits {
    /// Starts the task that commits the queued entries. It ends when the last `App` holding the
    /// queue is dropped, once the entries queued before are committed.
    pub(crate) fn start(store: Store) -> ReadAudits {
        let (queue, waiting) = mpsc::channel(QUEUE);
        tokio::spawn(commit_batches(store, waiting));
        ReadAudits { queue }
    }
}

async fn commit_batches(store: Store, mut waiting: mpsc::Receiver<Waiting>) {
    let mut batch = Vec::with_capacity(BATCH);
    while waiting.recv_many(&mut batch, BATCH).await > 0 {
        let outcome = commit(&store, &batch).await.map_err(|e| e.to_string());
        for w in batch.drain(..) {
            // A reader gone (its request cancelled) needs no answer; its entry is committed.
            let _ = w.committed.send(outcome.clone());
        }
    }
}

async fn commit(store: &Store, batch: &[Waiting]) -> Result<(), hoso_store::StoreError> {
    let entries: Vec<audit::NewEntry<'_>> = batch.iter().map(|w| w.entry.as_new()).collect();
    let mut tx = store.begin().await?;
    audit::append_all(&mut tx, &entries).await?;
    tx.commit().await?;
    Ok(())
}

impl App {
    /// Audits a read and returns once the entry is committed, in a transaction shared with the
    /// reads queued at the same time. The entry is what [`crate::work::Work::audit`] would write
    /// in a transaction of its own.
    pub(crate) async fn audit_read(
        &self,
        actor: &Actor,
        client: &ClientInfo,
        action: AuditAction,
        about: About<'_>,
        detail: serde_json::Value,
    ) -> AppResult<()> {
        let entry = Entry {
            at: self.now_ms(),
            actor_id: Some(actor.account_id),
            action: action.code(),
            target_kind: about.kind.to_string(),
            target_id: about.id,
            client_addr: client.addr.clone(),
            detail: crate::work::detail_text(detail),
        };
        let (committed, answer) = oneshot::channel();
        let entry = match self
            .read_audits
            .queue
            .send(Waiting { entry, committed })
            .await
        {
            Ok(()) => match answer.await {
                Ok(outcome) => return outcome.map_err(AppError::Internal),
                // The task is gone (its runtime ended): the entry was not written.
                Err(_) => return Err(AppError::Internal("read audit task ended".into())),
            },
            Err(mpsc::error::SendError(w)) => w.entry,
        };
        // No task to take it (the runtime that started it has ended): written alone.
        let mut tx = self.store.begin().await?;
        audit::append(&mut tx, entry.as_new()).await?;
        tx.commit().await.map_err(hoso_store::StoreError::from)?;
        Ok(())
    }
}
