//! Derivations from a record document driven by field attributes: the current-state and
//! history projections (`projection = "…"`, `period = { … }`) and redaction by access level
//! (`access = "…"`).

use serde_json::Value;

use super::validate::{is_empty, parse_date, temporal};
use super::{Field, FieldRole, ProjectedKind, RecordDoc, RecordSchema, Section};
use crate::access::AccessLevel;

/// A projected value as stored: text (codes, dates `YYYY-MM-DD`, months `YYYY-MM`) or a whole
/// number (hundredths for decimals).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(untagged)]
pub enum ProjectedValue {
    Text(String),
    Integer(i64),
}

impl ProjectedValue {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            ProjectedValue::Text(s) => Some(s),
            ProjectedValue::Integer(_) => None,
        }
    }

    pub fn as_integer(&self) -> Option<i64> {
        match self {
            ProjectedValue::Integer(n) => Some(*n),
            ProjectedValue::Text(_) => None,
        }
    }
}

/// One projected column and its value (`None` when empty or malformed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProjectedCell {
    pub column: String,
    pub kind: ProjectedKind,
    pub value: Option<ProjectedValue>,
}

/// The current-state projection of one record: the display name (which the `persons` table
/// keeps with its search key) and a cell for every projected column of the schema, empty ones
/// included, so that writing it clears what a field no longer holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Projection {
    /// Empty when not filled.
    pub full_name: String,
    pub cells: Vec<ProjectedCell>,
}

impl Projection {
    /// The value of a column, if projected and filled.
    pub fn value(&self, column: &str) -> Option<&ProjectedValue> {
        self.cells
            .iter()
            .find(|c| c.column == column)
            .and_then(|c| c.value.as_ref())
    }
}

/// One row of a repeating section in the history projection, with the period it covers
/// (`valid_from` / `valid_to` as ISO dates: a month or a year covers all its days).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryRow {
    pub section: String,
    /// Position of the row in the section, from 0.
    pub row_no: i64,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub cells: Vec<ProjectedCell>,
}

/// The stored form of a field's value, `None` when empty or not of its kind (projection never
/// fails: invalid documents are caught by validation).
fn projected_value(kind: ProjectedKind, field: &Field, v: &Value) -> Option<ProjectedValue> {
    let text = || {
        v.as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| ProjectedValue::Text(s.to_owned()))
    };
    match kind {
        ProjectedKind::Text | ProjectedKind::Code => text(),
        ProjectedKind::Date => parse_date(v).map(|d| ProjectedValue::Text(d.to_string())),
        ProjectedKind::Month => temporal(field.kind, v)
            .and_then(|t| Some(format!("{:04}-{:02}", t.year, t.month?)))
            .map(ProjectedValue::Text),
        ProjectedKind::Integer => v.as_i64().map(ProjectedValue::Integer),
        ProjectedKind::Hundredths => hundredths(v).map(ProjectedValue::Integer),
    }
}

/// A decimal or percent value of a record in hundredths (2,34 → 234; 85% → 8500), as the
/// projections store it.
pub fn hundredths(v: &Value) -> Option<i64> {
    v.as_f64()
        .filter(|x| x.is_finite())
        .map(|x| (x * 100.0).round() as i64)
}

/// The first or last day a temporal value covers, as an ISO date.
fn period_bound(field: &Field, v: &Value, end: bool) -> Option<String> {
    let t = temporal(field.kind, v)?;
    let month = t.month.unwrap_or(if end { 12 } else { 1 });
    let day = match t.day {
        Some(d) => d,
        None if end => time::Month::try_from(month).ok()?.length(t.year),
        None => 1,
    };
    Some(format!("{:04}-{month:02}-{day:02}", t.year))
}

fn cells(section: &Section, row: Option<&serde_json::Map<String, Value>>) -> Vec<ProjectedCell> {
    section
        .fields
        .iter()
        .filter_map(|field| {
            let column = field.projection.as_deref()?;
            let kind = ProjectedKind::of(field.kind)?;
            Some(ProjectedCell {
                column: column.to_owned(),
                kind,
                value: row
                    .and_then(|r| r.get(&field.id))
                    .and_then(|v| projected_value(kind, field, v)),
            })
        })
        .collect()
}

/// A row recording a decision, as [`RecordSchema::decisions_added`] compares them.
struct DecisionRow<'d> {
    section: &'d str,
    /// The later of its decision and effective dates.
    start: Option<time::Date>,
    number: Option<&'d str>,
    /// Its other fields, filled ones only.
    others: serde_json::Map<String, Value>,
}

fn decision_rows<'d>(sections: &'d [Section], doc: &'d RecordDoc) -> Vec<DecisionRow<'d>> {
    let mut out = Vec::new();
    for section in sections {
        let Some(decision) = &section.decision else {
            continue;
        };
        let dating: Vec<&String> = std::iter::once(&decision.date)
            .chain(&decision.effective)
            .collect();
        let rows = doc.get(&section.id).and_then(Value::as_array);
        for row in rows.into_iter().flatten().filter_map(Value::as_object) {
            out.push(DecisionRow {
                section: section.id.as_str(),
                start: dating
                    .iter()
                    .filter_map(|id| row.get(*id).and_then(parse_date))
                    .max(),
                number: decision
                    .number
                    .as_ref()
                    .and_then(|id| row.get(id))
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|n| !n.is_empty()),
                others: row
                    .iter()
                    .filter(|(k, v)| !dating.contains(k) && !is_empty(Some(v)))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            });
        }
    }
    out
}

impl RecordSchema {
    /// The current-state projection of a document.
    pub fn project(&self, doc: &RecordDoc) -> Projection {
        let full_name = self
            .role_text(doc, FieldRole::DisplayName)
            .unwrap_or_default()
            .to_owned();
        let cells = self
            .sections
            .iter()
            .filter(|s| !s.repeating)
            .flat_map(|s| cells(s, doc.get(&s.id).and_then(Value::as_object)))
            .collect();
        Projection { full_name, cells }
    }

    /// The history projection of a document: one row per row of every history section.
    pub fn project_history(&self, doc: &RecordDoc) -> Vec<HistoryRow> {
        let mut out = Vec::new();
        for section in self.history_sections() {
            let Some(rows) = doc.get(&section.id).and_then(Value::as_array) else {
                continue;
            };
            for (row_no, row) in rows.iter().enumerate() {
                let Some(obj) = row.as_object() else { continue };
                let bound = |id: Option<&String>, end: bool| {
                    let id = id?;
                    period_bound(section.field(id)?, obj.get(id)?, end)
                };
                let period = section.period.as_ref();
                out.push(HistoryRow {
                    section: section.id.clone(),
                    row_no: row_no as i64,
                    valid_from: bound(period.map(|p| &p.from), false),
                    valid_to: bound(period.and_then(|p| p.to.as_ref()), true),
                    cells: cells(section, Some(obj)),
                });
            }
        }
        out
    }

    /// The decisions `after` records that `before` did not (rows of the sections declaring
    /// `decision = { … }`): for each, the day the clock for recording it starts, the later of
    /// its decision and effective dates. A row of `after` is not new when `before` has one of
    /// the same section with the same dating (rows reordered, other fields edited), nor when
    /// it takes the place of one with its decision number or with all its other fields (a date
    /// corrected or filled in). A row with neither date is not dated.
    pub fn decisions_added(&self, before: &RecordDoc, after: &RecordDoc) -> Vec<time::Date> {
        let mut known = decision_rows(&self.sections, before);
        let mut fresh = Vec::new();
        for row in decision_rows(&self.sections, after)
            .into_iter()
            .filter(|r| r.start.is_some())
        {
            match known
                .iter()
                .position(|k| k.section == row.section && k.start == row.start)
            {
                Some(i) => {
                    known.swap_remove(i);
                }
                None => fresh.push(row),
            }
        }
        let mut added = Vec::new();
        for row in fresh {
            let replaced = known.iter().position(|k| {
                k.section == row.section
                    && ((k.number.is_some() && k.number == row.number) || k.others == row.others)
            });
            match replaced {
                Some(i) => {
                    known.swap_remove(i);
                }
                None => added.extend(row.start),
            }
        }
        added.sort_unstable();
        added
    }

    /// A copy of `doc` without the fields a reader with `clearance` may not see. Unknown
    /// sections and fields are dropped as well (they have no declared access level); sections
    /// with nothing visible are dropped entirely. Rows of repeating sections are kept (with
    /// their visible fields) so that row numbers stay the same.
    pub fn redact(&self, doc: &RecordDoc, clearance: AccessLevel) -> RecordDoc {
        let mut out = RecordDoc::new();
        for (key, value) in doc {
            let Some(section) = self.section(key) else {
                continue;
            };
            if section.min_access() > clearance {
                continue;
            }
            let keep = |obj: &serde_json::Map<String, Value>| {
                obj.iter()
                    .filter(|(k, _)| section.field(k).is_some_and(|f| f.access <= clearance))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<serde_json::Map<_, _>>()
            };
            match (section.repeating, value) {
                (false, Value::Object(obj)) => {
                    let kept = keep(obj);
                    if !kept.values().all(|v| is_empty(Some(v))) {
                        out.insert(key.clone(), Value::Object(kept));
                    }
                }
                (true, Value::Array(rows)) => {
                    let rows = rows
                        .iter()
                        .map(|r| match r {
                            Value::Object(obj) => Value::Object(keep(obj)),
                            _ => Value::Object(Default::default()),
                        })
                        .collect();
                    out.insert(key.clone(), Value::Array(rows));
                }
                _ => {}
            }
        }
        out
    }
}
