//! Published PDFs with a text layer: every glyph placed where the page shows it (lopdf parses
//! the file; the text and graphics state machine is here), then lines, paragraphs and tables
//! rebuilt from positions.
//!
//! Tables are rebuilt from their ruling lines: the cell grid is whatever the drawn borders
//! enclose, so merged cells (表三's vertical `三、本年度办理结果`, whose characters a text
//! extractor sees one per line) come out whole, and a table split over pages gives one table per
//! page. Tables drawn without borders fall back to columns found from gaps between words.
//!
//! Text comes from each font's `ToUnicode` map (what Word, WPS, LibreOffice and Chromium write).
//! Without one: simple fonts are read through their encoding and glyph names, CJK fonts with a
//! predefined Unicode or GBK CMap through that CMap; an `Identity-H` font without `ToUnicode`
//! holds glyph numbers only, which cannot be turned back into text — such glyphs are counted,
//! and a PDF where they are a large share is refused with [`ImportError::NoTextMapping`].

mod content;
mod flow;
mod fonts;
mod layout;
mod page;
mod touch;

use std::collections::HashMap;

use self::flow::*;
use self::fonts::*;
use self::layout::*;
use self::page::*;
use super::doc::{Document, clean_text};
use super::limits::{Budget, Cap};
use super::{Damage, ImportError};

/// Form XObjects nested deeper than this are not followed (their total is bounded apart, by
/// [`Cap::Forms`]).
const MAX_FORM_DEPTH: usize = 6;
/// What one glyph's code may stand for at most (a ligature is a few characters; a hostile map
/// could make one code a megabyte of text, copied at every glyph).
const MAX_GLYPH_UNITS: usize = 32;
/// Points a path may hold before it is painted (a hostile page could draw millions; each
/// costs an operator of [`Cap::Operators`], and the lines painted are [`Cap::PageLines`]).
const MAX_PATH_POINTS: usize = 100_000;
/// Cells of a row of a table drawn without borders (table 四 has 15 columns).
const MAX_LABELS: usize = super::doc::MAX_COLUMNS;

/// Reads a PDF's text layer within the budget.
pub fn read(bytes: &[u8], budget: &mut Budget) -> Result<Document, ImportError> {
    // Each object stream is inflated at most to what the budget allows a document's content.
    let options =
        lopdf::LoadOptions { max_decompressed_size: Some(budget.left(Cap::Content) as usize), ..Default::default() };
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword | lopdf::Error::UnsupportedSecurityHandler(_) => {
            ImportError::Encrypted
        }
        _ if super::find(bytes, b"/Encrypt").is_some() => ImportError::Encrypted,
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            ImportError::TooComplex(Cap::Content)
        }
        other => ImportError::broken(Damage::Pdf, other),
    })?;
    // Opened without its password, the text stays encrypted: refuse rather than read noise.
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(ImportError::Encrypted);
    }
    let pages = doc.get_pages();
    budget.spend(Cap::Pages, pages.len() as u64)?;
    let mut out = Document { title: info_title(&doc), ..Document::default() };
    let mut reader =
        Reader { doc: &doc, budget, fonts: HashMap::new(), forms: HashMap::new(), stats: Stats::default() };
    let mut items = Vec::new();
    for (_, page_id) in pages {
        reader.budget.new_page();
        let page = reader.page(page_id)?;
        items.push(page_items(page, reader.budget)?);
    }
    out.blocks = document_blocks(items);
    let stats = reader.stats;
    if stats.glyphs < 20 {
        return Err(ImportError::Scanned);
    }
    let share = (stats.unmapped * 100 / stats.glyphs.max(1)) as u32;
    if share > 30 {
        return Err(ImportError::NoTextMapping { share });
    }
    out.removed_controls = stats.controls;
    Ok(out)
}

fn info_title(doc: &lopdf::Document) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let (_, info) = doc.dereference(info).ok()?;
    let title = info.as_dict().ok()?.get(b"Title").ok()?.as_str().ok()?;
    let t = clean_text(&decode_text_string(title));
    (!t.is_empty()).then_some(t)
}

/// A PDF text string: UTF-16BE with BOM, else PDFDocEncoding (Latin-1 near enough).
fn decode_text_string(b: &[u8]) -> String {
    if b.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> =
            b[2..].chunks(2).filter(|c| c.len() == 2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    b.iter().map(|&c| c as char).collect()
}

#[derive(Default)]
struct Stats {
    glyphs: usize,
    unmapped: usize,
    /// Glyphs that stand for control characters (removed, and said).
    controls: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::doc::{Block, Cell};

    #[test]
    fn cmaps_map_codes_ranges_and_arrays() {
        let cmap = b"/CIDInit /ProcSet findresource begin\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
            2 beginbfchar <0003> <0020> <0010> <4E00> endbfchar\n\
            1 beginbfrange <0020> <0022> <0030> endbfrange\n\
            1 beginbfrange <0040> <0041> [<5E74> <6708>] endbfrange\nendcmap";
        let (m, one) = parse_cmap(cmap, &mut Budget::new()).unwrap();
        assert!(!one);
        assert_eq!(m.get(0x10).as_deref(), Some("一"));
        assert_eq!(m.get(0x22).as_deref(), Some("2"));
        assert_eq!(m.get(0x41).as_deref(), Some("月"));
        assert_eq!(m.get(0x23), None);
    }

    #[test]
    fn glyph_names_give_text() {
        assert_eq!(glyph_name_text(b"uni4E00").as_deref(), Some("一"));
        assert_eq!(glyph_name_text(b"seven").as_deref(), Some("7"));
        assert_eq!(glyph_name_text(b"g123"), None);
    }

    #[test]
    fn page_numbers_in_their_published_forms() {
        for t in ["— 4 —", "- 12 -", "4", "第 3 页", "第3页 共9页", "3/9", "Page 2"] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["2021年", "一、总体情况", "第二十条第（一）项", "3.其他"] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    fn line(y: f32, chunks: &[(f32, &str)]) -> Line {
        let chunks: Vec<(f32, f32, String, f32)> =
            chunks.iter().map(|&(x, t)| (x, x + t.chars().count() as f32 * 8.0, t.to_string(), y)).collect();
        Line {
            text: chunks.iter().map(|c| c.2.as_str()).collect::<Vec<_>>().join("\t"),
            x0: chunks[0].0,
            x1: chunks[chunks.len() - 1].1,
            y,
            size: 8.0,
            chunks,
        }
    }

    #[test]
    fn a_label_over_three_lines_with_its_numbers_centred_is_one_row() {
        // 5.要求行政机关确认或重 / 新出具已获取 / 信息, the numbers beside the middle line; the
        // next row's label on one line; then a label whose numbers stand after its two lines.
        let lines = [
            line(200.0, &[(10.0, "5.要求行政机关确认或重")]),
            line(190.0, &[(10.0, "新出具已获取"), (200.0, "386"), (240.0, "371"), (280.0, "14")]),
            line(180.0, &[(10.0, "信息")]),
            line(164.0, &[(10.0, "3.其他"), (200.0, "280"), (240.0, "123"), (280.0, "130")]),
            line(148.0, &[(10.0, "（七）总计"), (200.0, "95"), (240.0, "1"), (280.0, "7")]),
        ];
        let refs: Vec<&Line> = lines.iter().collect();
        let ((t, _), outside) = borderless(&refs);
        assert!(outside.is_empty());
        let texts: Vec<Vec<&str>> = t.rows.iter().map(|r| r.iter().map(|c| c.text.as_str()).collect()).collect();
        assert_eq!(
            texts,
            vec![
                vec!["5.要求行政机关确认或重新出具已获取信息", "386", "371", "14"],
                vec!["3.其他", "280", "123", "130"],
                vec!["（七）总计", "95", "1", "7"],
            ]
        );
    }

    #[test]
    fn a_grid_with_a_merged_cell() {
        // Two columns, three rows; the left column's lower two rows merged.
        let h = |y: f32, x0: f32, x1: f32| Seg { x0, y0: y, x1, y1: y };
        let v = |x: f32, y0: f32, y1: f32| Seg { x0: x, y0, x1: x, y1 };
        let segs = vec![
            h(300.0, 0.0, 200.0),
            h(200.0, 0.0, 200.0),
            h(100.0, 100.0, 200.0), // the left column has no line here
            h(0.0, 0.0, 200.0),
            v(0.0, 0.0, 300.0),
            v(100.0, 0.0, 300.0),
            v(200.0, 0.0, 300.0),
        ];
        let g = grids(&segs, &mut Budget::new()).unwrap();
        assert_eq!(g.len(), 1);
        let gl = |t: &str, x: f32, y: f32| Glyph { text: t.into(), x, y, w: 10.0, size: 10.0, dir: 0 };
        let glyphs = [
            gl("甲", 10.0, 250.0),
            gl("乙", 110.0, 250.0),
            gl("丙", 10.0, 150.0),
            gl("丁", 10.0, 50.0),
            gl("1", 110.0, 50.0),
        ];
        let page = Page { glyphs: glyphs.to_vec(), segs };
        let blocks = document_blocks(vec![page_items(page, &mut Budget::new()).unwrap()]);
        let Block::Table(t) = &blocks[0] else { panic!("{blocks:?}") };
        assert_eq!(t.rows[1][0], Cell::spanning("丙丁", 2, 1));
        assert_eq!(t.rows[2], vec![Cell::new("1")]);
    }
}
