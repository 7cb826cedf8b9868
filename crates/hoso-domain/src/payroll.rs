//! The monthly payroll sheet (bảng lương, F6) and the salary cycle of Đồng Tháp's regulation
//! (Đ17): the provincial agencies record each month's pay and its payment date between the 1st
//! and the 10th (khoản 1), the UBND of each district by the 20th (khoản 2), and the Sở Tài
//! chính consolidates what was recorded on the 25th (khoản 3). A sheet's line is one person's
//! pay for the month, computed from the record (NĐ 204/2004 as [`crate::salary`] states it,
//! with the lương cơ sở in force on the month's first day). Pure: the rules, the calendar and
//! "today" are parameters.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::calendar::HolidayCalendar;
use crate::deadlines::{DeadlineRule, Trigger};
use crate::periodic_reports::ReportState;
use crate::salary::{self, Allowances, MonthlySalary, SalaryTables, salary_group_of};

/// A month of pay: `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    pub year: i32,
    pub month: u8,
}

impl Period {
    /// The month `day` is in.
    pub fn of(day: Date) -> Period {
        Period {
            year: day.year(),
            month: day.month() as u8,
        }
    }

    /// `YYYY-MM`, or `MM/YYYY` as people write it.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let (year, month) = match s.split_once('-') {
            Some((y, m)) => (y, m),
            None => {
                let (m, y) = s.split_once('/')?;
                (y, m)
            }
        };
        if year.len() != 4 {
            return None;
        }
        let period = Period {
            year: year.parse().ok()?,
            month: month.parse().ok()?,
        };
        (1..=12).contains(&period.month).then_some(period)
    }

    pub fn first_day(self) -> Date {
        let month = Month::try_from(self.month).expect("checked 1..=12");
        Date::from_calendar_date(self.year, month, 1).expect("first of a month")
    }

    pub fn previous(self) -> Period {
        Period::of(
            self.first_day()
                .previous_day()
                .expect("not the first day of time"),
        )
    }

    pub fn next(self) -> Period {
        Period::of(crate::deadlines::add_months(self.first_day(), 1))
    }

    /// `YYYY-MM`, as stored.
    pub fn code(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// `MM/YYYY`, as shown.
    pub fn label(self) -> String {
        format!("{:02}/{:04}", self.month, self.year)
    }
}

/// Another allowance of the record (section 37.2), from one month to another (open: still paid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowanceRow {
    pub kind: String,
    /// The first day of its first month.
    pub from: Date,
    /// The first day of its last month.
    pub to: Option<Date>,
    pub percent_hundredths: i64,
    pub coefficient_hundredths: i64,
    pub amount: i64,
}

impl AllowanceRow {
    fn paid_in(&self, period: Period) -> bool {
        let month = period.first_day();
        self.from <= month && self.to.is_none_or(|to| month <= to)
    }
}

/// What a record says of a person's pay ([`crate::record_facts::pay_inputs`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayInputs {
    pub rank_code: Option<String>,
    pub step: Option<u32>,
    /// Hệ số lương, hundredths.
    pub coefficient_hundredths: Option<i64>,
    /// Phần trăm hưởng (85% during probation), hundredths of a percent; `None`: all of it.
    pub salary_percent_hundredths: Option<i64>,
    /// Phụ cấp chức vụ, hundredths.
    pub position_hundredths: i64,
    /// Phụ cấp thâm niên vượt khung, whole percent.
    pub beyond_scale_percent: i64,
    /// Phụ cấp kiêm nhiệm, hundredths of a percent.
    pub concurrent_percent_hundredths: i64,
    pub allowances: Vec<AllowanceRow>,
}

/// One person's pay for a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayLine {
    pub coefficient_hundredths: i64,
    /// The share of the salary paid, hundredths of a percent (10000: all of it).
    pub salary_percent_hundredths: i64,
    pub position_hundredths: i64,
    pub beyond_scale_percent: i64,
    /// The allowances paid as a percentage, summed, hundredths of a percent.
    pub percent_allowances_hundredths: i64,
    /// The allowances paid as a coefficient, summed, hundredths.
    pub coefficient_allowances_hundredths: i64,
    pub base_salary: i64,
    pub salary: i64,
    pub position_allowance: i64,
    pub beyond_scale_allowance: i64,
    pub percent_allowances: i64,
    pub coefficient_allowances: i64,
    pub fixed_allowances: i64,
    pub total: i64,
    /// The other allowances counted, by name ("Khu vực 0,20; Ưu đãi nghề 30%").
    pub allowances_counted: String,
}

/// Why a person's pay for a month cannot be computed from the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotComputable {
    #[error("Hồ sơ chưa có hệ số lương (mục 30.1).")]
    NoCoefficient,
    #[error("Chưa có mức lương cơ sở áp dụng cho tháng này.")]
    NoBaseSalary,
}

fn hundredths_vi(h: i64) -> String {
    let (whole, frac) = (h / 100, (h % 100).abs());
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole},{frac:02}")
    }
}

/// One person's pay for `period`, from what the record says: the salary by coefficient (times
/// the share paid), the position allowance, the beyond-scale allowance on the last step of the
/// ngạch's group, the allowances by percentage (kiêm nhiệm and those of 37.2 given as a
/// percentage) on the three, those by coefficient and those in đồng; the lương cơ sở in force on
/// the month's first day; each amount rounded to the đồng.
pub fn pay_line(inputs: &PayInputs, period: Period) -> Result<PayLine, NotComputable> {
    let coefficient = inputs
        .coefficient_hundredths
        .filter(|c| *c > 0)
        .ok_or(NotComputable::NoCoefficient)?;
    let last_step_hundredths = inputs
        .rank_code
        .as_deref()
        .and_then(salary_group_of)
        .and_then(|g| {
            let tables = SalaryTables::embedded();
            let last = tables.max_step(g.table, &g.group)?;
            tables.coefficient(g.table, &g.group, last)
        })
        // A rank outside the tables: the allowance on the person's own coefficient.
        .unwrap_or(coefficient);
    // Section 37.2 is for the other allowances, yet records often list the position, beyond-
    // scale or concurrent-post allowance there too: paid once, from section 30.
    let counted_in_section_30 = |a: &AllowanceRow| {
        let kind = crate::search_key::fold(&a.kind);
        (inputs.position_hundredths > 0 && kind.contains("chuc vu"))
            || (inputs.beyond_scale_percent > 0 && kind.contains("vuot khung"))
            || (inputs.concurrent_percent_hundredths > 0 && kind.contains("kiem nhiem"))
    };
    let paid: Vec<&AllowanceRow> = inputs
        .allowances
        .iter()
        .filter(|a| a.paid_in(period) && !counted_in_section_30(a))
        .collect();
    let percent = inputs.concurrent_percent_hundredths
        + paid.iter().map(|a| a.percent_hundredths).sum::<i64>();
    let coefficient_allowances = paid.iter().map(|a| a.coefficient_hundredths).sum::<i64>();
    let fixed = paid.iter().map(|a| a.amount).sum::<i64>();
    let mut counted: Vec<String> = Vec::new();
    if inputs.concurrent_percent_hundredths > 0 {
        counted.push(format!(
            "Kiêm nhiệm {}%",
            hundredths_vi(inputs.concurrent_percent_hundredths)
        ));
    }
    for a in &paid {
        let name = if a.kind.is_empty() {
            "Phụ cấp"
        } else {
            &a.kind
        };
        let mut parts = Vec::new();
        if a.percent_hundredths != 0 {
            parts.push(format!("{}%", hundredths_vi(a.percent_hundredths)));
        }
        if a.coefficient_hundredths != 0 {
            parts.push(hundredths_vi(a.coefficient_hundredths));
        }
        if a.amount != 0 {
            parts.push(format!("{} đ", a.amount));
        }
        counted.push(format!("{name} {}", parts.join(" + ")).trim().to_string());
    }
    let allowances = Allowances {
        salary_percent_hundredths: inputs
            .salary_percent_hundredths
            .filter(|p| *p > 0 && *p < 10_000),
        position_hundredths: inputs.position_hundredths,
        beyond_scale_percent: inputs.beyond_scale_percent,
        last_step_hundredths,
        percent_hundredths: percent,
        coefficient_hundredths: coefficient_allowances,
        fixed_amount: fixed,
    };
    let MonthlySalary {
        base_salary,
        salary,
        position_allowance,
        beyond_scale_allowance,
        percent_allowances,
        coefficient_allowances: coefficient_amount,
        fixed_allowances,
        total,
    } = salary::monthly_salary(coefficient, &allowances, period.first_day())
        .ok_or(NotComputable::NoBaseSalary)?;
    Ok(PayLine {
        coefficient_hundredths: coefficient,
        salary_percent_hundredths: allowances.salary_percent_hundredths.unwrap_or(10_000),
        position_hundredths: inputs.position_hundredths,
        beyond_scale_percent: inputs.beyond_scale_percent,
        percent_allowances_hundredths: percent,
        coefficient_allowances_hundredths: coefficient_allowances,
        base_salary,
        salary,
        position_allowance,
        beyond_scale_allowance,
        percent_allowances,
        coefficient_allowances: coefficient_amount,
        fixed_allowances,
        total,
        allowances_counted: counted.join("; "),
    })
}

/// What a salary rule asks, and of whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SalaryDuty {
    /// The provincial agencies (sở, ban, ngành, tổ chức chính trị – xã hội cấp tỉnh: the units
    /// right under the province other than districts and communes) record their sheet.
    ProvincialAgencies,
    /// Each district's UBND records the sheet of its units.
    Districts,
    /// The Sở Tài chính consolidates the sheets of the month, for the province.
    Consolidation,
}

impl SalaryDuty {
    pub fn label_vi(self) -> &'static str {
        match self {
            SalaryDuty::ProvincialAgencies => "Sở, ban, ngành, tổ chức cấp tỉnh",
            SalaryDuty::Districts => "UBND huyện, thành phố",
            SalaryDuty::Consolidation => "Sở Tài chính (toàn tỉnh)",
        }
    }
}

/// The duty of a rule of the salary cycle: a monthly day or window satisfied by the sheet
/// recorded (`salary_updated`: the districts' when the text names their UBND, the provincial
/// agencies' otherwise) or by the consolidation (`salary_consolidated`). `None` for any other
/// rule.
pub fn duty(rule: &DeadlineRule) -> Option<SalaryDuty> {
    if !matches!(
        rule.trigger,
        Trigger::MonthlyDay { .. } | Trigger::MonthlyWindow { .. }
    ) {
        return None;
    }
    match rule.satisfied_by.as_str() {
        "salary_updated" if rule.responsible == "ubnd_cap_huyen" => Some(SalaryDuty::Districts),
        "salary_updated" => Some(SalaryDuty::ProvincialAgencies),
        "salary_consolidated" if matches!(rule.trigger, Trigger::MonthlyDay { .. }) => {
            Some(SalaryDuty::Consolidation)
        }
        _ => None,
    }
}

/// One month of a salary rule: the month, the first day it may be done, its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SalaryCycle {
    pub period: Period,
    pub opens: Date,
    pub due: Date,
}

/// The month `period` of a salary rule, when the rule is in force on its due date.
pub fn cycle_of(rule: &DeadlineRule, period: Period, cal: &HolidayCalendar) -> Option<SalaryCycle> {
    duty(rule)?;
    let (opens, due) = rule.due_in_month(period.year, period.month, cal)?;
    rule.in_force(due)
        .then_some(SalaryCycle { period, opens, due })
}

/// The months of a salary rule that matter on `today`: the last one due before today and
/// this month's or the next (due today or later), each only while the rule is in force. Empty
/// for a rule that is not a salary rule.
pub fn cycles(rule: &DeadlineRule, today: Date, cal: &HolidayCalendar) -> Vec<SalaryCycle> {
    if duty(rule).is_none() {
        return Vec::new();
    }
    let this = Period::of(today);
    let months = [
        this.previous().previous(),
        this.previous(),
        this,
        this.next(),
    ];
    let all: Vec<SalaryCycle> = months
        .into_iter()
        .filter_map(|p| {
            rule.due_in_month(p.year, p.month, cal)
                .map(|(opens, due)| SalaryCycle {
                    period: p,
                    opens,
                    due,
                })
        })
        .collect();
    crate::periodic_reports::last_and_next(rule, &all, |c| c.due, today)
}

/// Where a month of a salary rule stands, from the day its sheet (or consolidation) was first
/// recorded: as a report sent ([`ReportState`]).
pub fn state(
    cycle: &SalaryCycle,
    done_on: Option<Date>,
    today: Date,
    cal: &HolidayCalendar,
) -> ReportState {
    ReportState::of(cycle.due, done_on, today, cal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadlines::RuleSet;
    use time::macros::date;

    fn rule(id: &str) -> DeadlineRule {
        RuleSet::preset("dong-thap-2024")
            .unwrap()
            .rules()
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .clone()
    }

    fn cal() -> HolidayCalendar {
        HolidayCalendar::embedded()
    }

    #[test]
    fn periods_parse_and_print() {
        let p = Period::parse("2026-07").unwrap();
        assert_eq!(Period::parse("07/2026"), Some(p));
        assert_eq!(p.code(), "2026-07");
        assert_eq!(p.label(), "07/2026");
        assert_eq!(p.first_day(), date!(2026 - 07 - 01));
        assert_eq!(
            Period::parse("2026-01").unwrap().previous().code(),
            "2025-12"
        );
        for bad in ["2026-13", "2026-00", "26-07", "tháng bảy", ""] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_three_rules_of_dong_thap_article_17() {
        assert_eq!(
            duty(&rule("dong_thap.salary_update_provincial")),
            Some(SalaryDuty::ProvincialAgencies)
        );
        assert_eq!(
            duty(&rule("dong_thap.salary_update_district")),
            Some(SalaryDuty::Districts)
        );
        assert_eq!(
            duty(&rule("dong_thap.salary_consolidation")),
            Some(SalaryDuty::Consolidation)
        );
        assert_eq!(duty(&rule("dong_thap.report_arrival")), None);
        for id in [
            "dong_thap.salary_update_provincial",
            "dong_thap.salary_update_district",
            "dong_thap.salary_consolidation",
        ] {
            assert!(rule(id).is_tracked(), "{id}");
        }
    }

    #[test]
    fn the_window_runs_from_the_first_to_the_tenth_moved_past_tet() {
        let r = rule("dong_thap.salary_update_provincial");
        let c = cal();
        // October 2026: the 10th is a Saturday → due Monday 12/10.
        let oct = cycle_of(&r, Period::parse("2026-10").unwrap(), &c).unwrap();
        assert_eq!(oct.opens, date!(2026 - 10 - 01));
        assert_eq!(oct.due, date!(2026 - 10 - 12));
        // February 2027: Tết holidays run to 12/02 (Mồng 6); the 10th is inside them.
        let feb = cycle_of(&r, Period::parse("2027-02").unwrap(), &c).unwrap();
        assert!(feb.due > date!(2027 - 02 - 10));
        assert!(c.is_working_day(feb.due));
        // The district's: the 20th; the Sở Tài chính's: the 25th (Sunday 25/10/2026 → 26/10).
        let d = cycle_of(
            &rule("dong_thap.salary_update_district"),
            Period::parse("2026-10").unwrap(),
            &c,
        )
        .unwrap();
        assert_eq!(d.due, date!(2026 - 10 - 20));
        let s = cycle_of(
            &rule("dong_thap.salary_consolidation"),
            Period::parse("2026-10").unwrap(),
            &c,
        )
        .unwrap();
        assert_eq!(s.due, date!(2026 - 10 - 26));
    }

    #[test]
    fn the_months_that_matter_are_the_last_due_and_the_next() {
        let r = rule("dong_thap.salary_update_provincial");
        let c = cal();
        let on = |d| {
            cycles(&r, d, &c)
                .iter()
                .map(|c| c.period.code())
                .collect::<Vec<_>>()
        };
        assert_eq!(on(date!(2026 - 12 - 06)), ["2026-11", "2026-12"]);
        assert_eq!(on(date!(2026 - 12 - 15)), ["2026-12", "2027-01"]);
        // Before the regulation took effect (06/12/2024) nothing is due.
        assert!(on(date!(2024 - 10 - 01)).is_empty());
    }

    #[test]
    fn a_month_is_met_late_overdue_or_running() {
        let r = rule("dong_thap.salary_update_provincial");
        let c = cal();
        let dec = cycle_of(&r, Period::parse("2026-12").unwrap(), &c).unwrap();
        assert_eq!(dec.due, date!(2026 - 12 - 10));
        let today = date!(2026 - 12 - 15);
        assert_eq!(
            state(&dec, Some(date!(2026 - 12 - 03)), today, &c).code(),
            "on_time"
        );
        assert_eq!(
            state(&dec, Some(date!(2026 - 12 - 14)), today, &c),
            ReportState::Late {
                sent_on: date!(2026 - 12 - 14),
                days_late: 2
            }
        );
        assert_eq!(state(&dec, None, today, &c).code(), "overdue");
        assert_eq!(
            state(&dec, None, date!(2026 - 12 - 08), &c),
            ReportState::Running { days_left: 2 }
        );
    }

    fn chuyen_vien(step: u32, coefficient: i64) -> PayInputs {
        PayInputs {
            rank_code: Some("01.003".into()),
            step: Some(step),
            coefficient_hundredths: Some(coefficient),
            ..PayInputs::default()
        }
    }

    #[test]
    fn a_line_is_the_salary_by_coefficient_with_the_base_salary_of_the_month() {
        let p = chuyen_vien(3, 300);
        let june = pay_line(&p, Period::parse("2026-06").unwrap()).unwrap();
        assert_eq!(june.base_salary, 2_340_000);
        assert_eq!(june.total, 7_020_000);
        let july = pay_line(&p, Period::parse("2026-07").unwrap()).unwrap();
        assert_eq!(july.total, 7_590_000);
        assert_eq!(july.salary_percent_hundredths, 10_000);
        assert_eq!(
            pay_line(&PayInputs::default(), Period::parse("2026-07").unwrap()),
            Err(NotComputable::NoCoefficient)
        );
        assert_eq!(
            pay_line(&p, Period::parse("2001-01").unwrap()),
            Err(NotComputable::NoBaseSalary)
        );
    }

    #[test]
    fn probation_pays_its_share_and_allowances_count_in_their_months() {
        let mut p = chuyen_vien(1, 234);
        p.salary_percent_hundredths = Some(8500);
        p.position_hundredths = 20;
        p.allowances = vec![
            AllowanceRow {
                kind: "Khu vực".into(),
                from: date!(2026 - 01 - 01),
                to: None,
                percent_hundredths: 0,
                coefficient_hundredths: 10,
                amount: 0,
            },
            AllowanceRow {
                kind: "Ưu đãi nghề".into(),
                from: date!(2026 - 01 - 01),
                to: Some(date!(2026 - 06 - 01)),
                percent_hundredths: 3000,
                coefficient_hundredths: 0,
                amount: 0,
            },
        ];
        let july = pay_line(&p, Period::parse("2026-07").unwrap()).unwrap();
        // 2,34 × 2.530.000 × 85% = 5.032.170; PCCV 0,20 × 2.530.000 = 506.000; khu vực 253.000;
        // ưu đãi nghề ended in June.
        assert_eq!(july.salary, 5_032_170);
        assert_eq!(july.position_allowance, 506_000);
        assert_eq!(july.coefficient_allowances, 253_000);
        assert_eq!(july.percent_allowances, 0);
        assert_eq!(july.total, 5_032_170 + 506_000 + 253_000);
        assert_eq!(july.allowances_counted, "Khu vực 0,10");
        let june = pay_line(&p, Period::parse("2026-06").unwrap()).unwrap();
        // June: 30% of (2,34 × 2.340.000 × 85% + 0,20 × 2.340.000) = 30% of 5.122.260.
        assert_eq!(june.salary, 4_654_260);
        assert_eq!(june.percent_allowances, 1_536_678);
        assert_eq!(june.allowances_counted, "Khu vực 0,10; Ưu đãi nghề 30%");
    }

    #[test]
    fn an_allowance_of_section_30_listed_again_in_37_2_is_paid_once() {
        let mut p = chuyen_vien(3, 300);
        p.position_hundredths = 30;
        p.allowances = vec![AllowanceRow {
            kind: "Phụ cấp chức vụ".into(),
            from: date!(2020 - 03 - 01),
            to: None,
            percent_hundredths: 0,
            coefficient_hundredths: 30,
            amount: 0,
        }];
        let july = pay_line(&p, Period::parse("2026-07").unwrap()).unwrap();
        assert_eq!(july.position_allowance, 759_000);
        assert_eq!(july.coefficient_allowances, 0);
        assert_eq!(july.total, 7_590_000 + 759_000);
        // Without a position allowance in section 30, the row of 37.2 is what is paid.
        p.position_hundredths = 0;
        let july = pay_line(&p, Period::parse("2026-07").unwrap()).unwrap();
        assert_eq!(july.coefficient_allowances, 759_000);
    }

    #[test]
    fn beyond_scale_counts_on_the_last_step_of_the_group() {
        let mut p = chuyen_vien(9, 498);
        p.beyond_scale_percent = 8;
        let july = pay_line(&p, Period::parse("2026-07").unwrap()).unwrap();
        assert_eq!(july.beyond_scale_allowance, 1_007_952);
        assert_eq!(july.total, 12_599_400 + 1_007_952);
    }
}
