//! Decisions that end or resume a person's service (issue 14, item 2): retirement, resignation,
//! dismissal, end of contract, death, and the return to service. Each sets the record's status
//! from its effective date and is written into the record as the decision states it: a
//! `personnel_events` row and, when the person leaves, the open work-history rows closed at the
//! effective month. A personal account follows the status (its access ends on leaving).

use serde_json::json;
use time::Date;

use crate::movements::{EVENTS, WORK, month, rows};
use crate::org::PersonStatus;
use crate::schema::RecordDoc;

/// What a decision decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusDecisionKind {
    /// Nghỉ hưu (Bộ luật Lao động Điều 169, NĐ 135/2020).
    Retirement,
    /// Thôi việc theo nguyện vọng.
    Resignation,
    /// Buộc thôi việc (kỷ luật).
    Dismissal,
    /// Chấm dứt hợp đồng lao động / hợp đồng làm việc.
    ContractEnd,
    /// Từ trần.
    Death,
    /// Trở lại công tác (after a resignation or retirement, on a new decision).
    Return,
    /// Chuyển công tác ra ngoài tỉnh, sang bộ, ngành hoặc khối Đảng, đoàn thể (LS Đ9.1d, ĐT
    /// Đ22.5): the record stays here, read-only, its data handed over as a signed package.
    TransferOut,
}

impl StatusDecisionKind {
    pub const ALL: [StatusDecisionKind; 7] = [
        StatusDecisionKind::Retirement,
        StatusDecisionKind::Resignation,
        StatusDecisionKind::Dismissal,
        StatusDecisionKind::ContractEnd,
        StatusDecisionKind::Death,
        StatusDecisionKind::Return,
        StatusDecisionKind::TransferOut,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            StatusDecisionKind::Retirement => "nghi_huu",
            StatusDecisionKind::Resignation => "thoi_viec",
            StatusDecisionKind::Dismissal => "buoc_thoi_viec",
            StatusDecisionKind::ContractEnd => "cham_dut_hop_dong",
            StatusDecisionKind::Death => "tu_tran",
            StatusDecisionKind::Return => "tro_lai_cong_tac",
            StatusDecisionKind::TransferOut => "chuyen_ra_ngoai_tinh",
        }
    }

    pub fn parse(s: &str) -> Option<StatusDecisionKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub const fn label_vi(self) -> &'static str {
        match self {
            StatusDecisionKind::Retirement => "Nghỉ hưu",
            StatusDecisionKind::Resignation => "Thôi việc",
            StatusDecisionKind::Dismissal => "Buộc thôi việc",
            StatusDecisionKind::ContractEnd => "Chấm dứt hợp đồng",
            StatusDecisionKind::Death => "Từ trần",
            StatusDecisionKind::Return => "Trở lại công tác",
            StatusDecisionKind::TransferOut => "Chuyển công tác ra ngoài tỉnh",
        }
    }

    /// The record's status from the effective date.
    pub const fn status(self) -> PersonStatus {
        match self {
            StatusDecisionKind::Retirement => PersonStatus::Retired,
            StatusDecisionKind::Resignation
            | StatusDecisionKind::Dismissal
            | StatusDecisionKind::ContractEnd => PersonStatus::Resigned,
            StatusDecisionKind::Death => PersonStatus::Deceased,
            StatusDecisionKind::Return => PersonStatus::Working,
            StatusDecisionKind::TransferOut => PersonStatus::TransferredOut,
        }
    }

    /// The type of the `personnel_events` row (the schema's choices: no type of its own for a
    /// death or a return, which go under "khac" and "tiep_nhan"; a transfer out of the province
    /// is a "điều động" to an agency outside it).
    pub const fn event_type(self) -> &'static str {
        match self {
            StatusDecisionKind::Retirement => "nghi_huu",
            StatusDecisionKind::Resignation
            | StatusDecisionKind::Dismissal
            | StatusDecisionKind::ContractEnd => "thoi_viec",
            StatusDecisionKind::Death => "khac",
            StatusDecisionKind::Return => "tiep_nhan",
            StatusDecisionKind::TransferOut => "dieu_dong",
        }
    }

    /// Whether the decision can be taken of a person whose record is `current`; otherwise why
    /// not, in Vietnamese.
    pub fn check_from(self, current: PersonStatus) -> Result<(), String> {
        match (self, current) {
            (StatusDecisionKind::Return, PersonStatus::Retired | PersonStatus::Resigned) => Ok(()),
            (StatusDecisionKind::Return, other) => Err(format!(
                "Chỉ quyết định trở lại công tác cho người đã nghỉ hưu hoặc thôi việc (hồ sơ đang ở trạng thái \"{}\").",
                other.label_vi()
            )),
            (_, PersonStatus::Working) => Ok(()),
            (kind, other) => Err(format!(
                "Không thể quyết định \"{}\": hồ sơ đang ở trạng thái \"{}\".",
                kind.label_vi().to_lowercase(),
                other.label_vi()
            )),
        }
    }
}

/// A decision as it states itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDecision<'a> {
    pub kind: StatusDecisionKind,
    pub decision_number: &'a str,
    pub decision_date: Date,
    pub effective_date: Date,
    /// The unit the person was in, by its full name.
    pub unit: &'a str,
    pub note: Option<&'a str>,
}

/// Writes the decision into the record: its `personnel_events` row; on leaving, the open
/// work-history rows end at the effective month; on return, a row opens at the unit.
pub fn apply(doc: &mut RecordDoc, d: &StatusDecision<'_>) {
    let note = match d.note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("{}: {n}", d.kind.label_vi()),
        None => d.kind.label_vi().to_string(),
    };
    let mut event = json!({
        "event_type": d.kind.event_type(),
        "decision_number": d.decision_number,
        "decision_date": d.decision_date.to_string(),
        "effective_date": d.effective_date.to_string(),
        "note": note,
    });
    let at = month(d.effective_date);
    if d.kind == StatusDecisionKind::Return {
        event["to_unit"] = json!(d.unit);
        rows(doc, EVENTS).push(event);
        rows(doc, WORK).push(json!({"from": at, "unit": d.unit}));
        return;
    }
    event["from_unit"] = json!(d.unit);
    rows(doc, EVENTS).push(event);
    close_open_work_rows(doc, &at);
}

/// Ends the work-history rows still open at `month` (`YYYY-MM`); a row that began after it
/// cannot end before it began, and ends the month it began.
fn close_open_work_rows(doc: &mut RecordDoc, month: &str) {
    for row in rows(doc, WORK).iter_mut() {
        let Some(row) = row.as_object_mut() else {
            continue;
        };
        if row.get("to").is_none_or(|t| t.is_null() || t == "") {
            let from = row.get("from").and_then(|v| v.as_str()).unwrap_or_default();
            let end = from.max(month).to_string();
            row.insert("to".into(), json!(end));
        }
    }
}

/// A person received from outside the province (another province, a ministry, the Party
/// bloc) with the record their former agency handed over: who decided it and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival<'a> {
    pub decision_number: &'a str,
    pub decision_date: Date,
    pub effective_date: Date,
    /// The agency the person comes from, as the package or the decision names it.
    pub from: &'a str,
    /// The receiving unit, by its full name.
    pub unit: &'a str,
}

/// Writes a reception into the record as received: a "tiếp nhận" event from the former agency
/// to the unit; the work rows still open there end the month before, and a row opens at the
/// unit from the effective month.
pub fn apply_arrival(doc: &mut RecordDoc, a: &Arrival<'_>) {
    rows(doc, EVENTS).push(json!({
        "event_type": StatusDecisionKind::Return.event_type(),
        "decision_number": a.decision_number,
        "decision_date": a.decision_date.to_string(),
        "effective_date": a.effective_date.to_string(),
        "from_unit": a.from,
        "to_unit": a.unit,
        "note": "Tiếp nhận từ ngoài tỉnh",
    }));
    let before = month(
        a.effective_date
            .replace_day(1)
            .ok()
            .and_then(|d| d.previous_day())
            .unwrap_or(a.effective_date),
    );
    close_open_work_rows(doc, &before);
    rows(doc, WORK).push(json!({"from": month(a.effective_date), "unit": a.unit}));
}

/// The day a record says its person left service, for a record entered with them already
/// gone: the effective date of its last `personnel_events` row of the type that leads to their
/// status (nghỉ hưu for a retirement, thôi việc for a resignation). `None` when the record does
/// not say: no such row, or a status no event type of its own leads to (a death is written
/// under "khác", a transfer out of the province under a movement).
pub fn left_service_on(doc: &RecordDoc, status: PersonStatus) -> Option<Date> {
    let event = match status {
        PersonStatus::Retired => StatusDecisionKind::Retirement.event_type(),
        PersonStatus::Resigned => StatusDecisionKind::Resignation.event_type(),
        _ => return None,
    };
    doc.get(EVENTS)?
        .as_array()?
        .iter()
        .filter(|row| row.get("event_type").and_then(|t| t.as_str()) == Some(event))
        .filter_map(|row| row.get("effective_date")?.as_str())
        .filter_map(|d| {
            Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok()
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_record_entered_after_its_person_left_says_when_by_its_last_event_of_that_kind() {
        let doc: RecordDoc = serde_json::from_value(json!({
            "personnel_events": [
                {"event_type": "tuyen_dung", "effective_date": "2001-03-01"},
                {"event_type": "nghi_huu", "effective_date": "2019-06-01"},
                {"event_type": "tiep_nhan", "effective_date": "2020-01-01"},
                {"event_type": "nghi_huu", "effective_date": "2025-09-01"},
                {"event_type": "thoi_viec", "effective_date": "não"},
            ]
        }))
        .unwrap();
        assert_eq!(
            left_service_on(&doc, PersonStatus::Retired),
            Some(date!(2025 - 09 - 01))
        );
        // No readable row of the kind, or a status without a kind of its own: it does not say.
        assert_eq!(left_service_on(&doc, PersonStatus::Resigned), None);
        assert_eq!(left_service_on(&doc, PersonStatus::Deceased), None);
        assert_eq!(left_service_on(&doc, PersonStatus::Working), None);
        assert_eq!(
            left_service_on(&RecordDoc::new(), PersonStatus::Retired),
            None
        );
    }

    fn decision(kind: StatusDecisionKind) -> StatusDecision<'static> {
        StatusDecision {
            kind,
            decision_number: "15/QĐ-UBND",
            decision_date: date!(2026 - 09 - 01),
            effective_date: date!(2026 - 12 - 01),
            unit: "Phòng Nội vụ — UBND huyện A",
            note: None,
        }
    }

    #[test]
    fn codes_parse_back_and_labels_are_distinct() {
        let mut labels = std::collections::HashSet::new();
        for k in StatusDecisionKind::ALL {
            assert_eq!(StatusDecisionKind::parse(k.as_str()), Some(k));
            assert!(labels.insert(k.label_vi()));
        }
        assert_eq!(StatusDecisionKind::parse("nghỉ hưu"), None);
    }

    #[test]
    fn each_decision_sets_its_status() {
        use StatusDecisionKind as K;
        assert_eq!(K::Retirement.status(), PersonStatus::Retired);
        assert_eq!(K::Dismissal.status(), PersonStatus::Resigned);
        assert_eq!(K::ContractEnd.status(), PersonStatus::Resigned);
        assert_eq!(K::Death.status(), PersonStatus::Deceased);
        assert_eq!(K::Return.status(), PersonStatus::Working);
    }

    #[test]
    fn only_a_working_person_leaves_and_only_one_who_left_returns() {
        use StatusDecisionKind as K;
        assert!(K::Retirement.check_from(PersonStatus::Working).is_ok());
        assert!(K::Death.check_from(PersonStatus::Working).is_ok());
        let e = K::Retirement
            .check_from(PersonStatus::Deceased)
            .unwrap_err();
        assert!(e.contains("Đã từ trần"), "{e}");
        assert!(K::Resignation.check_from(PersonStatus::Retired).is_err());
        assert!(K::Return.check_from(PersonStatus::Retired).is_ok());
        assert!(K::Return.check_from(PersonStatus::Resigned).is_ok());
        assert!(K::Return.check_from(PersonStatus::Working).is_err());
        assert!(K::Return.check_from(PersonStatus::Deceased).is_err());
        assert!(K::Return.check_from(PersonStatus::TransferredOut).is_err());
    }

    #[test]
    fn leaving_writes_the_event_and_closes_the_open_work_rows_at_the_effective_month() {
        let mut doc: RecordDoc = serde_json::from_value(json!({
            "work_history": [
                {"from": "2001-03", "to": "2010-08", "unit": "Xã B"},
                {"from": "2010-09", "unit": "Phòng Nội vụ"},
                {"from": "2027-01", "unit": "Lạ"}
            ]
        }))
        .unwrap();
        apply(
            &mut doc,
            &StatusDecision {
                note: Some("  đủ tuổi  "),
                ..decision(StatusDecisionKind::Retirement)
            },
        );
        let events = doc["personnel_events"].as_array().unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0]["event_type"], "nghi_huu");
        assert_eq!(events[0]["effective_date"], "2026-12-01");
        assert_eq!(events[0]["from_unit"], "Phòng Nội vụ — UBND huyện A");
        assert_eq!(events[0]["note"], "Nghỉ hưu: đủ tuổi");
        let work = doc["work_history"].as_array().unwrap();
        assert_eq!(work[0]["to"], "2010-08", "a closed row is left alone");
        assert_eq!(work[1]["to"], "2026-12");
        assert_eq!(work[2]["to"], "2027-01", "never ends before it began");
    }

    #[test]
    fn a_death_is_an_event_of_type_khac_named_in_the_note() {
        let mut doc = RecordDoc::default();
        apply(&mut doc, &decision(StatusDecisionKind::Death));
        assert_eq!(doc["personnel_events"][0]["event_type"], "khac");
        assert_eq!(doc["personnel_events"][0]["note"], "Từ trần");
    }

    #[test]
    fn a_transfer_out_is_a_dieu_dong_from_a_working_person_to_transferred_out() {
        use StatusDecisionKind as K;
        assert_eq!(K::TransferOut.status(), PersonStatus::TransferredOut);
        assert!(K::TransferOut.check_from(PersonStatus::Working).is_ok());
        assert!(K::TransferOut.check_from(PersonStatus::Retired).is_err());
        let mut doc: RecordDoc =
            serde_json::from_value(json!({"work_history": [{"from": "2010-09", "unit": "X"}]}))
                .unwrap();
        apply(
            &mut doc,
            &StatusDecision {
                note: Some("Sở Nội vụ tỉnh Cao Bằng"),
                ..decision(K::TransferOut)
            },
        );
        assert_eq!(doc["personnel_events"][0]["event_type"], "dieu_dong");
        assert_eq!(
            doc["personnel_events"][0]["note"],
            "Chuyển công tác ra ngoài tỉnh: Sở Nội vụ tỉnh Cao Bằng"
        );
        assert_eq!(doc["work_history"][0]["to"], "2026-12");
    }

    #[test]
    fn an_arrival_closes_the_rows_of_the_former_agency_and_opens_one_at_the_unit() {
        let mut doc: RecordDoc = serde_json::from_value(json!({
            "work_history": [
                {"from": "2001-03", "to": "2010-08", "unit": "Xã B"},
                {"from": "2010-09", "unit": "Sở Nội vụ tỉnh Cao Bằng"},
                {"from": "2027-02", "unit": "Lạ"}
            ]
        }))
        .unwrap();
        apply_arrival(
            &mut doc,
            &Arrival {
                decision_number: "12/QĐ-UBND",
                decision_date: date!(2026 - 11 - 20),
                effective_date: date!(2026 - 12 - 01),
                from: "Sở Nội vụ tỉnh Cao Bằng",
                unit: "Phòng Nội vụ — UBND huyện A",
            },
        );
        let event = &doc["personnel_events"][0];
        assert_eq!(event["event_type"], "tiep_nhan");
        assert_eq!(event["from_unit"], "Sở Nội vụ tỉnh Cao Bằng");
        assert_eq!(event["effective_date"], "2026-12-01");
        let work = doc["work_history"].as_array().unwrap();
        assert_eq!(work[0]["to"], "2010-08");
        assert_eq!(work[1]["to"], "2026-11", "ends the month before");
        assert_eq!(work[2]["to"], "2027-02", "never ends before it began");
        assert_eq!(work[3]["from"], "2026-12");
        assert_eq!(work[3]["unit"], "Phòng Nội vụ — UBND huyện A");
    }

    #[test]
    fn a_return_opens_a_work_row_at_the_unit() {
        let mut doc = RecordDoc::default();
        apply(&mut doc, &decision(StatusDecisionKind::Return));
        assert_eq!(doc["personnel_events"][0]["event_type"], "tiep_nhan");
        assert_eq!(
            doc["personnel_events"][0]["to_unit"],
            "Phòng Nội vụ — UBND huyện A"
        );
        assert_eq!(doc["work_history"][0]["from"], "2026-12");
        assert!(doc["work_history"][0].get("to").is_none());
    }
}
