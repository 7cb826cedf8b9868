//! Reports as of a past day (issue 12: "any report can be run as of a past date, the histories
//! and the org tree of that day"): each person as their record stood then, across a transfer
//! and a reorganisation decided afterwards; what a report said of a day does not change when
//! later decisions are recorded; as of today it is the current state. On every database.

mod common;

use std::collections::BTreeMap;

use common::{config_on, create_person, databases, demo_app, login};
use hoso_app::movements::{DecisionScan, ProposeMovement};
use hoso_app::org::{ChangeOrgUnit, OrgUnitView};
use hoso_app::reorganisation::{DecisionInput, Operation, Reorganise, UnitChoice};
use hoso_app::report_forms::{FormAsk, FormCell};
use hoso_app::reports::{FilterSpec, ReportSpec};
use hoso_app::{Actor, App, AppError, ClientInfo};
use hoso_domain::schema::fixtures::RecordBuilder;
use serde_json::json;
use time::macros::date;

const TODAY: time::Date = date!(2026 - 11 - 25);
const BEFORE: &str = "2026-11-20";
const TRANSFERRED: &str = "2026-11-21";
const BETWEEN: &str = "2026-11-22";
const MERGED: &str = "2026-11-23";

/// Headcount by unit (unit id → people), as of `day` (today when `None`).
async fn headcount(app: &App, actor: &Actor, day: Option<&str>) -> BTreeMap<i64, i64> {
    let table = app
        .run_report(
            actor,
            &ReportSpec {
                group_by: vec!["unit".into()],
                as_of: day.map(str::to_string),
                per_page: Some(1000),
                ..ReportSpec::default()
            },
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    table
        .rows
        .iter()
        .map(|r| (r[0].value.as_i64().unwrap(), r[1].value.as_i64().unwrap()))
        .collect()
}

/// The unit a person is listed in as of `day`, if listed at all.
async fn unit_of(app: &App, actor: &Actor, person: i64, day: &str) -> Option<i64> {
    let table = app
        .run_report(
            actor,
            &ReportSpec {
                filters: vec![FilterSpec::on("id", "eq", Some(json!(person)))],
                columns: vec!["id".into(), "unit".into()],
                as_of: Some(day.into()),
                ..ReportSpec::default()
            },
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    assert!(table.rows.len() <= 1);
    table.rows.first().map(|r| r[1].value.as_i64().unwrap())
}

/// The name the builder gives a unit in a headcount as of `day`.
async fn unit_name(app: &App, actor: &Actor, unit: i64, day: &str) -> String {
    let table = app
        .run_report(
            actor,
            &ReportSpec {
                group_by: vec!["unit".into()],
                filters: vec![FilterSpec::on("unit", "eq", Some(json!(unit)))],
                as_of: Some(day.into()),
                ..ReportSpec::default()
            },
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    table.rows[0][0].text.clone()
}

async fn staffed_units(app: &App, admin: &Actor) -> Vec<OrgUnitView> {
    let mut units: Vec<OrgUnitView> = app
        .org_units(admin)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.staff_count > 0)
        .collect();
    units.sort_by_key(|u| (-u.staff_count, u.id));
    units
}

/// The BM01 form of công chức as of `day`: (row unit, counts) and the total.
async fn bm01(
    app: &App,
    actor: &Actor,
    day: Option<&str>,
) -> (Vec<(Option<i64>, Vec<i64>)>, Vec<i64>) {
    let form = app
        .run_report_form(
            actor,
            "bm01-cong-chuc",
            &FormAsk {
                as_of: day.map(str::to_string),
                ..FormAsk::default()
            },
            None,
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    assert_eq!(form.on, day.map_or(TODAY.to_string(), str::to_string));
    (
        form.rows
            .iter()
            .map(|r| (r.unit_id, r.counts.clone()))
            .collect(),
        form.total.counts,
    )
}

#[tokio::test]
async fn a_report_of_a_past_day_counts_people_where_they_were_and_later_decisions_do_not_rewrite_it()
 {
    for db in databases().await {
        let app = demo_app(config_on(&db, TODAY), 200).await;
        let admin = login(&app, "admin").await;
        let client = ClientInfo::default();
        let staffed = staffed_units(&app, &admin).await;
        // B and X are merged into C; A keeps a person who is transferred to B first.
        let (b, x, a) = (&staffed[0], &staffed[1], &staffed[2]);
        let person = create_person(
            &app,
            &admin,
            a.id,
            RecordBuilder::civil_servant()
                .national_id("001085004321")
                .name("PHẠM NGÀY XƯA")
                .sex("nam")
                .set("recruitment", "first_recruitment_date", json!("2012-03-01"))
                .set(
                    "recruitment",
                    "current_agency_join_date",
                    json!("2012-03-01"),
                )
                .build(),
        )
        .await;

        // As of today the states are the current records.
        let now = headcount(&app, &admin, None).await;
        assert_eq!(
            headcount(&app, &admin, Some(&TODAY.to_string())).await,
            now,
            "{}",
            db.label
        );
        let before = headcount(&app, &admin, Some(BEFORE)).await;
        let form_before = bm01(&app, &admin, Some(BEFORE)).await;
        // A record entered today describes the person since their recruitment, not before.
        assert_eq!(
            unit_of(&app, &admin, person, "2015-01-01").await,
            Some(a.id)
        );
        assert_eq!(unit_of(&app, &admin, person, "2012-02-29").await, None);

        // A transfer A → B decided back-dated, effective 21/11; then B and X merged into a new
        // unit C effective 23/11, both recorded today.
        app.propose_movement(
            &admin,
            person,
            ProposeMovement {
                kind: "dieu_dong".into(),
                to_unit_id: b.id,
                decision_number: "15/QĐ-UBND".into(),
                decision_date: BEFORE.into(),
                signer: "Chủ tịch UBND tỉnh".into(),
                effective_date: TRANSFERRED.into(),
                position: None,
                note: None,
            },
            Some(DecisionScan {
                file_name: "qd.pdf".into(),
                bytes: b"%PDF-1.4\n%%EOF\n".to_vec(),
            }),
            &client,
        )
        .await
        .unwrap();
        app.apply_due_movements(TODAY).await.unwrap();
        let moved_b = hoso_store::persons::get(&mut app.store().reader().await.unwrap(), person)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            moved_b.unit_id, b.id,
            "{}: the transfer is applied",
            db.label
        );
        let parent = b.parent_id.unwrap();
        app.reorganise(
            &admin,
            Reorganise {
                operation: Operation::Merge {
                    sources: vec![b.id, x.id],
                    into: UnitChoice::New {
                        parent_id: parent,
                        code: "PHN.ASOF".into(),
                        name: "Phòng Hợp nhất".into(),
                        kind: "department".into(),
                    },
                    carry_over_grants: false,
                },
                decision: DecisionInput {
                    number: "1680/NQ-UBTVQH15".into(),
                    date: BEFORE.into(),
                    signer: None,
                    effective_date: MERGED.into(),
                },
                dry_run: false,
            },
            &client,
        )
        .await
        .unwrap();
        let c = {
            let mut conn = app.store().reader().await.unwrap();
            hoso_store::org::get_by_code(&mut conn, "PHN.ASOF")
                .await
                .unwrap()
                .unwrap()
        };

        // A renamed on 22/11: a report of a day before names it as it was.
        app.change_org_unit(
            &admin,
            a.id,
            ChangeOrgUnit {
                name: Some("Phòng Tên Mới".into()),
                effective_on: Some(BETWEEN.into()),
                ..ChangeOrgUnit::default()
            },
            &client,
        )
        .await
        .unwrap();
        // Named with its parent ("Văn phòng — Sở Y tế"), by the name of the day.
        let named =
            |label: String, name: &str| label == name || label.starts_with(&format!("{name} — "));
        let old_label = unit_name(&app, &admin, a.id, BEFORE).await;
        assert!(
            named(old_label.clone(), &a.name),
            "{}: {old_label}",
            db.label
        );
        let new_label = unit_name(&app, &admin, a.id, BETWEEN).await;
        assert!(named(new_label.clone(), "Phòng Tên Mới"), "{new_label}");
        let form = app
            .run_report_form(
                &admin,
                "bm01-cong-chuc",
                &FormAsk {
                    unit: a.parent_id,
                    as_of: Some(BEFORE.into()),
                    ..FormAsk::default()
                },
                None,
                &client,
            )
            .await
            .unwrap();
        assert!(
            form.rows
                .iter()
                .any(|r| r.unit_id == Some(a.id) && r.label == a.name),
            "{}: {:?}",
            db.label,
            form.rows.iter().map(|r| &r.label).collect::<Vec<_>>()
        );

        // The day before: nothing recorded since changes what it says.
        assert_eq!(
            headcount(&app, &admin, Some(BEFORE)).await,
            before,
            "{}",
            db.label
        );
        assert_eq!(
            bm01(&app, &admin, Some(BEFORE)).await,
            form_before,
            "{}",
            db.label
        );
        assert_eq!(unit_of(&app, &admin, person, BEFORE).await, Some(a.id));
        // Between the transfer and the merger: in B, which still exists and keeps X's people.
        let between = headcount(&app, &admin, Some(BETWEEN)).await;
        assert_eq!(unit_of(&app, &admin, person, TRANSFERRED).await, Some(b.id));
        assert_eq!(unit_of(&app, &admin, person, BETWEEN).await, Some(b.id));
        assert_eq!(
            between.get(&a.id).copied(),
            before.get(&a.id).map(|n| n - 1).filter(|n| *n > 0)
        );
        assert_eq!(
            between.get(&b.id).copied(),
            before.get(&b.id).map(|n| n + 1)
        );
        assert_eq!(between.get(&x.id), before.get(&x.id));
        assert_eq!(between.get(&c.id), None, "C did not exist yet");
        // From the merger: in C, with everyone of B and X; B and X have no one.
        let merged = headcount(&app, &admin, Some(MERGED)).await;
        assert_eq!(unit_of(&app, &admin, person, MERGED).await, Some(c.id));
        assert_eq!(
            merged.get(&c.id).copied(),
            Some(between[&b.id] + between[&x.id]),
            "{}",
            db.label
        );
        assert_eq!((merged.get(&b.id), merged.get(&x.id)), (None, None));
        // As of today, the current state.
        assert_eq!(headcount(&app, &admin, None).await, merged, "{}", db.label);
        assert_eq!(
            headcount(&app, &admin, Some(&TODAY.to_string())).await,
            merged
        );
        let total = |h: &BTreeMap<i64, i64>| h.values().sum::<i64>();
        assert_eq!(total(&before), total(&now));

        // The states are derived from the versions: rebuilt, they say the same of every day.
        app.rebuild_projections().await.unwrap();
        for (day, expected) in [(BEFORE, &before), (BETWEEN, &between), (MERGED, &merged)] {
            assert_eq!(
                &headcount(&app, &admin, Some(day)).await,
                expected,
                "{}: rebuilt, as of {day}",
                db.label
            );
        }
        assert_eq!(unit_of(&app, &admin, person, "2012-02-29").await, None);

        // The people behind a figure of the form are those of that day.
        let (rows, _) = &form_before;
        let (row_unit, counts) = rows
            .iter()
            .find(|(u, c)| u.is_some() && c[0] > 0)
            .expect("a row with people");
        let people = app
            .report_form_people(
                &admin,
                "bm01-cong-chuc",
                &FormCell {
                    unit: *row_unit,
                    direct: false,
                    column: "total".into(),
                    year: None,
                    as_of: Some(BEFORE.into()),
                },
                None,
                Some(1000),
                &client,
            )
            .await;
        match people {
            Ok(t) => assert_eq!(t.total, counts[0], "{}", db.label),
            Err(AppError::BadRequest(m)) => panic!("{m}"),
            Err(e) => panic!("{e:?}"),
        }
    }
}

#[tokio::test]
async fn a_day_to_come_a_day_that_is_not_one_and_a_day_for_a_yearly_form_are_refused() {
    for db in databases().await {
        let app = demo_app(config_on(&db, TODAY), 30).await;
        let admin = login(&app, "admin").await;
        let client = ClientInfo::default();
        let ask = |day: &str| ReportSpec {
            group_by: vec!["unit".into()],
            as_of: Some(day.into()),
            ..ReportSpec::default()
        };
        for (day, says) in [
            ("2026-11-26", "sau hôm nay"),
            ("2026-02-30", "không hợp lệ"),
            ("hôm qua", "không hợp lệ"),
            ("1900-01-01", "1945"),
        ] {
            match app.run_report(&admin, &ask(day), &client).await {
                Err(AppError::BadRequest(m)) => assert!(m.contains(says), "{day}: {m}"),
                other => panic!("{}: {day}: {other:?}", db.label),
            }
        }
        let yearly = app
            .run_report_form(
                &admin,
                "xep-loai-chat-luong",
                &FormAsk {
                    as_of: Some("2026-01-01".into()),
                    ..FormAsk::default()
                },
                None,
                &client,
            )
            .await;
        assert!(
            matches!(&yearly, Err(AppError::BadRequest(m)) if m.contains("theo năm")),
            "{yearly:?}"
        );
        // Rights before the day: a unit the caller does not see is not found, whatever the day.
        let units = staffed_units(&app, &admin).await;
        let officer = login(&app, &format!("qt.{}", units[0].code.to_lowercase())).await;
        let elsewhere = units
            .iter()
            .find(|u| u.parent_id != units[0].parent_id && u.id != units[0].id)
            .unwrap_or(&units[1]);
        let refused = app
            .run_report_form(
                &officer,
                "bm01-cong-chuc",
                &FormAsk {
                    unit: Some(elsewhere.id),
                    as_of: Some("2030-01-01".into()),
                    ..FormAsk::default()
                },
                None,
                &client,
            )
            .await;
        assert!(
            matches!(refused, Err(AppError::NotFound(_))),
            "{}: {refused:?}",
            db.label
        );
    }
}
