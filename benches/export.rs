//! Writing a full GB2021 report (the Hangzhou figures, every text section filled) as Word, web
//! page and Excel: each must stay well under the 20 ms a click may take.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::export::{ExportOptions, Format, export};
use nianbao::store::csv::{self, ImportOptions};

fn formats(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hangzhou-2021.csv");
    let report = match csv::read(&path, &ImportOptions::default()) {
        Ok(d) => d.report,
        Err(e) => panic!("fixture: {e}"),
    };
    let form = match report.form() {
        Ok(f) => f,
        Err(e) => panic!("{e}"),
    };
    let opts = ExportOptions::default();
    for format in Format::ALL {
        let size = export(format, &report, &form, &opts).map(|o| o.bytes.len()).unwrap_or(0);
        eprintln!("{}: {size} bytes", format.extension());
        c.bench_function(&format!("export full gb2021 report to .{}", format.extension()), |b| {
            b.iter(|| export(format, &report, &form, &opts))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = formats
}
criterion_main!(benches);
