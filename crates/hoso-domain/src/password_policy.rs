//! The password policy of the provincial regulations: long enough, mixed character classes,
//! and nothing guessable from the account's own data (username, the person's name, birth date,
//! the unit's name). Pure: the caller passes everything the check needs.

use crate::search_key::fold;

/// The rules in force (the minimum length is configurable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy { min_length: 8 }
    }
}

/// What the password must not contain: the account's own data.
#[derive(Debug, Clone, Default)]
pub struct PersonalData<'a> {
    pub username: &'a str,
    /// Full name of the person (or the account's display name).
    pub full_name: Option<&'a str>,
    /// ISO date `YYYY-MM-DD`.
    pub date_of_birth: Option<&'a str>,
    pub unit_name: Option<&'a str>,
}

/// Name parts shorter than this (e.g. "Lê", "Võ") are too common inside ordinary words to ban.
const MIN_NAME_PART: usize = 3;

impl PasswordPolicy {
    /// Every unmet rule, as Vietnamese sentences; empty when the password is acceptable.
    pub fn check(&self, password: &str, data: &PersonalData<'_>) -> Vec<String> {
        let mut problems = Vec::new();
        if password.chars().count() < self.min_length {
            problems.push(format!("phải dài ít nhất {} ký tự", self.min_length));
        }
        if !password.chars().any(char::is_uppercase) {
            problems.push("phải có ít nhất một chữ hoa".to_string());
        }
        if !password.chars().any(char::is_lowercase) {
            problems.push("phải có ít nhất một chữ thường".to_string());
        }
        if !password.chars().any(|c| c.is_ascii_digit()) {
            problems.push("phải có ít nhất một chữ số".to_string());
        }
        if !password
            .chars()
            .any(|c| !c.is_alphanumeric() && !c.is_whitespace())
        {
            problems.push("phải có ít nhất một ký tự đặc biệt (ví dụ ! @ # $ % - _)".to_string());
        }

        // Compare accent-folded and without spaces, so "NguyenVan" and "nguyễn văn" match.
        let folded = squash(&fold(password));
        let username = squash(&fold(data.username));
        if username.chars().count() >= MIN_NAME_PART && folded.contains(&username) {
            problems.push("không được chứa tên đăng nhập".to_string());
        }
        if let Some(name) = data.full_name {
            let parts: Vec<String> = fold(name)
                .split_whitespace()
                .filter(|p| p.chars().count() >= MIN_NAME_PART)
                .map(str::to_string)
                .collect();
            if parts.iter().any(|p| folded.contains(p.as_str())) {
                problems.push("không được chứa họ, tên đệm hoặc tên của bạn".to_string());
            }
        }
        if let Some(dob) = data.date_of_birth
            && birth_date_forms(dob)
                .iter()
                .any(|form| password.contains(form.as_str()))
        {
            problems.push("không được chứa ngày sinh".to_string());
        }
        if let Some(unit) = data.unit_name {
            let unit = squash(&fold(unit));
            if unit.chars().count() >= MIN_NAME_PART && folded.contains(&unit) {
                problems.push("không được chứa tên cơ quan, đơn vị".to_string());
            }
        }
        problems
    }

    /// `Ok` or the one Vietnamese message listing every unmet rule.
    pub fn validate(&self, password: &str, data: &PersonalData<'_>) -> Result<(), String> {
        let problems = self.check(password, data);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "Mật khẩu chưa đạt yêu cầu: {}.",
                problems.join("; ")
            ))
        }
    }
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The common ways a birth date is typed: ddmmyyyy, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy,
/// yyyymmdd, yyyy-mm-dd, ddmmyy, and the year alone.
fn birth_date_forms(iso: &str) -> Vec<String> {
    let mut it = iso.split('-');
    let (Some(y), Some(m), Some(d)) = (it.next(), it.next(), it.next()) else {
        return vec![];
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return vec![];
    }
    let yy = &y[2..];
    vec![
        format!("{d}{m}{y}"),
        format!("{d}/{m}/{y}"),
        format!("{d}-{m}-{y}"),
        format!("{d}.{m}.{y}"),
        format!("{y}{m}{d}"),
        format!("{y}-{m}-{d}"),
        format!("{d}{m}{yy}"),
        y.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> PersonalData<'static> {
        PersonalData {
            username: "001090000123",
            full_name: Some("Nguyễn Văn Đạt"),
            date_of_birth: Some("1990-03-15"),
            unit_name: Some("Sở Nội vụ"),
        }
    }

    #[test]
    fn a_strong_password_passes() {
        let p = PasswordPolicy::default();
        assert_eq!(p.check("Hoa-Sen#2026x", &data()), Vec::<String>::new());
        assert!(p.validate("Hoa-Sen#2026x", &data()).is_ok());
    }

    #[test]
    fn every_unmet_rule_is_listed() {
        let p = PasswordPolicy::default();
        let problems = p.check("abc", &data());
        assert_eq!(problems.len(), 4, "{problems:?}");
        let msg = p.validate("abc", &data()).unwrap_err();
        assert!(msg.starts_with("Mật khẩu chưa đạt yêu cầu"));
        for part in ["ít nhất 8 ký tự", "chữ hoa", "chữ số", "ký tự đặc biệt"] {
            assert!(msg.contains(part), "{msg}");
        }
        assert!(!msg.contains("chữ thường"));
    }

    #[test]
    fn minimum_length_is_configurable() {
        let p = PasswordPolicy { min_length: 12 };
        assert!(
            p.validate("Hoa-Sen#26x", &data())
                .unwrap_err()
                .contains("12")
        );
        assert!(p.validate("Hoa-Sen#2026xy", &data()).is_ok());
    }

    #[test]
    fn personal_data_is_refused_accent_insensitively() {
        let p = PasswordPolicy::default();
        let has = |pw: &str, what: &str| p.check(pw, &data()).iter().any(|m| m.contains(what));
        assert!(has("Dat#Kh0ng!x", "họ, tên"), "đ folds to d");
        assert!(has("Xy!9nguyenvan", "họ, tên"));
        assert!(has("Q!001090000123a", "tên đăng nhập"));
        assert!(has("Hoa#15031990", "ngày sinh"));
        assert!(has("Hoa#15/03/1990", "ngày sinh"));
        assert!(has("Hoa#Sen1990!", "ngày sinh"), "the year alone");
        assert!(has("SoNoiVu#2026", "cơ quan"));
        assert!(!has("Hoa-Sen#2026x", "họ, tên"));
    }

    #[test]
    fn short_name_parts_are_not_banned() {
        let p = PasswordPolicy::default();
        let d = PersonalData {
            username: "u",
            full_name: Some("Lê Võ An"),
            ..PersonalData::default()
        };
        assert!(p.validate("Lemon!Vo42x", &d).is_ok());
    }

    #[test]
    fn unusable_birth_dates_are_ignored() {
        assert!(birth_date_forms("1990").is_empty());
        assert_eq!(birth_date_forms("1990-03-15")[0], "15031990");
    }
}
