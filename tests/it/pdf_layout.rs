//! The typesetting invariants, checked on a sweep of drafts (the real-figure fixtures × section
//! texts of growing length from the seed report, GB2021 and GB2019, with and without the annex,
//! table 四 portrait and landscape) from the PDF's own glyph and rule positions:
//! no two glyphs overlap; nothing but the page number outside the text block; no glyph across a
//! table rule (nothing drawn outside its cell); no line starts with a closing mark or ends with
//! an opening one; no page ends with a heading or a table label row; page numbers consecutive.

use std::path::Path;

use crate::pdfgeom::{self, PageGeom, TextLine};
use nianbao::model::Report;
use nianbao::pdf::fonts::FontSources;
use nianbao::pdf::{PdfOptions, export_with};

const MM: f32 = 72.0 / 25.4;
const LEFT: f32 = 28.0 * MM;
const RIGHT: f32 = (28.0 + 156.0) * MM;
const TOP: f32 = (297.0 - 37.0) * MM;
const BOTTOM: f32 = TOP - 225.0 * MM;

/// clreq 行首禁则: marks that may not begin a line.
const NO_LINE_START: &str = "。，、；：？！）》」』】〕〗〉”’,.;:?!)]}%";
/// clreq 行尾禁则: marks that may not end a line.
const NO_LINE_END: &str = "（《「『【〔〖〈“‘([{";

use crate::fixtures::report as fixture;

/// The seed report's paragraphs and `(一)` sub-headings, as published (ASCII commas included).
fn seed_paragraphs() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed-report-2019.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let body = text.split("附件:1.").next().unwrap();
    body.lines()
        .map(str::trim)
        .filter(|l| l.chars().count() >= 8 && !l.starts_with("发布时间"))
        .skip(1)
        .filter(|l| !l.starts_with(['一', '二', '三', '四', '五', '六', '、']))
        .map(str::to_string)
        .collect()
}

/// A draft: the fixture's figures with `len` paragraphs of seed text in every section.
fn draft(name: &str, len: usize, annex: bool, landscape: bool) -> Report {
    let mut r = fixture(name);
    r.options.blank_as_zero = true;
    r.options.landscape_table4 = landscape;
    if annex && r.annexes.is_empty() {
        r.annexes.push("guizhou-annex".into());
    } else if !annex {
        r.annexes.clear();
    }
    let paras = seed_paragraphs();
    let form = r.form().unwrap();
    let mut k = 0;
    for s in &form.template.sections {
        let mut ids = vec![s.id.clone()];
        ids.extend(s.subsections.iter().map(|x| x.id.clone()));
        for id in ids {
            let text: Vec<String> = (0..len)
                .map(|i| {
                    k += 1;
                    paras[(k * 7 + i) % paras.len()].clone()
                })
                .collect();
            r.sections.insert(id, text.join("\n"));
        }
    }
    r
}

fn export(report: &Report) -> lopdf::Document {
    let form = report.form().unwrap();
    let out = export_with(report, &form, &PdfOptions::default(), &FontSources::BundledOnly).expect("export");
    lopdf::Document::load_mem(&out.bytes).expect("a valid PDF")
}

fn overlaps(a: [f32; 4], b: [f32; 4], tol: f32) -> bool {
    a[0] + tol < b[2] && b[0] + tol < a[2] && a[1] + tol < b[3] && b[1] + tol < a[3]
}

fn is_heading_font(font: &str) -> bool {
    font.contains("NotoSansSC") || font.contains("NianbaoKai")
}

/// Every invariant on one document; returns the violations, each naming page and text.
fn violations(doc: &lopdf::Document) -> Vec<String> {
    let pages = pdfgeom::pages(doc);
    let mut out = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let no = i + 1;
        let lines = pdfgeom::lines(page);
        let mut bad = |what: String| out.push(format!("第{no}页：{what}"));
        // Page number: one line below the block, `— N —`.
        let (below, inside): (Vec<&TextLine>, Vec<&TextLine>) = lines.iter().partition(|l| l.bbox()[3] < BOTTOM);
        let numbers: Vec<String> = below.iter().map(|l| l.text.replace(' ', "")).collect();
        if numbers != [format!("—{no}—")] {
            bad(format!("页码应为“— {no} —”，实为{numbers:?}"));
        }
        for l in &inside {
            let b = l.bbox();
            if b[0] < LEFT - 0.5 || b[2] > RIGHT + 0.5 || b[3] > TOP + 0.5 || b[1] < BOTTOM - 0.5 {
                bad(format!("“{}”超出版心 {b:?}", l.text));
            }
        }
        for s in &page.segs {
            for p in [s.a, s.b] {
                if p.0 < LEFT - 0.5 || p.0 > RIGHT + 0.5 || p.1 > TOP + 0.5 || p.1 < BOTTOM - 0.5 {
                    bad(format!("表格线超出版心 {p:?}"));
                }
            }
        }
        overlapping_glyphs(page, &mut bad);
        glyphs_across_rules(page, &mut bad);
        for l in &inside {
            let t = l.text.trim();
            if t.starts_with(|c| NO_LINE_START.contains(c)) {
                bad(format!("行首是点号或后括号：“{t}”"));
            }
            if t.ends_with(|c| NO_LINE_END.contains(c)) {
                bad(format!("行尾是前括号：“{t}”"));
            }
        }
        page_end(page, &inside, &mut bad);
    }
    out
}

fn overlapping_glyphs(page: &PageGeom, bad: &mut impl FnMut(String)) {
    let mut g: Vec<&pdfgeom::Glyph> = page.glyphs.iter().filter(|g| !g.ch.is_whitespace()).collect();
    g.sort_by(|a, b| a.bbox[0].total_cmp(&b.bbox[0]));
    for i in 0..g.len() {
        for j in i + 1..g.len() {
            if g[j].bbox[0] >= g[i].bbox[2] {
                break;
            }
            if overlaps(g[i].bbox, g[j].bbox, 0.3) {
                bad(format!("“{}”与“{}”重叠 {:?} {:?}", g[i].ch, g[j].ch, g[i].bbox, g[j].bbox));
                return;
            }
        }
    }
}

/// A glyph crossed by a table rule is a text drawn outside its cell.
fn glyphs_across_rules(page: &PageGeom, bad: &mut impl FnMut(String)) {
    for s in &page.segs {
        let (x0, x1) = (s.a.0.min(s.b.0), s.a.0.max(s.b.0));
        let (y0, y1) = (s.a.1.min(s.b.1), s.a.1.max(s.b.1));
        for g in &page.glyphs {
            if g.ch.is_whitespace() {
                continue;
            }
            // The glyph's ink lies well inside its em box; a rule through the box's inner 80 %
            // crosses the character.
            let b = g.bbox;
            let (w, h) = (b[2] - b[0], b[3] - b[1]);
            let inner = [b[0] + 0.1 * w, b[1] + 0.1 * h, b[2] - 0.1 * w, b[3] - 0.1 * h];
            let crosses = if (y1 - y0) < 0.01 {
                y0 > inner[1] && y0 < inner[3] && x0 < inner[2] && x1 > inner[0]
            } else {
                x0 > inner[0] && x0 < inner[2] && y0 < inner[3] && y1 > inner[1]
            };
            if crosses {
                bad(format!("“{}”压在表格线上（写出了单元格）{b:?}", g.ch));
                return;
            }
        }
    }
}

/// The last thing on a portrait page is not a heading, and not a table row without figures (a
/// header or a group's label row). Landscape pages hold one table whole.
fn page_end(page: &PageGeom, inside: &[&TextLine], bad: &mut impl FnMut(String)) {
    let upright = inside.iter().all(|l| l.glyphs.iter().all(|g| (g.end.1 - g.start.1).abs() < 0.01));
    let Some(last) =
        inside.iter().filter(|l| !l.text.trim().is_empty()).min_by(|a, b| a.bbox()[1].total_cmp(&b.bbox()[1]))
    else {
        return;
    };
    if !upright {
        return;
    }
    let lowest_rule = page.segs.iter().map(|s| s.a.1.min(s.b.1)).fold(f32::MAX, f32::min);
    if lowest_rule < last.bbox()[1] {
        // The page ends in a table: its last row is the band above the lowest rule.
        let mut ys: Vec<f32> = page.segs.iter().filter(|s| (s.a.1 - s.b.1).abs() < 0.01).map(|s| s.a.1).collect();
        ys.sort_by(f32::total_cmp);
        ys.dedup_by(|a, b| (*a - *b).abs() < 0.5);
        if ys.len() >= 2 {
            let (lo, hi) = (ys[0], ys[1]);
            let row: String = inside
                .iter()
                .filter(|l| {
                    let b = l.bbox();
                    b[1] > lo && b[3] < hi
                })
                .map(|l| l.text.clone())
                .collect();
            if !row.chars().any(|c| c.is_ascii_digit()) {
                bad(format!("页末是没有数字的表格行（标签行或表头）：“{row}”"));
            }
        }
    } else if is_heading_font(&last.font) {
        bad(format!("页末是标题：“{}”", last.text));
    }
}

#[test]
fn every_draft_of_the_sweep_keeps_the_layout_invariants() {
    let fixtures = ["seed-2019.csv", "shanghai-2019.csv", "hangzhou-2021.csv", "ximeng-2021.csv"];
    let mut failures = Vec::new();
    let mut drafts = 0;
    for name in fixtures {
        for len in 0..12 {
            for (annex, landscape) in [(false, false), (true, false), (false, true), (true, true)] {
                let report = draft(name, len, annex, landscape);
                let doc = export(&report);
                drafts += 1;
                for v in violations(&doc) {
                    failures.push(format!("{name} 段落数{len} 附件{annex} 横排{landscape}：{v}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {drafts} drafts:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

#[test]
fn the_invariant_checks_catch_what_they_guard_against() {
    // A check that cannot fail proves nothing: feed each a page that breaks it.
    use pdfgeom::{Glyph, Seg};
    let glyph = |ch: char, x: f32, y: f32, new_piece: bool| Glyph {
        ch,
        font: "AAAAAA+NotoSerifSC-Regular".into(),
        bbox: [x, y - 1.2, x + 10.0, y + 8.8],
        start: (x, y),
        end: (x + 10.0, y),
        new_piece,
    };
    let mut page = PageGeom::default();
    page.glyphs.push(glyph('本', LEFT + 10.0, TOP - 20.0, true));
    page.glyphs.push(glyph('年', LEFT + 15.0, TOP - 20.0, true));
    let mut msgs = Vec::new();
    overlapping_glyphs(&page, &mut |m| msgs.push(m));
    assert_eq!(msgs.len(), 1, "overlap found");

    let mut page = PageGeom::default();
    page.glyphs.push(glyph('果', LEFT + 10.0, TOP - 20.0, true));
    page.segs.push(Seg { a: (LEFT, TOP - 16.0), b: (LEFT + 100.0, TOP - 16.0) });
    let mut msgs = Vec::new();
    glyphs_across_rules(&page, &mut |m| msgs.push(m));
    assert_eq!(msgs.len(), 1, "a rule through a glyph found");

    let mut page = PageGeom::default();
    page.glyphs.push(glyph('，', LEFT, TOP - 20.0, true));
    page.glyphs.push(glyph('并', LEFT + 10.0, TOP - 20.0, false));
    let lines = pdfgeom::lines(&page);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].text.starts_with(|c| NO_LINE_START.contains(c)));

    let mut page = PageGeom::default();
    let mut h = glyph('一', LEFT, BOTTOM + 20.0, true);
    h.font = "BBBBBB+NotoSansSC-Regular".into();
    page.glyphs.push(h);
    let lines = pdfgeom::lines(&page);
    let inside: Vec<&TextLine> = lines.iter().collect();
    let mut msgs = Vec::new();
    page_end(&page, &inside, &mut |m| msgs.push(m));
    assert_eq!(msgs.len(), 1, "a heading at the page end found");
}

/// Writes the sweep's PDFs for looking at them (`NIANBAO_SWEEP_DIR=… cargo test -- --ignored`).
#[test]
#[ignore]
fn write_sweep_pdfs_for_inspection() {
    let Ok(dir) = std::env::var("NIANBAO_SWEEP_DIR") else { return };
    for name in ["seed-2019.csv", "hangzhou-2021.csv"] {
        for len in [0, 2, 5, 9] {
            for (annex, landscape) in [(false, false), (true, true)] {
                let report = draft(name, len, annex, landscape);
                let form = report.form().unwrap();
                let out = export_with(&report, &form, &PdfOptions::default(), &FontSources::BundledOnly).unwrap();
                let file = format!("{dir}/{}-{len}-{annex}-{landscape}.pdf", name.trim_end_matches(".csv"));
                std::fs::write(file, out.bytes).unwrap();
            }
        }
    }
}

/// A draft showing the typesetting details at once (long unit name, web address, punctuation
/// runs, ASCII sub-headings, a 落款 left for a hand-written date), for looking at it.
#[test]
#[ignore]
fn write_showcase_pdf_for_inspection() {
    let Ok(dir) = std::env::var("NIANBAO_SWEEP_DIR") else { return };
    let mut r = draft("hangzhou-2021.csv", 1, false, true);
    r.unit.name = "中共黔西南布依族苗族自治州委员会黔西南州发展和改革委员会".into();
    r.unit.signature = r.unit.name.clone();
    r.signed_on = None;
    r.options.date_by_hand = true;
    r.sections.insert(
        "s1".into(),
        "(一)主动公开情况\n本机关依照《中华人民共和国政府信息公开条例》（以下简称《条例》），在门户网站http://www.qxn.gov.cn/zwgk/zfxxgk/fdzdgknr/index.html公开政府信息，并按照“谁公开、谁审查”的原则进行审核。本年度工作已经全部完成并总结。".into(),
    );
    let form = r.form().unwrap();
    let out = export_with(&r, &form, &PdfOptions::default(), &FontSources::BundledOnly).unwrap();
    std::fs::write(format!("{dir}/showcase.pdf"), out.bytes).unwrap();
}

/// Checks every PDF in a folder against the invariants (`NIANBAO_CHECK_DIR=… cargo test --
/// --ignored`): how the checks were shown to find the defects in the old exporter's files.
#[test]
#[ignore]
fn check_pdfs_in_a_folder() {
    let Ok(dir) = std::env::var("NIANBAO_CHECK_DIR") else { return };
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "pdf")) {
        let doc = lopdf::Document::load(f).unwrap();
        for v in violations(&doc) {
            eprintln!("{}: {v}", f.display());
        }
    }
}
