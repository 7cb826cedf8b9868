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
                "hometown": {"commune": "Xã Tân Hưng, huyện Cái Nước", "province_code": "96"},
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

#[test]
fn the_template_has_a_sheet_per_repeating_section() {
    let bytes = files::template(schema(), Catalogs::embedded_static()).unwrap();
    let wb = hoso_import::read_workbook(&bytes, &hoso_import::Limits::default()).unwrap();
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.first(), Some(&files::MAIN_SHEET));
    assert_eq!(names.last(), Some(&files::LISTS_SHEET));
    assert!(wb.sheets.last().unwrap().hidden);
    for section in schema().sections.iter().filter(|s| s.repeating) {
        let name = files::sheet_name(&section.label, &[]);
        let sheet = wb
            .sheets
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no sheet {name}"));
        assert!(name.chars().count() <= 31);
        let headers: Vec<String> = sheet.rows[0].iter().map(|c| c.text()).collect();
        let mut want = vec![files::NATIONAL_ID_HEADER.to_string()];
        want.extend(
            section
                .fields
                .iter()
                .filter(|f| is_importable(f))
                .map(|f| f.label.clone()),
        );
        assert_eq!(headers, want, "{name}");
    }
    // Empty, it reads as no one, every section sheet recognised.
    let a = read(&bytes).unwrap();
    assert!(a.rows.is_empty());
    assert!(a.sheet_issues.is_empty(), "{:?}", a.sheet_issues);
    assert_eq!(
        a.section_sheets.len(),
        schema().sections.iter().filter(|s| s.repeating).count()
    );
}

/// A list of people and, on further sheets, their work history and family as an officer
/// types them: titles above, headers in their own words, people missing from the list, rows
/// with no or a wrong số định danh; a notes sheet; sheets that cannot be read.
fn officer_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let main = wb.add_worksheet().set_name("Danh sách").unwrap();
    main.write_string(0, 0, "DANH SÁCH CÁN BỘ").unwrap();
    for (j, h) in ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh"]
        .iter()
        .enumerate()
    {
        main.write_string(2, j as u16, *h).unwrap();
    }
    let people = [
        ("Nguyễn Văn A", (1980, 2, 1), "Nam", "001080000001"),
        ("Trần Thị B", (1985, 5, 20), "Nữ", "001085000002"),
    ];
    for (i, (name, (y, m, d), sex, id)) in people.iter().enumerate() {
        let r = 3 + i as u32;
        main.write_number(r, 0, i as f64 + 1.0).unwrap();
        main.write_string(r, 1, *name).unwrap();
        main.write_datetime_with_format(r, 2, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date)
            .unwrap();
        main.write_string(r, 3, *sex).unwrap();
        main.write_string(r, 4, *id).unwrap();
    }

    let work = wb.add_worksheet().set_name("Quá trình công tác").unwrap();
    work.write_string(0, 0, "QUÁ TRÌNH CÔNG TÁC").unwrap();
    for (j, h) in [
        "Số định danh",
        "Từ tháng năm",
        "Đến tháng năm",
        "Đơn vị công tác",
        "Chức danh/chức vụ",
    ]
    .iter()
    .enumerate()
    {
        work.write_string(1, j as u16, *h).unwrap();
    }
    let rows: [[&str; 5]; 6] = [
        [
            "001080000001",
            "09/2002",
            "12/2010",
            "UBND xã Tân Hưng",
            "Công chức",
        ],
        [
            "001080000001",
            "01/2011",
            "",
            "UBND huyện Cái Nước",
            "Chuyên viên",
        ],
        // Not in the list: a record already held.
        ["096069000777", "03/1990", "", "Sở Tài chính", "Kế toán"],
        ["", "01/2000", "", "Đơn vị không rõ của ai", ""],
        ["12345", "01/2001", "", "Số sai", ""],
        ["001085000002", "13/2009", "", "Trường THCS", "Giáo viên"],
    ];
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            if !v.is_empty() {
                work.write_string(i as u32 + 2, j as u16, *v).unwrap();
            }
        }
    }

    let family = wb.add_worksheet().set_name("Gia đình").unwrap();
    for (j, h) in [
        "Số CCCD",
        "Mối quan hệ",
        "Họ và tên",
        "Năm sinh",
        "Nghề nghiệp",
    ]
    .iter()
    .enumerate()
    {
        family.write_string(0, j as u16, *h).unwrap();
    }
    for (i, (id, rel, name, year, job)) in [
        ("001085000002", "Chồng", "Lê Văn C", 1983.0, "Kỹ sư"),
        ("096069000777", "Con", "Phạm Thị D", 2001.0, "Sinh viên"),
    ]
    .iter()
    .enumerate()
    {
        let r = i as u32 + 1;
        family.write_string(r, 0, *id).unwrap();
        family.write_string(r, 1, *rel).unwrap();
        family.write_string(r, 2, *name).unwrap();
        family.write_number(r, 3, *year).unwrap();
        family.write_string(r, 4, *job).unwrap();
    }

    let notes = wb.add_worksheet().set_name("Ghi chú").unwrap();
    notes
        .write_string(0, 0, "Danh sách do phòng Tổ chức lập ngày 01/06/2026.")
        .unwrap();
    wb.add_worksheet().set_name("Trống").unwrap();

    // The columns of three training sections at once, under a name that tells none.
    let training = wb.add_worksheet().set_name("Sheet6").unwrap();
    for (j, h) in [
        "Số định danh",
        "Từ",
        "Đến",
        "Tên cơ sở đào tạo",
        "Chứng chỉ được cấp",
    ]
    .iter()
    .enumerate()
    {
        training.write_string(0, j as u16, *h).unwrap();
    }
    training.write_string(1, 0, "001080000001").unwrap();
    training
        .write_string(1, 3, "Trường Chính trị tỉnh")
        .unwrap();

    // Salary history without saying whose.
    let salary = wb.add_worksheet().set_name("Quá trình lương").unwrap();
    for (j, h) in [
        "Từ",
        "Đến",
        "Mã số ngạch/chức danh nghề nghiệp",
        "Bậc lương",
        "Hệ số lương",
    ]
    .iter()
    .enumerate()
    {
        salary.write_string(0, j as u16, *h).unwrap();
    }
    salary.write_string(1, 0, "01/2015").unwrap();

    // A second list of people.
    let other = wb.add_worksheet().set_name("Danh sách 2").unwrap();
    for (j, h) in ["Họ và tên", "Ngày sinh", "Số định danh", "Dân tộc"]
        .iter()
        .enumerate()
    {
        other.write_string(0, j as u16, *h).unwrap();
    }
    other.write_string(1, 0, "Võ Văn E").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn section_sheets_as_officers_make_them() {
    let a = read(&officer_workbook()).unwrap();
    assert_eq!(a.sheet, "Danh sách");
    let read_as: Vec<(&str, &str)> = a
        .section_sheets
        .iter()
        .map(|s| (s.sheet.as_str(), s.section.as_str()))
        .collect();
    assert_eq!(
        read_as,
        vec![
            ("Quá trình công tác", "work_history"),
            ("Gia đình", "family_members")
        ]
    );
    // The notes and the empty sheet are not data; the others are named with what to do.
    let unread: Vec<&str> = a.sheet_issues.iter().map(|s| s.sheet.as_str()).collect();
    assert_eq!(unread, vec!["Sheet6", "Quá trình lương", "Danh sách 2"]);
    let why = |sheet: &str| {
        &a.sheet_issues
            .iter()
            .find(|s| s.sheet == sheet)
            .unwrap()
            .message
    };
    assert!(why("Sheet6").contains("nhiều mục"), "{}", why("Sheet6"));
    assert!(why("Sheet6").contains("Tin học"), "{}", why("Sheet6"));
    assert!(
        why("Quá trình lương").contains("không có cột \"Số định danh\""),
        "{}",
        why("Quá trình lương")
    );
    assert!(why("Danh sách 2").contains("chỉ nhập một danh sách"));

    let first = person(&a, "001080000001");
    assert!(first.in_main_sheet);
    assert!(first.issues.is_empty(), "{:?}", first.issues);
    assert_eq!(
        first.doc["work_history"],
        json!([
            {"from": "2002-09", "to": "2010-12", "unit": "UBND xã Tân Hưng", "title_or_position": "Công chức"},
            {"from": "2011-01", "unit": "UBND huyện Cái Nước", "title_or_position": "Chuyên viên"},
        ])
    );
    assert_eq!(first.doc["general"]["date_of_birth"], json!("1980-02-01"));

    // A wrong month on a section sheet refuses the person, naming the sheet and row.
    let second = person(&a, "001085000002");
    assert!(
        second.issues.iter().any(|i| i.sheet == "Quá trình công tác"
            && i.row == 8
            && i.letter == "B"
            && i.message.contains("tháng 13")),
        "{:?}",
        second.issues
    );
    assert_eq!(
        second.doc["family_members"],
        json!([{"relationship": "chong", "full_name": "Lê Văn C", "birth_year": 1983, "occupation": "Kỹ sư"}])
    );

    // Someone only on section sheets: their rows, for the record already held.
    let held = person(&a, "096069000777");
    assert!(!held.in_main_sheet);
    assert_eq!((held.sheet.as_str(), held.row), ("Quá trình công tác", 5));
    assert_eq!(held.doc["work_history"].as_array().unwrap().len(), 1);
    assert_eq!(
        held.doc["family_members"][0]["full_name"],
        json!("Phạm Thị D")
    );
    assert_eq!(
        held.sources["family_members[0].full_name"].sheet,
        "Gia đình"
    );

    // Rows saying nobody's: each refused on its sheet.
    let nobody: Vec<&ParsedRow> = a.rows.iter().filter(|r| r.national_id.is_none()).collect();
    assert_eq!(nobody.len(), 2);
    assert!(
        nobody
            .iter()
            .all(|r| !r.in_main_sheet && r.sheet == "Quá trình công tác")
    );
    assert!(nobody[0].issues[0].message.contains("Thiếu số định danh"));
    assert_eq!(nobody[0].issues[0].row, 6);
    assert!(nobody[1].issues[0].message.contains("12 chữ số"));
    assert_eq!(a.rows.len(), 5);
}

#[test]
fn a_section_sheet_typed_in_tcvn3_reads_like_the_main_sheet() {
    use hoso_import::legacy::to_tcvn3;
    let e = |s: &str| to_tcvn3(s).unwrap();
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let main = wb.add_worksheet().set_name("DS").unwrap();
    for (j, h) in ["Họ và tên", "Ngày sinh", "Số định danh"]
        .iter()
        .enumerate()
    {
        main.write_string(0, j as u16, e(h)).unwrap();
    }
    main.write_string(1, 0, e("Nguyễn Văn Đạt")).unwrap();
    main.write_datetime_with_format(1, 1, ExcelDateTime::from_ymd(1985, 3, 7).unwrap(), &date)
        .unwrap();
    main.write_string(1, 2, "001085012345").unwrap();
    let family = wb.add_worksheet().set_name("Quan hệ gia đình").unwrap();
    for (j, h) in [
        "Số định danh",
        "Mối quan hệ",
        "Họ và tên",
        "Năm sinh",
        "Quê quán",
    ]
    .iter()
    .enumerate()
    {
        family.write_string(0, j as u16, e(h)).unwrap();
    }
    family.write_string(1, 0, "001085012345").unwrap();
    family.write_string(1, 1, e("Chồng")).unwrap();
    family.write_string(1, 2, e("Lê Thị Thu Hường")).unwrap();
    family.write_string(1, 3, "1984").unwrap();
    family.write_string(1, 4, e("Xã Tân Hưng, Cà Mau")).unwrap();
    let a = read(&wb.save_to_buffer().unwrap()).unwrap();
    assert_eq!(a.encoding, Some(hoso_import::Encoding::Tcvn3));
    let p = person(&a, "001085012345");
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    assert_eq!(p.doc["general"]["birth_full_name"], json!("Nguyễn Văn Đạt"));
    assert_eq!(
        p.doc["family_members"],
        json!([{
            "relationship": "chong",
            "full_name": "Lê Thị Thu Hường",
            "birth_year": 1984,
            "hometown": "Xã Tân Hưng, Cà Mau",
        }])
    );
}
