//! Clean text: what a text value may hold. Every text a user sends (record fields, change
//! requests, account and catalog forms, query parameters) is held to [`control_character`].

/// The first character of `s` that text may not hold: the C0 control set (NUL included) and
/// DEL; tab, line feed and carriage return are allowed when `multiline`.
pub fn control_character(s: &str, multiline: bool) -> Option<char> {
    s.chars().find(|&c| {
        let control = (c as u32) < 0x20 || c == '\u{7f}';
        control && !(multiline && matches!(c, '\t' | '\n' | '\r'))
    })
}

/// The Vietnamese sentence end for a refused character: "chứa ký tự điều khiển U+0000, không
/// được phép."
pub fn control_character_problem(c: char) -> String {
    format!("chứa ký tự điều khiển U+{:04X}, không được phép.", c as u32)
}

/// Compares codes as people count: the numbers in them by value, so "8_10" comes before
/// "10_10" and "9_12" before "12_12" (catalogs list trình độ phổ thông 8/10 … 12/12).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn runs(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut digits = None;
        for (i, c) in s.char_indices() {
            let d = c.is_ascii_digit();
            if digits.is_some_and(|prev| prev != d) {
                out.push((digits.unwrap_or(false), &s[start..i]));
                start = i;
            }
            digits = Some(d);
        }
        if let Some(d) = digits {
            out.push((d, &s[start..]));
        }
        out
    }
    let (ra, rb) = (runs(a), runs(b));
    for ((da, ta), (db, tb)) in ra.iter().zip(rb.iter()) {
        let order = if *da && *db {
            let (na, nb) = (ta.trim_start_matches('0'), tb.trim_start_matches('0'));
            na.len().cmp(&nb.len()).then_with(|| na.cmp(nb))
        } else {
            ta.cmp(tb)
        };
        if order != std::cmp::Ordering::Equal {
            return order;
        }
    }
    ra.len().cmp(&rb.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::{control_character, natural_cmp};

    #[test]
    fn codes_are_compared_by_the_numbers_in_them() {
        let mut codes = vec!["12_12", "10_10", "8_10", "11_12", "9_12", "10_12", "9_10"];
        codes.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            codes,
            ["8_10", "9_10", "9_12", "10_10", "10_12", "11_12", "12_12"]
        );
        let mut grades = vec!["01.003", "01.002", "V.07.03.29", "V.07.03.3", "A", ""];
        grades.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            grades,
            ["", "01.002", "01.003", "A", "V.07.03.3", "V.07.03.29"]
        );
        // Leading zeros do not change a number, only break a tie.
        assert_eq!(natural_cmp("007", "7"), "007".cmp("7"));
    }

    #[test]
    fn control_characters_are_found_and_newlines_only_in_multiline_text() {
        assert_eq!(control_character("Nguyễn Văn A", false), None);
        assert_eq!(control_character("a\0b", false), Some('\0'));
        assert_eq!(control_character("a\0b", true), Some('\0'));
        assert_eq!(control_character("a\nb", false), Some('\n'));
        assert_eq!(control_character("a\r\n\tb", true), None);
        assert_eq!(control_character("a\u{1b}b", true), Some('\u{1b}'));
        assert_eq!(control_character("a\u{7f}", true), Some('\u{7f}'));
    }
}
