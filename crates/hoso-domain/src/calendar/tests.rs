//! Working-day calendar tests. Expected dates are hand-computed from rules.md §F and the
//! official schedules of holidays.tsv.

use super::*;
use time::macros::date;

fn cal() -> HolidayCalendar {
    HolidayCalendar::embedded()
}

fn off(c: &HolidayCalendar, dates: &[Date]) {
    for d in dates {
        assert!(!c.is_working_day(*d), "{d} should be a day off");
    }
}

fn work(c: &HolidayCalendar, dates: &[Date]) {
    for d in dates {
        assert!(c.is_working_day(*d), "{d} should be a working day");
    }
}

#[test]
fn embedded_covers_the_announced_years() {
    let c = cal();
    for y in 2024..=2026 {
        assert!(c.is_scheduled_year(y));
    }
    assert!(!c.is_scheduled_year(2023));
    assert!(!c.is_scheduled_year(2027));
}

#[test]
fn schedule_2024() {
    let c = cal();
    // Tết Giáp Thìn 08/02–14/02 (5 days + 2 compensatory for mùng 1, 2 on Sat/Sun).
    off(&c, &[date!(2024 - 01 - 01)]);
    let tet_days: Vec<Date> = (8..=14)
        .map(|d| Date::from_calendar_date(2024, Month::February, d).unwrap())
        .collect();
    off(&c, &tet_days);
    work(&c, &[date!(2024 - 02 - 07), date!(2024 - 02 - 15)]);
    assert_eq!(
        c.day_kind(date!(2024 - 02 - 13)),
        DayKind::Off {
            kind: ScheduleKind::Compensatory,
            name: "Nghỉ bù Tết Nguyên đán (mùng 4 tháng Giêng) do 10/02 và 11/02 trùng thứ Bảy, Chủ nhật".into()
        }
    );
    // 30/4: swap 29/4 (Mon) ↔ Sat 04/5.
    off(
        &c,
        &[
            date!(2024 - 04 - 18),
            date!(2024 - 04 - 29),
            date!(2024 - 04 - 30),
            date!(2024 - 05 - 01),
        ],
    );
    work(&c, &[date!(2024 - 05 - 04), date!(2024 - 05 - 02)]);
    // Quốc khánh 02/9 (Mon) + 03/9.
    off(&c, &[date!(2024 - 09 - 02), date!(2024 - 09 - 03)]);
    work(&c, &[date!(2024 - 09 - 04), date!(2024 - 08 - 30)]);
}

#[test]
fn schedule_2025() {
    let c = cal();
    // Tết Ất Tỵ 27–31/01 (28 Chạp → mùng 3), break 25/01–02/02.
    off(
        &c,
        &[
            date!(2025 - 01 - 01),
            date!(2025 - 01 - 27),
            date!(2025 - 01 - 31),
            date!(2025 - 02 - 01),
            date!(2025 - 02 - 02),
        ],
    );
    work(&c, &[date!(2025 - 01 - 24), date!(2025 - 02 - 03)]);
    off(&c, &[date!(2025 - 04 - 07)]);
    // Swap Fri 02/5 ↔ Sat 26/4.
    work(&c, &[date!(2025 - 04 - 26)]);
    off(
        &c,
        &[
            date!(2025 - 04 - 30),
            date!(2025 - 05 - 01),
            date!(2025 - 05 - 02),
        ],
    );
    off(&c, &[date!(2025 - 09 - 01), date!(2025 - 09 - 02)]);
    work(&c, &[date!(2025 - 09 - 03)]);
}

#[test]
fn schedule_2026() {
    let c = cal();
    // Tết Dương lịch: swap Fri 02/01 ↔ Sat 10/01.
    off(&c, &[date!(2026 - 01 - 01), date!(2026 - 01 - 02)]);
    work(&c, &[date!(2026 - 01 - 10), date!(2026 - 01 - 05)]);
    // Tết Bính Ngọ 16–20/02, break 14–22/02.
    off(
        &c,
        &[
            date!(2026 - 02 - 14),
            date!(2026 - 02 - 16),
            date!(2026 - 02 - 20),
            date!(2026 - 02 - 22),
        ],
    );
    work(&c, &[date!(2026 - 02 - 13), date!(2026 - 02 - 23)]);
    // Giỗ Tổ 26/4 (Sun) → compensatory Mon 27/4; 30/4 Thu, 01/5 Fri.
    off(
        &c,
        &[
            date!(2026 - 04 - 26),
            date!(2026 - 04 - 27),
            date!(2026 - 04 - 30),
            date!(2026 - 05 - 01),
        ],
    );
    work(&c, &[date!(2026 - 04 - 28), date!(2026 - 05 - 04)]);
    // Quốc khánh: swap Mon 31/8 ↔ Sat 22/8; 01/9 + 02/9.
    work(&c, &[date!(2026 - 08 - 22)]);
    off(
        &c,
        &[
            date!(2026 - 08 - 31),
            date!(2026 - 09 - 01),
            date!(2026 - 09 - 02),
        ],
    );
    work(&c, &[date!(2026 - 09 - 03)]);
    assert!(
        !c.is_working_day(date!(2026 - 08 - 23)),
        "Sunday after the swap Saturday"
    );
}

#[test]
fn rules_md_f5_examples() {
    let c = cal();
    // 23/4/2026 + 5 working days: 24/4, 28/4, 29/4, 04/5, 05/5.
    assert_eq!(
        c.add_working_days(date!(2026 - 04 - 23), 5),
        date!(2026 - 05 - 05)
    );
    // 19/8/2026 + 5: 20/8, 21/8, 22/8 (swap Saturday), 24/8, 25/8.
    assert_eq!(
        c.add_working_days(date!(2026 - 08 - 19), 5),
        date!(2026 - 08 - 25)
    );
    // 08/01/2026 + 3: 09/01, 10/01 (swap Saturday), 12/01.
    assert_eq!(
        c.add_working_days(date!(2026 - 01 - 08), 3),
        date!(2026 - 01 - 12)
    );
    // 30 calendar days from 20/01/2026 → 19/02 (Tết) → next working day 23/02.
    let last = date!(2026 - 01 - 20) + Duration::days(30);
    assert_eq!(last, date!(2026 - 02 - 19));
    assert_eq!(c.working_day_on_or_after(last), date!(2026 - 02 - 23));
}

#[test]
fn add_and_count_are_consistent() {
    let c = cal();
    let mut d = date!(2023 - 12 - 20);
    while d < date!(2027 - 03 - 01) {
        for n in [1, 3, 5, 15, 30] {
            let due = c.add_working_days(d, n);
            assert!(c.is_working_day(due));
            assert_eq!(c.working_days_between(d, due), n, "{d} + {n}");
            assert_eq!(c.working_days_between(due, d), -n);
            // Going back n working days from a working day returns to the n-th before it.
            if c.is_working_day(d) {
                assert_eq!(c.add_working_days(due, -n), d, "{d} + {n} − {n}");
            }
        }
        d = d.next_day().unwrap();
    }
}

#[test]
fn around_tet_and_weekends() {
    let c = cal();
    // Friday 13/02/2026 + 1 → Monday 23/02 (Tết break 14–22/02).
    assert_eq!(
        c.add_working_days(date!(2026 - 02 - 13), 1),
        date!(2026 - 02 - 23)
    );
    assert_eq!(
        c.working_days_between(date!(2026 - 02 - 13), date!(2026 - 02 - 23)),
        1
    );
    // Starting on a day off: day 1 is the first working day after it.
    assert_eq!(
        c.add_working_days(date!(2026 - 02 - 17), 1),
        date!(2026 - 02 - 23)
    );
    // Saturday + 1 → Monday.
    assert_eq!(
        c.add_working_days(date!(2026 - 03 - 07), 1),
        date!(2026 - 03 - 09)
    );
    // n = 0: the day itself if working, otherwise the next working day.
    assert_eq!(
        c.add_working_days(date!(2026 - 03 - 09), 0),
        date!(2026 - 03 - 09)
    );
    assert_eq!(
        c.add_working_days(date!(2026 - 02 - 17), 0),
        date!(2026 - 02 - 23)
    );
    // Backwards over Tết: 1 working day before Mon 23/02/2026 is Fri 13/02.
    assert_eq!(
        c.add_working_days(date!(2026 - 02 - 23), -1),
        date!(2026 - 02 - 13)
    );
    assert_eq!(
        c.working_day_on_or_before(date!(2026 - 02 - 22)),
        date!(2026 - 02 - 13)
    );
    // 2025: Fri 24/01 + 1 → Mon 03/02.
    assert_eq!(
        c.add_working_days(date!(2025 - 01 - 24), 1),
        date!(2025 - 02 - 03)
    );
}

#[test]
fn leap_years() {
    let c = cal();
    // 29/02/2024 (Thu) is an ordinary working day.
    assert_eq!(
        c.add_working_days(date!(2024 - 02 - 28), 1),
        date!(2024 - 02 - 29)
    );
    assert_eq!(
        c.add_working_days(date!(2024 - 02 - 29), 1),
        date!(2024 - 03 - 01)
    );
    // 2028 is leap and computed: 29/02/2028 is a Tuesday.
    assert!(c.is_working_day(date!(2028 - 02 - 29)));
    assert_eq!(
        c.last_working_days_of_month(2028, Month::February, 2),
        vec![date!(2028 - 02 - 28), date!(2028 - 02 - 29)]
    );
}

#[test]
fn month_ends() {
    let c = cal();
    // January 2025: 27–31/01 Tết → last 5 working days 20–24/01.
    assert_eq!(
        c.last_working_days_of_month(2025, Month::January, 5),
        vec![
            date!(2025 - 01 - 20),
            date!(2025 - 01 - 21),
            date!(2025 - 01 - 22),
            date!(2025 - 01 - 23),
            date!(2025 - 01 - 24)
        ]
    );
    // February 2024 (leap): 23/02, 26–29/02.
    assert_eq!(
        c.last_working_days_of_month(2024, Month::February, 5),
        vec![
            date!(2024 - 02 - 23),
            date!(2024 - 02 - 26),
            date!(2024 - 02 - 27),
            date!(2024 - 02 - 28),
            date!(2024 - 02 - 29)
        ]
    );
    // April 2026: 30/4 holiday, 27/4 compensatory → 22, 23, 24, 28, 29.
    assert_eq!(
        c.last_working_days_of_month(2026, Month::April, 5),
        vec![
            date!(2026 - 04 - 22),
            date!(2026 - 04 - 23),
            date!(2026 - 04 - 24),
            date!(2026 - 04 - 28),
            date!(2026 - 04 - 29)
        ]
    );
    // August 2026: 31/8 swapped off; the swap Saturday 22/8 counts as a working day.
    assert_eq!(
        c.last_working_days_of_month(2026, Month::August, 6),
        vec![
            date!(2026 - 08 - 22),
            date!(2026 - 08 - 24),
            date!(2026 - 08 - 25),
            date!(2026 - 08 - 26),
            date!(2026 - 08 - 27),
            date!(2026 - 08 - 28)
        ]
    );
    assert!(c.is_in_last_working_days(date!(2026 - 04 - 29), 5));
    assert!(c.is_in_last_working_days(date!(2026 - 04 - 22), 5));
    assert!(!c.is_in_last_working_days(date!(2026 - 04 - 21), 5));
    assert!(
        !c.is_in_last_working_days(date!(2026 - 04 - 30), 5),
        "holiday"
    );
    assert!(
        !c.is_in_last_working_days(date!(2026 - 04 - 27), 5),
        "compensatory"
    );
}

#[test]
fn computed_defaults_match_past_practice() {
    let c = HolidayCalendar::computed();
    // 2022: Giỗ Tổ 10/4 (Sun) → 11/4; 30/4 (Sat), 01/5 (Sun) → 02/5, 03/5.
    off(
        &c,
        &[
            date!(2022 - 04 - 11),
            date!(2022 - 05 - 02),
            date!(2022 - 05 - 03),
        ],
    );
    work(&c, &[date!(2022 - 05 - 04)]);
    // 2023: Tết 22/01 (Sun): 20–24/01 + compensatory 25, 26/01 (the announced 20–26/01 break).
    off(
        &c,
        &[
            date!(2023 - 01 - 20),
            date!(2023 - 01 - 24),
            date!(2023 - 01 - 25),
            date!(2023 - 01 - 26),
        ],
    );
    work(&c, &[date!(2023 - 01 - 27), date!(2023 - 01 - 19)]);
    // 2023: Giỗ Tổ 29/4 (Sat), 30/4 (Sun), 01/5 (Mon) → 02/5, 03/5.
    off(&c, &[date!(2023 - 05 - 02), date!(2023 - 05 - 03)]);
    work(&c, &[date!(2023 - 05 - 04)]);
    // The computed 2024 equals the announced 2024 except the 29/4 ↔ 04/5 swap.
    let official: BTreeSet<Date> = cal().days_off(2024).into_iter().map(|(d, ..)| d).collect();
    let computed: BTreeSet<Date> = c.days_off(2024).into_iter().map(|(d, ..)| d).collect();
    let diff: Vec<Date> = official.symmetric_difference(&computed).copied().collect();
    assert_eq!(diff, vec![date!(2024 - 04 - 29)]);
    // 2025 too, except the 02/5 ↔ 26/4 swap.
    let official: BTreeSet<Date> = cal().days_off(2025).into_iter().map(|(d, ..)| d).collect();
    let computed: BTreeSet<Date> = c.days_off(2025).into_iter().map(|(d, ..)| d).collect();
    let diff: Vec<Date> = official.symmetric_difference(&computed).copied().collect();
    assert_eq!(diff, vec![date!(2025 - 05 - 02)]);
}

#[test]
fn computed_2027() {
    let c = cal();
    // Tết 06/02/2027 (Sat): 04, 05, 06, 07, 08/02 + compensatory 09, 10/02.
    off(
        &c,
        &[
            date!(2027 - 02 - 04),
            date!(2027 - 02 - 08),
            date!(2027 - 02 - 09),
            date!(2027 - 02 - 10),
        ],
    );
    work(&c, &[date!(2027 - 02 - 03), date!(2027 - 02 - 11)]);
    assert_eq!(
        c.day_kind(date!(2027 - 02 - 05)),
        DayKind::Off {
            kind: ScheduleKind::Holiday,
            name: "Tết Nguyên đán (29 tháng Chạp)".into()
        }
    );
    // Giỗ Tổ 16/4/2027 (Fri); 02/9/2027 is a Thursday → 03/9.
    off(
        &c,
        &[
            date!(2027 - 04 - 16),
            date!(2027 - 09 - 02),
            date!(2027 - 09 - 03),
        ],
    );
    work(&c, &[date!(2027 - 09 - 01)]);
    // 01/01/2028 is a Saturday → compensatory Monday 03/01/2028.
    off(&c, &[date!(2028 - 01 - 03)]);
    // Far-future years are computed on demand.
    off(&c, &[tet(2200)]);
}

const HEADER: &str = "year\tdate\tkind\tname_vi\tsource\n";

fn parse(body: &str) -> Result<Vec<ScheduleEntry>, ScheduleError> {
    HolidayCalendar::parse_schedule(&format!("{HEADER}{body}"))
}

#[test]
fn parse_refuses_bad_lines_precisely() {
    assert_eq!(
        parse("2025\t2025-02-29\tholiday\tX\n"),
        Err(ScheduleError::InvalidDate {
            line: 2,
            value: "2025-02-29".into()
        })
    );
    assert_eq!(
        parse("2025\t2025-01-01\tholiday\tA\n2025\t2025-13-01\tholiday\tB\n"),
        Err(ScheduleError::InvalidDate {
            line: 3,
            value: "2025-13-01".into()
        })
    );
    assert_eq!(
        parse("2024\t2025-01-01\tholiday\tX\n"),
        Err(ScheduleError::YearMismatch {
            line: 2,
            year: 2024,
            date: "01/01/2025".into()
        })
    );
    assert_eq!(
        parse("2025\t2025-01-01\tnghi\tX\n"),
        Err(ScheduleError::UnknownKind {
            line: 2,
            value: "nghi".into()
        })
    );
    assert_eq!(
        parse("# comment\n\n2025\t2025-01-01\tholiday\tA\n2025\t2025-01-01\tcompensatory\tB\n"),
        Err(ScheduleError::Duplicate {
            line: 5,
            first_line: 4,
            date: "01/01/2025".into()
        })
    );
    assert_eq!(
        parse("2025\t2025-01-01\tholiday\n"),
        Err(ScheduleError::MissingColumns { line: 2, found: 3 })
    );
    assert_eq!(
        parse("hai\t2025-01-01\tholiday\tX\n"),
        Err(ScheduleError::InvalidYear {
            line: 2,
            value: "hai".into()
        })
    );
    assert_eq!(
        parse("2025\t2025-01-01\tholiday\t \n"),
        Err(ScheduleError::MissingName { line: 2 })
    );
    assert_eq!(
        parse("2025\t2025-04-28\tswap_work_day\tX\n"),
        Err(ScheduleError::WorkDayNotWeekend {
            line: 2,
            date: "28/04/2025".into()
        })
    );
    assert_eq!(
        parse("2025\t2025-04-27\tcompensatory\tX\n"),
        Err(ScheduleError::DayOffOnWeekend {
            line: 2,
            date: "27/04/2025".into(),
            kind: "compensatory"
        })
    );
    let msg = parse("2025\t2025-01-01\tnghi\tX\n")
        .unwrap_err()
        .to_string();
    assert!(
        msg.starts_with("Dòng 2: loại ngày «nghi» không xác định"),
        "{msg}"
    );
}

#[test]
fn a_scheduled_year_must_list_every_statutory_holiday() {
    let entries = parse("2027\t2027-01-01\tholiday\tTết Dương lịch\n").unwrap();
    let err = HolidayCalendar::new(entries).unwrap_err();
    assert_eq!(
        err,
        ScheduleError::MissingStatutoryHoliday {
            year: 2027,
            date: "06/02/2027".into(),
            name: "Tết Nguyên đán (mùng 1 tháng Giêng)"
        }
    );
    assert!(err.to_string().contains("Năm 2027"));
}

#[test]
fn an_announced_year_overrides_the_computed_one() {
    // A hypothetical 2027 announcement: Tết 05–09/02 + compensatory 10, 11/02; swap 03/9 ↔ 11/9.
    let body = "\
2027\t2027-01-01\tholiday\tTết Dương lịch
2027\t2027-02-05\tholiday\tTết (29 Chạp)
2027\t2027-02-06\tholiday\tTết (mùng 1)
2027\t2027-02-07\tholiday\tTết (mùng 2)
2027\t2027-02-08\tholiday\tTết (mùng 3)
2027\t2027-02-09\tholiday\tTết (mùng 4)
2027\t2027-02-10\tcompensatory\tNghỉ bù
2027\t2027-02-11\tcompensatory\tNghỉ bù
2027\t2027-04-16\tholiday\tGiỗ Tổ
2027\t2027-04-30\tholiday\t30/4
2027\t2027-05-01\tholiday\t1/5
2027\t2027-09-02\tholiday\t2/9
2027\t2027-09-03\tswap_day_off\tHoán đổi
2027\t2027-09-11\tswap_work_day\tLàm bù
";
    let c = cal().with_schedule(parse(body).unwrap()).unwrap();
    assert!(c.is_scheduled_year(2027));
    work(&c, &[date!(2027 - 02 - 04), date!(2027 - 09 - 11)]);
    off(&c, &[date!(2027 - 02 - 11), date!(2027 - 09 - 03)]);
    // Other years are untouched.
    work(&c, &[date!(2026 - 08 - 22)]);
    assert!(c.is_scheduled_year(2026));
}

#[test]
fn embedded_file_parses_and_kinds_round_trip() {
    let entries = HolidayCalendar::parse_schedule(EMBEDDED_SCHEDULE).unwrap();
    assert_eq!(entries.len(), 44);
    for k in ScheduleKind::ALL {
        assert_eq!(ScheduleKind::from_code(k.code()), Some(k));
    }
    assert_eq!(format_date(date!(2026 - 02 - 03)), "03/02/2026");
}

#[test]
fn every_announced_day_cites_the_act_that_set_it_and_no_news_site() {
    let acts = ["BLLĐ", "VPCP", "Văn phòng Chính phủ", "TB-BLĐTBXH", "BNV"];
    for entry in cal().schedule() {
        let source = &entry.source;
        assert!(
            acts.iter().any(|act| source.contains(act)),
            "{} cites no act: {source}",
            entry.date
        );
        for news in ["tin:", ".com", ".vn", "http", "www"] {
            assert!(
                !source.contains(news),
                "{} cites a news site: {source}",
                entry.date
            );
        }
    }
}

#[test]
fn a_monthly_trend_is_counted_on_each_month_end_and_today() {
    assert_eq!(
        month_ends_to(date!(2026 - 03 - 15), 4),
        vec![
            date!(2025 - 12 - 31),
            date!(2026 - 01 - 31),
            date!(2026 - 02 - 28),
            date!(2026 - 03 - 15),
        ]
    );
    // Leap February, and a year turned.
    assert_eq!(
        month_ends_to(date!(2028 - 03 - 01), 2),
        vec![date!(2028 - 02 - 29), date!(2028 - 03 - 01)]
    );
    assert_eq!(month_ends_to(date!(2026 - 12 - 05), 12).len(), 12);
    assert_eq!(
        month_ends_to(date!(2026 - 12 - 05), 12)[0],
        date!(2026 - 01 - 31)
    );
    assert!(month_ends_to(date!(2026 - 12 - 05), 0).is_empty());
}
