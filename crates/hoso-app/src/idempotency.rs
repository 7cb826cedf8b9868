//! Create-record idempotency shared by every node: a key (the one-time token of the "Thêm hồ
//! sơ" form, or the `Idempotency-Key` header of `POST /api/v1/persons`) is claimed in the
//! database before the record is created and settled with its id after; a repeat gets that id
//! (or "still in flight"), on whichever node it lands. A failed attempt gives the key back, so
//! the same form may be corrected and sent again. Keys are forgotten after
//! `idempotency_hours`; a claim whose node died mid-request is taken over after
//! [`IN_FLIGHT_LEASE_MS`]. The số định danh being unique stays the last line of defence.

use std::future::Future;

use hoso_store::StoreError;
use hoso_store::idempotency::{self as store, Slot};

use crate::{Actor, App, AppResult};

/// How long a claim stays "in flight" without being settled (beyond the 60-second request
/// timeout, so that only a dead node's claim runs out).
pub const IN_FLIGHT_LEASE_MS: i64 = 120_000;

/// What became of a request carrying a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Once {
    /// The record the key stands for: created now (`replayed: false`) or by an earlier request.
    Done { person_id: i64, replayed: bool },
    /// An earlier request with the key is still being processed.
    InFlight,
    /// The key was used for a different request (its fingerprint differs).
    Mismatch,
}

impl App {
    /// Runs `create` (which returns the id of the record it created) at most once per account
    /// and `key`. `fingerprint` identifies the request (the API's body hash); a repeat with
    /// another fingerprint is [`Once::Mismatch`]. `None` skips that check (the form's token is
    /// one-time by construction).
    pub async fn create_once<F>(
        &self,
        actor: &Actor,
        key: &str,
        fingerprint: Option<&str>,
        create: F,
    ) -> AppResult<Once>
    where
        F: Future<Output = AppResult<i64>>,
    {
        let token = format!("person.create:{}:{key}", actor.account_id);
        let now = self.now_ms();
        let expires = now + self.config.idempotency_hours * 3_600_000;
        let mut tx = self.store.begin().await?;
        store::purge_expired(&mut tx, now).await?;
        let slot = store::claim(
            &mut tx,
            &token,
            actor.account_id,
            fingerprint,
            now,
            now + IN_FLIGHT_LEASE_MS,
            expires,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        match slot {
            Slot::InFlight => return Ok(Once::InFlight),
            Slot::Done {
                person_id,
                request_hash,
            } => {
                if fingerprint.is_some() && request_hash.as_deref() != fingerprint {
                    return Ok(Once::Mismatch);
                }
                return Ok(Once::Done {
                    person_id,
                    replayed: true,
                });
            }
            Slot::Claimed => {}
        }
        let result = create.await;
        let mut tx = self.store.begin().await?;
        match &result {
            Ok(id) => store::settle(&mut tx, &token, *id).await?,
            Err(_) => store::release(&mut tx, &token).await?,
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Once::Done {
            person_id: result?,
            replayed: false,
        })
    }
}
