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
    /// Puts both flavours on the clipboard; the error is in Chinese for the status bar.
    pub fn put(&mut self, clip: &Clip) -> Result<(), String> {
        if self.handle.is_none() {
            let handle = arboard::Clipboard::new().map_err(|e| format!("无法使用系统剪贴板（{e}）"))?;
            self.handle = Some(handle);
        }
        let Some(handle) = self.handle.as_mut() else { return Err("无法使用系统剪贴板".into()) };
        handle.set_html(clip.html.as_str(), Some(clip.text.as_str())).map_err(|e| {
            // A handle that failed once (the display went away) is made again next time.
            self.handle = None;
            format!("无法放到剪贴板（{e}）")
        })
    }
}
