//! The real program on a real (virtual) X desktop, as a staffer meets it: the system clipboard
//! both ways (another program puts a block from Excel on it; the grid's copy reaches other
//! programs), keys typed while the program is stalled (SIGSTOP, a slow PC), and the saved draft
//! read back. Needs Xvfb, xclip and xdotool (`.ci/run` installs them); without them the test says
//! so and passes without checking.

#![cfg(target_os = "linux")]

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nianbao::model::Report;

fn have(tool: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().is_ok_and(|o| o.status.success())
}

/// The desktop tests run one at a time: two picking the same free display at the same moment
/// would share one X server, and keys sent for one window would reach the other.
static ONE_DESKTOP: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// An Xvfb server on a free display, killed when dropped.
struct Desktop {
    display: String,
    server: Child,
}

impl Desktop {
    fn start() -> Option<Desktop> {
        for n in 140..200 {
            let lock = format!("/tmp/.X{n}-lock");
            let socket = format!("/tmp/.X11-unix/X{n}");
            if Path::new(&lock).exists() && !free_stale_lock(&lock, &socket) {
                continue;
            }
            let server = Command::new("Xvfb")
                .args([
                    format!(":{n}"),
                    "-screen".into(),
                    "0".into(),
                    "1400x900x24".into(),
                    "-nolisten".into(),
                    "tcp".into(),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let start = Instant::now();
            while !Path::new(&socket).exists() && start.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(50));
            }
            return Some(Desktop { display: format!(":{n}"), server });
        }
        None
    }

    fn run(&self, program: &str, args: &[&str]) -> std::process::Output {
        Command::new(program)
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"))
    }

    fn key(&self, keys: &str) {
        self.run("xdotool", &["key", "--delay", "40", keys]);
        std::thread::sleep(Duration::from_millis(300));
    }

    fn typed(&self, text: &str) {
        self.run("xdotool", &["type", "--delay", "40", text]);
        std::thread::sleep(Duration::from_millis(300));
    }

    /// Puts text on the clipboard as another program would (xclip keeps serving it).
    fn set_clipboard(&self, text: &str) {
        let mut child = Command::new("xclip")
            .args(["-selection", "clipboard", "-i"])
            .env("DISPLAY", &self.display)
            .stdin(Stdio::piped())
            .spawn()
            .expect("xclip");
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write");
        child.wait().expect("xclip");
    }

    fn clipboard(&self) -> String {
        String::from_utf8_lossy(&self.run("xclip", &["-selection", "clipboard", "-o"]).stdout).into_owned()
    }
}

impl Drop for Desktop {
    /// SIGTERM first: a killed Xvfb leaves its lock file behind, and after enough runs every
    /// display looked taken and the desktop tests skipped themselves.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.server.id().to_string()]).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.server.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Removes the lock (and socket) of an X server that is gone, as Xvfb itself would; true when
/// the display is free now. A lock whose process still runs is left alone.
fn free_stale_lock(lock: &str, socket: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(lock) else { return false };
    let Ok(pid) = text.trim().parse::<u32>() else { return false };
    if Path::new(&format!("/proc/{pid}")).exists() {
        return false;
    }
    let _ = std::fs::remove_file(socket);
    std::fs::remove_file(lock).is_ok()
}

/// Stops the program and everything it started: with the wgpu fallback the window is drawn by
/// a restarted child, which holds the stderr pipe open — killing only the parent left
/// `wait_with_output` waiting for ever.
fn stop_app(app: &mut Child) {
    let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", app.id())]).status();
    let _ = app.kill();
}

/// The desktop for one test, with the tools it needs, or `None` (said why) where they are
/// missing; held one test at a time.
fn desktop(tools: &[&str]) -> Option<(std::sync::MutexGuard<'static, ()>, Desktop)> {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !have(t)).collect();
    if !missing.is_empty() {
        eprintln!("跳过：缺少 {}（.ci/run 会安装）", missing.join("、"));
        return None;
    }
    let one_at_a_time = ONE_DESKTOP.lock().unwrap_or_else(|e| e.into_inner());
    let Some(desk) = Desktop::start() else {
        eprintln!("跳过：无法启动 Xvfb");
        return None;
    };
    Some((one_at_a_time, desk))
}

/// The program under test: this build's, or the one `NIANBAO_TEST_BINARY` names (the release
/// binary: `NIANBAO_TEST_BINARY=target/release/nianbao cargo test --test gui desktop`).
fn program() -> std::ffi::OsString {
    std::env::var_os("NIANBAO_TEST_BINARY").unwrap_or_else(|| env!("CARGO_BIN_EXE_nianbao").into())
}

/// The real program on `desk`, with its own home (settings, recovery copies) under `home`.
fn spawn_app(desk: &Desktop, home: &Path, args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> Child {
    Command::new(program())
        .args(args)
        .envs(env.iter().copied())
        .env("DISPLAY", &desk.display)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // Its own process group, so that `stop_app` reaches a restarted child too.
        .process_group(0)
        .spawn()
        .expect("nianbao")
}

/// Waits until the program's window is mapped and gives it the keyboard (a debug build on a
/// busy CI machine may take a while to start).
fn focus_window(desk: &Desktop, app: &mut Child) {
    let pid = app.id();
    let start = Instant::now();
    loop {
        if let Ok(Some(status)) = app.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = app.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            panic!("the program ended before its window appeared ({status}): {err}");
        }
        // By the program's window class rather than its process: when OpenGL cannot start, the
        // window is drawn by a restarted process (the wgpu fallback) with a pid of its own.
        let _ = pid;
        let out = desk.run("xdotool", &["search", "--onlyvisible", "--class", nianbao::ui::APP_ID]);
        let ids = String::from_utf8_lossy(&out.stdout).to_string();
        if let Some(id) = ids.lines().last() {
            desk.run("xdotool", &["windowfocus", "--sync", id]);
            std::thread::sleep(Duration::from_millis(1500));
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(240), "the window never appeared");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A new, empty 2025 draft `年报.ron` in `dir`, and its text as saved.
fn new_draft(dir: &Path) -> (PathBuf, String) {
    let draft = dir.join("年报.ron");
    nianbao::store::save(&draft, &Report::new("gb2021", 2025, "某某县商务局")).unwrap();
    let text = std::fs::read_to_string(&draft).unwrap();
    (draft, text)
}

fn wait_saved(path: &Path, before: &str) -> Report {
    let start = Instant::now();
    loop {
        let now = std::fs::read_to_string(path).unwrap_or_default();
        if now != before {
            return nianbao::store::load(path).expect("the saved draft reads back");
        }
        assert!(start.elapsed() < Duration::from_secs(20), "Ctrl+S never saved");
        std::thread::sleep(Duration::from_millis(200));
    }
}

// regression: paste from Excel/WPS through the system clipboard did nothing (eframe was built
// without its clipboard); keys typed while the window was stalled all landed in one cell.
#[test]
fn the_real_window_pastes_from_other_programs_copies_to_them_and_keeps_typed_ahead_keys_apart() {
    let Some((_one_at_a_time, desk)) = desktop(&["Xvfb", "xclip", "xdotool"]) else { return };
    let dir = tempfile::tempdir().unwrap();
    let (draft, before) = new_draft(dir.path());
    let mut app = spawn_app(&desk, &dir.path().join("home"), &[draft.as_os_str()], &[]);
    focus_window(&desk, &mut app);

    // 基本信息 → 一、 → 二、: the first cell of 表二 gets the keyboard.
    desk.key("ctrl+Next");
    desk.key("ctrl+Next");
    // A block copied in Excel: 规章 and 行政规范性文件, three columns each.
    desk.set_clipboard("1\t2\t3\r\n4\t5\t6\r\n");
    desk.key("ctrl+v");
    // The window's identity: its class is the desktop file's name (the taskbar groups it with
    // the launcher), and its title names the file with `*` for unsaved changes.
    let by_class = desk.run("xdotool", &["search", "--class", nianbao::ui::APP_ID]);
    let ids = String::from_utf8_lossy(&by_class.stdout).to_string();
    assert!(!ids.trim().is_empty(), "a window of class {}", nianbao::ui::APP_ID);
    let id = ids.lines().last().unwrap_or_default().to_string();
    let title = String::from_utf8_lossy(&desk.run("xdotool", &["getwindowname", &id]).stdout).to_string();
    assert!(title.contains("年报.ron") && title.contains('*'), "title: {title}");
    // And back: the first row of the block, selected with Shift+→, copied for another program.
    desk.key("shift+Right");
    desk.key("ctrl+c");
    std::thread::sleep(Duration::from_millis(500));
    let copied = desk.clipboard();

    // 表三; then keys typed while the program is stopped arrive in one burst.
    desk.key("ctrl+Next");
    let pid = app.id().to_string();
    Command::new("kill").args(["-STOP", &pid]).status().unwrap();
    desk.typed("5");
    desk.key("Tab");
    desk.typed("6");
    desk.key("Tab");
    desk.typed("7");
    Command::new("kill").args(["-CONT", &pid]).status().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    desk.key("ctrl+s");
    // On failure, what the screen showed (the notice says why) is kept beside the test output.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("desktop-after-save.png");
    // ImageMagick's `import`, where installed; the test does not need it.
    let _ = Command::new("import").args(["-window", "root"]).arg(&shot).env("DISPLAY", &desk.display).output();
    let saved = wait_saved(&draft, &before);
    stop_app(&mut app);
    let stderr = app.wait_with_output().map(|o| String::from_utf8_lossy(&o.stderr).into_owned()).unwrap_or_default();

    let cell = |id: &str| saved.cell_text(id).to_string();
    assert_eq!(
        [cell("t2.reg.made"), cell("t2.reg.repealed"), cell("t2.reg.valid")],
        ["1", "2", "3"],
        "the block from the clipboard, row 1 ({stderr})"
    );
    assert_eq!([cell("t2.nds.made"), cell("t2.nds.repealed"), cell("t2.nds.valid")], ["4", "5", "6"], "row 2");
    assert_eq!(copied.trim_end(), "1\t2", "the grid's copy reached the system clipboard");
    assert_eq!(
        [cell("t3.new.np"), cell("t3.new.le_biz"), cell("t3.new.le_sci")],
        ["5", "6", "7"],
        "typed ahead while stopped, each key in its own cell"
    );
}

// regression: the window could not start where OpenGL 2 is missing (Windows Remote Desktop
// offers OpenGL 1.1). Under Mesa's override it must still come up (on OpenGL if the driver
// still offers a core context, else on wgpu in a restarted process).
#[test]
fn the_window_starts_where_opengl_2_is_missing() {
    let Some((_one_at_a_time, desk)) = desktop(&["Xvfb", "xdotool"]) else { return };
    let dir = tempfile::tempdir().unwrap();
    // wgpu alone (NIANBAO_RENDERER=wgpu on lavapipe) is not checked here: under Xvfb it started in
    // some runs and showed no window in others — see issue 11's note.
    let mut app = spawn_app(&desk, &dir.path().join("home"), &[], &[("MESA_GL_VERSION_OVERRIDE", "1.1")]);
    focus_window(&desk, &mut app);
    // Still running with its window up: it drew.
    assert!(app.try_wait().unwrap().is_none(), "the window closed");
    stop_app(&mut app);
    let stderr = app.wait_with_output().map(|o| String::from_utf8_lossy(&o.stderr).into_owned()).unwrap_or_default();
    eprintln!("MESA_GL_VERSION_OVERRIDE=1.1: {}", if stderr.trim().is_empty() { "（无提示）" } else { stderr.trim() });
}

/// 复制为网页 on a real X clipboard: the handle the window uses (`HtmlClipboard`) offers both
/// flavours, and another program (xclip, as a CMS editor in a browser or WPS would) reads the
/// table as HTML and as tab-separated text. The copy runs in a child process of this test
/// binary, so that it has the virtual display to itself (X clipboards are served by the program
/// that copied, which must keep running while others read).
#[test]
fn copy_as_web_page_reaches_other_programs_as_html_and_as_text() {
    let Some((_one_at_a_time, desk)) = desktop(&["Xvfb", "xclip"]) else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["desktop::html_clipboard_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("DISPLAY", &desk.display)
        .env("NB_CLIP_DIR", dir.path())
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let ready = dir.path().join("ready");
    let start = Instant::now();
    while !ready.exists() {
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            use std::io::Read;
            child.stderr.take().map(|mut e| e.read_to_string(&mut err));
            panic!("the copying process ended first ({status}): {err}");
        }
        assert!(start.elapsed() < Duration::from_secs(60), "never copied");
        std::thread::sleep(Duration::from_millis(50));
    }
    let targets =
        String::from_utf8_lossy(&desk.run("xclip", &["-selection", "clipboard", "-t", "TARGETS", "-o"]).stdout)
            .into_owned();
    let html =
        String::from_utf8_lossy(&desk.run("xclip", &["-selection", "clipboard", "-t", "text/html", "-o"]).stdout)
            .into_owned();
    let text = desk.clipboard();
    std::fs::write(dir.path().join("done"), "").unwrap();
    let _ = child.wait();
    assert!(targets.contains("text/html"), "offers HTML: {targets}");
    assert!(html.contains("<table") && html.contains("rowspan"), "the table with its merged cells: {html:.300}");
    assert!(html.contains("自然人"), "Chinese intact in the HTML");
    assert!(text.contains("自然人\t"), "and tab-separated text for a spreadsheet: {text:.300}");
    assert!(!text.contains('<'), "no markup in the text flavour");
}

/// The copying side of the test above (run only by it, with its display).
#[test]
#[ignore = "started by copy_as_web_page_reaches_other_programs_as_html_and_as_text"]
fn html_clipboard_child() {
    let Some(dir) = std::env::var_os("NB_CLIP_DIR").map(PathBuf::from) else { return };
    let report = crate::fixtures::report("hangzhou-2021.csv");
    let form = report.form().unwrap();
    let t3 = form.tables.iter().position(|t| t.def.id == "t3").unwrap();
    let clip = nianbao::export::html::clipboard(&report, &form, nianbao::export::html::Part::Table(t3));
    let mut board = nianbao::ui::clipboard::HtmlClipboard::default();
    board.put(&clip).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("ready"), "").unwrap();
    let start = Instant::now();
    while !dir.join("done").exists() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A crash (a bug, forced here by the debug-only `NIANBAO_DEBUG_PANIC`) loses nothing and says
/// so: the real program, with a number typed and not saved, leaves a crash report and a recovery
/// copy holding the number, and the next start says what happened, then offers the copy.
#[test]
fn a_crash_leaves_a_report_and_a_recovery_copy_that_the_next_start_offers() {
    if std::env::var_os("NIANBAO_TEST_BINARY").is_some() {
        eprintln!("跳过：崩溃的触发只在调试版中（NIANBAO_DEBUG_PANIC）");
        return;
    }
    let Some((_one_at_a_time, desk)) = desktop(&["Xvfb", "xdotool"]) else { return };
    let dir = tempfile::tempdir().unwrap();
    let (draft, before) = new_draft(dir.path());
    let home = dir.path().join("home");
    let mut app = spawn_app(&desk, &home, &[draft.as_os_str()], &[("NIANBAO_DEBUG_PANIC", "1")]);
    focus_window(&desk, &mut app);
    // 表二's first cell has the keyboard after two pages; typing makes the draft dirty.
    desk.key("ctrl+Next");
    desk.key("ctrl+Next");
    desk.typed("8");
    let start = Instant::now();
    let status = loop {
        if let Ok(Some(s)) = app.try_wait() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "the forced crash never came");
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    if let Some(mut e) = app.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(!status.success(), "it crashed");
    assert!(stderr.contains("崩溃报告已保存在"), "said on stderr: {stderr}");
    assert_eq!(std::fs::read_to_string(&draft).unwrap(), before, "the draft itself untouched");

    let data = home.join("data").join("nianbao");
    let crash_dir = data.join("crash");
    let reports: Vec<PathBuf> = std::fs::read_dir(&crash_dir)
        .expect("a crash folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("崩溃报告-")))
        .collect();
    assert_eq!(reports.len(), 1, "one crash report");
    let text = std::fs::read_to_string(&reports[0]).unwrap();
    for part in ["时间：", "版本：", "错误：NIANBAO_DEBUG_PANIC", "调用栈：", "未保存的修改：已保存为恢复副本"]
    {
        assert!(text.contains(part), "{part} in {text:.600}");
    }

    // The next start (the same folders): first the message, then the copy with the number.
    let config = nianbao::ui::AppConfig {
        recovery_dir: Some(data.join("recovery")),
        crash_dir: Some(crash_dir.clone()),
        ..Default::default()
    };
    let mut h = crate::harness::harness(nianbao::ui::NianbaoApp::new(config));
    h.run();
    let message = h.state().dialog_as::<nianbao::ui::dialogs::MessageDialog>().expect("the crash is said");
    assert!(message.text().contains("意外结束") && message.text().contains("未保存的修改已经保存为恢复副本"));
    assert!(message.text().contains(&reports[0].display().to_string()), "where the report is");
    use egui_kittest::kittest::Queryable;
    h.get_by_role_and_label(egui::accesskit::Role::Button, "知道了").click();
    h.run();
    assert_eq!(h.state().dialog_title().as_deref(), Some("发现未保存的内容"), "then the recovery copy is offered");
    let offers = nianbao::store::recovery::RecoveryStore::new(data.join("recovery")).offers();
    assert_eq!(offers.len(), 1);
    assert!(offers[0].copy.draft.contains("\"t2.reg.made\": \"8\""), "the typed number is in the copy");
    // Said once: the start after that says nothing.
    assert!(nianbao::crash::take_last_crash(&crash_dir).is_none());
}

/// The recovery folder the program uses under `home` (XDG_DATA_HOME=home/data).
fn recovery_dir(home: &Path) -> PathBuf {
    home.join("data").join("nianbao").join("recovery")
}

// regression: the recovery copy was written only when a frame was drawn, and an idle window
// draws none: `99` typed in a 表三 cell, Enter, 35 s untouched, kill -9 — the restart offered
// nothing (or a copy with `9`, the first key, only).
#[test]
fn an_edit_reaches_the_recovery_copy_while_the_window_sits_idle_and_the_restart_after_sigkill_offers_it() {
    let Some((_one_at_a_time, desk)) = desktop(&["Xvfb", "xdotool"]) else { return };
    let dir = tempfile::tempdir().unwrap();
    let (draft, _) = new_draft(dir.path());
    let home = dir.path().join("home");
    // A 3-second interval instead of 30 (the same code path, a shorter wait).
    let env = [("NIANBAO_AUTOSAVE_SECONDS", "3")];
    let mut app = spawn_app(&desk, &home, &[draft.as_os_str()], &env);
    focus_window(&desk, &mut app);
    // Let the start's own timers run out (the 已打开 notice fades after 8 s and draws a frame),
    // so that nothing but the autosave can wake the window from here on.
    std::thread::sleep(Duration::from_secs(9));
    for _ in 0..3 {
        desk.key("ctrl+Next");
    }
    desk.typed("99");
    desk.key("Return");
    // Untouched for more than the interval: no key, no mouse.
    std::thread::sleep(Duration::from_secs(6));
    stop_app(&mut app);
    let _ = app.wait();

    let offers = nianbao::store::recovery::RecoveryStore::new(recovery_dir(&home)).offers();
    assert_eq!(offers.len(), 1, "a recovery copy to offer");
    assert!(offers[0].copy.draft.contains("\"t3.new.np\": \"99\""), "both keys are in it: {}", offers[0].copy.draft);

    // The restart offers it; restored, it saves under a new name with the number.
    let mut app = spawn_app(&desk, &home, &[], &env);
    focus_window(&desk, &mut app);
    // 恢复 is the question's default answer: Enter restores.
    desk.key("Return");
    desk.key("ctrl+shift+s");
    // The file prompt opens after the system dialog is found missing (no portal under Xvfb);
    // a debug build on a busy machine took more than the 800 ms this waited before.
    std::thread::sleep(Duration::from_millis(2000));
    // An ASCII name: xdotool types other characters unreliably.
    let copy = dir.path().join("restored.nianbao.ron");
    desk.key("ctrl+a");
    desk.typed(&copy.display().to_string());
    desk.key("Return");
    let start = Instant::now();
    while !copy.exists() {
        assert!(start.elapsed() < Duration::from_secs(20), "the restored report was never saved");
        std::thread::sleep(Duration::from_millis(200));
    }
    stop_app(&mut app);
    let _ = app.wait();
    let restored = nianbao::store::load(&copy).expect("reads back");
    assert_eq!(restored.cell_text("t3.new.np"), "99");
}

// regression: the menus could not be reached from the keyboard, and Alt+F typed `f` into the
// cell.
#[test]
fn the_real_window_opens_its_menus_with_alt_and_alt_f_types_nothing_into_the_cell() {
    let Some((_one_at_a_time, desk)) = desktop(&["Xvfb", "xdotool"]) else { return };
    let dir = tempfile::tempdir().unwrap();
    let (draft, before) = new_draft(dir.path());
    let mut app = spawn_app(&desk, &dir.path().join("home"), &[draft.as_os_str()], &[]);
    focus_window(&desk, &mut app);
    for _ in 0..3 {
        desk.key("ctrl+Next");
    }
    desk.typed("5");
    desk.key("alt+f");
    desk.key("Escape");
    // 导出(X) ▸ 导出Word文档: the second entry; its prompt proposes a name beside the draft.
    desk.key("alt+x");
    desk.key("Down");
    desk.key("Return");
    // The file prompt opens after the system dialog is found missing (no portal under Xvfb);
    // a debug build on a busy machine took more than the 800 ms this waited before.
    std::thread::sleep(Duration::from_millis(2000));
    desk.key("Return");
    let word = dir.path().join("某某县商务局2025年政府信息公开工作年度报告.docx");
    let start = Instant::now();
    while !word.exists() {
        assert!(start.elapsed() < Duration::from_secs(20), "导出Word by keyboard wrote nothing");
        std::thread::sleep(Duration::from_millis(200));
    }
    desk.key("ctrl+s");
    let saved = wait_saved(&draft, &before);
    stop_app(&mut app);
    let _ = app.wait();
    assert_eq!(saved.cell_text("t3.new.np"), "5", "no `f` typed by Alt+F");
}
