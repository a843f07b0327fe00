//! The 政务公开办's tools on a generated county (60 units in two folders as drafts, CSVs and web
//! pages; planted errors; 3 units missing; a duplicate; a broken file; one unit in the old
//! format): `check` of the folder with a roster and a summary, `sum`, and `check --children`.

use std::path::Path;

use crate::county_util::{COUNTY, County, YEAR, errors_of, generate, independent_sum};
use crate::run::{message_problem, nianbao, stderr, stdout};

fn county() -> (tempfile::TempDir, County) {
    let dir = tempfile::tempdir().unwrap();
    let c = generate(&dir.path().join("2025年度报告"), 60);
    (dir, c)
}

fn chinese_only(text: &str, dir: &Path) {
    let text = text.replace(&dir.display().to_string(), "");
    assert!(message_problem(&text).is_none(), "{:?}: {text}", message_problem(&text));
}

#[test]
fn the_generated_county_is_what_the_tests_say_it_is() {
    let (_d, c) = county();
    assert_eq!(c.names.len(), 63);
    assert_eq!(c.reports.len(), 59, "60 reporting, one of them in the old format (the duplicate counted once)");
    for (path, r) in &c.reports {
        let planted = c.with_errors.contains(&r.unit.name);
        assert_eq!(errors_of(r) > 0, planted, "{}", path.display());
    }
    assert_eq!(c.with_errors.len(), 10);
}

#[test]
fn check_of_a_folder_names_every_unit_with_errors_every_missing_unit_the_duplicate_and_the_broken_file() {
    let (dir, c) = county();
    let summary = dir.path().join("汇总表.xlsx");
    let o = nianbao(&[
        "check".as_ref(),
        c.dir.as_os_str(),
        "--expect".as_ref(),
        c.roster.as_os_str(),
        "--summary".as_ref(),
        summary.as_os_str(),
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(2), "a file could not be read: {out}\n{}", stderr(&o));
    chinese_only(&out, dir.path());
    chinese_only(&stderr(&o), dir.path());
    // One line (and its file line) per report, and the total.
    let report_lines: Vec<&str> = out.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(report_lines.len(), 61 + 1, "60 reports, the duplicate's second file and the broken file: {out}");
    for unit in &c.with_errors {
        assert!(
            report_lines
                .iter()
                .any(|l| l.starts_with("[有错误]") && l.contains(unit.as_str()) && l.contains("首个错误：表三")),
            "{unit} is named with its first error: {out}"
        );
    }
    let clean = report_lines.iter().filter(|l| l.starts_with("[通过]")).count();
    assert!(clean >= 40, "the rest pass: {clean}\n{out}");
    assert!(out.contains(&format!("未报送（3个单位）：{}", c.missing.join("、"))), "{out}");
    let (dup, files) = &c.duplicate;
    assert!(out.contains(&format!("重复报送：{dup} {YEAR}年度，共2份")), "{out}");
    assert!(out.contains(&files[1].display().to_string()));
    assert!(out.contains(&format!("[无法读取] {}：", c.broken.display())), "{out}");
    assert!(!out.contains(".bak"), "backups are not reports");
    let (old, old_file) = &c.other_format;
    assert!(
        out.lines().any(|l| l.contains(old.as_str()) && l.contains("〔2019〕60号")),
        "{old} {}",
        old_file.display()
    );
    assert!(out.contains("共62个文件：通过"), "{out}");
    assert!(out.trim_end().ends_with("未报送3个单位"), "{out}");

    // The summary: one row per file and per missing unit, every finding on its own sheet.
    use calamine::{Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(&summary).expect("an Excel file");
    let sheet = wb.worksheet_range("汇总").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let head = rows.iter().position(|r| r.first().is_some_and(|c| c == "序号")).expect("column heads");
    let body = &rows[head + 1..];
    assert_eq!(body.len(), 62 + 3, "every file and every missing unit");
    let status = |unit: &str| body.iter().find(|r| r[1] == unit).map(|r| r[5].clone());
    for m in &c.missing {
        assert_eq!(status(m).as_deref(), Some("未报送"), "{m}");
    }
    for unit in &c.with_errors {
        assert_eq!(status(unit).as_deref(), Some("有错误"), "{unit}");
    }
    assert!(body.iter().any(|r| r[5] == "无法读取" && r[11].ends_with("统计局.ron")));
    assert!(body.iter().filter(|r| r[10].contains("重复报送")).count() == 2);
    let findings = wb.worksheet_range("问题明细").unwrap();
    let f_rows: Vec<Vec<String>> = findings.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    for unit in &c.with_errors {
        assert!(
            f_rows.iter().any(|r| r[0] == *unit && r[1] == "错误" && r[2] == "T3-01" && r[3].starts_with("表三/")),
            "{unit}'s finding in words"
        );
    }
}

#[test]
fn the_summary_is_also_a_web_page_and_a_csv_and_json_lists_the_same() {
    let (dir, c) = county();
    for name in ["汇总表.html", "汇总表.csv"] {
        let path = dir.path().join(name);
        let o = nianbao(&["check".as_ref(), c.dir.as_os_str(), "--summary".as_ref(), path.as_os_str()]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        for unit in &c.with_errors {
            assert!(text.contains(unit.as_str()), "{name}: {unit}");
        }
        assert!(text.contains("T3-01") && text.contains("问题明细"), "{name}");
        if name.ends_with("csv") {
            assert!(text.starts_with('\u{feff}'), "a BOM so Excel reads it as UTF-8");
            let mut r = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(text.as_bytes());
            assert!(r.records().all(|x| x.is_ok()), "valid CSV");
        } else {
            let page = scraper::Html::parse_document(&text);
            let rows = page.select(&scraper::Selector::parse("table:first-of-type tbody tr").unwrap()).count();
            assert_eq!(rows, 62, "one row per file (no roster given, so no missing units)");
        }
    }
    let o =
        nianbao(&["check".as_ref(), c.dir.as_os_str(), "--expect".as_ref(), c.roster.as_os_str(), "--json".as_ref()]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(doc["totals"]["reports"], 62);
    assert_eq!(doc["totals"]["missing"], 3);
    assert_eq!(doc["missing"].as_array().unwrap().len(), 3);
    assert_eq!(doc["reports"].as_array().unwrap().len(), 62);
}

#[test]
fn a_clean_folder_exits_0_and_errors_or_a_missing_unit_exit_1() {
    let (_d, c) = county();
    // Only the clean drafts, in a folder of their own.
    let clean = tempfile::tempdir().unwrap();
    let mut names = String::new();
    for (path, r) in c.reports.iter().filter(|(_, r)| errors_of(r) == 0).take(5) {
        std::fs::copy(path, clean.path().join(path.file_name().unwrap())).unwrap();
        names.push_str(&format!("{}\n", r.unit.name));
    }
    let o = nianbao(&["check".as_ref(), clean.path().as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let roster = clean.path().join("名单.txt");
    std::fs::write(&roster, format!("{names}{COUNTY}未报送的单位\n")).unwrap();
    let o = nianbao(&["check".as_ref(), clean.path().as_os_str(), "--expect".as_ref(), roster.as_os_str()]);
    assert_eq!(o.status.code(), Some(1), "a unit missing: {}", stdout(&o));
    assert!(stdout(&o).contains(&format!("未报送（1个单位）：{COUNTY}未报送的单位")));
}

#[test]
fn sum_adds_the_units_exactly_and_refuses_the_odd_file_by_name() {
    let (dir, c) = county();
    let out = dir.path().join("汇总.ron");
    // The whole folder: the broken file stops it first, by name.
    let o = nianbao(&[
        "sum".as_ref(),
        c.dir.as_os_str(),
        "--unit".as_ref(),
        "某某县人民政府".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    // Every problem is listed at once: the broken file, the old format, the duplicate.
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    chinese_only(&e, dir.path());
    assert!(e.contains("未汇总：以下3个问题需先处理"), "{e}");
    assert!(e.contains(&format!("[无法读取] {}", c.broken.display())), "{e}");
    assert!(e.contains(&format!("“{}”是国办公开办函〔2019〕60号格式", c.other_format.1.display())), "{e}");
    assert!(e.contains(&format!("“{}”与“{}”都是", c.duplicate.1[1].display(), c.duplicate.1[0].display())), "{e}");
    assert!(!out.exists());
    std::fs::remove_file(&c.broken).unwrap();
    // Without the duplicate and the old-format unit: the exact sum.
    std::fs::remove_file(&c.duplicate.1[1]).unwrap();
    std::fs::remove_file(&c.other_format.1).unwrap();
    let o = nianbao(&[
        "sum".as_ref(),
        c.dir.as_os_str(),
        "--unit".as_ref(),
        "某某县人民政府".as_ref(),
        "--year".as_ref(),
        "2025".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    chinese_only(&stdout(&o), dir.path());
    assert!(stdout(&o).contains("已把59个单位的2025年度报告汇总为“某某县人民政府”"), "{}", stdout(&o));
    let summed = nianbao::store::load(&out).unwrap();
    assert_eq!(summed.summed_from.len(), 59, "the units are kept in the draft");
    assert_eq!(summed.unit.name, "某某县人民政府");
    let parts: Vec<&nianbao::model::Report> = c.reports.iter().map(|(_, r)| r).collect();
    let want = independent_sum(&parts);
    let got = independent_sum(&[&summed]);
    assert_eq!(got, want, "every cell is the sum of the units' cells");
    // Totals of the sum are computed like any report's: errors are the planted ones, added.
    assert!(
        nianbao::model::check_report(&summed.form().unwrap(), &summed, &Default::default())
            .1
            .iter()
            .any(|f| f.rule == "T3-01")
    );

    // A total that claims to be the sum, one cell off: only that cell, naming the units.
    let mut claimed = summed.clone();
    let np: i64 = claimed.cell_text("t3.new.np").parse().unwrap();
    claimed.set_cell("t3.new.np", &(np + 7).to_string());
    let total = dir.path().join("县级汇总.ron");
    nianbao::store::save(&total, &claimed).unwrap();
    let o = nianbao(&["check".as_ref(), total.as_os_str(), "--children".as_ref(), c.dir.as_os_str()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("有1个单元格与59个单位报告之和不同"), "{text}");
    assert!(
        text.contains(&format!("表三/一、本年新收政府信息公开申请数量/自然人：汇总报告为{}，各单位合计{np}", np + 7)),
        "{text}"
    );
    assert!(text.contains(&c.reports[1].1.unit.name) || text.contains("等59个单位"), "{text}");
    nianbao::store::save(&total, &summed).unwrap();
    let o = nianbao(&["check".as_ref(), total.as_os_str(), "--children".as_ref(), c.dir.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// `NB_COUNTY_DIR=dir NB_COUNTY_UNITS=500 cargo test --test it county::write_a_county -- --ignored`
/// writes a generated county for measuring the real command (peak memory, time).
#[test]
#[ignore = "writes a county folder for measuring"]
fn write_a_county_for_measuring() {
    let Some(dir) = std::env::var_os("NB_COUNTY_DIR") else { return };
    let units = std::env::var("NB_COUNTY_UNITS").ok().and_then(|u| u.parse().ok()).unwrap_or(60);
    generate(Path::new(&dir), units);
}
