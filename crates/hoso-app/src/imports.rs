//! Import from the spreadsheets HR officers keep (issue 11): a dry run that reports every row,
//! then the import itself, idempotent by số định danh, in batches through the version writer.
//!
//! Reading the file is `hoso_import` (pure). Here: who may import into which unit, what each
//! row becomes against the records already held (new → created, changed → a new version with
//! provenance "import", same → untouched), the batches (each one transaction: a killed import
//! leaves whole batches, and running it again finds them unchanged), progress and audit.

use std::collections::BTreeMap;

use hoso_domain::audit_action::AuditAction;
use hoso_domain::org::PersonStatus;
use hoso_domain::schema::{RecordDoc, RecordSchema};
use hoso_import::Analysis;
pub use hoso_import::{Column, RowIssue, SheetInfo, Target};
use hoso_store::org as org_store;
use hoso_store::persons::{self, VersionRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::authz::Attempt;
use crate::jobs::Progress;
use crate::versions::{NewVersion, Prepared, Provenance, prepare_document_allowing};
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo};

/// Rows written per transaction.
pub const BATCH_ROWS: usize = 500;

/// How to read an uploaded file: the sheet, and the columns mapped or ignored by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    #[serde(default)]
    pub sheet: Option<String>,
    /// Column index (0 = A) → what it is imported into.
    #[serde(default)]
    pub overrides: BTreeMap<usize, Target>,
}

/// An uploaded file.
#[derive(Debug, Clone)]
pub struct ImportFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub options: ImportOptions,
}

/// What an import did (or, dry, would do), row by row.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub file_name: String,
    pub sheet: String,
    pub sheets: Vec<hoso_import::SheetInfo>,
    /// The legacy encoding the text was converted from (`None`: Unicode).
    pub encoding: Option<String>,
    pub header_rows: Vec<u32>,
    pub columns: Vec<hoso_import::Column>,
    /// Data rows read.
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Of the rows created or updated: records still missing fields the schema requires.
    pub incomplete: usize,
    /// Rows refused (each has at least one error).
    pub refused: usize,
    pub errors: Vec<RowIssue>,
}

/// What a row becomes.
enum Plan {
    Create {
        prepared: Box<Prepared>,
        hash: String,
        incomplete: bool,
    },
    Update {
        person_id: i64,
        prev: Box<VersionRow>,
        status: PersonStatus,
        prepared: Box<Prepared>,
        incomplete: bool,
    },
    Unchanged,
    Refused(Vec<RowIssue>),
}

fn bad_file(e: hoso_import::ImportError) -> AppError {
    AppError::BadRequest(e.to_string())
}

/// The document of an existing record with the imported values laid over it: a column the
/// file does not have, or a cell left empty, keeps what the record holds.
fn merged(existing: &RecordDoc, imported: &RecordDoc) -> RecordDoc {
    let mut doc = existing.clone();
    for (section, values) in imported {
        let Some(values) = values.as_object() else {
            continue;
        };
        let entry = doc
            .entry(section.clone())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if let Some(obj) = entry.as_object_mut() {
            for (k, v) in values {
                obj.insert(k.clone(), v.clone());
            }
        }
    }
    doc
}

impl App {
    /// The unit an account imports into: a unit administrator's own subtree, any unit for a
    /// system administrator (404 outside what it sees, audited 403 without the right).
    async fn unit_for_import(
        &self,
        actor: &Actor,
        unit_id: i64,
        action: AuditAction,
        client: &ClientInfo,
    ) -> AppResult<org_store::OrgUnitRow> {
        let mut conn = self.store.reader().await?;
        let unit = self
            .require_unit(
                &mut conn,
                actor,
                Capability::AdministerAccounts,
                unit_id,
                Attempt {
                    action,
                    about: About::new("org_unit", unit_id),
                    client,
                },
            )
            .await?;
        open_unit(unit)
    }

    /// Reads a file and reports what importing it into `unit_id` would do, row by row;
    /// nothing is written but the audit entry. Unit or system administrator over the unit.
    pub async fn import_dry_run(
        &self,
        actor: &Actor,
        client: &ClientInfo,
        unit_id: i64,
        file: &ImportFile,
    ) -> AppResult<ImportReport> {
        let unit = self
            .unit_for_import(actor, unit_id, AuditAction::ImportDryRun, client)
            .await?;
        self.run_import(
            Some(actor.account_id),
            client,
            &unit,
            file,
            true,
            &Progress::none(self),
        )
        .await
    }

    /// Imports a file into `unit_id` at once (small files; larger ones go through
    /// [`App::enqueue_import`]). Unit or system administrator over the unit.
    pub async fn import_now(
        &self,
        actor: &Actor,
        client: &ClientInfo,
        unit_id: i64,
        file: &ImportFile,
    ) -> AppResult<ImportReport> {
        let unit = self
            .unit_for_import(actor, unit_id, AuditAction::ImportRun, client)
            .await?;
        self.run_import(
            Some(actor.account_id),
            client,
            &unit,
            file,
            false,
            &Progress::none(self),
        )
        .await
    }

    /// The command line (`hoso import`): the province's IT staff on the server, as the system.
    pub async fn import_as_system(
        &self,
        unit_code: &str,
        file: &ImportFile,
        dry_run: bool,
    ) -> AppResult<ImportReport> {
        let mut conn = self.store.reader().await?;
        let unit = org_store::get_by_code(&mut conn, unit_code)
            .await?
            .ok_or_else(|| AppError::BadRequest(format!("Không có đơn vị mã \"{unit_code}\".")))?;
        drop(conn);
        let unit = open_unit(unit)?;
        static NO_CLIENT: ClientInfo = ClientInfo {
            addr: None,
            user_agent: None,
        };
        self.run_import(
            None,
            &NO_CLIENT,
            &unit,
            file,
            dry_run,
            &Progress::none(self),
        )
        .await
    }

    /// Reads the file, plans every row and (unless dry) writes them batch by batch.
    pub(crate) async fn run_import(
        &self,
        author: Option<i64>,
        client: &ClientInfo,
        unit: &org_store::OrgUnitRow,
        file: &ImportFile,
        dry_run: bool,
        progress: &Progress<'_>,
    ) -> AppResult<ImportReport> {
        let schema: &'static RecordSchema = self.schemas.latest();
        let catalogs = self.catalogs();
        let options = hoso_import::Options {
            sheet: file.options.sheet.clone(),
            overrides: file.options.overrides.clone(),
            limits: hoso_import::Limits::default(),
        };
        let bytes = file.bytes.clone();
        let analysis: Analysis = tokio::task::spawn_blocking(move || {
            hoso_import::analyze(&bytes, schema, &catalogs, &options)
        })
        .await
        .map_err(|e| AppError::Internal(format!("import reader: {e}")))?
        .map_err(bad_file)?;

        let mut report = ImportReport {
            dry_run,
            file_name: file.file_name.clone(),
            sheet: analysis.sheet.clone(),
            sheets: analysis
                .sheets
                .iter()
                .map(|s| hoso_import::SheetInfo {
                    name: s.name.clone(),
                    hidden: s.hidden,
                })
                .collect(),
            encoding: analysis.encoding.map(|e| e.label_vi().to_string()),
            header_rows: analysis.layout.header_rows.clone(),
            columns: analysis.layout.columns.clone(),
            rows: analysis.rows.len(),
            created: 0,
            updated: 0,
            unchanged: 0,
            incomplete: 0,
            refused: 0,
            errors: Vec::new(),
        };
        let total = analysis.rows.len() as i64;
        let mut done = 0i64;
        for batch in analysis.rows.chunks(BATCH_ROWS) {
            if dry_run {
                let mut conn = self.store.reader().await?;
                for row in batch {
                    let plan = self.plan_row(&mut conn, schema, unit, row).await?;
                    tally(&mut report, plan);
                }
            } else {
                let mut work = self.begin_work_as(author, client).await?;
                let mut person_ids = Vec::new();
                let (mut created, mut updated) = (0, 0);
                for row in batch {
                    let plan = self.plan_row(&mut work, schema, unit, row).await?;
                    let note = Some(format!("Nhập từ tệp {}, dòng {}", file.file_name, row.row));
                    match &plan {
                        Plan::Create { prepared, hash, .. } => {
                            let person_id = persons::insert(
                                &mut work,
                                persons::NewPerson {
                                    national_id_hash: hash,
                                    unit_id: unit.id,
                                    status: PersonStatus::Working.as_str(),
                                    projection: &prepared.projection,
                                },
                            )
                            .await?;
                            self.write_version(
                                &mut work,
                                NewVersion {
                                    person_id,
                                    prev: None,
                                    schema,
                                    prepared,
                                    unit_id: unit.id,
                                    status: PersonStatus::Working,
                                    provenance: Provenance::Import,
                                    author,
                                    note,
                                },
                            )
                            .await?;
                            person_ids.push(person_id);
                            created += 1;
                        }
                        Plan::Update {
                            person_id,
                            prev,
                            status,
                            prepared,
                            ..
                        } => {
                            self.write_version(
                                &mut work,
                                NewVersion {
                                    person_id: *person_id,
                                    prev: Some(&**prev),
                                    schema,
                                    prepared,
                                    unit_id: unit.id,
                                    status: *status,
                                    provenance: Provenance::Import,
                                    author,
                                    note,
                                },
                            )
                            .await?;
                            person_ids.push(*person_id);
                            updated += 1;
                        }
                        _ => {}
                    }
                    tally(&mut report, plan);
                }
                work.audit(
                    AuditAction::ImportBatch,
                    About::new("org_unit", unit.id),
                    serde_json::json!({
                        "file": file.file_name,
                        "rows": [batch.first().map(|r| r.row), batch.last().map(|r| r.row)],
                        "created": created,
                        "updated": updated,
                        "persons": person_ids,
                    }),
                )
                .await?;
                work.commit().await?;
            }
            done += batch.len() as i64;
            progress
                .report(
                    done,
                    Some(total),
                    &format!(
                        "Đã xử lý {done}/{total} dòng (đến dòng {} của tệp)",
                        batch.last().map_or(0, |r| r.row)
                    ),
                )
                .await?;
        }
        report.errors.sort_by_key(|e| e.row);
        let mut work = self.begin_work_as(author, client).await?;
        work.audit(
            if dry_run {
                AuditAction::ImportDryRun
            } else {
                AuditAction::ImportRun
            },
            About::new("org_unit", unit.id),
            serde_json::json!({
                "file": file.file_name,
                "sheet": report.sheet,
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "incomplete": report.incomplete,
                "refused": report.refused,
            }),
        )
        .await?;
        work.commit().await?;
        Ok(report)
    }

    /// What one row becomes against the records held (read on `conn`: the reader for a dry
    /// run, the batch's transaction for an import).
    async fn plan_row(
        &self,
        conn: &mut hoso_store::AnyConnection,
        schema: &'static RecordSchema,
        unit: &org_store::OrgUnitRow,
        row: &hoso_import::ParsedRow,
    ) -> AppResult<Plan> {
        if !row.issues.is_empty() {
            return Ok(Plan::Refused(row.issues.clone()));
        }
        let Some(national_id) = &row.national_id else {
            return Ok(Plan::Refused(vec![row.issue_at(
                "",
                "Thiếu số định danh cá nhân: không nhập được dòng này.".into(),
            )]));
        };
        let hash = self.keys.current.national_id_hash(national_id);
        let existing = persons::find_by_national_id_hash(conn, &hash).await?;
        let (doc, current) = match existing {
            None => (row.doc.clone(), None),
            Some(person_id) => {
                let person = persons::get(conn, person_id)
                    .await?
                    .ok_or_else(|| AppError::Internal(format!("person {person_id} vanished")))?;
                if person.unit_id != unit.id {
                    return Ok(Plan::Refused(vec![row.issue_at(
                        "",
                        format!(
                            "Số định danh {national_id} đã có hồ sơ ở đơn vị khác; chuyển công tác không làm bằng nhập tệp."
                        ),
                    )]));
                }
                let prev = persons::version(conn, person_id, person.current_version)
                    .await?
                    .ok_or_else(|| {
                        AppError::Internal(format!("person {person_id} has no current version"))
                    })?;
                let existing_doc = self.decode_document(conn, &prev).await?;
                (
                    merged(&existing_doc, &row.doc),
                    Some((person, prev, existing_doc)),
                )
            }
        };
        let prepared = prepare_document_allowing(
            schema,
            &self.catalogs(),
            self.today(),
            doc,
            unit.id,
            crate::records::managing_agency_of(unit),
            true,
        );
        let (prepared, missing) = match prepared {
            Ok(p) => p,
            Err(AppError::Invalid(errors)) => {
                return Ok(Plan::Refused(
                    errors
                        .iter()
                        .map(|e| row.issue_at(&e.path, e.message.clone()))
                        .collect(),
                ));
            }
            Err(AppError::BadRequest(m)) => return Ok(Plan::Refused(vec![row.issue_at("", m)])),
            Err(e) => return Err(e),
        };
        let incomplete = !missing.is_empty();
        Ok(match current {
            None => Plan::Create {
                prepared: Box::new(prepared),
                hash,
                incomplete,
            },
            Some((person, prev, existing_doc)) => {
                let same = crate::versions::canonical_json(&existing_doc) == prepared.canonical;
                if same {
                    Plan::Unchanged
                } else {
                    Plan::Update {
                        person_id: person.id,
                        status: PersonStatus::parse(&person.status)
                            .unwrap_or(PersonStatus::Working),
                        prev: Box::new(prev),
                        prepared: Box::new(prepared),
                        incomplete,
                    }
                }
            }
        })
    }
}

fn open_unit(unit: org_store::OrgUnitRow) -> AppResult<org_store::OrgUnitRow> {
    if unit.dissolved_on.is_some() {
        return Err(AppError::BadRequest(format!(
            "Đơn vị '{}' đã giải thể, không thể nhận hồ sơ.",
            unit.name
        )));
    }
    Ok(unit)
}

fn tally(report: &mut ImportReport, plan: Plan) {
    match plan {
        Plan::Create { incomplete, .. } => {
            report.created += 1;
            report.incomplete += usize::from(incomplete);
        }
        Plan::Update { incomplete, .. } => {
            report.updated += 1;
            report.incomplete += usize::from(incomplete);
        }
        Plan::Unchanged => report.unchanged += 1,
        Plan::Refused(issues) => {
            report.refused += 1;
            report.errors.extend(issues);
        }
    }
}

/// What an import job needs: the upload (kept in the attachment store by its hash), where it
/// goes and who asked.
#[derive(Debug, Serialize, Deserialize)]
struct ImportJobParams {
    unit_id: i64,
    upload: String,
    file_name: String,
    options: ImportOptions,
    account_id: i64,
}

fn import_job_not_found() -> AppError {
    AppError::NotFound("Không tìm thấy việc nhập dữ liệu.")
}

impl App {
    /// Queues the import of a file into `unit_id` as a background job (progress, cancel;
    /// a node killed mid-import leaves whole batches and the job runs again). Returns the job.
    pub async fn enqueue_import(
        &self,
        actor: &Actor,
        client: &ClientInfo,
        unit_id: i64,
        file: ImportFile,
    ) -> AppResult<crate::jobs::JobView> {
        let unit = self
            .unit_for_import(actor, unit_id, AuditAction::ImportRun, client)
            .await?;
        let sha = crate::attachments::sha256_hex(&file.bytes);
        self.attachments.put(&sha, file.bytes).await?;
        let params = serde_json::to_string(&ImportJobParams {
            unit_id: unit.id,
            upload: sha.clone(),
            file_name: file.file_name.clone(),
            options: file.options,
            account_id: actor.account_id,
        })
        .map_err(|e| AppError::Internal(format!("import job params: {e}")))?;
        let mut work = self.begin_work(actor, client).await?;
        let now = hoso_store::now_ms();
        let (id, _) = hoso_store::jobs::enqueue(
            &mut work,
            &hoso_store::jobs::NewJob {
                kind: crate::jobs::JobKind::Import.code(),
                dedup_key: None,
                params: &params,
                max_attempts: crate::jobs::JobKind::Import.max_attempts(),
                run_after: now,
                created_by: Some(actor.account_id),
            },
            now,
        )
        .await?;
        work.audit(
            AuditAction::ImportRun,
            About::new("job", id),
            serde_json::json!({"unit": unit.id, "file": file.file_name, "sha256": sha, "queued": true}),
        )
        .await?;
        work.commit().await?;
        self.import_job(actor, id).await
    }

    /// An import job as the account that queued it (or a system administrator) sees it.
    pub async fn import_job(&self, actor: &Actor, id: i64) -> AppResult<crate::jobs::JobView> {
        let mut conn = self.store.reader().await?;
        let row = hoso_store::jobs::get(&mut conn, id)
            .await?
            .filter(|r| r.kind == crate::jobs::JobKind::Import.code())
            .ok_or_else(import_job_not_found)?;
        let system_admin = actor
            .capabilities()
            .may(Capability::ManageProvince, crate::Target::Province);
        if row.created_by != Some(actor.account_id) && !system_admin {
            return Err(import_job_not_found());
        }
        Ok(row.into())
    }

    /// Stops an import: queued, it never starts; running, it stops after the batch being
    /// written (the batches written stay). Audited.
    pub async fn cancel_import(
        &self,
        actor: &Actor,
        client: &ClientInfo,
        id: i64,
    ) -> AppResult<crate::jobs::JobView> {
        self.import_job(actor, id).await?;
        let mut work = self.begin_work(actor, client).await?;
        if !hoso_store::jobs::cancel_running(&mut work, id, hoso_store::now_ms()).await? {
            return Err(AppError::Conflict(
                "Việc nhập dữ liệu này đã kết thúc, không hủy được nữa.".into(),
            ));
        }
        work.audit(
            AuditAction::JobCancel,
            About::new("job", id),
            serde_json::json!({"kind": crate::jobs::JobKind::Import.code()}),
        )
        .await?;
        work.commit().await?;
        self.import_job(actor, id).await
    }

    /// Runs a queued import (the job runner's arm for [`crate::jobs::JobKind::Import`]).
    pub(crate) async fn run_import_job(
        &self,
        row: &hoso_store::jobs::JobRow,
        progress: &Progress<'_>,
    ) -> AppResult<String> {
        let params: ImportJobParams = serde_json::from_str(&row.params)
            .map_err(|e| AppError::Internal(format!("job {} params: {e}", row.id)))?;
        let bytes = self.attachments.get(&params.upload).await?;
        let mut conn = self.store.reader().await?;
        let unit = org_store::get(&mut conn, params.unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        drop(conn);
        let unit = open_unit(unit)?;
        static NO_CLIENT: ClientInfo = ClientInfo {
            addr: None,
            user_agent: None,
        };
        let file = ImportFile {
            file_name: params.file_name,
            bytes,
            options: params.options,
        };
        let report = self
            .run_import(
                Some(params.account_id),
                &NO_CLIENT,
                &unit,
                &file,
                false,
                progress,
            )
            .await?;
        Ok(format!(
            "{} dòng: {} tạo mới, {} cập nhật, {} không đổi, {} bị từ chối ({} hồ sơ còn thiếu thông tin)",
            report.rows,
            report.created,
            report.updated,
            report.unchanged,
            report.refused,
            report.incomplete
        ))
    }
}

/// The uploads a page keeps between the dry run, the mapping and the import: by content hash
/// in the attachment store.
impl App {
    /// Keeps an uploaded file for the page's next steps; returns its hash. Unit or system
    /// administrator over the unit.
    pub async fn stash_import(
        &self,
        actor: &Actor,
        client: &ClientInfo,
        unit_id: i64,
        bytes: Vec<u8>,
    ) -> AppResult<String> {
        self.unit_for_import(actor, unit_id, AuditAction::ImportDryRun, client)
            .await?;
        let limits = hoso_import::Limits::default();
        if bytes.len() > limits.max_bytes {
            return Err(bad_file(hoso_import::ImportError::TooBig {
                megabytes: bytes.len().div_ceil(1024 * 1024),
                max_megabytes: limits.max_bytes / (1024 * 1024),
            }));
        }
        let sha = crate::attachments::sha256_hex(&bytes);
        self.attachments.put(&sha, bytes).await?;
        Ok(sha)
    }

    /// A file kept by [`App::stash_import`].
    pub async fn stashed_import(
        &self,
        sha: &str,
        file_name: &str,
        options: ImportOptions,
    ) -> AppResult<ImportFile> {
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::NotFound("Không tìm thấy tệp đã tải lên."));
        }
        let bytes =
            self.attachments.get(sha).await.map_err(|_| {
                AppError::NotFound("Không tìm thấy tệp đã tải lên; hãy tải lên lại.")
            })?;
        Ok(ImportFile {
            file_name: file_name.to_string(),
            bytes,
            options,
        })
    }

    /// The uploaded sheet with a column of errors from its dry run (the officer fixes the rows
    /// in Excel and uploads again). Unit or system administrator over the unit.
    pub async fn import_errors_workbook(
        &self,
        actor: &Actor,
        client: &ClientInfo,
        unit_id: i64,
        file: &ImportFile,
    ) -> AppResult<Vec<u8>> {
        let report = self.import_dry_run(actor, client, unit_id, file).await?;
        hoso_import::files::annotated(
            &file.bytes,
            &report.sheet,
            report.header_rows.first().copied(),
            &report.errors,
        )
        .map_err(bad_file)
    }

    /// The import template: one column per importable field of the schema, catalog
    /// drop-downs. Anyone who may import somewhere.
    pub fn import_template(&self, actor: &Actor) -> AppResult<Vec<u8>> {
        if !actor
            .capabilities()
            .may(Capability::AdministerAccounts, crate::Target::Somewhere)
        {
            return Err(AppError::Forbidden);
        }
        hoso_import::files::template(self.schemas.latest(), &self.catalogs()).map_err(bad_file)
    }

    /// The fields a column may be mapped to by hand (single sections, filled by people):
    /// (`section.field`, label).
    pub fn import_targets(&self) -> Vec<(String, String)> {
        let schema = self.schemas.latest();
        schema
            .sections
            .iter()
            .filter(|s| !s.repeating)
            .flat_map(|s| {
                s.fields
                    .iter()
                    .filter(|f| {
                        !f.system
                            && !matches!(
                                f.kind,
                                hoso_domain::schema::FieldKind::OrgUnit
                                    | hoso_domain::schema::FieldKind::Attachment
                            )
                    })
                    .map(move |f| (format!("{}.{}", s.id, f.id), f.column_label().to_string()))
            })
            .collect()
    }
}
