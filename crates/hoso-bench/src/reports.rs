//! Reports and statutory forms (issue 12): the headcount by ngạch of everyone and of the largest
//! top-level subtree, a three-criterion search with a history condition, and the forms BM01
//! (công chức and viên chức) of the province and of that subtree. Each runs through the HTTP
//! API with one worker (one person's wait), then as the same SQL typed directly on the
//! database: literal values, on one connection of the store's own pool, as in psql or the
//! sqlite3 CLI, with its plan printed.
//! The answers of both are compared, so that the SQL is known to ask the same question.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hoso_app::App;
use hoso_app::report_forms::ReportForm;
use hoso_app::reports::FilterSpec;
use hoso_store::Backend;
use serde_json::{Value, json};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyConnection, Row};

use crate::{Conn, Load, PhaseResult, Res, run_load};

const FROM: &str = "FROM persons p INNER JOIN org_units u ON u.id = p.unit_id";
/// Without a unit to keep within, the query layer leaves the units out.
const FROM_EVERYONE: &str = "FROM persons p";
/// The statutory forms measured: BM01 of công chức and of viên chức.
const FORMS: [&str; 2] = ["bm01-cong-chuc", "bm01-vien-chuc"];

fn sql(text: &str) -> sqlx::query::Query<'static, Any, AnyArguments> {
    sqlx::query(sqlx::AssertSqlSafe(text.to_string()))
}

/// A value as an SQL literal.
fn lit(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{}'", s.replace('\'', "''")),
        Value::Null => "NULL".into(),
        other => other.to_string(),
    }
}

fn in_list(column: &str, values: &[Value], not: &str) -> String {
    if values.is_empty() {
        return if not.is_empty() { "1 = 1" } else { "1 = 0" }.into();
    }
    let list: Vec<String> = values.iter().map(lit).collect();
    format!("{column} {not}IN ({})", list.join(", "))
}

/// `u.path` within the subtree of `path`, as the store bounds it.
fn subtree(path: &str) -> String {
    let (lo, hi) = hoso_store::org::subtree_range(path);
    format!(
        "u.path >= {} AND u.path < {}",
        lit(&json!(lo)),
        lit(&json!(hi))
    )
}

/// Conditions that must all hold, each in parentheses.
fn all_of(app: &App, conditions: &[FilterSpec]) -> Res<String> {
    let all: Vec<String> = conditions
        .iter()
        .map(|f| condition(app, f).map(|c| format!("({c})")))
        .collect::<Res<_>>()?;
    Ok(if all.is_empty() {
        "1 = 1".into()
    } else {
        all.join(" AND ")
    })
}

/// A form's condition as SQL over `persons p`: the operators the shipped BM01 forms use.
fn condition(app: &App, f: &FilterSpec) -> Res<String> {
    let c = format!("p.{}", f.column);
    let value = f.value.clone().unwrap_or_default();
    Ok(match f.op.as_str() {
        "eq" => format!("{c} = {}", lit(&value)),
        "in" => in_list(&c, &f.values, ""),
        "not_in" => format!("{c} IS NOT NULL AND {}", in_list(&c, &f.values, "NOT ")),
        "empty" => format!("{c} IS NULL"),
        "not_empty" => format!("{c} IS NOT NULL"),
        "in_group" | "not_in_group" => {
            // The ngạch and chức danh whose catalog attribute is one of the values (the only
            // catalog column a form groups).
            let catalogs = app.catalogs();
            let attribute = f.attribute.as_deref().unwrap_or_default();
            let codes: Vec<Value> = ["ngach_cong_chuc", "chuc_danh_nghe_nghiep"]
                .iter()
                .flat_map(|name| catalogs.items(name))
                .filter(|i| {
                    i.attrs.get(attribute).is_some_and(|a| {
                        let a = a.trim_end_matches('?');
                        f.values.iter().any(|v| v.as_str() == Some(a))
                    })
                })
                .map(|i| json!(i.code))
                .collect();
            if f.op == "in_group" {
                in_list(&c, &codes, "")
            } else {
                format!("{c} IS NOT NULL AND {}", in_list(&c, &codes, "NOT "))
            }
        }
        "any" => {
            let alternatives: Vec<String> = f
                .conditions
                .iter()
                .map(|a| condition(app, a).map(|c| format!("({c})")))
                .collect::<Res<_>>()?;
            alternatives.join(" OR ")
        }
        "age_between" => {
            let age = |v: &Option<Value>| v.as_ref().and_then(Value::as_u64).map(|n| n as u16);
            let (earliest, latest) =
                hoso_domain::age::birth_dates_for_ages(app.today(), age(&f.from), age(&f.to));
            let mut parts = Vec::new();
            if let Some(d) = earliest {
                parts.push(format!("{c} >= '{d}'"));
            }
            if let Some(d) = latest {
                parts.push(format!("{c} <= '{d}'"));
            }
            parts.join(" AND ")
        }
        other => return Err(format!("no SQL written here for '{other}'").into()),
    })
}

/// A form's one grouped query: its population, a count per column, by unit; within the subtree
/// of `path`, or of everyone (the only root, asked by one who sees everything).
fn form_sql(app: &App, form: &ReportForm, path: Option<&str>) -> Res<String> {
    let mut select = "SELECT p.unit_id".to_string();
    for column in form.groups.iter().flat_map(|g| &g.columns) {
        let when = all_of(app, &column.conditions)?;
        let _ = write!(
            select,
            ", CAST(COALESCE(SUM(CASE WHEN {when} THEN 1 ELSE 0 END), 0) AS BIGINT)"
        );
    }
    let population = all_of(app, &form.population)?;
    Ok(match path {
        Some(path) => format!(
            "{select} {FROM} WHERE {population} AND {} GROUP BY p.unit_id ORDER BY p.unit_id",
            subtree(path)
        ),
        None => format!(
            "{select} {FROM_EVERYONE} WHERE {population} GROUP BY p.unit_id ORDER BY p.unit_id"
        ),
    })
}

/// Runs the statements one after the other, `n` times; the last run's rows.
async fn time_sql(
    db: &mut AnyConnection,
    name: &str,
    statements: &[String],
    n: usize,
    limit: Duration,
) -> Res<(PhaseResult, Vec<Vec<AnyRow>>)> {
    let mut latencies = Vec::new();
    let mut rows = Vec::new();
    let started = Instant::now();
    while latencies.len() < n && started.elapsed() < limit {
        let t = Instant::now();
        rows.clear();
        for s in statements {
            rows.push(sql(s).fetch_all(&mut *db).await?);
        }
        latencies.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let elapsed = started.elapsed();
    latencies.sort_by(f64::total_cmp);
    let result = PhaseResult {
        name: format!("{name}, SQL on the database"),
        done: latencies.len(),
        elapsed,
        latencies,
        non_ok: 0,
        errors: 0,
        samples: Vec::new(),
    };
    result.print();
    Ok((result, rows))
}

async fn explain(db: &mut AnyConnection, sqlite: bool, statement: &str) -> Res<()> {
    let (prefix, column) = if sqlite {
        ("EXPLAIN QUERY PLAN", 3)
    } else {
        ("EXPLAIN (ANALYZE, BUFFERS)", 0)
    };
    let shown: String = statement.chars().take(240).collect();
    let more = if shown.len() < statement.len() {
        " …"
    } else {
        ""
    };
    println!("    {shown}{more}");
    for row in sql(&format!("{prefix} {statement}"))
        .fetch_all(&mut *db)
        .await?
    {
        println!("      {}", row.try_get::<String, _>(column)?);
    }
    Ok(())
}

fn int(row: &AnyRow, i: usize) -> Res<i64> {
    Ok(row.try_get::<Option<i64>, _>(i)?.unwrap_or(0))
}

/// One report through the API, beside its SQL.
struct Compared {
    api: PhaseResult,
    sql: PhaseResult,
    check: String,
}

struct Bench<'a> {
    app: &'a App,
    addr: SocketAddr,
    admin: &'a str,
    requests: usize,
    limit: Duration,
    sqlite: bool,
}

impl Bench<'_> {
    /// The API's answer, then its timing with one worker, then the SQL's.
    async fn compare(
        &self,
        conn: &mut Conn,
        name: &str,
        (method, path, body): (&'static str, String, Option<Value>),
        statements: &[String],
    ) -> Res<(Value, Vec<Vec<AnyRow>>, PhaseResult, PhaseResult)> {
        let body: Option<Arc<str>> = body.map(|b| b.to_string().into());
        let reply = conn
            .request(
                method,
                &path,
                Some(self.admin),
                body.as_deref().map(str::as_bytes),
            )
            .await?;
        if reply.status != 200 {
            let text = String::from_utf8_lossy(&reply.body);
            return Err(format!("{name}: HTTP {} {text}", reply.status).into());
        }
        let answer = reply.json()?;
        let load = Load {
            requests: self.requests,
            method,
            body,
            path: Arc::new(move |_| path.clone()),
        };
        let api = run_load(name, self.addr, self.admin, load, 1, self.limit).await;
        let mut db = self.app.store().reader().await?;
        let (sql, rows) = time_sql(&mut db, name, statements, self.requests, self.limit).await?;
        for s in statements {
            explain(&mut db, self.sqlite, s).await?;
        }
        Ok((answer, rows, api, sql))
    }
}

/// The phases (API and SQL, in order) and the markdown table setting them side by side.
pub async fn run(
    app: &App,
    addr: SocketAddr,
    conn: &mut Conn,
    admin: &str,
    (requests, concurrency, limit): (usize, usize, Duration),
) -> Res<(Vec<PhaseResult>, String)> {
    let sqlite = app.store().backend() == Backend::Sqlite;
    let bench = Bench {
        app,
        addr,
        admin,
        requests,
        limit,
        sqlite,
    };
    let mut db = app.store().reader().await?;
    // The top-level unit with the most people at work, counted over its subtree.
    let top = sql(
        "SELECT t.id, t.name, t.path, CAST(COUNT(*) AS BIGINT), \
         CAST(SUM(CASE WHEN p.status = 'working' THEN 1 ELSE 0 END) AS BIGINT) \
         FROM org_units t JOIN org_units u ON u.path >= t.path \
         AND u.path < substr(t.path, 1, length(t.path) - 1) || '0' \
         JOIN persons p ON p.unit_id = u.id \
         WHERE t.parent_id = (SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1) \
         GROUP BY t.id, t.name, t.path ORDER BY 5 DESC LIMIT 1",
    )
    .fetch_one(&mut *db)
    .await?;
    let (unit, unit_name, path) = (
        top.try_get::<i64, _>(0)?,
        top.try_get::<String, _>(1)?,
        top.try_get::<String, _>(2)?,
    );
    let (unit_people, unit_working) = (int(&top, 3)?, int(&top, 4)?);
    drop(db);
    println!(
        "reports (one worker each; the SQL on one pooled connection): largest top-level unit \
         {unit_name} (id {unit}): {unit_people} people, {unit_working} at work"
    );

    let mut out: Vec<Compared> = Vec::new();
    let working = json!({"column": "status", "op": "eq", "value": "working"});

    // 1–3. Headcount by ngạch of the people at work; the last as of a year ago, from each
    // person's state that day.
    let mut top_codes = Vec::new();
    let year_ago = (app.today() - time::Duration::days(365)).to_string();
    let in_force_a_year_ago = format!(
        " AND p.valid_from <= '{year_ago}' AND (p.valid_to IS NULL OR p.valid_to > '{year_ago}')"
    );
    for (name, scope, from, cond, day) in [
        (
            "headcount by ngạch, everyone",
            None,
            FROM_EVERYONE.to_string(),
            String::new(),
            None,
        ),
        (
            "headcount by ngạch, largest top-level subtree",
            Some(unit),
            FROM.to_string(),
            format!(" AND {}", subtree(&path)),
            None,
        ),
        (
            "headcount by ngạch, everyone, a year ago",
            None,
            "FROM person_states p".to_string(),
            in_force_a_year_ago,
            Some(year_ago.clone()),
        ),
    ] {
        let spec = json!({"filters": [working], "group_by": ["rank_or_title_code"],
            "measures": ["count"], "unit": scope, "per_page": 1000, "as_of": day});
        let statement = format!(
            "SELECT p.rank_or_title_code, CAST(COUNT(*) AS BIGINT) {from} \
             WHERE p.status = 'working'{cond} GROUP BY p.rank_or_title_code \
             ORDER BY p.rank_or_title_code"
        );
        let (answer, rows, api, sql) = bench
            .compare(
                conn,
                name,
                ("POST", "/api/v1/reports".into(), Some(spec)),
                &[statement],
            )
            .await?;
        let mut groups: Vec<(i64, Value)> = answer["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| (r[1]["value"].as_i64().unwrap_or(0), r[0]["value"].clone()))
            .collect();
        let api_sum: i64 = groups.iter().map(|g| g.0).sum();
        let sql_sum: i64 = rows[0].iter().map(|r| int(r, 1)).sum::<Res<i64>>()?;
        if top_codes.is_empty() {
            groups.sort_by_key(|g| std::cmp::Reverse(g.0));
            top_codes = groups
                .iter()
                .filter(|g| g.1.is_string())
                .take(3)
                .map(|g| g.1.clone())
                .collect();
        }
        out.push(Compared {
            api,
            sql,
            check: format!(
                "{api_sum} people in {} groups; SQL {sql_sum} in {}",
                groups.len(),
                rows[0].len()
            ),
        });
    }

    // 3. Women of the three commonest ngạch trained in state management since 2020: page 1
    // of 50, with the unit of each.
    let since = "2020-01-01";
    let codes: Vec<&str> = top_codes.iter().filter_map(Value::as_str).collect();
    let criteria = format!(
        "gender = nu, rank_or_title_code in ({}), has a management_trainings row \
         with valid_from >= {since}",
        codes.join(", ")
    );
    let spec = json!({"filters": [
        {"column": "gender", "op": "eq", "value": "nu"},
        {"column": "rank_or_title_code", "op": "in", "values": top_codes},
        {"op": "has", "section": "management_trainings",
         "where": [{"column": "valid_from", "op": "between", "from": since}]},
    ], "columns": ["full_name", "unit"], "per_page": 50});
    let filter = format!(
        "WHERE p.gender = 'nu' AND {} AND EXISTS (SELECT 1 FROM record_history hx \
         WHERE hx.person_id = p.id AND hx.section = 'management_trainings' \
         AND hx.valid_from >= '{since}')",
        in_list("p.rank_or_title_code", &top_codes, "")
    );
    let statements = [
        format!("SELECT CAST(COUNT(*) AS BIGINT) {FROM_EVERYONE} {filter}"),
        format!(
            "SELECT p.id, p.full_name, u.name {FROM} {filter} \
             ORDER BY p.sort_key, p.id LIMIT 50 OFFSET 0"
        ),
    ];
    let name = "search: 3 criteria with a history condition, page of 50";
    let (answer, rows, api, sql) = bench
        .compare(
            conn,
            name,
            ("POST", "/api/v1/reports".into(), Some(spec.clone())),
            &statements,
        )
        .await?;
    let sql_total = int(&rows[0][0], 0)?;
    println!(
        "  search criteria: {criteria}; {} matches, {} listed",
        answer["total"],
        answer["rows"].as_array().map_or(0, Vec::len)
    );
    out.push(Compared {
        api,
        sql,
        check: format!(
            "{} matches, {} listed; SQL {sql_total}, {}",
            answer["total"],
            answer["rows"].as_array().map_or(0, Vec::len),
            rows[1].len()
        ),
    });
    let body: Arc<str> = spec.to_string().into();
    let crowd = run_load(
        &format!("{name}, {concurrency} workers"),
        addr,
        admin,
        Load {
            requests,
            method: "POST",
            body: Some(body),
            path: Arc::new(|_| "/api/v1/reports".to_string()),
        },
        concurrency,
        limit,
    )
    .await;

    // 4. The forms BM01 of the province, then of the largest subtree.
    let forms = hoso_app::report_forms::shipped_forms();
    for (code, (whole, query, scope)) in FORMS.iter().flat_map(|code| {
        [
            (true, String::new(), None),
            (false, format!("?unit={unit}"), Some(path.as_str())),
        ]
        .map(|s| (*code, s))
    }) {
        let form = forms
            .iter()
            .find(|f| f.code == code)
            .ok_or(format!("form {code} not shipped"))?;
        let name = format!(
            "{} ({code}), {}",
            form.short,
            if whole {
                "whole province"
            } else {
                "largest top-level subtree"
            }
        );
        let statement = form_sql(app, form, scope)?;
        let (answer, rows, api, sql) = bench
            .compare(
                conn,
                &name,
                ("GET", format!("/api/v1/report-forms/{code}{query}"), None),
                &[statement],
            )
            .await?;
        let api_total: Vec<i64> = answer["total"]["counts"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| n.as_i64().unwrap_or(0))
            .collect();
        let mut sql_total = vec![0i64; api_total.len()];
        for row in &rows[0] {
            for (i, sum) in sql_total.iter_mut().enumerate() {
                *sum += int(row, i + 1)?;
            }
        }
        let same = if api_total == sql_total {
            "all columns equal".to_string()
        } else {
            format!("SQL {sql_total:?}")
        };
        out.push(Compared {
            api,
            sql,
            check: format!(
                "{} rows, {} people counted; {} units counted in SQL, {same}",
                answer["rows"].as_array().map_or(0, Vec::len),
                api_total.first().copied().unwrap_or(0),
                rows[0].len()
            ),
        });
    }

    let mut md = String::from(
        "\n| Report (one worker) | API p50 ms | API p95 ms | API p99 ms | API req/s | SQL p50 ms \
         | SQL p95 ms | API ÷ SQL (p50) | Answers |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for c in &out {
        let _ = writeln!(
            md,
            "| {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1}× | {} |",
            c.api.name,
            c.api.pct(50.0),
            c.api.pct(95.0),
            c.api.pct(99.0),
            c.api.rate(),
            c.sql.pct(50.0),
            c.sql.pct(95.0),
            c.api.pct(50.0) / c.sql.pct(50.0),
            c.check
        );
    }
    let _ = writeln!(
        md,
        "\nLargest top-level unit: {unit_name} (id {unit}), {unit_people} people, \
         {unit_working} at work. Search: {criteria}."
    );
    let mut phases = Vec::new();
    for c in out {
        phases.push(c.api);
        phases.push(c.sql);
    }
    phases.push(crowd);
    Ok((phases, md))
}
