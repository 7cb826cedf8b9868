//! Text as it arrives from old spreadsheets: normal forms, folding for comparisons.

use unicode_normalization::UnicodeNormalization;

/// NFC, trimmed, runs of white space (non-breaking spaces and line breaks included) made one
/// space.
pub fn clean(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `clean` for text kept on several lines (the line breaks of a multi-line field stay; blank
/// lines at either end go).
pub fn clean_lines(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    let lines: Vec<String> = nfc
        .replace("\r\n", "\n")
        .split(['\n', '\r'])
        .map(clean)
        .collect();
    let first = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let last = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(first, |i| i + 1);
    lines[first..last].join("\n")
}

/// The form two labels or catalog names are compared in: no accents, `đ` as `d`, lower case,
/// punctuation as spaces, one space between words ("Ngày, tháng, năm sinh" → "ngay thang nam
/// sinh").
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

/// `fold` without the parenthesised parts ("Họ và tên khai sinh (viết chữ in hoa)" → "ho va ten
/// khai sinh").
pub fn fold_without_notes(s: &str) -> String {
    let mut depth = 0usize;
    let kept: String = s
        .chars()
        .filter(|&c| match c {
            '(' | '[' => {
                depth += 1;
                false
            }
            ')' | ']' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect();
    fold(&kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_accents_case_and_punctuation() {
        assert_eq!(fold("Ngày, tháng, năm sinh"), "ngay thang nam sinh");
        assert_eq!(fold("  KINH "), "kinh");
        assert_eq!(fold("Đảng"), "dang");
        // NFD input folds the same as NFC.
        let nfd: String = "Nguyễn Văn Đạt".nfd().collect();
        assert_eq!(fold(&nfd), fold("Nguyễn Văn Đạt"));
        assert_eq!(
            fold_without_notes("Họ và tên khai sinh (viết chữ in hoa)"),
            "ho va ten khai sinh"
        );
    }

    #[test]
    fn cleaning_makes_nfc_and_one_space() {
        let nfd: String = "Nguyễn\u{a0} Văn\nĐạt ".nfd().collect();
        assert_eq!(clean(&nfd), "Nguyễn Văn Đạt");
    }
}
