//! Retirement in normal working conditions (rules.md §C): the age roadmap of BLLĐ 2019 Điều 169
//! and NĐ 135/2020 Điều 4, the moment of retirement (NĐ 135/2020 Điều 3; NĐ 115/2020 Điều 59),
//! and the notice (6 months before) and decision (3 months before) it requires.
//!
//! Only the birth **month** matters (rules.md §C3: "ngày sinh trong tháng không ảnh hưởng"), so a
//! 29/02 birthday is no special case. When a record has only the birth year, pass 01/01 of that
//! year; only month and year, the 1st of that month (NĐ 135/2020 Điều 3 khoản 3).

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// Sex, as the retirement roadmap distinguishes it: the record's *Giới tính*.
pub use crate::national_id::Gender as Sex;

/// An age in whole years and months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Age {
    pub years: u32,
    pub months: u32,
}

impl Age {
    fn total_months(self) -> i32 {
        (self.years * 12 + self.months) as i32
    }
}

/// Legal basis quoted by alerts.
pub const LEGAL_BASIS: &str =
    "BLLĐ 2019 Điều 169; NĐ 135/2020/NĐ-CP Điều 3, 4; NĐ 115/2020/NĐ-CP Điều 59";

/// The retirement age in normal conditions for someone whose retirement falls in `year`
/// (rules.md §C1): men 60y3m in 2021, +3 months a year up to 62; women 55y4m in 2021,
/// +4 months a year up to 60. Before 2021 (BLLĐ 2012): 60 and 55.
pub fn retirement_age_in_year(sex: Sex, year: i32) -> Age {
    let steps = (year - 2021).max(-1);
    let months = match sex {
        Sex::Male if steps < 0 => 60 * 12,
        Sex::Female if steps < 0 => 55 * 12,
        Sex::Male => (60 * 12 + 3 + 3 * steps).min(62 * 12),
        Sex::Female => (55 * 12 + 4 + 4 * steps).min(60 * 12),
    } as u32;
    Age {
        years: months / 12,
        months: months % 12,
    }
}

/// Everything about one person's retirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retirement {
    /// Retirement age that applies to this person.
    pub age: Age,
    /// The month in which the person reaches that age (tháng đủ tuổi nghỉ hưu): its 1st day.
    pub month_reached: Date,
    /// Last day of work: the last day of `month_reached` (NĐ 135/2020 Điều 3 khoản 1).
    pub last_working_day: Date,
    /// Thời điểm nghỉ hưu as written in decisions: the 1st of the following month (NĐ 115/2020
    /// Điều 59 khoản 1); also the first day of the pension (NĐ 135/2020 Điều 3 khoản 2).
    pub retirement_date: Date,
    /// Latest date of the written notice: 6 months before `retirement_date`.
    pub notice_due: Date,
    /// Latest date of the retirement decision: 3 months before `retirement_date`.
    pub decision_due: Date,
}

fn month_index(d: Date) -> i32 {
    d.year() * 12 + i32::from(u8::from(d.month())) - 1
}

fn first_of_month_index(index: i32) -> Date {
    let year = index.div_euclid(12);
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).expect("1..=12");
    Date::from_calendar_date(year, month, 1).expect("first of month exists")
}

/// Retirement of a person of `sex` born on `birth_date` (rules.md §C2: the retirement year R is
/// the smallest year such that birth month + age(R) falls in R).
pub fn retirement(sex: Sex, birth_date: Date) -> Retirement {
    let birth = month_index(birth_date);
    let (age, reached) = (birth_date.year() + 50..=birth_date.year() + 70)
        .find_map(|year| {
            let age = retirement_age_in_year(sex, year);
            let reached = birth + age.total_months();
            (reached.div_euclid(12) == year).then_some((age, reached))
        })
        .expect("the roadmap always yields a retirement year");
    let month_reached = first_of_month_index(reached);
    let retirement_date = first_of_month_index(reached + 1);
    Retirement {
        age,
        month_reached,
        last_working_day: retirement_date.previous_day().expect("in range"),
        retirement_date,
        notice_due: first_of_month_index(reached + 1 - 6),
        decision_due: first_of_month_index(reached + 1 - 3),
    }
}

/// Thời điểm nghỉ hưu: the 1st of the month after the month the person reaches retirement age.
pub fn retirement_date(sex: Sex, birth_date: Date) -> Date {
    retirement(sex, birth_date).retirement_date
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn rules_md_c4_examples() {
        // Man born 15/03/1965 → 61y6m (2026), reached 09/2026; works until 30/09/2026; retires
        // 01/10/2026; notice by 01/04/2026, decision by 01/07/2026.
        let r = retirement(Sex::Male, date!(1965 - 03 - 15));
        assert_eq!(
            r.age,
            Age {
                years: 61,
                months: 6
            }
        );
        assert_eq!(r.month_reached, date!(2026 - 09 - 01));
        assert_eq!(r.last_working_day, date!(2026 - 09 - 30));
        assert_eq!(r.retirement_date, date!(2026 - 10 - 01));
        assert_eq!(r.notice_due, date!(2026 - 04 - 01));
        assert_eq!(r.decision_due, date!(2026 - 07 - 01));
        // Woman born 20/08/1970 → 2027 (57y4m), reached 12/2027; retires 01/01/2028; notice by
        // 01/07/2027, decision by 01/10/2027.
        let r = retirement(Sex::Female, date!(1970 - 08 - 20));
        assert_eq!(
            r.age,
            Age {
                years: 57,
                months: 4
            }
        );
        assert_eq!(r.last_working_day, date!(2027 - 12 - 31));
        assert_eq!(r.retirement_date, date!(2028 - 01 - 01));
        assert_eq!(r.notice_due, date!(2027 - 07 - 01));
        assert_eq!(r.decision_due, date!(2027 - 10 - 01));
    }

    #[test]
    fn rules_md_c2_boundaries() {
        // Man born 03/1966 → 61y9m in 12/2027; born 04/1966 → 62 in 04/2028.
        let r = retirement(Sex::Male, date!(1966 - 03 - 31));
        assert_eq!(
            (r.age, r.month_reached),
            (
                Age {
                    years: 61,
                    months: 9
                },
                date!(2027 - 12 - 01)
            )
        );
        let r = retirement(Sex::Male, date!(1966 - 04 - 01));
        assert_eq!(
            (r.age, r.month_reached),
            (
                Age {
                    years: 62,
                    months: 0
                },
                date!(2028 - 04 - 01)
            )
        );
        // Woman from 05/1975: 60.
        assert_eq!(
            retirement(Sex::Female, date!(1975 - 05 - 10)).age,
            Age {
                years: 60,
                months: 0
            }
        );
        assert_eq!(
            retirement(Sex::Female, date!(1975 - 04 - 10)).age,
            Age {
                years: 59,
                months: 8
            }
        );
        // Before the roadmap: BLLĐ 2012 ages.
        assert_eq!(
            retirement_date(Sex::Male, date!(1960 - 12 - 05)),
            date!(2021 - 01 - 01)
        );
        assert_eq!(
            retirement_date(Sex::Female, date!(1965 - 06 - 05)),
            date!(2020 - 07 - 01)
        );
        // Far after: 62 / 60.
        assert_eq!(
            retirement_date(Sex::Male, date!(1990 - 11 - 30)),
            date!(2052 - 12 - 01)
        );
        assert_eq!(
            retirement_date(Sex::Female, date!(1995 - 12 - 31)),
            date!(2056 - 01 - 01)
        );
    }

    #[test]
    fn leap_day_birthdays() {
        // Man born 29/02/1964 (01–09/1964 → 2025, 61y3m): reached 05/2025, retires 01/06/2025;
        // notice by 01/12/2024, decision by 01/03/2025.
        let r = retirement(Sex::Male, date!(1964 - 02 - 29));
        assert_eq!(
            r.age,
            Age {
                years: 61,
                months: 3
            }
        );
        assert_eq!(r.last_working_day, date!(2025 - 05 - 31));
        assert_eq!(r.retirement_date, date!(2025 - 06 - 01));
        assert_eq!(r.notice_due, date!(2024 - 12 - 01));
        assert_eq!(r.decision_due, date!(2025 - 03 - 01));
        // Woman born 29/02/1972 → 2030 (58y4m): reached 06/2030, retires 01/07/2030.
        let r = retirement(Sex::Female, date!(1972 - 02 - 29));
        assert_eq!(
            r.age,
            Age {
                years: 58,
                months: 4
            }
        );
        assert_eq!(r.last_working_day, date!(2030 - 06 - 30));
        assert_eq!(r.retirement_date, date!(2030 - 07 - 01));
        // Man born 29/02/1968 → 62 in 02/2030, whose last day is the 28th.
        let r = retirement(Sex::Male, date!(1968 - 02 - 29));
        assert_eq!(r.last_working_day, date!(2030 - 02 - 28));
        assert_eq!(r.retirement_date, date!(2030 - 03 - 01));
        // Woman born 29/02/1976 → 60 in 02/2036 (a leap year): last day 29/02/2036.
        let r = retirement(Sex::Female, date!(1976 - 02 - 29));
        assert_eq!(r.last_working_day, date!(2036 - 02 - 29));
    }

    #[test]
    fn matches_every_row_of_tuoi_nghi_huu_tsv() {
        let tsv = include_str!("../data/tuoi_nghi_huu.tsv");
        let mut rows = 0;
        for line in tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let c: Vec<&str> = line.split('\t').collect();
            let sex = if c[0] == "nam" {
                Sex::Male
            } else {
                Sex::Female
            };
            let n = |i: usize| c[i].parse::<i32>().unwrap();
            let birth =
                Date::from_calendar_date(n(1), Month::try_from(n(2) as u8).unwrap(), 1).unwrap();
            let r = retirement(sex, birth);
            assert_eq!(r.age.years as i32, n(4), "{line}");
            assert_eq!(r.age.months as i32, n(5), "{line}");
            assert_eq!(
                r.month_reached,
                Date::from_calendar_date(n(7), Month::try_from(n(6) as u8).unwrap(), 1).unwrap(),
                "{line}"
            );
            rows += 1;
        }
        assert_eq!(rows, 300);
    }

    #[test]
    fn no_man_reaches_age_in_january_to_march_2021_2028() {
        // rules.md §C2 consequence.
        for year in 1955..1970 {
            for month in 1..=12u8 {
                let b = Date::from_calendar_date(year, Month::try_from(month).unwrap(), 1).unwrap();
                let r = retirement(Sex::Male, b).month_reached;
                if (2021..=2028).contains(&r.year()) {
                    assert!(u8::from(r.month()) > 3, "{b} → {r}");
                }
            }
        }
    }
}
