//! Searches and reports saved by name, personal or shared with a unit.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hoso_app::App;
use hoso_app::saved_searches::{NewSavedSearch, SavedSearchView};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// The caller's saved searches and those shared with the units it sees, by name. Each is the
/// address of the page that runs it, within the reader's own rights.
#[utoipa::path(get, path = "/api/v1/saved-searches", tag = "reports",
    responses((status = 200, body = Vec<SavedSearchView>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Vec<SavedSearchView>>> {
    Ok(Json(app.saved_searches(&actor).await?))
}

/// Saves a search: the address of the staff list, the report builder, a statutory form, the
/// alerts or data quality, with a name unique among the caller's; shared with a unit the caller
/// sees, or personal. Audited.
#[utoipa::path(post, path = "/api/v1/saved-searches", tag = "reports", request_body = NewSavedSearch,
    responses((status = 201, body = SavedSearchView), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn save(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(new): ApiJson<NewSavedSearch>,
) -> ApiResult<(StatusCode, Json<SavedSearchView>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.save_search(&actor, &new, &client).await?),
    ))
}

/// Deletes one of the caller's saved searches (another's shared one: 403). Audited.
#[utoipa::path(delete, path = "/api/v1/saved-searches/{id}", tag = "reports",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    app.delete_saved_search(&actor, id, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
