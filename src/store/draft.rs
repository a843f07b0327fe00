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
    let file: DraftFile = options.from_str(text).map_err(syntax)?;
    if Template::builtin(&file.template).is_err() {
        return Err(DraftError::UnknownTemplate { path: path.to_path_buf(), template: file.template });
    }
    Ok(Report {
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
    })
}

/// Reads a draft file, refusing anything too large or not text.
pub fn load(path: &Path) -> Result<Report, DraftError> {
    let bytes = read_limited(path, MAX_DRAFT_BYTES).map_err(|e| match e {
        LimitedReadError::Io(source) => DraftError::Read { path: path.to_path_buf(), source },
        LimitedReadError::TooLarge(size) => DraftError::TooLarge { path: path.to_path_buf(), size },
    })?;
    let text = String::from_utf8(bytes).map_err(|_| DraftError::NotText { path: path.to_path_buf() })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    from_ron(text, path)
}

/// Saves a draft atomically, keeping the previous version as `NAME.ron.bak`.
pub fn save(path: &Path, report: &Report) -> Result<(), DraftError> {
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
