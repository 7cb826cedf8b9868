//! Decisions and sheets from the province's Word templates (issue 13 item 3), through the API:
//! the built-in templates filled for a movement, a record and a unit's accounts; a template of
//! the province's own (with a field Word split across runs) used at once; templates naming an
//! unknown field, or not Word at all, refused naming the problem and changing nothing; rights
//! before everything. The filled documents are read back with LibreOffice and `pdftotext`
//! (a test whose tool is absent says so; `.ci/run` installs them).

mod common;

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::StatusCode;
use common::world::{Target, Who, World};
use common::{Client, databases, tool};
use hoso_domain::schema::fixtures::RecordBuilder;
use serde_json::{Value, json};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn output_dir(label: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hoso-web-templates")
        .join(label);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn get_file(client: &Client, uri: &str) -> (StatusCode, Vec<u8>) {
    let (status, headers, bytes) = client
        .exchange_bytes("GET", uri, "application/json", Vec::new())
        .await;
    if status == StatusCode::OK {
        assert_eq!(
            headers.get("content-type").unwrap().to_str().unwrap(),
            DOCX,
            "{uri}"
        );
        assert!(bytes.starts_with(b"PK"), "{uri}: a zip");
    }
    (status, bytes)
}

async fn put_template(client: &Client, kind: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let (status, _, body) = client
        .exchange_bytes(
            "PUT",
            &format!("/api/v1/document-templates/{kind}?file_name=mau-cua-tinh.docx"),
            DOCX,
            bytes,
        )
        .await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// The DOCX with its main part rewritten (as a province's clerk would in Word).
fn rewrite(docx: &[u8], edit: impl Fn(String) -> String) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut out = Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            if name == "word/document.xml" {
                bytes = edit(String::from_utf8(bytes).unwrap()).into_bytes();
            }
            w.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(&bytes).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}

/// The text of every DOCX in `dir` as LibreOffice reads it (converted to PDF, then
/// `pdftotext`), whitespace folded; `None` without the tools.
fn read_back(dir: &Path, names: &[&str]) -> Option<Vec<String>> {
    if !tool("soffice") || !tool("pdftotext") {
        return None;
    }
    let files: Vec<PathBuf> = names
        .iter()
        .map(|n| dir.join(format!("{n}.docx")))
        .collect();
    common::libreoffice_to_pdf(&dir.join("pdf"), &files);
    Some(
        names
            .iter()
            .map(|n| {
                let pdf = dir.join("pdf").join(format!("{n}.pdf"));
                let out = Command::new("pdftotext")
                    .args(["-raw", "-enc", "UTF-8"])
                    .arg(&pdf)
                    .arg("-")
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{n}: {}", pdf.display());
                String::from_utf8(out.stdout)
                    .unwrap()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect(),
    )
}

#[tokio::test]
async fn decisions_and_sheets_print_from_the_provinces_templates() {
    for db in databases().await {
        let w = World::on(&db, hoso_store::testing::today()).await;
        let admin = &w.clients[&Who::SystemAdmin];
        let hr = &w.clients[&Who::UnitAdmin];
        let person = w.person(Target::Inside);
        let dir = output_dir(db.label);

        // Five kinds, all on the built-in template, each with its fields listed.
        let list = admin.get("/api/v1/document-templates").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        let kinds = list.body.as_array().unwrap();
        assert_eq!(kinds.len(), 5);
        assert!(kinds.iter().all(|k| k["custom"] == false));
        let decision_kind = kinds
            .iter()
            .find(|k| k["kind"] == "quyet-dinh-dieu-dong")
            .unwrap();
        assert!(
            decision_kind["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["name"] == "so_quyet_dinh")
        );

        // The HR officer prints a record's decisions and a movement's documents.
        let (s, step) = get_file(
            hr,
            &format!("/api/v1/persons/{person}/decisions/quyet-dinh-nang-bac-luong"),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&step));
        let (s, retirement) = get_file(
            hr,
            &format!("/api/v1/persons/{person}/decisions/thong-bao-nghi-huu"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let movement = w.fresh_movement(Target::Inside, false).await;
        let m = hr.get(&format!("/api/v1/movements/{movement}")).await;
        assert_eq!(m.status, StatusCode::OK);
        let (s, decision) = get_file(
            hr,
            &format!("/api/v1/movements/{movement}/documents/quyet-dinh-dieu-dong"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, handover) = get_file(
            hr,
            &format!("/api/v1/movements/{movement}/documents/bien-ban-ban-giao-ho-so"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        // The hand-over sheet of a unit's new accounts, made with the codes.
        let unit = w.unit(Target::Inside);
        let fresh = w.fresh_person(Target::Inside).await;
        let fresh_name = admin.get(&format!("/api/v1/persons/{fresh}")).await.body["record"]
            ["general"]["birth_full_name"]
            .as_str()
            .unwrap()
            .to_string();
        let (s, _, sheet) = hr
            .exchange_bytes(
                "POST",
                &format!("/api/v1/org-units/{unit}/personal-accounts/sheet"),
                "application/json",
                json!({"request_ref": "Công văn 12/SNV"})
                    .to_string()
                    .into_bytes(),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&sheet)
        );

        // The province's own decision: a title of its own, and the signer's field split across
        // two runs as Word does when a word is retyped.
        let (s, built_in) =
            get_file(admin, "/api/v1/document-templates/quyet-dinh-dieu-dong").await;
        assert_eq!(s, StatusCode::OK);
        assert!(String::from_utf8_lossy(&built_in).len() > 1000);
        let own = rewrite(&built_in, |xml| {
            assert!(
                xml.contains("{{nguoi_ky}}"),
                "the built-in decision names its signer"
            );
            xml.replace("QUYẾT ĐỊNH:", "QUYẾT ĐỊNH CỦA TỈNH THỬ NGHIỆM:")
                .replace("{{nguoi_ky}}", "{{nguoi</w:t></w:r><w:r><w:t>_ky}}")
        });
        // Refused first, and nothing changes: an unknown field (named), a file that is not Word,
        // an upload by someone else than the system administrator (403 whatever the file).
        let misspelt = rewrite(&built_in, |xml| {
            xml.replace("{{so_quyet_dinh}}", "{{so_quyet_dnh}}")
        });
        let (s, body) = put_template(admin, "quyet-dinh-dieu-dong", misspelt).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("“so_quyet_dnh”"), "{message}");
        let (s, body) =
            put_template(admin, "quyet-dinh-dieu-dong", b"PK\x03\x04 rac".to_vec()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("không phải văn bản Word"),
            "{body}"
        );
        let (s, _) = put_template(hr, "quyet-dinh-dieu-dong", own.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = put_template(admin, "khong-co-loai-nay", own.clone()).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let list = admin.get("/api/v1/document-templates").await;
        assert!(
            list.body
                .as_array()
                .unwrap()
                .iter()
                .all(|k| k["custom"] == false)
        );

        let (s, body) = put_template(admin, "quyet-dinh-dieu-dong", own).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["custom"], true);
        assert_eq!(body["file_name"], "mau-cua-tinh.docx");
        let (s, own_decision) = get_file(
            hr,
            &format!("/api/v1/movements/{movement}/documents/quyet-dinh-dieu-dong"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        // What is downloaded as the template in use is the province's file.
        let (_, in_use) = get_file(admin, "/api/v1/document-templates/quyet-dinh-dieu-dong").await;
        assert!(rewrite(&in_use, |x| x).len() > 100);
        let mut in_use_xml = String::new();
        zip::ZipArchive::new(Cursor::new(&in_use))
            .unwrap()
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut in_use_xml)
            .unwrap();
        assert!(in_use_xml.contains("TỈNH THỬ NGHIỆM"));
        // Back to the built-in one.
        let r = admin
            .send_json(
                "DELETE",
                "/api/v1/document-templates/quyet-dinh-dieu-dong",
                Value::Null,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["custom"], false);

        // Bad requests for documents: out of scope, not the HR officer, a record lacking what
        // the decision needs, a kind that is not about a record.
        let outside = w.person(Target::Outside);
        let (s, _) = get_file(
            hr,
            &format!("/api/v1/persons/{outside}/decisions/thong-bao-nghi-huu"),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let viewer = &w.clients[&Who::Viewer];
        let (s, _) = get_file(
            viewer,
            &format!("/api/v1/persons/{person}/decisions/thong-bao-nghi-huu"),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let worker = admin
            .post(
                "/api/v1/persons",
                json!({"unit_id": unit, "record": RecordBuilder::contract_worker()
                    .national_id("020090000812").build()}),
            )
            .await;
        assert_eq!(worker.status, StatusCode::CREATED, "{}", worker.body);
        let worker = worker.body["id"].as_i64().unwrap();
        let (s, body) = get_file(
            hr,
            &format!("/api/v1/persons/{worker}/decisions/quyet-dinh-nang-bac-luong"),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(
            String::from_utf8_lossy(&body).contains("chưa đủ mã ngạch"),
            "{}",
            String::from_utf8_lossy(&body)
        );
        let (s, _) = get_file(
            hr,
            &format!("/api/v1/persons/{person}/decisions/quyet-dinh-dieu-dong"),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Printing and template changes are audited.
        let audit = admin
            .get("/api/v1/audit?action=document.print&per_page=50")
            .await;
        assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
        assert!(
            audit.body["items"].as_array().unwrap().len() >= 5,
            "{}",
            audit.body
        );
        let audit = admin
            .get("/api/v1/audit?action=document_template.put&per_page=50")
            .await;
        assert_eq!(
            audit.body["items"].as_array().unwrap().len(),
            1,
            "{}",
            audit.body
        );

        // Read back by LibreOffice: every field filled, none left in braces.
        for (name, bytes) in [
            ("step", &step),
            ("retirement", &retirement),
            ("decision", &decision),
            ("handover", &handover),
            ("sheet", &sheet),
            ("own-decision", &own_decision),
        ] {
            std::fs::write(dir.join(format!("{name}.docx")), bytes).unwrap();
        }
        let Some(texts) = read_back(
            &dir,
            &[
                "step",
                "retirement",
                "decision",
                "handover",
                "sheet",
                "own-decision",
            ],
        ) else {
            continue;
        };
        for t in &texts {
            assert!(!t.contains("{{") && !t.contains("}}"), "{t}");
            assert!(t.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "{t}");
        }
        let [step, retirement, decision, handover, sheet, own_decision] = &texts[..] else {
            unreachable!()
        };
        let name = m.body["full_name"].as_str().unwrap();
        // The step and the birth date as the record holds them (the rules themselves are
        // unit-tested in hoso-domain).
        let record = &admin.get(&format!("/api/v1/persons/{person}")).await.body["record"];
        let step_now = record["salary"]["salary_step"].as_i64().unwrap();
        let code = record["salary"]["rank_or_title_code"].as_str().unwrap();
        assert!(
            step.contains(&format!("(mã số {code}), từ bậc {step_now}, hệ số")),
            "{step}"
        );
        assert!(
            step.contains(&format!("lên bậc {}, hệ số", step_now + 1)),
            "{step}"
        );
        assert!(step.contains("kể từ ngày "), "{step}");
        let born = record["general"]["date_of_birth"].as_str().unwrap();
        let born = format!("{}/{}/{}", &born[8..10], &born[5..7], &born[0..4]);
        assert!(
            retirement.contains(&format!("sinh ngày {born}")),
            "{retirement}"
        );
        assert!(
            retirement.contains("thời điểm nghỉ hưu là ngày 01/"),
            "{retirement}"
        );
        assert!(decision.contains(name), "{decision}");
        assert!(
            decision.contains(m.body["decision_number"].as_str().unwrap()),
            "{decision}"
        );
        assert!(
            decision.contains(m.body["signer"].as_str().unwrap()),
            "{decision}"
        );
        assert!(handover.contains("mã băm SHA-256"), "{handover}");
        assert!(handover.contains(name), "{handover}");
        assert!(sheet.contains(&fresh_name), "{sheet}");
        assert!(
            sheet
                .split_whitespace()
                .any(|w| w.len() == 14 && w.chars().filter(|c| *c == '-').count() == 2),
            "an activation code: {sheet}"
        );
        assert!(
            own_decision.contains("QUYẾT ĐỊNH CỦA TỈNH THỬ NGHIỆM:"),
            "{own_decision}"
        );
        assert!(
            own_decision.contains(m.body["signer"].as_str().unwrap()),
            "the split field filled: {own_decision}"
        );
    }
}
