//! The record (F3): create, read, list and change personnel records. Every change produces a
//! new immutable version, hashed and chained to the previous one; the `persons` row is only a
//! projection of the latest version for lists and statistics.

use hoso_domain::access::AccessLevel;
use hoso_domain::audit_action::AuditAction;
use hoso_domain::org::PersonStatus;
use hoso_domain::schema::{FieldRole, ProjectedValue, RecordDoc, RecordSchema};
use hoso_store::org as org_store;
use hoso_store::persons::{
    self, Keyset, PersonFilter, PersonRow, PersonSort, ProjectedPerson, VersionRow,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::authz::Attempt;
use crate::versions::{NewVersion, Provenance};
pub use crate::versions::{canonical_json, version_hash};
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo, Paging};

/// A person in a list: projected columns only, nothing sensitive.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonSummary {
    pub id: i64,
    pub unit_id: i64,
    pub status: String,
    pub full_name: String,
    pub gender: Option<String>,
    /// ISO date.
    pub date_of_birth: Option<String>,
    pub personnel_category: Option<String>,
    /// Ngạch or chức danh nghề nghiệp code.
    pub rank_or_title_code: Option<String>,
    pub salary_step: Option<i64>,
    /// Hệ số lương, e.g. 3.33.
    pub salary_coefficient: Option<f64>,
    pub current_position: Option<String>,
    pub current_version: i64,
}

/// The roles a [`PersonSummary`] shows, each read from the column the schema projects it to.
const SUMMARY_ROLES: [FieldRole; 7] = [
    FieldRole::Sex,
    FieldRole::BirthDate,
    FieldRole::PersonnelCategory,
    FieldRole::RankOrTitle,
    FieldRole::SalaryStep,
    FieldRole::SalaryCoefficient,
    FieldRole::CurrentPosition,
];

impl PersonSummary {
    pub fn new(schema: &RecordSchema, r: ProjectedPerson) -> PersonSummary {
        let column = |role| schema.role_column(role).map(|c| c.name);
        let text = |role| column(role).and_then(|c| r.text(c)).map(str::to_string);
        let number = |role| column(role).and_then(|c| r.integer(c));
        PersonSummary {
            gender: text(FieldRole::Sex),
            date_of_birth: text(FieldRole::BirthDate),
            personnel_category: text(FieldRole::PersonnelCategory),
            rank_or_title_code: text(FieldRole::RankOrTitle),
            salary_step: number(FieldRole::SalaryStep),
            salary_coefficient: number(FieldRole::SalaryCoefficient).map(|h| h as f64 / 100.0),
            current_position: text(FieldRole::CurrentPosition),
            id: r.person.id,
            unit_id: r.person.unit_id,
            status: r.person.status.clone(),
            full_name: r.person.full_name.clone(),
            current_version: r.person.current_version,
        }
    }
}

/// One record as the caller may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonView {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub status: String,
    pub current_version: i64,
    pub version_hash: String,
    pub schema_version: String,
    /// The most sensitive field level shown; fields above it were left out.
    pub clearance: String,
    /// The record document: section id → fields (or rows, for repeating sections).
    #[schema(value_type = Object)]
    pub record: RecordDoc,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionSummary {
    pub version: i64,
    pub hash: String,
    pub prev_hash: Option<String>,
    pub schema_version: String,
    pub unit_id: i64,
    pub status: String,
    pub created_by: Option<i64>,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub note: Option<String>,
    /// Where the version comes from: `direct`, `change_request`, `demo` or `legacy`.
    pub source: String,
    /// What it comes from (the change request's id).
    pub source_ref: Option<String>,
    /// The same, in words: "Phiếu bổ sung lý lịch số 12".
    pub source_label: String,
}

impl From<&VersionRow> for VersionSummary {
    fn from(v: &VersionRow) -> Self {
        VersionSummary {
            version: v.version,
            hash: v.hash.clone(),
            prev_hash: v.prev_hash.clone(),
            schema_version: v.schema_version.clone(),
            unit_id: v.unit_id,
            status: v.status.clone(),
            created_by: v.created_by,
            created_at: v.created_at,
            note: v.note.clone(),
            source: Provenance::of(v).code().to_string(),
            source_ref: v.source_ref.clone(),
            source_label: Provenance::of(v).label_vi(),
        }
    }
}

/// One version with its document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionView {
    #[serde(flatten)]
    pub version: VersionSummary,
    #[schema(value_type = Object)]
    pub record: RecordDoc,
}

/// A version and what it changed against the one before.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionChanges {
    #[serde(flatten)]
    pub version: VersionSummary,
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<hoso_domain::changes::FieldChange>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePerson {
    /// The unit that pays the person.
    pub unit_id: i64,
    /// `working` unless importing people who already left.
    pub status: Option<String>,
    #[schema(value_type = Object)]
    pub record: RecordDoc,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRecord {
    /// The version the change was made against; refused if the record moved on since (no lost
    /// update).
    pub expected_version: i64,
    #[schema(value_type = Object)]
    pub record: RecordDoc,
    pub unit_id: Option<i64>,
    pub status: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonQuery {
    /// Name search, accent-insensitive ("nguyen van dat" finds "Nguyễn Văn Đạt").
    pub q: Option<String>,
    /// Only this unit and the units below it.
    pub unit: Option<i64>,
    /// working, retired, resigned, deceased, transferred_out.
    pub status: Option<String>,
    /// Ngạch or chức danh nghề nghiệp code, e.g. 01.003.
    pub grade: Option<String>,
    /// cadre, civil_servant, public_employee, contract_worker.
    pub category: Option<String>,
    /// nam or nu.
    pub gender: Option<String>,
    /// name (default), date_of_birth, rank, updated; prefix with '-' for descending.
    pub sort: Option<String>,
    /// Without `after` or `before`, the page to read (counted from 1). With one of them, only the
    /// number the page is shown with.
    pub page: Option<i64>,
    pub per_page: Option<i64>,
    /// The page following a row: the `next` of the page before. However deep, it costs what the
    /// first page costs (keyset paging). With the same sort as the page it came from.
    pub after: Option<String>,
    /// The page preceding a row: the `prev` of the page after.
    pub before: Option<String>,
}

/// One page of the list of records, with where the pages around it start.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonPage {
    pub items: Vec<PersonSummary>,
    /// The matches, counted up to [`COUNT_CAP`] (`total_capped`: more).
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub total_capped: bool,
    /// `after=` this for the page after this one, when there is one.
    pub next: Option<String>,
    /// `before=` this for the page before this one, when there is one.
    pub prev: Option<String>,
}

/// A row's place in a sorted list, carried between pages as an opaque text: the sort it belongs
/// to, the row's value for it and its id (`persons::Cursor`).
#[derive(Debug, Serialize, Deserialize)]
struct PageCursor {
    #[serde(rename = "s")]
    sort: String,
    #[serde(rename = "k")]
    key: Option<serde_json::Value>,
    #[serde(rename = "i")]
    id: i64,
}

impl PageCursor {
    fn encode(sort: &str, cursor: &persons::Cursor) -> String {
        use base64::Engine as _;
        let key = cursor.key.as_ref().map(|k| match k {
            ProjectedValue::Text(t) => serde_json::Value::from(t.as_str()),
            ProjectedValue::Integer(n) => serde_json::Value::from(*n),
        });
        let text = serde_json::to_vec(&PageCursor {
            sort: sort.to_string(),
            key,
            id: cursor.id,
        })
        .unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    }

    fn decode(text: &str, sort: &str) -> AppResult<persons::Cursor> {
        use base64::Engine as _;
        let bad = || {
            AppError::BadRequest(
                "Con trỏ trang (after/before) không hợp lệ: hãy mở lại trang đầu của danh sách."
                    .into(),
            )
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| bad())?;
        let cursor: PageCursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if cursor.sort != sort {
            return Err(AppError::BadRequest(
                "Con trỏ trang thuộc một cách sắp xếp khác: hãy mở lại trang đầu của danh sách."
                    .into(),
            ));
        }
        let key = match cursor.key {
            None => None,
            Some(serde_json::Value::String(t)) => Some(ProjectedValue::Text(t)),
            Some(serde_json::Value::Number(n)) => {
                Some(ProjectedValue::Integer(n.as_i64().ok_or_else(bad)?))
            }
            Some(_) => return Err(bad()),
        };
        Ok(persons::Cursor { key, id: cursor.id })
    }
}

fn parse_status(s: Option<&str>) -> AppResult<PersonStatus> {
    match s {
        None => Ok(PersonStatus::Working),
        Some(s) => PersonStatus::parse(s).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Trạng thái '{s}' không hợp lệ. Chọn một trong: working, retired, resigned, deceased, transferred_out."
            ))
        }),
    }
}

/// The list of records counts its matches up to this many; past it the count says "more than"
/// (a count of millions costs what reading them costs, on every page).
pub const COUNT_CAP: i64 = 10_000;

impl App {
    /// The unit a record is to be kept in: one the actor writes records in, not dissolved.
    pub(crate) async fn unit_for_records(
        &self,
        actor: &Actor,
        unit_id: i64,
        attempt: Attempt<'_>,
    ) -> AppResult<org_store::OrgUnitRow> {
        let mut conn = self.store.reader().await?;
        let unit = self
            .require_unit(&mut conn, actor, Capability::WriteRecords, unit_id, attempt)
            .await?;
        if unit.dissolved_on.is_some() {
            return Err(AppError::BadRequest(format!(
                "Đơn vị '{}' đã giải thể, không thể nhận hồ sơ.",
                unit.name
            )));
        }
        Ok(unit)
    }

    /// Creates a record (version 1). Refused, pointing at the existing record, when the số định
    /// danh already has one.
    pub async fn create_person(
        &self,
        actor: &Actor,
        input: CreatePerson,
        client: &ClientInfo,
    ) -> AppResult<PersonView> {
        let attempt = Attempt {
            action: AuditAction::RecordCreate,
            about: About::new("org_unit", input.unit_id),
            client,
        };
        let unit = self.unit_for_records(actor, input.unit_id, attempt).await?;
        let status = parse_status(input.status.as_deref())?;
        let schema = self.schemas.latest();
        let prepared = self.prepare(schema, input.record, &unit)?;
        let id_hash = self.keys.current.national_id_hash(&prepared.national_id);

        let mut tx = self.begin_work(actor, client).await?;
        if let Some(existing) = persons::find_by_national_id_hash(&mut tx, &id_hash).await? {
            return Err(duplicate(existing));
        }
        let person_id = match persons::insert(
            &mut tx,
            persons::NewPerson {
                national_id_hash: &id_hash,
                unit_id: unit.id,
                status: status.as_str(),
                projection: &prepared.projection,
            },
            self.now_ms(),
        )
        .await
        {
            Ok(id) => id,
            // A concurrent insert of the same person won the race.
            Err(e) if e.is_unique_violation() => {
                drop(tx);
                let mut conn = self.store.reader().await?;
                let existing = persons::find_by_national_id_hash(&mut conn, &id_hash)
                    .await?
                    .unwrap_or_default();
                return Err(duplicate(existing));
            }
            Err(e) => return Err(e.into()),
        };
        let version = self
            .write_version(
                &mut tx,
                NewVersion {
                    person_id,
                    prev: None,
                    schema,
                    prepared: &prepared,
                    unit_id: unit.id,
                    status,
                    provenance: Provenance::Direct,
                    author: Some(actor.account_id),
                    note: input.note,
                },
            )
            .await?;
        tx.audit(
            AuditAction::RecordCreate,
            About::new("person", person_id),
            serde_json::json!({"version": 1, "hash": version.hash}),
        )
        .await?;
        tx.commit().await?;
        self.refresh_alerts_of(&[person_id]).await;
        self.get_person(actor, person_id, client).await
    }

    /// Changes a record: a new version against `expected_version`.
    pub async fn update_record(
        &self,
        actor: &Actor,
        person_id: i64,
        input: UpdateRecord,
        client: &ClientInfo,
    ) -> AppResult<PersonView> {
        let attempt = || Attempt {
            action: AuditAction::RecordUpdate,
            about: About::new("person", person_id),
            client,
        };
        let mut conn = self.store.reader().await?;
        // One lookup of where the record is kept serves both checks: 404 unless readable, then
        // an audited 403 unless writable.
        let unit_path = self.visible_person(&mut conn, actor, person_id).await?;
        self.require(
            actor,
            Capability::WriteRecords,
            crate::Target::Person {
                id: person_id,
                unit_path: &unit_path,
            },
            AppError::record_not_found,
            attempt(),
        )
        .await?;
        let current = persons::get(&mut conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        drop(conn);
        // The record of a person who left the province is kept as it was handed over.
        if current.status == PersonStatus::TransferredOut.as_str() {
            return Err(AppError::Conflict(
                "Hồ sơ của người đã chuyển công tác ra ngoài tỉnh chỉ được xem, không sửa. Người trở lại tỉnh được tiếp nhận bằng gói hồ sơ nơi chuyển đi bàn giao.".into(),
            ));
        }
        let unit = self
            .unit_for_records(actor, input.unit_id.unwrap_or(current.unit_id), attempt())
            .await?;
        let status = match input.status.as_deref() {
            None => PersonStatus::parse(&current.status).unwrap_or(PersonStatus::Working),
            Some(s) => parse_status(Some(s))?,
        };
        let schema = self.schemas.latest();
        let prepared = self.prepare(schema, input.record, &unit)?;
        let id_hash = self.keys.current.national_id_hash(&prepared.national_id);

        let mut tx = self.begin_work(actor, client).await?;
        let fresh = persons::get(&mut tx, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        if fresh.current_version != input.expected_version {
            return Err(AppError::Conflict(format!(
                "Hồ sơ đã được cập nhật (phiên bản hiện tại {}, bạn sửa trên phiên bản {}). Vui lòng tải lại và sửa lại.",
                fresh.current_version, input.expected_version
            )));
        }
        if let Some(other) = persons::find_by_national_id_hash(&mut tx, &id_hash)
            .await?
            .filter(|other| *other != person_id)
        {
            return Err(duplicate(other));
        }
        let prev = persons::version(&mut tx, person_id, fresh.current_version).await?;
        let version = self
            .write_version(
                &mut tx,
                NewVersion {
                    person_id,
                    prev: prev.as_ref(),
                    schema,
                    prepared: &prepared,
                    unit_id: unit.id,
                    status,
                    provenance: Provenance::Direct,
                    author: Some(actor.account_id),
                    note: input.note,
                },
            )
            .await?;
        persons::set_identifier_hash(&mut tx, person_id, &id_hash).await?;
        // Leaving service or the province ends the person's own access, with the change that
        // records it.
        if status != PersonStatus::Working && fresh.status != status.as_str() {
            crate::security::revoke_personal_access_in(
                &mut tx,
                actor.account_id,
                person_id,
                &format!("Hồ sơ chuyển trạng thái: {}", status.label_vi()),
            )
            .await?;
        }
        // Back in service: the account the person had opens again.
        if status == PersonStatus::Working && fresh.status != status.as_str() {
            crate::personal_accounts::restore_personal_access_in(
                &mut tx,
                actor.account_id,
                person_id,
                "Hồ sơ trở lại trạng thái đang công tác",
            )
            .await?;
        }
        tx.audit(
            AuditAction::RecordUpdate,
            About::new("person", person_id),
            serde_json::json!({"version": version.version, "hash": version.hash}),
        )
        .await?;
        tx.commit().await?;
        self.refresh_alerts_of(&[person_id]).await;
        self.get_person(actor, person_id, client).await
    }

    /// The person row if the actor may read it; otherwise "not found" (never "forbidden", which
    /// would confirm that the record exists).
    async fn person_in_scope(&self, actor: &Actor, person_id: i64) -> AppResult<PersonRow> {
        let mut conn = self.store.reader().await?;
        self.visible_person(&mut conn, actor, person_id).await?;
        persons::get(&mut conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)
    }

    /// A version of a record as the caller may see it (the current one when `number` is
    /// `None`): scope and clearance checked, sensitive fields decrypted, fields above the
    /// clearance left out, the read audited.
    pub(crate) async fn read_version(
        &self,
        actor: &Actor,
        person_id: i64,
        number: Option<i64>,
        client: &ClientInfo,
    ) -> AppResult<(
        PersonRow,
        org_store::OrgUnitRow,
        VersionRow,
        RecordDoc,
        AccessLevel,
    )> {
        // Outside its scope, an account reads the current version of a record shared with it by
        // a live outside-access grant, up to the grant's field level.
        let (person, via_grant) = match self.person_in_scope(actor, person_id).await {
            Ok(person) => (person, None),
            Err(AppError::NotFound(_)) if number.is_none() => {
                let Some(grant) = self.live_record_access(actor, person_id).await? else {
                    return Err(AppError::record_not_found());
                };
                let mut conn = self.store.reader().await?;
                let person = persons::get(&mut conn, person_id)
                    .await?
                    .ok_or_else(AppError::record_not_found)?;
                (person, Some(grant))
            }
            Err(e) => return Err(e),
        };
        let mut conn = self.store.reader().await?;
        let unit = org_store::get(&mut conn, person.unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        let clearance = match &via_grant {
            Some((_, level)) => *level,
            None => actor
                .clearance_for(person_id, &unit.path)
                .ok_or_else(AppError::record_not_found)?,
        };
        let version = match number {
            None => persons::version(&mut conn, person_id, person.current_version)
                .await?
                .ok_or_else(|| {
                    AppError::Internal(format!(
                        "person {person_id} has no version {}",
                        person.current_version
                    ))
                })?,
            Some(n) => persons::version(&mut conn, person_id, n)
                .await?
                .ok_or(AppError::NotFound("Không có phiên bản này của hồ sơ."))?,
        };
        let doc = self.decode_document(&mut conn, &version).await?;
        drop(conn);
        let redacted = self.schemas.latest().redact(&doc, clearance);
        self.audit_read(
            actor,
            client,
            AuditAction::RecordRead,
            About::new("person", person_id),
            match &via_grant {
                None => serde_json::json!({"version": version.version}),
                Some((g, _)) => serde_json::json!({"version": version.version,
                        "access_grant": g.id, "purpose": g.purpose, "legal_ref": g.legal_ref}),
            },
        )
        .await?;
        Ok((person, unit, version, redacted, clearance))
    }

    /// Reads one record, leaving out the fields above the caller's clearance. Audited.
    pub async fn get_person(
        &self,
        actor: &Actor,
        person_id: i64,
        client: &ClientInfo,
    ) -> AppResult<PersonView> {
        let (person, unit, version, record, clearance) =
            self.read_version(actor, person_id, None, client).await?;
        Ok(PersonView {
            id: person.id,
            unit_id: person.unit_id,
            unit_name: unit.name,
            status: person.status,
            current_version: person.current_version,
            version_hash: version.hash,
            schema_version: self.schemas.latest().version.clone(),
            clearance: serde_json::to_value(clearance)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            record,
        })
    }
    pub(crate) async fn seal_secrets(
        &self,
        conn: &mut hoso_store::AnyConnection,
        person_id: i64,
        version: i64,
        secret: &str,
    ) -> AppResult<()> {
        hoso_store::secrets::insert(conn, &self.sealed_secret(person_id, version, secret)).await?;
        Ok(())
    }

    /// The sensitive fields of a version, sealed under the current key for that version.
    pub(crate) fn sealed_secret(
        &self,
        person_id: i64,
        version: i64,
        secret: &str,
    ) -> hoso_store::secrets::SecretRow {
        let key = &self.keys.current;
        let sealed = key.seal(secret.as_bytes(), &secret_context(person_id, version));
        hoso_store::secrets::SecretRow {
            person_id,
            version,
            key_id: key.id.clone(),
            sealed: hex::encode(sealed),
        }
    }

    /// A stored version's whole document (sensitive fields decrypted), as stored: the text
    /// its hash was computed over.
    pub(crate) async fn full_document(
        &self,
        conn: &mut hoso_store::AnyConnection,
        version: &VersionRow,
    ) -> AppResult<RecordDoc> {
        self.full_document_with_key(conn, version, None).await
    }

    /// [`Self::full_document`], also accepting secrets sealed under `extra` (a key not yet in the
    /// keyring: the new one, during rotation).
    pub(crate) async fn full_document_with_key(
        &self,
        conn: &mut hoso_store::AnyConnection,
        version: &VersionRow,
        extra: Option<&crate::crypto::MasterKey>,
    ) -> AppResult<RecordDoc> {
        let mut doc: RecordDoc = serde_json::from_str(&version.document).map_err(|e| {
            AppError::Internal(format!(
                "stored document of person {} is not JSON: {e}",
                version.person_id
            ))
        })?;
        if let Some(row) =
            hoso_store::secrets::get(conn, version.person_id, version.version).await?
        {
            let key = extra
                .filter(|k| k.id == row.key_id)
                .or_else(|| self.keys.by_id(&row.key_id));
            let key = key.ok_or_else(|| {
                AppError::Internal(format!(
                    "no key {} for the secrets of person {} (key file missing?)",
                    row.key_id, version.person_id
                ))
            })?;
            let sealed = hex::decode(&row.sealed)
                .map_err(|e| AppError::Internal(format!("sealed secrets are not hex: {e}")))?;
            let plain = key
                .open(&sealed, &secret_context(version.person_id, version.version))
                .ok_or_else(|| {
                    AppError::Internal(format!(
                        "secrets of person {} v{} do not decrypt",
                        version.person_id, version.version
                    ))
                })?;
            let secret: RecordDoc = serde_json::from_slice(&plain)
                .map_err(|e| AppError::Internal(format!("decrypted secrets are not JSON: {e}")))?;
            crate::crypto::merge_secrets(&mut doc, secret);
        }
        Ok(doc)
    }

    /// A stored version's document, decrypted and migrated to the latest schema.
    pub(crate) async fn decode_document(
        &self,
        conn: &mut hoso_store::AnyConnection,
        version: &VersionRow,
    ) -> AppResult<RecordDoc> {
        let doc = self.full_document(conn, version).await?;
        self.schemas
            .migrate(doc, &version.schema_version)
            .map_err(|e| {
                AppError::Internal(format!(
                    "cannot migrate the document of person {}: {e}",
                    version.person_id
                ))
            })
    }

    /// Lists records in the caller's scope.
    pub async fn list_persons(&self, actor: &Actor, query: PersonQuery) -> AppResult<PersonPage> {
        let paging = Paging::new(query.page, query.per_page)?;
        // The sort a cursor belongs to, one name for each ("" and "name" are the same).
        let sort_name = query
            .sort
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or("name")
            .to_string();
        let schema = self.schemas.latest();
        let role_column = |role: FieldRole| {
            schema
                .role_column(role)
                .map(|c| c.name.to_string())
                .ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "Lược đồ hồ sơ hiện hành không chiếu trường {} ra bảng tra cứu.",
                        role.as_str()
                    ))
                })
        };
        let (sort, descending) = match query.sort.as_deref() {
            None | Some("") => (PersonSort::Name, false),
            Some(s) => {
                let (name, desc) = s.strip_prefix('-').map_or((s, false), |n| (n, true));
                let sort = match name {
                    "name" => PersonSort::Name,
                    "updated" => PersonSort::Updated,
                    "date_of_birth" => PersonSort::Column(role_column(FieldRole::BirthDate)?),
                    "rank" => PersonSort::Column(role_column(FieldRole::RankOrTitle)?),
                    _ => {
                        return Err(AppError::BadRequest(format!(
                            "Không sắp xếp được theo '{name}'. Chọn: name, date_of_birth, rank, updated."
                        )));
                    }
                };
                (sort, desc)
            }
        };
        let mut equals = Vec::new();
        for (role, value) in [
            (FieldRole::RankOrTitle, query.grade),
            (FieldRole::PersonnelCategory, query.category),
            (FieldRole::Sex, query.gender),
        ] {
            if let Some(v) = value {
                equals.push((role_column(role)?, ProjectedValue::Text(v)));
            }
        }
        if let Some(s) = &query.status {
            parse_status(Some(s))?;
        }
        let keyset = match (&query.after, &query.before) {
            (None, None) => None,
            (Some(after), None) => Some(Keyset::After(PageCursor::decode(after, &sort_name)?)),
            (None, Some(before)) => Some(Keyset::Before(PageCursor::decode(before, &sort_name)?)),
            (Some(_), Some(_)) => {
                return Err(AppError::BadRequest(
                    "Chỉ dùng một trong after và before.".into(),
                ));
            }
        };
        let mut conn = self.store.reader().await?;
        let unit_path = match query.unit {
            None => None,
            Some(unit_id) => {
                let unit = org_store::get(&mut conn, unit_id)
                    .await?
                    .ok_or_else(AppError::unit_not_found)?;
                if !actor.capabilities().may_name_unit(&unit.path) {
                    return Err(AppError::unit_not_found());
                }
                Some(unit.path)
            }
        };
        // Twelve digits are a số định danh: found through its keyed hash, never stored in clear.
        let national_id_hash = query
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| q.len() == 12 && q.bytes().all(|b| b.is_ascii_digit()))
            .map(|n| self.keys.current.national_id_hash(n));
        let filter = PersonFilter {
            q: match national_id_hash {
                Some(_) => None,
                None => query
                    .q
                    .as_deref()
                    .map(hoso_domain::search_key::fold)
                    .filter(|q| !q.is_empty()),
            },
            national_id_hash,
            unit_path,
            status: query.status,
            equals,
            sort,
            descending,
            limit: paging.per_page,
            offset: paging.offset(),
            keyset,
            count_cap: Some(COUNT_CAP),
        };
        let columns = self.summary_columns();
        // Looking a person up by số định danh is reading it: only where the caller may see it
        // (a leader without identifiers does not learn whose number it is).
        let scope = if filter.national_id_hash.is_some() {
            let level = schema
                .role_field(hoso_domain::schema::FieldRole::NationalId)
                .map_or(AccessLevel::Secret, |(_, f)| f.access);
            actor.scope_with_clearance(level)
        } else {
            actor.read_scope()
        };
        let listed = persons::list(&mut conn, &columns, &scope, &filter).await?;
        // A page read backwards has more before it when `more`; one read forwards, after it.
        let (more_before, more_after) = match &filter.keyset {
            Some(Keyset::Before(_)) => (listed.more, true),
            Some(Keyset::After(_)) => (true, listed.more),
            None => (filter.offset > 0, listed.more),
        };
        let cursor =
            |c: &Option<persons::Cursor>| c.as_ref().map(|c| PageCursor::encode(&sort_name, c));
        Ok(PersonPage {
            next: cursor(&listed.last).filter(|_| more_after),
            prev: cursor(&listed.first).filter(|_| more_before),
            items: listed
                .people
                .into_iter()
                .map(|r| PersonSummary::new(schema, r))
                .collect(),
            total: listed.total.min(COUNT_CAP),
            page: paging.page,
            per_page: paging.per_page,
            total_capped: listed.total > COUNT_CAP,
        })
    }

    /// The projected columns a [`PersonSummary`] is made of.
    pub(crate) fn summary_columns(&self) -> Vec<hoso_store::projection::LayoutColumn> {
        let schema = self.schemas.latest();
        SUMMARY_ROLES
            .iter()
            .filter_map(|role| schema.role_column(*role))
            .filter_map(|c| self.layout.person_column(c.name).cloned())
            .collect()
    }

    /// The version history of a record.
    pub async fn versions(&self, actor: &Actor, person_id: i64) -> AppResult<Vec<VersionSummary>> {
        self.person_in_scope(actor, person_id).await?;
        let mut conn = self.store.reader().await?;
        let rows = persons::versions(&mut conn, person_id).await?;
        Ok(rows.iter().map(VersionSummary::from).collect())
    }

    /// One past version of a record, as the caller may see it. Audited like any read.
    pub async fn version(
        &self,
        actor: &Actor,
        person_id: i64,
        number: i64,
        client: &ClientInfo,
    ) -> AppResult<VersionView> {
        let (_, _, version, record, _) = self
            .read_version(actor, person_id, Some(number), client)
            .await?;
        Ok(VersionView {
            version: VersionSummary::from(&version),
            record,
        })
    }
    /// What a version changed against the one before it, field by field, as the caller may see
    /// both. Audited like any read (both versions are read).
    pub async fn version_changes(
        &self,
        actor: &Actor,
        person_id: i64,
        number: i64,
        client: &ClientInfo,
    ) -> AppResult<VersionChanges> {
        let (_, _, version, after, clearance) = self
            .read_version(actor, person_id, Some(number), client)
            .await?;
        let before = if number > 1 {
            self.read_version(actor, person_id, Some(number - 1), client)
                .await?
                .3
        } else {
            RecordDoc::new()
        };
        let schema = self.schemas.latest();
        let sections: Vec<String> = schema.sections.iter().map(|s| s.id.clone()).collect();
        Ok(VersionChanges {
            version: VersionSummary::from(&version),
            changes: hoso_domain::changes::diff(schema, &before, &after, &sections, clearance),
        })
    }

    /// Checks a record's version chain: every hash recomputed from its content and predecessor.
    pub async fn verify_versions(
        &self,
        actor: &Actor,
        person_id: i64,
    ) -> AppResult<Result<i64, String>> {
        self.person_in_scope(actor, person_id).await?;
        let mut conn = self.store.reader().await?;
        self.check_version_chain(&mut conn, person_id).await
    }

    /// Checks every record's version chain (after a restore): how many chains, and the first
    /// break found.
    pub async fn verify_every_version_chain(&self) -> AppResult<(i64, Option<String>)> {
        let mut last_id = 0i64;
        let mut chains = 0i64;
        loop {
            let mut conn = self.store.reader().await?;
            let batch = persons::ids_after(&mut conn, last_id, 500).await?;
            let Some(&last) = batch.last() else { break };
            for id in batch {
                if let Err(why) = self.check_version_chain(&mut conn, id).await? {
                    return Ok((chains, Some(format!("Hồ sơ mã {id}: {why}"))));
                }
                chains += 1;
            }
            last_id = last;
        }
        Ok((chains, None))
    }

    async fn check_version_chain(
        &self,
        conn: &mut hoso_store::AnyConnection,
        person_id: i64,
    ) -> AppResult<Result<i64, String>> {
        let rows = persons::versions(&mut *conn, person_id).await?;
        let mut prev: Option<&VersionRow> = None;
        for v in &rows {
            if v.prev_hash.as_deref() != prev.map(|p| p.hash.as_str()) {
                return Ok(Err(format!(
                    "Phiên bản {} không nối với phiên bản trước.",
                    v.version
                )));
            }
            let full = canonical_json(&self.full_document(&mut *conn, v).await?);
            if version_hash(v.prev_hash.as_deref(), &v.schema_version, &full) != v.hash {
                return Ok(Err(format!(
                    "Nội dung phiên bản {} không khớp mã băm.",
                    v.version
                )));
            }
            prev = Some(v);
        }
        Ok(Ok(rows.len() as i64))
    }
}

/// The agency that manages a unit's staff: the unit's top-level ancestor under the province
/// (a sở, ban, ngành or xã/phường), or the unit itself at the top.
pub(crate) fn managing_agency_of(unit: &org_store::OrgUnitRow) -> i64 {
    agency_of_path(&unit.path).unwrap_or(unit.id)
}

/// The agency a unit at `path` belongs to: its top-level ancestor under the province (none for
/// the province itself).
pub(crate) fn agency_of_path(path: &str) -> Option<i64> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .nth(1)
        .and_then(|s| s.parse().ok())
}

/// What a sealed secret is bound to: a ciphertext copied to another row does not decrypt.
pub(crate) fn secret_context(person_id: i64, version: i64) -> String {
    format!("record:{person_id}:v{version}")
}

pub(crate) fn duplicate(existing_id: i64) -> AppError {
    AppError::Duplicate {
        message: format!(
            "Số định danh cá nhân này đã có hồ sơ (mã hồ sơ {existing_id}). Mỗi người chỉ có một hồ sơ: hãy cập nhật hồ sơ đó."
        ),
        existing_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_and_drops_nulls() {
        let a: RecordDoc = serde_json::from_str(
            r#"{"b": {"y": 1, "x": null, "a": [ {"d": 1, "c": 2} ]}, "a": "v"}"#,
        )
        .unwrap();
        let b: RecordDoc =
            serde_json::from_str(r#"{"a": "v", "b": {"a": [ {"c": 2, "d": 1} ], "y": 1}}"#)
                .unwrap();
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(
            canonical_json(&a),
            r#"{"a":"v","b":{"a":[{"c":2,"d":1}],"y":1}}"#
        );
        // Nulls inside lists stay (a list keeps its positions); an object left empty stays.
        let c: RecordDoc =
            serde_json::from_str(r#"{"x": [null, {"n": null}], "v": "Đ\"q", "n": 1.5}"#).unwrap();
        assert_eq!(canonical_json(&c), r#"{"n":1.5,"v":"Đ\"q","x":[null,{}]}"#);
    }

    #[test]
    fn version_hash_chains() {
        let h1 = version_hash(None, "tt06-2023", "{}");
        let h2 = version_hash(Some(&h1), "tt06-2023", "{}");
        assert_ne!(h1, h2, "same content, different predecessor");
        assert_ne!(
            h1,
            version_hash(None, "nd27-2026", "{}"),
            "schema version is covered"
        );
        assert_eq!(h1.len(), 64);
    }
}
