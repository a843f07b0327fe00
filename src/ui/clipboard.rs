//! 复制为网页: the report (or the tables of a page) on the system clipboard in two flavours at
//! once, HTML for rich-text editors (a CMS, Word, WPS keep the table) and plain text for the
//! rest. egui's own clipboard carries plain text only, so this goes through `arboard`, which
//! eframe already links.
//!
//! On X11 the program that copied serves the clipboard while it runs, so one `arboard` handle is
//! kept for the whole session (dropping it would hand the contents to a clipboard manager, if
//! there is one, or lose them).

use crate::export::html::Clip;

#[derive(Default)]
pub struct HtmlClipboard {
    handle: Option<arboard::Clipboard>,
}

impl HtmlClipboard {
    /// Puts both flavours on the clipboard.
    pub fn put(&mut self, clip: &Clip) -> Result<(), ClipboardError> {
        let handle = match &mut self.handle {
            Some(h) => h,
            None => self.handle.insert(arboard::Clipboard::new().map_err(ClipboardError::Open)?),
        };
        handle.set_html(clip.html.as_str(), Some(clip.text.as_str())).map_err(|e| {
            // A handle that failed once (the display went away) is made again next time.
            self.handle = None;
            ClipboardError::Put(e)
        })
    }
}

/// Why a copy did not reach the clipboard; said in the status bar.
#[derive(Debug, thiserror::Error)]
pub enum ClipboardError {
    #[error("无法使用系统剪贴板（{0}）")]
    Open(arboard::Error),
    #[error("无法放到剪贴板（{0}）")]
    Put(arboard::Error),
}
