//! The bytes of an uploaded file into sheets of cells: XLSX, XLS, ODS (`calamine`) or CSV.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufReader, Cursor, Read, Seek};

use calamine::{Data, Reader, SheetVisible};
use quick_xml::events::{BytesStart, Event};

use crate::ImportError;
use crate::values::Cell;

/// What a file may hold before it is refused.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_columns: usize,
    pub max_rows: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 50 * 1024 * 1024,
            max_columns: 256,
            max_rows: 200_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

/// One sheet: `rows[i][j]` is the cell of Excel row `first_row + i` (1-based) and column `j`
/// (0 = A).
#[derive(Debug, Clone)]
pub struct SheetData {
    pub name: String,
    pub hidden: bool,
    pub first_row: u32,
    pub rows: Vec<Vec<Cell>>,
    /// Merged ranges, in indices of `rows` and columns (the file only holds the value in the
    /// top-left cell). Known for XLSX and XLS; `calamine` does not give them for ODS.
    pub merges: Vec<Merge>,
    /// The Excel row numbers (1-based) of the rows of `rows` hidden in the file (by hand, by a
    /// filter or in a collapsed outline); rows without cells are left out. Known for XLSX only:
    /// empty for XLS and ODS, whose reader (`calamine`) does not tell, and for CSV, which has
    /// no such thing; empty too when the XLSX sheet's part cannot be read for them.
    pub hidden_rows: BTreeSet<u32>,
}

/// A range of merged cells: rows `top..=bottom` of `SheetData::rows`, columns `left..=right`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub top: usize,
    pub bottom: usize,
    pub left: usize,
    pub right: usize,
}

impl SheetData {
    /// The Excel row number of `rows[i]`.
    pub fn excel_row(&self, i: usize) -> u32 {
        self.first_row + i as u32
    }

    /// The Excel rows this sheet's cells cover.
    fn excel_rows(&self) -> std::ops::Range<u32> {
        self.first_row..self.excel_row(self.rows.len())
    }

    /// Keeps, of the rows the file hides, those among the sheet's cells.
    fn set_hidden_rows(&mut self, hidden: impl IntoIterator<Item = u32>) {
        let rows = self.excel_rows();
        self.hidden_rows = hidden.into_iter().filter(|r| rows.contains(r)).collect();
    }

    /// Whether `rows[i]` is hidden in the file (see `hidden_rows`).
    pub fn is_row_hidden(&self, i: usize) -> bool {
        self.hidden_rows.contains(&self.excel_row(i))
    }

    pub fn cell(&self, i: usize, j: usize) -> &Cell {
        self.rows
            .get(i)
            .and_then(|r| r.get(j))
            .unwrap_or(&Cell::Empty)
    }

    /// The cell of a data row as Excel shows it: a cell merged down from a row at or below
    /// `first_data_row` holds the value of the merge's top cell (a unit name merged over the
    /// rows of its people belongs to each of them). Merges across columns show their value once,
    /// in the leftmost column, and so do merges reaching up into the headers.
    pub fn data_cell(&self, i: usize, j: usize, first_data_row: usize) -> &Cell {
        let own = self.cell(i, j);
        if !own.is_empty() {
            return own;
        }
        self.merges
            .iter()
            .find(|m| m.left == j && m.top < i && i <= m.bottom && m.top >= first_data_row)
            .map_or(own, |m| self.cell(m.top, m.left))
    }

    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    fn set_merges(&mut self, merges: &[calamine::Dimensions]) {
        let top = self.first_row.saturating_sub(1);
        self.merges = merges
            .iter()
            .filter(|d| d.start.0 >= top)
            .map(|d| Merge {
                top: (d.start.0 - top) as usize,
                bottom: (d.end.0.saturating_sub(top)) as usize,
                left: d.start.1 as usize,
                right: d.end.1 as usize,
            })
            .collect();
    }

    fn is_blank(&self) -> bool {
        self.rows.iter().all(|r| r.iter().all(Cell::is_empty))
    }
}

#[derive(Debug, Clone)]
pub struct Workbook {
    pub format: Format,
    pub sheets: Vec<SheetData>,
}

/// The letter of a column (0 → A, 26 → AA).
pub fn column_letter(mut j: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (j % 26) as u8);
        if j < 26 {
            break;
        }
        j = j / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

const ZIP: &[u8] = b"PK\x03\x04";
const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads every sheet of a file (hidden ones marked).
pub fn read_workbook(bytes: &[u8], limits: &Limits) -> Result<Workbook, ImportError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImportError::TooBig {
            megabytes: bytes.len().div_ceil(1024 * 1024),
            max_megabytes: limits.max_bytes / (1024 * 1024),
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty);
    }
    let wb = if bytes.starts_with(ZIP) {
        let is_ods = bytes
            .windows(46)
            .take(200)
            .any(|w| w == b"application/vnd.oasis.opendocument.spreadsheet");
        if is_ods {
            let mut ods: calamine::Ods<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
                .map_err(|e| match e {
                    calamine::OdsError::Password => ImportError::Password,
                    e => ImportError::Damaged(e.to_string()),
                })?;
            let mut wb = read_sheets(&mut ods, Format::Ods, limits)?;
            let mut unseen = crate::unseen::ods_sheets(bytes);
            for sheet in &mut wb.sheets {
                let Some(found) = unseen.remove(&sheet.name) else {
                    continue;
                };
                sheet.set_merges(&found.merges);
                sheet.set_hidden_rows(found.hidden_among(sheet.excel_rows()));
            }
            wb
        } else {
            let mut x: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
                .map_err(|e| match e {
                    calamine::XlsxError::Password => ImportError::Password,
                    _ => ImportError::NotSpreadsheet,
                })?;
            let mut wb = read_sheets(&mut x, Format::Xlsx, limits)?;
            let mut hidden = xlsx_hidden_rows(bytes);
            for sheet in &mut wb.sheets {
                let merges = x.merge_cells_by_sheet_name(&sheet.name).unwrap_or_default();
                sheet.set_merges(&merges);
                sheet.set_hidden_rows(hidden.remove(&sheet.name).unwrap_or_default());
            }
            wb
        }
    } else if bytes.starts_with(CFB) {
        // An encrypted XLSX is a compound file holding an "EncryptedPackage" stream.
        let marker: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if bytes.windows(marker.len()).any(|w| w == marker.as_slice()) {
            return Err(ImportError::Password);
        }
        let mut x: calamine::Xls<_> =
            calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| match e {
                calamine::XlsError::Password => ImportError::Password,
                e => ImportError::Damaged(e.to_string()),
            })?;
        let mut wb = read_sheets(&mut x, Format::Xls, limits)?;
        let mut hidden = crate::unseen::xls_hidden_rows(bytes);
        for sheet in &mut wb.sheets {
            let merges = x.merge_cells_by_sheet_name(&sheet.name).unwrap_or_default();
            sheet.set_merges(&merges);
            sheet.set_hidden_rows(hidden.remove(&sheet.name).unwrap_or_default());
        }
        wb
    } else {
        read_csv(bytes, limits)?
    };
    if wb.sheets.iter().all(SheetData::is_blank) {
        return Err(ImportError::Empty);
    }
    Ok(wb)
}

fn read_sheets<R, RS>(
    book: &mut R,
    format: Format,
    limits: &Limits,
) -> Result<Workbook, ImportError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let metas = book.sheets_metadata().to_vec();
    let mut sheets = Vec::new();
    for meta in metas {
        let range = book
            .worksheet_range(&meta.name)
            .map_err(|e| ImportError::Damaged(e.to_string()))?;
        let (start_row, start_col) = range.start().unwrap_or((0, 0));
        if range.height() > limits.max_rows {
            return Err(ImportError::TooManyRows {
                sheet: meta.name.clone(),
                rows: range.height(),
                max: limits.max_rows,
            });
        }
        let mut rows: Vec<Vec<Cell>> = Vec::with_capacity(range.height());
        for r in range.rows() {
            let mut row = vec![Cell::Empty; start_col as usize];
            row.extend(r.iter().map(cell_of));
            rows.push(row);
        }
        // A formula saved without its result (written by a program, never opened in a
        // spreadsheet application) reads as empty: it is kept as a formula to be reported.
        if let Ok(formulas) = book.worksheet_formula(&meta.name) {
            for (r, c, formula) in formulas.used_cells() {
                let (r, c) = (
                    r + formulas.start().map_or(0, |s| s.0 as usize),
                    c + formulas.start().map_or(0, |s| s.1 as usize),
                );
                if formula.trim().is_empty() || r < start_row as usize {
                    continue;
                }
                let value = range.get_value((r as u32, c as u32));
                if value.is_some_and(|v| *v != Data::Empty) {
                    continue;
                }
                let i = r - start_row as usize;
                if rows.len() <= i {
                    rows.resize(i + 1, Vec::new());
                }
                if rows[i].len() <= c {
                    rows[i].resize(c + 1, Cell::Empty);
                }
                rows[i][c] = Cell::Uncomputed(formula.clone());
            }
        }
        for row in &mut rows {
            while row.last().is_some_and(Cell::is_empty) {
                row.pop();
            }
            if row.len() > limits.max_columns {
                return Err(ImportError::TooManyColumns {
                    sheet: meta.name.clone(),
                    columns: row.len(),
                    max: limits.max_columns,
                });
            }
        }
        sheets.push(SheetData {
            name: meta.name.clone(),
            hidden: meta.visible != SheetVisible::Visible,
            first_row: start_row + 1,
            rows,
            merges: Vec::new(),
            hidden_rows: BTreeSet::new(),
        });
    }
    Ok(Workbook { format, sheets })
}

/// The hidden rows of each sheet of an XLSX file, by the sheet's name, read from the parts as
/// the package names them: `_rels/.rels` the workbook part, the workbook its sheets (name and
/// relationship id), the workbook's relationships each sheet's part, and in it `<row r="5"
/// hidden="1">`. Tolerant: `calamine` has already read the file, so a part that cannot be read
/// here leaves its sheet (or every sheet) without hidden rows rather than refusing the file.
fn xlsx_hidden_rows(bytes: &[u8]) -> HashMap<String, BTreeSet<u32>> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return HashMap::new();
    };
    let workbook = office_document(&mut zip).unwrap_or_else(|| "xl/workbook.xml".to_string());
    let (dir, file) = workbook.split_at(workbook.rfind('/').map_or(0, |i| i + 1));
    let (dir, file) = (dir.to_string(), file.to_string());
    let Some(targets) = relationships(&mut zip, &format!("{dir}_rels/{file}.rels")) else {
        return HashMap::new();
    };
    let mut sheets = Vec::new();
    let read = each_element(&mut zip, &workbook, |e, _| {
        if e.local_name().as_ref() == "sheet" {
            let name = attribute(e, "name");
            let id = attribute(e, "id");
            if let (Some(name), Some(id)) = (name, id) {
                sheets.push((name, id));
            }
        }
        true
    });
    if read.is_none() {
        return HashMap::new();
    }
    let mut hidden = HashMap::new();
    for (name, id) in sheets {
        let Some(target) = targets.get(&id) else {
            continue;
        };
        let part = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("{dir}{target}"),
        };
        let mut rows = BTreeSet::new();
        let mut last = 0u32;
        let read = each_element(&mut zip, &part, |e, empty| {
            if e.local_name().as_ref() == "row" {
                // `r` may be left out: the row after the one before.
                let r = attribute(e, "r")
                    .and_then(|r| r.trim().parse().ok())
                    .unwrap_or(last.saturating_add(1));
                last = r;
                // A row without cells (`<row r="9" hidden="1"/>`, often written for whole
                // blocks of formatted rows) holds no data: not kept.
                if !empty
                    && attribute(e, "hidden")
                        .is_some_and(|h| h.trim() == "1" || h.trim().eq_ignore_ascii_case("true"))
                {
                    rows.insert(r);
                }
            }
            true
        });
        if read.is_some() && !rows.is_empty() {
            hidden.insert(name, rows);
        }
    }
    hidden
}

/// The workbook part, as `_rels/.rels` names it (without a leading `/`).
fn office_document<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Option<String> {
    let mut target = None;
    each_element(zip, "_rels/.rels", |e, _| {
        if e.local_name().as_ref() == "Relationship"
            && attribute(e, "Type").is_some_and(|t| t.ends_with("/officeDocument"))
        {
            target = attribute(e, "Target");
            return false;
        }
        true
    })?;
    target.map(|t| t.trim_start_matches('/').to_string())
}

/// The targets of a relationships part, by id.
fn relationships<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    part: &str,
) -> Option<HashMap<String, String>> {
    let mut targets = HashMap::new();
    each_element(zip, part, |e, _| {
        if e.local_name().as_ref() == "Relationship"
            && let (Some(id), Some(target)) = (attribute(e, "Id"), attribute(e, "Target"))
        {
            targets.insert(id, target);
        }
        true
    })?;
    Some(targets)
}

/// Calls `f` with each element of a part (its start tag, and whether it is an empty tag
/// `<a/>`) until it returns `false` or the part ends. `None` when the part is missing or its XML is broken. Names in the package are
/// matched as `calamine` does, case aside and with `\` for `/`.
pub(crate) fn each_element<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    part: &str,
    mut f: impl FnMut(&BytesStart<'_>, bool) -> bool,
) -> Option<()> {
    let want = part.replace('\\', "/").to_ascii_lowercase();
    let name = zip
        .file_names()
        .filter_map(Result::ok)
        .find(|n| n.replace('\\', "/").to_ascii_lowercase() == want)?
        .into_owned();
    let file = zip.by_name(&name).ok()?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(file));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if !f(&e, false) => return Some(()),
            Event::Empty(e) if !f(&e, true) => return Some(()),
            Event::Eof => return Some(()),
            _ => {}
        }
    }
}

/// The value of an attribute, by its local name (`id` for `r:id`), escapes read.
pub(crate) fn attribute(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn cell_of(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        // The cached result of a formula that failed.
        Data::String(s)
            if matches!(
                s.as_str(),
                "#DIV/0!" | "#REF!" | "#N/A" | "#VALUE!" | "#NAME?" | "#NUM!" | "#NULL!"
            ) =>
        {
            Cell::Error(s.clone())
        }
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => Cell::Date(dt.as_f64()),
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) => Cell::Text(s.chars().take(10).collect()),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("#{e:?}")),
    }
}

/// The text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, or an 8-bit file
/// (each byte its Latin-1 character, which is how TCVN3 and VNI text read).
fn decode_text(bytes: &[u8]) -> Result<String, ImportError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(rest.to_vec()).map_err(|_| ImportError::Encoding);
    }
    for (bom, le) in [([0xFF, 0xFE], true), ([0xFE, 0xFF], false)] {
        if let Some(rest) = bytes.strip_prefix(&bom) {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| {
                    if le {
                        u16::from_le_bytes([c[0], c[1]])
                    } else {
                        u16::from_be_bytes([c[0], c[1]])
                    }
                })
                .collect();
            return String::from_utf16(&units).map_err(|_| ImportError::Encoding);
        }
    }
    // Control bytes other than tab and line breaks: a binary file, not a table.
    let binary = bytes
        .iter()
        .take(64 * 1024)
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    if binary > 0 {
        return Err(ImportError::NotSpreadsheet);
    }
    Ok(match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    })
}

fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Workbook, ImportError> {
    let text = decode_text(bytes)?;
    let sample: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| sample.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    if !sample.bytes().any(|b| b == delimiter) {
        return Err(ImportError::NotSpreadsheet);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Damaged(e.to_string()))?;
        if rows.len() >= limits.max_rows {
            return Err(ImportError::TooManyRows {
                sheet: "CSV".into(),
                rows: rows.len() + 1,
                max: limits.max_rows,
            });
        }
        let mut row: Vec<Cell> = record
            .iter()
            .map(|s| {
                if s.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_string())
                }
            })
            .collect();
        while row.last().is_some_and(Cell::is_empty) {
            row.pop();
        }
        if row.len() > limits.max_columns {
            return Err(ImportError::TooManyColumns {
                sheet: "CSV".into(),
                columns: row.len(),
                max: limits.max_columns,
            });
        }
        rows.push(row);
    }
    Ok(Workbook {
        format: Format::Csv,
        sheets: vec![SheetData {
            name: "CSV".into(),
            hidden: false,
            first_row: 1,
            rows,
            merges: Vec::new(),
            hidden_rows: BTreeSet::new(),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn csv_in_every_encoding_it_comes() {
        let limits = Limits::default();
        let utf8 = "Họ và tên;Ngày sinh\nNguyễn Văn Đạt;07/03/1985\n";
        let wb = read_workbook(utf8.as_bytes(), &limits).unwrap();
        assert_eq!(wb.sheets[0].rows[1][0], Cell::Text("Nguyễn Văn Đạt".into()));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(utf8.as_bytes());
        assert_eq!(
            read_workbook(&bom, &limits).unwrap().sheets[0].rows.len(),
            2
        );
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(utf8.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            read_workbook(&utf16, &limits).unwrap().sheets[0].rows[1][1],
            Cell::Text("07/03/1985".into())
        );
        // TCVN3 saved as 8-bit text: each byte its Latin-1 character.
        let tcvn: Vec<u8> = "Hä vµ tªn,Ngµy sinh\nNguyÔn V¨n §¹t,07/03/1985\n"
            .chars()
            .map(|c| c as u32 as u8)
            .collect();
        let wb = read_workbook(&tcvn, &limits).unwrap();
        assert_eq!(wb.sheets[0].rows[1][0], Cell::Text("NguyÔn V¨n §¹t".into()));
    }

    #[test]
    fn hidden_rows_of_xlsx_sheets_by_excel_row() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let first = wb.add_worksheet().set_name("Cán bộ & nhân viên").unwrap();
        for r in 0..6 {
            first.write_number(r, 0, f64::from(r)).unwrap();
        }
        first.set_row_hidden(2).unwrap();
        first.set_row_hidden(4).unwrap();
        let second = wb.add_worksheet().set_name("Khác").unwrap();
        second.write_string(3, 1, "x").unwrap();
        let wb = read_workbook(&wb.save_to_buffer().unwrap(), &Limits::default()).unwrap();
        assert_eq!(wb.sheets[0].hidden_rows, BTreeSet::from([3, 5]));
        assert!(wb.sheets[0].is_row_hidden(2));
        assert!(!wb.sheets[0].is_row_hidden(3));
        assert!(wb.sheets[1].hidden_rows.is_empty());
        // Not a workbook's parts at all: no hidden rows, no failure.
        assert!(xlsx_hidden_rows(b"PK\x03\x04garbage").is_empty());

        let csv = read_workbook(b"a,b\n1,2\n", &Limits::default()).unwrap();
        assert!(csv.sheets[0].hidden_rows.is_empty());
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        let limits = Limits::default();
        assert!(matches!(
            read_workbook(b"", &limits),
            Err(ImportError::Empty)
        ));
        assert!(matches!(
            read_workbook(b"\x00\x01\x02binary\x00", &limits),
            Err(ImportError::NotSpreadsheet)
        ));
        assert!(matches!(
            read_workbook(b"%PDF-1.7\n\x01\x02", &limits),
            Err(ImportError::NotSpreadsheet)
        ));
        assert!(matches!(
            read_workbook(b"PK\x03\x04garbage", &limits),
            Err(ImportError::NotSpreadsheet)
        ));
        assert!(matches!(
            read_workbook(b"just one line of prose", &limits),
            Err(ImportError::NotSpreadsheet)
        ));
        let small = Limits {
            max_bytes: 10,
            ..limits
        };
        let err = read_workbook(b"a,b,c\n1,2,3\n4,5,6\n", &small).unwrap_err();
        assert!(matches!(err, ImportError::TooBig { .. }), "{err}");
        let wide = (0..1000)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(",");
        let err = read_workbook(wide.as_bytes(), &limits).unwrap_err();
        assert!(err.to_string().contains("1000 cột"), "{err}");
        // A compound file holding an encrypted package: a password-protected workbook.
        let mut cfb = CFB.to_vec();
        cfb.extend(vec![0u8; 100]);
        cfb.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(matches!(
            read_workbook(&cfb, &limits),
            Err(ImportError::Password)
        ));
    }
}
