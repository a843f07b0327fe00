//! The whole January by keyboard (issue 22): the menu bar with Alt and F10, chords that never
//! type, Esc in the grid, Tab through the page first, F6 between the panes, the findings panel's
//! order.

use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};
use nianbao::ui::NianbaoApp;
use nianbao::ui::action::Page;
use nianbao::ui::command::Menu;
use nianbao::ui::focus::Pane;

use crate::harness::{app_with, empty_2025, harness, open_page};

const NEW_NP: &str = "表三/一、本年新收政府信息公开申请数量/自然人";
const NEW_BIZ: &str = "表三/一、本年新收政府信息公开申请数量/商业企业";

fn click(h: &mut Harness<'static, NianbaoApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

fn cell(h: &Harness<'static, NianbaoApp>, id: &str) -> String {
    h.state().doc.as_ref().unwrap().report.cell_text(id).to_string()
}

/// Alt+`key` as egui-winit reports it on Linux and Windows: the key with Alt, and the letter as
/// text (which egui-winit lets through for Alt, unlike Ctrl).
fn alt_letter(h: &mut Harness<'static, NianbaoApp>, key: Key, letter: &str) {
    let alt = Modifiers::ALT;
    h.event(Event::ModifiersChanged(alt));
    h.event(Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers: alt });
    h.event(Event::Text(letter.into()));
    h.event(Event::Key { key, physical_key: None, pressed: false, repeat: false, modifiers: alt });
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run();
}

/// The accessible name of the widget that has the keyboard.
fn focused(h: &Harness<'static, NianbaoApp>) -> Option<String> {
    h.query_all(By::new()).find(|n| n.is_focused()).and_then(|n| n.accesskit_node().label().map(|l| l.to_string()))
}

// regression: Alt+F typed `f` into the cell and opened nothing; F10 did nothing.
#[test]
fn alt_f_opens_the_file_menu_and_never_types_f_into_the_cell() {
    let mut h = harness(app_with(empty_2025()));
    open_page(&mut h, "三、收到和处理政府信息公开申请情况");
    click(&mut h, NEW_NP);
    alt_letter(&mut h, Key::F, "f");
    assert_eq!(cell(&h, "t3.new.np"), "", "no `f` in the cell");
    assert_eq!(h.state().menu_keys.open_menu(), Some(Menu::File));
    let first = focused(&h).unwrap_or_default();
    assert!(first.starts_with("新建报告"), "the first entry has the keyboard: {first}");
    // Esc closes the menu and the cell has the keyboard again; typing goes on there.
    h.key_press(Key::Escape);
    h.run();
    assert!(h.state().menu_keys.active().is_none());
    assert!(h.get_by_label(NEW_NP).is_focused(), "back in the cell");
    h.event(Event::Text("5".into()));
    h.run();
    assert_eq!(cell(&h, "t3.new.np"), "5");
    // Ctrl and Alt chords that are no command type nothing either.
    alt_letter(&mut h, Key::Q, "q");
    assert_eq!(cell(&h, "t3.new.np"), "5");
}

#[test]
fn the_export_menu_opens_with_alt_x_and_word_export_is_chosen_by_arrows_and_enter() {
    let mut h = harness(app_with(empty_2025()));
    alt_letter(&mut h, Key::X, "x");
    assert_eq!(h.state().menu_keys.open_menu(), Some(Menu::Export));
    h.key_press(Key::ArrowDown);
    h.run();
    assert!(focused(&h).unwrap_or_default().starts_with("导出Word文档"), "{:?}", focused(&h));
    h.key_press(Key::Enter);
    h.run();
    let prompt = h.state().dialog_as::<nianbao::ui::dialogs::PathDialog>().expect("asks where to write");
    assert_eq!(prompt.prompt.title, "导出Word文档");
}

// regression: after Esc (not editing) arrows, Shift+arrows and digits did nothing until a click.
#[test]
fn escape_in_the_grid_keeps_the_cell_cursor_for_arrows_digits_and_selections() {
    let mut h = harness(app_with(empty_2025()));
    open_page(&mut h, "三、收到和处理政府信息公开申请情况");
    click(&mut h, NEW_NP);
    h.key_press(Key::Escape);
    h.run();
    assert!(h.get_by_label(NEW_NP).is_focused(), "Esc leaves the cursor where it was");
    h.key_press(Key::ArrowRight);
    h.run();
    assert!(h.get_by_label(NEW_BIZ).is_focused(), "arrows still move");
    // Shift+→ selects a block; Esc cancels the selection and keeps the cell.
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run();
    assert!(h.state().grid.anchor.is_some(), "a block is selected");
    h.key_press(Key::Escape);
    h.run();
    assert!(h.state().grid.anchor.is_none(), "Esc cancels the selection");
    assert!(h.get_by_label(NEW_BIZ).is_focused());
    h.event(Event::Text("7".into()));
    h.run();
    assert_eq!(cell(&h, "t3.new.le_biz"), "7", "digits still type");
    // Esc while editing puts back what the cell held before, and it keeps the keyboard.
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(cell(&h, "t3.new.le_biz"), "");
    assert!(h.get_by_label(NEW_BIZ).is_focused());
}

// regression: on 五、 thirty Tabs walked the menus, the page list and the finding cards and never
// reached the text box.
#[test]
fn tab_reaches_the_pages_own_text_box_first_with_a_caret() {
    let mut h = harness(app_with(empty_2025()));
    open_page(&mut h, "五、存在的主要问题及改进情况");
    let editor = "正文/五、存在的主要问题及改进情况";
    // The page gave its editor the keyboard; Esc in a text box lets it go: nothing has it.
    h.key_press(Key::Escape);
    h.run();
    assert!(!h.get_by_label(editor).is_focused());
    h.key_press(Key::Tab);
    h.run();
    assert!(h.get_by_label(editor).is_focused(), "the first Tab: {:?}", focused(&h));
    let id = nianbao::ui::pages::section_editor_id("s5");
    let state = egui::text_edit::TextEditState::load(&h.ctx, id).expect("the editor's state");
    assert!(state.cursor.char_range().is_some(), "a caret to type at");
    // Shift+Tab from nothing reaches it too (the page's last field).
    h.key_press(Key::Escape);
    h.run();
    h.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
    h.run();
    let now = h.ctx.memory(|m| m.focused());
    assert_eq!(now.and_then(|id| h.state().panes.pane_of(id)), Some(Pane::Page), "{:?}", focused(&h));
}

// regression: Tab stopped on the read-only 总计 of 四、结转下年度 (the README says Tab skips
// computed cells).
#[test]
fn tab_from_the_last_cell_of_table_three_skips_its_read_only_total() {
    let mut h = harness(app_with(empty_2025()));
    open_page(&mut h, "三、收到和处理政府信息公开申请情况");
    click(&mut h, "表三/四、结转下年度继续办理/其他");
    h.key_press(Key::Tab);
    h.run();
    assert!(!h.get_by_label("表三/四、结转下年度继续办理/总计").is_focused(), "not the computed total");
    assert!(h.get_by_label("正文/三、收到和处理政府信息公开申请情况").is_focused(), "{:?}", focused(&h));
    // And back.
    h.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
    h.run();
    assert!(h.get_by_label("表三/四、结转下年度继续办理/其他").is_focused(), "{:?}", focused(&h));
}

#[test]
fn f6_moves_between_the_page_the_findings_and_the_page_list_and_back() {
    let mut r = empty_2025();
    r.set_cell("t3.new.np", "x");
    let mut h = harness(app_with(r));
    open_page(&mut h, "三、收到和处理政府信息公开申请情况");
    click(&mut h, NEW_BIZ);
    let pane = |h: &Harness<'static, NianbaoApp>| {
        let id = h.ctx.memory(|m| m.focused());
        id.and_then(|id| h.state().panes.pane_of(id))
    };
    assert_eq!(pane(&h), Some(Pane::Page));
    h.key_press(Key::F6);
    h.run();
    assert_eq!(pane(&h), Some(Pane::Findings), "{:?}", focused(&h));
    h.key_press(Key::F6);
    h.run();
    assert_eq!(pane(&h), Some(Pane::Pages), "{:?}", focused(&h));
    h.key_press(Key::F6);
    h.run();
    assert!(h.get_by_label(NEW_BIZ).is_focused(), "back where the keyboard was: {:?}", focused(&h));
    // Typing there goes on as before.
    h.event(Event::Text("3".into()));
    h.run();
    assert_eq!(cell(&h, "t3.new.le_biz"), "3");
    assert_eq!(h.state().view.page, Page::Section(2));
}

// regression: warnings were listed above 表三's errors, so the errors were off-screen.
#[test]
fn the_findings_panel_lists_a_tables_errors_before_its_warnings() {
    let mut r = empty_2025();
    // An error (T3-01: the column does not balance) and warnings (blanks) in 表三.
    r.set_cell("t3.new.np", "5");
    let mut h = harness(app_with(r));
    h.run();
    let doc = h.state().doc.as_ref().unwrap();
    assert!(doc.findings.iter().any(|f| f.rule == "T3-01"), "an error in 表三");
    let cards: Vec<(String, f32)> = h
        .query_all(By::new().label_contains("] "))
        .filter_map(|n| n.accesskit_node().label().map(|l| (l.to_string(), n.rect().min.y)))
        .filter(|(l, _)| l.contains("表三"))
        .collect();
    let first_warning = cards.iter().filter(|(l, _)| l.starts_with("[警告]")).map(|c| c.1).fold(f32::MAX, f32::min);
    let last_error = cards.iter().filter(|(l, _)| l.starts_with("[错误]")).map(|c| c.1).fold(f32::MIN, f32::max);
    assert!(last_error < first_warning, "{cards:#?}");
}

#[test]
fn after_a_dialog_the_keyboard_is_back_where_the_staffer_was_typing() {
    let mut h = harness(app_with(empty_2025()));
    open_page(&mut h, "五、存在的主要问题及改进情况");
    let editor = "正文/五、存在的主要问题及改进情况";
    assert!(h.get_by_label(editor).is_focused());
    // Ctrl+S asks where (a new report), and Esc cancels.
    h.key_press_modifiers(crate::harness::CTRL, Key::S);
    h.run();
    assert!(h.state().dialog.is_some(), "the save prompt");
    h.key_press(Key::Escape);
    h.run();
    assert!(h.state().dialog.is_none());
    assert!(h.get_by_label(editor).is_focused(), "{:?}", focused(&h));
    h.event(Event::Text("问题".into()));
    h.run();
    assert_eq!(h.state().doc.as_ref().unwrap().report.section("s5"), "问题");
}

#[test]
fn a_dialog_opened_from_the_menu_by_keyboard_has_the_keyboard_on_its_default_button() {
    let mut h = harness(app_with(empty_2025()));
    alt_letter(&mut h, Key::V, "v");
    h.key_press(Key::ArrowUp);
    h.run();
    assert!(focused(&h).unwrap_or_default().starts_with("消息记录"), "{:?}", focused(&h));
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(h.state().dialog_title().as_deref(), Some("消息记录"));
    assert!(h.get_by_label("关闭").is_focused(), "{:?}", focused(&h));
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().dialog.is_none(), "Enter closes it");
}
