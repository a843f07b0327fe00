//! Every Word and web page export read back by the importers (`nianbao::import`, the same code
//! that reads the reports offices already hold): the same figures in every printed cell and the
//! same section texts. Reports come from real published ones, so every section has its text.

use nianbao::import::{ImportOptions, read_bytes};
use nianbao::model::{Report, check_report};

use crate::import_util::fixture as fixture_path;

/// Real reports with every part filled: two CMS pages read in, and the long-CSV fixtures (figures
/// only, with a paragraph written into each section here).
fn reports() -> Vec<(String, Report)> {
    let mut out = Vec::new();
    for name in ["hangzhou-2021-word.html", "shanghai-2019-gbk.html"] {
        let r = read_bytes(
            &std::fs::read(fixture_path(&format!("published/{name}"))).unwrap(),
            None,
            &ImportOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push((name.to_string(), r.report));
    }
    for name in ["seed-2019.csv", "ximeng-2021.csv"] {
        let mut r = super::support::fixture(name);
        let form = r.form().unwrap();
        for (i, s) in form.template.sections.iter().enumerate() {
            let text = format!(
                "第{}部分的说明：本年度共办理“政务公开”事项{}件，详见下表。\n第二段，含<b>标记</b>与&符号。",
                i + 1,
                i * 7
            );
            r.sections.insert(s.id.clone(), text);
        }
        out.push((name.to_string(), r));
    }
    out
}

fn printed_cells(report: &Report) -> Vec<(String, String)> {
    let form = report.form().unwrap();
    form.cells
        .iter()
        .filter(|c| c.is_input() && form.tables[c.table].def.printed)
        .map(|c| (c.id.clone(), report.cell_text(&c.id).to_string()))
        .collect()
}

fn normalized(text: &str) -> String {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

#[test]
fn word_and_web_exports_read_back_with_the_same_cells_and_section_texts() {
    for (name, report) in reports() {
        let form = report.form().unwrap();
        for format in [nianbao::export::Format::Docx, nianbao::export::Format::Html] {
            let opts = nianbao::export::ExportOptions { final_export: true, ..Default::default() };
            let out = nianbao::export::export(format, &report, &form, &opts).unwrap();
            let what = format!("{name} → .{}", format.extension());
            let back =
                read_bytes(&out.bytes, None, &ImportOptions::default()).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(back.report.template, report.template, "{what}: format");
            assert_eq!(back.report.year, report.year, "{what}: year");
            assert_eq!(back.report.unit.name.trim(), report.unit.name.trim(), "{what}: unit");
            let want = printed_cells(&report);
            let got: std::collections::BTreeMap<_, _> = printed_cells(&back.report).into_iter().collect();
            let wrong: Vec<_> = want.iter().filter(|(id, v)| got.get(id) != Some(v)).collect();
            assert!(
                wrong.is_empty(),
                "{what}: {} of {} cells differ, e.g. {:?} read back as {:?}",
                wrong.len(),
                want.len(),
                wrong.first(),
                wrong.first().map(|(id, _)| got.get(id))
            );
            for s in &form.template.sections {
                let want = normalized(report.sections.get(&s.id).map(String::as_str).unwrap_or(""));
                let got = normalized(back.report.sections.get(&s.id).map(String::as_str).unwrap_or(""));
                assert_eq!(got, want, "{what}: section {}", s.heading);
            }
            // Read back, the report checks the same (a reviewer sees the same findings).
            let ctx = Default::default();
            let rules = |r: &Report| {
                let mut v: Vec<String> = check_report(&form, r, &ctx).1.into_iter().map(|f| f.rule).collect();
                v.sort();
                v
            };
            assert_eq!(rules(&back.report), rules(&report), "{what}: findings");
        }
    }
}
