//! The crash test: a child process saves a draft over and over and is killed with SIGKILL at
//! random moments, many times. After every kill the draft on disk (and every backup) must be a
//! complete old or new version, never a torn one.
//!
//! The child is this test binary itself, running `save_loop_child` (which does nothing unless
//! started by the crash test).

#![cfg(unix)]

use std::process::Command;
use std::time::Duration;

use nianbao::model::Report;

const CHILD_ENV: &str = "NIANBAO_CRASH_TEST_TARGET";

/// A draft of a few hundred kilobytes, so that a kill often lands in the middle of a write.
fn version(tag: &str) -> Report {
    let mut r = Report::new("gb2021", 2025, "某某县商务局");
    r.set_cell("t3.new.np", if tag == "A" { "1" } else { "2" });
    let line = format!("版本{tag}：本机关坚持依法公开，持续推进政务公开标准化规范化建设。");
    r.sections.insert("s1".into(), vec![line; 3000].join("\n"));
    r
}

/// The child: saves versions A and B alternately through the app's atomic save until killed.
#[test]
fn save_loop_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else { return };
    let (a, b) = (version("A"), version("B"));
    loop {
        for r in [&a, &b] {
            nianbao::store::save(std::path::Path::new(&path), r).unwrap();
        }
    }
}

#[test]
fn killing_a_save_at_random_moments_never_leaves_a_torn_draft() {
    let me = std::env::current_exe().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("年报.ron");
    let (a, b) = (version("A"), version("B"));
    let mut seen = [0usize; 2];
    let mut kills = 0;
    // A fixed-seed xorshift: random moments, the same run every time.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..150 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(5_000 + seed % 60_000);
        let mut child = Command::new(&me)
            .args(["crash::save_loop_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        if !path.exists() {
            continue; // killed before the first save finished: nothing on disk yet is fine
        }
        for file in std::iter::once(path.clone()).chain(nianbao::store::atomic::backups(&path)) {
            let r = nianbao::store::load(&file).unwrap_or_else(|e| panic!("{} is torn: {e}", file.display()));
            if r == a {
                seen[0] += 1;
            } else if r == b {
                seen[1] += 1;
            } else {
                panic!("{} is neither complete version", file.display());
            }
        }
    }
    assert_eq!(kills, 150);
    assert!(seen[0] > 0 && seen[1] > 0, "both versions were on disk at some kill: {seen:?}");
    // Temporary files left behind show kills that landed in the middle of a write (timing
    // dependent, so reported rather than asserted).
    let torn_writes = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".tmp")))
        .count();
    eprintln!("kills: {kills}, versions seen {seen:?}, kills during a write: {torn_writes}");
}
