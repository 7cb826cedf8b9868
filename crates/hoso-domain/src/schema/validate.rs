//! Validation of a record document against a schema version: field types and formats, required
//! fields, catalog codes, ranges, and the cross-field rules declared in the schema file.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;
use time::Date;

use super::{Field, FieldKind, FieldPath, RecordDoc, RecordSchema, Requirement, Rule, Section};
use crate::catalog::{Catalogs, catalog_label};
use crate::national_id::{Gender, NationalId};
use crate::text::{control_character, control_character_problem};

/// One problem in a record document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// `general.date_of_birth`, `family_members[2].birth_year`, or a section id.
    pub path: String,
    /// Vietnamese label of the field (empty for unknown fields and whole sections).
    pub label: String,
    /// A complete Vietnamese sentence naming the field.
    pub message: String,
}

/// The problems found in a record document: the first [`MAX_LISTED_ERRORS`], and how many more
/// there were (bounded work: a hostile document does not make an error list larger than it).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct ValidationErrors {
    pub errors: Vec<FieldError>,
    /// Problems found beyond those listed.
    pub more: usize,
}

/// The most problems listed for one document.
pub const MAX_LISTED_ERRORS: usize = 100;

/// How much of a refused value an error message repeats.
const QUOTED_CHARS: usize = 40;

/// A value the user sent, in quotes, cut to its first characters: a message names what was
/// wrong without sending a long value back a hundred times.
fn quoted(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(QUOTED_CHARS).collect();
    if chars.next().is_some() {
        format!("\"{head}…\"")
    } else {
        format!("\"{head}\"")
    }
}

impl ValidationErrors {
    /// Every problem found, listed or not.
    pub fn total(&self) -> usize {
        self.errors.len() + self.more
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn len(&self) -> usize {
        self.errors.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.errors.iter()
    }

    /// Errors at exactly this path.
    pub fn at<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a FieldError> + 'a {
        self.errors.iter().filter(move |e| e.path == path)
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(&e.message)?;
        }
        if self.more > 0 {
            write!(f, "\n… và {} lỗi khác.", self.more)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;
    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

/// Earliest date accepted anywhere in a record.
const MIN_YEAR: i32 = 1900;

impl RecordSchema {
    /// Validates a document, collecting every problem. `today` bounds dates that may not lie in
    /// the future.
    pub fn validate(
        &self,
        doc: &RecordDoc,
        catalogs: &Catalogs,
        today: Date,
    ) -> Result<(), ValidationErrors> {
        self.validate_incomplete(doc, catalogs, today, false)
            .map(|_| ())
    }

    /// Validates a record that may still lack fields the schema requires (a legacy row
    /// brought in by an import): a wrong value is an error, a missing required one (`yes`, or
    /// `conditional` by its rule) is returned when `allow_missing`, and the record is incomplete.
    pub fn validate_incomplete(
        &self,
        doc: &RecordDoc,
        catalogs: &Catalogs,
        today: Date,
        allow_missing: bool,
    ) -> Result<Vec<FieldError>, ValidationErrors> {
        let mut v = Validator {
            schema: self,
            doc,
            catalogs,
            today,
            errors: Vec::new(),
            missing: allow_missing.then(Vec::new),
            more: 0,
            too_many_rows: false,
        };
        v.check_structure();
        // A section over its row limit is not looked into: the work stays bounded.
        if !v.too_many_rows {
            v.check_required();
            for rule in &self.rules {
                v.check_rule(rule);
            }
        }
        if v.errors.is_empty() {
            Ok(v.missing.unwrap_or_default())
        } else {
            Err(ValidationErrors {
                errors: v.errors,
                more: v.more,
            })
        }
    }
}

struct Validator<'a> {
    schema: &'a RecordSchema,
    doc: &'a RecordDoc,
    catalogs: &'a Catalogs,
    today: Date,
    errors: Vec<FieldError>,
    /// Where missing required fields go when they are allowed.
    missing: Option<Vec<FieldError>>,
    more: usize,
    /// A repeating section holds more rows than its limit.
    too_many_rows: bool,
}

/// Where a value sits: a single section, or row `n` of a repeating one.
#[derive(Clone, Copy)]
struct Loc<'a> {
    section: &'a Section,
    row: Option<usize>,
}

impl Loc<'_> {
    fn path(&self, field: &str) -> String {
        match self.row {
            Some(i) => format!("{}[{i}].{field}", self.section.id),
            None => format!("{}.{field}", self.section.id),
        }
    }

    /// What a message starts with: the field label, prefixed by section and row for rows.
    fn subject(&self, field_label: &str) -> String {
        match self.row {
            Some(i) => format!("{}, dòng {} — {field_label}", self.section.label, i + 1),
            None => field_label.to_owned(),
        }
    }
}

/// A parsed date-like value, for ordering at the coarser precision of two values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Temporal {
    pub(super) year: i32,
    pub(super) month: Option<u8>,
    pub(super) day: Option<u8>,
}

impl Temporal {
    fn precision(&self) -> u8 {
        match (self.month, self.day) {
            (None, _) => 0,
            (Some(_), None) => 1,
            (Some(_), Some(_)) => 2,
        }
    }

    fn key(&self, precision: u8) -> (i32, u8, u8) {
        match precision {
            0 => (self.year, 0, 0),
            1 => (self.year, self.month.unwrap_or(0), 0),
            _ => (self.year, self.month.unwrap_or(0), self.day.unwrap_or(0)),
        }
    }

    fn display(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d:02}/{m:02}/{}", self.year),
            (Some(m), None) => format!("{m:02}/{}", self.year),
            _ => self.year.to_string(),
        }
    }
}

/// Parses `"YYYY-MM-DD"`: `Err(None)` = bad format, `Err(Some(display))` = no such day.
fn parse_date_str(s: &str) -> Result<Date, Option<String>> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return Err(None);
    }
    let year: i32 = s[0..4].parse().map_err(|_| None)?;
    let month: u8 = s[5..7].parse().map_err(|_| None)?;
    let day: u8 = s[8..10].parse().map_err(|_| None)?;
    let shown = format!("{day:02}/{month:02}/{year}");
    let month = time::Month::try_from(month).map_err(|_| Some(shown.clone()))?;
    Date::from_calendar_date(year, month, day).map_err(|_| Some(shown))
}

/// Parses a date value leniently (for projection): `None` unless a valid `YYYY-MM-DD`.
pub(super) fn parse_date(v: &Value) -> Option<Date> {
    parse_date_str(v.as_str()?).ok()
}

/// Parses `"YYYY-MM"`: `Err(None)` = bad format, `Err(Some(display))` = no such month.
fn parse_month_str(s: &str) -> Result<(i32, u8), Option<String>> {
    let b = s.as_bytes();
    if b.len() != 7 || b[4] != b'-' || !b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit) {
        return Err(None);
    }
    let year: i32 = s[0..4].parse().map_err(|_| None)?;
    let month: u8 = s[5..7].parse().map_err(|_| None)?;
    if !(1..=12).contains(&month) {
        return Err(Some(format!("{month:02}/{year}")));
    }
    Ok((year, month))
}

pub(super) fn temporal(kind: FieldKind, v: &Value) -> Option<Temporal> {
    match kind {
        FieldKind::Date => {
            let d = parse_date(v)?;
            Some(Temporal {
                year: d.year(),
                month: Some(d.month() as u8),
                day: Some(d.day()),
            })
        }
        FieldKind::MonthYear => {
            let (year, month) = parse_month_str(v.as_str()?).ok()?;
            Some(Temporal {
                year,
                month: Some(month),
                day: None,
            })
        }
        FieldKind::Year => Some(Temporal {
            year: i32::try_from(v.as_i64()?).ok()?,
            month: None,
            day: None,
        }),
        _ => None,
    }
}

/// Absent, null, blank string, empty array or empty object.
pub(super) fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.values().all(|v| is_empty(Some(v))),
        Some(_) => false,
    }
}

/// Numbers as Vietnamese write them: decimal comma.
fn show_number(x: f64) -> String {
    let s = if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    };
    s.replace('.', ",")
}

fn has_at_most_two_decimals(x: f64) -> bool {
    let scaled = x * 100.0;
    (scaled - scaled.round()).abs() < 1e-6
}

/// Text holds no control characters (tab and line breaks only in multi-line fields).
fn check_clean(s: &str, multiline: bool) -> Result<(), String> {
    match control_character(s, multiline) {
        Some(c) => Err(control_character_problem(c)),
        None => Ok(()),
    }
}

fn value_as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl<'a> Validator<'a> {
    fn push(&mut self, path: String, label: &str, message: String) {
        if self.errors.len() >= MAX_LISTED_ERRORS {
            self.more += 1;
            return;
        }
        self.errors.push(FieldError {
            path,
            label: label.to_owned(),
            message,
        });
    }

    /// A required field left empty: an error, or noted when missing fields are allowed.
    fn missing_field(&mut self, loc: Loc<'_>, field: &Field, problem: impl fmt::Display) {
        if self.missing.is_some() {
            let error = FieldError {
                path: loc.path(&field.id),
                label: field.label.clone(),
                message: format!("{}: {problem}", loc.subject(&field.label)),
            };
            self.missing.get_or_insert_default().push(error);
        } else {
            self.field_error(loc, field, problem);
        }
    }

    fn field_error(&mut self, loc: Loc<'_>, field: &Field, problem: impl fmt::Display) {
        let message = format!("{}: {problem}", loc.subject(&field.label));
        self.push(loc.path(&field.id), &field.label, message);
    }

    // ───────────────────────────────────────────────────────────── structure and values

    fn check_structure(&mut self) {
        for (key, value) in self.doc {
            let Some(section) = self.schema.section(key) else {
                self.push(
                    key.clone(),
                    "",
                    format!("Mục {} không có trong lược đồ hồ sơ.", quoted(key)),
                );
                continue;
            };
            match (section.repeating, value) {
                (_, Value::Null) => {}
                (false, Value::Object(obj)) => self.check_object(Loc { section, row: None }, obj),
                (false, _) => self.push(
                    key.clone(),
                    "",
                    format!(
                        "{}: phải là một nhóm trường (đối tượng JSON).",
                        section.label
                    ),
                ),
                (true, Value::Array(rows)) if rows.len() > section.max_rows => {
                    self.too_many_rows = true;
                    self.push(
                        key.clone(),
                        "",
                        format!(
                            "{}: có {} dòng, vượt quá tối đa {} dòng.",
                            section.label,
                            rows.len(),
                            section.max_rows
                        ),
                    );
                }
                (true, Value::Array(rows)) => {
                    for (i, row) in rows.iter().enumerate() {
                        match row {
                            Value::Object(obj) => self.check_object(
                                Loc {
                                    section,
                                    row: Some(i),
                                },
                                obj,
                            ),
                            _ => self.push(
                                format!("{key}[{i}]"),
                                "",
                                format!(
                                    "{}, dòng {}: mỗi dòng phải là một nhóm trường (đối tượng JSON).",
                                    section.label,
                                    i + 1
                                ),
                            ),
                        }
                    }
                }
                (true, _) => self.push(
                    key.clone(),
                    "",
                    format!(
                        "{}: phải là một danh sách các dòng (mảng JSON).",
                        section.label
                    ),
                ),
            }
        }
    }

    fn check_object(&mut self, loc: Loc<'_>, obj: &serde_json::Map<String, Value>) {
        for (name, value) in obj {
            match loc.section.field(name) {
                None => {
                    let place = match loc.row {
                        Some(i) => format!("{}, dòng {}", loc.section.label, i + 1),
                        None => loc.section.label.clone(),
                    };
                    self.push(
                        loc.path(name),
                        "",
                        format!(
                            "Trường {} ({place}) không có trong lược đồ hồ sơ.",
                            quoted(name)
                        ),
                    );
                }
                Some(field) => {
                    if is_empty(Some(value)) {
                        continue;
                    }
                    if let Err(problem) = self.check_value(field, value) {
                        self.field_error(loc, field, problem);
                    }
                }
            }
        }
    }

    fn check_value(&self, field: &Field, v: &Value) -> Result<(), String> {
        match field.kind {
            FieldKind::Text => {
                let s = v.as_str().ok_or("phải là chuỗi ký tự.")?;
                check_clean(s, field.multiline)?;
                self.check_len(s, field.max_chars())?;
                match field.format {
                    Some(format) => format.normalise(s).map(drop),
                    None => Ok(()),
                }
            }
            FieldKind::Attachment => {
                let s = v.as_str().ok_or("phải là mã tệp đính kèm (chuỗi ký tự).")?;
                check_clean(s, false)?;
                self.check_len(s, 255)
            }
            FieldKind::Date => {
                let s = v
                    .as_str()
                    .ok_or("phải là ngày dạng YYYY-MM-DD (chuỗi ký tự).")?;
                let d = parse_date_str(s).map_err(|e| match e {
                    None => format!(
                        "{} không đúng định dạng ngày (dd/mm/yyyy; qua API: YYYY-MM-DD).",
                        quoted(s)
                    ),
                    Some(shown) => format!("ngày {shown} không tồn tại."),
                })?;
                let shown = Temporal {
                    year: d.year(),
                    month: Some(d.month() as u8),
                    day: Some(d.day()),
                }
                .display();
                if d.year() < MIN_YEAR {
                    return Err(format!("ngày {shown} trước năm {MIN_YEAR}, không hợp lệ."));
                }
                if !field.allow_future && d > self.today {
                    return Err(format!("ngày {shown} là ngày trong tương lai."));
                }
                Ok(())
            }
            FieldKind::MonthYear => {
                let s = v
                    .as_str()
                    .ok_or("phải là tháng/năm dạng YYYY-MM (chuỗi ký tự).")?;
                let (year, month) = parse_month_str(s).map_err(|e| match e {
                    None => format!(
                        "{} không đúng định dạng tháng/năm (mm/yyyy; qua API: YYYY-MM).",
                        quoted(s)
                    ),
                    Some(shown) => format!("tháng {shown} không tồn tại."),
                })?;
                if year < MIN_YEAR {
                    return Err(format!(
                        "tháng {month:02}/{year} trước năm {MIN_YEAR}, không hợp lệ."
                    ));
                }
                let now = (self.today.year(), self.today.month() as u8);
                if !field.allow_future && (year, month) > now {
                    return Err(format!(
                        "tháng {month:02}/{year} là thời điểm trong tương lai."
                    ));
                }
                Ok(())
            }
            FieldKind::Year => {
                let y = v.as_i64().ok_or("phải là năm (số nguyên).")?;
                let min = field.min.map_or(i64::from(MIN_YEAR), |m| m as i64);
                let max = match field.max {
                    Some(m) => m as i64,
                    None if field.allow_future => 9999,
                    None => i64::from(self.today.year()),
                };
                if y < min || y > max {
                    return Err(format!("năm {y} nằm ngoài khoảng cho phép ({min}–{max})."));
                }
                Ok(())
            }
            FieldKind::Integer => {
                let n = v.as_i64().ok_or("phải là số nguyên.")?;
                self.check_range(field, n as f64)
            }
            FieldKind::OrgUnit => match v.as_i64() {
                Some(n) if n > 0 => Ok(()),
                _ => Err("phải là mã đơn vị (số nguyên dương).".into()),
            },
            FieldKind::Money => match v.as_i64() {
                Some(n) if n >= 0 => Ok(()),
                Some(_) => Err("số tiền không được âm.".into()),
                None => Err("phải là số tiền nguyên, tính bằng đồng.".into()),
            },
            FieldKind::Decimal | FieldKind::Percent => {
                let x = v.as_f64().filter(|_| v.is_number()).ok_or("phải là số.")?;
                if !has_at_most_two_decimals(x) {
                    return Err(format!(
                        "chỉ được có tối đa 2 chữ số thập phân (đang là {}).",
                        show_number(x)
                    ));
                }
                if field.kind == FieldKind::Percent && !(0.0..=100.0).contains(&x) {
                    return Err(format!(
                        "{}% nằm ngoài khoảng cho phép (0–100%).",
                        show_number(x)
                    ));
                }
                self.check_range(field, x)
            }
            FieldKind::Bool => {
                if v.is_boolean() {
                    Ok(())
                } else {
                    Err("phải là có hoặc không (true/false).".into())
                }
            }
            FieldKind::Gender => match v.as_str() {
                Some("nam" | "nu") => Ok(()),
                _ => Err("phải là \"nam\" hoặc \"nu\".".into()),
            },
            FieldKind::Choice => {
                let s = v.as_str().unwrap_or_default();
                if field.choice_label(s).is_some() {
                    Ok(())
                } else {
                    let options: Vec<&str> =
                        field.choices.iter().map(|c| c.label.as_str()).collect();
                    Err(format!(
                        "giá trị {v} không hợp lệ; chọn một trong: {}.",
                        options.join(", ")
                    ))
                }
            }
            FieldKind::Catalog => {
                let code = v.as_str().ok_or("phải là mã danh mục (chuỗi ký tự).")?;
                self.check_code(field, code)
            }
            FieldKind::CatalogList => {
                let items = v
                    .as_array()
                    .ok_or("phải là danh sách mã danh mục (mảng JSON).")?;
                let mut seen = Vec::new();
                for item in items {
                    let code = item
                        .as_str()
                        .ok_or("mỗi phần tử phải là mã danh mục (chuỗi ký tự).")?;
                    self.check_code(field, code)?;
                    if seen.contains(&code) {
                        return Err(format!("mã {} bị lặp lại.", quoted(code)));
                    }
                    seen.push(code);
                }
                Ok(())
            }
            FieldKind::NationalId => {
                let s = v.as_str().ok_or("phải là chuỗi 12 chữ số.")?;
                NationalId::parse(s).map(|_| ()).map_err(|e| e.to_string())
            }
            FieldKind::Address => self.check_address(v),
        }
    }

    fn check_len(&self, s: &str, max: usize) -> Result<(), String> {
        let n = s.chars().count();
        if n > max {
            Err(format!("dài {n} ký tự, vượt quá tối đa {max} ký tự."))
        } else {
            Ok(())
        }
    }

    fn check_range(&self, field: &Field, x: f64) -> Result<(), String> {
        let below = field.min.is_some_and(|m| x < m);
        let above = field.max.is_some_and(|m| x > m);
        if !(below || above) {
            return Ok(());
        }
        let range = match (field.min, field.max) {
            (Some(a), Some(b)) => format!("{}–{}", show_number(a), show_number(b)),
            (Some(a), None) => format!("từ {} trở lên", show_number(a)),
            (None, Some(b)) => format!("tối đa {}", show_number(b)),
            (None, None) => String::new(),
        };
        Err(format!(
            "giá trị {} nằm ngoài khoảng cho phép ({range}).",
            show_number(x)
        ))
    }

    fn check_code(&self, field: &Field, code: &str) -> Result<(), String> {
        let Some(cat) = &field.catalog else {
            return Ok(());
        };
        if cat.accepts(self.catalogs, code) {
            return Ok(());
        }
        let names: Vec<&str> = cat
            .catalog_names()
            .map(|n| catalog_label(n).unwrap_or(n))
            .collect();
        Err(format!(
            "mã {} không có trong danh mục {}.",
            quoted(code),
            names.join(" hoặc ")
        ))
    }

    fn check_address(&self, v: &Value) -> Result<(), String> {
        let obj = v.as_object().ok_or(
            "phải là địa chỉ dạng {\"province_code\", \"commune\", \"detail\"} (đối tượng JSON).",
        )?;
        for (k, val) in obj {
            if !matches!(k.as_str(), "province_code" | "commune" | "detail") {
                return Err(format!(
                    "thành phần {} không có trong địa chỉ (chỉ có province_code, commune, detail).",
                    quoted(k)
                ));
            }
            if !val.is_null() && !val.is_string() {
                return Err(format!("thành phần {k} của địa chỉ phải là chuỗi ký tự."));
            }
            if let Some(c) = val.as_str().and_then(|s| control_character(s, false)) {
                return Err(format!(
                    "thành phần {k} của địa chỉ {}",
                    control_character_problem(c)
                ));
            }
        }
        let text = |k: &str| {
            obj.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .unwrap_or("")
        };
        let province = text("province_code");
        if province.is_empty() {
            if text("detail").is_empty() {
                return Err(
                    "chưa có mã tỉnh thì phải ghi đầy đủ địa chỉ ở phần chi tiết (detail).".into(),
                );
            }
        } else if !self.catalogs.contains("tinh_thanh", None, province)
            && !self
                .catalogs
                .contains("tinh_thanh_truoc_2025", None, province)
        {
            return Err(format!(
                "mã tỉnh {} không có trong danh mục tỉnh, thành phố.",
                quoted(province)
            ));
        }
        if text("commune").chars().count() > 255 {
            return Err("tên xã, phường dài quá 255 ký tự.".into());
        }
        if text("detail").chars().count() > 500 {
            return Err("phần chi tiết của địa chỉ dài quá 500 ký tự.".into());
        }
        Ok(())
    }

    // ───────────────────────────────────────────────────────────── required fields

    /// Each object of a section with its location: one for a single section (an empty object
    /// when absent), one per row for a repeating section. Malformed values yield nothing.
    fn objects(
        &self,
        section: &'a Section,
    ) -> Vec<(Loc<'a>, Option<&'a serde_json::Map<String, Value>>)> {
        match self.doc.get(&section.id) {
            None | Some(Value::Null) if !section.repeating => {
                vec![(Loc { section, row: None }, None)]
            }
            Some(Value::Object(obj)) if !section.repeating => {
                vec![(Loc { section, row: None }, Some(obj))]
            }
            Some(Value::Array(rows)) if section.repeating => rows
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    r.as_object().map(|o| {
                        (
                            Loc {
                                section,
                                row: Some(i),
                            },
                            Some(o),
                        )
                    })
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn check_required(&mut self) {
        for section in &self.schema.sections {
            for (loc, obj) in self.objects(section) {
                for field in section
                    .fields
                    .iter()
                    .filter(|f| f.required == Requirement::Yes)
                {
                    if is_empty(obj.and_then(|o| o.get(&field.id))) {
                        self.missing_field(loc, field, "chưa khai (trường bắt buộc).");
                    }
                }
            }
        }
    }

    // ───────────────────────────────────────────────────────────── cross-field rules

    fn get(&self, path: &FieldPath, row: Option<usize>) -> Option<&'a Value> {
        let section = self.doc.get(&path.section)?;
        let obj = match (path.repeating, row) {
            (true, Some(i)) => section.as_array()?.get(i)?,
            (true, None) => return None,
            (false, _) => section,
        };
        obj.as_object()?
            .get(&path.field)
            .filter(|v| !is_empty(Some(v)))
    }

    fn row_count(&self, section: &str) -> usize {
        self.doc
            .get(section)
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    }

    /// Row indices a rule over these paths runs on: `[None]` for single sections, or each row.
    fn rows_for(&self, paths: &[&FieldPath]) -> Vec<Option<usize>> {
        match paths.iter().find(|p| p.repeating) {
            Some(p) => (0..self.row_count(&p.section)).map(Some).collect(),
            None => vec![None],
        }
    }

    fn resolve(&self, path: &FieldPath) -> (&'a Section, &'a Field) {
        self.schema
            .resolve(path)
            .expect("rule paths are checked when the schema is loaded")
    }

    fn loc(&self, path: &FieldPath, row: Option<usize>) -> Loc<'a> {
        let (section, _) = self.resolve(path);
        Loc {
            section,
            row: if path.repeating { row } else { None },
        }
    }

    fn check_rule(&mut self, rule: &Rule) {
        match rule {
            Rule::NotBefore {
                earlier,
                later,
                min_years,
            } => {
                let (_, ef) = self.resolve(earlier);
                let (_, lf) = self.resolve(later);
                for row in self.rows_for(&[earlier, later]) {
                    let e = self.get(earlier, row).and_then(|v| temporal(ef.kind, v));
                    let l = self.get(later, row).and_then(|v| temporal(lf.kind, v));
                    let (Some(e), Some(l)) = (e, l) else { continue };
                    let shifted = Temporal {
                        year: e.year + *min_years as i32,
                        ..e
                    };
                    let p = e.precision().min(l.precision());
                    if l.key(p) >= shifted.key(p) {
                        continue;
                    }
                    let problem = if *min_years == 0 {
                        format!(
                            "{} không được trước {} ({}).",
                            l.display(),
                            ef.label,
                            e.display()
                        )
                    } else {
                        format!(
                            "{} phải sau {} ({}) ít nhất {min_years} năm.",
                            l.display(),
                            ef.label,
                            e.display()
                        )
                    };
                    let loc = self.loc(later, row);
                    self.field_error(loc, lf, problem);
                }
            }
            Rule::RequiredIf {
                field,
                when,
                equals,
            } => {
                let (_, ff) = self.resolve(field);
                let (_, wf) = self.resolve(when);
                for row in self.rows_for(&[field, when]) {
                    let Some(cond) = self.get(when, row) else {
                        continue;
                    };
                    let cond_text = value_as_string(cond).unwrap_or_default();
                    if !equals.is_empty() && !equals.contains(&cond_text) {
                        continue;
                    }
                    if self.get(field, row).is_some() {
                        continue;
                    }
                    let because = if equals.is_empty() {
                        "đã khai".to_owned()
                    } else {
                        format!("là {}", wf.choice_label(&cond_text).unwrap_or(&cond_text))
                    };
                    let loc = self.loc(field, row);
                    self.missing_field(
                        loc,
                        ff,
                        format!("chưa khai (bắt buộc khi {} {because}).", wf.label),
                    );
                }
            }
            Rule::Unique { field } => {
                let (_, ff) = self.resolve(field);
                let mut first: HashMap<String, usize> = HashMap::new();
                for row in self.rows_for(&[field]) {
                    let Some(text) = self.get(field, row).and_then(value_as_string) else {
                        continue;
                    };
                    let i = row.unwrap_or(0);
                    if let Some(&j) = first.get(&text) {
                        let loc = self.loc(field, row);
                        self.field_error(loc, ff, format!("{text} trùng với dòng {}.", j + 1));
                    } else {
                        first.insert(text, i);
                    }
                }
            }
            Rule::NationalIdMatches {
                national_id,
                gender,
                birth_date,
            } => {
                let id = self
                    .get(national_id, None)
                    .and_then(Value::as_str)
                    .and_then(|s| NationalId::parse(s).ok());
                let g = self
                    .get(gender, None)
                    .and_then(Value::as_str)
                    .and_then(Gender::parse);
                let born = self.get(birth_date, None).and_then(parse_date);
                let (Some(id), Some(g), Some(born)) = (id, g, born) else {
                    return;
                };
                if let Err(e) = id.check_matches(g, born.year()) {
                    let (_, f) = self.resolve(national_id);
                    let loc = self.loc(national_id, None);
                    self.field_error(loc, f, e);
                }
            }
            Rule::SalaryCoefficientMatches {
                grade,
                step,
                coefficient,
            } => {
                let tables = crate::salary::SalaryTables::embedded();
                for row in self.rows_for(&[grade, step, coefficient]) {
                    let code = self.get(grade, row).and_then(Value::as_str);
                    let Some((code, group)) =
                        code.and_then(|c| Some((c, crate::salary::salary_group_of(c)?)))
                    else {
                        // A grade without a known salary group cannot be checked.
                        continue;
                    };
                    let Some(steps) = tables.steps_of(group.table, &group.group) else {
                        continue;
                    };
                    let Some(at) = self.get(step, row).and_then(Value::as_i64) else {
                        continue;
                    };
                    let grade_name = crate::salary::grade_name(code).unwrap_or(code);
                    // A value already refused on its own (out of range, too many decimals)
                    // is not judged against the table too.
                    let refused = |v: &Self, p: &FieldPath| {
                        let path = v.loc(p, row).path(&p.field);
                        v.errors.iter().any(|e| e.path == path)
                    };
                    if refused(self, step) || refused(self, coefficient) {
                        continue;
                    }
                    let Some(&expected) = usize::try_from(at)
                        .ok()
                        .and_then(|i| i.checked_sub(1))
                        .and_then(|i| steps.get(i))
                    else {
                        let (_, f) = self.resolve(step);
                        let loc = self.loc(step, row);
                        self.field_error(
                            loc,
                            f,
                            format!(
                                "bậc {at} không có trong thang lương của {grade_name} (từ bậc 1 đến bậc {}, NĐ 204/2004/NĐ-CP).",
                                steps.len()
                            ),
                        );
                        continue;
                    };
                    let Some(held) = self
                        .get(coefficient, row)
                        .and_then(Value::as_f64)
                        .map(|x| (x * 100.0).round() as i64)
                    else {
                        continue;
                    };
                    if held != expected {
                        let (_, f) = self.resolve(coefficient);
                        let loc = self.loc(coefficient, row);
                        self.field_error(
                            loc,
                            f,
                            format!(
                                "{} không đúng bảng lương: bậc {at} của {grade_name} có hệ số {} (NĐ 204/2004/NĐ-CP).",
                                hundredths(held),
                                hundredths(expected)
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// A coefficient in hundredths as Vietnamese write it: 267 → "2,67".
fn hundredths(n: i64) -> String {
    format!("{},{:02}", n / 100, (n % 100).abs())
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn a_refused_value_is_quoted_whole_when_short_and_cut_when_long() {
        assert_eq!(quoted("2024-13"), "\"2024-13\"");
        let long = "Nguyễn Văn Đạt ".repeat(100);
        let q = quoted(&long);
        assert!(q.ends_with("…\""), "{q}");
        assert_eq!(q.chars().count(), 40 + 3);
        assert!(q.starts_with("\"Nguyễn Văn Đạt Nguyễn"));
    }
}
