//! The deadline report on every database: three change requests sent the same Monday, due five
//! working days later under the deployment's own verification rule; one verified in time, one
//! late, one not at all. The daily alert job keeps each deadline after its alert clears, and
//! the report counts them per unit and rule, with how late in working days.

mod common;

use common::{config_on, databases, demo_app, example_rules_file, login};
use hoso_app::changes::{NewChange, ReviewInput};
use hoso_app::deadline_report::{DeadlineCounts, DeadlineReport, DeadlineReportQuery};
use hoso_app::{Actor, App, AppError, ClientInfo, Config};
use serde_json::json;
use time::macros::date;

const RULE: &str = "tinh_mau.change_verification";

fn on(db: &common::TestDb, today: time::Date) -> Config {
    Config {
        deadline_rules_file: Some(example_rules_file()),
        ..config_on(db, today)
    }
}

/// The personal account of a person of the demo province.
async fn individual(app: &App, person: i64) -> Actor {
    let mut conn = app.store().reader().await.unwrap();
    let account = hoso_store::accounts::ids_of_person(&mut conn, person)
        .await
        .unwrap()[0];
    let username = hoso_store::accounts::by_id(&mut conn, account)
        .await
        .unwrap()
        .unwrap()
        .username;
    drop(conn);
    login(app, &username).await
}

/// `who` proposes another name for their own record and sends it: a request waiting for
/// verification from today.
async fn send_request(app: &App, who: &Actor, person: i64, name: &str) -> i64 {
    let client = ClientInfo::default();
    let record = app.get_person(who, person, &client).await.unwrap().record;
    let mut general = record["general"].clone();
    general["other_names"] = json!(name);
    let mut sections = serde_json::Map::new();
    sections.insert("general".into(), general);
    let draft = app
        .create_change(
            who,
            NewChange {
                person_id: person,
                reason: "Bổ sung tên gọi khác".into(),
                sections: Some(sections),
            },
            &client,
        )
        .await
        .unwrap();
    app.submit_change(who, draft.summary.id, &client)
        .await
        .unwrap();
    draft.summary.id
}

async fn verify(app: &App, admin: &Actor, request: i64) {
    app.verify_change(
        admin,
        request,
        ReviewInput::default(),
        &ClientInfo::default(),
    )
    .await
    .unwrap();
}

fn rule_counts(report: &DeadlineReport) -> DeadlineCounts {
    let mut rows = report.rows.iter().filter(|r| r.rule_id == RULE);
    let mut counts = DeadlineCounts::default();
    for r in rows.by_ref() {
        counts.total += r.counts.total;
        counts.on_time += r.counts.on_time;
        counts.late += r.counts.late;
        counts.overdue += r.counts.overdue;
        counts.running += r.counts.running;
        counts.max_days_late = counts.max_days_late.max(r.counts.max_days_late);
        counts.days_late += r.counts.days_late;
    }
    counts
}

#[tokio::test]
async fn the_report_counts_deadlines_met_late_and_missed_per_unit_in_working_days() {
    for db in databases().await {
        let label = db.label;
        let client = ClientInfo::default();
        // Mon 02/11/2026: three requests, due Mon 09/11 (03, 04, 05, 06, 09).
        let monday = demo_app(on(&db, date!(2026 - 11 - 02)), 12).await;
        let admin = login(&monday, "admin").await;
        let people = monday
            .list_persons(&admin, Default::default())
            .await
            .unwrap()
            .items;
        let mut requests = Vec::new();
        for (i, p) in people.iter().take(3).enumerate() {
            let me = individual(&monday, p.id).await;
            requests.push(send_request(&monday, &me, p.id, &format!("Tên khác {i}")).await);
        }
        monday
            .compute_all_alerts(date!(2026 - 11 - 02))
            .await
            .unwrap();
        // Not yet due: counted as running in a period that reaches their date, and not at all
        // in the default one, which ends today.
        let running = monday
            .deadline_report(
                &admin,
                &DeadlineReportQuery {
                    to: Some("2026-11-30".into()),
                    ..Default::default()
                },
                &client,
            )
            .await
            .unwrap();
        let so_far = monday
            .deadline_report(&admin, &DeadlineReportQuery::default(), &client)
            .await
            .unwrap();
        assert!(so_far.rows.is_empty(), "{label}: {so_far:?}");
        assert_eq!(
            (rule_counts(&running).total, rule_counts(&running).running),
            (3, 3),
            "{label}: {running:?}"
        );
        drop(monday);

        // Thu 05/11: the first is verified; the job of Fri 06/11 finds it done by the 5th.
        let thursday = App::start(on(&db, date!(2026 - 11 - 05))).await.unwrap();
        verify(&thursday, &admin, requests[0]).await;
        thursday
            .compute_all_alerts(date!(2026 - 11 - 06))
            .await
            .unwrap();
        drop(thursday);
        // Wed 11/11: the second, two working days late (10, 11/11).
        let late = App::start(on(&db, date!(2026 - 11 - 11))).await.unwrap();
        verify(&late, &admin, requests[1]).await;
        late.compute_all_alerts(date!(2026 - 11 - 12))
            .await
            .unwrap();
        drop(late);

        // Mon 16/11: the third is still waiting, five working days late (10–13, 16/11).
        let today = App::start(on(&db, date!(2026 - 11 - 16))).await.unwrap();
        today
            .compute_all_alerts(date!(2026 - 11 - 16))
            .await
            .unwrap();
        let report = today
            .deadline_report(&admin, &DeadlineReportQuery::default(), &client)
            .await
            .unwrap();
        assert_eq!(report.from, "2026-01-01", "{label}: the year so far");
        assert_eq!(report.to, "2026-11-16");
        assert_eq!(
            rule_counts(&report),
            DeadlineCounts {
                total: 3,
                on_time: 1,
                late: 1,
                overdue: 1,
                running: 0,
                max_days_late: 5,
                days_late: 2 + 5,
            },
            "{label}: {report:?}"
        );
        assert!(
            report
                .rows
                .iter()
                .all(|r| r.rule_name == "Cán bộ tổ chức xác thực phiếu bổ sung lý lịch"),
            "{label}: {report:?}"
        );
        // Each deadline is its person's unit's.
        let units: std::collections::BTreeSet<i64> =
            people.iter().take(3).map(|p| p.unit_id).collect();
        assert_eq!(
            report
                .rows
                .iter()
                .map(|r| r.unit_id)
                .collect::<std::collections::BTreeSet<_>>(),
            units,
            "{label}"
        );
        assert_eq!(report.totals.total, 3);

        // The period is the due dates': none fell due before 09/11.
        let before = today
            .deadline_report(
                &admin,
                &DeadlineReportQuery {
                    to: Some("2026-11-08".into()),
                    ..Default::default()
                },
                &client,
            )
            .await
            .unwrap();
        assert!(before.rows.is_empty(), "{label}: {before:?}");

        // Bad input: a clear refusal in Vietnamese.
        for (from, to, says) in [
            ("2026-13-01", "2026-11-16", "không phải ngày hợp lệ"),
            ("2026-11-16", "2026-11-01", "Khoảng thời gian không hợp lệ"),
        ] {
            let bad = today
                .deadline_report(
                    &admin,
                    &DeadlineReportQuery {
                        from: Some(from.into()),
                        to: Some(to.into()),
                        unit: None,
                    },
                    &client,
                )
                .await;
            assert!(
                matches!(&bad, Err(AppError::BadRequest(m)) if m.contains(says)),
                "{label}: {bad:?}"
            );
        }

        // Rights: an individual may not; a unit administrator sees its own unit only, and
        // another unit does not exist for it.
        let me = individual(&today, people[2].id).await;
        let refused = today
            .deadline_report(&me, &DeadlineReportQuery::default(), &client)
            .await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        let unit = people[0].unit_id;
        let mut conn = today.store().reader().await.unwrap();
        let mut paths = std::collections::BTreeMap::new();
        for p in &people {
            let u = hoso_store::org::get(&mut conn, p.unit_id)
                .await
                .unwrap()
                .unwrap();
            paths.insert(p.unit_id, (u.path, u.code.to_lowercase()));
        }
        drop(conn);
        let (top, code) = paths[&unit].clone();
        let within = |u: i64| hoso_domain::org::is_within(&paths[&u].0, &top);
        let hr = login(&today, &format!("qt.{code}")).await;
        let own = today
            .deadline_report(&hr, &DeadlineReportQuery::default(), &client)
            .await
            .unwrap();
        let inside = people.iter().take(3).filter(|p| within(p.unit_id)).count();
        assert_eq!(own.totals.total, inside as i64, "{label}: {own:?}");
        assert!(
            own.rows.iter().all(|r| within(r.unit_id)),
            "{label}: {own:?}"
        );
        if let Some(other) = people.iter().map(|p| p.unit_id).find(|u| !within(*u)) {
            let hidden = today
                .deadline_report(
                    &hr,
                    &DeadlineReportQuery {
                        unit: Some(other),
                        ..Default::default()
                    },
                    &client,
                )
                .await;
            assert!(
                matches!(hidden, Err(AppError::NotFound(_))),
                "{label}: {hidden:?}"
            );
        }

        // Every reading is in the audit trail, with its period.
        let mut conn = today.store().reader().await.unwrap();
        let (entries, total) = hoso_store::audit::search(
            &mut conn,
            &hoso_store::audit::Filter {
                action: Some("deadline_report.view".into()),
                ..Default::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
        // Monday's two, today's three (year, before 09/11, the unit administrator's); the
        // refused ones are recorded as refusals.
        assert_eq!(total, 5, "{label}: {entries:?}");
    }
}

const DECISION_RULE: &str = "lang_son.change_update";

/// Lạng Sơn Điều 8 khoản 2: the person records a decision within 15 working days. Hoso cannot
/// see a decision before it is recorded, so the deadline is kept, met or late, the moment a
/// change adds it: the day the person sent it in, or the day HR entered it.
#[tokio::test]
async fn a_decision_recorded_late_or_in_time_is_counted_the_day_it_arrives() {
    for db in databases().await {
        let label = db.label;
        let client = ClientInfo::default();
        let lang_son = |today| Config {
            deadline_preset: "lang-son-2023".into(),
            ..config_on(&db, today)
        };
        // The records exist from Tue 01/09/2026.
        let seeded = demo_app(lang_son(date!(2026 - 09 - 01)), 12).await;
        let admin = login(&seeded, "admin").await;
        let people = seeded
            .list_persons(&admin, Default::default())
            .await
            .unwrap()
            .items;
        let (a, b) = (people[0].id, people[1].id);
        let me = individual(&seeded, a).await;
        drop(seeded);

        // Mon 26/10: A sends in an appointment decided Thu 01/10 (due Thu 22/10: 02/10, 5–9,
        // 12–16, 19–22/10), two working days late; HR verifies it the same day.
        let monday = App::start(lang_son(date!(2026 - 10 - 26))).await.unwrap();
        let record = monday.get_person(&me, a, &client).await.unwrap().record;
        let mut events = record["personnel_events"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        events.push(json!({
            "event_type": "bo_nhiem",
            "decision_number": "125/QĐ-UBND",
            "decision_date": "2026-10-01",
            "effective_date": "2026-10-01",
            "position": "Phó Trưởng phòng",
        }));
        let mut sections = serde_json::Map::new();
        sections.insert("personnel_events".into(), json!(events));
        let draft = monday
            .create_change(
                &me,
                NewChange {
                    person_id: a,
                    reason: "Quyết định bổ nhiệm".into(),
                    sections: Some(sections),
                },
                &client,
            )
            .await
            .unwrap();
        monday
            .submit_change(&me, draft.summary.id, &client)
            .await
            .unwrap();
        verify(&monday, &admin, draft.summary.id).await;

        // The same day HR enters for B an award decided Tue 20/10 (due Tue 10/11): in time.
        let view = monday.get_person(&admin, b, &client).await.unwrap();
        let mut doc = view.record.clone();
        let mut awards = doc
            .get("annual_achievements")
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default();
        awards.push(
            json!({ "year": 2026, "decision_number": "88/QĐ-UBND", "decision_date": "2026-10-20" }),
        );
        doc.insert("annual_achievements".into(), json!(awards.clone()));
        let update = |record, expected_version| hoso_app::records::UpdateRecord {
            expected_version,
            record,
            unit_id: None,
            status: None,
            note: None,
        };
        let after = monday
            .update_record(
                &admin,
                b,
                update(doc.clone(), view.current_version),
                &client,
            )
            .await
            .unwrap();
        // Correcting the award's date (same number) is the same decision: no other deadline.
        let mut awards = awards;
        let last = awards.len() - 1;
        awards[last]["decision_date"] = json!("2026-10-21");
        doc.insert("annual_achievements".into(), json!(awards));
        monday
            .update_record(&admin, b, update(doc, after.current_version), &client)
            .await
            .unwrap();

        let report = monday
            .deadline_report(
                &admin,
                &DeadlineReportQuery {
                    from: Some("2026-10-01".into()),
                    to: Some("2026-11-30".into()),
                    ..Default::default()
                },
                &client,
            )
            .await
            .unwrap();
        let mut counts = DeadlineCounts::default();
        for r in report.rows.iter().filter(|r| r.rule_id == DECISION_RULE) {
            counts.total += r.counts.total;
            counts.on_time += r.counts.on_time;
            counts.late += r.counts.late;
            counts.max_days_late = counts.max_days_late.max(r.counts.max_days_late);
        }
        assert_eq!(
            (
                counts.total,
                counts.on_time,
                counts.late,
                counts.max_days_late
            ),
            (2, 1, 1, 2),
            "{label}: {report:?}"
        );
    }
}

/// A deadline opened and met between two daily runs is kept too: the refresh after each action
/// writes the history, so a request sent and verified the same day counts as on time.
#[tokio::test]
async fn a_request_verified_before_any_daily_run_is_counted_on_time() {
    for db in databases().await {
        let label = db.label;
        let client = ClientInfo::default();
        let app = demo_app(on(&db, date!(2026 - 11 - 02)), 12).await;
        let admin = login(&app, "admin").await;
        let person = app
            .list_persons(&admin, Default::default())
            .await
            .unwrap()
            .items[0]
            .id;
        let me = individual(&app, person).await;
        let request = send_request(&app, &me, person, "Tên khác trong ngày").await;
        let to_month_end = || async {
            app.deadline_report(
                &admin,
                &DeadlineReportQuery {
                    to: Some("2026-11-30".into()),
                    ..Default::default()
                },
                &client,
            )
            .await
            .unwrap()
        };
        let open = to_month_end().await;
        assert_eq!(
            (rule_counts(&open).total, rule_counts(&open).running),
            (1, 1),
            "{label}: seen as soon as it was sent: {open:?}"
        );
        verify(&app, &admin, request).await;
        let report = to_month_end().await;
        assert_eq!(
            (rule_counts(&report).total, rule_counts(&report).on_time),
            (1, 1),
            "{label}: {report:?}"
        );
    }
}
