//! Any bytes as a web page: reading never panics, and what is
//! recognised checks without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::import::{self, ImportOptions, SourceKind};

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = import::read_document(data, SourceKind::Html) else { return };
    let opts = ImportOptions { year: Some(2023), ..ImportOptions::default() };
    let Ok(imported) = import::recognize::recognize(&doc, SourceKind::Html, &opts) else { return };
    if let Ok(form) = imported.report.form() {
        let ctx = nianbao::model::Context { today: None, published: imported.published.clone(), ..Default::default() };
        let _ = nianbao::model::check_report(&form, &imported.report, &ctx);
    }
    // What was imported can always be saved.
    assert!(nianbao::store::draft::check_sizes(&imported.report, std::path::Path::new("x")).is_ok());
});
