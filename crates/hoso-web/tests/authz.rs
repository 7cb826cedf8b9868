//! The authorization matrix: every route of the OpenAPI document × every role × a target inside
//! and outside the role's scope, against a table of expected statuses. A route missing from the
//! table fails the test, so every new route must come with its authorization rule.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::http::StatusCode;
use common::{Client, databases};
use hoso_app::App;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    SystemAdmin,
    UnitAdmin,
    /// A lãnh đạo / viewer account over the unit administrator's unit.
    Viewer,
    Individual,
    Anonymous,
}

const EVERYONE: [Who; 5] = [
    Who::SystemAdmin,
    Who::UnitAdmin,
    Who::Viewer,
    Who::Individual,
    Who::Anonymous,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Inside the unit administrator's and viewer's unit; the individual's own record/session.
    Inside,
    /// In another unit; someone else's record/session.
    Outside,
}

/// Expected statuses (inside, outside) for the four signed-in roles; anonymous callers get one
/// status whatever the target.
#[derive(Debug, Clone, Copy)]
struct Rule {
    system_admin: (u16, u16),
    unit_admin: (u16, u16),
    viewer: (u16, u16),
    individual: (u16, u16),
    anonymous: u16,
}

impl Rule {
    fn expect(&self, who: Who, target: Target) -> u16 {
        let pair = match who {
            Who::SystemAdmin => self.system_admin,
            Who::UnitAdmin => self.unit_admin,
            Who::Viewer => self.viewer,
            Who::Individual => self.individual,
            Who::Anonymous => return self.anonymous,
        };
        match target {
            Target::Inside => pair.0,
            Target::Outside => pair.1,
        }
    }
}

/// Same status for every signed-in role and target.
const fn any_signed_in(status: u16) -> Rule {
    Rule {
        system_admin: (status, status),
        unit_admin: (status, status),
        viewer: (status, status),
        individual: (status, status),
        anonymous: 401,
    }
}

/// The table: one rule per (method, OpenAPI path).
fn rules() -> BTreeMap<(&'static str, &'static str), Rule> {
    let mut t = BTreeMap::new();
    // Public: an unknown user is refused the same way whoever asks.
    t.insert(
        ("post", "/api/v1/auth/login"),
        Rule {
            anonymous: 401,
            ..any_signed_in(401)
        },
    );
    t.insert(("post", "/api/v1/auth/logout"), any_signed_in(204));
    t.insert(("get", "/api/v1/me"), any_signed_in(200));
    // The matrix sends a wrong current password: refused with 400 for every signed-in account.
    t.insert(("post", "/api/v1/me/password"), any_signed_in(400));
    t.insert(("get", "/api/v1/me/sessions"), any_signed_in(200));
    // Starting TOTP enrolment is everyone's own business; the matrix confirms with a malformed
    // code, refused with 400.
    t.insert(("post", "/api/v1/me/totp"), any_signed_in(200));
    t.insert(("post", "/api/v1/me/totp/confirm"), any_signed_in(400));
    t.insert(
        ("delete", "/api/v1/me/sessions/{id}"),
        Rule {
            system_admin: (204, 404),
            unit_admin: (204, 404),
            viewer: (204, 404),
            individual: (204, 404),
            anonymous: 401,
        },
    );
    t.insert(
        ("get", "/api/v1/me/record-reads"),
        Rule {
            system_admin: (403, 403),
            unit_admin: (403, 403),
            viewer: (403, 403),
            individual: (200, 200),
            anonymous: 401,
        },
    );
    t.insert(("get", "/api/v1/org-units"), any_signed_in(200));
    t.insert(
        ("post", "/api/v1/org-units"),
        Rule {
            system_admin: (201, 201),
            unit_admin: (201, 404),
            viewer: (403, 404),
            individual: (404, 404),
            anonymous: 401,
        },
    );
    t.insert(
        ("get", "/api/v1/org-units/{id}"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 404),
            viewer: (200, 404),
            individual: (404, 404),
            anonymous: 401,
        },
    );
    t.insert(
        ("patch", "/api/v1/org-units/{id}"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 404),
            viewer: (403, 404),
            individual: (404, 404),
            anonymous: 401,
        },
    );
    t.insert(("get", "/api/v1/persons"), any_signed_in(200));
    t.insert(
        ("post", "/api/v1/persons"),
        Rule {
            system_admin: (201, 201),
            unit_admin: (201, 404),
            viewer: (403, 404),
            individual: (404, 404),
            anonymous: 401,
        },
    );
    let read_record = Rule {
        system_admin: (200, 200),
        unit_admin: (200, 404),
        viewer: (200, 404),
        individual: (200, 404),
        anonymous: 401,
    };
    t.insert(("get", "/api/v1/persons/{id}"), read_record);
    t.insert(("get", "/api/v1/persons/{id}/versions"), read_record);
    t.insert(
        ("get", "/api/v1/persons/{id}/versions/{version}"),
        read_record,
    );
    // Catalogs: everyone signed in reads them; only the system administrator edits them.
    // Change requests: a draft is its proposer's alone; a submitted one is also the HR
    // officer's (write scope). The matrix's requests are proposed by the individual of the
    // inside record (inside) and by the system administrator on the outside record (outside).
    let proposer_only = |ok: u16| Rule {
        system_admin: (404, ok),
        unit_admin: (404, 404),
        viewer: (404, 404),
        individual: (ok, 404),
        anonymous: 401,
    };
    let reviewer = |ok: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 404),
        viewer: (404, 404),
        individual: (403, 404),
        anonymous: 401,
    };
    t.insert(("get", "/api/v1/change-requests"), any_signed_in(200));
    t.insert(
        ("post", "/api/v1/change-requests"),
        Rule {
            system_admin: (201, 201),
            unit_admin: (201, 404),
            viewer: (403, 404),
            individual: (201, 404),
            anonymous: 401,
        },
    );
    t.insert(
        ("get", "/api/v1/change-requests/{id}"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 404),
            viewer: (404, 404),
            individual: (200, 404),
            anonymous: 401,
        },
    );
    t.insert(
        ("get", "/api/v1/change-requests/{id}/attachments/{sha256}"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 404),
            viewer: (404, 404),
            individual: (200, 404),
            anonymous: 401,
        },
    );
    t.insert(("put", "/api/v1/change-requests/{id}"), proposer_only(200));
    t.insert(
        ("post", "/api/v1/change-requests/{id}/submit"),
        proposer_only(200),
    );
    t.insert(
        ("post", "/api/v1/change-requests/{id}/withdraw"),
        proposer_only(200),
    );
    t.insert(
        ("post", "/api/v1/change-requests/{id}/attachments"),
        proposer_only(201),
    );
    t.insert(
        (
            "delete",
            "/api/v1/change-requests/{id}/attachments/{sha256}",
        ),
        proposer_only(204),
    );
    t.insert(
        ("post", "/api/v1/change-requests/{id}/verify"),
        reviewer(200),
    );
    t.insert(
        ("post", "/api/v1/change-requests/{id}/return"),
        reviewer(200),
    );
    t.insert(
        ("get", "/api/v1/verification-queue"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 200),
            viewer: (403, 403),
            individual: (403, 403),
            anonymous: 401,
        },
    );
    t.insert(("get", "/api/v1/persons/{id}/change-requests"), read_record);
    t.insert(("get", "/api/v1/persons/{id}/approvals"), read_record);
    // Approval: approvers and the system administrator only (the matrix has no approver: the
    // system administrator approves). Signing is refused for a signature that is not one.
    let approver = |ok: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (403, 403),
        viewer: (403, 403),
        individual: (403, 403),
        anonymous: 401,
    };
    t.insert(("get", "/api/v1/approvals/queue"), approver(200));
    t.insert(("get", "/api/v1/approvals"), approver(200));
    t.insert(("post", "/api/v1/approvals"), approver(201));
    t.insert(("get", "/api/v1/approvals/{id}"), approver(200));
    t.insert(("get", "/api/v1/approvals/{id}/manifest"), approver(200));
    t.insert(("get", "/api/v1/approvals/{id}/signature"), approver(404));
    t.insert(("post", "/api/v1/approvals/{id}/sign"), approver(400));
    t.insert(("post", "/api/v1/approvals/{id}/abandon"), approver(200));
    // Version 1 was never signed: refused with 400 to whoever may see the whole record.
    t.insert(
        ("get", "/api/v1/persons/{id}/versions/{version}/package"),
        Rule {
            system_admin: (400, 400),
            unit_admin: (400, 404),
            viewer: (403, 404),
            individual: (400, 404),
            anonymous: 401,
        },
    );
    t.insert(("post", "/api/v1/packages/verify"), any_signed_in(400));
    t.insert(("get", "/api/v1/catalogs"), any_signed_in(200));
    t.insert(("get", "/api/v1/catalogs/{name}"), any_signed_in(200));
    let edit_catalog = |ok: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (403, 403),
        viewer: (403, 403),
        individual: (403, 403),
        anonymous: 401,
    };
    t.insert(("put", "/api/v1/catalogs/{name}/items"), edit_catalog(200));
    t.insert(
        ("delete", "/api/v1/catalogs/{name}/items/{code}"),
        edit_catalog(204),
    );
    t.insert(
        ("put", "/api/v1/persons/{id}/record"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 404),
            viewer: (403, 404),
            individual: (403, 404),
            anonymous: 401,
        },
    );
    t.insert(
        ("get", "/api/v1/accounts"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 200),
            viewer: (403, 403),
            individual: (403, 403),
            anonymous: 401,
        },
    );
    let manage = |ok: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 403),
        viewer: (403, 403),
        individual: (403, 403),
        anonymous: 401,
    };
    t.insert(("post", "/api/v1/accounts"), manage(201));
    t.insert(
        ("post", "/api/v1/accounts/{id}/reset-password"),
        manage(200),
    );
    t.insert(("post", "/api/v1/accounts/{id}/grants"), manage(201));
    t.insert(("patch", "/api/v1/grants/{id}"), manage(200));
    t.insert(("delete", "/api/v1/grants/{id}"), manage(204));
    // Alerts: the matrix filters by the target's unit.
    t.insert(
        ("get", "/api/v1/alerts"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 404),
            viewer: (200, 404),
            individual: (404, 404),
            anonymous: 401,
        },
    );
    t.insert(("get", "/api/v1/alerts/summary"), any_signed_in(200));
    t.insert(("get", "/api/v1/deadline-rules"), any_signed_in(200));
    t.insert(
        ("get", "/api/v1/alerts/preview"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 404),
            viewer: (403, 403),
            individual: (403, 403),
            anonymous: 401,
        },
    );
    // Everyone sets their own address for the daily digest.
    t.insert(("get", "/api/v1/me/email"), any_signed_in(200));
    t.insert(("put", "/api/v1/me/email"), any_signed_in(200));
    // Holiday schedule: everyone reads it; only the system administrator amends it.
    t.insert(("get", "/api/v1/holidays/{year}"), any_signed_in(200));
    let amend_holidays = Rule {
        system_admin: (200, 200),
        unit_admin: (403, 403),
        viewer: (403, 403),
        individual: (403, 403),
        anonymous: 401,
    };
    t.insert(("put", "/api/v1/holidays/{year}"), amend_holidays);
    t.insert(("post", "/api/v1/holidays/{year}/days"), amend_holidays);
    t.insert(
        ("delete", "/api/v1/holidays/{year}/days/{date}"),
        amend_holidays,
    );
    t.insert(
        ("get", "/api/v1/audit"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 200),
            viewer: (403, 403),
            individual: (403, 403),
            anonymous: 401,
        },
    );
    // Outside-access grants of a record (NĐ 27/2026): its administrators only.
    let administer_record = |ok: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 404),
        viewer: (403, 404),
        individual: (403, 404),
        anonymous: 401,
    };
    t.insert(
        ("get", "/api/v1/persons/{id}/access-grants"),
        administer_record(200),
    );
    t.insert(
        ("post", "/api/v1/persons/{id}/access-grants"),
        administer_record(201),
    );
    t.insert(
        ("delete", "/api/v1/access-grants/{id}"),
        administer_record(204),
    );
    t.insert(("get", "/api/v1/me/shared-records"), any_signed_in(200));
    t.insert(("post", "/api/v1/accounts/{id}/reset-totp"), manage(204));
    // Background jobs: the system administrator's alone. The matrix retries a failed run and
    // cancels a queued one.
    let jobs = |ok: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (403, 403),
        viewer: (403, 403),
        individual: (403, 403),
        anonymous: 401,
    };
    t.insert(("get", "/api/v1/jobs"), jobs(200));
    t.insert(("get", "/api/v1/jobs/{id}"), jobs(200));
    t.insert(("post", "/api/v1/jobs/{id}/retry"), jobs(200));
    t.insert(("post", "/api/v1/jobs/{id}/cancel"), jobs(200));
    t
}

const VIEWER_PASSWORD: &str = "Xem-Ho-So#2026";

/// The demo province plus the actors and targets of the matrix.
struct World {
    app: App,
    admin: Client,
    unit_in: i64,
    unit_out: i64,
    person_in: i64,
    person_out: i64,
    usernames: BTreeMap<Who, String>,
    clients: BTreeMap<Who, Client>,
}

static SERIAL: AtomicU32 = AtomicU32::new(0);

fn serial() -> u32 {
    SERIAL.fetch_add(1, Ordering::SeqCst)
}

async fn login_with(app: &App, username: &str, password: &str) -> Client {
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

fn password_of(who: Who) -> &'static str {
    match who {
        Who::Viewer => VIEWER_PASSWORD,
        _ => common::PASSWORD,
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

impl World {
    async fn new(app: App) -> World {
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

        // A viewer over the same unit, created through the API, with its first password changed.
        let r = admin
            .post(
                "/api/v1/accounts",
                json!({"username": "xem.matran", "display_name": "Lãnh đạo đơn vị",
                       "grants": [{"role": "viewer", "unit_id": unit_in, "read_only": true}],
                       "request_ref": "Công văn 1/SNV"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let temporary = r.body["temporary_password"].as_str().unwrap().to_string();
        let viewer = login_with(&app, "xem.matran", &temporary).await;
        let r = viewer
            .post(
                "/api/v1/me/password",
                json!({"current_password": temporary, "new_password": VIEWER_PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

        let mut usernames = BTreeMap::new();
        usernames.insert(Who::SystemAdmin, "admin".to_string());
        usernames.insert(Who::UnitAdmin, unit_admin);
        usernames.insert(Who::Viewer, "xem.matran".to_string());
        usernames.insert(Who::Individual, individual);
        let mut w = World {
            app,
            admin,
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

    async fn fresh_client(&self, who: Who) -> Client {
        match who {
            Who::Anonymous => Client::anonymous(&self.app),
            _ => login_with(&self.app, &self.usernames[&who], password_of(who)).await,
        }
    }

    fn unit(&self, target: Target) -> i64 {
        match target {
            Target::Inside => self.unit_in,
            Target::Outside => self.unit_out,
        }
    }

    fn person(&self, who: Who, target: Target) -> i64 {
        match (who, target) {
            (_, Target::Inside) => self.person_in,
            (_, Target::Outside) => self.person_out,
        }
    }

    /// A fresh staff account with a viewer grant on the target's unit: (account id, grant id).
    async fn fresh_account(&self, target: Target) -> (i64, i64) {
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
    async fn fresh_account_with_totp(&self, target: Target) -> i64 {
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
    async fn fresh_session_id(&self, who: Who, target: Target) -> String {
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

    /// A change request on the inside record proposed by its individual, or on the outside
    /// record proposed by the system administrator; with a PDF attached; submitted or not.
    /// Returns its id and the attachment's hash.
    async fn fresh_change(&self, target: Target, submitted: bool) -> (i64, String) {
        let n = serial();
        let (proposer, person) = match target {
            Target::Inside => (Who::Individual, self.person_in),
            Target::Outside => (Who::SystemAdmin, self.person_out),
        };
        let client = self.fresh_client(proposer).await;
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

    /// A version of the target record waiting for approval (the administrator's direct edit).
    async fn make_pending(&self, target: Target) {
        let n = serial();
        let id = match target {
            Target::Inside => self.person_in,
            Target::Outside => self.person_out,
        };
        let current = self.admin.get(&format!("/api/v1/persons/{id}")).await;
        let mut record = current.body["record"].clone();
        record["general"]["other_names"] = json!(format!("Chờ duyệt {n}"));
        let r = self
            .admin
            .send_json(
                "PUT",
                &format!("/api/v1/persons/{id}/record"),
                json!({"expected_version": current.body["current_version"], "record": record}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    /// A batch prepared by the system administrator (outside the window, overridden).
    async fn fresh_batch(&self, target: Target) -> i64 {
        self.make_pending(target).await;
        let r = self
            .admin
            .post("/api/v1/approvals", json!({"override_window": true}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_i64().unwrap()
    }

    /// A run of its own for one cell: queued (not due for a day, so no claim takes it), or
    /// failed (claimed and failed on its only attempt).
    async fn fresh_job(&self, failed: bool) -> i64 {
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

    /// The request for one cell of the matrix: URI and body, with fresh targets where the call
    /// changes them.
    async fn request(&self, method: &str, path: &str, who: Who, target: Target) -> (String, Value) {
        let n = serial();
        match (method, path) {
            ("post", "/api/v1/auth/login") => (
                path.into(),
                json!({"username": "khong-ton-tai", "password": "x"}),
            ),
            ("post", "/api/v1/me/totp/confirm") => (path.into(), json!({"code": "abcdef"})),
            ("post", "/api/v1/me/password") => (
                path.into(),
                json!({"current_password": "sai-mat-khau", "new_password": "Moi-Mat-Khau#2026"}),
            ),
            ("delete", "/api/v1/me/sessions/{id}") => (
                format!(
                    "/api/v1/me/sessions/{}",
                    self.fresh_session_id(who, target).await
                ),
                Value::Null,
            ),
            ("post", "/api/v1/org-units") => (
                path.into(),
                json!({"parent_id": self.unit(target), "code": format!("MT.{n}"),
                       "name": format!("Phòng thử {n}"), "kind": "department", "decision_ref": "QĐ 9/QĐ-SNV"}),
            ),
            ("get", "/api/v1/alerts") | ("get", "/api/v1/alerts/preview") => {
                (format!("{path}?unit={}", self.unit(target)), Value::Null)
            }
            ("get", "/api/v1/org-units/{id}") => (
                format!("/api/v1/org-units/{}", self.unit(target)),
                Value::Null,
            ),
            ("patch", "/api/v1/org-units/{id}") => (
                format!("/api/v1/org-units/{}", self.unit(target)),
                json!({"name": format!("Đơn vị đổi tên {n}"), "decision_ref": "QĐ 10/QĐ-SNV"}),
            ),
            ("post", "/api/v1/persons") => {
                let national_id = format!("020185{:06}", 900_000 + n);
                let record = serde_json::to_string(&hoso_domain::schema::fixtures::sample_record())
                    .unwrap()
                    .replace("020185001234", &national_id);
                let record: Value = serde_json::from_str(&record).unwrap();
                (
                    path.into(),
                    json!({"unit_id": self.unit(target), "record": record}),
                )
            }
            ("get", "/api/v1/persons/{id}") => (
                format!("/api/v1/persons/{}", self.person(who, target)),
                Value::Null,
            ),
            ("get", "/api/v1/persons/{id}/versions") => (
                format!("/api/v1/persons/{}/versions", self.person(who, target)),
                Value::Null,
            ),
            ("get", "/api/v1/persons/{id}/versions/{version}") => (
                format!("/api/v1/persons/{}/versions/1", self.person(who, target)),
                Value::Null,
            ),
            ("get", "/api/v1/catalogs/{name}") => ("/api/v1/catalogs/dan_toc".into(), Value::Null),
            ("put", "/api/v1/catalogs/{name}/items") => (
                "/api/v1/catalogs/ton_giao/items".into(),
                json!({"code": format!("mt{n}"), "name": format!("Tôn giáo thử {n}"), "decision_ref": "QĐ 11/QĐ-SNV"}),
            ),
            ("delete", "/api/v1/catalogs/{name}/items/{code}") => {
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
                (
                    format!("/api/v1/catalogs/ton_giao/items/{code}"),
                    Value::Null,
                )
            }
            ("put", "/api/v1/persons/{id}/record") => {
                let id = self.person(who, target);
                let current = self.admin.get(&format!("/api/v1/persons/{id}")).await;
                (
                    format!("/api/v1/persons/{id}/record"),
                    json!({"expected_version": current.body["current_version"], "record": current.body["record"]}),
                )
            }
            ("post", "/api/v1/accounts") => (
                path.into(),
                json!({"username": format!("tk.{n}"), "display_name": format!("Tài khoản {n}"),
                       "grants": [{"role": "viewer", "unit_id": self.unit(target)}],
                       "request_ref": "Công văn 3/SNV"}),
            ),
            ("post", "/api/v1/accounts/{id}/reset-password") => {
                let (account, _) = self.fresh_account(target).await;
                (
                    format!("/api/v1/accounts/{account}/reset-password"),
                    Value::Null,
                )
            }
            ("post", "/api/v1/accounts/{id}/grants") => {
                let (account, _) = self.fresh_account(target).await;
                (
                    format!("/api/v1/accounts/{account}/grants"),
                    json!({"role": "approver", "unit_id": self.unit(target), "request_ref": "Công văn 4/SNV"}),
                )
            }
            ("patch", "/api/v1/grants/{id}") => {
                let (_, grant) = self.fresh_account(target).await;
                (
                    format!("/api/v1/grants/{grant}"),
                    json!({"read_only": true, "request_ref": "Công văn 5/SNV"}),
                )
            }
            ("delete", "/api/v1/grants/{id}") => {
                let (_, grant) = self.fresh_account(target).await;
                (
                    format!("/api/v1/grants/{grant}"),
                    json!({"request_ref": "Công văn 6/SNV"}),
                )
            }
            ("post", "/api/v1/change-requests") => (
                path.into(),
                json!({"person_id": self.person(who, target), "reason": "Bổ sung lý lịch"}),
            ),
            ("get", "/api/v1/change-requests/{id}")
            | ("post", "/api/v1/change-requests/{id}/verify") => (
                path.replace("{id}", &self.fresh_change(target, true).await.0.to_string()),
                if method == "post" {
                    json!({})
                } else {
                    Value::Null
                },
            ),
            ("post", "/api/v1/change-requests/{id}/return") => (
                path.replace("{id}", &self.fresh_change(target, true).await.0.to_string()),
                json!({"comment": "Đề nghị bổ sung bản sao giấy khai sinh"}),
            ),
            ("put", "/api/v1/change-requests/{id}") => {
                let (id, _) = self.fresh_change(target, false).await;
                (
                    path.replace("{id}", &id.to_string()),
                    json!({"reason": format!("Lý do mới {n}")}),
                )
            }
            ("post", "/api/v1/change-requests/{id}/submit")
            | ("post", "/api/v1/change-requests/{id}/withdraw") => (
                path.replace(
                    "{id}",
                    &self.fresh_change(target, false).await.0.to_string(),
                ),
                Value::Null,
            ),
            ("post", "/api/v1/change-requests/{id}/attachments") => (
                path.replace(
                    "{id}",
                    &self.fresh_change(target, false).await.0.to_string(),
                ),
                json!({"__upload__": "giay-khai-sinh.pdf"}),
            ),
            ("get", "/api/v1/change-requests/{id}/attachments/{sha256}")
            | ("delete", "/api/v1/change-requests/{id}/attachments/{sha256}") => {
                let submitted = method == "get";
                let (id, sha) = self.fresh_change(target, submitted).await;
                (
                    format!("/api/v1/change-requests/{id}/attachments/{sha}"),
                    Value::Null,
                )
            }
            ("get", "/api/v1/persons/{id}/change-requests")
            | ("get", "/api/v1/persons/{id}/approvals") => (
                path.replace("{id}", &self.person(who, target).to_string()),
                Value::Null,
            ),
            ("get", "/api/v1/persons/{id}/versions/{version}/package") => (
                format!(
                    "/api/v1/persons/{}/versions/1/package",
                    self.person(who, target)
                ),
                Value::Null,
            ),
            ("post", "/api/v1/approvals") => {
                self.make_pending(target).await;
                (path.into(), json!({"override_window": true}))
            }
            ("get", "/api/v1/approvals/{id}")
            | ("get", "/api/v1/approvals/{id}/manifest")
            | ("get", "/api/v1/approvals/{id}/signature")
            | ("post", "/api/v1/approvals/{id}/abandon") => (
                path.replace("{id}", &self.fresh_batch(target).await.to_string()),
                Value::Null,
            ),
            ("post", "/api/v1/approvals/{id}/sign") => (
                path.replace("{id}", &self.fresh_batch(target).await.to_string()),
                json!({"signature": "bm90IGEgc2lnbmF0dXJl", "override_window": true}),
            ),
            ("post", "/api/v1/packages/verify") => (path.into(), json!({"not": "a zip"})),
            ("put", "/api/v1/me/email") => {
                (path.into(), json!({"email": format!("tk{n}@example.vn")}))
            }
            ("get", "/api/v1/holidays/{year}") => ("/api/v1/holidays/2027".into(), Value::Null),
            ("put", "/api/v1/holidays/{year}") => {
                let year = 2100 + (n % 50) as i32;
                let tsv = hoso_domain::calendar::schedule_to_tsv(
                    &hoso_domain::calendar::HolidayCalendar::embedded().year_entries(year),
                );
                (
                    format!("/api/v1/holidays/{year}"),
                    json!({"tsv": tsv, "decision_ref": "TB 12/TB-BNV"}),
                )
            }
            ("post", "/api/v1/holidays/{year}/days") => {
                // A mid-June day of a far year: never a holiday, different for every call.
                let year = 2100 + (n % 50);
                let day = 1 + (n / 50) % 28;
                (
                    format!("/api/v1/holidays/{year}/days"),
                    json!({"date": format!("{year}-06-{day:02}"), "kind": "holiday",
                           "name": format!("Ngày nghỉ thử {n}"), "decision_ref": "TB 13/TB-BNV"}),
                )
            }
            ("delete", "/api/v1/holidays/{year}/days/{date}") => {
                let year = 2100 + (n % 50);
                let day = 1 + (n / 50) % 28;
                let date = format!("{year}-07-{day:02}");
                let r = self
                    .admin
                    .post(
                        &format!("/api/v1/holidays/{year}/days"),
                        json!({"date": date, "kind": "holiday", "name": format!("Ngày nghỉ thử {n}"),
                               "decision_ref": "TB 14/TB-BNV"}),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                (
                    format!("/api/v1/holidays/{year}/days/{date}?decision_ref=TB%2015"),
                    Value::Null,
                )
            }
            ("get", "/api/v1/persons/{id}/access-grants") => (
                format!("/api/v1/persons/{}/access-grants", self.person(who, target)),
                Value::Null,
            ),
            ("post", "/api/v1/persons/{id}/access-grants") => (
                format!("/api/v1/persons/{}/access-grants", self.person(who, target)),
                access_grant_body(self.app.today()),
            ),
            ("delete", "/api/v1/access-grants/{id}") => {
                let r = self
                    .admin
                    .post(
                        &format!("/api/v1/persons/{}/access-grants", self.person(who, target)),
                        access_grant_body(self.app.today()),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
                (
                    format!("/api/v1/access-grants/{}", r.body["id"]),
                    json!({"request_ref": "Công văn 8/TTr"}),
                )
            }
            ("post", "/api/v1/accounts/{id}/reset-totp") => {
                let account = self.fresh_account_with_totp(target).await;
                (
                    format!("/api/v1/accounts/{account}/reset-totp"),
                    json!({"request_ref": "Đơn báo mất điện thoại 1"}),
                )
            }
            ("get", "/api/v1/jobs/{id}") | ("post", "/api/v1/jobs/{id}/cancel") => (
                path.replace("{id}", &self.fresh_job(false).await.to_string()),
                Value::Null,
            ),
            ("post", "/api/v1/jobs/{id}/retry") => (
                path.replace("{id}", &self.fresh_job(true).await.to_string()),
                Value::Null,
            ),
            // Routes without parameters or body.
            (_, p) if !p.contains('{') => (p.to_string(), Value::Null),
            _ => {
                panic!("the matrix does not know how to call {method} {path}: add it to request()")
            }
        }
    }
}

/// An outside-access grant for the demo leader's account, a month long.
fn access_grant_body(today: time::Date) -> Value {
    let last = today + time::Duration::days(30);
    json!({"username": "lanhdao", "purpose": "Thanh tra công vụ", "legal_ref": "Quyết định 12/QĐ-TTr",
           "expires_on": last.to_string()})
}

/// (method, path) of every operation in the OpenAPI document.
fn documented_routes() -> Vec<(String, String)> {
    let (_, openapi) = hoso_web::api::router()
        .merge(hoso_web::api::uploads(1))
        .split_for_parts();
    let doc = serde_json::to_value(&openapi).unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if [
                "get", "post", "put", "patch", "delete", "head", "options", "trace",
            ]
            .contains(&method.as_str())
            {
                out.push((method.clone(), path.clone()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_documented_route_has_an_authorization_rule() {
    let table = rules();
    let missing: Vec<_> = documented_routes()
        .into_iter()
        .filter(|(m, p)| !table.contains_key(&(m.as_str(), p.as_str())))
        .collect();
    assert!(
        missing.is_empty(),
        "new route without an authorization rule: {missing:?} — add it to rules() in tests/authz.rs"
    );
    let documented = documented_routes();
    let stale: Vec<_> = table
        .keys()
        .filter(|(m, p)| !documented.iter().any(|(dm, dp)| dm == m && dp == p))
        .collect();
    assert!(
        stale.is_empty(),
        "rules for routes that no longer exist: {stale:?}"
    );
}

/// The matrix on a day outside the approval window and on one inside it: rights come before
/// the workflow's rules, so both days give the same answers.
#[tokio::test]
async fn every_route_every_role_inside_and_outside_scope() {
    // 16/11/2026 is mid-month; 30/11/2026 is the last working day of November.
    for today in [
        time::macros::date!(2026 - 11 - 16),
        time::macros::date!(2026 - 11 - 30),
    ] {
        matrix_on(today).await;
    }
}

async fn matrix_on(today: time::Date) {
    let table = rules();
    for db in databases().await {
        let app = App::start(hoso_app::Config {
            fixed_today: Some(today),
            ..common::config(&db)
        })
        .await
        .unwrap();
        app.seed_demo(40, common::PASSWORD, &|_, _| {})
            .await
            .unwrap();
        let world = World::new(app).await;
        let mut failures = Vec::new();
        let mut cells = 0;
        for (method, path) in documented_routes() {
            let rule = table
                .get(&(method.as_str(), path.as_str()))
                .unwrap_or_else(|| {
                    panic!("new route without an authorization rule: {method} {path}")
                });
            for who in EVERYONE {
                for target in [Target::Inside, Target::Outside] {
                    let (uri, body) = world.request(&method, &path, who, target).await;
                    // Calls that end the caller's session get a session of their own.
                    let fresh;
                    let client = if method == "post" && path == "/api/v1/auth/logout" {
                        fresh = world.fresh_client(who).await;
                        &fresh
                    } else {
                        &world.clients[&who]
                    };
                    let reply = if let Some(name) = body.get("__upload__").and_then(Value::as_str) {
                        client
                            .upload(&uri, name, b"%PDF-1.4\ntrailer<<>>\n%%EOF\n", &[])
                            .await
                    } else if body.is_null() && method != "post" {
                        client
                            .send(
                                axum::http::Request::builder()
                                    .method(method.to_uppercase().as_str())
                                    .uri(&uri)
                                    .header(
                                        "authorization",
                                        format!(
                                            "Bearer {}",
                                            client.token.clone().unwrap_or_default()
                                        ),
                                    )
                                    .body(axum::body::Body::empty())
                                    .unwrap(),
                            )
                            .await
                    } else {
                        let raw = if body.is_null() {
                            String::new()
                        } else {
                            body.to_string()
                        };
                        client.send_raw(&method.to_uppercase(), &uri, raw).await
                    };
                    cells += 1;
                    let expected = rule.expect(who, target);
                    if reply.status.as_u16() != expected {
                        failures.push(format!(
                            "{method} {uri} as {who:?} ({target:?}): expected {expected}, got {} {}",
                            reply.status, reply.body
                        ));
                    } else if expected >= 400 {
                        let message = reply.error_message();
                        if message.is_empty() || message.is_ascii() {
                            failures.push(format!(
                                "{method} {uri} as {who:?} ({target:?}): refusal without a Vietnamese message: {}",
                                reply.body
                            ));
                        }
                    }
                }
            }
        }
        assert_eq!(
            cells,
            table.len() * EVERYONE.len() * 2,
            "every cell was tried"
        );
        assert!(
            failures.is_empty(),
            "{} on {today}: {} of {cells} cells differ:\n{}",
            db.label,
            failures.len(),
            failures.join("\n")
        );
    }
}
