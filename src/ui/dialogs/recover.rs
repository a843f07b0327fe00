//! A recovery copy from a session that did not end cleanly: restore it, throw it away, or ask
//! again at the next start.

use std::any::Any;

use super::{Dialog, choice_buttons, modal};
use crate::store::recovery::{DraftState, Offer, format_time};
use crate::ui::action::Action;

pub struct RecoverDialog {
    pub offer: Offer,
}

impl RecoverDialog {
    pub fn new(offer: Offer) -> RecoverDialog {
        RecoverDialog { offer }
    }
}

impl Dialog for RecoverDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let offer = &self.offer;
        let (answer, dismissed) = modal(ctx, "recover", 580.0, |ui| {
            ui.heading("发现未保存的内容");
            ui.label("上次使用时有未保存的修改（程序意外关闭或断电）。");
            match &offer.copy.original {
                Some(p) => ui.label(format!("草稿：{}", p.display())),
                None => ui.label("草稿：尚未保存过的新报告"),
            };
            ui.label(format!("恢复副本保存于：{}", format_time(offer.copy.saved_at)));
            match &offer.draft {
                DraftState::NeverSaved => {}
                DraftState::Missing => {
                    ui.label("草稿文件已不存在（可能被移动、删除，或U盘未插入）");
                }
                DraftState::Unreadable(reason) => {
                    ui.label(format!("草稿文件现在无法读取：{reason}"));
                }
                DraftState::Differs => {
                    if let Some(t) = offer.draft_saved_at {
                        ui.label(format!("草稿文件最后保存于：{}", format_time(t)));
                    }
                    if offer.draft_saved_at.is_some_and(|t| t > offer.copy.saved_at) {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            "草稿文件在副本之后又被保存过（可能是同事或另一个窗口），恢复前请核对。",
                        );
                    }
                }
            }
            choice_buttons(ui, &["恢复", "放弃此副本", "以后再说"], 0)
        });
        match answer {
            Some(0) => Some(Action::Recover(Box::new(self.offer.clone()))),
            Some(1) => Some(Action::DiscardRecovery(self.offer.key.clone())),
            Some(_) => Some(Action::KeepRecovery),
            None if dismissed => Some(Action::KeepRecovery),
            None => None,
        }
    }

    fn title(&self) -> String {
        "发现未保存的内容".into()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::store::recovery::RecoveryCopy;
    use crate::ui::dialogs::testing::harness;

    fn offer() -> Offer {
        let copy = RecoveryCopy { original: None, saved_at: 1_768_000_000, draft: String::new() };
        Offer { key: "untitled-1".into(), copy, draft_saved_at: None, draft: DraftState::NeverSaved }
    }

    #[test]
    fn the_user_chooses_what_happens_to_a_recovery_copy() {
        let mut h = harness(RecoverDialog::new(offer()));
        h.run();
        h.get_by_label("放弃此副本").click();
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::DiscardRecovery("untitled-1".into())));
        let mut h = harness(RecoverDialog::new(offer()));
        h.run();
        h.get_by_label("恢复").click();
        h.run();
        assert!(matches!(h.state().actions.first(), Some(Action::Recover(o)) if o.key == "untitled-1"));
    }
}
