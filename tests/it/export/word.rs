//! The Word file read back as XML (every table cell with its span, every paragraph with its
//! style, the page set-up, the footers) and through LibreOffice (its text, and a reflow after an
//! edit).

use std::collections::BTreeMap;

use nianbao::export::{self, ExportOptions};
use nianbao::model::Report;

use super::support::{self, Cell, El, expected_grid, flow, parse_xml, unzip};

pub struct Word {
    pub parts: BTreeMap<String, Vec<u8>>,
    pub document: El,
    pub bytes: Vec<u8>,
    pub draft_mark: bool,
}

pub fn word(report: &Report, final_export: bool) -> Word {
    let form = report.form().unwrap();
    let out = export::docx::export(report, &form, &ExportOptions { final_export, ..Default::default() }).unwrap();
    let parts = unzip(&out.bytes);
    let document = parse_xml(&parts["word/document.xml"]);
    Word { parts, document, bytes: out.bytes, draft_mark: out.draft_mark }
}

impl Word {
    pub fn part(&self, name: &str) -> El {
        parse_xml(&self.parts[name])
    }

    fn body(&self) -> &El {
        self.document.child("w:document").and_then(|d| d.child("w:body")).expect("w:body")
    }

    /// Paragraphs outside tables with text: (style, text).
    pub fn paragraphs(&self) -> Vec<(String, String)> {
        self.body()
            .elements()
            .filter(|e| e.name == "w:p")
            .map(|p| (style_of(p), p.word_text()))
            .filter(|(_, t)| !t.is_empty())
            .collect()
    }

    pub fn tables(&self) -> Vec<&El> {
        self.body().elements().filter(|e| e.name == "w:tbl").collect()
    }

    /// Section properties in order, each with the tables that come before it (and after the
    /// previous one).
    pub fn sections(&self) -> Vec<(&El, usize)> {
        let mut out = Vec::new();
        let mut tables = 0;
        for e in self.body().elements() {
            match e.name.as_str() {
                "w:tbl" => tables += 1,
                "w:p" => {
                    if let Some(s) = e.child("w:pPr").and_then(|p| p.child("w:sectPr")) {
                        out.push((s, tables));
                        tables = 0;
                    }
                }
                "w:sectPr" => {
                    out.push((e, tables));
                    tables = 0;
                }
                _ => {}
            }
        }
        out
    }
}

fn style_of(p: &El) -> String {
    p.child("w:pPr").and_then(|pp| pp.child("w:pStyle")).and_then(|s| s.attr("w:val")).unwrap_or("").to_string()
}

/// A Word table as a grid: `gridSpan` widens a cell, `vMerge continue` lengthens the one above.
pub fn grid(tbl: &El) -> Vec<Cell> {
    let mut rows: Vec<Vec<(usize, usize, String)>> = Vec::new();
    // (row, col) of cells that started with vMerge restart, and their row count so far.
    let mut open: Vec<(usize, usize, usize)> = Vec::new(); // (start row, col, rows)
    let mut placed: Vec<(usize, usize, usize, String)> = Vec::new(); // (row, col, cols, text)
    for (r, tr) in tbl.elements().filter(|e| e.name == "w:tr").enumerate() {
        let mut col = 0;
        for tc in tr.elements().filter(|e| e.name == "w:tc") {
            let pr = tc.child("w:tcPr");
            let span: usize =
                pr.and_then(|p| p.child("w:gridSpan")).and_then(|g| g.attr("w:val")).map_or(1, |v| v.parse().unwrap());
            let vmerge =
                pr.and_then(|p| p.child("w:vMerge")).map(|v| v.attr("w:val").unwrap_or("continue").to_string());
            match vmerge.as_deref() {
                Some("continue") => {
                    let o = open
                        .iter_mut()
                        .find(|o| o.1 == col && o.0 + o.2 == r)
                        .expect("vMerge continue under a restart");
                    o.2 += 1;
                    assert!(tc.word_text().is_empty(), "a merged continuation carries no text");
                }
                Some(_) => {
                    open.push((r, col, 1));
                    placed.push((r, col, span, tc.word_text()));
                }
                None => placed.push((r, col, span, tc.word_text())),
            }
            col += span;
        }
        rows.push(Vec::new());
    }
    let mut out: Vec<Cell> = placed
        .into_iter()
        .map(|(row, col, cols, text)| {
            let rows = open.iter().find(|o| o.0 == row && o.1 == col).map_or(1, |o| o.2);
            Cell { row, col, rows, cols, text }
        })
        .collect();
    out.sort();
    // The flow of the same cells must give the same places (no gaps, no overlaps).
    let mut by_row: Vec<Vec<(usize, usize, String)>> = vec![Vec::new(); rows.len()];
    for c in &out {
        by_row[c.row].push((c.rows, c.cols, c.text.clone()));
    }
    assert_eq!(flow(by_row), out, "the table's cells tile its grid");
    out
}

#[test]
fn every_printed_table_is_a_word_table_with_the_official_cells_and_merges() {
    for name in ["seed-2019.csv", "hangzhou-2021.csv", "shanghai-2019.csv"] {
        let report = support::fixture(name);
        let form = report.form().unwrap();
        let blocks = support::blocks(&report, &form);
        let expected = support::tables(&blocks);
        let w = word(&report, false);
        let tables = w.tables();
        assert_eq!(tables.len(), expected.len(), "{name}");
        for (tbl, t) in tables.iter().zip(&expected) {
            assert_eq!(grid(tbl), expected_grid(t), "{name} {}", t.table.def.name);
            let cols = tbl.child("w:tblGrid").unwrap().elements().count();
            assert_eq!(cols, t.table.def.grid_columns, "{name} {}", t.table.def.name);
        }
    }
}

#[test]
fn title_headings_and_paragraphs_come_in_print_order_in_named_styles() {
    let report = support::fixture("seed-2019.csv");
    let form = report.form().unwrap();
    let blocks = support::blocks(&report, &form);
    let w = word(&report, false);
    let got: Vec<String> = w.paragraphs().into_iter().map(|(_, t)| t).collect();
    assert_eq!(got, support::texts(&blocks));
    let styles: BTreeMap<String, String> = w.paragraphs().into_iter().map(|(s, t)| (t, s)).collect();
    assert_eq!(styles[&report.title()], "Title");
    assert_eq!(styles["一、总体情况"], "Heading1");
    let body = report.section("s6").trim();
    assert_eq!(styles[body], "BodyText");
    assert_eq!(styles["附件"], "AnnexLabel");
    // The 落款 is right-aligned by its style.
    assert_eq!(styles[report.unit.signing_name()], "Signature");

    let report = support::fixture("hangzhou-2021.csv");
    let w = word(&report, false);
    let styles: BTreeMap<String, String> = w.paragraphs().into_iter().map(|(s, t)| (t, s)).collect();
    assert_eq!(styles["（一）主动公开"], "Heading2", "{styles:?}");
}

#[test]
fn styles_carry_the_official_faces_with_east_asian_fallbacks() {
    let w = word(&support::fixture("seed-2019.csv"), false);
    let styles = w.part("word/styles.xml");
    let face = |id: &str| -> String {
        let s = styles
            .all("w:style")
            .into_iter()
            .find(|s| s.attr("w:styleId") == Some(id))
            .unwrap_or_else(|| panic!("style {id}"));
        let fonts = s.child("w:rPr").and_then(|r| r.child("w:rFonts")).unwrap();
        fonts.attr("w:eastAsia").unwrap().to_string()
    };
    assert_eq!(face("Title"), "方正小标宋简体");
    assert_eq!(face("BodyText"), "仿宋_GB2312");
    let ids: Vec<&str> = styles.all("w:style").iter().filter_map(|s| s.attr("w:styleId")).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "each style once: {ids:?}");
    assert_eq!(face("Heading1"), "黑体");
    assert_eq!(face("Heading2"), "楷体_GB2312");
    let names: Vec<&str> =
        styles.all("w:style").iter().filter_map(|s| s.child("w:name")).filter_map(|n| n.attr("w:val")).collect();
    for n in ["Body Text", "Title", "heading 1", "heading 2", "表格文字", "落款"] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    let fonts = w.part("word/fontTable.xml");
    let alt = |name: &str| -> (String, String) {
        let f = fonts
            .all("w:font")
            .into_iter()
            .find(|f| f.attr("w:name") == Some(name))
            .unwrap_or_else(|| panic!("font {name}"));
        (
            f.child("w:altName").and_then(|a| a.attr("w:val")).unwrap_or("").to_string(),
            f.child("w:charset").and_then(|a| a.attr("w:val")).unwrap_or("").to_string(),
        )
    };
    assert_eq!(alt("仿宋_GB2312"), ("仿宋".into(), "86".into()));
    assert_eq!(alt("楷体_GB2312"), ("楷体".into(), "86".into()));
    assert_eq!(alt("方正小标宋简体").1, "86");
}

#[test]
fn page_is_a4_with_gbt9704_margins_and_page_number_fields() {
    let w = word(&support::fixture("seed-2019.csv"), false);
    let sections = w.sections();
    assert_eq!(sections.len(), 1, "one portrait section without the landscape option");
    let s = sections[0].0;
    let sz = s.child("w:pgSz").unwrap();
    assert_eq!((sz.attr("w:w"), sz.attr("w:h")), (Some("11906"), Some("16838")));
    let m = s.child("w:pgMar").unwrap();
    // 37 mm, 35 mm, 28 mm, 26 mm in twips.
    assert_eq!(
        [m.attr("w:top"), m.attr("w:bottom"), m.attr("w:left"), m.attr("w:right")],
        [Some("2098"), Some("1984"), Some("1587"), Some("1474")]
    );
    let footers: Vec<&El> = s.all("w:footerReference");
    let kinds: Vec<&str> = footers.iter().filter_map(|f| f.attr("w:type")).collect();
    assert!(kinds.contains(&"default") && kinds.contains(&"even"), "odd and even page numbers: {kinds:?}");
    let settings = w.part("word/settings.xml");
    assert!(!settings.all("w:evenAndOddHeaders").is_empty());
    let footer_parts: Vec<&String> = w.parts.keys().filter(|k| k.starts_with("word/footer")).collect();
    assert!(!footer_parts.is_empty());
    for f in footer_parts {
        let x = parse_xml(&w.parts[f]);
        let instr: String = x
            .all("w:instrText")
            .iter()
            .map(|i| {
                i.children
                    .iter()
                    .map(|n| match n {
                        super::support::Node::Text(t) => t.clone(),
                        _ => String::new(),
                    })
                    .collect::<String>()
            })
            .collect();
        assert_eq!(instr.trim(), "PAGE", "{f}");
        assert_eq!(x.word_text(), "— 1 —", "{f}: the field's cached result between the dashes");
    }
}

#[test]
fn header_rows_are_marked_to_repeat_on_each_page() {
    let report = support::fixture("hangzhou-2021.csv");
    let form = report.form().unwrap();
    let blocks = support::blocks(&report, &form);
    let w = word(&report, false);
    for (tbl, t) in w.tables().iter().zip(support::tables(&blocks)) {
        let marks: Vec<bool> = tbl
            .elements()
            .filter(|e| e.name == "w:tr")
            .map(|tr| tr.child("w:trPr").is_some_and(|p| p.child("w:tblHeader").is_some()))
            .collect();
        let n = t.table.def.header_rows;
        assert!(marks[..n].iter().all(|m| *m) && marks[n..].iter().all(|m| !m), "{}: {marks:?}", t.table.def.name);
    }
}

#[test]
fn rows_never_split_and_a_groups_rows_are_kept_with_the_next_but_its_last() {
    let report = support::fixture("hangzhou-2021.csv");
    let w = word(&report, false);
    let t3 = &w.tables()[1];
    let rows: Vec<&El> = t3.elements().filter(|e| e.name == "w:tr").collect();
    let kept = |tr: &El| {
        tr.elements()
            .filter(|e| e.name == "w:tc")
            .flat_map(|tc| tc.elements().filter(|e| e.name == "w:p"))
            .all(|p| p.child("w:pPr").is_some_and(|pr| pr.child("w:keepNext").is_some()))
    };
    for (i, tr) in rows.iter().enumerate() {
        assert!(tr.child("w:trPr").is_some_and(|p| p.child("w:cantSplit").is_some()), "row {i} may split");
    }
    // GB2021 table 三: 3 header rows, 一、 and 二、, then 三、本年度办理结果 over 22 rows: (一),
    // (二), (三) 1–8, (四) 1–3, (五) 1–5, (六) 1–3, (七); then 四、.
    let keeps: Vec<usize> = (0..rows.len()).filter(|&i| kept(rows[i])).collect();
    let mut want: Vec<usize> = (5..10).collect(); // (一) and (二) with (三), enough for 三、本年度办理结果
    want.extend(10..14); // the rest of (三) but its last
    want.extend([15, 16, 18, 19, 20, 21, 23, 24]); // (四), (五), (六) but their last
    assert_eq!(keeps, want);
    // The tall group's label sits at the top of its cell; a kept group's in the middle.
    let valign = |label: &str| {
        let tc = t3.all("w:tc").into_iter().find(|e| e.word_text() == label).unwrap();
        tc.child("w:tcPr").and_then(|p| p.child("w:vAlign")).and_then(|v| v.attr("w:val")).unwrap().to_string()
    };
    assert_eq!(valign("三、本年度办理结果"), "top");
    assert_eq!(valign("（四）无法提供"), "center");
}

/// LibreOffice, laying the Word file out as WPS and Word do, never cuts a merged label of table
/// 三 between two pages (「（四）无法提 / 供」): each group is whole on one page, whatever falls
/// before the table.
#[test]
fn libreoffice_keeps_each_group_of_table_three_on_one_page() {
    let Some(soffice) = support::soffice() else { return };
    let dir = tempfile::tempdir().unwrap();
    let groups: [(&str, &[&str]); 4] = [
        ("（三）不予公开", &["1.属于国家秘密", "8.属于行政查询事项"]),
        ("（四）无法提供", &["1.本机关不掌握相关政府信息", "3.补正后申请内容仍不明确"]),
        ("（五）不予处理", &["1.信访举报投诉类申请", "5.要求行政机关确认或重新出具已获取信息"]),
        // Taller than a page with the header in LibreOffice: whole in its first piece.
        ("三、本年度办理结果", &["（一）予以公开", "1.属于国家秘密"]),
    ];
    let para = "本机关坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署。";
    for n in [0, 3, 6, 9] {
        let mut report = support::fixture("hangzhou-2021.csv");
        report.sections.insert("s2".into(), vec![para; n].join("\n"));
        let path = dir.path().join(format!("report-{n}.docx"));
        std::fs::write(&path, &word(&report, true).bytes).unwrap();
        let pdf = lopdf::Document::load_mem(&support::convert(soffice, &path, "pdf", "pdf")).unwrap();
        let pages: Vec<String> = pdf
            .get_pages()
            .keys()
            .map(|&p| pdf.extract_text(&[p]).unwrap().chars().filter(|c| !c.is_whitespace()).collect())
            .collect();
        for (label, items) in groups {
            let whole = pages.iter().position(|p| p.contains(label));
            let Some(page) = whole else { panic!("{n}: “{label}” cut between pages: {pages:?}") };
            for item in items {
                assert!(pages[page].contains(item), "{n}: “{item}” not on the page of “{label}” ({})", page + 1);
            }
        }
    }
}

#[test]
fn the_wide_table_gets_a_landscape_section_of_its_own_only_when_chosen() {
    let mut report = support::fixture("hangzhou-2021.csv");
    report.options.landscape_table4 = true;
    let w = word(&report, false);
    let sections = w.sections();
    assert_eq!(sections.len(), 3, "portrait, landscape, portrait");
    let orient = |s: &El| s.child("w:pgSz").and_then(|p| p.attr("w:orient")).unwrap_or("portrait").to_string();
    assert_eq!(orient(sections[1].0), "landscape");
    assert_eq!(sections[1].1, 1, "table 四 alone on the landscape page");
    let sz = sections[1].0.child("w:pgSz").unwrap();
    assert_eq!((sz.attr("w:w"), sz.attr("w:h")), (Some("16838"), Some("11906")));
    assert_eq!(orient(sections[2].0), "portrait");
    // The heading travels with its table.
    let texts: Vec<String> = w.paragraphs().into_iter().map(|(_, t)| t).collect();
    let form = report.form().unwrap();
    let blocks = support::blocks(&report, &form);
    assert_eq!(texts, support::texts(&blocks));
    // Every section has page numbers.
    for (s, _) in &sections {
        assert!(!s.all("w:footerReference").is_empty());
    }
}

#[test]
fn a_draft_with_errors_says_so_in_the_header_unless_exported_final() {
    let mut report = support::fixture("seed-2019.csv");
    support::set(&mut report, "t3.new.np", "5");
    let draft = word(&report, false);
    assert!(draft.draft_mark);
    let headers: String = draft
        .parts
        .keys()
        .filter(|k| k.starts_with("word/header"))
        .map(|k| parse_xml(&draft.parts[k]).word_text())
        .collect();
    assert!(headers.contains("草稿"), "{headers}");
    let final_ = word(&report, true);
    assert!(!final_.draft_mark);
    assert!(!final_.parts.keys().any(|k| k.starts_with("word/header")));
    let clean = word(&support::fixture("seed-2019.csv"), false);
    assert!(!clean.draft_mark);
}

#[test]
fn text_typed_with_markup_and_control_characters_stays_text() {
    let mut report = support::fixture("seed-2019.csv");
    report.sections.insert("s6".into(), "<w:p>A&B</w:p>\u{1}“引号”".into());
    let w = word(&report, false);
    let texts: Vec<String> = w.paragraphs().into_iter().map(|(_, t)| t).collect();
    assert!(texts.iter().any(|t| t == "<w:p>A&B</w:p>“引号”"), "{texts:?}");
}

#[test]
fn libreoffice_reads_the_same_text_and_reflows_an_edited_sentence() {
    let Some(soffice) = support::soffice() else { return };
    let report = support::fixture("seed-2019.csv");
    let form = report.form().unwrap();
    let blocks = support::blocks(&report, &form);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.docx");
    let w = word(&report, false);
    std::fs::write(&path, &w.bytes).unwrap();
    let text = String::from_utf8(support::convert(soffice, &path, "txt:Text (encoded):UTF8", "txt")).unwrap();
    // Compared without line ends: LibreOffice puts the title's line break and each table cell
    // on lines of their own.
    let joined: String = text.lines().map(str::trim).collect();
    // Every paragraph and every table cell in order.
    let mut expected: Vec<String> = Vec::new();
    let mut tables = support::tables(&blocks).into_iter();
    for b in &blocks {
        match b {
            nianbao::document::Block::Table(_) => {
                let t = tables.next().unwrap();
                expected.extend(expected_grid(t).into_iter().map(|c| c.text).filter(|t| !t.is_empty()));
            }
            b => expected.extend(support::texts(std::slice::from_ref(b))),
        }
    }
    let mut at = 0;
    for e in &expected {
        let found = joined[at..].find(e.as_str());
        assert!(
            found.is_some(),
            "“{e}” after byte {at} in LibreOffice's text: …{}",
            joined[at..].chars().take(200).collect::<String>()
        );
        at += found.unwrap_or(0) + e.len();
    }
    let pages_before = pdf_pages(&support::convert(soffice, &path, "pdf", "pdf"));

    // A reviewer rewrites a sentence at length: it wraps and pushes the rest on.
    let long = "经审核，此段改写为更长的表述，".repeat(40);
    let original = report.section("s6").trim().to_string();
    let doc = String::from_utf8(w.parts["word/document.xml"].clone()).unwrap();
    assert_eq!(doc.matches(&format!(">{original}<")).count(), 1);
    let edited = doc.replace(&format!(">{original}<"), &format!(">{long}<"));
    let mut parts = w.parts.clone();
    parts.insert("word/document.xml".into(), edited.into_bytes());
    let edited_path = dir.path().join("edited.docx");
    std::fs::write(&edited_path, zip_parts(&parts)).unwrap();
    let text = String::from_utf8(support::convert(soffice, &edited_path, "txt:Text (encoded):UTF8", "txt")).unwrap();
    assert!(text.replace(['\n', '\r'], "").contains(&long));
    let pages_after = pdf_pages(&support::convert(soffice, &edited_path, "pdf", "pdf"));
    assert!(pages_after > pages_before, "{pages_before} → {pages_after} pages");

    // Saved again by another word processor (LibreOffice, through its own format, as WPS or Word
    // would rewrite every part), the edited file is read back by the app: the reviewer's
    // sentence, every other section and every printed cell.
    let odt = dir.path().join("edited.odt");
    support::convert(soffice, &edited_path, "odt", "odt");
    let resaved = support::convert(soffice, &odt, "docx:MS Word 2007 XML", "docx");
    let back = nianbao::import::read_bytes(&resaved, None, &Default::default()).expect("re-imported");
    assert_eq!(back.report.section("s6").trim(), long, "the reviewer's edit comes back");
    // Headings such as 「(一)」 typed in the text are printed with full-width parentheses.
    let printed = |t: &str| t.trim().replace('(', "（").replace(')', "）");
    for sec in form.template.sections.iter().filter(|s| s.id != "s6") {
        assert_eq!(printed(back.report.section(&sec.id)), printed(report.section(&sec.id)), "{}", sec.heading);
    }
    for c in form.cells.iter().filter(|c| c.is_input() && form.tables[c.table].def.printed) {
        assert_eq!(back.report.cell_text(&c.id), report.cell_text(&c.id), "{}", c.id);
    }
}

fn pdf_pages(bytes: &[u8]) -> usize {
    lopdf::Document::load_mem(bytes).unwrap().get_pages().len()
}

fn zip_parts(parts: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // [Content_Types].xml first, as Office writes it.
    let mut names: Vec<&String> = parts.keys().collect();
    names.sort_by_key(|n| (n.as_str() != "[Content_Types].xml", n.as_str()));
    for n in names {
        z.start_file(n.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(&parts[n]).unwrap();
    }
    z.finish().unwrap().into_inner()
}
