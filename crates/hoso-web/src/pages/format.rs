//! Vietnamese display formats: dates `dd/mm/yyyy`, money `1.234.567 đ`, decimals with a comma.

// The record's values read the same on the page and on paper: one definition, in hoso-app.
pub use hoso_app::display::{date, decimal, gender, money, month_year, thousands};

/// A day typed on a page (dd/mm/yyyy, or ISO from a link) as the ISO day the application
/// reads; text that is no day is passed on unchanged, for the application to name the problem.
pub fn typed_day(text: &str) -> String {
    let t = text.trim();
    hoso_domain::typed_date::iso_date(t).unwrap_or_else(|_| t.to_string())
}

/// Milliseconds since the epoch → `dd/mm/yyyy HH:MM` in Vietnam time.
pub fn instant(ms: i64) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(ms / 1000) else {
        return String::new();
    };
    let t = t.to_offset(hoso_app::clock::VIETNAM);
    format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        t.day(),
        u8::from(t.month()),
        t.year(),
        t.hour(),
        t.minute()
    )
}

pub fn category(code: &str) -> &'static str {
    match code {
        "cadre" => "Cán bộ",
        "civil_servant" => "Công chức",
        "public_employee" => "Viên chức",
        "contract_worker" => "Người lao động",
        _ => "",
    }
}

pub fn status(code: &str) -> String {
    hoso_domain::org::PersonStatus::parse(code)
        .map(|s| s.label_vi().to_string())
        .unwrap_or_else(|| code.to_string())
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_formats() {
        assert_eq!(date("2024-03-07"), "07/03/2024");
        assert_eq!(month_year("2024-03"), "03/2024");
        assert_eq!(typed_day("7/3/2024"), "2024-03-07");
        assert_eq!(typed_day(" 2024-03-07 "), "2024-03-07");
        assert_eq!(typed_day("31/02/2024"), "31/02/2024");
        assert_eq!(money(1_234_567), "1.234.567 đ");
        assert_eq!(money(999), "999 đ");
        assert_eq!(thousands(-1000), "-1.000");
        assert_eq!(decimal(3.33), "3,33");
        assert_eq!(decimal(2.0), "2");
        assert_eq!(url_encode("/can-bo?q=Lê"), "/can-bo%3Fq%3DL%C3%AA");
    }
}
