//! The organisation tree.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hoso_app::App;
use hoso_app::org::{ChangeOrgUnit, CreateOrgUnit, OrgUnitDetail, OrgUnitView};
use hoso_app::reorganisation::{ReorganisationPreview, Reorganise};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// The units in the caller's scope, parents before children, with staff counts.
#[utoipa::path(get, path = "/api/v1/org-units", tag = "org", responses((status = 200, body = Vec<OrgUnitView>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Vec<OrgUnitView>>> {
    Ok(Json(app.org_units(&actor).await?))
}

/// One unit, with its history.
#[utoipa::path(get, path = "/api/v1/org-units/{id}", tag = "org", params(("id" = i64, Path)),
    responses((status = 200, body = OrgUnitDetail), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Json<OrgUnitDetail>> {
    Ok(Json(app.org_unit(&actor, id).await?))
}

/// Create a unit under a parent in the caller's scope.
#[utoipa::path(post, path = "/api/v1/org-units", tag = "org", request_body = CreateOrgUnit,
    responses((status = 201, body = OrgUnitView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(input): ApiJson<CreateOrgUnit>,
) -> ApiResult<(StatusCode, Json<OrgUnitView>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_org_unit(&actor, input, &client).await?),
    ))
}

/// Rename, move or dissolve a unit.
#[utoipa::path(patch, path = "/api/v1/org-units/{id}", tag = "org", params(("id" = i64, Path)), request_body = ChangeOrgUnit,
    responses((status = 200, body = OrgUnitDetail), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn change(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ChangeOrgUnit>,
) -> ApiResult<Json<OrgUnitDetail>> {
    Ok(Json(app.change_org_unit(&actor, id, input, &client).await?))
}

/// Merge units (A, B… → C) or split one (A → B, C with the list of who goes where) by one
/// decision, in one transaction: staff, child units and grants follow. With `dry_run` the
/// answer shows what would change and nothing is written.
#[utoipa::path(post, path = "/api/v1/reorganisations", tag = "org", request_body = Reorganise,
    responses((status = 200, body = ReorganisationPreview), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reorganise(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(input): ApiJson<Reorganise>,
) -> ApiResult<Json<ReorganisationPreview>> {
    Ok(Json(app.reorganise(&actor, input, &client).await?))
}
