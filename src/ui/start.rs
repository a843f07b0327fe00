//! What the user sees before a report is open: the three ways in, and the recent files.

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::action::Action;
use super::command::Command;

pub fn start_ui(ui: &mut Ui, recent: &[PathBuf]) -> Option<Action> {
    let mut action = None;
    ui.add_space(24.0);
    ui.vertical_centered(|ui| {
        ui.heading(RichText::new("政府信息公开工作年度报告").size(26.0));
        ui.label("填报 · 核对勾稽关系 · 导出可打印的PDF");
        ui.add_space(20.0);
        let big = |t: &str| egui::Button::new(RichText::new(t).size(17.0)).min_size(egui::vec2(260.0, 40.0));
        for (label, cmd) in [
            ("新建报告…", Command::NewReport),
            ("以上年报告为模板新建…", Command::RollOver),
            ("打开草稿…", Command::OpenDraft),
        ] {
            if ui.add(big(label)).clicked() {
                action = Some(Action::Command(cmd));
            }
        }
        ui.add_space(20.0);
        if !recent.is_empty() {
            ui.label(RichText::new("最近打开").strong());
            for p in recent {
                let exists = p.is_file();
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let text = format!("{name}    {}", p.parent().map(|d| d.display().to_string()).unwrap_or_default());
                let resp = ui.add_enabled(exists, egui::Button::new(text).frame(false));
                if resp.clicked() {
                    action = Some(Action::CommandWith(Command::OpenDraft, p.clone()));
                }
                if !exists {
                    resp.on_disabled_hover_text("文件已不存在");
                }
            }
        }
    });
    action
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use super::*;

    #[test]
    fn the_start_view_offers_the_ways_in_and_opens_a_recent_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("上年.ron");
        std::fs::write(&file, "x").unwrap();
        let gone = dir.path().join("已删除.ron");
        let recent = vec![file.clone(), gone];
        let mut h = Harness::builder()
            .with_size(egui::vec2(900.0, 700.0))
            .with_context_setup(crate::ui::fonts::install)
            .build_ui_state(|ui, got: &mut Vec<Action>| got.extend(start_ui(ui, &recent)), Vec::new());
        h.run();
        h.get_by_label("以上年报告为模板新建…").click();
        h.run();
        h.get_by_label_contains("上年.ron").click();
        h.run();
        assert_eq!(h.state(), &[Action::Command(Command::RollOver), Action::CommandWith(Command::OpenDraft, file)]);
        assert!(h.query_by_label_contains("已删除.ron").is_some(), "a file that is gone is listed, greyed");
    }
}
