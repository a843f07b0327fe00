//! Atomic file replacement: the file on disk is always the complete old or the complete new
//! version, whatever happens in between (crash, power loss, full disk).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary name in the same folder (so the rename stays on one file system).
fn temp_path(path: &Path) -> PathBuf {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "draft".into());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// Writes `bytes` to a temporary file, flushes it to disk, then renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(path);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// How many earlier versions are kept: `NAME.bak` (newest), `NAME.bak2` … `NAME.bak5`.
pub const BACKUPS: usize = 5;

/// Like [`write_atomic`], first rotating the backups and keeping the current file (if any) as
/// `NAME.bak`. Every step is a rename or an atomic write, so a crash at any point leaves the
/// draft itself complete (old or new) and the backups at worst one generation short.
pub fn write_with_backup(path: &Path, bytes: &[u8]) -> io::Result<()> {
    remove_stale_temps(path);
    if path.is_file() {
        let previous = fs::read(path)?;
        if previous != bytes {
            rotate_backups(path)?;
            write_atomic(&backup_path(path), &previous)?;
        }
    }
    write_atomic(path, bytes)
}

/// `report.ron` → `report.ron.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    nth_backup_path(path, 1)
}

/// The n-th newest backup: 1 → `NAME.bak`, 2 → `NAME.bak2` ….
pub fn nth_backup_path(path: &Path, n: usize) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    if n <= 1 {
        s.push(".bak");
    } else {
        s.push(format!(".bak{n}"));
    }
    PathBuf::from(s)
}

/// The backups that exist, newest first.
pub fn backups(path: &Path) -> Vec<PathBuf> {
    (1..=BACKUPS).map(|n| nth_backup_path(path, n)).filter(|p| p.is_file()).collect()
}

fn rotate_backups(path: &Path) -> io::Result<()> {
    for n in (1..BACKUPS).rev() {
        let from = nth_backup_path(path, n);
        if from.is_file() {
            fs::rename(&from, nth_backup_path(path, n + 1))?;
        }
    }
    Ok(())
}

/// Temporary files of this target left behind by a crash (older than a minute, so a save in
/// progress elsewhere is never touched).
fn remove_stale_temps(path: &Path) {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else { return };
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 60);
        if file.starts_with(&prefix) && file.ends_with(".tmp") && old {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Makes the rename durable (POSIX needs the directory synced; Windows does not allow it).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// One clear Chinese sentence for an I/O error.
pub fn describe_io(e: &io::Error) -> String {
    use io::ErrorKind as K;
    match e.kind() {
        K::PermissionDenied => "没有写入权限（文件夹可能是只读的，或文件被其他程序占用）".into(),
        K::StorageFull => "磁盘空间不足".into(),
        K::ReadOnlyFilesystem => "磁盘或文件夹是只读的".into(),
        K::NotFound => "文件夹不存在".into(),
        K::IsADirectory => "这是一个文件夹，不是文件".into(),
        K::InvalidFilename => "文件名无效".into(),
        _ => format!("{e}"),
    }
}
