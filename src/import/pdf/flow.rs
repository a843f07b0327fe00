//! Page furniture (running headers, footers, page numbers) and the text flow: paragraphs across
//! pages and around tables, and tables drawn without borders.

use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::import::doc::{Block, Cell, Table, clean_text};

/// A page-number line: 「— 4 —」, 「- 4 -」, 「4」, 「第 4 页」, 「第4页 共9页」, 「4/9」, 「Page 4」.
pub(super) fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let core = t.trim_matches(|c: char| matches!(c, '-' | '—' | '–' | '－' | '―' | '·' | '•'));
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit());
    if digits(core) {
        return true;
    }
    if let Some((a, b)) = core.split_once('/') {
        return digits(a) && digits(b);
    }
    let core = core.trim_start_matches("Page").trim_start_matches("page");
    if digits(core) {
        return true;
    }
    if let Some(rest) = core.strip_prefix('第') {
        let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let after = &rest[n.len()..];
        return !n.is_empty() && after.starts_with('页') && after.chars().count() <= 8;
    }
    false
}

/// The key by which a running header or footer is recognised on every page: its text without
/// white space, digits folded (a page number or a date changes from page to page), and its
/// height on the page.
pub(super) fn furniture_key(l: &Line) -> (String, i32) {
    let text: String =
        l.text.chars().filter(|c| !c.is_whitespace()).map(|c| if c.is_ascii_digit() { '#' } else { c }).collect();
    (text, (l.y / 3.0).round() as i32)
}

/// Drops running headers, footers and page numbers: at most the first and last two lines of a
/// page, when they are a page number, or when the same line (digits aside) stands at the same
/// height on two or more pages. A title that the running header repeats stays: it is not at
/// the header's height.
pub(super) fn drop_furniture(pages: &mut [Vec<Item>]) {
    let edge_lines = |items: &[Item]| -> Vec<usize> {
        let lines: Vec<usize> = (0..items.len()).filter(|&i| matches!(items[i], Item::Line(_))).collect();
        let mut out: Vec<usize> = lines.iter().take(2).copied().collect();
        out.extend(lines.iter().rev().take(2).copied());
        out.sort_unstable();
        out.dedup();
        out
    };
    let mut seen: HashMap<(String, i32), usize> = HashMap::new();
    for items in pages.iter() {
        let mut here = std::collections::HashSet::new();
        for i in edge_lines(items) {
            if let Item::Line(l) = &items[i] {
                let key = furniture_key(l);
                if key.0.chars().count() >= 2 && here.insert(key.clone()) {
                    *seen.entry(key).or_default() += 1;
                }
            }
        }
    }
    for items in pages.iter_mut() {
        let edges = edge_lines(items);
        let drop: std::collections::HashSet<usize> = edges
            .into_iter()
            .filter(|&i| match &items[i] {
                Item::Line(l) => is_page_number(&l.text) || seen.get(&furniture_key(l)).is_some_and(|&n| n >= 2),
                Item::Table(..) => false,
            })
            .collect();
        let mut k = 0;
        items.retain(|_| {
            k += 1;
            !drop.contains(&(k - 1))
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Text flow: paragraphs across pages and around tables
// ---------------------------------------------------------------------------------------------

/// The document's blocks from its pages: tables drawn without borders are found among the
/// lines of each page ([`borderless`]); the rest is prose, whose paragraphs run on across a
/// page break (and the running header, footer and page number dropped there) and across a table
/// set in the middle of them — the table then follows the paragraph.
pub(super) fn document_blocks(mut pages: Vec<Vec<Item>>) -> Vec<Block> {
    drop_furniture(&mut pages);
    let margins = Margins::of(&pages);
    let mut flow = Flow { margins, blocks: Vec::new(), para: String::new(), prev: None, pending: Vec::new() };
    for items in pages {
        flow.page_break();
        let mut run: Vec<&Line> = Vec::new();
        for item in &items {
            match item {
                Item::Table(_, t) => {
                    text_run(&run, &mut flow);
                    run.clear();
                    flow.table(t.clone());
                }
                Item::Line(l) => run.push(l),
            }
        }
        text_run(&run, &mut flow);
    }
    flow.finish()
}

/// Where the text block's left and right edges are: the usual start and end of long lines.
#[derive(Clone, Copy)]
pub(super) struct Margins {
    pub(super) left: f32,
    pub(super) right: f32,
}

impl Margins {
    pub(super) fn of(pages: &[Vec<Item>]) -> Margins {
        let long: Vec<&Line> = pages
            .iter()
            .flatten()
            .filter_map(|i| if let Item::Line(l) = i { Some(l) } else { None })
            .filter(|l| l.text.chars().count() >= 12 && !is_tabular(l))
            .collect();
        let pick = |mut v: Vec<f32>, q: f32| -> Option<f32> {
            if v.is_empty() {
                return None;
            }
            v.sort_by(f32::total_cmp);
            Some(v[((v.len() - 1) as f32 * q) as usize])
        };
        let all = || pages.iter().flatten().filter_map(|i| if let Item::Line(l) = i { Some(l) } else { None });
        let left = pick(long.iter().map(|l| l.x0).collect(), 0.1)
            .unwrap_or_else(|| all().map(|l| l.x0).fold(f32::MAX, f32::min));
        let right = pick(long.iter().map(|l| l.x1).collect(), 0.9)
            .unwrap_or_else(|| all().map(|l| l.x1).fold(f32::MIN, f32::max));
        Margins { left, right }
    }
}

/// Paragraphs being put together, line by line, across pages and tables.
pub(super) struct Flow {
    pub(super) margins: Margins,
    pub(super) blocks: Vec<Block>,
    pub(super) para: String,
    /// The last line of the open paragraph, and whether a page break or a table came since.
    pub(super) prev: Option<(LineShape, bool)>,
    /// Tables met inside the open paragraph: they follow it.
    pub(super) pending: Vec<Table>,
}

/// What paragraph breaking needs of a line.
#[derive(Clone)]
pub(super) struct LineShape {
    pub(super) x0: f32,
    pub(super) x1: f32,
    pub(super) y: f32,
    pub(super) size: f32,
    pub(super) text: String,
}

impl Flow {
    pub(super) fn page_break(&mut self) {
        if let Some(p) = &mut self.prev {
            p.1 = true;
        }
    }

    pub(super) fn flush(&mut self) {
        let t = clean_text(&self.para);
        self.para.clear();
        if !t.is_empty() {
            self.blocks.push(Block::Para(t));
        }
        self.blocks.extend(self.pending.drain(..).map(Block::Table));
    }

    /// Whether the open paragraph's last line runs to the right margin (so the paragraph goes
    /// on after whatever interrupts it).
    pub(super) fn open(&self) -> bool {
        self.prev.as_ref().is_some_and(|(p, _)| {
            p.x1 >= self.margins.right - p.size * 2.5 && !p.text.trim_end().ends_with(['。', '：', ':', '！', '？'])
        })
    }

    pub(super) fn table(&mut self, t: Table) {
        if self.open() {
            self.pending.push(t);
            if let Some(p) = &mut self.prev {
                p.1 = true;
            }
        } else {
            self.flush();
            self.prev = None;
            self.blocks.push(Block::Table(t));
        }
    }

    pub(super) fn line(&mut self, l: &Line) {
        let m = self.margins;
        let new_para = match &self.prev {
            None => true,
            Some((p, interrupted)) => {
                let gap = p.y - l.y;
                let indented = l.x0 > m.left + l.size * 1.2;
                let short_prev = p.x1 < m.right - p.size * 2.5;
                let symmetric = |x0: f32, x1: f32, size: f32| ((x0 - m.left) - (m.right - x1)).abs() < size * 1.5;
                let centred = |x0: f32, x1: f32, size: f32| {
                    symmetric(x0, x1, size) && x0 > m.left + size * 1.5 && x1 < m.right - size * 1.5
                };
                // A title set centred over two lines is one paragraph (its first line may fill
                // the measure).
                let title_goes_on = symmetric(p.x0, p.x1, p.size)
                    && centred(l.x0, l.x1, l.size)
                    && (l.size - p.size).abs() <= 0.5
                    && gap > 0.0
                    && gap < p.size * 2.2
                    && !*interrupted;
                // A numbered heading after a finished sentence starts anew even when the page
                // sets it flush with the text.
                let f = crate::model::labels::fold(&l.text);
                let numbered = !crate::model::labels::split_enumerator(&f).0.is_empty()
                    && p.text.trim_end().ends_with(['。', '：', ':', '；', '！', '？']);
                if title_goes_on {
                    false
                } else {
                    indented
                        || short_prev
                        || numbered
                        || (!*interrupted && (gap > p.size * 2.2 || gap < 0.0))
                        || (l.size - p.size).abs() > 1.0
                }
            }
        };
        if new_para {
            self.flush();
        }
        self.para.push_str(&l.text.replace('\t', " "));
        self.para.push(' ');
        self.prev = Some((LineShape { x0: l.x0, x1: l.x1, y: l.y, size: l.size, text: l.text.clone() }, false));
    }

    pub(super) fn finish(mut self) -> Vec<Block> {
        self.flush();
        self.blocks
    }
}

/// A line with numbers in columns: a value right of a wide gap, or two or more values, or a
/// label and values in three or more columns. A line of prose ending in a number is none.
pub(super) fn is_tabular(l: &Line) -> bool {
    let value = |t: &str| !t.trim().is_empty() && crate::import::recognize::is_value_like(t);
    let values = l.chunks.iter().filter(|c| value(&c.2)).count();
    let Some(last) = l.chunks.last() else { return false };
    if values == 0 || !value(&last.2) {
        return false;
    }
    // The label part of a table row is short; a sentence is prose.
    let label: String = l.chunks.iter().filter(|c| !value(&c.2)).map(|c| c.2.as_str()).collect();
    if label.contains(['。', '；']) || label.chars().count() > 40 {
        return false;
    }
    let gap_before_last = l.chunks.len() >= 2 && last.0 - l.chunks[l.chunks.len() - 2].1 >= l.size * 1.5;
    values >= 2 || l.chunks.len() >= 3 || gap_before_last
}

/// A line of prose: a sentence, or a long stretch of text (a table's header line is many short
/// pieces with wide gaps between them).
pub(super) fn is_prose(l: &Line) -> bool {
    !is_tabular(l) && (l.text.contains('。') || l.chunks.iter().any(|c| c.2.chars().count() > 16))
}

/// Consecutive text lines: regions of tabular lines become tables, the rest goes to the flow.
pub(super) fn text_run(lines: &[&Line], flow: &mut Flow) {
    let mut i = 0;
    while i < lines.len() {
        // A region: non-prose lines without a wide gap, holding a tabular line.
        let mut j = i;
        while j < lines.len()
            && !is_prose(lines[j])
            && (j == i || lines[j - 1].y - lines[j].y <= lines[j].size.max(8.0) * 3.5)
        {
            j += 1;
        }
        let tabular = lines[i..j].iter().filter(|l| is_tabular(l)).count();
        if tabular == 0 {
            // No table here: every line of the region is text (looking again from each of
            // them would find the same region, so this is linear, not quadratic).
            let end = j.max(i + 1);
            for l in &lines[i..end] {
                flow.line(l);
            }
            i = end;
            continue;
        }
        let (table, outside) = borderless(&lines[i..j]);
        let (before, after): (Vec<&Line>, Vec<&Line>) = outside.into_iter().partition(|l| l.y > table.1);
        for l in before {
            flow.line(l);
        }
        flow.table(table.0);
        for l in after {
            flow.line(l);
        }
        i = j;
    }
}

/// A table drawn without borders. A row is a line of numbers (its anchor) and the label text
/// that shares its cell band: label text is gathered into cells (pieces on consecutive lines
/// that overlap sideways and follow at the table's line pitch), and each cell goes to the row
/// whose numbers it overlaps vertically — a label wrapped over three lines with the numbers
/// set centred beside its second line is one row, never three. A cell that overlaps several
/// rows is split between them line by line when it is the rightmost label there (row labels
/// set too tightly to tell apart), else it is a group label (「（三）不予公开」) and goes with
/// the row nearest its middle. Text over the number columns (a header, a caption such as
/// 「第二十条第（五）项」) is a header row where it stands. Values are put in columns found from
/// all rows, so a blank cell stays a blank in its column. Returns the table with its top y,
/// and the lines that belong to no row (text before or after the table).
///
/// Long on purpose: one pass over the region's lines that builds rows and columns together (see above); the steps share the line assignments.
#[expect(clippy::too_many_lines, reason = "see the doc comment")]
pub(super) fn borderless<'a>(region: &[&'a Line]) -> ((Table, f32), Vec<&'a Line>) {
    let value = |t: &str| !t.trim().is_empty() && crate::import::recognize::is_value_like(t);
    // Per line: where the values start (after the last label chunk).
    let split: Vec<usize> =
        region.iter().map(|l| l.chunks.iter().rposition(|c| !value(&c.2)).map_or(0, |p| p + 1)).collect();
    let anchors: Vec<usize> = (0..region.len()).filter(|&k| split[k] < region[k].chunks.len()).collect();

    let size = region.iter().map(|l| l.size).fold(0.0, f32::max).max(6.0);
    let value_left =
        anchors.iter().flat_map(|&k| region[k].chunks[split[k]..].iter().map(|c| c.0)).fold(f32::MAX, f32::min);
    // A line without values holding text over the value columns is a header line: all its
    // text is header (「信息内容」 beside 「本年处理决定数量」).
    let head_line: Vec<bool> = (0..region.len())
        .map(|k| split[k] == region[k].chunks.len() && region[k].chunks.iter().any(|c| c.1 > value_left + size * 0.5))
        .collect();
    let over_values = |k: usize, c: usize| head_line[k] || region[k].chunks[c].1 > value_left + size * 0.5;
    // Label pieces (line, chunk) and their cells (union-find over pieces).
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut first_piece = vec![0usize; region.len() + 1];
    for k in 0..region.len() {
        first_piece[k] = pieces.len();
        for c in 0..split[k] {
            pieces.push((k, c));
        }
    }
    first_piece[region.len()] = pieces.len();
    let mut parent: Vec<usize> = (0..pieces.len()).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    // Lines of one cell follow each other at most this far apart; a few lines back are looked
    // at, since a group label's or the numbers' own line may come between two lines of a label.
    let pitch = size * 1.6;
    for k in 1..region.len() {
        for back in 1..=4.min(k) {
            let j = k - back;
            if region[j].y - region[k].y > pitch + size {
                break;
            }
            // Two-pointer walk over both lines' pieces, left to right.
            let (a, b) = ((first_piece[j]..first_piece[j + 1]), (first_piece[k]..first_piece[k + 1]));
            let (mut i, mut m) = (a.start, b.start);
            while i < a.end && m < b.end {
                let (ci, cm) = (&region[j].chunks[pieces[i].1], &region[k].chunks[pieces[m].1]);
                let overlap = ci.1.min(cm.1) - ci.0.max(cm.0);
                if overlap > 0.0 && ci.3 - cm.3 <= pitch && over_values(j, pieces[i].1) == over_values(k, pieces[m].1) {
                    let (ri, rm) = (root(&mut parent, i), root(&mut parent, m));
                    if ri != rm {
                        parent[ri] = rm;
                    }
                }
                if ci.1 < cm.1 {
                    i += 1;
                } else {
                    m += 1;
                }
            }
        }
    }
    // Cells: their pieces, vertical extent, horizontal extent, whether over the values.
    struct Block {
        pieces: Vec<usize>,
        top: f32,
        bottom: f32,
        x0: f32,
        x1: f32,
        head: bool,
    }
    let mut by_root: HashMap<usize, usize> = HashMap::new();
    let mut blocks: Vec<Block> = Vec::new();
    for (p, &(k, c)) in pieces.iter().enumerate() {
        let r = root(&mut parent, p);
        let ch = &region[k].chunks[c];
        let bi = *by_root.entry(r).or_insert_with(|| {
            blocks.push(Block { pieces: Vec::new(), top: ch.3, bottom: ch.3, x0: ch.0, x1: ch.1, head: false });
            blocks.len() - 1
        });
        let b = &mut blocks[bi];
        b.pieces.push(p);
        b.top = b.top.max(ch.3);
        b.bottom = b.bottom.min(ch.3);
        b.x0 = b.x0.min(ch.0);
        b.x1 = b.x1.max(ch.1);
        b.head |= over_values(k, c);
    }
    let text_of = |b: &Block| -> String {
        let mut ps: Vec<(f32, f32, &str)> = b
            .pieces
            .iter()
            .map(|&p| {
                let (k, c) = pieces[p];
                (region[k].chunks[c].3, region[k].chunks[c].0, region[k].chunks[c].2.as_str())
            })
            .collect();
        ps.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.total_cmp(&b.1)));
        clean_text(&ps.iter().map(|p| p.2).collect::<Vec<_>>().join(" "))
    };
    // Rows: one per anchor, top to bottom (region is sorted so).
    struct Row {
        y: f32,
        labels: Vec<(f32, String)>,
        values: Vec<(String, f32)>,
        header: bool,
    }
    let mut rows: Vec<Row> = anchors
        .iter()
        .map(|&k| Row {
            y: {
                let vs = &region[k].chunks[split[k]..];
                vs.iter().map(|c| c.3).sum::<f32>() / vs.len() as f32
            },
            labels: Vec::new(),
            values: region[k].chunks[split[k]..].iter().map(|c| (c.2.clone(), (c.0 + c.1) / 2.0)).collect(),
            header: false,
        })
        .collect();
    rows.sort_by(|a, b| b.y.total_cmp(&a.y));
    let ay: Vec<f32> = rows.iter().map(|r| r.y).collect();
    // Anchors within [lo, hi] (ay is descending): a range of indices, by binary search.
    let within = |lo: f32, hi: f32| -> std::ops::Range<usize> {
        let start = ay.partition_point(|&y| y > hi);
        let end = ay.partition_point(|&y| y >= lo);
        start..end.max(start)
    };
    let nearest = |y: f32| -> Option<usize> {
        let i = ay.partition_point(|&a| a > y);
        [i.checked_sub(1), (i < ay.len()).then_some(i)]
            .into_iter()
            .flatten()
            .min_by(|&a, &b| (ay[a] - y).abs().total_cmp(&(ay[b] - y).abs()))
    };
    // The left edge of the row label assigned to each anchor by a one-row cell.
    let mut row_label_x0: Vec<f32> = vec![f32::MIN; rows.len()];
    let mut pending_multi: Vec<usize> = Vec::new();
    let mut headers: Vec<usize> = Vec::new();
    let mut outside_pieces: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let margin = pitch * 0.6;
    for (bi, b) in blocks.iter().enumerate() {
        let first = ay.first().copied().unwrap_or(f32::MAX);
        let last = ay.last().copied().unwrap_or(f32::MIN);
        if b.head {
            if b.bottom > last - margin || b.top >= first - margin {
                headers.push(bi);
            } else {
                outside_pieces.extend(b.pieces.iter().copied());
            }
            continue;
        }
        let cands = within(b.bottom - margin, b.top + margin);
        match cands.len() {
            0 if b.bottom > first => headers.push(bi),
            0 if b.top < last - pitch * 1.6 => outside_pieces.extend(b.pieces.iter().copied()),
            0 => {
                if let Some(r) = nearest((b.top + b.bottom) / 2.0) {
                    rows[r].labels.push((b.x0, text_of(b)));
                }
            }
            1 => {
                let r = cands.start;
                rows[r].labels.push((b.x0, text_of(b)));
                row_label_x0[r] = row_label_x0[r].max(b.x0);
            }
            _ => pending_multi.push(bi),
        }
    }
    for bi in pending_multi {
        let b = &blocks[bi];
        let cands = within(b.bottom - margin, b.top + margin);
        let group = cands.clone().any(|r| row_label_x0[r] >= b.x1 - size * 0.5);
        if group {
            if let Some(r) = nearest((b.top + b.bottom) / 2.0) {
                rows[r].labels.push((b.x0, text_of(b)));
            }
            continue;
        }
        // Row labels too tight to tell apart by their gaps: each line to its nearest row.
        let mut parts: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &p in &b.pieces {
            let (k, c) = pieces[p];
            if let Some(r) = nearest(region[k].chunks[c].3) {
                parts.entry(r).or_default().push(p);
            }
        }
        for (r, ps) in parts {
            let part = Block { pieces: ps, top: 0.0, bottom: 0.0, x0: b.x0, x1: b.x1, head: false };
            rows[r].labels.push((b.x0, text_of(&part)));
        }
    }
    // Header rows where they stand: blocks on the same lines make one row.
    let mut head_rows: Vec<Row> = Vec::new();
    headers.sort_by(|&a, &b| blocks[b].top.total_cmp(&blocks[a].top).then(blocks[a].x0.total_cmp(&blocks[b].x0)));
    for bi in headers {
        let b = &blocks[bi];
        match head_rows.last_mut() {
            Some(r) if (r.y - b.top).abs() <= pitch * 0.5 => r.labels.push((b.x0, text_of(b))),
            _ => head_rows.push(Row { y: b.top, labels: vec![(b.x0, text_of(b))], values: Vec::new(), header: true }),
        }
    }
    rows.extend(head_rows);
    rows.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.header.cmp(&b.header).reverse()));
    // Value columns from the rows between two header rows (表二's parts each have their own
    // columns; a figure centred over two of them is no column of its own).
    let mut centres: Vec<Vec<f32>> = Vec::new();
    let mut part = vec![0usize; rows.len()];
    let mut current: Vec<f32> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if r.header && !current.is_empty() {
            centres.push(cluster(std::mem::take(&mut current), size * 1.2));
        }
        part[i] = centres.len();
        current.extend(r.values.iter().map(|v| v.1));
    }
    centres.push(cluster(current, size * 1.2));
    let table = Table {
        rows: rows
            .iter_mut()
            .enumerate()
            .map(|(i, r)| {
                let centres = &centres[part[i]];
                r.labels.sort_by(|a, b| a.0.total_cmp(&b.0));
                // A row never holds more label cells, or value slots, than a table has columns.
                let mut cells: Vec<Cell> = r.labels.iter().take(MAX_LABELS).map(|l| Cell::new(l.1.clone())).collect();
                // The first column centre near each value (centres ascend): a binary search.
                let column = |x: f32| {
                    let k = centres.partition_point(|&c| c < x - size * 1.2);
                    centres.get(k).filter(|&&c| (c - x).abs() <= size * 1.2).map(|_| k)
                };
                let cols: Vec<Option<usize>> = r.values.iter().map(|v| column(v.1)).collect();
                let lo = cols.iter().flatten().min().copied().unwrap_or(0);
                let hi = cols.iter().flatten().max().copied().unwrap_or(0);
                if !r.values.is_empty() {
                    let mut slots = vec![String::new(); (hi + 1 - lo).min(MAX_LABELS)];
                    for (v, c) in r.values.iter().zip(&cols) {
                        if let Some(slot) = c.and_then(|c| slots.get_mut(c - lo)) {
                            *slot = clean_text(&v.0);
                        }
                    }
                    cells.extend(slots.into_iter().map(Cell::new));
                }
                cells
            })
            .filter(|r| !r.is_empty())
            .collect(),
    };
    let top = rows.first().map_or(0.0, |r| r.y);
    // Lines none of whose text went into the table.
    let used_line = |k: usize| (first_piece[k]..first_piece[k + 1]).any(|p| !outside_pieces.contains(&p));
    let outside =
        (0..region.len()).filter(|&k| split[k] == region[k].chunks.len() && !used_line(k)).map(|k| region[k]).collect();
    ((table, top), outside)
}
