//! The job runner end to end, on every database: the daily alerts job queued once a day by any
//! number of nodes and run by one, with its progress; a past day's run skipped; a failing job
//! retried after a back-off until it fails for good; the administrator's retry and cancel
//! (others refused, audited); jobs given back on shutdown.

mod common;

use common::{config, config_on, databases, demo_app, login, smtp};
use hoso_app::alerts::AlertQuery;
use hoso_app::jobs::JobQuery;
use hoso_app::security::AuditQuery;
use hoso_app::{App, AppError, ClientInfo, Config};

#[tokio::test]
async fn the_daily_alerts_run_once_a_day_with_progress_and_a_past_day_is_skipped() {
    for db in databases().await {
        let day = hoso_store::testing::today();
        let node_a = demo_app(config_on(&db, day), 4).await;
        let admin = login(&node_a, "admin").await;
        let people = node_a
            .list_persons(&admin, Default::default())
            .await
            .unwrap()
            .total;
        assert!(people > 0);

        // Day D is queued but no node runs it before midnight.
        node_a.enqueue_daily_jobs().await.unwrap();
        node_a.enqueue_daily_jobs().await.unwrap();
        let next_day = day.next_day().unwrap();
        let node_b = App::start(config_on(&db, next_day)).await.unwrap();
        node_b.enqueue_daily_jobs().await.unwrap();
        let queued = node_b.list_jobs(&admin, JobQuery::default()).await.unwrap();
        assert_eq!(queued.total, 2, "{}: one run per day", db.label);
        assert!(
            queued
                .items
                .iter()
                .all(|j| j.status == "queued" && j.can_cancel)
        );

        // On D+1 the run of D is skipped: today's replaces it.
        let skipped = node_b.run_next_job("node-b").await.unwrap().unwrap();
        assert_eq!(
            skipped.id, queued.items[1].id,
            "the older run is claimed first"
        );
        assert_eq!(skipped.status, "succeeded", "{skipped:?}");
        assert!(
            skipped
                .result
                .as_deref()
                .unwrap()
                .starts_with("Bỏ qua: ngày "),
            "{skipped:?}"
        );

        let ran = node_b.run_next_job("node-b").await.unwrap().unwrap();
        assert_eq!(ran.id, queued.items[0].id);
        assert_eq!(ran.kind_label, "Tính cảnh báo hằng ngày");
        assert_eq!(ran.status, "succeeded", "{}: {ran:?}", db.label);
        assert_eq!(ran.status_label, "Hoàn thành");
        assert_eq!(ran.attempts, 1);
        assert_eq!(
            (ran.progress_done, ran.progress_total),
            (people, Some(people)),
            "progress counts every person"
        );
        assert!(ran.result.as_deref().unwrap().ends_with(" cảnh báo"));
        assert!(ran.node.is_none() && ran.finished_at.is_some() && !ran.can_retry);
        let stored: i64 = ran
            .result
            .as_deref()
            .unwrap()
            .trim_end_matches(" cảnh báo")
            .parse()
            .unwrap();
        let listed = node_b
            .list_alerts(
                &admin,
                AlertQuery {
                    per_page: Some(1),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(listed.total, stored, "{}", db.label);

        // Nothing more today, on either node, however often they enqueue.
        node_a.enqueue_daily_jobs().await.unwrap();
        node_b.enqueue_daily_jobs().await.unwrap();
        assert!(node_a.run_next_job("node-a").await.unwrap().is_none());
        assert!(node_b.run_next_job("node-b").await.unwrap().is_none());
        let all = node_b.list_jobs(&admin, JobQuery::default()).await.unwrap();
        assert_eq!(all.total, 2, "{}: no day is queued twice", db.label);
    }
}

#[tokio::test]
async fn a_failing_job_backs_off_fails_for_good_and_is_retried_or_cancelled_by_the_administrator() {
    for db in databases().await {
        // An unusable sender address: every digest attempt ends in an internal error.
        let app = demo_app(
            Config {
                smtp: Some(smtp(9, "khong-phai-dia-chi")),
                ..config(&db)
            },
            2,
        )
        .await;
        let admin = login(&app, "admin").await;
        let leader = login(&app, "lanhdao").await;
        let client = ClientInfo::default();

        app.enqueue_daily_jobs().await.unwrap();
        let alerts = app.run_next_job("node-a").await.unwrap().unwrap();
        assert_eq!(alerts.status, "succeeded", "{}: {alerts:?}", db.label);

        // The digest the alerts job queued fails: queued again after 30 s, then 60 s.
        let first = app.run_next_job("node-a").await.unwrap().unwrap();
        assert_eq!(first.kind, "alerts.digest");
        assert_eq!(first.status, "queued", "{}: {first:?}", db.label);
        assert_eq!(first.attempts, 1);
        assert_eq!(
            first.error.as_deref(),
            Some("Lỗi hệ thống khi chạy việc; chi tiết ghi trong nhật ký máy chủ.")
        );
        assert_eq!(first.run_after - first.finished_at.unwrap(), 30_000);
        assert!(
            app.run_next_job("node-a").await.unwrap().is_none(),
            "not before its back-off"
        );
        let due_now = "UPDATE job_runs SET run_after = 0 WHERE status = 'queued'";
        app.store().execute_raw(due_now).await.unwrap();
        let second = app.run_next_job("node-b").await.unwrap().unwrap();
        assert_eq!((second.id, second.attempts), (first.id, 2));
        assert_eq!(second.run_after - second.finished_at.unwrap(), 60_000);
        app.store().execute_raw(due_now).await.unwrap();
        let last = app.run_next_job("node-a").await.unwrap().unwrap();
        assert_eq!(last.status, "failed", "{last:?}");
        assert_eq!(last.status_label, "Thất bại");
        assert!(last.can_retry && !last.can_cancel);
        app.store().execute_raw(due_now).await.unwrap();
        assert!(app.run_next_job("node-a").await.unwrap().is_none());
        let id = last.id;

        // Others may neither see nor touch the queue; refusals come before anything else.
        assert!(matches!(
            app.list_jobs(
                &leader,
                JobQuery {
                    status: Some("khong-co".into()),
                    ..Default::default()
                }
            )
            .await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.job(&leader, id).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.retry_job(&leader, 999_999, &client).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.cancel_job(&leader, id, &client).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.retry_job(&admin, 999_999, &client).await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            app.cancel_job(&admin, id, &client).await,
            Err(AppError::Conflict(m)) if m.contains("Thất bại")
        ));
        assert!(matches!(
            app.list_jobs(
                &admin,
                JobQuery {
                    status: Some("khong-co".into()),
                    ..Default::default()
                }
            )
            .await,
            Err(AppError::BadRequest(_))
        ));

        let retried = app.retry_job(&admin, id, &client).await.unwrap();
        assert_eq!((retried.status.as_str(), retried.attempts), ("queued", 0));
        assert!(matches!(
            app.retry_job(&admin, id, &client).await,
            Err(AppError::Conflict(_))
        ));
        let cancelled = app.cancel_job(&admin, id, &client).await.unwrap();
        assert_eq!(cancelled.status_label, "Đã hủy");
        assert!(app.run_next_job("node-a").await.unwrap().is_none());

        let failed = app
            .list_jobs(
                &admin,
                JobQuery {
                    status: Some("cancelled".into()),
                    kind: Some("alerts.digest".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(failed.total, 1);
        assert_eq!(failed.items[0].id, id);

        for (action, expected) in [
            ("job.retry", 1),
            ("job.cancel", 1),
            ("job.retry.refused", 1),
            ("job.cancel.refused", 1),
        ] {
            let page = app
                .audit_entries(
                    &admin,
                    AuditQuery {
                        action: Some(action.into()),
                        ..Default::default()
                    },
                    &client,
                )
                .await
                .unwrap();
            assert_eq!(page.total, expected, "{}: {action}", db.label);
        }
    }
}

#[tokio::test]
async fn a_node_shutting_down_gives_its_jobs_back() {
    for db in databases().await {
        let app = demo_app(config(&db), 2).await;
        let admin = login(&app, "admin").await;
        app.enqueue_daily_jobs().await.unwrap();
        // node-x claims the job and is stopped before running it.
        let mut tx = app.store().begin().await.unwrap();
        let claimed = hoso_store::jobs::claim_next(
            &mut tx,
            app.store().backend(),
            "node-x",
            &["alerts.daily"],
            hoso_store::now_ms(),
            hoso_app::jobs::LEASE_MS,
        )
        .await
        .unwrap()
        .unwrap();
        tx.commit().await.unwrap();
        assert!(app.run_next_job("node-y").await.unwrap().is_none());
        let running = app.job(&admin, claimed.id).await.unwrap();
        assert_eq!(running.status_label, "Đang chạy");
        assert_eq!(running.node.as_deref(), Some("node-x"));

        assert_eq!(app.release_jobs("node-y").await.unwrap(), 0);
        assert_eq!(app.release_jobs("node-x").await.unwrap(), 1, "{}", db.label);
        let back = app.job(&admin, claimed.id).await.unwrap();
        assert_eq!((back.status.as_str(), back.attempts), ("queued", 0));
        let ran = app.run_next_job("node-y").await.unwrap().unwrap();
        assert_eq!((ran.id, ran.status.as_str()), (claimed.id, "succeeded"));
        assert_eq!(ran.attempts, 1);
    }
}
