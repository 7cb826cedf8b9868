//! Repeating sections on sheets of their own, keyed by số định danh: the template's sheets,
//! records written into it and read back, and sheets as officers make them.

use hoso_domain::catalog::Catalogs;
use hoso_domain::schema::{RecordDoc, RecordSchema, SchemaSet};
use hoso_import::{Analysis, ImportError, Options, ParsedRow, analyze, files, is_importable};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{Value, json};

fn schema() -> &'static RecordSchema {
    SchemaSet::embedded().latest()
}

fn read(bytes: &[u8]) -> Result<Analysis, ImportError> {
    analyze(
        bytes,
        schema(),
        Catalogs::embedded_static(),
        &Options::default(),
    )
}

fn doc(value: Value) -> RecordDoc {
    serde_json::from_value(value).unwrap()
}

fn person<'a>(a: &'a Analysis, national_id: &str) -> &'a ParsedRow {
    a.rows
        .iter()
        .find(|r| r.national_id.as_deref() == Some(national_id))
        .unwrap_or_else(|| panic!("no row for {national_id}"))
}

/// What an import can bring back of a record: its importable fields, sections left empty
/// dropped (an empty sheet says nothing about a person).
fn importable_part(d: &RecordDoc) -> RecordDoc {
    let mut out = RecordDoc::new();
    for section in &schema().sections {
        let Some(value) = d.get(&section.id) else {
            continue;
        };
        let keep = |obj: &serde_json::Map<String, Value>| -> serde_json::Map<String, Value> {
            obj.iter()
                .filter(|(k, _)| section.field(k).is_some_and(is_importable))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        match value {
            Value::Array(rows) if !rows.is_empty() => {
                let rows: Vec<Value> = rows
                    .iter()
                    .filter_map(Value::as_object)
                    .map(|o| Value::Object(keep(o)))
                    .collect();
                out.insert(section.id.clone(), Value::Array(rows));
            }
            Value::Object(obj) if !keep(obj).is_empty() => {
                out.insert(section.id.clone(), Value::Object(keep(obj)));
            }
            _ => {}
        }
    }
    out
}

fn records() -> Vec<RecordDoc> {
    vec![
        doc(json!({
            "identity": {
                "personnel_category": "civil_servant",
                "personnel_number": "CB-0001",
                "managing_agency": 12,
            },
            "general": {
                "birth_full_name": "NGUYỄN VĂN ĐẠT",
                "gender": "nam",
                "date_of_birth": "1985-03-07",
                "citizen_id_number": "001085012345",
                "ethnicity_code": "01",
                "religion_code": "02",
                "hometown": {"detail": "Xã Tân Hưng, huyện Cái Nước, tỉnh Cà Mau"},
                "phone": "0912345678",
            },
            "salary": {
                "rank_or_title_code": "01.003",
                "salary_step": 3,
                "salary_coefficient": 3.0,
                "salary_effective_date": "2022-07-01",
            },
            "health": {"height_cm": 168, "weight_kg": 62.5, "blood_type": "O+"},
            "work_history": [
                {"from": "2008-09", "to": "2012-12", "unit": "UBND huyện Cái Nước", "title_or_position": "Chuyên viên"},
                {"from": "2013-01", "to": "2019-06", "unit": "Sở Nội vụ tỉnh Cà Mau", "title_or_position": "Chuyên viên chính"},
                {"from": "2019-07", "unit": "Văn phòng UBND tỉnh Cà Mau"},
            ],
            "professional_trainings": [
                {"from": "2003-09", "to": "2007-06", "institution": "Trường Đại học Cần Thơ", "major": "Luật học", "training_mode": "Chính quy", "degree_level": "dai_hoc"},
                {"from": "2014-10", "to": "2016-10", "institution": "Học viện Hành chính Quốc gia", "major": "Quản lý công", "degree_level": "thac_si"},
            ],
            "family_members": [
                {"side": "ban_than", "relationship": "cha", "full_name": "Nguyễn Văn Tư", "birth_year": 1955, "is_deceased": true,
                 "details": "Quê quán: Cà Mau\nNghề nghiệp: nông dân"},
                {"side": "ban_than", "relationship": "me", "full_name": "Lê Thị Năm", "birth_year": 1958, "occupation": "Nội trợ"},
            ],
            "salary_history": [],
        })),
        doc(json!({
            "identity": {"personnel_category": "public_employee"},
            "general": {
                "birth_full_name": "TRẦN THỊ THU HƯƠNG",
                "gender": "nu",
                "date_of_birth": "1990-01-01",
                "citizen_id_number": "079190000123",
                "ethnicity_code": "06",
                "current_address": {"detail": "Số 5, đường Lý Thường Kiệt, phường 7"},
            },
            "annual_achievements": [
                {"year": 2023, "performance_rating": "htxsnv", "emulation_title": "chien_si_thi_dua_co_so",
                 "award_forms": ["bang_khen", "ky_niem_chuong"], "decision_number": "123/QĐ-UBND",
                 "decision_date": "2024-01-15", "evaluation_score": 92.5},
                {"year": 2024, "performance_rating": "httnv", "emulation_title": "lao_dong_tien_tien"},
            ],
            "salary_history": [
                {"from": "2015-01", "to": "2018-12", "rank_or_title_code": "01.003", "salary_step": 1, "salary_coefficient": 2.34},
                {"from": "2019-01", "rank_or_title_code": "01.003", "salary_step": 2, "salary_coefficient": 2.67, "job_position_salary_amount": 8_500_000},
            ],
            "disciplinary_records": [
                {"from": "2020-03", "to": "2020-09", "discipline_system": "hanh_chinh", "main_violation": "Đi muộn nhiều lần"},
            ],
        })),
        doc(json!({
            "identity": {"personnel_category": "cadre"},
            "general": {
                "birth_full_name": "LÊ HOÀNG YẾN",
                "gender": "nu",
                "date_of_birth": "1978-11-05",
                "citizen_id_number": "038078001234",
            },
            "work_history": [],
            "family_members": [],
        })),
        doc(json!({
            "general": {
                "birth_full_name": "PHẠM QUỐC VIỆT",
                "gender": "nam",
                "date_of_birth": "1969-12-31",
                "citizen_id_number": "096069000777",
            },
            "allowance_history": [
                {"from": "2020-01", "allowance_type": "Phụ cấp công vụ", "percent": 25.0, "amount": 1_200_000},
            ],
            "language_trainings": [
                {"from": "2010-03", "to": "2010-09", "institution": "Trung tâm Ngoại ngữ Cà Mau", "language": "Tiếng Anh", "certificate": "B1", "score": "6,5"},
            ],
            "it_trainings": [
                {"from": "2011-03", "to": "2011-05", "institution": "Trung tâm Tin học", "certificate": "Ứng dụng CNTT cơ bản"},
            ],
        })),
    ]
}

#[test]
fn what_hoso_writes_in_its_template_imports_back_identically() {
    let docs = records();
    let bytes = files::filled(schema(), Catalogs::embedded_static(), &docs).unwrap();
    let a = read(&bytes).unwrap();
    assert_eq!(a.sheet, files::MAIN_SHEET);
    assert!(a.sheet_issues.is_empty(), "{:?}", a.sheet_issues);
    assert_eq!(a.unmatched().count(), 0);
    assert_eq!(a.rows.len(), docs.len());
    for original in &docs {
        let id = original["general"]["citizen_id_number"].as_str().unwrap();
        let back = person(&a, id);
        assert!(back.issues.is_empty(), "{id}: {:?}", back.issues);
        assert!(back.in_main_sheet);
        assert_eq!(
            Value::Object(back.doc.clone().into_iter().collect()),
            Value::Object(importable_part(original).into_iter().collect()),
            "{id}"
        );
    }
    // Every repeating section has its sheet, read as that section.
    let read_as: Vec<&str> = a
        .section_sheets
        .iter()
        .map(|s| s.section.as_str())
        .collect();
    let repeating: Vec<&str> = schema()
        .sections
        .iter()
        .filter(|s| s.repeating)
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(read_as, repeating);
    // A value of a section row is traced to its sheet, row and column.
    let first = person(&a, "001085012345");
    let source = &first.sources["work_history[1].unit"];
    assert_eq!(source.sheet, "Tóm tắt quá trình công tác");
    assert_eq!(source.row, 3);
    assert_eq!(source.letter, "D");
    let issue = first.issue_at("work_history[1].unit", "Sai".into());
    assert_eq!(
        (issue.sheet.as_str(), issue.row),
        ("Tóm tắt quá trình công tác", 3)
    );
}
