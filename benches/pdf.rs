//! Exporting a full GB2021 report to PDF (layout, subsetting, compression), fonts already
//! parsed as they are after the first export of a session.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::pdf::{PdfOptions, export};
use nianbao::store::csv::{self, ImportOptions};

fn pdf(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hangzhou-2021.csv");
    let report = match csv::read(&path, &ImportOptions::default()) {
        Ok(d) => d.report,
        Err(e) => panic!("fixture: {e}"),
    };
    let form = match report.form() {
        Ok(f) => f,
        Err(e) => panic!("{e}"),
    };
    let opts = PdfOptions::default();
    let first = std::time::Instant::now();
    let out = match export(&report, &form, &opts) {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    };
    eprintln!(
        "first export (parses the bundled fonts): {:?}; {} pages, {} bytes",
        first.elapsed(),
        out.pages,
        out.bytes.len()
    );
    c.bench_function("export full gb2021 report to PDF", |b| b.iter(|| export(&report, &form, &opts)));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = pdf
}
criterion_main!(benches);
