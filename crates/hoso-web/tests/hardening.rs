//! Hardening (issue 19): clean input, one error contract, bounded work, sessions and sign-in,
//! on every available database. The bad-input corpus is a table: each input, the status, a
//! Vietnamese message, and nothing written.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Client, Reply, databases, demo_app};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// A message a Vietnamese reader reads: it carries Vietnamese letters.
fn is_vietnamese(message: &str) -> bool {
    message
        .chars()
        .any(|c| "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý".contains(c))
}

/// A page request as a browser signed in with `token` sends it; the status and the HTML.
async fn page(
    app: &hoso_app::App,
    token: Option<&str>,
    method: &str,
    uri: &str,
    form: Option<&str>,
) -> (StatusCode, String, axum::http::HeaderMap) {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::ACCEPT, "text/html");
    if let Some(t) = token {
        b = b.header(header::COOKIE, format!("hoso_session={t}"));
    }
    let body = match form {
        Some(f) => {
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(f.to_string())
        }
        None => Body::empty(),
    };
    let resp = hoso_web::router(app.clone())
        .oneshot(b.body(body).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        String::from_utf8_lossy(&bytes).into_owned(),
        headers,
    )
}

fn assert_refused(r: &Reply, status: StatusCode, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    assert!(
        is_vietnamese(r.error_message()),
        "{what}: not a Vietnamese JSON error: {}",
        r.body
    );
}

#[tokio::test]
async fn bad_input_is_refused_in_vietnamese_and_nothing_is_written() {
    for db in databases().await {
        let app = demo_app(&db, 10).await;
        let admin = Client::login(&app, "admin").await;
        let anon = Client::anonymous(&app);
        let list = admin.get("/api/v1/persons?per_page=1").await;
        let person = list.body["items"][0]["id"].as_i64().unwrap();
        let view = admin.get(&format!("/api/v1/persons/{person}")).await;
        let version = view.body["current_version"].as_i64().unwrap();
        let mut record = view.body["record"].clone();
        record["general"]["birth_full_name"] = json!("NGUYỄN\u{0}VĂN A");

        // (method, uri, body, status): every one refused before anything is written.
        let corpus: Vec<(&str, String, Option<Value>, StatusCode)> = vec![
            (
                "GET",
                "/api/v1/persons?q=%00abc".into(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/persons?q=abc%00".into(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/persons?q=ab%1bcd".into(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/persons?page=9223372036854775807".into(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/persons?page=99999999999999999999".into(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/persons?page=abc".into(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/audit?actor_id=abc".into(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/audit?action=%00".into(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/alerts?date=abc".into(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/alerts?bogus=1".into(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/accounts?page=9223372036854775807".into(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/catalogs/a%00b/items".into(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "PUT",
                format!("/api/v1/persons/{person}/record"),
                Some(json!({"expected_version": version, "record": record})),
                StatusCode::BAD_REQUEST,
            ),
            (
                "POST",
                "/api/v1/accounts".into(),
                Some(json!({"username": "ky.tu\u{1}la", "display_name": "Thử",
                    "grants": [], "request_ref": "CV 1"})),
                StatusCode::BAD_REQUEST,
            ),
            (
                "POST",
                "/api/v1/accounts".into(),
                Some(json!({"username": "ky.tu.la", "display_name": "Thử\u{0}",
                    "grants": [], "request_ref": "CV 1"})),
                StatusCode::BAD_REQUEST,
            ),
        ];
        for (method, uri, body, status) in &corpus {
            let r = match body {
                Some(b) => admin.send_json(method, uri, b.clone()).await,
                None => admin.get(uri).await,
            };
            assert_refused(&r, *status, &format!("{} {method} {uri}", db.label));
        }
        let after = view_of(&admin, person).await;
        assert_eq!(
            after["current_version"].as_i64(),
            Some(version),
            "{}",
            db.label
        );
        assert!(
            admin.get("/api/v1/accounts?per_page=200").await.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["username"] != "ky.tu.la"),
            "{}",
            db.label
        );

        // Anonymous sign-in with a NUL in the username: refused, not a server error.
        let r = anon
            .post(
                "/api/v1/auth/login",
                json!({"username": "adm\u{0}in", "password": "x"}),
            )
            .await;
        assert_refused(&r, StatusCode::BAD_REQUEST, "login with NUL");

        // The pages: a Vietnamese error page, for a query and for a form.
        let token = admin.token.as_deref();
        let (status, html, _) = page(&app, token, "GET", "/can-bo?q=%00abc", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{}", db.label);
        assert!(
            html.contains("<html") && html.contains("ký tự điều khiển"),
            "{html}"
        );
        let (status, html, _) = page(
            &app,
            None,
            "POST",
            "/dang-nhap",
            Some("username=adm%00in&password=x"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{}", db.label);
        assert!(html.contains("ký tự điều khiển"), "{html}");
        let (status, html, _) = page(&app, token, "GET", "/canh-bao?khong_co=1", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{}", db.label);
        assert!(html.contains("không được hỗ trợ"), "{html}");
    }
}

async fn view_of(admin: &Client, person: i64) -> Value {
    admin.get(&format!("/api/v1/persons/{person}")).await.body
}

/// The answer must be the JSON error with a Vietnamese message and a status the operation
/// documents, never a server error.
fn assert_documented(doc: &Value, path: &str, method: &str, r: &Reply, what: &str) {
    let documented = &doc["paths"][path][method]["responses"];
    assert!(
        documented.get(r.status.as_str()).is_some(),
        "{what}: {method} {path} answered {} which its OpenAPI entry does not list: {}",
        r.status,
        r.body
    );
    assert!(
        !r.status.is_server_error(),
        "{what}: {method} {path}: {}",
        r.body
    );
    if r.status.is_client_error() {
        let ct = r
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            ct.starts_with("application/json"),
            "{what}: {method} {path}: {ct}"
        );
        assert!(
            is_vietnamese(r.error_message()),
            "{what}: {method} {path}: {}",
            r.body
        );
    }
}

/// A conformance run over the whole OpenAPI document: every operation, sent malformed paths,
/// parameters and bodies, anonymously and as the system administrator, answers only statuses
/// its entry lists, as the JSON error in Vietnamese.
#[tokio::test]
async fn every_operation_answers_only_documented_statuses_with_the_json_error() {
    for db in databases().await {
        let app = demo_app(&db, 5).await;
        let admin = Client::login(&app, "admin").await;
        let anon = Client::anonymous(&app);
        let doc = anon.get("/api/v1/openapi.json").await.body;
        let mut operations = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, _) in item.as_object().unwrap() {
                operations += 1;
                let m = method.to_uppercase();
                // The path with every parameter replaced by `v`.
                let with = |v: &str| {
                    path.split('{')
                        .enumerate()
                        .map(|(i, part)| match part.split_once('}') {
                            Some((_, rest)) if i > 0 => format!("{v}{rest}"),
                            _ => part.to_string(),
                        })
                        .collect::<String>()
                };
                let what = &db.label;
                // Anonymous.
                let r = anon.send_raw(&m, &with("1"), "{}".into()).await;
                assert_documented(&doc, path, method, &r, what);
                // Session-ending operations are only sent malformed requests that stop early.
                if path.ends_with("/auth/logout") {
                    continue;
                }
                // A control character in the path, a path value of the wrong type, an unknown
                // and a malformed query parameter.
                let mut uris = vec![
                    format!("{}?khong_co_tham_so=1", with("999999")),
                    format!("{}?page=%00", with("999999")),
                ];
                if path.contains('{') {
                    uris.push(with("x%00"));
                    uris.push(with("abc"));
                }
                for uri in uris {
                    let r = admin.send_raw(&m, &uri, "{".into()).await;
                    assert_documented(&doc, path, method, &r, what);
                }
                if item[method].get("requestBody").is_some() {
                    let target = with("999999");
                    for (ct, body) in [
                        ("application/json", "{"),
                        ("application/json", "[]"),
                        ("application/json", "{\"x\": \"\\u0000\"}"),
                        ("text/plain", "x"),
                    ] {
                        let req = Request::builder()
                            .method(m.as_str())
                            .uri(&target)
                            .header(
                                header::AUTHORIZATION,
                                format!("Bearer {}", admin.token.as_deref().unwrap()),
                            )
                            .header(header::CONTENT_TYPE, ct)
                            .body(Body::from(body))
                            .unwrap();
                        let r = admin.send(req).await;
                        assert_documented(&doc, path, method, &r, what);
                    }
                }
            }
        }
        assert!(operations > 70, "{operations}");
    }
}

#[tokio::test]
async fn oversized_bodies_long_uris_and_wrong_methods_answer_the_error_contract() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        let admin = Client::login(&app, "admin").await;
        let big = "x".repeat(app.config().max_body_bytes + 1);
        let r = admin
            .send_raw(
                "POST",
                "/api/v1/org-units",
                format!("{{\"name\": \"{big}\"}}"),
            )
            .await;
        assert_refused(&r, StatusCode::PAYLOAD_TOO_LARGE, "413");
        let long = format!("/api/v1/persons?q={}", "a".repeat(10_000));
        assert_refused(&admin.get(&long).await, StatusCode::URI_TOO_LONG, "414");
        let r = admin
            .send_raw("DELETE", "/api/v1/persons", String::new())
            .await;
        assert_refused(&r, StatusCode::METHOD_NOT_ALLOWED, "405");
        assert_refused(
            &admin.get("/api/v1/persons/abc").await,
            StatusCode::BAD_REQUEST,
            "path",
        );

        // The same on the site: Vietnamese pages, never plain text.
        let token = admin.token.as_deref();
        let form = format!("ten={}", "x".repeat(app.config().max_body_bytes + 1));
        for (method, uri, form, status) in [
            (
                "GET",
                "/ho-so/abc".to_string(),
                None,
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                format!("/can-bo?q={}", "a".repeat(10_000)),
                None,
                StatusCode::URI_TOO_LONG,
            ),
            (
                "POST",
                "/quan-tri/danh-muc/gioi_tinh".to_string(),
                Some(form.as_str()),
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
            (
                "POST",
                "/de-nghi".to_string(),
                Some("khong=dung"),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        ] {
            let (got, html, headers) = page(&app, token, method, &uri, form).await;
            assert_eq!(got, status, "{} {method} {uri}: {html}", db.label);
            assert!(
                headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html")
                    && html.contains("<html")
                    && is_vietnamese(&html),
                "{} {method} {uri}: {html}",
                db.label
            );
        }
    }
}

/// One request does bounded work: the rows of a repeating section are limited by the schema,
/// and validation lists at most 100 problems with the count of the rest, so the answer stays
/// small whatever the body.
#[tokio::test]
async fn validation_errors_are_bounded_whatever_the_body() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        let admin = Client::login(&app, "admin").await;
        let list = admin.get("/api/v1/persons?per_page=1").await;
        let person = list.body["items"][0]["id"].as_i64().unwrap();
        let view = admin.get(&format!("/api/v1/persons/{person}")).await;
        let version = view.body["current_version"].as_i64().unwrap();
        let uri = format!("/api/v1/persons/{person}/record");

        // Many rows: one problem, the row limit.
        let mut record = view.body["record"].clone();
        record["family_members"] = Value::Array(vec![json!({"x": 1}); 50_000]);
        let body = json!({"expected_version": version, "record": record}).to_string();
        let r = admin.send_raw("PUT", &uri, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", db.label);
        let fields = r.body["error"]["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 1, "{}", r.body);
        assert!(
            fields[0]["message"]
                .as_str()
                .unwrap()
                .contains("tối đa 100 dòng")
        );

        // Many problems within the limit: 100 listed, the rest counted.
        let mut record = view.body["record"].clone();
        record["family_members"] = Value::Array(vec![json!({"x": 1, "y": 2, "z": 3}); 100]);
        let body = json!({"expected_version": version, "record": record}).to_string();
        let r = admin.send_raw("PUT", &uri, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", db.label);
        assert_eq!(r.body["error"]["fields"].as_array().unwrap().len(), 100);
        let more = r.body["error"]["more_errors"].as_u64().unwrap();
        assert!(more >= 200, "{more}");
        assert!(r.error_message().contains(&format!("({} lỗi)", 100 + more)));
        let answer = r.body.to_string().len();
        assert!(answer < 64 * 1024, "an answer of {answer} bytes");

        assert_eq!(
            admin.get(&format!("/api/v1/persons/{person}")).await.body["current_version"].as_i64(),
            Some(version)
        );
    }
}

#[tokio::test]
async fn changing_ones_password_ends_every_other_session() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        let here = Client::login(&app, "admin").await;
        let elsewhere = Client::login(&app, "admin").await;
        let r = here
            .post(
                "/api/v1/me/password",
                json!({"current_password": common::PASSWORD, "new_password": "Mat-Khau-Moi-2026!xyz"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{} {}", db.label, r.body);
        assert_eq!(
            elsewhere.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "{}",
            db.label
        );
        assert_eq!(
            here.get("/api/v1/me").await.status,
            StatusCode::OK,
            "{}",
            db.label
        );
    }
}

#[tokio::test]
async fn personal_data_is_never_cached_the_docs_have_a_csp_and_secure_cookies_bring_hsts() {
    let db = &databases().await[0];
    let app = demo_app(db, 3).await;
    let admin = Client::login(&app, "admin").await;
    let list = admin.get("/api/v1/persons?per_page=1").await;
    let person = list.body["items"][0]["id"].as_i64().unwrap();
    for r in [
        list,
        admin.get(&format!("/api/v1/persons/{person}")).await,
        admin.get("/api/v1/me").await,
        admin.get("/api/v1/persons/abc").await,
    ] {
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "{}", r.body);
        assert!(r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
    }
    let docs = admin.get("/api/docs/").await;
    let csp = docs.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );

    let secure = hoso_app::App::start(hoso_app::Config {
        secure_cookies: true,
        ..app.config().clone()
    })
    .await
    .unwrap();
    let r = Client::anonymous(&secure).get("/healthz").await;
    assert!(
        r.headers[header::STRICT_TRANSPORT_SECURITY]
            .to_str()
            .unwrap()
            .starts_with("max-age="),
    );
}

/// A sign-in from a given client address.
async fn login_from(app: &hoso_app::App, addr: &str, username: &str, password: &str) -> Reply {
    let mut req = Request::builder()
        .method("POST")
        .uri("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap();
    let addr: std::net::SocketAddr = format!("{addr}:40000").parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    Client::anonymous(app).send(req).await
}

/// Sign-in answers the same for an unknown account, a wrong password and a locked account;
/// an address is slowed down after five failures whoever it tries; a lock cannot be extended
/// by a stranger.
#[tokio::test]
async fn sign_in_answers_alike_and_throttles_each_address() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        let right = common::PASSWORD;
        let wrong = login_from(&app, "10.0.0.1", "admin", "sai").await;
        let unknown = login_from(&app, "10.0.0.1", "khong.ton.tai", "sai").await;
        for r in [&wrong, &unknown] {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", db.label);
            assert_eq!(r.error_code(), "bad_credentials");
            assert_eq!(r.error_message(), wrong.error_message());
        }
        // Ten failures from two addresses lock the account (the threshold)…
        for addr in ["10.0.0.2", "10.0.0.3"] {
            for _ in 0..5 {
                let r = login_from(&app, addr, "admin", "sai").await;
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", db.label);
            }
        }
        // …and a locked account answers exactly like a wrong password, even to the right one.
        let locked = login_from(&app, "10.0.0.4", "admin", right).await;
        assert_eq!(
            locked.status,
            StatusCode::UNAUTHORIZED,
            "{}: {}",
            db.label,
            locked.body
        );
        assert_eq!(locked.body, wrong.body);
        // An address that failed five times waits, whatever account it tries next.
        let r = login_from(&app, "10.0.0.2", "khong.ton.tai", "sai").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", db.label);
        assert_eq!(r.error_code(), "too_many_attempts");
        assert!(is_vietnamese(r.error_message()));
        // Another address is not held back.
        let r = login_from(&app, "10.0.0.5", "khong.ton.tai", "sai").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", db.label);
        // Attempts on a locked account do not extend the lock (no doubling).
        let mut conn = app.store().reader().await.unwrap();
        let row = hoso_store::accounts::by_username(&mut conn, "admin")
            .await
            .unwrap()
            .unwrap();
        assert!(row.locked_until.is_some(), "{}", db.label);
        assert_eq!(row.failed_logins, 10, "{}", db.label);
    }
}

/// No page shows a message taken from its URL (issue 18, item 10): a message reaches the next
/// page only signed by the server for the session that caused it.
#[tokio::test]
async fn pages_show_only_messages_the_server_signed_for_the_session() {
    let db = &databases().await[0];
    let app = demo_app(db, 3).await;
    let admin = Client::login(&app, "admin").await;
    let token = admin.token.clone().unwrap();
    let list = admin.get("/api/v1/persons?per_page=1").await;
    let person = list.body["items"][0]["id"].as_i64().unwrap();
    let bait = "Tài khoản của bạn bị khóa, hãy gọi 0900000000";
    let encoded: String = form_urlencoded::byte_serialize(bait.as_bytes()).collect();
    for uri in [
        format!("/phe-duyet?loi={encoded}"),
        format!("/phe-duyet?loi={encoded}&ky=00112233445566778899aabbccddeeff"),
        format!("/ho-so/{person}?loi={encoded}"),
    ] {
        let (status, html, _) = page(&app, Some(&token), "GET", &uri, None).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {html}");
        assert!(
            !html.contains("0900000000"),
            "{uri} shows a message from its URL"
        );
    }
    // The message of a refused form, signed for this session, is shown after the redirect…
    let csrf = hoso_web::pages::csrf_token(&token);
    let (status, _, headers) = page(
        &app,
        Some(&token),
        "POST",
        "/phe-duyet/lo",
        Some(&format!("_csrf={csrf}")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(location.contains("ky="), "{location}");
    let (_, html, _) = page(&app, Some(&token), "GET", &location, None).await;
    assert!(html.contains("role=\"alert\""), "{html}");
    // …but not to another session.
    let other = Client::login(&app, "admin").await;
    let (_, html, _) = page(&app, other.token.as_deref(), "GET", &location, None).await;
    assert!(!html.contains("class=\"alert\""), "{html}");
}
