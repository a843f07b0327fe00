//! Checking a county's reports at once (`nianbao check 文件夹`): a generated folder of 500 units
//! (drafts, one in ten a long CSV) on all cores, and 50 published web pages. The aim is 500
//! reports within 2 s on the 2-core machine. Memory is measured outside (peak RSS of the real
//! command for 100 and 500 reports, see the README): only a short summary of each report is kept.

// A bench's or example's unwrap stops it with the reason (Cargo.toml's lints deny them in the program).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/util/county.rs"]
mod county;

use std::sync::atomic::AtomicBool;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::county::{CheckOptions, check_all, collect, default_threads};

fn check_folder(c: &mut Criterion) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let drafts = dir.path().join("500");
    county::generate(&drafts, 500);
    let (files, bad) = collect(&[drafts], &[]);
    assert!(bad.is_empty() && files.len() == 500, "{} files, {} unreadable", files.len(), bad.len());
    let opts = CheckOptions::default();
    let cancel = AtomicBool::new(false);
    let threads = default_threads();
    let mut g = c.benchmark_group("county");
    g.sample_size(10);
    g.bench_function(format!("check 500 reports (drafts and CSV), {threads} threads"), |b| {
        b.iter(|| check_all(&files, &opts, threads, &cancel, |_, e| drop(e)))
    });
    g.bench_function("check 500 reports (drafts and CSV), 1 thread", |b| {
        b.iter(|| check_all(&files, &opts, 1, &cancel, |_, e| drop(e)))
    });

    // Published web pages: the county's CMS pages as saved from the site.
    let pages = dir.path().join("pages");
    if let Err(e) = std::fs::create_dir_all(&pages) {
        panic!("{e}");
    }
    let page =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/published/hangzhou-2021-word.html");
    for i in 0..50 {
        if let Err(e) = std::fs::copy(&page, pages.join(format!("{i:02}.html"))) {
            panic!("{e}");
        }
    }
    let (pages, _) = collect(&[pages], &[]);
    g.bench_function(format!("check 50 Word-pasted CMS pages (150 KB each), {threads} threads"), |b| {
        b.iter(|| check_all(&pages, &opts, threads, &cancel, |_, e| drop(e)))
    });
    g.finish();
}

criterion_group!(benches, check_folder);
criterion_main!(benches);
