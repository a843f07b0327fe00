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

/// Like [`write_atomic`], first keeping the current file (if any) as `NAME.bak`.
pub fn write_with_backup(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if path.is_file() {
        let previous = fs::read(path)?;
        if previous != bytes {
            write_atomic(&backup_path(path), &previous)?;
        }
    }
    write_atomic(path, bytes)
}

/// `report.ron` → `report.ron.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".bak");
    PathBuf::from(s)
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
