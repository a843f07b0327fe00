//! The bundled fonts, embedded once and shared by the window and the PDF.

/// Noto Sans SC: the window, and 黑体 headings in the PDF.
pub static SANS_SC: &[u8] = include_bytes!("../fonts/NotoSansSC-Regular-subset.ttf");
/// Noto Serif SC: PDF body and tables (the 宋体/仿宋 role).
pub static SERIF_SC: &[u8] = include_bytes!("../fonts/NotoSerifSC-Regular-subset.ttf");
/// Noto Serif SC Bold: the PDF title (stands in for 小标宋).
pub static SERIF_SC_BOLD: &[u8] = include_bytes!("../fonts/NotoSerifSC-Bold-subset.ttf");
