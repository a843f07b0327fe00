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
use crate::model::form::{GridCell, GridContent};
use crate::model::template::Role as CellRole;

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
    /// A text line; `y` is the baseline. `extra[i]` is the space (pt) added after character
    /// `i` to justify the line to the full width (empty: none).
    Text { x: f32, y: f32, size: f32, role: Role, text: String, extra: Vec<f32> },
    /// A 0.5 pt rule (table borders).
    Line { x1: f32, y1: f32, x2: f32, y2: f32 },
}

/// How the frame sits on the (portrait) page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    Portrait,
    /// A landscape table on a portrait sheet (GB/T 9704 §10): the frame is 225 × 156 mm, its
    /// top (the table's head) towards the binding edge on odd pages and the outer edge on even
    /// pages — the left edge of the sheet either way.
    Landscape,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub frame: Frame,
    pub items: Vec<Item>,
    /// Where the outline's entries point on this page.
    pub marks: Vec<Mark>,
}

/// An outline entry: a section heading or the annex (level 1), a table (level 2); `y` is the
/// top of its line in frame coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub level: u8,
    pub title: String,
    pub y: f32,
}

/// One paginated unit.
#[derive(Debug, Clone)]
struct Unit {
    height: f32,
    keep_with_next: bool,
    kind: UnitKind,
    /// The outline entry that starts here.
    mark: Option<(u8, String)>,
}

impl Unit {
    fn new(height: f32, keep_with_next: bool, kind: UnitKind) -> Unit {
        Unit { height, keep_with_next, kind, mark: None }
    }

    fn space(height: f32, keep_with_next: bool) -> Unit {
        Unit::new(height, keep_with_next, UnitKind::Space)
    }

    /// A line of text or a table row: what a heading must be kept with.
    fn is_line(&self) -> bool {
        matches!(self.kind, UnitKind::Text { role, .. } if !matches!(role, Role::Heading1 | Role::Heading2))
            || matches!(self.kind, UnitKind::Row { .. })
    }

    fn is_heading(&self) -> bool {
        matches!(self.kind, UnitKind::Text { role: Role::Heading1 | Role::Heading2, .. })
    }
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
        // A merged label that may continue on the next page needs 「（续）」 on one line.
        for c in &layout.cells {
            let merged_label = matches!(c.content, GridContent::Fixed { role: CellRole::Label, .. })
                && c.rows > 1
                && c.cols == 1
                && c.row >= def.header_rows
                && c.col < n;
            if merged_label {
                need[c.col] = need[c.col].max(fonts.width(Role::Table, "（续）", size) + 2.0 * pad);
            }
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

    /// The smallest size any number is set in (a number too wide for its column shrinks).
    fn smallest_number(&self) -> f32 {
        self.number_size.iter().copied().fold(self.size, f32::min)
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
    /// Header rows and label rows (a caption, a group's label over empty cells) stay with what
    /// follows; a table piece has at least two body rows at the table's start and end. A group
    /// under a merged label (（四）无法提供, 三、本年度办理结果) may split between any of its items
    /// where each piece has room for the label — in the first, the label; in the next, the
    /// label with 「（续）」 — so a page is filled rather than left with a gap at its foot.
    fn keeps_with_next(&self, fonts: &FontSet, row: usize) -> bool {
        let n = self.heights.len();
        if row + 1 >= n {
            return false;
        }
        let cells = &self.data.table.print.cells;
        if row <= self.header_rows || row + 2 == n {
            return true;
        }
        let fixed_only = cells.iter().filter(|c| c.row == row).all(|c| matches!(c.content, GridContent::Fixed { .. }));
        if fixed_only {
            return true;
        }
        cells.iter().zip(&self.data.texts).enumerate().any(|(i, (c, text))| {
            if !matches!(c.content, GridContent::Fixed { .. }) || c.rows < 2 || c.row > row || row + 1 >= c.row + c.rows
            {
                return false;
            }
            let above: f32 = self.heights[c.row..=row].iter().sum();
            let below: f32 = self.heights[row + 1..c.row + c.rows].iter().sum();
            !self.label_fits(fonts, i, text, self.text_size[i], above)
                || !self.label_fits(fonts, i, &continued(text), self.text_size[i], below)
        })
    }

    /// Whether cell `i`'s `text` at `size` fits a piece `height` pt tall.
    fn label_fits(&self, fonts: &FontSet, i: usize, text: &str, size: f32, height: f32) -> bool {
        let c = &self.data.table.print.cells[i];
        let pad = self.size * 0.3;
        let indent = match &c.content {
            GridContent::Fixed { role: CellRole::Label, indent, .. } => *indent,
            _ => 0,
        };
        let w = self.xs[c.col + c.cols] - self.xs[c.col] - 2.0 * pad - f32::from(indent) * size / 2.0;
        let lines = super::text::wrap_balanced(fonts, Role::Table, text, size, w).len() as f32;
        lines * size * 1.35 + 2.0 * pad <= height + 0.01
    }

    /// Draws rows `rows` (with the header rows first when `with_header`), starting at `y`.
    fn draw(
        &self,
        fonts: &FontSet,
        items: &mut Vec<Item>,
        (x0, y0): (f32, f32),
        rows: std::ops::Range<usize>,
        with_header: bool,
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
            // A merged label split across pages is printed in every piece, continued with
            // 「（续）」 after the first.
            let split = !header_cell && c.rows > 1 && (c.row < rows.start || c.row + c.rows > rows.end);
            let mut text = text.clone();
            if split && c.row < rows.start && matches!(c.content, GridContent::Fixed { .. }) {
                text = continued(&text);
            }
            let fits = |t: &str, size: f32| {
                let w = right - left - 2.0 * pad - f32::from(indent) * size / 2.0;
                let n = super::text::wrap_balanced(fonts, Role::Table, t, size, w).len() as f32;
                n * size * 1.35 + 2.0 * pad <= cell_h + 0.01
            };
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
                    extra: Vec::new(),
                });
                ly += lh;
            }
        }
        y
    }
}

/// `text` continued on another page: 「…（续）」.
fn continued(text: &str) -> String {
    format!("{text}（续）")
}

/// Lays out the blocks into pages.
pub fn layout(fonts: &FontSet, blocks: Vec<Block>) -> Vec<Page> {
    let mut flow = Flow::default();
    for block in blocks {
        flow.push(fonts, block, Frame::Portrait);
    }
    keep_headings_with_two_lines(&mut flow.units);
    paginate(fonts, &flow)
}

/// A wide table (表四) whose numbers would be set too small in a portrait text block: below
/// this size (六号) it goes on a landscape page of its own.
pub const MIN_NUMBER_SIZE: f32 = 7.5;

/// Wide tables in the portrait flow whose numbers would come out smaller than
/// [`MIN_NUMBER_SIZE`] (9- or 10-digit figures) are turned landscape, onto a page of their own
/// with the headings directly above them, as the report's own option does; each one turned, or
/// still too small on its landscape page, is said in Chinese.
pub fn turn_crowded_tables(fonts: &FontSet, blocks: Vec<Block>) -> (Vec<Block>, Vec<String>) {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut notes = Vec::new();
    for block in blocks {
        let Block::Table(table) = block else {
            out.push(block);
            continue;
        };
        if !table.wide() {
            out.push(Block::Table(table));
            continue;
        }
        let portrait = TableGeo::new(fonts, (*table).clone(), TABLE4_SIZE, BLOCK_W).smallest_number();
        if portrait >= MIN_NUMBER_SIZE - 0.01 {
            out.push(Block::Table(table));
            continue;
        }
        let name = table.table.def.name.clone();
        let landscape = landscape_geo(fonts, &table).smallest_number();
        notes.push(if landscape >= MIN_NUMBER_SIZE - 0.01 {
            format!("{name}中有位数很多的数字，竖排的{name}放不下，已改为横排单独成页")
        } else {
            format!(
                "{name}中有位数很多的数字，即使横排单独成页也只能缩小到{:.1}磅印出（正常为五号10.5磅），请核对数字是否有误",
                landscape
            )
        });
        crate::document::push_landscape(&mut out, table);
    }
    (out, notes)
}

/// A wide table on its landscape page: the largest size at which its four-character headers
/// (结果维持) stay on one line, 小五 at least.
fn landscape_geo(fonts: &FontSet, table: &PrintTable) -> TableGeo {
    let mut geo = TableGeo::new(fonts, table.clone(), TABLE_SIZE, BLOCK_H);
    for size in [10.0, 9.5, TABLE4_SIZE] {
        if geo.whole_headers(fonts) {
            break;
        }
        geo = TableGeo::new(fonts, table.clone(), size, BLOCK_H);
    }
    geo
}

/// A heading of any height is kept with at least two lines (or table rows) of what follows.
fn keep_headings_with_two_lines(units: &mut [Unit]) {
    for i in 0..units.len() {
        let last_heading_line = units[i].is_heading() && !units.get(i + 1).is_some_and(Unit::is_heading);
        if !last_heading_line {
            continue;
        }
        let mut lines = 0;
        for u in units[i + 1..].iter_mut() {
            if matches!(u.kind, UnitKind::NewPage | UnitKind::LandscapePage(_)) {
                break;
            }
            if u.is_line() {
                lines += 1;
                if lines == 2 {
                    break;
                }
            }
            u.keep_with_next = true;
        }
    }
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
    Unit::new(height, false, UnitKind::Text { x, width, size, role, text, justify, align })
}

/// The document as paginated units, with the tables and landscape pages they refer to.
#[derive(Default)]
struct Flow {
    units: Vec<Unit>,
    tables: Vec<TableGeo>,
    landscapes: Vec<Vec<Block>>,
    /// The next table is the annex's own (its outline entry is the annex's).
    annex_table: bool,
}

impl Flow {
    fn push(&mut self, fonts: &FontSet, block: Block, frame: Frame) {
        let units = &mut self.units;
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
                units.push(Unit::space(PITCH, false));
            }
            Block::Heading { level, text } => {
                let role = if level <= 1 { Role::Heading1 } else { Role::Heading2 };
                let lines = wrap(fonts, role, &text, BODY_SIZE, frame_w - indent, frame_w);
                for (i, l) in lines.into_iter().enumerate() {
                    let x = if i == 0 { indent } else { 0.0 };
                    let mut u = text_unit(PITCH, (x, frame_w - x), BODY_SIZE, role, l.text, !l.last, Align::Left);
                    // A heading never ends a page (and is kept with two lines after it).
                    u.keep_with_next = true;
                    if i == 0 && level <= 1 {
                        u.mark = Some((1, text.clone()));
                    }
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
            Block::Blank => units.push(Unit::space(PITCH, false)),
            Block::Table(table) => {
                let mark = (!std::mem::take(&mut self.annex_table)).then(|| (2, table.table.def.name.clone()));
                // A wide table (表四) is set in 小五 on a portrait page; on its own landscape
                // page it has room for a larger size.
                let geo = if !table.wide() {
                    TableGeo::new(fonts, *table, TABLE_SIZE, frame_w)
                } else if frame == Frame::Portrait {
                    TableGeo::new(fonts, *table, TABLE4_SIZE, frame_w)
                } else {
                    landscape_geo(fonts, &table)
                };
                let t = self.tables.len();
                for row in 0..geo.heights.len() {
                    let mut u =
                        Unit::new(geo.heights[row], geo.keeps_with_next(fonts, row), UnitKind::Row { table: t, row });
                    if row == 0 {
                        u.mark.clone_from(&mark);
                    }
                    units.push(u);
                }
                self.tables.push(geo);
                // A little air below a table.
                units.push(Unit::space(PITCH * 0.4, false));
            }
            Block::Landscape(inner) => {
                self.landscapes.push(inner);
                units.push(Unit::new(0.0, false, UnitKind::LandscapePage(self.landscapes.len() - 1)));
            }
            Block::Signature { name, date } => signature(fonts, units, frame_w, name, date),
            Block::AnnexStart { title } => {
                // GB/T 9704—2012 7.3.7: “附件”二字用3号黑体字顶格编排在版心左上角第一行。附件标题居中
                // 编排在版心第三行。
                units.push(Unit::new(0.0, false, UnitKind::NewPage));
                let mut u =
                    text_unit(PITCH, (0.0, frame_w), BODY_SIZE, Role::Heading1, "附件".into(), false, Align::Left);
                u.keep_with_next = true;
                u.mark = Some((1, format!("附件：{title}")));
                units.push(u);
                units.push(Unit::space(PITCH, true));
                for l in super::text::title_lines(fonts, &[title], TITLE_SIZE, frame_w) {
                    let mut u = text_unit(PITCH, (0.0, frame_w), TITLE_SIZE, Role::Title, l, false, Align::Center);
                    u.keep_with_next = true;
                    units.push(u);
                }
                units.push(Unit::space(PITCH * 0.5, true));
                self.annex_table = true;
            }
        }
    }
}

/// The 落款 (GB/T 9704—2012 7.3.5.1): the date four characters in from the right, the unit's
/// name centred over it; a name too long to be centred there within the text block breaks
/// between words into balanced lines, each centred over the date. Kept with the last two lines
/// of text above it.
fn signature(fonts: &FontSet, units: &mut Vec<Unit>, frame_w: f32, name: String, date: String) {
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
    let date_x = frame_w - 4.0 * BODY_SIZE - date_w;
    let centre = date_x + date_w / 2.0;
    let room = 2.0 * centre.min(frame_w - centre);
    for _ in 0..2 {
        units.push(Unit::space(PITCH, true));
    }
    for line in super::text::balanced_lines(fonts, Role::Body, &[name], BODY_SIZE, room) {
        let w = fonts.width(Role::Body, &line, BODY_SIZE);
        let x = (centre - w / 2.0).min(frame_w - w).max(0.0);
        let mut u = text_unit(PITCH, (x, w), BODY_SIZE, Role::Body, line, false, Align::Left);
        u.keep_with_next = true;
        units.push(u);
    }
    units.push(text_unit(PITCH, (date_x, date_w), BODY_SIZE, Role::Body, date, false, Align::Left));
}

fn paginate(fonts: &FontSet, flow: &Flow) -> Vec<Page> {
    let units = &flow.units;
    let tables = &flow.tables;
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

    let mut pages = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(units.len());
        if start >= end {
            continue;
        }
        if let UnitKind::LandscapePage(l) = units[start].kind {
            let (items, marks) = layout_landscape(fonts, &flow.landscapes[l]);
            pages.push(Page { frame: Frame::Landscape, items, marks });
            continue;
        }
        let mut items = Vec::new();
        let mut marks = Vec::new();
        let mut y = 0.0;
        let mut j = start;
        // Skip leading spaces.
        while j < end && matches!(units[j].kind, UnitKind::Space | UnitKind::NewPage) {
            j += 1;
        }
        while j < end {
            if let Some((level, title)) = &units[j].mark {
                marks.push(Mark { level: *level, title: title.clone(), y });
            }
            match &units[j].kind {
                UnitKind::Row { table, row } => {
                    let (t, first) = (*table, *row);
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
                    y = geo.draw(fonts, &mut items, (x0, y), first..last + 1, with_header);
                    j = k2;
                }
                UnitKind::Text { x, width, size, role, text, justify, align } => {
                    let natural = fonts.width(*role, text, *size);
                    let (tx, extra) = match align {
                        Align::Center => (x + (width - natural) / 2.0, Vec::new()),
                        // Every line of a paragraph but its last fills the measure (clreq).
                        Align::Left if *justify => (*x, super::text::justify(fonts, *role, text, *size, *width)),
                        Align::Left => (*x, Vec::new()),
                    };
                    let h = units[j].height;
                    let (size, role, text) = (*size, *role, text.clone());
                    items.push(Item::Text { x: tx, y: y + h / 2.0 + size * 0.36, size, role, text, extra });
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
        pages.push(Page { frame: Frame::Portrait, items, marks });
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

/// A landscape page: the blocks laid out in a 225 × 156 mm frame (they must fit one page),
/// with its outline entries.
fn layout_landscape(fonts: &FontSet, blocks: &[Block]) -> (Vec<Item>, Vec<Mark>) {
    let mut flow = Flow::default();
    for b in blocks.iter().cloned() {
        flow.push(fonts, b, Frame::Landscape);
    }
    let (units, tables) = (&flow.units, &flow.tables);
    let mut items = Vec::new();
    let mut marks = Vec::new();
    let mut y = 0.0;
    let mut j = 0;
    while j < units.len() {
        if let Some((level, title)) = &units[j].mark {
            marks.push(Mark { level: *level, title: title.clone(), y });
        }
        match &units[j].kind {
            UnitKind::Row { table, .. } => {
                let t = *table;
                let n = tables[t].heights.len();
                let x0 = ((BLOCK_H - tables[t].width()) / 2.0).max(0.0);
                y = tables[t].draw(fonts, &mut items, (x0, y), tables[t].header_rows..n, true);
                j += n;
            }
            UnitKind::Text { x, size, role, text, .. } => {
                let h = units[j].height;
                let (size, role, text) = (*size, *role, text.clone());
                items.push(Item::Text { x: *x, y: y + h / 2.0 + size * 0.36, size, role, text, extra: Vec::new() });
                y += h;
                j += 1;
            }
            _ => {
                y += units[j].height;
                j += 1;
            }
        }
    }
    (items, marks)
}
