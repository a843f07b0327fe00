//! Exporting real reports to PDF (layout, subsetting, compression): the 14-page seed report and
//! a full GB2021 report, fonts already parsed as they are after the first export of a session.
//! The first export's time (font discovery, unpacking and parsing the bundled faces) is printed.
//!
//! For the comparison in the README: LibreOffice converting the seed report's Word file,
//! `time soffice --headless --convert-to pdf seed.docx`.

// A bench's or example's unwrap stops it with the reason (Cargo.toml's lints deny them in the program).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/util/fixtures.rs"]
mod fixtures;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::pdf::{PdfOptions, export};

fn pdf(c: &mut Criterion) {
    let opts = PdfOptions::default();
    let mut first = true;
    for (name, label) in [
        ("seed-2019.csv", "export seed report (14 pages) to PDF"),
        ("hangzhou-2021.csv", "export full gb2021 report to PDF"),
    ] {
        let report = fixtures::report(name);
        let form = match report.form() {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        };
        let start = std::time::Instant::now();
        let out = match export(&report, &form, &opts) {
            Ok(o) => o,
            Err(e) => panic!("{e}"),
        };
        eprintln!(
            "{name}: {} export {:?}; {} pages, {} bytes",
            if first { "first" } else { "one" },
            start.elapsed(),
            out.pages,
            out.bytes.len()
        );
        first = false;
        c.bench_function(label, |b| b.iter(|| export(&report, &form, &opts)));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = pdf
}
criterion_main!(benches);
