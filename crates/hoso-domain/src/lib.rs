//! The rules of Vietnamese public-personnel records, free of I/O.
//!
//! Everything here is a pure function of its inputs (including "today" and the rules in force),
//! so that every rule can be unit-tested exhaustively and every computation can be asked "as of"
//! any date.

pub mod access;
pub mod age;
pub mod alerts;
pub mod audit_action;
pub mod backup_retention;
pub mod calendar;
pub mod career;
pub mod catalog;
pub mod changes;
pub mod collation;
pub mod data_quality;
pub mod deadlines;
pub mod form_2c;
pub mod late;
pub mod movements;
pub mod national_id;
pub mod org;
pub mod password_policy;
pub mod payroll;
pub mod periodic_reports;
pub mod record_facts;
pub mod reorganisation;
pub mod retirement;
pub mod salary;
pub mod schema;
pub mod search_key;
pub mod status_decisions;
pub mod templates;
pub mod text;
pub mod typed_date;
