//! Records crossing the province's border, on every database: one Hoso transfers a person out
//! of its province and hands the record over as a signed package; another Hoso, on a database
//! of its own, checks the package and receives the person with the record's history as it was.
//! Lạng Sơn's hand-over deadline (Điều 9 khoản 1 điểm d) and Đồng Tháp's report to the Sở
//! (Điều 22 khoản 5) fire and clear on these events. Every
//! refusal changes nothing and is audited.

mod common;

use common::{config_on, create_person, databases, demo_app, login, some_unit};
use hoso_app::approvals::{PrepareBatch, SignBatch};
use hoso_app::handovers::{HandOver, ReceivePackage};
use hoso_app::signing::{Authority, Usage};
use hoso_app::status_decisions::NewStatusDecision;
use hoso_app::{Actor, App, AppError, ClientInfo, Config};
use hoso_domain::schema::fixtures::RecordBuilder;
use time::macros::date;

const DAY: i64 = 86_400;

/// A province's regulation (`preset`), trusting `root`.
fn province(
    db: &common::TestDb,
    preset: &str,
    root: &std::path::Path,
    today: time::Date,
) -> Config {
    Config {
        deadline_preset: preset.into(),
        trusted_roots_file: Some(root.to_path_buf()),
        ..config_on(db, today)
    }
}

async fn late(app: &App, admin: &Actor, person: i64, rule: &str) -> Vec<String> {
    app.list_alerts(
        admin,
        hoso_app::alerts::AlertQuery {
            per_page: Some(200),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .filter(|a| a.person_id == person && a.legal_basis.contains(rule))
    .map(|a| a.due)
    .collect()
}

/// The audit entries of `action`, done or refused.
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

async fn unit_code(app: &App, id: i64) -> String {
    let mut conn = app.store().reader().await.unwrap();
    hoso_store::org::get(&mut conn, id)
        .await
        .unwrap()
        .unwrap()
        .code
        .to_lowercase()
}

async fn person_count(app: &App, admin: &Actor) -> i64 {
    app.list_persons(admin, Default::default())
        .await
        .unwrap()
        .total
}

#[tokio::test]
async fn a_person_leaves_one_province_with_a_signed_package_and_is_received_by_another() {
    for (here, there) in databases().await.into_iter().zip(databases().await) {
        // Thu 30/04/2026 the transfer takes effect: 30/4 and 1/5 are holidays, so the
        // hand-over is due Fri 08/05.
        let today = date!(2026 - 04 - 30);
        let now = hoso_app::Clock::on(today).now_seconds();
        let root = Authority::issue(
            "Hoso Test Root",
            Usage::CertificateAuthority,
            now - 400 * DAY,
            now + 4000 * DAY,
            None,
        )
        .unwrap();
        let signer = Authority::issue(
            "Thủ trưởng đơn vị",
            Usage::Signing,
            now - DAY,
            now + 365 * DAY,
            Some(&root),
        )
        .unwrap();
        let root_file = here.dir.path().join("roots.pem");
        std::fs::write(&root_file, root.cert.to_pem().unwrap()).unwrap();
        let p12 = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            signer.to_pkcs12(&[], "ky-so").unwrap(),
        );
        let client = ClientInfo::default();

        // Province A: a person, their record signed, then transferred out.
        let a = demo_app(province(&here, "lang-son-2023", &root_file, today), 4).await;
        let admin_a = login(&a, "admin").await;
        let unit_a = some_unit(&a, &admin_a).await;
        let record = RecordBuilder::civil_servant()
            .national_id("004185001234")
            .build();
        let person = create_person(&a, &admin_a, unit_a, record).await;
        let e = a
            .hand_over(&admin_a, person, HandOver::default(), &client)
            .await;
        assert!(matches!(&e, Err(AppError::BadRequest(_))), "{e:?}");
        let e = a
            .hand_over(
                &admin_a,
                person,
                HandOver {
                    counterpart: "Sở Nội vụ tỉnh Cao Bằng".into(),
                    note: None,
                },
                &client,
            )
            .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.contains("Chuyển công tác ra ngoài tỉnh")),
            "{}: not before the transfer: {e:?}",
            here.label
        );
        a.decide_status(
            &admin_a,
            person,
            NewStatusDecision {
                kind: "chuyen_ra_ngoai_tinh".into(),
                decision_number: "45/QĐ-UBND".into(),
                decision_date: "2026-04-20".into(),
                signer: "Chủ tịch UBND tỉnh".into(),
                effective_date: "2026-04-30".into(),
                note: Some("Sở Nội vụ tỉnh Cao Bằng".into()),
            },
            &client,
        )
        .await
        .unwrap();
        let view = a.get_person(&admin_a, person, &client).await.unwrap();
        assert_eq!(view.status, "transferred_out", "{}", here.label);
        // Kept read-only.
        let e = a
            .update_record(
                &admin_a,
                person,
                hoso_app::records::UpdateRecord {
                    expected_version: view.current_version,
                    record: view.record.clone(),
                    unit_id: None,
                    status: None,
                    note: None,
                },
                &client,
            )
            .await;
        assert!(
            matches!(&e, Err(AppError::Conflict(m)) if m.contains("chỉ được xem")),
            "{e:?}"
        );
        // Not signed yet: nothing to hand over.
        let e = a
            .hand_over(
                &admin_a,
                person,
                HandOver {
                    counterpart: "Sở Nội vụ tỉnh Cao Bằng".into(),
                    note: None,
                },
                &client,
            )
            .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.contains("phê duyệt bằng chữ ký số")),
            "{e:?}"
        );
        assert_eq!(audited(&a, "record.hand_over").await, 3, "{}", here.label);
        let head_a = login(&a, &format!("pd.{}", unit_code(&a, unit_a).await)).await;
        let batch = a
            .prepare_batch(
                &head_a,
                PrepareBatch {
                    person_ids: Some(vec![person]),
                    override_window: None,
                },
                &client,
            )
            .await
            .unwrap();
        a.sign_batch(
            &head_a,
            batch.id,
            SignBatch {
                pkcs12: Some(p12.clone()),
                password: Some("ky-so".into()),
                ..Default::default()
            },
            &client,
        )
        .await
        .unwrap();

        // Lạng Sơn Điều 9 khoản 1 điểm d: handed over within 5 working days.
        a.compute_all_alerts(date!(2026 - 05 - 08)).await.unwrap();
        assert!(
            late(&a, &admin_a, person, "lang_son.transfer_out")
                .await
                .is_empty()
        );
        a.compute_all_alerts(date!(2026 - 05 - 11)).await.unwrap();
        assert_eq!(
            late(&a, &admin_a, person, "lang_son.transfer_out").await,
            vec!["2026-05-08".to_string()],
            "{}",
            here.label
        );
        let handed = a
            .hand_over(
                &admin_a,
                person,
                HandOver {
                    counterpart: "Sở Nội vụ tỉnh Cao Bằng".into(),
                    note: Some("Bàn giao qua hệ thống".into()),
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(
            (
                handed.direction.as_str(),
                handed.origin_version,
                handed.versions_in_package
            ),
            ("out", 2, 2),
            "{}: the decision's version, signed, with the one before",
            here.label
        );
        a.compute_all_alerts(date!(2026 - 05 - 11)).await.unwrap();
        assert!(
            late(&a, &admin_a, person, "lang_son.transfer_out")
                .await
                .is_empty(),
            "{}: cleared by the hand-over",
            here.label
        );
        let again = a
            .hand_over(
                &admin_a,
                person,
                HandOver {
                    counterpart: "Sở Nội vụ tỉnh Cao Bằng".into(),
                    note: None,
                },
                &client,
            )
            .await;
        assert!(matches!(&again, Err(AppError::Conflict(_))), "{again:?}");
        let (_, package) = a
            .handover_package(&admin_a, handed.id, &client)
            .await
            .unwrap();
        assert_eq!(
            hoso_app::attachments::sha256_hex(&package),
            handed.package_sha256
        );

        // Province B (Đồng Tháp's regulation), on a database of its own, trusting the same
        // root.
        let received_on = date!(2026 - 05 - 12);
        let b = demo_app(
            province(&there, "dong-thap-2024", &root_file, received_on),
            4,
        )
        .await;
        let admin_b = login(&b, "admin").await;
        let unit_b = some_unit(&b, &admin_b).await;
        let before = person_count(&b, &admin_b).await;
        let receive = |package: Vec<u8>, unit_id| ReceivePackage {
            unit_id,
            counterpart: "Sở Nội vụ tỉnh Lạng Sơn".into(),
            decision_number: "12/QĐ-SNV".into(),
            decision_date: "08/05/2026".into(),
            effective_date: "11/05/2026".into(),
            package,
        };
        // A package changed in transit is refused, and nothing is created.
        let mut tampered = package.clone();
        let at = tampered.len() / 2;
        tampered[at] ^= 0x55;
        let e = b
            .receive_package(&admin_b, receive(tampered, unit_b), &client)
            .await;
        assert!(matches!(&e, Err(AppError::BadRequest(_))), "{e:?}");
        let e = b
            .receive_package(
                &admin_b,
                ReceivePackage {
                    effective_date: "07/05/2026".into(),
                    ..receive(package.clone(), unit_b)
                },
                &client,
            )
            .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.contains("trước ngày quyết định")),
            "{e:?}"
        );
        assert_eq!(person_count(&b, &admin_b).await, before);
        assert_eq!(audited(&b, "record.receive").await, 2, "{}", there.label);
        // Rights come before the package: an officer of another unit learns nothing.
        let other_unit = b
            .list_persons(&admin_b, Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|p| p.unit_id != unit_b)
            .unwrap()
            .unit_id;
        let stranger = login(&b, &format!("qt.{}", unit_code(&b, other_unit).await)).await;
        let hr_b = login(&b, &format!("qt.{}", unit_code(&b, unit_b).await)).await;
        let e = b
            .receive_package(&stranger, receive(b"not a zip".to_vec(), unit_b), &client)
            .await;
        assert!(
            matches!(&e, Err(AppError::NotFound(_) | AppError::Forbidden)),
            "{e:?}"
        );

        let received = b
            .receive_package(&hr_b, receive(package.clone(), unit_b), &client)
            .await
            .unwrap();
        assert_eq!(
            (
                received.direction.as_str(),
                received.versions_in_package,
                received.confirmed
            ),
            ("in", 2, false)
        );
        let arrived = received.person_id;
        let view = b.get_person(&hr_b, arrived, &client).await.unwrap();
        assert_eq!((view.unit_id, view.status.as_str()), (unit_b, "working"));
        let events = view.record["personnel_events"].as_array().unwrap();
        let reception = events.last().unwrap();
        assert_eq!(reception["event_type"], "tiep_nhan");
        assert_eq!(reception["from_unit"], "Sở Nội vụ tỉnh Lạng Sơn");
        assert_eq!(reception["effective_date"], "2026-05-11");
        assert!(
            events.iter().any(|e| e["event_type"] == "dieu_dong"),
            "the transfer out as the sending province wrote it"
        );
        let versions = b.versions(&hr_b, arrived).await.unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].source, "received", "{:?}", versions[0]);
        let history = b.received_history(&hr_b, received.id).await.unwrap();
        assert_eq!(
            history.iter().map(|v| v.version).collect::<Vec<_>>(),
            vec![1, 2]
        );
        // Only once: the person now has a record here.
        let e = b
            .receive_package(&hr_b, receive(package.clone(), unit_b), &client)
            .await;
        assert!(
            matches!(&e, Err(AppError::Conflict(m)) if m.contains("không tiếp nhận trùng")),
            "{e:?}"
        );
        // The stranger neither sees it nor confirms it.
        assert!(matches!(
            b.confirm_received(&stranger, received.id, &client).await,
            Err(AppError::NotFound(_))
        ));
        let confirmed = b
            .confirm_received(&hr_b, received.id, &client)
            .await
            .unwrap();
        assert!(confirmed.confirmed);
        assert!(matches!(
            b.confirm_received(&hr_b, received.id, &client).await,
            Err(AppError::Conflict(_))
        ));

        // Đồng Tháp Điều 22 khoản 5: the Sở told within 10 working days of the decision (Fri
        // 08/05 → Fri 22/05), cleared when the report is recorded.
        let rule = "dong_thap.report_arrival";
        b.compute_all_alerts(date!(2026 - 05 - 22)).await.unwrap();
        assert!(late(&b, &admin_b, arrived, rule).await.is_empty());
        b.compute_all_alerts(date!(2026 - 05 - 25)).await.unwrap();
        assert_eq!(
            late(&b, &admin_b, arrived, rule).await,
            vec!["2026-05-22".to_string()],
            "{}",
            there.label
        );
        let report = |day: &str| hoso_app::handovers::ReportToSo {
            reported_on: day.into(),
            reference: "25/BC-UBND".into(),
        };
        let e = b
            .report_handover(&hr_b, received.id, report("07/05/2026"), &client)
            .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.contains("trước ngày quyết định")),
            "{e:?}"
        );
        assert!(matches!(
            b.report_handover(&stranger, received.id, report("12/05/2026"), &client)
                .await,
            Err(AppError::NotFound(_))
        ));
        let reported = b
            .report_handover(&hr_b, received.id, report("12/05/2026"), &client)
            .await
            .unwrap();
        assert_eq!(reported.reported_on.as_deref(), Some("2026-05-12"));
        assert!(matches!(
            b.report_handover(&hr_b, received.id, report("12/05/2026"), &client)
                .await,
            Err(AppError::Conflict(_))
        ));
        b.compute_all_alerts(date!(2026 - 05 - 25)).await.unwrap();
        assert!(
            late(&b, &admin_b, arrived, rule).await.is_empty(),
            "{}: cleared by the report",
            there.label
        );
        assert_eq!(
            audited(&b, "record.handover_report").await,
            2,
            "{}: the refusal and the report",
            there.label
        );
    }
}
