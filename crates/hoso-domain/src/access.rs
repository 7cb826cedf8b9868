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

#[cfg(test)]
mod tests {
    use super::*;

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
