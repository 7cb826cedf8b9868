//! The printed sơ yếu lý lịch (mẫu 2C) through the API, read back with tools no one here
//! wrote: `pdftotext` finds every value the use case printed (diacritics exact), the fields
//! above the reader's clearance are not there, LibreOffice opens the DOCX; page images of a
//! person with long histories are kept in the test output (`target/tmp/hoso-web-2c`). A test
//! whose tool is absent says so and passes; `.ci/run` installs them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::{StatusCode, header};
use common::world::{Target, Who, World};
use common::{Client, databases, tool};
use serde_json::{Value, json};

fn output_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hoso-web-2c");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct File {
    status: StatusCode,
    content_type: String,
    bytes: Vec<u8>,
}

impl File {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn download(client: &Client, uri: &str) -> File {
    let (status, headers, bytes) = client
        .exchange_bytes("GET", uri, "application/json", Vec::new())
        .await;
    File {
        status,
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string(),
        bytes,
    }
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every value the form holds (header, items, tables, the declarant's name).
fn values_of(form: &hoso_export::document::Form2c) -> Vec<String> {
    let mut out: Vec<String> = form.header.iter().map(|l| l.value.clone()).collect();
    for item in &form.items {
        out.extend(item.fields.iter().map(|l| l.value.clone()));
        out.extend(item.texts.iter().map(|l| l.value.clone()));
        for t in &item.tables {
            out.extend(t.rows.iter().flatten().cloned());
        }
    }
    out.extend(form.signatures.iter().map(|s| s.name.clone()));
    out.retain(|v| !v.trim().is_empty());
    out
}

fn month(year: i32, index: i32) -> String {
    let m = index.rem_euclid(12) + 1;
    format!("{}-{m:02}", year + index.div_euclid(12))
}

/// Gives the record long histories (work, trainings, family, salary) with Vietnamese text.
async fn lengthen(admin: &Client, person: i64) -> i64 {
    let r = admin.get(&format!("/api/v1/persons/{person}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut record = r.body["record"].clone();
    let version = r.body["current_version"].as_i64().unwrap();
    let born: i32 = record["general"]["date_of_birth"].as_str().unwrap()[0..4]
        .parse()
        .unwrap();
    let start = born + 16;
    record["work_history"] = Value::Array(
        (0..40)
            .map(|i| {
                json!({"from": month(start, i), "to": month(start, i + 1),
                    "unit": format!("Phòng Tổ chức cán bộ, Sở Nội vụ — đợt luân chuyển thứ {i}"),
                    "title_or_position": format!("Chuyên viên phụ trách thi đua, khen thưởng {i}")})
            })
            .collect(),
    );
    record["salary_history"] = Value::Array(
        (0..30)
            .map(|i| {
                json!({"from": month(start, i), "to": month(start, i + 1),
                    "salary_step": i % 9 + 1, "salary_coefficient": 2.34 + f64::from(i % 9) * 0.33})
            })
            .collect(),
    );
    record["professional_trainings"] = Value::Array(
        (0..20)
            .map(|i| {
                json!({"from": month(start, i), "to": month(start, i + 1),
                    "institution": format!("Học viện Hành chính Quốc gia, phân viện Huế {i}"),
                    "major": "Quản lý nhà nước về tổ chức bộ máy",
                    "training_mode": "Vừa làm vừa học"})
            })
            .collect(),
    );
    record["family_members"] = Value::Array(
        (0..25)
            .map(|i| {
                json!({"side": if i % 3 == 0 { "ben_vo_chong" } else { "ban_than" },
                    "relationship": "cac_con",
                    "full_name": format!("Nguyễn Thị Ỷ Lan {i}"),
                    "birth_year": 1990 + (i % 20),
                    "occupation": "Giáo viên trường Tiểu học Điện Hồng",
                    "details": "Đảng viên; không tiền án, tiền sự"})
            })
            .collect(),
    );
    let r = admin
        .send_json(
            "PUT",
            &format!("/api/v1/persons/{person}/record"),
            json!({"expected_version": version, "record": record, "note": "Bổ sung quá trình"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["current_version"].as_i64().unwrap()
}

#[tokio::test]
async fn form_2c_prints_what_the_reader_sees() {
    for db in databases().await {
        let w = World::on(&db, hoso_store::testing::today()).await;
        let person = w.person(Target::Inside);
        let version = lengthen(&w.admin, person).await;
        let admin = &w.clients[&Who::SystemAdmin];
        let viewer = &w.clients[&Who::Viewer];

        // The model the use case prints, for the administrator (whole record) and the viewer
        // (clearance "internal").
        let request = hoso_app::documents::PrintRequest {
            person_id: person,
            version: Some(version),
            format: "pdf",
        };
        let client = hoso_app::ClientInfo::default();
        let admin_actor = w
            .app
            .authenticate(admin.token.as_deref().unwrap())
            .await
            .unwrap();
        let viewer_actor = w
            .app
            .authenticate(viewer.token.as_deref().unwrap())
            .await
            .unwrap();
        let full = w
            .app
            .form_2c(&admin_actor, &request, &client)
            .await
            .unwrap();
        let partial = w
            .app
            .form_2c(&viewer_actor, &request, &client)
            .await
            .unwrap();
        assert!(full.footer.contains(&format!("Phiên bản {version}")));
        let hidden: Vec<String> = values_of(&full)
            .into_iter()
            .filter(|v| !values_of(&partial).contains(v) && v.len() > 6)
            .collect();
        assert!(
            !hidden.is_empty(),
            "the viewer sees less than the administrator"
        );

        let dir = output_dir().join(db.label);
        std::fs::create_dir_all(&dir).unwrap();
        let pdf = download(
            admin,
            &format!("/api/v1/persons/{person}/documents/2c?format=pdf&version={version}"),
        )
        .await;
        assert_eq!(pdf.status, StatusCode::OK, "{:?}", pdf.json());
        assert_eq!(pdf.content_type, "application/pdf");
        assert!(pdf.bytes.starts_with(b"%PDF-"));
        let viewer_pdf = download(
            viewer,
            &format!("/api/v1/persons/{person}/documents/2c?version={version}"),
        )
        .await;
        assert_eq!(viewer_pdf.status, StatusCode::OK);
        let docx = download(
            admin,
            &format!("/api/v1/persons/{person}/documents/2c?format=docx&version={version}"),
        )
        .await;
        assert_eq!(docx.status, StatusCode::OK);
        assert!(docx.content_type.contains("wordprocessingml"));
        assert!(docx.bytes.starts_with(b"PK"));
        // Without a version, the official one (the current one for a record never approved).
        let approvals = admin
            .get(&format!("/api/v1/persons/{person}/approvals"))
            .await;
        let official = approvals.body["official_version"].as_i64().unwrap();
        let default_version = if official >= 1 && official < version {
            official
        } else {
            version
        };
        let default = w
            .app
            .form_2c(
                &admin_actor,
                &hoso_app::documents::PrintRequest {
                    version: None,
                    ..request.clone()
                },
                &client,
            )
            .await
            .unwrap();
        assert!(
            default
                .footer
                .contains(&format!("Phiên bản {default_version} ")),
            "{}",
            default.footer
        );
        // Version 1, before the histories: a version of the past prints as it was.
        let first = download(
            admin,
            &format!("/api/v1/persons/{person}/documents/2c?version=1"),
        )
        .await;
        assert_eq!(first.status, StatusCode::OK);

        let pdf_path = dir.join("2c-admin.pdf");
        std::fs::write(&pdf_path, &pdf.bytes).unwrap();
        let viewer_path = dir.join("2c-viewer.pdf");
        std::fs::write(&viewer_path, &viewer_pdf.bytes).unwrap();
        let docx_path = dir.join("2c-admin.docx");
        std::fs::write(&docx_path, &docx.bytes).unwrap();
        let first_path = dir.join("2c-version-1.pdf");
        std::fs::write(&first_path, &first.bytes).unwrap();

        if tool("pdftotext") {
            let text = folded(&pdftotext(&pdf_path));
            for v in values_of(&full) {
                assert!(text.contains(&folded(&v)), "«{v}» printed");
            }
            assert!(text.contains("Phòng Tổ chức cán bộ, Sở Nội vụ — đợt luân chuyển thứ 39"));
            assert!(text.contains("Nguyễn Thị Ỷ Lan 24"));
            let viewer_text = folded(&pdftotext(&viewer_path));
            for v in values_of(&partial) {
                assert!(
                    viewer_text.contains(&folded(&v)),
                    "«{v}» printed for the viewer"
                );
            }
            for v in &hidden {
                assert!(
                    !viewer_text.contains(&folded(v)),
                    "«{v}» is above the viewer's clearance and is not printed"
                );
            }
            let first_text = folded(&pdftotext(&first_path));
            assert!(first_text.contains("Phiên bản 1"));
            assert!(!first_text.contains("đợt luân chuyển thứ 39"));
        }
        if tool("pdffonts") {
            let out = Command::new("pdffonts").arg(&pdf_path).output().unwrap();
            let fonts = String::from_utf8(out.stdout).unwrap();
            for row in fonts.lines().skip(2) {
                let cols: Vec<&str> = row.split_whitespace().collect();
                assert_eq!(cols[cols.len() - 5], "yes", "embedded: {row}");
            }
        }
        if tool("pdftoppm") {
            let status = Command::new("pdftoppm")
                .args(["-png", "-r", "70"])
                .arg(&pdf_path)
                .arg(dir.join("2c-admin-page"))
                .status()
                .unwrap();
            assert!(status.success());
            eprintln!("page images in {}", dir.display());
        }
        if tool("soffice") && tool("pdftotext") {
            common::libreoffice_to_pdf(&dir.join("docx"), std::slice::from_ref(&docx_path));
            // In a folder of its own: the converted file must not replace the PDF printed above.
            let converted = dir.join("docx").join("2c-admin.pdf");
            let text = folded(&pdftotext(&converted));
            for v in values_of(&full) {
                assert!(text.contains(&folded(&v)), "«{v}» in the DOCX");
            }
        }

        // Printing is audited, with the version and the format.
        let audit = admin
            .get("/api/v1/audit?action=record.print&per_page=50")
            .await;
        assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
        let items = audit.body["items"].as_array().unwrap();
        assert!(items.len() >= 5, "{}", audit.body);
        assert!(items.iter().any(|e| e["detail"]["format"] == "docx"));
    }
}

#[tokio::test]
async fn bad_print_requests_produce_nothing() {
    for db in databases().await {
        let w = World::on(&db, hoso_store::testing::today()).await;
        let unit_admin = &w.clients[&Who::UnitAdmin];
        let admin = &w.clients[&Who::SystemAdmin];
        let inside = w.person(Target::Inside);
        let outside = w.person(Target::Outside);

        // Out of scope: "not found", as for the record itself.
        let r = download(
            unit_admin,
            &format!("/api/v1/persons/{outside}/documents/2c"),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.json()["error"]["message"], "Không tìm thấy hồ sơ.");
        // A version that does not exist.
        let r = download(
            admin,
            &format!("/api/v1/persons/{inside}/documents/2c?version=999"),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(
            r.json()["error"]["message"],
            "Không có phiên bản này của hồ sơ."
        );
        // Not a version number, not a format.
        let r = download(
            admin,
            &format!("/api/v1/persons/{inside}/documents/2c?version=0"),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("phiên bản")
        );
        let r = download(
            admin,
            &format!("/api/v1/persons/{inside}/documents/2c?format=odt"),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("pdf hoặc docx")
        );
        // Nothing was printed.
        let audit = admin.get("/api/v1/audit?action=record.print").await;
        assert_eq!(
            audit.body["items"].as_array().unwrap().len(),
            0,
            "{}",
            audit.body
        );
    }
}

#[tokio::test]
async fn a_unit_prints_as_one_zip_of_everyone_in_service() {
    for db in databases().await {
        let w = World::on(&db, hoso_store::testing::today()).await;
        let unit_admin = &w.clients[&Who::UnitAdmin];
        let admin = &w.clients[&Who::SystemAdmin];
        let unit = w.unit(Target::Inside);
        let outside = w.unit(Target::Outside);
        let staff = admin
            .get(&format!("/api/v1/persons?unit={unit}&per_page=200"))
            .await;
        let expected = staff.body["total"].as_i64().unwrap();
        assert!(expected >= 1, "{}", staff.body);

        let r = download(
            unit_admin,
            &format!("/api/v1/org-units/{unit}/documents/2c"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
        assert_eq!(r.content_type, "application/zip");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.bytes)).unwrap();
        assert_eq!(zip.len() as i64, expected, "one file a person");
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        for item in staff.body["items"].as_array().unwrap() {
            let tail = format!("({}).pdf", item["id"]);
            assert!(
                names
                    .iter()
                    .any(|n| n.ends_with(&tail) && n.contains(item["full_name"].as_str().unwrap())),
                "{tail} in {names:?}"
            );
        }
        for i in 0..zip.len() {
            let mut file = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut bytes).unwrap();
            assert!(bytes.starts_with(b"%PDF-"), "{:?}", file.name());
        }
        // Each print is audited.
        let audit = admin
            .get("/api/v1/audit?action=record.print&per_page=200")
            .await;
        assert_eq!(
            audit.body["items"].as_array().unwrap().len() as i64,
            expected,
            "{}",
            audit.body
        );

        // Another unit's staff is not the unit administrator's: not found, nothing printed.
        let r = download(
            unit_admin,
            &format!("/api/v1/org-units/{outside}/documents/2c?format=docx"),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{:?}", r.json());
        let r = download(
            admin,
            &format!("/api/v1/org-units/{unit}/documents/2c?format=odt"),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let audit = admin
            .get("/api/v1/audit?action=record.print&per_page=200")
            .await;
        assert_eq!(
            audit.body["items"].as_array().unwrap().len() as i64,
            expected
        );
    }
}
