//! Movements between units: the sending unit records the decision (with its scan), the
//! receiving unit accepts or refuses, the record moves on the effective date.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use hoso_app::movements::{
    AnswerMovement, DecisionScan, MovementInbox, MovementView, ProposeMovement,
};
use hoso_app::{App, AppError};

use super::changes::file_response;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client};

/// The movement form, as a page or an API client sends it: the decision's fields and,
/// optionally, its scan (`file`).
pub(crate) async fn read_movement_form(
    mut form: Multipart,
) -> Result<(ProposeMovement, Option<DecisionScan>), AppError> {
    let bad = |m: &str| AppError::BadRequest(m.to_string());
    let mut input = ProposeMovement {
        kind: String::new(),
        to_unit_id: 0,
        decision_number: String::new(),
        decision_date: String::new(),
        signer: String::new(),
        effective_date: String::new(),
        position: None,
        note: None,
    };
    let mut scan = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| bad("Dữ liệu gửi lên không đọc được (multipart/form-data)."))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("quyet-dinh").to_string();
            let bytes: Bytes = field.bytes().await.map_err(|_| {
                bad("Tệp tải lên không trọn vẹn hoặc vượt quá dung lượng cho phép.")
            })?;
            if !bytes.is_empty() {
                scan = Some(DecisionScan {
                    file_name,
                    bytes: bytes.to_vec(),
                });
            }
            continue;
        }
        let text = field.text().await.unwrap_or_default();
        match name.as_str() {
            "kind" => input.kind = text,
            "to_unit_id" => {
                input.to_unit_id = text
                    .trim()
                    .parse()
                    .map_err(|_| bad("Phải chọn đơn vị nhận (to_unit_id)."))?
            }
            "decision_number" => input.decision_number = text,
            "decision_date" => input.decision_date = text,
            "signer" => input.signer = text,
            "effective_date" => input.effective_date = text,
            "position" => input.position = Some(text),
            "note" => input.note = Some(text),
            _ => {}
        }
    }
    Ok((input, scan))
}

/// Record a movement of the person (multipart: `kind` = `dieu_dong` | `luan_chuyen` |
/// `biet_phai`, `to_unit_id`, `decision_number`, `decision_date`, `signer`, `effective_date`,
/// optional `position`, `note`, and the decision's scan `file`, required between agencies).
/// Accepted at once when the caller keeps the receiving unit too.
#[utoipa::path(post, path = "/api/v1/persons/{id}/movements", tag = "movements", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = String),
    responses((status = 201, body = MovementView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn propose(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<MovementView>)> {
    let form = form.map_err(|_| {
        AppError::BadRequest("Quyết định phải gửi dạng multipart/form-data.".into())
    })?;
    let (input, scan) = read_movement_form(form).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            app.propose_movement(&actor, id, input, scan, &client)
                .await?,
        ),
    ))
}

/// A person's movements, the latest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/movements", tag = "movements", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<MovementView>), (status = 404, body = ErrorBody)))]
pub async fn of_person(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<MovementView>>> {
    Ok(Json(app.movements_of_person(&actor, id).await?))
}

/// Movements to receive (proposed to the caller's units) and those its units sent.
#[utoipa::path(get, path = "/api/v1/movements", tag = "movements",
    responses((status = 200, body = MovementInbox), (status = 403, body = ErrorBody)))]
pub async fn inbox(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<MovementInbox>> {
    Ok(Json(app.movements_to_handle(&actor).await?))
}

/// One movement.
#[utoipa::path(get, path = "/api/v1/movements/{id}", tag = "movements", params(("id" = i64, Path)),
    responses((status = 200, body = MovementView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Json<MovementView>> {
    Ok(Json(app.movement(&actor, id).await?))
}

/// The receiving unit accepts or refuses (with the reason) a proposed movement.
#[utoipa::path(post, path = "/api/v1/movements/{id}/answer", tag = "movements", params(("id" = i64, Path)), request_body = AnswerMovement,
    responses((status = 200, body = MovementView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn answer(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AnswerMovement>,
) -> ApiResult<Json<MovementView>> {
    Ok(Json(app.answer_movement(&actor, id, input, &client).await?))
}

/// The sending unit withdraws a movement not yet done.
#[utoipa::path(post, path = "/api/v1/movements/{id}/cancel", tag = "movements", params(("id" = i64, Path)),
    responses((status = 200, body = MovementView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<MovementView>> {
    Ok(Json(app.cancel_movement(&actor, id, &client).await?))
}

/// The scanned decision.
#[utoipa::path(get, path = "/api/v1/movements/{id}/scan", tag = "movements", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn scan(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let (name, media, bytes) = app.movement_scan(&actor, id).await?;
    Ok(file_response(&media, &name, bytes))
}
