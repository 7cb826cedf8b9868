//! Holiday schedules amended by the system administrator: stored, audited, in force at once and
//! after a restart; refused (naming the line) without changing anything — on every database.

mod common;

use common::{config, databases, demo_app, login};
use hoso_app::holidays::{HolidayDayInput, HolidayRemoval, HolidayYearInput};
use hoso_app::security::AuditQuery;
use hoso_app::{App, AppError, ClientInfo};
use time::macros::date;

#[tokio::test]
async fn the_administrator_amends_a_year_and_everything_counts_with_it() {
    for db in databases().await {
        let app = demo_app(config(&db), 2).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let leader = login(&app, "lanhdao").await;

        // 2027 has no announced schedule: computed from the law; everyone may read it.
        let y = app.holiday_year(&leader, 2027).await.unwrap();
        assert_eq!(y.origin, "computed", "{}", db.label);
        assert!(y.days.iter().any(|d| d.date == "2027-02-06"), "Tết 2027");
        let working_before = y.working_days;
        assert_eq!(
            app.holiday_year(&leader, 2026).await.unwrap().origin,
            "shipped"
        );

        // The Government announces 2027 with a swap: Fri 12/02 off, Sat 20/02 worked.
        let mut tsv = y.tsv.clone();
        tsv.push_str("2027\t2027-02-12\tswap_day_off\tNghỉ hoán đổi dịp Tết\tTB thử\n");
        tsv.push_str("2027\t2027-02-20\tswap_work_day\tLàm bù cho 12/02\tTB thử\n");
        let cal_before = app.calendar();
        assert!(cal_before.is_working_day(date!(2027 - 02 - 12)));
        let amended = app
            .put_holiday_year(
                &admin,
                2027,
                HolidayYearInput {
                    tsv,
                    decision_ref: "Thông báo 1/TB-BNV".into(),
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(amended.origin, "amended");
        assert_eq!(amended.amended_note.as_deref(), Some("Thông báo 1/TB-BNV"));
        assert_eq!(amended.working_days, working_before);
        let cal = app.calendar();
        assert!(!cal.is_working_day(date!(2027 - 02 - 12)));
        assert!(cal.is_working_day(date!(2027 - 02 - 20)));
        assert_eq!(
            cal.add_working_days(date!(2027 - 02 - 11), 1),
            date!(2027 - 02 - 15)
        );
        // "Last 5 working days" of February 2027 follow it too.
        assert_eq!(
            cal.last_working_days_of_month(2027, time::Month::February, 5),
            vec![
                date!(2027 - 02 - 22),
                date!(2027 - 02 - 23),
                date!(2027 - 02 - 24),
                date!(2027 - 02 - 25),
                date!(2027 - 02 - 26)
            ]
        );

        // One day added (Ngày Văn hóa Việt Nam 24/11/2026) and removed again.
        let with_day = app
            .add_holiday_day(
                &admin,
                2026,
                HolidayDayInput {
                    date: "2026-11-24".into(),
                    kind: "holiday".into(),
                    name: "Ngày Văn hóa Việt Nam".into(),
                    source: String::new(),
                    decision_ref: "NQ thử".into(),
                },
                &client,
            )
            .await
            .unwrap();
        assert!(with_day.days.iter().any(|d| d.date == "2026-11-24"
            && d.source == "NQ thử"
            && d.kind_label == "Nghỉ lễ, Tết"));
        assert!(!app.calendar().is_working_day(date!(2026 - 11 - 24)));

        // Refusals: nothing changes, each message names the line or the day.
        let before = app.holiday_year(&leader, 2027).await.unwrap().tsv;
        let bad_date = format!("{before}2027\t2027-02-30\tholiday\tNgày sai\t\n");
        let lines = before.lines().count() + 1;
        let e = app
            .put_holiday_year(
                &admin,
                2027,
                HolidayYearInput {
                    tsv: bad_date,
                    decision_ref: "TB 2".into(),
                },
                &client,
            )
            .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.starts_with(&format!("Dòng {lines}: ngày «2027-02-30» không tồn tại"))),
            "{e:?}"
        );
        let overlap = format!("{before}2027\t2027-02-12\tholiday\tTrùng\t\n");
        let e = app
            .put_holiday_year(
                &admin,
                2027,
                HolidayYearInput {
                    tsv: overlap,
                    decision_ref: "TB 2".into(),
                },
                &client,
            )
            .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.contains("12/02/2027 đã có ở dòng")),
            "{e:?}"
        );
        let unknown = format!("{before}2027\t2027-03-03\tnghi_phep\tLạ\t\n");
        let e = app
            .put_holiday_year(
                &admin,
                2027,
                HolidayYearInput {
                    tsv: unknown,
                    decision_ref: "TB 2".into(),
                },
                &client,
            )
            .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.starts_with(&format!("Dòng {lines}: loại ngày «nghi_phep» không xác định"))),
            "{e:?}"
        );
        let e = app
            .remove_holiday_day(
                &admin,
                2027,
                "2027-04-30",
                HolidayRemoval {
                    decision_ref: "TB 3".into(),
                },
                &client,
            )
            .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.contains("Ngày Chiến thắng (30/4)")),
            "{e:?}"
        );
        let e = app
            .put_holiday_year(
                &admin,
                2027,
                HolidayYearInput {
                    tsv: before.clone(),
                    decision_ref: "  ".into(),
                },
                &client,
            )
            .await;
        assert!(matches!(&e, Err(AppError::BadRequest(m)) if m.contains("decision_ref")));
        // Only the system administrator amends; the refusal is audited.
        let e = app
            .remove_holiday_day(
                &leader,
                2026,
                "2026-11-24",
                HolidayRemoval {
                    decision_ref: "TB 4".into(),
                },
                &client,
            )
            .await;
        assert!(matches!(e, Err(AppError::Forbidden)), "{e:?}");
        assert_eq!(app.holiday_year(&leader, 2027).await.unwrap().tsv, before);
        assert!(!app.calendar().is_working_day(date!(2026 - 11 - 24)));

        let removed = app
            .remove_holiday_day(
                &admin,
                2026,
                "2026-11-24",
                HolidayRemoval {
                    decision_ref: "TB 5".into(),
                },
                &client,
            )
            .await
            .unwrap();
        assert!(!removed.days.iter().any(|d| d.date == "2026-11-24"));
        assert!(app.calendar().is_working_day(date!(2026 - 11 - 24)));

        // Audited: three amendments and one refusal.
        let audit = |action: &str| AuditQuery {
            action: Some(action.to_string()),
            ..AuditQuery::default()
        };
        for (action, n) in [
            ("holidays.put_year", 1),
            ("holidays.add_day", 1),
            ("holidays.remove_day", 1),
            ("holidays.remove_day.refused", 1),
        ] {
            let page = app
                .audit_entries(&admin, audit(action), &client)
                .await
                .unwrap();
            assert_eq!(page.total, n, "{action} on {}", db.label);
        }

        // A restart (or another node) reads the amendments from the database.
        let again = App::start(config(&db)).await.unwrap();
        let cal = again.calendar();
        assert!(cal.is_scheduled_year(2027));
        assert!(!cal.is_working_day(date!(2027 - 02 - 12)));
        assert!(cal.is_working_day(date!(2026 - 11 - 24)));
    }
}
