//! What time it is for the rules. Production reads the system clock; a configured day
//! (`HOSO_FIXED_TODAY`, and every test) moves the whole clock to that day, so that "today" and
//! the instants derived from it (a grant's expiry, a certificate's validity at signing) agree,
//! while time still passes within the day for sessions and rate limits.

use time::{Date, OffsetDateTime, UtcOffset};

/// Vietnam's offset from UTC (no daylight saving time).
pub const VIETNAM: UtcOffset = time::macros::offset!(+7);

const DAY_MS: i64 = 86_400_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    fixed_today: Option<Date>,
    /// Milliseconds added to the system clock: whole days, so the time of day is real.
    shift_ms: i64,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock {
            fixed_today: None,
            shift_ms: 0,
        }
    }

    /// A clock whose day is `today` (in Vietnam), at the real time of day.
    pub fn on(today: Date) -> Clock {
        let real_today = system_now().to_offset(VIETNAM).date();
        Clock {
            fixed_today: Some(today),
            shift_ms: (today - real_today).whole_days() * DAY_MS,
        }
    }

    pub fn from_fixed(today: Option<Date>) -> Clock {
        today.map_or_else(Clock::system, Clock::on)
    }

    /// "Today" in Vietnam, the date every rule is evaluated on.
    pub fn today(&self) -> Date {
        self.fixed_today
            .unwrap_or_else(|| self.now().to_offset(VIETNAM).date())
    }

    /// The current instant on this clock.
    pub fn now(&self) -> OffsetDateTime {
        system_now() + time::Duration::milliseconds(self.shift_ms)
    }

    /// The current instant in Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        (self.now().unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// The current instant in Unix seconds.
    pub fn now_seconds(&self) -> i64 {
        self.now().unix_timestamp()
    }
}

fn system_now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_fixed_day_moves_instants_to_that_day_in_vietnam() {
        for day in [
            date!(2026 - 12 - 31),
            date!(2027 - 02 - 06),
            date!(2028 - 02 - 29),
            date!(2020 - 01 - 01),
        ] {
            let clock = Clock::on(day);
            assert_eq!(clock.today(), day);
            let local = clock.now().to_offset(VIETNAM).date();
            // The real time of day is kept, so only a test running across midnight sees the
            // next day.
            assert!(
                local == day || local == day.next_day().unwrap(),
                "{day}: {local}"
            );
            assert_eq!(clock.now_ms() / 1000, clock.now_seconds());
        }
    }

    #[test]
    fn the_system_clock_is_not_shifted() {
        let clock = Clock::system();
        let delta = (clock.now() - OffsetDateTime::now_utc())
            .whole_seconds()
            .abs();
        assert!(delta < 5);
        assert_eq!(Clock::from_fixed(None), Clock::system());
    }
}
