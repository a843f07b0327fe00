//! Last year's reports of a county (`--prev-dir`, the county view's 上年报告文件夹), found per
//! unit so each report's 与上年重复率 compares it with its own unit's report of last year.
//!
//! Only what the comparison needs is kept of each file (its unit, year, format and texts), so a
//! folder of hundreds of reports costs a few MB.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::normalize_unit;
use crate::model::Report;
use crate::store::csv::ImportOptions;
use crate::workflow;

/// One of last year's reports.
#[derive(Debug, Clone)]
pub struct Previous {
    pub path: PathBuf,
    /// Its unit as the report names it, and the same normalised for matching.
    pub unit: String,
    key: String,
    /// The report with its texts (figures and reference values dropped).
    pub report: Report,
}

/// Last year's reports, by unit.
#[derive(Debug, Default)]
pub struct Index {
    entries: Vec<Previous>,
    /// Files that could not be read, and why.
    pub unreadable: Vec<(PathBuf, String)>,
}

impl Index {
    /// Reads every report under `paths` on `threads` workers.
    pub fn build(paths: &[PathBuf], threads: usize) -> Index {
        let (files, bad) = super::collect(paths, &[]);
        let mut index = Index::default();
        for e in bad {
            if let super::Outcome::Unreadable(reason) = e.outcome {
                index.unreadable.push((e.path, reason));
            }
        }
        let next = AtomicUsize::new(0);
        let read: Mutex<Vec<(usize, Result<Previous, String>)>> = Mutex::new(Vec::with_capacity(files.len()));
        std::thread::scope(|scope| {
            for _ in 0..threads.clamp(1, 16).min(files.len().max(1)) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = files.get(i) else { break };
                        // A panic in one reader (a bug) is that file's failure, not the folder's.
                        let one = std::panic::catch_unwind(|| read_one(path))
                            .map_err(|_| "读取时程序出错（已跳过此文件）".to_string())
                            .and_then(|r| r.map_err(|e| e.to_string()));
                        read.lock().unwrap_or_else(|e| e.into_inner()).push((i, one));
                    }
                });
            }
        });
        let mut read = read.into_inner().unwrap_or_else(|e| e.into_inner());
        read.sort_by_key(|(i, _)| *i);
        for (i, r) in read {
            match r {
                Ok(p) => index.entries.push(p),
                Err(reason) => index.unreadable.push((files[i].clone(), reason)),
            }
        }
        index
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The report of `report`'s unit from the latest year before it: the same name (ignoring
    /// spaces and bracket width), else the one name that ends with the other (a short name).
    pub fn find(&self, report: &Report) -> Option<&Previous> {
        let unit = normalize_unit(report.unit.name.trim());
        if unit.is_empty() {
            return None;
        }
        let earlier = || self.entries.iter().filter(|p| p.report.year < report.year);
        fn latest(list: Vec<&Previous>) -> Option<&Previous> {
            list.into_iter().max_by_key(|p| p.report.year)
        }
        let exact: Vec<&Previous> = earlier().filter(|p| p.key == unit).collect();
        if !exact.is_empty() {
            return latest(exact);
        }
        let near: Vec<&Previous> = earlier()
            .filter(|p| p.key.chars().count() >= 3 && unit.chars().count() >= 3)
            .filter(|p| unit.ends_with(&p.key) || p.key.ends_with(&unit))
            .collect();
        let mut names: Vec<&str> = near.iter().map(|p| p.key.as_str()).collect();
        names.dedup();
        (names.len() == 1).then(|| latest(near)).flatten()
    }
}

fn read_one(path: &Path) -> Result<Previous, workflow::Error> {
    let opened = workflow::read(path, &ImportOptions::default())?;
    let mut report = opened.report;
    report.cells.clear();
    report.reference = None;
    report.explanations.clear();
    let unit = report.unit.name.trim().to_string();
    Ok(Previous { path: path.to_path_buf(), key: normalize_unit(&unit), unit, report })
}
