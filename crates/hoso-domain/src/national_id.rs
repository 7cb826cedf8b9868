//! The 12-digit personal identification number (*số định danh cá nhân*, printed on the CCCD).
//!
//! Structure (TT 59/2021/TT-BCA, Điều 7): digits 1–3 = code of the province where the birth was
//! registered (001–096, the pre-2025 province codes padded to 3 digits); digit 4 = century and
//! sex (0/1 → 1900s male/female, 2/3 → 2000s, 4/5 → 2100s, 6/7 → 2200s, 8/9 → 2300s); digits
//! 5–6 = last two digits of the birth year; digits 7–12 = random serial.
//!
//! The number is personal data: neither errors nor `Debug`/`Display` output ever contain the
//! full number, only a masked form such as `001*******89`.

use std::fmt;

/// Sex as recorded on the form (*Giới tính*). Codes in a record document: `"nam"`, `"nu"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    /// Code stored in record documents.
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "nam",
            Gender::Female => "nu",
        }
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Gender::Male => "Nam",
            Gender::Female => "Nữ",
        }
    }

    /// Parses a document code (`"nam"`, `"nu"`); also accepts the labels `Nam`/`Nữ`.
    pub fn parse(s: &str) -> Option<Gender> {
        match s.trim() {
            "nam" | "Nam" | "NAM" => Some(Gender::Male),
            "nu" | "Nữ" | "nữ" | "NỮ" | "Nu" | "NU" => Some(Gender::Female),
            _ => None,
        }
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_vi())
    }
}

/// Two-digit province codes before the 2025 reorganisation (`tinh_thanh_truoc_2025.tsv`); the
/// first three digits of a số định danh are one of these, zero-padded.
pub const BIRTH_PROVINCE_CODES: [&str; 63] = [
    "01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "22", "24", "25",
    "26", "27", "30", "31", "33", "34", "35", "36", "37", "38", "40", "42", "44", "45", "46", "48",
    "49", "51", "52", "54", "56", "58", "60", "62", "64", "66", "67", "68", "70", "72", "74", "75",
    "77", "79", "80", "82", "83", "84", "86", "87", "89", "91", "92", "93", "94", "95", "96",
];

/// Why a số định danh is rejected. Messages are Vietnamese and never contain the full number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdError {
    #[error("số định danh cá nhân phải gồm đúng 12 chữ số (đang có {len} ký tự).")]
    WrongLength { len: usize },
    #[error("số định danh cá nhân chỉ được gồm chữ số.")]
    NotDigits,
    #[error(
        "mã tỉnh nơi đăng ký khai sinh \"{code}\" (3 chữ số đầu của số định danh) không tồn tại."
    )]
    UnknownProvince { code: String },
    #[error(
        "số định danh {masked} ứng với giới tính {in_id}, không khớp với giới tính đã khai ({declared})."
    )]
    GenderMismatch {
        masked: String,
        in_id: Gender,
        declared: Gender,
    },
    #[error(
        "số định danh {masked} ứng với năm sinh {in_id}, không khớp với năm sinh đã khai ({declared})."
    )]
    BirthYearMismatch {
        masked: String,
        in_id: i32,
        declared: i32,
    },
    #[error("năm sinh {year} nằm ngoài khoảng số định danh mã hoá được (1900–2399).")]
    YearOutOfRange { year: i32 },
}

/// A syntactically valid số định danh cá nhân.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NationalId(String);

impl NationalId {
    /// Parses exactly 12 ASCII digits (surrounding whitespace is trimmed) and checks the
    /// province code. The century/sex digit accepts every value 0–9.
    pub fn parse(s: &str) -> Result<NationalId, NationalIdError> {
        let s = s.trim();
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(NationalIdError::NotDigits);
        }
        if s.len() != 12 {
            return Err(NationalIdError::WrongLength {
                len: s.chars().count(),
            });
        }
        let province = &s[..3];
        if !is_birth_province(province) {
            return Err(NationalIdError::UnknownProvince {
                code: province.to_owned(),
            });
        }
        Ok(NationalId(s.to_owned()))
    }

    /// Builds a number from its parts (used by the demo generator and tests).
    ///
    /// # Panics
    /// If the province code is unknown or the year is outside 1900–2399; see [`Self::try_compose`].
    pub fn compose(
        province_code: &str,
        gender: Gender,
        birth_year: i32,
        serial: u32,
    ) -> NationalId {
        match Self::try_compose(province_code, gender, birth_year, serial) {
            Ok(id) => id,
            Err(e) => panic!("NationalId::compose: {e}"),
        }
    }

    /// Builds a number from its parts. `province_code` may have 2 or 3 digits ("20" or "020");
    /// only the last 6 decimal digits of `serial` are used.
    pub fn try_compose(
        province_code: &str,
        gender: Gender,
        birth_year: i32,
        serial: u32,
    ) -> Result<NationalId, NationalIdError> {
        let code = province_code.trim();
        let padded = match code.len() {
            2 => format!("0{code}"),
            _ => code.to_owned(),
        };
        if !is_birth_province(&padded) {
            return Err(NationalIdError::UnknownProvince { code: padded });
        }
        if !(1900..=2399).contains(&birth_year) {
            return Err(NationalIdError::YearOutOfRange { year: birth_year });
        }
        let century = (birth_year / 100 - 19) * 2
            + match gender {
                Gender::Male => 0,
                Gender::Female => 1,
            };
        Ok(NationalId(format!(
            "{padded}{century}{:02}{:06}",
            birth_year % 100,
            serial % 1_000_000
        )))
    }

    /// The full 12 digits. Handle with care: personal data.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `001*******89`: first 3 and last 2 digits, for logs and messages.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }

    /// Province of birth registration, 3 digits (e.g. `"020"`).
    pub fn province_code(&self) -> &str {
        &self.0[..3]
    }

    fn century_digit(&self) -> u8 {
        self.0.as_bytes()[3] - b'0'
    }

    /// Sex encoded in the 4th digit.
    pub fn gender(&self) -> Gender {
        if self.century_digit().is_multiple_of(2) {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// Full birth year encoded in digits 4–6.
    pub fn birth_year(&self) -> i32 {
        let century = 1900 + i32::from(self.century_digit() / 2) * 100;
        let yy: i32 = self.0[4..6].parse().unwrap_or(0);
        century + yy
    }

    /// The 6-digit serial.
    pub fn serial(&self) -> u32 {
        self.0[6..].parse().unwrap_or(0)
    }

    /// Checks the number against the declared sex and birth year.
    pub fn check_matches(&self, gender: Gender, birth_year: i32) -> Result<(), NationalIdError> {
        if self.gender() != gender {
            return Err(NationalIdError::GenderMismatch {
                masked: self.masked(),
                in_id: self.gender(),
                declared: gender,
            });
        }
        if self.birth_year() != birth_year {
            return Err(NationalIdError::BirthYearMismatch {
                masked: self.masked(),
                in_id: self.birth_year(),
                declared: birth_year,
            });
        }
        Ok(())
    }
}

impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalId({})", self.masked())
    }
}

/// Displays the masked form; use [`NationalId::as_str`] for the digits.
impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Masks any identifier-like string: keeps the first 3 and last 2 characters of strings
/// longer than 6 characters, replaces everything else by `*`.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let n = chars.len();
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 3 || i >= n - 2 { *c } else { '*' })
        .collect()
}

fn is_birth_province(three: &str) -> bool {
    three.len() == 3 && three.starts_with('0') && BIRTH_PROVINCE_CODES.contains(&&three[1..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalogs;

    #[test]
    fn province_list_matches_catalog() {
        let codes: Vec<&str> = Catalogs::embedded_static()
            .items("tinh_thanh_truoc_2025")
            .iter()
            .map(|i| i.code.as_str())
            .collect();
        assert_eq!(codes, BIRTH_PROVINCE_CODES.to_vec());
    }

    #[test]
    fn parses_structure() {
        let id = NationalId::parse("020185001234").unwrap();
        assert_eq!(id.province_code(), "020");
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.birth_year(), 1985);
        assert_eq!(id.serial(), 1234);
        assert_eq!(id.as_str(), "020185001234");
        let id = NationalId::parse(" 001203000001 ").unwrap();
        assert_eq!((id.gender(), id.birth_year()), (Gender::Male, 2003));
        for (digit, year, gender) in [
            ('0', 1999, Gender::Male),
            ('1', 1999, Gender::Female),
            ('2', 2099, Gender::Male),
            ('3', 2099, Gender::Female),
            ('4', 2199, Gender::Male),
            ('5', 2199, Gender::Female),
            ('6', 2299, Gender::Male),
            ('7', 2299, Gender::Female),
            ('8', 2399, Gender::Male),
            ('9', 2399, Gender::Female),
        ] {
            let id = NationalId::parse(&format!("079{digit}99123456")).unwrap();
            assert_eq!(
                (id.birth_year(), id.gender()),
                (year, gender),
                "digit {digit}"
            );
        }
    }

    #[test]
    fn rejects_malformed_numbers() {
        assert_eq!(
            NationalId::parse("02018500123"),
            Err(NationalIdError::WrongLength { len: 11 })
        );
        assert_eq!(
            NationalId::parse("0201850012345"),
            Err(NationalIdError::WrongLength { len: 13 })
        );
        assert_eq!(
            NationalId::parse("02018500123a"),
            Err(NationalIdError::NotDigits)
        );
        assert_eq!(
            NationalId::parse("０２０185001234"),
            Err(NationalIdError::NotDigits)
        );
        assert_eq!(
            NationalId::parse("003185001234"),
            Err(NationalIdError::UnknownProvince { code: "003".into() })
        );
        assert_eq!(
            NationalId::parse("120185001234"),
            Err(NationalIdError::UnknownProvince { code: "120".into() })
        );
        assert!(NationalId::parse("097185001234").is_err());
        assert!(NationalId::parse("096185001234").is_ok());
    }

    #[test]
    fn checks_gender_and_birth_year() {
        let id = NationalId::parse("020185001234").unwrap();
        assert_eq!(id.check_matches(Gender::Female, 1985), Ok(()));
        let err = id.check_matches(Gender::Male, 1985).unwrap_err();
        assert!(matches!(err, NationalIdError::GenderMismatch { .. }));
        assert!(err.to_string().contains("giới tính Nữ"), "{err}");
        let err = id.check_matches(Gender::Female, 1986).unwrap_err();
        assert_eq!(
            err,
            NationalIdError::BirthYearMismatch {
                masked: "020*******34".into(),
                in_id: 1985,
                declared: 1986
            }
        );
        // 2085 vs 1985: same last two digits, different century.
        let err = id.check_matches(Gender::Female, 2085).unwrap_err();
        assert!(matches!(
            err,
            NationalIdError::BirthYearMismatch { in_id: 1985, .. }
        ));
    }

    #[test]
    fn composes_round_trip() {
        let id = NationalId::compose("20", Gender::Female, 1985, 1234);
        assert_eq!(id.as_str(), "020185001234");
        let id = NationalId::compose("079", Gender::Male, 2004, 1_987_654);
        assert_eq!(id.as_str(), "079204987654");
        assert_eq!(NationalId::parse(id.as_str()).unwrap(), id);
        assert_eq!(
            NationalId::try_compose("03", Gender::Male, 1990, 1),
            Err(NationalIdError::UnknownProvince { code: "003".into() })
        );
        assert_eq!(
            NationalId::try_compose("01", Gender::Male, 1899, 1),
            Err(NationalIdError::YearOutOfRange { year: 1899 })
        );
    }

    #[test]
    fn never_leaks_the_full_number() {
        let id = NationalId::parse("020185001234").unwrap();
        assert_eq!(id.masked(), "020*******34");
        assert_eq!(format!("{id}"), "020*******34");
        assert!(!format!("{id:?}").contains("020185001234"));
        let errs = [
            id.check_matches(Gender::Male, 1985).unwrap_err(),
            id.check_matches(Gender::Female, 1990).unwrap_err(),
            NationalId::parse("003185001234").unwrap_err(),
            NationalId::parse("02018500123").unwrap_err(),
        ];
        for e in errs {
            assert!(!e.to_string().contains("185001234"), "{e}");
        }
        assert_eq!(mask("12345"), "*****");
    }

    #[test]
    fn gender_codes() {
        for g in [Gender::Male, Gender::Female] {
            assert_eq!(Gender::parse(g.code()), Some(g));
            assert_eq!(Gender::parse(g.label_vi()), Some(g));
        }
        assert_eq!(Gender::parse("x"), None);
        assert_eq!(Gender::Female.to_string(), "Nữ");
    }
}
