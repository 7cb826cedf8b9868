//! Reading the forms of a page the way a browser submits them.

use std::collections::HashMap;

/// Percent-encoding of a form value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An `application/x-www-form-urlencoded` body.
pub fn urlencoded(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Text of an attribute or element as the browser reads it (HTML entities decoded).
pub fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&#60;", "<")
        .replace("&gt;", ">")
        .replace("&#62;", ">")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// The value of attribute `name` in an opening tag.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// The values a browser would submit for the last POST form of a page.
pub fn form_fields(html: &str) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let form_start = html.rfind("<form method=\"post\"").unwrap_or(0);
    let html = &html[form_start..];
    let html = &html[..html.find("</form>").unwrap_or(html.len())];
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').unwrap_or(rest.len() - 1);
        let tag = &rest[..=end];
        if tag.starts_with("<input") {
            if let Some(name) = attr(tag, "name") {
                let ty = attr(tag, "type").unwrap_or_default();
                if ty != "checkbox" || tag.contains(" checked") {
                    out.entry(name)
                        .or_default()
                        .push(attr(tag, "value").unwrap_or_default());
                }
            }
        } else if tag.starts_with("<textarea") {
            let name = attr(tag, "name").unwrap();
            let body = &rest[end + 1..];
            let text = &body[..body.find("</textarea>").unwrap()];
            out.entry(name).or_default().push(unescape(text));
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap();
            let body = &rest[end + 1..];
            let body = &body[..body.find("</select>").unwrap()];
            let entry = out.entry(name).or_default();
            for opt in body.split("<option").skip(1) {
                let opt_tag = &opt[..opt.find('>').unwrap()];
                if opt_tag.contains(" selected") {
                    entry.push(attr(&format!("<option{opt_tag}"), "value").unwrap_or_default());
                }
            }
        }
        rest = &rest[end + 1..];
    }
    out
}

/// The fields as (name, value) pairs, in a stable order.
pub fn flatten(fields: &HashMap<String, Vec<String>>) -> Vec<(String, String)> {
    let mut names: Vec<&String> = fields.keys().collect();
    names.sort();
    let mut out = Vec::new();
    for k in names {
        for v in &fields[k] {
            out.push((k.clone(), v.clone()));
        }
    }
    out
}
