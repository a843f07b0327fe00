//! The bundled fonts, embedded once and shared by the window and the PDF.
//!
//! All four are embedded as plain TrueType. The faces only the PDF uses are kept in the
//! repository LZ4-compressed and unpacked by the build script: a command-line export used to
//! unpack them every time (3 × 4.3 MB, 6–8 ms of CPU and as many page faults); now it reads
//! the few pages of each it needs (cmap, widths, the glyphs a report uses) straight from the
//! executable's memory map, and a window that has exported keeps no unpacked copy on its heap.
//! The price is 4.4 MB more in the binary.

/// Noto Sans SC: the window, and 黑体 headings in the PDF.
pub static SANS_SC: &[u8] = include_bytes!("../fonts/NotoSansSC-Regular-subset.ttf");

#[cfg(feature = "pdf")]
static SERIF_SC: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/NotoSerifSC-Regular-subset.ttf"));
#[cfg(feature = "pdf")]
static SERIF_SC_BOLD: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/NotoSerifSC-Bold-subset.ttf"));
#[cfg(feature = "pdf")]
static KAI: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/NianbaoKai-Regular-subset.ttf"));

/// A bundled face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bundled {
    /// Noto Serif SC: PDF body and tables (the 宋体/仿宋 role).
    Serif = 0,
    /// Noto Serif SC Bold: the PDF title (stands in for 小标宋).
    SerifBold = 1,
    /// Noto Sans SC: the window; PDF level-1 headings (黑体 role).
    Sans = 2,
    /// 年报楷体 (LXGW WenKai, renamed subset): PDF level-2 headings (楷体 role).
    Kai = 3,
}

impl Bundled {
    pub const ALL: [Bundled; 4] = [Bundled::Serif, Bundled::SerifBold, Bundled::Sans, Bundled::Kai];

    pub fn name(self) -> &'static str {
        match self {
            Bundled::Serif => "Noto Serif SC",
            Bundled::SerifBold => "Noto Serif SC Bold",
            Bundled::Sans => "Noto Sans SC",
            Bundled::Kai => "年报楷体",
        }
    }
}

/// The bytes of a bundled font file.
#[cfg(feature = "pdf")]
pub fn font(which: Bundled) -> &'static [u8] {
    match which {
        Bundled::Sans => SANS_SC,
        Bundled::Serif => SERIF_SC,
        Bundled::SerifBold => SERIF_SC_BOLD,
        Bundled::Kai => KAI,
    }
}
