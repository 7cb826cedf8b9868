//! Complete, valid record documents for tests (here and in other crates) and demos.
//!
//! Every date lies on or before 2025-06-10, so the fixtures validate for any `today` after that.
//!
//! [`RecordBuilder`] starts from one of the samples and changes what a test cares about:
//!
//! ```
//! use hoso_domain::schema::fixtures::RecordBuilder;
//!
//! let record = RecordBuilder::civil_servant()
//!     .national_id("020170004321")
//!     .born("1970-06-15")
//!     .name("TRẦN THỊ THƯ")
//!     .build();
//! assert_eq!(record["general"]["date_of_birth"], "1970-06-15");
//! ```

use serde_json::{Value, json};

use super::{FieldRole, RecordDoc, RecordSchema, SchemaSet};

fn into_doc(v: Value) -> RecordDoc {
    match v {
        Value::Object(map) => map,
        _ => unreachable!("fixtures are JSON objects"),
    }
}

/// A civil servant (công chức) of Lạng Sơn with every section of the tt06-2023 schema filled
/// except `contract` (see [`sample_contract_worker_record`]). Số định danh `020185001234`
/// (province 020, female, born 1985).
pub fn sample_record() -> RecordDoc {
    into_doc(json!({
        "identity": {
            "dossier_id": "020185001234",
            "managing_agency": 1,
            "employing_unit": 12,
            "personnel_number": "LS-000123",
            "identification_code": "020185001234",
            "photo": "att-photo-0001",
            "personnel_category": "civil_servant"
        },
        "general": {
            "birth_full_name": "NGUYỄN THỊ LAN",
            "gender": "nu",
            "other_names": "Lan Anh",
            "date_of_birth": "1985-03-12",
            "place_of_birth": {"province_code": "20", "commune": "Xã Hoàng Đồng", "detail": "Thôn Nà Chuông"},
            "hometown": {"province_code": "20", "commune": "Phường Tam Thanh"},
            "ethnicity_code": "02",
            "religion_code": "00",
            "citizen_id_number": "020185001234",
            "citizen_id_issue_date": "2021-06-15",
            "phone": "0912345678",
            "social_insurance_number": "2012345678",
            "health_insurance_card_number": "GD4202012345678",
            "current_address": {"province_code": "20", "commune": "Phường Lương Văn Tri", "detail": "Số 5 đường Bà Triệu"},
            "permanent_residence_legacy": {"detail": "Khối 3, phường Chi Lăng, thành phố Lạng Sơn, tỉnh Lạng Sơn"},
            "family_social_origin": "Nông dân",
            "email": "lan.nt@langson.gov.vn"
        },
        "recruitment": {
            "occupation_before_recruitment": "Sinh viên",
            "first_recruitment_date": "2008-09-01",
            "first_recruitment_agency": "Sở Nội vụ tỉnh Lạng Sơn",
            "current_agency_join_date": "2008-09-01"
        },
        "personnel_events": [
            {
                "event_type": "tuyen_dung",
                "decision_number": "123/QĐ-SNV",
                "decision_date": "2008-08-20",
                "effective_date": "2008-09-01",
                "to_unit": "Sở Nội vụ tỉnh Lạng Sơn",
                "position": "Chuyên viên"
            },
            {
                "event_type": "bo_nhiem",
                "decision_number": "45/QĐ-UBND",
                "decision_date": "2020-02-20",
                "effective_date": "2020-03-01",
                "position": "Phó Trưởng phòng Công chức, viên chức",
                "note": "Thời hạn 5 năm"
            }
        ],
        "political": {
            "party_admission_date": "2010-05-19",
            "party_official_date": "2011-05-19",
            "first_sociopolitical_org_join_date": "2000-03-26",
            "first_sociopolitical_org_name": "Đoàn TNCS Hồ Chí Minh",
            "policy_beneficiary_type": "Con thương binh"
        },
        "qualifications": {
            "general_education_level": "12_12",
            "general_education_system": "chinh_quy",
            "highest_qualification_level": "thac_si",
            "highest_qualification_major": "Quản lý công",
            "state_honorary_titles": [],
            "political_theory_level": "cao_cap",
            "state_management_training_level": "chuyen_vien_chinh",
            "foreign_language_summary": "Tiếng Anh bậc 3 (B1)",
            "it_skill_summary": "Chuẩn kỹ năng sử dụng công nghệ thông tin cơ bản"
        },
        "position": {
            "current_position": "Phó Trưởng phòng Công chức, viên chức",
            "position_appointment_date": "2020-03-01",
            "planned_positions": "Trưởng phòng Công chức, viên chức",
            "current_party_position": "Chi ủy viên",
            "main_assigned_duties": "Quản lý hồ sơ, cơ sở dữ liệu cán bộ, công chức, viên chức của tỉnh",
            "work_strengths": "Tổ chức cán bộ",
            "longest_held_job": "Quản lý hồ sơ công chức"
        },
        "salary": {
            "rank_or_title_name": "Chuyên viên chính",
            "rank_or_title_code": "01.002",
            "rank_appointment_date": "2019-12-01",
            "salary_step": 3,
            "salary_coefficient": 5.08,
            "salary_effective_date": "2024-12-01",
            "salary_percent": 100,
            "position_allowance_coefficient": 0.3,
            "job_position_name": "Phó Trưởng phòng",
            "job_position_code": "VTVL-LĐ-05"
        },
        "health": {
            "health_status": "Tốt",
            "height_cm": 158,
            "weight_kg": 52.5,
            "blood_type": "O+"
        },
        "professional_trainings": [
            {
                "from": "2003-09", "to": "2007-06",
                "institution": "Học viện Hành chính Quốc gia",
                "major": "Hành chính học", "training_mode": "Chính quy", "degree_level": "dai_hoc"
            },
            {
                "from": "2012-09", "to": "2014-10",
                "institution": "Học viện Hành chính Quốc gia",
                "major": "Quản lý công", "training_mode": "Vừa làm vừa học", "degree_level": "thac_si"
            }
        ],
        "political_theory_trainings": [
            {
                "from": "2016-03", "to": "2017-09",
                "institution": "Học viện Chính trị khu vực I",
                "training_mode": "Tập trung", "certificate": "cao_cap"
            }
        ],
        "management_trainings": [
            {
                "from": "2018-05", "to": "2018-07",
                "institution": "Trường Chính trị Hoàng Văn Thụ",
                "certificate": "Chứng chỉ bồi dưỡng ngạch Chuyên viên chính"
            }
        ],
        "defense_security_trainings": [
            {
                "from": "2019-04", "to": "2019-05",
                "institution": "Bộ Chỉ huy Quân sự tỉnh Lạng Sơn",
                "certificate": "Chứng chỉ bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4"
            }
        ],
        "it_trainings": [
            {
                "from": "2010-06", "to": "2010-08",
                "institution": "Trung tâm Tin học tỉnh Lạng Sơn",
                "certificate": "Chứng chỉ ứng dụng công nghệ thông tin cơ bản"
            }
        ],
        "language_trainings": [
            {
                "from": "2011-01", "to": "2011-06",
                "institution": "Trường Đại học Sư phạm – Đại học Thái Nguyên",
                "language": "Tiếng Anh", "certificate": "Bậc 3 (B1)", "score": "6,0"
            }
        ],
        "work_history": [
            {"from": "2008-09", "to": "2020-02", "unit": "Phòng Công chức, viên chức – Sở Nội vụ tỉnh Lạng Sơn", "title_or_position": "Chuyên viên"},
            {"from": "2020-03", "unit": "Phòng Công chức, viên chức – Sở Nội vụ tỉnh Lạng Sơn", "title_or_position": "Phó Trưởng phòng"}
        ],
        "personal_history": {
            "arrest_detention_history": "Không",
            "relatives_abroad": "Không"
        },
        "former_regime_service": [],
        "foreign_organization_ties": [],
        "annual_achievements": [
            {
                "year": 2023, "performance_rating": "htxsnv", "emulation_title": "chien_si_thi_dua_co_so",
                "award_forms": ["giay_khen"], "decision_number": "12/QĐ-SNV", "decision_date": "2024-01-15"
            },
            {"year": 2024, "performance_rating": "httnv", "emulation_title": "lao_dong_tien_tien"}
        ],
        "disciplinary_records": [],
        "party_member_ratings": [
            {"year": 2023, "rating": "htxsnv"},
            {"year": 2024, "rating": "httnv"}
        ],
        "family_members": [
            {
                "side": "ban_than", "relationship": "cha", "full_name": "Nguyễn Văn Hùng", "birth_year": 1955,
                "details": "Quê Lạng Sơn; nghỉ hưu, nguyên cán bộ Ủy ban nhân dân huyện Cao Lộc; đảng viên",
                "hometown": "Lạng Sơn", "occupation": "Nghỉ hưu", "residence": "Lạng Sơn",
                "sociopolitical_membership": "Hội Cựu chiến binh"
            },
            {
                "side": "ban_than", "relationship": "me", "full_name": "Hoàng Thị Mai", "birth_year": 1958,
                "hometown": "Lạng Sơn", "occupation": "Nông dân", "residence": "Lạng Sơn"
            },
            {
                "side": "ban_than", "relationship": "vo_hoac_chong", "full_name": "Trần Văn Nam", "birth_year": 1983,
                "occupation": "Giáo viên", "workplace": "Trường THPT Việt Bắc", "residence": "Lạng Sơn"
            },
            {
                "side": "ban_than", "relationship": "con", "full_name": "Trần Minh Anh", "birth_year": 2012,
                "occupation": "Học sinh", "residence": "Lạng Sơn"
            },
            {
                "side": "ben_vo_chong", "relationship": "cha_ben_vo_chong", "full_name": "Trần Văn Bình",
                "birth_year": 1950, "hometown": "Bắc Ninh", "is_deceased": true
            }
        ],
        "salary_history": [
            {"from": "2008-09", "to": "2011-08", "rank_or_title_code": "01.003", "salary_step": 1, "salary_coefficient": 2.34},
            {"from": "2011-09", "to": "2019-11", "rank_or_title_code": "01.003", "salary_step": 4, "salary_coefficient": 3.33},
            {"from": "2019-12", "to": "2024-11", "rank_or_title_code": "01.002", "salary_step": 2, "salary_coefficient": 4.74},
            {"from": "2024-12", "rank_or_title_code": "01.002", "salary_step": 3, "salary_coefficient": 5.08}
        ],
        "allowance_history": [
            {"from": "2020-03", "allowance_type": "Phụ cấp chức vụ", "coefficient": 0.3, "payment_form": "Hằng tháng"}
        ],
        "economic": {
            "household_income_salary": 240000000,
            "household_income_other": "Không",
            "housing_owned_type": "Nhà cấp 4",
            "housing_owned_area_m2": 85.5,
            "housing_owned_certificate": "Đã được cấp",
            "residential_land_purchased_m2": 120,
            "residential_land_purchased_certificate": "Đã được cấp"
        },
        "assessment": {
            "employer_assessment": "Hoàn thành tốt nhiệm vụ được giao; có phẩm chất chính trị vững vàng.",
            "declarant_signature": "att-sign-0001",
            "declaration_date": "2025-06-01",
            "approver_signature": "att-sign-0002",
            "approval_date": "2025-06-10",
            "approving_unit": "Sở Nội vụ tỉnh Lạng Sơn"
        }
    }))
}

/// A contract worker (driver under a fixed-term labour contract) with the `contract` section
/// filled; số định danh `020090000777` (male, born 1990).
pub fn sample_contract_worker_record() -> RecordDoc {
    let mut doc = sample_record();
    let set = |doc: &mut RecordDoc, section: &str, field: &str, value: Value| {
        if let Some(Value::Object(obj)) = doc.get_mut(section) {
            obj.insert(field.to_owned(), value);
        }
    };
    for (section, field, value) in [
        ("identity", "dossier_id", json!("020090000777")),
        ("identity", "identification_code", json!("020090000777")),
        ("identity", "personnel_category", json!("contract_worker")),
        ("general", "birth_full_name", json!("LÝ VĂN TÙNG")),
        ("general", "gender", json!("nam")),
        ("general", "date_of_birth", json!("1990-11-02")),
        ("general", "citizen_id_number", json!("020090000777")),
        ("recruitment", "first_recruitment_date", json!("2015-03-01")),
        (
            "recruitment",
            "current_agency_join_date",
            json!("2015-03-01"),
        ),
    ] {
        set(&mut doc, section, field, value);
    }
    for key in [
        "salary",
        "political",
        "personnel_events",
        "professional_trainings",
        "political_theory_trainings",
        "management_trainings",
        "work_history",
        "salary_history",
        "allowance_history",
        "annual_achievements",
        "party_member_ratings",
        "family_members",
    ] {
        doc.remove(key);
    }
    if let Some(Value::Object(pos)) = doc.get_mut("position") {
        pos.clear();
        pos.insert(
            "main_assigned_duties".into(),
            json!("Lái xe phục vụ công tác"),
        );
    }
    doc.insert(
        "contract".into(),
        json!({
            "contract_kind": "hop_dong_lao_dong",
            "labor_contract_type": "xac_dinh_thoi_han",
            "contracted_work_category": "lai_xe",
            "contract_number": "07/2025/HĐLĐ",
            "signing_date": "2025-02-25",
            "status": "dang_hieu_luc",
            "employer_name": "Sở Nội vụ tỉnh Lạng Sơn",
            "employer_address": "Số 2 đường Hùng Vương, phường Lương Văn Tri, tỉnh Lạng Sơn",
            "employer_signatory_name": "Hoàng Văn Minh",
            "employer_signatory_title": "Giám đốc Sở",
            "job_description": "Lái xe ô tô phục vụ công tác của cơ quan",
            "work_location": "Trụ sở Sở Nội vụ tỉnh Lạng Sơn",
            "contract_start_date": "2025-03-01",
            "contract_end_date": "2028-02-29",
            "contract_duration_months": 36,
            "wage_amount": 6500000,
            "wage_payment_form": "theo_thoi_gian",
            "wage_payment_period": "Hằng tháng, trước ngày 10",
            "working_hours": "8 giờ/ngày, 40 giờ/tuần",
            "social_insurance_terms": "Tham gia BHXH, BHYT, BHTN theo quy định"
        }),
    );
    doc
}

/// A record for a test: one of the samples with the fields the test cares about changed.
///
/// The setters named after a meaning (`national_id`, `name`, `born`…) go through the latest
/// schema's field roles ([`FieldRole`]), so they keep working when a field is renamed; `set`
/// and `push_row` reach any other field. Nothing is checked while building: a test that wants
/// a valid record keeps the số định danh consistent with the sex and the year of birth it sets
/// (digit 4 is the sex and century, digits 5–6 the year: `020170…` is a woman born in 1970).
#[derive(Debug, Clone)]
pub struct RecordBuilder {
    doc: RecordDoc,
}

impl RecordBuilder {
    /// From [`sample_record`]: a civil servant, every section but `contract` filled.
    pub fn civil_servant() -> RecordBuilder {
        RecordBuilder {
            doc: sample_record(),
        }
    }

    /// From [`sample_contract_worker_record`]: a contract worker with its `contract` section.
    pub fn contract_worker() -> RecordBuilder {
        RecordBuilder {
            doc: sample_contract_worker_record(),
        }
    }

    fn schema() -> &'static RecordSchema {
        SchemaSet::embedded().latest()
    }

    /// Sets the field playing `role`.
    ///
    /// # Panics
    /// If the latest schema has no field playing `role`.
    pub fn role(mut self, role: FieldRole, value: impl Into<Value>) -> RecordBuilder {
        assert!(
            Self::schema().set_role_value(&mut self.doc, role, value.into()),
            "the latest schema has no field playing {role:?}"
        );
        self
    }

    /// The số định danh cá nhân, and the dossier id (the same number, NĐ 27/2026). The
    /// identification code follows too when it held the old number, as in the samples.
    pub fn national_id(mut self, id: &str) -> RecordBuilder {
        let old = Self::schema()
            .role_value(&self.doc, FieldRole::NationalId)
            .cloned();
        if let Some(code) = self
            .doc
            .get_mut("identity")
            .and_then(|identity| identity.get_mut("identification_code"))
            && old.as_ref() == Some(&*code)
        {
            *code = Value::from(id);
        }
        self.role(FieldRole::NationalId, id)
            .role(FieldRole::DossierId, id)
    }

    /// The name shown for the person (the birth name, in capitals on the form).
    pub fn name(self, name: &str) -> RecordBuilder {
        self.role(FieldRole::DisplayName, name)
    }

    /// The date of birth, ISO (`1970-06-15`).
    pub fn born(self, date: &str) -> RecordBuilder {
        self.role(FieldRole::BirthDate, date)
    }

    /// The sex: `"nam"` or `"nu"`.
    pub fn sex(self, sex: &str) -> RecordBuilder {
        self.role(FieldRole::Sex, sex)
    }

    /// The personnel category: `"civil_servant"`, `"public_employee"`, `"contract_worker"`…
    pub fn category(self, category: &str) -> RecordBuilder {
        self.role(FieldRole::PersonnelCategory, category)
    }

    /// The code of the rank (ngạch) or professional title (`01.002`, `V.08.01.03`…).
    pub fn rank(self, code: &str) -> RecordBuilder {
        self.role(FieldRole::RankOrTitle, code)
    }

    /// The current salary step and its coefficient.
    pub fn salary(self, step: u32, coefficient: f64) -> RecordBuilder {
        self.role(FieldRole::SalaryStep, step)
            .role(FieldRole::SalaryCoefficient, coefficient)
    }

    /// The current position (chức vụ).
    pub fn position(self, position: &str) -> RecordBuilder {
        self.role(FieldRole::CurrentPosition, position)
    }

    /// Sets `field` of the single section `section`, creating the section if it is missing.
    ///
    /// # Panics
    /// If `section` holds something other than an object (a repeating section).
    pub fn set(mut self, section: &str, field: &str, value: Value) -> RecordBuilder {
        let object = self
            .doc
            .entry(section)
            .or_insert_with(|| Value::Object(Default::default()))
            .as_object_mut()
            .unwrap_or_else(|| panic!("{section} is not a single section"));
        object.insert(field.to_owned(), value);
        self
    }

    /// Appends `row` to the repeating section `section`, creating the section if it is missing.
    ///
    /// # Panics
    /// If `section` holds something other than an array (a single section).
    pub fn push_row(mut self, section: &str, row: Value) -> RecordBuilder {
        self.doc
            .entry(section)
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .unwrap_or_else(|| panic!("{section} is not a repeating section"))
            .push(row);
        self
    }

    /// Leaves `section` out of the record.
    pub fn without(mut self, section: &str) -> RecordBuilder {
        self.doc.remove(section);
        self
    }

    pub fn build(self) -> RecordDoc {
        self.doc
    }
}
