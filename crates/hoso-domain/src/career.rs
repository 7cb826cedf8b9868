//! Career rules (rules.md §B, §D4, §E): salary step increases and their delays, seniority
//! beyond the scale (vượt khung), probation, appointment terms, contracts, discipline, and two
//! consecutive failing ratings. Every rule is data with `effective_from`/`effective_to`; a
//! computation uses the version in force on the day that starts the period (step start,
//! decision date, probation start…).

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::{Date, Duration, Month};

use crate::calendar::format_date;
use crate::deadlines::add_months;

/// Kind of personnel (the legal regime that applies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonCategory {
    /// Cán bộ.
    Cadre,
    /// Công chức.
    CivilServant,
    /// Viên chức.
    PublicEmployee,
    /// Người lao động (hợp đồng).
    ContractWorker,
}

/// Salary group of NĐ 204/2004 that decides the step interval (rules.md §A3, §B1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalaryGroup {
    /// Bảng 1, chuyên gia cao cấp: 60 months.
    SeniorExpert,
    /// Loại A3 (A3.1, A3.2): 36 months.
    A3,
    /// Loại A2 (A2.1, A2.2): 36 months.
    A2,
    /// Loại A1: 36 months.
    A1,
    /// Loại A0: 36 months.
    A0,
    /// Loại B: 24 months.
    B,
    /// Loại C (C1, C2, C3): 24 months.
    C,
    /// Bảng 4 (nhân viên thừa hành, phục vụ): 24 months.
    Table4,
}

/// Disciplinary forms (hình thức kỷ luật).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisciplineForm {
    /// Khiển trách.
    Reprimand,
    /// Cảnh cáo.
    Warning,
    /// Giáng chức.
    Demotion,
    /// Cách chức.
    Dismissal,
    /// Buộc thôi việc (ends employment; no period).
    ForcedResignation,
}

/// Annual rating (D2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Excellent,
    Good,
    Completed,
    /// Không hoàn thành nhiệm vụ.
    Failed,
}

/// A disciplinary decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discipline {
    pub form: DisciplineForm,
    pub decision_date: Date,
}

/// Where a person stands in their salary scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalaryPosition {
    pub group: SalaryGroup,
    pub step: u8,
    pub max_step: u8,
    /// Date from which the current step is held (ngày hưởng bậc hiện tại).
    pub since: Date,
}

/// Whose probation, and by which requirement (rules.md §E1, §E2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbationTrack {
    /// Viên chức, title requiring a university degree.
    PublicEmployeeUniversity,
    /// Viên chức bác sĩ.
    PublicEmployeeDoctor,
    /// Viên chức, college.
    PublicEmployeeCollege,
    /// Viên chức, intermediate.
    PublicEmployeeIntermediate,
    /// Công chức loại C (NĐ 138/2020).
    CivilServantTypeC,
    /// Công chức loại D (NĐ 138/2020).
    CivilServantTypeD,
}

/// One probation duration in force for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbationRule {
    pub track: ProbationTrack,
    pub months: u32,
    pub legal_basis: String,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
}

/// A version of the step, delay, term and discipline rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareerRuleVersion {
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    pub legal_basis: String,
    /// Months per step for A0–A3 (36), B/C/Bảng 4 (24), chuyên gia cao cấp (60).
    pub long_interval_months: u32,
    pub short_interval_months: u32,
    pub senior_expert_interval_months: u32,
    /// Vượt khung: first percentage and yearly increment.
    pub beyond_scale_first_percent: u32,
    pub beyond_scale_yearly_percent: u32,
    /// Delay of a step increase by discipline, per category and form (B2).
    pub discipline_delays: Vec<(PersonCategory, DisciplineForm, u32)>,
    /// Delay per year rated "không hoàn thành nhiệm vụ" (B2).
    pub failing_year_delay_months: u32,
    /// How long a disciplinary measure lasts.
    pub discipline_effect_months: u32,
    pub appointment_term_months: u32,
    pub reappointment_notice_days: u32,
    pub contract_notice_days: u32,
}

/// Career rules over time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareerRules {
    pub versions: Vec<CareerRuleVersion>,
    pub probation: Vec<ProbationRule>,
}

/// A computation for which no rule is known.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CareerError {
    #[error("Không có quy định {what} có hiệu lực vào ngày {date}")]
    NoRuleInForce { what: &'static str, date: String },
}

fn ymd(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).expect("valid constant date")
}

fn in_range(from: Date, to: Option<Date>, day: Date) -> bool {
    from <= day && to.is_none_or(|t| day <= t)
}

impl Default for CareerRules {
    /// The rules of rules.md as of mid-2026.
    fn default() -> Self {
        use DisciplineForm::*;
        use PersonCategory::*;
        let mut delays = Vec::new();
        // B2: 12 months: cán bộ cách chức; công chức giáng chức/cách chức; viên chức, NLĐ cách chức.
        // 6 months: CB, CC, NLĐ khiển trách/cảnh cáo; VC cảnh cáo. 3 months: VC, NLĐ khiển trách.
        for (cat, form, months) in [
            (Cadre, Dismissal, 12),
            (Cadre, Reprimand, 6),
            (Cadre, Warning, 6),
            (CivilServant, Demotion, 12),
            (CivilServant, Dismissal, 12),
            (CivilServant, Reprimand, 6),
            (CivilServant, Warning, 6),
            (PublicEmployee, Dismissal, 12),
            (PublicEmployee, Warning, 6),
            (PublicEmployee, Reprimand, 3),
            (ContractWorker, Dismissal, 12),
            (ContractWorker, Warning, 6),
            (ContractWorker, Reprimand, 3),
        ] {
            delays.push((cat, form, months));
        }
        let probation = |track, months, basis: &str, from: Date, to: Option<Date>| ProbationRule {
            track,
            months,
            legal_basis: basis.to_string(),
            effective_from: from,
            effective_to: to,
        };
        let nd85 = "NĐ 115/2020/NĐ-CP Điều 21, sửa đổi bởi NĐ 85/2023/NĐ-CP";
        let nd138 = "NĐ 138/2020/NĐ-CP Điều 20 (chưa kiểm chứng)";
        let from85 = ymd(2023, Month::December, 7);
        let from138 = ymd(2020, Month::November, 27);
        let to138 = Some(ymd(2025, Month::June, 30));
        CareerRules {
            versions: vec![CareerRuleVersion {
                // TT 08/2013 applied from 2013; the delay table is the one amended by TT 03/2021
                // (rules.md §B2): the pre-2021 table is not in rules.md, so this version covers
                // the whole period until a verified older version is added.
                effective_from: ymd(2013, Month::September, 15),
                effective_to: None,
                legal_basis: "TT 08/2013/TT-BNV Điều 2, sửa đổi bởi TT 03/2021/TT-BNV; NĐ 204/2004/NĐ-CP Điều 6".into(),
                long_interval_months: 36,
                short_interval_months: 24,
                senior_expert_interval_months: 60,
                beyond_scale_first_percent: 5,
                beyond_scale_yearly_percent: 1,
                discipline_delays: delays,
                failing_year_delay_months: 6,
                discipline_effect_months: 12,
                appointment_term_months: 60,
                reappointment_notice_days: 90,
                contract_notice_days: 60,
            }],
            probation: vec![
                probation(ProbationTrack::PublicEmployeeUniversity, 12, nd85, from85, None),
                probation(ProbationTrack::PublicEmployeeDoctor, 9, nd85, from85, None),
                probation(ProbationTrack::PublicEmployeeCollege, 9, nd85, from85, None),
                probation(ProbationTrack::PublicEmployeeIntermediate, 6, nd85, from85, None),
                probation(ProbationTrack::CivilServantTypeC, 12, nd138, from138, to138),
                probation(ProbationTrack::CivilServantTypeD, 6, nd138, from138, to138),
            ],
        }
    }
}

impl CareerRules {
    /// The version in force on `day`.
    pub fn version_on(&self, day: Date) -> Result<&CareerRuleVersion, CareerError> {
        self.versions
            .iter()
            .find(|v| in_range(v.effective_from, v.effective_to, day))
            .ok_or(CareerError::NoRuleInForce {
                what: "nâng bậc lương",
                date: format_date(day),
            })
    }

    fn interval(v: &CareerRuleVersion, group: SalaryGroup) -> u32 {
        match group {
            SalaryGroup::SeniorExpert => v.senior_expert_interval_months,
            SalaryGroup::A3 | SalaryGroup::A2 | SalaryGroup::A1 | SalaryGroup::A0 => {
                v.long_interval_months
            }
            SalaryGroup::B | SalaryGroup::C | SalaryGroup::Table4 => v.short_interval_months,
        }
    }

    /// End of a holding period of `months` from `start`, extended by the delays (B2) of every
    /// discipline decided and every failing year ending within the (extended) period. The delay
    /// of each event follows the rule in force on its date; discipline and failure add up.
    fn period_end(
        &self,
        start: Date,
        months: u32,
        category: PersonCategory,
        disciplines: &[Discipline],
        ratings: &[(i32, Rating)],
    ) -> Result<Date, CareerError> {
        let mut end = add_months(start, months as i32);
        loop {
            let mut delay = 0;
            for d in disciplines {
                if d.decision_date >= start && d.decision_date < end {
                    let v = self.version_on(d.decision_date)?;
                    delay += v
                        .discipline_delays
                        .iter()
                        .find(|(c, f, _)| *c == category && *f == d.form)
                        .map_or(0, |(.., m)| *m);
                }
            }
            for (year, rating) in ratings {
                let year_end = ymd(*year, Month::December, 31);
                if *rating == Rating::Failed && year_end >= start && year_end < end {
                    delay += self.version_on(year_end)?.failing_year_delay_months;
                }
            }
            let extended = add_months(start, (months + delay) as i32);
            if extended == end {
                return Ok(end);
            }
            end = extended;
        }
    }

    /// Due date of the next regular step increase, or `None` at the last step (then see
    /// [`CareerRules::beyond_scale`]). rules.md §B1: `since + N months + delays`.
    pub fn step_increase_due(
        &self,
        position: &SalaryPosition,
        category: PersonCategory,
        disciplines: &[Discipline],
        ratings: &[(i32, Rating)],
    ) -> Result<Option<Date>, CareerError> {
        if position.step >= position.max_step {
            return Ok(None);
        }
        let v = self.version_on(position.since)?;
        let months = Self::interval(v, position.group);
        self.period_end(position.since, months, category, disciplines, ratings)
            .map(Some)
    }

    /// Vượt khung at the last step (rules.md §A4): the date the first 5% is due (after 36
    /// months at the last step for A0–A3, 24 for B, C, Bảng 4, delayed like step increases), the
    /// percentage in force `on` a day, and the date of the next change after `on`. `None` if the
    /// person is not at the last step or the group has no vượt khung in rules.md (chuyên gia cao
    /// cấp).
    pub fn beyond_scale(
        &self,
        position: &SalaryPosition,
        category: PersonCategory,
        disciplines: &[Discipline],
        ratings: &[(i32, Rating)],
        on: Date,
    ) -> Result<Option<BeyondScale>, CareerError> {
        if position.step < position.max_step || position.group == SalaryGroup::SeniorExpert {
            return Ok(None);
        }
        let v = self.version_on(position.since)?;
        let first_due = self.period_end(
            position.since,
            Self::interval(v, position.group),
            category,
            disciplines,
            ratings,
        )?;
        let mut percent = 0;
        let mut next = first_due;
        while next <= on {
            percent = if percent == 0 {
                v.beyond_scale_first_percent
            } else {
                percent + v.beyond_scale_yearly_percent
            };
            next = self.period_end(next, 12, category, disciplines, ratings)?;
        }
        Ok(Some(BeyondScale {
            first_due,
            percent,
            next_due: next,
        }))
    }

    /// The day probation ends (rules.md §E1: start + duration + excluded days), by the rule in
    /// force on the start day.
    pub fn probation_end(
        &self,
        track: ProbationTrack,
        start: Date,
        excluded_days: i64,
    ) -> Result<(Date, &ProbationRule), CareerError> {
        let rule = self
            .probation
            .iter()
            .find(|r| r.track == track && in_range(r.effective_from, r.effective_to, start))
            .ok_or(CareerError::NoRuleInForce {
                what: "tập sự",
                date: format_date(start),
            })?;
        let end = add_months(start, rule.months as i32) + Duration::days(excluded_days);
        Ok((end, rule))
    }

    /// Last day of an appointment term (rules.md §E3: effective date + 5 years − 1 day) and the
    /// day the reappointment process must start (90 days before).
    pub fn appointment_term(&self, effective: Date) -> Result<(Date, Date), CareerError> {
        let v = self.version_on(effective)?;
        let end = add_months(effective, v.appointment_term_months as i32) - Duration::days(1);
        Ok((
            end,
            end - Duration::days(i64::from(v.reappointment_notice_days)),
        ))
    }

    /// The day the head must decide to renew or end a contract (rules.md §E4: 60 days before
    /// it ends).
    pub fn contract_decision_due(&self, contract_end: Date) -> Result<Date, CareerError> {
        let v = self.version_on(contract_end)?;
        Ok(contract_end - Duration::days(i64::from(v.contract_notice_days)))
    }

    /// The first day a disciplinary measure no longer has effect (decision + 12 months by
    /// default), or `None` for buộc thôi việc.
    pub fn discipline_end(&self, d: &Discipline) -> Result<Option<Date>, CareerError> {
        if d.form == DisciplineForm::ForcedResignation {
            return Ok(None);
        }
        let v = self.version_on(d.decision_date)?;
        Ok(Some(add_months(
            d.decision_date,
            v.discipline_effect_months as i32,
        )))
    }
}

/// Seniority allowance beyond the scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BeyondScale {
    /// Date the first 5% is due.
    pub first_due: Date,
    /// Percentage in force on the day asked (0 before `first_due`).
    pub percent: u32,
    /// Date of the next increase after the day asked.
    pub next_due: Date,
}

/// The latest two consecutive years rated "không hoàn thành nhiệm vụ" (rules.md §D4), if any.
pub fn two_consecutive_failing(ratings: &[(i32, Rating)]) -> Option<(i32, i32)> {
    let failed: std::collections::BTreeSet<i32> = ratings
        .iter()
        .filter(|(_, r)| *r == Rating::Failed)
        .map(|(y, _)| *y)
        .collect();
    failed
        .iter()
        .rev()
        .find(|y| failed.contains(&(**y - 1)))
        .map(|y| (y - 1, *y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn a1(step: u8, since: Date) -> SalaryPosition {
        SalaryPosition {
            group: SalaryGroup::A1,
            step,
            max_step: 9,
            since,
        }
    }

    #[test]
    fn regular_step_increase() {
        let r = CareerRules::default();
        // rules.md §B1: chuyên viên A1 bậc 3 from 01/7/2023 → 01/7/2026.
        let p = a1(3, date!(2023 - 07 - 01));
        assert_eq!(
            r.step_increase_due(&p, PersonCategory::CivilServant, &[], &[]),
            Ok(Some(date!(2026 - 07 - 01)))
        );
        // Cán sự (B) bậc 5 from 01/3/2025 → 01/3/2027.
        let b = SalaryPosition {
            group: SalaryGroup::B,
            step: 5,
            max_step: 12,
            since: date!(2025 - 03 - 01),
        };
        assert_eq!(
            r.step_increase_due(&b, PersonCategory::CivilServant, &[], &[]),
            Ok(Some(date!(2027 - 03 - 01)))
        );
        // Chuyên gia cao cấp: 60 months.
        let e = SalaryPosition {
            group: SalaryGroup::SeniorExpert,
            step: 1,
            max_step: 3,
            since: date!(2024 - 02 - 29),
        };
        assert_eq!(
            r.step_increase_due(&e, PersonCategory::CivilServant, &[], &[]),
            Ok(Some(date!(2029 - 02 - 28)))
        );
        // Last step: no regular increase.
        assert_eq!(
            r.step_increase_due(
                &a1(9, date!(2020 - 07 - 01)),
                PersonCategory::CivilServant,
                &[],
                &[]
            ),
            Ok(None)
        );
    }

    #[test]
    fn delays_rules_md_b2() {
        let r = CareerRules::default();
        let p = a1(3, date!(2023 - 07 - 01));
        let reprimand = [Discipline {
            form: DisciplineForm::Reprimand,
            decision_date: date!(2024 - 05 - 10),
        }];
        // Công chức khiển trách → +6 → 01/01/2027.
        assert_eq!(
            r.step_increase_due(&p, PersonCategory::CivilServant, &reprimand, &[]),
            Ok(Some(date!(2027 - 01 - 01)))
        );
        // Viên chức khiển trách → +3 → 01/10/2026.
        assert_eq!(
            r.step_increase_due(&p, PersonCategory::PublicEmployee, &reprimand, &[]),
            Ok(Some(date!(2026 - 10 - 01)))
        );
        // 2025 rated KHTNV → +6 → 01/01/2027.
        let failed_2025 = [(2025, Rating::Failed), (2024, Rating::Good)];
        assert_eq!(
            r.step_increase_due(&p, PersonCategory::CivilServant, &[], &failed_2025),
            Ok(Some(date!(2027 - 01 - 01)))
        );
        // Both add up: 6 + 6 = 12 → 01/7/2027.
        assert_eq!(
            r.step_increase_due(&p, PersonCategory::CivilServant, &reprimand, &failed_2025),
            Ok(Some(date!(2027 - 07 - 01)))
        );
        // A discipline decided inside the extension also counts: reprimand 2024 (+6 → 01/01/2027)
        // then a warning on 15/10/2026 (inside the extended period) → +6 → 01/7/2027.
        let two = [
            reprimand[0],
            Discipline {
                form: DisciplineForm::Warning,
                decision_date: date!(2026 - 10 - 15),
            },
        ];
        assert_eq!(
            r.step_increase_due(&p, PersonCategory::CivilServant, &two, &[]),
            Ok(Some(date!(2027 - 07 - 01)))
        );
        // A discipline before the step was held does not count.
        let old = [Discipline {
            form: DisciplineForm::Dismissal,
            decision_date: date!(2023 - 06 - 30),
        }];
        assert_eq!(
            r.step_increase_due(&p, PersonCategory::CivilServant, &old, &[]),
            Ok(Some(date!(2026 - 07 - 01)))
        );
        // Công chức giáng chức → +12.
        let demotion = [Discipline {
            form: DisciplineForm::Demotion,
            decision_date: date!(2024 - 01 - 02),
        }];
        assert_eq!(
            r.step_increase_due(&p, PersonCategory::CivilServant, &demotion, &[]),
            Ok(Some(date!(2027 - 07 - 01)))
        );
    }

    #[test]
    fn beyond_scale_rules_md_a6() {
        let r = CareerRules::default();
        // A1 at step 9 since 01/7/2020: 5% from 01/7/2023, 6% 2024, 7% 2025, 8% from 01/7/2026.
        let p = a1(9, date!(2020 - 07 - 01));
        let at = |on| {
            r.beyond_scale(&p, PersonCategory::CivilServant, &[], &[], on)
                .unwrap()
                .unwrap()
        };
        assert_eq!(at(date!(2023 - 06 - 30)).percent, 0);
        assert_eq!(at(date!(2023 - 06 - 30)).first_due, date!(2023 - 07 - 01));
        assert_eq!(at(date!(2023 - 07 - 01)).percent, 5);
        assert_eq!(at(date!(2026 - 07 - 01)).percent, 8);
        assert_eq!(at(date!(2026 - 07 - 01)).next_due, date!(2027 - 07 - 01));
        // B (24 months): step 12 since 01/3/2024 → 5% from 01/3/2026, 6% from 01/3/2027.
        let b = SalaryPosition {
            group: SalaryGroup::B,
            step: 12,
            max_step: 12,
            since: date!(2024 - 03 - 01),
        };
        let v = r
            .beyond_scale(
                &b,
                PersonCategory::CivilServant,
                &[],
                &[],
                date!(2027 - 03 - 01),
            )
            .unwrap()
            .unwrap();
        assert_eq!((v.first_due, v.percent), (date!(2026 - 03 - 01), 6));
        // Delayed like a step increase: viên chức reprimanded in 2021 → first 5% on 01/10/2023.
        let d = [Discipline {
            form: DisciplineForm::Reprimand,
            decision_date: date!(2021 - 03 - 01),
        }];
        let v = r
            .beyond_scale(
                &p,
                PersonCategory::PublicEmployee,
                &d,
                &[],
                date!(2023 - 09 - 30),
            )
            .unwrap()
            .unwrap();
        assert_eq!((v.first_due, v.percent), (date!(2023 - 10 - 01), 0));
        // Not at the last step.
        assert_eq!(
            r.beyond_scale(
                &a1(8, date!(2020 - 07 - 01)),
                PersonCategory::CivilServant,
                &[],
                &[],
                date!(2026 - 01 - 01)
            ),
            Ok(None)
        );
    }

    #[test]
    fn probation() {
        let r = CareerRules::default();
        // Viên chức (đại học) from 01/3/2024: 12 months → 01/3/2025; with 14 excluded days → 15/3/2025.
        let (end, rule) = r
            .probation_end(
                ProbationTrack::PublicEmployeeUniversity,
                date!(2024 - 03 - 01),
                0,
            )
            .unwrap();
        assert_eq!(end, date!(2025 - 03 - 01));
        assert!(rule.legal_basis.contains("NĐ 85/2023"));
        assert_eq!(
            r.probation_end(
                ProbationTrack::PublicEmployeeUniversity,
                date!(2024 - 03 - 01),
                14
            )
            .unwrap()
            .0,
            date!(2025 - 03 - 15)
        );
        // Bác sĩ 9 months from 29/02/2024 → 29/11/2024; trung cấp 6 months from 31/8/2024 → 28/02/2025.
        assert_eq!(
            r.probation_end(
                ProbationTrack::PublicEmployeeDoctor,
                date!(2024 - 02 - 29),
                0
            )
            .unwrap()
            .0,
            date!(2024 - 11 - 29)
        );
        assert_eq!(
            r.probation_end(
                ProbationTrack::PublicEmployeeIntermediate,
                date!(2024 - 08 - 31),
                0
            )
            .unwrap()
            .0,
            date!(2025 - 02 - 28)
        );
        // Công chức: NĐ 138/2020 until 30/6/2025; no known rule after (rules.md §E2).
        assert_eq!(
            r.probation_end(ProbationTrack::CivilServantTypeC, date!(2025 - 01 - 02), 0)
                .unwrap()
                .0,
            date!(2026 - 01 - 02)
        );
        let err = r
            .probation_end(ProbationTrack::CivilServantTypeC, date!(2025 - 07 - 01), 0)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Không có quy định tập sự có hiệu lực vào ngày 01/07/2025"
        );
        // Viên chức before NĐ 85/2023: not in rules.md.
        assert!(
            r.probation_end(
                ProbationTrack::PublicEmployeeCollege,
                date!(2023 - 12 - 06),
                0
            )
            .is_err()
        );
    }

    #[test]
    fn appointment_contract_discipline() {
        let r = CareerRules::default();
        // rules.md §E3: effective 15/3/2022 → term ends 14/3/2027; notice 90 days before: 14/12/2026.
        assert_eq!(
            r.appointment_term(date!(2022 - 03 - 15)),
            Ok((date!(2027 - 03 - 14), date!(2026 - 12 - 14)))
        );
        // 29/02/2024 → +5 years = 28/02/2029 (no 29/02) − 1 day = 27/02/2029.
        assert_eq!(
            r.appointment_term(date!(2024 - 02 - 29)).unwrap().0,
            date!(2029 - 02 - 27)
        );
        // rules.md §E4: decide 60 days before the contract ends.
        assert_eq!(
            r.contract_decision_due(date!(2026 - 12 - 31)),
            Ok(date!(2026 - 11 - 01))
        );
        let d = Discipline {
            form: DisciplineForm::Warning,
            decision_date: date!(2025 - 02 - 28),
        };
        assert_eq!(r.discipline_end(&d), Ok(Some(date!(2026 - 02 - 28))));
        let d = Discipline {
            form: DisciplineForm::ForcedResignation,
            decision_date: date!(2025 - 02 - 28),
        };
        assert_eq!(r.discipline_end(&d), Ok(None));
    }

    #[test]
    fn failing_ratings() {
        use Rating::*;
        assert_eq!(
            two_consecutive_failing(&[(2023, Failed), (2024, Good), (2025, Failed)]),
            None
        );
        assert_eq!(
            two_consecutive_failing(&[(2024, Failed), (2025, Failed), (2023, Failed)]),
            Some((2024, 2025))
        );
        assert_eq!(two_consecutive_failing(&[]), None);
    }

    #[test]
    fn a_later_version_applies_from_its_date() {
        // A hypothetical decree from 01/01/2027 shortens A-group intervals to 30 months.
        let mut r = CareerRules::default();
        r.versions[0].effective_to = Some(date!(2026 - 12 - 31));
        let mut v = r.versions[0].clone();
        v.effective_from = date!(2027 - 01 - 01);
        v.effective_to = None;
        v.long_interval_months = 30;
        r.versions.push(v);
        let cat = PersonCategory::CivilServant;
        assert_eq!(
            r.step_increase_due(&a1(3, date!(2026 - 12 - 31)), cat, &[], &[]),
            Ok(Some(date!(2029 - 12 - 31)))
        );
        assert_eq!(
            r.step_increase_due(&a1(3, date!(2027 - 01 - 01)), cat, &[], &[]),
            Ok(Some(date!(2029 - 07 - 01)))
        );
        // Before any version: refused.
        assert!(
            r.step_increase_due(&a1(3, date!(2010 - 01 - 01)), cat, &[], &[])
                .is_err()
        );
    }
}
