//! Files as they really come: rows hidden, cells merged over several rows, formulas with and
//! without their results, files too big, locked or not spreadsheets at all.

use std::io::{Cursor, Read, Write};

use hoso_domain::catalog::Catalogs;
use hoso_domain::schema::{RecordSchema, SchemaSet};
use hoso_import::{Analysis, ImportError, Limits, Options, analyze};
use rust_xlsxwriter::{Format, Formula, Workbook};
use serde_json::json;

fn schema() -> &'static RecordSchema {
    SchemaSet::embedded().latest()
}

fn read_with(bytes: &[u8], limits: Limits) -> Result<Analysis, ImportError> {
    analyze(
        bytes,
        schema(),
        Catalogs::embedded_static(),
        &Options {
            limits,
            ..Options::default()
        },
    )
}

fn read(bytes: &[u8]) -> Result<Analysis, ImportError> {
    read_with(bytes, Limits::default())
}

fn headers(ws: &mut rust_xlsxwriter::Worksheet, row: u32, names: &[&str]) {
    for (j, h) in names.iter().enumerate() {
        ws.write_string(row, j as u16, *h).unwrap();
    }
}

#[test]
fn cells_merged_down_the_data_belong_to_every_row_they_cover() {
    let mut wb = Workbook::new();
    let plain = Format::new();
    let main = wb.add_worksheet().set_name("Danh sách").unwrap();
    // The header merged over two rows stays a header, not data.
    main.merge_range(0, 0, 1, 0, "Họ và tên", &plain).unwrap();
    main.merge_range(0, 1, 1, 1, "Số định danh", &plain)
        .unwrap();
    main.merge_range(0, 2, 1, 2, "Chức vụ", &plain).unwrap();
    main.merge_range(0, 3, 1, 3, "Ngạch", &plain).unwrap();
    for (i, (name, id)) in [
        ("Nguyễn Văn A", "001080000001"),
        ("Trần Thị B", "001085000002"),
        ("Lê Văn C", "001090000003"),
        ("Phạm Thị D", "001095000004"),
    ]
    .iter()
    .enumerate()
    {
        main.write_string(2 + i as u32, 0, *name).unwrap();
        main.write_string(2 + i as u32, 1, *id).unwrap();
    }
    // One position typed once for three people.
    main.merge_range(2, 2, 4, 2, "Chuyên viên", &plain).unwrap();
    // Merged across columns: shown once, in its leftmost column.
    main.merge_range(5, 2, 5, 3, "Trưởng phòng", &plain)
        .unwrap();

    let work = wb.add_worksheet().set_name("Quá trình công tác").unwrap();
    headers(work, 0, &["Số định danh", "Từ", "Đến", "Đơn vị công tác"]);
    for (i, (id, from)) in [
        ("001080000001", "01/2010"),
        ("001085000002", "02/2011"),
        ("001090000003", "03/2012"),
    ]
    .iter()
    .enumerate()
    {
        work.write_string(1 + i as u32, 0, *id).unwrap();
        work.write_string(1 + i as u32, 1, *from).unwrap();
    }
    work.merge_range(1, 3, 3, 3, "Sở Nội vụ tỉnh Cà Mau", &plain)
        .unwrap();
    let a = read(&wb.save_to_buffer().unwrap()).unwrap();
    assert_eq!(a.layout.header_rows, vec![1]);
    let positions: Vec<_> = a
        .rows
        .iter()
        .map(|r| r.doc["position"]["current_position"].clone())
        .collect();
    assert_eq!(
        positions,
        vec![
            json!("Chuyên viên"),
            json!("Chuyên viên"),
            json!("Chuyên viên"),
            json!("Trưởng phòng")
        ]
    );
    assert!(a.rows[3].doc.get("salary").is_none());
    for r in &a.rows[..3] {
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        assert_eq!(
            r.doc["work_history"][0]["unit"],
            json!("Sở Nội vụ tỉnh Cà Mau")
        );
    }
    assert_eq!(a.rows[1].sources["work_history[0].unit"].row, 3);
}

fn people(ws: &mut rust_xlsxwriter::Worksheet, first: u32, people: &[(&str, &str)]) {
    for (i, (name, id)) in people.iter().enumerate() {
        ws.write_string(first + i as u32, 0, *name).unwrap();
        ws.write_string(first + i as u32, 1, *id).unwrap();
    }
}

const HIDDEN: &str = "Dòng này đang bị ẩn trong Excel";

fn hidden_issues(row: &hoso_import::ParsedRow) -> Vec<(&str, u32)> {
    row.issues
        .iter()
        .filter(|i| i.message.starts_with(HIDDEN))
        .map(|i| (i.sheet.as_str(), i.row))
        .collect()
}

#[test]
fn hidden_rows_of_the_data_are_refused_until_shown_or_deleted() {
    // A hidden row of an HR list is often a person filtered out (who left): read, but refused
    // with an issue saying so, never imported unseen.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Danh sách").unwrap();
    ws.write_string(0, 0, "DANH SÁCH CÁN BỘ").unwrap();
    ws.write_string(1, 0, "Ghi chú nội bộ").unwrap();
    headers(ws, 2, &["Họ và tên", "Số định danh"]);
    people(
        ws,
        3,
        &[
            ("Nguyễn Văn A", "001080000001"),
            ("Trần Thị B", "001085000002"),
            ("Lê Văn C", "001090000003"),
        ],
    );
    // A note hidden among the titles is not data; an empty hidden row in the data reads as
    // nothing; the signature below is not data either.
    ws.set_row_hidden(1).unwrap();
    ws.set_row_hidden(4).unwrap();
    ws.set_row_hidden(6).unwrap();
    ws.write_string(8, 1, "Người lập biểu").unwrap();
    ws.set_row_hidden(8).unwrap();
    let a = read(&wb.save_to_buffer().unwrap()).unwrap();
    let rows: Vec<u32> = a.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![4, 5, 6]);
    assert!(a.rows[0].issues.is_empty(), "{:?}", a.rows[0].issues);
    assert!(a.rows[2].issues.is_empty(), "{:?}", a.rows[2].issues);
    let issue = &a.rows[1].issues[0];
    assert_eq!((issue.sheet.as_str(), issue.row), ("Danh sách", 5));
    assert_eq!((issue.column.as_str(), issue.letter.as_str()), ("", ""));
    assert!(issue.message.starts_with(HIDDEN), "{issue:?}");
    assert!(issue.message.contains("bỏ ẩn dòng"), "{issue:?}");
    assert!(issue.message.contains("xoá dòng"), "{issue:?}");
    // Everything else about the row is still read and reported.
    assert_eq!(a.rows[1].national_id.as_deref(), Some("001085000002"));
    assert_eq!(a.issues().count(), 1);

    // Written as `hidden="true"`, or after rows without their number, it is hidden all the same.
    let bytes = wb.save_to_buffer().unwrap();
    let a = read(&rewrite_sheets(&bytes, |xml| {
        assert!(xml.contains(r#"<row r="5" "#) && xml.contains(r#"hidden="1""#));
        (2..=5)
            .fold(xml, |xml, r| {
                xml.replace(&format!(r#"<row r="{r}" "#), "<row ")
            })
            .replace(r#"hidden="1""#, r#"hidden="true""#)
    }))
    .unwrap();
    assert_eq!(a.rows.iter().map(|r| r.row).collect::<Vec<_>>(), rows);
    assert_eq!(
        a.rows.iter().map(hidden_issues).collect::<Vec<_>>(),
        vec![vec![], vec![("Danh sách", 5)], vec![]]
    );

    // Sheet XML that cannot be read for its rows (calamine stops at the end of the cells) leaves
    // them shown rather than refusing the file.
    let a = read(&rewrite_sheets(&bytes, |xml| {
        xml.replace("</sheetData>", "</sheetData></oops>")
    }))
    .unwrap();
    assert_eq!(a.rows.len(), 3);
    assert_eq!(a.issues().count(), 0);
}

#[test]
fn a_hidden_row_of_a_section_sheet_refuses_its_person() {
    let mut wb = Workbook::new();
    let main = wb.add_worksheet().set_name("Danh sách").unwrap();
    headers(main, 0, &["Họ và tên", "Số định danh"]);
    people(
        main,
        1,
        &[
            ("Nguyễn Văn A", "001080000001"),
            ("Trần Thị B", "001085000002"),
        ],
    );
    let work = wb.add_worksheet().set_name("Quá trình công tác").unwrap();
    headers(work, 0, &["Số định danh", "Từ", "Đến", "Đơn vị công tác"]);
    for (i, (id, from, unit)) in [
        ("001080000001", "01/2010", "Sở Nội vụ"),
        ("001085000002", "02/2011", "Sở Tài chính"),
        ("001085000002", "03/2015", "Sở Xây dựng"),
    ]
    .iter()
    .enumerate()
    {
        work.write_string(1 + i as u32, 0, *id).unwrap();
        work.write_string(1 + i as u32, 1, *from).unwrap();
        work.write_string(1 + i as u32, 3, *unit).unwrap();
    }
    work.set_row_hidden(3).unwrap();
    let a = read(&wb.save_to_buffer().unwrap()).unwrap();
    assert_eq!(a.section_sheets.len(), 1);
    assert!(a.rows[0].issues.is_empty(), "{:?}", a.rows[0].issues);
    assert_eq!(hidden_issues(&a.rows[1]), vec![("Quá trình công tác", 4)]);
    assert_eq!(a.issues().count(), 1);
}

/// The workbook with the XML of its sheets changed.
fn rewrite_sheets(xlsx: &[u8], change: impl Fn(String) -> String) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut entry = zin.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/") {
            data = change(String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The workbook as a program that never computes formulas writes it: the formulas without
/// their results.
fn without_results(xlsx: &[u8]) -> Vec<u8> {
    rewrite_sheets(xlsx, |xml| xml.replace("<v>0</v>", ""))
}

#[test]
fn formulas_give_their_saved_result_or_a_clear_issue() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    headers(
        ws,
        0,
        &["Họ và tên", "Số định danh", "Hệ số lương", "Bậc lương"],
    );
    ws.write_string(1, 0, "Nguyễn Văn A").unwrap();
    ws.write_string(1, 1, "001080000001").unwrap();
    ws.write_formula(1, 2, Formula::new("=2.34+1").set_result("3.34"))
        .unwrap();
    ws.write_number(1, 3, 2).unwrap();
    ws.write_string(2, 0, "Trần Thị B").unwrap();
    ws.write_string(2, 1, "001085000002").unwrap();
    // rust_xlsxwriter saves 0 as a formula's result unless told; removed below.
    ws.write_formula(2, 3, Formula::new("=C2+1")).unwrap();
    let computed = wb.save_to_buffer().unwrap();
    let a = read(&computed).unwrap();
    assert_eq!(a.rows[0].doc["salary"]["salary_coefficient"], json!(3.34));

    let a = read(&without_results(&computed)).unwrap();
    assert!(a.rows[0].issues.is_empty(), "{:?}", a.rows[0].issues);
    let issue = &a.rows[1].issues[0];
    assert_eq!((issue.row, issue.letter.as_str()), (3, "D"));
    assert_eq!(issue.value, "=C2+1");
    assert!(issue.message.contains("không lưu kết quả"), "{issue:?}");
    assert!(issue.message.contains("lưu lại"), "{issue:?}");
}

#[test]
fn refusals_say_why_in_vietnamese() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    headers(ws, 0, &["Họ và tên", "Số định danh"]);
    ws.write_string(1, 0, "Nguyễn Văn A").unwrap();
    ws.write_string(1, 1, "001080000001").unwrap();
    let bytes = wb.save_to_buffer().unwrap();

    let small = Limits {
        max_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let mut big = bytes.clone();
    big.resize(3 * 1024 * 1024, 0);
    let err = read_with(&big, small).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tệp quá lớn (3 MB; tối đa 1 MB). Hãy chia thành nhiều tệp."
    );

    let err = read(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n").unwrap_err();
    assert_eq!(err, ImportError::NotSpreadsheet);
    assert!(err.to_string().contains("hãy lưu lại bằng Excel"));

    // A table on a sheet beside an empty one reads; a workbook of empty sheets does not.
    let mut wb = Workbook::new();
    wb.add_worksheet();
    wb.add_worksheet();
    let err = read(&wb.save_to_buffer().unwrap()).unwrap_err();
    assert_eq!(err, ImportError::Empty);
    assert!(err.to_string().contains("không có dữ liệu"));

    // 1,000 columns on the second sheet.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    headers(ws, 0, &["Họ và tên", "Số định danh"]);
    let wide = wb.add_worksheet().set_name("Rộng").unwrap();
    for j in 0..1000u16 {
        wide.write_number(0, j, f64::from(j)).unwrap();
    }
    let err = read(&wb.save_to_buffer().unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Trang \"Rộng\" có 1000 cột (tối đa 256 cột); hãy xoá các cột thừa."
    );
}
