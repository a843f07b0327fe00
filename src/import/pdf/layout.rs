//! Layout: table grids from ruling lines, lines of text from glyphs, and a page's items (tables
//! and lines) in reading order.

use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::import::ImportError;
use crate::import::doc::{Cell, Table, clean_text};
use crate::import::limits::{Budget, Cap};

/// Merges coordinates closer than `tol` into one (sorted ascending).
pub(super) fn cluster(mut v: Vec<f32>, tol: f32) -> Vec<f32> {
    v.sort_by(|a, b| a.total_cmp(b));
    let mut out: Vec<(f32, usize)> = Vec::new();
    for x in v {
        match out.last_mut() {
            Some((c, n)) if (x - *c / *n as f32).abs() <= tol => {
                *c += x;
                *n += 1;
            }
            _ => out.push((x, 1)),
        }
    }
    out.into_iter().map(|(c, n)| c / n as f32).collect()
}

/// A table found from its ruling lines.
pub(super) struct Grid {
    pub(super) xs: Vec<f32>,
    /// Descending (top first).
    pub(super) ys: Vec<f32>,
    /// Region index of each slot (row-major), for merged cells.
    pub(super) region: Vec<usize>,
    pub(super) bbox: (f32, f32, f32, f32),
}

impl Grid {
    pub(super) fn cols(&self) -> usize {
        self.xs.len() - 1
    }
    pub(super) fn rows(&self) -> usize {
        self.ys.len() - 1
    }
    pub(super) fn slot_at(&self, x: f32, y: f32) -> Option<usize> {
        // xs ascending: the column whose [x_c, x_c+1) holds x; ys descending likewise.
        let c = self.xs.partition_point(|&v| v <= x).checked_sub(1).filter(|&c| c < self.cols())?;
        let r = self.ys.partition_point(|&v| v >= y).checked_sub(1).filter(|&r| r < self.rows())?;
        (y > self.ys[r + 1] && x < self.xs[c + 1]).then_some(r * self.cols() + c)
    }
}

/// Which of `n` slots between the sorted `cuts` each line covers "most of", as the table
/// rebuild asks (the line reaches over the middle, and to within 40% of both ends). The slots
/// a line covers are a run, found by two binary searches; the runs are added up with a
/// difference array, so a column of 20,000 lines costs 20,000 searches, not 20,000 × rows.
pub(super) fn covered_slots(cuts: &[f32], lines: impl Iterator<Item = (f32, f32)>) -> Vec<bool> {
    let n = cuts.len().saturating_sub(1);
    let mut diff = vec![0i64; n + 1];
    // Slot k spans (cuts[k], cuts[k + 1]) ascending; covered by (a, b) when
    // a ≤ 0.6·lo + 0.4·hi and b ≥ 0.4·lo + 0.6·hi (both ends move up with k).
    let low_end = |k: usize| 0.6 * cuts[k] + 0.4 * cuts[k + 1];
    let high_end = |k: usize| 0.4 * cuts[k] + 0.6 * cuts[k + 1];
    for (a, b) in lines {
        let first = partition_point(n, |k| low_end(k) < a);
        let end = partition_point(n, |k| high_end(k) <= b);
        if first < end {
            diff[first] += 1;
            diff[end] -= 1;
        }
    }
    let mut run = 0i64;
    (0..n)
        .map(|k| {
            run += diff[k];
            run > 0
        })
        .collect()
}

/// The first of `0..n` for which `pred` is false (`pred` true on a prefix).
pub(super) fn partition_point(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if pred(mid) { lo = mid + 1 } else { hi = mid }
    }
    lo
}

/// Groups ruling lines that touch into tables and resolves each one's cells.
pub(super) fn grids(segs: &[Seg], budget: &mut Budget) -> Result<Vec<Grid>, ImportError> {
    const TOL: f32 = 2.0;
    let lines: Vec<touch::Line> = segs
        .iter()
        .map(|s| touch::Line { x0: s.x0, y0: s.y0, x1: s.x1, y1: s.y1, horizontal: s.horizontal() })
        .collect();
    let mut touching = touch::groups(&lines, TOL);
    let mut groups: BTreeMap<usize, Vec<Seg>> = BTreeMap::new();
    for (i, seg) in segs.iter().enumerate() {
        groups.entry(touching.root(i)).or_default().push(*seg);
    }
    let mut out = Vec::new();
    for (_, g) in groups {
        let hs: Vec<&Seg> = g.iter().filter(|s| s.horizontal()).collect();
        let vs: Vec<&Seg> = g.iter().filter(|s| s.vertical()).collect();
        if hs.len() < 2 || vs.len() < 2 {
            continue;
        }
        let xs = cluster(vs.iter().map(|s| s.x0).collect(), TOL);
        let mut ys = cluster(hs.iter().map(|s| s.y0).collect(), TOL);
        ys.reverse();
        if xs.len() < 2 || ys.len() < 2 || xs.len() > 80 || ys.len() > 400 {
            continue;
        }
        let (cols, rows) = (xs.len() - 1, ys.len() - 1);
        budget.spend(Cap::PageTables, 1)?;
        budget.spend(Cap::Cells, (rows * cols) as u64)?;
        // The lines at each column boundary (and each row boundary): those within TOL of it.
        let near = |cuts: &[f32], at: f32| -> Option<usize> {
            let k = cuts.partition_point(|&c| c < at - TOL);
            (k < cuts.len() && (cuts[k] - at).abs() <= TOL).then_some(k)
        };
        let ys_up: Vec<f32> = ys.iter().rev().copied().collect();
        let mut v_at: Vec<Vec<(f32, f32)>> = vec![Vec::new(); xs.len()];
        for s in &vs {
            if let Some(k) = near(&xs, s.x0) {
                v_at[k].push((s.y0, s.y1));
            }
        }
        let mut h_at: Vec<Vec<(f32, f32)>> = vec![Vec::new(); ys_up.len()];
        for s in &hs {
            if let Some(k) = near(&ys_up, s.y0) {
                h_at[k].push((s.x0, s.x1));
            }
        }
        // covered_v[c][r]: a vertical line at xs[c] covers row r (rows counted from the bottom).
        let covered_v: Vec<Vec<bool>> = v_at.iter().map(|l| covered_slots(&ys_up, l.iter().copied())).collect();
        let covered_h: Vec<Vec<bool>> = h_at.iter().map(|l| covered_slots(&xs, l.iter().copied())).collect();
        let mut p: Vec<usize> = (0..rows * cols).collect();
        fn root(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        for r in 0..rows {
            let r_up = rows - 1 - r;
            for c in 0..cols {
                let i = r * cols + c;
                if c + 1 < cols && !covered_v[c + 1][r_up] {
                    let (a, b) = (root(&mut p, i), root(&mut p, i + 1));
                    p[a] = b;
                }
                // The line under row r is ys[r + 1], which is ys_up[rows - 1 - r] = ys_up[r_up].
                if r + 1 < rows && !covered_h[r_up][c] {
                    let (a, b) = (root(&mut p, i), root(&mut p, i + cols));
                    p[a] = b;
                }
            }
        }
        let region: Vec<usize> = (0..rows * cols).map(|i| root(&mut p, i)).collect();
        let bbox = (xs[0], ys[rows], xs[cols], ys[0]);
        out.push(Grid { xs, ys, region, bbox });
    }
    Ok(out)
}

/// Text of glyphs in reading order: lines top to bottom, left to right in a line; a space
/// where a gap between two Latin letters or digits shows one.
pub(super) fn join_glyphs(mut gs: Vec<&Glyph>) -> String {
    if gs.is_empty() {
        return String::new();
    }
    gs.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for g in gs {
        match lines.last_mut() {
            Some(l) if (l[0].y - g.y).abs() <= l[0].size.max(g.size) * 0.5 => l.push(g),
            _ => lines.push(vec![g]),
        }
    }
    let mut out = String::new();
    for mut l in lines {
        l.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut prev: Option<&Glyph> = None;
        for g in l {
            if let Some(p) = prev {
                let gap = g.x - (p.x + p.w);
                let alnum = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric());
                if gap > p.size * 0.25 && alnum(&p.text) && alnum(&g.text) {
                    out.push(' ');
                }
            }
            out.push_str(&g.text);
            prev = Some(g);
        }
    }
    out
}

/// A text line outside tables: its glyphs' text with tabs where wide gaps separate columns.
pub(super) struct Line {
    pub(super) text: String,
    pub(super) x0: f32,
    pub(super) x1: f32,
    pub(super) y: f32,
    pub(super) size: f32,
    /// Columns split at wide gaps: start and end x, text, and their own baseline (a line
    /// gathers glyphs whose baselines differ by up to half a character: a table's columns set
    /// vertically centred are a point or two apart).
    pub(super) chunks: Vec<(f32, f32, String, f32)>,
}

pub(super) fn lines_of(glyphs: Vec<&Glyph>) -> Vec<Line> {
    let mut gs = glyphs;
    gs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<&Glyph>> = Vec::new();
    for g in gs {
        // Same line: baselines within half a character (superscripts stay on their line).
        match rows.iter_mut().rev().take(3).find(|l| (l[0].y - g.y).abs() <= l[0].size.max(g.size) * 0.45) {
            Some(l) => l.push(g),
            None => rows.push(vec![g]),
        }
    }
    rows.sort_by(|a, b| b[0].y.total_cmp(&a[0].y));
    rows.into_iter()
        .map(|mut l| {
            l.sort_by(|a, b| a.x.total_cmp(&b.x));
            let size = l.iter().map(|g| g.size).fold(0.0, f32::max);
            let mut chunks: Vec<(f32, f32, Vec<&Glyph>)> = Vec::new();
            for g in &l {
                // Columns: a gap wider than text ever leaves between its characters (a quarter
                // em beside Latin, a little more in a justified line), or a smaller one before a
                // bracket or next to a number (table columns are narrow; the digits of one
                // number touch; a narrow column's label is set close to the next).
                let numeric = |t: &str| t.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | ','));
                let opens = |t: &str| t.starts_with(['（', '(', '【', '[']);
                match chunks.last_mut() {
                    Some((_, end, list))
                        if g.x - *end <= size * 0.6
                            && !(g.x - *end > size * 0.35
                                && (numeric(&g.text)
                                    || opens(&g.text)
                                    || list.last().is_some_and(|p| numeric(&p.text)))) =>
                    {
                        *end = (*end).max(g.x + g.w);
                        list.push(g);
                    }
                    _ => chunks.push((g.x, g.x + g.w, vec![g])),
                }
            }
            let chunks: Vec<(f32, f32, String, f32)> = chunks
                .into_iter()
                .map(|(s, e, list)| {
                    let mut ys: Vec<f32> = list.iter().map(|g| g.y).collect();
                    ys.sort_by(f32::total_cmp);
                    let y = ys[ys.len() / 2];
                    (s, e, join_glyphs(list), y)
                })
                .collect();
            let text = chunks.iter().map(|c| c.2.as_str()).collect::<Vec<_>>().join("\t");
            Line {
                text,
                x0: l.first().map_or(0.0, |g| g.x),
                x1: l.last().map_or(0.0, |g| g.x + g.w),
                y: l[0].y,
                size,
                chunks,
            }
        })
        .collect()
}

/// What a page holds, top to bottom: tables found from their ruling lines, and text lines.
pub(super) enum Item {
    Table(f32, Table),
    Line(Line),
}

/// A page's tables (from ruling lines) and the text lines outside them, top to bottom.
pub(super) fn page_items(page: Page, budget: &mut Budget) -> Result<Vec<Item>, ImportError> {
    let grids = grids(&page.segs, budget)?;
    // Glyphs by the grid slot they sit in (grids per page are bounded by `Cap::PageTables`).
    let mut in_grid: Vec<HashMap<usize, Vec<&Glyph>>> = vec![HashMap::new(); grids.len()];
    let mut free: Vec<&Glyph> = Vec::new();
    for g in &page.glyphs {
        let (cx, cy) = (g.x + g.w / 2.0, g.y + g.size * 0.3);
        let mut placed = false;
        for (k, grid) in grids.iter().enumerate() {
            let (x0, y0, x1, y1) = grid.bbox;
            if cx >= x0
                && cx <= x1
                && cy >= y0
                && cy <= y1
                && let Some(slot) = grid.slot_at(cx, cy)
            {
                in_grid[k].entry(grid.region[slot]).or_default().push(g);
                placed = true;
                break;
            }
        }
        if !placed {
            free.push(g);
        }
    }
    let mut items: Vec<Item> = Vec::new();
    for (k, grid) in grids.iter().enumerate() {
        // A single box around text (a framed note) is not a table.
        let first = grid.region.first();
        if grid.region.iter().all(|r| Some(r) == first) {
            free.extend(in_grid[k].values().flatten().copied());
            continue;
        }
        items.push(Item::Table(grid.bbox.3, grid_table(grid, &in_grid[k])));
    }
    items.extend(lines_of(free).into_iter().map(Item::Line));
    items.sort_by(|a, b| {
        let y = |i: &Item| match i {
            Item::Table(y, _) => *y,
            Item::Line(l) => l.y + l.size,
        };
        y(b).total_cmp(&y(a))
    });
    Ok(items)
}

pub(super) fn grid_table(grid: &Grid, texts: &HashMap<usize, Vec<&Glyph>>) -> Table {
    let cols = grid.cols();
    // Each region's extent, in one pass (merged cells are rectangles in real tables).
    let mut extent: HashMap<usize, (usize, usize, usize, usize)> = HashMap::new();
    for (i, &reg) in grid.region.iter().enumerate() {
        let (r, c) = (i / cols, i % cols);
        let e = extent.entry(reg).or_insert((r, r, c, c));
        *e = (e.0.min(r), e.1.max(r), e.2.min(c), e.3.max(c));
    }
    let mut seen = std::collections::HashSet::new();
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); grid.rows()];
    for (i, &reg) in grid.region.iter().enumerate() {
        if !seen.insert(reg) {
            continue;
        }
        let (r0, r1, c0, c1) = extent.get(&reg).copied().unwrap_or((i / cols, i / cols, i % cols, i % cols));
        let text = texts.get(&reg).map(|g| join_glyphs(g.clone())).unwrap_or_default();
        rows[i / cols].push(Cell::spanning(clean_text(&text), r1 - r0 + 1, c1 - c0 + 1));
    }
    Table { rows }
}
