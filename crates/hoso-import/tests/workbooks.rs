//! Messy workbooks as HR officers keep them, generated here with rust_xlsxwriter, read back.

use hoso_domain::catalog::Catalogs;
use hoso_domain::schema::{RecordSchema, SchemaSet};
use hoso_import::legacy::{to_tcvn3, to_vni};
use hoso_import::{Analysis, Encoding, ImportError, Options, Target, analyze};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
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

fn value<'a>(a: &'a Analysis, row: u32, section: &str, field: &str) -> Option<&'a Value> {
    a.rows
        .iter()
        .find(|r| r.row == row)?
        .doc
        .get(section)?
        .get(field)
}

/// The list of the issue: title rows, a two-row header with Nam/Nữ birth dates and a merged
/// "Ngạch công chức", a row of column numbers, three people, signatures.
fn messy_list(encode: impl Fn(&str) -> String) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws: &mut Worksheet = wb.add_worksheet();
    let e = |s: &str| encode(s);
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let center = Format::new();
    ws.write_string(0, 0, e("UBND TỈNH CÀ MAU")).unwrap();
    ws.write_string(1, 0, e("DANH SÁCH TRÍCH NGANG CÁN BỘ, CÔNG CHỨC"))
        .unwrap();
    ws.write_string(2, 0, "(Có đến ngày 01/06/2026)").unwrap();
    // Row 5 and 6 (Excel numbering): the header block.
    ws.merge_range(4, 0, 5, 0, "STT", &center).unwrap();
    ws.merge_range(4, 1, 5, 1, &e("Họ và tên"), &center)
        .unwrap();
    ws.merge_range(4, 2, 4, 3, &e("Ngày, tháng, năm sinh"), &center)
        .unwrap();
    ws.write_string(5, 2, "Nam").unwrap();
    ws.write_string(5, 3, e("Nữ")).unwrap();
    ws.merge_range(4, 4, 5, 4, &e("Số định danh"), &center)
        .unwrap();
    ws.merge_range(4, 5, 5, 5, &e("Dân tộc"), &center).unwrap();
    ws.merge_range(4, 6, 4, 8, &e("Ngạch công chức"), &center)
        .unwrap();
    ws.write_string(5, 6, e("Mã ngạch")).unwrap();
    ws.write_string(5, 7, e("Bậc")).unwrap();
    ws.write_string(5, 8, e("Hệ số")).unwrap();
    ws.merge_range(4, 9, 5, 9, &e("Sở thích riêng"), &center)
        .unwrap();
    for j in 0..10u16 {
        ws.write_string(6, j, format!("({})", j + 1)).unwrap();
    }
    // Row 8: a real date in the Nam column, the số định danh as a number (zeros lost).
    ws.write_number(7, 0, 1).unwrap();
    ws.write_string(7, 1, e("Nguyễn Văn Đạt")).unwrap();
    ws.write_datetime_with_format(7, 2, ExcelDateTime::from_ymd(1985, 3, 7).unwrap(), &date)
        .unwrap();
    ws.write_number(7, 4, 1_085_012_345.0).unwrap();
    ws.write_string(7, 5, "kinh").unwrap();
    ws.write_string(7, 6, "01.003").unwrap();
    ws.write_number(7, 7, 3).unwrap();
    ws.write_number(7, 8, 3.0).unwrap();
    ws.write_string(7, 9, e("Câu cá")).unwrap();
    // Row 9: a serial in a General cell in the Nữ column, the id with spaces.
    ws.write_number(8, 0, 2).unwrap();
    ws.write_string(8, 1, e("Trần Thị Thu Hương")).unwrap();
    ws.write_number(8, 3, 32_874.0).unwrap(); // 01/01/1990
    ws.write_string(8, 4, "079 190 000 123").unwrap();
    ws.write_string(8, 5, e("Mường")).unwrap();
    ws.write_string(8, 6, e("Chuyên viên chính")).unwrap();
    ws.write_string(8, 8, "4,4").unwrap();
    // Row 10: a text date d.m.yyyy in the Nam column.
    ws.write_number(9, 0, 3).unwrap();
    ws.write_string(9, 1, e("Lê Hoàng Yến")).unwrap();
    ws.write_string(9, 2, "5.11.1978").unwrap();
    ws.write_string(9, 4, "038078001234").unwrap();
    ws.write_string(9, 5, "KINH ").unwrap();
    // Signatures.
    ws.write_string(11, 1, e("Người lập biểu")).unwrap();
    ws.write_string(11, 6, e("THỦ TRƯỞNG ĐƠN VỊ")).unwrap();
    ws.write_string(12, 6, e("(Ký, ghi rõ họ tên, đóng dấu)"))
        .unwrap();
    ws.write_string(15, 1, e("Phạm Quốc Việt")).unwrap();
    wb.save_to_buffer().unwrap()
}

fn check_messy_list(a: &Analysis) {
    assert_eq!(a.layout.header_rows, vec![5, 6]);
    assert_eq!(a.layout.numbering_row, Some(7));
    let rows: Vec<u32> = a.rows.iter().map(|r| r.row).collect();
    assert_eq!(
        rows,
        vec![8, 9, 10],
        "signatures below the table are not data"
    );
    for r in &a.rows {
        assert!(r.issues.is_empty(), "{:?}", r.issues);
    }
    assert_eq!(
        value(a, 8, "general", "birth_full_name"),
        Some(&json!("Nguyễn Văn Đạt"))
    );
    assert_eq!(
        value(a, 8, "general", "date_of_birth"),
        Some(&json!("1985-03-07"))
    );
    assert_eq!(value(a, 8, "general", "gender"), Some(&json!("nam")));
    assert_eq!(
        value(a, 8, "general", "citizen_id_number"),
        Some(&json!("001085012345"))
    );
    assert_eq!(value(a, 8, "general", "ethnicity_code"), Some(&json!("01")));
    assert_eq!(
        value(a, 8, "salary", "rank_or_title_code"),
        Some(&json!("01.003"))
    );
    assert_eq!(value(a, 8, "salary", "salary_step"), Some(&json!(3)));
    assert_eq!(
        value(a, 9, "general", "date_of_birth"),
        Some(&json!("1990-01-01"))
    );
    assert_eq!(value(a, 9, "general", "gender"), Some(&json!("nu")));
    assert_eq!(
        value(a, 9, "general", "citizen_id_number"),
        Some(&json!("079190000123"))
    );
    assert_eq!(value(a, 9, "general", "ethnicity_code"), Some(&json!("06")));
    assert_eq!(
        value(a, 9, "salary", "rank_or_title_code"),
        Some(&json!("01.002"))
    );
    assert_eq!(
        value(a, 9, "salary", "salary_coefficient"),
        Some(&json!(4.4))
    );
    assert_eq!(
        value(a, 10, "general", "date_of_birth"),
        Some(&json!("1978-11-05"))
    );
    assert_eq!(
        value(a, 10, "general", "ethnicity_code"),
        Some(&json!("01"))
    );
    // The STT column is left out on purpose; the hobby column is for the user to map or ignore.
    let stt = a.layout.columns.iter().find(|c| c.letter == "A").unwrap();
    assert_eq!(stt.target, Some(Target::Ignore));
    let unmatched: Vec<&str> = a.unmatched().map(|c| c.header.as_str()).collect();
    assert_eq!(unmatched, vec!["Sở thích riêng"]);
    let code = a.layout.columns.iter().find(|c| c.letter == "G").unwrap();
    assert_eq!(code.header, "Ngạch công chức / Mã ngạch");
}

#[test]
fn a_messy_list_in_unicode() {
    let a = read(&messy_list(str::to_string)).unwrap();
    assert_eq!(a.encoding, None);
    check_messy_list(&a);
}

#[test]
fn a_messy_list_typed_in_tcvn3() {
    // .VnTime cannot write a capital with a tone: such titles are typed lower-case in
    // .VnTimeH, which draws capitals.
    let a = read(&messy_list(|s| {
        to_tcvn3(s).unwrap_or_else(|| to_tcvn3(&s.to_lowercase()).unwrap())
    }))
    .unwrap();
    assert_eq!(a.encoding, Some(Encoding::Tcvn3));
    check_messy_list(&a);
}

#[test]
fn a_messy_list_typed_in_vni() {
    let a = read(&messy_list(|s| to_vni(s).unwrap())).unwrap();
    assert_eq!(a.encoding, Some(Encoding::Vni));
    check_messy_list(&a);
}

#[test]
fn wrong_values_missing_ids_and_duplicates_are_reported_by_row_and_column() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (j, h) in ["Họ và tên", "Ngày sinh", "Số CCCD", "Dân tộc", "Giới tính"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    let rows: [[&str; 5]; 4] = [
        ["Nguyễn Văn A", "31/02/1980", "001080000001", "Kinh", "Nam"],
        [
            "Nguyễn Văn B",
            "01/02/1980",
            "001080000002",
            "Klingon",
            "Nam",
        ],
        ["Nguyễn Văn C", "01/02/1980", "", "Kinh", "Nam"],
        ["Nguyễn Văn D", "01/02/1980", "001080000001", "Kinh", "Nam"],
    ];
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(i as u32 + 1, j as u16, *v).unwrap();
            }
        }
    }
    let a = read(&wb.save_to_buffer().unwrap()).unwrap();
    let issues: Vec<_> = a.issues().collect();
    let at = |row: u32| {
        issues
            .iter()
            .filter(move |i| i.row == row)
            .collect::<Vec<_>>()
    };
    let r2 = at(2);
    assert!(
        r2.iter().any(|i| i.letter == "B"
            && i.column == "Ngày sinh"
            && i.value == "31/02/1980"
            && i.message.contains("không tồn tại")),
        "{r2:?}"
    );
    assert!(
        r2.iter().any(|i| i.message.contains("trùng với dòng 5")),
        "{r2:?}"
    );
    assert!(
        at(3)
            .iter()
            .any(|i| i.letter == "D" && i.message.contains("Klingon"))
    );
    assert!(
        at(4)
            .iter()
            .any(|i| i.message.contains("Thiếu số định danh"))
    );
    assert!(at(5).iter().any(|i| i.message.contains("trùng với dòng 2")));
}

#[test]
fn hidden_sheets_are_passed_over_and_named_when_they_hold_the_table() {
    let mut wb = Workbook::new();
    let hidden = wb.add_worksheet().set_name("Ẩn").unwrap();
    hidden.write_string(0, 0, "Họ và tên").unwrap();
    hidden.write_string(0, 1, "Số định danh").unwrap();
    hidden.write_string(1, 0, "Nguyễn Văn A").unwrap();
    hidden.write_string(1, 1, "001080000001").unwrap();
    hidden.set_hidden(true);
    let visible = wb.add_worksheet().set_name("Ghi chú").unwrap();
    visible
        .write_string(0, 0, "Tệp này chỉ có ghi chú")
        .unwrap();
    visible.set_active(true);
    let bytes = wb.save_to_buffer().unwrap();
    let err = read(&bytes).unwrap_err();
    assert!(err.to_string().contains("trang đang ẩn"), "{err}");
    let chosen = Options {
        sheet: Some("Ẩn".into()),
        ..Options::default()
    };
    let a = analyze(&bytes, schema(), Catalogs::embedded_static(), &chosen).unwrap();
    assert_eq!(a.rows.len(), 1);
    assert!(a.sheets.iter().any(|s| s.hidden));
    let missing = Options {
        sheet: Some("Không có".into()),
        ..Options::default()
    };
    assert_eq!(
        analyze(&bytes, schema(), Catalogs::embedded_static(), &missing).unwrap_err(),
        ImportError::NoSuchSheet("Không có".into())
    );
}

#[test]
fn a_column_mapped_by_hand_and_one_ignored() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (j, h) in ["Họ và tên", "Số định danh", "Quê", "Điện thoại di động"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    for (j, v) in ["Nguyễn Văn A", "001080000001", "Cà Mau", "0912345678"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, j as u16, *v).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let a = read(&bytes).unwrap();
    assert_eq!(a.unmatched().count(), 2);
    let mut options = Options::default();
    options.overrides.insert(
        2,
        Target::Field {
            section: "general".into(),
            field: "hometown".into(),
        },
    );
    options.overrides.insert(3, Target::Ignore);
    let a = analyze(&bytes, schema(), Catalogs::embedded_static(), &options).unwrap();
    assert_eq!(a.unmatched().count(), 0);
    assert_eq!(
        value(&a, 2, "general", "hometown"),
        Some(&json!({"province_code": "96"})),
        "a province by name is the province"
    );
    assert_eq!(value(&a, 2, "general", "phone"), None);
}

#[test]
fn bad_workbooks_get_a_vietnamese_reason() {
    // No table at all.
    let mut wb = Workbook::new();
    wb.add_worksheet().write_string(0, 0, "Xin chào").unwrap();
    let err = read(&wb.save_to_buffer().unwrap()).unwrap_err();
    assert!(matches!(err, ImportError::NoHeader { .. }), "{err}");
    // An empty workbook.
    let mut wb = Workbook::new();
    wb.add_worksheet();
    assert_eq!(
        read(&wb.save_to_buffer().unwrap()).unwrap_err(),
        ImportError::Empty
    );
    // 1,000 columns.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for j in 0..1000u16 {
        ws.write_string(0, j, format!("Cột {j}")).unwrap();
    }
    let err = read(&wb.save_to_buffer().unwrap()).unwrap_err();
    assert!(err.to_string().contains("1000 cột"), "{err}");
    // A formula whose value Excel never computed: read as its cached value; an error value
    // left by a formula is reported on its row.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Họ và tên").unwrap();
    ws.write_string(0, 1, "Số định danh").unwrap();
    ws.write_string(0, 2, "Hệ số lương").unwrap();
    ws.write_string(1, 0, "Nguyễn Văn A").unwrap();
    ws.write_string(1, 1, "001080000001").unwrap();
    ws.write_formula(
        1,
        2,
        rust_xlsxwriter::Formula::new("=1/0").set_result("#DIV/0!"),
    )
    .unwrap();
    let a = read(&wb.save_to_buffer().unwrap()).unwrap();
    let issues: Vec<_> = a.issues().collect();
    assert!(
        issues
            .iter()
            .any(|i| i.letter == "C" && i.message.contains("công thức")),
        "{issues:?}"
    );
}

#[test]
fn every_import_synonym_names_one_field() {
    let index = hoso_import::FieldIndex::new(schema());
    for section in schema().sections.iter().filter(|s| !s.repeating) {
        for field in section.fields.iter().filter(|f| !f.system) {
            for name in field.import_synonyms.iter().chain(field.short_label.iter()) {
                assert_eq!(
                    index.lookup(name),
                    Some(Target::Field {
                        section: section.id.clone(),
                        field: field.id.clone()
                    }),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn the_template_imports_back_identically() {
    let bytes = hoso_import::files::template(schema(), Catalogs::embedded_static()).unwrap();
    // Its headers are every importable field, each recognised.
    let empty = read(&bytes);
    assert!(
        matches!(empty, Err(ImportError::NoHeader { .. }))
            || empty.as_ref().is_ok_and(|a| a.rows.is_empty())
    );
    // Filled the way an officer does (the header row kept), it reads back field for field.
    let wb_in = hoso_import::read_workbook(&bytes, &hoso_import::Limits::default()).unwrap();
    let headers: Vec<String> = wb_in.sheets[0].rows[0].iter().map(|c| c.text()).collect();
    assert!(
        wb_in.sheets.iter().any(|s| s.hidden),
        "the lists sit on a hidden sheet"
    );
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let mut expected = Vec::new();
    for (j, h) in headers.iter().enumerate() {
        ws.write_string(0, j as u16, h).unwrap();
        let value = match h.as_str() {
            "Họ và tên khai sinh (viết chữ in hoa)" => Some((
                "general",
                "birth_full_name",
                "NGUYỄN VĂN ĐẠT",
                json!("NGUYỄN VĂN ĐẠT"),
            )),
            "Giới tính" => Some(("general", "gender", "Nam", json!("nam"))),
            "Ngày sinh" => Some((
                "general",
                "date_of_birth",
                "07/03/1985",
                json!("1985-03-07"),
            )),
            "Số CCCD" => Some((
                "general",
                "citizen_id_number",
                "001085012345",
                json!("001085012345"),
            )),
            "Dân tộc" => Some(("general", "ethnicity_code", "Kinh", json!("01"))),
            "Đối tượng" => Some((
                "identity",
                "personnel_category",
                "Công chức",
                json!("civil_servant"),
            )),
            _ => None,
        };
        if let Some((s, f, shown, v)) = value {
            ws.write_string(1, j as u16, shown).unwrap();
            expected.push((s, f, v));
        }
    }
    assert_eq!(expected.len(), 6, "{headers:?}");
    let a = read(&wb.save_to_buffer().unwrap()).unwrap();
    assert_eq!(
        a.unmatched().count(),
        0,
        "{:?}",
        a.unmatched().collect::<Vec<_>>()
    );
    for (s, f, v) in expected {
        assert_eq!(value(&a, 2, s, f), Some(&v), "{s}.{f}");
    }
}

#[test]
fn the_errors_go_back_in_a_column_of_the_same_sheet() {
    let bytes = messy_list(str::to_string);
    let a = read(&bytes).unwrap();
    let issues = vec![hoso_import::RowIssue {
        sheet: a.sheet.clone(),
        row: 9,
        column: "Số định danh".into(),
        letter: "E".into(),
        value: "079 190 000 123".into(),
        message: "Sai".into(),
    }];
    let out = hoso_import::files::annotated(
        &bytes,
        &[(a.sheet.clone(), a.layout.header_rows[0])],
        &issues,
    )
    .unwrap();
    let back = hoso_import::read_workbook(&out, &hoso_import::Limits::default()).unwrap();
    let sheet = &back.sheets[0];
    assert_eq!(sheet.cell(4, 10).text(), "Lỗi");
    assert_eq!(sheet.cell(8, 10).text(), "Cột E: Sai");
    // Uploaded again, it reads as before (the error column is left unmapped).
    let again = read(&out).unwrap();
    assert_eq!(again.rows.len(), 3);
    assert_eq!(
        value(&again, 8, "general", "date_of_birth"),
        Some(&json!("1985-03-07"))
    );
}
