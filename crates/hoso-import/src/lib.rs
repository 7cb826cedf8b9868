//! Import from the spreadsheets HR officers keep: XLSX, XLS, ODS and CSV; title rows, two-row
//! headers, column numbers and signatures around the table; dates, số định danh and catalog
//! values as people typed them; text in Unicode, TCVN3 or VNI.
//!
//! Pure: bytes in, record documents and a row-by-row report out. Writing the records (through
//! the version writer, with rights, audit and jobs) is `hoso_app::imports`.

pub mod files;
pub mod layout;
pub mod legacy;
pub mod read;
pub mod text;
pub mod values;

use std::collections::{BTreeMap, HashMap};

use hoso_domain::catalog::Catalogs;
use hoso_domain::schema::{FieldRole, RecordDoc, RecordSchema};
use serde_json::{Map, Value};

pub use layout::{Column, FieldIndex, Layout, Target};
pub use legacy::{Detector, Encoding};
pub use read::{Format, Limits, SheetData, Workbook, column_letter, read_workbook};
pub use values::Cell;

/// Why a file cannot be read at all (row errors are [`RowIssue`]s).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("Tệp trống: không có dữ liệu để nhập.")]
    Empty,
    #[error(
        "Tệp không phải là bảng tính Excel (XLSX, XLS), OpenDocument (ODS) hay CSV; hãy lưu lại bằng Excel rồi tải lên."
    )]
    NotSpreadsheet,
    #[error(
        "Bảng tính được đặt mật khẩu; hãy bỏ mật khẩu (Excel: Tệp → Thông tin → Bảo vệ sổ làm việc) rồi tải lên lại."
    )]
    Password,
    #[error("Tệp quá lớn ({megabytes} MB; tối đa {max_megabytes} MB). Hãy chia thành nhiều tệp.")]
    TooBig {
        megabytes: usize,
        max_megabytes: usize,
    },
    #[error("Trang \"{sheet}\" có {columns} cột (tối đa {max} cột); hãy xoá các cột thừa.")]
    TooManyColumns {
        sheet: String,
        columns: usize,
        max: usize,
    },
    #[error("Trang \"{sheet}\" có {rows} dòng (tối đa {max} dòng); hãy chia thành nhiều tệp.")]
    TooManyRows {
        sheet: String,
        rows: usize,
        max: usize,
    },
    #[error(
        "Tệp văn bản không đọc được theo bảng mã nào được hỗ trợ (UTF-8, UTF-16, TCVN3, VNI); hãy lưu lại dạng CSV UTF-8."
    )]
    Encoding,
    #[error("Tệp bị hỏng, không đọc được ({0}).")]
    Damaged(String),
    #[error("Không có trang \"{0}\" trong tệp.")]
    NoSuchSheet(String),
    #[error(
        "Không tìm thấy dòng tiêu đề của bảng (các cột như \"Họ và tên\", \"Ngày sinh\", \"Số định danh\"){hint}."
    )]
    NoHeader { hint: String },
}

/// A problem with one cell (or one row) of the file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowIssue {
    /// Excel row number.
    pub row: u32,
    /// The column's header (empty for the row as a whole).
    pub column: String,
    /// The column letter (empty for the row as a whole).
    pub letter: String,
    /// The value as it was in the file.
    pub value: String,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

/// One data row read into a record document.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    /// Excel row number.
    pub row: u32,
    pub doc: RecordDoc,
    pub national_id: Option<String>,
    /// Wrong values: the row is refused while it has any.
    pub issues: Vec<RowIssue>,
    /// Where each value came from, by path (`general.date_of_birth`): the column and the
    /// value as it was, for reporting what validation says about it.
    pub sources: BTreeMap<String, Source>,
}

/// The cell a value of the document was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub letter: String,
    pub header: String,
    pub value: String,
}

impl ParsedRow {
    /// An issue about the value at `path` (as validation names it), on its column.
    pub fn issue_at(&self, path: &str, message: String) -> RowIssue {
        let source = self.sources.get(path);
        RowIssue {
            row: self.row,
            column: source.map(|s| s.header.clone()).unwrap_or_default(),
            letter: source.map(|s| s.letter.clone()).unwrap_or_default(),
            value: source.map(|s| s.value.clone()).unwrap_or_default(),
            message,
        }
    }
}

/// How to read a file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The sheet to read (default: the first visible sheet holding a table).
    pub sheet: Option<String>,
    /// Columns mapped by hand, by index (0 = A).
    pub overrides: BTreeMap<usize, Target>,
    pub limits: Limits,
}

/// A sheet of the file, for choosing another.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SheetInfo {
    pub name: String,
    pub hidden: bool,
}

/// What was read: the table found, the mapping, every row.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub format: Format,
    pub sheets: Vec<SheetInfo>,
    pub sheet: String,
    /// The legacy encoding detected (`None`: Unicode).
    pub encoding: Option<Encoding>,
    pub layout: Layout,
    pub rows: Vec<ParsedRow>,
}

impl Analysis {
    /// Columns the headers did not name and the user has not mapped.
    pub fn unmatched(&self) -> impl Iterator<Item = &Column> {
        self.layout.columns.iter().filter(|c| c.target.is_none())
    }

    pub fn issues(&self) -> impl Iterator<Item = &RowIssue> {
        self.rows.iter().flat_map(|r| r.issues.iter())
    }
}

fn detector_for(sheet: &SheetData) -> Detector {
    let mut d = Detector::default();
    for row in &sheet.rows {
        for cell in row {
            if let Cell::Text(t) = cell {
                d.observe(t);
            }
        }
    }
    d
}

/// Reads a file: finds the table, maps its columns, reads every row.
pub fn analyze(
    bytes: &[u8],
    schema: &RecordSchema,
    catalogs: &Catalogs,
    options: &Options,
) -> Result<Analysis, ImportError> {
    let workbook = read_workbook(bytes, &options.limits)?;
    let index = FieldIndex::new(schema);
    let sheets: Vec<SheetInfo> = workbook
        .sheets
        .iter()
        .map(|s| SheetInfo {
            name: s.name.clone(),
            hidden: s.hidden,
        })
        .collect();
    let candidates: Vec<&SheetData> = match &options.sheet {
        Some(name) => vec![
            workbook
                .sheets
                .iter()
                .find(|s| &s.name == name)
                .ok_or_else(|| ImportError::NoSuchSheet(name.clone()))?,
        ],
        None => workbook.sheets.iter().filter(|s| !s.hidden).collect(),
    };
    let found = candidates.into_iter().find_map(|sheet| {
        let detector = detector_for(sheet);
        find_layout_in(sheet, &index, &detector, options).map(|l| (sheet, detector, l))
    });
    let Some((sheet, detector, layout)) = found else {
        let hidden = workbook
            .sheets
            .iter()
            .filter(|s| s.hidden)
            .any(|s| find_layout_in(s, &index, &detector_for(s), options).is_some());
        return Err(ImportError::NoHeader {
            hint: if options.sheet.is_none() && hidden {
                "; bảng nằm trong một trang đang ẩn: hãy hiện trang đó hoặc chọn trang khi tải lên"
                    .into()
            } else {
                String::new()
            },
        });
    };
    let mut rows = Vec::new();
    for i in layout.data_start..layout.data_end {
        if let Some(row) = read_row(sheet, i, &layout, schema, catalogs, &detector) {
            rows.push(row);
        }
    }
    mark_duplicates(&mut rows);
    Ok(Analysis {
        format: workbook.format,
        sheets,
        sheet: sheet.name.clone(),
        encoding: detector.file_encoding(),
        layout,
        rows,
    })
}

fn find_layout_in(
    sheet: &SheetData,
    index: &FieldIndex<'_>,
    detector: &Detector,
    options: &Options,
) -> Option<Layout> {
    layout::find_layout(sheet, index, detector, &options.overrides)
}

fn set(doc: &mut RecordDoc, section: &str, field: &str, value: Value) {
    let entry = doc
        .entry(section.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(obj) = entry.as_object_mut() {
        obj.insert(field.to_string(), value);
    }
}

fn get<'d>(doc: &'d RecordDoc, section: &str, field: &str) -> Option<&'d Value> {
    doc.get(section)?.as_object()?.get(field)
}

/// Reads data row `i` (`None` when every mapped cell is empty).
fn read_row(
    sheet: &SheetData,
    i: usize,
    layout: &Layout,
    schema: &RecordSchema,
    catalogs: &Catalogs,
    detector: &Detector,
) -> Option<ParsedRow> {
    let excel_row = sheet.excel_row(i);
    let mapped: Vec<&Column> = layout
        .columns
        .iter()
        .filter(|c| {
            matches!(
                c.target,
                Some(Target::Field { .. } | Target::BirthDateOfSex { .. })
            )
        })
        .collect();
    if mapped.iter().all(|c| sheet.cell(i, c.index).is_empty()) {
        return None;
    }
    let mut doc = RecordDoc::new();
    let mut issues = Vec::new();
    let mut sources = BTreeMap::new();
    let birth = schema.role_field(FieldRole::BirthDate);
    let sex = schema.role_field(FieldRole::Sex);
    for column in mapped {
        let cell = sheet.cell(i, column.index);
        if cell.is_empty() {
            continue;
        }
        let issue = |message: String| RowIssue {
            row: excel_row,
            column: column.header.clone(),
            letter: column.letter.clone(),
            value: cell.shown(),
            message,
        };
        let source = Source {
            letter: column.letter.clone(),
            header: column.header.clone(),
            value: cell.shown(),
        };
        let text = match cell {
            Cell::Text(t) => match detector.read(t) {
                Ok(t) => text::clean(&t),
                Err(e) => {
                    issues.push(issue(e.to_string()));
                    continue;
                }
            },
            other => other.text(),
        };
        match column.target.as_ref() {
            Some(Target::Field { section, field }) => {
                let Some(f) = schema.field(section, field) else {
                    continue;
                };
                match values::read_value(f, catalogs, cell, &text) {
                    Ok(Some(v)) => {
                        set(&mut doc, section, field, v);
                        sources.insert(format!("{section}.{field}"), source);
                    }
                    Ok(None) => {}
                    Err(message) => issues.push(issue(format!("{}: {message}", f.column_label()))),
                }
            }
            Some(Target::BirthDateOfSex { sex: which }) => {
                let (Some((bs, bf)), Some((ss, sf))) = (birth, sex) else {
                    continue;
                };
                let date = match cell {
                    Cell::Text(_) => values::parse_date_text(&text),
                    other => values::read_date(other),
                };
                match date {
                    Err(message) => issues.push(issue(format!("{}: {message}", bf.label))),
                    Ok(_) if get(&doc, &ss.id, &sf.id).is_some() => issues.push(issue(
                        "Ngày sinh ghi ở cả cột Nam và cột Nữ; chỉ ghi ở một cột.".into(),
                    )),
                    Ok(d) => {
                        set(
                            &mut doc,
                            &bs.id,
                            &bf.id,
                            Value::from(format!(
                                "{:04}-{:02}-{:02}",
                                d.year(),
                                d.month() as u8,
                                d.day()
                            )),
                        );
                        set(&mut doc, &ss.id, &sf.id, Value::from(which.clone()));
                        sources.insert(format!("{}.{}", bs.id, bf.id), source.clone());
                        sources.insert(format!("{}.{}", ss.id, sf.id), source);
                    }
                }
            }
            _ => {}
        }
    }
    let national_id = schema
        .role_text(&doc, FieldRole::NationalId)
        .map(str::to_string);
    if national_id.is_none()
        && !issues.iter().any(|i| {
            layout
                .columns
                .iter()
                .any(|c| c.letter == i.letter && is_national(schema, c))
        })
    {
        issues.push(RowIssue {
            row: excel_row,
            column: schema
                .role_field(FieldRole::NationalId)
                .map(|(_, f)| f.column_label().to_string())
                .unwrap_or_default(),
            letter: layout
                .columns
                .iter()
                .find(|c| is_national(schema, c))
                .map(|c| c.letter.clone())
                .unwrap_or_default(),
            value: String::new(),
            message: "Thiếu số định danh cá nhân: không nhập được dòng này.".into(),
        });
    }
    Some(ParsedRow {
        row: excel_row,
        doc,
        national_id,
        issues,
        sources,
    })
}

fn is_national(schema: &RecordSchema, c: &Column) -> bool {
    match (&c.target, schema.role_field(FieldRole::NationalId)) {
        (Some(Target::Field { section, field }), Some((s, f))) => {
            *section == s.id && *field == f.id
        }
        _ => false,
    }
}

/// Refuses every row whose số định danh another row also has, naming the other rows.
pub fn mark_duplicates(rows: &mut [ParsedRow]) {
    let mut seen: HashMap<String, Vec<u32>> = HashMap::new();
    for r in rows.iter() {
        if let Some(id) = &r.national_id {
            seen.entry(id.clone()).or_default().push(r.row);
        }
    }
    for r in rows.iter_mut() {
        let Some(id) = &r.national_id else { continue };
        let others: Vec<String> = seen[id]
            .iter()
            .filter(|&&n| n != r.row)
            .map(u32::to_string)
            .collect();
        if !others.is_empty() {
            r.issues.push(RowIssue {
                row: r.row,
                column: "Số định danh".into(),
                letter: String::new(),
                value: id.clone(),
                message: format!(
                    "Số định danh {id} trùng với dòng {}: mỗi người chỉ ghi một dòng.",
                    others.join(", ")
                ),
            });
        }
    }
}
