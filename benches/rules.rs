//! Evaluating every rule on a full GB2021 report: parse all cells, compute the totals, run the
//! checks. This runs on every keystroke in the window, so it must stay far below a frame.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::model::{Context, check_report};
use nianbao::store::csv::{self, ImportOptions};

fn full_report() -> nianbao::model::Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hangzhou-2021.csv");
    match csv::read(&path, &ImportOptions::default()) {
        Ok(d) => d.report,
        Err(e) => panic!("fixture: {e}"),
    }
}

fn rules(c: &mut Criterion) {
    let report = full_report();
    let form = match report.form() {
        Ok(f) => f,
        Err(e) => panic!("{e}"),
    };
    let ctx = Context::default();
    c.bench_function("evaluate all rules, full gb2021 report", |b| {
        b.iter(|| check_report(black_box(&form), black_box(&report), &ctx))
    });
    c.bench_function("compile gb2021 form (once per opened draft)", |b| b.iter(|| report.form()));
}

criterion_group!(benches, rules);
criterion_main!(benches);
