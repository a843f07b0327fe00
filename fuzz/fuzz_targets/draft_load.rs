//! Any bytes as a draft file: loading never panics; what loads checks without panicking and
//! survives save → load unchanged.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use nianbao::store::draft;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(loaded) = draft::from_ron_checked(text, Path::new("fuzz.ron")) else { return };
    let report = loaded.report;
    if let Ok(form) = report.form() {
        let _ = nianbao::model::check_report(&form, &report, &Default::default());
        let _ = nianbao::store::csv::export(&report, &form);
    }
    let again = draft::from_ron(&draft::to_ron(&report).expect("a loaded draft serialises"), Path::new("again.ron")).expect("a loaded draft reloads");
    assert_eq!(again, report);
});
