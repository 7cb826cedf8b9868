//! Workbooks Hoso hands back: the sheets that were read with a column of errors (the officer
//! fixes the rows in Excel and uploads again), and the import template made from the schema,
//! empty or filled with records.

use std::collections::BTreeMap;

use hoso_domain::catalog::Catalogs;
use hoso_domain::schema::{Field, FieldKind, FieldRole, RecordDoc, RecordSchema, Section};
use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, Formula, Workbook, Worksheet};
use serde_json::Value;

use crate::layout::{is_importable, main_sheet_fields};
use crate::text::clean;
use crate::values::{Cell, match_catalog, serial_date};
use crate::{ImportError, Limits, RowIssue, read_workbook};

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> ImportError {
    ImportError::Damaged(e.to_string())
}

/// The sheets that were read (the main sheet, then each section sheet), every cell as it was
/// (titles, headers, data, signatures), each with a column "Lỗi" after its last one holding
/// the problems of each of its rows. `sheets` names each sheet with the Excel row of its
/// (first) header row; an issue goes to the sheet it names.
pub fn annotated(
    bytes: &[u8],
    sheets: &[(String, u32)],
    issues: &[RowIssue],
) -> Result<Vec<u8>, ImportError> {
    let workbook = read_workbook(bytes, &Limits::default())?;
    let mut by_row: BTreeMap<(&str, u32), Vec<String>> = BTreeMap::new();
    for i in issues {
        let at = if i.letter.is_empty() {
            String::new()
        } else {
            format!("Cột {}: ", i.letter)
        };
        by_row
            .entry((i.sheet.as_str(), i.row))
            .or_default()
            .push(format!("{at}{}", i.message));
    }
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let error = Format::new().set_font_color("#C00000").set_text_wrap();
    let bold = Format::new().set_bold();
    for (name, header_row) in sheets {
        let sheet = workbook
            .sheets
            .iter()
            .find(|s| &s.name == name)
            .ok_or_else(|| ImportError::NoSuchSheet(name.clone()))?;
        let ws = wb.add_worksheet();
        let short: String = sheet.name.chars().take(31).collect();
        ws.set_name(&short).map_err(xlsx_error)?;
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
                    Cell::Uncomputed(formula) => {
                        ws.write_formula(r, c, Formula::new(formula))
                            .map_err(xlsx_error)?;
                    }
                }
            }
            if let Some(messages) = by_row.get(&(sheet.name.as_str(), r + 1)) {
                ws.write_string_with_format(r, error_col, messages.join("\n"), &error)
                    .map_err(xlsx_error)?;
            }
        }
        ws.write_string_with_format(header_row - 1, error_col, "Lỗi", &bold)
            .map_err(xlsx_error)?;
        ws.set_column_width(error_col, 60).map_err(xlsx_error)?;
    }
    wb.save_to_buffer().map_err(xlsx_error)
}

/// The name of the template's main sheet.
pub const MAIN_SHEET: &str = "Hồ sơ";
/// The name of the hidden sheet holding the drop-downs' lists.
pub const LISTS_SHEET: &str = "Danh mục";
/// The header of the column of số định danh on a section sheet.
pub const NATIONAL_ID_HEADER: &str = "Số định danh";
/// Excel's longest sheet name.
const MAX_SHEET_NAME: usize = 31;

/// A sheet name for a section's label: the characters Excel refuses replaced, cut at a word to
/// Excel's 31 characters, different from the names already `taken` (Excel compares them
/// without case).
pub fn sheet_name(label: &str, taken: &[String]) -> String {
    let legal: String = label
        .replace('/', " - ")
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '\\') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let legal = clean(&legal).trim_matches('\'').to_string();
    let cut = |s: &str, max: usize| -> String {
        if s.chars().count() <= max {
            return s.to_string();
        }
        let head: String = s.chars().take(max).collect();
        let next_is_space = s.chars().nth(max).is_some_and(char::is_whitespace);
        let at_word = if next_is_space {
            head.clone()
        } else {
            match head.rfind(' ') {
                Some(space) if head[..space].chars().count() >= max / 2 => {
                    head[..space].to_string()
                }
                _ => head.clone(),
            }
        };
        at_word
            .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '-' | '.'))
            .to_string()
    };
    let is_taken = |name: &str| {
        taken
            .iter()
            .any(|t| t.to_lowercase() == name.to_lowercase())
    };
    let mut name = cut(&legal, MAX_SHEET_NAME);
    let mut n = 2;
    while name.is_empty() || is_taken(&name) {
        let suffix = format!(" ({n})");
        name = format!(
            "{}{suffix}",
            cut(&legal, MAX_SHEET_NAME - suffix.chars().count())
        );
        n += 1;
    }
    name
}

/// The choices a drop-down offers for a field (none: no drop-down).
fn drop_down(field: &Field, catalogs: &Catalogs) -> Vec<String> {
    match field.kind {
        FieldKind::Gender => vec!["Nam".into(), "Nữ".into()],
        FieldKind::Bool => vec!["Có".into(), "Không".into()],
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
    }
}

/// How a catalog code is written: its name, as the drop-down shows it, when the name reads
/// back as that code; the code otherwise (two entries of the field's catalogs share the name).
fn catalog_shown(field: &Field, catalogs: &Catalogs, code: &str) -> String {
    let name = field.catalog.iter().find_map(|cref| {
        cref.catalog_names()
            .flat_map(|name| catalogs.items(name).iter())
            .find(|item| item.code == code)
            .map(|item| item.name.clone())
    });
    match name {
        Some(name)
            if !name.contains([',', ';', '\n'])
                && match_catalog(field, catalogs, &name).as_deref() == Ok(code) =>
        {
            name
        }
        _ => code.to_string(),
    }
}

struct Formats {
    header: Format,
    date: Format,
    month: Format,
    text: Format,
}

/// The drop-downs' lists, written on the hidden sheet: one column per distinct list.
#[derive(Default)]
struct Lists {
    columns: Vec<(String, Vec<String>)>,
}

impl Lists {
    /// The formula of the drop-down offering `options` (headed `label` on the lists' sheet).
    fn formula(&mut self, label: &str, options: Vec<String>) -> String {
        let col = match self.columns.iter().position(|(_, o)| *o == options) {
            Some(col) => col,
            None => {
                self.columns.push((label.to_string(), options));
                self.columns.len() - 1
            }
        };
        let letter = crate::column_letter(col);
        format!(
            "='{LISTS_SHEET}'!${letter}$2:${letter}${}",
            self.columns[col].1.len() + 1
        )
    }
}

/// Writes the header row and the columns' formats and drop-downs of one sheet of the template;
/// `first` is the column of the first field.
fn write_columns(
    ws: &mut Worksheet,
    fields: &[&Field],
    first: u16,
    last_row: u32,
    catalogs: &Catalogs,
    lists: &mut Lists,
    formats: &Formats,
) -> Result<(), ImportError> {
    for (k, field) in fields.iter().enumerate() {
        let c = first + k as u16;
        ws.write_string_with_format(0, c, &field.label, &formats.header)
            .map_err(xlsx_error)?;
        ws.set_column_width(c, 22).map_err(xlsx_error)?;
        match field.kind {
            FieldKind::Date => {
                ws.set_column_format(c, &formats.date).map_err(xlsx_error)?;
            }
            FieldKind::MonthYear => {
                ws.set_column_format(c, &formats.month)
                    .map_err(xlsx_error)?;
            }
            FieldKind::NationalId | FieldKind::Text => {
                ws.set_column_format(c, &formats.text).map_err(xlsx_error)?;
            }
            _ => {}
        }
        let options = drop_down(field, catalogs);
        if !options.is_empty() {
            let formula = lists.formula(field.column_label(), options);
            let validation = DataValidation::new()
                .allow_list_formula(Formula::new(formula))
                .ignore_blank(true);
            ws.add_data_validation(1, c, last_row, c, &validation)
                .map_err(xlsx_error)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    ws.set_row_height(0, 60).map_err(xlsx_error)?;
    Ok(())
}

fn ymd(text: &str) -> Option<(u16, u8, u8)> {
    let mut parts = text.split('-').map(str::parse::<u16>);
    let year = parts.next()?.ok()?;
    let month = parts.next()?.ok()?;
    let day = parts.next().unwrap_or(Ok(1)).ok()?;
    Some((year, u8::try_from(month).ok()?, u8::try_from(day).ok()?))
}

/// Writes one value of a record the way an officer would type it, so that it reads back as
/// the same value.
fn write_value(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    field: &Field,
    value: &Value,
    catalogs: &Catalogs,
    formats: &Formats,
) -> Result<(), ImportError> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let date = |ws: &mut Worksheet, format: &Format| -> Result<(), ImportError> {
        match ymd(&text(value)).and_then(|(y, m, d)| ExcelDateTime::from_ymd(y, m, d).ok()) {
            Some(dt) => ws.write_datetime_with_format(r, c, &dt, format),
            None => ws.write_string(r, c, text(value)),
        }
        .map(|_| ())
        .map_err(xlsx_error)
    };
    match field.kind {
        FieldKind::Date => return date(ws, &formats.date),
        FieldKind::MonthYear => return date(ws, &formats.month),
        FieldKind::Year
        | FieldKind::Integer
        | FieldKind::Decimal
        | FieldKind::Money
        | FieldKind::Percent => {
            if let Some(n) = value.as_f64() {
                ws.write_number(r, c, n).map_err(xlsx_error)?;
                return Ok(());
            }
        }
        _ => {}
    }
    let shown = match field.kind {
        FieldKind::Bool => match value.as_bool() {
            Some(true) => "Có".to_string(),
            Some(false) => "Không".to_string(),
            None => text(value),
        },
        FieldKind::Gender => match value.as_str() {
            Some("nam") => "Nam".to_string(),
            Some("nu") => "Nữ".to_string(),
            _ => text(value),
        },
        FieldKind::Choice => {
            let code = text(value);
            field.choice_label(&code).map_or(code, str::to_string)
        }
        FieldKind::Catalog => catalog_shown(field, catalogs, &text(value)),
        FieldKind::CatalogList => match value.as_array() {
            Some(codes) => codes
                .iter()
                .map(|code| catalog_shown(field, catalogs, &text(code)))
                .collect::<Vec<_>>()
                .join("; "),
            None => text(value),
        },
        FieldKind::Address => match value {
            Value::Object(address) => crate::values::address_shown(catalogs, address),
            other => text(other),
        },
        _ => text(value),
    };
    if !shown.is_empty() {
        ws.write_string(r, c, shown).map_err(xlsx_error)?;
    }
    Ok(())
}

/// The import template: a sheet "Hồ sơ" with one column per field of the record's single
/// sections that a file can bring in, then one sheet per repeating section (named after it)
/// with a column "Số định danh" and one per field of its rows; headed by the form's labels,
/// with drop-downs of the choices, sexes and catalog names (the lists on a hidden sheet) and
/// dates formatted dd/mm/yyyy.
pub fn template(schema: &RecordSchema, catalogs: &Catalogs) -> Result<Vec<u8>, ImportError> {
    filled(schema, catalogs, &[])
}

/// The template with records written into it: one row of the main sheet per record, one row
/// of a section's sheet per row of that section, keyed by the record's số định danh; catalog
/// values as the drop-downs show them, dates as dates. It imports back as the same records.
pub fn filled(
    schema: &RecordSchema,
    catalogs: &Catalogs,
    docs: &[RecordDoc],
) -> Result<Vec<u8>, ImportError> {
    let mut wb = Workbook::new();
    let formats = Formats {
        header: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color("#DDEBF7"),
        date: Format::new().set_num_format("dd/mm/yyyy"),
        month: Format::new().set_num_format("mm/yyyy"),
        text: Format::new().set_num_format("@"),
    };
    let mut lists = Lists::default();
    let national_ids: Vec<Option<&str>> = docs
        .iter()
        .map(|d| schema.role_text(d, FieldRole::NationalId))
        .collect();
    let mut taken = vec![MAIN_SHEET.to_string(), LISTS_SHEET.to_string()];
    {
        let columns: Vec<(&Section, &Field)> = main_sheet_fields(schema).collect();
        let ws = wb.add_worksheet();
        ws.set_name(MAIN_SHEET).map_err(xlsx_error)?;
        let fields: Vec<&Field> = columns.iter().map(|(_, f)| *f).collect();
        let last_row = 5000.max(docs.len() as u32 + 1000);
        write_columns(ws, &fields, 0, last_row, catalogs, &mut lists, &formats)?;
        for (i, doc) in docs.iter().enumerate() {
            let r = i as u32 + 1;
            for (c, (section, field)) in columns.iter().enumerate() {
                if let Some(value) = doc.get(&section.id).and_then(|s| s.get(&field.id)) {
                    write_value(ws, r, c as u16, field, value, catalogs, &formats)?;
                }
            }
        }
    }
    for section in schema.sections.iter().filter(|s| s.repeating) {
        let fields: Vec<&Field> = section.fields.iter().filter(|f| is_importable(f)).collect();
        if fields.is_empty() {
            continue;
        }
        let name = sheet_name(&section.label, &taken);
        taken.push(name.clone());
        let ws = wb.add_worksheet();
        ws.set_name(&name).map_err(xlsx_error)?;
        ws.write_string_with_format(0, 0, NATIONAL_ID_HEADER, &formats.header)
            .map_err(xlsx_error)?;
        ws.set_column_format(0, &formats.text).map_err(xlsx_error)?;
        ws.set_column_width(0, 16).map_err(xlsx_error)?;
        let mut r = 1;
        for (doc, id) in docs.iter().zip(&national_ids) {
            let Some(Value::Array(elements)) = doc.get(&section.id) else {
                continue;
            };
            for element in elements {
                ws.write_string(r, 0, id.unwrap_or_default())
                    .map_err(xlsx_error)?;
                for (k, field) in fields.iter().enumerate() {
                    if let Some(value) = element.get(&field.id) {
                        write_value(ws, r, k as u16 + 1, field, value, catalogs, &formats)?;
                    }
                }
                r += 1;
            }
        }
        write_columns(
            ws,
            &fields,
            1,
            5000.max(r + 1000),
            catalogs,
            &mut lists,
            &formats,
        )?;
    }
    let ws = wb.add_worksheet();
    ws.set_name(LISTS_SHEET).map_err(xlsx_error)?;
    for (j, (label, options)) in lists.columns.iter().enumerate() {
        ws.write_string(0, j as u16, label).map_err(xlsx_error)?;
        for (i, o) in options.iter().enumerate() {
            ws.write_string(i as u32 + 1, j as u16, o)
                .map_err(xlsx_error)?;
        }
    }
    ws.set_hidden(true);
    wb.save_to_buffer().map_err(xlsx_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_legal_short_and_unique() {
        let taken = vec![MAIN_SHEET.to_string()];
        assert_eq!(sheet_name("Tin học", &taken), "Tin học");
        assert_eq!(
            sheet_name("Ngoại ngữ/ tiếng dân tộc", &taken),
            "Ngoại ngữ - tiếng dân tộc"
        );
        let long = sheet_name(
            "Quá trình tuyển dụng, bầu cử, bổ nhiệm, quy hoạch, điều động",
            &taken,
        );
        assert!(long.chars().count() <= 31, "{long}");
        assert_eq!(long, "Quá trình tuyển dụng, bầu cử");
        assert_eq!(sheet_name("hồ sơ", &taken), "hồ sơ (2)");
        assert_eq!(sheet_name("A: b? [c]*", &taken), "A b c");
        let twice = vec![long.clone()];
        let again = sheet_name("Quá trình tuyển dụng, bầu cử, bổ nhiệm lại", &twice);
        assert!(
            again.ends_with("(2)") && again.chars().count() <= 31,
            "{again}"
        );
    }
}
