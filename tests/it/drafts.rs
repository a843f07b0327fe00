//! Drafts on disk: lossless round trips, atomic saves with a backup, and clear errors for files
//! that cannot be read — which are never overwritten.

use std::path::Path;

use nianbao::model::report::{Reference, TitlePattern};
use nianbao::model::{Date, Report};
use nianbao::store::csv::{self, ImportOptions};
use nianbao::store::draft::{self, DraftError};

fn full_report() -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hangzhou-2021.csv");
    let mut r = csv::read(&path, &ImportOptions::default()).unwrap().report;
    r.unit.phone = "0571-12345678".into();
    r.unit.address = "浙江省杭州市\"某\"路1号".into();
    r.unit.makes_rules = Some(true);
    r.set_cell("t3.new.le_sci", " １２ ");
    r.set_cell("t3.carry_out.le_ngo", "12a");
    r.sections.insert("s5".into(), "第一段，含“引号”和\\反斜杠。\n第二段\t制表符。".into());
    r.explanations.insert("T2N-02@t2.nds.valid".into(), "年内清理文件3件。".into());
    r.options.title_pattern = TitlePattern::YearUnit;
    r.options.landscape_table4 = true;
    r.options.opening_text = Some("自定义的开头。".into());
    let mut reference =
        Reference { year: 2020, template: "gb2019".into(), cells: Default::default(), sections: Default::default() };
    reference.cells.insert("t3.carry_out.np".into(), "535".into());
    reference.cells.insert("t2.lic.prev".into(), "40".into());
    reference.sections.insert("s5".into(), "上年的问题。".into());
    r.reference = Some(reference);
    r
}

#[test]
fn draft_ron_round_trip_is_lossless() {
    let r = full_report();
    let text = draft::to_ron(&r).unwrap();
    assert!(text.starts_with("(\n  format: \"nianbao-draft\",\n  version: 1,"), "{}", &text[..80]);
    assert!(text.contains("\"t3.new.np\": \"13612\""), "cells keyed by stable ids, readable");
    assert!(text.contains("杭州市人民政府办公厅"), "Chinese is written as is, not escaped");
    let back = draft::from_ron(&text, Path::new("x.ron")).unwrap();
    assert_eq!(back, r);
}

#[test]
fn draft_csv_round_trip_is_lossless() {
    let r = full_report();
    let form = r.form().unwrap();
    let text = csv::export(&r, &form);
    assert!(text.starts_with("\u{feff}表,行,列,值\r\n"), "UTF-8 BOM and CRLF for Excel");
    assert!(text.contains("表三,一、本年新收政府信息公开申请数量,自然人,13612\r\n"));
    assert!(text.contains("表三,（三）不予公开/1.属于国家秘密,商业企业,0\r\n"));
    assert!(text.contains("表三,（七）总计,总计,13810\r\n"), "totals are exported as printed");
    let data = csv::parse(text.as_bytes(), &ImportOptions::default()).unwrap();
    assert!(data.issues.is_empty(), "{:?}", data.issues);
    assert_eq!(data.report, r);
    // The exported totals agree with the computed ones.
    let ctx = nianbao::model::Context { today: None, published: data.published.clone(), ..Default::default() };
    let (_, findings) = nianbao::model::check_report(&form, &data.report, &ctx);
    assert!(!findings.iter().any(|f| f.rule == "T3-03" || f.rule == "T3-02"), "{findings:#?}");
}

#[test]
fn save_load_keeps_a_backup_of_the_previous_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2025年报.ron");
    let mut r = Report::new("gb2021", 2025, "某局");
    draft::save(&path, &r).unwrap();
    assert!(!nianbao::store::atomic::backup_path(&path).exists(), "nothing to back up yet");
    r.set_cell("t3.new.np", "5");
    draft::save(&path, &r).unwrap();
    assert_eq!(draft::load(&path).unwrap(), r);
    let bak = nianbao::store::atomic::backup_path(&path);
    let old = draft::load(&bak).unwrap();
    assert_eq!(old.cell_text("t3.new.np"), "");
    // No temporary files are left behind.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_broken_file_gives_line_and_column() {
    let r = Report::new("gb2021", 2025, "某局");
    let text = draft::to_ron(&r).unwrap().replacen("year: 2025,", "year: 2025", 1);
    let err = draft::from_ron(&text, Path::new("坏.ron")).unwrap_err();
    match &err {
        DraftError::Syntax { line, col, .. } => {
            let expected_line = text.lines().position(|l| l.contains("unit:")).unwrap() + 1;
            assert_eq!(*line, expected_line, "{err}");
            assert!(*col > 0);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().starts_with("文件“坏.ron”第"), "{err}");
}

#[test]
fn truncated_files_give_errors_not_panics() {
    let text = draft::to_ron(&full_report()).unwrap();
    let mut cuts = 0;
    for (i, _) in text.char_indices().step_by(7) {
        if text[..i].trim_end() == text.trim_end() {
            continue; // only the final line break is missing: the draft is complete
        }
        let r = draft::from_ron(&text[..i], Path::new("t.ron"));
        assert!(r.is_err(), "a draft cut at byte {i} must not load");
        cuts += 1;
    }
    assert!(cuts > 100);
}

#[test]
fn garbage_and_foreign_files_are_refused_with_a_reason() {
    let p = Path::new("x.ron");
    assert!(matches!(draft::from_ron("", p), Err(DraftError::Syntax { .. })));
    assert!(matches!(draft::from_ron("(a: 1)", p), Err(DraftError::NotDraft { .. })));
    assert!(matches!(draft::from_ron("[[[[[[", p), Err(DraftError::Syntax { .. })));
    let deep = "(".repeat(10_000);
    assert!(draft::from_ron(&deep, p).is_err());
    let unknown = draft::to_ron(&Report::new("gb2021", 2025, "")).unwrap().replace("\"gb2021\"", "\"gb2099\"");
    assert!(matches!(draft::from_ron(&unknown, p), Err(DraftError::UnknownTemplate { .. })));
}

#[test]
fn a_newer_format_version_is_refused() {
    let text = draft::to_ron(&Report::new("gb2021", 2025, "某局")).unwrap().replace("version: 1,", "version: 7,");
    let err = draft::from_ron(&text, Path::new("新.ron")).unwrap_err();
    assert!(matches!(err, DraftError::TooNew { found: 7, .. }));
    assert!(err.to_string().contains("请升级软件"), "{err}");
}

#[test]
fn an_unreadable_file_is_never_overwritten_by_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("坏.ron");
    std::fs::write(&path, "这不是草稿").unwrap();
    let args: Vec<String> =
        ["new", "--year", "2025", "--unit", "某局", "-o", path.to_str().unwrap(), "--force"].map(String::from).to_vec();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = nianbao::cli::run(&args, &mut out, &mut err);
    assert_eq!(code, 2);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "这不是草稿");
}

#[test]
fn dates_parse_in_the_forms_people_write() {
    for s in ["2026-01-19", "2026/1/19", "2026.1.19", "2026年1月19日", "２０２６年１月１９日"] {
        assert_eq!(Date::parse(s), Date::new(2026, 1, 19), "{s}");
    }
    assert_eq!(Date::parse("2026-02-30"), None);
    assert_eq!(Date::new(2026, 1, 19).unwrap().chinese(), "2026年1月19日");
    assert_eq!(Date::from_days(20_472), Date::new(2026, 1, 19).unwrap());
}
