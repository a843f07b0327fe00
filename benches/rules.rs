//! Evaluating every rule on a full GB2021 report: parse all cells, compute the totals, run the
//! checks. This runs on every keystroke in the window, so it must stay far below a frame.

// A bench's or example's unwrap stops it with the reason (Cargo.toml's lints deny them in the program).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/util/fixtures.rs"]
mod fixtures;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::model::{Context, check_report};

fn rules(c: &mut Criterion) {
    let report = fixtures::report("hangzhou-2021.csv");
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
