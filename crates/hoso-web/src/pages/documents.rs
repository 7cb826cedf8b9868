//! Printing from the record page ("In sơ yếu lý lịch (PDF)" / "(Word)") and, for a whole
//! unit, from the staff list filtered to it.

use axum::extract::{Path, State};
use axum::response::Response;
use hoso_app::App;
use serde::Deserialize;

use super::{PageActor, PageError};
use crate::documents;
use crate::extract::{Client, Query};

pub const FORM_2C_PATH: &str = "/ho-so/{id}/so-yeu-ly-lich";
pub const UNIT_FORM_2C_PATH: &str = "/don-vi/{id}/so-yeu-ly-lich";

#[derive(Debug, Deserialize)]
pub struct Form2cQuery {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    phien_ban: Option<String>,
}

/// The mẫu 2C of the record as a file (`?format=pdf|docx`, `&phien_ban=N`).
pub async fn form_2c(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Query(q): Query<Form2cQuery>,
) -> Result<Response, PageError> {
    let format = documents::format_of(q.format.as_deref())?;
    let version = documents::version_of(q.phien_ban.as_deref())?;
    Ok(documents::form_2c(&app, &page.actor, &client, id, version, format).await?)
}

#[derive(Debug, Deserialize)]
pub struct UnitForm2cQuery {
    #[serde(default)]
    format: Option<String>,
}

/// The mẫu 2C of everyone in service in the unit, one file a person in a zip (`?format=pdf|docx`).
pub async fn unit_form_2c(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Query(q): Query<UnitForm2cQuery>,
) -> Result<Response, PageError> {
    let format = documents::format_of(q.format.as_deref())?;
    Ok(documents::unit_form_2c(&app, &page.actor, &client, id, format).await?)
}
