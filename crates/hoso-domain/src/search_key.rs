//! Accent-insensitive search keys.
//!
//! Vietnamese users type names without diacritics ("nguyen van dat" must find "Nguyễn Văn Đạt").
//! Database folding cannot be trusted for this: `đ` (U+0111) has no Unicode decomposition, so
//! SQLite's `remove_diacritics` and most collations leave it alone. We fold in Rust, the same
//! way for both databases, and store the folded key next to the original.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds text for search: decomposes, drops combining marks, maps đ/Đ to d, lower-cases and
/// collapses runs of whitespace to one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn folds_vietnamese_names() {
        assert_eq!(fold("Nguyễn Văn Đạt"), "nguyen van dat");
        assert_eq!(fold("ĐOÀN THỊ HƯƠNG"), "doan thi huong");
        assert_eq!(fold("  Lê   Đình\tDũng "), "le dinh dung");
    }

    #[test]
    fn folds_decomposed_input_like_precomposed() {
        let decomposed: String = "Trần Thị Đoan".nfd().collect();
        assert_eq!(fold(&decomposed), fold("Trần Thị Đoan"));
    }

    #[test]
    fn leaves_plain_ascii_and_digits() {
        assert_eq!(fold("01.003 Chuyen vien"), "01.003 chuyen vien");
        assert_eq!(fold(""), "");
    }
}
