//! Writing full reports as Word, web page and Excel: each must stay well under the 20 ms a click
//! may take. The reports are real published ones read back by the importer, so every text
//! section is filled as in January: Hangzhou's GB2021 report (its CMS page), the Shanghai GB2019
//! report, and the seed report (GB2019 with its annex, about 6 000 characters of text).

// A bench's or example's unwrap stops it with the reason (Cargo.toml's lints deny them in the program).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::export::{ExportOptions, Format, export};
use nianbao::import::{ImportOptions, read_file};

fn formats(c: &mut Criterion) {
    let opts = ExportOptions::default();
    for (name, label) in [
        ("published/hangzhou-2021-word.html", "gb2021 Hangzhou"),
        ("published/shanghai-2019-gbk.html", "gb2019 Shanghai"),
        ("seed-report-2019.txt", "gb2019 seed (14 pages)"),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        let report = match read_file(&path, &ImportOptions::default()) {
            Ok(d) => d.report,
            Err(e) => panic!("{name}: {e}"),
        };
        let form = match report.form() {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        };
        let text: usize = report.sections.values().map(|s| s.chars().count()).sum();
        for format in Format::ALL {
            let size = export(format, &report, &form, &opts).map(|o| o.bytes.len()).unwrap_or(0);
            eprintln!("{label} ({text} characters of text) .{}: {size} bytes", format.extension());
            c.bench_function(&format!("export {label} to .{}", format.extension()), |b| {
                b.iter(|| export(format, &report, &form, &opts))
            });
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = formats
}
criterion_main!(benches);
