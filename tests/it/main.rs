//! The integration tests, one binary (as ripgrep does): the model, drafts, CSV, roll-over, the
//! command line (the real binary), the crash test and the PDF. The window has its own binary
//! (`tests/gui`).

#[path = "../util/fixtures.rs"]
mod fixtures;

mod cli;
mod crash;
mod drafts;
#[cfg(feature = "pdf")]
mod pdf;
mod properties;
mod rollover;
mod rules;
mod templates;
mod values;
