//! Vietnamese display formats: dates `dd/mm/yyyy`, money `1.234.567 đ`, decimals with a comma.

/// `2024-03-07` → `07/03/2024`; anything else unchanged.
pub fn date(iso: &str) -> String {
    let b = iso.as_bytes();
    if iso.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[0..4])
    } else {
        iso.to_string()
    }
}

/// `2024-03` → `03/2024`.
pub fn month_year(iso: &str) -> String {
    let b = iso.as_bytes();
    if iso.len() == 7 && b[4] == b'-' {
        format!("{}/{}", &iso[5..7], &iso[0..4])
    } else {
        iso.to_string()
    }
}

/// Groups digits by thousands with dots: `1234567` → `1.234.567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `1234567` → `1.234.567 đ`.
pub fn money(n: i64) -> String {
    format!("{} đ", thousands(n))
}

/// `3.33` → `3,33` (at most two decimals, trailing zeros dropped).
pub fn decimal(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
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

pub fn gender(code: &str) -> &'static str {
    match code {
        "nam" => "Nam",
        "nu" => "Nữ",
        _ => "",
    }
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
        assert_eq!(money(1_234_567), "1.234.567 đ");
        assert_eq!(money(999), "999 đ");
        assert_eq!(thousands(-1000), "-1.000");
        assert_eq!(decimal(3.33), "3,33");
        assert_eq!(decimal(2.0), "2");
        assert_eq!(url_encode("/can-bo?q=Lê"), "/can-bo%3Fq%3DL%C3%AA");
    }
}
