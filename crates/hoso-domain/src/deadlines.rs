//! Regulatory deadlines as configuration: each rule says what starts the clock (`Trigger`), how
//! long it runs (`length` in `unit`), who must act and what event satisfies it, under which
//! legal text and for which period. Presets are embedded TOML files
//! (`data/deadlines/*.toml`, with `EXPECTED.tsv` beside them listing every rule and its
//! article); an administrator may override or add rules with the same format.
//!
//! Due dates (rules.md §F5, BLDS 2015 Điều 147–148):
//! - `working_days`: the `length`-th working day after the trigger day
//!   ([`HolidayCalendar::add_working_days`]);
//! - `calendar_days`: trigger day + `length` days; if that is a day off, the next working day;
//! - `months`: the same day `length` months later (the month's last day if it has no such day);
//!   if that is a day off, the next working day;
//! - `month_end`: the last day of the trigger's month + `length` (in `unit`), same shifting;
//! - `last_working_days_of_month` / `last_days_of_month`: the window of the last `length`
//!   working / calendar days of the trigger's month; due = its last day
//!   ([`DeadlineRule::window_start`] gives the start). A calendar window is not shifted: moving
//!   its end past a day off would leave the month the text names;
//! - `monthly_day` ("chậm nhất / vào ngày D hằng tháng"), `fixed_yearly` ("chậm nhất ngày
//!   D/M hằng năm") and `monthly_window` ("từ ngày A đến ngày D hằng tháng"): the named day of
//!   the first cycle still open on the trigger day; a named day that is a day off moves to the
//!   next working day, as the last day of any period does (BLDS Điều 148 khoản 5);
//! - `monthly_before_day` / `yearly_before_date` ("trước ngày D"): the last working day before
//!   the named day — the text asks for it to be done before, so it never moves later.
//!
//! The named-day kinds take `length = 0`: their time limit is the date itself.
//!
//! Not every kind can be evaluated yet: [`DeadlineRule::tracking`] says whether Hoso raises
//! and clears an alert for a rule, and if not, why — such a rule must be shown as
//! [`NOT_YET_TRACKED_VI`], never as in force.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::{Date, Duration, Month};

use crate::calendar::{HolidayCalendar, format_date};

/// What starts the clock of a deadline. For an event, the day the regulation counts from is
/// the event's day (the text of each rule's `name_vi` says which day that is).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The date of a decision (appointment, salary, discipline…) that changes the record, or
    /// the day its document takes effect.
    DecisionDate,
    /// A personal account was created.
    AccountCreated,
    /// A person submitted a change request (phiếu bổ sung lý lịch).
    ChangeSubmitted,
    /// A submitted change request that the HR officer found needs checking or more papers;
    /// the clock still runs from its submission.
    ChangeSubmittedNeedingChecks,
    /// The person handed in their paper declaration (e.g. Mẫu eCBCCVC-BNV/2016).
    DeclarationSubmitted,
    /// A transfer in or out took effect.
    TransferEffective,
    /// The person was moved to another department of the same unit (document in effect).
    MovedWithinUnit,
    /// The person was moved to another agency or unit of the province (document in effect).
    MovedToAnotherUnit,
    /// The record of a person moved to this agency arrived in the software.
    TransferredRecordReceived,
    /// The person was received from outside the province's records: another province, a
    /// ministry, or the Party and mass-organisation bloc.
    ReceivedFromOutside,
    /// The person was transferred out of the province's records: to another province, a
    /// ministry, or the Party and mass-organisation bloc.
    TransferredOutside,
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
    /// The last `length` calendar days of the trigger's month.
    LastDaysOfMonth,
    /// By (or on) a given day of every month.
    MonthlyDay { day: u8 },
    /// Before a given day of every month.
    MonthlyBeforeDay { day: u8 },
    /// From one day to another of every month.
    MonthlyWindow { from_day: u8, to_day: u8 },
    /// By (or on) a given date of every year.
    FixedYearly { month: u8, day: u8 },
    /// Before a given date of every year.
    YearlyBeforeDate { month: u8, day: u8 },
}

impl Trigger {
    /// Codes of the triggers, as written in TOML.
    pub const CODES: [&'static str; 22] = [
        "decision_date",
        "account_created",
        "change_submitted",
        "change_submitted_needing_checks",
        "declaration_submitted",
        "transfer_effective",
        "moved_within_unit",
        "moved_to_another_unit",
        "transferred_record_received",
        "received_from_outside",
        "transferred_outside",
        "status_changed",
        "record_created",
        "person_joined",
        "month_end",
        "last_working_days_of_month",
        "last_days_of_month",
        "monthly_day",
        "monthly_before_day",
        "monthly_window",
        "fixed_yearly",
        "yearly_before_date",
    ];

    /// The code of this trigger, as written in TOML.
    pub fn code(self) -> &'static str {
        match self {
            Trigger::DecisionDate => "decision_date",
            Trigger::AccountCreated => "account_created",
            Trigger::ChangeSubmitted => "change_submitted",
            Trigger::ChangeSubmittedNeedingChecks => "change_submitted_needing_checks",
            Trigger::DeclarationSubmitted => "declaration_submitted",
            Trigger::TransferEffective => "transfer_effective",
            Trigger::MovedWithinUnit => "moved_within_unit",
            Trigger::MovedToAnotherUnit => "moved_to_another_unit",
            Trigger::TransferredRecordReceived => "transferred_record_received",
            Trigger::ReceivedFromOutside => "received_from_outside",
            Trigger::TransferredOutside => "transferred_outside",
            Trigger::StatusChanged => "status_changed",
            Trigger::RecordCreated => "record_created",
            Trigger::PersonJoined => "person_joined",
            Trigger::MonthEnd => "month_end",
            Trigger::LastWorkingDaysOfMonth => "last_working_days_of_month",
            Trigger::LastDaysOfMonth => "last_days_of_month",
            Trigger::MonthlyDay { .. } => "monthly_day",
            Trigger::MonthlyBeforeDay { .. } => "monthly_before_day",
            Trigger::MonthlyWindow { .. } => "monthly_window",
            Trigger::FixedYearly { .. } => "fixed_yearly",
            Trigger::YearlyBeforeDate { .. } => "yearly_before_date",
        }
    }

    /// Kinds whose time limit is a named day, so their `length` must be 0.
    fn is_named_day(self) -> bool {
        matches!(
            self,
            Trigger::MonthlyDay { .. }
                | Trigger::MonthlyBeforeDay { .. }
                | Trigger::MonthlyWindow { .. }
                | Trigger::FixedYearly { .. }
                | Trigger::YearlyBeforeDate { .. }
        )
    }

    /// The month-end windows in which a month's changes are approved.
    pub fn is_month_end_window(self) -> bool {
        matches!(
            self,
            Trigger::LastWorkingDaysOfMonth | Trigger::LastDaysOfMonth
        )
    }

    /// Why Hoso cannot see this event yet; `None` for the events it records (and for the
    /// calendar kinds, which need no event to start).
    fn unrecorded_reason_vi(self) -> Option<&'static str> {
        Some(match self {
            Trigger::ChangeSubmittedNeedingChecks => {
                "Hoso chưa có thao tác đánh dấu phiếu bổ sung lý lịch cần xác minh, bổ sung giấy tờ"
            }
            Trigger::DeclarationSubmitted => "Hoso chưa ghi nhận ngày cá nhân nộp bản kê khai giấy",
            Trigger::TransferEffective | Trigger::TransferredRecordReceived => {
                "Hoso chưa ghi nhận bước đơn vị tiếp nhận chuyển tiếp hồ sơ đến đơn vị trực tiếp sử dụng (quy trình điều chuyển của Hoso chuyển hồ sơ thẳng đến đơn vị nhận)"
            }
            Trigger::DecisionDate
            | Trigger::ReceivedFromOutside
            | Trigger::TransferredOutside
            | Trigger::AccountCreated
            | Trigger::MovedWithinUnit
            | Trigger::MovedToAnotherUnit
            | Trigger::ChangeSubmitted
            | Trigger::StatusChanged
            | Trigger::RecordCreated
            | Trigger::PersonJoined
            | Trigger::MonthEnd
            | Trigger::LastWorkingDaysOfMonth
            | Trigger::LastDaysOfMonth
            | Trigger::MonthlyDay { .. }
            | Trigger::MonthlyBeforeDay { .. }
            | Trigger::MonthlyWindow { .. }
            | Trigger::FixedYearly { .. }
            | Trigger::YearlyBeforeDate { .. } => return None,
        })
    }
}

/// Why Hoso cannot see that what a rule asks for was done.
fn unrecorded_satisfaction_reason_vi(satisfied_by: &str) -> String {
    match satisfied_by {
        "month_verified" => {
            "Hoso chưa ghi nhận việc đơn vị kiểm tra, xác thực dữ liệu của tháng".to_string()
        }
        "annual_report_submitted" | "report_submitted" => {
            "Hoso chưa lập và chưa ghi nhận việc gửi báo cáo định kỳ".to_string()
        }
        "province_data_signed" => {
            "Hoso chưa có bước Sở Nội vụ ký số dữ liệu của tỉnh sau phê duyệt của đơn vị"
                .to_string()
        }
        "first_declaration_submitted" => {
            "Hoso chưa phân biệt lần kê khai đầu tiên của cá nhân với các đề nghị sau".to_string()
        }
        "national_db_synced"
        | "data_synced_from_national_db"
        | "account_created_and_data_synced" => {
            "Hoso chưa kết nối, đồng bộ với Cơ sở dữ liệu quốc gia về CBCCVC".to_string()
        }
        other => format!("Hoso chưa ghi nhận sự kiện «{other}» để biết thời hạn đã được đáp ứng"),
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

    fn code(self) -> &'static str {
        match self {
            Unit::WorkingDays => "working_days",
            Unit::CalendarDays => "calendar_days",
            Unit::Months => "months",
        }
    }

    fn label_vi(self) -> &'static str {
        match self {
            Unit::WorkingDays => "ngày làm việc",
            Unit::CalendarDays => "ngày",
            Unit::Months => "tháng",
        }
    }
}

/// How a rule that is not yet evaluated is labelled wherever rules are listed.
pub const NOT_YET_TRACKED_VI: &str = "chưa theo dõi được";

/// Whether Hoso evaluates a rule: raises an alert when it is missed and clears it when what
/// satisfies it happens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Tracking {
    /// Evaluated by [`crate::late::late_alerts`] or [`crate::changes::waiting_alert`].
    Tracked,
    /// Declared by the regulation, but Hoso does not yet record the events it needs.
    NotYetTracked { reason_vi: String },
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
    /// The event that satisfies the deadline (`record_created`, `change_verified`…).
    pub satisfied_by: String,
    pub legal_basis: String,
    pub effective_from: Date,
    /// Last day in force (inclusive); `None` = still in force.
    pub effective_to: Option<Date>,
    /// The id of a rule this one takes the place of when merged over it — a province's own
    /// limit replacing a Hoso default for the same duty.
    #[serde(default)]
    pub replaces: Option<String>,
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

fn first_day_of_month(d: Date) -> Date {
    d.replace_day(1).expect("day 1 exists")
}

/// Day `day` of the month of `month_start`, clamped to the month's last day (a "ngày 31"
/// falls on 30/4, 28/2…).
fn day_of_month(month_start: Date, day: u8) -> Date {
    let length = month_start.month().length(month_start.year());
    month_start.replace_day(day.min(length)).expect("clamped")
}

/// `day`/`month` of `year`, 29/02 clamped to 28/02 in common years.
fn date_of_year(year: i32, month: u8, day: u8) -> Date {
    let m = Month::try_from(month).expect("validated 1..=12");
    Date::from_calendar_date(year, m, day.min(m.length(year))).expect("clamped")
}

/// The last working day strictly before `d` ("trước ngày d").
fn working_day_before(d: Date, cal: &HolidayCalendar) -> Date {
    cal.working_day_on_or_before(d - Duration::days(1))
}

/// For a deadline that recurs every month: the month (its first day) of the first cycle whose
/// due date, computed by `due_in`, has not passed on `from`. The previous month is looked at
/// too, because its due date may have moved into this month past a day off.
fn open_monthly_cycle(from: Date, due_in: impl Fn(Date) -> Date) -> Date {
    let this = first_day_of_month(from);
    [add_months(this, -1), this, add_months(this, 1)]
        .into_iter()
        .find(|m| due_in(*m) >= from)
        .expect("next month's due date is after the trigger")
}

/// The same for a deadline that recurs every year: the year of the first open cycle.
fn open_yearly_cycle(from: Date, due_in: impl Fn(i32) -> Date) -> i32 {
    let y = from.year();
    [y - 1, y, y + 1]
        .into_iter()
        .find(|y| due_in(*y) >= from)
        .expect("next year's due date is after the trigger")
}

impl DeadlineRule {
    /// Who must act, as a person reads it.
    pub fn responsible_vi(&self) -> &str {
        match self.responsible.as_str() {
            "ca_nhan" => "Cá nhân",
            "don_vi" => "Cơ quan, đơn vị quản lý hồ sơ",
            "don_vi_tiep_nhan" => "Cơ quan, đơn vị tiếp nhận",
            "thu_truong" => "Thủ trưởng cơ quan, đơn vị",
            "co_quan_quan_ly_cap_tren" => "Cơ quan quản lý cấp trên",
            "so_noi_vu" => "Sở Nội vụ",
            "so_tai_chinh" => "Sở Tài chính",
            "so_ban_nganh" => "Sở, ban, ngành",
            "ubnd_cap_huyen" => "UBND cấp huyện",
            // A deployment's own role code is shown as written.
            other => other,
        }
    }

    /// Whether the rule is in force on `day`.
    pub fn in_force(&self, day: Date) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|to| day <= to)
    }

    /// Whether Hoso evaluates this rule today, and if not, why. The pairs listed here are the
    /// ones [`crate::late::late_alerts`] and [`crate::changes::waiting_alert`] evaluate, those
    /// [`crate::late::decision_updates`] settles when a decision is recorded, the periodic
    /// reports of [`crate::periodic_reports`] and the salary cycles of [`crate::payroll`]; a test
    /// there keeps them in step.
    pub fn tracking(&self) -> Tracking {
        use Trigger as T;
        let evaluated = match (self.trigger, self.satisfied_by.as_str()) {
            (T::PersonJoined | T::AccountCreated | T::RecordCreated, "record_created") => true,
            (T::PersonJoined | T::ReceivedFromOutside, "account_created") => true,
            (T::TransferredOutside, "record_transferred_and_access_revoked") => true,
            (T::ReceivedFromOutside | T::TransferredOutside, "reported_to_so_noi_vu") => true,
            (T::StatusChanged, "status_updated") => true,
            (T::MovedWithinUnit, "record_moved_to_department") => true,
            (T::MovedToAnotherUnit, "record_transferred") => true,
            (T::ChangeSubmitted, "change_verified") => true,
            (T::DecisionDate, "change_recorded") => true,
            (T::MonthlyBeforeDay { .. }, "month_verified") => true,
            (T::MonthlyDay { .. } | T::MonthlyWindow { .. }, "salary_updated") => true,
            (T::MonthlyDay { .. }, "salary_consolidated") => true,
            (
                T::FixedYearly { .. } | T::YearlyBeforeDate { .. },
                "annual_report_submitted" | "report_submitted",
            ) => true,
            (t, "month_approved") => t.is_month_end_window(),
            _ => false,
        };
        if evaluated {
            return Tracking::Tracked;
        }
        let reason_vi = match self.trigger.unrecorded_reason_vi() {
            Some(reason) => reason.to_string(),
            None => unrecorded_satisfaction_reason_vi(&self.satisfied_by),
        };
        Tracking::NotYetTracked { reason_vi }
    }

    /// Whether Hoso follows this rule: raises and clears its alerts, or (recording a decision,
    /// which Hoso cannot see before it is recorded) keeps it met or late as it is recorded
    /// (see [`DeadlineRule::tracking`]).
    pub fn is_tracked(&self) -> bool {
        self.tracking() == Tracking::Tracked
    }

    /// The time limit in words, as the regulation states it: "5 ngày làm việc",
    /// "trước ngày 25 hằng tháng", "ngày 31/01 hằng năm"…
    pub fn time_limit_vi(&self) -> String {
        let unit = self.unit.label_vi();
        let n = self.length;
        match self.trigger {
            Trigger::MonthEnd => format!("{n} {unit} sau ngày cuối tháng"),
            Trigger::LastWorkingDaysOfMonth => format!("{n} ngày làm việc cuối tháng"),
            Trigger::LastDaysOfMonth => format!("{n} ngày cuối tháng"),
            Trigger::MonthlyDay { day } => format!("ngày {day:02} hằng tháng"),
            Trigger::MonthlyBeforeDay { day } => format!("trước ngày {day:02} hằng tháng"),
            Trigger::MonthlyWindow { from_day, to_day } => {
                format!("từ ngày {from_day:02} đến ngày {to_day:02} hằng tháng")
            }
            Trigger::FixedYearly { month, day } => format!("ngày {day:02}/{month:02} hằng năm"),
            Trigger::YearlyBeforeDate { month, day } => {
                format!("trước ngày {day:02}/{month:02} hằng năm")
            }
            _ => format!("{n} {unit}"),
        }
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
            Trigger::LastDaysOfMonth => last_day_of_month(trigger_date),
            Trigger::MonthlyDay { day }
            | Trigger::MonthlyWindow {
                to_day: day,
                from_day: _,
            } => {
                let due_in = |m| cal.working_day_on_or_after(day_of_month(m, day));
                due_in(open_monthly_cycle(trigger_date, due_in))
            }
            Trigger::MonthlyBeforeDay { day } => {
                let due_in = |m| working_day_before(day_of_month(m, day), cal);
                due_in(open_monthly_cycle(trigger_date, due_in))
            }
            Trigger::FixedYearly { month, day } => {
                let due_in = |y| cal.working_day_on_or_after(date_of_year(y, month, day));
                due_in(open_yearly_cycle(trigger_date, due_in))
            }
            Trigger::YearlyBeforeDate { month, day } => {
                let due_in = |y| working_day_before(date_of_year(y, month, day), cal);
                due_in(open_yearly_cycle(trigger_date, due_in))
            }
            _ => self.add_length(trigger_date, cal),
        }
    }

    /// For a rule due on a date of every year (`fixed_yearly`, `yearly_before_date`): the due
    /// date of the cycle of `year` (the year of the date the text names), moved past days off
    /// as [`DeadlineRule::due_date`] moves it. `None` for other triggers.
    pub fn due_in_year(&self, year: i32, cal: &HolidayCalendar) -> Option<Date> {
        match self.trigger {
            Trigger::FixedYearly { month, day } => {
                Some(cal.working_day_on_or_after(date_of_year(year, month, day)))
            }
            Trigger::YearlyBeforeDate { month, day } => {
                Some(working_day_before(date_of_year(year, month, day), cal))
            }
            _ => None,
        }
    }

    /// For a rule due on a day of every month (`monthly_day`, `monthly_window`): its due date in
    /// `year`/`month` moved past days off, and the first day it may be done (the window's first
    /// day, or the month's). `None` for other triggers.
    pub fn due_in_month(
        &self,
        year: i32,
        month: u8,
        cal: &HolidayCalendar,
    ) -> Option<(Date, Date)> {
        let month_start = Date::from_calendar_date(year, Month::try_from(month).ok()?, 1).ok()?;
        match self.trigger {
            Trigger::MonthlyDay { day } => Some((
                month_start,
                cal.working_day_on_or_after(day_of_month(month_start, day)),
            )),
            Trigger::MonthlyWindow { from_day, to_day } => Some((
                day_of_month(month_start, from_day),
                cal.working_day_on_or_after(day_of_month(month_start, to_day)),
            )),
            _ => None,
        }
    }

    /// For a window (`last_working_days_of_month`, `last_days_of_month`, `monthly_window`): the
    /// first day of the window that [`DeadlineRule::due_date`] closes. For other triggers: the
    /// trigger date.
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
            Trigger::LastDaysOfMonth => {
                let last = last_day_of_month(trigger_date);
                let start = last - Duration::days(i64::from(self.length.max(1) - 1));
                start.max(first_day_of_month(trigger_date))
            }
            Trigger::MonthlyWindow { from_day, to_day } => {
                let due_in = |m| cal.working_day_on_or_after(day_of_month(m, to_day));
                let month = open_monthly_cycle(trigger_date, due_in);
                cal.working_day_on_or_after(day_of_month(month, from_day))
            }
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
    #[error(
        "Quy tắc «{id}»: khung «{trigger}» cần unit = \"{expected}\" và length ≥ 1 (đang là {unit}, {length})"
    )]
    WindowShape {
        id: String,
        trigger: &'static str,
        expected: &'static str,
        unit: &'static str,
        length: i64,
    },
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
    from_day: Option<i64>,
    to_day: Option<i64>,
    length: Option<i64>,
    unit: Option<String>,
    responsible: Option<String>,
    satisfied_by: Option<String>,
    legal_basis: Option<String>,
    effective_from: Option<toml::Value>,
    effective_to: Option<toml::Value>,
    replaces: Option<String>,
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
        // `lowest` is 2 for the "before day D" kinds: "trước ngày 01" would name the previous
        // month, which no text does.
        let day_field = |field: &'static str, value: Option<i64>, lowest: i64| match value {
            Some(d) if (lowest..=31).contains(&d) => Ok(d as u8),
            Some(d) => Err(fixed(format!("{field} = {d}"))),
            None => Err(missing(field)),
        };
        let month = || -> Result<u8, RuleError> {
            match self.month {
                Some(m @ 1..=12) => Ok(m as u8),
                Some(m) => Err(fixed(format!("month = {m}"))),
                None => Err(missing("month")),
            }
        };
        let yearly_date = |lowest: i64| -> Result<(u8, u8), RuleError> {
            let month = month()?;
            let day = day_field("day", self.day, lowest)?;
            let m = Month::try_from(month).expect("1..=12");
            // 29/02 is allowed (clamped to 28/02 in common years).
            if u16::from(day) > u16::from(m.length(2024)) {
                return Err(fixed(format!("{day}/{month}")));
            }
            Ok((month, day))
        };
        let trigger = match trigger_code.as_str() {
            "decision_date" => Trigger::DecisionDate,
            "account_created" => Trigger::AccountCreated,
            "change_submitted" => Trigger::ChangeSubmitted,
            "change_submitted_needing_checks" => Trigger::ChangeSubmittedNeedingChecks,
            "declaration_submitted" => Trigger::DeclarationSubmitted,
            "transfer_effective" => Trigger::TransferEffective,
            "moved_within_unit" => Trigger::MovedWithinUnit,
            "moved_to_another_unit" => Trigger::MovedToAnotherUnit,
            "transferred_record_received" => Trigger::TransferredRecordReceived,
            "received_from_outside" => Trigger::ReceivedFromOutside,
            "transferred_outside" => Trigger::TransferredOutside,
            "status_changed" => Trigger::StatusChanged,
            "record_created" => Trigger::RecordCreated,
            "person_joined" => Trigger::PersonJoined,
            "month_end" => Trigger::MonthEnd,
            "last_working_days_of_month" => Trigger::LastWorkingDaysOfMonth,
            "last_days_of_month" => Trigger::LastDaysOfMonth,
            "monthly_day" => Trigger::MonthlyDay {
                day: day_field("day", self.day, 1)?,
            },
            "monthly_before_day" => Trigger::MonthlyBeforeDay {
                day: day_field("day", self.day, 2)?,
            },
            "monthly_window" => {
                let from_day = day_field("from_day", self.from_day, 1)?;
                let to_day = day_field("to_day", self.to_day, 1)?;
                if from_day > to_day {
                    return Err(fixed(format!("from_day {from_day} > to_day {to_day}")));
                }
                Trigger::MonthlyWindow { from_day, to_day }
            }
            "fixed_yearly" => {
                let (month, day) = yearly_date(1)?;
                Trigger::FixedYearly { month, day }
            }
            "yearly_before_date" => {
                let (month, day) = yearly_date(2)?;
                Trigger::YearlyBeforeDate { month, day }
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
        if trigger.is_named_day() && length != 0 {
            return Err(RuleError::LengthOnFixedDate { id, length });
        }
        let unit = Unit::from_code(&unit_code).ok_or_else(|| RuleError::UnknownUnit {
            id: id.clone(),
            value: unit_code.clone(),
        })?;
        // A window's days are counted in the unit its name says; anything else would make the
        // rule mean something other than what it reads as.
        let window_unit = match trigger {
            Trigger::LastWorkingDaysOfMonth => Some(Unit::WorkingDays),
            Trigger::LastDaysOfMonth => Some(Unit::CalendarDays),
            _ => None,
        };
        if let Some(expected) = window_unit
            && (unit != expected || length < 1)
        {
            return Err(RuleError::WindowShape {
                id,
                trigger: trigger.code(),
                expected: expected.code(),
                unit: unit.code(),
                length,
            });
        }
        let length = i32::try_from(length).map_err(|_| RuleError::NegativeLength {
            id: id.clone(),
            length,
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
            replaces: self.replaces.filter(|r| !r.trim().is_empty()),
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

    /// A set of the given rules, refused if two share an id.
    pub fn from_rules(rules: Vec<DeadlineRule>) -> Result<RuleSet, RuleError> {
        let mut seen = BTreeSet::new();
        for r in &rules {
            if !seen.insert(r.id.as_str()) {
                return Err(RuleError::DuplicateId { id: r.id.clone() });
            }
        }
        Ok(RuleSet { rules })
    }

    /// An embedded preset. `national` holds the central rules; a provincial preset is the
    /// national rules plus (overridden by) the province's own.
    pub fn preset(name: &str) -> Result<RuleSet, RuleError> {
        let own = Self::preset_own_rules(name)?;
        if name == "national" {
            Ok(own)
        } else {
            Ok(Self::preset("national")?.with_overrides(own))
        }
    }

    /// The rules a preset's own file holds, before the national rules are merged under them.
    pub fn preset_own_rules(name: &str) -> Result<RuleSet, RuleError> {
        let text = preset_text(name).ok_or_else(|| RuleError::UnknownPreset(name.to_string()))?;
        Self::parse_toml(text)
    }

    /// This set with `overrides` applied: a rule with the same id, or the rule an override
    /// `replaces`, is replaced (keeping its position); other new ids are appended.
    pub fn with_overrides(&self, overrides: RuleSet) -> RuleSet {
        let mut rules = self.rules.clone();
        for o in overrides.rules {
            let target = rules.iter().position(|r| r.id == o.id).or_else(|| {
                let replaced = o.replaces.as_deref()?;
                rules.iter().position(|r| r.id == replaced)
            });
            match target {
                Some(i) => rules[i] = o,
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
mod responsible_label_tests {
    use super::*;

    #[test]
    fn every_shipped_role_has_a_vietnamese_label() {
        for preset in [
            "national",
            "lang-son-2023",
            "lai-chau-2024",
            "dak-nong-2018",
            "dong-thap-2024",
        ] {
            for rule in RuleSet::preset(preset).unwrap().rules() {
                assert_ne!(
                    rule.responsible_vi(),
                    rule.responsible,
                    "{preset}: {}",
                    rule.id
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn cal() -> HolidayCalendar {
        HolidayCalendar::embedded()
    }

    fn preset_rule(preset: &str, id: &str) -> DeadlineRule {
        RuleSet::preset(preset)
            .unwrap()
            .get(id)
            .unwrap_or_else(|| panic!("{preset} has no rule {id}"))
            .clone()
    }

    #[test]
    fn every_preset_parses_and_every_rule_cites_an_article() {
        for name in PRESETS {
            let own = RuleSet::preset_own_rules(name).unwrap();
            // No national text read so far states a limit with its article (national.toml).
            assert_eq!(own.rules().is_empty(), name == "national", "{name}");
            for r in own.rules() {
                assert!(
                    r.legal_basis.contains("Điều"),
                    "{name}: {} cites no article: {}",
                    r.id,
                    r.legal_basis
                );
            }
            // The merged preset parses too, and keeps every national rule not replaced.
            let merged = RuleSet::preset(name).unwrap();
            let replaced: Vec<&str> = own
                .rules()
                .iter()
                .filter_map(|r| r.replaces.as_deref())
                .collect();
            for n in RuleSet::preset("national").unwrap().rules() {
                assert_eq!(
                    merged.get(&n.id).is_some(),
                    !replaced.contains(&n.id.as_str()),
                    "{name}: {}",
                    n.id
                );
            }
        }
        assert_eq!(
            RuleSet::preset("ha-noi"),
            Err(RuleError::UnknownPreset("ha-noi".into()))
        );
    }

    /// One row of `data/deadlines/EXPECTED.tsv`, less the article (checked against the text).
    type Row = (String, String, String, String, String, String);

    #[test]
    fn the_shipped_presets_match_the_expected_table_exactly() {
        let table = include_str!("../data/deadlines/EXPECTED.tsv");
        let mut lines = table.lines().filter(|l| !l.starts_with('#'));
        assert_eq!(
            lines.next(),
            Some("preset\trule_id\ttrigger\ttime_limit\tarticle\teffective_from\ttracked")
        );
        let mut expected: Vec<Row> = Vec::new();
        let mut articles = std::collections::BTreeMap::new();
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 7, "{line}");
            let key = (cols[0].to_string(), cols[1].to_string());
            articles.insert(key, cols[4].to_string());
            expected.push((
                cols[0].into(),
                cols[1].into(),
                cols[2].into(),
                cols[3].into(),
                cols[5].into(),
                cols[6].into(),
            ));
        }
        let mut shipped: Vec<Row> = Vec::new();
        for name in PRESETS {
            for r in RuleSet::preset_own_rules(name).unwrap().rules() {
                shipped.push((
                    name.into(),
                    r.id.clone(),
                    r.trigger.code().into(),
                    r.time_limit_vi(),
                    r.effective_from.to_string(),
                    if r.is_tracked() { "yes" } else { "no" }.into(),
                ));
                // A rule missing from the table is reported with the others below.
                let Some(article) = articles.get(&(name.to_string(), r.id.clone())) else {
                    continue;
                };
                // The article closes the citation, so "Điều 8 khoản 1" cannot pass for
                // "Điều 8 khoản 10".
                assert!(
                    article.starts_with("Điều ")
                        && r.legal_basis.ends_with(&format!(", {article}")),
                    "{}: «{}» does not cite {article}",
                    r.id,
                    r.legal_basis
                );
            }
        }
        expected.sort();
        shipped.sort();
        let missing: Vec<_> = expected.iter().filter(|r| !shipped.contains(r)).collect();
        let extra: Vec<_> = shipped.iter().filter(|r| !expected.contains(r)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "in EXPECTED.tsv but not shipped: {missing:#?}\nshipped but not in EXPECTED.tsv: {extra:#?}"
        );
    }

    /// For every rule of every preset: an event (or a day, for calendar kinds) and the due
    /// date the regulation gives, counted on the embedded calendar. Comments count the days
    /// (wd = working days).
    const EXAMPLES: &str = "
# 30 wd from Mon 02/02/2026: 03–13/02 (9), Tết, 23–27/02 (14), 02–20/03 (29), 23/03.
lang-son-2023   lang_son.new_record                        2026-02-02 2026-03-23
# 15 wd from Mon 05/01/2026: 06–09/01 (4), Sat 10/01 worked (5), 12–16 (10), 19–23 (15).
lang-son-2023   lang_son.change_update                     2026-01-05 2026-01-23
# 5 wd from Thu 23/04/2026: 24/04, [27/04 Giỗ Tổ nghỉ bù], 28, 29/04, [30/04–03/05], 04,
# 05/05 (rules.md §F5).
lang-son-2023   lang_son.arrival_account                   2026-04-23 2026-05-05
# 10 wd from Thu 16/04/2026: 17 (1), 20–24 (6), [25–27], 28, 29 (8), [30/04–03/05], 04, 05/05.
lang-son-2023   lang_son.arrival_sync                      2026-04-16 2026-05-05
# 5 wd from Wed 19/08/2026: 20, 21, Sat 22/08 (worked, swapped for 31/08), 24, 25/08.
lang-son-2023   lang_son.transfer_out                      2026-08-19 2026-08-25
# Before the 25th of January 2026: 24/01 is a Saturday → Fri 23/01.
lang-son-2023   lang_son.monthly_check                     2026-01-05 2026-01-23
lang-son-2023   lang_son.annual_report_unit                2025-12-20 2026-01-15
# 31/01/2026 is a Saturday → Mon 02/02/2026.
lang-son-2023   lang_son.annual_report_province            2025-12-20 2026-02-02
# 5 wd from Wed 11/02/2026: 12, 13, [Tết 14–22/02], 23, 24, 25/02.
lai-chau-2024   lai_chau.account                           2026-02-11 2026-02-25
# 5 wd from Wed 25/02/2026: 26, 27/02, 02, 03, 04/03.
lai-chau-2024   lai_chau.data                              2026-02-25 2026-03-04
lai-chau-2024   lai_chau.change_update                     2026-01-05 2026-01-23
# Last 5 working days of April 2026: 22, 23, 24, [25–27 off], 28, 29, [30 off].
lai-chau-2024   lai_chau.monthly_approval                  2026-04-02 2026-04-29
# Last 5 working days of January 2025 (Tết 27–31/01): 20–24/01.
lai-chau-2024   lai_chau.province_signing                  2025-01-06 2025-01-24
# 10 wd from Tue 25/08/2026: 26, 27, 28, [29/08–02/09 off], 03, 04, 07–11/09.
lai-chau-2024   lai_chau.arrival_account_and_sync          2026-08-25 2026-09-11
lai-chau-2024   lai_chau.move_within_unit                  2026-08-19 2026-08-25
lai-chau-2024   lai_chau.move_to_another_unit              2026-04-23 2026-05-05
lai-chau-2024   lai_chau.status_change                     2026-02-13 2026-03-06
# Asked after this year's date: next year's, 15/01/2027 (Fri).
lai-chau-2024   lai_chau.annual_report_unit                2026-01-16 2027-01-15
# 25/01/2026 is a Sunday → Mon 26/01.
lai-chau-2024   lai_chau.annual_report_province            2026-01-02 2026-01-26
# 10 wd from Thu 01/02/2024: 02, 05, 06, 07 (4), [Tết 08–14/02], 15, 16, 19–22/02.
dak-nong-2018   dak_nong.new_record                        2024-02-01 2024-02-22
# 2 wd from Fri 26/04/2024: [29/04 swapped off, 30/04, 01/05], 02, 03/05.
dak-nong-2018   dak_nong.basic_data_and_account            2024-04-26 2024-05-03
# 3 wd from the same day: 02, 03/05 and Sat 04/05/2024 (worked, swapped for 29/04).
dak-nong-2018   dak_nong.personal_completion               2024-04-26 2024-05-04
# 1 wd from Wed 07/02/2024, the eve of Tết (08–14/02): Thu 15/02.
dak-nong-2018   dak_nong.change_verification               2024-02-07 2024-02-15
# 5 wd from the same day: 15, 16, 19, 20, 21/02.
dak-nong-2018   dak_nong.change_verification_with_checks   2024-02-07 2024-02-21
# 3 wd from Wed 17/04/2024: [18/04 Giỗ Tổ], 19, 22, 23/04.
dak-nong-2018   dak_nong.state_decision_update             2024-04-17 2024-04-23
# 2 wd from Thu 29/08/2024: 30/08, [31/08–03/09 Quốc khánh], 04/09.
dak-nong-2018   dak_nong.move_within_unit                  2024-08-29 2024-09-04
# 5 wd from the same day: 30/08, 04, 05, 06, 09/09.
dak-nong-2018   dak_nong.move_to_another_unit              2024-08-29 2024-09-09
# 3 wd from Mon 09/09/2024: 10, 11, 12/09.
dak-nong-2018   dak_nong.forward_to_using_unit             2024-09-09 2024-09-12
# 5 wd from Fri 07/02/2025: 10–14/02.
dak-nong-2018   dak_nong.status_change                     2025-02-07 2025-02-14
# Before 25/05/2025: 24/05 is a Saturday → Fri 23/05.
dak-nong-2018   dak_nong.report_may                        2025-01-02 2025-05-23
# Before 15/12/2024: 14/12 is a Saturday → Fri 13/12.
dak-nong-2018   dak_nong.report_december                   2024-06-01 2024-12-13
# Last 5 days of January 2025: 27–31/01, all of them Tết; the window does not move.
dong-thap-2024  dong_thap.monthly_approval                 2025-01-06 2025-01-31
# 10/01/2026 is a Saturday worked in exchange for 02/01: the window closes on it.
dong-thap-2024  dong_thap.salary_update_provincial         2026-01-01 2026-01-10
# 20/02/2026 is Tết, 21–22 a weekend → Mon 23/02.
dong-thap-2024  dong_thap.salary_update_district           2026-02-02 2026-02-23
# 25/04/2026 is a Saturday, 26 Giỗ Tổ (Sunday), 27 its compensatory day → Tue 28/04.
dong-thap-2024  dong_thap.salary_consolidation             2026-04-01 2026-04-28
dong-thap-2024  dong_thap.report_arrival                   2026-04-16 2026-05-05
dong-thap-2024  dong_thap.report_departure                 2026-02-13 2026-03-06
# 10/01/2026 is the worked Saturday: due on it, not on the Monday after.
dong-thap-2024  dong_thap.annual_report_unit               2025-12-15 2026-01-10
# 31/01/2025 is Tết, 01–02/02 a weekend → Mon 03/02/2025.
dong-thap-2024  dong_thap.annual_report_province           2024-12-15 2025-02-03
";

    fn examples() -> Vec<(&'static str, &'static str, Date, Date)> {
        let day = |s: &str| {
            Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).unwrap()
        };
        EXAMPLES
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let cols: Vec<&str> = l.split_whitespace().collect();
                assert_eq!(cols.len(), 4, "{l}");
                (cols[0], cols[1], day(cols[2]), day(cols[3]))
            })
            .collect()
    }

    #[test]
    fn every_rule_of_every_preset_has_its_due_date_on_the_holiday_calendar() {
        let c = cal();
        let examples = examples();
        for (preset, id, event, due) in &examples {
            let r = preset_rule(preset, id);
            assert_eq!(r.due_date(*event, &c), *due, "{preset} {id} from {event}");
        }
        for name in PRESETS {
            for r in RuleSet::preset_own_rules(name).unwrap().rules() {
                assert!(
                    examples.iter().any(|(p, id, ..)| *p == name && *id == r.id),
                    "{name}: {} has no example",
                    r.id
                );
            }
        }
    }

    #[test]
    fn named_days_move_past_days_off_and_before_days_never_move_later() {
        let c = cal();
        let report = preset_rule("lang-son-2023", "lang_son.annual_report_province");
        // On the day itself, and while its moved due date is still open, the deadline is this
        // year's: 31/01/2026 (Sat) → Mon 02/02; asked on Sun 01/02 it is still 02/02.
        assert_eq!(
            report.due_date(date!(2026 - 01 - 31), &c),
            date!(2026 - 02 - 02)
        );
        assert_eq!(
            report.due_date(date!(2026 - 02 - 01), &c),
            date!(2026 - 02 - 02)
        );
        assert_eq!(report.due_date(date!(2026 - 02 - 03), &c).year(), 2027);

        let check = preset_rule("lang-son-2023", "lang_son.monthly_check");
        // Before the 25th of May 2026: 24 is a Sunday, 23 a Saturday → Fri 22/05.
        assert_eq!(
            check.due_date(date!(2026 - 05 - 11), &c),
            date!(2026 - 05 - 22)
        );
        // On Sat 24/01/2026, January's (Fri 23/01) has passed: February's, Tue 24/02.
        assert_eq!(
            check.due_date(date!(2026 - 01 - 24), &c),
            date!(2026 - 02 - 24)
        );

        let district = preset_rule("dong-thap-2024", "dong_thap.salary_update_district");
        // February's 20th moved to Mon 23/02 (Tết): still February's on Sat 21/02.
        assert_eq!(
            district.due_date(date!(2026 - 02 - 21), &c),
            date!(2026 - 02 - 23)
        );
        assert_eq!(
            district.due_date(date!(2026 - 02 - 24), &c),
            date!(2026 - 03 - 20)
        );

        let finance = preset_rule("dong-thap-2024", "dong_thap.salary_consolidation");
        assert_eq!(
            finance.due_date(date!(2026 - 04 - 26), &c),
            date!(2026 - 04 - 28)
        );
        assert_eq!(
            finance.due_date(date!(2026 - 04 - 29), &c),
            date!(2026 - 05 - 25)
        );

        let unit = preset_rule("dong-thap-2024", "dong_thap.annual_report_unit");
        // 10/01/2027 is a Sunday → Mon 11/01/2027.
        assert_eq!(
            unit.due_date(date!(2026 - 01 - 11), &c),
            date!(2027 - 01 - 11)
        );
    }

    #[test]
    fn windows_open_and_close_on_the_days_the_text_names() {
        let c = cal();
        // Đồng Tháp: the last 5 calendar days, 26–30/11/2026.
        let dt = preset_rule("dong-thap-2024", "dong_thap.monthly_approval");
        assert_eq!(
            dt.window_start(date!(2026 - 11 - 03), &c),
            date!(2026 - 11 - 26)
        );
        assert_eq!(
            dt.due_date(date!(2026 - 11 - 03), &c),
            date!(2026 - 11 - 30)
        );
        // February 2026 has 28 days: 24–28/02.
        assert_eq!(
            dt.window_start(date!(2026 - 02 - 02), &c),
            date!(2026 - 02 - 24)
        );
        assert_eq!(
            dt.due_date(date!(2026 - 02 - 02), &c),
            date!(2026 - 02 - 28)
        );
        // Lai Châu: the last 5 working days of January 2025, before Tết: 20–24/01.
        let lc = preset_rule("lai-chau-2024", "lai_chau.monthly_approval");
        assert_eq!(
            lc.window_start(date!(2025 - 01 - 06), &c),
            date!(2025 - 01 - 20)
        );
        assert_eq!(
            lc.due_date(date!(2025 - 01 - 06), &c),
            date!(2025 - 01 - 24)
        );
        // Đồng Tháp salaries, 01–10 of each month: January 2026 opens on Mon 05/01 (01/01
        // holiday, 02/01 swapped off, then a weekend) and closes on the worked Sat 10/01.
        let pay = preset_rule("dong-thap-2024", "dong_thap.salary_update_provincial");
        assert_eq!(
            pay.window_start(date!(2026 - 01 - 01), &c),
            date!(2026 - 01 - 05)
        );
        assert_eq!(
            pay.due_date(date!(2026 - 01 - 01), &c),
            date!(2026 - 01 - 10)
        );
        // After it closes, February's: Mon 02/02 (01/02 is a Sunday) to Tue 10/02.
        assert_eq!(
            pay.window_start(date!(2026 - 01 - 11), &c),
            date!(2026 - 02 - 02)
        );
        assert_eq!(
            pay.due_date(date!(2026 - 01 - 11), &c),
            date!(2026 - 02 - 10)
        );
    }

    #[test]
    fn effective_dates_are_those_of_the_decisions() {
        let in_force = |preset: &str, id: &str, day: Date| preset_rule(preset, id).in_force(day);
        // Lạng Sơn: signed 27/12/2023.
        assert!(!in_force(
            "lang-son-2023",
            "lang_son.new_record",
            date!(2023 - 12 - 26)
        ));
        assert!(in_force(
            "lang-son-2023",
            "lang_son.new_record",
            date!(2023 - 12 - 27)
        ));
        // Đồng Tháp: Điều 2 of the decision, 06/12/2024.
        assert!(!in_force(
            "dong-thap-2024",
            "dong_thap.annual_report_unit",
            date!(2024 - 12 - 05)
        ));
        assert!(in_force(
            "dong-thap-2024",
            "dong_thap.annual_report_unit",
            date!(2024 - 12 - 06)
        ));
        // Đắk Nông: from its signature, 11/06/2018, to the merger into Lâm Đồng.
        assert!(in_force(
            "dak-nong-2018",
            "dak_nong.status_change",
            date!(2018 - 06 - 11)
        ));
        assert!(in_force(
            "dak-nong-2018",
            "dak_nong.status_change",
            date!(2025 - 06 - 30)
        ));
        assert!(!in_force(
            "dak-nong-2018",
            "dak_nong.status_change",
            date!(2025 - 07 - 01)
        ));
        // Lai Châu's draft: from the decree it cites, 09/05/2024, with no end.
        let lc = RuleSet::preset("lai-chau-2024").unwrap();
        assert_eq!(lc.in_force(date!(2024 - 05 - 08)).count(), 0);
        assert_eq!(
            lc.for_trigger(Trigger::StatusChanged, date!(2024 - 05 - 09))
                .count(),
            1
        );
    }

    #[test]
    fn what_a_text_does_not_say_is_not_in_its_preset() {
        // Lạng Sơn has no month-end approval window; Lai Châu and Đồng Tháp have no
        // "before the 25th" check; Đồng Tháp's update and transfer limits are TT 06's, not its own.
        let ls = RuleSet::preset("lang-son-2023").unwrap();
        assert!(!ls.rules().iter().any(|r| r.trigger.is_month_end_window()));
        for name in ["lai-chau-2024", "dong-thap-2024"] {
            let set = RuleSet::preset(name).unwrap();
            assert!(
                !set.rules()
                    .iter()
                    .any(|r| matches!(r.trigger, Trigger::MonthlyBeforeDay { .. })),
                "{name}"
            );
        }
        let dt = RuleSet::preset_own_rules("dong-thap-2024").unwrap();
        assert!(dt.get("dong_thap.change_update").is_none());
        assert!(dt.get("dong_thap.transfer_out").is_none());
    }

    #[test]
    fn untracked_rules_say_why_and_tracked_ones_are_the_evaluated_kinds() {
        let tracked: Vec<String> = PRESETS
            .iter()
            .flat_map(|p| RuleSet::preset(p).unwrap().rules().to_vec())
            .filter(DeadlineRule::is_tracked)
            .map(|r| r.id)
            .collect();
        for id in [
            "lang_son.new_record",
            "lai_chau.account",
            "lai_chau.data",
            "lai_chau.monthly_approval",
            "lai_chau.status_change",
            "dak_nong.new_record",
            "dak_nong.personal_completion",
            "dak_nong.change_verification",
            "dak_nong.status_change",
            "dak_nong.move_within_unit",
            "dak_nong.move_to_another_unit",
            "lai_chau.move_within_unit",
            "lai_chau.move_to_another_unit",
            "dong_thap.monthly_approval",
            "lang_son.change_update",
            "lai_chau.change_update",
            "dak_nong.state_decision_update",
            "lang_son.monthly_check",
            "lang_son.annual_report_unit",
            "lang_son.annual_report_province",
            "dak_nong.report_may",
            "lang_son.arrival_account",
            "lang_son.transfer_out",
            "dong_thap.report_arrival",
            "dong_thap.report_departure",
            "dong_thap.salary_update_provincial",
            "dong_thap.salary_update_district",
            "dong_thap.salary_consolidation",
        ] {
            assert!(tracked.iter().any(|t| t == id), "{id} should be tracked");
        }
        let signing = preset_rule("lai-chau-2024", "lai_chau.province_signing");
        assert!(
            matches!(signing.tracking(), Tracking::NotYetTracked { reason_vi } if reason_vi.contains("Sở Nội vụ ký số"))
        );
        let arrival = preset_rule("lai-chau-2024", "lai_chau.arrival_account_and_sync");
        assert!(
            matches!(arrival.tracking(), Tracking::NotYetTracked { reason_vi } if reason_vi.contains("Cơ sở dữ liệu quốc gia"))
        );
        let salary = preset_rule("dong-thap-2024", "dong_thap.salary_consolidation");
        assert_eq!(salary.tracking(), Tracking::Tracked);
        assert_eq!(NOT_YET_TRACKED_VI, "chưa theo dõi được");
    }

    /// The example of a deployment's own rules, shipped beside `hoso.example.toml`.
    const EXAMPLE_OVERRIDES: &str = include_str!("../../../hoso.deadline-rules.example.toml");

    #[test]
    fn a_deployment_adds_what_its_text_says_through_its_own_file() {
        let own = RuleSet::parse_toml(EXAMPLE_OVERRIDES).unwrap();
        assert!(!own.rules().is_empty());
        for r in own.rules() {
            assert!(r.legal_basis.contains("Điều"), "{}", r.id);
            assert!(
                r.is_tracked(),
                "{}: the example shows rules Hoso follows",
                r.id
            );
        }
        // Lạng Sơn's text has neither a limit of N working days for verifying a request (only
        // the month's check before the 25th) nor an approval window; a province that decides
        // both declares them and gets them, in force and followed.
        let ls = RuleSet::preset("lang-son-2023").unwrap();
        let day = date!(2026 - 11 - 19);
        let kinds = |set: &RuleSet| {
            (
                set.for_trigger(Trigger::ChangeSubmitted, day).count(),
                set.in_force(day)
                    .filter(|r| r.trigger.is_month_end_window())
                    .count(),
            )
        };
        assert_eq!(kinds(&ls), (0, 0));
        let merged = ls.with_overrides(own);
        assert_eq!(kinds(&merged), (1, 1));
        assert_eq!(merged.rules().len(), ls.rules().len() + 2);
        // 5 wd from Thu 19/11/2026: 20, 23, 24, 25, 26/11.
        let verify = merged
            .for_trigger(Trigger::ChangeSubmitted, day)
            .next()
            .unwrap();
        assert_eq!(verify.due_date(day, &cal()), date!(2026 - 11 - 26));
        // `replaces` puts a deployment's rule in the place of the preset's it names.
        let stricter = RuleSet::parse_toml(
            "[[rule]]\nid = \"tinh.status_change\"\nname_vi = \"Điều chỉnh tình trạng hồ sơ\"\ntrigger = \"status_changed\"\nlength = 3\nunit = \"working_days\"\nresponsible = \"don_vi\"\nsatisfied_by = \"status_updated\"\nlegal_basis = \"Quyết định của tỉnh, Điều 3\"\neffective_from = 2026-01-01\nreplaces = \"lai_chau.status_change\"\n",
        )
        .unwrap();
        let lc = RuleSet::preset("lai-chau-2024").unwrap();
        let position = |set: &RuleSet, id: &str| set.rules().iter().position(|r| r.id == id);
        let replaced = lc.with_overrides(stricter);
        assert!(replaced.get("lai_chau.status_change").is_none());
        assert_eq!(
            position(&replaced, "tinh.status_change"),
            position(&lc, "lai_chau.status_change")
        );
        assert_eq!(replaced.rules().len(), lc.rules().len());
    }

    #[test]
    fn time_limits_read_as_the_texts_state_them() {
        let limit = |p: &str, id: &str| preset_rule(p, id).time_limit_vi();
        assert_eq!(
            limit("lai-chau-2024", "lai_chau.status_change"),
            "10 ngày làm việc"
        );
        assert_eq!(
            limit("lang-son-2023", "lang_son.monthly_check"),
            "trước ngày 25 hằng tháng"
        );
        assert_eq!(
            limit("dak-nong-2018", "dak_nong.report_may"),
            "trước ngày 25/05 hằng năm"
        );
        assert_eq!(
            limit("dong-thap-2024", "dong_thap.monthly_approval"),
            "5 ngày cuối tháng"
        );
        assert_eq!(
            limit("dong-thap-2024", "dong_thap.salary_update_provincial"),
            "từ ngày 01 đến ngày 10 hằng tháng"
        );
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
        // "Ngày 31 hằng tháng" falls on the month's last day: 30/04/2026 is a holiday, 01/05
        // too, then a weekend → Mon 04/05/2026.
        let day_31 = RuleSet::parse_toml(&rule(
            "trigger = \"monthly_day\"\nday = 31\nlength = 0\nunit = \"calendar_days\"\neffective_from = 2020-01-01",
        ))
        .unwrap();
        assert_eq!(
            day_31.rules()[0].due_date(date!(2026 - 04 - 10), &c),
            date!(2026 - 05 - 04)
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
        // "Trước ngày 01" would name the previous month.
        assert_eq!(
            RuleSet::parse_toml(&rule(
                "trigger = \"monthly_before_day\"\nday = 1\nlength = 0\nunit = \"calendar_days\"\neffective_from = 2024-01-01"
            )),
            Err(RuleError::InvalidFixedDate {
                id: "x".into(),
                detail: "day = 1".into()
            })
        );
        assert_eq!(
            RuleSet::parse_toml(&rule(
                "trigger = \"monthly_window\"\nfrom_day = 12\nto_day = 10\nlength = 0\nunit = \"calendar_days\"\neffective_from = 2024-01-01"
            )),
            Err(RuleError::InvalidFixedDate {
                id: "x".into(),
                detail: "from_day 12 > to_day 10".into()
            })
        );
        assert_eq!(
            RuleSet::parse_toml(&rule(
                "trigger = \"monthly_window\"\nfrom_day = 1\nlength = 0\nunit = \"calendar_days\"\neffective_from = 2024-01-01"
            )),
            Err(RuleError::MissingField {
                id: "x".into(),
                field: "to_day"
            })
        );
        // A window counted in a unit its name does not say.
        let err = RuleSet::parse_toml(&rule(
            "trigger = \"last_days_of_month\"\nlength = 5\nunit = \"working_days\"\neffective_from = 2024-01-01",
        ))
        .unwrap_err();
        assert_eq!(
            err,
            RuleError::WindowShape {
                id: "x".into(),
                trigger: "last_days_of_month",
                expected: "calendar_days",
                unit: "working_days",
                length: 5
            }
        );
        assert!(err.to_string().contains("calendar_days"), "{err}");
        assert!(matches!(
            RuleSet::parse_toml(&rule(
                "trigger = \"last_working_days_of_month\"\nlength = 0\nunit = \"working_days\"\neffective_from = 2024-01-01"
            )),
            Err(RuleError::WindowShape { length: 0, .. })
        ));
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
    fn every_trigger_code_parses_back_to_its_trigger() {
        for code in Trigger::CODES {
            let extra = match code {
                "monthly_day" | "monthly_before_day" => {
                    "day = 25\nlength = 0\nunit = \"calendar_days\""
                }
                "monthly_window" => {
                    "from_day = 1\nto_day = 10\nlength = 0\nunit = \"calendar_days\""
                }
                "fixed_yearly" | "yearly_before_date" => {
                    "month = 1\nday = 15\nlength = 0\nunit = \"calendar_days\""
                }
                "last_days_of_month" => "length = 5\nunit = \"calendar_days\"",
                _ => "length = 5\nunit = \"working_days\"",
            };
            let set = RuleSet::parse_toml(&rule(&format!(
                "trigger = \"{code}\"\n{extra}\neffective_from = 2024-01-01"
            )))
            .unwrap_or_else(|e| panic!("{code}: {e}"));
            let trigger = set.rules()[0].trigger;
            assert_eq!(trigger.code(), code);
            // The API shows the trigger as serde writes it: the same code.
            let json = serde_json::to_value(trigger).unwrap();
            let shown = json
                .as_str()
                .map(str::to_string)
                .or_else(|| json.as_object().and_then(|o| o.keys().next().cloned()))
                .unwrap();
            assert_eq!(shown, code);
        }
    }

    #[test]
    fn overrides_replace_by_id_and_add() {
        let lai_chau = RuleSet::preset("lai-chau-2024").unwrap();
        let custom = RuleSet::parse_toml(
            "[[rule]]\nid = \"lai_chau.account\"\nname_vi = \"Tạo tài khoản (quyết định đã ký)\"\ntrigger = \"person_joined\"\nlength = 5\nunit = \"working_days\"\nresponsible = \"don_vi\"\nsatisfied_by = \"account_created\"\nlegal_basis = \"Quy chế kèm QĐ 12/2024/QĐ-UBND, Điều 6 khoản 3\"\neffective_from = 2024-07-01\n\n[[rule]]\nid = \"tinh.new\"\nname_vi = \"Mới\"\ntrigger = \"record_created\"\nlength = 1\nunit = \"working_days\"\nresponsible = \"don_vi\"\nsatisfied_by = \"x\"\nlegal_basis = \"Quy chế tỉnh, Điều 1\"\neffective_from = 2026-07-01\n",
        )
        .unwrap();
        let merged = lai_chau.with_overrides(custom);
        assert_eq!(merged.rules().len(), lai_chau.rules().len() + 1);
        assert_eq!(merged.rules()[0].id, "lai_chau.account");
        assert_eq!(merged.rules()[0].effective_from, date!(2024 - 07 - 01));
        assert!(merged.get("tinh.new").is_some());
    }
}
