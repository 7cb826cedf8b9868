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
mod unseen;
pub mod values;

use std::collections::{BTreeMap, HashMap};

use hoso_domain::catalog::Catalogs;
use hoso_domain::schema::{FieldRole, RecordDoc, RecordSchema, Section};
use serde_json::{Map, Value};

pub use layout::{Column, FieldIndex, Layout, Target, is_importable};
pub use legacy::{Detector, Encoding};
pub use read::{Format, Limits, Merge, SheetData, Workbook, column_letter, read_workbook};
use text::fold;
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
    /// The sheet's name.
    pub sheet: String,
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

/// One person read from the file: their row of the main sheet, with the rows of every section
/// sheet bearing their số định danh gathered into the repeating sections of `doc`.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    /// The sheet of the person's row: the main sheet, or the first section sheet naming them
    /// when they have no row in the main sheet.
    pub sheet: String,
    /// Excel row number of that row.
    pub row: u32,
    /// Whether the person has a row in the main sheet. A person only in section sheets brings
    /// rows of repeating sections for a record already held.
    pub in_main_sheet: bool,
    pub doc: RecordDoc,
    pub national_id: Option<String>,
    /// Wrong values, on the main sheet and on section sheets: the person is refused while
    /// they have any.
    pub issues: Vec<RowIssue>,
    /// Where each value came from, by path as validation names it (`general.date_of_birth`,
    /// `work_history[1].from`): the sheet, row and column and the value as it was, for reporting
    /// what validation says about it.
    pub sources: BTreeMap<String, Source>,
}

/// The cell a value of the document was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub sheet: String,
    pub row: u32,
    pub letter: String,
    pub header: String,
    pub value: String,
}

impl ParsedRow {
    /// An issue about the value at `path` (as validation names it), on its cell; on the
    /// person's row when the path was not read from a cell.
    pub fn issue_at(&self, path: &str, message: String) -> RowIssue {
        let source = self.sources.get(path);
        RowIssue {
            sheet: source.map_or_else(|| self.sheet.clone(), |s| s.sheet.clone()),
            row: source.map_or(self.row, |s| s.row),
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
    /// The main sheet, one row per person (default: the first visible sheet holding a list of
    /// people).
    pub sheet: Option<String>,
    /// Columns of the main sheet mapped by hand, by index (0 = A).
    pub overrides: BTreeMap<usize, Target>,
    pub limits: Limits,
}

/// A sheet of the file, for choosing another.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SheetInfo {
    pub name: String,
    pub hidden: bool,
}

/// A sheet read as the rows of a repeating section.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SectionSheet {
    pub sheet: String,
    /// The section's id (`work_history`).
    pub section: String,
    /// The section's label, for the page.
    pub section_label: String,
    pub layout: Layout,
}

/// A visible sheet that looks like data but was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SheetIssue {
    pub sheet: String,
    pub message: String,
}

/// What was read: the tables found, the mapping, every person.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub format: Format,
    pub sheets: Vec<SheetInfo>,
    /// The main sheet.
    pub sheet: String,
    /// The legacy encoding detected (`None`: Unicode).
    pub encoding: Option<Encoding>,
    /// The table of the main sheet.
    pub layout: Layout,
    /// The sheets read as rows of repeating sections, in the file's order.
    pub section_sheets: Vec<SectionSheet>,
    /// Sheets that hold a table but could not be read.
    pub sheet_issues: Vec<SheetIssue>,
    /// The people: those of the main sheet in its order, then those only in section sheets.
    pub rows: Vec<ParsedRow>,
}

impl Analysis {
    /// Columns of the main sheet the headers did not name and the user has not mapped.
    pub fn unmatched(&self) -> impl Iterator<Item = &Column> {
        self.layout.columns.iter().filter(|c| c.target.is_none())
    }

    pub fn issues(&self) -> impl Iterator<Item = &RowIssue> {
        self.rows.iter().flat_map(|r| r.issues.iter())
    }
}

fn observe(detector: &mut Detector, sheet: &SheetData) {
    for row in &sheet.rows {
        for cell in row {
            if let Cell::Text(t) = cell {
                detector.observe(t);
            }
        }
    }
}

fn detector_for(sheet: &SheetData) -> Detector {
    let mut d = Detector::default();
    observe(&mut d, sheet);
    d
}

/// What a sheet holds.
enum SheetKind<'s> {
    /// A list of people, one row each.
    Main,
    /// Rows of one repeating section, keyed by số định danh.
    Section(&'s str, Layout),
    /// A table that cannot be read, and why.
    Unreadable(String),
    /// No table: notes, an empty sheet.
    NotData,
}

/// Whether a sheet's name names a section: equal to its label or to a part of it in whole
/// words (the name cut to Excel's 31 characters, "Quá trình công tác" for "Tóm tắt quá trình
/// công tác"), or holding it ("32.5 Tin học"); accents and case aside.
fn name_matches(sheet: &str, section: &Section) -> bool {
    let (name, label) = (fold(sheet), fold(&section.label));
    if name.chars().count() < 4 {
        return false;
    }
    let (name, label) = (format!(" {name} "), format!(" {label} "));
    label.contains(&name) || name.contains(&label)
}

/// Columns mapped to fields other than the số định danh.
fn fields_mapped(layout: &Layout, schema: &RecordSchema, section: Option<&str>) -> usize {
    layout
        .columns
        .iter()
        .filter(|c| match &c.target {
            Some(Target::Field { section: s, .. }) => {
                !is_national(schema, c) && section.is_none_or(|want| want == s)
            }
            Some(Target::BirthDateOfSex { .. }) => section.is_none(),
            _ => false,
        })
        .count()
}

fn classify<'s>(
    sheet: &SheetData,
    detector: &Detector,
    main_index: &FieldIndex<'_>,
    section_indexes: &[(&'s Section, FieldIndex<'_>)],
    schema: &RecordSchema,
) -> SheetKind<'s> {
    let none = BTreeMap::new();
    let main = layout::find_layout(sheet, main_index, detector, &none);
    let main_score = main.as_ref().map_or(0, |l| fields_mapped(l, schema, None));
    let mut sections: Vec<(&'s Section, Layout, usize)> = section_indexes
        .iter()
        .filter_map(|(section, index)| {
            let layout = layout::find_layout(sheet, index, detector, &none)?;
            let score = fields_mapped(&layout, schema, Some(&section.id));
            (score > 0).then_some((*section, layout, score))
        })
        .collect();
    let best = sections.iter().map(|s| s.2).max().unwrap_or(0);
    sections.retain(|s| s.2 == best);
    let named = sections.iter().position(|s| name_matches(&sheet.name, s.0));
    let is_section = best > main_score || (best > 0 && best == main_score && named.is_some());
    if !is_section {
        return if main.is_some() {
            SheetKind::Main
        } else {
            SheetKind::NotData
        };
    }
    let chosen = match (named, sections.len()) {
        (Some(i), _) => i,
        (None, 1) => 0,
        (None, _) => {
            let labels: Vec<String> = sections
                .iter()
                .map(|s| format!("\"{}\"", s.0.label))
                .collect();
            return SheetKind::Unreadable(format!(
                "Trang \"{}\": các cột khớp với nhiều mục ({}); hãy đặt tên trang theo tên mục (như trong mẫu nhập) rồi tải lên lại.",
                sheet.name,
                labels.join(", ")
            ));
        }
    };
    let (section, layout, _) = sections.swap_remove(chosen);
    if !layout.columns.iter().any(|c| is_national(schema, c)) {
        return SheetKind::Unreadable(format!(
            "Trang \"{}\" có các cột của mục \"{}\" nhưng không có cột \"Số định danh\": hãy thêm cột đó (số định danh của người có dòng ấy) rồi tải lên lại.",
            sheet.name, section.label
        ));
    }
    SheetKind::Section(&section.id, layout)
}

/// Reads a file: finds the list of people and the sheets of repeating sections, maps their
/// columns, reads every row.
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
    let section_indexes: Vec<(&Section, FieldIndex<'_>)> = schema
        .sections
        .iter()
        .filter(|s| s.repeating && s.fields.iter().any(layout::is_importable))
        .map(|s| (s, FieldIndex::for_section(schema, s)))
        .collect();
    let kinds: Vec<SheetKind<'_>> = workbook
        .sheets
        .iter()
        .map(|sheet| {
            if sheet.hidden && options.sheet.as_ref() != Some(&sheet.name) {
                SheetKind::NotData
            } else {
                classify(
                    sheet,
                    &detector_for(sheet),
                    &index,
                    &section_indexes,
                    schema,
                )
            }
        })
        .collect();
    let main_at = match &options.sheet {
        Some(name) => Some(
            workbook
                .sheets
                .iter()
                .position(|s| &s.name == name)
                .ok_or_else(|| ImportError::NoSuchSheet(name.clone()))?,
        ),
        None => kinds.iter().position(|k| matches!(k, SheetKind::Main)),
    };
    let main_found = main_at.and_then(|at| {
        let sheet = &workbook.sheets[at];
        find_layout_in(sheet, &index, &detector_for(sheet), options).map(|l| (at, l))
    });
    let Some((main_at, layout)) = main_found else {
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
    let sheet = &workbook.sheets[main_at];
    let mut section_sheets = Vec::new();
    let mut sheet_issues = Vec::new();
    for (at, kind) in kinds.into_iter().enumerate() {
        if at == main_at {
            continue;
        }
        let other = &workbook.sheets[at];
        match kind {
            SheetKind::Section(section, layout) => section_sheets.push((other, section, layout)),
            SheetKind::Unreadable(message) => sheet_issues.push(SheetIssue {
                sheet: other.name.clone(),
                message,
            }),
            SheetKind::Main => sheet_issues.push(SheetIssue {
                sheet: other.name.clone(),
                message: format!(
                    "Trang \"{}\" cũng là một danh sách hồ sơ nhưng mỗi lần chỉ nhập một danh sách (trang \"{}\"): hãy tải lên lại và chọn trang đó, hoặc chép các dòng vào trang \"{}\".",
                    other.name, sheet.name, sheet.name
                ),
            }),
            SheetKind::NotData => {}
        }
    }
    // One detector over every sheet read: a file is typed in one encoding, and a short
    // section sheet alone may not tell which.
    let mut detector = Detector::default();
    observe(&mut detector, sheet);
    for (other, _, _) in &section_sheets {
        observe(&mut detector, other);
    }
    let mut rows = Vec::new();
    let mut memo = ValueMemo::default();
    let read = Reader {
        schema,
        catalogs,
        detector: &detector,
    };
    for i in layout.data_start..layout.data_end {
        if let Some(row) = read_row(sheet, i, &layout, &read, &mut memo) {
            rows.push(row);
        }
    }
    mark_duplicates(&mut rows);
    for (other, section, layout) in &section_sheets {
        for i in layout.data_start..layout.data_end {
            if let Some(row) = read_row(other, i, layout, &read, &mut memo) {
                add_section_row(&mut rows, section, row);
            }
        }
    }
    Ok(Analysis {
        format: workbook.format,
        sheets,
        sheet: sheet.name.clone(),
        encoding: detector.file_encoding(),
        layout,
        section_sheets: section_sheets
            .into_iter()
            .map(|(other, section, layout)| SectionSheet {
                sheet: other.name.clone(),
                section: section.to_string(),
                section_label: schema
                    .section(section)
                    .map(|s| s.label.clone())
                    .unwrap_or_default(),
                layout,
            })
            .collect(),
        sheet_issues,
        rows,
    })
}

/// Adds a row of a section sheet to its person (the first with its số định danh; a person of
/// their own when the main sheet has none). A row without a well-formed số định danh belongs to
/// no one: it stays a row of its own, refused by its issue.
fn add_section_row(rows: &mut Vec<ParsedRow>, section: &str, mut row: ParsedRow) {
    let element = match row.doc.remove(section) {
        Some(Value::Object(fields)) => fields,
        _ => Map::new(),
    };
    let section_sources: Vec<(String, Source)> = row
        .sources
        .iter()
        .filter_map(|(path, source)| {
            let field = path.strip_prefix(section)?.strip_prefix('.')?;
            Some((field.to_string(), source.clone()))
        })
        .collect();
    let person = match &row.national_id {
        Some(id) => match rows.iter().position(|r| r.national_id.as_ref() == Some(id)) {
            Some(at) => at,
            None => {
                let (sheet, at) = (row.sheet.clone(), row.row);
                let id_sources = row
                    .sources
                    .iter()
                    .filter(|(path, _)| !path.starts_with(&format!("{section}.")))
                    .map(|(p, s)| (p.clone(), s.clone()))
                    .collect();
                rows.push(ParsedRow {
                    sheet,
                    row: at,
                    in_main_sheet: false,
                    doc: std::mem::take(&mut row.doc),
                    national_id: row.national_id.clone(),
                    issues: Vec::new(),
                    sources: id_sources,
                });
                rows.len() - 1
            }
        },
        None => {
            row.sources.clear();
            row.in_main_sheet = false;
            rows.push(row);
            let at = rows.len() - 1;
            push_element(&mut rows[at], section, element, section_sources);
            return;
        }
    };
    let target = &mut rows[person];
    target.issues.append(&mut row.issues);
    if !element.is_empty() {
        push_element(target, section, element, section_sources);
    }
}

fn push_element(
    person: &mut ParsedRow,
    section: &str,
    element: Map<String, Value>,
    sources: Vec<(String, Source)>,
) {
    let list = person
        .doc
        .entry(section.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = list {
        let n = list.len();
        list.push(Value::Object(element));
        for (field, source) in sources {
            person
                .sources
                .insert(format!("{section}[{n}].{field}"), source);
        }
    }
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

/// The issue of a data row hidden in the file.
const HIDDEN_ROW: &str = "Dòng này đang bị ẩn trong Excel: nếu cần nhập, hãy bỏ ẩn dòng; nếu không, hãy xoá dòng; rồi tải lên lại.";

/// Reads data row `i` (`None` when every mapped cell is empty; a row hidden in the file is
/// refused).
/// What rows are read against.
struct Reader<'a> {
    schema: &'a RecordSchema,
    catalogs: &'a Catalogs,
    detector: &'a Detector,
}

/// The values of catalog and address cells already read, by field and text. A list repeats
/// "Kinh", "Không" and a few addresses thousands of times, and finding a name in a catalog
/// folds its every entry: read once, each is a lookup.
#[derive(Default)]
struct ValueMemo(HashMap<(String, String, String), Result<Option<Value>, String>>);

impl ValueMemo {
    fn read_value(
        &mut self,
        section: &str,
        field: &hoso_domain::schema::Field,
        catalogs: &Catalogs,
        cell: &Cell,
        text: &str,
    ) -> Result<Option<Value>, String> {
        use hoso_domain::schema::FieldKind;
        let repeats = matches!(
            field.kind,
            FieldKind::Catalog | FieldKind::CatalogList | FieldKind::Address
        ) && matches!(cell, Cell::Text(_));
        if !repeats {
            return values::read_value(field, catalogs, cell, text);
        }
        let key = (section.to_string(), field.id.clone(), text.to_string());
        if let Some(known) = self.0.get(&key) {
            return known.clone();
        }
        let value = values::read_value(field, catalogs, cell, text);
        self.0.insert(key, value.clone());
        value
    }
}

fn read_row(
    sheet: &SheetData,
    i: usize,
    layout: &Layout,
    read: &Reader<'_>,
    memo: &mut ValueMemo,
) -> Option<ParsedRow> {
    let Reader {
        schema,
        catalogs,
        detector,
    } = *read;
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
    let cell_at = |j: usize| sheet.data_cell(i, j, layout.data_start);
    if mapped.iter().all(|c| cell_at(c.index).is_empty()) {
        return None;
    }
    let mut doc = RecordDoc::new();
    let mut issues = Vec::new();
    if sheet.is_row_hidden(i) {
        // Often a person filtered out of the list (who left, who moved): not imported unseen.
        issues.push(RowIssue {
            sheet: sheet.name.clone(),
            row: excel_row,
            column: String::new(),
            letter: String::new(),
            value: String::new(),
            message: HIDDEN_ROW.into(),
        });
    }
    let mut sources = BTreeMap::new();
    let birth = schema.role_field(FieldRole::BirthDate);
    let sex = schema.role_field(FieldRole::Sex);
    for column in mapped {
        let cell = cell_at(column.index);
        if cell.is_empty() {
            continue;
        }
        let issue = |message: String| RowIssue {
            sheet: sheet.name.clone(),
            row: excel_row,
            column: column.header.clone(),
            letter: column.letter.clone(),
            value: cell.shown(),
            message,
        };
        if let Cell::Uncomputed(_) = cell {
            issues.push(issue(values::UNCOMPUTED.to_string()));
            continue;
        }
        let source = Source {
            sheet: sheet.name.clone(),
            row: excel_row,
            letter: column.letter.clone(),
            header: column.header.clone(),
            value: cell.shown(),
        };
        let unicode = match cell {
            Cell::Text(t) => match detector.read(t) {
                Ok(t) => t,
                Err(e) => {
                    issues.push(issue(e.to_string()));
                    continue;
                }
            },
            other => other.shown(),
        };
        let text = text::clean(&unicode);
        match column.target.as_ref() {
            Some(Target::Field { section, field }) => {
                let Some(f) = schema.field(section, field) else {
                    continue;
                };
                let text = if f.multiline {
                    text::clean_lines(&unicode)
                } else {
                    text
                };
                match memo.read_value(section, f, catalogs, cell, &text) {
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
            sheet: sheet.name.clone(),
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
        sheet: sheet.name.clone(),
        row: excel_row,
        in_main_sheet: true,
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
                sheet: r.sheet.clone(),
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
