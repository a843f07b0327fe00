//! The PDF file itself: page content streams, fonts as CID-keyed Type 0 fonts (Identity-H)
//! subsetted once per export (`subsetter`), ToUnicode maps so text can be copied, metadata, all
//! objects in a fixed order so the same draft gives the same bytes.
//!
//! Written directly (with lopdf for the object syntax) rather than through printpdf: its font
//! subsetting was half the export time, it could not mark the 草稿 watermark as an artifact,
//! and it wrote an empty `/GTS_PDFXVersion` that made viewers call the file PDF/X.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use lopdf::{Dictionary, Document, Object, Stream, StringFormat};
use subsetter::GlyphRemapper;

use super::fonts::{FontSet, PathOp, Role};

/// Document information.
pub struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    /// `D:YYYYMMDD…` date of creation (from the draft, for reproducible output).
    pub date: String,
    /// File identifier (from the content).
    pub id: [u8; 16],
}

/// Glyphs of one face used so far: old glyph id → CID (new glyph id), and the text of each.
struct Used {
    remap: GlyphRemapper,
    text: BTreeMap<u16, char>,
}

/// Builds page content streams and remembers which glyphs of which face they use.
pub struct Writer<'a> {
    fonts: &'a FontSet,
    used: Vec<Option<Used>>,
    // Text state inside the current BT … ET.
    font: Option<(usize, u32)>,
    spacing: f32,
}

/// A number as PDF writes it: at most 3 decimals, no trailing zeros.
pub fn num(out: &mut Vec<u8>, v: f32) {
    let v = if v.abs() < 0.0005 { 0.0 } else { v };
    let mut s = String::new();
    let _ = write!(s, "{v:.3}");
    let t = s.trim_end_matches('0').trim_end_matches('.');
    out.extend_from_slice(if t == "-0" { b"0" } else { t.as_bytes() });
}

fn nums(out: &mut Vec<u8>, vs: &[f32], op: &str) {
    for v in vs {
        num(out, *v);
        out.push(b' ');
    }
    out.extend_from_slice(op.as_bytes());
    out.push(b'\n');
}

impl<'a> Writer<'a> {
    pub fn new(fonts: &'a FontSet) -> Writer<'a> {
        Writer { fonts, used: (0..fonts.faces.len()).map(|_| None).collect(), font: None, spacing: 0.0 }
    }

    fn cid(&mut self, face: usize, c: char) -> u16 {
        let gid = self.fonts.faces[face].glyph(c).unwrap_or(0);
        let used = self.used[face].get_or_insert_with(|| Used { remap: GlyphRemapper::new(), text: BTreeMap::new() });
        let cid = used.remap.remap(gid);
        used.text.entry(cid).or_insert(c);
        cid
    }

    /// Starts a text object (`BT`).
    pub fn begin_text(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"BT\n");
        self.font = None;
        self.spacing = 0.0;
    }

    pub fn end_text(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"ET\n");
    }

    /// One line of text at `origin` (pt, page coordinates; angle in degrees, a multiple of 90),
    /// `spacing` pt after each character, punctuation compressed.
    pub fn text(
        &mut self,
        out: &mut Vec<u8>,
        role: Role,
        text: &str,
        size: f32,
        spacing: f32,
        origin: (f32, f32, f32),
    ) {
        let (x0, y0, angle) = origin;
        let (sin, cos) = match angle as i32 {
            0 => (0.0, 1.0),
            90 => (1.0, 0.0),
            -90 | 270 => (-1.0, 0.0),
            180 => (0.0, -1.0),
            _ => angle.to_radians().sin_cos(),
        };
        let mut dx = 0.0;
        let mut prev: Option<char> = None;
        for run in self.fonts.runs(role, text) {
            let key = (run.face, (size * 100.0).round() as u32);
            if self.font != Some(key) {
                out.extend_from_slice(format!("/F{} ", run.face).as_bytes());
                nums(out, &[size], "Tf");
                self.font = Some(key);
            }
            if (self.spacing - spacing).abs() > 0.0001 {
                nums(out, &[spacing], "Tc");
                self.spacing = spacing;
            }
            nums(out, &[cos, sin, -sin, cos, x0 + dx * cos, y0 + dx * sin], "Tm");
            out.push(b'[');
            out.push(b'<');
            let mut n = 0;
            let mut first = true;
            for c in run.text.chars() {
                if !first && let Some(p) = prev {
                    let s = self.fonts.squeeze(role, p, c);
                    if s > 0.0 {
                        out.push(b'>');
                        num(out, s * 1000.0);
                        out.push(b'<');
                    }
                }
                first = false;
                let cid = self.cid(run.face, c);
                let _ = write!(HexOut(out), "{cid:04X}");
                prev = Some(c);
                n += 1;
            }
            out.extend_from_slice(b">] TJ\n");
            dx += run.width * size + spacing * n as f32;
            // A squeeze across a change of face is already in the previous run's width.
        }
    }

    /// Glyph outlines of a text as a filled path (em units scaled by `size`), for marks that
    /// must not be text. Caller sets the transformation.
    pub fn outlines(&self, out: &mut Vec<u8>, role: Role, text: &str) {
        let face = self.fonts.main_face(role);
        let mut dx = 0.0;
        for c in text.chars() {
            for op in face.outline(c).unwrap_or_default() {
                match op {
                    PathOp::Move(x, y) => nums(out, &[x + dx, y], "m"),
                    PathOp::Line(x, y) => nums(out, &[x + dx, y], "l"),
                    PathOp::Cubic(a, b, c2, d, e, f) => nums(out, &[a + dx, b, c2 + dx, d, e + dx, f], "c"),
                    PathOp::Close => out.extend_from_slice(b"h\n"),
                }
            }
            dx += face.advance(c);
        }
        out.extend_from_slice(b"f\n");
    }

    /// The finished file.
    pub fn finish(self, pages: Vec<Vec<u8>>, meta: &Meta, page_size: (f32, f32)) -> Result<Vec<u8>, String> {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        // Subsetting and compressing are most of the work left and independent per font and
        // page: done side by side, then added in a fixed order (the file stays byte-identical).
        let used: Vec<(usize, &Used)> =
            self.used.iter().enumerate().filter_map(|(ix, u)| u.as_ref().map(|u| (ix, u))).collect();
        let mut tasks: Vec<Task> = used.iter().map(|&(ix, u)| Task::Font(&self.fonts.faces[ix], u)).collect();
        tasks.extend(pages.iter().map(|p| Task::Page(p)));
        let mut done = par_map(&tasks, Task::run).into_iter();
        let mut font_dict = Dictionary::new();
        for &(ix, used) in &used {
            let Some(file) = done.next() else { return Err("PDF写入失败：字体数据缺失".into()) };
            let id = font_object(&mut doc, &self.fonts.faces[ix], used, file?)?;
            font_dict.set(format!("F{ix}"), Object::Reference(id));
        }
        let resources = doc.add_object(Dictionary::from_iter([("Font", Object::Dictionary(font_dict))]));
        let mut kids = Vec::new();
        let media = vec![0.into(), 0.into(), Object::Real(page_size.0), Object::Real(page_size.1)];
        for packed in done {
            let stream = packed_stream(Dictionary::new(), packed?.packed);
            let content_id = doc.add_object(stream);
            let page = Dictionary::from_iter([
                ("Type", Object::Name(b"Page".to_vec())),
                ("Parent", Object::Reference(pages_id)),
                ("MediaBox", Object::Array(media.clone())),
                ("Resources", Object::Reference(resources)),
                ("Contents", Object::Reference(content_id)),
            ]);
            kids.push(Object::Reference(doc.add_object(page)));
        }
        let count = kids.len() as i64;
        doc.objects.insert(
            pages_id,
            Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"Pages".to_vec())),
                ("Kids", Object::Array(kids)),
                ("Count", Object::Integer(count)),
            ])),
        );
        let catalog = doc.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Catalog".to_vec())),
            ("Pages", Object::Reference(pages_id)),
            ("Lang", Object::String(b"zh-CN".to_vec(), StringFormat::Literal)),
            (
                "ViewerPreferences",
                Object::Dictionary(Dictionary::from_iter([("DisplayDocTitle", Object::Boolean(true))])),
            ),
        ]));
        let text = |s: &str| Object::String(utf16(s), StringFormat::Hexadecimal);
        let date = Object::String(meta.date.as_bytes().to_vec(), StringFormat::Literal);
        let info = doc.add_object(Dictionary::from_iter([
            ("Title", text(&meta.title)),
            ("Author", text(&meta.author)),
            ("Subject", text(&meta.subject)),
            ("Creator", text("年报 nianbao")),
            ("Producer", text(&format!("nianbao {}", env!("CARGO_PKG_VERSION")))),
            ("CreationDate", date.clone()),
            ("ModDate", date),
        ]));
        doc.trailer.set("Root", Object::Reference(catalog));
        doc.trailer.set("Info", Object::Reference(info));
        let id = Object::String(meta.id.to_vec(), StringFormat::Hexadecimal);
        doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
        let mut out = Vec::new();
        doc.save_to(&mut out).map_err(|e| format!("PDF写入失败：{e}"))?;
        Ok(out)
    }
}

/// Writes hex digits into a byte buffer.
struct HexOut<'b>(&'b mut Vec<u8>);

impl std::fmt::Write for HexOut<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// A text string as PDF wants it for non-Latin text: UTF-16BE with a byte order mark.
fn utf16(s: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_be_bytes());
    }
    out
}

fn flate_stream(dict: Dictionary, data: &[u8]) -> Result<Stream, String> {
    Ok(packed_stream(dict, deflate(data)?))
}

fn deflate(data: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::with_capacity(data.len() / 2), flate2::Compression::new(6));
    z.write_all(data).and_then(|()| z.finish()).map_err(|e| format!("PDF写入失败（压缩）：{e}"))
}

/// A stream of data already deflated.
fn packed_stream(mut dict: Dictionary, packed: Vec<u8>) -> Stream {
    dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let mut s = Stream::new(dict, packed);
    s.allows_compression = false;
    s
}

/// A font subset or a page's content stream, deflated.
struct Packed {
    packed: Vec<u8>,
    /// Length before deflating (a TrueType file's `/Length1`).
    raw_len: usize,
}

/// One piece of [`Writer::finish`]'s work that can run beside the others.
enum Task<'a> {
    Font(&'a super::fonts::Face, &'a Used),
    Page(&'a [u8]),
}

impl Task<'_> {
    fn run(&self) -> Result<Packed, String> {
        match self {
            Task::Font(face, used) => {
                let (data, index) = face.data();
                let sub = subsetter::subset(data, index, &used.remap)
                    .map_err(|e| format!("字体“{}”无法嵌入PDF（子集化失败：{e}）", face.name))?;
                Ok(Packed { packed: deflate(&sub)?, raw_len: sub.len() })
            }
            Task::Page(content) => Ok(Packed { packed: deflate(content)?, raw_len: content.len() }),
        }
    }
}

/// `f` over `items` on the machine's cores, the results in the items' order. The caller works
/// too, so a helper thread the system refuses (no resources) only makes it slower.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len()).max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break mine };
            mine.push((i, f(item)));
        }
    };
    let mut out: Vec<(usize, R)> = std::thread::scope(|s| {
        let helpers: Vec<_> =
            (1..threads).filter_map(|_| std::thread::Builder::new().spawn_scoped(s, work).ok()).collect();
        let mut out = work();
        // A helper's panic is a bug; it goes on as the caller's, as if run here.
        for h in helpers {
            out.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        out
    });
    out.sort_by_key(|e| e.0);
    out.into_iter().map(|e| e.1).collect()
}

/// A subset tag of six capitals derived from the face and its glyph set, so that two files
/// with different subsets of one font never share a tag (merging reports into one PDF).
fn subset_tag(ps_name: &str, gids: &[u16]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in ps_name.bytes().chain(gids.iter().flat_map(|g| g.to_be_bytes())) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..6)
        .map(|_| {
            let c = char::from(b'A' + (h % 26) as u8);
            h /= 26;
            c
        })
        .collect()
}

fn font_object(
    doc: &mut Document,
    face: &super::fonts::Face,
    used: &Used,
    sub: Packed,
) -> Result<lopdf::ObjectId, String> {
    let gids: Vec<u16> = used.remap.remapped_gids().collect();
    let base = format!("{}+{}", subset_tag(&face.ps_name, &gids), face.ps_name);

    let mut file_dict = Dictionary::new();
    if face.cff {
        file_dict.set("Subtype", Object::Name(b"OpenType".to_vec()));
    } else {
        file_dict.set("Length1", Object::Integer(sub.raw_len as i64));
    }
    let file = doc.add_object(packed_stream(file_dict, sub.packed));
    let [x0, y0, x1, y1] = face.bbox;
    let descriptor = doc.add_object(Dictionary::from_iter([
        ("Type", Object::Name(b"FontDescriptor".to_vec())),
        ("FontName", Object::Name(base.as_bytes().to_vec())),
        ("Flags", Object::Integer(4)),
        ("FontBBox", Object::Array(vec![x0.round().into(), y0.round().into(), x1.round().into(), y1.round().into()])),
        ("ItalicAngle", Object::Integer(0)),
        ("Ascent", Object::Integer((face.ascent * 1000.0).round() as i64)),
        ("Descent", Object::Integer((face.descent * 1000.0).round() as i64)),
        ("CapHeight", Object::Integer((face.cap_height * 1000.0).round() as i64)),
        ("StemV", Object::Integer(80)),
        (if face.cff { "FontFile3" } else { "FontFile2" }, Object::Reference(file)),
    ]));
    let widths: Vec<Object> = gids.iter().map(|&g| Object::Integer(i64::from(face.glyph_width(g)))).collect();
    let mut cid = Dictionary::from_iter([
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(if face.cff { b"CIDFontType0".to_vec() } else { b"CIDFontType2".to_vec() })),
        ("BaseFont", Object::Name(base.as_bytes().to_vec())),
        (
            "CIDSystemInfo",
            Object::Dictionary(Dictionary::from_iter([
                ("Registry", Object::String(b"Adobe".to_vec(), StringFormat::Literal)),
                ("Ordering", Object::String(b"Identity".to_vec(), StringFormat::Literal)),
                ("Supplement", Object::Integer(0)),
            ])),
        ),
        ("FontDescriptor", Object::Reference(descriptor)),
        ("DW", Object::Integer(1000)),
        ("W", Object::Array(vec![Object::Integer(0), Object::Array(widths)])),
    ]);
    if !face.cff {
        cid.set("CIDToGIDMap", Object::Name(b"Identity".to_vec()));
    }
    let cid = doc.add_object(cid);
    let to_unicode = doc.add_object(flate_stream(Dictionary::new(), to_unicode_cmap(&used.text).as_bytes())?);
    Ok(doc.add_object(Dictionary::from_iter([
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"Type0".to_vec())),
        ("BaseFont", Object::Name(base.into_bytes())),
        ("Encoding", Object::Name(b"Identity-H".to_vec())),
        ("DescendantFonts", Object::Array(vec![Object::Reference(cid)])),
        ("ToUnicode", Object::Reference(to_unicode)),
    ])))
}

fn to_unicode_cmap(text: &BTreeMap<u16, char>) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &char)> = text.iter().filter(|(cid, _)| **cid != 0).collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for (cid, c) in chunk {
            let mut buf = [0u16; 2];
            let units: String = c.encode_utf16(&mut buf).iter().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(s, "<{cid:04X}> <{units}>");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_tags_differ_for_different_glyph_sets() {
        let a = subset_tag("NotoSerifSC-Regular", &[0, 5, 9]);
        let b = subset_tag("NotoSerifSC-Regular", &[0, 5, 10]);
        assert_ne!(a, b);
        assert_eq!(a, subset_tag("NotoSerifSC-Regular", &[0, 5, 9]));
        assert!(a.len() == 6 && a.chars().all(|c| c.is_ascii_uppercase()));
    }

    #[test]
    fn numbers_are_written_short_and_without_negative_zero() {
        let mut out = Vec::new();
        for v in [1.0, 0.5, -0.0001, 12.3456, -3.25] {
            num(&mut out, v);
            out.push(b' ');
        }
        assert_eq!(String::from_utf8(out).unwrap(), "1 0.5 0 12.346 -3.25 ");
    }
}
