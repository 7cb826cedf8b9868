//! Attachments in an S3-compatible bucket: a real S3 server process (moto, from PyPI) on
//! 127.0.0.1, the real change-request use cases storing and serving a scan through it.
//! `.ci/run` installs moto and names its `moto_server` in `HOSO_TEST_MOTO_SERVER`; without it
//! the test says so and passes without running.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

mod common;

use common::{databases, demo_app, login};
use hoso_app::changes::{NewChange, Upload};
use hoso_app::{App, ClientInfo, Config};

fn moto_server() -> Option<String> {
    if let Ok(path) = std::env::var("HOSO_TEST_MOTO_SERVER") {
        return Some(path);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("moto_server"))
            .find(|p| p.exists())
            .map(|p| p.display().to_string())
    })
}

/// The server process, ended with the test.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One plain HTTP request to the S3 server (moto creates buckets on unsigned requests); status
/// and body.
fn http(port: u16, method: &str, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    let head_end = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP reply");
    let status = String::from_utf8_lossy(&reply[9..12]).parse().unwrap();
    (status, reply[head_end + 4..].to_vec())
}

#[tokio::test]
async fn scans_are_stored_in_and_served_from_an_s3_bucket() {
    let Some(moto) = moto_server() else {
        eprintln!("SKIPPED: moto_server not found (pip install 'moto[server]')");
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = KillOnDrop(
        std::process::Command::new(&moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start moto_server"),
    );
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "moto_server did not start"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(http(port, "PUT", "/hoso-scans").0, 200, "bucket created");

    let db = databases().await.remove(0);
    let config = Config {
        attachments_url: Some("s3://hoso-scans/tinh-mau".into()),
        attachments_options: [
            ("aws_endpoint", format!("http://127.0.0.1:{port}")),
            ("aws_allow_http", "true".into()),
            ("aws_access_key_id", "test".into()),
            ("aws_secret_access_key", "test".into()),
            ("aws_region", "us-east-1".into()),
            ("aws_virtual_hosted_style_request", "false".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        ..common::config(&db)
    };
    let app = demo_app(config, 3).await;
    let client = ClientInfo::default();
    let admin = login(&app, "admin").await;
    let person = app
        .list_persons(&admin, Default::default())
        .await
        .unwrap()
        .items[0]
        .id;
    let draft = app
        .create_change(
            &admin,
            NewChange {
                person_id: person,
                reason: "Bổ sung quyết định".into(),
                sections: None,
            },
            &client,
        )
        .await
        .unwrap();
    let scan = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let stored = app
        .attach_to_change(
            &admin,
            draft.summary.id,
            Upload {
                file_name: "quyet-dinh.pdf".into(),
                bytes: scan.clone(),
                section: None,
                row_index: None,
            },
            &client,
        )
        .await
        .unwrap();

    // The object is in the bucket, under the prefix, named by its hash (read with a client of
    // our own)…
    let key = format!("tinh-mau/{}/{}", &stored.sha256[..2], stored.sha256);
    let bucket = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name("hoso-scans")
        .with_endpoint(format!("http://127.0.0.1:{port}"))
        .with_allow_http(true)
        .with_access_key_id("test")
        .with_secret_access_key("test")
        .with_region("us-east-1")
        .with_virtual_hosted_style_request(false)
        .build()
        .unwrap();
    let body = object_store::ObjectStoreExt::get(&bucket, &key.as_str().into())
        .await
        .unwrap_or_else(|e| panic!("object {key} in the bucket: {e}"))
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.to_vec(), scan);
    // …and served back through the use case.
    let (_, bytes) = app
        .change_attachment(&admin, draft.summary.id, &stored.sha256, &client)
        .await
        .unwrap();
    assert_eq!(bytes, scan);

    // A URL that is not s3:// refuses to start, saying why.
    let bad = Config {
        database_url: db.url.clone(),
        key_file: db.dir.path().join("hoso.key"),
        attachments_url: Some("ftp://kho/scan".into()),
        ..Config::default()
    };
    let e = App::start(bad).await.err().expect("refused");
    assert!(e.to_string().contains("s3://") || format!("{e:?}").contains("s3://"));
}
