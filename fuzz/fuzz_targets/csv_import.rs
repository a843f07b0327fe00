//! Any bytes as a CSV (any encoding): import never panics, and what imports checks cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::store::csv::{self, ImportOptions};

fuzz_target!(|data: &[u8]| {
    let opts = ImportOptions { year: Some(2025), ..ImportOptions::default() };
    let Ok(imported) = csv::parse(data, &opts) else { return };
    if let Ok(form) = imported.report.form() {
        let ctx = nianbao::model::Context { today: None, published: imported.published.clone(), ..Default::default() };
        let _ = nianbao::model::check_report(&form, &imported.report, &ctx);
    }
});
