//! This year's report from last year's file: the orchestration (which reader, which year and
//! format), above both `store` (drafts, CSV) and `import` (published reports). The carrying over
//! itself is the model's (`model::rollover`).

use std::path::{Path, PathBuf};

use super::{Error, YearError, check_year, format_for};
use crate::model::{Report, Template, rollover};
use crate::store::csv::{self, CsvError, CsvIssue, ImportOptions};
use crate::store::draft;

/// Why last year's file gives no report to carry over.
#[derive(Debug, thiserror::Error)]
pub enum RollOverError {
    #[cfg(feature = "import")]
    #[error("无法读取上年报告“{}”：{source}", .path.display())]
    Published { path: PathBuf, source: crate::import::ImportError },
    #[error("无法读取上年表格“{}”：{source}", .path.display())]
    Csv { path: PathBuf, source: CsvError },
    #[error("上年CSV中有无法识别的内容：\n  {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    CsvProblems(Vec<CsvIssue>),
    #[error("新报告年度（{year}）应晚于上年报告（{last}）")]
    NotLater { year: i32, last: i32 },
}

/// Last year's published report, when the file is one (web page, Word, PDF, pasted text), with
/// what the import could not take over unambiguously.
#[cfg(feature = "import")]
fn published_report(
    path: &Path,
    year: Option<i32>,
    unit: Option<&str>,
) -> Option<Result<(Report, Vec<String>), Error>> {
    use crate::import::NoteKind;
    if !super::is_published_file(path) {
        return None;
    }
    // The file holds last year's report; `--year` names this year's.
    let opts = ImportOptions { format: None, year: year.map(|y| y - 1), unit: unit.map(str::to_string) };
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
            .map_err(|source| RollOverError::Published { path: path.to_path_buf(), source }.into()),
    )
}

#[cfg(not(feature = "import"))]
fn published_report(_: &Path, _: Option<i32>, _: Option<&str>) -> Option<Result<(Report, Vec<String>), Error>> {
    None
}

/// Last year's report from its file, with what the reader noticed in it.
fn last_years(path: &Path, year: Option<i32>, unit: Option<&str>) -> Result<(Report, Vec<String>), Error> {
    if let Some(read) = published_report(path, year, unit) {
        return read;
    }
    if csv::is_csv_path(path) {
        // The file holds last year's figures; `--year` names this year's report.
        let opts = ImportOptions { format: None, year: year.map(|y| y - 1), unit: unit.map(str::to_string) };
        let data = csv::read(path, &opts).map_err(|source| RollOverError::Csv { path: path.to_path_buf(), source })?;
        if !data.issues.is_empty() {
            return Err(RollOverError::CsvProblems(data.issues).into());
        }
        let warnings = data.warnings.iter().map(|w| format!("上年CSV{w}")).collect();
        return Ok((data.report, warnings));
    }
    let loaded = draft::load_checked(path)?;
    let warnings = loaded.warnings.iter().map(|w| format!("上年草稿：{w}")).collect();
    Ok((loaded.report, warnings))
}

/// This year's report from last year's draft, CSV of the published tables or (with the `import`
/// feature) the published report itself, with what the reader noticed in last year's file.
/// `year` and `format` default to last year + 1 and the format for that year.
pub fn roll_over(
    path: &Path,
    year: Option<i32>,
    format: Option<&str>,
    unit: Option<&str>,
) -> Result<(Report, Vec<String>), Error> {
    if !path.exists() {
        return Err(Error::NotFound(path.to_path_buf()));
    }
    if let Some(y) = year {
        check_year(y)?;
    }
    let format = match (year, format) {
        (Some(y), f) => Some(format_for(y, f)?),
        (None, Some(f)) => Some(format_for(0, Some(f))?),
        (None, None) => None,
    };
    let (last, warnings) = last_years(path, year, unit)?;
    let year = year.unwrap_or(last.year.saturating_add(1));
    if !crate::model::report::YEARS.contains(&year) {
        return Err(Error::Year(YearError::Absurd(year)));
    }
    if year <= last.year {
        return Err(RollOverError::NotLater { year, last: last.year }.into());
    }
    let format = format.unwrap_or_else(|| Template::format_for_year(year));
    let mut next = rollover::roll_over(&last, year, &format)?;
    if let Some(u) = unit {
        next.unit.name = u.to_string();
    }
    Ok((next, warnings))
}
