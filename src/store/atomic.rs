//! Atomic file replacement: the file on disk is always the complete old or the complete new
//! version, whatever happens in between (crash, power loss, full disk, a program holding the
//! file on Windows).
//!
//! The order of a save is what makes a failure harmless: the new content is written and synced
//! to a temporary file first; only when that has succeeded are the backups rotated; the rename
//! over the draft comes last. A full disk therefore fails before anything was moved, and a retry
//! never rotates a backup that is already the current version.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// How many earlier versions are kept: `NAME.bak` (newest), `NAME.bak2` … `NAME.bak5`.
pub const BACKUPS: usize = 5;

/// Temporary files older than this are left by a crash (a save never takes this long).
const STALE_SECS: u64 = 60;

/// What a save was doing when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Writing or syncing the temporary file with the new content.
    Temp,
    /// Keeping the previous version as `NAME.bak` (and rotating the older ones).
    Backup,
    /// Renaming the temporary file over the target.
    Replace,
    /// Looking at the target before writing.
    Inspect,
}

impl Step {
    fn label(self) -> &'static str {
        match self {
            Step::Temp => "写入临时文件时",
            Step::Backup => "保留备份时",
            Step::Replace => "替换原文件时",
            Step::Inspect => "检查原文件时",
        }
    }
}

/// Why a file was not written. Where it says so, the target is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Nothing was replaced: the target is still the old version.
    #[error("{}{}", .step.label(), describe_io(.source))]
    Io { step: Step, source: io::Error },
    /// A read-only file is the user's way of saying "do not change this".
    #[error("文件是只读的，为免覆盖未保存（如确需保存，请先去掉只读属性，或另存为其他文件）")]
    ReadOnly,
    #[error("这不是普通文件（{0}），不能保存到这里")]
    NotRegular(&'static str),
    #[error("符号链接层数过多或形成循环")]
    LinkLoop,
    /// The new version is in place but the folder could not be synced: after a power cut the
    /// old version may come back.
    #[error("文件已写入，但无法确认已写到磁盘上（{}）", describe_io(.0))]
    SyncDir(io::Error),
}

impl WriteError {
    fn io(step: Step) -> impl FnOnce(io::Error) -> WriteError {
        move |source| WriteError::Io { step, source }
    }

    /// The closest I/O kind, for callers that only speak `io::Error`.
    pub fn kind(&self) -> io::ErrorKind {
        match self {
            WriteError::Io { source, .. } | WriteError::SyncDir(source) => source.kind(),
            WriteError::ReadOnly => io::ErrorKind::PermissionDenied,
            WriteError::NotRegular(_) => io::ErrorKind::InvalidInput,
            WriteError::LinkLoop => io::ErrorKind::InvalidFilename,
        }
    }
}

impl From<WriteError> for io::Error {
    fn from(e: WriteError) -> io::Error {
        io::Error::new(e.kind(), e)
    }
}

/// How a file is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Keep the previous version as `NAME.bak`, rotating up to [`BACKUPS`].
    pub backups: bool,
    /// Permissions of a file that did not exist yet (Unix mode, e.g. `0o600` for private
    /// copies); `None` follows the umask. An existing file always keeps its own.
    pub new_file_mode: Option<u32>,
}

/// Writes `bytes` to a temporary file, flushes it to disk, then renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_file(path, bytes, WriteOptions::default()).map(drop).map_err(io::Error::from)
}

/// Like [`write_atomic`], keeping the current file (if any, and if different) as `NAME.bak`
/// and the older backups as `NAME.bak2` … `NAME.bak5`.
pub fn write_with_backup(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_file(path, bytes, WriteOptions { backups: true, new_file_mode: None }).map(drop).map_err(io::Error::from)
}

/// The general form: follows symbolic links (the link's target is what gets saved, the link
/// stays), keeps the target's permissions, refuses read-only files and anything that is not a
/// regular file, syncs the file and its folder and reports every failure. Returns the path that
/// was really written.
pub fn write_file(path: &Path, bytes: &[u8], opts: WriteOptions) -> Result<PathBuf, WriteError> {
    let target = resolve_links(path)?;
    let existing = match fs::symlink_metadata(&target) {
        Ok(meta) => {
            if let Some(kind) = super::file_kind::kind_name(&meta) {
                return Err(WriteError::NotRegular(kind));
            }
            if meta.permissions().readonly() {
                return Err(WriteError::ReadOnly);
            }
            Some(meta)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(WriteError::Io { step: Step::Inspect, source: e }),
    };
    remove_stale_temps(&target);

    let tmp = temp_path(&target);
    let mut cleanup = Cleanup(vec![tmp.clone()]);
    write_temp(&tmp, bytes, existing.as_ref(), opts.new_file_mode).map_err(WriteError::io(Step::Temp))?;

    if opts.backups && existing.is_some() && !file_equals(&target, bytes).map_err(WriteError::io(Step::Backup))? {
        keep_backup(&target, &mut cleanup).map_err(WriteError::io(Step::Backup))?;
    }
    fs::rename(&tmp, &target).map_err(WriteError::io(Step::Replace))?;
    cleanup.0.clear();
    sync_dir(&target).map_err(WriteError::SyncDir)?;
    Ok(target)
}

/// Removes the temporary files of a failed save.
struct Cleanup(Vec<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = fs::remove_file(p);
        }
    }
}

fn write_temp(tmp: &Path, bytes: &[u8], existing: Option<&fs::Metadata>, new_mode: Option<u32>) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(tmp)?;
    f.write_all(bytes)?;
    match existing {
        Some(meta) => keep_owner_and_mode(&f, meta)?,
        None => {
            #[cfg(unix)]
            if let Some(mode) = new_mode {
                use std::os::unix::fs::PermissionsExt;
                f.set_permissions(fs::Permissions::from_mode(mode))?;
            }
            #[cfg(not(unix))]
            let _ = new_mode;
        }
    }
    f.sync_all()
}

/// The new file gets the old one's permissions (a private 0600 draft stays private) and, when
/// the program may (run by an administrator), its owner.
fn keep_owner_and_mode(f: &File, meta: &fs::Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mine = f.metadata()?;
        if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid()) {
            // Only root may give a file away; for anyone else the owner is already right.
            let _ = std::os::unix::fs::fchown(f, Some(meta.uid()), Some(meta.gid()));
        }
    }
    f.set_permissions(meta.permissions())
}

/// Makes `NAME.bak` the current version of `target`, pushing the older backups down — unless
/// the newest backup already is that version (a retry after a failed save, which must not
/// rotate the older versions away).
fn keep_backup(target: &Path, cleanup: &mut Cleanup) -> io::Result<()> {
    let newest = backup_path(target);
    if newest.is_file() && files_equal(&newest, target)? {
        return Ok(());
    }
    // The copy is made before anything moves: a hard link costs no space; where the file system
    // has none (FAT on a USB stick), a synced copy.
    let staged = temp_path(target);
    cleanup.0.push(staged.clone());
    if fs::hard_link(target, &staged).is_err() {
        let _ = fs::remove_file(&staged);
        fs::copy(target, &staged)?;
        File::open(&staged)?.sync_all()?;
    }
    for n in (1..BACKUPS).rev() {
        let from = nth_backup_path(target, n);
        if from.is_file() {
            fs::rename(&from, nth_backup_path(target, n + 1))?;
        }
    }
    fs::rename(&staged, &newest)
}

/// Whether the file's content is exactly `bytes` (read no further than needed).
fn file_equals(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let f = File::open(path)?;
    if f.metadata()?.len() != bytes.len() as u64 {
        return Ok(false);
    }
    let mut buf = Vec::with_capacity(bytes.len() + 1);
    f.take(bytes.len() as u64 + 1).read_to_end(&mut buf)?;
    Ok(buf == bytes)
}

fn files_equal(a: &Path, b: &Path) -> io::Result<bool> {
    let (mut fa, mut fb) = (File::open(a)?, File::open(b)?);
    if fa.metadata()?.len() != fb.metadata()?.len() {
        return Ok(false);
    }
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = read_full(&mut fa, &mut ba)?;
        let m = read_full(&mut fb, &mut bb)?;
        if n != m || ba[..n] != bb[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

fn read_full(f: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Follows symbolic links to the file they name, so that a save replaces the target's content
/// and keeps the link (a link to a draft on a shared drive is common).
pub fn resolve_links(path: &Path) -> Result<PathBuf, WriteError> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&p).map_err(WriteError::io(Step::Inspect))?;
                p = if link.is_absolute() { link } else { parent_dir(&p).join(link) };
            }
            _ => return Ok(p),
        }
    }
    Err(WriteError::LinkLoop)
}

/// The folder of a path; `.` for a bare file name (`年报.ron`).
pub fn parent_dir(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// A short fingerprint of a file name, so temporary and lock names stay short whatever the
/// name (a 247-byte name plus a suffix would pass the 255-byte limit of most file systems).
pub(crate) fn name_tag(path: &Path) -> String {
    let name = path.file_name().unwrap_or(path.as_os_str());
    format!("{:016x}", super::bytes_hash(name.as_encoded_bytes()))
}

/// A temporary name in the same folder (so the rename stays on one file system).
fn temp_path(path: &Path) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    parent_dir(path).join(format!(".~nb-{}-{}-{n}.tmp", name_tag(path), std::process::id()))
}

/// `report.ron` → `report.ron.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    nth_backup_path(path, 1)
}

/// The n-th newest backup: 1 → `NAME.bak`, 2 → `NAME.bak2` ….
pub fn nth_backup_path(path: &Path, n: usize) -> PathBuf {
    let mut s: OsString = path.as_os_str().to_owned();
    if n <= 1 {
        s.push(".bak");
    } else {
        s.push(format!(".bak{n}"));
    }
    PathBuf::from(s)
}

/// The backups that exist, newest first (beside the link's target for a linked draft).
pub fn backups(path: &Path) -> Vec<PathBuf> {
    let target = resolve_links(path).unwrap_or_else(|_| path.to_path_buf());
    (1..=BACKUPS).map(|n| nth_backup_path(&target, n)).filter(|p| p.is_file()).collect()
}

/// Temporary files of this target left behind by a crash (older than a minute, so a save in
/// progress elsewhere is never touched). Also the names earlier versions used.
pub fn remove_stale_temps(path: &Path) {
    let dir = parent_dir(path);
    let prefix = format!(".~nb-{}-", name_tag(path));
    let legacy = path.file_name().map(|n| {
        let mut s = OsString::from(".");
        s.push(n);
        s.push(".");
        s
    });
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let file = e.file_name();
        let bytes = file.as_encoded_bytes();
        let ours = bytes.starts_with(prefix.as_bytes())
            || legacy.as_ref().is_some_and(|l| bytes.starts_with(l.as_encoded_bytes()));
        if !ours || !bytes.ends_with(b".tmp") {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > STALE_SECS);
        if old {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Makes the rename durable (POSIX needs the folder synced; Windows has no such call and
/// flushes the rename with the file). File systems that cannot sync a folder say so with
/// `EINVAL`, which is not a failure of this save.
fn sync_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = File::open(parent_dir(path))?;
        match dir.sync_all() {
            Err(e) if matches!(e.kind(), io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported) => Ok(()),
            other => other,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// The Chinese reason for an I/O kind (no technical detail).
pub fn io_reason(kind: io::ErrorKind) -> &'static str {
    use io::ErrorKind as K;
    match kind {
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有权限（文件或文件夹可能是只读的，或被其他程序占用）",
        K::AlreadyExists => "文件已存在",
        K::WouldBlock | K::ResourceBusy => "文件正被其他程序占用，请关闭它后再试",
        K::ExecutableFileBusy => "文件正在被运行，无法改写",
        K::Deadlock => "文件被锁住，请稍后再试",
        K::NotADirectory => "路径中有一部分不是文件夹",
        K::IsADirectory => "这是一个文件夹，不是文件",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::ReadOnlyFilesystem => "磁盘或文件夹是只读的",
        K::StorageFull => "磁盘空间不足",
        K::QuotaExceeded => "超出了磁盘配额（可用空间已用完）",
        K::FileTooLarge => "文件超出了磁盘允许的大小",
        K::InvalidFilename => "文件名无效或太长",
        K::TooManyLinks => "链接过多",
        K::CrossesDevices => "不能跨磁盘移动文件",
        K::StaleNetworkFileHandle => "网络共享上的文件已失效，请重新打开",
        K::NotSeekable => "无法在这个文件中定位（它可能是管道或设备）",
        K::InvalidInput => "参数或路径无效",
        K::InvalidData => "文件内容无效",
        K::UnexpectedEof => "文件意外结束（可能被截断）",
        K::WriteZero => "无法写入（写入了0字节）",
        K::TimedOut => "操作超时（网络共享可能断开了）",
        K::Interrupted => "操作被中断，请重试",
        K::Unsupported => "这个系统或磁盘不支持该操作",
        K::OutOfMemory => "内存不足",
        K::BrokenPipe => "输出已被关闭",
        K::ArgumentListTooLong => "参数过长",
        K::ConnectionRefused
        | K::ConnectionReset
        | K::ConnectionAborted
        | K::NotConnected
        | K::HostUnreachable
        | K::NetworkUnreachable
        | K::NetworkDown
        | K::AddrInUse
        | K::AddrNotAvailable => "网络连接出错（文件可能在网络共享上）",
        _ => "读写出错",
    }
}

/// One clear Chinese sentence for an I/O error; the system's own text follows as a detail when
/// it says more than the kind.
pub fn describe_io(e: &io::Error) -> String {
    if let Some(w) = e.get_ref().and_then(|inner| inner.downcast_ref::<WriteError>()) {
        return w.to_string();
    }
    let reason = match e.raw_os_error() {
        #[cfg(unix)]
        Some(5) => "读写出错（磁盘、U盘或网络共享可能有故障）",
        #[cfg(target_os = "linux")]
        Some(40) => "符号链接层数过多或形成循环",
        #[cfg(windows)]
        Some(32) | Some(33) => "文件正被其他程序占用（例如正在用WPS或Word打开），请关闭它后再试",
        _ => io_reason(e.kind()),
    };
    if e.raw_os_error().is_some() || e.get_ref().is_some() {
        format!("{reason}（系统信息：{e}）")
    } else {
        reason.to_string()
    }
}
