//! Statutory report forms through the HTTP API and the pages, on both databases: every cell of
//! the forms compared with counts made here from the record documents (not from the projections
//! the query layer reads), the people behind a figure, a unit's view that never counts another
//! unit's people, and bad input.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use common::{Client, databases, demo_app, demo_hr_and_head};
use hoso_domain::catalog::Catalogs;
use serde_json::Value;

/// A person as its document tells, with what the forms count by.
struct Person {
    id: i64,
    unit_id: i64,
    status: String,
    doc: Value,
}

impl Person {
    fn text(&self, section: &str, field: &str) -> Option<&str> {
        self.doc[section][field].as_str().filter(|s| !s.is_empty())
    }

    fn age(&self, today: time::Date) -> Option<i32> {
        let born = time::Date::parse(
            self.text("general", "date_of_birth")?,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .ok()?;
        // Counted here by hand: the years between, less one before the birthday.
        let mut age = today.year() - born.year();
        if (u8::from(today.month()), today.day()) < (u8::from(born.month()), born.day()) {
            age -= 1;
        }
        Some(age)
    }
}

/// Every record, read one by one through the API as its document.
async fn everyone(admin: &Client) -> Vec<Person> {
    let mut items = Vec::new();
    for page in 1.. {
        let list = admin
            .get(&format!("/api/v1/persons?per_page=100&page={page}"))
            .await;
        let got = list.body["items"].as_array().unwrap().clone();
        if got.is_empty() {
            break;
        }
        items.extend(got);
    }
    let mut out = Vec::new();
    for item in &items {
        let id = item["id"].as_i64().unwrap();
        let view = admin.get(&format!("/api/v1/persons/{id}")).await;
        out.push(Person {
            id,
            unit_id: item["unit_id"].as_i64().unwrap(),
            status: item["status"].as_str().unwrap().to_string(),
            doc: view.body["record"].clone(),
        });
    }
    out
}

/// The ngạch or chức danh codes whose catalog attribute is one of `values` (a trailing `?`
/// of the catalog read as the value).
fn codes_with(attribute: &str, values: &[&str]) -> BTreeSet<String> {
    let catalogs = Catalogs::embedded();
    ["ngach_cong_chuc", "chuc_danh_nghe_nghiep"]
        .iter()
        .flat_map(|c| catalogs.items(c).iter())
        .filter(|i| {
            i.attrs
                .get(attribute)
                .is_some_and(|a| values.contains(&a.trim_end_matches('?')))
        })
        .map(|i| i.code.clone())
        .collect()
}

/// The columns of the công chức form, each as a test on a person made here.
/// A column's key and the test of a person counted in it.
type Column = (&'static str, Box<dyn Fn(&Person) -> bool>);

fn civil_servant_columns(today: time::Date) -> Vec<Column> {
    let in_group = |values: &'static [&'static str]| {
        let codes = codes_with("nhom_tuong_duong_DHQG", values);
        Box::new(move |p: &Person| {
            p.text("salary", "rank_or_title_code")
                .is_some_and(|c| codes.contains(c))
        }) as Box<dyn Fn(&Person) -> bool>
    };
    let is = |section: &'static str, field: &'static str, values: &'static [&'static str]| {
        Box::new(move |p: &Person| p.text(section, field).is_some_and(|v| values.contains(&v)))
            as Box<dyn Fn(&Person) -> bool>
    };
    let aged = move |lo: i32, hi: i32| {
        Box::new(move |p: &Person| p.age(today).is_some_and(|a| lo <= a && a <= hi))
            as Box<dyn Fn(&Person) -> bool>
    };
    vec![
        ("total", Box::new(|_: &Person| true)),
        ("female", is("general", "gender", &["nu"])),
        (
            "party",
            Box::new(|p: &Person| p.text("political", "party_admission_date").is_some()),
        ),
        (
            "ethnic_minority",
            Box::new(|p: &Person| {
                p.text("general", "ethnicity_code")
                    .is_some_and(|c| c != "01")
            }),
        ),
        (
            "religion",
            Box::new(|p: &Person| {
                p.text("general", "religion_code")
                    .is_some_and(|c| c != "00")
            }),
        ),
        ("rank_cvcc", in_group(&["CVCC"])),
        ("rank_cvc", in_group(&["CVC"])),
        ("rank_cv", in_group(&["CV"])),
        ("rank_cs", in_group(&["CS"])),
        ("rank_nv", in_group(&["NV"])),
        (
            "edu_doctor",
            is(
                "qualifications",
                "highest_qualification_level",
                &["tien_si", "tien_si_khoa_hoc"],
            ),
        ),
        (
            "edu_master",
            is(
                "qualifications",
                "highest_qualification_level",
                &["thac_si"],
            ),
        ),
        (
            "edu_university",
            is(
                "qualifications",
                "highest_qualification_level",
                &["dai_hoc"],
            ),
        ),
        (
            "edu_college",
            is(
                "qualifications",
                "highest_qualification_level",
                &["cao_dang"],
            ),
        ),
        (
            "edu_intermediate",
            is(
                "qualifications",
                "highest_qualification_level",
                &["trung_cap"],
            ),
        ),
        (
            "edu_elementary",
            is("qualifications", "highest_qualification_level", &["so_cap"]),
        ),
        (
            "llct_bachelor",
            is("qualifications", "political_theory_level", &["cu_nhan"]),
        ),
        (
            "llct_advanced",
            is(
                "qualifications",
                "political_theory_level",
                &["cao_cap", "cao_cap_ly_luan_chinh_tri_hanh_chinh"],
            ),
        ),
        (
            "llct_intermediate",
            is("qualifications", "political_theory_level", &["trung_cap"]),
        ),
        (
            "llct_elementary",
            is("qualifications", "political_theory_level", &["so_cap"]),
        ),
        (
            "qlnn_cvcc",
            is(
                "qualifications",
                "state_management_training_level",
                &["chuyen_vien_cao_cap"],
            ),
        ),
        (
            "qlnn_cvc",
            is(
                "qualifications",
                "state_management_training_level",
                &["chuyen_vien_chinh"],
            ),
        ),
        (
            "qlnn_cv",
            is(
                "qualifications",
                "state_management_training_level",
                &["chuyen_vien"],
            ),
        ),
        ("age_to_30", aged(i32::MIN, 30)),
        ("age_31_40", aged(31, 40)),
        ("age_41_50", aged(41, 50)),
        ("age_51_60", aged(51, 60)),
        ("age_over_60", aged(61, i32::MAX)),
    ]
}

fn is_working_civil_servant(p: &Person) -> bool {
    p.status == "working" && p.text("identity", "personnel_category") == Some("civil_servant")
}

/// The keys of a form's answer, in order.
fn keys(form: &Value) -> Vec<String> {
    form["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["columns"].as_array().unwrap().iter())
        .map(|c| c["key"].as_str().unwrap().to_string())
        .collect()
}

fn counts(row: &Value) -> Vec<i64> {
    row["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_i64().unwrap())
        .collect()
}

async fn audit_count(admin: &Client, action: &str) -> i64 {
    admin
        .get(&format!("/api/v1/audit?action={action}"))
        .await
        .body["total"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn the_civil_servant_form_counts_every_cell_as_the_records_do() {
    let today = hoso_store::testing::today();
    for db in databases().await {
        let app = demo_app(&db, 120).await;
        let admin = Client::login(&app, "admin").await;
        let people = everyone(&admin).await;
        let counted: Vec<&Person> = people
            .iter()
            .filter(|p| is_working_civil_servant(p))
            .collect();
        assert!(
            counted.len() >= 10,
            "{}: {} công chức",
            db.label,
            counted.len()
        );
        let columns = civil_servant_columns(today);

        // The list of forms.
        let forms = admin.get("/api/v1/report-forms").await;
        assert_eq!(forms.status, StatusCode::OK, "{}", forms.body);
        let codes: Vec<&str> = forms
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            [
                "bm01-cong-chuc",
                "bm01-vien-chuc",
                "xep-loai-chat-luong",
                "tang-giam",
                "bm03-tien-luong"
            ]
        );

        // The province's top unit and the units under it, to place each person in a row.
        let mut conn = app.store().reader().await.unwrap();
        let roots = hoso_store::org::roots(&mut conn).await.unwrap();
        let root = roots[0].clone();
        let subtree = hoso_store::org::subtree(&mut conn, &root.path)
            .await
            .unwrap();
        drop(conn);
        let path_of: BTreeMap<i64, String> =
            subtree.iter().map(|u| (u.id, u.path.clone())).collect();
        let children: Vec<_> = subtree
            .iter()
            .filter(|u| u.parent_id == Some(root.id))
            .collect();
        assert!(children.len() >= 2, "{}", db.label);

        let before = audit_count(&admin, "report.run").await;
        let r = admin
            .get(&format!(
                "/api/v1/report-forms/bm01-cong-chuc?unit={}",
                root.id
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        assert_eq!(
            audit_count(&admin, "report.run").await,
            before + 1,
            "one audit entry"
        );
        let form = &r.body;
        assert_eq!(form["on"], today.to_string());
        assert_eq!(
            keys(form),
            columns
                .iter()
                .map(|(k, _)| k.to_string())
                .collect::<Vec<_>>(),
            "the columns the test counts are the form's"
        );
        // Each row: the people of a subunit's subtree, or those directly in the root.
        let expected_row = |members: &dyn Fn(&Person) -> bool| -> Vec<i64> {
            columns
                .iter()
                .map(|(_, test)| counted.iter().filter(|p| members(p) && test(p)).count() as i64)
                .collect()
        };
        let rows = form["rows"].as_array().unwrap();
        for row in rows {
            let unit = row["unit_id"].as_i64().unwrap();
            let expected = if row["direct"] == true {
                assert_eq!(unit, root.id);
                expected_row(&|p: &Person| p.unit_id == root.id)
            } else {
                let prefix = path_of[&unit].clone();
                expected_row(&|p: &Person| {
                    path_of
                        .get(&p.unit_id)
                        .is_some_and(|path| path.starts_with(&prefix))
                })
            };
            assert_eq!(counts(row), expected, "{}: row {}", db.label, row["label"]);
        }
        // Every living subunit has its row, with or without công chức, and only subunits do.
        let row_units: BTreeSet<i64> = rows
            .iter()
            .filter(|r| r["direct"] == false)
            .map(|r| r["unit_id"].as_i64().unwrap())
            .collect();
        let living: BTreeSet<i64> = children
            .iter()
            .filter(|u| u.dissolved_on.is_none())
            .map(|u| u.id)
            .collect();
        assert!(living.is_subset(&row_units), "{}: {row_units:?}", db.label);
        assert!(
            row_units
                .iter()
                .all(|id| children.iter().any(|u| u.id == *id)),
            "{row_units:?}"
        );
        let total = expected_row(&|_: &Person| true);
        assert_eq!(counts(&form["total"]), total, "{}: the total row", db.label);
        assert!(
            total.iter().skip(1).any(|n| *n > 0),
            "some column counts someone"
        );

        // The same form over the whole province (no unit) has the same total.
        let whole = admin.get("/api/v1/report-forms/bm01-cong-chuc").await;
        assert_eq!(counts(&whole.body["total"]), total, "{}", db.label);

        // The people behind a figure are exactly those the test counts there.
        let busiest = rows
            .iter()
            .filter(|r| r["direct"] == false)
            .max_by_key(|r| counts(r)[0])
            .unwrap();
        let unit = busiest["unit_id"].as_i64().unwrap();
        let prefix = path_of[&unit].clone();
        for (i, (key, test)) in columns.iter().enumerate() {
            if counts(busiest)[i] == 0 && i > 1 {
                continue;
            }
            let r = admin
                .get(&format!(
                    "/api/v1/report-forms/bm01-cong-chuc/people?unit={unit}&column={key}&per_page=500"
                ))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
            let ids: BTreeSet<i64> = r.body["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| row[0]["value"].as_i64().unwrap())
                .collect();
            let expected: BTreeSet<i64> = counted
                .iter()
                .filter(|p| {
                    path_of
                        .get(&p.unit_id)
                        .is_some_and(|path| path.starts_with(&prefix))
                })
                .filter(|p| test(p))
                .map(|p| p.id)
                .collect();
            assert_eq!(ids, expected, "{}: people behind {key}", db.label);
            assert_eq!(r.body["total"], counts(busiest)[i], "{}: {key}", db.label);
        }
        // Those directly in the root.
        let r = admin
            .get(&format!(
                "/api/v1/report-forms/bm01-cong-chuc/people?unit={}&direct=true&column=total&per_page=500",
                root.id
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            r.body["total"].as_i64().unwrap(),
            counted.iter().filter(|p| p.unit_id == root.id).count() as i64
        );

        // The export holds the same figures, a column per form column.
        let file = admin
            .exchange_bytes(
                "GET",
                &format!(
                    "/api/v1/report-forms/bm01-cong-chuc/export?unit={}",
                    root.id
                ),
                "application/octet-stream",
                Vec::new(),
            )
            .await;
        assert_eq!(file.0, StatusCode::OK, "{}", db.label);
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(file.2)).unwrap();
        use calamine::Reader;
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let text: Vec<String> = sheet
            .rows()
            .flat_map(|r| r.iter().map(|c| c.to_string()))
            .collect();
        assert!(
            text.iter()
                .any(|t| t == "Chia theo ngạch công chức: Chuyên viên chính và tương đương"),
            "{text:?}"
        );
        assert!(text.iter().any(|t| t == "Tổng cộng"));
    }
}

#[tokio::test]
async fn a_unit_sees_its_own_people_only_and_bad_input_changes_nothing() {
    let today = hoso_store::testing::today();
    for db in databases().await {
        let app = demo_app(&db, 60).await;
        let admin = Client::login(&app, "admin").await;
        let people = everyone(&admin).await;
        let mut conn = app.store().reader().await.unwrap();
        let root = hoso_store::org::roots(&mut conn).await.unwrap()[0].clone();
        let subtree = hoso_store::org::subtree(&mut conn, &root.path)
            .await
            .unwrap();
        drop(conn);
        // A unit with công chức, and another one.
        let unit = subtree
            .iter()
            .filter(|u| u.depth > 0)
            .max_by_key(|u| {
                people
                    .iter()
                    .filter(|p| p.unit_id == u.id && is_working_civil_servant(p))
                    .count()
            })
            .unwrap()
            .clone();
        let other = subtree
            .iter()
            .find(|u| {
                u.depth > 0 && !u.path.starts_with(&unit.path) && !unit.path.starts_with(&u.path)
            })
            .unwrap()
            .clone();
        let (hr, _) = demo_hr_and_head(&app, unit.id).await;
        let officer = Client::login(&app, &hr).await;
        let mine: Vec<&Person> = people
            .iter()
            .filter(|p| {
                is_working_civil_servant(p)
                    && subtree
                        .iter()
                        .any(|u| u.id == p.unit_id && u.path.starts_with(&unit.path))
            })
            .collect();
        assert!(!mine.is_empty(), "{}", db.label);

        // Without a unit: the officer's own unit is the form's unit (its subunits the rows), and
        // only its people count.
        let r = officer.get("/api/v1/report-forms/bm01-cong-chuc").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        assert_eq!(
            r.body["total"]["counts"][0],
            mine.len() as i64,
            "{}",
            db.label
        );
        let row_units: Vec<i64> = r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["unit_id"].as_i64().unwrap())
            .collect();
        assert_eq!(r.body["unit_id"], unit.id, "{}", db.label);
        assert!(
            row_units.iter().all(|id| subtree
                .iter()
                .any(|u| u.id == *id && u.path.starts_with(&unit.path))),
            "{}: {row_units:?}",
            db.label
        );
        let female = mine
            .iter()
            .filter(|p| p.text("general", "gender") == Some("nu"))
            .count();
        assert_eq!(r.body["total"]["counts"][1], female as i64);
        let young = mine
            .iter()
            .filter(|p| p.age(today).is_some_and(|a| a <= 30))
            .count();
        let at = keys(&r.body).iter().position(|k| k == "age_to_30").unwrap();
        assert_eq!(r.body["total"]["counts"][at], young as i64);

        // Another unit, its form, its people: not found, as if it did not exist.
        for uri in [
            format!("/api/v1/report-forms/bm01-cong-chuc?unit={}", other.id),
            format!(
                "/api/v1/report-forms/bm01-cong-chuc/people?unit={}&column=total",
                other.id
            ),
            format!(
                "/api/v1/report-forms/bm01-cong-chuc/export?unit={}",
                other.id
            ),
            format!("/bao-cao/mau/bm01-cong-chuc?don_vi={}", other.id),
        ] {
            let r = officer.get(&uri).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{}: {uri}", db.label);
        }
        // The total's people from the officer: its own only.
        let r = officer
            .get("/api/v1/report-forms/bm01-cong-chuc/people?column=total&per_page=500")
            .await;
        assert_eq!(r.body["total"], mine.len() as i64, "{}", db.label);

        // Bad input: a clear Vietnamese message.
        let before = audit_count(&admin, "report.run").await;
        for (uri, status, words) in [
            (
                "/api/v1/report-forms/khong-co",
                StatusCode::NOT_FOUND,
                "mẫu báo cáo",
            ),
            (
                "/api/v1/report-forms/bm01-cong-chuc/people?column=khong_co",
                StatusCode::BAD_REQUEST,
                "không có cột",
            ),
            (
                "/api/v1/report-forms/xep-loai-chat-luong?year=1900",
                StatusCode::BAD_REQUEST,
                "Năm báo cáo",
            ),
            (
                "/api/v1/report-forms/bm01-cong-chuc/people?column=total&direct=true",
                StatusCode::BAD_REQUEST,
                "cần đơn vị",
            ),
        ] {
            let r = officer.get(uri).await;
            assert_eq!(r.status, status, "{}: {uri}: {}", db.label, r.body);
            assert!(r.error_message().contains(words), "{uri}: {}", r.body);
        }
        // The conditions the forms are made of, misused in the report builder's API.
        for (filter, words) in [
            (
                serde_json::json!({"column": "gender", "op": "age_between", "from": 30}),
                "chỉ dùng cho cột ngày",
            ),
            (
                serde_json::json!({"column": "date_of_birth", "op": "age_between", "from": 50, "to": 30}),
                "khoảng tuổi ngược",
            ),
            (
                serde_json::json!({"column": "date_of_birth", "op": "age_between"}),
                "cần from hoặc to",
            ),
            (
                serde_json::json!({"column": "date_of_birth", "op": "age_between", "from": -3}),
                "tuổi là số nguyên",
            ),
            (
                serde_json::json!({"column": "rank_or_title_code", "op": "in_group",
                                   "attribute": "khong_co", "values": ["CV"]}),
                "không có thuộc tính",
            ),
            (
                serde_json::json!({"column": "gender", "op": "in_group",
                                   "attribute": "hang", "values": ["I"]}),
                "chỉ dùng cho cột theo danh mục",
            ),
            (
                serde_json::json!({"column": "rank_or_title_code", "op": "not_in_group",
                                   "attribute": "hang", "values": [1]}),
                "cần values là các giá trị chữ",
            ),
        ] {
            let r = officer
                .post("/api/v1/reports", serde_json::json!({"filters": [filter]}))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{filter}: {}", r.body);
            assert!(r.error_message().contains(words), "{filter}: {}", r.body);
        }
        assert_eq!(
            audit_count(&admin, "report.run").await,
            before,
            "nothing ran"
        );
        // Used well, they answer as the forms do: công chức tương đương chuyên viên of the
        // officer's unit, aged 41 to 50.
        let r = officer
            .post(
                "/api/v1/reports",
                serde_json::json!({"per_page": 500, "columns": ["id"], "filters": [
                    {"column": "status", "op": "eq", "value": "working"},
                    {"column": "personnel_category", "op": "eq", "value": "civil_servant"},
                    {"column": "rank_or_title_code", "op": "in_group",
                     "attribute": "nhom_tuong_duong_DHQG", "values": ["CV"]},
                    {"column": "date_of_birth", "op": "age_between", "from": 41, "to": 50},
                ]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let cv = codes_with("nhom_tuong_duong_DHQG", &["CV"]);
        let expected = mine
            .iter()
            .filter(|p| {
                p.text("salary", "rank_or_title_code")
                    .is_some_and(|c| cv.contains(c))
            })
            .filter(|p| p.age(today).is_some_and(|a| (41..=50).contains(&a)))
            .count();
        assert_eq!(r.body["total"], expected as i64, "{}", db.label);
        // The same on the report builder's page, the group written "attribute: values".
        let rows = "f_cot=status&f_op=eq&f_gt=working&f_den=\
            &f_cot=personnel_category&f_op=eq&f_gt=civil_servant&f_den=\
            &f_cot=date_of_birth&f_op=age_between&f_gt=41&f_den=50\
            &f_cot=rank_or_title_code";
        let page = officer
            .get(&format!(
                "/bao-cao?{rows}&f_op=in_group&f_gt=nhom_tuong_duong_DHQG%3A+CV&f_den="
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", db.label, page.body);
        let html = page.body.as_str().unwrap();
        let shown = html
            .split_once("id=\"so-dong\">")
            .and_then(|(_, rest)| rest.split_once('<'))
            .map(|(n, _)| n);
        assert_eq!(shown, Some(expected.to_string().as_str()), "{}", db.label);
        // Without the attribute, the message names those the catalog has.
        let page = officer
            .get(&format!("/bao-cao?{rows}&f_op=not_in_group&f_gt=CV&f_den="))
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", db.label);
        let html = page.body.as_str().unwrap();
        assert!(
            html.contains("ghi nhóm dạng")
                && html.contains("thuộc tính có:")
                && html.contains("nhom_tuong_duong_DHQG"),
            "{}: {html}",
            db.label
        );
        let r = officer.get("/bao-cao/mau/bm01-cong-chuc?nam=abc").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", db.label);
    }
}

#[tokio::test]
async fn the_yearly_ratings_form_counts_the_ratings_of_the_year_asked() {
    for db in databases().await {
        let app = demo_app(&db, 60).await;
        let admin = Client::login(&app, "admin").await;
        let people = everyone(&admin).await;
        let working: Vec<&Person> = people.iter().filter(|p| p.status == "working").collect();
        let rating_in = |p: &Person, year: i64| -> Option<String> {
            p.doc["annual_achievements"]
                .as_array()?
                .iter()
                .find(|r| r["year"].as_i64() == Some(year) && r["performance_rating"].is_string())
                .map(|r| r["performance_rating"].as_str().unwrap().to_string())
        };
        let last_year = i64::from(hoso_store::testing::today().year()) - 1;
        for year in [last_year, last_year - 1] {
            let uri = if year == last_year {
                "/api/v1/report-forms/xep-loai-chat-luong".to_string()
            } else {
                format!("/api/v1/report-forms/xep-loai-chat-luong?year={year}")
            };
            let r = admin.get(&uri).await;
            assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
            assert_eq!(r.body["year"], year, "last year unless asked");
            assert!(
                r.body["title"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("năm {year}"))
            );
            let expected: Vec<i64> = keys(&r.body)
                .iter()
                .map(|key| {
                    working
                        .iter()
                        .filter(|p| match key.as_str() {
                            "total" => true,
                            "unrated" => rating_in(p, year).is_none(),
                            level => rating_in(p, year).as_deref() == Some(level),
                        })
                        .count() as i64
                })
                .collect();
            assert_eq!(counts(&r.body["total"]), expected, "{}: {year}", db.label);
            assert!(
                expected[1..5].iter().any(|n| *n > 0),
                "{year}: someone was rated"
            );
        }
    }
}

#[tokio::test]
async fn the_form_pages_show_the_table_drill_down_and_export() {
    for db in databases().await {
        let app = demo_app(&db, 40).await;
        let admin = Client::login(&app, "admin").await;
        let list = admin.get("/bao-cao/mau").await;
        assert_eq!(list.status, StatusCode::OK);
        let html = list.body.as_str().unwrap();
        assert!(
            html.contains("href=\"/bao-cao/mau/bm01-cong-chuc\""),
            "{html}"
        );

        let api = admin.get("/api/v1/report-forms/bm01-vien-chuc").await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.body);
        let page = admin.get("/bao-cao/mau/bm01-vien-chuc").await;
        assert_eq!(page.status, StatusCode::OK, "{}", db.label);
        let html = page.body.as_str().unwrap().to_string();
        // Two header rows: the groups over their columns.
        assert!(
            html.contains("colspan=\"4\">Chia theo hạng chức danh nghề nghiệp</th>"),
            "{html}"
        );
        // The province is the form's unit (its one top); the total row, each figure a link to
        // its people.
        let province = api.body["unit_id"].as_i64().unwrap();
        let total = counts(&api.body["total"]);
        assert!(
            html.contains(&format!(
                "<a href=\"/bao-cao/mau/bm01-vien-chuc/danh-sach?don_vi={province}&#38;cot=total&#38;ve={province}\">{}</a>",
                total[0]
            )),
            "{html}"
        );
        // A subunit's row opens the form one level down; its people list says how many.
        let row = api.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["direct"] == false)
            .unwrap();
        let unit = row["unit_id"].as_i64().unwrap();
        assert!(html.contains(&format!(
            "href=\"/bao-cao/mau/bm01-vien-chuc?don_vi={unit}\""
        )));
        let down = admin
            .get(&format!("/bao-cao/mau/bm01-vien-chuc?don_vi={unit}"))
            .await;
        assert_eq!(down.status, StatusCode::OK);
        assert!(down.body.as_str().unwrap().contains("↑ Lên đơn vị trên"));
        let people = admin
            .get(&format!(
                "/bao-cao/mau/bm01-vien-chuc/danh-sach?don_vi={unit}&cot=total&ve={province}"
            ))
            .await;
        // Its way back leads to the form it was opened from.
        assert!(
            people.body.as_str().unwrap().contains(&format!(
                "href=\"/bao-cao/mau/bm01-vien-chuc?don_vi={province}\">← Về biểu báo cáo"
            )),
            "{}",
            db.label
        );
        assert_eq!(people.status, StatusCode::OK);
        assert!(
            people.body.as_str().unwrap().contains(&format!(
                "<strong id=\"so-nguoi\">{}</strong>",
                counts(row)[0]
            )),
            "{}",
            db.label
        );
        let file = admin
            .exchange_bytes(
                "GET",
                "/bao-cao/mau/bm01-vien-chuc/xuat?format=csv",
                "application/octet-stream",
                Vec::new(),
            )
            .await;
        assert_eq!(file.0, StatusCode::OK);
        let csv = String::from_utf8_lossy(&file.2).to_string();
        assert!(
            csv.contains("Chia theo hạng chức danh nghề nghiệp: Hạng I"),
            "{csv}"
        );

        // The same form as of a past day: the day field, the notice of how it is made, links
        // that keep the day, and people behind a figure counted that day.
        let today = hoso_store::testing::today();
        let day = (today - time::Duration::days(200)).to_string();
        let then = admin
            .get(&format!("/api/v1/report-forms/bm01-vien-chuc?as_of={day}"))
            .await;
        assert_eq!(then.status, StatusCode::OK, "{}", then.body);
        assert_eq!(then.body["on"], day.as_str());
        let page = admin
            .get(&format!("/bao-cao/mau/bm01-vien-chuc?ngay={day}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", db.label);
        let html = page.body.as_str().unwrap().to_string();
        assert!(
            html.contains(&format!(
                "placeholder=\"dd/mm/yyyy\" value=\"{}/{}/{}\"",
                &day[8..10],
                &day[5..7],
                &day[..4]
            )),
            "{html}"
        );
        assert!(
            html.contains("được dựng lại từ các phiên bản hồ sơ"),
            "{html}"
        );
        let then_total = counts(&then.body["total"]);
        assert!(
            html.contains(&format!(
                "<a href=\"/bao-cao/mau/bm01-vien-chuc/danh-sach?don_vi={province}&#38;cot=total&#38;ngay={day}&#38;ve={province}\">{}</a>",
                then_total[0]
            )),
            "{html}"
        );
        let people = admin
            .get(&format!(
                "/bao-cao/mau/bm01-vien-chuc/danh-sach?don_vi={province}&cot=total&ngay={day}"
            ))
            .await;
        assert_eq!(people.status, StatusCode::OK);
        assert!(
            people.body.as_str().unwrap().contains(&format!(
                "<strong id=\"so-nguoi\">{}</strong>",
                then_total[0]
            )),
            "{}",
            db.label
        );
        // A day to come is refused with a message, on the page and through the API.
        let ahead = (today + time::Duration::days(1)).to_string();
        let refused = admin
            .get(&format!(
                "/api/v1/report-forms/bm01-vien-chuc?as_of={ahead}"
            ))
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(
            refused.body.to_string().contains("sau hôm nay"),
            "{}",
            refused.body
        );
        let page = admin
            .get(&format!("/bao-cao/mau/bm01-vien-chuc?ngay={ahead}"))
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(page.body.as_str().unwrap().contains("sau hôm nay"));
    }
}

#[tokio::test]
async fn the_changes_form_counts_the_events_of_the_year_asked() {
    for db in databases().await {
        let app = demo_app(&db, 80).await;
        let admin = Client::login(&app, "admin").await;
        let people = everyone(&admin).await;
        let events = |p: &Person, kinds: &[&str], year: i32| -> bool {
            p.doc["personnel_events"].as_array().is_some_and(|rows| {
                rows.iter().any(|r| {
                    kinds.contains(&r["event_type"].as_str().unwrap_or_default())
                        && r["effective_date"]
                            .as_str()
                            .is_some_and(|d| d.starts_with(&format!("{year}-")))
                })
            })
        };
        // The year most people were recruited in, and the one before.
        let mut recruited_by_year: BTreeMap<i32, usize> = BTreeMap::new();
        for p in &people {
            for y in 1990..=2026 {
                if events(p, &["tuyen_dung"], y) {
                    *recruited_by_year.entry(y).or_default() += 1;
                }
            }
        }
        let (busiest, _) = recruited_by_year.iter().max_by_key(|(_, n)| **n).unwrap();
        for year in [*busiest, busiest - 1] {
            let r = admin
                .get(&format!("/api/v1/report-forms/tang-giam?year={year}"))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
            let expected: Vec<i64> = keys(&r.body)
                .iter()
                .map(|key| {
                    people
                        .iter()
                        .filter(|p| match key.as_str() {
                            "recruited" => events(p, &["tuyen_dung"], year),
                            "received" => events(p, &["tiep_nhan"], year),
                            "moved_in" => events(p, &["dieu_dong", "luan_chuyen"], year),
                            "retired" => events(p, &["nghi_huu"], year),
                            "resigned" => events(p, &["thoi_viec"], year),
                            "deceased" => p.status == "deceased" && events(p, &["khac"], year),
                            "working" => p.status == "working",
                            other => panic!("a column the test does not know: {other}"),
                        })
                        .count() as i64
                })
                .collect();
            assert_eq!(counts(&r.body["total"]), expected, "{}: {year}", db.label);
            if year == *busiest {
                assert!(expected[0] > 0, "{year}: someone was recruited");
            }
        }
    }
}

#[tokio::test]
async fn saved_searches_are_personal_or_shared_with_a_unit_and_never_widen_a_scope() {
    for db in databases().await {
        let app = demo_app(&db, 30).await;
        let mut conn = app.store().reader().await.unwrap();
        let root = hoso_store::org::roots(&mut conn).await.unwrap()[0].clone();
        let subtree = hoso_store::org::subtree(&mut conn, &root.path)
            .await
            .unwrap();
        drop(conn);
        // Two units with people (the demo gives those their accounts), neither under the other.
        let admin = Client::login(&app, "admin").await;
        let people = everyone(&admin).await;
        let unit_of = |id: i64| subtree.iter().find(|u| u.id == id).unwrap().clone();
        let unit = unit_of(people[0].unit_id);
        let other = people
            .iter()
            .map(|p| unit_of(p.unit_id))
            .find(|u| !u.path.starts_with(&unit.path) && !unit.path.starts_with(&u.path))
            .unwrap();
        let (hr, head) = demo_hr_and_head(&app, unit.id).await;
        let (other_hr, _) = demo_hr_and_head(&app, other.id).await;
        let officer = Client::login(&app, &hr).await;
        let head = Client::login(&app, &head).await;
        let stranger = Client::login(&app, &other_hr).await;

        let save = |name: &str, link: &str, unit: Option<i64>| serde_json::json!({"name": name, "link": link, "shared_unit_id": unit});
        let r = officer
            .post(
                "/api/v1/saved-searches",
                save("Của tôi", "/can-bo?q=tran", None),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", db.label, r.body);
        let mine = r.body["id"].as_i64().unwrap();
        let link = format!("/bao-cao/mau/bm01-cong-chuc?don_vi={}", unit.id);
        let r = officer
            .post(
                "/api/v1/saved-searches",
                save("BM01 của đơn vị", &link, Some(unit.id)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.body["shared_unit_name"], unit.name.as_str());
        let shared = r.body["id"].as_i64().unwrap();
        // Refusals: another unit (not found, before any check of the request), the same name,
        // an address that is not a list of this site, no name.
        for (body, status, words) in [
            (
                save("Lấn sang", "/can-bo", Some(other.id)),
                StatusCode::NOT_FOUND,
                "Không tìm thấy cơ quan",
            ),
            (
                save("Lấn sang", "https://example.com", Some(other.id)),
                StatusCode::NOT_FOUND,
                "Không tìm thấy cơ quan",
            ),
            (
                save("Của tôi", "/can-bo", None),
                StatusCode::CONFLICT,
                "Bạn đã lưu",
            ),
            (
                save("Lạ", "https://example.com/can-bo", None),
                StatusCode::BAD_REQUEST,
                "Chỉ lưu được",
            ),
            (
                save("Hồ sơ", "/ho-so/1", None),
                StatusCode::BAD_REQUEST,
                "Chỉ lưu được",
            ),
            (
                save(" ", "/can-bo", None),
                StatusCode::BAD_REQUEST,
                "Đặt tên",
            ),
        ] {
            let r = officer.post("/api/v1/saved-searches", body.clone()).await;
            assert_eq!(r.status, status, "{}: {body}: {}", db.label, r.body);
            assert!(r.error_message().contains(words), "{body}: {}", r.body);
        }
        let names = |r: &common::Reply| -> Vec<(String, bool)> {
            r.body
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (s["name"].as_str().unwrap().to_string(), s["mine"] == true))
                .collect()
        };
        let r = officer.get("/api/v1/saved-searches").await;
        assert_eq!(
            names(&r),
            [
                ("BM01 của đơn vị".to_string(), true),
                ("Của tôi".to_string(), true)
            ]
        );
        // The unit's head sees the shared one only; another unit's officer sees neither.
        let r = head.get("/api/v1/saved-searches").await;
        assert_eq!(
            names(&r),
            [("BM01 của đơn vị".to_string(), false)],
            "{}",
            db.label
        );
        let r = stranger.get("/api/v1/saved-searches").await;
        assert!(names(&r).is_empty(), "{}", r.body);
        // Opened by someone outside the unit, the shared address answers within their rights.
        let r = stranger
            .get(&format!(
                "/api/v1/report-forms/bm01-cong-chuc?unit={}",
                unit.id
            ))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Only its owner deletes it: the head is forbidden, a stranger finds nothing.
        let r = head
            .send_json(
                "DELETE",
                &format!("/api/v1/saved-searches/{shared}"),
                Value::Null,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        for id in [shared, mine] {
            let r = stranger
                .send_json(
                    "DELETE",
                    &format!("/api/v1/saved-searches/{id}"),
                    Value::Null,
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        }
        let r = officer
            .send_json(
                "DELETE",
                &format!("/api/v1/saved-searches/{shared}"),
                Value::Null,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let r = head.get("/api/v1/saved-searches").await;
        assert!(names(&r).is_empty());
        assert_eq!(audit_count(&admin, "saved_search.save").await, 2);
    }
}

#[tokio::test]
async fn the_public_employee_form_counts_every_cell_as_the_records_do() {
    let today = hoso_store::testing::today();
    let catalogs = Catalogs::embedded();
    let attribute = |code: &str, name: &str| -> Option<String> {
        catalogs
            .items("chuc_danh_nghe_nghiep")
            .iter()
            .find(|i| i.code == code)
            .and_then(|i| i.attrs.get(name).cloned())
    };
    let culture = [
        "Di sản văn hóa",
        "Mỹ thuật",
        "Nghệ thuật biểu diễn",
        "Thư viện",
        "Thể dục thể thao",
        "Văn hóa cơ sở",
        "Thông tin – báo chí, xuất bản",
    ];
    // The field of a person's title, as the form groups it, read here from the catalog.
    let field_of = |p: &Person| -> &'static str {
        let Some(field) = p
            .text("salary", "rank_or_title_code")
            .and_then(|c| attribute(c, "linh_vuc"))
        else {
            return "field_other";
        };
        if field.starts_with("Giáo dục") {
            "field_education"
        } else if field.starts_with("Y tế") {
            "field_health"
        } else if field == "Khoa học và công nghệ" {
            "field_science"
        } else if culture.contains(&field.as_str()) {
            "field_culture"
        } else {
            "field_other"
        }
    };
    for db in databases().await {
        let app = demo_app(&db, 120).await;
        let admin = Client::login(&app, "admin").await;
        let people = everyone(&admin).await;
        let counted: Vec<&Person> = people
            .iter()
            .filter(|p| {
                p.status == "working"
                    && p.text("identity", "personnel_category") == Some("public_employee")
            })
            .collect();
        assert!(counted.len() >= 10, "{}", db.label);
        let r = admin.get("/api/v1/report-forms/bm01-vien-chuc").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        fn qualification(p: &Person) -> Option<&str> {
            p.text("qualifications", "highest_qualification_level")
        }
        fn theory(p: &Person) -> Option<&str> {
            p.text("qualifications", "political_theory_level")
        }
        let grade = |p: &Person| {
            p.text("salary", "rank_or_title_code")
                .and_then(|c| attribute(c, "hang"))
        };
        let expected: Vec<i64> = keys(&r.body)
            .iter()
            .map(|key| {
                counted
                    .iter()
                    .filter(|p| match key.as_str() {
                        "total" => true,
                        k if k.starts_with("field_") => field_of(p) == k,
                        "grade_1" => grade(p).as_deref() == Some("I"),
                        "grade_2" => grade(p).as_deref() == Some("II"),
                        "grade_3" => grade(p).as_deref() == Some("III"),
                        "grade_4" => matches!(grade(p).as_deref(), Some("IV" | "V")),
                        "edu_doctor" => {
                            matches!(qualification(p), Some("tien_si" | "tien_si_khoa_hoc"))
                        }
                        "edu_master" => qualification(p) == Some("thac_si"),
                        "edu_university" => qualification(p) == Some("dai_hoc"),
                        "edu_other" => !matches!(
                            qualification(p),
                            Some("tien_si" | "tien_si_khoa_hoc" | "thac_si" | "dai_hoc")
                        ),
                        "llct_advanced" => matches!(
                            theory(p),
                            Some("cu_nhan" | "cao_cap" | "cao_cap_ly_luan_chinh_tri_hanh_chinh")
                        ),
                        "llct_intermediate" => theory(p) == Some("trung_cap"),
                        "age_under_30" => p.age(today).is_some_and(|a| a < 30),
                        "age_30_50" => p.age(today).is_some_and(|a| (30..=50).contains(&a)),
                        "age_51_60" => p.age(today).is_some_and(|a| (51..=60).contains(&a)),
                        "age_over_60" => p.age(today).is_some_and(|a| a > 60),
                        "party" => p.text("political", "party_admission_date").is_some(),
                        "female" => p.text("general", "gender") == Some("nu"),
                        "ethnic_minority" => p
                            .text("general", "ethnicity_code")
                            .is_some_and(|c| c != "01"),
                        other => panic!("a column the test does not know: {other}"),
                    })
                    .count() as i64
            })
            .collect();
        assert_eq!(counts(&r.body["total"]), expected, "{}", db.label);
        // The fields and the levels of training each cover everyone once.
        let sum = |prefix: &str| -> i64 {
            keys(&r.body)
                .iter()
                .zip(&expected)
                .filter(|(k, _)| k.starts_with(prefix))
                .map(|(_, n)| n)
                .sum()
        };
        assert_eq!(sum("field_"), expected[0]);
        assert_eq!(sum("edu_"), expected[0]);
    }
}

/// The report builder's age bands: five-year bands of the age counted here by hand from each
/// record's birth date, crossed with sex; the page draws them as a pyramid, and a band's figure
/// lists exactly its people. Years since another day band the same way.
#[tokio::test]
async fn age_bands_by_sex_make_a_pyramid_of_the_people_born_in_them() {
    let today = hoso_store::testing::today();
    // The bands written out here, not taken from hoso_domain.
    let band_of = |age: i32| match age {
        ..25 => "Dưới 25".to_string(),
        60.. => "Từ 60".to_string(),
        a => {
            let from = a - (a - 25) % 5;
            format!("{from}–{}", from + 4)
        }
    };
    for db in databases().await {
        let app = demo_app(&db, 40).await;
        let admin = Client::login(&app, "admin").await;
        let people = everyone(&admin).await;
        let mut expected: BTreeMap<(String, String), i64> = BTreeMap::new();
        for p in &people {
            let band = p.age(today).map(band_of).unwrap_or_default();
            let sex = p.text("general", "gender").unwrap_or_default().to_string();
            *expected.entry((band, sex)).or_default() += 1;
        }
        assert!(expected.len() >= 4, "{}: {expected:?}", db.label);

        let r = admin
            .post(
                "/api/v1/reports",
                serde_json::json!({"group_by": ["date_of_birth.age", "gender"], "measures": ["count"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        assert_eq!(r.body["columns"][0]["label"], "Nhóm tuổi");
        let rows = r.body["rows"].as_array().unwrap();
        let got: BTreeMap<(String, String), i64> = rows
            .iter()
            .map(|row| {
                (
                    (
                        row[0]["text"].as_str().unwrap().to_string(),
                        row[1]["value"].as_str().unwrap_or_default().to_string(),
                    ),
                    row[2]["value"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, expected, "{}", db.label);
        // Youngest first, the band's years beside its label.
        let firsts: Vec<&Value> = rows.iter().map(|row| &row[0]["value"]).collect();
        let mut sorted = firsts.clone();
        sorted.sort_by_key(|v| v["from"].as_i64().unwrap_or(-1));
        assert_eq!(firsts, sorted, "{}", db.label);

        // The page: a pyramid, and a band's total lists exactly the people of that band.
        let page = admin
            .get("/bao-cao?nhom=date_of_birth.age&nhom_cot=gender")
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", db.label);
        let html = page.body.as_str().unwrap();
        assert!(html.contains("id=\"bieu-do-thap\""), "{}", db.label);
        assert!(html.contains("(tháp tuổi)"), "{}", db.label);
        let (busiest, n) = expected
            .iter()
            .fold(BTreeMap::<&str, i64>::new(), |mut m, ((band, _), n)| {
                *m.entry(band.as_str()).or_default() += n;
                m
            })
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .unwrap();
        let drills: Vec<String> = html
            .split("href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(|h| h.replace("&amp;", "&").replace("&#38;", "&"))
            .filter(|h| h.starts_with("/bao-cao?") && h.contains("f_op=age_between"))
            .filter(|h| !h.contains("f_cot=gender"))
            .collect();
        let ages: Vec<&str> = busiest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .collect();
        let wanted = match (busiest.starts_with("Dưới"), busiest.starts_with("Từ")) {
            (true, _) => format!("f_gt=&f_den={}", ages[0].parse::<i64>().unwrap() - 1),
            (_, true) => format!("f_gt={}&f_den=", ages[0]),
            _ => format!("f_gt={}&f_den={}", ages[0], ages[1]),
        };
        let link = drills
            .iter()
            .find(|l| l.ends_with(&wanted) || l.contains(&format!("{wanted}&")))
            .unwrap_or_else(|| {
                panic!(
                    "{}: no link for {busiest} ({wanted}) in {drills:?}",
                    db.label
                )
            });
        let listing = admin.get(link).await;
        assert_eq!(listing.status, StatusCode::OK, "{link}");
        let listing = listing.body.as_str().unwrap();
        let start = listing.find("id=\"so-dong\">").unwrap() + "id=\"so-dong\">".len();
        let shown = &listing[start..start + listing[start..].find('<').unwrap()];
        assert_eq!(shown, n.to_string(), "{}: {busiest}", db.label);

        // Years since another day: bands of years of service, every one with a date counted.
        let r = admin
            .post(
                "/api/v1/reports",
                serde_json::json!({"group_by": ["first_recruitment_date.age"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let with_date = people
            .iter()
            .filter(|p| p.text("recruitment", "first_recruitment_date").is_some())
            .count() as i64;
        let counted: i64 = r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|row| !row[0]["value"].is_null())
            .inspect(|row| assert!(row[0]["text"].as_str().unwrap().ends_with(" năm"), "{row}"))
            .map(|row| row[1]["value"].as_i64().unwrap())
            .sum();
        assert_eq!(counted, with_date, "{}", db.label);

        // The home page's pyramid: the people at work in ten-year bands of completed years,
        // men on the left, women on the right, oldest on top.
        let decade = |age: i32| match age {
            ..30 => "Dưới 30".to_string(),
            60.. => "Từ 60".to_string(),
            a => format!("{}–{}", a - a % 10, a - a % 10 + 9),
        };
        let mut expected: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for p in people.iter().filter(|p| p.status == "working") {
            let Some(age) = p.age(today) else { continue };
            let band = expected.entry(decade(age)).or_default();
            match p.text("general", "gender") {
                Some("nam") => band.0 += 1,
                Some("nu") => band.1 += 1,
                _ => {}
            }
        }
        let home = admin.get("/").await;
        let html = home.body.as_str().unwrap();
        let table = html
            .split_once("<table class=\"pyramid\">")
            .and_then(|(_, rest)| rest.split_once("</table>"))
            .map(|(t, _)| t)
            .unwrap_or_else(|| panic!("{}: no pyramid on the home page", db.label));
        let cell = |row: &str, open: &str, close: &str| -> String {
            let start = row.find(open).unwrap() + open.len();
            row[start..start + row[start..].find(close).unwrap()].to_string()
        };
        let count = |text: String| text.replace('.', "").parse::<i64>().unwrap();
        let drawn: Vec<(String, (i64, i64))> = table
            .split("<tr>")
            .skip(2)
            .map(|row| {
                (
                    cell(row, "<th scope=\"row\">", "<"),
                    (
                        count(cell(row, "<td class=\"n\">", "<")),
                        count(cell(row, "<td class=\"n left\">", "<")),
                    ),
                )
            })
            .collect();
        let labels: Vec<&str> = drawn.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            ["Từ 60", "50–59", "40–49", "30–39", "Dưới 30"],
            "{}",
            db.label
        );
        for (label, figures) in &drawn {
            assert_eq!(
                figures,
                expected.get(label).unwrap_or(&(0, 0)),
                "{}: {label}",
                db.label
            );
        }
        assert!(
            drawn.iter().map(|(_, (m, w))| m + w).sum::<i64>() > 0,
            "{}",
            db.label
        );

        // Bands are for grouping dates: a filter or a text column gets a message.
        for (spec, says) in [
            (
                serde_json::json!({"filters": [{"column": "date_of_birth.age", "op": "eq", "value": 1}]}),
                "'.age' chỉ dùng khi nhóm",
            ),
            (
                serde_json::json!({"group_by": ["gender.age"]}),
                "không phải ngày tháng",
            ),
        ] {
            let r = admin.post("/api/v1/reports", spec.clone()).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{spec}");
            assert!(r.body.to_string().contains(says), "{spec}: {}", r.body);
        }
    }
}

/// The list with pay (BM03): a line for every working công chức the caller reads, each column
/// the field of the record document it names (the birth date under Nam or Nữ by sex), paged on
/// the API and the page, whole in the export; a figure's people make no sense for a list.
#[tokio::test]
async fn the_pay_list_shows_every_working_civil_servant_as_the_records_do() {
    for db in databases().await {
        let app = demo_app(&db, 30).await;
        let admin = Client::login(&app, "admin").await;
        let people = everyone(&admin).await;
        let expected: BTreeMap<i64, &Person> = people
            .iter()
            .filter(|p| is_working_civil_servant(p))
            .map(|p| (p.id, p))
            .collect();
        assert!(expected.len() >= 3, "{}", db.label);

        let r = admin
            .get("/api/v1/report-forms/bm03-tien-luong?per_page=500")
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        let list = &r.body["list"];
        assert_eq!(list["total"], expected.len() as i64, "{}", db.label);
        let keys: Vec<&str> = list["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["key"].as_str().unwrap())
            .collect();
        let at = |key: &str| keys.iter().position(|k| *k == key).unwrap();
        let mut seen = BTreeSet::new();
        for (n, row) in list["rows"].as_array().unwrap().iter().enumerate() {
            assert_eq!(row[0]["text"], (n + 1).to_string(), "STT");
            assert_eq!(row[0]["value"], n + 1, "STT");
            let id = r.body["people"][n].as_i64().unwrap();
            let p = expected.get(&id).unwrap_or_else(|| panic!("{id} listed"));
            seen.insert(id);
            let doc_text = |section: &str, field: &str| {
                p.text(section, field).map_or(Value::Null, Value::from)
            };
            let born = doc_text("general", "date_of_birth");
            let sex = p.text("general", "gender");
            assert_eq!(
                row[at("born_male")]["value"],
                if sex == Some("nam") {
                    born.clone()
                } else {
                    Value::Null
                },
                "{id}"
            );
            assert_eq!(
                row[at("born_female")]["value"],
                if sex == Some("nu") { born } else { Value::Null },
                "{id}"
            );
            assert_eq!(
                row[at("rank_code")]["text"].as_str().unwrap_or_default(),
                p.text("salary", "rank_or_title_code").unwrap_or_default(),
                "{id}"
            );
            assert_eq!(
                row[at("rank_since")]["value"],
                doc_text("salary", "rank_appointment_date"),
                "{id}"
            );
            assert_eq!(
                row[at("step")]["value"].as_i64(),
                p.doc["salary"]["salary_step"].as_i64(),
                "{id}"
            );
            for (key, field) in [
                ("coefficient", "salary_coefficient"),
                ("position_allowance", "position_allowance_coefficient"),
                ("beyond_scale", "beyond_scale_seniority_percent"),
            ] {
                let want = p.doc["salary"][field].as_f64();
                let got = row[at(key)]["value"].as_f64();
                assert!(
                    match (want, got) {
                        (Some(a), Some(b)) => (a - b).abs() < 0.005,
                        (a, b) => a == b,
                    },
                    "{id} {key}: {want:?} {got:?}"
                );
            }
            assert_eq!(row[at("note")]["text"], "", "a column to fill by hand");
        }
        assert_eq!(seen.len(), expected.len(), "{}", db.label);

        // Paged: the second page of two lines goes on numbering.
        let second = admin
            .get("/api/v1/report-forms/bm03-tien-luong?per_page=2&page=2")
            .await;
        assert_eq!(second.body["list"]["rows"][0][0]["text"], "3");

        // The page under the printed form's two header rows; the export with every line.
        let page = admin.get("/bao-cao/mau/bm03-tien-luong").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.body.as_str().unwrap();
        assert!(
            html.contains(&format!("id=\"so-nguoi\">{}<", expected.len())),
            "{}",
            db.label
        );
        assert!(html.contains("<th scope=\"colgroup\" colspan=\"3\">Mức lương hiện hưởng</th>"));
        assert!(html.contains("<th scope=\"col\" rowspan=\"2\">Họ và tên</th>"));
        let csv = admin
            .get("/bao-cao/mau/bm03-tien-luong/xuat?format=csv")
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let text = csv.body.as_str().unwrap();
        for p in expected.values().take(3) {
            let name = p.text("general", "birth_full_name").unwrap();
            assert!(text.contains(name), "{name} in {text}");
        }
        // STT numbers the lines 1, 2, 3… (not the records' ids).
        let numbers: Vec<i64> = text
            .lines()
            .filter_map(|l| l.split(',').next()?.parse().ok())
            .collect();
        assert_eq!(
            numbers,
            (1..=expected.len() as i64).collect::<Vec<_>>(),
            "{text}"
        );
        // A page past the end says so.
        let past = admin.get("/bao-cao/mau/bm03-tien-luong?page=99").await;
        assert!(
            past.body
                .as_str()
                .unwrap()
                .contains("Trang 99 không có dòng nào"),
            "{}",
            db.label
        );

        // A list has no figures whose people to show.
        let r = admin
            .get("/api/v1/report-forms/bm03-tien-luong/people?column=step")
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    }
}
