//! Where the table is in a sheet, and which field each column holds.
//!
//! The lists HR officers keep have title rows above the table ("UBND TỈNH …", "DANH SÁCH …"),
//! headers on one or two rows (a merged "Ngày, tháng, năm sinh" over "Nam" | "Nữ"), sometimes a
//! row of column numbers "(1) (2) (3)", and signatures below the data. The header row is the one
//! whose cells name the most fields; the data ends at the last row holding a số định danh or a
//! birth date (a number, a date or digits in text: signatures may stand in those columns).

use std::collections::{BTreeMap, HashMap};

use hoso_domain::schema::{Field, FieldKind, FieldRole, RecordSchema, Section};

use crate::legacy::Detector;
use crate::read::{SheetData, column_letter};
use crate::text::{fold, fold_without_notes};
use crate::values::Cell;

/// What a column is imported into.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// A field of a section: a single section on the main sheet; on a sheet of a repeating
    /// section, a field of that section's rows (or the số định danh saying whose row it is).
    Field { section: String, field: String },
    /// The birth date, in the column of the person's sex ("Nam" | "Nữ" under "Ngày sinh").
    BirthDateOfSex { sex: String },
    /// Left out of the import.
    Ignore,
}

/// One column of the table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Column {
    pub index: usize,
    pub letter: String,
    /// The header as shown ("Ngạch công chức / Mã ngạch").
    pub header: String,
    /// What it is imported into (`None`: not recognised, the user maps or ignores it).
    pub target: Option<Target>,
    /// The field's label when the target is a field.
    pub target_label: Option<String>,
}

/// The table found in a sheet.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Layout {
    /// Excel row numbers of the header rows.
    pub header_rows: Vec<u32>,
    /// Excel row number of the row of column numbers, when there is one.
    pub numbering_row: Option<u32>,
    /// Index in the sheet's rows of the first and one past the last data row.
    pub data_start: usize,
    pub data_end: usize,
    pub columns: Vec<Column>,
}

/// The fields a header can name: every label, short label and import synonym of a field of a
/// single section, folded. A name two fields share names neither.
pub struct FieldIndex<'s> {
    schema: &'s RecordSchema,
    /// Labels, short labels and synonyms as written.
    exact: HashMap<String, (String, String)>,
    /// Labels without their notes in brackets.
    loose: HashMap<String, (String, String)>,
}

type Names = HashMap<String, Vec<(String, String)>>;

fn add_name(names: &mut Names, key: String, target: &(String, String)) {
    if key.is_empty() {
        return;
    }
    let list = names.entry(key).or_default();
    if !list.contains(target) {
        list.push(target.clone());
    }
}

fn unambiguous(names: Names) -> HashMap<String, (String, String)> {
    names
        .into_iter()
        .filter(|(_, v)| v.len() == 1)
        .map(|(k, mut v)| (k, v.remove(0)))
        .collect()
}

/// Whether a file can bring a value of the field (system fields, units and attachments are
/// set otherwise).
pub fn is_importable(field: &Field) -> bool {
    !field.system && !matches!(field.kind, FieldKind::OrgUnit | FieldKind::Attachment)
}

/// The fields a row of the main sheet can bring: the importable fields of the single sections,
/// in the schema's order.
pub fn main_sheet_fields(schema: &RecordSchema) -> impl Iterator<Item = (&Section, &Field)> {
    schema
        .sections
        .iter()
        .filter(|s| !s.repeating)
        .flat_map(|s| {
            s.fields
                .iter()
                .filter(|f| is_importable(f))
                .map(move |f| (s, f))
        })
}

fn add_field(exact: &mut Names, loose: &mut Names, section: &Section, field: &Field) {
    let target = (section.id.clone(), field.id.clone());
    add_name(exact, fold(&field.label), &target);
    for s in field.short_label.iter().chain(&field.import_synonyms) {
        add_name(exact, fold(s), &target);
    }
    add_name(loose, fold_without_notes(&field.label), &target);
}

impl<'s> FieldIndex<'s> {
    /// The fields of the main sheet: those of every single section.
    pub fn new(schema: &'s RecordSchema) -> FieldIndex<'s> {
        let mut exact = Names::new();
        let mut loose = Names::new();
        for section in schema.sections.iter().filter(|s| !s.repeating) {
            for field in section.fields.iter().filter(|f| is_importable(f)) {
                add_field(&mut exact, &mut loose, section, field);
            }
        }
        FieldIndex {
            schema,
            exact: unambiguous(exact),
            loose: unambiguous(loose),
        }
    }

    /// The fields of a sheet of one repeating section: that section's, and the số định danh
    /// saying whose row each row is.
    pub fn for_section(schema: &'s RecordSchema, section: &Section) -> FieldIndex<'s> {
        let mut exact = Names::new();
        let mut loose = Names::new();
        for field in section.fields.iter().filter(|f| is_importable(f)) {
            add_field(&mut exact, &mut loose, section, field);
        }
        if let Some((s, f)) = schema.role_field(FieldRole::NationalId) {
            add_field(&mut exact, &mut loose, s, f);
        }
        FieldIndex {
            schema,
            exact: unambiguous(exact),
            loose: unambiguous(loose),
        }
    }

    /// The field a header names.
    pub fn lookup(&self, header: &str) -> Option<Target> {
        let (full, bare) = (fold(header), fold_without_notes(header));
        self.exact
            .get(&full)
            .or_else(|| self.exact.get(&bare))
            .or_else(|| self.loose.get(&full))
            .or_else(|| self.loose.get(&bare))
            .map(|(s, f)| Target::Field {
                section: s.clone(),
                field: f.clone(),
            })
    }

    /// How a page names a target.
    pub fn label_of(&self, target: &Target) -> Option<String> {
        match target {
            Target::Field { section, field } => self
                .schema
                .field(section, field)
                .map(|f| f.column_label().to_string()),
            Target::BirthDateOfSex { sex } => {
                let birth = self
                    .schema
                    .role_field(FieldRole::BirthDate)
                    .map(|(_, f)| f.label.clone())
                    .unwrap_or_default();
                Some(format!(
                    "{birth} ({})",
                    if sex == "nu" { "Nữ" } else { "Nam" }
                ))
            }
            Target::Ignore => None,
        }
    }
}

fn is_sequence_header(folded: &str) -> bool {
    matches!(folded, "stt" | "tt" | "so tt" | "so thu tu")
}

fn sex_of(folded: &str) -> Option<&'static str> {
    match folded {
        "nam" => Some("nam"),
        "nu" => Some("nu"),
        _ => None,
    }
}

/// A cell of a row of column numbers: "1", "(1)", 1.
fn column_number(cell: &Cell) -> Option<u32> {
    match cell {
        Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n < 1000.0 => Some(*n as u32),
        Cell::Text(t) => {
            let t = t
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .trim();
            (t.len() <= 3 && !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()))
                .then(|| t.parse().ok())
                .flatten()
        }
        _ => None,
    }
}

fn looks_like_data(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    digits >= 4 || (digits > 0 && text.chars().all(|c| c.is_ascii_digit()))
}

/// The header text of each column of row `i`, in Unicode.
fn header_texts(sheet: &SheetData, i: usize, detector: &Detector) -> Vec<String> {
    let width = sheet.rows.get(i).map_or(0, Vec::len);
    (0..width)
        .map(|j| match sheet.cell(i, j) {
            Cell::Text(t) => detector
                .read(t)
                .unwrap_or_else(|_| t.clone())
                .trim()
                .to_string(),
            _ => String::new(),
        })
        .collect()
}

/// Finds the table in a sheet and maps its columns (`overrides`, by column index, win over
/// what the headers say).
pub fn find_layout(
    sheet: &SheetData,
    index: &FieldIndex<'_>,
    detector: &Detector,
    overrides: &BTreeMap<usize, Target>,
) -> Option<Layout> {
    let scan = sheet.rows.len().min(40);
    let score = |texts: &[String]| {
        texts
            .iter()
            .filter(|t| {
                let f = fold(t);
                !f.is_empty() && (index.lookup(t).is_some() || is_sequence_header(&f))
            })
            .count()
    };
    let (header, best) = (0..scan)
        .map(|i| (i, score(&header_texts(sheet, i, detector))))
        .max_by_key(|&(i, s)| (s, std::cmp::Reverse(i)))?;
    if best < 2 {
        return None;
    }
    let top = header_texts(sheet, header, detector);
    let mut header_rows = vec![sheet.excel_row(header)];
    let mut next = header + 1;

    // A second header row: text only, nothing that looks like data, naming a field or a sex, or
    // standing under a merged parent.
    let sub = header_texts(sheet, next, detector);
    let sub_row_cells = sheet.rows.get(next).map_or(&[][..], Vec::as_slice);
    let is_sub = !sub.iter().all(String::is_empty)
        && sub_row_cells
            .iter()
            .all(|c| matches!(c, Cell::Empty | Cell::Text(_)))
        && !sub.iter().any(|t| looks_like_data(t))
        && sub.iter().enumerate().any(|(j, t)| {
            !t.is_empty()
                && (index.lookup(t).is_some()
                    || sex_of(&fold(t)).is_some()
                    || top.get(j).is_none_or(String::is_empty))
        });
    let sub = if is_sub {
        header_rows.push(sheet.excel_row(next));
        next += 1;
        sub
    } else {
        Vec::new()
    };

    // A row of column numbers under the headers.
    let mut numbering_row = None;
    if let Some(row) = sheet.rows.get(next) {
        let nonempty: Vec<&Cell> = row.iter().filter(|c| !c.is_empty()).collect();
        if nonempty.len() >= 3 && nonempty.iter().all(|c| column_number(c).is_some()) {
            numbering_row = Some(sheet.excel_row(next));
            next += 1;
        }
    }

    let width = top.len().max(sub.len());
    let mut columns = Vec::with_capacity(width);
    for j in 0..width {
        let below = sub.get(j).cloned().unwrap_or_default();
        let mut above = top.get(j).cloned().unwrap_or_default();
        if above.is_empty() && !below.is_empty() {
            // Under a parent merged across columns: its text sits in the leftmost cell.
            above = top[..j.min(top.len())]
                .iter()
                .rev()
                .find(|t| !t.is_empty())
                .cloned()
                .unwrap_or_default();
        }
        let shown = match (above.is_empty(), below.is_empty()) {
            (false, false) => format!("{above} / {below}"),
            (false, true) => above.clone(),
            (true, false) => below.clone(),
            (true, true) => String::new(),
        };
        let detected = if below.is_empty() {
            index.lookup(&above)
        } else if let Some(sex) = sex_of(&fold(&below)).filter(|_| fold(&above).contains("sinh")) {
            Some(Target::BirthDateOfSex { sex: sex.into() })
        } else {
            index
                .lookup(&below)
                .or_else(|| index.lookup(&format!("{above} {below}")))
        };
        let detected =
            detected.or_else(|| is_sequence_header(&fold(&shown)).then_some(Target::Ignore));
        let target = overrides.get(&j).cloned().or(detected);
        if shown.is_empty() && target.is_none() {
            continue;
        }
        columns.push(Column {
            index: j,
            letter: column_letter(j),
            target_label: target.as_ref().and_then(|t| index.label_of(t)),
            header: shown,
            target,
        });
    }

    // The data ends at the last row with a số định danh or a birth date; below are signatures.
    let national = index
        .schema
        .role_field(FieldRole::NationalId)
        .map(|(s, f)| (s.id.clone(), f.id.clone()));
    let birth = index
        .schema
        .role_field(FieldRole::BirthDate)
        .map(|(s, f)| (s.id.clone(), f.id.clone()));
    let key_columns: Vec<usize> = columns
        .iter()
        .filter(|c| match &c.target {
            Some(Target::Field { section, field }) => {
                let t = Some((section.clone(), field.clone()));
                t == national || t == birth
            }
            Some(Target::BirthDateOfSex { .. }) => true,
            _ => false,
        })
        .map(|c| c.index)
        .collect();
    let mapped: Vec<usize> = columns
        .iter()
        .filter(|c| {
            matches!(
                c.target,
                Some(Target::Field { .. } | Target::BirthDateOfSex { .. })
            )
        })
        .map(|c| c.index)
        .collect();
    // A signature block often spreads over the columns of the table, the số định danh's
    // among them: only a number, a date or text with digits there is a person's.
    let holds_key = |i: usize| {
        key_columns.iter().any(|&j| match sheet.cell(i, j) {
            Cell::Text(t) => t.chars().filter(char::is_ascii_digit).count() >= 4,
            other => !other.is_empty(),
        })
    };
    let holds_any = |i: usize| mapped.iter().any(|&j| !sheet.cell(i, j).is_empty());
    let data_end = (next..sheet.rows.len())
        .rev()
        .find(|&i| {
            if key_columns.is_empty() {
                holds_any(i)
            } else {
                holds_key(i)
            }
        })
        .map_or(next, |i| i + 1);
    Some(Layout {
        header_rows,
        numbering_row,
        data_start: next,
        data_end,
        columns,
    })
}
