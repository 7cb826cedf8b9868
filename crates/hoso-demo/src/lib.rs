//! A synthetic but realistic demo province: its organisation tree and the personnel records of
//! its staff, fast enough to seed 2.5 million records for benchmarks.
//!
//! Everything is deterministic for a seed. Documents follow the record-schema conventions: top
//! level keys are section ids, single sections are objects, repeating sections are arrays of row
//! objects; dates are `YYYY-MM-DD`, month-years `YYYY-MM`, coefficients numbers with two
//! decimals, money integer đồng, catalog values codes.

mod codes;
mod names;
mod person;
mod tree;

use hoso_domain::org::{OrgUnitKind, PersonStatus};

pub use person::PersonGenerator;
pub use tree::province_tree;

/// One unit of the demo tree. `key` is its index in the vector [`province_tree`] returns;
/// parents always come before their children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUnit {
    pub key: usize,
    pub parent: Option<usize>,
    pub name: String,
    pub kind: OrgUnitKind,
    pub code: String,
}

/// One synthetic person: the unit that employs them, their số định danh cá nhân, name, record
/// document and employment status.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoPerson {
    pub unit_key: usize,
    pub national_id: String,
    pub full_name: String,
    pub doc: serde_json::Map<String, serde_json::Value>,
    pub status: PersonStatus,
}
