//! Self-service changes and their approval (F4), as pure rules: the life of a change request,
//! what changed between two documents, whether a proposal still applies to a record that moved
//! on, and the manifest an approver signs.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;

use crate::access::AccessLevel;
use crate::alerts::{Alert, AlertKind, RuleRef};
use crate::calendar::{HolidayCalendar, format_date};
use crate::deadlines::{DeadlineRule, Trigger};
use crate::schema::{RecordDoc, RecordSchema};

/// Where a change request (*phiếu bổ sung lý lịch*) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeState {
    /// Being written by its proposer; nobody else sees it.
    Draft,
    /// Waiting for the HR officer (*chờ xác thực*).
    Submitted,
    /// Sent back to the proposer with a comment; editable and resubmittable.
    Returned,
    /// Checked against the paper file: its content is now a version of the record, waiting
    /// for the approver's signature.
    Verified,
    /// Withdrawn by its proposer before verification.
    Withdrawn,
}

/// What someone does to a change request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeAction {
    Edit,
    Submit,
    Withdraw,
    Verify,
    Return,
}

impl ChangeState {
    pub const ALL: [ChangeState; 5] = [
        ChangeState::Draft,
        ChangeState::Submitted,
        ChangeState::Returned,
        ChangeState::Verified,
        ChangeState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeState::Draft => "draft",
            ChangeState::Submitted => "submitted",
            ChangeState::Returned => "returned",
            ChangeState::Verified => "verified",
            ChangeState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<ChangeState> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            ChangeState::Draft => "Bản nháp",
            ChangeState::Submitted => "Chờ xác thực",
            ChangeState::Returned => "Bị trả lại",
            ChangeState::Verified => "Đã xác thực",
            ChangeState::Withdrawn => "Đã rút",
        }
    }

    /// The state after `action`, or the Vietnamese reason it is refused.
    pub fn after(self, action: ChangeAction) -> Result<ChangeState, &'static str> {
        use ChangeAction as A;
        use ChangeState as S;
        match (self, action) {
            (S::Draft | S::Returned, A::Edit) => Ok(self),
            (S::Draft | S::Returned, A::Submit) => Ok(S::Submitted),
            (S::Draft | S::Returned | S::Submitted, A::Withdraw) => Ok(S::Withdrawn),
            (S::Submitted, A::Verify) => Ok(S::Verified),
            (S::Submitted, A::Return) => Ok(S::Returned),
            (S::Submitted, A::Edit | A::Submit) => Err(
                "Phiếu đã gửi, đang chờ xác thực: không sửa được nữa (có thể rút phiếu để sửa lại).",
            ),
            (S::Draft | S::Returned, A::Verify | A::Return) => {
                Err("Phiếu chưa được gửi nên chưa thể xác thực hay trả lại.")
            }
            (S::Verified, _) => {
                Err("Phiếu đã được xác thực; nội dung đã vào hồ sơ, không thay đổi được nữa.")
            }
            (S::Withdrawn, _) => Err("Phiếu đã rút; hãy lập phiếu mới."),
        }
    }
}

/// One field that differs between two documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub section: String,
    pub section_label: String,
    /// Row number (0-based) in a repeating section.
    pub row: Option<usize>,
    pub field: String,
    pub field_label: String,
    pub before: Value,
    pub after: Value,
}

/// Differences between `before` and `after` in the given sections, field by field, in schema
/// order; fields above `clearance` are left out (the reader may not see them).
pub fn diff(
    schema: &RecordSchema,
    before: &RecordDoc,
    after: &RecordDoc,
    sections: &[String],
    clearance: AccessLevel,
) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for section in schema.sections.iter().filter(|s| sections.contains(&s.id)) {
        let old = before.get(&section.id).unwrap_or(&Value::Null);
        let new = after.get(&section.id).unwrap_or(&Value::Null);
        let rows = |v: &Value| -> Vec<Value> {
            match v {
                Value::Array(items) => items.clone(),
                Value::Null => vec![],
                other => vec![other.clone()],
            }
        };
        let (old_rows, new_rows, repeating) = if section.repeating {
            (rows(old), rows(new), true)
        } else {
            (vec![old.clone()], vec![new.clone()], false)
        };
        for i in 0..old_rows.len().max(new_rows.len()) {
            let o = old_rows.get(i).unwrap_or(&Value::Null);
            let n = new_rows.get(i).unwrap_or(&Value::Null);
            for field in section.fields.iter().filter(|f| f.access <= clearance) {
                let a = o.get(&field.id).cloned().unwrap_or(Value::Null);
                let b = n.get(&field.id).cloned().unwrap_or(Value::Null);
                if !same(&a, &b) {
                    out.push(FieldChange {
                        section: section.id.clone(),
                        section_label: section.label.clone(),
                        row: repeating.then_some(i),
                        field: field.id.clone(),
                        field_label: field.label.clone(),
                        before: a,
                        after: b,
                    });
                }
            }
        }
    }
    out
}

/// Equal as the reader sees them: a missing value, null and "" are all empty.
fn same(a: &Value, b: &Value) -> bool {
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(|v| v.is_null()),
        _ => false,
    };
    (empty(a) && empty(b)) || a == b
}

/// Whether `value` differs from the document's section `id` as a reader sees it.
pub fn section_differs(doc: &RecordDoc, id: &str, value: &Value) -> bool {
    !same(doc.get(id).unwrap_or(&Value::Null), value)
}

/// The sections a proposal made against `base` would overwrite although the record has
/// changed them since (`current`): applying it would lose someone else's update.
pub fn conflicting_sections(
    base: &RecordDoc,
    current: &RecordDoc,
    proposed_sections: &[String],
) -> Vec<String> {
    proposed_sections
        .iter()
        .filter(|s| section_differs(base, s, current.get(s.as_str()).unwrap_or(&Value::Null)))
        .cloned()
        .collect()
}

/// `current` with the proposed sections put in place.
pub fn apply_sections(current: &RecordDoc, proposed: &RecordDoc) -> RecordDoc {
    let mut out = current.clone();
    for (section, value) in proposed {
        out.insert(section.clone(), value.clone());
    }
    out
}

/// The format name written into every manifest, so that a verifier knows what it reads.
pub const MANIFEST_FORMAT: &str = "hoso-approval-manifest/1";

/// What an approver signs: the versions that become official, each by its hash and its
/// predecessor's hash, so that the signature covers the exact content and its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub batch_id: i64,
    /// Who prepared it (account username) and when (ms since the Unix epoch).
    pub prepared_by: String,
    pub prepared_at: i64,
    pub items: Vec<ManifestItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestItem {
    pub person_id: i64,
    pub version: i64,
    pub schema_version: String,
    pub hash: String,
    pub prev_hash: Option<String>,
    /// SHA-256 of the scanned documents that prove the change.
    pub attachments: Vec<String>,
}

impl Manifest {
    /// The bytes that are signed: JSON with fields in a fixed order and no insignificant white
    /// space, so that the same manifest always gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut items = self.items.clone();
        items.sort_by_key(|i| (i.person_id, i.version));
        for i in &mut items {
            i.attachments.sort();
            i.attachments.dedup();
        }
        let canonical = Manifest {
            items,
            ..self.clone()
        };
        serde_json::to_vec(&canonical).unwrap_or_default()
    }

    pub fn parse(bytes: &[u8]) -> Result<Manifest, String> {
        let m: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| format!("Bản kê (manifest) không đọc được: {e}"))?;
        if m.format != MANIFEST_FORMAT {
            return Err(format!(
                "Bản kê có định dạng '{}', không phải '{MANIFEST_FORMAT}'.",
                m.format
            ));
        }
        Ok(m)
    }
}

/// Where a record waits in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// A change request submitted on `since`, neither verified nor returned yet.
    Verification { change_id: i64, since: Date },
    /// Versions verified (or entered by HR) since `since`, not yet signed by the head.
    Approval { since: Date },
}

/// The month's approval window (*phê duyệt trong … ngày cuối tháng*): the days a head may sign
/// the month's verified changes, and what sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalWindow {
    /// The window's first and last day in the month asked about.
    pub start: Date,
    pub end: Date,
    /// The days approvals may be signed: the window's working days for a rule counted in working
    /// days, every day of it for one counted in calendar days (Đồng Tháp's "05 ngày cuối
    /// tháng" names days, not working days).
    pub days: Vec<Date>,
    /// The window as the text words it ("5 ngày làm việc cuối tháng").
    pub time_limit_vi: String,
    /// The rule's legal basis and id, or the deployment setting that replaced it.
    pub legal_basis: String,
    /// The rule, or the setting (`HOSO_APPROVAL_WINDOW_DAYS`) standing for one.
    pub rule: RuleRef,
}

/// The approval window of `day`'s month, or `None` when approvals may be signed any day.
///
/// It is the regulation's: the first tracked month-end window rule (`last_working_days_of_month`
/// or `last_days_of_month`, satisfied by `month_approved`) in force on `day` — Lai Châu Điều 7
/// khoản 1, Đồng Tháp Điều 12; Lạng Sơn's text has none. Only tracked rules count, so that a
/// window for another duty (the Sở's signature in Lai Châu, khoản 2) is never read as the
/// head's. `window_override` is a deployment's explicit setting (`HOSO_APPROVAL_WINDOW_DAYS`),
/// which wins: `Some(0)` no window, `Some(n)` the last `n` working days.
pub fn approval_window(
    rules: &[DeadlineRule],
    window_override: Option<usize>,
    day: Date,
    cal: &HolidayCalendar,
) -> Option<ApprovalWindow> {
    match window_override {
        Some(0) => None,
        Some(n) => {
            let days = cal.last_working_days_of_month(day.year(), day.month(), n);
            Some(ApprovalWindow {
                start: *days.first()?,
                end: *days.last()?,
                days,
                time_limit_vi: format!("{n} ngày làm việc cuối tháng"),
                legal_basis: format!(
                    "Cấu hình của đơn vị triển khai (HOSO_APPROVAL_WINDOW_DAYS = {n}), thay cho quy định của bộ quy tắc"
                ),
                rule: RuleRef {
                    id: "HOSO_APPROVAL_WINDOW_DAYS".into(),
                    name_vi: format!("Phê duyệt trong {n} ngày làm việc cuối tháng (cấu hình)"),
                },
            })
        }
        None => {
            let rule = rules
                .iter()
                .find(|r| r.trigger.is_month_end_window() && r.is_tracked() && r.in_force(day))?;
            let start = rule.window_start(day, cal);
            let end = rule.due_date(day, cal);
            let days = if rule.trigger == Trigger::LastWorkingDaysOfMonth {
                cal.last_working_days_of_month(day.year(), day.month(), rule.length.max(1) as usize)
            } else {
                let mut all = Vec::new();
                let mut d = start;
                while d <= end {
                    all.push(d);
                    d = d.next_day()?;
                }
                all
            };
            Some(ApprovalWindow {
                start,
                end,
                days,
                time_limit_vi: rule.time_limit_vi(),
                legal_basis: format!("{} ({})", rule.legal_basis, rule.id),
                rule: RuleRef::of(rule),
            })
        }
    }
}

/// The alert for a record waiting in the workflow, as of `as_of`: a request waits for
/// verification under the tracked rules in force from `change_submitted` to `change_verified`
/// and the monthly checks (`monthly_before_day` to `month_verified`), the earliest due; verified changes wait for approval in the month's
/// [`approval_window`] (with the same `window_override`), from the window's first day on.
/// `None` when no rule applies (yet).
pub fn waiting_alert(
    waiting: Waiting,
    rules: &[DeadlineRule],
    window_override: Option<usize>,
    as_of: Date,
    cal: &HolidayCalendar,
) -> Option<Alert> {
    let late = |due: Date| {
        if as_of > due {
            format!(
                " — đã quá hạn {} ngày làm việc",
                cal.working_days_between(due, as_of)
            )
        } else {
            String::new()
        }
    };
    match waiting {
        Waiting::Verification { change_id, since } => {
            // The earliest of the request's own deadline (N working days) and the month's
            // check (LS Đ13.4: verified before the 25th of the month it arrived in, or of the
            // next once that day has passed).
            let (rule, due) = rules
                .iter()
                .filter(|r| {
                    let verifies = match r.trigger {
                        Trigger::ChangeSubmitted => r.satisfied_by == "change_verified",
                        Trigger::MonthlyBeforeDay { .. } => r.satisfied_by == "month_verified",
                        _ => false,
                    };
                    verifies && r.is_tracked() && r.in_force(since)
                })
                .map(|r| (r, r.due_date(since, cal)))
                .min_by_key(|(_, due)| *due)?;
            Some(Alert {
                kind: AlertKind::VerificationPending,
                due,
                message_vi: format!(
                    "Phiếu bổ sung lý lịch số {change_id} gửi ngày {} chờ xác thực; hạn xác thực {} ({}){}.",
                    format_date(since),
                    format_date(due),
                    rule.name_vi,
                    late(due)
                ),
                legal_basis: format!("{} ({})", rule.legal_basis, rule.id),
                rule: Some(RuleRef::of(rule)),
            })
        }
        Waiting::Approval { since } => {
            let window = approval_window(rules, window_override, since, cal)?;
            let due = window.end;
            (as_of >= window.start).then(|| Alert {
                kind: AlertKind::ApprovalPending,
                due,
                message_vi: format!(
                    "Thay đổi đã xác thực từ ngày {} chờ thủ trưởng phê duyệt bằng chữ ký số; hạn {}{}.",
                    format_date(since),
                    format_date(due),
                    late(due)
                ),
                legal_basis: window.legal_basis,
                rule: Some(window.rule),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::SchemaSet;
    use time::macros::date;

    fn rules(text: &str) -> Vec<DeadlineRule> {
        crate::deadlines::RuleSet::parse_toml(text)
            .unwrap()
            .rules()
            .to_vec()
    }

    const VERIFY: &str = "[[rule]]\nid = \"t.verify\"\nname_vi = \"Xác thực phiếu\"\ntrigger = \"change_submitted\"\nlength = 5\nunit = \"working_days\"\nresponsible = \"don_vi\"\nsatisfied_by = \"change_verified\"\nlegal_basis = \"Quy chế\"\neffective_from = 2026-01-01\n";

    #[test]
    fn a_submitted_request_is_due_five_working_days_later_across_a_weekend() {
        let cal = HolidayCalendar::embedded();
        let r = rules(VERIFY);
        // Thursday 19/11/2026 + 5 working days = Thursday 26/11/2026.
        let w = Waiting::Verification {
            change_id: 7,
            since: date!(2026 - 11 - 19),
        };
        let a = waiting_alert(w, &r, None, date!(2026 - 11 - 20), &cal).unwrap();
        assert_eq!(a.kind, AlertKind::VerificationPending);
        assert_eq!(a.due, date!(2026 - 11 - 26));
        assert!(a.message_vi.contains("số 7") && !a.message_vi.contains("quá hạn"));
        let late = waiting_alert(w, &r, None, date!(2026 - 11 - 30), &cal).unwrap();
        assert!(
            late.message_vi.contains("đã quá hạn 2 ngày làm việc"),
            "{}",
            late.message_vi
        );
        assert_eq!(
            waiting_alert(w, &[], Some(5), date!(2026 - 11 - 30), &cal),
            None,
            "no rule, no alert"
        );
    }

    #[test]
    fn verified_changes_are_due_in_the_months_approval_window() {
        let cal = HolidayCalendar::embedded();
        let w = Waiting::Approval {
            since: date!(2026 - 11 - 10),
        };
        // The window of November 2026 starts on Tuesday 24/11 and ends on Monday 30/11.
        assert_eq!(
            waiting_alert(w, &[], Some(5), date!(2026 - 11 - 23), &cal),
            None
        );
        let a = waiting_alert(w, &[], Some(5), date!(2026 - 11 - 24), &cal).unwrap();
        assert_eq!(
            (a.kind, a.due),
            (AlertKind::ApprovalPending, date!(2026 - 11 - 30))
        );
        let late = waiting_alert(w, &[], Some(5), date!(2026 - 12 - 02), &cal).unwrap();
        assert!(late.message_vi.contains("quá hạn"), "{}", late.message_vi);
        assert_eq!(
            waiting_alert(w, &[], Some(0), date!(2026 - 12 - 02), &cal),
            None,
            "the deployment turned the window off"
        );
        assert_eq!(
            waiting_alert(w, &[], None, date!(2026 - 12 - 02), &cal),
            None,
            "no rule, no window"
        );
    }

    #[test]
    fn the_province_presets_give_the_approval_window_and_verification_limit_of_their_text() {
        use crate::deadlines::RuleSet;
        let cal = HolidayCalendar::embedded();
        let w = Waiting::Approval {
            since: date!(2025 - 01 - 06),
        };
        // Lai Châu Điều 7 khoản 1: the last 5 working days of January 2025, 20–24/01 (Tết
        // starts on 27/01) — the head's window, not the Sở's signing window of khoản 2.
        let lc = RuleSet::preset("lai-chau-2024").unwrap();
        assert_eq!(
            waiting_alert(w, lc.rules(), None, date!(2025 - 01 - 17), &cal),
            None
        );
        let a = waiting_alert(w, lc.rules(), None, date!(2025 - 01 - 20), &cal).unwrap();
        assert_eq!(a.due, date!(2025 - 01 - 24));
        assert!(
            a.legal_basis.ends_with("(lai_chau.monthly_approval)"),
            "{}",
            a.legal_basis
        );
        // Đồng Tháp Điều 12: the last 5 days, 27–31/01/2025.
        let dt = RuleSet::preset("dong-thap-2024").unwrap();
        assert_eq!(
            waiting_alert(w, dt.rules(), None, date!(2025 - 01 - 24), &cal),
            None
        );
        let a = waiting_alert(w, dt.rules(), None, date!(2025 - 01 - 27), &cal).unwrap();
        assert_eq!(a.due, date!(2025 - 01 - 31));
        assert!(a.legal_basis.contains("Điều 12"), "{}", a.legal_basis);
        // Đắk Nông Điều 10: verified within 1 working day — Wed 07/02/2024, the eve of Tết
        // (08–14/02), is due Thu 15/02.
        let dn = RuleSet::preset("dak-nong-2018").unwrap();
        let v = Waiting::Verification {
            change_id: 1,
            since: date!(2024 - 02 - 07),
        };
        let a = waiting_alert(v, dn.rules(), None, date!(2024 - 02 - 08), &cal).unwrap();
        assert_eq!(a.due, date!(2024 - 02 - 15));
        assert!(
            a.legal_basis.ends_with("(dak_nong.change_verification)"),
            "{}",
            a.legal_basis
        );
    }

    #[test]
    fn lang_son_verifies_each_months_changes_before_the_25th() {
        use crate::deadlines::RuleSet;
        let cal = HolidayCalendar::embedded();
        let ls = RuleSet::preset("lang-son-2023").unwrap();
        let alert = |since, as_of| {
            waiting_alert(
                Waiting::Verification {
                    change_id: 3,
                    since,
                },
                ls.rules(),
                None,
                as_of,
                &cal,
            )
        };
        // Lạng Sơn Điều 13 khoản 4: sent Mon 02/11/2026, verified before Wed 25/11: by Tue 24/11.
        let a = alert(date!(2026 - 11 - 02), date!(2026 - 11 - 03)).unwrap();
        assert_eq!(
            (a.kind, a.due),
            (AlertKind::VerificationPending, date!(2026 - 11 - 24))
        );
        assert!(
            a.legal_basis.ends_with("(lang_son.monthly_check)"),
            "{}",
            a.legal_basis
        );
        assert!(
            alert(date!(2026 - 11 - 02), date!(2026 - 11 - 26))
                .unwrap()
                .message_vi
                .contains("đã quá hạn 2 ngày làm việc")
        );
        // Sent on the 25th: the month's check has passed, December's counts (Thu 24/12).
        assert_eq!(
            alert(date!(2026 - 11 - 25), date!(2026 - 11 - 25))
                .unwrap()
                .due,
            date!(2026 - 12 - 24)
        );
        // Before Tết: 25/02/2026 is a Wednesday after the break, so Tue 24/02.
        assert_eq!(
            alert(date!(2026 - 02 - 10), date!(2026 - 02 - 10))
                .unwrap()
                .due,
            date!(2026 - 02 - 24)
        );
        // "Before the 25th" when the 25th is a Monday (25/01/2027): Friday 22/01.
        assert_eq!(
            alert(date!(2027 - 01 - 04), date!(2027 - 01 - 04))
                .unwrap()
                .due,
            date!(2027 - 01 - 22)
        );
        // With a deployment's own five-day limit, the earlier of the two is due.
        let mut both = ls.rules().to_vec();
        both.extend(rules(VERIFY));
        let w = Waiting::Verification {
            change_id: 3,
            since: date!(2026 - 11 - 02),
        };
        let a = waiting_alert(w, &both, None, date!(2026 - 11 - 03), &cal).unwrap();
        assert_eq!(a.due, date!(2026 - 11 - 09));
        let w = Waiting::Verification {
            change_id: 3,
            since: date!(2026 - 11 - 20),
        };
        let a = waiting_alert(w, &both, None, date!(2026 - 11 - 20), &cal).unwrap();
        assert_eq!(a.due, date!(2026 - 11 - 24), "{}", a.legal_basis);
    }

    #[test]
    fn the_approval_window_is_the_presets_unless_the_deployment_sets_one() {
        use crate::deadlines::RuleSet;
        let cal = HolidayCalendar::embedded();
        let day = date!(2025 - 01 - 06);
        let window = |preset: &str, over: Option<usize>| {
            approval_window(RuleSet::preset(preset).unwrap().rules(), over, day, &cal)
        };
        // Lạng Sơn's QĐ 2220 sets no window: heads sign any day.
        assert_eq!(window("lang-son-2023", None), None);
        // Lai Châu Điều 7 khoản 1: the last 5 working days of January 2025, before Tết.
        let lc = window("lai-chau-2024", None).unwrap();
        assert_eq!(
            lc.days,
            vec![
                date!(2025 - 01 - 20),
                date!(2025 - 01 - 21),
                date!(2025 - 01 - 22),
                date!(2025 - 01 - 23),
                date!(2025 - 01 - 24)
            ]
        );
        assert_eq!(lc.time_limit_vi, "5 ngày làm việc cuối tháng");
        assert!(
            lc.legal_basis.contains("Điều 7 khoản 1"),
            "{}",
            lc.legal_basis
        );
        // Đồng Tháp Điều 12 names the last 5 days: 27–31/01/2025, Tết or not.
        let dt = window("dong-thap-2024", None).unwrap();
        assert_eq!(
            (dt.start, dt.end),
            (date!(2025 - 01 - 27), date!(2025 - 01 - 31))
        );
        assert_eq!(dt.days.len(), 5);
        assert!(dt.legal_basis.contains("Điều 12"), "{}", dt.legal_basis);
        // A deployment's explicit setting wins either way.
        assert_eq!(window("lai-chau-2024", Some(0)), None);
        let three = window("lang-son-2023", Some(3)).unwrap();
        assert_eq!(
            (three.start, three.end),
            (date!(2025 - 01 - 22), date!(2025 - 01 - 24))
        );
        assert!(three.legal_basis.contains("HOSO_APPROVAL_WINDOW_DAYS"));
    }

    #[test]
    fn no_tracked_workflow_rule_is_hidden_behind_another() {
        // waiting_alert takes the first tracked month-end window, and the earliest due of the
        // verification limits (a request's own N working days, the month's check): within a
        // preset, a second rule of either would be reported as tracked while never used.
        for name in crate::deadlines::PRESETS {
            let set = crate::deadlines::RuleSet::preset(name).unwrap();
            let tracked = |kind: fn(&DeadlineRule) -> bool| {
                set.rules()
                    .iter()
                    .filter(|r| r.is_tracked() && kind(r))
                    .count()
            };
            assert!(
                tracked(|r| r.trigger == Trigger::ChangeSubmitted) <= 1,
                "{name}"
            );
            assert!(tracked(|r| r.trigger.is_month_end_window()) <= 1, "{name}");
        }
    }

    use serde_json::json;

    fn doc(v: Value) -> RecordDoc {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn every_state_and_action_has_an_answer() {
        use ChangeAction as A;
        use ChangeState as S;
        assert_eq!(S::Draft.after(A::Submit), Ok(S::Submitted));
        assert_eq!(S::Returned.after(A::Submit), Ok(S::Submitted));
        assert_eq!(S::Returned.after(A::Edit), Ok(S::Returned));
        assert_eq!(S::Submitted.after(A::Verify), Ok(S::Verified));
        assert_eq!(S::Submitted.after(A::Return), Ok(S::Returned));
        assert_eq!(S::Submitted.after(A::Withdraw), Ok(S::Withdrawn));
        assert!(S::Submitted.after(A::Edit).is_err());
        assert!(S::Draft.after(A::Verify).is_err());
        assert!(S::Returned.after(A::Return).is_err());
        for action in [A::Edit, A::Submit, A::Withdraw, A::Verify, A::Return] {
            assert!(S::Verified.after(action).is_err(), "verified is final");
            assert!(S::Withdrawn.after(action).is_err(), "withdrawn is final");
        }
        for s in ChangeState::ALL {
            assert_eq!(ChangeState::parse(s.as_str()), Some(s));
            assert!(!s.label_vi().is_empty());
        }
        assert_eq!(ChangeState::parse("approved"), None);
    }

    #[test]
    fn diff_lists_changed_fields_of_the_named_sections_only() {
        let schema = SchemaSet::embedded().latest();
        let before = doc(json!({
            "general": {"birth_full_name": "Nguyễn Văn A", "gender": "nam"},
            "family_members": [{"relationship": "cha", "full_name": "Nguyễn Văn B", "birth_year": 1950}]
        }));
        let after = doc(json!({
            "general": {"birth_full_name": "Nguyễn Văn An", "gender": "nam"},
            "family_members": [
                {"relationship": "cha", "full_name": "Nguyễn Văn B", "birth_year": 1951},
                {"relationship": "me", "full_name": "Trần Thị C", "birth_year": 1952}
            ]
        }));
        let changes = diff(
            schema,
            &before,
            &after,
            &["family_members".into()],
            AccessLevel::Secret,
        );
        assert!(changes.iter().all(|c| c.section == "family_members"));
        assert!(
            changes
                .iter()
                .any(|c| c.row == Some(0) && c.field == "birth_year" && c.after == json!(1951))
        );
        assert!(
            changes
                .iter()
                .any(|c| c.row == Some(1) && c.field == "full_name" && c.before.is_null())
        );
        assert!(
            !changes
                .iter()
                .any(|c| c.row == Some(0) && c.field == "full_name")
        );

        let names = diff(
            schema,
            &before,
            &after,
            &["general".into()],
            AccessLevel::Secret,
        );
        assert_eq!(names.len(), 1);
        assert_eq!(names[0].field, "birth_full_name");
        assert_eq!(names[0].row, None);
    }

    #[test]
    fn diff_hides_fields_above_the_readers_clearance() {
        let schema = SchemaSet::embedded().latest();
        let before = doc(json!({"general": {"citizen_id_number": "001090000001"}}));
        let after = doc(json!({"general": {"citizen_id_number": "001090000002"}}));
        let secret = diff(
            schema,
            &before,
            &after,
            &["general".into()],
            AccessLevel::Secret,
        );
        assert_eq!(secret.len(), 1);
        let public = diff(
            schema,
            &before,
            &after,
            &["general".into()],
            AccessLevel::Public,
        );
        assert!(public.is_empty(), "the số định danh is not public");
    }

    #[test]
    fn empty_values_are_the_same() {
        assert!(same(&Value::Null, &json!("")));
        assert!(same(&json!([]), &Value::Null));
        assert!(same(&json!({"a": null}), &Value::Null));
        assert!(!same(&json!("x"), &Value::Null));
        assert!(!same(&json!(1), &json!(2)));
    }

    #[test]
    fn a_proposal_conflicts_only_where_the_record_changed_the_same_sections() {
        let base = doc(json!({"general": {"a": 1}, "training": [{"x": 1}]}));
        let current = doc(json!({"general": {"a": 1}, "training": [{"x": 2}]}));
        assert!(conflicting_sections(&base, &current, &["general".into()]).is_empty());
        assert_eq!(
            conflicting_sections(&base, &current, &["general".into(), "training".into()]),
            vec!["training".to_string()]
        );
        let proposed = doc(json!({"general": {"a": 5}}));
        let applied = apply_sections(&current, &proposed);
        assert_eq!(applied["general"], json!({"a": 5}));
        assert_eq!(
            applied["training"],
            json!([{"x": 2}]),
            "other sections kept"
        );
    }

    #[test]
    fn manifest_bytes_are_canonical_and_round_trip() {
        let item = |p: i64, v: i64| ManifestItem {
            person_id: p,
            version: v,
            schema_version: "tt06-2023".into(),
            hash: format!("h{p}{v}"),
            prev_hash: None,
            attachments: vec!["b".into(), "a".into(), "a".into()],
        };
        let m1 = Manifest {
            format: MANIFEST_FORMAT.into(),
            batch_id: 7,
            prepared_by: "pd.x".into(),
            prepared_at: 1,
            items: vec![item(2, 1), item(1, 3)],
        };
        let m2 = Manifest {
            items: vec![item(1, 3), item(2, 1)],
            ..m1.clone()
        };
        assert_eq!(m1.to_bytes(), m2.to_bytes(), "item order does not matter");
        let parsed = Manifest::parse(&m1.to_bytes()).unwrap();
        assert_eq!(parsed.items[0].person_id, 1);
        assert_eq!(parsed.items[0].attachments, vec!["a", "b"]);
        let mut other = parsed.clone();
        other.format = "x".into();
        assert!(Manifest::parse(&serde_json::to_vec(&other).unwrap()).is_err());
        assert!(Manifest::parse(b"not json").is_err());
    }
}
