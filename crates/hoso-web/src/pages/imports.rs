//! "Nhập dữ liệu": bringing a unit's Excel list in (issue 11). The officer uploads the file and
//! picks the unit; the page shows the table found, how each column maps to the record (a
//! column the headers do not name is mapped or ignored by hand) and the dry run's report row
//! by row, downloadable as the same sheet with an error column. The import runs as a
//! background job whose page shows its progress and can stop it. The import template is
//! generated from the schema.
//!
//! The upload is kept by its hash ([`App::stash_import`]); the dry run, the mapping and the
//! import are links carrying it (`tep`), the unit (`don_vi`) and the mapping (`cot{N}`).

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use hoso_app::imports::{ImportFile, ImportOptions, ImportReport, Target};
use hoso_app::jobs::{JobStatus, JobView};
use hoso_app::{App, AppError};

use super::admin_accounts::unit_opts;
use super::auth::CsrfForm;
use super::record::Opt;
use super::{Layout, PageActor, PageResult, render};
use crate::extract::{Client, Query};

pub const PATH: &str = "/nhap-du-lieu";
pub const UPLOAD_PATH: &str = "/nhap-du-lieu/tai-len";
/// The largest upload (the reader refuses files over 50 MB with a message).
pub const MAX_UPLOAD: usize = 51 * 1024 * 1024;
pub const ERRORS_PATH: &str = "/nhap-du-lieu/loi.xlsx";
pub const TEMPLATE_PATH: &str = "/nhap-du-lieu/mau.xlsx";
/// A unit's records in the import template, to correct in Excel and import back.
pub const UNIT_EXPORT_PATH: &str = "/nhap-du-lieu/xuat.xlsx";
pub const RUN_PATH: &str = "/nhap-du-lieu/nhap";
pub const JOB_PATH: &str = "/nhap-du-lieu/viec/{id}";
pub const CANCEL_PATH: &str = "/nhap-du-lieu/viec/{id}/huy";
pub const SAVE_MAPPING_PATH: &str = "/nhap-du-lieu/cach-ghep";
pub const DELETE_MAPPING_PATH: &str = "/nhap-du-lieu/cach-ghep/{id}/xoa";

const IGNORE: &str = "bo-qua";

/// The page's state, in its query string (or the import form).
struct Params {
    sha: String,
    file_name: String,
    unit: Option<i64>,
    options: ImportOptions,
    /// The pairs to carry on (for links and hidden fields).
    pairs: Vec<(String, String)>,
}

fn params(pairs: Vec<(String, String)>) -> Params {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let sheet = Some(get("trang")).filter(|s| !s.is_empty());
    let mut options = ImportOptions {
        sheet,
        initial_load: get("lan_dau") == "1",
        decision: Some(get("quyet_dinh")).filter(|d| !d.trim().is_empty()),
        mapping: get("mau").trim().parse().ok(),
        ..ImportOptions::default()
    };
    for (k, v) in &pairs {
        let Some(index) = k.strip_prefix("cot").and_then(|n| n.parse::<usize>().ok()) else {
            continue;
        };
        if v == IGNORE {
            options.overrides.insert(index, Target::Ignore);
        } else if let Some((section, field)) = v.split_once('.') {
            options.overrides.insert(
                index,
                Target::Field {
                    section: section.into(),
                    field: field.into(),
                },
            );
        }
    }
    let kept: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, v)| {
            !v.is_empty()
                && (matches!(k.as_str(), "tep" | "ten" | "don_vi" | "trang" | "mau")
                    || k.starts_with("cot"))
        })
        .cloned()
        .collect();
    Params {
        sha: get("tep"),
        file_name: get("ten"),
        unit: get("don_vi").trim().parse().ok(),
        options,
        pairs: kept,
    }
}

impl Params {
    /// The unit the upload goes to and the upload kept, with the page's options.
    async fn upload(&self, app: &App) -> Result<(i64, ImportFile), AppError> {
        let unit = self
            .unit
            .ok_or_else(|| AppError::BadRequest("Chưa chọn đơn vị nhận hồ sơ.".into()))?;
        let file = app
            .stashed_import(&self.sha, &self.file_name, self.options.clone())
            .await?;
        Ok((unit, file))
    }
}

fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub struct ColumnRow {
    pub index: usize,
    pub letter: String,
    pub header: String,
    pub matched: bool,
    pub options: Vec<Opt>,
}

pub struct ErrorRow {
    pub sheet: String,
    pub row: u32,
    pub letter: String,
    pub column: String,
    pub value: String,
    pub message: String,
}

pub struct ReportView {
    pub file_name: String,
    pub sheet: String,
    pub sheets: Vec<Opt>,
    pub encoding: String,
    pub header_rows: String,
    pub columns: Vec<ColumnRow>,
    pub unmatched: usize,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub incomplete: usize,
    pub refused: usize,
    pub errors: Vec<ErrorRow>,
    /// Further sheets read: (sheet, what it was read as, its columns not recognised).
    pub section_sheets: Vec<(String, String, String)>,
    /// Sheets not read: (sheet, why).
    pub sheet_issues: Vec<(String, String)>,
    /// Links and hidden fields carrying the upload.
    pub query: String,
    pub hidden: Vec<(String, String)>,
    /// The hidden fields without the saved mapping (the form choosing one).
    pub hidden_but_mapping: Vec<(String, String)>,
}

/// A saved column mapping, as the page lists it.
pub struct MappingRow {
    pub id: i64,
    pub name: String,
    pub columns: usize,
    pub saved_on: String,
    pub deletable: bool,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ImportPage {
    layout: Layout,
    units: Vec<Opt>,
    error: Option<String>,
    report: Option<ReportView>,
    /// The system administrator's initial load needs no decision cited.
    system_admin: bool,
    mappings: Vec<MappingRow>,
}

fn report_view(app: &App, r: ImportReport, p: &Params) -> ReportView {
    let targets = app.import_targets();
    let columns = r
        .columns
        .iter()
        .map(|c| {
            let current = match &c.target {
                Some(Target::Field { section, field }) => format!("{section}.{field}"),
                Some(Target::Ignore) => IGNORE.to_string(),
                Some(Target::BirthDateOfSex { .. }) => "sex".to_string(),
                None => String::new(),
            };
            let mut options = vec![
                Opt {
                    value: String::new(),
                    label: "— chưa ghép —".into(),
                    selected: current.is_empty(),
                },
                Opt {
                    value: IGNORE.into(),
                    label: "Bỏ qua cột này".into(),
                    selected: current == IGNORE,
                },
            ];
            if current == "sex" {
                options.push(Opt {
                    value: "sex".into(),
                    label: c.target_label.clone().unwrap_or_default(),
                    selected: true,
                });
            }
            options.extend(targets.iter().map(|(value, label)| Opt {
                selected: *value == current,
                value: value.clone(),
                label: label.clone(),
            }));
            ColumnRow {
                index: c.index,
                letter: c.letter.clone(),
                header: c.header.clone(),
                matched: c.target.is_some(),
                options,
            }
        })
        .collect();
    let hidden: Vec<(String, String)> = p
        .pairs
        .iter()
        .filter(|(k, _)| !k.starts_with("cot"))
        .cloned()
        .collect();
    let hidden_but_mapping = hidden.iter().filter(|(k, _)| k != "mau").cloned().collect();
    let section_sheets = r
        .section_sheets
        .iter()
        .map(|s| {
            let unmatched: Vec<String> = s
                .layout
                .columns
                .iter()
                .filter(|c| c.target.is_none() && !c.header.trim().is_empty())
                .map(|c| format!("{} «{}»", c.letter, c.header))
                .collect();
            (
                s.sheet.clone(),
                s.section_label.clone(),
                unmatched.join(", "),
            )
        })
        .collect();
    let sheet_issues = r
        .sheet_issues
        .iter()
        .map(|i| (i.sheet.clone(), i.message.clone()))
        .collect();
    ReportView {
        section_sheets,
        sheet_issues,
        hidden_but_mapping,
        file_name: r.file_name,
        sheets: r
            .sheets
            .iter()
            .map(|s| Opt {
                value: s.name.clone(),
                label: if s.hidden {
                    format!("{} (trang ẩn)", s.name)
                } else {
                    s.name.clone()
                },
                selected: s.name == r.sheet,
            })
            .collect(),
        sheet: r.sheet,
        encoding: r.encoding.unwrap_or_default(),
        header_rows: r
            .header_rows
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        unmatched: r.columns.iter().filter(|c| c.target.is_none()).count(),
        columns,
        rows: r.rows,
        created: r.created,
        updated: r.updated,
        unchanged: r.unchanged,
        incomplete: r.incomplete,
        refused: r.refused,
        errors: r
            .errors
            .into_iter()
            .map(|e| ErrorRow {
                sheet: e.sheet,
                row: e.row,
                letter: e.letter,
                column: e.column,
                value: e.value,
                message: e.message,
            })
            .collect(),
        query: query_string(&p.pairs),
        hidden,
    }
}

/// The upload form; with an upload (`tep`), its dry run and mapping.
pub async fn page(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let units = app.units_to_administer(&page.actor).await?;
    if units.is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let p = params(pairs);
    let mut error = None;
    let mut report = None;
    if let (false, Some(unit)) = (p.sha.is_empty(), p.unit) {
        let file = app
            .stashed_import(&p.sha, &p.file_name, p.options.clone())
            .await?;
        match app.import_dry_run(&page.actor, &client, unit, &file).await {
            Ok(r) => report = Some(report_view(&app, r, &p)),
            Err(AppError::BadRequest(m)) => error = Some(m),
            Err(e) => return Err(e.into()),
        }
    }
    let mappings = app
        .import_mappings(&page.actor)
        .await?
        .into_iter()
        .map(|m| MappingRow {
            deletable: m.saved_by == page.actor.account_id || page.actor.is_system_admin(),
            selected: p.options.mapping == Some(m.id),
            id: m.id,
            columns: m.columns.len(),
            saved_on: super::format::instant(m.saved_at),
            name: m.name,
        })
        .collect();
    Ok(render(&ImportPage {
        layout: page.layout("Nhập dữ liệu từ Excel", "import"),
        units: unit_opts(&units, p.unit),
        error,
        report,
        system_admin: page.actor.is_system_admin(),
        mappings,
    }))
}

/// The upload: kept, then its dry run.
pub async fn upload(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let mut form =
        form.map_err(|_| AppError::BadRequest("Biểu mẫu tải tệp không hợp lệ.".into()))?;
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(|_| {
        AppError::BadRequest("Tệp tải lên không trọn vẹn hoặc vượt quá dung lượng cho phép.".into())
    })? {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(file_name) = field.file_name().map(str::to_string) {
            let bytes = field.bytes().await.map_err(|_| {
                AppError::BadRequest(
                    "Tệp tải lên không trọn vẹn hoặc vượt quá dung lượng cho phép.".into(),
                )
            })?;
            if !bytes.is_empty() {
                file = Some((file_name, bytes.to_vec()));
            }
        } else {
            fields.push((name, field.text().await.unwrap_or_default()));
        }
    }
    let get = |k: &str| field_value(&fields, k);
    page.check_csrf(get("_csrf").as_deref())?;
    let unit: i64 = get("don_vi")
        .and_then(|u| u.trim().parse().ok())
        .ok_or_else(|| AppError::BadRequest("Chưa chọn đơn vị nhận hồ sơ.".into()))?;
    let (file_name, bytes) =
        file.ok_or_else(|| AppError::BadRequest("Chưa chọn tệp để nhập.".into()))?;
    let sha = app.stash_import(&page.actor, &client, unit, bytes).await?;
    let q = query_string(&[
        ("tep".into(), sha),
        ("ten".into(), file_name),
        ("don_vi".into(), unit.to_string()),
    ]);
    Ok(Redirect::to(&format!("{PATH}?{q}")).into_response())
}

fn field_value(fields: &[(String, String)], k: &str) -> Option<String> {
    fields
        .iter()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.clone())
}

fn attachment(bytes: Vec<u8>, name: &str) -> Result<Response, AppError> {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok((headers, bytes).into_response())
}

/// The uploaded sheet with its error column.
pub async fn errors(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let p = params(pairs);
    let (unit, file) = p.upload(&app).await?;
    let bytes = app
        .import_errors_workbook(&page.actor, &client, unit, &file)
        .await?;
    Ok(attachment(bytes, "nhap-du-lieu-loi.xlsx")?)
}

/// The import template.
pub async fn template(State(app): State<App>, page: PageActor) -> PageResult {
    let bytes = app.import_template(&page.actor)?;
    Ok(attachment(bytes, "mau-nhap-ho-so.xlsx")?)
}

#[derive(serde::Deserialize)]
pub struct UnitExportQuery {
    don_vi: Option<String>,
}

/// The records of a unit in the import template.
pub async fn unit_export(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Query(q): Query<UnitExportQuery>,
) -> PageResult {
    let unit: i64 = q
        .don_vi
        .and_then(|u| u.trim().parse().ok())
        .ok_or_else(|| AppError::BadRequest("Chưa chọn đơn vị để xuất hồ sơ.".into()))?;
    let bytes = app
        .export_unit_for_import(&page.actor, &client, unit)
        .await?;
    Ok(attachment(bytes, &format!("ho-so-don-vi-{unit}.xlsx"))?)
}

/// Queues the import with the mapping shown; on to its progress.
pub async fn run(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    page.check_csrf(field_value(&pairs, "_csrf").as_deref())?;
    let p = params(pairs);
    let (unit, file) = p.upload(&app).await?;
    let job = app.enqueue_import(&page.actor, &client, unit, file).await?;
    Ok(Redirect::to(&format!("/nhap-du-lieu/viec/{}", job.id)).into_response())
}

/// Saves the columns mapped by hand under a name; back to the dry run, with it chosen.
pub async fn save_mapping(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let csrf = field_value(&pairs, "_csrf");
    page.check_csrf(csrf.as_deref())?;
    let name = field_value(&pairs, "ten_cach_ghep").unwrap_or_default();
    let p = params(pairs);
    let (unit, file) = p.upload(&app).await?;
    let saved = app
        .save_import_mapping_of_file(&page.actor, &client, unit, &file, &name)
        .await?;
    let mut pairs: Vec<(String, String)> =
        p.pairs.into_iter().filter(|(k, _)| k != "mau").collect();
    pairs.push(("mau".into(), saved.id.to_string()));
    Ok(Redirect::to(&format!("{PATH}?{}", query_string(&pairs))).into_response())
}

/// Deletes a saved mapping.
pub async fn delete_mapping(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    app.delete_import_mapping(&page.actor, &client, id).await?;
    Ok(Redirect::to(PATH).into_response())
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    layout: Layout,
    job: JobView,
    running: bool,
    bar: Option<(i64, i64)>,
}

/// An import's progress (refreshing itself while it waits or runs).
pub async fn job(State(app): State<App>, page: PageActor, Path(id): Path<i64>) -> PageResult {
    let job = app.import_job(&page.actor, id).await?;
    let running =
        job.status == JobStatus::Queued.as_str() || job.status == JobStatus::Running.as_str();
    Ok(render(&JobPage {
        layout: page.layout("Nhập dữ liệu từ Excel", "import"),
        bar: job
            .progress_total
            .filter(|t| *t > 0)
            .map(|t| (job.progress_done.min(t), t)),
        running,
        job,
    }))
}

/// Stops an import.
pub async fn cancel(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    app.cancel_import(&page.actor, &client, id).await?;
    Ok(Redirect::to(&format!("/nhap-du-lieu/viec/{id}")).into_response())
}
