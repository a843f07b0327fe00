//! Exporting a full GB2021 report to PDF (layout, subsetting, compression), fonts already
//! parsed as they are after the first export of a session.

#[path = "../tests/util/fixtures.rs"]
mod fixtures;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::pdf::{PdfOptions, export};

fn pdf(c: &mut Criterion) {
    let report = fixtures::report("hangzhou-2021.csv");
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
