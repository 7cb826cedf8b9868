//! Exact alerts for seeded people on a given day under Lai Châu's regulation: probation read
//! from the record, a retirement decision not yet put into the status, a person still without
//! an account — and the holiday amendment moving a due date. On every database.

mod common;

use common::{config, create_person, databases, demo_app, login, some_unit};
use hoso_app::alerts::{AlertQuery, AlertView};
use hoso_app::holidays::HolidayDayInput;
use hoso_app::{Actor, App, ClientInfo, Config};
use hoso_domain::schema::fixtures::RecordBuilder;
use serde_json::json;
use time::macros::date;

/// Lai Châu's regulation.
fn lai_chau(db: &common::TestDb) -> Config {
    Config {
        deadline_preset: "lai-chau-2024".into(),
        ..config(db)
    }
}

async fn alerts_of(app: &App, admin: &Actor, person: i64) -> Vec<(String, String, String)> {
    let page = app
        .list_alerts(
            admin,
            AlertQuery {
                per_page: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut out: Vec<(String, String, String)> = page
        .items
        .into_iter()
        .filter(|a: &AlertView| a.person_id == person)
        // The records are created on the test's day (its version waits for a signature from
        // then: an approval alert whose due date follows that day, tested with the approvals);
        // here, the deadline rules alone.
        .filter(|a: &AlertView| a.kind != "approval_pending")
        .map(|a| (a.kind, a.due, a.legal_basis))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn seeded_people_get_exactly_their_alerts() {
    for db in databases().await {
        let app = demo_app(lai_chau(&db), 3).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let unit_id = some_unit(&app, &admin).await;

        // A doctor recruited on Mon 02/03/2026, paid 85% (on probation, 9 months: NĐ 115/2020
        // Điều 21 as amended by NĐ 85/2023) → probation ends 02/12/2026. No account of her
        // own: Lai Châu wants one within 5 working days of joining → Mon 09/03/2026.
        let mut trainee = RecordBuilder::civil_servant()
            .national_id("020185004444")
            .category("public_employee")
            .set("recruitment", "first_recruitment_date", json!("2026-03-02"))
            .set(
                "recruitment",
                "current_agency_join_date",
                json!("2026-03-02"),
            )
            .without("personnel_events")
            .push_row(
                "personnel_events",
                json!({
                    "event_type": "tuyen_dung", "decision_number": "7/QĐ-SYT",
                    "decision_date": "2026-02-20", "effective_date": "2026-03-02"
                }),
            )
            .without("annual_achievements")
            .without("disciplinary_records")
            .without("salary_history")
            .build();
        trainee["salary"] = json!({
            "rank_or_title_name": "Bác sĩ (hạng III)",
            "rank_or_title_code": "V.08.01.03",
            "rank_appointment_date": "2026-03-02",
            "salary_step": 1,
            "salary_coefficient": 2.34,
            "salary_effective_date": "2026-03-02",
            "salary_percent": 85,
            "job_position_name": "Bác sĩ",
            "job_position_code": "VTVL-BS-01"
        });
        let position = trainee["position"].as_object_mut().unwrap();
        position.remove("current_position");
        position.remove("position_appointment_date");
        let trainee = create_person(&app, &admin, unit_id, trainee).await;

        // The sample civil servant, whose record shows a retirement decided 15/06/2026 and
        // effective Wed 01/07/2026, still "working": Lai Châu's 10 working days → Wed 15/07.
        let retiring = RecordBuilder::civil_servant()
            .national_id("020185005555")
            .push_row(
                "personnel_events",
                json!({
                    "event_type": "nghi_huu", "decision_number": "9/QĐ-UBND",
                    "decision_date": "2026-06-15", "effective_date": "2026-07-01"
                }),
            )
            .build();
        let retiring = create_person(&app, &admin, unit_id, retiring).await;

        let on = date!(2026 - 11 - 20);
        app.compute_all_alerts(on).await.unwrap();
        let lai_chau = "Quy chế kèm QĐ …/2024/QĐ-UBND tỉnh Lai Châu (dự thảo)";
        let t = alerts_of(&app, &admin, trainee).await;
        assert_eq!(
            t,
            vec![
                (
                    "deadline_overdue".to_string(),
                    "2026-03-09".to_string(),
                    format!("{lai_chau}, Điều 6 khoản 3 (quy tắc lai_chau.account)")
                ),
                (
                    "probation_ending".to_string(),
                    "2026-12-02".to_string(),
                    "NĐ 115/2020/NĐ-CP Điều 21, sửa đổi bởi NĐ 85/2023/NĐ-CP".to_string()
                ),
            ],
            "{}",
            db.label
        );
        let r = alerts_of(&app, &admin, retiring).await;
        let late: Vec<_> = r.iter().filter(|a| a.0 == "deadline_overdue").collect();
        assert_eq!(
            late,
            vec![&(
                "deadline_overdue".to_string(),
                "2026-07-15".to_string(),
                format!("{lai_chau}, Điều 10 khoản 5 (quy tắc lai_chau.status_change)")
            )],
            "{}: {r:?}",
            db.label
        );

        // A day off announced inside the window (Fri 10/07/2026) moves the due date to 16/07.
        app.add_holiday_day(
            &admin,
            2026,
            HolidayDayInput {
                date: "2026-07-10".into(),
                kind: "holiday".into(),
                name: "Ngày nghỉ thử".into(),
                source: String::new(),
                decision_ref: "TB thử".into(),
            },
            &client,
        )
        .await
        .unwrap();
        app.compute_all_alerts(on).await.unwrap();
        let r = alerts_of(&app, &admin, retiring).await;
        assert!(
            r.iter()
                .any(|a| a.0 == "deadline_overdue" && a.1 == "2026-07-16"),
            "{}: {r:?}",
            db.label
        );
        // The same in the what-if preview.
        let preview = app
            .preview_alerts(
                &admin,
                AlertQuery {
                    date: Some(on.to_string()),
                    unit: Some(unit_id),
                    kind: Some("deadline_overdue".into()),
                    per_page: Some(200),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            preview.items.iter().any(|a| a.person_id == retiring
                && a.due == "2026-07-16"
                && a.message.contains("nghỉ hưu")),
            "{}",
            db.label
        );
        // Before the probation window opens, only the overdue account remains.
        app.compute_all_alerts(date!(2026 - 10 - 01)).await.unwrap();
        assert_eq!(
            alerts_of(&app, &admin, trainee)
                .await
                .into_iter()
                .map(|a| a.0)
                .collect::<Vec<_>>(),
            vec!["deadline_overdue".to_string()]
        );
    }
}
