//! Dates as people type them: `dd/mm/yyyy` and `mm/yyyy` as Vietnamese write them, with `-` or
//! `.` instead of `/`, one-digit days and months, or the ISO form a program sends. Used by the
//! import for text cells and by every form of the web pages, whatever the browser's language.

use time::{Date, Month};

/// A day typed as text: `dd/mm/yyyy`, `d-m-yyyy`, `d.m.yyyy`, `yyyy-mm-dd` (two-digit years
/// are refused: the century cannot be told).
pub fn parse_date_text(s: &str) -> Result<Date, String> {
    let s = s.trim();
    let parts: Vec<&str> = s
        .split(['/', '-', '.'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let nums: Option<Vec<u32>> = parts
        .iter()
        .map(|p| {
            (p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect();
    let bad = || format!("\"{s}\" không phải ngày hợp lệ (dùng dạng dd/mm/yyyy).");
    let nums = nums.filter(|n| n.len() == 3).ok_or_else(bad)?;
    let (y, m, d) = if parts[0].len() == 4 {
        (nums[0], nums[1], nums[2])
    } else if parts[2].len() == 4 {
        (nums[2], nums[1], nums[0])
    } else {
        return Err(format!(
            "\"{s}\" không phải ngày hợp lệ: năm phải có đủ 4 chữ số (dùng dạng dd/mm/yyyy)."
        ));
    };
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| format!("\"{s}\" không phải ngày hợp lệ: tháng {m} không tồn tại."))?;
    Date::from_calendar_date(y as i32, month, d as u8).map_err(|_| {
        format!("\"{s}\" không phải ngày hợp lệ: ngày {d:02}/{m:02}/{y} không tồn tại.")
    })
}

/// A month typed as text: `mm/yyyy`, `m-yyyy`, `m.yyyy`, `yyyy-mm`, or a whole day.
pub fn parse_month_text(s: &str) -> Result<(i32, u8), String> {
    let t = s.trim();
    let parts: Vec<&str> = t.split(['/', '-', '.']).map(str::trim).collect();
    if parts.len() == 3 {
        let d = parse_date_text(t)?;
        return Ok((d.year(), d.month() as u8));
    }
    let bad = || format!("\"{t}\" không phải tháng/năm hợp lệ (dùng dạng mm/yyyy).");
    if parts.len() != 2 || !parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
        return Err(bad());
    }
    let (y, m) = if parts[0].len() == 4 {
        (parts[0], parts[1])
    } else if parts[1].len() == 4 {
        (parts[1], parts[0])
    } else {
        return Err(bad());
    };
    let (y, m): (i32, u8) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) {
        return Err(format!(
            "\"{t}\" không phải tháng/năm hợp lệ: tháng {m} không tồn tại."
        ));
    }
    Ok((y, m))
}

/// A typed day, or the problem in Vietnamese after the name of what it is (`what`: "Ngày quyết
/// định").
pub fn parse_named(s: &str, what: &str) -> Result<Date, String> {
    parse_date_text(s).map_err(|e| format!("{what}: {e}"))
}

/// A typed day in the ISO shape `yyyy-mm-dd` without checking that the day exists (the record
/// validator names a day that does not), or `None` when it is not a day's shape at all.
pub fn iso_date_shape(s: &str) -> Option<String> {
    let (y, m, d) = date_parts(s)?;
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// A typed month in the ISO shape `yyyy-mm` (`None` when it is not a month's shape).
pub fn iso_month_shape(s: &str) -> Option<String> {
    let parts = numeric_parts(s)?;
    match parts.as_slice() {
        [(m, _), (y, 4)] | [(y, 4), (m, _)] => Some(format!("{y:04}-{m:02}")),
        [_, _, _] => iso_date_shape(s).map(|d| d[..7].to_string()),
        _ => None,
    }
}

/// The numbers of a typed date with the number of digits each was written with.
fn numeric_parts(s: &str) -> Option<Vec<(u32, usize)>> {
    s.split(['/', '-', '.'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            (p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
                .then(|| p.parse().ok().map(|n| (n, p.len())))
                .flatten()
        })
        .collect()
}

/// Year, month and day of a typed day (day first, or ISO with the year first).
fn date_parts(s: &str) -> Option<(u32, u32, u32)> {
    match numeric_parts(s)?.as_slice() {
        [(y, 4), (m, _), (d, _)] | [(d, _), (m, _), (y, 4)] => Some((*y, *m, *d)),
        _ => None,
    }
}

/// A typed day as ISO `yyyy-mm-dd`, or the problem in Vietnamese.
pub fn iso_date(s: &str) -> Result<String, String> {
    parse_date_text(s).map(|d| d.to_string())
}

/// A typed month as ISO `yyyy-mm`, or the problem in Vietnamese.
pub fn iso_month(s: &str) -> Result<String, String> {
    parse_month_text(s).map(|(y, m)| format!("{y:04}-{m:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_as_vietnamese_write_them() {
        for typed in [
            "07/03/2024",
            "7/3/2024",
            "07-03-2024",
            "7.3.2024",
            " 07 / 03 / 2024 ",
            "2024-03-07",
        ] {
            assert_eq!(iso_date(typed).as_deref(), Ok("2024-03-07"), "{typed}");
        }
    }

    #[test]
    fn impossible_days_are_named() {
        assert_eq!(
            iso_date("31/02/2024").unwrap_err(),
            "\"31/02/2024\" không phải ngày hợp lệ: ngày 31/02/2024 không tồn tại."
        );
        assert!(
            iso_date("07/13/2024")
                .unwrap_err()
                .contains("tháng 13 không tồn tại")
        );
        assert!(iso_date("07/03/24").unwrap_err().contains("4 chữ số"));
        assert!(iso_date("hôm qua").unwrap_err().contains("dd/mm/yyyy"));
        assert!(iso_date("").is_err());
        // 29/02 exists in leap years only.
        assert_eq!(iso_date("29/02/2024").as_deref(), Ok("2024-02-29"));
        assert!(iso_date("29/02/2023").is_err());
    }

    #[test]
    fn months_as_vietnamese_write_them() {
        for typed in [
            "09/2021",
            "9/2021",
            "09-2021",
            "9.2021",
            "2021-09",
            "15/09/2021",
        ] {
            assert_eq!(iso_month(typed).as_deref(), Ok("2021-09"), "{typed}");
        }
        assert!(iso_month("13/2021").unwrap_err().contains("tháng 13"));
        assert!(iso_month("09/21").unwrap_err().contains("mm/yyyy"));
    }

    #[test]
    fn shapes_keep_days_that_do_not_exist_for_the_validator_to_name() {
        assert_eq!(iso_date_shape("31/2/2024").as_deref(), Some("2024-02-31"));
        assert_eq!(iso_date_shape("2024-02-31").as_deref(), Some("2024-02-31"));
        assert_eq!(iso_date_shape("31/2/24"), None);
        assert_eq!(iso_date_shape("hôm qua"), None);
        assert_eq!(iso_month_shape("13/2021").as_deref(), Some("2021-13"));
        assert_eq!(iso_month_shape("2021-9").as_deref(), Some("2021-09"));
        assert_eq!(iso_month_shape("9/21"), None);
    }

    #[test]
    fn a_named_day_says_which() {
        assert_eq!(
            parse_named("30/02/2026", "Ngày hiệu lực").unwrap_err(),
            "Ngày hiệu lực: \"30/02/2026\" không phải ngày hợp lệ: ngày 30/02/2026 không tồn tại."
        );
        assert_eq!(
            parse_named("2026-12-04", "Ngày hiệu lực")
                .unwrap()
                .to_string(),
            "2026-12-04"
        );
    }
}
