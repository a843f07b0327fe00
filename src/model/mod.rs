//! The report as data: templates, values, the rule engine and roll-over.
//! No UI, no PDF, no file I/O here (design principle 2).

pub mod date;
pub mod form;
pub mod headings;
pub mod indicators;
pub mod labels;
pub mod punct;
pub mod repetition;
pub mod report;
pub mod rollover;
pub mod rulepack;
pub mod rules;
pub mod template;
pub mod text_checks;
mod text_rules;
pub mod value;
pub mod wording;

pub use form::Form;
pub use report::{Date, Reference, Report, UnitInfo, Values};
pub use rules::{Context, Finding, check_report, evaluate};
pub use template::{Severity, Template, TemplateError};
pub use value::{CellKind, CellValue, Num, parse_cell};
