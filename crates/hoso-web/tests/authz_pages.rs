//! The authorization matrix of the pages: every page route of the router (GET pages and form
//! POSTs, from `hoso_web::pages::page_routes()`, the list the router is built from) × every
//! role × a target inside and outside the role's scope, against a table of expected answers.
//! A page route missing from the table fails the test. Forms are sent as a browser sends them:
//! with the session cookie and the session's form token; a form without its token is refused.

mod common;

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Body as HttpBody;
use axum::http::{Request, StatusCode, header};
use common::databases;
use common::html::{flatten, form_fields, urlencoded};
use common::world::{EVERYONE, Rule, Target, WINDOW_DAY, Who, World, serial};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// A 303 to the sign-in page (`/dang-nhap`, with `?next=` back to the page asked for).
const SIGN_IN: u16 = 1303;
/// A 303 to the sign-in page that also clears the session cookie: signed out.
const SIGNED_OUT: u16 = 2303;
/// A 303 back to a page with the refusal in its `loi` parameter (the form's error message).
const BACK_WITH_ERROR: u16 = 3303;

fn describe(code: u16) -> String {
    match code {
        SIGN_IN => "303 to the sign-in page".into(),
        SIGNED_OUT => "303 to the sign-in page, signed out".into(),
        BACK_WITH_ERROR => "303 back with an error (?loi=)".into(),
        other => other.to_string(),
    }
}

/// Same answer for every signed-in role and target; anonymous visitors go to the sign-in page.
const fn signed_in(status: u16) -> Rule {
    Rule::everyone(status, SIGN_IN)
}

/// Only the system administrator (province-wide settings: catalogs, holidays).
const fn system_admin_only(ok: u16) -> Rule {
    Rule {
        system_admin: (ok, ok),
        ..signed_in(403)
    }
}

/// System and unit administrators (accounts, the audit trail, the verification queue).
const fn administrators(ok: u16) -> Rule {
    Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, ok),
        ..signed_in(403)
    }
}

/// Every role whose scope holds the target record or unit.
const fn readers(ok: u16) -> Rule {
    Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 404),
        viewer: (ok, 404),
        approver: (ok, 404),
        individual: (ok, 404),
        anonymous: SIGN_IN,
    }
}

/// HR (system and unit administrators) on the target record: the other roles see the record
/// inside (403) and not outside (404).
const fn writers(ok: u16) -> Rule {
    Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 404),
        viewer: (403, 404),
        approver: (403, 404),
        individual: (403, 404),
        anonymous: SIGN_IN,
    }
}

/// A draft change request: its proposer's alone (the individual inside, the system
/// administrator outside; see `World::proposer`).
const fn proposer_only(ok: u16) -> Rule {
    Rule {
        system_admin: (404, ok),
        individual: (ok, 404),
        ..signed_in(404)
    }
}

/// A submitted change request, acted on by HR of the record.
const fn reviewer(ok: u16) -> Rule {
    Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 404),
        viewer: (404, 404),
        approver: (404, 404),
        individual: (403, 404),
        anonymous: SIGN_IN,
    }
}

/// An approval batch: the approver's own inside, the system administrator's outside.
const fn approval(ok: u16, approver: (u16, u16)) -> Rule {
    Rule {
        system_admin: (ok, ok),
        approver,
        ..signed_in(403)
    }
}

/// A staff account of the target unit, administered from the pages: whoever may not see it
/// (another unit, or no administration at all) is told it does not exist.
const fn account_admin(ok: u16) -> Rule {
    Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 404),
        ..signed_in(404)
    }
}

/// An import into the target unit: its administrators (a unit administrator outside its
/// subtree is told the unit does not exist); the other roles are refused.
const fn importers(ok: u16) -> Rule {
    Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 404),
        viewer: (403, 404),
        approver: (403, 404),
        individual: (404, 404),
        anonymous: SIGN_IN,
    }
}

/// A small list to import, kept the way the import page keeps an upload.
const IMPORT_CSV: &str =
    "Họ và tên,Số định danh,Ngày sinh,Giới tính\nNguyễn Văn Ma Trận,001085099001,07/03/1985,Nam\n";

async fn system_admin(w: &World) -> hoso_app::Actor {
    w.app
        .login(
            "admin",
            common::PASSWORD,
            None,
            &hoso_app::ClientInfo::default(),
        )
        .await
        .unwrap()
        .1
}

async fn stashed_import(w: &World) -> String {
    let admin = system_admin(w).await;
    w.app
        .stash_import(
            &admin,
            &hoso_app::ClientInfo::default(),
            w.unit(Target::Inside),
            IMPORT_CSV.as_bytes().to_vec(),
        )
        .await
        .unwrap()
}

/// An import queued by the system administrator (never run: no worker in the tests).
async fn queued_import(w: &World) -> i64 {
    let admin = system_admin(w).await;
    w.app
        .enqueue_import(
            &admin,
            &hoso_app::ClientInfo::default(),
            w.unit(Target::Inside),
            hoso_app::imports::ImportFile {
                file_name: "ma-tran.csv".into(),
                bytes: IMPORT_CSV.as_bytes().to_vec(),
                options: Default::default(),
            },
        )
        .await
        .unwrap()
        .id
}

/// A column mapping saved by the system administrator.
async fn saved_mapping(w: &World) -> i64 {
    let admin = system_admin(w).await;
    w.app
        .save_import_mapping(
            &admin,
            &hoso_app::ClientInfo::default(),
            &format!("Cách ghép {}", hoso_store::now_ms()),
            vec![hoso_app::import_mappings::MappedColumn {
                header: "Ghi chú".into(),
                target: hoso_app::imports::Target::Ignore,
            }],
        )
        .await
        .unwrap()
        .id
}

type Table = BTreeMap<(&'static str, &'static str), Vec<(&'static str, Rule)>>;

/// The table: for each page route (method, path as the router spells it), its cases (most
/// routes have one, named ""; `/de-nghi/{id}/{action}` has one per action) and their rules.
fn rules() -> Table {
    let mut t: Table = BTreeMap::new();
    let mut one = |method, path, rule| {
        t.insert((method, path), vec![("", rule)]);
    };
    // Public pages and assets.
    one("GET", "/dang-nhap", Rule::everyone(303, 200));
    // An unknown user, with the sign-in form's own token: refused the same way whoever asks.
    one("POST", "/dang-nhap", Rule::everyone(401, 401));
    // Sign-in through the shared account system is not configured in the tests.
    one("GET", "/auth/oidc/start", Rule::everyone(404, 404));
    // An answer without a code: refused.
    one("GET", "/auth/oidc/callback", Rule::everyone(400, 400));
    one(
        "GET",
        "/static/htmx-2.0.11.min.js",
        Rule::everyone(200, 200),
    );
    one("GET", "/static/app.css", Rule::everyone(200, 200));
    one("GET", "/static/app.js", Rule::everyone(200, 200));

    // Everyone's own pages.
    one("GET", "/", signed_in(200));
    one("POST", "/dang-xuat", Rule::everyone(SIGNED_OUT, SIGN_IN));
    one("GET", "/doi-mat-khau", signed_in(200));
    // A wrong current password: the form again, with the message.
    one("POST", "/doi-mat-khau", signed_in(422));
    one("POST", "/doi-mat-khau/kiem-tra", signed_in(200));
    one("GET", "/tai-khoan", signed_in(200));
    one("GET", "/tai-khoan/phien", signed_in(200));
    // One's own other session (inside) or someone else's (outside).
    one(
        "POST",
        "/tai-khoan/phien/{id}/ket-thuc",
        Rule {
            system_admin: (200, 404),
            unit_admin: (200, 404),
            viewer: (200, 404),
            approver: (200, 404),
            individual: (200, 404),
            anonymous: SIGN_IN,
        },
    );
    one("GET", "/tai-khoan/xac-thuc-hai-lop", signed_in(200));
    one(
        "POST",
        "/tai-khoan/xac-thuc-hai-lop/bat-dau",
        signed_in(200),
    );
    // A malformed code: the form again, with the message.
    one(
        "POST",
        "/tai-khoan/xac-thuc-hai-lop/xac-nhan",
        signed_in(422),
    );
    // Who read my record: the individual's own page.
    one(
        "GET",
        "/tai-khoan/ai-da-xem",
        Rule {
            individual: (200, 200),
            ..signed_in(403)
        },
    );
    one("GET", "/ho-so-duoc-chia-se", signed_in(200));
    one("GET", "/canh-bao", signed_in(200));
    one("GET", "/canh-bao/xuat-excel", signed_in(200));
    // Marking an alert: the record's HR officers (rights before the 400 of an alert that is
    // not there, or not marked).
    one("POST", "/canh-bao/da-xu-ly", writers(400));
    one("POST", "/canh-bao/mo-lai", writers(400));
    one("GET", "/thoi-han", signed_in(200));
    // The deadline report of the target's unit: the Sở's inspection view, for administrators
    // of that unit (another unit is "not found" to a unit administrator).
    let deadline_report = Rule {
        system_admin: (200, 200),
        unit_admin: (200, 404),
        ..signed_in(403)
    };
    one("GET", "/thoi-han/bao-cao", deadline_report);
    one("GET", "/thoi-han/bao-cao/xuat-excel", deadline_report);
    // The periodic reports: every staff account, of the units it sees; recording one sent is
    // the unit's HR officers' (the national preset asks for none: back with that message).
    let periodic = Rule {
        individual: (403, 403),
        ..signed_in(200)
    };
    one("GET", "/bao-cao-dinh-ky", periodic);
    one("GET", "/bao-cao-dinh-ky/xuat-excel", periodic);
    one(
        "POST",
        "/bao-cao-dinh-ky/ghi-nhan",
        Rule {
            individual: (404, 404),
            ..writers(BACK_WITH_ERROR)
        },
    );
    // The payroll: every staff account, of the units it sees; recording a unit's sheet is its
    // HR officers'; consolidating the month is for an account that reads the whole province
    // (the Sở Tài chính's; here the system administrator, a month of its own each time); a
    // sheet's lines are for those who read the unit's records and their salary section.
    one("GET", "/bang-luong", periodic);
    one("GET", "/bang-luong/xuat-excel", periodic);
    one(
        "POST",
        "/bang-luong/lap",
        Rule {
            individual: (404, 404),
            ..writers(303)
        },
    );
    one("POST", "/bang-luong/tong-hop", system_admin_only(303));
    let sheet = Rule {
        system_admin: (200, 200),
        unit_admin: (200, 404),
        viewer: (200, 404),
        approver: (200, 404),
        individual: (404, 404),
        anonymous: SIGN_IN,
    };
    one("GET", "/bang-luong/{id}", sheet);
    one("GET", "/bang-luong/{id}/tai-ve", sheet);
    // A recorded report: whoever sees its unit; signing it is its head's (the approver's
    // writable grant, or the system administrator): past the rights, a signature that is not
    // one is refused on the page (400).
    one(
        "GET",
        "/bao-cao-dinh-ky/{id}",
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 404),
            viewer: (200, 404),
            approver: (200, 404),
            individual: (404, 404),
            anonymous: SIGN_IN,
        },
    );
    one(
        "POST",
        "/bao-cao-dinh-ky/{id}/ky",
        Rule {
            system_admin: (400, 400),
            unit_admin: (403, 404),
            viewer: (403, 404),
            approver: (400, 404),
            individual: (404, 404),
            anonymous: SIGN_IN,
        },
    );
    // Data quality over the target's unit: whoever sees units there; individuals see none.
    let quality = Rule {
        system_admin: (200, 200),
        unit_admin: (200, 404),
        viewer: (200, 404),
        approver: (200, 404),
        individual: (403, 403),
        anonymous: SIGN_IN,
    };
    one("GET", "/chat-luong-du-lieu", quality);
    one("GET", "/chat-luong-du-lieu/xuat-excel", quality);
    one("GET", "/chat-luong-du-lieu/ho-so", quality);
    one("GET", "/chat-luong-du-lieu/ho-so/xuat-excel", quality);
    one("GET", "/chat-luong-du-lieu/kiem-tra-hang-thang", quality);
    one("GET", "/lich-nghi", signed_in(200));

    // Units and staff lists (the matrix filters by the target's unit). An individual may name
    // any unit in a filter: its lists hold its own record only.
    one("GET", "/co-cau", signed_in(200));
    let units = Rule {
        individual: (404, 404),
        ..readers(200)
    };
    one("GET", "/co-cau/con", units);
    one("GET", "/don-vi/{id}", units);
    one("GET", "/don-vi/{id}/so-yeu-ly-lich", units);
    let lists = Rule {
        individual: (200, 200),
        ..readers(200)
    };
    one("GET", "/can-bo", lists);
    one("GET", "/can-bo/xuat-excel", lists);
    // The report builder runs the API's reports: the same answers.
    one("GET", "/bao-cao", lists);
    one("GET", "/bao-cao/xuat-excel", lists);
    // Saved searches: one's own list; sharing one with a unit takes seeing it (individuals see
    // no unit); only the owner deletes one (another's it sees: 403).
    one("GET", "/tim-kiem-da-luu", signed_in(200));
    one(
        "POST",
        "/tim-kiem-da-luu",
        Rule {
            individual: (404, 404),
            ..readers(303)
        },
    );
    one(
        "POST",
        "/tim-kiem-da-luu/{id}/xoa",
        Rule {
            system_admin: (303, 403),
            individual: (303, 404),
            ..readers(303)
        },
    );
    // The statutory forms, over the subunits of the target's unit.
    one("GET", "/bao-cao/mau", signed_in(200));
    // A form names the subunits of its unit: individuals see no unit.
    let forms = Rule {
        individual: (404, 404),
        ..readers(200)
    };
    one("GET", "/bao-cao/mau/{code}", forms);
    one("GET", "/bao-cao/mau/{code}/xuat", forms);
    one("GET", "/bao-cao/mau/{code}/danh-sach", forms);

    // Records.
    one("GET", "/ho-so/{id}", readers(200));
    one("GET", "/ho-so/{id}/phien-ban/{version}", readers(200));
    one("GET", "/ho-so/{id}/so-yeu-ly-lich", readers(200));
    one("GET", "/ho-so/{id}/sua/{section}", writers(200));
    one("POST", "/ho-so/{id}/sua/{section}", writers(303));
    // A scan for an edit: the record's HR officers (rights before the message that the edit is
    // not theirs, which comes back on the record page); a scan the record does not have is
    // "not found" to every reader.
    one(
        "POST",
        "/ho-so/{id}/phien-ban/{version}/dinh-kem",
        writers(303),
    );
    one("GET", "/ho-so/{id}/ban-quet/{sha}", readers(404));
    let create_record = |ok: u16, outside: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, outside),
        ..signed_in(403)
    };
    one("GET", "/ho-so/moi", create_record(200, 200));
    // Outside its unit, the unit administrator gets the form back with "unit not found" next
    // to the unit (422), where the API answers 404: see the report of issue 10.
    one("POST", "/ho-so/moi", create_record(303, 422));
    // Outside-access grants (NĐ 27/2026): the record's administrators.
    one("GET", "/ho-so/{id}/truy-cap", writers(200));
    one("POST", "/ho-so/{id}/truy-cap", writers(303));
    one("POST", "/ho-so/{id}/truy-cap/{grant}/thu-hoi", writers(200));

    // Change requests (phiếu bổ sung lý lịch).
    one("GET", "/de-nghi", signed_in(200));
    one(
        "POST",
        "/de-nghi",
        Rule {
            individual: (303, 404),
            ..writers(303)
        },
    );
    let see_submitted = Rule {
        individual: (200, 404),
        ..reviewer(200)
    };
    one("GET", "/de-nghi/{id}", see_submitted);
    one("GET", "/de-nghi/{id}/dinh-kem/{sha}", see_submitted);
    one("GET", "/de-nghi/{id}/sua/{section}", proposer_only(200));
    one("POST", "/de-nghi/{id}/sua/{section}", proposer_only(303));
    one("POST", "/de-nghi/{id}/dinh-kem", proposer_only(303));
    one(
        "POST",
        "/de-nghi/{id}/dinh-kem/{sha}/xoa",
        proposer_only(303),
    );
    t.insert(
        ("POST", "/de-nghi/{id}/{action}"),
        vec![
            ("gui", proposer_only(303)),
            ("rut", proposer_only(303)),
            ("xac-thuc", reviewer(303)),
            ("tra-lai", reviewer(303)),
            // No such action, on a request the caller may or may not see.
            ("khong-co", signed_in(404)),
        ],
    );
    let mut one = |method, path, rule| {
        t.insert((method, path), vec![("", rule)]);
    };
    one("GET", "/xac-thuc", administrators(200));

    // Approval. Outside the window the approver is sent back with the refusal when it
    // prepares (see `outside_window`); signing a signature that is not one is refused with
    // the batch page again (422).
    one("GET", "/phe-duyet", approval(200, (200, 200)));
    // Separation of duties: the system administrator edits these records in other cells, so it
    // may not approve them (its form comes back with the error), and the batches it meets were
    // prepared by another administrator, whose they are to sign or abandon (403).
    one(
        "POST",
        "/phe-duyet/lo",
        Rule {
            system_admin: (BACK_WITH_ERROR, BACK_WITH_ERROR),
            ..approval(303, (303, 303))
        },
    );
    one("GET", "/phe-duyet/lo/{id}", approval(200, (200, 404)));
    one(
        "POST",
        "/phe-duyet/lo/{id}/huy",
        Rule {
            system_admin: (403, 403),
            ..approval(303, (303, 404))
        },
    );
    // Leaving a record out of a batch: the batch's preparer, like abandoning it.
    one(
        "POST",
        "/phe-duyet/lo/{id}/bo-ra",
        Rule {
            system_admin: (403, 403),
            ..approval(303, (303, 404))
        },
    );
    // Sending a waiting record back to HR: whoever approves it; the record is read first.
    one(
        "POST",
        "/phe-duyet/tra-lai",
        Rule {
            approver: (303, 404),
            unit_admin: (403, 404),
            ..writers(303)
        },
    );
    // Sending it back to the queue unchanged: whoever writes it.
    one("POST", "/ho-so/{id}/gui-lai-phe-duyet", writers(303));
    one(
        "POST",
        "/phe-duyet/lo/{id}/ky",
        Rule {
            system_admin: (403, 403),
            ..approval(422, (422, 404))
        },
    );

    // Province-wide settings.
    one("POST", "/lich-nghi", system_admin_only(303));
    one("POST", "/lich-nghi/them", system_admin_only(303));
    one("POST", "/lich-nghi/xoa", system_admin_only(303));
    one("GET", "/quan-tri/danh-muc", system_admin_only(200));
    one("GET", "/quan-tri/danh-muc/{name}", system_admin_only(200));
    one("POST", "/quan-tri/danh-muc/{name}", system_admin_only(303));
    one(
        "POST",
        "/quan-tri/danh-muc/{name}/ngung",
        system_admin_only(303),
    );
    // The province's document templates: the system administrator's (a file that is not a
    // DOCX: the page again with the reason, 422).
    one("GET", "/quan-tri/mau-van-ban", system_admin_only(200));
    one(
        "GET",
        "/quan-tri/mau-van-ban/{kind}/tai-ve",
        system_admin_only(200),
    );
    one(
        "POST",
        "/quan-tri/mau-van-ban/{kind}",
        system_admin_only(422),
    );
    one(
        "POST",
        "/quan-tri/mau-van-ban/{kind}/mac-dinh",
        system_admin_only(303),
    );
    // Backups: the system administrator's (no backup passphrase in these tests: asking for a
    // backup is refused with the reason, after the rights).
    // Reorganisation: the system administrator's page; the matrix sends an empty form, which
    // it is told is wrong (400, the form shown again with the message).
    one("GET", "/co-cau/sap-xep", system_admin_only(200));
    one("POST", "/co-cau/sap-xep", system_admin_only(400));
    one("GET", "/quan-tri/sao-luu", system_admin_only(200));
    one("POST", "/quan-tri/sao-luu", system_admin_only(400));
    one(
        "POST",
        "/quan-tri/sao-luu/{id}/kiem-tra",
        system_admin_only(404),
    );
    // Decisions about a record: its HR officers.
    one("GET", "/ho-so/{id}/van-ban/{kind}", writers(200));
    // Background jobs: the system administrator retries a failed run and cancels a queued one.
    one("GET", "/quan-tri/cong-viec", system_admin_only(200));
    one(
        "POST",
        "/quan-tri/cong-viec/{id}/chay-lai",
        system_admin_only(303),
    );
    one(
        "POST",
        "/quan-tri/cong-viec/{id}/huy",
        system_admin_only(303),
    );

    // Import from Excel: system and unit administrators over the target unit; an import's
    // progress is its requester's (the system administrator here) alone.
    one("GET", "/nhap-du-lieu", administrators(200));
    one("GET", "/nhap-du-lieu/mau.xlsx", administrators(200));
    one("GET", "/nhap-du-lieu/xuat.xlsx", importers(200));
    one("POST", "/nhap-du-lieu/tai-len", importers(303));
    one("GET", "/nhap-du-lieu/loi.xlsx", importers(200));
    one("POST", "/nhap-du-lieu/nhap", importers(303));
    one("POST", "/nhap-du-lieu/cach-ghep", importers(303));
    // A saved mapping is deleted by the one who saved it (the system administrator here).
    one(
        "POST",
        "/nhap-du-lieu/cach-ghep/{id}/xoa",
        system_admin_only(303),
    );
    one(
        "GET",
        "/nhap-du-lieu/viec/{id}",
        Rule {
            system_admin: (200, 200),
            ..signed_in(404)
        },
    );
    one(
        "POST",
        "/nhap-du-lieu/viec/{id}/huy",
        Rule {
            system_admin: (303, 303),
            ..signed_in(404)
        },
    );

    // Accounts and the audit trail.
    one("GET", "/quan-tri/tai-khoan", administrators(200));
    one("GET", "/quan-tri/tai-khoan/moi", administrators(200));
    // A unit administrator creating an account outside its subtree: the form again (403).
    one(
        "POST",
        "/quan-tri/tai-khoan/moi",
        Rule {
            unit_admin: (201, 403),
            ..administrators(201)
        },
    );
    one("GET", "/quan-tri/tai-khoan/{id}", account_admin(200));
    // Separation of duties: the approver grant on its own unit comes from the level above.
    one(
        "POST",
        "/quan-tri/tai-khoan/{id}/cap-quyen",
        Rule {
            unit_admin: (403, 404),
            ..account_admin(303)
        },
    );
    one(
        "POST",
        "/quan-tri/tai-khoan/{id}/quyen/{grant}/doi",
        account_admin(303),
    );
    one(
        "POST",
        "/quan-tri/tai-khoan/{id}/quyen/{grant}/thu-hoi",
        account_admin(303),
    );
    one(
        "POST",
        "/quan-tri/tai-khoan/{id}/dat-lai-mat-khau",
        account_admin(200),
    );
    // Personal accounts: the list and the sheet for a unit by its administrators; a record's
    // account by those who administer the record; activation is anonymous (a wrong code: the
    // form again, 422).
    let personal = |ok: u16| Rule {
        individual: (404, 404),
        ..writers(ok)
    };
    one("GET", "/quan-tri/tai-khoan-ca-nhan", personal(200));
    one("POST", "/quan-tri/tai-khoan-ca-nhan/cap", personal(200));
    one("POST", "/ho-so/{id}/tai-khoan-ca-nhan", writers(200));
    // Movements ("Biến động"): the inbox for HR; a movement (of a fresh person of the
    // target's unit, to the province's top unit) seen by whoever reads either side, answered by
    // the receiving side (the top unit: the system administrator), cancelled by the sending side.
    one("GET", "/bien-dong", administrators(200));
    let see_movement = Rule {
        individual: (404, 404),
        ..readers(200)
    };
    one("GET", "/bien-dong/{id}", see_movement);
    one("GET", "/bien-dong/{id}/ban-quet", see_movement);
    // Its decision and hand-over record: the HR officers of either side.
    one(
        "GET",
        "/bien-dong/{id}/van-ban/{kind}",
        Rule {
            viewer: (403, 404),
            approver: (403, 404),
            ..see_movement
        },
    );
    one(
        "POST",
        "/bien-dong/{id}/tra-loi",
        Rule {
            unit_admin: (403, 404),
            individual: (404, 404),
            ..writers(200)
        },
    );
    one(
        "POST",
        "/bien-dong/{id}/huy",
        Rule {
            individual: (404, 404),
            ..writers(200)
        },
    );
    one("GET", "/ho-so/{id}/bien-dong", writers(200));
    one(
        "POST",
        "/ho-so/{id}/bien-dong",
        Rule {
            individual: (404, 404),
            ..writers(303)
        },
    );
    // Decisions on the status: the record's HR officers (a fresh person of the target's unit
    // for each decision).
    one("GET", "/ho-so/{id}/trang-thai", writers(200));
    one(
        "POST",
        "/ho-so/{id}/trang-thai",
        Rule {
            individual: (404, 404),
            ..writers(303)
        },
    );
    one(
        "POST",
        "/quyet-dinh-trang-thai/{id}/huy",
        Rule {
            individual: (404, 404),
            ..writers(303)
        },
    );
    // Hand-overs across the province's border: read by the record's readers; handed over by
    // its HR (a working person: the form comes back with the refusal, 422); a package and a
    // confirmation of a reception (a fresh person of the target's unit) by its HR.
    one("GET", "/ho-so/{id}/ban-giao", readers(200));
    one(
        "POST",
        "/ho-so/{id}/ban-giao",
        Rule {
            individual: (404, 404),
            ..writers(422)
        },
    );
    one(
        "GET",
        "/ban-giao/{id}/goi",
        Rule {
            individual: (404, 404),
            ..writers(200)
        },
    );
    one(
        "POST",
        "/ban-giao/{id}/bao-cao",
        Rule {
            individual: (404, 404),
            ..writers(303)
        },
    );
    one(
        "POST",
        "/ban-giao/{id}/xac-nhan",
        Rule {
            individual: (404, 404),
            ..writers(303)
        },
    );
    // Receiving from outside: the form for whoever creates records; a reception without its
    // package comes back with the refusal (422) past the rights on the unit.
    one("GET", "/tiep-nhan-ngoai-tinh", create_record(200, 200));
    one(
        "POST",
        "/tiep-nhan-ngoai-tinh",
        Rule {
            individual: (404, 404),
            ..writers(422)
        },
    );
    one("GET", "/dang-nhap/kich-hoat", Rule::everyone(200, 200));
    one("POST", "/dang-nhap/kich-hoat", Rule::everyone(422, 422));
    one("GET", "/quan-tri/nhat-ky", administrators(200));
    one("GET", "/quan-tri/nhat-ky/xuat-excel", administrators(200));
    t
}

/// Cells that the approval window decides: outside it the approver, who may not override it,
/// is sent back to the approval page with the refusal.
fn outside_window(method: &str, path: &str, who: Who) -> Option<u16> {
    match (method, path, who) {
        ("POST", "/phe-duyet/lo", Who::Approver) => Some(BACK_WITH_ERROR),
        _ => None,
    }
}

/// What a cell sends.
enum Body {
    Empty,
    Form(Vec<(String, String)>),
    /// Text fields and, maybe, one file (name, bytes).
    Multipart(Vec<(String, String)>, Option<(String, Vec<u8>)>),
}

struct Call {
    uri: String,
    body: Body,
    /// Add the session's form token (`_csrf`) to the form.
    csrf: bool,
    /// Another cookie to send (the sign-in form's token).
    cookie: Option<String>,
}

impl Call {
    fn get(uri: impl Into<String>) -> Call {
        Call {
            uri: uri.into(),
            body: Body::Empty,
            csrf: false,
            cookie: None,
        }
    }

    fn form(uri: impl Into<String>, fields: &[(&str, &str)]) -> Call {
        Call {
            uri: uri.into(),
            body: Body::Form(
                fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            csrf: true,
            cookie: None,
        }
    }

    fn form_of(uri: impl Into<String>, fields: Vec<(String, String)>) -> Call {
        Call {
            uri: uri.into(),
            body: Body::Form(fields),
            csrf: true,
            cookie: None,
        }
    }
}

struct Reply {
    status: StatusCode,
    location: String,
    clears_session: bool,
    body: String,
}

impl Reply {
    /// The status, with the redirects the table tells apart.
    fn code(&self) -> u16 {
        if self.status == StatusCode::SEE_OTHER {
            if self.location.starts_with(hoso_web::pages::LOGIN_PATH) {
                return if self.clears_session {
                    SIGNED_OUT
                } else {
                    SIGN_IN
                };
            }
            if self.location.contains("loi=") {
                return BACK_WITH_ERROR;
            }
        }
        self.status.as_u16()
    }
}

/// A browser's request: the session cookie, `Accept: text/html`, the form as the browser
/// encodes it.
async fn send(
    router: &Router,
    session: Option<&str>,
    method: &str,
    call: &Call,
    with_token: bool,
) -> Reply {
    let mut cookies = Vec::new();
    if let Some(token) = session {
        cookies.push(format!("hoso_session={token}"));
    }
    if let Some(c) = &call.cookie {
        cookies.push(c.clone());
    }
    let mut req = Request::builder()
        .method(method)
        .uri(&call.uri)
        .header(header::ACCEPT, "text/html");
    if !cookies.is_empty() {
        req = req.header(header::COOKIE, cookies.join("; "));
    }
    let csrf = (call.csrf && with_token).then(|| {
        (
            "_csrf".to_string(),
            hoso_web::pages::csrf_token(session.unwrap_or("")),
        )
    });
    let body = match &call.body {
        Body::Empty => HttpBody::empty(),
        Body::Form(fields) => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            let mut fields = fields.clone();
            if !with_token {
                fields.retain(|(k, _)| k != "_csrf");
            }
            fields.extend(csrf);
            HttpBody::from(urlencoded(&fields))
        }
        Body::Multipart(fields, file) => {
            let boundary = "hoso-matrix-boundary-5c2e";
            req = req.header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            );
            let mut bytes: Vec<u8> = Vec::new();
            for (k, v) in fields.iter().chain(csrf.iter()) {
                bytes.extend_from_slice(
                    format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                    )
                    .as_bytes(),
                );
            }
            if let Some((name, content)) = file {
                bytes.extend_from_slice(
                    format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
                    )
                    .as_bytes(),
                );
                bytes.extend_from_slice(content);
                bytes.extend_from_slice(b"\r\n");
            }
            bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
            HttpBody::from(bytes)
        }
    };
    let resp = router
        .clone()
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let clears_session = resp
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("hoso_session=;"));
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        location,
        clears_session,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The matrix's world seen from the pages.
struct Pages {
    world: World,
    router: Router,
}

impl Pages {
    fn token(&self, who: Who) -> Option<&str> {
        self.world.clients[&who].token.as_deref()
    }

    /// A page fetched as `who`, which must open.
    async fn open(&self, who: Who, uri: &str) -> Reply {
        let r = send(&self.router, self.token(who), "GET", &Call::get(uri), true).await;
        assert_eq!(r.status, StatusCode::OK, "{uri} as {who:?}: {}", r.body);
        r
    }

    /// The section editor of `uri` (fetched as `who`) submitted with `other_names` changed.
    async fn edited_section(&self, who: Who, uri: &str) -> Vec<(String, String)> {
        let mut fields = form_fields(&self.open(who, uri).await.body);
        fields.remove("_csrf");
        fields.insert(
            "other_names".into(),
            vec![format!("Tên khác trang {}", serial())],
        );
        flatten(&fields)
    }

    /// The "Thêm hồ sơ" form filled in with the sample record (a new số định danh), for the
    /// target's unit.
    async fn new_record_form(&self, target: Target) -> Vec<(String, String)> {
        let n = serial();
        let mut fields = form_fields(&self.open(Who::SystemAdmin, "/ho-so/moi").await.body);
        let model = Value::Object(World::fresh_record());
        for (name, values) in fields.iter_mut() {
            let mut v = &model;
            for part in name.split('.') {
                v = v.get(part).unwrap_or(&Value::Null);
            }
            match v {
                Value::String(s) => *values = vec![s.clone()],
                Value::Array(items) => {
                    *values = items
                        .iter()
                        .map(|i| i.as_str().map(str::to_string).unwrap_or(i.to_string()))
                        .collect()
                }
                Value::Number(x) => *values = vec![x.to_string()],
                Value::Bool(x) => *values = vec![x.to_string()],
                _ => {}
            }
        }
        fields.remove("_csrf");
        fields.insert("_unit".into(), vec![self.world.unit(target).to_string()]);
        fields.insert("_token".into(), vec![format!("{:032x}", 0xc0de_0000 + n)]);
        flatten(&fields)
    }

    /// The request for one cell: URI and form, with fresh targets where the call changes them.
    async fn call(&self, method: &str, path: &str, case: &str, who: Who, target: Target) -> Call {
        let w = &self.world;
        let n = serial();
        let person = w.person(target);
        let unit = w.unit(target);
        match (method, path) {
            ("POST", "/dang-nhap") => {
                // The sign-in form's token lives in its own cookie.
                let token = format!("{:064x}", 0xfeed_0000_u64 + u64::from(n));
                Call {
                    cookie: Some(format!("hoso_login_csrf={token}")),
                    csrf: false,
                    ..Call::form(
                        path,
                        &[
                            ("username", "khong-ton-tai"),
                            ("password", "x"),
                            ("_csrf", &hoso_web::pages::csrf_token(&token)),
                        ],
                    )
                }
            }
            ("POST", "/dang-nhap/kich-hoat") => {
                // The anonymous forms' token lives in the sign-in cookie.
                let token = format!("{:064x}", 0xbeef_0000_u64 + u64::from(n));
                Call {
                    cookie: Some(format!("hoso_login_csrf={token}")),
                    csrf: false,
                    ..Call::form(
                        path,
                        &[
                            ("username", "020185009999"),
                            ("activation_code", "AAAA-BBBB-CCCC"),
                            ("new_password", "Mat-khau-moi-2026!"),
                            ("confirm_password", "Mat-khau-moi-2026!"),
                            ("_csrf", &hoso_web::pages::csrf_token(&token)),
                        ],
                    )
                }
            }
            ("GET", "/bien-dong/{id}") => {
                Call::get(path.replace("{id}", &w.fresh_movement(target, false).await.to_string()))
            }
            ("GET", "/bien-dong/{id}/van-ban/{kind}") => Call::get(format!(
                "/bien-dong/{}/van-ban/bien-ban-ban-giao-ho-so",
                w.fresh_movement(target, false).await
            )),
            ("GET", "/ho-so/{id}/van-ban/{kind}") => {
                Call::get(format!("/ho-so/{person}/van-ban/thong-bao-nghi-huu"))
            }
            ("GET", "/quan-tri/mau-van-ban/{kind}/tai-ve") => {
                Call::get("/quan-tri/mau-van-ban/thong-bao-nghi-huu/tai-ve".to_string())
            }
            ("POST", "/quan-tri/mau-van-ban/{kind}") => Call {
                uri: "/quan-tri/mau-van-ban/thong-bao-nghi-huu".into(),
                body: Body::Multipart(
                    Vec::new(),
                    Some(("mau.docx".into(), b"not a docx".to_vec())),
                ),
                csrf: true,
                cookie: None,
            },
            ("POST", "/quan-tri/sao-luu") => Call::form("/quan-tri/sao-luu".to_string(), &[]),
            // No backup is taken in these tests.
            ("POST", "/quan-tri/sao-luu/{id}/kiem-tra") => {
                Call::form("/quan-tri/sao-luu/987654/kiem-tra".to_string(), &[])
            }
            ("POST", "/co-cau/sap-xep") => Call::form(
                "/co-cau/sap-xep".to_string(),
                &[("kind", "merge"), ("action", "xem-truoc")],
            ),
            ("POST", "/quan-tri/mau-van-ban/{kind}/mac-dinh") => Call::form(
                "/quan-tri/mau-van-ban/thong-bao-nghi-huu/mac-dinh".to_string(),
                &[],
            ),
            ("GET", "/bien-dong/{id}/ban-quet") => {
                Call::get(path.replace("{id}", &w.fresh_movement(target, true).await.to_string()))
            }
            ("POST", "/bien-dong/{id}/tra-loi") => Call::form(
                path.replace("{id}", &w.fresh_movement(target, false).await.to_string()),
                &[("accept", "1")],
            ),
            ("POST", "/bien-dong/{id}/huy") => Call::form(
                path.replace("{id}", &w.fresh_movement(target, false).await.to_string()),
                &[],
            ),
            ("GET", "/ho-so/{id}/trang-thai") => {
                Call::get(path.replace("{id}", &person.to_string()))
            }
            ("POST", "/ho-so/{id}/trang-thai") => {
                let fresh = w.fresh_person(target).await;
                let fields = w.status_decision_fields();
                let refs: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                Call::form(format!("/ho-so/{fresh}/trang-thai"), &refs)
            }
            ("POST", "/quyet-dinh-trang-thai/{id}/huy") => Call::form(
                path.replace("{id}", &w.fresh_status_decision(target).await.to_string()),
                &[],
            ),
            ("GET", "/ho-so/{id}/ban-giao") => Call::get(path.replace("{id}", &person.to_string())),
            ("POST", "/ho-so/{id}/ban-giao") => Call::form(
                path.replace("{id}", &w.fresh_person(target).await.to_string()),
                &[("counterpart", "Sở Nội vụ tỉnh Cao Bằng")],
            ),
            ("GET", "/ban-giao/{id}/goi") => {
                Call::get(path.replace("{id}", &w.fresh_handover(target).await.to_string()))
            }
            ("POST", "/ban-giao/{id}/bao-cao") => {
                let today = w.app.today().to_string();
                Call::form(
                    path.replace("{id}", &w.fresh_handover(target).await.to_string()),
                    &[("reported_on", today.as_str()), ("reference", "25/BC-UBND")],
                )
            }
            ("POST", "/ban-giao/{id}/xac-nhan") => Call::form(
                path.replace("{id}", &w.fresh_handover(target).await.to_string()),
                &[],
            ),
            ("POST", "/tiep-nhan-ngoai-tinh") => {
                let today = w.app.today().to_string();
                Call {
                    uri: path.to_string(),
                    body: Body::Multipart(
                        vec![
                            ("unit_id".into(), unit.to_string()),
                            ("counterpart".into(), "Sở Nội vụ tỉnh Cao Bằng".into()),
                            ("decision_number".into(), format!("{n}/QĐ-SNV")),
                            ("decision_date".into(), today.clone()),
                            ("effective_date".into(), today),
                        ],
                        Some(("goi.zip".into(), b"not a zip".to_vec())),
                    ),
                    csrf: true,
                    cookie: None,
                }
            }
            ("GET", "/ho-so/{id}/bien-dong") => {
                Call::get(path.replace("{id}", &person.to_string()))
            }
            ("POST", "/ho-so/{id}/bien-dong") => {
                let fresh = w.fresh_person(target).await;
                Call {
                    uri: format!("/ho-so/{fresh}/bien-dong"),
                    body: Body::Multipart(
                        w.movement_fields().await,
                        Some((
                            "quyet-dinh.pdf".into(),
                            format!("%PDF-1.4\n% trang {n}\ntrailer<<>>\n%%EOF\n").into_bytes(),
                        )),
                    ),
                    csrf: true,
                    cookie: None,
                }
            }
            ("GET", "/quan-tri/tai-khoan-ca-nhan") => Call::get(format!("{path}?unit={unit}")),
            ("POST", "/quan-tri/tai-khoan-ca-nhan/cap") => {
                Call::form(path, &[("unit_id", &unit.to_string())])
            }
            ("POST", "/ho-so/{id}/tai-khoan-ca-nhan") => {
                Call::form(path.replace("{id}", &person.to_string()), &[])
            }
            ("POST", "/dang-xuat") | ("POST", "/tai-khoan/xac-thuc-hai-lop/bat-dau") => {
                Call::form(path, &[])
            }
            ("POST", "/doi-mat-khau") => Call::form(
                path,
                &[
                    ("current_password", "sai-mat-khau"),
                    ("new_password", "Moi-Mat-Khau#2026"),
                    ("confirm_password", "Moi-Mat-Khau#2026"),
                ],
            ),
            ("POST", "/doi-mat-khau/kiem-tra") => Call::form(path, &[("new_password", "abc")]),
            ("POST", "/tai-khoan/phien/{id}/ket-thuc") => Call::form(
                format!(
                    "/tai-khoan/phien/{}/ket-thuc",
                    w.fresh_session_id(who, target).await
                ),
                &[],
            ),
            ("POST", "/tai-khoan/xac-thuc-hai-lop/xac-nhan") => {
                Call::form(path, &[("code", "abcdef")])
            }
            ("GET", "/auth/oidc/callback") => Call::get(path),
            ("GET", "/co-cau/con") => Call::get(format!("/co-cau/con?parent={unit}")),
            ("GET", "/don-vi/{id}") => Call::get(format!("/don-vi/{unit}")),
            ("GET", "/don-vi/{id}/so-yeu-ly-lich") => {
                Call::get(format!("/don-vi/{unit}/so-yeu-ly-lich?format=docx"))
            }
            ("GET", "/can-bo")
            | ("GET", "/can-bo/xuat-excel")
            | ("GET", "/thoi-han/bao-cao")
            | ("GET", "/thoi-han/bao-cao/xuat-excel")
            | ("GET", "/chat-luong-du-lieu")
            | ("GET", "/chat-luong-du-lieu/xuat-excel")
            | ("GET", "/chat-luong-du-lieu/kiem-tra-hang-thang") => {
                Call::get(format!("{path}?unit={unit}"))
            }
            ("GET", "/chat-luong-du-lieu/ho-so")
            | ("GET", "/chat-luong-du-lieu/ho-so/xuat-excel") => {
                Call::get(format!("{path}?criterion=dung&unit={unit}"))
            }
            ("GET", "/bao-cao") | ("GET", "/bao-cao/xuat-excel") => {
                Call::get(format!("{path}?don_vi={unit}&nhom=gender"))
            }
            ("GET", "/bao-cao/mau/{code}") => {
                Call::get(format!("/bao-cao/mau/bm01-cong-chuc?don_vi={unit}"))
            }
            ("GET", "/bao-cao/mau/{code}/xuat") => {
                Call::get(format!("/bao-cao/mau/bm01-cong-chuc/xuat?don_vi={unit}"))
            }
            ("GET", "/bao-cao/mau/{code}/danh-sach") => Call::get(format!(
                "/bao-cao/mau/bm01-cong-chuc/danh-sach?don_vi={unit}&cot=female"
            )),
            ("GET", "/ho-so/{id}/so-yeu-ly-lich") => {
                Call::get(format!("/ho-so/{person}/so-yeu-ly-lich?format=docx"))
            }
            ("GET", "/ho-so/{id}") | ("GET", "/ho-so/{id}/truy-cap") => {
                Call::get(path.replace("{id}", &person.to_string()))
            }
            ("GET", "/ho-so/{id}/phien-ban/{version}") => {
                Call::get(format!("/ho-so/{person}/phien-ban/1"))
            }
            ("GET", "/ho-so/{id}/sua/{section}") => {
                Call::get(format!("/ho-so/{person}/sua/general"))
            }
            ("POST", "/ho-so/{id}/sua/{section}") => {
                let uri = format!("/ho-so/{person}/sua/general");
                let fields = self.edited_section(Who::SystemAdmin, &uri).await;
                Call::form_of(uri, fields)
            }
            ("POST", "/ho-so/moi") => Call::form_of(path, self.new_record_form(target).await),
            ("POST", "/canh-bao/da-xu-ly") | ("POST", "/canh-bao/mo-lai") => Call::form(
                path,
                &[
                    ("person_id", &person.to_string()),
                    ("kind", "record_stale"),
                    ("due", "2026-01-01"),
                ],
            ),
            ("POST", "/ho-so/{id}/truy-cap") => {
                let last = (w.app.today() + time::Duration::days(30)).to_string();
                Call::form(
                    format!("/ho-so/{person}/truy-cap"),
                    &[
                        ("username", "lanhdao"),
                        ("purpose", "Thanh tra công vụ"),
                        ("legal_ref", "Quyết định 12/QĐ-TTr"),
                        ("expires_on", &last),
                        ("clearance", "internal"),
                    ],
                )
            }
            ("POST", "/ho-so/{id}/truy-cap/{grant}/thu-hoi") => Call::form(
                format!(
                    "/ho-so/{person}/truy-cap/{}/thu-hoi",
                    w.fresh_access_grant(target).await
                ),
                &[("request_ref", "Công văn 8/TTr")],
            ),
            ("POST", "/de-nghi") => Call::form(
                path,
                &[
                    ("person_id", &person.to_string()),
                    ("reason", "Bổ sung lý lịch"),
                ],
            ),
            ("GET", "/de-nghi/{id}") => {
                let (id, _) = w.fresh_change(target, true).await;
                Call::get(format!("/de-nghi/{id}"))
            }
            ("GET", "/de-nghi/{id}/dinh-kem/{sha}") => {
                let (id, sha) = w.fresh_change(target, true).await;
                Call::get(format!("/de-nghi/{id}/dinh-kem/{sha}"))
            }
            ("GET", "/de-nghi/{id}/sua/{section}") => {
                let (id, _) = w.fresh_change(target, false).await;
                Call::get(format!("/de-nghi/{id}/sua/general"))
            }
            ("POST", "/de-nghi/{id}/sua/{section}") => {
                let (id, _) = w.fresh_change(target, false).await;
                let uri = format!("/de-nghi/{id}/sua/general");
                let fields = self.edited_section(World::proposer(target), &uri).await;
                Call::form_of(uri, fields)
            }
            ("POST", "/nhap-du-lieu/tai-len") => Call {
                uri: path.to_string(),
                body: Body::Multipart(
                    vec![("don_vi".into(), unit.to_string())],
                    Some(("danh-sach.csv".into(), IMPORT_CSV.as_bytes().to_vec())),
                ),
                csrf: true,
                cookie: None,
            },
            ("GET", "/nhap-du-lieu/xuat.xlsx") => Call::get(format!("{path}?don_vi={unit}")),
            ("GET", "/nhap-du-lieu/loi.xlsx") => Call::get(format!(
                "{path}?tep={}&ten=danh-sach.csv&don_vi={unit}",
                stashed_import(w).await
            )),
            ("POST", "/nhap-du-lieu/nhap") => {
                let sha = stashed_import(w).await;
                Call::form(
                    path,
                    &[
                        ("tep", sha.as_str()),
                        ("ten", "danh-sach.csv"),
                        ("don_vi", &unit.to_string()),
                    ],
                )
            }
            ("POST", "/nhap-du-lieu/cach-ghep") => {
                let sha = stashed_import(w).await;
                Call::form(
                    path,
                    &[
                        ("tep", sha.as_str()),
                        ("ten", "danh-sach.csv"),
                        ("don_vi", &unit.to_string()),
                        ("ten_cach_ghep", "Danh sách trích ngang"),
                    ],
                )
            }
            ("POST", "/nhap-du-lieu/cach-ghep/{id}/xoa") => Call::form(
                format!("/nhap-du-lieu/cach-ghep/{}/xoa", saved_mapping(w).await),
                &[],
            ),
            ("GET", "/nhap-du-lieu/viec/{id}") => {
                Call::get(format!("/nhap-du-lieu/viec/{}", queued_import(w).await))
            }
            ("POST", "/nhap-du-lieu/viec/{id}/huy") => Call::form(
                format!("/nhap-du-lieu/viec/{}/huy", queued_import(w).await),
                &[],
            ),
            ("POST", "/ho-so/{id}/phien-ban/{version}/dinh-kem") => {
                // First an edit of the caller's own, where the caller may write: the scan
                // proves it. Others fail to edit and are refused the attachment.
                let edit = format!("/ho-so/{person}/sua/general");
                let fields = self.edited_section(Who::SystemAdmin, &edit).await;
                send(
                    &self.router,
                    self.token(who),
                    "POST",
                    &Call::form_of(edit, fields),
                    true,
                )
                .await;
                let current =
                    w.admin.get(&format!("/api/v1/persons/{person}")).await.body["current_version"]
                        .as_i64()
                        .unwrap();
                Call {
                    uri: format!("/ho-so/{person}/phien-ban/{current}/dinh-kem"),
                    body: Body::Multipart(
                        vec![("section".into(), "general".into())],
                        Some((
                            "quyet-dinh.pdf".into(),
                            format!("%PDF-1.4\n% trang {n}\ntrailer<<>>\n%%EOF\n").into_bytes(),
                        )),
                    ),
                    csrf: true,
                    cookie: None,
                }
            }
            ("GET", "/ho-so/{id}/ban-quet/{sha}") => {
                Call::get(format!("/ho-so/{person}/ban-quet/{}", "0".repeat(64)))
            }
            ("POST", "/de-nghi/{id}/dinh-kem") => {
                let (id, _) = w.fresh_change(target, false).await;
                Call {
                    uri: format!("/de-nghi/{id}/dinh-kem"),
                    body: Body::Multipart(
                        vec![("section".into(), "general".into())],
                        Some((
                            "giay-khai-sinh.pdf".into(),
                            format!("%PDF-1.4\n% trang {n}\ntrailer<<>>\n%%EOF\n").into_bytes(),
                        )),
                    ),
                    csrf: true,
                    cookie: None,
                }
            }
            ("POST", "/de-nghi/{id}/dinh-kem/{sha}/xoa") => {
                let (id, sha) = w.fresh_change(target, false).await;
                Call::form(format!("/de-nghi/{id}/dinh-kem/{sha}/xoa"), &[])
            }
            ("POST", "/de-nghi/{id}/{action}") => {
                // Submitting and withdrawing act on a draft; reviewing on a submitted request.
                let submitted = !matches!(case, "gui" | "rut");
                let (id, _) = w.fresh_change(target, submitted).await;
                Call::form(
                    format!("/de-nghi/{id}/{case}"),
                    &[("comment", "Đề nghị bổ sung bản sao giấy khai sinh")],
                )
            }
            ("POST", "/phe-duyet/lo") => {
                // The form prepares everything waiting in the caller's scope: a version waits
                // in each unit.
                w.make_pending(Target::Inside).await;
                w.make_pending(Target::Outside).await;
                Call::form(path, &[("override_window", "on")])
            }
            ("GET", "/phe-duyet/lo/{id}") => Call::get(format!(
                "/phe-duyet/lo/{}",
                w.fresh_batch(who, target).await
            )),
            ("POST", "/phe-duyet/lo/{id}/huy") => Call::form(
                format!("/phe-duyet/lo/{}/huy", w.fresh_batch(who, target).await),
                &[],
            ),
            ("POST", "/phe-duyet/lo/{id}/bo-ra") => {
                let batch = w.fresh_batch(who, target).await;
                Call::form(
                    format!("/phe-duyet/lo/{batch}/bo-ra"),
                    &[("person_id", &w.person(target).to_string())],
                )
            }
            ("POST", "/tim-kiem-da-luu") => Call::form(
                path,
                &[
                    ("name", &format!("Tìm kiếm {}", serial())),
                    ("link", "/can-bo?q=a"),
                    ("share", &w.unit(target).to_string()),
                ],
            ),
            ("POST", "/tim-kiem-da-luu/{id}/xoa") => Call::form(
                format!(
                    "/tim-kiem-da-luu/{}/xoa",
                    w.fresh_saved_search_id(who, target).await
                ),
                &[],
            ),
            ("POST", "/bang-luong/lap") => Call::form(
                path,
                &[
                    ("unit_id", &w.unit(target).to_string()),
                    ("period", &w.this_month()),
                    ("paid_on", &w.app.today().to_string()),
                ],
            ),
            ("POST", "/bang-luong/tong-hop") => {
                Call::form(path, &[("period", &World::fresh_past_month())])
            }
            ("GET", "/bang-luong/{id}") => Call::get(format!(
                "/bang-luong/{}",
                w.fresh_payroll_sheet(target).await
            )),
            ("GET", "/bang-luong/{id}/tai-ve") => Call::get(format!(
                "/bang-luong/{}/tai-ve",
                w.fresh_payroll_sheet(target).await
            )),
            ("POST", "/bao-cao-dinh-ky/ghi-nhan") => Call::form(
                path,
                &[
                    ("rule_id", "lang_son.annual_report_unit"),
                    ("year", "2027"),
                    ("unit_id", &w.unit(target).to_string()),
                    ("sent_on", "02/11/2026"),
                    ("reference", "1/BC"),
                ],
            ),
            ("POST", "/phe-duyet/tra-lai") => {
                w.make_pending(target).await;
                Call::form(
                    path,
                    &[
                        ("person_id", &w.person(target).to_string()),
                        ("comment", "Đề nghị kiểm tra lại ngày cấp bằng"),
                    ],
                )
            }
            ("POST", "/ho-so/{id}/gui-lai-phe-duyet") => {
                w.fresh_return(target).await;
                Call::form(
                    format!("/ho-so/{}/gui-lai-phe-duyet", w.person(target)),
                    &[("comment", "Đã đối chiếu bản gốc, thông tin đúng")],
                )
            }
            ("GET", "/bao-cao-dinh-ky/{id}") => Call::get(format!(
                "/bao-cao-dinh-ky/{}",
                w.fresh_report_submission(target).await
            )),
            ("POST", "/bao-cao-dinh-ky/{id}/ky") => Call {
                uri: format!(
                    "/bao-cao-dinh-ky/{}/ky",
                    w.fresh_report_submission(target).await
                ),
                body: Body::Multipart(
                    vec![
                        ("mode".into(), "external".into()),
                        ("signature".into(), "bm90IGEgc2lnbmF0dXJl".into()),
                    ],
                    None,
                ),
                csrf: true,
                cookie: None,
            },
            ("POST", "/phe-duyet/lo/{id}/ky") => Call {
                uri: format!("/phe-duyet/lo/{}/ky", w.fresh_batch(who, target).await),
                body: Body::Multipart(
                    vec![
                        ("mode".into(), "external".into()),
                        ("signature".into(), "bm90IGEgc2lnbmF0dXJl".into()),
                        ("override_window".into(), "on".into()),
                    ],
                    None,
                ),
                csrf: true,
                cookie: None,
            },
            ("POST", "/lich-nghi") => {
                let year = 2100 + (n % 50) as i32;
                let tsv = hoso_domain::calendar::schedule_to_tsv(
                    &hoso_domain::calendar::HolidayCalendar::embedded().year_entries(year),
                );
                Call::form(
                    path,
                    &[
                        ("nam", &year.to_string()),
                        ("tsv", &tsv),
                        ("decision_ref", "TB 12/TB-BNV"),
                    ],
                )
            }
            ("POST", "/lich-nghi/them") => {
                // A mid-August day of a far year: never a holiday, different for every call.
                let year = 2100 + (n % 50);
                let day = 1 + (n / 50) % 28;
                Call::form(
                    path,
                    &[
                        ("nam", &year.to_string()),
                        ("date", &format!("{year}-08-{day:02}")),
                        ("kind", "holiday"),
                        ("name", &format!("Ngày nghỉ trang {n}")),
                        ("decision_ref", "TB 13/TB-BNV"),
                    ],
                )
            }
            ("POST", "/lich-nghi/xoa") => {
                let (year, date) = w.fresh_holiday(10).await;
                Call::form(
                    path,
                    &[
                        ("nam", &year.to_string()),
                        ("date", &date),
                        ("decision_ref", "TB 15/TB-BNV"),
                    ],
                )
            }
            ("GET", "/quan-tri/danh-muc/{name}") => Call::get("/quan-tri/danh-muc/dan_toc"),
            ("POST", "/quan-tri/danh-muc/{name}") => Call::form(
                "/quan-tri/danh-muc/ton_giao",
                &[
                    ("kind", ""),
                    ("code", &format!("tr{n}")),
                    ("name", &format!("Tôn giáo trang {n}")),
                    ("decision_ref", "QĐ 11/QĐ-SNV"),
                ],
            ),
            ("POST", "/quan-tri/cong-viec/{id}/chay-lai") => Call::form(
                path.replace("{id}", &w.fresh_job(true).await.to_string()),
                &[],
            ),
            ("POST", "/quan-tri/cong-viec/{id}/huy") => Call::form(
                path.replace("{id}", &w.fresh_job(false).await.to_string()),
                &[],
            ),
            ("POST", "/quan-tri/danh-muc/{name}/ngung") => {
                let code = w.fresh_catalog_item().await;
                Call::form(
                    "/quan-tri/danh-muc/ton_giao/ngung",
                    &[("kind", ""), ("code", &code)],
                )
            }
            ("POST", "/quan-tri/tai-khoan/moi") => Call::form(
                path,
                &[
                    ("username", &format!("tkt.{n}")),
                    ("display_name", &format!("Tài khoản trang {n}")),
                    ("role", "viewer"),
                    ("unit_id", &unit.to_string()),
                    ("request_ref", "Công văn 3/SNV"),
                ],
            ),
            ("GET", "/quan-tri/tai-khoan/{id}") => {
                let (account, _) = w.fresh_account(target).await;
                Call::get(format!("/quan-tri/tai-khoan/{account}"))
            }
            ("POST", "/quan-tri/tai-khoan/{id}/cap-quyen") => {
                let (account, _) = w.fresh_account(target).await;
                Call::form(
                    format!("/quan-tri/tai-khoan/{account}/cap-quyen"),
                    &[
                        ("role", "approver"),
                        ("unit_id", &unit.to_string()),
                        ("request_ref", "Công văn 4/SNV"),
                    ],
                )
            }
            ("POST", "/quan-tri/tai-khoan/{id}/quyen/{grant}/doi") => {
                let (account, grant) = w.fresh_account(target).await;
                Call::form(
                    format!("/quan-tri/tai-khoan/{account}/quyen/{grant}/doi"),
                    &[("access", "chi-xem"), ("request_ref", "Công văn 5/SNV")],
                )
            }
            ("POST", "/quan-tri/tai-khoan/{id}/quyen/{grant}/thu-hoi") => {
                let (account, grant) = w.fresh_account(target).await;
                Call::form(
                    format!("/quan-tri/tai-khoan/{account}/quyen/{grant}/thu-hoi"),
                    &[("request_ref", "Công văn 6/SNV")],
                )
            }
            ("POST", "/quan-tri/tai-khoan/{id}/dat-lai-mat-khau") => {
                let (account, _) = w.fresh_account(target).await;
                Call::form(
                    format!("/quan-tri/tai-khoan/{account}/dat-lai-mat-khau"),
                    &[],
                )
            }
            // Pages without parameters.
            ("GET", p) if !p.contains('{') => Call::get(p),
            _ => panic!(
                "the page matrix does not know how to call {method} {path}: add it to Pages::call()"
            ),
        }
    }
}

#[test]
fn every_page_route_has_an_authorization_rule() {
    let table = rules();
    let routes = hoso_web::pages::page_routes();
    let missing: Vec<_> = routes
        .iter()
        .filter(|route| !table.contains_key(route))
        .collect();
    assert!(
        missing.is_empty(),
        "page route without an authorization rule: {missing:?} — add it to rules() in tests/authz_pages.rs"
    );
    let stale: Vec<_> = table
        .keys()
        .filter(|route| !routes.contains(route))
        .collect();
    assert!(
        stale.is_empty(),
        "rules for page routes that no longer exist: {stale:?}"
    );
    let mut unique = routes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), routes.len(), "a page route is listed twice");
}

/// The page matrix on a day outside the approval window and on one inside it.
#[tokio::test]
async fn every_page_every_role_inside_and_outside_scope() {
    for today in [time::macros::date!(2026 - 11 - 16), WINDOW_DAY] {
        page_matrix_on(today).await;
    }
}

async fn page_matrix_on(today: time::Date) {
    let table = rules();
    for db in databases().await {
        let world = World::on(&db, today).await;
        let window_open = world.app.approval_window().open;
        let router = hoso_web::router(world.app.clone());
        let pages = Pages { world, router };
        let mut failures = Vec::new();
        let mut cells = 0;
        let mut expected_cells = 0;
        for (method, path) in hoso_web::pages::page_routes() {
            let cases = table.get(&(method, path)).unwrap_or_else(|| {
                panic!("page route without an authorization rule: {method} {path}")
            });
            expected_cells += cases.len() * EVERYONE.len() * 2;
            for (case, rule) in cases {
                for who in EVERYONE {
                    for target in [Target::Inside, Target::Outside] {
                        let call = pages.call(method, path, case, who, target).await;
                        // Signing out ends the session: it gets one of its own.
                        let fresh;
                        let session = if path == "/dang-xuat" && who != Who::Anonymous {
                            fresh = pages.world.fresh_client(who).await;
                            fresh.token.as_deref()
                        } else {
                            pages.token(who)
                        };
                        let reply = send(&pages.router, session, method, &call, true).await;
                        cells += 1;
                        let expected = match outside_window(method, path, who) {
                            Some(code) if !window_open => code,
                            _ => rule.expect(who, target),
                        };
                        let got = reply.code();
                        if got != expected {
                            let body: String = reply.body.chars().take(300).collect();
                            failures.push(format!(
                                "{method} {} as {who:?} ({target:?}): expected {}, got {} (location {:?}) {body}",
                                call.uri,
                                describe(expected),
                                describe(got),
                                reply.location,
                            ));
                        } else if (400..600).contains(&expected) && reply.body.is_ascii() {
                            failures.push(format!(
                                "{method} {} as {who:?} ({target:?}): refusal without a Vietnamese page: {}",
                                call.uri, reply.body
                            ));
                        }
                    }
                }
                // Every form refuses a request without the session's form token, even from the
                // system administrator on a target it may act on.
                if method == "POST" {
                    let who = Who::SystemAdmin;
                    let call = pages.call(method, path, case, who, Target::Outside).await;
                    let fresh = pages.world.fresh_client(who).await;
                    let reply =
                        send(&pages.router, fresh.token.as_deref(), method, &call, false).await;
                    if reply.status != StatusCode::FORBIDDEN {
                        failures.push(format!(
                            "{method} {} without the form token: expected 403, got {} {}",
                            call.uri,
                            reply.status,
                            reply.body.chars().take(300).collect::<String>()
                        ));
                    }
                }
            }
        }
        assert_eq!(cells, expected_cells, "every cell was tried");
        eprintln!("{} on {today}: {cells} page cells tried", db.label);
        assert!(
            failures.is_empty(),
            "{} on {today}: {} of {cells} page cells differ:\n{}",
            db.label,
            failures.len(),
            failures.join("\n")
        );
    }
}
