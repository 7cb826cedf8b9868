//! The version writer: the one way a record changes. A document is prepared (the fields the
//! system owns filled in by role, validated against the schema and the catalogs, projected,
//! split into its clear and sealed parts, canonicalised for the hash) by the pure
//! [`prepare_document`], then [`App::write_version`] appends the hash-chained version with its
//! [`Provenance`], seals the secrets and updates the projection, inside the caller's unit of
//! work (which audits it). Creating, editing, verifying a change request and seeding the demo
//! province all go through here; imports, transfers and the hub will too.

use hoso_domain::catalog::Catalogs;
use hoso_domain::org::PersonStatus;
use hoso_domain::schema::{FieldRole, HistoryRow, Projection, RecordDoc, RecordSchema};
use hoso_store::deadline_outcomes;
use hoso_store::persons::{self, VersionRow};
use hoso_store::projection;
use hoso_store::states;
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::Date;

use crate::{App, AppError, AppResult};

/// Where a version comes from, stored with it (`record_versions.source`, `source_ref`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// An HR officer's own edit or new record (page or API).
    Direct,
    /// A verified change request (self-service), by its id.
    ChangeRequest(i64),
    /// A movement between units (điều động, luân chuyển, biệt phái), by its id.
    Movement(i64),
    /// A decision that ended or resumed service (nghỉ hưu, thôi việc…), by its id.
    StatusDecision(i64),
    /// A reorganisation of the tree (sáp nhập, chia tách đơn vị), by its id.
    Reorganisation(i64),
    /// A record received from outside the province as a signed package, by the id of its
    /// hand-over.
    Received(i64),
    /// The synthetic demo province.
    Demo,
    /// A row of a spreadsheet brought in by an import (`hoso import`, `/nhap-du-lieu`).
    Import,
    /// Written before provenance was recorded.
    Legacy,
}

impl Provenance {
    pub fn code(self) -> &'static str {
        match self {
            Provenance::Direct => "direct",
            Provenance::ChangeRequest(_) => "change_request",
            Provenance::Movement(_) => "movement",
            Provenance::StatusDecision(_) => "status_decision",
            Provenance::Reorganisation(_) => "reorganisation",
            Provenance::Received(_) => "received",
            Provenance::Demo => "demo",
            Provenance::Import => "import",
            Provenance::Legacy => "legacy",
        }
    }

    pub fn reference(self) -> Option<String> {
        match self {
            Provenance::ChangeRequest(id)
            | Provenance::Movement(id)
            | Provenance::StatusDecision(id)
            | Provenance::Reorganisation(id)
            | Provenance::Received(id) => Some(id.to_string()),
            _ => None,
        }
    }

    /// Read back from a stored version; unknown codes are shown as legacy.
    pub fn of(version: &VersionRow) -> Provenance {
        let id = version.source_ref.as_deref().and_then(|r| r.parse().ok());
        match (version.source.as_str(), id) {
            ("direct", _) => Provenance::Direct,
            ("change_request", Some(id)) => Provenance::ChangeRequest(id),
            ("movement", Some(id)) => Provenance::Movement(id),
            ("status_decision", Some(id)) => Provenance::StatusDecision(id),
            ("reorganisation", Some(id)) => Provenance::Reorganisation(id),
            ("received", Some(id)) => Provenance::Received(id),
            ("demo", _) => Provenance::Demo,
            ("import", _) => Provenance::Import,
            _ => Provenance::Legacy,
        }
    }

    /// How the record's history names it.
    pub fn label_vi(self) -> String {
        match self {
            Provenance::Direct => "Cán bộ tổ chức cập nhật trực tiếp".into(),
            Provenance::ChangeRequest(id) => format!("Phiếu bổ sung lý lịch số {id}"),
            Provenance::Movement(id) => {
                format!("Điều chuyển hồ sơ theo quyết định (biến động số {id})")
            }
            Provenance::StatusDecision(id) => {
                format!("Thay đổi trạng thái công tác theo quyết định (số {id} trong Hoso)")
            }
            Provenance::Reorganisation(id) => {
                format!("Sắp xếp tổ chức theo quyết định (sáp nhập, chia tách số {id})")
            }
            Provenance::Received(id) => {
                format!("Tiếp nhận từ ngoài tỉnh theo gói hồ sơ đã ký (bàn giao số {id})")
            }
            Provenance::Demo => "Dữ liệu mẫu".into(),
            Provenance::Import => "Nhập từ tệp bảng tính".into(),
            Provenance::Legacy => "Dữ liệu cũ".into(),
        }
    }
}

/// The canonical JSON text of a document: keys sorted at every level, nulls dropped. Hashes are
/// computed over this text so that key order never changes a hash.
pub fn canonical_json(doc: &RecordDoc) -> String {
    // Serialised straight from the borrowed document: copying it into a sorted tree first
    // took a third of the demo seeding thread.
    serde_json::to_string(&CanonicalObject(doc)).expect("a JSON value always serialises")
}

struct CanonicalObject<'a>(&'a serde_json::Map<String, Value>);
struct CanonicalValue<'a>(&'a Value);

impl serde::Serialize for CanonicalObject<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut entries: Vec<(&String, &Value)> =
            self.0.iter().filter(|(_, v)| !v.is_null()).collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (key, value) in entries {
            map.serialize_entry(key, &CanonicalValue(value))?;
        }
        map.end()
    }
}

impl serde::Serialize for CanonicalValue<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self.0 {
            Value::Object(map) => CanonicalObject(map).serialize(serializer),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&CanonicalValue(item))?;
                }
                seq.end()
            }
            scalar => scalar.serialize(serializer),
        }
    }
}

/// Hash of a version: covers its predecessor's hash, the schema version and the canonical
/// document, so a version cannot be changed, dropped or reordered unnoticed.
pub fn version_hash(prev_hash: Option<&str>, schema_version: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.unwrap_or("").as_bytes());
    h.update(b"\n");
    h.update(schema_version.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

/// A record document ready to store: validated, with the fields the system owns filled in.
pub(crate) struct Prepared {
    /// The whole document, canonical: what the version hash covers.
    pub(crate) canonical: String,
    /// Stored in clear (no sensitive field).
    pub(crate) public: String,
    /// The sensitive fields, canonical JSON, to be sealed.
    pub(crate) secret: String,
    pub(crate) projection: Projection,
    /// The rows of its repeating sections, for the history projection.
    pub(crate) history: Vec<HistoryRow>,
    pub(crate) national_id: String,
    /// The day the person entered public service, as the record says.
    pub(crate) entered_service: Option<Date>,
}

/// Fills in what the system owns (the employing unit, the managing agency unless given, the
/// dossier id = số định danh, NĐ 27/2026), validates, projects and splits a document. Pure:
/// the same for a page, a change request, an import or the demo.
pub(crate) fn prepare_document(
    schema: &RecordSchema,
    catalogs: &Catalogs,
    today: Date,
    doc: RecordDoc,
    unit_id: i64,
    agency: i64,
) -> AppResult<Prepared> {
    prepare_document_allowing(schema, catalogs, today, doc, unit_id, agency, false)
        .map(|(prepared, _)| prepared)
}

/// [`prepare_document`] for a decision written into a record that the HR officer did not edit
/// (a movement, a reorganisation, a status decision): the record may stay as incomplete as it
/// was (an imported list often is), a wrong value is still refused.
pub(crate) fn prepare_decided_document(
    schema: &RecordSchema,
    catalogs: &Catalogs,
    today: Date,
    doc: RecordDoc,
    unit_id: i64,
    agency: i64,
) -> AppResult<Prepared> {
    prepare_document_allowing(schema, catalogs, today, doc, unit_id, agency, true)
        .map(|(prepared, _)| prepared)
}

/// [`prepare_document`] for a legacy row of an import: required fields may be missing (they
/// are returned, the record is incomplete and the data-quality alert lists it); a wrong value
/// is still refused.
pub(crate) fn prepare_document_allowing(
    schema: &RecordSchema,
    catalogs: &Catalogs,
    today: Date,
    mut doc: RecordDoc,
    unit_id: i64,
    agency: i64,
    allow_missing: bool,
) -> AppResult<(Prepared, Vec<hoso_domain::schema::FieldError>)> {
    let national_id = schema
        .role_text(&doc, FieldRole::NationalId)
        .map(str::to_string);
    schema.set_role_value(&mut doc, FieldRole::EmployingUnit, Value::from(unit_id));
    schema.default_role_value(&mut doc, FieldRole::ManagingAgency, Value::from(agency));
    if let Some(id) = &national_id {
        schema.set_role_value(&mut doc, FieldRole::DossierId, Value::from(id.clone()));
    }
    schema.normalise(&mut doc);
    let missing = schema
        .validate_incomplete(&doc, catalogs, today, allow_missing)
        .map_err(AppError::Invalid)?;
    let national_id = national_id.ok_or_else(|| {
        let path = schema
            .role_field(FieldRole::NationalId)
            .map(|(s, f)| format!(" ({}.{})", s.id, f.id))
            .unwrap_or_default();
        AppError::BadRequest(format!("Thiếu số định danh cá nhân{path}."))
    })?;
    let projection = schema.project(&doc);
    let history = schema.project_history(&doc);
    let entered_service = entered_service(schema, &doc);
    let (public, secret) = crate::crypto::split_secrets(schema, &doc);
    Ok((
        Prepared {
            canonical: canonical_json(&doc),
            public: canonical_json(&public),
            secret: canonical_json(&secret),
            projection,
            history,
            national_id,
            entered_service,
        },
        missing,
    ))
}

/// The day the person entered public service, as `doc` says (its field of the recruitment
/// date role).
pub(crate) fn entered_service(schema: &RecordSchema, doc: &RecordDoc) -> Option<Date> {
    schema
        .role_text(doc, FieldRole::RecruitmentDate)
        .and_then(|d| Date::parse(d, ISO_DAY).ok())
}

/// A stored day (`YYYY-MM-DD`).
pub(crate) const ISO_DAY: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// The day from which a version is the record's state, for a report as of a past day: the
/// effective date of the decision it records (a movement, a status decision, a
/// reorganisation), else the day it was recorded. A record's first version describes the
/// person from the day they entered service when that is earlier: a record entered into Hoso
/// years after recruitment (an import, the first data entry) is the best account there is of
/// the years before, not a sign that the person was not there.
pub(crate) fn in_force_from(
    recorded: Date,
    decided: Option<Date>,
    first: bool,
    entered_service: Option<Date>,
) -> Date {
    let from = decided.unwrap_or(recorded);
    match entered_service {
        Some(entered) if first && entered < from => entered,
        _ => from,
    }
}

/// A state a record stands for over time, before it is stored: the version (0 for the years
/// before a record entered with its person already gone), the day it is in force from, the
/// status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StateStart {
    pub version: i64,
    pub from: Date,
    pub status: PersonStatus,
}

/// The states a version stands for: one, from `from` ([`in_force_from`]), with its status —
/// except a record's first version entered with its person retired or resigned on a day its
/// events give (`left_on`, [`hoso_domain::status_decisions::left_service_on`]) after `from` and
/// by the day it was `recorded`: the person was at work until then (the same record otherwise,
/// as version 0), and gone since.
pub(crate) fn state_starts(
    version: i64,
    from: Date,
    recorded: Date,
    status: PersonStatus,
    left_on: Option<Date>,
) -> Vec<StateStart> {
    match left_on {
        Some(left)
            if version == 1
                && status != PersonStatus::Working
                && left > from
                && left <= recorded =>
        {
            vec![
                StateStart {
                    version: 0,
                    from,
                    status: PersonStatus::Working,
                },
                StateStart {
                    version,
                    from: left,
                    status,
                },
            ]
        }
        _ => vec![StateStart {
            version,
            from,
            status,
        }],
    }
}

/// [`state_starts`] of a first version by its document: when its person left, if gone.
pub(crate) fn first_left_on(canonical: &str, status: PersonStatus) -> Option<Date> {
    if status == PersonStatus::Working {
        return None;
    }
    let doc = serde_json::from_str::<RecordDoc>(canonical).ok()?;
    hoso_domain::status_decisions::left_service_on(&doc, status)
}

/// A version to append.
pub(crate) struct NewVersion<'a> {
    pub person_id: i64,
    /// The version it follows (`None` for a new record).
    pub prev: Option<&'a VersionRow>,
    pub schema: &'a RecordSchema,
    pub prepared: &'a Prepared,
    pub unit_id: i64,
    pub status: PersonStatus,
    pub provenance: Provenance,
    pub author: Option<i64>,
    pub note: Option<String>,
}

/// The version row of a prepared document, chained to `prev` (not yet stored).
pub(crate) fn version_row(v: &NewVersion<'_>, created_at: i64) -> VersionRow {
    let prev_hash = v.prev.map(|p| p.hash.clone());
    VersionRow {
        person_id: v.person_id,
        version: v.prev.map_or(1, |p| p.version + 1),
        schema_version: v.schema.version.clone(),
        hash: version_hash(
            prev_hash.as_deref(),
            &v.schema.version,
            &v.prepared.canonical,
        ),
        document: v.prepared.public.clone(),
        prev_hash,
        unit_id: v.unit_id,
        status: v.status.as_str().to_string(),
        created_by: v.author,
        created_at,
        note: v.note.clone(),
        source: v.provenance.code().to_string(),
        source_ref: v.provenance.reference(),
    }
}

impl App {
    /// Fills in, validates and projects a document for a record kept in `unit`.
    pub(crate) fn prepare(
        &self,
        schema: &RecordSchema,
        doc: RecordDoc,
        unit: &hoso_store::org::OrgUnitRow,
    ) -> AppResult<Prepared> {
        prepare_document(
            schema,
            &self.catalogs(),
            self.today(),
            doc,
            unit.id,
            crate::records::managing_agency_of(unit),
        )
    }

    /// Appends the version, seals its secrets and moves the projections onto it, on
    /// the caller's transaction (the caller audits, in the same unit of work).
    pub(crate) async fn write_version(
        &self,
        conn: &mut hoso_store::AnyConnection,
        new: NewVersion<'_>,
    ) -> AppResult<VersionRow> {
        let version = version_row(&new, self.now_ms());
        persons::insert_version(conn, &version).await?;
        self.seal_secrets(conn, new.person_id, version.version, &new.prepared.secret)
            .await?;
        persons::set_projection(
            conn,
            new.person_id,
            (version.version, version.created_at),
            new.unit_id,
            new.status.as_str(),
            &new.prepared.projection,
        )
        .await?;
        projection::write_history(conn, new.person_id, &new.prepared.history).await?;
        let left_on = match version.version {
            1 => first_left_on(&new.prepared.canonical, new.status),
            _ => None,
        };
        let starts = self
            .version_states(
                conn,
                &version,
                new.status,
                new.prepared.entered_service,
                left_on,
            )
            .await?;
        for start in starts {
            states::record(
                conn,
                &states::StateRow {
                    person_id: new.person_id,
                    version: start.version,
                    valid_from: start.from.to_string(),
                    unit_id: new.unit_id,
                    status: start.status.as_str(),
                    projection: &new.prepared.projection,
                },
            )
            .await?;
        }
        self.settle_decision_deadlines(conn, &new, &version).await?;
        Ok(version)
    }

    /// [`state_starts`] of a stored version with `status`: from [`in_force_from`] the day it
    /// was recorded and the effective date of the decision it records, read from the decision.
    pub(crate) async fn version_states(
        &self,
        conn: &mut hoso_store::AnyConnection,
        version: &VersionRow,
        status: PersonStatus,
        entered_service: Option<Date>,
        left_on: Option<Date>,
    ) -> AppResult<Vec<StateStart>> {
        let provenance = Provenance::of(version);
        let decided = match provenance {
            Provenance::Received(id) => hoso_store::handovers::get(conn, id)
                .await?
                .map(|h| h.effective_date),
            Provenance::Movement(id) => hoso_store::movements::get(conn, id)
                .await?
                .map(|m| m.effective_date),
            Provenance::StatusDecision(id) => hoso_store::status_decisions::get(conn, id)
                .await?
                .map(|d| d.effective_date),
            Provenance::Reorganisation(id) => {
                hoso_store::org::reorganisation_effective_date(conn, id).await?
            }
            _ => None,
        }
        .and_then(|d| Date::parse(&d, ISO_DAY).ok());
        let recorded = crate::alert_sources::date_of_ms(version.created_at).unwrap_or(self.today());
        // A record received from outside the province says nothing of the years before here.
        let first = version.version == 1 && !matches!(provenance, Provenance::Received(_));
        let from = in_force_from(recorded, decided, first, entered_service);
        Ok(state_starts(
            version.version,
            from,
            recorded,
            status,
            left_on,
        ))
    }

    /// Keeps, met or late, the deadlines for recording the decisions this version adds
    /// ([`hoso_domain::late::decision_updates`]). Only a change someone made counts: an HR
    /// officer's edit or a verified change request. A movement, status decision or
    /// reorganisation written by Hoso has deadlines of its own; an import or the demo brings
    /// history in, it does not record decisions as they come.
    async fn settle_decision_deadlines(
        &self,
        conn: &mut hoso_store::AnyConnection,
        new: &NewVersion<'_>,
        version: &VersionRow,
    ) -> AppResult<()> {
        let by_individual_request = match new.provenance {
            Provenance::Direct => None,
            Provenance::ChangeRequest(id) => Some(id),
            _ => return Ok(()),
        };
        // Most presets have no such rule: then no document is read back.
        let Some(prev) = new.prev.filter(|_| {
            self.deadline_rules
                .rules()
                .iter()
                .any(hoso_domain::late::is_decision_rule)
        }) else {
            return Ok(());
        };
        let before = serde_json::from_str::<RecordDoc>(&prev.document)
            .ok()
            .and_then(|doc| {
                self.schemas()
                    .migrate_to(doc, &prev.schema_version, &new.schema.version)
                    .ok()
            });
        let after = serde_json::from_str::<RecordDoc>(&new.prepared.public).ok();
        let (Some(before), Some(after)) = (before, after) else {
            return Ok(());
        };
        let starts = new.schema.decisions_added(&before, &after);
        if starts.is_empty() {
            return Ok(());
        }
        let Some(record_created) = persons::created_at(conn, new.person_id)
            .await?
            .and_then(crate::alert_sources::date_of_ms)
        else {
            return Ok(());
        };
        let by_individual = match by_individual_request {
            Some(id) => hoso_store::approvals::get(conn, id)
                .await?
                .and_then(|c| c.submitted_at)
                .and_then(crate::alert_sources::date_of_ms),
            None => None,
        };
        let by_unit = crate::alert_sources::date_of_ms(version.created_at).unwrap_or(self.today());
        let on = hoso_domain::late::RecordedOn {
            by_individual,
            by_unit,
        };
        let kind = crate::alerts::kind_code(hoso_domain::alerts::AlertKind::DeadlineOverdue);
        let settled: Vec<_> = hoso_domain::late::decision_updates(
            &starts,
            record_created,
            on,
            &self.calendar(),
            &self.deadline_rules,
        )
        .into_iter()
        .map(|s| deadline_outcomes::SettledDeadline {
            deadline: deadline_outcomes::OpenDeadline {
                person_id: new.person_id,
                unit_id: new.unit_id,
                kind: kind.clone(),
                rule_id: s.rule.id,
                rule_name: s.rule.name_vi,
                due: s.due.to_string(),
            },
            done_on: s.done_on.to_string(),
        })
        .collect();
        deadline_outcomes::record_settled(conn, &settled).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use hoso_domain::schema::SchemaSet;
    use hoso_domain::schema::fixtures::sample_record;

    use super::*;

    fn today() -> Date {
        time::macros::date!(2026 - 06 - 01)
    }

    #[test]
    fn a_version_is_in_force_from_its_decision_else_from_the_day_it_was_recorded() {
        use time::macros::date;
        let recorded = date!(2026 - 11 - 25);
        // An edit, a change request, an import: the day it was recorded.
        assert_eq!(in_force_from(recorded, None, false, None), recorded);
        // A movement decided back-dated, or applied after its day: its effective date.
        let decided = date!(2026 - 06 - 01);
        assert_eq!(in_force_from(recorded, Some(decided), false, None), decided);
        // A decision taking effect after it was recorded still counts from its own day.
        let ahead = date!(2027 - 01 - 01);
        assert_eq!(in_force_from(recorded, Some(ahead), false, None), ahead);
        // The first version reaches back to the recruitment, never forward to it.
        let recruited = date!(2008 - 09 - 01);
        assert_eq!(
            in_force_from(recorded, None, true, Some(recruited)),
            recruited
        );
        assert_eq!(
            in_force_from(recorded, None, true, Some(date!(2027 - 03 - 01))),
            recorded
        );
        // A later version does not: the record said something else before it.
        assert_eq!(
            in_force_from(recorded, None, false, Some(recruited)),
            recorded
        );
    }

    #[test]
    fn a_record_entered_after_its_person_left_stands_for_the_years_at_work_before() {
        use time::macros::date;
        let from = date!(2001 - 03 - 01);
        let left = date!(2025 - 09 - 01);
        let one = |version, from, status| StateStart {
            version,
            from,
            status,
        };
        assert_eq!(
            state_starts(1, from, today(), PersonStatus::Retired, Some(left)),
            vec![
                one(0, from, PersonStatus::Working),
                one(1, left, PersonStatus::Retired)
            ]
        );
        // At work, or gone without a day its record gives, or a day not after the start, or
        // one to come: one.
        for (status, left_on) in [
            (PersonStatus::Working, Some(left)),
            (PersonStatus::Retired, None),
            (PersonStatus::Retired, Some(from)),
            (PersonStatus::Retired, Some(date!(2027 - 01 - 01))),
        ] {
            assert_eq!(
                state_starts(1, from, date!(2026 - 12 - 01), status, left_on),
                vec![one(1, from, status)]
            );
        }
        // A later version is what it is from its own day.
        assert_eq!(
            state_starts(4, left, today(), PersonStatus::Retired, Some(from)),
            vec![one(4, left, PersonStatus::Retired)]
        );
        let canonical =
            r#"{"personnel_events":[{"event_type":"nghi_huu","effective_date":"2025-09-01"}]}"#;
        assert_eq!(first_left_on(canonical, PersonStatus::Retired), Some(left));
        assert_eq!(first_left_on(canonical, PersonStatus::Working), None);
    }

    #[test]
    fn the_recruitment_date_is_read_by_its_role() {
        let schema = SchemaSet::embedded().latest();
        let doc = sample_record();
        assert_eq!(
            entered_service(schema, &doc),
            Some(time::macros::date!(2008 - 09 - 01))
        );
        let mut without = doc.clone();
        schema.set_role_value(&mut without, FieldRole::RecruitmentDate, Value::Null);
        assert_eq!(entered_service(schema, &without), None);
    }

    #[test]
    fn preparing_fills_what_the_system_owns_and_validates() {
        let schema = SchemaSet::embedded().latest();
        let catalogs = Catalogs::embedded_static();
        let mut doc = sample_record();
        schema.set_role_value(&mut doc, FieldRole::DossierId, Value::from("wrong"));
        let p = prepare_document(schema, catalogs, today(), doc.clone(), 7, 3).unwrap();
        let stored: RecordDoc = serde_json::from_str(&p.canonical).unwrap();
        assert_eq!(
            schema.role_value(&stored, FieldRole::EmployingUnit),
            Some(&Value::from(7))
        );
        assert_eq!(
            schema.role_text(&stored, FieldRole::DossierId),
            schema.role_text(&doc, FieldRole::NationalId)
        );
        assert_eq!(
            p.national_id,
            schema.role_text(&doc, FieldRole::NationalId).unwrap()
        );
        assert!(!p.projection.full_name.is_empty());
        // Sensitive fields are kept out of the clear part.
        assert!(!p.public.contains(&p.national_id));
        assert!(p.secret.contains(&p.national_id));

        let mut bad = doc.clone();
        schema.set_role_value(&mut bad, FieldRole::BirthDate, Value::from("31/02/1990"));
        assert!(matches!(
            prepare_document(schema, catalogs, today(), bad, 7, 3),
            Err(AppError::Invalid(_))
        ));
    }

    #[test]
    fn versions_chain_and_carry_their_provenance() {
        let schema = SchemaSet::embedded().latest();
        let p = prepare_document(
            schema,
            Catalogs::embedded_static(),
            today(),
            sample_record(),
            7,
            3,
        )
        .unwrap();
        let first = version_row(
            &NewVersion {
                person_id: 5,
                prev: None,
                schema,
                prepared: &p,
                unit_id: 7,
                status: PersonStatus::Working,
                provenance: Provenance::Direct,
                author: Some(1),
                note: None,
            },
            10,
        );
        assert_eq!((first.version, first.prev_hash.as_deref()), (1, None));
        assert_eq!(Provenance::of(&first), Provenance::Direct);
        let second = version_row(
            &NewVersion {
                person_id: 5,
                prev: Some(&first),
                schema,
                prepared: &p,
                unit_id: 7,
                status: PersonStatus::Working,
                provenance: Provenance::ChangeRequest(12),
                author: Some(2),
                note: None,
            },
            20,
        );
        assert_eq!(second.version, 2);
        assert_eq!(second.prev_hash.as_deref(), Some(first.hash.as_str()));
        assert_ne!(second.hash, first.hash, "the chain changes the hash");
        assert_eq!(Provenance::of(&second), Provenance::ChangeRequest(12));
        assert_eq!(
            Provenance::of(&second).label_vi(),
            "Phiếu bổ sung lý lịch số 12"
        );
        let legacy = VersionRow {
            source: "legacy".into(),
            ..second
        };
        assert_eq!(Provenance::of(&legacy), Provenance::Legacy);
    }
}
