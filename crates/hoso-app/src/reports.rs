//! The query layer: a report specification (which projection, the scope, filters on any
//! projected field, columns, group-by dimensions, counts and sums, an "as of" day) checked
//! against the record schema and the caller's rights, run over `persons` or `record_history`
//! on either database, and returned as a typed table whose columns carry the schema's labels
//! and formats. Every report and export is audited once, here. The dashboard's breakdowns are
//! reports too.

use hoso_domain::access::AccessLevel;
use hoso_domain::audit_action::AuditAction;
use hoso_domain::catalog::Catalogs;
use hoso_domain::org::PersonStatus;
use hoso_domain::schema::{Field, FieldKind, ProjectedKind, ProjectedValue, RecordSchema};
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
    /// Group by these columns; `column.year` groups a date by its year.
    #[serde(default)]
    pub group_by: Vec<String>,
    /// `count` or `sum:column`. Default when grouping: `count`.
    #[serde(default)]
    pub measures: Vec<String>,
    /// History rows in force on this day (`YYYY-MM-DD`); history sources only.
    #[serde(default)]
    pub as_of: Option<String>,
    #[serde(default)]
    pub page: Option<i64>,
    #[serde(default)]
    pub per_page: Option<i64>,
}

/// One condition. `op`: `eq` (value), `in` (values), `between` (from and/or to, inclusive),
/// `empty`, `not_empty`. Values are as shown in the record: codes, `YYYY-MM-DD`, numbers
/// (2.34 for a coefficient).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterSpec {
    pub column: String,
    pub op: String,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub value: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub values: Vec<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub from: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub to: Option<serde_json::Value>,
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
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
    pub text: String,
}

/// The answer: typed columns and rows, and how many rows there are in all.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportTable {
    pub title: String,
    pub columns: Vec<TableColumn>,
    pub rows: Vec<Vec<TableCell>>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A column as the caller named it, resolved.
struct Resolved<'s> {
    key: String,
    field: report::Field,
    label: String,
    format: ColumnFormat,
    access: AccessLevel,
    schema_field: Option<&'s Field>,
    year: bool,
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
fn report_clearance(actor: &Actor) -> AccessLevel {
    actor
        .grants
        .iter()
        .map(|g| g.role.field_clearance())
        .min()
        .unwrap_or(AccessLevel::Public)
}

fn resolve<'s>(schema: &'s RecordSchema, source: &Source, name: &str) -> AppResult<Resolved<'s>> {
    let (base, year) = match name.strip_suffix(".year") {
        Some(b) => (b, true),
        None => (name, false),
    };
    let person = |key: &'static str, label: &str, format| Resolved {
        key: name.to_string(),
        field: report::Field::Person(key),
        label: label.to_string(),
        format,
        access: AccessLevel::Public,
        schema_field: None,
        year: false,
    };
    let mut resolved = match base {
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
            year: false,
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
                year: false,
            }
        }
    };
    if year {
        if resolved.format != ColumnFormat::Date {
            return Err(bad(format!(
                "'{base}' không phải ngày tháng: không lấy năm được."
            )));
        }
        resolved.year = true;
        resolved.format = ColumnFormat::Text;
        resolved.label = format!("{} (năm)", resolved.label);
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
        _ if matches!(r.field, report::Field::Person("unit_id")) => {
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
    fn empty() -> TableCell {
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

impl App {
    /// Runs a report for the caller: over what it may read, with the fields its clearance
    /// shows. Audited once (what was asked, how many rows left).
    pub async fn run_report(
        &self,
        actor: &Actor,
        spec: &ReportSpec,
        client: &ClientInfo,
    ) -> AppResult<ReportTable> {
        let attempt = || Attempt {
            action: AuditAction::ReportRun,
            about: About::kind("person"),
            client,
        };
        self.require(
            actor,
            Capability::ReadRecords,
            Target::Somewhere,
            AppError::record_not_found,
            attempt(),
        )
        .await?;
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
        let as_of = match &spec.as_of {
            None => None,
            Some(_) if source == Source::Persons => {
                return Err(bad(
                    "Danh sách cán bộ là tình trạng hôm nay; muốn xem tại một ngày, hãy chọn một quá trình (ví dụ salary_history)."
                        .into(),
                ));
            }
            Some(d) => {
                Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
                    .map_err(|_| bad(format!("Ngày '{d}' không hợp lệ (YYYY-MM-DD).")))?;
                Some(d.clone())
            }
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
        let mut filter_columns = Vec::new();
        for f in &spec.filters {
            let r = resolve(schema, &source, &f.column)?;
            let field = r.field.clone();
            let one = |v: &Option<serde_json::Value>| v.as_ref().map(|v| stored_value(&r, v));
            filters.push(match f.op.as_str() {
                "eq" => Filter::Equals(
                    field,
                    one(&f.value)
                        .ok_or_else(|| bad(format!("Lọc '{}': thiếu value.", f.column)))??,
                ),
                "in" => Filter::In(
                    field,
                    f.values
                        .iter()
                        .map(|v| stored_value(&r, v))
                        .collect::<AppResult<_>>()?,
                ),
                "between" => {
                    Filter::Between(field, one(&f.from).transpose()?, one(&f.to).transpose()?)
                }
                "empty" => Filter::IsEmpty(field),
                "not_empty" => Filter::NotEmpty(field),
                other => {
                    return Err(bad(format!(
                        "Phép lọc '{other}' không hợp lệ. Chọn: eq, in, between, empty, not_empty."
                    )));
                }
            });
            filter_columns.push(r);
        }
        let clearance = report_clearance(actor);
        if let Some(hidden) = columns
            .iter()
            .chain(&dimensions)
            .chain(&filter_columns)
            .chain(&summed)
            .find(|r| r.access > clearance)
        {
            return Err(self
                .refusal(
                    actor,
                    attempt(),
                    &format!("column {} above clearance", hidden.key),
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
                .map(|r| {
                    if r.year {
                        Dimension::YearOf(r.field.clone())
                    } else {
                        Dimension::Field(r.field.clone())
                    }
                })
                .collect(),
            measures,
            as_of,
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
            for row in &rows.rows {
                if let Some(ProjectedValue::Integer(id)) = &row[i]
                    && !units.contains_key(id)
                    && let Some(u) = org_store::get(&mut conn, *id).await?
                    && caps.may_name_unit(&u.path)
                {
                    units.insert(*id, u.name);
                }
            }
        }
        drop(conn);
        let catalogs = self.catalogs();
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
            rows: table_rows,
            total: rows.total,
            page,
            per_page,
        })
    }
}
