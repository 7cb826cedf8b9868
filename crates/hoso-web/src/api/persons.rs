//! Personnel records.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use hoso_app::records::{
    CreatePerson, PersonQuery, PersonSummary, PersonView, UpdateRecord, VersionSummary, VersionView,
};
use hoso_app::{App, Page};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// Records in the caller's scope, paged, with filters.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(PersonQuery),
    responses((status = 200, body = Page<PersonSummary>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    query: Result<Query<PersonQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Page<PersonSummary>>> {
    let Query(query) = query.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!(
                "Tham số tìm kiếm không hợp lệ: {}",
                e.body_text().rsplit(": ").next().unwrap_or_default()
            ),
        )
    })?;
    Ok(Json(app.list_persons(&actor, query).await?))
}

/// One record, with only the fields the caller's access level allows. 404 outside scope.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = i64, Path)),
    responses((status = 200, body = PersonView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.get_person(&actor, id, &client).await?))
}

/// Create a record (one per số định danh).
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", request_body = CreatePerson,
    responses((status = 201, body = PersonView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(input): ApiJson<CreatePerson>,
) -> ApiResult<(StatusCode, Json<PersonView>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_person(&actor, input, &client).await?),
    ))
}

/// Change a record: a new immutable version against `expected_version`.
#[utoipa::path(put, path = "/api/v1/persons/{id}/record", tag = "persons", params(("id" = i64, Path)), request_body = UpdateRecord,
    responses((status = 200, body = PersonView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<UpdateRecord>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.update_record(&actor, id, input, &client).await?))
}

/// The versions of a record, oldest first, each hashed and chained.
#[utoipa::path(get, path = "/api/v1/persons/{id}/versions", tag = "persons", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VersionSummary>), (status = 404, body = ErrorBody)))]
pub async fn versions(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<VersionSummary>>> {
    Ok(Json(app.versions(&actor, id).await?))
}

/// One version of a record, with only the fields the caller may see.
#[utoipa::path(get, path = "/api/v1/persons/{id}/versions/{version}", tag = "persons", params(("id" = i64, Path), ("version" = i64, Path)),
    responses((status = 200, body = VersionView), (status = 404, body = ErrorBody)))]
pub async fn version(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path((id, number)): Path<(i64, i64)>,
) -> ApiResult<Json<VersionView>> {
    Ok(Json(app.version(&actor, id, number, &client).await?))
}
