//! Shared by the command-line tests: the real binary on real files, and what its messages must
//! look like (Chinese, no raw control characters, English only as a bracketed detail).

#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

pub fn nianbao<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        // A settings file of the machine must not change what the tests see.
        .env("XDG_CONFIG_HOME", std::env::temp_dir().join("nianbao-tests-no-config"))
        .output()
        .expect("run nianbao")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// Words that may appear in a Chinese message: names of formats, options and file types.
const ALLOWED: &[&str] = &[
    "nianbao", "draft", "format", "gb2021", "gb2019", "guizhou", "annex", "csv", "ron", "pdf", "utf", "gbk", "gb18030",
    "force", "year", "unit", "json", "final", "from", "output", "help", "version", "true", "false", "some", "none",
    "new", "check", "export", "import", "excel", "wps", "word", "bak", "tmp", "mb", "kb", "usb",
];

/// What is wrong with a text the user reads, if anything: a raw control character, a line
/// without Chinese, or English outside a bracketed technical detail and quoted names.
pub fn message_problem(text: &str) -> Option<String> {
    if let Some(c) = text.chars().find(|&c| c.is_control() && c != '\n' && c != '\t') {
        return Some(format!("raw control character U+{:04X} in {text:?}", c as u32));
    }
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        // Bracketed details (系统信息：…) and quoted names (paths, labels) may be anything.
        let mut plain = String::new();
        let mut depth = 0i32;
        let mut quoted = false;
        for c in line.chars() {
            if quoted {
                quoted = c != '”';
                continue;
            }
            match c {
                '“' => quoted = true,
                '（' | '(' => depth += 1,
                '）' | ')' => depth -= 1,
                _ if depth > 0 => {}
                _ => plain.push(c),
            }
        }
        let words: Vec<String> = plain
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 3)
            .map(str::to_lowercase)
            .filter(|w| !ALLOWED.contains(&w.as_str()))
            .collect();
        if !words.is_empty() {
            return Some(format!("English words {words:?} in {line:?}"));
        }
        if !line.chars().any(is_cjk) && !line.trim_start().starts_with('[') && !line.trim_start().starts_with('{') {
            return Some(format!("no Chinese in {line:?}"));
        }
    }
    None
}

/// Every file in a folder with its bytes, to show that nothing was changed or left behind.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap_or_default()))
        .collect();
    out.sort();
    out
}
