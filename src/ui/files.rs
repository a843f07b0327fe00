//! What a file prompt asks for (title, filters, open or save), and the platform's file dialog
//! (rfd) run off the UI thread, so the window never freezes.
//!
//! rfd returns `None` both for Cancel and when no dialog backend exists (no XDG portal, no
//! zenity), so every file prompt is also an in-app path field; the system dialog only fills it.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

/// A kind of file a command asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilePrompt {
    pub title: &'static str,
    pub filter: (&'static str, &'static [&'static str]),
    /// A file to write (a save dialog) rather than one to read.
    pub saves: bool,
    /// Added to a typed name without an extension.
    pub extension: Option<&'static str>,
}

pub const OPEN_DRAFT: FilePrompt =
    FilePrompt { title: "打开草稿", filter: ("年报草稿", &["ron"]), saves: false, extension: None };
/// New drafts are named `….nianbao.ron`: still RON (any `.ron` draft opens), but a suffix of
/// their own lets the desktop open them with the app by double-click without claiming every
/// `.ron` file (the MIME type `application/x-nianbao-draft` also knows old drafts by content).
pub const SAVE_DRAFT: FilePrompt =
    FilePrompt {
        title: "保存草稿", filter: ("年报草稿", &["ron"]), saves: true, extension: Some("nianbao.ron")
    };
pub const LAST_YEAR: FilePrompt = FilePrompt {
    title: "选择上年报告（草稿.ron、表格.csv，或已公开的网页、Word、PDF）",
    filter: ("年报草稿、表格或已公开的报告", &["ron", "csv", "html", "htm", "docx", "pdf", "txt"]),
    saves: false,
    extension: None,
};
pub const EXPORT_PDF: FilePrompt =
    FilePrompt { title: "导出PDF", filter: ("PDF", &["pdf"]), saves: true, extension: Some("pdf") };
pub const EXPORT_CSV: FilePrompt =
    FilePrompt { title: "导出CSV", filter: ("CSV表格", &["csv", "txt"]), saves: true, extension: Some("csv") };
pub const EXPORT_DOCX: FilePrompt =
    FilePrompt { title: "导出Word文档", filter: ("Word文档", &["docx"]), saves: true, extension: Some("docx") };
pub const EXPORT_HTML: FilePrompt =
    FilePrompt { title: "导出网页", filter: ("网页", &["html", "htm"]), saves: true, extension: Some("html") };
pub const EXPORT_XLSX: FilePrompt =
    FilePrompt { title: "导出Excel表格", filter: ("Excel表格", &["xlsx"]), saves: true, extension: Some("xlsx") };
/// The 审核清单: its format follows the extension (a name without one becomes a spreadsheet).
pub const EXPORT_REVIEW: FilePrompt = FilePrompt {
    title: "导出审核清单（.xlsx、.html 或 .pdf）",
    filter: ("审核清单", &["xlsx", "html", "htm", "pdf"]),
    saves: true,
    extension: Some("xlsx"),
};
/// The 汇总表 of a folder of reports (汇总检查): its format follows the extension.
pub const EXPORT_SUMMARY: FilePrompt = FilePrompt {
    title: "导出汇总表（.xlsx、.html 或 .csv）",
    filter: ("汇总表", &["xlsx", "html", "htm", "csv"]),
    saves: true,
    extension: Some("xlsx"),
};
pub const SUM_COUNTY: FilePrompt =
    FilePrompt {
        title: "汇总为一份报告（草稿）", filter: ("年报草稿", &["ron"]), saves: true, extension: Some("ron")
    };
pub const IMPORT_CSV: FilePrompt =
    FilePrompt { title: "导入CSV", filter: ("CSV表格", &["csv", "txt"]), saves: false, extension: None };
pub const IMPORT_REPORT: FilePrompt = FilePrompt {
    title: "导入已公开的报告（网页、Word、PDF、文本）",
    filter: ("已公开的报告", &["html", "htm", "shtml", "docx", "pdf", "txt"]),
    saves: false,
    extension: None,
};
pub const FONT_FILE: FilePrompt =
    FilePrompt {
        title: "选择字体文件", filter: ("字体", &["ttf", "otf", "ttc"]), saves: false, extension: None
    };

impl FilePrompt {
    /// The path as the command will use it: a save without an extension gets the default one.
    pub fn complete(&self, path: PathBuf) -> PathBuf {
        match self.extension {
            Some(ext) if self.saves && path.extension().is_none() => path.with_extension(ext),
            _ => path,
        }
    }
}

/// A system dialog running on a worker thread.
pub struct Pending {
    rx: Receiver<Option<PathBuf>>,
}

impl Pending {
    /// `Some(result)` once the dialog has closed.
    pub fn poll(&self) -> Option<Option<PathBuf>> {
        self.rx.try_recv().ok()
    }
}

/// Starts the platform's file dialog; the answer arrives through [`Pending::poll`].
pub fn spawn(prompt: FilePrompt, ctx: &egui::Context, start: Option<PathBuf>) -> Pending {
    let (name, exts) = prompt.filter;
    let mut dialog =
        rfd::FileDialog::new().set_title(prompt.title).add_filter(name, exts).add_filter("所有文件", &["*"]);
    if let Some(start) = start {
        if start.is_dir() {
            dialog = dialog.set_directory(&start);
        } else {
            if let Some(dir) = start.parent().filter(|d| d.is_dir()) {
                dialog = dialog.set_directory(dir);
            }
            if let Some(file) = start.file_name() {
                dialog = dialog.set_file_name(file.to_string_lossy());
            }
        }
    }
    let (tx, rx) = channel();
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let result = if prompt.saves { dialog.save_file() } else { dialog.pick_file() };
        let _ = tx.send(result);
        ctx.request_repaint();
    });
    Pending { rx }
}

/// Where 打印 writes the PDF it opens in the system viewer (关于 shows the folder).
pub fn print_dir() -> PathBuf {
    std::env::temp_dir().join("nianbao-print")
}
