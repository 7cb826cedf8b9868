//! TOTP secrets are sealed at rest, re-sealed by key rotation, and secrets left in clear by
//! earlier versions are sealed at start — on every database.

mod common;

use common::{PASSWORD, config, databases, demo_app, login};
use hoso_app::totp::{TotpCode, code_at};
use hoso_app::{App, AppError, ClientInfo};

fn now_s() -> u64 {
    (hoso_store::now_ms() / 1000) as u64
}

async fn leader_id(app: &App) -> i64 {
    let mut conn = app.store().reader().await.unwrap();
    hoso_store::accounts::by_username(&mut conn, "lanhdao")
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn stored(app: &App, id: i64) -> hoso_store::accounts::TotpRow {
    let mut conn = app.store().reader().await.unwrap();
    hoso_store::accounts::totp_state(&mut conn, id)
        .await
        .unwrap()
}

/// Signs in with the code of the current time step, forgetting the last accepted step first
/// (a code is accepted once; this test signs in several times within one step).
async fn login_now(app: &App, secret: &str, id: i64) -> Result<(), AppError> {
    app.store()
        .execute_raw(&format!(
            "UPDATE accounts SET totp_last_step = NULL WHERE id = {id}"
        ))
        .await
        .unwrap();
    let code = code_at(secret, now_s()).unwrap();
    app.login("lanhdao", PASSWORD, Some(&code), &ClientInfo::default())
        .await
        .map(|_| ())
}

#[tokio::test]
async fn totp_secrets_are_sealed_rotated_and_migrated() {
    for db in databases().await {
        let label = db.label;
        let app = demo_app(config(&db), 3).await;
        let client = ClientInfo::default();
        let actor = login(&app, "lanhdao").await;
        let enrolment = app.start_totp(&actor, &client).await.unwrap();
        let secret = enrolment.secret.clone();
        app.confirm_totp(
            &actor,
            TotpCode {
                code: code_at(&secret, now_s()).unwrap(),
            },
            &client,
        )
        .await
        .unwrap();

        let id = leader_id(&app).await;
        let row = stored(&app, id).await;
        let sealed = row.secret.clone().unwrap();
        assert!(row.enabled);
        assert!(
            !sealed.contains(&secret) && sealed.len() > secret.len(),
            "{label}: secret stored in clear"
        );
        assert!(row.key_id.is_some());
        login_now(&app, &secret, id).await.unwrap();

        // A sealed secret copied to another account does not open there.
        let admin_id = {
            let mut conn = app.store().reader().await.unwrap();
            hoso_store::accounts::by_username(&mut conn, "admin")
                .await
                .unwrap()
                .unwrap()
                .id
        };
        app.store()
            .execute_raw(&format!(
                "UPDATE accounts SET totp_secret = '{sealed}', totp_key_id = '{}', totp_enabled = 1 WHERE id = {admin_id}",
                row.key_id.clone().unwrap()
            ))
            .await
            .unwrap();
        let copied = app
            .login(
                "admin",
                PASSWORD,
                Some(&code_at(&secret, now_s()).unwrap()),
                &client,
            )
            .await;
        assert!(
            matches!(copied, Err(AppError::Internal(_))),
            "{label}: {copied:?}"
        );
        app.store()
            .execute_raw(&format!(
                "UPDATE accounts SET totp_secret = NULL, totp_key_id = NULL, totp_enabled = 0 WHERE id = {admin_id}"
            ))
            .await
            .unwrap();

        // Rotation re-seals it under the new key; after a restart it still verifies codes.
        let report = app.rotate_key().await.unwrap();
        assert_eq!(report.totp_secrets_resealed, 1, "{label}");
        drop(app);
        let app = App::start(config(&db)).await.unwrap();
        let row = stored(&app, id).await;
        assert_eq!(row.key_id.as_deref(), Some(report.new_key_id.as_str()));
        assert_ne!(row.secret.as_deref(), Some(sealed.as_str()));
        login_now(&app, &secret, id).await.unwrap();

        // A secret left in clear by an earlier version is sealed when the application starts.
        app.store()
            .execute_raw(&format!(
                "UPDATE accounts SET totp_secret = '{secret}', totp_key_id = NULL WHERE id = {id}"
            ))
            .await
            .unwrap();
        drop(app);
        let app = App::start(config(&db)).await.unwrap();
        let row = stored(&app, id).await;
        assert_eq!(row.key_id.as_deref(), Some(report.new_key_id.as_str()));
        assert_ne!(row.secret.as_deref(), Some(secret.as_str()), "{label}");
        // A code is still accepted once only: the same code twice (computing a second one
        // could cross into the next 30-second step and be a new, valid code).
        app.store()
            .execute_raw(&format!(
                "UPDATE accounts SET totp_last_step = NULL WHERE id = {id}"
            ))
            .await
            .unwrap();
        let code = code_at(&secret, now_s()).unwrap();
        app.login("lanhdao", PASSWORD, Some(&code), &client)
            .await
            .unwrap();
        let replay = app.login("lanhdao", PASSWORD, Some(&code), &client).await;
        assert!(replay.is_err(), "{label}: no replay");
    }
}
