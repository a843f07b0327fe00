//! Checking a county's reports at once (`nianbao check 文件夹`): a generated folder of 500 units
//! (drafts, one in ten a long CSV) on all cores, and 50 published web pages. The aim is 500
//! reports within 2 s on the 2-core machine. Memory is measured outside (peak RSS of the real
//! command for 100 and 500 reports, see the README): only a short summary of each report is kept.

// A bench's or example's unwrap stops it with the reason (Cargo.toml's lints deny them in the program).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/util/county.rs"]
mod county;
#[path = "../tests/util/fixtures.rs"]
mod fixtures;

use std::sync::atomic::AtomicBool;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::county::{CheckOptions, check_all, collect, default_threads};

fn check_folder(c: &mut Criterion) {
    let tmp = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    // `NIANBAO_BENCH_COUNTY=DIR` keeps the generated county there (`DIR/now`, `DIR/prev`) for
    // timing the real command on it (`nianbao check DIR/now --prev-dir DIR/prev`).
    let kept = std::env::var_os("NIANBAO_BENCH_COUNTY").map(std::path::PathBuf::from);
    let root = kept.as_deref().unwrap_or(tmp.path());
    let drafts = root.join("500");
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

    // `--prev-dir`: every unit's text is 10,000 characters of real report text, and last
    // year's report of each unit is in another folder (most of its text the same). Timed:
    // reading last year's folder (as `check` does once) and checking the 500 against it.
    let now_dir = root.join("now");
    let prev_dir = root.join("prev");
    let c500 = county::generate(&now_dir, 500);
    if let Err(e) = std::fs::create_dir_all(&prev_dir) {
        panic!("{e}");
    }
    for (i, (path, r)) in c500.reports.iter().enumerate() {
        let mut r = r.clone();
        r.sections = fixtures::six_sections(&fixtures::published_text(i * 7, 10_000));
        let mut last = r.clone();
        last.year -= 1;
        last.sections = fixtures::six_sections(&fixtures::published_text(i * 7 + 3_000, 10_000));
        let saved = match path.extension().and_then(|x| x.to_str()) {
            Some("csv") => r.form().map_err(|e| e.to_string()).and_then(|form| {
                std::fs::write(path, nianbao::store::csv::export(&r, &form)).map_err(|e| e.to_string())
            }),
            _ => nianbao::store::save(path, &r).map_err(|e| e.to_string()),
        };
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("x");
        let saved = saved.and_then(|()| {
            nianbao::store::save(&prev_dir.join(format!("{i:03}{stem}.ron")), &last).map_err(|e| e.to_string())
        });
        if let Err(e) = saved {
            panic!("{}: {e}", path.display());
        }
    }
    let (now_files, _) = collect(std::slice::from_ref(&now_dir), &[]);
    let measured = {
        let index =
            std::sync::Arc::new(nianbao::county::previous::Index::build(std::slice::from_ref(&prev_dir), threads));
        let opts = CheckOptions { previous: Some(index), ..CheckOptions::default() };
        let mut n = 0;
        check_all(&now_files, &opts, threads, &cancel, |_, e| {
            n += usize::from(e.checked().is_some_and(|c| c.repetition.is_some()));
        });
        n
    };
    assert_eq!(measured, 500, "every unit compared with its own last year");
    // The same reports without last year's: what `--prev-dir` adds is the difference.
    g.bench_function(format!("check 500 reports of 10,000 characters, {threads} threads"), |b| {
        b.iter(|| check_all(&now_files, &CheckOptions::default(), threads, &cancel, |_, e| drop(e)))
    });
    g.bench_function(format!("check 500 reports of 10,000 characters with --prev-dir, {threads} threads"), |b| {
        b.iter(|| {
            let index = nianbao::county::previous::Index::build(std::slice::from_ref(&prev_dir), threads);
            let opts = CheckOptions { previous: Some(std::sync::Arc::new(index)), ..CheckOptions::default() };
            check_all(&now_files, &opts, threads, &cancel, |_, e| drop(e))
        })
    });

    // Published web pages: the county's CMS pages as saved from the site.
    let pages = root.join("pages");
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
