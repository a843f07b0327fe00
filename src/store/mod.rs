//! Everything that touches the disk: drafts (RON), CSV import/export, atomic saves.

pub mod atomic;
pub mod csv;
pub mod draft;
pub mod lock;
pub mod output;
pub mod read;
pub mod recovery;
pub mod rulepacks;
pub mod settings;
mod shape;
pub mod templates;

pub use draft::{DraftError, Expect, load, save, save_checked};
pub use read::{ReadError, read_limited};

use std::path::Path;

/// What a draft file held when it was read or saved: the length and an FNV-1a hash of its
/// bytes. Whole-second modification times cannot tell two saves in one second apart; this can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContentHash {
    len: u64,
    fnv: u64,
}

impl ContentHash {
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash { len: bytes.len() as u64, fnv: bytes_hash(bytes) }
    }
}

pub fn bytes_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

use crate::model::{Report, Template, rollover};

/// Last year's published report, when the file is one (web page, Word, PDF, pasted text), with
/// what the import could not take over unambiguously.
#[cfg(feature = "import")]
#[allow(clippy::type_complexity)]
fn published_report(
    path: &Path,
    year: Option<i32>,
    unit: Option<&str>,
) -> Option<Result<(Report, Vec<String>), String>> {
    use crate::import::NoteKind;
    if !crate::import::is_report_path(path) || is_long_csv(path) {
        return None;
    }
    // The file holds last year's report; `--year` names this year's.
    let opts = csv::ImportOptions { format: None, year: year.map(|y| y - 1), unit: unit.map(str::to_string) };
    Some(
        crate::import::read_file(path, &opts)
            .map(|i| {
                let notes = i
                    .notes
                    .iter()
                    .filter(|n| matches!(n.kind, NoteKind::NotFound | NoteKind::Ambiguous | NoteKind::Mismatch))
                    .map(|n| format!("上年报告{n}"))
                    .collect();
                (i.report, notes)
            })
            .map_err(|e| format!("无法读取上年报告“{}”：{e}", path.display())),
    )
}

#[cfg(not(feature = "import"))]
#[allow(clippy::type_complexity)]
fn published_report(_: &Path, _: Option<i32>, _: Option<&str>) -> Option<Result<(Report, Vec<String>), String>> {
    None
}

/// Whether a file starts with the long CSV's header (a `.txt` may be either that or text
/// copied from a published page).
#[cfg(feature = "import")]
pub fn is_long_csv(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if ext.as_deref() == Some("csv") {
        return true;
    }
    let Ok(bytes) = read_limited(path, csv::MAX_CSV_BYTES) else { return false };
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
    rollover_with_warnings(path, year, format, unit).map(|(r, _)| r)
}

/// Like [`rollover_from_file`], with what the reader noticed in last year's file (control
/// characters removed, fields or cells this version does not know), for the user to see.
pub fn rollover_with_warnings(
    path: &Path,
    year: Option<i32>,
    format: Option<&str>,
    unit: Option<&str>,
) -> Result<(Report, Vec<String>), String> {
    let mut warnings = Vec::new();
    let last = if let Some(read) = published_report(path, year, unit) {
        let (report, notes) = read?;
        warnings.extend(notes);
        report
    } else if csv::is_csv_path(path) {
        // The file holds last year's figures; `--year` names this year's report.
        let opts = csv::ImportOptions { format: None, year: year.map(|y| y - 1), unit: unit.map(str::to_string) };
        let data = csv::read(path, &opts).map_err(|e| e.to_string())?;
        if !data.issues.is_empty() {
            let list: Vec<String> = data.issues.iter().map(|i| i.to_string()).collect();
            return Err(format!("上年CSV中有无法识别的内容：\n  {}", list.join("\n  ")));
        }
        warnings.extend(data.warnings.iter().map(|w| format!("上年CSV{w}")));
        data.report
    } else {
        let loaded = draft::load_checked(path).map_err(|e| e.to_string())?;
        warnings.extend(loaded.warnings.iter().map(|w| format!("上年草稿：{w}")));
        loaded.report
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
    Ok((next, warnings))
}
