//! Accounts, delegation, passwords, sessions and the audit trail, through the API, on every
//! available database.

mod common;

use axum::http::StatusCode;
use common::{Client, databases, demo_app};
use hoso_app::App;
use serde_json::{Value, json};

async fn login_with(app: &App, username: &str, password: &str) -> Client {
    let mut c = Client::anonymous(app);
    let r = c
        .post(
            "/api/v1/auth/login",
            json!({"username": username, "password": password}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "login {username}: {}", r.body);
    c.token = Some(r.body["token"].as_str().unwrap().to_string());
    c
}

async fn delete(c: &Client, uri: &str, body: Value) -> common::Reply {
    c.send_json("DELETE", uri, body).await
}

/// A person, its unit, and the usernames of its personal account and its unit administrator.
async fn setting(app: &App, admin: &Client) -> (i64, i64, String, String) {
    let r = admin.get("/api/v1/persons?per_page=1").await;
    let person = r.body["items"][0]["id"].as_i64().unwrap();
    let unit = r.body["items"][0]["unit_id"].as_i64().unwrap();
    let mut conn = app.store().reader().await.unwrap();
    let ids = hoso_store::accounts::ids_of_person(&mut conn, person)
        .await
        .unwrap();
    let individual = hoso_store::accounts::by_id(&mut conn, ids[0])
        .await
        .unwrap()
        .unwrap()
        .username;
    drop(conn);
    let accounts = admin.get("/api/v1/accounts?per_page=200").await;
    let unit_admin = accounts.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["grants"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["role"] == "unit_admin" && g["unit_id"] == unit)
        })
        .map(|a| a["username"].as_str().unwrap().to_string())
        .unwrap();
    (person, unit, individual, unit_admin)
}

async fn audit_count(admin: &Client, action: &str) -> i64 {
    let r = admin.get(&format!("/api/v1/audit?action={action}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["total"].as_i64().unwrap()
}

#[tokio::test]
async fn own_password_change_follows_the_policy_and_history() {
    for db in databases().await {
        let app = demo_app(&db, 10).await;
        let admin = Client::login(&app, "admin").await;
        let (_, _, individual, _) = setting(&app, &admin).await;
        let me = Client::login(&app, &individual).await;

        let r = me
            .post(
                "/api/v1/me/password",
                json!({"current_password": "sai", "new_password": "Hoa-Sen#2026x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", db.label);
        assert_eq!(r.error_message(), "Mật khẩu hiện tại không đúng.");

        let r = me
            .post(
                "/api/v1/me/password",
                json!({"current_password": common::PASSWORD, "new_password": "abc"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_code(), "weak_password");
        for rule in ["ít nhất 8 ký tự", "chữ hoa", "chữ số", "ký tự đặc biệt"] {
            assert!(r.error_message().contains(rule), "{}", r.error_message());
        }
        let r = me
            .post(
                "/api/v1/me/password",
                json!({"current_password": common::PASSWORD, "new_password": format!("X!{individual}a")}),
            )
            .await;
        assert!(r.error_message().contains("tên đăng nhập"), "{}", r.body);

        // A good one works; the old one no longer signs in; going back is refused.
        let r = me
            .post(
                "/api/v1/me/password",
                json!({"current_password": common::PASSWORD, "new_password": "Hoa-Sen#2026x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let again = login_with(&app, &individual, "Hoa-Sen#2026x").await;
        let r = Client::anonymous(&app)
            .post(
                "/api/v1/auth/login",
                json!({"username": individual, "password": common::PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = again
            .post(
                "/api/v1/me/password",
                json!({"current_password": "Hoa-Sen#2026x", "new_password": common::PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.error_message().contains("5 mật khẩu gần nhất"));
        assert_eq!(audit_count(&admin, "account.change_password").await, 1);
        assert_eq!(
            audit_count(&admin, "account.change_password.refused").await,
            4,
            "wrong current, weak, personal data, reused"
        );
    }
}

#[tokio::test]
async fn an_expired_password_must_be_changed_before_anything_else() {
    for db in databases().await {
        let app = demo_app(&db, 5).await;
        app.store()
            .execute_raw("UPDATE accounts SET password_changed_at = 0 WHERE username = 'lanhdao'")
            .await
            .unwrap();
        let leader = Client::login(&app, "lanhdao").await;
        let me = leader.get("/api/v1/me").await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.body["password_expired"], true, "{}", db.label);
        let r = leader.get("/api/v1/persons").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.error_code(), "password_change_required");
        assert!(r.error_message().contains("đổi mật khẩu"));
        let r = leader
            .post(
                "/api/v1/me/password",
                json!({"current_password": common::PASSWORD, "new_password": "Hoa-Sen#2026x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(leader.get("/api/v1/persons").await.status, StatusCode::OK);
        assert_eq!(
            leader.get("/api/v1/me").await.body["password_expired"],
            false
        );
    }
}

#[tokio::test]
async fn administrators_reset_passwords_within_their_scope() {
    for db in databases().await {
        let app = demo_app(&db, 10).await;
        let admin = Client::login(&app, "admin").await;
        let (person, _, individual, unit_admin) = setting(&app, &admin).await;
        let account_of = |name: String| {
            let app = app.clone();
            async move {
                let mut conn = app.store().reader().await.unwrap();
                hoso_store::accounts::by_username(&mut conn, &name)
                    .await
                    .unwrap()
                    .unwrap()
                    .id
            }
        };
        let individual_id = account_of(individual.clone()).await;
        let admin_id = account_of("admin".into()).await;
        let victim = Client::login(&app, &individual).await;

        // The unit administrator resets a person of its unit.
        let ua = Client::login(&app, &unit_admin).await;
        let r = ua
            .post(
                &format!("/api/v1/accounts/{individual_id}/reset-password"),
                Value::Null,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        let temporary = r.body["temporary_password"].as_str().unwrap().to_string();
        assert_eq!(
            victim.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "the target's sessions ended"
        );
        let fresh = login_with(&app, &individual, &temporary).await;
        assert_eq!(
            fresh.get("/api/v1/me").await.body["must_change_password"],
            true
        );
        let r = fresh.get(&format!("/api/v1/persons/{person}")).await;
        assert_eq!(r.error_code(), "password_change_required");
        let r = fresh
            .post(
                "/api/v1/me/password",
                json!({"current_password": temporary, "new_password": "Hoa-Sen#2026x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(
            fresh.get(&format!("/api/v1/persons/{person}")).await.status,
            StatusCode::OK
        );

        // …but never the system administrator: refused, audited, nothing changed.
        let before = audit_count(&admin, "account.reset_password.refused").await;
        let r = ua
            .post(
                &format!("/api/v1/accounts/{admin_id}/reset-password"),
                Value::Null,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.error_message().contains("không có quyền"));
        assert_eq!(
            audit_count(&admin, "account.reset_password.refused").await,
            before + 1
        );
        assert_eq!(admin.get("/api/v1/me").await.status, StatusCode::OK);

        // Nor its own account, not even the system administrator: a stolen session cannot
        // trade the password it does not know for a temporary one.
        let r = admin
            .post(
                &format!("/api/v1/accounts/{admin_id}/reset-password"),
                Value::Null,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {}", db.label, r.body);
        let r = admin
            .post(
                &format!("/api/v1/accounts/{admin_id}/reset-totp"),
                json!({"request_ref": "Công văn 12/SNV"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {}", db.label, r.body);
        assert_eq!(admin.get("/api/v1/me").await.status, StatusCode::OK);
        // The password is unchanged: the demo password still signs in.
        let again = Client::login(&app, "admin").await;
        assert_eq!(again.get("/api/v1/me").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn delegation_creates_grants_restricts_widens_and_revokes() {
    for db in databases().await {
        let app = demo_app(&db, 10).await;
        let admin = Client::login(&app, "admin").await;
        let (person, unit, _, unit_admin) = setting(&app, &admin).await;
        let ua = Client::login(&app, &unit_admin).await;

        // A unit administrator may not hand out system administration, nor units outside its own.
        let before = audit_count(&admin, "account.create.refused").await;
        let r = ua
            .post(
                "/api/v1/accounts",
                json!({"username": "sieu.quan.tri", "display_name": "X", "request_ref": "CV 1",
                       "grants": [{"role": "system_admin"}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {}", db.label, r.body);
        let units = admin.get("/api/v1/org-units").await;
        let root = units.body[0]["id"].as_i64().unwrap();
        let r = ua
            .post(
                "/api/v1/accounts",
                json!({"username": "tinh.xem", "display_name": "X", "request_ref": "CV 1",
                       "grants": [{"role": "viewer", "unit_id": root}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            audit_count(&admin, "account.create.refused").await,
            before + 2
        );
        let accounts = admin.get("/api/v1/accounts?per_page=200").await;
        assert!(
            !accounts.body.to_string().contains("tinh.xem"),
            "nothing created"
        );

        // The written request is required.
        let r = ua
            .post(
                "/api/v1/accounts",
                json!({"username": "xem.don.vi", "display_name": "Lãnh đạo", "request_ref": "  ",
                       "grants": [{"role": "viewer", "unit_id": unit}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.error_message().contains("văn bản đề nghị"));

        // Inside its unit it may.
        let r = ua
            .post(
                "/api/v1/accounts",
                json!({"username": "xem.don.vi", "display_name": "Lãnh đạo đơn vị", "request_ref": "Tờ trình 5/TTr",
                       "grants": [{"role": "viewer", "unit_id": unit}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let account = r.body["account"]["id"].as_i64().unwrap();
        let grant = r.body["account"]["grants"][0]["id"].as_i64().unwrap();
        assert_eq!(
            r.body["account"]["grants"][0]["request_ref"],
            "Tờ trình 5/TTr"
        );
        let temporary = r.body["temporary_password"].as_str().unwrap().to_string();
        let viewer = login_with(&app, "xem.don.vi", &temporary).await;
        viewer
            .post(
                "/api/v1/me/password",
                json!({"current_password": temporary, "new_password": "Hoa-Sen#2026x"}),
            )
            .await;
        assert_eq!(
            viewer
                .get(&format!("/api/v1/persons/{person}"))
                .await
                .status,
            StatusCode::OK
        );

        // Restrict to read-only, then widen again; moving above the unit is refused.
        let r = ua
            .send_json(
                "PATCH",
                &format!("/api/v1/grants/{grant}"),
                json!({"read_only": true, "request_ref": "CV 7"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["read_only"], true);
        let r = ua
            .send_json(
                "PATCH",
                &format!("/api/v1/grants/{grant}"),
                json!({"unit_id": root, "request_ref": "CV 8"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = admin
            .send_json(
                "PATCH",
                &format!("/api/v1/grants/{grant}"),
                json!({"unit_id": root, "read_only": false, "request_ref": "CV 9"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["unit_id"], root);

        // A second grant, then revocations: each takes effect on the next request.
        let r = admin
            .post(
                &format!("/api/v1/accounts/{account}/grants"),
                json!({"role": "approver", "unit_id": unit, "request_ref": "CV 10"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let second = r.body["id"].as_i64().unwrap();
        let r = delete(
            &admin,
            &format!("/api/v1/grants/{grant}"),
            json!({"request_ref": "CV 11"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let me = viewer.get("/api/v1/me").await;
        assert_eq!(me.body["roles"], json!(["approver"]), "re-read at once");
        let r = delete(
            &admin,
            &format!("/api/v1/grants/{second}"),
            json!({"request_ref": "CV 12"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            viewer.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "no grants left: sessions ended"
        );
        let r = delete(
            &admin,
            &format!("/api/v1/grants/{second}"),
            json!({"request_ref": "CV 12"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let log = admin.get("/api/v1/audit?action=grant.revoke").await;
        assert_eq!(log.body["total"], 2);
        assert_eq!(log.body["items"][0]["detail"]["request_ref"], "CV 12");
    }
}

#[tokio::test]
async fn one_lists_and_ends_ones_own_sessions() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        let first = Client::login(&app, "lanhdao").await;
        let second = Client::login(&app, "lanhdao").await;
        let r = first.get("/api/v1/me/sessions").await;
        assert_eq!(r.status, StatusCode::OK);
        let list = r.body.as_array().unwrap();
        assert_eq!(list.len(), 2, "{}", db.label);
        assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
        assert!(!r.body.to_string().contains(first.token.as_deref().unwrap()));
        let other = list.iter().find(|s| s["current"] == false).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let admin = Client::login(&app, "admin").await;
        let r = delete(&admin, &format!("/api/v1/me/sessions/{other}"), Value::Null).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "not someone else's");
        let r = delete(&first, &format!("/api/v1/me/sessions/{other}"), Value::Null).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            second.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(first.get("/api/v1/me").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn the_audit_trail_is_searchable_and_people_see_who_read_their_record() {
    for db in databases().await {
        let app = demo_app(&db, 5).await;
        let admin = Client::login(&app, "admin").await;
        let (person, _, individual, unit_admin) = setting(&app, &admin).await;
        let ua = Client::login(&app, &unit_admin).await;
        assert_eq!(
            ua.get(&format!("/api/v1/persons/{person}")).await.status,
            StatusCode::OK
        );
        let r = admin
            .get(&format!(
                "/api/v1/audit?action=record.read&target_kind=person&target_id={person}"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        assert_eq!(r.body["total"], 1);
        let r = admin
            .get("/api/v1/audit?from=2000-01-01&to=2000-01-02")
            .await;
        assert_eq!(r.body["total"], 0);
        let r = admin.get("/api/v1/audit?from=hôm-qua").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        // A unit administrator sees the entries about the records of its unit, not the rest.
        let r = ua.get("/api/v1/audit").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let items = r.body["items"].as_array().unwrap();
        assert!(!items.is_empty());
        assert!(items.iter().all(|e| e["target_kind"] == "person"));
        let target = person.to_string();
        assert!(
            items
                .iter()
                .any(|e| e["action"] == "record.read" && e["target_id"] == target.as_str())
        );
        let all = admin.get("/api/v1/audit").await;
        assert!(all.body["total"].as_i64() > r.body["total"].as_i64());
        let viewer = Client::login(&app, "lanhdao").await;
        assert_eq!(
            viewer.get("/api/v1/audit").await.status,
            StatusCode::FORBIDDEN
        );

        let me = Client::login(&app, &individual).await;
        let r = me.get("/api/v1/me/record-reads").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["total"], 1);
        assert!(
            r.body["items"][0]["actor_display_name"]
                .as_str()
                .unwrap()
                .starts_with("Cán bộ tổ chức")
        );
    }
}

#[tokio::test]
async fn totp_enrolment_sign_in_and_replay_protection() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        let leader = Client::login(&app, "lanhdao").await;
        let r = leader.post("/api/v1/me/totp", Value::Null).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        let secret = r.body["secret"].as_str().unwrap().to_string();
        assert!(
            r.body["otpauth_url"]
                .as_str()
                .unwrap()
                .starts_with("otpauth://totp/Hoso%3Alanhdao?secret=")
        );
        let r = leader
            .post("/api/v1/me/totp/confirm", json!({"code": "000000x"}))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        // Stay inside one 30-second step for the rest of the test.
        let into_step = (hoso_store::now_ms() / 1000) % 30;
        if into_step >= 25 {
            tokio::time::sleep(std::time::Duration::from_secs((31 - into_step) as u64)).await;
        }
        let now = (hoso_store::now_ms() / 1000) as u64;
        // Confirm with the previous step's code, so that the current one is still fresh below.
        let code = hoso_app::totp::code_at(&secret, now - 30).unwrap();
        let r = leader
            .post("/api/v1/me/totp/confirm", json!({"code": code}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

        // Sign-in now needs the code; a wrong one counts as a failure; a used one is refused.
        let anon = Client::anonymous(&app);
        let login = |totp: Option<String>| {
            let anon = &anon;
            async move {
                let mut body = json!({"username": "lanhdao", "password": common::PASSWORD});
                if let Some(t) = totp {
                    body["totp"] = json!(t);
                }
                anon.post("/api/v1/auth/login", body).await
            }
        };
        let r = login(None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.error_code(), "totp_required");
        let r = login(Some(code.clone())).await;
        assert_eq!(
            r.error_code(),
            "totp_required",
            "the confirming code is spent"
        );
        let fresh = hoso_app::totp::code_at(&secret, (hoso_store::now_ms() / 1000) as u64).unwrap();
        let r = login(Some(fresh.clone())).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = login(Some(fresh)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "no replay");
        assert_eq!(
            leader.post("/api/v1/me/totp", Value::Null).await.status,
            StatusCode::CONFLICT
        );
    }
}

#[tokio::test]
async fn totp_can_be_made_mandatory_for_administrators() {
    for db in databases().await {
        let config = hoso_app::Config {
            require_totp_for_admins: true,
            ..common::config(&db)
        };
        let app = App::start(config).await.unwrap();
        app.seed_demo(3, common::PASSWORD, &|_, _| {})
            .await
            .unwrap();
        let admin = Client::login(&app, "admin").await;
        let r = admin.get("/api/v1/persons").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", db.label);
        assert_eq!(r.error_code(), "totp_enrolment_required");
        assert_eq!(admin.get("/api/v1/me").await.status, StatusCode::OK);
        let r = admin.post("/api/v1/me/totp", Value::Null).await;
        let secret = r.body["secret"].as_str().unwrap().to_string();
        let code = hoso_app::totp::code_at(&secret, (hoso_store::now_ms() / 1000) as u64).unwrap();
        let r = admin
            .post("/api/v1/me/totp/confirm", json!({"code": code}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(admin.get("/api/v1/persons").await.status, StatusCode::OK);
        // Viewers are not concerned.
        let leader = Client::login(&app, "lanhdao").await;
        assert_eq!(leader.get("/api/v1/persons").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn personal_access_can_be_revoked_for_movements() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        let admin = Client::login(&app, "admin").await;
        let (person, _, individual, _) = setting(&app, &admin).await;
        let me = Client::login(&app, &individual).await;
        let actor = app
            .authenticate(admin.token.as_deref().unwrap())
            .await
            .unwrap();
        // The person cannot end its own access, and a refusal is audited.
        let own = app
            .authenticate(me.token.as_deref().unwrap())
            .await
            .unwrap();
        let refused = app
            .revoke_personal_access(&own, person, "x", &hoso_app::ClientInfo::default())
            .await;
        assert!(
            matches!(refused, Err(hoso_app::AppError::Forbidden)),
            "{}: {refused:?}",
            db.label
        );
        assert_eq!(
            audit_count(&admin, "account.revoke_personal_access.refused").await,
            1
        );
        assert_eq!(me.get("/api/v1/me").await.status, StatusCode::OK);
        app.revoke_personal_access(
            &actor,
            person,
            "Chuyển công tác ra ngoài tỉnh",
            &hoso_app::ClientInfo::default(),
        )
        .await
        .unwrap();
        assert_eq!(
            me.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "{}: sessions ended",
            db.label
        );
        let again = login_with(&app, &individual, common::PASSWORD).await;
        let r = again.get(&format!("/api/v1/persons/{person}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "no grant left: no record");
        assert_eq!(
            audit_count(&admin, "account.revoke_personal_access").await,
            1
        );
    }
}
