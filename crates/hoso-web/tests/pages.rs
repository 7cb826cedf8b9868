//! The web pages, in process through the real router, on every available database: sign-in,
//! staff list, record page and its edit form, CSRF, redirects, error pages, escaping.

mod common;

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::html::{attr, enc, flatten, form_fields, unescape};
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

    /// A multipart form with one file under `file`, as a browser sends a file input.
    async fn post_file(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        bytes: &[u8],
    ) -> Page {
        let (content_type, body) = common::multipart(fields, file_name, bytes);
        self.send(
            Request::builder()
                .method("POST")
                .uri(uri)
                .header(header::CONTENT_TYPE, content_type),
            Body::from(body),
        )
        .await
    }

    async fn post_htmx(&mut self, uri: &str, form: &[(String, String)]) -> Page {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            Request::builder()
                .method("POST")
                .uri(uri)
                .header("hx-request", "true")
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

/// The link of the pager marked `rel`, as the browser follows it.
fn pager_link(body: &str, rel: &str) -> Option<String> {
    let mark = format!("rel=\"{rel}\"");
    let end = body.find(&mark)?;
    let start = body[..end].rfind("<a ")?;
    attr(&body[start..end + mark.len()], "href")
}

/// The names of a staff list page, in order.
fn listed_names(body: &str) -> Vec<String> {
    body.split("<td><a href=\"/ho-so/")
        .skip(1)
        .map(|row| {
            let row = &row[row.find('>').unwrap() + 1..];
            unescape(&row[..row.find("</a>").unwrap()])
        })
        .collect()
}

/// The staff list's pager goes forward from each page's last row and back from each page's
/// first (keyset paging): the pages read one by one are the list, and going back shows the
/// same page again.
#[tokio::test]
async fn the_staff_pager_walks_forward_and_back_by_rows_not_offsets() {
    for db in databases().await {
        let app = demo_app(&db, 35).await;
        let admin = actor(&app, "admin").await;
        let whole: Vec<String> = app
            .list_persons(
                &admin,
                PersonQuery {
                    sort: Some("-date_of_birth".into()),
                    per_page: Some(100),
                    ..PersonQuery::default()
                },
            )
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|p| p.full_name)
            .collect();
        let mut b = signed_in(&app, "admin").await;
        let first = b.get("/can-bo?sort=-date_of_birth&per_page=10").await;
        assert!(pager_link(&first.body, "prev").is_none(), "{}", db.label);
        let mut pages = vec![listed_names(&first.body)];
        let mut current = first.body;
        while let Some(next) = pager_link(&current, "next") {
            assert!(next.contains("&sau="), "{next}");
            let r = b.get(&next).await;
            assert_eq!(r.status, StatusCode::OK, "{next}");
            assert!(
                r.body.contains(&format!("Trang {} / 4", pages.len() + 1)),
                "{}",
                db.label
            );
            pages.push(listed_names(&r.body));
            current = r.body;
        }
        assert_eq!(pages.len(), 4, "{}", db.label);
        assert_eq!(pages.concat(), whole, "{}", db.label);
        // Back from the last page: the third, by its first row; then the second; the first is
        // the list's own address.
        let back = pager_link(&current, "prev").unwrap();
        assert!(back.contains("&truoc="), "{back}");
        let third = b.get(&back).await;
        assert_eq!(listed_names(&third.body), pages[2], "{}", db.label);
        assert!(third.body.contains("Trang 3 / 4"));
        let second = b.get(&pager_link(&third.body, "prev").unwrap()).await;
        assert_eq!(listed_names(&second.body), pages[1], "{}", db.label);
        let to_first = pager_link(&second.body, "prev").unwrap();
        assert!(!to_first.contains("truoc="), "{to_first}");
        assert_eq!(listed_names(&b.get(&to_first).await.body), pages[0]);
        // A damaged link says so in Vietnamese and shows nothing else.
        let r = b.get("/can-bo?sau=hong").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", db.label);
        assert!(r.body.contains("Con trỏ trang"), "{}", db.label);
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
        // Dates are dates and coefficients numbers, so Excel sorts and sums them.
        let r = b.get("/can-bo/xuat-excel?gender=nu&cot=dob&cot=coef").await;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(r.bytes.clone())).unwrap();
        let sheet = wb.worksheet_range("Danh sách").unwrap();
        assert_eq!(sheet.get((0, 2)).unwrap().to_string(), "Ngày sinh");
        let first = women
            .items
            .iter()
            .find(|p| p.full_name == sheet.get((1, 1)).unwrap().to_string())
            .unwrap();
        match sheet.get((1, 2)) {
            Some(calamine::Data::DateTime(d)) => {
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                assert_eq!(
                    format!("{y:04}-{m:02}-{day:02}"),
                    first.date_of_birth.clone().unwrap()
                );
            }
            other => panic!("a date cell, got {other:?}"),
        }
        if let Some(coef) = first.salary_coefficient {
            assert_eq!(sheet.get((1, 3)), Some(&calamine::Data::Float(coef)));
        }

        // The same list as CSV: UTF-8 with a byte-order mark, dd/mm/yyyy dates.
        let r = b
            .get("/can-bo/xuat-excel?gender=nu&cot=dob&format=csv")
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers["content-type"], "text/csv; charset=utf-8");
        assert!(
            r.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains("danh-sach-can-bo.csv")
        );
        assert!(r.bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(r.bytes[3..].to_vec()).unwrap();
        assert!(text.starts_with("STT,Họ và tên,Ngày sinh\r\n"), "{text}");
        assert_eq!(text.lines().count() as i64, women.total + 1);
        let dob = first.date_of_birth.clone().unwrap();
        assert!(text.contains(&format!("{}/{}/{}", &dob[8..10], &dob[5..7], &dob[0..4])));
        let r = b.get("/can-bo/xuat-excel?format=pdf").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("Định dạng tệp"), "{}", r.body);

        // Each export is one audit entry, with its row count and filters, not its rows.
        let exports = app
            .audit_entries(
                &admin,
                hoso_app::security::AuditQuery {
                    action: Some("persons.export".into()),
                    ..Default::default()
                },
                &ClientInfo::default(),
            )
            .await
            .unwrap();
        assert_eq!(exports.total, 3, "three exports, the refused format none");
        let last = &exports.items[0];
        assert_eq!(last.detail["rows"], women.total);
        assert_eq!(last.detail["filters"]["gender"], "nu");
        assert!(!last.detail.to_string().contains(&first.full_name));
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
        // "Mã số ngạch" reads as the code with its name; "Ngạch" as the name.
        let rank = "<dt>Mã số ngạch/chức danh nghề nghiệp</dt><dd>";
        let at = r.body.find(rank).expect("the rank code is shown") + rank.len();
        let shown = &r.body[at..at + r.body[at..].find("</dd>").unwrap()];
        let (code, name) = shown.split_once(" — ").expect("code — name");
        assert!(
            code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') && !name.is_empty(),
            "{shown}"
        );

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
        assert!(
            page.body
                .contains("Đã lưu. Hồ sơ hiện ở phiên bản 2; thay đổi chờ thủ trưởng phê duyệt")
        );
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
        // As of a past day: the day is kept in the links that open the units.
        let day = app.today() - time::Duration::days(1);
        let typed = format!(
            "{:02}/{:02}/{}",
            day.day(),
            u8::from(day.month()),
            day.year()
        );
        let then = b
            .get(&format!("/co-cau?ngay={}", typed.replace('/', "%2F")))
            .await;
        assert_eq!(then.status, StatusCode::OK);
        assert!(then.body.contains("id=\"co-cau-ngay\""), "{}", then.body);
        assert!(then.body.contains(&format!("&amp;ngay={day}")));
        let ahead = b.get("/co-cau?ngay=01%2F01%2F2999").await;
        assert_eq!(ahead.status, StatusCode::OK);
        assert!(ahead.body.contains("id=\"loi-ngay\""));
        assert!(ahead.body.contains("sau hôm nay"));
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
        // A step increase due leads to its decision, filled from the province's template.
        let steps = admin.get("/canh-bao?kind=step_increase_due").await;
        assert_eq!(
            steps.body.contains("Đến hạn nâng lương"),
            steps.body.contains("/van-ban/quyet-dinh-nang-bac-luong\""),
            "every step increase due has its decision link"
        );
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
        let csv = admin
            .get("/canh-bao/xuat-excel?kind=step_increase_due&format=csv")
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body
                .contains("STT,Họ và tên,Đơn vị,Loại cảnh báo,Hạn xử lý,Nội dung,Căn cứ")
        );
        let exports = app
            .audit_entries(
                &actor(&app, "admin").await,
                hoso_app::security::AuditQuery {
                    action: Some("alerts.export".into()),
                    ..Default::default()
                },
                &ClientInfo::default(),
            )
            .await
            .unwrap();
        assert_eq!(exports.total, 2, "one entry per export");
        assert_eq!(
            exports.items[0].detail["filters"]["kind"],
            "step_increase_due"
        );

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

        // The default preset holds what a national text read so far states: nothing yet, and
        // the page says so.
        let page = me.get("/thoi-han").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("chưa có thời hạn nào có hiệu lực hôm nay")
        );
        drop(me);
        // Everyone reads the deadlines in force, each with its article, and which are followed:
        // Lai Châu's.
        let app = App::start(hoso_app::Config {
            deadline_preset: "lai-chau-2024".into(),
            ..app.config().clone()
        })
        .await
        .unwrap();
        let mut me = signed_in(&app, &number).await;
        let page = me.get("/thoi-han").await;
        assert_eq!(page.status, StatusCode::OK);
        let rules = app
            .deadline_rules(&actor(&app, "admin").await, None)
            .unwrap();
        assert!(!rules.is_empty());
        for rule in &rules {
            assert!(page.body.contains(&rule.time_limit), "{}", rule.id);
        }
        let untracked = rules.iter().filter(|r| !r.tracked).count();
        assert_eq!(page.body.matches("Chưa theo dõi được: ").count(), untracked);
        assert!(page.body.contains(&format!(
            "Hoso đang theo dõi {}/{} thời hạn",
            rules.len() - untracked,
            rules.len()
        )));
    }
}

// ───────────────────────── administration and my-account pages ─────────────────────────

/// The form token of a page (every form of a page carries the same one).
fn csrf_of(html: &str) -> String {
    let key = "name=\"_csrf\" value=\"";
    let start = html.find(key).expect("a form token") + key.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The text of the element with `id`, up to its closing tag.
fn text_of(html: &str, id: &str) -> String {
    let key = format!("id=\"{id}\">");
    let start = html.find(&key).unwrap_or_else(|| panic!("#{id} in page")) + key.len();
    unescape(&html[start..start + html[start..].find('<').unwrap()])
}

/// The unit administrator of the deepest unit that has one (the demo gives one to every unit
/// with staff), and that unit's id.
async fn leaf_unit_admin(app: &App) -> (String, i64) {
    let admin = actor(app, "admin").await;
    let units = app.org_units(&admin).await.unwrap();
    let depth = |id: i64| units.iter().find(|u| u.id == id).map(|u| u.depth).unwrap();
    app.search_accounts(&admin, None, None, Some(200))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|a| {
            let unit = a.grants.iter().find(|g| g.role == "unit_admin")?.unit_id?;
            Some((a.username, unit))
        })
        .max_by_key(|(_, unit)| depth(*unit))
        .expect("a unit administrator")
}

#[tokio::test]
async fn accounts_are_created_granted_restricted_revoked_and_reset_from_the_pages() {
    for db in databases().await {
        let app = demo_app(&db, 5).await;
        let admin = actor(&app, "admin").await;
        let (_, unit) = leaf_unit_admin(&app).await;
        let mut b = signed_in(&app, "admin").await;

        // The list, with search as you type (an htmx fragment) and accent-insensitive names.
        let list = b.get("/quan-tri/tai-khoan").await;
        assert_eq!(list.status, StatusCode::OK, "{}", db.label);
        assert!(list.body.contains("Quản lý tài khoản"));
        assert!(list.body.contains("lanhdao"));
        let frag = b.get_htmx("/quan-tri/tai-khoan?q=lanhdao").await;
        assert!(!frag.body.contains("<html"), "a fragment");
        assert!(
            frag.body.contains("<strong>1</strong> tài khoản"),
            "{}",
            frag.body
        );

        // Creating: a missing request reference is shown next to its field, the input kept,
        // and nothing is created.
        let form = b.get("/quan-tri/tai-khoan/moi").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("<label for=\"request_ref\">"));
        let token = csrf_of(&form.body);
        let unit_s = unit.to_string();
        let mut fields = vec![
            ("_csrf", token.as_str()),
            ("username", "to.chuc.moi"),
            ("display_name", "Trần Thị Tổ Chức"),
            ("role", "unit_admin"),
            ("unit_id", unit_s.as_str()),
            ("request_ref", ""),
        ];
        let r = b.post("/quan-tri/tai-khoan/moi", &pairs(&fields)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(text_of(&r.body, "request_ref-loi").contains("văn bản đề nghị"));
        assert!(r.body.contains("value=\"to.chuc.moi\""));
        assert!(r.body.contains("value=\"Trần Thị Tổ Chức\""));
        let found = |app: App| async move {
            app.search_accounts(&actor(&app, "admin").await, Some("to.chuc.moi"), None, None)
                .await
                .unwrap()
                .total
        };
        assert_eq!(found(app.clone()).await, 0);

        // Without the form token: refused, nothing created.
        let no_token: Vec<_> = pairs(&fields).into_iter().skip(1).collect();
        let r = b.post("/quan-tri/tai-khoan/moi", &no_token).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(found(app.clone()).await, 0);

        // Created: the temporary password is shown once, and works (for a password change).
        fields[5] = ("request_ref", "15/SNV-TCCB ngày 02/01/2026");
        let r = b.post("/quan-tri/tai-khoan/moi", &pairs(&fields)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let temp = text_of(&r.body, "mat-khau-tam");
        assert_eq!(temp.len(), 14);
        assert!(r.body.contains("chỉ hiện <strong>một lần</strong>"));
        assert_eq!(found(app.clone()).await, 1);
        let account = app
            .search_accounts(&admin, Some("to.chuc.moi"), None, None)
            .await
            .unwrap()
            .items
            .remove(0);
        let page_uri = format!("/quan-tri/tai-khoan/{}", account.id);
        let again = b.get(&page_uri).await;
        assert_eq!(again.status, StatusCode::OK);
        assert!(!again.body.contains(&temp), "shown once only");
        let mut newcomer = Browser::new(&app);
        let r = newcomer.sign_in("to.chuc.moi", &temp).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(newcomer.get("/").await.location(), "/doi-mat-khau");
        // The live policy check works on that forced change page too.
        let change = newcomer.get("/doi-mat-khau").await;
        let r = newcomer
            .post_htmx(
                "/doi-mat-khau/kiem-tra",
                &pairs(&[("_csrf", &csrf_of(&change.body)), ("new_password", "ngan")]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.headers.contains_key("hx-redirect"));
        assert!(r.body.contains("phải có ít nhất một chữ hoa"), "{}", r.body);

        // The same username again: told so next to the field.
        let r = b.post("/quan-tri/tai-khoan/moi", &pairs(&fields)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text_of(&r.body, "username-loi").contains("đã được dùng"));

        // Grant a second role, then restrict it to reading, then revoke it.
        let r = b
            .post(
                &format!("{page_uri}/cap-quyen"),
                &pairs(&[
                    ("_csrf", &token),
                    ("role", "viewer"),
                    ("unit_id", &unit_s),
                    ("request_ref", "16/SNV-TCCB"),
                ]),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = b.get(r.location()).await;
        assert!(page.body.contains("Đã cấp quyền."));
        assert!(page.body.contains("Lãnh đạo, người xem"));
        let detail = app.account_detail(&admin, account.id).await.unwrap();
        let viewer = detail
            .account
            .grants
            .iter()
            .find(|g| g.role == "viewer")
            .unwrap()
            .id;
        assert!(!detail.account.grants.iter().any(|g| g.read_only));
        let r = b
            .post(
                &format!("{page_uri}/quyen/{viewer}/doi"),
                &pairs(&[
                    ("_csrf", &token),
                    ("access", "chi-xem"),
                    ("unit_id", ""),
                    ("request_ref", "17/SNV-TCCB"),
                ]),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let detail = app.account_detail(&admin, account.id).await.unwrap();
        assert!(
            detail
                .account
                .grants
                .iter()
                .any(|g| g.id == viewer && g.read_only)
        );
        // Revoking needs the request reference: the form says so and keeps its place.
        let revoke = format!("{page_uri}/quyen/{viewer}/thu-hoi");
        let r = b
            .post(&revoke, &pairs(&[("_csrf", &token), ("request_ref", " ")]))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("văn bản đề nghị"));
        assert!(r.body.contains("<details open>"));
        assert_eq!(
            app.account_detail(&admin, account.id)
                .await
                .unwrap()
                .account
                .grants
                .len(),
            2
        );
        let r = b
            .post(
                &revoke,
                &pairs(&[("_csrf", &token), ("request_ref", "18/SNV-TCCB")]),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(b.get(r.location()).await.body.contains("Đã thu hồi quyền."));
        assert_eq!(
            app.account_detail(&admin, account.id)
                .await
                .unwrap()
                .account
                .grants
                .len(),
            1
        );

        // Reset: a new temporary password, shown once; the old one no longer works.
        let r = b
            .post(
                &format!("{page_uri}/dat-lai-mat-khau"),
                &pairs(&[("_csrf", &token)]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let reset = text_of(&r.body, "mat-khau-tam");
        assert_ne!(reset, temp);
        let mut old = Browser::new(&app);
        assert_eq!(
            old.sign_in("to.chuc.moi", &temp).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            old.sign_in("to.chuc.moi", &reset).await.status,
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn a_unit_administrator_sees_only_its_subtree_and_individuals_no_admin_pages() {
    for db in databases().await {
        let app = demo_app(&db, 5).await;
        let admin = actor(&app, "admin").await;
        let (username, unit) = leaf_unit_admin(&app).await;
        let mut b = signed_in(&app, &username).await;

        let list = b.get("/quan-tri/tai-khoan").await;
        assert_eq!(list.status, StatusCode::OK, "{}", db.label);
        assert!(list.body.contains(&username));
        assert!(
            !list.body.contains(">lanhdao<"),
            "province-wide accounts are outside"
        );
        let everyone = app
            .search_accounts(&admin, None, None, Some(200))
            .await
            .unwrap();
        let outside = everyone
            .items
            .iter()
            .find(|a| a.username == "lanhdao")
            .unwrap()
            .id;
        // Outside the subtree: not found, for reading and for acting.
        let r = b.get(&format!("/quan-tri/tai-khoan/{outside}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let token = csrf_of(&list.body);
        let r = b
            .post(
                &format!("/quan-tri/tai-khoan/{outside}/dat-lai-mat-khau"),
                &pairs(&[("_csrf", &token)]),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Granting outside its subtree is refused, and says why.
        let own = app
            .search_accounts(&admin, Some(&username), None, None)
            .await
            .unwrap()
            .items
            .remove(0);
        let root = app.org_units(&admin).await.unwrap()[0].id;
        let form = b.get("/quan-tri/tai-khoan/moi").await;
        assert!(form.body.contains(&format!("<option value=\"{unit}\"")));
        assert!(
            !form.body.contains(&format!("<option value=\"{root}\"")),
            "the chooser offers only its subtree"
        );
        let r = b
            .post(
                "/quan-tri/tai-khoan/moi",
                &pairs(&[
                    ("_csrf", &token),
                    ("username", "ngoai.pham.vi"),
                    ("display_name", "Ngoài phạm vi"),
                    ("role", "viewer"),
                    ("unit_id", &root.to_string()),
                    ("request_ref", "1/UBND"),
                ]),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(text_of(&r.body, "unit_id-loi").contains("ngoài phạm vi"));
        // Its own account is visible but not its own to manage.
        let r = b.get(&format!("/quan-tri/tai-khoan/{}", own.id)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("Đặt lại mật khẩu</button>"));
        // Catalogs are the system administrator's; the audit search is limited, not refused.
        assert_eq!(
            b.get("/quan-tri/danh-muc").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(b.get("/quan-tri/nhat-ky").await.status, StatusCode::OK);

        // An individual: no administration page at all, and no menu for them.
        let person = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items[0]
            .id;
        let view = app
            .get_person(&admin, person, &ClientInfo::default())
            .await
            .unwrap();
        let number = view.record["general"]["citizen_id_number"]
            .as_str()
            .unwrap()
            .to_string();
        let mut me = signed_in(&app, &number).await;
        let home = me.get("/").await;
        assert!(!home.body.contains("/quan-tri/"));
        for uri in [
            "/quan-tri/tai-khoan",
            "/quan-tri/tai-khoan/moi",
            "/quan-tri/danh-muc",
            "/quan-tri/danh-muc/dan_toc",
            "/quan-tri/nhat-ky",
            "/ho-so/moi",
        ] {
            let r = me.get(uri).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
            assert!(r.body.contains("Bạn không có quyền"), "{uri}");
        }
        let r = me.get(&format!("/quan-tri/tai-khoan/{}", own.id)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // … but sees who read their record (the administrator just did).
        let reads = me.get("/tai-khoan/ai-da-xem").await;
        assert_eq!(reads.status, StatusCode::OK);
        assert!(reads.body.contains(&admin.display_name), "{}", reads.body);
    }
}

#[tokio::test]
async fn catalogs_and_the_audit_trail_are_administered_from_the_pages() {
    for db in databases().await {
        let app = demo_app(&db, 5).await;
        let mut b = signed_in(&app, "admin").await;
        let list = b.get("/quan-tri/danh-muc").await;
        assert_eq!(list.status, StatusCode::OK, "{}", db.label);
        assert!(list.body.contains("Dân tộc"));
        let page = b.get("/quan-tri/danh-muc/dan_toc?q=kinh").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Kinh"));
        let token = csrf_of(&page.body);

        // A missing decision reference: said next to the field, input kept, nothing saved.
        let item = |name: &str, decision: &str| {
            pairs(&[
                ("_csrf", &token),
                ("code", "99"),
                ("name", name),
                ("decision_ref", decision),
            ])
        };
        let r = b
            .post("/quan-tri/danh-muc/dan_toc", &item("Dân tộc thử", ""))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text_of(&r.body, "decision_ref-loi").contains("văn bản"));
        assert!(r.body.contains("value=\"Dân tộc thử\""));
        let r = b
            .post(
                "/quan-tri/danh-muc/dan_toc",
                &item("Dân tộc thử", "QĐ 5/2026"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = b.get("/quan-tri/danh-muc/dan_toc?q=thu").await;
        assert!(page.body.contains("Dân tộc thử"));
        assert!(app.catalogs().name("dan_toc", "99").is_some());
        // Renaming through the edit link, then retiring.
        let edit = b.get("/quan-tri/danh-muc/dan_toc?sua=/99").await;
        assert!(edit.body.contains("Sửa tên mục “99”"));
        b.post(
            "/quan-tri/danh-muc/dan_toc",
            &item("Dân tộc thử đổi tên", "QĐ 6/2026"),
        )
        .await;
        assert_eq!(
            app.catalogs().name("dan_toc", "99"),
            Some("Dân tộc thử đổi tên")
        );
        let r = b
            .post(
                "/quan-tri/danh-muc/dan_toc/ngung",
                &pairs(&[("_csrf", &token), ("kind", ""), ("code", "99")]),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = b.get("/quan-tri/danh-muc/dan_toc?q=99").await;
        assert!(page.body.contains("Ngừng dùng</span>"));
        assert!(app.catalogs().name("dan_toc", "99").is_none());

        // The audit trail shows those changes, filtered; a bad date is told, not guessed.
        let r = b.get("/quan-tri/nhat-ky?action=catalog.put").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains("<strong>2</strong> mục nhật ký"),
            "{}",
            r.body
        );
        assert!(r.body.contains("QĐ 5/2026"));
        // The actor by username, shown by name; an unknown username is told.
        let r = b
            .get("/quan-tri/nhat-ky?actor=admin&action=catalog.put")
            .await;
        assert!(r.body.contains("<strong>2</strong> mục nhật ký"));
        assert!(
            r.body.contains("Quản trị hệ thống Sở Nội vụ (#"),
            "{}",
            r.body
        );
        let r = b
            .get("/quan-tri/nhat-ky?actor=lanhdao&action=catalog.put")
            .await;
        assert!(r.body.contains("<strong>0</strong> mục nhật ký"));
        let r = b.get("/quan-tri/nhat-ky?actor=khong.co.ai").await;
        assert!(
            r.body
                .contains("Không có tài khoản nào khớp “khong.co.ai”."),
            "{}",
            r.body
        );
        // The actor by name, typed without accents.
        let r = b
            .get("/quan-tri/nhat-ky?actor=quan+tri+he+thong+so+noi+vu&action=catalog.put")
            .await;
        assert!(
            r.body.contains("<strong>2</strong> mục nhật ký"),
            "{}",
            r.body
        );
        // Whose record, by name: the reading of it is found, and the record is named.
        let admin = actor(&app, "admin").await;
        let person = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items[0]
            .clone();
        assert_eq!(
            b.get(&format!("/ho-so/{}", person.id)).await.status,
            StatusCode::OK
        );
        let typed = hoso_domain::search_key::fold(&person.full_name).replace(' ', "+");
        let mut r = b
            .get(&format!(
                "/quan-tri/nhat-ky?person={typed}&action=record.read"
            ))
            .await;
        if r.body.contains("chọn một:") {
            // Namesakes: each is offered, with its unit and birth day.
            let link = format!("person=%23{}", person.id);
            assert!(r.body.contains(&link), "{}", r.body);
            r = b
                .get(&format!("/quan-tri/nhat-ky?{link}&action=record.read"))
                .await;
        }
        assert!(
            r.body
                .contains(&format!("Hồ sơ {} (#{})", person.full_name, person.id)),
            "{}",
            r.body
        );
        assert!(!r.body.contains("<strong>0</strong> mục nhật ký"));
        let r = b.get("/quan-tri/nhat-ky?person=khong+co+ai+ten+nay").await;
        assert!(r.body.contains("Không có hồ sơ nào khớp"), "{}", r.body);
        let r = b.get("/quan-tri/nhat-ky?from=31/02/2026").await;
        assert!(r.body.contains("không phải ngày hợp lệ"));
        assert!(r.body.contains("value=\"31/02/2026\""));
        let today = app.today();
        let day = format!(
            "{:02}/{:02}/{}",
            today.day(),
            u8::from(today.month()),
            today.year()
        );
        let r = b
            .get(&format!(
                "/quan-tri/nhat-ky?action=auth.login&from={day}&to={day}"
            ))
            .await;
        assert!(r.body.contains("<td>Đăng nhập</td>"));
        let file = b
            .get("/quan-tri/nhat-ky/xuat-excel?action=catalog.put")
            .await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(&file.bytes[..2], b"PK");
        use calamine::Reader;
        let mut book =
            calamine::Xlsx::new(std::io::Cursor::new(file.bytes.clone())).expect("an xlsx file");
        let sheet = book.worksheet_range("Nhật ký").unwrap();
        assert_eq!(sheet.get((0, 0)).unwrap().to_string(), "Thời điểm");
        assert_eq!(sheet.get((1, 2)).unwrap().to_string(), "Sửa danh mục");
        assert_eq!(sheet.height(), 3, "header and the two changes");
    }
}

#[tokio::test]
async fn my_sessions_second_factor_and_live_password_feedback() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        let mut b = signed_in(&app, "lanhdao").await;
        let mut other = signed_in(&app, "lanhdao").await;

        let me = b.get("/tai-khoan").await;
        assert_eq!(me.status, StatusCode::OK, "{}", db.label);
        assert!(me.body.contains("2 phiên đang hoạt động"));
        let sessions = b.get("/tai-khoan/phien").await;
        assert_eq!(sessions.body.matches("/ket-thuc\"").count(), 2);
        assert!(sessions.body.contains("Phiên này"));
        // End the other browser's session: it is signed out, this one is not.
        let token = csrf_of(&sessions.body);
        let actor_b = actor(&app, "lanhdao").await;
        let other_id = app
            .my_sessions(&actor_b)
            .await
            .unwrap()
            .into_iter()
            .find(|s| {
                !s.current
                    && sessions
                        .body
                        .contains(&format!("/tai-khoan/phien/{}/ket-thuc", s.id))
            })
            .map(|s| s.id)
            .unwrap();
        let _ = other.get("/").await;
        let r = b
            .post(
                &format!("/tai-khoan/phien/{other_id}/ket-thuc"),
                &pairs(&[("_csrf", &token)]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Đã kết thúc phiên đăng nhập."));
        let signed_out = [other.get("/").await.status, b.get("/").await.status];
        assert!(
            signed_out.contains(&StatusCode::SEE_OTHER) && signed_out.contains(&StatusCode::OK)
        );

        // Live password feedback: the unmet rules, then none; the token is required.
        let check = |pw: &str| pairs(&[("_csrf", &token), ("new_password", pw)]);
        let r = b.post("/doi-mat-khau/kiem-tra", &check("abc")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("phải dài ít nhất 8 ký tự"));
        assert!(r.body.contains("phải có ít nhất một chữ số"));
        let r = b
            .post("/doi-mat-khau/kiem-tra", &check("Rừng-Thông-Xanh-2026!"))
            .await;
        assert!(r.body.contains("đạt các yêu cầu"), "{}", r.body);
        let r = b
            .post("/doi-mat-khau/kiem-tra", &pairs(&[("new_password", "abc")]))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let form = b.get("/doi-mat-khau").await;
        assert!(form.body.contains("hx-post=\"/doi-mat-khau/kiem-tra\""));

        // TOTP: start shows a QR code and the secret; a wrong code keeps them; a right one
        // turns the second factor on, and sign-in then asks for it.
        let page = b.get("/tai-khoan/xac-thuc-hai-lop").await;
        assert!(page.body.contains("Bắt đầu đăng ký"));
        let r = b
            .post(
                "/tai-khoan/xac-thuc-hai-lop/bat-dau",
                &pairs(&[("_csrf", &token)]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("<svg role=\"img\""));
        let secret: String = text_of(&r.body, "khoa-bi-mat")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let url = form_fields(&r.body)["url"][0].clone();
        assert!(url.starts_with("otpauth://totp/Hoso"));
        let confirm = |code: &str| {
            pairs(&[
                ("_csrf", &token),
                ("code", code),
                ("secret", &secret),
                ("url", &url),
            ])
        };
        let r = b
            .post("/tai-khoan/xac-thuc-hai-lop/xac-nhan", &confirm("000000"))
            .await;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let right = hoso_app::totp::code_at(&secret, now).unwrap();
        if right != "000000" {
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("Mã xác thực không đúng"));
            assert!(r.body.contains("<svg role=\"img\""), "the QR code stays");
            let r = b
                .post("/tai-khoan/xac-thuc-hai-lop/xac-nhan", &confirm(&right))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert!(r.body.contains("Đã bật xác thực hai lớp"));
        }
        assert!(b.get("/tai-khoan").await.body.contains("Đã bật"));
        let mut fresh = Browser::new(&app);
        assert_eq!(
            fresh.sign_in("lanhdao", PASSWORD).await.status,
            StatusCode::UNAUTHORIZED,
            "a code is now needed"
        );
    }
}

#[tokio::test]
async fn a_record_is_created_from_the_pages_once_even_when_sent_twice() {
    for db in databases().await {
        let app = demo_app(&db, 4).await;
        let admin = actor(&app, "admin").await;
        let model = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items[0]
            .clone();
        let model = app
            .get_person(&admin, model.id, &ClientInfo::default())
            .await
            .unwrap();
        let before = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .total;
        let mut b = signed_in(&app, "admin").await;
        let form = b.get("/ho-so/moi").await;
        assert_eq!(form.status, StatusCode::OK, "{}", db.label);
        assert!(
            form.body
                .contains("<label for=\"f-general-birth_full_name\">")
        );
        assert!(form.body.contains("<label for=\"f-unit\">"));

        // Nothing at all: every problem at once, the unit's and the fields', listed at the top
        // with links to the fields (not the unit first and the fields at the next submit).
        let r = b
            .post("/ho-so/moi", &flatten(&form_fields(&form.body)))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"f-unit-loi\""), "{}", r.body);
        assert!(r.body.contains("id=\"f-general-date_of_birth-loi\""));
        assert!(r.body.contains("<a href=\"#f-unit\">"));
        assert!(r.body.contains("<a href=\"#f-general-date_of_birth\">"));

        // Nothing typed but the unit: messages next to the fields, nothing created.
        let mut fields = form_fields(&form.body);
        fields.insert("_unit".into(), vec![model.unit_id.to_string()]);
        fields.insert(
            "general.birth_full_name".into(),
            vec!["NGUYỄN VĂN MỚI".into()],
        );
        let r = b.post("/ho-so/moi", &flatten(&fields)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"f-general-date_of_birth-loi\""));
        assert!(r.body.contains("value=\"NGUYỄN VĂN MỚI\""), "input kept");
        assert!(
            r.body
                .contains(&format!("<option value=\"{}\" selected>", model.unit_id))
        );

        // Every field filled from an existing record, with another số định danh.
        for (name, values) in fields.iter_mut() {
            let mut v = &serde_json::Value::Object(model.record.clone());
            for part in name.split('.') {
                v = v.get(part).unwrap_or(&serde_json::Value::Null);
            }
            match v {
                serde_json::Value::String(s) => *values = vec![s.clone()],
                serde_json::Value::Array(items) => {
                    *values = items
                        .iter()
                        .map(|i| i.as_str().map(str::to_string).unwrap_or(i.to_string()))
                        .collect()
                }
                serde_json::Value::Number(n) => *values = vec![n.to_string()],
                serde_json::Value::Bool(x) => *values = vec![x.to_string()],
                _ => {}
            }
        }
        // Duplicate first: the record of that số định danh exists.
        let r = b.post("/ho-so/moi", &flatten(&fields)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert!(r.body.contains(&format!(
            "<a href=\"/ho-so/{}\">Mở hồ sơ đã có</a>",
            model.id
        )));
        let number = fields["general.citizen_id_number"][0].clone();
        let fresh = format!(
            "{}{:06}",
            &number[..6],
            (number[6..].parse::<u64>().unwrap() + 7) % 1_000_000
        );
        fields.insert("general.citizen_id_number".into(), vec![fresh.clone()]);
        fields.insert(
            "general.birth_full_name".into(),
            vec!["NGUYỄN VĂN MỚI".into()],
        );
        let body = flatten(&fields);
        let r = b.post("/ho-so/moi", &body).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let created = r.location().to_string();
        assert!(created.starts_with("/ho-so/"));
        // The same form sent again goes to the same record.
        let r = b.post("/ho-so/moi", &body).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), created);
        let after = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .total;
        assert_eq!(after, before + 1);
        let page = b.get(&created).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("NGUYỄN VĂN MỚI"));
        assert!(
            page.body
                .contains("Hồ sơ hiện ở phiên bản 1; thay đổi chờ thủ trưởng phê duyệt")
        );

        // A viewer gets no form; the list offers the button to administrators only.
        let mut viewer = signed_in(&app, "lanhdao").await;
        assert_eq!(viewer.get("/ho-so/moi").await.status, StatusCode::FORBIDDEN);
        assert!(
            !viewer
                .get("/can-bo")
                .await
                .body
                .contains("href=\"/ho-so/moi\"")
        );
        assert!(b.get("/can-bo").await.body.contains("href=\"/ho-so/moi\""));
    }
}

#[tokio::test]
async fn an_administrator_required_to_enrol_a_second_factor_does_that_first() {
    for db in databases().await {
        let config = hoso_app::Config {
            require_totp_for_admins: true,
            ..common::config(&db)
        };
        let app = App::start(config).await.unwrap();
        app.seed_demo(3, PASSWORD, &|_, _| {}).await.unwrap();
        let mut b = signed_in(&app, "admin").await;
        let r = b.get("/quan-tri/tai-khoan").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", db.label);
        assert_eq!(r.location(), "/tai-khoan/xac-thuc-hai-lop");
        let page = b.get("/tai-khoan/xac-thuc-hai-lop").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("phải đăng ký xác thực hai lớp"));
        let token = csrf_of(&page.body);
        let r = b
            .post(
                "/tai-khoan/xac-thuc-hai-lop/bat-dau",
                &pairs(&[("_csrf", &token)]),
            )
            .await;
        let secret: String = text_of(&r.body, "khoa-bi-mat")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let code = hoso_app::totp::code_at(&secret, now).unwrap();
        let r = b
            .post(
                "/tai-khoan/xac-thuc-hai-lop/xac-nhan",
                &pairs(&[("_csrf", &token), ("code", &code)]),
            )
            .await;
        assert!(r.body.contains("Đã bật xác thực hai lớp"), "{}", r.body);
        assert_eq!(b.get("/quan-tri/tai-khoan").await.status, StatusCode::OK);
    }
}

/// Every visible form control of a page has a label tied to it (`<label for>` or a wrapping
/// `<label>`), and ids are unique.
fn assert_labelled(uri: &str, html: &str) {
    let mut ids = std::collections::HashSet::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let before = &rest[..i];
        rest = &rest[i..];
        let end = rest.find('>').unwrap_or(rest.len() - 1);
        let tag = &rest[..=end];
        let control = ["<input", "<select", "<textarea"]
            .iter()
            .any(|t| tag.starts_with(t));
        if let Some(id) = attr(tag, "id") {
            assert!(ids.insert(id.clone()), "{uri}: id {id} twice");
        }
        if control && attr(tag, "type").as_deref() != Some("hidden") {
            let wrapped = before.trim_end().ends_with("<label class=\"check\">")
                || html[..html.len() - rest.len()]
                    .trim_end()
                    .ends_with("<label class=\"check\">");
            if !wrapped {
                let id = attr(tag, "id").unwrap_or_else(|| panic!("{uri}: no id on {tag}"));
                assert!(
                    html.contains(&format!("for=\"{id}\"")),
                    "{uri}: no label for #{id}"
                );
            }
        }
        rest = &rest[end + 1..];
    }
}

#[tokio::test]
async fn every_page_labels_its_controls() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        let mut b = signed_in(&app, "admin").await;
        let account = app
            .search_accounts(&actor(&app, "admin").await, Some("lanhdao"), None, None)
            .await
            .unwrap()
            .items[0]
            .id;
        let person = app
            .list_persons(&actor(&app, "admin").await, PersonQuery::default())
            .await
            .unwrap()
            .items[0]
            .id;
        for uri in [
            "/tai-khoan".to_string(),
            "/tai-khoan/phien".into(),
            "/tai-khoan/xac-thuc-hai-lop".into(),
            "/doi-mat-khau".into(),
            "/quan-tri/tai-khoan".into(),
            "/quan-tri/tai-khoan/moi".into(),
            format!("/quan-tri/tai-khoan/{account}"),
            "/quan-tri/danh-muc".into(),
            "/quan-tri/danh-muc/ngach_cong_chuc".into(),
            "/quan-tri/nhat-ky".into(),
            "/quan-tri/cong-viec".into(),
            "/ho-so/moi".into(),
            "/de-nghi".into(),
            "/xac-thuc".into(),
            "/phe-duyet".into(),
            // The earlier pages, held to the same rule.
            "/".into(),
            "/can-bo".into(),
            "/co-cau".into(),
            "/canh-bao".into(),
            "/thoi-han".into(),
            format!("/ho-so/{person}"),
            format!("/ho-so/{person}/sua/general"),
            format!("/ho-so/{person}/sua/family_members"),
        ] {
            let r = b.get(&uri).await;
            assert_eq!(r.status, StatusCode::OK, "{uri} on {}", db.label);
            assert!(
                r.body.contains("<main id=\"noi-dung\""),
                "{uri}: one layout"
            );
            assert_labelled(&uri, &r.body);
        }
    }
}

#[test]
#[should_panic(expected = "no label for #a")]
fn an_unlabelled_control_is_caught() {
    assert_labelled("x", "<label for=\"b\">B</label><input id=\"a\" name=\"a\">");
}

#[tokio::test]
async fn change_requests_are_proposed_verified_and_refused_from_the_pages() {
    for db in databases().await {
        let app = demo_app(&db, 12).await;
        let admin = actor(&app, "admin").await;
        let people = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items;
        let person = people[1].clone();
        let view = app
            .get_person(&admin, person.id, &ClientInfo::default())
            .await
            .unwrap();
        let cid = view.record["general"]["citizen_id_number"]
            .as_str()
            .unwrap()
            .to_string();
        let mut me = signed_in(&app, &cid).await;

        // From the record page: a request is opened, but not without the form token.
        let record = me.get(&format!("/ho-so/{}", person.id)).await;
        assert!(record.body.contains("Lập phiếu đề nghị"), "{}", db.label);
        let token = csrf_of(&record.body);
        let refused = me
            .post(
                "/de-nghi",
                &pairs(&[("person_id", &person.id.to_string()), ("reason", "Bổ sung")]),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let opened = me
            .post(
                "/de-nghi",
                &pairs(&[
                    ("_csrf", &token),
                    ("person_id", &person.id.to_string()),
                    ("reason", "Bổ sung tên gọi khác"),
                ]),
            )
            .await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
        let page_uri = opened.location().to_string();
        let id: i64 = page_uri
            .trim_start_matches("/de-nghi/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let page = me.get(&page_uri).await;
        assert!(
            page.body
                .contains(&format!("Phiếu bổ sung lý lịch số {id}"))
        );
        assert_labelled(&page_uri, &page.body);

        // Sending an empty request is refused with the reason on the page.
        let sent = me
            .post(&format!("/de-nghi/{id}/gui"), &pairs(&[("_csrf", &token)]))
            .await;
        let shown = me.get(sent.location()).await;
        assert!(
            shown.body.contains("chưa có nội dung thay đổi"),
            "{}",
            shown.body
        );

        // A section is edited on the request; the record itself does not change.
        let form = me.get(&format!("/de-nghi/{id}/sua/general")).await;
        assert_eq!(form.status, StatusCode::OK);
        let mut fields = form_fields(&form.body);
        fields.insert("other_names".into(), vec!["Út Nhỏ".into()]);
        let saved = me
            .post(&format!("/de-nghi/{id}/sua/general"), &flatten(&fields))
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let page = me.get(&format!("/de-nghi/{id}")).await;
        assert!(page.body.contains("Út Nhỏ"));
        let unchanged = app
            .get_person(&admin, person.id, &ClientInfo::default())
            .await
            .unwrap();
        assert_eq!(unchanged.current_version, 1);
        let sent = me
            .post(&format!("/de-nghi/{id}/gui"), &pairs(&[("_csrf", &token)]))
            .await;
        assert!(me.get(sent.location()).await.body.contains("Đã gửi phiếu"));

        // The individual has no verification or approval pages.
        assert_eq!(me.get("/xac-thuc").await.status, StatusCode::FORBIDDEN);
        assert_eq!(me.get("/phe-duyet").await.status, StatusCode::FORBIDDEN);

        // Another unit's HR officer does not see the request; the unit's own verifies it.
        let (other_admin, _) = leaf_unit_admin(&app).await;
        let accounts = app.list_accounts(&admin, None, Some(200)).await.unwrap();
        let own_admin = accounts
            .items
            .iter()
            .find(|a| {
                a.grants
                    .iter()
                    .any(|g| g.role == "unit_admin" && g.unit_id == Some(person.unit_id))
            })
            .expect("the unit has an HR officer")
            .username
            .clone();
        if other_admin != own_admin {
            let mut stranger = signed_in(&app, &other_admin).await;
            assert_eq!(
                stranger.get(&format!("/de-nghi/{id}")).await.status,
                StatusCode::NOT_FOUND
            );
        }
        let mut hr = signed_in(&app, &own_admin).await;
        let queue = hr.get("/xac-thuc").await;
        assert!(
            queue.body.contains(&format!("/de-nghi/{id}")),
            "{}",
            db.label
        );
        let page = hr.get(&format!("/de-nghi/{id}")).await;
        let token = csrf_of(&page.body);
        let verified = hr
            .post(
                &format!("/de-nghi/{id}/xac-thuc"),
                &pairs(&[("_csrf", &token), ("comment", "Đúng bản gốc")]),
            )
            .await;
        assert!(
            hr.get(verified.location())
                .await
                .body
                .contains("phiên bản 2")
        );
        let record = hr.get(&format!("/ho-so/{}", person.id)).await;
        assert!(record.body.contains("Chờ phê duyệt"), "{}", db.label);
        // The version history shows what version 2 changed.
        let diff = hr.get(&format!("/ho-so/{}/phien-ban/2", person.id)).await;
        assert_eq!(diff.status, StatusCode::OK);
        assert!(diff.body.contains("Út Nhỏ") && diff.body.contains("Các tên gọi khác"));
        assert_labelled("/ho-so/…/phien-ban/2", &diff.body);
    }
}

/// The deadline report page: two change requests sent on Mon 02/11/2026 under the example's
/// 5-working-day verification rule (due Mon 09/11); one verified on Thu 05/11, one still
/// waiting on Mon 16/11, five working days late.
#[tokio::test]
async fn the_deadline_report_shows_each_units_deadlines_sorts_and_exports() {
    for db in databases().await {
        let config = |today| hoso_app::Config {
            deadline_rules_file: Some(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../hoso.deadline-rules.example.toml"),
            ),
            fixed_today: Some(today),
            ..common::config(&db)
        };
        let client = ClientInfo::default();
        let monday = App::start(config(time::macros::date!(2026 - 11 - 02)))
            .await
            .unwrap();
        monday.seed_demo(8, PASSWORD, &|_, _| {}).await.unwrap();
        let admin = actor(&monday, "admin").await;
        let people = monday
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items;
        let mut requests = vec![];
        for p in people.iter().take(2) {
            let record = monday
                .get_person(&admin, p.id, &client)
                .await
                .unwrap()
                .record;
            let number = record["general"]["citizen_id_number"].as_str().unwrap();
            let me = actor(&monday, number).await;
            let mut general = record["general"].clone();
            general["other_names"] = serde_json::json!("Tên khác");
            let draft = monday
                .create_change(
                    &me,
                    hoso_app::changes::NewChange {
                        person_id: p.id,
                        reason: "Bổ sung tên gọi khác".into(),
                        sections: Some([("general".to_string(), general)].into_iter().collect()),
                    },
                    &client,
                )
                .await
                .unwrap();
            monday
                .submit_change(&me, draft.summary.id, &client)
                .await
                .unwrap();
            requests.push(draft.summary.id);
        }
        monday
            .compute_all_alerts(time::macros::date!(2026 - 11 - 02))
            .await
            .unwrap();
        drop(monday);
        let thursday = App::start(config(time::macros::date!(2026 - 11 - 05)))
            .await
            .unwrap();
        thursday
            .verify_change(&admin, requests[0], Default::default(), &client)
            .await
            .unwrap();
        thursday
            .compute_all_alerts(time::macros::date!(2026 - 11 - 06))
            .await
            .unwrap();
        drop(thursday);
        let app = App::start(config(time::macros::date!(2026 - 11 - 16)))
            .await
            .unwrap();
        app.compute_all_alerts(time::macros::date!(2026 - 11 - 16))
            .await
            .unwrap();

        let mut b = signed_in(&app, "admin").await;
        let page = b.get("/thoi-han/bao-cao").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let text = unescape(&page.body);
        assert!(
            text.contains("<strong>2</strong> thời hạn đến hạn từ 01/01/2026 đến 16/11/2026: <strong>1</strong> đúng hạn, <strong>0</strong> trễ hạn, <strong>1</strong> quá hạn chưa làm"),
            "{}: {text}",
            db.label
        );
        assert!(text.contains("Cán bộ tổ chức xác thực phiếu bổ sung lý lịch"));
        // Every column sorts through a link; the sorted one says which way.
        let sorted = b.get("/thoi-han/bao-cao?sort=overdue&dir=desc").await;
        assert!(
            sorted
                .body
                .contains("aria-sort=\"descending\"><a href=\"/thoi-han/bao-cao?sort=overdue\">"),
            "{}",
            sorted.body
        );
        // A bad date is told in Vietnamese and kept in the form.
        let bad = b.get("/thoi-han/bao-cao?from=31/02/2026").await;
        assert_eq!(bad.status, StatusCode::OK);
        assert!(bad.body.contains("không phải ngày hợp lệ"), "{}", bad.body);
        assert!(bad.body.contains("value=\"31/02/2026\""));

        let file = b.get("/thoi-han/bao-cao/xuat-excel").await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(&file.bytes[..2], b"PK");
        let csv = b.get("/thoi-han/bao-cao/xuat-excel?format=csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body.contains(
                "STT,Đơn vị,Thời hạn,Tổng số,Đúng hạn,Trễ hạn,\"Quá hạn, chưa làm\",Đang trong hạn"
            ),
            "{}",
            csv.body
        );
        let overdue: i64 = csv
            .body
            .lines()
            .skip(1)
            // Counted from the end: a unit's name may hold a comma.
            .filter_map(|l| l.trim_end().rsplit(',').nth(3)?.parse::<i64>().ok())
            .sum();
        assert_eq!(overdue, 1, "{}: {}", db.label, csv.body);
        let exports = app
            .audit_entries(
                &actor(&app, "admin").await,
                hoso_app::security::AuditQuery {
                    action: Some("deadline_report.export".into()),
                    ..Default::default()
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(exports.total, 2, "one entry per export");

        // Individuals have no such page.
        let number = app
            .get_person(&admin, people[1].id, &client)
            .await
            .unwrap()
            .record["general"]["citizen_id_number"]
            .as_str()
            .unwrap()
            .to_string();
        let mut me = signed_in(&app, &number).await;
        assert_eq!(
            me.get("/thoi-han/bao-cao").await.status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn the_data_quality_page_ranks_units_leads_to_the_records_and_prints_the_monthly_check() {
    for db in databases().await {
        let label = db.label;
        let app = demo_app(&db, 8).await;
        let admin = actor(&app, "admin").await;
        let client = ClientInfo::default();
        let unit = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items[0]
            .unit_id;
        // A record written today and not yet approved: not "đúng".
        let person = app
            .create_person(
                &admin,
                hoso_app::records::CreatePerson {
                    unit_id: unit,
                    status: None,
                    record: hoso_domain::schema::fixtures::RecordBuilder::civil_servant()
                        .national_id("020185800123")
                        .name("Vũ Văn Chưa Duyệt")
                        .build(),
                    note: None,
                },
                &client,
            )
            .await
            .unwrap()
            .id;

        let mut b = signed_in(&app, "admin").await;
        let page = b.get("/chat-luong-du-lieu").await;
        assert_eq!(page.status, StatusCode::OK, "{label}: {}", page.body);
        let text = unescape(&page.body);
        assert!(
            text.contains("Chất lượng dữ liệu: Đúng, Đủ, Sạch, Sống"),
            "{text}"
        );
        assert!(text.contains("aria-current=\"page\">Chất lượng dữ liệu</a>"));
        assert!(text.contains("Tổng cộng"));
        assert!(text.contains("Đủ theo từng nhóm thông tin"));
        // The unit's Đúng figure leads to its records to fix.
        let drill = format!("/chat-luong-du-lieu/ho-so?criterion=dung&unit={unit}");
        assert!(
            text.contains(&format!("href=\"{drill}\"")),
            "{label}: {text}"
        );
        // Every column sorts through a link; the sorted one says which way.
        let sorted = b.get("/chat-luong-du-lieu?sort=score&dir=desc").await;
        assert!(
            sorted
                .body
                .contains("aria-sort=\"descending\"><a href=\"/chat-luong-du-lieu?sort=score\">"),
            "{}",
            sorted.body
        );

        let list = b.get(&drill).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        let text = unescape(&list.body);
        assert!(text.contains("Hồ sơ chưa «Đúng»"), "{text}");
        assert!(
            text.contains(&format!(
                "<a href=\"/ho-so/{person}\">Vũ Văn Chưa Duyệt</a>"
            )),
            "{text}"
        );
        assert!(text.contains("Phiên bản hiện hành của hồ sơ chưa được phê duyệt"));
        // The list downloads with its reasons.
        let csv = b
            .get(&format!(
                "/chat-luong-du-lieu/ho-so/xuat-excel?criterion=dung&unit={unit}&format=csv"
            ))
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body.contains("STT,Họ và tên,Đơn vị,Lý do"),
            "{}",
            csv.body
        );
        assert!(csv.body.contains("Vũ Văn Chưa Duyệt"));
        assert!(csv.body.contains("chưa được phê duyệt"));
        // An unknown criterion is told in Vietnamese.
        let bad = b.get("/chat-luong-du-lieu/ho-so?criterion=dep").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(unescape(&bad.body).contains("Tiêu chí (criterion) 'dep' không tồn tại"));

        let file = b.get("/chat-luong-du-lieu/xuat-excel").await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(&file.bytes[..2], b"PK");
        let csv = b.get("/chat-luong-du-lieu/xuat-excel?format=csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body
                .contains("Hạng,Đơn vị,Số người,Đúng (%),Đủ (%),Sạch (%),Sống (%),Điểm chung (%)"),
            "{}",
            csv.body
        );
        assert!(csv.body.contains("Tổng cộng"));

        let monthly = b.get("/chat-luong-du-lieu/kiem-tra-hang-thang").await;
        assert_eq!(monthly.status, StatusCode::OK, "{}", monthly.body);
        let text = unescape(&monthly.body);
        assert!(text.contains("Điều 13 khoản 4"), "{text}");
        assert!(text.contains("trước ngày 25 hằng tháng"));
        let due = hoso_domain::data_quality::monthly_check_due(hoso_store::testing::today());
        assert!(
            text.contains(&format!(
                "Hạn kiểm tra: trước ngày <strong>25/{:02}/{}</strong>",
                u8::from(due.month()),
                due.year()
            )),
            "{text}"
        );
        assert!(text.contains("Thủ trưởng cơ quan, đơn vị"));
    }
}

#[tokio::test]
async fn the_templates_page_and_the_documents_it_prints() {
    const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    for db in databases().await {
        let app = demo_app(&db, 10).await;
        let admin_actor = actor(&app, "admin").await;
        let person = app
            .list_persons(&admin_actor, PersonQuery::default())
            .await
            .unwrap()
            .items[0]
            .id;
        let mut b = signed_in(&app, "admin").await;

        // Every kind, with the template in use and the fields it may name.
        let page = b.get("/quan-tri/mau-van-ban").await;
        assert_eq!(page.status, StatusCode::OK, "{}", db.label);
        for label in [
            "Phiếu bàn giao tài khoản cá nhân",
            "Quyết định điều động, luân chuyển, biệt phái",
            "Biên bản bàn giao hồ sơ",
            "Quyết định nâng bậc lương thường xuyên",
            "Thông báo nghỉ hưu",
        ] {
            assert!(page.body.contains(label), "{label}");
        }
        assert!(page.body.contains("{{so_quyet_dinh}}"));
        assert!(page.body.contains("{{#each nguoi}}"));
        assert!(page.body.contains("mẫu có sẵn của Hoso"));
        assert!(
            page.body.contains("href=\"/quan-tri/mau-van-ban\""),
            "in the menu"
        );
        let r = b
            .get("/quan-tri/mau-van-ban/thong-bao-nghi-huu/tai-ve")
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers[header::CONTENT_TYPE], DOCX);
        assert!(r.bytes.starts_with(b"PK"));
        let token = form_fields(&page.body)["_csrf"][0].clone();
        let r = b
            .post("/quan-tri/mau-van-ban/thong-bao-nghi-huu/mac-dinh", &[])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "the form token first");
        let r = b
            .post(
                "/quan-tri/mau-van-ban/thong-bao-nghi-huu/mac-dinh",
                &[("_csrf".into(), token.clone())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = b.get(r.location()).await;
        assert!(r.body.contains("Đã trở lại mẫu có sẵn của Hoso."));

        // The record page offers its HR officer the decisions, which download as Word.
        let record = b.get(&format!("/ho-so/{person}")).await;
        let link = format!("/ho-so/{person}/van-ban/thong-bao-nghi-huu");
        assert!(record.body.contains(&link), "{}", record.body);
        let r = b.get(&link).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.headers[header::CONTENT_TYPE], DOCX);

        // A unit's accounts and their hand-over sheet, as Word, in one step.
        let accounts = b.get("/quan-tri/tai-khoan-ca-nhan").await;
        assert_eq!(accounts.status, StatusCode::OK);
        assert!(
            accounts
                .body
                .contains("Tạo tài khoản và tải phiếu bàn giao (Word)")
        );
        let form = &accounts.body[accounts.body.find("id=\"cap-ca-don-vi\"").unwrap()..];
        let marker = "name=\"unit_id\" value=\"";
        let unit = form[form.find(marker).unwrap() + marker.len()..]
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let r = b
            .post(
                "/quan-tri/tai-khoan-ca-nhan/cap",
                &[
                    ("_csrf".into(), token.clone()),
                    ("unit_id".into(), unit),
                    ("format".into(), "docx".into()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.headers[header::CONTENT_TYPE], DOCX);
        assert!(r.bytes.starts_with(b"PK"));
    }
}

#[tokio::test]
async fn the_backups_page_lists_the_backups_warns_and_queues_one() {
    for db in databases().await {
        let mut config = common::config(&db);
        // Without a passphrase: the page says why nothing is backed up.
        let app = App::start(config.clone()).await.unwrap();
        app.seed_demo(4, PASSWORD, &|_, _| {}).await.unwrap();
        let mut b = signed_in(&app, "admin").await;
        let page = b.get("/quan-tri/sao-luu").await;
        assert_eq!(page.status, StatusCode::OK, "{}", db.label);
        assert!(
            page.body.contains("HOSO_BACKUP_PASSPHRASE"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("href=\"/quan-tri/sao-luu\""),
            "in the menu"
        );
        assert!(
            !page.body.contains("Sao lưu ngay"),
            "no button without a passphrase"
        );
        let home = b.get("/").await;
        assert!(
            home.body.contains("id=\"canh-bao-sao-luu\""),
            "the system administrator's home page warns: {}",
            home.body
        );
        let mut leader = signed_in(&app, "lanhdao").await;
        assert!(
            !leader.get("/").await.body.contains("canh-bao-sao-luu"),
            "no one else is told"
        );

        config.backup_passphrase = Some(hoso_app::Secret::new("mật khẩu thử"));
        config.backup_dir = Some(db.dir.path().join("sao-luu"));
        let app = App::start(config).await.unwrap();
        let taken = app.take_backup(None).await.unwrap();
        assert_eq!(taken.status, "succeeded", "{:?}", taken.error);
        let mut b = signed_in(&app, "admin").await;
        let page = b.get("/quan-tri/sao-luu").await;
        assert!(page.body.contains(&taken.file_name), "{}", db.label);
        assert!(page.body.contains("Thành công"));
        assert!(page.body.contains("Chưa kiểm tra"));
        assert!(
            !page.body.contains("canh-bao-sao-luu"),
            "a fresh backup: no warning"
        );
        assert!(
            !b.get("/").await.body.contains("canh-bao-sao-luu"),
            "nor on the home page"
        );
        let queued = b
            .post(
                "/quan-tri/sao-luu",
                &pairs(&[("_csrf", &csrf_of(&page.body))]),
            )
            .await;
        assert_eq!(queued.status, StatusCode::SEE_OTHER);
        assert_eq!(queued.location(), "/quan-tri/sao-luu?ok=da-xep-lich");
        let job = app.run_next_job("node-a").await.unwrap().unwrap();
        assert_eq!(job.kind, "backup");
        assert_eq!(job.status, "succeeded", "{:?}", job.error);
        assert!(
            job.result
                .unwrap()
                .contains("khôi phục thử và kiểm tra: đạt")
        );
        let page = b.get("/quan-tri/sao-luu").await;
        assert!(page.body.contains("Đạt ("), "the trial restore shows");

        // A trial restore of a stored backup, on request.
        let check = format!("/quan-tri/sao-luu/{}/kiem-tra", taken.id);
        assert!(page.body.contains(&check), "a button per kept backup");
        let queued = b
            .post(&check, &pairs(&[("_csrf", &csrf_of(&page.body))]))
            .await;
        assert_eq!(queued.status, StatusCode::SEE_OTHER, "{}", queued.body);
        assert_eq!(
            queued.location(),
            "/quan-tri/sao-luu?ok=da-xep-lich-kiem-tra"
        );
        let job = app.run_next_job("node-a").await.unwrap().unwrap();
        assert_eq!(job.kind, "backup.verify");
        assert_eq!(job.status, "succeeded", "{:?}", job.error);
        assert!(job.result.unwrap().contains("đạt"));
        let no_such = b
            .post(
                "/quan-tri/sao-luu/987654/kiem-tra",
                &pairs(&[("_csrf", &csrf_of(&page.body))]),
            )
            .await;
        assert_eq!(no_such.status, StatusCode::NOT_FOUND);

        // Anyone else: refused.
        let mut leader = signed_in(&app, "lanhdao").await;
        assert_eq!(
            leader.get("/quan-tri/sao-luu").await.status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn a_retirement_is_recorded_from_its_alert_with_the_legal_date() {
    for db in databases().await {
        let app = demo_app(&db, 6).await;
        let admin = actor(&app, "admin").await;
        let person = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items[0]
            .id;
        let mut b = signed_in(&app, "admin").await;
        let record = b.get(&format!("/ho-so/{person}")).await;
        assert!(
            record
                .body
                .contains(&format!("href=\"/ho-so/{person}/trang-thai\"")),
            "the record leads to the decision form"
        );
        let page = b
            .get(&format!("/ho-so/{person}/trang-thai?loai=nghi_huu"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", db.label, page.body);
        assert!(page.body.contains("value=\"nghi_huu\" selected"));
        assert!(page.body.contains("id=\"ngay-nghi-huu\""), "{}", page.body);
        let form = app
            .status_decision_form(&admin, person, &hoso_app::ClientInfo::default())
            .await
            .unwrap();
        assert!(
            page.body.contains(&format!(
                "name=\"effective_date\" type=\"text\" inputmode=\"numeric\" autocomplete=\"off\" data-date=\"date\" maxlength=\"10\" placeholder=\"dd/mm/yyyy\" value=\"{}\"",
                hoso_app::display::date(&form.retirement_date.unwrap())
            )),
            "the legal date is filled in, as Vietnamese write it"
        );

        // A decision without its number: told, in Vietnamese, at the form.
        let today = app.today().to_string();
        let bad = b
            .post(
                &format!("/ho-so/{person}/trang-thai"),
                &pairs(&[
                    ("_csrf", &csrf_of(&page.body)),
                    ("kind", "nghi_huu"),
                    ("decision_number", ""),
                    ("decision_date", &today),
                    ("signer", "Chủ tịch UBND huyện"),
                    ("effective_date", "2099-01-01"),
                ]),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Phải ghi số quyết định"), "{}", bad.body);

        let done = b
            .post(
                &format!("/ho-so/{person}/trang-thai"),
                &pairs(&[
                    ("_csrf", &csrf_of(&page.body)),
                    ("kind", "nghi_huu"),
                    ("decision_number", "12/QĐ-UBND"),
                    ("decision_date", &today),
                    ("signer", "Chủ tịch UBND huyện"),
                    ("effective_date", "2099-01-01"),
                ]),
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let page = b.get(done.location()).await;
        assert!(page.body.contains("Đã ghi quyết định."));
        assert!(page.body.contains("id=\"cho-hieu-luc\""));
        assert!(page.body.contains("12/QĐ-UBND"));
        assert!(page.body.contains("Chờ ngày hiệu lực"));

        // The person is told on their home page, before the day comes.
        let view = app
            .get_person(&admin, person, &hoso_app::ClientInfo::default())
            .await
            .unwrap();
        let username = app
            .schemas()
            .latest()
            .role_text(&view.record, hoso_domain::schema::FieldRole::NationalId)
            .unwrap()
            .to_string();
        let mut own = signed_in(&app, &username).await;
        let home = own.get("/").await;
        assert!(
            home.body.contains("id=\"quyet-dinh-cua-toi\""),
            "{}",
            home.body
        );
        assert!(
            home.body.contains("Nghỉ hưu: quyết định số 12/QĐ-UBND"),
            "{}",
            home.body
        );
        assert!(
            home.body
                .contains("hiệu lực từ 01/01/2099 — chờ ngày hiệu lực")
        );
    }
}

#[tokio::test]
async fn the_system_administrator_previews_then_carries_out_a_merge_on_the_reorganisation_page() {
    for db in databases().await {
        let app = demo_app(&db, 60).await;
        let admin = actor(&app, "admin").await;
        let mut staffed: Vec<_> = app
            .org_units(&admin)
            .await
            .unwrap()
            .into_iter()
            .filter(|u| u.staff_count > 0)
            .collect();
        staffed.sort_by_key(|u| -u.staff_count);
        let (a, b) = (staffed[0].clone(), staffed[1].clone());
        let parent = app
            .org_units(&admin)
            .await
            .unwrap()
            .into_iter()
            .find(|u| Some(u.id) == a.parent_id)
            .unwrap();
        let today = hoso_store::testing::today().to_string();
        let mut browser = signed_in(&app, "admin").await;
        let tree = browser.get("/co-cau").await;
        assert!(
            tree.body.contains("href=\"/co-cau/sap-xep\""),
            "linked from the tree"
        );
        let form = browser.get("/co-cau/sap-xep").await;
        assert_eq!(form.status, StatusCode::OK);
        let mut fields = form_fields(&form.body);
        for (k, v) in [
            ("kind", "merge"),
            ("sources", &format!("{}, {}", a.code, b.code)),
            ("new_parent_code", &parent.code),
            ("new_code", "TRANG.SX1"),
            ("new_name", "Phòng Sáp nhập"),
            ("new_kind", "department"),
            ("carry", "1"),
            ("decision_number", "25/QĐ-UBND"),
            ("decision_date", &today),
            ("effective_date", &today),
            ("action", "xem-truoc"),
        ] {
            fields.insert(k.into(), vec![v.to_string()]);
        }
        // A code that does not exist is told on the form, which keeps what was typed.
        let mut wrong = fields.clone();
        wrong.insert("new_parent_code".into(), vec!["KHONG.CO".into()]);
        let r = browser.post("/co-cau/sap-xep", &flatten(&wrong)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            unescape(&r.body).contains("Không có đơn vị nào mã 'KHONG.CO'"),
            "{}",
            r.body
        );
        assert!(r.body.contains("TRANG.SX1"));

        // "Xem trước": what would change, nothing changed.
        let preview = browser.post("/co-cau/sap-xep", &flatten(&fields)).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        let text = unescape(&preview.body);
        assert!(text.contains("Sẽ thay đổi"), "{text}");
        assert!(text.contains("Phòng Sáp nhập"));
        assert!(text.contains("value=\"thuc-hien\""));
        assert_eq!(
            app.org_unit(&admin, a.id).await.unwrap().unit.dissolved_on,
            None
        );

        // "Thực hiện": done, and the page says so.
        fields.insert("action".into(), vec!["thuc-hien".into()]);
        let done = browser.post("/co-cau/sap-xep", &flatten(&fields)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        let text = unescape(&done.body);
        assert!(
            text.contains("Đã thực hiện sáp nhập theo quyết định số 25/QĐ-UBND"),
            "{text}"
        );
        assert_eq!(
            app.org_unit(&admin, a.id)
                .await
                .unwrap()
                .unit
                .dissolved_on
                .as_deref(),
            Some(today.as_str())
        );
        let moved = app
            .list_persons(
                &admin,
                PersonQuery {
                    q: None,
                    unit: Some(b.id),
                    ..PersonQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(moved.total, 0, "everyone left the merged unit");
        // The merged unit's page says which unit it became, with a link.
        let merged_into = app
            .org_units(&admin)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.code == "TRANG.SX1")
            .unwrap();
        let unit_page = browser.get(&format!("/don-vi/{}", a.id)).await;
        let text = unescape(&unit_page.body);
        assert!(
            text.contains(&format!(
                "Sáp nhập vào <a href=\"/don-vi/{}\">Phòng Sáp nhập — ",
                merged_into.id
            )),
            "{text}"
        );
    }
}

#[tokio::test]
async fn an_hr_officer_attaches_the_scan_behind_an_edit_of_their_own() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        let admin = actor(&app, "admin").await;
        let person = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items[0]
            .clone();
        let mut b = signed_in(&app, "admin").await;
        let edit_uri = format!("/ho-so/{}/sua/general", person.id);
        let form = b.get(&edit_uri).await;
        let mut fields = form_fields(&form.body);
        fields.insert(
            "other_names".into(),
            vec!["Tên gọi khác theo quyết định".into()],
        );
        let r = b.post(&edit_uri, &flatten(&fields)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", db.label, r.body);
        let saved = b.get(r.location()).await;
        let versions = app.versions(&admin, person.id).await.unwrap();
        let mine = versions.last().unwrap().version;
        let action = format!("/ho-so/{}/phien-ban/{mine}/dinh-kem", person.id);
        // The confirmation of the save offers the scan, for this edit and this section.
        let offered = saved
            .body
            .find(&format!("action=\"{action}\""))
            .expect("offered");
        assert!(saved.body[offered..].contains("name=\"section\" value=\"general\""));
        let token = csrf_of(&saved.body);

        let pdf = b"%PDF-1.4\n% quyet dinh 12/QD-SNV\ntrailer<<>>\n%%EOF\n".to_vec();
        let r = b
            .post_file(
                &action,
                &[("_csrf", &token), ("section", "general")],
                "quyet-dinh-12.pdf",
                &pdf,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let back = b.get(r.location()).await;
        assert!(
            back.body.contains(&format!(
                "Đã đính kèm “quyet-dinh-12.pdf” vào lần sửa {mine}."
            )),
            "{}",
            back.body
        );
        let link = format!(
            "/ho-so/{}/ban-quet/{}",
            person.id,
            hoso_app::attachments::sha256_hex(&pdf)
        );
        assert!(back.body.contains(&link), "listed with its edit");
        let file = b.get(&link).await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.bytes, pdf);

        // What is not a scan is told on the page, and nothing is attached.
        let r = b
            .post_file(&action, &[("_csrf", &token)], "anh.pdf", b"MZ not a scan")
            .await;
        let told = b.get(r.location()).await;
        assert!(
            told.body.contains("không phải PDF, JPEG hay PNG"),
            "{}",
            told.body
        );
        // An edit someone else wrote is not the officer's to prove.
        if let Some(other) = versions
            .iter()
            .find(|v| v.created_by != Some(admin.account_id))
        {
            let r = b
                .post_file(
                    &format!("/ho-so/{}/phien-ban/{}/dinh-kem", person.id, other.version),
                    &[("_csrf", &token)],
                    "khac.pdf",
                    &pdf,
                )
                .await;
            let told = b.get(r.location()).await;
            assert!(
                told.body.contains("do chính mình thực hiện"),
                "{}",
                told.body
            );
        }
        let scans = app.version_scans(&admin, person.id).await.unwrap();
        assert_eq!(scans.len(), 1, "{}", db.label);
        assert_eq!(scans[0].version, mine);

        // A leader reads the record and its scan; the reading is in the audit trail.
        let mut leader = signed_in(&app, "lanhdao").await;
        assert_eq!(leader.get(&link).await.bytes, pdf);
        let trail = b
            .get("/quan-tri/nhat-ky?action=record.attachment_read")
            .await;
        assert!(
            !trail.body.contains("<strong>0</strong> mục nhật ký"),
            "{}",
            trail.body
        );
    }
}

/// Issue 18, item 3: before signing, the head takes one record out of a prepared batch and
/// sends it back to the unit's HR officer with a comment; the other record is batched again.
/// HR finds the comment in the verification queue and on the record, answers and sends it
/// back; the head then finds it waiting again. Rights come before the workflow's rules.
#[tokio::test]
async fn a_head_leaves_a_record_out_of_a_batch_and_sends_it_back_with_a_comment() {
    for db in databases().await {
        // The last working day of November 2026 is inside the approval window; the demo's
        // certificates sign.
        let today = time::macros::date!(2026 - 11 - 30);
        let (root, p12) = hoso_app::demo::ensure_demo_pki(
            &db.dir.path().join("demo-pki"),
            PASSWORD,
            hoso_app::Clock::on(today),
        )
        .unwrap();
        let config = hoso_app::Config {
            trusted_roots_file: Some(root),
            fixed_today: Some(today),
            ..common::config(&db)
        };
        let app = App::start(config).await.unwrap();
        app.seed_demo(24, PASSWORD, &|_, _| {}).await.unwrap();
        let admin = actor(&app, "admin").await;
        let people = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items;
        let (first, second) = people
            .iter()
            .enumerate()
            .find_map(|(i, p)| {
                people[i + 1..]
                    .iter()
                    .find(|q| q.unit_id == p.unit_id)
                    .map(|q| (p.clone(), q.clone()))
            })
            .expect("a unit with two people");
        let (hr_name, head_name) = common::demo_hr_and_head(&app, first.unit_id).await;
        // The unit's HR officer edits both records: two versions wait for the head.
        let hr_actor = actor(&app, &hr_name).await;
        for p in [&first, &second] {
            set_other_names(&app, &hr_actor, p.id, &format!("Tên khác {}", p.id)).await;
        }

        // The head prepares the batch: both records, each with a way to leave it out.
        let mut head = signed_in(&app, &head_name).await;
        let queue = head.get("/phe-duyet").await;
        let token = csrf_of(&queue.body);
        assert_eq!(
            queue.body.matches("name=\"chon\"").count(),
            2,
            "{}",
            queue.body
        );
        let none = head
            .post(
                "/phe-duyet/lo",
                &pairs(&[("_csrf", &token), ("chon_co", "1")]),
            )
            .await;
        assert!(
            head.get(none.location())
                .await
                .body
                .contains("Chưa chọn hồ sơ nào")
        );
        let (first_id, second_id) = (first.id.to_string(), second.id.to_string());
        let prepared = head
            .post(
                "/phe-duyet/lo",
                &pairs(&[
                    ("_csrf", &token),
                    ("chon_co", "1"),
                    ("chon", &first_id),
                    ("chon", &second_id),
                ]),
            )
            .await;
        assert_eq!(prepared.status, StatusCode::SEE_OTHER, "{}", db.label);
        let batch_uri = prepared.location().to_string();
        let batch = head.get(&batch_uri).await;
        assert!(batch.body.contains(&first.full_name) && batch.body.contains(&second.full_name));
        assert_eq!(
            batch.body.matches("Bỏ khỏi lô").count(),
            2,
            "{}",
            batch.body
        );
        assert_labelled(&batch_uri, &batch.body);
        let leave_out = format!("{batch_uri}/bo-ra");

        // Sending back needs a comment: refused on the page, the batch unchanged.
        let refused = head
            .post(
                &leave_out,
                &pairs(&[
                    ("_csrf", &token),
                    ("person_id", &first_id),
                    ("cach", "tra_lai"),
                    ("comment", "  "),
                ]),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("Cần ghi rõ lý do trả lại"),
            "{}",
            refused.body
        );
        assert!(head.get(&batch_uri).await.body.contains("Chờ ký"));

        // A head of a unit that is neither this one nor above it may not act on this batch.
        let units = app.org_units(&admin).await.unwrap();
        let ancestors: Vec<i64> = std::iter::successors(Some(first.unit_id), |id| {
            units.iter().find(|u| u.id == *id).and_then(|u| u.parent_id)
        })
        .collect();
        let stranger_head = app
            .search_accounts(&admin, None, None, Some(200))
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|a| {
                a.grants.iter().any(|g| g.role == "approver")
                    && a.grants
                        .iter()
                        .all(|g| g.unit_id.is_some_and(|u| !ancestors.contains(&u)))
            })
            .map(|a| a.username);
        assert!(
            stranger_head.is_some(),
            "the demo has heads of other branches"
        );
        if let Some(other_head) = stranger_head {
            let mut stranger = signed_in(&app, &other_head).await;
            let t = csrf_of(&stranger.get("/").await.body);
            let r = stranger
                .post(
                    &leave_out,
                    &pairs(&[("_csrf", &t), ("person_id", &first_id)]),
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", db.label);
            // Nor send back a record outside its unit.
            let r = stranger
                .post(
                    "/phe-duyet/tra-lai",
                    &pairs(&[("_csrf", &t), ("person_id", &first_id), ("comment", "Sai")]),
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", db.label);
        }
        // The HR officer reads the record but does not approve it: forbidden, not a rule.
        let mut hr = signed_in(&app, &hr_name).await;
        let hr_token = csrf_of(&hr.get("/").await.body);
        let r = hr
            .post(
                "/phe-duyet/tra-lai",
                &pairs(&[
                    ("_csrf", &hr_token),
                    ("person_id", &first_id),
                    ("comment", "x"),
                ]),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // The head sends the first record back with a comment: a new batch holds the other.
        let comment = "Ngày cấp bằng chưa khớp bản gốc, đề nghị kiểm tra lại";
        let left = head
            .post(
                &leave_out,
                &pairs(&[
                    ("_csrf", &token),
                    ("person_id", &first_id),
                    ("cach", "tra_lai"),
                    ("comment", comment),
                ]),
            )
            .await;
        assert_eq!(left.status, StatusCode::SEE_OTHER, "{}", left.body);
        let next_uri = left.location().split('?').next().unwrap().to_string();
        assert_ne!(next_uri, batch_uri);
        let next = head.get(left.location()).await;
        assert!(
            next.body.contains("trả lại cho cán bộ tổ chức"),
            "{}",
            next.body
        );
        assert!(next.body.contains(&second.full_name));
        assert!(!next.body.contains(&first.full_name), "left out");
        assert!(head.get(&batch_uri).await.body.contains("Đã hủy"));
        // The queue no longer offers it; the list of returned records does, with the comment.
        let queue = head.get("/phe-duyet").await;
        let returned = queue
            .body
            .split("id=\"da-tra-lai\"")
            .nth(1)
            .expect("returned list");
        assert!(returned.contains(&first.full_name) && returned.contains(comment));
        let waiting = queue.body.split("id=\"cho-phe-duyet\"").nth(1).unwrap();
        let waiting = waiting.split("id=\"da-tra-lai\"").next().unwrap();
        assert!(!waiting.contains(&first.full_name), "{waiting}");
        // Preparing now leaves it out too; signing a batch that holds it would be refused.
        let again = app
            .prepare_batch(
                &actor(&app, &head_name).await,
                hoso_app::approvals::PrepareBatch {
                    person_ids: Some(vec![first.id]),
                    override_window: None,
                },
                &ClientInfo::default(),
            )
            .await;
        assert!(
            matches!(again, Err(hoso_app::AppError::BadRequest(_))),
            "{again:?}"
        );

        // The HR officer is told on the home page, finds it in the verification queue and on
        // the record, and answers.
        let home = hr.get("/").await;
        assert!(
            home.body.contains("Hồ sơ thủ trưởng trả lại"),
            "{}",
            db.label
        );
        let queue = hr.get("/xac-thuc").await;
        assert!(queue.body.contains("thủ trưởng trả lại") && queue.body.contains(comment));
        let record_uri = format!("/ho-so/{}", first.id);
        let record = hr.get(&record_uri).await;
        assert!(record.body.contains("Thủ trưởng trả lại trước khi ký"));
        assert!(record.body.contains(comment));
        assert_labelled(&record_uri, &record.body);
        let empty = hr
            .post(
                &format!("{record_uri}/gui-lai-phe-duyet"),
                &pairs(&[("_csrf", &hr_token), ("comment", "")]),
            )
            .await;
        assert!(
            hr.get(empty.location())
                .await
                .body
                .contains("Cần trả lời ý kiến")
        );
        let sent = hr
            .post(
                &format!("{record_uri}/gui-lai-phe-duyet"),
                &pairs(&[
                    ("_csrf", &hr_token),
                    ("comment", "Đã đối chiếu bản gốc: ngày cấp đúng"),
                ]),
            )
            .await;
        let after = hr.get(sent.location()).await;
        assert!(after.body.contains("Đã gửi lại hồ sơ"), "{}", after.body);
        assert!(!after.body.contains("Thủ trưởng trả lại trước khi ký"));

        // It waits for the head again.
        let queue = head.get("/phe-duyet").await;
        let waiting = queue.body.split("id=\"cho-phe-duyet\"").nth(1).unwrap();
        assert!(waiting.contains(&first.full_name), "{}", db.label);
        assert!(!queue.body.contains("id=\"da-tra-lai\""));
        // A batch prepared before the head sent the record back does not sign it, even once
        // HR has corrected the record; nor is a record sent back twice.
        let head_actor = actor(&app, &head_name).await;
        let ci = ClientInfo::default();
        let batch_of_first = || hoso_app::approvals::PrepareBatch {
            person_ids: Some(vec![first.id]),
            override_window: None,
        };
        let early = app
            .prepare_batch(&head_actor, batch_of_first(), &ci)
            .await
            .unwrap();
        let again = || hoso_app::approval_returns::ReturnInput {
            comment: Some("Ngày sinh chưa khớp giấy khai sinh".into()),
        };
        app.return_for_correction(&head_actor, first.id, again(), &ci)
            .await
            .unwrap();
        let twice = app
            .return_for_correction(&head_actor, first.id, again(), &ci)
            .await;
        assert!(
            matches!(twice, Err(hoso_app::AppError::Conflict(_))),
            "{twice:?}"
        );
        set_other_names(&app, &hr_actor, first.id, "Tên khác đã sửa").await;
        use base64::Engine;
        let key = base64::engine::general_purpose::STANDARD.encode(std::fs::read(&p12).unwrap());
        let sign = hoso_app::approvals::SignBatch {
            pkcs12: Some(key),
            password: Some(PASSWORD.into()),
            ..Default::default()
        };
        let refused = app
            .sign_batch(&head_actor, early.id, sign.clone(), &ci)
            .await;
        assert!(
            matches!(&refused, Err(hoso_app::AppError::Conflict(m)) if m.contains("trả lại")),
            "{refused:?}"
        );
        // The corrected record is back in the queue, and a fresh batch signs it.
        let fresh = app
            .prepare_batch(&head_actor, batch_of_first(), &ci)
            .await
            .unwrap();
        let signed = app
            .sign_batch(&head_actor, fresh.id, sign, &ci)
            .await
            .unwrap();
        assert_eq!(signed.state, "signed");
        // Every step is in the audit trail.
        let trail = admin_audit_actions(&app, first.id).await;
        for action in ["approval.return", "approval.resubmit", "approval.abandon"] {
            assert!(trail.iter().any(|a| a == action), "{action}: {trail:?}");
        }
    }
}

/// An HR officer's direct edit of a record's other names: a version waiting for approval.
async fn set_other_names(app: &App, hr: &Actor, person_id: i64, names: &str) {
    let view = app
        .get_person(hr, person_id, &ClientInfo::default())
        .await
        .unwrap();
    let mut doc = view.record.clone();
    doc["general"]["other_names"] = serde_json::json!(names);
    app.update_record(
        hr,
        person_id,
        UpdateRecord {
            expected_version: view.current_version,
            record: doc,
            unit_id: None,
            status: None,
            note: None,
        },
        &ClientInfo::default(),
    )
    .await
    .unwrap();
}

/// The audit actions recorded about a person's record or any approval batch.
async fn admin_audit_actions(app: &App, person_id: i64) -> Vec<String> {
    let admin = actor(app, "admin").await;
    let mut out = Vec::new();
    for (kind, id) in [
        ("person", Some(person_id.to_string())),
        ("approval_batch", None),
    ] {
        let q = hoso_app::security::AuditQuery {
            target_kind: Some(kind.into()),
            target_id: id,
            per_page: Some(200),
            ..Default::default()
        };
        let entries = app
            .audit_entries(&admin, q, &ClientInfo::default())
            .await
            .unwrap();
        out.extend(entries.items.into_iter().map(|e| e.action));
    }
    out
}

/// Lạng Sơn's periodic reports on Wed 20/01/2027: each agency's of 15/01 is overdue until its
/// HR officer records it sent; the page filters, sorts, pages, exports, and the home page says
/// how many are overdue.
#[tokio::test]
async fn the_periodic_reports_page_records_a_report_sent_and_filters_and_exports() {
    for db in databases().await {
        let config = hoso_app::Config {
            deadline_preset: "lang-son-2023".into(),
            fixed_today: Some(time::macros::date!(2027 - 01 - 20)),
            ..common::config(&db)
        };
        let app = App::start(config).await.unwrap();
        app.seed_demo(8, PASSWORD, &|_, _| {}).await.unwrap();
        let mut b = signed_in(&app, "admin").await;
        let home = b.get("/").await;
        assert!(
            unescape(&home.body).contains("Báo cáo định kỳ quá hạn, chưa gửi"),
            "{}",
            home.body
        );
        let page = b.get("/bao-cao-dinh-ky?state=overdue").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let text = unescape(&page.body);
        assert!(text.contains("Điều 13 khoản 6"), "{}: {text}", db.label);
        assert!(text.contains("Quá hạn 3 ngày làm việc, chưa gửi"), "{text}");
        // The province's report of 02/02/2026 is overdue too; the first agency's of 15/01/2027
        // comes after it.
        let agency_form = &page.body[page
            .body
            .find("name=\"rule_id\" value=\"lang_son.annual_report_unit\"")
            .expect("an agency's form")..];
        let field = |name: &str| {
            let key = format!("name=\"{name}\" value=\"");
            let start = agency_form.find(&key).unwrap() + key.len();
            agency_form[start..start + agency_form[start..].find('"').unwrap()].to_string()
        };
        let (rule, year, unit) = (field("rule_id"), field("year"), field("unit_id"));
        assert_eq!(
            (rule.as_str(), year.as_str()),
            ("lang_son.annual_report_unit", "2027")
        );
        let form = |sent_on: &str, reference: &str| {
            pairs(&[
                ("_csrf", &csrf_of(&page.body)),
                ("rule_id", &rule),
                ("year", &year),
                ("unit_id", &unit),
                ("sent_on", sent_on),
                ("reference", reference),
                ("note", "Gửi qua hệ thống quản lý văn bản"),
            ])
        };
        // A bad day is told and nothing is recorded.
        let bad = b
            .post("/bao-cao-dinh-ky/ghi-nhan", &form("21/01/2027", "9/BC"))
            .await;
        assert_eq!(bad.status, StatusCode::SEE_OTHER);
        let told = b.get(bad.location()).await;
        assert!(
            unescape(&told.body).contains("ở sau hôm nay"),
            "{}",
            told.body
        );
        let done = b
            .post("/bao-cao-dinh-ky/ghi-nhan", &form("19/01/2027", "9/BC-SXD"))
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let after = b.get(done.location()).await;
        let text = unescape(&after.body);
        assert!(text.contains("Đã ghi nhận báo cáo"), "{text}");
        assert!(text.contains("đã gửi, trễ 2 ngày làm việc"), "{text}");
        assert!(
            text.contains("9/BC-SXD, gửi ngày 19/01/2027"),
            "{}: {text}",
            db.label
        );
        // Still owed: no longer this one (its row was there before).
        let row_id = format!("id=\"bc-{rule}-{year}-{unit}\"");
        assert!(page.body.contains(&row_id));
        let open = b.get("/bao-cao-dinh-ky?state=open").await;
        assert!(!open.body.contains(&row_id), "{}", open.body);
        // Sorted by state, open ones first; the sorted column says so.
        let sorted = b.get("/bao-cao-dinh-ky?sort=state").await;
        assert!(
            sorted.body.contains(
                "aria-sort=\"ascending\"><a href=\"/bao-cao-dinh-ky?sort=state&#38;dir=desc\">"
            ),
            "{}",
            sorted.body
        );
        let csv = b.get("/bao-cao-dinh-ky/xuat-excel?format=csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.contains("9/BC-SXD"), "{}", csv.body);
        assert!(
            csv.body.starts_with("\u{feff}STT,Báo cáo") || csv.body.starts_with("STT,Báo cáo"),
            "{}",
            csv.body
        );
        let xlsx = b.get("/bao-cao-dinh-ky/xuat-excel?state=overdue").await;
        assert_eq!(&xlsx.bytes[..2], b"PK");
        // A bad state is refused with a message, not ignored.
        let bad_state = b.get("/bao-cao-dinh-ky?state=gui").await;
        assert_eq!(bad_state.status, StatusCode::BAD_REQUEST);
    }
}

/// Đồng Tháp's salary dates on Tue 08/12/2026: November's sheets are overdue (the home page
/// says so), December's run to Thu 10/12. The HR officer makes a unit's sheet from the page
/// (a bad payment day is told and nothing is made), opens its lines and downloads them; the
/// duty turns on time; the Sở Tài chính's consolidation closes the month.
#[tokio::test]
async fn the_payroll_page_makes_a_months_sheet_shows_and_exports_it_and_consolidates() {
    for db in databases().await {
        let config = hoso_app::Config {
            deadline_preset: "dong-thap-2024".into(),
            fixed_today: Some(time::macros::date!(2026 - 12 - 08)),
            ..common::config(&db)
        };
        let app = App::start(config).await.unwrap();
        app.seed_demo(8, PASSWORD, &|_, _| {}).await.unwrap();
        let mut b = signed_in(&app, "admin").await;
        let home = unescape(&b.get("/").await.body);
        assert!(
            home.contains("Bảng lương tháng quá hạn, chưa lập"),
            "{home}"
        );
        let page = b.get("/bang-luong").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let text = unescape(&page.body);
        assert!(text.contains("Điều 17 khoản 1"), "{}: {text}", db.label);
        assert!(text.contains("Còn 2 ngày làm việc"), "{text}");
        // The first agency the form offers (an option indented once: right under the province).
        let unit = page
            .body
            .split("<option value=\"")
            .skip(1)
            .filter(|o| o.starts_with(|c: char| c.is_ascii_digit()))
            .find(|o| {
                o.split('>')
                    .nth(1)
                    .is_some_and(|l| l.starts_with("— ") && !l.starts_with("— — "))
            })
            .and_then(|o| o.split('"').next())
            .expect("an agency to make a sheet for")
            .to_string();
        let form = |paid_on: &str| {
            pairs(&[
                ("_csrf", &csrf_of(&page.body)),
                ("unit_id", &unit),
                ("period", "2026-12"),
                ("paid_on", paid_on),
                ("note", ""),
            ])
        };
        let bad = b.post("/bang-luong/lap", &form("01/03/2027")).await;
        assert_eq!(bad.status, StatusCode::SEE_OTHER);
        let told = unescape(&b.get(bad.location()).await.body);
        assert!(told.contains("không gần tháng 12/2026"), "{told}");
        assert!(told.contains("Chưa có bảng lương tháng 12/2026"), "{told}");
        let done = b.post("/bang-luong/lap", &form("05/12/2026")).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let after = b.get(done.location()).await;
        let text = unescape(&after.body);
        assert!(text.contains("Đã lập bảng lương tháng 12/2026"), "{text}");
        assert!(text.contains("Đã lập đúng hạn"), "{text}");
        let sheet = after
            .body
            .split("href=\"/bang-luong/")
            .skip(1)
            .filter_map(|h| h.split('"').next())
            .find(|id| id.chars().all(|c| c.is_ascii_digit()))
            .expect("a link to the sheet")
            .to_string();
        let shown = b.get(&format!("/bang-luong/{sheet}")).await;
        assert_eq!(shown.status, StatusCode::OK);
        let lines = unescape(&shown.body);
        assert!(lines.contains("Lương cơ sở"), "{lines}");
        assert!(lines.contains("2.530.000 đ"), "{lines}");
        assert!(lines.contains("id=\"dong-luong\""));
        let csv = b
            .get(&format!("/bang-luong/{sheet}/tai-ve?format=csv"))
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.contains("Họ và tên"), "{}", csv.body);
        assert!(csv.body.contains("2530000"), "{}", csv.body);
        let xlsx = b.get(&format!("/bang-luong/{sheet}/tai-ve")).await;
        assert_eq!(&xlsx.bytes[..2], b"PK");
        let duties = b.get("/bang-luong/xuat-excel?format=csv").await;
        assert!(duties.body.contains("Điều 17 khoản 3"), "{}", duties.body);
        // The consolidation of December, once.
        let consolidate = pairs(&[
            ("_csrf", &csrf_of(&page.body)),
            ("period", "2026-12"),
            ("note", ""),
        ]);
        let closed = b.post("/bang-luong/tong-hop", &consolidate).await;
        assert_eq!(closed.status, StatusCode::SEE_OTHER);
        let closed = unescape(&b.get(closed.location()).await.body);
        assert!(
            closed.contains("Đã tổng hợp bảng lương tháng 12/2026: 1/"),
            "{closed}"
        );
        let again = b.post("/bang-luong/lap", &form("05/12/2026")).await;
        let again = unescape(&b.get(again.location()).await.body);
        assert!(again.contains("đã được tổng hợp"), "{again}");
        let bad_state = b.get("/bang-luong?state=xong").await;
        assert_eq!(bad_state.status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn a_search_is_saved_from_its_page_shared_with_a_unit_and_deleted() {
    for db in databases().await {
        let app = demo_app(&db, 20).await;
        let mut b = signed_in(&app, "admin").await;
        // The staff list offers to save what it shows.
        let staff = b.get("/can-bo?q=nguyen").await;
        assert_eq!(staff.status, StatusCode::OK);
        let save = unescape(&staff.body)
            .split("href=\"")
            .find(|h| h.starts_with("/tim-kiem-da-luu?luu=/can-bo%3Fq%3Dnguyen"))
            .and_then(|h| h.split('"').next())
            .map(str::to_string)
            .expect("a link to save the search");
        let form = b.get(&save).await;
        assert_eq!(form.status, StatusCode::OK);
        let fields = form_fields(&form.body);
        let link = fields["link"][0].clone();
        assert!(
            link.starts_with("/can-bo?q=nguyen&"),
            "{}: {link}",
            db.label
        );
        // The province's top unit is offered for sharing.
        let unit = form.body[form.body.find("name=\"share\"").unwrap()..]
            .split("<option value=\"")
            .nth(2)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        assert!(unit.parse::<i64>().is_ok(), "{unit}");
        let post = |name: &str, share: &str| {
            pairs(&[
                ("_csrf", &csrf_of(&form.body)),
                ("link", &link),
                ("name", name),
                ("share", share),
            ])
        };
        // An address off this site is neither offered nor shown as a link.
        let off = b
            .get("/tim-kiem-da-luu?luu=https://example.com/can-bo")
            .await;
        let text = unescape(&off.body);
        assert!(text.contains("Không lưu được địa chỉ này"), "{text}");
        assert!(!text.contains("href=\"https://example.com"), "{text}");
        assert!(!text.contains("name=\"link\""), "{text}");
        // No name: told, nothing saved, the form still there.
        let bad = b.post("/tim-kiem-da-luu", &post("  ", "")).await;
        assert_eq!(bad.status, StatusCode::SEE_OTHER);
        let told = b.get(bad.location()).await;
        let text = unescape(&told.body);
        assert!(text.contains("Đặt tên cho tìm kiếm"), "{text}");
        assert!(
            text.contains(&format!("name=\"link\" value=\"{link}\"")),
            "{text}"
        );
        assert!(text.contains("Chưa có tìm kiếm nào được lưu"), "{text}");
        // Saved and shared; the same name again is refused.
        let done = b.post("/tim-kiem-da-luu", &post("Họ Nguyễn", &unit)).await;
        let listed = unescape(&b.get(done.location()).await.body);
        assert!(
            listed.contains("Đã lưu «Họ Nguyễn» và chia sẻ với"),
            "{listed}"
        );
        assert!(
            listed.contains(&format!("<a href=\"{link}\">Họ Nguyễn</a>")),
            "{listed}"
        );
        let again = b.post("/tim-kiem-da-luu", &post("Họ Nguyễn", "")).await;
        let told = unescape(&b.get(again.location()).await.body);
        assert!(
            told.contains("Bạn đã lưu một tìm kiếm tên «Họ Nguyễn»"),
            "{told}"
        );
        // The leader sees it shared, without a delete button.
        let mut leader = signed_in(&app, "lanhdao").await;
        let theirs = unescape(&leader.get("/tim-kiem-da-luu").await.body);
        assert!(
            theirs.contains("Được chia sẻ với"),
            "{}: {theirs}",
            db.label
        );
        assert!(!theirs.contains("/xoa\""), "{theirs}");
        // Its owner deletes it.
        let id = listed
            .split("action=\"/tim-kiem-da-luu/")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap()
            .to_string();
        let gone = b
            .post(
                &format!("/tim-kiem-da-luu/{id}/xoa"),
                &pairs(&[("_csrf", &csrf_of(&form.body))]),
            )
            .await;
        let after = unescape(&b.get(gone.location()).await.body);
        assert!(after.contains("Đã xóa tìm kiếm đã lưu."), "{after}");
        assert!(after.contains("Chưa có tìm kiếm nào được lưu"), "{after}");
    }
}

#[tokio::test]
async fn the_home_page_shows_joining_and_leaving_over_the_last_twelve_months() {
    let today = hoso_store::testing::today();
    for db in databases().await {
        let app = demo_app(&db, 30).await;
        let admin = common::Client::login(&app, "admin").await;
        let unit = admin.get("/api/v1/persons?per_page=1").await.body["items"][0]["unit_id"]
            .as_i64()
            .unwrap();
        let month_back = |n: i32| {
            let index = today.year() * 12 + i32::from(u8::from(today.month())) - 1 - n;
            format!(
                "{:04}-{:02}",
                index.div_euclid(12),
                index.rem_euclid(12) + 1
            )
        };
        // Someone recruited two months ago, someone retired five months ago, and one recruited
        // thirteen months ago (outside the twelve).
        for (i, (kind, back)) in [("tuyen_dung", 2), ("nghi_huu", 5), ("tuyen_dung", 13)]
            .into_iter()
            .enumerate()
        {
            let record = hoso_domain::schema::fixtures::RecordBuilder::civil_servant()
                .national_id(&format!("020185{:06}", 800_000 + i))
                .push_row(
                    "personnel_events",
                    serde_json::json!({"event_type": kind,
                                       "effective_date": format!("{}-10", month_back(back))}),
                )
                .build();
            let r = admin
                .post(
                    "/api/v1/persons",
                    serde_json::json!({"unit_id": unit, "record": record}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}: {}", db.label, r.body);
        }
        // What the records say, month by month.
        let mut expected: HashMap<String, (i64, i64)> = HashMap::new();
        let list = admin.get("/api/v1/persons?per_page=100").await;
        for item in list.body["items"].as_array().unwrap() {
            let id = item["id"].as_i64().unwrap();
            let doc = admin.get(&format!("/api/v1/persons/{id}")).await.body["record"].clone();
            for row in doc["personnel_events"].as_array().into_iter().flatten() {
                let day = row["effective_date"].as_str().unwrap_or_default();
                if day.len() < 7 || day > today.to_string().as_str() {
                    continue;
                }
                let entry = expected.entry(day[..7].to_string()).or_default();
                match row["event_type"].as_str().unwrap_or_default() {
                    "tuyen_dung" | "tiep_nhan" => entry.1 += 1,
                    "nghi_huu" | "thoi_viec" => entry.0 += 1,
                    _ => {}
                }
            }
        }
        let mut b = signed_in(&app, "admin").await;
        let home = b.get("/").await;
        let html = &home.body[home.body.find("id=\"tang-giam\"").expect("the trend")..];
        let html = &html[..html.find("</table>").unwrap()];
        let rows: Vec<&str> = html.split("<tr>").skip(2).collect();
        assert_eq!(rows.len(), 12, "{}", db.label);
        for (row, back) in rows.iter().zip((0..12).rev()) {
            let month = month_back(back);
            let (left, joined) = expected.get(&month).copied().unwrap_or_default();
            let label = format!("<th scope=\"row\">{}/{}</th>", &month[5..], &month[..4]);
            assert!(row.contains(&label), "{}: {label} in {row}", db.label);
            assert!(
                row.contains(&format!("<td class=\"n\">{left}</td>")),
                "{month}: {row}"
            );
            assert!(
                row.contains(&format!("<td class=\"n left\">{joined}</td>")),
                "{month}: {row}"
            );
        }
        let (left, joined) = expected[&month_back(5)];
        assert!(
            left >= 1 && expected[&month_back(2)].1 >= 1,
            "{left} {joined}"
        );
    }
}

#[tokio::test]
async fn the_home_page_shows_the_people_at_work_at_each_month_end_as_their_records_stood() {
    let today = hoso_store::testing::today();
    for db in databases().await {
        let app = demo_app(&db, 30).await;
        let admin = common::Client::login(&app, "admin").await;
        // Someone entered today already retired, a hundred days ago by their record.
        let unit = admin.get("/api/v1/persons?per_page=1").await.body["items"][0]["unit_id"]
            .as_i64()
            .unwrap();
        let record = hoso_domain::schema::fixtures::RecordBuilder::civil_servant()
            .national_id("020165900001")
            .born("1965-02-01")
            .push_row(
                "personnel_events",
                serde_json::json!({"event_type": "nghi_huu",
                                   "effective_date": (today - time::Duration::days(100)).to_string()}),
            )
            .build();
        let r = admin
            .post(
                "/api/v1/persons",
                serde_json::json!({"unit_id": unit, "status": "retired", "record": record}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", db.label, r.body);
        // Counted here from the documents: a record entered today describes its person from
        // their recruitment (none written: from today); one entered retired or resigned, at
        // work until the day of its last nghỉ hưu or thôi việc row.
        let days = hoso_domain::calendar::month_ends_to(today, 12);
        let mut expected = vec![0i64; days.len()];
        let mut gone = 0;
        let list = admin.get("/api/v1/persons?per_page=100").await;
        for item in list.body["items"].as_array().unwrap() {
            let id = item["id"].as_i64().unwrap();
            let doc = admin.get(&format!("/api/v1/persons/{id}")).await.body["record"].clone();
            let since = doc["recruitment"]["first_recruitment_date"]
                .as_str()
                .map_or(today.to_string(), str::to_string)
                .min(today.to_string());
            let left_kind = match item["status"].as_str().unwrap() {
                "working" => None,
                "retired" => Some("nghi_huu"),
                "resigned" => Some("thoi_viec"),
                _ => continue,
            };
            let until = match left_kind {
                None => None,
                Some(kind) => {
                    let left = doc["personnel_events"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|r| r["event_type"] == kind)
                        .filter_map(|r| r["effective_date"].as_str())
                        .max()
                        .map(str::to_string);
                    match left {
                        Some(left) if left > since => {
                            gone += 1;
                            Some(left)
                        }
                        _ => continue,
                    }
                }
            };
            for (n, day) in expected.iter_mut().zip(&days) {
                let day = day.to_string();
                if since <= day && until.as_ref().is_none_or(|u| day < *u) {
                    *n += 1;
                }
            }
        }
        assert!(gone > 0, "{}: someone entered already gone", db.label);
        let mut b = signed_in(&app, "admin").await;
        let home = b.get("/").await;
        let html = &home.body[home
            .body
            .find("id=\"dang-cong-tac-theo-thang\"")
            .expect("the monthly headcount")..];
        let html = &html[..html.find("</ul>").unwrap()];
        let bars: Vec<&str> = html.split("<li>").skip(1).collect();
        assert_eq!(bars.len(), 12, "{}", db.label);
        for ((bar, day), n) in bars.iter().zip(&days).zip(&expected) {
            let label = format!("{:02}/{}", u8::from(day.month()), day.year());
            assert!(bar.contains(&format!(">{label}</a>")), "{label} in {bar}");
            assert!(
                bar.contains(&format!("<span class=\"bar-n\">{n}</span>")),
                "{}: {day}: {n} in {bar}",
                db.label
            );
            // Each opens that day's headcount by unit.
            assert!(
                bar.contains(&format!("/bao-cao?ngay={day}&amp;nhom=unit"))
                    || bar.contains(&format!("/bao-cao?ngay={day}&#38;nhom=unit")),
                "{bar}"
            );
        }
        let report = b
            .get(&format!(
                "/bao-cao?ngay={}&nhom=unit&f_cot=status&f_op=eq&f_gt=working",
                days[0]
            ))
            .await;
        assert_eq!(report.status, StatusCode::OK, "{}", db.label);
    }
}

/// Issue 12: the annual report an agency sends is signed by its head like an approval batch.
/// Recording it sent freezes what it says (the agency's headcount by ngạch that day) as a
/// manifest; the head opens it from the list, signs it with the key file, and the signature is
/// verified, kept and shown. Another unit's head cannot sign it, a bad key changes nothing,
/// and a report is signed once.
#[tokio::test]
async fn the_head_signs_the_annual_report_of_their_agency() {
    for db in databases().await {
        let today = time::macros::date!(2027 - 01 - 20);
        let (root, p12) = hoso_app::demo::ensure_demo_pki(
            &db.dir.path().join("demo-pki"),
            PASSWORD,
            hoso_app::Clock::on(today),
        )
        .unwrap();
        let config = hoso_app::Config {
            deadline_preset: "lang-son-2023".into(),
            trusted_roots_file: Some(root),
            fixed_today: Some(today),
            ..common::config(&db)
        };
        let app = App::start(config).await.unwrap();
        app.seed_demo(16, PASSWORD, &|_, _| {}).await.unwrap();
        let admin = actor(&app, "admin").await;
        let ci = ClientInfo::default();
        // Two agencies with people: the first one's report is signed, the second's head tries.
        let people = app
            .list_persons(&admin, PersonQuery::default())
            .await
            .unwrap()
            .items;
        let mut conn = app.store().reader().await.unwrap();
        let mut agencies: Vec<hoso_store::org::OrgUnitRow> = Vec::new();
        for p in &people {
            let mut unit = hoso_store::org::get(&mut conn, p.unit_id)
                .await
                .unwrap()
                .unwrap();
            while unit.depth > 1 {
                unit = hoso_store::org::get(&mut conn, unit.parent_id.unwrap())
                    .await
                    .unwrap()
                    .unwrap();
            }
            if !agencies.iter().any(|a| a.id == unit.id) {
                agencies.push(unit);
            }
        }
        drop(conn);
        assert!(agencies.len() >= 2, "{}", db.label);
        let (agency, other) = (&agencies[0], &agencies[1]);
        let (hr_name, head_name) = common::demo_hr_and_head(&app, agency.id).await;
        let (_, other_head) = common::demo_hr_and_head(&app, other.id).await;

        // The agency's HR officer records the report sent.
        let hr = actor(&app, &hr_name).await;
        let row = app
            .record_report_sent(
                &hr,
                &hoso_app::periodic_reports::RecordReportSent {
                    rule_id: "lang_son.annual_report_unit".into(),
                    year: 2027,
                    unit_id: agency.id,
                    sent_on: "2027-01-14".into(),
                    reference: "15/BC-TCCB".into(),
                    note: None,
                },
                &ci,
            )
            .await
            .unwrap();
        let id = row.submission_id.expect("the recorded report's id");
        assert!(row.signed_by.is_none());

        // What it says: the agency's working people by ngạch, as the staff list counts them.
        let working = app
            .list_persons(
                &admin,
                PersonQuery {
                    unit: Some(agency.id),
                    status: Some("working".into()),
                    per_page: Some(100),
                    ..PersonQuery::default()
                },
            )
            .await
            .unwrap();
        let mut by_rank: HashMap<String, i64> = HashMap::new();
        for p in &working.items {
            *by_rank
                .entry(p.rank_or_title_code.clone().unwrap_or_default())
                .or_default() += 1;
        }
        let view = app.periodic_report(&admin, id, &ci).await.unwrap();
        let manifest = view.manifest.expect("a manifest");
        assert_eq!(manifest.total, working.total, "{}", db.label);
        let counted: HashMap<String, i64> = manifest
            .headcount
            .iter()
            .map(|l| (l.code.clone(), l.count))
            .collect();
        assert_eq!(counted, by_rank, "{}", db.label);
        assert_eq!(manifest.reference, "15/BC-TCCB");

        // The list links to it; the head is offered to sign, the HR officer only to look.
        let mut head = signed_in(&app, &head_name).await;
        let list = head.get("/bao-cao-dinh-ky").await;
        assert!(
            list.body.contains(&format!(
                "<a href=\"/bao-cao-dinh-ky/{id}\">Xem và ký số</a>"
            )),
            "{}: {}",
            db.label,
            list.body
        );
        let mut hr_browser = signed_in(&app, &hr_name).await;
        let hr_page = hr_browser.get(&format!("/bao-cao-dinh-ky/{id}")).await;
        assert_eq!(hr_page.status, StatusCode::OK);
        assert!(hr_page.body.contains("Chưa ký số"));
        assert!(!hr_page.body.contains("name=\"mode\""));
        let page = head.get(&format!("/bao-cao-dinh-ky/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_labelled(&format!("/bao-cao-dinh-ky/{id}"), &page.body);
        let text = unescape(&page.body);
        assert!(text.contains("15/BC-TCCB"), "{text}");
        assert!(
            text.contains(&format!(
                "<tfoot><tr><th scope=\"row\" colspan=\"2\">Tổng cộng</th><th class=\"num\">{}</th>",
                working.total
            )),
            "{text}"
        );
        let token = csrf_of(&page.body);

        // The manifest served is the one the page shows, byte for byte what is signed.
        let api_head = common::Client::login(&app, &head_name).await;
        let served = api_head
            .get(&format!("/api/v1/periodic-reports/{id}/manifest"))
            .await;
        assert_eq!(served.status, StatusCode::OK);
        assert_eq!(served.body["total"], working.total);

        // Another agency's head: refused before anything about the report (403: they see the
        // province's units but do not approve this one), and nothing is signed.
        let other_actor = actor(&app, &other_head).await;
        let refused = app
            .sign_periodic_report(&other_actor, id, Default::default(), &ci)
            .await;
        assert!(
            matches!(
                refused,
                Err(hoso_app::AppError::Forbidden | hoso_app::AppError::NotFound(_))
            ),
            "{refused:?}"
        );
        // A key file with the wrong password: told, nothing signed.
        let key = std::fs::read(&p12).unwrap();
        let sign_uri = format!("/bao-cao-dinh-ky/{id}/ky");
        let wrong = head
            .post_file(
                &sign_uri,
                &[
                    ("_csrf", &token),
                    ("mode", "pkcs12"),
                    ("password", "sai-mat-khau"),
                ],
                "thu-truong-mau.p12",
                &key,
            )
            .await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
        assert!(wrong.body.contains("role=\"alert\""), "{}", wrong.body);
        assert!(
            app.periodic_report(&admin, id, &ci)
                .await
                .unwrap()
                .signed_by
                .is_none()
        );
        // Signed with the right one.
        let signed = head
            .post_file(
                &sign_uri,
                &[
                    ("_csrf", &token),
                    ("mode", "pkcs12"),
                    ("password", PASSWORD),
                ],
                "thu-truong-mau.p12",
                &key,
            )
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        let after = head.get(signed.location()).await;
        let text = unescape(&after.body);
        assert!(text.contains("Đã ký số báo cáo"), "{text}");
        assert!(text.contains("Đã ký số</span>"), "{text}");
        assert!(!text.contains("name=\"mode\""), "{text}");
        let view = app.periodic_report(&admin, id, &ci).await.unwrap();
        assert!(view.signed_by.is_some_and(|s| !s.is_empty()));
        // The signature is served and verifies over the manifest with the province's roots.
        let bytes = |uri: String| {
            let api = &api_head;
            async move {
                let (status, _, body) = api
                    .exchange_bytes("GET", &uri, "application/json", Vec::new())
                    .await;
                assert_eq!(status, StatusCode::OK, "{uri}");
                body
            }
        };
        let der = bytes(format!("/api/v1/periodic-reports/{id}/signature")).await;
        let roots = hoso_app::signing::read_roots(
            &std::fs::read(app.config().trusted_roots_file.as_ref().unwrap()).unwrap(),
        )
        .unwrap();
        let manifest_bytes = bytes(format!("/api/v1/periodic-reports/{id}/manifest")).await;
        hoso_app::signing::verify_detached(
            &der,
            &manifest_bytes,
            &roots,
            hoso_app::Clock::on(today).now_seconds(),
        )
        .expect("the stored signature verifies");
        // Once only.
        let again = app
            .sign_periodic_report(
                &actor(&app, &head_name).await,
                id,
                hoso_app::periodic_reports::SignReport {
                    pkcs12: Some(base64::Engine::encode(
                        &base64::engine::general_purpose::STANDARD,
                        &key,
                    )),
                    password: Some(PASSWORD.into()),
                    ..Default::default()
                },
                &ci,
            )
            .await;
        assert!(
            matches!(&again, Err(hoso_app::AppError::Conflict(m)) if m.contains("đã được ký")),
            "{again:?}"
        );
        // The list and its export say who signed.
        let list = head.get("/bao-cao-dinh-ky").await;
        assert!(unescape(&list.body).contains("Đã ký số: "), "{}", db.label);
        let csv = head.get("/bao-cao-dinh-ky/xuat-excel?format=csv").await;
        assert!(
            csv.body.contains("Chữ ký số của thủ trưởng"),
            "{}",
            csv.body
        );
    }
}
