//! The integration tests, one binary (as ripgrep does): the model, drafts, CSV, roll-over, the
//! command line (the real binary), the crash test and the PDF. The window has its own binary
//! (`tests/gui`).

// A test's unwrap is a failed test (Cargo.toml's lints deny them in the program).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

#[path = "../util/county.rs"]
mod county_util;
#[path = "../util/fixtures.rs"]
mod fixtures;
#[cfg(feature = "import")]
#[path = "../util/hostile_docs.rs"]
mod hostile_docs;
#[cfg(feature = "import")]
#[path = "../util/import.rs"]
mod import_util;
#[path = "../util/run.rs"]
mod run;

mod cli;
mod concurrency;
mod county;
mod crash;
mod drafts;
#[cfg(all(feature = "export", feature = "pdf"))]
mod export;
mod fulldisk;
mod hostile;
#[cfg(feature = "import")]
mod hostile_docs_tests;
#[cfg(feature = "import")]
mod import;
#[cfg(feature = "import")]
mod import_corpus;
mod never_lose_work;
#[cfg(feature = "pdf")]
mod pdf;
#[cfg(feature = "pdf")]
mod pdf_layout;
#[cfg(feature = "pdf")]
mod pdfgeom;
mod properties;
mod rollover;
mod rules;
mod templates;
#[cfg(feature = "import")]
mod text_checks;
mod text_figures;
mod values;
