//! Import from the spreadsheets HR officers keep (issue 11): a dry run that reports every row,
//! then the import itself, idempotent by số định danh, in batches through the version writer.
//!
//! Reading the file is `hoso_import` (pure). Here: who may import into which unit, what each
//! row becomes against the records already held (new → created, changed → a new version with
//! provenance "import", same → untouched), the batches (each one transaction: a killed import
//! leaves whole batches, and running it again finds them unchanged), progress and audit.

use std::collections::{BTreeMap, HashMap};

use hoso_domain::audit_action::AuditAction;
use hoso_domain::org::PersonStatus;
use hoso_domain::schema::{RecordDoc, RecordSchema};
use hoso_import::Analysis;
pub use hoso_import::{Column, RowIssue, SectionSheet, SheetInfo, SheetIssue, Target};
use hoso_store::org as org_store;
use hoso_store::persons::{self, VersionRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::authz::Attempt;
use crate::jobs::Progress;
use crate::versions::{NewVersion, Prepared, Provenance, prepare_document_allowing};
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo};

/// Most records of one unit written into the import template at once.
pub const UNIT_EXPORT_CAP: usize = 5_000;

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
    /// An initial load: the records it creates are official at once instead of waiting for
    /// the head's signature. The system administrator may; a unit administrator must cite the
    /// head's decision in `decision`. Changes to records already held always wait.
    #[serde(default)]
    pub initial_load: bool,
    /// The head's decision an initial load is made on ("Quyết định số 12/QĐ-UBND ngày …").
    #[serde(default)]
    pub decision: Option<String>,
    /// A saved column mapping laid on the file's headers (`overrides` win over it).
    #[serde(default)]
    pub mapping: Option<i64>,
}

/// Longest decision reference kept with an initial load.
const DECISION_MAX_CHARS: usize = 300;

/// What makes an initial load's records official at once (`None`: they wait for the
/// signature, like any HR edit). `system` is the system administrator or the command line.
pub fn initial_load_basis(system: bool, options: &ImportOptions) -> AppResult<Option<String>> {
    if !options.initial_load {
        return Ok(None);
    }
    let decision = options
        .decision
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if let Some(d) = decision
        && d.chars().count() > DECISION_MAX_CHARS
    {
        return Err(AppError::BadRequest(format!(
            "Căn cứ nhập lần đầu dài quá {DECISION_MAX_CHARS} ký tự; chỉ ghi số, ngày và người ký quyết định."
        )));
    }
    match (decision, system) {
        (Some(d), _) => Ok(Some(d.to_string())),
        (None, true) => Ok(Some("Nhập lần đầu do quản trị hệ thống thực hiện".into())),
        (None, false) => Err(AppError::BadRequest(
            "Nhập lần đầu có hiệu lực ngay cần căn cứ: hãy ghi số, ngày quyết định của thủ trưởng cho phép. Không có quyết định thì bỏ chọn \"nhập lần đầu\": hồ sơ nhập vào sẽ chờ thủ trưởng ký duyệt như mọi thay đổi."
                .into(),
        )),
    }
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
    /// Further sheets read as the rows of a repeating section, keyed by số định danh.
    pub section_sheets: Vec<SectionSheet>,
    /// Sheets that look like data but were not read, and why.
    pub sheet_issues: Vec<SheetIssue>,
    /// People read (a row of the main sheet, or rows of section sheets only).
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Of the rows created or updated: records still missing fields the schema requires.
    pub incomplete: usize,
    /// Rows refused (each has at least one error).
    pub refused: usize,
    /// Of the records created: official at once (an initial load on `official_basis`).
    pub official: usize,
    /// Records created or changed that wait for the head's signature.
    pub awaiting_approval: usize,
    /// Personal accounts made for the records created (the HR officer then hands out their
    /// activation codes: Tài khoản cá nhân → Cấp cho cả đơn vị).
    pub accounts: usize,
    /// Why the records created are official at once (`None`: they wait for the signature).
    pub official_basis: Option<String>,
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
/// file does not have, or a cell left empty, keeps what the record holds; a repeating section
/// the file has rows of (on its sheet) is replaced by them, one it has none of is kept.
fn merged(existing: &RecordDoc, imported: &RecordDoc) -> RecordDoc {
    let mut doc = existing.clone();
    for (section, values) in imported {
        if values.is_array() {
            doc.insert(section.clone(), values.clone());
            continue;
        }
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
    pub(crate) async fn unit_for_import(
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
        let basis = initial_load_basis(actor.is_system_admin(), &file.options)?;
        self.run_import(
            Some(actor.account_id),
            client,
            &unit,
            file,
            Run {
                dry: true,
                official_basis: basis.as_deref(),
            },
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
        let basis = initial_load_basis(actor.is_system_admin(), &file.options)?;
        self.run_import(
            Some(actor.account_id),
            client,
            &unit,
            file,
            Run {
                dry: false,
                official_basis: basis.as_deref(),
            },
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
        let basis = initial_load_basis(true, &file.options)?;
        static NO_CLIENT: ClientInfo = ClientInfo {
            addr: None,
            user_agent: None,
        };
        self.run_import(
            None,
            &NO_CLIENT,
            &unit,
            file,
            Run {
                dry: dry_run,
                official_basis: basis.as_deref(),
            },
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
        run: Run<'_>,
        progress: &Progress<'_>,
    ) -> AppResult<ImportReport> {
        let (dry_run, official_basis) = (run.dry, run.official_basis);
        let schema: &'static RecordSchema = self.schemas.latest();
        let analysis = self.analyze_upload(file).await?;

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
            section_sheets: analysis.section_sheets.clone(),
            sheet_issues: analysis.sheet_issues.clone(),
            rows: analysis.rows.len(),
            created: 0,
            updated: 0,
            unchanged: 0,
            incomplete: 0,
            refused: 0,
            official: 0,
            awaiting_approval: 0,
            accounts: 0,
            official_basis: official_basis.map(str::to_string),
            errors: Vec::new(),
        };
        let total = analysis.rows.len() as i64;
        let mut done = 0i64;
        for batch in analysis.rows.chunks(BATCH_ROWS) {
            if dry_run {
                let mut conn = self.store.reader().await?;
                let held = self.held_of(&mut conn, batch).await?;
                for row in batch {
                    let plan = self.plan_row(&mut conn, schema, unit, row, &held).await?;
                    tally(&mut report, &plan, official_basis.is_some());
                }
            } else {
                let mut work = self.begin_work_as(author, client).await?;
                let held = self.held_of(&mut work, batch).await?;
                let mut person_ids = Vec::new();
                let mut creates = Vec::new();
                let mut updated = 0;
                for row in batch {
                    let plan = self.plan_row(&mut work, schema, unit, row, &held).await?;
                    tally(&mut report, &plan, official_basis.is_some());
                    match plan {
                        Plan::Create { prepared, hash, .. } => creates.push(Created {
                            row,
                            prepared,
                            hash,
                        }),
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
                                    person_id,
                                    prev: Some(&*prev),
                                    schema,
                                    prepared: &prepared,
                                    unit_id: unit.id,
                                    status,
                                    provenance: Provenance::Import,
                                    author,
                                    note: Some(import_note(&file.file_name, row)),
                                },
                            )
                            .await?;
                            person_ids.push(person_id);
                            updated += 1;
                        }
                        Plan::Unchanged | Plan::Refused(_) => {}
                    }
                }
                let created = creates.len();
                let (created_ids, account_ids) = self
                    .write_created(
                        &mut work,
                        schema,
                        unit,
                        &creates,
                        author,
                        official_basis.is_some(),
                        &file.file_name,
                    )
                    .await?;
                person_ids.extend(created_ids);
                report.accounts += account_ids.len();
                work.audit(
                    AuditAction::ImportBatch,
                    About::new("org_unit", unit.id),
                    serde_json::json!({
                        "file": file.file_name,
                        "rows": [batch.first().map(|r| r.row), batch.last().map(|r| r.row)],
                        "created": created,
                        "updated": updated,
                        "persons": person_ids,
                        "accounts": account_ids,
                        "official_basis": official_basis,
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
        let main_sheet = report.sheet.clone();
        report.errors.sort_by(|a, b| {
            (a.sheet != main_sheet, &a.sheet, a.row).cmp(&(b.sheet != main_sheet, &b.sheet, b.row))
        });
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
                "official": report.official,
                "accounts": report.accounts,
                "official_basis": report.official_basis,
            }),
        )
        .await?;
        work.commit().await?;
        Ok(report)
    }

    /// Reads an upload with its options; a saved mapping is laid on the headers the file has
    /// (the file is read once for them, then again with the mapping).
    pub(crate) async fn analyze_upload(&self, file: &ImportFile) -> AppResult<Analysis> {
        let mapping = match file.options.mapping {
            Some(id) => Some(self.stored_import_mapping(id).await?),
            None => None,
        };
        let schema: &'static RecordSchema = self.schemas.latest();
        let catalogs = self.catalogs();
        let mut options = hoso_import::Options {
            sheet: file.options.sheet.clone(),
            overrides: file.options.overrides.clone(),
            limits: hoso_import::Limits::default(),
        };
        let bytes = file.bytes.clone();
        let analysis: Analysis = tokio::task::spawn_blocking(move || {
            let first = hoso_import::analyze(&bytes, schema, &catalogs, &options)?;
            let Some(mapping) = mapping else {
                return Ok(first);
            };
            let mut overrides = mapping.overrides_for(&first.layout.columns);
            overrides.extend(std::mem::take(&mut options.overrides));
            options.overrides = overrides;
            options.sheet = Some(first.sheet);
            hoso_import::analyze(&bytes, schema, &catalogs, &options)
        })
        .await
        .map_err(|e| AppError::Internal(format!("import reader: {e}")))?
        .map_err(bad_file)?;
        Ok(analysis)
    }

    /// The records held of a batch's số định danh: hash → person id, one query.
    async fn held_of(
        &self,
        conn: &mut hoso_store::AnyConnection,
        batch: &[hoso_import::ParsedRow],
    ) -> AppResult<HashMap<String, i64>> {
        let hashes: Vec<String> = batch
            .iter()
            .filter_map(|r| r.national_id.as_deref())
            .map(|n| self.keys.current.national_id_hash(n))
            .collect();
        let refs: Vec<&str> = hashes.iter().map(String::as_str).collect();
        Ok(persons::ids_by_national_id_hashes(conn, &refs).await?)
    }

    /// Writes the records a batch creates, many rows a statement: the people at version 1
    /// (official at once in an initial load), their versions, sealed secrets and history
    /// rows, and a personal account each whose số định danh is no one's username yet.
    /// Returns the person ids and the account ids.
    #[allow(clippy::too_many_arguments)]
    async fn write_created(
        &self,
        work: &mut crate::work::Work<'_>,
        schema: &'static RecordSchema,
        unit: &org_store::OrgUnitRow,
        creates: &[Created<'_>],
        author: Option<i64>,
        official: bool,
        file_name: &str,
    ) -> AppResult<(Vec<i64>, Vec<i64>)> {
        if creates.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let now = self.now_ms();
        let status = PersonStatus::Working;
        let people: Vec<hoso_store::bulk::NewImported<'_>> = creates
            .iter()
            .map(|c| hoso_store::bulk::NewImported {
                national_id_hash: &c.hash,
                unit_id: unit.id,
                status: status.as_str(),
                projection: &c.prepared.projection,
                created_at: now,
                official,
            })
            .collect();
        let ids = hoso_store::bulk::insert_imported(work, &people).await?;
        let versions: Vec<VersionRow> = creates
            .iter()
            .zip(&ids)
            .map(|(c, id)| {
                crate::versions::version_row(
                    &NewVersion {
                        person_id: *id,
                        prev: None,
                        schema,
                        prepared: &c.prepared,
                        unit_id: unit.id,
                        status,
                        provenance: Provenance::Import,
                        author,
                        note: Some(import_note(file_name, c.row)),
                    },
                    now,
                )
            })
            .collect();
        hoso_store::bulk::insert_versions(work, versions.iter()).await?;
        let today = self.today();
        let states: Vec<hoso_store::states::StateRow<'_>> = creates
            .iter()
            .zip(&ids)
            .map(|(c, id)| hoso_store::states::StateRow {
                person_id: *id,
                version: 1,
                valid_from: crate::versions::in_force_from(
                    today,
                    None,
                    true,
                    c.prepared.entered_service,
                )
                .to_string(),
                unit_id: unit.id,
                status: status.as_str(),
                projection: &c.prepared.projection,
            })
            .collect();
        hoso_store::states::insert_first(work, states.iter()).await?;
        let secrets: Vec<hoso_store::secrets::SecretRow> = creates
            .iter()
            .zip(&ids)
            .map(|(c, id)| self.sealed_secret(*id, 1, &c.prepared.secret))
            .collect();
        hoso_store::bulk::insert_secrets(work, secrets.iter()).await?;
        let history: Vec<(i64, &hoso_domain::schema::HistoryRow)> = creates
            .iter()
            .zip(&ids)
            .flat_map(|(c, id)| c.prepared.history.iter().map(move |h| (*id, h)))
            .collect();
        hoso_store::projection::insert_history(work, history.into_iter()).await?;
        let usernames: Vec<&str> = creates
            .iter()
            .map(|c| c.prepared.national_id.as_str())
            .collect();
        let taken = hoso_store::accounts::usernames_taken(work, &usernames).await?;
        let request_ref = format!("Nhập hồ sơ từ tệp {file_name}");
        let accounts: Vec<hoso_store::personal_accounts::NewPersonalAccount<'_>> = creates
            .iter()
            .zip(&ids)
            .filter(|(c, _)| !taken.contains(&c.prepared.national_id))
            .map(
                |(c, id)| hoso_store::personal_accounts::NewPersonalAccount {
                    person_id: *id,
                    username: &c.prepared.national_id,
                    display_name: &c.prepared.projection.full_name,
                    created_at: now,
                    created_by: author,
                    request_ref: &request_ref,
                },
            )
            .collect();
        let account_ids = hoso_store::personal_accounts::insert_many(work, &accounts).await?;
        Ok((ids, account_ids))
    }

    /// What one row becomes against the records held (read on `conn`: the reader for a dry
    /// run, the batch's transaction for an import).
    async fn plan_row(
        &self,
        conn: &mut hoso_store::AnyConnection,
        schema: &'static RecordSchema,
        unit: &org_store::OrgUnitRow,
        row: &hoso_import::ParsedRow,
        held: &HashMap<String, i64>,
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
        let existing = held.get(&hash).copied();
        let (doc, current) = match existing {
            None if !row.in_main_sheet => {
                return Ok(Plan::Refused(vec![row.issue_at(
                    "",
                    format!(
                        "Chưa có hồ sơ của người có số định danh {national_id}: hãy ghi người này ở trang danh sách (trang chính) trước khi nhập các dòng của trang «{}».",
                        row.sheet
                    ),
                )]));
            }
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
                // Read back from the canonical text, the form a version keeps (nulls
                // dropped), so that it compares like the held document.
                let imported: RecordDoc = serde_json::from_str(&prepared.canonical)
                    .map_err(|e| AppError::Internal(format!("canonical document: {e}")))?;
                let same = same_values(&existing_doc, &imported);
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

/// Whether two documents hold the same values, a whole number written either way (`50` as the
/// form keeps it, `50.0` as a spreadsheet's cell reads) being one value.
fn same_values(held: &RecordDoc, imported: &RecordDoc) -> bool {
    fn whole(v: &Value) -> Value {
        match v {
            Value::Number(n) => match n.as_f64() {
                Some(x) if n.is_f64() && x.fract() == 0.0 && x.abs() < 9e15 => {
                    Value::from(x as i64)
                }
                _ => v.clone(),
            },
            Value::Array(items) => Value::Array(items.iter().map(whole).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), whole(v))).collect())
            }
            other => other.clone(),
        }
    }
    let whole_doc = |doc: &RecordDoc| -> serde_json::Map<String, Value> {
        doc.iter().map(|(k, v)| (k.clone(), whole(v))).collect()
    };
    whole_doc(held) == whole_doc(imported)
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

/// A record a batch creates.
struct Created<'r> {
    row: &'r hoso_import::ParsedRow,
    prepared: Box<Prepared>,
    hash: String,
}

fn import_note(file_name: &str, row: &hoso_import::ParsedRow) -> String {
    format!("Nhập từ tệp {file_name}, dòng {}", row.row)
}

/// How an import runs: whether it only reports what it would write, and what makes the
/// records it creates official at once (see [`initial_load_basis`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run<'a> {
    dry: bool,
    official_basis: Option<&'a str>,
}

fn tally(report: &mut ImportReport, plan: &Plan, official: bool) {
    match plan {
        Plan::Create { incomplete, .. } => {
            report.created += 1;
            report.incomplete += usize::from(*incomplete);
            if official {
                report.official += 1;
            } else {
                report.awaiting_approval += 1;
            }
        }
        Plan::Update { incomplete, .. } => {
            report.updated += 1;
            report.incomplete += usize::from(*incomplete);
            report.awaiting_approval += 1;
        }
        Plan::Unchanged => report.unchanged += 1,
        Plan::Refused(issues) => {
            report.refused += 1;
            report.errors.extend(issues.iter().cloned());
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
    /// Decided when queued, by who queued it: see [`initial_load_basis`].
    #[serde(default)]
    official_basis: Option<String>,
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
        let official_basis = initial_load_basis(actor.is_system_admin(), &file.options)?;
        let sha = crate::attachments::sha256_hex(&file.bytes);
        self.attachments.put(&sha, file.bytes).await?;
        let params = serde_json::to_string(&ImportJobParams {
            unit_id: unit.id,
            upload: sha.clone(),
            file_name: file.file_name.clone(),
            options: file.options,
            account_id: actor.account_id,
            official_basis,
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
                Run {
                    dry: false,
                    official_basis: params.official_basis.as_deref(),
                },
                progress,
            )
            .await?;
        Ok(format!(
            "{} dòng: {} tạo mới, {} cập nhật, {} không đổi, {} bị từ chối ({} hồ sơ còn thiếu thông tin; {} có hiệu lực ngay, {} chờ ký duyệt; {} tài khoản cá nhân)",
            report.rows,
            report.created,
            report.updated,
            report.unchanged,
            report.refused,
            report.incomplete,
            report.official,
            report.awaiting_approval,
            report.accounts
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
        let first_header = |rows: &[u32]| rows.first().copied().unwrap_or(1);
        let mut sheets = vec![(report.sheet.clone(), first_header(&report.header_rows))];
        sheets.extend(
            report
                .section_sheets
                .iter()
                .map(|s| (s.sheet.clone(), first_header(&s.layout.header_rows))),
        );
        hoso_import::files::annotated(&file.bytes, &sheets, &report.errors).map_err(bad_file)
    }

    /// The records kept in a unit, written into the import template (one row each on the
    /// main sheet, their repeating sections on the section sheets): the officer corrects them
    /// in Excel and imports the file back, and what is unchanged stays unchanged. Unit or
    /// system administrator over the unit; at most [`UNIT_EXPORT_CAP`] records. Audited.
    pub async fn export_unit_for_import(
        &self,
        actor: &Actor,
        client: &ClientInfo,
        unit_id: i64,
    ) -> AppResult<Vec<u8>> {
        let unit = self
            .unit_for_import(actor, unit_id, AuditAction::PersonsExport, client)
            .await?;
        let mut conn = self.store.reader().await?;
        let ids = persons::ids_in_unit(&mut conn, unit.id, UNIT_EXPORT_CAP as i64 + 1).await?;
        if ids.len() > UNIT_EXPORT_CAP {
            return Err(AppError::BadRequest(format!(
                "Đơn vị có hơn {UNIT_EXPORT_CAP} hồ sơ: hãy xuất theo từng đơn vị trực thuộc."
            )));
        }
        let mut docs = Vec::with_capacity(ids.len());
        for id in &ids {
            let version = persons::current_version(&mut conn, *id)
                .await?
                .ok_or_else(|| AppError::Internal(format!("person {id} has no current version")))?;
            // Read as the import reads it (migrated to the latest schema), so what comes back
            // unchanged compares unchanged.
            docs.push(self.decode_document(&mut conn, &version).await?);
        }
        drop(conn);
        let schema: &'static RecordSchema = self.schemas.latest();
        let catalogs = self.catalogs();
        let bytes = tokio::task::spawn_blocking(move || {
            hoso_import::files::filled(schema, &catalogs, &docs)
        })
        .await
        .map_err(|e| AppError::Internal(format!("import template: {e}")))?
        .map_err(bad_file)?;
        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            AuditAction::PersonsExport,
            About::new("org_unit", unit.id),
            serde_json::json!({"rows": ids.len(), "format": "import_template", "persons": ids}),
        )
        .await?;
        work.commit().await?;
        Ok(bytes)
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
        hoso_import::layout::main_sheet_fields(self.schemas.latest())
            .map(|(s, f)| (format!("{}.{}", s.id, f.id), f.column_label().to_string()))
            .collect()
    }
}
