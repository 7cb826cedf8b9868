//! Printed documents of a record.

use axum::extract::{Path, State};
use axum::response::Response;
use hoso_app::App;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::documents;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Client, Query};

#[derive(Debug, Deserialize, IntoParams)]
pub struct Form2cParams {
    /// `pdf` (default) or `docx`.
    pub format: Option<String>,
    /// The version of the record to print; the official one when absent.
    pub version: Option<String>,
}

/// The sơ yếu lý lịch (mẫu 2C-BNV/2008) of a person as PDF or Word, from one version of the
/// record (the official one by default), leaving out the fields above the caller's clearance
/// exactly as the record does; the version and its hash are printed in the footer. Audited
/// (`record.print`).
#[utoipa::path(get, path = "/api/v1/persons/{id}/documents/2c", tag = "persons",
    params(("id" = i64, Path), Form2cParams),
    responses((status = 200, description = "The document",
            content(("application/pdf"),
                ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn form_2c(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    Query(params): Query<Form2cParams>,
) -> ApiResult<Response> {
    let format = documents::format_of(params.format.as_deref())?;
    let version = documents::version_of(params.version.as_deref())?;
    Ok(documents::form_2c(&app, &actor, &client, id, version, format).await?)
}

/// The sơ yếu lý lịch of everyone in service in a unit and the units below it (at most 1,000
/// people), one PDF or Word file a person in a zip, from each record's official version and
/// as the caller may see it. Each print is audited (`record.print`).
#[utoipa::path(get, path = "/api/v1/org-units/{id}/documents/2c", tag = "org",
    params(("id" = i64, Path), UnitForm2cParams),
    responses((status = 200, description = "A zip of documents", content_type = "application/zip"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn unit_form_2c(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Path(id): Path<i64>,
    Query(params): Query<UnitForm2cParams>,
) -> ApiResult<Response> {
    let format = documents::format_of(params.format.as_deref())?;
    Ok(documents::unit_form_2c(&app, &actor, &client, id, format).await?)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UnitForm2cParams {
    /// `pdf` (default) or `docx`.
    pub format: Option<String>,
}
