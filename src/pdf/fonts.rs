//! PDF fonts by role, with glyph-by-glyph fallback to the bundled Noto fonts.
//!
//! GB/T 9704 wants 小标宋 for the title, 仿宋 for the body, 黑体 and 楷体 for headings. Those
//! cannot be shipped, so the bundled Noto Serif/Sans SC are the default; offices on Windows can
//! point each role at an installed file (`simfang.ttf` …). A character missing from the chosen
//! font falls back to the bundled ones; a character no font has is reported before export.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use printpdf::ParsedFont;

use crate::assets::{SANS_SC as SANS, SERIF_SC as SERIF, SERIF_SC_BOLD as SERIF_BOLD};

/// What a piece of text is in the document, and so which font it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// 标题: 2号小标宋 (Noto Serif SC Bold).
    Title,
    /// 正文: 3号仿宋 (Noto Serif SC).
    Body,
    /// 一级标题 `一、`: 黑体 (Noto Sans SC).
    Heading1,
    /// 二级标题 `（一）`: 楷体 (Noto Serif SC).
    Heading2,
    /// 表格 (Noto Serif SC).
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
}

/// One loaded face.
pub struct Face {
    /// Stable resource name (also the subset tag): fixed so that output is reproducible.
    pub id: String,
    pub name: String,
    pub font: ParsedFont,
    upm: f32,
    pub ascent: f32,
    pub descent: f32,
}

impl Face {
    fn parse(id: &str, name: &str, bytes: &[u8]) -> Result<Face, String> {
        let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| format!("字体文件“{name}”无法识别（应为TrueType .ttf/.otf）"))?;
        let m = font.font_metrics;
        let upm = f32::from(m.units_per_em.max(1));
        Ok(Face {
            id: id.to_string(),
            name: name.to_string(),
            upm,
            ascent: m.ascent / upm,
            descent: m.descent / upm,
            font,
        })
    }

    pub fn has(&self, c: char) -> bool {
        self.font.lookup_glyph_index(c as u32).is_some_and(|g| g != 0)
    }

    /// Advance of a character in em, as the PDF `/W` array will state it (truncated to 1/1000).
    pub fn advance(&self, c: char) -> f32 {
        match self.font.lookup_glyph_index(c as u32) {
            Some(gid) => (f32::from(self.font.get_horizontal_advance(gid)) * 1000.0 / self.upm).floor() / 1000.0,
            None => 1.0,
        }
    }
}

const BUNDLED_SERIF: usize = 0;
const BUNDLED_BOLD: usize = 1;
const BUNDLED_SANS: usize = 2;

fn bundled() -> Result<&'static [Arc<Face>], String> {
    static FACES: OnceLock<Result<Vec<Arc<Face>>, String>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Ok(vec![
                Arc::new(Face::parse("NBSERF", "Noto Serif SC", SERIF)?),
                Arc::new(Face::parse("NBBOLD", "Noto Serif SC Bold", SERIF_BOLD)?),
                Arc::new(Face::parse("NBSANS", "Noto Sans SC", SANS)?),
            ])
        })
        .as_deref()
        .map_err(Clone::clone)
}

/// The faces of one export and, per role, the order in which they are tried.
pub struct FontSet {
    pub faces: Vec<Arc<Face>>,
    chains: BTreeMap<Role, Vec<usize>>,
}

/// A run of characters that one face draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub face: usize,
    pub text: String,
    /// Width in em.
    pub width: f32,
}

impl FontSet {
    /// The bundled fonts only.
    pub fn bundled() -> Result<FontSet, String> {
        FontSet::with_user(&BTreeMap::new())
    }

    /// Bundled fonts plus the user's choices (role label → font file).
    pub fn with_user(choices: &BTreeMap<String, PathBuf>) -> Result<FontSet, String> {
        let mut faces: Vec<Arc<Face>> = bundled()?.to_vec();
        let mut chains = BTreeMap::new();
        let mut loaded: BTreeMap<PathBuf, usize> = BTreeMap::new();
        for role in Role::ALL {
            let own = match role {
                Role::Title => BUNDLED_BOLD,
                Role::Heading1 => BUNDLED_SANS,
                Role::Body | Role::Heading2 | Role::Table => BUNDLED_SERIF,
            };
            let mut chain = Vec::new();
            if let Some(path) = choices.get(role.label()) {
                let ix = match loaded.get(path) {
                    Some(&ix) => ix,
                    None => {
                        let face = load_user_face(path, faces.len())?;
                        faces.push(Arc::new(face));
                        loaded.insert(path.clone(), faces.len() - 1);
                        faces.len() - 1
                    }
                };
                chain.push(ix);
            }
            chain.push(own);
            for fallback in [BUNDLED_SERIF, BUNDLED_SANS, BUNDLED_BOLD] {
                if !chain.contains(&fallback) {
                    chain.push(fallback);
                }
            }
            chains.insert(role, chain);
        }
        Ok(FontSet { faces, chains })
    }

    fn chain(&self, role: Role) -> &[usize] {
        self.chains.get(&role).map(Vec::as_slice).unwrap_or(&[])
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
        self.face_for(role, c).map(|f| self.faces[f].advance(c)).unwrap_or(1.0)
    }

    /// Width of a text in pt at `size`.
    pub fn width(&self, role: Role, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(role, c)).sum::<f32>() * size
    }

    /// Splits a text into runs of one face each.
    pub fn runs(&self, role: Role, text: &str) -> Vec<Run> {
        let mut out: Vec<Run> = Vec::new();
        for c in text.chars() {
            let face = self.face_for(role, c).unwrap_or(self.chain(role)[0]);
            let w = self.faces[face].advance(c);
            match out.last_mut() {
                Some(r) if r.face == face => {
                    r.text.push(c);
                    r.width += w;
                }
                _ => out.push(Run { face, text: c.to_string(), width: w }),
            }
        }
        out
    }

    /// Ascent and descent (em, descent negative) of a role's main face.
    pub fn metrics(&self, role: Role) -> (f32, f32) {
        let f = &self.faces[self.chain(role)[0]];
        (f.ascent, f.descent)
    }
}

fn load_user_face(path: &Path, index: usize) -> Result<Face, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("无法读取字体文件“{}”：{e}", path.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Resource names must be letters only; A… for user fonts.
    let id = format!("NBUSR{}", char::from(b'A' + (index % 26) as u8));
    Face::parse(&id, &name, &bytes)
}
