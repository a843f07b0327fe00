//! `nianbao export -o 报告.docx|.html|.xlsx` and `nianbao check -o 审核清单.xlsx|.html|.pdf` as a
//! script uses them: the real binary, files read back, exit codes, guarded outputs.

use std::path::{Path, PathBuf};

use crate::run::{message_problem, nianbao, stderr, stdout};

use super::excel::{book, text};

/// A draft of a real report (imported from its fixture by the binary itself).
fn draft(dir: &Path, fixture: &str) -> PathBuf {
    let path = dir.join("报告.ron");
    let csv = crate::fixtures::path(fixture);
    let o = run(&[Path::new("import"), &csv, Path::new("-o"), &path]);
    assert!(o.status.success(), "{}", stderr(&o));
    path
}

fn run(args: &[&Path]) -> std::process::Output {
    nianbao(args)
}

/// Every cell's text of every sheet.
fn all_text(bytes: Vec<u8>) -> String {
    use calamine::Reader;
    let mut wb = book(bytes);
    let mut out = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for cell in row {
                out.push_str(&text(Some(cell)));
                out.push('\t');
            }
            out.push('\n');
        }
    }
    out
}

fn chinese_only(text: &str, dir: &Path) {
    let text = text.replace(&dir.display().to_string(), "");
    // A usage error repeats the usage after the message; the message is what is judged.
    let text = text.split("\n\n年报 nianbao").next().unwrap_or_default();
    assert!(message_problem(text).is_none(), "{:?}: {text}", message_problem(text));
}

#[test]
fn export_writes_word_web_and_excel_by_the_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = draft(dir.path(), "hangzhou-2021.csv");
    for (name, magic) in [("报告.docx", &b"PK"[..]), ("报告.html", &b"<!DOCTYPE html>"[..]), ("报告.xlsx", &b"PK"[..])]
    {
        let out = dir.path().join(name);
        let o = run(&[Path::new("export"), &input, Path::new("-o"), &out]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(magic), "{name} starts with {:?}", &bytes[..bytes.len().min(20)]);
        assert!(stdout(&o).contains("已导出"), "{}", stdout(&o));
        chinese_only(&format!("{}{}", stdout(&o), stderr(&o)), dir.path());
    }
    // The spreadsheet is the report, labels verbatim.
    let all = all_text(std::fs::read(dir.path().join("报告.xlsx")).unwrap());
    assert!(all.contains("本年新收政府信息公开申请数量"), "the official labels: {all}");
    let html = std::fs::read_to_string(dir.path().join("报告.html")).unwrap();
    assert!(html.contains("<table") && html.contains("rowspan"), "real tables with merged cells");
}

#[test]
fn export_format_option_overrides_the_extension_and_unknown_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = draft(dir.path(), "seed-2019.csv");
    let out = dir.path().join("报告.doc-copy");
    let o = run(&[Path::new("export"), &input, Path::new("-o"), &out, Path::new("--format"), Path::new("docx")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"));

    let bad = dir.path().join("报告.odt");
    let o = run(&[Path::new("export"), &input, Path::new("-o"), &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("导出格式"), "{}", stderr(&o));
    assert!(!bad.exists());
    chinese_only(&stderr(&o), dir.path());
}

#[test]
fn export_never_replaces_a_file_without_force_nor_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = draft(dir.path(), "seed-2019.csv");
    let out = dir.path().join("报告.xlsx");
    std::fs::write(&out, b"someone's sheet").unwrap();
    let o = run(&[Path::new("export"), &input, Path::new("-o"), &out]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert_eq!(std::fs::read(&out).unwrap(), b"someone's sheet");
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    let o = run(&[Path::new("export"), &input, Path::new("-o"), &out, Path::new("--force")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"));

    let before = std::fs::read(&input).unwrap();
    let o = run(&[Path::new("export"), &input, Path::new("-o"), &input, Path::new("--format"), Path::new("html")]);
    let o2 = run(&[
        Path::new("export"),
        &input,
        Path::new("-o"),
        &input,
        Path::new("--format"),
        Path::new("html"),
        Path::new("--force"),
    ]);
    assert_eq!((o.status.code(), o2.status.code()), (Some(2), Some(2)));
    assert_eq!(std::fs::read(&input).unwrap(), before, "the draft is never replaced by an export");
}

#[test]
fn check_writes_the_review_list_and_keeps_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let input = draft(dir.path(), "seed-2019.csv");
    // An error: a part of 表三's total changed.
    let mut report = nianbao::store::load(&input).unwrap();
    report.set_cell("t3.new.np", "5");
    nianbao::store::draft::save(&input, &report).unwrap();

    let list = dir.path().join("审核清单.xlsx");
    let o = run(&[Path::new("check"), &input, Path::new("-o"), &list]);
    assert_eq!(o.status.code(), Some(1), "errors found: {}", stdout(&o));
    assert!(stderr(&o).contains("审核清单"), "{}", stderr(&o));
    let all = all_text(std::fs::read(&list).unwrap());
    assert!(all.contains("T3-") && all.contains("填报人") && all.contains("审核人"), "{all}");

    for name in ["审核清单.html", "审核清单.pdf"] {
        let out = dir.path().join(name);
        let o = run(&[Path::new("check"), &input, Path::new("-o"), &out]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(if name.ends_with("pdf") { b"%PDF" } else { b"<!DO" }), "{name}");
    }

    // A list that cannot be written in the asked format is refused before anything is done.
    let txt = dir.path().join("审核清单.txt");
    let o = run(&[Path::new("check"), &input, Path::new("-o"), &txt]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!txt.exists());
    chinese_only(&stderr(&o), dir.path());
    // An existing list is replaced only with --force.
    let o = run(&[Path::new("check"), &input, Path::new("-o"), &list]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
