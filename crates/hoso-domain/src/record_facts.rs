//! From a record document to the plain facts the alert rules take ([`PersonFacts`]). Pure: the
//! caller passes the document, the person's status and when the record last changed.

use serde_json::Value;
use time::{Date, Month};

use crate::alerts::{PersonFacts, PersonStatus};
use crate::career::{
    Discipline, DisciplineForm, PersonCategory, ProbationTrack, Rating, SalaryGroup, SalaryPosition,
};
use crate::late::{RecordTimeline, StatusEvent};
use crate::national_id::Gender;
use crate::org;
use crate::payroll::{AllowanceRow, PayInputs};
use crate::salary::{SalaryTable, SalaryTables, salary_group_of};
use crate::schema::{FieldKind, RecordDoc, RecordSchema, Requirement, hundredths};

/// A field the facts read. They are all declared here, once ([`READS`]), and a test holds
/// every schema version to them: a renamed or retyped field fails the tests instead of quietly
/// yielding no facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRead {
    pub section: &'static str,
    pub field: &'static str,
    pub kind: FieldKind,
    /// The field is in a repeating section (read row by row).
    pub per_row: bool,
    /// The choice or catalog codes the facts compare the value with.
    pub codes: &'static [&'static str],
}

const fn read(section: &'static str, field: &'static str, kind: FieldKind) -> FieldRead {
    FieldRead {
        section,
        field,
        kind,
        per_row: false,
        codes: &[],
    }
}

const fn read_row(section: &'static str, field: &'static str, kind: FieldKind) -> FieldRead {
    FieldRead {
        per_row: true,
        ..read(section, field, kind)
    }
}

const fn with_codes(at: FieldRead, codes: &'static [&'static str]) -> FieldRead {
    FieldRead { codes, ..at }
}

const CATEGORY: FieldRead = with_codes(
    read("identity", "personnel_category", FieldKind::Choice),
    &[
        "cadre",
        "civil_servant",
        "public_employee",
        "contract_worker",
    ],
);
const SEX: FieldRead = read("general", "gender", FieldKind::Gender);
const BIRTH_DATE: FieldRead = read("general", "date_of_birth", FieldKind::Date);
const FIRST_RECRUITED: FieldRead = read("recruitment", "first_recruitment_date", FieldKind::Date);
const JOINED: FieldRead = read("recruitment", "current_agency_join_date", FieldKind::Date);
const POSITION: FieldRead = read("position", "current_position", FieldKind::Text);
const APPOINTED: FieldRead = read("position", "position_appointment_date", FieldKind::Date);
const RANK: FieldRead = read("salary", "rank_or_title_code", FieldKind::Catalog);
const STEP: FieldRead = read("salary", "salary_step", FieldKind::Integer);
const STEP_SINCE: FieldRead = read("salary", "salary_effective_date", FieldKind::Date);
const PAY_PERCENT: FieldRead = read("salary", "salary_percent", FieldKind::Percent);
const CONTRACT_END: FieldRead = read("contract", "contract_end_date", FieldKind::Date);
const COEFFICIENT: FieldRead = read("salary", "salary_coefficient", FieldKind::Decimal);
const BEYOND_SCALE: FieldRead = read(
    "salary",
    "beyond_scale_seniority_percent",
    FieldKind::Percent,
);
const POSITION_ALLOWANCE: FieldRead = read(
    "salary",
    "position_allowance_coefficient",
    FieldKind::Decimal,
);
const CONCURRENT_ALLOWANCE: FieldRead = read(
    "salary",
    "concurrent_position_allowance",
    FieldKind::Percent,
);
const ALLOWANCE_FROM: FieldRead = read_row("allowance_history", "from", FieldKind::MonthYear);
const ALLOWANCE_TO: FieldRead = read_row("allowance_history", "to", FieldKind::MonthYear);
const ALLOWANCE_TYPE: FieldRead = read_row("allowance_history", "allowance_type", FieldKind::Text);
const ALLOWANCE_PERCENT: FieldRead = read_row("allowance_history", "percent", FieldKind::Percent);
const ALLOWANCE_COEFFICIENT: FieldRead =
    read_row("allowance_history", "coefficient", FieldKind::Decimal);
const ALLOWANCE_AMOUNT: FieldRead = read_row("allowance_history", "amount", FieldKind::Money);
const EVENT_TYPE: FieldRead = with_codes(
    read_row("personnel_events", "event_type", FieldKind::Choice),
    &["tuyen_dung", "nghi_huu", "thoi_viec"],
);
const EVENT_DECIDED: FieldRead = read_row("personnel_events", "decision_date", FieldKind::Date);
const EVENT_EFFECTIVE: FieldRead = read_row("personnel_events", "effective_date", FieldKind::Date);
const DISCIPLINE_FORM: FieldRead = with_codes(
    read_row(
        "disciplinary_records",
        "discipline_form",
        FieldKind::Catalog,
    ),
    &[
        "khien_trach",
        "canh_cao",
        "giang_chuc",
        "ha_bac_luong",
        "cach_chuc",
        "bai_nhiem",
        "buoc_thoi_viec",
    ],
);
const DISCIPLINE_DECIDED: FieldRead =
    read_row("disciplinary_records", "decision_date", FieldKind::Date);
const DISCIPLINE_FROM: FieldRead = read_row("disciplinary_records", "from", FieldKind::MonthYear);
const RATING_YEAR: FieldRead = read_row("annual_achievements", "year", FieldKind::Year);
const RATING: FieldRead = with_codes(
    read_row(
        "annual_achievements",
        "performance_rating",
        FieldKind::Catalog,
    ),
    &["htxsnv", "httnv", "htnv", "khtnv"],
);

/// Every field the facts read.
pub const READS: &[FieldRead] = &[
    CATEGORY,
    SEX,
    BIRTH_DATE,
    FIRST_RECRUITED,
    JOINED,
    POSITION,
    APPOINTED,
    RANK,
    STEP,
    STEP_SINCE,
    PAY_PERCENT,
    CONTRACT_END,
    COEFFICIENT,
    BEYOND_SCALE,
    POSITION_ALLOWANCE,
    CONCURRENT_ALLOWANCE,
    ALLOWANCE_FROM,
    ALLOWANCE_TO,
    ALLOWANCE_TYPE,
    ALLOWANCE_PERCENT,
    ALLOWANCE_COEFFICIENT,
    ALLOWANCE_AMOUNT,
    EVENT_TYPE,
    EVENT_DECIDED,
    EVENT_EFFECTIVE,
    DISCIPLINE_FORM,
    DISCIPLINE_DECIDED,
    DISCIPLINE_FROM,
    RATING_YEAR,
    RATING,
];

fn get(doc: &RecordDoc, at: FieldRead) -> Option<&Value> {
    doc.get(at.section)?.get(at.field).filter(|v| !v.is_null())
}

fn text(doc: &RecordDoc, at: FieldRead) -> Option<&str> {
    get(doc, at)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// "YYYY-MM" → the first day of that month.
fn parse_month(s: &str) -> Option<Date> {
    let (y, m) = s.split_once('-')?;
    Date::from_calendar_date(
        y.parse().ok()?,
        Month::try_from(m.parse::<u8>().ok()?).ok()?,
        1,
    )
    .ok()
}

fn date(doc: &RecordDoc, at: FieldRead) -> Option<Date> {
    text(doc, at).and_then(parse_date)
}

/// The rows of the repeating section `at` belongs to.
fn rows(doc: &RecordDoc, at: FieldRead) -> impl Iterator<Item = &serde_json::Map<String, Value>> {
    doc.get(at.section)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

fn cell(row: &serde_json::Map<String, Value>, at: FieldRead) -> Option<&str> {
    row.get(at.field).and_then(Value::as_str)
}

fn cell_date(row: &serde_json::Map<String, Value>, at: FieldRead) -> Option<Date> {
    cell(row, at).and_then(parse_date)
}

/// The career rule's salary group of a NĐ 204/2004 group name ("A1", "A2.1", "C3"…).
pub fn career_group(table: SalaryTable, group: &str) -> Option<SalaryGroup> {
    if table == SalaryTable::B1 {
        return Some(SalaryGroup::SeniorExpert);
    }
    if table == SalaryTable::B4 {
        return Some(SalaryGroup::Table4);
    }
    let g = group.trim().to_uppercase();
    Some(match g.as_str() {
        "A3" | "A3.1" | "A3.2" => SalaryGroup::A3,
        "A2" | "A2.1" | "A2.2" => SalaryGroup::A2,
        "A1" => SalaryGroup::A1,
        "A0" => SalaryGroup::A0,
        "B" => SalaryGroup::B,
        _ if g.starts_with('C') => SalaryGroup::C,
        _ => return None,
    })
}

fn discipline_form(code: &str) -> Option<DisciplineForm> {
    Some(match code {
        "khien_trach" => DisciplineForm::Reprimand,
        "canh_cao" => DisciplineForm::Warning,
        "giang_chuc" | "ha_bac_luong" => DisciplineForm::Demotion,
        "cach_chuc" | "bai_nhiem" => DisciplineForm::Dismissal,
        "buoc_thoi_viec" => DisciplineForm::ForcedResignation,
        _ => return None,
    })
}

fn rating(code: &str) -> Option<Rating> {
    Some(match code {
        "htxsnv" => Rating::Excellent,
        "httnv" => Rating::Good,
        "htnv" => Rating::Completed,
        "khtnv" => Rating::Failed,
        _ => return None,
    })
}

/// The percentage of pay a person on probation receives: 85% of the first step of the title
/// they were recruited to (NĐ 115/2020 Điều 23 khoản 1 for viên chức; the same for công chức
/// under NĐ 138/2020 Điều 22). TT 06/2023 records it in "Phần trăm hưởng" (mục 30.1), so a
/// record showing 85% there is a record of someone on probation.
pub const PROBATION_PAY_PERCENT: u64 = 85;

/// The probation track of a title: for viên chức by the training level the title requires —
/// its salary group under NĐ 204/2004 (A1 university, A0 college, B intermediate), doctors
/// (chức danh bác sĩ V.08.01, V.08.02) apart; for công chức by type (A1 and above: loại C,
/// below: loại D). Cadres and contract workers have no probation.
pub fn probation_track(category: PersonCategory, rank_code: &str) -> Option<ProbationTrack> {
    let code = rank_code.trim();
    let group = salary_group_of(code)?;
    let g = group.group.to_uppercase();
    match category {
        PersonCategory::PublicEmployee => {
            if code.starts_with("V.08.01.") || code.starts_with("V.08.02.") {
                Some(ProbationTrack::PublicEmployeeDoctor)
            } else if g.starts_with("A1") || g.starts_with("A2") || g.starts_with("A3") {
                Some(ProbationTrack::PublicEmployeeUniversity)
            } else if g.starts_with("A0") {
                Some(ProbationTrack::PublicEmployeeCollege)
            } else {
                Some(ProbationTrack::PublicEmployeeIntermediate)
            }
        }
        PersonCategory::CivilServant => {
            if g.starts_with("A1") || g.starts_with("A2") || g.starts_with("A3") {
                Some(ProbationTrack::CivilServantTypeC)
            } else {
                Some(ProbationTrack::CivilServantTypeD)
            }
        }
        PersonCategory::Cadre | PersonCategory::ContractWorker => None,
    }
}

/// The probation of a record: on probation when "Phần trăm hưởng" is 85%; it started on the
/// effective date of the latest recruitment event (tuyển dụng), or else on the first
/// recruitment date (ngày được tuyển dụng lần đầu).
pub fn probation(doc: &RecordDoc, category: PersonCategory) -> Option<(ProbationTrack, Date)> {
    let percent = get(doc, PAY_PERCENT)?;
    let percent = percent.as_u64().or_else(|| {
        percent
            .as_f64()
            .filter(|p| p.fract() == 0.0)
            .map(|p| p as u64)
    })?;
    if percent != PROBATION_PAY_PERCENT {
        return None;
    }
    let track = probation_track(category, text(doc, RANK)?)?;
    let recruited = rows(doc, EVENT_TYPE)
        .filter(|r| cell(r, EVENT_TYPE) == Some("tuyen_dung"))
        .filter_map(|r| cell_date(r, EVENT_EFFECTIVE))
        .max();
    let start = recruited.or_else(|| date(doc, FIRST_RECRUITED))?;
    Some((track, start))
}

/// Retirements and resignations the record shows (personnel events).
pub fn status_events(doc: &RecordDoc) -> Vec<StatusEvent> {
    rows(doc, EVENT_TYPE)
        .filter_map(|r| {
            let kind = cell(r, EVENT_TYPE)?;
            if kind != "nghi_huu" && kind != "thoi_viec" {
                return None;
            }
            Some(StatusEvent {
                event_type: kind.to_string(),
                decision_date: cell_date(r, EVENT_DECIDED),
                effective_date: cell_date(r, EVENT_EFFECTIVE)?,
            })
        })
        .collect()
}

/// The timeline of a record for the deadline rules ([`crate::late`]); its movements come from
/// the movement workflow, not from the document.
pub fn timeline(
    schema: &RecordSchema,
    doc: &RecordDoc,
    status: org::PersonStatus,
    record_created: Option<Date>,
    account_created: Option<Date>,
    moves: Vec<crate::late::MoveEvent>,
    handovers: Handovers,
) -> RecordTimeline {
    RecordTimeline {
        moves,
        arrival: handovers.arrival,
        departure: handovers.departure,
        record_created,
        joined: date(doc, JOINED),
        account_created,
        required_fields_missing: required_fields_missing(schema, doc),
        status_events: status_events(doc),
        status: Some(person_status(status)),
    }
}

/// What Hoso recorded of a person crossing the province's border: their last reception with a
/// handed-over record, and their transfer out once in force.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Handovers {
    pub arrival: Option<crate::late::Crossing>,
    pub departure: Option<crate::late::Crossing>,
}

fn person_status(status: org::PersonStatus) -> PersonStatus {
    match status {
        org::PersonStatus::Working => PersonStatus::Active,
        org::PersonStatus::Retired => PersonStatus::Retired,
        org::PersonStatus::Resigned => PersonStatus::Resigned,
        org::PersonStatus::Deceased => PersonStatus::Deceased,
        org::PersonStatus::TransferredOut => PersonStatus::TransferredOut,
    }
}

/// Required fields (of non-repeating sections) left empty.
pub fn required_fields_missing(schema: &RecordSchema, doc: &RecordDoc) -> u32 {
    schema
        .fields()
        .filter(|(s, f)| !s.repeating && f.required == Requirement::Yes)
        .filter(|(s, f)| {
            match doc
                .get(&s.id)
                .and_then(|v| v.get(&f.id))
                .filter(|v| !v.is_null())
            {
                None => true,
                Some(Value::String(t)) => t.trim().is_empty(),
                Some(Value::Array(a)) => a.is_empty(),
                Some(_) => false,
            }
        })
        .count() as u32
}

/// What a record says of a person's pay, for a payroll sheet (section 30 and the other
/// allowances of section 37.2): the ngạch and bậc, the coefficient, the share of it paid, the
/// position and beyond-scale allowances, and the other allowances with their periods.
pub fn pay_inputs(doc: &RecordDoc) -> PayInputs {
    let allowances = rows(doc, ALLOWANCE_FROM)
        .filter_map(|r| {
            let from = cell(r, ALLOWANCE_FROM).and_then(parse_month)?;
            let to = cell(r, ALLOWANCE_TO).and_then(parse_month);
            let number = |at: FieldRead| r.get(at.field).and_then(hundredths).unwrap_or(0);
            Some(AllowanceRow {
                kind: cell(r, ALLOWANCE_TYPE)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
                from,
                to,
                percent_hundredths: number(ALLOWANCE_PERCENT),
                coefficient_hundredths: number(ALLOWANCE_COEFFICIENT),
                amount: r
                    .get(ALLOWANCE_AMOUNT.field)
                    .and_then(Value::as_i64)
                    .unwrap_or(0),
            })
        })
        .collect();
    let number = |at: FieldRead| get(doc, at).and_then(hundredths);
    PayInputs {
        rank_code: text(doc, RANK).map(str::to_string),
        step: get(doc, STEP)
            .and_then(Value::as_u64)
            .and_then(|s| u32::try_from(s).ok()),
        coefficient_hundredths: number(COEFFICIENT),
        salary_percent_hundredths: number(PAY_PERCENT),
        position_hundredths: number(POSITION_ALLOWANCE).unwrap_or(0),
        beyond_scale_percent: number(BEYOND_SCALE).map_or(0, |h| h / 100),
        concurrent_percent_hundredths: number(CONCURRENT_ALLOWANCE).unwrap_or(0),
        allowances,
    }
}

/// The facts of one record for the alert rules.
pub fn facts(
    schema: &RecordSchema,
    doc: &RecordDoc,
    status: org::PersonStatus,
    last_update: Option<Date>,
) -> PersonFacts {
    let category = match text(doc, CATEGORY) {
        Some("cadre") => PersonCategory::Cadre,
        Some("public_employee") => PersonCategory::PublicEmployee,
        Some("contract_worker") => PersonCategory::ContractWorker,
        _ => PersonCategory::CivilServant,
    };
    let salary = (|| {
        let code = text(doc, RANK)?;
        let group = salary_group_of(code)?;
        let max_step = SalaryTables::embedded().max_step(group.table, &group.group)?;
        let step = get(doc, STEP)?.as_u64()?;
        Some(SalaryPosition {
            group: career_group(group.table, &group.group)?,
            step: u8::try_from(step).ok()?,
            max_step: u8::try_from(max_step).ok()?,
            since: date(doc, STEP_SINCE)?,
        })
    })();
    let disciplines = rows(doc, DISCIPLINE_FORM)
        .filter_map(|r| {
            let form = discipline_form(cell(r, DISCIPLINE_FORM)?)?;
            let decided = cell_date(r, DISCIPLINE_DECIDED)
                .or_else(|| cell(r, DISCIPLINE_FROM).and_then(parse_month))?;
            Some(Discipline {
                form,
                decision_date: decided,
            })
        })
        .collect();
    let mut ratings: Vec<(i32, Rating)> = rows(doc, RATING)
        .filter_map(|r| {
            let year = i32::try_from(r.get(RATING_YEAR.field)?.as_i64()?).ok()?;
            Some((year, rating(cell(r, RATING)?)?))
        })
        .collect();
    ratings.sort_by_key(|(y, _)| *y);
    let appointment_date = text(doc, POSITION).and_then(|_| date(doc, APPOINTED));
    PersonFacts {
        sex: text(doc, SEX).and_then(Gender::parse),
        birth_date: date(doc, BIRTH_DATE),
        category,
        salary,
        disciplines,
        ratings,
        probation: probation(doc, category),
        probation_excluded_days: 0,
        appointment_date,
        contract_end: date(doc, CONTRACT_END),
        status: person_status(status),
        required_fields_missing: required_fields_missing(schema, doc),
        last_update,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;
    use crate::alerts::{AlertConfig, AlertKind, compute_alerts};
    use crate::calendar::HolidayCalendar;
    use crate::schema::SchemaSet;
    use crate::schema::fixtures::sample_record;

    #[test]
    fn the_sample_record_yields_its_facts() {
        let schema = SchemaSet::embedded().latest();
        let doc = sample_record();
        let f = facts(
            schema,
            &doc,
            org::PersonStatus::Working,
            Some(date!(2026 - 01 - 01)),
        );
        assert_eq!(
            f.birth_date.map(|d| d.to_string()),
            doc["general"]["date_of_birth"].as_str().map(str::to_string)
        );
        assert_eq!(
            f.required_fields_missing, 0,
            "the sample record is complete"
        );
        assert_eq!(f.status, PersonStatus::Active);
        if doc["salary"]["rank_or_title_code"] == "01.003" {
            let s = f.salary.expect("Chuyên viên has a salary position");
            assert_eq!(s.group, SalaryGroup::A1);
            assert_eq!(s.max_step, 9);
        }
    }

    #[test]
    fn every_schema_version_has_the_fields_the_facts_read() {
        let catalogs = crate::catalog::Catalogs::embedded_static();
        for schema in SchemaSet::embedded().versions() {
            for at in READS {
                let path = format!("{}: {}.{}", schema.version, at.section, at.field);
                let (Some(section), Some(field)) = (
                    schema.section(at.section),
                    schema.field(at.section, at.field),
                ) else {
                    panic!("{path}: no such field");
                };
                assert_eq!(field.kind, at.kind, "{path}");
                assert_eq!(section.repeating, at.per_row, "{path}");
                for code in at.codes {
                    let known = match field.kind {
                        FieldKind::Choice => field.choice_label(code).is_some(),
                        _ => field
                            .catalog
                            .as_ref()
                            .is_some_and(|c| c.accepts(catalogs, code)),
                    };
                    assert!(known, "{path}: no code {code}");
                }
            }
        }
    }

    #[test]
    fn groups_map_to_career_rules() {
        assert_eq!(career_group(SalaryTable::B2, "A2.1"), Some(SalaryGroup::A2));
        assert_eq!(career_group(SalaryTable::B3, "C3"), Some(SalaryGroup::C));
        assert_eq!(
            career_group(SalaryTable::B1, "Chuyên gia cao cấp"),
            Some(SalaryGroup::SeniorExpert)
        );
        assert_eq!(career_group(SalaryTable::B2, "Z9"), None);
    }

    #[test]
    fn disciplines_ratings_and_missing_fields_are_read() {
        let schema = SchemaSet::embedded().latest();
        let mut doc = sample_record();
        doc.insert(
            "disciplinary_records".into(),
            json!([{"from": "2026-03", "discipline_form": "khien_trach"}, {"from": "2025-01", "discipline_form": "???"}]),
        );
        doc.insert(
            "annual_achievements".into(),
            json!([{"year": 2025, "performance_rating": "khtnv"}, {"year": 2024, "performance_rating": "khtnv"}]),
        );
        doc["general"]
            .as_object_mut()
            .unwrap()
            .remove("date_of_birth");
        let f = facts(schema, &doc, org::PersonStatus::Working, None);
        assert_eq!(
            f.disciplines,
            vec![Discipline {
                form: DisciplineForm::Reprimand,
                decision_date: date!(2026 - 03 - 01)
            }]
        );
        assert_eq!(
            f.ratings,
            vec![(2024, Rating::Failed), (2025, Rating::Failed)]
        );
        assert_eq!(f.required_fields_missing, 1);
        let alerts = compute_alerts(
            &f,
            date!(2026 - 11 - 23),
            &HolidayCalendar::embedded(),
            &AlertConfig::default(),
        );
        let kinds: Vec<AlertKind> = alerts.iter().map(|a| a.kind).collect();
        assert!(kinds.contains(&AlertKind::TwoFailingRatings), "{kinds:?}");
        assert!(kinds.contains(&AlertKind::RecordIncomplete), "{kinds:?}");
    }

    #[test]
    fn probation_is_read_from_the_trainee_pay_and_the_recruitment_event() {
        let schema = SchemaSet::embedded().latest();
        let mut doc = sample_record();
        // The sample is a civil servant at 100%: not on probation.
        let f = facts(schema, &doc, org::PersonStatus::Working, None);
        assert_eq!(f.probation, None);
        // A viên chức recruited as bác sĩ (hạng III), paid 85%, recruitment effective 05/01/2026.
        doc["identity"]["personnel_category"] = json!("public_employee");
        doc["salary"]["rank_or_title_code"] = json!("V.08.01.03");
        doc["salary"]["salary_percent"] = json!(85);
        doc["personnel_events"] = json!([
            {"event_type": "tuyen_dung", "decision_date": "2025-12-20", "effective_date": "2026-01-05"},
            {"event_type": "bo_nhiem", "effective_date": "2026-02-01"}
        ]);
        let f = facts(schema, &doc, org::PersonStatus::Working, None);
        assert_eq!(
            f.probation,
            Some((ProbationTrack::PublicEmployeeDoctor, date!(2026 - 01 - 05)))
        );
        // 9 months for a doctor (NĐ 85/2023): ends 05/10/2026; alert from 30 days before.
        let alerts = compute_alerts(
            &f,
            date!(2026 - 09 - 10),
            &HolidayCalendar::embedded(),
            &AlertConfig::default(),
        );
        let p = alerts
            .iter()
            .find(|a| a.kind == AlertKind::ProbationEnding)
            .expect("probation alert");
        assert_eq!(p.due, date!(2026 - 10 - 05));
        assert!(p.legal_basis.contains("NĐ 85/2023"), "{}", p.legal_basis);
        // Without a recruitment event, the first recruitment date starts it.
        doc["personnel_events"] = json!([]);
        doc["recruitment"]["first_recruitment_date"] = json!("2026-02-02");
        let f = facts(schema, &doc, org::PersonStatus::Working, None);
        assert_eq!(f.probation.map(|p| p.1), Some(date!(2026 - 02 - 02)));
        // Tracks by the title's group.
        use PersonCategory::*;
        assert_eq!(
            probation_track(PublicEmployee, "V.07.01.03"),
            Some(ProbationTrack::PublicEmployeeUniversity)
        );
        assert_eq!(
            probation_track(CivilServant, "01.003"),
            Some(ProbationTrack::CivilServantTypeC)
        );
        assert_eq!(probation_track(Cadre, "01.003"), None);
        assert_eq!(probation_track(CivilServant, "nope"), None);
    }

    #[test]
    fn the_timeline_shows_joining_and_status_events() {
        let schema = SchemaSet::embedded().latest();
        let mut doc = sample_record();
        doc["personnel_events"] = json!([
            {"event_type": "tuyen_dung", "effective_date": "2008-09-01"},
            {"event_type": "nghi_huu", "decision_date": "2026-03-02", "effective_date": "2026-07-01"},
            {"event_type": "thoi_viec", "effective_date": "bad"}
        ]);
        let t = timeline(
            schema,
            &doc,
            org::PersonStatus::Working,
            Some(date!(2026 - 01 - 02)),
            None,
            Vec::new(),
            Handovers::default(),
        );
        assert_eq!(t.joined, Some(date!(2008 - 09 - 01)));
        assert_eq!(t.record_created, Some(date!(2026 - 01 - 02)));
        assert_eq!(
            t.status_events,
            vec![StatusEvent {
                event_type: "nghi_huu".into(),
                decision_date: Some(date!(2026 - 03 - 02)),
                effective_date: date!(2026 - 07 - 01),
            }]
        );
        assert_eq!(t.status, Some(PersonStatus::Active));
    }
}
