//! Working days of Vietnamese public servants (CBCCVC): the statutory holidays of Bộ luật Lao
//! động 2019 Điều 112 with the compensatory-day rule of Điều 111 khoản 3, overridden year by
//! year by the schedules the Government actually announces (Tết days, the day next to Quốc
//! khánh, swapped working Saturdays) — `rules.md` §F.
//!
//! Semantics of a working day (`rules.md` §F5): Monday–Friday, minus `holiday`,
//! `compensatory` and `swap_day_off` days, plus `swap_work_day` Saturdays.
//!
//! A year that appears in the official schedule is taken **entirely** from the schedule (the
//! announcements list every day off); any other year is computed from the law:
//! - 01/01, 30/4, 01/5, 02/9 and Giỗ Tổ Hùng Vương (10/3 âm lịch);
//! - Tết: the last two days of the lunar year and mùng 1–3 (the pattern of 2024 and 2025; the
//!   Prime Minister picks the five days each year, so this is only a forecast);
//! - the day next to 02/9: the weekday that bridges to a weekend (Mon → 03/9, Tue/Wed/Fri/Sat →
//!   01/9, Thu/Sun → 03/9) — 2024 (03/9), 2025 and 2026 (01/9) follow this;
//! - each holiday on a Saturday or Sunday gives one compensatory day on the next day that is
//!   neither a weekend nor a holiday, in date order (2024 Tết → 13/02, 14/02; Giỗ Tổ 2026 → 27/4).
//!
//! Ngày Văn hóa Việt Nam (24/11) is *not* a statutory holiday yet (rules.md §F1): add it through
//! the schedule once the law changes.

mod amend;
pub mod lunar;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::{Date, Duration, Month, Weekday};

pub use amend::{COMPUTED_SOURCE, TSV_HEADER, schedule_to_tsv};
pub use lunar::{LunarDate, hung_kings_day, lunar_to_solar, solar_to_lunar, tet};

/// The official schedules embedded in the binary (2024–2026 as announced).
const EMBEDDED_SCHEDULE: &str = include_str!("../../data/holidays.tsv");

/// `dd/mm/yyyy`, the Vietnamese way of writing a date.
pub fn format_date(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// The last day of each of the `months` months up to `today`'s, oldest first, `today` itself
/// for its own month: the days a monthly trend is counted on.
pub fn month_ends_to(today: Date, months: u32) -> Vec<Date> {
    let mut days = Vec::new();
    let mut end = today;
    for _ in 0..months {
        days.push(end);
        // The day before the first of this month: the previous month's last day.
        match end.replace_day(1).ok().and_then(Date::previous_day) {
            Some(previous) => end = previous,
            None => break,
        }
    }
    days.reverse();
    days
}

/// What an entry of an official schedule says about a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleKind {
    /// A statutory holiday (`holiday`), even when it falls on a weekend.
    Holiday,
    /// A compensatory day off for a holiday on a weekend (`compensatory`, BLLĐ Điều 111 khoản 3).
    Compensatory,
    /// A working day given off by a swap (`swap_day_off`).
    DayOff,
    /// A Saturday (or Sunday) worked in exchange for a swapped day off (`swap_work_day`).
    WorkingDaySwap,
}

impl ScheduleKind {
    pub const ALL: [ScheduleKind; 4] = [
        ScheduleKind::Holiday,
        ScheduleKind::Compensatory,
        ScheduleKind::DayOff,
        ScheduleKind::WorkingDaySwap,
    ];

    /// The code used in the TSV file.
    pub fn code(self) -> &'static str {
        match self {
            ScheduleKind::Holiday => "holiday",
            ScheduleKind::Compensatory => "compensatory",
            ScheduleKind::DayOff => "swap_day_off",
            ScheduleKind::WorkingDaySwap => "swap_work_day",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether a day of this kind is a day off.
    pub fn is_day_off(self) -> bool {
        !matches!(self, ScheduleKind::WorkingDaySwap)
    }
}

/// One line of an official schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleEntry {
    pub date: Date,
    pub kind: ScheduleKind,
    pub name: String,
    /// The decision or notice that announced it (may be empty).
    pub source: String,
}

/// Why a schedule was refused. Every message names the line (or the year) at fault.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ScheduleError {
    #[error(
        "Dòng {line}: thiếu cột — cần ít nhất 4 cột cách nhau bằng tab (năm, ngày, loại, tên), chỉ có {found}"
    )]
    MissingColumns { line: usize, found: usize },
    #[error("Dòng {line}: năm «{value}» không phải là số năm hợp lệ")]
    InvalidYear { line: usize, value: String },
    #[error("Dòng {line}: ngày «{value}» không tồn tại hoặc sai định dạng (cần yyyy-mm-dd)")]
    InvalidDate { line: usize, value: String },
    #[error("Dòng {line}: cột năm {year} không khớp với ngày {date}")]
    YearMismatch {
        line: usize,
        year: i32,
        date: String,
    },
    #[error(
        "Dòng {line}: loại ngày «{value}» không xác định (chỉ chấp nhận: holiday, compensatory, swap_day_off, swap_work_day)"
    )]
    UnknownKind { line: usize, value: String },
    #[error("Dòng {line}: thiếu tên ngày nghỉ")]
    MissingName { line: usize },
    #[error("Dòng {line}: ngày {date} đã có ở dòng {first_line} (trùng hoặc chồng lấn)")]
    Duplicate {
        line: usize,
        first_line: usize,
        date: String,
    },
    #[error("Lịch có hai mục cho cùng ngày {date}")]
    DuplicateEntry { date: String },
    #[error("Dòng {line}: ngày làm bù {date} phải là thứ Bảy hoặc Chủ nhật")]
    WorkDayNotWeekend { line: usize, date: String },
    #[error(
        "Dòng {line}: ngày {date} ({kind}) rơi vào thứ Bảy/Chủ nhật — ngày nghỉ bù hoặc nghỉ hoán đổi phải là ngày làm việc"
    )]
    DayOffOnWeekend {
        line: usize,
        date: String,
        kind: &'static str,
    },
    #[error("Dòng {line}: ngày {date} không thuộc năm {expected} đang sửa")]
    WrongYear {
        line: usize,
        expected: i32,
        date: String,
    },
    #[error("Lịch năm {year} không có dòng nào: mỗi năm phải liệt kê đủ mọi ngày nghỉ")]
    EmptyYear { year: i32 },
    #[error("Ngày {date} không có trong lịch nghỉ năm {year}")]
    NotInSchedule { year: i32, date: String },
    #[error("Ngày {date} đã có trong lịch («{name}»): xóa ngày đó trước hoặc gửi lại lịch cả năm")]
    AlreadyScheduled { date: String, name: String },
    #[error("Tên hoặc căn cứ không được chứa ký tự tab hay xuống dòng")]
    ControlCharacter,
    #[error(
        "Năm {year}: lịch chính thức thiếu ngày lễ luật định «{name}» ({date}); mỗi năm trong lịch phải liệt kê đủ mọi ngày nghỉ"
    )]
    MissingStatutoryHoliday {
        year: i32,
        date: String,
        name: &'static str,
    },
}

/// What kind of day a date is for CBCCVC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayKind {
    Working,
    /// A Saturday or Sunday worked because of a swap.
    SwapWorking {
        name: String,
    },
    Weekend,
    /// A day off: statutory holiday, compensatory day or swapped day off.
    Off {
        kind: ScheduleKind,
        name: String,
    },
}

impl DayKind {
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Working | DayKind::SwapWorking { .. })
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn ymd(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).expect("fixed statutory dates exist every year")
}

/// The statutory holidays every scheduled year must list (the Tết days other than mùng 1 and
/// the day next to Quốc khánh vary, so they are not checked).
fn statutory_fixed(year: i32) -> [(Date, &'static str); 6] {
    [
        (ymd(year, Month::January, 1), "Tết Dương lịch"),
        (tet(year), "Tết Nguyên đán (mùng 1 tháng Giêng)"),
        (hung_kings_day(year), "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
        (ymd(year, Month::April, 30), "Ngày Chiến thắng (30/4)"),
        (ymd(year, Month::May, 1), "Ngày Quốc tế Lao động (1/5)"),
        (ymd(year, Month::September, 2), "Quốc khánh (2/9)"),
    ]
}

fn tet_day_name(d: Date) -> String {
    let l = solar_to_lunar(d);
    if l.month == 12 {
        format!("Tết Nguyên đán ({} tháng Chạp)", l.day)
    } else {
        format!("Tết Nguyên đán (mùng {} tháng Giêng)", l.day)
    }
}

/// The days off of `year` computed from the law (see the module documentation).
pub fn computed_days_off(year: i32) -> YearDaysOff {
    let mut holidays: BTreeMap<Date, String> = BTreeMap::new();
    holidays.insert(ymd(year, Month::January, 1), "Tết Dương lịch".into());
    let t = tet(year);
    for offset in -2..=2 {
        let d = t + Duration::days(offset);
        holidays.insert(d, tet_day_name(d));
    }
    holidays.insert(
        hung_kings_day(year),
        "Giỗ Tổ Hùng Vương (10/3 âm lịch)".into(),
    );
    holidays.insert(
        ymd(year, Month::April, 30),
        "Ngày Chiến thắng (30/4)".into(),
    );
    holidays.insert(
        ymd(year, Month::May, 1),
        "Ngày Quốc tế Lao động (1/5)".into(),
    );
    let national = ymd(year, Month::September, 2);
    let (adjacent, name) = match national.weekday() {
        Weekday::Monday | Weekday::Thursday | Weekday::Sunday => (
            ymd(year, Month::September, 3),
            "Quốc khánh (ngày liền kề sau 2/9)",
        ),
        _ => (
            ymd(year, Month::September, 1),
            "Quốc khánh (ngày liền kề trước 2/9)",
        ),
    };
    holidays.insert(national, "Quốc khánh (2/9)".into());
    holidays.insert(adjacent, name.into());

    let mut days: BTreeMap<Date, (ScheduleKind, String)> = holidays
        .iter()
        .map(|(d, n)| (*d, (ScheduleKind::Holiday, n.clone())))
        .collect();
    for (h, name) in &holidays {
        if !is_weekend(*h) {
            continue;
        }
        let mut d = *h;
        loop {
            d = d.next_day().expect("within range");
            if !is_weekend(d) && !days.contains_key(&d) {
                break;
            }
        }
        days.insert(
            d,
            (
                ScheduleKind::Compensatory,
                format!("Nghỉ bù {name} ({} trùng cuối tuần)", format_date(*h)),
            ),
        );
    }
    days
}

/// Computed defaults are cached for these years; others are computed on demand.
const CACHED_YEARS: std::ops::RangeInclusive<i32> = 1950..=2150;

/// The computed days off of one year.
pub type YearDaysOff = BTreeMap<Date, (ScheduleKind, String)>;

fn cached_defaults() -> &'static HashMap<i32, YearDaysOff> {
    static CACHE: OnceLock<HashMap<i32, YearDaysOff>> = OnceLock::new();
    CACHE.get_or_init(|| CACHED_YEARS.map(|y| (y, computed_days_off(y))).collect())
}

/// The working-day calendar: computed defaults plus official schedules.
#[derive(Clone, Debug, Default)]
pub struct HolidayCalendar {
    schedule: BTreeMap<Date, ScheduleEntry>,
    scheduled_years: BTreeSet<i32>,
}

impl HolidayCalendar {
    /// A calendar computed from the law only, without any official schedule.
    pub fn computed() -> Self {
        Self::default()
    }

    /// The calendar with the official schedules embedded in the binary.
    pub fn embedded() -> Self {
        let entries =
            Self::parse_schedule(EMBEDDED_SCHEDULE).expect("embedded holidays.tsv is valid");
        Self::new(entries).expect("embedded holidays.tsv lists every statutory holiday")
    }

    /// A calendar whose years present in `entries` follow those entries entirely. Refuses a
    /// schedule that lists the same date twice or omits a statutory holiday of a year it covers.
    pub fn new(entries: Vec<ScheduleEntry>) -> Result<Self, ScheduleError> {
        let mut schedule = BTreeMap::new();
        let mut scheduled_years = BTreeSet::new();
        for e in entries {
            scheduled_years.insert(e.date.year());
            let date = e.date;
            if schedule.insert(date, e).is_some() {
                return Err(ScheduleError::DuplicateEntry {
                    date: format_date(date),
                });
            }
        }
        for &year in &scheduled_years {
            for (date, name) in statutory_fixed(year) {
                let listed = schedule
                    .get(&date)
                    .is_some_and(|e: &ScheduleEntry| e.kind == ScheduleKind::Holiday);
                if !listed {
                    return Err(ScheduleError::MissingStatutoryHoliday {
                        year,
                        date: format_date(date),
                        name,
                    });
                }
            }
        }
        Ok(Self {
            schedule,
            scheduled_years,
        })
    }

    /// This calendar with `entries` replacing the schedule of every year they cover (the
    /// administrator amends or announces a year).
    pub fn with_schedule(&self, entries: Vec<ScheduleEntry>) -> Result<Self, ScheduleError> {
        let years: BTreeSet<i32> = entries.iter().map(|e| e.date.year()).collect();
        let mut all: Vec<ScheduleEntry> = self
            .schedule
            .values()
            .filter(|e| !years.contains(&e.date.year()))
            .cloned()
            .collect();
        all.extend(entries);
        Self::new(all)
    }

    /// Parses a schedule in TSV: `year  date(yyyy-mm-dd)  kind  name  [source]`, tab-separated.
    /// A first line starting with `year` is a header; empty lines and lines starting with `#`
    /// are ignored. Line numbers in errors count every line of `text`, from 1.
    pub fn parse_schedule(text: &str) -> Result<Vec<ScheduleEntry>, ScheduleError> {
        Ok(Self::parse_schedule_lines(text)?
            .into_iter()
            .map(|(_, e)| e)
            .collect())
    }

    /// [`Self::parse_schedule`], keeping the line number of each entry (for messages about a
    /// line that parses but does not fit, e.g. a date of another year).
    pub fn parse_schedule_lines(text: &str) -> Result<Vec<(usize, ScheduleEntry)>, ScheduleError> {
        let date_format = time::macros::format_description!("[year]-[month]-[day]");
        let mut entries = Vec::new();
        let mut seen: HashMap<Date, usize> = HashMap::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let raw = raw.trim_end_matches('\r');
            if raw.trim().is_empty() || raw.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = raw.split('\t').map(str::trim).collect();
            if entries.is_empty() && seen.is_empty() && cols[0].eq_ignore_ascii_case("year") {
                continue;
            }
            if cols.len() < 4 {
                return Err(ScheduleError::MissingColumns {
                    line,
                    found: cols.len(),
                });
            }
            let year: i32 = cols[0].parse().map_err(|_| ScheduleError::InvalidYear {
                line,
                value: cols[0].to_string(),
            })?;
            let date =
                Date::parse(cols[1], date_format).map_err(|_| ScheduleError::InvalidDate {
                    line,
                    value: cols[1].to_string(),
                })?;
            if date.year() != year {
                return Err(ScheduleError::YearMismatch {
                    line,
                    year,
                    date: format_date(date),
                });
            }
            let kind =
                ScheduleKind::from_code(cols[2]).ok_or_else(|| ScheduleError::UnknownKind {
                    line,
                    value: cols[2].to_string(),
                })?;
            if cols[3].is_empty() {
                return Err(ScheduleError::MissingName { line });
            }
            match kind {
                ScheduleKind::WorkingDaySwap if !is_weekend(date) => {
                    return Err(ScheduleError::WorkDayNotWeekend {
                        line,
                        date: format_date(date),
                    });
                }
                ScheduleKind::Compensatory | ScheduleKind::DayOff if is_weekend(date) => {
                    return Err(ScheduleError::DayOffOnWeekend {
                        line,
                        date: format_date(date),
                        kind: kind.code(),
                    });
                }
                _ => {}
            }
            if let Some(&first_line) = seen.get(&date) {
                return Err(ScheduleError::Duplicate {
                    line,
                    first_line,
                    date: format_date(date),
                });
            }
            seen.insert(date, line);
            entries.push((
                line,
                ScheduleEntry {
                    date,
                    kind,
                    name: cols[3].to_string(),
                    source: cols.get(4).map(|s| s.to_string()).unwrap_or_default(),
                },
            ));
        }
        Ok(entries)
    }

    /// The official schedule entries (all years).
    pub fn schedule(&self) -> impl Iterator<Item = &ScheduleEntry> {
        self.schedule.values()
    }

    /// Whether `year` follows an official schedule (rather than the computed defaults).
    pub fn is_scheduled_year(&self, year: i32) -> bool {
        self.scheduled_years.contains(&year)
    }

    /// What kind of day `d` is.
    pub fn day_kind(&self, d: Date) -> DayKind {
        let special = if self.scheduled_years.contains(&d.year()) {
            self.schedule.get(&d).map(|e| (e.kind, e.name.clone()))
        } else if CACHED_YEARS.contains(&d.year()) {
            cached_defaults()
                .get(&d.year())
                .and_then(|m| m.get(&d))
                .cloned()
        } else {
            computed_days_off(d.year()).get(&d).cloned()
        };
        match special {
            Some((ScheduleKind::WorkingDaySwap, name)) => DayKind::SwapWorking { name },
            Some((kind, name)) => DayKind::Off { kind, name },
            None if is_weekend(d) => DayKind::Weekend,
            None => DayKind::Working,
        }
    }

    /// Whether CBCCVC work on `d`.
    pub fn is_working_day(&self, d: Date) -> bool {
        self.day_kind(d).is_working()
    }

    /// Every day off of `year` (holidays, compensatory and swapped days), in order.
    pub fn days_off(&self, year: i32) -> Vec<(Date, ScheduleKind, String)> {
        if self.scheduled_years.contains(&year) {
            self.schedule
                .values()
                .filter(|e| e.date.year() == year && e.kind.is_day_off())
                .map(|e| (e.date, e.kind, e.name.clone()))
                .collect()
        } else {
            computed_days_off(year)
                .into_iter()
                .map(|(d, (k, n))| (d, k, n))
                .collect()
        }
    }

    /// `d` itself if it is a working day, otherwise the next working day (BLDS Điều 148
    /// khoản 5: a deadline ending on a day off moves to the end of the next working day).
    pub fn working_day_on_or_after(&self, d: Date) -> Date {
        let mut d = d;
        while !self.is_working_day(d) {
            d = d.next_day().expect("date in range");
        }
        d
    }

    /// `d` itself if it is a working day, otherwise the previous working day.
    pub fn working_day_on_or_before(&self, d: Date) -> Date {
        let mut d = d;
        while !self.is_working_day(d) {
            d = d.previous_day().expect("date in range");
        }
        d
    }

    /// The deadline "within `n` working days from `d`" (rules.md §F5, BLDS Điều 147): the day
    /// `d` is not counted; the result is the `n`-th working day **after** `d` (the deadline
    /// expires at the end of that day). `n < 0` gives the `|n|`-th working day **before** `d`
    /// ("at least |n| working days before"). `n = 0` gives `d` if it is a working day,
    /// otherwise the next working day.
    pub fn add_working_days(&self, d: Date, n: i32) -> Date {
        if n == 0 {
            return self.working_day_on_or_after(d);
        }
        let step = if n > 0 { 1 } else { -1 };
        let mut remaining = n.unsigned_abs();
        let mut d = d;
        while remaining > 0 {
            d += Duration::days(step);
            if self.is_working_day(d) {
                remaining -= 1;
            }
        }
        d
    }

    /// The number of working days in the half-open interval (`a`, `b`] — so that
    /// `working_days_between(d, add_working_days(d, n)) == n` for `n > 0`. Negative if `b < a`.
    pub fn working_days_between(&self, a: Date, b: Date) -> i32 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        let mut count = 0;
        let mut d = a;
        while d < b {
            d = d.next_day().expect("date in range");
            if self.is_working_day(d) {
                count += 1;
            }
        }
        count
    }

    /// The last `n` working days of a month, in date order (fewer if the month has fewer).
    pub fn last_working_days_of_month(&self, year: i32, month: Month, n: usize) -> Vec<Date> {
        let Ok(first) = Date::from_calendar_date(year, month, 1) else {
            return Vec::new();
        };
        let mut d = ymd(year, month, month.length(year));
        let mut out = Vec::with_capacity(n);
        while out.len() < n && d >= first {
            if self.is_working_day(d) {
                out.push(d);
            }
            d = d.previous_day().expect("date in range");
        }
        out.reverse();
        out
    }

    /// Whether `d` is one of the last `n` working days of its month (the approval window of
    /// the monthly sign-off, "5 ngày làm việc cuối tháng").
    pub fn is_in_last_working_days(&self, d: Date, n: usize) -> bool {
        self.last_working_days_of_month(d.year(), d.month(), n)
            .contains(&d)
    }
}

#[cfg(test)]
mod tests;
