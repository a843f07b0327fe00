//! The import report after reading a published report: what was recognised, not found, kept as
//! a cell's note, read one of several ways; a line about a cell or section jumps there.

use std::any::Any;

use super::{Dialog, modal};
use crate::import::{ImportNote, NoteKind, Target as NoteTarget};
use crate::model::rules::Target;
use crate::ui::action::Action;

pub struct ImportReportDialog {
    source: String,
    notes: Vec<ImportNote>,
}

impl ImportReportDialog {
    pub fn new(source: impl Into<String>, notes: Vec<ImportNote>) -> ImportReportDialog {
        ImportReportDialog { source: source.into(), notes }
    }

    /// Lines that need the staffer's eye come first; what was simply recognised comes last.
    fn ordered(&self) -> Vec<&ImportNote> {
        let mut v: Vec<&ImportNote> = self.notes.iter().collect();
        v.sort_by_key(|n| n.kind == NoteKind::Recognised);
        v
    }
}

/// Where the window shows what a note is about.
fn target(t: &NoteTarget) -> Target {
    match t {
        NoteTarget::Cell(id) => Target::Cell(id.clone()),
        NoteTarget::Section(key) => Target::Section(key.clone()),
        NoteTarget::Unit => Target::Unit("机关全称".to_string()),
    }
}

impl Dialog for ImportReportDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let notes = self.ordered();
        let attention = notes.iter().filter(|n| n.kind != NoteKind::Recognised).count();
        let (chosen, dismissed) = modal(ctx, "import-report", 640.0, |ui| {
            ui.heading("导入报告");
            ui.label(format!("已从“{}”导入。请逐项核对后保存为草稿。", self.source));
            if attention > 0 {
                ui.label(format!("有{attention}处需要核对（点击可跳到相应位置）："));
            }
            let mut chosen = None;
            egui::ScrollArea::vertical().max_height(380.0).show(ui, |ui| {
                for n in &notes {
                    let text = format!("［{}］{}", n.kind.label(), n.message);
                    match &n.target {
                        Some(t) => {
                            if ui.link(text).clicked() {
                                chosen = Some(Action::Show(target(t)));
                            }
                        }
                        None => {
                            ui.label(text);
                        }
                    }
                }
            });
            ui.add_space(6.0);
            if ui.button("关闭").clicked() {
                chosen = Some(Action::CloseDialog);
            }
            chosen
        });
        chosen.or(dismissed.then_some(Action::CloseDialog))
    }

    fn title(&self) -> String {
        "导入报告".into()
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

    fn note(kind: NoteKind, message: &str, target: Option<NoteTarget>) -> ImportNote {
        ImportNote { kind, message: message.to_string(), target }
    }

    #[test]
    fn a_note_about_a_cell_jumps_to_it() {
        let notes = vec![
            note(NoteKind::Recognised, "已识别表三", None),
            note(NoteKind::NoteKept, "表二 制发件数：22（其中修订16件）", Some(NoteTarget::Cell("t2.nds.made".into()))),
        ];
        let mut h = harness(ImportReportDialog::new("上年.docx", notes));
        h.run();
        assert!(h.query_by_label_contains("有1处需要核对").is_some());
        h.get_by_label_contains("其中修订16件").click();
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::Show(Target::Cell("t2.nds.made".into()))));
    }

    #[test]
    fn the_import_report_closes_when_asked() {
        let mut h = harness(ImportReportDialog::new(
            "上年.pdf",
            vec![note(NoteKind::NotFound, "未找到正文“一、总体情况”", None)],
        ));
        h.run();
        h.get_by_label("关闭").click();
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::CloseDialog));
    }
}
