//! Catalog administration (danh mục), for the system administrator: the catalogs, the items of
//! one (search, paging), adding or renaming an item against a decision, retiring one. The edit
//! use cases refuse anyone else; these pages are not offered to them.

use crate::extract::Query;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use hoso_app::catalogs::{CatalogItemInput, CatalogSummary};
use hoso_app::{App, AppError, Capability};
use hoso_domain::search_key::fold;
use serde::Deserialize;

use super::{Layout, PageActor, PageError, PageResult, format, render, render_status};
use crate::extract::Client;

const PER_PAGE: usize = 100;
const BASE: &str = "/quan-tri/danh-muc";

fn system_admin_only(page: &PageActor) -> Result<(), PageError> {
    if page
        .actor
        .capabilities()
        .may_somewhere(Capability::ManageProvince)
    {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

#[derive(Template)]
#[template(path = "catalogs.html")]
struct ListPage {
    layout: Layout,
    catalogs: Vec<CatalogSummary>,
}

pub async fn list(State(app): State<App>, page: PageActor) -> PageResult {
    system_admin_only(&page)?;
    Ok(render(&ListPage {
        layout: page.layout("Danh mục dùng chung", "catalogs"),
        catalogs: app.list_catalogs(&page.actor),
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct ItemsQuery {
    #[serde(default)]
    q: String,
    page: Option<usize>,
    /// Prefills the form to rename this item (`kind/code`).
    #[serde(default)]
    sua: String,
    #[serde(default)]
    ok: String,
}

pub struct ItemRow {
    pub kind: String,
    pub code: String,
    pub name: String,
    pub active: bool,
    pub edit: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ItemForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    decision_ref: String,
}

#[derive(Template)]
#[template(path = "catalog_items.html")]
struct ItemsPage {
    layout: Layout,
    name: String,
    label: String,
    q: String,
    rows: Vec<ItemRow>,
    total: String,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    f: ItemForm,
    editing: bool,
    kinds: Vec<String>,
    notice: Option<String>,
    error: Option<(&'static str, String)>,
}

impl ItemsPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn items_url(name: &str, q: &str, page: usize) -> String {
    let mut url = format!("{BASE}/{name}?page={page}");
    if !q.is_empty() {
        url.push_str(&format!("&q={}", format::url_encode(q)));
    }
    url
}

async fn items_page(
    app: &App,
    page: &PageActor,
    name: &str,
    q: &str,
    current: usize,
    f: ItemForm,
    editing: bool,
) -> Result<ItemsPage, PageError> {
    let label = app
        .list_catalogs(&page.actor)
        .into_iter()
        .find(|c| c.name == name)
        .map(|c| c.label)
        .ok_or(AppError::NotFound("Không tìm thấy danh mục."))?;
    let items = app.catalog_items(&page.actor, name).await?;
    let mut kinds: Vec<String> = items.iter().filter_map(|i| i.kind.clone()).collect();
    kinds.sort();
    kinds.dedup();
    let needle = fold(q);
    let matching: Vec<_> = items
        .into_iter()
        .filter(|i| {
            needle.is_empty() || fold(&i.name).contains(&needle) || fold(&i.code).contains(&needle)
        })
        .collect();
    let total = matching.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let current = current.clamp(1, pages);
    let rows = matching
        .into_iter()
        .skip((current - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|i| {
            let kind = i.kind.unwrap_or_default();
            ItemRow {
                edit: format!(
                    "{BASE}/{name}?sua={}#sua-muc",
                    format::url_encode(&format!("{kind}/{}", i.code))
                ),
                kind,
                code: i.code,
                name: i.name,
                active: i.active,
            }
        })
        .collect();
    Ok(ItemsPage {
        layout: page.layout(format!("Danh mục: {label}"), "catalogs"),
        name: name.to_string(),
        label,
        q: q.to_string(),
        rows,
        total: format::thousands(total as i64),
        page: current,
        pages,
        prev: (current > 1).then(|| items_url(name, q, current - 1)),
        next: (current < pages).then(|| items_url(name, q, current + 1)),
        f,
        editing,
        kinds,
        notice: None,
        error: None,
    })
}

pub async fn items(
    State(app): State<App>,
    page: PageActor,
    Path(name): Path<String>,
    Query(iq): Query<ItemsQuery>,
) -> PageResult {
    system_admin_only(&page)?;
    let q: String = iq.q.trim().chars().take(100).collect();
    let mut f = ItemForm::default();
    let mut editing = false;
    if let Some((kind, code)) = iq.sua.split_once('/') {
        let found = app
            .catalog_items(&page.actor, &name)
            .await?
            .into_iter()
            .find(|i| i.code == code && i.kind.as_deref().unwrap_or("") == kind);
        if let Some(item) = found {
            f.kind = kind.to_string();
            f.code = item.code;
            f.name = item.name;
            editing = true;
        }
    }
    let mut view = items_page(&app, &page, &name, &q, iq.page.unwrap_or(1), f, editing).await?;
    view.notice = match iq.ok.as_str() {
        "luu" => Some("Đã lưu mục danh mục.".into()),
        "ngung" => Some(
            "Đã ngừng dùng mục danh mục: hồ sơ cũ giữ nguyên, giá trị mới không chọn được mục này."
                .into(),
        ),
        _ => None,
    };
    Ok(render(&view))
}

fn field_of(message: &str) -> &'static str {
    if message.contains("Mã danh mục") {
        "code"
    } else if message.contains("Tên mục") {
        "name"
    } else if message.contains("văn bản") {
        "decision_ref"
    } else {
        "form"
    }
}

pub async fn put_item(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(name): Path<String>,
    Form(f): Form<ItemForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let input = CatalogItemInput {
        kind: Some(f.kind.clone()),
        code: f.code.clone(),
        name: f.name.clone(),
        decision_ref: f.decision_ref.clone(),
    };
    match app
        .put_catalog_item(&page.actor, &name, input, &client)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{BASE}/{name}?ok=luu")).into_response()),
        Err(e @ AppError::BadRequest(_)) => {
            let message = e.to_string();
            let mut view = items_page(&app, &page, &name, "", 1, f, false).await?;
            view.error = Some((field_of(&message), message));
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &view))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct RetireForm {
    #[serde(default, rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    code: String,
}

pub async fn retire(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(name): Path<String>,
    Form(f): Form<RetireForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let kind = (!f.kind.is_empty()).then_some(f.kind.as_str());
    app.retire_catalog_item(&page.actor, &name, kind, &f.code, &client)
        .await?;
    Ok(Redirect::to(&format!("{BASE}/{name}?ok=ngung")).into_response())
}
