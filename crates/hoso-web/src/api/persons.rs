//! Personnel records.

use crate::extract::Query;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hoso_app::App;
use hoso_app::idempotency::Once;
use hoso_app::records::{
    CreatePerson, PersonPage, PersonQuery, PersonView, UpdateRecord, VersionSummary, VersionView,
};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};
use sha2::{Digest, Sha256};

/// Records in the caller's scope, paged, with filters.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(PersonQuery),
    responses((status = 200, body = PersonPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Query(query): Query<PersonQuery>,
) -> ApiResult<Json<PersonPage>> {
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

/// Create a record (one per số định danh). With an `Idempotency-Key` header, a repeat of the
/// same request by the same account (on any node, within `idempotency_hours`) answers with the
/// record the first one created instead of creating another.
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", request_body = CreatePerson,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 printable ASCII characters chosen by the client; the same key and body give the same record")),
    responses((status = 201, body = PersonView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    headers: HeaderMap,
    ApiJson(input): ApiJson<CreatePerson>,
) -> ApiResult<Response> {
    let Some(key) = idempotency_key(&headers)? else {
        let view = app.create_person(&actor, input, &client).await?;
        return Ok((StatusCode::CREATED, Json(view)).into_response());
    };
    let body = serde_json::to_vec(&input).unwrap_or_default();
    let fingerprint = hex::encode(Sha256::digest(&body));
    let mut created = None;
    let once = app
        .create_once(&actor, key, Some(&fingerprint), async {
            let view = app.create_person(&actor, input, &client).await?;
            let id = view.id;
            created = Some(view);
            Ok(id)
        })
        .await?;
    match (once, created) {
        (
            Once::Done {
                replayed: false, ..
            },
            Some(view),
        ) => Ok((StatusCode::CREATED, Json(view)).into_response()),
        (Once::Done { person_id, .. }, _) => {
            let view = app.get_person(&actor, person_id, &client).await?;
            Ok((
                StatusCode::CREATED,
                [("idempotency-replayed", "true")],
                Json(view),
            )
                .into_response())
        }
        (Once::InFlight, _) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "idempotency_in_flight",
            "Yêu cầu trước với cùng Idempotency-Key đang được xử lý. Vui lòng thử lại sau giây lát.",
        )),
        (Once::Mismatch, _) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "Idempotency-Key này đã được dùng cho một yêu cầu khác.",
        )),
    }
}

/// The `Idempotency-Key` header, if sent: 1–255 printable ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(k) if (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(k))
        }
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_idempotency_key",
            "Idempotency-Key phải gồm 1–255 ký tự ASCII in được (không dấu cách).",
        )),
    }
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
