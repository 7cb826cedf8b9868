//! The query layer's SQL half: a report over one of the two projections (`persons`, one row
//! per person; `record_history`, one row per history row), restricted to a scope, filtered on
//! any projected column, listed or grouped with counts and sums, as of a date. Column names
//! are checked against the [`ProjectionLayout`] before they reach the builder; values are
//! always bound. The application decides who may ask what (`hoso_app::reports`).

use hoso_domain::schema::ProjectedValue;
use sea_query::{Cond, Order, Query, SelectStatement, SimpleExpr};
use sqlx::{AnyConnection, Row};

use crate::persons::{Scope, scope_cond, scope_needs_units, subtree_cond};
use crate::projection::{LayoutColumn, ProjectionLayout, value_expr};
use crate::query::{self, Expr, ExprTrait, Func, JoinType, col, ident, person_unit};
use crate::{StoreError, StoreResult};

/// Which projection a report reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// One row per person (`persons p`).
    Persons,
    /// One row per row of a repeating section (`record_history h`, joined to its person `p`).
    History { section: String },
}

/// A column a report may name: the person's own, or a projected one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// The person's id, name, status or unit (always there).
    Person(&'static str),
    /// A projected column of the source's table.
    Projected(String),
    /// `valid_from` / `valid_to` of a history row.
    Period(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Equals(Field, ProjectedValue),
    In(Field, Vec<ProjectedValue>),
    /// Filled in, with none of these values.
    NotIn(Field, Vec<ProjectedValue>),
    /// Inclusive bounds; either may be open.
    Between(Field, Option<ProjectedValue>, Option<ProjectedValue>),
    IsEmpty(Field),
    NotEmpty(Field),
    /// The person's unit is in this subtree (path).
    UnitSubtree(String),
    /// The person's accent-folded name (`search_key`) holds this folded text.
    NameContains(String),
    /// At least one of these holds.
    Any(Vec<Filter>),
    /// The person has at least `at_least` rows of a history section on which every one of
    /// `conditions` holds (over that section's columns); with `negate`, it has fewer (for
    /// `at_least` = 1: none).
    HasRows {
        section: String,
        conditions: Vec<Filter>,
        at_least: i64,
        negate: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dimension {
    Field(Field),
    /// The year of a date column (its first four characters).
    YearOf(Field),
    /// The month of a date column (`YYYY-MM`, its first seven characters).
    MonthOf(Field),
    /// The band of a date column among these ISO dates, which fall: band k when the value is
    /// after the k-th and on or before those ahead of it, the last band on or before all of
    /// them (ages or years of service in bands: `hoso_domain::age::YearBands`). Empty: none.
    Bands(Field, Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measure {
    Count,
    Sum(Field),
    /// How many of the rows meet every one of these conditions (a cell of a statutory form:
    /// one query counts all its columns at once).
    CountWhere(Vec<Filter>),
}

/// What to read. Without dimensions it lists rows (`columns`); with them it groups and measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportQuery {
    pub source: Source,
    pub scope: Scope,
    pub filters: Vec<Filter>,
    pub columns: Vec<Field>,
    pub dimensions: Vec<Dimension>,
    pub measures: Vec<Measure>,
    /// As of this day (ISO date): each person as their record stood then (`person_states`);
    /// history rows in force then (begun by then, not ended before).
    pub as_of: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// A value of a report cell.
pub type Value = Option<ProjectedValue>;

/// The rows of a report, in the order of its columns (dimensions then measures, when grouped),
/// and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRows {
    pub rows: Vec<Vec<Value>>,
    pub total: i64,
}

const PERSON_FIELDS: [(&str, bool); 4] = [
    ("id", true),
    ("full_name", false),
    ("status", false),
    ("unit_id", true),
];

/// The SQL expression of a field and whether it holds numbers.
fn expr(
    layout: &ProjectionLayout,
    source: &Source,
    field: &Field,
) -> StoreResult<(SimpleExpr, bool)> {
    expr_at(layout, source, field, "h")
}

/// [`expr`] with the history rows under the alias `h` (the report's own rows, or those of a
/// "has rows" subquery, which has its own alias so that the two can meet).
fn expr_at(
    layout: &ProjectionLayout,
    source: &Source,
    field: &Field,
    h: &str,
) -> StoreResult<(SimpleExpr, bool)> {
    match (field, source) {
        (Field::Person(name), _) => {
            let (name, numeric) = PERSON_FIELDS
                .iter()
                .find(|(n, _)| n == name)
                .ok_or_else(|| StoreError::Invalid(format!("report: no person field {name}")))?;
            Ok((col("p", name), *numeric))
        }
        (Field::Projected(name), Source::Persons) => {
            let c = find(&layout.persons, name)?;
            Ok((col("p", &c.name), c.numeric))
        }
        (Field::Projected(name), Source::History { .. }) => {
            let c = find(&layout.history, name)?;
            Ok((col(h, &c.name), c.numeric))
        }
        (Field::Period(name), Source::History { .. })
            if *name == "valid_from" || *name == "valid_to" =>
        {
            Ok((col(h, name), false))
        }
        (Field::Period(name), _) => Err(StoreError::Invalid(format!(
            "report: {name} only exists on history rows"
        ))),
    }
}

fn find<'c>(columns: &'c [LayoutColumn], name: &str) -> StoreResult<&'c LayoutColumn> {
    columns
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| StoreError::Invalid(format!("report: no projected column {name}")))
}

fn filter_cond(layout: &ProjectionLayout, source: &Source, f: &Filter) -> StoreResult<Cond> {
    filter_cond_at(layout, source, f, "h")
}

fn filter_cond_at(
    layout: &ProjectionLayout,
    source: &Source,
    f: &Filter,
    h: &str,
) -> StoreResult<Cond> {
    let value = |numeric: bool, v: &ProjectedValue| value_expr(numeric, Some(v));
    let expr = |layout: &ProjectionLayout, source: &Source, field: &Field| {
        expr_at(layout, source, field, h)
    };
    Ok(match f {
        Filter::Equals(field, v) => {
            let (e, numeric) = expr(layout, source, field)?;
            Cond::all().add(e.eq(value(numeric, v)))
        }
        Filter::In(field, vs) => {
            let (e, numeric) = expr(layout, source, field)?;
            if vs.is_empty() {
                Cond::all().add(Expr::cust("1 = 0"))
            } else {
                Cond::all().add(e.is_in(vs.iter().map(|v| value(numeric, v))))
            }
        }
        Filter::NotIn(field, vs) => {
            let (e, numeric) = expr(layout, source, field)?;
            let mut c = Cond::all().add(e.clone().is_not_null());
            if !vs.is_empty() {
                c = c.add(e.is_not_in(vs.iter().map(|v| value(numeric, v))));
            }
            c
        }
        Filter::Between(field, lo, hi) => {
            let (e, numeric) = expr(layout, source, field)?;
            let mut c = Cond::all();
            if let Some(lo) = lo {
                c = c.add(e.clone().gte(value(numeric, lo)));
            }
            if let Some(hi) = hi {
                c = c.add(e.lte(value(numeric, hi)));
            }
            c
        }
        Filter::IsEmpty(field) => Cond::all().add(expr(layout, source, field)?.0.is_null()),
        Filter::NotEmpty(field) => Cond::all().add(expr(layout, source, field)?.0.is_not_null()),
        Filter::UnitSubtree(path) => subtree_cond(path),
        Filter::NameContains(folded) => name_contains_cond(folded),
        Filter::Any(alternatives) => {
            let mut any = Cond::any();
            for a in alternatives {
                any = any.add(filter_cond_at(layout, source, a, h)?);
            }
            if alternatives.is_empty() {
                any = any.add(Expr::cust("1 = 0"));
            }
            any
        }
        Filter::HasRows {
            section,
            conditions,
            at_least,
            negate,
        } => {
            // Correlated on the person: the same subquery whatever the report's own source.
            let rows = Source::History {
                section: section.clone(),
            };
            let mut sub = Query::select();
            sub.from_as(ident("record_history"), ident("hx"))
                .and_where(col("hx", "person_id").equals((ident("p"), ident("id"))))
                .and_where(col("hx", "section").eq(section.as_str()));
            for c in conditions {
                if matches!(c, Filter::HasRows { .. } | Filter::UnitSubtree(_)) {
                    return Err(StoreError::Invalid(
                        "report: a row condition is on the row's own columns".into(),
                    ));
                }
                sub.cond_where(filter_cond_at(layout, &rows, c, "hx")?);
            }
            let e = if *at_least <= 1 {
                sub.expr(Expr::cust("1"));
                if *negate {
                    Expr::not_exists(sub)
                } else {
                    Expr::exists(sub)
                }
            } else {
                sub.expr(Expr::cust("COUNT(*)"));
                let n = Expr::SubQuery(None, Box::new(sub.into()));
                if *negate {
                    n.lt(*at_least)
                } else {
                    n.gte(*at_least)
                }
            };
            Cond::all().add(e)
        }
    })
}

/// The folded name holds every word of `folded` (already folded with
/// `hoso_domain::search_key::fold`), in any order.
fn name_contains_cond(folded: &str) -> Cond {
    crate::persons::name_query_cond(folded).unwrap_or_else(Cond::all)
}

/// Which rows of people a report reads.
enum People<'a> {
    /// `persons`: the current state.
    Now,
    /// `person_states` in force on the day.
    On(&'a str),
    /// `person_states` in force on some day from the first to the last.
    Within(&'a str, &'a str),
}

fn base(layout: &ProjectionLayout, q: &ReportQuery) -> StoreResult<SelectStatement> {
    let people = q.as_of.as_deref().map_or(People::Now, People::On);
    base_of(layout, q, people)
}

fn base_of(
    layout: &ProjectionLayout,
    q: &ReportQuery,
    people: People<'_>,
) -> StoreResult<SelectStatement> {
    let mut s = Query::select();
    match &q.source {
        // As of a day: each person's state then, from the same columns (`person_states`).
        Source::Persons => match people {
            People::Now => {
                s.from_as(ident("persons"), ident("p"));
            }
            People::On(day) => {
                s.from_as(ident("person_states"), ident("p"))
                    .cond_where(crate::states::in_force_on("p", day));
            }
            People::Within(first, last) => {
                s.from_as(ident("person_states"), ident("p"))
                    .and_where(col("p", "valid_from").lte(last))
                    .cond_where(
                        Cond::any()
                            .add(col("p", "valid_to").is_null())
                            .add(col("p", "valid_to").gt(first)),
                    );
            }
        },
        Source::History { section } => {
            s.from_as(ident("record_history"), ident("h"))
                .join_as(
                    JoinType::InnerJoin,
                    ident("persons"),
                    ident("p"),
                    col("p", "id").equals((ident("h"), ident("person_id"))),
                )
                .and_where(col("h", "section").eq(section.as_str()));
            if let Some(day) = &q.as_of {
                s.cond_where(
                    Cond::all()
                        .add(col("h", "valid_from").lte(day.as_str()))
                        .add(
                            Cond::any()
                                .add(col("h", "valid_to").is_null())
                                .add(col("h", "valid_to").gte(day.as_str())),
                        ),
                );
            }
        }
    }
    // Only when a unit's place in the tree is asked: for everyone, the join costs a lookup per
    // person and keeps SQLite from counting straight from an index (52 ms instead of 5 ms for
    // the headcount of 100,000 people, `BENCHMARKS.md`).
    if needs_units(q) {
        s.join_as(
            JoinType::InnerJoin,
            ident("org_units"),
            ident("u"),
            person_unit(),
        );
    }
    if let Some(cond) = scope_cond(&q.scope) {
        s.cond_where(cond);
    }
    for f in &q.filters {
        s.cond_where(filter_cond(layout, &q.source, f)?);
    }
    Ok(s)
}

/// Whether the report reads `org_units u`: a scope or a filter by subtree (every person has a
/// unit, so the join removes no one).
fn needs_units(q: &ReportQuery) -> bool {
    fn by_subtree(f: &Filter) -> bool {
        match f {
            Filter::UnitSubtree(_) => true,
            Filter::Any(alternatives) => alternatives.iter().any(by_subtree),
            Filter::HasRows { conditions, .. } => conditions.iter().any(by_subtree),
            _ => false,
        }
    }
    scope_needs_units(&q.scope)
        || q.filters.iter().any(by_subtree)
        || q.measures.iter().any(|m| match m {
            Measure::CountWhere(conditions) => conditions.iter().any(by_subtree),
            _ => false,
        })
}

fn dimension_expr(
    layout: &ProjectionLayout,
    source: &Source,
    d: &Dimension,
) -> StoreResult<(SimpleExpr, bool)> {
    match d {
        Dimension::Field(f) => expr(layout, source, f),
        Dimension::YearOf(f) | Dimension::MonthOf(f) => {
            let (e, numeric) = expr(layout, source, f)?;
            if numeric {
                return Err(StoreError::Invalid(
                    "report: year or month of a number".into(),
                ));
            }
            let length = if matches!(d, Dimension::YearOf(_)) {
                "4"
            } else {
                "7"
            };
            // Literal arguments, not bound values: PostgreSQL groups by the same text it selects.
            let part = Func::cust(ident("substr"))
                .arg(e)
                .arg(Expr::cust("1"))
                .arg(Expr::cust(length));
            Ok((part.into(), false))
        }
        Dimension::Bands(f, dates) => {
            let (e, numeric) = expr(layout, source, f)?;
            let iso = |d: &String| {
                d.len() == 10
                    && d.char_indices().all(|(i, c)| {
                        if i == 4 || i == 7 {
                            c == '-'
                        } else {
                            c.is_ascii_digit()
                        }
                    })
            };
            if numeric || !dates.iter().all(iso) || !dates.windows(2).all(|w| w[0] > w[1]) {
                return Err(StoreError::Invalid(
                    "report: bands need a date column and falling ISO dates".into(),
                ));
            }
            // Literal dates (checked above), not bound values: PostgreSQL groups by the same
            // text it selects.
            let mut case = Expr::case(e.clone().is_null(), Expr::cust("NULL"));
            for (k, d) in dates.iter().enumerate() {
                case = case.case(
                    e.clone().gt(Expr::cust(format!("'{d}'"))),
                    Expr::cust(k.to_string()),
                );
            }
            let case: SimpleExpr = case.finally(Expr::cust(dates.len().to_string())).into();
            Ok((Func::cast_as(case, ident("BIGINT")).into(), true))
        }
    }
}

/// How many people of the query's scope meet its filters on each of `days` (ISO, ascending),
/// each as their record stood that day: one pass over the states in force on any of them (a
/// trend, where a report per day would read them all once a day). The query's own `as_of`,
/// columns, dimensions and measures are not read.
pub async fn counts_on_days(
    conn: &mut AnyConnection,
    layout: &ProjectionLayout,
    q: &ReportQuery,
    days: &[String],
) -> StoreResult<Vec<i64>> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(Vec::new());
    };
    if q.source != Source::Persons {
        return Err(StoreError::Invalid(
            "report: counts on days are of people".into(),
        ));
    }
    let mut s = base_of(layout, q, People::Within(first, last))?;
    for (i, day) in days.iter().enumerate() {
        let on: SimpleExpr = Expr::case(crate::states::in_force_on("p", day), 1i64)
            .finally(0i64)
            .into();
        s.expr_as(
            Func::cast_as(Func::sum(on), ident("BIGINT")),
            ident(&format!("d{i}")),
        );
    }
    let row = query::replanned(conn, &s)?.fetch_one(&mut *conn).await?;
    (0..days.len())
        .map(|i| {
            Ok(row
                .try_get::<Option<i64>, _>(format!("d{i}").as_str())?
                .unwrap_or(0))
        })
        .collect()
}

/// Runs a report.
pub async fn run(
    conn: &mut AnyConnection,
    layout: &ProjectionLayout,
    q: &ReportQuery,
) -> StoreResult<ReportRows> {
    let limit = u64::try_from(q.limit).unwrap_or(0);
    let offset = u64::try_from(q.offset).unwrap_or(0);
    if q.dimensions.is_empty() && !q.measures.is_empty() {
        // Totals only: one row.
        let mut s = base(layout, q)?;
        let kinds = measures(layout, q, &mut s)?;
        let row = query::replanned(conn, &s)?.fetch_one(&mut *conn).await?;
        return Ok(ReportRows {
            rows: vec![read(&row, &kinds)?],
            total: 1,
        });
    }
    if q.dimensions.is_empty() {
        let mut s = base(layout, q)?;
        let mut kinds = Vec::new();
        let ids = [Field::Person("id")];
        let columns = if q.columns.is_empty() {
            &ids[..]
        } else {
            &q.columns[..]
        };
        for (i, f) in columns.iter().enumerate() {
            let (e, numeric) = expr(layout, &q.source, f)?;
            s.expr_as(e, ident(&format!("c{i}")));
            kinds.push(numeric);
        }
        let total = query::count_replanned(conn, base(layout, q)?).await?;
        s.order_by((ident("p"), ident("sort_key")), Order::Asc)
            .order_by((ident("p"), ident("id")), Order::Asc);
        if let Source::History { .. } = q.source {
            s.order_by((ident("h"), ident("row_no")), Order::Asc);
        }
        s.limit(limit).offset(offset);
        let rows = query::replanned(conn, &s)?.fetch_all(&mut *conn).await?;
        return Ok(ReportRows {
            rows: rows
                .iter()
                .map(|r| read(r, &kinds))
                .collect::<StoreResult<_>>()?,
            total,
        });
    }
    let mut s = base(layout, q)?;
    let mut kinds = Vec::new();
    for (i, d) in q.dimensions.iter().enumerate() {
        let (e, numeric) = dimension_expr(layout, &q.source, d)?;
        s.expr_as(e.clone(), ident(&format!("c{i}")));
        s.add_group_by([e.clone()]);
        s.order_by_expr(e, Order::Asc);
        kinds.push(numeric);
    }
    kinds.extend(measures(layout, q, &mut s)?);
    let rows = query::replanned(conn, &s)?.fetch_all(&mut *conn).await?;
    let total = rows.len() as i64;
    let rows: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| read(r, &kinds))
        .collect::<StoreResult<_>>()?;
    Ok(ReportRows {
        rows: rows
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect(),
        total,
    })
}

/// Adds the measures after the dimensions; returns their kinds (all numeric).
fn measures(
    layout: &ProjectionLayout,
    q: &ReportQuery,
    s: &mut SelectStatement,
) -> StoreResult<Vec<bool>> {
    let first = q.dimensions.len();
    let mut kinds = Vec::new();
    for (i, m) in q.measures.iter().enumerate() {
        let e = match m {
            Measure::Count => Expr::cust("CAST(COUNT(*) AS BIGINT)"),
            Measure::Sum(f) => {
                let (e, numeric) = expr(layout, &q.source, f)?;
                if !numeric {
                    return Err(StoreError::Invalid("report: sum of text".into()));
                }
                Func::cast_as(
                    Func::coalesce([Func::sum(e).into(), Expr::cust("0")]),
                    ident("BIGINT"),
                )
                .into()
            }
            Measure::CountWhere(conditions) => {
                let mut all = Cond::all();
                for c in conditions {
                    all = all.add(filter_cond(layout, &q.source, c)?);
                }
                // Literal 1 and 0, not bound values: PostgreSQL cannot type a bare parameter here.
                let case: SimpleExpr = Expr::case(all, Expr::cust("1"))
                    .finally(Expr::cust("0"))
                    .into();
                Func::cast_as(
                    Func::coalesce([Func::sum(case).into(), Expr::cust("0")]),
                    ident("BIGINT"),
                )
                .into()
            }
        };
        s.expr_as(e, ident(&format!("c{}", first + i)));
        kinds.push(true);
    }
    Ok(kinds)
}

fn read(row: &sqlx::any::AnyRow, kinds: &[bool]) -> StoreResult<Vec<Value>> {
    kinds
        .iter()
        .enumerate()
        .map(|(i, numeric)| {
            let name = format!("c{i}");
            Ok(if *numeric {
                row.try_get::<Option<i64>, _>(name.as_str())?
                    .map(ProjectedValue::Integer)
            } else {
                row.try_get::<Option<String>, _>(name.as_str())?
                    .map(ProjectedValue::Text)
            })
        })
        .collect()
}
