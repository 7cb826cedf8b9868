//! Saved searches and reports: the list of one's own and those shared with one's units, the
//! form that saves the page one came from (personal or shared with a unit), and deletion.

use crate::extract::Query;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use hoso_app::App;
use hoso_app::saved_searches::{NewSavedSearch, SavedSearchView, link_ok};
use serde::Deserialize;

use super::{Flash, Layout, PageActor, PageResult, flash_query, format, render};
use crate::extract::Client;

pub const PATH: &str = "/tim-kiem-da-luu";
pub const DELETE_PATH: &str = "/tim-kiem-da-luu/{id}/xoa";

/// Where the page at `link` is saved by name.
pub fn save_link(link: &str) -> String {
    format!("{PATH}?luu={}", format::url_encode(link))
}

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    luu: Option<String>,
    #[serde(flatten)]
    flash: Flash,
}

pub struct UnitChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Template)]
#[template(path = "saved_searches.html")]
struct ListPage {
    layout: Layout,
    saving: Option<String>,
    units: Vec<UnitChoice>,
    saved: Vec<SavedSearchView>,
    error: Option<String>,
    done: Option<String>,
}

pub async fn list(State(app): State<App>, page: PageActor, Query(p): Query<Params>) -> PageResult {
    let saved = app.saved_searches(&page.actor).await?;
    let units = app
        .units_to_share_with(&page.actor)
        .await?
        .into_iter()
        .map(|(id, name)| UnitChoice { id, name })
        .collect();
    // Only an address of this site's lists is offered to save (and shown as a link).
    let asked = p.luu.as_deref().map(str::trim).filter(|l| !l.is_empty());
    let saving = asked.filter(|l| link_ok(l)).map(str::to_string);
    let refused = (asked.is_some() && saving.is_none()).then(|| {
        "Không lưu được địa chỉ này: chỉ lưu được danh sách cán bộ, báo cáo, mẫu báo cáo, cảnh báo hoặc chất lượng dữ liệu của trang này.".to_string()
    });
    Ok(render(&ListPage {
        layout: page.layout("Tìm kiếm, báo cáo đã lưu", "saved"),
        saving,
        units,
        saved,
        error: p.flash.message(&page, "loi").or(refused),
        done: p.flash.message(&page, "xong"),
    }))
}

#[derive(Debug, Deserialize)]
pub struct SaveForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    link: String,
    /// A unit's id, or empty for a personal search.
    #[serde(default)]
    share: String,
}

/// Saves the search; back to the list with what was done, or to the form with why not.
pub async fn save(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<SaveForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let shared_unit_id =
        match f.share.trim() {
            "" => None,
            id => Some(id.parse::<i64>().map_err(|_| {
                hoso_app::AppError::BadRequest(format!("Đơn vị '{id}' không hợp lệ."))
            })?),
        };
    let new = NewSavedSearch {
        name: f.name,
        link: f.link.clone(),
        shared_unit_id,
    };
    match app.save_search(&page.actor, &new, &client).await {
        Ok(saved) => {
            let done = match &saved.shared_unit_name {
                Some(unit) => format!("Đã lưu «{}» và chia sẻ với {unit}.", saved.name),
                None => format!("Đã lưu «{}».", saved.name),
            };
            Ok(
                Redirect::to(&format!("{PATH}?{}", flash_query(&page, "xong", &done)))
                    .into_response(),
            )
        }
        Err(e @ (hoso_app::AppError::BadRequest(_) | hoso_app::AppError::Conflict(_))) => {
            Ok(Redirect::to(&format!(
                "{PATH}?luu={}&{}",
                format::url_encode(&f.link),
                flash_query(&page, "loi", &e.to_string())
            ))
            .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

pub async fn delete(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<DeleteForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let result = app
        .delete_saved_search(&page.actor, id, &client)
        .await
        .map(|()| "Đã xóa tìm kiếm đã lưu.".to_string());
    super::back_with_message(&page, PATH, result)
}
