//! The holiday schedule page in a real browser (headless Chromium through chromedriver): the
//! administrator adds a day with the form, a refused day shows its reason; screenshots go to
//! `target/screenshots/lich-nghi*.png`. Skipped (passing) without chromedriver and chromium.

mod common;

use common::browser::{WAIT, available, screenshots_dir, start_session};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administrator_amends_the_schedule_in_a_browser() {
    if !available() {
        return;
    }
    let db = common::databases()
        .await
        .into_iter()
        .find(|d| d.label == "sqlite")
        .unwrap();
    let app = common::demo_app(&db, 2).await;
    let session = start_session(&app).await;
    let (c, base) = (&session.client, session.base.as_str());
    c.set_window_size(1280, 1400).await.unwrap();

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
    c.clone().close().await.ok();
}
