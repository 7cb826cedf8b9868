//! Reference data cached in every node (the catalogs, the holiday calendar) kept in step across
//! nodes: each edit bumps a counter in `reference_versions` in its own transaction; every node
//! polls the counters (every `reference_reload_seconds`) and reloads what changed.

use std::collections::BTreeMap;
use std::time::Duration;

use hoso_store::reference::{self as store, CATALOGS, HOLIDAYS};

use crate::{App, AppResult, Shutdown};

/// The counters this node has loaded, by name.
pub(crate) type Seen = std::sync::Mutex<BTreeMap<String, i64>>;

pub(crate) async fn current(app_store: &hoso_store::Store) -> AppResult<BTreeMap<String, i64>> {
    let mut conn = app_store.reader().await?;
    Ok(store::versions(&mut conn).await?.into_iter().collect())
}

impl App {
    fn seen(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, i64>> {
        match self.reference_seen.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// This node has loaded `name` as of `version` (its own edit): no reload for it at the
    /// next poll.
    pub(crate) fn reference_loaded(&self, name: &str, version: i64) {
        let mut seen = self.seen();
        let entry = seen.entry(name.to_string()).or_insert(version);
        *entry = (*entry).max(version);
    }

    /// Reloads the reference data another node changed since this one last loaded it; returns
    /// the names reloaded (`catalogs`, `holidays`).
    pub async fn reload_reference_if_changed(&self) -> AppResult<Vec<String>> {
        let versions = current(&self.store).await?;
        let mut reloaded = Vec::new();
        for (name, version) in versions {
            if self.seen().get(&name) == Some(&version) {
                continue;
            }
            match name.as_str() {
                CATALOGS => self.reload_catalogs().await?,
                HOLIDAYS => {
                    self.reload_calendar().await?;
                }
                _ => continue,
            }
            // The counter read before the reload: a change made meanwhile reloads again.
            self.seen().insert(name.clone(), version);
            reloaded.push(name);
        }
        if !reloaded.is_empty() {
            tracing::info!(?reloaded, "reference data changed elsewhere: reloaded");
        }
        Ok(reloaded)
    }

    /// Polls the counters every `reference_reload_seconds` until `shutdown`.
    pub fn spawn_reference_reload(&self, shutdown: &Shutdown) {
        let app = self.clone();
        let stop = shutdown.clone();
        let period = Duration::from_secs(self.config.reference_reload_seconds.max(1));
        shutdown.spawn(async move {
            while stop.sleep(period).await {
                if let Err(e) = app.reload_reference_if_changed().await {
                    tracing::error!(error = %e, "reloading reference data failed");
                }
            }
        });
    }
}
