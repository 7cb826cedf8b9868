//! The JSON API, end to end through the real router, on every available database.

mod common;

use axum::http::StatusCode;
use common::{Client, databases, demo_app};
use hoso_domain::schema::fixtures::RecordBuilder;
use serde_json::{Value, json};

/// First person of the admin's list, with its unit.
async fn some_person(admin: &Client) -> (i64, i64) {
    let r = admin.get("/api/v1/persons?per_page=1").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = &r.body["items"][0];
    (p["id"].as_i64().unwrap(), p["unit_id"].as_i64().unwrap())
}

/// The unit administrator of a unit, from the admin's account list (page by page).
async fn unit_admin_of(admin: &Client, unit_id: i64) -> String {
    for page in 1..=20 {
        let r = admin
            .get(&format!("/api/v1/accounts?per_page=200&page={page}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let items = r.body["items"].as_array().unwrap();
        if let Some(found) = items.iter().find(|a| {
            a["grants"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["role"] == "unit_admin" && g["unit_id"] == unit_id)
        }) {
            return found["username"].as_str().unwrap().to_string();
        }
        if items.is_empty() {
            break;
        }
    }
    panic!("every unit with staff has a unit administrator")
}

#[tokio::test]
async fn health_and_openapi_are_served() {
    for db in databases().await {
        let app = demo_app(&db, 20).await;
        let anon = Client::anonymous(&app);
        let r = anon.get("/healthz").await;
        assert_eq!(
            (r.status, r.body.clone()),
            (StatusCode::OK, json!({"status": "ok"})),
            "{}",
            db.label
        );
        let r = anon.get("/api/v1/openapi.json").await;
        assert_eq!(r.status, StatusCode::OK);
        for path in [
            "/api/v1/auth/login",
            "/api/v1/me",
            "/api/v1/org-units",
            "/api/v1/persons",
            "/api/v1/persons/{id}",
            "/api/v1/accounts",
        ] {
            assert!(r.body["paths"][path].is_object(), "OpenAPI lacks {path}");
        }
    }
}

#[tokio::test]
async fn everything_but_health_and_login_needs_a_session() {
    for db in databases().await {
        let app = demo_app(&db, 10).await;
        let anon = Client::anonymous(&app);
        for uri in [
            "/api/v1/me",
            "/api/v1/org-units",
            "/api/v1/persons",
            "/api/v1/persons/1",
            "/api/v1/accounts",
        ] {
            let r = anon.get(uri).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{uri} on {}", db.label);
            assert_eq!(r.error_code(), "unauthenticated");
            assert!(
                r.error_message().contains("đăng nhập"),
                "{}",
                r.error_message()
            );
        }
        let forged = Client {
            router: anon.router.clone(),
            token: Some("ab".repeat(32)),
        };
        assert_eq!(
            forged.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn login_refuses_bad_passwords_and_locks_out() {
    for db in databases().await {
        let app = demo_app(&db, 5).await;
        let anon = Client::anonymous(&app);
        let r = anon
            .post(
                "/api/v1/auth/login",
                json!({"username": "admin", "password": "sai"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(
            r.error_message()
                .starts_with("Tên đăng nhập hoặc mật khẩu không đúng.")
        );
        let r = anon
            .post(
                "/api/v1/auth/login",
                json!({"username": "khong-ton-tai", "password": "x"}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "unknown users look the same as wrong passwords"
        );
        for _ in 0..9 {
            anon.post(
                "/api/v1/auth/login",
                json!({"username": "admin", "password": "sai"}),
            )
            .await;
        }
        let r = anon
            .post(
                "/api/v1/auth/login",
                json!({"username": "admin", "password": common::PASSWORD}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{}: locked after 10 failures, and answering like a wrong password",
            db.label
        );
    }
}

#[tokio::test]
async fn login_me_and_logout() {
    for db in databases().await {
        let app = demo_app(&db, 10).await;
        let admin = Client::login(&app, "admin").await;
        let me = admin.get("/api/v1/me").await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.body["username"], "admin");
        assert_eq!(me.body["roles"], json!(["system_admin"]));
        assert_eq!(me.body["whole_province"], true);
        let r = admin
            .send_raw("POST", "/api/v1/auth/logout", String::new())
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            admin.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "the session ended"
        );
    }
}

#[tokio::test]
async fn admin_sees_the_province_and_searches_without_accents() {
    for db in databases().await {
        let app = demo_app(&db, 60).await;
        let admin = Client::login(&app, "admin").await;
        let units = admin.get("/api/v1/org-units").await;
        assert_eq!(units.status, StatusCode::OK);
        let units = units.body.as_array().unwrap();
        assert!(units.len() > 10, "a province tree");
        assert!(units[0]["parent_id"].is_null() && units[0]["kind"] == "province");
        let staffed: i64 = units
            .iter()
            .map(|u| u["staff_count"].as_i64().unwrap())
            .sum();
        let list = admin.get("/api/v1/persons?per_page=200").await;
        assert_eq!(list.body["total"], 60);
        let working = list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["status"] == "working")
            .count() as i64;
        assert_eq!(staffed, working, "staff counts add up on {}", db.label);

        // Paging.
        let p1 = admin.get("/api/v1/persons?per_page=7&page=1").await;
        let p2 = admin.get("/api/v1/persons?per_page=7&page=2").await;
        assert_eq!(p1.body["items"].as_array().unwrap().len(), 7);
        assert_ne!(p1.body["items"][0]["id"], p2.body["items"][0]["id"]);
        assert!(
            p1.body["prev"].is_null(),
            "the first page has none before it"
        );

        // Keyset paging: each page after the last row of the one before, in the order of
        // `sort`, gives the list read at once; back from the end, the same.
        for sort in ["name", "-date_of_birth", "rank", "-updated"] {
            let whole = admin
                .get(&format!("/api/v1/persons?per_page=200&sort={sort}"))
                .await;
            let whole: Vec<Value> = whole.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].clone())
                .collect();
            let ids = |body: &Value| -> Vec<Value> {
                body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["id"].clone())
                    .collect()
            };
            let mut walked = Vec::new();
            let mut page = admin
                .get(&format!("/api/v1/persons?per_page=7&sort={sort}"))
                .await;
            let mut last;
            loop {
                assert_eq!(page.status, StatusCode::OK, "{sort}");
                assert_eq!(page.body["total"], 60);
                walked.extend(ids(&page.body));
                last = page.body;
                let Some(next) = last["next"].as_str() else {
                    break;
                };
                page = admin
                    .get(&format!(
                        "/api/v1/persons?per_page=7&sort={sort}&after={next}"
                    ))
                    .await;
            }
            assert_eq!(walked, whole, "{sort} on {}", db.label);
            let mut back = ids(&last);
            while let Some(prev) = last["prev"].as_str() {
                last = admin
                    .get(&format!(
                        "/api/v1/persons?per_page=7&sort={sort}&before={prev}"
                    ))
                    .await
                    .body;
                let mut earlier = ids(&last);
                earlier.extend(back);
                back = earlier;
            }
            assert_eq!(back, whole, "{sort} back on {}", db.label);
        }
        // A cursor of another sort, a made-up one, or both directions at once: refused.
        let next = p1.body["next"].as_str().unwrap().to_string();
        let r = admin
            .get(&format!("/api/v1/persons?sort=-name&after={next}"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.error_message().contains("cách sắp xếp khác"),
            "{}",
            r.error_message()
        );
        let r = admin.get("/api/v1/persons?after=khong-phai-con-tro").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.error_message().contains("Con trỏ trang"),
            "{}",
            r.error_message()
        );
        let r = admin
            .get(&format!("/api/v1/persons?after={next}&before={next}"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        // Accent-insensitive search: type a name without diacritics.
        let name = list.body["items"][0]["full_name"]
            .as_str()
            .unwrap()
            .to_string();
        let folded = hoso_domain::search_key::fold(&name);
        let r = admin
            .get(&format!("/api/v1/persons?q={}", folded.replace(' ', "%20")))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["full_name"] == name.as_str()),
            "{folded} finds {name}"
        );

        // Sorting and bad parameters.
        let r = admin
            .get("/api/v1/persons?sort=-date_of_birth&per_page=5")
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let r = admin.get("/api/v1/persons?sort=salary").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.error_message().contains("sắp xếp"));
        let r = admin.get("/api/v1/persons?per_page=100000").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = admin.get("/api/v1/persons?page=abc").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn unit_admin_and_individual_see_only_their_scope() {
    for db in databases().await {
        let app = demo_app(&db, 80).await;
        let admin = Client::login(&app, "admin").await;
        let (person, unit) = some_person(&admin).await;
        let hr = Client::login(&app, &unit_admin_of(&admin, unit).await).await;

        let mine = hr.get("/api/v1/persons?per_page=200").await;
        let items = mine.body["items"].as_array().unwrap();
        assert!(!items.is_empty());
        assert!(
            items.iter().all(|p| p["unit_id"] == unit),
            "HR sees its own unit only (demo units with staff are leaves)"
        );
        assert_eq!(
            hr.get(&format!("/api/v1/persons/{person}")).await.status,
            StatusCode::OK
        );

        // A person elsewhere answers 404, not 403.
        let all = admin.get("/api/v1/persons?per_page=200").await;
        let outsider = all.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["unit_id"] != unit)
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let r = hr.get(&format!("/api/v1/persons/{outsider}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", db.label);
        assert_eq!(r.error_message(), "Không tìm thấy hồ sơ.");
        assert_eq!(
            hr.get("/api/v1/persons/99999999").await.status,
            StatusCode::NOT_FOUND
        );

        // The org tree is cut to the subtree.
        let units = hr.get("/api/v1/org-units").await;
        assert!(
            units
                .body
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["id"] == unit || u["parent_id"].is_number())
        );
        assert_eq!(units.body[0]["id"], unit);

        // The individual: own record only, in full.
        let record = admin.get(&format!("/api/v1/persons/{person}")).await;
        let national_id = record.body["record"]["general"]["citizen_id_number"]
            .as_str()
            .unwrap()
            .to_string();
        // HR finds the person by số định danh (a keyed-hash lookup; the number is not stored in clear).
        let found = hr.get(&format!("/api/v1/persons?q={national_id}")).await;
        assert_eq!(found.body["total"], 1, "{}", db.label);
        assert_eq!(found.body["items"][0]["id"], person);
        let me = Client::login(&app, &national_id).await;
        let own = me.get(&format!("/api/v1/persons/{person}")).await;
        assert_eq!(own.status, StatusCode::OK);
        assert_eq!(
            own.body["record"]["general"]["citizen_id_number"],
            national_id.as_str()
        );
        assert_eq!(
            me.get(&format!("/api/v1/persons/{outsider}")).await.status,
            StatusCode::NOT_FOUND
        );
        let list = me.get("/api/v1/persons").await;
        assert_eq!(list.body["total"], 1);
        assert_eq!(
            me.get("/api/v1/accounts").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(hr.get("/api/v1/accounts").await.status, StatusCode::OK);

        // The leader sees everything but not identifiers (Internal clearance).
        let leader = Client::login(&app, "lanhdao").await;
        let seen = leader.get(&format!("/api/v1/persons/{person}")).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(
            seen.body["record"]["general"]
                .get("citizen_id_number")
                .is_none(),
            "leaders do not see số định danh"
        );
        assert!(seen.body["record"]["general"]["birth_full_name"].is_string());
    }
}

fn record_of(view: &Value) -> Value {
    view["record"].clone()
}

#[tokio::test]
async fn create_update_and_version_a_record() {
    for db in databases().await {
        let app = demo_app(&db, 10).await;
        let admin = Client::login(&app, "admin").await;
        let (person, unit) = some_person(&admin).await;
        let existing = admin.get(&format!("/api/v1/persons/{person}")).await;

        // A second record for the same person is refused and points at the first.
        let r = admin
            .post(
                "/api/v1/persons",
                json!({"unit_id": unit, "record": record_of(&existing.body)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(r.body["error"]["existing_id"], person);

        // A seeded record passes the schema's validation as it stands: saving it unchanged works.
        let r = admin
            .send_json(
                "PUT",
                &format!("/api/v1/persons/{person}/record"),
                json!({"expected_version": 1, "record": record_of(&existing.body)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        assert_eq!(r.body["current_version"], 2);

        // A new person from the schema's sample record.
        let sample = Value::Object(hoso_domain::schema::fixtures::sample_record());
        let r = admin
            .post(
                "/api/v1/persons",
                json!({"unit_id": unit, "record": sample}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", db.label, r.body);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["current_version"], 1);
        assert_eq!(r.body["record"]["identity"]["employing_unit"], unit);

        // Change it against version 1.
        let mut record = record_of(&r.body);
        record["general"]["phone"] = json!("0912345678");
        let r2 = admin
            .send_json(
                "PUT",
                &format!("/api/v1/persons/{id}/record"),
                json!({"expected_version": 1, "record": record.clone()}),
            )
            .await;
        assert_eq!(r2.status, StatusCode::OK, "{}", r2.body);
        assert_eq!(r2.body["current_version"], 2);
        assert_eq!(r2.body["record"]["general"]["phone"], "0912345678");

        // A stale edit is refused: no lost update.
        let r3 = admin
            .send_json(
                "PUT",
                &format!("/api/v1/persons/{id}/record"),
                json!({"expected_version": 1, "record": record}),
            )
            .await;
        assert_eq!(r3.status, StatusCode::CONFLICT);
        assert!(r3.error_message().contains("phiên bản"));

        // The chain.
        let v = admin.get(&format!("/api/v1/persons/{id}/versions")).await;
        let versions = v.body.as_array().unwrap();
        assert_eq!(versions.len(), 2);
        assert!(versions[0]["prev_hash"].is_null());
        assert_eq!(versions[1]["prev_hash"], versions[0]["hash"]);
        // Each says where it comes from: here, the HR officer's own edits; the seeded record's
        // first version, the demo.
        for v in versions {
            assert_eq!(v["source"], "direct", "{}", db.label);
            assert_eq!(v["source_label"], "Cán bộ tổ chức cập nhật trực tiếp");
        }
        let seeded = admin
            .get(&format!("/api/v1/persons/{person}/versions"))
            .await;
        assert_eq!(seeded.body[0]["source"], "demo", "{}", db.label);
        assert_eq!(seeded.body[0]["source_label"], "Dữ liệu mẫu");
        assert_eq!(seeded.body[1]["source"], "direct");
    }
}

#[tokio::test]
async fn bad_records_are_refused_with_vietnamese_messages_and_nothing_written() {
    for db in databases().await {
        let app = demo_app(&db, 5).await;
        let admin = Client::login(&app, "admin").await;
        let (_, unit) = some_person(&admin).await;
        let before = admin.get("/api/v1/persons").await.body["total"]
            .as_i64()
            .unwrap();

        let bad = RecordBuilder::civil_servant().born("1990-02-30").build();
        let r = admin
            .post("/api/v1/persons", json!({"unit_id": unit, "record": bad}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.error_code(), "validation_failed");
        let fields = r.body["error"]["fields"].as_array().unwrap();
        assert!(
            fields.iter().any(|f| f["path"] == "general.date_of_birth"),
            "{fields:?}"
        );

        let unknown = RecordBuilder::civil_servant()
            .set("general", "shoe_size", json!(42))
            .build();
        let r = admin
            .post(
                "/api/v1/persons",
                json!({"unit_id": unit, "record": unknown}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body["error"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["path"] == "general.shoe_size")
        );

        let r = admin
            .send_raw("POST", "/api/v1/persons", "{\"unit_id\": ".into())
            .await;
        assert_eq!(
            (r.status, r.error_code()),
            (StatusCode::BAD_REQUEST, "malformed_json")
        );
        let r = admin
            .post("/api/v1/persons", json!({"unit_id": "một", "record": {}}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.error_message().contains("unit_id"),
            "{}",
            r.error_message()
        );
        let r = admin
            .post(
                "/api/v1/persons",
                json!({"unit_id": unit, "record": {}, "extra": 1}),
            )
            .await;
        assert!(r.error_message().contains("extra"), "{}", r.error_message());
        let r = admin
            .send_raw(
                "POST",
                "/api/v1/persons",
                format!(
                    "{{\"unit_id\": 1, \"note\": \"{}\"}}",
                    "x".repeat(3 * 1024 * 1024)
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        let r = admin.post("/api/v1/persons", json!({"unit_id": 99999999, "record": hoso_domain::schema::fixtures::sample_record()})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        assert_eq!(
            admin.get("/api/v1/persons").await.body["total"]
                .as_i64()
                .unwrap(),
            before,
            "nothing written on {}",
            db.label
        );
    }
}

#[tokio::test]
async fn org_units_are_created_renamed_moved_and_dissolved_with_history() {
    for db in databases().await {
        let app = demo_app(&db, 10).await;
        let admin = Client::login(&app, "admin").await;
        let units = admin.get("/api/v1/org-units").await.body;
        let root = units[0]["id"].as_i64().unwrap();
        let agency = units
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["kind"] == "administrative_agency")
            .unwrap()["id"]
            .as_i64()
            .unwrap();

        let r = admin.post("/api/v1/org-units", json!({"parent_id": agency, "code": "TEST.P1", "name": "Phòng Thử nghiệm", "kind": "department", "decision_ref": "QĐ 1/QĐ-SNV"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let r = admin.post("/api/v1/org-units", json!({"parent_id": agency, "code": "TEST.P1", "name": "Trùng mã", "kind": "department"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = admin.post("/api/v1/org-units", json!({"parent_id": id, "code": "TEST.X", "name": "Xã trong phòng", "kind": "commune"})).await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "no commune inside a department"
        );

        let r = admin
            .send_json(
                "PATCH",
                &format!("/api/v1/org-units/{id}"),
                json!({"name": "Phòng Đổi tên", "effective_on": "2026-01-01"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["name"], "Phòng Đổi tên");
        let other = units
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["kind"] == "administrative_agency")
            .nth(1)
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let r = admin
            .send_json(
                "PATCH",
                &format!("/api/v1/org-units/{id}"),
                json!({"parent_id": other}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["parent_id"], other);
        let r = admin
            .send_json(
                "PATCH",
                &format!("/api/v1/org-units/{root}"),
                json!({"parent_id": id}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "a unit cannot move into its own subtree"
        );
        let r = admin
            .send_json(
                "PATCH",
                &format!("/api/v1/org-units/{id}"),
                json!({"dissolve_on": "2026-06-30"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let changes: Vec<&str> = r.body["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["change"].as_str().unwrap())
            .collect();
        assert_eq!(
            changes,
            ["created", "renamed", "moved", "dissolved"],
            "{}",
            db.label
        );

        // A unit with staff cannot be dissolved.
        let (_, staffed) = some_person(&admin).await;
        let r = admin
            .send_json(
                "PATCH",
                &format!("/api/v1/org-units/{staffed}"),
                json!({"dissolve_on": "2026-06-30"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.error_message().contains("điều chuyển"));
    }
}

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        let anon = Client::anonymous(&app);
        let req = axum::http::Request::builder()
            .method("POST")
            .uri("/api/v1/auth/login")
            .header("content-type", "application/json")
            .header("sec-fetch-site", "cross-site")
            .body(axum::body::Body::from(
                json!({"username": "admin", "password": common::PASSWORD}).to_string(),
            ))
            .unwrap();
        let r = anon.send(req).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn projection_rebuilds_from_versions_and_audit_chain_holds() {
    for db in databases().await {
        let app = demo_app(&db, 30).await;
        let admin = Client::login(&app, "admin").await;
        let before = admin
            .get("/api/v1/persons?per_page=200&sort=date_of_birth")
            .await
            .body;
        // Wreck the projection; the versions are the truth.
        app.store()
            .execute_raw(
                "UPDATE persons SET full_name = 'x', search_key = 'x', rank_or_title_code = NULL",
            )
            .await
            .unwrap();
        assert_eq!(app.rebuild_projections().await.unwrap(), 30);
        let after = admin
            .get("/api/v1/persons?per_page=200&sort=date_of_birth")
            .await
            .body;
        assert_eq!(before, after, "{}", db.label);
        let (entries, broken) = app.verify_audit_chain().await.unwrap();
        assert!(
            entries >= 3 && broken.is_none(),
            "{}: {entries} {broken:?}",
            db.label
        );
    }
}

#[tokio::test]
async fn catalogs_are_edited_by_the_system_administrator_and_drive_validation() {
    for db in databases().await {
        let app = demo_app(&db, 5).await;
        let admin = Client::login(&app, "admin").await;
        let (person, unit) = some_person(&admin).await;
        let list = admin.get("/api/v1/catalogs").await;
        assert!(
            list.body
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["name"] == "dan_toc" && c["items"].as_i64().unwrap() >= 54)
        );

        // A new religion code is accepted on a record at once.
        let r = admin
            .send_json(
                "PUT",
                "/api/v1/catalogs/ton_giao/items",
                json!({"code": "moi", "name": "Tôn giáo mới", "decision_ref": "QĐ 5/QĐ-BNV"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let existing = admin.get(&format!("/api/v1/persons/{person}")).await.body;
        let mut record = existing["record"].clone();
        record["general"]["religion_code"] = json!("moi");
        let r = admin
            .send_json(
                "PUT",
                &format!("/api/v1/persons/{person}/record"),
                json!({"expected_version": 1, "record": record.clone()}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);

        // Retired: existing records keep it, new values are refused naming the field.
        assert_eq!(
            admin
                .send_raw(
                    "DELETE",
                    "/api/v1/catalogs/ton_giao/items/moi",
                    String::new()
                )
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        let r = admin
            .send_json(
                "PUT",
                &format!("/api/v1/persons/{person}/record"),
                json!({"expected_version": 2, "record": record}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body["error"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["path"] == "general.religion_code")
        );
        let items = admin.get("/api/v1/catalogs/ton_giao").await.body;
        assert!(
            items
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["code"] == "moi" && i["active"] == false)
        );

        // Bad input and other roles.
        let r = admin
            .send_json(
                "PUT",
                "/api/v1/catalogs/ton_giao/items",
                json!({"code": "có dấu", "name": "x", "decision_ref": "QĐ"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            admin.get("/api/v1/catalogs/khong_co").await.status,
            StatusCode::NOT_FOUND
        );
        let hr = Client::login(&app, &unit_admin_of(&admin, unit).await).await;
        let r = hr
            .send_json(
                "PUT",
                "/api/v1/catalogs/ton_giao/items",
                json!({"code": "x", "name": "x", "decision_ref": "QĐ"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // Past versions are readable, redacted like the current one.
        let v1 = admin
            .get(&format!("/api/v1/persons/{person}/versions/1"))
            .await;
        assert_eq!(v1.status, StatusCode::OK);
        assert_eq!(v1.body["version"], 1);
        assert_eq!(v1.body["record"], existing["record"]);
        assert_eq!(
            admin
                .get(&format!("/api/v1/persons/{person}/versions/9"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}
