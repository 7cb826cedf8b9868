//! Where alerts come from. The daily job and the what-if preview load people in batches
//! ([`AlertPerson`]) and ask [`App::alerts_for`] for the alerts of the batch as of a day; the
//! job stores them per person (replacing that person's earlier alerts), the preview shows them.
//!
//! Each source is one function over the batch. To add one — e.g. change requests waiting for
//! verification or approval past their deadline — write
//! `async fn source(app: &App, conn: &mut AnyConnection, people: &[AlertPerson], as_of: Date,
//! calendar: &HolidayCalendar) -> AppResult<Vec<PersonAlert>>` (use
//! [`AlertKind::DeadlineOverdue`], the rule's name in the message, its legal basis and id in
//! `legal_basis`) and call it in [`App::alerts_for`]. Nothing else changes: storage, scope,
//! listing, counts, export and the e-mail digest take every stored alert.

use std::collections::HashMap;

use hoso_domain::alerts::{Alert, AlertConfig, compute_alerts};
use hoso_domain::calendar::HolidayCalendar;
use hoso_domain::late::late_alerts;
use hoso_domain::org::PersonStatus;
use hoso_domain::record_facts;
use hoso_domain::schema::RecordDoc;
use hoso_store::alerts::creation_times;
use hoso_store::{AnyConnection, persons};
use time::Date;

use crate::versions::ISO_DAY;
use crate::{App, AppResult};

/// One person of a batch, with the current record decoded.
pub struct AlertPerson {
    pub id: i64,
    pub unit_id: i64,
    pub status: PersonStatus,
    pub doc: RecordDoc,
    /// The version `doc` is.
    pub version: i64,
    /// When the record last changed.
    pub updated: Option<Date>,
    /// When the record was created.
    pub created: Option<Date>,
    /// When the person's own account was created (`None`: no account).
    pub account_created: Option<Date>,
    /// The person's movements under way or done, for the deadlines on moving the record.
    pub moves: Vec<hoso_domain::late::MoveEvent>,
    /// Their reception from outside the province, their transfer out of it.
    pub handovers: record_facts::Handovers,
}

/// An alert about one person.
pub struct PersonAlert {
    pub person_id: i64,
    pub unit_id: i64,
    pub alert: Alert,
}

pub(crate) fn date_of_ms(ms: i64) -> Option<Date> {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .ok()
        .map(|t| t.to_offset(crate::clock::VIETNAM).date())
}

impl App {
    /// The alert windows and rules, with the configured staleness limit.
    pub(crate) fn alert_config(&self) -> AlertConfig {
        AlertConfig {
            stale_after_days: self.config.record_stale_days,
            ..AlertConfig::default()
        }
    }

    /// Loads `ids` (skipping ids that no longer exist) with their current records.
    pub(crate) async fn load_alert_people(
        &self,
        conn: &mut AnyConnection,
        ids: &[i64],
    ) -> AppResult<Vec<AlertPerson>> {
        let times = creation_times(conn, ids).await?;
        let mut moves = move_events(conn, ids).await?;
        let mut crossings = crossings(conn, ids).await?;
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let Some(person) = persons::get(conn, id).await? else {
                continue;
            };
            let Some(version) = persons::version(conn, id, person.current_version).await? else {
                continue;
            };
            let doc = self.decode_document(conn, &version).await?;
            let mut handovers = crossings.remove(&id).unwrap_or_default();
            if person.status == PersonStatus::TransferredOut.as_str() {
                handovers.departure = departure(conn, id).await?;
            }
            let (created, account) = times.get(&id).copied().unwrap_or((person.updated_at, None));
            out.push(AlertPerson {
                moves: moves.remove(&id).unwrap_or_default(),
                handovers,
                version: person.current_version,
                id,
                unit_id: person.unit_id,
                status: PersonStatus::parse(&person.status).unwrap_or(PersonStatus::Working),
                doc,
                updated: date_of_ms(person.updated_at),
                created: date_of_ms(created),
                account_created: account.and_then(date_of_ms),
            });
        }
        Ok(out)
    }

    /// Every alert of `people` as of `as_of`, from every source, with the calendar in force.
    pub(crate) async fn alerts_for(
        &self,
        conn: &mut AnyConnection,
        people: &[AlertPerson],
        as_of: Date,
    ) -> AppResult<Vec<PersonAlert>> {
        let calendar = self.calendar();
        let mut out = record_alerts(self, people, as_of, &calendar);
        out.extend(deadline_alerts(self, people, as_of, &calendar));
        out.extend(workflow_alerts(self, conn, people, as_of, &calendar).await?);
        Ok(out)
    }
}

/// Source 1: the HR rules over the record's facts (step increase, retirement, probation…,
/// incomplete and stale records).
fn record_alerts(
    app: &App,
    people: &[AlertPerson],
    as_of: Date,
    calendar: &HolidayCalendar,
) -> Vec<PersonAlert> {
    let schema = app.schemas.latest();
    let config = app.alert_config();
    people
        .iter()
        .flat_map(|p| {
            let facts = record_facts::facts(schema, &p.doc, p.status, p.updated);
            compute_alerts(&facts, as_of, calendar, &config)
                .into_iter()
                .map(|alert| PersonAlert {
                    person_id: p.id,
                    unit_id: p.unit_id,
                    alert,
                })
        })
        .collect()
}

/// The movements of `ids` not refused or cancelled, by person: whether each stays within the
/// directly employing agency (both units under the same non-department ancestor-or-self), when
/// it takes effect, and when the record moved.
async fn move_events(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<hoso_domain::late::MoveEvent>>> {
    use hoso_store::movements as store;
    let rows = store::live_of_persons(conn, ids).await?;
    let mut agencies: HashMap<i64, i64> = HashMap::new();
    let mut out: HashMap<i64, Vec<hoso_domain::late::MoveEvent>> = HashMap::new();
    for m in rows {
        let Ok(effective) = Date::parse(
            &m.effective_date,
            time::macros::format_description!("[year]-[month]-[day]"),
        ) else {
            continue;
        };
        let from = agency_of(conn, m.from_unit_id, &mut agencies).await?;
        let to = agency_of(conn, m.to_unit_id, &mut agencies).await?;
        let done_on = (m.state == store::DONE).then(|| {
            m.answered_at
                .and_then(date_of_ms)
                .map_or(effective, |answered| answered.max(effective))
        });
        out.entry(m.person_id)
            .or_default()
            .push(hoso_domain::late::MoveEvent {
                within_agency: from == to,
                effective_date: effective,
                done_on,
            });
    }
    Ok(out)
}

/// The receptions of `ids` from outside the province: the last of each person's.
async fn crossings(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> AppResult<HashMap<i64, record_facts::Handovers>> {
    use hoso_store::handovers as store;
    let mut out: HashMap<i64, record_facts::Handovers> = HashMap::new();
    for h in store::of_persons(conn, ids).await? {
        if h.direction != store::IN {
            continue;
        }
        let (Ok(effective_date), Ok(decided)) = (
            Date::parse(&h.effective_date, ISO_DAY),
            Date::parse(&h.decision_date, ISO_DAY),
        ) else {
            continue;
        };
        let entry = out.entry(h.person_id).or_default();
        if entry
            .arrival
            .is_none_or(|a| a.effective_date <= effective_date)
        {
            entry.arrival = Some(hoso_domain::late::Crossing {
                decided,
                effective_date,
                handed_over: None,
                reported: reported_on(&h),
            });
        }
    }
    Ok(out)
}

fn reported_on(h: &hoso_store::handovers::HandoverRow) -> Option<Date> {
    h.reported_on
        .as_deref()
        .and_then(|d| Date::parse(d, ISO_DAY).ok())
}

/// The transfer out of the province in force of a person who left it, with what followed: the
/// record handed over, the Sở told.
async fn departure(
    conn: &mut AnyConnection,
    person_id: i64,
) -> AppResult<Option<hoso_domain::late::Crossing>> {
    let Some((decision, handover)) = crate::handovers::departure_of(conn, person_id).await? else {
        return Ok(None);
    };
    let (Ok(effective_date), Ok(decided)) = (
        Date::parse(&decision.effective_date, ISO_DAY),
        Date::parse(&decision.decision_date, ISO_DAY),
    ) else {
        return Ok(None);
    };
    Ok(Some(hoso_domain::late::Crossing {
        decided,
        effective_date,
        handed_over: handover.as_ref().and_then(|h| date_of_ms(h.created_at)),
        reported: handover.as_ref().and_then(reported_on),
    }))
}

/// The directly employing agency of a unit: itself, or its nearest ancestor that is not a
/// phòng, ban, khoa.
async fn agency_of(
    conn: &mut AnyConnection,
    unit_id: i64,
    cache: &mut HashMap<i64, i64>,
) -> AppResult<i64> {
    if let Some(a) = cache.get(&unit_id) {
        return Ok(*a);
    }
    let mut current = unit_id;
    for _ in 0..32 {
        let Some(unit) = hoso_store::org::get(conn, current).await? else {
            break;
        };
        match (unit.kind.as_str(), unit.parent_id) {
            ("department", Some(parent)) => current = parent,
            _ => break,
        }
    }
    cache.insert(unit_id, current);
    Ok(current)
}

/// Source 2: the deadline rules in force that a record can show to be late (data entry after
/// joining, the person's account, status changes).
fn deadline_alerts(
    app: &App,
    people: &[AlertPerson],
    as_of: Date,
    calendar: &HolidayCalendar,
) -> Vec<PersonAlert> {
    let schema = app.schemas.latest();
    people
        .iter()
        .flat_map(|p| {
            let timeline = record_facts::timeline(
                schema,
                &p.doc,
                p.status,
                p.created,
                p.account_created,
                p.moves.clone(),
                p.handovers,
            );
            late_alerts(&timeline, as_of, calendar, &app.deadline_rules)
                .into_iter()
                .map(|alert| PersonAlert {
                    person_id: p.id,
                    unit_id: p.unit_id,
                    alert,
                })
        })
        .collect()
}

/// Source 3: change requests waiting for verification, and verified changes waiting for the
/// head's signature, against their deadlines.
async fn workflow_alerts(
    app: &App,
    conn: &mut AnyConnection,
    people: &[AlertPerson],
    as_of: Date,
    calendar: &HolidayCalendar,
) -> AppResult<Vec<PersonAlert>> {
    use hoso_domain::changes::{Waiting, waiting_alert};
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let units: std::collections::HashMap<i64, i64> =
        people.iter().map(|p| (p.id, p.unit_id)).collect();
    let (submitted, unapproved) = hoso_store::approvals::waiting_of(conn, &ids).await?;
    let waiting = submitted
        .into_iter()
        .filter_map(|(person, change_id, at)| {
            Some((
                person,
                Waiting::Verification {
                    change_id,
                    since: date_of_ms(at)?,
                },
            ))
        })
        .chain(unapproved.into_iter().filter_map(|(person, at)| {
            Some((
                person,
                Waiting::Approval {
                    since: date_of_ms(at)?,
                },
            ))
        }));
    let rules = app.deadline_rules.rules();
    Ok(waiting
        .filter(|(_, w)| match w {
            Waiting::Verification { since, .. } | Waiting::Approval { since } => *since <= as_of,
        })
        .filter_map(|(person, w)| {
            let alert = waiting_alert(w, rules, app.config.approval_window_days, as_of, calendar)?;
            Some(PersonAlert {
                person_id: person,
                unit_id: units.get(&person).copied().unwrap_or_default(),
                alert,
            })
        })
        .collect())
}
