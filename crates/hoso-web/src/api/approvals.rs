//! Approval with a digital signature: the queue, batches, signing, signed packages.

use crate::extract::Query;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use hoso_app::approval_returns::{
    ApprovalReturnView, LeaveOut, LeftOut, ReturnInput, ReturnedList, ReturnedRecord,
};
use hoso_app::approvals::{
    ApprovalQueue, BatchView, PackageReport, PrepareBatch, RecordApprovals, SignBatch,
};
use hoso_app::{App, Page, Paging};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::changes::file_response;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// Verified versions waiting for the caller's signature, and today's approval window.
#[utoipa::path(get, path = "/api/v1/approvals/queue", tag = "approvals",
    responses((status = 200, body = ApprovalQueue), (status = 403, body = ErrorBody)))]
pub async fn queue(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<ApprovalQueue>> {
    Ok(Json(app.approval_queue(&actor).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The batches the caller prepared (all, for the system administrator), newest first.
#[utoipa::path(get, path = "/api/v1/approvals", tag = "approvals", params(PageQuery),
    responses((status = 200, body = Page<BatchView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<BatchView>>> {
    let paging = Paging::new(q.page, q.per_page)?;
    Ok(Json(app.batches(&actor, paging).await?))
}

/// Prepare a batch: the manifest to sign (its SHA-256 is what a signing plug-in signs).
#[utoipa::path(post, path = "/api/v1/approvals", tag = "approvals", request_body = PrepareBatch,
    responses((status = 201, body = BatchView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn prepare(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    ApiJson(input): ApiJson<PrepareBatch>,
) -> ApiResult<(StatusCode, Json<BatchView>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.prepare_batch(&actor, input, &client).await?),
    ))
}

/// One batch.
#[utoipa::path(get, path = "/api/v1/approvals/{id}", tag = "approvals", params(("id" = i64, Path)),
    responses((status = 200, body = BatchView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Json<BatchView>> {
    Ok(Json(app.batch(&actor, id).await?))
}

/// Sign: a detached CMS signature made by the approver's tool, or a PKCS#12 key used once.
#[utoipa::path(post, path = "/api/v1/approvals/{id}/sign", tag = "approvals", params(("id" = i64, Path)), request_body = SignBatch,
    responses((status = 200, body = BatchView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn sign(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<SignBatch>,
) -> ApiResult<Json<BatchView>> {
    Ok(Json(app.sign_batch(&actor, id, input, &client).await?))
}

/// Drop a prepared batch.
#[utoipa::path(post, path = "/api/v1/approvals/{id}/abandon", tag = "approvals", params(("id" = i64, Path)),
    responses((status = 200, body = BatchView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn abandon(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<BatchView>> {
    Ok(Json(app.abandon_batch(&actor, id, &client).await?))
}

/// Take one record out of a prepared batch before signing (with `return_comment`: send it
/// back to HR too). The batch is abandoned and the other records prepared as a new batch.
#[utoipa::path(post, path = "/api/v1/approvals/{id}/leave-out", tag = "approvals", params(("id" = i64, Path)), request_body = LeaveOut,
    responses((status = 200, body = LeftOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn leave_out(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<LeaveOut>,
) -> ApiResult<Json<LeftOut>> {
    Ok(Json(
        app.leave_out_of_batch(&actor, id, input, &client).await?,
    ))
}

/// Records a head sent back that wait for the caller (its writable records; for a head, those
/// it approves).
#[utoipa::path(get, path = "/api/v1/approvals/returned", tag = "approvals",
    responses((status = 200, body = Vec<ReturnedRecord>), (status = 403, body = ErrorBody)))]
pub async fn returned(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Vec<ReturnedRecord>>> {
    let list = ReturnedList::for_actor(&actor);
    Ok(Json(app.returned_records(&actor, list).await?))
}

/// The approver sends a record's verified versions back to HR with what must be corrected.
#[utoipa::path(post, path = "/api/v1/persons/{id}/approval-return", tag = "approvals", params(("id" = i64, Path)), request_body = ReturnInput,
    responses((status = 201, body = ApprovalReturnView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn return_record(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ReturnInput>,
) -> ApiResult<(StatusCode, Json<ApprovalReturnView>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            app.return_for_correction(&actor, id, input, &client)
                .await?,
        ),
    ))
}

/// HR sends returned versions back to the approval queue unchanged, answering the head.
#[utoipa::path(post, path = "/api/v1/persons/{id}/approval-resubmit", tag = "approvals", params(("id" = i64, Path)), request_body = ReturnInput,
    responses((status = 200, body = ApprovalReturnView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn resubmit_record(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ReturnInput>,
) -> ApiResult<Json<ApprovalReturnView>> {
    Ok(Json(
        app.resubmit_for_approval(&actor, id, input, &client)
            .await?,
    ))
}

/// The manifest bytes exactly as signed.
#[utoipa::path(get, path = "/api/v1/approvals/{id}/manifest", tag = "approvals", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/json", body = Object), (status = 404, body = ErrorBody)))]
pub async fn manifest(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let batch = app.batch(&actor, id).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], batch.manifest).into_response())
}

/// The stored detached signature (DER).
#[utoipa::path(get, path = "/api/v1/approvals/{id}/signature", tag = "approvals", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pkcs7-signature", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn signature(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let der = app.batch_signature(&actor, id).await?;
    Ok(file_response(
        "application/pkcs7-signature",
        &format!("phe-duyet-{id}.p7s"),
        der,
    ))
}

/// The official version of a record and the approval of each version.
#[utoipa::path(get, path = "/api/v1/persons/{id}/approvals", tag = "approvals", params(("id" = i64, Path)),
    responses((status = 200, body = RecordApprovals), (status = 404, body = ErrorBody)))]
pub async fn of_person(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Json<RecordApprovals>> {
    Ok(Json(app.record_approvals(&actor, id).await?))
}

/// An approved version as a signed package (zip: manifest, signature, record, attachments).
#[utoipa::path(get, path = "/api/v1/persons/{id}/versions/{version}/package", tag = "approvals",
    params(("id" = i64, Path), ("version" = i64, Path)),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn package(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path((id, version)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    let zip = app.export_package(&actor, id, version, &client).await?;
    Ok(file_response(
        "application/zip",
        &format!("ho-so-{id}-phien-ban-{version}.zip"),
        zip,
    ))
}

/// Check a signed package (the zip as the request body) against this deployment's trusted roots.
#[utoipa::path(post, path = "/api/v1/packages/verify", tag = "approvals",
    request_body(content((Vec<u8> = "application/zip"), (Vec<u8> = "application/octet-stream"))),
    responses((status = 200, body = PackageReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn verify_package(
    State(app): State<App>,
    Authenticated(_actor): Authenticated,
    body: Bytes,
) -> ApiResult<Json<PackageReport>> {
    Ok(Json(app.verify_package(&body)?))
}
