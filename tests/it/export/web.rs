//! The web page and the clipboard fragment read back with an HTML parser: headings, paragraphs
//! and every table cell with its rowspan/colspan, nothing that needs the network or a script.

use nianbao::export::html::{self, Part};
use nianbao::export::{self, ExportOptions};
use nianbao::model::Report;
use scraper::{ElementRef, Html, Selector};

use super::support::{self, Cell, expected_grid, flow};

pub fn page(report: &Report) -> String {
    let form = report.form().unwrap();
    let out = export::html::export(report, &form, &ExportOptions::default());
    String::from_utf8(out.bytes).expect("UTF-8")
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// An HTML table as a grid.
pub fn grid(table: ElementRef) -> Vec<Cell> {
    let rows: Vec<Vec<(usize, usize, String)>> = table
        .select(&sel("tr"))
        .map(|tr| {
            tr.select(&sel("th, td"))
                .map(|c| {
                    let n = |a: &str| c.value().attr(a).map_or(1, |v| v.parse().unwrap());
                    (n("rowspan"), n("colspan"), c.text().collect::<String>())
                })
                .collect()
        })
        .collect();
    flow(rows)
}

#[test]
fn every_printed_table_has_the_official_cells_with_rowspan_and_colspan() {
    for name in ["seed-2019.csv", "hangzhou-2021.csv", "shanghai-2019.csv"] {
        let report = support::fixture(name);
        let form = report.form().unwrap();
        let blocks = support::blocks(&report, &form);
        let expected = support::tables(&blocks);
        let doc = Html::parse_document(&page(&report));
        let tables: Vec<ElementRef> = doc.select(&sel("table")).collect();
        assert_eq!(tables.len(), expected.len(), "{name}");
        for (tbl, t) in tables.iter().zip(&expected) {
            assert_eq!(grid(*tbl), expected_grid(t), "{name} {}", t.table.def.name);
            let head_rows = tbl.select(&sel("thead tr")).count();
            assert_eq!(head_rows, t.table.def.header_rows, "{name} {}: header rows in <thead>", t.table.def.name);
            for cell in tbl.select(&sel("th, td")) {
                let style = cell.value().attr("style").unwrap_or("");
                assert!(style.contains("border:1px solid #000"), "every cell has its border inline: {style}");
            }
        }
    }
}

#[test]
fn headings_and_paragraphs_are_semantic_and_in_print_order() {
    let report = support::fixture("hangzhou-2021.csv");
    let form = report.form().unwrap();
    let blocks = support::blocks(&report, &form);
    let doc = Html::parse_document(&page(&report));
    let article = doc.select(&sel("article")).next().unwrap();
    let got: Vec<String> = article
        .select(&sel("h1, h2, h3, p"))
        .map(|e| e.text().collect::<String>())
        .filter(|t| !t.trim().is_empty())
        .collect();
    assert_eq!(got, support::texts(&blocks));
    let text = |s: &str| doc.select(&sel(s)).map(|e| e.text().collect::<String>()).collect::<Vec<_>>();
    assert_eq!(text("h1"), vec![report.title()]);
    assert!(text("h2").contains(&"一、总体情况".to_string()));
    assert!(text("h3").contains(&"（一）主动公开".to_string()));
    assert!(text("title").contains(&report.title()));
}

#[test]
fn the_page_is_one_self_contained_utf8_file_without_script() {
    let s = page(&support::fixture("seed-2019.csv"));
    let doc = Html::parse_document(&s);
    assert!(s.starts_with("<!DOCTYPE html>"));
    assert_eq!(doc.select(&sel("meta[charset]")).next().and_then(|m| m.value().attr("charset")), Some("utf-8"));
    assert_eq!(doc.select(&sel("script, link, img, iframe, object, embed")).count(), 0);
    assert!(!s.contains("src=") && !s.contains("href=") && !s.contains("url("), "nothing loaded from elsewhere");
    assert_eq!(doc.select(&sel("html")).next().and_then(|h| h.value().attr("lang")), Some("zh-CN"));
}

#[test]
fn user_text_is_escaped_so_a_cms_never_runs_it() {
    let mut report = support::fixture("seed-2019.csv");
    report.sections.insert("s6".into(), "<script>alert(1)</script> & “引号”".into());
    let s = page(&report);
    let doc = Html::parse_document(&s);
    assert_eq!(doc.select(&sel("script")).count(), 0);
    let paras: Vec<String> = doc.select(&sel("p")).map(|p| p.text().collect()).collect();
    assert!(paras.contains(&"<script>alert(1)</script> & “引号”".to_string()), "{paras:?}");
}

#[test]
fn clipboard_gives_one_table_as_html_and_as_tab_separated_text() {
    let report = support::fixture("hangzhou-2021.csv");
    let form = report.form().unwrap();
    let t = form.tables.iter().position(|t| t.def.name == "表三").unwrap();
    let clip = html::clipboard(&report, &form, Part::Table(t));
    let frag = Html::parse_fragment(&clip.html);
    let tables: Vec<ElementRef> = frag.select(&sel("table")).collect();
    assert_eq!(tables.len(), 1);
    let blocks = support::blocks(&report, &form);
    let expected = support::tables(&blocks).into_iter().find(|x| x.table.def.name == "表三").unwrap();
    assert_eq!(grid(tables[0]), expected_grid(expected));
    assert!(!clip.html.contains("<html") && !clip.html.contains("<!DOCTYPE"), "a fragment");
    // Plain text: one line per grid row, one tab-separated field per grid column.
    let lines: Vec<&str> = clip.text.lines().collect();
    assert_eq!(lines.len(), expected.table.print.rows);
    for c in expected_grid(expected) {
        let fields: Vec<&str> = lines[c.row].split('\t').collect();
        assert_eq!(fields.len(), expected.table.def.grid_columns);
        assert_eq!(fields[c.col], c.text, "row {} col {}", c.row, c.col);
    }
    // The numbers a person checks first.
    let new_np = form.cell("t3.new.np").unwrap();
    assert!(lines.iter().any(|l| l.starts_with(&new_np.row_label) && l.contains("13612")));
}

#[test]
fn clipboard_gives_the_whole_report_with_every_table_and_paragraph() {
    let report = support::fixture("seed-2019.csv");
    let form = report.form().unwrap();
    let clip = html::clipboard(&report, &form, Part::Report);
    let blocks = support::blocks(&report, &form);
    let frag = Html::parse_fragment(&clip.html);
    assert_eq!(frag.select(&sel("table")).count(), support::tables(&blocks).len());
    for t in support::texts(&blocks) {
        assert!(clip.text.contains(&t), "{t}");
        assert!(frag.root_element().text().collect::<String>().contains(&t), "{t}");
    }
    // A table index out of range gives nothing rather than a panic.
    let none = html::clipboard(&report, &form, Part::Table(999));
    assert!(none.text.is_empty());
}
