//! The generated projections and the report queries over them, on every available database.

use hoso_domain::schema::{HistoryRow, ProjectedCell, ProjectedKind, ProjectedValue, Projection};
use hoso_store::persons::{self, NewPerson, PersonFilter, PersonSort, Scope};
use hoso_store::projection::{self, LayoutColumn, ProjectionLayout};
use hoso_store::report::{self, Dimension, Field, Filter, Measure, ReportQuery, Source};
use hoso_store::testing::databases;
use hoso_store::{Store, org, states};

/// The instant the rows are stamped with: 2 Dec 2026, 09:00 in Hà Nội (no test reads the wall clock).
const AT: i64 = 1_796_176_800_000;

fn text(s: &str) -> Option<ProjectedValue> {
    Some(ProjectedValue::Text(s.into()))
}

fn cell(column: &str, kind: ProjectedKind, value: Option<ProjectedValue>) -> ProjectedCell {
    ProjectedCell {
        column: column.into(),
        kind,
        value,
    }
}

fn layout() -> ProjectionLayout {
    ProjectionLayout {
        persons: vec![
            LayoutColumn::new("gender", ProjectedKind::Code),
            LayoutColumn::new("date_of_birth", ProjectedKind::Date),
            LayoutColumn::new("salary_coefficient", ProjectedKind::Hundredths),
        ],
        history: vec![
            LayoutColumn::new("rank_or_title_code", ProjectedKind::Code),
            LayoutColumn::new("salary_coefficient", ProjectedKind::Hundredths),
        ],
    }
}

fn salary_row(row_no: i64, from: &str, to: Option<&str>, rank: &str, coef: i64) -> HistoryRow {
    HistoryRow {
        section: "salary_history".into(),
        row_no,
        valid_from: Some(from.into()),
        valid_to: to.map(str::to_string),
        cells: vec![
            cell("rank_or_title_code", ProjectedKind::Code, text(rank)),
            cell(
                "salary_coefficient",
                ProjectedKind::Hundredths,
                Some(ProjectedValue::Integer(coef)),
            ),
        ],
    }
}

async fn person(
    store: &Store,
    unit_id: i64,
    name: &str,
    gender: &str,
    born: &str,
    coef: Option<i64>,
    history: &[HistoryRow],
) -> i64 {
    numbered_person(store, unit_id, name, name, (gender, born, coef), history).await
}

/// [`person`] with its own số định danh (hashed): namesakes are different people.
async fn numbered_person(
    store: &Store,
    unit_id: i64,
    national_id_hash: &str,
    name: &str,
    (gender, born, coef): (&str, &str, Option<i64>),
    history: &[HistoryRow],
) -> i64 {
    let projection = Projection {
        full_name: name.into(),
        cells: vec![
            cell("gender", ProjectedKind::Code, text(gender)),
            cell("date_of_birth", ProjectedKind::Date, text(born)),
            cell(
                "salary_coefficient",
                ProjectedKind::Hundredths,
                coef.map(ProjectedValue::Integer),
            ),
        ],
    };
    let mut tx = store.begin().await.unwrap();
    let id = persons::insert(
        &mut tx,
        NewPerson {
            national_id_hash,
            unit_id,
            status: "working",
            projection: &projection,
        },
        AT,
    )
    .await
    .unwrap();
    projection::write_history(&mut tx, id, history)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// The province, the one unit of these tests.
async fn province(store: &Store) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let root = org::insert(
        &mut tx,
        org::NewOrgUnit {
            parent: None,
            code: "T",
            name: "Tỉnh",
            kind: "province",
            valid_from: "2025-07-01",
            actor_id: None,
            decision_ref: None,
        },
        AT,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    root.id
}

fn report(source: Source) -> ReportQuery {
    ReportQuery {
        source,
        scope: Scope::everything(),
        filters: vec![],
        columns: vec![],
        dimensions: vec![],
        measures: vec![],
        as_of: None,
        limit: 100,
        offset: 0,
    }
}

#[tokio::test]
async fn projected_columns_are_written_filtered_grouped_and_dated() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let layout = layout();
        let mut conn = store.reader().await.unwrap();
        projection::check(&mut conn, &layout).await.unwrap();
        drop(conn);
        let root = province(&store).await;
        let lan = person(
            &store,
            root,
            "Lan",
            "nu",
            "1985-03-12",
            Some(508),
            &[
                salary_row(0, "2008-09-01", Some("2011-08-31"), "01.003", 234),
                salary_row(1, "2011-09-01", None, "01.002", 508),
            ],
        )
        .await;
        let minh = person(
            &store,
            root,
            "Minh",
            "nam",
            "1990-07-01",
            None,
            &[salary_row(0, "2012-01-01", None, "01.003", 267)],
        )
        .await;

        let mut conn = store.reader().await.unwrap();
        // A list with projected columns, filtered and sorted on them.
        let filter = PersonFilter {
            equals: vec![("gender".into(), ProjectedValue::Text("nu".into()))],
            sort: PersonSort::Column("date_of_birth".into()),
            limit: 10,
            ..PersonFilter::default()
        };
        let persons::Listed {
            people: rows,
            total,
            ..
        } = persons::list(&mut conn, &layout.persons, &Scope::everything(), &filter)
            .await
            .unwrap();
        assert_eq!((total, rows[0].person.id), (1, lan), "{}", db.label);
        assert_eq!(rows[0].text("date_of_birth"), Some("1985-03-12"));
        assert_eq!(rows[0].integer("salary_coefficient"), Some(508));
        // A column the layout does not hold is refused before any SQL.
        let bad = PersonFilter {
            sort: PersonSort::Column("x; DROP TABLE persons".into()),
            limit: 10,
            ..PersonFilter::default()
        };
        assert!(
            persons::list(&mut conn, &layout.persons, &Scope::everything(), &bad)
                .await
                .is_err()
        );

        // Grouped: people by the year they were born, and a sum.
        let mut q = report(Source::Persons);
        q.dimensions = vec![Dimension::YearOf(Field::Projected("date_of_birth".into()))];
        q.measures = vec![
            Measure::Count,
            Measure::Sum(Field::Projected("salary_coefficient".into())),
        ];
        let r = report::run(&mut conn, &layout, &q).await.unwrap();
        assert_eq!(
            r.rows,
            vec![
                vec![
                    text("1985"),
                    Some(ProjectedValue::Integer(1)),
                    Some(ProjectedValue::Integer(508))
                ],
                vec![
                    text("1990"),
                    Some(ProjectedValue::Integer(1)),
                    Some(ProjectedValue::Integer(0))
                ],
            ],
            "{}",
            db.label
        );

        // The history as of a day: the row in force then, per person.
        let mut q = report(Source::History {
            section: "salary_history".into(),
        });
        q.columns = vec![
            Field::Person("id"),
            Field::Projected("rank_or_title_code".into()),
            Field::Projected("salary_coefficient".into()),
        ];
        q.as_of = Some("2010-06-30".into());
        let r = report::run(&mut conn, &layout, &q).await.unwrap();
        assert_eq!(
            r.rows,
            vec![vec![
                Some(ProjectedValue::Integer(lan)),
                text("01.003"),
                Some(ProjectedValue::Integer(234))
            ]],
            "{}",
            db.label
        );
        q.as_of = Some("2024-01-01".into());
        q.filters = vec![Filter::Equals(
            Field::Projected("rank_or_title_code".into()),
            ProjectedValue::Text("01.003".into()),
        )];
        let r = report::run(&mut conn, &layout, &q).await.unwrap();
        assert_eq!(r.total, 1);
        assert_eq!(r.rows[0][0], Some(ProjectedValue::Integer(minh)));
        // The scope holds: one person's scope sees one person's rows.
        q.filters.clear();
        q.as_of = None;
        q.scope = Scope {
            persons: vec![minh],
            ..Scope::default()
        };
        assert_eq!(report::run(&mut conn, &layout, &q).await.unwrap().total, 1);
        // As of a day, people are read from their states, and these have none recorded.
        let mut q = report(Source::Persons);
        q.as_of = Some("2020-01-01".into());
        assert_eq!(report::run(&mut conn, &layout, &q).await.unwrap().total, 0);

        // Rewriting a person's history replaces it.
        drop(conn);
        let mut tx = store.begin().await.unwrap();
        projection::write_history(&mut tx, lan, &[]).await.unwrap();
        tx.commit().await.unwrap();
        let mut conn = store.reader().await.unwrap();
        let q = report(Source::History {
            section: "salary_history".into(),
        });
        assert_eq!(report::run(&mut conn, &layout, &q).await.unwrap().total, 1);

        // A declared column the database lacks stops the application with the reason.
        let mut missing = layout.clone();
        missing
            .persons
            .push(LayoutColumn::new("hometown_province", ProjectedKind::Code));
        let err = projection::check(&mut conn, &missing).await.unwrap_err();
        assert!(
            err.to_string().contains("persons.hometown_province"),
            "{err}"
        );
        // The fingerprint follows the layout.
        assert_ne!(layout.fingerprint(), missing.fingerprint());
    }
}

/// The secondary indexes of the tables a bulk load fills: (name, definition), by name.
async fn secondary_indexes(store: &Store) -> Vec<(String, String)> {
    use sqlx::Row;
    let mut conn = store.reader().await.unwrap();
    let sql = if conn.backend_name() == "SQLite" {
        "SELECT name, sql AS definition FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
         AND tbl_name IN ('persons', 'record_history', 'accounts') ORDER BY name"
    } else {
        "SELECT CAST(indexname AS TEXT) AS name, CAST(indexdef AS TEXT) AS definition FROM pg_indexes \
         WHERE schemaname = current_schema() AND tablename IN ('persons', 'record_history', 'accounts') \
         ORDER BY indexname"
    };
    sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("name"), r.get("definition")))
        .collect()
}

#[tokio::test]
async fn a_bulk_load_sets_the_secondary_indexes_aside_and_builds_them_again() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let before = secondary_indexes(&store).await;
        assert!(
            before.iter().any(|(name, _)| name == "persons_unit"),
            "{}: {before:?}",
            db.label
        );
        let mut tx = store.begin().await.unwrap();
        let aside = hoso_store::bulk::set_indexes_aside(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        let during = secondary_indexes(&store).await;
        if db.label == "sqlite" {
            assert!(during.is_empty(), "{}: {during:?}", db.label);
        } else {
            assert_eq!(during, before, "{}: PostgreSQL keeps its indexes", db.label);
        }
        let mut tx = store.begin().await.unwrap();
        hoso_store::bulk::rebuild_indexes(&mut tx, aside)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(secondary_indexes(&store).await, before, "{}", db.label);
    }
}

#[tokio::test]
async fn states_are_in_force_from_their_day_until_the_next_ones_whatever_order_they_take_effect_in()
{
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let layout = layout();
        let mut tx = store.begin().await.unwrap();
        fn unit<'a>(code: &'a str, parent: Option<&'a org::OrgUnitRow>) -> org::NewOrgUnit<'a> {
            org::NewOrgUnit {
                parent,
                code,
                name: code,
                kind: "department",
                valid_from: "2000-01-01",
                actor_id: None,
                decision_ref: None,
            }
        }
        let root = org::insert(&mut tx, unit("T", None), AT).await.unwrap();
        let a = org::insert(&mut tx, unit("A", Some(&root)), AT)
            .await
            .unwrap();
        let b = org::insert(&mut tx, unit("B", Some(&root)), AT)
            .await
            .unwrap();
        let c = org::insert(&mut tx, unit("C", Some(&root)), AT)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let id = person(&store, c.id, "Hoa", "nu", "1990-01-01", None, &[]).await;
        let state = |gender: &str| Projection {
            full_name: "Hoa".into(),
            cells: vec![cell("gender", ProjectedKind::Code, text(gender))],
        };
        let (nu, nam) = (state("nu"), state("nam"));
        let mut tx = store.begin().await.unwrap();
        for (version, from, unit_id, projection) in [
            (1, "2010-01-01", a.id, &nu),
            (2, "2026-06-01", b.id, &nu),
            // Back-dated: takes effect before version 2, which is then never in force.
            (3, "2026-03-01", c.id, &nam),
        ] {
            states::record(
                &mut tx,
                &states::StateRow {
                    person_id: id,
                    version,
                    valid_from: from.into(),
                    unit_id,
                    status: "working",
                    projection,
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let mut conn = store.reader().await.unwrap();
        for (day, expected) in [
            ("2009-12-31", None),
            ("2010-01-01", Some((1, a.id))),
            ("2026-02-28", Some((1, a.id))),
            ("2026-03-01", Some((3, c.id))),
            ("2026-07-01", Some((3, c.id))),
        ] {
            assert_eq!(
                states::on_day(&mut conn, id, day).await.unwrap(),
                expected,
                "{}: {day}",
                db.label
            );
        }
        // A report of a day reads the state of that day, its columns included.
        let mut q = report(Source::Persons);
        q.dimensions = vec![Dimension::Field(Field::Projected("gender".into()))];
        q.measures = vec![Measure::Count];
        for (day, gender) in [("2026-02-28", "nu"), ("2026-06-15", "nam")] {
            q.as_of = Some(day.into());
            let r = report::run(&mut conn, &layout, &q).await.unwrap();
            assert_eq!(
                r.rows,
                vec![vec![text(gender), Some(ProjectedValue::Integer(1))]],
                "{}: {day}",
                db.label
            );
        }
        // A trend counts each day in one pass, and the filters hold on each day's state.
        let days: Vec<String> = ["2009-12-31", "2010-01-01", "2026-02-28", "2026-07-01"]
            .map(String::from)
            .to_vec();
        let q = report(Source::Persons);
        assert_eq!(
            report::counts_on_days(&mut conn, &layout, &q, &days)
                .await
                .unwrap(),
            vec![0, 1, 1, 1],
            "{}",
            db.label
        );
        let mut q = report(Source::Persons);
        q.filters = vec![Filter::Equals(
            Field::Person("unit_id"),
            ProjectedValue::Integer(a.id),
        )];
        assert_eq!(
            report::counts_on_days(&mut conn, &layout, &q, &days)
                .await
                .unwrap(),
            vec![0, 1, 1, 0]
        );
        // Rebuilt from nothing, a person has no state.
        drop(conn);
        let mut tx = store.begin().await.unwrap();
        states::clear(&mut tx, id).await.unwrap();
        tx.commit().await.unwrap();
        let mut conn = store.reader().await.unwrap();
        assert_eq!(
            states::on_day(&mut conn, id, "2026-07-01").await.unwrap(),
            None
        );
    }
}

/// Keyset paging (issue 17): walking a list page after page from each page's last row, or back
/// from each page's first row, gives exactly the list read at once, for every sort, in both
/// directions, ties and rows without a value included; rows without a value come last going up
/// and first going down, on both databases alike.
#[tokio::test]
async fn pages_after_and_before_a_row_walk_the_whole_list_in_every_sort() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let layout = layout();
        let root = province(&store).await;
        let names = ["Lan", "Minh", "Lan", "Đức", "An", "Lan", "Bình", "Minh"];
        for i in 0..23i64 {
            let name = format!("{} {}", names[i as usize % names.len()], i % 3);
            // Coefficients with ties and gaps: every fourth person has none.
            let coef = (i % 4 != 0).then_some(200 + (i % 5) * 33);
            let born = format!("19{:02}-01-01", 60 + i % 7);
            let hash = format!("h{i}");
            numbered_person(&store, root, &hash, &name, ("nu", &born, coef), &[]).await;
        }
        let mut conn = store.reader().await.unwrap();
        let sorts = [
            PersonSort::Name,
            PersonSort::Updated,
            PersonSort::Column("salary_coefficient".into()),
            PersonSort::Column("date_of_birth".into()),
        ];
        for sort in sorts {
            for descending in [false, true] {
                let label = format!("{} {sort:?} desc={descending}", db.label);
                let filter = |keyset, limit| PersonFilter {
                    sort: sort.clone(),
                    descending,
                    limit,
                    keyset,
                    ..PersonFilter::default()
                };
                let ids =
                    |l: &persons::Listed| l.people.iter().map(|p| p.person.id).collect::<Vec<_>>();
                let all = persons::list(
                    &mut conn,
                    &layout.persons,
                    &Scope::everything(),
                    &filter(None, 100),
                )
                .await
                .unwrap();
                assert_eq!((all.people.len(), all.more), (23, false), "{label}");
                let whole = ids(&all);

                let mut forward = Vec::new();
                let mut page = persons::list(
                    &mut conn,
                    &layout.persons,
                    &Scope::everything(),
                    &filter(None, 4),
                )
                .await
                .unwrap();
                let mut pages = 1;
                loop {
                    forward.extend(ids(&page));
                    if !page.more {
                        break;
                    }
                    let after = persons::Keyset::After(page.last.clone().unwrap());
                    page = persons::list(
                        &mut conn,
                        &layout.persons,
                        &Scope::everything(),
                        &filter(Some(after), 4),
                    )
                    .await
                    .unwrap();
                    pages += 1;
                }
                assert_eq!(forward, whole, "{label}");
                assert_eq!(pages, 6, "{label}");

                // Back from the last page, each page the one before its first row.
                let mut backward = ids(&page);
                for _ in 0..10 {
                    let before = persons::Keyset::Before(page.first.clone().unwrap());
                    page = persons::list(
                        &mut conn,
                        &layout.persons,
                        &Scope::everything(),
                        &filter(Some(before), 4),
                    )
                    .await
                    .unwrap();
                    let mut earlier = ids(&page);
                    earlier.extend(backward);
                    backward = earlier;
                    if !page.more {
                        break;
                    }
                }
                assert_eq!(backward, whole, "{label}");
                assert_eq!(page.people.len(), 4, "{label}: the first page is full");

                if let PersonSort::Column(c) = &sort {
                    let empty: Vec<bool> = all
                        .people
                        .iter()
                        .map(|p| !p.values.contains_key(c.as_str()))
                        .collect();
                    let first_empty = empty.iter().position(|e| *e);
                    if c == "salary_coefficient" {
                        // Six of the 23 have no coefficient: last going up, first going down.
                        assert_eq!(empty.iter().filter(|e| **e).count(), 6, "{label}");
                        let expect = if descending { Some(0) } else { Some(17) };
                        assert_eq!(first_empty, expect, "{label}");
                    }
                }
            }
        }
    }
}
