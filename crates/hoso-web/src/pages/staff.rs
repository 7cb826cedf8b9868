//! The staff list: search as you type, filters, sort, paging, chosen columns, and the Excel
//! export of everything that matches.

use std::collections::HashMap;

use crate::extract::Query;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use hoso_app::App;
use hoso_app::export::EXPORT_CAP;
use hoso_app::org::OrgUnitView;
use hoso_app::records::{PersonQuery, PersonSummary};
use hoso_domain::catalog::Catalogs;
use hoso_domain::org::PersonStatus;
use hoso_domain::schema::{FieldRole, RecordSchema};
use hoso_export::{Cell, Column, Table};

use super::{Layout, PageActor, PageError, PageResult, format, is_htmx, render};
use crate::download;
use crate::extract::Client;

/// Columns a user may show: a record field known by its role, whose header the schema gives,
/// or (no role) the person's status, which is not a field of the record. The name is always
/// shown.
pub const COLUMNS: &[(&str, Option<FieldRole>)] = &[
    ("dob", Some(FieldRole::BirthDate)),
    ("gender", Some(FieldRole::Sex)),
    ("unit", Some(FieldRole::EmployingUnit)),
    ("category", Some(FieldRole::PersonnelCategory)),
    ("rank", Some(FieldRole::RankOrTitle)),
    ("step", Some(FieldRole::SalaryStep)),
    ("coef", Some(FieldRole::SalaryCoefficient)),
    ("position", Some(FieldRole::CurrentPosition)),
    ("status", None),
];
const STATUS_HEADER: &str = "Trạng thái";

/// The header of a column: the schema's label of its field.
fn header(schema: &RecordSchema, key: &str, role: Option<FieldRole>) -> String {
    match role {
        None => STATUS_HEADER.to_string(),
        Some(role) => schema
            .role_field(role)
            .map_or_else(|| key.to_string(), |(_, f)| f.column_label().to_string()),
    }
}

/// The shown columns with their headers, in the declared order.
fn shown_headers(schema: &RecordSchema, p: &Params) -> Vec<(&'static str, String)> {
    COLUMNS
        .iter()
        .filter(|(c, _)| p.shows(c))
        .map(|(k, role)| (*k, header(schema, k, *role)))
        .collect()
}

fn name_header(schema: &RecordSchema) -> String {
    header(schema, "Họ và tên", Some(FieldRole::DisplayName))
}
const DEFAULT_COLUMNS: &[&str] = &["dob", "gender", "unit", "rank", "position", "status"];

/// One person in a list, every column formatted for display.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub dob: String,
    pub gender: String,
    pub unit: String,
    pub category: String,
    pub rank: String,
    pub step: String,
    pub coef: String,
    pub position: String,
    pub status: String,
}

impl Row {
    pub fn cell(&self, col: &str) -> &str {
        match col {
            "dob" => &self.dob,
            "gender" => &self.gender,
            "unit" => &self.unit,
            "category" => &self.category,
            "rank" => &self.rank,
            "step" => &self.step,
            "coef" => &self.coef,
            "position" => &self.position,
            "status" => &self.status,
            _ => "",
        }
    }
}

pub fn rows_for(
    items: &[PersonSummary],
    names: &HashMap<i64, String>,
    catalogs: &Catalogs,
) -> Vec<Row> {
    items
        .iter()
        .map(|p| Row {
            id: p.id,
            name: p.full_name.clone(),
            dob: p
                .date_of_birth
                .as_deref()
                .map(format::date)
                .unwrap_or_default(),
            gender: p
                .gender
                .as_deref()
                .map(format::gender)
                .unwrap_or_default()
                .into(),
            unit: names
                .get(&p.unit_id)
                .map(|s| s.to_string())
                .unwrap_or_default(),
            category: p
                .personnel_category
                .as_deref()
                .map(format::category)
                .unwrap_or_default()
                .into(),
            rank: p
                .rank_or_title_code
                .as_deref()
                .map(|c| hoso_app::export::rank_name(catalogs, c).unwrap_or_else(|| c.to_string()))
                .unwrap_or_default(),
            step: p.salary_step.map(|s| s.to_string()).unwrap_or_default(),
            coef: p
                .salary_coefficient
                .map(format::decimal)
                .unwrap_or_default(),
            position: p
                .current_position
                .as_deref()
                .map(|c| catalogs.name("chuc_vu", c).unwrap_or(c).to_string())
                .unwrap_or_default(),
            status: format::status(&p.status),
        })
        .collect()
}

/// The list's parameters, as read from the query string (empty values are absent).
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub q: String,
    pub unit: Option<i64>,
    pub status: String,
    pub grade: String,
    pub category: String,
    pub gender: String,
    pub sort: String,
    pub page: i64,
    pub per_page: i64,
    /// The page follows (`sau`) or precedes (`truoc`) a row: keyset paging, however deep.
    pub after: String,
    pub before: String,
    pub cols: Vec<String>,
}

impl Params {
    pub fn parse(pairs: &[(String, String)]) -> Params {
        let mut p = Params {
            page: 1,
            per_page: 25,
            ..Params::default()
        };
        let mut cols_given = false;
        for (k, v) in pairs {
            let v = v.trim();
            match k.as_str() {
                "q" => p.q = v.chars().take(100).collect(),
                "unit" => p.unit = v.parse().ok(),
                "status" if PersonStatus::parse(v).is_some() => p.status = v.into(),
                "grade" => p.grade = v.chars().take(20).collect(),
                "category" if !format::category(v).is_empty() => p.category = v.into(),
                "gender" if v == "nam" || v == "nu" => p.gender = v.into(),
                "sort" if SORTS.iter().any(|(s, _)| *s == v) => p.sort = v.into(),
                "page" => p.page = v.parse().unwrap_or(1).max(1),
                "per_page" => p.per_page = v.parse().unwrap_or(25).clamp(10, 200),
                "sau" => p.after = v.chars().take(CURSOR_CHARS).collect(),
                "truoc" => p.before = v.chars().take(CURSOR_CHARS).collect(),
                "cot" => {
                    cols_given = true;
                    if COLUMNS.iter().any(|(c, _)| *c == v) && !p.cols.iter().any(|c| c == v) {
                        p.cols.push(v.into());
                    }
                }
                "cot_chon" => cols_given = true,
                _ => {}
            }
        }
        if !cols_given {
            p.cols = DEFAULT_COLUMNS.iter().map(|s| s.to_string()).collect();
        }
        // Keep the declared order.
        p.cols
            .sort_by_key(|c| COLUMNS.iter().position(|(k, _)| k == c));
        p
    }

    fn some(s: &str) -> Option<String> {
        (!s.is_empty()).then(|| s.to_string())
    }

    pub fn query(&self) -> PersonQuery {
        PersonQuery {
            q: Self::some(&self.q),
            unit: self.unit,
            status: Self::some(&self.status),
            grade: Self::some(&self.grade),
            category: Self::some(&self.category),
            gender: Self::some(&self.gender),
            sort: Self::some(&self.sort),
            page: Some(self.page),
            per_page: Some(self.per_page),
            after: Self::some(&self.after),
            before: Self::some(&self.before).filter(|_| self.after.is_empty()),
        }
    }

    /// The address of the page after this one, which begins after the cursor `next`.
    fn next_page(&self, next: &str) -> String {
        format!(
            "/can-bo?{}&sau={}",
            self.qs(self.page + 1),
            format::url_encode(next)
        )
    }

    /// The address of the page before this one, which ends before the cursor `prev` (the first
    /// page is the list's own address).
    fn prev_page(&self, prev: &str) -> String {
        if self.page <= 2 {
            format!("/can-bo?{}", self.qs(1))
        } else {
            format!(
                "/can-bo?{}&truoc={}",
                self.qs(self.page - 1),
                format::url_encode(prev)
            )
        }
    }

    /// The query string of this list, at another page.
    pub fn qs(&self, page: i64) -> String {
        let mut parts: Vec<String> = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("status", &self.status),
            ("grade", &self.grade),
            ("category", &self.category),
            ("gender", &self.gender),
            ("sort", &self.sort),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", format::url_encode(v)));
            }
        }
        if let Some(u) = self.unit {
            parts.push(format!("unit={u}"));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if self.per_page != 25 {
            parts.push(format!("per_page={}", self.per_page));
        }
        parts.push("cot_chon=1".into());
        for c in &self.cols {
            parts.push(format!("cot={c}"));
        }
        parts.join("&")
    }

    pub fn shows(&self, col: &str) -> bool {
        self.cols.iter().any(|c| c == col)
    }
}

/// A page cursor is a few dozen characters; anything longer is not one.
const CURSOR_CHARS: usize = 400;

pub const SORTS: &[(&str, &str)] = &[
    ("name", "Họ tên (A–Z)"),
    ("-name", "Họ tên (Z–A)"),
    ("date_of_birth", "Ngày sinh (già trước)"),
    ("-date_of_birth", "Ngày sinh (trẻ trước)"),
    ("rank", "Ngạch/chức danh"),
    ("-updated", "Mới cập nhật"),
];

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn opts<'a>(items: impl IntoIterator<Item = (&'a str, String)>, current: &str) -> Vec<Opt> {
    items
        .into_iter()
        .map(|(v, l)| Opt {
            selected: v == current,
            value: v.to_string(),
            label: l,
        })
        .collect()
}

pub struct ColumnChoice {
    pub key: &'static str,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "staff.html")]
struct ListPage {
    layout: Layout,
    p: Params,
    results: Results,
    units: Vec<Opt>,
    statuses: Vec<Opt>,
    genders: Vec<Opt>,
    categories: Vec<Opt>,
    ranks: Vec<Opt>,
    titles: Vec<Opt>,
    sorts: Vec<Opt>,
    columns: Vec<ColumnChoice>,
}

#[derive(Template)]
#[template(path = "staff_results.html")]
pub struct Results {
    pub rows: Vec<Row>,
    pub name_header: String,
    pub headers: Vec<(&'static str, String)>,
    pub total: String,
    pub total_n: i64,
    /// More than `total` match (the count stops there).
    pub capped: bool,
    pub page: i64,
    pub pages: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub export: String,
    /// Where this search is saved by name.
    pub save: String,
}

pub async fn list(
    State(app): State<App>,
    page: PageActor,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let p = Params::parse(&pairs);
    let list = app.list_persons(&page.actor, p.query()).await?;
    let names = app
        .unit_names(&page.actor, list.items.iter().map(|i| i.unit_id).collect())
        .await?;
    let catalogs = app.catalogs();
    let rows = rows_for(&list.items, &names, &catalogs);
    let mut pages = ((list.total + p.per_page - 1) / p.per_page).max(1);
    // Counted only so far: a full page may have another after it.
    if list.total_capped && list.items.len() as i64 == p.per_page {
        pages = pages.max(p.page + 1);
    }
    let schema = app.schemas().latest();
    let results = Results {
        rows,
        name_header: name_header(schema),
        headers: shown_headers(schema, &p),
        total: format::thousands(list.total),
        total_n: list.total,
        capped: list.total_capped,
        page: p.page,
        pages,
        // Each page opens where the one before ended (keyset paging): the thousandth page
        // costs what the first does.
        prev: list.prev.as_deref().map(|c| p.prev_page(c)),
        next: list.next.as_deref().map(|c| p.next_page(c)),
        export: format!("/can-bo/xuat-excel?{}", p.qs(1)),
        save: super::saved_searches::save_link(&format!("/can-bo?{}", p.qs(1))),
    };
    if is_htmx(&headers) {
        return Ok(render(&results));
    }
    let units: Vec<OrgUnitView> = app.org_units(&page.actor).await?;
    // Unit filter: the upper levels of the tree (and the chosen unit), under their parents,
    // each named with its parent.
    let min_depth = units.iter().map(|u| u.depth).min().unwrap_or(0);
    let names: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let unit_opts: Vec<Opt> = units
        .iter()
        .filter(|u| u.depth <= min_depth + 2 || Some(u.id) == p.unit)
        .map(|u| Opt {
            value: u.id.to_string(),
            label: format!(
                "{}{}",
                "\u{2003}".repeat((u.depth - min_depth) as usize),
                hoso_domain::org::unit_label(
                    &u.name,
                    u.parent_id.and_then(|id| names.get(&id).copied())
                )
            ),
            selected: Some(u.id) == p.unit,
        })
        .collect();
    let catalog_opts = |name: &str| -> Vec<Opt> {
        catalogs
            .items(name)
            .iter()
            .map(|i| Opt {
                selected: i.code == p.grade,
                value: i.code.clone(),
                label: format!("{} ({})", i.name, i.code),
            })
            .collect()
    };
    Ok(render(&ListPage {
        layout: page.layout("Danh sách cán bộ", "staff"),
        units: unit_opts,
        statuses: opts(
            PersonStatus::ALL
                .iter()
                .map(|s| (s.as_str(), s.label_vi().to_string())),
            &p.status,
        ),
        genders: opts([("nam", "Nam".into()), ("nu", "Nữ".into())], &p.gender),
        categories: opts(
            [
                "cadre",
                "civil_servant",
                "public_employee",
                "contract_worker",
            ]
            .into_iter()
            .map(|c| (c, format::category(c).to_string())),
            &p.category,
        ),
        ranks: catalog_opts("ngach_cong_chuc"),
        titles: catalog_opts("chuc_danh_nghe_nghiep"),
        sorts: opts(SORTS.iter().map(|(v, l)| (*v, l.to_string())), &p.sort),
        columns: COLUMNS
            .iter()
            .map(|(k, role)| ColumnChoice {
                key: k,
                label: header(schema, k, *role),
                checked: p.shows(k),
            })
            .collect(),
        results,
        p,
    }))
}

/// The current list (all pages, within the caller's scope, at most 50,000 rows) as `.xlsx`
/// or `.csv` (`format=csv`), with the chosen columns; dates and numbers stay typed.
pub async fn export(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let format = download::format_in(&pairs)?;
    let p = Params::parse(&pairs);
    let (items, truncated) = app.export_persons(&page.actor, p.query(), &client).await?;
    let names = app
        .unit_names(&page.actor, items.iter().map(|i| i.unit_id).collect())
        .await?;
    let catalogs = app.catalogs();
    let rows = rows_for(&items, &names, &catalogs);
    let schema = app.schemas().latest();
    let shown = shown_headers(schema, &p);
    let mut columns = vec![
        Column::new("STT", 6.0),
        Column::new(name_header(schema), 24.0),
    ];
    columns.extend(
        shown
            .iter()
            .map(|(_, label)| Column::new(label.as_str(), 20.0)),
    );
    let mut table = Table::new("Danh sách", columns);
    for (n, (row, person)) in rows.iter().zip(&items).enumerate() {
        let mut cells = vec![Cell::Integer(n as i64 + 1), Cell::text(row.name.as_str())];
        cells.extend(shown.iter().map(|(key, _)| match *key {
            "dob" => super::alerts::iso_date_cell(person.date_of_birth.as_deref().unwrap_or("")),
            "step" => person.salary_step.map_or(Cell::Empty, Cell::Integer),
            "coef" => person.salary_coefficient.map_or(Cell::Empty, Cell::Number),
            other => Cell::text(row.cell(other)),
        }));
        table.push(cells);
    }
    if truncated {
        table.notes.push(format!(
            "Danh sách dài hơn {} dòng: chỉ xuất {} dòng đầu. Hãy lọc thêm để xuất phần còn lại.",
            format::thousands(EXPORT_CAP as i64),
            format::thousands(EXPORT_CAP as i64)
        ));
    }
    Ok(download::file(table, format, "danh-sach-can-bo", truncated).await?)
}
