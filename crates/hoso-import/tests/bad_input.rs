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

#[test]
fn hidden_rows_are_read_as_data() {
    // calamine does not tell which rows are hidden: a hidden row is imported like the others
    // (the officer sees it in the report of rows read).
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    headers(ws, 0, &["Họ và tên", "Số định danh"]);
    for (i, (name, id)) in [
        ("Nguyễn Văn A", "001080000001"),
        ("Trần Thị B", "001085000002"),
        ("Lê Văn C", "001090000003"),
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(1 + i as u32, 0, *name).unwrap();
        ws.write_string(1 + i as u32, 1, *id).unwrap();
    }
    ws.set_row_hidden(2).unwrap();
    let a = read(&wb.save_to_buffer().unwrap()).unwrap();
    let rows: Vec<u32> = a.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![2, 3, 4]);
}

/// The workbook as a program that never computes formulas writes it: the formulas without
/// their results.
fn without_results(xlsx: &[u8]) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut entry = zin.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/") {
            data = String::from_utf8(data)
                .unwrap()
                .replace("<v>0</v>", "")
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
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
