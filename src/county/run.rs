//! The county operations both front ends run, written once: 汇总检查 (a folder of reports
//! checked, with the roster, last year's reports, the rule packs and the 汇总表) and 汇总 (the
//! units' reports added up into one draft). The command line's `check DIR` / `sum` and the
//! window's 汇总检查 call these with the same inputs and get the same typed result; each prints
//! or shows it its own way. (They live in the county layer, above `workflow`, which they use:
//! the workflow does not reach back up.)

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::sum::{SumError, Summed, Summer};
use super::summary::{Summary, SummaryError};
use super::{CheckOptions, Entry, Reconciliation, Roster, RosterError, Totals};
use crate::model::rulepack::RulePacks;
use crate::model::{Date, Report};
use crate::store::csv::ImportOptions;
use crate::store::output::Purpose;
use crate::workflow;

/// Why a county operation did not run (or could not write what it made).
#[derive(Debug, thiserror::Error)]
pub enum CountyError {
    #[error("缺少要检查的文件或文件夹")]
    NothingToCheck,
    #[error("缺少要汇总的文件或文件夹")]
    NothingNamedToSum,
    #[error("缺少汇总单位的名称")]
    NoUnit,
    #[error("{0}")]
    Roster(#[from] RosterError),
    #[error("上年报告文件夹“{}”不存在或不是文件夹", .0.display())]
    PreviousDir(PathBuf),
    #[error("{0}")]
    Summary(#[from] SummaryError),
    #[error("{0}")]
    Workflow(#[from] workflow::Error),
    #[error("没有找到可汇总的报告文件（.ron、.csv、网页、Word、PDF）")]
    NothingToSum,
    /// Files that cannot be read or do not fit the sum, one line each: all are said at once.
    #[error("未汇总：以下{}个问题需先处理\n  {}", .0.len(), .0.join("\n  "))]
    Unsummable(Vec<String>),
    #[error("{0}")]
    Sum(#[from] SumError),
}

impl CountyError {
    /// Whether the user left something out or named it wrongly (the command line shows its usage).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            CountyError::NothingToCheck
                | CountyError::NothingNamedToSum
                | CountyError::NoUnit
                | CountyError::Summary(SummaryError::Extension(_))
        )
    }
}

/// What 汇总检查 is asked to do.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// The files and folders to check.
    pub paths: Vec<PathBuf>,
    /// The 单位名单 (one unit a line); kept in the folder it lists, it is not a report.
    pub roster: Option<PathBuf>,
    /// A folder of last year's reports: each unit's 与上年重复率 against its own.
    pub previous_dir: Option<PathBuf>,
    pub import: ImportOptions,
    pub packs: Arc<RulePacks>,
    /// The day of the check (read at the edge): the 落款 checks, and the 汇总表's date.
    pub today: Date,
    /// Worker threads.
    pub threads: usize,
    /// The 汇总表 to write when the check is done (refused before the work begins).
    pub summary: Option<PathBuf>,
    /// The user confirmed replacing an existing 汇总表.
    pub confirmed: bool,
}

/// What 汇总检查 says while it works.
pub enum Progress<'a> {
    /// Files of last year's folder that cannot be read (they do not stop the check).
    PreviousUnreadable(&'a [(PathBuf, String)]),
    /// How many reports will be read.
    Found(usize),
    /// One report, read and checked, in the order of the files.
    Entry(&'a Entry),
}

/// What 汇总检查 found.
#[derive(Debug)]
pub struct CountyCheck {
    /// One per report, in the order of the files (those that could not even be listed last).
    pub entries: Vec<Entry>,
    /// Special things passed over, with why.
    pub skipped: Vec<(PathBuf, String)>,
    pub roster: Option<Roster>,
    pub reconciliation: Reconciliation,
    pub checked_on: Date,
    /// What the check read (the paths named and every file found): an output may be none.
    pub inputs: Vec<PathBuf>,
    /// The 汇总表 written, when one was asked for.
    pub summary_written: Option<PathBuf>,
}

impl CountyCheck {
    pub fn summary(&self) -> Summary<'_> {
        Summary { entries: &self.entries, reconciliation: &self.reconciliation, checked_on: Some(self.checked_on) }
    }

    pub fn totals(&self) -> Totals {
        self.summary().totals()
    }

    /// Writes the 汇总表 (.xlsx, .html or .csv by its name), never over one of the reports read.
    pub fn write_summary(&self, path: &Path, confirmed: bool) -> Result<(), CountyError> {
        write_summary(&self.summary(), &self.inputs, path, confirmed)
    }
}

/// Writes a 汇总表 (.xlsx, .html or .csv by its name), never over one of `inputs` (the reports
/// read and the folders named) nor a draft. The window's 导出汇总表 and `check DIR --summary`.
pub fn write_summary(
    summary: &Summary<'_>,
    inputs: &[PathBuf],
    path: &Path,
    confirmed: bool,
) -> Result<(), CountyError> {
    check_summary_name(path)?;
    let bytes = summary.render(path)?;
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    workflow::write_export(path, &inputs, &bytes, confirmed)?;
    Ok(())
}

/// The 汇总表's name is refused before the work if it is not one of the three kinds.
fn check_summary_name(path: &Path) -> Result<(), CountyError> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("xlsx" | "html" | "htm" | "csv") => Ok(()),
        _ => Err(SummaryError::Extension(path.to_path_buf()).into()),
    }
}

/// 汇总检查: reads and checks every report under `req.paths` on worker threads, telling
/// `on_progress` as it goes; reconciles them with the roster and writes the 汇总表 if asked.
/// Stops early when `cancel` is set (what was checked is returned).
pub fn check(
    req: &CheckRequest,
    cancel: &AtomicBool,
    mut on_progress: impl FnMut(Progress<'_>),
) -> Result<CountyCheck, CountyError> {
    if req.paths.is_empty() {
        return Err(CountyError::NothingToCheck);
    }
    let roster = req.roster.as_deref().map(Roster::read).transpose()?;
    if let Some(dir) = &req.previous_dir
        && !dir.is_dir()
    {
        return Err(CountyError::PreviousDir(dir.clone()));
    }
    let skip: Vec<&Path> = req.roster.iter().map(PathBuf::as_path).collect();
    let scan = super::scan(&req.paths, &skip);
    let inputs: Vec<PathBuf> = req.paths.iter().chain(&scan.files).cloned().collect();
    // The summary is refused before the work of checking: never one of the reports it sums up
    // (a file in the folder included, whatever the confirmation), never a draft.
    if let Some(path) = &req.summary {
        check_summary_name(path)?;
        let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        workflow::guard_output(path, &refs, Purpose::Export, req.confirmed)?;
    }
    on_progress(Progress::Found(scan.files.len() + scan.bad.len()));
    let previous = req.previous_dir.as_ref().map(|dir| {
        let index = super::previous::Index::build(std::slice::from_ref(dir), req.threads);
        on_progress(Progress::PreviousUnreadable(&index.unreadable));
        Arc::new(index)
    });
    let opts =
        CheckOptions { import: req.import.clone(), today: Some(req.today), packs: Arc::clone(&req.packs), previous };
    let mut entries: Vec<Entry> = Vec::with_capacity(scan.files.len() + scan.bad.len());
    super::check_all(&scan.files, &opts, req.threads, cancel, |_, e| {
        on_progress(Progress::Entry(&e));
        entries.push(e);
    });
    for e in scan.bad {
        on_progress(Progress::Entry(&e));
        entries.push(e);
    }
    let reconciliation = super::reconcile(&entries, roster.as_ref());
    let mut result = CountyCheck {
        entries,
        skipped: scan.skipped,
        roster,
        reconciliation,
        checked_on: req.today,
        inputs,
        summary_written: None,
    };
    if let Some(path) = &req.summary {
        result.write_summary(path, req.confirmed)?;
        result.summary_written = Some(path.clone());
    }
    Ok(result)
}

/// What 汇总 is asked to do.
#[derive(Debug, Clone, Default)]
pub struct SumRequest {
    /// The units' reports: files and folders.
    pub paths: Vec<PathBuf>,
    /// The unit the sum is the report of (某某县人民政府办公室).
    pub unit: String,
    pub import: ImportOptions,
    /// Only reports of this year (else the first report's).
    pub year: Option<i32>,
    /// The draft to write.
    pub output: PathBuf,
    pub confirmed: bool,
}

/// 汇总: adds the units' reports up, cell by cell, into one draft for `req.unit`, written to
/// `req.output` (never over one of the reports it adds up).
pub fn sum(req: &SumRequest) -> Result<Summed, CountyError> {
    let unit = req.unit.trim();
    if unit.is_empty() {
        return Err(CountyError::NoUnit);
    }
    if req.paths.is_empty() {
        return Err(CountyError::NothingNamedToSum);
    }
    let scan = super::scan(&req.paths, &[]);
    let inputs: Vec<&Path> = req.paths.iter().chain(&scan.files).map(PathBuf::as_path).collect();
    let target = workflow::DraftOutput::prepare(&req.output, &inputs, req.confirmed)?;
    let (summer, _) = add_up(&req.paths, &req.import, req.year, Some(&req.output), false)?;
    let summed = summer.finish(unit)?;
    target.save(&summed.report)?;
    Ok(summed)
}

/// Reads every report under `paths` and adds it into a sum (keeping the reports when `keep`).
/// Every file that cannot be read or does not fit (another year or format, a unit twice) is
/// listed, and then the sum is refused: a total with a unit silently left out would be wrong, and
/// the office fixes all at once.
pub fn add_up(
    paths: &[PathBuf],
    import: &ImportOptions,
    year: Option<i32>,
    skip: Option<&Path>,
    keep: bool,
) -> Result<(Summer, Vec<Report>), CountyError> {
    let scan = super::scan(paths, skip.as_slice());
    let mut problems: Vec<String> = scan
        .bad
        .iter()
        .map(|e| match &e.outcome {
            super::Outcome::Unreadable(reason) => super::unreadable_line(&e.path, reason),
            super::Outcome::Checked(_) => super::shown(&e.path),
        })
        .collect();
    if scan.files.is_empty() && problems.is_empty() {
        return Err(CountyError::NothingToSum);
    }
    let mut summer = Summer::new(year);
    let mut kept = Vec::new();
    for f in &scan.files {
        match workflow::read(f, import) {
            Ok(opened) => match summer.add(f, &opened.report) {
                Ok(()) if keep => kept.push(opened.report),
                Ok(()) => {}
                Err(e) => problems.push(e.to_string()),
            },
            Err(e) => problems.push(super::unreadable_line(f, &e.to_string())),
        }
    }
    if !problems.is_empty() {
        return Err(CountyError::Unsummable(problems));
    }
    Ok((summer, kept))
}
