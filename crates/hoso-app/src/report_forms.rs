//! Statutory report forms (báo cáo số lượng, chất lượng công chức, viên chức; kết quả xếp loại):
//! data files in `data/report_forms/`, one per form, effective-dated, whose every column is a
//! set of the query layer's conditions ([`FilterSpec`]). A form runs over the subunits of one
//! unit (a row each) in one grouped query counting every column at once, within what the caller
//! may read; every figure drills down to the people behind it through [`App::run_report`].

use std::collections::HashMap;
use std::sync::LazyLock;

use hoso_domain::audit_action::AuditAction;
use hoso_domain::schema::{FieldRole, ProjectedValue};
use hoso_store::org::{self as org_store, OrgUnitRow};
use hoso_store::report::{self, Dimension, Filter, Measure, ReportQuery, Source};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::reports::{
    FilterContext, FilterSpec, ReportSpec, ReportTable, compile_filter, report_attempt,
    report_clearance,
};
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo, Target};

/// The form files shipped with Hoso.
const FORM_FILES: [(&str, &str); 5] = [
    (
        "bm01-cong-chuc.toml",
        include_str!("../data/report_forms/bm01-cong-chuc.toml"),
    ),
    (
        "bm01-vien-chuc.toml",
        include_str!("../data/report_forms/bm01-vien-chuc.toml"),
    ),
    (
        "xep-loai-chat-luong.toml",
        include_str!("../data/report_forms/xep-loai-chat-luong.toml"),
    ),
    (
        "tang-giam.toml",
        include_str!("../data/report_forms/tang-giam.toml"),
    ),
    (
        "bm03-tien-luong.toml",
        include_str!("../data/report_forms/bm03-tien-luong.toml"),
    ),
];

/// What stands for the report's year in a form's title and conditions.
const YEAR_PLACEHOLDER: &str = "{year}";

/// A form as its file declares it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportForm {
    /// Its address (`bm01-cong-chuc`).
    pub code: String,
    /// The code printed on it (`BM01`).
    pub short: String,
    pub title: String,
    /// The text it follows, and how sure we are of the layout.
    pub basis: String,
    /// Where it departs from the printed form, and why.
    #[serde(default)]
    pub adapted: Vec<String>,
    /// Columns of the printed form Hoso cannot count yet, and why.
    #[serde(default)]
    pub not_counted: Vec<String>,
    /// First day in force (`YYYY-MM-DD`).
    pub valid_from: String,
    /// Last day in force, if it has ended.
    #[serde(default)]
    pub valid_to: Option<String>,
    /// Whether it is run for a year (`{year}` in its title and conditions).
    #[serde(default)]
    pub year: bool,
    /// Who is counted at all.
    #[serde(default)]
    pub population: Vec<FilterSpec>,
    /// A list of the people of the population, a line each (BM03: danh sách và tiền lương),
    /// rather than counts by unit: every column shows a field (`show`).
    #[serde(default)]
    pub list: bool,
    pub groups: Vec<FormGroup>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormGroup {
    pub label: String,
    pub columns: Vec<FormColumn>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormColumn {
    pub key: String,
    pub label: String,
    /// What a person of the population must also meet to be counted here.
    #[serde(default, rename = "where")]
    pub conditions: Vec<FilterSpec>,
    /// In a list: the report column shown (none: a column left blank to fill by hand).
    #[serde(default)]
    pub show: Option<String>,
    /// In a list: shown only on the lines where this column holds this value (the birth date
    /// under "Nam" or "Nữ").
    #[serde(default)]
    pub when: Option<ShownWhen>,
    /// In a list: the stored code rather than its label (the mã số ngạch).
    #[serde(default)]
    pub code: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShownWhen {
    pub column: String,
    pub value: String,
}

impl ReportForm {
    fn in_force_on(&self, day: Date) -> bool {
        // ISO days sort as they follow each other.
        let day = day.to_string();
        *self.valid_from <= *day && self.valid_to.as_ref().is_none_or(|to| day <= *to)
    }

    fn columns(&self) -> impl Iterator<Item = &FormColumn> {
        self.groups.iter().flat_map(|g| g.columns.iter())
    }
}

/// Reads the shipped forms; a form file that does not parse, or repeats a code or a column
/// key, is a build error caught by the tests.
fn parse_forms() -> Result<Vec<ReportForm>, String> {
    let mut forms: Vec<ReportForm> = Vec::new();
    for (name, text) in FORM_FILES {
        let form: ReportForm = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        for day in std::iter::once(&form.valid_from).chain(&form.valid_to) {
            if hoso_domain::typed_date::iso_date(day).as_ref() != Ok(day) {
                return Err(format!("{name}: {day} is not a YYYY-MM-DD day"));
            }
        }
        if forms.iter().any(|f| f.code == form.code) {
            return Err(format!("{name}: the code {} is taken", form.code));
        }
        let mut keys = std::collections::HashSet::new();
        for c in form.columns() {
            if !keys.insert(c.key.as_str()) {
                return Err(format!("{name}: the column {} appears twice", c.key));
            }
            let listed = c.show.is_some() || c.when.is_some() || c.code;
            if form.list && !c.conditions.is_empty() || !form.list && listed {
                return Err(format!(
                    "{name}: the column {} mixes a list's and a count's attributes",
                    c.key
                ));
            }
        }
        forms.push(form);
    }
    Ok(forms)
}

static FORMS: LazyLock<Vec<ReportForm>> =
    LazyLock::new(|| parse_forms().expect("the shipped report forms parse"));

/// Every shipped form, in force or not (for tests and checks).
pub fn shipped_forms() -> &'static [ReportForm] {
    &FORMS
}

/// `{year}` replaced by the year, in a text or in every value of a condition.
fn with_year_text(text: &str, year: Option<i32>) -> String {
    match year {
        Some(y) => text.replace(YEAR_PLACEHOLDER, &y.to_string()),
        None => text.to_string(),
    }
}

fn with_year_value(v: &serde_json::Value, year: i32) -> serde_json::Value {
    match v {
        serde_json::Value::String(s) if s == YEAR_PLACEHOLDER => serde_json::json!(year),
        serde_json::Value::String(s) => serde_json::json!(with_year_text(s, Some(year))),
        other => other.clone(),
    }
}

fn with_year(f: &FilterSpec, year: Option<i32>) -> FilterSpec {
    let Some(y) = year else { return f.clone() };
    let mut f = f.clone();
    f.value = f.value.as_ref().map(|v| with_year_value(v, y));
    f.values = f.values.iter().map(|v| with_year_value(v, y)).collect();
    f.from = f.from.as_ref().map(|v| with_year_value(v, y));
    f.to = f.to.as_ref().map(|v| with_year_value(v, y));
    f.conditions = f.conditions.iter().map(|c| with_year(c, year)).collect();
    f
}

/// A form in the list of forms.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormSummary {
    pub code: String,
    pub short: String,
    pub title: String,
    pub basis: String,
    /// Whether it is run for a year.
    pub yearly: bool,
}

/// A column of a form's answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormHeader {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormHeaderGroup {
    pub label: String,
    pub columns: Vec<FormHeader>,
}

/// A row of a form: a unit's subtree (or the people directly in the chosen unit), and its
/// count in every column.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormRow {
    /// The unit the row counts (`None` for the total).
    pub unit_id: Option<i64>,
    pub label: String,
    /// Only the people directly in the unit, not in its subunits.
    pub direct: bool,
    pub counts: Vec<i64>,
}

/// A form's answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormReport {
    pub code: String,
    pub short: String,
    pub title: String,
    pub basis: String,
    pub adapted: Vec<String>,
    pub not_counted: Vec<String>,
    /// The day it was counted on (ages are counted on it).
    pub on: String,
    pub year: Option<i32>,
    /// The unit whose subunits are the rows (`None`: every unit the caller sees).
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    /// The chosen unit's parent, when the caller sees it (one level up).
    pub parent_unit_id: Option<i64>,
    pub groups: Vec<FormHeaderGroup>,
    pub rows: Vec<FormRow>,
    pub total: FormRow,
    /// A list form's lines (one page of them; every one in an export): a line per person,
    /// `STT` then the form's columns. Counts are then empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<ReportTable>,
    /// The record of each line of `list`, in order (its name opens it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<i64>,
}

impl FormReport {
    /// The answer as a table, for the exports (one column per form column, headed by its group).
    pub fn table(&self) -> ReportTable {
        use crate::reports::{ColumnFormat, ColumnGroup, TableCell, TableColumn};
        if let Some(list) = &self.list {
            return list.clone();
        }
        let mut columns = vec![TableColumn {
            key: "unit".into(),
            label: "Tên đơn vị".into(),
            format: ColumnFormat::Text,
        }];
        for g in &self.groups {
            for c in &g.columns {
                columns.push(TableColumn {
                    key: c.key.clone(),
                    label: if g.columns.len() == 1 && g.label == c.label {
                        c.label.clone()
                    } else {
                        format!("{}: {}", g.label, c.label)
                    },
                    format: ColumnFormat::Integer,
                });
            }
        }
        let row = |r: &FormRow| {
            std::iter::once(TableCell {
                value: serde_json::json!(r.label),
                text: r.label.clone(),
            })
            .chain(r.counts.iter().map(|n| TableCell {
                value: serde_json::json!(n),
                text: n.to_string(),
            }))
            .collect::<Vec<_>>()
        };
        let rows: Vec<Vec<TableCell>> = self
            .rows
            .iter()
            .chain(std::iter::once(&self.total))
            .map(row)
            .collect();
        ReportTable {
            title: self.title.clone(),
            columns,
            column_groups: self
                .groups
                .iter()
                .map(|g| ColumnGroup {
                    label: g.label.clone(),
                    columns: g.columns.iter().map(|c| c.label.clone()).collect(),
                })
                .collect(),
            total: rows.len() as i64,
            page: 1,
            per_page: rows.len() as i64,
            rows,
        }
    }
}

/// Which cell's people to list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct FormCell {
    /// The row's unit (none: the total).
    pub unit: Option<i64>,
    /// Only the people directly in `unit`.
    #[serde(default)]
    pub direct: bool,
    /// The column's key.
    pub column: String,
    pub year: Option<i32>,
    /// The day the figure is of (`YYYY-MM-DD`; default today).
    #[serde(default)]
    pub as_of: Option<String>,
}

/// What a form is asked for: the unit whose subunits are its rows (default: the units the
/// caller sees), a yearly form's year (default: last year), and the day a form of the
/// workforce is of (default: today; each person as their record stood that day).
#[derive(Debug, Clone, Default)]
pub struct FormAsk {
    pub unit: Option<i64>,
    pub year: Option<i32>,
    pub as_of: Option<String>,
}

/// A row unit: counted over its subtree, or only its own people.
struct RowUnit {
    unit: OrgUnitRow,
    direct: bool,
}

impl App {
    /// A unit the caller sees through its grants on units (not as an individual, who sees no
    /// unit): a form names every subunit of it.
    async fn seen_unit(
        &self,
        conn: &mut hoso_store::AnyConnection,
        actor: &Actor,
        id: i64,
    ) -> AppResult<OrgUnitRow> {
        org_store::get(conn, id)
            .await?
            .filter(|u| {
                actor
                    .capabilities()
                    .may(Capability::SeeUnits, Target::Unit(&u.path))
            })
            .ok_or_else(AppError::unit_not_found)
    }

    fn form_in_force(&self, code: &str) -> AppResult<&'static ReportForm> {
        let today = self.today();
        shipped_forms()
            .iter()
            .find(|f| f.code == code && f.in_force_on(today))
            .ok_or(AppError::NotFound("Không có mẫu báo cáo này."))
    }

    /// The forms in force today.
    pub fn report_forms(&self) -> Vec<FormSummary> {
        let today = self.today();
        shipped_forms()
            .iter()
            .filter(|f| f.in_force_on(today))
            .map(|f| FormSummary {
                code: f.code.clone(),
                short: f.short.clone(),
                title: with_year_text(&f.title, None),
                basis: f.basis.clone(),
                yearly: f.year,
            })
            .collect()
    }

    /// The year a yearly form is run for: the one asked, or last year (the year a report made
    /// in January is about); none for a form that is not yearly.
    fn form_year(&self, form: &ReportForm, year: Option<i32>) -> Option<i32> {
        form.year.then(|| year.unwrap_or(self.today().year() - 1))
    }

    /// The day a form of the workforce is of (`None`: today). A yearly form counts a year's
    /// events and decisions: it has a year, not a day.
    fn form_day(&self, form: &ReportForm, as_of: Option<&str>) -> AppResult<Option<Date>> {
        let Some(text) = as_of.filter(|t| !t.trim().is_empty()) else {
            return Ok(None);
        };
        if form.year {
            return Err(AppError::BadRequest(format!(
                "Mẫu {} tính theo năm: chọn năm báo cáo, không chọn ngày.",
                form.short
            )));
        }
        self.report_day(text).map(Some)
    }

    /// Refuses a report year before 1945 or after this one.
    fn check_form_year(&self, year: Option<i32>) -> AppResult<()> {
        let this_year = self.today().year();
        match year {
            Some(y) if !(1945..=this_year).contains(&y) => Err(AppError::BadRequest(format!(
                "Năm báo cáo phải từ 1945 đến {this_year}."
            ))),
            _ => Ok(()),
        }
    }

    /// Runs a form for the caller over the subunits of `unit` (default: the units it sees),
    /// counting only the people it may read. Audited once. A list form lists the people of
    /// `unit` instead: one page of `lines` (page, per page), or every line up to the export
    /// cap.
    pub async fn run_report_form(
        &self,
        actor: &Actor,
        code: &str,
        ask: &FormAsk,
        lines: Option<(i64, i64)>,
        client: &ClientInfo,
    ) -> AppResult<FormReport> {
        let FormAsk { unit, year, .. } = *ask;
        self.require_reports(actor, client).await?;
        let form = self.form_in_force(code)?;
        // Rights before the request: a unit the caller does not see is not found.
        let mut conn = self.store.reader().await?;
        let mut parent_unit_id = None;
        let chosen = match unit {
            Some(id) => {
                let u = self.seen_unit(&mut conn, actor, id).await?;
                if let Some(parent) = u.parent_id
                    && self.seen_unit(&mut conn, actor, parent).await.is_ok()
                {
                    parent_unit_id = Some(parent);
                }
                Some(u)
            }
            None => None,
        };
        drop(conn);
        // The year is checked after the clearance (a 403 before a 400).
        let year = self.form_year(form, year);
        let as_of = self.form_day(form, ask.as_of.as_deref());
        let schema = self.schemas.latest();
        let catalogs = self.catalogs();
        let cx = FilterContext {
            schema,
            catalogs: &catalogs,
            // Ages and years of service are counted on the day the form is of.
            today: as_of
                .as_ref()
                .ok()
                .and_then(|day| *day)
                .unwrap_or_else(|| self.today()),
        };
        let mut reads = Vec::new();
        let mut compile = |filters: &[FilterSpec]| -> AppResult<Vec<Filter>> {
            filters
                .iter()
                .map(|f| {
                    compile_filter(
                        &cx,
                        &Source::Persons,
                        &with_year(f, year),
                        false,
                        &mut reads,
                    )
                })
                .collect()
        };
        let population = compile(&form.population)?;
        let measures = form
            .columns()
            .map(|c| compile(&c.conditions).map(Measure::CountWhere))
            .collect::<AppResult<Vec<_>>>()?;
        let clearance = report_clearance(actor);
        if let Some((hidden, _)) = reads.iter().find(|(_, access)| *access > clearance) {
            return Err(self
                .refusal(
                    actor,
                    report_attempt(client),
                    &format!("form {code}: column {hidden} above clearance"),
                )
                .await);
        }
        self.check_form_year(year)?;
        let as_of = as_of?;
        // The figures are of the day asked, today by default.
        let dated = |mut report: FormReport| {
            if let Some(day) = as_of {
                report.on = day.to_string();
            }
            report
        };
        if form.list {
            let (list, people) = self
                .list_form(actor, form, unit, year, as_of, lines, client)
                .await?;
            let width = form.columns().count();
            let mut report = self.form_report(
                form,
                year,
                chosen,
                parent_unit_id,
                Vec::new(),
                vec![0; width],
                Some(list),
            );
            report.people = people;
            return Ok(dated(report));
        }

        let mut conn = self.store.reader().await?;
        // The rows: the chosen unit's own people, then each subunit's subtree; without a unit,
        // each top of what the caller sees.
        let mut rows: Vec<RowUnit> = Vec::new();
        let mut filters = population;
        let mut tops = match (&chosen, actor.unit_paths()) {
            (Some(_), _) => Vec::new(),
            (None, None) => org_store::roots(&mut conn).await?,
            (None, Some(paths)) => {
                let mut tops = Vec::new();
                // Two grants on one unit, or one inside another, make one top.
                for p in crate::org::minimal_paths(paths) {
                    if let Some(id) = unit_id_of_path(&p)
                        && let Some(u) = org_store::get(&mut conn, id).await?
                    {
                        tops.push(u);
                    }
                }
                tops
            }
        };
        // One top (a province, an agency's officer): its subunits are the rows. The only root,
        // for one who sees everything, holds everyone: no filter by its subtree (which would
        // join the units for nothing).
        let (chosen, everyone) = match chosen {
            None if tops.len() == 1 => (tops.pop(), actor.unit_paths().is_none()),
            chosen => (chosen, false),
        };
        // Each unit under the rows, to the row it is counted in: one read of the tree.
        let mut row_of: HashMap<i64, usize> = HashMap::new();
        match &chosen {
            Some(u) => {
                if !everyone {
                    filters.push(Filter::UnitSubtree(u.path.clone()));
                }
                rows.push(RowUnit {
                    unit: u.clone(),
                    direct: true,
                });
                for child in org_store::children(&mut conn, u.id).await? {
                    row_of.insert(child.id, rows.len());
                    rows.push(RowUnit {
                        unit: child,
                        direct: false,
                    });
                }
                // A unit deeper down is counted in the row of its ancestor right under `u`.
                for unit in org_store::subtree(&mut conn, &u.path).await? {
                    let row = if unit.id == u.id {
                        Some(0)
                    } else {
                        unit.path[u.path.len()..]
                            .split('/')
                            .next()
                            .and_then(|child| child.parse::<i64>().ok())
                            .and_then(|child| row_of.get(&child).copied())
                    };
                    if let Some(row) = row {
                        row_of.insert(unit.id, row);
                    }
                }
            }
            None => {
                for top in tops {
                    for unit in org_store::subtree(&mut conn, &top.path).await? {
                        row_of.insert(unit.id, rows.len());
                    }
                    rows.push(RowUnit {
                        unit: top,
                        direct: false,
                    });
                }
            }
        }
        let query = ReportQuery {
            source: Source::Persons,
            scope: actor.read_scope(),
            filters,
            columns: Vec::new(),
            dimensions: vec![Dimension::Field(report::Field::Person("unit_id"))],
            measures,
            as_of: as_of.map(|d| d.to_string()),
            limit: i64::MAX,
            offset: 0,
        };
        let counted = report::run(&mut conn, &self.layout, &query).await?;
        // As of a day, each row's unit is named as it was then.
        if let Some(day) = as_of {
            let ids: Vec<i64> = rows.iter().map(|r| r.unit.id).collect();
            let then = org_store::names_on(&mut conn, &ids, &day.to_string()).await?;
            for r in &mut rows {
                if let Some(name) = then.get(&r.unit.id) {
                    r.unit.name = name.clone();
                }
            }
        }
        drop(conn);

        let day_text = as_of.map(|d| d.to_string());
        let width = form.columns().count();
        let mut counts = vec![vec![0i64; width]; rows.len()];
        let mut total = vec![0i64; width];
        for row in &counted.rows {
            let Some(Some(ProjectedValue::Integer(unit_id))) = row.first() else {
                continue;
            };
            let figures: Vec<i64> = row[1..]
                .iter()
                .map(|v| match v {
                    Some(ProjectedValue::Integer(n)) => *n,
                    _ => 0,
                })
                .collect();
            if let Some(&i) = row_of.get(unit_id) {
                for (sum, n) in counts[i].iter_mut().zip(&figures) {
                    *sum += n;
                }
            }
            for (sum, n) in total.iter_mut().zip(&figures) {
                *sum += n;
            }
        }
        let form_rows: Vec<FormRow> = rows
            .iter()
            .zip(counts)
            // A dissolved subunit with no one left, one not set up yet on the day of the form,
            // and no one directly in the chosen unit, make no row.
            .filter(|(r, c)| {
                let empty = c.iter().all(|n| *n == 0);
                let later = day_text
                    .as_deref()
                    .is_some_and(|d| r.unit.valid_from.as_str() > d);
                !(empty && (r.direct || r.unit.dissolved_on.is_some() || later))
            })
            .map(|(r, c)| FormRow {
                unit_id: Some(r.unit.id),
                label: if r.direct {
                    format!("{} (trực tiếp)", r.unit.name)
                } else {
                    r.unit.name.clone()
                },
                direct: r.direct,
                counts: c,
            })
            .collect();

        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            AuditAction::ReportRun,
            About::kind("person"),
            serde_json::json!({ "form": code, "unit": unit, "year": year, "rows": form_rows.len() }),
        )
        .await?;
        work.commit().await?;
        Ok(dated(self.form_report(
            form,
            year,
            chosen,
            parent_unit_id,
            form_rows,
            total,
            None,
        )))
    }

    /// A form's answer around its rows (or its list).
    #[allow(clippy::too_many_arguments)]
    fn form_report(
        &self,
        form: &ReportForm,
        year: Option<i32>,
        chosen: Option<OrgUnitRow>,
        parent_unit_id: Option<i64>,
        rows: Vec<FormRow>,
        total: Vec<i64>,
        list: Option<ReportTable>,
    ) -> FormReport {
        FormReport {
            code: form.code.clone(),
            short: form.short.clone(),
            title: with_year_text(&form.title, year),
            basis: form.basis.clone(),
            adapted: form.adapted.clone(),
            not_counted: form.not_counted.clone(),
            on: self.today().to_string(),
            year,
            unit_id: chosen.as_ref().map(|u| u.id),
            unit_name: chosen.map(|u| u.name),
            parent_unit_id,
            groups: form
                .groups
                .iter()
                .map(|g| FormHeaderGroup {
                    label: with_year_text(&g.label, year),
                    columns: g
                        .columns
                        .iter()
                        .map(|c| FormHeader {
                            key: c.key.clone(),
                            label: c.label.clone(),
                        })
                        .collect(),
                })
                .collect(),
            rows,
            total: FormRow {
                unit_id: None,
                label: "Tổng cộng".into(),
                direct: false,
                counts: total,
            },
            list,
            people: Vec::new(),
        }
    }

    /// A list form's lines: the report builder's listing of the population (within the
    /// caller's rights, audited by it), a line per person, `STT` then the form's columns.
    #[allow(clippy::too_many_arguments)]
    async fn list_form(
        &self,
        actor: &Actor,
        form: &ReportForm,
        unit: Option<i64>,
        year: Option<i32>,
        as_of: Option<Date>,
        lines: Option<(i64, i64)>,
        client: &ClientInfo,
    ) -> AppResult<(ReportTable, Vec<i64>)> {
        use crate::reports::{ColumnFormat, ColumnGroup, REPORT_ROW_CAP, TableCell, TableColumn};
        let mut columns: Vec<String> = vec!["id".into()];
        for c in form.columns() {
            for key in c.show.iter().chain(c.when.as_ref().map(|w| &w.column)) {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
        let (page, per_page) = lines.unwrap_or((1, REPORT_ROW_CAP));
        let listed = self
            .run_report(
                actor,
                &ReportSpec {
                    unit,
                    filters: form.population.iter().map(|f| with_year(f, year)).collect(),
                    columns: columns.clone(),
                    as_of: as_of.map(|d| d.to_string()),
                    page: Some(page),
                    per_page: Some(per_page),
                    ..ReportSpec::default()
                },
                client,
            )
            .await?;
        let at = |key: &str| columns.iter().position(|c| c == key);
        let mut table_columns = vec![TableColumn {
            key: "stt".into(),
            label: "STT".into(),
            format: ColumnFormat::Integer,
        }];
        for c in form.columns() {
            table_columns.push(TableColumn {
                key: c.key.clone(),
                label: c.label.clone(),
                format: c
                    .show
                    .as_deref()
                    .and_then(at)
                    .map_or(ColumnFormat::Text, |i| listed.columns[i].format),
            });
        }
        let first = (page - 1) * per_page;
        let rows = listed
            .rows
            .iter()
            .enumerate()
            .map(|(n, row)| {
                let stt = first + n as i64 + 1;
                let mut line = vec![TableCell {
                    value: serde_json::json!(stt),
                    text: stt.to_string(),
                }];
                for c in form.columns() {
                    let shown = c.when.as_ref().is_none_or(|w| {
                        at(&w.column).and_then(|i| row[i].value.as_str()) == Some(w.value.as_str())
                    });
                    let cell = c.show.as_deref().and_then(at).map(|i| &row[i]);
                    line.push(match cell {
                        Some(cell) if shown => TableCell {
                            value: cell.value.clone(),
                            text: if c.code {
                                cell.value.as_str().unwrap_or_default().to_string()
                            } else {
                                cell.text.clone()
                            },
                        },
                        _ => TableCell::empty(),
                    });
                }
                line
            })
            .collect();
        let people = listed
            .rows
            .iter()
            .filter_map(|r| r[0].value.as_i64())
            .collect();
        Ok((
            ReportTable {
                title: with_year_text(&form.title, year),
                columns: table_columns,
                column_groups: std::iter::once(ColumnGroup {
                    label: "STT".into(),
                    columns: vec!["STT".into()],
                })
                .chain(form.groups.iter().map(|g| ColumnGroup {
                    label: g.label.clone(),
                    columns: g.columns.iter().map(|c| c.label.clone()).collect(),
                }))
                .collect(),
                rows,
                total: listed.total,
                page,
                per_page,
            },
            people,
        ))
    }

    /// The people behind one figure of a form: the same conditions as a listing of the report
    /// builder, run (and audited) by it.
    pub async fn report_form_people(
        &self,
        actor: &Actor,
        code: &str,
        cell: &FormCell,
        page: Option<i64>,
        per_page: Option<i64>,
        client: &ClientInfo,
    ) -> AppResult<ReportTable> {
        self.require_reports(actor, client).await?;
        let form = self.form_in_force(code)?;
        if form.list {
            return Err(AppError::BadRequest(format!(
                "Mẫu {} là danh sách từng người: không có số liệu để xem người được đếm.",
                form.short
            )));
        }
        if let Some(id) = cell.unit {
            let mut conn = self.store.reader().await?;
            self.seen_unit(&mut conn, actor, id).await?;
        }
        let year = self.form_year(form, cell.year);
        self.check_form_year(year)?;
        let as_of = self.form_day(form, cell.as_of.as_deref())?;
        let column = form
            .columns()
            .find(|c| c.key == cell.column)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "Mẫu {} không có cột '{}'. Chọn: {}.",
                    form.short,
                    cell.column,
                    form.columns()
                        .map(|c| c.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        let mut filters: Vec<FilterSpec> = form
            .population
            .iter()
            .chain(&column.conditions)
            .map(|f| with_year(f, year))
            .collect();
        if cell.direct {
            let Some(unit) = cell.unit else {
                return Err(AppError::BadRequest(
                    "Dòng “trực tiếp” cần đơn vị (unit).".into(),
                ));
            };
            filters.push(FilterSpec::on("unit", "eq", Some(serde_json::json!(unit))));
        }
        // The name (with the record's id, for its link), the unit, and the birth date and
        // ngạch as the schema projects them.
        let schema = self.schemas.latest();
        let columns = ["id", "full_name", "unit"]
            .into_iter()
            .map(str::to_string)
            .chain(
                [FieldRole::BirthDate, FieldRole::RankOrTitle]
                    .into_iter()
                    .filter_map(|role| schema.role_column(role))
                    .map(|c| c.name.to_string()),
            )
            .collect();
        let spec = ReportSpec {
            unit: cell.unit,
            filters,
            columns,
            as_of: as_of.map(|d| d.to_string()),
            page,
            per_page,
            ..ReportSpec::default()
        };
        let mut table = self.run_report(actor, &spec, client).await?;
        table.title = format!("{}: {}", with_year_text(&form.title, year), column.label);
        Ok(table)
    }
}

/// The unit at the end of a path (`/1/5/` → 5).
fn unit_id_of_path(path: &str) -> Option<i64> {
    path.trim_end_matches('/').rsplit('/').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_forms_parse_with_unique_codes_and_columns() {
        let forms = parse_forms().unwrap();
        assert_eq!(forms.len(), FORM_FILES.len());
        for f in &forms {
            assert!(f.columns().count() > 1, "{}", f.code);
            assert!(f.title.contains(YEAR_PLACEHOLDER) == f.year, "{}", f.code);
        }
    }

    #[test]
    fn the_year_fills_every_condition() {
        let form = parse_forms().unwrap().into_iter().find(|f| f.year).unwrap();
        let c = form.columns().find(|c| c.key == "htxsnv").unwrap();
        let filled = with_year(&c.conditions[0], Some(2025));
        assert_eq!(filled.conditions[0].value, Some(serde_json::json!(2025)));
        assert_eq!(
            with_year_text(&form.title, Some(2025)),
            "Kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm 2025"
        );
    }

    #[test]
    fn a_path_ends_with_its_unit() {
        assert_eq!(unit_id_of_path("/1/5/"), Some(5));
        assert_eq!(unit_id_of_path("/12/"), Some(12));
        assert_eq!(unit_id_of_path("/"), None);
    }
}
