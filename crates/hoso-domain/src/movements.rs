//! Movements of people between units (điều động, luân chuyển, biệt phái; within a unit or
//! between units of the province: LS Đ9.2, LC Đ10.2–10.3, ĐN Đ11.1–11.2, ĐT Đ18): what a
//! movement writes into the record. The record keeps it in its own words: a row of
//! `personnel_events` carrying the decision, and the work history closed at the old unit and
//! opened at the new one. The fields written are declared once ([`WRITES`]) and a test holds
//! every schema version to them.

use serde_json::{Value, json};
use time::Date;

use crate::schema::{FieldKind, RecordDoc, RecordSchema};

/// The kind of movement, as the decision names it (the `personnel_events.event_type` code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementKind {
    /// Điều động.
    Transfer,
    /// Luân chuyển.
    Rotation,
    /// Biệt phái.
    Secondment,
}

impl MovementKind {
    pub const ALL: [MovementKind; 3] = [
        MovementKind::Transfer,
        MovementKind::Rotation,
        MovementKind::Secondment,
    ];

    /// The stored code, which is also the event type of the record's row.
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Transfer => "dieu_dong",
            MovementKind::Rotation => "luan_chuyen",
            MovementKind::Secondment => "biet_phai",
        }
    }

    pub fn parse(s: &str) -> Option<MovementKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            MovementKind::Transfer => "Điều động",
            MovementKind::Rotation => "Luân chuyển",
            MovementKind::Secondment => "Biệt phái",
        }
    }
}

/// A field a movement writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldWrite {
    pub section: &'static str,
    pub field: &'static str,
    pub kind: FieldKind,
}

const fn write(section: &'static str, field: &'static str, kind: FieldKind) -> FieldWrite {
    FieldWrite {
        section,
        field,
        kind,
    }
}

/// The section of personnel events (tuyển dụng, điều động, … nghỉ hưu) decisions write.
pub const EVENTS: &str = "personnel_events";
pub(crate) const WORK: &str = "work_history";

/// Every field a movement writes, in repeating sections.
pub const WRITES: &[FieldWrite] = &[
    write(EVENTS, "event_type", FieldKind::Choice),
    write(EVENTS, "decision_number", FieldKind::Text),
    write(EVENTS, "decision_date", FieldKind::Date),
    write(EVENTS, "effective_date", FieldKind::Date),
    write(EVENTS, "from_unit", FieldKind::Text),
    write(EVENTS, "to_unit", FieldKind::Text),
    write(EVENTS, "position", FieldKind::Text),
    write(EVENTS, "note", FieldKind::Text),
    write(WORK, "from", FieldKind::MonthYear),
    write(WORK, "to", FieldKind::MonthYear),
    write(WORK, "unit", FieldKind::Text),
    write(WORK, "title_or_position", FieldKind::Text),
];

/// A movement as the decision states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement<'a> {
    pub kind: MovementKind,
    pub decision_number: &'a str,
    pub decision_date: Date,
    pub effective_date: Date,
    /// The units by their full names, as the record's text fields keep them.
    pub from_unit: &'a str,
    pub to_unit: &'a str,
    /// The position at the new unit, when the decision names one.
    pub position: Option<&'a str>,
    pub note: Option<&'a str>,
}

pub(crate) fn month(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

pub(crate) fn rows<'d>(doc: &'d mut RecordDoc, section: &str) -> &'d mut Vec<Value> {
    let slot = doc
        .entry(section.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !slot.is_array() {
        *slot = Value::Array(Vec::new());
    }
    slot.as_array_mut().expect("made an array above")
}

/// Writes the movement into the record: the decision as a `personnel_events` row, the open
/// work-history rows closed at the effective month, and a row opened at the new unit (with the
/// position the decision names, or the one held so far).
pub fn apply(doc: &mut RecordDoc, m: &Movement<'_>) {
    write_move(doc, m.kind.as_str(), m);
}

/// [`apply`] with the event type given: a reorganisation moves people the same way under the
/// type "khac" (the schema has no type of its own for it), its decision named in the note.
pub(crate) fn write_move(doc: &mut RecordDoc, event_type: &str, m: &Movement<'_>) {
    let mut event = json!({
        "event_type": event_type,
        "decision_number": m.decision_number,
        "decision_date": m.decision_date.to_string(),
        "effective_date": m.effective_date.to_string(),
        "from_unit": m.from_unit,
        "to_unit": m.to_unit,
    });
    if let Some(p) = m.position.filter(|p| !p.trim().is_empty()) {
        event["position"] = json!(p);
    }
    if let Some(n) = m.note.filter(|n| !n.trim().is_empty()) {
        event["note"] = json!(n);
    }
    rows(doc, EVENTS).push(event);

    let at = month(m.effective_date);
    let work = rows(doc, WORK);
    let mut title = None;
    for row in work.iter_mut() {
        let Some(row) = row.as_object_mut() else {
            continue;
        };
        let open = row.get("to").is_none_or(|t| t.is_null() || t == "");
        if open {
            title = row
                .get("title_or_position")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or(title);
            // A row that began after the movement's month cannot end before it began.
            let from = row.get("from").and_then(Value::as_str).unwrap_or_default();
            let end = if from > at.as_str() {
                from.to_string()
            } else {
                at.clone()
            };
            row.insert("to".into(), json!(end));
        }
    }
    let mut opened = json!({"from": at, "unit": m.to_unit});
    if let Some(t) = m
        .position
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .or(title)
    {
        opened["title_or_position"] = json!(t);
    }
    work.push(opened);
}

/// Every field of [`WRITES`] the schema lacks or types otherwise, as sentences; empty when the
/// schema can hold a movement.
pub fn missing_in(schema: &RecordSchema) -> Vec<String> {
    WRITES
        .iter()
        .filter_map(|w| {
            let section = schema.sections.iter().find(|s| s.id == w.section);
            let Some(section) = section else {
                return Some(format!("thiếu mục {}", w.section));
            };
            if !section.repeating {
                return Some(format!("mục {} không phải mục nhiều dòng", w.section));
            }
            match section.fields.iter().find(|f| f.id == w.field) {
                None => Some(format!("thiếu trường {}.{}", w.section, w.field)),
                Some(f) if f.kind != w.kind => {
                    Some(format!("trường {}.{} khác kiểu", w.section, w.field))
                }
                Some(_) => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn movement() -> Movement<'static> {
        Movement {
            kind: MovementKind::Transfer,
            decision_number: "15/QĐ-UBND",
            decision_date: date!(2026 - 05 - 20),
            effective_date: date!(2026 - 06 - 01),
            from_unit: "Phòng Kinh tế — UBND xã A",
            to_unit: "Văn phòng — Sở Y tế",
            position: None,
            note: None,
        }
    }

    #[test]
    fn a_movement_adds_its_decision_and_moves_the_work_history() {
        let mut doc: RecordDoc = serde_json::from_value(json!({
            "work_history": [
                {"from": "2015-01", "to": "2019-12", "unit": "Trường X", "title_or_position": "Giáo viên"},
                {"from": "2020-01", "unit": "Phòng Kinh tế — UBND xã A", "title_or_position": "Chuyên viên"}
            ],
            "personnel_events": [{"event_type": "tuyen_dung", "effective_date": "2015-01-01"}]
        }))
        .unwrap();
        apply(&mut doc, &movement());
        let events = doc["personnel_events"].as_array().unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[1],
            json!({
                "event_type": "dieu_dong", "decision_number": "15/QĐ-UBND",
                "decision_date": "2026-05-20", "effective_date": "2026-06-01",
                "from_unit": "Phòng Kinh tế — UBND xã A", "to_unit": "Văn phòng — Sở Y tế"
            })
        );
        let work = doc["work_history"].as_array().unwrap();
        assert_eq!(work.len(), 3);
        assert_eq!(work[0]["to"], "2019-12", "closed rows stay");
        assert_eq!(work[1]["to"], "2026-06");
        assert_eq!(
            work[2],
            json!({"from": "2026-06", "unit": "Văn phòng — Sở Y tế", "title_or_position": "Chuyên viên"})
        );
    }

    #[test]
    fn the_decisions_position_and_note_are_kept_and_empty_sections_are_made() {
        let mut doc = RecordDoc::new();
        let m = Movement {
            kind: MovementKind::Secondment,
            position: Some("Phó Trưởng phòng"),
            note: Some("Biệt phái 2 năm"),
            ..movement()
        };
        apply(&mut doc, &m);
        assert_eq!(doc["personnel_events"][0]["event_type"], "biet_phai");
        assert_eq!(doc["personnel_events"][0]["position"], "Phó Trưởng phòng");
        assert_eq!(doc["personnel_events"][0]["note"], "Biệt phái 2 năm");
        assert_eq!(
            doc["work_history"],
            json!([{"from": "2026-06", "unit": "Văn phòng — Sở Y tế", "title_or_position": "Phó Trưởng phòng"}])
        );
    }

    #[test]
    fn an_open_row_that_began_later_is_not_ended_before_it_began() {
        let mut doc: RecordDoc = serde_json::from_value(json!({
            "work_history": [{"from": "2026-09", "unit": "A"}]
        }))
        .unwrap();
        apply(&mut doc, &movement());
        assert_eq!(doc["work_history"][0]["to"], "2026-09");
    }

    #[test]
    fn kinds_round_trip_and_are_event_types_of_every_schema() {
        for k in MovementKind::ALL {
            assert_eq!(MovementKind::parse(k.as_str()), Some(k));
        }
        for schema in crate::schema::SchemaSet::embedded().versions() {
            assert!(
                missing_in(schema).is_empty(),
                "{}: {:?}",
                schema.version,
                missing_in(schema)
            );
            let event_type = schema
                .sections
                .iter()
                .find(|s| s.id == EVENTS)
                .and_then(|s| s.fields.iter().find(|f| f.id == "event_type"))
                .unwrap();
            for k in MovementKind::ALL {
                assert!(
                    event_type.choices.iter().any(|c| c.code == k.as_str()),
                    "{}: {}",
                    schema.version,
                    k.as_str()
                );
            }
        }
    }
}
