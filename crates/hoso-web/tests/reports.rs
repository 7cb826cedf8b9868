//! The query layer through the HTTP API, and a projected field added the way a province would:
//! one attribute in the schema TOML and one migration, nothing else.

mod common;

use axum::http::StatusCode;
use common::{Client, config, databases, demo_app};
use hoso_app::App;
use hoso_domain::schema::SchemaSet;
use hoso_store::Store;
use hoso_store::migrate::{self, Migration};
use std::collections::BTreeSet;

use hoso_domain::schema::fixtures::RecordBuilder;
use serde_json::{Value, json};

/// The embedded schema with two more projected fields of `general`: a text one and a
/// confidential one (shown only to those who may read confidential fields).
fn schema_with_new_projections() -> &'static SchemaSet {
    // The attribute goes at the end of each field's line, whatever else the line declares.
    let text: String = include_str!("../../hoso-domain/data/schema/tt06-2023.toml")
        .lines()
        .map(|line| {
            let field = ["family_social_origin", "phone"]
                .into_iter()
                .find(|id| line.trim_start().starts_with(&format!("{{ id = \"{id}\",")));
            match (field, line.rfind(" },")) {
                (Some(id), Some(end)) => {
                    format!("{}, projection = \"{id}\"{}\n", &line[..end], &line[end..])
                }
                _ => format!("{line}\n"),
            }
        })
        .collect();
    let set = SchemaSet::from_sources(&[&text]).unwrap();
    assert_eq!(
        set.latest().projected_columns().count(),
        SchemaSet::embedded().latest().projected_columns().count() + 2,
        "both fields found in the schema text"
    );
    Box::leak(Box::new(set))
}

const ADD_COLUMNS: Migration = Migration {
    version: 1001,
    name: "project_family_social_origin_and_phone",
    common: "ALTER TABLE persons ADD COLUMN family_social_origin TEXT;\n\
             ALTER TABLE persons ADD COLUMN phone TEXT;\n\
             ALTER TABLE person_states ADD COLUMN family_social_origin TEXT;\n\
             ALTER TABLE person_states ADD COLUMN phone TEXT;",
    sqlite: "",
    postgres: "",
};

#[tokio::test]
async fn a_field_added_to_the_projection_is_filterable_groupable_and_exportable() {
    for db in databases().await {
        // A province running on the embedded schema; one record gets the field filled in.
        let app = demo_app(&db, 12).await;
        let admin = Client::login(&app, "admin").await;
        let list = admin.get("/api/v1/persons?per_page=3").await;
        let person = list.body["items"][0]["id"].as_i64().unwrap();
        let view = admin.get(&format!("/api/v1/persons/{person}")).await;
        let mut record = view.body["record"].clone();
        record["general"]["family_social_origin"] = json!("Công nhân");
        record["general"]["phone"] = json!("0912345678");
        let r = admin
            .send_json(
                "PUT",
                &format!("/api/v1/persons/{person}/record"),
                json!({"expected_version": view.body["current_version"], "record": record}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        // Not projected yet: the report layer does not know the column.
        let r = admin
            .post(
                "/api/v1/reports",
                json!({"columns": ["full_name", "family_social_origin"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(
            r.error_message().contains("family_social_origin"),
            "{}",
            r.body
        );
        app.store().close().await;

        // The TOML declares the projection; without its migration the app refuses to start
        // and says which column is missing.
        let schemas = schema_with_new_projections();
        let refused = App::start_with_schemas(config(&db), schemas).await;
        // The operator reads the reason (the user-facing text of an internal error hides it).
        let message = refused.err().map(|e| format!("{e:?}")).unwrap_or_default();
        assert!(
            message.contains("persons.family_social_origin") && message.contains("migration"),
            "{}: {message}",
            db.label
        );

        // With the migration, the app starts, sees the layout changed and rebuilds the
        // projections from the versions: the value written before is there.
        let store = Store::open(&db.url).await.unwrap();
        migrate::apply(&store, &[ADD_COLUMNS]).await.unwrap();
        store.close().await;
        let app = App::start_with_schemas(config(&db), schemas).await.unwrap();
        let admin = Client::login(&app, "admin").await;
        let r = admin
            .post(
                "/api/v1/reports",
                json!({
                    "columns": ["full_name", "family_social_origin", "date_of_birth"],
                    "filters": [{"column": "family_social_origin", "op": "eq", "value": "Công nhân"}],
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        assert_eq!(r.body["total"], 1, "{}", r.body);
        assert_eq!(
            r.body["columns"][1]["label"],
            "Thành phần gia đình xuất thân"
        );
        assert_eq!(r.body["rows"][0][1]["text"], "Công nhân");
        assert_eq!(
            r.body["rows"][0][0]["text"],
            view.body["record"]["general"]["birth_full_name"]
        );
        // Dates read dd/mm/yyyy, the stored value stays ISO.
        let dob = r.body["rows"][0][2]["value"].as_str().unwrap().to_string();
        assert_eq!(
            r.body["rows"][0][2]["text"],
            format!("{}/{}/{}", &dob[8..10], &dob[5..7], &dob[0..4])
        );

        // Grouped by it: the one filled in, and everyone else without a value.
        let r = admin
            .post(
                "/api/v1/reports",
                json!({"group_by": ["family_social_origin"], "measures": ["count"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let groups: Vec<(Value, i64)> = r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| (row[0]["value"].clone(), row[1]["value"].as_i64().unwrap()))
            .collect();
        assert!(groups.contains(&(json!("Công nhân"), 1)), "{groups:?}");
        assert_eq!(groups.iter().map(|g| g.1).sum::<i64>(), 12);

        // Exported: the header is the schema's label, the value is in the file.
        let csv = admin
            .send_raw(
                "POST",
                "/api/v1/reports/export?format=csv",
                json!({
                    "columns": ["full_name", "family_social_origin"],
                    "filters": [{"column": "family_social_origin", "op": "not_empty"}],
                })
                .to_string(),
            )
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let text = csv.body.as_str().unwrap_or_default();
        assert!(text.contains("Thành phần gia đình xuất thân"), "{text}");
        assert!(text.contains("Công nhân"), "{text}");
        assert_eq!(text.lines().filter(|l| l.contains("Công nhân")).count(), 1);

        // The confidential one: the administrator may filter on it; a viewer (internal
        // clearance) is refused, and the refusal is audited.
        let r = admin
            .post(
                "/api/v1/reports",
                json!({"filters": [{"column": "phone", "op": "eq", "value": "0912345678"}]}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["total"].as_i64()),
            (StatusCode::OK, Some(1))
        );
        let viewer = Client::login(&app, "lanhdao").await;
        let r = viewer
            .post(
                "/api/v1/reports",
                json!({"columns": ["full_name", "phone"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let r = viewer
            .post(
                "/api/v1/reports",
                json!({"columns": ["full_name", "family_social_origin"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let audit = admin.get("/api/v1/audit?action=report.run.refused").await;
        assert!(
            audit.body["items"]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
            "{}",
            audit.body
        );
    }
}

#[tokio::test]
async fn history_reports_answer_as_of_a_day_and_bad_specifications_change_nothing() {
    for db in databases().await {
        let app = demo_app(&db, 30).await;
        let admin = Client::login(&app, "admin").await;
        // The salary history as of a day: each row in force then.
        let r = admin
            .post(
                "/api/v1/reports",
                json!({
                    "source": "salary_history",
                    "as_of": "2020-01-01",
                    "group_by": ["rank_or_title_code"],
                    "measures": ["count", "sum:salary_coefficient"],
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        assert_eq!(
            r.body["columns"][0]["label"],
            "Mã số ngạch/chức danh nghề nghiệp"
        );
        assert_eq!(r.body["columns"][2]["format"], "decimal");
        // Nobody holds two salary rows on one day.
        let in_force: i64 = r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row[1]["value"].as_i64().unwrap())
            .sum();
        let listed = admin
            .post(
                "/api/v1/reports",
                json!({"source": "salary_history", "as_of": "2020-01-01",
                       "columns": ["full_name", "valid_from", "valid_to"], "per_page": 1000}),
            )
            .await;
        assert_eq!(listed.body["total"], in_force);
        let names: Vec<&str> = listed.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row[0]["text"].as_str().unwrap())
            .collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{}", db.label);

        // Bad specifications: a clear Vietnamese message, nothing run.
        for (spec, needle) in [
            (json!({"source": "khong_co"}), "Không có quá trình"),
            (
                json!({"columns": ["x; DROP TABLE persons"]}),
                "Không có cột",
            ),
            (
                json!({"filters": [{"column": "gender", "op": "like", "value": "n"}]}),
                "Phép lọc",
            ),
            (
                json!({"filters": [{"column": "salary_step", "op": "eq", "value": "ba"}]}),
                "không hợp",
            ),
            (
                json!({"group_by": ["gender"], "measures": ["sum:gender"]}),
                "Không cộng được",
            ),
            (json!({"as_of": "2099-01-01"}), "sau hôm nay"),
            (
                json!({"source": "salary_history", "as_of": "2020-02-30"}),
                "không hợp lệ",
            ),
            (json!({"per_page": 0}), "Số dòng"),
            (json!({"group_by": ["gender.year"]}), "không phải ngày"),
            (
                json!({"filters": [{"op": "has", "section": "khong_co"}]}),
                "không có quá trình",
            ),
            (
                json!({"filters": [{"op": "has", "section": "disciplinary_records",
                                    "where": [{"column": "gender", "op": "eq", "value": "nu"}]}]}),
                "Không có cột 'gender'",
            ),
            (
                json!({"filters": [{"op": "has", "section": "disciplinary_records",
                                    "where": [{"op": "has", "section": "disciplinary_records"}]}]}),
                "không lồng",
            ),
            (
                json!({"filters": [{"column": "gender", "op": "between", "from": "nam"}]}),
                "chỉ dùng cho ngày tháng và số",
            ),
            (
                json!({"filters": [{"column": "date_of_birth", "op": "between",
                                    "from": "1990-01-01", "to": "1980-01-01"}]}),
                "khoảng ngược",
            ),
            (
                json!({"filters": [{"column": "date_of_birth", "op": "between"}]}),
                "cần from hoặc to",
            ),
            (
                json!({"filters": [{"column": "gender", "op": "contains", "value": "n"}]}),
                "chỉ dùng cho họ tên",
            ),
            (
                json!({"filters": [{"column": "full_name", "op": "contains", "value": "  "}]}),
                "nhập một phần họ tên",
            ),
            (
                json!({"filters": [{"op": "has", "section": "annual_achievements", "at_least": 0}]}),
                "at_least",
            ),
        ] {
            let r = admin.post("/api/v1/reports", spec.clone()).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{spec}: {}", r.body);
            assert!(r.error_message().contains(needle), "{spec}: {}", r.body);
        }
        let r = admin.post("/api/v1/reports", json!({"bogus": 1})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // A unit outside what exists: not found.
        let r = admin
            .post("/api/v1/reports", json!({"unit": 999_999}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Without signing in: nothing.
        let r = Client::anonymous(&app)
            .post("/api/v1/reports", json!({}))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
}

/// `YYYY-MM`, `months` months before `day`'s month.
fn month_back(day: time::Date, months: i32) -> String {
    let n = day.year() * 12 + i32::from(u8::from(day.month())) - 1 - months;
    format!("{:04}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1)
}

fn rows<'v>(doc: &'v Value, section: &str) -> impl Iterator<Item = &'v Value> {
    doc[section].as_array().into_iter().flatten()
}

struct Case {
    what: &'static str,
    filters: Value,
    expected: BTreeSet<i64>,
}

/// The ids a listing with `filters` holds.
async fn found(admin: &Client, filters: &Value) -> BTreeSet<i64> {
    let r = admin
        .post(
            "/api/v1/reports",
            json!({"columns": ["id", "full_name"], "filters": filters, "per_page": 1000}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{filters}: {}", r.body);
    r.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[0]["value"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn history_conditions_and_accent_insensitive_names_find_exactly_the_people_behind_them() {
    let today = hoso_store::testing::today();
    for db in databases().await {
        let app = demo_app(&db, 20).await;
        let admin = Client::login(&app, "admin").await;
        let unit = admin.get("/api/v1/persons?per_page=1").await.body["items"][0]["unit_id"]
            .as_i64()
            .unwrap();
        // Three people whose histories the test fixes, around its own day.
        let discipline = |from: String, to: Option<String>| {
            let mut row = json!({"from": from, "discipline_system": "hanh_chinh",
                                 "discipline_form": "khien_trach"});
            if let Some(to) = to {
                row["to"] = json!(to);
            }
            row
        };
        let khtnv = |years_back: i32| json!({"year": today.year() - years_back, "performance_rating": "khtnv"});
        let built = [
            RecordBuilder::civil_servant()
                .name("TRẦN VĂN ĐẠT")
                .without("management_trainings")
                .push_row(
                    "management_trainings",
                    json!({"from": month_back(today, 10), "to": month_back(today, 9),
                           "institution": "Học viện Hành chính Quốc gia"}),
                )
                .push_row(
                    "disciplinary_records",
                    discipline(month_back(today, 30), Some(month_back(today, 18))),
                )
                .without("annual_achievements")
                .push_row("annual_achievements", khtnv(1))
                .push_row("annual_achievements", khtnv(2)),
            RecordBuilder::civil_servant()
                .name("ĐOÀN THỊ HƯƠNG")
                .without("management_trainings")
                .push_row(
                    "management_trainings",
                    json!({"from": month_back(today, 6), "to": month_back(today, 5),
                           "institution": "Trường Chính trị tỉnh"}),
                )
                .push_row(
                    "disciplinary_records",
                    discipline(month_back(today, 40), Some(month_back(today, 30))),
                )
                .without("annual_achievements")
                .push_row("annual_achievements", khtnv(1)),
            RecordBuilder::civil_servant()
                .name("LÊ ĐÌNH DŨNG")
                .without("political_theory_trainings")
                .push_row(
                    "disciplinary_records",
                    discipline(month_back(today, 3), None),
                ),
        ];
        for (i, b) in built.into_iter().enumerate() {
            let record = b.national_id(&format!("020185{:06}", 700_000 + i)).build();
            let r = admin
                .post(
                    "/api/v1/persons",
                    json!({"unit_id": unit, "record": record}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}: {}", db.label, r.body);
        }

        // Every record as its document: the expectations come from these, not from the
        // projections the reports read.
        let list = admin.get("/api/v1/persons?per_page=200").await;
        let mut docs: Vec<(i64, String, Value)> = Vec::new();
        for item in list.body["items"].as_array().unwrap() {
            let id = item["id"].as_i64().unwrap();
            let view = admin.get(&format!("/api/v1/persons/{id}")).await;
            docs.push((
                id,
                item["full_name"].as_str().unwrap().to_string(),
                view.body["record"].clone(),
            ));
        }
        assert_eq!(docs.len(), 23, "{}", db.label);
        let expect = |keep: &dyn Fn(&str, &Value) -> bool| -> BTreeSet<i64> {
            docs.iter()
                .filter(|(_, name, doc)| keep(name, doc))
                .map(|(id, _, _)| *id)
                .collect()
        };
        let everyone: BTreeSet<i64> = docs.iter().map(|d| d.0).collect();
        let mut checked = 0;
        let case = |what: &'static str, filters: Value, expected: BTreeSet<i64>| Case {
            what,
            filters,
            expected,
        };
        // Trained in state management (QLNN) since the first of January two years ago.
        let since = format!("{}-01-01", today.year() - 2);
        let trained_since = json!({"op": "has", "section": "management_trainings",
            "where": [{"column": "valid_from", "op": "between", "from": since}]});
        let mut cases = vec![case(
            "QLNN since",
            json!([trained_since.clone()]),
            expect(&|_, doc| {
                rows(doc, "management_trainings")
                    .any(|r| r["from"].as_str().unwrap() >= &since[..7])
            }),
        )];

        // Disciplined in the last two years: a discipline in force on some day of them.
        let cutoff = today - time::Duration::days(730);
        let disciplined = json!({"op": "has", "section": "disciplinary_records", "where": [
            {"column": "valid_from", "op": "between", "to": today.to_string()},
            {"op": "any", "where": [
                {"column": "valid_to", "op": "empty"},
                {"column": "valid_to", "op": "between", "from": cutoff.to_string()},
            ]},
        ]});
        let in_last_two_years = |doc: &Value| {
            let (now, cut) = (today.to_string(), cutoff.to_string());
            rows(doc, "disciplinary_records").any(|r| {
                r["from"].as_str().unwrap() <= &now[..7]
                    && r["to"].as_str().is_none_or(|to| to >= &cut[..7])
            })
        };
        cases.push(case(
            "disciplined in the last two years",
            json!([disciplined.clone()]),
            expect(&|_, doc| in_last_two_years(doc)),
        ));
        let mut never = disciplined.clone();
        never["op"] = json!("has_not");
        cases.push(case(
            "trained since, and not disciplined",
            json!([trained_since, never]),
            expect(&|_, doc| {
                rows(doc, "management_trainings")
                    .any(|r| r["from"].as_str().unwrap() >= &since[..7])
                    && !in_last_two_years(doc)
            }),
        ));

        // Rated "không hoàn thành nhiệm vụ" at least twice.
        cases.push(case(
            "khtnv twice",
            json!([{"op": "has", "section": "annual_achievements", "at_least": 2,
                    "where": [{"column": "performance_rating", "op": "eq", "value": "khtnv"}]}]),
            expect(&|_, doc| {
                rows(doc, "annual_achievements")
                    .filter(|r| r["performance_rating"] == "khtnv")
                    .count()
                    >= 2
            }),
        ));

        // No political-theory training at all.
        cases.push(case(
            "no political theory",
            json!([{"op": "has_not", "section": "political_theory_trainings"}]),
            expect(&|_, doc| rows(doc, "political_theory_trainings").next().is_none()),
        ));

        // Names typed without accents (and with some), as on the staff page.
        for typed in ["tran van đat", "NGUYEN", "thi h"] {
            let folded = hoso_domain::search_key::fold(typed);
            let expected = expect(&|name, _| hoso_domain::search_key::fold(name).contains(&folded));
            if expected.is_empty() || expected == everyone {
                continue;
            }
            cases.push(case(
                typed,
                json!([{"column": "full_name", "op": "contains", "value": typed}]),
                expected,
            ));
        }
        for c in cases {
            assert!(
                !c.expected.is_empty() && c.expected != everyone,
                "{}: the case tells people apart",
                c.what
            );
            assert_eq!(
                found(&admin, &c.filters).await,
                c.expected,
                "{}: {}",
                db.label,
                c.what
            );
            checked += 1;
        }
        assert!(checked >= 6, "{}: {checked} cases", db.label);

        // Grouped, the condition counts the same people.
        let r = admin
            .post(
                "/api/v1/reports",
                json!({"group_by": ["gender"], "filters": [disciplined]}),
            )
            .await;
        let total: i64 = r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row[1]["value"].as_i64().unwrap())
            .sum();
        assert_eq!(
            total as usize,
            expect(&|_, doc| in_last_two_years(doc)).len(),
            "{}",
            db.label
        );
    }
}

async fn audit_count(admin: &Client, action: &str) -> i64 {
    let r = admin.get(&format!("/api/v1/audit?action={action}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["total"].as_i64().unwrap()
}

/// The links of a page whose address starts with `prefix`, as a browser reads them.
fn links(html: &str, prefix: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|h| h.starts_with(prefix))
        .map(|h| h.replace("&amp;", "&").replace("&#38;", "&"))
        .collect()
}

/// The text of the element with this id.
fn text_by_id<'h>(html: &'h str, id: &str) -> &'h str {
    let start = html
        .find(&format!("id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[start + id.len() + 6..];
    &rest[..rest.find('<').unwrap()]
}

#[tokio::test]
async fn the_report_builder_page_runs_the_same_reports_drills_down_and_exports() {
    for db in databases().await {
        let app = demo_app(&db, 30).await;
        for user in ["admin", "lanhdao"] {
            let client = Client::login(&app, user).await;
            let admin = Client::login(&app, "admin").await;
            // The API's answer, to compare the page with.
            let api = client
                .post(
                    "/api/v1/reports",
                    json!({"group_by": ["gender"], "measures": ["count"]}),
                )
                .await;
            assert_eq!(api.status, StatusCode::OK, "{}", api.body);
            let groups: Vec<(Value, String, i64)> = api.body["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r[0]["value"].clone(),
                        r[0]["text"].as_str().unwrap().to_string(),
                        r[1]["value"].as_i64().unwrap(),
                    )
                })
                .collect();
            let everyone: i64 = groups.iter().map(|g| g.2).sum();
            assert!(groups.len() >= 2, "{user}: {groups:?}");

            // One grouping: the table with its total, the charts, one audit entry.
            let before = audit_count(&admin, "report.run").await;
            let page = client.get("/bao-cao?nhom=gender&do=count").await;
            assert_eq!(page.status, StatusCode::OK, "{user}");
            assert_eq!(audit_count(&admin, "report.run").await, before + 1);
            let html = page.body.as_str().unwrap().to_string();
            assert!(html.contains("<svg class=\"pie\""), "{user}");
            assert!(html.contains("class=\"bars\""), "{user}");
            assert!(
                html.contains(&format!(">{}</th></tr></tfoot>", everyone)),
                "{user}: the total row holds {everyone}"
            );
            // Every group's figure links to the listing of its people.
            let drills = links(&html, "/bao-cao?");
            for (value, label, n) in &groups {
                let needle = match value {
                    Value::String(s) => format!("f_cot=gender&f_op=eq&f_gt={s}&"),
                    _ => "f_cot=gender&f_op=empty&".to_string(),
                };
                let link = drills
                    .iter()
                    .find(|l| l.contains(&needle))
                    .unwrap_or_else(|| panic!("{user}: no drill-down for {label} in {drills:?}"));
                assert!(!link.contains("nhom="), "{link}");
                let listing = client.get(link).await;
                assert_eq!(listing.status, StatusCode::OK, "{link}");
                let listing = listing.body.as_str().unwrap();
                assert_eq!(
                    text_by_id(listing, "so-dong"),
                    n.to_string(),
                    "{user}: {label}"
                );
                // Names link to their records.
                assert!(!links(listing, "/ho-so/").is_empty(), "{user}: {label}");
            }

            // A cross table: the grand total is everyone again.
            let cross = client
                .get("/bao-cao?nhom=personnel_category&nhom_cot=gender")
                .await;
            assert_eq!(cross.status, StatusCode::OK);
            let cross = cross.body.as_str().unwrap();
            assert!(
                cross.contains(&format!(">{everyone}</th></tr></tfoot>")),
                "{user}"
            );

            // The export of the same link: the same groups, by their labels.
            let csv = client
                .get("/bao-cao/xuat-excel?nhom=gender&do=count&format=csv")
                .await;
            assert_eq!(csv.status, StatusCode::OK);
            let text = csv.body.as_str().unwrap();
            assert!(text.contains("Giới tính"), "{text}");
            for (_, label, n) in &groups {
                assert!(
                    text.lines()
                        .any(|l| l.contains(label.as_str()) && l.ends_with(&n.to_string())),
                    "{user}: {label} {n} in {text}"
                );
            }

            // A history condition from the form: the API's answer to the same condition.
            let since = format!("{}-01-01", hoso_store::testing::today().year() - 6);
            let api = client
                .post(
                    "/api/v1/reports",
                    json!({"filters": [{"op": "has", "section": "management_trainings",
                        "where": [{"column": "valid_from", "op": "between", "from": since}]}]}),
                )
                .await;
            let page = client
                .get(&format!(
                    "/bao-cao?co_qt=management_trainings&co_op=has&co_tu={since}"
                ))
                .await;
            assert_eq!(page.status, StatusCode::OK);
            assert_eq!(
                text_by_id(page.body.as_str().unwrap(), "so-dong"),
                api.body["total"].to_string(),
                "{user}"
            );
            let none = client
                .get(&format!(
                    "/bao-cao?co_qt=management_trainings&co_op=has_not&co_tu={since}"
                ))
                .await;
            assert_eq!(
                text_by_id(none.body.as_str().unwrap(), "so-dong")
                    .parse::<i64>()
                    .unwrap()
                    + api.body["total"].as_i64().unwrap(),
                everyone,
                "{user}: with and without such a training, everyone"
            );

            // Bad input: the form again with the message, nothing run.
            let before = audit_count(&admin, "report.run").await;
            let bad = client
                .get("/bao-cao?f_cot=date_of_birth&f_op=between&f_gt=1990-01-01&f_den=1980-01-01")
                .await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST);
            assert!(bad.body.as_str().unwrap().contains("khoảng ngược"));
            assert_eq!(audit_count(&admin, "report.run").await, before);
        }
    }
}
