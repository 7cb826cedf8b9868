//! A headless Chromium session against the real server (chromedriver + fantoccini), and the
//! small steps the browser tests share. Tests call [`available`] first: without Debian's
//! `chromium` and `chromium-driver` they say so and pass without running.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hoso_app::App;
use serde_json::json;

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const WAIT: Duration = Duration::from_secs(15);

pub fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The acting account behind a username, signed in through the API.
pub async fn actor(app: &App, username: &str) -> hoso_app::Actor {
    let client = super::Client::login(app, username).await;
    app.authenticate(client.token.as_deref().unwrap())
        .await
        .unwrap()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png).unwrap();
}

pub async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

pub async fn sign_in(c: &Client, base: &str, username: &str) {
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/dang-nhap")).await.unwrap();
    let form = c.form(Locator::Css("main form")).await.unwrap();
    form.set_by_name("username", username).await.unwrap();
    form.set_by_name("password", super::PASSWORD).await.unwrap();
    form.submit().await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("form[action='/dang-xuat']"))
        .await
        .unwrap_or_else(|e| panic!("sign-in of {username} did not finish: {e}"));
}

/// Whether the browser and its driver are installed; says so when they are not.
pub fn available() -> bool {
    let ok = Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists();
    if !ok {
        eprintln!(
            "SKIPPED browser test: {CHROMEDRIVER} or {CHROMIUM} is missing (apt-get install chromium chromium-driver)"
        );
    }
    ok
}

/// A headless Chromium session on a fresh server: the driver process, the browser, where its
/// downloads land, and the server's address.
pub struct Session {
    pub client: Client,
    pub base: String,
    pub downloads: tempfile::TempDir,
    _profile: tempfile::TempDir,
    _driver: tokio::process::Child,
}

pub async fn start_session(app: &App) -> Session {
    start_session_in(app, "vi-VN").await
}

/// A browser whose language is `lang` ("en-US": dates as an English browser shows them).
pub async fn start_session_in(app: &App, lang: &str) -> Session {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(hoso_web::serve_on(app.clone(), listener));
    let port = free_port();
    let driver = tokio::process::Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start chromedriver");
    let start = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(start.elapsed() < WAIT, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let profile = tempfile::tempdir().unwrap();
    let downloads = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", format!("--lang={lang}"), "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": {
                "download.default_directory": downloads.path().display().to_string(),
                "download.prompt_for_download": false,
                "intl.accept_languages": lang,
            },
        }),
    );
    let client = ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("connect to chromedriver");
    Session {
        client,
        base,
        downloads,
        _profile: profile,
        _driver: driver,
    }
}

/// Sets a form control's value as a user choosing it would (selects included).
pub async fn set_value(c: &Client, css: &str, value: &str) {
    // The page may still be loading after a click: wait for the control first.
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    c.execute(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
         e.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![json!(css), json!(value)],
    )
    .await
    .unwrap_or_else(|e| panic!("{css}: {e}"));
}

/// Whether the element is on the screen (not hidden by a fold or `display: none`).
pub async fn is_shown(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .is_displayed()
        .await
        .unwrap()
}

pub async fn click(c: &Client, css: &str) {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits until the element's text contains `needle` (the page after a submission may take a
/// moment to replace the one before), and returns that text.
pub async fn wait_for_text(c: &Client, css: &str, needle: &str) -> String {
    let start = Instant::now();
    let mut last = String::new();
    loop {
        if let Ok(element) = c.find(Locator::Css(css)).await
            && let Ok(text) = element.text().await
        {
            if text.contains(needle) {
                return text;
            }
            last = text;
        }
        assert!(
            start.elapsed() < WAIT,
            "{css} never showed “{needle}”; last text: {last}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
