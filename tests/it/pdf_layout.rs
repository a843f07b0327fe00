//! The typesetting invariants, checked on a sweep of drafts (the real-figure fixtures × section
//! texts of growing length from the seed report, GB2021 and GB2019, with and without the annex,
//! table 四 portrait and landscape; 落款 of 10 to 60 characters; a two-line heading at every
//! position on a page; a landscape 表四 on odd and even pages) from the PDF's own glyph and rule
//! positions: no two glyphs overlap; nothing but the page number (an artifact) outside the text
//! block; no glyph across a table rule (nothing drawn outside its cell); no line starts with a
//! closing mark or ends with an opening one; no page ends with a heading or a table label row,
//! and a heading has two lines after it on its page; every line of a paragraph but its last
//! fills the measure, with no space added inside a Latin word or a number; a page whose table
//! continues on the next leaves at most 25 mm at its foot; a landscape table's head faces the
//! sheet's left edge; page numbers consecutive.

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
/// 3号: 28 characters fill the line.
const BODY: f32 = 156.0 * MM / 28.0;
/// The most a page may leave blank at its foot when its table continues on the next: what the
/// rows that must go together take (a continued group needs room for its label with 「（续）」,
/// 「三、本年度办理结果（续）」 about three rows), never the whole group as before (41–66 mm).
const MAX_FOOT_GAP: f32 = 45.0 * MM;

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
        // Page number: one line below the block, `— N —`, page furniture (an artifact).
        let (furniture, inside): (Vec<&TextLine>, Vec<&TextLine>) =
            lines.iter().partition(|l| l.glyphs.iter().all(|g| g.artifact));
        let numbers: Vec<String> = furniture.iter().map(|l| l.text.replace(' ', "")).collect();
        if numbers != [format!("—{no}—")] || furniture.iter().any(|l| l.bbox()[3] > BOTTOM) {
            bad(format!("页码应为版心下的“— {no} —”（页面附属物），实为{numbers:?}"));
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
        // The flow ends before the last page, a landscape page or the annex's first page.
        let flow_ends = pages
            .get(i + 1)
            .is_none_or(|next| !upright(next) || pdfgeom::lines(next).first().is_some_and(|l| l.text == "附件"));
        heading_kept_with_two_lines(page, &inside, flow_ends, &mut bad);
        no_stretch_inside_latin(&inside, &mut bad);
        landscape_head_left(page, &mut bad);
    }
    lines_fill_the_measure(&pages, &mut out);
    table_pages_filled(&pages, MAX_FOOT_GAP, &mut out);
    out
}

fn upright(page: &PageGeom) -> bool {
    page.glyphs.iter().all(|g| (g.end.1 - g.start.1).abs() < 0.01)
}

fn is_heading_line(l: &TextLine) -> bool {
    is_heading_font(&l.font) && (l.bbox()[3] - l.bbox()[1] - BODY).abs() < 0.5
}

/// A heading is followed on its page by at least two lines (text or table rows' text), unless
/// the flow of text ends there.
fn heading_kept_with_two_lines(page: &PageGeom, inside: &[&TextLine], flow_ends: bool, bad: &mut impl FnMut(String)) {
    if !upright(page) || flow_ends {
        return;
    }
    let Some(heading) = inside.iter().filter(|l| is_heading_line(l)).min_by(|a, b| a.bbox()[1].total_cmp(&b.bbox()[1]))
    else {
        return;
    };
    let bottom = heading.bbox()[1];
    let mut below: Vec<f32> = inside.iter().filter(|l| l.bbox()[3] <= bottom + 0.5).map(|l| l.bbox()[1]).collect();
    below.sort_by(f32::total_cmp);
    below.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    if below.len() < 2 {
        bad(format!("标题“{}”后本页只有{}行", heading.text, below.len()));
    }
}

/// clreq: no space is added inside a Latin word or a number (a web address included).
fn no_stretch_inside_latin(inside: &[&TextLine], bad: &mut impl FnMut(String)) {
    for l in inside {
        for w in l.glyphs.windows(2) {
            let word = |c: char| c.is_ascii_alphanumeric();
            if word(w[0].ch) && word(w[1].ch) && w[0].stretch > 0.01 {
                bad(format!("“{}”的“{}{}”之间加了{:.2}pt字距", l.text, w[0].ch, w[1].ch, w[0].stretch));
                return;
            }
        }
    }
}

/// A landscape page (GB/T 9704 §10): the table's head towards the binding edge on odd pages and
/// the outer edge on even ones — the sheet's left edge either way, its text running upwards.
fn landscape_head_left(page: &PageGeom, bad: &mut impl FnMut(String)) {
    let turned: Vec<&pdfgeom::Glyph> =
        page.glyphs.iter().filter(|g| !g.artifact && (g.end.1 - g.start.1).abs() > 0.01).collect();
    if let Some(g) = turned.iter().find(|g| g.end.1 < g.start.1) {
        bad(format!("横排表格的“{}”自上而下排，表头朝向右边", g.ch));
    }
}

/// Body lines (3号, upright pages) in reading order, with their page.
fn body_lines(pages: &[PageGeom]) -> Vec<(usize, TextLine)> {
    let mut out = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        if !upright(page) {
            continue;
        }
        for l in pdfgeom::lines(page) {
            let b = l.bbox();
            if !l.glyphs[0].artifact && (b[3] - b[1] - BODY).abs() < 0.5 && b[1] > BOTTOM {
                out.push((i + 1, l));
            }
        }
    }
    out
}

/// Every line of a paragraph but its last fills the measure: a line followed by a line that
/// continues its paragraph (starting at the left edge) ends at the right edge.
fn lines_fill_the_measure(pages: &[PageGeom], out: &mut Vec<String>) {
    let lines = body_lines(pages);
    for w in lines.windows(2) {
        let ((page, l), (_, next)) = (&w[0], &w[1]);
        let continues = (next.bbox()[0] - LEFT).abs() < 0.5 && next.font == l.font;
        let starts_left = (l.bbox()[0] - LEFT).abs() < 0.5 || (l.bbox()[0] - LEFT - 2.0 * BODY).abs() < 0.5;
        if continues && starts_left && (l.bbox()[2] - RIGHT).abs() > 0.5 {
            out.push(format!("第{page}页：段中的行“{}”没有排满（右端{:.1}）", l.text, l.bbox()[2]));
        }
    }
}

/// A page whose table continues on the next page leaves at most `max_gap` at its foot (a group
/// of table 三 may split between its items).
fn table_pages_filled(pages: &[PageGeom], max_gap: f32, out: &mut Vec<String>) {
    for (i, w) in pages.windows(2).enumerate() {
        if !upright(&w[0]) || !upright(&w[1]) {
            continue;
        }
        let lowest_rule = w[0].segs.iter().map(|s| s.a.1.min(s.b.1)).fold(f32::MAX, f32::min);
        let lowest_text = w[0]
            .glyphs
            .iter()
            .filter(|g| !g.artifact && g.bbox[1] > BOTTOM)
            .map(|g| g.bbox[1])
            .fold(f32::MAX, f32::min);
        let next_top_rule = w[1].segs.iter().map(|s| s.a.1.max(s.b.1)).fold(f32::MIN, f32::max);
        let next_top_text = w[1]
            .glyphs
            .iter()
            .filter(|g| !g.artifact && g.bbox[1] > BOTTOM)
            .map(|g| g.bbox[3])
            .fold(f32::MIN, f32::max);
        let ends_in_table = lowest_rule < lowest_text;
        let continues_table = next_top_rule > next_top_text;
        if ends_in_table && continues_table && lowest_rule - BOTTOM > max_gap {
            out.push(format!("第{}页：表格续下页，本页页脚空白{:.0}毫米", i + 1, (lowest_rule - BOTTOM) / MM));
        }
    }
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
    assert_clean(&failures, drafts);
}

/// Fails with every violation, naming the draft.
fn assert_clean(failures: &[String], drafts: usize) {
    assert!(
        failures.is_empty(),
        "{} violations in {drafts} drafts:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

/// A long unit name of `n` characters, made of the words of real ones.
fn unit_name(n: usize) -> String {
    let words = "江苏省淮安市洪泽区高良涧街道办事处综合行政执法局（挂政务服务中心牌子）中共黔西南布依族苗族自治州委员会黔西南州发展和改革委员会内蒙古自治区锡林郭勒盟行政公署办公室";
    // A name does not end in an opening bracket: one character of the next word instead.
    let name: String = words.chars().take(n).collect();
    if name.ends_with('（') { words.chars().take(n - 1).chain(['局']).collect() } else { name }
}

#[test]
fn signatures_of_10_to_60_characters_stay_in_the_text_block_centred_over_the_date() {
    let mut failures = Vec::new();
    for n in 10..=60 {
        let mut r = draft("hangzhou-2021.csv", 1, false, false);
        r.unit.signature = unit_name(n);
        let doc = export(&r);
        for v in violations(&doc) {
            failures.push(format!("落款{n}字：{v}"));
        }
        // The 落款 is the end of the last page: the date, and the name's lines above it.
        let pages = pdfgeom::pages(&doc);
        let lines: Vec<TextLine> =
            pdfgeom::lines(pages.last().unwrap()).into_iter().filter(|l| !l.glyphs[0].artifact).collect();
        let date = lines.last().unwrap();
        assert_eq!(date.text, "2022年1月25日", "落款{n}字");
        let date_box = date.bbox();
        if (date_box[2] - (RIGHT - 4.0 * BODY)).abs() > 0.5 {
            failures.push(format!("落款{n}字：成文日期没有右空四字（右端{:.1}）", date_box[2]));
        }
        let centre = (date_box[0] + date_box[2]) / 2.0;
        // The name's lines: those above the date, as many as make up its length.
        let mut name_lines: Vec<&TextLine> = Vec::new();
        for l in lines.iter().rev().skip(1) {
            if name_lines.iter().map(|l| l.text.chars().count()).sum::<usize>() >= n {
                break;
            }
            name_lines.insert(0, l);
        }
        let name: String = name_lines.iter().map(|l| l.text.as_str()).collect();
        if name != r.unit.signature {
            failures.push(format!("落款{n}字：发文机关署名没有全部以成文日期为准居中：{name}"));
        }
        for l in &name_lines {
            let c = (l.bbox()[0] + l.bbox()[2]) / 2.0;
            if (c - centre).abs() > 0.5 {
                failures.push(format!("落款{n}字：“{}”没有以成文日期为准居中", l.text));
            }
        }
    }
    assert_clean(&failures, 51);
}

#[test]
fn a_two_line_heading_at_every_position_on_a_page_keeps_two_lines_after_it() {
    let mut failures = Vec::new();
    for k in 0..30 {
        let mut r = draft("hangzhou-2021.csv", 0, false, false);
        let mut text: Vec<String> = (0..k).map(|i| format!("第{i}项工作已按计划完成。")).collect();
        text.push("(三)政府信息管理和政务公开平台建设以及信息公开工作机构和人员情况".into());
        text.push("本机关依法依规做好政府信息公开工作。".into());
        text.push("(四)监督保障".into());
        text.push(seed_paragraphs()[3].clone());
        r.sections.insert("s1".into(), text.join("\n"));
        let doc = export(&r);
        for v in violations(&doc) {
            failures.push(format!("标题前{k}行：{v}"));
        }
    }
    assert_clean(&failures, 30);
}

#[test]
fn a_landscape_table_four_on_odd_and_even_pages_has_its_head_at_the_left_edge() {
    let mut failures = Vec::new();
    let mut parity = [false; 2];
    for len in 0..10 {
        let r = draft("hangzhou-2021.csv", len, false, true);
        let doc = export(&r);
        let pages = pdfgeom::pages(&doc);
        for (i, p) in pages.iter().enumerate() {
            if !upright(p) {
                parity[(i + 1) % 2] = true;
            }
        }
        for v in violations(&doc) {
            failures.push(format!("段落数{len}：{v}"));
        }
    }
    assert!(parity == [true, true], "the sweep put 表四 on odd and even pages: {parity:?}");
    assert_clean(&failures, 10);
}

#[test]
fn a_long_unit_name_breaks_the_title_before_the_reports_name_and_between_words() {
    for n in 12..=44 {
        let mut r = draft("hangzhou-2021.csv", 0, false, false);
        r.unit.name = unit_name(n);
        let doc = export(&r);
        let page = &pdfgeom::pages(&doc)[0];
        let title: Vec<String> =
            pdfgeom::lines(page).into_iter().filter(|l| l.font.contains("Bold")).map(|l| l.text).collect();
        assert_eq!(title.concat(), r.title(), "{n}");
        if title.len() > 1 {
            assert_eq!(title.last().unwrap(), "2021年政府信息公开工作年度报告", "{n}: {title:?}");
        }
        for l in &title {
            for word in ["委员会", "办事处", "自治州", "执法局", "锡林郭勒盟", "黔西南"] {
                let cut = (1..word.chars().count()).any(|k| {
                    let (a, b): (String, String) = (word.chars().take(k).collect(), word.chars().skip(k).collect());
                    l.ends_with(&a) && title.iter().any(|m| m.starts_with(&b) && m != l)
                });
                assert!(!cut, "{n}: “{word}” broken in {title:?}");
            }
        }
    }
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
        artifact: false,
        stretch: 0.0,
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

    // Body-size glyphs (3号), set one after another from `x`.
    let body = |text: &str, font: &str, x: f32, y: f32, stretch: f32| -> Vec<Glyph> {
        let mut x = x;
        text.chars()
            .enumerate()
            .map(|(i, ch)| {
                let g = Glyph {
                    ch,
                    font: font.into(),
                    bbox: [x, y - 0.12 * BODY, x + BODY + stretch, y + 0.88 * BODY],
                    start: (x, y),
                    end: (x + BODY + stretch, y),
                    new_piece: i == 0,
                    artifact: false,
                    stretch,
                };
                x += BODY + stretch;
                g
            })
            .collect()
    };
    let serif = "CCCCCC+NotoSerifSC-Regular";
    // A two-line heading followed by one line at the foot of a page.
    let mut page = PageGeom::default();
    page.glyphs.extend(body("（三）政府信息", "DDDDDD+NianbaoKai-Regular", LEFT, BOTTOM + 60.0, 0.0));
    page.glyphs.extend(body("管理", "DDDDDD+NianbaoKai-Regular", LEFT, BOTTOM + 30.0, 0.0));
    page.glyphs.extend(body("本机关", serif, LEFT, BOTTOM + 2.0, 0.0));
    let lines = pdfgeom::lines(&page);
    let inside: Vec<&TextLine> = lines.iter().collect();
    let mut msgs = Vec::new();
    heading_kept_with_two_lines(&page, &inside, false, &mut |m| msgs.push(m));
    assert_eq!(msgs.len(), 1, "a heading with one line after it found: {msgs:?}");

    // Space added between the letters of a web address.
    let mut page = PageGeom::default();
    page.glyphs.extend(body("www", serif, LEFT, TOP - 20.0, 2.0));
    let lines = pdfgeom::lines(&page);
    let mut msgs = Vec::new();
    no_stretch_inside_latin(&lines.iter().collect::<Vec<_>>(), &mut |m| msgs.push(m));
    assert_eq!(msgs.len(), 1, "letter-spaced Latin found");

    // A line mid-paragraph four characters short.
    let mut page = PageGeom::default();
    page.glyphs.extend(body(&"政".repeat(24), serif, LEFT, TOP - 20.0, 0.0));
    page.glyphs.extend(body(&"府".repeat(10), serif, LEFT, TOP - 50.0, 0.0));
    let mut msgs = Vec::new();
    lines_fill_the_measure(&[page], &mut msgs);
    assert_eq!(msgs.len(), 1, "a short line mid-paragraph found: {msgs:?}");

    // A landscape table turned the other way (text running down).
    let mut page = PageGeom::default();
    let mut g = glyph('总', LEFT + 30.0, TOP - 30.0, true);
    g.end = (g.start.0, g.start.1 - 10.0);
    page.glyphs.push(g);
    let mut msgs = Vec::new();
    landscape_head_left(&page, &mut |m| msgs.push(m));
    assert_eq!(msgs.len(), 1, "a head facing right found");

    // A table continued on the next page after a foot left half empty.
    let rule = |y: f32| Seg { a: (LEFT, y), b: (RIGHT, y) };
    let mut first = PageGeom::default();
    first.glyphs.push(glyph('表', LEFT + 10.0, TOP - 20.0, true));
    first.segs.push(rule(BOTTOM + 100.0 * MM));
    let mut next = PageGeom::default();
    next.segs.push(rule(TOP));
    next.glyphs.push(glyph('续', LEFT + 10.0, TOP - 20.0, true));
    let mut msgs = Vec::new();
    table_pages_filled(&[first, next], MAX_FOOT_GAP, &mut msgs);
    assert_eq!(msgs.len(), 1, "a half-empty foot before a table's continuation found");
}

/// Writes a draft's PDF for looking at it, and the draft beside it (`NAME.ron`, so another build
/// can export the same draft for a before/after comparison).
fn write_for_inspection(dir: &str, name: &str, report: &Report) {
    let form = report.form().unwrap();
    let out = export_with(report, &form, &PdfOptions::default(), &FontSources::BundledOnly).unwrap();
    std::fs::write(format!("{dir}/{name}.pdf"), out.bytes).unwrap();
    std::fs::write(format!("{dir}/{name}.ron"), nianbao::store::draft::to_ron(report).unwrap()).unwrap();
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
                let file = format!("{}-{len}-{annex}-{landscape}", name.trim_end_matches(".csv"));
                write_for_inspection(&dir, &file, &report);
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
        "(一)主动公开情况\n本机关依照《中华人民共和国政府信息公开条例》（以下简称《条例》），在门户网站http://www.qxn.gov.cn/zwgk/zfxxgk/fdzdgknr/index.html公开政府信息，并按照“谁公开、谁审查”的原则进行审核。本年度工作已经全部完成并总结——公开、审核、归档三个环节环环相扣……".into(),
    );
    write_for_inspection(&dir, "showcase", &r);
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

/// Prints the foot gaps of pages whose table continues (`cargo test -- --ignored --nocapture`).
#[test]
#[ignore]
fn print_table_foot_gaps() {
    let mut gaps = Vec::new();
    for name in ["seed-2019.csv", "shanghai-2019.csv", "hangzhou-2021.csv", "ximeng-2021.csv"] {
        for len in 0..12 {
            for landscape in [false, true] {
                let doc = export(&draft(name, len, false, landscape));
                let mut v = Vec::new();
                table_pages_filled(&pdfgeom::pages(&doc), 0.0, &mut v);
                gaps.extend(v.into_iter().map(|v| format!("{name} {len} {landscape}: {v}")));
            }
        }
    }
    eprintln!("{}", gaps.join("\n"));
}

/// Writes one sweep draft (`NIANBAO_SWEEP_DIR=… NIANBAO_DRAFT=hangzhou-2021.csv,5,false,true`).
#[test]
#[ignore]
fn write_one_sweep_draft() {
    let (Ok(dir), Ok(spec)) = (std::env::var("NIANBAO_SWEEP_DIR"), std::env::var("NIANBAO_DRAFT")) else { return };
    let p: Vec<&str> = spec.split(',').collect();
    let report = draft(p[0], p[1].parse().unwrap(), p[2] == "true", p[3] == "true");
    write_for_inspection(&dir, &spec.replace(',', "-").replace(".csv", ""), &report);
}

/// The drafts of issue 24's defects, for the crops (`NIANBAO_SWEEP_DIR=… cargo test -- --ignored
/// write_defect`; `scripts/pdf-crops.py` renders them, and the same drafts exported by an older
/// build beside them).
#[test]
#[ignore]
fn write_defect_drafts_for_inspection() {
    let Ok(dir) = std::env::var("NIANBAO_SWEEP_DIR") else { return };
    for (name, n) in [("signature-33", 33), ("signature-55", 55)] {
        let mut r = draft("hangzhou-2021.csv", 1, false, false);
        r.unit.signature = unit_name(n);
        write_for_inspection(&dir, name, &r);
    }
    for k in 0..30 {
        let mut r = draft("hangzhou-2021.csv", 0, false, false);
        let mut text: Vec<String> = (0..k).map(|i| format!("第{i}项工作已按计划完成。")).collect();
        text.push("(三)政府信息管理和政务公开平台建设以及信息公开工作机构和人员情况".into());
        text.push("本机关依法依规做好政府信息公开工作。".into());
        text.push(seed_paragraphs()[3].clone());
        r.sections.insert("s1".into(), text.join("\n"));
        write_for_inspection(&dir, &format!("heading-{k}"), &r);
    }
    for len in 0..8 {
        write_for_inspection(&dir, &format!("table3-{len}"), &draft("hangzhou-2021.csv", len, false, false));
        write_for_inspection(&dir, &format!("landscape-{len}"), &draft("hangzhou-2021.csv", len, false, true));
    }
    let mut r = draft("hangzhou-2021.csv", 0, false, false);
    r.unit.name = "江苏省淮安市洪泽区高良涧街道办事处综合执法局".into();
    r.year = 2024;
    write_for_inspection(&dir, "title-long", &r);
    let mut r = draft("hangzhou-2021.csv", 0, false, false);
    let form = r.form().unwrap();
    for c in form.cells.iter().filter(|c| c.id.starts_with("t4.") && c.is_input()) {
        r.set_cell(&c.id, "1234567890");
    }
    write_for_inspection(&dir, "table4-digits", &r);
}
