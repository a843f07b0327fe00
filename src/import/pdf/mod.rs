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

mod content;
mod touch;

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use lopdf::{Dictionary, Object, ObjectId};

use self::content::{Lexer, Operand};
use super::doc::{Block, Cell, Document, Table, clean_text};
use super::limits::{Budget, Cap};
use super::{Damage, ImportError};

/// Form XObjects nested deeper than this are not followed (their total is bounded apart, by
/// [`Cap::Forms`]).
const MAX_FORM_DEPTH: usize = 6;
/// What one glyph's code may stand for at most (a ligature is a few characters; a hostile map
/// could make one code a megabyte of text, copied at every glyph).
const MAX_GLYPH_UNITS: usize = 32;
/// Path segments kept before the path is painted.
const MAX_PATH: usize = 20_000;
/// Cells of a row of a table drawn without borders (table 四 has 15 columns).
const MAX_LABELS: usize = super::doc::MAX_COLUMNS;

/// Reads a PDF's text layer within the budget.
pub fn read(bytes: &[u8], budget: &mut Budget) -> Result<Document, ImportError> {
    // Each object stream is inflated at most to what the budget allows a document's content.
    let options =
        lopdf::LoadOptions { max_decompressed_size: Some(budget.left(Cap::Content) as usize), ..Default::default() };
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword | lopdf::Error::UnsupportedSecurityHandler(_) => {
            ImportError::Encrypted
        }
        _ if super::find(bytes, b"/Encrypt").is_some() => ImportError::Encrypted,
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            ImportError::TooComplex(Cap::Content)
        }
        other => ImportError::broken(Damage::Pdf, other),
    })?;
    // Opened without its password, the text stays encrypted: refuse rather than read noise.
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(ImportError::Encrypted);
    }
    let pages = doc.get_pages();
    budget.spend(Cap::Pages, pages.len() as u64)?;
    let mut out = Document { title: info_title(&doc), ..Document::default() };
    let mut reader =
        Reader { doc: &doc, budget, fonts: HashMap::new(), forms: HashMap::new(), stats: Stats::default() };
    for (_, page_id) in pages {
        reader.budget.new_page();
        let page = reader.page(page_id)?;
        out.blocks.extend(layout_page(page, reader.budget)?);
    }
    let stats = reader.stats;
    if stats.glyphs < 20 {
        return Err(ImportError::Scanned);
    }
    let share = (stats.unmapped * 100 / stats.glyphs.max(1)) as u32;
    if share > 30 {
        return Err(ImportError::NoTextMapping { share });
    }
    out.removed_controls = stats.controls;
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
    /// Glyphs that stand for control characters (removed, and said).
    controls: usize,
}

// ---------------------------------------------------------------------------------------------
// Fonts
// ---------------------------------------------------------------------------------------------

/// Codes to text, as a CMap gives them: single codes, and ranges kept as ranges (a range of
/// 65,536 codes is one entry, not 65,536).
#[derive(Debug, Clone, Default)]
struct CodeMap {
    singles: HashMap<u32, String>,
    /// `(first, last, text of first)`: each later code adds one to the last UTF-16 unit.
    ranges: Vec<(u32, u32, Vec<u16>)>,
}

impl CodeMap {
    fn get(&self, code: u32) -> Option<String> {
        if let Some(t) = self.singles.get(&code) {
            return Some(t.clone());
        }
        let i = self.ranges.partition_point(|r| r.0 <= code).checked_sub(1)?;
        let (first, last, units) = &self.ranges[i];
        if code > *last {
            return None;
        }
        let mut units = units.clone();
        if let Some(u) = units.last_mut() {
            *u = u.wrapping_add((code - first) as u16);
        }
        Some(String::from_utf16_lossy(&units))
    }
}

/// Glyph widths: single codes and ranges, as the font's `W` array gives them.
#[derive(Debug, Clone, Default)]
struct Widths {
    singles: HashMap<u32, f32>,
    ranges: Vec<(u32, u32, f32)>,
}

impl Widths {
    fn get(&self, code: u32) -> Option<f32> {
        if let Some(w) = self.singles.get(&code) {
            return Some(*w);
        }
        let i = self.ranges.partition_point(|r| r.0 <= code).checked_sub(1)?;
        let (_, last, w) = self.ranges[i];
        (code <= last).then_some(w)
    }
}

/// How a font's codes are cut and turned into text.
#[derive(Debug, Clone, Default)]
struct Font {
    /// Code lengths by first byte: `None` = one byte for all (simple fonts).
    two_byte: TwoByte,
    to_unicode: CodeMap,
    /// Code → Unicode from the encoding, when there is no ToUnicode entry.
    encoding: HashMap<u32, String>,
    /// The CMap itself is Unicode (UniGB-UCS2-H, UniGB-UTF16-H) or GBK.
    cmap_text: CmapText,
    widths: Widths,
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
    /// The codes of a string, each with its length in bytes.
    fn codes<'b>(&self, bytes: &'b [u8]) -> impl Iterator<Item = (u32, usize)> + 'b {
        let two_byte = self.two_byte;
        let mut i = 0;
        std::iter::from_fn(move || {
            let first = *bytes.get(i)?;
            let two = match two_byte {
                TwoByte::Never => false,
                TwoByte::Always => true,
                TwoByte::LeadByte => (0x81..=0xFE).contains(&first),
            };
            Some(match bytes.get(i + 1) {
                Some(&second) if two => {
                    i += 2;
                    ((u32::from(first) << 8) | u32::from(second), 2)
                }
                _ => {
                    i += 1;
                    (u32::from(first), 1)
                }
            })
        })
    }

    fn text(&self, code: u32, len: usize) -> Option<String> {
        if let Some(t) = self.to_unicode.get(code) {
            return Some(t);
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
        self.widths.get(code).unwrap_or(self.default_width) * self.scale
    }
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

/// A stream's decoded bytes, within what is left of the budget's [`Cap::Content`] (which they
/// are then charged to).
fn decoded(s: &lopdf::Stream, budget: &mut Budget) -> Result<Option<Vec<u8>>, ImportError> {
    let left = budget.left(Cap::Content) as usize;
    match s.get_plain_content_with_limit(left) {
        Ok(data) => {
            budget.spend(Cap::Content, data.len() as u64)?;
            Ok(Some(data))
        }
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            Err(ImportError::TooComplex(Cap::Content))
        }
        // A stream that cannot be decoded is left out, as a viewer would.
        Err(_) => Ok(None),
    }
}

fn load_font(doc: &lopdf::Document, d: &Dictionary, budget: &mut Budget) -> Result<Font, ImportError> {
    let subtype = dict_get(doc, d, b"Subtype").and_then(|o| o.as_name().ok()).unwrap_or(b"");
    let mut f = Font { default_width: 1000.0, scale: 0.001, ..Font::default() };
    if let Some(tu) = dict_get(doc, d, b"ToUnicode").and_then(|o| o.as_stream().ok())
        && let Some(data) = decoded(tu, budget)?
    {
        f.to_unicode = parse_cmap(&data, budget)?.0;
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
                if let Some(data) = decoded(s, budget)? {
                    let (_, one_byte) = parse_cmap(&data, budget)?;
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
                f.widths = cid_widths(doc, w, budget)?;
            }
        }
        return Ok(f);
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
        budget.spend(Cap::FontEntries, ws.len() as u64)?;
        for (i, w) in ws.iter().enumerate() {
            if let Some(w) = num(deref(doc, w)) {
                f.widths.singles.insert(first.saturating_add(i as u32), w);
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
                budget.spend(Cap::FontEntries, diff.len() as u64)?;
                let mut code = 0u32;
                for item in diff {
                    match deref(doc, item) {
                        Object::Integer(i) => code = (*i).clamp(0, 255) as u32,
                        Object::Name(n) => {
                            if let Some(t) = glyph_name_text(n) {
                                f.encoding.insert(code, t);
                            }
                            code = code.saturating_add(1);
                        }
                        _ => {}
                    }
                }
            }
            latin_base(&mut f.encoding);
        }
        _ => latin_base(&mut f.encoding),
    }
    Ok(f)
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

fn cid_widths(doc: &lopdf::Document, w: &[Object], budget: &mut Budget) -> Result<Widths, ImportError> {
    let mut out = Widths::default();
    let mut i = 0;
    while i < w.len() {
        let Some(first) = num(deref(doc, &w[i])) else { break };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                budget.spend(Cap::FontEntries, list.len() as u64)?;
                for (k, v) in list.iter().enumerate() {
                    if let Some(v) = num(deref(doc, v)) {
                        out.singles.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Some(last), Some(v)) = (num(o), w.get(i + 2).and_then(|x| num(deref(doc, x)))) else { break };
                budget.spend(Cap::FontEntries, 1)?;
                out.ranges.push((first, last.max(0.0) as u32, v));
                i += 3;
            }
            None => break,
        }
    }
    out.ranges.sort_by_key(|r| r.0);
    Ok(out)
}

/// Parses a CMap: `bfchar`/`bfrange` mappings to Unicode, and whether the code space is one
/// byte wide. Every mapping is charged to [`Cap::FontEntries`]; a range stays one entry.
fn parse_cmap(data: &[u8], budget: &mut Budget) -> Result<(CodeMap, bool), ImportError> {
    let text = String::from_utf8_lossy(data);
    let tokens = cmap_tokens(&text);
    let mut map = CodeMap::default();
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
                    budget.spend(Cap::FontEntries, 1)?;
                    if let (Some(code), Some(dst)) = (hex_code(&tokens[i]), hex_text(&tokens[i + 1])) {
                        map.singles.insert(code, dst);
                    }
                    i += 2;
                }
            }
            "beginbfrange" => {
                i += 1;
                while i + 2 < tokens.len() && tokens[i] != "endbfrange" {
                    budget.spend(Cap::FontEntries, 1)?;
                    let (lo, hi) = (hex_code(&tokens[i]), hex_code(&tokens[i + 1]));
                    if tokens[i + 2] == "[" {
                        // An array of destinations.
                        let mut j = i + 3;
                        let mut code = lo.unwrap_or(0);
                        while j < tokens.len() && tokens[j] != "]" {
                            budget.spend(Cap::FontEntries, 1)?;
                            if let Some(t) = hex_text(&tokens[j]) {
                                map.singles.insert(code, t);
                            }
                            code = code.saturating_add(1);
                            j += 1;
                        }
                        i = j + 1;
                        continue;
                    }
                    if let (Some(lo), Some(hi), Some(dst)) = (lo, hi, hex_units(&tokens[i + 2]))
                        && lo <= hi
                    {
                        map.ranges.push((lo, hi, dst));
                    }
                    i += 3;
                }
            }
            _ => {}
        }
        i += 1;
    }
    map.ranges.sort_by_key(|r| r.0);
    Ok((map, one_byte))
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
        .take(MAX_GLYPH_UNITS)
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

/// The reading of one document: its fonts and forms read once each, and the budget.
struct Reader<'d, 'b> {
    doc: &'d lopdf::Document,
    budget: &'b mut Budget,
    /// Fonts by object, or (a font written into the resources) by where its dictionary is.
    fonts: HashMap<FontKey, Rc<Font>>,
    /// Form XObjects' decoded content by object.
    forms: HashMap<ObjectId, Rc<Vec<u8>>>,
    stats: Stats,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum FontKey {
    Object(ObjectId),
    Inline(usize),
}

/// What `run_content` is drawing with: its resources and the matrix of the form it is in.
struct Scope<'d> {
    fonts: Option<&'d Dictionary>,
    xobjects: Option<&'d Dictionary>,
    resources: &'d Dictionary,
    base: M,
    depth: usize,
}

impl<'d> Reader<'d, '_> {
    fn page(&mut self, page_id: ObjectId) -> Result<Page, ImportError> {
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
        Ok(page)
    }

    fn scope<'r>(&self, resources: &'r Dictionary, base: M, depth: usize) -> Scope<'r>
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
    fn font(&mut self, fonts: Option<&Dictionary>, name: &[u8]) -> Result<Option<Rc<Font>>, ImportError> {
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
    fn form(&mut self, id: Option<ObjectId>, stream: &lopdf::Stream) -> Result<Option<Rc<Vec<u8>>>, ImportError> {
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

    fn run_content(&mut self, content: &[u8], scope: &Scope<'_>, page: &mut Page) -> Result<(), ImportError> {
        let doc = self.doc;
        let mut ctm = scope.base;
        let mut stack: Vec<M> = Vec::new();
        let mut tm = M::ID;
        let mut tlm = M::ID;
        let mut ts = TextState { tc: 0.0, tw: 0.0, th: 1.0, tl: 0.0, rise: 0.0, size: 0.0 };
        let mut ts_stack: Vec<TextState> = Vec::new();
        let mut font: Option<Rc<Font>> = None;
        let mut path: Vec<Seg> = Vec::new();
        let mut cur = (0.0f32, 0.0f32);
        let mut start = (0.0f32, 0.0f32);
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
                }
                b"Q" => {
                    if let Some(m) = stack.pop() {
                        ctm = m;
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
                // Paths: only straight ruling lines matter.
                b"m" => {
                    cur = ctm.apply(arg(0), arg(1));
                    start = cur;
                }
                b"l" => {
                    let p = ctm.apply(arg(0), arg(1));
                    if path.len() < MAX_PATH {
                        path.push(Seg { x0: cur.0, y0: cur.1, x1: p.0, y1: p.1 });
                    }
                    cur = p;
                }
                b"h" => {
                    if path.len() < MAX_PATH {
                        path.push(Seg { x0: cur.0, y0: cur.1, x1: start.0, y1: start.1 });
                    }
                    cur = start;
                }
                b"re" => {
                    let (x, y, w, h) = (arg(0), arg(1), arg(2), arg(3));
                    let p = [ctm.apply(x, y), ctm.apply(x + w, y), ctm.apply(x + w, y + h), ctm.apply(x, y + h)];
                    let (xs, ys) = (p.iter().map(|q| q.0), p.iter().map(|q| q.1));
                    let (minx, maxx) = (xs.clone().fold(f32::MAX, f32::min), xs.fold(f32::MIN, f32::max));
                    let (miny, maxy) = (ys.clone().fold(f32::MAX, f32::min), ys.fold(f32::MIN, f32::max));
                    if path.len() + 4 <= MAX_PATH {
                        if maxy - miny < 2.5 {
                            // A thin filled bar is a horizontal rule (Chromium draws borders so).
                            let ym = (miny + maxy) / 2.0;
                            path.push(Seg { x0: minx, y0: ym, x1: maxx, y1: ym });
                        } else if maxx - minx < 2.5 {
                            let xm = (minx + maxx) / 2.0;
                            path.push(Seg { x0: xm, y0: miny, x1: xm, y1: maxy });
                        } else {
                            path.push(Seg { x0: minx, y0: miny, x1: maxx, y1: miny });
                            path.push(Seg { x0: maxx, y0: miny, x1: maxx, y1: maxy });
                            path.push(Seg { x0: minx, y0: maxy, x1: maxx, y1: maxy });
                            path.push(Seg { x0: minx, y0: miny, x1: minx, y1: maxy });
                        }
                    }
                    cur = ctm.apply(x, y);
                    start = cur;
                }
                b"S" | b"s" | b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" => {
                    for s in path.drain(..) {
                        let s = Seg { x0: s.x0.min(s.x1), y0: s.y0.min(s.y1), x1: s.x0.max(s.x1), y1: s.y0.max(s.y1) };
                        if s.horizontal() || s.vertical() {
                            self.budget.spend(Cap::PageLines, 1)?;
                            page.segs.push(s);
                        }
                    }
                }
                b"n" => path.clear(),
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
fn covered_slots(cuts: &[f32], lines: impl Iterator<Item = (f32, f32)>) -> Vec<bool> {
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
fn partition_point(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if pred(mid) { lo = mid + 1 } else { hi = mid }
    }
    lo
}

/// Groups ruling lines that touch into tables and resolves each one's cells.
fn grids(segs: &[Seg], budget: &mut Budget) -> Result<Vec<Grid>, ImportError> {
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
    /// Columns (start x, text) split at wide gaps.
    chunks: Vec<(f32, f32, String)>,
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
                // Columns: a wide gap, or a smaller one next to a number (table columns are
                // narrow; the digits of one number touch).
                let numeric = |t: &str| t.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | ','));
                match chunks.last_mut() {
                    Some((_, end, list))
                        if g.x - *end <= size * 0.9
                            && !(g.x - *end > size * 0.4
                                && (numeric(&g.text) || list.last().is_some_and(|p| numeric(&p.text)))) =>
                    {
                        *end = (*end).max(g.x + g.w);
                        list.push(g);
                    }
                    _ => chunks.push((g.x, g.x + g.w, vec![g])),
                }
            }
            let chunks: Vec<(f32, f32, String)> =
                chunks.into_iter().map(|(s, e, list)| (s, e, join_glyphs(list))).collect();
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

enum Item {
    Table(f32, Table),
    Line(Line),
}

fn layout_page(page: Page, budget: &mut Budget) -> Result<Vec<Block>, ImportError> {
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
    Ok(paragraphs(items))
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

/// Lines to blocks: ruled tables as they are; runs of lines with columns of numbers as tables
/// drawn without borders ([`borderless`]); the rest as paragraphs — a new one at an indented
/// first line, after a line that ends well before the right margin, or after a wider gap.
fn paragraphs(items: Vec<Item>) -> Vec<Block> {
    let lines: Vec<&Line> = items.iter().filter_map(|i| if let Item::Line(l) = i { Some(l) } else { None }).collect();
    let left = lines.iter().map(|l| l.x0).fold(f32::MAX, f32::min);
    let right = lines.iter().map(|l| l.x1).fold(f32::MIN, f32::max);
    let mut blocks: Vec<Block> = Vec::new();
    let mut run: Vec<&Line> = Vec::new();
    for item in &items {
        match item {
            Item::Table(_, t) => {
                text_run(&run, left, right, &mut blocks);
                run.clear();
                blocks.push(Block::Table(t.clone()));
            }
            Item::Line(l) => run.push(l),
        }
    }
    text_run(&run, left, right, &mut blocks);
    blocks
}

fn is_tabular(l: &Line) -> bool {
    let values = l.chunks.iter().filter(|c| super::recognize::is_value_like(&c.2)).count();
    values >= 1
        && l.chunks.len() >= 2
        && super::recognize::is_value_like(&l.chunks[l.chunks.len() - 1].2)
        && (values >= 2 || l.chunks.len() >= 3)
}

fn is_prose(l: &Line) -> bool {
    !is_tabular(l) && (l.text.chars().count() > 16 || l.text.contains('。'))
}

/// Consecutive text lines: regions of tabular lines become tables, the rest paragraphs.
fn text_run(lines: &[&Line], left: f32, right: f32, blocks: &mut Vec<Block>) {
    let mut i = 0;
    let mut prose: Vec<&Line> = Vec::new();
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
            prose.extend_from_slice(&lines[i..end]);
            i = end;
            continue;
        }
        {
            paragraph_lines(&prose, left, right, blocks);
            prose.clear();
            let (table, outside) = borderless(&lines[i..j]);
            let (before, after): (Vec<&Line>, Vec<&Line>) = outside.into_iter().partition(|l| l.y > table.1);
            paragraph_lines(&before, left, right, blocks);
            blocks.push(Block::Table(table.0));
            prose = after;
            i = j;
        }
    }
    paragraph_lines(&prose, left, right, blocks);
}

/// A table drawn without borders: each tabular line is a row; short lines near it (a label
/// wrapped over several lines, the characters of a vertical merged label) join the label cell
/// above or below which they lie; values are put in columns found from all rows, so a blank
/// cell stays a blank in its column. Returns the table with its top y, and the lines that
/// belong to no row.
fn borderless<'a>(region: &[&'a Line]) -> ((Table, f32), Vec<&'a Line>) {
    let tab: Vec<usize> = (0..region.len()).filter(|&k| is_tabular(region[k])).collect();
    let (first, last) = (tab[0], tab[tab.len() - 1]);
    // Rows: label cells (their pieces with position, and x extent) and value chunks.
    struct Label {
        pieces: Vec<(f32, f32, String)>,
        x0: f32,
        x1: f32,
    }
    struct Row {
        y: f32,
        /// Whether the numbers' own line has label text (else every label piece is beside it).
        own: bool,
        labels: Vec<Label>,
        values: Vec<(String, f32)>,
    }
    let mut rows: Vec<Row> = tab
        .iter()
        .map(|&k| {
            let l = region[k];
            let split = l.chunks.iter().rposition(|c| !super::recognize::is_value_like(&c.2)).map_or(0, |p| p + 1);
            Row {
                y: l.y,
                own: split > 0,
                labels: l.chunks[..split]
                    .iter()
                    .take(MAX_LABELS)
                    .map(|c| Label { pieces: vec![(l.y, c.0, c.2.clone())], x0: c.0, x1: c.1 })
                    .collect(),
                values: l.chunks[split..].iter().map(|c| (c.2.clone(), (c.0 + c.1) / 2.0)).collect(),
            }
        })
        .collect();
    let mut outside = Vec::new();
    // Rows by height, for finding the nearest one by binary search.
    let mut by_y: Vec<(f32, usize)> = rows.iter().enumerate().map(|(ri, r)| (r.y, ri)).collect();
    by_y.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let nearest = |y: f32| -> Option<(usize, f32)> {
        let p = by_y.partition_point(|r| r.0 < y);
        [p.checked_sub(1), Some(p)]
            .into_iter()
            .flatten()
            .filter_map(|k| by_y.get(k))
            .map(|&(ry, ri)| (ri, (ry - y).abs()))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
    };
    for (k, l) in region.iter().enumerate() {
        if is_tabular(l) {
            continue;
        }
        let (before, after) = (k < first, k > last);
        let mut used = false;
        for (x0, x1, text) in &l.chunks {
            // The nearest row by height, if close enough.
            let Some((ri, dist)) = nearest(l.y) else {
                continue;
            };
            if dist > l.size.max(6.0) * 2.6 {
                continue;
            }
            let row = &mut rows[ri];
            let first_value = row.values.first().map_or(f32::MAX, |v| v.1);
            let overlap = |a: &Label| (x1.min(a.x1) - x0.max(a.x0)).max(0.0);
            let best =
                (0..row.labels.len()).max_by(|&a, &b| overlap(&row.labels[a]).total_cmp(&overlap(&row.labels[b])));
            let target = match best {
                Some(b) if overlap(&row.labels[b]) > 0.0 => Some(b),
                // Over a value column: a header word (before the rows) or text after the table.
                _ if *x0 >= first_value => {
                    used |= before;
                    None
                }
                // Beside the labels, in a column of its own: a wrapped label with no part on the
                // numbers' line gets a cell; next to labels it is a merged group label's letters.
                // Left of the row's own labels: a merged group label's letters.
                _ if row.own && row.labels.iter().any(|lb| lb.x1 >= *x0) => {
                    used |= !after;
                    None
                }
                // A row never holds more label cells than a table has columns.
                _ if row.labels.len() >= MAX_LABELS => None,
                _ => {
                    row.labels.push(Label { pieces: Vec::new(), x0: *x0, x1: *x1 });
                    Some(row.labels.len() - 1)
                }
            };
            let Some(t) = target else { continue };
            let cell = &mut row.labels[t];
            cell.pieces.push((l.y, *x0, text.clone()));
            cell.x0 = cell.x0.min(*x0);
            cell.x1 = cell.x1.max(*x1);
            used = true;
        }
        if !used && (before || after) {
            outside.push(*l);
        }
    }
    for r in &mut rows {
        r.labels.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        for l in &mut r.labels {
            l.pieces.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.total_cmp(&b.1)));
        }
    }
    // Value columns from all rows.
    let size = region.iter().map(|l| l.size).fold(0.0, f32::max).max(6.0);
    let centres = cluster(rows.iter().flat_map(|r| r.values.iter().map(|v| v.1)).collect(), size * 1.2);
    let table = Table {
        rows: rows
            .iter()
            .map(|r| {
                let mut cells: Vec<Cell> = r
                    .labels
                    .iter()
                    .map(|l| Cell::new(clean_text(&l.pieces.iter().map(|p| p.2.as_str()).collect::<String>())))
                    .collect();
                // The first column centre near each value (centres ascend).
                let column = |x: f32| {
                    let k = centres.partition_point(|&c| c < x - size * 1.2);
                    centres.get(k).filter(|&&c| (c - x).abs() <= size * 1.2).map(|_| k)
                };
                let cols: Vec<Option<usize>> = r.values.iter().map(|v| column(v.1)).collect();
                let lo = cols.iter().flatten().min().copied().unwrap_or(0);
                let hi = cols.iter().flatten().max().copied().unwrap_or(0);
                let mut slots = vec![String::new(); (hi + 1 - lo).min(MAX_LABELS)];
                for (v, c) in r.values.iter().zip(&cols) {
                    if let Some(slot) = c.and_then(|c| slots.get_mut(c - lo)) {
                        *slot = clean_text(&v.0);
                    }
                }
                cells.extend(slots.into_iter().map(Cell::new));
                cells
            })
            .collect(),
    };
    let top = rows.first().map_or(0.0, |r| r.y);
    ((table, top), outside)
}

fn paragraph_lines(lines: &[&Line], left: f32, right: f32, blocks: &mut Vec<Block>) {
    let mut para = String::new();
    let mut prev: Option<&Line> = None;
    let flush = |para: &mut String, blocks: &mut Vec<Block>| {
        let t = clean_text(para);
        para.clear();
        if !t.is_empty() {
            blocks.push(Block::Para(t));
        }
    };
    for l in lines {
        let new_para = match prev {
            None => true,
            Some(p) => {
                let gap = p.y - l.y;
                let indented = l.x0 > left + l.size * 1.2;
                let short_prev = p.x1 < right - p.size * 2.5;
                // A numbered heading after a finished sentence starts anew even when the page
                // sets it flush with the text.
                let f = crate::model::labels::fold(&l.text);
                let numbered = !crate::model::labels::split_enumerator(&f).0.is_empty()
                    && p.text.trim_end().ends_with(['。', '：', ':', '；', '！', '？']);
                indented || short_prev || numbered || gap > p.size * 2.2 || (l.size - p.size).abs() > 1.0
            }
        };
        if new_para {
            flush(&mut para, blocks);
        }
        para.push_str(&l.text.replace('\t', " "));
        para.push(' ');
        prev = Some(l);
    }
    flush(&mut para, blocks);
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
        let (m, one) = parse_cmap(cmap, &mut Budget::new()).unwrap();
        assert!(!one);
        assert_eq!(m.get(0x10).as_deref(), Some("一"));
        assert_eq!(m.get(0x22).as_deref(), Some("2"));
        assert_eq!(m.get(0x41).as_deref(), Some("月"));
        assert_eq!(m.get(0x23), None);
    }

    #[test]
    fn glyph_names_give_text() {
        assert_eq!(glyph_name_text(b"uni4E00").as_deref(), Some("一"));
        assert_eq!(glyph_name_text(b"seven").as_deref(), Some("7"));
        assert_eq!(glyph_name_text(b"g123"), None);
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
        let g = grids(&segs, &mut Budget::new()).unwrap();
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
        let blocks = layout_page(page, &mut Budget::new()).unwrap();
        let Block::Table(t) = &blocks[0] else { panic!("{blocks:?}") };
        assert_eq!(t.rows[1][0], Cell::spanning("丙丁", 2, 1));
        assert_eq!(t.rows[2], vec![Cell::new("1")]);
    }
}
