//! Hardening (issue 19) in the use cases, on every available database: separation of duties,
//! least exposure of identifiers, files readable by their owner only, and refusing to run on
//! the wrong key.

mod common;

use common::{config, databases, demo_app, login};
use hoso_app::approvals::PrepareBatch;
use hoso_app::records::PersonQuery;
use hoso_app::security::{ChangeGrant, CreateAccount, GrantInput};
use hoso_app::{Actor, App, AppError, ClientInfo};
use serde_json::json;

async fn account_id(app: &App, username: &str) -> i64 {
    let mut conn = app.store().reader().await.unwrap();
    hoso_store::accounts::by_username(&mut conn, username)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The demo unit of the first person, its HR officer (`qt.`), its head (`pd.`) and its parent.
async fn unit_and_officers(app: &App, admin: &Actor) -> (i64, i64, String, String, i64) {
    let person = app
        .list_persons(admin, Default::default())
        .await
        .unwrap()
        .items[0]
        .clone();
    let mut conn = app.store().reader().await.unwrap();
    let unit = hoso_store::org::get(&mut conn, person.unit_id)
        .await
        .unwrap()
        .unwrap();
    let code = unit.code.to_lowercase();
    (
        person.id,
        unit.id,
        format!("qt.{code}"),
        format!("pd.{code}"),
        unit.parent_id.expect("a unit below the province"),
    )
}

fn new_account(username: &str, role: &str, unit_id: i64) -> CreateAccount {
    CreateAccount {
        username: username.into(),
        display_name: format!("Thử {username}"),
        grants: vec![GrantInput {
            role: role.into(),
            unit_id: Some(unit_id),
            read_only: false,
        }],
        request_ref: "Công văn 9/SNV".into(),
    }
}

/// DESIGN §1: rights come from the level above. The HR officer of a unit verifies; it may not
/// reset, restrict or mint the unit's approver or administrator. The level above may.
#[tokio::test]
async fn only_a_higher_level_manages_approvers_and_administrators_of_a_unit() {
    for db in databases().await {
        let app = demo_app(config(&db), 12).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let (_, unit, qt, pd, parent) = unit_and_officers(&app, &admin).await;
        let hr = login(&app, &qt).await;
        let head = account_id(&app, &pd).await;
        let label = &db.label;

        let e = app.reset_password(&hr, head, &client).await;
        assert!(matches!(e, Err(AppError::Forbidden)), "{label}: {e:?}");
        let mut conn = app.store().reader().await.unwrap();
        let grant = hoso_store::accounts::grants_of(&mut conn, head)
            .await
            .unwrap()[0]
            .id;
        drop(conn);
        let restrict = || ChangeGrant {
            read_only: Some(true),
            unit_id: None,
            request_ref: "x".into(),
        };
        let e = app.change_grant(&hr, grant, restrict(), &client).await;
        assert!(matches!(e, Err(AppError::Forbidden)), "{label}: {e:?}");
        for role in ["approver", "unit_admin"] {
            let e = app
                .create_account(
                    &hr,
                    new_account(&format!("ban.than.{role}"), role, unit),
                    &client,
                )
                .await;
            assert!(
                matches!(e, Err(AppError::Forbidden)),
                "{label} {role}: {e:?}"
            );
        }
        // A viewer of its own unit is still the HR officer's to create.
        app.create_account(&hr, new_account("xem.cung.cap", "viewer", unit), &client)
            .await
            .unwrap();

        // An administrator of the level above manages them.
        let created = app
            .create_account(
                &admin,
                new_account("qt.cap.tren", "unit_admin", parent),
                &client,
            )
            .await
            .unwrap();
        let (_, above) = app
            .login("qt.cap.tren", &created.temporary_password, None, &client)
            .await
            .unwrap();
        app.reset_password(&above, head, &client).await.unwrap();
        app.change_grant(&above, grant, restrict(), &client)
            .await
            .unwrap();
        app.create_account(&above, new_account("pd.moi", "approver", unit), &client)
            .await
            .unwrap();
        // So does the system administrator.
        app.reset_password(&admin, head, &client).await.unwrap();
    }
}

/// Who wrote or verified a change never approves it.
#[tokio::test]
async fn the_writer_of_a_change_never_approves_it() {
    for db in databases().await {
        let app = demo_app(config(&db), 12).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let (person, ..) = unit_and_officers(&app, &admin).await;
        let view = app.get_person(&admin, person, &client).await.unwrap();
        let mut record = view.record.clone();
        record["general"]["other_names"] = json!("Út");
        app.update_record(
            &admin,
            person,
            hoso_app::records::UpdateRecord {
                expected_version: view.current_version,
                record,
                unit_id: None,
                status: None,
                note: None,
            },
            &client,
        )
        .await
        .unwrap();
        let named = app
            .prepare_batch(
                &admin,
                PrepareBatch {
                    person_ids: Some(vec![person]),
                    override_window: Some(true),
                },
                &client,
            )
            .await;
        assert!(
            matches!(named, Err(AppError::Forbidden)),
            "{}: {named:?}",
            db.label
        );
        let all = app
            .prepare_batch(
                &admin,
                PrepareBatch {
                    person_ids: None,
                    override_window: Some(true),
                },
                &client,
            )
            .await;
        assert!(
            matches!(&all, Err(AppError::BadRequest(_))),
            "{}: the record is left for another approver: {all:?}",
            db.label
        );
    }
}

/// A leader (viewer: internal clearance, no identifiers) cannot learn whose số định danh a
/// number is by searching for it.
#[tokio::test]
async fn a_leader_cannot_find_a_person_by_an_identifier_it_may_not_see() {
    for db in databases().await {
        let app = demo_app(config(&db), 12).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let (person, unit, ..) = unit_and_officers(&app, &admin).await;
        let number = app
            .get_person(&admin, person, &client)
            .await
            .unwrap()
            .record["general"]["citizen_id_number"]
            .as_str()
            .unwrap()
            .to_string();
        let created = app
            .create_account(&admin, new_account("lanh.dao.thu", "viewer", unit), &client)
            .await
            .unwrap();
        let (_, leader) = app
            .login("lanh.dao.thu", &created.temporary_password, None, &client)
            .await
            .unwrap();
        let search = |actor: Actor| {
            let app = app.clone();
            let number = number.clone();
            async move {
                app.list_persons(
                    &actor,
                    PersonQuery {
                        q: Some(number),
                        ..PersonQuery::default()
                    },
                )
                .await
                .unwrap()
                .total
            }
        };
        assert_eq!(search(admin.clone()).await, 1, "{}", db.label);
        assert_eq!(search(leader.clone()).await, 0, "{}", db.label);
        // The leader still lists the person by name.
        let all = app
            .list_persons(&leader, PersonQuery::default())
            .await
            .unwrap();
        assert!(all.items.iter().any(|p| p.id == person), "{}", db.label);
    }
}

/// Started on a database whose sealed rows name a key the key file does not hold (a restore
/// without its key), the application refuses to start and names the missing key.
#[tokio::test]
async fn refuses_to_start_without_the_key_of_its_sealed_rows() {
    for db in databases().await {
        let app = demo_app(config(&db), 3).await;
        drop(app);
        let key_file = db.dir.path().join("hoso.key");
        let text = std::fs::read_to_string(&key_file).unwrap();
        let old =
            hoso_app::crypto::MasterKey::new(&hoso_app::crypto::parse_key_hex(&text).unwrap())
                .id
                .clone();
        std::fs::remove_file(&key_file).unwrap();
        let e = App::start(config(&db)).await.err().expect("refused");
        let message = e.to_string();
        assert!(message.contains(&old), "{}: {message}", db.label);
        assert!(message.contains("khôi phục"), "{message}");
        assert!(
            !key_file.exists(),
            "{}: the key generated for nothing is not left behind",
            db.label
        );
        // With its key back, it starts.
        std::fs::write(&key_file, text).unwrap();
        App::start(config(&db)).await.unwrap();
    }
}

/// The database, the key and the scans are the owner's only.
#[cfg(unix)]
#[tokio::test]
async fn the_database_the_key_and_the_attachments_are_the_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db_file = dir.path().join("du-lieu").join("hoso.db");
    let app = App::start(hoso_app::Config {
        database_url: format!("sqlite://{}", db_file.display()),
        key_file: dir.path().join("khoa").join("hoso.key"),
        attachments_dir: Some(dir.path().join("tep")),
        fixed_today: Some(hoso_store::testing::today()),
        ..hoso_app::Config::default()
    })
    .await
    .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db_file), 0o600);
    assert_eq!(mode(db_file.parent().unwrap()), 0o700);
    assert_eq!(mode(&app.config().key_file), 0o600);
    assert_eq!(mode(app.config().key_file.parent().unwrap()), 0o700);
    assert_eq!(mode(&app.config().attachments_path()), 0o700);
    let wal = dir.path().join("du-lieu").join("hoso.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
}

/// Business rows are stamped on the app's clock, not the machine's (time is an input): on a
/// day years away from the real one, the demo's accounts, their grants and the units' history
/// all carry that day.
#[tokio::test]
async fn accounts_grants_and_unit_history_are_stamped_on_the_app_clock() {
    let day = time::macros::date!(2031 - 03 - 14);
    let on_day = |ms: i64| {
        time::OffsetDateTime::from_unix_timestamp(ms / 1000)
            .unwrap()
            .to_offset(hoso_app::clock::VIETNAM)
            .date()
            == day
    };
    for db in databases().await {
        let app = demo_app(common::config_on(&db, day), 3).await;
        let admin = login(&app, "admin").await;
        let (unit_id, _, officer, _, _) = unit_and_officers(&app, &admin).await;
        let mut conn = app.store().reader().await.unwrap();
        for username in ["admin", officer.as_str()] {
            let account = hoso_store::accounts::by_username(&mut conn, username)
                .await
                .unwrap()
                .unwrap();
            assert!(
                on_day(account.created_at),
                "{username}: {}",
                account.created_at
            );
            let grants = hoso_store::accounts::grants_of(&mut conn, account.id)
                .await
                .unwrap();
            assert!(!grants.is_empty());
            for g in grants {
                assert!(on_day(g.granted_at), "{username}: grant {}", g.granted_at);
            }
        }
        let history = hoso_store::org::history(&mut conn, unit_id).await.unwrap();
        assert!(!history.is_empty());
        for h in history {
            assert!(on_day(h.recorded_at), "unit history {}", h.recorded_at);
        }
    }
}
