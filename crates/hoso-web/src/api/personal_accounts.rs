//! Personal accounts: one per record, created by the unit's HR officer with a one-time
//! activation code, activated by the person.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hoso_app::personal_accounts::{
    ActivateAccount, ActivationSlip, IssueAccount, PersonalAccountQuery, PersonalAccountState,
    PersonalAccountView, UnitActivation,
};
use hoso_app::{App, AppError, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, Client, Query};

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// The unit whose subtree is listed (the first one the caller administers when absent).
    pub unit_id: Option<i64>,
    /// Part of the name, accents and case ignored.
    pub name: Option<String>,
    /// `none`, `pending`, `in_use` or `suspended`.
    pub state: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl ListQuery {
    pub fn into_query(self) -> Result<PersonalAccountQuery, AppError> {
        let state = match self
            .state
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => Some(PersonalAccountState::parse(s).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "Tình trạng tài khoản '{s}' không hợp lệ (none, pending, in_use, suspended)."
                ))
            })?),
        };
        Ok(PersonalAccountQuery {
            unit_id: self.unit_id,
            name: self.name,
            state,
            page: self.page,
            per_page: self.per_page,
        })
    }
}

/// The people of a unit's subtree with the state of their personal accounts.
#[utoipa::path(get, path = "/api/v1/personal-accounts", tag = "accounts", params(ListQuery),
    responses((status = 200, body = Page<PersonalAccountView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Page<PersonalAccountView>>> {
    Ok(Json(
        app.personal_accounts(&actor, q.into_query()?, &client)
            .await?,
    ))
}

/// The personal account of one record.
#[utoipa::path(get, path = "/api/v1/persons/{id}/account", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 200, body = PersonalAccountView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn of_person(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
) -> ApiResult<Json<PersonalAccountView>> {
    Ok(Json(app.personal_account(&actor, id, &client).await?))
}

/// Create the record's personal account (username = số định danh) if it has none, and issue a
/// one-time activation code (shown once; it replaces any earlier one). Also the way back for a
/// person who forgot the password.
#[utoipa::path(post, path = "/api/v1/persons/{id}/account", tag = "accounts", params(("id" = i64, Path)), request_body = IssueAccount,
    responses((status = 201, body = ActivationSlip), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn issue(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<IssueAccount>,
) -> ApiResult<(StatusCode, Json<ActivationSlip>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            app.issue_personal_account(&actor, id, input, &client)
                .await?,
        ),
    ))
}

/// Create personal accounts for everyone in service in the unit's subtree who has none (at
/// most 1,000 a run): the activation codes of the hand-over sheet, shown once.
#[utoipa::path(post, path = "/api/v1/org-units/{id}/personal-accounts", tag = "accounts", params(("id" = i64, Path)), request_body = IssueAccount,
    responses((status = 201, body = UnitActivation), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn issue_for_unit(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<IssueAccount>,
) -> ApiResult<(StatusCode, Json<UnitActivation>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            app.issue_personal_accounts_for_unit(&actor, id, input, &client)
                .await?,
        ),
    ))
}

/// Like `POST /api/v1/org-units/{id}/personal-accounts`, with the hand-over sheet returned as a
/// Word file filled from the province's template (`phieu-ban-giao-tai-khoan`) instead of JSON:
/// the codes exist only in this response.
#[utoipa::path(post, path = "/api/v1/org-units/{id}/personal-accounts/sheet", tag = "accounts", params(("id" = i64, Path)), request_body = IssueAccount,
    responses((status = 201, description = "The hand-over sheet",
            content(("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn issue_for_unit_sheet(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<IssueAccount>,
) -> ApiResult<axum::response::Response> {
    let done = app
        .issue_personal_accounts_for_unit(&actor, id, input, &client)
        .await?;
    let doc = app
        .activation_sheet_document(
            id,
            &done.unit_name,
            &done.slips,
            &crate::documents::activation_url(&headers),
        )
        .await?;
    let mut response = crate::documents::filled(doc).await?;
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// Choose a password with a one-time activation code (first sign-in or forgotten password).
/// Anonymous; the account's sessions end.
#[utoipa::path(post, path = "/api/v1/auth/activate", tag = "auth", request_body = ActivateAccount,
    responses((status = 204), (status = 400, body = ErrorBody)))]
pub async fn activate(
    State(app): State<App>,
    Client(client): Client,
    ApiJson(input): ApiJson<ActivateAccount>,
) -> ApiResult<StatusCode> {
    app.activate_account(input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
