//! The record schema: every section and field of the sơ yếu lý lịch, declared once as data.
//!
//! The schema lives in `data/schema/*.toml` (one file per version, embedded in the crate) and is
//! parsed at first use into [`RecordSchema`]s. Forms, validation, import columns, exports, search
//! filters, field encryption and access redaction are all derived from it.
//!
//! A record document ([`RecordDoc`]) is a JSON object whose keys are section ids: a single
//! section is an object `field → value`, a repeating section is an array of such objects. Value
//! formats per [`FieldKind`] are documented there.
//!
//! Schema versions follow one another by effective date; a later version declares its
//! [`Change`]s relative to its predecessor and [`SchemaSet::migrate`] carries an old document
//! forward.

pub mod fixtures;
mod project;
mod role;
mod validate;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;

use crate::access::AccessLevel;
use crate::catalog::{CATALOGS, Catalogs};

pub use project::{HistoryRow, ProjectedCell, ProjectedValue, Projection, hundredths};
pub use role::FieldRole;
pub use validate::{FieldError, MAX_LISTED_ERRORS, ValidationErrors};

/// A record document: section id → section value (object, or array of objects for repeating
/// sections).
pub type RecordDoc = serde_json::Map<String, Value>;

/// The embedded schema files, oldest first.
const EMBEDDED: &[&str] = &[include_str!("../../data/schema/tt06-2023.toml")];

/// Type of a field and therefore the JSON shape of its value in a [`RecordDoc`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// JSON string.
    Text,
    /// `"YYYY-MM-DD"`.
    Date,
    /// `"YYYY-MM"`.
    MonthYear,
    /// Integer year.
    Year,
    /// Integer.
    Integer,
    /// JSON number with at most 2 decimals (coefficients, areas).
    Decimal,
    /// Integer amount in đồng.
    Money,
    /// Number 0–100, at most 2 decimals.
    Percent,
    /// `true` / `false`.
    Bool,
    /// Catalog code (string).
    Catalog,
    /// Array of catalog codes.
    CatalogList,
    /// One of the field's [`Choice`] codes (string).
    Choice,
    /// `"nam"` or `"nu"`.
    Gender,
    /// 12-digit số định danh cá nhân (string).
    NationalId,
    /// `{"province_code": "<tinh_thanh or tinh_thanh_truoc_2025 code>", "commune": "…",
    /// "detail": "…"}`; without `province_code` (legacy free text) `detail` is required.
    Address,
    /// Integer id of an org unit (checked by the application, not here).
    OrgUnit,
    /// Reference to a stored file (photo, signature): non-empty string.
    Attachment,
}

impl FieldKind {
    /// The identifier used in the schema files.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Date => "date",
            FieldKind::MonthYear => "month_year",
            FieldKind::Year => "year",
            FieldKind::Integer => "integer",
            FieldKind::Decimal => "decimal",
            FieldKind::Money => "money",
            FieldKind::Percent => "percent",
            FieldKind::Bool => "bool",
            FieldKind::Catalog => "catalog",
            FieldKind::CatalogList => "catalog_list",
            FieldKind::Choice => "choice",
            FieldKind::Gender => "gender",
            FieldKind::NationalId => "national_id",
            FieldKind::Address => "address",
            FieldKind::OrgUnit => "org_unit",
            FieldKind::Attachment => "attachment",
        }
    }

    /// Date-like kinds that can be ordered by the `not_before` rule.
    pub fn is_temporal(self) -> bool {
        matches!(
            self,
            FieldKind::Date | FieldKind::MonthYear | FieldKind::Year
        )
    }
}

/// Whether a field must be filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// Always required (`Có*`).
    Yes,
    /// Optional (`Không*`).
    #[default]
    No,
    /// Required under conditions declared as `required_if` rules (`ĐK*`).
    Conditional,
}

/// Where a catalog field takes its codes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogRef {
    /// Catalog name (see [`crate::catalog::CATALOGS`]).
    pub name: String,
    /// Accepted kinds within the catalog; empty = every kind.
    pub kinds: Vec<String>,
    /// Further catalogs whose codes are also accepted (no kind filter), e.g. a rank code may
    /// come from `ngach_cong_chuc` or `chuc_danh_nghe_nghiep`.
    pub alternatives: Vec<String>,
}

impl CatalogRef {
    /// The kind filter when there is exactly one.
    pub fn kind(&self) -> Option<&str> {
        match self.kinds.as_slice() {
            [k] => Some(k),
            _ => None,
        }
    }

    /// Every catalog consulted, primary first.
    pub fn catalog_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.alternatives.iter().map(String::as_str))
    }

    /// Whether `code` is acceptable.
    pub fn accepts(&self, catalogs: &Catalogs, code: &str) -> bool {
        catalogs.contains_any_kind(&self.name, &self.kinds, code)
            || self
                .alternatives
                .iter()
                .any(|alt| catalogs.contains(alt, None, code))
    }
}

/// How a projected field is stored in its column: the SQL type and the form of its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectedKind {
    /// Free text.
    Text,
    /// A catalog, choice or sex code.
    Code,
    /// ISO date `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM`.
    Month,
    /// A whole number (integers, years, amounts in đồng).
    Integer,
    /// A number with two decimals, stored in hundredths (2.34 → 234).
    Hundredths,
}

impl ProjectedKind {
    /// The column kind of a field kind, `None` for kinds never projected: lists, addresses,
    /// files, booleans, and the số định danh (kept only as a keyed hash).
    pub fn of(kind: FieldKind) -> Option<ProjectedKind> {
        use FieldKind as K;
        Some(match kind {
            K::Text => ProjectedKind::Text,
            K::Catalog | K::Choice | K::Gender => ProjectedKind::Code,
            K::Date => ProjectedKind::Date,
            K::MonthYear => ProjectedKind::Month,
            K::Year | K::Integer | K::Money | K::OrgUnit => ProjectedKind::Integer,
            K::Decimal | K::Percent => ProjectedKind::Hundredths,
            K::Bool | K::CatalogList | K::NationalId | K::Address | K::Attachment => return None,
        })
    }

    /// Held as a number in the database (the others are text).
    pub fn is_numeric(self) -> bool {
        matches!(self, ProjectedKind::Integer | ProjectedKind::Hundredths)
    }
}

/// A column of a projection table, fed by one field (or, in the history table, by one field of
/// each repeating section that projects it).
#[derive(Debug, Clone, Copy)]
pub struct ProjectedColumn<'s> {
    pub name: &'s str,
    pub kind: ProjectedKind,
    pub section: &'s Section,
    pub field: &'s Field,
}

/// Column names the projection tables keep for themselves.
pub const RESERVED_COLUMNS: &[&str] = &[
    "id",
    "person_id",
    "national_id_hash",
    "unit_id",
    "status",
    "full_name",
    "search_key",
    "sort_key",
    "current_version",
    "official_version",
    "created_at",
    "updated_at",
    "section",
    "row_no",
    "valid_from",
    "valid_to",
];

/// The fields giving a repeating section's rows their period (`period = { from, to }`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub from: String,
    #[serde(default)]
    pub to: Option<String>,
}

/// The fields of the decision a repeating section's row records (`decision = { date,
/// effective, number }`): a row added to a record answers the deadline for recording a decision
/// (`trigger = "decision_date"`, LS Đ8.2, LC Đ6.4, ĐN Đ10.2c), whose clock starts on the later
/// of the two days — a decision cannot be recorded as in force before it takes effect. Its
/// number tells a corrected date from another decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionDating {
    pub date: String,
    #[serde(default)]
    pub effective: Option<String>,
    #[serde(default)]
    pub number: Option<String>,
}

/// One option of a `choice` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub code: String,
    pub label: String,
}

/// A field of a section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// snake_case identifier, unique within its section.
    pub id: String,
    /// Vietnamese label as on the form.
    pub label: String,
    /// A shorter label for a list's column header, where the form's is a sentence.
    pub short_label: Option<String>,
    /// Other headers the field goes by in the spreadsheets HR officers keep ("Số CCCD",
    /// "CMND/CCCD", "Số định danh"…): an import maps a column with one of them to this field.
    pub import_synonyms: Vec<String>,
    pub kind: FieldKind,
    pub required: Requirement,
    /// Minimum clearance needed to read the field.
    pub access: AccessLevel,
    /// Encrypted at rest.
    pub encrypted: bool,
    /// For `catalog` / `catalog_list` fields.
    pub catalog: Option<CatalogRef>,
    /// The column this field is projected to: in `persons` for a single section, in
    /// `record_history` for a repeating one.
    pub projection: Option<String>,
    /// What code knows this field by ([`FieldRole`]).
    pub role: Option<FieldRole>,
    /// Filled by the system (never on a form nor in a change request).
    pub system: bool,
    pub help: Option<String>,
    /// Maximum length in characters (text); see [`Field::max_chars`] for the default.
    pub max_len: Option<usize>,
    /// Lower bound for numbers and years.
    pub min: Option<f64>,
    /// Upper bound for numbers and years.
    pub max: Option<f64>,
    /// Dates/months/years after today are allowed (contract end, discipline end…).
    pub allow_future: bool,
    /// Long text (rendered as a text area; default maximum 4000 characters).
    pub multiline: bool,
    /// Options of a `choice` field.
    pub choices: Vec<Choice>,
    /// The shape a `text` field's value must have ([`TextFormat`]).
    pub format: Option<TextFormat>,
    /// A catalog field whose label names the code ("Mã số ngạch…"): its value reads as the
    /// code with the name, not the name alone.
    pub shows_code: bool,
}

/// The shape of a text field that holds a number of a kind (`format = "…"` in the schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextFormat {
    /// A Vietnamese telephone number: 10 digits for a mobile, 11 for a landline (02…), written
    /// with or without spaces, dots, dashes or the country code +84; kept as digits from 0.
    Phone,
    /// Mã số bảo hiểm xã hội: 10 digits.
    SocialInsuranceCode,
    /// A số định danh cá nhân (12 digits, the province of birth registration first;
    /// TT 59/2021/TT-BCA Điều 7), which NĐ 27/2026/NĐ-CP makes the code of the electronic record.
    /// Personal data: the problem never repeats the number.
    PersonalIdNumber,
}

impl TextFormat {
    /// The value as it is kept, or the problem in Vietnamese.
    pub fn normalise(self, text: &str) -> Result<String, String> {
        let compact: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')' | '\u{a0}'))
            .collect();
        match self {
            TextFormat::Phone => {
                let national = if let Some(rest) = compact.strip_prefix("+84") {
                    format!("0{rest}")
                } else if compact.starts_with("84") && matches!(compact.len(), 11 | 12) {
                    format!("0{}", &compact[2..])
                } else {
                    compact
                };
                let digits = national.chars().all(|c| c.is_ascii_digit());
                let mobile = national.len() == 10
                    && national.starts_with('0')
                    && !national.starts_with("02");
                let landline = national.len() == 11 && national.starts_with("02");
                if digits && (mobile || landline) {
                    Ok(national)
                } else {
                    Err(format!(
                        "“{}” không phải số điện thoại Việt Nam (di động 10 chữ số bắt đầu bằng 0, cố định 11 chữ số bắt đầu bằng 02; ví dụ 0987654321).",
                        text.trim()
                    ))
                }
            }
            TextFormat::SocialInsuranceCode => {
                if compact.len() == 10 && compact.chars().all(|c| c.is_ascii_digit()) {
                    Ok(compact)
                } else {
                    Err(format!(
                        "“{}” không phải mã số bảo hiểm xã hội (10 chữ số).",
                        text.trim()
                    ))
                }
            }
            TextFormat::PersonalIdNumber => crate::national_id::NationalId::parse(&compact)
                .map(|id| id.as_str().to_string())
                .map_err(|e| e.to_string()),
        }
    }
}

impl Field {
    /// The header of a list column showing this field.
    pub fn column_label(&self) -> &str {
        self.short_label.as_deref().unwrap_or(&self.label)
    }

    /// Maximum length of a text value in characters.
    pub fn max_chars(&self) -> usize {
        self.max_len
            .unwrap_or(if self.multiline { 4000 } else { 255 })
    }

    /// How a catalog item of this field reads: "01.003 — Chuyên viên" where the field is
    /// the code ([`Field::shows_code`]), else its name.
    pub fn catalog_item_label(&self, code: &str, name: &str) -> String {
        if self.shows_code {
            format!("{code} — {name}")
        } else {
            name.to_string()
        }
    }

    /// The label of a choice code.
    pub fn choice_label(&self, code: &str) -> Option<&str> {
        self.choices
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.label.as_str())
    }
}

/// A section of the record: a group of fields, or a list of rows of those fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub id: String,
    pub label: String,
    /// A repeating section's value is an array of rows.
    pub repeating: bool,
    /// For a repeating section: the fields dating each row (history projection).
    pub period: Option<Period>,
    /// For a repeating section whose rows record decisions: the fields dating them.
    pub decision: Option<DecisionDating>,
    /// For a repeating section: the most rows a record may hold (`max_rows` in the TOML,
    /// [`DEFAULT_MAX_ROWS`] when absent). Bounds the work of validating one document.
    pub max_rows: usize,
    /// The personnel categories (codes of the field playing `personnel_category`) the section
    /// is about, e.g. the contract only for `contract_worker`; empty = every category.
    pub applies_to: Vec<String>,
    pub fields: Vec<Field>,
}

/// The row limit of a repeating section that declares none.
pub const DEFAULT_MAX_ROWS: usize = 200;

impl Section {
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// Holds a field the system fills in: the section is kept by the system and HR, never
    /// proposed in a change request.
    pub fn is_system_managed(&self) -> bool {
        self.fields.iter().any(|f| f.system)
    }

    /// The lowest access level of its fields: below it, the section is not shown at all.
    pub fn min_access(&self) -> AccessLevel {
        self.fields
            .iter()
            .map(|f| f.access)
            .min()
            .unwrap_or(AccessLevel::Secret)
    }
}

/// A reference to a field in a rule: `section.field` or `section[].field` (per row).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct FieldPath {
    pub section: String,
    pub field: String,
    /// The section is repeating: the rule applies to each row.
    pub repeating: bool,
}

impl FieldPath {
    fn parse(s: &str) -> Option<FieldPath> {
        let (section, field) = s.split_once('.')?;
        let (section, repeating) = match section.strip_suffix("[]") {
            Some(sec) => (sec, true),
            None => (section, false),
        };
        if section.is_empty() || field.is_empty() || field.contains('.') {
            return None;
        }
        Some(FieldPath {
            section: section.to_owned(),
            field: field.to_owned(),
            repeating,
        })
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let brackets = if self.repeating { "[]" } else { "" };
        write!(f, "{}{brackets}.{}", self.section, self.field)
    }
}

/// A cross-field rule declared in the schema file (`[[rules]]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Rule {
    /// `later` must not be before `earlier` (+ `min_years`). Checked when both are filled.
    NotBefore {
        earlier: FieldPath,
        later: FieldPath,
        min_years: u32,
    },
    /// `field` is required when `when` is filled (and its value is one of `equals`, if given).
    RequiredIf {
        field: FieldPath,
        when: FieldPath,
        equals: Vec<String>,
    },
    /// Values of a repeating field are unique across rows.
    Unique { field: FieldPath },
    /// The số định danh agrees with the declared sex and birth year.
    NationalIdMatches {
        national_id: FieldPath,
        gender: FieldPath,
        birth_date: FieldPath,
    },
    /// The salary coefficient is the one the salary tables give the ngạch or chức danh nghề
    /// nghiệp at that step, and the step exists (NĐ 204/2004/NĐ-CP). Checked when the three are
    /// filled and the grade's salary group is known.
    SalaryCoefficientMatches {
        grade: FieldPath,
        step: FieldPath,
        coefficient: FieldPath,
    },
}

/// How a schema version differs from its predecessor (`[[changes]]`); additions are implicit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// A field changes its id within a section.
    Rename {
        section: String,
        from: String,
        to: String,
    },
    /// A field moves to another section (between single sections, or within one repeating
    /// section).
    Move {
        from_section: String,
        from_field: String,
        to_section: String,
        to_field: String,
    },
    /// A field is dropped.
    Retire { section: String, field: String },
}

/// One version of the record schema.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordSchema {
    /// e.g. `tt06-2023`.
    pub version: String,
    /// First day the version applies.
    pub effective_from: Date,
    pub title: String,
    /// Version this one evolves from (declares `changes` relative to it).
    pub predecessor: Option<String>,
    pub sections: Vec<Section>,
    pub rules: Vec<Rule>,
    pub changes: Vec<Change>,
}

/// Why a schema file is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("lược đồ hồ sơ: lỗi cú pháp TOML: {0}")]
    Toml(String),
    #[error("lược đồ hồ sơ {version}: {message}")]
    Invalid { version: String, message: String },
    #[error("lược đồ hồ sơ: không có phiên bản \"{0}\"")]
    UnknownVersion(String),
}

impl RecordSchema {
    /// Parses and checks one schema file (without its predecessor: `changes` are checked by
    /// [`SchemaSet::from_sources`]).
    pub fn from_toml(text: &str) -> Result<RecordSchema, SchemaError> {
        let raw: raw::RawSchema =
            toml::from_str(text).map_err(|e| SchemaError::Toml(e.to_string()))?;
        let schema = raw.into_schema()?;
        schema.check()?;
        Ok(schema)
    }

    /// Writes the values of formatted text fields ([`TextFormat`]) the way they are
    /// kept: "0987 654 321" and "+84 987 654 321" become "0987654321". A value that does not
    /// fit is left as it is, for the validator to name.
    pub fn normalise(&self, doc: &mut RecordDoc) {
        for section in &self.sections {
            let formatted: Vec<(&str, TextFormat)> = section
                .fields
                .iter()
                .filter_map(|f| Some((f.id.as_str(), f.format?)))
                .collect();
            if formatted.is_empty() {
                continue;
            }
            let objects: Vec<&mut serde_json::Map<String, Value>> = match doc.get_mut(&section.id) {
                Some(Value::Array(rows)) => {
                    rows.iter_mut().filter_map(Value::as_object_mut).collect()
                }
                Some(Value::Object(obj)) => vec![obj],
                _ => continue,
            };
            for obj in objects {
                for (id, format) in &formatted {
                    if let Some(Value::String(text)) = obj.get_mut(*id)
                        && let Ok(kept) = format.normalise(text)
                    {
                        *text = kept;
                    }
                }
            }
        }
    }

    /// Whether `section` is about the person of `doc`: a section kept for other personnel
    /// categories (the contract of a người lao động, for a công chức) is left off forms and
    /// the record page, unless it already holds something. A record without a category shows
    /// every section.
    pub fn section_applies(&self, section: &Section, doc: &RecordDoc) -> bool {
        if section.applies_to.is_empty() {
            return true;
        }
        let holds_something = match doc.get(&section.id) {
            Some(Value::Array(rows)) => !rows.is_empty(),
            Some(Value::Object(fields)) => fields
                .values()
                .any(|v| !v.is_null() && v.as_str() != Some("")),
            _ => false,
        };
        holds_something
            || self
                .role_text(doc, FieldRole::PersonnelCategory)
                .is_none_or(|category| section.applies_to.iter().any(|c| c == category))
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    pub fn field(&self, section: &str, field: &str) -> Option<&Field> {
        self.section(section)?.field(field)
    }

    /// Every (section, field), in declaration order.
    pub fn fields(&self) -> impl Iterator<Item = (&Section, &Field)> {
        self.sections
            .iter()
            .flat_map(|s| s.fields.iter().map(move |f| (s, f)))
    }

    /// Fields encrypted at rest.
    pub fn encrypted_fields(&self) -> impl Iterator<Item = (&Section, &Field)> {
        self.fields().filter(|(_, f)| f.encrypted)
    }

    /// Fields a reader with `clearance` may see.
    pub fn fields_visible_to(
        &self,
        clearance: AccessLevel,
    ) -> impl Iterator<Item = (&Section, &Field)> {
        self.fields().filter(move |(_, f)| f.access <= clearance)
    }

    /// The columns of the current-state projection (`persons`), in declaration order.
    pub fn projected_columns(&self) -> impl Iterator<Item = ProjectedColumn<'_>> {
        self.projected(false)
    }

    /// The columns of the history projection (`record_history`), in declaration order (a
    /// column fed by several sections appears once per section).
    pub fn history_columns(&self) -> impl Iterator<Item = ProjectedColumn<'_>> {
        self.projected(true)
    }

    fn projected(&self, repeating: bool) -> impl Iterator<Item = ProjectedColumn<'_>> {
        self.fields()
            .filter(move |(s, _)| s.repeating == repeating)
            .filter_map(|(section, field)| {
                Some(ProjectedColumn {
                    name: field.projection.as_deref()?,
                    kind: ProjectedKind::of(field.kind)?,
                    section,
                    field,
                })
            })
    }

    /// The current-state column of the field playing `role`, if it is projected.
    pub fn role_column(&self, role: FieldRole) -> Option<ProjectedColumn<'_>> {
        self.projected_columns()
            .find(|c| c.field.role == Some(role))
    }

    /// The repeating sections kept in the history projection: those declaring a period or
    /// projecting a field.
    pub fn history_sections(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| {
            s.repeating && (s.period.is_some() || s.fields.iter().any(|f| f.projection.is_some()))
        })
    }

    fn resolve(&self, path: &FieldPath) -> Option<(&Section, &Field)> {
        let section = self.section(&path.section)?;
        Some((section, section.field(&path.field)?))
    }

    fn invalid(&self, message: impl Into<String>) -> SchemaError {
        SchemaError::Invalid {
            version: self.version.clone(),
            message: message.into(),
        }
    }

    /// A projected column: a plain identifier of its own, a kind a column can hold, never a
    /// sealed field (its clear value would sit in the table), once in `persons`, and of one
    /// kind wherever it appears in `record_history`.
    fn check_projection<'a>(
        &self,
        section: &Section,
        field: &'a Field,
        column: &'a str,
        seen: &mut Vec<(bool, &'a str, FieldKind)>,
    ) -> Result<(), SchemaError> {
        let at = format!("{}.{}", section.id, field.id);
        let plain = column.len() <= 48
            && column.starts_with(|c: char| c.is_ascii_lowercase())
            && column
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !plain || RESERVED_COLUMNS.contains(&column) {
            return Err(self.invalid(format!(
                "{at}: projection \"{column}\" không phải tên cột dùng được"
            )));
        }
        let Some(kind) = ProjectedKind::of(field.kind) else {
            return Err(self.invalid(format!(
                "{at}: projection {column} không hợp với trường kiểu {}",
                field.kind.as_str()
            )));
        };
        if field.encrypted {
            return Err(self.invalid(format!(
                "{at}: projection {column}: trường mã hoá không được chiếu ra bảng tra cứu"
            )));
        }
        for (repeating, name, other) in seen.iter() {
            if *name != column || *repeating != section.repeating {
                continue;
            }
            if !section.repeating || ProjectedKind::of(*other) != Some(kind) {
                return Err(self.invalid(format!("{at}: projection {column} khai hai lần")));
            }
        }
        seen.push((section.repeating, column, field.kind));
        Ok(())
    }

    /// A period names temporal fields of its own repeating section.
    fn check_period(&self, section: &Section) -> Result<(), SchemaError> {
        let Some(period) = &section.period else {
            return Ok(());
        };
        if !section.repeating {
            return Err(self.invalid(format!("{}: period chỉ dùng cho mục lặp", section.id)));
        }
        for id in std::iter::once(&period.from).chain(&period.to) {
            if !section.field(id).is_some_and(|f| f.kind.is_temporal()) {
                return Err(self.invalid(format!(
                    "{}: period: \"{id}\" không phải trường ngày tháng của mục",
                    section.id
                )));
            }
        }
        Ok(())
    }

    /// A decision's dating names date fields of its own repeating section.
    fn check_decision(&self, section: &Section) -> Result<(), SchemaError> {
        let Some(decision) = &section.decision else {
            return Ok(());
        };
        if !section.repeating {
            return Err(self.invalid(format!("{}: decision chỉ dùng cho mục lặp", section.id)));
        }
        for id in std::iter::once(&decision.date).chain(&decision.effective) {
            if !section.field(id).is_some_and(|f| f.kind == FieldKind::Date) {
                return Err(self.invalid(format!(
                    "{}: decision: \"{id}\" không phải trường ngày của mục",
                    section.id
                )));
            }
        }
        if let Some(id) = &decision.number
            && !section.field(id).is_some_and(|f| f.kind == FieldKind::Text)
        {
            return Err(self.invalid(format!(
                "{}: decision: \"{id}\" không phải trường văn bản của mục",
                section.id
            )));
        }
        Ok(())
    }

    /// Internal consistency of one version.
    fn check(&self) -> Result<(), SchemaError> {
        let known_catalog = |name: &str| CATALOGS.iter().any(|(n, _, _)| *n == name);
        let is_ident = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        if self.version.trim().is_empty() || self.title.trim().is_empty() {
            return Err(self.invalid("thiếu version hoặc title"));
        }
        let mut projections = Vec::new();
        let mut roles = Vec::new();
        let categories = self
            .role_field(FieldRole::PersonnelCategory)
            .map(|(_, f)| f);
        for (i, section) in self.sections.iter().enumerate() {
            if !is_ident(&section.id) {
                return Err(self.invalid(format!("mã mục \"{}\" không hợp lệ", section.id)));
            }
            if self.sections[..i].iter().any(|s| s.id == section.id) {
                return Err(self.invalid(format!("mục \"{}\" khai hai lần", section.id)));
            }
            if section.fields.is_empty() {
                return Err(self.invalid(format!("mục \"{}\" không có trường", section.id)));
            }
            self.check_period(section)?;
            self.check_decision(section)?;
            for code in &section.applies_to {
                if categories.is_none_or(|f| f.choice_label(code).is_none()) {
                    return Err(self.invalid(format!(
                        "mục \"{}\": applies_to \"{code}\" không phải một giá trị của Đối tượng",
                        section.id
                    )));
                }
            }
            for (j, field) in section.fields.iter().enumerate() {
                let at = format!("{}.{}", section.id, field.id);
                if !is_ident(&field.id) || field.label.trim().is_empty() {
                    return Err(self.invalid(format!("{at}: mã hoặc nhãn không hợp lệ")));
                }
                if section.fields[..j].iter().any(|f| f.id == field.id) {
                    return Err(self.invalid(format!("{at}: trường khai hai lần")));
                }
                let is_catalog = matches!(field.kind, FieldKind::Catalog | FieldKind::CatalogList);
                match (&field.catalog, is_catalog) {
                    (Some(c), true) => {
                        if let Some(bad) = c.catalog_names().find(|n| !known_catalog(n)) {
                            return Err(self.invalid(format!("{at}: không có danh mục \"{bad}\"")));
                        }
                    }
                    (None, false) => {}
                    _ => {
                        return Err(self.invalid(format!(
                            "{at}: chỉ trường kiểu catalog/catalog_list mới (và phải) có catalog"
                        )));
                    }
                }
                if (field.kind == FieldKind::Choice) == field.choices.is_empty() {
                    return Err(self.invalid(format!(
                        "{at}: chỉ trường kiểu choice mới (và phải) có choices"
                    )));
                }
                for (k, c) in field.choices.iter().enumerate() {
                    if field.choices[..k].iter().any(|x| x.code == c.code) {
                        return Err(self.invalid(format!("{at}: lựa chọn \"{}\" trùng", c.code)));
                    }
                }
                if let (Some(min), Some(max)) = (field.min, field.max)
                    && min > max
                {
                    return Err(self.invalid(format!("{at}: min > max")));
                }
                if field.allow_future && !field.kind.is_temporal() {
                    return Err(self.invalid(format!("{at}: allow_future chỉ dùng cho ngày tháng")));
                }
                if let Some(col) = &field.projection {
                    self.check_projection(section, field, col, &mut projections)?;
                }
                if let Some(role) = field.role {
                    if section.repeating || !role.accepts_kind(field.kind) {
                        return Err(self.invalid(format!(
                            "{at}: role {} không hợp với trường này",
                            role.as_str()
                        )));
                    }
                    if roles.contains(&role) {
                        return Err(
                            self.invalid(format!("{at}: role {} khai hai lần", role.as_str()))
                        );
                    }
                    if role.is_system() && !field.system {
                        return Err(self.invalid(format!(
                            "{at}: role {} do hệ thống điền, trường phải khai system = true",
                            role.as_str()
                        )));
                    }
                    roles.push(role);
                }
            }
        }
        if let Some(missing) = FieldRole::ALL
            .into_iter()
            .find(|r| r.is_required() && !roles.contains(r))
        {
            return Err(self.invalid(format!(
                "thiếu trường mang role {} (ứng dụng cần nó)",
                missing.as_str()
            )));
        }
        for rule in &self.rules {
            self.check_rule(rule)?;
        }
        Ok(())
    }

    fn check_path(&self, path: &FieldPath) -> Result<(&Section, &Field), SchemaError> {
        let (section, field) = self
            .resolve(path)
            .ok_or_else(|| self.invalid(format!("quy tắc: không có trường {path}")))?;
        if section.repeating != path.repeating {
            return Err(self.invalid(format!(
                "quy tắc: {path} — mục lặp phải viết \"mục[].trường\", mục đơn viết \"mục.trường\""
            )));
        }
        Ok((section, field))
    }

    fn check_rule(&self, rule: &Rule) -> Result<(), SchemaError> {
        // Two repeating paths in one rule must be in the same section (compared row by row).
        let same_rows = |a: &FieldPath, b: &FieldPath| {
            if a.repeating && b.repeating && a.section != b.section {
                Err(self.invalid(format!("quy tắc: {a} và {b} thuộc hai nhóm lặp khác nhau")))
            } else {
                Ok(())
            }
        };
        match rule {
            Rule::NotBefore { earlier, later, .. } => {
                for p in [earlier, later] {
                    let (_, f) = self.check_path(p)?;
                    if !f.kind.is_temporal() {
                        return Err(
                            self.invalid(format!("quy tắc not_before: {p} không phải ngày tháng"))
                        );
                    }
                }
                same_rows(earlier, later)
            }
            Rule::RequiredIf { field, when, .. } => {
                let (_, f) = self.check_path(field)?;
                self.check_path(when)?;
                if f.required != Requirement::Conditional {
                    return Err(self.invalid(format!(
                        "quy tắc required_if: {field} phải khai required = \"conditional\""
                    )));
                }
                if when.repeating && !field.repeating {
                    return Err(self.invalid(format!(
                        "quy tắc required_if: {field} là mục đơn nhưng điều kiện {when} ở nhóm lặp"
                    )));
                }
                same_rows(field, when)
            }
            Rule::Unique { field } => {
                self.check_path(field)?;
                if !field.repeating {
                    return Err(self.invalid(format!("quy tắc unique: {field} không ở nhóm lặp")));
                }
                Ok(())
            }
            Rule::NationalIdMatches {
                national_id,
                gender,
                birth_date,
            } => {
                let kinds = [
                    (national_id, FieldKind::NationalId),
                    (gender, FieldKind::Gender),
                    (birth_date, FieldKind::Date),
                ];
                for (p, kind) in kinds {
                    let (_, f) = self.check_path(p)?;
                    if f.kind != kind || p.repeating {
                        return Err(self.invalid(format!(
                            "quy tắc national_id_matches: {p} phải là trường {} ở mục đơn",
                            kind.as_str()
                        )));
                    }
                }
                Ok(())
            }
            Rule::SalaryCoefficientMatches {
                grade,
                step,
                coefficient,
            } => {
                let kinds = [
                    (grade, FieldKind::Catalog),
                    (step, FieldKind::Integer),
                    (coefficient, FieldKind::Decimal),
                ];
                for (p, kind) in kinds {
                    let (_, f) = self.check_path(p)?;
                    if f.kind != kind {
                        return Err(self.invalid(format!(
                            "quy tắc salary_coefficient_matches: {p} phải là trường {}",
                            kind.as_str()
                        )));
                    }
                }
                same_rows(grade, step)?;
                same_rows(step, coefficient)
            }
        }
    }

    /// Checks this version's `changes` against its predecessor.
    fn check_changes(&self, prev: &RecordSchema) -> Result<(), SchemaError> {
        for change in &self.changes {
            let (from_sec, from_field, to) = match change {
                Change::Rename { section, from, to } => (
                    section.as_str(),
                    from.as_str(),
                    Some((section.as_str(), to.as_str())),
                ),
                Change::Move {
                    from_section,
                    from_field,
                    to_section,
                    to_field,
                } => (
                    from_section.as_str(),
                    from_field.as_str(),
                    Some((to_section.as_str(), to_field.as_str())),
                ),
                Change::Retire { section, field } => (section.as_str(), field.as_str(), None),
            };
            let old_sec = prev
                .section(from_sec)
                .filter(|s| s.field(from_field).is_some());
            let Some(old_sec) = old_sec else {
                return Err(self.invalid(format!(
                    "thay đổi {change:?}: phiên bản {} không có trường {from_sec}.{from_field}",
                    prev.version
                )));
            };
            if let Some((to_sec, to_field)) = to {
                let Some(new_sec) = self.section(to_sec).filter(|s| s.field(to_field).is_some())
                else {
                    return Err(self.invalid(format!(
                        "thay đổi {change:?}: phiên bản này không có trường {to_sec}.{to_field}"
                    )));
                };
                if (old_sec.repeating || new_sec.repeating) && old_sec.id != new_sec.id {
                    return Err(self.invalid(format!(
                        "thay đổi {change:?}: chỉ chuyển được giữa hai mục đơn hoặc trong cùng một nhóm lặp"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Applies this version's changes to a document of the predecessor version.
    fn apply_changes(&self, doc: &mut RecordDoc) {
        for change in &self.changes {
            match change {
                Change::Rename { section, from, to } => {
                    move_field(doc, section, from, section, to);
                }
                Change::Move {
                    from_section,
                    from_field,
                    to_section,
                    to_field,
                } => move_field(doc, from_section, from_field, to_section, to_field),
                Change::Retire { section, field } => match doc.get_mut(section) {
                    Some(Value::Object(obj)) => {
                        obj.remove(field);
                    }
                    Some(Value::Array(rows)) => {
                        for row in rows.iter_mut().filter_map(Value::as_object_mut) {
                            row.remove(field);
                        }
                    }
                    _ => {}
                },
            }
        }
    }
}

fn move_field(doc: &mut RecordDoc, from_sec: &str, from: &str, to_sec: &str, to: &str) {
    if from_sec == to_sec {
        match doc.get_mut(from_sec) {
            Some(Value::Object(obj)) => rename_key(obj, from, to),
            Some(Value::Array(rows)) => {
                for row in rows.iter_mut().filter_map(Value::as_object_mut) {
                    rename_key(row, from, to);
                }
            }
            _ => {}
        }
        return;
    }
    let taken = match doc.get_mut(from_sec) {
        Some(Value::Object(obj)) => obj.remove(from),
        _ => None,
    };
    if let Some(value) = taken {
        let target = doc
            .entry(to_sec.to_owned())
            .or_insert_with(|| Value::Object(Default::default()));
        if !target.is_object() {
            *target = Value::Object(Default::default());
        }
        if let Value::Object(obj) = target {
            obj.insert(to.to_owned(), value);
        }
    }
}

fn rename_key(obj: &mut serde_json::Map<String, Value>, from: &str, to: &str) {
    if let Some(v) = obj.remove(from) {
        obj.insert(to.to_owned(), v);
    }
}

/// Every known schema version, ordered by effective date.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaSet {
    versions: Vec<RecordSchema>,
}

impl SchemaSet {
    /// The schemas embedded in the crate, parsed once.
    ///
    /// # Panics
    /// If an embedded file is invalid (they are ours and tested), with the parse error.
    pub fn embedded() -> &'static SchemaSet {
        static CELL: OnceLock<SchemaSet> = OnceLock::new();
        CELL.get_or_init(|| match SchemaSet::from_sources(EMBEDDED) {
            Ok(set) => set,
            Err(e) => panic!("embedded record schema is invalid: {e}"),
        })
    }

    /// Parses a set of schema files (any order). Each version after the first must name the
    /// previous one (by effective date) as its `predecessor`.
    pub fn from_sources(sources: &[&str]) -> Result<SchemaSet, SchemaError> {
        let mut versions = sources
            .iter()
            .map(|s| RecordSchema::from_toml(s))
            .collect::<Result<Vec<_>, _>>()?;
        if versions.is_empty() {
            return Err(SchemaError::UnknownVersion(String::new()));
        }
        versions.sort_by_key(|v| v.effective_from);
        for i in 0..versions.len() {
            let v = &versions[i];
            if versions[..i].iter().any(|p| p.version == v.version) {
                return Err(v.invalid("phiên bản khai hai lần"));
            }
            match (i, &v.predecessor) {
                (0, None) if v.changes.is_empty() => {}
                (0, _) => {
                    return Err(
                        v.invalid("phiên bản đầu tiên không được có predecessor hay changes")
                    );
                }
                (_, Some(p)) if *p == versions[i - 1].version => {
                    if versions[i - 1].effective_from == v.effective_from {
                        return Err(v.invalid("trùng ngày hiệu lực với phiên bản trước"));
                    }
                    v.check_changes(&versions[i - 1])?;
                }
                _ => {
                    return Err(v.invalid(format!(
                        "predecessor phải là \"{}\"",
                        versions[i - 1].version
                    )));
                }
            }
        }
        Ok(SchemaSet { versions })
    }

    /// All versions, oldest first.
    pub fn versions(&self) -> &[RecordSchema] {
        &self.versions
    }

    /// The newest version.
    pub fn latest(&self) -> &RecordSchema {
        self.versions.last().expect("a schema set is never empty")
    }

    pub fn get(&self, version: &str) -> Option<&RecordSchema> {
        self.versions.iter().find(|v| v.version == version)
    }

    /// The version in force on `date`; the oldest version for dates before any version (older
    /// records are kept in the oldest known form).
    pub fn for_date(&self, date: Date) -> &RecordSchema {
        self.versions
            .iter()
            .rev()
            .find(|v| v.effective_from <= date)
            .unwrap_or(&self.versions[0])
    }

    /// Carries a document written under `from_version` forward to the latest version by
    /// applying every later version's changes in order.
    pub fn migrate(&self, doc: RecordDoc, from_version: &str) -> Result<RecordDoc, SchemaError> {
        let latest = self.latest().version.clone();
        self.migrate_to(doc, from_version, &latest)
    }

    /// Like [`Self::migrate`], up to `to_version` (which must not be older than `from_version`).
    pub fn migrate_to(
        &self,
        mut doc: RecordDoc,
        from_version: &str,
        to_version: &str,
    ) -> Result<RecordDoc, SchemaError> {
        let index = |v: &str| {
            self.versions
                .iter()
                .position(|s| s.version == v)
                .ok_or_else(|| SchemaError::UnknownVersion(v.to_owned()))
        };
        let (from, to) = (index(from_version)?, index(to_version)?);
        if to < from {
            return Err(SchemaError::Invalid {
                version: to_version.to_owned(),
                message: format!("không chuyển ngược từ {from_version} về phiên bản cũ hơn"),
            });
        }
        for schema in &self.versions[from + 1..=to] {
            schema.apply_changes(&mut doc);
        }
        Ok(doc)
    }
}

/// The raw TOML shape, converted into the public types after parsing.
mod raw {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct RawSchema {
        version: String,
        effective_from: toml::value::Datetime,
        title: String,
        #[serde(default)]
        predecessor: Option<String>,
        sections: Vec<RawSection>,
        #[serde(default)]
        rules: Vec<RawRule>,
        #[serde(default)]
        changes: Vec<Change>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawSection {
        id: String,
        label: String,
        #[serde(default)]
        repeating: bool,
        #[serde(default)]
        access: Option<AccessLevel>,
        #[serde(default)]
        encrypted: bool,
        #[serde(default)]
        period: Option<Period>,
        #[serde(default)]
        decision: Option<DecisionDating>,
        #[serde(default)]
        max_rows: Option<usize>,
        #[serde(default)]
        applies_to: Vec<String>,
        fields: Vec<RawField>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawField {
        id: String,
        label: String,
        #[serde(default)]
        short_label: Option<String>,
        #[serde(default)]
        import_synonyms: Vec<String>,
        #[serde(rename = "type")]
        kind: FieldKind,
        #[serde(default)]
        required: Requirement,
        #[serde(default)]
        access: Option<AccessLevel>,
        #[serde(default)]
        encrypted: Option<bool>,
        #[serde(default)]
        catalog: Option<RawCatalogRef>,
        #[serde(default)]
        projection: Option<String>,
        #[serde(default)]
        role: Option<FieldRole>,
        #[serde(default)]
        system: bool,
        #[serde(default)]
        help: Option<String>,
        #[serde(default)]
        max_len: Option<usize>,
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
        #[serde(default)]
        allow_future: bool,
        #[serde(default)]
        multiline: bool,
        #[serde(default)]
        choices: Vec<Choice>,
        #[serde(default)]
        format: Option<TextFormat>,
        #[serde(default)]
        shows_code: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawCatalogRef {
        name: String,
        #[serde(default)]
        kind: Option<String>,
        #[serde(default)]
        kinds: Vec<String>,
        #[serde(default)]
        alternatives: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
    enum RawRule {
        NotBefore {
            earlier: String,
            later: String,
            #[serde(default)]
            min_years: u32,
        },
        RequiredIf {
            field: String,
            when: String,
            #[serde(default)]
            equals: Vec<String>,
        },
        Unique {
            field: String,
        },
        NationalIdMatches {
            national_id: String,
            gender: String,
            birth_date: String,
        },
        SalaryCoefficientMatches {
            grade: String,
            step: String,
            coefficient: String,
        },
    }

    impl RawSchema {
        pub(super) fn into_schema(self) -> Result<RecordSchema, SchemaError> {
            let version = self.version;
            let invalid = |message: String| SchemaError::Invalid {
                version: version.clone(),
                message,
            };
            let effective_from = self
                .effective_from
                .date
                .filter(|_| self.effective_from.time.is_none())
                .and_then(|d| {
                    let month = time::Month::try_from(d.month).ok()?;
                    Date::from_calendar_date(i32::from(d.year), month, d.day).ok()
                })
                .ok_or_else(|| invalid("effective_from phải là một ngày (YYYY-MM-DD)".into()))?;
            let mut sections = Vec::with_capacity(self.sections.len());
            for s in self.sections {
                let mut fields = Vec::with_capacity(s.fields.len());
                for f in s.fields {
                    let access = f
                        .access
                        .or(s.access)
                        .ok_or_else(|| invalid(format!("{}.{}: thiếu access", s.id, f.id)))?;
                    let catalog = match f.catalog {
                        None => None,
                        Some(c) => {
                            if c.kind.is_some() && !c.kinds.is_empty() {
                                return Err(invalid(format!(
                                    "{}.{}: dùng kind hoặc kinds, không dùng cả hai",
                                    s.id, f.id
                                )));
                            }
                            Some(CatalogRef {
                                name: c.name,
                                kinds: c.kind.into_iter().chain(c.kinds).collect(),
                                alternatives: c.alternatives,
                            })
                        }
                    };
                    fields.push(Field {
                        id: f.id,
                        label: f.label,
                        short_label: f.short_label,
                        import_synonyms: f.import_synonyms,
                        kind: f.kind,
                        required: f.required,
                        access,
                        encrypted: f.encrypted.unwrap_or(s.encrypted),
                        catalog,
                        projection: f.projection,
                        role: f.role,
                        system: f.system,
                        help: f.help,
                        max_len: f.max_len,
                        min: f.min,
                        max: f.max,
                        allow_future: f.allow_future,
                        multiline: f.multiline,
                        choices: f.choices,
                        format: f.format,
                        shows_code: f.shows_code,
                    });
                }
                if s.max_rows.is_some() && !s.repeating {
                    return Err(invalid(format!(
                        "mục \"{}\": max_rows chỉ dùng cho mục lặp",
                        s.id
                    )));
                }
                if s.max_rows == Some(0) {
                    return Err(invalid(format!(
                        "mục \"{}\": max_rows phải lớn hơn 0",
                        s.id
                    )));
                }
                sections.push(Section {
                    id: s.id,
                    label: s.label,
                    repeating: s.repeating,
                    period: s.period,
                    decision: s.decision,
                    max_rows: s.max_rows.unwrap_or(DEFAULT_MAX_ROWS),
                    applies_to: s.applies_to,
                    fields,
                });
            }
            let path = |p: &str| {
                FieldPath::parse(p)
                    .ok_or_else(|| invalid(format!("quy tắc: đường dẫn \"{p}\" không hợp lệ")))
            };
            let mut rules = Vec::with_capacity(self.rules.len());
            for r in self.rules {
                rules.push(match r {
                    RawRule::NotBefore {
                        earlier,
                        later,
                        min_years,
                    } => Rule::NotBefore {
                        earlier: path(&earlier)?,
                        later: path(&later)?,
                        min_years,
                    },
                    RawRule::RequiredIf {
                        field,
                        when,
                        equals,
                    } => Rule::RequiredIf {
                        field: path(&field)?,
                        when: path(&when)?,
                        equals,
                    },
                    RawRule::Unique { field } => Rule::Unique {
                        field: path(&field)?,
                    },
                    RawRule::NationalIdMatches {
                        national_id,
                        gender,
                        birth_date,
                    } => Rule::NationalIdMatches {
                        national_id: path(&national_id)?,
                        gender: path(&gender)?,
                        birth_date: path(&birth_date)?,
                    },
                    RawRule::SalaryCoefficientMatches {
                        grade,
                        step,
                        coefficient,
                    } => Rule::SalaryCoefficientMatches {
                        grade: path(&grade)?,
                        step: path(&step)?,
                        coefficient: path(&coefficient)?,
                    },
                });
            }
            Ok(RecordSchema {
                version: version.clone(),
                effective_from,
                title: self.title,
                predecessor: self.predecessor,
                sections,
                rules,
                changes: self.changes,
            })
        }
    }
}
