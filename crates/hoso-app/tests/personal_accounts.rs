//! Personal accounts for real people (issue 14 item 1): a new recruit's account made by the HR
//! officer, activated with the one-time code, signed in; the Lai Châu deadline cleared by it;
//! the forgotten password; leaving service and coming back; a whole unit at once; the scope.
//! On every database.

mod common;

use common::{PASSWORD, config, create_person, databases, demo_app, login, some_unit};
use hoso_app::alerts::AlertQuery;
use hoso_app::personal_accounts::{
    ActivateAccount, IssueAccount, PersonalAccountQuery, PersonalAccountState,
};
use hoso_app::records::UpdateRecord;
use hoso_app::{Actor, App, AppError, ClientInfo, Config};
use hoso_domain::schema::fixtures::RecordBuilder;
use serde_json::json;
use time::macros::date;

const NEW_PASSWORD: &str = "Kich-hoat-2026!";

fn lai_chau(db: &common::TestDb) -> Config {
    Config {
        deadline_preset: "lai-chau-2024".into(),
        ..config(db)
    }
}

/// A recruit who joined on Mon 02/03/2026 and has no account.
fn recruit(national_id: &str) -> hoso_domain::schema::RecordDoc {
    RecordBuilder::civil_servant()
        .national_id(national_id)
        .set("recruitment", "first_recruitment_date", json!("2026-03-02"))
        .set(
            "recruitment",
            "current_agency_join_date",
            json!("2026-03-02"),
        )
        .build()
}

async fn account_deadlines(app: &App, admin: &Actor, person: i64) -> Vec<String> {
    app.list_alerts(
        admin,
        AlertQuery {
            per_page: Some(200),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .filter(|a| a.person_id == person && a.legal_basis.contains("lai_chau.account"))
    .map(|a| a.due)
    .collect()
}

fn activation(username: &str, code: &str, password: &str) -> ActivateAccount {
    ActivateAccount {
        username: username.into(),
        activation_code: code.into(),
        new_password: password.into(),
    }
}

async fn set_status(app: &App, admin: &Actor, person: i64, status: &str) {
    let client = ClientInfo::default();
    let view = app.get_person(admin, person, &client).await.unwrap();
    app.update_record(
        admin,
        person,
        UpdateRecord {
            expected_version: view.current_version,
            record: view.record,
            unit_id: None,
            status: Some(status.into()),
            note: None,
        },
        &client,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_recruit_gets_an_account_activates_it_and_signs_in() {
    for db in databases().await {
        let app = demo_app(lai_chau(&db), 3).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let unit = some_unit(&app, &admin).await;
        let person = create_person(&app, &admin, unit, recruit("020185004444")).await;

        // Lai Châu: an account within 5 working days of joining → due Mon 09/03/2026, late.
        let on = date!(2026 - 11 - 20);
        app.compute_all_alerts(on).await.unwrap();
        assert_eq!(
            account_deadlines(&app, &admin, person).await,
            vec!["2026-03-09".to_string()],
            "{}",
            db.label
        );
        let before = app.personal_account(&admin, person, &client).await.unwrap();
        assert_eq!(before.state, PersonalAccountState::None, "{}", db.label);

        let slip = app
            .issue_personal_account(&admin, person, IssueAccount::default(), &client)
            .await
            .unwrap();
        assert_eq!(slip.username, "020185004444", "{}", db.label);
        assert!(slip.created);
        assert_eq!(slip.activation_code.len(), 14, "{}", slip.activation_code);
        // Valid for 30 days from the app's day.
        assert_eq!(
            slip.valid_until,
            hoso_store::testing::today() + time::Duration::days(30),
            "{}",
            db.label
        );
        let pending = app.personal_account(&admin, person, &client).await.unwrap();
        assert_eq!(pending.state, PersonalAccountState::Pending);
        assert_eq!(pending.username.as_deref(), Some("020185004444"));

        // No password opens it before activation.
        for pw in ["", PASSWORD, "!chua-kich-hoat"] {
            assert!(matches!(
                app.login("020185004444", pw, None, &client).await,
                Err(AppError::BadCredentials)
            ));
        }
        // A wrong code, a wrong number, a weak password: refused, nothing changes.
        let wrong = app
            .activate_account(
                activation("020185004444", "AAAA-BBBB-CCCC", NEW_PASSWORD),
                &client,
            )
            .await;
        assert!(matches!(wrong, Err(AppError::BadRequest(_))), "{wrong:?}");
        let unknown = app
            .activate_account(
                activation("020185009999", &slip.activation_code, NEW_PASSWORD),
                &client,
            )
            .await;
        assert_eq!(
            unknown.unwrap_err().to_string(),
            wrong.unwrap_err().to_string(),
            "the same answer for an unknown number"
        );
        let weak = app
            .activate_account(
                activation("020185004444", &slip.activation_code, "ngan"),
                &client,
            )
            .await;
        assert!(matches!(weak, Err(AppError::WeakPassword(_))), "{weak:?}");

        // The code as typed by a person (lower case, spaces).
        let typed = slip.activation_code.to_lowercase().replace('-', " ");
        app.activate_account(activation("020185004444", &typed, NEW_PASSWORD), &client)
            .await
            .unwrap();
        let (token, me) = app
            .login("020185004444", NEW_PASSWORD, None, &client)
            .await
            .unwrap();
        assert_eq!(me.person_id, Some(person), "{}", db.label);
        assert!(!me.password_change_required());
        app.get_person(&me, person, &client).await.unwrap();
        let in_use = app.personal_account(&admin, person, &client).await.unwrap();
        assert_eq!(in_use.state, PersonalAccountState::InUse);
        assert_eq!(in_use.activation_valid_until, None);
        // A code works once.
        assert!(
            app.activate_account(
                activation("020185004444", &slip.activation_code, "Lan-thu-hai-2026!"),
                &client
            )
            .await
            .is_err()
        );

        // The deadline is met: its alert clears.
        app.compute_all_alerts(on).await.unwrap();
        assert!(
            account_deadlines(&app, &admin, person).await.is_empty(),
            "{}",
            db.label
        );

        // Forgotten password: a new code, the same account; the old sessions end.
        let again = app
            .issue_personal_account(&admin, person, IssueAccount::default(), &client)
            .await
            .unwrap();
        assert!(!again.created);
        assert_eq!(again.account_id, slip.account_id);
        app.activate_account(
            activation(
                "020185004444",
                &again.activation_code,
                "Quen-mat-khau-2026!",
            ),
            &client,
        )
        .await
        .unwrap();
        assert!(matches!(
            app.authenticate(&token).await,
            Err(AppError::Unauthenticated)
        ));
        app.login("020185004444", "Quen-mat-khau-2026!", None, &client)
            .await
            .unwrap();

        // Leaving service ends the access; no code is issued then; coming back opens it again.
        set_status(&app, &admin, person, "retired").await;
        let gone = app.personal_account(&admin, person, &client).await.unwrap();
        assert_eq!(gone.state, PersonalAccountState::Suspended);
        let refused = app
            .issue_personal_account(&admin, person, IssueAccount::default(), &client)
            .await;
        assert!(
            matches!(&refused, Err(AppError::BadRequest(m)) if m.contains("Đã nghỉ hưu") || m.contains("nghỉ hưu")),
            "{refused:?}"
        );
        set_status(&app, &admin, person, "working").await;
        let back = app.personal_account(&admin, person, &client).await.unwrap();
        assert_eq!(back.state, PersonalAccountState::InUse, "{}", db.label);

        // Five wrong codes throw the waiting one away: even the right one fails afterwards.
        let last = app
            .issue_personal_account(&admin, person, IssueAccount::default(), &client)
            .await
            .unwrap();
        for _ in 0..5 {
            let _ = app
                .activate_account(
                    activation("020185004444", "AAAA-BBBB-CCCC", NEW_PASSWORD),
                    &client,
                )
                .await;
        }
        assert!(
            app.activate_account(
                activation("020185004444", &last.activation_code, "Sau-nam-lan-2026!"),
                &client
            )
            .await
            .is_err(),
            "{}",
            db.label
        );
    }
}

#[tokio::test]
async fn a_whole_unit_gets_its_accounts_at_once_inside_the_officers_scope() {
    for db in databases().await {
        let app = demo_app(config(&db), 6).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let unit = some_unit(&app, &admin).await;
        let people = app.list_persons(&admin, Default::default()).await.unwrap();
        let other_unit = people
            .items
            .iter()
            .find(|p| p.unit_id != unit)
            .expect("people in two units")
            .unit_id;
        let mut conn = app.store().reader().await.unwrap();
        let code_of = async |conn: &mut hoso_store::AnyConnection, id| {
            hoso_store::org::get(conn, id)
                .await
                .unwrap()
                .unwrap()
                .code
                .to_lowercase()
        };
        let here = code_of(&mut conn, unit).await;
        let there = code_of(&mut conn, other_unit).await;
        drop(conn);
        let officer = login(&app, &format!("qt.{here}")).await;
        let stranger = login(&app, &format!("qt.{there}")).await;

        let mut new = Vec::new();
        for n in ["020185001111", "020185002222", "020185003333"] {
            new.push(create_person(&app, &admin, unit, recruit(n)).await);
        }

        // Outside its scope, the unit does not exist for another unit's officer.
        let refused = app
            .issue_personal_accounts_for_unit(&stranger, unit, IssueAccount::default(), &client)
            .await;
        assert!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");
        let refused = app
            .issue_personal_account(&stranger, new[0], IssueAccount::default(), &client)
            .await;
        assert!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");

        // The demo people have accounts already; the three recruits get theirs.
        let done = app
            .issue_personal_accounts_for_unit(
                &officer,
                unit,
                IssueAccount {
                    request_ref: Some("12/QĐ-UBND".into()),
                },
                &client,
            )
            .await
            .unwrap();
        let mut got: Vec<i64> = done.slips.iter().map(|s| s.person_id).collect();
        got.sort();
        assert_eq!(got, new, "{}", db.label);
        assert_eq!(done.remaining, 0);
        let codes: std::collections::BTreeSet<&str> = done
            .slips
            .iter()
            .map(|s| s.activation_code.as_str())
            .collect();
        assert_eq!(codes.len(), 3, "every code is its own");
        // Never duplicated: a second run has nobody to do.
        let again = app
            .issue_personal_accounts_for_unit(&officer, unit, IssueAccount::default(), &client)
            .await
            .unwrap();
        assert!(again.slips.is_empty(), "{}", db.label);

        let listed = |state| PersonalAccountQuery {
            unit_id: Some(unit),
            state: Some(state),
            per_page: Some(100),
            ..Default::default()
        };
        let pending = app
            .personal_accounts(&officer, listed(PersonalAccountState::Pending), &client)
            .await
            .unwrap();
        let mut pending_ids: Vec<i64> = pending.items.iter().map(|v| v.person_id).collect();
        pending_ids.sort();
        assert_eq!(pending_ids, new, "{}", db.label);
        let without = app
            .personal_accounts(&officer, listed(PersonalAccountState::None), &client)
            .await
            .unwrap();
        assert_eq!(without.total, 0, "{}", db.label);
        // The search by name, accents ignored, finds the recruits (the sample's name).
        let record = app
            .get_person(&admin, new[0], &client)
            .await
            .unwrap()
            .record;
        let name = app
            .schemas()
            .latest()
            .role_text(&record, hoso_domain::schema::FieldRole::DisplayName)
            .unwrap()
            .to_string();
        let found = app
            .personal_accounts(
                &officer,
                PersonalAccountQuery {
                    unit_id: Some(unit),
                    name: Some(hoso_domain::search_key::fold(&name)),
                    ..Default::default()
                },
                &client,
            )
            .await
            .unwrap();
        assert!(found.items.iter().any(|v| v.person_id == new[0]));
        // Another unit's officer may not list this unit.
        let refused = app
            .personal_accounts(
                &stranger,
                PersonalAccountQuery {
                    unit_id: Some(unit),
                    ..Default::default()
                },
                &client,
            )
            .await;
        assert!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");
        // The individual activates with the sheet's code.
        let slip = &done.slips[0];
        app.activate_account(
            activation(&slip.username, &slip.activation_code, NEW_PASSWORD),
            &client,
        )
        .await
        .unwrap();
        app.login(&slip.username, NEW_PASSWORD, None, &client)
            .await
            .unwrap();
    }
}
