//! XLS and ODS files written by LibreOffice (not by us): see tests/fixtures/README.md.

use hoso_domain::catalog::Catalogs;
use hoso_domain::schema::SchemaSet;
use hoso_import::{Analysis, Format as FileFormat, Options, analyze};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{Value, json};

/// The list the fixtures were converted from: title rows, "Ngày, tháng, năm sinh" merged over
/// "Nam" | "Nữ", a row of column numbers, signatures; a sheet of work history with a unit
/// merged down two rows.
fn messy_source() -> Vec<u8> {
    let mut wb = Workbook::new();
    let center = Format::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let month = Format::new().set_num_format("mm/yyyy");
    let ws = wb.add_worksheet().set_name("Danh sách").unwrap();
    ws.write_string(0, 0, "UBND TỈNH CÀ MAU").unwrap();
    ws.write_string(1, 0, "DANH SÁCH CÁN BỘ, CÔNG CHỨC")
        .unwrap();
    ws.merge_range(3, 0, 4, 0, "STT", &center).unwrap();
    ws.merge_range(3, 1, 4, 1, "Họ và tên", &center).unwrap();
    ws.merge_range(3, 2, 3, 3, "Ngày, tháng, năm sinh", &center)
        .unwrap();
    ws.write_string(4, 2, "Nam").unwrap();
    ws.write_string(4, 3, "Nữ").unwrap();
    ws.merge_range(3, 4, 4, 4, "Số định danh", &center).unwrap();
    ws.merge_range(3, 5, 4, 5, "Dân tộc", &center).unwrap();
    for j in 0..6u16 {
        ws.write_string(5, j, format!("({})", j + 1)).unwrap();
    }
    ws.write_number(6, 0, 1).unwrap();
    ws.write_string(6, 1, "Nguyễn Văn Đạt").unwrap();
    ws.write_datetime_with_format(6, 2, ExcelDateTime::from_ymd(1985, 3, 7).unwrap(), &date)
        .unwrap();
    ws.write_string(6, 4, "001085012345").unwrap();
    ws.write_string(6, 5, "Kinh").unwrap();
    ws.write_number(7, 0, 2).unwrap();
    ws.write_string(7, 1, "Trần Thị Thu Hương").unwrap();
    ws.write_datetime_with_format(7, 3, ExcelDateTime::from_ymd(1990, 1, 1).unwrap(), &date)
        .unwrap();
    ws.write_string(7, 4, "079190000123").unwrap();
    ws.write_string(7, 5, "Mường").unwrap();
    ws.write_string(9, 1, "Người lập biểu").unwrap();
    ws.write_string(9, 4, "THỦ TRƯỞNG ĐƠN VỊ").unwrap();
    ws.write_string(10, 4, "(Ký, ghi rõ họ tên, đóng dấu)")
        .unwrap();

    let work = wb.add_worksheet().set_name("Quá trình công tác").unwrap();
    for (j, h) in [
        "Số định danh",
        "Từ (tháng/năm)",
        "Đến (tháng/năm)",
        "Đơn vị công tác",
        "Chức danh/chức vụ",
    ]
    .iter()
    .enumerate()
    {
        work.write_string(0, j as u16, *h).unwrap();
    }
    let rows = [
        ("001085012345", (2008, 9), Some((2012, 12)), "Chuyên viên"),
        ("001085012345", (2013, 1), None, "Chuyên viên chính"),
        ("079190000123", (2015, 1), None, "Giáo viên"),
    ];
    for (i, (id, (fy, fm), to, title)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        work.write_string(r, 0, *id).unwrap();
        work.write_datetime_with_format(
            r,
            1,
            ExcelDateTime::from_ymd(*fy, *fm, 1).unwrap(),
            &month,
        )
        .unwrap();
        if let Some((ty, tm)) = to {
            work.write_datetime_with_format(
                r,
                2,
                ExcelDateTime::from_ymd(*ty, *tm, 1).unwrap(),
                &month,
            )
            .unwrap();
        }
        work.write_string(r, 4, *title).unwrap();
    }
    work.merge_range(1, 3, 2, 3, "Sở Nội vụ tỉnh Cà Mau", &center)
        .unwrap();
    work.write_string(3, 3, "Trường THCS Tân Hưng").unwrap();
    wb.save_to_buffer().unwrap()
}

/// Writes the source of the fixtures (`cargo test -p hoso-import --test real_files -- --ignored`),
/// to be converted by LibreOffice as tests/fixtures/README.md says.
/// A list of three in which the second was hidden (filtered out: someone who left).
fn hidden_source() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Danh sách").unwrap();
    for (j, h) in ["Họ và tên", "Ngày sinh", "Giới tính", "Số định danh"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    for (i, (name, born, sex, id)) in [
        ("Nguyễn Văn Đạt", "07/03/1985", "Nam", "001085012345"),
        ("Lê Văn Nghỉ", "01/02/1970", "Nam", "001070000111"),
        ("Trần Thị Thu Hương", "01/01/1990", "Nữ", "079190000123"),
    ]
    .iter()
    .enumerate()
    {
        let r = i as u32 + 1;
        for (j, v) in [name, born, sex, id].iter().enumerate() {
            ws.write_string(r, j as u16, **v).unwrap();
        }
    }
    ws.set_row_hidden(2).unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
#[ignore = "makes the sources of the fixtures; run by hand"]
fn write_fixture_source() {
    for (name, bytes) in [
        ("hoso-messy-list.xlsx", messy_source()),
        ("hoso-hidden-row.xlsx", hidden_source()),
    ] {
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, bytes).unwrap();
        println!("{}", path.display());
    }
}

fn read(bytes: &[u8]) -> Analysis {
    analyze(
        bytes,
        SchemaSet::embedded().latest(),
        Catalogs::embedded_static(),
        &Options::default(),
    )
    .unwrap()
}

fn check(a: &Analysis, merges_known: bool) {
    assert_eq!(a.sheet, "Danh sách");
    assert_eq!(a.layout.header_rows, vec![4, 5]);
    assert_eq!(a.layout.numbering_row, Some(6));
    let rows: Vec<u32> = a.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![7, 8], "the signatures are not data");
    for r in &a.rows {
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        assert!(r.in_main_sheet);
    }
    let (dat, huong) = (&a.rows[0].doc, &a.rows[1].doc);
    assert_eq!(dat["general"]["birth_full_name"], json!("Nguyễn Văn Đạt"));
    assert_eq!(dat["general"]["gender"], json!("nam"));
    assert_eq!(dat["general"]["date_of_birth"], json!("1985-03-07"));
    assert_eq!(dat["general"]["citizen_id_number"], json!("001085012345"));
    assert_eq!(dat["general"]["ethnicity_code"], json!("01"));
    assert_eq!(huong["general"]["gender"], json!("nu"));
    assert_eq!(huong["general"]["date_of_birth"], json!("1990-01-01"));
    assert_eq!(huong["general"]["ethnicity_code"], json!("06"));

    assert_eq!(a.section_sheets.len(), 1);
    assert_eq!(a.section_sheets[0].section, "work_history");
    let second_unit: Value = if merges_known {
        json!({"from": "2013-01", "unit": "Sở Nội vụ tỉnh Cà Mau", "title_or_position": "Chuyên viên chính"})
    } else {
        json!({"from": "2013-01", "title_or_position": "Chuyên viên chính"})
    };
    assert_eq!(
        dat["work_history"],
        json!([
            {"from": "2008-09", "to": "2012-12", "unit": "Sở Nội vụ tỉnh Cà Mau", "title_or_position": "Chuyên viên"},
            second_unit,
        ])
    );
    assert_eq!(
        huong["work_history"],
        json!([{"from": "2015-01", "unit": "Trường THCS Tân Hưng", "title_or_position": "Giáo viên"}])
    );
}

#[test]
fn the_source_reads_as_expected() {
    check(&read(&messy_source()), true);
}

#[test]
fn an_xls_saved_by_libreoffice() {
    let a = read(include_bytes!("fixtures/messy-list.xls"));
    assert_eq!(a.format, FileFormat::Xls);
    check(&a, true);
}

#[test]
fn an_ods_saved_by_libreoffice() {
    let a = read(include_bytes!("fixtures/messy-list.ods"));
    assert_eq!(a.format, FileFormat::Ods);
    // calamine gives no merged ranges for ODS: they are read from content.xml.
    check(&a, true);
}

fn check_hidden(a: &Analysis) {
    let rows: Vec<(u32, usize)> = a.rows.iter().map(|r| (r.row, r.issues.len())).collect();
    assert_eq!(rows, vec![(2, 0), (3, 1), (4, 0)]);
    let issue = &a.rows[1].issues[0];
    assert!(issue.message.contains("đang bị ẩn"), "{issue:?}");
    assert_eq!(issue.sheet, "Danh sách");
}

#[test]
fn a_hidden_row_is_refused_in_every_format() {
    check_hidden(&read(&hidden_source()));
    let xls = read(include_bytes!("fixtures/hidden-row.xls"));
    assert_eq!(xls.format, FileFormat::Xls);
    check_hidden(&xls);
    let ods = read(include_bytes!("fixtures/hidden-row.ods"));
    assert_eq!(ods.format, FileFormat::Ods);
    check_hidden(&ods);
}

#[test]
fn a_workbook_locked_by_a_password() {
    let err = analyze(
        include_bytes!("fixtures/locked.xlsx"),
        SchemaSet::embedded().latest(),
        Catalogs::embedded_static(),
        &Options::default(),
    )
    .unwrap_err();
    assert_eq!(err, hoso_import::ImportError::Password);
    assert!(err.to_string().contains("bỏ mật khẩu"), "{err}");
}
