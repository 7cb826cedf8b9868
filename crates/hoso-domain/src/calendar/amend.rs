//! Amending the calendar when the Government announces a year's schedule (or corrects one):
//! a whole year as TSV text in the format of `holidays.tsv`, or one day added or removed. Every
//! change yields a new calendar, validated like the shipped file, so a refused change leaves the
//! calendar in force untouched.

use time::Date;

use super::{HolidayCalendar, ScheduleEntry, ScheduleError, ScheduleKind, format_date};

/// The source written for days computed from the law (a year nobody has announced yet).
pub const COMPUTED_SOURCE: &str = "BLLĐ 2019 Điều 111, 112 (tính theo luật, chưa có lịch công bố)";

/// The header line of the TSV format.
pub const TSV_HEADER: &str = "year\tdate\tkind\tname_vi\tsource";

/// `entries` in the TSV format of `holidays.tsv`, header first, in date order.
pub fn schedule_to_tsv(entries: &[ScheduleEntry]) -> String {
    let mut sorted: Vec<&ScheduleEntry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.date);
    let mut out = String::from(TSV_HEADER);
    out.push('\n');
    for e in sorted {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            e.date.year(),
            e.date,
            e.kind.code(),
            e.name,
            e.source
        ));
    }
    out
}

fn clean(text: &str) -> Result<&str, ScheduleError> {
    if text.contains(['\t', '\n', '\r']) {
        return Err(ScheduleError::ControlCharacter);
    }
    Ok(text.trim())
}

impl HolidayCalendar {
    /// The entries that define `year` now: its official schedule if it has one, otherwise the
    /// days off computed from the law (marked with [`COMPUTED_SOURCE`]).
    pub fn year_entries(&self, year: i32) -> Vec<ScheduleEntry> {
        if self.is_scheduled_year(year) {
            self.schedule()
                .filter(|e| e.date.year() == year)
                .cloned()
                .collect()
        } else {
            self.days_off(year)
                .into_iter()
                .map(|(date, kind, name)| ScheduleEntry {
                    date,
                    kind,
                    name,
                    source: COMPUTED_SOURCE.to_string(),
                })
                .collect()
        }
    }

    /// This calendar with `year` replaced by the schedule in `tsv` (the format of
    /// `holidays.tsv`). Returns the new calendar and the year's entries. Every line must be a
    /// date of `year`; the year must list every statutory holiday.
    pub fn amend_year(
        &self,
        year: i32,
        tsv: &str,
    ) -> Result<(HolidayCalendar, Vec<ScheduleEntry>), ScheduleError> {
        let lines = Self::parse_schedule_lines(tsv)?;
        if let Some((line, e)) = lines.iter().find(|(_, e)| e.date.year() != year) {
            return Err(ScheduleError::WrongYear {
                line: *line,
                expected: year,
                date: format_date(e.date),
            });
        }
        if lines.is_empty() {
            return Err(ScheduleError::EmptyYear { year });
        }
        let entries: Vec<ScheduleEntry> = lines.into_iter().map(|(_, e)| e).collect();
        let calendar = self.with_schedule(entries.clone())?;
        Ok((calendar, entries))
    }

    /// This calendar with one more day in its year (which becomes a scheduled year, starting
    /// from its current days). The day is checked like a line of the TSV file (line 1); a date
    /// already in the year is refused as an overlap.
    pub fn add_day(
        &self,
        date: Date,
        kind: &str,
        name: &str,
        source: &str,
    ) -> Result<(HolidayCalendar, Vec<ScheduleEntry>), ScheduleError> {
        let line = format!(
            "{}\t{}\t{}\t{}\t{}",
            date.year(),
            date,
            clean(kind)?,
            clean(name)?,
            clean(source)?
        );
        let mut parsed = Self::parse_schedule(&line)?;
        let entry = parsed
            .pop()
            .ok_or(ScheduleError::MissingColumns { line: 1, found: 0 })?;
        let mut entries = self.year_entries(date.year());
        if let Some(existing) = entries.iter().find(|e| e.date == date) {
            return Err(ScheduleError::AlreadyScheduled {
                date: format_date(date),
                name: existing.name.clone(),
            });
        }
        entries.push(entry);
        entries.sort_by_key(|e| e.date);
        let calendar = self.with_schedule(entries.clone())?;
        Ok((calendar, entries))
    }

    /// This calendar without the entry of `date` in its year. Removing a statutory holiday is
    /// refused (every scheduled year lists them all).
    pub fn remove_day(
        &self,
        date: Date,
    ) -> Result<(HolidayCalendar, Vec<ScheduleEntry>), ScheduleError> {
        let year = date.year();
        let mut entries = self.year_entries(year);
        let before = entries.len();
        entries.retain(|e| e.date != date);
        if entries.len() == before {
            return Err(ScheduleError::NotInSchedule {
                year,
                date: format_date(date),
            });
        }
        let calendar = self.with_schedule(entries.clone())?;
        Ok((calendar, entries))
    }

    /// Whether `kind` is a known code (for callers that validate before building a line).
    pub fn is_known_kind(kind: &str) -> bool {
        ScheduleKind::from_code(kind).is_some()
    }
}

#[cfg(test)]
mod tests {
    use time::Month;
    use time::macros::date;

    use super::*;

    fn cal() -> HolidayCalendar {
        HolidayCalendar::embedded()
    }

    /// The 2027 days off as computed from the law, as TSV.
    fn tsv_2027() -> String {
        schedule_to_tsv(&cal().year_entries(2027))
    }

    #[test]
    fn a_year_round_trips_through_tsv() {
        let c = cal();
        for year in [2025, 2026, 2027] {
            let text = schedule_to_tsv(&c.year_entries(year));
            let (amended, entries) = c.amend_year(year, &text).unwrap();
            assert_eq!(entries, c.year_entries(year), "{year}");
            for d in (0..365).map(|i| {
                Date::from_calendar_date(year, Month::January, 1).unwrap() + time::Duration::days(i)
            }) {
                assert_eq!(amended.is_working_day(d), c.is_working_day(d), "{d}");
            }
        }
    }

    #[test]
    fn announcing_2027_changes_working_days_and_leaves_other_years() {
        let c = cal();
        // Tết Đinh Mùi: mùng 1 = 06/02/2027 (Sat). Suppose the Government swaps Fri 12/02 for
        // Sat 20/02.
        let mut text = tsv_2027();
        text.push_str("2027\t2027-02-12\tswap_day_off\tNghỉ hoán đổi\tCV thử\n");
        text.push_str("2027\t2027-02-20\tswap_work_day\tLàm bù 12/02\tCV thử\n");
        assert!(c.is_working_day(date!(2027 - 02 - 12)));
        let (amended, _) = c.amend_year(2027, &text).unwrap();
        assert!(amended.is_scheduled_year(2027));
        assert!(!amended.is_working_day(date!(2027 - 02 - 12)));
        assert!(amended.is_working_day(date!(2027 - 02 - 20)));
        // Working-day arithmetic follows the amendment.
        assert_eq!(
            amended.add_working_days(date!(2027 - 02 - 11), 1),
            date!(2027 - 02 - 15)
        );
        assert_eq!(
            c.add_working_days(date!(2027 - 02 - 11), 1),
            date!(2027 - 02 - 12)
        );
        // 2026 is untouched.
        let y26: Vec<_> = amended.year_entries(2026);
        assert_eq!(y26, c.year_entries(2026));
    }

    #[test]
    fn refusals_name_the_line() {
        let c = cal();
        let base = tsv_2027();
        let lines = base.lines().count();
        let bad = |extra: &str| {
            let mut t = base.clone();
            t.push_str(extra);
            c.amend_year(2027, &t).unwrap_err().to_string()
        };
        let n = lines + 1;
        assert_eq!(
            bad("2027\t2027-02-30\tholiday\tNgày không có\t\n"),
            format!(
                "Dòng {n}: ngày «2027-02-30» không tồn tại hoặc sai định dạng (cần yyyy-mm-dd)"
            )
        );
        assert!(
            bad("2027\t2027-03-03\tnghi_le\tLoại lạ\t\n")
                .starts_with(&format!("Dòng {n}: loại ngày «nghi_le» không xác định"))
        );
        let dup = bad("2027\t2027-01-01\tholiday\tTết Dương lịch lần hai\t\n");
        assert!(
            dup.starts_with(&format!("Dòng {n}: ngày 01/01/2027 đã có ở dòng 2")),
            "{dup}"
        );
        assert_eq!(
            bad("2026\t2026-03-03\tholiday\tNăm khác\t\n"),
            format!("Dòng {n}: ngày 03/03/2026 không thuộc năm 2027 đang sửa")
        );
        // A year without 30/4 is refused, naming the missing holiday.
        let without: String = base
            .lines()
            .filter(|l| !l.contains("2027-04-30"))
            .map(|l| format!("{l}\n"))
            .collect();
        let e = c.amend_year(2027, &without).unwrap_err().to_string();
        assert!(
            e.contains("Ngày Chiến thắng (30/4)") && e.contains("30/04/2027"),
            "{e}"
        );
        assert_eq!(
            c.amend_year(2027, "year\tdate\tkind\tname_vi\tsource\n")
                .unwrap_err()
                .to_string(),
            "Lịch năm 2027 không có dòng nào: mỗi năm phải liệt kê đủ mọi ngày nghỉ"
        );
    }

    #[test]
    fn single_days_are_added_and_removed() {
        let c = cal();
        // Ngày Văn hóa Việt Nam 24/11/2026 (Tue) declared a day off.
        assert!(c.is_working_day(date!(2026 - 11 - 24)));
        let (amended, entries) = c
            .add_day(
                date!(2026 - 11 - 24),
                "holiday",
                "Ngày Văn hóa Việt Nam",
                "NQ thử",
            )
            .unwrap();
        assert!(!amended.is_working_day(date!(2026 - 11 - 24)));
        assert_eq!(entries.len(), c.year_entries(2026).len() + 1);
        let (back, _) = amended.remove_day(date!(2026 - 11 - 24)).unwrap();
        assert!(back.is_working_day(date!(2026 - 11 - 24)));
        // A computed year becomes scheduled from its computed days.
        let (y27, _) = c
            .add_day(
                date!(2027 - 11 - 24),
                "holiday",
                "Ngày Văn hóa Việt Nam",
                "",
            )
            .unwrap();
        assert!(y27.is_scheduled_year(2027));
        assert!(!y27.is_working_day(tet(2027)));
        // Refusals.
        assert!(
            c.add_day(date!(2026 - 11 - 21), "swap_day_off", "Thứ Bảy", "")
                .unwrap_err()
                .to_string()
                .contains("thứ Bảy/Chủ nhật")
        );
        assert!(
            c.add_day(date!(2026 - 01 - 01), "holiday", "Lặp", "")
                .unwrap_err()
                .to_string()
                .contains("01/01/2026")
        );
        assert!(matches!(
            c.add_day(date!(2026 - 11 - 24), "le", "X", ""),
            Err(ScheduleError::UnknownKind { line: 1, .. })
        ));
        assert!(matches!(
            c.add_day(date!(2026 - 11 - 24), "holiday", "A\tB", ""),
            Err(ScheduleError::ControlCharacter)
        ));
        assert!(matches!(
            c.remove_day(date!(2026 - 11 - 25)),
            Err(ScheduleError::NotInSchedule { year: 2026, .. })
        ));
        assert!(matches!(
            c.remove_day(date!(2026 - 09 - 02)),
            Err(ScheduleError::MissingStatutoryHoliday { year: 2026, .. })
        ));
    }

    use super::super::tet;
}
