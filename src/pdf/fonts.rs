//! PDF fonts by role: the user's chosen file, else the office's installed official font found by
//! family name, else the bundled face; a character missing from a face falls back glyph by
//! glyph to the bundled ones, and a character no face has is reported before export.
//!
//! GB/T 9704 wants 小标宋 for the title, 仿宋 for the body, 黑体 and 楷体 for headings. Those are
//! not ours to ship, so Noto Serif/Sans SC and LXGW WenKai (楷体 role) are bundled; offices
//! usually have the official faces installed (Windows `C:\Windows\Fonts`, UOS/Kylin
//! `/usr/share/fonts`), and then those are used automatically.
//!
//! Every face is parsed once per process (ttf-parser): its cmap and advances are kept as plain
//! tables, so measuring and encoding text is an array index, not a font-table walk.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::assets::{self, Bundled};

/// What a piece of text is in the document, and so which font it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// 标题: 2号小标宋.
    Title,
    /// 正文: 3号仿宋.
    Body,
    /// 一级标题 `一、`: 黑体.
    Heading1,
    /// 二级标题 `（一）`: 楷体.
    Heading2,
    /// 表格: 仿宋.
    Table,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Title, Role::Body, Role::Heading1, Role::Heading2, Role::Table];

    /// The name used in settings and in the window.
    pub fn label(self) -> &'static str {
        match self {
            Role::Title => "标题",
            Role::Body => "正文",
            Role::Heading1 => "一级标题",
            Role::Heading2 => "二级标题",
            Role::Table => "表格",
        }
    }

    pub fn from_label(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.label() == s)
    }

    /// What a Windows office would pick for this role (shown as a hint).
    pub fn windows_hint(self) -> &'static str {
        match self {
            Role::Title => "方正小标宋简体（FZXBSJW.TTF）",
            Role::Body | Role::Table => "仿宋（simfang.ttf）",
            Role::Heading1 => "黑体（simhei.ttf）",
            Role::Heading2 => "楷体（simkai.ttf）",
        }
    }

    /// The official faces for this role, by family name, best first (GB/T 9704 names, then
    /// the names the same faces carry on Windows, UOS and Kylin).
    pub fn official_families(self) -> &'static [&'static str] {
        match self {
            Role::Title => &["方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "FZXiaoBiaoSong-B05"],
            Role::Body | Role::Table => {
                &["仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "方正仿宋_GBK", "FZFangSong-Z02"]
            }
            Role::Heading1 => &["黑体", "SimHei", "方正黑体_GBK", "FZHei-B01"],
            Role::Heading2 => &["楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "方正楷体_GBK", "FZKai-Z03"],
        }
    }

    /// The bundled face that stands in for the official one.
    fn bundled(self) -> Bundled {
        match self {
            Role::Title => Bundled::SerifBold,
            Role::Body | Role::Table => Bundled::Serif,
            Role::Heading1 => Bundled::Sans,
            Role::Heading2 => Bundled::Kai,
        }
    }
}

/// Where a face comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaceSource {
    /// Shipped inside the program.
    Bundled,
    /// Installed on this computer and found by its family name.
    Installed(PathBuf),
    /// The file the user chose for the role in the settings.
    Chosen(PathBuf),
}

/// One parsed face: the font bytes and the tables measuring and encoding need.
pub struct Face {
    /// The family name to show (Chinese where the font has one).
    pub name: String,
    /// PostScript name, for the PDF `/BaseFont`.
    pub ps_name: String,
    pub source: FaceSource,
    data: FontBytes,
    index: u32,
    cmap: CharMap,
    /// Advance of each glyph in 1/1000 em, as the PDF `/W` array states it.
    widths: Vec<u16>,
    /// Ascent and descent in em (descent negative), cap height in em.
    pub ascent: f32,
    pub descent: f32,
    pub cap_height: f32,
    /// Font bounding box in 1/1000 em.
    pub bbox: [f32; 4],
    /// CFF outlines (embedded as `FontFile3`), rather than TrueType `glyf`.
    pub cff: bool,
    /// OS/2 weight class (400 regular, 700 bold; 0 unknown), for the font descriptor.
    pub weight: u16,
}

enum FontBytes {
    Static(&'static [u8]),
    Owned(Vec<u8>),
}

impl FontBytes {
    fn get(&self) -> &[u8] {
        match self {
            FontBytes::Static(b) => b,
            FontBytes::Owned(b) => b,
        }
    }
}

/// Character → glyph: the Basic Multilingual Plane (every hanzi of GB 2312 and 通用规范汉字表
/// but a few) as a flat table, the rest sorted. Built for each face at every command-line
/// export, where a hash map of 15,000 entries cost more than the lookups it served.
#[derive(Default)]
struct CharMap {
    bmp: Vec<u16>,
    /// Supplementary planes (扩展B and beyond), sorted by character after `finish`.
    astral: Vec<(char, u16)>,
}

impl CharMap {
    /// Keeps the first glyph seen for a character (the earlier subtable wins).
    fn insert_first(&mut self, c: char, gid: u16) {
        let cp = c as usize;
        if cp < 0x1_0000 {
            if self.bmp.is_empty() {
                self.bmp = vec![0; 0x1_0000];
            }
            if self.bmp[cp] == 0 {
                self.bmp[cp] = gid;
            }
        } else {
            self.astral.push((c, gid));
        }
    }

    fn finish(&mut self) {
        // A stable sort then dedup keeps the first entry of each character.
        self.astral.sort_by_key(|e| e.0);
        self.astral.dedup_by_key(|e| e.0);
    }

    fn get(&self, c: char) -> Option<u16> {
        let cp = c as usize;
        if cp < 0x1_0000 {
            self.bmp.get(cp).copied().filter(|&g| g != 0)
        } else {
            self.astral.binary_search_by_key(&c, |e| e.0).ok().map(|i| self.astral[i].1)
        }
    }

    /// The BMP table is made at the first BMP character, so an empty table means none.
    fn is_empty(&self) -> bool {
        self.bmp.is_empty() && self.astral.is_empty()
    }
}

/// Reads a big-endian u16 / u32 at `at`, if the table is long enough.
fn be16(t: &[u8], at: usize) -> Option<u16> {
    t.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn be32(t: &[u8], at: usize) -> Option<u32> {
    t.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// The character map decoded from the font's `cmap` table in one pass over its segments: the
/// full-repertoire subtable (format 12) when there is one, else the BMP one (format 4). Looking
/// every character up one by one (a binary search each, in both subtables of a CJK face) was a
/// tenth of a command-line export. `None` for other formats or a table it cannot read: then
/// ttf-parser's walk is used.
fn decode_cmap(face: &ttf_parser::Face) -> Option<CharMap> {
    let t = face.raw_face().table(ttf_parser::Tag::from_bytes(b"cmap"))?;
    let records = usize::from(be16(t, 2)?);
    let mut best: Option<(u8, usize)> = None;
    for r in 0..records {
        let at = 4 + r * 8;
        let (platform, encoding, offset) = (be16(t, at)?, be16(t, at + 2)?, be32(t, at + 4)? as usize);
        let format = be16(t, offset)?;
        let rank = match (platform, encoding, format) {
            (3, 10, 12) | (0, 4 | 6, 12) => 2,
            (3, 1, 4) | (0, 3, 4) => 1,
            _ => continue,
        };
        if best.is_none_or(|b| rank > b.0) {
            best = Some((rank, offset));
        }
    }
    let (rank, offset) = best?;
    let mut cmap = CharMap::default();
    let mut put = |cp: u32, gid: u32| {
        if let (Some(c), Ok(g)) = (char::from_u32(cp), u16::try_from(gid))
            && g != 0
        {
            cmap.insert_first(c, g);
        }
    };
    if rank == 2 {
        let groups = be32(t, offset + 12)? as usize;
        for k in 0..groups {
            let at = offset + 16 + k * 12;
            let (start, end, glyph) = (be32(t, at)?, be32(t, at + 4)?, be32(t, at + 8)?);
            // A group reaching past Unicode is a broken table: stop there.
            for cp in start..=end.min(0x10_FFFF) {
                put(cp, glyph + (cp - start));
            }
        }
    } else {
        let segs = usize::from(be16(t, offset + 6)? / 2);
        let ends = offset + 14;
        let starts = ends + 2 * segs + 2;
        let deltas = starts + 2 * segs;
        let ranges = deltas + 2 * segs;
        for k in 0..segs {
            let (end, start) = (be16(t, ends + 2 * k)?, be16(t, starts + 2 * k)?);
            let delta = be16(t, deltas + 2 * k)?;
            let range = usize::from(be16(t, ranges + 2 * k)?);
            if start == 0xFFFF || start > end {
                continue;
            }
            for cp in start..=end {
                let gid = if range == 0 {
                    cp.wrapping_add(delta)
                } else {
                    match be16(t, ranges + 2 * k + range + 2 * usize::from(cp - start))? {
                        0 => 0,
                        g => g.wrapping_add(delta),
                    }
                };
                put(u32::from(cp), u32::from(gid));
            }
        }
    }
    cmap.finish();
    Some(cmap)
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face").field("name", &self.name).field("source", &self.source).finish()
    }
}

impl Face {
    fn parse(data: FontBytes, index: u32, source: FaceSource, shown: &str) -> Result<Face, FontError> {
        let face =
            ttf_parser::Face::parse(data.get(), index).map_err(|_| FontError::Unrecognised(shown.to_string()))?;
        let upm = f32::from(face.units_per_em().max(1));
        let mut cmap = decode_cmap(&face).unwrap_or_default();
        if cmap.is_empty()
            && let Some(table) = face.tables().cmap
        {
            for sub in table.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    if let (Some(c), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp))
                        && g.0 != 0
                    {
                        cmap.insert_first(c, g.0);
                    }
                });
            }
        }
        cmap.finish();
        if cmap.is_empty() {
            return Err(FontError::NoUnicode(shown.to_string()));
        }
        let widths = (0..face.number_of_glyphs())
            .map(|g| {
                let adv = f32::from(face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0));
                (adv * 1000.0 / upm).round() as u16
            })
            .collect();
        let name = family_name(&face).unwrap_or_else(|| shown.to_string());
        let ps_name = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .map(|s| s.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect::<String>())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "Font".into());
        let b = face.global_bounding_box();
        let k = 1000.0 / upm;
        let cff = face.tables().cff.is_some();
        let ascent = f32::from(face.ascender()) / upm;
        let descent = f32::from(face.descender()) / upm;
        let cap_height = face.capital_height().map(|h| f32::from(h) / upm).unwrap_or(ascent * 0.8);
        let bbox = [f32::from(b.x_min) * k, f32::from(b.y_min) * k, f32::from(b.x_max) * k, f32::from(b.y_max) * k];
        let weight = face.tables().os2.map_or(0, |os2| os2.weight().to_number());
        Ok(Face { name, ps_name, source, index, cmap, widths, ascent, descent, cap_height, bbox, cff, weight, data })
    }

    /// The font file's bytes and face index (for subsetting).
    pub fn data(&self) -> (&[u8], u32) {
        (self.data.get(), self.index)
    }

    pub fn glyph(&self, c: char) -> Option<u16> {
        self.cmap.get(c)
    }

    pub fn has(&self, c: char) -> bool {
        self.cmap.get(c).is_some()
    }

    /// Width of a glyph in 1/1000 em (the `/W` value).
    pub fn glyph_width(&self, gid: u16) -> u16 {
        self.widths.get(usize::from(gid)).copied().unwrap_or(1000)
    }

    /// Advance of a character in em, exactly as the PDF will state it.
    pub fn advance(&self, c: char) -> f32 {
        self.glyph(c).map(|g| f32::from(self.glyph_width(g)) / 1000.0).unwrap_or(1.0)
    }

    /// The outline of a glyph in em units (y up), as PDF path operators, for text drawn as
    /// shapes (the 草稿 mark, which must not come out as text).
    pub fn outline(&self, c: char) -> Option<Vec<PathOp>> {
        let face = ttf_parser::Face::parse(self.data.get(), self.index).ok()?;
        let gid = self.glyph(c)?;
        let mut b = Outline { ops: Vec::new(), k: 1.0 / f32::from(face.units_per_em().max(1)), last: (0.0, 0.0) };
        face.outline_glyph(ttf_parser::GlyphId(gid), &mut b)?;
        Some(b.ops)
    }

    /// Vertical extent (em) of a character's ink, bottom and top.
    pub fn ink_extent(&self, c: char) -> Option<(f32, f32)> {
        self.ink_box(c).map(|[_, y0, _, y1]| (y0, y1))
    }

    /// A character's ink box (em, y up): left, bottom, right, top.
    pub fn ink_box(&self, c: char) -> Option<[f32; 4]> {
        let face = ttf_parser::Face::parse(self.data.get(), self.index).ok()?;
        let r = face.glyph_bounding_box(ttf_parser::GlyphId(self.glyph(c)?))?;
        let upm = f32::from(face.units_per_em().max(1));
        Some([r.x_min, r.y_min, r.x_max, r.y_max].map(|v| f32::from(v) / upm))
    }
}

/// A path operator of a glyph outline (em units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PathOp {
    Move(f32, f32),
    Line(f32, f32),
    Cubic(f32, f32, f32, f32, f32, f32),
    Close,
}

struct Outline {
    ops: Vec<PathOp>,
    k: f32,
    last: (f32, f32),
}

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.last = (x * self.k, y * self.k);
        self.ops.push(PathOp::Move(self.last.0, self.last.1));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.last = (x * self.k, y * self.k);
        self.ops.push(PathOp::Line(self.last.0, self.last.1));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        // A quadratic Bézier as the equivalent cubic.
        let (x0, y0) = self.last;
        let (qx, qy) = (x1 * self.k, y1 * self.k);
        let (ex, ey) = (x * self.k, y * self.k);
        let c1 = (x0 + 2.0 / 3.0 * (qx - x0), y0 + 2.0 / 3.0 * (qy - y0));
        let c2 = (ex + 2.0 / 3.0 * (qx - ex), ey + 2.0 / 3.0 * (qy - ey));
        self.ops.push(PathOp::Cubic(c1.0, c1.1, c2.0, c2.1, ex, ey));
        self.last = (ex, ey);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let k = self.k;
        self.last = (x * k, y * k);
        self.ops.push(PathOp::Cubic(x1 * k, y1 * k, x2 * k, y2 * k, x * k, y * k));
    }
    fn close(&mut self) {
        self.ops.push(PathOp::Close);
    }
}

/// The family name, Chinese (zh-CN) when the font has one.
fn family_name(face: &ttf_parser::Face) -> Option<String> {
    let names: Vec<(u16, u16, String)> = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::FAMILY || n.name_id == ttf_parser::name_id::TYPOGRAPHIC_FAMILY)
        .filter_map(|n| Some((n.name_id, n.language_id, n.to_string()?)))
        .collect();
    let chinese = names.iter().find(|(_, lang, _)| *lang == 0x0804).map(|n| n.2.clone());
    chinese
        .or_else(|| names.iter().find(|(_, lang, _)| *lang == 0x0409).map(|n| n.2.clone()))
        .or_else(|| names.first().map(|n| n.2.clone()))
}

/// The largest font file read (big CJK collections are about 30–60 MB).
pub const MAX_FONT_FILE: u64 = 96 * 1024 * 1024;

/// Reads a font file with the store's bounded reader, refusing what is not a regular file or is
/// larger than [`MAX_FONT_FILE`] (a settings path of `/dev/zero` must neither hang nor fill the
/// memory); the messages say it is about a font.
pub fn read_font_file(path: &Path) -> Result<Vec<u8>, FontError> {
    use crate::store::ReadError;
    let path = path.to_path_buf();
    crate::store::read_limited(&path, MAX_FONT_FILE).map_err(|e| match e {
        ReadError::TooLarge { .. } => FontError::TooLarge(path),
        ReadError::NotRegular(kind) => FontError::NotRegular { path, kind },
        ReadError::Io(e) => FontError::Read { path, reason: crate::store::atomic::describe_io(&e) },
    })
}

/// Why a font cannot be used (a chosen or installed file, or a bundled face: a build defect).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FontError {
    #[error("字体文件“{0}”无法识别（应为TrueType/OpenType字体 .ttf/.otf/.ttc）")]
    Unrecognised(String),
    #[error("字体文件“{0}”没有Unicode字符映射，无法用于中文")]
    NoUnicode(String),
    #[error("字体文件“{}”过大（超过{} MB），不像是字体", .0.display(), MAX_FONT_FILE / 1024 / 1024)]
    TooLarge(PathBuf),
    #[error("“{}”不是字体文件（{kind}，不是普通文件）", .path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    /// The file system's reason, as `describe_io` says it.
    #[error("无法读取字体文件“{}”：{reason}", .path.display())]
    Read { path: PathBuf, reason: String },
}

fn bundled_face(which: Bundled) -> Result<Arc<Face>, FontError> {
    static FACES: [OnceLock<Result<Arc<Face>, FontError>>; 4] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
    FACES[which as usize]
        .get_or_init(|| {
            Face::parse(FontBytes::Static(assets::font(which)), 0, FaceSource::Bundled, which.name()).map(Arc::new)
        })
        .clone()
}

type FaceKey = (PathBuf, u32, u64, Option<std::time::SystemTime>, bool);

/// Faces read from files (an official face is 4–12 MB, read whole): keyed by path, face index,
/// size and time of change, so an edited file is read again. Only the faces of the latest
/// resolution are kept (see [`keep_file_faces`]): a window whose fonts were changed in the
/// settings does not go on holding the ones it no longer uses.
fn file_faces() -> &'static Mutex<HashMap<FaceKey, Arc<Face>>> {
    static CACHE: OnceLock<Mutex<HashMap<FaceKey, Arc<Face>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn file_face(path: &Path, index: u32, chosen: bool) -> Result<Arc<Face>, FontError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| FontError::Read { path: path.to_path_buf(), reason: crate::store::atomic::describe_io(&e) })?;
    let key = (path.to_path_buf(), index, meta.len(), meta.modified().ok(), chosen);
    if let Some(face) = file_faces().lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(face);
    }
    let bytes = read_font_file(path)?;
    let shown = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let source =
        if chosen { FaceSource::Chosen(path.to_path_buf()) } else { FaceSource::Installed(path.to_path_buf()) };
    let face = Arc::new(Face::parse(FontBytes::Owned(bytes), index, source, &shown)?);
    if let Ok(mut c) = file_faces().lock() {
        c.insert(key, face.clone());
    }
    Ok(face)
}

/// Drops the faces read from files that `set` does not use (they are freed when no export
/// still holds them).
fn keep_file_faces(set: &FontSet) {
    if let Ok(mut c) = file_faces().lock() {
        c.retain(|_, f| set.faces.iter().any(|g| Arc::ptr_eq(f, g)));
    }
}

/// An installed face found by family name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub family: String,
    pub path: PathBuf,
    pub index: u32,
}

/// Where to look for installed official fonts.
#[derive(Debug, Clone, Default)]
pub enum FontSources {
    /// The system's font folders (Windows `Fonts` and the user's fonts, `/usr/share/fonts`,
    /// `/usr/local/share/fonts`, `~/.fonts`, `~/.local/share/fonts`).
    #[default]
    System,
    /// These folders only (tests, or a portable setup).
    Dirs(Vec<PathBuf>),
    /// None: bundled faces and the user's chosen files only.
    BundledOnly,
}

/// The official face installed for each role, if any. The system folders are scanned once per
/// process (fontdb reads only each file's name tables, through a memory map).
pub fn installed(sources: &FontSources) -> BTreeMap<Role, Installed> {
    static SYSTEM: OnceLock<BTreeMap<Role, Installed>> = OnceLock::new();
    match sources {
        FontSources::BundledOnly => BTreeMap::new(),
        FontSources::System => SYSTEM
            .get_or_init(|| {
                let mut db = fontdb::Database::new();
                db.load_system_fonts();
                find_official(&db)
            })
            .clone(),
        FontSources::Dirs(dirs) => {
            let mut db = fontdb::Database::new();
            for d in dirs {
                db.load_fonts_dir(d);
            }
            find_official(&db)
        }
    }
}

fn find_official(db: &fontdb::Database) -> BTreeMap<Role, Installed> {
    let mut out = BTreeMap::new();
    for role in Role::ALL {
        'families: for family in role.official_families() {
            // The upright regular face; a sorted scan so the choice does not depend on the
            // order the folders were read in.
            let mut hits: Vec<(PathBuf, u32)> = db
                .faces()
                .filter(|f| f.style == fontdb::Style::Normal)
                .filter(|f| f.families.iter().any(|(n, _)| n.eq_ignore_ascii_case(family)))
                .filter_map(|f| match &f.source {
                    fontdb::Source::File(p) => Some((p.clone(), f.index)),
                    _ => None,
                })
                .collect();
            hits.sort();
            if let Some((path, index)) = hits.into_iter().next() {
                out.insert(role, Installed { family: (*family).to_string(), path, index });
                break 'families;
            }
        }
    }
    out
}

/// Which face draws a role, and where it was found: for the settings dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleFace {
    pub role: Role,
    /// Family name of the face.
    pub name: String,
    pub source: FaceSource,
    /// Why a chosen or installed face is not used (unreadable file …).
    pub problem: Option<FontError>,
}

impl RoleFace {
    /// One line for the settings dialog, e.g. `仿宋（已安装：C:\Windows\Fonts\simfang.ttf）`.
    pub fn describe(&self) -> String {
        let place = match &self.source {
            FaceSource::Bundled => "内置".to_string(),
            FaceSource::Installed(p) => format!("已安装：{}", p.display()),
            FaceSource::Chosen(p) => format!("自选：{}", p.display()),
        };
        match &self.problem {
            Some(p) => format!("{}（{place}）；{p}", self.name),
            None => format!("{}（{place}）", self.name),
        }
    }
}

/// A run of characters that one face draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub face: usize,
    pub text: String,
    /// Width in em (punctuation compression inside the run included).
    pub width: f32,
}

/// The faces of one export and, per role, the order in which they are tried.
pub struct FontSet {
    pub faces: Vec<Arc<Face>>,
    /// Per role (indexed by `Role as usize`): measuring looks a role's chain up for every
    /// character.
    chains: [Vec<usize>; 5],
    /// Per role, what the settings dialog shows.
    pub report: Vec<RoleFace>,
}

impl FontSet {
    /// The bundled fonts only.
    pub fn bundled() -> Result<FontSet, FontError> {
        FontSet::resolve(&BTreeMap::new(), &FontSources::BundledOnly)
    }

    /// The user's choices (role label → font file), the installed official fonts, the
    /// bundled ones. A chosen file that cannot be used is an error.
    pub fn with_user(choices: &BTreeMap<String, PathBuf>) -> Result<FontSet, FontError> {
        FontSet::resolve(choices, &FontSources::System)
    }

    pub fn resolve(choices: &BTreeMap<String, PathBuf>, sources: &FontSources) -> Result<FontSet, FontError> {
        let mut set = FontSet { faces: Vec::new(), chains: Default::default(), report: Vec::new() };
        // Every chain ends in the bundled faces: the first time in a process, unpack and read
        // them side by side, beside the scan of the installed fonts (a command-line export pays
        // this on every run). Later calls find them in `bundled_face`'s cells.
        static UNPACKING: std::sync::Once = std::sync::Once::new();
        let installed = std::thread::scope(|s| {
            UNPACKING.call_once(|| {
                for b in Bundled::ALL {
                    // A thread the system refuses only means the face is read when first asked.
                    let _ = std::thread::Builder::new().spawn_scoped(s, move || bundled_face(b).map(drop));
                }
            });
            installed(sources)
        });
        for role in Role::ALL {
            let mut chain = Vec::new();
            let mut problem = None;
            if let Some(path) = choices.get(role.label()).filter(|p| !p.as_os_str().is_empty()) {
                // A collection (.ttc) is read at its first face.
                let face = file_face(path, 0, true)?;
                chain.push(set.add(face));
            }
            if let Some(found) = installed.get(&role) {
                match file_face(&found.path, found.index, false) {
                    Ok(face) => chain.push(set.add(face)),
                    // An installed font that cannot be read is not the user's doing: fall back.
                    Err(e) => problem = Some(e),
                }
            }
            let own = role.bundled();
            for b in std::iter::once(own).chain([Bundled::Serif, Bundled::Sans, Bundled::Kai, Bundled::SerifBold]) {
                let face = bundled_face(b)?;
                let ix = set.add(face);
                if !chain.contains(&ix) {
                    chain.push(ix);
                }
            }
            let main = &set.faces[chain[0]];
            set.report.push(RoleFace { role, name: main.name.clone(), source: main.source.clone(), problem });
            set.chains[role as usize] = chain;
        }
        keep_file_faces(&set);
        Ok(set)
    }

    fn add(&mut self, face: Arc<Face>) -> usize {
        match self.faces.iter().position(|f| Arc::ptr_eq(f, &face)) {
            Some(ix) => ix,
            None => {
                self.faces.push(face);
                self.faces.len() - 1
            }
        }
    }

    fn chain(&self, role: Role) -> &[usize] {
        &self.chains[role as usize]
    }

    /// The face that draws `c` in this role, if any.
    pub fn face_for(&self, role: Role, c: char) -> Option<usize> {
        self.chain(role).iter().copied().find(|&f| self.faces[f].has(c))
    }

    pub fn covers(&self, role: Role, c: char) -> bool {
        c.is_whitespace() || self.face_for(role, c).is_some()
    }

    /// Width of a character in em (a missing one counts as 1 em; export refuses those anyway).
    pub fn advance(&self, role: Role, c: char) -> f32 {
        for &f in self.chain(role) {
            if let Some(g) = self.faces[f].glyph(c) {
                return f32::from(self.faces[f].glyph_width(g)) / 1000.0;
            }
        }
        1.0
    }

    /// Whether `c` is set on a full em in this role (full-width punctuation is what 标点挤压
    /// may compress; a proportional quote is already narrow).
    pub fn full_width(&self, role: Role, c: char) -> bool {
        (self.advance(role, c) - 1.0).abs() < 0.05
    }

    /// Width of a text in pt at `size`, punctuation compressed as it will be drawn.
    pub fn width(&self, role: Role, text: &str, size: f32) -> f32 {
        let mut w = 0.0;
        let mut prev: Option<char> = None;
        for c in text.chars() {
            w += self.advance(role, c);
            if let Some(p) = prev {
                w -= self.squeeze(role, p, c);
            }
            prev = Some(c);
        }
        w * size
    }

    /// How much (em) the space between two adjacent characters is reduced (clreq 标点挤压).
    pub fn squeeze(&self, role: Role, a: char, b: char) -> f32 {
        let s = super::squeeze::squeeze(a, b);
        if s > 0.0 && self.full_width(role, a) && self.full_width(role, b) { s } else { 0.0 }
    }

    /// Splits a text into runs of one face each.
    pub fn runs(&self, role: Role, text: &str) -> Vec<Run> {
        let mut out: Vec<Run> = Vec::new();
        let mut prev: Option<char> = None;
        let first = self.chain(role).first().copied().unwrap_or(0);
        for c in text.chars() {
            let face = self.face_for(role, c).unwrap_or(first);
            let w = self.faces[face].advance(c);
            let squeeze = prev.map(|p| self.squeeze(role, p, c)).unwrap_or(0.0);
            match out.last_mut() {
                Some(r) if r.face == face => {
                    r.text.push(c);
                    r.width += w - squeeze;
                }
                _ => {
                    if let Some(r) = out.last_mut() {
                        r.width -= squeeze;
                    }
                    out.push(Run { face, text: c.to_string(), width: w });
                }
            }
            prev = Some(c);
        }
        out
    }

    /// Ascent and descent (em, descent negative) of a role's main face.
    pub fn metrics(&self, role: Role) -> (f32, f32) {
        let f = &self.faces[self.chain(role)[0]];
        (f.ascent, f.descent)
    }

    /// The main face of a role.
    pub fn main_face(&self, role: Role) -> &Face {
        &self.faces[self.chain(role)[0]]
    }
}

/// Per role, which face the PDF uses and where it was found (for the settings dialog). A
/// chosen file that cannot be used is reported in `problem`, the role then shows what the
/// export would fall back to if the choice were removed.
pub fn role_faces(choices: &BTreeMap<String, PathBuf>) -> Vec<RoleFace> {
    match FontSet::with_user(choices) {
        Ok(set) => set.report,
        Err(e) => {
            let mut out =
                FontSet::resolve(&BTreeMap::new(), &FontSources::System).map(|s| s.report).unwrap_or_default();
            for rf in &mut out {
                if choices.contains_key(rf.role.label()) {
                    rf.problem = Some(e.clone());
                }
            }
            out
        }
    }
}

/// Scans the system fonts and unpacks the bundled faces now, so the first export is as fast
/// as the next (the window may call this on a background thread at start).
pub fn warm_up() {
    let _ = FontSet::with_user(&BTreeMap::new());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_or_folder_is_refused_as_a_font_file_without_reading_it() {
        let err = read_font_file(Path::new("/dev/zero")).unwrap_err();
        assert!(matches!(&err, FontError::NotRegular { path, .. } if path == Path::new("/dev/zero")), "{err}");
        assert!(err.to_string().contains("不是普通文件"), "{err}");
        let err = read_font_file(Path::new("/")).unwrap_err();
        assert!(matches!(err, FontError::NotRegular { .. }), "{err}");
    }

    #[test]
    fn the_decoded_character_map_agrees_with_ttf_parsers_lookups() {
        for b in Bundled::ALL {
            let face = ttf_parser::Face::parse(assets::font(b), 0).unwrap();
            let cmap = decode_cmap(&face).expect("format 4 or 12");
            let mut mapped = 0;
            for cp in (0..0x3_0000).filter_map(char::from_u32) {
                let want = face.glyph_index(cp).map(|g| g.0).filter(|&g| g != 0);
                assert_eq!(cmap.get(cp), want, "{} U+{:04X}", b.name(), cp as u32);
                mapped += usize::from(want.is_some());
            }
            assert!(mapped > 9_000, "{}: {mapped}", b.name());
        }
    }

    #[test]
    fn only_the_latest_choice_of_font_files_is_kept_in_memory() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let choose = |file: &str| {
            let choices = BTreeMap::from([("正文".to_string(), root.join(file))]);
            FontSet::resolve(&choices, &FontSources::BundledOnly).unwrap()
        };
        let kept = || -> Vec<PathBuf> { file_faces().lock().unwrap().keys().map(|k| k.0.clone()).collect() };
        let first = choose("fonts/NotoSansSC-Regular-subset.ttf");
        assert_eq!(kept(), [root.join("fonts/NotoSansSC-Regular-subset.ttf")]);
        // While an export still uses it, a face dropped from the cache stays whole.
        let second = choose("tests/fixtures/fonts/fangsong-standin.ttf");
        assert_eq!(kept(), [root.join("tests/fixtures/fonts/fangsong-standin.ttf")]);
        assert!(first.faces.iter().any(|f| f.source != FaceSource::Bundled));
        drop((first, second));
        let _ = FontSet::bundled().unwrap();
        assert!(kept().is_empty());
    }

    #[test]
    fn every_bundled_face_parses_and_covers_the_common_characters() {
        for b in [Bundled::Serif, Bundled::SerifBold, Bundled::Sans, Bundled::Kai] {
            let f = bundled_face(b).unwrap();
            for c in "政府信息公开（一）。，《》“”0123456789—".chars() {
                assert!(f.has(c), "{} lacks {c}", f.name);
            }
        }
        let set = FontSet::bundled().unwrap();
        assert_eq!(set.main_face(Role::Heading2).name, "年报楷体");
    }
}
