//! End to end in a real browser: headless Chromium driven through chromedriver (fantoccini),
//! against the real server on a free port with a fresh SQLite demo database. Screenshots of the
//! main pages go to `target/screenshots/`.
//!
//! Needs `/usr/bin/chromedriver` and `/usr/bin/chromium` (Debian: `apt-get install chromium
//! chromium-driver`); without them the test says so and passes without running.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::browser::{
    WAIT, actor, available, click, is_shown, set_value, shot, sign_in, start_session,
    start_session_in, text_of, wait_for_text,
};
use fantoccini::{Client, Locator};
use hoso_app::records::PersonQuery;
use hoso_app::{App, ClientInfo};

/// Waits until `dir` holds a finished `.xlsx` download.
async fn downloaded_xlsx(dir: &Path) -> PathBuf {
    downloaded(dir, "xlsx").await
}

/// The first finished download with this extension (Chromium writes `.crdownload` until done).
async fn downloaded(dir: &Path, extension: &str) -> PathBuf {
    let start = Instant::now();
    loop {
        if let Some(found) = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == extension))
        {
            return found;
        }
        assert!(
            start.elapsed() < WAIT,
            "no .{extension} downloaded into {dir:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_flows_for_admin_unit_admin_and_individual() {
    if !available() {
        return;
    }
    let dbs = common::databases().await;
    let db = dbs.into_iter().find(|d| d.label == "sqlite").unwrap();
    let app: App = common::demo_app(&db, 40).await;
    app.compute_all_alerts(app.today()).await.unwrap();

    // What the flows look for, from the use cases.
    let admin = actor(&app, "admin").await;
    let people = app
        .list_persons(&admin, PersonQuery::default())
        .await
        .unwrap();
    let target = people.items[5].clone();
    let unaccented = hoso_domain::search_key::fold(&target.full_name);
    let accounts = app.list_accounts(&admin, None, Some(200)).await.unwrap();
    let unit_admin = accounts
        .items
        .iter()
        .find(|a| a.grants.iter().any(|g| g.role == "unit_admin"))
        .expect("a unit administrator")
        .username
        .clone();
    let own = app
        .get_person(&admin, people.items[2].id, &ClientInfo::default())
        .await
        .unwrap();
    let citizen_id = own.record["general"]["citizen_id_number"]
        .as_str()
        .unwrap()
        .to_string();

    let session = start_session(&app).await;
    let (c, base) = (&session.client, session.base.as_str());

    flows(
        c,
        base,
        &target,
        &unaccented,
        &unit_admin,
        &citizen_id,
        session.downloads.path(),
        &app,
    )
    .await;
    c.clone().close().await.ok();
}

#[allow(clippy::too_many_arguments)]
async fn flows(
    c: &Client,
    base: &str,
    target: &hoso_app::records::PersonSummary,
    unaccented: &str,
    unit_admin: &str,
    citizen_id: &str,
    downloads: &Path,
    app: &App,
) {
    // Anonymous: sent to the sign-in page.
    c.goto(&format!("{base}/can-bo")).await.unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/dang-nhap")
    );
    shot(c, "01-dang-nhap").await;

    // A wrong password is told next to the form.
    let form = c.form(Locator::Css("main form")).await.unwrap();
    form.set_by_name("username", "admin").await.unwrap();
    form.set_by_name("password", "sai").await.unwrap();
    form.submit().await.unwrap();
    let alert = text_of(c, ".alert").await;
    assert!(
        alert.starts_with("Tên đăng nhập hoặc mật khẩu không đúng."),
        "{alert}"
    );

    // System administrator: dashboard.
    sign_in(c, base, "admin").await;
    c.goto(&format!("{base}/")).await.unwrap();
    assert!(
        text_of(c, "main")
            .await
            .contains("Tổng quan trong phạm vi quản lý")
    );
    shot(c, "02-trang-chu-quan-tri").await;

    // Staff list: type an unaccented name, htmx narrows the list as you type.
    c.goto(&format!("{base}/can-bo")).await.unwrap();
    shot(c, "03-danh-sach").await;
    let q = c.find(Locator::Css("#q")).await.unwrap();
    q.send_keys(unaccented).await.unwrap();
    let xpath = format!(
        "//div[@id='ket-qua']//a[normalize-space()='{}']",
        target.full_name
    );
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("search for {unaccented}: {e}"));
    let start = Instant::now();
    while !c
        .current_url()
        .await
        .unwrap()
        .query()
        .unwrap_or("")
        .contains("q=")
    {
        assert!(start.elapsed() < WAIT, "the URL follows the search");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let the last keystroke's request settle, then open the record.
    tokio::time::sleep(Duration::from_millis(800)).await;
    shot(c, "04-tim-kiem").await;
    let shown = text_of(c, ".results-head strong").await;
    assert!(shown.parse::<i64>().unwrap() >= 1);
    let link = c.find(Locator::XPath(&xpath)).await.unwrap();
    link.click().await.unwrap();

    // The record.
    let h1 = text_of(c, "main h1").await;
    assert_eq!(h1, target.full_name);
    assert!(text_of(c, "#muc-general").await.contains("Ngày sinh"));
    shot(c, "05-ho-so").await;
    c.execute(
        "document.getElementById('muc-work_history').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    shot(c, "05b-ho-so-qua-trinh-cong-tac").await;

    // Edit a field: a new version.
    c.goto(&format!("{base}/ho-so/{}/sua/general", target.id))
        .await
        .unwrap();
    shot(c, "06-sua-thong-tin-chung").await;
    let other = c.find(Locator::Css("#f-other_names")).await.unwrap();
    other.clear().await.unwrap();
    other.send_keys("Bí danh thử nghiệm").await.unwrap();
    c.find(Locator::Css("form.record-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = text_of(c, ".notice").await;
    assert!(notice.contains("phiên bản 2"), "{notice}");
    assert!(
        text_of(c, "#muc-general")
            .await
            .contains("Bí danh thử nghiệm")
    );
    assert!(text_of(c, "#lich-su").await.contains("Sửa mục"));

    // An impossible date of birth: the error shows next to the field, nothing saved.
    c.goto(&format!("{base}/ho-so/{}/sua/general", target.id))
        .await
        .unwrap();
    c.execute(
        "document.getElementById('f-date_of_birth').value = '2099-01-01';",
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Css("form.record-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let err = text_of(c, "#f-date_of_birth-loi").await;
    assert!(err.contains("tương lai"), "{err}");
    let kept = c
        .find(Locator::Css("#f-date_of_birth"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("2099-01-01"));
    shot(c, "07-loi-ngay-sinh").await;
    let admin = actor(app, "admin").await;
    assert_eq!(app.versions(&admin, target.id).await.unwrap().len(), 2);

    // Export the current list.
    c.goto(&format!("{base}/can-bo?gender=nu")).await.unwrap();
    c.find(Locator::Css("#xuat-excel"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let file = downloaded_xlsx(downloads).await;
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"PK") && bytes.len() > 2_000, "{file:?}");
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("Danh sách").unwrap();
    assert_eq!(sheet.rows().next().unwrap()[1].to_string(), "Họ và tên");

    // Organisation tree: children load when a unit is opened.
    c.goto(&format!("{base}/co-cau")).await.unwrap();
    c.find(Locator::Css(".tree details > summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(".tree details .children .tree li"))
        .await
        .expect("children loaded by htmx");
    shot(c, "08-co-cau").await;

    // Alerts: what is due, and why.
    c.goto(&format!("{base}/canh-bao")).await.unwrap();
    assert_eq!(text_of(c, "h1").await, "Cảnh báo, thời hạn");
    shot(c, "14-canh-bao").await;
    // Each alert leads to its next step, and one dealt with is marked: it leaves the list and
    // the count at once, and is found under "Đã xử lý" with what was done.
    let count = |text: String| -> i64 { text.replace('.', "").trim().parse().unwrap() };
    let before = count(text_of(c, ".results-head strong").await);
    assert!(before > 0, "the demo has alerts");
    assert!(is_shown(c, "tbody .alert-actions a.button").await);
    set_value(
        c,
        "form[action='/canh-bao/da-xu-ly'] input[name=note]",
        "Đã gửi thông báo cho đơn vị",
    )
    .await;
    click(c, "form[action='/canh-bao/da-xu-ly'] button").await;
    wait_for_text(c, "p.notice", "đã xử lý").await;
    assert_eq!(count(text_of(c, ".results-head strong").await), before - 1);
    c.goto(&format!("{base}/canh-bao?xu_ly=da")).await.unwrap();
    wait_for_text(c, "tbody", "Đã gửi thông báo cho đơn vị").await;
    shot(c, "14b-canh-bao-da-xu-ly").await;
    click(c, "form[action='/canh-bao/mo-lai'] button").await;
    wait_for_text(c, "p.notice", "mở lại").await;

    // A new record: the contract section is about người lao động only, and folds away once
    // another category is chosen.
    c.goto(&format!("{base}/ho-so/moi")).await.unwrap();
    let contract = "fieldset[data-applies-to='contract_worker']";
    assert!(
        is_shown(c, contract).await,
        "shown while no category is chosen"
    );
    set_value(
        c,
        "select[name='identity.personnel_category']",
        "civil_servant",
    )
    .await;
    assert!(!is_shown(c, contract).await);
    set_value(
        c,
        "select[name='identity.personnel_category']",
        "contract_worker",
    )
    .await;
    assert!(is_shown(c, contract).await);

    // On a phone.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}/can-bo")).await.unwrap();
    // The menu and the filters fold: the name search and the results come first.
    assert!(!is_shown(c, "#menu-chinh").await);
    assert!(!is_shown(c, "#status").await);
    assert!(is_shown(c, "#q").await);
    shot(c, "09-dien-thoai-danh-sach").await;
    click(c, ".fold-toggle").await;
    assert!(is_shown(c, "#status").await);
    click(c, ".menu-toggle").await;
    assert!(is_shown(c, "#menu-chinh").await);
    shot(c, "09b-dien-thoai-menu").await;
    c.goto(&format!("{base}/ho-so/{}", target.id))
        .await
        .unwrap();
    shot(c, "10-dien-thoai-ho-so").await;
    c.set_window_size(1280, 900).await.unwrap();

    // Sign out.
    c.goto(&format!("{base}/")).await.unwrap();
    c.find(Locator::Css("form[action='/dang-xuat'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("input[name=username]"))
        .await
        .unwrap();

    // Unit administrator: the dashboard and list of their unit only.
    sign_in(c, base, unit_admin).await;
    c.goto(&format!("{base}/")).await.unwrap();
    assert!(text_of(c, "main").await.contains("Tổng quan"));
    shot(c, "11-trang-chu-don-vi").await;
    c.goto(&format!("{base}/can-bo")).await.unwrap();
    let ua = actor(app, unit_admin).await;
    let theirs = app.list_persons(&ua, PersonQuery::default()).await.unwrap();
    let count = text_of(c, ".results-head strong").await;
    assert_eq!(count, theirs.total.to_string());

    // Individual: their own record.
    sign_in(c, base, citizen_id).await;
    c.goto(&format!("{base}/")).await.unwrap();
    let main = text_of(c, "main").await;
    assert!(main.contains("Hồ sơ của tôi"), "{main}");
    shot(c, "12-trang-chu-ca-nhan").await;
    c.find(Locator::LinkText("Xem toàn bộ sơ yếu lý lịch"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Plain words on one's own record: no clearance levels, version numbers nor hashes.
    let own = text_of(c, "main").await;
    assert!(own.contains("Các lần sửa hồ sơ"), "{own}");
    for jargon in ["Mức truy cập", "Mã băm", "Lịch sử phiên bản", "PCTNVK"] {
        assert!(!own.contains(jargon), "{jargon} in {own}");
    }

    // The 404 page.
    c.goto(&format!("{base}/khong-co-trang-nay")).await.unwrap();
    assert!(text_of(c, "main h1").await.contains("Không tìm thấy trang"));
    shot(c, "13-khong-tim-thay").await;
}

// ───────────────────────── administration flow ─────────────────────────

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_admin_flow_accounts_audit_and_my_account() {
    if !available() {
        return;
    }
    let dbs = common::databases().await;
    let db = dbs.into_iter().find(|d| d.label == "sqlite").unwrap();
    let app: App = common::demo_app(&db, 20).await;
    let admin = actor(&app, "admin").await;
    let unit = app.org_units(&admin).await.unwrap()[1].id.to_string();
    let someone = app
        .list_persons(&admin, PersonQuery::default())
        .await
        .unwrap()
        .items[3]
        .id;
    let someone = app
        .get_person(&admin, someone, &ClientInfo::default())
        .await
        .unwrap();
    let their_number = someone.record["general"]["citizen_id_number"]
        .as_str()
        .unwrap()
        .to_string();
    let s = start_session(&app).await;
    let (c, base) = (&s.client, s.base.as_str());

    // Keyboard: the first Tab reaches the skip link, and it is visible when focused.
    sign_in(c, base, "admin").await;
    c.goto(&format!("{base}/quan-tri/tai-khoan")).await.unwrap();
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("\u{E004}")
        .await
        .unwrap();
    let focused = c.active_element().await.unwrap();
    assert_eq!(focused.text().await.unwrap(), "Bỏ qua đến nội dung chính");
    shot(c, "20-tai-khoan-danh-sach").await;

    // Search as you type narrows the list.
    let q = c.find(Locator::Css("#q")).await.unwrap();
    q.send_keys("lanhdao").await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//div[@id='ket-qua']//p[contains(., ' tài khoản')]/strong[text()='1']",
        ))
        .await
        .expect("the list narrows to one account");

    // Create an account with a grant: the temporary password is shown once.
    click(c, "a[href='/quan-tri/tai-khoan/moi']").await;
    c.find(Locator::Css("#username"))
        .await
        .unwrap()
        .send_keys("e2e.to.chuc")
        .await
        .unwrap();
    c.find(Locator::Css("#display_name"))
        .await
        .unwrap()
        .send_keys("Lê Thị Tổ Chức")
        .await
        .unwrap();
    set_value(c, "#role", "unit_admin").await;
    set_value(c, "#unit_id", &unit).await;
    // First without the request reference: told next to the field.
    click(c, "main form button[type=submit]").await;
    let err = text_of(c, "#request_ref-loi").await;
    assert!(err.contains("văn bản đề nghị"), "{err}");
    shot(c, "21-tao-tai-khoan-loi").await;
    let kept = c
        .find(Locator::Css("#username"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("e2e.to.chuc"));
    c.find(Locator::Css("#request_ref"))
        .await
        .unwrap()
        .send_keys("25/SNV-TCCB ngày 10/01/2026")
        .await
        .unwrap();
    click(c, "main form button[type=submit]").await;
    let temp = text_of(c, "#mat-khau-tam").await;
    assert_eq!(temp.len(), 14, "{temp}");
    shot(c, "22-tai-khoan-moi-mat-khau-tam").await;

    // Grant a second role on the same unit.
    set_value(c, "#grant-role", "viewer").await;
    set_value(c, "#grant-unit", &unit).await;
    c.find(Locator::Css("#grant-ref"))
        .await
        .unwrap()
        .send_keys("26/SNV-TCCB")
        .await
        .unwrap();
    click(c, "form[action$='/cap-quyen'] button[type=submit]").await;
    // (Wait for the new page: the old one has a notice too.)
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//p[@class='notice' and text()='Đã cấp quyền.']",
        ))
        .await
        .expect("the grant is confirmed");
    assert!(
        text_of(c, "main table")
            .await
            .contains("Lãnh đạo, người xem")
    );
    shot(c, "23-tai-khoan-cap-quyen").await;

    // Reset the password: a new one, shown once.
    click(c, "form[action$='/dat-lai-mat-khau'] button").await;
    let reset = text_of(c, "#mat-khau-tam").await;
    assert_ne!(reset, temp);
    let account_url = c.current_url().await.unwrap().to_string();

    // On a phone: the account page and the list.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&account_url.replace("/dat-lai-mat-khau", ""))
        .await
        .unwrap();
    shot(c, "24-dien-thoai-tai-khoan").await;
    c.goto(&format!("{base}/quan-tri/tai-khoan")).await.unwrap();
    shot(c, "25-dien-thoai-tai-khoan-danh-sach").await;
    c.set_window_size(1280, 900).await.unwrap();

    // Audit search: what was just done, then its export.
    c.goto(&format!("{base}/quan-tri/nhat-ky")).await.unwrap();
    set_value(c, "#f-action", "grant.create").await;
    click(c, "form[role=search] button[type=submit]").await;
    let start = Instant::now();
    while !c
        .current_url()
        .await
        .unwrap()
        .query()
        .unwrap_or("")
        .contains("action=grant.create")
    {
        assert!(start.elapsed() < WAIT, "the search is submitted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath("//td[text()='Cấp quyền']"))
        .await
        .expect("the grant is in the trail");
    assert!(text_of(c, "table.audit").await.contains("26/SNV-TCCB"));
    shot(c, "26-nhat-ky").await;
    click(c, "#xuat-excel").await;
    let file = downloaded_xlsx(s.downloads.path()).await;
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(std::fs::read(&file).unwrap()))
            .unwrap();
    let sheet = wb.worksheet_range("Nhật ký").unwrap();
    assert_eq!(sheet.get((1, 2)).unwrap().to_string(), "Cấp quyền");
    c.set_window_size(390, 844).await.unwrap();
    shot(c, "27-dien-thoai-nhat-ky").await;
    c.set_window_size(1280, 900).await.unwrap();

    // Catalogs.
    c.goto(&format!("{base}/quan-tri/danh-muc/dan_toc"))
        .await
        .unwrap();
    assert!(text_of(c, "main table").await.contains("Kinh"));
    shot(c, "28-danh-muc").await;

    // The Thêm hồ sơ form: errors next to the fields.
    c.goto(&format!("{base}/ho-so/moi")).await.unwrap();
    shot(c, "29-them-ho-so").await;
    set_value(c, "#f-unit", &unit).await;
    click(c, "form.record-form button[type=submit]").await;
    let err = text_of(c, "#f-general-birth_full_name-loi").await;
    assert!(err.contains("bắt buộc"), "{err}");
    shot(c, "30-them-ho-so-loi").await;
    c.set_window_size(390, 844).await.unwrap();
    shot(c, "31-dien-thoai-them-ho-so").await;
    c.set_window_size(1280, 900).await.unwrap();

    // My account: sessions, the second factor's QR code, live password feedback.
    c.goto(&format!("{base}/tai-khoan/phien")).await.unwrap();
    assert!(text_of(c, "main table").await.contains("Phiên này"));
    shot(c, "32-phien-dang-nhap").await;
    c.goto(&format!("{base}/tai-khoan/xac-thuc-hai-lop"))
        .await
        .unwrap();
    click(c, "form[action$='/bat-dau'] button").await;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(".qr svg"))
        .await
        .expect("a QR code");
    assert!(!text_of(c, "#khoa-bi-mat").await.is_empty());
    shot(c, "33-xac-thuc-hai-lop").await;
    c.goto(&format!("{base}/doi-mat-khau")).await.unwrap();
    c.find(Locator::Css("#new_password"))
        .await
        .unwrap()
        .send_keys("abc")
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//div[@id='kiem-tra']//li[contains(., 'phải dài ít nhất')]",
        ))
        .await
        .expect("live feedback while typing");
    shot(c, "34-doi-mat-khau-kiem-tra").await;
    c.find(Locator::Css("#new_password"))
        .await
        .unwrap()
        .send_keys("DEF-2026!xyz")
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//div[@id='kiem-tra']//p[contains(., 'đạt các yêu cầu')]",
        ))
        .await
        .expect("the feedback follows the typing");
    c.set_window_size(390, 844).await.unwrap();
    shot(c, "35-dien-thoai-doi-mat-khau").await;
    c.set_window_size(1280, 900).await.unwrap();

    // The new account signs in with its reset password and must change it first.
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/dang-nhap")).await.unwrap();
    let form = c.form(Locator::Css("main form")).await.unwrap();
    form.set_by_name("username", "e2e.to.chuc").await.unwrap();
    form.set_by_name("password", &reset).await.unwrap();
    form.submit().await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#current_password"))
        .await
        .expect("sent to the password change");
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/doi-mat-khau")
    );

    // An individual: their account page and who read their record (the administrator did).
    sign_in(c, base, &their_number).await;
    c.goto(&format!("{base}/tai-khoan")).await.unwrap();
    click(c, "a[href='/tai-khoan/ai-da-xem']").await;
    assert!(
        text_of(c, "main table")
            .await
            .contains("Quản trị hệ thống Sở Nội vụ")
    );
    c.set_window_size(390, 844).await.unwrap();
    shot(c, "36-dien-thoai-ai-da-xem").await;
    c.set_window_size(1280, 900).await.unwrap();
    s.client.clone().close().await.ok();
}

// ───────────────────────── change, verification, signed approval ─────────────────────────

/// The account names of the demo people in one unit: an individual, the unit's HR officer and
/// its head.
async fn people_of_a_unit(app: &App) -> (i64, String, String, String) {
    let admin = actor(app, "admin").await;
    let person = app
        .list_persons(&admin, PersonQuery::default())
        .await
        .unwrap()
        .items[3]
        .clone();
    let mut conn = app.store().reader().await.unwrap();
    let account = hoso_store::accounts::ids_of_person(&mut conn, person.id)
        .await
        .unwrap()[0];
    let username = hoso_store::accounts::by_id(&mut conn, account)
        .await
        .unwrap()
        .unwrap()
        .username;
    drop(conn);
    let (hr, head) = common::demo_hr_and_head(app, person.unit_id).await;
    (person.id, username, hr, head)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_change_verified_and_signed_by_the_head() {
    if !available() {
        return;
    }
    let dbs = common::databases().await;
    let db = dbs.into_iter().find(|d| d.label == "sqlite").unwrap();
    // The demo province's certificates, as `serve --demo` makes them; the last working day
    // of November 2026 is inside the approval window.
    let today = time::macros::date!(2026 - 11 - 30);
    let (root, p12) = hoso_app::demo::ensure_demo_pki(
        &db.dir.path().join("demo-pki"),
        common::PASSWORD,
        hoso_app::Clock::on(today),
    )
    .unwrap();
    let config = hoso_app::Config {
        trusted_roots_file: Some(root),
        fixed_today: Some(today),
        ..common::config(&db)
    };
    let app = App::start(config).await.unwrap();
    app.seed_demo(20, common::PASSWORD, &|_, _| {})
        .await
        .unwrap();
    let (person, individual, hr, head) = people_of_a_unit(&app).await;
    let s = start_session(&app).await;
    let (c, base) = (&s.client, s.base.as_str());

    // The individual opens a request from their record, changes one field, attaches a scan.
    sign_in(c, base, &individual).await;
    c.goto(&format!("{base}/ho-so/{person}#de-nghi"))
        .await
        .unwrap();
    set_value(
        c,
        "#ly-do-de-nghi",
        "Bổ sung tên gọi khác theo giấy khai sinh",
    )
    .await;
    click(c, "form[action='/de-nghi'] button[type=submit]").await;
    wait_for_text(c, ".notice", "Đã lập phiếu").await;
    let change_url = c.current_url().await.unwrap();
    let change_path = change_url.path().to_string();
    click(c, &format!("a[href='{change_path}/sua/general']")).await;
    set_value(c, "#f-other_names", "Bé Tư").await;
    click(c, "form.record-form button[type=submit]").await;
    wait_for_text(c, ".notice", "Đã lưu mục").await;
    wait_for_text(c, "table.diff", "Bé Tư").await;
    let scan = db.dir.path().join("giay-khai-sinh.pdf");
    std::fs::write(&scan, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").unwrap();
    c.find(Locator::Css("#tep"))
        .await
        .unwrap()
        .send_keys(&scan.display().to_string())
        .await
        .unwrap();
    set_value(c, "#muc-minh-chung", "general").await;
    click(c, "form[enctype='multipart/form-data'] button[type=submit]").await;
    wait_for_text(c, ".notice", "giay-khai-sinh.pdf").await;
    click(c, &format!("form[action='{change_path}/gui'] button")).await;
    wait_for_text(c, ".notice", "Đã gửi").await;
    shot(c, "40-de-nghi-da-gui").await;

    // The HR officer finds it in the queue and verifies it.
    sign_in(c, base, &hr).await;
    c.goto(&format!("{base}/xac-thuc")).await.unwrap();
    shot(c, "41-hang-doi-xac-thuc").await;
    click(c, &format!("a[href='{change_path}']")).await;
    wait_for_text(c, "table.diff", "Bé Tư").await;
    shot(c, "42-xac-thuc-so-sanh").await;
    click(c, &format!("form[action='{change_path}/xac-thuc'] button")).await;
    wait_for_text(c, ".notice", "phiên bản 2").await;

    // The head prepares the month's batch and signs it with the PKCS#12 key.
    sign_in(c, base, &head).await;
    c.goto(&format!("{base}/phe-duyet")).await.unwrap();
    shot(c, "43-phe-duyet").await;
    click(c, "form[action='/phe-duyet/lo'] button").await;

    // Before signing, the head sends the record back with a comment (issue 18, item 3).
    c.wait()
        .for_element(Locator::Css("form.leave-out"))
        .await
        .unwrap();
    click(c, "details.row-action summary").await;
    let comment = "Đề nghị ghi rõ tên gọi khác theo giấy khai sinh bản chính";
    set_value(c, "form.leave-out textarea", comment).await;
    shot(c, "43a-tra-lai-truoc-khi-ky").await;
    click(c, "form.leave-out button[value='tra_lai']").await;
    wait_for_text(c, ".notice", "trả lại cho cán bộ tổ chức").await;
    wait_for_text(c, "section[aria-labelledby='da-tra-lai']", comment).await;
    // The proposer sees what the head said on the request.
    sign_in(c, base, &individual).await;
    c.goto(&format!("{base}{change_path}")).await.unwrap();
    wait_for_text(c, "main", "Thủ trưởng trả lại").await;
    wait_for_text(c, "section[aria-labelledby='thu-truong-tra-lai']", comment).await;
    shot(c, "43b-nguoi-de-nghi-thay-y-kien").await;
    // The HR officer answers from the record and sends it back.
    sign_in(c, base, &hr).await;
    c.goto(&format!("{base}/xac-thuc")).await.unwrap();
    wait_for_text(c, "section[aria-labelledby='thu-truong-tra-lai']", comment).await;
    c.goto(&format!("{base}/ho-so/{person}#phe-duyet"))
        .await
        .unwrap();
    set_value(
        c,
        "#tra-loi-thu-truong",
        "Đã ghi đúng theo bản chính giấy khai sinh",
    )
    .await;
    click(c, "form[action$='/gui-lai-phe-duyet'] button").await;
    wait_for_text(c, ".notice", "Đã gửi lại hồ sơ").await;
    // The head prepares the batch again.
    sign_in(c, base, &head).await;
    c.goto(&format!("{base}/phe-duyet")).await.unwrap();
    click(c, "form[action='/phe-duyet/lo'] button").await;
    // The batch page loads after the click: wait for it rather than race it.
    c.wait()
        .for_element(Locator::Css("#tep-khoa"))
        .await
        .unwrap()
        .send_keys(&p12.display().to_string())
        .await
        .unwrap();
    set_value(c, "#mat-khau-khoa", common::PASSWORD).await;
    // The head sees whom and what they sign: the person by name and unit, and the change.
    let signed_for = wait_for_text(c, "section[aria-labelledby='noi-dung-ky']", "Bé Tư").await;
    assert!(signed_for.contains("Các tên gọi khác"), "{signed_for}");
    assert!(
        !text_of(c, "main table").await.contains("Hồ sơ "),
        "named, not numbered"
    );
    shot(c, "44-ky-so").await;
    click(c, "form[action$='/ky'] button[type=submit]").await;
    let facts = wait_for_text(c, "dl.facts", "Đã ký").await;
    assert!(facts.contains("Thủ trưởng đơn vị"), "{facts}");
    wait_for_text(c, ".notice", "Đã ký và phê duyệt 1 phiên bản").await;
    shot(c, "45-da-ky").await;

    // The record's official version moved, for everyone.
    let admin = actor(&app, "admin").await;
    let approvals = app.record_approvals(&admin, person).await.unwrap();
    assert_eq!(
        (approvals.official_version, approvals.current_version),
        (2, 2)
    );
    c.goto(&format!("{base}/ho-so/{person}#lich-su"))
        .await
        .unwrap();
    wait_for_text(c, "#lich-su", "Đã phê duyệt").await;
    // The proposer sees the request approved.
    sign_in(c, base, &individual).await;
    c.goto(&format!("{base}/de-nghi")).await.unwrap();
    wait_for_text(c, "main", "Đã phê duyệt").await;
    c.clone().close().await.ok();
}

// ───────────────────────── a recruit's personal account ─────────────────────────

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_a_recruit_gets_an_account_activates_it_and_proposes_a_change() {
    if !available() {
        return;
    }
    let dbs = common::databases().await;
    let db = dbs.into_iter().find(|d| d.label == "sqlite").unwrap();
    let app: App = common::demo_app(&db, 12).await;
    let (colleague, _, hr, _) = people_of_a_unit(&app).await;
    let admin = actor(&app, "admin").await;
    let unit = app
        .get_person(&admin, colleague, &ClientInfo::default())
        .await
        .unwrap()
        .unit_id;
    let recruit = app
        .create_person(
            &admin,
            hoso_app::records::CreatePerson {
                unit_id: unit,
                status: None,
                record: hoso_domain::schema::fixtures::RecordBuilder::civil_servant()
                    .national_id("020185007777")
                    .build(),
                note: None,
            },
            &ClientInfo::default(),
        )
        .await
        .unwrap()
        .id;
    let s = start_session(&app).await;
    let (c, base) = (&s.client, s.base.as_str());

    // The unit's HR officer creates the account from the record and gets the sheet.
    sign_in(c, base, &hr).await;
    c.goto(&format!("{base}/ho-so/{recruit}#tai-khoan-ca-nhan"))
        .await
        .unwrap();
    wait_for_text(c, "#tai-khoan-ca-nhan", "Chưa có tài khoản").await;
    click(c, "#tai-khoan-ca-nhan form button[type=submit]").await;
    let sheet = wait_for_text(c, "table.sheet-table", "020185007777").await;
    assert!(!sheet.contains(common::PASSWORD));
    let code = text_of(c, "table.sheet-table td.code").await;
    assert_eq!(code.trim().len(), 14, "{code}");
    shot(c, "50-phieu-ban-giao-tai-khoan").await;

    // The recruit, signed out, activates the account from the sign-in page's link.
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/dang-nhap")).await.unwrap();
    click(c, "#kich-hoat").await;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#activation_code"))
        .await
        .unwrap();
    set_value(c, "#username", "020185007777").await;
    set_value(c, "#activation_code", code.trim()).await;
    set_value(c, "#new_password", common::PASSWORD).await;
    set_value(c, "#confirm_password", common::PASSWORD).await;
    shot(c, "51-kich-hoat").await;
    click(c, "main form button[type=submit]").await;
    wait_for_text(c, "#da-kich-hoat", "Đã đặt mật khẩu").await;

    // Signs in with the number, opens the record and proposes a change.
    sign_in(c, base, "020185007777").await;
    c.goto(&format!("{base}/ho-so/{recruit}#de-nghi"))
        .await
        .unwrap();
    set_value(c, "#ly-do-de-nghi", "Bổ sung quá trình đào tạo").await;
    click(c, "form[action='/de-nghi'] button[type=submit]").await;
    wait_for_text(c, ".notice", "Đã lập phiếu").await;
    shot(c, "52-de-nghi-cua-nguoi-moi").await;

    // The officer's list shows the account in use.
    sign_in(c, base, &hr).await;
    c.goto(&format!(
        "{base}/quan-tri/tai-khoan-ca-nhan?unit={unit}&state=in_use"
    ))
    .await
    .unwrap();
    wait_for_text(c, "table.personal-accounts", "020185007777").await;
    shot(c, "53-tai-khoan-ca-nhan").await;
    c.clone().close().await.ok();
}

// ───────────────────────────────────── report builder ─────────────────────────────────────

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_builds_a_grouped_report_drills_down_and_exports_it() {
    if !available() {
        return;
    }
    let dbs = common::databases().await;
    let db = dbs.into_iter().find(|d| d.label == "sqlite").unwrap();
    let app: App = common::demo_app(&db, 40).await;
    // The expected figures, from the use case the page runs.
    let admin = actor(&app, "admin").await;
    let by_gender = app
        .run_report(
            &admin,
            &hoso_app::reports::ReportSpec {
                group_by: vec!["gender".into()],
                ..Default::default()
            },
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    let groups: Vec<(String, i64)> = by_gender
        .rows
        .iter()
        .map(|r| (r[0].text.clone(), r[1].value.as_i64().unwrap()))
        .collect();
    assert!(groups.len() >= 2, "{groups:?}");

    let session = start_session(&app).await;
    let (c, base) = (&session.client, session.base.as_str());
    sign_in(c, base, "admin").await;
    c.goto(&format!("{base}/")).await.unwrap();
    click(c, ".main-nav .group:has(a[href='/bao-cao']) > .group-label").await;
    click(c, "nav a[href='/bao-cao']").await;
    wait_for_text(c, "main h1", "Báo cáo tùy chọn").await;

    // Group by sex and run: the table, its total and the charts.
    set_value(c, "#nhom", "gender").await;
    click(c, "#chay-bao-cao").await;
    wait_for_text(c, "#so-nhom", &groups.len().to_string()).await;
    let total: i64 = groups.iter().map(|g| g.1).sum();
    wait_for_text(c, "table.report tfoot", &total.to_string()).await;
    c.find(Locator::Css("svg.pie")).await.expect("a pie chart");
    assert!(
        c.current_url()
            .await
            .unwrap()
            .query()
            .unwrap_or("")
            .contains("nhom=gender"),
        "the report is in its address"
    );
    shot(c, "20-bao-cao-nhom").await;

    // The first group's figure opens the listing of its people.
    let (label, n) = &groups[0];
    let row = format!("//table[contains(@class,'report')]//tr[td[normalize-space()='{label}']]//a");
    c.find(Locator::XPath(&row))
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"))
        .click()
        .await
        .unwrap();
    let shown = wait_for_text(c, "#so-dong", &n.to_string()).await;
    assert_eq!(shown, n.to_string());
    shot(c, "21-bao-cao-chi-tiet").await;

    // Back to the grouping, exported as a workbook: the same groups.
    c.back().await.unwrap();
    click(c, "#xuat-excel").await;
    let file = downloaded_xlsx(session.downloads.path()).await;
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(std::fs::read(&file).unwrap()))
            .unwrap();
    let sheet = wb.worksheet_range("Báo cáo").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(
        rows.iter()
            .any(|r| r.first().is_some_and(|h| h == "Giới tính")),
        "{rows:?}"
    );
    for (label, n) in &groups {
        assert!(
            rows.iter()
                .any(|r| r.first() == Some(label) && r.get(1) == Some(&n.to_string())),
            "{label} {n} in {rows:?}"
        );
    }
    c.clone().close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_prints_a_record_as_the_form_2c() {
    if !available() {
        return;
    }
    let dbs = common::databases().await;
    let db = dbs.into_iter().find(|d| d.label == "sqlite").unwrap();
    let app: App = common::demo_app(&db, 20).await;
    let admin = actor(&app, "admin").await;
    let person = app
        .list_persons(&admin, PersonQuery::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .next()
        .unwrap();

    let session = start_session(&app).await;
    let (c, base) = (&session.client, session.base.as_str());
    sign_in(c, base, "admin").await;
    c.goto(&format!("{base}/ho-so/{}", person.id))
        .await
        .unwrap();
    wait_for_text(c, "main h1", &person.full_name).await;
    click(c, ".print-links a[href$='format=pdf']").await;
    let file = downloaded(session.downloads.path(), "pdf").await;
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF was saved");
    // Read back by poppler when it is installed (`.ci/run` installs it): the printed name,
    // upper case as the form asks, diacritics exact.
    if let Ok(out) = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
    {
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains(&person.full_name.to_uppercase()),
            "{} in {text}",
            person.full_name
        );
        assert!(text.contains("SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC"));
    }
    c.clone().close().await.ok();
}

// ───────────────────────────── accessibility (axe-core) ─────────────────────────────

/// axe-core 4.10.3 (Deque Systems, MPL-2.0), vendored: the accessibility rules no one here wrote.
const AXE: &str = include_str!("fixtures/axe/axe.min.js");

/// The axe-core violations of the page the browser shows, one line each ("rule: n × first
/// element").
async fn axe_violations(c: &Client) -> Vec<String> {
    c.execute(AXE, vec![]).await.expect("load axe-core");
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => \
               v.id + ': ' + v.nodes.length + ' × ' + v.nodes[0].target.join(' ') + ' — ' + v.help)));",
            vec![],
        )
        .await
        .expect("run axe-core");
    found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_every_page_passes_axe_for_every_role_at_desktop_and_phone_width() {
    if !available() {
        return;
    }
    let dbs = common::databases().await;
    let db = dbs.into_iter().find(|d| d.label == "sqlite").unwrap();
    let app: App = common::demo_app(&db, 20).await;
    app.compute_all_alerts(app.today()).await.unwrap();
    let (person, individual, hr, head) = people_of_a_unit(&app).await;
    let admin = actor(&app, "admin").await;
    let unit = app
        .get_person(&admin, person, &ClientInfo::default())
        .await
        .unwrap()
        .unit_id;

    let sheet = app
        .record_payroll_sheet(
            &admin,
            &hoso_app::payroll::RecordPayrollSheet {
                unit_id: unit,
                period: hoso_domain::payroll::Period::of(app.today()).code(),
                paid_on: app.today().to_string(),
                note: None,
            },
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    let sheet_page = format!("/bang-luong/{}", sheet.id);

    let session = start_session(&app).await;
    let (c, base) = (&session.client, session.base.as_str());
    let record = format!("/ho-so/{person}");
    let edit = format!("/ho-so/{person}/sua/general");
    let unit_page = format!("/don-vi/{unit}");
    let pages: [(&str, Vec<&str>); 4] = [
        (
            "admin",
            vec![
                "/",
                "/can-bo",
                "/co-cau",
                &unit_page,
                &record,
                &edit,
                "/canh-bao",
                "/bao-cao",
                "/bao-cao/mau",
                "/bao-cao/mau/bm01-cong-chuc",
                "/bao-cao/mau/bm01-cong-chuc/danh-sach?cot=female",
                "/bao-cao/mau/bm03-tien-luong",
                "/bao-cao?nhom=date_of_birth.age&nhom_cot=gender",
                "/tim-kiem-da-luu?luu=/can-bo?q=nguyen",
                "/chat-luong-du-lieu",
                "/thoi-han",
                "/thoi-han/bao-cao",
                "/bao-cao-dinh-ky",
                "/bang-luong",
                &sheet_page,
                "/lich-nghi",
                "/quan-tri/tai-khoan",
                "/quan-tri/tai-khoan-ca-nhan",
                "/quan-tri/nhat-ky",
                "/quan-tri/danh-muc",
                "/quan-tri/cong-viec",
                "/quan-tri/mau-van-ban",
                "/quan-tri/sao-luu",
                "/nhap-du-lieu",
                "/ho-so/moi",
                "/co-cau/sap-xep",
                "/tai-khoan",
            ],
        ),
        (
            &hr,
            vec![
                "/",
                "/can-bo",
                &record,
                &edit,
                "/xac-thuc",
                "/bien-dong",
                "/canh-bao",
                "/bang-luong",
            ],
        ),
        (&head, vec!["/", "/phe-duyet"]),
        (
            &individual,
            vec![
                "/",
                &record,
                "/de-nghi",
                "/tai-khoan",
                "/tai-khoan/ai-da-xem",
            ],
        ),
    ];
    let mut problems = Vec::new();
    let mut checked = 0;
    for (who, paths) in &pages {
        sign_in(c, base, who).await;
        for (width, height) in [(1280, 900), (390, 844)] {
            c.set_window_size(width, height).await.unwrap();
            for path in paths {
                c.goto(&format!("{base}{path}")).await.unwrap();
                // The tree's nodes load their children when opened: open the first one.
                if *path == "/co-cau" {
                    c.execute("document.querySelector('details.tree-node, ul.tree details')?.setAttribute('open', '');", vec![])
                        .await
                        .unwrap();
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                checked += 1;
                for v in axe_violations(c).await {
                    problems.push(format!("{who} {path} ({width} px): {v}"));
                }
            }
        }
    }
    println!("axe-core: {checked} page views checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    c.clone().close().await.ok();
}

// ───────────────────────────── dates, in an English browser ─────────────────────────────

/// The value a form control holds now.
async fn value_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Types into a box as a user would, then leaves it for `next`.
async fn type_into(c: &Client, css: &str, text: &str, next: &str) {
    let input = c.find(Locator::Css(css)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
    click(c, next).await;
}

async fn save(c: &Client) {
    click(c, "form.record-form button[type=submit]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_dates_are_typed_and_picked_as_vietnamese_write_them_in_an_english_browser() {
    if !available() {
        return;
    }
    let dbs = common::databases().await;
    let db = dbs.into_iter().find(|d| d.label == "sqlite").unwrap();
    let app: App = common::demo_app(&db, 10).await;
    let admin = actor(&app, "admin").await;
    let person = app
        .list_persons(&admin, PersonQuery::default())
        .await
        .unwrap()
        .items
        .remove(0);
    let id = person.id;
    let record = |app: App, admin: hoso_app::Actor| async move {
        app.get_person(&admin, id, &ClientInfo::default())
            .await
            .unwrap()
            .record
    };
    let before = record(app.clone(), admin.clone()).await;
    let born = before["general"]["date_of_birth"]
        .as_str()
        .unwrap()
        .to_string();
    let (year, month, day) = (&born[0..4], &born[5..7], &born[8..10]);
    // Typed on the first of the month, then picked on another day than the stored one.
    let picked_day = if day == "02" { "03" } else { "02" };

    let session = start_session_in(&app, "en-US").await;
    let (c, base) = (&session.client, session.base.as_str());
    let language = c
        .execute("return navigator.language", vec![])
        .await
        .unwrap();
    assert_eq!(language, "en-US", "the browser speaks English");
    sign_in(c, base, "admin").await;
    let general = format!("{base}/ho-so/{}/sua/general", person.id);
    c.goto(&general).await.unwrap();

    // The stored day shows as Vietnamese write it, in a text box (not the browser's
    // mm/dd/yyyy), with a calendar button beside it.
    let birth = "#f-date_of_birth";
    let kind = c
        .find(Locator::Css(birth))
        .await
        .unwrap()
        .attr("type")
        .await
        .unwrap();
    assert_eq!(kind.as_deref(), Some("text"));
    assert_eq!(value_of(c, birth).await, format!("{day}/{month}/{year}"));
    assert!(
        c.find(Locator::Css("#f-date_of_birth + button.date-pick"))
            .await
            .is_ok()
    );

    // Typed without leading zeros: tidied on leaving the box.
    let m: u8 = month.parse().unwrap();
    type_into(c, birth, &format!("1/{m}/{year}"), "#f-other_names").await;
    assert_eq!(value_of(c, birth).await, format!("01/{month}/{year}"));

    // Picked on the calendar: the browser's own picker answers in ISO; the box shows dd/mm/yyyy.
    c.execute(
        "const picker = document.querySelector('#f-date_of_birth ~ input.date-native'); \
         picker.value = arguments[0]; picker.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![serde_json::json!(format!("{year}-{month}-{picked_day}"))],
    )
    .await
    .unwrap();
    assert_eq!(
        value_of(c, birth).await,
        format!("{picked_day}/{month}/{year}")
    );
    shot(c, "90-ngay-sinh-dd-mm-yyyy").await;
    save(c).await;
    let notice = text_of(c, ".notice").await;
    assert!(notice.contains("phiên bản 2"), "{notice}");
    assert!(
        text_of(c, "#muc-general")
            .await
            .contains(&format!("{picked_day}/{month}/{year}"))
    );
    let after = record(app.clone(), admin.clone()).await;
    assert_eq!(
        after["general"]["date_of_birth"],
        format!("{year}-{month}-{picked_day}"),
        "kept as an ISO day"
    );

    // A day that does not exist is named next to the box, the text kept, nothing saved.
    c.goto(&general).await.unwrap();
    type_into(c, birth, &format!("31/02/{year}"), "#f-other_names").await;
    save(c).await;
    let error = text_of(c, "#f-date_of_birth-loi").await;
    assert!(
        error.contains(&format!("ngày 31/02/{year} không tồn tại")),
        "{error}"
    );
    assert_eq!(value_of(c, birth).await, format!("31/02/{year}"));
    assert_eq!(app.versions(&admin, person.id).await.unwrap().len(), 2);

    // A month as "9/2021" (which a month box refuses in some browsers), in a new row.
    let rows = after
        .get("political_theory_trainings")
        .and_then(serde_json::Value::as_array)
        .map_or(0, Vec::len);
    c.goto(&format!(
        "{base}/ho-so/{}/sua/political_theory_trainings",
        person.id
    ))
    .await
    .unwrap();
    let from = format!("#f-r{rows}-from");
    let institution = format!("#f-r{rows}-institution");
    assert_eq!(
        c.find(Locator::Css(&from))
            .await
            .unwrap()
            .attr("placeholder")
            .await
            .unwrap()
            .as_deref(),
        Some("mm/yyyy")
    );
    type_into(c, &from, "9/2021", &institution).await;
    assert_eq!(value_of(c, &from).await, "09/2021");
    type_into(c, &institution, "Trường Chính trị tỉnh", &from).await;
    save(c).await;
    let notice = text_of(c, ".notice").await;
    assert!(notice.contains("phiên bản 3"), "{notice}");
    let last = record(app.clone(), admin.clone()).await["political_theory_trainings"][rows].clone();
    assert!(last.is_object(), "the new row is kept");
    assert_eq!(last["from"], "2021-09");
    assert_eq!(last["institution"], "Trường Chính trị tỉnh");
    assert!(
        text_of(c, "#muc-political_theory_trainings")
            .await
            .contains("09/2021")
    );
    c.clone().close().await.ok();
}

// ───────────────────────────────────── a transfer ─────────────────────────────────────

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_a_unit_transfers_a_person_the_other_accepts_and_the_person_sees_it() {
    if !available() {
        return;
    }
    let dbs = common::databases().await;
    let db = dbs.into_iter().find(|d| d.label == "sqlite").unwrap();
    let app: App = common::demo_app(&db, 30).await;
    let (person, individual, hr, _) = people_of_a_unit(&app).await;
    let admin = actor(&app, "admin").await;
    // The receiving unit: another unit of people, neither above nor below the sending one.
    let (from_unit, to_unit, to_name, receiving_hr) = {
        let people = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items;
        let mut conn = app.store().reader().await.unwrap();
        let from_id = people.iter().find(|p| p.id == person).unwrap().unit_id;
        let from = hoso_store::org::get(&mut conn, from_id)
            .await
            .unwrap()
            .unwrap();
        let mut found = None;
        for p in &people {
            let unit = hoso_store::org::get(&mut conn, p.unit_id)
                .await
                .unwrap()
                .unwrap();
            if !unit.path.starts_with(&from.path) && !from.path.starts_with(&unit.path) {
                found = Some(unit);
                break;
            }
        }
        let to = found.expect("another unit of people");
        let receiving = format!("qt.{}", to.code.to_lowercase());
        (from.name, to.id, to.name, receiving)
    };
    let today = app.today().to_string();
    let scan_dir = tempfile::tempdir().unwrap();
    let scan = scan_dir.path().join("quyet-dinh-27.pdf");
    std::fs::write(
        &scan,
        b"%PDF-1.4\n% quyet dinh dieu dong\ntrailer<<>>\n%%EOF\n",
    )
    .unwrap();

    let s = start_session(&app).await;
    let (c, base) = (&s.client, s.base.as_str());

    // The sending unit's HR officer records the decision from the record page.
    sign_in(c, base, &hr).await;
    c.goto(&format!("{base}/ho-so/{person}")).await.unwrap();
    click(c, "#dieu-chuyen").await;
    set_value(c, "#kind", "dieu_dong").await;
    set_value(c, "#to_unit_id", &to_unit.to_string()).await;
    set_value(c, "#decision_number", "27/QĐ-UBND").await;
    set_value(c, "#decision_date", &today).await;
    set_value(c, "#signer", "Chủ tịch UBND tỉnh Trần Văn Bình").await;
    set_value(c, "#effective_date", &today).await;
    c.find(Locator::Css("#tep"))
        .await
        .unwrap()
        .send_keys(scan.to_str().unwrap())
        .await
        .unwrap();
    shot(c, "60-dieu-chuyen").await;
    click(c, "main form button[type=submit]").await;
    wait_for_text(c, "#bien-dong", "Chờ đơn vị nhận tiếp nhận").await;
    let proposed = wait_for_text(c, "#bien-dong", &to_name).await;
    assert!(proposed.contains(&from_unit), "{proposed}");
    let movement_url = c.current_url().await.unwrap();
    shot(c, "61-cho-tiep-nhan").await;

    // The receiving unit's officer finds it in the inbox and accepts it; the record moves at
    // once (the decision takes effect today) and its decision prints from the province's
    // template.
    sign_in(c, base, &receiving_hr).await;
    c.goto(&format!("{base}/bien-dong")).await.unwrap();
    wait_for_text(c, "main", "27/QĐ-UBND").await;
    c.goto(movement_url.as_str()).await.unwrap();
    click(c, "#tiep-nhan").await;
    wait_for_text(c, "#bien-dong", "Đã điều chuyển hồ sơ").await;
    shot(c, "62-da-tiep-nhan").await;
    click(c, ".print-links a[href$='quyet-dinh-dieu-dong']").await;
    let decision = downloaded(s.downloads.path(), "docx").await;
    assert!(std::fs::read(&decision).unwrap().starts_with(b"PK"));

    // The person sees the transfer and the new unit on the record.
    sign_in(c, base, &individual).await;
    c.goto(&format!("{base}/ho-so/{person}")).await.unwrap();
    wait_for_text(c, "#bien-dong", "Đã điều chuyển hồ sơ").await;
    wait_for_text(c, ".record-head", &to_name).await;
    shot(c, "63-nguoi-duoc-dieu-chuyen").await;
    c.clone().close().await.ok();
}

// ───────────────────────────────────── import from Excel ─────────────────────────────────────

/// A unit's list as offices keep it: a title above the table, the usual headers, one column
/// the schema does not know by that name, and the people given.
fn staff_list(path: &Path, people: &[[&str; 6]]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "DANH SÁCH CÁN BỘ").unwrap();
    ws.write_string(1, 0, "(Kèm theo Công văn số 45/UBND ngày 20/11/2026)")
        .unwrap();
    let headers = [
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Số định danh",
        "Dân tộc",
        "Ngày về cơ quan hiện nay",
    ];
    for (j, h) in headers.iter().enumerate() {
        ws.write_string(3, j as u16, *h).unwrap();
    }
    for (i, person) in people.iter().enumerate() {
        for (j, v) in person.iter().enumerate() {
            ws.write_string(4 + i as u32, j as u16, *v).unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// Waits until the address holds `needle` (a form's answer has replaced the page).
async fn wait_for_url(c: &Client, needle: &str) -> String {
    let start = Instant::now();
    loop {
        let url = c.current_url().await.unwrap().to_string();
        if url.contains(needle) {
            return url;
        }
        assert!(
            start.elapsed() < WAIT,
            "the address never held {needle}: {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_imports_a_messy_list_maps_a_column_fixes_a_row_and_imports_it() {
    if !available() {
        return;
    }
    let dbs = common::databases().await;
    let db = dbs.into_iter().find(|d| d.label == "sqlite").unwrap();
    let app: App = common::demo_app(&db, 12).await;
    // The HR officer of a demo unit imports into that unit.
    let (colleague, _, hr, _) = people_of_a_unit(&app).await;
    let admin = actor(&app, "admin").await;
    let unit = app
        .get_person(&admin, colleague, &ClientInfo::default())
        .await
        .unwrap()
        .unit_id
        .to_string();
    let good: [[&str; 6]; 3] = [
        [
            "Nguyễn Văn Khải",
            "12/05/1984",
            "Nam",
            "001084017001",
            "Kinh",
            "01/09/2012",
        ],
        [
            "Trần Thị Mai Lan",
            "23/11/1991",
            "Nữ",
            "001191017002",
            "Kinh",
            "15/03/2016",
        ],
        [
            "Lê Hoàng Phúc",
            "03/07/1988",
            "Nam",
            "001088017003",
            "Tày",
            "02/01/2019",
        ],
    ];
    let bad = [
        "Đỗ Văn Toàn",
        "31/02/1980",
        "Nam",
        "001080017004",
        "Kinh",
        "01/10/2005",
    ];
    let fixed = [
        "Đỗ Văn Toàn",
        "21/02/1980",
        "Nam",
        "001080017004",
        "Kinh",
        "01/10/2005",
    ];
    let files = tempfile::tempdir().unwrap();
    let first = files.path().join("danh-sach-can-bo.xlsx");
    staff_list(&first, &[good[0], good[1], good[2], bad]);
    let corrected = files.path().join("danh-sach-can-bo-da-sua.xlsx");
    staff_list(&corrected, &[good[0], good[1], good[2], fixed]);

    let s = start_session(&app).await;
    let (c, base) = (&s.client, s.base.as_str());
    sign_in(c, base, &hr).await;
    c.goto(&format!("{base}/")).await.unwrap();
    click(
        c,
        ".main-nav .group:has(a[href='/nhap-du-lieu']) > .group-label",
    )
    .await;
    click(c, "nav a[href='/nhap-du-lieu']").await;
    wait_for_text(c, "main h1", "Nhập dữ liệu từ Excel").await;

    // Upload with the unit chosen: the dry run's report.
    set_value(c, "#don_vi", &unit).await;
    c.find(Locator::Css("#tep"))
        .await
        .unwrap()
        .send_keys(first.to_str().unwrap())
        .await
        .unwrap();
    click(
        c,
        "form[action='/nhap-du-lieu/tai-len'] button[type=submit]",
    )
    .await;
    wait_for_text(c, "#ket-qua-chay-thu", "danh-sach-can-bo.xlsx").await;
    let summary = text_of(c, "#tong-ket").await;
    for line in ["4 dòng dữ liệu", "3 sẽ tạo mới", "1 bị từ chối"] {
        assert!(summary.contains(line), "{line} in {summary}");
    }
    // The bad date is named with its row in the file (title, note, blank, header: row 8).
    let errors = text_of(c, "#loi").await;
    assert!(errors.contains("31/02/1980"), "{errors}");
    let row = c
        .find(Locator::XPath(
            "//table[@id='loi']//tr[td[normalize-space()='31/02/1980']]/td[2]",
        ))
        .await
        .expect("the bad date's row")
        .text()
        .await
        .unwrap();
    assert_eq!(row.trim(), "8", "{errors}");
    // The column the schema does not know is marked, its select empty.
    let mapping = text_of(c, "#ghep-cot h3").await;
    assert!(mapping.contains("1 cột chưa ghép"), "{mapping}");
    let unmatched = text_of(c, "#ghep-cot tr.warn").await;
    assert!(
        unmatched.contains("Ngày về cơ quan hiện nay"),
        "{unmatched}"
    );
    c.execute("document.getElementById('loi').scrollIntoView();", vec![])
        .await
        .unwrap();
    shot(c, "70-nhap-chay-thu-co-loi").await;
    c.set_window_size(390, 844).await.unwrap();
    c.execute(
        "window.scrollTo(0, document.getElementById('ket-qua-chay-thu').offsetTop);",
        vec![],
    )
    .await
    .unwrap();
    shot(c, "71-dien-thoai-nhap-chay-thu").await;
    c.execute(
        "document.getElementById('ghep-cot').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    shot(c, "71b-dien-thoai-ghep-cot").await;
    c.execute("document.getElementById('loi').scrollIntoView();", vec![])
        .await
        .unwrap();
    shot(c, "71c-dien-thoai-loi").await;
    c.set_window_size(1280, 900).await.unwrap();

    // Map it by hand and run again: nothing left unmatched.
    set_value(c, "select#cot5", "recruitment.current_agency_join_date").await;
    click(c, "#ghep-cot button[type=submit]").await;
    wait_for_url(c, "cot5=recruitment.current_agency_join_date").await;
    let mapping = text_of(c, "#ghep-cot h3").await;
    assert_eq!(mapping, "Ghép cột");
    assert!(
        c.find(Locator::Css("#ghep-cot tr.warn")).await.is_err(),
        "no column is marked unmatched"
    );
    c.execute(
        "document.getElementById('ghep-cot').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    shot(c, "72-nhap-ghep-cot").await;

    // Saved under a name: the page comes back with it chosen.
    set_value(c, "#ten_cach_ghep", "Danh sách trích ngang của phòng").await;
    click(c, "#luu-cach-ghep button[type=submit]").await;
    let url = wait_for_url(c, "mau=").await;
    let saved = url.split("mau=").nth(1).unwrap().split('&').next().unwrap();
    let chosen = text_of(c, "#mau option:checked").await;
    assert_eq!(chosen, "Danh sách trích ngang của phòng");
    // Listed with the saved ones (folded away under the report).
    wait_for_text(c, "#cach-ghep-da-luu summary", "Cách ghép cột đã lưu (1)").await;

    // The corrected file, uploaded again, with the saved mapping applied: all four go in.
    set_value(c, "#don_vi", &unit).await;
    c.find(Locator::Css("#tep"))
        .await
        .unwrap()
        .send_keys(corrected.to_str().unwrap())
        .await
        .unwrap();
    click(
        c,
        "form[action='/nhap-du-lieu/tai-len'] button[type=submit]",
    )
    .await;
    wait_for_text(c, "#ket-qua-chay-thu", "danh-sach-can-bo-da-sua.xlsx").await;
    wait_for_text(c, "#ghep-cot h3", "1 cột chưa ghép").await;
    set_value(c, "#mau", saved).await;
    click(c, "#ap-dung-cach-ghep button[type=submit]").await;
    wait_for_url(c, &format!("mau={saved}")).await;
    let summary = text_of(c, "#tong-ket").await;
    for line in ["4 dòng dữ liệu", "4 sẽ tạo mới", "0 bị từ chối"] {
        assert!(summary.contains(line), "{line} in {summary}");
    }
    assert!(
        c.find(Locator::Css("#loi")).await.is_err(),
        "no errors left"
    );
    assert_eq!(text_of(c, "#ghep-cot h3").await, "Ghép cột");

    // An initial load on the head's decision, run as a background job.
    click(c, "input[name=lan_dau]").await;
    set_value(c, "#quyet_dinh", "Quyết định số 12/QĐ-UBND ngày 01/12/2026").await;
    let button = "form[action='/nhap-du-lieu/nhap'] button[type=submit]";
    assert_eq!(text_of(c, button).await, "Nhập 4 hồ sơ");
    c.execute(
        "document.getElementById('hieu-luc').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    shot(c, "73-nhap-lan-dau").await;
    click(c, button).await;
    let url = wait_for_url(c, "/nhap-du-lieu/viec/").await;
    let job: i64 = url.rsplit('/').next().unwrap().parse().unwrap();
    wait_for_text(c, "#trang-thai", "Đang chờ").await;
    shot(c, "74-viec-nhap-dang-cho").await;

    // No worker runs in tests: this one runs the queue while the page watches it.
    let start = Instant::now();
    loop {
        let ran = app.run_next_job("e2e").await.unwrap();
        match ran {
            Some(j) if j.id == job => {
                assert_eq!(j.status, "succeeded", "{j:?}");
                break;
            }
            Some(_) => {}
            None => panic!("the import job {job} was never claimed"),
        }
        assert!(start.elapsed() < WAIT, "the import job never ran");
    }
    // The page refreshes itself: done, its figures and a full bar.
    wait_for_text(c, "#trang-thai", "Hoàn thành").await;
    let result = wait_for_text(c, "#ket-qua", "4 tạo mới").await;
    for part in ["4 dòng", "0 bị từ chối", "4 có hiệu lực ngay"] {
        assert!(result.contains(part), "{part} in {result}");
    }
    let bar = c.find(Locator::Css("#viec progress")).await.unwrap();
    assert_eq!(bar.attr("value").await.unwrap().as_deref(), Some("4"));
    assert_eq!(bar.attr("max").await.unwrap().as_deref(), Some("4"));
    wait_for_text(c, "#viec", "Đã xử lý 4/4 dòng").await;
    assert!(
        c.find(Locator::Css("form[action$='/huy']")).await.is_err(),
        "a finished import cannot be stopped"
    );
    shot(c, "75-viec-nhap-hoan-thanh").await;

    // The people are in the unit's list.
    c.goto(&format!("{base}/can-bo?q=tran%20thi%20mai%20lan"))
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//div[@id='ket-qua']//a[normalize-space()='Trần Thị Mai Lan']",
        ))
        .await
        .expect("an imported person in the list");
    shot(c, "76-nguoi-da-nhap").await;
    c.clone().close().await.ok();
}
