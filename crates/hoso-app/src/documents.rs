//! Printed documents: the sơ yếu lý lịch (mẫu 2C-BNV/2008) of one person, as a plain model
//! (`hoso_export::document::Form2c`) that `hoso-documents` lays out as PDF or DOCX.
//!
//! The record is read through the record-reading use case (scope, clearance, fields above it
//! left out, the read audited), then laid out item by item from `hoso_domain::form_2c`, with
//! the schema's labels; the print itself is audited (`record.print`).

use std::collections::HashMap;

use hoso_domain::access::AccessLevel;
use hoso_domain::audit_action::AuditAction;
use hoso_domain::form_2c::{self, Heading, TableSpec};
use hoso_domain::schema::{Field, FieldKind, FieldRole, RecordDoc, RecordSchema};
use hoso_export::document::{Form2c, FormItem, FormTable, Labeled, Signature, date_words};
use hoso_store::org as org_store;
use hoso_store::persons;
use serde_json::Value;

use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo, display};

/// What a print asks for: the person, the version (the official one when `None`) and the
/// file format (recorded in the audit entry).
#[derive(Debug, Clone)]
pub struct PrintRequest {
    pub person_id: i64,
    pub version: Option<i64>,
    pub format: &'static str,
}

/// The most records one unit print holds: a larger unit prints a sub-unit at a time.
pub const UNIT_PRINT_LIMIT: i64 = 1000;

impl App {
    /// The mẫu 2C of every person in service in a unit and the units below it, as the caller
    /// may see them (each printed and audited as [`App::form_2c`] does), in name order. A unit
    /// outside the caller's scope is "not found"; one with more than [`UNIT_PRINT_LIMIT`]
    /// people or with nobody in service is refused with the reason, nothing printed.
    pub async fn form_2c_of_unit(
        &self,
        actor: &Actor,
        unit_id: i64,
        format: &'static str,
        client: &ClientInfo,
    ) -> AppResult<Vec<(crate::records::PersonSummary, Form2c)>> {
        // The unit itself must be one the caller sees (an individual sees none: its lists
        // hold its own record whatever unit it names).
        self.org_unit(actor, unit_id).await?;
        let mut people = Vec::new();
        let mut page = 1;
        loop {
            let found = self
                .list_persons(
                    actor,
                    crate::records::PersonQuery {
                        unit: Some(unit_id),
                        page: Some(page),
                        per_page: Some(crate::Paging::MAX_PER_PAGE),
                        ..Default::default()
                    },
                )
                .await?;
            if found.total > UNIT_PRINT_LIMIT {
                return Err(AppError::BadRequest(format!(
                    "Đơn vị có {} người đang công tác, quá {} người cho một lần in: hãy in từng đơn vị trực thuộc.",
                    found.total, UNIT_PRINT_LIMIT
                )));
            }
            let last = found.items.len() < found.per_page as usize;
            people.extend(found.items);
            if last || people.len() as i64 >= found.total {
                break;
            }
            page += 1;
        }
        if people.is_empty() {
            return Err(AppError::BadRequest(
                "Đơn vị không có người đang công tác để in sơ yếu lý lịch.".into(),
            ));
        }
        let mut forms = Vec::with_capacity(people.len());
        for person in people {
            let request = PrintRequest {
                person_id: person.id,
                version: None,
                format,
            };
            let form = self.form_2c(actor, &request, client).await?;
            forms.push((person, form));
        }
        Ok(forms)
    }

    /// The mẫu 2C of one person from one version of the record (the official one by default,
    /// the current one for a record never approved), as the caller may see it. Outside the
    /// caller's scope: "not found"; a version that does not exist: "not found", nothing
    /// printed. Audited as a read and as a print.
    pub async fn form_2c(
        &self,
        actor: &Actor,
        request: &PrintRequest,
        client: &ClientInfo,
    ) -> AppResult<Form2c> {
        if let Some(n) = request.version
            && n < 1
        {
            return Err(AppError::BadRequest(
                "Số phiên bản phải là số nguyên dương.".into(),
            ));
        }
        let number = match request.version {
            Some(n) => Some(n),
            None => self.default_print_version(request.person_id).await?,
        };
        let (person, unit, version, record, clearance) = self
            .read_version(actor, request.person_id, number, client)
            .await?;
        let schema = self.schemas.latest();
        let units = self.unit_names_of(&record, &unit).await?;
        let printed_on = self.today();
        let form = Layout {
            schema,
            record: &record,
            clearance,
            catalogs: &self.catalogs(),
            units: &units,
        }
        .form(version.version, &version.hash, printed_on);
        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            AuditAction::RecordPrint,
            About::new("person", person.id),
            serde_json::json!({"form": "2c", "format": request.format,
                "version": version.version, "hash": version.hash}),
        )
        .await?;
        work.commit().await?;
        Ok(form)
    }

    /// The names of the units a record's single-section unit fields name (and of its own
    /// unit), for printing.
    pub(crate) async fn unit_names_of(
        &self,
        record: &RecordDoc,
        unit: &org_store::OrgUnitRow,
    ) -> AppResult<HashMap<i64, String>> {
        let schema = self.schemas.latest();
        let mut units: HashMap<i64, String> = HashMap::new();
        units.insert(unit.id, unit.name.clone());
        let mut conn = self.store.reader().await?;
        for (section, field) in schema.fields() {
            if field.kind != FieldKind::OrgUnit || section.repeating {
                continue;
            }
            let Some(id) = record
                .get(&section.id)
                .and_then(|s| s.get(&field.id))
                .and_then(Value::as_i64)
            else {
                continue;
            };
            if let std::collections::hash_map::Entry::Vacant(e) = units.entry(id)
                && let Some(row) = org_store::get(&mut conn, id).await?
            {
                e.insert(row.name);
            }
        }
        Ok(units)
    }

    /// The official version when it is older than the current one; `None` (the current one)
    /// otherwise, or for a record never approved.
    async fn default_print_version(&self, person_id: i64) -> AppResult<Option<i64>> {
        let mut conn = self.store.reader().await?;
        let Some(person) = persons::get(&mut conn, person_id).await? else {
            return Ok(None);
        };
        let official = hoso_store::approvals::official_version(&mut conn, person_id).await?;
        Ok((official >= 1 && official < person.current_version).then_some(official))
    }
}

/// The form laid out from one redacted record.
struct Layout<'a> {
    schema: &'a RecordSchema,
    record: &'a RecordDoc,
    clearance: AccessLevel,
    catalogs: &'a hoso_domain::catalog::Catalogs,
    units: &'a HashMap<i64, String>,
}

impl Layout<'_> {
    fn visible<'f>(&self, field: Option<&'f Field>) -> Option<&'f Field> {
        field.filter(|f| f.access <= self.clearance)
    }

    fn show(&self, field: &Field, value: Option<&Value>) -> String {
        let text = value
            .filter(|v| !v.is_null())
            .map(|v| display::value(field, v, self.catalogs, self.units))
            .unwrap_or_default();
        // The form asks for the birth name in capitals.
        if field.role == Some(FieldRole::DisplayName) {
            text.to_uppercase()
        } else {
            text
        }
    }

    /// A single section's field as "label: value", if the reader may see it.
    fn labeled(&self, (section, id): (&str, &str)) -> Option<Labeled> {
        let field = self.visible(self.schema.field(section, id))?;
        let value = self.record.get(section).and_then(|s| s.get(id));
        Some(Labeled::new(field.label.clone(), self.show(field, value)))
    }

    fn table(&self, spec: &TableSpec) -> Option<FormTable> {
        let section = self.schema.section(spec.section)?;
        // A column shows if the reader sees its field or one of the fields it gathers.
        let columns: Vec<(Vec<&Field>, String, f64)> = spec
            .columns
            .iter()
            .filter_map(|c| {
                let fields: Vec<&Field> = std::iter::once(c.field)
                    .chain(c.also.iter().copied())
                    .filter_map(|id| self.visible(section.field(id)))
                    .collect();
                let first = *fields.first()?;
                let header = if first.id == c.field {
                    first.label.clone()
                } else {
                    fields
                        .iter()
                        .map(|f| f.label.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                // Wide enough that "09/1985" and "17/05/1975" never break inside (A4, 12 pt).
                let width = match first.kind {
                    FieldKind::Date => 2.4,
                    FieldKind::MonthYear => 2.0,
                    FieldKind::Integer | FieldKind::Decimal | FieldKind::Percent => 1.4,
                    FieldKind::Year => 1.2,
                    FieldKind::Catalog | FieldKind::Choice => 2.0,
                    _ if fields.len() > 1 => 5.0,
                    _ => 3.0,
                };
                Some((fields, header, width))
            })
            .collect();
        if columns.is_empty() {
            return None;
        }
        let rows: Vec<Vec<String>> = self
            .record
            .get(&section.id)
            .and_then(Value::as_array)
            .map(|rows| {
                rows.iter()
                    .filter(|row| match spec.rows_where {
                        Some((f, code)) => row.get(f).and_then(Value::as_str) == Some(code),
                        None => true,
                    })
                    .map(|row| {
                        columns
                            .iter()
                            .map(|(fields, _, _)| {
                                fields
                                    .iter()
                                    .map(|f| self.show(f, row.get(&f.id)))
                                    .filter(|s| !s.is_empty())
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            })
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let caption = match (spec.rows_where, spec.caption) {
            (Some((f, code)), _) => section
                .field(f)
                .and_then(|f| f.choice_label(code))
                .unwrap_or(code)
                .to_string(),
            (None, true) => section.label.clone(),
            (None, false) => String::new(),
        };
        Some(FormTable {
            caption,
            columns: columns.iter().map(|(_, h, _)| h.clone()).collect(),
            widths: columns.iter().map(|(_, _, w)| *w).collect(),
            rows,
            header_groups: Vec::new(),
        })
    }

    fn item(&self, spec: &form_2c::Item) -> Option<FormItem> {
        let fields: Vec<Labeled> = spec
            .fields
            .iter()
            .filter_map(|p| self.labeled(*p))
            .collect();
        let texts: Vec<Labeled> = spec.texts.iter().filter_map(|p| self.labeled(*p)).collect();
        let tables: Vec<FormTable> = spec.tables.iter().filter_map(|t| self.table(t)).collect();
        if fields.is_empty() && texts.is_empty() && tables.is_empty() {
            return None;
        }
        let heading = match spec.heading {
            Heading::None => String::new(),
            Heading::Section(id) => self
                .schema
                .section(id)
                .map(|s| s.label.clone())
                .unwrap_or_default(),
            Heading::Form(words) => words.to_string(),
        };
        Some(FormItem {
            number: spec.number.to_string(),
            heading,
            fields,
            texts,
            tables,
        })
    }

    fn form(&self, version: i64, hash: &str, printed_on: time::Date) -> Form2c {
        let name = self
            .schema
            .role_text(self.record, FieldRole::DisplayName)
            .unwrap_or("")
            .to_string();
        let declared = self
            .labeled(form_2c::DECLARATION_DATE)
            .and_then(|_| {
                let (s, f) = form_2c::DECLARATION_DATE;
                self.record.get(s)?.get(f)?.as_str().map(str::to_string)
            })
            .and_then(|iso| {
                time::Date::parse(
                    &iso,
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .ok()
            });
        Form2c {
            header: form_2c::HEADER
                .iter()
                .filter_map(|p| self.labeled(*p))
                .collect(),
            form_mark: form_2c::FORM_MARK.to_string(),
            photo_box: self
                .schema
                .field(form_2c::PHOTO.0, form_2c::PHOTO.1)
                .map(|f| f.label.clone())
                .unwrap_or_default(),
            title: form_2c::TITLE.to_string(),
            items: form_2c::ITEMS.iter().filter_map(|i| self.item(i)).collect(),
            place_date: match declared {
                Some(d) => format!("……, {}", date_words(d)),
                None => "……, ngày … tháng … năm …".to_string(),
            },
            signatures: vec![
                Signature {
                    title: form_2c::DECLARANT.0.to_string(),
                    note: form_2c::DECLARANT.1.to_string(),
                    name: name.clone(),
                },
                Signature {
                    title: form_2c::HEAD_OF_UNIT.0.to_string(),
                    note: form_2c::HEAD_OF_UNIT.1.to_string(),
                    name: String::new(),
                },
            ],
            footer: format!(
                "Phiên bản {version} · SHA-256 {hash} · In ngày {}",
                display::date(&printed_on.to_string())
            ),
            document_title: format!("{} — {}", form_2c::TITLE, name),
        }
    }
}

impl App {
    /// The issuing body of a document about `unit` (its parent, then the unit itself), or of
    /// the whole organisation when `unit` is `None` (the root units). A unit the caller does
    /// not see is "not found".
    pub async fn issuing_body(&self, actor: &Actor, unit: Option<i64>) -> AppResult<Vec<String>> {
        let mut conn = self.store.reader().await?;
        match unit {
            Some(id) => {
                let unit = org_store::get(&mut conn, id)
                    .await?
                    .ok_or_else(AppError::unit_not_found)?;
                if !actor
                    .capabilities()
                    .may(crate::Capability::SeeUnits, crate::Target::Unit(&unit.path))
                {
                    return Err(AppError::unit_not_found());
                }
                let mut lines = Vec::new();
                if let Some(parent) = unit.parent_id
                    && let Some(p) = org_store::get(&mut conn, parent).await?
                {
                    lines.push(p.name);
                }
                lines.push(unit.name);
                Ok(lines)
            }
            None => Ok(org_store::roots(&mut conn)
                .await?
                .into_iter()
                .take(1)
                .map(|u| u.name)
                .collect()),
        }
    }
}
