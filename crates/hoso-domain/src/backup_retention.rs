//! Which backups to keep (issue 15; LC Điều 16 khoản 7 and Điều 11 khoản 1: backups monthly,
//! kept at least 3 months; LS Điều 10 khoản 2 and ĐN Điều 12 khoản 4: daily). A province keeps
//! the backups of its last `daily` days and the first backup of each of its last `monthly`
//! months; everything else may go. The newest good backup is never let go, whatever the
//! settings.

use std::collections::BTreeSet;

use time::Date;

/// A good backup: its id and the day it was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    pub id: i64,
    pub day: Date,
}

/// The ids of the backups to keep on `today`.
pub fn to_keep(backups: &[Taken], today: Date, daily: usize, monthly: usize) -> BTreeSet<i64> {
    let mut keep = BTreeSet::new();
    if let Some(newest) = backups.iter().max_by_key(|b| (b.day, b.id)) {
        keep.insert(newest.id);
    }
    for b in backups {
        let age_days = (today - b.day).whole_days();
        if age_days >= 0 && (age_days as u64) < daily as u64 {
            keep.insert(b.id);
        }
    }
    let month_index = |d: Date| i64::from(d.year()) * 12 + i64::from(u8::from(d.month()));
    let this_month = month_index(today);
    let mut firsts: std::collections::BTreeMap<i64, Taken> = std::collections::BTreeMap::new();
    for b in backups {
        let m = month_index(b.day);
        if m > this_month || this_month - m >= monthly as i64 {
            continue;
        }
        let first = firsts.entry(m).or_insert(*b);
        if (b.day, b.id) < (first.day, first.id) {
            *first = *b;
        }
    }
    keep.extend(firsts.values().map(|b| b.id));
    keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn every_day(from: Date, to: Date) -> Vec<Taken> {
        let mut out = Vec::new();
        let mut d = from;
        let mut id = 1;
        while d <= to {
            out.push(Taken { id, day: d });
            id += 1;
            d = d.next_day().unwrap();
        }
        out
    }

    fn days(kept: &BTreeSet<i64>, all: &[Taken]) -> Vec<Date> {
        all.iter()
            .filter(|b| kept.contains(&b.id))
            .map(|b| b.day)
            .collect()
    }

    #[test]
    fn a_year_of_daily_backups_keeps_two_weeks_and_the_first_of_twelve_months() {
        let all = every_day(date!(2025 - 11 - 01), date!(2026 - 12 - 04));
        let kept = to_keep(&all, date!(2026 - 12 - 04), 14, 12);
        let kept_days = days(&kept, &all);
        // 14 days: 21/11 … 04/12.
        for d in every_day(date!(2026 - 11 - 21), date!(2026 - 12 - 04)) {
            assert!(kept_days.contains(&d.day), "{} kept", d.day);
        }
        assert!(!kept_days.contains(&date!(2026 - 11 - 20)));
        // The first of each month from January to December 2026 (12 months).
        for m in 1..=12u8 {
            let first = Date::from_calendar_date(2026, m.try_into().unwrap(), 1).unwrap();
            assert!(kept_days.contains(&first), "{first} kept");
        }
        assert!(
            !kept_days.contains(&date!(2025 - 12 - 01)),
            "13 months ago goes"
        );
        assert!(!kept_days.contains(&date!(2026 - 06 - 02)));
        assert_eq!(
            kept.len(),
            14 + 11,
            "01/12 is both a daily and a monthly one"
        );
    }

    #[test]
    fn the_first_backup_of_a_month_is_the_earliest_one_taken_in_it() {
        let all = vec![
            Taken {
                id: 7,
                day: date!(2026 - 09 - 15),
            },
            Taken {
                id: 3,
                day: date!(2026 - 09 - 03),
            },
            Taken {
                id: 9,
                day: date!(2026 - 09 - 28),
            },
        ];
        let kept = to_keep(&all, date!(2026 - 12 - 04), 0, 6);
        assert_eq!(
            kept,
            BTreeSet::from([3, 9]),
            "the earliest, and the newest of all"
        );
    }

    #[test]
    fn the_newest_backup_stays_even_when_the_settings_keep_nothing() {
        let all = vec![
            Taken {
                id: 1,
                day: date!(2024 - 01 - 01),
            },
            Taken {
                id: 2,
                day: date!(2024 - 02 - 01),
            },
        ];
        assert_eq!(
            to_keep(&all, date!(2026 - 12 - 04), 0, 0),
            BTreeSet::from([2])
        );
        assert!(to_keep(&[], date!(2026 - 12 - 04), 14, 12).is_empty());
    }

    #[test]
    fn three_months_kept_as_lai_chau_asks() {
        let all = every_day(date!(2026 - 01 - 01), date!(2026 - 12 - 04));
        let kept = to_keep(&all, date!(2026 - 12 - 04), 0, 3);
        assert_eq!(
            days(&kept, &all),
            vec![
                date!(2026 - 10 - 01),
                date!(2026 - 11 - 01),
                date!(2026 - 12 - 01),
                date!(2026 - 12 - 04)
            ]
        );
    }
}
