//! The user's templates: every `*.ron` in `<config dir>/templates/` (and a folder named on the
//! command line with `--templates`) is a form the app knows beside the built-in ones — a
//! province's supplementary table or next year's national format is a file dropped there.

use std::path::{Path, PathBuf};

use crate::model::{Template, TemplateError};

/// Largest template file read (the built-in ones are about 25 KB).
const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// A template file that was skipped, and why (in Chinese, with line and column when known).
#[derive(Debug)]
pub struct Problem {
    pub file: PathBuf,
    pub message: TemplateFileError,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "模板文件“{}”未载入：{}", self.file.display(), self.message)
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
    let Ok(entries) = std::fs::read_dir(dir) else { return (loaded, problems) };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("ron")) && p.is_file())
        .collect();
    files.sort();
    for file in files {
        match load_file(&file) {
            Ok(id) => loaded.push(id),
            Err(message) => problems.push(Problem { file, message }),
        }
    }
    (loaded, problems)
}

/// Why a template file was not loaded.
#[derive(Debug, thiserror::Error)]
pub enum TemplateFileError {
    #[error("文件太大（{0}字节），不像是模板")]
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
}

fn load_file(file: &Path) -> Result<String, TemplateFileError> {
    let bytes = super::read::read_limited(file, MAX_TEMPLATE_BYTES).map_err(|e| match e {
        super::read::ReadError::TooLarge { size, .. } => TemplateFileError::TooLarge(size),
        other => TemplateFileError::Read(other),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| TemplateFileError::NotUtf8)?;
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
    Ok(id)
}
