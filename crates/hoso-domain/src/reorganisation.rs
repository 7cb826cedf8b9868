//! Reorganisation of the organisation tree (issue 14 item 3; the 2025 arrangement of the
//! apparatus, when the district level went and communes and agencies were merged): several units
//! merged into one (an existing unit or one the decision establishes), or one unit split into
//! several with the list of who goes where. One decision covers the whole operation.
//!
//! This module checks a plan against the units it names and says who and what goes where
//! ([`check`]); it writes the move into a record the way a movement does ([`apply`]). Reading the
//! tree and writing the result is `hoso_app::reorganisation`'s.

use std::collections::{HashMap, HashSet};

use time::Date;

use crate::org::{OrgUnitKind, is_within};
use crate::schema::RecordDoc;

/// What a plan needs to know about a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFacts {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub name: String,
    pub kind: OrgUnitKind,
    pub dissolved: bool,
}

/// Where people and units go: a unit that exists, or one the decision establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Existing(i64),
    New {
        parent_id: i64,
        name: String,
        kind: OrgUnitKind,
    },
}

/// One part of a split: its unit, the people and the child units of the source going to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub destination: Destination,
    pub people: Vec<i64>,
    pub units: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Sáp nhập, hợp nhất: every source into the destination.
    Merge {
        sources: Vec<i64>,
        destination: Destination,
    },
    /// Chia tách: the source into its parts.
    Split { source: i64, parts: Vec<Part> },
}

/// The tree around a plan: every unit it names (sources, existing destinations, parents of new
/// ones, the sources' child units) and, for each source, the people kept directly in it and its
/// child units that are not dissolved.
#[derive(Debug, Clone, Default)]
pub struct Surroundings {
    pub units: HashMap<i64, UnitFacts>,
    pub people: HashMap<i64, Vec<i64>>,
    pub children: HashMap<i64, Vec<i64>>,
}

/// Who and what goes where, once a plan is checked. Destinations are numbered in the plan's
/// order (a merge has one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub destinations: Vec<Destination>,
    /// (person, source, destination).
    pub people: Vec<(i64, i64, usize)>,
    /// (child unit of a source, destination).
    pub units: Vec<(i64, usize)>,
    /// The sources, dissolved on the effective date.
    pub dissolved: Vec<i64>,
}

/// Why a plan cannot be carried out, in words that name the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("Chưa chọn đơn vị nào để sắp xếp.")]
    NoSource,
    #[error("Tách đơn vị cần ít nhất hai đơn vị mới hoặc đơn vị nhận.")]
    TooFewParts,
    #[error("Đơn vị \"{0}\" được chọn hai lần.")]
    Repeated(String),
    #[error("Đơn vị \"{0}\" vừa là đơn vị bị sắp xếp vừa là đơn vị nhận.")]
    BothSourceAndDestination(String),
    #[error(
        "Đơn vị nhận \"{destination}\" nằm trong \"{dissolved}\", là đơn vị sẽ giải thể: chọn đơn vị nhận ở ngoài."
    )]
    DestinationInsideSource {
        destination: String,
        dissolved: String,
    },
    #[error("\"{inner}\" trực thuộc \"{outer}\": chỉ chọn đơn vị cấp trên.")]
    SourcesNested { inner: String, outer: String },
    #[error("Đơn vị \"{0}\" đã giải thể.")]
    Dissolved(String),
    #[error("Không thể sắp xếp \"{0}\", đơn vị cao nhất của cây tổ chức.")]
    Root(String),
    #[error("{child} không thể trực thuộc \"{parent}\" ({parent_kind}).")]
    KindNotAllowed {
        child: String,
        parent: String,
        parent_kind: String,
    },
    #[error("Tên đơn vị mới không được để trống và dài tối đa 255 ký tự.")]
    BadName,
    #[error(
        "Còn {count} người của \"{unit}\" chưa được phân về đơn vị nào. Khi tách đơn vị, mỗi người phải có đơn vị mới."
    )]
    PeopleUnassigned { unit: String, count: usize },
    #[error("Hồ sơ số {0} không thuộc đơn vị bị tách.")]
    PersonNotInSource(i64),
    #[error("Hồ sơ số {0} được phân về hai đơn vị.")]
    PersonAssignedTwice(i64),
    #[error(
        "Còn {count} đơn vị trực thuộc \"{unit}\" chưa được phân về đơn vị nào. Khi tách đơn vị, mỗi đơn vị trực thuộc phải có đơn vị cấp trên mới."
    )]
    UnitsUnassigned { unit: String, count: usize },
    #[error("Đơn vị số {0} không trực thuộc đơn vị bị tách.")]
    UnitNotChild(i64),
    #[error("Đơn vị trực thuộc số {0} được phân về hai đơn vị.")]
    UnitAssignedTwice(i64),
}

impl PlanError {
    /// A stable code for the audit trail (which keeps no names).
    pub fn code(&self) -> &'static str {
        match self {
            PlanError::NoSource => "no_source",
            PlanError::TooFewParts => "too_few_parts",
            PlanError::Repeated(_) => "unit_repeated",
            PlanError::BothSourceAndDestination(_) => "source_is_destination",
            PlanError::DestinationInsideSource { .. } => "destination_inside_source",
            PlanError::SourcesNested { .. } => "sources_nested",
            PlanError::Dissolved(_) => "unit_dissolved",
            PlanError::Root(_) => "root_unit",
            PlanError::KindNotAllowed { .. } => "kind_not_allowed",
            PlanError::BadName => "bad_name",
            PlanError::PeopleUnassigned { .. } => "people_unassigned",
            PlanError::PersonNotInSource(_) => "person_not_in_source",
            PlanError::PersonAssignedTwice(_) => "person_assigned_twice",
            PlanError::UnitsUnassigned { .. } => "units_unassigned",
            PlanError::UnitNotChild(_) => "unit_not_child",
            PlanError::UnitAssignedTwice(_) => "unit_assigned_twice",
        }
    }
}

/// The decision behind a reorganisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<'a> {
    pub number: &'a str,
    pub date: Date,
    pub effective: Date,
}

/// Why a decision cannot be acted on today.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("Phải ghi số quyết định (tối đa 50 ký tự).")]
    Number,
    #[error("Ngày quyết định không được sau ngày hôm nay.")]
    DateAhead,
    #[error("Ngày hiệu lực không được trước ngày quyết định.")]
    EffectiveBeforeDate,
    #[error(
        "Ngày hiệu lực chưa đến: sắp xếp đơn vị được thực hiện từ ngày hiệu lực của quyết định."
    )]
    EffectiveAhead,
}

/// A decision is acted on once it has been signed and has taken effect: the tree shows what is,
/// not what will be.
pub fn check_decision(d: &Decision<'_>, today: Date) -> Result<(), DecisionError> {
    let number = d.number.trim();
    if number.is_empty() || number.chars().count() > 50 {
        return Err(DecisionError::Number);
    }
    if d.date > today {
        return Err(DecisionError::DateAhead);
    }
    if d.effective < d.date {
        return Err(DecisionError::EffectiveBeforeDate);
    }
    if d.effective > today {
        return Err(DecisionError::EffectiveAhead);
    }
    Ok(())
}

impl Surroundings {
    fn unit(&self, id: i64) -> &UnitFacts {
        self.units
            .get(&id)
            .unwrap_or_else(|| panic!("unit {id} of the plan missing from its surroundings"))
    }
}

/// A unit that may give away its people and units: alive, and not the top of the tree.
fn check_source(u: &UnitFacts) -> Result<(), PlanError> {
    if u.dissolved {
        return Err(PlanError::Dissolved(u.name.clone()));
    }
    if u.parent_id.is_none() {
        return Err(PlanError::Root(u.name.clone()));
    }
    Ok(())
}

fn may_hold(
    parent_kind: OrgUnitKind,
    parent_name: &str,
    child: OrgUnitKind,
) -> Result<(), PlanError> {
    if parent_kind.may_contain(child) {
        Ok(())
    } else {
        Err(PlanError::KindNotAllowed {
            child: child.label_vi().to_string(),
            parent: parent_name.to_string(),
            parent_kind: parent_kind.label_vi().to_lowercase(),
        })
    }
}

/// A destination outside every source, alive, of a kind its parent may hold; returns its name
/// and kind (for the checks of what goes under it).
fn check_destination<'a>(
    d: &'a Destination,
    sources: &[&UnitFacts],
    around: &'a Surroundings,
) -> Result<(&'a str, OrgUnitKind), PlanError> {
    let (path, name, kind) = match d {
        Destination::Existing(id) => {
            let u = around.unit(*id);
            if let Some(s) = sources.iter().find(|s| s.id == u.id) {
                return Err(PlanError::BothSourceAndDestination(s.name.clone()));
            }
            if u.dissolved {
                return Err(PlanError::Dissolved(u.name.clone()));
            }
            (u.path.as_str(), u.name.as_str(), u.kind)
        }
        Destination::New {
            parent_id,
            name,
            kind,
        } => {
            let parent = around.unit(*parent_id);
            if parent.dissolved {
                return Err(PlanError::Dissolved(parent.name.clone()));
            }
            let trimmed = name.trim();
            if trimmed.is_empty() || trimmed.chars().count() > 255 {
                return Err(PlanError::BadName);
            }
            may_hold(parent.kind, &parent.name, *kind)?;
            (parent.path.as_str(), trimmed, *kind)
        }
    };
    // A destination (or the parent of a new one) inside a source would be dissolved with it, or
    // moved under itself.
    if let Some(s) = sources.iter().find(|s| is_within(path, &s.path)) {
        return Err(PlanError::DestinationInsideSource {
            destination: name.to_string(),
            dissolved: s.name.clone(),
        });
    }
    Ok((name, kind))
}

/// Checks a plan against the tree around it and says who and what goes where.
pub fn check(plan: &Plan, around: &Surroundings) -> Result<Assignment, PlanError> {
    match plan {
        Plan::Merge {
            sources,
            destination,
        } => {
            if sources.is_empty() {
                return Err(PlanError::NoSource);
            }
            let mut seen = HashSet::new();
            let mut facts = Vec::new();
            for id in sources {
                let u = around.unit(*id);
                if !seen.insert(*id) {
                    return Err(PlanError::Repeated(u.name.clone()));
                }
                check_source(u)?;
                facts.push(u);
            }
            for a in &facts {
                for b in &facts {
                    if a.id != b.id && is_within(&a.path, &b.path) {
                        return Err(PlanError::SourcesNested {
                            inner: a.name.clone(),
                            outer: b.name.clone(),
                        });
                    }
                }
            }
            let (name, kind) = check_destination(destination, &facts, around)?;
            let mut people = Vec::new();
            let mut units = Vec::new();
            for s in &facts {
                for child in around.children.get(&s.id).into_iter().flatten() {
                    may_hold(kind, name, around.unit(*child).kind)?;
                    units.push((*child, 0));
                }
                for p in around.people.get(&s.id).into_iter().flatten() {
                    people.push((*p, s.id, 0));
                }
            }
            Ok(Assignment {
                destinations: vec![destination.clone()],
                people,
                units,
                dissolved: sources.clone(),
            })
        }
        Plan::Split { source, parts } => {
            let s = around.unit(*source);
            check_source(s)?;
            if parts.len() < 2 {
                return Err(PlanError::TooFewParts);
            }
            let mut existing = HashSet::new();
            let mut people = Vec::new();
            let mut units = Vec::new();
            let mut people_seen = HashSet::new();
            let mut units_seen = HashSet::new();
            let in_source: HashSet<i64> = around
                .people
                .get(source)
                .into_iter()
                .flatten()
                .copied()
                .collect();
            let children: HashSet<i64> = around
                .children
                .get(source)
                .into_iter()
                .flatten()
                .copied()
                .collect();
            for (i, part) in parts.iter().enumerate() {
                if let Destination::Existing(id) = &part.destination
                    && !existing.insert(*id)
                {
                    return Err(PlanError::Repeated(around.unit(*id).name.clone()));
                }
                let (name, kind) = check_destination(&part.destination, &[s], around)?;
                for p in &part.people {
                    if !in_source.contains(p) {
                        return Err(PlanError::PersonNotInSource(*p));
                    }
                    if !people_seen.insert(*p) {
                        return Err(PlanError::PersonAssignedTwice(*p));
                    }
                    people.push((*p, s.id, i));
                }
                for u in &part.units {
                    if !children.contains(u) {
                        return Err(PlanError::UnitNotChild(*u));
                    }
                    if !units_seen.insert(*u) {
                        return Err(PlanError::UnitAssignedTwice(*u));
                    }
                    may_hold(kind, name, around.unit(*u).kind)?;
                    units.push((*u, i));
                }
            }
            let left = in_source.len() - people_seen.len();
            if left > 0 {
                return Err(PlanError::PeopleUnassigned {
                    unit: s.name.clone(),
                    count: left,
                });
            }
            let left = children.len() - units_seen.len();
            if left > 0 {
                return Err(PlanError::UnitsUnassigned {
                    unit: s.name.clone(),
                    count: left,
                });
            }
            Ok(Assignment {
                destinations: parts.iter().map(|p| p.destination.clone()).collect(),
                people,
                units,
                dissolved: vec![*source],
            })
        }
    }
}

/// The kind of operation, as history and records name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Merge,
    Split,
}

impl OperationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::Merge => "merge",
            OperationKind::Split => "split",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            OperationKind::Merge => "Sáp nhập",
            OperationKind::Split => "Chia tách",
        }
    }
}

/// A person moved by a reorganisation, as the record keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reassignment<'a> {
    pub kind: OperationKind,
    pub decision_number: &'a str,
    pub decision_date: Date,
    pub effective_date: Date,
    /// The units by their full names, as the record's text fields keep them.
    pub from_unit: &'a str,
    pub to_unit: &'a str,
}

/// The event type a reorganisation writes: the schema's "Khác" (it has no type of its own),
/// the operation named in the note.
pub const EVENT_TYPE: &str = "khac";

/// Writes the reorganisation into the record as a movement is written: the decision as a
/// `personnel_events` row, the work history closed at the old unit and opened at the new one,
/// the position held kept.
pub fn apply(doc: &mut RecordDoc, r: &Reassignment<'_>) {
    let note = format!(
        "{} đơn vị: {} → {}",
        r.kind.label_vi(),
        r.from_unit,
        r.to_unit
    );
    crate::movements::write_move(
        doc,
        EVENT_TYPE,
        &crate::movements::Movement {
            // Only its fields are read: the event type is the one given.
            kind: crate::movements::MovementKind::Transfer,
            decision_number: r.decision_number,
            decision_date: r.decision_date,
            effective_date: r.effective_date,
            from_unit: r.from_unit,
            to_unit: r.to_unit,
            position: None,
            note: Some(&note),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn unit(id: i64, parent: Option<i64>, path: &str, kind: OrgUnitKind) -> UnitFacts {
        UnitFacts {
            id,
            parent_id: parent,
            path: path.into(),
            name: format!("Đơn vị {id}"),
            kind,
            dissolved: false,
        }
    }

    /// Province 1; communes 2, 3, 4; department 5 under 2; hospital 6 under 2.
    fn around() -> Surroundings {
        use OrgUnitKind::*;
        let units = [
            unit(1, None, "/1/", Province),
            unit(2, Some(1), "/1/2/", Commune),
            unit(3, Some(1), "/1/3/", Commune),
            unit(4, Some(1), "/1/4/", Commune),
            unit(5, Some(2), "/1/2/5/", Department),
            unit(6, Some(2), "/1/2/6/", PublicServiceUnit),
        ];
        Surroundings {
            units: units.into_iter().map(|u| (u.id, u)).collect(),
            people: [(2, vec![10, 11, 12]), (3, vec![20])].into(),
            children: [(2, vec![5, 6]), (3, vec![])].into(),
        }
    }

    fn new_commune(name: &str) -> Destination {
        Destination::New {
            parent_id: 1,
            name: name.into(),
            kind: OrgUnitKind::Commune,
        }
    }

    #[test]
    fn a_merge_moves_everyone_and_every_child_unit_and_dissolves_the_sources() {
        let plan = Plan::Merge {
            sources: vec![2, 3],
            destination: new_commune("Xã Mới"),
        };
        let a = check(&plan, &around()).unwrap();
        assert_eq!(
            a.people,
            vec![(10, 2, 0), (11, 2, 0), (12, 2, 0), (20, 3, 0)]
        );
        assert_eq!(a.units, vec![(5, 0), (6, 0)]);
        assert_eq!(a.dissolved, vec![2, 3]);
        // Into an existing commune as well.
        let into_four = Plan::Merge {
            sources: vec![2, 3],
            destination: Destination::Existing(4),
        };
        assert_eq!(check(&into_four, &around()).unwrap().people.len(), 4);
    }

    #[test]
    fn a_merge_refuses_what_would_break_the_tree() {
        let merge = |sources: Vec<i64>, destination| Plan::Merge {
            sources,
            destination,
        };
        let cases = [
            (merge(vec![], Destination::Existing(4)), "no_source"),
            (merge(vec![2, 2], Destination::Existing(4)), "unit_repeated"),
            (
                merge(vec![2, 4], Destination::Existing(4)),
                "source_is_destination",
            ),
            (
                merge(vec![2, 5], Destination::Existing(4)),
                "sources_nested",
            ),
            (merge(vec![1], Destination::Existing(4)), "root_unit"),
            (merge(vec![2], new_commune("  ")), "bad_name"),
            (
                merge(
                    vec![2],
                    Destination::New {
                        parent_id: 2,
                        name: "Phòng".into(),
                        kind: OrgUnitKind::Department,
                    },
                ),
                "destination_inside_source",
            ),
            (
                merge(vec![2], Destination::Existing(5)),
                "destination_inside_source",
            ),
        ];
        for (plan, code) in cases {
            assert_eq!(
                check(&plan, &around()).unwrap_err().code(),
                code,
                "{plan:?}"
            );
        }
        let mut dissolved = around();
        dissolved.units.get_mut(&4).unwrap().dissolved = true;
        let e = check(&merge(vec![2], Destination::Existing(4)), &dissolved).unwrap_err();
        assert_eq!(e, PlanError::Dissolved("Đơn vị 4".into()));
        // The destination must hold the sources' child units: a department cannot hold a
        // public service unit.
        let mut with_dept = around();
        with_dept
            .units
            .insert(7, unit(7, Some(4), "/1/4/7/", OrgUnitKind::Department));
        let e = check(&merge(vec![2], Destination::Existing(7)), &with_dept).unwrap_err();
        assert_eq!(e.code(), "kind_not_allowed");
        assert!(e.to_string().contains("Đơn vị sự nghiệp công lập"), "{e}");
    }

    fn split(parts: Vec<(Destination, Vec<i64>, Vec<i64>)>) -> Plan {
        Plan::Split {
            source: 2,
            parts: parts
                .into_iter()
                .map(|(destination, people, units)| Part {
                    destination,
                    people,
                    units,
                })
                .collect(),
        }
    }

    #[test]
    fn a_split_follows_its_list() {
        let plan = split(vec![
            (new_commune("Xã Bắc"), vec![10, 12], vec![5]),
            (Destination::Existing(4), vec![11], vec![6]),
        ]);
        let a = check(&plan, &around()).unwrap();
        assert_eq!(a.people, vec![(10, 2, 0), (12, 2, 0), (11, 2, 1)]);
        assert_eq!(a.units, vec![(5, 0), (6, 1)]);
        assert_eq!(a.dissolved, vec![2]);
    }

    #[test]
    fn a_split_leaving_anyone_without_a_unit_is_refused_with_the_count() {
        let plan = split(vec![
            (new_commune("Xã Bắc"), vec![10], vec![5]),
            (Destination::Existing(4), vec![], vec![6]),
        ]);
        let e = check(&plan, &around()).unwrap_err();
        assert_eq!(
            e,
            PlanError::PeopleUnassigned {
                unit: "Đơn vị 2".into(),
                count: 2
            }
        );
        assert!(e.to_string().starts_with("Còn 2 người của \"Đơn vị 2\""));
        let cases = [
            (
                split(vec![(
                    Destination::Existing(4),
                    vec![10, 11, 12],
                    vec![5, 6],
                )]),
                "too_few_parts",
            ),
            (
                split(vec![
                    (new_commune("A"), vec![10, 20], vec![5]),
                    (Destination::Existing(4), vec![11, 12], vec![6]),
                ]),
                "person_not_in_source",
            ),
            (
                split(vec![
                    (new_commune("A"), vec![10, 11], vec![5]),
                    (Destination::Existing(4), vec![11, 12], vec![6]),
                ]),
                "person_assigned_twice",
            ),
            (
                split(vec![
                    (new_commune("A"), vec![10], vec![5]),
                    (Destination::Existing(4), vec![11, 12], vec![]),
                ]),
                "units_unassigned",
            ),
            (
                split(vec![
                    (Destination::Existing(4), vec![10], vec![5]),
                    (Destination::Existing(4), vec![11, 12], vec![6]),
                ]),
                "unit_repeated",
            ),
            (
                split(vec![
                    (Destination::Existing(5), vec![10], vec![]),
                    (Destination::Existing(4), vec![11, 12], vec![6]),
                ]),
                "destination_inside_source",
            ),
        ];
        for (plan, code) in cases {
            assert_eq!(
                check(&plan, &around()).unwrap_err().code(),
                code,
                "{plan:?}"
            );
        }
    }

    #[test]
    fn a_decision_is_acted_on_once_signed_and_in_effect() {
        let today = date!(2026 - 11 - 25);
        let d = |number, date, effective| Decision {
            number,
            date,
            effective,
        };
        assert_eq!(
            check_decision(&d("15/QĐ-UBND", date!(2026 - 11 - 20), today), today),
            Ok(())
        );
        assert_eq!(
            check_decision(&d(" ", date!(2026 - 11 - 20), today), today),
            Err(DecisionError::Number)
        );
        assert_eq!(
            check_decision(&d("1", date!(2026 - 11 - 26), date!(2026 - 11 - 26)), today),
            Err(DecisionError::DateAhead)
        );
        assert_eq!(
            check_decision(&d("1", date!(2026 - 11 - 20), date!(2026 - 11 - 19)), today),
            Err(DecisionError::EffectiveBeforeDate)
        );
        assert_eq!(
            check_decision(&d("1", date!(2026 - 11 - 20), date!(2026 - 12 - 01)), today),
            Err(DecisionError::EffectiveAhead)
        );
    }

    #[test]
    fn the_record_keeps_the_reorganisation_like_a_movement() {
        let mut doc: RecordDoc = serde_json::from_value(json!({
            "work_history": [{"from": "2020-01", "unit": "UBND xã A", "title_or_position": "Công chức Tư pháp – Hộ tịch"}]
        }))
        .unwrap();
        apply(
            &mut doc,
            &Reassignment {
                kind: OperationKind::Merge,
                decision_number: "15/NQ-HĐND",
                decision_date: date!(2026 - 11 - 20),
                effective_date: date!(2026 - 11 - 25),
                from_unit: "UBND xã A",
                to_unit: "UBND xã C",
            },
        );
        assert_eq!(doc["personnel_events"][0]["event_type"], "khac");
        assert_eq!(
            doc["personnel_events"][0]["note"],
            "Sáp nhập đơn vị: UBND xã A → UBND xã C"
        );
        assert_eq!(doc["work_history"][0]["to"], "2026-11");
        assert_eq!(
            doc["work_history"][1],
            json!({"from": "2026-11", "unit": "UBND xã C", "title_or_position": "Công chức Tư pháp – Hộ tịch"})
        );
    }

    #[test]
    fn the_event_type_is_one_every_schema_offers() {
        for schema in crate::schema::SchemaSet::embedded().versions() {
            let event_type = schema
                .sections
                .iter()
                .find(|s| s.id == "personnel_events")
                .and_then(|s| s.fields.iter().find(|f| f.id == "event_type"))
                .unwrap();
            assert!(
                event_type.choices.iter().any(|c| c.code == EVENT_TYPE),
                "{}",
                schema.version
            );
        }
    }
}
