//! Field roles: what code knows a field by, whatever a schema version calls it.
//!
//! A field carries `role = "…"` in the schema file when code needs it by meaning (the số định
//! danh that keys a record, the name shown in lists, the unit the system fills in). Code asks
//! [`RecordSchema::role_field`] / [`RecordSchema::role_value`] and never spells the field's
//! path, so a renamed field keeps working as long as its role moves with it, and a schema
//! version without a role the application needs is rejected when it is loaded.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Field, FieldKind, RecordDoc, RecordSchema, Section};

/// The meaning of a field, for the code that needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRole {
    /// The electronic dossier id (NĐ 27/2026: the số định danh); filled by the system.
    DossierId,
    /// The agency that manages the person; filled by the system from the unit.
    ManagingAgency,
    /// The unit that employs (and pays) the person; filled by the system.
    EmployingUnit,
    /// Cán bộ, công chức, viên chức or người lao động.
    PersonnelCategory,
    /// The name shown for the person everywhere.
    DisplayName,
    Sex,
    BirthDate,
    /// The số định danh cá nhân that identifies the person.
    NationalId,
    /// Mã ngạch or mã chức danh nghề nghiệp.
    RankOrTitle,
    SalaryStep,
    SalaryCoefficient,
    /// The day the current step took effect.
    SalaryEffectiveDate,
    CurrentPosition,
    /// The day the person first entered public service (ngày được tuyển dụng lần đầu): a
    /// record entered later describes them since then.
    RecruitmentDate,
}

impl FieldRole {
    pub const ALL: [FieldRole; 14] = [
        FieldRole::DossierId,
        FieldRole::ManagingAgency,
        FieldRole::EmployingUnit,
        FieldRole::PersonnelCategory,
        FieldRole::DisplayName,
        FieldRole::Sex,
        FieldRole::BirthDate,
        FieldRole::NationalId,
        FieldRole::RankOrTitle,
        FieldRole::SalaryStep,
        FieldRole::SalaryCoefficient,
        FieldRole::SalaryEffectiveDate,
        FieldRole::CurrentPosition,
        FieldRole::RecruitmentDate,
    ];

    /// The identifier used in the schema files.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldRole::DossierId => "dossier_id",
            FieldRole::ManagingAgency => "managing_agency",
            FieldRole::EmployingUnit => "employing_unit",
            FieldRole::PersonnelCategory => "personnel_category",
            FieldRole::DisplayName => "display_name",
            FieldRole::Sex => "sex",
            FieldRole::BirthDate => "birth_date",
            FieldRole::NationalId => "national_id",
            FieldRole::RankOrTitle => "rank_or_title",
            FieldRole::SalaryStep => "salary_step",
            FieldRole::SalaryCoefficient => "salary_coefficient",
            FieldRole::SalaryEffectiveDate => "salary_effective_date",
            FieldRole::CurrentPosition => "current_position",
            FieldRole::RecruitmentDate => "recruitment_date",
        }
    }

    /// The application cannot keep a record without these: every schema version declares them.
    pub fn is_required(self) -> bool {
        matches!(
            self,
            FieldRole::DossierId
                | FieldRole::ManagingAgency
                | FieldRole::EmployingUnit
                | FieldRole::PersonnelCategory
                | FieldRole::DisplayName
                | FieldRole::Sex
                | FieldRole::BirthDate
                | FieldRole::NationalId
        )
    }

    /// Filled by the system, never typed on a form: the field must be declared `system = true`.
    pub fn is_system(self) -> bool {
        matches!(
            self,
            FieldRole::DossierId | FieldRole::ManagingAgency | FieldRole::EmployingUnit
        )
    }

    /// Whether a field of `kind` can play the role.
    pub(super) fn accepts_kind(self, kind: FieldKind) -> bool {
        use FieldKind as K;
        use FieldRole as R;
        match self {
            R::DossierId | R::NationalId => kind == K::NationalId,
            R::ManagingAgency | R::EmployingUnit => kind == K::OrgUnit,
            R::PersonnelCategory => kind == K::Choice,
            R::DisplayName | R::CurrentPosition => kind == K::Text,
            R::Sex => kind == K::Gender,
            R::BirthDate | R::SalaryEffectiveDate | R::RecruitmentDate => kind == K::Date,
            R::RankOrTitle => matches!(kind, K::Catalog | K::Text),
            R::SalaryStep => kind == K::Integer,
            R::SalaryCoefficient => kind == K::Decimal,
        }
    }
}

impl RecordSchema {
    /// The field playing `role`, with its section (always a single, non-repeating one).
    pub fn role_field(&self, role: FieldRole) -> Option<(&Section, &Field)> {
        self.fields().find(|(_, f)| f.role == Some(role))
    }

    /// The value of the field playing `role` in `doc` (`None` when absent or null).
    pub fn role_value<'d>(&self, doc: &'d RecordDoc, role: FieldRole) -> Option<&'d Value> {
        let (section, field) = self.role_field(role)?;
        doc.get(&section.id)?
            .get(&field.id)
            .filter(|v| !v.is_null())
    }

    /// The trimmed, non-empty text of the field playing `role`.
    pub fn role_text<'d>(&self, doc: &'d RecordDoc, role: FieldRole) -> Option<&'d str> {
        self.role_value(doc, role)?
            .as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// Sets the field playing `role` (creating its section). Returns `false`, changing nothing,
    /// when the schema has no such role or the section in `doc` is not an object (validation
    /// reports that).
    pub fn set_role_value(&self, doc: &mut RecordDoc, role: FieldRole, value: Value) -> bool {
        self.update_role(doc, role, |slot| {
            *slot = Some(value);
        })
    }

    /// Sets the field playing `role` unless it already holds a value.
    pub fn default_role_value(&self, doc: &mut RecordDoc, role: FieldRole, value: Value) -> bool {
        self.update_role(doc, role, |slot| {
            if slot.as_ref().is_none_or(Value::is_null) {
                *slot = Some(value);
            }
        })
    }

    /// Empties the field playing `role`.
    pub fn clear_role_value(&self, doc: &mut RecordDoc, role: FieldRole) -> bool {
        self.update_role(doc, role, |slot| *slot = None)
    }

    fn update_role(
        &self,
        doc: &mut RecordDoc,
        role: FieldRole,
        update: impl FnOnce(&mut Option<Value>),
    ) -> bool {
        let Some((section, field)) = self.role_field(role) else {
            return false;
        };
        let section = doc
            .entry(section.id.clone())
            .or_insert_with(|| Value::Object(Default::default()));
        let Some(object) = section.as_object_mut() else {
            return false;
        };
        let mut slot = object.remove(&field.id);
        update(&mut slot);
        if let Some(value) = slot {
            object.insert(field.id.clone(), value);
        }
        true
    }
}
