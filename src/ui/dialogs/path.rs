//! The file a command asks for, one way everywhere (open, save, export, roll-over): a path
//! field over a listing of its folder — sub-folders first, then the files the command reads,
//! newest first with their dates, so last year's draft is easy to tell from this year's. A click
//! selects (the path field takes it), Enter or a double-click confirms, ↑/↓ in the path field
//! move the selection, a double-click on a folder (or Enter on it) goes in, 上一级 goes up. Every
//! part has a fixed height, so the buttons never move under the pointer whatever the folder
//! holds. The platform's file dialog, where the desktop has one, fills the same field; where it
//! has none (no XDG portal, no zenity: common on 统信UOS/麒麟 installs and in 云桌面), this is the
//! file browser.

use std::any::Any;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, UNIX_EPOCH};

use egui::{Key, RichText};

use super::{Dialog, modal};
use crate::ui::action::{Action, Invocation};
use crate::ui::command::Command;
use crate::ui::files::{self, FilePrompt, Pending};

/// The platform's dialog came back at once with nothing: there is no dialog to show (a person
/// cannot cancel within this time). Remembered for the session.
static NO_SYSTEM_DIALOG: AtomicBool = AtomicBool::new(false);
const INSTANT_ANSWER: Duration = Duration::from_millis(400);

/// At most this many sub-folders and files are listed (a folder of thousands stays quick).
const LISTED_FOLDERS: usize = 200;
const LISTED_FILES: usize = 200;
/// The listing's height, whatever it holds.
const LISTING_HEIGHT: f32 = 240.0;
/// The height kept for the line under the path field (an error, or what the dialog is doing).
const NOTE_HEIGHT: f32 = 40.0;

/// A sub-folder or a file of the listed folder.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    path: PathBuf,
    folder: bool,
    /// When it was last modified (seconds since 1970).
    modified: Option<u64>,
}

pub struct PathDialog {
    pub prompt: FilePrompt,
    pub command: Command,
    /// The path as typed.
    pub text: String,
    /// What a dialog returned, kept as is: a file name that is not valid UTF-8 (GBK names on
    /// UOS/Kylin) must not go through the text field's lossy form.
    chosen: Option<PathBuf>,
    pub error: Option<String>,
    focus: bool,
    pending: Option<(Pending, Instant)>,
    system_dialogs: bool,
    /// The folder listed and what is in it.
    listing: Option<(PathBuf, Vec<Entry>)>,
    /// The listed entry selected (by a click, or ↑/↓ in the path field); while one is, the
    /// listing stays on its folder.
    selected: Option<usize>,
    /// Bring the selected entry into view (it was reached with ↑/↓).
    scroll_selected: bool,
    /// The file name a save prompt was given, kept while folders are browsed.
    save_name: Option<std::ffi::OsString>,
}

impl PathDialog {
    /// Opens the prompt for `command`, starting the system dialog when there is one.
    pub fn open(
        ctx: &egui::Context,
        prompt: FilePrompt,
        command: Command,
        start: Option<PathBuf>,
        system_dialogs: bool,
    ) -> PathDialog {
        let mut d = PathDialog {
            prompt,
            command,
            text: start.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
            chosen: start,
            error: None,
            focus: true,
            pending: None,
            system_dialogs,
            listing: None,
            selected: None,
            scroll_selected: false,
            save_name: None,
        };
        d.remember_name();
        if d.system_available() {
            d.pending = Some((files::spawn(prompt, ctx, d.chosen.clone()), Instant::now()));
        }
        d
    }

    fn system_available(&self) -> bool {
        self.system_dialogs && !NO_SYSTEM_DIALOG.load(Ordering::Relaxed)
    }

    fn path(&self) -> PathBuf {
        match &self.chosen {
            Some(p) if p.display().to_string() == self.text => p.clone(),
            _ => PathBuf::from(self.text.trim()),
        }
    }

    fn set_path(&mut self, path: PathBuf) {
        self.text = path.display().to_string();
        self.chosen = Some(path);
        self.error = None;
        self.remember_name();
    }

    /// A save prompt keeps the file name it was given while folders are browsed.
    fn remember_name(&mut self) {
        let p = self.path();
        if self.prompt.saves && !self.text.trim().is_empty() && !p.is_dir() {
            self.save_name = p.file_name().map(|n| n.to_os_string());
        }
    }

    /// Goes into a folder: the listing shows it; a save keeps its file name.
    fn enter(&mut self, folder: PathBuf) {
        let path = match self.save_name.clone().filter(|_| self.prompt.saves) {
            Some(name) => folder.join(name),
            None => folder,
        };
        self.selected = None;
        self.set_path(path);
    }

    /// Confirms the path: a folder is gone into, a file hands the command its path.
    fn go(&mut self) -> Option<Action> {
        if self.text.trim().is_empty() {
            self.error = Some("请填写文件路径，或在下面选择文件".into());
            return None;
        }
        let path = self.path();
        if path.is_dir() {
            self.enter(path);
            return None;
        }
        Some(Action::Proceed(Invocation { command: self.command, path: Some(self.prompt.complete(path)) }))
    }

    /// The folder listed: the typed path's own (if it is a folder) or its parent, else the
    /// user's documents folder.
    fn folder(&self) -> PathBuf {
        let p = self.path();
        let dir = if p.is_dir() { Some(p) } else { p.parent().filter(|d| d.is_dir()).map(Path::to_path_buf) };
        dir.or_else(documents_dir).unwrap_or_else(|| PathBuf::from("."))
    }

    /// The folder listed: while an entry is selected, the one it was selected in.
    fn listed_folder(&self) -> PathBuf {
        match (&self.listing, self.selected) {
            (Some((f, _)), Some(_)) => f.clone(),
            _ => self.folder(),
        }
    }

    /// The folder's sub-folders (by name) and the files the command reads (newest first),
    /// read again when the folder changes.
    fn listing(&mut self) -> Vec<Entry> {
        let folder = self.listed_folder();
        if self.listing.as_ref().is_none_or(|(f, _)| *f != folder) {
            self.listing = Some((folder.clone(), read_listing(&folder, self.prompt.filter.1)));
            self.selected = None;
        }
        self.listing.as_ref().map(|(_, l)| l.clone()).unwrap_or_default()
    }
}

fn read_listing(folder: &Path, exts: &[&str]) -> Vec<Entry> {
    let mut folders = Vec::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        if folders.len() >= LISTED_FOLDERS && files.len() >= LISTED_FILES * 4 {
            break;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        let modified = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_secs());
        if meta.is_dir() {
            folders.push(Entry { name, path, folder: true, modified });
        } else if meta.is_file() && path.extension().is_some_and(|x| exts.iter().any(|e| x.eq_ignore_ascii_case(e))) {
            files.push(Entry { name, path, folder: false, modified });
        }
    }
    folders.sort_by(|a, b| a.name.cmp(&b.name));
    folders.truncate(LISTED_FOLDERS);
    files.sort_by_key(|e| std::cmp::Reverse(e.modified));
    files.truncate(LISTED_FILES);
    folders.extend(files);
    folders
}

/// The user's documents folder (where a first save is proposed), else the home folder.
pub fn documents_dir() -> Option<PathBuf> {
    let dirs = directories::UserDirs::new()?;
    Some(dirs.document_dir().unwrap_or(dirs.home_dir()).to_path_buf())
}

/// What a file that would be replaced is, in words: a draft by its unit and year (last year's
/// draft must not be overwritten unnoticed), any other file by its size and date.
pub fn describe_existing(path: &Path) -> String {
    let meta = std::fs::metadata(path).ok();
    let when = meta
        .as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| crate::store::recovery::format_time(d.as_secs()));
    let saved = when.map(|w| format!("，最后保存于{w}")).unwrap_or_default();
    if let Ok(r) = crate::store::load(path) {
        let unit = if r.unit.name.trim().is_empty() { "（未填单位名称）" } else { r.unit.name.trim() };
        return format!("{unit}{}年度的年报草稿{saved}", r.year);
    }
    let size = meta.map(|m| m.len()).unwrap_or(0);
    let size = if size >= 1024 * 1024 {
        format!("{:.1} MB", size as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", size.div_ceil(1024))
    };
    format!("已有的文件（{size}{saved}）")
}

impl Dialog for PathDialog {
    /// Long on purpose: the file prompt's rows in drawing order (egui's immediate mode): field, folder list, existing-file note, buttons.
    #[expect(clippy::too_many_lines, reason = "see the doc comment")]
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        if let Some((pending, since)) = &self.pending
            && let Some(result) = pending.poll()
        {
            let instant = since.elapsed() < INSTANT_ANSWER;
            self.pending = None;
            match result {
                Some(p) => {
                    self.set_path(p);
                    return self.go();
                }
                // No system dialog: this one is the browser (the path field has the keyboard).
                None if instant => NO_SYSTEM_DIALOG.store(true, Ordering::Relaxed),
                None => {}
            }
        }
        let waiting = self.pending.is_some();
        let system = self.system_available();
        let saves = self.prompt.saves;
        let listed = self.listing();
        let folder = self.listed_folder();
        let (answer, dismissed) = modal(ctx, "path", 680.0, |ui| {
            ui.set_width(640.0);
            ui.heading(self.prompt.title);
            ui.label("文件路径：");
            let resp = ui
                .add(egui::TextEdit::singleline(&mut self.text).desired_width(f32::INFINITY))
                .accessible_name("文件路径");
            if std::mem::take(&mut self.focus) {
                resp.request_focus();
            }
            let mut answer = None;
            if resp.changed() {
                self.error = None;
                self.selected = None;
                self.remember_name();
            }
            if resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                answer = Some(Choice::Go);
            }
            // ↑/↓ in the path field move the selection in the listing.
            if resp.has_focus() && !listed.is_empty() {
                let step = ui.input_mut(|i| {
                    if i.consume_key(egui::Modifiers::NONE, Key::ArrowDown) {
                        1
                    } else if i.consume_key(egui::Modifiers::NONE, Key::ArrowUp) {
                        -1
                    } else {
                        0
                    }
                });
                if step != 0 {
                    let n = listed.len() as isize;
                    let at = self.selected.map(|s| s as isize).unwrap_or(if step > 0 { -1 } else { n });
                    answer = Some(Choice::Select((at + step).clamp(0, n - 1) as usize));
                }
            }
            // One line kept for an error or what is going on, so nothing below moves.
            ui.allocate_ui(egui::vec2(ui.available_width(), NOTE_HEIGHT), |ui| {
                ui.set_min_height(NOTE_HEIGHT);
                if let Some(e) = &self.error {
                    ui.add(
                        egui::Label::new(
                            RichText::new(e).color(crate::ui::table::severity_color(crate::model::Severity::E)),
                        )
                        .wrap(),
                    );
                } else if waiting {
                    ui.label(RichText::new("已打开系统文件对话框；也可以直接在上面输入路径，或在下面选择。").small());
                }
            });
            ui.horizontal(|ui| {
                if ui.add_enabled(folder.parent().is_some(), egui::Button::new("上一级")).clicked() {
                    answer = Some(Choice::Up);
                }
                ui.add(egui::Label::new(RichText::new(format!("位置：{}", folder.display())).weak()).truncate());
            });
            egui::Frame::group(ui.style()).show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("path-listing")
                    .min_scrolled_height(LISTING_HEIGHT)
                    .max_height(LISTING_HEIGHT)
                    .auto_shrink(false)
                    .show(ui, |ui| {
                        if listed.iter().all(|e| e.folder) {
                            ui.label(RichText::new(format!("（此文件夹中没有{}）", self.prompt.filter.0)).weak());
                        }
                        egui::Grid::new("path-listing-grid").num_columns(2).striped(true).show(ui, |ui| {
                            for (i, e) in listed.iter().enumerate() {
                                let name = if e.folder { format!("📁 {}", e.name) } else { e.name.clone() };
                                let resp = ui.selectable_label(self.selected == Some(i), name);
                                if self.selected == Some(i) && std::mem::take(&mut self.scroll_selected) {
                                    resp.scroll_to_me(None);
                                }
                                if resp.double_clicked() {
                                    answer = Some(Choice::Open(i));
                                } else if resp.clicked() {
                                    answer = Some(Choice::Select(i));
                                }
                                let when = e.modified.map(crate::store::recovery::format_time).unwrap_or_default();
                                ui.label(RichText::new(when).weak());
                                ui.end_row();
                            }
                        });
                    });
            });
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                if ui.button(if saves { "保存" } else { "打开" }).clicked() {
                    answer = Some(Choice::Go);
                }
                if system && !waiting && ui.button("浏览…").clicked() {
                    answer = Some(Choice::Browse);
                }
                if ui.button("取消").clicked() {
                    answer = Some(Choice::Cancel);
                }
            });
            answer
        });
        match answer {
            Some(Choice::Go) => self.go(),
            Some(Choice::Select(i)) => {
                if let Some(e) = listed.get(i) {
                    self.set_path(e.path.clone());
                    self.selected = Some(i);
                    self.scroll_selected = true;
                }
                None
            }
            Some(Choice::Open(i)) => match listed.get(i) {
                Some(e) if e.folder => {
                    self.enter(e.path.clone());
                    None
                }
                Some(e) => {
                    self.set_path(e.path.clone());
                    self.go()
                }
                None => None,
            },
            Some(Choice::Up) => {
                if let Some(up) = folder.parent() {
                    self.enter(up.to_path_buf());
                }
                None
            }
            Some(Choice::Browse) => {
                self.pending = Some((files::spawn(self.prompt, ctx, Some(self.path())), Instant::now()));
                None
            }
            Some(Choice::Cancel) => Some(Action::CloseDialog),
            None if dismissed => Some(Action::CloseDialog),
            None => None,
        }
    }

    fn show_error(&mut self, message: String) -> bool {
        self.error = Some(message);
        self.focus = true;
        true
    }

    fn title(&self) -> String {
        self.prompt.title.to_string()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

enum Choice {
    Go,
    /// A listed entry clicked (or reached with ↑/↓): selected.
    Select(usize),
    /// A listed entry double-clicked: a file is confirmed, a folder gone into.
    Open(usize),
    Up,
    /// The system's file dialog again.
    Browse,
    Cancel,
}

#[cfg(test)]
mod tests {
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::ui::dialogs::testing::harness;

    /// Two clicks as the harness sends them: the pointer's move, press and release each a frame
    /// (¼ s) apart, so egui is given two seconds to see them as a double-click.
    fn double_click<D: Dialog>(
        h: &mut egui_kittest::Harness<'static, crate::ui::dialogs::testing::Probe<D>>,
        label: &str,
    ) {
        h.ctx.options_mut(|o| o.input_options.max_double_click_delay = 2.0);
        h.get_by_label(label).click();
        h.step();
        h.step();
        h.get_by_label(label).click();
    }

    fn dialog(prompt: FilePrompt, command: Command, start: Option<PathBuf>) -> PathDialog {
        PathDialog::open(&egui::Context::default(), prompt, command, start, false)
    }

    #[test]
    fn enter_hands_back_the_typed_path_with_the_default_extension() {
        let mut h = harness(dialog(files::SAVE_DRAFT, Command::SaveAs, None));
        h.run();
        h.get_by_label("文件路径").type_text("/tmp/年报");
        h.run();
        h.key_press(Key::Enter);
        h.run();
        let want = Invocation { command: Command::SaveAs, path: Some(PathBuf::from("/tmp/年报.nianbao.ron")) };
        assert_eq!(h.state().actions.first(), Some(&Action::Proceed(want)));
    }

    #[test]
    fn an_empty_path_is_refused_inside_the_dialog() {
        let mut h = harness(dialog(files::SAVE_DRAFT, Command::SaveAs, None));
        h.run();
        h.get_by_label("保存").click();
        h.run();
        assert!(h.state().actions.is_empty());
        assert!(h.query_by_label_contains("请填写文件路径").is_some());
    }

    #[test]
    fn an_error_from_the_command_is_shown_in_the_dialog() {
        let mut d = dialog(files::SAVE_DRAFT, Command::SaveAs, None);
        assert!(d.show_error("找不到文件“x.ron”".into()));
        let mut h = harness(d);
        h.run();
        assert!(h.query_by_label("找不到文件“x.ron”").is_some());
    }

    fn two_drafts() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("2024年报.ron"), "x").unwrap();
        std::fs::write(dir.path().join("2023年报.ron"), "x").unwrap();
        std::fs::write(dir.path().join("说明.xlsx"), "x").unwrap();
        std::fs::create_dir(dir.path().join("往年")).unwrap();
        dir
    }

    // regression: in 以上年报告为模板新建 a single click on a listed file started the roll-over.
    #[test]
    fn a_click_selects_a_listed_file_and_enter_or_a_double_click_confirms_it() {
        let dir = two_drafts();
        let mut h = harness(dialog(files::LAST_YEAR, Command::RollOver, Some(dir.path().to_path_buf())));
        h.run();
        assert!(h.query_by_label("说明.xlsx").is_none(), "only the files the command reads");
        let year = format!("{}-", crate::store::clock::today().year);
        assert!(h.query_all_by_label_contains(&year).count() >= 2, "dated");
        h.get_by_label("2024年报.ron").click();
        h.run();
        assert!(h.state().actions.is_empty(), "a click only selects");
        assert_eq!(h.state().dialog.text, dir.path().join("2024年报.ron").display().to_string());
        h.get_by_label("打开").click();
        h.run();
        let want = Invocation { command: Command::RollOver, path: Some(dir.path().join("2024年报.ron")) };
        assert_eq!(h.state().actions.first(), Some(&Action::Proceed(want.clone())));

        let mut h = harness(dialog(files::LAST_YEAR, Command::RollOver, Some(dir.path().to_path_buf())));
        h.run();
        double_click(&mut h, "2024年报.ron");
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::Proceed(want)), "a double-click opens");
    }

    #[test]
    fn arrows_in_the_path_field_move_through_the_listing_and_enter_confirms() {
        let dir = two_drafts();
        let mut h = harness(dialog(files::OPEN_DRAFT, Command::OpenDraft, Some(dir.path().to_path_buf())));
        h.run();
        // 往年 (a folder) first, then the drafts newest first.
        h.key_press(Key::ArrowDown);
        h.run();
        assert_eq!(h.state().dialog.text, dir.path().join("往年").display().to_string());
        h.key_press(Key::ArrowDown);
        h.run();
        let first = h.state().dialog.text.clone();
        assert!(first.ends_with("年报.ron"), "{first}");
        h.key_press(Key::Enter);
        h.run();
        let want = Invocation { command: Command::OpenDraft, path: Some(PathBuf::from(first)) };
        assert_eq!(h.state().actions.first(), Some(&Action::Proceed(want)));
    }

    #[test]
    fn a_folder_is_gone_into_with_a_double_click_and_left_with_up_and_a_save_keeps_its_name() {
        let dir = two_drafts();
        std::fs::write(dir.path().join("往年").join("2022年报.ron"), "x").unwrap();
        let start = dir.path().join("某某县商务局2025年政府信息公开工作年度报告.nianbao.ron");
        let mut h = harness(dialog(files::SAVE_DRAFT, Command::SaveAs, Some(start)));
        h.run();
        double_click(&mut h, "📁 往年");
        h.run();
        assert!(h.query_by_label("2022年报.ron").is_some(), "the folder's drafts are listed");
        let inside = dir.path().join("往年").join("某某县商务局2025年政府信息公开工作年度报告.nianbao.ron");
        assert_eq!(h.state().dialog.text, inside.display().to_string(), "the name is kept");
        h.get_by_label("上一级").click();
        h.run();
        assert!(h.query_by_label("2024年报.ron").is_some());
        assert!(h.state().actions.is_empty());
    }

    // regression: pasting a path moved the 打开 button under the pointer.
    #[test]
    fn the_buttons_stay_put_whatever_the_folder_holds_and_whatever_is_said() {
        let full = tempfile::tempdir().unwrap();
        for n in 0..30 {
            std::fs::write(full.path().join(format!("{n}.ron")), "x").unwrap();
        }
        let empty = tempfile::tempdir().unwrap();
        let mut h = harness(dialog(files::OPEN_DRAFT, Command::OpenDraft, Some(empty.path().to_path_buf())));
        h.run();
        let before = h.get_by_label("打开").rect();
        h.get_by_label("文件路径").click();
        h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
        h.event(egui::Event::Paste(full.path().display().to_string()));
        h.run();
        assert!(h.query_by_label("29.ron").is_some() || h.query_by_label("0.ron").is_some(), "listed");
        assert_eq!(h.get_by_label("打开").rect(), before, "after the listing filled");
        h.get_by_label("打开").click();
        h.run();
        h.get_by_label("文件路径").click();
        h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
        h.event(egui::Event::Paste("/没有这个文件夹/x.ron".into()));
        h.run();
        h.get_by_label("打开").click();
        h.run();
        assert_eq!(h.get_by_label("打开").rect(), before, "after an error was said");
    }
}
