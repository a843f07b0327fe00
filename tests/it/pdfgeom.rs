//! Where every glyph and rule of a PDF is on its page, read back from the file itself (lopdf):
//! content streams interpreted (cm, q/Q, Tf, Tc, Tm, TJ), widths from `/W`, characters from
//! `/ToUnicode`. Glyphs inside marked-content artifacts (the page number) are marked as such.

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Document, Object, ObjectId};

/// One drawn glyph: its character, font, and set box in page coordinates (pt, y up).
#[derive(Debug, Clone)]
pub struct Glyph {
    pub ch: char,
    pub font: String,
    /// Box: x0 ≤ x1, y0 ≤ y1.
    pub bbox: [f32; 4],
    /// Pen position before and after the glyph, for joining glyphs into lines.
    pub start: (f32, f32),
    pub end: (f32, f32),
    /// Starts a new positioned piece (after a `Tm`).
    pub new_piece: bool,
    /// Inside an `/Artifact` (page furniture: the page number).
    pub artifact: bool,
    /// Space added after the glyph beyond its advance (pt): justification's stretch (a TJ
    /// number, or `Tc`); negative where punctuation is compressed.
    pub stretch: f32,
}

/// A stroked straight segment (table rule).
#[derive(Debug, Clone, Copy)]
pub struct Seg {
    pub a: (f32, f32),
    pub b: (f32, f32),
}

#[derive(Debug, Default)]
pub struct PageGeom {
    pub glyphs: Vec<Glyph>,
    pub segs: Vec<Seg>,
    /// Whether the page has marked-content artifacts (the watermark).
    pub artifacts: usize,
}

/// A line of text: glyphs joined pen to pen.
#[derive(Debug, Clone)]
pub struct TextLine {
    pub text: String,
    pub font: String,
    pub glyphs: Vec<Glyph>,
}

impl TextLine {
    pub fn bbox(&self) -> [f32; 4] {
        let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
        for g in &self.glyphs {
            b[0] = b[0].min(g.bbox[0]);
            b[1] = b[1].min(g.bbox[1]);
            b[2] = b[2].max(g.bbox[2]);
            b[3] = b[3].max(g.bbox[3]);
        }
        b
    }
}

struct FontInfo {
    name: String,
    widths: HashMap<u32, f32>,
    dw: f32,
    to_unicode: HashMap<u32, char>,
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(r) => doc.get_object(*r).unwrap_or(o),
        _ => o,
    }
}

fn number(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
}

fn parse_cmap(text: &str) -> HashMap<u32, char> {
    let mut out = HashMap::new();
    let hex = |s: &str| u32::from_str_radix(s.trim_matches(['<', '>']), 16).ok();
    let mut in_char = false;
    for line in text.lines() {
        let l = line.trim();
        if l.ends_with("beginbfchar") {
            in_char = true;
            continue;
        }
        if l == "endbfchar" {
            in_char = false;
            continue;
        }
        if in_char {
            let parts: Vec<&str> = l.split_whitespace().collect();
            if parts.len() == 2
                && let (Some(cid), Some(units)) = (hex(parts[0]), Some(parts[1].trim_matches(['<', '>'])))
            {
                let u16s: Vec<u16> = (0..units.len() / 4)
                    .filter_map(|i| u16::from_str_radix(&units[i * 4..i * 4 + 4], 16).ok())
                    .collect();
                if let Some(Ok(c)) = char::decode_utf16(u16s).next() {
                    out.insert(cid, c);
                }
            }
        }
    }
    out
}

fn font_info(doc: &Document, font: &Object) -> FontInfo {
    let dict = resolve(doc, font).as_dict().expect("font dict");
    let name = String::from_utf8_lossy(dict.get(b"BaseFont").and_then(|b| b.as_name()).unwrap_or(b"?")).into_owned();
    let to_unicode = dict
        .get(b"ToUnicode")
        .ok()
        .and_then(|o| resolve(doc, o).as_stream().ok())
        .and_then(|s| s.decompressed_content().ok().or_else(|| Some(s.content.clone())))
        .map(|b| parse_cmap(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    let mut widths = HashMap::new();
    let mut dw = 1000.0;
    if let Ok(desc) = dict.get(b"DescendantFonts") {
        let arr = resolve(doc, desc).as_array().expect("descendants");
        let cid = resolve(doc, &arr[0]).as_dict().expect("cid font");
        if let Ok(d) = cid.get(b"DW") {
            dw = number(d);
        }
        if let Ok(w) = cid.get(b"W") {
            let w = resolve(doc, w).as_array().expect("W");
            let mut i = 0;
            while i < w.len() {
                let first = number(&w[i]) as u32;
                match resolve(doc, &w[i + 1]) {
                    Object::Array(list) => {
                        for (k, v) in list.iter().enumerate() {
                            widths.insert(first + k as u32, number(v));
                        }
                        i += 2;
                    }
                    last => {
                        let last = number(last) as u32;
                        let v = number(&w[i + 2]);
                        for c in first..=last {
                            widths.insert(c, v);
                        }
                        i += 3;
                    }
                }
            }
        }
    }
    FontInfo { name, widths, dw, to_unicode }
}

type Matrix = [f32; 6];

fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// Every page's glyphs and rules, in page order.
pub fn pages(doc: &Document) -> Vec<PageGeom> {
    let ids: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    ids.iter().map(|&id| page(doc, id)).collect()
}

fn page(doc: &Document, id: ObjectId) -> PageGeom {
    let mut fonts: HashMap<Vec<u8>, FontInfo> = HashMap::new();
    let (direct, referenced) = doc.get_page_resources(id).expect("resources");
    let dicts = direct.into_iter().chain(referenced.iter().filter_map(|r| doc.get_dictionary(*r).ok()));
    for res in dicts {
        if let Ok(f) = res.get(b"Font") {
            for (k, v) in resolve(doc, f).as_dict().expect("fonts").iter() {
                fonts.insert(k.clone(), font_info(doc, v));
            }
        }
    }
    let data = doc.get_page_content(id);
    let content = Content::decode(&data).expect("content decodes");
    let mut out = PageGeom::default();
    let mut ctm: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    let mut stack = Vec::new();
    let mut tm: Matrix = ctm;
    let mut font: Option<&FontInfo> = None;
    let mut size = 0.0;
    let mut tc = 0.0;
    let mut artifact_depth = 0usize;
    let mut depth = 0usize;
    let mut path_start = (0.0, 0.0);
    let mut current = (0.0, 0.0);
    let mut pending: Vec<Seg> = Vec::new();
    let mut new_piece = false;
    for op in &content.operations {
        let n = |i: usize| number(&op.operands[i]);
        match op.operator.as_str() {
            "BDC" | "BMC" => {
                depth += 1;
                let tag = op.operands.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
                if tag == b"Artifact" && artifact_depth == 0 {
                    artifact_depth = depth;
                    out.artifacts += 1;
                }
            }
            "EMC" => {
                if depth == artifact_depth {
                    artifact_depth = 0;
                }
                depth = depth.saturating_sub(1);
            }
            "q" => stack.push(ctm),
            "Q" => ctm = stack.pop().unwrap_or(ctm),
            "cm" => ctm = mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &ctm),
            "m" => {
                current = apply(&ctm, n(0), n(1));
                path_start = current;
            }
            "l" => {
                let p = apply(&ctm, n(0), n(1));
                pending.push(Seg { a: current, b: p });
                current = p;
            }
            "h" => pending.push(Seg { a: current, b: path_start }),
            "S" if artifact_depth > 0 => pending.clear(),
            "S" => out.segs.append(&mut pending),
            "f" | "F" | "f*" | "n" | "B" => pending.clear(),
            "BT" => tm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            "Tf" => {
                font = op.operands[0].as_name().ok().and_then(|k| fonts.get(k));
                size = n(1);
            }
            "Tc" => tc = n(0),
            "Tm" => {
                tm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                new_piece = true;
            }
            "TJ" | "Tj" => {
                let Some(f) = font else { continue };
                let items: Vec<Object> = match op.operator.as_str() {
                    "TJ" => op.operands[0].as_array().cloned().unwrap_or_default(),
                    _ => vec![op.operands[0].clone()],
                };
                // Glyph codes and kerns in order; a kern after a glyph narrows its set box.
                let mut seq: Vec<(u32, f32)> = Vec::new();
                for it in &items {
                    match it {
                        Object::String(bytes, _) => {
                            for pair in bytes.chunks(2) {
                                let code = u32::from(pair[0]) << 8 | u32::from(*pair.get(1).unwrap_or(&0));
                                seq.push((code, 0.0));
                            }
                        }
                        other => {
                            let k = number(other);
                            match seq.last_mut() {
                                Some(last) => last.1 += k,
                                None => tm = mul(&[1.0, 0.0, 0.0, 1.0, -k / 1000.0 * size, 0.0], &tm),
                            }
                        }
                    }
                }
                for (code, kern) in seq {
                    let w = f.widths.get(&code).copied().unwrap_or(f.dw) / 1000.0 * size;
                    let set = w - kern / 1000.0 * size;
                    let m = mul(&tm, &ctm);
                    let corners = [
                        apply(&m, 0.0, -0.12 * size),
                        apply(&m, set, -0.12 * size),
                        apply(&m, 0.0, 0.88 * size),
                        apply(&m, set, 0.88 * size),
                    ];
                    let xs = corners.iter().map(|c| c.0);
                    let ys = corners.iter().map(|c| c.1);
                    let bbox = [
                        xs.clone().fold(f32::MAX, f32::min),
                        ys.clone().fold(f32::MAX, f32::min),
                        xs.fold(f32::MIN, f32::max),
                        ys.fold(f32::MIN, f32::max),
                    ];
                    let advance = set + tc;
                    let start = apply(&m, 0.0, 0.0);
                    let end = apply(&m, advance, 0.0);
                    out.glyphs.push(Glyph {
                        ch: f.to_unicode.get(&code).copied().unwrap_or('\u{FFFD}'),
                        font: f.name.clone(),
                        bbox,
                        start,
                        end,
                        new_piece,
                        artifact: artifact_depth > 0,
                        stretch: tc - kern / 1000.0 * size,
                    });
                    new_piece = false;
                    tm = mul(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], &tm);
                }
            }
            _ => {}
        }
    }
    out
}

/// Glyphs joined into lines: a glyph continues the line when it starts where the previous one
/// ended (a new `Tm` at the pen position is a change of font within the line).
pub fn lines(page: &PageGeom) -> Vec<TextLine> {
    let mut out: Vec<TextLine> = Vec::new();
    for g in &page.glyphs {
        let joins = out
            .last()
            .and_then(|l| l.glyphs.last())
            .is_some_and(|p| !g.new_piece || ((p.end.0 - g.start.0).abs() < 0.6 && (p.end.1 - g.start.1).abs() < 0.6));
        match out.last_mut() {
            Some(l) if joins => {
                l.text.push(g.ch);
                l.glyphs.push(g.clone());
            }
            _ => out.push(TextLine { text: g.ch.to_string(), font: g.font.clone(), glyphs: vec![g.clone()] }),
        }
    }
    out
}
