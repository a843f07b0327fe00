//! The file a command asks for: an in-app path field (always there), filled by the platform's
//! file dialog when there is one, or by an in-app file browser when there is none (no XDG portal,
//! no zenity: common on 统信UOS/麒麟 installs and in 云桌面). The folder's files are listed with
//! their dates, so last year's draft is easy to tell from this year's.

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

/// How many files of the folder are listed (newest first).
const LISTED: usize = 12;

/// A file of the listed folder: name, path, and when it was last modified (seconds since 1970).
type Listed = (String, PathBuf, Option<u64>);

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
    /// The in-app file browser, while it is open.
    browser: Option<egui_file::FileDialog>,
    /// The folder listed below the path field, and its files.
    listing: Option<(PathBuf, Vec<Listed>)>,
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
            browser: None,
            listing: None,
        };
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

    fn go(&mut self) -> Option<Action> {
        if self.text.trim().is_empty() {
            self.error = Some("请填写文件路径".into());
            return None;
        }
        let path = self.path();
        if !self.prompt.saves && path.is_dir() {
            // A folder: show what is in it rather than "not found".
            self.error = Some(format!("“{}”是文件夹：请在下面选择其中的文件，或点“浏览…”", path.display()));
            return None;
        }
        Some(Action::Proceed(Invocation { command: self.command, path: Some(self.prompt.complete(path)) }))
    }

    /// Where to start browsing: the folder of the typed path, or the user's documents folder.
    fn folder(&self) -> PathBuf {
        let p = self.path();
        let dir = if p.is_dir() { Some(p) } else { p.parent().filter(|d| d.is_dir()).map(Path::to_path_buf) };
        dir.or_else(documents_dir).unwrap_or_else(|| PathBuf::from("."))
    }

    fn open_browser(&mut self) {
        let folder = self.folder();
        let exts: Vec<String> = self.prompt.filter.1.iter().map(|e| e.to_string()).collect();
        let filter: egui_file::Filter<PathBuf> =
            Box::new(move |p: &Path| p.extension().is_some_and(|x| exts.iter().any(|e| x.eq_ignore_ascii_case(e))));
        let mut b = if self.prompt.saves {
            let name = self.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            egui_file::FileDialog::save_file().default_filename(name)
        } else {
            egui_file::FileDialog::open_file()
        }
        .initial_path(folder)
        .title(self.prompt.title)
        .show_files_filter(filter)
        .open_button_text("打开".into())
        .save_button_text("保存".into())
        .cancel_button_text("取消".into())
        .new_folder_button_text("新建文件夹".into())
        .new_folder_name_text("新文件夹".into())
        .rename_button_text("重命名".into())
        .refresh_button_hover_text("刷新".into())
        .parent_folder_button_hover_text("上一级文件夹".into())
        .file_label_text("文件名".into())
        .show_hidden_checkbox_text("显示隐藏文件".into())
        .default_size([720.0, 480.0]);
        b.open();
        self.browser = Some(b);
    }

    /// The files of the folder being typed, newest first (recomputed when the folder changes).
    fn listing(&mut self) -> &[Listed] {
        let folder = self.folder();
        if self.listing.as_ref().is_none_or(|(f, _)| *f != folder) {
            let exts = self.prompt.filter.1;
            let mut files: Vec<Listed> = std::fs::read_dir(&folder)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file() && p.extension().is_some_and(|x| exts.iter().any(|e| x.eq_ignore_ascii_case(e)))
                })
                .map(|p| {
                    let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    let modified = std::fs::metadata(&p)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                        .map(|d| d.as_secs());
                    (name, p, modified)
                })
                .collect();
            files.sort_by_key(|(_, _, m)| std::cmp::Reverse(*m));
            files.truncate(LISTED);
            self.listing = Some((folder, files));
        }
        self.listing.as_ref().map(|(_, f)| f.as_slice()).unwrap_or(&[])
    }
}

/// The user's documents folder (where a first save is proposed), else the home folder.
pub fn documents_dir() -> Option<PathBuf> {
    let dirs = directories::UserDirs::new()?;
    Some(dirs.document_dir().unwrap_or(dirs.home_dir()).to_path_buf())
}

impl Dialog for PathDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        if let Some((pending, since)) = &self.pending
            && let Some(result) = pending.poll()
        {
            let instant = since.elapsed() < INSTANT_ANSWER;
            self.pending = None;
            match result {
                Some(p) => {
                    self.text = p.display().to_string();
                    self.chosen = Some(p);
                    return self.go();
                }
                None if instant => {
                    NO_SYSTEM_DIALOG.store(true, Ordering::Relaxed);
                    self.open_browser();
                }
                None => {}
            }
        }
        if let Some(b) = &mut self.browser {
            match b.show(ctx).state() {
                egui_file::State::Selected => {
                    let picked = b.path().map(Path::to_path_buf);
                    self.browser = None;
                    if let Some(p) = picked {
                        self.text = p.display().to_string();
                        self.chosen = Some(p);
                        return self.go();
                    }
                }
                egui_file::State::Cancelled | egui_file::State::Closed => self.browser = None,
                egui_file::State::Open => return None,
            }
        }
        let waiting = self.pending.is_some();
        let system = self.system_available();
        let saves = self.prompt.saves;
        let listed: Vec<Listed> = self.listing().to_vec();
        let (answer, dismissed) = modal(ctx, "path", 640.0, |ui| {
            ui.set_width(600.0);
            ui.heading(self.prompt.title);
            ui.label("文件路径：");
            let resp = ui
                .add(egui::TextEdit::singleline(&mut self.text).desired_width(f32::INFINITY))
                .accessible_name("文件路径");
            if std::mem::take(&mut self.focus) {
                resp.request_focus();
            }
            let mut answer = None;
            if resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                answer = Some(Choice::Go);
            }
            if waiting {
                ui.label(RichText::new("已打开系统文件对话框；也可以直接在上面输入路径。").small());
            }
            if let Some(e) = &self.error {
                ui.colored_label(crate::ui::table::severity_color(crate::model::Severity::E), e);
            }
            if !listed.is_empty() {
                ui.add_space(4.0);
                ui.label(RichText::new("此文件夹中的文件（最近修改的在前）：").small());
                egui::ScrollArea::vertical().max_height(200.0).show(ui, |ui| {
                    egui::Grid::new("path-listing").num_columns(2).striped(true).show(ui, |ui| {
                        for (name, path, modified) in &listed {
                            if ui.selectable_label(false, name).clicked() {
                                answer = Some(Choice::Pick(path.clone()));
                            }
                            let when = modified.map(crate::store::recovery::format_time).unwrap_or_default();
                            ui.label(RichText::new(when).weak());
                            ui.end_row();
                        }
                    });
                });
            }
            ui.horizontal(|ui| {
                if ui.button(if saves { "保存" } else { "打开" }).clicked() {
                    answer = Some(Choice::Go);
                }
                if !waiting && ui.button("浏览…").clicked() {
                    answer = Some(Choice::Browse(system));
                }
                if ui.button("取消").clicked() {
                    answer = Some(Choice::Cancel);
                }
            });
            answer
        });
        match answer {
            Some(Choice::Go) => self.go(),
            Some(Choice::Pick(p)) => {
                self.text = p.display().to_string();
                self.chosen = Some(p);
                if saves { None } else { self.go() }
            }
            Some(Choice::Browse(true)) => {
                self.pending = Some((files::spawn(self.prompt, ctx, Some(self.path())), Instant::now()));
                None
            }
            Some(Choice::Browse(false)) => {
                self.open_browser();
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
    Pick(PathBuf),
    /// Browse with the system dialog (`true`) or the in-app browser.
    Browse(bool),
    Cancel,
}

impl PathDialog {
    /// Whether the in-app browser is open (for tests).
    pub fn browsing(&self) -> bool {
        self.browser.is_some()
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::ui::dialogs::testing::{harness, harness_checked};

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
        assert!(h.query_by_label("请填写文件路径").is_some());
    }

    #[test]
    fn an_error_from_the_command_is_shown_in_the_dialog() {
        let mut d = dialog(files::SAVE_DRAFT, Command::SaveAs, None);
        assert!(d.show_error("找不到文件“x.ron”".into()));
        let mut h = harness(d);
        h.run();
        assert!(h.query_by_label("找不到文件“x.ron”").is_some());
    }

    // regression: the roll-over prompt answered “找不到文件” for a folder that exists.
    #[test]
    fn a_folder_lists_its_drafts_with_their_dates_and_a_click_opens_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("2024年报.ron"), "x").unwrap();
        std::fs::write(dir.path().join("说明.xlsx"), "x").unwrap();
        let mut h = harness(dialog(files::LAST_YEAR, Command::RollOver, Some(dir.path().to_path_buf())));
        h.run();
        h.get_by_label("打开").click();
        h.run();
        assert!(h.state().actions.is_empty(), "a folder is not a file to open");
        assert!(h.query_by_label_contains("是文件夹").is_some());
        assert!(h.query_by_label("说明.xlsx").is_none(), "only the files the command reads");
        assert!(h.query_by_label_contains(&format!("{}-", crate::model::Date::today().year)).is_some(), "dated");
        h.get_by_label("2024年报.ron").click();
        h.run();
        let want = Invocation { command: Command::RollOver, path: Some(dir.path().join("2024年报.ron")) };
        assert_eq!(h.state().actions.first(), Some(&Action::Proceed(want)));
    }

    // regression: 浏览… did nothing and said nothing without a desktop file chooser.
    #[test]
    fn without_a_system_file_chooser_browse_opens_the_in_app_browser() {
        // The browser (egui_file) names no text fields for screen readers; the path field of
        // this dialog stays the accessible way in.
        let mut h = harness_checked(dialog(files::OPEN_DRAFT, Command::OpenDraft, None), false);
        h.run();
        h.get_by_label("浏览…").click();
        h.run();
        assert!(h.state().dialog.browsing());
        assert!(h.query_by_label_contains("打开草稿").is_some(), "the browser window is up");
    }
}
