//! Data quality, "Đúng, Đủ, Sạch, Sống" (LS Điều 3 khoản 2: data are synchronised and approved
//! on that principle; LS Điều 13 khoản 4: the officer in charge checks, updates, completes and
//! verifies the records "định kỳ … trước ngày 25 hằng tháng"; DESIGN F10). Pure: the schema,
//! the catalogs, the day and what the store knows of a record are parameters.
//!
//! Each record of a person in service is judged on four criteria; a record passes a criterion
//! when no check of it fails, and each failing check gives a Vietnamese reason:
//!
//! - **Đúng** (correct): the current document holds no wrong value by the schema in force
//!   (types, formats, ranges, the cross-field rules of the schema TOML; a catalog code that is
//!   not in its catalog counts under Sạch instead, a missing field under Đủ), and the current
//!   version is the approved (official) one: a version written since the head last signed is
//!   not yet "đúng".
//! - **Đủ** (complete): the share of the fields the record must hold that are filled, counted
//!   per section. A field must be held when the schema says `required = "yes"` (the *required*
//!   fields), or `required = "conditional"` and one of its `required_if` rules fires on this
//!   record (the *expected* fields: a party admission date once the official date is declared,
//!   an appointment date once a position is…); in a repeating section, in each row present.
//!   Fields the system fills (`system = true`) are not counted. A unit's Đủ is filled fields
//!   over expected fields across its records; a record passes when nothing is missing.
//! - **Sạch** (clean): no other record with the same accent-folded name and birth date (one
//!   person, one record; the số định danh is unique by construction), every catalog field holds
//!   a code of its catalog, no text left in a legacy 8-bit encoding (TCVN3, VNI: the caller's
//!   detector), and text normalised (Unicode NFC, no leading, trailing or doubled spaces).
//! - **Sống** (live): the record changed within the staleness period (the same limit as the
//!   stale-record alert), and no deadline the alerts follow is open past its due date.
//!
//! A unit's figure for Đúng, Sạch and Sống is the share of its records passing; its overall
//! score is the mean of the four figures. [`assess_document`] computes what the document alone
//! shows (stored by the daily job, [`DocumentQuality`]); [`judge`] adds what the store knows at
//! the time of asking ([`RecordState`]) and gives the [`Verdict`]; [`Tally`] adds verdicts up.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, Duration};
use unicode_normalization::is_nfc;

use crate::calendar::format_date;
use crate::catalog::Catalogs;
use crate::schema::{FieldKind, RecordDoc, RecordSchema, Requirement, Rule, Section};

/// The article the monthly check follows.
pub const MONTHLY_CHECK_BASIS: &str = "Quy chế kèm QĐ 2220/QĐ-UBND tỉnh Lạng Sơn, Điều 13 khoản 4";
/// The day of the month the monthly check is due before (LS Đ13.4: "trước ngày 25 hằng tháng").
pub const MONTHLY_CHECK_DAY: u8 = 25;
/// The most reasons kept for one criterion of one record.
pub const MAX_REASONS: usize = 10;

/// One of the four criteria.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Đúng.
    Correct,
    /// Đủ.
    Complete,
    /// Sạch.
    Clean,
    /// Sống.
    Live,
}

impl Criterion {
    pub const ALL: [Criterion; 4] = [
        Criterion::Correct,
        Criterion::Complete,
        Criterion::Clean,
        Criterion::Live,
    ];

    /// The code in URLs and the API.
    pub fn code(self) -> &'static str {
        match self {
            Criterion::Correct => "dung",
            Criterion::Complete => "du",
            Criterion::Clean => "sach",
            Criterion::Live => "song",
        }
    }

    pub fn parse(code: &str) -> Option<Criterion> {
        Criterion::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Criterion::Correct => "Đúng",
            Criterion::Complete => "Đủ",
            Criterion::Clean => "Sạch",
            Criterion::Live => "Sống",
        }
    }

    /// What the criterion counts, in one sentence.
    pub fn meaning_vi(self) -> &'static str {
        match self {
            Criterion::Correct => {
                "Dữ liệu hợp lệ theo cấu trúc hồ sơ và phiên bản hiện hành đã được phê duyệt"
            }
            Criterion::Complete => {
                "Tỷ lệ trường bắt buộc và trường phải khai (theo điều kiện) đã có thông tin"
            }
            Criterion::Clean => {
                "Không trùng hồ sơ, giá trị danh mục đúng mã chuẩn, không còn chữ mã cũ (TCVN3, VNI), văn bản đã chuẩn hóa"
            }
            Criterion::Live => {
                "Hồ sơ được cập nhật trong thời hạn và không có việc quá hạn theo quy chế"
            }
        }
    }
}

/// How many of a section's fields the record must hold, and how many it holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionFill {
    pub section: String,
    pub label: String,
    pub expected: u32,
    pub filled: u32,
}

/// What a record's document alone shows (kept per record by the daily job).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentQuality {
    /// Đúng: wrong values (messages, at most [`MAX_REASONS`]).
    pub invalid: Vec<String>,
    /// How many wrong values in all.
    pub invalid_count: u32,
    /// Đủ, per section holding fields the record must hold (schema order).
    pub sections: Vec<SectionFill>,
    /// Đủ: the fields missing ("Section: field", at most [`MAX_REASONS`]).
    pub missing: Vec<String>,
    /// Sạch: catalog codes not in their catalog, legacy text, text not normalised.
    pub unclean: Vec<String>,
    pub unclean_count: u32,
}

impl DocumentQuality {
    pub fn expected(&self) -> u32 {
        self.sections.iter().map(|s| s.expected).sum()
    }

    pub fn filled(&self) -> u32 {
        self.sections.iter().map(|s| s.filled).sum()
    }
}

fn filled(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::String(t)) => !t.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => o
            .values()
            .any(|v| !matches!(v, Value::Null) && v.as_str().is_none_or(|t| !t.trim().is_empty())),
        Some(_) => true,
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether a `conditional` field must be held in `row` (a repeating section's row, or the
/// section itself): one of the schema's `required_if` rules on it fires.
fn expected_by_rule(
    schema: &RecordSchema,
    doc: &RecordDoc,
    section: &Section,
    field: &str,
    row: Option<&serde_json::Map<String, Value>>,
) -> bool {
    schema.rules.iter().any(|rule| {
        let Rule::RequiredIf {
            field: target,
            when,
            equals,
        } = rule
        else {
            return false;
        };
        if target.section != section.id || target.field != field {
            return false;
        }
        let cond = if when.section == section.id {
            row.and_then(|r| r.get(&when.field))
                .or_else(|| doc.get(&when.section).and_then(|s| s.get(&when.field)))
        } else {
            doc.get(&when.section).and_then(|s| s.get(&when.field))
        };
        if !filled(cond) {
            return false;
        }
        equals.is_empty() || cond.and_then(as_text).is_some_and(|t| equals.contains(&t))
    })
}

/// The text values of a record to look at for legacy encoding and normalisation: (field label,
/// value), from every text field and an address's free parts.
fn texts<'d>(schema: &'d RecordSchema, doc: &'d RecordDoc) -> Vec<(&'d str, &'d str)> {
    let mut out = Vec::new();
    for section in &schema.sections {
        let Some(value) = doc.get(&section.id) else {
            continue;
        };
        let rows: Vec<&serde_json::Map<String, Value>> = if section.repeating {
            value
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_object).collect())
                .unwrap_or_default()
        } else {
            value.as_object().into_iter().collect()
        };
        for row in rows {
            for f in &section.fields {
                match (f.kind, row.get(&f.id)) {
                    (FieldKind::Text, Some(Value::String(s))) => {
                        out.push((f.label.as_str(), s.as_str()))
                    }
                    (FieldKind::Address, Some(Value::Object(a))) => {
                        for part in ["commune", "detail"] {
                            if let Some(Value::String(s)) = a.get(part) {
                                out.push((f.label.as_str(), s.as_str()));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// A value in quotes, cut short.
fn quote(s: &str) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(30).collect();
    if chars.next().is_some() {
        format!("“{head}…”")
    } else {
        format!("“{head}”")
    }
}

/// The problems of a text value that is not normalised: surrounding or doubled spaces, or
/// Unicode not in its composed form (NFC).
fn normalisation_problem(s: &str) -> Option<&'static str> {
    if !is_nfc(s) {
        Some("chữ chưa dựng sẵn (Unicode tổ hợp, chưa chuẩn NFC)")
    } else if s.trim() != s {
        Some("có khoảng trắng thừa ở đầu hoặc cuối")
    } else if s.contains("  ") {
        Some("có khoảng trắng kép")
    } else {
        None
    }
}

fn push_limited(list: &mut Vec<String>, count: &mut u32, reason: String) {
    *count += 1;
    if list.len() < MAX_REASONS {
        list.push(reason);
    }
}

/// What `doc` alone shows of its quality under `schema` on `today`. `legacy` names the legacy
/// encoding a text reads as (`None`: Unicode), e.g. the import's detector.
pub fn assess_document(
    schema: &RecordSchema,
    catalogs: &Catalogs,
    doc: &RecordDoc,
    today: Date,
    legacy: &dyn Fn(&str) -> Option<&'static str>,
) -> DocumentQuality {
    let mut q = DocumentQuality::default();

    // Đủ: per section, per row of a repeating one.
    for section in &schema.sections {
        let mut fill = SectionFill {
            section: section.id.clone(),
            label: section.label.clone(),
            ..SectionFill::default()
        };
        let value = doc.get(&section.id);
        let rows: Vec<Option<&serde_json::Map<String, Value>>> = if section.repeating {
            value
                .and_then(Value::as_array)
                .map(|a| a.iter().map(Value::as_object).collect())
                .unwrap_or_default()
        } else {
            vec![value.and_then(Value::as_object)]
        };
        for (i, row) in rows.iter().enumerate() {
            for f in section.fields.iter().filter(|f| !f.system) {
                let must = match f.required {
                    Requirement::Yes => true,
                    Requirement::No => false,
                    Requirement::Conditional => expected_by_rule(
                        schema,
                        doc,
                        section,
                        &f.id,
                        row.filter(|_| section.repeating),
                    ),
                };
                if !must {
                    continue;
                }
                fill.expected += 1;
                if filled(row.and_then(|r| r.get(&f.id))) {
                    fill.filled += 1;
                } else if q.missing.len() < MAX_REASONS {
                    q.missing.push(if section.repeating {
                        format!("{} (dòng {}): {}", section.label, i + 1, f.label)
                    } else {
                        format!("{}: {}", section.label, f.label)
                    });
                }
            }
        }
        if fill.expected > 0 {
            q.sections.push(fill);
        }
    }

    // Đúng and the catalog part of Sạch: the schema's validation, missing fields aside.
    if let Err(errors) = schema.validate_incomplete(doc, catalogs, today, true) {
        for e in errors.iter() {
            let catalog = e
                .path
                .split_once('.')
                .and_then(|(s, f)| {
                    let s = s.split('[').next().unwrap_or(s);
                    schema.field(s, f)
                })
                .is_some_and(|f| matches!(f.kind, FieldKind::Catalog | FieldKind::CatalogList));
            if catalog {
                push_limited(
                    &mut q.unclean,
                    &mut q.unclean_count,
                    format!("Giá trị danh mục không chuẩn: {}", e.message),
                );
            } else {
                push_limited(&mut q.invalid, &mut q.invalid_count, e.message.clone());
            }
        }
        q.invalid_count += errors.more as u32;
    }

    // Sạch: legacy encodings and normalisation of text.
    for (label, text) in texts(schema, doc) {
        if let Some(encoding) = legacy(text) {
            push_limited(
                &mut q.unclean,
                &mut q.unclean_count,
                format!("{label}: còn chữ mã cũ {encoding} {}", quote(text)),
            );
        } else if let Some(problem) = normalisation_problem(text) {
            push_limited(
                &mut q.unclean,
                &mut q.unclean_count,
                format!("{label}: {problem} {}", quote(text)),
            );
        }
    }
    q
}

/// What the store knows of a record at the time of asking.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordState {
    /// The current version is the approved (official) one.
    pub approved: bool,
    /// Other records with the same accent-folded name and birth date.
    pub duplicates: u32,
    /// The day the record last changed.
    pub last_update: Option<Date>,
    /// Deadlines the alerts follow, open past their due date.
    pub overdue_deadlines: u32,
}

/// Why a record fails each criterion (an empty list: it passes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub correct: Vec<String>,
    pub complete: Vec<String>,
    pub clean: Vec<String>,
    pub live: Vec<String>,
    /// Đủ's fields: (expected, filled).
    pub fields: (u32, u32),
}

impl Verdict {
    pub fn reasons(&self, c: Criterion) -> &[String] {
        match c {
            Criterion::Correct => &self.correct,
            Criterion::Complete => &self.complete,
            Criterion::Clean => &self.clean,
            Criterion::Live => &self.live,
        }
    }

    pub fn passes(&self, c: Criterion) -> bool {
        self.reasons(c).is_empty()
    }
}

/// The verdict on a record: its document's quality with what the store knows, on `today`,
/// a record unchanged for more than `stale_after_days` days being stale.
pub fn judge(
    doc: &DocumentQuality,
    state: &RecordState,
    today: Date,
    stale_after_days: i64,
) -> Verdict {
    let mut v = Verdict {
        fields: (doc.expected(), doc.filled()),
        ..Verdict::default()
    };
    v.correct.extend(doc.invalid.iter().cloned());
    if doc.invalid_count as usize > doc.invalid.len() {
        v.correct.push(format!(
            "… và {} lỗi khác",
            doc.invalid_count as usize - doc.invalid.len()
        ));
    }
    if !state.approved {
        v.correct
            .push("Phiên bản hiện hành của hồ sơ chưa được phê duyệt".to_string());
    }
    let (expected, got) = v.fields;
    if got < expected {
        let mut reason = format!(
            "Thiếu {} trên {} trường phải khai: {}",
            expected - got,
            expected,
            doc.missing.join("; ")
        );
        if (expected - got) as usize > doc.missing.len() {
            reason.push_str("; …");
        }
        v.complete.push(reason);
    }
    if state.duplicates > 0 {
        v.clean.push(format!(
            "Trùng họ tên và ngày sinh với {} hồ sơ khác",
            state.duplicates
        ));
    }
    v.clean.extend(doc.unclean.iter().cloned());
    if doc.unclean_count as usize > doc.unclean.len() {
        v.clean.push(format!(
            "… và {} giá trị khác",
            doc.unclean_count as usize - doc.unclean.len()
        ));
    }
    match state.last_update {
        Some(last) if today - last > Duration::days(stale_after_days) => v.live.push(format!(
            "Chưa được cập nhật từ ngày {} (quá {stale_after_days} ngày)",
            format_date(last)
        )),
        None => v.live.push("Không rõ lần cập nhật gần nhất".to_string()),
        _ => {}
    }
    if state.overdue_deadlines > 0 {
        v.live.push(format!(
            "Có {} việc đã quá hạn theo quy chế chưa làm",
            state.overdue_deadlines
        ));
    }
    v
}

/// The figures of a set of records (a unit, the province).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub people: u64,
    pub correct: u64,
    pub complete: u64,
    pub clean: u64,
    pub live: u64,
    pub fields_expected: u64,
    pub fields_filled: u64,
}

/// A share in percent, to one decimal; 100 for an empty set (nothing to fix).
fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    (part as f64 * 1000.0 / whole as f64).round() / 10.0
}

impl Tally {
    pub fn add(&mut self, v: &Verdict) {
        self.people += 1;
        self.correct += u64::from(v.passes(Criterion::Correct));
        self.complete += u64::from(v.passes(Criterion::Complete));
        self.clean += u64::from(v.passes(Criterion::Clean));
        self.live += u64::from(v.passes(Criterion::Live));
        self.fields_expected += u64::from(v.fields.0);
        self.fields_filled += u64::from(v.fields.1);
    }

    pub fn merge(&mut self, other: &Tally) {
        self.people += other.people;
        self.correct += other.correct;
        self.complete += other.complete;
        self.clean += other.clean;
        self.live += other.live;
        self.fields_expected += other.fields_expected;
        self.fields_filled += other.fields_filled;
    }

    /// Records failing a criterion.
    pub fn failing(&self, c: Criterion) -> u64 {
        self.people
            - match c {
                Criterion::Correct => self.correct,
                Criterion::Complete => self.complete,
                Criterion::Clean => self.clean,
                Criterion::Live => self.live,
            }
    }

    /// The figure of a criterion in percent: Đủ over fields, the others over records.
    pub fn percent(&self, c: Criterion) -> f64 {
        match c {
            Criterion::Complete => percent(self.fields_filled, self.fields_expected),
            c => percent(self.people - self.failing(c), self.people),
        }
    }

    /// The mean of the four figures, to one decimal.
    pub fn score(&self) -> f64 {
        let sum: f64 = Criterion::ALL.iter().map(|c| self.percent(*c)).sum();
        (sum * 10.0 / 4.0).round() / 10.0
    }
}

/// The next day the monthly check of LS Đ13.4 is due before: the 25th of this month, or from
/// the 25th on, of the next month.
pub fn monthly_check_due(today: Date) -> Date {
    let this_month = today.replace_day(MONTHLY_CHECK_DAY).unwrap_or(today);
    if today < this_month {
        return this_month;
    }
    let (year, month) = match today.month() {
        time::Month::December => (today.year() + 1, time::Month::January),
        m => (today.year(), m.next()),
    };
    Date::from_calendar_date(year, month, MONTHLY_CHECK_DAY).unwrap_or(this_month)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;
    use crate::schema::SchemaSet;
    use crate::schema::fixtures::RecordBuilder;

    fn no_legacy(_: &str) -> Option<&'static str> {
        None
    }

    fn assess(doc: &RecordDoc) -> DocumentQuality {
        assess_document(
            SchemaSet::embedded().latest(),
            Catalogs::embedded_static(),
            doc,
            date!(2026 - 06 - 01),
            &no_legacy,
        )
    }

    fn fine() -> RecordState {
        RecordState {
            approved: true,
            duplicates: 0,
            last_update: Some(date!(2026 - 05 - 01)),
            overdue_deadlines: 0,
        }
    }

    #[test]
    fn criteria_have_codes_and_vietnamese_names() {
        for c in Criterion::ALL {
            assert_eq!(Criterion::parse(c.code()), Some(c));
            assert!(!c.label_vi().is_empty() && !c.meaning_vi().is_empty());
        }
        assert_eq!(Criterion::parse("dep"), None);
    }

    #[test]
    fn the_sample_record_passes_every_criterion() {
        let q = assess(&RecordBuilder::civil_servant().build());
        assert!(q.invalid.is_empty(), "{:?}", q.invalid);
        assert!(q.unclean.is_empty(), "{:?}", q.unclean);
        assert_eq!(q.expected(), q.filled(), "{:?}", q.missing);
        assert!(q.expected() > 10);
        let v = judge(&q, &fine(), date!(2026 - 06 - 01), 365);
        for c in Criterion::ALL {
            assert!(v.passes(c), "{c:?}: {:?}", v.reasons(c));
        }
    }

    #[test]
    fn a_missing_required_field_counts_against_complete_in_its_section() {
        let schema = SchemaSet::embedded().latest();
        let (section, field) = schema
            .fields()
            .find(|(s, f)| {
                !s.repeating && f.required == Requirement::Yes && !f.system && f.role.is_none()
            })
            .unwrap();
        let full = assess(&RecordBuilder::civil_servant().build());
        let doc = RecordBuilder::civil_servant()
            .set(&section.id, &field.id, Value::Null)
            .build();
        let q = assess(&doc);
        assert_eq!(q.expected(), full.expected());
        assert_eq!(q.filled(), full.filled() - 1);
        let s = q.sections.iter().find(|s| s.section == section.id).unwrap();
        assert_eq!(s.filled + 1, s.expected);
        assert_eq!(
            q.missing,
            vec![format!("{}: {}", section.label, field.label)]
        );
        let v = judge(&q, &fine(), date!(2026 - 06 - 01), 365);
        assert!(!v.passes(Criterion::Complete));
        assert!(
            v.complete[0].starts_with("Thiếu 1 trên"),
            "{:?}",
            v.complete
        );
        assert!(v.passes(Criterion::Correct));
    }

    #[test]
    fn a_conditional_field_is_expected_only_once_its_rule_fires() {
        // position.position_appointment_date is required when position.current_position is
        // declared (the schema's required_if rule).
        let base = RecordBuilder::civil_servant().without("position").build();
        let without = assess(&base);
        let with = assess(
            &RecordBuilder::civil_servant()
                .without("position")
                .set("position", "current_position", json!("Trưởng phòng"))
                .build(),
        );
        let count = |q: &DocumentQuality| {
            q.sections
                .iter()
                .find(|s| s.section == "position")
                .map_or(0, |s| s.expected)
        };
        assert!(
            count(&with) > count(&without),
            "{:?} {:?}",
            with.sections,
            without.sections
        );
        assert!(
            with.missing.iter().any(|m| m.contains("bổ nhiệm")),
            "{:?}",
            with.missing
        );
    }

    #[test]
    fn legacy_text_unnormalised_text_and_duplicates_are_not_clean() {
        let legacy = |s: &str| s.contains('Ô').then_some("TCVN3 (ABC)");
        let doc = RecordBuilder::civil_servant()
            .name("NguyÔn V¨n §¹t")
            .build();
        let q = assess_document(
            SchemaSet::embedded().latest(),
            Catalogs::embedded_static(),
            &doc,
            date!(2026 - 06 - 01),
            &legacy,
        );
        assert!(
            q.unclean.iter().any(|r| r.contains("TCVN3")),
            "{:?}",
            q.unclean
        );
        assert_eq!(
            normalisation_problem("Nguyễn  Văn"),
            Some("có khoảng trắng kép")
        );
        assert!(normalisation_problem("Nguye\u{0303}n").is_some());
        assert_eq!(normalisation_problem("Nguyễn Văn Đạt"), None);

        let clean = assess(&RecordBuilder::civil_servant().build());
        let state = RecordState {
            duplicates: 2,
            ..fine()
        };
        let v = judge(&clean, &state, date!(2026 - 06 - 01), 365);
        assert_eq!(v.clean, vec!["Trùng họ tên và ngày sinh với 2 hồ sơ khác"]);
    }

    #[test]
    fn unapproved_stale_and_overdue_records_fail_correct_and_live() {
        let q = assess(&RecordBuilder::civil_servant().build());
        let state = RecordState {
            approved: false,
            duplicates: 0,
            last_update: Some(date!(2025 - 05 - 31)),
            overdue_deadlines: 1,
        };
        let v = judge(&q, &state, date!(2026 - 06 - 01), 365);
        assert_eq!(
            v.correct,
            vec!["Phiên bản hiện hành của hồ sơ chưa được phê duyệt"]
        );
        assert_eq!(v.live.len(), 2, "{:?}", v.live);
        assert!(v.live[0].contains("31/05/2025"));
        // 365 days exactly is still live.
        let state = RecordState {
            last_update: Some(date!(2025 - 06 - 01)),
            ..fine()
        };
        assert!(judge(&q, &state, date!(2026 - 06 - 01), 365).passes(Criterion::Live));
    }

    #[test]
    fn a_tally_gives_shares_per_record_and_per_field_and_their_mean() {
        let pass = Verdict {
            fields: (10, 10),
            ..Verdict::default()
        };
        let fail = Verdict {
            correct: vec!["x".into()],
            complete: vec!["y".into()],
            fields: (10, 5),
            ..Verdict::default()
        };
        let mut t = Tally::default();
        t.add(&pass);
        t.add(&fail);
        t.add(&pass);
        t.add(&pass);
        assert_eq!(t.people, 4);
        assert_eq!(t.percent(Criterion::Correct), 75.0);
        // Đủ counts fields: 35 of 40.
        assert_eq!(t.percent(Criterion::Complete), 87.5);
        assert_eq!(t.percent(Criterion::Clean), 100.0);
        assert_eq!(t.failing(Criterion::Correct), 1);
        assert_eq!(
            t.score(),
            ((75.0 + 87.5 + 100.0 + 100.0) * 10.0_f64 / 4.0).round() / 10.0
        );
        assert_eq!(Tally::default().score(), 100.0);
        assert_eq!(
            monthly_check_due(date!(2026 - 06 - 03)),
            date!(2026 - 06 - 25)
        );
        assert_eq!(
            monthly_check_due(date!(2026 - 06 - 24)),
            date!(2026 - 06 - 25)
        );
        assert_eq!(
            monthly_check_due(date!(2026 - 06 - 25)),
            date!(2026 - 07 - 25)
        );
        assert_eq!(
            monthly_check_due(date!(2026 - 12 - 31)),
            date!(2027 - 01 - 25)
        );
    }
}
