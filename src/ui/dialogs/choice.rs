//! A question with a few answers: unsaved changes, overwriting a file, draft or final export.

use std::any::Any;
use std::path::PathBuf;

use super::{Dialog, choice_buttons, modal};
use crate::ui::action::{Action, Invocation};

pub struct ChoiceDialog {
    id: &'static str,
    title: String,
    lines: Vec<String>,
    answers: Vec<(String, Action)>,
    /// The answer Enter gives: the first, or 取消 where the first would replace a file.
    default: usize,
}

impl ChoiceDialog {
    pub fn new(id: &'static str, title: &str, lines: Vec<String>, answers: Vec<(&str, Action)>) -> ChoiceDialog {
        let answers: Vec<(String, Action)> = answers.into_iter().map(|(l, a)| (l.to_string(), a)).collect();
        // A question about replacing a file is not answered “yes” by a stray Enter.
        let replaces =
            answers.iter().any(|(_, a)| matches!(a, Action::SaveConfirmed { .. } | Action::ExportConfirmed { .. }));
        let default = if replaces { answers.len().saturating_sub(1) } else { 0 };
        ChoiceDialog { id, title: title.to_string(), lines, answers, default }
    }

    /// 有未保存的修改: 保存 / 不保存 / 取消, before `then` replaces the report.
    pub fn unsaved(file_name: &str, then: Invocation) -> ChoiceDialog {
        ChoiceDialog::new(
            "unsaved",
            "有未保存的修改",
            vec![format!("“{file_name}”有未保存的修改。要先保存吗？")],
            vec![
                ("保存", Action::SaveThen(then.clone())),
                ("不保存", Action::DiscardThen(then)),
                ("取消", Action::CloseDialog),
            ],
        )
    }

    /// 确认覆盖: the file exists already, or changed on disk since it was opened.
    pub fn overwrite(path: PathBuf, reason: String, then: Option<Invocation>) -> ChoiceDialog {
        ChoiceDialog::new(
            "confirm-save",
            "确认覆盖",
            vec![reason],
            vec![("覆盖保存", Action::SaveConfirmed { path, then }), ("取消", Action::CloseDialog)],
        )
    }

    /// Before a PDF: errors remain (export as a marked draft or as final?), and what the export
    /// would print that the staffer may not expect (bare headings, no 落款 date).
    pub fn export_choice(print: bool, errors: usize, notes: Vec<String>) -> ChoiceDialog {
        let title = if print { "打印" } else { "导出PDF" };
        let mut lines = Vec::new();
        if errors > 0 {
            lines.push(format!("报告中还有{errors}个错误（见右侧“检查结果”）。"));
            lines.push("有错误时，PDF每页会带有“草稿”字样，以免误交。".to_string());
        }
        lines.extend(notes);
        let answers = if errors > 0 {
            vec![
                ("导出为草稿", Action::ExportChosen { print, final_export: false }),
                ("仍导出为正式版", Action::ExportChosen { print, final_export: true }),
                ("取消", Action::CloseDialog),
            ]
        } else {
            vec![("继续", Action::ExportChosen { print, final_export: false }), ("取消", Action::CloseDialog)]
        };
        ChoiceDialog::new("export-choice", title, lines, answers)
    }

    /// What the answers would do, in order (for tests).
    pub fn answers(&self) -> impl Iterator<Item = (&str, &Action)> {
        self.answers.iter().map(|(l, a)| (l.as_str(), a))
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }
}

impl Dialog for ChoiceDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let labels: Vec<&str> = self.answers.iter().map(|(l, _)| l.as_str()).collect();
        let (picked, dismissed) = modal(ctx, self.id, 520.0, |ui| {
            ui.heading(&self.title);
            for l in &self.lines {
                ui.label(l);
            }
            choice_buttons(ui, &labels, self.default)
        });
        match picked {
            Some(i) => Some(self.answers[i].1.clone()),
            None if dismissed => Some(Action::CloseDialog),
            None => None,
        }
    }

    fn title(&self) -> String {
        self.title.clone()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::ui::command::Command;
    use crate::ui::dialogs::testing::harness;

    #[test]
    fn the_unsaved_question_hands_back_save_then_the_waiting_command() {
        let then = Invocation { command: Command::OpenDraft, path: None };
        let mut h = harness(ChoiceDialog::unsaved("年报.ron", then.clone()));
        h.run();
        assert!(h.query_by_label_contains("“年报.ron”有未保存的修改").is_some());
        h.get_by_label("保存").click();
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::SaveThen(then)));
    }

    #[test]
    fn the_export_question_offers_a_draft_or_a_final_pdf() {
        let mut h = harness(ChoiceDialog::export_choice(false, 2, Vec::new()));
        h.run();
        assert!(h.query_by_label_contains("还有2个错误").is_some());
        h.get_by_label("仍导出为正式版").click();
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::ExportChosen { print: false, final_export: true }));
    }

    #[test]
    fn without_errors_the_export_question_only_tells_what_will_print() {
        let notes = vec!["“（三）政府信息管理”没有内容，打印出来只有标题。".to_string()];
        let mut h = harness(ChoiceDialog::export_choice(true, 0, notes));
        h.run();
        assert!(h.query_by_label_contains("只有标题").is_some());
        assert!(h.query_by_label("仍导出为正式版").is_none());
        h.get_by_label("继续").click();
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::ExportChosen { print: true, final_export: false }));
    }

    #[test]
    fn enter_answers_the_first_choice_but_never_replaces_a_file() {
        let mut h = harness(ChoiceDialog::export_choice(false, 0, vec!["说明".into()]));
        h.run();
        h.key_press(egui::Key::Enter);
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::ExportChosen { print: false, final_export: false }));
        let mut h = harness(ChoiceDialog::overwrite(PathBuf::from("x.ron"), "已经存在".into(), None));
        h.run();
        h.key_press(egui::Key::Enter);
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::CloseDialog), "Enter is 取消 here");
    }

    #[test]
    fn escape_dismisses_a_question_without_doing_anything() {
        let mut h = harness(ChoiceDialog::overwrite(PathBuf::from("x.ron"), "已经存在".into(), None));
        h.run();
        h.key_press(egui::Key::Escape);
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::CloseDialog));
    }
}
