//! Fonts: codes to text (ToUnicode CMaps, encodings, glyph names, predefined CMaps) and glyph
//! widths, each bounded by the budget.

use std::collections::HashMap;

use lopdf::{Dictionary, Object};

use super::*;
use crate::import::ImportError;
use crate::import::limits::{Budget, Cap};

/// Codes to text, as a CMap gives them: single codes, and ranges kept as ranges (a range of
/// 65,536 codes is one entry, not 65,536).
#[derive(Debug, Clone, Default)]
pub(super) struct CodeMap {
    pub(super) singles: HashMap<u32, String>,
    /// `(first, last, text of first)`: each later code adds one to the last UTF-16 unit.
    pub(super) ranges: Vec<(u32, u32, Vec<u16>)>,
}

impl CodeMap {
    pub(super) fn get(&self, code: u32) -> Option<String> {
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
pub(super) struct Widths {
    pub(super) singles: HashMap<u32, f32>,
    pub(super) ranges: Vec<(u32, u32, f32)>,
}

impl Widths {
    pub(super) fn get(&self, code: u32) -> Option<f32> {
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
pub(super) struct Font {
    /// Code lengths by first byte: `None` = one byte for all (simple fonts).
    pub(super) two_byte: TwoByte,
    pub(super) to_unicode: CodeMap,
    /// Code → Unicode from the encoding, when there is no ToUnicode entry.
    pub(super) encoding: HashMap<u32, String>,
    /// The CMap itself is Unicode (UniGB-UCS2-H, UniGB-UTF16-H) or GBK.
    pub(super) cmap_text: CmapText,
    pub(super) widths: Widths,
    pub(super) default_width: f32,
    /// Glyph space to text space (1/1000, or a Type 3 font's matrix).
    pub(super) scale: f32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) enum TwoByte {
    #[default]
    Never,
    Always,
    /// GBK-style: a byte 0x81–0xFE starts a two-byte code.
    LeadByte,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) enum CmapText {
    #[default]
    None,
    Ucs2,
    Gbk,
}

impl Font {
    /// The codes of a string, each with its length in bytes.
    pub(super) fn codes<'b>(&self, bytes: &'b [u8]) -> impl Iterator<Item = (u32, usize)> + 'b {
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

    pub(super) fn text(&self, code: u32, len: usize) -> Option<String> {
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

    pub(super) fn width(&self, code: u32) -> f32 {
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

pub(super) fn deref<'a>(doc: &'a lopdf::Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

pub(super) fn dict_get<'a>(doc: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| deref(doc, o))
}

pub(super) fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

/// A stream's decoded bytes, within what is left of the budget's [`Cap::Content`] (which they
/// are then charged to).
pub(super) fn decoded(s: &lopdf::Stream, budget: &mut Budget) -> Result<Option<Vec<u8>>, ImportError> {
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

pub(super) fn load_font(doc: &lopdf::Document, d: &Dictionary, budget: &mut Budget) -> Result<Font, ImportError> {
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
pub(super) fn latin_base(enc: &mut HashMap<u32, String>) {
    for c in 0xA0u32..=0xFF {
        enc.entry(c).or_insert_with(|| char::from_u32(c).map(String::from).unwrap_or_default());
    }
}

/// Text of a glyph name: `uni4E00`, `u4E00`, `zero`…`nine`, single letters, common punctuation.
pub(super) fn glyph_name_text(name: &[u8]) -> Option<String> {
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

pub(super) fn cid_widths(doc: &lopdf::Document, w: &[Object], budget: &mut Budget) -> Result<Widths, ImportError> {
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
pub(super) fn parse_cmap(data: &[u8], budget: &mut Budget) -> Result<(CodeMap, bool), ImportError> {
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

pub(super) fn cmap_tokens(text: &str) -> Vec<String> {
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

pub(super) fn hex_code(t: &str) -> Option<u32> {
    let h = t.strip_prefix('<')?;
    if h.is_empty() || h.len() > 8 {
        return None;
    }
    u32::from_str_radix(h, 16).ok()
}

pub(super) fn hex_units(t: &str) -> Option<Vec<u16>> {
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

pub(super) fn hex_text(t: &str) -> Option<String> {
    hex_units(t).map(|u| String::from_utf16_lossy(&u))
}
