//! Test harness: a real app on a fresh database of each backend, driven in-process through the
//! real router. SQLite always; PostgreSQL too when `HOSO_TEST_POSTGRES_URL` is set, each test in
//! a schema of its own.

#![allow(dead_code)]

pub mod browser;
pub mod html;
pub mod world;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use hoso_app::{App, Config};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub const PASSWORD: &str = "Demo-Mat-Khau-2026!";

pub use hoso_store::testing::{TestDb, databases};

/// Converts office files to PDF in `outdir` with LibreOffice headless (a profile of its own, so
/// tests may run side by side); fails the test if LibreOffice does.
pub fn libreoffice_to_pdf(outdir: &std::path::Path, files: &[std::path::PathBuf]) {
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(outdir)
        .args(files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether a tool no one here wrote (poppler, LibreOffice) is installed; a test that needs an
/// absent one says so and passes (`.ci/run` installs them).
pub fn tool(name: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(name).is_file()));
    if !found {
        eprintln!(
            "SKIPPED: `{name}` is not installed (apt-get install poppler-utils libreoffice-writer-nogui)"
        );
    }
    found
}

pub fn config(db: &TestDb) -> Config {
    Config {
        database_url: db.url.clone(),
        key_file: db.dir.path().join("hoso.key"),
        fixed_today: Some(hoso_store::testing::today()),
        ..Config::default()
    }
}

/// The demo's HR officer and head of a unit (`qt.<code>`, `pd.<code>`).
pub async fn demo_hr_and_head(app: &App, unit_id: i64) -> (String, String) {
    let mut conn = app.store().reader().await.unwrap();
    let code = hoso_store::org::get(&mut conn, unit_id)
        .await
        .unwrap()
        .unwrap()
        .code
        .to_lowercase();
    (format!("qt.{code}"), format!("pd.{code}"))
}

/// An app on `db` with the demo province of `people` people.
pub async fn demo_app(db: &TestDb, people: usize) -> App {
    let app = App::start(config(db)).await.unwrap();
    app.seed_demo(people, PASSWORD, &|_, _| {}).await.unwrap();
    app
}

pub struct Client {
    pub router: Router,
    pub token: Option<String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub headers: axum::http::HeaderMap,
}

impl Reply {
    pub fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    pub fn error_message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or("")
    }
}

impl Client {
    pub fn anonymous(app: &App) -> Client {
        Client {
            router: hoso_web::router(app.clone()),
            token: None,
        }
    }

    pub async fn login(app: &App, username: &str) -> Client {
        let mut c = Client::anonymous(app);
        let r = c
            .post(
                "/api/v1/auth/login",
                serde_json::json!({"username": username, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {username}: {}", r.body);
        c.token = Some(r.body["token"].as_str().unwrap().to_string());
        c
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Reply {
            status,
            body,
            headers,
        }
    }

    fn request(&self, method: &str, uri: &str) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(t) = &self.token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        b
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(self.request("GET", uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post(&self, uri: &str, body: Value) -> Reply {
        self.send_json("POST", uri, body).await
    }

    pub async fn send_json(&self, method: &str, uri: &str, body: Value) -> Reply {
        self.send_raw(method, uri, body.to_string()).await
    }

    pub async fn send_raw(&self, method: &str, uri: &str, body: String) -> Reply {
        self.send(
            self.request(method, uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// A request whose body and answer are bytes (files up and down): status, headers, body.
    pub async fn exchange_bytes(
        &self,
        method: &str,
        uri: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let resp = self
            .router
            .clone()
            .oneshot(
                self.request(method, uri)
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, headers, bytes)
    }

    /// A multipart upload of one file (field `file`) with extra text fields.
    pub async fn upload(
        &self,
        uri: &str,
        file_name: &str,
        bytes: &[u8],
        fields: &[(&str, &str)],
    ) -> Reply {
        let (content_type, body) = multipart(fields, file_name, bytes);
        self.send(
            self.request("POST", uri)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }
}

/// A multipart form as a browser sends one with a file input named `file`: its content type
/// and its body.
pub fn multipart(fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "hoso-test-boundary-7d1f";
    let mut body: Vec<u8> = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
