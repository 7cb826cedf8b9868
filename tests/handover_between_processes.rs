//! A record handed over by one Hoso process and received by another (issue 14, item 2): two
//! `hoso serve` processes, each on a database of its own, trusting the same root. Province A
//! transfers a person out of the province, its head signs the record, its HR officer hands it
//! over as a signed package; the package is checked by `hoso verify-package`; province B,
//! started on a later day with a regulation of its own, receives it through the JSON API. A
//! package changed in transit is refused by B and creates nothing.

mod common;

use base64::Engine;
use common::{Api, Server, hoso, succeed};
use hoso_app::signing::{Authority, Usage};
use hoso_domain::schema::fixtures::RecordBuilder;
use hoso_store::testing::databases;
use reqwest::Method;
use serde_json::{Value, json};

const DAY: i64 = 86_400;

/// The body of a request sent as bytes, and the answer's bytes.
async fn raw(api: &Api, method: Method, path: &str, body: Option<Vec<u8>>) -> (u16, Vec<u8>) {
    let mut request = api
        .http
        .request(method, format!("{}{path}", api.base))
        .bearer_auth(&api.token);
    if let Some(body) = body {
        request = request
            .header(reqwest::header::CONTENT_TYPE, "application/zip")
            .body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

async fn ok(api: &Api, method: Method, path: &str, body: Value) -> Value {
    let (status, answer) = api.call(method, path, Some(&body)).await.unwrap();
    assert!((200..300).contains(&status), "{path}: {status} {answer}");
    answer
}

async fn first_unit(api: &Api) -> i64 {
    let (_, list) = api
        .call(Method::GET, "/api/v1/persons?per_page=1", None)
        .await
        .unwrap();
    list["items"][0]["unit_id"].as_i64().unwrap()
}

async fn people(api: &Api) -> i64 {
    let (_, list) = api
        .call(Method::GET, "/api/v1/persons?per_page=1", None)
        .await
        .unwrap();
    list["total"].as_i64().unwrap()
}

#[tokio::test]
async fn a_record_handed_over_by_one_process_is_received_by_another() {
    for (here, there) in databases().await.into_iter().zip(databases().await) {
        let label = here.label;
        let now = hoso_app::Clock::on(time::macros::date!(2026 - 04 - 30)).now_seconds();
        let root = Authority::issue(
            "Hoso Test Root",
            Usage::CertificateAuthority,
            now - 400 * DAY,
            now + 4000 * DAY,
            None,
        )
        .unwrap();
        let signer = Authority::issue(
            "Thủ trưởng đơn vị",
            Usage::Signing,
            now - DAY,
            now + 365 * DAY,
            Some(&root),
        )
        .unwrap();
        let roots = here.dir.path().join("roots.pem");
        std::fs::write(&roots, root.cert.to_pem().unwrap()).unwrap();
        let p12 = base64::engine::general_purpose::STANDARD
            .encode(signer.to_pkcs12(&[], "ky-so").unwrap());
        let province = |day: &str, preset: &str| {
            vec![
                ("HOSO_FIXED_TODAY", day.to_string()),
                ("HOSO_DEADLINE_PRESET", preset.to_string()),
                ("HOSO_TRUSTED_ROOTS", roots.display().to_string()),
            ]
        };

        // Province A, on Thu 30/04/2026.
        let a = Server::start_with(&here, &province("2026-04-30", "lang-son-2023"));
        let admin = Api::login(&a, "admin").await;
        let unit = first_unit(&admin).await;
        let record = RecordBuilder::civil_servant()
            .national_id("004185001234")
            .name("NGUYỄN THỊ CHUYỂN")
            .build();
        let created = ok(
            &admin,
            Method::POST,
            "/api/v1/persons",
            json!({"unit_id": unit, "record": record}),
        )
        .await;
        let person = created["id"].as_i64().unwrap();
        ok(
            &admin,
            Method::POST,
            &format!("/api/v1/persons/{person}/status-decisions"),
            json!({"kind": "chuyen_ra_ngoai_tinh", "decision_number": "45/QĐ-UBND",
                   "decision_date": "2026-04-20", "signer": "Chủ tịch UBND tỉnh",
                   "effective_date": "2026-04-30", "note": "Sở Nội vụ tỉnh Cao Bằng"}),
        )
        .await;
        // The head of the unit signs it (the demo's approver account of each unit).
        let (_, units) = admin
            .call(Method::GET, "/api/v1/org-units", None)
            .await
            .unwrap();
        let code = units
            .as_array()
            .and_then(|all| all.iter().find(|u| u["id"] == unit))
            .and_then(|u| u["code"].as_str())
            .expect("the unit's code")
            .to_lowercase();
        let head = Api::login(&a, &format!("pd.{code}")).await;
        let batch = ok(
            &head,
            Method::POST,
            "/api/v1/approvals",
            json!({"person_ids": [person]}),
        )
        .await;
        ok(
            &head,
            Method::POST,
            &format!("/api/v1/approvals/{}/sign", batch["id"]),
            json!({"pkcs12": p12, "password": "ky-so"}),
        )
        .await;
        let handed = ok(
            &admin,
            Method::POST,
            &format!("/api/v1/persons/{person}/handovers"),
            json!({"counterpart": "Sở Nội vụ tỉnh Cao Bằng"}),
        )
        .await;
        assert_eq!(handed["versions_in_package"], 2, "{label}: {handed}");
        let (status, package) = raw(
            &admin,
            Method::GET,
            &format!("/api/v1/handovers/{}/package", handed["id"]),
            None,
        )
        .await;
        assert_eq!(status, 200, "{label}");
        a.kill();
        let zip = there.dir.path().join("ho-so-ban-giao.zip");
        std::fs::write(&zip, &package).unwrap();

        // The package checks out outside any server, against the same root.
        let mut verify = hoso(&there, &["verify-package", &zip.display().to_string()]);
        verify.env("HOSO_TRUSTED_ROOTS", roots.display().to_string());
        let said = succeed(&there, verify);
        assert!(said.contains("package valid"), "{label}: {said}");
        assert!(said.contains("Thủ trưởng đơn vị"), "{label}: {said}");

        // Province B, a process of its own on another database, on Tue 12/05/2026.
        let b = Server::start_with(&there, &province("2026-05-12", "dong-thap-2024"));
        let admin_b = Api::login(&b, "admin").await;
        let unit_b = first_unit(&admin_b).await;
        let before = people(&admin_b).await;
        let receive = format!(
            "/api/v1/handovers/receive?unit_id={unit_b}&counterpart=S%E1%BB%9F%20N%E1%BB%99i%20v%E1%BB%A5%20t%E1%BB%89nh%20L%E1%BA%A1ng%20S%C6%A1n&decision_number=12%2FQD-SNV&decision_date=2026-05-08&effective_date=2026-05-11"
        );
        let mut tampered = package.clone();
        let at = tampered.len() / 2;
        tampered[at] ^= 0x55;
        let (status, answer) = raw(&admin_b, Method::POST, &receive, Some(tampered)).await;
        assert_eq!(status, 400, "{label}: {}", String::from_utf8_lossy(&answer));
        assert_eq!(people(&admin_b).await, before, "{label}");
        let (status, answer) = raw(&admin_b, Method::POST, &receive, Some(package)).await;
        assert_eq!(status, 201, "{label}: {}", String::from_utf8_lossy(&answer));
        let received: Value = serde_json::from_slice(&answer).unwrap();
        assert_eq!(received["direction"], "in");
        assert_eq!(received["origin_person_id"], person);
        assert_eq!(received["versions_in_package"], 2);
        assert_eq!(
            received["signer_subject"]
                .as_str()
                .map(|s| s.contains("Thủ trưởng đơn vị")),
            Some(true)
        );
        assert_eq!(people(&admin_b).await, before + 1, "{label}");
        let new_person = received["person_id"].as_i64().unwrap();
        let (status, view) = admin_b
            .call(Method::GET, &format!("/api/v1/persons/{new_person}"), None)
            .await
            .unwrap();
        assert_eq!(status, 200);
        assert_eq!(view["unit_id"], unit_b, "{label}: {view}");
        assert_eq!(view["status"], "working", "{label}");
        assert_eq!(
            view["record"]["general"]["birth_full_name"], "NGUYỄN THỊ CHUYỂN",
            "{label}: {view}"
        );
        // Received once: the same package again is refused.
        let (status, _) = raw(
            &admin_b,
            Method::POST,
            &receive,
            Some(std::fs::read(&zip).unwrap()),
        )
        .await;
        assert_eq!(status, 409, "{label}");
        b.kill();
    }
}
