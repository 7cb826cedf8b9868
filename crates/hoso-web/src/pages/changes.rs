//! Pages of the self-service workflow: one's change requests (*phiếu bổ sung lý lịch*), the
//! section editor on a request, evidence upload, the HR officer's verification queue with the
//! side-by-side difference, and the approver's signing pages.

use std::collections::HashMap;

use crate::extract::Query;
use crate::pages::back_with_message;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::{Form, body::Bytes};
use base64::Engine;
use hoso_app::approval_returns::{LeaveOut, ReturnInput, ReturnedList};
use hoso_app::approvals::{PrepareBatch, SignBatch};
use hoso_app::changes::{ChangeQuery, ChangeSummary, NewChange, ReviewInput, SaveChange, Upload};
use hoso_app::{App, AppError, Page};
use hoso_domain::changes::ChangeState;
use hoso_domain::schema::RecordDoc;
use serde::Deserialize;
use serde_json::Value;

use super::record::{
    EditPage, Raw, change_text, edit_page, find_section, first, form_failure, initial_state,
    section_from_form,
};
use super::{
    Flash, Layout, PageActor, PageError, PageResult, flash_query, format, render, render_status,
};
use crate::extract::Client;

// ───────────────────────────── lists ─────────────────────────────

pub struct ChangeRow {
    pub id: i64,
    pub person_id: i64,
    pub person: String,
    pub state: String,
    pub state_code: String,
    pub sections: String,
    pub reason: String,
    pub submitted: String,
    pub updated: String,
    pub comment: String,
}

impl From<ChangeSummary> for ChangeRow {
    fn from(c: ChangeSummary) -> Self {
        let state_code = c.shown_state_code().to_string();
        ChangeRow {
            id: c.id,
            person_id: c.person_id,
            person: c.person_name,
            state_code,
            state: c.state_label,
            sections: c.section_labels.join(", "),
            reason: c.reason,
            submitted: c.submitted_at.map(format::instant).unwrap_or_default(),
            updated: format::instant(c.updated_at),
            comment: c.review_comment.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "changes.html")]
struct ListPage {
    layout: Layout,
    heading: String,
    intro: String,
    action: String,
    /// The verification queue (shows the person and the verify link) or one's own list.
    queue: bool,
    rows: Vec<ChangeRow>,
    total: String,
    q: String,
    state: String,
    states: Vec<(&'static str, &'static str)>,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    /// Records a head sent back before signing (the verification queue only).
    returned: Vec<ReturnedRow>,
}

/// A record a head sent back before signing, with what they said.
pub struct ReturnedRow {
    pub person_id: i64,
    pub person: String,
    pub version: i64,
    pub head: HeadReturn,
}

impl From<hoso_app::approval_returns::ReturnedRecord> for ReturnedRow {
    fn from(r: hoso_app::approval_returns::ReturnedRecord) -> Self {
        ReturnedRow {
            person_id: r.person_id,
            person: r.person_name,
            version: r.returned.version,
            head: HeadReturn::from(&r.returned),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    state: Option<String>,
    page: Option<i64>,
}

fn list_page(
    page: &PageActor,
    result: Page<ChangeSummary>,
    query: &ListQuery,
    queue: bool,
) -> ListPage {
    let (heading, intro, action, nav) = if queue {
        (
            "Xác thực thông tin",
            "Phiếu bổ sung lý lịch của cán bộ trong phạm vi bạn quản lý, cũ nhất trước. Đối chiếu với hồ sơ giấy rồi xác thực hoặc trả lại.",
            "/xac-thuc",
            "verify",
        )
    } else {
        (
            "Đề nghị bổ sung lý lịch của tôi",
            "Các phiếu bạn đã lập: bản nháp, chờ xác thực, bị trả lại (kèm lý do), đã xác thực.",
            "/de-nghi",
            "changes",
        )
    };
    let pages = ((result.total + result.per_page - 1) / result.per_page).max(1);
    let link = |p: i64| {
        format!(
            "{action}?q={}&state={}&page={p}",
            format::url_encode(query.q.as_deref().unwrap_or("")),
            format::url_encode(query.state.as_deref().unwrap_or(""))
        )
    };
    ListPage {
        layout: page.layout(heading, nav),
        heading: heading.into(),
        intro: intro.into(),
        action: action.into(),
        queue,
        total: format::thousands(result.total),
        rows: result.items.into_iter().map(ChangeRow::from).collect(),
        q: query.q.clone().unwrap_or_default(),
        state: query.state.clone().unwrap_or_default(),
        states: ChangeState::ALL
            .iter()
            .filter(|s| !queue || **s != ChangeState::Draft)
            .map(|s| (s.as_str(), s.label_vi()))
            .collect(),
        page: result.page,
        pages,
        prev: (result.page > 1).then(|| link(result.page - 1)),
        next: (result.page < pages).then(|| link(result.page + 1)),
        returned: Vec::new(),
    }
}

fn change_query(q: &ListQuery) -> ChangeQuery {
    ChangeQuery {
        q: q.q.clone().filter(|s| !s.trim().is_empty()),
        state: q.state.clone().filter(|s| !s.is_empty()),
        page: q.page,
        per_page: Some(50),
    }
}

pub async fn mine(
    State(app): State<App>,
    page: PageActor,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let result = app.my_changes(&page.actor, change_query(&q)).await?;
    Ok(render(&list_page(&page, result, &q, false)))
}

pub async fn queue(
    State(app): State<App>,
    page: PageActor,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let result = app
        .verification_queue(&page.actor, change_query(&q))
        .await?;
    let mut view = list_page(&page, result, &q, true);
    view.returned = app
        .returned_records(&page.actor, ReturnedList::ToCorrect)
        .await?
        .into_iter()
        .map(ReturnedRow::from)
        .collect();
    Ok(render(&view))
}

// ───────────────────────────── one request ─────────────────────────────

pub struct DiffRow {
    pub section: String,
    pub row: String,
    pub field: String,
    pub before: String,
    pub after: String,
}

/// Field-by-field differences as the page shows them, values in words.
fn diff_rows(app: &App, changes: &[hoso_domain::changes::FieldChange]) -> Vec<DiffRow> {
    changes
        .iter()
        .map(|c| DiffRow {
            section: c.section_label.clone(),
            row: c.row.map(|r| format!("Dòng {}", r + 1)).unwrap_or_default(),
            field: c.field_label.clone(),
            before: change_text(app, c, &c.before),
            after: change_text(app, c, &c.after),
        })
        .collect()
}

pub struct FileRow {
    pub sha: String,
    pub name: String,
    pub size: String,
    pub proves: String,
}

#[derive(Template)]
#[template(path = "change.html")]
struct ChangePage {
    layout: Layout,
    id: i64,
    person_id: i64,
    person: String,
    state: String,
    state_code: String,
    reason: String,
    proposer: String,
    reviewer: String,
    comment: String,
    result_version: Option<i64>,
    base_version: i64,
    current_version: i64,
    diff: Vec<DiffRow>,
    conflicts: Vec<String>,
    files: Vec<FileRow>,
    sections: Vec<(String, String)>,
    may_edit: bool,
    may_submit: bool,
    may_withdraw: bool,
    may_review: bool,
    /// What the head said when sending the verified version back, and whether HR dealt with it.
    head_return: Option<HeadReturn>,
    error: Option<String>,
    done: Option<String>,
    max_mb: String,
}

pub struct HeadReturn {
    pub by: String,
    pub at: String,
    pub comment: String,
    pub settled: bool,
    pub reply: String,
}

impl From<&hoso_app::approval_returns::ApprovalReturnView> for HeadReturn {
    fn from(r: &hoso_app::approval_returns::ApprovalReturnView) -> Self {
        HeadReturn {
            by: r.returned_by_name.clone(),
            at: format::instant(r.returned_at),
            comment: r.comment.clone(),
            settled: r.settled,
            reply: r.reply.clone().unwrap_or_default(),
        }
    }
}

async fn change_page(
    app: &App,
    page: &PageActor,
    client: &hoso_app::ClientInfo,
    id: i64,
    error: Option<String>,
    done: Option<String>,
) -> Result<ChangePage, PageError> {
    let d = app.change(&page.actor, id, client).await?;
    let schema = app.schemas().latest();
    let diff = diff_rows(app, &d.changes);
    let labels: HashMap<&str, &str> = schema
        .sections
        .iter()
        .map(|s| (s.id.as_str(), s.label.as_str()))
        .collect();
    let nav = if page.actor.person_id == Some(d.summary.person_id) {
        "changes"
    } else {
        "verify"
    };
    Ok(ChangePage {
        layout: page.layout(format!("Phiếu bổ sung lý lịch số {id}"), nav),
        id,
        person_id: d.summary.person_id,
        person: d.summary.person_name.clone(),
        state: d.summary.state_label.clone(),
        state_code: d.summary.shown_state_code().to_string(),
        reason: d.summary.reason.clone(),
        proposer: d.proposer_name.clone(),
        reviewer: d.reviewer_name.clone().unwrap_or_default(),
        comment: d.summary.review_comment.clone().unwrap_or_default(),
        result_version: d.summary.result_version,
        base_version: d.summary.base_version,
        current_version: d.current_version,
        diff,
        conflicts: d
            .conflicts
            .iter()
            .map(|c| labels.get(c.as_str()).map_or(c.clone(), |l| l.to_string()))
            .collect(),
        files: d
            .attachments
            .iter()
            .map(|a| FileRow {
                sha: a.sha256.clone(),
                name: a.file_name.clone(),
                size: format!("{} KB", format::thousands((a.size + 1023) / 1024)),
                proves: a
                    .section
                    .as_deref()
                    .map(|s| labels.get(s).map_or(s.to_string(), |l| l.to_string()))
                    .unwrap_or_default(),
            })
            .collect(),
        sections: schema
            .sections
            .iter()
            .filter(|s| !s.is_system_managed())
            .map(|s| (s.id.clone(), s.label.clone()))
            .collect(),
        may_edit: d.may_edit,
        may_submit: d.may_submit,
        may_withdraw: d.may_withdraw,
        may_review: d.may_review,
        head_return: d.approval_return.as_ref().map(HeadReturn::from),
        error,
        done,
        max_mb: format::thousands((app.config().attachment_max_bytes / (1024 * 1024)) as i64),
    })
}

pub async fn show(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> PageResult {
    let (error, done) = (flash.message(&page, "loi"), flash.message(&page, "xong"));
    let p = change_page(&app, &page, &client, id, error, done).await?;
    Ok(render(&p))
}

#[derive(Debug, Deserialize)]
pub struct NewForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    person_id: i64,
    reason: String,
}

/// Opens a draft from the record page, then shows it.
pub async fn create(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<NewForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    match app
        .create_change(
            &page.actor,
            NewChange {
                person_id: f.person_id,
                reason: f.reason,
                sections: None,
            },
            &client,
        )
        .await
    {
        Ok(d) => Ok(Redirect::to(&format!(
            "/de-nghi/{}?{}",
            d.summary.id,
            flash_query(
                &page,
                "xong",
                "Đã lập phiếu. Chọn mục cần bổ sung, sửa đổi bên dưới."
            )
        ))
        .into_response()),
        Err(AppError::BadRequest(m)) => Ok(Redirect::to(&format!(
            "/ho-so/{}?{}#de-nghi",
            f.person_id,
            flash_query(&page, "loi", &m)
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    comment: Option<String>,
}

fn back_to(page: &PageActor, id: i64, result: Result<String, AppError>) -> PageResult {
    back_with_message(page, &format!("/de-nghi/{id}"), result)
}

pub async fn act(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<ActionForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let review = ReviewInput { comment: f.comment };
    let result = match action.as_str() {
        "gui" => app
            .submit_change(&page.actor, id, &client)
            .await
            .map(|_| "Đã gửi phiếu cho cán bộ tổ chức xác thực.".to_string()),
        "rut" => app
            .withdraw_change(&page.actor, id, &client)
            .await
            .map(|_| "Đã rút phiếu.".to_string()),
        "xac-thuc" => app
            .verify_change(&page.actor, id, review, &client)
            .await
            .map(|d| {
                format!(
                    "Đã xác thực. Nội dung thành phiên bản {} của hồ sơ, chờ thủ trưởng phê duyệt.",
                    d.summary.result_version.unwrap_or_default()
                )
            }),
        "tra-lai" => app
            .return_change(&page.actor, id, review, &client)
            .await
            .map(|_| "Đã trả lại phiếu cho người đề nghị.".to_string()),
        _ => return Err(AppError::NotFound("Không có thao tác này.").into()),
    };
    back_to(&page, id, result)
}

/// What a signing form sends, as (signature, pkcs12, password), files in base64: the key file
/// and its password in `mode` pkcs12, otherwise a signature made outside, as a file or pasted.
/// A pasted signature is taken whichever mode was left selected.
pub(super) fn signature_fields(
    fields: &HashMap<String, String>,
    file: Option<(String, Vec<u8>)>,
) -> (Option<String>, Option<String>, Option<String>) {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let pasted = fields
        .get("signature")
        .filter(|text| !text.trim().is_empty())
        .cloned();
    match (fields.get("mode").map(String::as_str), file, pasted) {
        (Some("pkcs12"), Some((_, bytes)), _) => {
            (None, Some(b64(&bytes)), fields.get("password").cloned())
        }
        (_, _, Some(text)) => (Some(text), None, None),
        (Some("pkcs12"), None, None) => (None, None, None),
        (_, file, None) => (file.map(|(_, bytes)| b64(&bytes)), None, None),
    }
}

/// Reads a multipart form: its text fields and its first file (name, bytes).
pub(super) async fn read_form(
    mut form: Multipart,
) -> Result<(HashMap<String, String>, Option<(String, Vec<u8>)>), AppError> {
    let mut fields = HashMap::new();
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(|_| {
        AppError::BadRequest("Tệp tải lên không trọn vẹn hoặc vượt quá dung lượng cho phép.".into())
    })? {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(file_name) = field.file_name().map(str::to_string) {
            let bytes: Bytes = field.bytes().await.map_err(|_| {
                AppError::BadRequest(
                    "Tệp tải lên không trọn vẹn hoặc vượt quá dung lượng cho phép.".into(),
                )
            })?;
            if !bytes.is_empty() && file.is_none() {
                file = Some((file_name, bytes.to_vec()));
            }
            fields.insert(name, String::new());
        } else {
            fields.insert(name, field.text().await.unwrap_or_default());
        }
    }
    Ok((fields, file))
}

pub async fn upload(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let form = form.map_err(|_| AppError::BadRequest("Biểu mẫu tải tệp không hợp lệ.".into()))?;
    let (fields, file) = match read_form(form).await {
        Ok(r) => r,
        Err(e) => return back_to(&page, id, Err(e)),
    };
    page.check_csrf(fields.get("_csrf").map(String::as_str))?;
    let Some((file_name, bytes)) = file else {
        return back_to(
            &page,
            id,
            Err(AppError::BadRequest("Chưa chọn tệp bản quét.".into())),
        );
    };
    let result = app
        .attach_to_change(
            &page.actor,
            id,
            Upload {
                file_name,
                bytes,
                section: fields.get("section").filter(|s| !s.is_empty()).cloned(),
                row_index: None,
            },
            &client,
        )
        .await
        .map(|a| format!("Đã đính kèm “{}”.", a.file_name));
    back_to(&page, id, result)
}

pub async fn download(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path((id, sha)): Path<(i64, String)>,
) -> PageResult {
    let (meta, bytes) = app
        .change_attachment(&page.actor, id, &sha, &client)
        .await?;
    Ok(crate::api::changes::file_response(
        &meta.media_type,
        &meta.file_name,
        bytes,
    ))
}

pub async fn detach(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path((id, sha)): Path<(i64, String)>,
    Form(f): Form<ActionForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let result = app
        .detach_from_change(&page.actor, id, &sha, &client)
        .await
        .map(|_| "Đã bỏ tệp đính kèm.".to_string());
    back_to(&page, id, result)
}

// ───────────────────────────── section editor ─────────────────────────────

#[derive(Debug, Deserialize)]
pub struct SectionPath {
    id: i64,
    section: String,
}

/// The record with the request's proposal applied, as the editor starts from.
async fn proposed_view(
    app: &App,
    page: &PageActor,
    client: &hoso_app::ClientInfo,
    id: i64,
) -> Result<
    (
        hoso_app::records::PersonView,
        hoso_app::changes::ChangeDetail,
    ),
    PageError,
> {
    let detail = app.change(&page.actor, id, client).await?;
    if !detail.may_edit {
        return Err(AppError::Conflict(
            "Phiếu đã gửi hoặc đã được xử lý, không sửa được nữa.".into(),
        )
        .into());
    }
    let mut view = app
        .get_person(&page.actor, detail.summary.person_id, client)
        .await?;
    for (k, v) in &detail.proposed {
        view.record.insert(k.clone(), v.clone());
    }
    Ok((view, detail))
}

fn for_change(mut p: EditPage, id: i64, section: &str) -> EditPage {
    p.action = format!("/de-nghi/{id}/sua/{section}");
    p.back = format!("/de-nghi/{id}");
    p.intro = format!(
        "Phiếu bổ sung lý lịch số {id}: nội dung mục này sau khi bổ sung, sửa đổi. Hồ sơ chỉ thay đổi khi cán bộ tổ chức xác thực và thủ trưởng phê duyệt."
    );
    p
}

pub async fn edit_form(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(p): Path<SectionPath>,
) -> PageResult {
    let section = find_section(&app, &p.section)?;
    let (view, _) = proposed_view(&app, &page, &client, p.id).await?;
    let state = initial_state(section, view.record.get(&section.id));
    Ok(render(&for_change(
        edit_page(&app, &page, &view, section, state),
        p.id,
        &section.id,
    )))
}

pub async fn edit_submit(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(p): Path<SectionPath>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let mut raw = Raw::new();
    for (k, v) in pairs {
        raw.entry(k).or_default().push(v);
    }
    page.check_csrf(raw.get("_csrf").and_then(|v| v.first()).map(String::as_str))?;
    let section = find_section(&app, &p.section)?;
    let (view, _) = proposed_view(&app, &page, &client, p.id).await?;
    let rows: usize = first(&raw, "_rows").parse::<usize>().unwrap_or(0).min(500);
    let (value, kept) = section_from_form(section, &raw, rows, view.record.get(&section.id));
    let mut sections = RecordDoc::new();
    sections.insert(section.id.clone(), value);
    let failure = match app
        .save_change(
            &page.actor,
            p.id,
            SaveChange {
                reason: None,
                sections,
            },
            &client,
        )
        .await
    {
        Ok(_) => {
            return Ok(Redirect::to(&format!(
                "/de-nghi/{}?{}",
                p.id,
                flash_query(
                    &page,
                    "xong",
                    &format!("Đã lưu mục “{}” vào phiếu.", section.label)
                )
            ))
            .into_response());
        }
        Err(e) => e,
    };
    let (state, status) = form_failure(section, raw, rows, &kept, failure)?;
    Ok(render_status(
        status,
        &for_change(
            edit_page(&app, &page, &view, section, state),
            p.id,
            &section.id,
        ),
    ))
}

// ───────────────────────────── approval ─────────────────────────────

pub struct AwaitingRow {
    pub person_id: i64,
    pub person: String,
    pub official: i64,
    pub current: i64,
    pub versions: String,
    /// The head wrote one of the versions: another approver signs it.
    pub own: bool,
}

pub struct BatchRowView {
    pub id: i64,
    pub state: String,
    pub items: i64,
    pub prepared: String,
    pub signed: String,
    pub signer: String,
}

#[derive(Template)]
#[template(path = "approvals.html")]
struct ApprovalsPage {
    layout: Layout,
    window_open: bool,
    window_days: String,
    window_limit: String,
    window_basis: Option<String>,
    total: String,
    rows: Vec<AwaitingRow>,
    batches: Vec<BatchRowView>,
    system_admin: bool,
    /// Records this head sent back, waiting for HR.
    returned: Vec<ReturnedRow>,
    error: Option<String>,
    done: Option<String>,
}

fn batch_state(s: &str) -> String {
    match s {
        "prepared" => "Chờ ký".into(),
        "signed" => "Đã ký".into(),
        "abandoned" => "Đã hủy".into(),
        other => other.into(),
    }
}

pub async fn approvals(
    State(app): State<App>,
    page: PageActor,
    Query(flash): Query<Flash>,
) -> PageResult {
    let queue = app.approval_queue(&page.actor).await?;
    let batches = app
        .batches(&page.actor, hoso_app::Paging::new(Some(1), Some(20))?)
        .await?;
    Ok(render(&ApprovalsPage {
        layout: page.layout("Phê duyệt", "approve"),
        window_open: queue.window.open,
        window_days: queue.window.days.join(", "),
        window_limit: queue.window.time_limit.clone().unwrap_or_default(),
        window_basis: queue.window.legal_basis.clone(),
        total: format::thousands(queue.total),
        rows: queue
            .records
            .iter()
            .take(500)
            .map(|r| AwaitingRow {
                person_id: r.person_id,
                person: r.person_name.clone(),
                official: r.official_version,
                current: r.current_version,
                own: r.written_by(page.actor.account_id),
                versions: r
                    .versions
                    .iter()
                    .map(|v| match v.change_request_id {
                        Some(c) => format!("{} (phiếu {c})", v.version),
                        None => format!("{} (cán bộ tổ chức nhập)", v.version),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        batches: batches
            .items
            .into_iter()
            .map(|b| BatchRowView {
                id: b.id,
                state: batch_state(&b.state),
                items: b.item_count,
                prepared: format::instant(b.prepared_at),
                signed: b.signed_at.map(format::instant).unwrap_or_default(),
                signer: b.signer_subject.unwrap_or_default(),
            })
            .collect(),
        system_admin: page.actor.is_system_admin(),
        returned: app
            .returned_records(&page.actor, ReturnedList::SentBack)
            .await?
            .into_iter()
            .map(ReturnedRow::from)
            .collect(),
        error: flash.message(&page, "loi"),
        done: flash.message(&page, "xong"),
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct ReturnForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    person_id: Option<i64>,
    comment: Option<String>,
}

/// The head sends a waiting record back to HR from the approval queue.
pub async fn return_record(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(f): Form<ReturnForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let person_id = f.person_id.ok_or_else(AppError::record_not_found)?;
    let input = ReturnInput { comment: f.comment };
    let result = app
        .return_for_correction(&page.actor, person_id, input, &client)
        .await
        .map(|_| "Đã trả lại hồ sơ cho cán bộ tổ chức kèm ý kiến của bạn; hồ sơ trở lại danh sách chờ phê duyệt khi được sửa hoặc gửi lại.".to_string());
    back_with_message(&page, "/phe-duyet", result)
}

#[derive(Debug, Default, Deserialize)]
pub struct LeaveOutForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    person_id: Option<i64>,
    comment: Option<String>,
    /// `tra_lai`: send it back to HR with the comment; else keep it waiting for a later batch.
    cach: Option<String>,
}

/// The head takes one record out of a batch before signing, and may send it back to HR.
pub async fn leave_out(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<LeaveOutForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let person_id = f.person_id.ok_or_else(AppError::record_not_found)?;
    let send_back = f.cach.as_deref() == Some("tra_lai");
    let input = LeaveOut {
        person_id,
        return_comment: send_back.then(|| f.comment.unwrap_or_default()),
    };
    let left = match app
        .leave_out_of_batch(&page.actor, id, input, &client)
        .await
    {
        Ok(left) => left,
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_))) => {
            let p = batch_page(&app, &page, &client, id, Some(e.to_string())).await?;
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p));
        }
        Err(e) => return Err(e.into()),
    };
    let what = if left.returned {
        format!("Đã bỏ hồ sơ khỏi lô {id} và trả lại cho cán bộ tổ chức kèm ý kiến của bạn.")
    } else {
        format!("Đã bỏ hồ sơ khỏi lô {id}; hồ sơ vẫn chờ phê duyệt ở lô sau.")
    };
    Ok(match left.batch {
        Some(b) => {
            let message = format!(
                "{what} Lô {id} đã hủy; lô mới số {} gồm các hồ sơ còn lại, kiểm tra rồi ký.",
                b.id
            );
            Redirect::to(&format!(
                "/phe-duyet/lo/{}?{}",
                b.id,
                flash_query(&page, "xong", &message)
            ))
        }
        None => {
            let message = match left.note {
                Some(why) => format!("{what} Chưa lập lại lô cho các hồ sơ còn lại: {why}"),
                None => format!("{what} Lô {id} không còn hồ sơ nào nên đã hủy."),
            };
            Redirect::to(&format!(
                "/phe-duyet?{}",
                flash_query(&page, "xong", &message)
            ))
        }
    }
    .into_response())
}

/// The records ticked on the approval page (`chon`, repeated), when the form offered the
/// choice (`chon_co`); `None`: every record waiting.
fn chosen_records(fields: &[(String, String)]) -> Result<Option<Vec<i64>>, AppError> {
    if !fields.iter().any(|(k, _)| k == "chon_co") {
        return Ok(None);
    }
    let ids: Vec<i64> = fields
        .iter()
        .filter(|(k, _)| k == "chon")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if ids.is_empty() {
        return Err(AppError::BadRequest(
            "Chưa chọn hồ sơ nào: đánh dấu các hồ sơ cần ký trong danh sách chờ phê duyệt.".into(),
        ));
    }
    Ok(Some(ids))
}

pub async fn prepare(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    page.check_csrf(field("_csrf"))?;
    let chosen = chosen_records(&fields).map(|person_ids| PrepareBatch {
        person_ids,
        override_window: Some(field("override_window").is_some()),
    });
    let prepared = match chosen {
        Ok(input) => app.prepare_batch(&page.actor, input, &client).await,
        Err(e) => Err(e),
    };
    match prepared {
        Ok(b) => Ok(Redirect::to(&format!("/phe-duyet/lo/{}", b.id)).into_response()),
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_))) => Ok(Redirect::to(&format!(
            "/phe-duyet?{}",
            flash_query(&page, "loi", &e.to_string())
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

pub struct ItemRow {
    pub person_id: i64,
    pub name: String,
    pub unit: String,
    pub version: i64,
    pub hash: String,
    pub attachments: usize,
    /// The person's first version in the batch (where the "leave out" form is offered).
    pub first: bool,
    /// What the version changes, as the HR officer saw it when verifying.
    pub diff: Vec<DiffRow>,
}

/// Batches longer than this list their people and link to each record's history instead of
/// showing every difference on one page.
const DIFFS_SHOWN: usize = 100;

#[derive(Template)]
#[template(path = "batch.html")]
struct BatchPage {
    layout: Layout,
    id: i64,
    state: String,
    prepared: bool,
    manifest_sha256: String,
    items: Vec<ItemRow>,
    /// Versions made official by the signature (0 until signed).
    signed_count: usize,
    /// Each version's changes are on the page (not for very long batches).
    diffs_shown: bool,
    done: Option<String>,
    signed: String,
    signer: String,
    mode: String,
    system_admin: bool,
    window_open: bool,
    error: Option<String>,
}

async fn batch_page(
    app: &App,
    page: &PageActor,
    client: &hoso_app::ClientInfo,
    id: i64,
    error: Option<String>,
) -> Result<BatchPage, PageError> {
    let b = app.batch(&page.actor, id).await?;
    let people: HashMap<i64, hoso_app::approvals::BatchPerson> = app
        .batch_people(&page.actor, id)
        .await?
        .into_iter()
        .map(|p| (p.person_id, p))
        .collect();
    let manifest: Value = serde_json::from_str(&b.manifest).unwrap_or(Value::Null);
    let listed = manifest["items"].as_array().cloned().unwrap_or_default();
    let show_diffs = listed.len() <= DIFFS_SHOWN;
    let mut items = Vec::with_capacity(listed.len());
    for i in &listed {
        let person_id = i["person_id"].as_i64().unwrap_or_default();
        let version = i["version"].as_i64().unwrap_or_default();
        let diff = if show_diffs {
            let changes = app
                .version_changes(&page.actor, person_id, version, client)
                .await?
                .changes;
            diff_rows(app, &changes)
        } else {
            Vec::new()
        };
        let who = people.get(&person_id);
        let first = !items.iter().any(|i: &ItemRow| i.person_id == person_id);
        items.push(ItemRow {
            first,
            person_id,
            name: who.map_or_else(|| format!("Hồ sơ {person_id}"), |p| p.full_name.clone()),
            unit: who.map(|p| p.unit_name.clone()).unwrap_or_default(),
            version,
            hash: i["hash"].as_str().unwrap_or("").chars().take(16).collect(),
            attachments: i["attachments"].as_array().map_or(0, Vec::len),
            diff,
        });
    }
    Ok(BatchPage {
        layout: page.layout(format!("Lô phê duyệt số {id}"), "approve"),
        id,
        state: batch_state(&b.state),
        prepared: b.state == "prepared",
        manifest_sha256: b.manifest_sha256,
        signed_count: if b.state == "signed" { items.len() } else { 0 },
        diffs_shown: show_diffs,
        done: None,
        items,
        signed: b.signed_at.map(format::instant).unwrap_or_default(),
        signer: b.signer_subject.unwrap_or_default(),
        mode: match b.signing_mode.as_deref() {
            Some("pkcs12") => "Tệp khóa PKCS#12".into(),
            Some("external") => "Công cụ ký số (chữ ký tách rời)".into(),
            _ => String::new(),
        },
        system_admin: page.actor.is_system_admin(),
        window_open: app.approval_window().open,
        error,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct BatchQuery {
    /// Set after a signature: the page confirms it (a code, not a text).
    #[serde(default)]
    da_ky: Option<String>,
    /// A signed confirmation (a record left out of the batch it replaces).
    xong: Option<String>,
    ky: Option<String>,
}

pub async fn batch(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Query(q): Query<BatchQuery>,
) -> PageResult {
    let mut view = batch_page(&app, &page, &client, id, None).await?;
    view.done = Flash {
        loi: None,
        xong: q.xong,
        ky: q.ky,
    }
    .message(&page, "xong");
    if q.da_ky.is_some() && view.signed_count > 0 {
        view.done = Some(format!(
            "Đã ký và phê duyệt {} phiên bản hồ sơ: các phiên bản này đã thành chính thức, người đề nghị thấy phiếu của mình “Đã phê duyệt”.",
            view.signed_count
        ));
    }
    Ok(render(&view))
}

pub async fn sign(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let form = form.map_err(|_| AppError::BadRequest("Biểu mẫu ký số không hợp lệ.".into()))?;
    let (fields, file) = match read_form(form).await {
        Ok(r) => r,
        Err(e) => {
            let p = batch_page(&app, &page, &client, id, Some(e.to_string())).await?;
            return Ok(render_status(StatusCode::BAD_REQUEST, &p));
        }
    };
    page.check_csrf(fields.get("_csrf").map(String::as_str))?;
    let (signature, pkcs12, password) = signature_fields(&fields, file);
    let input = SignBatch {
        signature,
        pkcs12,
        password,
        override_window: Some(fields.contains_key("override_window")),
    };
    if input.pkcs12.is_none() && input.signature.is_none() {
        let p = batch_page(
            &app,
            &page,
            &client,
            id,
            Some("Chưa chọn tệp khóa ký số hoặc chữ ký.".into()),
        )
        .await?;
        return Ok(render_status(StatusCode::BAD_REQUEST, &p));
    }
    match app.sign_batch(&page.actor, id, input, &client).await {
        Ok(_) => Ok(Redirect::to(&format!("/phe-duyet/lo/{id}?da_ky=1")).into_response()),
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_))) => {
            let p = batch_page(&app, &page, &client, id, Some(e.to_string())).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn abandon(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    app.abandon_batch(&page.actor, id, &client).await?;
    Ok(Redirect::to("/phe-duyet").into_response())
}
