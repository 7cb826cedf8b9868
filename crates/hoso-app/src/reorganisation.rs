//! Reorganisation of the tree (issue 14 item 3): units merged into one (existing or established
//! by the decision) or one unit split into several with the list of who goes where, by one
//! decision, in ONE unit of work: the units created, moved and dissolved with their history
//! ("merged into", "split into"), every record kept by a source moved through the version writer
//! (a new version with the decision in its work history, `Provenance::Reorganisation`), the
//! records of the sub-units that change agency revised, and the grants held over a source
//! carried to its successor or revoked as the operation says. Personal accounts follow their
//! person by themselves: their grant names the person, not a unit.
//!
//! A dry run is the same work rolled back instead of committed, so its preview is exactly what
//! the real run does (every record validated included) and it writes nothing, audit included.
//! The rules of a plan are `hoso_domain::reorganisation`'s.

use std::collections::{BTreeMap, HashMap};

use hoso_domain::access::Role;
use hoso_domain::audit_action::AuditAction;
use hoso_domain::org::{OrgUnitKind, PersonStatus};
use hoso_domain::reorganisation::{
    self as rules, Decision, Destination, OperationKind, Part, Plan, PlanError, Surroundings,
    UnitFacts,
};
use hoso_domain::schema::FieldRole;
use hoso_store::org::{self as org_store, OrgUnitRow};
use hoso_store::{accounts, persons};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;
use utoipa::ToSchema;

use crate::authz::{Attempt, Capability};
use crate::movements::{day_vi, unit_label};
use crate::records::{agency_of_path, managing_agency_of};
use crate::versions::{NewVersion, Provenance};
use crate::work::{About, Work};
use crate::{Actor, App, AppError, AppResult, ClientInfo};

/// A unit of the operation: one that exists, or one the decision establishes.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum UnitChoice {
    /// An existing unit, by id.
    Existing { id: i64 },
    /// A unit established by the decision, from its effective date.
    New {
        parent_id: i64,
        code: String,
        name: String,
        /// administrative_agency, commune, public_service_unit, department.
        kind: String,
    },
}

/// One part of a split.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitPart {
    pub unit: UnitChoice,
    /// The records of the split unit going to this part.
    #[serde(default)]
    pub person_ids: Vec<i64>,
    /// The child units of the split unit going under this part.
    #[serde(default)]
    pub unit_ids: Vec<i64>,
    /// Whether the staff grants held over the split unit (HR officer, head, viewer) are given
    /// over this part too; otherwise they are revoked.
    #[serde(default)]
    pub carry_over_grants: bool,
}

/// What is done.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Operation {
    /// Sáp nhập, hợp nhất: every source, its people and its child units into `into`; the
    /// sources are dissolved.
    Merge {
        sources: Vec<i64>,
        into: UnitChoice,
        /// Whether the staff grants held over a source (HR officer, head, viewer) go over to
        /// `into`; otherwise they are revoked.
        #[serde(default)]
        carry_over_grants: bool,
    },
    /// Chia tách: the source's people and child units into the parts, as listed; the source is
    /// dissolved. Everyone must be listed.
    Split { source: i64, parts: Vec<SplitPart> },
}

/// The decision behind the operation.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub number: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[serde(default)]
    pub signer: Option<String>,
    /// `YYYY-MM-DD`, not after today: the tree shows what is.
    pub effective_date: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reorganise {
    pub operation: Operation,
    pub decision: DecisionInput,
    /// Show what would change, change nothing.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitLine {
    /// `None` for a unit a dry run would create.
    pub id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind_label: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitMoveLine {
    pub id: i64,
    pub name: String,
    pub from_parent: String,
    pub to_parent: String,
}

/// How many records go from one unit to another.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeopleFlow {
    pub from_unit_id: i64,
    pub from_unit: String,
    /// `None` for a unit a dry run would create.
    pub to_unit_id: Option<i64>,
    pub to_unit: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrantLine {
    pub grant_id: i64,
    pub username: String,
    pub role: String,
    pub role_label: String,
    pub from_unit: String,
    /// Empty for a revoked grant.
    pub to_unit: String,
}

/// What a reorganisation changes (a dry run: would change).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReorganisationPreview {
    pub dry_run: bool,
    /// The reorganisation written (`None` for a dry run): the records' versions name it.
    pub reorganisation_id: Option<i64>,
    /// `merge` or `split`.
    pub kind: String,
    pub kind_label: String,
    pub decision_number: String,
    pub effective_date: String,
    pub units_created: Vec<UnitLine>,
    pub units_dissolved: Vec<UnitLine>,
    /// Child units of the sources moved under their new parent.
    pub units_moved: Vec<UnitMoveLine>,
    pub people_moving: Vec<PeopleFlow>,
    pub people_total: usize,
    /// Records kept in moved child units whose managing agency changes (a new version each).
    pub records_revised: usize,
    pub grants_carried: Vec<GrantLine>,
    pub grants_removed: Vec<GrantLine>,
}

/// A refusal after the rights check: the error the caller reads and the code the audit keeps.
struct Refusal {
    reason: &'static str,
    error: AppError,
}

impl From<AppError> for Refusal {
    fn from(error: AppError) -> Refusal {
        Refusal {
            reason: error.code(),
            error,
        }
    }
}

impl From<hoso_store::StoreError> for Refusal {
    fn from(e: hoso_store::StoreError) -> Refusal {
        AppError::from(e).into()
    }
}

impl From<PlanError> for Refusal {
    fn from(e: PlanError) -> Refusal {
        Refusal {
            reason: e.code(),
            error: AppError::BadRequest(e.to_string()),
        }
    }
}

fn bad(reason: &'static str, message: String) -> Refusal {
    Refusal {
        reason,
        error: AppError::BadRequest(message),
    }
}

fn parse_day(s: &str, what: &str) -> Result<Date, Refusal> {
    hoso_domain::typed_date::parse_named(s, what).map_err(|m| bad("bad_date", m))
}

fn kind_of(s: &str) -> Result<OrgUnitKind, Refusal> {
    // A reorganisation never sets up a district: the level is gone.
    if OrgUnitKind::parse(s.trim()) == Some(OrgUnitKind::District) {
        let why = OrgUnitKind::District
            .check_set_up_on(hoso_domain::org::DISTRICT_LEVEL_ENDED)
            .err()
            .unwrap_or_default();
        return Err(bad("bad_kind", why));
    }
    OrgUnitKind::parse(s.trim())
        .filter(|k| *k != OrgUnitKind::Province)
        .ok_or_else(|| {
            bad(
                "bad_kind",
                format!(
                    "Loại đơn vị '{}' không hợp lệ. Chọn: administrative_agency, commune, public_service_unit, department.",
                    s.trim()
                ),
            )
        })
}

/// The units an operation names, each once: sources, existing units receiving, and the parents
/// of the units it establishes.
fn units_named(op: &Operation) -> Vec<i64> {
    let choice = |c: &UnitChoice| match c {
        UnitChoice::Existing { id } => *id,
        UnitChoice::New { parent_id, .. } => *parent_id,
    };
    let mut ids: Vec<i64> = match op {
        Operation::Merge { sources, into, .. } => {
            sources.iter().copied().chain([choice(into)]).collect()
        }
        Operation::Split { source, parts } => std::iter::once(*source)
            .chain(parts.iter().map(|p| choice(&p.unit)))
            .collect(),
    };
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
    ids
}

/// The units that receive the grants of a source: (the unit, or the parent of a new one; new).
fn grant_receivers(op: &Operation) -> Vec<(i64, bool)> {
    let of = |c: &UnitChoice| match c {
        UnitChoice::Existing { id } => (*id, false),
        UnitChoice::New { parent_id, .. } => (*parent_id, true),
    };
    match op {
        Operation::Merge {
            into,
            carry_over_grants: true,
            ..
        } => vec![of(into)],
        Operation::Merge { .. } => vec![],
        Operation::Split { parts, .. } => parts
            .iter()
            .filter(|p| p.carry_over_grants)
            .map(|p| of(&p.unit))
            .collect(),
    }
}

fn unit_facts(u: &OrgUnitRow) -> UnitFacts {
    UnitFacts {
        id: u.id,
        parent_id: u.parent_id,
        path: u.path.clone(),
        name: u.name.clone(),
        kind: OrgUnitKind::parse(&u.kind).unwrap_or(OrgUnitKind::Department),
        dissolved: u.dissolved_on.is_some(),
    }
}

fn kind_label(kind: &str) -> String {
    OrgUnitKind::parse(kind)
        .map(|k| k.label_vi().to_string())
        .unwrap_or_default()
}

fn line(u: &OrgUnitRow, known: bool) -> UnitLine {
    UnitLine {
        id: known.then_some(u.id),
        code: u.code.clone(),
        name: u.name.clone(),
        kind_label: kind_label(&u.kind),
    }
}

/// The decision, checked.
struct CheckedDecision {
    number: String,
    date: Date,
    signer: Option<String>,
    effective: Date,
}

impl App {
    /// Merges or splits units by one decision (or shows what it would do: `dry_run`). Rights
    /// first (404 outside what the actor sees, an audited 403 inside it without the right to
    /// manage units over every unit named), then the plan; a refused operation changes nothing
    /// and is audited (`org.reorganise.refused` with the reason), but for a dry run.
    pub async fn reorganise(
        &self,
        actor: &Actor,
        input: Reorganise,
        client: &ClientInfo,
    ) -> AppResult<ReorganisationPreview> {
        self.require_reorganisation_rights(actor, &input.operation, client)
            .await?;
        let dry_run = input.dry_run;
        match self.reorganise_in(actor, &input, client).await {
            Ok((work, preview)) => {
                if dry_run {
                    work.rollback().await?;
                } else {
                    work.commit().await?;
                }
                Ok(preview)
            }
            Err(refusal) => {
                if !dry_run && !matches!(refusal.error, AppError::Internal(_)) {
                    // Kept on the first unit named, where its history is looked for.
                    let first = units_named(&input.operation).first().copied().unwrap_or(0);
                    let mut work = self.begin_work(actor, client).await?;
                    work.audit_refusal(
                        AuditAction::OrgReorganise,
                        About::new("org_unit", first),
                        refusal.reason,
                    )
                    .await?;
                    work.commit().await?;
                }
                Err(refusal.error)
            }
        }
    }

    /// Refuses an actor who may not manage units over every unit the operation names, or who
    /// would carry grants over to a unit it does not administer from above (approval and unit
    /// administration are given only from above: separation of duties).
    pub async fn require_reorganisation_rights(
        &self,
        actor: &Actor,
        op: &Operation,
        client: &ClientInfo,
    ) -> AppResult<()> {
        let attempt = || Attempt {
            action: AuditAction::OrgReorganise,
            about: About::kind("org_unit"),
            client,
        };
        let mut conn = self.store.reader().await?;
        let mut paths = HashMap::new();
        for id in units_named(op) {
            let unit = self
                .require_unit(&mut conn, actor, Capability::ManageUnits, id, attempt())
                .await?;
            paths.insert(id, unit.path);
        }
        drop(conn);
        for (id, new) in grant_receivers(op) {
            let path = &paths[&id];
            let allowed = if new {
                actor.administers(Some(path.as_str()))
            } else {
                actor.administers_from_above(path)
            };
            if !allowed {
                return Err(self
                    .refusal(actor, attempt(), "grants_not_from_above")
                    .await);
            }
        }
        Ok(())
    }

    /// The whole operation in one unit of work, returned uncommitted with its preview.
    async fn reorganise_in<'c>(
        &self,
        actor: &Actor,
        input: &Reorganise,
        client: &'c ClientInfo,
    ) -> Result<(Work<'c>, ReorganisationPreview), Refusal> {
        let decision = self.checked_decision(&input.decision)?;
        let (plan, new_units) = plan_of(&input.operation)?;
        let kind = match &plan {
            Plan::Merge { .. } => OperationKind::Merge,
            Plan::Split { .. } => OperationKind::Split,
        };
        let mut work = self.begin_work(actor, client).await?;
        // Read inside the unit of work, so that what is checked is what is changed.
        let around = surroundings(&mut work, &plan).await?;
        let assignment = rules::check(&plan, &around)?;
        for source in &assignment.dissolved {
            let open = org_store::open_movements_touching(&mut work, *source).await?;
            if open > 0 {
                return Err(Refusal {
                    reason: "open_movements",
                    error: AppError::Conflict(format!(
                        "Còn {open} quyết định điều chuyển chưa hoàn tất đi hoặc đến \"{}\": hoàn tất hoặc hủy trước khi sắp xếp đơn vị.",
                        around.units[source].name
                    )),
                });
            }
        }
        let at = work.at;
        let effective = decision.effective.to_string();
        let decision_ref = decision.number.as_str();
        let plan_json = serde_json::to_string(&input.operation)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let reorganisation_id = org_store::insert_reorganisation(
            &mut work,
            org_store::NewReorganisation {
                kind: kind.as_str(),
                decision_number: decision_ref,
                decision_date: &decision.date.to_string(),
                signer: decision.signer.as_deref(),
                effective_date: &effective,
                plan: &plan_json,
                actor_id: Some(actor.account_id),
                at,
            },
        )
        .await?;
        let mut preview = ReorganisationPreview {
            dry_run: input.dry_run,
            reorganisation_id: (!input.dry_run).then_some(reorganisation_id),
            kind: kind.as_str().into(),
            kind_label: kind.label_vi().into(),
            decision_number: decision.number.clone(),
            effective_date: effective.clone(),
            units_created: vec![],
            units_dissolved: vec![],
            units_moved: vec![],
            people_moving: vec![],
            people_total: assignment.people.len(),
            records_revised: 0,
            grants_carried: vec![],
            grants_removed: vec![],
        };

        // The receiving units, established first when the decision establishes them.
        let mut destinations: Vec<OrgUnitRow> = Vec::new();
        for (i, d) in assignment.destinations.iter().enumerate() {
            let row = match d {
                Destination::Existing(id) => org_store::get(&mut work, *id)
                    .await?
                    .ok_or_else(AppError::unit_not_found)?,
                Destination::New {
                    parent_id,
                    name,
                    kind,
                } => {
                    let code = new_units[i].as_deref().unwrap_or_default();
                    if org_store::get_by_code(&mut work, code).await?.is_some() {
                        return Err(Refusal {
                            reason: "code_taken",
                            error: AppError::Conflict(format!("Mã đơn vị '{code}' đã được dùng.")),
                        });
                    }
                    let parent = org_store::get(&mut work, *parent_id)
                        .await?
                        .ok_or_else(AppError::unit_not_found)?;
                    let row = org_store::insert(
                        &mut work,
                        org_store::NewOrgUnit {
                            parent: Some(&parent),
                            code,
                            name: name.trim(),
                            kind: kind.as_str(),
                            valid_from: &effective,
                            actor_id: Some(actor.account_id),
                            decision_ref: Some(decision_ref),
                        },
                        self.now_ms(),
                    )
                    .await?;
                    preview.units_created.push(line(&row, !input.dry_run));
                    row
                }
            };
            destinations.push(row);
        }
        let destination_known = |i: usize| {
            !input.dry_run || matches!(assignment.destinations[i], Destination::Existing(_))
        };

        // The sources as they stand, named as the records will name them.
        let mut sources: BTreeMap<i64, (OrgUnitRow, String)> = BTreeMap::new();
        for id in &assignment.dissolved {
            let row = org_store::get(&mut work, *id)
                .await?
                .ok_or_else(AppError::unit_not_found)?;
            let label = unit_label(&mut work, &row).await?;
            sources.insert(*id, (row, label));
        }

        // Child units under their new parent, paths of their subtrees rewritten.
        let mut moved_paths: Vec<(String, String)> = Vec::new();
        for (unit_id, i) in &assignment.units {
            let unit = org_store::get(&mut work, *unit_id)
                .await?
                .ok_or_else(AppError::unit_not_found)?;
            let to = &destinations[*i];
            org_store::move_under(&mut work, &unit, to).await?;
            org_store::record_history(
                &mut work,
                unit.id,
                "moved",
                &effective,
                &unit.name,
                &unit.kind,
                Some(to.id),
                Some(actor.account_id),
                Some(decision_ref),
                self.now_ms(),
            )
            .await?;
            let from_parent = unit
                .parent_id
                .and_then(|p| sources.get(&p))
                .map(|(s, _)| s.name.clone())
                .unwrap_or_default();
            moved_paths.push((
                unit.path.clone(),
                hoso_domain::org::child_path(&to.path, unit.id),
            ));
            preview.units_moved.push(UnitMoveLine {
                id: unit.id,
                name: unit.name,
                from_parent,
                to_parent: to.name.clone(),
            });
        }

        // Everyone kept by a source: a new version at the receiving unit.
        let mut to_labels = Vec::new();
        for to in &destinations {
            to_labels.push(unit_label(&mut work, to).await?);
        }
        let mut flows: BTreeMap<(i64, usize), usize> = BTreeMap::new();
        for (person_id, source, i) in &assignment.people {
            let (_, from_label) = &sources[source];
            self.reassign(
                &mut work,
                actor,
                *person_id,
                Reassigned {
                    kind,
                    decision: &decision,
                    reorganisation_id,
                    from_label,
                    to: &destinations[*i],
                    to_label: &to_labels[*i],
                },
            )
            .await?;
            *flows.entry((*source, *i)).or_default() += 1;
        }
        preview.people_moving = flows
            .into_iter()
            .map(|((source, i), count)| PeopleFlow {
                from_unit_id: source,
                from_unit: sources[&source].0.name.clone(),
                to_unit_id: destination_known(i).then_some(destinations[i].id),
                to_unit: destinations[i].name.clone(),
                count,
            })
            .collect();

        // Records kept below a moved unit: the unit stays, the agency managing them may not.
        for (old_path, new_path) in &moved_paths {
            preview.records_revised += self
                .revise_agencies(
                    &mut work,
                    actor,
                    old_path,
                    new_path,
                    reorganisation_id,
                    &decision,
                )
                .await?;
        }

        // Grants held over a source: carried to the receiving unit(s), or revoked.
        let receivers: Vec<usize> = match &input.operation {
            Operation::Merge {
                carry_over_grants: true,
                ..
            } => vec![0],
            Operation::Merge { .. } => vec![],
            Operation::Split { parts, .. } => parts
                .iter()
                .enumerate()
                .filter(|(_, p)| p.carry_over_grants)
                .map(|(i, _)| i)
                .collect(),
        };
        let grant_ref = format!("Quyết định {decision_ref} (sắp xếp tổ chức)");
        for (source, _) in sources.values() {
            for g in org_store::grants_on(&mut work, source.id).await? {
                let role_label = Role::parse(&g.role)
                    .map(|r| r.label_vi().to_string())
                    .unwrap_or_default();
                let grant_line = |to_unit: String| GrantLine {
                    grant_id: g.id,
                    username: g.username.clone(),
                    role: g.role.clone(),
                    role_label: role_label.clone(),
                    from_unit: source.name.clone(),
                    to_unit,
                };
                match receivers.split_first() {
                    None => {
                        accounts::revoke_grant(
                            &mut work,
                            g.id,
                            Some(actor.account_id),
                            Some(&grant_ref),
                            self.now_ms(),
                        )
                        .await?;
                        preview.grants_removed.push(grant_line(String::new()));
                    }
                    Some((first, rest)) => {
                        accounts::change_grant(
                            &mut work,
                            g.id,
                            g.read_only,
                            Some(destinations[*first].id),
                            &grant_ref,
                        )
                        .await?;
                        preview
                            .grants_carried
                            .push(grant_line(destinations[*first].name.clone()));
                        for i in rest {
                            accounts::grant(
                                &mut work,
                                accounts::NewGrant {
                                    account_id: g.account_id,
                                    role: &g.role,
                                    unit_id: Some(destinations[*i].id),
                                    read_only: g.read_only,
                                    granted_by: Some(actor.account_id),
                                    request_ref: Some(&grant_ref),
                                },
                                self.now_ms(),
                            )
                            .await?;
                            preview
                                .grants_carried
                                .push(grant_line(destinations[*i].name.clone()));
                        }
                    }
                }
            }
        }

        // The sources end on the effective date; the history says which units became which.
        let destination_ids: Vec<i64> = destinations.iter().map(|d| d.id).collect();
        // In the decision's order, as the history lists them.
        let source_ids: Vec<i64> = assignment.dissolved.clone();
        let (went, came) = match kind {
            OperationKind::Merge => ("merged_into", "merged_from"),
            OperationKind::Split => ("split_into", "split_from"),
        };
        for (source, _) in sources.values() {
            org_store::dissolve(&mut work, source.id, &effective).await?;
            org_store::record_linked_change(
                &mut work,
                org_store::LinkedChange {
                    unit: source,
                    change: went,
                    effective_on: &effective,
                    related: &destination_ids,
                    actor_id: Some(actor.account_id),
                    decision_ref: Some(decision_ref),
                },
                self.now_ms(),
            )
            .await?;
            org_store::record_history(
                &mut work,
                source.id,
                "dissolved",
                &effective,
                &source.name,
                &source.kind,
                source.parent_id,
                Some(actor.account_id),
                Some(decision_ref),
                self.now_ms(),
            )
            .await?;
            preview.units_dissolved.push(line(source, true));
        }
        for to in &destinations {
            org_store::record_linked_change(
                &mut work,
                org_store::LinkedChange {
                    unit: to,
                    change: came,
                    effective_on: &effective,
                    related: &source_ids,
                    actor_id: Some(actor.account_id),
                    decision_ref: Some(decision_ref),
                },
                self.now_ms(),
            )
            .await?;
        }
        work.audit(
            AuditAction::OrgReorganise,
            About::new("reorganisation", reorganisation_id),
            serde_json::json!({
                "kind": kind.as_str(),
                "decision_number": decision_ref,
                "decision_date": decision.date.to_string(),
                "effective_date": effective,
                "sources": source_ids,
                "destinations": destination_ids,
                "people": preview.people_total,
                "records_revised": preview.records_revised,
                "units_moved": preview.units_moved.len(),
                "grants_carried": preview.grants_carried.len(),
                "grants_removed": preview.grants_removed.len(),
            }),
        )
        .await?;
        Ok((work, preview))
    }

    fn checked_decision(&self, d: &DecisionInput) -> Result<CheckedDecision, Refusal> {
        let date = parse_day(&d.date, "Ngày quyết định")?;
        let effective = parse_day(&d.effective_date, "Ngày hiệu lực")?;
        rules::check_decision(
            &Decision {
                number: &d.number,
                date,
                effective,
            },
            self.today(),
        )
        .map_err(|e| bad("decision", e.to_string()))?;
        let signer = d.signer.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if signer.is_some_and(|s| s.chars().count() > 200) {
            return Err(bad(
                "decision",
                "Người ký quyết định dài quá 200 ký tự.".into(),
            ));
        }
        Ok(CheckedDecision {
            number: d.number.trim().to_string(),
            date,
            signer: signer.map(str::to_string),
            effective,
        })
    }

    /// One record moved by the reorganisation: a new version kept by the receiving unit, the
    /// decision in its history (for people in service), the managing agency the new unit's.
    async fn reassign(
        &self,
        work: &mut Work<'_>,
        actor: &Actor,
        person_id: i64,
        r: Reassigned<'_>,
    ) -> Result<(), Refusal> {
        let (person, mut doc) = self.current_document(work, person_id).await?;
        let status = PersonStatus::parse(&person.status).unwrap_or(PersonStatus::Working);
        // The work history of someone no longer in service does not go on; the record is
        // handed over all the same, as the unit that kept it goes.
        if status == PersonStatus::Working {
            rules::apply(
                &mut doc,
                &rules::Reassignment {
                    kind: r.kind,
                    decision_number: &r.decision.number,
                    decision_date: r.decision.date,
                    effective_date: r.decision.effective,
                    from_unit: r.from_label,
                    to_unit: r.to_label,
                },
            );
        }
        let note = format!(
            "{} đơn vị theo quyết định số {} ngày {}: {} → {}",
            r.kind.label_vi(),
            r.decision.number,
            day_vi(&r.decision.date.to_string()),
            r.from_label,
            r.to_label
        );
        self.write_reorganised(work, actor, &person, doc, r.to, r.reorganisation_id, note)
            .await
    }

    /// Records kept in the subtree that moved from `old_path` to `new_path` whose managing
    /// agency changes with it: a new version each, only the agency changed. Returns how many.
    async fn revise_agencies(
        &self,
        work: &mut Work<'_>,
        actor: &Actor,
        old_path: &str,
        new_path: &str,
        reorganisation_id: i64,
        decision: &CheckedDecision,
    ) -> Result<usize, Refusal> {
        let mut units: HashMap<i64, OrgUnitRow> = HashMap::new();
        let mut revised = 0;
        for (person_id, unit_id) in org_store::people_in_subtree(work, new_path).await? {
            if let std::collections::hash_map::Entry::Vacant(e) = units.entry(unit_id) {
                let row = org_store::get(work, unit_id)
                    .await?
                    .ok_or_else(AppError::unit_not_found)?;
                e.insert(row);
            }
            let unit = &units[&unit_id];
            let before = format!("{old_path}{}", &unit.path[new_path.len()..]);
            if agency_of_path(&before) == agency_of_path(&unit.path) {
                continue;
            }
            let (person, doc) = self.current_document(work, person_id).await?;
            let note = format!(
                "Cơ quan quản lý thay đổi do sắp xếp tổ chức theo quyết định số {} ngày {}",
                decision.number,
                day_vi(&decision.date.to_string())
            );
            let unit = unit.clone();
            self.write_reorganised(work, actor, &person, doc, &unit, reorganisation_id, note)
                .await?;
            revised += 1;
        }
        Ok(revised)
    }

    /// Validates and writes a record's new version kept by `unit`; a record that does not
    /// validate stops the whole operation, naming it.
    #[allow(clippy::too_many_arguments)]
    async fn write_reorganised(
        &self,
        work: &mut Work<'_>,
        actor: &Actor,
        person: &persons::PersonRow,
        mut doc: hoso_domain::schema::RecordDoc,
        unit: &OrgUnitRow,
        reorganisation_id: i64,
        note: String,
    ) -> Result<(), Refusal> {
        let schema = self.schemas.latest();
        let agency = managing_agency_of(unit);
        schema.set_role_value(&mut doc, FieldRole::ManagingAgency, Value::from(agency));
        let prepared = crate::versions::prepare_decided_document(
            schema,
            &self.catalogs(),
            self.today(),
            doc,
            unit.id,
            agency,
        )
        .map_err(|e| Refusal {
            reason: "record_invalid",
            error: AppError::BadRequest(format!(
                "Hồ sơ số {} ({}) chưa hợp lệ nên không chuyển được: {e} Không có thay đổi nào được lưu: sửa hồ sơ này rồi thực hiện lại.",
                person.id, person.full_name
            )),
        })?;
        let prev = persons::version(work, person.id, person.current_version).await?;
        let status = PersonStatus::parse(&person.status).unwrap_or(PersonStatus::Working);
        self.write_version(
            work,
            NewVersion {
                person_id: person.id,
                prev: prev.as_ref(),
                schema,
                prepared: &prepared,
                unit_id: unit.id,
                status,
                provenance: Provenance::Reorganisation(reorganisation_id),
                author: Some(actor.account_id),
                note: Some(note),
            },
        )
        .await?;
        Ok(())
    }
}

/// One record's move, as [`App::reassign`] writes it.
struct Reassigned<'a> {
    kind: OperationKind,
    decision: &'a CheckedDecision,
    reorganisation_id: i64,
    from_label: &'a str,
    to: &'a OrgUnitRow,
    to_label: &'a str,
}

/// The domain's plan from the operation asked, with the code of each unit to establish (by
/// destination, in order).
fn plan_of(op: &Operation) -> Result<(Plan, Vec<Option<String>>), Refusal> {
    let destination = |c: &UnitChoice| -> Result<(Destination, Option<String>), Refusal> {
        Ok(match c {
            UnitChoice::Existing { id } => (Destination::Existing(*id), None),
            UnitChoice::New {
                parent_id,
                code,
                name,
                kind,
            } => {
                let code = code.trim();
                if code.is_empty()
                    || code.len() > 64
                    || !code
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
                {
                    return Err(bad(
                        "bad_code",
                        "Mã đơn vị chỉ gồm chữ, số và . - _ (tối đa 64 ký tự).".into(),
                    ));
                }
                (
                    Destination::New {
                        parent_id: *parent_id,
                        name: name.clone(),
                        kind: kind_of(kind)?,
                    },
                    Some(code.to_string()),
                )
            }
        })
    };
    let (plan, codes) = match op {
        Operation::Merge { sources, into, .. } => {
            let (d, code) = destination(into)?;
            (
                Plan::Merge {
                    sources: sources.clone(),
                    destination: d,
                },
                vec![code],
            )
        }
        Operation::Split { source, parts } => {
            let mut out = Vec::new();
            let mut codes = Vec::new();
            for p in parts {
                let (d, code) = destination(&p.unit)?;
                out.push(Part {
                    destination: d,
                    people: p.person_ids.clone(),
                    units: p.unit_ids.clone(),
                });
                codes.push(code);
            }
            (
                Plan::Split {
                    source: *source,
                    parts: out,
                },
                codes,
            )
        }
    };
    let mut seen = std::collections::HashSet::new();
    if let Some(code) = codes.iter().flatten().find(|c| !seen.insert(c.as_str())) {
        return Err(bad(
            "code_repeated",
            format!("Mã đơn vị '{code}' được dùng cho hai đơn vị mới."),
        ));
    }
    Ok((plan, codes))
}

/// The tree around a plan, read in the unit of work.
async fn surroundings(
    conn: &mut hoso_store::AnyConnection,
    plan: &Plan,
) -> Result<Surroundings, Refusal> {
    let mut around = Surroundings::default();
    let (sources, destinations): (Vec<i64>, Vec<&Destination>) = match plan {
        Plan::Merge {
            sources,
            destination,
        } => (sources.clone(), vec![destination]),
        Plan::Split { source, parts } => (
            vec![*source],
            parts.iter().map(|p| &p.destination).collect(),
        ),
    };
    let named = destinations.iter().map(|d| match d {
        Destination::Existing(id) => *id,
        Destination::New { parent_id, .. } => *parent_id,
    });
    for id in sources.iter().copied().chain(named) {
        let unit = org_store::get(conn, id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        around.units.insert(id, unit_facts(&unit));
    }
    for source in sources {
        let children: Vec<OrgUnitRow> = org_store::children(conn, source)
            .await?
            .into_iter()
            .filter(|c| c.dissolved_on.is_none())
            .collect();
        around
            .children
            .insert(source, children.iter().map(|c| c.id).collect());
        for c in &children {
            around.units.insert(c.id, unit_facts(c));
        }
        around
            .people
            .insert(source, org_store::people_directly_in(conn, source).await?);
    }
    Ok(around)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agency_of_a_path_is_its_top_level_unit_under_the_province() {
        assert_eq!(agency_of_path("/1/5/23/"), Some(5));
        assert_eq!(agency_of_path("/1/5/"), Some(5));
        assert_eq!(agency_of_path("/1/"), None);
    }

    #[test]
    fn the_units_named_are_each_listed_once() {
        let op: Operation = serde_json::from_value(serde_json::json!({
            "kind": "merge", "sources": [3, 4, 3],
            "into": {"type": "new", "parent_id": 1, "code": "X", "name": "Xã", "kind": "commune"}
        }))
        .unwrap();
        assert_eq!(units_named(&op), vec![3, 4, 1]);
        assert!(grant_receivers(&op).is_empty());
        let op: Operation = serde_json::from_value(serde_json::json!({
            "kind": "split", "source": 3, "parts": [
                {"unit": {"type": "existing", "id": 4}, "person_ids": [1], "carry_over_grants": true},
                {"unit": {"type": "new", "parent_id": 1, "code": "Y", "name": "Xã Y", "kind": "commune"}}
            ]
        }))
        .unwrap();
        assert_eq!(units_named(&op), vec![3, 4, 1]);
        assert_eq!(grant_receivers(&op), vec![(4, false)]);
    }
}
