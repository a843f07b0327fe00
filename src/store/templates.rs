//! The user's templates: every `*.ron` in `<config dir>/templates/` (and a folder named on the
//! command line with `--templates`) is a form the app knows beside the built-in ones — a
//! province's supplementary table or next year's national format is a file dropped there.

use std::path::{Path, PathBuf};

use crate::model::rulepack::RulePackError;
use crate::model::{Template, TemplateError};

/// Largest template file read (the built-in ones are about 25 KB).
const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// A template or rule pack file that was skipped, and why (in Chinese, with line and column
/// when known).
#[derive(Debug)]
pub struct Problem {
    pub file: PathBuf,
    pub message: TemplateFileError,
    /// What the file was meant to be: `模板` or `规则包`.
    pub kind: &'static str,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}文件“{}”未载入：{}", self.kind, self.file.display(), self.message)
    }
}

/// `~/.config/nianbao/templates`, `%APPDATA%\nianbao\config\templates` ….
pub fn user_dir() -> Option<PathBuf> {
    super::settings::project_dirs().map(|d| d.config_dir().join("templates"))
}

/// Registers every template file of a folder (in name order). A missing folder holds none; a
/// file that cannot be read, parsed or compiled, or whose id is taken, is skipped and reported.
/// Returns the ids registered and the problems.
pub fn load_dir(dir: &Path) -> (Vec<String>, Vec<Problem>) {
    let mut loaded = Vec::new();
    let mut problems = Vec::new();
    for file in ron_files(dir) {
        match load_file(&file) {
            Ok(Some(id)) => loaded.push(id),
            // A rule pack lives here too ([`super::rulepacks`] reads it).
            Ok(None) => {}
            Err(message) => problems.push(Problem { file, message, kind: "模板" }),
        }
    }
    (loaded, problems)
}

/// The `*.ron` files of a folder, in name order (none when it cannot be listed).
pub(super) fn ron_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("ron")) && p.is_file())
        .collect();
    files.sort();
    files
}

/// Why a template or rule pack file was not loaded.
#[derive(Debug, thiserror::Error)]
pub enum TemplateFileError {
    #[error("文件太大（{0}字节），不像是模板或规则包")]
    TooLarge(u64),
    #[error("{0}")]
    Read(super::read::ReadError),
    #[error("不是UTF-8文本")]
    NotUtf8,
    #[error("第{line}行第{col}列有误：{msg}")]
    Parse { line: usize, col: usize, msg: String },
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Template(TemplateError),
    #[error("{0}")]
    RulePack(RulePackError),
}

/// A template or rule pack file's text (bounded, UTF-8).
pub(super) fn read_text(file: &Path) -> Result<String, TemplateFileError> {
    let bytes = super::read::read_limited(file, MAX_TEMPLATE_BYTES).map_err(|e| match e {
        super::read::ReadError::TooLarge { size, .. } => TemplateFileError::TooLarge(size),
        other => TemplateFileError::Read(other),
    })?;
    String::from_utf8(bytes).map_err(|_| TemplateFileError::NotUtf8)
}

/// Registers a template file; `None` when the file is a rule pack.
fn load_file(file: &Path) -> Result<Option<String>, TemplateFileError> {
    let text = read_text(file)?;
    if crate::model::rulepack::RulePack::sniff(&text) {
        return Ok(None);
    }
    let origin = file.display().to_string();
    let template = Template::parse(&origin, text.trim_start_matches('\u{feff}')).map_err(|e| match e {
        TemplateError::Parse { line, col, msg, .. } => TemplateFileError::Parse { line, col, msg },
        other => TemplateFileError::Template(other),
    })?;
    let id = template.id.clone();
    Template::register(template, &origin).map_err(|e| match e {
        TemplateError::Invalid { msg, .. } => TemplateFileError::Invalid(msg),
        other => TemplateFileError::Template(other),
    })?;
    Ok(Some(id))
}
