//! The web pages, in process through the real router, on every available database: sign-in,
//! staff list, record page and its edit form, CSRF, redirects, error pages, escaping.

mod common;

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, databases, demo_app};
use hoso_app::records::{PersonQuery, UpdateRecord};
use hoso_app::{Actor, App, ClientInfo};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A browser in miniature: keeps cookies, sends `Accept: text/html`, does not follow redirects.
struct Browser {
    router: axum::Router,
    cookies: HashMap<String, String>,
}

struct Page {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
    bytes: Vec<u8>,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl Browser {
    fn new(app: &App) -> Browser {
        Browser {
            router: hoso_web::router(app.clone()),
            cookies: HashMap::new(),
        }
    }

    async fn send(&mut self, req: axum::http::request::Builder, body: Body) -> Page {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut req = req.header(header::ACCEPT, "text/html");
        if !cookie.is_empty() {
            req = req.header(header::COOKIE, cookie);
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(body).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if val.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    async fn get(&mut self, uri: &str) -> Page {
        self.send(Request::builder().uri(uri), Body::empty()).await
    }

    async fn get_htmx(&mut self, uri: &str) -> Page {
        self.send(
            Request::builder().uri(uri).header("hx-request", "true"),
            Body::empty(),
        )
        .await
    }

    async fn post(&mut self, uri: &str, form: &[(String, String)]) -> Page {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            Request::builder()
                .method("POST")
                .uri(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(body),
        )
        .await
    }

    /// Opens the sign-in page and submits it.
    async fn sign_in(&mut self, username: &str, password: &str) -> Page {
        let form = self.get("/dang-nhap").await;
        assert_eq!(form.status, StatusCode::OK);
        let mut fields = form_fields(&form.body);
        fields.insert("username".into(), vec![username.into()]);
        fields.insert("password".into(), vec![password.into()]);
        self.post("/dang-nhap", &flatten(&fields)).await
    }
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&#60;", "<")
        .replace("&gt;", ">")
        .replace("&#62;", ">")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// The values a browser would submit for the (first) form of a page.
fn form_fields(html: &str) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let form_start = html.rfind("<form method=\"post\"").unwrap_or(0);
    let html = &html[form_start..];
    let html = &html[..html.find("</form>").unwrap_or(html.len())];
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').unwrap_or(rest.len() - 1);
        let tag = &rest[..=end];
        if tag.starts_with("<input") {
            if let Some(name) = attr(tag, "name") {
                let ty = attr(tag, "type").unwrap_or_default();
                if ty != "checkbox" || tag.contains(" checked") {
                    out.entry(name)
                        .or_default()
                        .push(attr(tag, "value").unwrap_or_default());
                }
            }
        } else if tag.starts_with("<textarea") {
            let name = attr(tag, "name").unwrap();
            let body = &rest[end + 1..];
            let text = &body[..body.find("</textarea>").unwrap()];
            out.entry(name).or_default().push(unescape(text));
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap();
            let body = &rest[end + 1..];
            let body = &body[..body.find("</select>").unwrap()];
            let entry = out.entry(name).or_default();
            for opt in body.split("<option").skip(1) {
                let opt_tag = &opt[..opt.find('>').unwrap()];
                if opt_tag.contains(" selected") {
                    entry.push(attr(&format!("<option{opt_tag}"), "value").unwrap_or_default());
                }
            }
        }
        rest = &rest[end + 1..];
    }
    out
}

fn flatten(fields: &HashMap<String, Vec<String>>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, vs) in fields {
        for v in vs {
            out.push((k.clone(), v.clone()));
        }
    }
    out
}

/// The acting account behind a username, signed in through the API.
async fn actor(app: &App, username: &str) -> Actor {
    let client = common::Client::login(app, username).await;
    app.authenticate(client.token.as_deref().unwrap())
        .await
        .unwrap()
}

async fn signed_in(app: &App, username: &str) -> Browser {
    let mut b = Browser::new(app);
    let r = b.sign_in(username, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    b
}

#[tokio::test]
async fn sign_in_works_and_a_bad_password_is_told_in_vietnamese() {
    for db in databases().await {
        let app = demo_app(&db, 10).await;
        let mut b = Browser::new(&app);
        let r = b.sign_in("admin", "sai-mat-khau").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", db.label);
        assert!(r.body.contains("Tên đăng nhập hoặc mật khẩu không đúng."));
        assert!(r.body.contains("value=\"admin\""), "the username is kept");
        assert!(!b.cookies.contains_key("hoso_session"));

        let r = b.sign_in("admin", PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), "/");
        assert!(b.cookies.contains_key("hoso_session"));
        let home = b.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("Tổng quan trong phạm vi quản lý"));
        assert!(home.body.contains("Tháp tuổi"));
        assert!(home.body.contains("<svg"));
        assert_eq!(home.headers[header::CACHE_CONTROL], "no-store");
        assert!(home.headers.contains_key(header::CONTENT_SECURITY_POLICY));

        // Sign-out needs the form token, then ends the session.
        let r = b.post("/dang-xuat", &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let token = form_fields(&home.body)["_csrf"][0].clone();
        let r = b.post("/dang-xuat", &[("_csrf".into(), token)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = b.get("/").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location().starts_with("/dang-nhap"));

        // The sign-in form itself needs its token.
        let mut fresh = Browser::new(&app);
        let r = fresh
            .post(
                "/dang-nhap",
                &[
                    ("username".into(), "admin".into()),
                    ("password".into(), PASSWORD.into()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(!fresh.cookies.contains_key("hoso_session"));
    }
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_unknown_pages_are_vietnamese() {
    for db in databases().await {
        let app = demo_app(&db, 5).await;
        let mut b = Browser::new(&app);
        for uri in [
            "/",
            "/can-bo?q=an",
            "/co-cau",
            "/ho-so/1",
            "/ho-so/1/sua/general",
        ] {
            let r = b.get(uri).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{uri} on {}", db.label);
            assert!(r.location().starts_with("/dang-nhap"), "{uri}");
        }
        assert_eq!(b.get("/can-bo").await.location(), "/dang-nhap?next=/can-bo");
        let r = b.get_htmx("/can-bo?q=an").await;
        assert!(r.headers.contains_key("hx-redirect"));

        let r = b.get("/khong-co-trang-nay").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.body.contains("<html lang=\"vi\">"));
        assert!(r.body.contains("Không tìm thấy trang"));
        // API clients still get JSON.
        let resp = hoso_web::router(app.clone())
            .oneshot(
                Request::builder()
                    .uri("/khong-co")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["error"]["code"], "not_found");

        // Static files are served with long cache lifetimes.
        let r = b.get("/static/htmx-2.0.11.min.js").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
    }
}

#[tokio::test]
async fn staff_list_renders_filters_and_exports() {
    for db in databases().await {
        let app = demo_app(&db, 40).await;
        let admin = actor(&app, "admin").await;
        let all = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap();
        let mut b = signed_in(&app, "admin").await;

        let r = b.get("/can-bo").await;
        assert_eq!(r.status, StatusCode::OK, "{}", db.label);
        assert!(
            r.body
                .contains(&format!("<strong>{}</strong> hồ sơ phù hợp", all.total))
        );
        assert!(r.body.contains("Họ và tên"));

        // Accent-insensitive search, as a fragment for htmx.
        let target = &all.items[3];
        let folded = hoso_domain::search_key::fold(&target.full_name);
        let r = b.get_htmx(&format!("/can-bo?q={}", enc(&folded))).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("<html"), "htmx gets only the results");
        assert!(r.body.contains(&target.full_name), "{folded}");

        // Filters.
        let women = app
            .list_persons(
                &admin,
                PersonQuery {
                    gender: Some("nu".into()),
                    ..PersonQuery::default()
                },
            )
            .await
            .unwrap();
        let r = b.get("/can-bo?gender=nu&sort=-date_of_birth").await;
        assert!(
            r.body
                .contains(&format!("<strong>{}</strong> hồ sơ phù hợp", women.total))
        );
        for p in &women.items {
            assert!(r.body.contains(&p.full_name));
        }

        // Chosen columns only.
        let r = b.get("/can-bo?cot_chon=1&cot=dob").await;
        assert!(r.body.contains("<th scope=\"col\">Ngày sinh</th>"));
        assert!(!r.body.contains("<th scope=\"col\">Trạng thái</th>"));

        // Export of the whole list, with Vietnamese headers.
        let r = b.get("/can-bo/xuat-excel?gender=nu").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.bytes.starts_with(b"PK"));
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(r.bytes.clone())).unwrap();
        let sheet = wb.worksheet_range("Danh sách").unwrap();
        let rows: Vec<_> = sheet.rows().collect();
        assert_eq!(rows[0][1].to_string(), "Họ và tên");
        assert_eq!(rows.len() as i64, women.total + 1);
    }
}

#[tokio::test]
async fn record_page_shows_sections_and_the_edit_form_keeps_input_on_errors() {
    for db in databases().await {
        let app = demo_app(&db, 8).await;
        let admin = actor(&app, "admin").await;
        let person = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items[0]
            .clone();
        let mut b = signed_in(&app, "admin").await;

        let r = b.get(&format!("/ho-so/{}", person.id)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", db.label);
        for label in [
            "Thông tin chung",
            "Ngày sinh",
            "Dân tộc",
            "Lịch sử phiên bản",
        ] {
            assert!(r.body.contains(label), "{label}");
        }
        let dob = person.date_of_birth.clone().unwrap();
        let shown = format!("{}/{}/{}", &dob[8..10], &dob[5..7], &dob[0..4]);
        assert!(r.body.contains(&shown), "date shown as dd/mm/yyyy");

        // An impossible date: the form comes back with the message next to the field, and
        // nothing is saved.
        let edit_uri = format!("/ho-so/{}/sua/general", person.id);
        let form = b.get(&edit_uri).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("<label for=\"f-date_of_birth\">"));
        let mut fields = form_fields(&form.body);
        fields.insert("date_of_birth".into(), vec!["2023-02-30".into()]);
        fields.insert("other_names".into(), vec!["Tên gọi đã gõ".into()]);
        let r = b.post(&edit_uri, &flatten(&fields)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let err_at = r
            .body
            .find("id=\"f-date_of_birth-loi\"")
            .expect("error next to the field");
        assert!(r.body[err_at..].starts_with("id=\"f-date_of_birth-loi\">"));
        assert!(
            r.body.contains("value=\"2023-02-30\""),
            "what was typed is kept"
        );
        assert!(r.body.contains("value=\"Tên gọi đã gõ\""));
        assert_eq!(app.versions(&admin, person.id).await.unwrap().len(), 1);

        // Without the form token: refused, nothing saved.
        let mut no_token = form_fields(&form.body);
        no_token.remove("_csrf");
        let r = b.post(&edit_uri, &flatten(&no_token)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("Biểu mẫu"));
        let mut bad_token = form_fields(&form.body);
        bad_token.insert("_csrf".into(), vec!["0".repeat(64)]);
        assert_eq!(
            b.post(&edit_uri, &flatten(&bad_token)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(app.versions(&admin, person.id).await.unwrap().len(), 1);

        // A valid change makes a new version.
        let mut good = form_fields(&form.body);
        good.insert("other_names".into(), vec!["Bí danh Ánh".into()]);
        let r = b.post(&edit_uri, &flatten(&good)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = b.get(r.location()).await;
        assert!(page.body.contains("Bí danh Ánh"));
        assert!(page.body.contains("Đã lưu. Hồ sơ hiện ở phiên bản 2."));
        assert_eq!(app.versions(&admin, person.id).await.unwrap().len(), 2);

        // Submitting the same form again is refused as stale: no second version.
        let r = b.post(&edit_uri, &flatten(&good)).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Hồ sơ đã được cập nhật"));
        assert_eq!(app.versions(&admin, person.id).await.unwrap().len(), 2);

        // A repeating section's form renders rows from the schema.
        let r = b
            .get(&format!("/ho-so/{}/sua/family_members", person.id))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Dòng 1"));
    }
}

#[tokio::test]
async fn every_value_is_escaped() {
    for db in databases().await {
        let app = demo_app(&db, 5).await;
        let admin = actor(&app, "admin").await;
        let person = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items[0]
            .clone();
        let view = app
            .get_person(&admin, person.id, &ClientInfo::default())
            .await
            .unwrap();
        let mut doc = view.record.clone();
        doc["general"]["other_names"] = serde_json::json!("<script>alert('x')</script>");
        app.update_record(
            &admin,
            person.id,
            UpdateRecord {
                expected_version: view.current_version,
                record: doc,
                unit_id: None,
                status: None,
                note: Some("<b>ghi chú</b>".into()),
            },
            &ClientInfo::default(),
        )
        .await
        .unwrap();
        let mut b = signed_in(&app, "admin").await;
        let r = b.get(&format!("/ho-so/{}", person.id)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", db.label);
        assert!(!r.body.contains("<script>alert"));
        assert!(r.body.contains("&#60;script&#62;alert("));
        assert!(!r.body.contains("<b>ghi chú</b>"));
        let r = b.get(&format!("/ho-so/{}/sua/general", person.id)).await;
        assert!(!r.body.contains("<script>alert"));
    }
}

#[tokio::test]
async fn individuals_see_their_own_record_and_leaders_the_tree() {
    for db in databases().await {
        let app = demo_app(&db, 6).await;
        let admin = actor(&app, "admin").await;
        let person = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items[1]
            .clone();
        let view = app
            .get_person(&admin, person.id, &ClientInfo::default())
            .await
            .unwrap();
        let cid = view.record["general"]["citizen_id_number"]
            .as_str()
            .unwrap()
            .to_string();
        let mut me = signed_in(&app, &cid).await;
        let home = me.get("/").await;
        assert_eq!(home.status, StatusCode::OK, "{}", db.label);
        assert!(home.body.contains("Hồ sơ của tôi"));
        assert!(home.body.contains(&person.full_name));
        assert!(!home.body.contains("Tổng quan trong phạm vi quản lý"));
        let own = me.get(&format!("/ho-so/{}", person.id)).await;
        assert_eq!(own.status, StatusCode::OK);
        assert!(
            !own.body.contains("/sua/"),
            "individuals propose, they do not edit"
        );
        let other = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items[0]
            .id;
        assert_eq!(
            me.get(&format!("/ho-so/{other}")).await.status,
            StatusCode::NOT_FOUND
        );

        let mut b = signed_in(&app, "admin").await;
        let tree = b.get("/co-cau").await;
        assert_eq!(tree.status, StatusCode::OK);
        assert!(tree.body.contains("hx-get=\"/co-cau/con?parent="));
        let unit = b.get(&format!("/don-vi/{}", person.unit_id)).await;
        assert_eq!(unit.status, StatusCode::OK);
        assert!(unit.body.contains(&person.full_name));
    }
}

#[tokio::test]
async fn a_temporary_password_must_be_changed_before_anything_else() {
    for db in databases().await {
        let app = demo_app(&db, 5).await;
        let admin = actor(&app, "admin").await;
        let account = app
            .list_accounts(&admin, None, Some(200))
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|a| a.grants.iter().any(|g| g.role == "unit_admin"))
            .unwrap();
        let temp = app
            .reset_password(&admin, account.id, &ClientInfo::default())
            .await
            .unwrap()
            .temporary_password;
        let mut b = Browser::new(&app);
        let r = b.sign_in(&account.username, &temp).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", db.label);
        let r = b.get("/can-bo").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), "/doi-mat-khau");
        let form = b.get("/doi-mat-khau").await;
        assert!(form.body.contains("Bạn cần đổi mật khẩu"));
        let mut fields = form_fields(&form.body);
        fields.insert("current_password".into(), vec![temp.clone()]);
        fields.insert("new_password".into(), vec!["Rừng-Thông-Xanh-2026!".into()]);
        fields.insert("confirm_password".into(), vec!["Khác-Hẳn-2026!".into()]);
        let r = b.post("/doi-mat-khau", &flatten(&fields)).await;
        assert!(r.body.contains("không khớp"), "{}", r.body);
        fields.insert(
            "confirm_password".into(),
            vec!["Rừng-Thông-Xanh-2026!".into()],
        );
        let r = b.post("/doi-mat-khau", &flatten(&fields)).await;
        assert!(r.body.contains("Đã đổi mật khẩu."), "{}", r.body);
        assert_eq!(b.get("/can-bo").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn alerts_page_lists_filters_previews_and_exports() {
    for db in databases().await {
        let app = demo_app(&db, 60).await;
        let stored = app.compute_all_alerts(app.today()).await.unwrap();
        let mut admin = signed_in(&app, "admin").await;

        // The home page counts what is due, linking to the list.
        let home = admin.get("/").await;
        // (The demo's dates follow today's date: with nothing due the panel is left out.)
        assert_eq!(
            home.body.contains("Việc đến hạn"),
            stored > 0,
            "{}",
            db.label
        );
        assert_eq!(home.body.contains("/canh-bao?kind="), stored > 0);
        let page = admin.get("/canh-bao").await;
        assert_eq!(page.status, StatusCode::OK, "{}", db.label);
        assert!(page.body.contains("Cảnh báo, thời hạn"));
        assert!(
            page.body
                .contains(&format!("<strong>{stored}</strong> cảnh báo")),
            "{}: {stored} alerts stored",
            db.label
        );

        // Filter by one kind: every row is of that kind.
        let page = admin.get("/canh-bao?kind=step_increase_due").await;
        assert_eq!(page.status, StatusCode::OK);
        let rows = page.body.matches("<tr><td><a href=\"/ho-so/").count();
        let of_kind = page
            .body
            .matches("<td>Đến hạn nâng bậc lương thường xuyên</td>")
            .count();
        assert_eq!(rows, of_kind);

        // A preview for an impossible date says so and keeps the form.
        let page = admin.get("/canh-bao?date=30/02/2027").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("không phải ngày hợp lệ"),
            "{}",
            page.body
        );
        assert!(page.body.contains("value=\"30/02/2027\""));
        let page = admin.get("/canh-bao?date=01/07/2027").await;
        assert!(page.body.contains("xem trước cho ngày 01/07/2027"));

        // Export: an xlsx (a zip) with a header row.
        let file = admin
            .get("/canh-bao/xuat-excel?kind=step_increase_due")
            .await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(&file.bytes[..2], b"PK");

        // An individual sees the page, limited to their own alerts, and no preview form.
        let person = app
            .list_persons(&actor(&app, "admin").await, PersonQuery::default())
            .await
            .unwrap()
            .items[0]
            .id;
        let view = app
            .get_person(&actor(&app, "admin").await, person, &ClientInfo::default())
            .await
            .unwrap();
        let number = view.record["general"]["citizen_id_number"]
            .as_str()
            .unwrap()
            .to_string();
        let mut me = signed_in(&app, &number).await;
        let page = me.get("/canh-bao").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Xem trước theo ngày"));
        let others = page.body.matches("<tr><td><a href=\"/ho-so/").count()
            - page
                .body
                .matches(&format!("<tr><td><a href=\"/ho-so/{person}\""))
                .count();
        assert_eq!(others, 0, "an individual sees only their own alerts");
    }
}
