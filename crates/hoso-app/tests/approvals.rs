//! Self-service changes to signed approval, end to end on every database: an individual
//! proposes with a scanned PDF, the HR officer verifies, the head signs the batch, the record's
//! official version moves, and the exported package verifies (also with `openssl cms`).
//! Every refusal changes nothing.

mod common;

use base64::Engine;
use common::{TestDb, config_on, databases, demo_app, login};
use hoso_app::approvals::{PrepareBatch, SignBatch};
use hoso_app::changes::{ChangeQuery, NewChange, ReviewInput, SaveChange, Upload};
use hoso_app::signing::{Authority, Issued, Usage, sign_detached};
use hoso_app::{Actor, App, AppError, ClientInfo, Config};
use serde_json::{Value, json};
use time::macros::date;

const DAY: i64 = 86_400;

struct Pki {
    root: Issued,
    intermediate: Issued,
    signer: Issued,
    expired: Issued,
    encryption_only: Issued,
    root_file: std::path::PathBuf,
}

/// Certificates valid around `today`, the day the test's app runs on.
fn pki(dir: &std::path::Path, today: time::Date) -> Pki {
    let n = hoso_app::Clock::on(today).now_seconds();
    let root = Authority::issue(
        "Hoso Test Root",
        Usage::CertificateAuthority,
        n - 400 * DAY,
        n + 4000 * DAY,
        None,
    )
    .unwrap();
    let intermediate = Authority::issue(
        "Hoso Test Sub CA",
        Usage::CertificateAuthority,
        n - 300 * DAY,
        n + 3000 * DAY,
        Some(&root),
    )
    .unwrap();
    let signer = |usage, from, to| {
        Authority::issue("Thủ trưởng đơn vị", usage, from, to, Some(&intermediate)).unwrap()
    };
    let good = signer(Usage::Signing, n - DAY, n + 365 * DAY);
    let expired = signer(Usage::Signing, n - 30 * DAY, n - DAY);
    let encryption_only = signer(Usage::Encryption, n - DAY, n + 365 * DAY);
    let root_file = dir.join("roots.pem");
    std::fs::write(&root_file, root.cert.to_pem().unwrap()).unwrap();
    Pki {
        root,
        intermediate,
        signer: good,
        expired,
        encryption_only,
        root_file,
    }
}

/// An app on `db` on `today` that trusts the test's root certificate.
/// The province's own verification limit and approval window (the shipped example of a
/// deployment's rules): no regulation in force today states both.
fn config(db: &TestDb, pki: &Pki, today: time::Date) -> Config {
    Config {
        trusted_roots_file: Some(pki.root_file.clone()),
        deadline_rules_file: Some(common::example_rules_file()),
        ..config_on(db, today)
    }
}

fn p12(pki: &Pki, who: &Issued) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(who.to_pkcs12(&[&pki.intermediate.cert], "ky-so").unwrap())
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

/// The demo people's accounts: (individual, their unit's HR officer, their unit's head, an HR
/// officer of another unit).
async fn cast(app: &App, admin: &Actor) -> (i64, Actor, Actor, Actor, Actor) {
    let people = app.list_persons(admin, Default::default()).await.unwrap();
    let person = people.items[0].clone();
    let other_unit = people
        .items
        .iter()
        .find(|p| p.unit_id != person.unit_id)
        .expect("people in two units")
        .unit_id;
    let mut conn = app.store().reader().await.unwrap();
    let account = hoso_store::accounts::ids_of_person(&mut conn, person.id)
        .await
        .unwrap()[0];
    let username = hoso_store::accounts::by_id(&mut conn, account)
        .await
        .unwrap()
        .unwrap()
        .username;
    let unit = hoso_store::org::get(&mut conn, person.unit_id)
        .await
        .unwrap()
        .unwrap()
        .code
        .to_lowercase();
    let other = hoso_store::org::get(&mut conn, other_unit)
        .await
        .unwrap()
        .unwrap()
        .code
        .to_lowercase();
    drop(conn);
    (
        person.id,
        login(app, &username).await,
        login(app, &format!("qt.{unit}")).await,
        login(app, &format!("pd.{unit}")).await,
        login(app, &format!("qt.{other}")).await,
    )
}

fn with_other_names(
    record: &serde_json::Map<String, Value>,
    name: &str,
) -> serde_json::Map<String, Value> {
    let mut general = record["general"].clone();
    general["other_names"] = json!(name);
    let mut sections = serde_json::Map::new();
    sections.insert("general".into(), general);
    sections
}

/// `hr` corrects the record of `person` directly (its other names, at version 1): a version
/// waiting for approval.
async fn correct_directly(app: &App, hr: &Actor, person: i64) {
    let client = ClientInfo::default();
    let view = app.get_person(hr, person, &client).await.unwrap();
    let mut record = view.record.clone();
    record["general"]["other_names"] = json!("Út");
    app.update_record(
        hr,
        person,
        hoso_app::records::UpdateRecord {
            expected_version: 1,
            record,
            unit_id: None,
            status: None,
            note: None,
        },
        &client,
    )
    .await
    .unwrap();
}

async fn official(app: &App, admin: &Actor, person: i64) -> (i64, i64) {
    let a = app.record_approvals(admin, person).await.unwrap();
    (a.official_version, a.current_version)
}

#[tokio::test]
async fn a_proposal_is_verified_signed_and_becomes_official() {
    for db in databases().await {
        // 30/11/2026 is the last working day of November: inside the approval window.
        let today = date!(2026 - 11 - 30);
        let pki = pki(db.dir.path(), today);
        let app = demo_app(config(&db, &pki, today), 12).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let (person, me, hr, head, stranger) = cast(&app, &admin).await;
        assert_eq!(official(&app, &admin, person).await, (1, 1), "{}", db.label);

        // The individual proposes a change with a reason and a scanned PDF.
        let record = app.get_person(&me, person, &client).await.unwrap().record;
        let draft = app
            .create_change(
                &me,
                NewChange {
                    person_id: person,
                    reason: "Bổ sung tên gọi khác theo giấy khai sinh".into(),
                    sections: Some(with_other_names(&record, "Bé Tư")),
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(draft.summary.state, "draft");
        assert_eq!(draft.summary.sections, vec!["general"]);
        assert!(
            draft
                .changes
                .iter()
                .any(|c| c.field == "other_names" && c.after == json!("Bé Tư"))
        );
        let attached = app
            .attach_to_change(
                &me,
                draft.summary.id,
                Upload {
                    file_name: "giay-khai-sinh.pdf".into(),
                    bytes: pdf(),
                    section: Some("general".into()),
                    row_index: None,
                },
                &client,
            )
            .await
            .unwrap();
        // A file that is not a scan is refused, and nothing is attached.
        let bad = app
            .attach_to_change(
                &me,
                draft.summary.id,
                Upload {
                    file_name: "virus.exe".into(),
                    bytes: b"MZ\x90\x00\x03".to_vec(),
                    section: None,
                    row_index: None,
                },
                &client,
            )
            .await;
        assert!(matches!(bad, Err(AppError::BadRequest(m)) if m.contains("không phải PDF")));

        // Nobody else sees a draft; the HR officer cannot verify it yet.
        assert!(matches!(
            app.change(&hr, draft.summary.id, &client).await,
            Err(AppError::NotFound(_))
        ));
        let submitted = app
            .submit_change(&me, draft.summary.id, &client)
            .await
            .unwrap();
        assert_eq!(submitted.summary.state, "submitted");
        assert_eq!(submitted.attachments.len(), 1);
        // Submitted: no more edits.
        assert!(matches!(
            app.save_change(
                &me,
                draft.summary.id,
                SaveChange {
                    reason: None,
                    sections: with_other_names(&record, "Khác")
                },
                &client
            )
            .await,
            Err(AppError::Conflict(_))
        ));

        // The queue of the HR officer of the unit has it; another unit's officer does not see it.
        let queue = app
            .verification_queue(&hr, ChangeQuery::default())
            .await
            .unwrap();
        assert!(
            queue.items.iter().any(|c| c.id == draft.summary.id),
            "{}",
            db.label
        );
        let theirs = app
            .verification_queue(&stranger, ChangeQuery::default())
            .await
            .unwrap();
        assert!(!theirs.items.iter().any(|c| c.id == draft.summary.id));
        assert!(matches!(
            app.verify_change(&stranger, draft.summary.id, ReviewInput::default(), &client)
                .await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            app.verify_change(&me, draft.summary.id, ReviewInput::default(), &client)
                .await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.verification_queue(&me, ChangeQuery::default()).await,
            Err(AppError::Forbidden)
        ));
        // The attachment is served to the HR officer, never to another unit.
        let (_, bytes) = app
            .change_attachment(&hr, draft.summary.id, &attached.sha256, &client)
            .await
            .unwrap();
        assert_eq!(bytes, pdf());
        assert!(
            app.change_attachment(&stranger, draft.summary.id, &attached.sha256, &client)
                .await
                .is_err()
        );

        // A second proposal on the same section, made against the same version, will clash.
        let second = app
            .create_change(
                &me,
                NewChange {
                    person_id: person,
                    reason: "Sửa lại".into(),
                    sections: Some(with_other_names(&record, "Tư Bé")),
                },
                &client,
            )
            .await
            .unwrap();
        app.submit_change(&me, second.summary.id, &client)
            .await
            .unwrap();

        // Verification: the change becomes version 2, waiting for approval.
        let verified = app
            .verify_change(
                &hr,
                draft.summary.id,
                ReviewInput {
                    comment: Some("Đúng bản gốc".into()),
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(verified.summary.state, "verified");
        assert_eq!(verified.summary.result_version, Some(2));
        assert_eq!(official(&app, &admin, person).await, (1, 2), "{}", db.label);
        let now_record = app.get_person(&admin, person, &client).await.unwrap();
        assert_eq!(now_record.record["general"]["other_names"], json!("Bé Tư"));
        // The version says it comes from that request.
        let history = app.versions(&admin, person).await.unwrap();
        let v2 = history.iter().find(|v| v.version == 2).unwrap();
        assert_eq!(v2.source, "change_request", "{}", db.label);
        assert_eq!(v2.source_ref, Some(draft.summary.id.to_string()));
        assert_eq!(
            v2.source_label,
            format!("Phiếu bổ sung lý lịch số {}", draft.summary.id)
        );

        // The waiting work shows among the alerts: a request waiting for verification, and a
        // verified version waiting for the head's signature.
        let waiting = |kind: &'static str| {
            let app = app.clone();
            let admin = admin.clone();
            async move {
                app.preview_alerts(
                    &admin,
                    hoso_app::alerts::AlertQuery {
                        kind: Some(kind.into()),
                        date: Some("2030-01-02".into()),
                        per_page: Some(200),
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
                .items
            }
        };
        let to_verify = waiting("verification_pending").await;
        assert!(
            to_verify.iter().any(|a| a.person_id == person
                && a.message.contains(&format!("số {}", second.summary.id))
                && a.message.contains("quá hạn")),
            "{}: {to_verify:?}",
            db.label
        );
        let to_approve = waiting("approval_pending").await;
        assert!(
            to_approve.iter().any(|a| a.person_id == person),
            "{}: {to_approve:?}",
            db.label
        );
        // The stored alert list says so at once, as the home page's live counts do, not after
        // the next daily run.
        let stored = |kind: &'static str| {
            let app = app.clone();
            let admin = admin.clone();
            async move {
                app.list_alerts(
                    &admin,
                    hoso_app::alerts::AlertQuery {
                        kind: Some(kind.into()),
                        per_page: Some(200),
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
                .items
            }
        };
        let second_waits = |alerts: &[hoso_app::alerts::AlertView]| {
            alerts
                .iter()
                .any(|a| a.message.contains(&format!("số {}", second.summary.id)))
        };
        assert!(
            second_waits(&stored("verification_pending").await),
            "{}: sent, so waiting for verification",
            db.label
        );
        assert!(
            stored("approval_pending")
                .await
                .iter()
                .any(|a| a.person_id == person),
            "{}: verified, so waiting for the head",
            db.label
        );
        // No lost update: the clashing proposal cannot be verified, only returned.
        let clash = app
            .verify_change(&hr, second.summary.id, ReviewInput::default(), &client)
            .await;
        assert!(
            matches!(&clash, Err(AppError::Conflict(m)) if m.contains("Thông tin chung")),
            "{clash:?}"
        );
        assert!(
            matches!(
                app.return_change(&hr, second.summary.id, ReviewInput::default(), &client)
                    .await,
                Err(AppError::BadRequest(_))
            ),
            "a return needs a comment"
        );
        let returned = app
            .return_change(
                &hr,
                second.summary.id,
                ReviewInput {
                    comment: Some("Hồ sơ đã cập nhật, đề nghị kiểm tra lại".into()),
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(returned.summary.state, "returned");
        assert!(
            !second_waits(&stored("verification_pending").await),
            "{}: returned, so no longer waiting",
            db.label
        );
        let mine = app.my_changes(&me, ChangeQuery::default()).await.unwrap();
        assert!(mine.items.iter().any(|c| c.id == second.summary.id
            && c.review_comment.as_deref() == Some("Hồ sơ đã cập nhật, đề nghị kiểm tra lại")));
        assert_eq!(
            official(&app, &admin, person).await,
            (1, 2),
            "nothing changed"
        );

        // The head sees the verified version and prepares the month's batch.
        let waiting = app.approval_queue(&head).await.unwrap();
        assert!(waiting.window.open);
        let entry = waiting
            .records
            .iter()
            .find(|r| r.person_id == person)
            .expect("waiting");
        assert_eq!(entry.versions[0].change_request_id, Some(draft.summary.id));
        assert!(matches!(
            app.approval_queue(&me).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.approval_queue(&hr).await,
            Err(AppError::Forbidden)
        ));
        let batch = app
            .prepare_batch(
                &head,
                PrepareBatch {
                    person_ids: Some(vec![person]),
                    override_window: None,
                },
                &client,
            )
            .await
            .unwrap();
        let manifest: Value = serde_json::from_str(&batch.manifest).unwrap();
        assert_eq!(manifest["items"][0]["version"], json!(2));
        assert_eq!(
            manifest["items"][0]["attachments"][0],
            json!(attached.sha256)
        );

        // Refusals: expired certificate, encryption-only certificate, a signature over another
        // manifest, a wrong password, no signature at all. Each is audited and changes nothing.
        let refused = |input: SignBatch| {
            let app = app.clone();
            let head = head.clone();
            let client = client.clone();
            async move { app.sign_batch(&head, batch.id, input, &client).await }
        };
        let e = refused(SignBatch {
            pkcs12: Some(p12(&pki, &pki.expired)),
            password: Some("ky-so".into()),
            ..Default::default()
        })
        .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.contains("hết hạn")),
            "{e:?}"
        );
        let e = refused(SignBatch {
            pkcs12: Some(p12(&pki, &pki.encryption_only)),
            password: Some("ky-so".into()),
            ..Default::default()
        })
        .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.contains("không được phép dùng để ký")),
            "{e:?}"
        );
        let mut chain = openssl::stack::Stack::new().unwrap();
        chain.push(pki.intermediate.cert.clone()).unwrap();
        let other = sign_detached(
            &pki.signer.cert,
            &pki.signer.key,
            &chain,
            b"{\"another\":\"manifest\"}",
        )
        .unwrap();
        let e = refused(SignBatch {
            signature: Some(base64::engine::general_purpose::STANDARD.encode(other)),
            ..Default::default()
        })
        .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.contains("không khớp")),
            "{e:?}"
        );
        let e = refused(SignBatch {
            pkcs12: Some(p12(&pki, &pki.signer)),
            password: Some("sai".into()),
            ..Default::default()
        })
        .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.contains("Mật khẩu")),
            "{e:?}"
        );
        let e = refused(SignBatch::default()).await;
        assert!(matches!(&e, Err(AppError::BadRequest(_))), "{e:?}");
        assert_eq!(official(&app, &admin, person).await, (1, 2), "{}", db.label);
        assert_eq!(app.batch(&head, batch.id).await.unwrap().state, "prepared");

        // Signed with the approver's own signing tool (an external detached signature).
        let good = sign_detached(
            &pki.signer.cert,
            &pki.signer.key,
            &chain,
            batch.manifest.as_bytes(),
        )
        .unwrap();
        let signed = app
            .sign_batch(
                &head,
                batch.id,
                SignBatch {
                    signature: Some(base64::engine::general_purpose::STANDARD.encode(&good)),
                    ..Default::default()
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(signed.state, "signed");
        assert!(signed.signer_subject.unwrap().contains("Thủ trưởng đơn vị"));
        assert_eq!(official(&app, &admin, person).await, (2, 2), "{}", db.label);
        // The proposer sees the request approved, not merely verified.
        let mine = app.my_changes(&me, ChangeQuery::default()).await.unwrap();
        let approved = mine
            .items
            .iter()
            .find(|c| c.id == draft.summary.id)
            .unwrap();
        assert_eq!(approved.state, "verified");
        assert_eq!(approved.state_label, "Đã phê duyệt", "{}", db.label);
        let mut conn = app.store().reader().await.unwrap();
        assert_eq!(
            hoso_store::approvals::hub_queue_length(&mut conn)
                .await
                .unwrap(),
            1
        );
        let refusals = hoso_store::audit::search(
            &mut conn,
            &hoso_store::audit::Filter {
                action: Some("approval.sign_refused".into()),
                ..Default::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
        assert_eq!(refusals.1, 5, "{}: every refusal audited", db.label);
        drop(conn);
        // Signing twice is refused.
        assert!(matches!(
            app.sign_batch(
                &head,
                batch.id,
                SignBatch {
                    signature: Some(base64::engine::general_purpose::STANDARD.encode(&good)),
                    ..Default::default()
                },
                &client
            )
            .await,
            Err(AppError::Conflict(_))
        ));
        let checks = app.verify_approvals(None).await.unwrap();
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].problem, None);

        // The exported package verifies here and with openssl; a tampered one does not.
        let zip = app
            .export_package(&admin, person, 2, &client)
            .await
            .unwrap();
        let report = app.verify_package(&zip).unwrap();
        assert_eq!(
            (report.person_id, report.version, report.attachments),
            (person, 2, 1)
        );
        assert!(matches!(
            app.export_package(&admin, person, 1, &client).await,
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            app.export_package(&stranger, person, 2, &client).await,
            Err(AppError::NotFound(_))
        ));
        let tampered = tamper(&zip);
        let e = app.verify_package(&tampered).unwrap_err();
        assert!(e.to_string().contains("bị thay đổi"), "{e}");
        openssl_accepts(&zip, &pki, db.dir.path(), app.now_ms() / 1000);
    }
}

/// The package with one character of the record changed.
fn tamper(zip_bytes: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut reader = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    for i in 0..reader.len() {
        let mut f = reader.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == "record.json" {
            bytes = String::from_utf8(bytes)
                .unwrap()
                .replace("Bé Tư", "Bé Tứ")
                .into_bytes();
        }
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap();
    out.into_inner()
}

/// `openssl cms -verify` accepts the package's manifest and signature.
/// `openssl cms -verify` accepts the package, checking the certificates at `signed_at` (Unix
/// seconds), as a later verifier checks a signature made in the past.
fn openssl_accepts(zip_bytes: &[u8], pki: &Pki, dir: &std::path::Path, signed_at: i64) {
    use std::io::Read;
    let mut reader = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    for name in ["manifest.json", "manifest.p7s"] {
        let mut bytes = Vec::new();
        reader
            .by_name(name)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    std::fs::write(dir.join("root.pem"), pki.root.cert.to_pem().unwrap()).unwrap();
    let out = std::process::Command::new("openssl")
        .args([
            "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
        ])
        .arg("-in")
        .arg(dir.join("manifest.p7s"))
        .arg("-content")
        .arg(dir.join("manifest.json"))
        .arg("-CAfile")
        .arg(dir.join("root.pem"))
        .args(["-attime", &signed_at.to_string()])
        .args(["-out", "/dev/null"])
        .output()
        .expect("openssl on PATH");
    assert!(
        out.status.success(),
        "openssl cms -verify refused: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn signing_outside_the_window_needs_the_system_administrator() {
    for db in databases().await {
        // 16/11/2026 is mid-month.
        let today = date!(2026 - 11 - 16);
        let pki = pki(db.dir.path(), today);
        let app = demo_app(config(&db, &pki, today), 12).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let (person, _, hr, head, _) = cast(&app, &admin).await;
        // The HR officer corrects the record directly: a version waiting for approval.
        correct_directly(&app, &hr, person).await;

        let queue = app.approval_queue(&head).await.unwrap();
        assert!(!queue.window.open);
        assert_eq!(queue.window.days.len(), 5);
        assert!(queue.window.days.contains(&"30/11/2026".to_string()));
        let e = app
            .prepare_batch(&head, PrepareBatch::default(), &client)
            .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.contains("Ngoài thời gian phê duyệt")),
            "{e:?}"
        );
        // Only the system administrator may override.
        let e = app
            .prepare_batch(
                &head,
                PrepareBatch {
                    override_window: Some(true),
                    ..Default::default()
                },
                &client,
            )
            .await;
        assert!(matches!(&e, Err(AppError::BadRequest(_))), "{e:?}");
        let batch = app
            .prepare_batch(
                &admin,
                PrepareBatch {
                    person_ids: Some(vec![person]),
                    override_window: Some(true),
                },
                &client,
            )
            .await
            .unwrap();
        let signed = app
            .sign_batch(
                &admin,
                batch.id,
                SignBatch {
                    pkcs12: Some(p12(&pki, &pki.signer)),
                    password: Some("ky-so".into()),
                    override_window: Some(true),
                    ..Default::default()
                },
                &client,
            )
            .await
            .unwrap();
        assert!(signed.window_override);
        assert_eq!(signed.signing_mode.as_deref(), Some("pkcs12"));
        assert_eq!(official(&app, &admin, person).await, (2, 2), "{}", db.label);
        // Nothing left to sign.
        let e = app
            .prepare_batch(
                &admin,
                PrepareBatch {
                    override_window: Some(true),
                    ..Default::default()
                },
                &client,
            )
            .await;
        assert!(
            matches!(&e, Err(AppError::BadRequest(m)) if m.contains("Không có thay đổi")),
            "{e:?}"
        );
    }
}

/// The window is the regulation's: Lạng Sơn's text has none, so its heads sign mid-month;
/// Lai Châu's (Điều 7 khoản 1) and Đồng Tháp's (Điều 12) are theirs; the configuration only
/// replaces them when it says so. Rights still come first: an individual learns nothing of it.
#[tokio::test]
async fn the_approval_window_is_the_one_of_the_regulation_in_force() {
    let db = databases().await.remove(0);
    // 16/11/2026 is mid-month.
    let today = date!(2026 - 11 - 16);
    let pki = pki(db.dir.path(), today);
    let on = |preset: &str, window: Option<usize>| Config {
        trusted_roots_file: Some(pki.root_file.clone()),
        deadline_preset: preset.into(),
        approval_window_days: window,
        ..config_on(&db, today)
    };
    let app = demo_app(on("lang-son-2023", None), 12).await;
    let client = ClientInfo::default();
    let admin = login(&app, "admin").await;
    let (person, me, hr, head, _) = cast(&app, &admin).await;
    correct_directly(&app, &hr, person).await;
    let window = app.approval_window();
    assert!(window.open && window.days.is_empty() && window.legal_basis.is_none());
    let refused = app
        .prepare_batch(&me, PrepareBatch::default(), &client)
        .await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    let batch = app
        .prepare_batch(&head, PrepareBatch::default(), &client)
        .await
        .unwrap();
    assert!(!batch.window_override);
    drop(app);

    let lai_chau = App::start(on("lai-chau-2024", None)).await.unwrap();
    let window = lai_chau.approval_window();
    assert!(!window.open);
    // The last 5 working days of November 2026.
    assert_eq!(
        window.days,
        [
            "24/11/2026",
            "25/11/2026",
            "26/11/2026",
            "27/11/2026",
            "30/11/2026"
        ]
    );
    assert_eq!(window.working_days, 5);
    assert!(
        window
            .legal_basis
            .as_deref()
            .is_some_and(|b| b.contains("Điều 7 khoản 1")),
        "{window:?}"
    );
    let head = login(&lai_chau, &head.username).await;
    let e = lai_chau
        .prepare_batch(&head, PrepareBatch::default(), &client)
        .await;
    assert!(
        matches!(&e, Err(AppError::BadRequest(m)) if m.contains("5 ngày làm việc cuối tháng") && m.contains("Điều 7 khoản 1")),
        "{e:?}"
    );
    drop(lai_chau);

    // Đồng Tháp names the last 5 days of the month, weekend included: 26–30/11/2026.
    let dong_thap = App::start(on("dong-thap-2024", None)).await.unwrap();
    let window = dong_thap.approval_window();
    assert_eq!(window.days.first().map(String::as_str), Some("26/11/2026"));
    assert_eq!(window.days.len(), 5);
    assert_eq!(window.working_days, 0);
    assert_eq!(window.time_limit.as_deref(), Some("5 ngày cuối tháng"));
    drop(dong_thap);

    // An explicit setting replaces the regulation's window, either way.
    let any_day = App::start(on("lai-chau-2024", Some(0))).await.unwrap();
    assert!(any_day.approval_window().open);
    drop(any_day);
    let three = App::start(on("lang-son-2023", Some(3))).await.unwrap();
    let window = three.approval_window();
    assert!(!window.open);
    assert_eq!(window.days, ["26/11/2026", "27/11/2026", "30/11/2026"]);
    assert!(
        window
            .legal_basis
            .as_deref()
            .is_some_and(|b| b.contains("HOSO_APPROVAL_WINDOW_DAYS")),
        "{window:?}"
    );
}

#[tokio::test]
async fn a_signer_whose_grant_has_moved_does_not_sign_the_batch_it_prepared() {
    for db in databases().await {
        // 30/11/2026 is in the approval window.
        let today = date!(2026 - 11 - 30);
        let pki = pki(db.dir.path(), today);
        let app = demo_app(config(&db, &pki, today), 12).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let (person, _, hr, head, stranger) = cast(&app, &admin).await;
        correct_directly(&app, &hr, person).await;
        let batch = app
            .prepare_batch(
                &head,
                PrepareBatch {
                    person_ids: Some(vec![person]),
                    override_window: None,
                },
                &client,
            )
            .await
            .unwrap();

        // Since then the head's approver grant has moved to another unit.
        let moved = Actor::new(
            head.account_id,
            head.username.clone(),
            head.display_name.clone(),
            head.person_id,
            vec![hoso_app::Grant {
                role: hoso_domain::access::Role::Approver,
                ..stranger.grants[0].clone()
            }],
        );
        let refused = app
            .sign_batch(
                &moved,
                batch.id,
                SignBatch {
                    pkcs12: Some(p12(&pki, &pki.signer)),
                    password: Some("ky-so".into()),
                    ..Default::default()
                },
                &client,
            )
            .await;
        assert!(
            matches!(refused, Err(AppError::Forbidden)),
            "{}: {refused:?}",
            db.label
        );
        assert_eq!(official(&app, &admin, person).await, (1, 2), "{}", db.label);

        // With its grant where it was, the same head signs.
        let signed = app
            .sign_batch(
                &head,
                batch.id,
                SignBatch {
                    pkcs12: Some(p12(&pki, &pki.signer)),
                    password: Some("ky-so".into()),
                    ..Default::default()
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(signed.state, "signed");
        assert_eq!(official(&app, &admin, person).await, (2, 2), "{}", db.label);
    }
}
