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

#[tokio::test]
async fn an_alert_marked_as_dealt_with_leaves_the_list_and_the_counts_until_it_is_reopened() {
    use hoso_app::alerts::AlertMark;
    use hoso_app::{AppError, ClientInfo};
    for db in databases().await {
        let app = demo_app(config(&db), 5).await;
        let admin = login(&app, "admin").await;
        let leader = login(&app, "lanhdao").await;
        let client = ClientInfo::default();
        let some = app
            .list_persons(&admin, Default::default())
            .await
            .unwrap()
            .items[0]
            .clone();
        let record = RecordBuilder::civil_servant()
            .born("1970-06-15")
            .national_id("020170004322")
            .build();
        let created = create_person(&app, &admin, some.unit_id, record).await;
        let r = retirement(Gender::Female, date!(1970 - 06 - 15));
        let as_of = r.notice_due - time::Duration::days(10);
        app.compute_all_alerts(as_of).await.unwrap();
        let notices = |handled: bool| AlertQuery {
            kind: Some("retirement_notice".into()),
            handled: Some(handled),
            per_page: Some(200),
            ..Default::default()
        };
        let open = app.list_alerts(&admin, notices(false)).await.unwrap();
        let alert = open
            .items
            .iter()
            .find(|a| a.person_id == created)
            .expect("the notice is due")
            .clone();
        assert!(alert.handled.is_none());
        let count = |app: &App| {
            let app = app.clone();
            let admin = admin.clone();
            async move {
                app.alert_summary(&admin)
                    .await
                    .unwrap()
                    .iter()
                    .find(|c| c.kind == "retirement_notice")
                    .map_or(0, |c| c.count)
            }
        };
        let before = count(&app).await;
        let mark = |note: &str| AlertMark {
            person_id: created,
            kind: alert.kind.clone(),
            due: alert.due.clone(),
            note: Some(note.into()),
        };

        // A leader reads records but does not write them: refused before anything is checked.
        let refused = app
            .mark_alert_handled(&leader, mark("đã gửi"), &client)
            .await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        // An alert that is not there is named, and nothing is marked.
        let missing = app
            .mark_alert_handled(
                &admin,
                AlertMark {
                    due: "2020-01-01".into(),
                    ..mark("")
                },
                &client,
            )
            .await;
        assert!(matches!(missing, Err(AppError::BadRequest(ref m)) if m.contains("không còn")));

        app.mark_alert_handled(&admin, mark("Đã gửi thông báo số 12/TB-SYT"), &client)
            .await
            .unwrap();
        assert_eq!(count(&app).await, before - 1, "{}", db.label);
        let open = app.list_alerts(&admin, notices(false)).await.unwrap();
        assert!(!open.items.iter().any(|a| a.person_id == created));
        let handled = app.list_alerts(&admin, notices(true)).await.unwrap();
        let marked = handled
            .items
            .iter()
            .find(|a| a.person_id == created)
            .expect("listed as dealt with");
        let by = marked.handled.as_ref().unwrap();
        assert_eq!(by.note, "Đã gửi thông báo số 12/TB-SYT");
        assert!(!by.by.is_empty());

        // The next daily run keeps the mark: the alert is the same one.
        app.compute_all_alerts(as_of + time::Duration::days(1))
            .await
            .unwrap();
        assert_eq!(count(&app).await, before - 1, "{}", db.label);

        // Taken back, it is open again; taking back twice is told.
        app.reopen_alert(&admin, mark(""), &client).await.unwrap();
        assert_eq!(count(&app).await, before, "{}", db.label);
        let again = app.reopen_alert(&admin, mark(""), &client).await;
        assert!(matches!(again, Err(AppError::BadRequest(_))));
    }
}
