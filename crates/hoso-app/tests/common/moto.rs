//! A real S3-compatible server for the tests: moto (PyPI) on a free port of 127.0.0.1.
//! `.ci/run` installs it and names its `moto_server` in `HOSO_TEST_MOTO_SERVER`; otherwise it
//! is looked for on the PATH.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The running server, stopped when dropped.
pub struct Moto {
    pub port: u16,
    process: std::process::Child,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

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

impl Moto {
    /// Starts the server with `buckets` created; `None` when moto is not installed.
    pub fn start(buckets: &[&str]) -> Option<Moto> {
        let server = moto_server()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let moto = Moto {
            port,
            process: std::process::Command::new(&server)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("start moto_server"),
        };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "moto_server did not start"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        for bucket in buckets {
            assert_eq!(
                moto.http("PUT", &format!("/{bucket}")).0,
                200,
                "bucket created"
            );
        }
        Some(moto)
    }

    /// One plain HTTP request (moto creates buckets on unsigned requests); status and body.
    pub fn http(&self, method: &str, path: &str) -> (u16, Vec<u8>) {
        let port = self.port;
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

    /// The options Hoso's S3 settings take to reach this server.
    pub fn options(&self) -> Vec<(String, String)> {
        [
            ("aws_endpoint", format!("http://127.0.0.1:{}", self.port)),
            ("aws_allow_http", "true".into()),
            ("aws_access_key_id", "test".into()),
            ("aws_secret_access_key", "test".into()),
            ("aws_region", "us-east-1".into()),
            ("aws_virtual_hosted_style_request", "false".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// A client of our own for `bucket`, to look at what Hoso put there.
    pub fn bucket(&self, bucket: &str) -> object_store::aws::AmazonS3 {
        object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_endpoint(format!("http://127.0.0.1:{}", self.port))
            .with_allow_http(true)
            .with_access_key_id("test")
            .with_secret_access_key("test")
            .with_region("us-east-1")
            .with_virtual_hosted_style_request(false)
            .build()
            .unwrap()
    }
}
