//! Everything that touches the disk: drafts (RON), CSV import/export, atomic saves.

pub mod atomic;
pub mod csv;
pub mod draft;
pub mod recovery;
pub mod settings;
pub mod templates;

pub use draft::{DraftError, load, save};

use std::path::Path;

/// A fingerprint of a file's content (FNV-1a), to notice that it changed on disk since it was
/// opened or saved; `None` when it cannot be read.
pub fn file_hash(path: &Path) -> Option<u64> {
    let bytes = std::fs::read(path).ok()?;
    Some(bytes_hash(&bytes))
}

pub fn bytes_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

use crate::model::{Report, Template, rollover};

/// This year's draft from last year's draft (`.ron`) or last year's published tables (`.csv`).
/// `year` and `format` default to last year + 1 and the format for that year.
pub fn rollover_from_file(
    path: &Path,
    year: Option<i32>,
    format: Option<&str>,
    unit: Option<&str>,
) -> Result<Report, String> {
    let last = if csv::is_csv_path(path) {
        // The file holds last year's figures; `--year` names this year's report.
        let opts = csv::ImportOptions { format: None, year: year.map(|y| y - 1), unit: unit.map(str::to_string) };
        let data = csv::read(path, &opts).map_err(|e| e.to_string())?;
        if !data.issues.is_empty() {
            let list: Vec<String> = data.issues.iter().map(|i| i.to_string()).collect();
            return Err(format!("上年CSV中有无法识别的内容：\n  {}", list.join("\n  ")));
        }
        data.report
    } else {
        load(path).map_err(|e| e.to_string())?
    };
    let year = year.unwrap_or(last.year.saturating_add(1));
    if !crate::model::report::YEARS.contains(&year) {
        return Err(format!("报告年度“{year}”不合理"));
    }
    if year <= last.year {
        return Err(format!("新报告年度（{year}）应晚于上年报告（{}）", last.year));
    }
    let format = format.map(str::to_string).unwrap_or_else(|| Template::format_for_year(year));
    let mut next = rollover::roll_over(&last, year, &format).map_err(|e| e.to_string())?;
    if let Some(u) = unit {
        next.unit.name = u.to_string();
    }
    Ok(next)
}
