//! The bundled fonts, embedded once and shared by the window and the PDF.
//!
//! The window's face is stored as is (egui reads it at start). The faces only the PDF uses are
//! stored zlib-compressed (−40 %, 6.9 MB less in the binary) and unpacked on first use, once
//! per process (about 10 ms each; `pdf::fonts::warm_up` can do it in the background).

/// Noto Sans SC: the window, and 黑体 headings in the PDF.
pub static SANS_SC: &[u8] = include_bytes!("../fonts/NotoSansSC-Regular-subset.ttf");

#[cfg(feature = "pdf")]
static SERIF_SC_Z: &[u8] = include_bytes!("../fonts/NotoSerifSC-Regular-subset.ttf.z");
#[cfg(feature = "pdf")]
static SERIF_SC_BOLD_Z: &[u8] = include_bytes!("../fonts/NotoSerifSC-Bold-subset.ttf.z");
#[cfg(feature = "pdf")]
static KAI_Z: &[u8] = include_bytes!("../fonts/NianbaoKai-Regular-subset.ttf.z");

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
        Bundled::Serif => (0, SERIF_SC_Z),
        Bundled::SerifBold => (1, SERIF_SC_BOLD_Z),
        Bundled::Kai => (2, KAI_Z),
    };
    UNPACKED[slot]
        .get_or_init(|| miniz_oxide::inflate::decompress_to_vec_zlib(packed).map_err(|e| format!("{e:?}")))
        .as_deref()
        .map_err(Clone::clone)
}
