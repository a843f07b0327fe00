//! The file work of both front ends, written once: read a report file, start a new report or this
//! year's from last year's, check, save and export. The command line and the window call these
//! and turn the typed [`Error`] into their own output; so they accept the same years and files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::rules::Target;
use crate::model::template::TemplateKind;
use crate::model::{Context, Date, Finding, Form, Report, Severity, Template, TemplateError};
use crate::store::csv::{self, CsvError, CsvIssue, ImportOptions};
use crate::store::draft::{self, DraftError};
use crate::store::lock::{DraftLock, LockError};
use crate::store::output::{self, Existing, OutputError, Purpose};
use crate::store::{ContentHash, Expect, atomic};

mod rollover;
pub use rollover::{RollOverError, roll_over};

/// What went wrong, typed where it happened; `Display` is the one Chinese sentence the user reads.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Draft(#[from] DraftError),
    #[error("无法读取“{path}”：{source}")]
    Csv { path: PathBuf, source: CsvError },
    #[error("{0}")]
    Template(#[from] TemplateError),
    #[cfg(feature = "pdf")]
    #[error("无法导出PDF：{0}")]
    Pdf(#[from] crate::pdf::PdfError),
    #[cfg(feature = "export")]
    #[error("{0}")]
    Export(#[from] crate::export::ExportError),
    #[error("“{path}”中有无法识别的内容，未导入：\n  {}", issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    CsvProblems { path: PathBuf, issues: Vec<CsvIssue> },
    #[error("无法保存到“{}”：{source}", .path.display())]
    Write { path: PathBuf, source: atomic::WriteError },
    /// The output may not be written (it is the input, a draft, or exists and was not confirmed).
    #[error("{0}")]
    Output(#[from] OutputError),
    /// Another window or command has the draft being written.
    #[error("{0}；未写入")]
    Locked(LockError),
    #[error("无法读取模板文件夹“{}”：{}", .0.display(), atomic::describe_io(.1))]
    TemplateDir(PathBuf, std::io::Error),
    #[error("无法生成检查结果（{0}）")]
    Json(#[from] serde_json::Error),
    #[cfg(not(feature = "pdf"))]
    #[error("这个版本编译时未包含PDF导出（pdf 功能）")]
    NoPdf,
    #[error("年度“{0}”不是有效的年份（可写2025、2025年或二〇二五）")]
    NotAYear(String),
    #[error("{0}")]
    Year(YearError),
    #[error("未知的报告格式“{0}”（可用：{1}）")]
    UnknownFormat(String, String),
    #[error("{0}")]
    RollOver(#[from] RollOverError),
    #[error("找不到文件“{}”", .0.display())]
    NotFound(PathBuf),
    #[cfg(feature = "import")]
    #[error("无法导入“{}”：{source}", path.display())]
    Import { path: PathBuf, source: crate::import::ImportError },
    /// Last year's report (`--prev`, the window's 对照上年报告) cannot be compared.
    #[error("上年报告“{}”：{source}", path.display())]
    Previous { path: PathBuf, source: crate::model::rollover::PreviousError },
}

impl Error {
    /// Whether the user's confirmation (`--force`, the window's 替换) would let it go ahead.
    pub fn can_confirm(&self) -> bool {
        matches!(self, Error::Output(e) if e.can_confirm())
    }
}

/// Registers the user's templates (`<config dir>/templates/`) and those of a folder named on
/// the command line; returns the files skipped, with why. A named folder that cannot be read
/// is an error (a typo must not silently check against the wrong forms).
pub fn load_user_templates(extra: Option<&Path>) -> Result<Vec<crate::store::templates::Problem>, Error> {
    let mut problems = Vec::new();
    if let Some(dir) = crate::store::templates::user_dir() {
        problems.extend(crate::store::templates::load_dir(&dir).1);
    }
    if let Some(dir) = extra {
        std::fs::read_dir(dir).map_err(|e| Error::TemplateDir(dir.to_path_buf(), e))?;
        problems.extend(crate::store::templates::load_dir(dir).1);
    }
    Ok(problems)
}

/// The user's rule packs: those beside the user's templates and in a folder named on the
/// command line (its being unreadable is said by [`load_user_templates`]), with the files
/// skipped and why.
pub fn load_rule_packs(
    extra: Option<&Path>,
) -> (crate::model::rulepack::RulePacks, Vec<crate::store::rulepacks::Problem>) {
    let mut packs = crate::model::rulepack::RulePacks::new();
    let mut problems = Vec::new();
    for dir in crate::store::templates::user_dir().iter().map(PathBuf::as_path).chain(extra) {
        problems.extend(crate::store::rulepacks::load_dir(dir, &mut packs));
    }
    (packs, problems)
}

/// Reads last year's report (a draft, a long CSV with its texts, or the published web page,
/// Word file, PDF or text) and keeps its texts in `report` for the repetition checks.
/// Returns how many sections of text were taken.
pub fn use_previous(report: &mut Report, path: &Path) -> Result<usize, Error> {
    let last = read(path, &ImportOptions::default())?.report;
    crate::model::rollover::use_previous_texts(report, &last)
        .map_err(|source| Error::Previous { path: path.to_path_buf(), source })
}

/// Why a report year is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearError {
    /// Outside any sensible range (a typing slip).
    Absurd(i32),
    /// Before the first national format.
    TooEarly { year: i32, first: i32 },
}

impl std::fmt::Display for YearError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            YearError::Absurd(y) => write!(f, "报告年度“{y}”不合理"),
            YearError::TooEarly { year, first } => {
                write!(f, "{year}年度早于现行的年度报告格式：本软件支持{first}年度及以后的报告")
            }
        }
    }
}

/// A year as people write it (`2025`, `2025年`, `２０２５`, `二〇二五`): the one year parser of both
/// front ends (the window's fields, the command line's `--year`).
pub fn parse_year(text: &str) -> Result<i32, Error> {
    crate::model::report::parse_year(text).ok_or_else(|| Error::NotAYear(text.trim().to_string()))
}

/// A year a new report may have: sensible, and covered by a report format.
pub fn check_year(year: i32) -> Result<(), Error> {
    if !crate::model::report::YEARS.contains(&year) {
        return Err(Error::Year(YearError::Absurd(year)));
    }
    match Template::first_supported_year() {
        Some(first) if year < first => Err(Error::Year(YearError::TooEarly { year, first })),
        _ => Ok(()),
    }
}

/// The report format a new report of `year` gets, or the one asked for if it is a report format.
pub fn format_for(year: i32, asked: Option<&str>) -> Result<String, Error> {
    let Some(asked) = asked else { return Ok(Template::format_for_year(year)) };
    let asked = asked.trim().to_lowercase();
    match Template::get(&asked) {
        Ok(t) if t.kind == TemplateKind::Report => Ok(asked),
        _ => {
            let known: Vec<String> = Template::of_kind(TemplateKind::Report).into_iter().map(|t| t.id).collect();
            Err(Error::UnknownFormat(asked, known.join("、")))
        }
    }
}

/// A new, empty report.
pub fn new_report(year: i32, unit: &str, format: Option<&str>) -> Result<Report, Error> {
    check_year(year)?;
    let format = format_for(year, format)?;
    let report = Report::new(&format, year, unit.trim());
    report.form()?;
    Ok(report)
}

/// A report read from a file, with what the reader noticed.
#[derive(Debug, Clone)]
pub struct Opened {
    pub report: Report,
    /// Values a published report gave for computed cells (checked against the computed ones).
    pub published: BTreeMap<String, String>,
    /// Lines of an imported file that could not be read (they are reported as findings).
    pub problems: Vec<CsvIssue>,
    /// What the reader noticed in a draft (unknown fields ignored, control characters removed).
    pub warnings: Vec<String>,
    /// Tables and parts a published report read from a file does not hold (S-07, S-01).
    pub absent_tables: Vec<String>,
    pub absent_sections: Vec<String>,
    /// The section headings a published file printed (drafts and CSVs print the template's).
    pub headings: Option<Vec<crate::model::headings::PrintedHeading>>,
}

/// Whether a file is read as a long CSV (rather than a draft).
pub fn is_table_file(path: &Path) -> bool {
    csv::is_csv_path(path)
}

/// Whether a file is a published report to import (web page, Word, PDF, text copied from a
/// page) rather than a draft or a long CSV. Always `false` without the `import` feature.
pub fn is_published_file(path: &Path) -> bool {
    #[cfg(feature = "import")]
    {
        crate::import::is_report_path(path) && !csv::is_long_csv(path)
    }
    #[cfg(not(feature = "import"))]
    {
        let _ = path;
        false
    }
}

/// Reads a published report (web page, `.docx`, PDF, pasted text) to become a draft, with the
/// import report (what was recognised, not found, kept as a note, ambiguous, printed totals that
/// disagree with their parts).
#[cfg(feature = "import")]
pub fn import_report(path: &Path, opts: &ImportOptions) -> Result<crate::import::Imported, Error> {
    if !path.exists() {
        return Err(Error::NotFound(path.to_path_buf()));
    }
    crate::import::read_file(path, opts).map_err(|source| Error::Import { path: path.to_path_buf(), source })
}

/// Reads a draft or a long CSV, as `check` sees it: CSV line problems are kept, not refused.
pub fn read(path: &Path, opts: &ImportOptions) -> Result<Opened, Error> {
    #[cfg(feature = "import")]
    if is_published_file(path) {
        let imported = import_report(path, opts)?;
        // What the import could not take over is said before the findings.
        let warnings = imported
            .notes
            .iter()
            .filter(|n| n.kind != crate::import::NoteKind::Recognised)
            .map(|n| format!("导入{n}"))
            .collect();
        return Ok(Opened {
            report: imported.report,
            published: imported.published,
            problems: Vec::new(),
            warnings,
            absent_tables: imported.absent_tables,
            absent_sections: imported.absent_sections,
            headings: Some(imported.headings),
        });
    }
    if is_table_file(path) {
        let data = csv::read(path, opts).map_err(|source| Error::Csv { path: path.to_path_buf(), source })?;
        let warnings = data.warnings.iter().map(ToString::to_string).collect();
        Ok(Opened {
            report: data.report,
            published: data.published,
            problems: data.issues,
            warnings,
            absent_tables: Vec::new(),
            absent_sections: Vec::new(),
            headings: None,
        })
    } else {
        let loaded = draft::load_checked(path)?;
        Ok(Opened {
            report: loaded.report,
            published: BTreeMap::new(),
            problems: Vec::new(),
            warnings: loaded.warnings,
            absent_tables: Vec::new(),
            absent_sections: Vec::new(),
            headings: None,
        })
    }
}

/// Reads a long CSV to become a draft: a line that cannot be read refuses the import (nothing is
/// guessed); totals given in the file are compared with the computed ones.
pub fn import_table(path: &Path, opts: &ImportOptions) -> Result<Imported, Error> {
    let data = csv::read(path, opts).map_err(|source| Error::Csv { path: path.to_path_buf(), source })?;
    if !data.issues.is_empty() {
        return Err(Error::CsvProblems { path: path.to_path_buf(), issues: data.issues });
    }
    let form = data.report.form()?;
    let ctx = Context { today: None, published: data.published.clone(), ..Context::default() };
    let (_, findings) = crate::model::check_report(&form, &data.report, &ctx);
    let mismatches = findings.into_iter().filter(|f| f.cells.iter().any(|c| data.published.contains_key(c))).collect();
    let warnings = data.warnings.iter().map(ToString::to_string).collect();
    Ok(Imported { report: data.report, mismatches, warnings })
}

/// A report imported from a table, and the totals in the file that disagree with their parts.
#[derive(Debug, Clone)]
pub struct Imported {
    pub report: Report,
    pub mismatches: Vec<Finding>,
    /// What the reader noticed (a year in the file and on the command line disagreeing …).
    pub warnings: Vec<String>,
}

/// Every finding for a file as read: its unreadable lines first (as errors), then the checks.
pub fn check(opened: &Opened, form: &Form, today: Option<Date>) -> Vec<Finding> {
    check_measured(opened, form, today).findings
}

/// [`check`], with what it computed on the way: the values (the indicators read them) and the
/// repetition rates the RP rules measured (a county's summary shows them without measuring again).
pub fn check_measured(opened: &Opened, form: &Form, today: Option<Date>) -> Evaluation {
    let ctx = Context {
        today,
        published: opened.published.clone(),
        absent_tables: opened.absent_tables.clone(),
        absent_sections: opened.absent_sections.clone(),
        headings: opened.headings.clone(),
    };
    let values = crate::model::report::Values::compute(form, &opened.report);
    let (evaluated, rates) = crate::model::rules::evaluate_measured(form, &opened.report, &values, &ctx);
    let mut findings: Vec<Finding> =
        opened.problems.iter().map(|i| Finding::new("CSV", Severity::E, Target::Line(i.line), i.to_string())).collect();
    findings.extend(evaluated);
    Evaluation { findings, values, rates }
}

/// What [`check_measured`] found and computed.
#[derive(Debug)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub values: crate::model::report::Values,
    pub rates: Option<crate::model::repetition::Rates>,
}

/// Reads a draft (the command line's export, export-csv).
pub fn open_draft(path: &Path) -> Result<Report, Error> {
    Ok(draft::load(path)?)
}

/// Reads a draft to be edited (the window's 打开): with what the reader noticed (unknown fields,
/// control characters removed) and the fingerprint a later save checks the file against.
pub fn open_for_editing(path: &Path) -> Result<(draft::Loaded, ContentHash), Error> {
    Ok(draft::load_with_hash(path)?)
}

/// Whether `path` may receive an export: never one of `inputs`, an existing file only when
/// `confirmed`, never a file holding work that cannot be read. Returns what is there.
pub fn guard_output(path: &Path, inputs: &[&Path], purpose: Purpose, confirmed: bool) -> Result<Existing, Error> {
    Ok(output::check_output(path, inputs, purpose, confirmed)?)
}

/// Writes an export (PDF, CSV, a 汇总表 …) through the output guard, atomically. Whatever it
/// replaces on the user's word is kept as `NAME.bak` first (the older ones as `.bak2` …), as the
/// refusal promises: an edited `报告.docx` exported over with `--force` is not lost. A draft
/// replaced so must not be open elsewhere.
pub fn write_export(path: &Path, inputs: &[&Path], bytes: &[u8], confirmed: bool) -> Result<(), Error> {
    let existing = guard_output(path, inputs, Purpose::Export, confirmed)?;
    let _lock = if existing == Existing::Draft { lock(path)? } else { None };
    // Backups whenever a file is there when it is written (also one that appeared meanwhile).
    let opts = atomic::WriteOptions { backups: true, new_file_mode: None };
    atomic::write_file(path, bytes, opts).map(drop).map_err(|source| Error::Write { path: path.to_path_buf(), source })
}

/// The long CSV of a report, written through the output guard.
pub fn export_csv(path: &Path, inputs: &[&Path], report: &Report, form: &Form, confirmed: bool) -> Result<(), Error> {
    write_export(path, inputs, csv::export(report, form).as_bytes(), confirmed)
}

fn lock(path: &Path) -> Result<Option<DraftLock>, Error> {
    match DraftLock::acquire(path) {
        Ok(l) => Ok(Some(l)),
        Err(e @ LockError::Held { .. }) => Err(Error::Locked(e)),
        // No lock possible here (read-only folder, no locking on this file system): the write
        // reports what is wrong, the content check still guards.
        Err(LockError::Io { .. }) => Ok(None),
    }
}

/// A draft about to be written by a command (`new`, `import`): guarded, locked, and
/// fingerprinted, so that a save by someone else meanwhile is refused, not lost.
pub struct DraftOutput {
    path: PathBuf,
    _lock: Option<DraftLock>,
    expect: Expect,
}

impl DraftOutput {
    /// Guard, lock and fingerprint, in that order (looked at again under the lock).
    pub fn prepare(path: &Path, inputs: &[&Path], confirmed: bool) -> Result<DraftOutput, Error> {
        guard_output(path, inputs, Purpose::Draft, confirmed)?;
        let lock = lock(path)?;
        let existing = guard_output(path, inputs, Purpose::Draft, confirmed)?;
        let seen: Option<ContentHash> = draft::disk_hash(path)?;
        let expect = match (existing, seen) {
            (Existing::Absent, _) | (_, None) => Expect::Absent,
            (_, Some(h)) => Expect::Unchanged(h),
        };
        Ok(DraftOutput { path: path.to_path_buf(), _lock: lock, expect })
    }

    pub fn save(&self, report: &Report) -> Result<(), Error> {
        draft::save_checked(&self.path, report, self.expect).map(drop).map_err(Error::from)
    }
}

/// Whose file a draft is saved to: the file the draft was opened from (as it was then), or
/// another one (另存为, a new draft's first save).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveTo {
    /// Its own file, as seen when it was opened or last saved (`None`: it was not there).
    Own(Option<ContentHash>),
    Other,
}

/// Saves a report as a draft: the window's 保存 and 另存为. Another file goes through the same
/// output guard as the command line's drafts (never a file that is not a readable draft; an
/// existing draft only when `confirmed`); its own file only when no one changed it since it was
/// seen, unless `confirmed`. Returns the fingerprint of what was written.
pub fn save_draft(path: &Path, report: &Report, to: SaveTo, confirmed: bool) -> Result<ContentHash, Error> {
    let expect = match to {
        SaveTo::Own(_) if confirmed => Expect::Any,
        SaveTo::Own(seen) => seen.map(Expect::Unchanged).unwrap_or(Expect::Absent),
        SaveTo::Other => match guard_output(path, &[], Purpose::Draft, confirmed)? {
            Existing::Absent => Expect::Absent,
            _ => Expect::Any,
        },
    };
    Ok(draft::save_checked(path, report, expect)?)
}

/// Findings as JSON for scripts; a failure is an error, never an empty list.
pub fn findings_json(findings: &[Finding]) -> Result<String, Error> {
    Ok(serde_json::to_string_pretty(findings)?)
}

/// Renders the PDF of a report.
#[cfg(feature = "pdf")]
pub fn render_pdf(report: &Report, form: &Form, opts: &crate::pdf::PdfOptions) -> Result<crate::pdf::PdfOutput, Error> {
    Ok(crate::pdf::export(report, form, opts)?)
}

/// Writes a rendered PDF through the output guard.
#[cfg(feature = "pdf")]
pub fn write_pdf(path: &Path, inputs: &[&Path], pdf: &crate::pdf::PdfOutput, confirmed: bool) -> Result<(), Error> {
    write_export(path, inputs, &pdf.bytes, confirmed)
}

/// The report as a Word document, web page or spreadsheet.
#[cfg(feature = "export")]
pub fn render_export(
    format: crate::export::Format,
    report: &Report,
    form: &Form,
    opts: &crate::export::ExportOptions,
) -> Result<crate::export::Output, Error> {
    Ok(crate::export::export(format, report, form, opts)?)
}

/// The 审核清单 of a report in the format its file name asks for (`.xlsx`, `.html`, `.pdf`).
#[cfg(feature = "export")]
pub fn render_review(
    kind: crate::export::review::ReviewFormat,
    list: &crate::export::review::ReviewList,
    #[cfg_attr(not(feature = "pdf"), allow(unused_variables))] fonts: &BTreeMap<String, PathBuf>,
) -> Result<Vec<u8>, Error> {
    use crate::export::review::ReviewFormat;
    match kind {
        ReviewFormat::Xlsx => Ok(list.to_xlsx()?),
        ReviewFormat::Html => Ok(list.to_html().into_bytes()),
        #[cfg(feature = "pdf")]
        ReviewFormat::Pdf => {
            let opts = crate::pdf::PdfOptions { final_export: true, fonts: fonts.clone() };
            Ok(list.to_pdf(&opts)?.bytes)
        }
        #[cfg(not(feature = "pdf"))]
        ReviewFormat::Pdf => Err(Error::NoPdf),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_read_as_people_write_them() {
        assert_eq!(parse_year("2025").ok(), Some(2025));
        assert_eq!(parse_year(" ２０２５年 ").ok(), Some(2025));
        assert_eq!(parse_year("2025年度").ok(), Some(2025));
        assert_eq!(parse_year("二〇二五").ok(), Some(2025));
        assert!(matches!(parse_year("明年"), Err(Error::NotAYear(_))));
    }

    #[test]
    fn a_year_before_every_format_or_absurd_is_refused() {
        assert!(check_year(2019).is_ok());
        assert!(matches!(check_year(2010), Err(Error::Year(YearError::TooEarly { first: 2019, .. }))));
        assert!(matches!(check_year(99999), Err(Error::Year(YearError::Absurd(_)))));
    }

    #[test]
    fn the_format_follows_the_year_from_the_templates() {
        assert_eq!(new_report(2020, "某局", None).map(|r| r.template).ok().as_deref(), Some("gb2019"));
        assert_eq!(new_report(2025, "某局", None).map(|r| r.template).ok().as_deref(), Some("gb2021"));
        assert!(matches!(new_report(2025, "某局", Some("gb1999")), Err(Error::UnknownFormat(..))));
        assert!(matches!(new_report(2025, "某局", Some("guizhou-annex")), Err(Error::UnknownFormat(..))));
    }
}
