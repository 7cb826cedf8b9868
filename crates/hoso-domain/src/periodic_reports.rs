//! Periodic reports (báo cáo định kỳ): the dated reports each regulation asks of the units and
//! of the Sở Nội vụ (LS Đ13.6 by 15/01, Đ15.7 by 31/01; LC Đ15.6 by 15/01, Đ16.8 by 25/01; ĐT
//! Đ22.6 by 10/01, Đ26.8 by 31/01; ĐN Đ14.1 before 25/5 and 15/12). A rule of a preset with a
//! yearly date, satisfied by a report being sent, has one cycle a year per reporter; the
//! register of what was sent (when, under which document number) tells each cycle met, late,
//! overdue or still running. Pure: the rules, the calendar and "today" are parameters.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::HolidayCalendar;
use crate::deadlines::{DeadlineRule, Trigger};

/// Who sends a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reporter {
    /// Each agency of the province (the units directly under it): sở, ban, ngành, UBND xã…
    Agencies,
    /// The Sở Nội vụ, for the whole province (the root of the tree).
    Province,
}

impl Reporter {
    pub fn label_vi(self) -> &'static str {
        match self {
            Reporter::Agencies => "Từng cơ quan, đơn vị",
            Reporter::Province => "Sở Nội vụ (toàn tỉnh)",
        }
    }
}

/// Whether `rule` asks for a periodic report: a yearly date, satisfied by sending it.
pub fn is_report_rule(rule: &DeadlineRule) -> bool {
    matches!(
        rule.trigger,
        Trigger::FixedYearly { .. } | Trigger::YearlyBeforeDate { .. }
    ) && matches!(
        rule.satisfied_by.as_str(),
        "annual_report_submitted" | "report_submitted"
    )
}

/// Who sends the report of a report rule: the Sở when the text names it, every agency
/// otherwise (đơn vị, sở ban ngành, UBND cấp huyện… each reports for itself).
pub fn reporter(rule: &DeadlineRule) -> Reporter {
    match rule.responsible.as_str() {
        "so_noi_vu" => Reporter::Province,
        _ => Reporter::Agencies,
    }
}

/// One yearly cycle of a report rule: the year of the date the text names, and its due date
/// moved past days off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Cycle {
    pub year: i32,
    pub due: Date,
}

/// The cycle of `year` of a report rule, when the rule is in force on its due date.
pub fn cycle_of_year(rule: &DeadlineRule, year: i32, cal: &HolidayCalendar) -> Option<Cycle> {
    if !is_report_rule(rule) {
        return None;
    }
    let due = rule.due_in_year(year, cal)?;
    rule.in_force(due).then_some(Cycle { year, due })
}

/// The cycles of a report rule that matter on `today`: the last one due before today and the
/// next one (due today or later), each only while the rule is in force. Due dates are computed
/// year by year, so a date moved past Tết one year and not the next never hides a cycle.
/// Empty for a rule that is not a report rule.
pub fn cycles(rule: &DeadlineRule, today: Date, cal: &HolidayCalendar) -> Vec<Cycle> {
    if !is_report_rule(rule) {
        return Vec::new();
    }
    let all: Vec<Cycle> = (today.year() - 2..=today.year() + 2)
        .filter_map(|y| rule.due_in_year(y, cal).map(|due| Cycle { year: y, due }))
        .collect();
    last_and_next(rule, &all, |c| c.due, today)
}

/// Of a rule's cycles in order of their due dates, the last one due before `today` and the
/// next (due today or later), each only while the rule is in force on its due date.
pub(crate) fn last_and_next<C: Copy>(
    rule: &DeadlineRule,
    all: &[C],
    due: impl Fn(&C) -> Date,
    today: Date,
) -> Vec<C> {
    let last = all.iter().rev().find(|c| due(c) < today).copied();
    let next = all.iter().find(|c| due(c) >= today).copied();
    last.into_iter()
        .chain(next)
        .filter(|c| rule.in_force(due(c)))
        .collect()
}

/// Where a report of one cycle stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReportState {
    /// Sent on or before its due date.
    OnTime { sent_on: Date },
    /// Sent after its due date, `days_late` working days late.
    Late { sent_on: Date, days_late: i32 },
    /// Not sent, due date passed, `days_late` working days ago.
    Overdue { days_late: i32 },
    /// Not sent, not yet due; `days_left` working days to go (0: due today).
    Running { days_left: i32 },
}

impl ReportState {
    pub fn of(due: Date, sent_on: Option<Date>, today: Date, cal: &HolidayCalendar) -> Self {
        match sent_on {
            Some(sent_on) if sent_on <= due => ReportState::OnTime { sent_on },
            Some(sent_on) => ReportState::Late {
                sent_on,
                days_late: cal.working_days_between(due, sent_on),
            },
            None if today > due => ReportState::Overdue {
                days_late: cal.working_days_between(due, today),
            },
            None => ReportState::Running {
                days_left: cal.working_days_between(today, due),
            },
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ReportState::OnTime { .. } => "on_time",
            ReportState::Late { .. } => "late",
            ReportState::Overdue { .. } => "overdue",
            ReportState::Running { .. } => "running",
        }
    }

    pub fn label_vi(self) -> String {
        match self {
            ReportState::OnTime { .. } => "Đã gửi đúng hạn".into(),
            // Sent or still owed on the days off right after the due date.
            ReportState::Late { days_late: 0, .. } => "Đã gửi, sau hạn (trong ngày nghỉ)".into(),
            ReportState::Late { days_late, .. } => {
                format!("Đã gửi, trễ {days_late} ngày làm việc")
            }
            ReportState::Overdue { days_late: 0 } => "Quá hạn, chưa gửi".into(),
            ReportState::Overdue { days_late } => {
                format!("Quá hạn {days_late} ngày làm việc, chưa gửi")
            }
            ReportState::Running { days_left: 0 } => "Đến hạn hôm nay".into(),
            ReportState::Running { days_left } => {
                format!("Còn {days_left} ngày làm việc")
            }
        }
    }

    /// Not sent yet.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReportState::Overdue { .. } | ReportState::Running { .. }
        )
    }
}

/// The format of a report's manifest (the bytes the head signs).
pub const REPORT_MANIFEST_FORMAT: &str = "hoso-periodic-report/1";

/// What a report sent says, frozen when it is recorded: the rule and the cycle it answers, the
/// document that carried it, and the unit's headcount (people working in it and the units
/// under it) by ngạch or chức danh nghề nghiệp on that day: what the annual report of every
/// seed asks (LS Đ13.6, LC Đ15.6, ĐT Đ22.6: số lượng theo ngạch, chức danh nghề nghiệp). The
/// head signs these bytes, as an approver signs a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportManifest {
    pub format: String,
    pub rule_id: String,
    pub rule_name: String,
    pub legal_basis: String,
    pub cycle_year: i32,
    /// ISO dates.
    pub due: String,
    pub sent_on: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub reference: String,
    /// Who recorded it (account username) and when (ms since the Unix epoch).
    pub recorded_by: String,
    pub recorded_at: i64,
    /// The day the headcount was taken (ISO).
    pub counted_on: String,
    pub headcount: Vec<HeadcountLine>,
    pub total: i64,
}

/// People working with one ngạch or chức danh (empty code: none recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadcountLine {
    pub code: String,
    pub label: String,
    pub count: i64,
}

impl ReportManifest {
    /// The bytes that are signed: JSON with fields in a fixed order, lines by code, no
    /// insignificant white space, so the same report always gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut canonical = self.clone();
        canonical.headcount.sort_by(|a, b| a.code.cmp(&b.code));
        serde_json::to_vec(&canonical).unwrap_or_default()
    }

    pub fn parse(bytes: &[u8]) -> Result<ReportManifest, String> {
        let m: ReportManifest = serde_json::from_slice(bytes)
            .map_err(|e| format!("Bản kê báo cáo không đọc được: {e}"))?;
        if m.format != REPORT_MANIFEST_FORMAT {
            return Err(format!(
                "Bản kê có định dạng '{}', không phải '{REPORT_MANIFEST_FORMAT}'.",
                m.format
            ));
        }
        if m.headcount.iter().map(|l| l.count).sum::<i64>() != m.total {
            return Err("Bản kê báo cáo: tổng số không bằng cộng các dòng.".into());
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::deadlines::RuleSet;

    fn cal() -> HolidayCalendar {
        HolidayCalendar::embedded()
    }

    fn rule(preset: &str, id: &str) -> DeadlineRule {
        RuleSet::preset(preset).unwrap().get(id).unwrap().clone()
    }

    #[test]
    fn the_report_rules_of_the_presets_and_who_sends_them() {
        let mut found = Vec::new();
        for name in crate::deadlines::PRESETS {
            for r in RuleSet::preset(name).unwrap().rules() {
                if is_report_rule(r) {
                    found.push((r.id.clone(), reporter(r)));
                }
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        let expected = [
            ("dak_nong.report_december", Reporter::Agencies),
            ("dak_nong.report_may", Reporter::Agencies),
            ("dong_thap.annual_report_province", Reporter::Province),
            ("dong_thap.annual_report_unit", Reporter::Agencies),
            ("lai_chau.annual_report_province", Reporter::Province),
            ("lai_chau.annual_report_unit", Reporter::Agencies),
            ("lang_son.annual_report_province", Reporter::Province),
            ("lang_son.annual_report_unit", Reporter::Agencies),
        ];
        assert_eq!(
            found,
            expected
                .iter()
                .map(|(id, r)| (id.to_string(), *r))
                .collect::<Vec<_>>()
        );
        assert!(!is_report_rule(&rule(
            "lang-son-2023",
            "lang_son.monthly_check"
        )));
    }

    fn dues(rule: &DeadlineRule, today: Date) -> Vec<(i32, Date)> {
        cycles(rule, today, &cal())
            .into_iter()
            .map(|c| (c.year, c.due))
            .collect()
    }

    #[test]
    fn cycles_are_the_last_due_and_the_next_moved_past_days_off() {
        // Lạng Sơn Điều 13 khoản 6: by 15/01. 15/01/2028 is a Saturday: Monday 17/01.
        let unit = rule("lang-son-2023", "lang_son.annual_report_unit");
        assert_eq!(
            dues(&unit, date!(2027 - 01 - 20)),
            vec![(2027, date!(2027 - 01 - 15)), (2028, date!(2028 - 01 - 17))]
        );
        // On the due day itself, it is the next cycle's; the last is the year before.
        assert_eq!(
            dues(&unit, date!(2027 - 01 - 15)),
            vec![(2026, date!(2026 - 01 - 15)), (2027, date!(2027 - 01 - 15))]
        );
        assert_eq!(
            dues(&unit, date!(2028 - 01 - 17)),
            vec![(2027, date!(2027 - 01 - 15)), (2028, date!(2028 - 01 - 17))]
        );
        // Lạng Sơn Điều 15 khoản 7: by 31/01, a Saturday in 2026 (Monday 02/02) and a Sunday in
        // 2027 (Monday 01/02): on 02/02/2027 the cycle of 2027 is the last, not lost.
        let province = rule("lang-son-2023", "lang_son.annual_report_province");
        assert_eq!(
            dues(&province, date!(2027 - 02 - 02)),
            vec![(2027, date!(2027 - 02 - 01)), (2028, date!(2028 - 01 - 31))]
        );
        // Lai Châu Điều 16 khoản 8: by 25/01, moved past Tết 2025 (to 03/02/2025); on
        // 30/01/2026 the last is 26/01/2026 (25/01 a Sunday), 357 days after the one before.
        let lai_chau = rule("lai-chau-2024", "lai_chau.annual_report_province");
        assert_eq!(
            cycle_of_year(&lai_chau, 2025, &cal()).map(|c| c.due),
            Some(date!(2025 - 02 - 03))
        );
        assert_eq!(
            dues(&lai_chau, date!(2026 - 01 - 30)),
            vec![(2026, date!(2026 - 01 - 26)), (2027, date!(2027 - 01 - 25))]
        );
        // Đắk Nông Điều 14 khoản 1: before 25/5 and before 15/12 — the working day before; the
        // rule ended on 30/06/2025, so no cycle after it.
        let may = rule("dak-nong-2018", "dak_nong.report_may");
        assert_eq!(
            dues(&may, date!(2025 - 01 - 06)),
            vec![(2024, date!(2024 - 05 - 24)), (2025, date!(2025 - 05 - 23))]
        );
        let december = rule("dak-nong-2018", "dak_nong.report_december");
        assert_eq!(
            dues(&december, date!(2025 - 01 - 06)),
            vec![(2024, date!(2024 - 12 - 13))]
        );
        assert_eq!(cycle_of_year(&december, 2025, &cal()), None, "ended");
        let check = rule("lang-son-2023", "lang_son.monthly_check");
        assert!(dues(&check, date!(2027 - 01 - 20)).is_empty());
        assert_eq!(cycle_of_year(&check, 2027, &cal()), None);
    }

    #[test]
    fn a_cycle_is_met_late_overdue_or_running_in_working_days() {
        let c = cal();
        let due = date!(2027 - 01 - 15);
        let on = |sent: Option<Date>, today| ReportState::of(due, sent, today, &c);
        assert_eq!(
            on(Some(date!(2027 - 01 - 15)), date!(2027 - 02 - 01)),
            ReportState::OnTime {
                sent_on: date!(2027 - 01 - 15)
            }
        );
        // Sent Tuesday 19/01: Monday 18 and Tuesday 19 late.
        let late = on(Some(date!(2027 - 01 - 19)), date!(2027 - 02 - 01));
        assert_eq!(
            late,
            ReportState::Late {
                sent_on: date!(2027 - 01 - 19),
                days_late: 2
            }
        );
        assert_eq!(late.label_vi(), "Đã gửi, trễ 2 ngày làm việc");
        let overdue = on(None, date!(2027 - 01 - 20));
        assert_eq!(overdue, ReportState::Overdue { days_late: 3 });
        assert!(overdue.is_open());
        assert_eq!(
            on(None, date!(2027 - 01 - 11)),
            ReportState::Running { days_left: 4 }
        );
        assert_eq!(on(None, due).label_vi(), "Đến hạn hôm nay");
        assert!(!late.is_open());
        // Due on a Friday, sent on the Saturday after: late, by no working day.
        let weekend = on(Some(date!(2027 - 01 - 16)), date!(2027 - 01 - 18));
        assert_eq!(weekend.label_vi(), "Đã gửi, sau hạn (trong ngày nghỉ)");
        assert_eq!(
            on(None, date!(2027 - 01 - 17)).label_vi(),
            "Quá hạn, chưa gửi"
        );
    }

    #[test]
    fn a_report_manifest_has_one_byte_form() {
        let line = |code: &str, count| HeadcountLine {
            code: code.into(),
            label: format!("Ngạch {code}"),
            count,
        };
        let m = ReportManifest {
            format: REPORT_MANIFEST_FORMAT.into(),
            rule_id: "ls_bao_cao_nam".into(),
            rule_name: "Báo cáo hằng năm".into(),
            legal_basis: "LS Đ13.6".into(),
            cycle_year: 2027,
            due: "2027-01-15".into(),
            sent_on: "2027-01-10".into(),
            unit_id: 7,
            unit_name: "Sở Tài chính".into(),
            reference: "12/BC-STC".into(),
            recorded_by: "qt.stc".into(),
            recorded_at: 1,
            counted_on: "2027-01-10".into(),
            headcount: vec![line("01.003", 5), line("01.002", 2)],
            total: 7,
        };
        let mut shuffled = m.clone();
        shuffled.headcount.reverse();
        assert_eq!(m.to_bytes(), shuffled.to_bytes());
        let parsed = ReportManifest::parse(&m.to_bytes()).unwrap();
        assert_eq!(parsed.headcount[0].code, "01.002");
        assert_eq!(parsed.total, 7);
        let mut wrong = m.clone();
        wrong.total = 8;
        assert!(
            ReportManifest::parse(&wrong.to_bytes())
                .unwrap_err()
                .contains("tổng số")
        );
        let mut other = m.clone();
        other.format = "x".into();
        assert!(ReportManifest::parse(&other.to_bytes()).is_err());
        assert!(ReportManifest::parse(b"{").is_err());
    }
}
