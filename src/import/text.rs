//! Text copied from a report: prose lines, and the tables as the browser or PDF viewer gave
//! them — tab-separated rows, `|` rows, label-then-numbers on one line, or one cell per line.

use super::doc::{Block, Cell, Document, Table, clean_text, count_controls};
use super::limits::{Budget, Cap};
use super::{ImportError, html};

/// Decodes text bytes: a BOM decides (UTF-8, UTF-16); else UTF-8 if valid; else GB18030 (what
/// Notepad and WPS save on Chinese Windows). A stray byte or two that neither reads (a file cut
/// and pasted together) becomes `�` and is counted; more than one character in a hundred is
/// not text in any encoding this program knows.
pub fn decode(bytes: &[u8]) -> Result<(String, usize), ImportError> {
    let (text, errors) = html::decode_counted(bytes);
    if errors * 100 > text.chars().count().max(1) {
        return Err(ImportError::Encoding);
    }
    Ok((text, errors))
}

/// Reads pasted text.
pub fn read(bytes: &[u8], budget: &mut Budget) -> Result<Document, ImportError> {
    let (text, undecodable) = decode(bytes)?;
    // Every line may become a paragraph or a row: bounded before any is looked at.
    budget.spend(Cap::Paragraphs, text.lines().filter(|l| !l.trim().is_empty()).count() as u64)?;
    let mut doc = parse(&text);
    let cells: usize =
        doc.blocks.iter().map(|b| if let Block::Table(t) = b { t.rows.iter().map(Vec::len).sum() } else { 0 }).sum();
    budget.spend(Cap::Cells, cells as u64)?;
    doc.removed_controls = count_controls(&text);
    doc.undecodable = undecodable;
    Ok(doc)
}

/// What one line is.
enum Line {
    Empty,
    /// Cells of a row (tab- or `|`-separated, or a label followed by numbers).
    Row(Vec<String>),
    /// A single cell value (a number, a placeholder).
    Value(String),
    /// Text: a paragraph, a heading, a lone label.
    Text(String),
}

fn classify(raw: &str) -> Line {
    let line = raw.trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() {
        return Line::Empty;
    }
    if line.contains('\t') {
        let cells: Vec<String> = line.split('\t').map(clean_text).collect();
        if cells.iter().filter(|c| !c.is_empty()).count() >= 2 {
            return Line::Row(cells);
        }
    }
    let pipes = line.chars().filter(|&c| c == '|' || c == '｜').count();
    if pipes >= 2 {
        let inner = line.trim().trim_matches(['|', '｜']);
        if inner.chars().all(|c| matches!(c, '-' | ':' | '|' | '｜' | ' ' | '+' | '=')) {
            return Line::Empty; // a Markdown rule line
        }
        return Line::Row(inner.split(['|', '｜']).map(clean_text).collect());
    }
    let text = clean_text(line);
    if super::recognize::is_value_like(&text) {
        return Line::Value(text);
    }
    // A label and its numbers separated by spaces (copied from a PDF), or numbers only.
    let tokens: Vec<&str> = line.split_whitespace().collect();
    if tokens.len() >= 2 {
        let first_value = tokens.iter().rposition(|t| !super::recognize::is_value_like(t)).map_or(0, |i| i + 1);
        if first_value < tokens.len() && (first_value == 0 || tokens.len() - first_value >= 1) {
            let label = clean_text(&tokens[..first_value].join(" "));
            let values: Vec<String> = tokens[first_value..].iter().map(|t| clean_text(t)).collect();
            if first_value == 0 && values.len() >= 2 {
                return Line::Row(values);
            }
            if first_value > 0 && !label.is_empty() && label.chars().count() <= 80 && !ends_sentence(&label) {
                let mut cells = vec![label];
                cells.extend(values);
                return Line::Row(cells);
            }
        }
    }
    Line::Text(text)
}

fn ends_sentence(s: &str) -> bool {
    s.ends_with(['。', '；', '！', '？', ';'])
}

/// Parses text into paragraphs and tables.
pub fn parse(text: &str) -> Document {
    let lines: Vec<Line> = text.lines().map(classify).collect();
    let mut blocks = Vec::new();
    let mut table = Table::default();
    let flush = |table: &mut Table, blocks: &mut Vec<Block>| {
        if !table.rows.is_empty() {
            blocks.push(Block::Table(std::mem::take(table)));
        }
    };
    let mut i = 0;
    while i < lines.len() {
        match &lines[i] {
            Line::Empty => {
                i += 1;
            }
            Line::Row(cells) => {
                table.rows.push(cells.iter().map(Cell::new).collect());
                i += 1;
            }
            Line::Value(_) => {
                // Values without a label line before them: one cell per line (table 四).
                let mut row = Vec::new();
                while let Some(Line::Value(v)) = lines.get(i) {
                    row.push(Cell::new(v.clone()));
                    i += 1;
                }
                table.rows.push(row);
            }
            Line::Text(t) => {
                // One cell per line: a label followed by its values (blank lines inside the run
                // are blank cells unless they end it).
                let mut j = i + 1;
                let mut values = Vec::new();
                let mut blanks = 0;
                while let Some(l) = lines.get(j) {
                    match l {
                        Line::Value(v) => {
                            values.extend(std::iter::repeat_n(Cell::new(""), blanks));
                            blanks = 0;
                            values.push(Cell::new(v.clone()));
                        }
                        Line::Empty if !values.is_empty() => blanks += 1,
                        _ => break,
                    }
                    j += 1;
                }
                if values.is_empty() {
                    flush(&mut table, &mut blocks);
                    blocks.push(Block::Para(t.clone()));
                    i += 1;
                } else {
                    let mut row = vec![Cell::new(t.clone())];
                    row.extend(values);
                    table.rows.push(row);
                    i = j - blanks;
                }
            }
        }
    }
    flush(&mut table, &mut blocks);
    Document { title: None, blocks, ..Document::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(doc: &Document) -> Vec<Vec<String>> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t.rows.iter().map(|r| r.iter().map(|c| c.text.clone()).collect::<Vec<_>>())),
                _ => None,
            })
            .flatten()
            .collect()
    }

    #[test]
    fn tab_pipe_space_and_line_per_cell_rows() {
        let doc = parse(
            "三、收到和处理政府信息公开申请情况\n\
             一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t0\t5\n\
             | 二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n\
             |---|---|\n\
             （一）予以公开  3  0  0  0  0  0  3\n\
             （二）部分公开\n2\n0\n\n0\n",
        );
        let r = rows(&doc);
        assert_eq!(r[0][0], "一、本年新收政府信息公开申请数量");
        assert_eq!(r[0].len(), 8);
        assert_eq!(r[1][1], "1");
        assert_eq!(r[2], vec!["（一）予以公开", "3", "0", "0", "0", "0", "0", "3"]);
        assert_eq!(r[3], vec!["（二）部分公开", "2", "0", "", "0"]);
        assert_eq!(doc.blocks[0], Block::Para("三、收到和处理政府信息公开申请情况".into()));
    }

    #[test]
    fn prose_stays_prose() {
        let doc = parse("2023年，我局共收到申请 5 件。\n本年度报告根据条例编制。");
        assert!(doc.blocks.iter().all(|b| matches!(b, Block::Para(_))), "{doc:?}");
    }

    #[test]
    fn gbk_text_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("一、总体情况");
        assert_eq!(decode(&bytes).unwrap(), ("一、总体情况".to_string(), 0));
    }
}
