//! Work on an untrusted file done in a process of its own — the same program started again with
//! a hidden command — under a memory limit (Unix), a CPU limit (Unix) and a time limit.
//!
//! The readers of published documents are bounded ([`crate::import::limits`]), but they stand
//! on libraries — lopdf, html5ever, zip — whose own work is not: lopdf loads every object of a
//! PDF before anything can be counted, and a 4 MB PDF whose cross-reference table lists one
//! object 200,000 times makes it allocate 4 GB and abort. In a process of its own such a file
//! ends that process only; the user reads a Chinese sentence saying so, and a county check goes
//! on with the other files (a check of 200 drafts and one hostile PDF once printed nothing for
//! 49 s, aborted and wrote no summary). Starting a reader costs a few milliseconds; the
//! program's own readers of drafts and CSVs, bounded and hostile-tested, read in process.
//!
//! Only the program itself starts such processes ([`reader_program`]): a test or benchmark
//! binary that links the library reads in process (started with a reader's arguments it would
//! run its tests), as does a reader process itself.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The address space a reader process may use (Unix): the aim for any document is 500 MB, and
/// a bounded reader needs far less (a 40 MB PDF: 88 MB; every hostile file: under 100 MB).
pub const MEMORY_LIMIT: u64 = 512 << 20;
/// CPU seconds a reader may use (Unix), and how long it may take at all: reading a report takes
/// well under a second; a slow office PC may take ten times that.
pub const CPU_LIMIT: u64 = 10;
pub const TIME_LIMIT: Duration = Duration::from_secs(20);
/// The most a reader's answer may be.
const MAX_ANSWER: u64 = 64 << 20;

/// Set in a reader process: what it reads, it reads itself (its limits already hold).
static IN_READER: AtomicBool = AtomicBool::new(false);

/// The program to start readers from: this one, when it is `nianbao` itself and not already a
/// reader; `None` to read in this process.
pub fn reader_program() -> Option<PathBuf> {
    if IN_READER.load(Ordering::Relaxed) {
        return None;
    }
    let exe = std::env::current_exe().ok()?;
    (exe.file_stem().and_then(|s| s.to_str()) == Some("nianbao")).then_some(exe)
}

/// How a reader process ended, when it gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderEnd {
    /// It took longer than its time limit and was stopped.
    TimedOut(u64),
    /// It ended without an answer (a crash, out of memory, its CPU limit): how, in words.
    Crashed(String),
    /// It answered with something that is not an answer.
    NoAnswer,
    /// The user stopped the work.
    Cancelled,
}

impl std::fmt::Display for ReaderEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReaderEnd::TimedOut(s) => {
                write!(f, "读取超过{s}秒仍未完成，已停止（文件可能过于复杂或已损坏）")
            }
            ReaderEnd::Crashed(how) => write!(
                f,
                "读取此文件时程序异常退出{how}（文件可能过于复杂：读取一份文件最多可用{}MB内存、{}秒）",
                MEMORY_LIMIT >> 20,
                CPU_LIMIT
            ),
            ReaderEnd::NoAnswer => write!(f, "读取此文件的程序没有给出结果"),
            ReaderEnd::Cancelled => write!(f, "已停止，未读完此文件"),
        }
    }
}

/// Runs the program with `args`, `input` on its standard input, until it ends, `wall` passes or
/// `cancel` is set; its standard output when it ended well.
pub fn run(
    exe: &Path,
    args: &[OsString],
    input: &[u8],
    wall: Duration,
    cancel: Option<&AtomicBool>,
) -> Result<Vec<u8>, ReaderEnd> {
    let mut child = Command::new(exe)
        .args(args)
        .stdin(if input.is_empty() { Stdio::null() } else { Stdio::piped() })
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| ReaderEnd::Crashed(format!("（无法启动：{}）", crate::store::atomic::describe_io(&e))))?;
    // Input and output are moved on threads of their own while the reader works (either pipe
    // could fill and make it wait).
    let stdin = child.stdin.take();
    let input = input.to_vec();
    let feeder = std::thread::Builder::new().spawn(move || {
        if let Some(mut s) = stdin {
            let _ = s.write_all(&input);
        }
    });
    let stdout = child.stdout.take();
    let collector = std::thread::Builder::new().spawn(move || {
        let mut answer = Vec::new();
        if let Some(out) = stdout {
            let _ = out.take(MAX_ANSWER).read_to_end(&mut answer);
        }
        answer
    });
    let started = Instant::now();
    let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() < wall && !cancelled() => std::thread::sleep(Duration::from_millis(5)),
            other => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(match other {
                    Ok(None) if cancelled() => ReaderEnd::Cancelled,
                    Ok(None) => ReaderEnd::TimedOut(wall.as_secs()),
                    _ => ReaderEnd::Crashed(String::new()),
                });
            }
        }
    };
    if let Ok(f) = feeder {
        let _ = f.join();
    }
    let answer = collector.ok().and_then(|c| c.join().ok()).unwrap_or_default();
    match status? {
        s if s.success() => Ok(answer),
        s => Err(ReaderEnd::Crashed(exit_detail(&s))),
    }
}

/// `（信号6）`, `（退出码3）`: how a reader ended, for the staffer to pass on.
fn exit_detail(s: &ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = s.signal() {
            return format!("（信号{sig}）");
        }
    }
    s.code().map(|c| format!("（退出码{c}）")).unwrap_or_default()
}

/// Marks this process a reader and caps its memory and CPU time, so that a reader that would
/// allocate or work without end fails and ends instead of taking the machine.
pub fn become_reader() {
    IN_READER.store(true, Ordering::Relaxed);
    // A reader's panic (a bug) ends the reader, which its starter says; the program's crash
    // hook would leave a marker making the next window start say that the session crashed.
    std::panic::set_hook(Box::new(|_| {}));
    #[cfg(unix)]
    {
        let set = |resource, value: u64| {
            let limit = libc::rlimit { rlim_cur: value as libc::rlim_t, rlim_max: value as libc::rlim_t };
            // SAFETY: setrlimit reads the struct passed by reference and changes only this
            // process's limit; a failure (a lower limit already set) leaves that limit, which
            // is fine. One of the crate's few FFI calls (Cargo.toml's lints).
            #[allow(unsafe_code)]
            unsafe {
                libc::setrlimit(resource, &limit);
            }
        };
        set(libc::RLIMIT_AS, MEMORY_LIMIT);
        set(libc::RLIMIT_CPU, CPU_LIMIT);
    }
}
