//! The monthly payroll and Đồng Tháp's salary cycle (Điều 17), on every database: on Tue
//! 08/12/2026 an agency's HR officer records December's sheet (the window of 01–10 runs to
//! Thu 10/12) and November's late; each line is computed from the record; the Sở Tài chính's
//! consolidation (the 25th) takes what the agencies recorded and closes the month. Rights come
//! before the sheet's rules; every refusal changes nothing and is audited.

mod common;

use common::{config_on, create_person, databases, demo_app, login};
use hoso_app::payroll::{
    PayrollOverview, PayrollQuery, RecordPayrollConsolidation, RecordPayrollSheet,
};
use hoso_app::security::{CreateAccount, GrantInput};
use hoso_app::{Actor, App, AppError, ClientInfo, Config};
use hoso_domain::schema::fixtures::RecordBuilder;
use serde_json::json;
use time::macros::date;

const PROVINCIAL: &str = "dong_thap.salary_update_provincial";
const CONSOLIDATION: &str = "dong_thap.salary_consolidation";

async fn account(app: &App, admin: &Actor, role: &str, unit_id: i64) -> Actor {
    let client = ClientInfo::default();
    let username = format!("bl.{role}.{unit_id}");
    let created = app
        .create_account(
            admin,
            CreateAccount {
                username: username.clone(),
                display_name: format!("Tài khoản {role}"),
                grants: vec![GrantInput {
                    role: role.into(),
                    unit_id: Some(unit_id),
                    read_only: false,
                }],
                request_ref: "CV 3/TEST".into(),
            },
            &client,
        )
        .await
        .unwrap();
    app.login(&username, &created.temporary_password, None, &client)
        .await
        .unwrap()
        .1
}

fn state_of(view: &PayrollOverview, rule: &str, unit: i64, period: &str) -> Option<String> {
    view.duties
        .iter()
        .find(|d| d.rule_id == rule && d.unit_id == unit && d.period == period)
        .map(|d| d.state.clone())
}

fn sheet(unit_id: i64, period: &str, paid_on: &str) -> RecordPayrollSheet {
    RecordPayrollSheet {
        unit_id,
        period: period.into(),
        paid_on: paid_on.into(),
        note: None,
    }
}

async fn audited(app: &App, action: &str) -> i64 {
    let mut conn = app.store().reader().await.unwrap();
    hoso_store::audit::search(
        &mut conn,
        &hoso_store::audit::Filter {
            action: Some(action.into()),
            ..Default::default()
        },
        50,
        0,
    )
    .await
    .unwrap()
    .1
}

#[tokio::test]
async fn an_agency_records_its_monthly_sheet_and_the_so_tai_chinh_consolidates_it() {
    for db in databases().await {
        let label = db.label;
        let client = ClientInfo::default();
        let config = Config {
            deadline_preset: "dong-thap-2024".into(),
            ..config_on(&db, date!(2026 - 12 - 08))
        };
        let app = demo_app(config, 12).await;
        let admin = login(&app, "admin").await;
        let before = app.payroll(&admin, &PayrollQuery::default()).await.unwrap();
        assert_eq!(before.period, "2026-12");
        assert_eq!(before.open_periods, ["2026-11", "2026-12"]);
        // Every agency owes November (due Tue 10/11, overdue) and December (due Thu 10/12,
        // running); the demo province, of 2025, has no district; the Sở Tài chính owes the
        // consolidations of Wed 25/11 and Fri 25/12.
        let agencies: Vec<i64> = before
            .duties
            .iter()
            .filter(|d| d.rule_id == PROVINCIAL && d.period == "2026-12")
            .map(|d| d.unit_id)
            .collect();
        assert!(agencies.len() >= 2, "{label}");
        let due: Vec<(&str, &str, &str)> = before
            .duties
            .iter()
            .filter(|d| d.unit_id == agencies[0] || d.rule_id == CONSOLIDATION)
            .map(|d| (d.period.as_str(), d.due.as_str(), d.state.as_str()))
            .collect();
        assert_eq!(
            due,
            [
                ("2026-11", "2026-11-10", "overdue"),
                ("2026-11", "2026-11-25", "overdue"),
                ("2026-12", "2026-12-10", "running"),
                ("2026-12", "2026-12-25", "running"),
            ],
            "{label}"
        );
        assert!(
            !before
                .duties
                .iter()
                .any(|d| d.rule_id == "dong_thap.salary_update_district"),
            "{label}"
        );
        assert!(before.sheets.is_empty());
        let unit = agencies[0];
        let other = agencies[1];
        let hr = account(&app, &admin, "unit_admin", unit).await;
        let viewer = account(&app, &admin, "viewer", unit).await;

        // A chuyên viên of step 3 (3,00) with a position allowance of 0,20 and the khu vực
        // allowance of 0,10: 2.530.000 × (3,00 + 0,20 + 0,10) = 8.349.000 đ in December.
        let record = RecordBuilder::civil_servant()
            .national_id("004185009876")
            .name("Trần Thị Bảng")
            .rank("01.003")
            .salary(3, 3.0)
            .set("salary", "rank_or_title_name", json!("Chuyên viên"))
            .set("salary", "position_allowance_coefficient", json!(0.2))
            .without("allowance_history")
            .push_row(
                "allowance_history",
                json!({"from": "2026-01", "allowance_type": "Phụ cấp khu vực", "coefficient": 0.1}),
            )
            .build();
        let person = create_person(&app, &admin, unit, record).await;

        // Rights first: outside the officer's unit, "not found"; a viewer may not record.
        let outside = app
            .record_payroll_sheet(&hr, &sheet(other, "2026-12", "2026-12-05"), &client)
            .await;
        assert!(
            matches!(outside, Err(AppError::NotFound(_))),
            "{label}: {outside:?}"
        );
        let read_only = app
            .record_payroll_sheet(&viewer, &sheet(unit, "not a month", "2026-12-05"), &client)
            .await;
        assert!(
            matches!(read_only, Err(AppError::Forbidden)),
            "{label}: {read_only:?}"
        );
        // Then the sheet's rules, each in Vietnamese.
        for (bad, says) in [
            (
                sheet(unit, "2026-10", "2026-10-05"),
                "tháng này (12/2026) hoặc tháng trước",
            ),
            (sheet(unit, "13/2026", "2026-12-05"), "không hợp lệ"),
            (sheet(unit, "2026-12", ""), "Cần thời gian chi trả"),
            (
                sheet(unit, "2026-12", "2027-03-01"),
                "không gần tháng 12/2026",
            ),
        ] {
            match app.record_payroll_sheet(&hr, &bad, &client).await {
                Err(AppError::BadRequest(m)) => assert!(m.contains(says), "{label}: {m}"),
                other => panic!("{label}: {other:?}"),
            }
        }
        let unchanged = app.payroll(&admin, &PayrollQuery::default()).await.unwrap();
        assert!(unchanged.sheets.is_empty(), "{label}");
        // The refusal of the viewer is audited (a unit not seen is only "not found"); nothing
        // was recorded.
        assert_eq!(audited(&app, "payroll.sheet_record.refused").await, 1);
        assert_eq!(audited(&app, "payroll.sheet_record").await, 0);

        // December, on time.
        let december = app
            .record_payroll_sheet(&hr, &sheet(unit, "12/2026", "05/12/2026"), &client)
            .await
            .unwrap();
        assert_eq!(december.period, "2026-12");
        assert_eq!(december.recorded_on, "2026-12-08");
        assert!(december.may_read);
        let read = app
            .payroll_sheet(&hr, december.id, false, &client)
            .await
            .unwrap();
        assert_eq!(read.lines.len() as i64, december.headcount);
        assert!(december.headcount >= 1);
        let line = read
            .lines
            .iter()
            .find(|l| l.person_id == person)
            .expect("the new chuyên viên is on the sheet");
        let pay = line.pay.as_ref().unwrap();
        assert_eq!(pay.base_salary, 2_530_000);
        assert_eq!(pay.salary, 7_590_000);
        assert_eq!(pay.position_allowance, 506_000);
        assert_eq!(pay.coefficient_allowances, 253_000);
        assert_eq!(pay.total, 8_349_000);
        assert_eq!(pay.allowances_counted, "Phụ cấp khu vực 0,10");
        assert_eq!(line.rank_name.as_deref(), Some("Chuyên viên"));
        let summed: i64 = read
            .lines
            .iter()
            .filter_map(|l| l.pay.as_ref())
            .map(|p| p.total)
            .sum();
        assert_eq!(summed, december.total);
        assert_eq!(audited(&app, "payroll.sheet_read").await, 1);
        // The viewer of the unit reads it too (salary is internal); the officer of another unit
        // does not see it.
        app.payroll_sheet(&viewer, december.id, false, &client)
            .await
            .unwrap();
        let hr_other = account(&app, &admin, "unit_admin", other).await;
        assert!(matches!(
            app.payroll_sheet(&hr_other, december.id, false, &client)
                .await,
            Err(AppError::NotFound(_))
        ));

        // November, recorded late: due Tue 10/11, recorded on Tue 08/12.
        app.record_payroll_sheet(&hr, &sheet(unit, "2026-11", "2026-11-05"), &client)
            .await
            .unwrap();
        let after = app.payroll(&hr, &PayrollQuery::default()).await.unwrap();
        assert_eq!(
            state_of(&after, PROVINCIAL, unit, "2026-12").as_deref(),
            Some("on_time")
        );
        assert_eq!(
            state_of(&after, PROVINCIAL, unit, "2026-11").as_deref(),
            Some("late")
        );
        // The officer sees only their agency's duties, and no consolidation.
        assert!(after.duties.iter().all(|d| d.unit_id == unit), "{label}");
        assert!(after.consolidation.is_none());
        assert_eq!(after.units.first().map(|u| u.id), Some(unit));

        // Recorded again: the same sheet, its first day kept, the new data counted.
        let again = app
            .record_payroll_sheet(&hr, &sheet(unit, "2026-12", "2026-12-07"), &client)
            .await
            .unwrap();
        assert_eq!(again.id, december.id);
        assert_eq!(again.recorded_on, "2026-12-08");
        assert_eq!(again.paid_on, "2026-12-07");
        assert!(again.revised_at.is_some());

        // The Sở Tài chính: an officer of the unit may not consolidate; the province may.
        let refused = app
            .record_payroll_consolidation(
                &hr,
                &RecordPayrollConsolidation {
                    period: "2026-12".into(),
                    note: None,
                },
                &client,
            )
            .await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{label}");
        let future = app
            .record_payroll_consolidation(
                &admin,
                &RecordPayrollConsolidation {
                    period: "2027-01".into(),
                    note: None,
                },
                &client,
            )
            .await;
        assert!(matches!(future, Err(AppError::BadRequest(_))), "{label}");
        let consolidated = app
            .record_payroll_consolidation(
                &admin,
                &RecordPayrollConsolidation {
                    period: "2026-12".into(),
                    note: Some("Tổng hợp tháng 12".into()),
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(consolidated.units_recorded, 1);
        assert_eq!(consolidated.units_expected, agencies.len() as i64);
        assert_eq!(consolidated.total, again.total);
        assert_eq!(consolidated.headcount, again.headcount);
        assert_eq!(consolidated.recorded_on.as_deref(), Some("2026-12-08"));
        // Once: a second consolidation, or a sheet of the month made again, is refused.
        let twice = app
            .record_payroll_consolidation(
                &admin,
                &RecordPayrollConsolidation {
                    period: "2026-12".into(),
                    note: None,
                },
                &client,
            )
            .await;
        assert!(matches!(twice, Err(AppError::Conflict(_))), "{label}");
        let closed = app
            .record_payroll_sheet(&hr, &sheet(unit, "2026-12", "2026-12-07"), &client)
            .await;
        assert!(matches!(closed, Err(AppError::Conflict(_))), "{label}");
        let province = app.payroll(&admin, &PayrollQuery::default()).await.unwrap();
        let root = province.consolidation.as_ref().unwrap();
        assert_eq!(root.recorded_on.as_deref(), Some("2026-12-08"));
        assert_eq!(root.note.as_deref(), Some("Tổng hợp tháng 12"));
        assert!(!root.may_record);
        assert_eq!(
            state_of(&province, CONSOLIDATION, root.unit_id, "2026-12").as_deref(),
            Some("on_time")
        );
        assert_eq!(
            state_of(&province, CONSOLIDATION, root.unit_id, "2026-11").as_deref(),
            Some("overdue")
        );
        assert_eq!(audited(&app, "payroll.consolidation_record").await, 1);
        assert_eq!(
            audited(&app, "payroll.consolidation_record.refused").await,
            1
        );
        // The Sở's inspection view counts the salary dates with the other deadlines.
        let report = app
            .deadline_report(
                &admin,
                &hoso_app::deadline_report::DeadlineReportQuery {
                    from: Some("2026-11-01".into()),
                    to: Some("2026-12-31".into()),
                    unit: None,
                },
                &client,
            )
            .await
            .unwrap();
        let counts = |rule: &str, unit_id: i64| {
            report
                .rows
                .iter()
                .find(|r| r.rule_id == rule && r.unit_id == unit_id)
                .map(|r| {
                    let c = &r.counts;
                    (c.total, c.on_time, c.late, c.overdue, c.running)
                })
        };
        assert_eq!(counts(PROVINCIAL, unit), Some((2, 1, 1, 0, 0)), "{label}");
        assert_eq!(counts(PROVINCIAL, other), Some((2, 0, 0, 1, 1)), "{label}");
        assert_eq!(
            counts(CONSOLIDATION, root.unit_id),
            Some((2, 1, 0, 1, 0)),
            "{label}"
        );
        // Filters: a state, a unit's name; a bad state is told.
        let open = app
            .payroll(
                &admin,
                &PayrollQuery {
                    state: Some("open".into()),
                    ..PayrollQuery::default()
                },
            )
            .await
            .unwrap();
        assert!(
            open.duties
                .iter()
                .all(|d| d.state == "overdue" || d.state == "running")
        );
        assert!(
            !open
                .duties
                .iter()
                .any(|d| d.unit_id == unit && d.rule_id == PROVINCIAL)
        );
        assert!(matches!(
            app.payroll(
                &admin,
                &PayrollQuery {
                    state: Some("xong".into()),
                    ..PayrollQuery::default()
                },
            )
            .await,
            Err(AppError::BadRequest(_))
        ));
    }
}

#[tokio::test]
async fn a_province_whose_regulation_sets_no_salary_dates_still_keeps_its_sheets() {
    for db in databases().await {
        let client = ClientInfo::default();
        let config = Config {
            deadline_preset: "lang-son-2023".into(),
            ..config_on(&db, date!(2026 - 07 - 15))
        };
        let app = demo_app(config, 6).await;
        let admin = login(&app, "admin").await;
        let view = app.payroll(&admin, &PayrollQuery::default()).await.unwrap();
        assert!(view.duties.is_empty(), "{}", db.label);
        let unit = view.units[0].id;
        // July 2026: the lương cơ sở of 2.530.000 đ applies from the month's first day.
        let recorded = app
            .record_payroll_sheet(&admin, &sheet(unit, "2026-07", "2026-07-10"), &client)
            .await
            .unwrap();
        let read = app
            .payroll_sheet(&admin, recorded.id, true, &client)
            .await
            .unwrap();
        assert!(
            read.lines
                .iter()
                .filter_map(|l| l.pay.as_ref())
                .all(|p| p.base_salary == 2_530_000)
        );
        assert_eq!(audited(&app, "payroll.sheet_export").await, 1);
    }
}
