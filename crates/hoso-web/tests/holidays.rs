//! The holiday schedule through the API and the `/lich-nghi` page: everyone reads, the system
//! administrator amends, bad schedules are refused naming the line and change nothing.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Client, databases, demo_app};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

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

/// A page request with the session cookie of `client` (as a browser sends it).
async fn page(
    client: &Client,
    method: &str,
    uri: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let token = client.token.clone().unwrap();
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, format!("hoso_session={token}"));
    let body = if method == "POST" {
        req = req
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, "http://localhost");
        let mut pairs = vec![format!("_csrf={}", hoso_web::pages::csrf_token(&token))];
        pairs.extend(form.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))));
        Body::from(pairs.join("&"))
    } else {
        Body::empty()
    };
    let resp = client
        .router
        .clone()
        .oneshot(req.header(header::HOST, "localhost").body(body).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        String::from_utf8_lossy(&bytes).into_owned(),
        location,
    )
}

#[tokio::test]
async fn api_and_page() {
    for db in databases().await {
        let app = demo_app(&db, 2).await;
        let admin = Client::login(&app, "admin").await;
        let leader = Client::login(&app, "lanhdao").await;

        // API: read a year, refuse a bad one naming the line, accept a good one.
        let y = leader.get("/api/v1/holidays/2027").await;
        assert_eq!(y.status, StatusCode::OK, "{}", y.body);
        assert_eq!(y.body["origin"], "computed");
        let tsv = y.body["tsv"].as_str().unwrap().to_string();
        let line = tsv.lines().count() + 1;
        let bad = admin
            .send_json(
                "PUT",
                "/api/v1/holidays/2027",
                json!({"tsv": format!("{tsv}2027\t2027-13-01\tholiday\tSai\t\n"), "decision_ref": "TB 1"}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
        assert_eq!(
            bad.error_message(),
            format!(
                "Dòng {line}: ngày «2027-13-01» không tồn tại hoặc sai định dạng (cần yyyy-mm-dd)"
            )
        );
        assert_eq!(
            leader.get("/api/v1/holidays/2027").await.body["origin"],
            "computed",
            "nothing changed"
        );
        let forbidden = leader
            .send_json(
                "PUT",
                "/api/v1/holidays/2027",
                json!({"tsv": tsv, "decision_ref": "TB 1"}),
            )
            .await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
        let ok = admin
            .send_json(
                "PUT",
                "/api/v1/holidays/2027",
                json!({"tsv": format!("{tsv}2027\t2027-11-24\tholiday\tNgày Văn hóa Việt Nam\tNQ thử\n"), "decision_ref": "TB 1"}),
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        assert_eq!(ok.body["origin"], "amended");
        let added = admin
            .post(
                "/api/v1/holidays/2027/days",
                json!({"date": "2027-12-24", "kind": "swap_day_off", "name": "Nghỉ hoán đổi thử", "decision_ref": "TB 2"}),
            )
            .await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.body);
        let gone = admin
            .send_json(
                "DELETE",
                "/api/v1/holidays/2027/days/2027-12-24?decision_ref=TB%203",
                serde_json::Value::Null,
            )
            .await;
        assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
        assert!(
            !gone.body["days"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["date"] == "2027-12-24")
        );

        // The page: everyone reads it; only the administrator sees the forms.
        let (status, html, _) = page(&leader, "GET", "/lich-nghi?nam=2027", &[]).await;
        assert_eq!(status, StatusCode::OK, "{}: {html}", db.label);
        assert!(html.contains("Lịch nghỉ lễ, Tết năm 2027"));
        assert!(html.contains("24/11/2027") && html.contains("Ngày Văn hóa Việt Nam"));
        assert!(html.contains("Đã được quản trị hệ thống điều chỉnh"));
        assert!(!html.contains("Sửa cả năm"));
        let (status, html, _) = page(&admin, "GET", "/lich-nghi?nam=2028", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Sửa cả năm") && html.contains("chưa có lịch công bố"));

        // A day added through the page (dd/mm/yyyy), then a refused one with the reason shown.
        let (status, _, location) = page(
            &admin,
            "POST",
            "/lich-nghi/them",
            &[
                ("nam", "2028"),
                ("date", "24/11/2028"),
                ("kind", "holiday"),
                ("name", "Ngày Văn hóa Việt Nam"),
                ("source", ""),
                ("decision_ref", "NQ 5"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}", db.label);
        assert_eq!(location, "/lich-nghi?nam=2028&ok=them");
        let (_, html, _) = page(&admin, "GET", &location, &[]).await;
        assert!(html.contains("Đã thêm ngày vào lịch nghỉ."));
        assert!(html.contains("24/11/2028"));
        let (status, html, _) = page(
            &admin,
            "POST",
            "/lich-nghi/them",
            &[
                ("nam", "2028"),
                ("date", "25/11/2028"),
                ("kind", "swap_day_off"),
                ("name", "Thứ Bảy"),
                ("source", ""),
                ("decision_ref", "NQ 6"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            html.contains("Dòng 1: ngày 25/11/2028 (swap_day_off) rơi vào thứ Bảy/Chủ nhật"),
            "{html}"
        );
        // The whole year with a wrong line: refused, the text kept for correction.
        let (status, html, _) = page(
            &admin,
            "POST",
            "/lich-nghi",
            &[
                ("nam", "2028"),
                ("tsv", "2028\t2028-01-01\tholiday\tTết Dương lịch\t\r\n2028\t2028-02-31\tholiday\tSai\t\r\n"),
                ("decision_ref", "TB 7"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            html.contains("Dòng 2: ngày «2028-02-31» không tồn tại"),
            "{html}"
        );
        assert!(html.contains("2028-02-31\tholiday\tSai"));
        // The leader cannot post.
        let (status, _, _) = page(
            &leader,
            "POST",
            "/lich-nghi/xoa",
            &[
                ("nam", "2028"),
                ("date", "2028-11-24"),
                ("decision_ref", "X"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, location) = page(
            &admin,
            "POST",
            "/lich-nghi/xoa",
            &[
                ("nam", "2028"),
                ("date", "2028-11-24"),
                ("decision_ref", "NQ 8"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, "/lich-nghi?nam=2028&ok=xoa");
        assert!(
            app.calendar()
                .is_working_day(time::macros::date!(2028 - 11 - 24))
        );
    }
}
