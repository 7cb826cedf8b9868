//! Create-record idempotency held in the database: two nodes (two apps on one database, a
//! SQLite file or PostgreSQL) answer a repeated `Idempotency-Key` with the record the first
//! request created, without creating a second person.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Client, Reply, config, databases, demo_app};
use hoso_app::App;
use serde_json::{Value, json};

async fn post_with_key(c: &Client, key: &str, body: &Value) -> Reply {
    c.send(
        Request::builder()
            .method("POST")
            .uri("/api/v1/persons")
            .header(header::CONTENT_TYPE, "application/json")
            .header(
                header::AUTHORIZATION,
                format!("Bearer {}", c.token.as_deref().unwrap()),
            )
            .header("Idempotency-Key", key)
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_repeated_key_on_another_node_gives_the_same_record() {
    for db in databases().await {
        let one = demo_app(&db, 3).await;
        let two = App::start(config(&db)).await.unwrap();
        let on_one = Client::login(&one, "admin").await;
        // The same session, served by the other node.
        let on_two = Client {
            router: hoso_web::router(two.clone()),
            token: on_one.token.clone(),
        };
        let list = on_one.get("/api/v1/persons").await;
        let before = list.body["total"].as_i64().unwrap();
        let some = list.body["items"][0]["id"].as_i64().unwrap();
        let unit = on_one.get(&format!("/api/v1/persons/{some}")).await.body["record"]["identity"]
            ["employing_unit"]
            .clone();
        let sample = Value::Object(hoso_domain::schema::fixtures::sample_record());
        let body = json!({"unit_id": unit, "record": sample});

        let first = post_with_key(&on_one, "tao-ho-so-0001", &body).await;
        assert_eq!(
            first.status,
            StatusCode::CREATED,
            "{}: {}",
            db.label,
            first.body
        );
        let id = first.body["id"].as_i64().unwrap();
        assert!(first.headers.get("idempotency-replayed").is_none());

        let again = post_with_key(&on_two, "tao-ho-so-0001", &body).await;
        assert_eq!(
            again.status,
            StatusCode::CREATED,
            "{}: {}",
            db.label,
            again.body
        );
        assert_eq!(again.body["id"], id, "{}", db.label);
        assert_eq!(again.body["current_version"], first.body["current_version"]);
        assert_eq!(again.body["record"], first.body["record"]);
        assert_eq!(again.headers.get("idempotency-replayed").unwrap(), "true");
        let after = on_two.get("/api/v1/persons").await.body["total"]
            .as_i64()
            .unwrap();
        assert_eq!(after, before + 1, "{}: no duplicate person", db.label);

        // The same key for another request is refused; a bad key too.
        let mut other = body.clone();
        other["note"] = json!("khác");
        let r = post_with_key(&on_two, "tao-ho-so-0001", &other).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.error_code(), "idempotency_key_reused");
        let r = post_with_key(&on_one, "có dấu cách", &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(r.error_code(), "bad_idempotency_key");

        // A failed attempt gives its key back: the existing số định danh is refused as before
        // (409 pointing at the record), and the key stays free for a corrected request.
        let existing = on_one.get(&format!("/api/v1/persons/{some}")).await;
        let dup = json!({"unit_id": unit, "record": existing.body["record"]});
        let r = post_with_key(&on_one, "tao-ho-so-0002", &dup).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(r.body["error"]["existing_id"], some);
        let r = post_with_key(&on_two, "tao-ho-so-0002", &dup).await;
        assert_eq!(
            r.status,
            StatusCode::CONFLICT,
            "{}: tried again, not replayed",
            r.body
        );

        // Without a key, the API behaves as before.
        let r = on_one.post("/api/v1/persons", body.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::CONFLICT,
            "the số định danh exists now"
        );
    }
}

#[tokio::test]
async fn a_request_in_flight_on_one_node_is_reported_on_the_other() {
    for db in databases().await {
        let one = demo_app(&db, 2).await;
        let two = App::start(config(&db)).await.unwrap();
        let client = hoso_app::ClientInfo::default();
        let admin = one
            .login("admin", common::PASSWORD, None, &client)
            .await
            .unwrap()
            .1;
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let (claimed_tx, claimed) = tokio::sync::oneshot::channel::<()>();
        let a = admin.clone();
        let slow = tokio::spawn(async move {
            one.create_once(&a, "k", None, async move {
                let _ = claimed_tx.send(());
                let _ = wait.await;
                Ok(42)
            })
            .await
            .unwrap()
        });
        claimed.await.unwrap();
        assert_eq!(
            two.create_once(&admin, "k", None, async { Ok(7) })
                .await
                .unwrap(),
            hoso_app::idempotency::Once::InFlight,
            "{}",
            db.label
        );
        release.send(()).unwrap();
        assert_eq!(
            slow.await.unwrap(),
            hoso_app::idempotency::Once::Done {
                person_id: 42,
                replayed: false
            }
        );
        assert_eq!(
            two.create_once(&admin, "k", None, async { Ok(7) })
                .await
                .unwrap(),
            hoso_app::idempotency::Once::Done {
                person_id: 42,
                replayed: true
            },
            "{}",
            db.label
        );
    }
}
