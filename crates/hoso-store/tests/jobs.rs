//! The job queue on every available database: one claim per job however many nodes ask (on
//! PostgreSQL from concurrent connections, without waiting on each other), retries with
//! back-off, leases that run out, jobs given back on shutdown, deduplicated enqueueing,
//! progress, listing.

use std::time::Duration;

use hoso_store::jobs::{self, JobFilter, JobStatus, NewJob};
use hoso_store::testing::databases;
use hoso_store::{Backend, Store};

const KIND: &str = "test.kind";
const LEASE: i64 = 60_000;

fn job(dedup_key: Option<&str>, max_attempts: i64, run_after: i64) -> NewJob<'_> {
    NewJob {
        kind: KIND,
        dedup_key,
        params: "{}",
        max_attempts,
        run_after,
        created_by: None,
    }
}

async fn enqueue(store: &Store, new: NewJob<'_>, now: i64) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let (id, _) = jobs::enqueue(&mut tx, &new, now).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn claim(store: &Store, owner: &str, now: i64, lease: i64) -> Option<jobs::JobRow> {
    let mut tx = store.begin().await.unwrap();
    let row = jobs::claim_next(&mut tx, store.backend(), owner, &[KIND], now, lease)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    row
}

async fn get(store: &Store, id: i64) -> jobs::JobRow {
    let mut conn = store.reader().await.unwrap();
    jobs::get(&mut conn, id).await.unwrap().unwrap()
}

#[tokio::test]
async fn one_job_is_claimed_by_exactly_one_owner() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let id = enqueue(&store, job(None, 3, 1_000), 1_000).await;

        let a = claim(&store, "node-a", 1_000, LEASE).await;
        let b = claim(&store, "node-b", 1_001, LEASE).await;
        let a = a.expect("the first owner gets the job");
        assert!(b.is_none(), "{}: a second owner gets nothing", db.label);
        assert_eq!(a.id, id);
        assert_eq!(a.status, JobStatus::Running);
        assert_eq!(a.locked_by.as_deref(), Some("node-a"));
        assert_eq!(a.locked_until, Some(1_000 + LEASE));
        assert_eq!(a.attempts, 1);
        assert_eq!(a.started_at, Some(1_000));

        // A job not yet due, or of a kind the claimer does not run, is not claimed.
        enqueue(&store, job(None, 3, 5_000), 1_000).await;
        assert!(claim(&store, "node-b", 4_999, LEASE).await.is_none());
        let mut tx = store.begin().await.unwrap();
        assert!(
            jobs::claim_next(&mut tx, store.backend(), "node-b", &["other"], 9_000, LEASE)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            jobs::claim_next(&mut tx, store.backend(), "node-b", &[], 9_000, LEASE)
                .await
                .unwrap()
                .is_none()
        );
        drop(tx);
        assert!(claim(&store, "node-b", 5_000, LEASE).await.is_some());
    }
}

/// Eight claimers at once for three jobs: three claims, of three different jobs.
#[tokio::test]
async fn concurrent_claimers_never_share_a_job() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        for _ in 0..3 {
            enqueue(&store, job(None, 3, 0), 0).await;
        }
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move { claim(&store, &format!("node-{i}"), 10, LEASE).await })
            })
            .collect();
        let mut ids = Vec::new();
        for t in tasks {
            if let Some(row) = t.await.unwrap() {
                ids.push(row.id);
            }
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 3, "{}: {ids:?}", db.label);
    }
}

/// PostgreSQL: while one connection holds a claimed row in an open transaction, another
/// connection skips it at once (SKIP LOCKED) and takes the next job instead of waiting.
#[tokio::test]
async fn postgres_claims_skip_rows_locked_by_another_connection() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        if store.backend() != Backend::Postgres {
            continue;
        }
        let first = enqueue(&store, job(None, 3, 0), 0).await;
        let second = enqueue(&store, job(None, 3, 1), 0).await;
        let mut held = store.begin().await.unwrap();
        let a = jobs::claim_next(&mut held, Backend::Postgres, "node-a", &[KIND], 10, LEASE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(a.id, first);

        let other = store.clone();
        let b = tokio::time::timeout(Duration::from_secs(5), async move {
            claim(&other, "node-b", 10, LEASE).await
        })
        .await
        .expect("the second claim does not wait for the first transaction")
        .expect("the second claimer gets the other job");
        assert_eq!(b.id, second);
        let other = store.clone();
        let c = tokio::time::timeout(Duration::from_secs(5), async move {
            claim(&other, "node-c", 10, LEASE).await
        })
        .await
        .expect("the third claim does not wait either");
        assert!(c.is_none(), "both jobs are taken");
        held.commit().await.unwrap();
        assert_eq!(
            get(&store, first).await.locked_by.as_deref(),
            Some("node-a")
        );
    }
}

#[tokio::test]
async fn a_failed_attempt_is_retried_after_a_back_off_then_fails_for_good() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let id = enqueue(&store, job(None, 2, 0), 0).await;
        let t = 100_000;

        let row = claim(&store, "node-a", t, LEASE).await.unwrap();
        assert_eq!(row.id, id);
        let mut tx = store.begin().await.unwrap();
        // Only the owner records the outcome.
        assert_eq!(
            jobs::fail(&mut tx, id, "node-b", "x", t + 5).await.unwrap(),
            None
        );
        assert_eq!(
            jobs::fail(&mut tx, id, "node-a", "Máy chủ thư từ chối", t + 10)
                .await
                .unwrap(),
            Some(JobStatus::Queued)
        );
        tx.commit().await.unwrap();
        let queued = get(&store, id).await;
        assert_eq!(queued.status, JobStatus::Queued, "{}", db.label);
        assert_eq!(queued.run_after, t + 10 + 30_000);
        assert_eq!(queued.attempts, 1);
        assert_eq!(queued.locked_by, None);
        assert_eq!(queued.error.as_deref(), Some("Máy chủ thư từ chối"));

        // Not before the back-off.
        assert!(
            claim(&store, "node-b", t + 10 + 29_999, LEASE)
                .await
                .is_none()
        );
        let again = claim(&store, "node-b", t + 10 + 30_000, LEASE)
            .await
            .unwrap();
        assert_eq!((again.id, again.attempts), (id, 2));
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            jobs::fail(&mut tx, id, "node-b", "Lỗi lần hai", t + 40_000)
                .await
                .unwrap(),
            Some(JobStatus::Failed)
        );
        tx.commit().await.unwrap();
        let failed = get(&store, id).await;
        assert_eq!(failed.status, JobStatus::Failed);
        assert_eq!(failed.finished_at, Some(t + 40_000));
        assert_eq!(failed.error.as_deref(), Some("Lỗi lần hai"));
        assert!(
            claim(&store, "node-c", t + 10_000_000, LEASE)
                .await
                .is_none()
        );

        // Queued again by an administrator: fresh attempts, due at once; then it succeeds.
        let mut tx = store.begin().await.unwrap();
        assert!(jobs::retry(&mut tx, id, t + 50_000).await.unwrap());
        assert!(
            !jobs::retry(&mut tx, id, t + 50_000).await.unwrap(),
            "only a failed job"
        );
        tx.commit().await.unwrap();
        let retried = claim(&store, "node-c", t + 50_000, LEASE).await.unwrap();
        assert_eq!((retried.id, retried.attempts), (id, 1));
        let mut tx = store.begin().await.unwrap();
        assert!(
            jobs::succeed(&mut tx, id, "node-c", "3 cảnh báo", t + 60_000)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        let done = get(&store, id).await;
        assert_eq!(done.status, JobStatus::Succeeded);
        assert_eq!(done.result.as_deref(), Some("3 cảnh báo"));
        assert_eq!(done.error, None);
        assert_eq!(done.locked_by, None);
    }
}

#[tokio::test]
async fn a_lease_that_runs_out_lets_another_node_take_the_job_over() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let id = enqueue(&store, job(None, 3, 0), 0).await;
        claim(&store, "node-a", 1_000, 1_000).await.unwrap();
        assert!(
            claim(&store, "node-b", 1_999, 1_000).await.is_none(),
            "{}: the lease still runs",
            db.label
        );

        // Progress extends the lease.
        let mut tx = store.begin().await.unwrap();
        assert!(
            jobs::set_progress(
                &mut tx,
                id,
                "node-a",
                5,
                Some(10),
                Some("5/10"),
                1_900,
                1_000
            )
            .await
            .unwrap()
        );
        assert!(
            !jobs::set_progress(&mut tx, id, "node-b", 6, Some(10), None, 1_900, 1_000)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        let row = get(&store, id).await;
        assert_eq!(
            (row.progress_done, row.progress_total, row.locked_until),
            (5, Some(10), Some(2_900))
        );
        assert_eq!(row.progress_note.as_deref(), Some("5/10"));
        assert!(claim(&store, "node-b", 2_500, 1_000).await.is_none());

        // node-a stops answering: after the lease node-b takes the job, from the start.
        let taken = claim(&store, "node-b", 2_901, 1_000).await.unwrap();
        assert_eq!(taken.id, id);
        assert_eq!(taken.locked_by.as_deref(), Some("node-b"));
        assert_eq!(taken.attempts, 2);
        assert_eq!((taken.progress_done, taken.progress_total), (0, None));
        let mut tx = store.begin().await.unwrap();
        assert!(
            !jobs::succeed(&mut tx, id, "node-a", "late", 3_000)
                .await
                .unwrap(),
            "the old owner's outcome is ignored"
        );
        assert!(
            !jobs::set_progress(&mut tx, id, "node-a", 9, Some(10), None, 3_000, 1_000)
                .await
                .unwrap()
        );
        assert!(
            jobs::succeed(&mut tx, id, "node-b", "ok", 3_000)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();

        // On its last attempt a job whose lease runs out fails instead of running again.
        let last = enqueue(&store, job(None, 1, 0), 0).await;
        claim(&store, "node-a", 10_000, 1_000).await.unwrap();
        assert!(claim(&store, "node-b", 11_001, 1_000).await.is_none());
        let failed = get(&store, last).await;
        assert_eq!(failed.status, JobStatus::Failed, "{}", db.label);
        assert_eq!(failed.error.as_deref(), Some(jobs::LEASE_LOST_ERROR));
        assert_eq!(failed.locked_by, None);
    }
}

#[tokio::test]
async fn jobs_are_given_back_on_shutdown_without_counting_the_attempt() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let id = enqueue(&store, job(None, 1, 0), 0).await;
        let other = enqueue(&store, job(None, 1, 0), 0).await;
        claim(&store, "node-a", 1_000, LEASE).await.unwrap();
        claim(&store, "node-b", 1_000, LEASE).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        assert_eq!(jobs::release(&mut tx, "node-a", 2_000).await.unwrap(), 1);
        tx.commit().await.unwrap();
        let back = get(&store, id).await;
        assert_eq!(back.status, JobStatus::Queued, "{}", db.label);
        assert_eq!((back.attempts, back.run_after), (0, 2_000));
        assert_eq!(back.locked_by, None);
        assert_eq!(
            get(&store, other).await.locked_by.as_deref(),
            Some("node-b"),
            "another node's job is left alone"
        );
        // At once, not after the lease; its single attempt is still there to use.
        let taken = claim(&store, "node-c", 2_000, LEASE).await.unwrap();
        assert_eq!((taken.id, taken.attempts), (id, 1));
    }
}

#[tokio::test]
async fn a_keyed_job_is_enqueued_once_and_a_queued_one_can_be_cancelled() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let key = Some("test.kind:2026-12-03");
        let (a, created_a) = jobs::enqueue(&mut tx, &job(key, 3, 0), 0).await.unwrap();
        let (b, created_b) = jobs::enqueue(&mut tx, &job(key, 3, 0), 5).await.unwrap();
        assert!(created_a && !created_b, "{}", db.label);
        assert_eq!(a, b);
        let (c, _) = jobs::enqueue(&mut tx, &job(None, 3, 0), 0).await.unwrap();
        let (d, created_d) = jobs::enqueue(&mut tx, &job(None, 3, 0), 0).await.unwrap();
        assert!(created_d && c != d, "unkeyed jobs are never merged");
        tx.commit().await.unwrap();
        let mut conn = store.reader().await.unwrap();
        assert_eq!(
            jobs::by_dedup_key(&mut conn, "test.kind:2026-12-03")
                .await
                .unwrap()
                .map(|r| r.id),
            Some(a)
        );
        drop(conn);

        // Still keyed once it has run.
        claim(&store, "node-a", 10, LEASE).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            jobs::enqueue(&mut tx, &job(key, 3, 0), 20).await.unwrap(),
            (a, false)
        );
        // Cancel: queued only.
        assert!(
            !jobs::cancel(&mut tx, a, 20).await.unwrap(),
            "a running job is not cancelled"
        );
        assert!(jobs::cancel(&mut tx, c, 20).await.unwrap());
        assert!(!jobs::cancel(&mut tx, c, 21).await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(get(&store, c).await.status, JobStatus::Cancelled);
        let next = claim(&store, "node-b", 30, LEASE).await.unwrap();
        assert_eq!(next.id, d, "a cancelled job is never claimed");
    }
}

#[tokio::test]
async fn runs_are_listed_newest_first_with_filters_and_a_total() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let mut ids = Vec::new();
        for _ in 0..5 {
            ids.push(enqueue(&store, job(None, 3, 0), 0).await);
        }
        let mut tx = store.begin().await.unwrap();
        jobs::enqueue(
            &mut tx,
            &NewJob {
                kind: "other.kind",
                ..job(None, 3, 0)
            },
            0,
        )
        .await
        .unwrap();
        jobs::cancel(&mut tx, ids[1], 1).await.unwrap();
        tx.commit().await.unwrap();

        let mut conn = store.reader().await.unwrap();
        let (page, total) = jobs::list(
            &mut conn,
            &JobFilter {
                kind: Some(KIND.into()),
                limit: 2,
                offset: 0,
                ..JobFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(total, 5, "{}", db.label);
        assert_eq!(
            page.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![ids[4], ids[3]]
        );
        let (page, total) = jobs::list(
            &mut conn,
            &JobFilter {
                kind: Some(KIND.into()),
                limit: 2,
                offset: 4,
                ..JobFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!((page.len(), total), (1, 5));
        assert_eq!(page[0].id, ids[0]);
        let (page, total) = jobs::list(
            &mut conn,
            &JobFilter {
                status: Some(JobStatus::Cancelled),
                limit: 50,
                ..JobFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(total, 1);
        assert_eq!(page[0].id, ids[1]);
        let (_, total) = jobs::list(
            &mut conn,
            &JobFilter {
                limit: 50,
                ..JobFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(total, 6);
    }
}
