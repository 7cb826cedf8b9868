//! Ages in completed years, as statutory reports count them ("Từ 31 đến 40 tuổi" on the
//! report's day): a person is N on their Nth birthday; someone born on 29 February turns a year
//! older on 1 March in a common year.

use time::{Date, Duration, Month};

/// The age in completed years on `day` of someone born on `birth` (negative before birth).
pub fn age_on(birth: Date, day: Date) -> i32 {
    let years = day.year() - birth.year();
    if (day.month() as u8, day.day()) < (birth.month() as u8, birth.day()) {
        years - 1
    } else {
        years
    }
}

/// The last birth date of someone aged at least `age` on `day`: `age` years before it, the
/// 28th of February when that year has no 29th.
fn latest_birth_for(day: Date, age: u16) -> Option<Date> {
    let year = day.year() - i32::from(age);
    Date::from_calendar_date(year, day.month(), day.day())
        .or_else(|_| Date::from_calendar_date(year, Month::February, 28))
        .ok()
}

/// The birth dates (inclusive bounds, either open) of everyone aged from `min` to `max` years
/// on `day`, both inclusive: "từ 31 đến 40" is `(Some(31), Some(40))`, "từ 30 trở xuống"
/// `(None, Some(30))`. A maximum beyond the calendar leaves the earliest birth date open; a
/// minimum beyond it gives the first day of the calendar (no one).
pub fn birth_dates_for_ages(
    day: Date,
    min: Option<u16>,
    max: Option<u16>,
) -> (Option<Date>, Option<Date>) {
    // Aged at most `max` = not yet `max + 1`: born after the last birth date of that age.
    let earliest = max
        .and_then(|m| latest_birth_for(day, m.saturating_add(1)))
        .map(|d| d + Duration::days(1));
    // At least an age older than the calendar: no one, so the earliest day there is.
    let latest = min.map(|m| latest_birth_for(day, m).unwrap_or(Date::MIN));
    (earliest, latest)
}

/// Bands of whole years, for grouping a date by how long ago it was: ages by birth date, years
/// of service by the day of recruitment. `edges` rise; band 0 is below the first edge, band
/// `edges.len()` from the last one on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearBands {
    pub edges: &'static [u16],
    /// The unit after a figure in a label ("tuổi" reads better left out; "năm" does not).
    pub unit: &'static str,
}

/// Five-year age bands from 25 to 60, as the pyramid of a workforce is drawn.
pub const AGE_BANDS: YearBands = YearBands {
    edges: &[25, 30, 35, 40, 45, 50, 55, 60],
    unit: "",
};

/// Ten-year age bands from 30 to 60: the home page's pyramid, a glance rather than a form.
pub const DECADE_AGE_BANDS: YearBands = YearBands {
    edges: &[30, 40, 50, 60],
    unit: "",
};

/// Bands of years since a day (service, time in a rank): under one, then five-year steps.
pub const YEAR_BANDS: YearBands = YearBands {
    edges: &[1, 5, 10, 15, 20, 25, 30],
    unit: " năm",
};

impl YearBands {
    pub fn len(&self) -> usize {
        self.edges.len() + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// The band of someone (or something) dated `birth`, on `day`.
    pub fn band_of(&self, birth: Date, day: Date) -> usize {
        let age = age_on(birth, day);
        self.edges
            .iter()
            .position(|e| age < i32::from(*e))
            .unwrap_or(self.edges.len())
    }

    /// The whole years of a band, both inclusive (either open).
    pub fn years(&self, band: usize) -> (Option<u16>, Option<u16>) {
        let from = band.checked_sub(1).and_then(|i| self.edges.get(i)).copied();
        let to = self.edges.get(band).map(|e| e - 1);
        (from, to)
    }

    pub fn label(&self, band: usize) -> String {
        let unit = self.unit;
        match self.years(band) {
            (None, Some(to)) => format!("Dưới {}{unit}", to + 1),
            (Some(from), None) => format!("Từ {from}{unit}"),
            (Some(from), Some(to)) => format!("{from}–{to}{unit}"),
            (None, None) => "Mọi độ tuổi".to_string(),
        }
    }

    /// For each edge, the last date of someone at least that old on `day`: a date after the
    /// k-th of them is in a band below k (the query layer's `CASE`, in order).
    pub fn latest_dates(&self, day: Date) -> Vec<Date> {
        self.edges
            .iter()
            .map(|e| latest_birth_for(day, *e).unwrap_or(Date::MIN))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_birthday_makes_the_year() {
        assert_eq!(age_on(date!(1990 - 06 - 15), date!(2026 - 06 - 14)), 35);
        assert_eq!(age_on(date!(1990 - 06 - 15), date!(2026 - 06 - 15)), 36);
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2027 - 02 - 28)), 26);
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2027 - 03 - 01)), 27);
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2028 - 02 - 29)), 28);
        assert_eq!(age_on(date!(2030 - 01 - 01), date!(2026 - 12 - 05)), -4);
    }

    #[test]
    fn a_band_of_ages_is_a_band_of_birth_dates() {
        let day = date!(2026 - 12 - 05);
        assert_eq!(
            birth_dates_for_ages(day, Some(31), Some(40)),
            (Some(date!(1985 - 12 - 06)), Some(date!(1995 - 12 - 05)))
        );
        assert_eq!(
            birth_dates_for_ages(day, None, Some(30)),
            (Some(date!(1995 - 12 - 06)), None)
        );
        assert_eq!(
            birth_dates_for_ages(day, Some(61), None),
            (None, Some(date!(1965 - 12 - 05)))
        );
        assert_eq!(
            birth_dates_for_ages(day, Some(u16::MAX), None),
            (None, Some(Date::MIN))
        );
        assert_eq!(
            birth_dates_for_ages(day, None, Some(u16::MAX)),
            (None, None)
        );
        // On a 29th of February, the years before it that have none end on the 28th.
        assert_eq!(
            birth_dates_for_ages(date!(2028 - 02 - 29), Some(30), Some(30)),
            (Some(date!(1997 - 03 - 01)), Some(date!(1998 - 02 - 28)))
        );
    }

    /// Every birth date over four years, on days around the leap day and the year's turn: a
    /// person falls in a band exactly when their age does.
    #[test]
    fn the_bands_agree_with_the_ages_on_every_day() {
        let days = [
            date!(2026 - 12 - 05),
            date!(2027 - 02 - 28),
            date!(2027 - 03 - 01),
            date!(2028 - 02 - 28),
            date!(2028 - 02 - 29),
            date!(2028 - 03 - 01),
            date!(2026 - 12 - 31),
            date!(2027 - 01 - 01),
        ];
        for day in days {
            for (min, max) in [
                (Some(30u16), Some(30u16)),
                (Some(31), Some(40)),
                (None, Some(30)),
                (Some(51), None),
            ] {
                let (lo, hi) = birth_dates_for_ages(day, min, max);
                let mut birth = date!(1984 - 01 - 01);
                while birth < date!(1998 - 12 - 31) {
                    let age = age_on(birth, day);
                    let in_band = min.is_none_or(|m| age >= i32::from(m))
                        && max.is_none_or(|m| age <= i32::from(m));
                    let in_dates = lo.is_none_or(|d| birth >= d) && hi.is_none_or(|d| birth <= d);
                    assert_eq!(in_band, in_dates, "born {birth}, on {day}, {min:?}–{max:?}");
                    birth += Duration::days(1);
                }
            }
        }
    }

    #[test]
    fn a_band_is_labelled_by_its_years() {
        assert_eq!(AGE_BANDS.len(), 9);
        assert_eq!(AGE_BANDS.label(0), "Dưới 25");
        assert_eq!(AGE_BANDS.label(1), "25–29");
        assert_eq!(AGE_BANDS.label(8), "Từ 60");
        assert_eq!(AGE_BANDS.years(0), (None, Some(24)));
        assert_eq!(AGE_BANDS.years(3), (Some(35), Some(39)));
        assert_eq!(AGE_BANDS.years(8), (Some(60), None));
        assert_eq!(YEAR_BANDS.label(0), "Dưới 1 năm");
        assert_eq!(YEAR_BANDS.label(1), "1–4 năm");
        assert_eq!(YEAR_BANDS.label(7), "Từ 30 năm");
    }

    /// The dates the query layer compares with give the same band as the age, and each band's
    /// years give the same birth dates as `birth_dates_for_ages` (what a figure drills down to).
    #[test]
    fn the_band_dates_agree_with_the_ages() {
        for day in [
            date!(2026 - 12 - 05),
            date!(2028 - 02 - 29),
            date!(2027 - 03 - 01),
        ] {
            for bands in [AGE_BANDS, YEAR_BANDS] {
                let latest = bands.latest_dates(day);
                let mut birth = date!(1950 - 01 - 01);
                while birth < date!(2030 - 01 - 01) {
                    let by_dates = latest
                        .iter()
                        .position(|l| birth > *l)
                        .unwrap_or(latest.len());
                    let band = bands.band_of(birth, day);
                    assert_eq!(band, by_dates, "born {birth}, on {day}");
                    let (min, max) = bands.years(band);
                    let (lo, hi) = birth_dates_for_ages(day, min, max);
                    if age_on(birth, day) >= 0 {
                        assert!(
                            lo.is_none_or(|d| birth >= d) && hi.is_none_or(|d| birth <= d),
                            "born {birth}, on {day}: band {band} drills to {lo:?}–{hi:?}"
                        );
                    }
                    birth += Duration::days(3);
                }
            }
        }
    }
}
