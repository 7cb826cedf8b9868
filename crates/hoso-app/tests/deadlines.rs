//! The deadline rules in force follow the configuration: preset, overrides, refusals.

mod common;

use common::{config, databases, demo_app, login};
use hoso_app::{App, Config};

#[tokio::test]
async fn the_configured_preset_and_overrides_are_in_force() {
    let db = databases().await.remove(0);
    let app = demo_app(config(&db), 2).await;
    let admin = login(&app, "admin").await;
    // The default preset holds only what a national text read so far states: nothing yet.
    let national = app.deadline_rules(&admin, Some("2026-11-23")).unwrap();
    assert!(national.is_empty(), "{national:?}");
    assert!(app.deadline_rules(&admin, Some("2026-02-30")).is_err());
    drop(app);

    // A deployment adds its own rules by its own file, as the shipped example shows; they are
    // in force and followed like a preset's.
    let own = App::start(Config {
        deadline_rules_file: Some(common::example_rules_file()),
        ..config(&db)
    })
    .await
    .unwrap();
    let rules = own.deadline_rules(&admin, Some("2026-11-23")).unwrap();
    let verification = rules
        .iter()
        .find(|r| r.id == "tinh_mau.change_verification")
        .unwrap_or_else(|| panic!("{rules:?}"));
    assert_eq!((verification.length, verification.tracked), (5, true));
    assert!(
        verification.legal_basis.contains("Điều"),
        "{verification:?}"
    );
    assert!(own.approval_window().legal_basis.is_some());
    drop(own);

    // Lai Châu's regulation, with one rule made stricter by the deployment.
    let file = db.dir.path().join("quy-tac.toml");
    let lai_chau = App::start(Config {
        deadline_preset: "lai-chau-2024".into(),
        ..config(&db)
    })
    .await
    .unwrap();
    let rules = lai_chau.deadline_rules(&admin, Some("2026-11-23")).unwrap();
    let status_change = rules
        .iter()
        .find(|r| r.id.contains("status_change"))
        .expect("Lai Châu has a status-change rule")
        .clone();
    assert!(status_change.tracked && status_change.not_tracked_reason.is_none());
    // The Sở's annual report (Điều 16 khoản 8) is followed through the periodic reports.
    let report = rules
        .iter()
        .find(|r| r.legal_basis.contains("Điều 16 khoản 8"))
        .expect("Lai Châu's annual report of the Sở (Điều 16 khoản 8)");
    assert!(
        report.tracked && report.not_tracked_reason.is_none(),
        "{report:?}"
    );
    assert!(report.time_limit.contains("25/01"), "{report:?}");
    // A limit whose events Hoso does not record yet says so instead of posing as in force: the
    // Sở's signing of the province's data (Điều 7 khoản 2).
    let signing = rules
        .iter()
        .find(|r| r.legal_basis.contains("Điều 7 khoản 2"))
        .expect("Lai Châu's signing by the Sở (Điều 7 khoản 2)");
    assert!(!signing.tracked, "{signing:?}");
    assert!(
        signing
            .not_tracked_reason
            .as_deref()
            .is_some_and(|r| r.starts_with("Chưa theo dõi được: ")),
        "{signing:?}"
    );
    drop(lai_chau);
    std::fs::write(
        &file,
        format!(
            "[[rule]]\nid = \"{}\"\nname_vi = \"Cập nhật biến động trạng thái (quy định riêng)\"\ntrigger = \"status_changed\"\nlength = 3\nunit = \"working_days\"\nresponsible = \"don_vi\"\nsatisfied_by = \"record_updated\"\nlegal_basis = \"Quyết định của UBND tỉnh\"\neffective_from = 2026-01-01\n",
            status_change.id
        ),
    )
    .unwrap();
    let overridden = App::start(Config {
        deadline_preset: "lai-chau-2024".into(),
        deadline_rules_file: Some(file.clone()),
        ..config(&db)
    })
    .await;
    let app = overridden.expect("the override file is in the presets' format");
    let rules = app.deadline_rules(&admin, Some("2026-11-23")).unwrap();
    assert_eq!(
        rules
            .iter()
            .find(|r| r.id == status_change.id)
            .unwrap()
            .length,
        3
    );
    drop(app);

    // A negative length or an unknown preset refuses to start, saying why.
    std::fs::write(
        &file,
        std::fs::read_to_string(&file)
            .unwrap()
            .replace("length = 3", "length = -1"),
    )
    .unwrap();
    let bad = App::start(Config {
        deadline_preset: "lai-chau-2024".into(),
        deadline_rules_file: Some(file),
        ..config(&db)
    })
    .await;
    assert!(matches!(bad, Err(hoso_app::AppError::BadRequest(m)) if m.contains("quy-tac.toml")));
    let bad = App::start(Config {
        deadline_preset: "ha-noi-2030".into(),
        ..config(&db)
    })
    .await;
    assert!(
        matches!(bad, Err(hoso_app::AppError::BadRequest(m)) if m.contains("HOSO_DEADLINE_PRESET"))
    );
}
