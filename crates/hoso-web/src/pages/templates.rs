//! The document templates page (`/quan-tri/mau-van-ban`): the system administrator sees each
//! kind of decision and sheet Hoso prints, downloads the template in use, uploads the
//! province's own (checked field by field) or goes back to the built-in one. Also the links
//! that print a filled document from a movement or a record.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hoso_app::templates::{DocumentTemplateView, kind_of};
use hoso_app::{App, AppError};
use serde::Deserialize;

use super::{Layout, PageActor, PageError, PageResult, format, render, render_status};
use crate::documents;
use crate::extract::{Client, Query};

pub const PATH: &str = "/quan-tri/mau-van-ban";

pub struct KindRow {
    pub view: DocumentTemplateView,
    pub uploaded: String,
}

#[derive(Template)]
#[template(path = "templates.html")]
struct TemplatesPage {
    layout: Layout,
    kinds: Vec<KindRow>,
    done: Option<String>,
    error: Option<(String, String)>,
    path: &'static str,
}

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    #[serde(default)]
    ok: String,
}

async fn page_of(
    app: &App,
    page: &PageActor,
    client: &hoso_app::ClientInfo,
    done: Option<String>,
    error: Option<(String, String)>,
) -> Result<TemplatesPage, PageError> {
    let kinds = app
        .document_templates(&page.actor, client)
        .await?
        .into_iter()
        .map(|view| KindRow {
            uploaded: view.uploaded_at.map(format::instant).unwrap_or_default(),
            view,
        })
        .collect();
    Ok(TemplatesPage {
        layout: page.layout("Mẫu văn bản", "templates"),
        kinds,
        done,
        error,
        path: PATH,
    })
}

pub async fn list(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(p): Query<Params>,
) -> PageResult {
    let done = match p.ok.as_str() {
        "tai-len" => Some("Đã dùng mẫu vừa tải lên.".to_string()),
        "mac-dinh" => Some("Đã trở lại mẫu có sẵn của Hoso.".to_string()),
        _ => None,
    };
    Ok(render(&page_of(&app, &page, &client, done, None).await?))
}

/// The template in use, to edit in Word.
pub async fn download(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(kind): Path<String>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind)?;
    Ok(documents::template_download(&app, &page.actor, &client, kind).await?)
}

/// The province's template uploaded: used at once when its fields check; otherwise the page
/// again with the reason, nothing changed.
pub async fn upload(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(kind): Path<String>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let kind = kind_of(&kind)?;
    let form = form.map_err(|_| AppError::BadRequest("Biểu mẫu tải tệp không hợp lệ.".into()))?;
    let (fields, file) = super::changes::read_form(form).await?;
    page.check_csrf(fields.get("_csrf").map(String::as_str))?;
    let (file_name, bytes) = file.unwrap_or_default();
    match documents::template_upload(&app, &page.actor, &client, kind, &file_name, bytes).await {
        Ok(_) => Ok(Redirect::to(&format!("{PATH}?ok=tai-len")).into_response()),
        Err(AppError::BadRequest(message)) => Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page_of(
                &app,
                &page,
                &client,
                None,
                Some((kind.slug().to_string(), message)),
            )
            .await?,
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(default, rename = "_csrf")]
    pub csrf: Option<String>,
}

pub async fn reset(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(kind): Path<String>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let kind = kind_of(&kind)?;
    app.reset_document_template(&page.actor, kind, &client)
        .await?;
    Ok(Redirect::to(&format!("{PATH}?ok=mac-dinh")).into_response())
}

/// A movement's decision or hand-over record, filled.
pub async fn movement_document(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path((id, kind)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind)?;
    let doc = app
        .movement_document(&page.actor, id, kind, &client)
        .await?;
    Ok(documents::filled(doc).await?)
}

/// A record's step-increase decision or retirement notice, filled.
pub async fn person_document(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path((id, kind)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind)?;
    let doc = app.person_document(&page.actor, id, kind, &client).await?;
    Ok(documents::filled(doc).await?)
}
