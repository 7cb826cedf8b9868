//! Workbooks Hoso hands back: the uploaded sheet with a column of errors (the officer fixes
//! the rows in Excel and uploads again), and the import template made from the schema.

use std::collections::BTreeMap;

use hoso_domain::catalog::Catalogs;
use hoso_domain::schema::{FieldKind, RecordSchema};
use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, Formula, Workbook};

use crate::values::{Cell, serial_date};
use crate::{ImportError, Limits, RowIssue, read_workbook};

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> ImportError {
    ImportError::Damaged(e.to_string())
}

/// The sheet that was read, every cell as it was (titles, headers, data, signatures), with a
/// column "Lỗi" after the last one holding each row's problems.
/// `sheet` is the sheet read and `header_row` the Excel row of its (first) header row.
pub fn annotated(
    bytes: &[u8],
    sheet: &str,
    header_row: Option<u32>,
    issues: &[RowIssue],
) -> Result<Vec<u8>, ImportError> {
    let workbook = read_workbook(bytes, &Limits::default())?;
    let sheet = workbook
        .sheets
        .iter()
        .find(|s| s.name == sheet)
        .ok_or_else(|| ImportError::NoSuchSheet(sheet.to_string()))?;
    let mut by_row: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for i in issues {
        let at = if i.letter.is_empty() {
            String::new()
        } else {
            format!("Cột {}: ", i.letter)
        };
        by_row
            .entry(i.row)
            .or_default()
            .push(format!("{at}{}", i.message));
    }
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let name: String = sheet.name.chars().take(31).collect();
    ws.set_name(&name).map_err(xlsx_error)?;
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let error = Format::new().set_font_color("#C00000").set_text_wrap();
    let bold = Format::new().set_bold();
    let error_col = sheet.width() as u16;
    for (i, row) in sheet.rows.iter().enumerate() {
        let r = sheet.excel_row(i) - 1;
        for (j, cell) in row.iter().enumerate() {
            let c = j as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(t) => {
                    ws.write_string(r, c, t).map_err(xlsx_error)?;
                }
                Cell::Number(n) => {
                    ws.write_number(r, c, *n).map_err(xlsx_error)?;
                }
                Cell::Date(serial) => match serial_date(*serial).and_then(|d| {
                    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day()).ok()
                }) {
                    Some(dt) => {
                        ws.write_datetime_with_format(r, c, &dt, &date)
                            .map_err(xlsx_error)?;
                    }
                    None => {
                        ws.write_number(r, c, *serial).map_err(xlsx_error)?;
                    }
                },
                Cell::Bool(b) => {
                    ws.write_boolean(r, c, *b).map_err(xlsx_error)?;
                }
                Cell::Error(e) => {
                    ws.write_string(r, c, e).map_err(xlsx_error)?;
                }
            }
        }
        if let Some(messages) = by_row.get(&(r + 1)) {
            ws.write_string_with_format(r, error_col, messages.join("\n"), &error)
                .map_err(xlsx_error)?;
        }
    }
    if let Some(first) = header_row {
        ws.write_string_with_format(first - 1, error_col, "Lỗi", &bold)
            .map_err(xlsx_error)?;
    }
    ws.set_column_width(error_col, 60).map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

/// The import template: one column per field a file can bring in (the fields of the record's
/// single sections that a person fills), headed by the form's label; a drop-down of the
/// choices, sexes and catalog names where there are some (the lists on a hidden sheet).
pub fn template(schema: &RecordSchema, catalogs: &Catalogs) -> Result<Vec<u8>, ImportError> {
    let mut wb = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DDEBF7");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let text = Format::new().set_num_format("@");
    let mut lists: Vec<(String, Vec<String>)> = Vec::new();
    {
        let ws = wb.add_worksheet();
        ws.set_name("Hồ sơ").map_err(xlsx_error)?;
        let mut c: u16 = 0;
        for section in schema.sections.iter().filter(|s| !s.repeating) {
            for field in section.fields.iter().filter(|f| {
                !f.system && !matches!(f.kind, FieldKind::OrgUnit | FieldKind::Attachment)
            }) {
                ws.write_string_with_format(0, c, &field.label, &header)
                    .map_err(xlsx_error)?;
                ws.set_column_width(c, 22).map_err(xlsx_error)?;
                match field.kind {
                    FieldKind::Date => {
                        ws.set_column_format(c, &date).map_err(xlsx_error)?;
                    }
                    FieldKind::NationalId | FieldKind::Text => {
                        ws.set_column_format(c, &text).map_err(xlsx_error)?;
                    }
                    _ => {}
                }
                let options: Vec<String> = match field.kind {
                    FieldKind::Gender => vec!["Nam".into(), "Nữ".into()],
                    FieldKind::Choice => field.choices.iter().map(|c| c.label.clone()).collect(),
                    FieldKind::Catalog => field
                        .catalog
                        .iter()
                        .flat_map(|cref| {
                            cref.catalog_names()
                                .flat_map(|name| catalogs.items(name).iter())
                                .filter(|item| {
                                    item.catalog != cref.name
                                        || cref.kinds.is_empty()
                                        || item
                                            .kind
                                            .as_deref()
                                            .is_some_and(|k| cref.kinds.iter().any(|x| x == k))
                                })
                                .map(|item| item.name.clone())
                                .collect::<Vec<_>>()
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                if !options.is_empty() {
                    let col = lists.len() as u16;
                    let letter = crate::column_letter(col as usize);
                    let formula =
                        format!("='Danh mục'!${letter}$2:${letter}${}", options.len() + 1);
                    let validation = DataValidation::new()
                        .allow_list_formula(Formula::new(formula))
                        .ignore_blank(true);
                    ws.add_data_validation(1, c, 5000, c, &validation)
                        .map_err(xlsx_error)?;
                    lists.push((field.column_label().to_string(), options));
                }
                c += 1;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        ws.set_row_height(0, 60).map_err(xlsx_error)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("Danh mục").map_err(xlsx_error)?;
    for (j, (label, options)) in lists.iter().enumerate() {
        ws.write_string(0, j as u16, label).map_err(xlsx_error)?;
        for (i, o) in options.iter().enumerate() {
            ws.write_string(i as u32 + 1, j as u16, o)
                .map_err(xlsx_error)?;
        }
    }
    ws.set_hidden(true);
    wb.save_to_buffer().map_err(xlsx_error)
}
