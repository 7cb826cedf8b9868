//! The world of the authorization matrices (`tests/authz.rs` for the API, `tests/authz_pages.rs`
//! for the pages): the demo province, one account of each role over the same unit, a target
//! inside that unit and one outside it, and the fixtures the cells act on.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::http::StatusCode;
use hoso_app::App;
use hoso_domain::schema::RecordDoc;
use hoso_domain::schema::fixtures::RecordBuilder;
use serde_json::{Value, json};

use super::{Client, TestDb};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Who {
    SystemAdmin,
    UnitAdmin,
    /// A lãnh đạo / viewer account over the unit administrator's unit (read-only grant).
    Viewer,
    /// A thủ trưởng / approver account over the same unit (writable grant: it signs).
    Approver,
    Individual,
    Anonymous,
}

pub const EVERYONE: [Who; 6] = [
    Who::SystemAdmin,
    Who::UnitAdmin,
    Who::Viewer,
    Who::Approver,
    Who::Individual,
    Who::Anonymous,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Inside the unit of the unit administrator, viewer and approver; the individual's own
    /// record/session.
    Inside,
    /// In another unit; someone else's record/session.
    Outside,
}

/// Expected statuses (inside, outside) for the five signed-in roles; anonymous callers get one
/// status whatever the target.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub system_admin: (u16, u16),
    pub unit_admin: (u16, u16),
    pub viewer: (u16, u16),
    pub approver: (u16, u16),
    pub individual: (u16, u16),
    pub anonymous: u16,
}

impl Rule {
    pub fn expect(&self, who: Who, target: Target) -> u16 {
        let pair = match who {
            Who::SystemAdmin => self.system_admin,
            Who::UnitAdmin => self.unit_admin,
            Who::Viewer => self.viewer,
            Who::Approver => self.approver,
            Who::Individual => self.individual,
            Who::Anonymous => return self.anonymous,
        };
        match target {
            Target::Inside => pair.0,
            Target::Outside => pair.1,
        }
    }

    /// The same status for every signed-in role and target; `anonymous` for anonymous callers.
    pub const fn everyone(status: u16, anonymous: u16) -> Rule {
        Rule {
            system_admin: (status, status),
            unit_admin: (status, status),
            viewer: (status, status),
            approver: (status, status),
            individual: (status, status),
            anonymous,
        }
    }
}

pub const VIEWER_PASSWORD: &str = "Xem-Ho-So#2026";
pub const APPROVER_PASSWORD: &str = "Duyet-Ho-So#2026";

/// A day inside the approval window of November 2026 (its last working day): the approver
/// prepares its batches on it, since only a system administrator may sign outside the window.
pub const WINDOW_DAY: time::Date = time::macros::date!(2026 - 11 - 30);

static SERIAL: AtomicU32 = AtomicU32::new(0);

/// A number never handed out before in this test binary.
pub fn serial() -> u32 {
    SERIAL.fetch_add(1, Ordering::SeqCst)
}

pub async fn login_with(app: &App, username: &str, password: &str) -> Client {
    let mut c = Client::anonymous(app);
    let r = c
        .post(
            "/api/v1/auth/login",
            json!({"username": username, "password": password}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "login {username}: {}", r.body);
    c.token = Some(r.body["token"].as_str().unwrap().to_string());
    c
}

pub fn password_of(who: Who) -> &'static str {
    match who {
        Who::Viewer => VIEWER_PASSWORD,
        Who::Approver => APPROVER_PASSWORD,
        _ => super::PASSWORD,
    }
}

async fn unit_path(app: &App, unit: i64) -> String {
    let mut conn = app.store().reader().await.unwrap();
    hoso_store::org::get(&mut conn, unit)
        .await
        .unwrap()
        .unwrap()
        .path
}

/// The demo province plus the actors and targets of the matrix.
pub struct World {
    pub app: App,
    /// The same database seen on [`WINDOW_DAY`], where the approver prepares its batches.
    pub window_app: App,
    pub admin: Client,
    /// The approver signed in on [`World::window_app`].
    pub window_approver: Client,
    /// A second system administrator, who prepares the batches outside the window: the
    /// records' writers (the administrator's own edits included) never approve them.
    pub batch_admin: Client,
    pub unit_in: i64,
    pub unit_out: i64,
    pub person_in: i64,
    pub person_out: i64,
    pub usernames: BTreeMap<Who, String>,
    pub clients: BTreeMap<Who, Client>,
}

/// A staff account created by the system administrator through the API, with its first
/// password changed to `password`.
async fn staff_account(app: &App, admin: &Client, username: &str, grant: Value, password: &str) {
    let r = admin
        .post(
            "/api/v1/accounts",
            json!({"username": username, "display_name": format!("Thử ma trận {username}"),
                   "grants": [grant], "request_ref": "Công văn 1/SNV"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let temporary = r.body["temporary_password"].as_str().unwrap().to_string();
    let client = login_with(app, username, &temporary).await;
    let r = client
        .post(
            "/api/v1/me/password",
            json!({"current_password": temporary, "new_password": password}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
}

impl World {
    /// The world of a matrix on `db` seen on `today`: the demo province of 40 people.
    pub async fn on(db: &TestDb, today: time::Date) -> World {
        let app = App::start(hoso_app::Config {
            fixed_today: Some(today),
            // A regulation with an approval window (Lai Châu Điều 7 khoản 1: the last 5 working
            // days of the month), so that the matrices meet it on one of their two days.
            deadline_preset: "lai-chau-2024".into(),
            ..super::config(db)
        })
        .await
        .unwrap();
        app.seed_demo(40, super::PASSWORD, &|_, _| {})
            .await
            .unwrap();
        World::new(app).await
    }

    pub async fn new(app: App) -> World {
        let admin = Client::login(&app, "admin").await;
        let list = admin.get("/api/v1/persons?per_page=200").await;
        let people = list.body["items"].as_array().unwrap().clone();
        let first = &people[0];
        let person_in = first["id"].as_i64().unwrap();
        let unit_in = first["unit_id"].as_i64().unwrap();
        let path_in = unit_path(&app, unit_in).await;
        let mut outside = None;
        for p in &people {
            let u = p["unit_id"].as_i64().unwrap();
            let path = unit_path(&app, u).await;
            if !path.starts_with(&path_in) && !path_in.starts_with(&path) {
                outside = Some((p["id"].as_i64().unwrap(), u));
                break;
            }
        }
        let (person_out, unit_out) = outside.expect("two people in unrelated units");

        let accounts = admin.get("/api/v1/accounts?per_page=200").await;
        let unit_admin = accounts.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| {
                a["grants"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|g| g["role"] == "unit_admin" && g["unit_id"] == unit_in)
            })
            .map(|a| a["username"].as_str().unwrap().to_string())
            .expect("the unit has an administrator");
        let individual = {
            let mut conn = app.store().reader().await.unwrap();
            let ids = hoso_store::accounts::ids_of_person(&mut conn, person_in)
                .await
                .unwrap();
            hoso_store::accounts::by_id(&mut conn, ids[0])
                .await
                .unwrap()
                .unwrap()
                .username
        };

        // A viewer (read-only) and an approver (writable: approving is acting) over the same
        // unit, created through the API like any account.
        staff_account(
            &app,
            &admin,
            "xem.matran",
            json!({"role": "viewer", "unit_id": unit_in, "read_only": true}),
            VIEWER_PASSWORD,
        )
        .await;
        staff_account(
            &app,
            &admin,
            "duyet.matran",
            json!({"role": "approver", "unit_id": unit_in, "read_only": false}),
            APPROVER_PASSWORD,
        )
        .await;

        staff_account(
            &app,
            &admin,
            "quantri.duyet",
            json!({"role": "system_admin"}),
            APPROVER_PASSWORD,
        )
        .await;
        let batch_admin = login_with(&app, "quantri.duyet", APPROVER_PASSWORD).await;

        let window_app = App::start(hoso_app::Config {
            fixed_today: Some(WINDOW_DAY),
            ..app.config().clone()
        })
        .await
        .unwrap();
        assert!(
            window_app.approval_window().open,
            "{WINDOW_DAY} is in the window"
        );
        let window_approver = login_with(&window_app, "duyet.matran", APPROVER_PASSWORD).await;

        let mut usernames = BTreeMap::new();
        usernames.insert(Who::SystemAdmin, "admin".to_string());
        usernames.insert(Who::UnitAdmin, unit_admin);
        usernames.insert(Who::Viewer, "xem.matran".to_string());
        usernames.insert(Who::Approver, "duyet.matran".to_string());
        usernames.insert(Who::Individual, individual);
        let mut w = World {
            app,
            window_app,
            admin,
            window_approver,
            batch_admin,
            unit_in,
            unit_out,
            person_in,
            person_out,
            usernames,
            clients: BTreeMap::new(),
        };
        for who in EVERYONE {
            let c = w.fresh_client(who).await;
            w.clients.insert(who, c);
        }
        w
    }

    /// A new session of `who` (an anonymous client for [`Who::Anonymous`]).
    pub async fn fresh_client(&self, who: Who) -> Client {
        match who {
            Who::Anonymous => Client::anonymous(&self.app),
            _ => login_with(&self.app, &self.usernames[&who], password_of(who)).await,
        }
    }

    pub fn unit(&self, target: Target) -> i64 {
        match target {
            Target::Inside => self.unit_in,
            Target::Outside => self.unit_out,
        }
    }

    pub fn person(&self, target: Target) -> i64 {
        match target {
            Target::Inside => self.person_in,
            Target::Outside => self.person_out,
        }
    }

    /// A fresh staff account with a viewer grant on the target's unit: (account id, grant id).
    pub async fn fresh_account(&self, target: Target) -> (i64, i64) {
        let n = serial();
        let r = self
            .admin
            .post(
                "/api/v1/accounts",
                json!({"username": format!("mt.{n}"), "display_name": format!("Tài khoản thử {n}"),
                       "grants": [{"role": "viewer", "unit_id": self.unit(target)}],
                       "request_ref": "Công văn 2/SNV"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        (
            r.body["account"]["id"].as_i64().unwrap(),
            r.body["account"]["grants"][0]["id"].as_i64().unwrap(),
        )
    }

    /// A fresh staff account on the target's unit that has enrolled a TOTP second factor.
    pub async fn fresh_account_with_totp(&self, target: Target) -> i64 {
        let n = serial();
        let username = format!("mt.totp.{n}");
        let r = self
            .admin
            .post(
                "/api/v1/accounts",
                json!({"username": username, "display_name": format!("Tài khoản thử {n}"),
                       "grants": [{"role": "viewer", "unit_id": self.unit(target)}],
                       "request_ref": "Công văn 7/SNV"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["account"]["id"].as_i64().unwrap();
        let temporary = r.body["temporary_password"].as_str().unwrap().to_string();
        let holder = login_with(&self.app, &username, &temporary).await;
        let r = holder.post("/api/v1/me/totp", Value::Null).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let secret = r.body["secret"].as_str().unwrap();
        let code = hoso_app::totp::code_at(secret, (hoso_store::now_ms() / 1000) as u64).unwrap();
        let r = holder
            .post("/api/v1/me/totp/confirm", json!({"code": code}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        id
    }

    /// The public id of a new session: of `who` itself (inside) or of the administrator
    /// (outside; for the administrator, of the unit administrator).
    pub async fn fresh_session_id(&self, who: Who, target: Target) -> String {
        let owner = match (who, target) {
            (Who::Anonymous, _) => Who::UnitAdmin,
            (w, Target::Inside) => w,
            (Who::SystemAdmin, Target::Outside) => Who::UnitAdmin,
            (_, Target::Outside) => Who::SystemAdmin,
        };
        let c = self.fresh_client(owner).await;
        let r = c.get("/api/v1/me/sessions").await;
        r.body
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["current"] == true)
            .expect("the current session is listed")["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A saved search to delete: the caller's own, personal (inside), or another account's
    /// shared with a unit (outside: the system administrator's with the outside unit; for the
    /// system administrator, the unit administrator's with the inside unit, which it sees).
    pub async fn fresh_saved_search_id(&self, who: Who, target: Target) -> i64 {
        let owner = match (who, target) {
            (Who::Anonymous, _) => Who::UnitAdmin,
            (w, Target::Inside) => w,
            (Who::SystemAdmin, Target::Outside) => Who::UnitAdmin,
            (_, Target::Outside) => Who::SystemAdmin,
        };
        let shared = match (owner, target) {
            (_, Target::Inside) if who != Who::Anonymous => serde_json::Value::Null,
            (Who::SystemAdmin, _) => serde_json::json!(self.unit_out),
            _ => serde_json::json!(self.unit_in),
        };
        let c = self.fresh_client(owner).await;
        let n = SERIAL.fetch_add(1, Ordering::Relaxed);
        let r = c
            .post(
                "/api/v1/saved-searches",
                serde_json::json!({"name": format!("Tìm {n}"), "link": "/can-bo", "shared_unit_id": shared}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_i64().unwrap()
    }

    /// A periodic report recorded as sent by the target's unit, with a manifest to sign (put
    /// straight into the register: the matrix runs the national preset, which asks for no
    /// periodic report).
    pub async fn fresh_report_submission(&self, target: Target) -> i64 {
        use hoso_domain::periodic_reports::{REPORT_MANIFEST_FORMAT, ReportManifest};
        let year = 3000 + i64::from(serial());
        let unit_id = self.unit(target);
        let manifest = ReportManifest {
            format: REPORT_MANIFEST_FORMAT.into(),
            rule_id: "matrix.annual_report".into(),
            rule_name: "Báo cáo thử".into(),
            legal_basis: "Thử".into(),
            cycle_year: i32::try_from(year).unwrap(),
            due: "2026-01-15".into(),
            sent_on: "2026-01-14".into(),
            unit_id,
            unit_name: "Đơn vị thử".into(),
            reference: "1/BC".into(),
            recorded_by: "admin".into(),
            recorded_at: 0,
            counted_on: "2026-01-14".into(),
            headcount: Vec::new(),
            total: 0,
        };
        let bytes = String::from_utf8(manifest.to_bytes()).unwrap();
        let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes.as_bytes()));
        let mut tx = self.app.store().begin().await.unwrap();
        let id = hoso_store::report_submissions::insert(
            &mut tx,
            &hoso_store::report_submissions::NewReportSubmission {
                rule_id: "matrix.annual_report",
                cycle_year: year,
                due: "2026-01-15",
                unit_id,
                sent_on: "2026-01-14",
                reference: "1/BC",
                note: None,
                recorded_by: 1,
                recorded_at: 0,
                manifest: &bytes,
                manifest_sha256: &digest,
            },
        )
        .await
        .unwrap()
        .expect("a fresh cycle year");
        tx.commit().await.unwrap();
        id
    }

    /// A payroll sheet of the target's unit, recorded straight into the store (no lines), for
    /// the routes that read one; a month of its own each time.
    pub async fn fresh_payroll_sheet(&self, target: Target) -> i64 {
        let period = format!("{}-01", 3000 + serial());
        let mut tx = self.app.store().begin().await.unwrap();
        let (id, _) = hoso_store::payroll::record_sheet(
            &mut tx,
            &hoso_store::payroll::NewSheet {
                unit_id: self.unit(target),
                period: &period,
                paid_on: "2026-11-05",
                recorded_on: "2026-11-02",
                headcount: 0,
                incomplete: 0,
                total: 0,
                lines: "[]",
                note: None,
                by: 1,
                at: 0,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// This month of the matrix's clock (`YYYY-MM`), the month a sheet may be recorded for.
    pub fn this_month(&self) -> String {
        hoso_domain::payroll::Period::of(self.app.today()).code()
    }

    /// A month long past, a new one each time: consolidating it succeeds once.
    pub fn fresh_past_month() -> String {
        let n = serial();
        format!("{}-{:02}", 1000 + (n / 12) % 999, n % 12 + 1)
    }

    /// Who proposes the change requests of a target: the individual of the inside record, the
    /// system administrator on the outside record.
    pub fn proposer(target: Target) -> Who {
        match target {
            Target::Inside => Who::Individual,
            Target::Outside => Who::SystemAdmin,
        }
    }

    /// A change request on the inside record proposed by its individual, or on the outside
    /// record proposed by the system administrator; with a PDF attached; submitted or not.
    /// Returns its id and the attachment's hash.
    pub async fn fresh_change(&self, target: Target, submitted: bool) -> (i64, String) {
        let n = serial();
        let person = self.person(target);
        let client = self.fresh_client(Self::proposer(target)).await;
        let record = self.admin.get(&format!("/api/v1/persons/{person}")).await;
        let mut general = record.body["record"]["general"].clone();
        general["other_names"] = json!(format!("Tên khác {n}"));
        let r = client
            .post(
                "/api/v1/change-requests",
                json!({"person_id": person, "reason": format!("Bổ sung {n}"), "sections": {"general": general}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let pdf = format!("%PDF-1.4\n% {n}\ntrailer<<>>\n%%EOF\n");
        let up = client
            .upload(
                &format!("/api/v1/change-requests/{id}/attachments"),
                "scan.pdf",
                pdf.as_bytes(),
                &[("section", "general")],
            )
            .await;
        assert_eq!(up.status, StatusCode::CREATED, "{}", up.body);
        if submitted {
            let s = client
                .post(&format!("/api/v1/change-requests/{id}/submit"), Value::Null)
                .await;
            assert_eq!(s.status, StatusCode::OK, "{}", s.body);
        }
        (id, up.body["sha256"].as_str().unwrap().to_string())
    }

    /// The HR officer (unit administrator) of the target's unit, signed in: it writes the
    /// versions waiting for approval, so that whoever approves them did not write them
    /// (separation of duties).
    async fn writer(&self, target: Target) -> Client {
        let unit = self.unit(target);
        let accounts = self.admin.get("/api/v1/accounts?per_page=200").await;
        let username = accounts.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| {
                a["grants"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|g| g["role"] == "unit_admin" && g["unit_id"] == unit)
            })
            .map(|a| a["username"].as_str().unwrap().to_string())
            .expect("the unit has an administrator");
        login_with(&self.app, &username, password_of(Who::UnitAdmin)).await
    }

    /// A version of the target record waiting for approval (its HR officer's direct edit).
    pub async fn make_pending(&self, target: Target) {
        let n = serial();
        let id = self.person(target);
        let writer = self.writer(target).await;
        let current = writer.get(&format!("/api/v1/persons/{id}")).await;
        let mut record = current.body["record"].clone();
        record["general"]["other_names"] = json!(format!("Chờ duyệt {n}"));
        let r = writer
            .send_json(
                "PUT",
                &format!("/api/v1/persons/{id}/record"),
                json!({"expected_version": current.body["current_version"], "record": record}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    /// A run of its own for one cell: queued (not due for a day, so no claim takes it), or
    /// failed (claimed and failed on its only attempt).
    pub async fn fresh_job(&self, failed: bool) -> i64 {
        use hoso_store::jobs;
        let n = serial();
        let now = hoso_store::now_ms();
        let key = format!("matrix:{n}");
        let store = self.app.store();
        let mut tx = store.begin().await.unwrap();
        let (id, _) = jobs::enqueue(
            &mut tx,
            &jobs::NewJob {
                kind: "matrix.test",
                dedup_key: Some(&key),
                params: "{}",
                max_attempts: 1,
                run_after: if failed { 0 } else { now + 86_400_000 },
                created_by: None,
            },
            now,
        )
        .await
        .unwrap();
        if failed {
            let claimed = jobs::claim_next(
                &mut tx,
                store.backend(),
                "matrix",
                &["matrix.test"],
                now,
                60_000,
            )
            .await
            .unwrap()
            .unwrap();
            assert_eq!(claimed.id, id);
            jobs::fail(&mut tx, id, "matrix", "Lỗi thử", now)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        id
    }

    /// A prepared batch over the target record for `who` to act on: the approver's own batch
    /// (prepared in the window, on its unit's record) when the approver acts inside its unit;
    /// otherwise one the system administrator prepared (outside the window, overridden), which
    /// only system administrators may see.
    pub async fn fresh_batch(&self, who: Who, target: Target) -> i64 {
        self.make_pending(target).await;
        let person = self.person(target);
        let r = if (who, target) == (Who::Approver, Target::Inside) {
            self.window_approver
                .post("/api/v1/approvals", json!({"person_ids": [person]}))
                .await
        } else {
            self.batch_admin
                .post(
                    "/api/v1/approvals",
                    json!({"person_ids": [person], "override_window": true}),
                )
                .await
        };
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_i64().unwrap()
    }

    /// A version of the target record that the system administrator sent back to HR before
    /// signing.
    pub async fn fresh_return(&self, target: Target) {
        self.make_pending(target).await;
        let r = self
            .admin
            .post(
                &format!("/api/v1/persons/{}/approval-return", self.person(target)),
                json!({"comment": "Đề nghị kiểm tra lại"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }

    /// An outside-access grant on the target record for the demo leader, given by the system
    /// administrator: its id.
    pub async fn fresh_access_grant(&self, target: Target) -> i64 {
        let r = self
            .admin
            .post(
                &format!("/api/v1/persons/{}/access-grants", self.person(target)),
                access_grant_body(self.app.today()),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_i64().unwrap()
    }

    /// A person created by the system administrator in the target's unit: its id.
    pub async fn fresh_person(&self, target: Target) -> i64 {
        let r = self
            .admin
            .post(
                "/api/v1/persons",
                json!({"unit_id": self.unit(target), "record": World::fresh_record()}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_i64().unwrap()
    }

    /// The fields of a resignation decision in force in a far year (so that no status changes
    /// while the matrix runs).
    pub fn status_decision_fields(&self) -> Vec<(String, String)> {
        [
            ("kind", "thoi_viec".to_string()),
            ("decision_number", format!("{}/QĐ-UBND", serial())),
            ("decision_date", self.app.today().to_string()),
            ("signer", "Chủ tịch UBND huyện".to_string()),
            ("effective_date", "2099-01-02".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// A decision of a fresh person of the target's unit, waiting for its effective date: its
    /// id.
    pub async fn fresh_status_decision(&self, target: Target) -> i64 {
        let person = self.fresh_person(target).await;
        let body: serde_json::Map<String, serde_json::Value> = self
            .status_decision_fields()
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        let r = self
            .admin
            .post(
                &format!("/api/v1/persons/{person}/status-decisions"),
                serde_json::Value::Object(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_i64().unwrap()
    }

    /// A person received from outside the province into the target's unit, waiting for the
    /// unit to confirm: the id of the hand-over. Written straight into the store, with a
    /// stand-in package: a real one needs a second province (the hand-overs' own tests make
    /// one); here only the rights are at stake.
    pub async fn fresh_handover(&self, target: Target) -> i64 {
        let person = self.fresh_person(target).await;
        let bytes = format!("goi ho so {person}").into_bytes();
        let sha = hoso_app::attachments::sha256_hex(&bytes);
        self.app.attachments().put(&sha, bytes).await.unwrap();
        let mut tx = self.app.store().begin().await.unwrap();
        let id = hoso_store::handovers::insert(
            &mut tx,
            hoso_store::handovers::NewHandover {
                person_id: person,
                direction: hoso_store::handovers::IN,
                counterpart: "Sở Nội vụ tỉnh Cao Bằng",
                decision_number: "12/QĐ-SNV",
                effective_date: &self.app.today().to_string(),
                decision_date: &self.app.today().to_string(),
                package_sha256: &sha,
                origin_person_id: 7,
                origin_version: 2,
                versions_in_package: 2,
                signer_subject: "CN=Thủ trưởng đơn vị",
                note: None,
                created_by: 1,
                created_at: self.app.now_ms(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// The province's top unit, which only the system administrator keeps.
    pub async fn root_unit(&self) -> i64 {
        let mut conn = self.app.store().reader().await.unwrap();
        hoso_store::org::roots(&mut conn).await.unwrap()[0].id
    }

    /// The fields of a movement decision to the province's top unit, effective in a far year
    /// (so that nothing moves while the matrix runs).
    pub async fn movement_fields(&self) -> Vec<(String, String)> {
        [
            ("kind", "dieu_dong".to_string()),
            ("to_unit_id", self.root_unit().await.to_string()),
            ("decision_number", format!("{}/QĐ-UBND", serial())),
            ("decision_date", self.app.today().to_string()),
            ("signer", "Chủ tịch UBND tỉnh".to_string()),
            ("effective_date", "2099-01-02".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// A movement of a fresh person of the target's unit to the province's top unit: proposed
    /// (waiting for the top unit's answer), or, `scanned`, recorded by the system administrator
    /// with its scan (accepted at once: it keeps both units).
    pub async fn fresh_movement(&self, target: Target, scanned: bool) -> i64 {
        let person = self.fresh_person(target).await;
        let fields = self.movement_fields().await;
        if scanned {
            let refs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let r = self
                .admin
                .upload(
                    &format!("/api/v1/persons/{person}/movements"),
                    "quyet-dinh.pdf",
                    b"%PDF-1.4\ntrailer<<>>\n%%EOF\n",
                    &refs,
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            return r.body["id"].as_i64().unwrap();
        }
        let field = |k: &str| {
            fields
                .iter()
                .find(|(f, _)| f == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let store = self.app.store();
        let mut tx = store.begin().await.unwrap();
        let id = hoso_store::movements::insert(
            &mut tx,
            hoso_store::movements::NewMovement {
                person_id: person,
                kind: "dieu_dong",
                from_unit_id: self.unit(target),
                to_unit_id: self.root_unit().await,
                decision_number: &field("decision_number"),
                decision_date: &field("decision_date"),
                signer: &field("signer"),
                effective_date: &field("effective_date"),
                position: None,
                note: None,
                scan: None,
                state: hoso_store::movements::PROPOSED,
                proposed_by: 1,
                at: hoso_store::now_ms(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// A record for a new person: the sample civil servant with a số định danh never used
    /// before in this test binary.
    pub fn fresh_record() -> RecordDoc {
        RecordBuilder::civil_servant()
            .national_id(&format!("020185{:06}", 900_000 + serial()))
            .build()
    }

    /// A new item of the religions catalog, added by the system administrator: its code.
    pub async fn fresh_catalog_item(&self) -> String {
        let n = serial();
        let code = format!("mt{n}");
        let r = self
            .admin
            .send_json(
                "PUT",
                "/api/v1/catalogs/ton_giao/items",
                json!({"code": code, "name": format!("Tôn giáo thử {n}"), "decision_ref": "QĐ 11/QĐ-SNV"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        code
    }

    /// A new day off in `month` of a far year, added by the system administrator: the year and
    /// the day (`YYYY-MM-DD`), different for every call.
    pub async fn fresh_holiday(&self, month: u32) -> (u32, String) {
        let n = serial();
        let year = 2100 + (n % 50);
        let day = 1 + (n / 50) % 28;
        let date = format!("{year}-{month:02}-{day:02}");
        let r = self
            .admin
            .post(
                &format!("/api/v1/holidays/{year}/days"),
                json!({"date": date, "kind": "holiday", "name": format!("Ngày nghỉ thử {n}"),
                       "decision_ref": "TB 14/TB-BNV"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        (year, date)
    }
}

/// An outside-access grant for the demo leader's account, a month long.
pub fn access_grant_body(today: time::Date) -> Value {
    let last = today + time::Duration::days(30);
    json!({"username": "lanhdao", "purpose": "Thanh tra công vụ", "legal_ref": "Quyết định 12/QĐ-TTr",
           "expires_on": last.to_string()})
}
