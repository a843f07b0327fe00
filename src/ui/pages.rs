//! The pages of the central area: the start view, 基本信息, the six sections, the annex.

use egui::{Id, RichText, TextEdit, Ui};

use super::app::{NianbaoApp, Page, Then};
use super::doc::{Document, Field, UnitField};
use super::table;
use crate::model::report::{OpeningPlacement, PageNumbers, TitlePattern};
use crate::model::{Date, Severity};

/// The id of a section's text editor (for focusing it from a finding).
pub fn section_editor_id(key: &str) -> Id {
    Id::unique(("nianbao-section", key.to_string()))
}

/// What the user sees before a report is open.
pub fn start_ui(ui: &mut Ui, app: &mut NianbaoApp) {
    let ctx = ui.ctx().clone();
    ui.add_space(24.0);
    ui.vertical_centered(|ui| {
        ui.heading(RichText::new("政府信息公开工作年度报告").size(26.0));
        ui.label("填报 · 核对勾稽关系 · 导出可打印的PDF");
        ui.add_space(20.0);
        let big = |t: &str| egui::Button::new(RichText::new(t).size(17.0)).min_size(egui::vec2(260.0, 40.0));
        if ui.add(big("新建报告…")).clicked() {
            app.request(Then::NewReport, &ctx);
        }
        if ui.add(big("以上年报告为模板新建…")).clicked() {
            app.request(Then::LastYearDialog, &ctx);
        }
        if ui.add(big("打开草稿…")).clicked() {
            app.request(Then::OpenDialog, &ctx);
        }
        ui.add_space(20.0);
        if !app.settings.recent.is_empty() {
            ui.label(RichText::new("最近打开").strong());
            for p in app.settings.recent.clone() {
                let exists = p.is_file();
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let text = format!("{name}    {}", p.parent().map(|d| d.display().to_string()).unwrap_or_default());
                let resp = ui.add_enabled(exists, egui::Button::new(text).frame(false));
                if resp.clicked() {
                    app.request(Then::Open(p.clone()), &ctx);
                }
                if !exists {
                    resp.on_disabled_hover_text("文件已不存在");
                }
            }
        }
    });
}

/// The id of a 基本信息 field.
pub fn unit_field_id(f: UnitField) -> Id {
    Id::unique(("nianbao-unit", f.label()))
}

/// The current page of an open report.
pub fn page_ui(ui: &mut Ui, app: &mut NianbaoApp) {
    if std::mem::take(&mut app.focus_first) {
        focus_first_input(app);
    }
    match app.page {
        Page::Unit => unit_page(ui, app),
        Page::Section(i) => section_page(ui, app, i),
        Page::Annex => annex_page(ui, app),
    }
}

/// Puts the keyboard on the first thing to fill in on the page: the first input cell of its
/// table, or its first text editor.
fn focus_first_input(app: &mut NianbaoApp) {
    let Some(doc) = app.doc.as_ref() else { return };
    let first_cell_of = |tables: Vec<usize>| {
        tables.into_iter().find_map(|t| table::input_positions(doc, &doc.form.tables[t]).first().map(|c| c.0))
    };
    match app.page {
        Page::Unit => app.focus_editor = Some(unit_field_id(UnitField::Name)),
        Page::Annex => {
            let tables = (0..doc.form.tables.len()).filter(|&t| doc.form.tables[t].template != doc.form.template.id);
            if let Some(ix) = first_cell_of(tables.collect()) {
                table::focus_cell(&mut app.grid, ix);
            }
        }
        Page::Section(i) => {
            let s = &doc.form.template.sections[i];
            let tables: Vec<usize> = s
                .tables
                .iter()
                .filter_map(|id| doc.form.tables.iter().position(|t| &t.def.id == id))
                .filter(|&t| doc.form.tables[t].def.printed)
                .collect();
            match first_cell_of(tables) {
                Some(ix) => table::focus_cell(&mut app.grid, ix),
                None => app.focus_editor = Some(section_editor_id(&s.id)),
            }
        }
    }
}

fn heading(ui: &mut Ui, text: &str) {
    ui.add_space(6.0);
    ui.label(RichText::new(text).heading().strong());
    ui.add_space(4.0);
}

/// A multi-line editor for a text section, with an accessible name.
fn text_editor(ui: &mut Ui, app: &mut NianbaoApp, key: &str, name: &str, rows: usize) {
    let Some(doc) = app.doc.as_mut() else { return };
    let id = section_editor_id(key);
    let mut text = doc.report.section(key).to_string();
    let resp = ui
        .add(
            TextEdit::multiline(&mut text)
                .id(id)
                .desired_rows(rows)
                .desired_width(f32::INFINITY)
                .char_limit(crate::store::draft::MAX_SECTION_CHARS),
        )
        .accessible_name(name);
    if resp.changed() {
        doc.set(Field::Section(key.to_string()), text);
    }
    if app.focus_editor == Some(id) {
        resp.request_focus();
        resp.scroll_to_me(Some(egui::Align::Center));
        app.focus_editor = None;
    }
}

fn single_line(ui: &mut Ui, doc: &mut Document, field: Field, name: &str, width: f32) -> egui::Response {
    let mut text = doc.get(&field);
    let mut edit =
        TextEdit::singleline(&mut text).desired_width(width).char_limit(crate::store::draft::MAX_SHORT_CHARS);
    if let Field::Unit(f) = &field {
        edit = edit.id(unit_field_id(*f));
    }
    let resp = ui.add(edit).accessible_name(name);
    if resp.changed() {
        doc.set(field, text);
    }
    resp
}

fn unit_page(ui: &mut Ui, app: &mut NianbaoApp) {
    heading(ui, "基本信息");
    let today = Date::today();
    let Some(doc) = app.doc.as_mut() else { return };
    egui::Grid::new("unit-grid").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        for f in UnitField::ALL {
            ui.label(f.label());
            let resp = single_line(ui, doc, Field::Unit(f), &format!("基本信息/{}", f.label()), 420.0);
            if app.focus_editor == Some(unit_field_id(f)) {
                resp.request_focus();
                app.focus_editor = None;
            }
            ui.end_row();
        }
        ui.label("规章制定权");
        let mut v = doc.report.unit.makes_rules;
        let text = |v: Option<bool>| match v {
            None => "未说明",
            Some(true) => "有（国务院部门，省、设区的市、自治州人民政府）",
            Some(false) => "无",
        };
        let combo = egui::ComboBox::from_id_salt("makes-rules").selected_text(text(v)).width(420.0).show_ui(ui, |ui| {
            for opt in [None, Some(true), Some(false)] {
                ui.selectable_value(&mut v, opt, text(opt));
            }
        });
        let _ = combo.response.accessible_name("基本信息/规章制定权");
        if v != doc.report.unit.makes_rules {
            doc.report.unit.makes_rules = v;
            doc.touch();
        }
        ui.end_row();

        ui.label("报告年度");
        ui.label(format!("{}年度（{}格式）", doc.report.year, doc.form.template.name));
        ui.end_row();

        ui.label("落款日期");
        ui.horizontal(|ui| {
            let resp = ui
                .add(TextEdit::singleline(&mut app.date_text).desired_width(140.0).hint_text("2026-01-19"))
                .accessible_name("基本信息/落款日期");
            if resp.changed() {
                let t = app.date_text.trim();
                if t.is_empty() {
                    doc.set(Field::SignedOn, String::new());
                } else if let Some(d) = Date::parse(t) {
                    doc.set(Field::SignedOn, d.to_string());
                }
            }
            if ui.button("今天").clicked() {
                app.date_text = today.to_string();
                doc.set(Field::SignedOn, today.to_string());
            }
            let t = app.date_text.trim();
            if !t.is_empty() && Date::parse(t).is_none() {
                ui.colored_label(table::severity_color(Severity::E), "日期应写成2026-01-19或2026年1月19日");
            } else if let Some(d) = doc.report.signed_on {
                ui.label(RichText::new(format!("打印为：{}", d.chinese())).weak());
            }
        });
        ui.end_row();
    });

    ui.separator();
    heading(ui, "标题与开头");
    let r = &doc.report;
    let mut pattern = r.options.title_pattern;
    let example = |p: TitlePattern| {
        let mut copy = r.clone();
        copy.options.title_pattern = p;
        copy.title()
    };
    egui::ComboBox::from_label("标题格式").selected_text(example(pattern)).width(480.0).show_ui(ui, |ui| {
        for p in [TitlePattern::UnitYear, TitlePattern::UnitYearDu, TitlePattern::YearUnit] {
            ui.selectable_value(&mut pattern, p, example(p));
        }
    });
    if pattern != doc.report.options.title_pattern {
        doc.report.options.title_pattern = pattern;
        doc.touch();
    }
    let mut placement = doc.report.options.opening;
    ui.horizontal(|ui| {
        ui.label("统计期限和联系方式：");
        ui.radio_value(&mut placement, OpeningPlacement::Start, "放在正文开头");
        ui.radio_value(&mut placement, OpeningPlacement::End, "放在正文末尾");
    });
    if placement != doc.report.options.opening {
        doc.report.options.opening = placement;
        doc.touch();
    }
    let custom = doc.report.options.opening_text.is_some();
    let mut text = doc.report.opening();
    let resp = ui
        .add(TextEdit::multiline(&mut text).desired_rows(4).desired_width(f32::INFINITY))
        .accessible_name("基本信息/开头段落");
    if resp.changed() {
        doc.set(Field::Opening, text);
    }
    ui.horizontal(|ui| {
        if custom {
            ui.label(RichText::new("已改为自定义文字。").weak());
            if ui.button("恢复自动生成").clicked() {
                doc.set(Field::Opening, String::new());
            }
        } else {
            ui.label(RichText::new("由单位信息自动生成；直接修改即改为自定义文字。").weak());
        }
    });

    ui.separator();
    heading(ui, "打印选项");
    let o = &mut doc.report.options;
    let before = o.clone();
    ui.checkbox(&mut o.signature_block, "打印落款（单位名称和日期，留出盖章位置）");
    ui.checkbox(&mut o.blank_as_zero, "未填写的单元格打印为0（否则导出时提示）");
    ui.checkbox(&mut o.landscape_table4, "表四单独横向排版（否则缩小字号排在纵向页面）");
    ui.horizontal(|ui| {
        ui.label("页码：");
        ui.radio_value(&mut o.page_numbers, PageNumbers::Outside, "单页居右、双页居左（双面打印，GB/T 9704）");
        ui.radio_value(&mut o.page_numbers, PageNumbers::Center, "居中（单面打印）");
    });
    // GB2019 采购总金额 has no unit in the national header: the report says which.
    let open_units: Vec<String> = doc
        .form
        .cells
        .iter()
        .filter(|c| c.is_input() && matches!(c.kind, crate::model::CellKind::Money { unit: None }))
        .map(|c| c.id.clone())
        .collect();
    for id in open_units {
        let path = doc.form.cell(&id).map(|c| c.row_label.clone() + "“" + &c.col_label + "”").unwrap_or_default();
        let mut unit = o.money_units.get(&id).cloned().unwrap_or_default();
        ui.horizontal(|ui| {
            ui.label(format!("{path}的单位："));
            ui.radio_value(&mut unit, String::new(), "不注明");
            ui.radio_value(&mut unit, "元".to_string(), "元");
            ui.radio_value(&mut unit, "万元".to_string(), "万元");
        });
        if unit.is_empty() {
            o.money_units.remove(&id);
        } else {
            o.money_units.insert(id, unit);
        }
    }
    if *o != before {
        doc.touch();
    }
    let mut annex = doc.report.annexes.iter().any(|a| a == "guizhou-annex");
    if ui.checkbox(&mut annex, "附带贵州省“政府信息公开情况统计表”（附件）").changed() {
        let annexes = if annex { vec!["guizhou-annex".to_string()] } else { Vec::new() };
        if let Err(e) = doc.set_annexes(annexes) {
            app.error(e);
        }
    }
}

fn section_page(ui: &mut Ui, app: &mut NianbaoApp, index: usize) {
    let Some(doc) = app.doc.as_ref() else { return };
    let section = doc.form.template.sections[index].clone();
    let reference = doc.report.reference.clone();
    heading(ui, &section.heading);

    if !section.subsections.is_empty() {
        ui.label(RichText::new("总述").strong());
        editor_with_previous(ui, app, &reference, &section.id, &format!("正文/{}/总述", section.heading), 4);
        for sub in &section.subsections {
            ui.add_space(6.0);
            ui.label(RichText::new(&sub.heading).strong());
            editor_with_previous(ui, app, &reference, &sub.id, &format!("正文/{}/{}", section.heading, sub.heading), 5);
            if sub.id == "s1.2" {
                table3_sentence_button(ui, app, &sub.id);
            }
        }
        return;
    }

    let mut has_table = false;
    for tid in &section.tables {
        let Some(doc) = app.doc.as_mut() else { return };
        let Some(t) = doc.form.tables.iter().position(|t| &t.def.id == tid) else { continue };
        let printed = doc.form.tables[t].def.printed;
        if printed {
            has_table = true;
        } else {
            ui.add_space(8.0);
            ui.label(
                RichText::new(format!("{}（用于核对，不打印；请在下方正文中写明）", doc.form.tables[t].def.name))
                    .strong(),
            );
        }
        let width = ui.available_width();
        table::table_ui(ui, doc, &mut app.grid, t, width);
        ui.add_space(8.0);
    }
    let (label, rows) = if has_table { ("表后文字（可选）", 3) } else { ("正文", 10) };
    ui.label(RichText::new(label).strong());
    editor_with_previous(ui, app, &reference, &section.id, &format!("正文/{}", section.heading), rows);
    if section.id == "s3" && app.doc.as_ref().is_some_and(|d| d.report.template == "gb2019") {
        table3_sentence_button(ui, app, &section.id);
    }
}

/// A section editor; when last year's report had text there, it stands read-only beside it.
fn editor_with_previous(
    ui: &mut Ui,
    app: &mut NianbaoApp,
    reference: &Option<crate::model::Reference>,
    key: &str,
    name: &str,
    rows: usize,
) {
    let previous = reference
        .as_ref()
        .and_then(|r| r.sections.get(key).filter(|t| !t.trim().is_empty()).map(|t| (r.year, t.clone())));
    match previous {
        None => text_editor(ui, app, key, name, rows),
        Some((year, text)) => {
            ui.columns(2, |cols| {
                text_editor(&mut cols[0], app, key, name, rows.max(6));
                previous_text(&mut cols[1], app, year, &text, key);
            });
        }
    }
}

/// The sentence on applications, written from table 三 (T3-09: never retype numbers).
pub fn table3_sentence(doc: &Document) -> Option<String> {
    let v = |id: &str| doc.form.index.get(id).and_then(|&ix| doc.values.get(ix).num());
    Some(format!(
        "本年新收政府信息公开申请{}件，上年结转{}件，办结{}件，结转下年度继续办理{}件。",
        v("t3.new.total")?,
        v("t3.carry_in.total").unwrap_or_default(),
        v("t3.r_total.total").unwrap_or_default(),
        v("t3.carry_out.total").unwrap_or_default()
    ))
}

fn table3_sentence_button(ui: &mut Ui, app: &mut NianbaoApp, key: &str) {
    let Some(doc) = app.doc.as_mut() else { return };
    let sentence = table3_sentence(doc);
    let resp = ui.add_enabled(sentence.is_some(), egui::Button::new("依据表三生成申请数量句子"));
    if resp.clicked()
        && let Some(s) = sentence
    {
        doc.append_paragraph(key, &s);
    }
}

/// Last year's text of a section, read-only, each paragraph with a copy button (narratives are
/// not carried over: 30号 warns against 内容雷同).
fn previous_text(ui: &mut Ui, app: &mut NianbaoApp, year: i32, text: &str, key: &str) {
    let mut copy = None;
    egui::Frame::new().fill(egui::Color32::from_gray(246)).inner_margin(6).corner_radius(4).show(ui, |ui| {
        ui.label(RichText::new(format!("上年（{year}年度）本部分（只读）")).strong());
        egui::ScrollArea::vertical().id_salt(("prev", key)).max_height(220.0).show(ui, |ui| {
            for (i, para) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
                ui.push_id(i, |ui| {
                    ui.label(RichText::new(para).color(egui::Color32::from_gray(90)));
                    if ui.small_button("复制此段到本年").clicked() {
                        copy = Some(para.to_string());
                    }
                });
            }
        });
    });
    if let (Some(p), Some(doc)) = (copy, app.doc.as_mut()) {
        doc.append_paragraph(key, &p);
    }
}

fn annex_page(ui: &mut Ui, app: &mut NianbaoApp) {
    heading(ui, "附件");
    let Some(doc) = app.doc.as_mut() else { return };
    let year = doc.report.year;
    let annex_tables: Vec<usize> = doc
        .form
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| t.template != doc.form.template.id)
        .map(|(i, _)| i)
        .collect();
    for t in annex_tables {
        if let Some(title) = &doc.form.tables[t].def.title {
            ui.label(RichText::new(title.replace("{Y}", &year.to_string())).strong().size(18.0));
        }
        let width = ui.available_width();
        table::table_ui(ui, doc, &mut app.grid, t, width);
    }
}
