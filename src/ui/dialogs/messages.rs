//! 视图 ▸ 消息记录: every message of this session, newest first, in full — what the status line
//! showed for a few seconds can be read again.

use std::any::Any;

use egui::RichText;

use super::{Dialog, modal};
use crate::ui::action::Action;

/// A message as it was said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// `2026-01-19 10:32`.
    pub at: String,
    pub text: String,
    /// An error or something to look at (shown in red).
    pub error: bool,
}

pub struct MessagesDialog {
    messages: Vec<Logged>,
}

impl MessagesDialog {
    pub fn new(messages: Vec<Logged>) -> MessagesDialog {
        MessagesDialog { messages }
    }
}

impl Dialog for MessagesDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let (closed, dismissed) = modal(ctx, "messages", 760.0, |ui| {
            ui.set_width(720.0);
            let close = ui
                .horizontal(|ui| {
                    ui.heading("消息记录");
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        let close = ui.button("关闭");
                        super::keyboard_default(ui, &close);
                        close.clicked()
                    })
                    .inner
                })
                .inner;
            if self.messages.is_empty() {
                ui.label("本次还没有消息。");
            }
            let room = (ui.ctx().content_rect().height() * 0.65).clamp(160.0, 560.0);
            egui::ScrollArea::vertical().max_height(room).auto_shrink([false, true]).show(ui, |ui| {
                for (n, m) in self.messages.iter().rev().enumerate() {
                    ui.push_id(n, |ui| {
                        ui.horizontal(|ui| {
                            ui.label(RichText::new(&m.at).weak());
                            if m.error {
                                ui.label(
                                    RichText::new("请注意")
                                        .color(crate::ui::table::severity_color(crate::model::Severity::E)),
                                );
                            }
                            if ui.small_button("复制").accessible_name(format!("复制：{}", m.text)).clicked() {
                                ui.ctx().copy_text(m.text.clone());
                            }
                        });
                        ui.add(egui::Label::new(&m.text).wrap().selectable(true));
                        ui.separator();
                    });
                }
            });
            close.then_some(())
        });
        (closed.is_some() || dismissed).then_some(Action::CloseDialog)
    }

    fn title(&self) -> String {
        "消息记录".into()
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
    fn the_session_messages_are_listed_in_full_newest_first() {
        let long = format!("已导出PDF（5页）：/tmp/某某县商务局.pdf。请注意：{}", "表三有空白单元格；".repeat(30));
        let messages = vec![
            Logged { at: "2026-01-19 10:30".into(), text: "已打开：/tmp/年报.ron".into(), error: false },
            Logged { at: "2026-01-19 10:32".into(), text: long.clone(), error: true },
        ];
        let mut h = harness(MessagesDialog::new(messages));
        h.run();
        let newest = h.get_by_label(&long).rect();
        let oldest = h.get_by_label("已打开：/tmp/年报.ron").rect();
        assert!(newest.min.y < oldest.min.y, "newest first");
        assert!(newest.width() <= 730.0, "wrapped to the dialog, not cut: {newest:?}");
        h.get_by_label("关闭").click();
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::CloseDialog));
    }
}
