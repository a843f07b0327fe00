//! No message lost to the window's width (issue 22): the status line's short form opens in full,
//! what must be checked after a roll-over opens in a dialog, the session's messages can be read
//! again, and 打印 says when the PDF viewer did not open (with no child left behind).

use std::path::Path;
use std::time::{Duration, Instant};

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use nianbao::model::Report;
use nianbao::ui::action::Action;
use nianbao::ui::command::Command;
use nianbao::ui::dialogs::{ChoiceDialog, MessageDialog};
use nianbao::ui::doc::Document;
use nianbao::ui::open::Opener;
use nianbao::ui::{AppConfig, NianbaoApp};

use crate::harness::{CTRL, harness};

fn perform(h: &mut Harness<'static, NianbaoApp>, action: Action) {
    let ctx = h.ctx.clone();
    h.state_mut().perform(action, &ctx);
    h.run();
}

// regression: the status line showed one line and cut the rest off at the window's edge; the
// export's blank cells, paste notes and the read-only notice could not be read.
#[test]
fn a_message_too_long_for_the_status_line_opens_in_full_and_stays_in_the_message_list() {
    let mut app = NianbaoApp::new(AppConfig::default());
    app.set_document(Document::new(Report::new("gb2021", 2025, "某某县商务局"), None).unwrap());
    let mut h = harness(app);
    let cells: Vec<String> = (1..=124).map(|n| format!("表三第{n}格")).collect();
    let long =
        format!("已导出PDF（5页）：/tmp/某某县商务局.pdf。请注意：{}个单元格空白：{}", cells.len(), cells.join("、"));
    h.state_mut().error(long.clone());
    h.run();
    // The short form is the message's own start, in one line, with 全文 beside it.
    let line = h.get_by_label(&long).rect();
    assert!(line.height() < 30.0, "one line: {line:?}");
    h.get_by_label("全文").click();
    h.run();
    let full = h.state().dialog_as::<MessageDialog>().expect("the whole message opens");
    assert_eq!(full.text(), long);
    assert_eq!(h.state().dialog_title().as_deref(), Some("请注意"));
    let wrapped = h.query_all_by_label(&long).map(|n| n.rect()).find(|r| r.height() > 60.0);
    assert!(wrapped.is_some_and(|r| r.width() <= 640.0), "wrapped in the dialog, not cut: {wrapped:?}");
    h.get_by_label("知道了").click();
    h.run();

    // Read again later: 视图 ▸ 消息记录.
    h.state_mut().info("已保存：/tmp/x.ron");
    perform(&mut h, Action::Command(Command::Messages));
    assert_eq!(h.state().dialog_title().as_deref(), Some("消息记录"));
    assert!(h.query_all_by_label(&long).any(|n| n.rect().height() > 60.0), "the long message in full");
    assert!(h.query_by_label("复制：已保存：/tmp/x.ron").is_some(), "each message, with a copy button");
}

// regression: a roll-over from last year's PDF said which cells it filled from left to right in
// the status line, where none of it could be read.
#[test]
fn what_a_roll_over_asks_to_check_opens_where_it_can_be_read() {
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/published/seed-2019.pdf");
    let mut h = harness(NianbaoApp::new(AppConfig::default()));
    perform(&mut h, Action::CommandWith(Command::RollOver, pdf));
    h.run();
    assert!(h.state().doc.is_some(), "rolled over");
    let told = h.state().dialog_as::<MessageDialog>().expect("a dialog, not the status line");
    assert_eq!(h.state().dialog_title().as_deref(), Some("以上年报告为模板新建"));
    let point = told.lines().iter().find(|l| l.contains("按从左到右填入")).expect("the left-to-right fill").clone();
    let shown = h.get_by_label(&format!("· {point}")).rect();
    assert!(shown.max.x <= 1400.0, "wrapped inside the window: {shown:?}");
    assert!(h.state().messages.iter().any(|m| m.text.contains("按从左到右填入")), "and in 消息记录");
}

/// A stand-in PDF viewer that fails as `xdg-open` does without one (exit 3), writing its pid.
#[cfg(unix)]
fn failing_viewer(dir: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let viewer = dir.join("xdg-open");
    let pid = dir.join("viewer.pid");
    std::fs::write(&viewer, format!("#!/bin/sh\necho $$ > '{}'\nexit 3\n", pid.display())).unwrap();
    std::fs::set_permissions(&viewer, std::fs::Permissions::from_mode(0o755)).unwrap();
    viewer
}

/// Frames until `done` holds (the viewer's end comes from another thread).
fn until(h: &mut Harness<'static, NianbaoApp>, what: &str, done: impl Fn(&NianbaoApp) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed() < Duration::from_secs(20), "{what} never came");
        std::thread::sleep(Duration::from_millis(20));
        h.run();
    }
}

// regression: Ctrl+P said 已在PDF阅读器中打开 although xdg-open exited 3, and left its child defunct.
#[cfg(unix)]
#[test]
fn print_says_when_the_pdf_viewer_did_not_open_with_the_path_and_the_folder_and_leaves_no_zombie() {
    let dir = tempfile::tempdir().unwrap();
    let config = AppConfig { open_with: Some(Opener::Program(failing_viewer(dir.path()))), ..AppConfig::default() };
    let mut app = NianbaoApp::new(config);
    let report = crate::fixtures::report("hangzhou-2021.csv");
    app.set_document(Document::new(report, None).unwrap());
    let mut h = harness(app);
    h.key_press_modifiers(CTRL, Key::P);
    h.run();
    until(&mut h, "the viewer's failure", |a| a.dialog_as::<ChoiceDialog>().is_some());
    let pdf = h.state().last_pdf.clone().expect("the print file was written");
    assert!(pdf.is_file());
    assert_eq!(h.state().dialog_title().as_deref(), Some("无法打开PDF阅读器"));
    let lines = h.state().dialog_as::<ChoiceDialog>().unwrap().lines().join("\n");
    assert!(lines.contains("退出码 3"), "{lines}");
    assert!(lines.contains(&pdf.display().to_string()), "where the PDF is: {lines}");
    assert!(!h.state().messages.iter().any(|m| m.text.contains("已在PDF阅读器中打开")), "never claimed");
    // The viewer was waited for: it is gone, not a zombie.
    let pid = std::fs::read_to_string(dir.path().join("viewer.pid")).unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
    assert!(!stat.contains(") Z "), "defunct: {stat}");
    // The folder button asks the same program, whose failure is said too.
    h.get_by_label("打开所在文件夹").click();
    h.run();
    until(&mut h, "the folder's failure", |a| a.messages.iter().any(|m| m.text.contains("无法打开文件夹")));
}
