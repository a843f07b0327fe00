//! The advisory lock on a draft: while a window has a draft open (or a command is rewriting
//! it), a lock file beside it says who has it, and a second window or command is told instead
//! of silently saving over the first.
//!
//! The lock file `.~lock.NAME#` (LibreOffice's convention) holds the holder's user, computer,
//! process and start time, and is locked with the operating system's file lock (`flock` on
//! Unix, `LockFileEx` on Windows, through `std::fs::File::try_lock`), so a lock left by a crash
//! is free again the moment the process is gone. The holder keeps a *shared* lock after writing
//! its details: on Windows an exclusive lock would also stop the others from reading who holds
//! it. Whoever wrote the details last and still holds the lock owns it; a second process that
//! slipped in between sees someone else's details and steps back.

use std::collections::HashSet;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::atomic::{describe_io, parent_dir, resolve_links};

/// Lock files this process holds (a second window of the same process is refused too).
static HELD: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// Who has a draft open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub user: String,
    pub host: String,
    pub pid: u32,
    /// Since when (seconds since 1970, UTC).
    pub since: u64,
    /// Tells two holders apart when they race.
    #[serde(default)]
    nonce: u64,
}

impl Holder {
    fn me() -> Holder {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        Holder {
            user: user_name(),
            host: host_name(),
            pid: std::process::id(),
            since: super::clock::now_secs(),
            nonce: super::bytes_hash(format!("{}-{nanos}", std::process::id()).as_bytes()),
        }
    }

    /// `用户“zhang”在计算机“PC-01”上（进程 4242，2026-01-19 10:32 起）`.
    pub fn describe(&self) -> String {
        format!(
            "用户“{}”在计算机“{}”上（进程{}，{}起）",
            self.user,
            self.host,
            self.pid,
            super::clock::format_time(self.since)
        )
    }
}

fn user_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "未知".into())
}

fn host_name() -> String {
    if let Some(h) = ["COMPUTERNAME", "HOSTNAME"].iter().find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty())) {
        return h;
    }
    super::read::read_limited(Path::new("/etc/hostname"), 256)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "未知".into())
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Someone else has the draft; `holder` is `None` when their details cannot be read.
    #[error("“{}”正被另一个窗口或程序使用：{}", .path.display(), .holder.as_ref().map(Holder::describe).unwrap_or_else(|| "无法读取使用者信息".into()))]
    Held { path: PathBuf, holder: Option<Holder> },
    #[error("无法为“{}”建立锁文件：{}", .path.display(), describe_io(.source))]
    Io { path: PathBuf, source: io::Error },
}

/// The lock on one draft, released when dropped (and by the system if the process dies).
#[derive(Debug)]
pub struct DraftLock {
    file: File,
    lock_path: PathBuf,
    draft: PathBuf,
    holder: Holder,
}

/// `dir/.~lock.NAME#` for a draft `dir/NAME` (a shortened name when that would be too long).
pub fn lock_path(draft: &Path) -> PathBuf {
    let target = resolve_links(draft).unwrap_or_else(|_| draft.to_path_buf());
    let dir = parent_dir(&target);
    let name = target.file_name().map(|n| n.as_encoded_bytes().len()).unwrap_or(0);
    if name > 0 && name + 8 <= 255 {
        let mut s = std::ffi::OsString::from(".~lock.");
        s.push(target.file_name().unwrap_or_default());
        s.push("#");
        dir.join(s)
    } else {
        dir.join(format!(".~lock.{}#", super::atomic::name_tag(&target)))
    }
}

/// The registry key: the lock file's absolute path.
fn key(lock_path: &Path) -> PathBuf {
    let dir = parent_dir(lock_path);
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    dir.join(lock_path.file_name().unwrap_or_default())
}

/// Whether this process holds the lock of `draft`.
pub fn held_here(draft: &Path) -> bool {
    let k = key(&lock_path(draft));
    HELD.lock().map(|h| h.as_ref().is_some_and(|s| s.contains(&k))).unwrap_or(false)
}

impl DraftLock {
    /// Takes the lock of a draft (which need not exist yet), or says who has it.
    pub fn acquire(draft: &Path) -> Result<DraftLock, LockError> {
        let lock_path = lock_path(draft);
        let k = key(&lock_path);
        let io_err = |source| LockError::Io { path: draft.to_path_buf(), source };
        if held_here(draft) {
            return Err(LockError::Held { path: draft.to_path_buf(), holder: read_holder(&lock_path) });
        }
        let me = Holder::me();
        let mut last = None;
        for attempt in 0..20u64 {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(5 * attempt));
            }
            let mut file = match OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&lock_path)
            {
                Ok(f) => f,
                // Windows: a lock file being deleted by its last holder cannot be opened.
                Err(e) if e.kind() == io::ErrorKind::PermissionDenied && attempt < 5 => {
                    last = Some(e);
                    continue;
                }
                Err(e) => return Err(io_err(e)),
            };
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => match read_holder(&lock_path) {
                    // Details not written yet, or our own from a race we lost: look again.
                    Some(h) if h.nonce == me.nonce => continue,
                    None if attempt < 3 => continue,
                    holder => return Err(LockError::Held { path: draft.to_path_buf(), holder }),
                },
                Err(TryLockError::Error(e)) => return Err(io_err(e)),
            }
            // The file may have been removed by the previous holder just before it was locked.
            if !same_file::Handle::from_file(file.try_clone().map_err(io_err)?)
                .ok()
                .zip(same_file::Handle::from_path(&lock_path).ok())
                .is_some_and(|(a, b)| a == b)
            {
                continue;
            }
            if let Err(e) = write_holder(&mut file, &me) {
                // A full disk: leave no empty lock file behind.
                let _ = std::fs::remove_file(&lock_path);
                return Err(io_err(e));
            }
            file.unlock().map_err(io_err)?;
            match file.try_lock_shared() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => continue,
                Err(TryLockError::Error(e)) => return Err(io_err(e)),
            }
            match read_holder(&lock_path) {
                Some(h) if h.nonce == me.nonce => {}
                holder => return Err(LockError::Held { path: draft.to_path_buf(), holder }),
            }
            if let Ok(mut held) = HELD.lock() {
                held.get_or_insert_with(HashSet::new).insert(k);
            }
            return Ok(DraftLock { file, lock_path, draft: draft.to_path_buf(), holder: me });
        }
        Err(match last {
            Some(e) => io_err(e),
            None => LockError::Held { path: draft.to_path_buf(), holder: read_holder(&lock_path) },
        })
    }

    /// The draft this lock is for.
    pub fn draft_path(&self) -> &Path {
        &self.draft
    }

    /// The lock file beside the draft.
    pub fn lock_file(&self) -> &Path {
        &self.lock_path
    }

    /// This process's details as written in the lock file.
    pub fn holder(&self) -> &Holder {
        &self.holder
    }
}

impl Drop for DraftLock {
    fn drop(&mut self) {
        // Removed while still locked, so nobody takes over a file that is about to vanish
        // (and whoever opened it just before sees, after locking, that it is gone).
        let _ = std::fs::remove_file(&self.lock_path);
        let _ = self.file.unlock();
        if let Ok(mut held) = HELD.lock()
            && let Some(set) = held.as_mut()
        {
            set.remove(&key(&self.lock_path));
        }
    }
}

fn write_holder(file: &mut File, h: &Holder) -> io::Result<()> {
    let text = ron::ser::to_string(h).map_err(io::Error::other)?;
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

/// The holder's details, if the lock file can be read and makes sense.
pub fn read_holder(lock_path: &Path) -> Option<Holder> {
    let mut f = File::open(lock_path).ok()?;
    let mut buf = Vec::new();
    (&mut f).take(4096).read_to_end(&mut buf).ok()?;
    let text = String::from_utf8(buf).ok()?;
    ron::Options::default().with_recursion_limit(4).from_str(text.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_open_of_the_same_draft_is_told_who_has_it() {
        let dir = tempfile::tempdir().unwrap();
        let draft = dir.path().join("年报.ron");
        let first = DraftLock::acquire(&draft).unwrap();
        assert!(held_here(&draft));
        assert!(first.lock_file().exists());
        let err = DraftLock::acquire(&draft).unwrap_err();
        let LockError::Held { holder: Some(h), .. } = &err else { panic!("{err}") };
        assert_eq!(h.pid, std::process::id());
        assert_eq!(h.user, user_name());
        assert!(err.to_string().contains("正被另一个窗口或程序使用"), "{err}");
        drop(first);
        assert!(!held_here(&draft));
        assert!(!lock_path(&draft).exists(), "the lock file goes with the lock");
        let again = DraftLock::acquire(&draft).unwrap();
        drop(again);
    }

    #[test]
    fn a_lock_file_left_by_a_crash_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let draft = dir.path().join("年报.ron");
        std::fs::write(lock_path(&draft), "(user:\"ghost\",host:\"x\",pid:1,since:0)").unwrap();
        let lock = DraftLock::acquire(&draft).unwrap();
        assert_eq!(read_holder(lock.lock_file()).unwrap().pid, std::process::id());
    }

    #[test]
    fn a_long_name_gets_a_short_lock_name() {
        let dir = tempfile::tempdir().unwrap();
        let draft = dir.path().join(format!("{}.ron", "年".repeat(82)));
        assert_eq!(draft.file_name().unwrap().len(), 250);
        let lock = DraftLock::acquire(&draft).unwrap();
        assert!(lock.lock_file().file_name().unwrap().len() < 40);
    }
}
