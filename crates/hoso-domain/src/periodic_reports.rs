//! Periodic reports (báo cáo định kỳ): the dated reports each regulation asks of the units and
//! of the Sở Nội vụ (LS Đ13.6 by 15/01, Đ15.7 by 31/01; LC Đ15.6 by 15/01, Đ16.8 by 25/01; ĐT
//! Đ22.6 by 10/01, Đ26.8 by 31/01; ĐN Đ14.1 before 25/5 and 15/12). A rule of a preset with a
//! yearly date, satisfied by a report being sent, has one cycle a year per reporter; the
//! register of what was sent (when, under which document number) tells each cycle met, late,
//! overdue or still running. Pure: the rules, the calendar and "today" are parameters.

use serde::Serialize;
use time::{Date, Duration};

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

/// The due dates of a report rule's cycles that matter on `today`: the last one due (before
/// or on today) and the next one, each moved past days off as the rule says; only cycles due
/// while the rule is in force. Empty for a rule that is not a report rule.
pub fn cycles(rule: &DeadlineRule, today: Date, cal: &HolidayCalendar) -> Vec<Date> {
    if !is_report_rule(rule) {
        return Vec::new();
    }
    // The first due date on or after a day a year back is the last one of the past year.
    let mut dues = vec![
        rule.due_date(today - Duration::days(365), cal),
        rule.due_date(today, cal),
    ];
    dues.dedup();
    dues.retain(|due| rule.in_force(*due));
    dues
}

/// Whether `due` is the due date of one of the rule's cycles (a date a reporter names when it
/// records a report sent: the year before, this year's or next year's).
pub fn is_cycle_due(rule: &DeadlineRule, due: Date, cal: &HolidayCalendar) -> bool {
    is_report_rule(rule) && rule.in_force(due) && rule.due_date(due, cal) == due
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
            ReportState::Late { days_late, .. } => {
                format!("Đã gửi, trễ {days_late} ngày làm việc")
            }
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

    #[test]
    fn cycles_are_the_last_due_and_the_next_moved_past_days_off() {
        let c = cal();
        // Lạng Sơn Điều 13 khoản 6: by 15/01. 15/01/2028 is a Saturday: Monday 17/01.
        let unit = rule("lang-son-2023", "lang_son.annual_report_unit");
        assert_eq!(
            cycles(&unit, date!(2027 - 01 - 20), &c),
            vec![date!(2027 - 01 - 15), date!(2028 - 01 - 17)]
        );
        // On the due day itself, it is the next cycle's.
        assert_eq!(
            cycles(&unit, date!(2027 - 01 - 15), &c),
            vec![date!(2026 - 01 - 15), date!(2027 - 01 - 15)]
        );
        // Đắk Nông Điều 14 khoản 1: before 25/5 and before 15/12 — the working day before; the
        // rule ended on 30/06/2025, so no cycle after it.
        let may = rule("dak-nong-2018", "dak_nong.report_may");
        assert_eq!(
            cycles(&may, date!(2025 - 01 - 06), &c),
            vec![date!(2024 - 05 - 24), date!(2025 - 05 - 23)]
        );
        let december = rule("dak-nong-2018", "dak_nong.report_december");
        assert_eq!(
            cycles(&december, date!(2025 - 01 - 06), &c),
            vec![date!(2024 - 12 - 13)]
        );
        assert!(is_cycle_due(&unit, date!(2027 - 01 - 15), &c));
        assert!(!is_cycle_due(&unit, date!(2027 - 01 - 16), &c));
        assert!(
            !is_cycle_due(&unit, date!(2028 - 01 - 15), &c),
            "a Saturday"
        );
        let check = rule("lang-son-2023", "lang_son.monthly_check");
        assert!(cycles(&check, date!(2027 - 01 - 20), &c).is_empty());
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
    }
}
