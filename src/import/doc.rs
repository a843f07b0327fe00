//! The neutral document every reader produces: paragraphs and tables (with row/column spans)
//! in reading order. [`super::recognize`] turns it into a report without knowing where it
//! came from.

/// A document as read from a file.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Document {
    /// A title the file declares apart from its text (HTML `<title>`, PDF/Word metadata).
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    /// Control characters the text held (removed, as [`clean_text`] does): the import says so.
    pub removed_controls: usize,
    /// Bytes no encoding could read, shown as `�`: the import says so.
    pub undecodable: usize,
}

/// Control characters in a text that [`clean_text`] removes (line breaks and tabs are white
/// space, not counted).
pub fn count_controls(s: &str) -> usize {
    s.chars().filter(|&c| c.is_control() && !c.is_whitespace()).count()
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Block {
    /// One paragraph or line of text.
    Para(String),
    Table(Table),
}

/// A table as printed: rows of cells; a merged cell appears once, in its first row and column.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    pub text: String,
    pub rowspan: usize,
    pub colspan: usize,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), rowspan: 1, colspan: 1 }
    }

    pub fn spanning(text: impl Into<String>, rowspan: usize, colspan: usize) -> Cell {
        Cell { text: text.into(), rowspan: rowspan.max(1), colspan: colspan.max(1) }
    }
}

/// Largest span honoured: real tables have a few dozen rows; a hostile `rowspan=65534` must not
/// allocate a huge grid.
pub const MAX_SPAN: usize = 200;
/// Most grid columns a table may have (table 四 has 15; some CMS pages add a few).
pub const MAX_COLUMNS: usize = 64;

/// One row of a table with merged cells resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRow<'a> {
    /// The cells covering this row, left to right, each once: its text, and whether it starts
    /// in an earlier row (a merged label such as `（三）不予公开` reaching down).
    pub cells: Vec<GridCell<'a>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GridCell<'a> {
    pub text: &'a str,
    /// First grid column.
    pub col: usize,
    pub cols: usize,
    /// Began in an earlier row.
    pub inherited: bool,
}

impl Table {
    /// Resolves row and column spans into rows of the cells that cover each row (the HTML
    /// table model: a cell takes the next free slot; a row span reserves slots below). Work and
    /// memory are linear in the cells: a row holds at most [`MAX_COLUMNS`] slots, and a span
    /// reaching down is remembered once per grid column, not once per row it covers.
    pub fn grid(&self) -> Vec<GridRow<'_>> {
        // Per grid column: the cell reaching down over it (the last row it covers, its first
        // column, its width and its text).
        let mut down: Vec<Option<(usize, usize, usize, &str)>> = vec![None; MAX_COLUMNS];
        let mut out = Vec::with_capacity(self.rows.len());
        for (r, row) in self.rows.iter().enumerate() {
            let mut taken = [false; MAX_COLUMNS];
            let mut cells: Vec<GridCell> = Vec::new();
            for c in 0..MAX_COLUMNS {
                match down[c] {
                    Some((last, col, cols, text)) if last >= r => {
                        taken[c] = true;
                        if col == c {
                            cells.push(GridCell { text, col, cols, inherited: true });
                        }
                    }
                    _ => down[c] = None,
                }
            }
            let mut col = 0;
            for cell in row {
                while col < MAX_COLUMNS && taken[col] {
                    col += 1;
                }
                if col >= MAX_COLUMNS {
                    break;
                }
                // The cell stops at the next slot taken from above (as a browser draws it).
                let free = (col..MAX_COLUMNS).take_while(|&c| !taken[c]).count();
                let cols = cell.colspan.clamp(1, MAX_SPAN).min(free);
                let rows = cell.rowspan.clamp(1, MAX_SPAN);
                for c in col..col + cols {
                    taken[c] = true;
                    if rows > 1 {
                        down[c] = Some((r + rows - 1, col, cols, cell.text.as_str()));
                    }
                }
                cells.push(GridCell { text: &cell.text, col, cols, inherited: false });
                col += cols;
            }
            cells.sort_by_key(|c| c.col);
            out.push(GridRow { cells });
        }
        out
    }
}

/// Collapses white space the way a browser shows text, and drops the spaces that line breaks
/// in the source leave between two Chinese characters or digits (Word's HTML breaks lines
/// anywhere, even inside a number split into `<span>`s).
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        let c = if c == '\u{a0}' || c == '\u{3000}' { ' ' } else { c };
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            let prev = out.chars().last().unwrap_or(' ');
            if !(is_tight(prev) && is_tight(c)) {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Characters between which a space carries no meaning in Chinese text.
fn is_tight(c: char) -> bool {
    c.is_ascii_digit() || is_cjk(c) || "，。、；：？！（）《》“”‘’【】—…·％%,.".contains(c)
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_resolve_like_an_html_table() {
        let t = Table {
            rows: vec![
                vec![
                    Cell::spanning("三、本年度办理结果", 3, 1),
                    Cell::spanning("（一）予以公开", 1, 2),
                    Cell::new("5"),
                ],
                vec![Cell::spanning("（三）不予公开", 2, 1), Cell::new("1.属于国家秘密"), Cell::new("0")],
                vec![Cell::new("2.其他法律行政法规禁止公开"), Cell::new("1")],
            ],
        };
        let g = t.grid();
        let texts: Vec<Vec<(&str, bool)>> =
            g.iter().map(|r| r.cells.iter().map(|c| (c.text, c.inherited)).collect()).collect();
        assert_eq!(
            texts[2],
            vec![
                ("三、本年度办理结果", true),
                ("（三）不予公开", true),
                ("2.其他法律行政法规禁止公开", false),
                ("1", false)
            ]
        );
        assert_eq!(g[0].cells[1].cols, 2);
    }

    #[test]
    fn hostile_spans_are_bounded() {
        let t = Table { rows: vec![vec![Cell::spanning("x", 1_000_000, 1_000_000)], vec![Cell::new("y")]] };
        let g = t.grid();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].cells[0].cols, MAX_COLUMNS);
    }

    #[test]
    fn source_line_breaks_inside_chinese_and_numbers_vanish() {
        assert_eq!(clean_text("共收到\n 申请 1\n2 件"), "共收到申请12件");
        assert_eq!(clean_text("Hello  world"), "Hello world");
        assert_eq!(clean_text("\u{a0}电话：0859 - 3229766"), "电话：0859 - 3229766");
    }
}
