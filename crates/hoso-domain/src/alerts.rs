//! Alerts for one person (F12): step increases, vượt khung, retirement notice and decision,
//! probation, appointment term, contract, discipline, two failing ratings, incomplete and stale
//! records. Pure: "today", the calendar and the windows are parameters, so a "what-if" preview
//! is the same call with a future `today`.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

use crate::calendar::{HolidayCalendar, format_date};
use crate::career::{
    CareerRules, Discipline, PersonCategory, ProbationTrack, Rating, SalaryPosition,
    two_consecutive_failing,
};
use crate::retirement::{self, Sex};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    StepIncreaseDue,
    BeyondScaleDue,
    RetirementNotice,
    RetirementDecision,
    ProbationEnding,
    AppointmentTermEnding,
    ContractEnding,
    DisciplineEnding,
    TwoFailingRatings,
    RecordIncomplete,
    RecordStale,
    /// A deadline rule in force says the record should have been done by now
    /// ([`crate::late`]).
    DeadlineOverdue,
    /// A change request waits for the HR officer ([`crate::changes::waiting_alert`]).
    VerificationPending,
    /// Verified changes wait for the head's signature ([`crate::changes::waiting_alert`]).
    ApprovalPending,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub kind: AlertKind,
    pub due: Date,
    pub message_vi: String,
    pub legal_basis: String,
    /// The deadline rule the alert follows (`None` for alerts about the record's facts): the
    /// deadline's outcome is kept under it after the alert clears.
    pub rule: Option<RuleRef>,
}

/// A deadline rule as the history of deadlines names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRef {
    pub id: String,
    pub name_vi: String,
}

impl RuleRef {
    pub fn of(rule: &crate::deadlines::DeadlineRule) -> RuleRef {
        RuleRef {
            id: rule.id.clone(),
            name_vi: rule.name_vi.clone(),
        }
    }
}

/// Employment status; only active people get career alerts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonStatus {
    Active,
    Retired,
    Resigned,
    Deceased,
    TransferredOut,
}

/// The facts about a person that alerts need, as plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFacts {
    pub sex: Option<Sex>,
    pub birth_date: Option<Date>,
    pub category: PersonCategory,
    pub salary: Option<SalaryPosition>,
    pub disciplines: Vec<Discipline>,
    pub ratings: Vec<(i32, Rating)>,
    /// Probation track and start, while on probation.
    pub probation: Option<(ProbationTrack, Date)>,
    /// Days not counted towards probation (sick leave ≥ 14 days, unpaid leave…).
    pub probation_excluded_days: i64,
    /// Effective date of the current appointment to a leadership position.
    pub appointment_date: Option<Date>,
    /// End of a fixed-term contract.
    pub contract_end: Option<Date>,
    pub status: PersonStatus,
    pub required_fields_missing: u32,
    pub last_update: Option<Date>,
}

/// How far ahead to warn (days before the due date), and the rules in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertConfig {
    pub step_increase_days: i64,
    pub beyond_scale_days: i64,
    /// Warn this long before the latest date of the retirement notice (6 months before).
    pub retirement_notice_days: i64,
    /// Warn this long before the latest date of the retirement decision (3 months before).
    pub retirement_decision_days: i64,
    pub probation_days: i64,
    /// Warn this long before the reappointment process must start (90 days before the end).
    pub appointment_days: i64,
    /// Warn this long before the renew-or-end decision (60 days before the end).
    pub contract_days: i64,
    pub discipline_days: i64,
    /// A record not updated for this many days is stale.
    pub stale_after_days: i64,
    pub rules: CareerRules,
}

impl Default for AlertConfig {
    fn default() -> Self {
        AlertConfig {
            step_increase_days: 60,
            beyond_scale_days: 60,
            retirement_notice_days: 30,
            retirement_decision_days: 30,
            probation_days: 30,
            appointment_days: 30,
            contract_days: 30,
            discipline_days: 30,
            stale_after_days: 365,
            rules: CareerRules::default(),
        }
    }
}

/// All alerts for `person` as of `today`, sorted by due date. An alert appears from `window`
/// days before its due date and stays while the underlying fact is unchanged (overdue items
/// keep showing) — except retirement ones, which end at the retirement date. Due dates that
/// fall on a day off are moved to the previous working day (act before the break).
pub fn compute_alerts(
    person: &PersonFacts,
    today: Date,
    cal: &HolidayCalendar,
    config: &AlertConfig,
) -> Vec<Alert> {
    let mut alerts = Vec::new();
    let mut push = |kind, due: Date, window: i64, message_vi: String, legal_basis: &str| {
        if today >= due - Duration::days(window) {
            alerts.push(Alert {
                kind,
                due,
                message_vi,
                legal_basis: legal_basis.to_string(),
                rule: None,
            });
        }
    };
    let rules = &config.rules;
    let basis = rules
        .version_on(today)
        .map(|v| v.legal_basis.clone())
        .unwrap_or_default();

    if person.required_fields_missing > 0 {
        push(
            AlertKind::RecordIncomplete,
            today,
            0,
            format!(
                "Hồ sơ còn thiếu {} trường bắt buộc",
                person.required_fields_missing
            ),
            "TT 06/2023/TT-BNV; NĐ 27/2026/NĐ-CP",
        );
    }
    if let Some(last) = person.last_update {
        let due = last + Duration::days(config.stale_after_days);
        push(
            AlertKind::RecordStale,
            due,
            0,
            format!(
                "Hồ sơ chưa được cập nhật từ {} (quá {} ngày)",
                format_date(last),
                config.stale_after_days
            ),
            "TT 06/2023/TT-BNV (cập nhật thường xuyên)",
        );
    }
    if person.status != PersonStatus::Active {
        return sorted(alerts);
    }

    if let (Some(sex), Some(birth)) = (person.sex, person.birth_date) {
        let r = retirement::retirement(sex, birth);
        if today < r.retirement_date {
            let when = format_date(r.retirement_date);
            push(
                AlertKind::RetirementNotice,
                cal.working_day_on_or_before(r.notice_due),
                config.retirement_notice_days,
                format!("Thông báo nghỉ hưu (nghỉ hưu từ {when}) chậm nhất 06 tháng trước"),
                retirement::LEGAL_BASIS,
            );
            push(
                AlertKind::RetirementDecision,
                cal.working_day_on_or_before(r.decision_due),
                config.retirement_decision_days,
                format!(
                    "Ban hành quyết định nghỉ hưu (nghỉ hưu từ {when}) chậm nhất 03 tháng trước"
                ),
                retirement::LEGAL_BASIS,
            );
        }
    }

    if let Some(pos) = &person.salary {
        if let Ok(Some(due)) =
            rules.step_increase_due(pos, person.category, &person.disciplines, &person.ratings)
        {
            push(
                AlertKind::StepIncreaseDue,
                due,
                config.step_increase_days,
                format!(
                    "Đến hạn nâng lương từ bậc {} lên bậc {} ngày {}",
                    pos.step,
                    pos.step + 1,
                    format_date(due)
                ),
                &basis,
            );
        }
        let horizon = today + Duration::days(config.beyond_scale_days);
        if let Ok(Some(b)) = rules.beyond_scale(
            pos,
            person.category,
            &person.disciplines,
            &person.ratings,
            today,
        ) && b.next_due <= horizon
        {
            let next_percent = if b.percent == 0 { 5 } else { b.percent + 1 };
            push(
                AlertKind::BeyondScaleDue,
                b.next_due,
                config.beyond_scale_days,
                format!(
                    "Đến hạn hưởng phụ cấp thâm niên vượt khung {next_percent}% ngày {}",
                    format_date(b.next_due)
                ),
                "NĐ 204/2004/NĐ-CP Điều 6; TT 04/2005/TT-BNV sửa đổi bởi TT 03/2021/TT-BNV",
            );
        }
    }

    if let Some((track, start)) = person.probation
        && let Ok((end, rule)) = rules.probation_end(track, start, person.probation_excluded_days)
    {
        push(
            AlertKind::ProbationEnding,
            end,
            config.probation_days,
            format!(
                "Kết thúc tập sự ngày {}; đánh giá trong 05 ngày làm việc",
                format_date(end)
            ),
            &rule.legal_basis,
        );
    }

    if let Some(appointed) = person.appointment_date
        && let Ok((end, notice)) = rules.appointment_term(appointed)
        && today <= end
    {
        push(
            AlertKind::AppointmentTermEnding,
            notice,
            config.appointment_days,
            format!(
                "Hết thời hạn bổ nhiệm ngày {}; phải tiến hành quy trình bổ nhiệm lại từ {}",
                format_date(end),
                format_date(notice)
            ),
            "NĐ 115/2020/NĐ-CP Điều 43, 49, sửa đổi bởi NĐ 85/2023/NĐ-CP",
        );
    }

    if let Some(end) = person.contract_end
        && let Ok(decide) = rules.contract_decision_due(end)
        && today <= end
    {
        push(
            AlertKind::ContractEnding,
            cal.working_day_on_or_before(decide),
            config.contract_days,
            format!(
                "Hợp đồng hết hạn ngày {}; quyết định ký tiếp hoặc chấm dứt trước 60 ngày",
                format_date(end)
            ),
            "Luật Viên chức 2010 (sửa đổi 2019) Điều 28 khoản 2; BLLĐ 2019 Điều 20",
        );
    }

    for d in &person.disciplines {
        if let Ok(Some(end)) = rules.discipline_end(d)
            && today <= end
        {
            push(
                AlertKind::DisciplineEnding,
                end,
                config.discipline_days,
                format!(
                    "Hết thời hạn kỷ luật (quyết định ngày {}) vào ngày {}",
                    format_date(d.decision_date),
                    format_date(end)
                ),
                &basis,
            );
        }
    }

    if let Some((first, second)) = two_consecutive_failing(&person.ratings)
        && second >= today.year() - 1
    {
        let due = Date::from_calendar_date(second, Month::December, 31).expect("valid");
        let consequence = match person.category {
            PersonCategory::CivilServant => "cơ quan có thẩm quyền cho thôi việc",
            PersonCategory::Cadre => "miễn nhiệm, cho thôi làm nhiệm vụ",
            PersonCategory::PublicEmployee => "đơn vị được đơn phương chấm dứt hợp đồng làm việc",
            PersonCategory::ContractWorker => "xem xét theo hợp đồng",
        };
        push(
            AlertKind::TwoFailingRatings,
            due,
            ALWAYS,
            format!("Hai năm liên tiếp {first}, {second} không hoàn thành nhiệm vụ: {consequence}"),
            "Luật CBCC 2008 Điều 29, 58 (sửa đổi 2019); Luật Viên chức 2010 Điều 29",
        );
    }

    sorted(alerts)
}

/// A window long enough to always show an alert.
const ALWAYS: i64 = 365 * 200;

fn sorted(mut alerts: Vec<Alert>) -> Vec<Alert> {
    alerts.sort_by(|a, b| a.due.cmp(&b.due).then(a.message_vi.cmp(&b.message_vi)));
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::career::{DisciplineForm, SalaryGroup};
    use time::macros::date;

    fn base() -> PersonFacts {
        PersonFacts {
            sex: Some(Sex::Male),
            birth_date: Some(date!(1965 - 03 - 15)),
            category: PersonCategory::CivilServant,
            salary: Some(SalaryPosition {
                group: SalaryGroup::A1,
                step: 3,
                max_step: 9,
                since: date!(2023 - 07 - 01),
            }),
            disciplines: vec![],
            ratings: vec![],
            probation: None,
            probation_excluded_days: 0,
            appointment_date: None,
            contract_end: None,
            status: PersonStatus::Active,
            required_fields_missing: 0,
            last_update: Some(date!(2026 - 01 - 10)),
        }
    }

    fn kinds(p: &PersonFacts, today: Date) -> Vec<(AlertKind, Date)> {
        compute_alerts(
            p,
            today,
            &HolidayCalendar::embedded(),
            &AlertConfig::default(),
        )
        .into_iter()
        .map(|a| (a.kind, a.due))
        .collect()
    }

    #[test]
    fn retirement_and_step_increase_over_time() {
        let p = base();
        // Man born 15/03/1965 retires 01/10/2026: notice by 01/04/2026 (Wed), decision by
        // 01/07/2026 (Wed). Step 3→4 due 01/07/2026.
        assert_eq!(kinds(&p, date!(2026 - 02 - 15)), vec![]);
        assert_eq!(
            kinds(&p, date!(2026 - 03 - 02)),
            vec![(AlertKind::RetirementNotice, date!(2026 - 04 - 01))]
        );
        // What-if preview: the same person seen on 15/06/2026.
        assert_eq!(
            kinds(&p, date!(2026 - 06 - 15)),
            vec![
                (AlertKind::RetirementNotice, date!(2026 - 04 - 01)),
                (AlertKind::RetirementDecision, date!(2026 - 07 - 01)),
                (AlertKind::StepIncreaseDue, date!(2026 - 07 - 01)),
            ]
        );
        // After retirement date: retirement alerts end; the stale record alert starts after a year.
        let after = kinds(&p, date!(2027 - 01 - 11));
        assert!(!after.iter().any(|(k, _)| *k == AlertKind::RetirementNotice));
        assert!(after.contains(&(AlertKind::RecordStale, date!(2027 - 01 - 10))));
    }

    #[test]
    fn due_dates_on_days_off_move_earlier() {
        // Woman born 10/02/1970 → 2027 57y4m → reached 06/2027, retires 01/07/2027; notice due
        // 01/01/2027 (Tết Dương lịch, Fri) → Thu 31/12/2026.
        let mut p = base();
        p.sex = Some(Sex::Female);
        p.birth_date = Some(date!(1970 - 02 - 10));
        p.salary = None;
        let alerts = kinds(&p, date!(2026 - 12 - 15));
        assert_eq!(
            alerts,
            vec![(AlertKind::RetirementNotice, date!(2026 - 12 - 31))]
        );
    }

    #[test]
    fn leap_day_birthday() {
        // Man born 29/02/1964 retires 01/06/2025; decision due 01/03/2025 (Sat) → Fri 28/02/2025.
        let mut p = base();
        p.birth_date = Some(date!(1964 - 02 - 29));
        p.salary = None;
        assert!(
            kinds(&p, date!(2025 - 02 - 10))
                .contains(&(AlertKind::RetirementDecision, date!(2025 - 02 - 28)))
        );
    }

    #[test]
    fn other_alerts() {
        let mut p = base();
        p.birth_date = Some(date!(1980 - 01 - 01));
        p.category = PersonCategory::PublicEmployee;
        p.salary = Some(SalaryPosition {
            group: SalaryGroup::A1,
            step: 9,
            max_step: 9,
            since: date!(2020 - 07 - 01),
        });
        p.probation = Some((
            ProbationTrack::PublicEmployeeUniversity,
            date!(2025 - 11 - 01),
        ));
        p.appointment_date = Some(date!(2021 - 12 - 01));
        p.contract_end = Some(date!(2026 - 12 - 31));
        p.disciplines = vec![Discipline {
            form: DisciplineForm::Warning,
            decision_date: date!(2025 - 11 - 20),
        }];
        p.ratings = vec![(2024, Rating::Failed), (2025, Rating::Failed)];
        p.required_fields_missing = 3;
        let today = date!(2026 - 10 - 22);
        let k = kinds(&p, today);
        // Warning to a viên chức on 20/11/2025 (+6 months) — vượt khung was due 01/7/2026 at 8%
        // before; next is 01/7/2027 → outside the 60-day window: no BeyondScale alert.
        assert!(!k.iter().any(|(a, _)| *a == AlertKind::BeyondScaleDue));
        assert!(k.contains(&(AlertKind::ProbationEnding, date!(2026 - 11 - 01))));
        // Appointment 01/12/2021 → ends 30/11/2026, reappointment process from 01/09/2026.
        assert!(k.contains(&(AlertKind::AppointmentTermEnding, date!(2026 - 09 - 01))));
        // Contract ends 31/12/2026 → decide by 01/11/2026 (Sun) → Fri 30/10/2026.
        assert!(k.contains(&(AlertKind::ContractEnding, date!(2026 - 10 - 30))));
        assert!(k.contains(&(AlertKind::DisciplineEnding, date!(2026 - 11 - 20))));
        assert!(k.contains(&(AlertKind::TwoFailingRatings, date!(2025 - 12 - 31))));
        assert!(k.contains(&(AlertKind::RecordIncomplete, today)));
        // Sorted by due date.
        let dues: Vec<Date> = k.iter().map(|(_, d)| *d).collect();
        let mut s = dues.clone();
        s.sort();
        assert_eq!(dues, s);
    }

    #[test]
    fn beyond_scale_alert() {
        let mut p = base();
        p.birth_date = Some(date!(1980 - 01 - 01));
        // A1 at step 9 since 01/7/2020: 8% from 01/7/2026, 9% due 01/7/2027.
        p.salary = Some(SalaryPosition {
            group: SalaryGroup::A1,
            step: 9,
            max_step: 9,
            since: date!(2020 - 07 - 01),
        });
        let alerts = compute_alerts(
            &p,
            date!(2027 - 05 - 15),
            &HolidayCalendar::embedded(),
            &AlertConfig::default(),
        );
        let a = alerts
            .iter()
            .find(|a| a.kind == AlertKind::BeyondScaleDue)
            .unwrap();
        assert_eq!(a.due, date!(2027 - 07 - 01));
        assert!(a.message_vi.contains("9%"), "{}", a.message_vi);
        assert!(
            kinds(&p, date!(2027 - 04 - 30))
                .iter()
                .all(|(k, _)| *k != AlertKind::BeyondScaleDue)
        );
    }

    #[test]
    fn inactive_people_get_only_record_alerts() {
        let mut p = base();
        p.status = PersonStatus::Retired;
        p.required_fields_missing = 1;
        assert_eq!(
            kinds(&p, date!(2026 - 06 - 15)),
            vec![(AlertKind::RecordIncomplete, date!(2026 - 06 - 15))]
        );
    }
}
