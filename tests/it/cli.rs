//! The command line as scripts use it: the real binary, real files, exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn nianbao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao")).args(args).output().expect("run nianbao")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixture(name: &str) -> String {
    crate::fixtures::path(name).to_string_lossy().into_owned()
}

fn tmp(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[test]
fn new_then_check_an_empty_draft() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "2025.ron");
    let p = path.to_str().unwrap();
    let o = nianbao(&["new", "--year", "2025", "--unit", "某某县商务局", "-o", p]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("已新建2025年度空白草稿（gb2021）"));
    let r = nianbao::store::load(&path).unwrap();
    assert_eq!((r.template.as_str(), r.year, r.unit.name.as_str()), ("gb2021", 2025, "某某县商务局"));

    let o = nianbao(&["check", p]);
    assert_eq!(o.status.code(), Some(0), "warnings only: {}", stdout(&o));
    assert!(stdout(&o).contains("错误 0 项"));
    assert!(stdout(&o).contains("[警告] G-02 表三尚未填写"));

    // It will not overwrite an existing file.
    let o = nianbao(&["new", "--year", "2025", "-o", p]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("已存在"), "{}", stderr(&o));

    let o = nianbao(&["new", "--year", "2020", "-o", tmp(&dir, "2020.ron").to_str().unwrap()]);
    assert!(stdout(&o).contains("（gb2019）"), "the format follows the year");
}

#[test]
fn check_a_published_csv_lists_its_inconsistencies_in_chinese() {
    let o = nianbao(&["check", &fixture("shanghai-2019.csv")]);
    assert_eq!(o.status.code(), Some(1), "errors found");
    let out = stdout(&o);
    assert!(out.contains("错误 11 项"), "{out}");
    assert!(out.contains("[错误] T3-03 表三“（一）予以公开”行“总计”列：填报时为空白，但各项之和为272"), "{out}");
}

#[test]
fn check_json_is_machine_readable() {
    let o = nianbao(&["check", &fixture("ximeng-2021.csv"), "--json"]);
    assert_eq!(o.status.code(), Some(0), "warnings only");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let list = v.as_array().unwrap();
    let f = list.iter().find(|f| f["rule"] == "T2N-03").expect("T2N-03");
    assert_eq!(f["severity"], "W");
    assert_eq!(f["table"], "t2");
    assert_eq!(f["cells"][0], "t2.nds.valid");
    assert_eq!(f["left"], "0");
    assert_eq!(f["right"], "1");
    assert_eq!(f["difference"], "-1");
}

#[test]
fn the_seed_report_checks_clean() {
    let o = nianbao(&["check", &fixture("seed-2019.csv")]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    // Its tables are consistent. Its text has what evaluators mark (issue 26): five empty
    // sub-heading numbers `()…` (HD-04) and ASCII commas in Chinese sentences (WD-01), nothing else.
    assert!(out.contains("错误 0 项，警告 6 项，提示 0 项"), "{out}");
    let warnings: Vec<&str> = out.lines().filter(|l| l.starts_with("[警告]")).collect();
    assert!(warnings.iter().all(|l| l.starts_with("[警告] HD-04 ") || l.starts_with("[警告] WD-01 ")), "{out}");
}

#[test]
fn unreadable_files_exit_2_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let o = nianbao(&["check", tmp(&dir, "没有.ron").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("无法读取文件"), "{}", stderr(&o));

    let broken = tmp(&dir, "坏.ron");
    std::fs::write(&broken, "(format: \"nianbao-draft\", version: 1, template: \"gb2021\", year: ").unwrap();
    let o = nianbao(&["check", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("第1行第"), "{}", stderr(&o));

    let bad_csv = tmp(&dir, "坏.csv");
    std::fs::write(&bad_csv, "a,b\n1,2\n").unwrap();
    let o = nianbao(&["check", bad_csv.to_str().unwrap(), "--year", "2025"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("表头"), "{}", stderr(&o));
}

#[test]
fn unknown_labels_in_a_csv_are_errors_naming_the_label() {
    let dir = tempfile::tempdir().unwrap();
    let csv = tmp(&dir, "x.csv");
    std::fs::write(
        &csv,
        "表,行,列,值\n基本信息,年度,,2025\n表三,一、本年新收申请,自然人,5\n表三,（一）予以公开,自然人人,1\n表五,规章,本年制发件数,1\n",
    )
    .unwrap();
    let o = nianbao(&["check", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("第3行：表三中没有“一、本年新收申请”这一行"), "{out}");
    assert!(out.contains("第4行：表三“（一）予以公开”行没有“自然人人”这一列"), "{out}");
    assert!(out.contains("第5行：未知的表“表五”"), "{out}");

    let target = tmp(&dir, "x.ron");
    let o = nianbao(&["import", csv.to_str().unwrap(), "--year", "2025", "-o", target.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!target.exists(), "nothing is imported from a file with unknown labels");
}

#[test]
fn export_csv_and_import_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let draft = tmp(&dir, "hz.ron");
    let o = nianbao(&["import", &fixture("hangzhou-2021.csv"), "-o", draft.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = tmp(&dir, "hz.csv");
    let o = nianbao(&["export-csv", draft.to_str().unwrap(), "-o", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    let again = tmp(&dir, "hz2.ron");
    let o = nianbao(&["import", csv.to_str().unwrap(), "-o", again.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(nianbao::store::load(&draft).unwrap(), nianbao::store::load(&again).unwrap());
    let o = nianbao(&["check", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn import_reports_published_totals_that_disagree() {
    let dir = tempfile::tempdir().unwrap();
    let csv = tmp(&dir, "x.csv");
    std::fs::write(
        &csv,
        "表,行,列,值\r\n表三,（一）予以公开,自然人,6\r\n表三,（一）予以公开,商业企业,5\r\n表三,（一）予以公开,总计,0\r\n",
    )
    .unwrap();
    let target = tmp(&dir, "x.ron");
    let o =
        nianbao(&["import", csv.to_str().unwrap(), "--year", "2025", "--unit", "某局", "-o", target.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("填报的数字为0，但各项之和为11"), "{}", stdout(&o));
    let r = nianbao::store::load(&target).unwrap();
    assert_eq!(r.cells.get("t3.r_open.total"), None, "totals are computed, never stored");
    assert_eq!(r.unit.name, "某局");
}

#[test]
fn usage_and_bad_arguments() {
    let o = nianbao(&["--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("nianbao check"));
    let o = nianbao(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("未知的命令“frobnicate”"));
    // 二〇二五 is a year (issue 9); 明年 is not.
    let dir = tempfile::tempdir().unwrap();
    let o = nianbao(&["new", "--year", "明年", "-o", tmp(&dir, "x.ron").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不是有效的年份"));
    assert!(!tmp(&dir, "x.ron").exists());
}

/// The binary with its own empty config folder, so the user's real templates never leak in.
fn nianbao_in(config: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .env("XDG_CONFIG_HOME", config)
        .env("HOME", config)
        .output()
        .expect("run nianbao")
}

#[test]
fn a_users_template_works_in_every_subcommand_from_the_folder_or_with_templates() {
    let templates = crate::fixtures::user_templates();
    let t = templates.to_str().unwrap();
    let config = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let draft = tmp(&dir, "湖北.ron");
    let d = draft.to_str().unwrap();

    let o = nianbao_in(config.path(), &["new", "--templates", t, "--format", "hubei-2021", "--year", "2025", "-o", d]);
    assert!(o.status.success(), "{}", stderr(&o));
    // This test process reads the draft too, so it needs the template as well.
    assert!(nianbao::store::templates::load_dir(&templates).1.is_empty());
    let mut r = nianbao::store::load(&draft).unwrap();
    assert_eq!(r.template, "hubei-2021");
    r.set_cell("t2.other_docs.made", "5");
    nianbao::store::save(&draft, &r).unwrap();

    // Without the template the draft's format is unknown: a file problem, said so.
    let o = nianbao_in(config.path(), &["check", d]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("hubei-2021"), "{}", stderr(&o));

    let o = nianbao_in(config.path(), &["check", "--templates", t, "--json", d]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let findings: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(findings.is_array());

    let csv = tmp(&dir, "湖北.csv");
    let o = nianbao_in(config.path(), &["export-csv", "--templates", t, d, "-o", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.lines().any(|l| l.contains("其他主动公开文件") && l.ends_with(",5")), "{text}");

    let pdf = tmp(&dir, "湖北.pdf");
    let o = nianbao_in(config.path(), &["export", "--templates", t, d, "-o", pdf.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));

    // Dropped in the config folder, it needs no option.
    let user_dir = config.path().join("nianbao").join("templates");
    std::fs::create_dir_all(&user_dir).unwrap();
    std::fs::copy(templates.join("hubei-2021.ron"), user_dir.join("hubei-2021.ron")).unwrap();
    let o = nianbao_in(config.path(), &["check", d]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("湖北补充"), "{}", stdout(&o));

    // A folder named on the command line that cannot be read is refused, not ignored.
    let o = nianbao_in(config.path(), &["check", "--templates", "/nonexistent/模板", d]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("无法读取模板文件夹"), "{}", stderr(&o));
}

#[cfg(feature = "pdf")]
#[test]
fn export_warns_of_a_missing_signature_date_unless_left_for_hand_writing_and_lists_the_faces() {
    let dir = tempfile::tempdir().unwrap();
    let draft = tmp(&dir, "hz.ron");
    let o = nianbao(&["import", &fixture("hangzhou-2021.csv"), "-o", draft.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut report = nianbao::store::load(&draft).unwrap();
    report.signed_on = None;
    nianbao::store::save(&draft, &report).unwrap();
    let pdf = tmp(&dir, "hz.pdf");
    let o = nianbao(&["export", draft.to_str().unwrap(), "-o", pdf.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("注意：落款没有成文日期"), "{}", stderr(&o));
    let o = nianbao(&[
        "export",
        draft.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
        "--force",
        "--date-by-hand",
        "--fonts",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("成文日期"), "{}", stderr(&o));
    let out = stdout(&o);
    for role in nianbao::pdf::fonts::Role::ALL {
        assert!(out.contains(&format!("字体：{} — ", role.label())), "{out}");
    }
}

/// The subcommands a user sees (not the reader process and generator this program starts itself).
fn visible_subcommands() -> Vec<clap::Command> {
    nianbao::cli::args::command().get_subcommands().filter(|c| !c.is_hide_set()).cloned().collect()
}

#[test]
fn every_subcommand_has_its_help_in_chinese() {
    for sub in visible_subcommands() {
        let name = sub.get_name();
        for ask in [vec![name, "--help"], vec![name, "-h"], vec!["help", name]] {
            let o = nianbao(&ask);
            assert_eq!(o.status.code(), Some(0), "{ask:?}: {}", stderr(&o));
            let help = stdout(&o);
            assert!(help.contains("用法：") && help.contains("选项："), "{ask:?}: {help}");
            for english in ["Usage", "Options", "Arguments", "Commands", "Print help"] {
                assert!(!help.contains(english), "{ask:?} says {english}: {help}");
            }
            if name != "help" {
                assert!(help.contains(&format!("nianbao {name}")), "{ask:?}: {help}");
                assert!(help.contains("退出码"), "{ask:?}: {help}");
            }
        }
    }
}

#[test]
fn an_option_a_subcommand_does_not_take_is_refused_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let draft = tmp(&dir, "d.ron");
    let d = draft.to_str().unwrap();
    assert!(nianbao(&["new", "--year", "2025", "--unit", "某局", "-o", d]).status.success());
    let pdf = tmp(&dir, "d.pdf");
    // `--expect` belongs to check; export used to accept and ignore it.
    let o = nianbao(&["export", d, "-o", pdf.to_str().unwrap(), "--expect", "名单.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("未知的选项“--expect”"), "{}", stderr(&o));
    assert!(stderr(&o).contains("nianbao export --help"), "{}", stderr(&o));
    assert!(!pdf.exists(), "nothing is written when the command line is refused");
    let o = nianbao(&["export-csv", d, "-o", tmp(&dir, "x.csv").to_str().unwrap(), "--year", "2025"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("未知的选项“--year”"), "{}", stderr(&o));
    let o = nianbao(&["check", d, "--year"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("选项 --year 后面缺少值"), "{}", stderr(&o));
}

/// A PDF that cannot be made (here: the font chosen in the settings is not a font) is a failure
/// to do the work, exit 2 — not "errors found" (1), which scripts read as a report to fix.
#[test]
fn an_export_that_cannot_render_exits_2() {
    let config = tempfile::tempdir().unwrap();
    let settings_dir = config.path().join("nianbao");
    std::fs::create_dir_all(&settings_dir).unwrap();
    let not_a_font = config.path().join("坏字体.ttf");
    std::fs::write(&not_a_font, b"this is not a font").unwrap();
    std::fs::write(
        settings_dir.join("settings.ron"),
        format!("(pdf_fonts: {{\"正文\": {:?}}})", not_a_font.to_str().unwrap()),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = tmp(&dir, "d.ron");
    let d = d.to_str().unwrap();
    assert!(nianbao_in(config.path(), &["new", "--year", "2025", "--unit", "某局", "-o", d]).status.success());
    let pdf = tmp(&dir, "d.pdf");
    let o = nianbao_in(config.path(), &["export", d, "-o", pdf.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("坏字体.ttf"), "{}", stderr(&o));
    assert!(!pdf.exists());
}

/// The README's command table against the parser's definition: every command a user can run is
/// in it, every option it shows is one that command takes, and every option of a command is shown.
#[test]
fn the_readme_command_table_matches_the_definition() {
    let readme = include_str!("../../README.md");
    let table = readme.split("## Command line").nth(1).and_then(|s| s.split("```text\n").nth(1)).unwrap();
    let table = table.split("```").next().unwrap();
    let mut shown: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
    for line in table.lines() {
        let mut words = line.split_whitespace();
        assert_eq!(words.next(), Some("nianbao"), "{line}");
        let Some(sub) = words.next().filter(|w| !w.starts_with('[')) else { continue };
        let options = shown.entry(sub.to_string()).or_default();
        for w in words {
            let w = w.trim_start_matches('[').trim_end_matches(']');
            if w.starts_with('-') {
                options.insert(w.to_string());
            }
        }
    }
    let subs = visible_subcommands();
    let names: std::collections::BTreeSet<String> =
        subs.iter().map(|c| c.get_name().to_string()).filter(|n| n != "help").collect();
    assert_eq!(shown.keys().cloned().collect::<std::collections::BTreeSet<_>>(), names, "commands in the README");
    for sub in subs.iter().filter(|c| c.get_name() != "help") {
        let takes: std::collections::BTreeSet<String> = sub
            .get_arguments()
            .filter(|a| !a.is_positional() && !a.is_global_set())
            .flat_map(|a| {
                a.get_long().map(|l| format!("--{l}")).into_iter().chain(a.get_short().map(|s| format!("-{s}")))
            })
            .collect();
        let in_readme = &shown[sub.get_name()];
        for o in in_readme {
            assert!(takes.contains(o), "README shows {o} for {}, which does not take it", sub.get_name());
        }
        for a in sub.get_arguments().filter(|a| !a.is_positional() && !a.is_global_set()) {
            let long = a.get_long().map(|l| format!("--{l}"));
            let short = a.get_short().map(|s| format!("-{s}"));
            let listed = long.iter().chain(short.iter()).any(|o| in_readme.contains(o));
            assert!(listed, "README's table leaves out {:?} of {}", a.get_id(), sub.get_name());
        }
    }
}
