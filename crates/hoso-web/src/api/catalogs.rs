//! Catalogs (danh mục).

use crate::extract::Query;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hoso_app::App;
use hoso_app::catalogs::{CatalogItemInput, CatalogItemView, CatalogSummary};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// The catalogs and how many active items each has.
#[utoipa::path(get, path = "/api/v1/catalogs", tag = "catalogs",
    responses((status = 200, body = Vec<CatalogSummary>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
) -> Json<Vec<CatalogSummary>> {
    Json(app.list_catalogs(&actor))
}

/// The items of one catalog, active and retired.
#[utoipa::path(get, path = "/api/v1/catalogs/{name}", tag = "catalogs", params(("name" = String, Path)),
    responses((status = 200, body = Vec<CatalogItemView>), (status = 404, body = ErrorBody)))]
pub async fn items(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(name): Path<String>,
) -> ApiResult<Json<Vec<CatalogItemView>>> {
    Ok(Json(app.catalog_items(&actor, &name).await?))
}

/// Add or rename an item (system administrator).
#[utoipa::path(put, path = "/api/v1/catalogs/{name}/items", tag = "catalogs", params(("name" = String, Path)), request_body = CatalogItemInput,
    responses((status = 200, body = CatalogItemView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn put(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(name): Path<String>,
    ApiJson(input): ApiJson<CatalogItemInput>,
) -> ApiResult<Json<CatalogItemView>> {
    Ok(Json(
        app.put_catalog_item(&actor, &name, input, &client).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct KindQuery {
    /// Sub-list of the catalog, where it has several.
    pub kind: Option<String>,
}

/// Retire an item (system administrator): kept on existing records, refused for new values.
#[utoipa::path(delete, path = "/api/v1/catalogs/{name}/items/{code}", tag = "catalogs",
    params(("name" = String, Path), ("code" = String, Path), KindQuery),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn retire(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path((name, code)): Path<(String, String)>,
    Query(q): Query<KindQuery>,
) -> ApiResult<StatusCode> {
    app.retire_catalog_item(&actor, &name, q.kind.as_deref(), &code, &client)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
