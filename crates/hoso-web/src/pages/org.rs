//! The organisation tree, one level at a time (htmx loads the children of a unit when it is
//! opened), and the unit page with its staff.

use crate::extract::Query;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use hoso_app::App;
use hoso_app::export::UnitNode;
use hoso_app::records::PersonQuery;
use serde::Deserialize;

use super::staff::{Row, rows_for};
use super::{Layout, PageActor, PageResult, format, render};

pub struct NodeView {
    pub id: i64,
    pub name: String,
    pub kind_label: String,
    pub staff: String,
    pub has_children: bool,
    pub dissolved: bool,
}

fn nodes(units: Vec<UnitNode>) -> Vec<NodeView> {
    units
        .into_iter()
        .map(|u| NodeView {
            id: u.id,
            name: u.name,
            kind_label: u.kind_label,
            staff: format::thousands(u.staff),
            has_children: u.has_children,
            dissolved: u.dissolved,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "org_tree.html")]
struct TreePage {
    layout: Layout,
    /// A single top unit (the province, or a unit administrator's unit) is opened at once.
    root: Option<NodeView>,
    nodes: Vec<NodeView>,
    /// Merging and splitting units is the system administrator's page.
    may_reorganise: bool,
    /// The day the tree is shown as of (`dd/mm/yyyy`; empty: today), as typed.
    day: String,
    /// The same, ISO, for the links that open a unit's children.
    day_iso: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "org_nodes.html")]
struct NodesFragment {
    nodes: Vec<NodeView>,
    day_iso: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct TreeQuery {
    /// A past day to see the tree as it stood (`dd/mm/yyyy`).
    #[serde(default)]
    ngay: String,
}

/// The children of `parent` today, or as of `day`.
async fn children_of(
    app: &App,
    page: &PageActor,
    parent: Option<i64>,
    day: Option<time::Date>,
) -> Result<Vec<NodeView>, hoso_app::AppError> {
    Ok(nodes(match day {
        None => app.org_children(&page.actor, parent).await?,
        Some(day) => app.org_children_on(&page.actor, parent, day).await?,
    }))
}

pub async fn tree(
    State(app): State<App>,
    page: PageActor,
    Query(q): Query<TreeQuery>,
) -> PageResult {
    let typed = q.ngay.trim().to_string();
    let (day, error) = if typed.is_empty() {
        (None, None)
    } else {
        match app.report_day(&format::typed_day(&typed)) {
            Ok(d) => (Some(d), None),
            Err(e) => (None, Some(e.to_string())),
        }
    };
    let mut top = children_of(&app, &page, None, day).await?;
    let (root, nodes) = if top.len() == 1 && top[0].has_children {
        let root = top.remove(0);
        let children = children_of(&app, &page, Some(root.id), day).await?;
        (Some(root), children)
    } else {
        (None, top)
    };
    Ok(render(&TreePage {
        layout: page.layout("Cơ cấu tổ chức", "org"),
        root,
        nodes,
        may_reorganise: page.actor.is_system_admin(),
        day: if day.is_some() { typed } else { String::new() },
        day_iso: day.map(|d| d.to_string()).unwrap_or_default(),
        error,
    }))
}

#[derive(Debug, Deserialize)]
pub struct ChildrenQuery {
    parent: i64,
    /// ISO; the tree as of that day.
    #[serde(default)]
    ngay: Option<String>,
}

pub async fn children(
    State(app): State<App>,
    page: PageActor,
    Query(q): Query<ChildrenQuery>,
) -> PageResult {
    let day = match q.ngay.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(app.report_day(d)?),
        None => None,
    };
    Ok(render(&NodesFragment {
        nodes: children_of(&app, &page, Some(q.parent), day).await?,
        day_iso: day.map(|d| d.to_string()).unwrap_or_default(),
    }))
}

pub struct HistoryView {
    pub change: String,
    pub effective_on: String,
    pub name: String,
    pub decision_ref: String,
    /// The units a merge or split names: which this one became, or came from.
    pub related: Vec<RelatedUnit>,
}

pub struct RelatedUnit {
    pub id: i64,
    pub name: String,
}

#[derive(Template)]
#[template(path = "org_unit.html")]
struct UnitPage {
    layout: Layout,
    id: i64,
    name: String,
    code: String,
    kind_label: String,
    valid_from: String,
    dissolved_on: String,
    own_staff: String,
    subtree_staff: String,
    children: Vec<NodeView>,
    rows: Vec<Row>,
    total: i64,
    /// More than `total` (the count stops there).
    total_capped: bool,
    history: Vec<HistoryView>,
    /// The children are today's.
    day_iso: String,
}

fn change_label(c: &str) -> &str {
    match c {
        "created" => "Thành lập",
        "renamed" => "Đổi tên",
        "moved" => "Chuyển đơn vị cấp trên",
        "dissolved" => "Giải thể",
        "merged_into" => "Sáp nhập vào",
        "merged_from" => "Nhận sáp nhập từ",
        "split_into" => "Chia tách thành",
        "split_from" => "Thành lập do chia tách từ",
        other => other,
    }
}

pub async fn unit(
    State(app): State<App>,
    page: PageActor,
    Path(id): Path<i64>,
) -> Result<Response, super::PageError> {
    let detail = app.org_unit(&page.actor, id).await?;
    let children = app.org_children(&page.actor, Some(id)).await?;
    let list = app
        .list_persons(
            &page.actor,
            PersonQuery {
                unit: Some(id),
                per_page: Some(50),
                ..PersonQuery::default()
            },
        )
        .await?;
    let names = app
        .unit_names(&page.actor, list.items.iter().map(|i| i.unit_id).collect())
        .await?;
    let catalogs = app.catalogs();
    let rows = rows_for(&list.items, &names, &catalogs);
    let related_names = app
        .unit_names(
            &page.actor,
            detail
                .history
                .iter()
                .flat_map(|h| h.related_unit_ids.iter().copied())
                .collect(),
        )
        .await?;
    Ok(render(&UnitPage {
        layout: page.layout(detail.unit.name.clone(), "org"),
        id,
        name: detail.unit.name,
        code: detail.unit.code,
        kind_label: detail.unit.kind_label,
        valid_from: format::date(&detail.unit.valid_from),
        dissolved_on: detail
            .unit
            .dissolved_on
            .as_deref()
            .map(format::date)
            .unwrap_or_default(),
        own_staff: format::thousands(detail.unit.staff_count),
        subtree_staff: format::thousands(detail.subtree_staff_count),
        children: nodes(children),
        rows,
        total: list.total,
        total_capped: list.total_capped,
        history: detail
            .history
            .into_iter()
            .map(|h| HistoryView {
                change: change_label(&h.change).to_string(),
                effective_on: format::date(&h.effective_on),
                name: h.name,
                decision_ref: h.decision_ref.unwrap_or_default(),
                // Units outside the caller's sight are not named.
                related: h
                    .related_unit_ids
                    .iter()
                    .filter_map(|id| {
                        related_names.get(id).map(|name| RelatedUnit {
                            id: *id,
                            name: name.clone(),
                        })
                    })
                    .collect(),
            })
            .collect(),
        day_iso: String::new(),
    }))
}
