//! The page: the content stream run as PDF's text and graphics state machine, giving every glyph
//! where the page shows it and the ruling lines drawn (form XObjects followed within the budget).

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::{Dictionary, Object, ObjectId};

use super::content::{Lexer, Operand};
use super::*;
use crate::import::ImportError;
use crate::import::limits::{Budget, Cap};

/// A 2D affine matrix `[a b c d e f]` as PDF writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct M([f32; 6]);

impl M {
    const ID: M = M([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other` (apply self, then other).
    pub(super) fn mul(self, o: M) -> M {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = o.0;
        M([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    pub(super) fn apply(self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    pub(super) fn translate(tx: f32, ty: f32) -> M {
        M([1.0, 0.0, 0.0, 1.0, tx, ty])
    }
}

/// One glyph where the page shows it, in page coordinates (y up), normalised so text runs
/// left to right.
#[derive(Debug, Clone)]
pub(super) struct Glyph {
    pub(super) text: String,
    pub(super) x: f32,
    pub(super) y: f32,
    pub(super) w: f32,
    pub(super) size: f32,
    /// 0: left to right; 1: up the page; -1: down the page (rotated text).
    pub(super) dir: i8,
}

/// A horizontal or vertical ruling line.
#[derive(Debug, Clone, Copy)]
pub(super) struct Seg {
    pub(super) x0: f32,
    pub(super) y0: f32,
    pub(super) x1: f32,
    pub(super) y1: f32,
}

impl Seg {
    pub(super) fn horizontal(&self) -> bool {
        (self.y0 - self.y1).abs() < 1.0 && (self.x1 - self.x0).abs() >= 2.0
    }
    pub(super) fn vertical(&self) -> bool {
        (self.x0 - self.x1).abs() < 1.0 && (self.y1 - self.y0).abs() >= 2.0
    }
}

#[derive(Default)]
pub(super) struct Page {
    pub(super) glyphs: Vec<Glyph>,
    pub(super) segs: Vec<Seg>,
}

#[derive(Clone, Copy)]
pub(super) struct TextState {
    pub(super) tc: f32,
    pub(super) tw: f32,
    pub(super) th: f32,
    pub(super) tl: f32,
    pub(super) rise: f32,
    pub(super) size: f32,
}

/// Whether a colour operator's operands paint white (invisible on the page: a background, not a
/// border). `cmyk`: the operands are C, M, Y, K.
pub(super) fn is_white(a: &[Operand], cmyk: bool) -> bool {
    let v: Vec<f32> = a.iter().filter_map(Operand::number).collect();
    match (cmyk, v.len()) {
        (true, 4) => v.iter().all(|c| *c <= 0.02),
        (false, 1 | 3) => v.iter().all(|c| *c >= 0.98),
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Colour {
    pub(super) fill_white: bool,
    pub(super) stroke_white: bool,
}

/// The path being built, as subpaths of points in page space, and the colours it will be
/// painted in. Painting turns it into ruling lines: a stroked path gives its straight
/// horizontal and vertical segments; a filled one only when it is a thin bar (how WPS and
/// Chromium draw borders) — a filled area is a cell's shading or a page's background, whose
/// edges are no border; nothing painted white is. At most [`MAX_PATH_POINTS`] points are held
/// (counted as they come, so adding one is O(1)); the lines painted are charged to
/// [`Cap::PageLines`].
#[derive(Default)]
pub(super) struct Ink {
    pub(super) subpaths: Vec<Vec<(f32, f32)>>,
    pub(super) points: usize,
    pub(super) colour: Colour,
}

impl Ink {
    pub(super) fn room(&self, n: usize) -> bool {
        self.points + n <= MAX_PATH_POINTS
    }

    pub(super) fn move_to(&mut self, p: (f32, f32)) {
        if self.room(1) {
            self.subpaths.push(vec![p]);
            self.points += 1;
        }
    }

    pub(super) fn line_to(&mut self, p: (f32, f32)) {
        if !self.room(1) {
            return;
        }
        match self.subpaths.last_mut() {
            Some(s) => s.push(p),
            None => self.subpaths.push(vec![p]),
        }
        self.points += 1;
    }

    /// A curve is no ruling line: the path goes on from its end point.
    pub(super) fn curve_to(&mut self, p: (f32, f32)) {
        self.move_to(p);
    }

    pub(super) fn close(&mut self) {
        if self.room(1)
            && let Some(s) = self.subpaths.last_mut()
            && let Some(&first) = s.first()
        {
            s.push(first);
            self.points += 1;
        }
    }

    pub(super) fn rect(&mut self, p: [(f32, f32); 4]) {
        if self.room(5) {
            self.subpaths.push(vec![p[0], p[1], p[2], p[3], p[0]]);
            self.points += 5;
        }
    }

    pub(super) fn clear(&mut self) {
        self.subpaths.clear();
        self.points = 0;
    }

    pub(super) fn paint(
        &mut self,
        stroke: bool,
        fill: bool,
        out: &mut Vec<Seg>,
        budget: &mut Budget,
    ) -> Result<(), ImportError> {
        let stroke = stroke && !self.colour.stroke_white;
        let fill = fill && !self.colour.fill_white;
        let mut push = |s: Seg| -> Result<(), ImportError> {
            let s = Seg { x0: s.x0.min(s.x1), y0: s.y0.min(s.y1), x1: s.x0.max(s.x1), y1: s.y0.max(s.y1) };
            if s.horizontal() || s.vertical() {
                budget.spend(Cap::PageLines, 1)?;
                out.push(s);
            }
            Ok(())
        };
        self.points = 0;
        for sp in self.subpaths.drain(..) {
            if stroke {
                for w in sp.windows(2) {
                    push(Seg { x0: w[0].0, y0: w[0].1, x1: w[1].0, y1: w[1].1 })?;
                }
            } else if fill && sp.len() >= 3 {
                let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
                for &(x, y) in &sp {
                    (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
                }
                if y1 - y0 < 2.5 && x1 - x0 >= y1 - y0 {
                    let ym = (y0 + y1) / 2.0;
                    push(Seg { x0, y0: ym, x1, y1: ym })?;
                } else if x1 - x0 < 2.5 {
                    let xm = (x0 + x1) / 2.0;
                    push(Seg { x0: xm, y0, x1: xm, y1 })?;
                }
            }
        }
        Ok(())
    }
}

/// Drops a glyph drawn again over itself: simulated bold draws the same text twice, a fraction
/// of a point apart («一一、、总总体体» otherwise). Sorted once, each glyph compared with the
/// last four kept: O(n log n).
pub(super) fn drop_overprints(glyphs: &mut Vec<Glyph>) {
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut kept: Vec<Glyph> = Vec::with_capacity(glyphs.len());
    for g in glyphs.drain(..) {
        let twin = kept
            .iter()
            .rev()
            .take(4)
            .any(|k| k.text == g.text && (k.y - g.y).abs() <= g.size * 0.1 && (k.x - g.x).abs() <= g.size * 0.25);
        if !twin {
            kept.push(g);
        }
    }
    *glyphs = kept;
}

/// The reading of one document: its fonts and forms read once each, and the budget.
pub(super) struct Reader<'d, 'b> {
    pub(super) doc: &'d lopdf::Document,
    pub(super) budget: &'b mut Budget,
    /// Fonts by object, or (a font written into the resources) by where its dictionary is.
    pub(super) fonts: HashMap<FontKey, Rc<Font>>,
    /// Form XObjects' decoded content by object.
    pub(super) forms: HashMap<ObjectId, Rc<Vec<u8>>>,
    pub(super) stats: Stats,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum FontKey {
    Object(ObjectId),
    Inline(usize),
}

/// What `run_content` is drawing with: its resources and the matrix of the form it is in.
pub(super) struct Scope<'d> {
    pub(super) fonts: Option<&'d Dictionary>,
    pub(super) xobjects: Option<&'d Dictionary>,
    pub(super) resources: &'d Dictionary,
    pub(super) base: M,
    pub(super) depth: usize,
}

impl<'d> Reader<'d, '_> {
    pub(super) fn page(&mut self, page_id: ObjectId) -> Result<Page, ImportError> {
        let mut page = Page::default();
        let left = self.budget.left(Cap::Content) as usize;
        let content = match self.doc.get_page_content_with_limit(page_id, left) {
            Ok(c) => c,
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
                return Err(ImportError::TooComplex(Cap::Content));
            }
            // A page whose content cannot be decoded shows nothing, as in a viewer.
            Err(_) => return Ok(page),
        };
        self.budget.spend(Cap::Content, content.len() as u64)?;
        let resources = page_resources(self.doc, page_id);
        let scope = self.scope(&resources, M::ID, 0);
        self.run_content(&content, &scope, &mut page)?;
        normalise_direction(&mut page);
        drop_overprints(&mut page.glyphs);
        Ok(page)
    }

    pub(super) fn scope<'r>(&self, resources: &'r Dictionary, base: M, depth: usize) -> Scope<'r>
    where
        'd: 'r,
    {
        Scope {
            fonts: dict_get(self.doc, resources, b"Font").and_then(|o| o.as_dict().ok()),
            xobjects: dict_get(self.doc, resources, b"XObject").and_then(|o| o.as_dict().ok()),
            resources,
            base,
            depth,
        }
    }

    /// The font a `Tf` names, read once per document.
    pub(super) fn font(&mut self, fonts: Option<&Dictionary>, name: &[u8]) -> Result<Option<Rc<Font>>, ImportError> {
        let doc = self.doc;
        let Some(o) = fonts.and_then(|fd| fd.get(name).ok()) else { return Ok(None) };
        let Ok(d) = deref(doc, o).as_dict() else { return Ok(None) };
        let key = match o.as_reference() {
            Ok(id) => FontKey::Object(id),
            Err(_) => FontKey::Inline(d as *const Dictionary as usize),
        };
        if let Some(f) = self.fonts.get(&key) {
            return Ok(Some(Rc::clone(f)));
        }
        let f = Rc::new(load_font(doc, d, self.budget)?);
        self.fonts.insert(key, Rc::clone(&f));
        Ok(Some(f))
    }

    /// A form XObject's content, decoded once per document (and charged at every drawing).
    pub(super) fn form(
        &mut self,
        id: Option<ObjectId>,
        stream: &lopdf::Stream,
    ) -> Result<Option<Rc<Vec<u8>>>, ImportError> {
        if let Some(data) = id.and_then(|id| self.forms.get(&id)) {
            self.budget.spend(Cap::Content, data.len() as u64)?;
            return Ok(Some(Rc::clone(data)));
        }
        let Some(data) = decoded(stream, self.budget)? else { return Ok(None) };
        let data = Rc::new(data);
        if let Some(id) = id {
            self.forms.insert(id, Rc::clone(&data));
        }
        Ok(Some(data))
    }

    /// Long on purpose: the content-stream interpreter: one arm per PDF operator, sharing the graphics state and the budget.
    #[expect(clippy::too_many_lines, reason = "see the doc comment")]
    pub(super) fn run_content(
        &mut self,
        content: &[u8],
        scope: &Scope<'_>,
        page: &mut Page,
    ) -> Result<(), ImportError> {
        let doc = self.doc;
        let mut ctm = scope.base;
        let mut stack: Vec<M> = Vec::new();
        let mut tm = M::ID;
        let mut tlm = M::ID;
        let mut ts = TextState { tc: 0.0, tw: 0.0, th: 1.0, tl: 0.0, rise: 0.0, size: 0.0 };
        let mut ts_stack: Vec<TextState> = Vec::new();
        let mut font: Option<Rc<Font>> = None;
        let mut ink = Ink::default();
        let mut colours: Vec<Colour> = Vec::new();
        let f = |o: &Object| num(o).unwrap_or(0.0);
        let mut lexer = Lexer::new(content);
        let mut a: Vec<Operand> = Vec::new();
        while let Some(op) = lexer.next_op(&mut a) {
            self.budget.spend(Cap::Operators, 1)?;
            let arg = |i: usize| a.get(i).and_then(Operand::number).unwrap_or(0.0);
            match op {
                b"q" if stack.len() < 256 => {
                    stack.push(ctm);
                    ts_stack.push(ts);
                    colours.push(ink.colour);
                }
                b"Q" => {
                    if let Some(m) = stack.pop() {
                        ctm = m;
                    }
                    if let Some(c) = colours.pop() {
                        ink.colour = c;
                    }
                    if let Some(t) = ts_stack.pop() {
                        ts = t;
                    }
                }
                b"cm" if a.len() == 6 => ctm = M([arg(0), arg(1), arg(2), arg(3), arg(4), arg(5)]).mul(ctm),
                b"BT" => {
                    tm = M::ID;
                    tlm = M::ID;
                }
                b"Tf" => {
                    ts.size = arg(1);
                    font = match a.first() {
                        Some(Operand::Name(name)) => self.font(scope.fonts, name)?,
                        _ => None,
                    };
                }
                b"Tc" => ts.tc = arg(0),
                b"Tw" => ts.tw = arg(0),
                b"Tz" => ts.th = arg(0) / 100.0,
                b"TL" => ts.tl = arg(0),
                b"Ts" => ts.rise = arg(0),
                b"Td" => {
                    tlm = M::translate(arg(0), arg(1)).mul(tlm);
                    tm = tlm;
                }
                b"TD" => {
                    ts.tl = -arg(1);
                    tlm = M::translate(arg(0), arg(1)).mul(tlm);
                    tm = tlm;
                }
                b"Tm" if a.len() == 6 => {
                    tlm = M([arg(0), arg(1), arg(2), arg(3), arg(4), arg(5)]);
                    tm = tlm;
                }
                b"T*" => {
                    tlm = M::translate(0.0, -ts.tl).mul(tlm);
                    tm = tlm;
                }
                b"Tj" | b"'" | b"\"" | b"TJ" => {
                    if op == b"'" || op == b"\"" {
                        if op == b"\"" {
                            ts.tw = arg(0);
                            ts.tc = arg(1);
                        }
                        tlm = M::translate(0.0, -ts.tl).mul(tlm);
                        tm = tlm;
                    }
                    let Some(fnt) = &font else { continue };
                    let items: &[Operand] = match (op, a.first(), a.last()) {
                        (b"TJ", Some(Operand::Array(items)), _) => items,
                        (b"TJ", ..) => &[],
                        (_, _, Some(last)) => std::slice::from_ref(last),
                        _ => &[],
                    };
                    for item in items {
                        match item {
                            Operand::Str(bytes) => {
                                for (code, len) in fnt.codes(bytes) {
                                    let w0 = fnt.width(code);
                                    let trm = M([ts.size * ts.th, 0.0, 0.0, ts.size, 0.0, ts.rise]).mul(tm).mul(ctm);
                                    let (x, y) = trm.apply(0.0, 0.0);
                                    let (x2, y2) = trm.apply(w0, 0.0);
                                    let (_, ytop) = trm.apply(0.0, 1.0);
                                    let size = ((ytop - y).powi(2) + (trm.0[2]).powi(2)).sqrt().max(0.1);
                                    let text = fnt.text(code, len);
                                    let is_space = text.as_deref() == Some(" ");
                                    self.budget.spend(Cap::Glyphs, 1)?;
                                    self.budget.spend(Cap::PageGlyphs, 1)?;
                                    if let Some(t) = text {
                                        if !t.trim().is_empty() {
                                            self.stats.glyphs += 1;
                                            if t.chars().any(|c| c.is_control()) {
                                                self.stats.controls += 1;
                                            }
                                            let (dx, dy) = (x2 - x, y2 - y);
                                            let dir =
                                                if dy.abs() > dx.abs() { if dy > 0.0 { 1 } else { -1 } } else { 0 };
                                            page.glyphs.push(Glyph {
                                                text: t,
                                                x,
                                                y,
                                                w: if dir == 0 { dx } else { dy.abs() },
                                                size,
                                                dir,
                                            });
                                        }
                                    } else {
                                        self.stats.glyphs += 1;
                                        self.stats.unmapped += 1;
                                    }
                                    let spacing = if len == 1 && code == 32 || is_space { ts.tw } else { 0.0 };
                                    let tx = (w0 * ts.size + ts.tc + spacing) * ts.th;
                                    tm = M::translate(tx, 0.0).mul(tm);
                                }
                            }
                            Operand::Number(n) => {
                                tm = M::translate(-n / 1000.0 * ts.size * ts.th, 0.0).mul(tm);
                            }
                            _ => {}
                        }
                    }
                }
                // Paths: only straight ruling lines matter ([`Ink`]).
                b"m" => ink.move_to(ctm.apply(arg(0), arg(1))),
                b"l" => ink.line_to(ctm.apply(arg(0), arg(1))),
                b"c" | b"v" | b"y" => {
                    ink.curve_to(ctm.apply(arg(a.len().saturating_sub(2)), arg(a.len().saturating_sub(1))))
                }
                b"h" => ink.close(),
                b"re" => {
                    let (x, y, w, h) = (arg(0), arg(1), arg(2), arg(3));
                    ink.rect([ctm.apply(x, y), ctm.apply(x + w, y), ctm.apply(x + w, y + h), ctm.apply(x, y + h)]);
                }
                b"S" | b"s" => ink.paint(true, false, &mut page.segs, self.budget)?,
                b"f" | b"F" | b"f*" => ink.paint(false, true, &mut page.segs, self.budget)?,
                b"B" | b"B*" | b"b" | b"b*" => ink.paint(true, true, &mut page.segs, self.budget)?,
                b"n" => ink.clear(),
                b"g" | b"rg" | b"k" | b"sc" | b"scn" => ink.colour.fill_white = is_white(&a, op == b"k"),
                b"G" | b"RG" | b"K" | b"SC" | b"SCN" => ink.colour.stroke_white = is_white(&a, op == b"K"),
                b"cs" => ink.colour.fill_white = false,
                b"CS" => ink.colour.stroke_white = false,
                b"Do" if scope.depth < MAX_FORM_DEPTH => {
                    let Some(Operand::Name(name)) = a.first() else { continue };
                    let Some(o) = scope.xobjects.and_then(|x| x.get(name).ok()) else { continue };
                    let id = o.as_reference().ok();
                    let Ok(xo) = deref(doc, o).as_stream() else { continue };
                    if xo.dict.get(b"Subtype").and_then(|o| o.as_name()).ok() != Some(b"Form".as_slice()) {
                        continue;
                    }
                    self.budget.spend(Cap::Forms, 1)?;
                    let matrix = dict_get(doc, &xo.dict, b"Matrix")
                        .and_then(|o| o.as_array().ok())
                        .filter(|m| m.len() == 6)
                        .map(|m| M([f(&m[0]), f(&m[1]), f(&m[2]), f(&m[3]), f(&m[4]), f(&m[5])]))
                        .unwrap_or(M::ID);
                    let res =
                        dict_get(doc, &xo.dict, b"Resources").and_then(|o| o.as_dict().ok()).unwrap_or(scope.resources);
                    if let Some(data) = self.form(id, xo)? {
                        let inner = self.scope(res, matrix.mul(ctm), scope.depth + 1);
                        self.run_content(&data, &inner, page)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// The page's resources merged from the page and its ancestors (inherited attributes).
pub(super) fn page_resources(doc: &lopdf::Document, page_id: ObjectId) -> Dictionary {
    let mut merged = Dictionary::new();
    if let Ok((own, ids)) = doc.get_page_resources(page_id) {
        let mut add = |d: &Dictionary| {
            for (k, v) in d.iter() {
                if !merged.has(k) {
                    merged.set(k.clone(), v.clone());
                }
            }
        };
        if let Some(d) = own {
            add(d);
        }
        for id in ids {
            if let Ok(d) = doc.get_dictionary(id) {
                add(d);
            }
        }
    }
    merged
}

/// Pages whose text runs top to bottom (a landscape table drawn rotated on a portrait page)
/// are turned so that it runs left to right. Glyphs marked rotated (`w == 0`) decide.
pub(super) fn normalise_direction(page: &mut Page) {
    let up = page.glyphs.iter().filter(|g| g.dir == 1).count();
    let down = page.glyphs.iter().filter(|g| g.dir == -1).count();
    let n = page.glyphs.len();
    let dir = if up * 2 > n {
        1
    } else if down * 2 > n {
        -1
    } else {
        0
    };
    page.glyphs.retain(|g| g.dir == dir);
    if dir == 0 {
        return;
    }
    // Up the page (turned 90° counter-clockwise): (x, y) → (y, −x); down: (x, y) → (−y, x).
    let turn = |x: f32, y: f32| if dir == 1 { (y, -x) } else { (-y, x) };
    for g in &mut page.glyphs {
        (g.x, g.y) = turn(g.x, g.y);
        g.dir = 0;
    }
    for s in &mut page.segs {
        let (a, b) = (turn(s.x0, s.y0), turn(s.x1, s.y1));
        *s = Seg { x0: a.0.min(b.0), y0: a.1.min(b.1), x1: a.0.max(b.0), y1: a.1.max(b.1) };
    }
}
