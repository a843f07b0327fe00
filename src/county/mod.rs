//! For the 政务公开办: a county's (or a system's) reports checked at once, the units missing
//! from a roster, the units' tables added up, and a total compared with its parts.
//!
//! Files are read and checked on worker threads and handed back in path order; only a short
//! summary of each report (its counts and findings in words) is kept, never the report itself,
//! so memory stays flat however many reports a folder holds.

pub mod previous;
pub mod run;
pub mod sum;
pub mod summary;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::model::Severity;
use crate::model::rules::{Finding, Target};
use crate::model::{Date, Form};
use crate::store::csv::ImportOptions;
use crate::workflow;

/// File names a folder scan takes: drafts, long CSVs and the published kinds the importer reads.
const REPORT_EXTENSIONS: [&str; 10] = ["ron", "csv", "txt", "html", "htm", "shtml", "xhtml", "mht", "docx", "pdf"];
/// Office files a scan lists (so the office hears of them) but cannot read: saved in an old or
/// another format, they must be saved again as .docx (or .xlsx).
const OLD_OFFICE: [(&str, &str); 5] =
    [("doc", "Word 97–2003"), ("wps", "WPS文字"), ("rtf", "RTF"), ("xls", "Excel 97–2003"), ("et", "WPS表格")];
/// How deep a folder is walked (a county's folder has a level or two; a loop of links has none).
const MAX_DEPTH: usize = 8;

/// Whether a folder scan takes this file: a report kind, and not a backup, lock or temporary
/// file the app or an office program leaves beside a report.
pub fn is_report_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        // A name that is not UTF-8 (GBK on UOS/Kylin): judged by its extension alone.
        return path.extension().and_then(|e| e.to_str()).is_some_and(known_extension);
    };
    if name.starts_with('.') || name.starts_with("~$") || name.starts_with(".~lock") {
        return false;
    }
    if name.contains(".ron.bak") || name.ends_with(".tmp") || name.contains(".nianbao-tmp") {
        return false;
    }
    path.extension().and_then(|e| e.to_str()).is_some_and(known_extension)
}

fn known_extension(e: &str) -> bool {
    REPORT_EXTENSIONS.iter().chain(OLD_OFFICE.iter().map(|(e, _)| e)).any(|k| k.eq_ignore_ascii_case(e))
}

/// Why an old-format office file cannot be checked, if it is one.
fn old_office(path: &Path) -> Option<String> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    let (_, name) = OLD_OFFICE.iter().find(|(e, _)| *e == ext)?;
    let to = if matches!(ext.as_str(), "xls" | "et") { ".xlsx（或导出为长格式CSV）" } else { ".docx" };
    Some(format!("{name}格式（.{ext}）无法读取：请用Word或WPS打开后另存为{to}再检查"))
}

/// What a scan of files and folders found.
#[derive(Debug, Default)]
pub struct Scan {
    /// The files to read, sorted within each folder.
    pub files: Vec<PathBuf>,
    /// Paths that could not be listed, and special files named like reports (a pipe called
    /// `商务局.docx`, a link to nothing): each is one report that cannot be read.
    pub bad: Vec<Entry>,
    /// Other special things passed over, with why (a link to a folder is not followed, a pipe
    /// or device is not read).
    pub skipped: Vec<(PathBuf, String)>,
}

/// The files under `paths` (files as given, folders walked), sorted within each folder, less
/// the files in `skip` (the summary being written, the roster kept in the folder it lists); paths
/// that do not exist or cannot be listed come back as unreadable entries, never as a stop.
pub fn collect(paths: &[PathBuf], skip: &[&Path]) -> (Vec<PathBuf>, Vec<Entry>) {
    let s = scan(paths, skip);
    (s.files, s.bad)
}

/// Like [`collect`], with the special files passed over. Nothing special is ever opened: a
/// pipe would wait for a writer, a device could be endless.
pub fn scan(paths: &[PathBuf], skip: &[&Path]) -> Scan {
    let mut s = Scan::default();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, 0, &mut s),
            Ok(m) if m.is_file() => s.files.push(p.clone()),
            Ok(m) => {
                let kind = crate::store::read::kind_name(&m).unwrap_or("特殊文件");
                s.bad.push(Entry::unreadable(p, format!("这不是普通文件（{kind}），未读取")));
            }
            Err(e) => s.bad.push(Entry::unreadable(p, format!("无法读取：{}", crate::store::atomic::describe_io(&e)))),
        }
    }
    // The same file named twice (a folder and a file in it) is checked once.
    let real = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let mut seen: std::collections::HashSet<PathBuf> = skip.iter().map(|p| real(p)).collect();
    s.files.retain(|f| seen.insert(real(f)));
    s
}

/// Why a directory entry that is neither a regular file nor a folder is passed over, by what
/// its link (if it is one) leads to. `None`: a regular file after all (a link to one).
fn special(path: &Path, ty: std::fs::FileType) -> Option<String> {
    if !ty.is_symlink() {
        let kind = std::fs::symlink_metadata(path).ok().and_then(|m| crate::store::read::kind_name(&m));
        return Some(format!("这是{}，不是报告文件，已跳过", kind.unwrap_or("特殊文件")));
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => None,
        Ok(m) if m.is_dir() => Some("这是指向文件夹的链接，未跟随（以免重复或循环），已跳过".into()),
        Ok(m) => Some(format!(
            "这是指向{}的链接，不是报告文件，已跳过",
            crate::store::read::kind_name(&m).unwrap_or("特殊文件")
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let to = std::fs::read_link(path).map(|t| shown(&t)).unwrap_or_default();
            Some(format!("这是链接，但它指向的文件不存在（“{to}”），已跳过"))
        }
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => Some("这是符号链接，但链接形成了循环，已跳过".into()),
        Err(e) => Some(format!("这是链接，无法读取它指向的文件（{}），已跳过", crate::store::atomic::describe_io(&e))),
    }
}

fn walk(dir: &Path, depth: usize, s: &mut Scan) {
    let listing = match std::fs::read_dir(dir) {
        Ok(l) => l,
        Err(e) => {
            let reason = format!("无法打开文件夹：{}", crate::store::atomic::describe_io(&e));
            return s.bad.push(Entry::unreadable(dir, reason));
        }
    };
    let mut entries: Vec<(PathBuf, std::fs::FileType)> =
        listing.filter_map(Result::ok).filter_map(|e| Some((e.path(), e.file_type().ok()?))).collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, ty) in entries {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if ty.is_dir() {
            if depth < MAX_DEPTH {
                walk(&path, depth + 1, s);
            }
            continue;
        }
        let why = if ty.is_file() { None } else { special(&path, ty) };
        match why {
            None if is_report_file(&path) => s.files.push(path),
            None => {}
            // Named like a report: that unit's report cannot be read.
            Some(why) if is_report_file(&path) => s.bad.push(Entry::unreadable(&path, why)),
            Some(why) => s.skipped.push((path, why)),
        }
    }
}

/// A message as one line of a listing: a detail line in brackets follows its sentence
/// directly, other lines are joined with `；`.
pub fn one_line(message: &str) -> String {
    let mut out = String::new();
    for line in message.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() && !line.starts_with('（') {
            out.push('；');
        }
        out.push_str(line);
    }
    out
}

/// A path as one line of a listing: line breaks and tabs in a file name shown as `\n`, `\t`, so
/// a name cannot split a line or look like two entries.
pub fn shown(path: &Path) -> String {
    let text = path.display().to_string();
    if !text.contains(['\n', '\r', '\t']) {
        return text;
    }
    text.replace('\n', "\\n").replace('\r', "\\r").replace('\t', "\\t")
}

/// `[无法读取] 文件：原因`: a file that could not be read, as one line of a listing.
pub fn unreadable_line(path: &Path, reason: &str) -> String {
    format!("[无法读取] {}：{}", shown(path), one_line(reason))
}

/// One finding in words, as the summary lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FindingRow {
    pub severity: Severity,
    pub rule: String,
    /// `表三/一、本年新收政府信息公开申请数量/自然人`, the section heading, or `基本信息`.
    pub place: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// The rule pack the finding comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pack: Option<String>,
}

impl FindingRow {
    pub fn of(form: &Form, f: &Finding) -> FindingRow {
        FindingRow {
            severity: f.severity,
            rule: f.rule.clone(),
            place: place(form, f),
            message: f.message.clone(),
            left: f.left.clone(),
            right: f.right.clone(),
            difference: f.difference.clone(),
            explanation: f.explanation.clone().filter(|x| !x.trim().is_empty()),
            pack: f.pack.clone(),
        }
    }
}

/// Where a finding is, in the printed words.
pub fn place(form: &Form, f: &Finding) -> String {
    if let Some(ix) = f.cells.first().and_then(|id| form.index.get(id)) {
        return form.cell_path(*ix);
    }
    match &f.target {
        Target::Cell(id) => id.clone(),
        Target::Table(id) => {
            form.tables.iter().find(|t| &t.def.id == id).map(|t| t.def.name.clone()).unwrap_or_default()
        }
        Target::Section(key) => form
            .template
            .sections
            .iter()
            .flat_map(|s| std::iter::once((&s.id, &s.heading)).chain(s.subsections.iter().map(|x| (&x.id, &x.heading))))
            .find(|(id, _)| *id == key)
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| "正文".into()),
        Target::Unit(_) => "基本信息".into(),
        Target::Report => "全文".into(),
        Target::Line(n) => format!("第{n}行"),
    }
}

/// A report as checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Checked {
    pub unit: String,
    pub year: i32,
    /// Template id (`gb2021`) and its official name.
    pub format: String,
    pub format_name: String,
    /// 草稿, CSV, 网页, Word, PDF, 文字.
    pub kind: &'static str,
    pub errors: usize,
    pub warnings: usize,
    pub hints: usize,
    pub findings: Vec<FindingRow>,
    /// What reading noticed (an import's notes, unknown fields ignored).
    pub notes: Vec<String>,
    /// Nothing filled in yet (a new draft sent as it was made): 未填写, whatever its warnings.
    pub blank: bool,
    /// 与上年重复率 of the whole report, when last year's text is known.
    pub repetition: Option<Repetition>,
    /// The template's indicators (公开率, 纠错率).
    pub indicators: Vec<Indicator>,
    /// How many findings come from rule packs.
    pub pack_findings: usize,
}

/// A report's 与上年重复率, and what it was compared with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Repetition {
    /// Rounded percent.
    pub percent: u32,
    /// The threshold (the template's, or a rule pack's) and whether the rate is over it.
    pub threshold: u32,
    pub over: bool,
    /// Last year's report: its file (from `--prev-dir`), or the texts the draft keeps.
    pub compared_with: String,
    pub year: i32,
}

/// An indicator's value for the summary (percent in hundredths, so rows sort exactly).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    /// `83.3%`, or `—` when there is nothing to divide by.
    pub label: String,
    /// Hundredths of a percent (8333 for 83.33%).
    pub basis_points: Option<i64>,
    pub flagged: bool,
    /// The threshold crossed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

impl Checked {
    /// The first error, in words.
    pub fn first_error(&self) -> Option<&FindingRow> {
        self.findings.iter().find(|f| f.severity == Severity::E)
    }

    pub fn status(&self) -> Status {
        if self.blank {
            Status::Blank
        } else if self.errors > 0 {
            Status::Errors
        } else if self.warnings > 0 {
            Status::Warnings
        } else {
            Status::Clean
        }
    }
}

/// One file of the batch: checked, or why not.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    #[serde(serialize_with = "lossy::path")]
    pub path: PathBuf,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Outcome {
    Checked(Box<Checked>),
    Unreadable(String),
}

impl Entry {
    fn unreadable(path: &Path, reason: String) -> Entry {
        Entry { path: path.to_path_buf(), outcome: Outcome::Unreadable(reason) }
    }

    pub fn checked(&self) -> Option<&Checked> {
        match &self.outcome {
            Outcome::Checked(c) => Some(c),
            Outcome::Unreadable(_) => None,
        }
    }

    pub fn status(&self) -> Status {
        match &self.outcome {
            Outcome::Checked(c) => c.status(),
            Outcome::Unreadable(_) => Status::Unreadable,
        }
    }
}

/// A unit's state in the summary, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Status {
    Missing,
    Unreadable,
    /// Sent, but nothing is filled in.
    Blank,
    Errors,
    Warnings,
    Clean,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::Missing, Status::Unreadable, Status::Blank, Status::Errors, Status::Warnings, Status::Clean];

    pub fn label(self) -> &'static str {
        match self {
            Status::Missing => "未报送",
            Status::Unreadable => "无法读取",
            Status::Blank => "未填写",
            Status::Errors => "有错误",
            Status::Warnings => "有警告",
            Status::Clean => "通过",
        }
    }
}

/// What kind of file a report came from, in words.
pub fn kind_label(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    match ext.as_str() {
        "ron" => "草稿",
        "html" | "htm" | "xhtml" => "网页",
        "docx" => "Word",
        "pdf" => "PDF",
        "csv" => "CSV",
        _ if workflow::is_published_file(path) => "文字",
        "doc" | "wps" | "rtf" => "Word",
        "xls" | "et" => "Excel",
        _ => "CSV",
    }
}

/// How every file of a batch is read and checked.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub import: ImportOptions,
    /// For the checks that compare with the date (a 落款 in the future).
    pub today: Option<Date>,
    /// The rule packs to apply (the user's, and `--templates`').
    pub packs: Arc<crate::model::rulepack::RulePacks>,
    /// Last year's reports by unit (`--prev-dir`): each report's repetition is measured
    /// against its own unit's.
    pub previous: Option<Arc<previous::Index>>,
}

/// Reads and checks one file.
pub fn check_file(path: &Path, opts: &CheckOptions) -> Entry {
    if let Some(reason) = old_office(path) {
        return Entry::unreadable(path, reason);
    }
    let mut opened = match workflow::read(path, &opts.import) {
        Ok(o) => o,
        Err(e) => return Entry::unreadable(path, one_line(&e.to_string())),
    };
    // Last year's report of the same unit, when a folder of them was given; else the texts the
    // draft keeps from its roll-over.
    let mut compared_with = None;
    if let Some(prev) = opts.previous.as_ref().and_then(|index| index.find(&opened.report))
        && crate::model::rollover::use_previous_texts(&mut opened.report, &prev.report).is_ok()
    {
        compared_with = Some(prev.path.display().to_string());
    }
    // The process's compiled form, shared; a rule pack that applies copies it (`Arc::make_mut`).
    let mut shared = match opened.report.form() {
        Ok(f) => f,
        Err(e) => return Entry::unreadable(path, one_line(&e.to_string())),
    };
    opts.packs.apply(&mut shared, &opened.report);
    let form: &Form = &shared;
    // The summary's 与上年重复率 is the rate the RP rules measured, not measured again.
    let workflow::Evaluation { findings, values, rates } = workflow::check_measured(&opened, form, opts.today);
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let r = &opened.report;
    let rates = rates.or_else(|| crate::model::repetition::report_rates(form, r, &form.generated));
    let repetition = rates.and_then(|rates| repetition_of(form, &rates, compared_with));
    let indicators = crate::model::indicators::compute(form, &values)
        .into_iter()
        .map(|v| Indicator {
            label: v.label(),
            basis_points: v.percent.map(|p| (p * 100.0).round() as i64),
            id: v.id,
            name: v.name,
            flagged: v.flagged,
            limit: v.limit,
        })
        .collect();
    let checked = Checked {
        unit: r.unit.name.trim().to_string(),
        year: r.year,
        format: r.template.clone(),
        format_name: form.template.name.clone(),
        kind: kind_label(path),
        errors: count(Severity::E),
        warnings: count(Severity::W),
        hints: count(Severity::I),
        findings: findings.iter().map(|f| FindingRow::of(form, f)).collect(),
        notes: opened.warnings.clone(),
        blank: r.is_blank(),
        repetition,
        indicators,
        pack_findings: findings.iter().filter(|f| f.pack.is_some()).count(),
    };
    Entry { path: path.to_path_buf(), outcome: Outcome::Checked(Box::new(checked)) }
}

/// The whole report's rate against last year's texts, with the form's threshold (RP-02's).
fn repetition_of(
    form: &Form,
    rates: &crate::model::repetition::Rates,
    compared_with: Option<String>,
) -> Option<Repetition> {
    let percent = rates.whole.percent()?;
    let threshold = crate::model::repetition::threshold(form).unwrap_or(50);
    Some(Repetition {
        percent,
        threshold,
        over: rates.whole.over(threshold),
        compared_with: compared_with.unwrap_or_else(|| format!("草稿中保存的{}年度正文", rates.year)),
        year: rates.year,
    })
}

/// Checks `files` on `threads` workers (at least one), handing each entry to `on_entry` in the
/// order of `files` as soon as it and all before it are done. Stops early when `cancel` is set
/// (the window's 停止 or a closed view); returns how many were handed over.
pub fn check_all(
    files: &[PathBuf],
    opts: &CheckOptions,
    threads: usize,
    cancel: &AtomicBool,
    mut on_entry: impl FnMut(usize, Entry),
) -> usize {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Entry)>();
    let mut delivered = 0;
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, 16).min(files.len().max(1)) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    // A panic in one reader (a bug) is that file's failure, not the batch's. A
                    // published document is read in a reader process of its own (crate::isolate):
                    // what a library does with a hostile file ends that process, not the batch.
                    let entry = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_file(path, opts)))
                        .unwrap_or_else(|_| Entry::unreadable(path, "读取时程序出错（已跳过此文件）".into()));
                    if tx.send((i, entry)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Entries arrive in any order; those ahead of a slow file wait here (a handful at most).
        let mut waiting: BTreeMap<usize, Entry> = BTreeMap::new();
        for (i, entry) in rx {
            waiting.insert(i, entry);
            while let Some(entry) = waiting.remove(&delivered) {
                on_entry(delivered, entry);
                delivered += 1;
            }
        }
    });
    delivered
}

/// Worker threads for a batch: the machine's cores.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

// ---------------------------------------------------------------------------------------------
// The roster (单位名单) and who is missing
// ---------------------------------------------------------------------------------------------

/// The units expected to report, one name per line (a `#` line is a comment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    pub names: Vec<String>,
}

/// Why a roster (单位名单) file gives no names.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("“{}”{source}", .path.display())]
    Read { path: PathBuf, source: crate::store::ReadError },
    #[error("单位名单“{}”中没有单位名称（每行一个）", .0.display())]
    Empty(PathBuf),
}

impl Roster {
    pub fn parse(text: &str) -> Roster {
        let mut names: Vec<String> = Vec::new();
        for line in text.trim_start_matches('\u{feff}').lines() {
            // A spreadsheet column pasted with its 序号 (`1\t某某局`, `1、某某局`) keeps the name.
            let line = line.split('\t').map(str::trim).rfind(|s| !s.is_empty()).unwrap_or("");
            let line = line.trim_start_matches(|c: char| c.is_ascii_digit() || "、.．) ）".contains(c)).trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if !names.iter().any(|n| normalize_unit(n) == normalize_unit(line)) {
                names.push(line.to_string());
            }
        }
        Roster { names }
    }

    /// Reads a roster file (UTF-8 or GBK, as Excel and WPS save text).
    pub fn read(path: &Path) -> Result<Roster, RosterError> {
        let bytes = crate::store::read_limited(path, 2 * 1024 * 1024)
            .map_err(|source| RosterError::Read { path: path.to_path_buf(), source })?;
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t.to_string(),
            Err(_) => encoding_rs::GB18030.decode(&bytes).0.into_owned(),
        };
        let roster = Roster::parse(&text);
        if roster.names.is_empty() {
            return Err(RosterError::Empty(path.to_path_buf()));
        }
        Ok(roster)
    }

    /// The roster name a report's unit is, if any: the same name (ignoring spaces and the width
    /// of brackets), else the one roster name that contains it or is contained in it (rosters
    /// often use short names: 县商务局 for 某某县商务局).
    pub fn find(&self, unit: &str) -> Option<usize> {
        let u = normalize_unit(unit);
        if u.is_empty() {
            return None;
        }
        if let Some(i) = self.names.iter().position(|n| normalize_unit(n) == u) {
            return Some(i);
        }
        let near: Vec<usize> = (0..self.names.len())
            .filter(|&i| {
                let n = normalize_unit(&self.names[i]);
                n.chars().count() >= 3 && (u.ends_with(&n) || n.ends_with(&u) && u.chars().count() >= 3)
            })
            .collect();
        (near.len() == 1).then(|| near[0])
    }
}

/// A unit name for comparing: no white space, brackets and letters in one width.
pub fn normalize_unit(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c if ('\u{ff01}'..='\u{ff5e}').contains(&c) && !matches!(c, '（' | '）') => {
                char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
            }
            c => c,
        })
        .collect()
}

/// Who reported what, against the roster when there is one.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Reconciliation {
    /// Roster units with no readable report.
    pub missing: Vec<String>,
    /// Reports whose unit is on no roster: (file, unit).
    #[serde(serialize_with = "lossy::pairs")]
    pub not_on_list: Vec<(PathBuf, String)>,
    /// Two or more reports of one unit and year: (unit, year, files).
    #[serde(serialize_with = "lossy::duplicates")]
    pub duplicates: Vec<(String, i32, Vec<PathBuf>)>,
}

/// File names as JSON text: a name that is not UTF-8 (GBK on UOS/Kylin) with `�` where it
/// cannot be read — never a failure (`--json` of such a folder once could not be written).
mod lossy {
    use std::path::{Path, PathBuf};

    use serde::Serializer;
    use serde::ser::SerializeSeq;

    pub fn path<S: Serializer>(p: &Path, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&p.to_string_lossy())
    }

    pub fn pairs<S: Serializer>(v: &[(PathBuf, String)], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for (p, unit) in v {
            seq.serialize_element(&(p.to_string_lossy(), unit))?;
        }
        seq.end()
    }

    pub fn duplicates<S: Serializer>(v: &[(String, i32, Vec<PathBuf>)], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for (unit, year, files) in v {
            let files: Vec<_> = files.iter().map(|f| f.to_string_lossy()).collect();
            seq.serialize_element(&(unit, year, files))?;
        }
        seq.end()
    }
}

/// Compares what was read with the roster (if given) and finds two reports of the same unit.
pub fn reconcile(entries: &[Entry], roster: Option<&Roster>) -> Reconciliation {
    let mut r = Reconciliation::default();
    let mut by_unit: BTreeMap<(String, i32), Vec<PathBuf>> = BTreeMap::new();
    let mut found = vec![false; roster.map_or(0, |x| x.names.len())];
    for e in entries {
        let Some(c) = e.checked() else { continue };
        let key = match roster.and_then(|x| x.find(&c.unit)) {
            Some(i) => {
                found[i] = true;
                roster.map(|x| x.names[i].clone()).unwrap_or_default()
            }
            None => {
                if roster.is_some() {
                    r.not_on_list.push((e.path.clone(), c.unit.clone()));
                }
                c.unit.clone()
            }
        };
        by_unit.entry((normalize_unit(&key), c.year)).or_default().push(e.path.clone());
    }
    if let Some(x) = roster {
        r.missing = x.names.iter().zip(&found).filter(|(_, f)| !**f).map(|(n, _)| n.clone()).collect();
    }
    for ((_, year), files) in by_unit {
        if files.len() > 1 {
            let unit = entries
                .iter()
                .find(|e| e.path == files[0])
                .and_then(Entry::checked)
                .map(|c| c.unit.clone())
                .unwrap_or_default();
            r.duplicates.push((unit, year, files));
        }
    }
    r
}

/// Counts for the total line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub reports: usize,
    pub clean: usize,
    pub warnings: usize,
    pub errors: usize,
    pub unreadable: usize,
    pub missing: usize,
    /// Sent with nothing filled in.
    pub blank: usize,
}

impl Totals {
    pub fn of(entries: &[Entry], rec: &Reconciliation) -> Totals {
        let mut t = Totals { missing: rec.missing.len(), ..Totals::default() };
        for e in entries {
            t.reports += 1;
            match e.status() {
                Status::Clean => t.clean += 1,
                Status::Warnings => t.warnings += 1,
                Status::Errors => t.errors += 1,
                Status::Blank => t.blank += 1,
                Status::Unreadable | Status::Missing => t.unreadable += 1,
            }
        }
        t
    }

    /// `共62个文件：通过40份，有警告12份，有错误8份，无法读取2个；未报送3个单位`.
    pub fn line(&self) -> String {
        let mut s = format!(
            "共{}个文件：通过{}份，有警告{}份，有错误{}份，无法读取{}个",
            self.reports, self.clean, self.warnings, self.errors, self.unreadable
        );
        if self.blank > 0 {
            s.push_str(&format!("，未填写{}份", self.blank));
        }
        if self.missing > 0 {
            s.push_str(&format!("；未报送{}个单位", self.missing));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roster_lines_keep_the_name_and_skip_numbers_comments_and_repeats() {
        let r = Roster::parse("\u{feff}# 2025年应报单位\n1\t县商务局\n2、县 教育局\n\n县商务局\n（县）财政局\n");
        assert_eq!(r.names, ["县商务局", "县 教育局", "（县）财政局"]);
    }

    #[test]
    fn a_report_finds_its_roster_name_exactly_or_by_a_unique_short_name() {
        let r = Roster::parse("某某县商务局\n县教育局\n某某县人民政府办公室\n财政局\n");
        assert_eq!(r.find("某某县 商务局"), Some(0));
        assert_eq!(r.find("某某县教育局"), Some(1), "the roster's short name");
        assert_eq!(r.find("某某县人民政府办公室(县政务公开办)"), None, "not a suffix");
        assert_eq!(r.find("某某县财政局"), Some(3));
        assert_eq!(r.find("某某县农业农村局"), None);
        assert_eq!(r.find(""), None);
        let two = Roster::parse("东区商务局\n西区商务局\n");
        assert_eq!(two.find("商务局"), None, "ambiguous: two roster names end with it");
    }

    #[test]
    fn an_old_word_file_is_listed_with_how_to_make_it_readable() {
        let e = check_file(Path::new("县商务局2025年报.doc"), &CheckOptions::default());
        let Outcome::Unreadable(reason) = e.outcome else { panic!("{e:?}") };
        assert!(reason.contains("Word 97–2003格式（.doc）无法读取：请用Word或WPS打开后另存为.docx"), "{reason}");
    }

    #[test]
    fn scans_take_reports_and_leave_backups_locks_and_temporary_files() {
        for (name, taken) in [
            ("县商务局.ron", true),
            ("县商务局.ron.bak", false),
            ("县商务局.ron.bak3", false),
            (".~lock.县商务局.ron#", false),
            ("~$县商务局.docx", false),
            ("报告.DOCX", true),
            ("报告.pdf", true),
            ("报告.htm", true),
            ("表格.csv", true),
            ("说明.doc", true),
            ("报表.et", true),
            ("照片.jpg", false),
        ] {
            assert_eq!(is_report_file(Path::new(name)), taken, "{name}");
        }
    }
}
