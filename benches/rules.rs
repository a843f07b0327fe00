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

/// 与上年重复率 of a 10,000-character report against last year's (real published text, 96% of
/// this year's repeated: the worst case, every run found): building last year's runs and measuring every section, as `check --prev`
/// does once; and the measure alone, as the window does on every keystroke with last year's
/// runs kept.
fn repetition(c: &mut Criterion) {
    use nianbao::model::repetition;
    let mut report = nianbao::model::Report::new("gb2021", 2025, "兴义市应急管理局");
    report.sections = fixtures::six_sections(&fixtures::published_text(0, 10_000));
    report.reference = Some(nianbao::model::Reference {
        year: 2024,
        template: "gb2021".into(),
        cells: Default::default(),
        sections: fixtures::six_sections(&fixtures::published_text(3_000, 10_000)),
    });
    let form = match report.form() {
        Ok(f) => f,
        Err(e) => panic!("{e}"),
    };
    let Some(rates) = repetition::report_rates(&form, &report, &form.generated) else { panic!("last year's text") };
    // Spaces, punctuation and the figures' digits are not counted characters.
    eprintln!(
        "10,000 characters: {} counted, {} repeated ({})",
        rates.whole.counted,
        rates.whole.repeated,
        rates.whole.label()
    );
    assert!(rates.whole.counted > 5_000, "the text is measured");
    c.bench_function("repetition of a 10,000-character report against last year's", |b| {
        b.iter(|| repetition::report_rates(black_box(&form), black_box(&report), &form.generated))
    });
    let corpus = match repetition::last_year(&report, &form.generated) {
        Some((_, c)) => c,
        None => panic!("last year's text"),
    };
    c.bench_function("repetition, last year's runs kept (the window, per keystroke)", |b| {
        b.iter(|| repetition::rates_against(black_box(&form), black_box(&report), &form.generated, 2024, &corpus))
    });
}

criterion_group!(benches, rules, repetition);
criterion_main!(benches);
