//! The working-day calendar in force (F12): the schedules shipped in `holidays.tsv`, amended by
//! the system administrator when the Government announces a year (stored in `holiday_days`).
//! Everyone signed in reads it; every working-day computation of this crate takes
//! [`App::calendar`], which is reloaded after each amendment (on this node at once; other nodes
//! at their next poll of the reference versions, see [`crate::reference`]).

use hoso_domain::audit_action::AuditAction;
use std::sync::Arc;

use hoso_domain::calendar::{
    HolidayCalendar, ScheduleEntry, ScheduleError, ScheduleKind, format_date, schedule_to_tsv,
};
use hoso_store::AnyConnection;
use hoso_store::holidays::{self as store, HolidayDayRow};
use hoso_store::reference::HOLIDAYS;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::authz::Attempt;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo};

/// The years an administrator may amend (the range the calendar caches).
pub const YEARS: std::ops::RangeInclusive<i32> = 1950..=2150;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HolidayDayView {
    /// ISO date.
    pub date: String,
    /// holiday, compensatory, swap_day_off, swap_work_day.
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HolidayYearView {
    pub year: i32,
    /// `amended` (by the system administrator), `shipped` (holidays.tsv) or `computed` (from
    /// the law: no schedule announced yet).
    pub origin: String,
    pub days: Vec<HolidayDayView>,
    /// Working days in the year, by this calendar.
    pub working_days: i32,
    /// The year as TSV in the format of holidays.tsv (ready to edit and send back).
    pub tsv: String,
    /// When and on which announcement the year was last amended.
    pub amended_at: Option<i64>,
    pub amended_note: Option<String>,
}

/// A year's schedule as TSV text.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayYearInput {
    /// Lines `year<TAB>yyyy-mm-dd<TAB>kind<TAB>name[<TAB>source]`, as in holidays.tsv; every
    /// day off of the year must be listed.
    pub tsv: String,
    /// The announcement that sets the schedule (e.g. "Thông báo 6150/TB-BLĐTBXH").
    pub decision_ref: String,
}

/// One day added to a year's schedule.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayDayInput {
    /// ISO date (yyyy-mm-dd) in the year of the path.
    pub date: String,
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub source: String,
    pub decision_ref: String,
}

/// Why a day is removed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayRemoval {
    pub decision_ref: String,
}

pub fn kind_label(kind: ScheduleKind) -> &'static str {
    match kind {
        ScheduleKind::Holiday => "Nghỉ lễ, Tết",
        ScheduleKind::Compensatory => "Nghỉ bù",
        ScheduleKind::DayOff => "Nghỉ hoán đổi",
        ScheduleKind::WorkingDaySwap => "Làm bù",
    }
}

fn schedule_error(e: ScheduleError) -> AppError {
    AppError::BadRequest(e.to_string())
}

fn parse_iso(s: &str) -> AppResult<time::Date> {
    time::Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| {
        AppError::BadRequest(format!(
            "Ngày «{s}» không tồn tại hoặc sai định dạng (cần yyyy-mm-dd)."
        ))
    })
}

fn check_year(year: i32) -> AppResult<()> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "Năm {year} nằm ngoài phạm vi lịch ({}–{}).",
            YEARS.start(),
            YEARS.end()
        )))
    }
}

fn check_decision_ref(r: &str) -> AppResult<&str> {
    let r = r.trim();
    if r.is_empty() {
        return Err(AppError::BadRequest(
            "Cần ghi số văn bản công bố lịch nghỉ làm căn cứ (decision_ref).".into(),
        ));
    }
    if r.chars().count() > 255 {
        return Err(AppError::BadRequest(
            "Số văn bản (decision_ref) dài tối đa 255 ký tự.".into(),
        ));
    }
    Ok(r)
}

fn rows_of(entries: &[ScheduleEntry]) -> Vec<HolidayDayRow> {
    entries
        .iter()
        .map(|e| HolidayDayRow {
            on_date: e.date.to_string(),
            kind: e.kind.code().to_string(),
            name: e.name.clone(),
            source: e.source.clone(),
        })
        .collect()
}

/// The calendar in force: the shipped schedules with the stored years on top. A stored year
/// that no longer validates (it was valid when saved) stops the start with its message.
pub(crate) async fn load_calendar(conn: &mut AnyConnection) -> AppResult<HolidayCalendar> {
    let rows = store::all_days(conn).await?;
    let base = HolidayCalendar::embedded();
    if rows.is_empty() {
        return Ok(base);
    }
    let text: String = rows
        .iter()
        .map(|r| {
            format!(
                "{}\t{}\t{}\t{}\t{}\n",
                &r.on_date[..4],
                r.on_date,
                r.kind,
                r.name,
                r.source
            )
        })
        .collect();
    let entries = HolidayCalendar::parse_schedule(&text)
        .and_then(|entries| base.with_schedule(entries))
        .map_err(|e| AppError::Internal(format!("stored holiday schedule is invalid: {e}")))?;
    Ok(entries)
}

impl App {
    /// The working-day calendar in force (shipped schedules plus the administrator's
    /// amendments). Every working-day computation should take this one.
    pub fn calendar(&self) -> Arc<HolidayCalendar> {
        self.calendar
            .read()
            .map(|c| Arc::clone(&c))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    fn set_calendar(&self, calendar: HolidayCalendar) {
        let fresh = Arc::new(calendar);
        match self.calendar.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }

    /// Re-reads the amendments from the database (another node may have made one).
    pub async fn reload_calendar(&self) -> AppResult<Arc<HolidayCalendar>> {
        let mut conn = self.store.reader().await?;
        let calendar = load_calendar(&mut conn).await?;
        drop(conn);
        self.set_calendar(calendar);
        Ok(self.calendar())
    }

    /// The schedule of `year` in force. Everyone signed in.
    pub async fn holiday_year(&self, _actor: &Actor, year: i32) -> AppResult<HolidayYearView> {
        check_year(year)?;
        let mut conn = self.store.reader().await?;
        let info = store::year_info(&mut conn, i64::from(year)).await?;
        drop(conn);
        Ok(self.year_view(&self.calendar(), year, info))
    }

    fn year_view(
        &self,
        calendar: &HolidayCalendar,
        year: i32,
        info: Option<store::HolidayYearRow>,
    ) -> HolidayYearView {
        let entries = calendar.year_entries(year);
        let origin = if info.is_some() {
            "amended"
        } else if calendar.is_scheduled_year(year) {
            "shipped"
        } else {
            "computed"
        };
        let first = time::Date::from_calendar_date(year, time::Month::January, 1).expect("1/1");
        let last = time::Date::from_calendar_date(year, time::Month::December, 31).expect("31/12");
        HolidayYearView {
            year,
            origin: origin.to_string(),
            working_days: calendar.working_days_between(first - time::Duration::days(1), last),
            tsv: schedule_to_tsv(&entries),
            days: entries
                .into_iter()
                .map(|e| HolidayDayView {
                    date: e.date.to_string(),
                    kind: e.kind.code().to_string(),
                    kind_label: kind_label(e.kind).to_string(),
                    name: e.name,
                    source: e.source,
                })
                .collect(),
            amended_at: info.as_ref().map(|i| i.updated_at),
            amended_note: info.map(|i| i.note),
        }
    }

    /// Checks that `actor` is the system administrator (auditing a refusal).
    async fn holiday_admin(
        &self,
        actor: &Actor,
        action: AuditAction,
        year: i32,
        client: &ClientInfo,
    ) -> AppResult<()> {
        self.require_system_admin(
            actor,
            Attempt {
                action,
                about: About::new("holiday_year", year),
                client,
            },
            "only the system administrator amends the holiday schedule",
        )
        .await
    }

    /// Applies `change` to the calendar as stored (read inside the transaction, so two
    /// administrators do not overwrite each other's amendments), stores the year, audits, and
    /// puts the new calendar in force.
    async fn amend(
        &self,
        actor: &Actor,
        action: AuditAction,
        year: i32,
        decision_ref: &str,
        client: &ClientInfo,
        change: impl FnOnce(
            &HolidayCalendar,
        ) -> Result<(HolidayCalendar, Vec<ScheduleEntry>), ScheduleError>,
    ) -> AppResult<HolidayYearView> {
        let mut tx = self.begin_work(actor, client).await?;
        let current = load_calendar(&mut tx).await?;
        let (calendar, entries) = change(&current).map_err(schedule_error)?;
        store::replace_year(
            &mut tx,
            i64::from(year),
            &rows_of(&entries),
            Some(actor.account_id),
            decision_ref,
            self.now_ms(),
        )
        .await?;
        let version = hoso_store::reference::bump(&mut tx, HOLIDAYS).await?;
        tx.audit(
            action,
            About::new("holiday_year", year),
            serde_json::json!({"decision_ref": decision_ref, "days": entries.len()}),
        )
        .await?;
        let info = store::year_info(&mut tx, i64::from(year)).await?;
        tx.commit().await?;
        let view = self.year_view(&calendar, year, info);
        self.set_calendar(calendar);
        self.reference_loaded(HOLIDAYS, version);
        Ok(view)
    }

    /// Replaces the schedule of `year` by the TSV text (the Government announced it). System
    /// administrator only; a refused schedule changes nothing.
    pub async fn put_holiday_year(
        &self,
        actor: &Actor,
        year: i32,
        input: HolidayYearInput,
        client: &ClientInfo,
    ) -> AppResult<HolidayYearView> {
        self.holiday_admin(actor, AuditAction::HolidaysPutYear, year, client)
            .await?;
        check_year(year)?;
        let decision_ref = check_decision_ref(&input.decision_ref)?.to_string();
        let tsv = input.tsv;
        self.amend(
            actor,
            AuditAction::HolidaysPutYear,
            year,
            &decision_ref,
            client,
            |c| c.amend_year(year, &tsv),
        )
        .await
    }

    /// Adds one day (e.g. a newly declared holiday or a swapped day) to `year`.
    pub async fn add_holiday_day(
        &self,
        actor: &Actor,
        year: i32,
        input: HolidayDayInput,
        client: &ClientInfo,
    ) -> AppResult<HolidayYearView> {
        self.holiday_admin(actor, AuditAction::HolidaysAddDay, year, client)
            .await?;
        check_year(year)?;
        let decision_ref = check_decision_ref(&input.decision_ref)?.to_string();
        let date = parse_iso(&input.date)?;
        if date.year() != year {
            return Err(AppError::BadRequest(format!(
                "Ngày {} không thuộc năm {year}.",
                format_date(date)
            )));
        }
        let source = if input.source.trim().is_empty() {
            decision_ref.clone()
        } else {
            input.source.clone()
        };
        self.amend(
            actor,
            AuditAction::HolidaysAddDay,
            year,
            &decision_ref,
            client,
            |c| c.add_day(date, input.kind.trim(), &input.name, &source),
        )
        .await
    }

    /// Removes the entry of one date from `year`.
    pub async fn remove_holiday_day(
        &self,
        actor: &Actor,
        year: i32,
        date: &str,
        input: HolidayRemoval,
        client: &ClientInfo,
    ) -> AppResult<HolidayYearView> {
        self.holiday_admin(actor, AuditAction::HolidaysRemoveDay, year, client)
            .await?;
        check_year(year)?;
        let decision_ref = check_decision_ref(&input.decision_ref)?.to_string();
        let date = parse_iso(date)?;
        if date.year() != year {
            return Err(AppError::BadRequest(format!(
                "Ngày {} không thuộc năm {year}.",
                format_date(date)
            )));
        }
        self.amend(
            actor,
            AuditAction::HolidaysRemoveDay,
            year,
            &decision_ref,
            client,
            |c| c.remove_day(date),
        )
        .await
    }
}
