//! Never lose a staffer's work; never trust a file blindly: backups, stale temporary files,
//! hostile drafts, read-only folders, files changed on disk, recovery copies.

use crate::harness::{CTRL, harness};

const CTRL_SHIFT: Modifiers = Modifiers { ctrl: true, command: true, alt: false, shift: true, mac_cmd: false };

use std::path::Path;
use std::time::{Duration, SystemTime};

use egui::accesskit::Role;
use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use nianbao::model::Report;
use nianbao::store::atomic::{self, BACKUPS};
use nianbao::store::draft::{self, DraftError};
use nianbao::store::recovery::RecoveryStore;
use nianbao::ui::dialogs::{ChoiceDialog, MessageDialog, PathDialog};
use nianbao::ui::doc::Document;
use nianbao::ui::{AppConfig, NianbaoApp};

fn report() -> Report {
    Report::new("gb2021", 2025, "某某县商务局")
}

#[test]
fn the_last_five_versions_are_kept_as_backups() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("年报.ron");
    let mut r = report();
    for v in 1..=7 {
        r.set_cell("t3.new.np", &v.to_string());
        draft::save(&path, &r).unwrap();
    }
    assert_eq!(draft::load(&path).unwrap().cell_text("t3.new.np"), "7");
    let backups = atomic::backups(&path);
    assert_eq!(backups.len(), BACKUPS);
    let kept: Vec<String> =
        backups.iter().map(|b| draft::load(b).unwrap().cell_text("t3.new.np").to_string()).collect();
    assert_eq!(kept, ["6", "5", "4", "3", "2"], "newest first");
    // Saving unchanged content does not push a backup out.
    draft::save(&path, &r).unwrap();
    assert_eq!(draft::load(&atomic::backup_path(&path)).unwrap().cell_text("t3.new.np"), "6");
}

#[test]
fn temporary_files_left_by_a_crash_are_cleaned_up_on_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("年报.ron");
    let stale = dir.path().join(".年报.ron.4242.0.tmp");
    let fresh = dir.path().join(".年报.ron.4243.0.tmp");
    std::fs::write(&stale, "half a draft").unwrap();
    std::fs::write(&fresh, "a save in progress").unwrap();
    let old = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&stale).unwrap().set_modified(old).unwrap();
    draft::save(&path, &report()).unwrap();
    assert!(!stale.exists());
    assert!(fresh.exists(), "a recent temporary file may belong to a save in progress");
}

#[test]
fn unknown_fields_are_reported_and_control_characters_removed() {
    let text = draft::to_ron(&report())
        .unwrap()
        .replacen("  year: 2025,", "  year: 2025,\n  colour: \"红\",", 1)
        .replacen("    name: \"某某县商务局\",", "    name: \"某某县\\u{7}商务局\",\n    fax: \"123\",", 1);
    let loaded = draft::from_ron_checked(&text, Path::new("x.ron")).unwrap();
    assert_eq!(loaded.report.unit.name, "某某县商务局");
    let w = loaded.warnings.join("\n");
    assert!(w.contains("colour") && w.contains("unit.fax"), "{w}");
    assert!(w.contains("1个不可见的控制字符"), "{w}");
}

#[test]
fn absurd_sizes_are_refused_not_loaded() {
    let mut r = report();
    r.cells.insert("t3.new.np".into(), "9".repeat(draft::MAX_CELL_CHARS + 1));
    let err = draft::from_ron(&draft::to_ron(&r).unwrap(), Path::new("x.ron")).unwrap_err();
    assert!(matches!(err, DraftError::FieldTooLong { .. }), "{err}");
    assert!(err.to_string().contains("过长"));

    let mut r = report();
    for i in 0..=draft::MAX_ENTRIES {
        r.cells.insert(format!("x.{i}"), "1".into());
    }
    assert!(matches!(
        draft::from_ron(&draft::to_ron(&r).unwrap(), Path::new("x.ron")),
        Err(DraftError::TooMany { .. })
    ));

    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.ron");
    std::fs::write(&big, vec![b' '; (draft::MAX_DRAFT_BYTES + 1) as usize]).unwrap();
    assert!(matches!(draft::load(&big), Err(DraftError::TooLarge { .. })));
    let binary = dir.path().join("bin.ron");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x81]).unwrap();
    assert!(matches!(draft::load(&binary), Err(DraftError::NotText { .. })));
}

#[test]
fn huge_numbers_are_errors_never_overflows() {
    let mut r = report();
    for (i, id) in ["t3.new.np", "t3.new.le_biz", "t3.new.le_sci", "t3.new.le_ngo", "t3.new.le_law"].iter().enumerate()
    {
        r.set_cell(id, if i == 0 { "99999999999999999999999" } else { "1000000000000" });
    }
    r.set_cell("t4.rv.keep", "-9223372036854775808");
    let form = r.form().unwrap();
    let (values, findings) = nianbao::model::check_report(&form, &r, &Default::default());
    assert!(findings.iter().any(|f| f.cells == ["t3.new.np"] && f.message.contains("超出允许范围")));
    assert!(findings.iter().any(|f| f.cells == ["t4.rv.keep"]));
    assert!(values.get(form.index["t3.new.total"]).num().is_none(), "a total over an invalid part is unknown");
}

#[cfg(target_os = "linux")]
#[test]
fn a_folder_that_cannot_be_written_gives_a_chinese_error_and_nothing_is_lost() {
    // /sys refuses new files even to root (CI runs as root, which ignores chmod).
    let err = draft::save(Path::new("/sys/nianbao-test.ron"), &report()).unwrap_err().to_string();
    assert!(err.contains("无法保存到") && err.contains("没有权限"), "{err}");
    assert_eq!(atomic::describe_io(&std::io::Error::from(std::io::ErrorKind::StorageFull)), "磁盘空间不足");

    // In the window the work stays in memory, unsaved, with the reason shown.
    let mut app = NianbaoApp::new(AppConfig::default());
    let mut doc = Document::new(report(), None).unwrap();
    doc.set(nianbao::ui::doc::Field::Cell("t3.new.np".into()), "5".into());
    app.set_document(doc);
    assert!(!app.save_to(Path::new("/sys/nianbao-test.ron")));
    let doc = app.doc.as_ref().unwrap();
    assert!(doc.dirty && doc.path.is_none());
    assert_eq!(doc.report.cell_text("t3.new.np"), "5");
    let shown = app.dialog_as::<MessageDialog>().map(|d| d.text().to_string()).unwrap_or_default();
    assert!(shown.contains("内容仍在窗口中，未丢失"), "the failure is shown until acknowledged: {shown}");
}

fn edit(h: &mut Harness<'static, NianbaoApp>, v: &str) {
    if let Some(doc) = h.state_mut().doc.as_mut() {
        doc.set(nianbao::ui::doc::Field::Section("s5".into()), v.into());
    }
    h.run();
}

#[test]
fn a_file_changed_on_disk_since_it_was_opened_is_not_overwritten_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("年报.ron");
    draft::save(&path, &report()).unwrap();
    let mut app = NianbaoApp::new(AppConfig::default());
    app.open_path(&path);
    let mut h = harness(app);
    edit(&mut h, "我的修改");
    // A colleague saves the same file meanwhile.
    let mut theirs = report();
    theirs.sections.insert("s5".into(), "同事的修改".into());
    draft::save(&path, &theirs).unwrap();
    h.key_press_modifiers(CTRL, Key::S);
    h.run();
    assert_eq!(h.state().dialog_title().as_deref(), Some("确认覆盖"));
    h.get_by_role_and_label(Role::Button, "取消").click();
    h.run();
    assert_eq!(draft::load(&path).unwrap().section("s5"), "同事的修改", "nothing overwritten");
    h.key_press_modifiers(CTRL, Key::S);
    h.run();
    h.get_by_role_and_label(Role::Button, "覆盖保存").click();
    h.run();
    assert_eq!(draft::load(&path).unwrap().section("s5"), "我的修改");
    assert_eq!(draft::load(&atomic::backup_path(&path)).unwrap().section("s5"), "同事的修改", "kept as .bak");
}

#[test]
fn save_as_never_overwrites_a_file_that_is_not_a_readable_draft() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("工作总结.ron");
    std::fs::write(&other, "这是另一份文件").unwrap();
    let mut app = NianbaoApp::new(AppConfig::default());
    app.set_document(Document::new(report(), None).unwrap());
    let mut h = harness(app);
    h.key_press_modifiers(CTRL, Key::S);
    h.run();
    h.key_press_modifiers(CTRL, Key::A);
    h.event(Event::Text(other.to_str().unwrap().into()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let error = h.state().dialog_as::<PathDialog>().and_then(|d| d.error.clone());
    assert!(error.as_deref().is_some_and(|e| e.contains("不会覆盖")), "{error:?}");
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "这是另一份文件");
}

fn recovery_config(dir: &Path, every: Duration) -> AppConfig {
    AppConfig { recovery_dir: Some(dir.to_path_buf()), autosave_every: every, ..AppConfig::default() }
}

#[test]
fn unsaved_changes_are_copied_for_recovery_and_the_copy_goes_after_a_clean_save() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = dir.path().join("recovery");
    let path = dir.path().join("年报.ron");
    draft::save(&path, &report()).unwrap();
    let mut app = NianbaoApp::new(recovery_config(&recovery, Duration::ZERO));
    app.open_path(&path);
    let mut h = harness(app);
    edit(&mut h, "写了半天的内容");
    let store = RecoveryStore::new(recovery.clone());
    let copies = store.list();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].1.original.as_deref(), Some(path.as_path()));
    assert!(copies[0].1.draft.contains("写了半天的内容"));
    h.key_press_modifiers(CTRL, Key::S);
    h.run();
    assert!(store.list().is_empty(), "removed after a clean save");
}

#[test]
fn losing_focus_writes_the_recovery_copy_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = NianbaoApp::new(recovery_config(dir.path(), Duration::from_secs(3600)));
    app.set_document(Document::new(report(), None).unwrap());
    let mut h = harness(app);
    h.run();
    edit(&mut h, "未保存的新报告");
    let store = RecoveryStore::new(dir.path().to_path_buf());
    assert!(store.list().is_empty(), "not due yet");
    h.event(Event::WindowFocused(false));
    h.run();
    let copies = store.list();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].1.original, None, "a draft never saved");
}

#[test]
fn after_a_crash_the_newer_copy_is_offered_with_both_times_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = dir.path().join("recovery");
    let path = dir.path().join("年报.ron");
    draft::save(&path, &report()).unwrap();
    // Backdate the draft: the copy was written after it.
    let old = SystemTime::now() - Duration::from_secs(600);
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(old).unwrap();
    let mut lost = report();
    lost.set_cell("t3.new.np", "42");
    lost.sections.insert("s5".into(), "断电前写的".into());
    let store = RecoveryStore::new(recovery.clone());
    store.write(&RecoveryStore::key_for(Some(&path)), Some(&path), &lost).unwrap();

    let h_app = NianbaoApp::new(recovery_config(&recovery, Duration::from_secs(30)));
    assert_eq!(h_app.dialog_title().as_deref(), Some("发现未保存的内容"));
    let mut h = harness(h_app);
    h.run();
    assert!(h.query_by_label_contains("恢复副本保存于").is_some());
    assert!(h.query_by_label_contains("草稿文件最后保存于").is_some());
    h.get_by_role_and_label(Role::Button, "恢复").click();
    h.run();
    let doc = h.state().doc.as_ref().expect("restored");
    assert_eq!(doc.report, lost);
    assert!(doc.dirty);
    assert_eq!(doc.path.as_deref(), Some(path.as_path()));

    // Decided by content, not by time (issue 9): a copy that holds what its draft holds is not
    // offered, a copy older than its draft but with other content is; neither is removed.
    let stale_dir = tempfile::tempdir().unwrap();
    let stale = RecoveryStore::new(stale_dir.path().to_path_buf());
    let p2 = dir.path().join("新.ron");
    stale.write(&RecoveryStore::key_for(Some(&p2)), Some(&p2), &lost).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    draft::save(&p2, &lost).unwrap();
    assert!(stale.offers().is_empty(), "saved already: nothing to recover");
    assert_eq!(stale.list().len(), 1, "but not removed without asking");
    draft::save(&p2, &report()).unwrap();
    assert_eq!(stale.offers().len(), 1, "a colleague's later save does not make the copy stale");
}

#[test]
fn discarding_changes_removes_the_recovery_copy() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = NianbaoApp::new(recovery_config(dir.path(), Duration::ZERO));
    app.set_document(Document::new(report(), None).unwrap());
    let mut h = harness(app);
    edit(&mut h, "不要了");
    let store = RecoveryStore::new(dir.path().to_path_buf());
    assert_eq!(store.list().len(), 1);
    h.input_mut().viewports.entry(egui::ViewportId::ROOT).or_default().events.push(egui::ViewportEvent::Close);
    h.run();
    h.get_by_role_and_label(Role::Button, "不保存").click();
    h.run();
    assert!(store.list().is_empty());
}

#[test]
fn an_absurd_report_year_is_refused_everywhere() {
    let text = draft::to_ron(&report()).unwrap().replacen("year: 2025,", "year: 2147483647,", 1);
    assert!(matches!(draft::from_ron(&text, Path::new("x.ron")), Err(DraftError::BadYear { .. })));
    let csv = "表,行,列,值\n基本信息,年度,,99999\n";
    let err = nianbao::store::csv::parse(csv.as_bytes(), &Default::default()).unwrap_err();
    assert!(err.to_string().contains("第2行：年度“99999”不是有效的年份"), "{err}");
    let csv = "表,行,列,值\n基本信息,年度,,1066\n";
    let err = nianbao::store::csv::parse(csv.as_bytes(), &Default::default()).unwrap_err();
    assert!(err.to_string().contains("第2行：年度“1066”"), "{err}");
    let mut r = report();
    r.year = -5;
    let dir = tempfile::tempdir().unwrap();
    assert!(draft::save(&dir.path().join("x.ron"), &r).is_err(), "never written, so never unreadable");
}

#[test]
fn a_draft_open_in_another_window_opens_read_only_and_is_saved_only_under_another_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("年报.ron");
    draft::save(&path, &report()).unwrap();
    let mut first = NianbaoApp::new(AppConfig::default());
    first.open_path(&path);
    assert!(first.doc.as_ref().unwrap().read_only.is_none(), "the first window has the draft");

    let mut second = NianbaoApp::new(AppConfig::default());
    second.open_path(&path);
    let who = second.doc.as_ref().unwrap().read_only.clone().expect("the second window is told");
    assert!(who.contains("进程"), "who has it: {who}");
    let mut h = harness(second);
    assert!(h.state().title().contains("（只读）"), "{}", h.state().title());
    // Said where it can be read in full, and acknowledged.
    let told = h.state().dialog_as::<nianbao::ui::dialogs::MessageDialog>().expect("told in a dialog");
    assert!(told.lines().iter().any(|l| l.contains("以只读方式打开")), "{:?}", told.lines());
    h.get_by_label("知道了").click();
    h.run();
    edit(&mut h, "第二个窗口的修改");
    h.key_press_modifiers(CTRL, Key::S);
    h.run();
    assert_eq!(draft::load(&path).unwrap().section("s5"), "", "the draft the first window has is untouched");
    assert!(h.state().dialog_as::<PathDialog>().is_some(), "asked for another name instead");
    let copy = dir.path().join("年报-副本.ron");
    assert!(h.state_mut().save_to(&copy));
    assert_eq!(draft::load(&copy).unwrap().section("s5"), "第二个窗口的修改");
    assert!(h.state().doc.as_ref().unwrap().read_only.is_none(), "the copy is this window's own");

    // Closing the first window releases the draft.
    drop(first);
    let mut third = NianbaoApp::new(AppConfig::default());
    third.open_path(&path);
    assert!(third.doc.as_ref().unwrap().read_only.is_none());
}

// regression: 确认覆盖 said only that the file existed, not that it was last year's draft.
#[test]
fn replacing_a_draft_asks_naming_its_unit_and_year() {
    let dir = tempfile::tempdir().unwrap();
    let last = dir.path().join("年报.ron");
    draft::save(&last, &Report::new("gb2021", 2024, "某某县商务局")).unwrap();
    let mut app = NianbaoApp::new(AppConfig::default());
    app.set_document(Document::new(report(), None).unwrap());
    let mut h = harness(app);
    h.key_press_modifiers(CTRL_SHIFT, Key::S);
    h.run();
    h.get_by_label("文件路径").click();
    h.key_press_modifiers(CTRL, Key::A);
    h.event(Event::Text(last.display().to_string()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let question = h.state().dialog_as::<ChoiceDialog>().expect("asks before replacing");
    let said = question.lines().join("");
    assert!(said.contains("某某县商务局2024年度的年报草稿"), "what would be replaced: {said}");
    assert!(said.contains("当前报告（某某县商务局2025年度）"), "by what: {said}");
    assert_eq!(draft::load(&last).unwrap().year, 2024, "nothing replaced yet");
}

// regression: the recovery copy was written only when a frame was drawn, and an idle window
// draws none: a change made before a quiet minute was not in the copy when the PC crashed.
#[test]
fn after_an_edit_the_window_asks_to_be_woken_when_its_recovery_copy_falls_due() {
    let dir = tempfile::tempdir().unwrap();
    let every = Duration::from_secs(30);
    let mut app = NianbaoApp::new(recovery_config(dir.path(), every));
    app.set_document(Document::new(report(), None).unwrap());
    let mut h = harness(app);
    h.run();
    edit(&mut h, "一处修改");
    let store = RecoveryStore::new(dir.path().to_path_buf());
    assert!(store.list().is_empty(), "not due yet");
    let wake = h.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert!(wake <= every, "a frame is asked for within the autosave interval: {wake:?}");
    assert!(wake > Duration::from_secs(20), "not every frame: {wake:?}");
}
