//! Any bytes as a PDF: reading never panics and stays within its budget (libFuzzer's time and
//! memory limits catch a reader that does not), and what is recognised checks without
//! panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::import::{self, ImportOptions, SourceKind};

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = import::read_document(data, SourceKind::Pdf) else { return };
    let opts = ImportOptions { year: Some(2023), ..ImportOptions::default() };
    let Ok(imported) = import::recognize::recognize(&doc, SourceKind::Pdf, &opts) else { return };
    if let Ok(form) = imported.report.form() {
        let ctx = nianbao::model::Context {
            today: None,
            published: imported.published.clone(),
            absent_tables: imported.absent_tables.clone(),
            absent_sections: imported.absent_sections.clone(),
        };
        let _ = nianbao::model::check_report(&form, &imported.report, &ctx);
    }
    // What was imported can always be saved.
    assert!(nianbao::store::draft::check_sizes(&imported.report, std::path::Path::new("x")).is_ok());
});
