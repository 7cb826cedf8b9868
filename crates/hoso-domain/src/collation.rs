//! The order of Vietnamese names in lists.
//!
//! Vietnamese lists are ordered by tên (the last word) and then by họ and đệm, and letters
//! follow the Vietnamese alphabet: a ă â b c d đ e ê … o ô ơ … u ư …, so "Đức" comes after
//! every "D…", and "Ân" after every "An…". Within one syllable the letters decide first and the
//! tone second (không dấu, huyền, hỏi, ngã, sắc, nặng), as in the dictionaries: "An" < "Án" <
//! "Anh".
//!
//! No database collates this way (ICU's `vi` comes close but orders by họ, and SQLite has no
//! ICU), so the order is a key computed here and stored beside the name. The key is made of
//! two-digit tokens only, which every database collation compares as plain bytes.

use unicode_normalization::UnicodeNormalization;

/// Ends tên and starts họ and đệm.
const AFTER_GIVEN_NAME: &str = "00";
/// Between two words of họ and đệm.
const BETWEEN_WORDS: &str = "01";
/// The tone of a syllable, after its letters: lower than any letter, so "An" (any tone) comes
/// before "Anh".
const TONES: [&str; 6] = ["02", "03", "04", "05", "06", "07"];
/// Digits, before letters.
const FIRST_DIGIT: u32 = 10;
/// The Vietnamese alphabet, with f, j, w and z where the Latin alphabet has them (foreign names).
const ALPHABET: [&str; 33] = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
    "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
];
const FIRST_LETTER: usize = 20;
/// Any other letter (another script), after the alphabet.
const OTHER_LETTER: &str = "53";

/// The key that orders full names as Vietnamese lists do (compare keys as plain text).
pub fn name_sort_key(full_name: &str) -> String {
    let words: Vec<&str> = full_name.split_whitespace().collect();
    let Some((given, family)) = words.split_last() else {
        return String::new();
    };
    format!(
        "{}{AFTER_GIVEN_NAME}{}",
        syllable_key(given),
        words_key(family.iter().copied())
    )
}

/// The key that orders other text (unit names) word by word in the Vietnamese alphabet.
pub fn text_sort_key(text: &str) -> String {
    words_key(text.split_whitespace())
}

fn words_key<'a>(words: impl Iterator<Item = &'a str>) -> String {
    words
        .map(syllable_key)
        .collect::<Vec<_>>()
        .join(BETWEEN_WORDS)
}

/// A word's letters as tokens, then its tone.
fn syllable_key(word: &str) -> String {
    let mut key = String::new();
    let mut tone = 0;
    let mut letters: Vec<String> = Vec::new();
    for c in word.nfd() {
        match c {
            // Marks that make a letter of their own: ă, â ê ô, ơ ư.
            '\u{0306}' | '\u{0302}' | '\u{031B}' => {
                if let Some(last) = letters.last_mut() {
                    last.push(c);
                }
            }
            '\u{0300}' => tone = 1,
            '\u{0309}' => tone = 2,
            '\u{0303}' => tone = 3,
            '\u{0301}' => tone = 4,
            '\u{0323}' => tone = 5,
            c if c.is_alphanumeric() => letters.push(c.to_lowercase().collect()),
            // Other marks, hyphens, apostrophes: not part of the order.
            _ => {}
        }
    }
    for letter in &letters {
        key.push_str(&letter_token(letter));
    }
    key.push_str(TONES[tone]);
    key
}

fn letter_token(letter: &str) -> String {
    let composed: String = letter.nfc().collect();
    if let Some(d) = composed.chars().next().and_then(|c| c.to_digit(10)) {
        return (FIRST_DIGIT + d).to_string();
    }
    ALPHABET.iter().position(|a| *a == composed).map_or_else(
        || OTHER_LETTER.to_string(),
        |i| (FIRST_LETTER + i).to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::name_sort_key;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by_key(|n| name_sort_key(n));
        v
    }

    #[test]
    fn by_given_name_then_family_name() {
        assert_eq!(
            sorted(&[
                "Nguyễn Văn Bình",
                "Trần Thị An",
                "Lê An",
                "Nguyễn Thị An",
                "Phạm Văn Anh",
            ]),
            [
                "Lê An",
                "Nguyễn Thị An",
                "Trần Thị An",
                "Phạm Văn Anh",
                "Nguyễn Văn Bình"
            ]
        );
    }

    #[test]
    fn đ_comes_after_every_d() {
        assert_eq!(
            sorted(&["Lê Văn Đức", "Trần Dũng", "Nguyễn Duy", "Phạm Đạt", "Hà Em"]),
            ["Trần Dũng", "Nguyễn Duy", "Phạm Đạt", "Lê Văn Đức", "Hà Em"]
        );
        // In họ too: Đặng after Dương.
        assert_eq!(
            sorted(&["Đặng Văn Nam", "Dương Văn Nam"]),
            ["Dương Văn Nam", "Đặng Văn Nam"]
        );
    }

    #[test]
    fn letters_with_marks_follow_their_base_letter() {
        assert_eq!(
            sorted(&["Lê Ân", "Lê Anh", "Lê Ăn", "Lê An", "Lê Bảo"]),
            ["Lê An", "Lê Anh", "Lê Ăn", "Lê Ân", "Lê Bảo"]
        );
        assert_eq!(
            sorted(&["Lê Ưng", "Lê Uyên", "Lê Ơn", "Lê Ôn", "Lê On", "Lê Vân"]),
            ["Lê On", "Lê Ôn", "Lê Ơn", "Lê Uyên", "Lê Ưng", "Lê Vân"]
        );
    }

    #[test]
    fn the_tone_decides_only_between_the_same_letters() {
        assert_eq!(
            sorted(&[
                "Lê Ạn", "Lê Án", "Lê Ãn", "Lê Ản", "Lê Àn", "Lê An", "Lê Anh"
            ]),
            [
                "Lê An", "Lê Àn", "Lê Ản", "Lê Ãn", "Lê Án", "Lê Ạn", "Lê Anh"
            ]
        );
        // The tên's tone comes before the họ's letters: every "Anh" before any "Ánh".
        assert_eq!(
            sorted(&["Lê Thị Ánh", "Nguyễn Văn Anh"]),
            ["Nguyễn Văn Anh", "Lê Thị Ánh"]
        );
    }

    #[test]
    fn shorter_family_names_first_and_case_and_spacing_ignored() {
        assert_eq!(
            sorted(&["Nguyễn Văn An", "Nguyễn An"]),
            ["Nguyễn An", "Nguyễn Văn An"]
        );
        assert_eq!(
            name_sort_key("NGUYỄN  văn   AN"),
            name_sort_key("Nguyễn Văn An")
        );
        assert_eq!(name_sort_key(""), "");
    }

    #[test]
    fn other_text_is_ordered_word_by_word() {
        let mut units = vec![
            "Phòng Đào tạo",
            "Phòng Y tế",
            "Phòng Dạy nghề",
            "Phòng",
            "Ban Dân tộc",
        ];
        units.sort_by_key(|u| super::text_sort_key(u));
        assert_eq!(
            units,
            [
                "Ban Dân tộc",
                "Phòng",
                "Phòng Dạy nghề",
                "Phòng Đào tạo",
                "Phòng Y tế"
            ]
        );
    }

    #[test]
    fn decomposed_input_orders_like_precomposed() {
        use unicode_normalization::UnicodeNormalization;
        let decomposed: String = "Đặng Thị Ưng".nfd().collect();
        assert_eq!(name_sort_key(&decomposed), name_sort_key("Đặng Thị Ưng"));
    }

    #[test]
    fn keys_are_digits_only_so_every_collation_compares_them_as_bytes() {
        for name in [
            "Nguyễn Văn Đạt",
            "Ksor H'Bia",
            "Jean-Pierre Zoë",
            "李 小龍",
            "Lê 2",
        ] {
            let key = name_sort_key(name);
            assert!(key.bytes().all(|b| b.is_ascii_digit()), "{name}: {key}");
            assert_eq!(key.len() % 2, 0, "{name}: {key}");
        }
    }
}
