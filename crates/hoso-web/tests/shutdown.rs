//! Graceful shutdown of the real HTTP server: a request in flight when shutdown is requested
//! still gets its answer, new connections are refused, and the server future returns.

mod common;

use std::time::Duration;

use common::{PASSWORD, config, databases};
use hoso_app::{App, Shutdown};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn a_request_in_flight_finishes_and_the_server_returns() {
    let db = databases().await.remove(0);
    let app = App::start(config(&db)).await.unwrap();
    app.seed_demo(1, PASSWORD, &|_, _| {}).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = Shutdown::new();
    let server = tokio::spawn(hoso_web::serve_until(
        app.clone(),
        listener,
        shutdown.clone(),
    ));

    // A slow client: the headers and half of the body now, the rest after shutdown is asked.
    let body = serde_json::json!({"username": "admin", "password": PASSWORD}).to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    conn.write_all(
        format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    conn.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    shutdown.request();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !server.is_finished(),
        "the server waits for the request in flight"
    );

    conn.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), conn.read_to_end(&mut answer))
        .await
        .expect("the answer comes")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"token\""), "{answer}");

    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server returns once the request is answered")
        .unwrap()
        .unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn an_idle_server_stops_at_once() {
    let db = databases().await.remove(0);
    let app = App::start(config(&db)).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let shutdown = Shutdown::new();
    let server = tokio::spawn(hoso_web::serve_until(app, listener, shutdown.clone()));
    // Background work watching the same signal stops too.
    let s = shutdown.clone();
    shutdown.spawn(async move { while s.sleep(Duration::from_secs(3600)).await {} });
    shutdown.request();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("returns")
        .unwrap()
        .unwrap();
    assert!(shutdown.wait_for_tasks(Duration::from_secs(5)).await);
}
