//! System file dialogs (rfd) off the UI thread, so the window never freezes.
//!
//! rfd returns `None` both for Cancel and when no dialog backend exists (no XDG portal, no
//! zenity), so every file action also has an in-app path field; the system dialog only fills it.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKind {
    OpenDraft,
    SaveDraft,
    /// Last year's draft or published tables (RON or CSV).
    OpenLastYear,
    ExportPdf,
    ExportCsv,
    ImportCsv,
    FontFile,
}

impl DialogKind {
    pub fn title(self) -> &'static str {
        match self {
            DialogKind::OpenDraft => "打开草稿",
            DialogKind::SaveDraft => "保存草稿",
            DialogKind::OpenLastYear => "选择上年报告（草稿.ron 或 表格.csv）",
            DialogKind::ExportPdf => "导出PDF",
            DialogKind::ExportCsv => "导出CSV",
            DialogKind::ImportCsv => "导入CSV",
            DialogKind::FontFile => "选择字体文件",
        }
    }

    pub fn saves(self) -> bool {
        matches!(self, DialogKind::SaveDraft | DialogKind::ExportPdf | DialogKind::ExportCsv)
    }

    fn filters(self) -> (&'static str, &'static [&'static str]) {
        match self {
            DialogKind::OpenDraft | DialogKind::SaveDraft => ("年报草稿", &["ron"]),
            DialogKind::OpenLastYear => ("年报草稿或表格", &["ron", "csv"]),
            DialogKind::ExportPdf => ("PDF", &["pdf"]),
            DialogKind::ExportCsv | DialogKind::ImportCsv => ("CSV表格", &["csv", "txt"]),
            DialogKind::FontFile => ("字体", &["ttf", "otf", "ttc"]),
        }
    }
}

/// A system dialog running on a worker thread.
pub struct Pending {
    pub kind: DialogKind,
    rx: Receiver<Option<PathBuf>>,
}

impl Pending {
    /// `Some(result)` once the dialog has closed.
    pub fn poll(&self) -> Option<Option<PathBuf>> {
        self.rx.try_recv().ok()
    }
}

/// Starts the platform's file dialog; the answer arrives through [`Pending::poll`].
pub fn spawn(kind: DialogKind, ctx: &egui::Context, start: Option<PathBuf>) -> Pending {
    let (name, exts) = kind.filters();
    let mut dialog =
        rfd::FileDialog::new().set_title(kind.title()).add_filter(name, exts).add_filter("所有文件", &["*"]);
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
        let result = if kind.saves() { dialog.save_file() } else { dialog.pick_file() };
        let _ = tx.send(result);
        ctx.request_repaint();
    });
    Pending { kind, rx }
}
