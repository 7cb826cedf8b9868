//! Change requests (phiếu bổ sung lý lịch): propose, attach evidence, submit, verify or return.

use crate::extract::Query;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use hoso_app::changes::{
    AttachmentView, ChangeDetail, ChangeQuery, ChangeSummary, NewChange, ReviewInput, SaveChange,
    Upload,
};
use hoso_app::{App, AppError, Page};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// The caller's own change requests, latest first.
#[utoipa::path(get, path = "/api/v1/change-requests", tag = "changes", params(ChangeQuery),
    responses((status = 200, body = Page<ChangeSummary>), (status = 401, body = ErrorBody)))]
pub async fn mine(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Query(query): Query<ChangeQuery>,
) -> ApiResult<Json<Page<ChangeSummary>>> {
    Ok(Json(app.my_changes(&actor, query).await?))
}

/// Open a draft on one's own record (individual) or a record in scope (HR officer).
#[utoipa::path(post, path = "/api/v1/change-requests", tag = "changes", request_body = NewChange,
    responses((status = 201, body = ChangeDetail), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(input): ApiJson<NewChange>,
) -> ApiResult<(StatusCode, Json<ChangeDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_change(&actor, input, &client).await?),
    ))
}

/// One change request with its differences against the record.
#[utoipa::path(get, path = "/api/v1/change-requests/{id}", tag = "changes", params(("id" = i64, Path)),
    responses((status = 200, body = ChangeDetail), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<ChangeDetail>> {
    Ok(Json(app.change(&actor, id, &client).await?))
}

/// Put sections into a draft or returned request (its proposer).
#[utoipa::path(put, path = "/api/v1/change-requests/{id}", tag = "changes", params(("id" = i64, Path)), request_body = SaveChange,
    responses((status = 200, body = ChangeDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<SaveChange>,
) -> ApiResult<Json<ChangeDetail>> {
    Ok(Json(app.save_change(&actor, id, input, &client).await?))
}

/// Send the request to the HR officer.
#[utoipa::path(post, path = "/api/v1/change-requests/{id}/submit", tag = "changes", params(("id" = i64, Path)),
    responses((status = 200, body = ChangeDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn submit(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<ChangeDetail>> {
    Ok(Json(app.submit_change(&actor, id, &client).await?))
}

/// Take the request back before it is verified.
#[utoipa::path(post, path = "/api/v1/change-requests/{id}/withdraw", tag = "changes", params(("id" = i64, Path)),
    responses((status = 200, body = ChangeDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<ChangeDetail>> {
    Ok(Json(app.withdraw_change(&actor, id, &client).await?))
}

/// Verify against the paper file: the change becomes a new version awaiting approval.
#[utoipa::path(post, path = "/api/v1/change-requests/{id}/verify", tag = "changes", params(("id" = i64, Path)), request_body = ReviewInput,
    responses((status = 200, body = ChangeDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn verify(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> ApiResult<Json<ChangeDetail>> {
    Ok(Json(app.verify_change(&actor, id, input, &client).await?))
}

/// Send the request back to its proposer with a comment.
#[utoipa::path(post, path = "/api/v1/change-requests/{id}/return", tag = "changes", params(("id" = i64, Path)), request_body = ReviewInput,
    responses((status = 200, body = ChangeDetail), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn send_back(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> ApiResult<Json<ChangeDetail>> {
    Ok(Json(app.return_change(&actor, id, input, &client).await?))
}

/// Submitted requests on records in the caller's write scope, oldest first.
#[utoipa::path(get, path = "/api/v1/verification-queue", tag = "changes", params(ChangeQuery),
    responses((status = 200, body = Page<ChangeSummary>), (status = 403, body = ErrorBody)))]
pub async fn queue(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Query(query): Query<ChangeQuery>,
) -> ApiResult<Json<Page<ChangeSummary>>> {
    Ok(Json(app.verification_queue(&actor, query).await?))
}

/// Change requests of one record that the caller may see.
#[utoipa::path(get, path = "/api/v1/persons/{id}/change-requests", tag = "changes", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ChangeSummary>), (status = 404, body = ErrorBody)))]
pub async fn of_person(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<ChangeSummary>>> {
    Ok(Json(app.changes_of_person(&actor, id).await?))
}

/// The upload form: `file` (PDF, JPEG or PNG), optional `section` and `row` it proves.
pub(crate) async fn read_upload(mut form: Multipart) -> Result<Upload, AppError> {
    let bad = |m: &str| AppError::BadRequest(m.to_string());
    let mut upload = Upload {
        file_name: String::new(),
        bytes: Vec::new(),
        section: None,
        row_index: None,
    };
    let mut has_file = false;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| bad("Dữ liệu tải lên không đọc được (multipart/form-data)."))?
    {
        match field.name().unwrap_or_default() {
            "file" => {
                upload.file_name = field.file_name().unwrap_or("tep").to_string();
                let bytes: Bytes = field.bytes().await.map_err(|_| {
                    bad("Tệp tải lên không trọn vẹn hoặc vượt quá dung lượng cho phép.")
                })?;
                upload.bytes = bytes.to_vec();
                has_file = true;
            }
            "section" => {
                let text = field.text().await.unwrap_or_default();
                upload.section = Some(text.trim().to_string()).filter(|s| !s.is_empty());
            }
            "row" => {
                let text = field.text().await.unwrap_or_default();
                let text = text.trim();
                if !text.is_empty() {
                    upload.row_index = Some(
                        text.parse()
                            .map_err(|_| bad("Số dòng (row) phải là số nguyên."))?,
                    );
                }
            }
            _ => {}
        }
    }
    if !has_file {
        return Err(bad("Chưa chọn tệp đính kèm (trường 'file')."));
    }
    Ok(upload)
}

/// Attach a scanned document (multipart: `file`, optional `section`, `row`).
#[utoipa::path(post, path = "/api/v1/change-requests/{id}/attachments", tag = "changes", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = String),
    responses((status = 201, body = AttachmentView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn attach(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<AttachmentView>)> {
    let form = form.map_err(|_| {
        AppError::BadRequest(
            "Tệp đính kèm phải gửi dạng multipart/form-data (trường 'file').".into(),
        )
    })?;
    let upload = read_upload(form).await?;
    Ok((
        StatusCode::CREATED,
        Json(app.attach_to_change(&actor, id, upload, &client).await?),
    ))
}

/// Download an attached document (only for those who may see the request).
#[utoipa::path(get, path = "/api/v1/change-requests/{id}/attachments/{sha256}", tag = "changes",
    params(("id" = i64, Path), ("sha256" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn download(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path((id, sha)): Path<(i64, String)>,
) -> ApiResult<Response> {
    let (meta, bytes) = app.change_attachment(&actor, id, &sha, &client).await?;
    Ok(file_response(&meta.media_type, &meta.file_name, bytes))
}

/// Remove a document from a draft or returned request.
#[utoipa::path(delete, path = "/api/v1/change-requests/{id}/attachments/{sha256}", tag = "changes",
    params(("id" = i64, Path), ("sha256" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn detach(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path((id, sha)): Path<(i64, String)>,
) -> ApiResult<StatusCode> {
    app.detach_from_change(&actor, id, &sha, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Bytes with their type, as an attachment download; the name is RFC 5987-encoded.
pub(crate) fn file_response(media_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    match axum::http::HeaderValue::from_str(&disposition) {
        Ok(value) => (
            [
                (
                    header::CONTENT_TYPE,
                    axum::http::HeaderValue::from_str(media_type).unwrap_or(
                        axum::http::HeaderValue::from_static("application/octet-stream"),
                    ),
                ),
                (header::CONTENT_DISPOSITION, value),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => ApiError::from(AppError::Internal("bad file name header".into())).into_response(),
    }
}
