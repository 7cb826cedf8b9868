//! The daily e-mail digest, sent to a tiny SMTP sink this test starts on 127.0.0.1: one message
//! per account with an address, in Vietnamese, with the counts and the top items of its scope;
//! sent once a day however many nodes ask — on every database.

mod common;

use std::sync::{Arc, Mutex};

use common::{create_person, databases, demo_app, login, smtp, some_unit};
use hoso_app::digest::EmailInput;
use hoso_app::{AppError, ClientInfo, Config};
use hoso_domain::schema::fixtures::RecordBuilder;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the sink received: (RCPT TO addresses, the DATA text).
type Inbox = Arc<Mutex<Vec<(Vec<String>, String)>>>;

/// A minimal SMTP server (RFC 5321 without extensions): enough for a client sending plain
/// mail. Returns its port and what it receives.
async fn smtp_sink() -> (u16, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox: Inbox = Arc::default();
    let store = inbox.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut rcpt = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if upper.starts_with("MAIL FROM") {
                        rcpt.clear();
                        b"250 OK\r\n"
                    } else if upper.starts_with("RCPT TO") {
                        rcpt.push(line[8..].trim().trim_matches(['<', '>']).to_string());
                        b"250 OK\r\n"
                    } else if upper == "DATA" {
                        write.write_all(b"354 end with .\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(l.strip_prefix('.').unwrap_or(&l));
                            data.push_str("\r\n");
                        }
                        store.lock().unwrap().push((rcpt.clone(), data));
                        b"250 queued\r\n"
                    } else if upper == "QUIT" {
                        write.write_all(b"221 bye\r\n").await.ok();
                        return;
                    } else {
                        b"250 OK\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, inbox)
}

/// Lai Châu's regulation, mail to the sink on `port`.
fn config(db: &common::TestDb, port: u16) -> Config {
    Config {
        smtp: Some(smtp(port, "Hồ sơ cán bộ <hoso@sonoivu.example.vn>")),
        deadline_preset: "lai-chau-2024".into(),
        ..common::config(db)
    }
}

#[tokio::test]
async fn each_account_with_an_address_gets_one_digest_a_day() {
    for db in databases().await {
        let (port, inbox) = smtp_sink().await;
        let app = demo_app(config(&db, port), 3).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let leader = login(&app, "lanhdao").await;

        // A person whose record shows a retirement not yet put into the status, and who is
        // due a retirement notice: alerts the digest must list.
        let unit_id = some_unit(&app, &admin).await;
        let record = RecordBuilder::civil_servant()
            .national_id("020170007777")
            .born("1970-06-15")
            .name("TRẦN THỊ THƯ")
            .push_row(
                "personnel_events",
                json!({"event_type": "nghi_huu", "decision_date": "2026-06-15", "effective_date": "2026-07-01"}),
            )
            .build();
        create_person(&app, &admin, unit_id, record).await;

        // Addresses: a bad one is refused; the administrator and the leader set theirs.
        let bad = app
            .set_own_email(
                &admin,
                EmailInput {
                    email: Some("khong-phai-dia-chi".into()),
                },
                &client,
            )
            .await;
        assert!(
            matches!(&bad, Err(AppError::BadRequest(m)) if m == "Địa chỉ thư điện tử «khong-phai-dia-chi» không hợp lệ."),
            "{bad:?}"
        );
        let view = app
            .set_own_email(
                &admin,
                EmailInput {
                    email: Some(" quantri@sonoivu.example.vn ".into()),
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(view.email.as_deref(), Some("quantri@sonoivu.example.vn"));
        assert!(view.digest_enabled);
        app.set_own_email(
            &leader,
            EmailInput {
                email: Some("lanhdao@ubnd.example.vn".into()),
            },
            &client,
        )
        .await
        .unwrap();

        // The daily jobs through the runner: first the alerts, and only then (queued by the
        // alerts job) the digest, which lists them.
        app.enqueue_daily_jobs().await.unwrap();
        let alerts = app.run_next_job("node-a").await.unwrap().unwrap();
        assert_eq!(
            (alerts.kind.as_str(), alerts.status.as_str()),
            ("alerts.daily", "succeeded"),
            "{}: {alerts:?}",
            db.label
        );
        assert!(
            inbox.lock().unwrap().is_empty(),
            "nothing sent before the digest job"
        );
        let digest = app
            .digest_for(admin.account_id, app.today())
            .await
            .unwrap()
            .expect("the administrator has alerts");
        let sent = app.run_next_job("node-a").await.unwrap().unwrap();
        assert_eq!(
            (sent.kind.as_str(), sent.status.as_str()),
            ("alerts.digest", "succeeded"),
            "{sent:?}"
        );
        assert_eq!(sent.result.as_deref(), Some("2 thư đã gửi, 0 thư lỗi"));
        // Another node (or the same one later today) sends nothing more.
        app.enqueue_daily_jobs().await.unwrap();
        assert!(app.run_next_job("node-b").await.unwrap().is_none());
        assert!(app.run_next_job("node-a").await.unwrap().is_none());

        let received = inbox.lock().unwrap().clone();
        assert_eq!(received.len(), 2, "{}", db.label);
        let to_admin = received
            .iter()
            .find(|(rcpt, _)| rcpt == &vec!["quantri@sonoivu.example.vn".to_string()])
            .expect("a digest to the administrator");
        let mail = mailparse::parse_mail(to_admin.1.as_bytes()).unwrap();
        let subject = mail
            .headers
            .iter()
            .find(|h| h.get_key_ref().eq_ignore_ascii_case("subject"))
            .unwrap()
            .get_value();
        assert_eq!(subject, digest.subject);
        assert!(subject.starts_with("[Hồ sơ cán bộ] "), "{subject}");
        assert!(subject.contains(" cảnh báo, thời hạn ngày "), "{subject}");
        let body = mail.get_body().unwrap();
        assert_eq!(
            body.replace("\r\n", "\n").trim_end(),
            digest.body.trim_end()
        );
        assert!(body.contains("Kính gửi Quản trị hệ thống"), "{body}");
        assert!(body.contains(&format!("tổng cộng {} cảnh báo", digest.alerts)));
        assert!(
            body.contains("- Quá hạn cập nhật theo quy định: "),
            "{body}"
        );
        assert!(
            body.contains("TRẦN THỊ THƯ (") || body.contains("Trần Thị Thư ("),
            "{body}"
        );
        assert!(body.contains("Căn cứ: "));
        // No identifier or secret field in the mail.
        assert!(!body.contains("020170007777"));
        assert!(!to_admin.1.contains("020170007777"));

        // Sending is audited, per account.
        let page = app
            .audit_entries(
                &admin,
                hoso_app::security::AuditQuery {
                    action: Some("alerts.digest_sent".into()),
                    ..Default::default()
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(page.total, 2, "{}", db.label);

        // Clearing the address stops the digest.
        let cleared = app
            .set_own_email(&leader, EmailInput { email: None }, &client)
            .await
            .unwrap();
        assert_eq!(cleared.email, None);
    }
}
