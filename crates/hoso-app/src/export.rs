//! Read-only use cases for the web pages: dashboard aggregates over the caller's scope, the
//! organisation tree one level at a time, and list exports that page through the whole scope.
//! Authorization is the caller's read scope, as for every other read.

use hoso_domain::audit_action::AuditAction;
use std::collections::HashMap;

use hoso_domain::national_id::Gender;
use hoso_domain::org::{OrgUnitKind, PersonStatus, is_within};
use hoso_domain::schema::{FieldRole, ProjectedValue};
use hoso_domain::status_decisions::StatusDecisionKind;
use hoso_store::org as org_store;
use hoso_store::persons::Scope;
use hoso_store::report::{self, Dimension, Field, Filter, Measure, ReportQuery, Source};
use serde::Serialize;
use time::Date;

use crate::alerts::{AlertQuery, AlertView};
use crate::records::{PersonQuery, PersonSummary};
use crate::security::{AuditEntryView, AuditQuery};
use crate::work::About;
use crate::{Actor, App, AppResult, ClientInfo};

/// Most rows a list of people exports.
pub const EXPORT_CAP: usize = 50_000;
/// Most rows an alert export holds.
pub const ALERT_EXPORT_CAP: usize = 10_000;
/// Most rows an audit-trail export holds.
pub const AUDIT_EXPORT_CAP: usize = 20_000;

/// A labelled count.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub key: String,
    pub label: String,
    pub count: i64,
}

/// One band of the age pyramid.
#[derive(Debug, Clone, Serialize)]
pub struct AgeBand {
    pub label: String,
    pub men: i64,
    pub women: i64,
}

/// Headcounts of the caller's scope.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// Every record in scope, whatever the status.
    pub total: i64,
    /// People working now.
    pub working: i64,
    pub by_status: Vec<Count>,
    /// Working people, by the top units of the scope.
    pub by_unit: Vec<Count>,
    pub by_gender: Vec<Count>,
    pub by_rank: Vec<Count>,
    pub by_category: Vec<Count>,
    /// Youngest band first.
    pub age_pyramid: Vec<AgeBand>,
    /// The last twelve months, oldest first: how many joined and left (empty when the schema
    /// keeps no personnel events).
    pub changes_by_month: Vec<MonthChanges>,
    /// People at work at the end of each of the last twelve months (today for this one),
    /// oldest first, each as their record stood that day.
    pub working_by_month: Vec<MonthHeadcount>,
}

/// People at work on a month's last day (today for the current month).
#[derive(Debug, Clone, Serialize)]
pub struct MonthHeadcount {
    /// `YYYY-MM`.
    pub month: String,
    /// The day counted (ISO).
    pub day: String,
    pub working: i64,
}

/// Joining (tuyển dụng, tiếp nhận) and leaving (nghỉ hưu, thôi việc) in one month, counted from
/// the rows of the personnel events taking effect in it.
#[derive(Debug, Clone, Serialize)]
pub struct MonthChanges {
    /// `YYYY-MM`.
    pub month: String,
    pub joined: i64,
    pub left: i64,
}

/// The event types that bring someone into the workforce (recruitment, and the row a return
/// writes), and those a retirement or a resignation writes.
const JOINING: [&str; 2] = ["tuyen_dung", StatusDecisionKind::Return.event_type()];
const LEAVING: [&str; 2] = [
    StatusDecisionKind::Retirement.event_type(),
    StatusDecisionKind::Resignation.event_type(),
];

/// A unit in the tree browser.
#[derive(Debug, Clone, Serialize)]
pub struct UnitNode {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub kind_label: String,
    pub dissolved: bool,
    /// Working people in the whole subtree.
    pub staff: i64,
    pub has_children: bool,
}

/// The units at the top of a scope: those of `paths` not within another of them.
fn top_unit_ids(mut paths: Vec<String>) -> Vec<i64> {
    paths.sort();
    paths.dedup();
    paths
        .iter()
        .filter(|p| !paths.iter().any(|o| o != *p && is_within(p, o)))
        .filter_map(|p| {
            p.trim_end_matches('/')
                .rsplit('/')
                .next()
                .and_then(|s| s.parse::<i64>().ok())
        })
        .collect()
}

/// The people counted in a unit and every unit below it, by `children`.
fn subtree_sum(unit: i64, children: &HashMap<i64, Vec<i64>>, counts: &HashMap<i64, i64>) -> i64 {
    let mut total = 0;
    let mut stack = vec![unit];
    let mut seen = std::collections::HashSet::new();
    while let Some(u) = stack.pop() {
        if !seen.insert(u) {
            continue;
        }
        total += counts.get(&u).copied().unwrap_or(0);
        stack.extend(children.get(&u).into_iter().flatten().copied());
    }
    total
}

/// The Vietnamese name of a ngạch / chức danh nghề nghiệp code.
pub fn rank_name(catalogs: &hoso_domain::catalog::Catalogs, code: &str) -> Option<String> {
    catalogs
        .name("ngach_cong_chuc", code)
        .or_else(|| catalogs.name("chuc_danh_nghe_nghiep", code))
        .map(str::to_string)
}

/// The people at work in `scope`, all of them: what the dashboard's breakdowns count.
fn at_work(scope: &Scope) -> ReportQuery {
    ReportQuery {
        source: Source::Persons,
        scope: scope.clone(),
        filters: vec![Filter::Equals(
            Field::Person("status"),
            ProjectedValue::Text(PersonStatus::Working.as_str().into()),
        )],
        columns: Vec::new(),
        dimensions: Vec::new(),
        measures: Vec::new(),
        as_of: None,
        limit: i64::MAX,
        offset: 0,
    }
}

fn gender_label(code: &str) -> &'static str {
    hoso_domain::national_id::Gender::parse(code).map_or("Chưa rõ", |g| g.label_vi())
}

impl App {
    /// Headcounts of everything the caller may read. One grouped query per breakdown.
    pub async fn dashboard(&self, actor: &Actor) -> AppResult<Dashboard> {
        let scope = actor.read_scope();
        let mut conn = self.store.reader().await?;
        let working = Some(PersonStatus::Working.as_str());
        let role = |r: FieldRole| self.role_field(r);
        let by_status_rows = self
            .count_by(&mut conn, &scope, None, Some(Field::Person("status")), None)
            .await?;
        let total = by_status_rows.iter().map(|r| r.1).sum();
        let by_status: Vec<Count> = by_status_rows
            .into_iter()
            .map(|(k, n)| {
                let k = k.unwrap_or_default();
                Count {
                    label: PersonStatus::parse(&k)
                        .map(|s| s.label_vi().to_string())
                        .unwrap_or_else(|| k.clone()),
                    key: k,
                    count: n,
                }
            })
            .collect();
        let working_n = by_status
            .iter()
            .find(|c| c.key == "working")
            .map_or(0, |c| c.count);
        let by_gender = self
            .count_by(&mut conn, &scope, working, role(FieldRole::Sex), None)
            .await?
            .into_iter()
            .map(|(k, n)| {
                let k = k.unwrap_or_default();
                Count {
                    label: gender_label(&k).into(),
                    key: k,
                    count: n,
                }
            })
            .collect();
        let by_category = self
            .count_by(
                &mut conn,
                &scope,
                working,
                role(FieldRole::PersonnelCategory),
                None,
            )
            .await?
            .into_iter()
            .map(|(k, n)| {
                let k = k.unwrap_or_default();
                Count {
                    label: self
                        .schemas
                        .latest()
                        .role_field(FieldRole::PersonnelCategory)
                        .and_then(|(_, f)| f.choice_label(&k))
                        .unwrap_or("Chưa rõ")
                        .into(),
                    key: k,
                    count: n,
                }
            })
            .collect();
        let catalogs = self.catalogs();
        let by_rank = self
            .count_by(
                &mut conn,
                &scope,
                working,
                role(FieldRole::RankOrTitle),
                None,
            )
            .await?
            .into_iter()
            .take(12)
            .map(|(k, n)| {
                let k = k.unwrap_or_default();
                Count {
                    label: if k.is_empty() {
                        "Chưa xếp ngạch".into()
                    } else {
                        rank_name(&catalogs, &k)
                            .map_or_else(|| k.clone(), |name| format!("{name} ({k})"))
                    },
                    key: k,
                    count: n,
                }
            })
            .collect();

        // Age pyramid of the people at work, in ten-year bands of completed years (as the
        // report builder counts them), by sex: one grouped query.
        let pyramid = hoso_domain::age::DECADE_AGE_BANDS;
        let mut bands: Vec<AgeBand> = (0..pyramid.len())
            .map(|band| AgeBand {
                label: pyramid.label(band),
                men: 0,
                women: 0,
            })
            .collect();
        if let (Some(sex), Some(birth)) = (role(FieldRole::Sex), role(FieldRole::BirthDate)) {
            let query = ReportQuery {
                dimensions: vec![
                    Dimension::Field(sex),
                    Dimension::Bands(
                        birth,
                        pyramid
                            .latest_dates(self.today())
                            .iter()
                            .map(|d| d.to_string())
                            .collect(),
                    ),
                ],
                measures: vec![Measure::Count],
                ..at_work(&scope)
            };
            for row in report::run(&mut conn, &self.layout, &query).await?.rows {
                let (Some(ProjectedValue::Text(sex)), Some(ProjectedValue::Integer(band))) =
                    (&row[0], &row[1])
                else {
                    continue;
                };
                let n = row[2]
                    .as_ref()
                    .and_then(ProjectedValue::as_integer)
                    .unwrap_or(0);
                let Some(band) = usize::try_from(*band).ok().and_then(|b| bands.get_mut(b)) else {
                    continue;
                };
                match Gender::parse(sex) {
                    Some(Gender::Male) => band.men += n,
                    Some(Gender::Female) => band.women += n,
                    None => {}
                }
            }
        }

        // Working people by the top units of the scope (the children of each scope root).
        let unit_counts = self
            .count_by(
                &mut conn,
                &scope,
                working,
                Some(Field::Person("unit_id")),
                None,
            )
            .await?;
        let roots: Vec<String> = match actor.unit_paths() {
            None => org_store::roots(&mut conn)
                .await?
                .into_iter()
                .map(|u| u.path)
                .collect(),
            Some(paths) => paths,
        };
        let mut units: HashMap<i64, org_store::OrgUnitRow> = HashMap::new();
        for root in &roots {
            for u in org_store::subtree(&mut conn, root).await? {
                units.insert(u.id, u);
            }
        }
        let by_path: HashMap<&str, &org_store::OrgUnitRow> =
            units.values().map(|u| (u.path.as_str(), u)).collect();
        let mut tops: HashMap<i64, i64> = HashMap::new();
        for (unit_id, n) in unit_counts {
            let Some(unit) = unit_id
                .and_then(|s| s.parse::<i64>().ok())
                .and_then(|id| units.get(&id))
            else {
                continue;
            };
            let Some(root) = roots.iter().find(|r| is_within(&unit.path, r)) else {
                continue;
            };
            // The ancestor one level below the root (or the root itself).
            let rest = &unit.path[root.len()..];
            let top = match rest.split('/').find(|s| !s.is_empty()) {
                Some(seg) => by_path
                    .get(format!("{root}{seg}/").as_str())
                    .map_or(unit.id, |u| u.id),
                None => unit.id,
            };
            *tops.entry(top).or_default() += n;
        }
        let mut by_unit: Vec<Count> = tops
            .into_iter()
            .map(|(id, n)| Count {
                key: id.to_string(),
                label: units.get(&id).map(|u| u.name.clone()).unwrap_or_default(),
                count: n,
            })
            .collect();
        by_unit.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        by_unit.truncate(10);

        let changes_by_month = self.changes_by_month(&mut conn, &scope).await?;
        let working_by_month = self.working_by_month(&mut conn, &scope).await?;
        Ok(Dashboard {
            changes_by_month,
            working_by_month,
            total,
            working: working_n,
            by_status,
            by_unit,
            by_gender,
            by_rank,
            by_category,
            age_pyramid: bands,
        })
    }

    /// People at work at the end of each of the last twelve months, from their states then.
    async fn working_by_month(
        &self,
        conn: &mut hoso_store::AnyConnection,
        scope: &Scope,
    ) -> AppResult<Vec<MonthHeadcount>> {
        let days = hoso_domain::calendar::month_ends_to(self.today(), 12);
        let query = at_work(scope);
        let iso: Vec<String> = days.iter().map(Date::to_string).collect();
        let counts = report::counts_on_days(conn, &self.layout, &query, &iso).await?;
        Ok(days
            .iter()
            .zip(iso)
            .zip(counts)
            .map(|((d, day), working)| MonthHeadcount {
                month: format!("{:04}-{:02}", d.year(), u8::from(d.month())),
                day,
                working,
            })
            .collect())
    }

    /// Joining and leaving in each of the last twelve months (this one included), from the
    /// personnel events of the people in `scope`.
    async fn changes_by_month(
        &self,
        conn: &mut hoso_store::AnyConnection,
        scope: &Scope,
    ) -> AppResult<Vec<MonthChanges>> {
        let tracked = self
            .schemas
            .latest()
            .history_columns()
            .any(|c| c.section.id == hoso_domain::movements::EVENTS && c.name == "event_type");
        if !tracked {
            return Ok(Vec::new());
        }
        let today = self.today();
        let months: Vec<String> = (0..12)
            .rev()
            .map(|back| {
                let index = today.year() * 12 + i32::from(u8::from(today.month())) - 1 - back;
                format!(
                    "{:04}-{:02}",
                    index.div_euclid(12),
                    index.rem_euclid(12) + 1
                )
            })
            .collect();
        let query = ReportQuery {
            source: Source::History {
                section: hoso_domain::movements::EVENTS.into(),
            },
            scope: scope.clone(),
            filters: vec![
                Filter::Between(
                    Field::Period("valid_from"),
                    Some(ProjectedValue::Text(format!("{}-01", months[0]))),
                    Some(ProjectedValue::Text(today.to_string())),
                ),
                Filter::In(
                    Field::Projected("event_type".into()),
                    JOINING
                        .iter()
                        .chain(&LEAVING)
                        .map(|t| ProjectedValue::Text((*t).into()))
                        .collect(),
                ),
            ],
            columns: Vec::new(),
            dimensions: vec![
                Dimension::MonthOf(Field::Period("valid_from")),
                Dimension::Field(Field::Projected("event_type".into())),
            ],
            measures: vec![Measure::Count],
            as_of: None,
            limit: i64::MAX,
            offset: 0,
        };
        let rows = report::run(conn, &self.layout, &query).await?;
        let mut out: Vec<MonthChanges> = months
            .into_iter()
            .map(|month| MonthChanges {
                month,
                joined: 0,
                left: 0,
            })
            .collect();
        for row in rows.rows {
            let (Some(ProjectedValue::Text(month)), Some(ProjectedValue::Text(kind))) =
                (&row[0], &row[1])
            else {
                continue;
            };
            let n = row[2]
                .as_ref()
                .and_then(ProjectedValue::as_integer)
                .unwrap_or(0);
            if let Some(m) = out.iter_mut().find(|m| m.month == *month) {
                if JOINING.contains(&kind.as_str()) {
                    m.joined += n;
                } else {
                    m.left += n;
                }
            }
        }
        Ok(out)
    }

    /// The projected column of a role, as a report field (`None` when not projected).
    fn role_field(&self, role: FieldRole) -> Option<Field> {
        let c = self.schemas.latest().role_column(role)?;
        Some(Field::Projected(c.name.to_string()))
    }

    /// People in `scope` (optionally of one status) counted by one field (the year, for a
    /// date); largest groups first. Nothing when the schema does not project the field.
    async fn count_by(
        &self,
        conn: &mut hoso_store::AnyConnection,
        scope: &Scope,
        status: Option<&str>,
        by: Option<Field>,
        filter: Option<Filter>,
    ) -> AppResult<Vec<(Option<String>, i64)>> {
        let Some(by) = by else {
            return Ok(Vec::new());
        };
        let dated = matches!(&by, Field::Projected(name)
            if self.schemas.latest().projected_columns().any(|c| c.name == name
                && c.kind == hoso_domain::schema::ProjectedKind::Date));
        let mut filters: Vec<Filter> = filter.into_iter().collect();
        if let Some(s) = status {
            filters.push(Filter::Equals(
                Field::Person("status"),
                ProjectedValue::Text(s.into()),
            ));
        }
        let query = ReportQuery {
            source: Source::Persons,
            scope: scope.clone(),
            filters,
            columns: Vec::new(),
            dimensions: vec![if dated {
                Dimension::YearOf(by)
            } else {
                Dimension::Field(by)
            }],
            measures: vec![Measure::Count],
            as_of: None,
            limit: i64::MAX,
            offset: 0,
        };
        let rows = report::run(conn, &self.layout, &query).await?;
        let mut out: Vec<(Option<String>, i64)> = rows
            .rows
            .into_iter()
            .map(|row| {
                let key = row[0].as_ref().map(|v| match v {
                    ProjectedValue::Text(s) => s.clone(),
                    ProjectedValue::Integer(n) => n.to_string(),
                });
                let n = row[1]
                    .as_ref()
                    .and_then(ProjectedValue::as_integer)
                    .unwrap_or(0);
                (key, n)
            })
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(out)
    }

    /// The units directly below `parent` (the caller's top units when `None`), each with the
    /// working staff of its whole subtree. Lets a browser open a 5,000-unit tree one level at a
    /// time.
    pub async fn org_children(
        &self,
        actor: &Actor,
        parent: Option<i64>,
    ) -> AppResult<Vec<UnitNode>> {
        let mut conn = self.store.reader().await?;
        let units = match parent {
            None => match actor.unit_paths() {
                None => org_store::roots(&mut conn).await?,
                Some(paths) => {
                    let mut out = Vec::new();
                    for id in top_unit_ids(paths) {
                        if let Some(unit) = org_store::get(&mut conn, id).await? {
                            out.push(unit);
                        }
                    }
                    out
                }
            },
            Some(id) => {
                self.visible_unit(actor, id).await?;
                org_store::children(&mut conn, id).await?
            }
        };
        let mut out = Vec::with_capacity(units.len());
        for u in units {
            let staff = org_store::count_people_in_subtree(&mut conn, &u.path).await?;
            let has_children = !org_store::children(&mut conn, u.id).await?.is_empty();
            out.push(UnitNode {
                id: u.id,
                kind_label: OrgUnitKind::parse(&u.kind)
                    .map(|k| k.label_vi().to_string())
                    .unwrap_or_default(),
                name: u.name,
                code: u.code,
                dissolved: u.dissolved_on.is_some(),
                staff,
                has_children,
            });
        }
        Ok(out)
    }

    /// [`App::org_children`] as the tree stood on `day`: the units that existed then, under
    /// the parents and with the names and kinds of that day, each with the people at work in
    /// its subtree of that day (from the records' states, `person_states`). Which units the
    /// caller may open is decided by today's rights: a unit administrator sees the past of the
    /// units they keep now.
    pub async fn org_children_on(
        &self,
        actor: &Actor,
        parent: Option<i64>,
        day: Date,
    ) -> AppResult<Vec<UnitNode>> {
        let mut conn = self.store.reader().await?;
        let iso = day.to_string();
        let tree = org_store::tree_on(&mut conn, &iso).await?;
        let ids: Vec<i64> = match parent {
            None => match actor.unit_paths() {
                None => tree
                    .values()
                    .filter(|u| u.parent_id.is_none())
                    .map(|u| u.id)
                    .collect(),
                Some(paths) => top_unit_ids(paths)
                    .into_iter()
                    .filter(|id| tree.contains_key(id))
                    .collect(),
            },
            Some(id) => {
                self.visible_unit(actor, id).await?;
                tree.values()
                    .filter(|u| u.parent_id == Some(id) && tree.contains_key(&id))
                    .map(|u| u.id)
                    .collect()
            }
        };
        let working = hoso_store::states::working_by_unit_on(&mut conn, &iso).await?;
        let codes: HashMap<i64, String> = org_store::get_many(&mut conn, &ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u.code))
            .collect();
        drop(conn);
        let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
        for u in tree.values() {
            if let Some(p) = u.parent_id {
                children.entry(p).or_default().push(u.id);
            }
        }
        let mut out: Vec<UnitNode> = ids
            .iter()
            .filter_map(|id| tree.get(id))
            .map(|u| UnitNode {
                id: u.id,
                name: u.name.clone(),
                code: codes.get(&u.id).cloned().unwrap_or_default(),
                kind_label: OrgUnitKind::parse(&u.kind)
                    .map(|k| k.label_vi().to_string())
                    .unwrap_or_default(),
                dissolved: false,
                staff: subtree_sum(u.id, &children, &working),
                has_children: children.get(&u.id).is_some_and(|c| !c.is_empty()),
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Names of the units a record the caller has been shown links to (its unit, the managing
    /// agency…), whether or not the caller sees those units: the record names them, so its
    /// reader may know their names (a school's HR officer reads "Xã Đạ Huoai", not a number).
    /// Only ids taken from `view` itself are named.
    pub async fn linked_unit_names(
        &self,
        view: &crate::records::PersonView,
    ) -> AppResult<HashMap<i64, String>> {
        let mut ids = vec![view.unit_id];
        for (section, field) in self.schemas().latest().fields() {
            if field.kind != hoso_domain::schema::FieldKind::OrgUnit || section.repeating {
                continue;
            }
            if let Some(id) = view
                .record
                .get(&section.id)
                .and_then(|s| s.get(&field.id))
                .and_then(serde_json::Value::as_i64)
            {
                ids.push(id);
            }
        }
        let mut out = HashMap::new();
        let mut conn = self.store.reader().await?;
        for id in ids {
            if !out.contains_key(&id)
                && let Some(unit) = org_store::get(&mut conn, id).await?
            {
                out.insert(id, unit.name);
            }
        }
        Ok(out)
    }

    /// Names of the units of records the caller has already been shown (list rows carry unit
    /// ids): one primary-key lookup per distinct unit, instead of loading the whole tree.
    pub async fn unit_names(
        &self,
        actor: &Actor,
        ids: Vec<i64>,
    ) -> AppResult<HashMap<i64, String>> {
        let caps = actor.capabilities();
        let mut out = HashMap::new();
        let mut conn = self.store.reader().await?;
        for id in ids {
            if out.contains_key(&id) {
                continue;
            }
            if let Some(unit) = org_store::get(&mut conn, id).await?
                && caps.may_name_unit(&unit.path)
            {
                // The parent is named too: "Văn phòng" alone exists in every Sở.
                out.insert(id, org_store::label_of(&mut conn, &unit).await?);
            }
        }
        Ok(out)
    }

    /// Every person of the current list (all pages, within the caller's scope, at most
    /// [`EXPORT_CAP`]), and whether the list was cut there. One audit entry for the whole
    /// export: what was asked for and how many records left the system.
    pub async fn export_persons(
        &self,
        actor: &Actor,
        mut query: PersonQuery,
        client: &ClientInfo,
    ) -> AppResult<(Vec<PersonSummary>, bool)> {
        let filters = serde_json::json!({
            "name_search": query.q.as_deref().is_some_and(|q| !q.trim().is_empty()),
            "unit": query.unit, "status": query.status, "grade": query.grade,
            "category": query.category, "gender": query.gender, "sort": query.sort,
        });
        // Each page follows the last row of the one before (keyset paging): the thousandth
        // page costs what the first does, and the count, however capped, plays no part.
        query.page = None;
        query.before = None;
        query.after = None;
        query.per_page = Some(crate::Paging::MAX_PER_PAGE);
        let mut items = Vec::new();
        let truncated = loop {
            let batch = self.list_persons(actor, query.clone()).await?;
            items.extend(batch.items);
            if items.len() >= EXPORT_CAP {
                let more = items.len() > EXPORT_CAP || batch.next.is_some();
                items.truncate(EXPORT_CAP);
                break more;
            }
            match batch.next {
                Some(next) => query.after = Some(next),
                None => break false,
            }
        };
        let rows = (items, truncated);
        self.audit_export(
            actor,
            AuditAction::PersonsExport,
            "person",
            &rows,
            filters,
            client,
        )
        .await?;
        Ok(rows)
    }

    /// Every alert of the filter (or of the preview for another day), at most
    /// [`ALERT_EXPORT_CAP`]. Audited once.
    pub async fn export_alerts(
        &self,
        actor: &Actor,
        mut query: AlertQuery,
        preview: bool,
        client: &ClientInfo,
    ) -> AppResult<(Vec<AlertView>, bool)> {
        let filters = serde_json::json!({
            "kind": query.kind, "unit": query.unit, "due_before": query.due_before,
            "preview_date": query.date, "handled": query.handled,
        });
        let rows = collect_pages(ALERT_EXPORT_CAP, |page, per_page| {
            query.page = Some(page);
            query.per_page = Some(per_page);
            let query = query.clone();
            async move {
                let batch = if preview {
                    self.preview_alerts(actor, query).await?
                } else {
                    self.list_alerts(actor, query).await?
                };
                Ok((batch.items, batch.total))
            }
        })
        .await?;
        self.audit_export(
            actor,
            AuditAction::AlertsExport,
            "person",
            &rows,
            filters,
            client,
        )
        .await?;
        Ok(rows)
    }

    /// Every audit entry of the filter, at most [`AUDIT_EXPORT_CAP`]. Audited once.
    pub async fn export_audit_entries(
        &self,
        actor: &Actor,
        mut query: AuditQuery,
        client: &ClientInfo,
    ) -> AppResult<(Vec<AuditEntryView>, bool)> {
        let filters = serde_json::json!({
            "actor": query.actor, "action": query.action, "target_kind": query.target_kind,
            "target_id": query.target_id, "from": query.from, "to": query.to,
        });
        let rows = collect_pages(AUDIT_EXPORT_CAP, |page, per_page| {
            query.page = Some(page);
            query.per_page = Some(per_page);
            let query = query.clone();
            async move {
                let batch = self.audit_entries(actor, query, client).await?;
                Ok((batch.items, batch.total))
            }
        })
        .await?;
        self.audit_export(
            actor,
            AuditAction::AuditExport,
            "audit",
            &rows,
            filters,
            client,
        )
        .await?;
        Ok(rows)
    }

    /// The one audit entry of an export: its kind, the filters, the rows and whether the list
    /// was cut at its cap. Never the rows themselves.
    async fn audit_export<T>(
        &self,
        actor: &Actor,
        action: AuditAction,
        target_kind: &str,
        (rows, truncated): &(Vec<T>, bool),
        filters: serde_json::Value,
        client: &ClientInfo,
    ) -> AppResult<()> {
        let mut work = self.begin_work(actor, client).await?;
        work.audit(
            action,
            About::kind(target_kind),
            serde_json::json!({
                "rows": rows.len(), "truncated": truncated, "filters": filters,
            }),
        )
        .await?;
        work.commit().await?;
        Ok(())
    }
}

/// Reads page after page (of [`crate::Paging::MAX_PER_PAGE`]) until the list ends or `cap`
/// rows are held; says whether rows were left out.
async fn collect_pages<T, F, Fut>(cap: usize, mut read: F) -> AppResult<(Vec<T>, bool)>
where
    F: FnMut(i64, i64) -> Fut,
    Fut: std::future::Future<Output = AppResult<(Vec<T>, i64)>>,
{
    let per_page = crate::Paging::MAX_PER_PAGE;
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let (items, total) = read(page, per_page).await?;
        let n = items.len();
        out.extend(items);
        if out.len() >= cap {
            let truncated = total > cap as i64;
            out.truncate(cap);
            return Ok((out, truncated));
        }
        if (n as i64) < per_page || out.len() as i64 >= total {
            return Ok((out, false));
        }
        page += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::collect_pages;

    /// Pages of `per_page` numbers out of `matches`, the count given as `told`.
    async fn read(
        matches: i64,
        told: i64,
        page: i64,
        per_page: i64,
    ) -> crate::AppResult<(Vec<i64>, i64)> {
        let from = (page - 1) * per_page;
        Ok(((from..matches.min(from + per_page)).collect(), told))
    }

    #[tokio::test]
    async fn an_export_reads_every_page_to_its_cap_whatever_the_count_says() {
        // Counted in full: every match, not cut.
        let (rows, cut) = collect_pages(50_000, |p, n| read(12_345, 12_345, p, n))
            .await
            .unwrap();
        assert_eq!((rows.len(), cut), (12_345, false));
        // Counted only so far ("more than"): read on past the count until the pages end.
        let (rows, cut) = collect_pages(50_000, |p, n| read(12_345, i64::MAX, p, n))
            .await
            .unwrap();
        assert_eq!((rows.len(), cut), (12_345, false));
        assert_eq!(rows.last(), Some(&12_344));
        // More than the export's cap: cut there, and said so.
        let (rows, cut) = collect_pages(5_000, |p, n| read(12_345, i64::MAX, p, n))
            .await
            .unwrap();
        assert_eq!((rows.len(), cut), (5_000, true));
    }
}
