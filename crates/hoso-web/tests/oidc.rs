//! Sign-in through the shared account system (OpenID Connect), against a real provider:
//! `oidc-provider` run by node from `tests/oidc/provider.mjs` (`npm ci --prefix
//! crates/hoso-web/tests/oidc` installs it). Skipped, with the reason printed, only when node
//! or the package is missing.

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Client, databases};
use hoso_app::App;
use hoso_app::config::OidcConfig;
use tokio::io::{AsyncBufReadExt, BufReader};

const REDIRECT: &str = "http://localhost:8080/auth/oidc/callback";

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

/// Why the test cannot run here, if it cannot.
fn missing_prerequisite() -> Option<String> {
    match std::process::Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => return Some("node is not installed".into()),
    }
    let package = provider_dir().join("node_modules/oidc-provider/package.json");
    if !package.exists() {
        return Some(format!(
            "{} is missing: run `npm ci --prefix crates/hoso-web/tests/oidc`",
            package.display()
        ));
    }
    None
}

/// The provider process (killed when dropped) and its issuer URL.
async fn start_provider() -> (tokio::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = tokio::process::Command::new("node")
        .arg("provider.mjs")
        .current_dir(provider_dir())
        .env("OIDC_PORT", port.to_string())
        .env("OIDC_REDIRECT_URI", REDIRECT)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.starts_with("ready") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(ready, Ok(true), "the OIDC provider did not start");
    // The provider keeps logging notices: keep reading, or it dies writing to a closed pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, format!("http://127.0.0.1:{port}"))
}

/// The value of cookie `name` among a response's Set-Cookie headers.
fn set_cookie(reply: &common::Reply, name: &str) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let (k, rest) = v.split_once('=')?;
            (k == name).then(|| rest.split(';').next().unwrap_or_default().to_string())
        })
}

async fn get_with_cookie(client: &Client, uri: &str, cookie: Option<&str>) -> common::Reply {
    let mut b = Request::builder().method("GET").uri(uri);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    client.send(b.body(Body::empty()).unwrap()).await
}

fn location(headers: &reqwest::header::HeaderMap, base: &str) -> String {
    let l = headers
        .get(reqwest::header::LOCATION)
        .expect("a redirect")
        .to_str()
        .unwrap();
    if l.starts_with('/') {
        format!("{base}{l}")
    } else {
        l.to_string()
    }
}

/// Goes from Hoso's start page through the provider as `user`, and answers Hoso's callback
/// path (with query) and the state cookie the browser holds.
async fn through_provider(hoso: &Client, issuer: &str, user: &str) -> (String, String) {
    let r = get_with_cookie(hoso, "/auth/oidc/start", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let state_cookie = set_cookie(&r, "hoso_oidc_state").expect("state cookie");
    let authorize = r.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(authorize.starts_with(issuer), "{authorize}");
    assert!(
        authorize.contains("code_challenge_method=S256"),
        "{authorize}"
    );
    assert!(authorize.contains("nonce="), "{authorize}");

    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut url = authorize;
    for _ in 0..6 {
        if url.starts_with(REDIRECT) {
            let path = url.trim_start_matches("http://localhost:8080").to_string();
            return (path, format!("hoso_oidc_state={state_cookie}"));
        }
        let target = if url.contains("/interaction/") {
            format!("{url}?user={user}")
        } else {
            url.clone()
        };
        let resp = browser.get(&target).send().await.unwrap();
        assert!(
            resp.status().is_redirection(),
            "{target}: {} {}",
            resp.status(),
            resp.text().await.unwrap_or_default()
        );
        url = location(resp.headers(), issuer);
    }
    panic!("the provider never sent the browser back to Hoso")
}

#[tokio::test]
async fn people_sign_in_with_the_shared_account_system() {
    if let Some(reason) = missing_prerequisite() {
        println!("SKIPPED people_sign_in_with_the_shared_account_system: {reason}");
        return;
    }
    let (_provider, issuer) = start_provider().await;
    for db in databases().await {
        let label = db.label;
        let config = hoso_app::Config {
            oidc: Some(OidcConfig {
                issuer: issuer.clone(),
                client_id: "hoso".into(),
                client_secret: Some("hoso-test-secret".into()),
                redirect_url: REDIRECT.into(),
                id_claim: "so_dinh_danh".into(),
            }),
            ..common::config(&db)
        };
        let app = App::start(config).await.unwrap();
        app.seed_demo(3, common::PASSWORD, &|_, _| {})
            .await
            .unwrap();
        let hoso = Client::anonymous(&app);
        let admin = Client::login(&app, "admin").await;
        let number = {
            let r = admin.get("/api/v1/persons?per_page=1").await;
            let person = r.body["items"][0]["id"].as_i64().unwrap();
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

        // The sign-in page offers the shared account system.
        let page = get_with_cookie(&hoso, "/dang-nhap", None).await;
        assert!(
            page.body
                .as_str()
                .unwrap()
                .contains("Đăng nhập bằng tài khoản dùng chung"),
            "{label}"
        );

        // A person with a personal account signs in and lands on their own account.
        let (callback, cookie) = through_provider(&hoso, &issuer, &number).await;
        let r = get_with_cookie(&hoso, &callback, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}: {}", r.body);
        let session = set_cookie(&r, "hoso_session").expect("a session");
        let me = get_with_cookie(
            &hoso,
            "/api/v1/me",
            Some(&format!("hoso_session={session}")),
        )
        .await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.body["username"], number.as_str(), "{label}");
        let logins = admin.get("/api/v1/audit?action=auth.login").await;
        assert!(
            logins.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["detail"]["method"] == "oidc"),
            "{label}: {}",
            logins.body
        );

        // The answer is used once.
        let r = get_with_cookie(&hoso, &callback, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: replay");
        // An answer brought to another browser (without its state cookie) is refused.
        let (callback, _) = through_provider(&hoso, &issuer, &number).await;
        let r = get_with_cookie(&hoso, &callback, Some("hoso_oidc_state=khac")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: foreign state");

        // A shared account whose số định danh has no personal account here: refused, audited.
        let (callback, cookie) = through_provider(&hoso, &issuer, "079999999999").await;
        let r = get_with_cookie(&hoso, &callback, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: {}", r.body);
        assert!(
            r.body
                .as_str()
                .unwrap()
                .contains("chưa gắn với tài khoản cá nhân nào trong Hoso"),
            "{label}"
        );
        assert!(set_cookie(&r, "hoso_session").is_none());
        let refused = admin.get("/api/v1/audit?action=auth.oidc_refused").await;
        let reasons: Vec<_> = refused.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["detail"]["reason"].as_str().unwrap().to_string())
            .collect();
        assert!(
            reasons.contains(&"unknown_account".to_string()),
            "{reasons:?}"
        );
        assert_eq!(
            reasons.iter().filter(|r| *r == "bad_state").count(),
            2,
            "{label}: {reasons:?}"
        );
        // A record in service without an account: the first shared sign-in creates its
        // personal account (the province's account system proved who it is).
        let unit = admin.get("/api/v1/persons?per_page=1").await.body["items"][0]["unit_id"]
            .as_i64()
            .unwrap();
        let created = admin
            .post(
                "/api/v1/persons",
                serde_json::json!({
                    "unit_id": unit,
                    "record": hoso_domain::schema::fixtures::RecordBuilder::civil_servant()
                        .national_id("020185006666")
                        .build(),
                }),
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{label}: {}",
            created.body
        );
        let (callback, cookie) = through_provider(&hoso, &issuer, "020185006666").await;
        let r = get_with_cookie(&hoso, &callback, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}: {}", r.body);
        let session = set_cookie(&r, "hoso_session").expect("a session");
        let me = get_with_cookie(
            &hoso,
            "/api/v1/me",
            Some(&format!("hoso_session={session}")),
        )
        .await;
        assert_eq!(me.body["username"], "020185006666", "{label}");
        assert_eq!(me.body["person_id"], created.body["id"], "{label}");

        // A staff account (not a số định danh) never signs in this way.
        let (callback, cookie) = through_provider(&hoso, &issuer, "admin").await;
        let r = get_with_cookie(&hoso, &callback, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
    }
}

#[tokio::test]
async fn without_configuration_there_is_no_shared_sign_in() {
    for db in databases().await {
        let app = common::demo_app(&db, 1).await;
        let hoso = Client::anonymous(&app);
        let page = get_with_cookie(&hoso, "/dang-nhap", None).await;
        assert!(!page.body.as_str().unwrap().contains("tài khoản dùng chung"));
        let r = get_with_cookie(&hoso, "/auth/oidc/start", None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", db.label);
    }
}
