//! The bundled fonts, embedded once and shared by the window and the PDF.
//!
//! The window's face is stored as is (egui reads it at start). The faces only the PDF uses are
//! stored LZ4-compressed (−35 %, 4.4 MB less in the binary) and unpacked on first use, once
//! per process. LZ4 rather than zlib or zstd because a command-line export pays the unpacking
//! every time: about 2 ms a face, where zlib took 25–45 ms and zstd 8–10 ms (for files 20 %
//! smaller than LZ4's).

/// Noto Sans SC: the window, and 黑体 headings in the PDF.
pub static SANS_SC: &[u8] = include_bytes!("../fonts/NotoSansSC-Regular-subset.ttf");

#[cfg(feature = "pdf")]
static SERIF_SC_LZ4: &[u8] = include_bytes!("../fonts/NotoSerifSC-Regular-subset.ttf.lz4");
#[cfg(feature = "pdf")]
static SERIF_SC_BOLD_LZ4: &[u8] = include_bytes!("../fonts/NotoSerifSC-Bold-subset.ttf.lz4");
#[cfg(feature = "pdf")]
static KAI_LZ4: &[u8] = include_bytes!("../fonts/NianbaoKai-Regular-subset.ttf.lz4");

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

#[cfg(feature = "pdf")]
/// The bytes of a bundled font file, unpacked on first use.
pub fn font(which: Bundled) -> Result<&'static [u8], String> {
    use std::sync::OnceLock;
    static UNPACKED: [OnceLock<Result<Vec<u8>, String>>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let (slot, packed) = match which {
        Bundled::Sans => return Ok(SANS_SC),
        Bundled::Serif => (0, SERIF_SC_LZ4),
        Bundled::SerifBold => (1, SERIF_SC_BOLD_LZ4),
        Bundled::Kai => (2, KAI_LZ4),
    };
    UNPACKED[slot].get_or_init(|| unpack(packed)).as_deref().map_err(Clone::clone)
}

/// One LZ4 block after its length (as `fonts/tools/make_subset.py` writes it).
#[cfg(feature = "pdf")]
fn unpack(packed: &[u8]) -> Result<Vec<u8>, String> {
    lz4_flex::block::decompress_size_prepended(packed).map_err(|e| e.to_string())
}
