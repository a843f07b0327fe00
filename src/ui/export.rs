//! 导出PDF and 打印 from the window, and the PDF font settings.

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::app::{Dialog, NianbaoApp};
use super::files::{self, DialogKind};
use crate::pdf::{self, PdfOptions, fonts::Role};

/// What happens once the PDF is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Save it where the user says.
    Save,
    /// Write it to a temporary file and open it in the system's PDF viewer for printing.
    Print,
}

impl NianbaoApp {
    /// 导出PDF / 打印: with errors left, ask first whether to mark it as a draft.
    pub fn start_export(&mut self, purpose: Purpose, ctx: &egui::Context) {
        let Some(doc) = &self.doc else { return };
        let errors = doc.error_count();
        if errors > 0 {
            self.dialog = Dialog::ExportChoice { purpose, errors };
        } else {
            self.continue_export(purpose, false, ctx);
        }
    }

    /// After the draft/final choice.
    pub fn continue_export(&mut self, purpose: Purpose, final_export: bool, ctx: &egui::Context) {
        self.export_final = final_export;
        match purpose {
            Purpose::Save => self.ask_path(DialogKind::ExportPdf, None, ctx),
            Purpose::Print => self.print(),
        }
    }

    fn render_pdf(&mut self) -> Option<pdf::PdfOutput> {
        let doc = self.doc.as_ref()?;
        let opts = PdfOptions { final_export: self.export_final, fonts: self.settings.pdf_fonts.clone() };
        match pdf::export(&doc.report, &doc.form, &opts) {
            Ok(out) => Some(out),
            Err(e) => {
                self.dialog = Dialog::Error(format!("无法导出PDF：{e}"));
                None
            }
        }
    }

    /// Writes the PDF to `path`; returns an error message for the path dialog.
    pub fn export_pdf_to(&mut self, path: &Path) -> Result<(), String> {
        let path = if path.extension().is_none() { path.with_extension("pdf") } else { path.to_path_buf() };
        let Some(out) = self.render_pdf() else { return Ok(()) };
        crate::store::atomic::write_atomic(&path, &out.bytes)
            .map_err(|e| format!("无法保存：{}", crate::store::atomic::describe_io(&e)))?;
        self.last_pdf = Some(path.clone());
        let mut msg = format!("已导出PDF（{}页）：{}", out.pages, path.display());
        let warn = !out.warnings.is_empty();
        if warn {
            msg.push_str(&format!("。请注意：{}", out.warnings.join("；")));
        }
        self.notice = Some(super::app::Notice { text: msg, error: warn });
        Ok(())
    }

    /// 打印: a temporary PDF opened in the system viewer, where the user prints it.
    fn print(&mut self) {
        let Some(out) = self.render_pdf() else { return };
        let dir = std::env::temp_dir().join("nianbao-print");
        let title = self.doc.as_ref().map(|d| d.report.title()).unwrap_or_else(|| "年报".into());
        let path = dir.join(format!("{}.pdf", sanitize(&title)));
        let written = std::fs::create_dir_all(&dir).and_then(|_| crate::store::atomic::write_atomic(&path, &out.bytes));
        if let Err(e) = written {
            self.error(format!("无法生成打印文件：{}", crate::store::atomic::describe_io(&e)));
            return;
        }
        self.last_pdf = Some(path.clone());
        if self.config.system_dialogs
            && let Err(e) = open_with_system(&path)
        {
            self.error(format!("无法打开PDF阅读器（{e}）；打印文件在：{}", path.display()));
            return;
        }
        self.info(format!("已在PDF阅读器中打开（{}页），请从阅读器打印：{}", out.pages, path.display()));
    }
}

/// A file name without characters Windows forbids.
fn sanitize(name: &str) -> String {
    name.chars().map(|c| if "\\/:*?\"<>|".contains(c) || c.is_control() { '_' } else { c }).collect()
}

fn open_with_system(path: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "windows")]
    let mut cmd = {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]).arg(path);
        c
    };
    #[cfg(target_os = "macos")]
    let mut cmd = {
        let mut c = std::process::Command::new("open");
        c.arg(path);
        c
    };
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    let mut cmd = {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(path);
        c
    };
    cmd.spawn().map(|_| ())
}

/// The draft-or-final question.
pub fn export_choice_ui(ctx: &egui::Context, app: &mut NianbaoApp, purpose: Purpose, errors: usize) {
    let mut answer = None;
    let m = egui::Modal::new(egui::Id::unique("export-choice")).show(ctx, |ui| {
        ui.set_max_width(480.0);
        ui.heading(if purpose == Purpose::Print { "打印" } else { "导出PDF" });
        ui.label(format!("报告中还有{errors}个错误（见右侧“检查结果”）。"));
        ui.label("有错误时，PDF每页会带有“草稿”字样，以免误交。");
        match super::app::choice_buttons(ui, &["导出为草稿", "仍导出为正式版", "取消"]) {
            Some(0) => answer = Some(false),
            Some(1) => answer = Some(true),
            Some(_) => app.dialog = Dialog::None,
            None => {}
        }
    });
    match answer {
        Some(final_export) => {
            app.dialog = Dialog::None;
            app.continue_export(purpose, final_export, ctx);
        }
        None if m.should_close() => app.dialog = Dialog::None,
        None => {}
    }
}

/// PDF font settings: for each role, an installed font file or the bundled default.
pub fn fonts_ui(ctx: &egui::Context, app: &mut NianbaoApp) {
    let mut close = false;
    let mut pick: Option<Role> = None;
    let m = egui::Modal::new(egui::Id::unique("pdf-fonts")).show(ctx, |ui: &mut Ui| {
        ui.set_width(640.0);
        ui.heading("PDF字体");
        ui.label("默认使用内置的思源（Noto）宋体和黑体。可以为各部分指定电脑上已安装的字体文件；所选字体缺少的字会自动用内置字体补齐。");
        egui::Grid::new("font-grid").num_columns(3).spacing([10.0, 8.0]).show(ui, |ui| {
            for role in Role::ALL {
                ui.label(RichText::new(role.label()).strong());
                let current = app.settings.pdf_fonts.get(role.label()).cloned();
                let mut text = current.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
                let resp = ui
                    .add(egui::TextEdit::singleline(&mut text).desired_width(360.0).hint_text(format!("内置字体（可选：{}）", role.windows_hint())))
                    .accessible_name(format!("PDF字体/{}", role.label()));
                if resp.changed() {
                    if text.trim().is_empty() {
                        app.settings.pdf_fonts.remove(role.label());
                    } else {
                        app.settings.pdf_fonts.insert(role.label().to_string(), PathBuf::from(text.trim()));
                    }
                }
                ui.push_id(role.label(), |ui| {
                    ui.horizontal(|ui| {
                        if app.config.system_dialogs && ui.button("选择…").clicked() {
                            pick = Some(role);
                        }
                        if current.is_some() && ui.button("恢复内置").clicked() {
                            app.settings.pdf_fonts.remove(role.label());
                        }
                    });
                });
                ui.end_row();
            }
        });
        // Check the chosen files now rather than at export time.
        match pdf::fonts::FontSet::with_user(&app.settings.pdf_fonts) {
            Ok(_) => {
                ui.label(RichText::new("字体文件均可使用。").weak());
            }
            Err(e) => {
                ui.colored_label(super::table::severity_color(crate::model::Severity::E), e);
            }
        }
        if ui.button("完成").clicked() {
            close = true;
        }
    });
    if let Some(role) = pick {
        app.font_pick = Some((role, files::spawn(DialogKind::FontFile, ctx, None)));
    }
    if let Some((role, pending)) = &app.font_pick
        && let Some(result) = pending.poll()
    {
        if let Some(path) = result {
            app.settings.pdf_fonts.insert(role.label().to_string(), path);
        }
        app.font_pick = None;
    }
    if close || m.should_close() {
        app.dialog = Dialog::None;
        app.save_settings();
    }
}
