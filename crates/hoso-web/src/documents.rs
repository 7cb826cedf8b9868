//! Printed documents (mẫu 2C, reports) rendered by `hoso-documents` off the async runtime,
//! with the headers a browser needs.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use hoso_app::documents::PrintRequest;
use hoso_app::reports::ReportTable;
use hoso_app::{Actor, App, AppError, ClientInfo};
use hoso_documents::{DocumentFormat, FormTable, NATIONAL_MOTTO, ReportDocument, Signature};
use hoso_export::FileFormat;

/// The `format` of a print link: `pdf` (the default) or `docx`.
pub fn format_of(value: Option<&str>) -> Result<DocumentFormat, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(DocumentFormat::Pdf),
        Some(v) => DocumentFormat::parse(v).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Định dạng tài liệu '{v}' không được hỗ trợ: chọn pdf hoặc docx."
            ))
        }),
    }
}

/// The `version` of a print link: a positive whole number, or absent (the official version).
pub fn version_of(value: Option<&str>) -> Result<Option<i64>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(AppError::BadRequest(format!(
                "Số phiên bản '{v}' không hợp lệ: nhập một số nguyên dương."
            ))),
        },
    }
}

/// The bytes as a download named `{basename}.{extension}`.
pub fn attachment(format: DocumentFormat, basename: &str, bytes: Vec<u8>) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    let safe: String = basename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{safe}.{}\"",
        format.extension()
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    (headers, bytes).into_response()
}

/// The mẫu 2C of one person as a file: the use case builds the model (scope, clearance,
/// version, audit), `hoso-documents` lays it out.
pub async fn form_2c(
    app: &App,
    actor: &Actor,
    client: &ClientInfo,
    person_id: i64,
    version: Option<i64>,
    format: DocumentFormat,
) -> Result<Response, AppError> {
    let request = PrintRequest {
        person_id,
        version,
        format: format.extension(),
    };
    let form = app.form_2c(actor, &request, client).await?;
    let today = app.today();
    let bytes = tokio::task::spawn_blocking(move || match format {
        DocumentFormat::Pdf => hoso_documents::form_2c_pdf(&form, today),
        DocumentFormat::Docx => hoso_documents::form_2c_docx(&form),
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(
        format,
        &format!("so-yeu-ly-lich-{person_id}"),
        bytes,
    ))
}

/// The mẫu 2C of everyone in service in a unit (and the units below it) as one zip, a file a
/// person named by order, name and record number; each print audited.
pub async fn unit_form_2c(
    app: &App,
    actor: &Actor,
    client: &ClientInfo,
    unit_id: i64,
    format: DocumentFormat,
) -> Result<Response, AppError> {
    let forms = app
        .form_2c_of_unit(actor, unit_id, format.extension(), client)
        .await?;
    let today = app.today();
    let zip = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (i, (person, form)) in forms.iter().enumerate() {
            let bytes = match format {
                DocumentFormat::Pdf => hoso_documents::form_2c_pdf(form, today),
                DocumentFormat::Docx => hoso_documents::form_2c_docx(form),
            }
            .map_err(|e| e.to_string())?;
            let name: String = person
                .full_name
                .chars()
                .map(|c| {
                    if c == '/' || c == '\\' || c.is_control() {
                        '_'
                    } else {
                        c
                    }
                })
                .collect();
            let file = format!("{:03} {name} ({}).{}", i + 1, person.id, format.extension());
            zip.start_file(file, options).map_err(|e| e.to_string())?;
            zip.write_all(&bytes).map_err(|e| e.to_string())?;
        }
        zip.finish().map_err(|e| e.to_string())?;
        Ok(out.into_inner())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(AppError::Internal)?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"so-yeu-ly-lich-don-vi-{unit_id}.zip\""
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok((headers, zip).into_response())
}

/// What a report downloads as: a spreadsheet (`xlsx`, the default, or `csv`) or a document in
/// the official presentation (`pdf`, `docx`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Sheet(FileFormat),
    Document(DocumentFormat),
}

/// The `format` of a report export: `xlsx` (default), `csv`, `pdf` or `docx`.
pub fn report_format_of(value: Option<&str>) -> Result<ReportFormat, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(ReportFormat::Sheet(FileFormat::Xlsx)),
        Some(v) => FileFormat::parse(v)
            .map(ReportFormat::Sheet)
            .or_else(|| DocumentFormat::parse(v).map(ReportFormat::Document))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "Định dạng tệp '{v}' không được hỗ trợ: chọn xlsx, csv, pdf hoặc docx."
                ))
            }),
    }
}

/// A report in the official presentation: the issuing body (the report's unit and its parent)
/// and the national motto, place and date, title, the table, the signature block.
pub fn report_document(
    report: &ReportTable,
    issuer: Vec<String>,
    today: time::Date,
    truncated: bool,
) -> ReportDocument {
    let mut notes = Vec::new();
    if truncated {
        notes.push(format!(
            "Danh sách bị cắt: có {} dòng, tài liệu chỉ giữ {} dòng đầu.",
            report.total,
            report.rows.len()
        ));
    }
    // Each column's share of the page follows what it holds: its longest text (a date, a
    // code, a unit's name) or the longest word of its heading, within bounds, so a column of
    // figures stays narrow and one of names wide.
    let widths: Vec<f64> = report
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let heading = c.label.split_whitespace().map(|w| w.chars().count());
            let cells = report
                .rows
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.text.chars().count()));
            let longest = heading.chain(cells).max().unwrap_or(1).min(36);
            ((longest + 2) as f64 / 5.0).clamp(1.2, 6.0)
        })
        .collect();
    ReportDocument {
        issuer,
        motto: NATIONAL_MOTTO.iter().map(|s| s.to_string()).collect(),
        place_date: format!("……, {}", hoso_documents::date_words(today)),
        title: report.title.clone(),
        subtitle: vec![format!("Tổng số: {} dòng", report.total)],
        table: FormTable {
            caption: String::new(),
            columns: report.columns.iter().map(|c| c.label.clone()).collect(),
            widths,
            header_groups: report
                .column_groups
                .iter()
                .map(|g| hoso_documents::HeaderGroup {
                    label: g.label.clone(),
                    columns: g.columns.clone(),
                })
                .collect(),
            rows: report
                .rows
                .iter()
                .map(|row| row.iter().map(|c| c.text.clone()).collect())
                .collect(),
        },
        notes,
        signatures: vec![
            Signature {
                title: "Người lập biểu".into(),
                note: "(Ký, ghi rõ họ tên)".into(),
                name: String::new(),
            },
            Signature {
                title: "Thủ trưởng đơn vị".into(),
                note: "(Ký tên, đóng dấu)".into(),
                name: String::new(),
            },
        ],
        footer: report.title.clone(),
    }
}

/// A report as the file its format asks for: a spreadsheet through `download::file`, a
/// document through `hoso-documents`.
pub async fn report_file(
    app: &App,
    actor: &Actor,
    report: &ReportTable,
    unit: Option<i64>,
    format: ReportFormat,
    truncated: bool,
) -> Result<Response, AppError> {
    match format {
        ReportFormat::Sheet(f) => {
            let table = crate::download::report_table(report, truncated);
            crate::download::file(table, f, "bao-cao", truncated).await
        }
        ReportFormat::Document(f) => {
            let issuer = app.issuing_body(actor, unit).await?;
            let today = app.today();
            let doc = report_document(report, issuer, today, truncated);
            let bytes = tokio::task::spawn_blocking(move || match f {
                DocumentFormat::Pdf => hoso_documents::report_pdf(&doc, today),
                DocumentFormat::Docx => hoso_documents::report_docx(&doc),
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(e.to_string()))?;
            let mut response = attachment(f, "bao-cao", bytes);
            if truncated {
                response.headers_mut().insert(
                    "x-hoso-truncated",
                    axum::http::HeaderValue::from_static("true"),
                );
            }
            Ok(response)
        }
    }
}

/// A document filled from its template (the province's, or the built-in one), off the async
/// runtime, as a DOCX download.
pub async fn filled(doc: hoso_app::templates::DocumentToFill) -> Result<Response, AppError> {
    let hoso_app::templates::DocumentToFill {
        kind,
        template,
        data,
        file_name,
    } = doc;
    let bytes = tokio::task::spawn_blocking(move || {
        let template = match template {
            Some(t) => t,
            None => hoso_documents::default_template(kind)?,
        };
        hoso_documents::fill_template(template, &data)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let stem = file_name.trim_end_matches(".docx");
    Ok(attachment(DocumentFormat::Docx, stem, bytes))
}

/// The template of `kind` as it is in use: the province's file, or the built-in one.
pub async fn template_download(
    app: &App,
    actor: &Actor,
    client: &ClientInfo,
    kind: hoso_domain::templates::TemplateKind,
) -> Result<Response, AppError> {
    let bytes = match app.document_template_file(actor, kind, client).await? {
        Some((_, bytes)) => bytes,
        None => tokio::task::spawn_blocking(move || hoso_documents::default_template(kind))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(e.to_string()))?,
    };
    Ok(attachment(
        DocumentFormat::Docx,
        &format!("mau-{}", kind.slug()),
        bytes,
    ))
}

/// An uploaded template stored after its fields are read and checked (rights first: the
/// fields are read only for the system administrator's upload, in the use case's order).
pub async fn template_upload(
    app: &App,
    actor: &Actor,
    client: &ClientInfo,
    kind: hoso_domain::templates::TemplateKind,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<hoso_app::templates::DocumentTemplateView, AppError> {
    let (bytes, names) = tokio::task::spawn_blocking(move || {
        let names = hoso_documents::template_names(&bytes).map_err(|e| e.to_string());
        (bytes, names)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    app.save_document_template(actor, kind, file_name, bytes, names, client)
        .await
}

/// Where the people of a hand-over sheet activate their accounts: this server's activation
/// page, by the host the officer reached it at.
pub fn activation_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    format!("{host}{}", crate::pages::ACTIVATE_PATH)
}
