//! The import corpus: the same reports published by several producers in several layouts
//! (tests/fixtures/corpus, made by tests/corpus/make_corpus.py — LibreOffice, Chromium, the
//! project's own Word export saved again, PDFs typeset with borders as lines, as filled bars or
//! none, a text run per character, labels wrapped over three lines, running headers, page
//! numbers, a table interrupting a paragraph; WPS-like Word files; pages pasted from Word).
//!
//! Every cell must come back right, and the texts whole: for each document, the share of the
//! source's characters found in order in the imported section (longest common subsequence) is
//! at least 99.5%, and no section that has text in the source comes back empty. The table the
//! README shows is printed by this test (`cargo test --test it corpus -- --nocapture`).

use std::collections::BTreeMap;

use crate::import_util::*;
use nianbao::import::{self, ImportOptions, NoteKind, SourceKind, Target};
use nianbao::model::{Context, Severity, check_report};

struct Entry {
    file: String,
    expected: String,
    producer: String,
    layout: String,
}

fn manifest() -> Vec<Entry> {
    let path = fixture("corpus/manifest.csv");
    let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .map(|rec| {
            let rec = rec.expect("manifest row");
            Entry {
                file: rec[0].to_string(),
                expected: rec[1].to_string(),
                producer: rec[2].to_string(),
                layout: rec[3].to_string(),
            }
        })
        .collect()
}

/// How one document came back.
struct Score {
    cells: usize,
    cells_right: usize,
    wrong: Vec<String>,
    /// Per text (section key, or 开头 for the opening): source characters, found in order, extra.
    texts: BTreeMap<String, (usize, usize, usize)>,
    paragraphs: usize,
    paragraphs_whole: usize,
    empty: Vec<String>,
}

impl Score {
    fn chars(&self) -> (usize, usize, usize) {
        self.texts.values().fold((0, 0, 0), |a, t| (a.0 + t.0, a.1 + t.1, a.2 + t.2))
    }
    fn share(&self) -> f64 {
        let (src, found, _) = self.chars();
        if src == 0 { 1.0 } else { found as f64 / src as f64 }
    }
}

fn score(got: &import::Imported, csv_name: &str) -> Score {
    let (want, published) = expected(&format!("corpus/{csv_name}"));
    let form = want.form().expect("form");
    let mut s = Score {
        cells: 0,
        cells_right: 0,
        wrong: Vec::new(),
        texts: BTreeMap::new(),
        paragraphs: 0,
        paragraphs_whole: 0,
        empty: Vec::new(),
    };
    for t in form.tables.iter().filter(|t| t.def.printed) {
        for &ix in &t.cells {
            let c = &form.cells[ix];
            if c.ui_only {
                continue;
            }
            let (g, w) = if c.is_input() {
                (got.report.cell_text(&c.id).to_string(), want.cell_text(&c.id).to_string())
            } else if let Some(w) = published.get(&c.id) {
                (got.published.get(&c.id).cloned().unwrap_or_else(|| "<缺>".into()), w.clone())
            } else {
                continue;
            };
            s.cells += 1;
            if g == w {
                s.cells_right += 1;
            } else {
                s.wrong.push(format!("{}: “{g}”≠“{w}”", form.cell_path(ix)));
            }
        }
    }
    let mut texts: Vec<(String, String, String)> =
        want.sections.iter().map(|(k, w)| (k.clone(), w.clone(), got.report.section(k).to_string())).collect();
    texts.push((
        "开头".into(),
        want.options.opening_text.clone().unwrap_or_default(),
        got.report.options.opening_text.clone().unwrap_or_default(),
    ));
    for (k, w, g) in texts {
        let (wc, gc) = (text_chars(&w), text_chars(&g));
        if wc.is_empty() {
            continue;
        }
        let found = lcs_len(&wc, &gc);
        s.texts.insert(k.clone(), (wc.len(), found, gc.len() - found));
        if gc.is_empty() {
            s.empty.push(k.clone());
        }
        let lines: Vec<String> = g.lines().map(|l| text_chars(l).into_iter().collect()).collect();
        for p in w.lines().filter(|p| !p.trim().is_empty()) {
            s.paragraphs += 1;
            let p: String = text_chars(p).into_iter().collect();
            if lines.contains(&p) {
                s.paragraphs_whole += 1;
            }
        }
    }
    s
}

/// The characters the import report says went nowhere (0 when it says nothing).
fn lost_chars(got: &import::Imported) -> usize {
    got.notes
        .iter()
        .find_map(|n| n.message.strip_prefix("文件中有"))
        .and_then(|m| m.split('个').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn corpus_every_cell_and_at_least_995_per_mille_of_the_text_in_place() {
    let entries = manifest();
    assert!(entries.len() >= 20, "the corpus has {} documents", entries.len());
    let mut table = vec![
        "| document | producer | cells right | characters in place | extra | paragraphs whole | reported not imported |"
            .to_string(),
        "|---|---|---|---|---|---|---|".to_string(),
    ];
    let mut failures = Vec::new();
    for e in &entries {
        let path = fixture(&format!("corpus/{}", e.file));
        let got = match import::read_file(&path, &ImportOptions::default()) {
            Ok(g) => g,
            Err(err) => {
                failures.push(format!("{}: {err}", e.file));
                table.push(format!("| {} | {} | 导入失败 | | | | |", e.file, e.producer));
                continue;
            }
        };
        let s = score(&got, &e.expected);
        let (src, found, extra) = s.chars();
        let unreported = lost_chars(&got);
        table.push(format!(
            "| {} | {} | {}/{} | {:.2}% ({found}/{src}) | {extra} | {}/{} | {unreported} |",
            e.file,
            e.producer,
            s.cells_right,
            s.cells,
            s.share() * 100.0,
            s.paragraphs_whole,
            s.paragraphs
        ));
        if s.cells_right != s.cells {
            failures.push(format!("{} ({}): {} cells wrong: {}", e.file, e.layout, s.wrong.len(), s.wrong.join("; ")));
        }
        if s.share() < 0.995 {
            let worst: Vec<String> =
                s.texts.iter().filter(|(_, t)| t.1 < t.0).map(|(k, t)| format!("{k} {}/{}", t.1, t.0)).collect();
            failures.push(format!("{}: {:.2}% of the text in place ({})", e.file, s.share() * 100.0, worst.join(", ")));
        }
        if !s.empty.is_empty() {
            failures.push(format!("{}: sections empty: {}", e.file, s.empty.join(", ")));
        }
        if unreported > 0 {
            failures.push(format!("{}: the import report counts {unreported} characters not imported", e.file));
        }
        if s.wrong.len() + s.empty.len() > 0 || s.share() < 0.995 {
            failures.push(format!("  notes of {}:\n{}", e.file, notes(&got)));
        }
    }
    println!("{}", table.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn corpus(name: &str) -> import::Imported {
    import(&fixture(&format!("corpus/{name}")))
}

fn t3_row(got: &import::Imported, key: &str) -> Vec<String> {
    ["np", "le_biz", "le_sci", "le_ngo", "le_law", "le_oth"]
        .iter()
        .map(|c| got.report.cell_text(&format!("t3.{key}.{c}")).to_string())
        .collect()
}

/// Case 1: a GB2021 report printing a single （六）其他处理 row of zeros (the GB2019 shape).
#[test]
fn a_single_other_row_of_zeros_makes_every_row_under_it_zero() {
    for name in ["a6z-rl-borderless.pdf", "a6z-rl-wps-fill.pdf"] {
        let got = corpus(name);
        for key in ["r_other_1", "r_other_2", "r_other_3"] {
            assert_eq!(t3_row(&got, key), vec!["0"; 6], "{name} {key}\n{}", notes(&got));
        }
        assert!(!got.notes.iter().any(|n| n.kind == NoteKind::Ambiguous), "{name}: {}", notes(&got));
        assert!(got.notes.iter().any(|n| n.message.contains("全为0")), "{name}: {}", notes(&got));
    }
}

/// Case 1: a single non-zero （六） row: its figures go to 3.其他, 1. and 2. are 0, a note says so.
#[test]
fn a_single_non_zero_other_row_goes_to_3_other_and_the_rows_beside_it_are_zero() {
    let (want, _) = expected("corpus/a6-2021.csv");
    for name in ["a6-rl-wps-fill.pdf", "a6-rl-borderless.pdf"] {
        let got = corpus(name);
        let want3: Vec<String> = ["np", "le_biz", "le_sci", "le_ngo", "le_law", "le_oth"]
            .iter()
            .map(|c| want.cell_text(&format!("t3.r_other_3.{c}")).to_string())
            .collect();
        assert!(want3.iter().all(|v| v != "0"), "the source's 3.其他 is non-zero");
        assert_eq!(t3_row(&got, "r_other_3"), want3, "{name}");
        assert_eq!(t3_row(&got, "r_other_1"), vec!["0"; 6], "{name}");
        assert_eq!(t3_row(&got, "r_other_2"), vec!["0"; 6], "{name}");
        let n = got.notes.iter().find(|n| n.kind == NoteKind::Ambiguous && n.message.contains("（六）其他处理"));
        let n = n.unwrap_or_else(|| panic!("{name}: no note\n{}", notes(&got)));
        assert_eq!(n.target, Some(Target::Cell("t3.r_other_3.np".into())), "{name}");
    }
}

/// Case 2: row labels wrapped onto two or three lines in a narrow cell, the numbers on a line of
/// their own, vertically centred — with borders as thin filled bars (WPS), as lines, as
/// horizontal rules only, and without borders. Each row is its label and the numbers in its
/// band: no row has more numbers than columns, and a clean report checks clean.
#[test]
fn labels_wrapped_over_three_lines_with_the_numbers_centred_make_one_row() {
    let (want, _) = expected("corpus/a-2021.csv");
    for name in ["a-rl-wps-fill.pdf", "a-rl-borderless.pdf", "a-rl-double-heads.pdf", "a-rl-charruns.pdf"] {
        let got = corpus(name);
        for key in ["r_reject_5", "r_other_1", "r_other_2", "r_other_3", "r_partial"] {
            let w: Vec<String> = ["np", "le_biz", "le_sci", "le_ngo", "le_law", "le_oth"]
                .iter()
                .map(|c| want.cell_text(&format!("t3.{key}.{c}")).to_string())
                .collect();
            assert_eq!(t3_row(&got, key), w, "{name} {key}");
        }
        assert_eq!(got.published.get("t3.r_total.le_biz"), Some(&want_total(&want, "le_biz")), "{name}");
        assert!(!got.notes.iter().any(|n| n.message.contains("个数")), "{name}: {}", notes(&got));
        let form = got.report.form().unwrap();
        // As `check` would: with the parts and tables the file itself lacks (S-01, S-07).
        let ctx = Context {
            today: None,
            published: got.published.clone(),
            absent_tables: got.absent_tables.clone(),
            absent_sections: got.absent_sections.clone(),
            ..Default::default()
        };
        let (_, findings) = check_report(&form, &got.report, &ctx);
        let errors: Vec<_> = findings.iter().filter(|f| f.severity == Severity::E).collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

fn want_total(want: &nianbao::model::Report, col: &str) -> String {
    let form = want.form().unwrap();
    let v = nianbao::model::Values::compute(&form, want);
    let ix = form.index[&format!("t3.r_total.{col}")];
    v.get(ix).num().map(|n| n.to_string()).unwrap_or_default()
}

/// Case 3: the six headings found however the producer split them: a run per character, a
/// full-width space inside, letter-spaced, in another font and size, drawn twice (simulated
/// bold).
#[test]
fn headings_split_into_runs_spaced_or_in_another_font_are_found() {
    for name in [
        "a-rl-charruns.pdf",
        "a-rl-borderless.pdf",
        "a-rl-double-heads.pdf",
        "b-rl-letterspaced.pdf",
        "b-rl-borderless-charruns.pdf",
        "a-wps.docx",
        "b-wps.docx",
        "a-word-paste.html",
    ] {
        let got = corpus(name);
        assert!(!got.notes.iter().any(|n| n.message.starts_with("未找到正文")), "{name}: {}", notes(&got));
        assert!(!got.notes.iter().any(|n| n.message.contains("一一、、")), "{name}: a glyph drawn twice read twice");
    }
}

/// Case 4: the opening paragraph and every sub-section's body come back whole from a WPS-like
/// PDF (punctuation in runs of another font, hanging past the margin); no paragraph is a lone
/// 「。」 or 「，」.
#[test]
fn the_opening_and_every_subsection_body_of_a_wps_like_pdf_come_back_whole() {
    let (want, _) = expected("corpus/a-2021.csv");
    for name in ["a-rl-wps-fill.pdf", "a6-rl-wps-fill.pdf"] {
        let got = corpus(name);
        assert_eq!(got.report.options.opening_text, want.options.opening_text, "{name}");
        for key in ["s1.1", "s1.2", "s1.3", "s1.4", "s1.5"] {
            assert_eq!(got.report.section(key), want.section(key), "{name} {key}");
        }
        for text in got.report.sections.values() {
            for line in text.lines() {
                assert!(!matches!(line.trim(), "。" | "，" | "、" | ""), "{name}: a stray paragraph “{line}”");
            }
        }
    }
}

/// Case 5: paragraphs run on across page breaks (with running headers, 「— N —」 and
/// 「第N页 共M页」 page numbers, Chromium's date-and-title header and address-and-「1/6」
/// footer between) and across a table set in the middle of a paragraph; none of the page
/// furniture lands in the text.
#[test]
fn paragraphs_run_on_across_page_breaks_page_furniture_and_a_table_inside_them() {
    for (name, csv_name) in [
        ("a-rl-wps-fill.pdf", "a-2021.csv"),
        ("a-rl-borderless.pdf", "a-2021.csv"),
        ("a-rl-double-heads.pdf", "a-2021.csv"),
        ("a-chromium.pdf", "a-2021.csv"),
        ("b-chromium.pdf", "b-2019.csv"),
        ("b-rl-wps-fill.pdf", "b-2019.csv"),
    ] {
        let got = corpus(name);
        let s = score(&got, csv_name);
        assert_eq!(s.paragraphs_whole, s.paragraphs, "{name}: a paragraph broken or joined");
        let all: String = got.report.sections.values().cloned().collect::<Vec<_>>().join("\n");
        for furniture in ["— ", "第 ", "file://", "PM", "政府信息公开工作年度报告"] {
            assert!(!all.contains(furniture), "{name}: “{furniture}” in the text");
        }
    }
    // The paragraph 表二 interrupts (its first two lines above the table, the rest below).
    let (want, _) = expected("corpus/a-2021.csv");
    assert_eq!(corpus("a-rl-wps-fill.pdf").report.section("s2"), want.section("s2"));
}

/// Case 6: the seed PDF's title (two centred lines) is the title, once: not a paragraph of 一、
/// nor of the opening; a two-line title typeset here likewise.
#[test]
fn a_title_over_two_lines_is_read_once_as_the_title() {
    let got = import(&published_file("seed-2019.pdf"));
    assert!(!got.notes.iter().any(|n| n.message.contains("标题中没有年度")), "{}", notes(&got));
    let title = "兴义市应急管理局2019年度政府信息公开工作";
    let opening = got.report.options.opening_text.clone().unwrap_or_default();
    assert!(!opening.contains(title) && !opening.contains("年度报告\n"), "{opening}");
    assert!(!got.report.section("s1").contains(title), "{}", got.report.section("s1"));
    assert!(opening.starts_with("2019年,兴义市应急根据"), "{opening}");
    for name in ["a-rl-wps-fill.pdf", "b-rl-letterspaced.pdf"] {
        let got = corpus(name);
        assert_eq!(got.report.unit.name, "兴义市应急管理局", "{name}");
        let all: String = got.report.sections.values().cloned().collect::<Vec<_>>().join("\n");
        assert!(!all.contains("政府信息公开工作年度报告"), "{name}");
    }
}

/// Nothing silently dropped: text before the title and after the 落款 is counted and named.
#[test]
fn characters_that_land_nowhere_are_counted_and_named() {
    let text = "抄送：市政府办公室\n兴义市应急管理局2021年政府信息公开工作年度报告\n一、总体情况\n全年工作有序开展。\n\
        二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n\
        五、存在的主要问题及改进情况\n六、其他需要报告的事项\n无。\n兴义市应急管理局\n2022年1月18日\n\
        附：本报告另有电子版可供下载\n";
    let got = import::read_bytes(text.as_bytes(), None, &ImportOptions::default()).expect("import");
    assert_eq!(got.kind, SourceKind::Text);
    let n = got.notes.iter().find(|n| n.message.starts_with("文件中有")).unwrap_or_else(|| panic!("{}", notes(&got)));
    assert_eq!(n.kind, NoteKind::Ignored);
    assert_eq!(lost_chars(&got), "抄送：市政府办公室".chars().count() + "附：本报告另有电子版可供下载".chars().count());
    assert!(n.message.contains("“抄送：市政府办公室”（9字，在标题之前）"), "{}", n.message);
    assert!(n.message.contains("在落款之后"), "{}", n.message);
    // A clean report says nothing of the kind.
    assert_eq!(lost_chars(&corpus("a-lo.pdf")), 0);
}

/// WPS-like Word files: headings numbered by Word's list numbering (styles), a table inside a
/// text box in the middle of a paragraph, a floating table, the title in a frame.
#[test]
fn a_wps_like_docx_with_list_numbered_heading_styles_and_a_table_in_a_text_box() {
    let (want, published) = expected("corpus/a-2021.csv");
    let got = corpus("a-wps.docx");
    assert_cells(&got, &want, &published, &["t2", "t3", "t4"]);
    assert_eq!(got.report.section("s3"), want.section("s3"), "the paragraph the text box sits in stays whole");
    // The headings read as numbered: no reworded-heading note.
    assert!(!got.notes.iter().any(|n| n.message.starts_with("标题“")), "{}", notes(&got));
}

/// Web pages pasted from Word: <o:p>, &nbsp; padding, mso-list numbering, row labels wrapped by
/// hand over several <p>s in one cell, the title twice (the CMS heading and the pasted one).
#[test]
fn a_word_pasted_page_with_padding_list_numbers_and_labels_over_several_paragraphs() {
    for (name, csv_name) in [("a-word-paste.html", "a-2021.csv"), ("b-word-paste.html", "b-2019.csv")] {
        let (want, published) = expected(&format!("corpus/{csv_name}"));
        let got = corpus(name);
        assert_cells(&got, &want, &published, &["t2", "t3", "t4"]);
        assert_sections(&got, &want);
        assert_eq!(got.report.options.opening_text, want.options.opening_text, "{name}");
    }
}
