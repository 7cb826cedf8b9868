//! The decisions and sheets the province prints from its own Word templates (issue 13 item 3):
//! which documents there are, and the fields each template may name.
//!
//! A template is a DOCX with `{{field}}` placeholders (Handlebars syntax, filled by the
//! server). Its vocabulary is fixed here, once: the fields of the document itself (the
//! decision's number, the new step…), the record's own fields as the schema names them
//! (`ho_so.<section>.<field>`, the single sections only), and for the hand-over sheet the
//! rows of its table (`{{#each nguoi}}…{{/each}}`). A template naming anything else is refused
//! when it is uploaded, with the field named, so that nothing prints blank by surprise.

use std::collections::BTreeSet;

use crate::schema::RecordSchema;

/// A printed decision or sheet the province can template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TemplateKind {
    /// Phiếu bàn giao tài khoản cá nhân: the activation codes of a unit's personal accounts.
    ActivationSheet,
    /// Quyết định điều động / luân chuyển / biệt phái.
    TransferDecision,
    /// Biên bản bàn giao hồ sơ between the sending and the receiving unit.
    TransferHandover,
    /// Quyết định nâng bậc lương thường xuyên.
    StepIncrease,
    /// Thông báo nghỉ hưu (NĐ 135/2020/NĐ-CP Điều 5 khoản 1: at least 6 months before).
    RetirementNotice,
}

/// A field a template may name, with what it prints (shown to whoever edits the template).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateField {
    pub name: &'static str,
    pub meaning: &'static str,
}

const fn f(name: &'static str, meaning: &'static str) -> TemplateField {
    TemplateField { name, meaning }
}

/// Fields every document has.
pub const COMMON_FIELDS: &[TemplateField] = &[
    f(
        "co_quan_cap_tren",
        "Cơ quan cấp trên của cơ quan ban hành (dòng đầu tiêu đề)",
    ),
    f("co_quan", "Cơ quan, đơn vị ban hành"),
    f(
        "ngay_lap",
        "Ngày lập văn bản, bằng chữ: “ngày 02 tháng 12 năm 2026”",
    ),
    f("ngay_lap_so", "Ngày lập văn bản: 02/12/2026"),
];

const DECISION_FIELDS: &[TemplateField] = &[
    f("so_quyet_dinh", "Số quyết định"),
    f("ngay_quyet_dinh", "Ngày ký quyết định (dd/mm/yyyy)"),
    f("nguoi_ky", "Người ký quyết định"),
    f("ngay_hieu_luc", "Ngày quyết định có hiệu lực (dd/mm/yyyy)"),
    f(
        "loai_bien_dong",
        "Hình thức: Điều động, Luân chuyển, Biệt phái…",
    ),
    f("don_vi_di", "Đơn vị chuyển đi"),
    f("don_vi_den", "Đơn vị tiếp nhận"),
    f(
        "chuc_vu_moi",
        "Chức vụ, vị trí tại đơn vị mới (trống nếu giữ nguyên)",
    ),
    f("ghi_chu", "Ghi chú của quyết định"),
    f("ho_ten", "Họ và tên của người được điều chuyển"),
];

const HANDOVER_FIELDS: &[TemplateField] = &[
    f("so_quyet_dinh", "Số quyết định điều chuyển"),
    f("ngay_quyet_dinh", "Ngày ký quyết định (dd/mm/yyyy)"),
    f("nguoi_ky", "Người ký quyết định"),
    f("ngay_hieu_luc", "Ngày quyết định có hiệu lực (dd/mm/yyyy)"),
    f(
        "loai_bien_dong",
        "Hình thức: Điều động, Luân chuyển, Biệt phái…",
    ),
    f("don_vi_di", "Đơn vị bàn giao hồ sơ"),
    f("don_vi_den", "Đơn vị nhận hồ sơ"),
    f("ho_ten", "Họ và tên của người có hồ sơ bàn giao"),
    f("phien_ban", "Số phiên bản hồ sơ được bàn giao"),
    f("ma_bam", "Mã băm SHA-256 của phiên bản hồ sơ được bàn giao"),
];

const STEP_FIELDS: &[TemplateField] = &[
    f("ho_ten", "Họ và tên"),
    f("ngach", "Tên ngạch, chức danh nghề nghiệp"),
    f("ma_ngach", "Mã ngạch, chức danh nghề nghiệp"),
    f("bac_hien_tai", "Bậc lương hiện hưởng"),
    f("he_so_hien_tai", "Hệ số lương hiện hưởng"),
    f(
        "ngay_huong_hien_tai",
        "Ngày hưởng bậc hiện tại (dd/mm/yyyy)",
    ),
    f("bac_moi", "Bậc lương được nâng"),
    f("he_so_moi", "Hệ số lương của bậc được nâng"),
    f(
        "ngay_huong_moi",
        "Ngày hưởng bậc mới (dd/mm/yyyy), theo quy tắc nâng bậc",
    ),
];

const RETIREMENT_FIELDS: &[TemplateField] = &[
    f("ho_ten", "Họ và tên"),
    f("ngay_sinh", "Ngày sinh (dd/mm/yyyy)"),
    f("gioi_tinh", "Giới tính"),
    f(
        "tuoi_nghi_huu",
        "Tuổi nghỉ hưu theo lộ trình: “60 tuổi 9 tháng”",
    ),
    f("thang_du_tuoi", "Tháng đủ tuổi nghỉ hưu (mm/yyyy)"),
    f(
        "ngay_nghi_huu",
        "Thời điểm nghỉ hưu (dd/mm/yyyy): ngày 01 của tháng liền kề sau tháng đủ tuổi",
    ),
    f(
        "han_thong_bao",
        "Hạn gửi thông báo (dd/mm/yyyy): 6 tháng trước thời điểm nghỉ hưu",
    ),
    f(
        "han_quyet_dinh",
        "Hạn ra quyết định nghỉ hưu (dd/mm/yyyy): 3 tháng trước thời điểm nghỉ hưu",
    ),
];

const SHEET_FIELDS: &[TemplateField] = &[
    f("don_vi", "Đơn vị của danh sách"),
    f("so_nguoi", "Số người trong danh sách"),
    f("trang_kich_hoat", "Địa chỉ trang kích hoạt tài khoản"),
];

/// The rows of the hand-over sheet's table: `{{#each nguoi}}…{{/each}}`.
pub const SHEET_LIST: &str = "nguoi";

const SHEET_ROW_FIELDS: &[TemplateField] = &[
    f("stt", "Số thứ tự"),
    f("ho_ten", "Họ và tên"),
    f("don_vi", "Đơn vị"),
    f("ten_dang_nhap", "Tên đăng nhập (số định danh)"),
    f("ma_kich_hoat", "Mã kích hoạt dùng một lần"),
    f("han_kich_hoat", "Hạn dùng mã kích hoạt (dd/mm/yyyy)"),
];

/// The prefix of the record's own fields: `ho_so.<section>.<field>`.
pub const RECORD_PREFIX: &str = "ho_so";

/// Helpers a template may call besides the fields (Handlebars' own blocks, and the one that
/// drops the table rows holding a loop's opening and closing tags).
const HELPERS: &[&str] = &[
    "each",
    "if",
    "unless",
    "with",
    "else",
    "removeTableRow",
    "eq",
    "ne",
    "upper",
    "lower",
    "len",
    "this",
];

impl TemplateKind {
    pub const ALL: [TemplateKind; 5] = [
        TemplateKind::ActivationSheet,
        TemplateKind::TransferDecision,
        TemplateKind::TransferHandover,
        TemplateKind::StepIncrease,
        TemplateKind::RetirementNotice,
    ];

    /// The kind in URLs and in the store.
    pub fn slug(self) -> &'static str {
        match self {
            TemplateKind::ActivationSheet => "phieu-ban-giao-tai-khoan",
            TemplateKind::TransferDecision => "quyet-dinh-dieu-dong",
            TemplateKind::TransferHandover => "bien-ban-ban-giao-ho-so",
            TemplateKind::StepIncrease => "quyet-dinh-nang-bac-luong",
            TemplateKind::RetirementNotice => "thong-bao-nghi-huu",
        }
    }

    pub fn parse(slug: &str) -> Option<TemplateKind> {
        TemplateKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            TemplateKind::ActivationSheet => "Phiếu bàn giao tài khoản cá nhân",
            TemplateKind::TransferDecision => "Quyết định điều động, luân chuyển, biệt phái",
            TemplateKind::TransferHandover => "Biên bản bàn giao hồ sơ",
            TemplateKind::StepIncrease => "Quyết định nâng bậc lương thường xuyên",
            TemplateKind::RetirementNotice => "Thông báo nghỉ hưu",
        }
    }

    /// Where the document is printed from, for the help text.
    pub fn printed_from_vi(self) -> &'static str {
        match self {
            TemplateKind::ActivationSheet => "Tài khoản cá nhân → cấp tài khoản cho đơn vị",
            TemplateKind::TransferDecision | TemplateKind::TransferHandover => {
                "Biến động → một quyết định điều chuyển"
            }
            TemplateKind::StepIncrease => "Hồ sơ → Văn bản → Quyết định nâng bậc lương",
            TemplateKind::RetirementNotice => "Hồ sơ → Văn bản → Thông báo nghỉ hưu",
        }
    }

    /// The document's own fields (besides [`COMMON_FIELDS`]).
    pub fn fields(self) -> &'static [TemplateField] {
        match self {
            TemplateKind::ActivationSheet => SHEET_FIELDS,
            TemplateKind::TransferDecision => DECISION_FIELDS,
            TemplateKind::TransferHandover => HANDOVER_FIELDS,
            TemplateKind::StepIncrease => STEP_FIELDS,
            TemplateKind::RetirementNotice => RETIREMENT_FIELDS,
        }
    }

    /// The list the document repeats, with the fields of one item.
    pub fn list(self) -> Option<(&'static str, &'static [TemplateField])> {
        (self == TemplateKind::ActivationSheet).then_some((SHEET_LIST, SHEET_ROW_FIELDS))
    }

    /// The document is about one record, whose fields it may print (`ho_so.…`).
    pub fn about_a_record(self) -> bool {
        self != TemplateKind::ActivationSheet
    }

    /// The file name a filled document is downloaded as, without extension.
    pub fn file_stem(self) -> &'static str {
        match self {
            TemplateKind::ActivationSheet => "phieu-ban-giao-tai-khoan",
            TemplateKind::TransferDecision => "quyet-dinh",
            TemplateKind::TransferHandover => "bien-ban-ban-giao",
            TemplateKind::StepIncrease => "quyet-dinh-nang-bac-luong",
            TemplateKind::RetirementNotice => "thong-bao-nghi-huu",
        }
    }
}

/// A name a template uses: a plain path (`so_quyet_dinh`, `ho_so.general.gender`) or a name
/// used inside a loop (`nguoi.ho_ten` for `{{ho_ten}}` within `{{#each nguoi}}`).
pub type UsedName = String;

/// Why a template is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateProblem {
    #[error(
        "Mẫu dùng trường “{0}”, không có trong danh sách trường của văn bản này hay trong lược đồ hồ sơ."
    )]
    UnknownField(String),
    #[error("Mẫu dùng “{{{{#each {0}}}}}” nhưng văn bản này không có danh sách “{0}”.")]
    UnknownList(String),
    #[error(
        "Mẫu không dùng trường nào: hãy đặt các trường dạng {{{{so_quyet_dinh}}}} vào văn bản."
    )]
    NoField,
}

/// The record fields a template may name: `ho_so.<section>.<field>` for each field of a single
/// section (a repeating section has rows, which a decision does not print).
pub fn record_fields(schema: &RecordSchema) -> Vec<(String, String)> {
    schema
        .fields()
        .filter(|(section, _)| !section.repeating)
        .map(|(section, field)| {
            (
                format!("{RECORD_PREFIX}.{}.{}", section.id, field.id),
                field.label.clone(),
            )
        })
        .collect()
}

/// Checks every name a template uses against the vocabulary of `kind`. `used` holds plain
/// names, and `list.item` for names used inside a loop over `list`.
pub fn check_fields(
    kind: TemplateKind,
    schema: &RecordSchema,
    used: &[UsedName],
) -> Result<(), TemplateProblem> {
    let mut known: BTreeSet<String> = COMMON_FIELDS
        .iter()
        .chain(kind.fields())
        .map(|f| f.name.to_string())
        .collect();
    if kind.about_a_record() {
        known.extend(record_fields(schema).into_iter().map(|(path, _)| path));
    }
    let list = kind.list();
    let mut any = false;
    for name in used {
        let name = name.trim();
        if HELPERS.contains(&name) || name.starts_with('@') {
            continue;
        }
        if let Some(list_name) = name.strip_prefix("#list:") {
            if list.map(|(l, _)| l) != Some(list_name) {
                return Err(TemplateProblem::UnknownList(list_name.to_string()));
            }
            continue;
        }
        any = true;
        if known.contains(name) {
            continue;
        }
        // Inside the loop: an item's field, or (Handlebars walks up) a document field.
        if let Some((list_name, item)) = list
            && let Some(field) = name
                .strip_prefix(list_name)
                .and_then(|r| r.strip_prefix('.'))
            && (item.iter().any(|f| f.name == field)
                || HELPERS.contains(&field)
                || field.starts_with('@')
                || known.contains(field))
        {
            continue;
        }
        // Inside the loop the template wrote the item's field alone: name it so.
        let shown = list
            .and_then(|(l, _)| name.strip_prefix(l)?.strip_prefix('.'))
            .unwrap_or(name);
        return Err(TemplateProblem::UnknownField(shown.to_string()));
    }
    if !any {
        return Err(TemplateProblem::NoField);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::SchemaSet;

    fn schema() -> &'static RecordSchema {
        SchemaSet::embedded().latest()
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_kind_has_a_distinct_slug_that_parses_back() {
        let slugs: BTreeSet<&str> = TemplateKind::ALL.iter().map(|k| k.slug()).collect();
        assert_eq!(slugs.len(), TemplateKind::ALL.len());
        for k in TemplateKind::ALL {
            assert_eq!(TemplateKind::parse(k.slug()), Some(k));
        }
        assert_eq!(TemplateKind::parse("khong-co"), None);
    }

    #[test]
    fn a_decision_may_name_its_own_fields_the_common_ones_and_the_records() {
        let used = names(&[
            "so_quyet_dinh",
            "co_quan",
            "ngay_lap",
            "ho_so.general.birth_full_name",
            "ho_so.general.date_of_birth",
        ]);
        assert_eq!(
            check_fields(TemplateKind::TransferDecision, schema(), &used),
            Ok(())
        );
    }

    #[test]
    fn an_unknown_field_is_refused_by_its_name() {
        let used = names(&["so_quyet_dinh", "so_quyet_dnh"]);
        assert_eq!(
            check_fields(TemplateKind::TransferDecision, schema(), &used),
            Err(TemplateProblem::UnknownField("so_quyet_dnh".into()))
        );
        // A field of another document is unknown here.
        let used = names(&["bac_moi"]);
        assert_eq!(
            check_fields(TemplateKind::RetirementNotice, schema(), &used),
            Err(TemplateProblem::UnknownField("bac_moi".into()))
        );
        // A repeating section's field is not a record field of a decision.
        let used = names(&["ho_so.professional_trainings.from"]);
        assert!(matches!(
            check_fields(TemplateKind::StepIncrease, schema(), &used),
            Err(TemplateProblem::UnknownField(_))
        ));
        // The message names the field.
        let message = TemplateProblem::UnknownField("so_quyet_dnh".into()).to_string();
        assert!(message.contains("“so_quyet_dnh”"), "{message}");
    }

    #[test]
    fn the_hand_over_sheet_loops_over_its_people_and_prints_no_record_field() {
        let used = names(&[
            "#list:nguoi",
            "nguoi.stt",
            "nguoi.ho_ten",
            "nguoi.ma_kich_hoat",
            "nguoi.@index",
            "nguoi.don_vi",
            "don_vi",
            "removeTableRow",
        ]);
        assert_eq!(
            check_fields(TemplateKind::ActivationSheet, schema(), &used),
            Ok(())
        );
        let used = names(&["#list:nguoi", "nguoi.mat_khau"]);
        assert_eq!(
            check_fields(TemplateKind::ActivationSheet, schema(), &used),
            Err(TemplateProblem::UnknownField("mat_khau".into()))
        );
        let used = names(&["ho_so.general.birth_full_name"]);
        assert!(matches!(
            check_fields(TemplateKind::ActivationSheet, schema(), &used),
            Err(TemplateProblem::UnknownField(_))
        ));
        let used = names(&["#list:can_bo", "can_bo.ho_ten"]);
        assert_eq!(
            check_fields(TemplateKind::ActivationSheet, schema(), &used),
            Err(TemplateProblem::UnknownList("can_bo".into()))
        );
    }

    #[test]
    fn a_template_without_any_field_is_refused() {
        assert_eq!(
            check_fields(TemplateKind::RetirementNotice, schema(), &[]),
            Err(TemplateProblem::NoField)
        );
        assert_eq!(
            check_fields(
                TemplateKind::RetirementNotice,
                schema(),
                &names(&["removeTableRow"])
            ),
            Err(TemplateProblem::NoField)
        );
    }

    #[test]
    fn record_fields_are_the_single_sections_fields_with_their_labels() {
        let fields = record_fields(schema());
        assert!(
            fields
                .iter()
                .any(|(p, l)| p == "ho_so.general.date_of_birth" && l == "Ngày sinh")
        );
        assert!(
            !fields
                .iter()
                .any(|(p, _)| p.starts_with("ho_so.professional_trainings."))
        );
    }
}
