//! An error the user must acknowledge (a file that could not be read …).

use std::any::Any;

use super::{Dialog, modal};
use crate::ui::action::Action;

pub struct MessageDialog {
    text: String,
}

impl MessageDialog {
    pub fn new(text: impl Into<String>) -> MessageDialog {
        MessageDialog { text: text.into() }
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

impl Dialog for MessageDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let (ok, dismissed) = modal(ctx, "error", 560.0, |ui| {
            ui.heading("出错了");
            egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| ui.label(&self.text));
            ui.button("知道了").clicked().then_some(())
        });
        (ok.is_some() || dismissed).then_some(Action::CloseDialog)
    }

    fn title(&self) -> String {
        "出错了".into()
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
    fn an_error_stays_until_acknowledged() {
        let mut h = harness(MessageDialog::new("无法读取文件“x.ron”"));
        h.run();
        assert!(h.state().actions.is_empty());
        assert!(h.query_by_label_contains("无法读取文件").is_some());
        h.get_by_label("知道了").click();
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::CloseDialog));
    }
}
