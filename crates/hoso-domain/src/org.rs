//! The organisation tree (F1): agencies and units with effective-dated history.

use serde::{Deserialize, Serialize};

/// What kind of node a unit is. Since 01/7/2025 there is no district level: a province holds
/// sở/ngành and xã/phường directly. A province that kept its tree before then has its districts
/// ([`OrgUnitKind::District`]) until it abolishes them.
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
    /// Huyện, thị xã, thành phố thuộc tỉnh: the level abolished on 01/7/2025 (NQ 202/2025/QH15),
    /// kept for the years before; none may be set up from that day ([`DISTRICT_LEVEL_ENDED`]).
    District,
}

/// The first day without a district level (NQ 202/2025/QH15: local government of two levels
/// from 01/7/2025).
pub const DISTRICT_LEVEL_ENDED: time::Date = time::macros::date!(2025 - 07 - 01);

impl OrgUnitKind {
    pub const ALL: [OrgUnitKind; 6] = [
        OrgUnitKind::Province,
        OrgUnitKind::AdministrativeAgency,
        OrgUnitKind::Commune,
        OrgUnitKind::PublicServiceUnit,
        OrgUnitKind::Department,
        OrgUnitKind::District,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgUnitKind::Province => "province",
            OrgUnitKind::AdministrativeAgency => "administrative_agency",
            OrgUnitKind::Commune => "commune",
            OrgUnitKind::PublicServiceUnit => "public_service_unit",
            OrgUnitKind::Department => "department",
            OrgUnitKind::District => "district",
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
            OrgUnitKind::District => "Huyện, thị xã, thành phố thuộc tỉnh (đến 30/6/2025)",
        }
    }

    /// Which kinds may sit directly under this one. Keeps the tree shaped like the
    /// administration: no commune under a hospital, no province under anything.
    pub fn may_contain(self, child: OrgUnitKind) -> bool {
        use OrgUnitKind::*;
        match self {
            Province => matches!(
                child,
                AdministrativeAgency | Commune | PublicServiceUnit | Department | District
            ),
            District => matches!(child, Commune | PublicServiceUnit | Department),
            AdministrativeAgency | Commune => matches!(child, PublicServiceUnit | Department),
            PublicServiceUnit => matches!(child, PublicServiceUnit | Department),
            Department => matches!(child, Department),
        }
    }

    /// Whether a unit of this kind may be set up on `day`; otherwise why not, in Vietnamese.
    pub fn check_set_up_on(self, day: time::Date) -> Result<(), String> {
        if self == OrgUnitKind::District && day >= DISTRICT_LEVEL_ENDED {
            return Err("Từ ngày 01/7/2025 chính quyền địa phương chỉ còn hai cấp (Nghị quyết 202/2025/QH15): không lập đơn vị cấp huyện mới. Đơn vị cấp huyện cũ được giữ đến ngày giải thể, có thể sáp nhập vào tỉnh để đưa các xã, phường lên trực thuộc tỉnh.".into());
        }
        Ok(())
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

/// A unit's place in the tree, as much as ordering and naming need.
pub trait TreeNode {
    fn id(&self) -> i64;
    fn parent_id(&self) -> Option<i64>;
    fn name(&self) -> &str;
}

/// Units in tree order: each unit followed by its own subunits, sisters by name as Vietnamese
/// sort them (`collation::text_sort_key`). A unit whose parent is not in the list starts a tree
/// of its own, in the same order.
pub fn tree_order<T: TreeNode>(units: Vec<T>) -> Vec<T> {
    use std::collections::{HashMap, HashSet};
    let ids: HashSet<i64> = units.iter().map(TreeNode::id).collect();
    let mut by_parent: HashMap<Option<i64>, Vec<T>> = HashMap::new();
    for u in units {
        let parent = u.parent_id().filter(|p| ids.contains(p));
        by_parent.entry(parent).or_default().push(u);
    }
    for sisters in by_parent.values_mut() {
        sisters.sort_by_cached_key(|u| (crate::collation::text_sort_key(u.name()), u.id()));
    }
    let mut out = Vec::with_capacity(ids.len());
    // Depth first, without recursion: a stack of sister lists, each consumed from the front.
    let mut stack: Vec<std::vec::IntoIter<T>> =
        vec![by_parent.remove(&None).unwrap_or_default().into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(u) => {
                let children = by_parent.remove(&Some(u.id())).unwrap_or_default();
                out.push(u);
                stack.push(children.into_iter());
            }
            None => {
                stack.pop();
            }
        }
    }
    out
}

/// How a unit is named where the name alone may be mistaken ("Văn phòng" exists in every Sở):
/// its name and its parent's, "Văn phòng — Sở Y tế". `parent` is `None` for a top unit.
pub fn unit_label(name: &str, parent: Option<&str>) -> String {
    match parent {
        Some(p) => format!("{name} — {p}"),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct U(i64, Option<i64>, &'static str);
    impl TreeNode for U {
        fn id(&self) -> i64 {
            self.0
        }
        fn parent_id(&self) -> Option<i64> {
            self.1
        }
        fn name(&self) -> &str {
            self.2
        }
    }

    #[test]
    fn a_district_holds_communes_until_the_level_ended_and_no_new_one_after() {
        use OrgUnitKind as K;
        assert!(K::Province.may_contain(K::District));
        assert!(K::District.may_contain(K::Commune));
        assert!(K::District.may_contain(K::Department));
        assert!(!K::District.may_contain(K::District));
        assert!(!K::Commune.may_contain(K::District));
        assert_eq!(K::parse("district"), Some(K::District));
        let last_day = time::macros::date!(2025 - 06 - 30);
        assert!(K::District.check_set_up_on(last_day).is_ok());
        let e = K::District
            .check_set_up_on(DISTRICT_LEVEL_ENDED)
            .unwrap_err();
        assert!(e.contains("202/2025/QH15"), "{e}");
        assert!(K::Commune.check_set_up_on(DISTRICT_LEVEL_ENDED).is_ok());
    }

    #[test]
    fn units_come_under_their_parents_sisters_by_name() {
        let units = vec![
            U(1, None, "Tỉnh"),
            U(2, Some(1), "Sở Y tế"),
            U(3, Some(1), "Sở Giáo dục"),
            U(4, Some(2), "Văn phòng"),
            U(5, Some(3), "Văn phòng"),
            U(6, Some(3), "Phòng Đào tạo"),
            U(7, Some(3), "Phòng Dạy nghề"),
            U(8, Some(99), "Bệnh viện (cha ngoài danh sách)"),
        ];
        let order: Vec<i64> = tree_order(units).iter().map(|u| u.0).collect();
        // Dạy before Đào (d before đ); each Văn phòng under its own Sở.
        assert_eq!(order, [8, 1, 3, 7, 6, 5, 2, 4]);
        assert_eq!(tree_order(Vec::<U>::new()).len(), 0);
    }

    #[test]
    fn a_unit_is_named_with_its_parent() {
        assert_eq!(
            unit_label("Văn phòng", Some("Sở Y tế")),
            "Văn phòng — Sở Y tế"
        );
        assert_eq!(unit_label("Tỉnh", None), "Tỉnh");
    }

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
