//! Authorization in one place. An actor's [`Capabilities`] are computed once from its grants;
//! every use case asks them through [`App::require`], [`App::require_person`] or
//! [`App::require_unit`] before any business rule, and the pages read the same value to decide
//! what to show. Outside what the actor may see, the answer is "not found" (never confirming
//! that a record exists); inside it but without the right, "forbidden", recorded in the audit
//! trail.

use hoso_domain::access::{Role, Scope};
use hoso_domain::audit_action::AuditAction;
use hoso_store::{AnyConnection, org as org_store, persons};

use crate::auth::Grant;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo};

/// Something an actor may be allowed to do, somewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Read records (lists, the record page, exports) and their alerts.
    ReadRecords,
    /// Create and edit records, verify change requests.
    WriteRecords,
    /// Propose a change to a record: one's own, or one in the write scope.
    ProposeChanges,
    /// Sign approvals of verified changes.
    ApproveChanges,
    /// See org units (the tree, unit filters and names).
    SeeUnits,
    /// The administration views: accounts and their grants, alert previews (administrators,
    /// read-only ones included).
    SeeAdministration,
    /// Administer accounts and their grants.
    AdministerAccounts,
    /// Create, rename, move and dissolve units.
    ManageUnits,
    /// Province-wide settings: catalogs, the holiday calendar, keys, signing outside the
    /// approval window, the whole audit trail.
    ManageProvince,
}

/// What an actor may do, and where, from its grants (read-only grants only read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    read: Scope,
    write: Scope,
    propose: Scope,
    approve: Scope,
    units: Scope,
    accounts: Scope,
    administer: Scope,
    system_admin: bool,
    /// Holds a grant other than the individual's own (an officer, a head, an administrator).
    pub staff: bool,
    /// The person whose record the individual grant opens.
    pub own_person: Option<i64>,
}

/// Where an action is aimed.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// Anywhere at all (lists narrowed to the scope afterwards).
    Somewhere,
    /// The whole province.
    Province,
    Unit(&'a str),
    Person {
        id: i64,
        unit_path: &'a str,
    },
}

fn scope_of<'g>(person_id: Option<i64>, grants: impl Iterator<Item = &'g Grant>) -> Scope {
    let mut scope = Scope::default();
    for g in grants {
        match (&g.role, &g.unit_path) {
            (Role::Individual, _) => {
                if let Some(p) = person_id {
                    scope.persons.push(p);
                }
            }
            (_, None) => scope.everything = true,
            (_, Some(path)) => scope.subtrees.push(path.clone()),
        }
    }
    scope
}

impl Capabilities {
    pub fn of(grants: &[Grant], person_id: Option<i64>) -> Capabilities {
        let writable = || grants.iter().filter(|g| !g.read_only);
        let individual = grants.iter().any(|g| g.role == Role::Individual);
        let system_admin = grants.iter().any(|g| g.role == Role::SystemAdmin);
        let write = scope_of(person_id, writable().filter(|g| g.role.may_write_records()));
        let own = Scope {
            persons: person_id.filter(|_| individual).into_iter().collect(),
            ..Scope::default()
        };
        let mut units = scope_of(
            person_id,
            grants.iter().filter(|g| g.role != Role::Individual),
        );
        units.persons.clear();
        // A unit administrator's grant covers its subtree; a system administrator's the province
        // (a unit-less administrator grant on anyone else covers nothing).
        let administer = Scope {
            everything: writable().any(|g| g.role == Role::SystemAdmin),
            subtrees: writable()
                .filter(|g| g.role == Role::UnitAdmin)
                .filter_map(|g| g.unit_path.clone())
                .collect(),
            persons: vec![],
        };
        let accounts = scope_of(
            person_id,
            grants
                .iter()
                .filter(|g| matches!(g.role, Role::SystemAdmin | Role::UnitAdmin)),
        );
        Capabilities {
            read: scope_of(person_id, grants.iter()),
            accounts,
            propose: write.clone().union(own),
            write,
            approve: scope_of(
                person_id,
                writable().filter(|g| matches!(g.role, Role::SystemAdmin | Role::Approver)),
            ),
            units,
            administer,
            system_admin,
            staff: grants.iter().any(|g| g.role != Role::Individual),
            own_person: person_id.filter(|_| individual),
        }
    }

    /// Where the actor may do `capability`.
    pub fn scope(&self, capability: Capability) -> &Scope {
        static NOWHERE: Scope = Scope {
            everything: false,
            subtrees: Vec::new(),
            persons: Vec::new(),
        };
        static EVERYWHERE: Scope = Scope {
            everything: true,
            subtrees: Vec::new(),
            persons: Vec::new(),
        };
        match capability {
            Capability::ReadRecords => &self.read,
            Capability::WriteRecords => &self.write,
            Capability::ProposeChanges => &self.propose,
            Capability::ApproveChanges => &self.approve,
            Capability::SeeUnits => &self.units,
            Capability::SeeAdministration => &self.accounts,
            Capability::AdministerAccounts | Capability::ManageUnits => &self.administer,
            Capability::ManageProvince if self.system_admin => &EVERYWHERE,
            Capability::ManageProvince => &NOWHERE,
        }
    }

    /// Whether the actor may do `capability` at `target`.
    pub fn may(&self, capability: Capability, target: Target<'_>) -> bool {
        let scope = self.scope(capability);
        match target {
            Target::Somewhere => !scope.is_empty(),
            Target::Province => scope.everything,
            Target::Unit(path) => scope.contains_unit(path),
            Target::Person { id, unit_path } => scope.contains_person(id, unit_path),
        }
    }

    /// Whether the actor may do `capability` anywhere (menus, buttons).
    pub fn may_somewhere(&self, capability: Capability) -> bool {
        self.may(capability, Target::Somewhere)
    }

    /// Whether the target is visible at all: beyond this, refusals say "not found".
    fn sees(&self, target: Target<'_>) -> bool {
        match target {
            Target::Somewhere | Target::Province => true,
            Target::Unit(path) => self.units.contains_unit(path) || self.read.contains_unit(path),
            Target::Person { id, unit_path } => self.read.contains_person(id, unit_path),
        }
    }

    /// Whether the unit at `unit_path` may be named or used as a list filter: a unit the actor
    /// sees, or any unit for an individual (whose lists hold only its own record anyway).
    pub fn may_name_unit(&self, unit_path: &str) -> bool {
        self.units.contains_unit(unit_path) || self.own_person.is_some()
    }

    /// The org subtrees the actor sees (`None`: the whole province; individuals see none).
    pub fn unit_paths(&self) -> Option<Vec<String>> {
        (!self.units.everything).then(|| self.units.subtrees.clone())
    }

    pub fn is_system_admin(&self) -> bool {
        self.system_admin
    }
}

/// The audit entry a refusal leaves: what was attempted, on what.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub action: AuditAction,
    pub about: About<'a>,
    pub client: &'a ClientInfo,
}

impl App {
    /// Refuses, audited, an actor without `capability` at `target`: "not found" (`missing`)
    /// when the target is outside what it sees, "forbidden" otherwise.
    pub(crate) async fn require(
        &self,
        actor: &Actor,
        capability: Capability,
        target: Target<'_>,
        missing: fn() -> AppError,
        attempt: Attempt<'_>,
    ) -> AppResult<()> {
        let caps = actor.capabilities();
        if caps.may(capability, target) {
            return Ok(());
        }
        if !caps.sees(target) {
            return Err(missing());
        }
        Err(self.refusal(actor, attempt, "not_permitted").await)
    }

    /// The path of the unit keeping a person's record, if the actor may read the record;
    /// otherwise "not found" (never "forbidden", which would confirm that it exists).
    pub(crate) async fn visible_person(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        person_id: i64,
    ) -> AppResult<String> {
        persons::unit_path_of(conn, person_id)
            .await?
            .filter(|unit_path| {
                actor.capabilities().may(
                    Capability::ReadRecords,
                    Target::Person {
                        id: person_id,
                        unit_path,
                    },
                )
            })
            .ok_or_else(AppError::record_not_found)
    }

    /// Whether the actor may do `capability` on a person's record (`false` when the person
    /// does not exist).
    pub(crate) async fn may_person(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        capability: Capability,
        person_id: i64,
    ) -> AppResult<bool> {
        Ok(persons::unit_path_of(conn, person_id)
            .await?
            .is_some_and(|unit_path| {
                actor.capabilities().may(
                    capability,
                    Target::Person {
                        id: person_id,
                        unit_path: &unit_path,
                    },
                )
            }))
    }

    /// [`App::require`] on a person's record; returns the path of the unit that keeps it.
    pub(crate) async fn require_person(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        capability: Capability,
        person_id: i64,
        attempt: Attempt<'_>,
    ) -> AppResult<String> {
        let unit_path = persons::unit_path_of(conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        let target = Target::Person {
            id: person_id,
            unit_path: &unit_path,
        };
        self.require(
            actor,
            capability,
            target,
            AppError::record_not_found,
            attempt,
        )
        .await?;
        Ok(unit_path)
    }

    /// The rights of whoever writes a person's record: "not found" unless the actor reads it,
    /// an audited "forbidden" unless it writes it.
    pub(crate) async fn require_record_writer(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        person_id: i64,
        action: AuditAction,
        client: &ClientInfo,
    ) -> AppResult<()> {
        self.visible_person(conn, actor, person_id).await?;
        self.require_person(
            conn,
            actor,
            Capability::WriteRecords,
            person_id,
            Attempt {
                action,
                about: About::new("person", person_id),
                client,
            },
        )
        .await?;
        Ok(())
    }

    /// [`App::require`] on a unit; returns the unit.
    pub(crate) async fn require_unit(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        capability: Capability,
        unit_id: i64,
        attempt: Attempt<'_>,
    ) -> AppResult<org_store::OrgUnitRow> {
        let unit = org_store::get(conn, unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        self.require(
            actor,
            capability,
            Target::Unit(&unit.path),
            AppError::unit_not_found,
            attempt,
        )
        .await?;
        Ok(unit)
    }

    /// The system administrator may go on; anyone else is refused (audited, `Forbidden`).
    pub(crate) async fn require_system_admin(
        &self,
        actor: &Actor,
        attempt: Attempt<'_>,
        reason: &str,
    ) -> AppResult<()> {
        if actor.is_system_admin() {
            return Ok(());
        }
        Err(self.refusal(actor, attempt, reason).await)
    }

    /// Records a refusal in the audit trail (`<action>.refused`) and returns `Forbidden`.
    pub(crate) async fn refusal(
        &self,
        actor: &Actor,
        attempt: Attempt<'_>,
        reason: &str,
    ) -> AppError {
        let result: AppResult<()> = async {
            let mut work = self.begin_work(actor, attempt.client).await?;
            work.audit_refusal(attempt.action, attempt.about, reason)
                .await?;
            work.commit().await
        }
        .await;
        match result {
            Ok(()) => AppError::Forbidden,
            Err(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, path: Option<&str>, read_only: bool) -> Grant {
        Grant {
            role,
            unit_id: path.map(|_| 1),
            unit_path: path.map(str::to_string),
            read_only,
        }
    }

    fn person(id: i64, path: &'static str) -> Target<'static> {
        Target::Person {
            id,
            unit_path: path,
        }
    }

    #[test]
    fn an_individual_reads_and_proposes_only_its_own_record() {
        let caps = Capabilities::of(&[grant(Role::Individual, None, false)], Some(7));
        assert!(caps.may(Capability::ReadRecords, person(7, "/1/2/")));
        assert!(caps.may(Capability::ProposeChanges, person(7, "/1/2/")));
        assert!(!caps.may(Capability::WriteRecords, person(7, "/1/2/")));
        assert!(!caps.may(Capability::ReadRecords, person(8, "/1/2/")));
        assert!(!caps.may_somewhere(Capability::SeeUnits));
        assert!(!caps.staff);
        assert_eq!(caps.own_person, Some(7));
        assert_eq!(caps.unit_paths(), Some(vec![]));
        assert!(caps.may_name_unit("/1/9/"));
        // Someone else's record does not exist for it.
        assert!(!caps.sees(person(8, "/1/2/")));
    }

    #[test]
    fn a_unit_administrator_acts_in_its_subtree() {
        let caps = Capabilities::of(&[grant(Role::UnitAdmin, Some("/1/4/"), false)], None);
        for capability in [
            Capability::ReadRecords,
            Capability::WriteRecords,
            Capability::ProposeChanges,
            Capability::SeeUnits,
            Capability::AdministerAccounts,
            Capability::ManageUnits,
        ] {
            assert!(
                caps.may(capability, Target::Unit("/1/4/9/")),
                "{capability:?}"
            );
            assert!(
                !caps.may(capability, Target::Unit("/1/5/")),
                "{capability:?}"
            );
        }
        assert!(!caps.may(Capability::ApproveChanges, Target::Unit("/1/4/")));
        assert!(!caps.may(Capability::ManageProvince, Target::Province));
        assert!(!caps.may(Capability::ReadRecords, Target::Province));
        assert_eq!(caps.unit_paths(), Some(vec!["/1/4/".to_string()]));
        assert!(caps.may_name_unit("/1/4/2/"));
        assert!(!caps.may_name_unit("/1/5/"));
    }

    #[test]
    fn read_only_grants_only_read() {
        let caps = Capabilities::of(&[grant(Role::UnitAdmin, Some("/1/4/"), true)], None);
        assert!(caps.may(Capability::ReadRecords, person(3, "/1/4/")));
        assert!(!caps.may(Capability::WriteRecords, person(3, "/1/4/")));
        assert!(!caps.may_somewhere(Capability::AdministerAccounts));
        assert!(caps.may(Capability::SeeAdministration, Target::Unit("/1/4/")));
        // Seen, so a refusal there is "forbidden", not "not found".
        assert!(caps.sees(person(3, "/1/4/")));
        let approver = Capabilities::of(&[grant(Role::Approver, Some("/1/4/"), true)], None);
        assert!(!approver.may_somewhere(Capability::ApproveChanges));
    }

    #[test]
    fn approvers_and_viewers_read_but_do_not_write() {
        let approver = Capabilities::of(&[grant(Role::Approver, Some("/1/4/"), false)], None);
        assert!(approver.may(Capability::ApproveChanges, Target::Unit("/1/4/2/")));
        assert!(!approver.may(Capability::ApproveChanges, Target::Unit("/1/5/")));
        assert!(approver.may(Capability::ReadRecords, person(1, "/1/4/")));
        assert!(!approver.may_somewhere(Capability::WriteRecords));
        let viewer = Capabilities::of(&[grant(Role::Viewer, None, false)], None);
        assert!(viewer.may(Capability::ReadRecords, Target::Province));
        assert!(viewer.may(Capability::SeeUnits, Target::Unit("/9/")));
        assert!(!viewer.may_somewhere(Capability::WriteRecords));
        assert!(!viewer.may_somewhere(Capability::ApproveChanges));
        assert_eq!(viewer.unit_paths(), None);
    }

    #[test]
    fn the_system_administrator_does_everything_everywhere() {
        let caps = Capabilities::of(&[grant(Role::SystemAdmin, None, false)], None);
        for capability in [
            Capability::ReadRecords,
            Capability::WriteRecords,
            Capability::ApproveChanges,
            Capability::AdministerAccounts,
            Capability::ManageUnits,
            Capability::ManageProvince,
        ] {
            assert!(caps.may(capability, Target::Province), "{capability:?}");
        }
        assert!(caps.is_system_admin());
    }

    #[test]
    fn grants_add_up() {
        let caps = Capabilities::of(
            &[
                grant(Role::Individual, None, false),
                grant(Role::Viewer, Some("/1/4/"), false),
            ],
            Some(7),
        );
        assert!(caps.may(Capability::ReadRecords, person(7, "/2/")));
        assert!(caps.may(Capability::ReadRecords, person(8, "/1/4/")));
        assert!(caps.may(Capability::ProposeChanges, person(7, "/2/")));
        assert!(!caps.may(Capability::ProposeChanges, person(8, "/1/4/")));
        assert!(caps.staff);
    }
}
