//! Everything that touches the disk: drafts (RON), CSV import/export, atomic saves.

pub mod atomic;
pub mod csv;
pub mod draft;
pub mod recovery;
pub mod settings;

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

/// Last year's published report, when the file is one (web page, Word, PDF, pasted text).
#[cfg(feature = "import")]
fn published_report(path: &Path, year: Option<i32>, unit: Option<&str>) -> Option<Result<Report, String>> {
    if !crate::import::is_report_path(path) || is_long_csv(path) {
        return None;
    }
    // The file holds last year's report; `--year` names this year's.
    let opts = csv::ImportOptions { format: None, year: year.map(|y| y - 1), unit: unit.map(str::to_string) };
    Some(crate::import::read_file(path, &opts).map(|i| i.report).map_err(|e| e.to_string()))
}

#[cfg(not(feature = "import"))]
fn published_report(_: &Path, _: Option<i32>, _: Option<&str>) -> Option<Result<Report, String>> {
    None
}

/// Whether a file starts with the long CSV's header (a `.txt` may be either that or text
/// copied from a published page).
#[cfg(feature = "import")]
fn is_long_csv(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if ext.as_deref() == Some("csv") {
        return true;
    }
    let Ok(bytes) = draft::read_limited(path, csv::MAX_CSV_BYTES) else { return false };
    let Ok(text) = csv::decode(&bytes) else { return false };
    let first = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    crate::model::labels::fold(first).starts_with("表,行,列,值")
}

/// This year's draft from last year's draft (`.ron`), last year's published tables (`.csv`) or, with
/// the `import` feature, last year's published report itself (web page, `.docx`, PDF, pasted text).
/// `year` and `format` default to last year + 1 and the format for that year.
pub fn rollover_from_file(
    path: &Path,
    year: Option<i32>,
    format: Option<&str>,
    unit: Option<&str>,
) -> Result<Report, String> {
    let last = if let Some(report) = published_report(path, year, unit) {
        report?
    } else if csv::is_csv_path(path) {
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
    let format = format.map(str::to_string).unwrap_or_else(|| Template::format_for_year(year).to_string());
    let mut next = rollover::roll_over(&last, year, &format).map_err(|e| e.to_string())?;
    if let Some(u) = unit {
        next.unit.name = u.to_string();
    }
    Ok(next)
}
