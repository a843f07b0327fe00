//! A message to read in full: an error to acknowledge (a file that could not be read …), what
//! a roll-over or an opened draft asks the staffer to check, or a status-line message that did
//! not fit. The text wraps, scrolls when long, can be selected and copied.

use std::any::Any;

use super::{Dialog, modal};
use crate::ui::action::Action;

pub struct MessageDialog {
    title: String,
    text: String,
    /// Points to check, one per line, below the text.
    lines: Vec<String>,
}

impl MessageDialog {
    /// An error to acknowledge (heading 出错了).
    pub fn new(text: impl Into<String>) -> MessageDialog {
        MessageDialog::titled("出错了", text)
    }

    pub fn titled(title: impl Into<String>, text: impl Into<String>) -> MessageDialog {
        MessageDialog { title: title.into(), text: text.into(), lines: Vec::new() }
    }

    /// A text and the points it asks to check, each on its own line.
    pub fn list(title: impl Into<String>, text: impl Into<String>, lines: Vec<String>) -> MessageDialog {
        MessageDialog { title: title.into(), text: text.into(), lines }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Everything the dialog says, as copied.
    fn full_text(&self) -> String {
        let mut out = self.text.clone();
        for l in &self.lines {
            out.push_str("\n· ");
            out.push_str(l);
        }
        out
    }
}

impl Dialog for MessageDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let (ok, dismissed) = modal(ctx, "message", 640.0, |ui| {
            ui.set_width(600.0);
            ui.heading(&self.title);
            // The buttons stay below however long the text is: it scrolls.
            let room = (ui.ctx().content_rect().height() * 0.6).clamp(160.0, 480.0);
            egui::ScrollArea::vertical().max_height(room).auto_shrink([false, true]).show(ui, |ui| {
                ui.add(egui::Label::new(&self.text).wrap().selectable(true));
                for l in &self.lines {
                    ui.add(egui::Label::new(format!("· {l}")).wrap().selectable(true));
                }
            });
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let ok = ui.button("知道了");
                super::keyboard_default(ui, &ok);
                let ok = ok.clicked();
                if ui.button("复制全文").clicked() {
                    ui.ctx().copy_text(self.full_text());
                }
                ok.then_some(())
            })
            .inner
        });
        (ok.is_some() || dismissed).then_some(Action::CloseDialog)
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

    // regression: a roll-over's notes ran off the status line's right edge, unread.
    #[test]
    fn a_long_message_is_shown_whole_with_every_point_on_its_own_line() {
        let points: Vec<String> =
            (1..=40).map(|n| format!("第{n}项：表三“自然人”列的上年结转取自上年PDF，请核对")).collect();
        let mut h = harness(MessageDialog::list("以上年报告为模板新建", "已按上年报告新建2025年度草稿。", points));
        h.run();
        for n in [1, 40] {
            let label = format!("· 第{n}项：表三“自然人”列的上年结转取自上年PDF，请核对");
            h.get_by_label(&label).scroll_to_me();
            h.run();
            assert!(h.query_by_label(&label).is_some(), "point {n} is there in full");
        }
        // The buttons stay on screen below the scrolled text.
        let ok = h.get_by_label("知道了").rect();
        assert!(ok.max.y <= 700.0, "知道了 at {ok:?}");
        h.get_by_label("复制全文").click();
        h.run();
        assert!(h.state().actions.is_empty(), "copying does not close it");
    }
}
