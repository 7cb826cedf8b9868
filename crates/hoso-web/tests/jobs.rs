//! Background jobs through the API and the `/quan-tri/cong-viec` page, on every database: the
//! system administrator lists runs with their progress, retries a failed one and cancels a
//! queued one; the list refreshes itself only while a run waits or runs; others are refused.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Client, databases, demo_app};
use hoso_app::App;
use http_body_util::BodyExt;
use tower::ServiceExt;

struct PageReply {
    status: StatusCode,
    body: String,
    location: String,
}

/// A page request with the session cookie of `client` (as a browser sends it); `htmx` adds the
/// header htmx sends; a POST carries the form token unless `csrf` is false.
async fn page(client: &Client, method: &str, uri: &str, htmx: bool, csrf: bool) -> PageReply {
    let token = client.token.clone().unwrap();
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::ACCEPT, "text/html")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, format!("hoso_session={token}"));
    if htmx {
        req = req.header("hx-request", "true");
    }
    let body = if method == "POST" {
        req = req
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, "http://localhost");
        if csrf {
            Body::from(format!("_csrf={}", hoso_web::pages::csrf_token(&token)))
        } else {
            Body::empty()
        }
    } else {
        Body::empty()
    };
    let resp = client
        .router
        .clone()
        .oneshot(req.body(body).unwrap())
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
    PageReply {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        location,
    }
}

/// A queued run that no node claims yet (due tomorrow on the real clock) and a failed one.
async fn queued_and_failed(app: &App) -> (i64, i64) {
    use hoso_store::jobs;
    let now = hoso_store::now_ms();
    let store = app.store();
    let mut tx = store.begin().await.unwrap();
    let new = |key: &'static str, run_after: i64| jobs::NewJob {
        kind: "alerts.daily",
        dedup_key: Some(key),
        params: r#"{"day":"2000-01-01"}"#,
        max_attempts: 1,
        run_after,
        created_by: None,
    };
    let (queued, _) = jobs::enqueue(&mut tx, &new("test:queued", now + 86_400_000), now)
        .await
        .unwrap();
    let (failed, _) = jobs::enqueue(&mut tx, &new("test:failed", 0), now)
        .await
        .unwrap();
    let claimed = jobs::claim_next(
        &mut tx,
        store.backend(),
        "node-t",
        &["alerts.daily"],
        now,
        60_000,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(claimed.id, failed);
    jobs::fail(&mut tx, failed, "node-t", "Máy chủ thư không trả lời", now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (queued, failed)
}

fn has_dd_mm_yyyy_hh_mm(html: &str) -> bool {
    html.split("Tạo: ").skip(1).any(|rest| {
        let b = rest.as_bytes();
        rest.len() >= 16
            && b[2] == b'/'
            && b[5] == b'/'
            && b[10] == b' '
            && b[13] == b':'
            && [0, 1, 3, 4, 6, 7, 8, 9, 11, 12, 14, 15]
                .iter()
                .all(|&i| b[i].is_ascii_digit())
    })
}

#[tokio::test]
async fn the_api_lists_shows_retries_and_cancels_runs_for_the_system_administrator_only() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        app.enqueue_daily_jobs().await.unwrap();
        let ran = app.run_next_job("node-a").await.unwrap().unwrap();
        let admin = Client::login(&app, "admin").await;
        let leader = Client::login(&app, "lanhdao").await;

        let r = admin.get("/api/v1/jobs").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        assert_eq!(r.body["total"], 1);
        let item = &r.body["items"][0];
        assert_eq!(item["id"], ran.id);
        assert_eq!(item["kind"], "alerts.daily");
        assert_eq!(item["kind_label"], "Tính cảnh báo hằng ngày");
        assert_eq!(item["status"], "succeeded");
        assert_eq!(item["status_label"], "Hoàn thành");
        assert_eq!(item["progress_done"], item["progress_total"]);
        assert!(item["progress_done"].as_i64().unwrap() > 0);
        assert_eq!(item["can_retry"], false);

        let r = admin.get("/api/v1/jobs?status=failed").await;
        assert_eq!(
            (r.status, r.body["total"].as_i64()),
            (StatusCode::OK, Some(0))
        );
        let r = admin.get("/api/v1/jobs?status=xong").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            r.error_message(),
            "Trạng thái việc nền 'xong' không tồn tại."
        );
        let r = leader.get("/api/v1/jobs?status=xong").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "rights before the filter");

        let r = admin.get(&format!("/api/v1/jobs/{}", ran.id)).await;
        assert_eq!(
            (r.status, r.body["id"].as_i64()),
            (StatusCode::OK, Some(ran.id))
        );
        let r = admin.get("/api/v1/jobs/999999").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.error_message(), "Không tìm thấy việc nền.");
        let r = admin
            .post(
                &format!("/api/v1/jobs/{}/retry", ran.id),
                serde_json::Value::Null,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(r.error_code(), "conflict");
        assert!(r.error_message().contains("Hoàn thành"), "{}", r.body);

        let (queued, failed) = queued_and_failed(&app).await;
        let r = leader
            .post(
                &format!("/api/v1/jobs/{failed}/retry"),
                serde_json::Value::Null,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = admin
            .post(
                &format!("/api/v1/jobs/{failed}/retry"),
                serde_json::Value::Null,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            (r.body["status"].as_str(), r.body["attempts"].as_i64()),
            (Some("queued"), Some(0))
        );
        let r = admin
            .post(
                &format!("/api/v1/jobs/{queued}/cancel"),
                serde_json::Value::Null,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["status"], "cancelled");
        let r = admin
            .get("/api/v1/jobs?status=cancelled&kind=alerts.daily")
            .await;
        assert_eq!(r.body["total"], 1);
        assert_eq!(r.body["items"][0]["id"], queued);
    }
}

#[tokio::test]
async fn the_page_shows_progress_and_refreshes_while_runs_wait_or_run() {
    for db in databases().await {
        let app = demo_app(&db, 3).await;
        app.enqueue_daily_jobs().await.unwrap();
        let ran = app.run_next_job("node-a").await.unwrap().unwrap();
        let total = ran.progress_total.unwrap();
        let admin = Client::login(&app, "admin").await;
        let leader = Client::login(&app, "lanhdao").await;

        // Finished runs only: a full bar, Vietnamese labels and times, no self-refresh.
        let p = page(&admin, "GET", "/quan-tri/cong-viec", false, false).await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", db.label, p.body);
        assert!(p.body.contains("<h1>Việc nền</h1>"));
        assert!(
            p.body
                .contains(r#"href="/quan-tri/cong-viec" aria-current="page""#)
        );
        assert!(p.body.contains("Tính cảnh báo hằng ngày"));
        assert!(p.body.contains(">Hoàn thành</span>"));
        assert!(
            p.body
                .contains(&format!(r#"<progress value="{total}" max="{total}""#)),
            "{}",
            p.body
        );
        assert!(p.body.contains("1/5"), "attempts");
        assert!(has_dd_mm_yyyy_hh_mm(&p.body), "{}", p.body);
        assert!(!p.body.contains("every 5s"));

        // A queued and a failed run: the list refreshes itself, with the actions offered.
        let (queued, failed) = queued_and_failed(&app).await;
        let p = page(&admin, "GET", "/quan-tri/cong-viec", false, false).await;
        assert!(p.body.contains(r#"hx-trigger="every 5s""#), "{}", p.body);
        assert!(p.body.contains(">Đang chờ</span>"));
        assert!(
            p.body
                .contains(r#"<span class="badge warn">Thất bại</span>"#)
        );
        assert!(p.body.contains("Lỗi: Máy chủ thư không trả lời"));
        assert!(p.body.contains(&format!(
            r#"action="/quan-tri/cong-viec/{failed}/chay-lai""#
        )));
        assert!(
            p.body
                .contains(&format!(r#"action="/quan-tri/cong-viec/{queued}/huy""#))
        );
        assert!(
            !p.body
                .contains(&format!(r#"action="/quan-tri/cong-viec/{}/"#, ran.id))
        );

        // The refresh asks for the fragment only; filters narrow it.
        let f = page(
            &admin,
            "GET",
            "/quan-tri/cong-viec?trang_thai=failed",
            true,
            false,
        )
        .await;
        assert_eq!(f.status, StatusCode::OK);
        assert!(!f.body.contains("<html"), "a fragment");
        assert!(f.body.contains("Thất bại") && !f.body.contains("Hoàn thành"));
        assert!(
            !f.body.contains("every 5s"),
            "no waiting run among the failed ones"
        );

        // Cancel needs the form token; then the run is cancelled.
        let no_token = page(
            &admin,
            "POST",
            &format!("/quan-tri/cong-viec/{queued}/huy"),
            false,
            false,
        )
        .await;
        assert_eq!(no_token.status, StatusCode::FORBIDDEN);
        let c = page(
            &admin,
            "POST",
            &format!("/quan-tri/cong-viec/{queued}/huy"),
            false,
            true,
        )
        .await;
        assert_eq!(c.status, StatusCode::SEE_OTHER, "{}", c.body);
        assert_eq!(c.location, "/quan-tri/cong-viec?ok=huy");
        let p = page(&admin, "GET", &c.location, false, false).await;
        assert!(p.body.contains("Đã hủy việc."));
        assert!(p.body.contains(">Đã hủy</span>"));
        assert!(!p.body.contains("every 5s"), "nothing waits any more");
        // Cancelling again is refused in Vietnamese.
        let again = page(
            &admin,
            "POST",
            &format!("/quan-tri/cong-viec/{queued}/huy"),
            false,
            true,
        )
        .await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST);
        assert!(again.body.contains("Chỉ hủy được việc đang chờ"));

        let r = page(
            &admin,
            "POST",
            &format!("/quan-tri/cong-viec/{failed}/chay-lai"),
            false,
            true,
        )
        .await;
        assert_eq!(r.location, "/quan-tri/cong-viec?ok=chay-lai");
        let p = page(&admin, "GET", &r.location, false, false).await;
        assert!(p.body.contains("Đã đưa việc vào hàng chờ để chạy lại."));
        assert!(p.body.contains("every 5s"));

        // Others: no menu entry, and the page and its actions are refused.
        let home = page(&leader, "GET", "/", false, false).await;
        assert!(!home.body.contains("/quan-tri/cong-viec"));
        let p = page(&leader, "GET", "/quan-tri/cong-viec", false, false).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let p = page(
            &leader,
            "POST",
            &format!("/quan-tri/cong-viec/{failed}/huy"),
            false,
            true,
        )
        .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
    }
}
