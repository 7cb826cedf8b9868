//! Movements between units (issue 14 item 2): the sending unit records the decision, the
//! receiving unit accepts or refuses, the record moves on the effective date with the decision in
//! its history and the scopes follow; the refusals of bad decisions change nothing. On every
//! database.

mod common;

use common::{config_on, databases, demo_app, login};
use hoso_app::movements::{AnswerMovement, DecisionScan, ProposeMovement};
use hoso_app::personal_accounts::PersonalAccountState;
use hoso_app::status_decisions::NewStatusDecision;
use hoso_app::{Actor, App, AppError, ClientInfo};
use time::macros::date;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn scan() -> Option<DecisionScan> {
    Some(DecisionScan {
        file_name: "quyet-dinh-15.pdf".into(),
        bytes: PDF.to_vec(),
    })
}

fn decision(to_unit_id: i64, effective: &str) -> ProposeMovement {
    ProposeMovement {
        kind: "dieu_dong".into(),
        to_unit_id,
        decision_number: "15/QĐ-UBND".into(),
        decision_date: "2026-11-20".into(),
        signer: "Chủ tịch UBND tỉnh".into(),
        effective_date: effective.into(),
        position: Some("Chuyên viên".into()),
        note: None,
    }
}

/// A person of one unit with its HR officer, and the HR officer of a unit of another agency.
async fn cast(app: &App, admin: &Actor) -> (i64, i64, i64, Actor, Actor) {
    let people = app.list_persons(admin, Default::default()).await.unwrap();
    let person = people.items[0].clone();
    let mut conn = app.store().reader().await.unwrap();
    let here = hoso_store::org::get(&mut conn, person.unit_id)
        .await
        .unwrap()
        .unwrap();
    let agency = |path: &str| {
        path.split('/')
            .filter(|s| !s.is_empty())
            .nth(1)
            .map(str::to_string)
    };
    let mut other = None;
    for p in &people.items {
        let u = hoso_store::org::get(&mut conn, p.unit_id)
            .await
            .unwrap()
            .unwrap();
        if agency(&u.path) != agency(&here.path) {
            other = Some(u);
            break;
        }
    }
    let there = other.expect("people in two agencies");
    drop(conn);
    let hr = login(app, &format!("qt.{}", here.code.to_lowercase())).await;
    let receiver = login(app, &format!("qt.{}", there.code.to_lowercase())).await;
    (person.id, here.id, there.id, hr, receiver)
}

#[tokio::test]
async fn a_transfer_is_proposed_accepted_and_moves_the_record_on_its_date() {
    for db in databases().await {
        let today = date!(2026 - 11 - 25);
        let app = demo_app(config_on(&db, today), 12).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let (person, from, to, hr, receiver) = cast(&app, &admin).await;

        // Rights first: the receiving unit's officer may not record the sending unit's move.
        let refused = app
            .propose_movement(
                &receiver,
                person,
                decision(to, "2026-12-01"),
                scan(),
                &client,
            )
            .await;
        assert!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");

        // Bad decisions: refused with a Vietnamese message, nothing written.
        let bad = [
            (decision(to, "2026-11-19"), scan(), "trước ngày quyết định"),
            (decision(from, "2026-12-01"), scan(), "trùng đơn vị"),
            (
                decision(999_999, "2026-12-01"),
                scan(),
                "không có trong hệ thống",
            ),
            (decision(to, "2026-12-01"), None, "bản quét"),
            (
                ProposeMovement {
                    kind: "di_choi".into(),
                    ..decision(to, "2026-12-01")
                },
                scan(),
                "không hợp lệ",
            ),
        ];
        for (input, scan, says) in bad {
            match app
                .propose_movement(&hr, person, input, scan, &client)
                .await
            {
                Err(AppError::BadRequest(m)) => assert!(m.contains(says), "{m}"),
                other => panic!("{}: {says}: {other:?}", db.label),
            }
        }
        assert!(
            app.movements_of_person(&hr, person)
                .await
                .unwrap()
                .is_empty()
        );

        // The sending unit proposes; a second decision while it is open is refused.
        let m = app
            .propose_movement(&hr, person, decision(to, "2026-12-01"), scan(), &client)
            .await
            .unwrap();
        assert_eq!(m.state, "proposed", "{}", db.label);
        assert_eq!(m.scan_name.as_deref(), Some("quyet-dinh-15.pdf"));
        let again = app
            .propose_movement(&hr, person, decision(to, "2026-12-02"), scan(), &client)
            .await;
        assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");

        // The receiving unit sees it in its inbox; the sender may not answer for it.
        let inbox = app.movements_to_handle(&receiver).await.unwrap();
        assert_eq!(
            inbox.incoming.iter().map(|m| m.id).collect::<Vec<_>>(),
            vec![m.id]
        );
        let answer = AnswerMovement {
            accept: true,
            note: None,
        };
        assert!(matches!(
            app.answer_movement(&hr, m.id, answer.clone(), &client)
                .await,
            Err(AppError::Forbidden)
        ));
        // Until the record moves, the receiving unit does not read it.
        assert!(matches!(
            app.get_person(&receiver, person, &client).await,
            Err(AppError::NotFound(_))
        ));
        let accepted = app
            .answer_movement(&receiver, m.id, answer, &client)
            .await
            .unwrap();
        assert_eq!(accepted.state, "accepted", "not yet effective");
        app.get_person(&hr, person, &client).await.unwrap();

        // On the effective date the daily run moves the record: new unit, the decision in the
        // record's history, the scopes follow at once.
        assert_eq!(app.apply_due_movements(today).await.unwrap(), 0);
        assert_eq!(
            app.apply_due_movements(date!(2026 - 12 - 01))
                .await
                .unwrap(),
            1,
            "{}",
            db.label
        );
        let moved = app.get_person(&receiver, person, &client).await.unwrap();
        assert_eq!(moved.unit_id, to, "{}", db.label);
        let events = moved.record["personnel_events"].as_array().unwrap();
        let last = events.last().unwrap();
        assert_eq!(last["event_type"], "dieu_dong");
        assert_eq!(last["decision_number"], "15/QĐ-UBND");
        assert_eq!(last["effective_date"], "2026-12-01");
        let work = moved.record["work_history"].as_array().unwrap();
        assert_eq!(work.last().unwrap()["from"], "2026-12");
        assert!(
            matches!(
                app.get_person(&hr, person, &client).await,
                Err(AppError::NotFound(_))
            ),
            "{}: the sending unit no longer reads it",
            db.label
        );
        let done = app.movement(&receiver, m.id).await.unwrap();
        assert_eq!(done.state, "done");
        let versions = app.versions(&receiver, person).await.unwrap();
        let v = versions.last().unwrap();
        assert_eq!(Some(v.version), done.version);
        assert!(v.source_label.contains("quyết định"), "{}", v.source_label);
        // The scan stays with the movement.
        let (name, _, bytes) = app.movement_scan(&receiver, m.id).await.unwrap();
        assert_eq!(
            (name.as_str(), bytes.as_slice()),
            ("quyet-dinh-15.pdf", PDF)
        );

        // A decision dated before the last movement is refused.
        let back = app
            .propose_movement(
                &receiver,
                person,
                decision(from, "2026-11-30"),
                scan(),
                &client,
            )
            .await;
        assert!(
            matches!(&back, Err(AppError::BadRequest(m)) if m.contains("lần điều chuyển trước")),
            "{back:?}"
        );
    }
}

#[tokio::test]
async fn a_refused_movement_changes_nothing_and_an_internal_one_is_immediate() {
    for db in databases().await {
        let today = date!(2026 - 11 - 25);
        let app = demo_app(config_on(&db, today), 12).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let (person, from, to, hr, receiver) = cast(&app, &admin).await;

        let m = app
            .propose_movement(&hr, person, decision(to, "2026-11-25"), scan(), &client)
            .await
            .unwrap();
        let without_reason = app
            .answer_movement(
                &receiver,
                m.id,
                AnswerMovement {
                    accept: false,
                    note: None,
                },
                &client,
            )
            .await;
        assert!(matches!(without_reason, Err(AppError::BadRequest(_))));
        let refused = app
            .answer_movement(
                &receiver,
                m.id,
                AnswerMovement {
                    accept: false,
                    note: Some("Không còn chỉ tiêu biên chế".into()),
                },
                &client,
            )
            .await
            .unwrap();
        assert_eq!(refused.state, "refused");
        let view = app.get_person(&hr, person, &client).await.unwrap();
        assert_eq!(view.unit_id, from, "{}", db.label);
        assert_eq!(view.current_version, 1);

        // The system administrator keeps both units: the move is accepted and, being due
        // today, done at once.
        let direct = app
            .propose_movement(&admin, person, decision(to, "2026-11-25"), scan(), &client)
            .await
            .unwrap();
        assert_eq!(direct.state, "done", "{}", db.label);
        assert_eq!(
            app.get_person(&admin, person, &client)
                .await
                .unwrap()
                .unit_id,
            to
        );
        let _ = receiver;
    }
}

/// Lai Châu Điều 10 khoản 3: the record must reach the new unit within 5 working days of the
/// decision taking effect. A decision the receiving unit leaves unanswered is late after that,
/// and the alert clears when it takes the record.
#[tokio::test]
async fn a_transfer_left_unanswered_is_late_under_lai_chau_until_it_is_taken() {
    for db in databases().await {
        let today = date!(2026 - 11 - 25);
        let app = demo_app(
            hoso_app::Config {
                deadline_preset: "lai-chau-2024".into(),
                ..config_on(&db, today)
            },
            12,
        )
        .await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let (person, _, to, hr, receiver) = cast(&app, &admin).await;
        // In force Wed 25/11/2026: five working days → Wed 02/12/2026.
        let m = app
            .propose_movement(&hr, person, decision(to, "2026-11-25"), scan(), &client)
            .await
            .unwrap();
        let late = |app: App, day: time::Date| {
            let admin = admin.clone();
            async move {
                app.compute_all_alerts(day).await.unwrap();
                app.list_alerts(
                    &admin,
                    hoso_app::alerts::AlertQuery {
                        per_page: Some(200),
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
                .items
                .into_iter()
                .filter(|a| {
                    a.person_id == person && a.legal_basis.contains("lai_chau.move_to_another_unit")
                })
                .map(|a| (a.due, a.message))
                .collect::<Vec<_>>()
            }
        };
        assert!(
            late(app.clone(), date!(2026 - 12 - 02)).await.is_empty(),
            "{}: in time on the due day",
            db.label
        );
        let overdue = late(app.clone(), date!(2026 - 12 - 03)).await;
        assert_eq!(overdue.len(), 1, "{}", db.label);
        assert_eq!(overdue[0].0, "2026-12-02");
        assert!(
            overdue[0].1.contains("đơn vị nhận chưa tiếp nhận"),
            "{}",
            overdue[0].1
        );

        // Taken (in force already: the record moves at once): the alert clears.
        app.answer_movement(
            &receiver,
            m.id,
            AnswerMovement {
                accept: true,
                note: None,
            },
            &client,
        )
        .await
        .unwrap();
        assert_eq!(app.movement(&receiver, m.id).await.unwrap().state, "done");
        assert!(
            late(app.clone(), date!(2026 - 12 - 03)).await.is_empty(),
            "{}",
            db.label
        );
    }
}

fn status_decision(kind: &str, decided: &str, effective: &str) -> NewStatusDecision {
    NewStatusDecision {
        kind: kind.into(),
        decision_number: "88/QĐ-UBND".into(),
        decision_date: decided.into(),
        signer: "Chủ tịch UBND huyện".into(),
        effective_date: effective.into(),
        note: Some("Đủ tuổi nghỉ hưu".into()),
    }
}

#[tokio::test]
async fn a_retirement_decision_sets_the_status_on_its_date_and_the_account_follows() {
    for db in databases().await {
        let today = date!(2026 - 11 - 25);
        let app = demo_app(config_on(&db, today), 12).await;
        let client = ClientInfo::default();
        let admin = login(&app, "admin").await;
        let (person, _, _, hr, other_unit) = cast(&app, &admin).await;
        let account_before = app
            .personal_account(&admin, person, &client)
            .await
            .unwrap()
            .state;
        assert_ne!(account_before, PersonalAccountState::Suspended);

        // Rights before anything about the decision: another unit's officer does not see it.
        let outside = app
            .decide_status(
                &other_unit,
                person,
                status_decision("khong-co", "x", "y"),
                &client,
            )
            .await;
        assert!(
            matches!(outside, Err(AppError::NotFound(_))),
            "{}: {outside:?}",
            db.label
        );

        // Bad decisions are refused, named, and nothing is written.
        let no_number = NewStatusDecision {
            decision_number: "  ".into(),
            ..status_decision("nghi_huu", "2026-11-20", "2026-12-01")
        };
        for (input, needle) in [
            (
                status_decision("nghỉ hưu", "2026-11-20", "2026-12-01"),
                "không hợp lệ",
            ),
            (no_number, "số quyết định"),
            (
                status_decision("nghi_huu", "2026-11-20", "2026-11-01"),
                "trước ngày quyết định",
            ),
            (
                status_decision("nghi_huu", "2026-11-30", "2026-12-01"),
                "sau ngày hôm nay",
            ),
            (
                status_decision("nghi_huu", "31/11/2026", "2026-12-01"),
                "không tồn tại",
            ),
            (
                status_decision("tro_lai_cong_tac", "2026-11-20", "2026-12-01"),
                "trở lại công tác",
            ),
        ] {
            let r = app.decide_status(&hr, person, input, &client).await;
            assert!(
                matches!(&r, Err(AppError::BadRequest(m)) if m.contains(needle)),
                "{}: {needle}: {r:?}",
                db.label
            );
        }
        assert!(
            app.status_decisions_of(&hr, person)
                .await
                .unwrap()
                .is_empty()
        );

        // The form offers what the status allows, with the legal retirement date.
        let form = app
            .status_decision_form(&hr, person, &client)
            .await
            .unwrap();
        let kinds: Vec<&str> = form.kinds.iter().map(|(k, _)| k.as_str()).collect();
        assert!(kinds.contains(&"nghi_huu") && !kinds.contains(&"tro_lai_cong_tac"));
        assert!(form.retirement_date.is_some(), "sex and birth date known");

        // Decided on 20/11, in force on 01/12: the record waits.
        let decided = app
            .decide_status(
                &hr,
                person,
                status_decision("nghi_huu", "2026-11-20", "2026-12-01"),
                &client,
            )
            .await
            .unwrap();
        assert_eq!(decided.state, "waiting");
        assert_eq!(decided.status, "retired");
        assert_eq!(
            app.get_person(&hr, person, &client).await.unwrap().status,
            "working"
        );
        let second = app
            .decide_status(
                &hr,
                person,
                status_decision("thoi_viec", "2026-11-20", "2026-12-05"),
                &client,
            )
            .await;
        assert!(
            matches!(&second, Err(AppError::Conflict(m)) if m.contains("88/QĐ-UBND")),
            "{second:?}"
        );

        // The daily run of 01/12 puts it in force: the status, the decision in the record's
        // history, the person's own access ended.
        let later = App::start(config_on(&db, date!(2026 - 12 - 01)))
            .await
            .unwrap();
        assert_eq!(
            later
                .apply_due_status_decisions(date!(2026 - 12 - 01))
                .await
                .unwrap(),
            1
        );
        let hr = login(&later, &hr.username).await;
        let admin = login(&later, "admin").await;
        let view = later.get_person(&hr, person, &client).await.unwrap();
        assert_eq!(view.status, "retired", "{}", db.label);
        let events = view.record["personnel_events"].as_array().unwrap();
        let last = events.last().unwrap();
        assert_eq!(last["event_type"], "nghi_huu");
        assert_eq!(last["decision_number"], "88/QĐ-UBND");
        assert_eq!(last["effective_date"], "2026-12-01");
        let history = later.status_decisions_of(&hr, person).await.unwrap();
        assert_eq!(history[0].state, "done");
        assert_eq!(history[0].version, Some(view.current_version));
        assert_eq!(
            later
                .personal_account(&admin, person, &client)
                .await
                .unwrap()
                .state,
            PersonalAccountState::Suspended
        );
        assert_eq!(
            later
                .apply_due_status_decisions(date!(2026 - 12 - 01))
                .await
                .unwrap(),
            0,
            "applied once"
        );

        // A return to service takes effect at once and opens the account again.
        let back = later
            .decide_status(
                &hr,
                person,
                status_decision("tro_lai_cong_tac", "2026-12-01", "2026-12-01"),
                &client,
            )
            .await
            .unwrap();
        assert_eq!(back.state, "done");
        assert_eq!(
            later.get_person(&hr, person, &client).await.unwrap().status,
            "working"
        );
        assert_eq!(
            later
                .personal_account(&admin, person, &client)
                .await
                .unwrap()
                .state,
            account_before,
            "{}",
            db.label
        );

        // A decision still waiting can be withdrawn, once.
        let waiting = later
            .decide_status(
                &hr,
                person,
                status_decision("thoi_viec", "2026-12-01", "2027-01-01"),
                &client,
            )
            .await
            .unwrap();
        let cancelled = later
            .cancel_status_decision(&hr, waiting.id, &client)
            .await
            .unwrap();
        assert_eq!(cancelled.state, "cancelled");
        assert!(matches!(
            later.cancel_status_decision(&hr, waiting.id, &client).await,
            Err(AppError::Conflict(_))
        ));
        assert_eq!(
            later
                .apply_due_status_decisions(date!(2027 - 01 - 02))
                .await
                .unwrap(),
            0,
            "a withdrawn decision never takes effect"
        );
        let (_, broken) = later.verify_audit_chain().await.unwrap();
        assert!(broken.is_none());
    }
}
