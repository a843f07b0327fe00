//! Importing published reports: a ~150 KB Word-pasted CMS page (target ≤ 20 ms) and a 5-page
//! PDF (target ≤ 100 ms), from bytes in memory (reading the file is not the work measured).

// A bench's or example's unwrap stops it with the reason (Cargo.toml's lints deny them in the program).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::import::{ImportOptions, read_bytes};

fn load(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/published").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn import(c: &mut Criterion) {
    let opts = ImportOptions::default();
    for (name, label) in [
        ("hangzhou-2021-word.html", "import Word-pasted CMS page (150 KB)"),
        ("hangzhou-2021-libreoffice.pdf", "import 5-page LibreOffice PDF"),
        ("shanghai-2019-reportlab.pdf", "import 2-page reportlab PDF (CID font, no ToUnicode)"),
        ("hangzhou-2021-template.docx", "import python-docx .docx"),
    ] {
        let bytes = load(name);
        if let Err(e) = read_bytes(&bytes, None, &opts) {
            panic!("{name}: {e}");
        }
        c.bench_function(label, |b| b.iter(|| read_bytes(&bytes, None, &opts)));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = import
}
criterion_main!(benches);
