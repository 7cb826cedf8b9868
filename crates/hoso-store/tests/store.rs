//! Storage behaviour on every available database (SQLite, and PostgreSQL when
//! `HOSO_TEST_POSTGRES_URL` is set).

use hoso_domain::schema::Projection;
use hoso_store::migrate::{Migration, apply};
use hoso_store::persons::{self, NewPerson, PersonFilter, Scope, VersionRow};
use hoso_store::testing::databases;
use hoso_store::{Backend, Store, audit, org};

/// The instant the rows are stamped with: 2 Dec 2026, 09:00 in Hà Nội (no test reads the wall clock).
const AT: i64 = 1_796_176_800_000;

async fn unit(
    store: &Store,
    parent: Option<&org::OrgUnitRow>,
    code: &str,
    kind: &str,
) -> org::OrgUnitRow {
    let mut tx = store.begin().await.unwrap();
    let u = org::insert(
        &mut tx,
        org::NewOrgUnit {
            parent,
            code,
            name: code,
            kind,
            valid_from: "2025-07-01",
            actor_id: None,
            decision_ref: None,
        },
        AT,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    u
}

async fn person(store: &Store, unit_id: i64, name: &str) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let projection = Projection {
        full_name: name.into(),
        ..Projection::default()
    };
    let id = persons::insert(
        &mut tx,
        NewPerson {
            national_id_hash: name,
            unit_id,
            status: "working",
            projection: &projection,
        },
        AT,
    )
    .await
    .unwrap();
    persons::insert_version(
        &mut tx,
        &VersionRow {
            person_id: id,
            version: 1,
            schema_version: "tt06-2023".into(),
            document: "{}".into(),
            hash: "h1".into(),
            prev_hash: None,
            unit_id,
            status: "working".into(),
            created_by: None,
            created_at: 0,
            note: None,
            source: "direct".into(),
            source_ref: None,
        },
    )
    .await
    .unwrap();
    persons::set_projection(&mut tx, id, (1, 0), unit_id, "working", &projection)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn migrations_are_recorded_and_a_failed_one_leaves_nothing() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        assert!(
            store.migrate().await.unwrap().is_empty(),
            "second run applies nothing ({})",
            db.label
        );
        let broken = [Migration {
            version: 9_999,
            name: "broken",
            common: "CREATE TABLE half_done (id BIGINT); INSERT INTO no_such_table VALUES (1);",
            sqlite: "",
            postgres: "",
        }];
        assert!(apply(&store, &broken).await.is_err());
        let r = store.execute_raw("SELECT * FROM half_done").await;
        assert!(
            r.is_err(),
            "the failed migration's table was rolled back on {}",
            db.label
        );
        let mut conn = store.reader().await.unwrap();
        let n: (i64,) = sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM schema_migrations WHERE version = 9999",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(n.0, 0);
    }
}

#[tokio::test]
async fn record_versions_cannot_be_changed_or_deleted() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let root = unit(&store, None, "T68", "province").await;
        let id = person(&store, root.id, "nguyen van a").await;
        let update = store
            .execute_raw(&format!(
                "UPDATE record_versions SET document = '{{\"x\":1}}' WHERE person_id = {id}"
            ))
            .await;
        assert!(update.is_err(), "UPDATE refused on {}", db.label);
        let delete = store
            .execute_raw(&format!(
                "DELETE FROM record_versions WHERE person_id = {id}"
            ))
            .await;
        assert!(delete.is_err(), "DELETE refused on {}", db.label);
        let mut conn = store.reader().await.unwrap();
        assert_eq!(
            persons::versions(&mut conn, id).await.unwrap()[0].document,
            "{}"
        );
    }
}

#[tokio::test]
async fn audit_chain_verifies_and_detects_tampering() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        for i in 0..5 {
            let mut tx = store.begin().await.unwrap();
            audit::append(
                &mut tx,
                audit::NewEntry {
                    at: AT + i,
                    actor_id: Some(i),
                    action: "record.read",
                    target_kind: "person",
                    target_id: Some(i.to_string()),
                    client_addr: Some("127.0.0.1"),
                    detail: "{}".into(),
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        let mut conn = store.reader().await.unwrap();
        assert_eq!(audit::verify_chain(&mut conn).await.unwrap(), (5, None));
        drop(conn);
        assert!(
            store
                .execute_raw("UPDATE audit_log SET action = 'x' WHERE id = 3")
                .await
                .is_err(),
            "append-only"
        );

        // Someone with database access disables the guard and rewrites history.
        match store.backend() {
            Backend::Sqlite => store
                .execute_raw("DROP TRIGGER audit_log_append_only_update")
                .await
                .unwrap(),
            Backend::Postgres => store
                .execute_raw("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
                .await
                .unwrap(),
        }
        let third: (i64,) = {
            let mut conn = store.reader().await.unwrap();
            sqlx::query_as("SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2")
                .fetch_one(&mut *conn)
                .await
                .unwrap()
        };
        store
            .execute_raw(&format!(
                "UPDATE audit_log SET actor_id = 99 WHERE id = {}",
                third.0
            ))
            .await
            .unwrap();
        let mut conn = store.reader().await.unwrap();
        let (checked, broken) = audit::verify_chain(&mut conn).await.unwrap();
        assert_eq!(checked, 2, "{}", db.label);
        assert_eq!(broken.unwrap().entry_id, third.0);
    }
}

/// Entries appended together (the group commit of reads) chain exactly as the same entries
/// appended one transaction each: same hashes, same order, the chain verifies; more entries
/// than one INSERT holds included.
#[tokio::test]
async fn entries_appended_together_chain_as_if_appended_one_by_one() {
    let entry = |i: i64| audit::NewEntry {
        at: AT + i,
        actor_id: (i % 3 != 0).then_some(i),
        action: "record.read",
        target_kind: "person",
        target_id: Some(i.to_string()),
        client_addr: (i % 2 == 0).then_some("10.0.0.1"),
        detail: format!("{{\"version\":{i}}}"),
    };
    type Chain = Vec<(String, String, Option<String>)>;
    let mut chains: std::collections::BTreeMap<&str, Vec<Chain>> = Default::default();
    for together in [false, true] {
        for db in databases().await {
            let store = Store::open(&db.url).await.unwrap();
            if together {
                let mut tx = store.begin().await.unwrap();
                audit::append(&mut tx, entry(0)).await.unwrap();
                tx.commit().await.unwrap();
                let mut tx = store.begin().await.unwrap();
                let batch: Vec<_> = (1..300).map(entry).collect();
                audit::append_all(&mut tx, &batch).await.unwrap();
                audit::append_all(&mut tx, &[]).await.unwrap();
                tx.commit().await.unwrap();
            } else {
                for i in 0..300 {
                    let mut tx = store.begin().await.unwrap();
                    audit::append(&mut tx, entry(i)).await.unwrap();
                    tx.commit().await.unwrap();
                }
            }
            let mut conn = store.reader().await.unwrap();
            assert_eq!(
                audit::verify_chain(&mut conn).await.unwrap(),
                (300, None),
                "{}",
                db.label
            );
            let rows: Chain =
                sqlx::query_as("SELECT hash, prev_hash, target_id FROM audit_log ORDER BY id")
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap();
            assert_eq!(
                rows.last().unwrap().0,
                audit::head(&mut conn).await.unwrap()
            );
            chains.entry(db.label).or_default().push(rows);
        }
    }
    for (label, runs) in chains {
        assert_eq!(runs.len(), 2, "{label}");
        assert_eq!(runs[0], runs[1], "{label}");
        assert_eq!(runs[1][299].2.as_deref(), Some("299"), "{label}");
    }
}

#[tokio::test]
async fn people_are_listed_as_vietnamese_lists_are_ordered() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let root = unit(&store, None, "T01", "province").await;
        let names = [
            "Lê Văn Đức",
            "Nguyễn Thị Ánh",
            "Trần Dũng",
            "Phạm Văn Anh",
            "Đặng Thị An",
            "Dương Văn An",
            "Hoàng Ân",
        ];
        for name in names {
            person(&store, root.id, name).await;
        }
        let mut conn = store.reader().await.unwrap();
        let mut both = Vec::new();
        for descending in [false, true] {
            let filter = PersonFilter {
                limit: 50,
                descending,
                ..PersonFilter::default()
            };
            let persons::Listed { people: rows, .. } =
                persons::list(&mut conn, &[], &Scope::everything(), &filter)
                    .await
                    .unwrap();
            both.push(
                rows.into_iter()
                    .map(|p| p.person.full_name)
                    .collect::<Vec<_>>(),
            );
        }
        let (order, reversed) = (both[0].clone(), both[1].clone());
        // By tên, then họ (Dương before Đặng); Anh before Ánh before Ân; Đức after Dũng.
        assert_eq!(
            order,
            [
                "Dương Văn An",
                "Đặng Thị An",
                "Phạm Văn Anh",
                "Nguyễn Thị Ánh",
                "Hoàng Ân",
                "Trần Dũng",
                "Lê Văn Đức",
            ],
            "{}",
            db.label
        );
        assert_eq!(
            reversed,
            order.into_iter().rev().collect::<Vec<_>>(),
            "{}",
            db.label
        );
    }
}

/// A capped count reads no further than its cap: past it, it answers `cap + 1`, whatever the
/// filter and the scope, on both databases.
#[tokio::test]
async fn a_capped_count_says_more_than_the_cap() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let root = unit(&store, None, "T01", "province").await;
        let a = unit(&store, Some(&root), "S01", "administrative_agency").await;
        let b = unit(&store, Some(&root), "S02", "administrative_agency").await;
        for i in 0..12 {
            person(&store, a.id, &format!("nguyen van {i}")).await;
        }
        for i in 0..3 {
            person(&store, b.id, &format!("tran thi {i}")).await;
        }
        let mut conn = store.reader().await.unwrap();
        let total = |cap: Option<i64>, q: Option<&str>, scope: Scope| {
            let filter = PersonFilter {
                limit: 5,
                q: q.map(str::to_string),
                count_cap: cap,
                ..PersonFilter::default()
            };
            (filter, scope)
        };
        let mut counts = Vec::new();
        for (cap, q, scope) in [
            (None, None, Scope::everything()),
            (Some(10), None, Scope::everything()),
            (Some(15), None, Scope::everything()),
            (Some(100), None, Scope::everything()),
            (Some(10), Some("nguyen"), Scope::everything()),
            (Some(2), Some("tran"), Scope::everything()),
            (
                Some(10),
                None,
                Scope {
                    subtrees: vec![b.path.clone()],
                    ..Scope::default()
                },
            ),
        ] {
            let (filter, scope) = total(cap, q, scope);
            let persons::Listed {
                people: rows,
                total: n,
                ..
            } = persons::list(&mut conn, &[], &scope, &filter)
                .await
                .unwrap();
            assert!(rows.len() <= 5);
            counts.push(n);
        }
        assert_eq!(counts, [15, 11, 15, 15, 11, 3, 3], "{}", db.label);
    }
}

#[tokio::test]
async fn subtree_scope_and_moves() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let root = unit(&store, None, "T68", "province").await;
        let a = unit(&store, Some(&root), "S01", "administrative_agency").await;
        let a1 = unit(&store, Some(&a), "S01.P01", "department").await;
        let b = unit(&store, Some(&root), "S02", "administrative_agency").await;
        let in_a = person(&store, a1.id, "tran thi b").await;
        let in_b = person(&store, b.id, "le van c").await;

        let mut conn = store.reader().await.unwrap();
        let scope_a = Scope {
            subtrees: vec![a.path.clone()],
            ..Scope::default()
        };
        let filter = PersonFilter {
            limit: 50,
            ..PersonFilter::default()
        };
        let persons::Listed {
            people: rows,
            total,
            ..
        } = persons::list(&mut conn, &[], &scope_a, &filter)
            .await
            .unwrap();
        assert_eq!((rows.len(), total), (1, 1));
        assert_eq!(rows[0].person.id, in_a);
        assert!(persons::in_scope(&mut conn, &scope_a, in_a).await.unwrap());
        assert!(!persons::in_scope(&mut conn, &scope_a, in_b).await.unwrap());
        assert!(
            !persons::in_scope(&mut conn, &Scope::default(), in_a)
                .await
                .unwrap(),
            "an empty scope sees nothing"
        );
        // Search on the folded name, word by word in any order (tên before họ too): the
        // trigram index (3+ characters) and the plain scan for shorter words agree.
        let everything = Scope::everything();
        for (q, expect) in [
            ("van c", vec![in_b]),
            ("thi", vec![in_a]),
            ("b", vec![in_a]),
            ("zzz", vec![]),
            ("c le", vec![in_b]),
            ("b tran", vec![in_a]),
            ("tran le", vec![]),
            ("thi tra", vec![in_a]),
            ("thi zzz", vec![]),
        ] {
            let f = PersonFilter {
                q: Some(q.into()),
                limit: 50,
                ..PersonFilter::default()
            };
            let ids: Vec<i64> = persons::list(&mut conn, &[], &everything, &f)
                .await
                .unwrap()
                .people
                .iter()
                .map(|p| p.person.id)
                .collect();
            assert_eq!(ids, expect, "q={q} on {}", db.label);
        }
        let own = Scope {
            persons: vec![in_b],
            ..Scope::default()
        };
        assert_eq!(
            persons::list(&mut conn, &[], &own, &filter)
                .await
                .unwrap()
                .total,
            1
        );
        drop(conn);

        // Move S01 under S02: its department and person follow, paths rewritten.
        let mut tx = store.begin().await.unwrap();
        org::move_under(&mut tx, &a, &b).await.unwrap();
        tx.commit().await.unwrap();
        let mut conn = store.reader().await.unwrap();
        let moved = org::get(&mut conn, a1.id).await.unwrap().unwrap();
        assert_eq!(
            moved.path,
            format!("/{}/{}/{}/{}/", root.id, b.id, a.id, a1.id),
            "{}",
            db.label
        );
        assert_eq!(moved.depth, 3);
        let scope_b = Scope {
            subtrees: vec![b.path.clone()],
            ..Scope::default()
        };
        assert_eq!(
            persons::list(&mut conn, &[], &scope_b, &filter)
                .await
                .unwrap()
                .total,
            2
        );
    }
}

/// The deadline history: a deadline opens the first day its alert shows, clears on the day a
/// run finds it done (never before it opened), opens again if it shows again, follows its
/// person to another unit while open; the report's groups are held to the scope.
#[tokio::test]
async fn deadlines_are_kept_after_their_alerts_clear() {
    use hoso_store::deadline_outcomes::{self as outcomes, OpenDeadline, OutcomeFilter};
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let root = unit(&store, None, "T68", "province").await;
        let a = unit(&store, Some(&root), "S01", "administrative_agency").await;
        let b = unit(&store, Some(&root), "S02", "administrative_agency").await;
        let p = person(&store, a.id, "nguyen van a").await;
        let q = person(&store, b.id, "tran thi b").await;
        let open = |person: i64, unit: i64, due: &str| OpenDeadline {
            person_id: person,
            unit_id: unit,
            kind: "verification_pending".into(),
            rule_id: "tinh.verify".into(),
            rule_name: "Xác thực phiếu".into(),
            due: due.into(),
        };
        let run = |as_of: &'static str, done_by: &'static str, shown: Vec<OpenDeadline>| {
            let store = &store;
            async move {
                let mut tx = store.begin().await.unwrap();
                outcomes::record(&mut tx, &[p, q], as_of, done_by, &shown)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        };
        let groups = |scope: Scope| {
            let store = &store;
            async move {
                let mut conn = store.reader().await.unwrap();
                let filter = OutcomeFilter {
                    from: "2026-01-01".into(),
                    to: "2026-12-31".into(),
                    unit_path: None,
                };
                outcomes::groups(&mut conn, &scope, &filter, 100)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|g| (g.unit_id, g.due, g.cleared_on, g.count))
                    .collect::<Vec<_>>()
            }
        };
        // Two deadlines open on 02/11; one alert shown twice (two requests) is one deadline.
        run(
            "2026-11-02",
            "2026-11-01",
            vec![
                open(p, a.id, "2026-11-09"),
                open(p, a.id, "2026-11-09"),
                open(q, b.id, "2026-11-09"),
            ],
        )
        .await;
        // A run on the same day no longer shows p's: done that day, not the day before.
        run(
            "2026-11-02",
            "2026-11-01",
            vec![open(q, b.id, "2026-11-09")],
        )
        .await;
        let all = groups(Scope::everything()).await;
        assert_eq!(
            all,
            vec![
                (a.id, "2026-11-09".into(), Some("2026-11-02".into()), 1),
                (b.id, "2026-11-09".into(), None, 1),
            ],
            "{}",
            db.label
        );
        // p's shows again (what satisfied it was undone), q has moved to unit a meanwhile.
        run(
            "2026-11-05",
            "2026-11-04",
            vec![open(p, a.id, "2026-11-09"), open(q, a.id, "2026-11-09")],
        )
        .await;
        // Both done by 11/11.
        run("2026-11-12", "2026-11-11", vec![]).await;
        let scope_a = Scope {
            subtrees: vec![a.path.clone()],
            ..Scope::default()
        };
        assert_eq!(
            groups(scope_a).await,
            vec![(a.id, "2026-11-09".into(), Some("2026-11-11".into()), 2)],
            "{}",
            db.label
        );
        let scope_b = Scope {
            subtrees: vec![b.path.clone()],
            ..Scope::default()
        };
        assert!(groups(scope_b).await.is_empty(), "{}", db.label);
        assert!(
            groups(Scope::default()).await.is_empty(),
            "nothing in no scope"
        );
    }
}
