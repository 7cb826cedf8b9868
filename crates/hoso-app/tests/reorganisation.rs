//! Reorganisation (issue 14 item 3): units merged and split by one decision in one transaction;
//! staff, child units, accounts and grants follow; the history says which units became which; a
//! dry run and every refusal change nothing; a thousand records move at once. On every database.

mod common;

use std::time::Instant;

use common::{config_on, create_person, databases, demo_app, login};
use hoso_app::org::{CreateOrgUnit, OrgUnitView};
use hoso_app::reorganisation::{
    DecisionInput, Operation, ReorganisationPreview, Reorganise, SplitPart, UnitChoice,
};
use hoso_app::{Actor, App, AppError, ClientInfo};
use hoso_domain::schema::FieldRole;
use hoso_store::Backend;
use hoso_store::org as org_store;
use serde_json::Value;
use time::macros::date;

const TODAY: time::Date = date!(2026 - 11 - 25);

fn decision() -> DecisionInput {
    DecisionInput {
        number: "1680/NQ-UBTVQH15".into(),
        date: "2026-11-20".into(),
        signer: Some("Chủ tịch UBND tỉnh".into()),
        effective_date: "2026-11-25".into(),
    }
}

fn merge(
    sources: Vec<i64>,
    into: UnitChoice,
    carry_over_grants: bool,
    dry_run: bool,
) -> Reorganise {
    Reorganise {
        operation: Operation::Merge {
            sources,
            into,
            carry_over_grants,
        },
        decision: decision(),
        dry_run,
    }
}

fn new_unit(parent_id: i64, code: &str, name: &str, kind: &str) -> UnitChoice {
    UnitChoice::New {
        parent_id,
        code: code.into(),
        name: name.into(),
        kind: kind.into(),
    }
}

async fn run(
    app: &App,
    actor: &Actor,
    input: Reorganise,
) -> Result<ReorganisationPreview, AppError> {
    app.reorganise(actor, input, &ClientInfo::default()).await
}

async fn unit(app: &App, id: i64) -> org_store::OrgUnitRow {
    let mut conn = app.store().reader().await.unwrap();
    org_store::get(&mut conn, id).await.unwrap().unwrap()
}

async fn by_code(app: &App, code: &str) -> Option<org_store::OrgUnitRow> {
    let mut conn = app.store().reader().await.unwrap();
    org_store::get_by_code(&mut conn, code).await.unwrap()
}

/// Every record kept directly by the unit, whatever its status.
async fn people_in(app: &App, unit_id: i64) -> Vec<i64> {
    let mut conn = app.store().reader().await.unwrap();
    org_store::people_directly_in(&mut conn, unit_id)
        .await
        .unwrap()
}

/// (unit, current version) of a record.
async fn person_state(app: &App, id: i64) -> (i64, i64) {
    let mut conn = app.store().reader().await.unwrap();
    let p = hoso_store::persons::get(&mut conn, id)
        .await
        .unwrap()
        .unwrap();
    (p.unit_id, p.current_version)
}

async fn audit_head(app: &App) -> String {
    let mut conn = app.store().reader().await.unwrap();
    hoso_store::audit::head(&mut conn).await.unwrap()
}

/// The username of a person's own account.
async fn personal_username(app: &App, person: i64) -> String {
    let mut conn = app.store().reader().await.unwrap();
    let ids = hoso_store::accounts::ids_of_person(&mut conn, person)
        .await
        .unwrap();
    hoso_store::accounts::by_id(&mut conn, ids[0])
        .await
        .unwrap()
        .unwrap()
        .username
}

/// Units keeping records directly (the leaves of the demo tree), largest first.
async fn staffed_units(app: &App, admin: &Actor) -> Vec<OrgUnitView> {
    let mut units: Vec<OrgUnitView> = app
        .org_units(admin)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.staff_count > 0)
        .collect();
    units.sort_by_key(|u| -u.staff_count);
    units
}

async fn managing_agency(app: &App, actor: &Actor, person: i64) -> Option<i64> {
    let view = app
        .get_person(actor, person, &ClientInfo::default())
        .await
        .unwrap();
    app.schemas()
        .latest()
        .role_value(&view.record, FieldRole::ManagingAgency)
        .and_then(Value::as_i64)
}

#[tokio::test]
async fn the_system_administrator_merges_two_communes_and_their_staff_and_accounts_follow() {
    for db in databases().await {
        let app = demo_app(config_on(&db, TODAY), 300).await;
        let admin = login(&app, "admin").await;
        // Two communes with people in their offices and schools.
        let mut communes = Vec::new();
        for u in app.org_units(&admin).await.unwrap() {
            if u.kind == "commune"
                && app
                    .org_unit(&admin, u.id)
                    .await
                    .unwrap()
                    .subtree_staff_count
                    > 0
            {
                communes.push(u);
            }
            if communes.len() == 2 {
                break;
            }
        }
        let [a, b] = <[OrgUnitView; 2]>::try_from(communes).expect("two staffed communes");
        let province = a.parent_id.unwrap();
        let a_path = unit(&app, a.id).await.path;
        let mut conn = app.store().reader().await.unwrap();
        let staff: Vec<(i64, i64)> = [
            org_store::people_in_subtree(&mut conn, &a_path)
                .await
                .unwrap(),
            org_store::people_in_subtree(&mut conn, &unit(&app, b.id).await.path)
                .await
                .unwrap(),
        ]
        .concat();
        drop(conn);
        let (someone, their_unit) = staff[0];
        let staff_before = app
            .org_unit(&admin, a.id)
            .await
            .unwrap()
            .subtree_staff_count
            + app
                .org_unit(&admin, b.id)
                .await
                .unwrap()
                .subtree_staff_count;
        let into = || new_unit(province, "T68.XHN01", "Xã Hợp Nhất", "commune");

        // The dry run shows everything and writes nothing, audit included.
        let head = audit_head(&app).await;
        let units_before = app.org_units(&admin).await.unwrap().len();
        let preview = run(&app, &admin, merge(vec![a.id, b.id], into(), false, true))
            .await
            .unwrap();
        assert!(preview.dry_run);
        assert_eq!(preview.reorganisation_id, None);
        assert_eq!(preview.units_created.len(), 1);
        assert_eq!(preview.units_created[0].id, None);
        assert_eq!(preview.units_dissolved.len(), 2);
        assert!(!preview.units_moved.is_empty());
        assert_eq!(preview.people_total, 0, "communes keep no one directly");
        assert_eq!(preview.records_revised, staff.len(), "{preview:?}");
        assert_eq!(
            audit_head(&app).await,
            head,
            "a dry run writes no audit entry"
        );
        assert_eq!(app.org_units(&admin).await.unwrap().len(), units_before);
        assert!(by_code(&app, "T68.XHN01").await.is_none());
        assert_eq!(unit(&app, a.id).await.dissolved_on, None);
        let before = person_state(&app, someone).await;

        // The real run: the same preview, and it is done.
        let done = run(&app, &admin, merge(vec![a.id, b.id], into(), false, false))
            .await
            .unwrap();
        let c = by_code(&app, "T68.XHN01").await.expect("the new commune");
        assert!(done.reorganisation_id.is_some());
        assert_eq!(done.units_created[0].id, Some(c.id));
        assert_eq!(done.records_revised, preview.records_revised);
        assert_eq!(done.units_moved.len(), preview.units_moved.len());
        for id in [a.id, b.id] {
            assert_eq!(
                unit(&app, id).await.dissolved_on.as_deref(),
                Some("2026-11-25")
            );
            let history = app.org_unit(&admin, id).await.unwrap().history;
            let merged = history.iter().find(|h| h.change == "merged_into").unwrap();
            assert_eq!(merged.related_unit_ids, vec![c.id]);
            assert_eq!(merged.decision_ref.as_deref(), Some("1680/NQ-UBTVQH15"));
        }
        let history = app.org_unit(&admin, c.id).await.unwrap().history;
        assert_eq!(history[0].change, "created");
        let from = history.iter().find(|h| h.change == "merged_from").unwrap();
        assert_eq!(from.related_unit_ids, vec![a.id, b.id]);
        // The offices and schools are now the new commune's, with everyone in them.
        let detail = app.org_unit(&admin, c.id).await.unwrap();
        assert_eq!(detail.subtree_staff_count, staff_before);
        assert_eq!(
            app.org_unit(&admin, a.id)
                .await
                .unwrap()
                .subtree_staff_count,
            0
        );
        assert!(unit(&app, their_unit).await.path.starts_with(&c.path));
        // The tree as it stood: the day before, both communes under the province, with their
        // offices and their staff; from the effective date, the new commune alone.
        let day_before = date!(2026 - 11 - 24);
        let then = app
            .org_children_on(&admin, Some(province), day_before)
            .await
            .unwrap();
        let staff_then: i64 = then
            .iter()
            .filter(|n| n.id == a.id || n.id == b.id)
            .map(|n| n.staff)
            .sum();
        assert_eq!(staff_then, staff_before, "{}", db.label);
        assert!(!then.iter().any(|n| n.id == c.id));
        assert!(
            !app.org_children_on(&admin, Some(a.id), day_before)
                .await
                .unwrap()
                .is_empty(),
            "its offices were under it"
        );
        let since = app
            .org_children_on(&admin, Some(province), TODAY)
            .await
            .unwrap();
        let c_node = since
            .iter()
            .find(|n| n.id == c.id)
            .expect("the new commune");
        assert_eq!(c_node.staff, staff_before, "{}", db.label);
        assert!(!since.iter().any(|n| n.id == a.id || n.id == b.id));
        assert!(
            app.org_children_on(&admin, Some(a.id), TODAY)
                .await
                .unwrap()
                .is_empty()
        );
        let after = person_state(&app, someone).await;
        assert_eq!(after.0, before.0, "the office stays the person's unit");
        assert_eq!(after.1, before.1 + 1, "a new version");
        assert_eq!(managing_agency(&app, &admin, someone).await, Some(c.id));
        let versions = app.versions(&admin, someone).await.unwrap();
        let last = versions.iter().max_by_key(|v| v.version).unwrap();
        assert_eq!(last.source, "reorganisation");
        assert_eq!(
            last.source_ref,
            done.reorganisation_id.map(|i| i.to_string())
        );

        // The person's own account signs in and reads its record, managed by the new commune.
        let own = login(&app, &personal_username(&app, someone).await).await;
        assert_eq!(managing_agency(&app, &own, someone).await, Some(c.id));
        // One audit entry names the decision.
        let mut conn = app.store().reader().await.unwrap();
        let entries = hoso_store::audit::for_target(
            &mut conn,
            "reorganisation",
            &done.reorganisation_id.unwrap().to_string(),
            5,
        )
        .await
        .unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].action, "org.reorganise");
        assert!(entries[0].detail.contains("1680/NQ-UBTVQH15"));
        // A dissolved unit cannot be merged again.
        let again = run(
            &app,
            &admin,
            merge(vec![a.id], UnitChoice::Existing { id: c.id }, false, false),
        )
        .await;
        assert!(
            matches!(&again, Err(AppError::BadRequest(m)) if m.contains("đã giải thể")),
            "{again:?}"
        );
    }
}

#[tokio::test]
async fn merged_units_hand_over_their_people_and_their_hr_officers_when_the_decision_says_so() {
    for db in databases().await {
        let app = demo_app(config_on(&db, TODAY), 200).await;
        let admin = login(&app, "admin").await;
        let staffed = staffed_units(&app, &admin).await;
        let (a, b) = (&staffed[0], &staffed[1]);
        let parent = a.parent_id.unwrap();
        let moving = [people_in(&app, a.id).await, people_in(&app, b.id).await].concat();
        let done = run(
            &app,
            &admin,
            merge(
                vec![a.id, b.id],
                new_unit(parent, "PHN.01", "Phòng Hợp nhất", "department"),
                true,
                false,
            ),
        )
        .await
        .unwrap();
        let c = by_code(&app, "PHN.01").await.unwrap();
        assert_eq!(done.people_total, moving.len());
        assert_eq!(
            done.people_moving.iter().map(|f| f.count).sum::<usize>(),
            moving.len()
        );
        assert!(
            done.people_moving
                .iter()
                .all(|f| f.to_unit_id == Some(c.id))
        );
        let mut moved = people_in(&app, c.id).await;
        moved.sort();
        let mut expected = moving.clone();
        expected.sort();
        assert_eq!(moved, expected, "everyone is in the new unit");
        // The record says so: the decision in its events, the work history at the new unit.
        let view = app
            .get_person(&admin, moving[0], &ClientInfo::default())
            .await
            .unwrap();
        let events = view.record["personnel_events"].as_array().unwrap();
        let event = events.last().unwrap();
        assert_eq!(event["event_type"], "khac");
        assert_eq!(event["decision_number"], "1680/NQ-UBTVQH15");
        let work = view.record["work_history"].as_array().unwrap();
        assert!(
            work.last().unwrap()["unit"]
                .as_str()
                .unwrap()
                .starts_with("Phòng Hợp nhất"),
            "{work:?}"
        );
        // The HR officers of both units now keep the new one.
        assert_eq!(
            done.grants_carried.len(),
            4,
            "an HR officer and a head each: {done:?}"
        );
        assert!(done.grants_removed.is_empty());
        let hr = login(&app, &format!("qt.{}", a.code.to_lowercase())).await;
        let list = app
            .list_persons(
                &hr,
                hoso_app::records::PersonQuery {
                    unit: Some(c.id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(list.total > 0);
        assert!(app.org_unit(&hr, c.id).await.is_ok());
        // Someone moved signs in with its own account and is in the new unit.
        let own = login(&app, &personal_username(&app, moving[0]).await).await;
        let mine = app
            .get_person(&own, moving[0], &ClientInfo::default())
            .await
            .unwrap();
        assert_eq!(
            (mine.unit_id, mine.unit_name.as_str()),
            (c.id, "Phòng Hợp nhất")
        );
    }
}

#[tokio::test]
async fn a_split_follows_its_list_and_refuses_to_leave_anyone_without_a_unit() {
    for db in databases().await {
        let app = demo_app(config_on(&db, TODAY), 200).await;
        let admin = login(&app, "admin").await;
        let source = staffed_units(&app, &admin).await[0].clone();
        let parent = source.parent_id.unwrap();
        let people = people_in(&app, source.id).await;
        assert!(people.len() >= 3, "{people:?}");
        let split = |first: Vec<i64>, second: Vec<i64>| Reorganise {
            operation: Operation::Split {
                source: source.id,
                parts: vec![
                    SplitPart {
                        unit: new_unit(parent, "TACH.A", "Phòng Tách A", "department"),
                        person_ids: first,
                        unit_ids: vec![],
                        carry_over_grants: false,
                    },
                    SplitPart {
                        unit: new_unit(parent, "TACH.B", "Phòng Tách B", "department"),
                        person_ids: second,
                        unit_ids: vec![],
                        carry_over_grants: false,
                    },
                ],
            },
            decision: decision(),
            dry_run: false,
        };
        let (first, rest) = people.split_at(1);
        let states: Vec<(i64, i64)> = {
            let mut v = Vec::new();
            for p in &people {
                v.push(person_state(&app, *p).await);
            }
            v
        };
        // One person left out: refused, named by count, nothing changed, audited.
        let refused = run(&app, &admin, split(first.to_vec(), rest[1..].to_vec())).await;
        match &refused {
            Err(AppError::BadRequest(m)) => {
                assert!(m.starts_with("Còn 1 người của"), "{m}")
            }
            other => panic!("{other:?}"),
        }
        assert!(by_code(&app, "TACH.A").await.is_none());
        assert_eq!(unit(&app, source.id).await.dissolved_on, None);
        for (p, state) in people.iter().zip(&states) {
            assert_eq!(person_state(&app, *p).await, *state);
        }
        let mut conn = app.store().reader().await.unwrap();
        let entries =
            hoso_store::audit::for_target(&mut conn, "org_unit", &source.id.to_string(), 1)
                .await
                .unwrap();
        assert_eq!(entries[0].action, "org.reorganise.refused");
        assert!(entries[0].detail.contains("people_unassigned"));
        drop(conn);

        // Everyone listed: done as listed, the unit's HR officer not carried over.
        let done = run(&app, &admin, split(first.to_vec(), rest.to_vec()))
            .await
            .unwrap();
        let part_a = by_code(&app, "TACH.A").await.unwrap();
        let part_b = by_code(&app, "TACH.B").await.unwrap();
        assert_eq!(people_in(&app, part_a.id).await, first.to_vec());
        let mut in_b = people_in(&app, part_b.id).await;
        in_b.sort();
        let mut rest_sorted = rest.to_vec();
        rest_sorted.sort();
        assert_eq!(in_b, rest_sorted);
        assert!(people_in(&app, source.id).await.is_empty());
        let hr_name = format!("qt.{}", source.code.to_lowercase());
        assert!(
            done.grants_removed.iter().any(|g| g.username == hr_name),
            "{done:?}"
        );
        assert!(done.grants_carried.is_empty());
        let mut conn = app.store().reader().await.unwrap();
        let hr = hoso_store::accounts::by_username(&mut conn, &hr_name)
            .await
            .unwrap()
            .unwrap();
        let grants = hoso_store::accounts::grants_of(&mut conn, hr.id)
            .await
            .unwrap();
        assert!(
            grants
                .iter()
                .all(|g| ![Some(source.id), Some(part_a.id), Some(part_b.id)].contains(&g.unit_id)),
            "{grants:?}"
        );
        drop(conn);
        let history = app.org_unit(&admin, source.id).await.unwrap().history;
        let into = history.iter().find(|h| h.change == "split_into").unwrap();
        assert_eq!(into.related_unit_ids, vec![part_a.id, part_b.id]);
        let from = app.org_unit(&admin, part_b.id).await.unwrap().history;
        assert!(
            from.iter()
                .any(|h| h.change == "split_from" && h.related_unit_ids == vec![source.id])
        );
    }
}

#[tokio::test]
async fn rights_come_before_the_plan() {
    for db in databases().await {
        let app = demo_app(config_on(&db, TODAY), 60).await;
        let admin = login(&app, "admin").await;
        let staffed = staffed_units(&app, &admin).await;
        let (a, b) = (&staffed[0], &staffed[1]);
        let hr_a = login(&app, &format!("qt.{}", a.code.to_lowercase())).await;
        let head_a = login(&app, &format!("pd.{}", a.code.to_lowercase())).await;
        // An invalid decision: only someone allowed would hear of it.
        let bad = |sources: Vec<i64>, into: i64| Reorganise {
            decision: DecisionInput {
                number: String::new(),
                ..decision()
            },
            ..merge(sources, UnitChoice::Existing { id: into }, false, true)
        };
        // The HR officer of A does not see B: not found.
        let r = run(&app, &hr_a, bad(vec![b.id], a.id)).await;
        assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
        let r = run(&app, &hr_a, bad(vec![a.id], b.id)).await;
        assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
        // The head of A sees A but does not manage units: forbidden.
        let r = run(&app, &head_a, bad(vec![a.id], a.id)).await;
        assert!(matches!(r, Err(AppError::Forbidden)), "{r:?}");
        // The system administrator hears what is wrong.
        let r = run(&app, &admin, bad(vec![a.id], b.id)).await;
        assert!(
            matches!(&r, Err(AppError::BadRequest(m)) if m.contains("số quyết định")),
            "{r:?}"
        );
        // Carrying grants over to one's own level is not one's to decide (separation of duties).
        let r = run(
            &app,
            &hr_a,
            merge(vec![a.id], UnitChoice::Existing { id: a.id }, true, true),
        )
        .await;
        assert!(matches!(r, Err(AppError::Forbidden)), "{r:?}");
    }
}

/// Replaces text in the document of a person's current version (the test's way to make one
/// record fail validation).
async fn rewrite_document(app: &App, person: i64, from: &str, to: &str) {
    let (_, version) = person_state(app, person).await;
    let store = app.store();
    // Versions are immutable: the guard is set aside for the rewrite, as someone with database
    // access could.
    let (off, on) = match store.backend() {
        Backend::Sqlite => (
            "DROP TRIGGER record_versions_immutable_update",
            "CREATE TRIGGER record_versions_immutable_update BEFORE UPDATE ON record_versions \
             BEGIN SELECT RAISE(ABORT, 'record versions are immutable'); END",
        ),
        Backend::Postgres => (
            "ALTER TABLE record_versions DISABLE TRIGGER record_versions_immutable",
            "ALTER TABLE record_versions ENABLE TRIGGER record_versions_immutable",
        ),
    };
    store.execute_raw(off).await.unwrap();
    store
        .execute_raw(&format!(
            "UPDATE record_versions SET document = REPLACE(document, '{from}', '{to}') \
             WHERE person_id = {person} AND version = {version}"
        ))
        .await
        .unwrap();
    store.execute_raw(on).await.unwrap();
}

const GOOD: &str = r#""work_history":["#;
const BAD: &str = r#""work_history":[{"from":"2020-13","unit":"Sai"},"#;

#[tokio::test]
async fn a_thousand_records_move_in_one_transaction_and_nothing_changes_when_one_fails() {
    for db in databases().await {
        let app = demo_app(config_on(&db, TODAY), 1_000).await;
        let admin = login(&app, "admin").await;
        let staffed = staffed_units(&app, &admin).await;
        let (a, b) = (staffed[0].clone(), staffed[1].clone());
        // Everyone into A (the projection only: the documents still name their old unit, which
        // the version writer replaces).
        app.store()
            .execute_raw(&format!(
                "UPDATE persons SET unit_id = {} WHERE unit_id <> {}",
                a.id, b.id
            ))
            .await
            .unwrap();
        let people = [people_in(&app, a.id).await, people_in(&app, b.id).await].concat();
        assert!(people.len() >= 1_000, "{}", people.len());
        let mut states = Vec::new();
        for p in &people {
            states.push(person_state(&app, *p).await);
        }
        let grants_before = {
            let mut conn = app.store().reader().await.unwrap();
            org_store::grants_on(&mut conn, a.id).await.unwrap()
        };
        let into = || {
            merge(
                vec![a.id, b.id],
                new_unit(
                    a.parent_id.unwrap(),
                    "NGHIN.01",
                    "Phòng Một Nghìn",
                    "department",
                ),
                true,
                false,
            )
        };

        // A record in the middle fails: nothing at all is changed.
        let broken = people[people.len() / 2];
        rewrite_document(&app, broken, GOOD, BAD).await;
        let started = Instant::now();
        let refused = run(&app, &admin, into()).await;
        eprintln!("{}: refused after {:?}", db.label, started.elapsed());
        match &refused {
            Err(AppError::BadRequest(m)) => {
                assert!(m.contains(&format!("Hồ sơ số {broken}")), "{m}")
            }
            other => panic!("{other:?}"),
        }
        assert!(by_code(&app, "NGHIN.01").await.is_none());
        assert_eq!(unit(&app, a.id).await.dissolved_on, None);
        for (p, state) in people.iter().zip(&states) {
            assert_eq!(person_state(&app, *p).await, *state, "person {p}");
        }
        let mut conn = app.store().reader().await.unwrap();
        assert_eq!(
            org_store::grants_on(&mut conn, a.id).await.unwrap(),
            grants_before
        );
        let entries = hoso_store::audit::for_target(&mut conn, "org_unit", &a.id.to_string(), 1)
            .await
            .unwrap();
        assert_eq!(entries[0].action, "org.reorganise.refused");
        assert!(entries[0].detail.contains("record_invalid"));
        drop(conn);

        // Mended, the thousand move together.
        rewrite_document(&app, broken, BAD, GOOD).await;
        let started = Instant::now();
        let done = run(&app, &admin, into()).await.unwrap();
        eprintln!(
            "{}: {} records moved in one transaction in {:?}",
            db.label,
            done.people_total,
            started.elapsed()
        );
        assert_eq!(done.people_total, people.len());
        let c = by_code(&app, "NGHIN.01").await.unwrap();
        assert_eq!(people_in(&app, c.id).await.len(), people.len());
        for (p, state) in people.iter().zip(&states).step_by(97) {
            assert_eq!(person_state(&app, *p).await, (c.id, state.1 + 1));
        }
    }
}

/// The 2025 model: a district set up before 01/7/2025, with communes and their people, is
/// abolished by merging it into the province: its communes stand directly under the province
/// and manage their people, the district is dissolved, and the tree as of the day before still
/// shows it. No district may be set up from that day.
#[tokio::test]
async fn a_district_is_abolished_and_its_communes_come_under_the_province() {
    for db in databases().await {
        let app = demo_app(config_on(&db, TODAY), 20).await;
        let admin = login(&app, "admin").await;
        let client = ClientInfo::default();
        let province = app
            .org_units(&admin)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.parent_id.is_none())
            .unwrap()
            .id;
        let unit_of =
            |code: &str, name: &str, kind: &str, parent_id, valid_from: &str| CreateOrgUnit {
                parent_id,
                code: code.into(),
                name: name.into(),
                kind: kind.into(),
                valid_from: Some(valid_from.into()),
                decision_ref: None,
            };
        let late = app
            .create_org_unit(
                &admin,
                unit_of("H.MOI", "Huyện Mới", "district", province, "2025-07-01"),
                &client,
            )
            .await;
        assert!(
            matches!(&late, Err(AppError::BadRequest(m)) if m.contains("202/2025/QH15")),
            "{late:?}"
        );
        let district = app
            .create_org_unit(
                &admin,
                unit_of(
                    "H.LD",
                    "Huyện Lạc Dương",
                    "district",
                    province,
                    "2020-01-01",
                ),
                &client,
            )
            .await
            .unwrap();
        let mut communes = Vec::new();
        let mut people = Vec::new();
        for (i, name) in ["Xã Đạ Sar", "Xã Đạ Nhim"].into_iter().enumerate() {
            let commune = app
                .create_org_unit(
                    &admin,
                    unit_of(
                        &format!("X.LD{i}"),
                        name,
                        "commune",
                        district.id,
                        "2020-01-01",
                    ),
                    &client,
                )
                .await
                .unwrap();
            let record = hoso_domain::schema::fixtures::RecordBuilder::civil_servant()
                .national_id(&format!("06818500010{i}"))
                .build();
            people.push(create_person(&app, &admin, commune.id, record).await);
            communes.push(commune.id);
        }

        let abolish = Reorganise {
            operation: Operation::Merge {
                sources: vec![district.id],
                into: UnitChoice::Existing { id: province },
                carry_over_grants: false,
            },
            decision: DecisionInput {
                number: "1680/NQ-UBTVQH15".into(),
                date: "2025-06-16".into(),
                signer: None,
                effective_date: "2025-07-01".into(),
            },
            dry_run: false,
        };
        run(&app, &admin, abolish).await.unwrap();
        assert_eq!(
            unit(&app, district.id).await.dissolved_on.as_deref(),
            Some("2025-07-01")
        );
        for (c, p) in communes.iter().zip(&people) {
            assert_eq!(
                unit(&app, *c).await.parent_id,
                Some(province),
                "{}",
                db.label
            );
            assert_eq!(managing_agency(&app, &admin, *p).await, Some(*c));
        }
        // As it stood: the district's communes and people the day before (the demo province
        // itself dates from 01/7/2025), the communes under the province from the effective
        // date.
        let before = date!(2025 - 06 - 30);
        let mut under: Vec<(i64, i64)> = app
            .org_children_on(&admin, Some(district.id), before)
            .await
            .unwrap()
            .iter()
            .map(|n| (n.id, n.staff))
            .collect();
        under.sort();
        assert_eq!(
            under,
            communes.iter().map(|c| (*c, 1)).collect::<Vec<_>>(),
            "{}",
            db.label
        );
        assert!(
            app.org_children_on(&admin, Some(district.id), date!(2025 - 07 - 01))
                .await
                .unwrap()
                .is_empty(),
            "gone with the district"
        );
        let since = app
            .org_children_on(&admin, Some(province), date!(2025 - 07 - 01))
            .await
            .unwrap();
        assert!(!since.iter().any(|n| n.id == district.id));
        for c in &communes {
            let n = since
                .iter()
                .find(|n| n.id == *c)
                .expect("a commune of the province");
            assert_eq!(n.staff, 1, "{}", db.label);
        }
        // Nor may a reorganisation set one up.
        let new_district = run(
            &app,
            &admin,
            merge(
                vec![communes[0]],
                new_unit(province, "H.LAI", "Huyện Lại", "district"),
                false,
                true,
            ),
        )
        .await;
        assert!(
            matches!(&new_district, Err(AppError::BadRequest(m)) if m.contains("202/2025/QH15")),
            "{new_district:?}"
        );
    }
}
