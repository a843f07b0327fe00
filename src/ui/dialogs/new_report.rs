//! 新建报告: the report year (the format follows it) and the unit's name.

use std::any::Any;

use egui::{Key, RichText};

use super::{Dialog, modal};
use crate::model::Template;
use crate::ui::action::Action;
use crate::workflow;

pub struct NewReportDialog {
    pub year: String,
    pub unit: String,
    pub error: Option<String>,
    focus: bool,
}

impl NewReportDialog {
    /// Proposes last year's report (the one due this January).
    pub fn new(today: crate::model::Date) -> NewReportDialog {
        NewReportDialog { year: (today.year - 1).to_string(), unit: String::new(), error: None, focus: true }
    }

    fn create(&mut self) -> Option<Action> {
        let checked = workflow::parse_year(&self.year).and_then(|y| workflow::check_year(y).map(|()| y));
        match checked {
            Ok(year) => Some(Action::CreateReport { year, unit: self.unit.trim().to_string() }),
            Err(e) => {
                self.error = Some(e.to_string());
                None
            }
        }
    }
}

impl Dialog for NewReportDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let (answer, dismissed) = modal(ctx, "new-report", 480.0, |ui| {
            ui.set_width(460.0);
            ui.heading("新建报告");
            let mut answer = None;
            egui::Grid::new("new-grid").num_columns(2).show(ui, |ui| {
                ui.label("报告年度");
                let resp =
                    ui.add(egui::TextEdit::singleline(&mut self.year).desired_width(80.0)).accessible_name("报告年度");
                if std::mem::take(&mut self.focus) {
                    resp.request_focus();
                }
                ui.end_row();
                ui.label("机关全称");
                let resp =
                    ui.add(egui::TextEdit::singleline(&mut self.unit).desired_width(300.0)).accessible_name("机关全称");
                if resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                    answer = Some(true);
                }
                ui.end_row();
            });
            if let Ok(y) = workflow::parse_year(&self.year) {
                let name = Template::get(&Template::format_for_year(y)).map(|t| t.name).unwrap_or_default();
                ui.label(RichText::new(format!("格式：{name}")).small());
            }
            if let Some(e) = &self.error {
                ui.colored_label(crate::ui::table::severity_color(crate::model::Severity::E), e);
            }
            ui.horizontal(|ui| {
                if ui.button("创建").clicked() {
                    answer = Some(true);
                }
                if ui.button("取消").clicked() {
                    answer = Some(false);
                }
            });
            answer
        });
        match answer {
            Some(true) => self.create(),
            Some(false) => Some(Action::CloseDialog),
            None if dismissed => Some(Action::CloseDialog),
            None => None,
        }
    }

    fn show_error(&mut self, message: String) -> bool {
        self.error = Some(message);
        true
    }

    fn title(&self) -> String {
        "新建报告".into()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::model::Date;
    use crate::ui::dialogs::testing::harness;

    fn dialog() -> NewReportDialog {
        NewReportDialog::new(Date { year: 2026, month: 1, day: 5 })
    }

    #[test]
    fn it_proposes_last_year_and_names_the_format() {
        let mut h = harness(dialog());
        h.run();
        assert_eq!(h.get_by_role_and_label(Role::TextInput, "报告年度").value().as_deref(), Some("2025"));
        assert!(h.query_by_label_contains("国办公开办函〔2021〕30号").is_some());
        h.get_by_role_and_label(Role::TextInput, "机关全称").click();
        h.run();
        h.get_by_role_and_label(Role::TextInput, "机关全称").type_text("某某县商务局");
        h.run();
        h.get_by_label("创建").click();
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::CreateReport { year: 2025, unit: "某某县商务局".into() }));
    }

    #[test]
    fn a_year_before_the_formats_is_refused_in_the_dialog() {
        let mut d = dialog();
        d.year = "2010".into();
        let mut h = harness(d);
        h.run();
        h.get_by_label("创建").click();
        h.run();
        assert!(h.state().actions.is_empty());
        assert!(h.query_by_label_contains("本软件支持2019年度及以后的报告").is_some());
    }
}
