//! The report builder: a source, columns, filters, a grouping (rows and, optionally, one
//! column dimension) with a count or a sum, an "as of" day for histories. The whole
//! specification lives in the query string, so a report is a link one can bookmark and send;
//! it runs through the same `App::run_report` as the API (same rights, same audit). Every
//! grouped figure links to the listing of the people behind it.

use std::collections::BTreeMap;

use crate::extract::Query;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use hoso_app::reports::{
    ColumnFormat, FilterSpec, REPORT_ROW_CAP, ReportSource, ReportSpec, ReportTable, TableCell,
};
use hoso_app::{App, AppError};
use serde_json::Value;

use hoso_domain::schema::FieldRole;

use super::home::{Bar, TwoSidedRow, two_sided};
use super::{Layout, PageActor, PageError, PageResult, format, render_status};
use crate::extract::Client;

pub const PATH: &str = "/bao-cao";
pub const EXPORT_PATH: &str = "/bao-cao/xuat-excel";
/// Rows of a listing per page.
const PER_PAGE: i64 = 50;
/// Empty filter rows offered below the ones in use.
const SPARE_FILTERS: usize = 2;

pub const OPS: &[(&str, &str)] = &[
    ("eq", "bằng"),
    ("in", "là một trong (cách nhau bằng ;)"),
    ("not_in", "không là một trong (cách nhau bằng ;)"),
    ("between", "từ … đến …"),
    ("age_between", "tuổi (số năm đến nay) từ … đến …"),
    (
        "in_group",
        "thuộc nhóm của danh mục (thuộc tính: giá trị; …)",
    ),
    (
        "not_in_group",
        "không thuộc nhóm của danh mục (thuộc tính: giá trị; …)",
    ),
    ("empty", "để trống"),
    ("not_empty", "có giá trị"),
];

/// One filter row of the form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterRow {
    pub column: String,
    pub op: String,
    pub value: String,
    pub to: String,
}

/// The report as the query string spells it (empty values are absent).
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub source: String,
    pub unit: Option<i64>,
    pub cols: Vec<String>,
    /// Group-by of the rows, and of the columns (a cross table).
    pub rows: String,
    pub across: String,
    /// `count` or `sum:column`.
    pub measure: String,
    pub as_of: String,
    /// Part of the name, with or without accents.
    pub name: String,
    pub filters: Vec<FilterRow>,
    /// "Has a row of this history (begun between these days)", or with `has_not`, has none.
    pub history: String,
    pub history_op: String,
    pub history_from: String,
    pub history_to: String,
    pub page: i64,
}

impl Params {
    pub fn parse(pairs: &[(String, String)]) -> Params {
        let mut p = Params {
            page: 1,
            ..Params::default()
        };
        let (mut fc, mut fo, mut fv, mut ft) = (vec![], vec![], vec![], vec![]);
        for (k, v) in pairs {
            let v = v.trim().to_string();
            match k.as_str() {
                "nguon" => p.source = v,
                "don_vi" => p.unit = v.parse().ok(),
                "cot" if !v.is_empty() && !p.cols.contains(&v) => p.cols.push(v),
                "nhom" => p.rows = v,
                "nhom_cot" => p.across = v,
                "do" => p.measure = v,
                "ngay" => p.as_of = v,
                "ten" => p.name = v.chars().take(100).collect(),
                "trang" => p.page = v.parse().unwrap_or(1).max(1),
                "co_qt" => p.history = v,
                "co_op" => p.history_op = v,
                "co_tu" => p.history_from = v,
                "co_den" => p.history_to = v,
                // Filter rows: four fields each, in order (a browser sends empty fields too).
                "f_cot" => fc.push(v),
                "f_op" => fo.push(v),
                "f_gt" => fv.push(v),
                "f_den" => ft.push(v),
                _ => {}
            }
        }
        for (i, column) in fc.into_iter().enumerate() {
            if column.is_empty() {
                continue;
            }
            p.filters.push(FilterRow {
                column,
                op: fo.get(i).cloned().unwrap_or_else(|| "eq".into()),
                value: fv.get(i).cloned().unwrap_or_default(),
                to: ft.get(i).cloned().unwrap_or_default(),
            });
        }
        if p.rows.is_empty() && !p.across.is_empty() {
            std::mem::swap(&mut p.rows, &mut p.across);
        }
        p
    }

    pub fn grouped(&self) -> bool {
        !self.rows.is_empty()
    }

    fn source_key(&self) -> &str {
        if self.source.is_empty() {
            "persons"
        } else {
            &self.source
        }
    }

    /// The specification the query layer runs. A listing on the page also asks for the
    /// person's id (first, hidden), to link the name to the record.
    pub fn spec(&self, sources: &[ReportSource], with_id: bool) -> ReportSpec {
        let formats: BTreeMap<&str, ColumnFormat> = sources
            .iter()
            .find(|s| s.key == self.source_key())
            .map(|s| {
                s.columns
                    .iter()
                    .map(|c| (c.key.as_str(), c.format))
                    .collect()
            })
            .unwrap_or_default();
        let value = |column: &str, text: &str| -> Option<Value> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            // A number where the column holds numbers; otherwise the text, which the query
            // layer refuses with its message when it does not fit.
            Some(match formats.get(column) {
                Some(ColumnFormat::Integer) => {
                    text.parse::<i64>().map_or(Value::from(text), Value::from)
                }
                Some(ColumnFormat::Decimal) => text
                    .replace(',', ".")
                    .parse::<f64>()
                    .map_or(Value::from(text), Value::from),
                _ if column == "unit" => text.parse::<i64>().map_or(Value::from(text), Value::from),
                _ => Value::from(text),
            })
        };
        let mut filters: Vec<FilterSpec> = self
            .filters
            .iter()
            .map(|f| {
                let ranged = matches!(f.op.as_str(), "between" | "age_between");
                // Whole years; the query layer refuses anything else with its message.
                let bound = |text: &str| {
                    if f.op == "age_between" {
                        let text = text.trim();
                        (!text.is_empty())
                            .then(|| text.parse::<u64>().map_or(Value::from(text), Value::from))
                    } else {
                        value(&f.column, text)
                    }
                };
                let (single, values, attribute) = match f.op.as_str() {
                    "between" | "age_between" => (None, Vec::new(), None),
                    "in" | "not_in" => (
                        None,
                        f.value
                            .split(';')
                            .filter_map(|v| value(&f.column, v))
                            .collect(),
                        None,
                    ),
                    // "hang: II; III": the catalog's attribute, then its values (the attribute
                    // left out, the query layer names the ones the catalog has).
                    "in_group" | "not_in_group" => {
                        let (attribute, values) = f
                            .value
                            .split_once([':', '='])
                            .unwrap_or(("", f.value.as_str()));
                        (
                            None,
                            values
                                .split(';')
                                .map(str::trim)
                                .filter(|v| !v.is_empty())
                                .map(Value::from)
                                .collect(),
                            Some(attribute.trim().to_string()),
                        )
                    }
                    _ => (value(&f.column, &f.value), Vec::new(), None),
                };
                FilterSpec {
                    column: f.column.clone(),
                    op: f.op.clone(),
                    value: single,
                    values,
                    attribute,
                    from: ranged.then(|| bound(&f.value)).flatten(),
                    to: ranged.then(|| bound(&f.to)).flatten(),
                    ..FilterSpec::default()
                }
            })
            .collect();
        if !self.history.is_empty() {
            let mut begun = FilterSpec::on("valid_from", "between", None);
            begun.from = (!self.history_from.is_empty())
                .then(|| Value::from(format::typed_day(&self.history_from)));
            begun.to = (!self.history_to.is_empty())
                .then(|| Value::from(format::typed_day(&self.history_to)));
            filters.push(FilterSpec {
                op: if self.history_op.is_empty() {
                    "has".into()
                } else {
                    self.history_op.clone()
                },
                section: Some(self.history.clone()),
                conditions: if begun.from.is_some() || begun.to.is_some() {
                    vec![begun]
                } else {
                    Vec::new()
                },
                ..FilterSpec::default()
            });
        }
        if !self.name.is_empty() {
            filters.push(FilterSpec::on(
                "full_name",
                "contains",
                Some(Value::from(self.name.as_str())),
            ));
        }
        let mut columns = if self.cols.is_empty() {
            vec!["full_name".to_string(), "unit".to_string()]
        } else {
            self.cols.clone()
        };
        if with_id && !self.grouped() {
            columns.insert(0, "id".into());
        }
        let group_by: Vec<String> = [&self.rows, &self.across]
            .into_iter()
            .filter(|g| !g.is_empty())
            .cloned()
            .collect();
        ReportSpec {
            source: (!self.source.is_empty()).then(|| self.source.clone()),
            unit: self.unit,
            filters,
            columns,
            measures: if group_by.is_empty() || self.measure.is_empty() {
                Vec::new()
            } else {
                vec![self.measure.clone()]
            },
            group_by,
            as_of: (!self.as_of.is_empty()).then(|| format::typed_day(&self.as_of)),
            page: Some(self.page),
            per_page: Some(PER_PAGE),
        }
    }

    /// The query string of this report.
    pub fn qs(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut put = |k: &str, v: &str| {
            if !v.is_empty() {
                parts.push(format!("{k}={}", format::url_encode(v)));
            }
        };
        put("nguon", &self.source);
        put(
            "don_vi",
            &self.unit.map(|u| u.to_string()).unwrap_or_default(),
        );
        for c in &self.cols {
            put("cot", c);
        }
        put("nhom", &self.rows);
        put("nhom_cot", &self.across);
        put("do", &self.measure);
        put("ngay", &self.as_of);
        put("ten", &self.name);
        put("co_qt", &self.history);
        put("co_op", &self.history_op);
        put("co_tu", &self.history_from);
        put("co_den", &self.history_to);
        for f in &self.filters {
            parts.push(format!(
                "f_cot={}&f_op={}&f_gt={}&f_den={}",
                format::url_encode(&f.column),
                format::url_encode(&f.op),
                format::url_encode(&f.value),
                format::url_encode(&f.to)
            ));
        }
        parts.join("&")
    }

    fn at_page(&self, page: i64) -> String {
        let mut p = self.clone();
        p.page = page;
        let qs = p.qs();
        if page > 1 {
            format!("{PATH}?{qs}&trang={page}")
        } else {
            format!("{PATH}?{qs}")
        }
    }

    /// The listing behind one group: the same report without grouping, the group's values as
    /// conditions, the grouped columns shown.
    fn drill(&self, dims: &[(&str, &TableCell)]) -> String {
        let mut p = self.clone();
        p.rows.clear();
        p.across.clear();
        p.measure.clear();
        p.page = 1;
        let mut cols = vec!["full_name".to_string(), "unit".to_string()];
        for (key, cell) in dims {
            let banded = key.strip_suffix(".age");
            let (column, row) = match (banded, key.strip_suffix(".year")) {
                // A band of years drills down to its ages (the query layer's value: its years).
                (Some(base), _) => {
                    let years = |end: &str| {
                        cell.value
                            .get(end)
                            .and_then(Value::as_u64)
                            .map(|n| n.to_string())
                            .unwrap_or_default()
                    };
                    let (from, to) = (years("from"), years("to"));
                    (
                        base,
                        if cell.value.is_null() {
                            FilterRow {
                                column: base.into(),
                                op: "empty".into(),
                                ..FilterRow::default()
                            }
                        } else {
                            FilterRow {
                                column: base.into(),
                                op: "age_between".into(),
                                // A band open at both ends is everyone with a date.
                                value: if from.is_empty() && to.is_empty() {
                                    "0".into()
                                } else {
                                    from
                                },
                                to,
                            }
                        },
                    )
                }
                (None, Some(base)) => {
                    let y = cell.value.as_str().unwrap_or_default();
                    (
                        base,
                        FilterRow {
                            column: base.into(),
                            op: if y.is_empty() { "empty" } else { "between" }.into(),
                            value: if y.is_empty() {
                                String::new()
                            } else {
                                format!("{y}-01-01")
                            },
                            to: if y.is_empty() {
                                String::new()
                            } else {
                                format!("{y}-12-31")
                            },
                        },
                    )
                }
                (None, None) => (
                    *key,
                    match &cell.value {
                        Value::Null => FilterRow {
                            column: key.to_string(),
                            op: "empty".into(),
                            ..FilterRow::default()
                        },
                        Value::String(s) => FilterRow {
                            column: key.to_string(),
                            op: "eq".into(),
                            value: s.clone(),
                            ..FilterRow::default()
                        },
                        other => FilterRow {
                            column: key.to_string(),
                            op: "eq".into(),
                            value: other.to_string(),
                            ..FilterRow::default()
                        },
                    },
                ),
            };
            if !cols.iter().any(|c| c == column) {
                cols.push(column.to_string());
            }
            p.filters.push(row);
        }
        p.cols = cols;
        format!("{PATH}?{}", p.qs())
    }
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>, current: &str) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(v, l)| Choice {
            selected: v == current,
            value: v.to_string(),
            label: l.to_string(),
        })
        .collect()
}

/// One filter row of the form, with its choices.
pub struct FilterForm {
    pub n: usize,
    pub columns: Vec<Choice>,
    pub ops: Vec<Choice>,
    pub value: String,
    pub to: String,
}

/// A cell shown: its text and, for a grouped figure, the listing behind it.
pub struct Shown {
    pub text: String,
    pub href: Option<String>,
    pub number: bool,
}

/// A two-sided chart of a cross table of two columns.
pub struct Pyramid {
    pub rows: Vec<TwoSidedRow>,
    pub left: String,
    pub middle: String,
    pub right: String,
    /// Men and women: drawn in their colours (otherwise two neutral ones).
    pub by_sex: bool,
    /// Age bands by sex: a population pyramid.
    pub ages: bool,
}

impl Pyramid {
    pub fn left_class(&self) -> &'static str {
        if self.by_sex { "men" } else { "out" }
    }

    pub fn right_class(&self) -> &'static str {
        if self.by_sex { "women" } else { "in" }
    }
}

/// A pie slice: its path in a 100×100 box, its colour, and its legend.
pub struct Slice {
    pub path: String,
    pub color: &'static str,
    pub label: String,
    pub share: String,
}

const PALETTE: [&str; 8] = [
    "#1f5f99", "#d9822b", "#3a8f5c", "#b33a3a", "#7a5ea8", "#8c6d3f", "#c2569b", "#5a6b7b",
];

/// The figures of a report, ready for the template.
#[derive(Default)]
pub struct Answer {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Shown>>,
    /// The totals row (grouped reports).
    pub totals: Vec<Shown>,
    pub total: String,
    pub bars: Vec<Bar>,
    pub slices: Vec<Slice>,
    /// A cross table whose columns are two values (men and women, say) drawn back to back:
    /// a population pyramid when the rows are age bands.
    pub pyramid: Option<Pyramid>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub page: i64,
    pub pages: i64,
    pub export: String,
    /// Where this report is saved by name.
    pub save: String,
    pub listing: bool,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportPage {
    layout: Layout,
    sources: Vec<Choice>,
    columns: Vec<(String, String, bool)>,
    groups: Vec<Choice>,
    across: Vec<Choice>,
    measures: Vec<Choice>,
    filters: Vec<FilterForm>,
    histories: Vec<Choice>,
    history_ops: Vec<Choice>,
    p: Params,
    asked: bool,
    error: Option<String>,
    answer: Option<Answer>,
}

fn number_of(cell: &TableCell) -> f64 {
    cell.value.as_f64().unwrap_or(0.0)
}

fn figure(x: f64, decimal: bool) -> String {
    if decimal {
        format::decimal(x)
    } else {
        format::thousands(x.round() as i64)
    }
}

/// The report's table as the page shows it: a listing, a list of groups or a cross table.
fn answer(p: &Params, t: &ReportTable, sex: Option<&str>) -> Answer {
    let export = format!("{EXPORT_PATH}?{}", p.qs());
    let save = super::saved_searches::save_link(&format!("{PATH}?{}", p.qs()));
    if !p.grouped() {
        // The first column is the id, for the link on the name.
        let pages = t.pages();
        let name_at = t.columns.iter().position(|c| c.key == "full_name");
        return Answer {
            title: t.title.clone(),
            headers: t.columns.iter().skip(1).map(|c| c.label.clone()).collect(),
            rows: t
                .rows
                .iter()
                .map(|row| {
                    let id = row.first().and_then(|c| c.value.as_i64());
                    row.iter()
                        .enumerate()
                        .skip(1)
                        .map(|(i, c)| Shown {
                            text: c.text.clone(),
                            href: (Some(i) == name_at)
                                .then(|| id.map(|id| format!("/ho-so/{id}")))
                                .flatten(),
                            number: matches!(
                                t.columns[i].format,
                                ColumnFormat::Integer | ColumnFormat::Decimal
                            ),
                        })
                        .collect()
                })
                .collect(),
            total: format::thousands(t.total),
            page: t.page,
            pages,
            prev: (t.page > 1).then(|| p.at_page(t.page - 1)),
            next: (t.page < pages).then(|| p.at_page(t.page + 1)),
            export,
            save: save.clone(),
            listing: true,
            ..Answer::default()
        };
    }
    let decimal = t.columns.last().map(|c| c.format) == Some(ColumnFormat::Decimal);
    let measure_label = t
        .columns
        .last()
        .map(|c| c.label.clone())
        .unwrap_or_default();
    let grand: f64 = t.rows.iter().map(|r| r.last().map_or(0.0, number_of)).sum();
    if p.across.is_empty() {
        let key = t.columns[0].key.as_str();
        let shown_rows: Vec<Vec<Shown>> = t
            .rows
            .iter()
            .map(|r| {
                let label = if r[0].text.is_empty() {
                    "(để trống)".to_string()
                } else {
                    r[0].text.clone()
                };
                vec![
                    Shown {
                        text: label,
                        href: None,
                        number: false,
                    },
                    Shown {
                        text: r[1].text.clone(),
                        href: Some(p.drill(&[(key, &r[0])])),
                        number: true,
                    },
                ]
            })
            .collect();
        let max = t
            .rows
            .iter()
            .map(|r| number_of(&r[1]))
            .fold(0.0_f64, f64::max)
            .max(1.0);
        let bars = t
            .rows
            .iter()
            .zip(&shown_rows)
            .map(|(r, s)| Bar {
                label: s[0].text.clone(),
                count: s[1].text.clone(),
                width: (number_of(&r[1]) / max * 100.0).round(),
                href: s[1].href.clone(),
            })
            .collect();
        let slices = pie(&t
            .rows
            .iter()
            .zip(&shown_rows)
            .map(|(r, s)| (s[0].text.clone(), number_of(&r[1])))
            .collect::<Vec<_>>());
        return Answer {
            title: t.title.clone(),
            headers: vec![t.columns[0].label.clone(), measure_label],
            rows: shown_rows,
            totals: vec![
                Shown {
                    text: "Tổng cộng".into(),
                    href: None,
                    number: false,
                },
                Shown {
                    text: figure(grand, decimal),
                    href: None,
                    number: true,
                },
            ],
            total: format::thousands(t.total),
            bars,
            slices,
            page: 1,
            pages: 1,
            export,
            save: save.clone(),
            ..Answer::default()
        };
    }
    // A cross table: the first dimension down, the second across.
    let (row_key, col_key) = (t.columns[0].key.as_str(), t.columns[1].key.as_str());
    let mut row_values: Vec<&TableCell> = Vec::new();
    let mut col_values: Vec<&TableCell> = Vec::new();
    for r in &t.rows {
        if !row_values.iter().any(|v| v.value == r[0].value) {
            row_values.push(&r[0]);
        }
        if !col_values.iter().any(|v| v.value == r[1].value) {
            col_values.push(&r[1]);
        }
    }
    let label = |c: &TableCell| {
        if c.text.is_empty() {
            "(để trống)".to_string()
        } else {
            c.text.clone()
        }
    };
    let mut headers = vec![format!("{} \\ {}", t.columns[0].label, t.columns[1].label)];
    headers.extend(col_values.iter().map(|c| label(c)));
    headers.push("Tổng cộng".into());
    let cell_of = |rv: &TableCell, cv: &TableCell| {
        t.rows
            .iter()
            .find(|r| r[0].value == rv.value && r[1].value == cv.value)
    };
    let mut rows = Vec::new();
    for rv in &row_values {
        let mut line = vec![Shown {
            text: label(rv),
            href: None,
            number: false,
        }];
        let mut sum = 0.0;
        for cv in &col_values {
            line.push(match cell_of(rv, cv) {
                Some(r) => {
                    sum += number_of(&r[2]);
                    Shown {
                        text: r[2].text.clone(),
                        href: Some(p.drill(&[(row_key, rv), (col_key, cv)])),
                        number: true,
                    }
                }
                None => Shown {
                    text: String::new(),
                    href: None,
                    number: true,
                },
            });
        }
        line.push(Shown {
            text: figure(sum, decimal),
            href: Some(p.drill(&[(row_key, rv)])),
            number: true,
        });
        rows.push(line);
    }
    let mut totals = vec![Shown {
        text: "Tổng cộng".into(),
        href: None,
        number: false,
    }];
    for cv in &col_values {
        let sum: f64 = t
            .rows
            .iter()
            .filter(|r| r[1].value == cv.value)
            .map(|r| number_of(&r[2]))
            .sum();
        totals.push(Shown {
            text: figure(sum, decimal),
            href: Some(p.drill(&[(col_key, cv)])),
            number: true,
        });
    }
    totals.push(Shown {
        text: figure(grand, decimal),
        href: None,
        number: true,
    });
    // Bands of age are drawn oldest on top, as a pyramid stands.
    let bands = row_key.ends_with(".age");
    let pyramid = match col_values.as_slice() {
        [left, right] if !decimal => {
            let figures = |rv: &&TableCell| {
                let figure_at =
                    |cv: &TableCell| cell_of(rv, cv).map_or(0, |r| number_of(&r[2]).round() as i64);
                (label(rv), figure_at(left), figure_at(right))
            };
            let mut order: Vec<&&TableCell> = row_values.iter().collect();
            if bands {
                order.reverse();
            }
            let rows = two_sided(order.into_iter().map(figures));
            Some(Pyramid {
                rows,
                left: label(left),
                middle: t.columns[0].label.clone(),
                right: label(right),
                by_sex: Some(col_key) == sex,
                ages: bands && Some(col_key) == sex,
            })
        }
        _ => None,
    };
    Answer {
        title: format!("{} — {measure_label}", t.title),
        pyramid,
        headers,
        rows,
        totals,
        total: format::thousands(t.total),
        page: 1,
        pages: 1,
        export,
        save,
        ..Answer::default()
    }
}

/// The slices of a pie: the seven largest parts and the rest together.
fn pie(parts: &[(String, f64)]) -> Vec<Slice> {
    let mut parts: Vec<(String, f64)> = parts.iter().filter(|p| p.1 > 0.0).cloned().collect();
    parts.sort_by(|a, b| b.1.total_cmp(&a.1));
    if parts.len() > 8 {
        let rest: f64 = parts[7..].iter().map(|p| p.1).sum();
        parts.truncate(7);
        parts.push(("Khác".into(), rest));
    }
    let total: f64 = parts.iter().map(|p| p.1).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    let point = |a: f64| {
        let (s, c) = (a * std::f64::consts::TAU).sin_cos();
        (50.0 + 45.0 * s, 50.0 - 45.0 * c)
    };
    let mut start = 0.0;
    parts
        .into_iter()
        .enumerate()
        .map(|(i, (label, n))| {
            let share = n / total;
            let path = if share >= 0.9999 {
                "M50 5 A45 45 0 1 1 49.99 5 Z".to_string()
            } else {
                let (x1, y1) = point(start);
                let (x2, y2) = point(start + share);
                format!(
                    "M50 50 L{x1:.2} {y1:.2} A45 45 0 {} 1 {x2:.2} {y2:.2} Z",
                    u8::from(share > 0.5)
                )
            };
            start += share;
            Slice {
                path,
                color: PALETTE[i % PALETTE.len()],
                label,
                share: format!("{}%", format::decimal((share * 1000.0).round() / 10.0)),
            }
        })
        .collect()
}

pub async fn page(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let p = Params::parse(&pairs);
    let sources = app.report_sources();
    let asked = !pairs.is_empty();
    let (answer, error) = if asked {
        match app
            .run_report(&page.actor, &p.spec(&sources, true), &client)
            .await
        {
            Ok(t) => {
                let sex = app.schemas().latest().role_column(FieldRole::Sex);
                (Some(answer(&p, &t, sex.map(|c| c.name))), None)
            }
            // The form again, with what is wrong; nothing ran.
            Err(AppError::BadRequest(m)) => (None, Some(m)),
            Err(e) => return Err(e.into()),
        }
    } else {
        (None, None)
    };
    let source = sources
        .iter()
        .find(|s| s.key == p.source_key())
        .unwrap_or(&sources[0]);
    let schema = app.schemas().latest();
    let birth_date = schema.role_column(FieldRole::BirthDate).map(|c| c.name);
    let column_choices = |current: &str, none: &str| {
        let mut out = vec![Choice {
            value: String::new(),
            label: none.to_string(),
            selected: current.is_empty(),
        }];
        for c in &source.columns {
            out.push(Choice {
                selected: c.key == current,
                value: c.key.clone(),
                label: c.label.clone(),
            });
            if c.format == ColumnFormat::Date {
                let key = format!("{}.year", c.key);
                out.push(Choice {
                    selected: key == current,
                    label: format!("{} (năm)", c.label),
                    value: key,
                });
                let key = format!("{}.age", c.key);
                out.push(Choice {
                    selected: key == current,
                    // The names the query layer gives these groupings.
                    label: if Some(c.key.as_str()) == birth_date {
                        "Nhóm tuổi".to_string()
                    } else {
                        format!("{}: số năm đến nay", c.label)
                    },
                    value: key,
                });
            }
        }
        out
    };
    let shown_cols: Vec<String> = if p.cols.is_empty() {
        vec!["full_name".into(), "unit".into()]
    } else {
        p.cols.clone()
    };
    let mut measures = vec![Choice {
        value: "count".into(),
        label: "Đếm số lượng".into(),
        selected: p.measure.is_empty() || p.measure == "count",
    }];
    for c in source
        .columns
        .iter()
        .filter(|c| matches!(c.format, ColumnFormat::Integer | ColumnFormat::Decimal))
    {
        let key = format!("sum:{}", c.key);
        measures.push(Choice {
            selected: p.measure == key,
            label: format!("Tổng {}", c.label.to_lowercase()),
            value: key,
        });
    }
    let blank = FilterRow {
        op: "eq".into(),
        ..FilterRow::default()
    };
    let filters = p
        .filters
        .iter()
        .chain(std::iter::repeat_n(&blank, SPARE_FILTERS))
        .enumerate()
        .map(|(n, f)| FilterForm {
            n: n + 1,
            columns: {
                let mut c = column_choices(&f.column, "— chọn cột —");
                c.retain(|c| !c.value.ends_with(".year") && !c.value.ends_with(".age"));
                c
            },
            ops: choices(OPS.iter().copied(), &f.op),
            value: f.value.clone(),
            to: f.to.clone(),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let view = ReportPage {
        layout: page.layout("Báo cáo", "reports"),
        sources: sources
            .iter()
            .map(|s| Choice {
                selected: s.key == source.key,
                value: if s.key == "persons" {
                    String::new()
                } else {
                    s.key.clone()
                },
                label: s.label.clone(),
            })
            .collect(),
        columns: source
            .columns
            .iter()
            .map(|c| (c.key.clone(), c.label.clone(), shown_cols.contains(&c.key)))
            .collect(),
        histories: std::iter::once(Choice {
            value: String::new(),
            label: "— không xét —".into(),
            selected: p.history.is_empty(),
        })
        .chain(sources.iter().filter(|s| s.history).map(|s| Choice {
            selected: s.key == p.history,
            value: s.key.clone(),
            label: s.label.clone(),
        }))
        .collect(),
        history_ops: choices(
            [("has", "có dòng"), ("has_not", "không có dòng")],
            if p.history_op.is_empty() {
                "has"
            } else {
                &p.history_op
            },
        ),
        groups: column_choices(&p.rows, "— không nhóm (danh sách) —"),
        across: column_choices(&p.across, "— không —"),
        measures,
        filters,
        asked,
        error,
        answer,
        p,
    };
    Ok(render_status(status, &view))
}

/// The same report as a file (every row, at most 50,000): the specification of the page's
/// link, run by the same use case.
pub async fn export(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let format = crate::documents::report_format_of(
        pairs
            .iter()
            .find(|(k, _)| k == "format")
            .map(|(_, v)| v.as_str()),
    )?;
    let p = Params::parse(&pairs);
    let mut spec = p.spec(&app.report_sources(), false);
    spec.page = Some(1);
    spec.per_page = Some(REPORT_ROW_CAP);
    let report = app.run_report(&page.actor, &spec, &client).await?;
    let truncated = report.total > report.rows.len() as i64;
    Ok(
        crate::documents::report_file(&app, &page.actor, &report, spec.unit, format, truncated)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(qs: &str) -> Vec<(String, String)> {
        qs.split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.replace("%3A", ":").replace("%20", " ")))
            .collect()
    }

    #[test]
    fn the_query_string_round_trips_and_drills_down() {
        let p = Params::parse(&pairs(
            "nguon=salary_history&nhom=gender&do=count&ngay=2020-01-01&ten=nguyen&f_cot=salary_step&f_op=between&f_gt=2&f_den=4&f_cot=&f_op=eq&f_gt=&f_den=",
        ));
        assert_eq!(p.filters.len(), 1, "the empty row is dropped");
        let again = Params::parse(&pairs(&p.qs()));
        assert_eq!(again.qs(), p.qs());
        assert_eq!(again.filters, p.filters);
        let cell = TableCell {
            value: Value::from("nu"),
            text: "Nữ".into(),
        };
        let drill = Params::parse(&pairs(
            p.drill(&[("gender", &cell)]).split_once('?').unwrap().1,
        ));
        assert!(!drill.grouped());
        assert_eq!(drill.as_of, "2020-01-01");
        assert_eq!(
            drill.filters.last(),
            Some(&FilterRow {
                column: "gender".into(),
                op: "eq".into(),
                value: "nu".into(),
                to: String::new(),
            })
        );
    }

    #[test]
    fn a_pie_covers_the_circle_once() {
        let slices = pie(&[("a".into(), 1.0), ("b".into(), 3.0)]);
        assert_eq!(slices.len(), 2);
        assert_eq!(slices[0].label, "b");
        assert_eq!(slices[0].share, "75%");
        assert!(slices[0].path.contains(" 1 1 "), "{}", slices[0].path);
        assert_eq!(pie(&[("a".into(), 0.0)]).len(), 0);
    }
}
