//! The findings panel: every finding grouped by table with counts; a click shows its cell, and a
//! warning can be given a written explanation (说明) that is saved in the draft.

use egui::{RichText, Ui};

use super::action::Action;
use super::doc::{Document, Field};
use super::table::{severity_color, severity_fill};
use crate::model::Severity;

/// The panel's own state.
#[derive(Debug, Default)]
pub struct FindingsView {
    /// The finding whose explanation is being written (its key).
    pub explaining: Option<String>,
}

/// The panel; a click on a finding hands back where to go. Explanations are edited in place.
/// `scroll_to`: a card the keyboard moved to, brought into view. Long because each card's parts
/// (message, jump, 说明 editor, one-step fix) share the card's layout state.
#[expect(clippy::too_many_lines, reason = "see the doc comment")]
pub fn findings_ui(
    ui: &mut Ui,
    doc: &mut Document,
    view: &mut FindingsView,
    scroll_to: Option<egui::Rect>,
) -> Option<Action> {
    let (e, w, i) = crate::model::rules::counts(&doc.findings);
    let explained = doc.findings.iter().filter(|f| f.severity == Severity::W && f.is_explained()).count();
    ui.add_space(4.0);
    ui.label(RichText::new("检查结果").strong().size(17.0));
    ui.horizontal_wrapped(|ui| {
        ui.colored_label(severity_color(Severity::E), format!("错误 {e}"));
        let w = if explained > 0 { format!("警告 {w}（已说明 {explained}）") } else { format!("警告 {w}") };
        ui.colored_label(severity_color(Severity::W), w);
        ui.colored_label(severity_color(Severity::I), format!("提示 {i}"));
    });
    if doc.findings.is_empty() {
        ui.label("没有发现问题。");
        return None;
    }
    ui.separator();

    // Groups in form order: report-level first, then each table.
    let mut groups: Vec<(String, Vec<usize>)> = vec![("报告".to_string(), Vec::new())];
    for t in &doc.form.tables {
        groups.push((t.def.name.clone(), Vec::new()));
    }
    for (fi, f) in doc.findings.iter().enumerate() {
        let g = f
            .table
            .as_ref()
            .and_then(|t| doc.form.tables.iter().position(|x| &x.def.id == t))
            .map(|t| t + 1)
            .unwrap_or(0);
        groups[g].1.push(fi);
    }
    // Within a table, errors first, then warnings, then notes: what must be mended is on top
    // (the sort is stable, so each kind keeps the rules' order).
    for (_, list) in &mut groups {
        list.sort_by_key(|&fi| severity_rank(doc.findings[fi].severity));
    }
    let mut jump = None;
    let mut fix = None;
    let mut explain_toggle = None;
    let mut explanation_edit: Option<(String, String)> = None;
    egui::ScrollArea::vertical().id_salt("findings-scroll").auto_shrink(false).show(ui, |ui| {
        if let Some(r) = scroll_to {
            ui.scroll_to_rect(r, None);
        }
        for (name, list) in groups.iter().filter(|(_, l)| !l.is_empty()) {
            let errors = list.iter().filter(|&&fi| doc.findings[fi].severity == Severity::E).count();
            let title = if errors > 0 {
                format!("{name}（{}项，错误{errors}）", list.len())
            } else {
                format!("{name}（{}项）", list.len())
            };
            egui::CollapsingHeader::new(RichText::new(title).strong())
                .id_salt(("group", name))
                .default_open(true)
                .show(ui, |ui| {
                    for &fi in list {
                        let f = &doc.findings[fi];
                        let explained = f.is_explained();
                        let frame = egui::Frame::new()
                            .fill(severity_fill(f.severity, explained))
                            .inner_margin(6)
                            .corner_radius(4);
                        frame.show(ui, |ui| {
                            ui.set_width(ui.available_width());
                            let label = format!("[{}] {} {}", f.severity.label(), f.rule, f.message);
                            let resp = ui
                                .add(
                                    egui::Label::new(RichText::new(&label).color(egui::Color32::from_gray(20)))
                                        .wrap()
                                        .sense(egui::Sense::click()),
                                )
                                .on_hover_text("点击定位到相关单元格");
                            if resp.clicked() {
                                jump = Some(f.target.clone());
                            }
                            // A slip one command mends (ASCII punctuation: 标点规范化).
                            if let Some(x) = f.fix {
                                let button =
                                    ui.small_button(x.label()).accessible_name(format!("{} {}", x.label(), f.key));
                                if button.on_hover_text("一键改正全文（可撤销）").clicked() {
                                    fix = Some(x);
                                }
                            }
                            if f.explainable() {
                                let open = view.explaining.as_deref() == Some(f.key.as_str());
                                // The button first, always in the same place; the text below it
                                // wraps to the panel (a long 说明 must never widen the panel).
                                let text = if open {
                                    "完成"
                                } else if explained {
                                    "修改说明"
                                } else {
                                    "填写说明…"
                                };
                                // Named after its finding, so a screen reader tells the buttons apart.
                                let button = ui.small_button(text).accessible_name(format!("{text} {}", f.key));
                                if button.clicked() {
                                    explain_toggle = Some(f.key.clone());
                                }
                                if let Some(x) = f.explanation.as_ref().filter(|_| !open) {
                                    ui.add(egui::Label::new(RichText::new(format!("说明：{x}")).italics()).wrap());
                                }
                                if open {
                                    let mut text = f.explanation.clone().unwrap_or_default();
                                    let resp = ui
                                        .add(
                                            egui::TextEdit::multiline(&mut text)
                                                .desired_rows(2)
                                                .desired_width(ui.available_width()),
                                        )
                                        .accessible_name(format!("说明/{}", f.key));
                                    if resp.changed() {
                                        explanation_edit = Some((f.key.clone(), text));
                                    }
                                }
                            }
                        });
                        ui.add_space(3.0);
                    }
                });
        }
    });
    if let Some(key) = explain_toggle {
        view.explaining = if view.explaining.as_deref() == Some(key.as_str()) { None } else { Some(key) };
    }
    if let Some((key, text)) = explanation_edit {
        doc.set(Field::Explanation(key), text);
    }
    if let Some(crate::model::rules::Fix::NormalizePunctuation) = fix {
        return Some(Action::Command(super::command::Command::NormalizePunctuation));
    }
    jump.map(Action::Show)
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::E => 0,
        Severity::W => 1,
        Severity::I => 2,
    }
}
