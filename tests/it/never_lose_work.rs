//! The defects of issue 9 ("never lose a staffer's work, part two"), one test each, on the
//! store's API and the real binary: exports over their input, backups rotated by a failed save,
//! conflicts between saves, recovery decided by content, non-UTF-8 names, permissions and links,
//! unbounded input, silent choices, messages.

use std::path::Path;

use crate::run::{message_problem, nianbao, stderr, stdout};
use nianbao::model::Report;
use nianbao::store::atomic::{self, BACKUPS};
use nianbao::store::draft::{self, DraftError, Expect};
use nianbao::store::lock::{DraftLock, LockError};
use nianbao::store::recovery::{DraftState, RecoveryStore};

fn report(unit: &str) -> Report {
    Report::new("gb2021", 2025, unit)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

// Defect 1 ---------------------------------------------------------------------------------

#[test]
fn defect1_exports_never_overwrite_their_input_or_an_existing_file_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.ron");
    draft::save(&x, &report("某局")).unwrap();
    let original = std::fs::read(&x).unwrap();
    for cmd in ["export", "export-csv"] {
        for force in [false, true] {
            let mut args = vec![cmd, s(&x), "-o", s(&x)];
            if force {
                args.push("--force");
            }
            let o = nianbao(&args);
            assert_eq!(o.status.code(), Some(2), "{cmd} {force}: {}", stderr(&o));
            assert!(stderr(&o).contains("就是输入文件"), "{}", stderr(&o));
        }
    }
    assert_eq!(std::fs::read(&x).unwrap(), original, "the draft is untouched");

    // Another draft, a newer-version draft, garbage, an unreadable file: refused without
    // --force; a newer draft and an unreadable file even with it.
    let other = dir.path().join("other.ron");
    draft::save(&other, &report("另一个局")).unwrap();
    let newer = dir.path().join("newer.ron");
    std::fs::write(&newer, "(format: \"nianbao-draft\", version: 9, template: \"gb2099\")").unwrap();
    let garbage = dir.path().join("garbage.pdf");
    std::fs::write(&garbage, [0u8, 1, 2, 3]).unwrap();
    for target in [&other, &newer, &garbage] {
        let before = std::fs::read(target).unwrap();
        let o = nianbao(&["export-csv", s(&x), "-o", s(target)]);
        assert_eq!(o.status.code(), Some(2), "{}", target.display());
        assert!(stderr(&o).contains("已存在") || stderr(&o).contains("不会覆盖"), "{}", stderr(&o));
        assert_eq!(std::fs::read(target).unwrap(), before);
    }
    let o = nianbao(&["export-csv", s(&x), "-o", s(&newer), "--force"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("无法读取的年报草稿"), "{}", stderr(&o));

    // Named explicitly with --force: a draft is replaced, keeping it as .bak; garbage too.
    let o = nianbao(&["export-csv", s(&x), "-o", s(&other), "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(draft::load(&atomic::backup_path(&other)).unwrap().unit.name, "另一个局", "kept as .bak");
    let o = nianbao(&["export-csv", s(&x), "-o", s(&garbage), "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&garbage).unwrap().contains("表,行,列,值"));

    // Stale temporary files of an export are cleaned like those of a save.
    let out = dir.path().join("表格.csv");
    let stale = dir.path().join(format!(".~nb-{}-4242-0.tmp", tag(&out)));
    std::fs::write(&stale, "half an export").unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&stale).unwrap().set_modified(old).unwrap();
    let o = nianbao(&["export-csv", s(&x), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stale.exists(), "stale temporary file of an export removed");
}

/// The fingerprint temporary names carry (the same FNV-1a as the store's).
fn tag(p: &Path) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in p.file_name().unwrap().as_encoded_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(unix)]
#[test]
fn defect1_exports_never_replace_a_device_or_folder() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.ron");
    draft::save(&x, &report("某局")).unwrap();
    for target in ["/dev/null", dir.path().to_str().unwrap()] {
        let o = nianbao(&["export-csv", s(&x), "-o", target, "--force"]);
        assert_eq!(o.status.code(), Some(2), "{target}");
        assert!(stderr(&o).contains("不是普通文件"), "{}", stderr(&o));
    }
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device_like());
}

trait CharDevice {
    fn is_char_device_like(&self) -> bool;
}

#[cfg(unix)]
impl CharDevice for std::fs::FileType {
    fn is_char_device_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_char_device()
    }
}

// Defect 2 ---------------------------------------------------------------------------------

#[test]
fn defect2_a_retried_save_does_not_rotate_the_backups_away() {
    // After a save that failed at its last step (Windows: another program holds the file),
    // `.bak` already is the current version; the retries must not push the older ones out.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("年报.ron");
    let mut r = report("某局");
    for v in 1..=6 {
        r.set_cell("t3.new.np", &v.to_string());
        draft::save(&path, &r).unwrap();
    }
    std::fs::copy(&path, atomic::backup_path(&path)).unwrap(); // what the failed attempt left
    std::fs::remove_file(atomic::nth_backup_path(&path, BACKUPS)).unwrap();
    let kept_before: Vec<_> = atomic::backups(&path).iter().map(|b| std::fs::read(b).unwrap()).collect();
    for _ in 0..5 {
        r.set_cell("t3.new.np", "7");
        draft::save(&path, &r).unwrap();
    }
    let kept: Vec<String> =
        atomic::backups(&path).iter().map(|b| draft::load(b).unwrap().cell_text("t3.new.np").to_string()).collect();
    assert_eq!(kept, ["6", "4", "3", "2"], "no backup rotated away by the retries");
    assert_eq!(kept_before.len(), 4);
    assert_eq!(draft::load(&path).unwrap().cell_text("t3.new.np"), "7");
}

// Defect 3 ---------------------------------------------------------------------------------

#[test]
fn defect3_a_second_window_is_told_who_has_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("年报.ron");
    draft::save(&path, &report("某局")).unwrap();
    let window = DraftLock::acquire(&path).unwrap();
    let err = DraftLock::acquire(&path).unwrap_err();
    let LockError::Held { holder: Some(h), .. } = &err else { panic!("{err}") };
    assert_eq!(h.pid, std::process::id());
    assert!(err.to_string().contains("正被另一个窗口或程序使用") && err.to_string().contains("进程"), "{err}");
    // The window that has it saves; a command line run meanwhile is refused with exit 2.
    draft::save(&path, &report("我的局")).unwrap();
    let o = nianbao(&["new", "--year", "2025", "--unit", "命令行", "-o", s(&path), "--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("正被另一个窗口或程序使用"), "{}", stderr(&o));
    assert!(message_problem(&stderr(&o).replace(&dir.path().display().to_string(), "")).is_none(), "{}", stderr(&o));
    assert_eq!(draft::load(&path).unwrap().unit.name, "我的局");
    drop(window);
    let o = nianbao(&["new", "--year", "2025", "--unit", "命令行", "-o", s(&path), "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn defect3_a_save_refuses_when_the_file_changed_since_it_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("年报.ron");
    let first = draft::save_checked(&path, &report("某局"), Expect::Absent).unwrap();
    let (loaded, read_hash) = draft::load_with_hash(&path).unwrap();
    assert_eq!(first, read_hash);
    // A colleague saves within the same second: an mtime would not tell; the content does.
    draft::save(&path, &report("同事")).unwrap();
    let err = draft::save_checked(&path, &loaded.report, Expect::Unchanged(read_hash)).unwrap_err();
    assert!(matches!(err, DraftError::Conflict { .. }), "{err}");
    assert!(err.to_string().contains("已被其他程序或同事修改"), "{err}");
    assert_eq!(draft::load(&path).unwrap().unit.name, "同事");
    assert!(matches!(draft::save_checked(&path, &report("x"), Expect::Absent), Err(DraftError::Conflict { .. })));
    // With the current fingerprint it saves, and returns the next one.
    let now = draft::disk_hash(&path).unwrap().unwrap();
    let next = draft::save_checked(&path, &loaded.report, Expect::Unchanged(now)).unwrap();
    assert_eq!(draft::disk_hash(&path).unwrap(), Some(next));
}

// Defect 4 ---------------------------------------------------------------------------------

#[test]
fn defect4_recovery_copies_are_decided_by_content_and_kept_until_the_user_chooses() {
    let dir = tempfile::tempdir().unwrap();
    let store = RecoveryStore::new(dir.path().join("recovery"));
    let path = dir.path().join("年报.ron");
    draft::save(&path, &report("某局")).unwrap();
    let mut unsaved = report("某局");
    unsaved.sections.insert("s1".into(), "断电前写的".into());
    let key = RecoveryStore::key_for(Some(&path));
    store.write(&key, Some(&path), &unsaved).unwrap();
    // A colleague saves after the crash: the draft is newer, but the copy's work is not in it.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    draft::save(&path, &report("同事")).unwrap();
    let offers = store.offers();
    assert_eq!(offers.len(), 1, "offered although the draft is newer");
    assert_eq!(offers[0].draft, DraftState::Differs);
    assert!(offers[0].draft_saved_at.unwrap() >= offers[0].copy.saved_at);
    assert_eq!(store.list().len(), 1, "nothing removed by looking");

    // A copy whose content is what the draft holds (a save in the same second) is not offered,
    // and not removed either.
    let same = dir.path().join("同秒.ron");
    draft::save(&same, &unsaved).unwrap();
    store.write(&RecoveryStore::key_for(Some(&same)), Some(&same), &unsaved).unwrap();
    assert_eq!(store.offers().len(), 1);
    assert_eq!(store.list().len(), 2);
    // The user's choice removes it.
    store.remove(&key);
    assert_eq!(store.list().len(), 1);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for e in std::fs::read_dir(&store.dir).unwrap().flatten() {
            assert_eq!(e.metadata().unwrap().permissions().mode() & 0o777, 0o600, "{:?}", e.path());
        }
        assert_eq!(std::fs::metadata(&store.dir).unwrap().permissions().mode() & 0o777, 0o700);
    }
}

// Defect 5 ---------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn defect5_a_file_name_that_is_not_utf8_opens_and_saves() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    // “年报.ron” in GBK, as UOS and Kylin machines often name files.
    let (gbk, _, _) = encoding_rs::GBK.encode("年报2025.ron");
    let path = dir.path().join(OsStr::from_bytes(&gbk));
    let o = nianbao(&[OsStr::new("new"), OsStr::new("--year"), OsStr::new("2025"), OsStr::new("-o"), path.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(draft::load(&path).is_ok());
    let o = nianbao(&[OsStr::new("check"), path.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = dir.path().join(OsStr::from_bytes(&encoding_rs::GBK.encode("表格.csv").0));
    let o = nianbao(&[OsStr::new("export-csv"), path.as_os_str(), OsStr::new("-o"), csv.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = nianbao(&[
        OsStr::new("new"),
        OsStr::new("--year"),
        OsStr::new("2025"),
        OsStr::new("--unit"),
        OsStr::new("另一个局"),
        OsStr::new("-o"),
        path.as_os_str(),
        OsStr::new("--force"),
    ]);
    assert_eq!(o.status.code(), Some(0), "saved again: {}", stderr(&o));
    assert!(atomic::backup_path(&path).exists());
    // A value that is not text is refused in Chinese, not with a panic.
    let o = nianbao(&[
        OsStr::new("new"),
        OsStr::new("--year"),
        OsStr::new("2025"),
        OsStr::new("--unit"),
        OsStr::from_bytes(&gbk),
        OsStr::new("-o"),
        dir.path().join("u.ron").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不是有效的文字"), "{}", stderr(&o));
}

// Defect 6 ---------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn defect6_saving_keeps_the_mode_refuses_read_only_and_saves_through_links() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("私密.ron");
    draft::save(&path, &report("一")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    draft::save(&path, &report("二")).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600, "a private draft stays private");
    assert_eq!(mode(&atomic::backup_path(&path)), 0o600, "and so does its backup");

    let ro = dir.path().join("只读.ron");
    draft::save(&ro, &report("原样")).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let err = draft::save(&ro, &report("覆盖")).unwrap_err();
    assert!(err.to_string().contains("只读"), "{err}");
    assert_eq!(draft::load(&ro).unwrap().unit.name, "原样");

    let real_dir = dir.path().join("共享盘");
    std::fs::create_dir(&real_dir).unwrap();
    let target = real_dir.join("真正的.ron");
    draft::save(&target, &report("旧")).unwrap();
    let link = dir.path().join("桌面快捷方式.ron");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    draft::save(&link, &report("新")).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(draft::load(&target).unwrap().unit.name, "新", "the target is saved");
    assert_eq!(draft::load(&atomic::backup_path(&target)).unwrap().unit.name, "旧");
    assert_eq!(atomic::backups(&link), atomic::backups(&target));
}

#[test]
fn defect6_a_bare_relative_name_is_saved_and_synced_in_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["new", "--year", "2025", "-o", "年报.ron"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(draft::load(&dir.path().join("年报.ron")).is_ok());
    // And directly through the store (the folder of a bare name is ".").
    assert_eq!(atomic::parent_dir(Path::new("年报.ron")), Path::new("."));
}

// Defect 7 ---------------------------------------------------------------------------------

#[test]
fn defect7_a_draft_listing_200000_annexes_is_refused_at_once() {
    let base = draft::to_ron(&report("某局")).unwrap();
    let text = base.replace("annexes: [],", &format!("annexes: [{}],", vec!["\"guizhou-annex\""; 200_000].join(",")));
    assert!(text.len() > 3_000_000);
    let err = draft::from_ron(&text, Path::new("x.ron")).unwrap_err();
    assert!(err.to_string().contains("项数过多"), "{err}");
    // Below the list bound, the annex bound still holds.
    let text = base.replace("annexes: [],", &format!("annexes: [{}],", ["\"guizhou-annex\""; 9].join(",")));
    assert!(matches!(draft::from_ron(&text, Path::new("x.ron")), Err(DraftError::TooMany { .. })));
}

#[cfg(unix)]
#[test]
fn defect7_a_font_path_of_dev_zero_is_refused_by_the_bounded_reader() {
    let err = nianbao::store::read_limited(Path::new("/dev/zero"), 64 * 1024 * 1024).unwrap_err();
    assert!(matches!(err, nianbao::store::ReadError::NotRegular(_)), "{err}");
    let err = draft::load(Path::new("/dev/zero")).unwrap_err();
    assert!(err.to_string().contains("不是普通文件"), "not “太大（0字节）”: {err}");
}

#[test]
fn defect7_a_247_byte_file_name_saves_with_its_backups() {
    let dir = tempfile::tempdir().unwrap();
    let name = format!("{}.ron", "年".repeat(81)); // 243 + 4 bytes
    assert_eq!(name.len(), 247);
    let path = dir.path().join(&name);
    for unit in ["一", "二", "三"] {
        draft::save(&path, &report(unit)).unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(atomic::backups(&path).len(), 2);
    let o = nianbao(&["export-csv", s(&path), "-o", s(&dir.path().join(format!("{}.csv", "年".repeat(81))))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

// Defect 8 ---------------------------------------------------------------------------------

#[test]
fn defect8_duplicate_keys_in_a_draft_are_an_error_with_the_line() {
    let text = draft::to_ron(&report("某局")).unwrap().replacen(
        "cells: {}",
        "cells: {\n    \"t3.new.np\": \"1\",\n    \"t3.new.np\": \"2\",\n  }",
        1,
    );
    let err = draft::from_ron(&text, Path::new("x.ron")).unwrap_err();
    let DraftError::Syntax { line, .. } = &err else { panic!("{err}") };
    let expected = text.lines().position(|l| l.contains("\"2\"")).unwrap() + 1;
    assert_eq!(*line, expected, "{err}");
    assert!(err.to_string().contains("“t3.new.np”在同一处出现了两次"), "{err}");
}

#[test]
fn defect8_duplicate_csv_rows_a_contradicting_year_and_control_characters_are_reported() {
    use nianbao::store::csv::{ImportOptions, parse};
    let csv = "表,行,列,值\n基本信息,年度,,2025\n基本信息,机关全称,,甲局\n基本信息,机关全称,,乙局\n正文,一、总体情况,,一\n正文,一、总体情况,,二\n说明,K,,a\n说明,K,,b\n上年基本信息,年度,,2024\n上年基本信息,年度,,2023\n表三,一、本年新收政府信息公开申请数量,自然人,5\u{7}\n";
    let data = parse(csv.as_bytes(), &ImportOptions::default()).unwrap();
    let lines: Vec<usize> = data.issues.iter().map(|i| i.line).collect();
    assert_eq!(lines, [4, 6, 8, 10], "{:?}", data.issues);
    assert!(data.issues.iter().all(|i| i.message.contains("重复")));
    assert_eq!(data.report.unit.name, "甲局", "nothing decided silently: reported, first kept");
    assert_eq!(data.warnings.len(), 1);
    assert_eq!(data.warnings[0].to_string(), "第11行：有1个不可见的控制字符，已删除");
    assert_eq!(data.report.cell_text("t3.new.np"), "5");

    let opts = ImportOptions { year: Some(2024), ..Default::default() };
    let data = parse("表,行,列,值\n基本信息,年度,,2025\n".as_bytes(), &opts).unwrap();
    assert_eq!(data.issues.len(), 1);
    assert_eq!(
        data.issues[0].to_string(),
        "第2行：文件中的年度（2025）与指定的年度（2024）不一致；请改正文件或指定的年度"
    );
    let o = nianbao(&[
        "import",
        s(&crate::run::fixture("hostile/csv-year-conflict.csv")),
        "--year",
        "2024",
        "-o",
        "/nonexistent/x.ron",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn defect8_unknown_cell_ids_are_reported_with_their_line_and_kept() {
    let text = draft::to_ron(&report("某局")).unwrap().replacen(
        "cells: {}",
        "cells: {\n    \"t3.new.np\": \"1\",\n    \"t9.mystery\": \"2\",\n    \"t3.new.total\": \"99\",\n  }",
        1,
    );
    let loaded = draft::from_ron_checked(&text, Path::new("x.ron")).unwrap();
    let w = loaded.warnings.join("\n");
    let line = text.lines().position(|l| l.contains("t9.mystery")).unwrap() + 1;
    assert!(w.contains(&format!("“t9.mystery”（第{line}行）")), "{w}");
    assert!(w.contains("t3.new.total") && w.contains("自动计算"), "{w}");
    assert_eq!(loaded.report.cell_text("t9.mystery"), "2", "kept, so a save loses nothing");
}

// Defect 9 ---------------------------------------------------------------------------------

#[test]
fn defect9_years_are_understood_as_people_write_them() {
    use nianbao::model::report::parse_year;
    for s in ["2021", "2021年", "2021年度", "２０２１", "二〇二一", "二零二一年", " 2021 "] {
        assert_eq!(parse_year(s), Some(2021), "{s}");
    }
    for s in ["", "21", "二〇二", "明年", "20211", "1800", "2021年年"] {
        assert_eq!(parse_year(s), None, "{s}");
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.ron");
    let o = nianbao(&["new", "--year", "二〇二一", "-o", s(&p)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(draft::load(&p).unwrap().year, 2021);
}

#[cfg(target_os = "linux")]
#[test]
fn defect9_output_to_a_full_stdout_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.ron");
    draft::save(&p, &report("某局")).unwrap();
    let full = std::fs::File::options().write(true).open("/dev/full").unwrap();
    let o =
        std::process::Command::new(env!("CARGO_BIN_EXE_nianbao")).args(["check", s(&p)]).stdout(full).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("无法输出结果：磁盘空间不足"), "{}", stderr(&o));
}

#[test]
fn defect9_escape_sequences_in_labels_are_not_echoed_raw() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.csv");
    std::fs::write(&p, "表,行,列,值\n基本信息,年度,,2025\n表\u{1b}]0;标题\u{7}三\u{9b}2J,一,自然人,5\n").unwrap();
    let o = nianbao(&["check", s(&p)]);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!all.chars().any(|c| c.is_control() && c != '\n'), "{all:?}");
    assert!(all.contains("未知的表"), "{all}");
    let name = dir.path().join("a\u{1b}[2Jb.ron");
    let o = nianbao(&["check", s(&name)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("a\\u{1b}[2Jb.ron"), "the name is shown escaped: {}", stderr(&o));
}

#[test]
fn defect9_io_errors_are_chinese_with_the_system_text_as_a_detail() {
    let err = draft::load(Path::new("/nonexistent/年报.ron")).unwrap_err().to_string();
    assert!(err.starts_with("无法读取文件“/nonexistent/年报.ron”：文件或文件夹不存在（系统信息："), "{err}");
    assert_eq!(atomic::describe_io(&std::io::Error::from(std::io::ErrorKind::StorageFull)), "磁盘空间不足");
}

#[test]
fn defect8_control_characters_removed_from_last_years_csv_are_reported_on_roll_over() {
    let dir = tempfile::tempdir().unwrap();
    let next = dir.path().join("2026.ron");
    let o =
        nianbao(&["new", "--from", s(&crate::run::fixture("hostile/csv-nul.csv")), "--year", "2026", "-o", s(&next)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("注意：上年CSV第4行：有1个不可见的控制字符，已删除"), "{}", stdout(&o));
    assert_eq!(draft::load(&next).unwrap().unit.name, "某某县商务局");
}
