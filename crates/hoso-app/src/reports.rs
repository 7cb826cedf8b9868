//! The query layer: a report specification (which projection, the scope, filters on any
//! projected field, columns, group-by dimensions, counts and sums, an "as of" day) checked
//! against the record schema and the caller's rights, run over `persons` or `record_history`
//! on either database, and returned as a typed table whose columns carry the schema's labels
//! and formats. Every report and export is audited once, here. The dashboard's breakdowns are
//! reports too.

use hoso_domain::access::AccessLevel;
use hoso_domain::age::{AGE_BANDS, YEAR_BANDS, YearBands};
use hoso_domain::audit_action::AuditAction;
use hoso_domain::catalog::Catalogs;
use hoso_domain::org::PersonStatus;
use hoso_domain::schema::{
    Field, FieldKind, FieldRole, ProjectedKind, ProjectedValue, RecordSchema,
};
use hoso_store::org as org_store;
use hoso_store::report::{self, Dimension, Filter, Measure, ReportQuery, Source};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::authz::Attempt;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo, Target};

/// Most rows one report returns (a page of a listing, or the groups of a breakdown).
pub const REPORT_ROW_CAP: i64 = 50_000;

/// What to ask. Column names are the schema's projected columns (`rank_or_title_code`,
/// `date_of_birth`…) and the person's own `full_name`, `status` and `unit`; history rows add
/// `valid_from` and `valid_to`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    /// `persons` (one row per person, the default) or a repeating section kept in the history
    /// projection (`salary_history`, `annual_achievements`, `disciplinary_records`…).
    #[serde(default)]
    pub source: Option<String>,
    /// Only this unit and the units below it (within what the caller may read).
    #[serde(default)]
    pub unit: Option<i64>,
    #[serde(default)]
    pub filters: Vec<FilterSpec>,
    /// Columns of a listing (ignored when grouping). Default: the name and the unit.
    #[serde(default)]
    pub columns: Vec<String>,
    /// Group by these columns; `column.year` groups a date by its year, `column.age` by how
    /// many whole years ago it was, in bands (five-year age bands for the birth date).
    #[serde(default)]
    pub group_by: Vec<String>,
    /// `count` or `sum:column`. Default when grouping: `count`.
    #[serde(default)]
    pub measures: Vec<String>,
    /// As of this past day (`YYYY-MM-DD`): each person as their record stood then (their unit,
    /// status, ngạch… of that day, from the versions of the record), ages counted on that day,
    /// and history rows in force then.
    #[serde(default)]
    pub as_of: Option<String>,
    #[serde(default)]
    pub page: Option<i64>,
    #[serde(default)]
    pub per_page: Option<i64>,
}

/// One condition. On a column (`column`): `eq` (value), `in` (values), `between` (from and/or
/// to, inclusive; dates, months and numbers only), `empty`, `not_empty`, and `contains` (value)
/// on `full_name`, accent-insensitive (`nguyen van dat` finds *Nguyễn Văn Đạt*). Values are as
/// shown in the record: codes, `YYYY-MM-DD`, `YYYY-MM`, numbers (2.34 for a coefficient).
///
/// On the person's history: `has` / `has_not` with `section` (a history source such as
/// `management_trainings` or `disciplinary_records`) and `where`, conditions one row of it must
/// meet together (its columns, `valid_from`, `valid_to`): the person has such a row (at least
/// `at_least` of them), or has none (fewer than `at_least`). `any` with `where`: one of the
/// conditions holds.
///
/// Also: `not_in` (values: filled in, none of them), `age_between` (from and/or to, whole years,
/// on a date column: the age in completed years today, as a statutory report counts it) and
/// `in_group` (on a catalog column: the codes whose catalog `attribute` is one of `values`, e.g.
/// the ngạch of `nhom_tuong_duong` `CVC`; a value the catalog marks doubtful with a trailing
/// `?` counts); `not_in_group`: a code of none of them.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterSpec {
    /// The column (not for `has`, `has_not`, `any`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub column: String,
    pub op: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub value: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub values: Vec<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub from: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub to: Option<serde_json::Value>,
    /// `has` / `has_not`: the history section whose rows are looked at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// `has` / `has_not`: conditions on one row of `section`, all holding for the same row;
    /// `any`: the alternatives.
    #[serde(default, rename = "where", skip_serializing_if = "Vec::is_empty")]
    #[schema(no_recursion)]
    pub conditions: Vec<FilterSpec>,
    /// `has` / `has_not`: how many such rows count (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<i64>,
    /// `in_group`: the catalog attribute the values are of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
}

impl FilterSpec {
    /// `column` `op` `value`.
    pub fn on(column: &str, op: &str, value: Option<serde_json::Value>) -> FilterSpec {
        FilterSpec {
            column: column.to_string(),
            op: op.to_string(),
            value,
            ..FilterSpec::default()
        }
    }
}

/// How a column's values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnFormat {
    Text,
    /// A code, shown with its label.
    Code,
    Date,
    Month,
    Integer,
    /// Two decimals.
    Decimal,
}

/// A column of a report table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TableColumn {
    pub key: String,
    /// Vietnamese header, from the schema.
    pub label: String,
    pub format: ColumnFormat,
}

/// A cell: the stored value and, for codes, dates and decimals, how it reads.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TableCell {
    /// The typed value: a text, a number, a day, a code or null.
    pub value: serde_json::Value,
    pub text: String,
}

/// A label over several columns of the header, as a statutory form prints it ("Trong đó" over
/// "Nữ", "Đảng viên"…): the group's label and its columns' own labels.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ColumnGroup {
    pub label: String,
    pub columns: Vec<String>,
}

/// The answer: typed columns and rows, and how many rows there are in all.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportTable {
    pub title: String,
    pub columns: Vec<TableColumn>,
    /// For a statutory form: the groups over its last columns (empty otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub column_groups: Vec<ColumnGroup>,
    pub rows: Vec<Vec<TableCell>>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl ReportTable {
    /// How many pages of `per_page` rows the whole answer makes (at least one).
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page.max(1)).max(1)
    }
}

/// A column as the caller named it, resolved.
struct Resolved<'s> {
    key: String,
    field: report::Field,
    label: String,
    format: ColumnFormat,
    access: AccessLevel,
    schema_field: Option<&'s Field>,
    part: DatePart,
}

/// What of a date column a grouping takes: the day itself, its year (`column.year`), or how
/// many whole years ago it was, in bands (`column.age`: ages by birth date, years since any
/// other day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DatePart {
    Whole,
    Year,
    Bands(YearBands),
}

fn format_of(kind: ProjectedKind) -> ColumnFormat {
    match kind {
        ProjectedKind::Text => ColumnFormat::Text,
        ProjectedKind::Code => ColumnFormat::Code,
        ProjectedKind::Date => ColumnFormat::Date,
        ProjectedKind::Month => ColumnFormat::Month,
        ProjectedKind::Integer => ColumnFormat::Integer,
        ProjectedKind::Hundredths => ColumnFormat::Decimal,
    }
}

fn bad(message: String) -> AppError {
    AppError::BadRequest(message)
}

/// The least a caller may read anywhere in its scope: a report never shows a field one of its
/// rows should hide from them.
pub(crate) fn report_clearance(actor: &Actor) -> AccessLevel {
    actor
        .grants
        .iter()
        .map(|g| g.role.field_clearance())
        .min()
        .unwrap_or(AccessLevel::Public)
}

fn resolve<'s>(schema: &'s RecordSchema, source: &Source, name: &str) -> AppResult<Resolved<'s>> {
    let (base, part) = if let Some(b) = name.strip_suffix(".year") {
        (b, DatePart::Year)
    } else if let Some(b) = name.strip_suffix(".age") {
        (b, DatePart::Bands(YEAR_BANDS))
    } else {
        (name, DatePart::Whole)
    };
    let person = |key: &'static str, label: &str, format| Resolved {
        key: name.to_string(),
        field: report::Field::Person(key),
        label: label.to_string(),
        format,
        access: AccessLevel::Public,
        schema_field: None,
        part: DatePart::Whole,
    };
    let mut resolved = match base {
        "id" => person("id", "Mã hồ sơ", ColumnFormat::Integer),
        "full_name" => person("full_name", "Họ và tên", ColumnFormat::Text),
        "status" => person("status", "Trạng thái", ColumnFormat::Code),
        "unit" => person("unit_id", "Đơn vị", ColumnFormat::Code),
        "valid_from" | "valid_to" if matches!(source, Source::History { .. }) => Resolved {
            key: name.to_string(),
            field: report::Field::Period(if base == "valid_from" {
                "valid_from"
            } else {
                "valid_to"
            }),
            label: if base == "valid_from" {
                "Từ ngày"
            } else {
                "Đến ngày"
            }
            .to_string(),
            format: ColumnFormat::Date,
            access: AccessLevel::Internal,
            schema_field: None,
            part: DatePart::Whole,
        },
        _ => {
            let found = match source {
                Source::Persons => schema.projected_columns().find(|c| c.name == base),
                Source::History { section } => schema
                    .history_columns()
                    .find(|c| c.name == base && c.section.id == *section),
            };
            let c = found.ok_or_else(|| {
                bad(format!(
                    "Không có cột '{base}' trong {}. Chọn một trường được chiếu ra bảng tra cứu.",
                    match source {
                        Source::Persons => "danh sách cán bộ".to_string(),
                        Source::History { section } => format!("quá trình '{section}'"),
                    }
                ))
            })?;
            Resolved {
                key: name.to_string(),
                field: report::Field::Projected(c.name.to_string()),
                label: c.field.label.clone(),
                format: format_of(c.kind),
                access: c.field.access,
                schema_field: Some(c.field),
                part: DatePart::Whole,
            }
        }
    };
    if part != DatePart::Whole && resolved.format != ColumnFormat::Date {
        return Err(bad(format!(
            "'{base}' không phải ngày tháng: không lấy năm hay nhóm tuổi được."
        )));
    }
    match part {
        DatePart::Whole => {}
        DatePart::Year => {
            resolved.part = part;
            resolved.format = ColumnFormat::Text;
            resolved.label = format!("{} (năm)", resolved.label);
        }
        DatePart::Bands(_) => {
            let birth = resolved.schema_field.and_then(|f| f.role) == Some(FieldRole::BirthDate);
            resolved.part = DatePart::Bands(if birth { AGE_BANDS } else { YEAR_BANDS });
            resolved.format = ColumnFormat::Code;
            resolved.label = if birth {
                "Nhóm tuổi".to_string()
            } else {
                format!("{}: số năm đến nay", resolved.label)
            };
        }
    }
    Ok(resolved)
}

/// A value as the request gives it, in the column's stored form.
fn stored_value(r: &Resolved<'_>, v: &serde_json::Value) -> AppResult<ProjectedValue> {
    let wrong = || bad(format!("Giá trị '{v}' không hợp với cột '{}'.", r.key));
    Ok(match r.format {
        ColumnFormat::Integer => ProjectedValue::Integer(v.as_i64().ok_or_else(wrong)?),
        ColumnFormat::Decimal => {
            let x = v.as_f64().filter(|x| x.is_finite()).ok_or_else(wrong)?;
            ProjectedValue::Integer((x * 100.0).round() as i64)
        }
        ColumnFormat::Date => {
            let s = v.as_str().ok_or_else(wrong)?;
            Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
                .map_err(|_| wrong())?;
            ProjectedValue::Text(s.to_string())
        }
        ColumnFormat::Month => {
            let s = v.as_str().ok_or_else(wrong)?;
            Date::parse(
                &format!("{s}-01"),
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|_| wrong())?;
            ProjectedValue::Text(s.to_string())
        }
        _ if matches!(r.field, report::Field::Person("unit_id" | "id")) => {
            ProjectedValue::Integer(v.as_i64().ok_or_else(wrong)?)
        }
        _ => ProjectedValue::Text(v.as_str().ok_or_else(wrong)?.to_string()),
    })
}

/// How a stored value reads: labels for codes, `dd/mm/yyyy` for dates, decimals with a comma.
fn cell(
    r: &Resolved<'_>,
    catalogs: &Catalogs,
    units: &std::collections::HashMap<i64, String>,
    v: Option<ProjectedValue>,
) -> TableCell {
    let Some(v) = v else {
        return TableCell::empty();
    };
    // A band of years: its whole years (either open), which a figure drills down to.
    if let (DatePart::Bands(bands), ProjectedValue::Integer(n)) = (r.part, &v) {
        let band = usize::try_from(*n).unwrap_or_default();
        let (from, to) = bands.years(band);
        return TableCell {
            value: serde_json::json!({ "from": from, "to": to }),
            text: bands.label(band),
        };
    }
    let (value, text) = match (&v, r.format) {
        (ProjectedValue::Integer(n), ColumnFormat::Decimal) => {
            let c = number_cell(*n, true);
            (c.value, c.text)
        }
        (ProjectedValue::Integer(n), _) => {
            let text = match r.field {
                report::Field::Person("unit_id") => units.get(n).cloned().unwrap_or_default(),
                _ => n.to_string(),
            };
            (serde_json::json!(n), text)
        }
        (ProjectedValue::Text(s), ColumnFormat::Date) => (
            serde_json::json!(s),
            match (s.get(0..4), s.get(5..7), s.get(8..10)) {
                (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
                _ => s.clone(),
            },
        ),
        (ProjectedValue::Text(s), ColumnFormat::Month) => (
            serde_json::json!(s),
            match (s.get(0..4), s.get(5..7)) {
                (Some(y), Some(m)) => format!("{m}/{y}"),
                _ => s.clone(),
            },
        ),
        (ProjectedValue::Text(s), ColumnFormat::Code) => {
            let label = match (r.field.clone(), r.schema_field) {
                (report::Field::Person("status"), _) => {
                    PersonStatus::parse(s).map(|p| p.label_vi().to_string())
                }
                (_, Some(f)) => code_label(f, catalogs, s),
                _ => None,
            };
            (serde_json::json!(s), label.unwrap_or_else(|| s.clone()))
        }
        (ProjectedValue::Text(s), _) => (serde_json::json!(s), s.clone()),
    };
    TableCell { value, text }
}

impl TableCell {
    pub(crate) fn empty() -> TableCell {
        TableCell {
            value: serde_json::Value::Null,
            text: String::new(),
        }
    }
}

/// A stored number as it reads: hundredths as a decimal with a comma (5,08), or a whole number.
fn number_cell(n: i64, hundredths: bool) -> TableCell {
    if hundredths {
        let x = n as f64 / 100.0;
        TableCell {
            value: serde_json::json!(x),
            text: format!("{x:.2}").replace('.', ","),
        }
    } else {
        TableCell {
            value: serde_json::json!(n),
            text: n.to_string(),
        }
    }
}

fn code_label(field: &Field, catalogs: &Catalogs, code: &str) -> Option<String> {
    match field.kind {
        FieldKind::Choice => field.choice_label(code).map(str::to_string),
        FieldKind::Gender => {
            hoso_domain::national_id::Gender::parse(code).map(|g| g.label_vi().to_string())
        }
        FieldKind::Catalog => field
            .catalog
            .as_ref()?
            .catalog_names()
            .find_map(|name| catalogs.name(name, code))
            .map(str::to_string),
        _ => None,
    }
}

const COLUMN_OPS: &str = "eq, in, not_in, between, age_between, in_group, not_in_group, empty, not_empty, contains (họ tên), has, has_not, any";

/// What a condition is read against: the schema, the catalogs (for `in_group`) and the day
/// ages are counted on.
pub(crate) struct FilterContext<'a> {
    pub schema: &'a RecordSchema,
    pub catalogs: &'a Catalogs,
    pub today: Date,
}

/// A condition of the request, checked against the schema, as the store's filter. `in_rows`:
/// inside `has`, where only the section's own columns mean anything. Every column or section
/// read is added to `reads` with its access level.
pub(crate) fn compile_filter(
    cx: &FilterContext<'_>,
    source: &Source,
    f: &FilterSpec,
    in_rows: bool,
    reads: &mut Vec<(String, AccessLevel)>,
) -> AppResult<Filter> {
    let schema = cx.schema;
    match f.op.as_str() {
        "has" | "has_not" => {
            if in_rows {
                return Err(bad(
                    "Điều kiện 'has'/'has_not' không lồng vào nhau được: viết các điều kiện của cùng một dòng trong 'where'."
                        .into(),
                ));
            }
            let name = f.section.as_deref().unwrap_or_default();
            let section = schema
                .history_sections()
                .find(|s| s.id == name)
                .ok_or_else(|| {
                    bad(format!(
                        "Điều kiện '{}': không có quá trình '{name}'. Chọn: {}.",
                        f.op,
                        schema
                            .history_sections()
                            .map(|s| s.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            let at_least = f.at_least.unwrap_or(1);
            if !(1..=100).contains(&at_least) {
                return Err(bad(format!(
                    "Điều kiện '{}': at_least phải từ 1 đến 100.",
                    f.op
                )));
            }
            // Whether a row exists at all tells something about the section.
            reads.push((section.id.clone(), section.min_access()));
            let rows = Source::History {
                section: section.id.clone(),
            };
            let conditions = f
                .conditions
                .iter()
                .map(|c| compile_filter(cx, &rows, c, true, reads))
                .collect::<AppResult<Vec<_>>>()?;
            Ok(Filter::HasRows {
                section: section.id.clone(),
                conditions,
                at_least,
                negate: f.op == "has_not",
            })
        }
        "any" => {
            if f.conditions.is_empty() {
                return Err(bad(
                    "Điều kiện 'any': thiếu các điều kiện trong 'where'.".into()
                ));
            }
            Ok(Filter::Any(
                f.conditions
                    .iter()
                    .map(|c| compile_filter(cx, source, c, in_rows, reads))
                    .collect::<AppResult<_>>()?,
            ))
        }
        op => {
            if f.column.is_empty() {
                return Err(bad(format!("Lọc '{op}': thiếu cột (column).")));
            }
            let r = resolve(schema, source, &f.column)?;
            match r.part {
                DatePart::Whole => {}
                DatePart::Year => {
                    return Err(bad(format!(
                        "Lọc '{}': '.year' chỉ dùng khi nhóm; lọc theo năm bằng between từ ngày đầu đến ngày cuối năm.",
                        f.column
                    )));
                }
                DatePart::Bands(_) => {
                    return Err(bad(format!(
                        "Lọc '{}': '.age' chỉ dùng khi nhóm; lọc theo tuổi bằng age_between trên cột ngày.",
                        f.column
                    )));
                }
            }
            if in_rows && matches!(r.field, report::Field::Person(_)) {
                return Err(bad(format!(
                    "Trong điều kiện 'has', cột '{}' không thuộc quá trình: chỉ dùng các cột của quá trình, valid_from, valid_to.",
                    f.column
                )));
            }
            reads.push((r.key.clone(), r.access));
            let field = r.field.clone();
            let one = |v: &Option<serde_json::Value>| v.as_ref().map(|v| stored_value(&r, v));
            let missing = || bad(format!("Lọc '{}': thiếu value.", f.column));
            Ok(match op {
                "eq" => Filter::Equals(field, one(&f.value).ok_or_else(missing)??),
                "in" => Filter::In(
                    field,
                    f.values
                        .iter()
                        .map(|v| stored_value(&r, v))
                        .collect::<AppResult<_>>()?,
                ),
                "between" => {
                    if !matches!(
                        r.format,
                        ColumnFormat::Date
                            | ColumnFormat::Month
                            | ColumnFormat::Integer
                            | ColumnFormat::Decimal
                    ) {
                        return Err(bad(format!(
                            "Phép lọc 'between' chỉ dùng cho ngày tháng và số; cột '{}' là chữ hoặc mã: dùng eq hoặc in.",
                            f.column
                        )));
                    }
                    let from = one(&f.from).transpose()?;
                    let to = one(&f.to).transpose()?;
                    match (&from, &to) {
                        (None, None) => {
                            return Err(bad(format!(
                                "Lọc '{}': between cần from hoặc to.",
                                f.column
                            )));
                        }
                        (Some(a), Some(b)) if a > b => {
                            return Err(bad(format!(
                                "Lọc '{}': khoảng ngược (from sau to).",
                                f.column
                            )));
                        }
                        _ => {}
                    }
                    Filter::Between(field, from, to)
                }
                "not_in" => {
                    if f.values.is_empty() {
                        return Err(bad(format!(
                            "Lọc '{}': not_in cần ít nhất một giá trị (values); muốn “đã điền” thì dùng not_empty.",
                            f.column
                        )));
                    }
                    Filter::NotIn(
                        field,
                        f.values
                            .iter()
                            .map(|v| stored_value(&r, v))
                            .collect::<AppResult<_>>()?,
                    )
                }
                "age_between" => {
                    if r.format != ColumnFormat::Date {
                        return Err(bad(format!(
                            "Phép lọc 'age_between' chỉ dùng cho cột ngày (ví dụ date_of_birth), không dùng cho '{}'.",
                            f.column
                        )));
                    }
                    let age = |v: &Option<serde_json::Value>| -> AppResult<Option<u16>> {
                        v.as_ref()
                            .map(|v| {
                                v.as_u64()
                                    .filter(|n| *n <= 150)
                                    .map(|n| n as u16)
                                    .ok_or_else(|| {
                                        bad(format!(
                                            "Lọc '{}': tuổi là số nguyên từ 0 đến 150, không phải '{v}'.",
                                            f.column
                                        ))
                                    })
                            })
                            .transpose()
                    };
                    let (min, max) = (age(&f.from)?, age(&f.to)?);
                    match (min, max) {
                        (None, None) => {
                            return Err(bad(format!(
                                "Lọc '{}': age_between cần from hoặc to (tuổi).",
                                f.column
                            )));
                        }
                        (Some(a), Some(b)) if a > b => {
                            return Err(bad(format!(
                                "Lọc '{}': khoảng tuổi ngược (from lớn hơn to).",
                                f.column
                            )));
                        }
                        _ => {}
                    }
                    let (earliest, latest) =
                        hoso_domain::age::birth_dates_for_ages(cx.today, min, max);
                    let iso = |d: Date| ProjectedValue::Text(d.to_string());
                    Filter::Between(field, earliest.map(iso), latest.map(iso))
                }
                "in_group" | "not_in_group" => {
                    let catalog = r
                        .schema_field
                        .filter(|f| f.kind == FieldKind::Catalog)
                        .and_then(|f| f.catalog.as_ref())
                        .ok_or_else(|| {
                            bad(format!(
                                "Phép lọc '{op}' chỉ dùng cho cột theo danh mục, không dùng cho '{}'.",
                                f.column
                            ))
                        })?;
                    let attribute = f.attribute.as_deref().unwrap_or_default();
                    let wanted: Vec<&str> = f.values.iter().filter_map(|v| v.as_str()).collect();
                    if wanted.is_empty() || wanted.len() != f.values.len() {
                        return Err(bad(format!(
                            "Lọc '{}': {op} cần values là các giá trị chữ của thuộc tính.",
                            f.column
                        )));
                    }
                    let mut known_attribute = false;
                    let mut codes = Vec::new();
                    for name in catalog.catalog_names() {
                        for item in cx.catalogs.items(name) {
                            if let Some(a) = item.attrs.get(attribute) {
                                known_attribute = true;
                                if wanted.contains(&a.trim_end_matches('?')) {
                                    codes.push(ProjectedValue::Text(item.code.clone()));
                                }
                            }
                        }
                    }
                    if !known_attribute {
                        let mut attributes: Vec<&str> = catalog
                            .catalog_names()
                            .flat_map(|name| cx.catalogs.items(name))
                            .flat_map(|item| item.attrs.keys().map(String::as_str))
                            // Where a value came from is not a group.
                            .filter(|a| !a.starts_with("source") && *a != "notes")
                            .collect();
                        attributes.sort_unstable();
                        attributes.dedup();
                        let which = if attribute.is_empty() {
                            "ghi nhóm dạng “thuộc tính: giá trị; giá trị”".to_string()
                        } else {
                            format!("danh mục không có thuộc tính '{attribute}'")
                        };
                        return Err(bad(format!(
                            "Lọc '{}': {which}; thuộc tính có: {}.",
                            f.column,
                            attributes.join(", ")
                        )));
                    }
                    if op == "in_group" {
                        Filter::In(field, codes)
                    } else {
                        Filter::NotIn(field, codes)
                    }
                }
                "empty" => Filter::IsEmpty(field),
                "not_empty" => Filter::NotEmpty(field),
                "contains" => {
                    if field != report::Field::Person("full_name") {
                        return Err(bad(format!(
                            "Phép lọc 'contains' chỉ dùng cho họ tên (full_name), không dùng cho '{}'.",
                            f.column
                        )));
                    }
                    let text = f
                        .value
                        .as_ref()
                        .and_then(|v| v.as_str())
                        .map(hoso_domain::search_key::fold)
                        .filter(|t| !t.is_empty())
                        .ok_or_else(|| {
                            bad("Lọc họ tên: nhập một phần họ tên (có dấu hoặc không).".into())
                        })?;
                    Filter::NameContains(text)
                }
                other => {
                    return Err(bad(format!(
                        "Phép lọc '{other}' không hợp lệ. Chọn: {COLUMN_OPS}."
                    )));
                }
            })
        }
    }
}

/// What a refused report leaves in the audit.
pub(crate) fn report_attempt(client: &ClientInfo) -> Attempt<'_> {
    Attempt {
        action: AuditAction::ReportRun,
        about: About::kind("person"),
        client,
    }
}

/// What a report may be asked about, for a form: a source and its columns.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportSource {
    /// `persons` or a history section.
    pub key: String,
    pub label: String,
    /// Whether it answers "as of" a day.
    pub history: bool,
    /// Every column a report over it may name, with the schema's labels.
    pub columns: Vec<TableColumn>,
}

impl App {
    /// The day a report is run as of (`YYYY-MM-DD`): today or a day before it, since 1945 (a
    /// day ahead would show today's records as if they were that day's).
    pub fn report_day(&self, text: &str) -> AppResult<Date> {
        let day = Date::parse(
            text.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| bad(format!("Ngày '{text}' không hợp lệ (YYYY-MM-DD).")))?;
        if day > self.today() {
            return Err(bad(format!(
                "Ngày xem số liệu ({}) ở sau hôm nay: chỉ xem được số liệu đến hôm nay.",
                hoso_domain::calendar::format_date(day)
            )));
        }
        if day.year() < 1945 {
            return Err(bad("Ngày xem số liệu phải từ năm 1945.".into()));
        }
        Ok(day)
    }

    /// The sources and columns a report may name, as the schema declares them (for the report
    /// builder's choices; the report itself checks everything again).
    pub fn report_sources(&self) -> Vec<ReportSource> {
        let schema = self.schemas.latest();
        let column = |source: &Source, name: &str| {
            resolve(schema, source, name).ok().map(|r| TableColumn {
                key: r.key,
                label: r.label,
                format: r.format,
            })
        };
        let own = ["full_name", "unit", "status"];
        let persons = Source::Persons;
        let mut out = vec![ReportSource {
            key: "persons".into(),
            label: "Danh sách cán bộ, công chức, viên chức".into(),
            history: false,
            columns: own
                .iter()
                .copied()
                .chain(schema.projected_columns().map(|c| c.name))
                .filter_map(|n| column(&persons, n))
                .collect(),
        }];
        for section in schema.history_sections() {
            let source = Source::History {
                section: section.id.clone(),
            };
            out.push(ReportSource {
                key: section.id.clone(),
                label: section.label.clone(),
                history: true,
                columns: own
                    .iter()
                    .copied()
                    .chain(["valid_from", "valid_to"])
                    .chain(
                        schema
                            .history_columns()
                            .filter(|c| c.section.id == section.id)
                            .map(|c| c.name),
                    )
                    .filter_map(|n| column(&source, n))
                    .collect(),
            });
        }
        out
    }

    /// Refuses, audited, a caller who reads no records anywhere: reports are over records.
    pub(crate) async fn require_reports(
        &self,
        actor: &Actor,
        client: &ClientInfo,
    ) -> AppResult<()> {
        self.require(
            actor,
            Capability::ReadRecords,
            Target::Somewhere,
            AppError::record_not_found,
            report_attempt(client),
        )
        .await
    }

    /// Runs a report for the caller: over what it may read, with the fields its clearance
    /// shows. Audited once (what was asked, how many rows left).
    pub async fn run_report(
        &self,
        actor: &Actor,
        spec: &ReportSpec,
        client: &ClientInfo,
    ) -> AppResult<ReportTable> {
        let attempt = || report_attempt(client);
        self.require_reports(actor, client).await?;
        let schema = self.schemas.latest();
        let source = match spec.source.as_deref() {
            None | Some("") | Some("persons") => Source::Persons,
            Some(section) => {
                if !schema.history_sections().any(|s| s.id == section) {
                    return Err(bad(format!(
                        "Không có quá trình '{section}' trong bảng tra cứu. Chọn: persons, {}.",
                        schema
                            .history_sections()
                            .map(|s| s.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
                Source::History {
                    section: section.to_string(),
                }
            }
        };
        let title = match &source {
            Source::Persons => "Danh sách cán bộ, công chức, viên chức".to_string(),
            Source::History { section } => schema
                .section(section)
                .map(|s| s.label.clone())
                .unwrap_or_default(),
        };
        let per_page = spec.per_page.unwrap_or(100);
        if !(1..=REPORT_ROW_CAP).contains(&per_page) {
            return Err(bad(format!(
                "Số dòng mỗi trang phải từ 1 đến {REPORT_ROW_CAP}."
            )));
        }
        let page = spec.page.unwrap_or(1);
        if page < 1 {
            return Err(bad("Trang phải từ 1.".into()));
        }
        if page > crate::Paging::MAX_PAGE {
            return Err(bad(format!(
                "Số trang quá lớn: tối đa {}.",
                crate::Paging::MAX_PAGE
            )));
        }
        let as_of = match &spec.as_of {
            None => None,
            Some(d) => Some(self.report_day(d)?),
        };

        // Resolve every column named anywhere, then hold them to the caller's clearance.
        let grouped = !spec.group_by.is_empty();
        let listing: Vec<String> = if grouped {
            Vec::new()
        } else if spec.columns.is_empty() {
            vec!["full_name".into(), "unit".into()]
        } else {
            spec.columns.clone()
        };
        let columns = listing
            .iter()
            .map(|c| resolve(schema, &source, c))
            .collect::<AppResult<Vec<_>>>()?;
        let dimensions = spec
            .group_by
            .iter()
            .map(|c| resolve(schema, &source, c))
            .collect::<AppResult<Vec<_>>>()?;
        let mut measures = Vec::new();
        let mut measure_columns = Vec::new();
        let mut summed = Vec::new();
        let measure_names: Vec<String> = if spec.measures.is_empty() && grouped {
            vec!["count".into()]
        } else {
            spec.measures.clone()
        };
        for m in &measure_names {
            if m == "count" {
                measures.push(Measure::Count);
                measure_columns.push(TableColumn {
                    key: "count".into(),
                    label: "Số lượng".into(),
                    format: ColumnFormat::Integer,
                });
            } else if let Some(name) = m.strip_prefix("sum:") {
                let r = resolve(schema, &source, name)?;
                if !matches!(r.format, ColumnFormat::Integer | ColumnFormat::Decimal) {
                    return Err(bad(format!(
                        "Không cộng được cột '{name}' (không phải số)."
                    )));
                }
                measure_columns.push(TableColumn {
                    key: m.clone(),
                    label: format!("Tổng {}", r.label.to_lowercase()),
                    format: r.format,
                });
                measures.push(Measure::Sum(r.field.clone()));
                summed.push(r);
            } else {
                return Err(bad(format!(
                    "Phép tính '{m}' không hợp lệ. Chọn: count, sum:<cột>."
                )));
            }
        }
        let mut filters = Vec::new();
        // Everything a filter reads, with its access level: held to the clearance below.
        let mut filter_reads = Vec::new();
        let catalogs = self.catalogs();
        let cx = FilterContext {
            schema,
            catalogs: &catalogs,
            // Ages and years since a day are counted on the day the report is about.
            today: as_of.unwrap_or_else(|| self.today()),
        };
        for f in &spec.filters {
            filters.push(compile_filter(&cx, &source, f, false, &mut filter_reads)?);
        }
        let clearance = report_clearance(actor);
        if let Some((hidden, _)) = columns
            .iter()
            .chain(&dimensions)
            .chain(&summed)
            .map(|r| (r.key.clone(), r.access))
            .chain(filter_reads)
            .find(|(_, access)| *access > clearance)
        {
            return Err(self
                .refusal(
                    actor,
                    attempt(),
                    &format!("column {hidden} above clearance"),
                )
                .await);
        }

        let mut conn = self.store.reader().await?;
        if let Some(unit_id) = spec.unit {
            let unit = org_store::get(&mut conn, unit_id)
                .await?
                .ok_or_else(AppError::unit_not_found)?;
            if !actor.capabilities().may_name_unit(&unit.path) {
                return Err(AppError::unit_not_found());
            }
            filters.push(Filter::UnitSubtree(unit.path));
        }
        let query = ReportQuery {
            source,
            scope: actor.read_scope(),
            filters,
            columns: columns.iter().map(|r| r.field.clone()).collect(),
            dimensions: dimensions
                .iter()
                .map(|r| match r.part {
                    DatePart::Whole => Dimension::Field(r.field.clone()),
                    DatePart::Year => Dimension::YearOf(r.field.clone()),
                    DatePart::Bands(bands) => Dimension::Bands(
                        r.field.clone(),
                        bands
                            .latest_dates(cx.today)
                            .iter()
                            .map(|d| d.to_string())
                            .collect(),
                    ),
                })
                .collect(),
            measures,
            as_of: as_of.map(|d| d.to_string()),
            limit: per_page,
            offset: (page - 1) * per_page,
        };
        let rows = report::run(&mut conn, &self.layout, &query).await?;

        // Unit names for the unit column, only of units the caller may name.
        let shown: Vec<&Resolved<'_>> = if grouped {
            dimensions.iter().collect()
        } else {
            columns.iter().collect()
        };
        let mut units = std::collections::HashMap::new();
        if let Some(i) = shown
            .iter()
            .position(|r| matches!(r.field, report::Field::Person("unit_id")))
        {
            let caps = actor.capabilities();
            let mut ids: Vec<i64> = rows
                .rows
                .iter()
                .filter_map(|row| match &row[i] {
                    Some(ProjectedValue::Integer(id)) => Some(*id),
                    _ => None,
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            // "Văn phòng" is in every Sở: a unit is named with its parent, as a decision names
            // it (`movements::unit_label`); as of a day, both as they were named then.
            let found = org_store::get_many(&mut conn, &ids).await?;
            let mut parent_ids: Vec<i64> = found.iter().filter_map(|u| u.parent_id).collect();
            parent_ids.sort_unstable();
            parent_ids.dedup();
            let parents: std::collections::HashMap<i64, org_store::OrgUnitRow> =
                org_store::get_many(&mut conn, &parent_ids)
                    .await?
                    .into_iter()
                    .map(|p| (p.id, p))
                    .collect();
            let then = match &query.as_of {
                Some(day) => {
                    let named: Vec<i64> = ids.iter().chain(&parent_ids).copied().collect();
                    org_store::names_on(&mut conn, &named, day).await?
                }
                None => Default::default(),
            };
            let name_of = |u: &org_store::OrgUnitRow| then.get(&u.id).unwrap_or(&u.name).clone();
            for u in &found {
                if caps.may_name_unit(&u.path) {
                    // A top unit's parent is the province: no need to name it.
                    let parent = u
                        .parent_id
                        .and_then(|p| parents.get(&p))
                        .filter(|p| p.parent_id.is_some())
                        .map(name_of);
                    units.insert(
                        u.id,
                        hoso_domain::org::unit_label(&name_of(u), parent.as_deref()),
                    );
                }
            }
        }
        drop(conn);
        let mut table_columns: Vec<TableColumn> = shown
            .iter()
            .map(|r| TableColumn {
                key: r.key.clone(),
                label: r.label.clone(),
                format: r.format,
            })
            .collect();
        table_columns.extend(measure_columns);
        let table_rows: Vec<Vec<TableCell>> = rows
            .rows
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .enumerate()
                    .map(|(i, v)| match shown.get(i) {
                        Some(r) => cell(r, &catalogs, &units, v),
                        // A measure: always a number.
                        None => match v {
                            Some(ProjectedValue::Integer(n)) => {
                                number_cell(n, table_columns[i].format == ColumnFormat::Decimal)
                            }
                            _ => TableCell::empty(),
                        },
                    })
                    .collect()
            })
            .collect();

        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            AuditAction::ReportRun,
            About::kind("person"),
            serde_json::json!({
                "spec": spec, "rows": table_rows.len(), "total": rows.total,
            }),
        )
        .await?;
        work.commit().await?;
        Ok(ReportTable {
            title,
            columns: table_columns,
            column_groups: Vec::new(),
            rows: table_rows,
            total: rows.total,
            page,
            per_page,
        })
    }
}
