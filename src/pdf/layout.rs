//! Page layout: the report as a flow of line and table-row boxes, paginated with keep-together
//! rules, then placed as positioned text and rules in frame coordinates (pt, y downwards from
//! the top of the text block).
//!
//! GB/T 9704—2012: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, 3号 text, 22 lines of 28
//! characters, headings 一、 in 黑体 and （一） in 楷体, paragraphs indented two characters,
//! page numbers `— 1 —` in 4号 7 mm below the text block.

use super::fonts::{FontSet, Role};
use super::text::wrap;
use crate::document::{Block, PrintTable};
use crate::model::template::{GridCell, GridContent, Role as CellRole};

pub const MM: f32 = 72.0 / 25.4;
pub const PAGE_W: f32 = 210.0 * MM;
pub const PAGE_H: f32 = 297.0 * MM;
pub const MARGIN_TOP: f32 = 37.0 * MM;
pub const MARGIN_LEFT: f32 = 28.0 * MM;
pub const BLOCK_W: f32 = 156.0 * MM;
pub const BLOCK_H: f32 = 225.0 * MM;
/// 3号 as 28 characters fill the 156 mm line exactly.
pub const BODY_SIZE: f32 = BLOCK_W / 28.0;
/// 22 lines in 225 mm.
pub const PITCH: f32 = BLOCK_H / 22.0;
/// 2号.
pub const TITLE_SIZE: f32 = 22.0;
/// 4号, for page numbers.
pub const PAGE_NUMBER_SIZE: f32 = 14.0;
/// 五号 for tables; table 四 in portrait uses 小五.
pub const TABLE_SIZE: f32 = 10.5;
pub const TABLE4_SIZE: f32 = 9.0;
/// 小五 for the 勾稽 note in table 三's header (六号 was too small to read).
pub const NOTE_SIZE: f32 = 9.0;

/// Something drawn, in frame coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A text line; `y` is the baseline. `spacing` is extra space after each character (pt),
    /// used to justify a line to the full width.
    Text { x: f32, y: f32, size: f32, role: Role, text: String, spacing: f32 },
    /// A 0.5 pt rule (table borders).
    Line { x1: f32, y1: f32, x2: f32, y2: f32 },
}

/// How the frame sits on the (portrait) page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    Portrait,
    /// A landscape table on a portrait sheet (GB/T 9704 §8): the frame is 225 × 156 mm, its top
    /// turned towards the binding edge (odd pages) or the outer edge (even pages).
    Landscape,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub frame: Frame,
    pub items: Vec<Item>,
}

/// One paginated unit.
#[derive(Debug, Clone)]
struct Unit {
    height: f32,
    keep_with_next: bool,
    kind: UnitKind,
}

#[derive(Debug, Clone)]
enum UnitKind {
    Space,
    Text { x: f32, width: f32, size: f32, role: Role, text: String, justify: bool, align: Align },
    Row { table: usize, row: usize },
    NewPage,
    LandscapePage(usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
}

/// A laid-out table: geometry and its data.
struct TableGeo {
    data: PrintTable,
    size: f32,
    xs: Vec<f32>,
    heights: Vec<f32>,
    header_rows: usize,
    /// Size of the numbers of each row: a number too wide for its column shrinks the whole
    /// row's numbers with it, so a row reads as one.
    number_size: Vec<f32>,
    /// Size of each fixed cell's text (smaller only when a word is wider than its column).
    text_size: Vec<f32>,
}

/// Words of up to this many characters are never broken in a header (「自然/人」): their
/// column widens instead.
const WHOLE_WORD: usize = 3;

fn cell_style(c: &GridCell, size: f32) -> (f32, u8) {
    match &c.content {
        GridContent::Fixed { role: CellRole::Note, .. } => (NOTE_SIZE, 0),
        GridContent::Fixed { indent, .. } => (size, *indent),
        GridContent::Data(_) => (size, 0),
    }
}

impl TableGeo {
    fn new(fonts: &FontSet, data: PrintTable, size: f32, width: f32) -> TableGeo {
        let def = &data.table.def;
        let layout = &data.table.print;
        let texts = &data.texts;
        let n = def.grid_columns;
        let mut is_data = vec![false; n];
        for c in &layout.cells {
            if let GridContent::Data(_) = c.content {
                for d in is_data.iter_mut().skip(c.col).take(c.cols) {
                    *d = true;
                }
            }
        }
        let pad = size * 0.3;
        let total: f32 = def.col_widths.iter().sum::<f32>().max(1.0);
        let mut widths: Vec<f32> = def.col_widths.iter().map(|w| width * w / total).collect();
        // What each column needs: five digits at full size, every number it holds, and every
        // short header word in one piece.
        let mut need = vec![0.0f32; n];
        for (c, text) in layout.cells.iter().zip(texts) {
            if c.cols != 1 || c.col >= n {
                continue;
            }
            let w = match &c.content {
                GridContent::Data(_) => {
                    fonts.width(Role::Table, "00000", size).max(fonts.width(Role::Table, text, size)) + 2.0 * pad
                }
                GridContent::Fixed { role: CellRole::Head, .. } if text.chars().count() <= WHOLE_WORD => {
                    fonts.width(Role::Table, text, size) + 2.0 * pad
                }
                _ => continue,
            };
            need[c.col] = need[c.col].max(w);
        }
        // Label columns give up what that takes, keeping at least four characters.
        let short: f32 = widths.iter().zip(&need).map(|(w, n)| (n - w).max(0.0)).sum();
        let floor = 4.0 * size + 2.0 * pad;
        let spare: f32 = widths.iter().zip(&is_data).filter(|(_, d)| !**d).map(|(w, _)| (w - floor).max(0.0)).sum();
        if short > 0.0 && spare > 0.0 {
            let give = short.min(spare);
            let k = give / short;
            for (w, nd) in widths.iter_mut().zip(&need) {
                *w += (nd - *w).max(0.0) * k;
            }
            for (w, d) in widths.iter_mut().zip(&is_data) {
                if !*d {
                    *w -= (*w - floor).max(0.0) / spare * give;
                }
            }
        }
        let mut xs = vec![0.0];
        for w in &widths {
            xs.push(xs.last().copied().unwrap_or(0.0) + w);
        }
        let inner = |c: &GridCell, csize: f32, indent: u8| {
            xs[c.col + c.cols] - xs[c.col] - 2.0 * pad - f32::from(indent) * csize / 2.0
        };
        // Numbers: one size per row.
        let mut number_size = vec![size; layout.rows];
        for (c, text) in layout.cells.iter().zip(texts) {
            if let GridContent::Data(_) = c.content {
                let natural = fonts.width(Role::Table, text, size);
                let w = inner(c, size, 0);
                if natural > w && w > 0.0 {
                    number_size[c.row] = number_size[c.row].min(size * w / natural);
                }
            }
        }
        // Fixed text: smaller only if one unbreakable piece is wider than the cell.
        let text_size: Vec<f32> = layout
            .cells
            .iter()
            .zip(texts)
            .map(|(c, text)| {
                let (csize, indent) = cell_style(c, size);
                let w = inner(c, csize, indent);
                let widest = super::text::segments(text)
                    .iter()
                    .map(|s| fonts.width(Role::Table, s.trim_end(), csize))
                    .fold(0.0, f32::max);
                if widest > w && w > 0.0 { csize * w / widest } else { csize }
            })
            .collect();
        let line_h = size * 1.35;
        let heights = layout.fit_row_heights(size * 2.1, |i, c| {
            if let GridContent::Data(_) = c.content {
                return Some(line_h + 2.0 * pad);
            }
            let (_, indent) = cell_style(c, size);
            let csize = text_size[i];
            let w = inner(c, csize, indent);
            let lines = super::text::wrap_balanced(fonts, Role::Table, &texts[i], csize, w).len().max(1) as f32;
            Some(lines * csize * 1.35 + 2.0 * pad + (line_h - csize * 1.35).max(0.0))
        });
        let header_rows = def.header_rows;
        TableGeo { data, size, xs, heights, header_rows, number_size, text_size }
    }

    fn width(&self) -> f32 {
        self.xs.last().copied().unwrap_or(0.0)
    }

    /// Whether every header of up to four characters fits its cell on one line.
    fn whole_headers(&self, fonts: &FontSet) -> bool {
        let pad = self.size * 0.3;
        self.data.table.print.cells.iter().zip(&self.data.texts).all(|(c, t)| {
            !matches!(c.content, GridContent::Fixed { role: CellRole::Head, .. })
                || t.chars().count() > 4
                || fonts.width(Role::Table, t, self.size) <= self.xs[c.col + c.cols] - self.xs[c.col] - 2.0 * pad + 0.01
        })
    }

    fn header_height(&self) -> f32 {
        self.heights[..self.header_rows].iter().sum()
    }

    /// Whether a page may not break between `row` and `row + 1`.
    ///
    /// Header and caption rows, and label rows (a group's label over empty cells), stay with
    /// what follows; a table piece on a page has at least two body rows; a small group under a
    /// merged label (（四）无法提供, 3–8 rows) stays whole, and a larger one (三、本年度办理结果)
    /// splits only with two rows or more on each side (never after a single row), its label in
    /// the taller piece and 「（续）」 in the other.
    fn keeps_with_next(&self, row: usize) -> bool {
        let n = self.heights.len();
        if row + 1 >= n {
            return false;
        }
        let cells = &self.data.table.print.cells;
        let body_start = self.header_rows;
        let edge = row == body_start || row + 2 == n;
        let group = cells.iter().any(|c| {
            if !matches!(c.content, GridContent::Fixed { .. }) || c.rows < 2 || c.row > row || row + 1 >= c.row + c.rows
            {
                return false;
            }
            let (into, left) = (row + 1 - c.row, c.row + c.rows - row - 1);
            c.rows <= 8 || into < 2 || left < 2
        });
        let fixed_only = cells.iter().filter(|c| c.row == row).all(|c| matches!(c.content, GridContent::Fixed { .. }));
        row < self.header_rows || edge || group || fixed_only
    }

    /// Draws rows `rows` (with the header rows first when `with_header`), starting at `y`.
    /// `pieces` are the row ranges of this table on every page, so a merged cell split across
    /// pages knows which piece is the tallest.
    #[allow(clippy::too_many_arguments)]
    fn draw(
        &self,
        fonts: &FontSet,
        items: &mut Vec<Item>,
        x0: f32,
        y0: f32,
        rows: std::ops::Range<usize>,
        with_header: bool,
        pieces: &[std::ops::Range<usize>],
    ) -> f32 {
        let mut visible: Vec<usize> = Vec::new();
        if with_header {
            visible.extend(0..self.header_rows);
        }
        visible.extend(rows.clone());
        // y of each visible row.
        let mut ys = Vec::new();
        let mut y = y0;
        for &r in &visible {
            ys.push(y);
            y += self.heights[r];
        }
        let pad = self.size * 0.3;
        let layout = &self.data.table.print;
        for (i, (c, text)) in layout.cells.iter().zip(&self.data.texts).enumerate() {
            // The part of this cell that is on the page: consecutive visible rows it spans.
            let span: Vec<usize> =
                (0..visible.len()).filter(|&i| visible[i] >= c.row && visible[i] < c.row + c.rows).collect();
            let (Some(&first), Some(&last)) = (span.first(), span.last()) else { continue };
            let top = ys[first];
            let bottom = ys[last] + self.heights[visible[last]];
            let left = x0 + self.xs[c.col];
            let right = x0 + self.xs[c.col + c.cols];
            // Borders.
            for (x1, y1, x2, y2) in [
                (left, top, right, top),
                (left, bottom, right, bottom),
                (left, top, left, bottom),
                (right, top, right, bottom),
            ] {
                items.push(Item::Line { x1, y1, x2, y2 });
            }
            if text.is_empty() {
                continue;
            }
            let (align, indent) = match &c.content {
                GridContent::Fixed { role: CellRole::Note, .. } => (Align::Center, 0),
                GridContent::Fixed { role: CellRole::Label, indent, .. } => (Align::Left, *indent),
                _ => (Align::Center, 0),
            };
            let mut size = match c.content {
                GridContent::Data(_) => self.number_size[c.row],
                GridContent::Fixed { .. } => self.text_size[i],
            };
            let cell_h = bottom - top;
            let header_cell = c.row < self.header_rows;
            // A merged cell split across pages: its label in the tallest piece, 「（续）」 in
            // the others when the label does not fit there.
            let split = !header_cell && c.rows > 1 && (c.row < rows.start || c.row + c.rows > rows.end);
            let mut text = text.clone();
            let fits = |t: &str, size: f32| {
                let w = right - left - 2.0 * pad - f32::from(indent) * size / 2.0;
                let n = super::text::wrap_balanced(fonts, Role::Table, t, size, w).len() as f32;
                n * size * 1.35 + 2.0 * pad <= cell_h + 0.01
            };
            if split && matches!(c.content, GridContent::Fixed { .. }) {
                let height_in = |r: &std::ops::Range<usize>| -> f32 {
                    (r.start.max(c.row)..r.end.min(c.row + c.rows)).map(|k| self.heights[k]).sum()
                };
                let here = height_in(&rows);
                let tallest = pieces.iter().map(height_in).fold(0.0, f32::max);
                let is_tallest =
                    pieces.iter().find(|p| (height_in(p) - tallest).abs() < 0.01).is_some_and(|p| *p == rows);
                if !(fits(&text, size) || is_tallest && here > 0.0) {
                    let starts_here = c.row >= rows.start;
                    // 「（续）」 on one line, or 「续」 alone in a narrow column (a bracket alone
                    // on a line would break the line rules).
                    let w = right - left - 2.0 * pad - f32::from(indent) * size / 2.0;
                    let one_line = fonts.width(Role::Table, "（续）", size) <= w;
                    let cont = if one_line { "（续）" } else { "续" };
                    let cont = Some(cont).filter(|t| !starts_here && fits(t, size));
                    match cont {
                        Some(t) => text = t.to_string(),
                        None => continue,
                    }
                }
            }
            // Nothing is drawn outside its cell: a text taller than the cell is set smaller.
            while size > 5.0 && !fits(&text, size) {
                size *= 0.92;
            }
            let indent_w = f32::from(indent) * size / 2.0;
            let inner_w = right - left - 2.0 * pad - indent_w;
            let lines = match c.content {
                GridContent::Data(_) => super::text::wrap(fonts, Role::Table, &text, size, f32::MAX, f32::MAX),
                GridContent::Fixed { .. } => super::text::wrap_balanced(fonts, Role::Table, &text, size, inner_w),
            };
            let lh = size * 1.35;
            let block_h = lines.len() as f32 * lh;
            let mut ly = top + (cell_h - block_h) / 2.0;
            for line in lines {
                let x = match align {
                    Align::Left => left + pad + indent_w,
                    Align::Center => left + (right - left - line.width) / 2.0,
                };
                items.push(Item::Text {
                    x,
                    y: ly + lh / 2.0 + size * 0.36,
                    size,
                    role: Role::Table,
                    text: line.text,
                    spacing: 0.0,
                });
                ly += lh;
            }
        }
        y
    }
}

/// Lays out the blocks into pages.
pub fn layout(fonts: &FontSet, blocks: Vec<Block>) -> Vec<Page> {
    let mut units = Vec::new();
    let mut tables: Vec<TableGeo> = Vec::new();
    let mut landscapes: Vec<Vec<Block>> = Vec::new();
    for block in blocks {
        push_block(fonts, block, Frame::Portrait, &mut units, &mut tables, &mut landscapes);
    }
    paginate(fonts, &units, &tables, &landscapes)
}

/// A line unit; `(x, width)` is where the line sits in the frame.
fn text_unit(
    height: f32,
    (x, width): (f32, f32),
    size: f32,
    role: Role,
    text: String,
    justify: bool,
    align: Align,
) -> Unit {
    Unit { height, keep_with_next: false, kind: UnitKind::Text { x, width, size, role, text, justify, align } }
}

fn push_block(
    fonts: &FontSet,
    block: Block,
    frame: Frame,
    units: &mut Vec<Unit>,
    tables: &mut Vec<TableGeo>,
    landscapes: &mut Vec<Vec<Block>>,
) {
    let indent = 2.0 * BODY_SIZE;
    let frame_w = match frame {
        Frame::Portrait => BLOCK_W,
        Frame::Landscape => BLOCK_H,
    };
    match block {
        Block::Title(parts) => {
            let lines = super::text::title_lines(fonts, &parts, TITLE_SIZE, frame_w);
            let n = lines.len();
            for (i, l) in lines.into_iter().enumerate() {
                let mut u =
                    text_unit(TITLE_SIZE * 1.55, (0.0, frame_w), TITLE_SIZE, Role::Title, l, false, Align::Center);
                u.keep_with_next = i + 1 < n;
                units.push(u);
            }
            units.push(Unit { height: PITCH, keep_with_next: false, kind: UnitKind::Space });
        }
        Block::Heading { level, text } => {
            let role = if level <= 1 { Role::Heading1 } else { Role::Heading2 };
            let lines = wrap(fonts, role, &text, BODY_SIZE, frame_w - indent, frame_w);
            for (i, l) in lines.into_iter().enumerate() {
                let x = if i == 0 { indent } else { 0.0 };
                let mut u = text_unit(PITCH, (x, frame_w - x), BODY_SIZE, role, l.text, !l.last, Align::Left);
                // A heading never ends a page.
                u.keep_with_next = true;
                units.push(u);
            }
        }
        Block::Para(text) => {
            let lines = wrap(fonts, Role::Body, &text, BODY_SIZE, frame_w - indent, frame_w);
            let n = lines.len();
            for (i, l) in lines.into_iter().enumerate() {
                let x = if i == 0 { indent } else { 0.0 };
                let mut u = text_unit(PITCH, (x, frame_w - x), BODY_SIZE, Role::Body, l.text, !l.last, Align::Left);
                // No single line of a paragraph left alone at the top or bottom of a page.
                u.keep_with_next = n > 1 && (i == 0 || i + 2 == n);
                units.push(u);
            }
        }
        Block::Blank => units.push(Unit { height: PITCH, keep_with_next: false, kind: UnitKind::Space }),
        Block::Table(table) => {
            // A wide table (表四) is set in 小五 on a portrait page; on its own landscape page it
            // has room for the normal size.
            let geo = if !table.wide() {
                TableGeo::new(fonts, *table, TABLE_SIZE, frame_w)
            } else if frame == Frame::Portrait {
                TableGeo::new(fonts, *table, TABLE4_SIZE, frame_w)
            } else {
                // On its landscape page the wide table takes the largest size at which its
                // four-character headers (结果维持) stay on one line, 小五 at least.
                let mut geo = TableGeo::new(fonts, (*table).clone(), TABLE_SIZE, frame_w);
                for size in [10.0, 9.5, TABLE4_SIZE] {
                    if geo.whole_headers(fonts) {
                        break;
                    }
                    geo = TableGeo::new(fonts, (*table).clone(), size, frame_w);
                }
                geo
            };
            let t = tables.len();
            for row in 0..geo.heights.len() {
                units.push(Unit {
                    height: geo.heights[row],
                    keep_with_next: geo.keeps_with_next(row),
                    kind: UnitKind::Row { table: t, row },
                });
            }
            tables.push(geo);
            // A little air below a table.
            units.push(Unit { height: PITCH * 0.4, keep_with_next: false, kind: UnitKind::Space });
        }
        Block::Landscape(inner) => {
            landscapes.push(inner);
            units.push(Unit {
                height: 0.0,
                keep_with_next: false,
                kind: UnitKind::LandscapePage(landscapes.len() - 1),
            });
        }
        Block::Signature { name, date } => {
            // Keep the signature with the last two lines of text above it (and what is between).
            let mut back = 0;
            for u in units.iter_mut().rev() {
                u.keep_with_next = true;
                if let UnitKind::Text { .. } = u.kind {
                    back += 1;
                    if back == 2 {
                        break;
                    }
                }
            }
            // A blank date line (to be written by hand) keeps the room a date takes.
            let date_w = fonts.width(Role::Body, if date.is_empty() { "0000年00月00日" } else { &date }, BODY_SIZE);
            let name_w = fonts.width(Role::Body, &name, BODY_SIZE);
            let date_x = frame_w - 4.0 * BODY_SIZE - date_w;
            let name_x = (date_x + date_w / 2.0 - name_w / 2.0).min(frame_w - name_w).max(0.0);
            for _ in 0..2 {
                units.push(Unit { height: PITCH, keep_with_next: true, kind: UnitKind::Space });
            }
            let mut u = text_unit(PITCH, (name_x, name_w), BODY_SIZE, Role::Body, name, false, Align::Left);
            u.keep_with_next = true;
            units.push(u);
            units.push(text_unit(PITCH, (date_x, date_w), BODY_SIZE, Role::Body, date, false, Align::Left));
        }
        Block::AnnexStart { title } => {
            // GB/T 9704—2012 7.3.7 (the "§8"; §8 is the landscape table): “附件”二字
            // 用3号黑体字顶格编排在版心左上角第一行。附件标题居中编排在版心第三行。
            units.push(Unit { height: 0.0, keep_with_next: false, kind: UnitKind::NewPage });
            let mut u = text_unit(PITCH, (0.0, frame_w), BODY_SIZE, Role::Heading1, "附件".into(), false, Align::Left);
            u.keep_with_next = true;
            units.push(u);
            units.push(Unit { height: PITCH, keep_with_next: true, kind: UnitKind::Space });
            for l in super::text::title_lines(fonts, &[title], TITLE_SIZE, frame_w) {
                let mut u = text_unit(PITCH, (0.0, frame_w), TITLE_SIZE, Role::Title, l, false, Align::Center);
                u.keep_with_next = true;
                units.push(u);
            }
            units.push(Unit { height: PITCH * 0.5, keep_with_next: true, kind: UnitKind::Space });
        }
    }
}

/// Breaks the laid-out units into pages, then places them.
///
/// Long because the break decisions (keep-with-next, table heads repeated, landscape pages) and the
/// placing share the running page state; split apart they would pass it all back and forth.
#[expect(clippy::too_many_lines, reason = "one page state shared by breaking and placing; see the doc comment")]
fn paginate(fonts: &FontSet, units: &[Unit], tables: &[TableGeo], landscapes: &[Vec<Block>]) -> Vec<Page> {
    // First decide where pages break: indices of the first unit of each page.
    let mut starts = vec![0usize];
    let mut y = 0.0;
    let mut i = 0;
    while i < units.len() {
        let u = &units[i];
        let page_start = *starts.last().unwrap_or(&0);
        match u.kind {
            UnitKind::NewPage | UnitKind::LandscapePage(_) => {
                if i > page_start {
                    starts.push(i);
                }
                if matches!(u.kind, UnitKind::LandscapePage(_)) {
                    starts.push(i + 1);
                }
                y = 0.0;
                i += 1;
                continue;
            }
            _ => {}
        }
        // A continued table repeats its header rows at the top of the page.
        if i == page_start && y == 0.0 {
            y = continuation_header(units, tables, i);
        }
        if y + u.height <= BLOCK_H + 0.01 || i == page_start {
            y += u.height;
            i += 1;
            continue;
        }
        // Does not fit: break before the chain of units that must stay with this one (unless
        // the chain fills the whole page; then break where it overflows).
        let mut b = i;
        while b > page_start && units[b - 1].keep_with_next {
            b -= 1;
        }
        if b == page_start {
            b = i;
        }
        starts.push(b);
        y = 0.0;
        i = b;
    }

    // The row ranges of each table, page by page (a split merged cell needs all its pieces).
    let mut pieces: Vec<Vec<std::ops::Range<usize>>> = vec![Vec::new(); tables.len()];
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(units.len());
        let mut j = start;
        while j < end {
            if let UnitKind::Row { table, row } = units[j].kind {
                let mut last = row;
                while j + 1 < end && matches!(units[j + 1].kind, UnitKind::Row { table: t, .. } if t == table) {
                    j += 1;
                    if let UnitKind::Row { row, .. } = units[j].kind {
                        last = row;
                    }
                }
                pieces[table].push(row..last + 1);
            }
            j += 1;
        }
    }

    let mut pages = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(units.len());
        if start >= end {
            continue;
        }
        if let UnitKind::LandscapePage(l) = units[start].kind {
            let inner = layout_landscape(fonts, &landscapes[l]);
            pages.push(Page { frame: Frame::Landscape, items: inner });
            continue;
        }
        let mut items = Vec::new();
        let mut y = 0.0;
        let mut j = start;
        // Skip leading spaces.
        while j < end && matches!(units[j].kind, UnitKind::Space | UnitKind::NewPage) {
            j += 1;
        }
        while j < end {
            match &units[j].kind {
                UnitKind::Row { table, .. } => {
                    let t = *table;
                    let first = match units[j].kind {
                        UnitKind::Row { row, .. } => row,
                        _ => 0,
                    };
                    let mut last = first;
                    let mut k2 = j;
                    while k2 < end && matches!(units[k2].kind, UnitKind::Row { table: tt, .. } if tt == t) {
                        if let UnitKind::Row { row, .. } = units[k2].kind {
                            last = row;
                        }
                        k2 += 1;
                    }
                    let geo = &tables[t];
                    let with_header = first >= geo.header_rows && geo.header_rows > 0;
                    let x0 = ((BLOCK_W - geo.width()) / 2.0).max(0.0);
                    y = geo.draw(fonts, &mut items, x0, y, first..last + 1, with_header, &pieces[t]);
                    j = k2;
                }
                UnitKind::Text { x, width, size, role, text, justify, align } => {
                    let natural = fonts.width(*role, text, *size);
                    let n = text.chars().count();
                    let (tx, spacing) = match align {
                        Align::Center => (x + (width - natural) / 2.0, 0.0),
                        // Justified, unless that would spread the characters apart (a long
                        // web address pushed to the next line): then ragged.
                        Align::Left
                            if *justify
                                && n > 1
                                && natural < *width
                                && (width - natural) / ((n - 1) as f32) < size * 0.3 =>
                        {
                            (*x, (width - natural) / (n - 1) as f32)
                        }
                        Align::Left => (*x, 0.0),
                    };
                    let h = units[j].height;
                    items.push(Item::Text {
                        x: tx,
                        y: y + h / 2.0 + size * 0.36,
                        size: *size,
                        role: *role,
                        text: text.clone(),
                        spacing,
                    });
                    y += h;
                    j += 1;
                }
                UnitKind::Space => {
                    y += units[j].height;
                    j += 1;
                }
                UnitKind::NewPage | UnitKind::LandscapePage(_) => j += 1,
            }
        }
        pages.push(Page { frame: Frame::Portrait, items });
    }
    pages
}

/// Height of repeated header rows when a page starts inside a table.
fn continuation_header(units: &[Unit], tables: &[TableGeo], i: usize) -> f32 {
    match units[i].kind {
        UnitKind::Row { table, row } if row >= tables[table].header_rows && tables[table].header_rows > 0 => {
            tables[table].header_height()
        }
        _ => 0.0,
    }
}

/// A landscape page: the blocks laid out in a 225 × 156 mm frame (they must fit one page).
fn layout_landscape(fonts: &FontSet, blocks: &[Block]) -> Vec<Item> {
    let mut units = Vec::new();
    let mut tables = Vec::new();
    let mut nested = Vec::new();
    for b in blocks.iter().cloned() {
        push_block(fonts, b, Frame::Landscape, &mut units, &mut tables, &mut nested);
    }
    let mut items = Vec::new();
    let mut y = 0.0;
    let mut j = 0;
    while j < units.len() {
        match &units[j].kind {
            UnitKind::Row { table, .. } => {
                let t = *table;
                let n = tables[t].heights.len();
                let x0 = ((BLOCK_H - tables[t].width()) / 2.0).max(0.0);
                let all = tables[t].header_rows..n;
                y = tables[t].draw(fonts, &mut items, x0, y, all.clone(), true, &[all]);
                j += n;
            }
            UnitKind::Text { x, size, role, text, .. } => {
                let h = units[j].height;
                items.push(Item::Text {
                    x: *x,
                    y: y + h / 2.0 + size * 0.36,
                    size: *size,
                    role: *role,
                    text: text.clone(),
                    spacing: 0.0,
                });
                y += h;
                j += 1;
            }
            _ => {
                y += units[j].height;
                j += 1;
            }
        }
    }
    items
}
