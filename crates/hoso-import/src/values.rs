//! Cell values as HR officers typed them, read into the values of the record document.

use hoso_domain::catalog::Catalogs;
use hoso_domain::schema::{Field, FieldKind};
use serde_json::Value;
use time::Date;

use crate::text::{clean, fold, fold_without_notes};

/// One cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell formatted as a date: the Excel serial (days since 1899-12-30).
    Date(f64),
    Bool(bool),
    /// An error value (`#REF!`, `#DIV/0!`…) left by a formula.
    Error(String),
    /// A formula saved without the value it computes (the file was written by a program and
    /// never opened and saved in a spreadsheet application): its text, without the `=`.
    Uncomputed(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as the officer sees it in the sheet (dates as `dd/mm/yyyy`).
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => show_number(*n),
            Cell::Date(serial) => match serial_date(*serial) {
                Some(d) => format!("{:02}/{:02}/{}", d.day(), d.month() as u8, d.year()),
                None => show_number(*serial),
            },
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Error(e) => e.clone(),
            Cell::Uncomputed(formula) => format!("={}", formula.trim_start_matches('=')),
        }
    }

    /// The text of the cell, trimmed (numbers as shown).
    pub fn text(&self) -> String {
        clean(&self.shown())
    }
}

fn show_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The day of an Excel serial (1900 date system; the fictitious 29/02/1900 is skipped).
pub fn serial_date(serial: f64) -> Option<Date> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let epoch = if days < 61 {
        time::macros::date!(1899 - 12 - 31)
    } else {
        time::macros::date!(1899 - 12 - 30)
    };
    epoch.checked_add(time::Duration::days(days))
}

pub use hoso_domain::typed_date::{parse_date_text, parse_month_text};

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// A date cell, a serial number in a General cell, or a date typed as text.
pub fn read_date(cell: &Cell) -> Result<Date, String> {
    match cell {
        Cell::Date(serial) | Cell::Number(serial) => {
            // A serial between 1901 and 2099; anything else is not a day.
            if (367.0..73_051.0).contains(serial) {
                serial_date(*serial).ok_or_else(|| "không phải là ngày.".to_string())
            } else {
                Err(format!(
                    "\"{}\" không phải là ngày (dùng dạng dd/mm/yyyy).",
                    cell.shown()
                ))
            }
        }
        Cell::Text(s) => parse_date_text(s),
        other => Err(format!(
            "\"{}\" không phải là ngày (dùng dạng dd/mm/yyyy).",
            other.shown()
        )),
    }
}

/// The số định danh cá nhân: 12 digits. Excel keeps one typed as a number without its leading
/// zeros (12 digits are implied); spaces, dots and dashes between groups are dropped.
pub fn read_national_id(cell: &Cell) -> Result<String, String> {
    let digits = match cell {
        Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n < 1e12 => {
            format!("{:012}", *n as i64)
        }
        Cell::Number(n) => {
            return Err(format!(
                "\"{}\" không phải là số định danh cá nhân (12 chữ số).",
                show_number(*n)
            ));
        }
        other => {
            let t = other.text();
            let d: String = t
                .chars()
                .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-' | '\'')))
                .collect();
            if !d.chars().all(|c| c.is_ascii_digit()) || d.is_empty() {
                return Err(format!(
                    "\"{t}\" không phải là số định danh cá nhân (12 chữ số)."
                ));
            }
            match d.len() {
                12 => d,
                // A number written out without the zeros Excel dropped.
                10 | 11 => format!("{d:0>12}"),
                9 => {
                    return Err(format!(
                        "\"{t}\" là số chứng minh nhân dân 9 số, không phải số định danh cá nhân 12 chữ số."
                    ));
                }
                n => {
                    return Err(format!(
                        "\"{t}\" có {n} chữ số; số định danh cá nhân có 12 chữ số."
                    ));
                }
            }
        }
    };
    Ok(digits)
}

fn parse_number_text(s: &str, kind: FieldKind) -> Option<f64> {
    let t: String = s
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let t = match kind {
        // 1.234.000 or 1,234,000 đồng.
        FieldKind::Money => t.replace(['.', ','], ""),
        // 2,34 (decimal comma) or 2.34.
        _ if t.contains(',') && !t.contains('.') => t.replace(',', "."),
        _ => t,
    };
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn number_value(x: f64, kind: FieldKind) -> Option<Value> {
    match kind {
        FieldKind::Integer | FieldKind::Money | FieldKind::Year => {
            (x.fract() == 0.0).then(|| Value::from(x as i64))
        }
        _ => {
            let rounded = (x * 100.0).round() / 100.0;
            serde_json::Number::from_f64(if (rounded - x).abs() < 1e-9 {
                rounded
            } else {
                x
            })
            .map(Value::Number)
        }
    }
}

/// The names an entry goes by: "Kinh (Việt)" is "kinh viet", "kinh" and "viet".
fn names_of(name: &str) -> Vec<String> {
    let mut names = vec![fold(name), fold_without_notes(name)];
    if let (Some(open), Some(close)) = (name.find('('), name.rfind(')'))
        && open < close
    {
        names.push(fold(&name[open + 1..close]));
    }
    names
}

/// The catalog code of a value given by code or by name, case- and accent-insensitive, or by
/// one of the catalog's other names (the 2008 list's name, the short name, the name in
/// brackets: "Kinh (Việt)").
pub fn match_catalog(field: &Field, catalogs: &Catalogs, text: &str) -> Result<String, String> {
    let Some(cref) = field.catalog.as_ref() else {
        return Err("trường không có danh mục.".into());
    };
    let wanted = fold(text);
    let wanted_number = wanted.trim_start_matches('0').to_string();
    let mut found: Vec<String> = Vec::new();
    // A code wins over names: the code of one entry may be the name of another ("cha" is the
    // code of "Cha" on one's own side, and "Cha" is also the name of the spouse's father).
    let mut by_code: Vec<String> = Vec::new();
    for name in cref.catalog_names() {
        let primary = name == cref.name;
        for item in catalogs.items(name) {
            if primary
                && !cref.kinds.is_empty()
                && !item
                    .kind
                    .as_deref()
                    .is_some_and(|k| cref.kinds.iter().any(|x| x == k))
            {
                continue;
            }
            let code = fold(&item.code);
            let numeric_code_matches = !wanted_number.is_empty()
                && wanted.chars().all(|c| c.is_ascii_digit())
                && code.chars().all(|c| c.is_ascii_digit())
                && code.trim_start_matches('0') == wanted_number;
            let mut names = names_of(&item.name);
            for key in ["name_vi_2008_list", "name_short", "synonyms"] {
                if let Some(other) = item.attrs.get(key) {
                    for name in other.split(';') {
                        names.extend(names_of(name));
                    }
                }
            }
            if (code == wanted || numeric_code_matches) && !by_code.contains(&item.code) {
                by_code.push(item.code.clone());
            }
            if (code == wanted || numeric_code_matches || names.contains(&wanted))
                && !found.contains(&item.code)
            {
                found.push(item.code.clone());
            }
        }
    }
    if by_code.len() == 1 {
        return Ok(by_code.remove(0));
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(format!(
            "\"{text}\" không có trong danh mục {} (ghi mã hoặc tên trong danh mục).",
            hoso_domain::catalog::catalog_label(&cref.name).unwrap_or(&cref.name)
        )),
        many => Err(format!(
            "\"{text}\" khớp nhiều mục của danh mục ({}); hãy ghi mã.",
            many.join(", ")
        )),
    }
}

/// Why a formula without its value cannot be read.
pub const UNCOMPUTED: &str = "ô có công thức nhưng tệp không lưu kết quả của nó (tệp do một phần mềm tạo ra, chưa mở bằng Excel); hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi tải lên, hoặc ghi giá trị thay cho công thức.";

/// Reads one cell into the value of `field`. `Ok(None)` for an empty cell.
pub fn read_value(
    field: &Field,
    catalogs: &Catalogs,
    cell: &Cell,
    text: &str,
) -> Result<Option<Value>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    if let Cell::Error(e) = cell {
        return Err(format!(
            "ô chứa lỗi công thức {e}; hãy sửa công thức hoặc ghi giá trị."
        ));
    }
    if let Cell::Uncomputed(_) = cell {
        return Err(UNCOMPUTED.into());
    }
    let v = match field.kind {
        FieldKind::Text => Value::from(text.to_string()),
        FieldKind::Attachment | FieldKind::OrgUnit => {
            return Err("trường này không nhập được từ tệp.".into());
        }
        FieldKind::Date => {
            let d = match cell {
                Cell::Text(_) => parse_date_text(text)?,
                other => read_date(other)?,
            };
            Value::from(iso(d))
        }
        FieldKind::MonthYear => {
            let (y, m) = match cell {
                Cell::Text(_) => parse_month_text(text)?,
                other => {
                    let d = read_date(other)?;
                    (d.year(), d.month() as u8)
                }
            };
            Value::from(format!("{y:04}-{m:02}"))
        }
        FieldKind::Year => match cell {
            Cell::Number(n) if n.fract() == 0.0 => Value::from(*n as i64),
            Cell::Date(serial) => {
                Value::from(serial_date(*serial).ok_or("không phải là năm.")?.year())
            }
            _ => Value::from(
                text.parse::<i64>()
                    .map_err(|_| format!("\"{text}\" không phải là năm (4 chữ số)."))?,
            ),
        },
        FieldKind::Integer | FieldKind::Decimal | FieldKind::Money | FieldKind::Percent => {
            let x = match cell {
                Cell::Number(n) => Some(*n),
                _ => parse_number_text(text, field.kind),
            }
            .ok_or_else(|| format!("\"{text}\" không phải là số."))?;
            number_value(x, field.kind).ok_or_else(|| format!("\"{text}\" phải là số nguyên."))?
        }
        FieldKind::Bool => match cell {
            Cell::Bool(b) => Value::from(*b),
            _ => match fold(text).as_str() {
                "co" | "x" | "yes" | "true" | "1" | "dung" => Value::from(true),
                "khong" | "no" | "false" | "0" | "sai" => Value::from(false),
                _ => return Err(format!("\"{text}\": ghi \"Có\" hoặc \"Không\".")),
            },
        },
        FieldKind::Gender => match fold(text).as_str() {
            "nam" | "m" | "male" | "trai" => Value::from("nam"),
            "nu" | "f" | "female" | "gai" => Value::from("nu"),
            _ => return Err(format!("\"{text}\": ghi \"Nam\" hoặc \"Nữ\".")),
        },
        FieldKind::Choice => {
            let wanted = fold(text);
            let hit = field
                .choices
                .iter()
                .find(|c| fold(&c.code) == wanted || fold(&c.label) == wanted)
                .ok_or_else(|| {
                    let options: Vec<&str> =
                        field.choices.iter().map(|c| c.label.as_str()).collect();
                    format!(
                        "\"{text}\" không hợp lệ; chọn một trong: {}.",
                        options.join(", ")
                    )
                })?;
            Value::from(hit.code.clone())
        }
        FieldKind::Catalog => Value::from(match_catalog(field, catalogs, text)?),
        FieldKind::CatalogList => {
            let mut codes = Vec::new();
            for part in text
                .split([',', ';', '\n'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let code = match_catalog(field, catalogs, part)?;
                if !codes.contains(&code) {
                    codes.push(code);
                }
            }
            Value::from(codes)
        }
        FieldKind::NationalId => Value::from(match cell {
            Cell::Text(_) => read_national_id(&Cell::Text(text.to_string()))?,
            other => read_national_id(other)?,
        }),
        FieldKind::Address => read_address(catalogs, text),
    };
    Ok(Some(v))
}

/// The catalogs a province of an address is looked up in, the current one first.
const PROVINCE_CATALOGS: [&str; 2] = ["tinh_thanh", "tinh_thanh_truoc_2025"];
/// How a district-level part begins (before 2025 an address had one between commune and
/// province): it stays with the commune.
const DISTRICT_WORDS: [&str; 5] = ["huyen ", "quan ", "thi xa ", "thanh pho ", "tp "];

/// The province code of a part of an address written by name ("Tỉnh Lâm Đồng", "Lâm Đồng",
/// "TP Hà Nội"), in the current catalog or the one before the 2025 merger.
fn province_code(catalogs: &Catalogs, part: &str) -> Option<String> {
    let wanted = fold(part);
    let bare = |name: &str| {
        let folded = fold(name);
        ["tinh ", "thanh pho ", "tp "]
            .iter()
            .find_map(|p| folded.strip_prefix(p).map(str::to_string))
            .unwrap_or(folded)
    };
    let wanted_bare = bare(part);
    PROVINCE_CATALOGS.iter().find_map(|catalog| {
        catalogs
            .items(catalog)
            .iter()
            .find(|item| fold(&item.name) == wanted || bare(&item.name) == wanted_bare)
            .map(|item| item.code.clone())
    })
}

/// An address as one text, the way officers write it ("Thôn 6, Xã Tân Lập, Tỉnh Phú Thọ"):
/// when its last part names a province, that part is the province, the part before it the
/// commune (with the district before 2025, when one is written) and the rest the detail;
/// otherwise the whole text is the detail.
pub fn read_address(catalogs: &Catalogs, text: &str) -> Value {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let mut address = serde_json::Map::new();
    let Some((last, rest)) = parts.split_last() else {
        return address.into();
    };
    let Some(province) = province_code(catalogs, last) else {
        address.insert("detail".into(), Value::from(text.trim()));
        return address.into();
    };
    address.insert("province_code".into(), Value::from(province));
    let is_district = |part: &str| {
        let folded = format!("{} ", fold(part));
        DISTRICT_WORDS.iter().any(|w| folded.starts_with(w))
    };
    let commune_parts = match rest {
        [] => 0,
        [_, .., district] if is_district(district) => 2,
        _ => 1,
    };
    let (detail, commune) = rest.split_at(rest.len() - commune_parts);
    let commune = commune.join(", ");
    if !commune.is_empty() {
        address.insert("commune".into(), Value::from(commune));
    }
    let detail = detail.join(", ");
    if !detail.trim_matches([',', ' ']).is_empty() {
        address.insert("detail".into(), Value::from(detail));
    }
    address.into()
}

/// An address written as [`read_address`] reads it back: detail, commune, province by name;
/// an empty commune between a detail and a province is kept as an empty part.
pub fn address_shown(catalogs: &Catalogs, address: &serde_json::Map<String, Value>) -> String {
    let part = |k: &str| {
        address
            .get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
    };
    let (detail, commune, code) = (part("detail"), part("commune"), part("province_code"));
    if code.is_empty() {
        return [detail, commune]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
    }
    let province = PROVINCE_CATALOGS
        .iter()
        .find_map(|c| catalogs.items(c).iter().find(|i| i.code == code))
        .map_or(code.to_string(), |i| i.name.clone());
    let mut parts = Vec::new();
    if !detail.is_empty() {
        parts.push(detail);
        parts.push(commune);
    } else if !commune.is_empty() {
        parts.push(commune);
    }
    parts.push(&province);
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use hoso_domain::schema::SchemaSet;
    use time::macros::date;

    use super::*;

    fn field(section: &str, id: &str) -> &'static Field {
        SchemaSet::embedded().latest().field(section, id).unwrap()
    }

    fn read(section: &str, id: &str, cell: Cell) -> Result<Option<Value>, String> {
        let text = cell.text();
        read_value(
            field(section, id),
            Catalogs::embedded_static(),
            &cell,
            &text,
        )
    }

    #[test]
    fn dates_in_every_form_they_come() {
        let want = Ok(Some(Value::from("1985-03-07")));
        // A date cell and a serial in a General cell.
        assert_eq!(read("general", "date_of_birth", Cell::Date(31113.0)), want);
        assert_eq!(
            read("general", "date_of_birth", Cell::Number(31113.0)),
            want
        );
        for t in [
            "07/03/1985",
            "7/3/1985",
            "7-3-1985",
            "07.03.1985",
            "1985-03-07",
            " 7 / 3 / 1985 ",
        ] {
            assert_eq!(
                read("general", "date_of_birth", Cell::Text(t.into())),
                want,
                "{t}"
            );
        }
        assert_eq!(serial_date(1.0), Some(date!(1900 - 01 - 01)));
        assert_eq!(serial_date(61.0), Some(date!(1900 - 03 - 01)));
        let err = read("general", "date_of_birth", Cell::Text("31/02/1985".into())).unwrap_err();
        assert!(err.contains("không tồn tại"), "{err}");
        let err = read("general", "date_of_birth", Cell::Text("7/3/85".into())).unwrap_err();
        assert!(err.contains("4 chữ số"), "{err}");
        assert!(read("general", "date_of_birth", Cell::Text("hôm qua".into())).is_err());
        assert!(read("general", "date_of_birth", Cell::Number(12.0)).is_err());
        assert_eq!(
            read(
                "professional_trainings",
                "from",
                Cell::Text("9/2003".into())
            ),
            Ok(Some(Value::from("2003-09")))
        );
        assert_eq!(
            read("professional_trainings", "from", Cell::Date(37865.0)),
            Ok(Some(Value::from("2003-09")))
        );
    }

    #[test]
    fn national_ids_lose_no_zero() {
        let want = Ok(Some(Value::from("001085012345")));
        assert_eq!(
            read("general", "citizen_id_number", Cell::Number(1085012345.0)),
            want
        );
        assert_eq!(
            read(
                "general",
                "citizen_id_number",
                Cell::Text("001 085 012 345".into())
            ),
            want
        );
        assert_eq!(
            read(
                "general",
                "citizen_id_number",
                Cell::Text("001085012345".into())
            ),
            want
        );
        assert_eq!(
            read(
                "general",
                "citizen_id_number",
                Cell::Text("1085012345".into())
            ),
            want
        );
        let err = read(
            "general",
            "citizen_id_number",
            Cell::Text("123456789".into()),
        )
        .unwrap_err();
        assert!(err.contains("chứng minh nhân dân"), "{err}");
        assert!(
            read(
                "general",
                "citizen_id_number",
                Cell::Text("0010850123AB".into())
            )
            .is_err()
        );
        assert!(read("general", "citizen_id_number", Cell::Number(1.5)).is_err());
    }

    #[test]
    fn catalog_values_by_code_name_or_synonym() {
        for t in ["kinh", "Kinh ", "KINH", "01", "1", "Việt", "viet"] {
            assert_eq!(
                read("general", "ethnicity_code", Cell::Text(t.into())),
                Ok(Some(Value::from("01"))),
                "{t}"
            );
        }
        assert_eq!(
            read("general", "ethnicity_code", Cell::Number(1.0)),
            Ok(Some(Value::from("01")))
        );
        assert_eq!(
            read("general", "ethnicity_code", Cell::Text("mường".into())),
            Ok(Some(Value::from("06")))
        );
        // A code is read as that entry even when another entry bears it as a name.
        assert_eq!(
            read("family_members", "relationship", Cell::Text("cha".into())),
            Ok(Some(Value::from("cha")))
        );
        let err = read("general", "ethnicity_code", Cell::Text("Klingon".into())).unwrap_err();
        assert!(err.contains("không có trong danh mục"), "{err}");
    }

    #[test]
    fn addresses_as_one_text_read_into_their_parts_and_back() {
        let catalogs = Catalogs::embedded_static();
        let read = |t: &str| read_address(catalogs, t);
        assert_eq!(
            read("Thôn 6, Phường Xuân Hương – Đà Lạt, Tỉnh Lâm Đồng"),
            serde_json::json!({"detail": "Thôn 6", "commune": "Phường Xuân Hương – Đà Lạt", "province_code": "68"})
        );
        // Before 2025: the district stays with the commune; a province by its bare name, in
        // the catalog before the merger.
        assert_eq!(
            read("Số 5, ngõ 2, Xã Tân Lập, huyện Thanh Sơn, Phú Thọ"),
            serde_json::json!({"detail": "Số 5, ngõ 2", "commune": "Xã Tân Lập, huyện Thanh Sơn", "province_code": "25"})
        );
        assert_eq!(
            read("Tỉnh Đắk Nông"),
            serde_json::json!({"province_code": "67"})
        );
        // No province named last: all of it is the detail.
        assert_eq!(
            read("Thôn 6, xã Hòa Bình"),
            serde_json::json!({"detail": "Thôn 6, xã Hòa Bình"})
        );
        for address in [
            serde_json::json!({"detail": "Thôn 6", "commune": "Phường 1", "province_code": "68"}),
            serde_json::json!({"detail": "Thôn 6", "province_code": "01"}),
            serde_json::json!({"commune": "Xã Tân Lập, huyện Thanh Sơn", "province_code": "25"}),
            serde_json::json!({"province_code": "79"}),
            serde_json::json!({"detail": "Số 12, ngõ 5, phố Huế"}),
        ] {
            let shown = address_shown(catalogs, address.as_object().unwrap());
            assert_eq!(read(&shown), address, "{shown}");
        }
    }

    #[test]
    fn numbers_choices_sex_and_addresses() {
        assert_eq!(
            read("salary", "salary_coefficient", Cell::Text("2,34".into())),
            Ok(Some(serde_json::json!(2.34)))
        );
        assert_eq!(
            read("salary", "salary_coefficient", Cell::Number(2.34)),
            Ok(Some(serde_json::json!(2.34)))
        );
        assert_eq!(
            read("salary", "salary_step", Cell::Number(3.0)),
            Ok(Some(Value::from(3)))
        );
        assert!(read("salary", "salary_step", Cell::Number(3.5)).is_err());
        assert_eq!(
            read(
                "salary",
                "job_position_salary_amount",
                Cell::Text("1.234.000".into())
            ),
            Ok(Some(Value::from(1_234_000)))
        );
        assert_eq!(
            read("general", "gender", Cell::Text("Nữ".into())),
            Ok(Some(Value::from("nu")))
        );
        assert_eq!(
            read("general", "gender", Cell::Text("NAM".into())),
            Ok(Some(Value::from("nam")))
        );
        assert!(read("general", "gender", Cell::Text("khác".into())).is_err());
        assert_eq!(
            read(
                "identity",
                "personnel_category",
                Cell::Text("công chức".into())
            ),
            Ok(Some(Value::from("civil_servant")))
        );
        assert_eq!(
            read("general", "hometown", Cell::Text("Xã Tân Hưng".into())),
            Ok(Some(serde_json::json!({"detail": "Xã Tân Hưng"})))
        );
        assert_eq!(read("general", "hometown", Cell::Empty), Ok(None));
        let err = read("general", "hometown", Cell::Error("#REF!".into())).unwrap_err();
        assert!(err.contains("#REF!"));
    }
}
