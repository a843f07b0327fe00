//! 导出 in the window: every format from its menu, each kind remembering its folder, and
//! 复制为网页 (the report or the page's tables as HTML and plain text).

use crate::fixtures;
use crate::harness::{CTRL, harness};

use egui::accesskit::Role;
use egui::{Event, Key};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};
use nianbao::ui::action::Page;
use nianbao::ui::dialogs::{MessageDialog, PathDialog};
use nianbao::ui::doc::Document;
use nianbao::ui::{AppConfig, NianbaoApp};

fn hangzhou() -> NianbaoApp {
    let mut app = NianbaoApp::new(AppConfig::default());
    app.set_document(Document::new(fixtures::report("hangzhou-2021.csv"), None).expect("document"));
    app
}

fn menu_item(h: &mut Harness<'static, NianbaoApp>, menu: &str, item: &str) {
    h.get_by_label(menu).click();
    h.run();
    h.get(By::new().role(Role::Button).label_contains(item)).click();
    h.run();
}

/// Answers the file prompt with `path`; returns the folder the prompt suggested.
fn answer_prompt(h: &mut Harness<'static, NianbaoApp>, path: &std::path::Path) -> String {
    let suggested = {
        let dialog = h.state().dialog_as::<PathDialog>().expect("asks for the file");
        dialog.text.clone()
    };
    h.key_press_modifiers(CTRL, Key::A);
    h.event(Event::Text(path.display().to_string()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    h.run();
    suggested
}

#[test]
fn the_export_menu_writes_word_web_and_excel_that_read_back_and_remembers_each_folder() {
    let review = tempfile::tempdir().unwrap();
    let web = tempfile::tempdir().unwrap();
    let mut h = harness(hangzhou());
    h.run();
    for (item, dir, name) in [
        ("Word文档", review.path(), "送审.docx"),
        ("网页（上传网站）", web.path(), "公开.html"),
        ("Excel表格", review.path(), "报送.xlsx"),
    ] {
        menu_item(&mut h, "导出(X)", item);
        answer_prompt(&mut h, &dir.join(name));
        let path = dir.join(name);
        assert!(path.exists(), "{item}: {} written; notice {:?}", path.display(), h.state().notice);
        let notice = h.state().notice.clone().expect("says what it wrote");
        assert!(notice.text.contains("已导出"), "{}", notice.text);
    }
    // What was written is the report: the Word file and the web page read back with the same figures.
    let want = fixtures::report("hangzhou-2021.csv");
    for name in ["送审.docx", "公开.html"] {
        let dir = if name.ends_with("docx") { review.path() } else { web.path() };
        let back = nianbao::import::read_file(&dir.join(name), &Default::default()).expect("reads back");
        let form = want.form().unwrap();
        // Every printed cell (the 信息处理费 helper table is entered and checked, never printed).
        for c in form.cells.iter().filter(|c| c.is_input() && form.tables[c.table].def.printed) {
            assert_eq!(back.report.cell_text(&c.id), want.cell_text(&c.id), "{name} {}", c.id);
        }
    }
    let book = std::fs::read(review.path().join("报送.xlsx")).unwrap();
    assert!(book.starts_with(b"PK"), "an xlsx package");

    // Each kind offers its own last folder next time, not the other kind's.
    menu_item(&mut h, "导出(X)", "网页（上传网站）");
    let suggested = answer_prompt(&mut h, &web.path().join("again.html"));
    assert!(suggested.starts_with(&web.path().display().to_string()), "web page offered in its folder: {suggested}");
    menu_item(&mut h, "导出(X)", "Word文档");
    let suggested = h.state().dialog_as::<PathDialog>().expect("prompt").text.clone();
    assert!(suggested.starts_with(&review.path().display().to_string()), "Word in its folder: {suggested}");
    assert_eq!(
        h.state().settings.export_dirs.get("导出网页").map(|p| p.as_path()),
        Some(web.path()),
        "kept in the settings"
    );
}

#[test]
fn copy_as_web_page_gives_the_report_or_the_tables_of_the_page_in_both_flavours() {
    let mut h = harness(hangzhou());
    h.run();
    // On 基本信息 there is no table to copy; the whole report can always be copied.
    assert_eq!(h.state().view.page, Page::Unit);
    h.get_by_label("导出(X)").click();
    h.run();
    let copy_tables = h.get(By::new().role(Role::Button).label_contains("复制本页表格为网页"));
    assert!(copy_tables.accesskit_node().is_disabled(), "no table on this page");
    h.get(By::new().role(Role::Button).label_contains("复制整份报告为网页")).click();
    h.run();
    let clip = h.state().last_copied.clone().expect("copied");
    assert!(clip.html.contains("<table") && clip.html.contains("rowspan"), "tables keep their merged cells");
    assert!(clip.html.contains("一、总体情况"), "and the text sections");
    assert!(clip.text.contains("一、总体情况"), "plain text too");
    // Copied, or (no display, as under a bare test runner) a message saying why not.
    match (&h.state().notice, h.state().dialog_as::<MessageDialog>()) {
        (Some(n), _) if n.text.contains("已把整份报告复制为网页") => {}
        (_, Some(m)) if m.text().contains("剪贴板") => {
            h.get_by_role_and_label(Role::Button, "知道了").click();
            h.run();
        }
        (n, _) => panic!("neither copied nor said why: {n:?}"),
    }

    // On 表三's page: only 表三, its figures tab-separated in the text.
    h.get(By::new().role(Role::Button).label_contains("三、收到和处理政府信息公开申请情况")).click();
    h.run();
    menu_item(&mut h, "导出(X)", "复制本页表格为网页");
    let clip = h.state().last_copied.clone().expect("copied");
    assert_eq!(clip.html.matches("<table").count(), 1, "one table");
    assert!(!clip.html.contains("一、总体情况"));
    assert!(
        clip.text.contains("自然人\t"),
        "tab-separated cells for a spreadsheet: {}",
        &clip.text[..200.min(clip.text.len())]
    );
}

/// The window's 审核清单 (导出 ▸ 导出审核清单…) lists the findings the window shows, including one
/// raised by an edit not yet saved.
#[test]
fn the_review_list_from_the_window_lists_the_findings_it_shows() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::new(fixtures::report("hangzhou-2021.csv"), None).expect("document");
    // 自然人's 新收 one higher than the rows under it add up to: a 勾稽 error.
    let before: u64 = doc.report.cell_text("t3.new.np").parse().unwrap();
    doc.set(nianbao::ui::doc::Field::Cell("t3.new.np".into()), (before + 1).to_string());
    let shown: Vec<String> = doc.findings.iter().map(|f| f.rule.clone()).collect();
    assert!(!shown.is_empty(), "the changed cell raises a finding");
    let mut app = NianbaoApp::new(AppConfig::default());
    app.set_document(doc);
    let mut h = harness(app);
    h.run();
    menu_item(&mut h, "导出(X)", "审核清单");
    let path = dir.path().join("审核清单.html");
    answer_prompt(&mut h, &path);
    let html = std::fs::read_to_string(&path).expect("the list written");
    for rule in &shown {
        assert!(html.contains(rule.as_str()), "{rule} listed");
    }
    let notice = h.state().notice.clone().expect("says what it wrote");
    assert!(notice.text.contains("已导出审核清单"), "{}", notice.text);
}
