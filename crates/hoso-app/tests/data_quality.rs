//! Data quality "Đúng, Đủ, Sạch, Sống" on every database, from records made for it in three
//! new units whose figures are known by construction: an approved complete record, one not
//! approved, two records of one name and birth date in two units, a record last changed 400
//! days ago with a deadline open past its date, an incomplete record brought in by an import
//! into a department. The figures, the ranking, the drill-down lists and their reasons, the
//! scope of a unit's HR officer, and the refusals.

mod common;

use common::{config, config_on, databases, demo_app, login};
use hoso_app::data_quality::{DataQualityQuery, DataQualityRecordsQuery, DataQualityReport};
use hoso_app::imports::{ImportFile, ImportOptions};
use hoso_app::org::CreateOrgUnit;
use hoso_app::security::{CreateAccount, GrantInput};
use hoso_app::{Actor, App, AppError, ClientInfo};
use hoso_domain::schema::fixtures::RecordBuilder;
use hoso_store::deadline_outcomes::OpenDeadline;
use time::Duration;

async fn unit(app: &App, admin: &Actor, parent: i64, code: &str, name: &str, kind: &str) -> i64 {
    app.create_org_unit(
        admin,
        CreateOrgUnit {
            parent_id: parent,
            code: code.into(),
            name: name.into(),
            kind: kind.into(),
            valid_from: Some("2020-01-01".into()),
            decision_ref: None,
        },
        &ClientInfo::default(),
    )
    .await
    .unwrap()
    .id
}

async fn approve(app: &App, person: i64) {
    let mut tx = app.store().begin().await.unwrap();
    assert!(
        hoso_store::approvals::set_official(&mut tx, person, 1)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
}

fn record(national_id: &str, name: &str) -> hoso_domain::schema::RecordDoc {
    RecordBuilder::civil_servant()
        .national_id(national_id)
        .name(name)
        .build()
}

fn figures(r: &DataQualityReport, unit: i64) -> (i64, f64, f64, f64, f64) {
    let u = r
        .units
        .iter()
        .find(|u| u.unit_id == unit)
        .unwrap_or_else(|| panic!("unit {unit} in {:?}", r.units));
    (u.people, u.correct, u.complete, u.clean, u.live)
}

async fn failing(app: &App, who: &Actor, unit: i64, criterion: &str) -> Vec<(i64, Vec<String>)> {
    app.data_quality_records(
        who,
        &DataQualityRecordsQuery {
            criterion: criterion.into(),
            unit: Some(unit),
            ..Default::default()
        },
        &ClientInfo::default(),
    )
    .await
    .unwrap()
    .records
    .items
    .into_iter()
    .map(|r| (r.person_id, r.reasons))
    .collect()
}

#[tokio::test]
async fn the_four_criteria_are_counted_per_unit_ranked_and_lead_to_the_records_to_fix() {
    for db in databases().await {
        let label = db.label;
        let client = ClientInfo::default();
        let today = hoso_store::testing::today();
        let app = demo_app(config(&db), 6).await;
        let admin = login(&app, "admin").await;
        let root = app
            .org_units(&admin)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.parent_id.is_none())
            .unwrap()
            .id;
        let a = unit(
            &app,
            &admin,
            root,
            "CLDL-A",
            "Sở Thử A",
            "administrative_agency",
        )
        .await;
        let a1 = unit(&app, &admin, a, "CLDL-A1", "Phòng Thử A1", "department").await;
        let b = unit(
            &app,
            &admin,
            root,
            "CLDL-B",
            "Sở Thử B",
            "administrative_agency",
        )
        .await;

        // Last changed 400 days ago: an app on that day writes it.
        let old_day = today - Duration::days(400);
        let then = App::start(config_on(&db, old_day)).await.unwrap();
        let admin_then = login(&then, "admin").await;
        let stale =
            common::create_person(&then, &admin_then, b, record("020185700006", "Đỗ Văn Sáu"))
                .await;
        drop(then);

        let fine =
            common::create_person(&app, &admin, a, record("020185700001", "Lê Văn Một")).await;
        let unapproved =
            common::create_person(&app, &admin, a, record("020185700002", "Lê Văn Hai")).await;
        let twin_a =
            common::create_person(&app, &admin, a, record("020185700003", "Trần Văn Trùng")).await;
        // The same name, accents aside, and the same birth date, in another unit.
        let twin_b =
            common::create_person(&app, &admin, b, record("020185700004", "Tran Van Trung")).await;
        // An incomplete legacy row imported into the department.
        let csv = "Họ và tên,Ngày sinh,Giới tính,Số định danh,Dân tộc\n\
                   Phạm Thị Thiếu,01/02/1990,Nữ,020190700005,Kinh\n";
        let report = app
            .import_now(
                &admin,
                &client,
                a1,
                &ImportFile {
                    file_name: "thieu.csv".into(),
                    bytes: csv.as_bytes().to_vec(),
                    options: ImportOptions::default(),
                },
            )
            .await
            .unwrap();
        assert_eq!(report.created, 1, "{label}: {report:?}");
        let incomplete = app
            .list_persons(
                &admin,
                hoso_app::records::PersonQuery {
                    unit: Some(a1),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items[0]
            .id;
        for p in [fine, twin_a, twin_b, stale, incomplete] {
            approve(&app, p).await;
        }
        // A deadline of the stale record open since ten days ago.
        let mut tx = app.store().begin().await.unwrap();
        hoso_store::deadline_outcomes::record(
            &mut tx,
            &[stale],
            &today.to_string(),
            &today.to_string(),
            &[OpenDeadline {
                person_id: stale,
                unit_id: b,
                kind: "deadline_overdue".into(),
                rule_id: "thu.quy_tac".into(),
                rule_name: "Quy tắc thử".into(),
                due: (today - Duration::days(10)).to_string(),
            }],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        // Under A: A counts its own three (not the department's), the department its one.
        let under_a = app
            .data_quality(&admin, &DataQualityQuery { unit: Some(a) }, &client)
            .await
            .unwrap();
        assert_eq!(under_a.units.len(), 2, "{label}: {:?}", under_a.units);
        assert_eq!(under_a.as_of, today.to_string());
        let (people, correct, complete, clean, live) = figures(&under_a, a);
        assert_eq!(people, 3, "{label}");
        // Đúng: 2 of 3 (one not approved); Sạch: 2 of 3 (one twin).
        assert_eq!((correct, clean, live), (66.7, 66.7, 100.0), "{label}");
        assert_eq!(complete, 100.0, "{label}");
        let (people, correct, complete, clean, live) = figures(&under_a, a1);
        assert_eq!(people, 1, "{label}");
        assert_eq!((correct, clean, live), (100.0, 100.0, 100.0), "{label}");
        assert!(complete < 100.0, "{label}: {complete}");
        assert_eq!(under_a.total.people, 4, "{label}");
        assert_eq!(under_a.total.correct, 75.0, "{label}");
        assert_eq!(under_a.total.clean, 75.0, "{label}");
        // Ranked by overall score, best first, and each score the mean of its four figures.
        assert!(under_a.units[0].score >= under_a.units[1].score, "{label}");
        assert_eq!(under_a.units[0].rank, 1);
        for u in &under_a.units {
            let mean = ((u.correct + u.complete + u.clean + u.live) * 10.0 / 4.0).round() / 10.0;
            assert!((u.score - mean).abs() <= 0.051, "{label}: {u:?}");
        }
        // Đủ per section adds up to the total's fields.
        let expected: i64 = under_a.sections.iter().map(|s| s.expected).sum();
        let filled: i64 = under_a.sections.iter().map(|s| s.filled).sum();
        assert_eq!(
            (expected, filled),
            (under_a.total.fields_expected, under_a.total.fields_filled),
            "{label}"
        );
        assert!(filled < expected);

        let under_b = app
            .data_quality(&admin, &DataQualityQuery { unit: Some(b) }, &client)
            .await
            .unwrap();
        let (people, correct, complete, clean, live) = figures(&under_b, b);
        assert_eq!(people, 2, "{label}");
        assert_eq!(
            (correct, complete, clean, live),
            (100.0, 100.0, 50.0, 50.0),
            "{label}"
        );

        // The drill-down: who, and why.
        let not_correct = failing(&app, &admin, a, "dung").await;
        assert_eq!(not_correct.len(), 1, "{label}: {not_correct:?}");
        assert_eq!(not_correct[0].0, unapproved);
        assert_eq!(
            not_correct[0].1,
            vec!["Phiên bản hiện hành của hồ sơ chưa được phê duyệt"]
        );
        let not_clean = failing(&app, &admin, a, "sach").await;
        assert_eq!(not_clean.len(), 1, "{label}");
        assert_eq!(not_clean[0].0, twin_a);
        assert_eq!(
            not_clean[0].1,
            vec!["Trùng họ tên và ngày sinh với 1 hồ sơ khác"]
        );
        let not_complete = failing(&app, &admin, a1, "du").await;
        assert_eq!(not_complete.len(), 1, "{label}");
        assert_eq!(not_complete[0].0, incomplete);
        assert!(
            not_complete[0].1[0].starts_with("Thiếu "),
            "{not_complete:?}"
        );
        assert!(failing(&app, &admin, a, "du").await.is_empty(), "{label}");
        let not_live = failing(&app, &admin, b, "song").await;
        assert_eq!(not_live.len(), 1, "{label}");
        assert_eq!(not_live[0].0, stale);
        assert_eq!(not_live[0].1.len(), 2, "{label}: {not_live:?}");
        assert!(not_live[0].1[0].contains(&hoso_domain::calendar::format_date(old_day)));
        assert!(not_live[0].1[1].contains("quá hạn"), "{not_live:?}");

        // A record fixed (approved) leaves the list at once.
        approve(&app, unapproved).await;
        assert!(failing(&app, &admin, a, "dung").await.is_empty(), "{label}");

        // Bad input: an unknown criterion (Vietnamese 400), a unit outside the scope (404).
        let e = app
            .data_quality_records(
                &admin,
                &DataQualityRecordsQuery {
                    criterion: "dep".into(),
                    unit: Some(a),
                    ..Default::default()
                },
                &client,
            )
            .await;
        match e {
            Err(AppError::BadRequest(m)) => assert!(m.contains("Tiêu chí"), "{m}"),
            other => panic!("{label}: {other:?}"),
        }
        let e = app
            .data_quality(
                &admin,
                &DataQualityQuery {
                    unit: Some(999_999),
                },
                &client,
            )
            .await;
        assert!(matches!(e, Err(AppError::NotFound(_))), "{label}: {e:?}");

        // The HR officer of B sees B only: A is "not found", the list holds B's rows.
        let created = app
            .create_account(
                &admin,
                CreateAccount {
                    username: "qt.cldl.b".into(),
                    display_name: "Cán bộ tổ chức B".into(),
                    grants: vec![GrantInput {
                        role: "unit_admin".into(),
                        unit_id: Some(b),
                        read_only: false,
                    }],
                    request_ref: "CV 1/TEST".into(),
                },
                &client,
            )
            .await
            .unwrap();
        let (_, hr_b) = app
            .login("qt.cldl.b", &created.temporary_password, None, &client)
            .await
            .unwrap();
        let mine = app
            .data_quality(&hr_b, &DataQualityQuery::default(), &client)
            .await
            .unwrap();
        assert_eq!(
            mine.units.iter().map(|u| u.unit_id).collect::<Vec<_>>(),
            vec![b],
            "{label}"
        );
        assert_eq!(mine.total.people, 2, "{label}");
        let e = app
            .data_quality(&hr_b, &DataQualityQuery { unit: Some(a) }, &client)
            .await;
        assert!(matches!(e, Err(AppError::NotFound(_))), "{label}: {e:?}");
        let e = app
            .data_quality_records(
                &hr_b,
                &DataQualityRecordsQuery {
                    criterion: "dung".into(),
                    unit: Some(a),
                    ..Default::default()
                },
                &client,
            )
            .await;
        assert!(matches!(e, Err(AppError::NotFound(_))), "{label}: {e:?}");
        // Its drill-down over everything it sees names only B's people.
        let all = app
            .data_quality_records(
                &hr_b,
                &DataQualityRecordsQuery {
                    criterion: "sach".into(),
                    ..Default::default()
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(
            all.records
                .items
                .iter()
                .map(|r| r.person_id)
                .collect::<Vec<_>>(),
            vec![twin_b],
            "{label}"
        );

        // The monthly check of LS Đ13.4.
        let check = app
            .data_quality_monthly(&admin, &DataQualityQuery { unit: Some(b) }, &client)
            .await
            .unwrap();
        assert!(check.legal_basis.contains("Điều 13 khoản 4"));
        // The 25th of this month, or from the 25th on, of the next.
        let due = if today.day() < 25 {
            today.replace_day(25).unwrap()
        } else {
            (today.replace_day(1).unwrap() + Duration::days(31))
                .replace_day(25)
                .unwrap()
        };
        assert_eq!(check.due, due.to_string(), "{label}");
        assert_eq!(check.report.total.people, 2);
        // The stale record was last changed 400 days ago; the twin this month.
        assert_eq!(check.updated_this_month, 1, "{label}");

        // Each view is audited: the figures of A and B, and the HR officer's own.
        let mut conn = app.store().reader().await.unwrap();
        let count = |action: &'static str| hoso_store::audit::Filter {
            action: Some(action.into()),
            ..Default::default()
        };
        let (_, views) = hoso_store::audit::search(&mut conn, &count("data_quality.view"), 50, 0)
            .await
            .unwrap();
        assert_eq!(views, 3, "{label}");
        let (_, lists) =
            hoso_store::audit::search(&mut conn, &count("data_quality.records"), 50, 0)
                .await
                .unwrap();
        assert!(lists >= 7, "{label}: {lists}");
        let (_, monthly) =
            hoso_store::audit::search(&mut conn, &count("data_quality.monthly"), 50, 0)
                .await
                .unwrap();
        assert_eq!(monthly, 1, "{label}");
    }
}
