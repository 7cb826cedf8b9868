//! How a record's value reads, the same on the record page and on paper: dates `dd/mm/yyyy`,
//! months `mm/yyyy`, money with dots and đ, decimals with a comma, codes by their names.

use std::collections::HashMap;

use hoso_domain::catalog::Catalogs;
use hoso_domain::schema::{Field, FieldKind};
use serde_json::Value;

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

pub fn gender(code: &str) -> &'static str {
    match code {
        "nam" => "Nam",
        "nu" => "Nữ",
        _ => "",
    }
}

/// A value as the reader sees it. `units` names the organisation units the record links to
/// (an unknown one reads "Đơn vị mã …").
pub fn value(
    field: &Field,
    value: &Value,
    catalogs: &Catalogs,
    units: &HashMap<i64, String>,
) -> String {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let catalog_name = |code: &str| -> String {
        field
            .catalog
            .as_ref()
            .and_then(|c| c.catalog_names().find_map(|n| catalogs.name(n, code)))
            .map_or_else(
                || code.to_string(),
                |name| field.catalog_item_label(code, name),
            )
    };
    match field.kind {
        FieldKind::Date => value.as_str().map(date).unwrap_or_else(|| text(value)),
        FieldKind::MonthYear => value
            .as_str()
            .map(month_year)
            .unwrap_or_else(|| text(value)),
        FieldKind::Money => value.as_i64().map(money).unwrap_or_else(|| text(value)),
        FieldKind::Decimal => value.as_f64().map(decimal).unwrap_or_else(|| text(value)),
        FieldKind::Percent => value
            .as_f64()
            .map(|x| format!("{} %", decimal(x)))
            .unwrap_or_else(|| text(value)),
        FieldKind::Bool => match value.as_bool() {
            Some(true) => "Có".into(),
            Some(false) => "Không".into(),
            None => text(value),
        },
        FieldKind::Catalog => value
            .as_str()
            .map(catalog_name)
            .unwrap_or_else(|| text(value)),
        FieldKind::CatalogList => value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(catalog_name)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default(),
        FieldKind::Choice => value
            .as_str()
            .map(|c| field.choice_label(c).unwrap_or(c).to_string())
            .unwrap_or_else(|| text(value)),
        FieldKind::Gender => value
            .as_str()
            .map(|g| gender(g).to_string())
            .unwrap_or_default(),
        FieldKind::Address => {
            let part = |k: &str| value.get(k).and_then(Value::as_str).unwrap_or("").trim();
            let province = value
                .get("province_code")
                .and_then(Value::as_str)
                .map(|c| {
                    catalogs
                        .name("tinh_thanh", c)
                        .or_else(|| catalogs.name("tinh_thanh_truoc_2025", c))
                        .unwrap_or(c)
                        .to_string()
                })
                .unwrap_or_default();
            [part("detail"), part("commune"), province.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        }
        FieldKind::OrgUnit => match value.as_i64() {
            Some(id) => units
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("Đơn vị mã {id}")),
            None => text(value),
        },
        FieldKind::Attachment => {
            if value.is_null() {
                String::new()
            } else {
                "Đã có tệp đính kèm".into()
            }
        }
        FieldKind::Text | FieldKind::NationalId | FieldKind::Year | FieldKind::Integer => {
            text(value)
        }
    }
}
