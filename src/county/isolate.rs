//! Each file of a county check read and checked in a reader process of its own
//! ([`crate::isolate`]): `nianbao __county-read FILE …`, the outcome as JSON on its output. A
//! file that crashes its reader, or passes its memory or time limit, is listed as unreadable
//! with why, and the others are checked and the summary is written all the same. A check of 200
//! drafts and one hostile PDF once printed nothing for 49 s, aborted and wrote no summary.
//!
//! Worth the cost: starting a reader takes a few milliseconds against the tens a published
//! report takes to read, and the files are read on every core as before. A reader that cannot
//! be started leaves the file to be read in process.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::{CheckOptions, Entry, Outcome};
use crate::isolate::{self, ReaderEnd};
use crate::model::Date;

/// The hidden command a reader process runs.
pub const READ_COMMAND: &str = "__county-read";

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
    /// Reader processes when this process is the program itself ([`isolate::reader_program`]).
    pub fn detect() -> Isolation {
        isolate::reader_program().map_or(Isolation::InProcess, Isolation::Process)
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
    match isolate::run(exe, &arguments(path, opts), &[], time_limit(), Some(cancel)) {
        Ok(answer) => match serde_json::from_slice::<Outcome>(&answer) {
            Ok(outcome) => Entry { path: path.to_path_buf(), outcome },
            Err(_) => unreadable(format!("{}，已跳过此文件", ReaderEnd::NoAnswer)),
        },
        // No reader process (no processes left, the program file moved): read it here.
        Err(ReaderEnd::Crashed(how)) if how.starts_with("（无法启动") => super::check_file(path, opts),
        Err(end) => unreadable(format!("{end}，已跳过此文件")),
    }
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
    isolate::become_reader();
    #[cfg(debug_assertions)]
    debug_failure(Path::new(path));
    let entry = super::check_file(Path::new(path), &opts);
    serde_json::to_string(&entry.outcome).map_err(|e| BadArguments(e.to_string()))
}

/// Hidden triggers for the tests (debug builds only): a reader of a file whose name holds
/// `NIANBAO_DEBUG_READER_FAILS`'s value fails as a reader with a bug might — it aborts
/// (`…abort…`), panics (`…panic…`), allocates without end (`…allocate…`) or never ends
/// (`…hang…`).
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
    if name.contains("panic") {
        panic!("NIANBAO_DEBUG_READER_FAILS");
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

/// How long a reader may take: [`isolate::TIME_LIMIT`], or in debug builds the seconds in
/// `NIANBAO_DEBUG_READER_SECONDS` (for the test of a reader that never ends).
fn time_limit() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(s) = std::env::var("NIANBAO_DEBUG_READER_SECONDS").ok().and_then(|s| s.parse().ok()) {
        return Duration::from_secs(s);
    }
    isolate::TIME_LIMIT
}

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
