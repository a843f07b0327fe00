//! The file a command asks for: an in-app path field (always there, since a desktop may have no
//! file dialog), filled by the platform's dialog when there is one.

use std::any::Any;
use std::path::PathBuf;

use egui::{Key, RichText};

use super::{Dialog, modal};
use crate::ui::action::{Action, Invocation};
use crate::ui::command::Command;
use crate::ui::files::{self, FilePrompt, Pending};

pub struct PathDialog {
    pub prompt: FilePrompt,
    pub command: Command,
    /// The path as typed.
    pub text: String,
    /// What the system dialog returned, kept as is: a file name that is not valid UTF-8 (GBK
    /// names on UOS/Kylin) must not go through the text field's lossy form.
    chosen: Option<PathBuf>,
    pub error: Option<String>,
    focus: bool,
    pending: Option<Pending>,
    system_dialogs: bool,
}

impl PathDialog {
    /// Opens the prompt for `command`, starting the system dialog when there is one.
    pub fn open(
        ctx: &egui::Context,
        prompt: FilePrompt,
        command: Command,
        start: Option<PathBuf>,
        system_dialogs: bool,
    ) -> PathDialog {
        let pending = system_dialogs.then(|| files::spawn(prompt, ctx, start.clone()));
        PathDialog {
            prompt,
            command,
            text: start.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
            chosen: start,
            error: None,
            focus: true,
            pending,
            system_dialogs,
        }
    }

    fn path(&self) -> PathBuf {
        match &self.chosen {
            Some(p) if p.display().to_string() == self.text => p.clone(),
            _ => PathBuf::from(self.text.trim()),
        }
    }

    fn go(&mut self) -> Option<Action> {
        if self.text.trim().is_empty() {
            self.error = Some("请填写文件路径".into());
            return None;
        }
        let path = self.prompt.complete(self.path());
        Some(Action::Proceed(Invocation { command: self.command, path: Some(path) }))
    }
}

impl Dialog for PathDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        if let Some(result) = self.pending.as_ref().and_then(Pending::poll) {
            self.pending = None;
            if let Some(p) = result {
                self.text = p.display().to_string();
                self.chosen = Some(p);
                return self.go();
            }
        }
        let waiting = self.pending.is_some();
        let (answer, dismissed) = modal(ctx, "path", 600.0, |ui| {
            ui.set_width(560.0);
            ui.heading(self.prompt.title);
            ui.label("文件路径：");
            let resp = ui
                .add(egui::TextEdit::singleline(&mut self.text).desired_width(f32::INFINITY))
                .accessible_name("文件路径");
            if std::mem::take(&mut self.focus) {
                resp.request_focus();
            }
            let mut answer = None;
            if resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                answer = Some(true);
            }
            if waiting {
                ui.label(RichText::new("已打开系统文件对话框；也可以直接在上面输入路径。").small());
            }
            if let Some(e) = &self.error {
                ui.colored_label(crate::ui::table::severity_color(crate::model::Severity::E), e);
            }
            ui.horizontal(|ui| {
                let verb = if self.prompt.saves { "保存" } else { "打开" };
                if ui.button(verb).clicked() {
                    answer = Some(true);
                }
                if self.system_dialogs && !waiting && ui.button("浏览…").clicked() {
                    let start = Some(self.path()).filter(|p| !p.as_os_str().is_empty());
                    self.pending = Some(files::spawn(self.prompt, ui.ctx(), start));
                }
                if ui.button("取消").clicked() {
                    answer = Some(false);
                }
            });
            answer
        });
        match answer {
            Some(true) => self.go(),
            Some(false) => Some(Action::CloseDialog),
            None if dismissed => Some(Action::CloseDialog),
            None => None,
        }
    }

    fn show_error(&mut self, message: String) -> bool {
        self.error = Some(message);
        self.focus = true;
        true
    }

    fn title(&self) -> String {
        self.prompt.title.to_string()
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

    fn dialog() -> PathDialog {
        PathDialog::open(&egui::Context::default(), files::SAVE_DRAFT, Command::SaveAs, None, false)
    }

    #[test]
    fn enter_hands_back_the_typed_path_with_the_default_extension() {
        let mut h = harness(dialog());
        h.run();
        h.get_by_label("文件路径").type_text("/tmp/年报");
        h.run();
        h.key_press(Key::Enter);
        h.run();
        let want = Invocation { command: Command::SaveAs, path: Some(PathBuf::from("/tmp/年报.ron")) };
        assert_eq!(h.state().actions.first(), Some(&Action::Proceed(want)));
    }

    #[test]
    fn an_empty_path_is_refused_inside_the_dialog() {
        let mut h = harness(dialog());
        h.run();
        h.get_by_label("保存").click();
        h.run();
        assert!(h.state().actions.is_empty());
        assert!(h.query_by_label("请填写文件路径").is_some());
    }

    #[test]
    fn an_error_from_the_command_is_shown_in_the_dialog() {
        let mut d = dialog();
        assert!(d.show_error("找不到文件“x.ron”".into()));
        let mut h = harness(d);
        h.run();
        assert!(h.query_by_label("找不到文件“x.ron”").is_some());
    }
}
