//! "Late" alerts: a record that the deadline rules in force say should have been done by now
//! (F12). Pure, like [`crate::alerts`]: the facts about the record's own timeline, "today",
//! the calendar and the rules are parameters.
//!
//! What a record can show, and the rules it answers:
//! - `satisfied_by = "record_created"` (data entered): the record still misses required fields
//!   after the rule's length, counted from its trigger — the person joining the agency
//!   (`person_joined`; Lạng Sơn 30 working days), their account's creation (`account_created`;
//!   Lai Châu 5 more), or the record's creation (`record_created`);
//! - `satisfied_by = "account_created"` with `person_joined` (Lai Châu 5 working days): the
//!   person still has no account of their own;
//! - `satisfied_by = "status_updated"` with `status_changed` (Lai Châu 10, Đắk Nông 5): the
//!   record shows a retirement or resignation decision (its decision date, or its effective date
//!   when later — the status cannot change before either) and the person is still "working";
//! - `satisfied_by = "record_moved_to_department"` with `moved_within_unit` (Lai Châu 5, Đắk
//!   Nông 2 working days) and `"record_transferred"` with `moved_to_another_unit` (5 and 5):
//!   a movement decided in Hoso whose record has not moved that long after the decision took
//!   effect (in practice: the receiving unit has not taken it).
//!
//! A rule applies when it was in force on the trigger date (a person who joined before the
//! regulation existed is not late under it). Rules about change requests waiting for
//! verification or approval need the requests themselves and come from their own source.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::alerts::{Alert, AlertKind, PersonStatus, RuleRef};
use crate::calendar::{HolidayCalendar, format_date};
use crate::deadlines::{DeadlineRule, RuleSet, Trigger, Unit};

/// A status change the record shows (from its personnel events).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEvent {
    /// `nghi_huu` or `thoi_viec`.
    pub event_type: String,
    pub decision_date: Option<Date>,
    pub effective_date: Date,
}

impl StatusEvent {
    fn label(&self) -> &'static str {
        match self.event_type.as_str() {
            "nghi_huu" => "nghỉ hưu",
            _ => "thôi việc",
        }
    }

    /// The day the status can first be recorded: the later of the decision and its effect.
    fn trigger(&self) -> Date {
        self.decision_date
            .map_or(self.effective_date, |d| d.max(self.effective_date))
    }
}

/// A movement of the person within the province, recorded as a decision in Hoso (LC Đ10.2–10.3,
/// ĐN Đ11.1–11.2: the record must be moved within N working days of the decision taking
/// effect).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveEvent {
    /// Both units belong to the same directly employing agency (another phòng, ban, khoa of it).
    pub within_agency: bool,
    /// The day the decision takes effect.
    pub effective_date: Date,
    /// The day the record moved; `None`: not yet (the receiving unit has not taken it).
    pub done_on: Option<Date>,
}

/// When the events that start the deadline rules happened for one record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordTimeline {
    /// The day the record was created in Hoso.
    pub record_created: Option<Date>,
    /// The day the person joined the current agency (`recruitment.current_agency_join_date`).
    pub joined: Option<Date>,
    /// The day the person's own account was created; `None`: no account yet.
    pub account_created: Option<Date>,
    pub required_fields_missing: u32,
    pub status_events: Vec<StatusEvent>,
    pub status: Option<PersonStatus>,
    /// Movements decided and not cancelled or refused.
    #[serde(default)]
    pub moves: Vec<MoveEvent>,
    /// The person's reception from outside the province with the record their former agency
    /// handed over (LS Đ9.1a: their account within 5 working days of it; ĐT Đ22.5: the Sở told
    /// within 10 working days of the decision).
    #[serde(default)]
    pub arrival: Option<Crossing>,
    /// Their transfer out of the province, once in force (LS Đ9.1d: the record handed over and
    /// access ended within 5 working days; ĐT Đ22.5: the Sở told within 10 of the decision).
    #[serde(default)]
    pub departure: Option<Crossing>,
}

/// A person crossing the province's border, by a decision in force: for a departure, access
/// ended with it (the status ends the person's account) and the record is to be handed over;
/// either way, the Sở Nội vụ may have to be told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crossing {
    /// The day of the decision.
    pub decided: Date,
    pub effective_date: Date,
    /// The day the signed package was recorded as handed over (a departure); `None`: not yet.
    pub handed_over: Option<Date>,
    /// The day the unit reported it to the Sở Nội vụ; `None`: not recorded.
    pub reported: Option<Date>,
}

fn unit_label(rule: &DeadlineRule) -> &'static str {
    match rule.unit {
        Unit::WorkingDays => "ngày làm việc",
        Unit::CalendarDays => "ngày",
        Unit::Months => "tháng",
    }
}

fn basis(rule: &DeadlineRule) -> String {
    format!("{} (quy tắc {})", rule.legal_basis, rule.id)
}

/// The alert of a rule missed: due on `due`, saying what is late.
fn overdue(rule: &DeadlineRule, due: Date, message_vi: String) -> Alert {
    Alert {
        kind: AlertKind::DeadlineOverdue,
        due,
        message_vi,
        legal_basis: basis(rule),
        rule: Some(RuleRef::of(rule)),
    }
}

/// The late alerts of one record as of `today`, in due-date order.
pub fn late_alerts(
    t: &RecordTimeline,
    today: Date,
    cal: &HolidayCalendar,
    rules: &RuleSet,
) -> Vec<Alert> {
    let mut out = Vec::new();
    for (crossing, trigger, what) in [
        (
            t.arrival,
            Trigger::ReceivedFromOutside,
            "tiếp nhận từ ngoài tỉnh",
        ),
        (
            t.departure,
            Trigger::TransferredOutside,
            "chuyển công tác ra ngoài tỉnh",
        ),
    ] {
        let Some(c) = crossing.filter(|c| c.reported.is_none()) else {
            continue;
        };
        for rule in rules.rules().iter().filter(|r| {
            r.trigger == trigger
                && r.satisfied_by == "reported_to_so_noi_vu"
                && r.in_force(c.decided)
        }) {
            let due = rule.due_date(c.decided, cal);
            if today > due {
                out.push(overdue(rule, due, format!(
                    "Quá hạn «{}»: quyết định {what} ngày {}, hạn {} ({} {}) — chưa ghi nhận đã báo cáo Sở Nội vụ",
                    rule.name_vi,
                    format_date(c.decided),
                    format_date(due),
                    rule.length,
                    unit_label(rule)
                )));
            }
        }
    }
    if let Some(d) = t.departure.filter(|d| d.handed_over.is_none()) {
        for rule in rules.rules().iter().filter(|r| {
            r.trigger == Trigger::TransferredOutside
                && r.satisfied_by == "record_transferred_and_access_revoked"
                && r.in_force(d.effective_date)
        }) {
            let due = rule.due_date(d.effective_date, cal);
            if today > due {
                out.push(overdue(rule, due, format!(
                    "Quá hạn «{}»: chuyển công tác ra ngoài tỉnh từ ngày {}, hạn {} ({} {}) — chưa ghi nhận bàn giao gói hồ sơ đã ký",
                    rule.name_vi,
                    format_date(d.effective_date),
                    format_date(due),
                    rule.length,
                    unit_label(rule)
                )));
            }
        }
    }
    if t.status.is_some_and(|s| s != PersonStatus::Active) {
        return out;
    }
    for rule in rules.rules() {
        match (rule.satisfied_by.as_str(), rule.trigger) {
            ("record_created", trigger) if t.required_fields_missing > 0 => {
                let (start, what) = match trigger {
                    Trigger::PersonJoined => (t.joined.or(t.record_created), "nhận công tác"),
                    Trigger::AccountCreated => (t.account_created, "tạo tài khoản"),
                    Trigger::RecordCreated => (t.record_created, "tạo hồ sơ"),
                    _ => (None, ""),
                };
                let Some(start) = start.filter(|s| rule.in_force(*s)) else {
                    continue;
                };
                let due = rule.due_date(start, cal);
                if today > due {
                    out.push(overdue(rule, due, format!(
                            "Quá hạn «{}»: {} {} kể từ ngày {what} {}, hạn {} — hồ sơ còn thiếu {} trường bắt buộc",
                            rule.name_vi,
                            rule.length,
                            unit_label(rule),
                            format_date(start),
                            format_date(due),
                            t.required_fields_missing
                        )));
                }
            }
            ("account_created", Trigger::PersonJoined) if t.account_created.is_none() => {
                let Some(start) = t.joined.or(t.record_created).filter(|s| rule.in_force(*s))
                else {
                    continue;
                };
                let due = rule.due_date(start, cal);
                if today > due {
                    out.push(overdue(rule, due, format!(
                            "Quá hạn «{}»: {} {} kể từ ngày nhận công tác {}, hạn {} — chưa có tài khoản cá nhân",
                            rule.name_vi,
                            rule.length,
                            unit_label(rule),
                            format_date(start),
                            format_date(due)
                        )));
                }
            }
            ("account_created", Trigger::ReceivedFromOutside) if t.account_created.is_none() => {
                let Some(start) = t
                    .arrival
                    .map(|a| a.effective_date)
                    .filter(|s| rule.in_force(*s))
                else {
                    continue;
                };
                let due = rule.due_date(start, cal);
                if today > due {
                    out.push(overdue(rule, due, format!(
                            "Quá hạn «{}»: {} {} kể từ ngày tiếp nhận từ ngoài tỉnh {}, hạn {} — chưa có tài khoản cá nhân",
                            rule.name_vi,
                            rule.length,
                            unit_label(rule),
                            format_date(start),
                            format_date(due)
                        )));
                }
            }
            ("status_updated", Trigger::StatusChanged) => {
                for e in &t.status_events {
                    let start = e.trigger();
                    if !rule.in_force(start) {
                        continue;
                    }
                    let due = rule.due_date(start, cal);
                    if today > due {
                        out.push(overdue(rule, due, format!(
                                "Quá hạn «{}»: quyết định {} (hiệu lực {}) chưa được cập nhật vào trạng thái hồ sơ; hạn {} ({} {})",
                                rule.name_vi,
                                e.label(),
                                format_date(e.effective_date),
                                format_date(due),
                                rule.length,
                                unit_label(rule)
                            )));
                    }
                }
            }
            ("record_moved_to_department", Trigger::MovedWithinUnit)
            | ("record_transferred", Trigger::MovedToAnotherUnit) => {
                let within = rule.trigger == Trigger::MovedWithinUnit;
                for m in &t.moves {
                    if m.within_agency != within || m.done_on.is_some() {
                        continue;
                    }
                    let start = m.effective_date;
                    if !rule.in_force(start) {
                        continue;
                    }
                    let due = rule.due_date(start, cal);
                    if today > due {
                        out.push(overdue(rule, due, format!(
                                "Quá hạn «{}»: quyết định có hiệu lực {}, hạn {} ({} {}) — hồ sơ chưa được chuyển đến {}",
                                rule.name_vi,
                                format_date(start),
                                format_date(due),
                                rule.length,
                                unit_label(rule),
                                if within { "bộ phận mới" } else { "đơn vị mới (đơn vị nhận chưa tiếp nhận)" }
                            )));
                    }
                }
            }
            _ => {}
        }
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then(a.message_vi.cmp(&b.message_vi)));
    out
}

/// When a change recording decisions reached Hoso.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordedOn {
    /// The day the person sent it in (their change request); `None`: the unit entered it. A
    /// request returned to its author and sent again counts the day it was last sent, the
    /// sending HR could verify.
    pub by_individual: Option<Date>,
    /// The day the unit wrote it into the record.
    pub by_unit: Date,
}

/// A deadline met or missed the moment Hoso learns of it: one for recording a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettledDeadline {
    pub rule: RuleRef,
    pub due: Date,
    /// The day it was done: on time when not after `due`.
    pub done_on: Date,
}

/// Whether `rule` is a deadline for recording a decision (see [`decision_updates`]).
pub fn is_decision_rule(rule: &DeadlineRule) -> bool {
    rule.trigger == Trigger::DecisionDate && rule.satisfied_by == "change_recorded"
}

/// The deadlines for recording decisions (`trigger = "decision_date"`, `satisfied_by =
/// "change_recorded"`: LS Đ8.2 and LC Đ6.4, the person within 15 working days; ĐN Đ10.2c, the
/// unit within 3) that a change answered, given the days its decisions' clocks started
/// (`RecordSchema::decisions_added`). Hoso cannot see a decision before someone records it, so
/// these never raise an alert: they are settled, met or late, when the change arrives. The
/// person's rule counts the day they sent the change in, or the day the unit entered it when
/// they did not; the unit's rule counts the day it reached the record. A decision dated before
/// the record existed in Hoso is not counted (the record could not have been updated), nor one
/// from before its rule was in force.
pub fn decision_updates(
    starts: &[Date],
    record_created: Date,
    on: RecordedOn,
    cal: &HolidayCalendar,
    rules: &RuleSet,
) -> Vec<SettledDeadline> {
    let mut out = Vec::new();
    for rule in rules.rules() {
        if !is_decision_rule(rule) {
            continue;
        }
        let done_on = match rule.responsible.as_str() {
            "ca_nhan" => on.by_individual.unwrap_or(on.by_unit),
            _ => on.by_unit,
        };
        for &start in starts {
            if start < record_created || !rule.in_force(start) {
                continue;
            }
            out.push(SettledDeadline {
                rule: RuleRef::of(rule),
                due: rule.due_date(start, cal),
                done_on,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn cal() -> HolidayCalendar {
        HolidayCalendar::embedded()
    }

    fn preset(name: &str) -> RuleSet {
        RuleSet::preset(name).unwrap()
    }

    fn new_hire() -> RecordTimeline {
        RecordTimeline {
            record_created: Some(date!(2026 - 03 - 02)),
            joined: Some(date!(2026 - 03 - 02)),
            account_created: Some(date!(2026 - 03 - 03)),
            required_fields_missing: 2,
            status_events: vec![],
            status: Some(PersonStatus::Active),
            moves: vec![],
            arrival: None,
            departure: None,
        }
    }

    fn crossing(decided: Date, effective_date: Date) -> Crossing {
        Crossing {
            decided,
            effective_date,
            handed_over: None,
            reported: None,
        }
    }

    #[test]
    fn lang_son_a_person_received_from_outside_has_an_account_within_five_working_days() {
        // Received Fri 13/02/2026, the eve of Tết (holidays 14–22/02): five working days are
        // 23, 24, 25, 26, 27/02.
        let rules = preset("lang-son-2023");
        let received = RecordTimeline {
            account_created: None,
            required_fields_missing: 0,
            arrival: Some(crossing(date!(2026 - 02 - 10), date!(2026 - 02 - 13))),
            ..new_hire()
        };
        let rule = rules.get("lang_son.arrival_account").unwrap();
        assert!(rule.is_tracked());
        assert_eq!(
            rule.due_date(date!(2026 - 02 - 13), &cal()),
            date!(2026 - 02 - 27)
        );
        let arrival = |t: &RecordTimeline, day| {
            dues(t, day, &rules)
                .into_iter()
                .filter(|(_, b)| b.contains("lang_son.arrival_account"))
                .count()
        };
        assert_eq!(arrival(&received, date!(2026 - 02 - 27)), 0);
        assert_eq!(arrival(&received, date!(2026 - 03 - 02)), 1);
        let with_account = RecordTimeline {
            account_created: Some(date!(2026 - 03 - 02)),
            ..received.clone()
        };
        assert_eq!(arrival(&with_account, date!(2026 - 03 - 02)), 0, "cleared");
    }

    #[test]
    fn lang_son_a_transfer_out_is_handed_over_within_five_working_days_even_once_gone() {
        // In force Thu 30/04/2026: 30/4 and 1/5 are holidays, so the days are 4–8/05.
        let rules = preset("lang-son-2023");
        let rule = rules.get("lang_son.transfer_out").unwrap();
        assert!(rule.is_tracked());
        let gone = |handed_over| RecordTimeline {
            status: Some(PersonStatus::TransferredOut),
            departure: Some(Crossing {
                handed_over,
                ..crossing(date!(2026 - 04 - 20), date!(2026 - 04 - 30))
            }),
            ..new_hire()
        };
        let due = date!(2026 - 05 - 08);
        assert_eq!(rule.due_date(date!(2026 - 04 - 30), &cal()), due);
        assert!(dues(&gone(None), due, &rules).is_empty());
        let late = late_alerts(&gone(None), date!(2026 - 05 - 11), &cal(), &rules);
        assert_eq!(
            late.len(),
            1,
            "only the hand-over: the person is no longer at work"
        );
        assert!(
            late[0].message_vi.contains("bàn giao"),
            "{}",
            late[0].message_vi
        );
        assert!(
            dues(
                &gone(Some(date!(2026 - 05 - 11))),
                date!(2026 - 05 - 12),
                &rules
            )
            .is_empty(),
            "cleared by the hand-over"
        );
    }

    #[test]
    fn dong_thap_the_so_is_told_of_an_arrival_or_a_departure_within_ten_working_days() {
        // Decided Mon 20/04/2026: 10 working days, with Giỗ Tổ observed Mon 27/04 and 30/4,
        // 1/5 off, are 21–24, 28, 29/04, 4–7/05 → Thu 07/05.
        let rules = preset("dong-thap-2024");
        let due = date!(2026 - 05 - 07);
        for id in ["dong_thap.report_arrival", "dong_thap.report_departure"] {
            let rule = rules.get(id).unwrap();
            assert!(rule.is_tracked(), "{id}");
            assert_eq!(rule.due_date(date!(2026 - 04 - 20), &cal()), due, "{id}");
        }
        let decided = crossing(date!(2026 - 04 - 20), date!(2026 - 05 - 04));
        let arriving = |reported| RecordTimeline {
            required_fields_missing: 0,
            arrival: Some(Crossing {
                reported,
                ..decided
            }),
            ..new_hire()
        };
        let leaving = |reported| RecordTimeline {
            status: Some(PersonStatus::TransferredOut),
            departure: Some(Crossing {
                reported,
                handed_over: Some(date!(2026 - 05 - 05)),
                ..decided
            }),
            ..new_hire()
        };
        let reports = |t: &RecordTimeline, day| {
            dues(t, day, &rules)
                .into_iter()
                .filter(|(_, b)| b.contains("Điều 22 khoản 5"))
                .map(|(due, _)| due)
                .collect::<Vec<_>>()
        };
        for t in [arriving(None), leaving(None)] {
            assert!(reports(&t, due).is_empty());
            assert_eq!(reports(&t, date!(2026 - 05 - 08)), vec![due]);
        }
        let reported = Some(date!(2026 - 05 - 08));
        assert!(reports(&arriving(reported), date!(2026 - 05 - 11)).is_empty());
        assert!(reports(&leaving(reported), date!(2026 - 05 - 11)).is_empty());
    }

    fn dues(t: &RecordTimeline, today: Date, rules: &RuleSet) -> Vec<(Date, String)> {
        late_alerts(t, today, &cal(), rules)
            .into_iter()
            .map(|a| (a.due, a.legal_basis))
            .collect()
    }

    #[test]
    fn lang_son_thirty_working_days_after_joining() {
        // Joined Mon 02/03/2026. 30 working days: March has 21 working days after 02/03
        // (03–31/03 minus weekends = 21), April: 01, 02, 03, 06, 07, 08, 09 → the 28th is
        // 09/04; 10/04 is the 29th; Mon 13/04 the 30th. (Giỗ Tổ 2026 = Sun 26/4, not before.)
        let rules = preset("lang-son-2023");
        let due = date!(2026 - 04 - 13);
        assert_eq!(cal().add_working_days(date!(2026 - 03 - 02), 30), due);
        assert!(
            dues(&new_hire(), due, &rules).is_empty(),
            "due day itself is in time"
        );
        let late = late_alerts(&new_hire(), date!(2026 - 04 - 14), &cal(), &rules);
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].due, due);
        assert_eq!(late[0].kind, AlertKind::DeadlineOverdue);
        assert!(late[0].legal_basis.contains("QĐ 2220/QĐ-UBND 2023"));
        assert!(late[0].legal_basis.contains("lang_son.new_record"));
        assert!(
            late[0].message_vi.contains("thiếu 2 trường"),
            "{}",
            late[0].message_vi
        );
        // Complete records are never late.
        let mut complete = new_hire();
        complete.required_fields_missing = 0;
        assert!(dues(&complete, date!(2026 - 12 - 31), &rules).is_empty());
        // Joined before the regulation took effect: not late under it.
        let mut old = new_hire();
        old.joined = Some(date!(2015 - 09 - 01));
        assert!(dues(&old, date!(2026 - 12 - 31), &rules).is_empty());
    }

    #[test]
    fn lai_chau_five_plus_five() {
        let rules = preset("lai-chau-2024");
        // Account created Tue 03/03/2026 → data due 5 working days later: Tue 10/03/2026.
        let t = new_hire();
        assert!(dues(&t, date!(2026 - 03 - 10), &rules).is_empty());
        assert_eq!(
            dues(&t, date!(2026 - 03 - 11), &rules)
                .into_iter()
                .map(|(d, b)| (d, b.contains("lai_chau.data")))
                .collect::<Vec<_>>(),
            vec![(date!(2026 - 03 - 10), true)]
        );
        // Without an account: the account rule (joined Mon 02/03 + 5 → Mon 09/03) is late.
        let mut no_account = t.clone();
        no_account.account_created = None;
        let late = dues(&no_account, date!(2026 - 03 - 10), &rules);
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].0, date!(2026 - 03 - 09));
        assert!(late[0].1.contains("lai_chau.account"));
        // Around Tết 2026 (16/02–20/02 off): joined Fri 13/02 → account due Fri 27/02.
        no_account.joined = Some(date!(2026 - 02 - 13));
        no_account.required_fields_missing = 0;
        assert_eq!(
            dues(&no_account, date!(2026 - 03 - 02), &rules)[0].0,
            date!(2026 - 02 - 27)
        );
    }

    #[test]
    fn status_changes_not_recorded() {
        let mut t = new_hire();
        t.required_fields_missing = 0;
        // Resignation decided Thu 23/04/2026, effective Fri 01/05 (a holiday) — trigger 01/05;
        // 10 working days: 04–08/5 (5), 11–15/5 (10) → Fri 15/05/2026.
        t.status_events = vec![StatusEvent {
            event_type: "thoi_viec".into(),
            decision_date: Some(date!(2026 - 04 - 23)),
            effective_date: date!(2026 - 05 - 01),
        }];
        let lai_chau = preset("lai-chau-2024");
        assert!(dues(&t, date!(2026 - 05 - 15), &lai_chau).is_empty());
        let late = late_alerts(&t, date!(2026 - 05 - 18), &cal(), &lai_chau);
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].due, date!(2026 - 05 - 15));
        assert!(late[0].message_vi.contains("thôi việc"));
        // Once the status is updated, nothing is late.
        t.status = Some(PersonStatus::Resigned);
        assert!(dues(&t, date!(2026 - 05 - 18), &lai_chau).is_empty());
        // Đắk Nông's 5 days ended with the province (30/6/2025): a 2026 event is not under it,
        // a 2024 one is — retirement effective Mon 01/07/2024 → due Mon 08/07/2024.
        t.status = Some(PersonStatus::Active);
        let dak_nong = preset("dak-nong-2018");
        assert!(dues(&t, date!(2026 - 06 - 01), &dak_nong).is_empty());
        t.status_events = vec![StatusEvent {
            event_type: "nghi_huu".into(),
            decision_date: Some(date!(2024 - 03 - 29)),
            effective_date: date!(2024 - 07 - 01),
        }];
        assert_eq!(
            dues(&t, date!(2024 - 07 - 09), &dak_nong),
            vec![(
                date!(2024 - 07 - 08),
                "Quy chế kèm QĐ 890/QĐ-UBND 2018 tỉnh Đắk Nông, Điều 11 khoản 3 (quy tắc dak_nong.status_change)".to_string()
            )]
        );
    }

    fn settled(
        starts: &[Date],
        record_created: Date,
        by_individual: Option<Date>,
        by_unit: Date,
        rules: &RuleSet,
    ) -> Vec<(String, Date, Date)> {
        let on = RecordedOn {
            by_individual,
            by_unit,
        };
        decision_updates(starts, record_created, on, &cal(), rules)
            .into_iter()
            .map(|s| (s.rule.id, s.due, s.done_on))
            .collect()
    }

    #[test]
    fn a_decision_recorded_by_the_person_is_counted_on_the_day_they_sent_it_in() {
        // Lạng Sơn Điều 8 khoản 2: 15 working days from the decision. Mon 02/02/2026: 3–6/02
        // (4), 9–13/02 (9), Tết 14–22/02 off, 23–27/02 (14), Mon 02/03 the 15th.
        let lang_son = preset("lang-son-2023");
        let due = date!(2026 - 03 - 02);
        assert_eq!(cal().add_working_days(date!(2026 - 02 - 02), 15), due);
        let created = date!(2025 - 01 - 06);
        let decided = [date!(2026 - 02 - 02)];
        // Sent in on the due day, verified days later: on time, the person's rule.
        assert_eq!(
            settled(
                &decided,
                created,
                Some(due),
                date!(2026 - 03 - 05),
                &lang_son
            ),
            vec![("lang_son.change_update".to_string(), due, due)]
        );
        // Sent in the day after, verified days later: late by the day it was sent.
        let next = date!(2026 - 03 - 03);
        assert_eq!(
            settled(
                &decided,
                created,
                Some(next),
                date!(2026 - 03 - 06),
                &lang_son
            )[0]
            .2,
            next
        );
        // Entered by the unit, the unit's day counts.
        assert_eq!(
            settled(&decided, created, None, date!(2026 - 02 - 27), &lang_son)[0].2,
            date!(2026 - 02 - 27)
        );
        // Lai Châu Điều 6 khoản 4, the same 15 days.
        assert_eq!(
            settled(
                &decided,
                created,
                Some(next),
                next,
                &preset("lai-chau-2024")
            ),
            vec![("lai_chau.change_update".to_string(), due, next)]
        );
        // No such rule in Đồng Tháp nor in the national preset.
        for name in ["dong-thap-2024", "national"] {
            assert!(settled(&decided, created, Some(next), next, &preset(name)).is_empty());
        }
    }

    #[test]
    fn a_decision_recorded_by_the_unit_counts_the_day_it_reached_the_record() {
        // Đắk Nông Điều 10 khoản 2 điểm c: the unit, 3 working days from the document's effect.
        // Mon 28/04/2025: Tue 29/04 (1); 30/04 and 01/05 holidays, Fri 02/05 swapped off (worked
        // on Sat 26/04, before the start); Mon 05/05 (2), Tue 06/05 (3).
        let dak_nong = preset("dak-nong-2018");
        let start = date!(2025 - 04 - 28);
        let due = cal().add_working_days(start, 3);
        assert_eq!(due, date!(2025 - 05 - 06));
        let created = date!(2024 - 01 - 02);
        // The person sent it in early; the unit wrote it on 07/05: late, the unit's day.
        assert_eq!(
            settled(
                &[start],
                created,
                Some(start),
                date!(2025 - 05 - 07),
                &dak_nong
            ),
            vec![(
                "dak_nong.state_decision_update".to_string(),
                due,
                date!(2025 - 05 - 07)
            )]
        );
        // The rule ended on 30/06/2025: a later decision is not counted under it.
        assert!(
            settled(
                &[date!(2025 - 07 - 01)],
                created,
                None,
                date!(2025 - 07 - 01),
                &dak_nong
            )
            .is_empty()
        );
    }

    #[test]
    fn a_decision_before_the_record_or_the_rule_is_not_counted() {
        let lang_son = preset("lang-son-2023");
        let created = date!(2026 - 03 - 02);
        let late_day = date!(2026 - 09 - 01);
        // Dated before the record existed in Hoso (its history, entered later).
        assert!(
            settled(
                &[date!(2026 - 02 - 27)],
                created,
                Some(late_day),
                late_day,
                &lang_son
            )
            .is_empty()
        );
        // Dated before the regulation took effect (27/12/2023).
        assert!(
            settled(
                &[date!(2023 - 12 - 26)],
                date!(2023 - 01 - 02),
                None,
                late_day,
                &lang_son
            )
            .is_empty()
        );
        // Each decision of a change is its own deadline.
        let two = [date!(2026 - 03 - 02), date!(2026 - 04 - 01)];
        assert_eq!(settled(&two, created, None, late_day, &lang_son).len(), 2);
    }

    /// Every rule of every preset is tracked exactly when something evaluates it: an alert from
    /// these late rules or from the workflow's waiting alerts, for a record where everything
    /// the rule asks for is still undone, or a settled outcome when a decision is recorded.
    #[test]
    fn a_rule_is_tracked_exactly_when_something_evaluates_it() {
        use crate::changes::{Waiting, waiting_alert};
        use crate::deadlines::PRESETS;
        let c = cal();
        for name in PRESETS {
            for rule in RuleSet::preset(name).unwrap().rules() {
                let start = rule.effective_from + time::Duration::days(30);
                let much_later = start + time::Duration::days(400);
                let single = RuleSet::from_rules(vec![rule.clone()]).unwrap();
                let undone = |account_created| RecordTimeline {
                    record_created: Some(start),
                    joined: Some(start),
                    account_created,
                    required_fields_missing: 3,
                    status_events: vec![StatusEvent {
                        event_type: "nghi_huu".into(),
                        decision_date: Some(start),
                        effective_date: start,
                    }],
                    status: Some(PersonStatus::Active),
                    moves: [true, false]
                        .into_iter()
                        .map(|within_agency| MoveEvent {
                            within_agency,
                            effective_date: start,
                            done_on: None,
                        })
                        .collect(),
                    arrival: Some(crossing(start, start)),
                    departure: Some(crossing(start, start)),
                };
                let late = !late_alerts(&undone(None), much_later, &c, &single).is_empty()
                    || !late_alerts(&undone(Some(start)), much_later, &c, &single).is_empty();
                let waiting = [
                    Waiting::Verification {
                        change_id: 1,
                        since: start,
                    },
                    Waiting::Approval { since: start },
                ]
                .into_iter()
                .any(|w| waiting_alert(w, single.rules(), None, much_later, &c).is_some());
                let recorded = RecordedOn {
                    by_individual: Some(much_later),
                    by_unit: much_later,
                };
                let settled = !decision_updates(&[start], start, recorded, &c, &single).is_empty();
                let reported = !crate::periodic_reports::cycles(rule, much_later, &c).is_empty()
                    || !crate::payroll::cycles(rule, much_later, &c).is_empty();
                assert_eq!(
                    rule.is_tracked(),
                    late || waiting || settled || reported,
                    "{name}: {} ({:?} → {})",
                    rule.id,
                    rule.trigger,
                    rule.satisfied_by
                );
            }
        }
    }

    #[test]
    fn the_national_preset_has_no_record_rule_of_this_kind() {
        let mut t = new_hire();
        t.status_events = vec![StatusEvent {
            event_type: "nghi_huu".into(),
            decision_date: None,
            effective_date: date!(2026 - 08 - 01),
        }];
        assert!(dues(&t, date!(2027 - 01 - 01), &preset("national")).is_empty());
    }

    #[test]
    fn a_movement_not_taken_in_time_is_late_until_the_record_moves() {
        // Lai Châu Điều 10 khoản 3: 5 working days from the decision taking effect (Mon
        // 02/11/2026 → Mon 09/11/2026); Điều 10 khoản 2 the same for another department.
        let lai_chau = preset("lai-chau-2024");
        let moving = |within_agency, done_on| RecordTimeline {
            required_fields_missing: 0,
            moves: vec![MoveEvent {
                within_agency,
                effective_date: date!(2026 - 11 - 02),
                done_on,
            }],
            ..new_hire()
        };
        let due = date!(2026 - 11 - 09);
        assert!(
            dues(&moving(false, None), due, &lai_chau).is_empty(),
            "in time on the due day"
        );
        let late = late_alerts(
            &moving(false, None),
            date!(2026 - 11 - 10),
            &cal(),
            &lai_chau,
        );
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].due, due);
        assert!(
            late[0]
                .legal_basis
                .contains("lai_chau.move_to_another_unit")
        );
        assert!(
            late[0].message_vi.contains("đơn vị nhận chưa tiếp nhận"),
            "{}",
            late[0].message_vi
        );
        // Moved (even late): nothing stays overdue.
        assert!(
            dues(
                &moving(false, Some(date!(2026 - 11 - 12))),
                date!(2026 - 12 - 01),
                &lai_chau
            )
            .is_empty()
        );
        let late = late_alerts(
            &moving(true, None),
            date!(2026 - 11 - 10),
            &cal(),
            &lai_chau,
        );
        assert_eq!(late.len(), 1);
        assert!(late[0].legal_basis.contains("lai_chau.move_within_unit"));
        // Đắk Nông Điều 11 khoản 1 (its rules end with the 2025 merger): another department
        // within 2 working days, Mon 04/11/2024 → Wed 06/11/2024.
        let dak_nong = preset("dak-nong-2018");
        let mut earlier = moving(true, None);
        earlier.moves[0].effective_date = date!(2024 - 11 - 04);
        assert!(dues(&earlier, date!(2024 - 11 - 06), &dak_nong).is_empty());
        let late = late_alerts(&earlier, date!(2024 - 11 - 07), &cal(), &dak_nong);
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].due, date!(2024 - 11 - 06));
        assert!(late[0].legal_basis.contains("dak_nong.move_within_unit"));
        // Lạng Sơn states no limit for a move within the province.
        assert!(
            dues(
                &moving(false, None),
                date!(2026 - 12 - 31),
                &preset("lang-son-2023")
            )
            .is_empty()
        );
    }
}
