//! Derivations from a record document driven by field attributes: the current-state projection
//! (`projection = "…"`) and redaction by access level (`access = "…"`).

use serde_json::Value;
use time::Date;

use super::validate::{is_empty, parse_date};
use super::{ProjectionColumn, RecordDoc, RecordSchema};
use crate::access::AccessLevel;
use crate::national_id::{Gender, NationalId};

/// The columns of the search/statistics projection of one record. Malformed or missing values
/// are `None` (projection never fails: invalid documents are caught by validation).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Projection {
    /// Empty when not filled.
    pub full_name: String,
    pub gender: Option<Gender>,
    pub date_of_birth: Option<Date>,
    /// The 12 digits, only when valid. Personal data: store encrypted or hashed.
    pub national_id: Option<String>,
    /// `dan_toc` code.
    pub ethnicity: Option<String>,
    /// `ton_giao` code.
    pub religion: Option<String>,
    /// `cadre` | `civil_servant` | `public_employee` | `contract_worker`.
    pub personnel_category: Option<String>,
    /// `ngach_cong_chuc` or `chuc_danh_nghe_nghiep` code.
    pub rank_or_title_code: Option<String>,
    pub salary_step: Option<i32>,
    /// Hundredths: 2.34 → 234.
    pub salary_coefficient: Option<i64>,
    /// `trinh_do` code.
    pub highest_qualification: Option<String>,
    /// `trinh_do` code (kind `ly_luan_chinh_tri`).
    pub political_theory: Option<String>,
    pub current_position: Option<String>,
    pub first_recruitment_date: Option<Date>,
}

fn text(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl RecordSchema {
    /// Extracts the projection columns declared in the schema.
    pub fn project(&self, doc: &RecordDoc) -> Projection {
        let mut p = Projection::default();
        for (section, field) in self.fields() {
            let Some(column) = field.projection else {
                continue;
            };
            let Some(v) = doc
                .get(&section.id)
                .and_then(Value::as_object)
                .and_then(|o| o.get(&field.id))
            else {
                continue;
            };
            use ProjectionColumn as C;
            match column {
                C::FullName => p.full_name = text(v).unwrap_or_default(),
                C::Gender => p.gender = v.as_str().and_then(Gender::parse),
                C::DateOfBirth => p.date_of_birth = parse_date(v),
                C::FirstRecruitmentDate => p.first_recruitment_date = parse_date(v),
                C::NationalId => {
                    p.national_id = v
                        .as_str()
                        .and_then(|s| NationalId::parse(s).ok())
                        .map(|id| id.as_str().to_owned());
                }
                C::Ethnicity => p.ethnicity = text(v),
                C::Religion => p.religion = text(v),
                C::PersonnelCategory => p.personnel_category = text(v),
                C::RankOrTitleCode => p.rank_or_title_code = text(v),
                C::HighestQualification => p.highest_qualification = text(v),
                C::PoliticalTheory => p.political_theory = text(v),
                C::CurrentPosition => p.current_position = text(v),
                C::SalaryStep => {
                    p.salary_step = v.as_i64().and_then(|n| i32::try_from(n).ok());
                }
                C::SalaryCoefficient => {
                    p.salary_coefficient = v
                        .as_f64()
                        .filter(|x| x.is_finite())
                        .map(|x| (x * 100.0).round() as i64);
                }
            }
        }
        p
    }

    /// A copy of `doc` without the fields a reader with `clearance` may not see. Unknown
    /// sections and fields are dropped as well (they have no declared access level); sections
    /// with nothing visible are dropped entirely. Rows of repeating sections are kept (with
    /// their visible fields) so that row numbers stay the same.
    pub fn redact(&self, doc: &RecordDoc, clearance: AccessLevel) -> RecordDoc {
        let mut out = RecordDoc::new();
        for (key, value) in doc {
            let Some(section) = self.section(key) else {
                continue;
            };
            if section.min_access() > clearance {
                continue;
            }
            let keep = |obj: &serde_json::Map<String, Value>| {
                obj.iter()
                    .filter(|(k, _)| section.field(k).is_some_and(|f| f.access <= clearance))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<serde_json::Map<_, _>>()
            };
            match (section.repeating, value) {
                (false, Value::Object(obj)) => {
                    let kept = keep(obj);
                    if !kept.values().all(|v| is_empty(Some(v))) {
                        out.insert(key.clone(), Value::Object(kept));
                    }
                }
                (true, Value::Array(rows)) => {
                    let rows = rows
                        .iter()
                        .map(|r| match r {
                            Value::Object(obj) => Value::Object(keep(obj)),
                            _ => Value::Object(Default::default()),
                        })
                        .collect();
                    out.insert(key.clone(), Value::Array(rows));
                }
                _ => {}
            }
        }
        out
    }
}
