//! Who may see what: roles and field access levels (*độ hạn chế tiếp cận*).

use serde::{Deserialize, Serialize};

/// Sensitivity of a record field. Ordered: a reader cleared for a level sees every field at or
/// below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    /// Shown to anyone who may see the record at all (name, unit, position).
    Public,
    /// Personnel work: grades, salary, qualifications, histories.
    Internal,
    /// Personal identifiers and contact data (số định danh, insurance numbers, address).
    Confidential,
    /// Health, personal-history declarations, family political history.
    Secret,
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 4] = [
        AccessLevel::Public,
        AccessLevel::Internal,
        AccessLevel::Confidential,
        AccessLevel::Secret,
    ];

    pub fn label_vi(self) -> &'static str {
        match self {
            AccessLevel::Public => "Công khai trong phạm vi quản lý",
            AccessLevel::Internal => "Nội bộ công tác cán bộ",
            AccessLevel::Confidential => "Hạn chế",
            AccessLevel::Secret => "Mật",
        }
    }
}

/// What an account may do over an org subtree. An account may hold several roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sở Nội vụ: the whole province.
    SystemAdmin,
    /// HR officer of a unit subtree: records, accounts, verification.
    UnitAdmin,
    /// Head of unit or delegate: signs verified changes.
    Approver,
    /// Reads records and statistics of a subtree.
    Viewer,
    /// A person's own account (username = số định danh).
    Individual,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::UnitAdmin => "unit_admin",
            Role::Approver => "approver",
            Role::Viewer => "viewer",
            Role::Individual => "individual",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [
            Role::SystemAdmin,
            Role::UnitAdmin,
            Role::Approver,
            Role::Viewer,
            Role::Individual,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::SystemAdmin => "Quản trị hệ thống",
            Role::UnitAdmin => "Quản trị đơn vị",
            Role::Approver => "Người phê duyệt",
            Role::Viewer => "Lãnh đạo, người xem",
            Role::Individual => "Cá nhân",
        }
    }

    /// The most sensitive field level this role may read.
    pub fn field_clearance(self) -> AccessLevel {
        match self {
            Role::SystemAdmin | Role::UnitAdmin => AccessLevel::Secret,
            Role::Approver => AccessLevel::Confidential,
            Role::Viewer => AccessLevel::Internal,
            // One's own record, in full.
            Role::Individual => AccessLevel::Secret,
        }
    }

    /// Whether this role may create or change records in its scope.
    pub fn may_write_records(self) -> bool {
        matches!(self, Role::SystemAdmin | Role::UnitAdmin)
    }
}

/// Where an actor may do one kind of thing: the whole province, org subtrees (by materialised
/// path), and single persons (an individual's own record). The store renders it to SQL; these
/// predicates answer the same question for one unit or person in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The whole province.
    pub everything: bool,
    /// Subtrees (materialised paths).
    pub subtrees: Vec<String>,
    /// Single persons (an individual's own record).
    pub persons: Vec<i64>,
}

impl Scope {
    pub fn everything() -> Scope {
        Scope {
            everything: true,
            ..Scope::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.everything && self.subtrees.is_empty() && self.persons.is_empty()
    }

    /// Whether the unit at `unit_path` is inside (single persons do not make a unit count).
    pub fn contains_unit(&self, unit_path: &str) -> bool {
        self.everything
            || self
                .subtrees
                .iter()
                .any(|top| crate::org::is_within(unit_path, top))
    }

    /// Whether the person `person_id`, whose record is kept in the unit at `unit_path`, is
    /// inside.
    pub fn contains_person(&self, person_id: i64, unit_path: &str) -> bool {
        self.persons.contains(&person_id) || self.contains_unit(unit_path)
    }

    /// Everything in either scope.
    pub fn union(mut self, other: Scope) -> Scope {
        self.everything |= other.everything;
        self.subtrees.extend(other.subtrees);
        self.persons.extend(other.persons);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_contain_subtrees_and_single_persons() {
        let scope = Scope {
            everything: false,
            subtrees: vec!["/1/4/".into()],
            persons: vec![9],
        };
        assert!(scope.contains_unit("/1/4/"));
        assert!(scope.contains_unit("/1/4/7/"));
        assert!(!scope.contains_unit("/1/"));
        assert!(!scope.contains_unit("/1/5/"));
        assert!(scope.contains_person(9, "/1/5/"));
        assert!(scope.contains_person(10, "/1/4/7/"));
        assert!(!scope.contains_person(10, "/1/5/"));
        assert!(Scope::everything().contains_person(10, "/2/"));
        assert!(Scope::default().is_empty());
        assert!(!Scope::default().contains_unit("/1/"));
        let both = Scope::default().union(scope.clone());
        assert_eq!(both, scope);
        assert!(Scope::default().union(Scope::everything()).everything);
    }

    #[test]
    fn levels_are_ordered_by_sensitivity() {
        assert!(AccessLevel::Public < AccessLevel::Internal);
        assert!(AccessLevel::Internal < AccessLevel::Confidential);
        assert!(AccessLevel::Confidential < AccessLevel::Secret);
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in [
            Role::SystemAdmin,
            Role::UnitAdmin,
            Role::Approver,
            Role::Viewer,
            Role::Individual,
        ] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn viewers_do_not_see_identifiers() {
        assert!(Role::Viewer.field_clearance() < AccessLevel::Confidential);
        assert!(!Role::Viewer.may_write_records());
        assert!(Role::UnitAdmin.may_write_records());
    }
}
