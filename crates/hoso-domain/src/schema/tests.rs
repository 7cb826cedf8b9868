//! The schema's specification, as tests.

use serde_json::{Value, json};
use time::macros::date;

use super::fixtures::{RecordBuilder, sample_contract_worker_record, sample_record};
use super::*;
use crate::access::AccessLevel;
use crate::catalog::Catalogs;

const TODAY: Date = date!(2026 - 07 - 15);

const SINGLE: [&str; 12] = [
    "identity",
    "general",
    "recruitment",
    "political",
    "qualifications",
    "position",
    "salary",
    "health",
    "personal_history",
    "economic",
    "assessment",
    "contract",
];

const REPEATING: [&str; 16] = [
    "personnel_events",
    "professional_trainings",
    "political_theory_trainings",
    "management_trainings",
    "defense_security_trainings",
    "it_trainings",
    "language_trainings",
    "work_history",
    "former_regime_service",
    "foreign_organization_ties",
    "annual_achievements",
    "disciplinary_records",
    "party_member_ratings",
    "family_members",
    "salary_history",
    "allowance_history",
];

fn schema() -> &'static RecordSchema {
    SchemaSet::embedded().latest()
}

fn cats() -> &'static Catalogs {
    Catalogs::embedded_static()
}

fn validate(doc: &RecordDoc) -> Result<(), ValidationErrors> {
    schema().validate(doc, cats(), TODAY)
}

/// Sets `section.field` (single section) or `section[row].field`.
fn set(doc: &mut RecordDoc, section: &str, row: Option<usize>, field: &str, value: Value) {
    let sec = doc.get_mut(section).expect("section in fixture");
    let obj = match row {
        Some(i) => &mut sec[i],
        None => sec,
    };
    obj.as_object_mut().unwrap().insert(field.to_owned(), value);
}

fn remove(doc: &mut RecordDoc, section: &str, field: &str) {
    doc.get_mut(section)
        .and_then(Value::as_object_mut)
        .unwrap()
        .remove(field);
}

/// Validates and returns the errors, asserting there are some.
fn errors(doc: &RecordDoc) -> ValidationErrors {
    validate(doc).expect_err("document should be invalid")
}

/// The single error at `path`, asserting it is the only error of the document.
fn only_error(doc: &RecordDoc, path: &str) -> FieldError {
    let errs = errors(doc);
    assert_eq!(errs.len(), 1, "expected one error at {path}, got:\n{errs}");
    let e = errs.errors[0].clone();
    assert_eq!(e.path, path, "{errs}");
    e
}

// ─────────────────────────────────────────────────────────────────────────── the schema file

#[test]
fn embedded_schema_parses_with_its_header() {
    let set = SchemaSet::embedded();
    assert_eq!(set.versions().len(), 1);
    let s = set.latest();
    assert_eq!(s.version, "tt06-2023");
    assert_eq!(s.effective_from, date!(2023 - 05 - 05));
    assert!(s.title.contains("TT 06/2023/TT-BNV"), "{}", s.title);
    assert!(s.predecessor.is_none());
    assert!(s.changes.is_empty());
    assert!(s.fields().count() > 170, "{}", s.fields().count());
}

#[test]
fn every_fixed_section_id_exists_with_its_shape() {
    for id in SINGLE {
        let s = schema()
            .section(id)
            .unwrap_or_else(|| panic!("missing section {id}"));
        assert!(!s.repeating, "{id} must be single");
    }
    for id in REPEATING {
        let s = schema()
            .section(id)
            .unwrap_or_else(|| panic!("missing section {id}"));
        assert!(s.repeating, "{id} must be repeating");
    }
    assert_eq!(schema().sections.len(), SINGLE.len() + REPEATING.len());
}

#[test]
fn fields_sit_in_the_sections_of_their_headings() {
    let expect = [
        (
            "identity",
            &[
                "dossier_id",
                "personnel_category",
                "employing_unit",
                "managing_agency",
                "personnel_number",
                "identification_code",
                "photo",
            ][..],
        ),
        (
            "general",
            &[
                "birth_full_name",
                "gender",
                "other_names",
                "date_of_birth",
                "place_of_birth",
                "hometown",
                "ethnicity_code",
                "religion_code",
                "citizen_id_number",
                "citizen_id_issue_date",
                "phone",
                "social_insurance_number",
                "health_insurance_card_number",
                "current_address",
                "permanent_residence_legacy",
                "family_social_origin",
                "email",
            ][..],
        ),
        (
            "recruitment",
            &[
                "occupation_before_recruitment",
                "first_recruitment_date",
                "first_recruitment_agency",
                "current_agency_join_date",
            ][..],
        ),
        (
            "personnel_events",
            &[
                "event_type",
                "decision_number",
                "decision_date",
                "effective_date",
                "from_unit",
                "to_unit",
                "position",
                "note",
            ][..],
        ),
        (
            "political",
            &[
                "party_admission_date",
                "party_official_date",
                "first_sociopolitical_org_join_date",
                "first_sociopolitical_org_name",
                "military_enlistment_date",
                "military_discharge_date",
                "highest_military_rank",
                "policy_beneficiary_type",
                "war_invalid_grade",
            ][..],
        ),
        (
            "qualifications",
            &[
                "general_education_level",
                "general_education_system",
                "highest_qualification_level",
                "highest_qualification_major",
                "academic_title",
                "academic_title_year",
                "state_honorary_titles",
                "political_theory_level",
                "state_management_training_level",
                "foreign_language_summary",
                "it_skill_summary",
            ][..],
        ),
        (
            "position",
            &[
                "current_position",
                "position_appointment_date",
                "position_reappointment_date",
                "planned_positions",
                "concurrent_positions",
                "current_party_position",
                "concurrent_party_positions",
                "main_assigned_duties",
                "work_strengths",
                "longest_held_job",
            ][..],
        ),
        (
            "salary",
            &[
                "rank_or_title_name",
                "rank_or_title_code",
                "rank_appointment_date",
                "salary_step",
                "salary_coefficient",
                "salary_effective_date",
                "salary_percent",
                "beyond_scale_seniority_percent",
                "beyond_scale_seniority_date",
                "position_allowance_coefficient",
                "concurrent_position_allowance",
                "other_allowances",
                "job_position_name",
                "job_position_code",
                "job_position_salary_step",
                "job_position_salary_amount",
                "job_position_salary_date",
                "job_position_salary_percent",
                "job_position_beyond_scale_percent",
                "job_position_beyond_scale_date",
            ][..],
        ),
        (
            "health",
            &["health_status", "height_cm", "weight_kg", "blood_type"][..],
        ),
        (
            "professional_trainings",
            &[
                "from",
                "to",
                "institution",
                "major",
                "training_mode",
                "degree_level",
            ][..],
        ),
        (
            "political_theory_trainings",
            &["from", "to", "institution", "training_mode", "certificate"][..],
        ),
        (
            "management_trainings",
            &["from", "to", "institution", "certificate"][..],
        ),
        (
            "defense_security_trainings",
            &["from", "to", "institution", "certificate"][..],
        ),
        (
            "it_trainings",
            &["from", "to", "institution", "certificate"][..],
        ),
        (
            "language_trainings",
            &[
                "from",
                "to",
                "institution",
                "language",
                "certificate",
                "score",
            ][..],
        ),
        (
            "work_history",
            &["from", "to", "unit", "title_or_position"][..],
        ),
        (
            "personal_history",
            &["arrest_detention_history", "relatives_abroad"][..],
        ),
        ("former_regime_service", &["from", "to"][..]),
        ("foreign_organization_ties", &["from", "to"][..]),
        (
            "annual_achievements",
            &[
                "year",
                "performance_rating",
                "emulation_title",
                "award_forms",
            ][..],
        ),
        (
            "disciplinary_records",
            &[
                "from",
                "to",
                "discipline_form",
                "main_violation",
                "deciding_authority",
            ][..],
        ),
        ("party_member_ratings", &["year", "rating"][..]),
        (
            "family_members",
            &["side", "relationship", "full_name", "birth_year", "details"][..],
        ),
        (
            "salary_history",
            &[
                "from",
                "to",
                "rank_or_title_code",
                "salary_step",
                "salary_coefficient",
                "job_position_salary_amount",
            ][..],
        ),
        (
            "allowance_history",
            &[
                "from",
                "to",
                "allowance_type",
                "percent",
                "coefficient",
                "payment_form",
                "amount",
            ][..],
        ),
        (
            "economic",
            &[
                "household_income_salary",
                "household_income_other",
                "housing_allocated_type",
                "housing_allocated_area_m2",
                "housing_allocated_certificate",
                "housing_owned_type",
                "housing_owned_area_m2",
                "housing_owned_certificate",
                "residential_land_allocated_m2",
                "residential_land_allocated_certificate",
                "residential_land_purchased_m2",
                "residential_land_purchased_certificate",
                "business_land",
            ][..],
        ),
        (
            "assessment",
            &[
                "employer_assessment",
                "declarant_signature",
                "declaration_date",
                "approver_signature",
                "approval_date",
                "approving_unit",
            ][..],
        ),
        (
            "contract",
            &[
                "contract_kind",
                "labor_contract_type",
                "contracted_work_category",
                "employer_name",
                "employer_address",
                "employer_signatory_name",
                "employer_signatory_title",
                "job_description",
                "work_location",
                "contract_start_date",
                "contract_end_date",
                "contract_duration_months",
                "wage_amount",
                "wage_payment_form",
                "wage_payment_period",
                "wage_raise_policy",
                "working_hours",
                "rest_periods",
                "protective_equipment",
                "social_insurance_terms",
                "training_terms",
                "contract_number",
                "signing_date",
                "status",
            ][..],
        ),
    ];
    for (section, fields) in expect {
        for f in fields {
            assert!(
                schema().field(section, f).is_some(),
                "missing {section}.{f}"
            );
        }
    }
}

#[test]
fn labels_are_vietnamese_as_on_the_form() {
    let label = |s: &str, f: &str| schema().field(s, f).unwrap().label.as_str();
    assert_eq!(
        label("general", "birth_full_name"),
        "Họ và tên khai sinh (viết chữ in hoa)"
    );
    assert_eq!(label("general", "date_of_birth"), "Ngày sinh");
    assert_eq!(label("general", "citizen_id_number"), "Số CCCD");
    assert_eq!(
        label("recruitment", "first_recruitment_date"),
        "Ngày được tuyển dụng lần đầu"
    );
    assert_eq!(
        label("political", "party_admission_date"),
        "Ngày vào Đảng Cộng sản Việt Nam"
    );
    assert_eq!(label("health", "health_status"), "Tình trạng sức khoẻ");
    assert_eq!(label("work_history", "from"), "Từ (tháng/năm)");
}

#[test]
fn every_catalog_reference_names_an_existing_catalog_and_kind() {
    let mut count = 0;
    for (section, field) in schema().fields() {
        let Some(cat) = &field.catalog else { continue };
        count += 1;
        for name in cat.catalog_names() {
            assert!(
                !cats().items(name).is_empty(),
                "{}.{}: catalog {name} is empty or unknown",
                section.id,
                field.id
            );
        }
        for kind in &cat.kinds {
            assert!(
                cats().items_of_kind(&cat.name, kind).next().is_some(),
                "{}.{}: kind {kind} has no items in {}",
                section.id,
                field.id,
                cat.name
            );
        }
    }
    assert!(count >= 15, "{count}");
    let rank = schema()
        .field("salary", "rank_or_title_code")
        .unwrap()
        .catalog
        .as_ref()
        .unwrap();
    assert!(rank.accepts(cats(), "01.003"));
    assert!(rank.accepts(cats(), "V.07.01.03"));
    assert_eq!(rank.kind(), None);
    let ll = schema()
        .field("qualifications", "political_theory_level")
        .unwrap();
    assert_eq!(
        ll.catalog.as_ref().unwrap().kind(),
        Some("ly_luan_chinh_tri")
    );
}

#[test]
fn access_levels_follow_the_policy() {
    let access = |s: &str, f: &str| schema().field(s, f).unwrap().access;
    assert_eq!(access("general", "birth_full_name"), AccessLevel::Public);
    assert_eq!(access("identity", "employing_unit"), AccessLevel::Public);
    assert_eq!(access("position", "current_position"), AccessLevel::Public);
    assert_eq!(
        access("salary", "salary_coefficient"),
        AccessLevel::Internal
    );
    assert_eq!(
        access("professional_trainings", "institution"),
        AccessLevel::Internal
    );
    assert_eq!(access("work_history", "unit"), AccessLevel::Internal);
    for f in [
        "citizen_id_number",
        "social_insurance_number",
        "health_insurance_card_number",
        "phone",
        "current_address",
    ] {
        assert_eq!(access("general", f), AccessLevel::Confidential, "{f}");
    }
    for (s, f) in [
        ("health", "health_status"),
        ("health", "blood_type"),
        ("personal_history", "arrest_detention_history"),
        ("personal_history", "relatives_abroad"),
        ("former_regime_service", "position_and_place"),
        ("foreign_organization_ties", "organization_and_work"),
        ("family_members", "details"),
        ("family_members", "former_regime_service"),
        ("family_members", "sociopolitical_membership"),
    ] {
        assert_eq!(access(s, f), AccessLevel::Secret, "{s}.{f}");
    }
}

#[test]
fn sensitive_fields_are_encrypted() {
    let encrypted: Vec<String> = schema()
        .encrypted_fields()
        .map(|(s, f)| format!("{}.{}", s.id, f.id))
        .collect();
    for path in [
        "general.citizen_id_number",
        "general.social_insurance_number",
        "general.health_insurance_card_number",
        "identity.dossier_id",
        "health.health_status",
        "health.height_cm",
        "health.weight_kg",
        "health.blood_type",
        "personal_history.arrest_detention_history",
        "personal_history.relatives_abroad",
        "former_regime_service.from",
        "foreign_organization_ties.organization_and_work",
        "family_members.details",
        "family_members.former_regime_service",
        "family_members.criminal_record_note",
    ] {
        assert!(encrypted.contains(&path.to_owned()), "{path} not encrypted");
    }
    assert!(!encrypted.contains(&"general.birth_full_name".to_owned()));
    // Encryption is only for what is at least confidential.
    for (s, f) in schema().encrypted_fields() {
        assert!(f.access >= AccessLevel::Confidential, "{}.{}", s.id, f.id);
    }
    // Nothing sealed is ever copied to a projection table.
    for (s, f) in schema().encrypted_fields() {
        assert!(f.projection.is_none(), "{}.{}", s.id, f.id);
    }
}

#[test]
fn the_projection_tables_are_declared_by_the_schema() {
    let persons: Vec<(&str, ProjectedKind)> = schema()
        .projected_columns()
        .map(|c| (c.name, c.kind))
        .collect();
    assert_eq!(
        persons,
        [
            ("personnel_category", ProjectedKind::Code),
            ("gender", ProjectedKind::Code),
            ("date_of_birth", ProjectedKind::Date),
            ("ethnicity", ProjectedKind::Code),
            ("religion", ProjectedKind::Code),
            ("first_recruitment_date", ProjectedKind::Date),
            ("party_admission_date", ProjectedKind::Date),
            ("highest_qualification", ProjectedKind::Code),
            ("political_theory", ProjectedKind::Code),
            ("state_management", ProjectedKind::Code),
            ("current_position", ProjectedKind::Text),
            ("rank_or_title_code", ProjectedKind::Code),
            ("rank_appointment_date", ProjectedKind::Date),
            ("salary_step", ProjectedKind::Integer),
            ("salary_coefficient", ProjectedKind::Hundredths),
            ("beyond_scale_percent", ProjectedKind::Hundredths),
            ("position_allowance", ProjectedKind::Hundredths),
        ]
    );
    // Every role a list or a statistic groups by has its column.
    for role in [
        FieldRole::Sex,
        FieldRole::BirthDate,
        FieldRole::PersonnelCategory,
        FieldRole::RankOrTitle,
        FieldRole::SalaryStep,
        FieldRole::SalaryCoefficient,
        FieldRole::CurrentPosition,
    ] {
        assert!(schema().role_column(role).is_some(), "{}", role.as_str());
    }
    // The history table: one kind per column, whichever section feeds it.
    let history: Vec<_> = schema().history_columns().collect();
    assert!(history.iter().all(|c| c.section.repeating));
    for a in &history {
        for b in &history {
            if a.name == b.name {
                assert_eq!(a.kind, b.kind, "{}", a.name);
            }
        }
    }
    let sections: Vec<&str> = schema().history_sections().map(|s| s.id.as_str()).collect();
    for id in [
        "salary_history",
        "allowance_history",
        "work_history",
        "professional_trainings",
        "annual_achievements",
        "disciplinary_records",
        "family_members",
        "party_member_ratings",
        "personnel_events",
    ] {
        assert!(sections.contains(&id), "{id}");
    }
    // Sealed sections keep even their dates out of the table.
    assert!(!sections.contains(&"former_regime_service"));
    assert!(!sections.contains(&"foreign_organization_ties"));
}

#[test]
fn conditional_fields_have_rules_and_required_is_per_doc() {
    let req = |s: &str, f: &str| schema().field(s, f).unwrap().required;
    assert_eq!(req("general", "birth_full_name"), Requirement::Yes);
    assert_eq!(req("general", "date_of_birth"), Requirement::Yes);
    assert_eq!(
        req("political", "party_admission_date"),
        Requirement::Conditional
    );
    assert_eq!(
        req("general", "social_insurance_number"),
        Requirement::Conditional
    );
    assert_eq!(req("general", "other_names"), Requirement::No);
    let ruled: Vec<String> = schema()
        .rules
        .iter()
        .filter_map(|r| match r {
            Rule::RequiredIf { field, .. } => Some(format!("{}.{}", field.section, field.field)),
            _ => None,
        })
        .collect();
    // Conditional fields without a rule: the condition is not visible in the record (still
    // serving in the army, still a probationary Party member).
    let unruled = [
        "political.military_discharge_date",
        "political.party_official_date",
    ];
    for (s, f) in schema().fields() {
        let path = format!("{}.{}", s.id, f.id);
        if f.required == Requirement::Conditional && !unruled.contains(&path.as_str()) {
            assert!(ruled.contains(&path), "{path} has no rule");
        }
    }
}

// ─────────────────────────────────────────────────────────────────────────── valid documents

#[test]
fn sample_record_is_valid() {
    if let Err(e) = validate(&sample_record()) {
        panic!("sample record invalid:\n{e}");
    }
}

#[test]
fn sample_contract_worker_record_is_valid() {
    if let Err(e) = validate(&sample_contract_worker_record()) {
        panic!("contract worker record invalid:\n{e}");
    }
}

#[test]
fn the_builder_starts_from_the_samples() {
    assert_eq!(RecordBuilder::civil_servant().build(), sample_record());
    assert_eq!(
        RecordBuilder::contract_worker().build(),
        sample_contract_worker_record()
    );
}

#[test]
fn a_built_record_changed_through_the_roles_is_valid() {
    let doc = RecordBuilder::civil_servant()
        .national_id("020070004321")
        .name("TRẦN VĂN THƯ")
        .born("1970-06-15")
        .sex("nam")
        .category("public_employee")
        .rank("V.08.01.03")
        .salary(2, 2.67)
        .position("Trưởng khoa")
        .set("general", "other_names", json!("Thư"))
        .push_row(
            "party_member_ratings",
            json!({"year": 2025, "rating": "htxsnv"}),
        )
        .build();
    if let Err(e) = validate(&doc) {
        panic!("built record invalid:\n{e}");
    }
    let s = schema();
    for (role, value) in [
        (FieldRole::NationalId, json!("020070004321")),
        (FieldRole::DossierId, json!("020070004321")),
        (FieldRole::DisplayName, json!("TRẦN VĂN THƯ")),
        (FieldRole::BirthDate, json!("1970-06-15")),
        (FieldRole::Sex, json!("nam")),
        (FieldRole::PersonnelCategory, json!("public_employee")),
        (FieldRole::RankOrTitle, json!("V.08.01.03")),
        (FieldRole::SalaryStep, json!(2)),
        (FieldRole::SalaryCoefficient, json!(2.67)),
        (FieldRole::CurrentPosition, json!("Trưởng khoa")),
    ] {
        assert_eq!(s.role_value(&doc, role), Some(&value), "{role:?}");
    }
    // The identification code held the sample's number: it follows.
    assert_eq!(doc["identity"]["identification_code"], "020070004321");
    assert_eq!(doc["general"]["other_names"], "Thư");
    assert_eq!(doc["party_member_ratings"].as_array().unwrap().len(), 3);
}

#[test]
fn a_built_contract_worker_is_valid_and_sections_come_and_go() {
    let doc = RecordBuilder::contract_worker()
        .national_id("020090000888")
        .without("language_trainings")
        .push_row(
            "work_history",
            json!({"from": "2015-03", "unit": "Văn phòng Sở Nội vụ", "title_or_position": "Lái xe"}),
        )
        .build();
    if let Err(e) = validate(&doc) {
        panic!("built contract worker invalid:\n{e}");
    }
    assert_eq!(doc["work_history"].as_array().unwrap().len(), 1);
    assert!(!doc.contains_key("language_trainings"));
    assert_eq!(doc["contract"]["contract_number"], "07/2025/HĐLĐ");
}

#[test]
fn the_builder_does_not_check_what_it_builds() {
    // A man's số định danh on the sample woman: validation, not the builder, refuses it.
    let doc = RecordBuilder::civil_servant()
        .national_id("020085001234")
        .build();
    assert!(
        errors(&doc)
            .at("general.citizen_id_number")
            .next()
            .is_some()
    );
}

#[test]
fn samples_cover_every_section() {
    let (a, b) = (sample_record(), sample_contract_worker_record());
    for s in &schema().sections {
        assert!(a.contains_key(&s.id) || b.contains_key(&s.id), "{}", s.id);
    }
}

#[test]
fn null_and_empty_values_are_empty() {
    let mut doc = sample_record();
    set(&mut doc, "general", None, "other_names", Value::Null);
    set(&mut doc, "general", None, "email", json!(""));
    set(
        &mut doc,
        "qualifications",
        None,
        "state_honorary_titles",
        json!([]),
    );
    doc.insert("health".into(), Value::Null);
    validate(&doc).unwrap();
}

// ─────────────────────────────────────────────────────────────────────────── each rule fails

#[test]
fn impossible_date() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "citizen_id_issue_date",
        json!("2023-02-30"),
    );
    let e = only_error(&doc, "general.citizen_id_issue_date");
    assert_eq!(e.label, "Ngày cấp");
    assert_eq!(e.message, "Ngày cấp: ngày 30/02/2023 không tồn tại.");

    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "date_of_birth",
        json!("1990-02-31"),
    );
    let errs = errors(&doc);
    let e = errs.at("general.date_of_birth").next().unwrap();
    assert_eq!(e.message, "Ngày sinh: ngày 31/02/1990 không tồn tại.");
}

#[test]
fn malformed_dates_and_months() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "citizen_id_issue_date",
        json!("15/06/2021"),
    );
    let e = only_error(&doc, "general.citizen_id_issue_date");
    assert!(
        e.message.contains("không đúng định dạng ngày"),
        "{}",
        e.message
    );

    let mut doc = sample_record();
    set(&mut doc, "work_history", Some(0), "to", json!("2020-13"));
    let e = only_error(&doc, "work_history[0].to");
    assert_eq!(
        e.message,
        "Tóm tắt quá trình công tác, dòng 1 — Đến (tháng/năm): tháng 13/2020 không tồn tại."
    );

    let mut doc = sample_record();
    set(&mut doc, "work_history", Some(0), "from", json!("1899-01"));
    let errs = errors(&doc);
    assert!(
        errs.at("work_history[0].from")
            .next()
            .unwrap()
            .message
            .contains("trước năm 1900")
    );
}

#[test]
fn future_dates_are_rejected_unless_allowed() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "date_of_birth",
        json!("2027-01-01"),
    );
    let errs = errors(&doc);
    let e = errs.at("general.date_of_birth").next().unwrap();
    assert_eq!(
        e.message,
        "Ngày sinh: ngày 01/01/2027 là ngày trong tương lai."
    );

    let mut doc = sample_record();
    set(&mut doc, "work_history", Some(1), "to", json!("2026-08"));
    let e = only_error(&doc, "work_history[1].to");
    assert!(
        e.message
            .contains("tháng 08/2026 là thời điểm trong tương lai"),
        "{}",
        e.message
    );

    let mut doc = sample_record();
    set(
        &mut doc,
        "annual_achievements",
        Some(1),
        "year",
        json!(2027),
    );
    only_error(&doc, "annual_achievements[1].year");

    // Today itself is fine, and so is a contract ending years ahead.
    let mut doc = sample_record();
    set(
        &mut doc,
        "assessment",
        None,
        "approval_date",
        json!("2026-07-15"),
    );
    validate(&doc).unwrap();
    let mut doc = sample_contract_worker_record();
    set(
        &mut doc,
        "contract",
        None,
        "contract_end_date",
        json!("2030-12-31"),
    );
    validate(&doc).unwrap();
}

#[test]
fn unknown_catalog_code() {
    let mut doc = sample_record();
    set(&mut doc, "general", None, "ethnicity_code", json!("99"));
    let e = only_error(&doc, "general.ethnicity_code");
    assert_eq!(
        e.message,
        "Dân tộc: mã \"99\" không có trong danh mục Dân tộc."
    );
}

#[test]
fn catalog_kind_filter_is_respected() {
    let mut doc = sample_record();
    // A học hàm is a trình độ code, but not a trình độ chuyên môn.
    set(
        &mut doc,
        "qualifications",
        None,
        "highest_qualification_level",
        json!("giao_su"),
    );
    only_error(&doc, "qualifications.highest_qualification_level");

    let mut doc = sample_record();
    set(
        &mut doc,
        "qualifications",
        None,
        "highest_qualification_level",
        json!("bac_si_chuyen_khoa_ii"),
    );
    validate(&doc).unwrap();

    let mut doc = sample_record();
    set(
        &mut doc,
        "annual_achievements",
        Some(0),
        "award_forms",
        json!(["giay_khen", "khien_trach"]),
    );
    let e = only_error(&doc, "annual_achievements[0].award_forms");
    assert!(e.message.contains("\"khien_trach\""), "{}", e.message);

    let mut doc = sample_record();
    set(
        &mut doc,
        "annual_achievements",
        Some(0),
        "award_forms",
        json!(["giay_khen", "giay_khen"]),
    );
    only_error(&doc, "annual_achievements[0].award_forms");
}

#[test]
fn unknown_section_and_field() {
    let mut doc = sample_record();
    set(&mut doc, "general", None, "nickname", json!("Lan"));
    let e = only_error(&doc, "general.nickname");
    assert_eq!(e.label, "");
    assert_eq!(
        e.message,
        "Trường \"nickname\" (Thông tin chung) không có trong lược đồ hồ sơ."
    );

    let mut doc = sample_record();
    set(&mut doc, "family_members", Some(2), "shoe_size", json!(38));
    let e = only_error(&doc, "family_members[2].shoe_size");
    assert!(e.message.contains("không có trong lược đồ hồ sơ"));

    let mut doc = sample_record();
    doc.insert("hobbies".into(), json!({"x": 1}));
    let e = only_error(&doc, "hobbies");
    assert_eq!(e.message, "Mục \"hobbies\" không có trong lược đồ hồ sơ.");
}

#[test]
fn wrong_json_types() {
    let cases: [(&str, Option<usize>, &str, Value, &str); 12] = [
        (
            "general",
            None,
            "birth_full_name",
            json!(42),
            "phải là chuỗi ký tự",
        ),
        (
            "general",
            None,
            "date_of_birth",
            json!(19850312),
            "phải là ngày dạng YYYY-MM-DD",
        ),
        (
            "salary",
            None,
            "salary_step",
            json!("3"),
            "phải là số nguyên",
        ),
        (
            "salary",
            None,
            "salary_coefficient",
            json!("5,08"),
            "phải là số",
        ),
        (
            "general",
            None,
            "gender",
            json!("female"),
            "phải là \"nam\" hoặc \"nu\"",
        ),
        (
            "identity",
            None,
            "employing_unit",
            json!("Sở Nội vụ"),
            "mã đơn vị",
        ),
        (
            "identity",
            None,
            "personnel_category",
            json!("officer"),
            "chọn một trong: Cán bộ, Công chức",
        ),
        (
            "general",
            None,
            "current_address",
            json!("Lạng Sơn"),
            "phải là địa chỉ",
        ),
        (
            "qualifications",
            None,
            "state_honorary_titles",
            json!("nha_giao_uu_tu"),
            "danh sách mã",
        ),
        (
            "family_members",
            Some(4),
            "is_deceased",
            json!("có"),
            "true/false",
        ),
        (
            "family_members",
            Some(0),
            "birth_year",
            json!("1955"),
            "phải là năm",
        ),
        (
            "economic",
            None,
            "household_income_salary",
            json!(1.5),
            "số tiền nguyên",
        ),
    ];
    for (section, row, field, value, needle) in cases {
        let mut doc = sample_record();
        set(&mut doc, section, row, field, value);
        let path = match row {
            Some(i) => format!("{section}[{i}].{field}"),
            None => format!("{section}.{field}"),
        };
        let errs = errors(&doc);
        let e = errs
            .at(&path)
            .next()
            .unwrap_or_else(|| panic!("no error at {path}:\n{errs}"));
        assert!(e.message.contains(needle), "{path}: {}", e.message);
        let prefix = if row.is_some() {
            &schema().section(section).unwrap().label
        } else {
            &e.label
        };
        assert!(e.message.starts_with(prefix.as_str()), "{}", e.message);
    }

    let mut doc = sample_record();
    doc.insert("general".into(), json!([1, 2]));
    let errs = errors(&doc);
    assert!(
        errs.at("general")
            .next()
            .unwrap()
            .message
            .contains("phải là một nhóm trường")
    );
    let mut doc = sample_record();
    doc.insert("work_history".into(), json!({"from": "2001-01"}));
    let errs = errors(&doc);
    assert!(
        errs.at("work_history")
            .next()
            .unwrap()
            .message
            .contains("danh sách các dòng")
    );
    let mut doc = sample_record();
    doc.insert("work_history".into(), json!(["2001-01"]));
    only_error(&doc, "work_history[0]");
}

#[test]
fn national_id_format() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "citizen_id_number",
        json!("02018500123"),
    );
    let e = only_error(&doc, "general.citizen_id_number");
    assert_eq!(
        e.message,
        "Số CCCD: số định danh cá nhân phải gồm đúng 12 chữ số (đang có 11 ký tự)."
    );
    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "citizen_id_number",
        json!("003185001234"),
    );
    let e = only_error(&doc, "general.citizen_id_number");
    assert!(e.message.contains("mã tỉnh"), "{}", e.message);
}

#[test]
fn national_id_must_match_gender() {
    let mut doc = sample_record();
    set(&mut doc, "general", None, "gender", json!("nam"));
    let errs = errors(&doc);
    // Both the CCCD and the dossier id (same number) disagree with the declared sex.
    assert_eq!(errs.len(), 2, "{errs}");
    let e = errs.at("general.citizen_id_number").next().unwrap();
    assert_eq!(e.label, "Số CCCD");
    assert_eq!(
        e.message,
        "Số CCCD: số định danh 020*******34 ứng với giới tính Nữ, không khớp với giới tính đã khai (Nam)."
    );
    assert!(
        !errs.to_string().contains("020185001234"),
        "the number leaks: {errs}"
    );
    assert!(errs.at("identity.dossier_id").next().is_some());
}

#[test]
fn the_salary_coefficient_is_the_tables_for_the_grade_and_step() {
    // 01.002 (chuyên viên chính, A2.1) bậc 3 = 5,08: the sample is right.
    assert!(validate(&sample_record()).is_ok());
    let mut doc = sample_record();
    set(&mut doc, "salary", None, "salary_coefficient", json!(3.99));
    let e = only_error(&doc, "salary.salary_coefficient");
    assert_eq!(
        e.message,
        "Hệ số lương: 3,99 không đúng bảng lương: bậc 3 của Chuyên viên chính có hệ số 5,08 (NĐ 204/2004/NĐ-CP)."
    );
    // A step the scale does not have (A2.1 has 8).
    let mut doc = sample_record();
    set(&mut doc, "salary", None, "salary_step", json!(9));
    let e = only_error(&doc, "salary.salary_step");
    assert!(
        e.message
            .contains("bậc 9 không có trong thang lương của Chuyên viên chính (từ bậc 1 đến bậc 8"),
        "{}",
        e.message
    );
    // In the salary history too, row by row: row 2 is 01.003 bậc 4 = 3,33.
    let mut doc = sample_record();
    set(
        &mut doc,
        "salary_history",
        Some(1),
        "salary_coefficient",
        json!(3.34),
    );
    let e = only_error(&doc, "salary_history[1].salary_coefficient");
    assert!(e.message.contains("có hệ số 3,33"), "{}", e.message);
    // A grade whose salary group is not known is not judged.
    let mut doc = sample_record();
    for (field, value) in [
        ("rank_or_title_code", json!("khong_co_ma_nay")),
        ("salary_coefficient", json!(3.99)),
    ] {
        set(&mut doc, "salary", None, field, value);
    }
    assert!(
        errors(&doc)
            .at("salary.salary_coefficient")
            .next()
            .is_none(),
        "{}",
        errors(&doc)
    );
}

#[test]
fn phone_numbers_and_social_insurance_codes_have_their_shapes_and_are_kept_as_digits() {
    use super::TextFormat;
    for typed in [
        "0987 654 321",
        "0987.654.321",
        "+84 987 654 321",
        "84987654321",
        "(0987) 654-321",
    ] {
        assert_eq!(
            TextFormat::Phone.normalise(typed).as_deref(),
            Ok("0987654321"),
            "{typed}"
        );
    }
    // A landline: 11 digits from 02.
    assert_eq!(
        TextFormat::Phone.normalise("0263 3822 123").as_deref(),
        Ok("02633822123")
    );
    for wrong in [
        "12345",
        "0987 654 32",
        "0263 382 212",
        "09876543210",
        "0987 654 321 (cơ quan)",
    ] {
        assert!(TextFormat::Phone.normalise(wrong).is_err(), "{wrong}");
    }
    assert_eq!(
        TextFormat::SocialInsuranceCode
            .normalise("20 1234 5678")
            .as_deref(),
        Ok("2012345678")
    );
    assert!(TextFormat::SocialInsuranceCode.normalise("12345").is_err());

    // The validator names a wrong one; a spaced one is valid and written as digits.
    let mut doc = sample_record();
    set(&mut doc, "general", None, "phone", json!("12345"));
    let e = only_error(&doc, "general.phone");
    assert!(
        e.message
            .starts_with("SĐT liên hệ: “12345” không phải số điện thoại"),
        "{}",
        e.message
    );
    let mut doc = sample_record();
    set(&mut doc, "general", None, "phone", json!("+84 912 345 678"));
    set(
        &mut doc,
        "general",
        None,
        "social_insurance_number",
        json!("20 1234 5678"),
    );
    assert!(validate(&doc).is_ok());
    schema().normalise(&mut doc);
    assert_eq!(doc["general"]["phone"], "0912345678");
    assert_eq!(doc["general"]["social_insurance_number"], "2012345678");
    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "social_insurance_number",
        json!("BH-123"),
    );
    assert!(
        only_error(&doc, "general.social_insurance_number")
            .message
            .contains("10 chữ số")
    );
}

#[test]
fn national_id_must_match_birth_year() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "date_of_birth",
        json!("1986-03-12"),
    );
    let errs = errors(&doc);
    let e = errs.at("general.citizen_id_number").next().unwrap();
    assert!(e.message.contains("năm sinh 1985"), "{}", e.message);
    assert!(e.message.contains("(1986)"), "{}", e.message);
}

#[test]
fn from_after_to_in_a_training_row() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "professional_trainings",
        Some(1),
        "from",
        json!("2014-11"),
    );
    let e = only_error(&doc, "professional_trainings[1].to");
    assert_eq!(e.label, "Đến (tháng/năm)");
    assert_eq!(
        e.message,
        "Quá trình đào tạo chuyên môn (từ trung cấp trở lên cả trong nước và nước ngoài), dòng 2 — \
         Đến (tháng/năm): 10/2014 không được trước Từ (tháng/năm) (11/2014)."
    );
    // Same month is fine.
    set(
        &mut doc,
        "professional_trainings",
        Some(1),
        "from",
        json!("2014-10"),
    );
    validate(&doc).unwrap();
}

#[test]
fn date_order_between_sections() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "political",
        None,
        "party_official_date",
        json!("2010-05-18"),
    );
    let e = only_error(&doc, "political.party_official_date");
    assert_eq!(
        e.message,
        "Ngày chính thức: 18/05/2010 không được trước Ngày vào Đảng Cộng sản Việt Nam (19/05/2010)."
    );
}

#[test]
fn nobody_is_recruited_before_fifteen() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "recruitment",
        None,
        "first_recruitment_date",
        json!("2000-03-11"),
    );
    set(
        &mut doc,
        "recruitment",
        None,
        "current_agency_join_date",
        json!("2000-03-11"),
    );
    let errs = errors(&doc);
    let e = errs
        .at("recruitment.first_recruitment_date")
        .next()
        .unwrap();
    assert_eq!(
        e.message,
        "Ngày được tuyển dụng lần đầu: 11/03/2000 phải sau Ngày sinh (12/03/1985) ít nhất 15 năm."
    );
    // The 15th birthday itself is fine.
    set(
        &mut doc,
        "recruitment",
        None,
        "first_recruitment_date",
        json!("2000-03-12"),
    );
    set(
        &mut doc,
        "recruitment",
        None,
        "current_agency_join_date",
        json!("2000-03-12"),
    );
    validate(&doc).unwrap();

    // Month precision against a date: work from 02/2000 for someone born 12/03/1985.
    let mut doc = sample_record();
    set(&mut doc, "work_history", Some(0), "from", json!("2000-02"));
    only_error(&doc, "work_history[0].from");
    set(&mut doc, "work_history", Some(0), "from", json!("2000-03"));
    validate(&doc).unwrap();
}

#[test]
fn required_field_missing() {
    let mut doc = sample_record();
    remove(&mut doc, "general", "date_of_birth");
    let errs = errors(&doc);
    let e = errs.at("general.date_of_birth").next().unwrap();
    assert_eq!(e.message, "Ngày sinh: chưa khai (trường bắt buộc).");
    assert_eq!(
        errs.len(),
        1,
        "rules needing the birth date are skipped: {errs}"
    );

    let mut doc = sample_record();
    set(&mut doc, "general", None, "birth_full_name", json!("   "));
    only_error(&doc, "general.birth_full_name");

    let mut doc = sample_record();
    set(
        &mut doc,
        "family_members",
        Some(1),
        "relationship",
        Value::Null,
    );
    let e = only_error(&doc, "family_members[1].relationship");
    assert_eq!(
        e.message,
        "Quan hệ gia đình, dòng 2 — Mối quan hệ: chưa khai (trường bắt buộc)."
    );

    // A missing section means all of its required fields are missing.
    let mut doc = sample_record();
    doc.remove("recruitment");
    let errs = errors(&doc);
    assert_eq!(errs.len(), 3, "{errs}");
}

#[test]
fn conditional_requirements() {
    let mut doc = sample_record();
    remove(&mut doc, "political", "party_admission_date");
    let e = only_error(&doc, "political.party_admission_date");
    assert_eq!(
        e.message,
        "Ngày vào Đảng Cộng sản Việt Nam: chưa khai (bắt buộc khi Ngày chính thức đã khai)."
    );

    let mut doc = sample_record();
    set(
        &mut doc,
        "political",
        None,
        "military_discharge_date",
        json!("2005-01-01"),
    );
    let errs = errors(&doc);
    assert!(
        errs.at("political.military_enlistment_date")
            .next()
            .is_some(),
        "{errs}"
    );

    let mut doc = sample_record();
    set(
        &mut doc,
        "political",
        None,
        "military_enlistment_date",
        json!("2003-01-01"),
    );
    let e = only_error(&doc, "political.highest_military_rank");
    assert!(e.message.contains("bắt buộc khi Ngày nhập ngũ đã khai"));

    let mut doc = sample_record();
    remove(&mut doc, "salary", "rank_or_title_code");
    let errs = errors(&doc);
    let e = errs.at("salary.rank_or_title_code").next().unwrap();
    assert_eq!(
        e.message,
        "Mã số ngạch/chức danh nghề nghiệp: chưa khai (bắt buộc khi Đối tượng là Công chức)."
    );

    // Cán bộ need no rank; contract workers need a contract.
    let mut doc = sample_record();
    set(
        &mut doc,
        "identity",
        None,
        "personnel_category",
        json!("cadre"),
    );
    doc.remove("salary");
    validate(&doc).unwrap();

    let mut doc = sample_contract_worker_record();
    doc.remove("contract");
    let errs = errors(&doc);
    assert_eq!(errs.len(), 7, "{errs}");
    assert!(errs.iter().all(|e| e.path.starts_with("contract.")));

    let mut doc = sample_contract_worker_record();
    remove(&mut doc, "contract", "contract_end_date");
    only_error(&doc, "contract.contract_end_date");
    set(
        &mut doc,
        "contract",
        None,
        "labor_contract_type",
        json!("khong_xac_dinh_thoi_han"),
    );
    validate(&doc).unwrap();

    // Row-scoped: Party discipline needs its form.
    let mut doc = sample_record();
    doc.insert(
        "disciplinary_records".into(),
        json!([
            {"from": "2019-01", "to": "2019-12", "discipline_system": "hanh_chinh", "discipline_form": "khien_trach"},
            {"from": "2019-01", "discipline_system": "dang"}
        ]),
    );
    let e = only_error(&doc, "disciplinary_records[1].party_discipline_form");
    assert!(
        e.message
            .contains("bắt buộc khi Loại kỷ luật là Kỷ luật Đảng"),
        "{}",
        e.message
    );
}

#[test]
fn numbers_out_of_range() {
    let cases: [(&str, &str, Value, &str); 8] = [
        (
            "salary",
            "salary_step",
            json!(17),
            "giá trị 17 nằm ngoài khoảng cho phép (1–16).",
        ),
        ("salary", "salary_step", json!(0), "(1–16)"),
        (
            "salary",
            "salary_coefficient",
            json!(15.5),
            "giá trị 15,5 nằm ngoài khoảng cho phép (0,01–15).",
        ),
        ("salary", "salary_coefficient", json!(0), "(0,01–15)"),
        (
            "salary",
            "salary_coefficient",
            json!(2.345),
            "tối đa 2 chữ số thập phân (đang là 2,345)",
        ),
        (
            "salary",
            "salary_percent",
            json!(101),
            "101% nằm ngoài khoảng cho phép (0–100%).",
        ),
        ("health", "height_cm", json!(251), "(50–250)"),
        (
            "economic",
            "household_income_salary",
            json!(-1),
            "không được âm",
        ),
    ];
    for (section, field, value, needle) in cases {
        let mut doc = sample_record();
        set(&mut doc, section, None, field, value);
        let e = only_error(&doc, &format!("{section}.{field}"));
        assert!(e.message.contains(needle), "{}", e.message);
    }
    let mut doc = sample_record();
    set(
        &mut doc,
        "salary",
        None,
        "beyond_scale_seniority_percent",
        json!(100),
    );
    set(&mut doc, "salary", None, "salary_coefficient", json!(15));
    // The bounds themselves are allowed; 15 is then judged against the salary table.
    let errs = errors(&doc);
    assert_eq!(errs.len(), 1, "{errs}");
    assert!(errs.to_string().contains("không đúng bảng lương"), "{errs}");
}

#[test]
fn text_too_long() {
    let mut doc = sample_record();
    set(&mut doc, "general", None, "phone", json!("0".repeat(21)));
    let e = only_error(&doc, "general.phone");
    assert_eq!(
        e.message,
        "SĐT liên hệ: dài 21 ký tự, vượt quá tối đa 20 ký tự."
    );
    // Counted in characters, not bytes.
    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "birth_full_name",
        json!("Đ".repeat(100)),
    );
    validate(&doc).unwrap();
}

#[test]
fn addresses() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "hometown",
        json!({"province_code": "99", "commune": "X"}),
    );
    let e = only_error(&doc, "general.hometown");
    assert!(e.message.contains("mã tỉnh \"99\""), "{}", e.message);

    // Pre-2025 province codes are accepted (Hà Giang).
    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "hometown",
        json!({"province_code": "02"}),
    );
    validate(&doc).unwrap();

    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "place_of_birth",
        json!({"commune": "Xã Tân Thành"}),
    );
    let e = only_error(&doc, "general.place_of_birth");
    assert!(e.message.contains("detail"), "{}", e.message);

    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "place_of_birth",
        json!({"detail": "x", "street": "y"}),
    );
    only_error(&doc, "general.place_of_birth");
}

#[test]
fn unique_years() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "party_member_ratings",
        Some(1),
        "year",
        json!(2023),
    );
    let e = only_error(&doc, "party_member_ratings[1].year");
    assert_eq!(
        e.message,
        "Xếp loại chất lượng đảng viên, dòng 2 — Năm: 2023 trùng với dòng 1."
    );
}

#[test]
fn all_problems_are_collected_and_displayed() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "date_of_birth",
        json!("2023-02-30"),
    );
    set(&mut doc, "general", None, "ethnicity_code", json!("99"));
    set(&mut doc, "general", None, "nickname", json!("x"));
    remove(&mut doc, "general", "birth_full_name");
    set(
        &mut doc,
        "professional_trainings",
        Some(0),
        "to",
        json!("2001-01"),
    );
    let errs = errors(&doc);
    assert_eq!(errs.len(), 5, "{errs}");
    let text = errs.to_string();
    assert_eq!(text.lines().count(), 5);
    assert!(text.contains("Ngày sinh: ngày 30/02/2023 không tồn tại."));
    let boxed: Box<dyn std::error::Error> = Box::new(errs.clone());
    assert_eq!(boxed.to_string(), text);
    assert_eq!((&errs).into_iter().count(), 5);
}

// ─────────────────────────────────────────────────────────────────────────── projection, redaction

#[test]
fn projection_extracts_the_columns() {
    let p = schema().project(&sample_record());
    assert_eq!(p.full_name, "NGUYỄN THỊ LAN");
    let text = |s: &str| Some(ProjectedValue::Text(s.into()));
    let values: Vec<(&str, Option<ProjectedValue>)> = p
        .cells
        .iter()
        .map(|c| (c.column.as_str(), c.value.clone()))
        .collect();
    assert_eq!(
        values,
        [
            ("personnel_category", text("civil_servant")),
            ("gender", text("nu")),
            ("date_of_birth", text("1985-03-12")),
            ("ethnicity", text("02")),
            ("religion", text("00")),
            ("first_recruitment_date", text("2008-09-01")),
            ("party_admission_date", text("2010-05-19")),
            ("highest_qualification", text("thac_si")),
            ("political_theory", text("cao_cap")),
            ("state_management", text("chuyen_vien_chinh")),
            (
                "current_position",
                text("Phó Trưởng phòng Công chức, viên chức")
            ),
            ("rank_or_title_code", text("01.002")),
            ("rank_appointment_date", text("2019-12-01")),
            ("salary_step", Some(ProjectedValue::Integer(3))),
            ("salary_coefficient", Some(ProjectedValue::Integer(508))),
            ("beyond_scale_percent", None),
            ("position_allowance", Some(ProjectedValue::Integer(30))),
        ]
    );
    // An empty record still has every column, empty: writing it clears them.
    let empty = schema().project(&RecordDoc::new());
    assert_eq!(empty.full_name, "");
    assert_eq!(empty.cells.len(), p.cells.len());
    assert!(empty.cells.iter().all(|c| c.value.is_none()));

    let mut doc = sample_record();
    set(&mut doc, "salary", None, "salary_coefficient", json!(2.34));
    set(
        &mut doc,
        "general",
        None,
        "date_of_birth",
        json!("1985-02-30"),
    );
    let p = schema().project(&doc);
    assert_eq!(
        p.value("salary_coefficient"),
        Some(&ProjectedValue::Integer(234))
    );
    assert_eq!(p.value("date_of_birth"), None);
    // The số định danh is never projected in clear.
    assert!(!serde_json::to_string(&p).unwrap().contains("020185001234"));
}

#[test]
fn history_projection_dates_every_row() {
    let mut doc = sample_record();
    doc.insert(
        "salary_history".into(),
        json!([
            { "from": "2008-09", "to": "2011-08", "rank_or_title_code": "01.003",
              "salary_step": 1, "salary_coefficient": 2.34 },
            { "from": "2024-02", "rank_or_title_code": "01.002", "salary_step": 3,
              "salary_coefficient": 5.08 },
        ]),
    );
    doc.insert(
        "annual_achievements".into(),
        json!([{ "year": 2024, "performance_rating": "htxs" }]),
    );
    doc.insert(
        "family_members".into(),
        json!([{ "relationship": "cha", "birth_year": 1950 }]),
    );
    let rows = schema().project_history(&doc);
    let salary: Vec<_> = rows
        .iter()
        .filter(|r| r.section == "salary_history")
        .collect();
    assert_eq!(salary.len(), 2);
    assert_eq!(salary[0].row_no, 0);
    assert_eq!(salary[0].valid_from.as_deref(), Some("2008-09-01"));
    assert_eq!(salary[0].valid_to.as_deref(), Some("2011-08-31"));
    assert_eq!(salary[1].valid_to, None);
    let cell = |r: &HistoryRow, c: &str| {
        r.cells
            .iter()
            .find(|x| x.column == c)
            .and_then(|x| x.value.clone())
    };
    assert_eq!(
        cell(salary[0], "salary_coefficient"),
        Some(ProjectedValue::Integer(234))
    );
    assert_eq!(
        cell(salary[1], "rank_or_title_code"),
        Some(ProjectedValue::Text("01.002".into()))
    );
    let year = rows
        .iter()
        .find(|r| r.section == "annual_achievements")
        .unwrap();
    assert_eq!(year.valid_from.as_deref(), Some("2024-01-01"));
    assert_eq!(year.valid_to.as_deref(), Some("2024-12-31"));
    assert_eq!(cell(year, "year"), Some(ProjectedValue::Integer(2024)));
    // A section without a period still has its rows, undated.
    let family = rows.iter().find(|r| r.section == "family_members").unwrap();
    assert_eq!(
        (family.valid_from.clone(), family.valid_to.clone()),
        (None, None)
    );
    assert_eq!(
        cell(family, "birth_year"),
        Some(ProjectedValue::Integer(1950))
    );
    // February of a leap year ends on the 29th.
    doc.insert(
        "salary_history".into(),
        json!([{ "from": "2020-01", "to": "2024-02" }]),
    );
    let rows = schema().project_history(&doc);
    let r = rows.iter().find(|r| r.section == "salary_history").unwrap();
    assert_eq!(r.valid_to.as_deref(), Some("2024-02-29"));
}

#[test]
fn redaction_for_internal_clearance_drops_secret_and_confidential() {
    let doc = sample_record();
    let r = schema().redact(&doc, AccessLevel::Internal);
    assert!(!r.contains_key("health"));
    assert!(!r.contains_key("personal_history"));
    assert!(!r.contains_key("former_regime_service"));
    assert!(!r.contains_key("economic"));
    let general = r["general"].as_object().unwrap();
    assert_eq!(general["birth_full_name"], json!("NGUYỄN THỊ LAN"));
    assert!(general.contains_key("date_of_birth"));
    assert!(!general.contains_key("citizen_id_number"));
    assert!(!general.contains_key("phone"));
    assert!(!general.contains_key("current_address"));
    assert!(r["identity"].get("dossier_id").is_none());
    assert_eq!(r["salary"]["salary_coefficient"], json!(5.08));
    let family = r["family_members"].as_array().unwrap();
    assert_eq!(family.len(), 5, "rows are kept");
    assert_eq!(family[0]["full_name"], json!("Nguyễn Văn Hùng"));
    assert!(family[0].get("details").is_none());
    assert!(family[0].get("sociopolitical_membership").is_none());
    assert!(family[0].get("residence").is_none());
    // Nothing left above the clearance, anywhere.
    for (key, value) in &r {
        let section = schema().section(key).unwrap();
        let rows: Vec<&Value> = match value {
            Value::Array(rows) => rows.iter().collect(),
            v => vec![v],
        };
        for row in rows {
            for k in row.as_object().unwrap().keys() {
                assert!(
                    section.field(k).unwrap().access <= AccessLevel::Internal,
                    "{key}.{k}"
                );
            }
        }
    }
}

#[test]
fn redaction_by_level() {
    let doc = sample_record();
    let secret = schema().redact(&doc, AccessLevel::Secret);
    assert_eq!(secret, doc);

    let public = schema().redact(&doc, AccessLevel::Public);
    let keys: Vec<&str> = public.keys().map(String::as_str).collect();
    assert_eq!(keys, ["identity", "general", "position", "salary"]);
    let general: Vec<&str> = public["general"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(general, ["birth_full_name", "gender"]);
    assert!(public["salary"].get("job_position_name").is_some());
    assert!(public["salary"].get("salary_step").is_none());

    let confidential = schema().redact(&doc, AccessLevel::Confidential);
    assert!(confidential["general"].get("citizen_id_number").is_some());
    assert!(confidential.get("health").is_none());

    // Unknown sections and fields never pass redaction.
    let mut doc = sample_record();
    doc.insert("hobbies".into(), json!({"x": 1}));
    set(&mut doc, "general", None, "nickname", json!("x"));
    let r = schema().redact(&doc, AccessLevel::Secret);
    assert!(!r.contains_key("hobbies"));
    assert!(r["general"].get("nickname").is_none());
}

// ─────────────────────────────────────────────────────────────────────────── versions, migration

/// The fields every schema version must give a role (the application needs them).
macro_rules! core_section {
    () => {
        r#"
[[sections]]
id = "core"
label = "Lõi"
access = "public"
fields = [
  { id = "dossier", role = "dossier_id", system = true, label = "Mã hồ sơ", type = "national_id" },
  { id = "agency", role = "managing_agency", system = true, label = "Cơ quan quản lý", type = "org_unit" },
  { id = "unit", role = "employing_unit", system = true, label = "Đơn vị sử dụng", type = "org_unit" },
  { id = "category", role = "personnel_category", label = "Đối tượng", type = "choice", choices = [ { code = "civil_servant", label = "Công chức" } ] },
  { id = "display", role = "display_name", label = "Tên gọi", type = "text" },
  { id = "sex", role = "sex", label = "Giới tính", type = "gender" },
  { id = "born", role = "birth_date", label = "Ngày sinh", type = "date" },
  { id = "cccd", role = "national_id", label = "Số định danh", type = "national_id" },
]
"#
    };
}

const V1: &str = concat!(
    r#"
version = "v1"
effective_from = 2020-01-01
title = "Một"
"#,
    core_section!(),
    r#"
[[sections]]
id = "general"
label = "Chung"
access = "internal"
fields = [
  { id = "name", label = "Tên", type = "text", required = "yes" },
  { id = "mobile", label = "Di động", type = "text" },
  { id = "fax", label = "Fax", type = "text" },
]

[[sections]]
id = "contact"
label = "Liên lạc"
access = "confidential"
fields = [ { id = "email", label = "Email", type = "text" } ]

[[sections]]
id = "history"
label = "Quá trình"
repeating = true
access = "internal"
fields = [
  { id = "start", label = "Từ", type = "month_year" },
  { id = "unit", label = "Đơn vị", type = "text" },
]
"#
);

const V2: &str = concat!(
    r#"
version = "v2"
effective_from = 2026-07-01
title = "Hai"
predecessor = "v1"
"#,
    core_section!(),
    r#"
[[sections]]
id = "general"
label = "Chung"
access = "internal"
fields = [ { id = "full_name", label = "Họ và tên", type = "text", required = "yes" } ]

[[sections]]
id = "contact"
label = "Liên lạc"
access = "confidential"
fields = [
  { id = "email", label = "Email", type = "text" },
  { id = "phone", label = "Điện thoại", type = "text" },
]

[[sections]]
id = "history"
label = "Quá trình"
repeating = true
access = "internal"
fields = [
  { id = "from", label = "Từ", type = "month_year" },
  { id = "unit", label = "Đơn vị", type = "text" },
]

[[changes]]
kind = "rename"
section = "general"
from = "name"
to = "full_name"

[[changes]]
kind = "move"
from_section = "general"
from_field = "mobile"
to_section = "contact"
to_field = "phone"

[[changes]]
kind = "retire"
section = "general"
field = "fax"

[[changes]]
kind = "rename"
section = "history"
from = "start"
to = "from"
"#
);

#[test]
fn migration_renames_moves_and_retires() {
    let set = SchemaSet::from_sources(&[V2, V1]).unwrap();
    assert_eq!(set.latest().version, "v2");
    assert_eq!(set.versions()[0].version, "v1");
    assert_eq!(set.for_date(date!(2026 - 06 - 30)).version, "v1");
    assert_eq!(set.for_date(date!(2026 - 07 - 01)).version, "v2");
    assert_eq!(set.for_date(date!(2000 - 01 - 01)).version, "v1");
    assert!(set.get("v3").is_none());

    let old = match json!({
        "general": {"name": "An", "mobile": "0912", "fax": "024"},
        "history": [{"start": "2001-01", "unit": "A"}, {"unit": "B"}]
    }) {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    let new = set.migrate(old.clone(), "v1").unwrap();
    assert_eq!(
        Value::Object(new.clone()),
        json!({
            "general": {"full_name": "An"},
            "history": [{"from": "2001-01", "unit": "A"}, {"unit": "B"}],
            "contact": {"phone": "0912"}
        })
    );
    let cats = Catalogs::default();
    set.latest().validate(&new, &cats, TODAY).unwrap();
    assert!(set.get("v1").unwrap().validate(&new, &cats, TODAY).is_err());
    // Already current: unchanged.
    assert_eq!(set.migrate(new.clone(), "v2").unwrap(), new);
    assert_eq!(set.migrate_to(old.clone(), "v1", "v1").unwrap(), old);
    assert_eq!(
        set.migrate(old.clone(), "v0"),
        Err(SchemaError::UnknownVersion("v0".into()))
    );
    assert!(set.migrate_to(new, "v2", "v1").is_err());
}

#[test]
fn a_hypothetical_nd27_version_migrates_the_sample_record() {
    // NĐ 27/2026 stand-in: tt06-2023 with `other_names` renamed to `aliases`, `email` moved to
    // the identity header and `permanent_residence_legacy` retired.
    let base = include_str!("../../data/schema/tt06-2023.toml");
    let next = base
        .replace(
            "version = \"tt06-2023\"\neffective_from = 2023-05-05",
            "version = \"nd27-2026\"\neffective_from = 2026-07-01\npredecessor = \"tt06-2023\"",
        )
        .replace("{ id = \"other_names\",", "{ id = \"aliases\",")
        .replace(
            "  { id = \"email\", label = \"Email\", type = \"text\", max_len = 254, access = \"confidential\" },\n",
            "",
        )
        .replace(
            "  { id = \"personnel_number\",",
            "  { id = \"email\", label = \"Thư điện tử\", type = \"text\", access = \"confidential\" },\n  { id = \"personnel_number\",",
        )
        .lines()
        .filter(|l| !l.contains("id = \"permanent_residence_legacy\""))
        .collect::<Vec<_>>()
        .join("\n")
        + r#"

[[changes]]
kind = "rename"
section = "general"
from = "other_names"
to = "aliases"

[[changes]]
kind = "move"
from_section = "general"
from_field = "email"
to_section = "identity"
to_field = "email"

[[changes]]
kind = "retire"
section = "general"
field = "permanent_residence_legacy"
"#;
    let set = SchemaSet::from_sources(&[base, &next]).unwrap();
    assert_eq!(set.latest().version, "nd27-2026");
    assert_eq!(set.for_date(date!(2026 - 06 - 30)).version, "tt06-2023");
    let migrated = set.migrate(sample_record(), "tt06-2023").unwrap();
    assert_eq!(migrated["general"]["aliases"], json!("Lan Anh"));
    assert!(migrated["general"].get("other_names").is_none());
    assert!(
        migrated["general"]
            .get("permanent_residence_legacy")
            .is_none()
    );
    assert_eq!(
        migrated["identity"]["email"],
        json!("lan.nt@langson.gov.vn")
    );
    if let Err(e) = set.latest().validate(&migrated, cats(), TODAY) {
        panic!("migrated record invalid under nd27-2026:\n{e}");
    }
    // The unmigrated record is not valid under the new version.
    assert!(
        set.latest()
            .validate(&sample_record(), cats(), TODAY)
            .is_err()
    );
}

#[test]
fn invalid_schema_files_are_rejected() {
    let bad_toml = SchemaSet::from_sources(&["version = "]).unwrap_err();
    assert!(matches!(bad_toml, SchemaError::Toml(_)));

    let expect_invalid =
        |text: String, needle: &str| match SchemaSet::from_sources(&[text.as_str()]) {
            Err(SchemaError::Invalid { message, .. }) => {
                assert!(message.contains(needle), "{message}")
            }
            other => panic!("expected invalid ({needle}), got {other:?}"),
        };
    expect_invalid(
        V1.replace(
            "{ id = \"fax\", label = \"Fax\", type = \"text\" }",
            "{ id = \"fax\", label = \"Fax\", type = \"catalog\", catalog = { name = \"khong_co\" } }",
        ),
        "khong_co",
    );
    expect_invalid(
        V1.replace(
            "type = \"text\" },\n  { id = \"fax\"",
            "type = \"catalog\" },\n  { id = \"fax\"",
        ),
        "catalog",
    );
    expect_invalid(V1.replace("id = \"fax\"", "id = \"mobile\""), "hai lần");
    expect_invalid(
        V1.replace("access = \"confidential\"\n", ""),
        "thiếu access",
    );
    expect_invalid(
        format!(
            "{V1}\n[[rules]]\nkind = \"not_before\"\nearlier = \"general.name\"\nlater = \"history[].start\"\n"
        ),
        "không phải ngày tháng",
    );
    expect_invalid(
        format!("{V1}\n[[rules]]\nkind = \"unique\"\nfield = \"history.start\"\n"),
        "mục lặp",
    );
    expect_invalid(
        format!("{V1}\n[[rules]]\nkind = \"unique\"\nfield = \"history[].nope\"\n"),
        "không có trường",
    );
    // Projections: a usable column name, a kind a column holds, nothing sealed, once in
    // `persons`, one kind per history column, periods on temporal fields of the section.
    for (field, with) in [
        (
            "{ id = \"name\", label = \"Tên\", type = \"text\"",
            "projection = \"Name\"",
        ),
        (
            "{ id = \"name\", label = \"Tên\", type = \"text\"",
            "projection = \"unit_id\"",
        ),
        (
            "{ id = \"name\", label = \"Tên\", type = \"text\"",
            "projection = \"x; drop\"",
        ),
        (
            "{ id = \"email\", label = \"Email\", type = \"text\"",
            "encrypted = true, projection = \"email\"",
        ),
    ] {
        expect_invalid(V1.replace(field, &format!("{field}, {with}")), "projection");
    }
    expect_invalid(
        V1.replace(
            "{ id = \"mobile\", label = \"Di động\", type = \"text\"",
            "{ id = \"mobile\", label = \"Di động\", type = \"text\", projection = \"phone\"",
        )
        .replace(
            "{ id = \"fax\", label = \"Fax\", type = \"text\"",
            "{ id = \"fax\", label = \"Fax\", type = \"text\", projection = \"phone\"",
        ),
        "khai hai lần",
    );
    expect_invalid(
        V1.replace(
            "repeating = true\naccess = \"internal\"",
            "repeating = true\nperiod = { from = \"nope\" }\naccess = \"internal\"",
        ),
        "period",
    );
    expect_invalid(
        V1.replace(
            "id = \"contact\"\nlabel = \"Liên lạc\"",
            "id = \"contact\"\nlabel = \"Liên lạc\"\nperiod = { from = \"email\" }",
        ),
        "period",
    );
    // A decision is dated by date fields of its own repeating section, numbered by a text one.
    for dating in [
        "{ date = \"nope\" }",
        "{ date = \"start\" }",
        "{ date = \"on\", number = \"start\" }",
    ] {
        expect_invalid(
            V1.replace(
                "repeating = true\naccess = \"internal\"",
                &format!("repeating = true\ndecision = {dating}\naccess = \"internal\""),
            )
            .replace(
                "  { id = \"unit\", label = \"Đơn vị\", type = \"text\" },",
                "  { id = \"unit\", label = \"Đơn vị\", type = \"text\" },\n  { id = \"on\", label = \"Ngày\", type = \"date\" },",
            ),
            "decision",
        );
    }
    expect_invalid(
        V1.replace(
            "id = \"contact\"\nlabel = \"Liên lạc\"",
            "id = \"contact\"\nlabel = \"Liên lạc\"\ndecision = { date = \"email\" }",
        ),
        "decision",
    );
    // Roles: the kind must fit, once each, on single sections, system roles on system fields,
    // and every role the application needs present.
    expect_invalid(
        V1.replace(
            "{ id = \"display\", role = \"display_name\",",
            "{ id = \"display\",",
        ),
        "role display_name",
    );
    expect_invalid(
        V1.replace(
            "{ id = \"unit\", label = \"Đơn vị\",",
            "{ id = \"unit\", role = \"current_position\", label = \"Đơn vị\",",
        ),
        "role current_position",
    );
    expect_invalid(
        V1.replace(
            "{ id = \"fax\",",
            "{ id = \"fax\", role = \"display_name\",",
        ),
        "khai hai lần",
    );
    expect_invalid(
        V1.replace("role = \"sex\"", "role = \"birth_date\""),
        "role birth_date không hợp",
    );
    expect_invalid(
        V1.replace(
            "role = \"employing_unit\", system = true",
            "role = \"employing_unit\"",
        ),
        "system = true",
    );
    // Predecessor chain and changes.
    let wrong_pred = V2.replace("predecessor = \"v1\"", "predecessor = \"v0\"");
    assert!(matches!(
        SchemaSet::from_sources(&[V1, &wrong_pred]),
        Err(SchemaError::Invalid { .. })
    ));
    let bad_change = V2.replace("field = \"fax\"", "field = \"telex\"");
    match SchemaSet::from_sources(&[V1, &bad_change]) {
        Err(SchemaError::Invalid { message, .. }) => assert!(message.contains("general.telex")),
        other => panic!("{other:?}"),
    }
    let bad_target = V2.replace("to_field = \"phone\"", "to_field = \"mobile_phone\"");
    assert!(SchemaSet::from_sources(&[V1, &bad_target]).is_err());
    assert!(SchemaSet::from_sources(&[]).is_err());
}

#[test]
fn code_finds_fields_by_role() {
    let schema = schema();
    let doc = sample_record();
    let (section, field) = schema.role_field(FieldRole::NationalId).unwrap();
    assert_eq!(
        (section.id.as_str(), field.id.as_str()),
        ("general", "citizen_id_number")
    );
    assert_eq!(
        schema.role_text(&doc, FieldRole::NationalId),
        doc["general"]["citizen_id_number"].as_str()
    );
    assert_eq!(
        schema.role_text(&doc, FieldRole::DisplayName),
        doc["general"]["birth_full_name"].as_str()
    );
    for role in FieldRole::ALL {
        let (section, field) = schema
            .role_field(role)
            .unwrap_or_else(|| panic!("tt06-2023 declares {}", role.as_str()));
        assert!(!section.repeating);
        assert_eq!(field.system, role.is_system(), "{}", role.as_str());
    }

    // Setting creates the section, keeps other fields, and a default never overwrites.
    let mut doc = RecordDoc::new();
    assert!(schema.set_role_value(&mut doc, FieldRole::EmployingUnit, json!(7)));
    assert!(schema.default_role_value(&mut doc, FieldRole::ManagingAgency, json!(3)));
    assert!(schema.default_role_value(&mut doc, FieldRole::ManagingAgency, json!(4)));
    assert!(schema.set_role_value(&mut doc, FieldRole::EmployingUnit, json!(8)));
    assert_eq!(
        Value::Object(doc.clone()),
        json!({"identity": {"employing_unit": 8, "managing_agency": 3}})
    );
    // A section of the wrong shape is left for validation to report.
    doc.insert("general".into(), json!("x"));
    assert!(!schema.set_role_value(&mut doc, FieldRole::DisplayName, json!("An")));
    assert_eq!(doc["general"], json!("x"));
    assert_eq!(schema.role_value(&doc, FieldRole::DisplayName), None);
}

#[test]
fn an_import_may_leave_required_fields_missing_but_no_value_wrong() {
    let schema = SchemaSet::embedded().latest();
    let catalogs = Catalogs::embedded_static();
    let today = time::macros::date!(2026 - 06 - 01);
    let mut doc = sample_record();
    doc["general"]
        .as_object_mut()
        .unwrap()
        .remove("ethnicity_code");
    assert!(schema.validate(&doc, catalogs, today).is_err());
    let missing = schema
        .validate_incomplete(&doc, catalogs, today, true)
        .unwrap();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].path, "general.ethnicity_code");
    // Not allowed: the same missing field is an error.
    assert!(
        schema
            .validate_incomplete(&doc, catalogs, today, false)
            .is_err()
    );
    doc["general"]["date_of_birth"] = serde_json::Value::from("1985-02-31");
    assert!(
        schema
            .validate_incomplete(&doc, catalogs, today, true)
            .is_err()
    );
}

// ─────────────────────────────────────────────────────────────────────────── clean text

#[test]
fn control_characters_are_refused_in_text_and_line_breaks_only_in_multiline_fields() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "birth_full_name",
        json!("NGUYỄN\u{0}THỊ LAN"),
    );
    let e = only_error(&doc, "general.birth_full_name");
    assert!(
        e.message.contains("ký tự điều khiển U+0000"),
        "{}",
        e.message
    );

    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "birth_full_name",
        json!("NGUYỄN\nTHỊ LAN"),
    );
    only_error(&doc, "general.birth_full_name");

    let mut doc = sample_record();
    set(
        &mut doc,
        "general",
        None,
        "place_of_birth",
        json!({"province_code": "20", "commune": "Xã\u{1b}Hoàng Đồng"}),
    );
    only_error(&doc, "general.place_of_birth");

    let mut doc = sample_record();
    set(
        &mut doc,
        "personal_history",
        None,
        "arrest_detention_history",
        json!("Dòng một\r\nDòng hai\tcột"),
    );
    validate(&doc).expect("line breaks and tabs are allowed in a multi-line field");
}

// ─────────────────────────────────────────────────────────────────────────── bounded work

#[test]
fn a_repeating_section_holds_at_most_its_declared_rows() {
    let section = schema().section("family_members").unwrap();
    assert_eq!(section.max_rows, 100, "declared in the TOML");
    let mut doc = sample_record();
    let row = doc["family_members"][0].clone();
    doc.insert(
        "family_members".into(),
        Value::Array(vec![row; section.max_rows + 1]),
    );
    let e = only_error(&doc, "family_members");
    assert!(e.message.contains("tối đa 100 dòng"), "{}", e.message);
}

#[test]
fn validation_lists_at_most_a_hundred_problems_and_counts_the_rest() {
    let mut doc = sample_record();
    let rows: Vec<Value> = (0..60).map(|_| json!({"x": 1, "y": 2, "z": 3})).collect();
    doc.insert("family_members".into(), Value::Array(rows));
    let errs = errors(&doc);
    assert_eq!(errs.errors.len(), MAX_LISTED_ERRORS);
    assert!(
        errs.total() >= 180,
        "three unknown fields a row: {}",
        errs.total()
    );
    assert_eq!(errs.more, errs.total() - MAX_LISTED_ERRORS);
    assert!(
        errs.to_string()
            .ends_with(&format!("… và {} lỗi khác.", errs.more))
    );
}

#[test]
fn the_identification_code_is_a_personal_id_number_and_is_never_repeated_in_its_message() {
    let mut doc = sample_record();
    set(
        &mut doc,
        "identity",
        None,
        "identification_code",
        json!("12345"),
    );
    let e = only_error(&doc, "identity.identification_code");
    assert!(e.message.contains("12 chữ số"), "{}", e.message);
    assert!(!e.message.contains("12345"), "{}", e.message);
    let mut doc = sample_record();
    set(
        &mut doc,
        "identity",
        None,
        "identification_code",
        json!("999185001234"),
    );
    assert!(
        only_error(&doc, "identity.identification_code")
            .message
            .contains("mã tỉnh")
    );
    let mut doc = sample_record();
    set(
        &mut doc,
        "identity",
        None,
        "identification_code",
        json!("020 185 001 234"),
    );
    assert!(validate(&doc).is_ok());
    schema().normalise(&mut doc);
    assert_eq!(doc["identity"]["identification_code"], "020185001234");
}

#[test]
fn the_contract_section_is_about_contract_workers_unless_it_holds_something() {
    let schema = schema();
    let contract = schema.section("contract").unwrap();
    let general = schema.section("general").unwrap();
    let mut doc = sample_record();
    set(
        &mut doc,
        "identity",
        None,
        "personnel_category",
        json!("civil_servant"),
    );
    doc.remove("contract");
    assert!(!schema.section_applies(contract, &doc));
    assert!(schema.section_applies(general, &doc));
    set(
        &mut doc,
        "identity",
        None,
        "personnel_category",
        json!("contract_worker"),
    );
    assert!(schema.section_applies(contract, &doc));
    // A công chức who kept a contract from before still sees it.
    set(
        &mut doc,
        "identity",
        None,
        "personnel_category",
        json!("civil_servant"),
    );
    doc.insert(
        "contract".into(),
        json!({ "contract_kind": "hop_dong_lao_dong" }),
    );
    assert!(schema.section_applies(contract, &doc));
    // Without a category every section shows.
    let mut doc = sample_record();
    doc.remove("contract");
    doc["identity"]
        .as_object_mut()
        .unwrap()
        .remove("personnel_category");
    assert!(schema.section_applies(contract, &doc));
}

#[test]
fn a_section_may_only_apply_to_categories_the_schema_knows() {
    let text = include_str!("../../data/schema/tt06-2023.toml").replace(
        "applies_to = [\"contract_worker\"]",
        "applies_to = [\"hop_dong\"]",
    );
    let err = RecordSchema::from_toml(&text).unwrap_err().to_string();
    assert!(err.contains("applies_to \"hop_dong\""), "{err}");
}

#[test]
fn decisions_added_are_the_new_dated_rows_starting_on_the_later_date() {
    let doc = |events: Value, awards: Value| -> RecordDoc {
        let mut d = RecordDoc::new();
        d.insert("personnel_events".into(), events);
        d.insert("annual_achievements".into(), awards);
        d
    };
    let appointed = json!({ "event_type": "bo_nhiem", "decision_number": "12/QĐ-UBND", "decision_date": "2026-03-02", "effective_date": "2026-03-16" });
    let moved = json!({ "event_type": "dieu_dong", "decision_date": "2026-05-04", "effective_date": "2026-05-04" });
    let award = json!({ "year": 2025, "decision_date": "2026-01-20" });
    let before = doc(json!([appointed.clone()]), json!([]));
    // Nothing new: the same rows, reordered or with other fields edited.
    assert!(schema().decisions_added(&before, &before).is_empty());
    let mut edited = appointed.clone();
    edited["note"] = json!("Bổ nhiệm lần đầu");
    assert!(
        schema()
            .decisions_added(&before, &doc(json!([edited]), json!([])))
            .is_empty()
    );
    // New rows, each starting on the later of its decision and its effect; an award has only
    // its decision date; a row with no date at all starts nothing.
    let after = doc(
        json!([moved.clone(), appointed.clone(), { "event_type": "khac" }]),
        json!([award]),
    );
    assert_eq!(
        schema().decisions_added(&before, &after),
        vec![date!(2026 - 01 - 20), date!(2026 - 05 - 04)]
    );
    // A second decision dated like one already there is still a new one.
    let twice = doc(json!([appointed.clone(), appointed.clone()]), json!([]));
    assert_eq!(
        schema().decisions_added(&before, &twice),
        vec![date!(2026 - 03 - 16)]
    );
    // A date corrected is the same decision: by its number (other fields edited too), or
    // without one by all its other fields; so is a date filled in later.
    let mut corrected = appointed.clone();
    corrected["effective_date"] = json!("2026-03-17");
    corrected["note"] = json!("Sửa ngày hiệu lực");
    assert!(
        schema()
            .decisions_added(&before, &doc(json!([corrected.clone()]), json!([])))
            .is_empty()
    );
    let unnumbered = json!({ "event_type": "dieu_dong", "position": "Chuyên viên" });
    let mut dated = unnumbered.clone();
    dated["decision_date"] = json!("2026-04-01");
    assert!(
        schema()
            .decisions_added(
                &doc(json!([unnumbered.clone()]), json!([])),
                &doc(json!([dated.clone()]), json!([]))
            )
            .is_empty()
    );
    let mut redated = dated.clone();
    redated["decision_date"] = json!("2026-04-02");
    assert!(
        schema()
            .decisions_added(
                &doc(json!([dated.clone()]), json!([])),
                &doc(json!([redated]), json!([]))
            )
            .is_empty()
    );
    // Another number with another date, in place of the old row, is another decision.
    let mut other = corrected;
    other["decision_number"] = json!("40/QĐ-UBND");
    other["effective_date"] = json!("2026-06-01");
    assert_eq!(
        schema().decisions_added(&before, &doc(json!([other]), json!([]))),
        vec![date!(2026 - 06 - 01)]
    );
    // The same dating in another section is another decision.
    let award_same_day = json!({ "year": 2026, "decision_date": "2026-03-16" });
    assert_eq!(
        schema().decisions_added(&before, &doc(json!([appointed]), json!([award_same_day]))),
        vec![date!(2026 - 03 - 16)]
    );
}
