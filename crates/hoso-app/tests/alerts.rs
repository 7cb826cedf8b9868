//! Alerts from record data, end to end: seeded people with known dates, the daily job claimed
//! once, alerts listed within scope, a what-if preview — on every database.

mod common;

use common::{config, create_person, databases, demo_app, login};
use hoso_app::App;
use hoso_app::alerts::AlertQuery;
use hoso_domain::national_id::Gender;
use hoso_domain::retirement::retirement;
use hoso_domain::schema::fixtures::RecordBuilder;
use time::macros::date;

#[tokio::test]
async fn a_person_near_retirement_gets_the_notice_alert_and_the_job_runs_once() {
    for db in databases().await {
        let app = demo_app(config(&db), 5).await;
        let admin = login(&app, "admin").await;
        let some = app
            .list_persons(&admin, Default::default())
            .await
            .unwrap()
            .items[0]
            .clone();

        // A woman born 15/06/1970: her retirement dates come from NĐ 135/2020's roadmap.
        let born = date!(1970 - 06 - 15);
        let r = retirement(Gender::Female, born);
        let record = RecordBuilder::civil_servant()
            .born("1970-06-15")
            .national_id("020170004321")
            .build();
        let created = create_person(&app, &admin, some.unit_id, record).await;

        // Ten days before the notice is due, the alert is there, with its legal basis.
        let as_of = r.notice_due - time::Duration::days(10);
        let stored = app.compute_all_alerts(as_of).await.unwrap();
        assert!(stored >= 1);
        let page = app
            .list_alerts(
                &admin,
                AlertQuery {
                    kind: Some("retirement_notice".into()),
                    per_page: Some(200),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let mine: Vec<_> = page
            .items
            .iter()
            .filter(|a| a.person_id == created)
            .collect();
        assert_eq!(mine.len(), 1, "{}: {:?}", db.label, page.items);
        assert!(mine[0].due.as_str() <= r.notice_due.to_string().as_str());
        assert!(!mine[0].legal_basis.is_empty());
        assert_eq!(mine[0].kind_label, "Thông báo nghỉ hưu (trước 6 tháng)");

        let summary = app.alert_summary(&admin).await.unwrap();
        assert!(
            summary
                .iter()
                .any(|c| c.kind == "retirement_notice" && c.count >= 1)
        );

        // What-if: a year earlier there is no retirement alert for her.
        let earlier = app
            .preview_alerts(
                &admin,
                AlertQuery {
                    date: Some((as_of - time::Duration::days(365)).to_string()),
                    unit: Some(some.unit_id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            !earlier
                .items
                .iter()
                .any(|a| a.person_id == created && a.kind.starts_with("retirement")),
            "{}",
            db.label
        );
        let bad = app
            .preview_alerts(
                &admin,
                AlertQuery {
                    date: Some("2026-02-30".into()),
                    ..Default::default()
                },
            )
            .await;
        assert!(
            matches!(bad, Err(hoso_app::AppError::BadRequest(m)) if m.contains("không tồn tại"))
        );

        // The daily job, through the runner: queued once a day whichever node asks, run by one.
        let other = App::start(config(&db)).await.unwrap();
        app.enqueue_daily_jobs().await.unwrap();
        other.enqueue_daily_jobs().await.unwrap();
        let ran = app
            .run_next_job("node-a")
            .await
            .unwrap()
            .expect("node-a runs it");
        assert_eq!(ran.kind, "alerts.daily");
        assert_eq!(ran.status, "succeeded", "{}: {ran:?}", db.label);
        assert!(other.run_next_job("node-b").await.unwrap().is_none());
        other.enqueue_daily_jobs().await.unwrap();
        assert!(app.run_next_job("node-a").await.unwrap().is_none());
        let runs = app.list_jobs(&admin, Default::default()).await.unwrap();
        assert_eq!(runs.total, 1, "{}: one run for the day", db.label);
    }
}
