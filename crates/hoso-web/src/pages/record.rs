//! The record page (every section of the sơ yếu lý lịch, rendered from the schema) and its edit
//! forms, one per section, generated from the schema as well.

use std::collections::HashMap;

use crate::extract::Query;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use hoso_app::records::{PersonView, UpdateRecord};
use hoso_app::{App, AppError, Capability};
use hoso_domain::access::AccessLevel;
use hoso_domain::catalog::Catalogs;
use hoso_domain::schema::{Field, FieldKind, FieldRole, RecordDoc, Requirement, Section};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Layout, PageActor, PageError, PageResult, format, render, render_status};
use crate::extract::Client;

/// One field of a single section, for reading.
pub struct FieldView {
    pub label: String,
    pub value: String,
}

pub struct SectionView {
    pub id: String,
    pub label: String,
    pub repeating: bool,
    pub fields: Vec<FieldView>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub is_empty: bool,
}

pub struct VersionView {
    pub version: i64,
    pub at: String,
    pub by: String,
    pub note: String,
    /// Where the version comes from ("Phiếu bổ sung lý lịch số 12").
    pub source: String,
    pub hash: String,
    /// "Đã phê duyệt …" / "Chờ phê duyệt" / "" (official before the workflow).
    pub approval: String,
    /// A signed package can be downloaded.
    pub package: bool,
    /// The scans attached to this edit: download link and file name.
    pub scans: Vec<(String, String)>,
    /// The reader wrote this edit and may attach a scan to it.
    pub attach: bool,
}

/// A change request on the record, for its list on the record page.
pub struct ChangeRow {
    pub id: i64,
    pub state: String,
    pub sections: String,
    pub reason: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    layout: Layout,
    id: i64,
    name: String,
    unit_name: String,
    status: String,
    version: i64,
    clearance: String,
    may_edit: bool,
    /// May open a change request (own record, or HR officer).
    may_propose: bool,
    /// The reader's own record: plain words, without the versions' technical details.
    own: bool,
    /// The confirmation after a save, and the section it is shown in (empty: at the top).
    saved: Option<String>,
    saved_section: String,
    /// The version just saved, when the reader wrote it: the notice offers to attach its scan.
    saved_version: Option<i64>,
    error: Option<String>,
    /// A signed confirmation (a scan attached).
    done: Option<String>,
    sections: Vec<SectionView>,
    versions: Vec<VersionView>,
    official_version: i64,
    changes: Vec<ChangeRow>,
    /// The personal account, for those who administer it.
    personal_account: Option<PersonalAccountPanel>,
    /// The record's movements between units (điều động, luân chuyển, biệt phái).
    movements: Vec<MovementLine>,
    /// May record a movement of this person.
    may_move: bool,
    /// A head sent the waiting changes back before signing: what they said.
    head_return: Option<super::changes::HeadReturn>,
}

pub struct MovementLine {
    pub id: i64,
    pub kind: String,
    pub decision: String,
    pub effective: String,
    pub state: String,
}

pub struct PersonalAccountPanel {
    pub state: &'static str,
    pub label: &'static str,
    pub username: String,
    pub valid_until: String,
    pub working: bool,
}

fn clearance_of(view: &PersonView) -> AccessLevel {
    serde_json::from_value(Value::String(view.clearance.clone())).unwrap_or(AccessLevel::Public)
}

fn name_of(app: &App, view: &PersonView) -> String {
    app.schemas()
        .latest()
        .role_text(&view.record, FieldRole::DisplayName)
        .unwrap_or("")
        .to_string()
}

/// A value as the reader sees it (the same reading the printed sơ yếu lý lịch uses).
fn display(
    field: &Field,
    value: &Value,
    catalogs: &Catalogs,
    units: &HashMap<i64, String>,
) -> String {
    hoso_app::display::value(field, value, catalogs, units)
}

fn sections_view(view: &PersonView, app: &App, units: &HashMap<i64, String>) -> Vec<SectionView> {
    let schema = app.schemas().latest();
    let catalogs = app.catalogs();
    let clearance = clearance_of(view);
    let mut out = Vec::new();
    for section in &schema.sections {
        if section.min_access() > clearance || !schema.section_applies(section, &view.record) {
            continue;
        }
        let visible: Vec<&Field> = section
            .fields
            .iter()
            .filter(|f| f.access <= clearance)
            .collect();
        let value = view.record.get(&section.id);
        if section.repeating {
            let rows: Vec<Vec<String>> = value
                .and_then(Value::as_array)
                .map(|rows| {
                    rows.iter()
                        .map(|row| {
                            visible
                                .iter()
                                .map(|f| {
                                    row.get(&f.id)
                                        .map(|v| display(f, v, &catalogs, units))
                                        .unwrap_or_default()
                                })
                                .collect()
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(SectionView {
                id: section.id.clone(),
                label: section.label.clone(),
                repeating: true,
                fields: vec![],
                columns: visible.iter().map(|f| f.label.clone()).collect(),
                is_empty: rows.is_empty(),
                rows,
            });
        } else {
            let fields: Vec<FieldView> = visible
                .iter()
                .filter_map(|f| {
                    let v = value.and_then(|s| s.get(&f.id))?;
                    let shown = display(f, v, &catalogs, units);
                    (!shown.is_empty()).then(|| FieldView {
                        label: f.label.clone(),
                        value: shown,
                    })
                })
                .collect();
            out.push(SectionView {
                id: section.id.clone(),
                label: section.label.clone(),
                repeating: false,
                is_empty: fields.is_empty(),
                fields,
                columns: vec![],
                rows: vec![],
            });
        }
    }
    out
}

/// Attaches a scan to an edit the reader wrote (a multipart form: the file, the section it
/// proves), then back to the record's history saying what happened.
pub async fn attach(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path((id, version)): Path<(i64, i64)>,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let form = form.map_err(|_| AppError::BadRequest("Biểu mẫu tải tệp không hợp lệ.".into()))?;
    let (fields, file) = super::changes::read_form(form).await?;
    page.check_csrf(fields.get("_csrf").map(String::as_str))?;
    let (file_name, bytes) = file.unwrap_or_default();
    let upload = hoso_app::changes::Upload {
        file_name,
        bytes,
        section: fields.get("section").filter(|s| !s.is_empty()).cloned(),
        row_index: None,
    };
    let (kind, message) = match app
        .attach_to_version(&page.actor, id, version, upload, &client)
        .await
    {
        Ok(scan) => (
            "xong",
            format!("Đã đính kèm “{}” vào lần sửa {version}.", scan.file_name),
        ),
        Err(e @ AppError::BadRequest(_)) => ("loi", e.to_string()),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!(
        "/ho-so/{id}?{}#lich-su",
        super::flash_query(&page, kind, &message)
    ))
    .into_response())
}

/// The bytes of a scan of one of the record's edits. Audited by the use case.
pub async fn scan(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path((id, sha)): Path<(i64, String)>,
) -> PageResult {
    let (meta, bytes) = app.version_scan(&page.actor, id, &sha, &client).await?;
    Ok(crate::api::changes::file_response(
        &meta.media_type,
        &meta.file_name,
        bytes,
    ))
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    da_luu: Option<String>,
    /// A signed error or confirmation from the form that came back here (see
    /// `pages::flash_query`).
    loi: Option<String>,
    xong: Option<String>,
    ky: Option<String>,
}

pub async fn show(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let view = app.get_person(&page.actor, id, &client).await?;
    // Read through an outside-access grant, a record shows its current version only.
    let versions = match app.versions(&page.actor, id).await {
        Err(hoso_app::AppError::NotFound(_)) => Vec::new(),
        other => other?,
    };
    let name = name_of(&app, &view);
    let nav = if page.actor.person_id == Some(id) {
        "own"
    } else {
        "staff"
    };
    let may_edit = may_edit(&page, &view);
    // Names of the units the record links to, even those outside the viewer's scope, and of
    // those who wrote its versions.
    let units = app.linked_unit_names(&view).await?;
    let authors = app.version_authors(&versions).await?;
    let head_return = match app.open_approval_return(&page.actor, id).await {
        Err(hoso_app::AppError::NotFound(_)) => None,
        other => other?,
    };
    // Through an outside-access grant the workflow is not shown either.
    let approvals = match app.record_approvals(&page.actor, id).await {
        Err(hoso_app::AppError::NotFound(_)) => hoso_app::approvals::RecordApprovals {
            official_version: view.current_version,
            current_version: view.current_version,
            approvals: vec![],
        },
        other => other?,
    };
    let changes = match app.changes_of_person(&page.actor, id).await {
        Err(hoso_app::AppError::NotFound(_)) => Vec::new(),
        other => other?,
    }
    .into_iter()
    .map(|c| ChangeRow {
        id: c.id,
        state: c.state_label,
        sections: c.section_labels.join(", "),
        reason: c.reason,
        at: format::instant(c.updated_at),
    })
    .collect();
    let may_propose = may_edit || page.actor.person_id == Some(id);
    let personal_account = if app.may_issue_personal_account(&page.actor, id).await? {
        let a = app.personal_account(&page.actor, id, &client).await?;
        Some(PersonalAccountPanel {
            state: a.state.as_str(),
            label: a.state.label_vi(),
            username: a.username.unwrap_or_default(),
            valid_until: a
                .activation_valid_until
                .map(|d| format::date(&d.to_string()))
                .unwrap_or_default(),
            working: a.person_status == hoso_domain::org::PersonStatus::Working.as_str(),
        })
    } else {
        None
    };
    // Through an outside-access grant the movements are not shown either.
    let movements = match app.movements_of_person(&page.actor, id).await {
        Err(hoso_app::AppError::NotFound(_)) => Vec::new(),
        other => other?,
    }
    .into_iter()
    .map(|m| MovementLine {
        id: m.id,
        kind: m.kind_label,
        decision: format!(
            "số {} ngày {}",
            m.decision_number,
            format::date(&m.decision_date)
        ),
        effective: format::date(&m.effective_date),
        state: m.state_label,
    })
    .collect();
    let may_move = may_edit && view.status == "working";
    // Scans of the edits, as far as the reader's clearance goes (none through an outside
    // grant, which shows the current version only).
    let scans = match app.version_scans(&page.actor, id).await {
        Err(hoso_app::AppError::NotFound(_)) => Vec::new(),
        other => other?,
    };
    let scans_of = |version: i64| -> Vec<(String, String)> {
        scans
            .iter()
            .filter(|s| s.version == version)
            .map(|s| {
                (
                    format!("/ho-so/{id}/ban-quet/{}", s.sha256),
                    s.file_name.clone(),
                )
            })
            .collect()
    };
    let written_by_reader = |v: &hoso_app::records::VersionSummary| {
        may_edit && v.created_by == Some(page.actor.account_id)
    };
    let full_clearance = clearance_of(&view) == AccessLevel::Secret;
    Ok(render(&RecordPage {
        layout: page.layout(name.clone(), nav),
        id,
        sections: sections_view(&view, &app, &units),
        versions: versions
            .iter()
            .rev()
            .map(|v| {
                let signed = approvals.approvals.iter().find(|a| a.version == v.version);
                VersionView {
                    version: v.version,
                    at: format::instant(v.created_at),
                    by: v
                        .created_by
                        .map(|a| authors.get(&a).cloned().unwrap_or_else(|| format!("Tài khoản #{a}")))
                        .unwrap_or_else(|| "Hệ thống".into()),
                    note: v.note.clone().unwrap_or_default(),
                    source: v.source_label.clone(),
                    hash: v.hash.chars().take(12).collect(),
                    approval: match signed {
                        Some(a) => format!(
                            "Đã phê duyệt (lô {}{})",
                            a.batch_id,
                            a.signed_at
                                .map(|t| format!(", {}", format::instant(t)))
                                .unwrap_or_default()
                        ),
                        None if v.version > approvals.official_version => "Chờ phê duyệt".into(),
                        None => String::new(),
                    },
                    package: signed.is_some() && full_clearance,
                    scans: scans_of(v.version),
                    attach: written_by_reader(v),
                }
            })
            .collect(),
        official_version: approvals.official_version,
        head_return: head_return.as_ref().map(super::changes::HeadReturn::from),
        changes,
        personal_account,
        movements,
        may_move,
        may_propose,
        name,
        unit_name: view.unit_name.clone(),
        status: format::status(&view.status),
        version: view.current_version,
        clearance: clearance_of(&view).label_vi().to_string(),
        may_edit,
        own: page.actor.person_id == Some(id),
        saved_section: q
            .da_luu
            .clone()
            .filter(|id| app.schemas().latest().section(id).is_some())
            .unwrap_or_default(),
        saved: q.da_luu.is_some().then(|| {
            if approvals.official_version < view.current_version {
                format!(
                    "Đã lưu. Hồ sơ hiện ở phiên bản {}; thay đổi chờ thủ trưởng phê duyệt để thành chính thức.",
                    view.current_version
                )
            } else {
                format!("Đã lưu. Hồ sơ hiện ở phiên bản {}.", view.current_version)
            }
        }),
        saved_version: versions
            .last()
            .filter(|v| q.da_luu.is_some() && written_by_reader(v))
            .map(|v| v.version),
        error: super::Flash {
            loi: q.loi.clone(),
            xong: None,
            ky: q.ky.clone(),
        }
        .message(&page, "loi"),
        done: super::Flash {
            loi: None,
            xong: q.xong.clone(),
            ky: q.ky.clone(),
        }
        .message(&page, "xong"),
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct ResubmitForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    comment: Option<String>,
}

/// HR sends the versions a head returned back to the approval queue unchanged, answering.
pub async fn resubmit(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(id): Path<i64>,
    Form(f): Form<ResubmitForm>,
) -> PageResult {
    page.check_csrf(f.csrf.as_deref())?;
    let input = hoso_app::approval_returns::ReturnInput { comment: f.comment };
    let result = app
        .resubmit_for_approval(&page.actor, id, input, &client)
        .await
        .map(|_| {
            "Đã gửi lại hồ sơ để thủ trưởng phê duyệt, kèm ý kiến trả lời của bạn.".to_string()
        });
    super::back_with_message(&page, &format!("/ho-so/{id}#phe-duyet"), result)
}

/// Whether to offer the edit forms: the account may change records and sees the whole record
/// (a partial view cannot be written back without losing the hidden fields). The use case
/// decides in the end.
fn may_edit(page: &PageActor, view: &PersonView) -> bool {
    page.actor
        .capabilities()
        .may_somewhere(Capability::WriteRecords)
        && clearance_of(view) == AccessLevel::Secret
}

// ───────────────────────────── edit forms ─────────────────────────────

/// Raw form values by input name (several for multi-selects).
pub(super) type Raw = HashMap<String, Vec<String>>;

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One input of the form, with everything the template needs.
pub struct Input {
    /// Form name: `field`, `field.detail` (address parts), `r2.field` (row 2 of a list).
    pub name: String,
    /// HTML id.
    pub html_id: String,
    pub label: String,
    /// text, textarea, date, month, number, select, multi, address, readonly.
    pub widget: &'static str,
    pub value: String,
    pub maxlength: usize,
    pub options: Vec<Opt>,
    pub required: bool,
    pub help: String,
    pub error: Option<String>,
    /// For addresses: the province select options, commune and detail values.
    pub commune: String,
    pub detail: String,
}

pub struct RowInputs {
    pub number: usize,
    pub inputs: Vec<Input>,
}

#[derive(Template)]
#[template(path = "record_edit.html")]
pub(super) struct EditPage {
    layout: Layout,
    /// Where the form posts, where "Hủy" goes, and the sentence under the title.
    pub(super) action: String,
    pub(super) back: String,
    pub(super) intro: String,
    id: i64,
    name: String,
    section_label: String,
    repeating: bool,
    version: i64,
    inputs: Vec<Input>,
    rows: Vec<RowInputs>,
    row_count: usize,
    errors: Vec<String>,
    /// Every field's message, linking to it.
    field_errors: Vec<(String, String)>,
    has_errors: bool,
    conflict: Option<String>,
}

/// Typed on a form: not filled by the system, not a file or a unit (chosen elsewhere).
pub(super) fn editable(f: &Field) -> bool {
    !f.system && !matches!(f.kind, FieldKind::Attachment | FieldKind::OrgUnit)
}

fn html_id(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

/// Flattens a section value (one object) into raw form values under `prefix`.
pub(super) fn to_raw(
    section: &Section,
    obj: Option<&Map<String, Value>>,
    prefix: &str,
    raw: &mut Raw,
) {
    let Some(obj) = obj else { return };
    for f in section.fields.iter().filter(|f| editable(f)) {
        let Some(v) = obj.get(&f.id) else { continue };
        let name = format!("{prefix}{}", f.id);
        match (f.kind, v) {
            (FieldKind::Address, Value::Object(parts)) => {
                for (k, pv) in parts {
                    if let Some(s) = pv.as_str() {
                        raw.insert(format!("{name}.{k}"), vec![s.to_string()]);
                    }
                }
            }
            (FieldKind::CatalogList, Value::Array(items)) => {
                raw.insert(
                    name,
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect(),
                );
            }
            // Shown as Vietnamese write them; read back by `from_raw`.
            (FieldKind::Date, Value::String(s)) => {
                raw.insert(name, vec![format::date(s)]);
            }
            (FieldKind::MonthYear, Value::String(s)) => {
                raw.insert(name, vec![format::month_year(s)]);
            }
            (_, Value::String(s)) => {
                raw.insert(name, vec![s.clone()]);
            }
            (_, Value::Null) => {}
            (_, other) => {
                raw.insert(name, vec![other.to_string()]);
            }
        }
    }
}

pub(super) fn first<'a>(raw: &'a Raw, name: &str) -> &'a str {
    raw.get(name)
        .and_then(|v| v.first())
        .map(|s| s.trim())
        .unwrap_or("")
}

/// Reads one field from raw form values into its JSON value (`None` when left empty). A value
/// that does not parse is passed on as text so the validator names the problem.
fn from_raw(f: &Field, raw: &Raw, name: &str) -> Option<Value> {
    match f.kind {
        FieldKind::Address => {
            let mut obj = Map::new();
            for part in ["province_code", "commune", "detail"] {
                let v = first(raw, &format!("{name}.{part}"));
                if !v.is_empty() {
                    obj.insert(part.into(), Value::String(v.into()));
                }
            }
            (!obj.is_empty()).then_some(Value::Object(obj))
        }
        FieldKind::CatalogList => {
            let items: Vec<Value> = raw
                .get(name)
                .into_iter()
                .flatten()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.into()))
                .collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        _ => {
            let v = first(raw, name);
            if v.is_empty() {
                return None;
            }
            Some(match f.kind {
                FieldKind::Year | FieldKind::Integer | FieldKind::Money => v
                    .replace(['.', ' '], "")
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(v.into())),
                FieldKind::Decimal | FieldKind::Percent => v
                    .replace(',', ".")
                    .parse::<f64>()
                    .ok()
                    .and_then(|x| serde_json::Number::from_f64(x).map(Value::Number))
                    .unwrap_or_else(|| Value::String(v.into())),
                // dd/mm/yyyy (or ISO) in the ISO shape the record keeps; a day that does not
                // exist keeps that shape so the validator names it.
                FieldKind::Date => Value::String(
                    hoso_domain::typed_date::iso_date_shape(v).unwrap_or_else(|| v.into()),
                ),
                FieldKind::MonthYear => Value::String(
                    hoso_domain::typed_date::iso_month_shape(v).unwrap_or_else(|| v.into()),
                ),
                FieldKind::Bool => match v {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    other => Value::String(other.into()),
                },
                _ => Value::String(v.into()),
            })
        }
    }
}

/// Builds a section object from the form, starting from the stored one so that fields the form
/// does not edit (attachments, unit links) are kept.
pub(super) fn section_object(
    section: &Section,
    base: Option<&Map<String, Value>>,
    raw: &Raw,
    prefix: &str,
) -> Map<String, Value> {
    let mut obj = base.cloned().unwrap_or_default();
    for f in section.fields.iter().filter(|f| editable(f)) {
        match from_raw(f, raw, &format!("{prefix}{}", f.id)) {
            Some(v) => {
                obj.insert(f.id.clone(), v);
            }
            None => {
                obj.remove(&f.id);
            }
        }
    }
    obj
}

/// The inputs' messages, for the list at the top of a refused form: each links to its field.
pub(super) fn error_links<'a>(
    inputs: impl IntoIterator<Item = &'a Input>,
) -> Vec<(String, String)> {
    inputs
        .into_iter()
        .filter_map(|i| {
            let target = if i.widget == "address" {
                format!("{}-province", i.html_id)
            } else {
                i.html_id.clone()
            };
            i.error.clone().map(|m| (target, m))
        })
        .collect()
}

pub(super) fn inputs_for(
    section: &Section,
    raw: &Raw,
    prefix: &str,
    catalogs: &Catalogs,
    errors: &HashMap<String, String>,
) -> Vec<Input> {
    section
        .fields
        .iter()
        .filter(|f| editable(f))
        .map(|f| {
            let name = format!("{prefix}{}", f.id);
            let value = first(raw, &name).to_string();
            let widget = match f.kind {
                FieldKind::Text if f.multiline => "textarea",
                FieldKind::Text | FieldKind::NationalId => "text",
                FieldKind::Date => "date",
                FieldKind::MonthYear => "month",
                FieldKind::Year | FieldKind::Integer | FieldKind::Money => "number",
                FieldKind::Decimal | FieldKind::Percent => "number",
                FieldKind::Bool | FieldKind::Catalog | FieldKind::Choice | FieldKind::Gender => {
                    "select"
                }
                FieldKind::CatalogList => "multi",
                FieldKind::Address => "address",
                FieldKind::OrgUnit | FieldKind::Attachment => "readonly",
            };
            let selected: Vec<&str> = raw
                .get(&name)
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            let mut options: Vec<Opt> = match f.kind {
                FieldKind::Bool => vec![("true", "Có"), ("false", "Không")]
                    .into_iter()
                    .map(|(v, l)| Opt {
                        selected: value == v,
                        value: v.into(),
                        label: l.into(),
                    })
                    .collect(),
                FieldKind::Gender => vec![("nam", "Nam"), ("nu", "Nữ")]
                    .into_iter()
                    .map(|(v, l)| Opt {
                        selected: value == v,
                        value: v.into(),
                        label: l.into(),
                    })
                    .collect(),
                FieldKind::Choice => f
                    .choices
                    .iter()
                    .map(|c| Opt {
                        selected: value == c.code,
                        value: c.code.clone(),
                        label: c.label.clone(),
                    })
                    .collect(),
                FieldKind::Catalog | FieldKind::CatalogList => {
                    let mut out: Vec<Opt> = Vec::new();
                    if let Some(cref) = &f.catalog {
                        for cat in cref.catalog_names() {
                            for item in catalogs.items(cat) {
                                if !cref.kinds.is_empty()
                                    && !item
                                        .kind
                                        .as_deref()
                                        .is_some_and(|k| cref.kinds.iter().any(|x| x == k))
                                {
                                    continue;
                                }
                                if out.iter().any(|o| o.value == item.code) {
                                    continue;
                                }
                                out.push(Opt {
                                    selected: selected.contains(&item.code.as_str()),
                                    value: item.code.clone(),
                                    label: f.catalog_item_label(&item.code, &item.name),
                                });
                            }
                        }
                    }
                    out
                }
                FieldKind::Address => {
                    let code = first(raw, &format!("{name}.province_code")).to_string();
                    let mut out: Vec<Opt> = catalogs
                        .items("tinh_thanh")
                        .iter()
                        .map(|i| Opt {
                            selected: i.code == code,
                            value: i.code.clone(),
                            label: i.name.clone(),
                        })
                        .collect();
                    if !code.is_empty() && !out.iter().any(|o| o.selected) {
                        let label = catalogs
                            .name("tinh_thanh_truoc_2025", &code)
                            .map(|n| format!("{n} (trước 01/7/2025)"))
                            .unwrap_or_else(|| code.clone());
                        out.push(Opt {
                            selected: true,
                            value: code,
                            label,
                        });
                    }
                    out
                }
                _ => vec![],
            };
            // Keep a stored code that is no longer in the catalog, rather than losing it.
            if matches!(f.kind, FieldKind::Catalog | FieldKind::Choice)
                && !value.is_empty()
                && !options.iter().any(|o| o.selected)
            {
                options.push(Opt {
                    selected: true,
                    value: value.clone(),
                    label: value.clone(),
                });
            }
            Input {
                html_id: html_id(&name),
                label: f.label.clone(),
                widget,
                maxlength: f.max_chars(),
                options,
                required: f.required == Requirement::Yes,
                help: f.help.clone().unwrap_or_default(),
                error: errors
                    .iter()
                    .filter(|(path, _)| *path == &name || path.starts_with(&format!("{name}.")))
                    .map(|(_, m)| m.clone())
                    .next(),
                commune: first(raw, &format!("{name}.commune")).to_string(),
                detail: first(raw, &format!("{name}.detail")).to_string(),
                value,
                name,
            }
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct EditPath {
    id: i64,
    section: String,
}

pub(super) struct FormState {
    pub(super) raw: Raw,
    pub(super) rows: usize,
    /// Validation messages by input name.
    pub(super) errors: HashMap<String, String>,
    pub(super) other_errors: Vec<String>,
    pub(super) conflict: Option<String>,
}

/// A form filled with a section's stored value (lists get one empty row to add).
pub(super) fn initial_state(section: &Section, value: Option<&Value>) -> FormState {
    let mut raw = Raw::new();
    let rows = if section.repeating {
        let items = value.and_then(Value::as_array).cloned().unwrap_or_default();
        for (i, row) in items.iter().enumerate() {
            to_raw(section, row.as_object(), &format!("r{i}."), &mut raw);
        }
        items.len() + 1
    } else {
        to_raw(section, value.and_then(Value::as_object), "", &mut raw);
        0
    };
    FormState {
        raw,
        rows,
        errors: HashMap::new(),
        other_errors: vec![],
        conflict: None,
    }
}

pub(super) fn edit_page(
    app: &App,
    page: &PageActor,
    view: &PersonView,
    section: &Section,
    state: FormState,
) -> EditPage {
    let catalogs = app.catalogs();
    let (inputs, rows) = if section.repeating {
        let rows = (0..state.rows)
            .map(|i| RowInputs {
                number: i + 1,
                inputs: inputs_for(
                    section,
                    &state.raw,
                    &format!("r{i}."),
                    &catalogs,
                    &state.errors,
                ),
            })
            .collect();
        (vec![], rows)
    } else {
        (
            inputs_for(section, &state.raw, "", &catalogs, &state.errors),
            vec![],
        )
    };
    let name = name_of(app, view);
    let field_errors = error_links(
        inputs
            .iter()
            .chain(rows.iter().flat_map(|r: &RowInputs| r.inputs.iter())),
    );
    let has_errors = !state.other_errors.is_empty()
        || inputs.iter().any(|i| i.error.is_some())
        || rows
            .iter()
            .any(|r: &RowInputs| r.inputs.iter().any(|i| i.error.is_some()));
    EditPage {
        has_errors,
        layout: page.layout(format!("Sửa: {}", section.label), "staff"),
        action: format!("/ho-so/{}/sua/{}", view.id, section.id),
        back: format!("/ho-so/{}#muc-{}", view.id, section.id),
        intro: format!(
            "Hồ sơ của {name} — sửa trên phiên bản {}. Mỗi lần lưu tạo một phiên bản mới (chờ thủ trưởng phê duyệt); phiên bản cũ được giữ nguyên.",
            view.current_version
        ),
        id: view.id,
        name,
        section_label: section.label.clone(),
        repeating: section.repeating,
        version: view.current_version,
        inputs,
        rows,
        row_count: state.rows,
        field_errors,
        errors: state.other_errors,
        conflict: state.conflict,
    }
}

pub(super) fn find_section<'a>(app: &'a App, id: &str) -> Result<&'a Section, PageError> {
    app.schemas()
        .latest()
        .section(id)
        .ok_or(PageError::App(AppError::NotFound(
            "Không có mục này trong hồ sơ.",
        )))
}

pub async fn edit_form(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(p): Path<EditPath>,
) -> PageResult {
    let section = find_section(&app, &p.section)?;
    let view = app.get_person(&page.actor, p.id, &client).await?;
    if !may_edit(&page, &view) {
        return Err(AppError::Forbidden.into());
    }
    let state = initial_state(section, view.record.get(&section.id));
    Ok(render(&edit_page(&app, &page, &view, section, state)))
}

pub async fn edit_submit(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path(p): Path<EditPath>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let mut raw = Raw::new();
    for (k, v) in pairs {
        raw.entry(k).or_default().push(v);
    }
    page.check_csrf(raw.get("_csrf").and_then(|v| v.first()).map(String::as_str))?;
    let section = find_section(&app, &p.section)?;
    let view = app.get_person(&page.actor, p.id, &client).await?;
    if !may_edit(&page, &view) {
        return Err(AppError::Forbidden.into());
    }
    let expected_version: i64 = first(&raw, "_version").parse().map_err(|_| {
        PageError::App(AppError::BadRequest(
            "Thiếu phiên bản hồ sơ trong biểu mẫu. Vui lòng tải lại trang.".into(),
        ))
    })?;
    let rows: usize = first(&raw, "_rows").parse::<usize>().unwrap_or(0).min(500);

    let (new_value, kept) = section_from_form(section, &raw, rows, view.record.get(&section.id));
    let mut doc: RecordDoc = view.record.clone();
    doc.insert(section.id.clone(), new_value);

    let input = UpdateRecord {
        expected_version,
        record: doc,
        unit_id: None,
        status: None,
        note: Some(format!("Sửa mục “{}” trên trang web", section.label)),
    };
    let failure = match app.update_record(&page.actor, p.id, input, &client).await {
        Ok(_) => {
            return Ok(
                // The confirmation is shown in the saved section, where the page opens.
                Redirect::to(&format!(
                    "/ho-so/{}?da_luu={}#muc-{}",
                    p.id, section.id, section.id
                ))
                .into_response(),
            );
        }
        Err(e) => e,
    };
    let (state, status) = match form_failure(section, raw, rows, &kept, failure) {
        Ok(r) => r,
        Err(other) => return Err(other.into()),
    };
    let mut page_view = edit_page(&app, &page, &view, section, state);
    // Keep the version the user edited, so that a stale form stays stale.
    page_view.version = expected_version;
    Ok(render_status(status, &page_view))
}

/// A section's new value from a submitted form. For lists, rows left entirely empty are
/// dropped; `kept` maps each stored row back to its row on the form (for error messages).
pub(super) fn section_from_form(
    section: &Section,
    raw: &Raw,
    rows: usize,
    stored: Option<&Value>,
) -> (Value, Vec<usize>) {
    let mut kept: Vec<usize> = Vec::new();
    let value = if section.repeating {
        let stored = stored
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut out = Vec::new();
        for i in 0..rows {
            let prefix = format!("r{i}.");
            let empty = section
                .fields
                .iter()
                .filter(|f| editable(f))
                .all(|f| from_raw(f, raw, &format!("{prefix}{}", f.id)).is_none());
            if empty {
                continue;
            }
            let base = stored.get(i).and_then(Value::as_object);
            out.push(Value::Object(section_object(section, base, raw, &prefix)));
            kept.push(i);
        }
        Value::Array(out)
    } else {
        let base = stored.and_then(Value::as_object);
        Value::Object(section_object(section, base, raw, ""))
    };
    (value, kept)
}

/// The form shown again after a refused save: the user's input kept, each message next to its
/// input; errors a form cannot show are handed back.
pub(super) fn form_failure(
    section: &Section,
    raw: Raw,
    rows: usize,
    kept: &[usize],
    failure: AppError,
) -> Result<(FormState, StatusCode), AppError> {
    let mut state = FormState {
        raw,
        rows,
        errors: HashMap::new(),
        other_errors: vec![],
        conflict: None,
    };
    let status = match failure {
        AppError::Invalid(errors) => {
            for e in errors.iter() {
                match form_name(&section.id, section.repeating, &e.path, kept) {
                    Some(name) => {
                        state
                            .errors
                            .entry(name)
                            .or_insert_with(|| e.message.clone());
                    }
                    None => state.other_errors.push(e.message.clone()),
                }
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Conflict(message) => {
            state.conflict = Some(message);
            StatusCode::CONFLICT
        }
        e @ (AppError::Duplicate { .. } | AppError::BadRequest(_)) => {
            state.other_errors.push(e.to_string());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        other => return Err(other),
    };
    Ok((state, status))
}

/// The form input an error path points at: `general.date_of_birth` → `date_of_birth`,
/// `family_members[2].birth_year` → `r{kept[2]}.birth_year`; `None` for other sections.
fn form_name(section: &str, repeating: bool, path: &str, kept: &[usize]) -> Option<String> {
    if repeating {
        let rest = path.strip_prefix(section)?.strip_prefix('[')?;
        let (index, field) = rest.split_once("].")?;
        let form_row = kept.get(index.parse::<usize>().ok()?)?;
        Some(format!("r{form_row}.{field}"))
    } else {
        let field = path.strip_prefix(section)?.strip_prefix('.')?;
        Some(field.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::form_name;

    #[test]
    fn error_paths_map_to_inputs() {
        assert_eq!(
            form_name("general", false, "general.date_of_birth", &[]).as_deref(),
            Some("date_of_birth")
        );
        assert_eq!(
            form_name(
                "family_members",
                true,
                "family_members[1].birth_year",
                &[0, 3]
            )
            .as_deref(),
            Some("r3.birth_year")
        );
        assert_eq!(form_name("general", false, "salary.step", &[]), None);
    }
}

// ───────────────────────────── version differences ─────────────────────────────

pub struct VersionDiffRow {
    pub section: String,
    pub row: String,
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "version_diff.html")]
struct VersionDiffPage {
    layout: Layout,
    id: i64,
    name: String,
    version: i64,
    at: String,
    note: String,
    rows: Vec<VersionDiffRow>,
}

/// One side of a field change as the reader sees it (dates, codes by name…).
pub(super) fn change_text(app: &App, c: &hoso_domain::changes::FieldChange, v: &Value) -> String {
    app.schemas()
        .latest()
        .section(&c.section)
        .and_then(|s| s.field(&c.field))
        .map_or_else(
            || v.to_string(),
            |f| display(f, v, &app.catalogs(), &HashMap::new()),
        )
}

/// What one version changed against the one before, as the reader sees both.
pub async fn version_diff(
    State(app): State<App>,
    page: PageActor,
    Client(client): Client,
    Path((id, number)): Path<(i64, i64)>,
) -> PageResult {
    let d = app
        .version_changes(&page.actor, id, number, &client)
        .await?;
    let rows = d
        .changes
        .iter()
        .map(|c| VersionDiffRow {
            section: c.section_label.clone(),
            row: c.row.map(|r| format!("Dòng {}", r + 1)).unwrap_or_default(),
            field: c.field_label.clone(),
            before: change_text(&app, c, &c.before),
            after: change_text(&app, c, &c.after),
        })
        .collect();
    let current = app.get_person(&page.actor, id, &client).await?;
    let name = name_of(&app, &current);
    Ok(render(&VersionDiffPage {
        layout: page.layout(format!("{name} — phiên bản {number}"), "staff"),
        id,
        name,
        version: number,
        at: format::instant(d.version.created_at),
        note: d.version.note.unwrap_or_default(),
        rows,
    }))
}
