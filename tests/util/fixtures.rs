//! The test fixtures (real published figures as long CSV), loaded one way for every test and
//! benchmark.

use std::path::{Path, PathBuf};

use nianbao::model::Report;
use nianbao::store::csv::{self, CsvData, ImportOptions};

/// `tests/fixtures/NAME`.
pub fn path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A fixture as read, which must have no line the reader could not place.
pub fn data(name: &str) -> CsvData {
    let data = csv::read(&path(name), &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(data.issues.is_empty(), "{name}: {:?}", data.issues);
    data
}

/// A fixture's report.
pub fn report(name: &str) -> Report {
    data(name).report
}
