//! Drafts on disk: a versioned RON file a person can read, saved atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::ContentHash;
use super::atomic::WriteOptions;
use super::read::ReadError;
use crate::model::report::{Date, Reference, ReportOptions, UnitInfo};
use crate::model::{Report, Template};

/// The format tag at the top of every draft.
pub const FORMAT_TAG: &str = "nianbao-draft";
/// The draft format version this build writes. Older versions are migrated on load; newer ones
/// are refused so that an old program never silently drops what a newer one wrote.
pub const FORMAT_VERSION: u32 = 1;
/// Largest draft file accepted: real drafts are a few dozen KB.
pub const MAX_DRAFT_BYTES: u64 = 5 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("无法读取文件“{path}”：{}", super::atomic::describe_io(.source))]
    Read { path: PathBuf, source: std::io::Error },
    #[error("无法保存到“{path}”：{source}")]
    Write { path: PathBuf, source: super::atomic::WriteError },
    #[error("文件“{path}”太大（{size}字节），不像是年报草稿（上限5MB）")]
    TooLarge { path: PathBuf, size: u64 },
    #[error("“{path}”不是普通文件（{kind}），不是年报草稿")]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("文件“{path}”不是UTF-8文本，不像是年报草稿")]
    NotText { path: PathBuf },
    #[error("文件“{path}”第{line}行第{col}列有误：{msg}")]
    Syntax { path: PathBuf, line: usize, col: usize, msg: String },
    #[error("文件“{path}”不是年报草稿（缺少 format: \"{FORMAT_TAG}\"）")]
    NotDraft { path: PathBuf },
    #[error(
        "文件“{path}”由更新版本的年报软件保存（草稿格式第{found}版，本程序只认识到第{FORMAT_VERSION}版），请升级软件后再打开；为免丢失内容，本程序不会改写它"
    )]
    TooNew { path: PathBuf, found: u32 },
    #[error("文件“{path}”使用了未知的报告格式“{template}”")]
    UnknownTemplate { path: PathBuf, template: String },
    #[error("文件“{path}”{}附录“{annex}”{problem}", line_prefix(*.line))]
    BadAnnex { path: PathBuf, annex: String, problem: &'static str, line: Option<usize> },
    #[error("文件“{path}”中的报告年度“{year}”不合理")]
    BadYear { path: PathBuf, year: i32 },
    #[error("文件“{path}”{}“{field}”过长（{len}字，上限{limit}字），不像是正常的草稿，未打开", line_prefix(*.line))]
    FieldTooLong { path: PathBuf, field: String, len: usize, limit: usize, line: Option<usize> },
    #[error("文件“{path}”中的条目过多（{what}：{count}项，上限{limit}项），不像是正常的草稿，未打开")]
    TooMany { path: PathBuf, what: String, count: usize, limit: usize },
    /// The file changed on disk since it was read (another window, a colleague, a sync tool).
    #[error("“{path}”在打开之后已被其他程序或同事修改，为免覆盖他们的修改，未保存")]
    Conflict { path: PathBuf },
    /// Another window or command has the draft open.
    #[error("{0}；为免互相覆盖，未保存")]
    Locked(super::lock::LockError),
    /// The report could not be written out as text (a bug, never a user's mistake): nothing
    /// is saved.
    #[error("无法生成草稿内容（{0}），未保存")]
    Serialize(String),
}

/// `第12行` before a message part, when the line is known.
fn line_prefix(line: Option<usize>) -> String {
    line.map(|l| format!("第{l}行")).unwrap_or_else(|| "中".into())
}

/// Longest text a cell may hold (a number needs a few characters; a note typed into a cell a
/// few dozen).
pub const MAX_CELL_CHARS: usize = 200;
/// Longest text section (a long section of a real report is a few thousand characters).
pub const MAX_SECTION_CHARS: usize = 100_000;
/// Longest unit detail or explanation.
pub const MAX_SHORT_CHARS: usize = 10_000;
/// Most cells / sections / explanations a draft may hold.
pub const MAX_ENTRIES: usize = 10_000;
/// Most annexes a report may carry (there is one kind today; each is a whole extra form).
pub const MAX_ANNEXES: usize = 8;

/// A draft that was read, and what the reader had to say about it.
#[derive(Debug)]
pub struct Loaded {
    pub report: Report,
    /// In Chinese, with the line where known: unknown fields ignored, unknown cells kept,
    /// control characters removed.
    pub warnings: Vec<String>,
}

/// The file layout: one flat struct, format tag and version first.
#[derive(Serialize, Deserialize)]
struct DraftFile {
    format: String,
    version: u32,
    template: String,
    year: i32,
    #[serde(default)]
    unit: UnitInfo,
    #[serde(default)]
    signed_on: Option<Date>,
    #[serde(default)]
    cells: BTreeMap<String, String>,
    #[serde(default)]
    sections: BTreeMap<String, String>,
    #[serde(default)]
    explanations: BTreeMap<String, String>,
    #[serde(default)]
    annexes: Vec<String>,
    #[serde(default)]
    reference: Option<Reference>,
    #[serde(default)]
    options: ReportOptions,
    /// A sum of units' reports (`nianbao sum`): the units added, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    summed_from: Vec<String>,
}

/// Only the header, read first so a newer version is refused before anything else is trusted.
#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    format: String,
    #[serde(default)]
    version: u32,
}

/// Serialises a report as draft text.
pub fn to_ron(report: &Report) -> Result<String, DraftError> {
    let file = DraftFile {
        format: FORMAT_TAG.to_string(),
        version: FORMAT_VERSION,
        template: report.template.clone(),
        year: report.year,
        unit: report.unit.clone(),
        signed_on: report.signed_on,
        cells: report.cells.clone(),
        sections: report.sections.clone(),
        explanations: report.explanations.clone(),
        annexes: report.annexes.clone(),
        reference: report.reference.clone(),
        options: report.options.clone(),
        summed_from: report.summed_from.clone(),
    };
    let config = ron::ser::PrettyConfig::new().indentor("  ".to_string()).struct_names(false);
    // Serialising plain maps, strings and numbers cannot fail.
    // A failure must never become an empty file saved over the draft.
    ron::ser::to_string_pretty(&file, config).map(|t| t + "\n").map_err(|e| DraftError::Serialize(e.to_string()))
}

/// Parses draft text. `path` is only used in messages.
pub fn from_ron(text: &str, path: &Path) -> Result<Report, DraftError> {
    from_ron_checked(text, path).map(|l| l.report)
}

/// Parses draft text, reporting fields this version does not know, cells and sections the
/// format does not have, and control characters it removed; refusing duplicate keys (which
/// one was meant?), absurd sizes and unknown annexes (a hostile or corrupted file).
pub fn from_ron_checked(text: &str, path: &Path) -> Result<Loaded, DraftError> {
    let syntax = |e: ron::error::SpannedError| DraftError::Syntax {
        path: path.to_path_buf(),
        line: e.span.start.line,
        col: e.span.start.col,
        msg: ron_message(&e.code),
    };
    if text.trim().is_empty() {
        return Err(DraftError::Syntax {
            path: path.to_path_buf(),
            line: 1,
            col: 1,
            msg: "文件是空的（可能保存时被中断，请试试同一文件夹中的.bak备份）".into(),
        });
    }
    let options = ron::Options::default().with_recursion_limit(64);
    let header: Header = options.from_str(text).map_err(syntax)?;
    if header.format != FORMAT_TAG {
        return Err(DraftError::NotDraft { path: path.to_path_buf() });
    }
    let version = header.version;
    if version > FORMAT_VERSION {
        return Err(DraftError::TooNew { path: path.to_path_buf(), found: version });
    }
    // Bounds and duplicates first, over the whole text, before anything is built from it.
    {
        let mut de = ron::Deserializer::from_str_with_options(text, &options).map_err(syntax)?;
        // Twice the entry limit: a list this long is refused here, before it is built; a
        // shorter excess is refused below with the count.
        serde::de::DeserializeSeed::deserialize(super::shape::Shape::new(2 * MAX_ENTRIES), &mut de)
            .map_err(|e| syntax(de.span_error(e)))?;
    }
    let mut unknown = Vec::new();
    let mut unknown_count = 0usize;
    let file: DraftFile = {
        let mut de = ron::Deserializer::from_str_with_options(text, &options).map_err(syntax)?;
        let value = serde_ignored::deserialize(&mut de, |p| {
            unknown_count += 1;
            if unknown.len() < 10 {
                unknown.push(p.to_string());
            }
        })
        .map_err(|e| {
            // Position of the error as the deserializer saw it.
            let pos = de.span_error(e);
            syntax(pos)
        })?;
        de.end().map_err(|e| syntax(de.span_error(e)))?;
        value
    };
    if Template::get(&file.template).is_err() {
        return Err(DraftError::UnknownTemplate { path: path.to_path_buf(), template: file.template });
    }
    let mut report = Report {
        template: file.template,
        year: file.year,
        unit: file.unit,
        signed_on: file.signed_on,
        cells: file.cells,
        sections: file.sections,
        explanations: file.explanations,
        annexes: file.annexes,
        reference: file.reference,
        options: file.options,
        summed_from: file.summed_from,
    };
    check_sizes(&report, path).map_err(|e| match e {
        DraftError::FieldTooLong { path, field, len, limit, line: None } => {
            let line = line_of_key(text, &field);
            DraftError::FieldTooLong { path, field, len, limit, line }
        }
        DraftError::BadAnnex { path, annex, problem, line: None } => {
            let line = line_of_value_after(text, "annexes", &annex);
            DraftError::BadAnnex { path, annex, problem, line }
        }
        other => other,
    })?;
    let mut warnings = Vec::new();
    let controls = sanitize_listing(&mut report);
    if !unknown.is_empty() {
        let more = if unknown_count > unknown.len() { format!("等{unknown_count}项") } else { String::new() };
        warnings.push(format!(
            "文件中有本版本不认识的内容，已忽略（保存时不会保留）：{}{more}",
            unknown.iter().map(|u| with_line(text, u)).collect::<Vec<_>>().join("、")
        ));
    }
    warnings.extend(unknown_entries(&report, text));
    if !controls.is_empty() {
        let n: usize = controls.iter().map(|(_, n)| n).sum();
        let places: Vec<String> = controls.iter().take(10).map(|(field, _)| with_line(text, field)).collect();
        warnings.push(format!("文件中有{n}个不可见的控制字符，已删除：{}", places.join("、")));
    }
    Ok(Loaded { report, warnings })
}

/// `cells.x.1（第12行）`: a field path with the line of its last key, where it can be found.
fn with_line(text: &str, field_path: &str) -> String {
    let last = field_path.rsplit('.').next().unwrap_or(field_path);
    // Map keys contain dots themselves (`t3.new.np`): try the longest tails first.
    let parts: Vec<&str> = field_path.split('.').collect();
    let line = (1..parts.len())
        .map(|i| parts[i..].join("."))
        .find_map(|k| line_of_key(text, &k))
        .or_else(|| line_of_key(text, last));
    match line {
        Some(l) => format!("“{field_path}”（第{l}行）"),
        None => format!("“{field_path}”"),
    }
}

/// The line (1-based) where a key (`"t3.new.np":` or `name:`) first appears.
pub(crate) fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let quoted = ron::to_string(key).ok()?;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        for candidate in [quoted.as_str(), key] {
            if let Some(rest) = t.strip_prefix(candidate)
                && rest.trim_start().starts_with(':')
            {
                return Some(i + 1);
            }
        }
    }
    None
}

/// The line where a quoted string value first appears at or after the line of `key`.
fn line_of_value_after(text: &str, key: &str, value: &str) -> Option<usize> {
    let quoted = ron::to_string(value).ok()?;
    let from = line_of_key(text, key).unwrap_or(1);
    // A repeated value: the second occurrence is the one to point at.
    let hits: Vec<usize> = text
        .lines()
        .enumerate()
        .skip(from - 1)
        .flat_map(|(i, l)| std::iter::repeat_n(i + 1, l.matches(&quoted).count()))
        .collect();
    hits.get(1).or(hits.first()).copied()
}

/// Cells and sections the report's format does not have: kept as they are (nothing is lost),
/// but neither shown nor checked, and said so with their lines.
fn unknown_entries(report: &Report, text: &str) -> Vec<String> {
    // (the shared form: a copy per file was most of a county check's reading time)
    let Ok(form) = crate::model::Form::of(&report.template, &report.annexes) else { return Vec::new() };
    let mut out = Vec::new();
    let mut unknown_cells = Vec::new();
    let mut computed = Vec::new();
    for id in report.cells.keys() {
        match form.index.get(id) {
            None => unknown_cells.push(id),
            Some(&ix) if !form.cells[ix].is_input() => computed.push(id),
            Some(_) => {}
        }
    }
    let list = |ids: &[&String]| {
        let mut parts: Vec<String> = ids
            .iter()
            .take(10)
            .map(|id| match line_of_key(text, id) {
                Some(l) => format!("“{id}”（第{l}行）"),
                None => format!("“{id}”"),
            })
            .collect();
        if ids.len() > 10 {
            parts.push(format!("等{}项", ids.len()));
        }
        parts.join("、")
    };
    if !unknown_cells.is_empty() {
        out.push(format!(
            "文件中有{}格式没有的单元格，不显示也不检查（保存时原样保留）：{}",
            form.template.name,
            list(&unknown_cells)
        ));
    }
    if !computed.is_empty() {
        out.push(format!("文件中给出了自动计算的单元格的值，已忽略（以计算结果为准）：{}", list(&computed)));
    }
    let mut section_ids = std::collections::HashSet::new();
    for s in &form.template.sections {
        section_ids.insert(s.id.as_str());
        for sub in &s.subsections {
            section_ids.insert(sub.id.as_str());
        }
    }
    let unknown_sections: Vec<&String> = report.sections.keys().filter(|k| !section_ids.contains(k.as_str())).collect();
    if !unknown_sections.is_empty() {
        out.push(format!(
            "文件中有{}格式没有的正文部分，不显示也不打印（保存时原样保留）：{}",
            form.template.name,
            list(&unknown_sections)
        ));
    }
    if let Some(reference) = &report.reference
        && let Ok(prev) = crate::model::Form::of(&reference.template, &[])
    {
        let ids: Vec<&String> = reference.cells.keys().filter(|id| !prev.index.contains_key(*id)).collect();
        if !ids.is_empty() {
            out.push(format!("上年数据中有{}格式没有的单元格，不参与核对：{}", prev.template.name, list(&ids)));
        }
    }
    out
}

/// Refuses absurd sizes and unknown or repeated annexes: a draft the app writes has none.
pub fn check_sizes(r: &Report, path: &Path) -> Result<(), DraftError> {
    if !crate::model::report::YEARS.contains(&r.year) {
        return Err(DraftError::BadYear { path: path.to_path_buf(), year: r.year });
    }
    if let Some(reference) = &r.reference
        && !crate::model::report::YEARS.contains(&reference.year)
    {
        return Err(DraftError::BadYear { path: path.to_path_buf(), year: reference.year });
    }
    let too_long = |field: &str, text: &str, limit: usize| {
        // Counting stops at the limit: a hostile field is not walked to its end twice.
        let len = text.chars().take(limit + 1).count();
        if len > limit {
            let len = text.chars().count();
            Err(DraftError::FieldTooLong { path: path.to_path_buf(), field: field.to_string(), len, limit, line: None })
        } else {
            Ok(())
        }
    };
    let too_many = |what: &str, count: usize, limit: usize| {
        if count > limit {
            Err(DraftError::TooMany { path: path.to_path_buf(), what: what.to_string(), count, limit })
        } else {
            Ok(())
        }
    };
    too_many("单元格", r.cells.len(), MAX_ENTRIES)?;
    too_many("正文", r.sections.len(), MAX_ENTRIES)?;
    too_many("说明", r.explanations.len(), MAX_ENTRIES)?;
    too_many("附录", r.annexes.len(), MAX_ANNEXES)?;
    too_many("汇总所含单位", r.summed_from.len(), MAX_ENTRIES)?;
    too_many("打印选项中的金额单位", r.options.money_units.len(), MAX_ENTRIES)?;
    let bad_annex = |annex: &str, problem| DraftError::BadAnnex {
        path: path.to_path_buf(),
        annex: annex.chars().take(100).collect(),
        problem,
        line: None,
    };
    for (i, a) in r.annexes.iter().enumerate() {
        match Template::get(a) {
            Ok(t) if t.kind == crate::model::template::TemplateKind::Annex => {}
            _ => return Err(bad_annex(a, "不是本程序认识的附录")),
        }
        if r.annexes[..i].contains(a) {
            return Err(bad_annex(a, "重复出现"));
        }
    }
    for (k, v) in &r.cells {
        too_long(k, k, 100)?;
        too_long(k, v, MAX_CELL_CHARS)?;
    }
    for (k, v) in &r.sections {
        too_long(k, k, 100)?;
        too_long(k, v, MAX_SECTION_CHARS)?;
    }
    for (k, v) in &r.explanations {
        too_long(k, k, 1000)?;
        too_long(k, v, MAX_SHORT_CHARS)?;
    }
    for (k, v) in &r.options.money_units {
        too_long(k, k, 100)?;
        too_long(k, v, 100)?;
    }
    for (name, v) in r.unit.labelled() {
        too_long(name, v, MAX_SHORT_CHARS)?;
    }
    too_long("template", &r.template, 100)?;
    if let Some(reference) = &r.reference {
        too_many("上年数据", reference.cells.len(), MAX_ENTRIES)?;
        too_many("上年正文", reference.sections.len(), MAX_ENTRIES)?;
        too_long("reference.template", &reference.template, 100)?;
        for (k, v) in &reference.cells {
            too_long(k, k, 100)?;
            too_long(k, v, MAX_CELL_CHARS)?;
        }
        for (k, v) in &reference.sections {
            too_long(k, k, 100)?;
            too_long(k, v, MAX_SECTION_CHARS)?;
        }
    }
    if let Some(t) = &r.options.opening_text {
        too_long("开头段落", t, MAX_SHORT_CHARS)?;
    }
    Ok(())
}

/// Whether a character is removed from report texts: control characters other than line
/// breaks and tabs (carriage returns go too, silently: they are how Windows ends a line).
fn is_removed(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Removes the characters [`is_removed`] names from one text; returns how many, not counting `\r`.
pub fn clean_text(s: &mut String) -> usize {
    if !s.chars().any(is_removed) {
        return 0;
    }
    let before = s.chars().count();
    let crs = s.chars().filter(|&c| c == '\r').count();
    s.retain(|c| !is_removed(c));
    before - s.chars().count() - crs
}

/// Removes control characters (keeping line breaks and tabs; carriage returns go too) from
/// every text of a report. Returns how many were removed, not counting `\r`.
pub fn sanitize(r: &mut Report) -> usize {
    sanitize_listing(r).iter().map(|(_, n)| n).sum()
}

/// Like [`sanitize`], saying where: (field path, characters removed).
fn sanitize_listing(r: &mut Report) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut note = |field: String, s: &mut String| {
        let n = clean_text(s);
        if n > 0 {
            out.push((field, n));
        }
    };
    let u = &mut r.unit;
    for (name, f) in [
        ("name", &mut u.name),
        ("signature", &mut u.signature),
        ("phone", &mut u.phone),
        ("address", &mut u.address),
        ("postcode", &mut u.postcode),
        ("website", &mut u.website),
    ] {
        note(format!("unit.{name}"), f);
    }
    for (k, v) in r.cells.iter_mut() {
        note(format!("cells.{k}"), v);
    }
    for (k, v) in r.sections.iter_mut() {
        note(format!("sections.{k}"), v);
    }
    for (k, v) in r.explanations.iter_mut() {
        note(format!("explanations.{k}"), v);
    }
    if let Some(t) = &mut r.options.opening_text {
        note("options.opening_text".into(), t);
    }
    if let Some(reference) = &mut r.reference {
        for (k, v) in reference.cells.iter_mut() {
            note(format!("reference.cells.{k}"), v);
        }
        for (k, v) in reference.sections.iter_mut() {
            note(format!("reference.sections.{k}"), v);
        }
    }
    out
}

/// Reads a draft file, refusing anything too large or not text.
pub fn load(path: &Path) -> Result<Report, DraftError> {
    load_checked(path).map(|l| l.report)
}

/// Reads a draft file with the reader's warnings.
pub fn load_checked(path: &Path) -> Result<Loaded, DraftError> {
    load_with_hash(path).map(|(l, _)| l)
}

/// Reads a draft file with the reader's warnings and the fingerprint of exactly the bytes read,
/// for [`save_checked`] to notice later that the file changed on disk.
pub fn load_with_hash(path: &Path) -> Result<(Loaded, ContentHash), DraftError> {
    let bytes = read_bytes(path)?;
    let hash = ContentHash::of(&bytes);
    let text = String::from_utf8(bytes).map_err(|_| DraftError::NotText { path: path.to_path_buf() })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok((from_ron_checked(text, path)?, hash))
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, DraftError> {
    super::read::read_limited(path, MAX_DRAFT_BYTES).map_err(|e| match e {
        ReadError::Io(source) => DraftError::Read { path: path.to_path_buf(), source },
        ReadError::TooLarge { size, .. } => DraftError::TooLarge { path: path.to_path_buf(), size },
        ReadError::NotRegular(kind) => DraftError::NotRegular { path: path.to_path_buf(), kind },
    })
}

/// The fingerprint of a draft file on disk; `None` when there is none.
pub fn disk_hash(path: &Path) -> Result<Option<ContentHash>, DraftError> {
    match read_bytes(path) {
        Ok(bytes) => Ok(Some(ContentHash::of(&bytes))),
        Err(DraftError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// What the file on disk must be for a save to go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// There must be no file yet (a new draft).
    Absent,
    /// It must be exactly what was read (or last saved).
    Unchanged(ContentHash),
    /// Whatever it is (the user confirmed overwriting it).
    Any,
}

/// Saves a draft atomically, keeping the previous versions as `NAME.ron.bak` … `.bak5`.
/// The same as [`save_checked`] with [`Expect::Any`].
pub fn save(path: &Path, report: &Report) -> Result<(), DraftError> {
    save_checked(path, report, Expect::Any).map(drop)
}

/// Saves a draft when the file on disk is still what `expect` says, under the draft's lock
/// (taken for the moment of the save unless this process holds it already), so that of two
/// saves at the same moment one is refused rather than lost. Returns the fingerprint of what
/// was written: the `Unchanged` of the next save.
pub fn save_checked(path: &Path, report: &Report, expect: Expect) -> Result<ContentHash, DraftError> {
    // Never write what could not be opened again.
    check_sizes(report, path)?;
    let _lock = if super::lock::held_here(path) {
        None
    } else {
        match super::lock::DraftLock::acquire(path) {
            Ok(l) => Some(l),
            Err(e @ super::lock::LockError::Held { .. }) => return Err(DraftError::Locked(e)),
            // No lock file possible (a read-only folder, a file system without locks): the save
            // itself will say what is wrong, or go ahead unprotected like any other program.
            Err(super::lock::LockError::Io { .. }) => None,
        }
    };
    if expect != Expect::Any {
        let now = match disk_hash(path) {
            Ok(h) => h,
            Err(e @ DraftError::Read { .. }) => return Err(e),
            // Too large, not text, not a file: certainly not what was read.
            Err(_) => return Err(DraftError::Conflict { path: path.to_path_buf() }),
        };
        let unchanged = match expect {
            Expect::Absent => now.is_none(),
            Expect::Unchanged(h) => now == Some(h),
            Expect::Any => true,
        };
        if !unchanged {
            return Err(DraftError::Conflict { path: path.to_path_buf() });
        }
    }
    let bytes = to_ron(report)?;
    super::atomic::write_file(path, bytes.as_bytes(), WriteOptions { backups: true, new_file_mode: None })
        .map_err(|source| DraftError::Write { path: path.to_path_buf(), source })?;
    Ok(ContentHash::of(bytes.as_bytes()))
}

/// RON's error messages are English; each gets a Chinese reading (the technical part, where it
/// helps, follows in brackets).
pub(crate) fn ron_message(e: &ron::Error) -> String {
    use ron::Error as E;
    match e {
        E::Fmt => "内部格式错误".into(),
        E::Io(m) => format!("读取出错（系统信息：{m}）"),
        E::Message(m) if m.chars().any(is_cjk) => m.clone(),
        E::Message(m) => format!("内容有误（{m}）"),
        E::Eof => "文件意外结束（可能被截断）".into(),
        E::ExpectedArray => "此处应为方括号“[”开始的列表".into(),
        E::ExpectedArrayEnd => "列表缺少结尾的“]”，或括号不匹配".into(),
        E::ExpectedAttribute => "此处应为“#![...]”形式的属性".into(),
        E::ExpectedAttributeEnd => "属性缺少结尾的“]”".into(),
        E::ExpectedBoolean => "此处应为 true 或 false".into(),
        E::ExpectedComma => "缺少逗号".into(),
        E::ExpectedChar => "此处应为单引号括起的一个字符".into(),
        E::ExpectedByteLiteral => "此处应为字节字面量".into(),
        E::ExpectedFloat => "此处应为数字".into(),
        E::FloatUnderscore => "数字中不能以下划线开头或结尾".into(),
        E::ExpectedInteger => "此处应为整数".into(),
        E::ExpectedOption => "此处应为 Some(...) 或 None".into(),
        E::ExpectedOptionEnd => "Some(...) 缺少结尾的“)”".into(),
        E::ExpectedMap => "此处应为花括号“{”开始的对照表".into(),
        E::ExpectedMapColon => "键后面缺少冒号".into(),
        E::ExpectedMapEnd => "对照表缺少结尾的“}”，或括号不匹配".into(),
        // The expected names are this program's own; what was found is the user's text.
        E::ExpectedDifferentStructName { found, .. } => format!("此处应为圆括号“(”开始的草稿内容，实际是“{found}”"),
        E::ExpectedStructLike => "此处应为圆括号“(”开始的内容".into(),
        // The names are this program's own (`Header`, `DraftFile`), not the user's business.
        E::ExpectedNamedStructLike(_) => "此处应为圆括号“(”开始的草稿内容".into(),
        E::ExpectedStructLikeEnd => "缺少结尾的“)”，或括号不匹配".into(),
        E::ExpectedUnit => "此处应为“()”".into(),
        E::ExpectedString => "此处应为带引号的文字".into(),
        E::ExpectedByteString => "此处应为字节串".into(),
        E::ExpectedStringEnd => "文字缺少结尾的引号".into(),
        E::ExpectedIdentifier => "此处应为字段名".into(),
        E::InvalidEscape(what) => format!("无效的转义序列（{what}）"),
        E::IntegerOutOfBounds => "整数超出允许范围".into(),
        E::InvalidIntegerDigit { digit, base } => format!("“{digit}”不是{base}进制数字"),
        E::NoSuchExtension(name) => format!("未知的扩展“{name}”"),
        E::UnclosedBlockComment => "注释“/*”没有结束".into(),
        E::UnclosedLineComment => "注释没有结束".into(),
        E::UnderscoreAtBeginning => "数字不能以下划线开头".into(),
        E::UnexpectedChar(c) => format!("意外的字符“{}”", c.escape_debug()),
        E::Utf8Error(_) => "文字不是有效的UTF-8编码".into(),
        E::TrailingCharacters => "结尾有多余内容".into(),
        E::InvalidValueForType { expected, found } => {
            format!("值的类型不对：应为{}，实际是{}", kind_zh(expected), kind_zh(found))
        }
        E::ExpectedDifferentLength { expected, found } => format!("项数不对：应为{expected}，实际有{found}项"),
        E::NoSuchEnumVariant { expected, found, .. } => {
            format!("“{found}”不是可选的值（可选：{}）", expected.join("、"))
        }
        E::NoSuchStructField { expected, found, .. } => {
            format!("未知的字段“{found}”（可用：{}）", expected.join("、"))
        }
        E::MissingStructField { field, .. } => format!("缺少字段“{field}”"),
        E::DuplicateStructField { field, .. } => format!("字段“{field}”重复"),
        E::InvalidIdentifier(name) => format!("“{name}”不是有效的字段名"),
        E::SuggestRawIdentifier(name) => format!("“{name}”不是有效的字段名（可写成 r#{name}）"),
        E::ExpectedRawValue => "此处应为原样内容".into(),
        E::ExceededRecursionLimit => "嵌套层数过多".into(),
        E::ExpectedStructName(name) => format!("此处应写出名称“{name}”"),
        E::ExpectedRangeSyntax => "此处应为范围".into(),
        other => format!("格式有误（{other}）"),
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// serde's names of value kinds (`a string`, `integer \`5\``) in Chinese.
fn kind_zh(s: &str) -> String {
    let t = s.trim();
    let base = match t {
        "a string" | "string" | "a borrowed string" => "文字",
        "a boolean" | "boolean" | "bool" => "true 或 false",
        "an integer" | "integer" | "i32" | "u32" | "i64" | "u64" | "u8" | "i8" | "u16" | "i16" => "整数",
        "a float" | "floating point" | "f32" | "f64" => "数字",
        "a sequence" | "sequence" => "列表",
        "a map" | "map" => "对照表",
        "unit" | "a unit" => "空值 ()",
        "option" | "an option" => "Some(...) 或 None",
        _ => "",
    };
    if !base.is_empty() {
        return base.to_string();
    }
    if let Some(rest) = t.strip_prefix("integer ").or_else(|| t.strip_prefix("floating point ")) {
        return format!("数字 {rest}");
    }
    if let Some(rest) = t.strip_prefix("string ") {
        return format!("文字 {rest}");
    }
    if let Some(rest) = t.strip_prefix("boolean ") {
        return format!("布尔值 {rest}");
    }
    format!("“{t}”")
}
