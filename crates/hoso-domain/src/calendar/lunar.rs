//! The Vietnamese lunisolar calendar (âm lịch), after Hồ Ngọc Đức's astronomical algorithm
//! ("amlich", formulas from Jean Meeus, *Astronomical Algorithms*), computed for the time zone
//! UTC+7. China uses UTC+8, so the two calendars differ whenever a new moon or a solar term
//! falls between 23:00 and 24:00 Hà Nội time (Tết 1985, 2007, 2030…).
//!
//! The signs of the new-moon correction terms follow HND's published code; the `amlich-core`
//! crate flipped three of them (see `research/stack.md` §9), which moves month starts by a day.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// Vietnam's time zone, hours east of UTC.
const TIME_ZONE: f64 = 7.0;

/// A day of the lunar calendar. `year` is the lunar year that starts at Tết (so the days before
/// Tết in January–February belong to the previous `year`); `leap` marks the intercalary month
/// (tháng nhuận) that repeats `month`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LunarDate {
    pub day: u8,
    pub month: u8,
    pub year: i32,
    pub leap: bool,
}

fn int(x: f64) -> i64 {
    x.floor() as i64
}

fn jd_to_date(jd: i64) -> Option<Date> {
    Date::from_julian_day(i32::try_from(jd).ok()?).ok()
}

/// Julian day of the new moon number `k` (k = 0 is the new moon of 1900-01-01 13:52 UTC).
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
    jd1 += 0.00033 * ((166.56 + 132.87 * t - 0.009173 * t2) * dr).sin();
    let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
    let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
    let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
    let mut c1 = (0.1734 - 0.000393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    } else {
        -0.000278 + 0.000265 * t + 0.000262 * t2
    };
    jd1 + c1 - delta_t
}

/// Sun's apparent longitude in radians, [0, 2π), at Julian day `jdn` (UTC).
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2451545.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    let mut dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * (dr * m).sin();
    dl += (0.019993 - 0.000101 * t) * (dr * 2.0 * m).sin() + 0.000290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// Local day number of new moon `k`.
fn new_moon_day(k: i64) -> i64 {
    int(new_moon(k) + 0.5 + TIME_ZONE / 24.0)
}

/// Which 30° sector (0..=11) the sun is in at local midnight starting day `day_number`.
fn sun_sector(day_number: i64) -> i64 {
    int(sun_longitude(day_number as f64 - 0.5 - TIME_ZONE / 24.0) / PI * 6.0)
}

/// Day number of the start of lunar month 11 (the month containing the winter solstice) of
/// solar year `yy`.
fn lunar_month_11(yy: i32) -> i64 {
    let Ok(dec31) = Date::from_calendar_date(yy, Month::December, 31) else {
        return 0;
    };
    let off = i64::from(dec31.to_julian_day()) - 2415021;
    let k = int(off as f64 / 29.530588853);
    let nm = new_moon_day(k);
    if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// Offset (in months after month 11) of the leap month of the 13-month year starting at `a11`:
/// the first month that contains no major solar term.
fn leap_month_offset(a11: i64) -> i64 {
    let k = int((a11 as f64 - 2415021.076998695) / 29.530588853 + 0.5);
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The lunar date of a solar (Gregorian) date, Vietnamese calendar (UTC+7).
pub fn solar_to_lunar(date: Date) -> LunarDate {
    let day_number = i64::from(date.to_julian_day());
    let yy = date.year();
    let k = int((day_number as f64 - 2415021.076998695) / 29.530588853);
    let mut month_start = new_moon_day(k + 1);
    if month_start > day_number {
        month_start = new_moon_day(k);
    }
    let mut a11 = lunar_month_11(yy);
    let mut b11 = a11;
    let mut lunar_year;
    if a11 >= month_start {
        lunar_year = yy;
        a11 = lunar_month_11(yy - 1);
    } else {
        lunar_year = yy + 1;
        b11 = lunar_month_11(yy + 1);
    }
    let lunar_day = day_number - month_start + 1;
    let diff = (month_start - a11) / 29;
    let mut leap = false;
    let mut lunar_month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11);
        if diff >= leap_diff {
            lunar_month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if lunar_month > 12 {
        lunar_month -= 12;
    }
    if lunar_month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    LunarDate {
        day: lunar_day as u8,
        month: lunar_month as u8,
        year: lunar_year,
        leap,
    }
}

/// The solar date of a lunar date, or `None` if that lunar date does not exist (day 30 of a
/// 29-day month, a leap flag on a month that is not leap that year, month outside 1..=12…).
pub fn lunar_to_solar(lunar: LunarDate) -> Option<Date> {
    if !(1..=12).contains(&lunar.month) || !(1..=30).contains(&lunar.day) {
        return None;
    }
    let month = i64::from(lunar.month);
    let (a11, b11) = if month < 11 {
        (lunar_month_11(lunar.year - 1), lunar_month_11(lunar.year))
    } else {
        (lunar_month_11(lunar.year), lunar_month_11(lunar.year + 1))
    };
    let k = int(0.5 + (a11 as f64 - 2415021.076998695) / 29.530588853);
    let mut off = month - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if lunar.leap && month != leap_month {
            return None;
        } else if lunar.leap || off >= leap_off {
            off += 1;
        }
    } else if lunar.leap {
        return None;
    }
    let month_start = new_moon_day(k + off);
    let solar = jd_to_date(month_start + i64::from(lunar.day) - 1)?;
    // Day 30 of a short month spills into the next month: refuse it.
    (solar_to_lunar(solar) == lunar).then_some(solar)
}

/// Tết Nguyên đán: the first day of the first lunar month of lunar year `year`.
pub fn tet(year: i32) -> Date {
    lunar_to_solar(LunarDate {
        day: 1,
        month: 1,
        year,
        leap: false,
    })
    .expect("1/1 exists in every lunar year")
}

/// Giỗ Tổ Hùng Vương: the 10th day of the 3rd lunar month (never a leap month) of `year`.
pub fn hung_kings_day(year: i32) -> Date {
    lunar_to_solar(LunarDate {
        day: 10,
        month: 3,
        year,
        leap: false,
    })
    .expect("10/3 exists in every lunar year")
}

/// The leap month of lunar year `year` (the year that starts at `tet(year)`), if any.
pub fn leap_month(year: i32) -> Option<u8> {
    (1..=12u8).find(|&month| {
        lunar_to_solar(LunarDate {
            day: 1,
            month,
            year,
            leap: true,
        })
        .is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn lunar(day: u8, month: u8, year: i32, leap: bool) -> LunarDate {
        LunarDate {
            day,
            month,
            year,
            leap,
        }
    }

    /// rules.md §G2 (Tết and Giỗ Tổ 2020–2035, computed and matched against vacanza/holidays;
    /// 2020–2026 also match the official Tết announcements of §F4).
    const TET_AND_HUNG_KINGS: [(i32, Date, Date); 16] = [
        (2020, date!(2020 - 01 - 25), date!(2020 - 04 - 02)),
        (2021, date!(2021 - 02 - 12), date!(2021 - 04 - 21)),
        (2022, date!(2022 - 02 - 01), date!(2022 - 04 - 10)),
        (2023, date!(2023 - 01 - 22), date!(2023 - 04 - 29)),
        (2024, date!(2024 - 02 - 10), date!(2024 - 04 - 18)),
        (2025, date!(2025 - 01 - 29), date!(2025 - 04 - 07)),
        (2026, date!(2026 - 02 - 17), date!(2026 - 04 - 26)),
        (2027, date!(2027 - 02 - 06), date!(2027 - 04 - 16)),
        (2028, date!(2028 - 01 - 26), date!(2028 - 04 - 04)),
        (2029, date!(2029 - 02 - 13), date!(2029 - 04 - 23)),
        // The brief listed 2030-02-03: that is the *Chinese* New Year (UTC+8). Vietnam's new
        // moon of 2030-02-02 falls at 23:07 UTC+7 → Tết is 2030-02-02 (rules.md §G2).
        (2030, date!(2030 - 02 - 02), date!(2030 - 04 - 12)),
        (2031, date!(2031 - 01 - 23), date!(2031 - 04 - 01)),
        (2032, date!(2032 - 02 - 11), date!(2032 - 04 - 19)),
        (2033, date!(2033 - 01 - 31), date!(2033 - 04 - 09)),
        (2034, date!(2034 - 02 - 19), date!(2034 - 04 - 28)),
        (2035, date!(2035 - 02 - 08), date!(2035 - 04 - 17)),
    ];

    #[test]
    fn tet_and_hung_kings_2020_2035() {
        for (year, tet_day, hung) in TET_AND_HUNG_KINGS {
            assert_eq!(tet(year), tet_day, "Tết {year}");
            assert_eq!(hung_kings_day(year), hung, "Giỗ Tổ {year}");
            assert_eq!(solar_to_lunar(tet_day), lunar(1, 1, year, false));
            assert_eq!(solar_to_lunar(hung), lunar(10, 3, year, false));
        }
    }

    #[test]
    fn vietnam_differs_from_china() {
        // stack.md §9: Vietnam's Tết 1985-01-21 (China 1985-02-20), 2007-02-17 (China 02-18).
        assert_eq!(tet(1985), date!(1985 - 01 - 21));
        assert_eq!(
            solar_to_lunar(date!(1985 - 01 - 21)),
            lunar(1, 1, 1985, false)
        );
        assert_eq!(tet(2007), date!(2007 - 02 - 17));
        assert_eq!(
            solar_to_lunar(date!(2007 - 02 - 17)),
            lunar(1, 1, 2007, false)
        );
        assert_ne!(tet(2030), date!(2030 - 02 - 03));
    }

    #[test]
    fn leap_months() {
        // stack.md §9 and rules.md §G1.8.
        assert_eq!(
            solar_to_lunar(date!(2023 - 03 - 22)),
            lunar(1, 2, 2023, true)
        );
        assert_eq!(
            solar_to_lunar(date!(2020 - 05 - 23)),
            lunar(1, 4, 2020, true)
        );
        assert_eq!(
            solar_to_lunar(date!(2020 - 05 - 22)),
            lunar(30, 4, 2020, false)
        );
        assert_eq!(
            solar_to_lunar(date!(2025 - 07 - 25)),
            lunar(1, 6, 2025, true)
        );
        assert_eq!(
            solar_to_lunar(date!(2033 - 12 - 22)),
            lunar(1, 11, 2033, true)
        );
        assert_eq!(leap_month(2020), Some(4));
        assert_eq!(leap_month(2023), Some(2));
        assert_eq!(leap_month(2025), Some(6));
        assert_eq!(leap_month(2028), Some(5));
        assert_eq!(leap_month(2031), Some(3));
        assert_eq!(leap_month(2033), Some(11));
        assert_eq!(leap_month(2024), None);
        assert_eq!(leap_month(2026), None);
        assert_eq!(
            lunar_to_solar(lunar(1, 2, 2023, true)),
            Some(date!(2023 - 03 - 22))
        );
        assert_eq!(
            lunar_to_solar(lunar(1, 6, 2025, true)),
            Some(date!(2025 - 07 - 25))
        );
        // A leap flag on a month that is not leap that year does not exist.
        assert_eq!(lunar_to_solar(lunar(1, 3, 2023, true)), None);
        assert_eq!(lunar_to_solar(lunar(1, 1, 2026, true)), None);
    }

    #[test]
    fn year_end_days() {
        // rules.md §G1.8 and §G2: the last day before Tết is 29 or 30 of month 12.
        assert_eq!(
            solar_to_lunar(date!(2026 - 02 - 16)),
            lunar(29, 12, 2025, false)
        );
        assert_eq!(
            solar_to_lunar(date!(2026 - 02 - 14)),
            lunar(27, 12, 2025, false)
        );
        assert_eq!(
            solar_to_lunar(date!(2026 - 02 - 22)),
            lunar(6, 1, 2026, false)
        );
        assert_eq!(
            solar_to_lunar(date!(2024 - 02 - 09)),
            lunar(30, 12, 2023, false)
        );
        assert_eq!(
            lunar_to_solar(lunar(30, 12, 2025, false)),
            None,
            "tháng Chạp Ất Tỵ thiếu"
        );
        assert_eq!(
            lunar_to_solar(lunar(30, 12, 2023, false)),
            Some(date!(2024 - 02 - 09))
        );
        assert_eq!(lunar_to_solar(lunar(1, 13, 2023, false)), None);
        assert_eq!(lunar_to_solar(lunar(0, 1, 2023, false)), None);
    }

    #[test]
    fn round_trip_every_day_2019_2036() {
        let mut d = date!(2019 - 01 - 01);
        let mut previous = solar_to_lunar(d);
        while d < date!(2036 - 12 - 31) {
            d = d.next_day().unwrap();
            let l = solar_to_lunar(d);
            assert_eq!(lunar_to_solar(l), Some(d), "{d} → {l:?}");
            // Days advance by one, or a new month starts at day 1 after day 29 or 30.
            if l.day != 1 {
                assert_eq!(l.day, previous.day + 1, "{d}");
            } else {
                assert!(previous.day == 29 || previous.day == 30, "{d}");
            }
            previous = l;
        }
    }

    #[test]
    fn tet_is_always_between_jan_21_and_feb_20() {
        for year in 1950..=2100 {
            let t = tet(year);
            assert!(
                t >= Date::from_calendar_date(year, Month::January, 21).unwrap()
                    && t <= Date::from_calendar_date(year, Month::February, 20).unwrap(),
                "Tết {year} = {t}"
            );
        }
    }
}
