//! Each file operation run through both front ends — the window (its commands, as a menu item or
//! a dropped file runs them) and the command line (the real binary) — on the same files: both go
//! through `nianbao::workflow`, so they must give the same result and refuse the same things.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

use egui_kittest::Harness;
use nianbao::model::Report;
use nianbao::ui::action::Action;
use nianbao::ui::command::Command;
use nianbao::ui::{AppConfig, NianbaoApp};

use crate::fixtures;
use crate::harness::harness;

fn cli(config: &Path, args: &[&std::ffi::OsStr]) -> Output {
    Process::new(env!("CARGO_BIN_EXE_nianbao")).args(args).env("XDG_CONFIG_HOME", config).output().expect("run nianbao")
}

fn window(h: &mut Harness<'static, NianbaoApp>, command: Command, path: &Path) {
    let ctx = h.ctx.clone();
    h.state_mut().perform(Action::CommandWith(command, path.to_path_buf()), &ctx);
    h.run();
}

fn the_report(h: &Harness<'static, NianbaoApp>) -> Report {
    h.state().doc.as_ref().expect("a report is open").report.clone()
}

/// What a user can tell two reports apart by.
fn same_report(a: &Report, b: &Report, what: &str) {
    assert_eq!((a.year, &a.template, &a.unit.name), (b.year, &b.template, &b.unit.name), "{what}");
    assert_eq!(a.cells, b.cells, "{what}: cells");
    assert_eq!(a.sections, b.sections, "{what}: sections");
}

fn last_message(h: &Harness<'static, NianbaoApp>) -> String {
    h.state().messages.last().map(|m| m.text.clone()).unwrap_or_default()
}

#[test]
fn every_file_operation_gives_the_same_result_from_the_window_and_the_command_line() {
    let config = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| -> PathBuf { dir.path().join(name) };
    let os = |p: &Path| p.as_os_str().to_owned();
    let csv = fixtures::path("hangzhou-2021.csv");
    let mut h = harness(NianbaoApp::new(AppConfig::default()));
    h.run();

    // Import a long CSV, then save (另存为) / import -o.
    window(&mut h, Command::ImportCsv, &csv);
    window(&mut h, Command::SaveAs, &at("窗口.ron"));
    let o = cli(config.path(), &["import".as_ref(), &os(&csv), "-o".as_ref(), &os(&at("命令行.ron"))]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (win, line) =
        (nianbao::store::load(&at("窗口.ron")).unwrap(), nianbao::store::load(&at("命令行.ron")).unwrap());
    same_report(&win, &line, "import");

    // Open.
    window(&mut h, Command::OpenDraft, &at("命令行.ron"));
    same_report(&the_report(&h), &line, "open");

    // Check: the same findings, rule by rule.
    let o = cli(config.path(), &["check".as_ref(), &os(&at("命令行.ron")), "--json".as_ref()]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("findings as JSON");
    let mut by_line: Vec<String> =
        json.as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap_or_default().to_string()).collect();
    let mut by_window: Vec<String> =
        h.state().doc.as_ref().unwrap().findings.iter().map(|f| f.rule.to_string()).collect();
    by_line.sort();
    by_window.sort();
    assert_eq!(by_window, by_line, "check");

    // Exports: the long CSV and the web page byte for byte; Word, Excel and PDF written by both.
    window(&mut h, Command::ExportCsv, &at("窗口.csv"));
    let o = cli(config.path(), &["export-csv".as_ref(), &os(&at("命令行.ron")), "-o".as_ref(), &os(&at("命令行.csv"))]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(at("窗口.csv")).unwrap(), std::fs::read(at("命令行.csv")).unwrap(), "export-csv");
    for (command, ext) in [
        (Command::ExportHtml, "html"),
        (Command::ExportDocx, "docx"),
        (Command::ExportXlsx, "xlsx"),
        (Command::ExportPdf, "pdf"),
    ] {
        window(&mut h, command, &at(&format!("窗口.{ext}")));
        let o = cli(
            config.path(),
            &["export".as_ref(), &os(&at("命令行.ron")), "-o".as_ref(), &os(&at(&format!("命令行.{ext}")))],
        );
        assert!(o.status.success(), "{ext}: {}", String::from_utf8_lossy(&o.stderr));
        let (w, l) = (std::fs::read(at(&format!("窗口.{ext}"))), std::fs::read(at(&format!("命令行.{ext}"))));
        let (w, l) = (w.unwrap_or_else(|e| panic!("{ext} from the window: {e}; {}", last_message(&h))), l.unwrap());
        assert!(!w.is_empty() && !l.is_empty(), "{ext}");
        if ext == "html" {
            assert_eq!(w, l, "the web page is the same file");
        }
    }

    // Roll over: this year's draft from last year's.
    window(&mut h, Command::RollOver, &at("命令行.ron"));
    let next_window = the_report(&h);
    let o = cli(
        config.path(),
        &["new".as_ref(), "--from".as_ref(), &os(&at("命令行.ron")), "-o".as_ref(), &os(&at("下年.ron"))],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_report(&next_window, &nianbao::store::load(&at("下年.ron")).unwrap(), "roll over");

    // New: the same report for the same year (written as people write it) and unit.
    let o = cli(
        config.path(),
        &[
            "new".as_ref(),
            "--year".as_ref(),
            "二〇二五".as_ref(),
            "--unit".as_ref(),
            "某局".as_ref(),
            "-o".as_ref(),
            &os(&at("新.ron")),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let year = nianbao::workflow::parse_year("二〇二五").expect("the window's year field reads it too");
    let ctx = h.ctx.clone();
    h.state_mut().perform(Action::CreateReport { year, unit: "某局".into() }, &ctx);
    h.run();
    same_report(&the_report(&h), &nianbao::store::load(&at("新.ron")).unwrap(), "new");

    // Save over a file that is not a draft: refused by both, in the same words, and kept.
    let notes = at("工作总结.txt");
    std::fs::write(&notes, "这是另一份文件").unwrap();
    window(&mut h, Command::SaveAs, &notes);
    let said_by_window = last_message(&h);
    let o = cli(
        config.path(),
        &["new".as_ref(), "--year".as_ref(), "2025".as_ref(), "-o".as_ref(), &os(&notes), "--force".as_ref()],
    );
    assert_eq!(o.status.code(), Some(2));
    let said_by_line = String::from_utf8_lossy(&o.stderr).lines().next().unwrap_or_default().to_string();
    assert!(said_by_window.contains("不会覆盖"), "{said_by_window}");
    assert_eq!(said_by_line.trim_start_matches("错误："), said_by_window, "the same refusal");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "这是另一份文件");
}

/// 汇总检查 and 汇总: the window's county view and `check DIR` run `county::run::check` with the
/// same roster; they must find the same things and write the same 汇总表. The view's 汇总为一份报告
/// and `sum` run `county::run::sum`: the same draft, and the same refusal of a folder that cannot
/// be summed.
#[test]
fn county_check_and_sum_give_the_same_result_from_the_window_and_the_command_line() {
    use nianbao::county::run::{CountyError, SumRequest};
    let config = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| -> PathBuf { dir.path().join(name) };
    let os = |p: &Path| p.as_os_str().to_owned();
    let c = crate::county_util::generate(&at("报告"), 12);

    // The window: folder and roster typed, checked on its worker, the 汇总表 exported.
    let mut h = harness(NianbaoApp::new(AppConfig::default()));
    h.run();
    let ctx = h.ctx.clone();
    h.state_mut().perform(Action::Command(Command::CountyCheck), &ctx);
    h.run();
    h.state_mut().county.folder = c.dir.display().to_string();
    h.state_mut().county.roster = c.roster.display().to_string();
    h.state_mut().county.start(&ctx);
    let start = std::time::Instant::now();
    while h.state().county.running() {
        assert!(start.elapsed() < std::time::Duration::from_secs(120), "the check never finished");
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    h.run();
    assert_eq!(h.state().county.error, None);
    window(&mut h, Command::ExportCountySummary, &at("窗口汇总表.csv"));

    // The command line: the same folder and roster, as JSON and the same 汇总表.
    let o = cli(
        config.path(),
        &[
            "check".as_ref(),
            &os(&c.dir),
            "--expect".as_ref(),
            &os(&c.roster),
            "--json".as_ref(),
            "--summary".as_ref(),
            &os(&at("命令行汇总表.csv")),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "a file cannot be read: {}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("the check as JSON");
    let view = &h.state().county;
    let by_window = serde_json::to_value(view.entries()).unwrap();
    assert_eq!(by_window, json["reports"], "every report, its status and findings");
    assert_eq!(view.entries().len(), 14, "12 reports, the duplicate's copy, the broken file");
    let missing: Vec<String> = serde_json::from_value(json["missing"].clone()).unwrap();
    assert!(c.missing.iter().all(|m| missing.contains(m)), "the units that sent nothing: {missing:?}");
    let rows_missing: Vec<String> =
        view.rows().into_iter().filter(|r| r.status == nianbao::county::Status::Missing).map(|r| r.unit).collect();
    assert_eq!(rows_missing, missing, "the window lists the same missing units");
    let (w, l) = (std::fs::read(at("窗口汇总表.csv")), std::fs::read(at("命令行汇总表.csv")));
    let w = w.unwrap_or_else(|e| panic!("the window's 汇总表: {e}; {}", last_message(&h)));
    assert_eq!(String::from_utf8_lossy(&w), String::from_utf8_lossy(&l.unwrap()), "the same 汇总表");

    // Sum: the county's folder (a duplicate, a broken file) is refused by both, in the same words.
    h.state_mut().county.sum_unit = "某某县人民政府办公室".into();
    window(&mut h, Command::SumCounty, &at("不应写出.ron"));
    let said_by_window = last_message(&h);
    assert!(said_by_window.starts_with("未汇总："), "{said_by_window}");
    let o = cli(
        config.path(),
        &[
            "sum".as_ref(),
            &os(&c.dir),
            "--unit".as_ref(),
            "某某县人民政府办公室".as_ref(),
            "-o".as_ref(),
            &os(&at("不应写出2.ron")),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&o.stderr).trim_start_matches("错误：").trim_end(), said_by_window);
    assert!(!at("不应写出.ron").exists() && !at("不应写出2.ron").exists());
    // (the typed reason both print)
    let refused = nianbao::county::run::sum(&SumRequest {
        paths: vec![c.dir.clone()],
        unit: "某某县人民政府办公室".into(),
        output: at("不应写出3.ron"),
        ..SumRequest::default()
    })
    .expect_err("a duplicate and a broken file");
    assert!(matches!(&refused, CountyError::Unsummable(p) if p.len() >= 2), "{refused}");

    // Three units' reports summed: the same draft.
    let parts = at("三个单位");
    std::fs::create_dir(&parts).unwrap();
    for (path, _) in c.reports.iter().take(3) {
        std::fs::copy(path, parts.join(path.file_name().unwrap())).unwrap();
    }
    h.state_mut().county.folder = parts.display().to_string();
    window(&mut h, Command::SumCounty, &at("窗口汇总.ron"));
    assert!(
        last_message(&h).starts_with("已把3个单位的2025年度报告汇总为“某某县人民政府办公室”"),
        "{}",
        last_message(&h)
    );
    let o = cli(
        config.path(),
        &[
            "sum".as_ref(),
            &os(&parts),
            "--unit".as_ref(),
            "某某县人民政府办公室".as_ref(),
            "-o".as_ref(),
            &os(&at("命令行汇总.ron")),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_report(
        &nianbao::store::load(&at("窗口汇总.ron")).unwrap(),
        &nianbao::store::load(&at("命令行汇总.ron")).unwrap(),
        "sum",
    );
}
