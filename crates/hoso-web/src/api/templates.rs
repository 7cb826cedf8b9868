//! Decisions and sheets from the province's Word templates: the templates (system
//! administrator) and the documents filled from them.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use hoso_app::App;
use hoso_app::templates::{DocumentTemplateView, kind_of};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::documents;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Client, Query};

/// Every kind of document Hoso prints from a template, with the template in use and the fields
/// a template may name. System administrator.
#[utoipa::path(get, path = "/api/v1/document-templates", tag = "documents",
    responses((status = 200, body = Vec<DocumentTemplateView>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
) -> ApiResult<Json<Vec<DocumentTemplateView>>> {
    Ok(Json(app.document_templates(&actor, &client).await?))
}

/// The template in use for a kind of document (the province's own, or the built-in one), to
/// edit in Word and upload again. System administrator.
#[utoipa::path(get, path = "/api/v1/document-templates/{kind}", tag = "documents",
    params(("kind" = String, Path, description = "quyet-dinh-dieu-dong, bien-ban-ban-giao-ho-so, quyet-dinh-nang-bac-luong, thong-bao-nghi-huu, phieu-ban-giao-tai-khoan")),
    responses((status = 200, description = "The template",
            content(("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn download(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(kind): Path<String>,
) -> ApiResult<Response> {
    let kind = kind_of(&kind)?;
    Ok(documents::template_download(&app, &actor, &client, kind).await?)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadParams {
    /// The file's name, kept to show which template is in use.
    pub file_name: Option<String>,
}

/// Replace the template of a kind of document by a DOCX (the request body) with `{{field}}`
/// placeholders. A file that is not a DOCX, or names a field the document does not have, is
/// refused naming it; nothing changes. System administrator; audited.
#[utoipa::path(put, path = "/api/v1/document-templates/{kind}", tag = "documents",
    params(("kind" = String, Path), UploadParams),
    request_body(content((Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (Vec<u8> = "application/octet-stream"))),
    responses((status = 200, body = DocumentTemplateView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn upload(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(kind): Path<String>,
    Query(params): Query<UploadParams>,
    body: Bytes,
) -> ApiResult<Json<DocumentTemplateView>> {
    let kind = kind_of(&kind)?;
    let name = params.file_name.unwrap_or_default();
    Ok(Json(
        documents::template_upload(&app, &actor, &client, kind, &name, body.to_vec()).await?,
    ))
}

/// Go back to the built-in template of a kind of document. System administrator; audited.
#[utoipa::path(delete, path = "/api/v1/document-templates/{kind}", tag = "documents",
    params(("kind" = String, Path)),
    responses((status = 200, body = DocumentTemplateView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reset(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(kind): Path<String>,
) -> ApiResult<Json<DocumentTemplateView>> {
    let kind = kind_of(&kind)?;
    Ok(Json(
        app.reset_document_template(&actor, kind, &client).await?,
    ))
}

/// The decision (`quyet-dinh-dieu-dong`) or the hand-over record (`bien-ban-ban-giao-ho-so`)
/// of a movement as Word, filled from the province's template. HR officers of either unit;
/// audited (`document.print`).
#[utoipa::path(get, path = "/api/v1/movements/{id}/documents/{kind}", tag = "movements",
    params(("id" = i64, Path), ("kind" = String, Path)),
    responses((status = 200, description = "The document",
            content(("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn movement_document(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path((id, kind)): Path<(i64, String)>,
) -> ApiResult<Response> {
    let kind = kind_of(&kind)?;
    let doc = app.movement_document(&actor, id, kind, &client).await?;
    Ok(documents::filled(doc).await?)
}

/// The step-increase decision (`quyet-dinh-nang-bac-luong`: the next step, its coefficient and
/// date by the rules in force) or the retirement notice (`thong-bao-nghi-huu`: the retirement
/// date by the roadmap of NĐ 135/2020) of a person, as Word, filled from the province's
/// template. HR officers who write the record; a record lacking what the document needs is
/// refused naming it. Audited (`document.print`).
#[utoipa::path(get, path = "/api/v1/persons/{id}/decisions/{kind}", tag = "persons",
    params(("id" = i64, Path), ("kind" = String, Path)),
    responses((status = 200, description = "The document",
            content(("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn person_document(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path((id, kind)): Path<(i64, String)>,
) -> ApiResult<Response> {
    let kind = kind_of(&kind)?;
    let doc = app.person_document(&actor, id, kind, &client).await?;
    Ok(documents::filled(doc).await?)
}
