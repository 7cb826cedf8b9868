//! The holiday schedule page in a real browser (headless Chromium through chromedriver): the
//! administrator adds a day with the form, a refused day shows its reason; screenshots go to
//! `target/screenshots/lich-nghi*.png`. Skipped (passing) without chromedriver and chromium.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const WAIT: Duration = Duration::from_secs(15);

fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administrator_amends_the_schedule_in_a_browser() {
    if !Path::new(CHROMEDRIVER).exists() || !Path::new(CHROMIUM).exists() {
        eprintln!("SKIPPED: {CHROMEDRIVER} or {CHROMIUM} is missing");
        return;
    }
    let db = common::databases()
        .await
        .into_iter()
        .find(|d| d.label == "sqlite")
        .unwrap();
    let app = common::demo_app(&db, 2).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(hoso_web::serve_on(app.clone(), listener));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _driver = tokio::process::Command::new(CHROMEDRIVER)
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
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--lang=vi-VN", "--window-size=1280,1400",
                     format!("--user-data-dir={}", profile.path().display())],
        }),
    );
    let c = ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("connect to chromedriver");

    c.goto(&format!("{base}/dang-nhap")).await.unwrap();
    let form = c.form(Locator::Css("main form")).await.unwrap();
    form.set_by_name("username", "admin").await.unwrap();
    form.set_by_name("password", common::PASSWORD)
        .await
        .unwrap();
    form.submit().await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("form[action='/dang-xuat']"))
        .await
        .unwrap();

    c.goto(&format!("{base}/lich-nghi?nam=2026")).await.unwrap();
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "Lịch nghỉ lễ, Tết năm 2026");
    c.screenshot()
        .await
        .map(|png| std::fs::write(screenshots_dir().join("lich-nghi.png"), png).unwrap())
        .unwrap();

    // Add Ngày Văn hóa Việt Nam through the form.
    let add = c
        .form(Locator::Css("form[action='/lich-nghi/them']"))
        .await
        .unwrap();
    add.set_by_name("date", "24/11/2026").await.unwrap();
    add.set_by_name("name", "Ngày Văn hóa Việt Nam")
        .await
        .unwrap();
    add.set_by_name("decision_ref", "NQ thử").await.unwrap();
    add.submit().await.unwrap();
    let notice = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("p.notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(notice, "Đã thêm ngày vào lịch nghỉ.");
    assert!(
        !app.calendar()
            .is_working_day(time::macros::date!(2026 - 11 - 24))
    );

    // The same day again: refused, the reason shown, the form kept.
    let add = c
        .form(Locator::Css("form[action='/lich-nghi/them']"))
        .await
        .unwrap();
    add.set_by_name("date", "24/11/2026").await.unwrap();
    add.set_by_name("name", "Lần hai").await.unwrap();
    add.set_by_name("decision_ref", "NQ thử").await.unwrap();
    add.submit().await.unwrap();
    let error = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#loi-lich-nghi"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        error.starts_with("Ngày 24/11/2026 đã có trong lịch"),
        "{error}"
    );
    c.screenshot()
        .await
        .map(|png| std::fs::write(screenshots_dir().join("lich-nghi-loi.png"), png).unwrap())
        .unwrap();
    c.close().await.ok();
}
