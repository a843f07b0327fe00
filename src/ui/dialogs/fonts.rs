//! PDF字体: for each role, an installed font file or the bundled default.

use std::any::Any;
use std::collections::BTreeMap;
use std::path::PathBuf;

use egui::RichText;

use super::{Dialog, modal};
use crate::pdf::fonts::{FontSet, Role, RoleFace, role_faces};
use crate::ui::action::Action;
use crate::ui::files::{self, Pending};

pub struct FontsDialog {
    /// Role label → font file.
    pub choices: BTreeMap<String, PathBuf>,
    picking: Option<(Role, Pending)>,
    system_dialogs: bool,
    /// The result of checking the chosen files, redone when they change.
    checked: Option<(BTreeMap<String, PathBuf>, Result<(), crate::pdf::fonts::FontError>)>,
    /// Per role, the face the PDF uses and where it was found, for the same choices.
    faces: Vec<RoleFace>,
}

impl FontsDialog {
    pub fn new(choices: BTreeMap<String, PathBuf>, system_dialogs: bool) -> FontsDialog {
        FontsDialog { choices, picking: None, system_dialogs, checked: None, faces: Vec::new() }
    }

    /// Whether the chosen files can be used (checked once per change, not every frame).
    fn check(&mut self) -> &Result<(), crate::pdf::fonts::FontError> {
        if self.checked.as_ref().is_none_or(|(c, _)| *c != self.choices) {
            let result = FontSet::with_user(&self.choices).map(|_| ());
            self.checked = Some((self.choices.clone(), result));
            self.faces = role_faces(&self.choices);
        }
        match &self.checked {
            Some((_, r)) => r,
            None => &Ok(()),
        }
    }
}

impl Dialog for FontsDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        if let Some((role, pending)) = &self.picking
            && let Some(result) = pending.poll()
        {
            if let Some(path) = result {
                self.choices.insert(role.label().to_string(), path);
            }
            self.picking = None;
        }
        let status = self.check().clone();
        let mut pick: Option<Role> = None;
        let (done, dismissed) = modal(ctx, "pdf-fonts", 680.0, |ui| {
            ui.set_width(640.0);
            ui.heading("PDF字体");
            ui.label("电脑上装有公文字体（方正小标宋简体、仿宋_GB2312、黑体、楷体_GB2312）时自动使用，否则用内置字体。也可以为各部分指定字体文件；所选字体缺少的字会自动用内置字体补齐。");
            // Scrolls on a small screen (1024×768) so that 完成 stays reachable.
            let room = (ui.ctx().content_rect().height() - 260.0).max(160.0);
            egui::ScrollArea::vertical().max_height(room).auto_shrink([false, true]).show(ui, |ui| {
                egui::Grid::new("font-grid").num_columns(3).spacing([10.0, 8.0]).show(ui, |ui| {
                    for role in Role::ALL {
                        ui.label(RichText::new(role.label()).strong());
                        let current = self.choices.get(role.label()).cloned();
                        let mut text = current.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
                        let resp = ui
                            .add(
                                egui::TextEdit::singleline(&mut text)
                                    .desired_width(360.0)
                                    .hint_text(format!("内置字体（可选：{}）", role.windows_hint())),
                            )
                            .accessible_name(format!("PDF字体/{}", role.label()));
                        if resp.changed() {
                            if text.trim().is_empty() {
                                self.choices.remove(role.label());
                            } else {
                                self.choices.insert(role.label().to_string(), PathBuf::from(text.trim()));
                            }
                        }
                        ui.push_id(role.label(), |ui| {
                            ui.horizontal(|ui| {
                                if self.system_dialogs && ui.button("选择…").clicked() {
                                    pick = Some(role);
                                }
                                if current.is_some() && ui.button("恢复内置").clicked() {
                                    self.choices.remove(role.label());
                                }
                            });
                        });
                        ui.end_row();
                        if let Some(face) = self.faces.iter().find(|f| f.role == role) {
                            ui.label("");
                            ui.label(RichText::new(format!("使用：{}", face.describe())).weak())
                                .on_hover_text("PDF中这一部分实际使用的字体和它的位置");
                            ui.label("");
                            ui.end_row();
                        }
                    }
                });
            });
            match &status {
                Ok(()) => {
                    ui.label(RichText::new("字体文件均可使用。").weak());
                }
                Err(e) => {
                    ui.colored_label(crate::ui::table::severity_color(crate::model::Severity::E), e.to_string());
                }
            }
            ui.button("完成").clicked().then_some(())
        });
        if let Some(role) = pick {
            self.picking = Some((role, files::spawn(files::FONT_FILE, ctx, None)));
        }
        (done.is_some() || dismissed).then(|| Action::SetPdfFonts(self.choices.clone()))
    }

    fn title(&self) -> String {
        "PDF字体".into()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::ui::dialogs::testing::harness;

    #[test]
    fn a_font_file_that_cannot_be_read_is_named_before_export() {
        let mut h = harness(FontsDialog::new(BTreeMap::new(), false));
        h.run();
        assert!(h.query_by_label("字体文件均可使用。").is_some());
        h.get_by_label("PDF字体/正文").click();
        h.run();
        h.get_by_label("PDF字体/正文").type_text("/nonexistent/simfang.ttf");
        h.run();
        assert!(h.query_all_by_label_contains("无法读取字体文件“/nonexistent/simfang.ttf”").next().is_some());
        assert!(h.query_by_label("字体文件均可使用。").is_none());
        // Closing the dialog (Esc, like 完成) hands the choice back.
        h.key_press(egui::Key::Escape);
        h.run();
        let want: BTreeMap<String, PathBuf> = [("正文".to_string(), PathBuf::from("/nonexistent/simfang.ttf"))].into();
        assert_eq!(h.state().actions.first(), Some(&Action::SetPdfFonts(want)));
    }
}
