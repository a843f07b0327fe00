//! The pages of an open report: the page list, 基本信息, the six sections, the annex. Views take
//! the document and their own view state, edit the document directly (every edit is undoable) and
//! hand back what the app must do.

use egui::{Id, RichText, TextEdit, Ui};

use super::action::{Action, Page};
use super::doc::{Document, Field, UnitField};
use super::table::{self, GridState};
use crate::model::report::{OpeningPlacement, PageNumbers, TitlePattern};
use crate::model::rules::{SIGNED_ON, Target, UNIT_NAME};
use crate::model::template::TemplateKind;
use crate::model::{Date, Severity, Template};

/// The central area's own state (not part of the document, not saved).
#[derive(Debug, Default)]
pub struct PageView {
    pub page: Page,
    /// Text of the 落款 date field while it is being typed (it may not be a date yet).
    pub date_text: String,
    /// Focus this text editor next frame (after a jump to a finding).
    pub focus_editor: Option<Id>,
    /// Focus the first input of the page next frame (after a page change), so the keyboard
    /// alone can fill the report.
    pub focus_first: bool,
    /// Scroll the page to the top next frame.
    pub scroll_top: bool,
}

impl PageView {
    /// Shows another page: from its top, with the keyboard on its first input.
    pub fn go_to(&mut self, page: Page, grid: &mut GridState) {
        if self.page != page {
            self.page = page;
            self.scroll_top = true;
            grid.focused = None;
            self.focus_first = true;
        }
    }

    /// The state for a newly opened document.
    pub fn for_document(doc: &Document) -> PageView {
        PageView {
            date_text: doc.report.signed_on.map(|d| d.to_string()).unwrap_or_default(),
            focus_first: true,
            ..PageView::default()
        }
    }
}

/// The id of a section's text editor (for focusing it from a finding).
pub fn section_editor_id(key: &str) -> Id {
    Id::unique(("nianbao-section", key.to_string()))
}

/// The id of a 基本信息 field.
pub fn unit_field_id(f: UnitField) -> Id {
    Id::unique(("nianbao-unit", f.label()))
}

/// The id of the 落款 date field.
pub fn signed_on_id() -> Id {
    Id::unique("nianbao-signed-on")
}

// ---------------------------------------------------------------------------------------------
// Where things are
// ---------------------------------------------------------------------------------------------

pub fn pages(doc: &Document) -> Vec<Page> {
    let mut pages = vec![Page::Unit];
    pages.extend((0..doc.form.template.sections.len()).map(Page::Section));
    if !doc.report.annexes.is_empty() {
        pages.push(Page::Annex);
    }
    pages
}

pub fn page_title(doc: &Document, page: Page) -> String {
    match page {
        Page::Unit => "基本信息".into(),
        Page::Section(i) => doc.form.template.sections[i].heading.clone(),
        Page::Annex => "附件".into(),
    }
}

pub fn page_of_table(doc: &Document, table_ix: usize) -> Page {
    let id = &doc.form.tables[table_ix].def.id;
    doc.form.template.sections.iter().position(|s| s.tables.contains(id)).map(Page::Section).unwrap_or(Page::Annex)
}

/// The tables shown on a page (by index into `Form::tables`), in order.
pub fn tables_on_page(doc: &Document, page: Page) -> Vec<usize> {
    match page {
        Page::Unit => Vec::new(),
        Page::Section(_) | Page::Annex => {
            (0..doc.form.tables.len()).filter(|&t| page_of_table(doc, t) == page).collect()
        }
    }
}

pub fn page_of_cell(doc: &Document, ix: crate::model::form::CellIx) -> Page {
    page_of_table(doc, doc.form.cells[ix].table)
}

pub fn page_of_section(doc: &Document, key: &str) -> Option<Page> {
    doc.form
        .template
        .sections
        .iter()
        .position(|s| s.id == key || s.subsections.iter().any(|x| x.id == key))
        .map(Page::Section)
}

/// The page a finding's target is on.
pub fn page_of_target(doc: &Document, target: &Target) -> Page {
    match target {
        Target::Cell(id) => doc.form.index.get(id).map(|&ix| page_of_cell(doc, ix)).unwrap_or(Page::Unit),
        Target::Table(id) => {
            doc.form.tables.iter().position(|t| &t.def.id == id).map(|t| page_of_table(doc, t)).unwrap_or(Page::Unit)
        }
        Target::Section(key) => page_of_section(doc, key).unwrap_or(Page::Unit),
        Target::Unit(_) | Target::Report | Target::Line(_) => Page::Unit,
    }
}

/// Unexplained errors and warnings on a page (for the page list).
pub fn page_counts(doc: &Document, page: Page) -> (usize, usize) {
    let mut counts = (0, 0);
    for f in doc.findings.iter().filter(|f| !f.is_explained() && page_of_target(doc, &f.target) == page) {
        match f.severity {
            Severity::E => counts.0 += 1,
            Severity::W => counts.1 += 1,
            Severity::I => {}
        }
    }
    counts
}

/// The page list, with each page's counts.
pub fn nav_ui(ui: &mut Ui, doc: &Document, current: Page) -> Option<Action> {
    ui.add_space(4.0);
    ui.label(RichText::new(doc.report.title()).strong());
    ui.label(format!("{}年度 · {}", doc.report.year, doc.form.template.name));
    ui.separator();
    let mut go = None;
    let threshold = crate::model::repetition::threshold(&doc.form).unwrap_or(50);
    if let Some(r) = &doc.rates {
        let color =
            if r.whole.over(threshold) { table::severity_color(Severity::W) } else { ui.visuals().text_color() };
        ui.label(RichText::new(format!("与上年（{}年度）重复率：全文{}", r.year, r.whole.label())).color(color))
            .on_hover_text(REPETITION_HELP);
    }
    for page in pages(doc) {
        let (e, w) = page_counts(doc, page);
        let mut text = page_title(doc, page);
        let parts: Vec<String> =
            [(e, "错误"), (w, "警告")].iter().filter(|(n, _)| *n > 0).map(|(n, l)| format!("{l}{n}")).collect();
        if !parts.is_empty() {
            text.push_str(&format!("  （{}）", parts.join(" ")));
        }
        // Each section's 与上年重复率, once there is text to compare.
        if let (Page::Section(i), Some(r)) = (page, &doc.rates)
            && let Some(rate) = r.section(&doc.form.template.sections[i].id).filter(|s| s.share.counted > 0)
        {
            text.push_str(&format!("  重复{}", rate.share.label()));
        }
        let color = if e > 0 {
            table::severity_color(Severity::E)
        } else if w > 0 {
            table::severity_color(Severity::W)
        } else {
            ui.visuals().text_color()
        };
        if ui.selectable_label(current == page, RichText::new(text).color(color)).clicked() {
            go = Some(Action::GoToPage(page));
        }
    }
    go
}

/// What the repetition rate is, for a hover.
const REPETITION_HELP: &str = "与上年重复率：连续13个字以上与上年报告相同的文字占本年正文的比例（不计标点和空格，数字视为相同）。正文中与上年相同的句子以黄色标出。";

/// The colour repeated sentences are marked with, in this year's editor and last year's text.
fn repeated_fill(ui: &Ui) -> egui::Color32 {
    if ui.visuals().dark_mode { egui::Color32::from_rgb(110, 90, 20) } else { egui::Color32::from_rgb(255, 236, 150) }
}

/// A text laid out with `marked` byte ranges on the repeated colour.
fn marked_job(
    ui: &Ui,
    text: &str,
    marked: &[std::ops::Range<usize>],
    color: egui::Color32,
    wrap: f32,
) -> egui::text::LayoutJob {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let plain = egui::TextFormat { font_id: font.clone(), color, ..Default::default() };
    let lit = egui::TextFormat { font_id: font, color, background: repeated_fill(ui), ..Default::default() };
    let mut job = egui::text::LayoutJob::default();
    let mut at = 0;
    for r in marked {
        let fits = r.start >= at && r.start <= r.end && r.end <= text.len();
        if !fits || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            continue;
        }
        job.append(&text[at..r.start], 0.0, plain.clone());
        job.append(&text[r.clone()], 0.0, lit.clone());
        at = r.end;
    }
    job.append(&text[at..], 0.0, plain);
    job.wrap.max_width = wrap;
    job
}

// ---------------------------------------------------------------------------------------------
// The pages
// ---------------------------------------------------------------------------------------------

/// The current page of an open report.
pub fn page_ui(ui: &mut Ui, doc: &mut Document, view: &mut PageView, grid: &mut GridState) -> Vec<Action> {
    if std::mem::take(&mut view.focus_first) {
        focus_first_input(doc, view, grid);
    }
    let mut actions = Vec::new();
    match view.page {
        Page::Unit => unit_page(ui, doc, view, &mut actions),
        Page::Section(i) => section_page(ui, doc, view, grid, i),
        Page::Annex => annex_page(ui, doc, grid),
    }
    actions
}

/// Puts the keyboard on the first thing to fill in on the page: the first input cell of its
/// table, or its first text editor.
fn focus_first_input(doc: &Document, view: &mut PageView, grid: &mut GridState) {
    let first_cell_of = |tables: Vec<usize>| {
        tables.into_iter().find_map(|t| table::input_positions(doc, &doc.form.tables[t]).first().map(|c| c.0))
    };
    match view.page {
        Page::Unit => view.focus_editor = Some(unit_field_id(UnitField::Name)),
        Page::Annex => {
            let tables = (0..doc.form.tables.len()).filter(|&t| doc.form.tables[t].template != doc.form.template.id);
            if let Some(ix) = first_cell_of(tables.collect()) {
                table::focus_cell(grid, ix);
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
                Some(ix) => table::focus_cell(grid, ix),
                None => view.focus_editor = Some(section_editor_id(&s.id)),
            }
        }
    }
}

/// Where a finding's target gets the keyboard (its cell, editor or field).
pub fn show_target(doc: &Document, view: &mut PageView, grid: &mut GridState, target: &Target) {
    view.page = page_of_target(doc, target);
    match target {
        Target::Cell(id) => {
            if let Some(&ix) = doc.form.index.get(id) {
                if doc.form.cells[ix].is_input() {
                    table::focus_cell(grid, ix);
                } else {
                    grid.scroll_to = Some(ix);
                }
            }
        }
        Target::Section(key) => view.focus_editor = Some(section_editor_id(key)),
        Target::Unit(label) if label == SIGNED_ON => view.focus_editor = Some(signed_on_id()),
        Target::Unit(label) if label == UNIT_NAME => view.focus_editor = Some(unit_field_id(UnitField::Name)),
        Target::Table(_) | Target::Unit(_) | Target::Report | Target::Line(_) => view.scroll_top = true,
    }
}

fn heading(ui: &mut Ui, text: &str) {
    ui.add_space(6.0);
    ui.label(RichText::new(text).heading().strong());
    ui.add_space(4.0);
}

/// Gives the keyboard to a field the page was asked to focus.
fn take_focus(view: &mut PageView, id: Id, resp: &egui::Response) {
    if view.focus_editor == Some(id) {
        resp.request_focus();
        resp.scroll_to_me(Some(egui::Align::Center));
        view.focus_editor = None;
    }
}

/// A multi-line editor for a text section, with an accessible name.
fn text_editor(ui: &mut Ui, doc: &mut Document, view: &mut PageView, key: &str, name: &str, rows: usize) {
    let id = section_editor_id(key);
    let mut text = doc.report.section(key).to_string();
    // The sentences that repeat last year's are marked while typing.
    let corpus = doc.corpus.clone();
    let exclude = doc.form.generated.clone();
    let mut layouter = |ui: &Ui, buf: &dyn egui::TextBuffer, wrap: f32| {
        let text = buf.as_str();
        let marked = corpus
            .as_deref()
            .map(|c| crate::model::repetition::measure(text, c, &exclude).repeated_sentences(text))
            .unwrap_or_default();
        let color = ui.visuals().override_text_color.unwrap_or_else(|| ui.visuals().widgets.inactive.text_color());
        let job = marked_job(ui, text, &marked, color, wrap);
        ui.fonts_mut(|f| f.layout_job(job))
    };
    let mut edit = TextEdit::multiline(&mut text)
        .id(id)
        .desired_rows(rows)
        .desired_width(f32::INFINITY)
        .char_limit(crate::store::draft::MAX_SECTION_CHARS);
    if doc.corpus.is_some() {
        edit = edit.layouter(&mut layouter);
    }
    let resp = ui.add(edit).accessible_name(name);
    if resp.changed() {
        doc.set(Field::Section(key.to_string()), text);
    }
    take_focus(view, id, &resp);
}

fn single_line(ui: &mut Ui, doc: &mut Document, field: Field, name: &str, width: f32, id: Id) -> egui::Response {
    let mut text = doc.get(&field);
    let edit =
        TextEdit::singleline(&mut text).id(id).desired_width(width).char_limit(crate::store::draft::MAX_SHORT_CHARS);
    let resp = ui.add(edit).accessible_name(name);
    if resp.changed() {
        doc.set(field, text);
    }
    resp
}

/// Long on purpose: the 单位信息 page's fields in drawing order (egui's immediate mode).
#[expect(clippy::too_many_lines, reason = "see the doc comment")]
fn unit_page(ui: &mut Ui, doc: &mut Document, view: &mut PageView, actions: &mut Vec<Action>) {
    heading(ui, "基本信息");
    let today = crate::store::clock::today();
    egui::Grid::new("unit-grid").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        for f in UnitField::ALL {
            ui.label(f.label());
            let name = format!("基本信息/{}", f.label());
            let resp = single_line(ui, doc, Field::Unit(f), &name, 420.0, unit_field_id(f));
            take_focus(view, unit_field_id(f), &resp);
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
                .add(
                    TextEdit::singleline(&mut view.date_text)
                        .id(signed_on_id())
                        .desired_width(140.0)
                        .hint_text(format!("{}-01-20", doc.report.year + 1)),
                )
                .accessible_name("基本信息/落款日期");
            take_focus(view, signed_on_id(), &resp);
            if resp.changed() {
                let t = view.date_text.trim();
                if t.is_empty() {
                    doc.set(Field::SignedOn, String::new());
                } else if let Some(d) = Date::parse(t) {
                    doc.set(Field::SignedOn, d.to_string());
                }
            }
            if ui.button("今天").clicked() {
                view.date_text = today.to_string();
                doc.set(Field::SignedOn, today.to_string());
            }
            let t = view.date_text.trim();
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
    if o.signature_block {
        ui.checkbox(&mut o.date_by_hand, "落款日期留空（手写）：未填日期时不提示、不加草稿标记");
    }
    ui.checkbox(&mut o.blank_as_zero, "未填写的单元格打印为0（否则导出时提示）");
    ui.checkbox(&mut o.landscape_table4, "表四单独横向排版（否则缩小字号排在纵向页面）");
    ui.horizontal(|ui| {
        ui.label("页码：");
        ui.radio_value(&mut o.page_numbers, PageNumbers::Outside, "单页居右、双页居左（双面打印，GB/T 9704）");
        ui.radio_value(&mut o.page_numbers, PageNumbers::Center, "居中（单面打印）");
    });
    // Money cells whose template leaves the unit open (GB2019 采购总金额): the report says which.
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
    // Every annex template the app knows (built-in or the user's) can be added.
    for annex in Template::of_kind(TemplateKind::Annex) {
        let mut on = doc.report.annexes.contains(&annex.id);
        if ui.checkbox(&mut on, format!("附带“{}”（附件）", annex.name)).changed() {
            let mut annexes = doc.report.annexes.clone();
            annexes.retain(|a| a != &annex.id);
            if on {
                annexes.push(annex.id.clone());
            }
            if let Err(e) = doc.set_annexes(annexes) {
                actions.push(Action::Error(e.to_string()));
            }
        }
    }
}

fn section_page(ui: &mut Ui, doc: &mut Document, view: &mut PageView, grid: &mut GridState, index: usize) {
    let section = doc.form.template.sections[index].clone();
    heading(ui, &section.heading);

    if !section.subsections.is_empty() {
        ui.label(RichText::new("总述").strong());
        editor_with_previous(ui, doc, view, &section.id, &format!("正文/{}/总述", section.heading), 4);
        for sub in &section.subsections {
            ui.add_space(6.0);
            ui.label(RichText::new(&sub.heading).strong());
            editor_with_previous(ui, doc, view, &sub.id, &format!("正文/{}/{}", section.heading, sub.heading), 5);
            sentence_button(ui, doc, &sub.id);
        }
        return;
    }

    let mut has_table = false;
    for tid in &section.tables {
        let Some(t) = doc.form.tables.iter().position(|t| &t.def.id == tid) else { continue };
        if doc.form.tables[t].def.printed {
            has_table = true;
        } else {
            ui.add_space(8.0);
            ui.label(
                RichText::new(format!("{}（用于核对，不打印；请在下方正文中写明）", doc.form.tables[t].def.name))
                    .strong(),
            );
        }
        let width = ui.available_width();
        table::table_ui(ui, doc, grid, t, width);
        ui.add_space(8.0);
    }
    let (label, rows) = if has_table { ("表后文字（可选）", 3) } else { ("正文", 10) };
    ui.label(RichText::new(label).strong());
    editor_with_previous(ui, doc, view, &section.id, &format!("正文/{}", section.heading), rows);
    sentence_button(ui, doc, &section.id);
}

/// A section editor; when last year's report had text there, it stands read-only beside it.
fn editor_with_previous(ui: &mut Ui, doc: &mut Document, view: &mut PageView, key: &str, name: &str, rows: usize) {
    let previous = doc
        .report
        .reference
        .as_ref()
        .and_then(|r| r.sections.get(key).filter(|t| !t.trim().is_empty()).map(|t| (r.year, t.clone())));
    if let Some(m) = doc.rates.as_ref().and_then(|r| r.texts.get(key)).filter(|m| m.share.counted > 0) {
        let threshold = crate::model::repetition::threshold(&doc.form).unwrap_or(50);
        let over = m.share.over(threshold);
        let text = format!("本段与上年重复{}{}", m.share.label(), if over { "，请改写标黄的句子" } else { "" });
        let color = if over { table::severity_color(Severity::W) } else { ui.visuals().weak_text_color() };
        ui.label(RichText::new(text).color(color).small()).on_hover_text(REPETITION_HELP);
    }
    match previous {
        None => text_editor(ui, doc, view, key, name, rows),
        Some((year, text)) => {
            // Last year's sentences that this year's text repeats, marked the same way.
            let marked = reused_sentences(doc, &text);
            ui.columns(2, |cols| {
                text_editor(&mut cols[0], doc, view, key, name, rows.max(6));
                if let Some(p) = previous_text(&mut cols[1], year, &text, key, &marked) {
                    doc.append_paragraph(key, &p);
                }
            });
        }
    }
}

/// The sentences of last year's `text` that this year's report repeats (byte ranges).
fn reused_sentences(doc: &Document, text: &str) -> Vec<std::ops::Range<usize>> {
    if doc.corpus.is_none() {
        return Vec::new();
    }
    let exclude = &doc.form.generated;
    let this_year = crate::model::repetition::Corpus::new(doc.report.sections.values().map(String::as_str), exclude);
    crate::model::repetition::measure(text, &this_year, exclude).repeated_sentences(text)
}

/// The sentence the template lets a section have written from the tables (T3-09: never retype
/// numbers), as a button that appends it.
fn sentence_button(ui: &mut Ui, doc: &mut Document, key: &str) {
    let Some(sentence) = doc.form.sentence(key).cloned() else { return };
    let text = crate::model::report::fill_sentence(&doc.form, &doc.values, &sentence.text);
    let resp = ui.add_enabled(text.is_some(), egui::Button::new(&sentence.label));
    if resp.clicked()
        && let Some(s) = text
    {
        doc.append_paragraph(key, &s);
    }
}

/// Last year's text of a section, read-only, each paragraph with a copy button (narratives are
/// not carried over: 30号 warns against 内容雷同). Returns the paragraph to copy.
fn previous_text(ui: &mut Ui, year: i32, text: &str, key: &str, marked: &[std::ops::Range<usize>]) -> Option<String> {
    let mut copy = None;
    egui::Frame::new().fill(egui::Color32::from_gray(246)).inner_margin(6).corner_radius(4).show(ui, |ui| {
        ui.label(RichText::new(format!("上年（{year}年度）本部分（只读）")).strong());
        if !marked.is_empty() {
            ui.label(RichText::new("标黄的句子本年报告仍在使用").small().color(egui::Color32::from_gray(90)));
        }
        egui::ScrollArea::vertical().id_salt(("prev", key)).max_height(220.0).show(ui, |ui| {
            let mut offset = 0;
            let paragraphs: Vec<(usize, &str)> = text
                .split('\n')
                .map(|l| {
                    let at = offset;
                    offset += l.len() + 1;
                    (at, l)
                })
                .filter(|(_, l)| !l.trim().is_empty())
                .collect();
            for (i, (at, para)) in paragraphs.into_iter().enumerate() {
                ui.push_id(i, |ui| {
                    // This paragraph's marked ranges, relative to it.
                    let end = at + para.len();
                    let local: Vec<std::ops::Range<usize>> = marked
                        .iter()
                        .filter(|r| r.start < end && r.end > at)
                        .map(|r| r.start.max(at) - at..r.end.min(end) - at)
                        .collect();
                    let job = marked_job(ui, para, &local, egui::Color32::from_gray(90), ui.available_width());
                    ui.label(job);
                    if ui.small_button("复制此段到本年").clicked() {
                        copy = Some(para.to_string());
                    }
                });
            }
        });
    });
    copy
}

fn annex_page(ui: &mut Ui, doc: &mut Document, grid: &mut GridState) {
    heading(ui, "附件");
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
        table::table_ui(ui, doc, grid, t, width);
    }
}
