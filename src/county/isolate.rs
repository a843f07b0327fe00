//! Each file of a county check read in a reader process of its own: the same program, started
//! as `nianbao __county-read …`, under a memory limit (Unix) and a time limit. The readers are
//! bounded ([`crate::import::limits`]); this is the second wall, for what no bound foresaw — a
//! library that aborts, overflows its stack or allocates without end on some file. Such a file
//! then costs itself alone: it is listed as unreadable with the reason, the rest are checked and
//! the summary is written. A check of 200 drafts and one hostile PDF once printed nothing for
//! 49 s, aborted and wrote no summary.
//!
//! Worth the cost: starting a reader takes a few milliseconds against the tens a published
//! report takes to read, and the files are read on every core as before. Only the program
//! itself starts readers (a test or benchmark binary linking the library reads in process), and
//! a reader that cannot be started leaves the file to be read in process.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{CheckOptions, Entry, Outcome};
use crate::model::Date;

/// The hidden command a reader process runs.
pub const READ_COMMAND: &str = "__county-read";
/// The address space a reader process may use (Unix): far above what any bounded reader needs
/// (a few hundred MB at most, measured), far below what would starve the machine.
pub const MEMORY_LIMIT: u64 = 1 << 30;
/// How long a reader may take before it is stopped (reading a report takes well under a second;
/// a slow office PC or a full disk cache may take ten times that).
pub const TIME_LIMIT: Duration = Duration::from_secs(20);
/// The most a reader's answer may be (one file's findings, as JSON).
const MAX_ANSWER: u64 = 16 << 20;

/// Where files are read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Isolation {
    /// In this process (tests, benchmarks, a program that cannot start itself).
    #[default]
    InProcess,
    /// Each in a reader process started from this program file.
    Process(PathBuf),
}

impl Isolation {
    /// Reader processes when this process is the program itself (`nianbao`, `nianbao.exe`),
    /// else in process: a test binary started with the reader's arguments would run its tests.
    pub fn detect() -> Isolation {
        match std::env::current_exe() {
            Ok(exe) if exe.file_stem().and_then(|s| s.to_str()).is_some_and(|s| s == "nianbao") => {
                Isolation::Process(exe)
            }
            _ => Isolation::InProcess,
        }
    }
}

/// The reader's arguments: the file, then format, year, unit, today and an extra templates
/// folder, each `-` when not given (an internal protocol: positions, not options).
fn arguments(path: &Path, opts: &CheckOptions) -> Vec<OsString> {
    let or_dash = |v: Option<String>| OsString::from(v.unwrap_or_else(|| "-".into()));
    vec![
        READ_COMMAND.into(),
        path.as_os_str().to_owned(),
        or_dash(opts.import.format.clone()),
        or_dash(opts.import.year.map(|y| y.to_string())),
        or_dash(opts.import.unit.clone()),
        or_dash(opts.today.map(|d| format!("{}-{}-{}", d.year, d.month, d.day))),
        opts.templates.as_ref().map_or_else(|| OsString::from("-"), |t| t.as_os_str().to_owned()),
    ]
}

/// Reads and checks one file in a reader process; stops it when `cancel` is set.
pub(super) fn check_file_isolated(exe: &Path, path: &Path, opts: &CheckOptions, cancel: &AtomicBool) -> Entry {
    let unreadable = |reason: String| Entry { path: path.to_path_buf(), outcome: Outcome::Unreadable(reason) };
    let mut child = match Command::new(exe)
        .args(&arguments(path, opts)[..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        // No reader process (no processes left, the program file moved): read it here.
        Err(_) => return super::check_file(path, opts),
    };
    // The answer is read while the reader works (a long answer would fill the pipe and wait).
    let stdout = child.stdout.take();
    let collector = std::thread::Builder::new().spawn(move || {
        let mut answer = Vec::new();
        if let Some(out) = stdout {
            let _ = out.take(MAX_ANSWER).read_to_end(&mut answer);
        }
        answer
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() < time_limit() && !cancel.load(Ordering::Relaxed) => {
                std::thread::sleep(Duration::from_millis(5));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let answer = collector.ok().and_then(|c| c.join().ok()).unwrap_or_default();
    match status {
        None if cancel.load(Ordering::Relaxed) => unreadable("检查已停止，未读完此文件".into()),
        None => unreadable(format!(
            "读取超过{}秒仍未完成，已停止并跳过此文件（文件可能过于复杂或已损坏）",
            time_limit().as_secs()
        )),
        Some(s) if s.success() => match serde_json::from_slice::<Outcome>(&answer) {
            Ok(outcome) => Entry { path: path.to_path_buf(), outcome },
            Err(_) => unreadable("读取此文件的程序没有给出结果，已跳过此文件".into()),
        },
        Some(s) => unreadable(format!(
            "读取此文件时程序异常退出{}，已跳过此文件（可能是文件过于复杂：读取一份文件最多可用{}MB内存）",
            exit_detail(&s),
            MEMORY_LIMIT >> 20
        )),
    }
}

/// `（信号6）`, `（退出码3）`: how the reader ended, for the staffer to pass on.
fn exit_detail(s: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = s.signal() {
            return format!("（信号{sig}）");
        }
    }
    s.code().map(|c| format!("（退出码{c}）")).unwrap_or_default()
}

/// Why the reader's arguments were refused (never seen by a user: only this program starts a
/// reader).
#[derive(Debug, thiserror::Error)]
#[error("读取进程的参数有误：{0}")]
pub struct BadArguments(String);

/// The reader's side: its own memory limited, one file read and checked, the outcome as JSON
/// (the only thing it writes to its output).
pub fn serve(args: &[&std::ffi::OsStr]) -> Result<String, BadArguments> {
    let [path, format, year, unit, today, templates] = args else {
        return Err(BadArguments(format!("应为6个，实际{}个", args.len())));
    };
    let given = |v: &std::ffi::OsStr| (v != "-").then(|| v.to_string_lossy().into_owned());
    let mut opts = CheckOptions { isolation: Isolation::InProcess, ..CheckOptions::default() };
    opts.import.format = given(format);
    opts.import.year = given(year).map(|y| y.parse().map_err(|_| BadArguments(format!("年度“{y}”")))).transpose()?;
    opts.import.unit = given(unit);
    opts.today = given(today).map(|d| Date::parse(&d).ok_or(BadArguments(format!("日期“{d}”")))).transpose()?;
    opts.templates = (*templates != "-").then(|| PathBuf::from(templates));
    // The same templates as the checking process: the settings folder's and the one named.
    let _ = crate::workflow::load_user_templates(opts.templates.as_deref());
    limit_memory(MEMORY_LIMIT);
    #[cfg(debug_assertions)]
    debug_failure(Path::new(path));
    let entry = super::check_file(Path::new(path), &opts);
    serde_json::to_string(&entry.outcome).map_err(|e| BadArguments(e.to_string()))
}

/// Hidden triggers for the tests (debug builds only): a reader of a file whose name holds
/// `NIANBAO_DEBUG_READER_FAILS`'s value fails as a reader with a bug might — it aborts
/// (`…abort…`), allocates without end (`…allocate…`) or never ends (`…hang…`).
#[cfg(debug_assertions)]
fn debug_failure(path: &Path) {
    let Some(marker) = std::env::var_os("NIANBAO_DEBUG_READER_FAILS") else { return };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if !name.contains(&*marker.to_string_lossy()) {
        return;
    }
    if name.contains("abort") {
        std::process::abort();
    }
    if name.contains("allocate") {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(vec![1u8; 64 << 20]);
        }
    }
    if name.contains("hang") {
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
}

/// How long a reader may take: [`TIME_LIMIT`], or in debug builds the seconds in
/// `NIANBAO_DEBUG_READER_SECONDS` (for the test of a reader that never ends).
fn time_limit() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(s) = std::env::var("NIANBAO_DEBUG_READER_SECONDS").ok().and_then(|s| s.parse().ok()) {
        return Duration::from_secs(s);
    }
    TIME_LIMIT
}

/// Caps this process's address space, so that a reader that would allocate without end fails
/// its allocation (and ends) instead of taking the machine's memory.
#[cfg(unix)]
fn limit_memory(bytes: u64) {
    let limit = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: bytes as libc::rlim_t };
    // SAFETY: setrlimit reads the struct passed by reference and changes only this process's
    // limit; a failure (a lower limit already set) leaves that limit, which is fine.
    unsafe {
        libc::setrlimit(libc::RLIMIT_AS, &limit);
    }
}

/// Windows has no per-process limit without a job object; the time limit still holds there.
#[cfg(not(unix))]
fn limit_memory(_bytes: u64) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_protocol_carries_every_option() {
        let opts = CheckOptions {
            import: crate::store::csv::ImportOptions {
                format: Some("gb2021".into()),
                year: Some(2025),
                unit: Some("某局".into()),
            },
            today: Date::new(2026, 1, 19),
            templates: Some(PathBuf::from("模板")),
            isolation: Isolation::InProcess,
        };
        let args = arguments(Path::new("a b.pdf"), &opts);
        let texts: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(texts, [READ_COMMAND, "a b.pdf", "gb2021", "2025", "某局", "2026-1-19", "模板"]);
        let none =
            arguments(Path::new("x.ron"), &CheckOptions { isolation: Isolation::InProcess, ..Default::default() });
        assert_eq!(none[2..5], [OsString::from("-"), OsString::from("-"), OsString::from("-")]);
    }

    #[test]
    fn a_test_binary_reads_in_process() {
        assert_eq!(Isolation::detect(), Isolation::InProcess);
    }
}
