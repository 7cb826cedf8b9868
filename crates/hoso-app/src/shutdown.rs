//! Graceful shutdown: one signal that the HTTP server (stop accepting, let in-flight requests
//! finish) and the background tasks (finish the current step, then return) both watch.
//!
//! ```no_run
//! # async fn f(app: hoso_app::App) {
//! let shutdown = hoso_app::Shutdown::new();
//! shutdown.on_signals(); // SIGTERM and Ctrl-C request it
//! let s = shutdown.clone();
//! shutdown.spawn(async move {
//!     while !s.is_requested() {
//!         // … one step of work …
//!         s.sleep(std::time::Duration::from_secs(5)).await;
//!     }
//! });
//! // axum::serve(…).with_graceful_shutdown(shutdown.requested()) …
//! let all_stopped = shutdown.wait_for_tasks(std::time::Duration::from_secs(20)).await;
//! # }
//! ```

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Cheap to clone; every clone sees the same request.
#[derive(Clone)]
pub struct Shutdown {
    inner: Arc<Inner>,
}

struct Inner {
    requested: watch::Sender<bool>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown::new()
    }
}

impl Shutdown {
    pub fn new() -> Shutdown {
        Shutdown {
            inner: Arc::new(Inner {
                requested: watch::Sender::new(false),
                tasks: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Asks everything watching to stop. Idempotent.
    pub fn request(&self) {
        self.inner.requested.send_replace(true);
    }

    pub fn is_requested(&self) -> bool {
        *self.inner.requested.borrow()
    }

    /// Resolves once shutdown is requested (at once if it already was).
    pub fn requested(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.inner.requested.subscribe();
        async move {
            // The sender lives as long as any `Shutdown` clone; if all are gone, stop too.
            let _ = rx.wait_for(|requested| *requested).await;
        }
    }

    /// Sleeps for `period`, or less if shutdown is requested meanwhile. Returns whether the
    /// caller should go on (false: shutdown was requested).
    pub async fn sleep(&self, period: Duration) -> bool {
        tokio::select! {
            () = self.requested() => false,
            () = tokio::time::sleep(period) => !self.is_requested(),
        }
    }

    /// Runs `task` in the background; [`Shutdown::wait_for_tasks`] waits for it.
    pub fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(task);
        let mut tasks = match self.inner.tasks.lock() {
            Ok(t) => t,
            Err(poisoned) => poisoned.into_inner(),
        };
        tasks.retain(|t| !t.is_finished());
        tasks.push(handle);
    }

    /// Requests shutdown on SIGTERM (Unix) and on Ctrl-C (SIGINT).
    pub fn on_signals(&self) {
        let this = self.clone();
        tokio::spawn(async move {
            let ctrl_c = async {
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            #[cfg(unix)]
            let term = async {
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            #[cfg(not(unix))]
            let term = std::future::pending::<()>();
            tokio::select! {
                () = ctrl_c => tracing::info!("Ctrl-C: shutting down"),
                () = term => tracing::info!("SIGTERM: shutting down"),
                () = this.requested() => return,
            }
            this.request();
        });
    }

    /// Requests shutdown (if not yet) and waits up to `grace` for the spawned tasks to return;
    /// those still running then are aborted. Returns whether all stopped by themselves.
    pub async fn wait_for_tasks(&self, grace: Duration) -> bool {
        self.request();
        let tasks: Vec<JoinHandle<()>> = match self.inner.tasks.lock() {
            Ok(mut t) => std::mem::take(&mut *t),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        };
        let aborts: Vec<_> = tasks.iter().map(JoinHandle::abort_handle).collect();
        let all = async {
            for task in tasks {
                if let Err(e) = task.await
                    && e.is_panic()
                {
                    tracing::error!(error = %e, "a background task panicked");
                }
            }
        };
        match tokio::time::timeout(grace, all).await {
            Ok(()) => true,
            Err(_) => {
                tracing::warn!(
                    grace_seconds = grace.as_secs(),
                    "background tasks did not stop in time; abandoning them"
                );
                for a in aborts {
                    a.abort();
                }
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn tasks_are_told_to_stop_and_awaited() {
        let shutdown = Shutdown::new();
        let steps = Arc::new(AtomicUsize::new(0));
        let stopped = Arc::new(AtomicUsize::new(0));
        for _ in 0..2 {
            let (s, steps, stopped) = (shutdown.clone(), steps.clone(), stopped.clone());
            shutdown.spawn(async move {
                loop {
                    steps.fetch_add(1, Ordering::SeqCst);
                    if !s.sleep(Duration::from_secs(3600)).await {
                        break;
                    }
                }
                stopped.fetch_add(1, Ordering::SeqCst);
            });
        }
        tokio::task::yield_now().await;
        assert!(!shutdown.is_requested());
        let waiter = shutdown.clone();
        let done = tokio::spawn(async move { waiter.requested().await });
        assert!(shutdown.wait_for_tasks(Duration::from_secs(10)).await);
        assert!(shutdown.is_requested());
        assert_eq!(stopped.load(Ordering::SeqCst), 2, "both loops returned");
        done.await.unwrap();
        // Requested already: resolves at once.
        shutdown.requested().await;
    }

    #[tokio::test]
    async fn a_task_that_does_not_stop_is_abandoned_after_the_grace_period() {
        let shutdown = Shutdown::new();
        shutdown.spawn(std::future::pending());
        let started = std::time::Instant::now();
        assert!(!shutdown.wait_for_tasks(Duration::from_millis(100)).await);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
