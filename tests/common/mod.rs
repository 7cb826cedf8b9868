//! What the tests of the real binary share: the configuration of every process of a test, the
//! `hoso` command, a server on a free port and a signed-in client of its JSON API.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hoso_store::testing::TestDb;
use reqwest::Method;
use serde_json::{Value, json};

pub const DEMO_PASSWORD: &str = "Mat-khau-2026!";

/// The configuration every process of a test shares, `hoso` commands and the test's own `App`.
pub fn vars(db: &TestDb) -> Vec<(&'static str, String)> {
    let dir = db.dir.path();
    let path = |name: &str| dir.join(name).display().to_string();
    vec![
        ("HOSO_DATABASE_URL", db.url.clone()),
        ("HOSO_KEY_FILE", path("hoso.key")),
        ("HOSO_ATTACHMENTS_DIR", path("attachments")),
        ("HOSO_BACKUP_DIR", path("backups")),
        ("HOSO_BACKUP_PASSPHRASE", "mật khẩu sao lưu thử".into()),
        ("HOSO_DEMO_PASSWORD", DEMO_PASSWORD.into()),
        ("HOSO_FIXED_TODAY", hoso_store::testing::today().to_string()),
        ("HOSO_LOG", "warn".into()),
    ]
}

pub fn hoso(db: &TestDb, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hoso"));
    c.args(args)
        .envs(vars(db))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

pub fn run(db: &TestDb, args: &[&str]) -> String {
    succeed(db, hoso(db, args))
}

pub fn succeed(db: &TestDb, mut command: Command) -> String {
    let out = command.output().expect("run hoso");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let args: Vec<_> = command.get_args().collect();
    assert!(out.status.success(), "hoso {args:?} on {}: {err}", db.label);
    err
}

/// `hoso serve --demo` on a free port of the loopback; killed when dropped, so that a failing
/// test leaves no server behind. Its log goes to `serve.log` beside the database.
pub struct Server {
    pub child: Child,
    pub base: String,
    log: PathBuf,
}

impl Server {
    pub fn start(db: &TestDb) -> Server {
        Server::start_with(db, &[])
    }

    /// [`Server::start`] with more of the environment set (or some of it changed).
    pub fn start_with(db: &TestDb, env: &[(&str, String)]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let bind = format!("127.0.0.1:{port}");
        let log = db.dir.path().join("serve.log");
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let child = hoso(db, &["serve", "--demo", "--bind", &bind])
            // Heads sign on any day (the test's fixed day is outside the demo rules' window), and
            // no daily backup competes with the test for the two cores.
            .env("HOSO_APPROVAL_WINDOW_DAYS", "0")
            .env_remove("HOSO_BACKUP_PASSPHRASE")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stderr(log_file)
            .spawn()
            .unwrap();
        let mut server = Server {
            child,
            base: format!("http://{bind}"),
            log,
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(&bind).is_err() {
            assert!(
                server.child.try_wait().unwrap().is_none(),
                "{}: hoso serve exited: {}",
                db.label,
                server.log()
            );
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "{}: hoso serve is not listening: {}",
                db.label,
                server.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn kill(mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A signed-in client of the JSON API.
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub async fn login(server: &Server, username: &str) -> Api {
        let mut api = Api {
            // A bound on every request, so that a test never hangs on a dead server.
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(120))
                .build()
                .unwrap(),
            base: server.base.clone(),
            token: String::new(),
        };
        let body = json!({"username": username, "password": DEMO_PASSWORD});
        let (status, answer) = api
            .call(Method::POST, "/api/v1/auth/login", Some(&body))
            .await
            .unwrap();
        assert_eq!(status, 200, "login {username}: {answer}");
        api.token = answer["token"].as_str().unwrap().to_string();
        api
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> reqwest::Result<(u16, Value)> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await?;
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }
}
