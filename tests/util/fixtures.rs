//! The test fixtures (real published figures as long CSV), loaded one way for every test and
//! benchmark.

// Each test binary and benchmark uses a different part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use nianbao::model::Report;
use nianbao::store::csv::{self, CsvData, ImportOptions};

/// `tests/fixtures/NAME`.
pub fn path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A fixture as read, which must have no line the reader could not place.
pub fn data(name: &str) -> CsvData {
    let data = csv::read(&path(name), &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(data.issues.is_empty(), "{name}: {:?}", data.issues);
    data
}

/// A fixture's report.
pub fn report(name: &str) -> Report {
    data(name).report
}

/// A folder holding one user template: a copy of the built-in `gb2021` with a new id and one
/// extra row in 表二 (as Hubei's 其他主动公开文件). Always the same folder, since templates are
/// registered per process by file: every test of a binary loads the same file.
pub fn user_templates() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("user-templates");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let base = include_str!("../../assets/templates/gb2021.ron");
        let nds = r#"(cells: [(role: Label, text: "行政规范性文件")], data: [(key: "nds", label: "行政规范性文件", columns: "docs")]),"#;
        assert!(base.contains(nds), "gb2021.ron changed: update the user template fixture");
        let extra = r#"
                (cells: [(role: Label, text: "其他主动公开文件")], data: [(key: "other_docs", label: "其他主动公开文件", columns: "docs")]),"#;
        let text = base
            .replacen(r#"id: "gb2021","#, r#"id: "hubei-2021","#, 1)
            .replacen(r#"name: "国办公开办函〔2021〕30号","#, r#"name: "国办公开办函〔2021〕30号（湖北补充）","#, 1)
            .replacen(nds, &format!("{nds}{extra}"), 1);
        // Written aside and renamed: test binaries may run at the same time.
        let tmp = dir.join(format!(".hubei-2021.{}.tmp", std::process::id()));
        std::fs::write(&tmp, text).unwrap_or_else(|e| panic!("{}: {e}", tmp.display()));
        std::fs::rename(&tmp, dir.join("hubei-2021.ron")).unwrap_or_else(|e| panic!("{e}"));
        dir
    })
    .clone()
}

/// `n` characters of real published report text — the seed report, then 上海's and 杭州's as
/// pasted from their sites, round again if need be — starting `skip` characters in: two
/// "years" of text that share what they overlap (the repetition benchmarks).
pub fn published_text(skip: usize, n: usize) -> String {
    let all: String =
        ["seed-report-2019.txt", "published/shanghai-2019-pasted.txt", "published/hangzhou-2021-tabs.txt"]
            .iter()
            .map(|f| std::fs::read_to_string(path(f)).unwrap_or_else(|e| panic!("{f}: {e}")))
            .collect();
    all.chars().cycle().skip(skip).take(n).collect()
}

/// A text cut into the six sections' keys (`s1` … `s6`), about equal in length.
pub fn six_sections(text: &str) -> std::collections::BTreeMap<String, String> {
    let chars: Vec<char> = text.chars().collect();
    let per = chars.len().div_ceil(6).max(1);
    chars.chunks(per).enumerate().map(|(i, c)| (format!("s{}", i + 1), c.iter().collect())).collect()
}
