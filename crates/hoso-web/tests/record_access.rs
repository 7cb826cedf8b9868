//! Access outside the management line (NĐ 27/2026), TOTP reset by a higher administrator, and
//! personal access ending when a person leaves service — through the API, on every database.

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

async fn unit_path(app: &App, unit: i64) -> String {
    let mut conn = app.store().reader().await.unwrap();
    hoso_store::org::get(&mut conn, unit)
        .await
        .unwrap()
        .unwrap()
        .path
}

async fn account_id(app: &App, username: &str) -> i64 {
    let mut conn = app.store().reader().await.unwrap();
    hoso_store::accounts::by_username(&mut conn, username)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The username of the unit administrator of `unit`.
async fn unit_admin_of(admin: &Client, unit: i64) -> String {
    let accounts = admin.get("/api/v1/accounts?per_page=200").await;
    accounts.body["items"]
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
        .expect("the unit has an administrator")
}

/// Two people in unrelated units: (person, unit) inside, (person, unit) outside.
async fn two_people(app: &App, admin: &Client) -> ((i64, i64), (i64, i64)) {
    let list = admin.get("/api/v1/persons?per_page=200").await;
    let people = list.body["items"].as_array().unwrap().clone();
    let first = (
        people[0]["id"].as_i64().unwrap(),
        people[0]["unit_id"].as_i64().unwrap(),
    );
    let path_in = unit_path(app, first.1).await;
    for p in &people {
        let u = p["unit_id"].as_i64().unwrap();
        let path = unit_path(app, u).await;
        if !path.starts_with(&path_in) && !path_in.starts_with(&path) {
            return (first, (p["id"].as_i64().unwrap(), u));
        }
    }
    panic!("two people in unrelated units")
}

fn days_ahead(days: i64) -> String {
    (hoso_store::testing::today() + time::Duration::days(days)).to_string()
}

async fn audit_total(admin: &Client, query: &str) -> i64 {
    let r = admin.get(&format!("/api/v1/audit?{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["total"].as_i64().unwrap()
}

const INSPECTOR_PASSWORD: &str = "Kiem-Sat#2026x";

#[tokio::test]
async fn a_record_is_shared_outside_the_management_line_for_a_purpose_until_an_expiry() {
    for db in databases().await {
        let label = db.label;
        let app = demo_app(&db, 40).await;
        let admin = Client::login(&app, "admin").await;
        let ((person, unit), (other_person, other_unit)) = two_people(&app, &admin).await;
        let hr = Client::login(&app, &unit_admin_of(&admin, unit).await).await;
        let other_hr = Client::login(&app, &unit_admin_of(&admin, other_unit).await).await;

        // An inspector of another agency: a viewer over an unrelated unit.
        let r = admin
            .post(
                "/api/v1/accounts",
                json!({"username": "thanhtra.01", "display_name": "Thanh tra viên",
                       "grants": [{"role": "viewer", "unit_id": other_unit, "read_only": true}],
                       "request_ref": "Công văn 20/TTr"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.body);
        let temporary = r.body["temporary_password"].as_str().unwrap().to_string();
        let inspector = login_with(&app, "thanhtra.01", &temporary).await;
        let r = inspector
            .post(
                "/api/v1/me/password",
                json!({"current_password": temporary, "new_password": INSPECTOR_PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let record_uri = format!("/api/v1/persons/{person}");
        assert_eq!(
            inspector.get(&record_uri).await.status,
            StatusCode::NOT_FOUND,
            "{label}: outside the inspector's line"
        );

        // Bad input: refused with a Vietnamese message, nothing granted.
        let grants_uri = format!("/api/v1/persons/{person}/access-grants");
        let good = json!({"username": "thanhtra.01", "purpose": "Thanh tra công vụ năm 2026",
                          "legal_ref": "Quyết định 12/QĐ-TTr ngày 01/11/2026", "expires_on": days_ahead(30)});
        for (field, value, needle) in [
            ("expires_on", json!(days_ahead(-1)), "đã qua"),
            ("expires_on", json!(days_ahead(400)), "tối đa"),
            ("expires_on", json!("31/02/2027"), "không tồn tại"),
            ("legal_ref", json!("  "), "văn bản đồng ý"),
            ("purpose", json!(""), "mục đích"),
            ("username", json!("khong.co.ai"), "Không tìm thấy tài khoản"),
            ("clearance", json!("tối mật"), "Mức tiếp cận"),
        ] {
            let mut body = good.clone();
            body[field] = value;
            let r = hr.post(&grants_uri, body).await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{label} {field}: {}",
                r.body
            );
            assert!(
                r.error_message().contains(needle),
                "{label} {field}: {}",
                r.error_message()
            );
        }
        assert_eq!(hr.get(&grants_uri).await.body.as_array().unwrap().len(), 0);
        // Not the administrator of the record: another unit's HR does not even see it; the
        // inspector (who cannot read it) neither.
        assert_eq!(
            other_hr.post(&grants_uri, good.clone()).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            inspector.post(&grants_uri, good.clone()).await.status,
            StatusCode::NOT_FOUND
        );

        // The unit's HR grants it: default level "internal".
        let r = hr.post(&grants_uri, good.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.body);
        let grant_id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["clearance"], "internal");
        assert_eq!(r.body["status"], "active");
        assert_eq!(r.body["expires_on"], days_ahead(30));

        let r = inspector.get(&record_uri).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.body);
        assert_eq!(r.body["clearance"], "internal");
        assert!(
            r.body["record"]["general"]["birth_full_name"].is_string(),
            "{}",
            r.body
        );
        assert!(
            r.body["record"]["general"]
                .get("citizen_id_number")
                .is_none(),
            "{label}: identifiers are above the grant's level: {}",
            r.body["record"]["general"]
        );
        // Only the current version, and only through this route.
        assert_eq!(
            inspector
                .get(&format!("/api/v1/persons/{person}/versions"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            inspector
                .get(&format!("/api/v1/persons/{person}/versions/1"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // It appears in nothing else: not in the inspector's lists or searches…
        let list = inspector.get("/api/v1/persons?per_page=200").await;
        assert!(
            list.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["id"].as_i64() != Some(person)),
            "{label}: shared record in the inspector's list"
        );
        // …only in its list of shared records.
        let shared = inspector.get("/api/v1/me/shared-records").await;
        assert_eq!(shared.status, StatusCode::OK);
        let shared = shared.body.as_array().unwrap();
        assert_eq!(shared.len(), 1);
        assert_eq!(shared[0]["person_id"], person);
        assert_eq!(shared[0]["purpose"], "Thanh tra công vụ năm 2026");
        // Every use is audited with the grant.
        let reads = admin
            .get(&format!(
                "/api/v1/audit?action=record.read&target_id={person}&actor={}",
                account_id(&app, "thanhtra.01").await
            ))
            .await;
        assert_eq!(reads.body["total"], 1, "{label}: {}", reads.body);
        assert_eq!(reads.body["items"][0]["detail"]["access_grant"], grant_id);
        // Its own line works as before.
        assert_eq!(
            inspector
                .get(&format!("/api/v1/persons/{other_person}"))
                .await
                .status,
            StatusCode::OK,
            "inside the inspector's own line"
        );

        // Expired grants stop working at once.
        app.store()
            .execute_raw(&format!(
                "UPDATE record_access_grants SET expires_at = {} WHERE id = {grant_id}",
                app.now_ms() - 1
            ))
            .await
            .unwrap();
        assert_eq!(
            inspector.get(&record_uri).await.status,
            StatusCode::NOT_FOUND,
            "{label}: expired"
        );
        assert_eq!(
            inspector
                .get("/api/v1/me/shared-records")
                .await
                .body
                .as_array()
                .unwrap()
                .len(),
            0
        );
        let listed = hr.get(&grants_uri).await;
        assert_eq!(listed.body[0]["status"], "expired");

        // A grant stating a higher level shows identifiers; revoking ends it at once.
        let mut wider = good.clone();
        wider["clearance"] = json!("confidential");
        let r = hr.post(&grants_uri, wider).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let second = r.body["id"].as_i64().unwrap();
        let r = inspector.get(&record_uri).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body["record"]["general"]["citizen_id_number"].is_string());
        let revoke_uri = format!("/api/v1/access-grants/{second}");
        let r = other_hr
            .send_json("DELETE", &revoke_uri, json!({"request_ref": "CV 1"}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "not its record");
        let r = hr
            .send_json("DELETE", &revoke_uri, json!({"request_ref": ""}))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = hr
            .send_json(
                "DELETE",
                &revoke_uri,
                json!({"request_ref": "Kết luận thanh tra 5/KL-TTr"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(
            inspector.get(&record_uri).await.status,
            StatusCode::NOT_FOUND,
            "{label}: revoked"
        );
        let r = hr
            .send_json("DELETE", &revoke_uri, json!({"request_ref": "lần hai"}))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let listed = hr.get(&grants_uri).await;
        assert_eq!(listed.body[0]["status"], "revoked");
        assert_eq!(listed.body[0]["revoke_ref"], "Kết luận thanh tra 5/KL-TTr");
        assert_eq!(audit_total(&admin, "action=record_access.grant").await, 2);
        assert_eq!(audit_total(&admin, "action=record_access.revoke").await, 1);

        // A viewer of the unit reads the record but does not administer it: refused, audited.
        let before = audit_total(&admin, "action=record_access.grant.refused").await;
        let leader = Client::login(&app, "lanhdao").await;
        let r = leader.post(&grants_uri, good.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.error_message().contains("không có quyền"));
        assert_eq!(
            audit_total(&admin, "action=record_access.grant.refused").await,
            before + 1
        );
    }
}

#[tokio::test]
async fn a_higher_administrator_resets_a_lost_second_factor() {
    for db in databases().await {
        let label = db.label;
        let app = demo_app(&db, 3).await;
        let admin = Client::login(&app, "admin").await;
        let list = admin.get("/api/v1/persons?per_page=1").await;
        let unit = list.body["items"][0]["unit_id"].as_i64().unwrap();
        let hr_name = unit_admin_of(&admin, unit).await;
        let hr = Client::login(&app, &hr_name).await;

        // The province leader enrols a second factor.
        let leader = Client::login(&app, "lanhdao").await;
        let r = leader.post("/api/v1/me/totp", Value::Null).await;
        let secret = r.body["secret"].as_str().unwrap().to_string();
        let now = (hoso_store::now_ms() / 1000) as u64;
        let code = hoso_app::totp::code_at(&secret, now).unwrap();
        let r = leader
            .post("/api/v1/me/totp/confirm", json!({"code": code}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{label}: {}", r.body);
        let leader_id = account_id(&app, "lanhdao").await;
        let uri = format!("/api/v1/accounts/{leader_id}/reset-totp");

        // A unit administrator cannot (the leader's rights reach above its unit); nor oneself.
        let before = audit_total(&admin, "action=account.reset_totp.refused").await;
        let r = hr.post(&uri, json!({"request_ref": "Đơn 1"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: {}", r.body);
        let r = leader.post(&uri, json!({"request_ref": "Đơn 1"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            audit_total(&admin, "action=account.reset_totp.refused").await,
            before + 2
        );
        assert_eq!(leader.get("/api/v1/me").await.status, StatusCode::OK);
        // The written request is required.
        let r = admin.post(&uri, json!({"request_ref": " "})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.error_message().contains("văn bản"));

        let r = admin
            .post(
                &uri,
                json!({"request_ref": "Đơn báo mất điện thoại ngày 29/11/2026"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{label}: {}", r.body);
        assert_eq!(
            leader.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "sessions ended"
        );
        // The password alone signs in now, but nothing works before enrolling again.
        let again = login_with(&app, "lanhdao", common::PASSWORD).await;
        let r = again.get("/api/v1/persons").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: {}", r.body);
        assert_eq!(r.error_code(), "totp_enrolment_required");
        let r = again.post("/api/v1/me/totp", Value::Null).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_ne!(r.body["secret"], secret.as_str(), "a new secret");
        let fresh = r.body["secret"].as_str().unwrap().to_string();
        let code = hoso_app::totp::code_at(&fresh, (hoso_store::now_ms() / 1000) as u64).unwrap();
        let r = again
            .post("/api/v1/me/totp/confirm", json!({"code": code}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(again.get("/api/v1/persons").await.status, StatusCode::OK);
        assert_eq!(audit_total(&admin, "action=account.reset_totp").await, 1);
        // Nothing to reset on an account without a second factor.
        let hr_id = account_id(&app, &hr_name).await;
        let r = admin
            .post(
                &format!("/api/v1/accounts/{hr_id}/reset-totp"),
                json!({"request_ref": "Đơn 2"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn leaving_service_ends_personal_access_with_the_record_change() {
    for db in databases().await {
        let label = db.label;
        let app = demo_app(&db, 6).await;
        let admin = Client::login(&app, "admin").await;
        let list = admin.get("/api/v1/persons?per_page=10").await;
        let items = list.body["items"].as_array().unwrap().clone();
        let mut checked = 0;
        for (status, p) in ["retired", "transferred_out"].iter().zip(items.iter()) {
            let person = p["id"].as_i64().unwrap();
            let username = {
                let mut conn = app.store().reader().await.unwrap();
                let ids = hoso_store::accounts::ids_of_person(&mut conn, person)
                    .await
                    .unwrap();
                hoso_store::accounts::by_id(&mut conn, ids[0])
                    .await
                    .unwrap()
                    .unwrap()
                    .username
            };
            let me = Client::login(&app, &username).await;
            let uri = format!("/api/v1/persons/{person}");
            assert_eq!(me.get(&uri).await.status, StatusCode::OK);

            // An ordinary change leaves access alone.
            let current = admin.get(&uri).await;
            let r = admin
                .send_json(
                    "PUT",
                    &format!("{uri}/record"),
                    json!({"expected_version": current.body["current_version"], "record": current.body["record"]}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.body);
            assert_eq!(me.get(&uri).await.status, StatusCode::OK);

            let r = admin
                .send_json(
                    "PUT",
                    &format!("{uri}/record"),
                    json!({"expected_version": r.body["current_version"], "record": r.body["record"],
                           "status": status}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.body);
            assert_eq!(r.body["status"], *status);
            assert_eq!(
                me.get("/api/v1/me").await.status,
                StatusCode::UNAUTHORIZED,
                "{label} {status}: sessions ended"
            );
            let again = login_with(&app, &username, common::PASSWORD).await;
            assert_eq!(
                again.get(&uri).await.status,
                StatusCode::NOT_FOUND,
                "{label} {status}: no personal access left"
            );
            checked += 1;
        }
        assert_eq!(checked, 2);
        let r = admin
            .get("/api/v1/audit?action=account.revoke_personal_access")
            .await;
        assert_eq!(r.body["total"], 2, "{label}: {}", r.body);
        assert!(
            r.body["items"][0]["detail"]["reason"]
                .as_str()
                .unwrap()
                .contains("Hồ sơ chuyển trạng thái")
        );
    }
}

/// A page request with the session of `token` (the API token is the session cookie too).
async fn page(
    client: &Client,
    method: &str,
    uri: &str,
    token: &str,
    form: Option<&[(&str, &str)]>,
) -> (StatusCode, String, String) {
    use axum::http::{Request, header};
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, format!("hoso_session={token}"));
    let body = match form {
        None => axum::body::Body::empty(),
        Some(fields) => {
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            let csrf = hex::encode(sha2::Sha256::digest(format!("csrf:{token}").as_bytes()));
            let mut pairs = vec![("_csrf".to_string(), csrf)];
            pairs.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            axum::body::Body::from(
                pairs
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{k}={}",
                            v.bytes()
                                .map(|c| if c.is_ascii_alphanumeric() {
                                    (c as char).to_string()
                                } else {
                                    format!("%{c:02X}")
                                })
                                .collect::<String>()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("&"),
            )
        }
    };
    let r = client.send(b.body(body).unwrap()).await;
    let location = r
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (
        r.status,
        r.body.as_str().unwrap_or_default().to_string(),
        location,
    )
}

use sha2::Digest;

#[tokio::test]
async fn administrators_share_a_record_from_its_page_and_the_grantee_finds_it() {
    for db in databases().await {
        let label = db.label;
        let app = demo_app(&db, 40).await;
        let admin = Client::login(&app, "admin").await;
        let ((person, unit), (_, other_unit)) = two_people(&app, &admin).await;
        let hr = Client::login(&app, &unit_admin_of(&admin, unit).await).await;
        let hr_token = hr.token.clone().unwrap();
        let r = admin
            .post(
                "/api/v1/accounts",
                json!({"username": "thanhtra.02", "display_name": "Thanh tra viên",
                       "grants": [{"role": "viewer", "unit_id": other_unit, "read_only": true}],
                       "request_ref": "Công văn 21/TTr"}),
            )
            .await;
        let temporary = r.body["temporary_password"].as_str().unwrap().to_string();
        let inspector = login_with(&app, "thanhtra.02", &temporary).await;
        let r = inspector
            .post(
                "/api/v1/me/password",
                json!({"current_password": temporary, "new_password": INSPECTOR_PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let inspector_token = inspector.token.clone().unwrap();
        let name = admin.get(&format!("/api/v1/persons/{person}")).await.body["record"]["general"]
            ["birth_full_name"]
            .as_str()
            .unwrap()
            // As the page writes it: some names hold an apostrophe (K'Sim).
            .replace('\'', "&#39;");

        // The record page links to its access page, for its administrators.
        let (status, body, _) =
            page(&hr, "GET", &format!("/ho-so/{person}"), &hr_token, None).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(body.contains(&format!("/ho-so/{person}/truy-cap")));
        let uri = format!("/ho-so/{person}/truy-cap");
        let (status, body, _) = page(&hr, "GET", &uri, &hr_token, None).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        assert!(body.contains("Chưa cấp quyền truy cập nào"));

        // A refused form keeps what was typed and says why.
        let past = days_ahead(-3);
        let mut fields = vec![
            ("username", "thanhtra.02"),
            ("purpose", "Xác minh đơn thư"),
            ("legal_ref", "Văn bản đồng ý ngày 20/11/2026"),
            ("expires_on", past.as_str()),
            ("clearance", "internal"),
        ];
        let (status, body, _) = page(&hr, "POST", &uri, &hr_token, Some(&fields)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        assert!(body.contains("Ngày hết hạn đã qua"));
        assert!(body.contains("Xác minh đơn thư"));
        let future = days_ahead(10);
        fields[3] = ("expires_on", future.as_str());
        let (status, _, location) = page(&hr, "POST", &uri, &hr_token, Some(&fields)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert_eq!(location, uri);
        let (_, body, _) = page(&hr, "GET", &uri, &hr_token, None).await;
        assert!(body.contains("Thanh tra viên (thanhtra.02)") && body.contains("Đang hiệu lực"));

        // The grantee finds it among the records shared with it, and opens it.
        let (status, body, _) = page(
            &inspector,
            "GET",
            "/ho-so-duoc-chia-se",
            &inspector_token,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains(&name), "{label}: {body}");
        let (status, body, _) = page(
            &inspector,
            "GET",
            &format!("/ho-so/{person}"),
            &inspector_token,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        assert!(body.contains(&name));
        assert!(
            !body.contains("/truy-cap"),
            "no administration for the grantee"
        );
        // …but not its access page.
        let (status, _, _) = page(&inspector, "GET", &uri, &inspector_token, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Revoked from the page, with its document.
        let grant = hr
            .get(&format!("/api/v1/persons/{person}/access-grants"))
            .await
            .body[0]["id"]
            .as_i64()
            .unwrap();
        let (status, body, _) = page(
            &hr,
            "POST",
            &format!("{uri}/{grant}/thu-hoi"),
            &hr_token,
            Some(&[("request_ref", "Công văn 30/TTr")]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        assert!(body.contains("Đã thu hồi quyền truy cập") && body.contains("Công văn 30/TTr"));
        let (status, _, _) = page(
            &inspector,
            "GET",
            &format!("/ho-so/{person}"),
            &inspector_token,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
    }
}
