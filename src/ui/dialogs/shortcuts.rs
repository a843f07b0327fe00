//! F1: the keyboard shortcuts, from the command table.

use std::any::Any;

use egui::RichText;

use super::{Dialog, modal};
use crate::ui::action::Action;
use crate::ui::command;

#[derive(Default)]
pub struct ShortcutsDialog;

impl Dialog for ShortcutsDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let (closed, dismissed) = modal(ctx, "shortcuts", 640.0, |ui| {
            ui.heading("快捷键");
            egui::Grid::new("keys").num_columns(2).striped(true).show(ui, |ui| {
                for (keys, what) in command::help_rows() {
                    ui.label(RichText::new(keys).strong());
                    ui.label(what);
                    ui.end_row();
                }
            });
            ui.button("关闭").clicked().then_some(())
        });
        (closed.is_some() || dismissed).then_some(Action::CloseDialog)
    }

    fn title(&self) -> String {
        "快捷键".into()
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
    fn the_list_shows_every_command_shortcut_from_the_table() {
        let mut h = harness(ShortcutsDialog);
        h.run();
        for (keys, what) in command::help_rows() {
            assert!(h.query_all_by_label(&keys).next().is_some(), "{keys}");
            assert!(h.query_all_by_label(&what).next().is_some(), "{what}");
        }
    }
}
