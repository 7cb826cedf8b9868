//! The authorization matrix: every route of the OpenAPI document × every role × a target inside
//! and outside the role's scope, against a table of expected statuses. A route missing from the
//! table fails the test, so every new route must come with its authorization rule. The pages
//! have their own matrix (`tests/authz_pages.rs`) over the same world (`common::world`).

mod common;

use std::collections::BTreeMap;

use common::databases;
use common::world::{EVERYONE, Rule, Target, WINDOW_DAY, Who, World, access_grant_body, serial};
use serde_json::{Value, json};

/// Same status for every signed-in role and target; 401 for anonymous callers.
const fn any_signed_in(status: u16) -> Rule {
    Rule::everyone(status, 401)
}

/// The table: one rule per (method, OpenAPI path).
fn rules() -> BTreeMap<(&'static str, &'static str), Rule> {
    let mut t = BTreeMap::new();
    // Public: an unknown user is refused the same way whoever asks.
    t.insert(("post", "/api/v1/auth/login"), Rule::everyone(401, 401));
    t.insert(("post", "/api/v1/auth/logout"), any_signed_in(204));
    t.insert(("get", "/api/v1/me"), any_signed_in(200));
    // The matrix sends a wrong current password: refused with 400 for every signed-in account.
    t.insert(("post", "/api/v1/me/password"), any_signed_in(400));
    t.insert(("get", "/api/v1/me/sessions"), any_signed_in(200));
    // Starting TOTP enrolment is everyone's own business; the matrix confirms with a malformed
    // code, refused with 400.
    t.insert(("post", "/api/v1/me/totp"), any_signed_in(200));
    t.insert(("post", "/api/v1/me/totp/confirm"), any_signed_in(400));
    // One's own session (inside) or someone else's (outside).
    t.insert(
        ("delete", "/api/v1/me/sessions/{id}"),
        Rule {
            system_admin: (204, 404),
            unit_admin: (204, 404),
            viewer: (204, 404),
            approver: (204, 404),
            individual: (204, 404),
            anonymous: 401,
        },
    );
    t.insert(
        ("get", "/api/v1/me/record-reads"),
        Rule {
            individual: (200, 200),
            ..any_signed_in(403)
        },
    );
    t.insert(("get", "/api/v1/org-units"), any_signed_in(200));
    // Units: created and renamed by their administrators; seen by every staff role over them.
    let manage_unit = |ok: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 404),
        viewer: (403, 404),
        approver: (403, 404),
        individual: (404, 404),
        anonymous: 401,
    };
    t.insert(("post", "/api/v1/org-units"), manage_unit(201));
    t.insert(("patch", "/api/v1/org-units/{id}"), manage_unit(200));
    // A reorganisation: rights over every unit named before the plan, so the matrix's plan (a
    // unit merged into itself) is refused with 400 only to those who may manage the unit.
    t.insert(
        ("post", "/api/v1/reorganisations"),
        Rule {
            system_admin: (400, 400),
            unit_admin: (400, 404),
            viewer: (403, 404),
            approver: (403, 404),
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
            approver: (200, 404),
            individual: (404, 404),
            anonymous: 401,
        },
    );
    t.insert(("get", "/api/v1/persons"), any_signed_in(200));
    // Records: written by HR (system and unit administrators) only.
    let write_record = |ok: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 404),
        viewer: (403, 404),
        approver: (403, 404),
        individual: (403, 404),
        anonymous: 401,
    };
    t.insert(
        ("post", "/api/v1/persons"),
        Rule {
            // The individual sees no unit: a unit is "not found" for it.
            individual: (404, 404),
            ..write_record(201)
        },
    );
    t.insert(("put", "/api/v1/persons/{id}/record"), write_record(200));
    // Read by every role whose scope holds them (the viewer with clearance "internal", the
    // approver "confidential", the others in full).
    let read_record = Rule {
        system_admin: (200, 200),
        unit_admin: (200, 404),
        viewer: (200, 404),
        approver: (200, 404),
        individual: (200, 404),
        anonymous: 401,
    };
    t.insert(("get", "/api/v1/persons/{id}"), read_record);
    t.insert(("get", "/api/v1/persons/{id}/versions"), read_record);
    t.insert(
        ("get", "/api/v1/persons/{id}/versions/{version}"),
        read_record,
    );
    // Printing the sơ yếu lý lịch: whoever reads the record (what it holds follows the reader's
    // clearance).
    t.insert(("get", "/api/v1/persons/{id}/documents/2c"), read_record);
    // A whole unit's: whoever sees the unit (not an individual).
    t.insert(
        ("get", "/api/v1/org-units/{id}/documents/2c"),
        Rule {
            individual: (404, 404),
            ..read_record
        },
    );
    // Change requests: a draft is its proposer's alone; a submitted one is also the HR
    // officer's (write scope). The matrix's requests are proposed by the individual of the
    // inside record (inside) and by the system administrator on the outside record (outside).
    let proposer_only = |ok: u16| Rule {
        system_admin: (404, ok),
        individual: (ok, 404),
        ..any_signed_in(404)
    };
    let reviewer = |ok: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 404),
        viewer: (404, 404),
        // Approvers sign the versions these requests become, but do not see the requests
        // themselves (nor their scans): see the report of issue 10.
        approver: (404, 404),
        individual: (403, 404),
        anonymous: 401,
    };
    t.insert(("get", "/api/v1/change-requests"), any_signed_in(200));
    t.insert(
        ("post", "/api/v1/change-requests"),
        Rule {
            individual: (201, 404),
            ..write_record(201)
        },
    );
    let see_submitted = Rule {
        system_admin: (200, 200),
        unit_admin: (200, 404),
        viewer: (404, 404),
        approver: (404, 404),
        individual: (200, 404),
        anonymous: 401,
    };
    t.insert(("get", "/api/v1/change-requests/{id}"), see_submitted);
    t.insert(
        ("get", "/api/v1/change-requests/{id}/attachments/{sha256}"),
        see_submitted,
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
            ..any_signed_in(403)
        },
    );
    t.insert(("get", "/api/v1/persons/{id}/change-requests"), read_record);
    t.insert(("get", "/api/v1/persons/{id}/approvals"), read_record);
    // Approval: the approver of the inside unit and the system administrator. A batch is its
    // preparer's (and the system administrator's): inside, the approver acts on its own batch
    // over the inside record; outside, on one the system administrator prepared over the
    // outside record. Signing is refused for a signature that is not one. Outside the window
    // the approver may not prepare (see `outside_window`).
    let approval = |ok: u16, approver: (u16, u16)| Rule {
        system_admin: (ok, ok),
        approver,
        ..any_signed_in(403)
    };
    t.insert(
        ("get", "/api/v1/approvals/queue"),
        approval(200, (200, 200)),
    );
    t.insert(("get", "/api/v1/approvals"), approval(200, (200, 200)));
    // Outside: the approver asks for a record beyond its unit and is told "nothing waiting in
    // your scope" (400), not "not found" (404): see the report of issue 10.
    t.insert(("post", "/api/v1/approvals"), approval(201, (201, 400)));
    t.insert(("get", "/api/v1/approvals/{id}"), approval(200, (200, 404)));
    t.insert(
        ("get", "/api/v1/approvals/{id}/manifest"),
        approval(200, (200, 404)),
    );
    t.insert(
        ("get", "/api/v1/approvals/{id}/signature"),
        approval(404, (404, 404)),
    );
    // Separation of duties: the batches the system administrator meets here were prepared by a
    // second administrator (the first edits these records in other cells, so it may not approve
    // them); a batch is its preparer's to sign or abandon (403).
    t.insert(
        ("post", "/api/v1/approvals/{id}/sign"),
        Rule {
            system_admin: (403, 403),
            ..approval(400, (400, 404))
        },
    );
    t.insert(
        ("post", "/api/v1/approvals/{id}/abandon"),
        Rule {
            system_admin: (403, 403),
            ..approval(200, (200, 404))
        },
    );
    // Leaving a record out of a batch: the batch's preparer, like abandoning it.
    t.insert(
        ("post", "/api/v1/approvals/{id}/leave-out"),
        Rule {
            system_admin: (403, 403),
            ..approval(200, (200, 404))
        },
    );
    // Records sent back before signing: HR lists those it writes, a head those it approves.
    t.insert(
        ("get", "/api/v1/approvals/returned"),
        Rule {
            unit_admin: (200, 200),
            ..approval(200, (200, 200))
        },
    );
    // Sending a waiting record back to HR: whoever approves it (the record is read first).
    t.insert(
        ("post", "/api/v1/persons/{id}/approval-return"),
        Rule {
            approver: (201, 404),
            unit_admin: (403, 404),
            ..write_record(201)
        },
    );
    // Sending it back to the queue unchanged: whoever writes it.
    t.insert(
        ("post", "/api/v1/persons/{id}/approval-resubmit"),
        write_record(200),
    );
    // Version 1 was never signed: refused with 400 to whoever may see the whole record (the
    // viewer's and the approver's clearances stop short of "secret").
    t.insert(
        ("get", "/api/v1/persons/{id}/versions/{version}/package"),
        Rule {
            individual: (400, 404),
            ..write_record(400)
        },
    );
    t.insert(("post", "/api/v1/packages/verify"), any_signed_in(400));
    t.insert(("get", "/api/v1/catalogs"), any_signed_in(200));
    t.insert(("get", "/api/v1/catalogs/{name}"), any_signed_in(200));
    // Province-wide settings (catalogs, the holiday calendar): the system administrator only.
    let province = |ok: u16| Rule {
        system_admin: (ok, ok),
        ..any_signed_in(403)
    };
    t.insert(("put", "/api/v1/catalogs/{name}/items"), province(200));
    t.insert(
        ("delete", "/api/v1/catalogs/{name}/items/{code}"),
        province(204),
    );
    // Accounts: administrators list them; they manage those of their subtree.
    let see_accounts = Rule {
        system_admin: (200, 200),
        unit_admin: (200, 200),
        ..any_signed_in(403)
    };
    t.insert(("get", "/api/v1/accounts"), see_accounts);
    let manage = |ok: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 403),
        ..any_signed_in(403)
    };
    t.insert(("post", "/api/v1/accounts"), manage(201));
    t.insert(
        ("post", "/api/v1/accounts/{id}/reset-password"),
        manage(200),
    );
    // Separation of duties: an approver grant on the unit administrator's own unit comes
    // from the level above (the request grants "approver" on the target's unit).
    t.insert(
        ("post", "/api/v1/accounts/{id}/grants"),
        Rule {
            unit_admin: (403, 403),
            ..manage(201)
        },
    );
    t.insert(("patch", "/api/v1/grants/{id}"), manage(200));
    t.insert(("delete", "/api/v1/grants/{id}"), manage(204));
    t.insert(("post", "/api/v1/accounts/{id}/reset-totp"), manage(204));
    // Personal accounts: seen by the administrators of the record's unit (403 to the other
    // roles that see the record or unit), created and given codes by those who administer it.
    let see_personal = |ok: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 404),
        viewer: (403, 404),
        approver: (403, 404),
        individual: (403, 404),
        anonymous: 401,
    };
    t.insert(("get", "/api/v1/persons/{id}/account"), see_personal(200));
    t.insert(("post", "/api/v1/persons/{id}/account"), see_personal(201));
    let unit_personal = |ok: u16| Rule {
        individual: (404, 404),
        ..see_personal(ok)
    };
    t.insert(("get", "/api/v1/personal-accounts"), unit_personal(200));
    t.insert(
        ("post", "/api/v1/org-units/{id}/personal-accounts"),
        unit_personal(201),
    );
    // Movements: recorded by HR of the record (a fresh person of the target's unit, to the
    // province's top unit); the sending side reads and cancels, the receiving side (the top
    // unit: the system administrator) answers.
    let move_record = |ok: u16| Rule {
        system_admin: (ok, ok),
        unit_admin: (ok, 404),
        viewer: (403, 404),
        approver: (403, 404),
        individual: (404, 404),
        anonymous: 401,
    };
    t.insert(("post", "/api/v1/persons/{id}/movements"), move_record(201));
    t.insert(("get", "/api/v1/persons/{id}/movements"), read_record);
    t.insert(
        ("get", "/api/v1/movements"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 200),
            ..any_signed_in(403)
        },
    );
    let see_movement = Rule {
        system_admin: (200, 200),
        unit_admin: (200, 404),
        viewer: (200, 404),
        approver: (200, 404),
        individual: (404, 404),
        anonymous: 401,
    };
    t.insert(("get", "/api/v1/movements/{id}"), see_movement);
    t.insert(("get", "/api/v1/movements/{id}/scan"), see_movement);
    t.insert(
        ("post", "/api/v1/movements/{id}/answer"),
        Rule {
            unit_admin: (403, 404),
            ..move_record(200)
        },
    );
    t.insert(("post", "/api/v1/movements/{id}/cancel"), move_record(200));
    // Decisions on the status (nghỉ hưu, thôi việc…): recorded and withdrawn by HR of the
    // record (a fresh person of the target's unit), read by whoever reads the record.
    t.insert(
        ("post", "/api/v1/persons/{id}/status-decisions"),
        move_record(201),
    );
    t.insert(
        ("get", "/api/v1/persons/{id}/status-decisions"),
        read_record,
    );
    t.insert(
        ("post", "/api/v1/status-decisions/{id}/cancel"),
        move_record(200),
    );
    // Hand-overs across the province's border: read by whoever reads the record; handed over
    // by its HR (a working person: refused with 400 past the rights), the package downloaded
    // by those cleared for the whole record, a reception confirmed by the receiving unit's HR.
    t.insert(("get", "/api/v1/persons/{id}/handovers"), read_record);
    t.insert(("post", "/api/v1/persons/{id}/handovers"), move_record(400));
    t.insert(("get", "/api/v1/handovers/{id}/package"), move_record(200));
    t.insert(("post", "/api/v1/handovers/{id}/confirm"), move_record(200));
    t.insert(("post", "/api/v1/handovers/{id}/report"), move_record(200));
    // Receiving into the target's unit: its HR, past the rights a package that is no zip (400);
    // outside its scope the unit is not found.
    t.insert(
        ("post", "/api/v1/handovers/receive"),
        Rule {
            individual: (404, 404),
            ..write_record(400)
        },
    );
    // A movement's decision and hand-over record: printed by the HR officers of either side;
    // the other roles who see the movement may not print it.
    t.insert(
        ("get", "/api/v1/movements/{id}/documents/{kind}"),
        Rule {
            viewer: (403, 404),
            approver: (403, 404),
            ..see_movement
        },
    );
    // The hand-over sheet as Word: as the unit's accounts themselves.
    t.insert(
        ("post", "/api/v1/org-units/{id}/personal-accounts/sheet"),
        unit_personal(201),
    );
    // Decisions about a record (step increase, retirement notice): the HR officers who write
    // it; the individual reads its record but does not print decisions about it.
    t.insert(
        ("get", "/api/v1/persons/{id}/decisions/{kind}"),
        write_record(200),
    );
    // The province's templates: the system administrator's alone (rights before the 400 a
    // body that is not a DOCX gets).
    let province = |ok: u16| Rule {
        system_admin: (ok, ok),
        ..any_signed_in(403)
    };
    t.insert(("get", "/api/v1/document-templates"), province(200));
    t.insert(("get", "/api/v1/document-templates/{kind}"), province(200));
    t.insert(("put", "/api/v1/document-templates/{kind}"), province(400));
    t.insert(
        ("delete", "/api/v1/document-templates/{kind}"),
        province(200),
    );
    // Backups: the system administrator's alone (rights before the 400 of a deployment
    // without a backup passphrase, as in these tests).
    t.insert(("get", "/api/v1/backups"), province(200));
    t.insert(("post", "/api/v1/backups"), province(400));
    t.insert(("post", "/api/v1/backups/{id}/verify"), province(404));
    // Activation is anonymous: a wrong code is refused the same way whoever asks.
    t.insert(("post", "/api/v1/auth/activate"), Rule::everyone(400, 400));
    // Alerts: the matrix filters by the target's unit.
    t.insert(
        ("get", "/api/v1/alerts"),
        Rule {
            individual: (404, 404),
            ..read_record
        },
    );
    t.insert(("get", "/api/v1/alerts/summary"), any_signed_in(200));
    // Marking an alert dealt with: the HR officers of the record (rights before the 400 of an
    // alert that is not there, or not marked).
    t.insert(("post", "/api/v1/alerts/handled"), write_record(400));
    t.insert(("post", "/api/v1/alerts/reopen"), write_record(400));
    t.insert(("get", "/api/v1/deadline-rules"), any_signed_in(200));
    // Reports over a unit: whoever reads records there. As in the staff list, an individual
    // may name any unit: the report still holds only its own record.
    // Saved searches: anyone signed in keeps their own; sharing one with a unit takes seeing
    // it (individuals see no unit); only the owner deletes one (another's it sees: 403).
    t.insert(("get", "/api/v1/saved-searches"), any_signed_in(200));
    t.insert(
        ("post", "/api/v1/saved-searches"),
        Rule {
            system_admin: (201, 201),
            unit_admin: (201, 404),
            viewer: (201, 404),
            approver: (201, 404),
            individual: (404, 404),
            anonymous: 401,
        },
    );
    t.insert(
        ("delete", "/api/v1/saved-searches/{id}"),
        Rule {
            system_admin: (204, 403),
            unit_admin: (204, 404),
            viewer: (204, 404),
            approver: (204, 404),
            individual: (204, 404),
            anonymous: 401,
        },
    );
    // The statutory forms too, over the subunits of the target's unit.
    t.insert(("get", "/api/v1/report-forms"), any_signed_in(200));
    // A form names the subunits of its unit: only those who see the unit (individuals see
    // none).
    for path in [
        "/api/v1/report-forms/{code}",
        "/api/v1/report-forms/{code}/export",
        "/api/v1/report-forms/{code}/people",
    ] {
        t.insert(
            ("get", path),
            Rule {
                system_admin: (200, 200),
                unit_admin: (200, 404),
                viewer: (200, 404),
                approver: (200, 404),
                individual: (404, 404),
                anonymous: 401,
            },
        );
    }
    for (method, path) in [
        ("post", "/api/v1/reports"),
        ("post", "/api/v1/reports/export"),
    ] {
        t.insert(
            (method, path),
            Rule {
                system_admin: (200, 200),
                unit_admin: (200, 404),
                viewer: (200, 404),
                approver: (200, 404),
                individual: (200, 200),
                anonymous: 401,
            },
        );
    }
    t.insert(
        ("get", "/api/v1/alerts/preview"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 404),
            ..any_signed_in(403)
        },
    );
    // The deadline report of the target's unit: administrators of it (the Sở: any unit).
    t.insert(
        ("get", "/api/v1/deadline-report"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 404),
            ..any_signed_in(403)
        },
    );
    // The periodic reports: every staff account, of the units it sees; individuals have none.
    t.insert(
        ("get", "/api/v1/periodic-reports"),
        Rule {
            individual: (403, 403),
            ..any_signed_in(200)
        },
    );
    // Recording one sent: HR of the unit (the Sở: any unit). The matrix runs the national
    // preset, which asks for no periodic report: past the rights, the report is refused.
    t.insert(
        ("post", "/api/v1/periodic-reports"),
        Rule {
            individual: (404, 404),
            ..write_record(400)
        },
    );
    // The payroll: every staff account sees the duties and sheets of the units it sees;
    // recording a unit's sheet is its HR officers'; a sheet's lines are for those who read the
    // unit's records and their salary section; consolidating the month is for an account that
    // reads the whole province (here the system administrator, a month of its own each time).
    t.insert(
        ("get", "/api/v1/payroll"),
        Rule {
            individual: (403, 403),
            ..any_signed_in(200)
        },
    );
    t.insert(
        ("post", "/api/v1/payroll/sheets"),
        Rule {
            individual: (404, 404),
            ..write_record(201)
        },
    );
    t.insert(
        ("get", "/api/v1/payroll/sheets/{id}"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 404),
            viewer: (200, 404),
            approver: (200, 404),
            individual: (404, 404),
            anonymous: 401,
        },
    );
    t.insert(
        ("post", "/api/v1/payroll/consolidations"),
        Rule {
            system_admin: (201, 201),
            ..any_signed_in(403)
        },
    );
    // A recorded report: whoever sees its unit reads what it said (individuals see no unit);
    // the signature exists only once signed (404 past the rights).
    t.insert(
        ("get", "/api/v1/periodic-reports/{id}/manifest"),
        Rule {
            system_admin: (200, 200),
            unit_admin: (200, 404),
            viewer: (200, 404),
            approver: (200, 404),
            individual: (404, 404),
            anonymous: 401,
        },
    );
    t.insert(
        ("get", "/api/v1/periodic-reports/{id}/signature"),
        Rule {
            individual: (404, 404),
            ..Rule::everyone(404, 401)
        },
    );
    // Signing it: the head of its unit (an approver's writable grant; the system
    // administrator anywhere). Past the rights, the empty body is refused (400).
    t.insert(
        ("post", "/api/v1/periodic-reports/{id}/sign"),
        Rule {
            system_admin: (400, 400),
            unit_admin: (403, 404),
            viewer: (403, 404),
            approver: (400, 404),
            individual: (404, 404),
            anonymous: 401,
        },
    );
    // Data quality over the target's unit: whoever sees units there (HR officers, heads,
    // leaders, administrators; another unit is "not found"); individuals see no units.
    for path in [
        "/api/v1/data-quality",
        "/api/v1/data-quality/export",
        "/api/v1/data-quality/records",
        "/api/v1/data-quality/records/export",
        "/api/v1/data-quality/monthly",
    ] {
        t.insert(
            ("get", path),
            Rule {
                system_admin: (200, 200),
                unit_admin: (200, 404),
                viewer: (200, 404),
                approver: (200, 404),
                individual: (403, 403),
                anonymous: 401,
            },
        );
    }
    // Everyone sets their own address for the daily digest.
    t.insert(("get", "/api/v1/me/email"), any_signed_in(200));
    t.insert(("put", "/api/v1/me/email"), any_signed_in(200));
    // Holiday schedule: everyone reads it; only the system administrator amends it.
    t.insert(("get", "/api/v1/holidays/{year}"), any_signed_in(200));
    t.insert(("put", "/api/v1/holidays/{year}"), province(200));
    t.insert(("post", "/api/v1/holidays/{year}/days"), province(200));
    t.insert(
        ("delete", "/api/v1/holidays/{year}/days/{date}"),
        province(200),
    );
    t.insert(("get", "/api/v1/audit"), see_accounts);
    // Outside-access grants of a record (NĐ 27/2026): its administrators only.
    let administer_record = write_record;
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
    // Background jobs: the system administrator's alone. The matrix retries a failed run and
    // cancels a queued one.
    t.insert(("get", "/api/v1/jobs"), province(200));
    t.insert(("get", "/api/v1/jobs/{id}"), province(200));
    t.insert(("post", "/api/v1/jobs/{id}/retry"), province(200));
    t.insert(("post", "/api/v1/jobs/{id}/cancel"), province(200));
    t
}

/// Cells that the approval window decides. The matrix runs on a day outside the window and on
/// one inside it; rights come before the workflow's rules, so both days give the same answers,
/// except where an approver (who, unlike the system administrator, may not override the window)
/// would act: outside the window it is refused with 400.
fn outside_window(method: &str, path: &str, who: Who, target: Target) -> Option<u16> {
    match (method, path, who, target) {
        ("post", "/api/v1/approvals", Who::Approver, Target::Inside) => Some(400),
        _ => None,
    }
}

impl World {
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
            ("post", "/api/v1/reports") | ("post", "/api/v1/reports/export") => (
                path.into(),
                json!({"unit": self.unit(target), "columns": ["full_name", "gender"]}),
            ),
            ("post", "/api/v1/saved-searches") => (
                path.into(),
                json!({"name": format!("Tìm kiếm {n}"), "link": "/can-bo?q=a",
                       "shared_unit_id": self.unit(target)}),
            ),
            ("delete", "/api/v1/saved-searches/{id}") => (
                format!(
                    "/api/v1/saved-searches/{}",
                    self.fresh_saved_search_id(who, target).await
                ),
                Value::Null,
            ),
            ("get", "/api/v1/report-forms/{code}") => (
                format!(
                    "/api/v1/report-forms/bm01-cong-chuc?unit={}",
                    self.unit(target)
                ),
                Value::Null,
            ),
            ("get", "/api/v1/report-forms/{code}/export") => (
                format!(
                    "/api/v1/report-forms/bm01-cong-chuc/export?unit={}",
                    self.unit(target)
                ),
                Value::Null,
            ),
            ("get", "/api/v1/report-forms/{code}/people") => (
                format!(
                    "/api/v1/report-forms/bm01-cong-chuc/people?column=female&unit={}",
                    self.unit(target)
                ),
                Value::Null,
            ),
            ("post", "/api/v1/alerts/handled") | ("post", "/api/v1/alerts/reopen") => (
                path.into(),
                json!({"person_id": self.person(target), "kind": "record_stale", "due": "2026-01-01"}),
            ),
            ("get", "/api/v1/alerts")
            | ("get", "/api/v1/alerts/preview")
            | ("get", "/api/v1/deadline-report") => {
                (format!("{path}?unit={}", self.unit(target)), Value::Null)
            }
            ("get", "/api/v1/data-quality")
            | ("get", "/api/v1/data-quality/export")
            | ("get", "/api/v1/data-quality/monthly") => {
                (format!("{path}?unit={}", self.unit(target)), Value::Null)
            }
            ("get", "/api/v1/data-quality/records")
            | ("get", "/api/v1/data-quality/records/export") => (
                format!("{path}?criterion=dung&unit={}", self.unit(target)),
                Value::Null,
            ),
            ("get", "/api/v1/org-units/{id}/documents/2c") => (
                format!("/api/v1/org-units/{}/documents/2c", self.unit(target)),
                Value::Null,
            ),
            ("get", "/api/v1/org-units/{id}") => (
                format!("/api/v1/org-units/{}", self.unit(target)),
                Value::Null,
            ),
            ("post", "/api/v1/reorganisations") => (
                path.into(),
                json!({"operation": {"kind": "merge", "sources": [self.unit(target)],
                                     "into": {"type": "existing", "id": self.unit(target)}},
                       "decision": {"number": "QĐ 11/QĐ-UBND", "date": "2026-11-02",
                                    "effective_date": "2026-11-02"},
                       "dry_run": true}),
            ),
            ("patch", "/api/v1/org-units/{id}") => (
                format!("/api/v1/org-units/{}", self.unit(target)),
                json!({"name": format!("Đơn vị đổi tên {n}"), "decision_ref": "QĐ 10/QĐ-SNV"}),
            ),
            ("post", "/api/v1/persons") => (
                path.into(),
                json!({"unit_id": self.unit(target), "record": World::fresh_record()}),
            ),
            ("get", "/api/v1/periodic-reports/{id}/manifest")
            | ("get", "/api/v1/periodic-reports/{id}/signature")
            | ("post", "/api/v1/periodic-reports/{id}/sign") => (
                path.replace(
                    "{id}",
                    &self.fresh_report_submission(target).await.to_string(),
                ),
                if method == "post" {
                    json!({})
                } else {
                    Value::Null
                },
            ),
            ("post", "/api/v1/payroll/sheets") => (
                path.into(),
                json!({"unit_id": self.unit(target), "period": self.this_month(),
                       "paid_on": self.app.today().to_string()}),
            ),
            ("get", "/api/v1/payroll/sheets/{id}") => (
                path.replace("{id}", &self.fresh_payroll_sheet(target).await.to_string()),
                Value::Null,
            ),
            ("post", "/api/v1/payroll/consolidations") => {
                (path.into(), json!({"period": World::fresh_past_month()}))
            }
            ("post", "/api/v1/periodic-reports") => (
                path.into(),
                json!({"rule_id": "lang_son.annual_report_unit", "year": 2027,
                       "unit_id": self.unit(target), "sent_on": "2026-11-02", "reference": "1/BC"}),
            ),
            ("get", "/api/v1/persons/{id}") => (
                format!("/api/v1/persons/{}", self.person(target)),
                Value::Null,
            ),
            ("get", "/api/v1/persons/{id}/versions") => (
                format!("/api/v1/persons/{}/versions", self.person(target)),
                Value::Null,
            ),
            ("get", "/api/v1/persons/{id}/versions/{version}") => (
                format!("/api/v1/persons/{}/versions/1", self.person(target)),
                Value::Null,
            ),
            ("get", "/api/v1/persons/{id}/documents/2c") => (
                format!(
                    "/api/v1/persons/{}/documents/2c?format=docx",
                    self.person(target)
                ),
                Value::Null,
            ),
            ("get", "/api/v1/catalogs/{name}") => ("/api/v1/catalogs/dan_toc".into(), Value::Null),
            ("put", "/api/v1/catalogs/{name}/items") => (
                "/api/v1/catalogs/ton_giao/items".into(),
                json!({"code": format!("mt{n}"), "name": format!("Tôn giáo thử {n}"), "decision_ref": "QĐ 11/QĐ-SNV"}),
            ),
            ("delete", "/api/v1/catalogs/{name}/items/{code}") => (
                format!(
                    "/api/v1/catalogs/ton_giao/items/{}",
                    self.fresh_catalog_item().await
                ),
                Value::Null,
            ),
            ("put", "/api/v1/persons/{id}/record") => {
                let id = self.person(target);
                let current = self.admin.get(&format!("/api/v1/persons/{id}")).await;
                (
                    format!("/api/v1/persons/{id}/record"),
                    json!({"expected_version": current.body["current_version"], "record": current.body["record"]}),
                )
            }
            ("get", "/api/v1/persons/{id}/account") | ("post", "/api/v1/persons/{id}/account") => (
                format!("/api/v1/persons/{}/account", self.person(target)),
                json!({}),
            ),
            ("get", "/api/v1/personal-accounts") => {
                (format!("{path}?unit_id={}", self.unit(target)), Value::Null)
            }
            ("post", "/api/v1/org-units/{id}/personal-accounts") => (
                format!("/api/v1/org-units/{}/personal-accounts", self.unit(target)),
                json!({"request_ref": "Công văn 7/SNV"}),
            ),
            ("post", "/api/v1/persons/{id}/movements") => {
                let person = self.fresh_person(target).await;
                let fields: serde_json::Map<String, Value> = self
                    .movement_fields()
                    .await
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect();
                (
                    format!("/api/v1/persons/{person}/movements"),
                    json!({"__upload__": "quyet-dinh.pdf", "__fields__": fields}),
                )
            }
            ("post", "/api/v1/persons/{id}/status-decisions") => {
                let person = self.fresh_person(target).await;
                let fields: serde_json::Map<String, Value> = self
                    .status_decision_fields()
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect();
                (
                    format!("/api/v1/persons/{person}/status-decisions"),
                    Value::Object(fields),
                )
            }
            ("get", "/api/v1/persons/{id}/handovers") => (
                path.replace("{id}", &self.person(target).to_string()),
                Value::Null,
            ),
            ("post", "/api/v1/persons/{id}/handovers") => (
                path.replace("{id}", &self.fresh_person(target).await.to_string()),
                json!({"counterpart": "Sở Nội vụ tỉnh Cao Bằng"}),
            ),
            ("get", "/api/v1/handovers/{id}/package") => (
                path.replace("{id}", &self.fresh_handover(target).await.to_string()),
                Value::Null,
            ),
            ("post", "/api/v1/handovers/{id}/report") => (
                path.replace("{id}", &self.fresh_handover(target).await.to_string()),
                json!({"reported_on": self.app.today().to_string(), "reference": "25/BC-UBND"}),
            ),
            ("post", "/api/v1/handovers/{id}/confirm") => (
                path.replace("{id}", &self.fresh_handover(target).await.to_string()),
                Value::Null,
            ),
            ("post", "/api/v1/handovers/receive") => (
                format!(
                    "{path}?unit_id={}&counterpart=S%E1%BB%9F&decision_number=12&decision_date={}&effective_date={}",
                    self.unit(target),
                    self.app.today(),
                    self.app.today()
                ),
                json!({"not": "a zip"}),
            ),
            ("get", "/api/v1/persons/{id}/status-decisions") => (
                path.replace("{id}", &self.person(target).to_string()),
                Value::Null,
            ),
            ("post", "/api/v1/status-decisions/{id}/cancel") => (
                path.replace(
                    "{id}",
                    &self.fresh_status_decision(target).await.to_string(),
                ),
                Value::Null,
            ),
            ("get", "/api/v1/persons/{id}/movements") => (
                format!("/api/v1/persons/{}/movements", self.person(target)),
                Value::Null,
            ),
            ("get", "/api/v1/movements/{id}") | ("post", "/api/v1/movements/{id}/cancel") => (
                path.replace(
                    "{id}",
                    &self.fresh_movement(target, false).await.to_string(),
                ),
                Value::Null,
            ),
            ("get", "/api/v1/movements/{id}/scan") => (
                path.replace("{id}", &self.fresh_movement(target, true).await.to_string()),
                Value::Null,
            ),
            ("post", "/api/v1/movements/{id}/answer") => (
                path.replace(
                    "{id}",
                    &self.fresh_movement(target, false).await.to_string(),
                ),
                json!({"accept": true}),
            ),
            ("get", "/api/v1/movements/{id}/documents/{kind}") => (
                format!(
                    "/api/v1/movements/{}/documents/quyet-dinh-dieu-dong",
                    self.fresh_movement(target, false).await
                ),
                Value::Null,
            ),
            ("post", "/api/v1/org-units/{id}/personal-accounts/sheet") => (
                format!(
                    "/api/v1/org-units/{}/personal-accounts/sheet",
                    self.unit(target)
                ),
                json!({"request_ref": "Công văn 7/SNV"}),
            ),
            ("get", "/api/v1/persons/{id}/decisions/{kind}") => (
                format!(
                    "/api/v1/persons/{}/decisions/thong-bao-nghi-huu",
                    self.person(target)
                ),
                Value::Null,
            ),
            ("get", "/api/v1/document-templates/{kind}")
            | ("delete", "/api/v1/document-templates/{kind}") => (
                "/api/v1/document-templates/quyet-dinh-dieu-dong".into(),
                Value::Null,
            ),
            ("put", "/api/v1/document-templates/{kind}") => (
                "/api/v1/document-templates/quyet-dinh-dieu-dong".into(),
                json!({"not": "a docx"}),
            ),
            ("post", "/api/v1/auth/activate") => (
                path.into(),
                json!({"username": "020185009999", "activation_code": "AAAA-BBBB-CCCC", "new_password": "Mat-khau-moi-2026!"}),
            ),
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
                json!({"person_id": self.person(target), "reason": "Bổ sung lý lịch"}),
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
                path.replace("{id}", &self.person(target).to_string()),
                Value::Null,
            ),
            ("get", "/api/v1/persons/{id}/versions/{version}/package") => (
                format!("/api/v1/persons/{}/versions/1/package", self.person(target)),
                Value::Null,
            ),
            // The target record only: a record outside the approver's unit must not be
            // prepared by it, whatever waits inside.
            ("post", "/api/v1/approvals") => {
                self.make_pending(target).await;
                (
                    path.into(),
                    json!({"person_ids": [self.person(target)], "override_window": true}),
                )
            }
            ("get", "/api/v1/approvals/{id}")
            | ("get", "/api/v1/approvals/{id}/manifest")
            | ("get", "/api/v1/approvals/{id}/signature")
            | ("post", "/api/v1/approvals/{id}/abandon") => (
                path.replace("{id}", &self.fresh_batch(who, target).await.to_string()),
                Value::Null,
            ),
            ("post", "/api/v1/approvals/{id}/leave-out") => (
                path.replace("{id}", &self.fresh_batch(who, target).await.to_string()),
                json!({"person_id": self.person(target)}),
            ),
            ("get", "/api/v1/approvals/returned") => (path.into(), Value::Null),
            ("post", "/api/v1/persons/{id}/approval-return") => {
                self.make_pending(target).await;
                (
                    path.replace("{id}", &self.person(target).to_string()),
                    json!({"comment": "Đề nghị kiểm tra lại ngày cấp bằng"}),
                )
            }
            ("post", "/api/v1/persons/{id}/approval-resubmit") => {
                self.fresh_return(target).await;
                (
                    path.replace("{id}", &self.person(target).to_string()),
                    json!({"comment": "Đã đối chiếu bản gốc, thông tin đúng"}),
                )
            }
            ("post", "/api/v1/approvals/{id}/sign") => (
                path.replace("{id}", &self.fresh_batch(who, target).await.to_string()),
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
                let (year, date) = self.fresh_holiday(7).await;
                (
                    format!("/api/v1/holidays/{year}/days/{date}?decision_ref=TB%2015"),
                    Value::Null,
                )
            }
            ("get", "/api/v1/persons/{id}/access-grants") => (
                format!("/api/v1/persons/{}/access-grants", self.person(target)),
                Value::Null,
            ),
            ("post", "/api/v1/persons/{id}/access-grants") => (
                format!("/api/v1/persons/{}/access-grants", self.person(target)),
                access_grant_body(self.app.today()),
            ),
            ("delete", "/api/v1/access-grants/{id}") => (
                format!(
                    "/api/v1/access-grants/{}",
                    self.fresh_access_grant(target).await
                ),
                json!({"request_ref": "Công văn 8/TTr"}),
            ),
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
            // No backup is taken in these tests: the system administrator's answer is 404.
            ("post", "/api/v1/backups/{id}/verify") => {
                (path.replace("{id}", "987654"), Value::Null)
            }
            // Routes without parameters or body.
            (_, p) if !p.contains('{') => (p.to_string(), Value::Null),
            _ => {
                panic!("the matrix does not know how to call {method} {path}: add it to request()")
            }
        }
    }
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
/// the workflow's rules, so both days give the same answers (but for `outside_window`).
#[tokio::test]
async fn every_route_every_role_inside_and_outside_scope() {
    // 16/11/2026 is mid-month; 30/11/2026 is the last working day of November.
    for today in [time::macros::date!(2026 - 11 - 16), WINDOW_DAY] {
        matrix_on(today).await;
    }
}

async fn matrix_on(today: time::Date) {
    let table = rules();
    for db in databases().await {
        let world = World::on(&db, today).await;
        let window_open = world.app.approval_window().open;
        assert_eq!(window_open, today == WINDOW_DAY);
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
                        let fields: Vec<(String, String)> = body
                            .get("__fields__")
                            .and_then(Value::as_object)
                            .map(|o| {
                                o.iter()
                                    .map(|(k, v)| {
                                        (k.clone(), v.as_str().unwrap_or_default().to_string())
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        let fields: Vec<(&str, &str)> = fields
                            .iter()
                            .map(|(k, v)| (k.as_str(), v.as_str()))
                            .collect();
                        client
                            .upload(&uri, name, b"%PDF-1.4\ntrailer<<>>\n%%EOF\n", &fields)
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
                    let expected = match outside_window(&method, &path, who, target) {
                        Some(status) if !window_open => status,
                        _ => rule.expect(who, target),
                    };
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
        eprintln!("{} on {today}: {cells} cells tried", db.label);
        assert!(
            failures.is_empty(),
            "{} on {today}: {} of {cells} cells differ:\n{}",
            db.label,
            failures.len(),
            failures.join("\n")
        );
    }
}
