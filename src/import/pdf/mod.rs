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
/// Points a path may hold before it is painted (a hostile page could draw millions; each
/// costs an operator of [`Cap::Operators`], and the lines painted are [`Cap::PageLines`]).
const MAX_PATH_POINTS: usize = 100_000;
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
    let mut items = Vec::new();
    for (_, page_id) in pages {
        reader.budget.new_page();
        let page = reader.page(page_id)?;
        items.push(page_items(page, reader.budget)?);
    }
    out.blocks = document_blocks(items);
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
        // A predefined Unicode CMap's codes are no CIDs: its ASCII codes are Adobe-GB1's
        // proportional Latin, CIDs 1–95, which is what the widths are listed by.
        // Its other codes name no CID we know: they take the default width (1000 for CJK).
        let cid = match self.cmap_text {
            CmapText::Ucs2 if (0x20..=0x7E).contains(&code) => Some(code - 0x1F),
            CmapText::Ucs2 => None,
            _ => Some(code),
        };
        cid.and_then(|c| self.widths.get(c)).unwrap_or(self.default_width) * self.scale
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

/// Whether a colour operator's operands paint white (invisible on the page: a background, not a
/// border). `cmyk`: the operands are C, M, Y, K.
fn is_white(a: &[Operand], cmyk: bool) -> bool {
    let v: Vec<f32> = a.iter().filter_map(Operand::number).collect();
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
/// edges are no border; nothing painted white is. At most [`MAX_PATH_POINTS`] points are held
/// (counted as they come, so adding one is O(1)); the lines painted are charged to
/// [`Cap::PageLines`].
#[derive(Default)]
struct Ink {
    subpaths: Vec<Vec<(f32, f32)>>,
    points: usize,
    colour: Colour,
}

impl Ink {
    fn room(&self, n: usize) -> bool {
        self.points + n <= MAX_PATH_POINTS
    }

    fn move_to(&mut self, p: (f32, f32)) {
        if self.room(1) {
            self.subpaths.push(vec![p]);
            self.points += 1;
        }
    }

    fn line_to(&mut self, p: (f32, f32)) {
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
    fn curve_to(&mut self, p: (f32, f32)) {
        self.move_to(p);
    }

    fn close(&mut self) {
        if self.room(1)
            && let Some(s) = self.subpaths.last_mut()
            && let Some(&first) = s.first()
        {
            s.push(first);
            self.points += 1;
        }
    }

    fn rect(&mut self, p: [(f32, f32); 4]) {
        if self.room(5) {
            self.subpaths.push(vec![p[0], p[1], p[2], p[3], p[0]]);
            self.points += 5;
        }
    }

    fn clear(&mut self) {
        self.subpaths.clear();
        self.points = 0;
    }

    fn paint(&mut self, stroke: bool, fill: bool, out: &mut Vec<Seg>, budget: &mut Budget) -> Result<(), ImportError> {
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
        drop_overprints(&mut page.glyphs);
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

    /// Long on purpose: the content-stream interpreter: one arm per PDF operator, sharing the graphics state and the budget.
    #[expect(clippy::too_many_lines, reason = "see the doc comment")]
    fn run_content(&mut self, content: &[u8], scope: &Scope<'_>, page: &mut Page) -> Result<(), ImportError> {
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
fn page_items(page: Page, budget: &mut Budget) -> Result<Vec<Item>, ImportError> {
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
        let blocks = document_blocks(vec![page_items(page, &mut Budget::new()).unwrap()]);
        let Block::Table(t) = &blocks[0] else { panic!("{blocks:?}") };
        assert_eq!(t.rows[1][0], Cell::spanning("丙丁", 2, 1));
        assert_eq!(t.rows[2], vec![Cell::new("1")]);
    }
}
