//! When the program crashes (a panic — a bug), the staffer's work is kept and the crash is said:
//! the panic hook writes the open report as a recovery copy (the same copy autosave writes, so
//! the next start offers it), a crash report (time, version, message, place, backtrace) in the
//! data folder, and a marker that the next start turns into a message in Chinese.
//!
//! The hook cannot reach the window's state, so the window hands over a snapshot of the open
//! report whenever it changes ([`remember`]); the hook only reads it, with `try_lock` (a panic
//! while the snapshot is being replaced must not deadlock the hook).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::model::Report;
use crate::store::recovery::{RecoveryStore, format_time, now_secs};

/// What the hook writes as a recovery copy.
struct Snapshot {
    recovery_dir: PathBuf,
    key: String,
    original: Option<PathBuf>,
    report: Report,
}

static SNAPSHOT: Mutex<Option<Snapshot>> = Mutex::new(None);
static CRASH_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The marker the next start reads: where the report is and whether work was recovered.
const MARKER: &str = "上次崩溃.txt";

/// The crash folder of the platform's data folder (`~/.local/share/nianbao/crash`,
/// `%APPDATA%\nianbao\nianbao\data\crash`).
pub fn default_dir() -> Option<PathBuf> {
    crate::store::settings::project_dirs().map(|d| d.data_dir().join("crash"))
}

/// Installs the hook (once per process; the previous hook still prints the panic to stderr).
pub fn install(dir: Option<PathBuf>) {
    if let Ok(mut d) = CRASH_DIR.lock() {
        *d = dir;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        let message = panic_message(info);
        let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let recovered = write_recovery();
        let dir = CRASH_DIR.try_lock().ok().and_then(|d| d.clone());
        match dir.map(|d| write_report(&d, &message, &place, recovered)) {
            Some(Ok(path)) => {
                eprintln!("程序意外出错，崩溃报告已保存在：{}", path.display());
                if recovered {
                    eprintln!("未保存的修改已保存为恢复副本，下次启动时可以恢复。");
                }
            }
            Some(Err(e)) => eprintln!("程序意外出错；崩溃报告无法保存：{e}"),
            None => eprintln!("程序意外出错（没有可写的数据文件夹，未保存崩溃报告）"),
        }
    }));
}

fn panic_message(info: &std::panic::PanicHookInfo<'_>) -> String {
    if let Some(s) = info.payload().downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = info.payload().downcast_ref::<String>() {
        s.clone()
    } else {
        "（无文字说明）".to_string()
    }
}

/// Hands the open report to the hook (call when it changes); `None` when nothing is open or
/// everything is saved.
pub fn remember(recovery_dir: Option<&Path>, key: &str, original: Option<&Path>, report: Option<&Report>) {
    let snapshot = match (recovery_dir, report) {
        (Some(dir), Some(r)) => Some(Snapshot {
            recovery_dir: dir.to_path_buf(),
            key: key.to_string(),
            original: original.map(Path::to_path_buf),
            report: r.clone(),
        }),
        _ => None,
    };
    if let Ok(mut s) = SNAPSHOT.lock() {
        *s = snapshot;
    }
}

fn write_recovery() -> bool {
    let Ok(guard) = SNAPSHOT.try_lock() else { return false };
    let Some(s) = guard.as_ref() else { return false };
    RecoveryStore::new(s.recovery_dir.clone()).write(&s.key, s.original.as_deref(), &s.report).is_ok()
}

fn write_report(dir: &Path, message: &str, place: &str, recovered: bool) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let secs = now_secs();
    let when = format_time(secs);
    let path = dir.join(format!("崩溃报告-{secs}.txt"));
    let backtrace = std::backtrace::Backtrace::force_capture();
    let thread = std::thread::current().name().unwrap_or("（未命名）").to_string();
    let mut f = std::fs::File::create(&path)?;
    writeln!(f, "年报 nianbao 崩溃报告")?;
    writeln!(f, "时间：{when}")?;
    writeln!(f, "版本：{}", env!("CARGO_PKG_VERSION"))?;
    writeln!(f, "系统：{} {}", std::env::consts::OS, std::env::consts::ARCH)?;
    writeln!(f, "线程：{thread}")?;
    writeln!(f, "位置：{place}")?;
    writeln!(f, "错误：{message}")?;
    writeln!(f, "未保存的修改：{}", if recovered { "已保存为恢复副本" } else { "无（或无法保存）" })?;
    writeln!(f, "\n调用栈：\n{backtrace}")?;
    f.sync_all()?;
    // The marker: the report's path on the first line, whether work was recovered on the second.
    std::fs::write(dir.join(MARKER), format!("{}\n{}\n{when}\n", path.display(), recovered))?;
    Ok(path)
}

/// What the next start tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastCrash {
    pub report: PathBuf,
    pub recovered: bool,
    pub when: String,
}

impl LastCrash {
    /// The message the window shows.
    pub fn message(&self) -> String {
        let work = if self.recovered {
            "未保存的修改已经保存为恢复副本，接下来可以恢复。"
        } else {
            "崩溃时没有未保存的修改。"
        };
        format!(
            "上次运行于{}意外结束。{work}崩溃报告保存在：{}（反馈问题时请附上这个文件）。",
            self.when,
            self.report.display()
        )
    }
}

/// The crash of the last session, if it ended in one; read once (the marker is removed).
pub fn take_last_crash(dir: &Path) -> Option<LastCrash> {
    let marker = dir.join(MARKER);
    let text = crate::store::read_limited(&marker, 64 * 1024).ok()?;
    let _ = std::fs::remove_file(&marker);
    let text = String::from_utf8_lossy(&text);
    let mut lines = text.lines();
    let report = PathBuf::from(lines.next()?.trim());
    let recovered = lines.next().is_some_and(|l| l.trim() == "true");
    let when = lines.next().unwrap_or("").trim().to_string();
    Some(LastCrash { report, recovered, when })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_marker_is_read_once_and_says_where_the_report_is() {
        let dir = tempfile::tempdir().unwrap();
        let report = write_report(dir.path(), "测试", "src/x.rs:1", true).unwrap();
        let text = std::fs::read_to_string(&report).unwrap();
        assert!(text.contains("错误：测试") && text.contains("调用栈：") && text.contains(env!("CARGO_PKG_VERSION")));
        let crash = take_last_crash(dir.path()).expect("the marker");
        assert_eq!(crash.report, report);
        assert!(crash.recovered);
        assert!(crash.message().contains("未保存的修改已经保存为恢复副本"), "{}", crash.message());
        assert!(take_last_crash(dir.path()).is_none(), "said once");
    }
}
