//! Recovery copies: while a draft has unsaved changes, the window writes a copy to the app's data
//! folder (every 30 s and when the window loses focus). After a crash or power cut, the copy is
//! offered at the next start when its content differs from its draft's — by content, not by
//! time: a colleague who saved the draft after the crash does not make the unsaved work
//! worthless, and two writes within one second have the same time. Nothing is removed until the
//! user chooses (a clean save or an explicit discard). Copies are readable by the user only.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::atomic;
pub use super::clock::{format_time, now_secs};
use crate::model::Report;

/// Why a recovery copy could not be written (the window says so; the work stays in memory).
#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error("{}", atomic::describe_io(.0))]
    Folder(std::io::Error),
    #[error("{0}")]
    Draft(#[from] super::DraftError),
    #[error("无法生成恢复副本的内容（{0}）")]
    Serialize(ron::Error),
    #[error("{0}")]
    Write(atomic::WriteError),
}

/// One recovery copy on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryCopy {
    /// The draft it belongs to; `None` for a draft never saved.
    pub original: Option<PathBuf>,
    /// When the copy was written (seconds since 1970, UTC).
    pub saved_at: u64,
    /// The draft text (the same RON as a saved draft).
    pub draft: String,
}

/// A copy worth offering: it holds something its draft file does not.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub key: String,
    pub copy: RecoveryCopy,
    /// When the draft file was last written, if it exists.
    pub draft_saved_at: Option<u64>,
    /// How the copy compares with its draft file.
    pub draft: DraftState,
}

/// The draft file of a recovery copy, as found at the start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftState {
    /// The copy is of a report never saved.
    NeverSaved,
    /// The draft file is gone (moved, deleted, a USB stick not plugged in).
    Missing,
    /// The draft file cannot be read now (the reason, in Chinese).
    Unreadable(String),
    /// The draft file holds something else: the copy has unsaved work (the draft may also have
    /// been saved since by someone else; both times are shown).
    Differs,
}

/// The recovery folder.
#[derive(Debug, Clone)]
pub struct RecoveryStore {
    pub dir: PathBuf,
}

/// The recovery folder, private to the user (0700 on Unix): copies hold the report's content.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        if !dir.is_dir() {
            std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

fn modified_secs(path: &Path) -> Option<u64> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
}

impl RecoveryStore {
    /// `~/.local/share/nianbao/recovery`, `%APPDATA%\nianbao\data\recovery` ….
    pub fn default_dir() -> Option<PathBuf> {
        super::settings::project_dirs().map(|d| d.data_dir().join("recovery"))
    }

    pub fn new(dir: PathBuf) -> RecoveryStore {
        RecoveryStore { dir }
    }

    /// A stable key for a draft file; a never-saved draft gets a key of its own session.
    pub fn key_for(path: Option<&Path>) -> String {
        match path {
            Some(p) => {
                let p = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
                format!("draft-{:016x}", super::bytes_hash(p.to_string_lossy().as_bytes()))
            }
            None => {
                let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
                format!("untitled-{}-{nanos}", std::process::id())
            }
        }
    }

    fn file(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.ron"))
    }

    /// Writes (atomically) the recovery copy of a report.
    pub fn write(&self, key: &str, original: Option<&Path>, report: &Report) -> Result<(), RecoveryError> {
        create_private_dir(&self.dir).map_err(RecoveryError::Folder)?;
        let copy = RecoveryCopy {
            original: original.map(Path::to_path_buf),
            saved_at: now_secs(),
            draft: super::draft::to_ron(report)?,
        };
        let text =
            ron::ser::to_string_pretty(&copy, ron::ser::PrettyConfig::new()).map_err(RecoveryError::Serialize)?;
        let opts = atomic::WriteOptions { backups: false, new_file_mode: Some(0o600) };
        atomic::write_file(&self.file(key), text.as_bytes(), opts).map(drop).map_err(RecoveryError::Write)
    }

    pub fn remove(&self, key: &str) {
        let _ = std::fs::remove_file(self.file(key));
    }

    /// Every readable copy in the folder, by key. Unreadable files are skipped (and left).
    pub fn list(&self) -> Vec<(String, RecoveryCopy)> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut out = Vec::new();
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().is_none_or(|x| x != "ron") {
                continue;
            }
            let Some(key) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else { continue };
            let Ok(bytes) = super::read::read_limited(&path, super::draft::MAX_DRAFT_BYTES * 2) else { continue };
            let Ok(text) = String::from_utf8(bytes) else { continue };
            if let Ok(copy) = ron::Options::default().with_recursion_limit(16).from_str::<RecoveryCopy>(&text) {
                out.push((key, copy));
            }
        }
        out.sort_by_key(|(_, c)| std::cmp::Reverse(c.saved_at));
        out
    }

    /// Copies to offer at start: those that hold something their draft does not. A copy whose
    /// content is what the draft file holds is not offered (nothing would be recovered) but is
    /// not removed either: nothing here deletes a copy; the user's choice does.
    pub fn offers(&self) -> Vec<Offer> {
        let mut out = Vec::new();
        for (key, copy) in self.list() {
            let draft_saved_at = copy.original.as_deref().and_then(modified_secs);
            let draft = match &copy.original {
                None => DraftState::NeverSaved,
                Some(p) => match super::draft::load(p) {
                    Ok(on_disk) => {
                        let same =
                            super::draft::from_ron(&copy.draft, Path::new("恢复副本")).is_ok_and(|c| c == on_disk);
                        if same {
                            continue;
                        }
                        DraftState::Differs
                    }
                    Err(super::DraftError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                        DraftState::Missing
                    }
                    Err(e) => DraftState::Unreadable(e.to_string()),
                },
            };
            out.push(Offer { key, copy, draft_saved_at, draft });
        }
        out
    }
}
