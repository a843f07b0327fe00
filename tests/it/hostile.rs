//! The adversary kept in the repo: a corpus of hostile drafts and CSVs
//! (`tests/fixtures/hostile/`, made by `make.py` there) plus a few made here because they are
//! large. Every file goes through every command of the release binary; each run must exit with
//! 0, 1 or 2 (never a panic), say what is wrong in Chinese with the line where there is one,
//! never send a raw control character to the terminal, and leave the input exactly as it was.

use std::path::{Path, PathBuf};

use crate::run::{message_problem, nianbao, snapshot, stderr, stdout};

/// What `check FILE` must do with each corpus file: exit code and a piece of the message.
const EXPECTED: &[(&str, i32, &str)] = &[
    ("draft-annex-repeated.ron", 2, "第24行附录“guizhou-annex”重复出现"),
    ("draft-annex-unknown.ron", 2, "附录“gb2021”不是本程序认识的附录"),
    ("draft-bad-date.ron", 2, "“2026-02-30”不是有效日期"),
    ("draft-bad-utf8.ron", 2, "不是UTF-8文本"),
    ("draft-bad-variant.ron", 2, "“Sideways”不是可选的值"),
    ("draft-bom-crlf.ron", 1, "错误 3 项"),
    ("draft-deep.ron", 2, "嵌套层数过多"),
    ("draft-duplicate-cell.ron", 2, "第19行第6列有误：“t3.new.np”在同一处出现了两次"),
    ("draft-duplicate-field.ron", 2, "第6行第3列有误：“year”在同一处出现了两次"),
    ("draft-duplicate-section.ron", 2, "“s1”在同一处出现了两次"),
    ("draft-empty.ron", 2, "第1行第1列有误：文件是空的"),
    ("draft-escape-label.ron", 1, "控制字符，已删除：“unit.name”（第7行）"),
    ("draft-expected-identifier.ron", 2, "此处应为字段名"),
    ("draft-integer-out-of-bounds.ron", 2, "整数超出允许范围"),
    ("draft-newer-version.ron", 2, "请升级软件"),
    ("draft-not-a-draft.ron", 2, "第1行第1列有误"),
    ("draft-nul.ron", 1, "1个不可见的控制字符，已删除：“unit.name”（第7行）"),
    ("draft-random.ron", 2, "不是UTF-8文本"),
    ("draft-trailing.ron", 2, "结尾有多余内容"),
    ("draft-truncated.ron", 2, "文件意外结束"),
    ("draft-unclosed-comment.ron", 2, "注释“/*”没有结束"),
    ("draft-unclosed-string.ron", 2, "文字缺少结尾的引号"),
    ("draft-unknown-cells.ron", 1, "“t9.mystery”（第19行）"),
    ("draft-unknown-template.ron", 2, "未知的报告格式“gb2099”"),
    ("draft-utf16.ron", 2, "不是UTF-8文本"),
    ("draft-wrong-type.ron", 2, "第5行第8列有误：此处应为整数"),
    ("csv-bad-options.csv", 1, "第5行：打印选项无法识别"),
    ("csv-bad-utf8.csv", 2, "第5行起无法识别"),
    ("csv-bad-year.csv", 2, "第3行：年度“明年”不是有效的年份"),
    ("csv-bom-gbk.csv", 2, "第5行起无法识别"),
    ("csv-chinese-year.csv", 1, "（2025年度，"),
    ("csv-duplicate-cell.csv", 1, "第7行：表三"),
    ("csv-duplicate-meta.csv", 1, "第5行：“基本信息,机关全称”与第4行重复"),
    ("csv-duplicate-note.csv", 1, "第8行：“说明,T3-01”与第7行重复"),
    ("csv-duplicate-prev.csv", 1, "与第8行重复"),
    ("csv-duplicate-text.csv", 1, "“正文,一、总体情况”与第7行重复"),
    ("csv-empty.csv", 2, "第1行应为表头"),
    ("csv-escape-label.csv", 1, "第5行：未知的表“表[31m三”"),
    ("csv-five-columns.csv", 1, "第5行：应有4列"),
    ("csv-header-only.csv", 2, "不知道报告年度"),
    ("csv-long-label.csv", 1, "第5行：“行”一栏过长（5000字，上限1000字）"),
    ("csv-nul.csv", 1, "第4行：有1个不可见的控制字符，已删除"),
    ("csv-quotes-newlines.csv", 1, "错误 3 项"),
    ("csv-random.csv", 2, "文件编码无法识别"),
    ("csv-tab-gbk.csv", 1, "错误 3 项"),
    ("csv-truncated.csv", 2, "第7行：引号没有配对"),
    ("csv-unclosed-quote.csv", 2, "第5行：引号没有配对"),
    ("csv-unknown-labels.csv", 1, "第6行：表三中没有“不存在的行”这一行"),
    ("csv-utf16.csv", 1, "错误 3 项"),
    ("csv-wrong-header.csv", 2, "第1行应为表头“表,行,列,值”，实际是“a,b,c,d”"),
    ("csv-year-conflict.csv", 1, "文件中的年度（2025）与指定的年度（2024）不一致"),
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

/// Extra arguments a corpus file is checked with.
fn extra_args(name: &str) -> &'static [&'static str] {
    if name == "csv-year-conflict.csv" { &["--year", "2024"] } else { &[] }
}

/// Hostile files too large to keep in git, made in `dir`.
fn generated(dir: &Path) -> Vec<(PathBuf, i32, &'static str)> {
    let base = nianbao::store::draft::to_ron(&nianbao::model::Report::new("gb2021", 2025, "某某县商务局")).unwrap();
    let mut out = Vec::new();
    // 200,000 annexes in 3 MB: once 42 s and 12 GB of memory.
    let annexes = format!("annexes: [{}],", vec!["\"guizhou-annex\""; 200_000].join(","));
    let p = dir.join("huge-annexes.ron");
    std::fs::write(&p, base.replace("annexes: [],", &annexes)).unwrap();
    out.push((p, 2, "列表的项数过多"));
    let p = dir.join("huge-cells.ron");
    let cells: Vec<String> = (0..20_001).map(|i| format!("\"x.{i}\": \"1\"")).collect();
    std::fs::write(&p, base.replacen("cells: {", &format!("cells: {{{},", cells.join(",")), 1)).unwrap();
    out.push((p, 2, "条目过多（上限20000项）"));
    let p = dir.join("many-cells.ron");
    let cells: Vec<String> = (0..10_001).map(|i| format!("\"x.{i}\": \"1\"")).collect();
    std::fs::write(&p, base.replacen("cells: {", &format!("cells: {{{},", cells.join(",")), 1)).unwrap();
    out.push((p, 2, "条目过多（单元格：10001项，上限10000项）"));
    let p = dir.join("huge-field.ron");
    std::fs::write(&p, base.replace("\"s1\": \"\"", &format!("\"s1\": \"{}\"", "很".repeat(100_001)))).unwrap();
    out.push((p, 2, "第"));
    let p = dir.join("huge.ron");
    std::fs::write(&p, vec![b' '; 6 * 1024 * 1024]).unwrap();
    out.push((p, 2, "太大（6291456字节）"));
    let p = dir.join("huge.csv");
    std::fs::write(&p, "表,行,列,值\n".to_string() + &"表三,一,自然人,5\n".repeat(400_000)).unwrap();
    out.push((p, 2, "太大"));
    let p = dir.join("many-lines.csv");
    std::fs::write(&p, "表,行,列,值\n".to_string() + &"表三,一,自然人,5\n".repeat(30_000)).unwrap();
    out.push((p, 2, "行数过多"));
    #[cfg(unix)]
    out.push((PathBuf::from("/dev/zero"), 2, "不是普通文件（设备）"));
    out.push((dir.join("没有这个文件.ron"), 2, "文件或文件夹不存在"));
    out
}

#[test]
fn every_hostile_file_gets_a_chinese_message_with_its_line_and_is_never_changed() {
    let corpus = corpus_dir();
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ron") || n.ends_with(".csv"))
        .collect();
    names.sort();
    let listed: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    for n in &names {
        assert!(listed.contains(&n.as_str()), "{n} has no expected outcome in EXPECTED");
    }
    let work = tempfile::tempdir().unwrap();
    let mut cases: Vec<(PathBuf, i32, &str, &[&str])> = Vec::new();
    for (name, code, expect) in EXPECTED {
        // A copy, so that "unchanged" is checked on a file the commands could have written.
        let p = work.path().join(name);
        std::fs::copy(corpus.join(name), &p).unwrap_or_else(|e| panic!("{name}: {e}"));
        cases.push((p, *code, expect, extra_args(name)));
    }
    for (p, code, expect) in generated(work.path()) {
        cases.push((p, code, expect, &[]));
    }

    let (mut runs, mut clean, mut rejected, mut refused_inputs) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for (path, code, expect, extra) in &cases {
        // (Never read /dev/zero whole.)
        let read = |p: &Path| if p.is_file() { std::fs::read(p).ok() } else { None };
        let before = read(path);
        let input = path.as_os_str();
        let out_dir = tempfile::tempdir().unwrap();
        let o = |n: &str| out_dir.path().join(n).into_os_string();
        let is_csv = path.extension().is_some_and(|e| e == "csv");
        let mut commands: Vec<Vec<std::ffi::OsString>> =
            vec![[&["check".into(), input.into()], &extra.iter().map(Into::into).collect::<Vec<_>>()[..]].concat()];
        if is_csv {
            commands.push(vec![
                "import".into(),
                input.into(),
                "--unit".into(),
                "某局".into(),
                "-o".into(),
                o("imported.ron"),
            ]);
            commands.push(vec![
                "new".into(),
                "--from".into(),
                input.into(),
                "--year".into(),
                "2026".into(),
                "-o".into(),
                o("next.ron"),
            ]);
        } else {
            commands.push(vec!["export".into(), input.into(), "-o".into(), o("out.pdf")]);
            commands.push(vec!["export-csv".into(), input.into(), "-o".into(), o("out.csv")]);
            commands.push(vec!["new".into(), "--from".into(), input.into(), "-o".into(), o("next.ron")]);
        }
        for (i, args) in commands.iter().enumerate() {
            runs += 1;
            let out = nianbao(args);
            let all = format!("{}{}", stdout(&out), stderr(&out))
                .replace(&work.path().display().to_string(), "目录")
                .replace(&out_dir.path().display().to_string(), "目录");
            let status = out.status.code();
            let mut problems = Vec::new();
            if !matches!(status, Some(0..=2)) {
                problems.push(format!("exit {status:?} (a panic is 101)"));
            }
            if let Some(p) = message_problem(
                &stderr(&out)
                    .replace(&work.path().display().to_string(), "目录")
                    .replace(&out_dir.path().display().to_string(), "目录"),
            ) {
                problems.push(p);
            }
            if all.contains('\u{1b}') {
                problems.push("raw escape sequence echoed".into());
            }
            if i == 0 {
                if status != Some(*code) {
                    problems.push(format!("check exited {status:?}, expected {code}"));
                }
                if !all.contains(expect) {
                    problems.push(format!("message lacks “{expect}”"));
                }
                if *code == 2 {
                    rejected += 1;
                }
            }
            if read(path) != before {
                problems.push("the input was changed".into());
            }
            if problems.is_empty() {
                clean += 1;
            } else {
                failures.push(format!("{} {:?}: {}\n{all}", path.display(), args.first(), problems.join("; ")));
            }
            if status == Some(2) && i > 0 {
                refused_inputs += 1;
            }
        }
        // Nothing half-written is left beside the outputs.
        let left: Vec<String> = snapshot(out_dir.path())
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| n.contains(".tmp") || n.contains(".~"))
            .collect();
        assert!(left.is_empty(), "{}: left behind {left:?}", path.display());
    }
    eprintln!(
        "hostile files: {} ({} rejected by check with exit 2), runs: {runs}, clean runs: {clean}, other commands refusing: {refused_inputs}",
        cases.len(),
        rejected
    );
    assert!(failures.is_empty(), "{} of {runs} runs failed:\n{}", failures.len(), failures.join("\n---\n"));
}
