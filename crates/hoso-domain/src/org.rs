//! The organisation tree (F1): agencies and units with effective-dated history.

use serde::{Deserialize, Serialize};

/// What kind of node a unit is. Since 01/7/2025 there is no district level: a province holds
/// sở/ngành and xã/phường directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgUnitKind {
    /// UBND tỉnh / the province itself.
    Province,
    /// Cơ quan hành chính: sở, ban, ngành.
    AdministrativeAgency,
    /// Xã, phường, đặc khu.
    Commune,
    /// Đơn vị sự nghiệp công lập: schools, hospitals, centres.
    PublicServiceUnit,
    /// Phòng, ban, khoa inside an agency or unit.
    Department,
}

impl OrgUnitKind {
    pub const ALL: [OrgUnitKind; 5] = [
        OrgUnitKind::Province,
        OrgUnitKind::AdministrativeAgency,
        OrgUnitKind::Commune,
        OrgUnitKind::PublicServiceUnit,
        OrgUnitKind::Department,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgUnitKind::Province => "province",
            OrgUnitKind::AdministrativeAgency => "administrative_agency",
            OrgUnitKind::Commune => "commune",
            OrgUnitKind::PublicServiceUnit => "public_service_unit",
            OrgUnitKind::Department => "department",
        }
    }

    pub fn parse(s: &str) -> Option<OrgUnitKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            OrgUnitKind::Province => "Tỉnh, thành phố",
            OrgUnitKind::AdministrativeAgency => "Cơ quan hành chính",
            OrgUnitKind::Commune => "Xã, phường, đặc khu",
            OrgUnitKind::PublicServiceUnit => "Đơn vị sự nghiệp công lập",
            OrgUnitKind::Department => "Phòng, ban, khoa",
        }
    }

    /// Which kinds may sit directly under this one. Keeps the tree shaped like the
    /// administration: no commune under a hospital, no province under anything.
    pub fn may_contain(self, child: OrgUnitKind) -> bool {
        use OrgUnitKind::*;
        match self {
            Province => matches!(
                child,
                AdministrativeAgency | Commune | PublicServiceUnit | Department
            ),
            AdministrativeAgency | Commune => matches!(child, PublicServiceUnit | Department),
            PublicServiceUnit => matches!(child, PublicServiceUnit | Department),
            Department => matches!(child, Department),
        }
    }
}

/// Employment status of a person. Records of people who left are kept, never deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonStatus {
    Working,
    Retired,
    Resigned,
    Deceased,
    TransferredOut,
}

impl PersonStatus {
    pub const ALL: [PersonStatus; 5] = [
        PersonStatus::Working,
        PersonStatus::Retired,
        PersonStatus::Resigned,
        PersonStatus::Deceased,
        PersonStatus::TransferredOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PersonStatus::Working => "working",
            PersonStatus::Retired => "retired",
            PersonStatus::Resigned => "resigned",
            PersonStatus::Deceased => "deceased",
            PersonStatus::TransferredOut => "transferred_out",
        }
    }

    pub fn parse(s: &str) -> Option<PersonStatus> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PersonStatus::Working => "Đang công tác",
            PersonStatus::Retired => "Đã nghỉ hưu",
            PersonStatus::Resigned => "Đã thôi việc",
            PersonStatus::Deceased => "Đã từ trần",
            PersonStatus::TransferredOut => "Đã chuyển ra ngoài tỉnh",
        }
    }
}

/// Materialised path of a unit: `/1/5/23/`. A unit's subtree is every unit whose path starts
/// with its own, which both databases answer from a B-tree index.
pub fn child_path(parent_path: &str, id: i64) -> String {
    format!("{parent_path}{id}/")
}

pub fn root_path(id: i64) -> String {
    format!("/{id}/")
}

/// True when `path` lies in the subtree rooted at `ancestor_path` (inclusive).
pub fn is_within(path: &str, ancestor_path: &str) -> bool {
    path.starts_with(ancestor_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_nest() {
        let root = root_path(1);
        let agency = child_path(&root, 5);
        let dept = child_path(&agency, 23);
        assert_eq!(dept, "/1/5/23/");
        assert!(is_within(&dept, &agency));
        assert!(is_within(&agency, &agency));
        assert!(!is_within(&agency, &dept));
        // /1/5/ must not count /1/52/ as its own.
        assert!(!is_within(&child_path(&root, 52), &agency));
    }

    #[test]
    fn kinds_and_statuses_round_trip() {
        for k in OrgUnitKind::ALL {
            assert_eq!(OrgUnitKind::parse(k.as_str()), Some(k));
        }
        for s in PersonStatus::ALL {
            assert_eq!(PersonStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn tree_shape_rules() {
        use OrgUnitKind::*;
        assert!(Province.may_contain(Commune));
        assert!(!PublicServiceUnit.may_contain(Commune));
        assert!(!Department.may_contain(AdministrativeAgency));
        for k in OrgUnitKind::ALL {
            assert!(!k.may_contain(Province));
        }
    }
}
