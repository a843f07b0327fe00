//! Which ruling lines of a page touch one another, in O(n log n): the tables of a page are the
//! groups of lines that touch. Comparing every line with every other was quadratic, and a page
//! can be made of 20,000 lines that all span its width.
//!
//! Three sweeps, each over lines that stay "open" along one axis while a query asks which open
//! lines lie within a range along the other: horizontal with horizontal (along x), vertical
//! with horizontal (along x: the vertical asks at its x), vertical with vertical (along y). The
//! open lines sit in a segment tree that remembers, per node, one line known to be joined with
//! every open line below it, so a query that covers a node joins it in one step.

/// An axis-aligned line (`x0 ≤ x1`, `y0 ≤ y1`) and whether it is horizontal.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub horizontal: bool,
}

/// Union–find over line indices.
pub(super) struct Groups {
    parent: Vec<usize>,
}

impl Groups {
    fn new(n: usize) -> Groups {
        Groups { parent: (0..n).collect() }
    }

    pub fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra != rb {
            self.parent[ra] = rb;
        }
    }
}

/// Open points (lines, placed by one coordinate) and, per node, a line joined with all of the
/// open points below it when that is known.
struct OpenSet {
    /// Sorted coordinate of each position.
    keys: Vec<f32>,
    /// The line at each position, and the position of each line (by line index).
    line_at: Vec<usize>,
    position: std::collections::HashMap<usize, usize>,
    /// Open points per node, and a representative (see the module's note).
    count: Vec<u32>,
    rep: Vec<Option<usize>>,
}

impl OpenSet {
    /// `points`: (coordinate, line) of every line that will be opened.
    fn new(mut points: Vec<(f32, usize)>) -> OpenSet {
        points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let n = points.len().max(1);
        OpenSet {
            keys: points.iter().map(|p| p.0).collect(),
            line_at: points.iter().map(|p| p.1).collect(),
            position: points.iter().enumerate().map(|(pos, p)| (p.1, pos)).collect(),
            count: vec![0; 4 * n],
            rep: vec![None; 4 * n],
        }
    }

    /// Opens or closes a line: counts along its path; an opening makes the path's nodes that
    /// held other points "not known to be joined".
    fn set(&mut self, line: usize, open: bool) {
        let Some(&pos) = self.position.get(&line) else { return };
        let (mut node, mut lo, mut hi) = (1, 0, self.keys.len());
        loop {
            if open {
                self.rep[node] = if self.count[node] == 0 { Some(line) } else { None };
                self.count[node] += 1;
            } else {
                self.count[node] = self.count[node].saturating_sub(1);
            }
            if hi - lo <= 1 {
                break;
            }
            let mid = (lo + hi) / 2;
            if pos < mid {
                (node, hi) = (2 * node, mid);
            } else {
                (node, lo) = (2 * node + 1, mid);
            }
        }
    }

    /// Joins `who` with every open line whose coordinate is within `[from, to]`.
    fn join_range(&mut self, from: f32, to: f32, who: usize, groups: &mut Groups) {
        let lo = self.keys.partition_point(|&k| k < from);
        let hi = self.keys.partition_point(|&k| k <= to);
        if lo < hi {
            self.join_in(1, 0, self.keys.len(), (lo, hi), who, groups);
        }
    }

    fn join_in(&mut self, node: usize, l: usize, r: usize, (lo, hi): (usize, usize), who: usize, groups: &mut Groups) {
        if self.count[node] == 0 || hi <= l || r <= lo {
            return;
        }
        let covered = lo <= l && r <= hi;
        if covered && let Some(rep) = self.rep[node] {
            groups.join(who, rep);
            return;
        }
        if r - l == 1 {
            groups.join(who, self.line_at[l]);
            self.rep[node] = Some(who);
            return;
        }
        let mid = (l + r) / 2;
        self.join_in(2 * node, l, mid, (lo, hi), who, groups);
        self.join_in(2 * node + 1, mid, r, (lo, hi), who, groups);
        if covered {
            self.rep[node] = Some(who);
        }
    }
}

/// One event of a sweep. At one place: openings (and a line asking for those open before it,
/// then opening), then queries, then closings — lines that just touch are joined.
#[derive(Clone, Copy)]
enum Event {
    Open(usize),
    AskThenOpen { line: usize, from: f32, to: f32 },
    Ask { line: usize, from: f32, to: f32 },
    Close(usize),
}

fn sweep(mut events: Vec<(f32, Event)>, points: Vec<(f32, usize)>, groups: &mut Groups) {
    let rank = |e: &Event| match e {
        Event::Open(_) | Event::AskThenOpen { .. } => 0,
        Event::Ask { .. } => 1,
        Event::Close(_) => 2,
    };
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(rank(&a.1).cmp(&rank(&b.1))));
    let mut set = OpenSet::new(points);
    for (_, e) in events {
        match e {
            Event::Open(l) => set.set(l, true),
            Event::AskThenOpen { line, from, to } => {
                set.join_range(from, to, line, groups);
                set.set(line, true);
            }
            Event::Ask { line, from, to } => set.join_range(from, to, line, groups),
            Event::Close(l) => set.set(l, false),
        }
    }
}

/// The group (a root line index) of every line: lines touching within `tol` are in one group,
/// and so are lines joined through others.
pub(super) fn groups(lines: &[Line], tol: f32) -> Groups {
    let mut groups = Groups::new(lines.len());
    let hs: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].horizontal).collect();
    let vs: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].horizontal).collect();
    let mid_y = |l: &Line| (l.y0 + l.y1) / 2.0;
    let mid_x = |l: &Line| (l.x0 + l.x1) / 2.0;
    let h_points = || hs.iter().map(|&i| (mid_y(&lines[i]), i)).collect::<Vec<_>>();
    // Horizontal with horizontal: open from x0 to x1 + tol, each asking at its x0 first.
    let mut events = Vec::with_capacity(hs.len() * 2);
    for &i in &hs {
        let l = &lines[i];
        events.push((l.x0, Event::AskThenOpen { line: i, from: mid_y(l) - tol, to: mid_y(l) + tol }));
        events.push((l.x1 + tol, Event::Close(i)));
    }
    sweep(events, h_points(), &mut groups);
    // Vertical with horizontal: horizontals open from x0 - tol to x1 + tol; a vertical asks at
    // its x over its height ± tol.
    let mut events = Vec::with_capacity(hs.len() * 2 + vs.len());
    for &i in &hs {
        let l = &lines[i];
        events.push((l.x0 - tol, Event::Open(i)));
        events.push((l.x1 + tol, Event::Close(i)));
    }
    for &i in &vs {
        let l = &lines[i];
        events.push((mid_x(l), Event::Ask { line: i, from: l.y0 - tol, to: l.y1 + tol }));
    }
    sweep(events, h_points(), &mut groups);
    // Vertical with vertical, along y.
    let mut events = Vec::with_capacity(vs.len() * 2);
    for &i in &vs {
        let l = &lines[i];
        events.push((l.y0, Event::AskThenOpen { line: i, from: mid_x(l) - tol, to: mid_x(l) + tol }));
        events.push((l.y1 + tol, Event::Close(i)));
    }
    sweep(events, vs.iter().map(|&i| (mid_x(&lines[i]), i)).collect(), &mut groups);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(y: f32, x0: f32, x1: f32) -> Line {
        Line { x0, y0: y, x1, y1: y, horizontal: true }
    }
    fn v(x: f32, y0: f32, y1: f32) -> Line {
        Line { x0: x, y0, x1: x, y1, horizontal: false }
    }

    /// The groups by brute force, as the reader once found them.
    fn brute(lines: &[Line], tol: f32) -> Vec<usize> {
        let mut g = Groups::new(lines.len());
        for i in 0..lines.len() {
            for j in 0..lines.len() {
                let (a, b) = (&lines[i], &lines[j]);
                if a.x0 - tol <= b.x1 && b.x0 - tol <= a.x1 && a.y0 - tol <= b.y1 && b.y0 - tol <= a.y1 {
                    g.join(i, j);
                }
            }
        }
        (0..lines.len()).map(|i| g.root(i)).collect()
    }

    fn same_partition(a: &[usize], b: &[usize]) -> bool {
        (0..a.len()).all(|i| (0..a.len()).all(|j| (a[i] == a[j]) == (b[i] == b[j])))
    }

    #[test]
    fn groups_are_those_of_comparing_every_pair() {
        // Two tables side by side, a stray line, lines that just touch and lines just apart.
        let mut lines = vec![
            h(100.0, 0.0, 100.0),
            h(50.0, 0.0, 100.0),
            v(0.0, 50.0, 100.0),
            v(100.0, 50.0, 100.0),
            h(100.0, 200.0, 300.0),
            h(50.0, 200.0, 300.0),
            v(200.0, 50.0, 100.0),
            v(300.0, 50.0, 100.0),
            h(10.0, 0.0, 50.0),
            h(10.0, 51.9, 80.0),
            h(10.0, 84.5, 90.0),
            v(95.0, 11.9, 40.0),
            v(97.0, 0.0, 5.0),
        ];
        // A deterministic scatter of short lines.
        let mut seed = 7u32;
        let mut rnd = |m: f32| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 8) as f32 / (1u32 << 24) as f32 * m
        };
        for _ in 0..300 {
            let (x, y, len) = (rnd(600.0), rnd(800.0), rnd(60.0) + 2.0);
            lines.push(if rnd(1.0) < 0.5 { h(y, x, x + len) } else { v(x, y, y + len) });
        }
        let mut g = groups(&lines, 2.0);
        let fast: Vec<usize> = (0..lines.len()).map(|i| g.root(i)).collect();
        assert!(same_partition(&fast, &brute(&lines, 2.0)));
        assert_eq!(fast[0], fast[3]);
        assert_ne!(fast[0], fast[4]);
        assert_eq!(fast[8], fast[9], "1.9 apart, within the tolerance");
        assert_ne!(fast[9], fast[10], "4.5 apart");
    }
}
