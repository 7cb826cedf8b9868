//! Regulatory deadlines as configuration: each rule says what starts the clock (`Trigger`), how
//! long it runs (`length` in `unit`), who must act and what event satisfies it, under which
//! legal text and for which period. Presets are embedded TOML files
//! (`data/deadlines/*.toml`); an administrator may override or add rules with the same format.
//!
//! Due dates (rules.md §F5, BLDS 2015 Điều 147–148):
//! - `working_days`: the `length`-th working day after the trigger day
//!   ([`HolidayCalendar::add_working_days`]);
//! - `calendar_days`: trigger day + `length` days; if that is a day off, the next working day;
//! - `months`: the same day `length` months later (the month's last day if it has no such day);
//!   if that is a day off, the next working day;
//! - `month_end`: the last day of the trigger's month + `length` (in `unit`), same shifting;
//! - `last_working_days_of_month`: the window of the last `length` working days of the
//!   trigger's month; due = its last working day ([`DeadlineRule::window_start`] gives the start);
//! - `monthly_day` / `fixed_yearly`: the next such calendar date on or after the trigger day,
//!   not shifted (a named date, not a period); `length` must be 0.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::{Date, Duration, Month};

use crate::calendar::{HolidayCalendar, format_date};

/// What starts the clock of a deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The date of a decision (appointment, salary, discipline…) that changes the record.
    DecisionDate,
    /// A personal account was created.
    AccountCreated,
    /// A person submitted a change request (phiếu bổ sung lý lịch).
    ChangeSubmitted,
    /// A transfer in or out took effect.
    TransferEffective,
    /// The person's status changed (retired, resigned, deceased…).
    StatusChanged,
    /// The record was created.
    RecordCreated,
    /// The person joined the unit (recruited or received).
    PersonJoined,
    /// The end of the trigger's month.
    MonthEnd,
    /// The last `length` working days of the trigger's month.
    LastWorkingDaysOfMonth,
    /// A given day of every month.
    MonthlyDay { day: u8 },
    /// A given date of every year.
    FixedYearly { month: u8, day: u8 },
}

impl Trigger {
    /// Codes of the triggers, as written in TOML.
    pub const CODES: [&'static str; 11] = [
        "decision_date",
        "account_created",
        "change_submitted",
        "transfer_effective",
        "status_changed",
        "record_created",
        "person_joined",
        "month_end",
        "last_working_days_of_month",
        "monthly_day",
        "fixed_yearly",
    ];

    fn is_fixed_date(self) -> bool {
        matches!(
            self,
            Trigger::MonthlyDay { .. } | Trigger::FixedYearly { .. }
        )
    }
}

/// The unit of a deadline's length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    WorkingDays,
    CalendarDays,
    Months,
}

impl Unit {
    fn from_code(code: &str) -> Option<Self> {
        match code {
            "working_days" => Some(Unit::WorkingDays),
            "calendar_days" => Some(Unit::CalendarDays),
            "months" => Some(Unit::Months),
            _ => None,
        }
    }
}

/// One deadline of the regulations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRule {
    pub id: String,
    pub name_vi: String,
    pub trigger: Trigger,
    pub length: i32,
    pub unit: Unit,
    /// Who must act (role code: `ca_nhan`, `don_vi`, `thu_truong`, `so_noi_vu`…).
    pub responsible: String,
    /// The event that satisfies the deadline (`record_created`, `change_approved`…).
    pub satisfied_by: String,
    pub legal_basis: String,
    pub effective_from: Date,
    /// Last day in force (inclusive); `None` = still in force.
    pub effective_to: Option<Date>,
}

/// `date + months`, clamped to the last day of the target month (BLDS Điều 148 khoản 3).
pub fn add_months(date: Date, months: i32) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let year = index.div_euclid(12);
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).expect("1..=12");
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).expect("clamped day exists")
}

fn last_day_of_month(d: Date) -> Date {
    Date::from_calendar_date(d.year(), d.month(), d.month().length(d.year())).expect("exists")
}

impl DeadlineRule {
    /// Whether the rule is in force on `day`.
    pub fn in_force(&self, day: Date) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|to| day <= to)
    }

    fn add_length(&self, from: Date, cal: &HolidayCalendar) -> Date {
        match self.unit {
            Unit::WorkingDays => cal.add_working_days(from, self.length),
            Unit::CalendarDays => {
                cal.working_day_on_or_after(from + Duration::days(i64::from(self.length)))
            }
            Unit::Months => cal.working_day_on_or_after(add_months(from, self.length)),
        }
    }

    /// The due date of this rule for an event on `trigger_date` (see the module documentation).
    pub fn due_date(&self, trigger_date: Date, cal: &HolidayCalendar) -> Date {
        match self.trigger {
            Trigger::MonthEnd => self.add_length(last_day_of_month(trigger_date), cal),
            Trigger::LastWorkingDaysOfMonth => cal
                .last_working_days_of_month(trigger_date.year(), trigger_date.month(), 1)
                .first()
                .copied()
                .unwrap_or_else(|| last_day_of_month(trigger_date)),
            Trigger::MonthlyDay { day } => {
                let this = add_months(trigger_date.replace_day(1).expect("day 1"), 0);
                let at = |m: Date| {
                    m.replace_day(day.min(m.month().length(m.year())))
                        .expect("clamped")
                };
                let candidate = at(this);
                if candidate >= trigger_date {
                    candidate
                } else {
                    at(add_months(this, 1))
                }
            }
            Trigger::FixedYearly { month, day } => {
                let at = |year: i32| {
                    let m = Month::try_from(month).expect("validated");
                    Date::from_calendar_date(year, m, day.min(m.length(year))).expect("clamped")
                };
                let candidate = at(trigger_date.year());
                if candidate >= trigger_date {
                    candidate
                } else {
                    at(trigger_date.year() + 1)
                }
            }
            _ => self.add_length(trigger_date, cal),
        }
    }

    /// For `last_working_days_of_month`: the first day of the window in the trigger's month.
    /// For other triggers: the trigger date.
    pub fn window_start(&self, trigger_date: Date, cal: &HolidayCalendar) -> Date {
        match self.trigger {
            Trigger::LastWorkingDaysOfMonth => cal
                .last_working_days_of_month(
                    trigger_date.year(),
                    trigger_date.month(),
                    self.length.max(1) as usize,
                )
                .first()
                .copied()
                .unwrap_or(trigger_date),
            _ => trigger_date,
        }
    }
}

/// Why a rule file was refused. Messages name the rule (its id, or its position).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RuleError {
    #[error("Tệp quy tắc thời hạn không đúng cú pháp TOML: {0}")]
    Syntax(String),
    #[error("Quy tắc «{id}»: thiếu trường «{field}»")]
    MissingField { id: String, field: &'static str },
    #[error("Quy tắc «{id}»: độ dài thời hạn {length} âm")]
    NegativeLength { id: String, length: i64 },
    #[error("Quy tắc «{id}»: sự kiện bắt đầu «{value}» không xác định (chấp nhận: {allowed})")]
    UnknownTrigger {
        id: String,
        value: String,
        allowed: String,
    },
    #[error(
        "Quy tắc «{id}»: đơn vị «{value}» không xác định (chấp nhận: working_days, calendar_days, months)"
    )]
    UnknownUnit { id: String, value: String },
    #[error("Quy tắc «{id}»: ngày/tháng cố định không hợp lệ ({detail})")]
    InvalidFixedDate { id: String, detail: String },
    #[error("Quy tắc «{id}»: thời hạn theo ngày cố định phải có length = 0, đang là {length}")]
    LengthOnFixedDate { id: String, length: i64 },
    #[error("Quy tắc «{id}»: trường «{field}» có ngày «{value}» không hợp lệ (cần yyyy-mm-dd)")]
    InvalidDate {
        id: String,
        field: &'static str,
        value: String,
    },
    #[error("Quy tắc «{id}»: ngày hết hiệu lực {to} trước ngày bắt đầu hiệu lực {from}")]
    EffectiveRange {
        id: String,
        from: String,
        to: String,
    },
    #[error("Mã quy tắc «{id}» bị trùng")]
    DuplicateId { id: String },
    #[error(
        "Không có bộ quy tắc mẫu «{0}» (có: national, lang-son-2023, lai-chau-2024, dak-nong-2018, dong-thap-2024)"
    )]
    UnknownPreset(String),
}

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Deserialize)]
struct RawRule {
    id: Option<String>,
    name_vi: Option<String>,
    trigger: Option<String>,
    month: Option<i64>,
    day: Option<i64>,
    length: Option<i64>,
    unit: Option<String>,
    responsible: Option<String>,
    satisfied_by: Option<String>,
    legal_basis: Option<String>,
    effective_from: Option<toml::Value>,
    effective_to: Option<toml::Value>,
}

fn parse_date(id: &str, field: &'static str, v: &toml::Value) -> Result<Date, RuleError> {
    let text = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => other.to_string(),
    };
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(&text, fmt).map_err(|_| RuleError::InvalidDate {
        id: id.to_string(),
        field,
        value: text,
    })
}

impl RawRule {
    fn into_rule(self, position: usize) -> Result<DeadlineRule, RuleError> {
        let id = match self.id {
            Some(id) if !id.trim().is_empty() => id,
            _ => {
                return Err(RuleError::MissingField {
                    id: format!("#{position}"),
                    field: "id",
                });
            }
        };
        let missing = |field| RuleError::MissingField {
            id: id.clone(),
            field,
        };
        let name_vi = self.name_vi.ok_or_else(|| missing("name_vi"))?;
        let trigger_code = self.trigger.ok_or_else(|| missing("trigger"))?;
        let length = self.length.ok_or_else(|| missing("length"))?;
        let unit_code = self.unit.ok_or_else(|| missing("unit"))?;
        let responsible = self.responsible.ok_or_else(|| missing("responsible"))?;
        let satisfied_by = self.satisfied_by.ok_or_else(|| missing("satisfied_by"))?;
        let legal_basis = self.legal_basis.ok_or_else(|| missing("legal_basis"))?;
        let from = self
            .effective_from
            .ok_or_else(|| missing("effective_from"))?;
        let effective_from = parse_date(&id, "effective_from", &from)?;
        let effective_to = self
            .effective_to
            .map(|v| parse_date(&id, "effective_to", &v))
            .transpose()?;
        let fixed = |detail: String| RuleError::InvalidFixedDate {
            id: id.clone(),
            detail,
        };
        let day = || -> Result<u8, RuleError> {
            match self.day {
                Some(d @ 1..=31) => Ok(d as u8),
                Some(d) => Err(fixed(format!("day = {d}"))),
                None => Err(missing("day")),
            }
        };
        let trigger = match trigger_code.as_str() {
            "decision_date" => Trigger::DecisionDate,
            "account_created" => Trigger::AccountCreated,
            "change_submitted" => Trigger::ChangeSubmitted,
            "transfer_effective" => Trigger::TransferEffective,
            "status_changed" => Trigger::StatusChanged,
            "record_created" => Trigger::RecordCreated,
            "person_joined" => Trigger::PersonJoined,
            "month_end" => Trigger::MonthEnd,
            "last_working_days_of_month" => Trigger::LastWorkingDaysOfMonth,
            "monthly_day" => Trigger::MonthlyDay { day: day()? },
            "fixed_yearly" => {
                let month = match self.month {
                    Some(m @ 1..=12) => m as u8,
                    Some(m) => return Err(fixed(format!("month = {m}"))),
                    None => return Err(missing("month")),
                };
                let day = day()?;
                let m = Month::try_from(month).expect("1..=12");
                // 29/02 is allowed (clamped to 28/02 in common years).
                if u16::from(day) > u16::from(m.length(2024)) {
                    return Err(fixed(format!("{day}/{month}")));
                }
                Trigger::FixedYearly { month, day }
            }
            other => {
                return Err(RuleError::UnknownTrigger {
                    id,
                    value: other.to_string(),
                    allowed: Trigger::CODES.join(", "),
                });
            }
        };
        if length < 0 {
            return Err(RuleError::NegativeLength { id, length });
        }
        if trigger.is_fixed_date() && length != 0 {
            return Err(RuleError::LengthOnFixedDate { id, length });
        }
        let length = i32::try_from(length).map_err(|_| RuleError::NegativeLength {
            id: id.clone(),
            length,
        })?;
        let unit = Unit::from_code(&unit_code).ok_or_else(|| RuleError::UnknownUnit {
            id: id.clone(),
            value: unit_code.clone(),
        })?;
        if let Some(to) = effective_to
            && to < effective_from
        {
            return Err(RuleError::EffectiveRange {
                id,
                from: format_date(effective_from),
                to: format_date(to),
            });
        }
        Ok(DeadlineRule {
            id,
            name_vi,
            trigger,
            length,
            unit,
            responsible,
            satisfied_by,
            legal_basis,
            effective_from,
            effective_to,
        })
    }
}

/// A set of deadline rules with unique ids.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    rules: Vec<DeadlineRule>,
}

/// Names of the embedded presets.
pub const PRESETS: [&str; 5] = [
    "national",
    "lang-son-2023",
    "lai-chau-2024",
    "dak-nong-2018",
    "dong-thap-2024",
];

fn preset_text(name: &str) -> Option<&'static str> {
    Some(match name {
        "national" => include_str!("../data/deadlines/national.toml"),
        "lang-son-2023" => include_str!("../data/deadlines/lang-son-2023.toml"),
        "lai-chau-2024" => include_str!("../data/deadlines/lai-chau-2024.toml"),
        "dak-nong-2018" => include_str!("../data/deadlines/dak-nong-2018.toml"),
        "dong-thap-2024" => include_str!("../data/deadlines/dong-thap-2024.toml"),
        _ => return None,
    })
}

impl RuleSet {
    /// Parses rules written as `[[rule]]` tables (see `data/deadlines/national.toml`).
    pub fn parse_toml(text: &str) -> Result<RuleSet, RuleError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| RuleError::Syntax(e.to_string()))?;
        let mut seen = BTreeSet::new();
        let mut rules = Vec::with_capacity(raw.rule.len());
        for (i, r) in raw.rule.into_iter().enumerate() {
            let rule = r.into_rule(i + 1)?;
            if !seen.insert(rule.id.clone()) {
                return Err(RuleError::DuplicateId { id: rule.id });
            }
            rules.push(rule);
        }
        Ok(RuleSet { rules })
    }

    /// An embedded preset. `national` holds the central rules; a provincial preset is the
    /// national rules plus (overridden by) the province's own.
    pub fn preset(name: &str) -> Result<RuleSet, RuleError> {
        let text = preset_text(name).ok_or_else(|| RuleError::UnknownPreset(name.to_string()))?;
        let own = Self::parse_toml(text)?;
        if name == "national" {
            Ok(own)
        } else {
            Ok(Self::preset("national")?.with_overrides(own))
        }
    }

    /// This set with `overrides` applied: a rule with the same id replaces the existing one
    /// (keeping its position), new ids are appended.
    pub fn with_overrides(&self, overrides: RuleSet) -> RuleSet {
        let mut rules = self.rules.clone();
        for o in overrides.rules {
            match rules.iter_mut().find(|r| r.id == o.id) {
                Some(r) => *r = o,
                None => rules.push(o),
            }
        }
        RuleSet { rules }
    }

    pub fn rules(&self) -> &[DeadlineRule] {
        &self.rules
    }

    pub fn get(&self, id: &str) -> Option<&DeadlineRule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The rules in force on `day`.
    pub fn in_force(&self, day: Date) -> impl Iterator<Item = &DeadlineRule> {
        self.rules.iter().filter(move |r| r.in_force(day))
    }

    /// The rules in force on `day` that a `trigger` event starts.
    pub fn for_trigger(&self, trigger: Trigger, day: Date) -> impl Iterator<Item = &DeadlineRule> {
        self.in_force(day).filter(move |r| r.trigger == trigger)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn cal() -> HolidayCalendar {
        HolidayCalendar::embedded()
    }

    #[test]
    fn every_preset_parses() {
        for name in PRESETS {
            let set = RuleSet::preset(name).unwrap();
            assert!(!set.rules().is_empty(), "{name}");
            // Provincial presets include the national rules.
            assert!(set.get("nd27.first_declaration").is_some(), "{name}");
        }
        assert_eq!(
            RuleSet::preset("ha-noi"),
            Err(RuleError::UnknownPreset("ha-noi".into()))
        );
    }

    #[test]
    fn national_rules() {
        let set = RuleSet::preset("national").unwrap();
        let first = set.get("nd27.first_declaration").unwrap();
        // Account created Thu 13/08/2026 → 14/08, 17/08, 18/08 (3 working days).
        assert_eq!(
            first.due_date(date!(2026 - 08 - 13), &cal()),
            date!(2026 - 08 - 18)
        );
        // Created Fri 28/08/2026 → 31/08 swap day off, 01–02/09 Quốc khánh → 03, 04, 07/09.
        assert_eq!(
            first.due_date(date!(2026 - 08 - 28), &cal()),
            date!(2026 - 09 - 07)
        );
        // NĐ 27/2026 is in force from 01/7/2026 only.
        assert!(!first.in_force(date!(2026 - 06 - 30)));
        assert!(first.in_force(date!(2026 - 07 - 01)));
        assert_eq!(set.in_force(date!(2026 - 06 - 30)).count(), 1);
        assert_eq!(
            set.for_trigger(Trigger::DecisionDate, date!(2026 - 07 - 01))
                .count(),
            1
        );
    }

    #[test]
    fn lang_son_rules() {
        let set = RuleSet::preset("lang-son-2023").unwrap();
        let c = cal();
        // New record within 30 working days of joining on Mon 02/02/2026: February has the
        // Tết break 14–22/02 → 03/02..13/02 = 9, 23/02..27/02 = 5 (14), March 2..20 = 15 (29),
        // 23/03 = 30th.
        let r = set.get("lang_son.new_record").unwrap();
        assert_eq!(r.due_date(date!(2026 - 02 - 02), &c), date!(2026 - 03 - 23));
        // Transfer out within 5 working days from Thu 23/04/2026 → 05/05/2026 (rules.md §F5).
        let r = set.get("lang_son.transfer_out").unwrap();
        assert_eq!(r.due_date(date!(2026 - 04 - 23), &c), date!(2026 - 05 - 05));
        // Changes within 15 working days from Mon 05/01/2026: 06–09/01 (4), 10/01 swap Sat (5),
        // 12–16/01 (10), 19–23/01 (15).
        let r = set.get("lang_son.change_update").unwrap();
        assert_eq!(r.due_date(date!(2026 - 01 - 05), &c), date!(2026 - 01 - 23));
        // Monthly approval: last 5 working days of April 2026 = 22–29/4 (27/4 compensatory).
        let r = set.get("lang_son.monthly_approval").unwrap();
        assert_eq!(
            r.window_start(date!(2026 - 04 - 02), &c),
            date!(2026 - 04 - 22)
        );
        assert_eq!(r.due_date(date!(2026 - 04 - 02), &c), date!(2026 - 04 - 29));
        // Annual reports: 15/01 and 25/01 of the next year.
        let r = set.get("lang_son.annual_report_unit").unwrap();
        assert_eq!(r.due_date(date!(2026 - 12 - 20), &c), date!(2027 - 01 - 15));
        assert_eq!(r.due_date(date!(2027 - 01 - 15), &c), date!(2027 - 01 - 15));
        let r = set.get("lang_son.annual_report_province").unwrap();
        assert_eq!(r.due_date(date!(2026 - 12 - 20), &c), date!(2027 - 01 - 25));
    }

    #[test]
    fn lai_chau_rules() {
        let set = RuleSet::preset("lai-chau-2024").unwrap();
        let c = cal();
        // Joined Wed 11/02/2026: account by 5 working days → 12, 13, 23, 24, 25/02.
        let account = set.get("lai_chau.account").unwrap();
        let created = account.due_date(date!(2026 - 02 - 11), &c);
        assert_eq!(created, date!(2026 - 02 - 25));
        // Data 5 more working days after the account → 26, 27/02, 02, 03, 04/03.
        let data = set.get("lai_chau.data").unwrap();
        assert_eq!(data.due_date(created, &c), date!(2026 - 03 - 04));
        // Status changes within 10 working days from Tue 25/08/2026: 26, 27, 28/08, [31/08,
        // 01–02/09 off], 03, 04, 07, 08, 09, 10, 11/09.
        let r = set.get("lai_chau.status_change").unwrap();
        assert_eq!(r.due_date(date!(2026 - 08 - 25), &c), date!(2026 - 09 - 11));
        // Unit check before the 25th: on 10/03/2026 → 24/03; on 25/03 → 24/04.
        let r = set.get("lai_chau.unit_check").unwrap();
        assert_eq!(r.due_date(date!(2026 - 03 - 10), &c), date!(2026 - 03 - 24));
        assert_eq!(r.due_date(date!(2026 - 03 - 25), &c), date!(2026 - 04 - 24));
        let r = set.get("lai_chau.annual_report_province").unwrap();
        assert_eq!(r.due_date(date!(2027 - 01 - 02), &c), date!(2027 - 01 - 31));
    }

    #[test]
    fn dak_nong_and_dong_thap() {
        let c = cal();
        let set = RuleSet::preset("dak-nong-2018").unwrap();
        let r = set.get("dak_nong.status_change").unwrap();
        // Fri 07/02/2025 + 5 → 10–14/02/2025.
        assert_eq!(r.due_date(date!(2025 - 02 - 07), &c), date!(2025 - 02 - 14));
        assert!(r.in_force(date!(2025 - 06 - 30)));
        assert!(
            !r.in_force(date!(2025 - 07 - 01)),
            "Đắk Nông merged into Lâm Đồng"
        );
        let set = RuleSet::preset("dong-thap-2024").unwrap();
        // Approval window of January 2025 (Tết 27–31/01): 20–24/01.
        let r = set.get("dong_thap.monthly_approval").unwrap();
        assert_eq!(
            r.window_start(date!(2025 - 01 - 06), &c),
            date!(2025 - 01 - 20)
        );
        assert_eq!(r.due_date(date!(2025 - 01 - 06), &c), date!(2025 - 01 - 24));
    }

    fn rule(body: &str) -> String {
        format!(
            "[[rule]]\nid = \"x\"\nname_vi = \"X\"\nresponsible = \"don_vi\"\nsatisfied_by = \"done\"\nlegal_basis = \"L\"\n{body}"
        )
    }

    #[test]
    fn units_and_month_arithmetic() {
        let c = cal();
        let calendar_days = RuleSet::parse_toml(&rule(
            "trigger = \"decision_date\"\nlength = 30\nunit = \"calendar_days\"\neffective_from = 2020-01-01",
        ))
        .unwrap();
        // rules.md §F5: 30 days from 20/01/2026 → 19/02 (Tết) → 23/02/2026.
        assert_eq!(
            calendar_days.rules()[0].due_date(date!(2026 - 01 - 20), &c),
            date!(2026 - 02 - 23)
        );
        let months = RuleSet::parse_toml(&rule(
            "trigger = \"decision_date\"\nlength = 1\nunit = \"months\"\neffective_from = \"2020-01-01\"",
        ))
        .unwrap();
        // 31/01/2024 + 1 month → 29/02/2024 (leap, Thu).
        assert_eq!(
            months.rules()[0].due_date(date!(2024 - 01 - 31), &c),
            date!(2024 - 02 - 29)
        );
        // 31/01/2026 + 1 month → 28/02/2026 (Sat) → Mon 02/03/2026.
        assert_eq!(
            months.rules()[0].due_date(date!(2026 - 01 - 31), &c),
            date!(2026 - 03 - 02)
        );
        let month_end = RuleSet::parse_toml(&rule(
            "trigger = \"month_end\"\nlength = 5\nunit = \"working_days\"\neffective_from = 2020-01-01",
        ))
        .unwrap();
        // Events of January 2026 → 5 working days after 31/01: 02–06/02/2026.
        assert_eq!(
            month_end.rules()[0].due_date(date!(2026 - 01 - 09), &c),
            date!(2026 - 02 - 06)
        );
        assert_eq!(add_months(date!(2024 - 02 - 29), 12), date!(2025 - 02 - 28));
        assert_eq!(add_months(date!(2024 - 02 - 29), -1), date!(2024 - 01 - 29));
    }

    #[test]
    fn parse_refuses_bad_rules_naming_them() {
        let base =
            "trigger = \"decision_date\"\nunit = \"working_days\"\neffective_from = 2024-01-01\n";
        assert_eq!(
            RuleSet::parse_toml(&rule(&format!("{base}length = -3"))),
            Err(RuleError::NegativeLength {
                id: "x".into(),
                length: -3
            })
        );
        let err = RuleSet::parse_toml(&rule(
            "trigger = \"when_i_feel_like_it\"\nlength = 3\nunit = \"working_days\"\neffective_from = 2024-01-01",
        ))
        .unwrap_err();
        assert!(
            matches!(&err, RuleError::UnknownTrigger { id, value, .. } if id == "x" && value == "when_i_feel_like_it")
        );
        assert!(
            err.to_string().starts_with("Quy tắc «x»: sự kiện bắt đầu"),
            "{err}"
        );
        assert_eq!(
            RuleSet::parse_toml(&rule(
                "trigger = \"decision_date\"\nlength = 3\nunit = \"weeks\"\neffective_from = 2024-01-01"
            )),
            Err(RuleError::UnknownUnit {
                id: "x".into(),
                value: "weeks".into()
            })
        );
        let twice = format!(
            "{}\n{}",
            rule(&format!("{base}length = 3")),
            rule(&format!("{base}length = 4"))
        );
        assert_eq!(
            RuleSet::parse_toml(&twice),
            Err(RuleError::DuplicateId { id: "x".into() })
        );
        assert_eq!(
            RuleSet::parse_toml(&rule(&format!(
                "{base}length = 3\neffective_to = 2023-12-31"
            ))),
            Err(RuleError::EffectiveRange {
                id: "x".into(),
                from: "01/01/2024".into(),
                to: "31/12/2023".into()
            })
        );
        assert_eq!(
            RuleSet::parse_toml(&rule(
                "trigger = \"decision_date\"\nlength = 3\nunit = \"working_days\"\neffective_from = \"2024-02-30\""
            )),
            Err(RuleError::InvalidDate {
                id: "x".into(),
                field: "effective_from",
                value: "2024-02-30".into()
            })
        );
        assert_eq!(
            RuleSet::parse_toml(&rule(
                "trigger = \"fixed_yearly\"\nmonth = 2\nday = 30\nlength = 0\nunit = \"calendar_days\"\neffective_from = 2024-01-01"
            )),
            Err(RuleError::InvalidFixedDate {
                id: "x".into(),
                detail: "30/2".into()
            })
        );
        assert_eq!(
            RuleSet::parse_toml(&rule(
                "trigger = \"fixed_yearly\"\nmonth = 1\nday = 15\nlength = 2\nunit = \"calendar_days\"\neffective_from = 2024-01-01"
            )),
            Err(RuleError::LengthOnFixedDate {
                id: "x".into(),
                length: 2
            })
        );
        assert_eq!(
            RuleSet::parse_toml(&rule(
                "trigger = \"decision_date\"\nunit = \"working_days\"\neffective_from = 2024-01-01"
            )),
            Err(RuleError::MissingField {
                id: "x".into(),
                field: "length"
            })
        );
        assert_eq!(
            RuleSet::parse_toml("[[rule]]\nname_vi = \"X\""),
            Err(RuleError::MissingField {
                id: "#1".into(),
                field: "id"
            })
        );
        assert!(matches!(
            RuleSet::parse_toml("[[rule]\n"),
            Err(RuleError::Syntax(_))
        ));
    }

    #[test]
    fn overrides_replace_by_id_and_add() {
        let national = RuleSet::preset("national").unwrap();
        let custom = RuleSet::parse_toml(
            "[[rule]]\nid = \"nd27.first_declaration\"\nname_vi = \"Kê khai lần đầu (quy chế tỉnh: 2 ngày)\"\ntrigger = \"account_created\"\nlength = 2\nunit = \"working_days\"\nresponsible = \"ca_nhan\"\nsatisfied_by = \"first_declaration_submitted\"\nlegal_basis = \"Quy chế tỉnh\"\neffective_from = 2026-07-01\n\n[[rule]]\nid = \"tinh.new\"\nname_vi = \"Mới\"\ntrigger = \"record_created\"\nlength = 1\nunit = \"working_days\"\nresponsible = \"don_vi\"\nsatisfied_by = \"x\"\nlegal_basis = \"Quy chế tỉnh\"\neffective_from = 2026-07-01\n",
        )
        .unwrap();
        let merged = national.with_overrides(custom);
        assert_eq!(merged.rules().len(), national.rules().len() + 1);
        assert_eq!(merged.rules()[0].length, 2);
        assert_eq!(merged.rules()[0].id, "nd27.first_declaration");
        assert!(merged.get("tinh.new").is_some());
    }
}
