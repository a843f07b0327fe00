//! Drafts on disk: a versioned RON file a person can read, saved atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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
    #[error("无法读取文件“{path}”：{source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("无法保存到“{path}”：{reason}")]
    Write { path: PathBuf, reason: String },
    #[error("文件“{path}”太大（{size}字节），不像是年报草稿（上限5MB）")]
    TooLarge { path: PathBuf, size: u64 },
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
    #[error("文件“{path}”中的报告年度“{year}”不合理")]
    BadYear { path: PathBuf, year: i32 },
    #[error("文件“{path}”中“{field}”过长（{len}字，上限{limit}字），不像是正常的草稿，未打开")]
    FieldTooLong { path: PathBuf, field: String, len: usize, limit: usize },
    #[error("文件“{path}”中的条目过多（{what}：{count}项，上限{limit}项），不像是正常的草稿，未打开")]
    TooMany { path: PathBuf, what: String, count: usize, limit: usize },
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

/// A draft that was read, and what the reader had to say about it.
#[derive(Debug)]
pub struct Loaded {
    pub report: Report,
    /// In Chinese: unknown fields ignored, control characters removed.
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
pub fn to_ron(report: &Report) -> String {
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
    };
    let config = ron::ser::PrettyConfig::new().indentor("  ".to_string()).struct_names(false);
    // Serialising plain maps, strings and numbers cannot fail.
    ron::ser::to_string_pretty(&file, config).unwrap_or_default() + "\n"
}

/// Parses draft text. `path` is only used in messages.
pub fn from_ron(text: &str, path: &Path) -> Result<Report, DraftError> {
    from_ron_checked(text, path).map(|l| l.report)
}

/// Parses draft text, reporting fields this version does not know and control characters it
/// removed, and refusing absurd sizes (a hostile or corrupted file).
pub fn from_ron_checked(text: &str, path: &Path) -> Result<Loaded, DraftError> {
    let syntax = |e: ron::error::SpannedError| DraftError::Syntax {
        path: path.to_path_buf(),
        line: e.span.start.line,
        col: e.span.start.col,
        msg: ron_message(&e.code),
    };
    let options = ron::Options::default().with_recursion_limit(64);
    let header: Header = options.from_str(text).map_err(syntax)?;
    if header.format != FORMAT_TAG {
        return Err(DraftError::NotDraft { path: path.to_path_buf() });
    }
    let version = header.version;
    if version > FORMAT_VERSION {
        return Err(DraftError::TooNew { path: path.to_path_buf(), found: version });
    }
    let mut unknown = Vec::new();
    let file: DraftFile = {
        let mut de = ron::Deserializer::from_str_with_options(text, &options).map_err(syntax)?;
        let value = serde_ignored::deserialize(&mut de, |p| unknown.push(p.to_string())).map_err(|e| {
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
    };
    check_sizes(&report, path)?;
    let removed = sanitize(&mut report);
    let mut warnings = Vec::new();
    if !unknown.is_empty() {
        warnings.push(format!(
            "文件中有本版本不认识的内容，已忽略（保存时不会保留）：{}",
            unknown.iter().take(10).cloned().collect::<Vec<_>>().join("、")
        ));
    }
    if removed > 0 {
        warnings.push(format!("文件中有{removed}个不可见的控制字符，已删除"));
    }
    Ok(Loaded { report, warnings })
}

/// Refuses absurd sizes: a draft the app writes never exceeds these.
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
        let len = text.chars().count();
        if len > limit {
            Err(DraftError::FieldTooLong { path: path.to_path_buf(), field: field.to_string(), len, limit })
        } else {
            Ok(())
        }
    };
    let too_many = |what: &str, count: usize| {
        if count > MAX_ENTRIES {
            Err(DraftError::TooMany { path: path.to_path_buf(), what: what.to_string(), count, limit: MAX_ENTRIES })
        } else {
            Ok(())
        }
    };
    too_many("单元格", r.cells.len())?;
    too_many("正文", r.sections.len())?;
    too_many("说明", r.explanations.len())?;
    for (k, v) in &r.cells {
        too_long(k, k, 100)?;
        too_long(k, v, MAX_CELL_CHARS)?;
    }
    for (k, v) in &r.sections {
        too_long(k, v, MAX_SECTION_CHARS)?;
    }
    for (k, v) in &r.explanations {
        too_long(k, v, MAX_SHORT_CHARS)?;
    }
    for (name, v) in r.unit.labelled() {
        too_long(name, v, MAX_SHORT_CHARS)?;
    }
    if let Some(reference) = &r.reference {
        too_many("上年数据", reference.cells.len())?;
        for (k, v) in &reference.cells {
            too_long(k, v, MAX_CELL_CHARS)?;
        }
        for (k, v) in &reference.sections {
            too_long(k, v, MAX_SECTION_CHARS)?;
        }
    }
    if let Some(t) = &r.options.opening_text {
        too_long("开头段落", t, MAX_SHORT_CHARS)?;
    }
    Ok(())
}

/// Removes control characters (keeping line breaks and tabs; carriage returns go too) from
/// every text of a report. Returns how many were removed, not counting `\r`.
pub fn sanitize(r: &mut Report) -> usize {
    fn clean(s: &mut String) -> usize {
        if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return 0;
        }
        let before = s.chars().count();
        let crs = s.chars().filter(|&c| c == '\r').count();
        s.retain(|c| !c.is_control() || c == '\n' || c == '\t');
        before - s.chars().count() - crs
    }
    let mut n = 0;
    let u = &mut r.unit;
    for f in [&mut u.name, &mut u.signature, &mut u.phone, &mut u.address, &mut u.postcode, &mut u.website] {
        n += clean(f);
    }
    for v in r.cells.values_mut().chain(r.sections.values_mut()).chain(r.explanations.values_mut()) {
        n += clean(v);
    }
    if let Some(t) = &mut r.options.opening_text {
        n += clean(t);
    }
    if let Some(reference) = &mut r.reference {
        for v in reference.cells.values_mut().chain(reference.sections.values_mut()) {
            n += clean(v);
        }
    }
    n
}

/// Reads a draft file, refusing anything too large or not text.
pub fn load(path: &Path) -> Result<Report, DraftError> {
    load_checked(path).map(|l| l.report)
}

/// Reads a draft file with the reader's warnings.
pub fn load_checked(path: &Path) -> Result<Loaded, DraftError> {
    let bytes = read_limited(path, MAX_DRAFT_BYTES).map_err(|e| match e {
        LimitedReadError::Io(source) => DraftError::Read { path: path.to_path_buf(), source },
        LimitedReadError::TooLarge(size) => DraftError::TooLarge { path: path.to_path_buf(), size },
    })?;
    let text = String::from_utf8(bytes).map_err(|_| DraftError::NotText { path: path.to_path_buf() })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    from_ron_checked(text, path)
}

/// Saves a draft atomically, keeping the previous version as `NAME.ron.bak`.
pub fn save(path: &Path, report: &Report) -> Result<(), DraftError> {
    // Never write what could not be opened again.
    check_sizes(report, path)?;
    super::atomic::write_with_backup(path, to_ron(report).as_bytes())
        .map_err(|e| DraftError::Write { path: path.to_path_buf(), reason: super::atomic::describe_io(&e) })
}

pub(crate) enum LimitedReadError {
    Io(std::io::Error),
    TooLarge(u64),
}

/// Reads at most `limit` bytes; a longer file is an error, not a truncation.
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, LimitedReadError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(LimitedReadError::Io)?;
    let mut buf = Vec::new();
    file.take(limit + 1).read_to_end(&mut buf).map_err(LimitedReadError::Io)?;
    if buf.len() as u64 > limit {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(buf.len() as u64);
        return Err(LimitedReadError::TooLarge(size));
    }
    Ok(buf)
}

/// RON's error messages are English; the common ones get a Chinese reading.
fn ron_message(e: &ron::Error) -> String {
    use ron::Error as E;
    match e {
        E::Eof => "文件意外结束（可能被截断）".into(),
        E::ExpectedString => "此处应为带引号的文字".into(),
        E::ExpectedInteger => "此处应为整数".into(),
        E::ExpectedComma => "缺少逗号".into(),
        E::ExpectedStructLikeEnd | E::ExpectedMapEnd | E::ExpectedArrayEnd => "括号不匹配".into(),
        E::ExpectedStructLike | E::ExpectedMap | E::ExpectedArray => "括号不匹配或缺少括号".into(),
        E::ExpectedStringEnd => "文字缺少结尾的引号".into(),
        E::MissingStructField { field, .. } => format!("缺少字段“{field}”"),
        E::DuplicateStructField { field, .. } => format!("字段“{field}”重复"),
        E::ExceededRecursionLimit => "嵌套层数过多".into(),
        E::TrailingCharacters => "结尾有多余内容".into(),
        E::Message(m) => format!("内容有误：{m}"),
        other => format!("格式有误（{other}）"),
    }
}
