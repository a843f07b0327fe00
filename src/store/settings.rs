//! The app's own settings (not part of any report): recent files, PDF font choices, zoom.
//! Stored as RON in the platform's config folder (`directories`), saved atomically.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many recent files the start view and the 文件 menu list.
pub const MAX_RECENT: usize = 10;
/// Settings are a few hundred bytes; a larger file is not ours.
const MAX_SETTINGS_BYTES: u64 = 256 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    /// Installed font files chosen for the PDF roles, by role name (`标题`, `正文` …).
    pub pdf_fonts: std::collections::BTreeMap<String, PathBuf>,
    /// Window zoom (1.0 = 100%).
    pub zoom: Option<f32>,
    /// Widths of the page list and the findings panel, as the user left them.
    pub pages_width: Option<f32>,
    pub findings_width: Option<f32>,
    /// The folder each kind of export was last written to, by the prompt's title (`导出Word文档`
    /// …): the Word file goes to the review folder, the PDF to the one that is printed from.
    pub export_dirs: std::collections::BTreeMap<String, PathBuf>,
}

impl Settings {
    /// Puts a file at the top of the recent list.
    pub fn touch_recent(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }
}

/// The platform folders of the app (`~/.config/nianbao`, `%APPDATA%\nianbao\config` …).
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("cn", "nianbao", "nianbao")
}

/// Where settings live; `None` when the platform gives no home folder.
pub fn settings_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("settings.ron"))
}

/// Loads settings; a missing or unreadable file gives the defaults (settings are a convenience,
/// never a reason not to start). The error, if any, is returned for the status bar.
pub fn load(path: &Path) -> (Settings, Option<String>) {
    let text = match super::read::read_limited(path, MAX_SETTINGS_BYTES) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(super::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return (Settings::default(), None);
        }
        Err(e) => {
            return (Settings::default(), Some(format!("无法读取设置文件“{}”：{e}，已使用默认设置", path.display())));
        }
    };
    match ron::Options::default().with_recursion_limit(16).from_str::<Settings>(&text) {
        Ok(mut s) => {
            s.recent.truncate(MAX_RECENT);
            (s, None)
        }
        Err(e) => (
            Settings::default(),
            Some(format!(
                "设置文件“{}”第{}行无法识别（{}），已使用默认设置",
                path.display(),
                e.span.start.line,
                super::draft::ron_message(&e.code)
            )),
        ),
    }
}

/// Why the settings could not be saved (the window says it; settings are never fatal).
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("无法创建设置文件夹：{}", super::atomic::describe_io(.0))]
    Folder(std::io::Error),
    #[error("无法保存设置：无法生成设置内容（{0}）")]
    Serialize(ron::Error),
    #[error("无法保存设置：{}", super::atomic::describe_io(.0))]
    Write(std::io::Error),
}

pub fn save(path: &Path, settings: &Settings) -> Result<(), SettingsError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(SettingsError::Folder)?;
    }
    let text = ron::ser::to_string_pretty(settings, ron::ser::PrettyConfig::new()).map_err(SettingsError::Serialize)?;
    super::atomic::write_atomic(path, text.as_bytes()).map_err(SettingsError::Write)
}
