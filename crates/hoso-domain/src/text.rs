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

#[cfg(test)]
mod tests {
    use super::control_character;

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
