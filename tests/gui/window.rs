//! The window, driven like a person would through AccessKit names (egui_kittest): typing into
//! cells, live totals and findings, jumping to a finding, pasting from Excel, undo/redo, the
//! unsaved-changes guard, and a save / reopen round trip.

use crate::harness::{CTRL, app_with, empty_2025, harness, open_page};

use egui::accesskit::Role;
use egui::{Event, Key, Modifiers, ViewportCommand, ViewportEvent, ViewportId};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use nianbao::model::Report;
use nianbao::ui::action::Page;
use nianbao::ui::dialogs::{ChoiceDialog, MessageDialog, PathDialog};
use nianbao::ui::doc::Document;
use nianbao::ui::{AppConfig, NianbaoApp};

const CTRL_SHIFT: Modifiers = Modifiers { ctrl: true, command: true, alt: false, shift: true, mac_cmd: false };

fn go_to_table3(h: &mut Harness<'static, NianbaoApp>) {
    open_page(h, "三、收到和处理政府信息公开申请情况");
    assert_eq!(h.state().view.page, Page::Section(2));
}

const NEW_NP: &str = "表三/一、本年新收政府信息公开申请数量/自然人";
const NEW_BIZ: &str = "表三/一、本年新收政府信息公开申请数量/商业企业";
const NEW_TOTAL: &str = "表三/一、本年新收政府信息公开申请数量/总计";
const OPEN_NP: &str = "表三/（一）予以公开/自然人";
const R_TOTAL_NP: &str = "表三/（七）总计/自然人";

fn value(h: &Harness<'static, NianbaoApp>, label: &str) -> String {
    h.get_by_label(label).value().unwrap_or_default()
}

fn cell_text(h: &Harness<'static, NianbaoApp>, id: &str) -> String {
    h.state().doc.as_ref().unwrap().report.cell_text(id).to_string()
}

fn type_into(h: &mut Harness<'static, NianbaoApp>, label: &str, text: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

#[test]
fn typing_into_cells_updates_totals_and_findings_live() {
    let mut h = harness(app_with(empty_2025()));
    go_to_table3(&mut h);
    type_into(&mut h, NEW_NP, "5");
    type_into(&mut h, NEW_BIZ, "３");
    assert_eq!(value(&h, NEW_TOTAL), "8", "the 总计 column adds up live");
    type_into(&mut h, OPEN_NP, "4");
    assert_eq!(value(&h, R_TOTAL_NP), "4");
    let doc = h.state().doc.as_ref().unwrap();
    let t301: Vec<_> = doc.findings.iter().filter(|f| f.rule == "T3-01").collect();
    assert!(
        t301.iter().any(|f| f.message
            == "表三“自然人”列：一、本年新收(5)+二、上年结转(未填)=5，不等于（七）总计(4)+四、结转下年度(未填)=4"),
        "{t301:#?}"
    );
    // The findings panel lists it.
    assert!(h.query_by_label_contains("T3-01 表三“自然人”列").is_some());
    // Fixing the column clears it.
    type_into(&mut h, "表三/四、结转下年度继续办理/自然人", "1");
    assert_eq!(cell_text(&h, "t3.carry_out.np"), "1");
    let doc = h.state().doc.as_ref().unwrap();
    assert!(!doc.findings.iter().any(|f| f.rule == "T3-01" && f.cells[0] == "t3.new.np"));
    // An invalid value is kept as typed and reported.
    type_into(&mut h, "表三/二、上年结转政府信息公开申请数量/科研机构", "12a");
    assert_eq!(cell_text(&h, "t3.carry_in.le_sci"), "12a");
    assert!(h.query_by_label_contains("“12a”不是有效的整数").is_some());
    assert!(h.state().title().contains('*'), "unsaved marker in the title: {}", h.state().title());
}

#[test]
fn keyboard_only_moves_between_input_cells_skipping_totals() {
    let mut h = harness(app_with(empty_2025()));
    go_to_table3(&mut h);
    h.get_by_label(NEW_NP).click();
    h.run();
    // Type a row: Tab after each value; after 其他 the next stop is the next row's 自然人,
    // because 总计 is computed.
    for v in ["1", "2", "3", "4", "5", "6"] {
        h.event(Event::Text(v.to_string()));
        h.run();
        h.key_press(Key::Tab);
        h.run();
    }
    assert_eq!(value(&h, NEW_TOTAL), "21");
    assert!(h.get_by_label("表三/二、上年结转政府信息公开申请数量/自然人").is_focused());
    // Enter moves down, Shift+Tab back, arrows move while not editing.
    h.key_press(Key::Enter);
    h.run();
    assert!(h.get_by_label(OPEN_NP).is_focused());
    h.key_press(Key::ArrowUp);
    h.run();
    h.key_press(Key::ArrowUp);
    h.run();
    assert!(h.get_by_label(NEW_NP).is_focused());
    h.key_press(Key::ArrowRight);
    h.run();
    assert!(h.get_by_label(NEW_BIZ).is_focused());
    // Typing over a selected cell replaces it.
    h.event(Event::Text("9".into()));
    h.run();
    assert_eq!(cell_text(&h, "t3.new.le_biz"), "9");
    h.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
    h.run();
    assert!(h.get_by_label(NEW_NP).is_focused());
    // Escape after typing puts the old value back.
    h.event(Event::Text("77".into()));
    h.run();
    assert_eq!(cell_text(&h, "t3.new.np"), "77");
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(cell_text(&h, "t3.new.np"), "1");
}

#[test]
fn clicking_a_finding_jumps_to_its_cell() {
    let mut r = empty_2025();
    r.set_cell("t4.ld.keep", "x");
    let mut h = harness(app_with(r));
    assert_eq!(h.state().view.page, Page::Unit);
    h.get_by_label_contains("“x”不是有效的整数").scroll_to_me();
    h.run();
    h.get_by_label_contains("“x”不是有效的整数").click();
    h.run();
    assert_eq!(h.state().view.page, Page::Section(3));
    assert!(h.get_by_label("表四/未经复议直接起诉/结果维持").is_focused());
    // A section finding focuses its editor.
    h.get_by_label_contains("[警告] S-02").scroll_to_me();
    h.run();
    h.get_by_label_contains("[警告] S-02").click();
    h.run();
    assert_eq!(h.state().view.page, Page::Section(4));
    assert!(h.get_by_label("正文/五、存在的主要问题及改进情况").is_focused());
}

#[test]
fn pasting_a_3x2_block_from_excel_fills_the_grid_and_reports_bad_values() {
    let mut h = harness(app_with(empty_2025()));
    go_to_table3(&mut h);
    h.get_by_label(NEW_NP).click();
    h.run();
    // Excel puts CRLF line ends and a final line break on the clipboard.
    h.event(Event::Paste("10\t20\t30\r\n1\t2\tx3\r\n".into()));
    h.run();
    for (id, v) in [
        ("t3.new.np", "10"),
        ("t3.new.le_biz", "20"),
        ("t3.new.le_sci", "30"),
        ("t3.carry_in.np", "1"),
        ("t3.carry_in.le_biz", "2"),
        ("t3.carry_in.le_sci", "x3"),
    ] {
        assert_eq!(cell_text(&h, id), v, "{id}");
    }
    assert_eq!(value(&h, NEW_TOTAL), "60");
    let notice = h.state().notice.clone().expect("paste report");
    assert!(notice.error);
    assert!(notice.text.contains("已粘贴6个单元格"), "{}", notice.text);
    assert!(
        notice.text.contains("表三/二、上年结转政府信息公开申请数量/科研机构：“x3”不是有效的整数"),
        "{}",
        notice.text
    );
    // The whole paste is one undo step.
    h.key_press_modifiers(CTRL, Key::Z);
    h.run();
    assert_eq!(cell_text(&h, "t3.new.np"), "");
    assert_eq!(cell_text(&h, "t3.carry_in.le_sci"), "");
}

#[test]
fn a_block_that_runs_off_the_table_is_reported() {
    let mut h = harness(app_with(empty_2025()));
    open_page(&mut h, "四、政府信息公开行政复议");
    // Table 四 is wider than this window: scroll to the cell first.
    h.get_by_label("表四/复议后起诉/尚未审结").scroll_to_me();
    h.run();
    h.get_by_label("表四/复议后起诉/尚未审结").click();
    h.run();
    h.event(Event::Paste("1\t2\t3\n".into()));
    h.run();
    assert_eq!(cell_text(&h, "t4.lr.pend"), "1");
    let text = h.state().notice.clone().unwrap().text;
    assert!(text.contains("表四/复议后起诉/总计是自动计算的（1），粘贴的“2”未采用"), "{text}");
    assert!(text.contains("1个值超出表格范围，未粘贴"), "{text}");
}

#[test]
fn undo_and_redo_over_cells_and_text() {
    let mut h = harness(app_with(empty_2025()));
    go_to_table3(&mut h);
    type_into(&mut h, NEW_NP, "12");
    assert_eq!(cell_text(&h, "t3.new.np"), "12");
    h.key_press_modifiers(CTRL, Key::Z);
    h.run();
    assert_eq!(cell_text(&h, "t3.new.np"), "", "typing a number is one undo step");
    h.key_press_modifiers(CTRL, Key::Y);
    h.run();
    assert_eq!(cell_text(&h, "t3.new.np"), "12");
    h.key_press_modifiers(CTRL, Key::Z);
    h.run();
    h.key_press_modifiers(CTRL_SHIFT, Key::Z);
    h.run();
    assert_eq!(cell_text(&h, "t3.new.np"), "12");

    open_page(&mut h, "五、存在的主要问题及改进情况");
    h.get_by_label("正文/五、存在的主要问题及改进情况").click();
    h.run();
    h.get_by_label("正文/五、存在的主要问题及改进情况").type_text("一是信息更新不够及时。");
    h.run();
    assert_eq!(h.state().doc.as_ref().unwrap().report.section("s5"), "一是信息更新不够及时。");
    h.key_press_modifiers(CTRL, Key::Z);
    h.run();
    assert_eq!(h.state().doc.as_ref().unwrap().report.section("s5"), "");
    h.key_press_modifiers(CTRL, Key::Y);
    h.run();
    assert_eq!(h.state().doc.as_ref().unwrap().report.section("s5"), "一是信息更新不够及时。");
}

#[test]
fn closing_with_unsaved_changes_asks_first() {
    let mut h = harness(app_with(empty_2025()));
    go_to_table3(&mut h);
    type_into(&mut h, NEW_NP, "5");
    h.input_mut().viewports.entry(ViewportId::ROOT).or_default().events.push(ViewportEvent::Close);
    h.step();
    let cmds = &h.output().viewport_output[&ViewportId::ROOT].commands;
    assert!(cmds.contains(&ViewportCommand::CancelClose), "{cmds:?}");
    h.run();
    assert_eq!(h.state().dialog_title().as_deref(), Some("有未保存的修改"));
    assert!(h.query_by_label_contains("要先保存吗").is_some());
    h.get_by_role_and_label(Role::Button, "取消").click();
    h.run();
    assert!(h.state().dialog.is_none());
    assert_eq!(cell_text(&h, "t3.new.np"), "5", "nothing lost");

    // Opening another file asks too; 不保存 goes on.
    h.key_press_modifiers(CTRL, Key::O);
    h.run();
    assert_eq!(h.state().dialog_title().as_deref(), Some("有未保存的修改"));
    h.get_by_role_and_label(Role::Button, "不保存").click();
    h.run();
    assert!(h.state().dialog_as::<PathDialog>().is_some(), "then the open dialog");

    // A clean document closes without questions.
    let mut h = harness(app_with(empty_2025()));
    h.input_mut().viewports.entry(ViewportId::ROOT).or_default().events.push(ViewportEvent::Close);
    h.step();
    let cmds = &h.output().viewport_output[&ViewportId::ROOT].commands;
    assert!(!cmds.contains(&ViewportCommand::CancelClose));
}

#[test]
fn save_quit_reopen_finds_everything_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2025年报.ron");
    let mut h = harness(app_with(empty_2025()));
    go_to_table3(&mut h);
    type_into(&mut h, NEW_NP, "5");
    type_into(&mut h, OPEN_NP, "5");
    open_page(&mut h, "五、存在的主要问题及改进情况");
    h.get_by_label("正文/五、存在的主要问题及改进情况").click();
    h.run();
    h.get_by_label("正文/五、存在的主要问题及改进情况").type_text("问题：无专人。改进：已明确专人。");
    h.run();
    // Ctrl+S on a new draft asks where (the in-app path field: no system dialog here).
    h.key_press_modifiers(CTRL, Key::S);
    h.run();
    assert!(h.state().dialog_as::<PathDialog>().is_some());
    h.get_by_label("文件路径").click();
    h.run();
    h.key_press_modifiers(CTRL, Key::A);
    h.get_by_label("文件路径").type_text(path.to_str().unwrap());
    h.run();
    h.get_by_role_and_label(Role::Button, "保存").click();
    h.run();
    assert!(path.is_file(), "{:?}", h.state().notice);
    assert!(!h.state().title().contains('*'), "{}", h.state().title());
    let saved = h.state().doc.as_ref().unwrap().report.clone();
    // Quit (the window's lock on the draft goes with it).
    drop(h);

    // A new window opens the file: everything is there.
    let mut h = harness(NianbaoApp::new(AppConfig::default()));
    h.key_press_modifiers(CTRL, Key::O);
    h.run();
    h.get_by_label("文件路径").click();
    h.run();
    // The prompt starts in the documents folder; replace it.
    h.key_press_modifiers(CTRL, Key::A);
    h.get_by_label("文件路径").type_text(path.to_str().unwrap());
    h.run();
    h.get_by_role_and_label(Role::Button, "打开").click();
    h.run();
    let doc = h.state().doc.as_ref().expect("opened");
    assert_eq!(doc.report, saved);
    assert!(!doc.dirty);
    go_to_table3(&mut h);
    assert_eq!(value(&h, NEW_TOTAL), "5");
}

#[test]
fn an_unreadable_file_is_reported_in_chinese_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("坏.ron");
    std::fs::write(&path, "(format: \"nianbao-draft\", version: 1, template: \"gb2021\"").unwrap();
    let mut app = NianbaoApp::new(AppConfig::default());
    app.open_path(&path);
    let mut h = harness(app);
    h.run();
    assert!(h.state().dialog_as::<MessageDialog>().is_some());
    assert!(h.query_by_label_contains("第1行").is_some());
    assert!(h.state().doc.is_none());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "(format: \"nianbao-draft\", version: 1, template: \"gb2021\"");
}

#[test]
fn new_report_from_the_start_view() {
    let mut h = harness(NianbaoApp::new(AppConfig::default()));
    h.get_by_label("新建报告…").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "报告年度").click();
    h.run();
    h.key_press_modifiers(CTRL, Key::A);
    h.get_by_role_and_label(Role::TextInput, "报告年度").type_text("2020");
    h.run();
    h.get_by_role_and_label(Role::TextInput, "机关全称").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "机关全称").type_text("某某市应急管理局");
    h.run();
    h.get_by_role_and_label(Role::Button, "创建").click();
    h.run();
    let doc = h.state().doc.as_ref().expect("created");
    assert_eq!(doc.report.template, "gb2019", "2020 reports use the 2019 format");
    assert_eq!(doc.report.unit.name, "某某市应急管理局");
}

/// Presses Tab until the widget with this accessible name has the keyboard.
fn tab_to(h: &mut Harness<'static, NianbaoApp>, label: &str) {
    for _ in 0..12 {
        if h.get_by_label(label).is_focused() {
            return;
        }
        h.key_press(Key::Tab);
        h.run();
    }
    panic!("Tab never reached {label}");
}

fn type_text(h: &mut Harness<'static, NianbaoApp>, text: &str) {
    h.event(Event::Text(text.to_string()));
    h.run();
}

/// Types into every input cell of a table in Tab order, checking the order as it goes.
fn fill_table(h: &mut Harness<'static, NianbaoApp>, table: &str, values: &[(&str, &str)]) {
    let cells: Vec<(String, String)> = {
        let doc = h.state().doc.as_ref().unwrap();
        let t = doc.form.tables.iter().position(|t| t.def.id == table).unwrap();
        nianbao::ui::table::input_positions(doc, &doc.form.tables[t])
            .into_iter()
            .map(|(ix, _, _)| (doc.form.cells[ix].id.clone(), doc.form.cell_path(ix)))
            .collect()
    };
    for (id, path) in cells {
        assert!(h.get_by_label(&path).is_focused(), "expected the keyboard on {path}");
        let v = values.iter().find(|(k, _)| *k == id).map(|(_, v)| *v).unwrap_or("0");
        type_text(h, v);
        h.key_press(Key::Tab);
        h.run();
    }
}

#[test]
fn a_whole_report_can_be_filled_with_the_keyboard_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2025.ron");
    let mut h = harness(NianbaoApp::new(AppConfig::default()));

    // New report: the year field has the keyboard; Tab to the unit, Enter creates.
    h.key_press_modifiers(CTRL, Key::N);
    h.run();
    h.key_press_modifiers(CTRL, Key::A);
    type_text(&mut h, "2025");
    h.key_press(Key::Tab);
    h.run();
    type_text(&mut h, "某某县商务局");
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().doc.is_some(), "created by Enter");
    assert!(h.get_by_label("基本信息/机关全称").is_focused());
    tab_to(&mut h, "基本信息/落款日期");
    type_text(&mut h, "2026-01-19");

    // 一、总体情况: the intro and five sub-headings, Tab between editors.
    h.key_press_modifiers(CTRL, Key::PageDown);
    h.run();
    assert!(h.get_by_label("正文/一、总体情况/总述").is_focused());
    type_text(&mut h, "本机关认真贯彻落实《条例》。");
    for sub in
        ["（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障"]
    {
        tab_to(&mut h, &format!("正文/一、总体情况/{sub}"));
        type_text(&mut h, "按要求做好相关工作。");
    }

    h.key_press_modifiers(CTRL, Key::PageDown);
    h.run();
    fill_table(
        &mut h,
        "t2",
        &[
            ("t2.nds.made", "2"),
            ("t2.nds.valid", "5"),
            ("t2.lic.decisions", "10"),
            ("t2.pen.decisions", "3"),
            ("t2.fee.amount", "0.5"),
        ],
    );
    h.key_press_modifiers(CTRL, Key::PageDown);
    h.run();
    fill_table(
        &mut h,
        "t3",
        &[
            ("t3.new.np", "5"),
            ("t3.carry_in.np", "1"),
            ("t3.r_open.np", "3"),
            ("t3.r_deny_4.np", "1"),
            ("t3.carry_out.np", "2"),
        ],
    );
    h.key_press_modifiers(CTRL, Key::PageDown);
    h.run();
    fill_table(&mut h, "t4", &[("t4.rv.keep", "1")]);
    h.key_press_modifiers(CTRL, Key::PageDown);
    h.run();
    assert!(h.get_by_label("正文/五、存在的主要问题及改进情况").is_focused());
    type_text(&mut h, "一是公开内容不够全面。下一步将加强审核。");
    h.key_press_modifiers(CTRL, Key::PageDown);
    h.run();
    assert!(h.get_by_label("正文/六、其他需要报告的事项").is_focused());
    type_text(&mut h, "无。");

    let doc = h.state().doc.as_ref().unwrap();
    assert_eq!(doc.report.cells.len(), 10 + 144 + 12, "every input cell of tables 二 三 四 is filled");
    let problems: Vec<_> = doc.findings.iter().filter(|f| f.severity != nianbao::model::Severity::I).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(doc.values.get(doc.form.index["t4.rv.total"]).num().map(|n| n.to_string()).as_deref(), Some("1"));

    // Ctrl+S: the path field has the keyboard; Enter saves.
    h.key_press_modifiers(CTRL, Key::S);
    h.run();
    h.key_press_modifiers(CTRL, Key::A);
    type_text(&mut h, path.to_str().unwrap());
    h.key_press(Key::Enter);
    h.run();
    assert!(path.is_file());
    let saved = nianbao::store::load(&path).unwrap();
    assert_eq!(&saved, &h.state().doc.as_ref().unwrap().report);
    assert_eq!(saved.signed_on, nianbao::model::Date::new(2026, 1, 19));
}

#[test]
fn clicking_a_filled_cell_selects_it_so_typing_replaces_the_number() {
    let mut r = empty_2025();
    r.set_cell("t3.new.np", "13612");
    let mut h = harness(app_with(r));
    go_to_table3(&mut h);
    h.get_by_label(NEW_NP).click();
    h.run();
    // A second click on the selected cell keeps it selected (Excel's ready mode).
    h.get_by_label(NEW_NP).click();
    h.run();
    type_text(&mut h, "13600");
    assert_eq!(cell_text(&h, "t3.new.np"), "13600");
    // Double-click edits in place: the text is kept and ←/→ move the caret.
    h.get_by_label(NEW_NP).click();
    h.run();
    h.get_by_label(NEW_NP).click();
    h.run();
    h.key_press(Key::F2);
    h.run();
    type_text(&mut h, "1");
    assert_eq!(cell_text(&h, "t3.new.np"), "136001");
    h.key_press(Key::ArrowLeft);
    h.run();
    assert!(h.get_by_label(NEW_NP).is_focused(), "in edit mode ← moves the caret, not the cell");
}

#[test]
fn export_pdf_with_errors_asks_draft_or_final_then_writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("报告.pdf");
    let mut r = empty_2025();
    r.set_cell("t3.new.np", "5"); // T3-01: nothing else filled
    let mut h = harness(app_with(r));
    h.key_press_modifiers(CTRL, Key::E);
    h.run();
    let choice = h.state().dialog_as::<ChoiceDialog>().expect("the draft-or-final question");
    assert!(choice.lines()[0].contains("还有2个错误"), "{:?}", choice.lines());
    h.get_by_role_and_label(Role::Button, "导出为草稿").click();
    h.run();
    assert!(h.state().dialog_as::<PathDialog>().is_some());
    h.key_press_modifiers(CTRL, Key::A);
    type_text(&mut h, path.to_str().unwrap());
    h.key_press(Key::Enter);
    h.run();
    let bytes = std::fs::read(&path).expect("PDF written");
    assert!(bytes.starts_with(b"%PDF-"));
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    // The 草稿 mark is drawn as a marked artifact on every page (never in the copied text).
    let first = *doc.get_pages().values().next().unwrap();
    assert!(String::from_utf8_lossy(&doc.get_page_content(first)).contains("/Artifact"), "marked as a draft");
    let notice = h.state().notice.clone().unwrap();
    assert!(notice.text.contains("已导出PDF"), "{}", notice.text);

    // 打印 writes a temporary PDF for the viewer (not opened here: no desktop).
    h.key_press_modifiers(CTRL, Key::P);
    h.run();
    h.get_by_role_and_label(Role::Button, "仍导出为正式版").click();
    h.run();
    let printed = h.state().last_pdf.clone().expect("print file");
    let bytes = std::fs::read(&printed).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let first = *doc.get_pages().keys().next().unwrap();
    assert!(!doc.extract_text(&[first]).unwrap().contains("草稿"), "exported as final on request");
}

#[test]
fn this_years_report_from_last_years_in_one_action() {
    let dir = tempfile::tempdir().unwrap();
    let last = dir.path().join("2021.ron");
    let csv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hangzhou-2021.csv");
    let report = nianbao::store::csv::read(&csv, &Default::default()).unwrap().report;
    nianbao::store::save(&last, &report).unwrap();

    let mut h = harness(NianbaoApp::new(AppConfig::default()));
    h.get_by_label("以上年报告为模板新建…").click();
    h.run();
    h.key_press_modifiers(CTRL, Key::A);
    type_text(&mut h, last.to_str().unwrap());
    h.key_press(Key::Enter);
    h.run();
    let doc = h.state().doc.as_ref().expect("rolled over");
    assert_eq!(doc.report.year, 2022);
    assert!(doc.dirty && doc.path.is_none(), "a new, unsaved draft");
    assert_eq!(doc.report.cell_text("t3.carry_in.np"), "783");

    // Last year's text stands beside this year's editor; a paragraph can be copied over.
    open_page(&mut h, "五、存在的主要问题及改进情况");
    assert!(h.query_by_label_contains("上年（2021年度）本部分（只读）").is_some());
    h.get_by_label("复制此段到本年").click();
    h.run();
    assert_eq!(h.state().doc.as_ref().unwrap().report.section("s5"), report.section("s5"));

    // The grid can show last year's figure in each cell (上年结转 beside last year's 结转下年度).
    let doc = h.state().doc.as_ref().unwrap();
    let prev = |id: &str| nianbao::ui::table::previous_value(doc, doc.form.index[id]);
    assert_eq!(prev("t3.new.np").as_deref(), Some("13612"));
    assert_eq!(prev("t3.carry_in.np").as_deref(), Some("783"));
    assert_eq!(prev("t3.new.total").as_deref(), Some("14069"));
}

#[test]
fn a_warning_can_be_explained_in_the_findings_panel_and_the_explanation_is_saved() {
    let mut r = empty_2025();
    r.set_cell("t2.nds.made", "1");
    r.set_cell("t2.nds.repealed", "0");
    r.set_cell("t2.nds.valid", "0"); // T2N-03, a warning
    let mut h = harness(app_with(r));
    assert!(h.query_by_label_contains("T2N-03 表二“行政规范性文件”行").is_some());
    h.get_by_label("填写说明… T2N-03@t2.nds.valid").scroll_to_me();
    h.run();
    h.get_by_label("填写说明… T2N-03@t2.nds.valid").click();
    h.run();
    let name = "说明/T2N-03@t2.nds.valid";
    h.get_by_label(name).click();
    h.run();
    h.get_by_label(name).type_text("该文件已于年内宣布失效。");
    h.run();
    let doc = h.state().doc.as_ref().unwrap();
    assert_eq!(
        doc.report.explanations.get("T2N-03@t2.nds.valid").map(String::as_str),
        Some("该文件已于年内宣布失效。")
    );
    let f = doc.findings.iter().find(|f| f.rule == "T2N-03").unwrap();
    assert!(f.is_explained());
    let ix = doc.form.index["t2.nds.valid"];
    assert!(doc.marks[ix].is_some_and(|m| m.explained), "the cell is tinted as explained");
    // The explanation is part of the draft.
    assert!(nianbao::store::draft::to_ron(&doc.report).unwrap().contains("该文件已于年内宣布失效。"));
}

#[test]
fn a_users_template_is_filled_in_the_grid_like_a_built_in_one() {
    let dir = crate::fixtures::user_templates();
    let app = NianbaoApp::new(AppConfig { templates_dir: Some(dir), ..AppConfig::default() });
    assert_eq!(app.notice, None, "the template loads without complaint");
    let mut app = app;
    app.set_document(Document::new(Report::new("hubei-2021", 2025, "某某县商务局"), None).expect("document"));
    let mut h = harness(app);
    open_page(&mut h, "二、主动公开政府信息情况");
    type_into(&mut h, "表二/其他主动公开文件/本年制发件数", "3");
    assert_eq!(cell_text(&h, "t2.other_docs.made"), "3");
    assert!(h.state().doc.as_ref().unwrap().form.template.name.contains("湖北补充"));
}

fn key_event(key: Key, modifiers: Modifiers) -> Event {
    Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers }
}

// regression: keys typed while the window was busy landed in one cell (`567`), and the focus
// moved once.
#[test]
fn keys_typed_ahead_of_a_slow_frame_land_in_their_own_cells() {
    let mut h = harness(app_with(empty_2025()));
    go_to_table3(&mut h);
    h.get_by_label(NEW_NP).click();
    h.run();
    // Everything arrives in one frame, as after a stall.
    for e in [
        Event::Text("5".into()),
        key_event(Key::Tab, Modifiers::NONE),
        Event::Text("6".into()),
        key_event(Key::Tab, Modifiers::NONE),
        Event::Text("7".into()),
    ] {
        h.event(e);
    }
    h.run();
    assert_eq!(cell_text(&h, "t3.new.np"), "5");
    assert_eq!(cell_text(&h, "t3.new.le_biz"), "6");
    assert_eq!(cell_text(&h, "t3.new.le_sci"), "7");
    assert!(h.get_by_label("表三/一、本年新收政府信息公开申请数量/科研机构").is_focused());
}

fn copied(h: &Harness<'static, NianbaoApp>) -> Option<String> {
    h.output().platform_output.commands.iter().find_map(|c| match c {
        egui::OutputCommand::CopyText(t) => Some(t.clone()),
        _ => None,
    })
}

#[test]
fn a_block_selected_with_shift_arrows_copies_as_tsv_and_deletes_as_one_undo_step() {
    let mut r = empty_2025();
    for (id, v) in [("t3.new.np", "5"), ("t3.new.le_biz", "3"), ("t3.carry_in.np", "1"), ("t3.carry_in.le_biz", "2")] {
        r.set_cell(id, v);
    }
    let mut h = harness(app_with(r));
    go_to_table3(&mut h);
    h.get_by_label(NEW_NP).click();
    h.run();
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run();
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowDown);
    h.run();
    h.event(Event::Copy);
    h.step();
    let eol = if cfg!(windows) { "\r\n" } else { "\n" };
    assert_eq!(copied(&h).as_deref(), Some(format!("5\t3{eol}1\t2{eol}").as_str()), "Excel's clipboard format");
    h.run();
    h.key_press(Key::Delete);
    h.run();
    for id in ["t3.new.np", "t3.new.le_biz", "t3.carry_in.np", "t3.carry_in.le_biz"] {
        assert_eq!(cell_text(&h, id), "", "{id} cleared");
    }
    h.key_press_modifiers(CTRL, Key::Z);
    h.run();
    assert_eq!(cell_text(&h, "t3.new.np"), "5", "one undo brings the whole block back");
    assert_eq!(cell_text(&h, "t3.carry_in.le_biz"), "2");
}

#[test]
fn shift_click_selects_the_block_from_the_focused_cell() {
    let mut r = empty_2025();
    r.set_cell("t3.new.np", "5");
    r.set_cell("t3.carry_in.le_biz", "2");
    let mut h = harness(app_with(r));
    go_to_table3(&mut h);
    h.get_by_label(NEW_NP).click();
    h.run();
    h.get_by_label("表三/二、上年结转政府信息公开申请数量/商业企业").click_modifiers(Modifiers::SHIFT);
    h.run();
    h.event(Event::Copy);
    h.step();
    let eol = if cfg!(windows) { "\r\n" } else { "\n" };
    assert_eq!(copied(&h).as_deref(), Some(format!("5\t{eol}\t2{eol}").as_str()));
}

/// A file dropped on the window, as the desktop hands it over.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Last year's published Word file, as offices hold it.
fn published_docx() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/published/hangzhou-2021-template.docx")
}

#[test]
fn a_published_report_dropped_on_the_window_is_imported_with_its_import_report() {
    let mut h = harness(NianbaoApp::new(AppConfig::default()));
    h.run();
    h.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(published_docx())));
    h.run();
    h.run();
    let doc = h.state().doc.as_ref().expect("a new draft from the Word file");
    assert_eq!(doc.report.unit.name, "杭州市人民政府办公厅");
    assert!(doc.dirty, "imported, not yet saved");
    assert!(h.state().dialog_as::<nianbao::ui::dialogs::ImportReportDialog>().is_some(), "the import report is shown");
}

#[test]
fn the_file_menu_imports_a_published_report() {
    let mut h = harness(NianbaoApp::new(AppConfig::default()));
    h.run();
    h.get_by_label("文件(F)").click();
    h.run();
    h.get_by_label_contains("导入已公开的报告").click();
    h.run();
    assert!(h.state().dialog_as::<PathDialog>().is_some(), "asks for the file");
    h.key_press_modifiers(CTRL, Key::A);
    type_text(&mut h, published_docx().to_str().unwrap());
    h.key_press(Key::Enter);
    h.run();
    h.run();
    let doc = h.state().doc.as_ref().expect("a new draft from the Word file");
    assert_eq!(doc.report.year, 2021);
    assert!(h.state().dialog_as::<nianbao::ui::dialogs::ImportReportDialog>().is_some());
}

// regression: at 1024×768 表四's last 总计 column was cut off at the findings panel.
#[test]
fn table_four_fits_a_1024_by_768_window_with_its_last_total_column() {
    let mut r = empty_2025();
    // Four-digit figures, the width the number columns are laid out for.
    for (id, v) in [("t4.rv.keep", "1200"), ("t4.lr.pend", "3456")] {
        r.set_cell(id, v);
    }
    let mut app = app_with(r);
    // Panels once widened at a larger screen are remembered that way.
    app.settings.pages_width = Some(260.0);
    app.settings.findings_width = Some(300.0);
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1024.0, 768.0))
        .with_max_steps(12)
        .with_context_setup(|ctx| {
            nianbao::ui::fonts::install(ctx);
            nianbao::ui::fonts::install_style(ctx);
        })
        .build_eframe(move |_cc| app);
    open_page(&mut h, "四、政府信息公开行政复议");
    let last = h.get_by_label("表四/复议后起诉/总计").rect();
    let findings = h.get_by_label("检查结果").rect();
    assert!(
        last.max.x <= findings.min.x - 8.0,
        "the last 总计 ({last:?}) is left of the findings panel ({findings:?})"
    );
}
