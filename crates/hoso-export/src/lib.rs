//! Files a user downloads, made from one typed [`Table`]: XLSX (real dates and numbers, a
//! bold frozen header row with filters) and CSV (UTF-8 with a byte-order mark, so that Excel
//! reads Vietnamese correctly). Every list export of Hoso goes through here; the PDF and DOCX
//! renderers of statutory reports will join this crate.

pub mod document;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use time::Date;

/// A value in a cell, typed so that a spreadsheet can sort and sum it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    Number(f64),
    Date(Date),
}

impl Cell {
    /// A text cell, or an empty one for an empty string.
    pub fn text(value: impl Into<String>) -> Cell {
        let value = value.into();
        if value.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(value)
        }
    }

    /// The value as a person reads it: dates `dd/mm/yyyy`, numbers with a dot.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Integer(n) => n.to_string(),
            Cell::Number(x) => x.to_string(),
            Cell::Date(d) => format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year()),
        }
    }
}

impl From<Option<Date>> for Cell {
    fn from(value: Option<Date>) -> Cell {
        value.map_or(Cell::Empty, Cell::Date)
    }
}

/// A column: its Vietnamese header and its width in characters.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub label: String,
    pub width: f64,
}

impl Column {
    pub fn new(label: impl Into<String>, width: f64) -> Column {
        Column {
            label: label.into(),
            width,
        }
    }
}

/// What a user downloads: a header row, rows of typed cells, and notes printed under the
/// data (for example that the list was cut at its cap).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The worksheet's name (at most 31 characters, as Excel requires).
    pub sheet: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
}

impl Table {
    pub fn new(sheet: impl Into<String>, columns: Vec<Column>) -> Table {
        Table {
            sheet: sheet.into(),
            columns,
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Appends a row; it must have one cell per column.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "one cell per column");
        self.rows.push(row);
    }
}

/// The file formats a list can be downloaded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileFormat {
    #[default]
    Xlsx,
    Csv,
}

impl FileFormat {
    /// `xlsx` or `csv`, as in a `?format=` parameter.
    pub fn parse(value: &str) -> Option<FileFormat> {
        match value.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Some(FileFormat::Xlsx),
            "csv" => Some(FileFormat::Csv),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "xlsx",
            FileFormat::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileFormat::Csv => "text/csv; charset=utf-8",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("xlsx: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("csv: {0}")]
    CsvBuffer(String),
}

/// The table as a file of the given format.
pub fn render(table: &Table, format: FileFormat) -> Result<Vec<u8>, ExportError> {
    match format {
        FileFormat::Xlsx => xlsx(table),
        FileFormat::Csv => csv(table),
    }
}

/// An Excel workbook of one sheet. Dates are Excel dates shown `dd/mm/yyyy`; numbers are
/// numbers; the header row is bold, frozen and filterable.
pub fn xlsx(table: &Table) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("DCE6F1");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&table.sheet))?;
    for (x, column) in table.columns.iter().enumerate() {
        let x = x as u16;
        sheet.write_string_with_format(0, x, &column.label, &header)?;
        sheet.set_column_width(x, column.width)?;
    }
    for (y, row) in table.rows.iter().enumerate() {
        let y = y as u32 + 1;
        for (x, cell) in row.iter().enumerate() {
            let x = x as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    sheet.write_string(y, x, s)?;
                }
                Cell::Integer(n) => {
                    sheet.write_number(y, x, *n as f64)?;
                }
                Cell::Number(v) => {
                    sheet.write_number(y, x, *v)?;
                }
                Cell::Date(d) => {
                    let value =
                        ExcelDateTime::from_ymd(d.year() as u16, u8::from(d.month()), d.day())?;
                    sheet.write_datetime_with_format(y, x, &value, &date)?;
                }
            }
        }
    }
    if !table.columns.is_empty() {
        sheet.autofilter(
            0,
            0,
            table.rows.len() as u32,
            table.columns.len() as u16 - 1,
        )?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, note) in table.notes.iter().enumerate() {
        sheet.write_string(table.rows.len() as u32 + 2 + i as u32, 0, note)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// Comma-separated UTF-8 with a byte-order mark and CRLF line ends (RFC 4180, as Excel
/// writes it), dates `dd/mm/yyyy`. Notes are left out: a CSV file is read by programs, which
/// would take them for data.
pub fn csv(table: &Table) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(table.columns.iter().map(|c| c.label.as_str()))?;
    for row in &table.rows {
        writer.write_record(row.iter().map(Cell::display))?;
    }
    writer
        .into_inner()
        .map_err(|e| ExportError::CsvBuffer(e.to_string()))
}

/// Excel refuses sheet names longer than 31 characters or holding `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    if cleaned.trim().is_empty() {
        "Danh sách".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;
    use time::macros::date;

    fn sample() -> Table {
        let mut table = Table::new(
            "Danh sách cán bộ",
            vec![
                Column::new("STT", 6.0),
                Column::new("Họ và tên", 24.0),
                Column::new("Ngày sinh", 12.0),
                Column::new("Hệ số lương", 10.0),
                Column::new("Ghi chú", 20.0),
            ],
        );
        table.push(vec![
            Cell::Integer(1),
            Cell::text("Nguyễn Thị Ánh"),
            Cell::Date(date!(1985 - 03 - 09)),
            Cell::Number(3.66),
            Cell::text(""),
        ]);
        table.push(vec![
            Cell::Integer(2),
            Cell::text("Trần Văn Đạt, \"Út\""),
            Cell::from(None),
            Cell::Number(2.34),
            Cell::text("dòng 1\ndòng 2"),
        ]);
        table.notes.push("Chỉ xuất 2 dòng đầu.".into());
        table
    }

    #[test]
    fn xlsx_keeps_headers_text_numbers_and_real_dates() {
        let bytes = xlsx(&sample()).unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec!["Danh sách cán bộ".to_string()]);
        let range = book.worksheet_range("Danh sách cán bộ").unwrap();
        assert_eq!(range.get((0, 1)), Some(&Data::String("Họ và tên".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::Float(1.0)));
        assert_eq!(
            range.get((1, 1)),
            Some(&Data::String("Nguyễn Thị Ánh".into()))
        );
        match range.get((1, 2)) {
            Some(Data::DateTime(d)) => {
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                assert_eq!((y, m, day), (1985, 3, 9));
            }
            other => panic!("a date cell, got {other:?}"),
        }
        assert_eq!(range.get((2, 3)), Some(&Data::Float(2.34)));
        assert_eq!(range.get((2, 2)), Some(&Data::Empty));
        assert_eq!(
            range.get((4, 0)),
            Some(&Data::String("Chỉ xuất 2 dòng đầu.".into()))
        );
    }

    #[test]
    fn csv_has_a_bom_quotes_what_needs_it_and_writes_dates_the_vietnamese_way() {
        let bytes = csv(&sample()).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBFSTT,H"));
        assert!(
            std::str::from_utf8(&bytes[3..])
                .unwrap()
                .contains("Ghi chú\r\n1,")
        );
        let mut reader = ::csv::Reader::from_reader(&bytes[3..]);
        let headers = reader.headers().unwrap().clone();
        assert_eq!(&headers[1], "Họ và tên");
        let rows: Vec<_> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2, "notes are not data");
        assert_eq!(&rows[0][2], "09/03/1985");
        assert_eq!(&rows[0][3], "3.66");
        assert_eq!(&rows[1][1], "Trần Văn Đạt, \"Út\"");
        assert_eq!(&rows[1][4], "dòng 1\ndòng 2");
        assert_eq!(&rows[1][2], "");
    }

    #[test]
    fn formats_parse_from_query_values() {
        assert_eq!(FileFormat::parse("CSV"), Some(FileFormat::Csv));
        assert_eq!(FileFormat::parse("xlsx"), Some(FileFormat::Xlsx));
        assert_eq!(FileFormat::parse("pdf"), None);
        assert_eq!(FileFormat::Csv.extension(), "csv");
    }

    #[test]
    fn sheet_names_are_made_acceptable_to_excel() {
        assert_eq!(sheet_name("Báo cáo 1/2026"), "Báo cáo 1-2026");
        assert_eq!(sheet_name(""), "Danh sách");
        assert_eq!(sheet_name(&"x".repeat(40)).chars().count(), 31);
        let mut table = sample();
        table.sheet = "Danh sách cán bộ, công chức và viên chức [2026]".into();
        assert!(xlsx(&table).is_ok());
    }
}
