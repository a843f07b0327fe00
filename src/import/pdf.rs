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

use std::collections::{BTreeMap, HashMap};

use lopdf::{Dictionary, Object, ObjectId};

use super::ImportError;
use super::doc::{Block, Cell, Document, Table, clean_text};

/// Pages read at most (a report has 5–15).
const MAX_PAGES: usize = 300;
/// Decompressed bytes per page content at most.
const MAX_CONTENT: usize = 32 * 1024 * 1024;
/// Form XObjects nested deeper than this are not followed.
const MAX_FORM_DEPTH: usize = 6;

/// Reads a PDF's text layer.
pub fn read(bytes: &[u8]) -> Result<Document, ImportError> {
    let options =
        lopdf::LoadOptions { max_decompressed_size: Some(super::MAX_UNZIPPED_BYTES as usize), ..Default::default() };
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => ImportError::Encrypted,
        other if super::find(bytes, b"/Encrypt").is_some() => {
            let _ = other;
            ImportError::Encrypted
        }
        other => ImportError::Broken(other.to_string()),
    })?;
    // Opened without its password, the text stays encrypted: refuse rather than read noise.
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(ImportError::Encrypted);
    }
    let mut out = Document { title: info_title(&doc), blocks: Vec::new() };
    let mut stats = Stats::default();
    let mut fonts = FontCache::default();
    let mut pages = Vec::new();
    for (n, (_, page_id)) in doc.get_pages().into_iter().enumerate() {
        if n >= MAX_PAGES {
            break;
        }
        pages.push(page_items(read_page(&doc, page_id, &mut fonts, &mut stats)));
    }
    out.blocks = document_blocks(pages);
    if stats.glyphs < 20 {
        return Err(ImportError::Scanned);
    }
    let share = (stats.unmapped * 100 / stats.glyphs.max(1)) as u32;
    if share > 30 {
        return Err(ImportError::NoTextMapping { share });
    }
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
}

// ---------------------------------------------------------------------------------------------
// Fonts
// ---------------------------------------------------------------------------------------------

/// How a font's codes are cut and turned into text.
#[derive(Debug, Clone, Default)]
struct Font {
    /// Code lengths by first byte: `None` = one byte for all (simple fonts).
    two_byte: TwoByte,
    to_unicode: HashMap<u32, String>,
    /// Code → Unicode from the encoding, when there is no ToUnicode entry.
    encoding: HashMap<u32, String>,
    /// The CMap itself is Unicode (UniGB-UCS2-H, UniGB-UTF16-H) or GBK.
    cmap_text: CmapText,
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Glyph space to text space (1/1000, or a Type 3 font's matrix).
    scale: f32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum TwoByte {
    #[default]
    Never,
    Always,
    /// GBK-style: a byte 0x81–0xFE starts a two-byte code.
    LeadByte,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum CmapText {
    #[default]
    None,
    Ucs2,
    Gbk,
}

impl Font {
    fn codes(&self, bytes: &[u8]) -> Vec<(u32, usize)> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let two = match self.two_byte {
                TwoByte::Never => false,
                TwoByte::Always => true,
                TwoByte::LeadByte => (0x81..=0xFE).contains(&bytes[i]),
            };
            if two && i + 1 < bytes.len() {
                out.push(((u32::from(bytes[i]) << 8) | u32::from(bytes[i + 1]), 2));
                i += 2;
            } else {
                out.push((u32::from(bytes[i]), 1));
                i += 1;
            }
        }
        out
    }

    fn text(&self, code: u32, len: usize) -> Option<String> {
        if let Some(t) = self.to_unicode.get(&code) {
            return Some(t.clone());
        }
        match self.cmap_text {
            CmapText::Ucs2 => return char::from_u32(code).map(String::from),
            CmapText::Gbk if len == 2 => {
                let b = [(code >> 8) as u8, code as u8];
                let (t, _, err) = encoding_rs::GBK.decode(&b);
                return (!err).then(|| t.into_owned());
            }
            CmapText::Gbk => return char::from_u32(code).map(String::from),
            CmapText::None => {}
        }
        if let Some(t) = self.encoding.get(&code) {
            return Some(t.clone());
        }
        (self.two_byte == TwoByte::Never && (0x20..0x7F).contains(&code)).then(|| (code as u8 as char).to_string())
    }

    fn width(&self, code: u32) -> f32 {
        // A predefined Unicode CMap's codes are no CIDs: its ASCII codes are Adobe-GB1's
        // proportional Latin, CIDs 1–95, which is what the widths are listed by.
        // Its other codes name no CID we know: they take the default width (1000 for CJK).
        let cid = match self.cmap_text {
            CmapText::Ucs2 if (0x20..=0x7E).contains(&code) => Some(code - 0x1F),
            CmapText::Ucs2 => None,
            _ => Some(code),
        };
        cid.and_then(|c| self.widths.get(&c)).copied().unwrap_or(self.default_width) * self.scale
    }
}

#[derive(Default)]
struct FontCache {
    by_id: HashMap<ObjectId, Font>,
}

fn deref<'a>(doc: &'a lopdf::Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn dict_get<'a>(doc: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| deref(doc, o))
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn load_font(doc: &lopdf::Document, d: &Dictionary) -> Font {
    let subtype = dict_get(doc, d, b"Subtype").and_then(|o| o.as_name().ok()).unwrap_or(b"");
    let mut f = Font { default_width: 1000.0, scale: 0.001, ..Font::default() };
    if let Some(tu) = dict_get(doc, d, b"ToUnicode").and_then(|o| o.as_stream().ok())
        && let Ok(data) = tu.get_plain_content_with_limit(4 * 1024 * 1024)
    {
        f.to_unicode = parse_cmap(&data).0;
    }
    if subtype == b"Type0" {
        let enc = dict_get(doc, d, b"Encoding");
        match enc {
            Some(Object::Name(n)) => {
                let name = String::from_utf8_lossy(n);
                f.two_byte = if name.contains("EUC") || name.starts_with("GBK") || name.starts_with("GB-") {
                    TwoByte::LeadByte
                } else {
                    TwoByte::Always
                };
                if name.starts_with("Uni") && (name.contains("UCS2") || name.contains("UTF16")) {
                    f.cmap_text = CmapText::Ucs2;
                } else if name.starts_with("GBK") || name.starts_with("GB-") || name.starts_with("GBpc") {
                    f.cmap_text = CmapText::Gbk;
                }
            }
            Some(Object::Stream(s)) => {
                f.two_byte = TwoByte::Always;
                if let Ok(data) = s.get_plain_content_with_limit(4 * 1024 * 1024) {
                    let (_, one_byte) = parse_cmap(&data);
                    if one_byte {
                        f.two_byte = TwoByte::Never;
                    }
                }
            }
            _ => f.two_byte = TwoByte::Always,
        }
        if let Some(desc) = dict_get(doc, d, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
        {
            if let Some(dw) = dict_get(doc, desc, b"DW").and_then(num) {
                f.default_width = dw;
            }
            if let Some(w) = dict_get(doc, desc, b"W").and_then(|o| o.as_array().ok()) {
                cid_widths(doc, w, &mut f.widths);
            }
        }
        return f;
    }
    // Simple fonts: one byte per code.
    if subtype == b"Type3"
        && let Some(m) = dict_get(doc, d, b"FontMatrix").and_then(|o| o.as_array().ok())
        && let Some(a) = m.first().and_then(num)
    {
        f.scale = a;
    }
    let first = dict_get(doc, d, b"FirstChar").and_then(num).unwrap_or(0.0) as u32;
    if let Some(ws) = dict_get(doc, d, b"Widths").and_then(|o| o.as_array().ok()) {
        for (i, w) in ws.iter().enumerate() {
            if let Some(w) = num(deref(doc, w)) {
                f.widths.insert(first + i as u32, w);
            }
        }
    }
    f.default_width = dict_get(doc, d, b"FontDescriptor")
        .and_then(|o| o.as_dict().ok())
        .and_then(|fd| dict_get(doc, fd, b"MissingWidth"))
        .and_then(num)
        .unwrap_or(if subtype == b"Type3" { 0.0 } else { 500.0 });
    match dict_get(doc, d, b"Encoding") {
        Some(Object::Dictionary(e)) => {
            if let Some(diff) = dict_get(doc, e, b"Differences").and_then(|o| o.as_array().ok()) {
                let mut code = 0u32;
                for item in diff {
                    match deref(doc, item) {
                        Object::Integer(i) => code = (*i).clamp(0, 255) as u32,
                        Object::Name(n) => {
                            if let Some(t) = glyph_name_text(n) {
                                f.encoding.insert(code, t);
                            }
                            code += 1;
                        }
                        _ => {}
                    }
                }
            }
            latin_base(&mut f.encoding);
        }
        _ => latin_base(&mut f.encoding),
    }
    f
}

/// Codes 0xA0–0xFF as Latin-1 (WinAnsi differs only in 0x80–0x9F, rare in these reports).
fn latin_base(enc: &mut HashMap<u32, String>) {
    for c in 0xA0u32..=0xFF {
        enc.entry(c).or_insert_with(|| char::from_u32(c).map(String::from).unwrap_or_default());
    }
}

/// Text of a glyph name: `uni4E00`, `u4E00`, `zero`…`nine`, single letters, common punctuation.
fn glyph_name_text(name: &[u8]) -> Option<String> {
    let n = std::str::from_utf8(name).ok()?;
    let base = n.split('.').next().unwrap_or(n);
    if let Some(hex) = base.strip_prefix("uni").filter(|h| h.len() >= 4) {
        let units: Vec<u16> = hex
            .as_bytes()
            .chunks(4)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .filter_map(|c| u16::from_str_radix(c, 16).ok())
            .collect();
        return Some(String::from_utf16_lossy(&units));
    }
    if let Some(hex) = base.strip_prefix('u').filter(|h| (4..=6).contains(&h.len()))
        && let Ok(v) = u32::from_str_radix(hex, 16)
    {
        return char::from_u32(v).map(String::from);
    }
    const NAMES: &[(&str, &str)] = &[
        ("zero", "0"),
        ("one", "1"),
        ("two", "2"),
        ("three", "3"),
        ("four", "4"),
        ("five", "5"),
        ("six", "6"),
        ("seven", "7"),
        ("eight", "8"),
        ("nine", "9"),
        ("space", " "),
        ("period", "."),
        ("comma", ","),
        ("hyphen", "-"),
        ("minus", "-"),
        ("plus", "+"),
        ("slash", "/"),
        ("colon", ":"),
        ("semicolon", ";"),
        ("parenleft", "("),
        ("parenright", ")"),
        ("percent", "%"),
        ("endash", "–"),
        ("emdash", "—"),
        ("quotedbl", "\""),
        ("quotesingle", "'"),
        ("underscore", "_"),
        ("at", "@"),
        ("ampersand", "&"),
        ("numbersign", "#"),
        ("equal", "="),
        ("bracketleft", "["),
        ("bracketright", "]"),
    ];
    if let Some((_, t)) = NAMES.iter().find(|(k, _)| *k == base) {
        return Some(t.to_string());
    }
    (base.len() == 1 && base.as_bytes()[0].is_ascii_alphabetic()).then(|| base.to_string())
}

fn cid_widths(doc: &lopdf::Document, w: &[Object], out: &mut HashMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() {
        let Some(first) = num(deref(doc, &w[i])) else { break };
        let first = first as u32;
        match w.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, v) in list.iter().enumerate().take(65_536) {
                    if let Some(v) = num(deref(doc, v)) {
                        out.insert(first + k as u32, v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Some(last), Some(v)) = (num(o), w.get(i + 2).and_then(|x| num(deref(doc, x)))) else { break };
                let last = (last as u32).min(first.saturating_add(65_536));
                for c in first..=last {
                    out.insert(c, v);
                }
                i += 3;
            }
            None => break,
        }
    }
}

/// Parses a CMap: `bfchar`/`bfrange` mappings to Unicode, and whether the code space is one
/// byte wide.
fn parse_cmap(data: &[u8]) -> (HashMap<u32, String>, bool) {
    let text = String::from_utf8_lossy(data);
    let tokens = cmap_tokens(&text);
    let mut map = HashMap::new();
    let mut one_byte = false;
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].as_str() {
            "begincodespacerange" => {
                if let Some(t) = tokens.get(i + 1) {
                    one_byte = t.starts_with('<') && t.len() <= 4;
                }
                i += 1;
            }
            "beginbfchar" => {
                i += 1;
                while i + 1 < tokens.len() && tokens[i] != "endbfchar" {
                    if let (Some(code), Some(dst)) = (hex_code(&tokens[i]), hex_text(&tokens[i + 1])) {
                        map.insert(code, dst);
                    }
                    i += 2;
                }
            }
            "beginbfrange" => {
                i += 1;
                while i + 2 < tokens.len() && tokens[i] != "endbfrange" {
                    let (lo, hi) = (hex_code(&tokens[i]), hex_code(&tokens[i + 1]));
                    if tokens[i + 2] == "[" {
                        // An array of destinations.
                        let mut j = i + 3;
                        let mut code = lo.unwrap_or(0);
                        while j < tokens.len() && tokens[j] != "]" {
                            if let Some(t) = hex_text(&tokens[j]) {
                                map.insert(code, t);
                            }
                            code += 1;
                            j += 1;
                        }
                        i = j + 1;
                        continue;
                    }
                    if let (Some(lo), Some(hi), Some(dst)) = (lo, hi, hex_units(&tokens[i + 2])) {
                        let hi = hi.min(lo.saturating_add(65_535));
                        for (k, code) in (lo..=hi).enumerate() {
                            let mut units = dst.clone();
                            if let Some(last) = units.last_mut() {
                                *last = last.wrapping_add(k as u16);
                            }
                            map.insert(code, String::from_utf16_lossy(&units));
                        }
                    }
                    i += 3;
                }
            }
            _ => {}
        }
        i += 1;
    }
    (map, one_byte)
}

fn cmap_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                let mut s = String::from("<");
                for d in chars.by_ref() {
                    if d == '>' {
                        break;
                    }
                    if !d.is_whitespace() {
                        s.push(d);
                    }
                }
                out.push(s);
            }
            '[' | ']' => out.push(c.to_string()),
            '%' => {
                for d in chars.by_ref() {
                    if d == '\n' || d == '\r' {
                        break;
                    }
                }
            }
            c if c.is_whitespace() => {}
            _ => {
                let mut s = c.to_string();
                while let Some(&d) = chars.peek() {
                    if d.is_whitespace() || matches!(d, '<' | '[' | ']') {
                        break;
                    }
                    s.push(d);
                    chars.next();
                }
                out.push(s);
            }
        }
    }
    out
}

fn hex_code(t: &str) -> Option<u32> {
    let h = t.strip_prefix('<')?;
    if h.is_empty() || h.len() > 8 {
        return None;
    }
    u32::from_str_radix(h, 16).ok()
}

fn hex_units(t: &str) -> Option<Vec<u16>> {
    let h = t.strip_prefix('<')?;
    let units: Vec<u16> = h
        .as_bytes()
        .chunks(4)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .filter_map(|c| u16::from_str_radix(&format!("{c:0<4}"), 16).ok())
        .collect();
    (!units.is_empty()).then_some(units)
}

fn hex_text(t: &str) -> Option<String> {
    hex_units(t).map(|u| String::from_utf16_lossy(&u))
}

// ---------------------------------------------------------------------------------------------
// The page: glyphs and ruling lines
// ---------------------------------------------------------------------------------------------

/// A 2D affine matrix `[a b c d e f]` as PDF writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct M([f32; 6]);

impl M {
    const ID: M = M([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other` (apply self, then other).
    fn mul(self, o: M) -> M {
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

    fn apply(self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn translate(tx: f32, ty: f32) -> M {
        M([1.0, 0.0, 0.0, 1.0, tx, ty])
    }
}

/// One glyph where the page shows it, in page coordinates (y up), normalised so text runs
/// left to right.
#[derive(Debug, Clone)]
struct Glyph {
    text: String,
    x: f32,
    y: f32,
    w: f32,
    size: f32,
    /// 0: left to right; 1: up the page; -1: down the page (rotated text).
    dir: i8,
}

/// A horizontal or vertical ruling line.
#[derive(Debug, Clone, Copy)]
struct Seg {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Seg {
    fn horizontal(&self) -> bool {
        (self.y0 - self.y1).abs() < 1.0 && (self.x1 - self.x0).abs() >= 2.0
    }
    fn vertical(&self) -> bool {
        (self.x0 - self.x1).abs() < 1.0 && (self.y1 - self.y0).abs() >= 2.0
    }
}

#[derive(Default)]
struct Page {
    glyphs: Vec<Glyph>,
    segs: Vec<Seg>,
}

#[derive(Clone, Copy)]
struct TextState {
    tc: f32,
    tw: f32,
    th: f32,
    tl: f32,
    rise: f32,
    size: f32,
}

/// Whether a colour operator's operands paint white (invisible on the page: a background, not a
/// border). `cmyk`: the operands are C, M, Y, K.
fn is_white(a: &[Object], cmyk: bool) -> bool {
    let v: Vec<f32> = a.iter().filter_map(num).collect();
    match (cmyk, v.len()) {
        (true, 4) => v.iter().all(|c| *c <= 0.02),
        (false, 1 | 3) => v.iter().all(|c| *c >= 0.98),
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Colour {
    fill_white: bool,
    stroke_white: bool,
}

/// The path being built, as subpaths of points in page space, and the colours it will be
/// painted in. Painting turns it into ruling lines: a stroked path gives its straight
/// horizontal and vertical segments; a filled one only when it is a thin bar (how WPS and
/// Chromium draw borders) — a filled area is a cell's shading or a page's background, whose
/// edges are no border; nothing painted white is.
#[derive(Default)]
struct Ink {
    subpaths: Vec<Vec<(f32, f32)>>,
    colour: Colour,
}

impl Ink {
    /// Points a path may hold (a hostile page could draw millions).
    const MAX_POINTS: usize = 100_000;

    fn points(&self) -> usize {
        self.subpaths.iter().map(Vec::len).sum()
    }

    fn move_to(&mut self, p: (f32, f32)) {
        if self.points() < Self::MAX_POINTS {
            self.subpaths.push(vec![p]);
        }
    }

    fn line_to(&mut self, p: (f32, f32)) {
        match self.subpaths.last_mut() {
            Some(s) if s.len() < Self::MAX_POINTS => s.push(p),
            Some(_) => {}
            None => self.subpaths.push(vec![p]),
        }
    }

    /// A curve is no ruling line: the path goes on from its end point.
    fn curve_to(&mut self, p: (f32, f32)) {
        self.move_to(p);
    }

    fn close(&mut self) {
        if let Some(s) = self.subpaths.last_mut()
            && let Some(&first) = s.first()
        {
            s.push(first);
        }
    }

    fn rect(&mut self, p: [(f32, f32); 4]) {
        if self.points() < Self::MAX_POINTS {
            self.subpaths.push(vec![p[0], p[1], p[2], p[3], p[0]]);
        }
    }

    fn clear(&mut self) {
        self.subpaths.clear();
    }

    fn paint(&mut self, stroke: bool, fill: bool, out: &mut Vec<Seg>) {
        let stroke = stroke && !self.colour.stroke_white;
        let fill = fill && !self.colour.fill_white;
        let mut push = |s: Seg| {
            let s = Seg { x0: s.x0.min(s.x1), y0: s.y0.min(s.y1), x1: s.x0.max(s.x1), y1: s.y0.max(s.y1) };
            if (s.horizontal() || s.vertical()) && out.len() < 20_000 {
                out.push(s);
            }
        };
        for sp in self.subpaths.drain(..) {
            if stroke {
                for w in sp.windows(2) {
                    push(Seg { x0: w[0].0, y0: w[0].1, x1: w[1].0, y1: w[1].1 });
                }
            } else if fill && sp.len() >= 3 {
                let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
                for &(x, y) in &sp {
                    (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
                }
                if y1 - y0 < 2.5 && x1 - x0 >= y1 - y0 {
                    let ym = (y0 + y1) / 2.0;
                    push(Seg { x0, y0: ym, x1, y1: ym });
                } else if x1 - x0 < 2.5 {
                    let xm = (x0 + x1) / 2.0;
                    push(Seg { x0: xm, y0, x1: xm, y1 });
                }
            }
        }
    }
}

fn read_page(doc: &lopdf::Document, page_id: ObjectId, fonts: &mut FontCache, stats: &mut Stats) -> Page {
    let mut page = Page::default();
    let Ok(content) = doc.get_page_content_with_limit(page_id, MAX_CONTENT) else { return page };
    let resources = page_resources(doc, page_id);
    run_content(doc, &content, &resources, M::ID, fonts, stats, &mut page, 0);
    normalise_direction(&mut page);
    drop_overprints(&mut page.glyphs);
    page
}

/// Drops a glyph drawn again over itself: simulated bold draws the same text twice, a fraction
/// of a point apart («一一、、总总体体» otherwise).
fn drop_overprints(glyphs: &mut Vec<Glyph>) {
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

/// The page's resources merged from the page and its ancestors (inherited attributes).
fn page_resources(doc: &lopdf::Document, page_id: ObjectId) -> Dictionary {
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

#[allow(clippy::too_many_arguments)]
fn run_content(
    doc: &lopdf::Document,
    content: &[u8],
    resources: &Dictionary,
    base: M,
    fonts: &mut FontCache,
    stats: &mut Stats,
    page: &mut Page,
    depth: usize,
) {
    let Ok(ops) = lopdf::content::Content::decode(content) else { return };
    let font_dict = dict_get(doc, resources, b"Font").and_then(|o| o.as_dict().ok());
    let xobjects = dict_get(doc, resources, b"XObject").and_then(|o| o.as_dict().ok());
    let mut ctm = base;
    let mut stack: Vec<M> = Vec::new();
    let mut tm = M::ID;
    let mut tlm = M::ID;
    let mut ts = TextState { tc: 0.0, tw: 0.0, th: 1.0, tl: 0.0, rise: 0.0, size: 0.0 };
    let mut ts_stack: Vec<TextState> = Vec::new();
    let mut font: Option<Font> = None;
    let mut ink = Ink::default();
    let mut colours: Vec<Colour> = Vec::new();
    let f = |o: &Object| num(o).unwrap_or(0.0);
    for op in &ops.operations {
        let a = &op.operands;
        let arg = |i: usize| a.get(i).map(f).unwrap_or(0.0);
        match op.operator.as_str() {
            "q" if stack.len() < 256 => {
                stack.push(ctm);
                ts_stack.push(ts);
                colours.push(ink.colour);
            }
            "Q" => {
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
            "cm" if a.len() == 6 => ctm = M([arg(0), arg(1), arg(2), arg(3), arg(4), arg(5)]).mul(ctm),
            "BT" => {
                tm = M::ID;
                tlm = M::ID;
            }
            "Tf" => {
                ts.size = arg(1);
                let name = a.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
                font = font_dict.and_then(|fd| fd.get(name).ok()).and_then(|o| {
                    let id = o.as_reference().ok();
                    let d = deref(doc, o).as_dict().ok()?;
                    Some(match id {
                        Some(id) => fonts.by_id.entry(id).or_insert_with(|| load_font(doc, d)).clone(),
                        None => load_font(doc, d),
                    })
                });
            }
            "Tc" => ts.tc = arg(0),
            "Tw" => ts.tw = arg(0),
            "Tz" => ts.th = arg(0) / 100.0,
            "TL" => ts.tl = arg(0),
            "Ts" => ts.rise = arg(0),
            "Td" => {
                tlm = M::translate(arg(0), arg(1)).mul(tlm);
                tm = tlm;
            }
            "TD" => {
                ts.tl = -arg(1);
                tlm = M::translate(arg(0), arg(1)).mul(tlm);
                tm = tlm;
            }
            "Tm" if a.len() == 6 => {
                tlm = M([arg(0), arg(1), arg(2), arg(3), arg(4), arg(5)]);
                tm = tlm;
            }
            "T*" => {
                tlm = M::translate(0.0, -ts.tl).mul(tlm);
                tm = tlm;
            }
            "Tj" | "'" | "\"" | "TJ" => {
                if op.operator == "'" || op.operator == "\"" {
                    if op.operator == "\"" {
                        ts.tw = arg(0);
                        ts.tc = arg(1);
                    }
                    tlm = M::translate(0.0, -ts.tl).mul(tlm);
                    tm = tlm;
                }
                let Some(fnt) = &font else { continue };
                let items: Vec<&Object> = match op.operator.as_str() {
                    "TJ" => a.first().and_then(|o| o.as_array().ok()).map(|v| v.iter().collect()).unwrap_or_default(),
                    _ => a.last().into_iter().collect(),
                };
                for item in items {
                    match item {
                        Object::String(bytes, _) => {
                            for (code, len) in fnt.codes(bytes) {
                                let w0 = fnt.width(code);
                                let trm = M([ts.size * ts.th, 0.0, 0.0, ts.size, 0.0, ts.rise]).mul(tm).mul(ctm);
                                let (x, y) = trm.apply(0.0, 0.0);
                                let (x2, y2) = trm.apply(w0, 0.0);
                                let (_, ytop) = trm.apply(0.0, 1.0);
                                let size = ((ytop - y).powi(2) + (trm.0[2]).powi(2)).sqrt().max(0.1);
                                let text = fnt.text(code, len);
                                let is_space = text.as_deref() == Some(" ");
                                if let Some(t) = text {
                                    if !t.trim().is_empty() {
                                        stats.glyphs += 1;
                                        let (dx, dy) = (x2 - x, y2 - y);
                                        let dir = if dy.abs() > dx.abs() { if dy > 0.0 { 1 } else { -1 } } else { 0 };
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
                                    stats.glyphs += 1;
                                    stats.unmapped += 1;
                                }
                                let spacing = if len == 1 && code == 32 || is_space { ts.tw } else { 0.0 };
                                let tx = (w0 * ts.size + ts.tc + spacing) * ts.th;
                                tm = M::translate(tx, 0.0).mul(tm);
                            }
                        }
                        o => {
                            if let Some(n) = num(o) {
                                tm = M::translate(-n / 1000.0 * ts.size * ts.th, 0.0).mul(tm);
                            }
                        }
                    }
                }
            }
            // Paths: only straight ruling lines matter ([`Ink`]).
            "m" => ink.move_to(ctm.apply(arg(0), arg(1))),
            "l" => ink.line_to(ctm.apply(arg(0), arg(1))),
            "c" | "v" | "y" => ink.curve_to(ctm.apply(arg(a.len().saturating_sub(2)), arg(a.len().saturating_sub(1)))),
            "h" => ink.close(),
            "re" => {
                let (x, y, w, h) = (arg(0), arg(1), arg(2), arg(3));
                ink.rect([ctm.apply(x, y), ctm.apply(x + w, y), ctm.apply(x + w, y + h), ctm.apply(x, y + h)]);
            }
            "S" | "s" => ink.paint(true, false, &mut page.segs),
            "f" | "F" | "f*" => ink.paint(false, true, &mut page.segs),
            "B" | "B*" | "b" | "b*" => ink.paint(true, true, &mut page.segs),
            "n" => ink.clear(),
            "g" | "rg" | "k" | "sc" | "scn" => ink.colour.fill_white = is_white(a, op.operator == "k"),
            "G" | "RG" | "K" | "SC" | "SCN" => ink.colour.stroke_white = is_white(a, op.operator == "K"),
            "cs" => ink.colour.fill_white = false,
            "CS" => ink.colour.stroke_white = false,
            "Do" if depth < MAX_FORM_DEPTH => {
                let name = a.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
                let Some(xo) = xobjects.and_then(|x| dict_get(doc, x, name)).and_then(|o| o.as_stream().ok()) else {
                    continue;
                };
                if xo.dict.get(b"Subtype").and_then(|o| o.as_name()).ok() != Some(b"Form".as_slice()) {
                    continue;
                }
                let matrix = dict_get(doc, &xo.dict, b"Matrix")
                    .and_then(|o| o.as_array().ok())
                    .filter(|m| m.len() == 6)
                    .map(|m| M([f(&m[0]), f(&m[1]), f(&m[2]), f(&m[3]), f(&m[4]), f(&m[5])]))
                    .unwrap_or(M::ID);
                let res = dict_get(doc, &xo.dict, b"Resources")
                    .and_then(|o| o.as_dict().ok())
                    .cloned()
                    .unwrap_or_else(|| resources.clone());
                if let Ok(data) = xo.get_plain_content_with_limit(MAX_CONTENT) {
                    run_content(doc, &data, &res, matrix.mul(ctm), fonts, stats, page, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// Pages whose text runs top to bottom (a landscape table drawn rotated on a portrait page)
/// are turned so that it runs left to right. Glyphs marked rotated (`w == 0`) decide.
fn normalise_direction(page: &mut Page) {
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

// ---------------------------------------------------------------------------------------------
// Layout: tables from rulings, lines and paragraphs from the rest
// ---------------------------------------------------------------------------------------------

/// Merges coordinates closer than `tol` into one (sorted ascending).
fn cluster(mut v: Vec<f32>, tol: f32) -> Vec<f32> {
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
struct Grid {
    xs: Vec<f32>,
    /// Descending (top first).
    ys: Vec<f32>,
    /// Region index of each slot (row-major), for merged cells.
    region: Vec<usize>,
    bbox: (f32, f32, f32, f32),
}

impl Grid {
    fn cols(&self) -> usize {
        self.xs.len() - 1
    }
    fn rows(&self) -> usize {
        self.ys.len() - 1
    }
    fn slot_at(&self, x: f32, y: f32) -> Option<usize> {
        let c = self.xs.windows(2).position(|w| x >= w[0] && x < w[1])?;
        let r = self.ys.windows(2).position(|w| y <= w[0] && y > w[1])?;
        Some(r * self.cols() + c)
    }
}

/// Groups ruling lines that touch into tables and resolves each one's cells.
fn grids(segs: &[Seg]) -> Vec<Grid> {
    const TOL: f32 = 2.0;
    let n = segs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let touch = |a: &Seg, b: &Seg| a.x0 - TOL <= b.x1 && b.x0 - TOL <= a.x1 && a.y0 - TOL <= b.y1 && b.y0 - TOL <= a.y1;
    // Sweep by x to keep this near-linear on pages with many lines.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| segs[a].x0.total_cmp(&segs[b].x0));
    for (k, &i) in order.iter().enumerate() {
        for &j in &order[k + 1..] {
            if segs[j].x0 - TOL > segs[i].x1 {
                break;
            }
            if touch(&segs[i], &segs[j]) {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                if ri != rj {
                    parent[ri] = rj;
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<Seg>> = BTreeMap::new();
    for (i, seg) in segs.iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(*seg);
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
        let covered_v = |x: f32, ya: f32, yb: f32| {
            // Is there a vertical line at x covering most of (yb, ya)?
            let mid = (ya + yb) / 2.0;
            vs.iter().any(|s| {
                (s.x0 - x).abs() <= TOL
                    && s.y0 <= mid + 0.5
                    && s.y1 >= mid - 0.5
                    && s.y0 <= ya.min(yb) + (ya - yb).abs() * 0.4
                    && s.y1 >= ya.max(yb) - (ya - yb).abs() * 0.4
            })
        };
        let covered_h = |y: f32, xa: f32, xb: f32| {
            let mid = (xa + xb) / 2.0;
            hs.iter().any(|s| {
                (s.y0 - y).abs() <= TOL
                    && s.x0 <= mid + 0.5
                    && s.x1 >= mid - 0.5
                    && s.x0 <= xa + (xb - xa) * 0.4
                    && s.x1 >= xb - (xb - xa) * 0.4
            })
        };
        let mut p: Vec<usize> = (0..rows * cols).collect();
        for r in 0..rows {
            for c in 0..cols {
                let i = r * cols + c;
                if c + 1 < cols && !covered_v(xs[c + 1], ys[r], ys[r + 1]) {
                    let (a, b) = (root(&mut p, i), root(&mut p, i + 1));
                    p[a] = b;
                }
                if r + 1 < rows && !covered_h(ys[r + 1], xs[c], xs[c + 1]) {
                    let (a, b) = (root(&mut p, i), root(&mut p, i + cols));
                    p[a] = b;
                }
            }
        }
        let region: Vec<usize> = (0..rows * cols).map(|i| root(&mut p, i)).collect();
        let bbox = (xs[0], ys[rows], xs[cols], ys[0]);
        out.push(Grid { xs, ys, region, bbox });
    }
    out
}

/// Text of glyphs in reading order: lines top to bottom, left to right in a line; a space
/// where a gap between two Latin letters or digits shows one.
fn join_glyphs(mut gs: Vec<&Glyph>) -> String {
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
struct Line {
    text: String,
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    /// Columns split at wide gaps: start and end x, text, and their own baseline (a line
    /// gathers glyphs whose baselines differ by up to half a character: a table's columns set
    /// vertically centred are a point or two apart).
    chunks: Vec<(f32, f32, String, f32)>,
}

fn lines_of(glyphs: Vec<&Glyph>) -> Vec<Line> {
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
enum Item {
    Table(f32, Table),
    Line(Line),
}

/// A page's tables (from ruling lines) and the text lines outside them, top to bottom.
fn page_items(page: Page) -> Vec<Item> {
    let grids = grids(&page.segs);
    // Glyphs by the grid slot they sit in.
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
        let regions: std::collections::BTreeSet<usize> = grid.region.iter().copied().collect();
        if regions.len() < 2 {
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
    items
}

fn grid_table(grid: &Grid, texts: &HashMap<usize, Vec<&Glyph>>) -> Table {
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
    for r in 0..grid.rows() {
        for c in 0..cols {
            let reg = grid.region[r * cols + c];
            if !seen.insert(reg) {
                continue;
            }
            let (r0, r1, c0, c1) = extent.get(&reg).copied().unwrap_or((r, r, c, c));
            let text = texts.get(&reg).map(|g| join_glyphs(g.clone())).unwrap_or_default();
            rows[r].push(Cell::spanning(clean_text(&text), r1 - r0 + 1, c1 - c0 + 1));
        }
    }
    Table { rows }
}

// ---------------------------------------------------------------------------------------------
// Page furniture: running headers and footers, page numbers
// ---------------------------------------------------------------------------------------------

/// A page-number line: 「— 4 —」, 「- 4 -」, 「4」, 「第 4 页」, 「第4页 共9页」, 「4/9」, 「Page 4」.
fn is_page_number(text: &str) -> bool {
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
fn furniture_key(l: &Line) -> (String, i32) {
    let text: String =
        l.text.chars().filter(|c| !c.is_whitespace()).map(|c| if c.is_ascii_digit() { '#' } else { c }).collect();
    (text, (l.y / 3.0).round() as i32)
}

/// Drops running headers, footers and page numbers: at most the first and last two lines of a
/// page, when they are a page number, or when the same line (digits aside) stands at the same
/// height on two or more pages. A title that the running header repeats stays: it is not at
/// the header's height.
fn drop_furniture(pages: &mut [Vec<Item>]) {
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
fn document_blocks(mut pages: Vec<Vec<Item>>) -> Vec<Block> {
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
struct Margins {
    left: f32,
    right: f32,
}

impl Margins {
    fn of(pages: &[Vec<Item>]) -> Margins {
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
struct Flow {
    margins: Margins,
    blocks: Vec<Block>,
    para: String,
    /// The last line of the open paragraph, and whether a page break or a table came since.
    prev: Option<(LineShape, bool)>,
    /// Tables met inside the open paragraph: they follow it.
    pending: Vec<Table>,
}

/// What paragraph breaking needs of a line.
#[derive(Clone)]
struct LineShape {
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    text: String,
}

impl Flow {
    fn page_break(&mut self) {
        if let Some(p) = &mut self.prev {
            p.1 = true;
        }
    }

    fn flush(&mut self) {
        let t = clean_text(&self.para);
        self.para.clear();
        if !t.is_empty() {
            self.blocks.push(Block::Para(t));
        }
        self.blocks.extend(self.pending.drain(..).map(Block::Table));
    }

    /// Whether the open paragraph's last line runs to the right margin (so the paragraph goes
    /// on after whatever interrupts it).
    fn open(&self) -> bool {
        self.prev.as_ref().is_some_and(|(p, _)| {
            p.x1 >= self.margins.right - p.size * 2.5 && !p.text.trim_end().ends_with(['。', '：', ':', '！', '？'])
        })
    }

    fn table(&mut self, t: Table) {
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

    fn line(&mut self, l: &Line) {
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

    fn finish(mut self) -> Vec<Block> {
        self.flush();
        self.blocks
    }
}

/// A line with numbers in columns: a value right of a wide gap, or two or more values, or a
/// label and values in three or more columns. A line of prose ending in a number is none.
fn is_tabular(l: &Line) -> bool {
    let value = |t: &str| !t.trim().is_empty() && super::recognize::is_value_like(t);
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
fn is_prose(l: &Line) -> bool {
    !is_tabular(l) && (l.text.contains('。') || l.chunks.iter().any(|c| c.2.chars().count() > 16))
}

/// Consecutive text lines: regions of tabular lines become tables, the rest goes to the flow.
fn text_run(lines: &[&Line], flow: &mut Flow) {
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
        if j > i && tabular >= 1 {
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
        } else {
            flow.line(lines[i]);
            i += 1;
        }
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
fn borderless<'a>(region: &[&'a Line]) -> ((Table, f32), Vec<&'a Line>) {
    let value = |t: &str| !t.trim().is_empty() && super::recognize::is_value_like(t);
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
                let mut cells: Vec<Cell> = r.labels.iter().map(|l| Cell::new(l.1.clone())).collect();
                let cols: Vec<Option<usize>> =
                    r.values.iter().map(|v| centres.iter().position(|c| (c - v.1).abs() <= size * 1.2)).collect();
                let lo = cols.iter().flatten().min().copied().unwrap_or(0);
                let hi = cols.iter().flatten().max().copied().unwrap_or(0);
                if !r.values.is_empty() {
                    let mut slots = vec![String::new(); hi + 1 - lo];
                    for (v, c) in r.values.iter().zip(&cols) {
                        if let Some(c) = c {
                            slots[c - lo] = clean_text(&v.0);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmaps_map_codes_ranges_and_arrays() {
        let cmap = b"/CIDInit /ProcSet findresource begin\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
            2 beginbfchar <0003> <0020> <0010> <4E00> endbfchar\n\
            1 beginbfrange <0020> <0022> <0030> endbfrange\n\
            1 beginbfrange <0040> <0041> [<5E74> <6708>] endbfrange\nendcmap";
        let (m, one) = parse_cmap(cmap);
        assert!(!one);
        assert_eq!(m.get(&0x10).map(String::as_str), Some("一"));
        assert_eq!(m.get(&0x22).map(String::as_str), Some("2"));
        assert_eq!(m.get(&0x41).map(String::as_str), Some("月"));
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
        let g = grids(&segs);
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
        let blocks = document_blocks(vec![page_items(page)]);
        let Block::Table(t) = &blocks[0] else { panic!("{blocks:?}") };
        assert_eq!(t.rows[1][0], Cell::spanning("丙丁", 2, 1));
        assert_eq!(t.rows[2], vec![Cell::new("1")]);
    }
}
