//! The register of periodic reports on every database (LS Đ13.6: each agency by 15/01; Đ15.7:
//! the Sở by 31/01): on Wed 20/01/2027 one agency sent on time, one two working days late, the
//! others not at all; the Sở's report is still running. Rights come before the report's rules.

mod common;

use common::{config_on, databases, demo_app, login};
use hoso_app::periodic_reports::{PeriodicReportQuery, PeriodicReports, RecordReportSent};
use hoso_app::security::{CreateAccount, GrantInput};
use hoso_app::{Actor, App, AppError, ClientInfo, Config};
use time::macros::date;

const UNIT_RULE: &str = "lang_son.annual_report_unit";
const PROVINCE_RULE: &str = "lang_son.annual_report_province";

fn sent(rule: &str, year: i32, unit_id: i64, sent_on: &str, reference: &str) -> RecordReportSent {
    RecordReportSent {
        rule_id: rule.into(),
        year,
        unit_id,
        sent_on: sent_on.into(),
        reference: reference.into(),
        note: None,
    }
}

fn states(list: &PeriodicReports, rule: &str, due: &str) -> Vec<(i64, String)> {
    list.rows
        .iter()
        .filter(|r| r.rule_id == rule && r.due == due)
        .map(|r| (r.unit_id, r.state.clone()))
        .collect()
}

async fn hr_of(app: &App, admin: &Actor, unit_id: i64) -> Actor {
    let client = ClientInfo::default();
    let username = format!("qt.baocao.{unit_id}");
    let created = app
        .create_account(
            admin,
            CreateAccount {
                username: username.clone(),
                display_name: "Cán bộ tổ chức cơ quan".into(),
                grants: vec![GrantInput {
                    role: "unit_admin".into(),
                    unit_id: Some(unit_id),
                    read_only: false,
                }],
                request_ref: "CV 2/TEST".into(),
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

#[tokio::test]
async fn each_agency_and_the_so_report_by_their_dates_met_late_or_overdue() {
    for db in databases().await {
        let label = db.label;
        let client = ClientInfo::default();
        let config = Config {
            deadline_preset: "lang-son-2023".into(),
            ..config_on(&db, date!(2027 - 01 - 20))
        };
        let app = demo_app(config, 12).await;
        let admin = login(&app, "admin").await;
        let before = app
            .periodic_reports(&admin, &PeriodicReportQuery::default())
            .await
            .unwrap();
        // Each agency's report of 15/01/2027 (last cycle) and 17/01/2028 (15/01 a Saturday),
        // the Sở's of 02/02/2026 (31/01 a Saturday) and 01/02/2027 (a Sunday).
        let agencies: Vec<i64> = states(&before, UNIT_RULE, "2027-01-15")
            .into_iter()
            .map(|(u, _)| u)
            .collect();
        assert!(agencies.len() >= 3, "{label}: {before:?}");
        assert_eq!(
            states(&before, UNIT_RULE, "2028-01-17").len(),
            agencies.len(),
            "{label}"
        );
        let province = states(&before, PROVINCE_RULE, "2027-02-01");
        assert_eq!(province.len(), 1, "{label}: {before:?}");
        assert_eq!(province[0].1, "running");
        assert_eq!(states(&before, PROVINCE_RULE, "2026-02-02")[0].1, "overdue");
        assert!(
            states(&before, UNIT_RULE, "2027-01-15")
                .iter()
                .all(|(_, s)| s == "overdue")
        );
        assert_eq!(before.overdue, agencies.len() + 1, "{label}");
        let (a, b, c) = (agencies[0], agencies[1], agencies[2]);

        // A: the administrator records it sent Thursday 14/01, on time.
        let row = app
            .record_report_sent(
                &admin,
                &sent(UNIT_RULE, 2027, a, "14/01/2027", "12/BC-SYT"),
                &client,
            )
            .await
            .unwrap();
        assert_eq!(
            (row.state.as_str(), row.sent_on.as_deref()),
            ("on_time", Some("2027-01-14"))
        );
        // B: its own HR officer, Tuesday 19/01: two working days late (18, 19).
        let hr_b = hr_of(&app, &admin, b).await;
        let row = app
            .record_report_sent(
                &hr_b,
                &sent(UNIT_RULE, 2027, b, "2027-01-19", "7/BC-STC"),
                &client,
            )
            .await
            .unwrap();
        assert_eq!(row.state_label, "Đã gửi, trễ 2 ngày làm việc", "{label}");
        // The Sở's own report of this year, sent today: on time.
        let root = province[0].0;
        app.record_report_sent(
            &admin,
            &sent(PROVINCE_RULE, 2027, root, "2027-01-20", "30/BC-SNV"),
            &client,
        )
        .await
        .unwrap();

        let after = app
            .periodic_reports(&admin, &PeriodicReportQuery::default())
            .await
            .unwrap();
        let of = |unit: i64| {
            states(&after, UNIT_RULE, "2027-01-15")
                .into_iter()
                .find(|(u, _)| *u == unit)
                .unwrap()
                .1
        };
        assert_eq!(
            (of(a).as_str(), of(b).as_str(), of(c).as_str()),
            ("on_time", "late", "overdue"),
            "{label}"
        );
        assert_eq!(after.overdue, agencies.len() - 2 + 1, "{label}");
        let mine = after
            .rows
            .iter()
            .find(|r| r.unit_id == b && r.due == "2027-01-15")
            .unwrap();
        assert_eq!(
            (
                mine.reference.as_deref(),
                mine.recorded_by.as_deref(),
                mine.may_record
            ),
            (Some("7/BC-STC"), Some("Cán bộ tổ chức cơ quan"), false)
        );
        // Filters: what is still owed, and by a unit's name without its accents.
        let open = app
            .periodic_reports(
                &admin,
                &PeriodicReportQuery {
                    state: Some("open".into()),
                    q: None,
                },
            )
            .await
            .unwrap();
        assert!(open.rows.iter().all(|r| r.sent_on.is_none()), "{label}");
        assert!(
            !open
                .rows
                .iter()
                .any(|r| r.unit_id == a && r.due == "2027-01-15")
        );
        let c_name = after
            .rows
            .iter()
            .find(|r| r.unit_id == c)
            .unwrap()
            .unit_name
            .clone();
        let plain = hoso_domain::search_key::fold(&c_name);
        let by_name = app
            .periodic_reports(
                &admin,
                &PeriodicReportQuery {
                    state: None,
                    q: Some(plain.to_uppercase()),
                },
            )
            .await
            .unwrap();
        assert!(!by_name.rows.is_empty() && by_name.rows.iter().all(|r| r.unit_name == c_name));

        // The Sở's inspection view counts the reports with the other deadlines; B's officer
        // sees B's alone.
        let window = hoso_app::deadline_report::DeadlineReportQuery {
            from: Some("2027-01-01".into()),
            to: Some("2027-01-20".into()),
            unit: None,
        };
        let report = app.deadline_report(&admin, &window, &client).await.unwrap();
        let counted = |report: &hoso_app::deadline_report::DeadlineReport, unit: i64| {
            report
                .rows
                .iter()
                .find(|r| r.rule_id == UNIT_RULE && r.unit_id == unit)
                .map(|r| {
                    (
                        r.counts.on_time,
                        r.counts.late,
                        r.counts.overdue,
                        r.counts.max_days_late,
                    )
                })
        };
        assert_eq!(counted(&report, a), Some((1, 0, 0, 0)), "{label}");
        assert_eq!(counted(&report, b), Some((0, 1, 0, 2)), "{label}");
        assert_eq!(counted(&report, c), Some((0, 0, 1, 3)), "{label}");
        let own = app.deadline_report(&hr_b, &window, &client).await.unwrap();
        assert!(own.rows.iter().all(|r| r.unit_id == b), "{label}");
        assert_eq!(counted(&own, b), Some((0, 1, 0, 2)), "{label}");

        // B's officer sees B's reports only, and may record none of another agency's.
        let own = app
            .periodic_reports(&hr_b, &PeriodicReportQuery::default())
            .await
            .unwrap();
        assert!(
            !own.rows.is_empty() && own.rows.iter().all(|r| r.unit_id == b),
            "{label}"
        );
        let elsewhere = app
            .record_report_sent(
                &hr_b,
                &sent(UNIT_RULE, 2027, c, "2027-01-20", "1/BC"),
                &client,
            )
            .await;
        assert!(
            matches!(elsewhere, Err(AppError::NotFound(_))),
            "{label}: {elsewhere:?}"
        );
        // A read-only leader sees them all and records nothing: refused before any rule.
        let leader = login(&app, "lanhdao").await;
        assert!(
            !app.periodic_reports(&leader, &PeriodicReportQuery::default())
                .await
                .unwrap()
                .rows
                .is_empty()
        );
        let refused = app
            .record_report_sent(&leader, &sent("nope", 0, c, "x", ""), &client)
            .await;
        assert!(
            matches!(refused, Err(AppError::Forbidden)),
            "{label}: {refused:?}"
        );

        // Bad input, each with its own Vietnamese message, nothing recorded.
        for (input, says) in [
            (
                sent("nope", 2027, c, "2027-01-20", "1/BC"),
                "Không có báo cáo định kỳ",
            ),
            (
                sent("lang_son.monthly_check", 2027, c, "2027-01-20", "1/BC"),
                "Không có báo cáo định kỳ",
            ),
            (
                sent(UNIT_RULE, 2025, c, "2026-01-20", "1/BC"),
                "không phải kỳ vừa đến hạn",
            ),
            (
                sent(UNIT_RULE, 2027, root, "2027-01-20", "1/BC"),
                "không phải đơn vị gửi",
            ),
            (
                sent(PROVINCE_RULE, 2027, c, "2027-01-20", "1/BC"),
                "không phải đơn vị gửi",
            ),
            (
                sent(UNIT_RULE, 2028, c, "2027-01-15", "1/BC"),
                "không sau hạn kỳ trước",
            ),
            (
                sent(UNIT_RULE, 2027, c, "2027-01-21", "1/BC"),
                "sau hôm nay",
            ),
            (sent(UNIT_RULE, 2027, c, "32/01/2027", "1/BC"), "sent_on"),
            (sent(UNIT_RULE, 2027, c, "2027-01-20", "  "), "số, ký hiệu"),
        ] {
            let bad = app.record_report_sent(&admin, &input, &client).await;
            assert!(
                matches!(&bad, Err(AppError::BadRequest(m)) if m.contains(says)),
                "{label}: {says}: {bad:?}"
            );
        }
        let twice = app
            .record_report_sent(
                &admin,
                &sent(UNIT_RULE, 2027, a, "2027-01-15", "13/BC-SYT"),
                &client,
            )
            .await;
        assert!(
            matches!(twice, Err(AppError::Conflict(_))),
            "{label}: {twice:?}"
        );
        let bad_state = app
            .periodic_reports(
                &admin,
                &PeriodicReportQuery {
                    state: Some("sent".into()),
                    q: None,
                },
            )
            .await;
        assert!(matches!(bad_state, Err(AppError::BadRequest(_))), "{label}");
        let still = app
            .periodic_reports(&admin, &PeriodicReportQuery::default())
            .await
            .unwrap();
        assert_eq!(
            still.overdue, after.overdue,
            "{label}: nothing more recorded"
        );

        // An agency set up on Monday 18/01/2027 owes no report of 15/01/2027, only the next.
        let new_agency = app
            .create_org_unit(
                &admin,
                hoso_app::org::CreateOrgUnit {
                    parent_id: root,
                    code: "SMOI".into(),
                    name: "Sở mới thành lập".into(),
                    kind: "administrative_agency".into(),
                    valid_from: Some("2027-01-18".into()),
                    decision_ref: Some("QĐ 5/QĐ-UBND".into()),
                },
                &client,
            )
            .await
            .unwrap()
            .id;
        let with_new = app
            .periodic_reports(&admin, &PeriodicReportQuery::default())
            .await
            .unwrap();
        let dues: Vec<&str> = with_new
            .rows
            .iter()
            .filter(|r| r.unit_id == new_agency)
            .map(|r| r.due.as_str())
            .collect();
        assert_eq!(dues, vec!["2028-01-17"], "{label}");
        let early = app
            .record_report_sent(
                &admin,
                &sent(UNIT_RULE, 2027, new_agency, "2027-01-20", "1/BC"),
                &client,
            )
            .await;
        assert!(
            matches!(&early, Err(AppError::BadRequest(m)) if m.contains("không phải đơn vị gửi")),
            "{label}: {early:?}"
        );
    }
}
