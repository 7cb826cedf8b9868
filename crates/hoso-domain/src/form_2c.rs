//! The layout of the sơ yếu lý lịch as printed, mẫu 2C-BNV/2008 (QĐ 02/2008/QĐ-BNV; layout in
//! `shared/domain/reports.md` §3.1, mapping to the schema in `record-schema.md` §18): which
//! fields of the record schema each numbered item prints, in the form's order.
//!
//! The labels are the schema's: an item names fields and sections, never their words. Only
//! what the schema does not hold is written here: the item numbers, the form's title, mark,
//! the heading of item 27 (which gathers six sections) and the certification block. Every
//! path is declared once ([`ITEMS`]) and a test holds every schema version to them.

/// Where a numbered item takes its heading from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heading {
    /// No heading: the item is its fields' labels and values on one line.
    None,
    /// The label of a schema section.
    Section(&'static str),
    /// The form's own words (no section holds them).
    Form(&'static str),
}

/// A column of a printed table: a field of the table's section, and fields of the same row
/// whose values are appended to its cell (mẫu 2C prints "quê quán, nghề nghiệp, …" in one
/// column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub field: &'static str,
    pub also: &'static [&'static str],
}

const fn col(field: &'static str) -> Column {
    Column { field, also: &[] }
}

/// A table of a repeating section, optionally only the rows whose `field` has the choice
/// `code` (captioned with that choice's label); otherwise captioned with the section's label
/// when `caption` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSpec {
    pub section: &'static str,
    pub columns: &'static [Column],
    pub rows_where: Option<(&'static str, &'static str)>,
    pub caption: bool,
}

const fn table(section: &'static str, columns: &'static [Column], caption: bool) -> TableSpec {
    TableSpec {
        section,
        columns,
        rows_where: None,
        caption,
    }
}

/// A numbered item of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub number: &'static str,
    pub heading: Heading,
    /// `(section, field)` of single sections, printed "label: value".
    pub fields: &'static [(&'static str, &'static str)],
    /// `(section, field)` of long texts, printed as paragraphs under their label.
    pub texts: &'static [(&'static str, &'static str)],
    pub tables: &'static [TableSpec],
}

const fn fields(number: &'static str, fields: &'static [(&'static str, &'static str)]) -> Item {
    Item {
        number,
        heading: Heading::None,
        fields,
        texts: &[],
        tables: &[],
    }
}

pub const TITLE: &str = "SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC";
pub const FORM_MARK: &str = "Mẫu 2C-BNV/2008";
/// The fields printed top left, before the title.
pub const HEADER: &[(&str, &str)] = &[
    ("identity", "managing_agency"),
    ("identity", "employing_unit"),
    ("identity", "personnel_number"),
];
/// The photo box: its text is this field's label.
pub const PHOTO: (&str, &str) = ("identity", "photo");
/// The date on the place-and-date line.
pub const DECLARATION_DATE: (&str, &str) = ("assessment", "declaration_date");
pub const DECLARANT: (&str, &str) = (
    "Người khai",
    "Tôi xin cam đoan những lời khai trên đây là đúng sự thật (Ký tên, ghi rõ họ tên)",
);
pub const HEAD_OF_UNIT: (&str, &str) = (
    "Thủ trưởng cơ quan, đơn vị quản lý và sử dụng CBCC",
    "(Ký tên, đóng dấu)",
);

const PERIOD: [Column; 2] = [col("from"), col("to")];

/// Items 1–32, in the form's order.
pub const ITEMS: &[Item] = &[
    fields(
        "1",
        &[("general", "birth_full_name"), ("general", "gender")],
    ),
    fields("2", &[("general", "other_names")]),
    fields("3", &[("general", "date_of_birth")]),
    fields("4", &[("general", "place_of_birth")]),
    fields("5", &[("general", "hometown")]),
    fields("6", &[("general", "ethnicity_code")]),
    fields("7", &[("general", "religion_code")]),
    fields("8", &[("general", "permanent_residence_legacy")]),
    fields("9", &[("general", "current_address")]),
    fields("10", &[("recruitment", "occupation_before_recruitment")]),
    fields(
        "11",
        &[
            ("recruitment", "first_recruitment_date"),
            ("recruitment", "first_recruitment_agency"),
        ],
    ),
    fields(
        "12",
        &[
            ("position", "current_position"),
            ("position", "concurrent_positions"),
            ("position", "current_party_position"),
            ("position", "concurrent_party_positions"),
        ],
    ),
    fields("13", &[("position", "main_assigned_duties")]),
    fields(
        "14",
        &[
            ("salary", "rank_or_title_name"),
            ("salary", "rank_or_title_code"),
            ("salary", "salary_step"),
            ("salary", "salary_coefficient"),
            ("salary", "salary_effective_date"),
            ("salary", "position_allowance_coefficient"),
            ("salary", "other_allowances"),
        ],
    ),
    fields(
        "15.1",
        &[
            ("qualifications", "general_education_level"),
            ("qualifications", "general_education_system"),
        ],
    ),
    fields(
        "15.2",
        &[
            ("qualifications", "highest_qualification_level"),
            ("qualifications", "highest_qualification_major"),
        ],
    ),
    fields("15.3", &[("qualifications", "political_theory_level")]),
    fields(
        "15.4",
        &[("qualifications", "state_management_training_level")],
    ),
    fields("15.5", &[("qualifications", "foreign_language_summary")]),
    fields("15.6", &[("qualifications", "it_skill_summary")]),
    fields(
        "16",
        &[
            ("political", "party_admission_date"),
            ("political", "party_official_date"),
        ],
    ),
    fields(
        "17",
        &[
            ("political", "first_sociopolitical_org_join_date"),
            ("political", "first_sociopolitical_org_name"),
        ],
    ),
    fields(
        "18",
        &[
            ("political", "military_enlistment_date"),
            ("political", "military_discharge_date"),
            ("political", "highest_military_rank"),
        ],
    ),
    fields("19", &[("qualifications", "state_honorary_titles")]),
    fields("20", &[("position", "work_strengths")]),
    Item {
        number: "21",
        heading: Heading::Section("annual_achievements"),
        fields: &[],
        texts: &[],
        tables: &[table(
            "annual_achievements",
            &[
                col("year"),
                col("performance_rating"),
                col("emulation_title"),
                col("award_forms"),
                col("decision_number"),
            ],
            false,
        )],
    },
    Item {
        number: "22",
        heading: Heading::Section("disciplinary_records"),
        fields: &[],
        texts: &[],
        tables: &[table(
            "disciplinary_records",
            &[
                PERIOD[0],
                PERIOD[1],
                col("discipline_form"),
                col("party_discipline_form"),
                col("main_violation"),
                col("deciding_authority"),
            ],
            false,
        )],
    },
    fields(
        "23",
        &[
            ("health", "health_status"),
            ("health", "height_cm"),
            ("health", "weight_kg"),
            ("health", "blood_type"),
        ],
    ),
    fields(
        "24",
        &[
            ("political", "war_invalid_grade"),
            ("political", "policy_beneficiary_type"),
        ],
    ),
    fields(
        "25",
        &[
            ("general", "citizen_id_number"),
            ("general", "citizen_id_issue_date"),
        ],
    ),
    fields("26", &[("general", "social_insurance_number")]),
    Item {
        number: "27",
        heading: Heading::Form(
            "Đào tạo, bồi dưỡng về chuyên môn, nghiệp vụ, lý luận chính trị, ngoại ngữ, tin học",
        ),
        fields: &[],
        texts: &[],
        tables: &[
            table(
                "professional_trainings",
                &[
                    col("institution"),
                    col("major"),
                    PERIOD[0],
                    PERIOD[1],
                    col("training_mode"),
                    col("degree_level"),
                ],
                true,
            ),
            table(
                "political_theory_trainings",
                &[
                    col("institution"),
                    PERIOD[0],
                    PERIOD[1],
                    col("training_mode"),
                    col("certificate"),
                ],
                true,
            ),
            table(
                "management_trainings",
                &[col("institution"), PERIOD[0], PERIOD[1], col("certificate")],
                true,
            ),
            table(
                "defense_security_trainings",
                &[col("institution"), PERIOD[0], PERIOD[1], col("certificate")],
                true,
            ),
            table(
                "it_trainings",
                &[col("institution"), PERIOD[0], PERIOD[1], col("certificate")],
                true,
            ),
            table(
                "language_trainings",
                &[
                    col("institution"),
                    col("language"),
                    PERIOD[0],
                    PERIOD[1],
                    col("certificate"),
                    col("score"),
                ],
                true,
            ),
        ],
    },
    Item {
        number: "28",
        heading: Heading::Section("work_history"),
        fields: &[],
        texts: &[],
        tables: &[table(
            "work_history",
            &[PERIOD[0], PERIOD[1], col("unit"), col("title_or_position")],
            false,
        )],
    },
    Item {
        number: "29",
        heading: Heading::Section("personal_history"),
        fields: &[],
        texts: &[
            ("personal_history", "arrest_detention_history"),
            ("personal_history", "relatives_abroad"),
        ],
        tables: &[
            table(
                "former_regime_service",
                &[PERIOD[0], PERIOD[1], col("position_and_place")],
                true,
            ),
            table(
                "foreign_organization_ties",
                &[PERIOD[0], PERIOD[1], col("organization_and_work")],
                true,
            ),
        ],
    },
    Item {
        number: "30",
        heading: Heading::Section("family_members"),
        fields: &[],
        texts: &[],
        tables: &[family_table("ban_than"), family_table("ben_vo_chong")],
    },
    Item {
        number: "31",
        heading: Heading::Section("salary_history"),
        fields: &[],
        texts: &[],
        tables: &[table(
            "salary_history",
            &[
                PERIOD[0],
                PERIOD[1],
                col("rank_or_title_code"),
                col("salary_step"),
                col("salary_coefficient"),
            ],
            false,
        )],
    },
    Item {
        number: "32",
        heading: Heading::Section("assessment"),
        fields: &[],
        texts: &[("assessment", "employer_assessment")],
        tables: &[],
    },
];

const FAMILY_COLUMNS: &[Column] = &[
    col("relationship"),
    col("full_name"),
    col("birth_year"),
    Column {
        field: "details",
        also: &[
            "hometown",
            "occupation",
            "workplace",
            "residence",
            "sociopolitical_membership",
            "former_regime_service",
            "criminal_record_note",
        ],
    },
];

const fn family_table(side: &'static str) -> TableSpec {
    TableSpec {
        section: "family_members",
        columns: FAMILY_COLUMNS,
        rows_where: Some(("side", side)),
        caption: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{FieldKind, SchemaSet};

    #[test]
    fn every_schema_version_has_the_fields_the_form_prints() {
        for schema in SchemaSet::embedded().versions() {
            let single = |(s, f): (&str, &str)| {
                let section = schema
                    .section(s)
                    .unwrap_or_else(|| panic!("{}: no section {s}", schema.version));
                assert!(!section.repeating, "{}: {s} repeats", schema.version);
                assert!(
                    schema.field(s, f).is_some(),
                    "{}: no field {s}.{f}",
                    schema.version
                );
            };
            HEADER.iter().copied().for_each(single);
            single(PHOTO);
            single(DECLARATION_DATE);
            let mut numbers = Vec::new();
            for item in ITEMS {
                numbers.push(item.number);
                item.fields.iter().copied().for_each(single);
                item.texts.iter().copied().for_each(single);
                if let Heading::Section(s) = item.heading {
                    assert!(
                        schema.section(s).is_some(),
                        "{}: no section {s}",
                        schema.version
                    );
                }
                for t in item.tables {
                    let section = schema
                        .section(t.section)
                        .unwrap_or_else(|| panic!("{}: no section {}", schema.version, t.section));
                    assert!(
                        section.repeating,
                        "{}: {} is not a table",
                        schema.version, t.section
                    );
                    for c in t.columns {
                        for f in std::iter::once(&c.field).chain(c.also) {
                            assert!(
                                section.field(f).is_some(),
                                "{}: no field {}.{f}",
                                schema.version,
                                t.section
                            );
                        }
                    }
                    if let Some((f, code)) = t.rows_where {
                        let field = section.field(f).expect("the filter's field");
                        assert_eq!(field.kind, FieldKind::Choice);
                        assert!(field.choice_label(code).is_some(), "no choice {code}");
                    }
                }
            }
            // Items 1–32 in order, 15 in its six parts.
            let expected: Vec<String> = (1..=32)
                .flat_map(|n| {
                    if n == 15 {
                        (1..=6).map(|p| format!("15.{p}")).collect::<Vec<_>>()
                    } else {
                        vec![n.to_string()]
                    }
                })
                .collect();
            assert_eq!(numbers, expected);
        }
    }
}
