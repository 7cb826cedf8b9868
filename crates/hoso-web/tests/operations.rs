//! What an operator relies on: `/readyz`, `/metrics` behind its token, request ids.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Client, databases};
use hoso_app::{App, Secret};

#[tokio::test]
async fn ready_metrics_behind_a_token_and_request_ids() {
    for db in databases().await {
        let mut config = common::config(&db);
        let app = App::start(config.clone()).await.unwrap();
        app.seed_demo(5, common::PASSWORD, &|_, _| {})
            .await
            .unwrap();
        let anon = Client::anonymous(&app);
        let ready = anon.get("/readyz").await;
        assert_eq!(ready.status, StatusCode::OK, "{}: {}", db.label, ready.body);
        assert_eq!(ready.body["status"], "ready");
        // No token configured: there are no metrics.
        assert_eq!(anon.get("/metrics").await.status, StatusCode::NOT_FOUND);

        config.metrics_token = Some(Secret::new("ma-so-lieu-van-hanh"));
        let app = App::start(config).await.unwrap();
        let anon = Client::anonymous(&app);
        assert_eq!(anon.get("/metrics").await.status, StatusCode::UNAUTHORIZED);
        let wrong = anon
            .send(
                Request::get("/metrics")
                    .header(header::AUTHORIZATION, "Bearer ma-khac")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);

        // A request with the client's id gets it back; one without gets a new one.
        let traced = anon
            .send(
                Request::get("/healthz")
                    .header("x-request-id", "yeu-cau-42")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(traced.headers["x-request-id"], "yeu-cau-42");
        let r = anon.get("/api/v1/persons/987654").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.headers["x-request-id"].len(), 16);

        let metrics = anon
            .send(
                Request::get("/metrics")
                    .header(header::AUTHORIZATION, "Bearer ma-so-lieu-van-hanh")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(metrics.status, StatusCode::OK, "{}", db.label);
        let text = metrics.body.as_str().unwrap().to_string();
        for needle in [
            "hoso_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1",
            "route=\"/api/v1/persons/{id}\",status=\"401\"",
            "hoso_http_request_duration_seconds_bucket",
            "hoso_people 5",
            "hoso_alerts ",
            "hoso_db_connections{state=\"open\"}",
            "# EOF",
        ] {
            assert!(text.contains(needle), "{}: «{needle}» in\n{text}", db.label);
        }
        assert!(
            !text.contains("987654"),
            "route templates, never the path sent"
        );
    }
}
