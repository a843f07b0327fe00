//! The application shell: lays out the panels, collects the actions the views and dialogs hand
//! back, and runs them in one place ([`NianbaoApp::perform`]); commands come from the table in
//! [`super::command`] and run in [`NianbaoApp::run_command`].

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::action::{Action, Invocation};
use super::command::{self, Command};
use super::dialogs::{
    ChoiceDialog, Dialog, FontsDialog, ImportReportDialog, Logged, MessageDialog, MessagesDialog, NewReportDialog,
    PathDialog, RecoverDialog, ShortcutsDialog,
};
use super::doc::Document;
use super::files::{self, FilePrompt};
use super::findings::{self, FindingsView};
use super::focus::{self, Pane, Panes};
use super::open::{self, Opener, Opening};
use super::pages::{self, PageView};
use super::table::{self, GridState};
use crate::store::output::{Existing, OutputError, Purpose};
use crate::store::{self, recovery::RecoveryStore, settings::Settings};
use crate::workflow;

mod command_handling;
mod file_work;
mod logic;
mod ui;

pub const APP_NAME: &str = "年报";

/// The narrowest a side panel gets.
const MIN_SIDE: f32 = 180.0;
/// The page keeps at least this width while the side panels can give way (at 1024 pixels they
/// are as narrow as they go, and 表四's last 总计 column is not cut off).
const PAGE_MIN: f32 = 660.0;

/// How the app is set up: the real window, or a test harness without system dialogs and
/// without writing settings.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Use the platform's file dialogs (off in tests: there is no desktop).
    pub system_dialogs: bool,
    /// Where settings are kept; `None` keeps them in memory only.
    pub settings_path: Option<PathBuf>,
    /// Where recovery copies go; `None` turns autosave off.
    pub recovery_dir: Option<PathBuf>,
    /// How often a recovery copy is written while there are unsaved changes.
    pub autosave_every: std::time::Duration,
    /// The user's templates (a province's table, next year's format), loaded at start.
    pub templates_dir: Option<PathBuf>,
    /// What opens files and folders (打印's PDF, 关于's folders); `None`: nothing is opened (tests).
    pub open_with: Option<Opener>,
    /// A file that gets the number of frames drawn so far (`NIANBAO_FRAME_LOG`): how the key
    /// benchmark counts frames per keystroke.
    pub frame_log: Option<PathBuf>,
    /// Where crash reports go (and the marker the next start reads); `None`: not looked at.
    pub crash_dir: Option<PathBuf>,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            system_dialogs: false,
            settings_path: None,
            recovery_dir: None,
            autosave_every: std::time::Duration::from_secs(30),
            templates_dir: None,
            open_with: None,
            frame_log: None,
            crash_dir: None,
        }
    }
}

impl AppConfig {
    /// The real app: system dialogs, settings and recovery copies in the platform's folders.
    pub fn desktop() -> AppConfig {
        AppConfig {
            system_dialogs: true,
            settings_path: store::settings::settings_path(),
            recovery_dir: RecoveryStore::default_dir(),
            templates_dir: store::templates::user_dir(),
            open_with: Some(Opener::System),
            // The desktop test of the idle autosave waits seconds, not half a minute.
            autosave_every: std::env::var("NIANBAO_AUTOSAVE_SECONDS")
                .ok()
                .and_then(|s| s.parse().ok())
                .map(std::time::Duration::from_secs)
                .unwrap_or(AppConfig::default().autosave_every),
            frame_log: std::env::var_os("NIANBAO_FRAME_LOG").map(PathBuf::from),
            crash_dir: crate::crash::default_dir(),
        }
    }
}

/// A message in the status line. It fades out after a while (errors stay longer), so an old
/// message never reads as the state of things.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
    shown: std::time::Instant,
}

impl Notice {
    pub fn new(text: impl Into<String>, error: bool) -> Notice {
        Notice { text: text.into(), error, shown: std::time::Instant::now() }
    }

    /// How long it stays.
    fn lifetime(&self) -> std::time::Duration {
        std::time::Duration::from_secs(if self.error { 30 } else { 8 })
    }
}

/// Drops the text a Ctrl or Alt chord brings with it: Alt+F is a key with Alt *and* the letter
/// `f` (egui-winit leaves out the text of Ctrl chords only), and it must never type into a cell.
/// Ctrl+Alt together is AltGr on Windows, which types. `chord` is kept across frames: the text
/// may come a frame after its key (keys held back by [`TypeAhead`]).
pub fn drop_chord_text(events: &mut Vec<egui::Event>, chord: &mut bool) {
    events.retain(|e| match e {
        egui::Event::Key { pressed, modifiers, .. } => {
            let command = modifiers.ctrl || modifiers.command;
            *chord = *pressed && (modifiers.alt ^ command);
            true
        }
        egui::Event::Text(_) => !*chord,
        _ => true,
    });
}

/// Keys typed ahead of a slow frame (an old PC, Remote Desktop): a frame handles its events only
/// up to the first key that moves the focus (Tab, Enter, an arrow); the rest wait for the next
/// frame, when the focus has moved, so `5 Tab 6 Tab 7` fills three cells, never `567` in one.
#[derive(Debug, Default)]
pub struct TypeAhead {
    held: Vec<egui::Event>,
}

impl TypeAhead {
    /// Puts the held events in front of this frame's and holds back what follows the first
    /// focus-moving key.
    pub fn split(&mut self, events: &mut Vec<egui::Event>) {
        if !self.held.is_empty() {
            let new = std::mem::take(events);
            *events = std::mem::take(&mut self.held);
            events.extend(new);
        }
        // What follows the focus-moving key waits for the next frame only from the first event
        // that acts on a cell (text, a key press, a paste, a click); its own release and pointer
        // moves stay, so a lone arrow key costs one frame, not two.
        if let Some(p) = events.iter().position(moves_focus)
            && let Some(q) = events[p + 1..].iter().position(acts).map(|q| p + 1 + q)
        {
            self.held = events.split_off(q);
        }
    }

    pub fn pending(&self) -> bool {
        !self.held.is_empty()
    }
}

/// Whether an event changes a cell or the focus (and so must see the focus the key before it gave).
fn acts(e: &egui::Event) -> bool {
    use egui::Event::*;
    matches!(
        e,
        Text(_) | Paste(_) | Copy | Cut | Ime(_) | Key { pressed: true, .. } | PointerButton { pressed: true, .. }
    )
}

fn moves_focus(e: &egui::Event) -> bool {
    use egui::Key::*;
    matches!(e, egui::Event::Key { key: Tab | Enter | ArrowUp | ArrowDown | ArrowLeft | ArrowRight, pressed: true, .. })
}

/// Recovery copies: where they go, which are still to offer, and when the last one was written.
struct Recovery {
    store: RecoveryStore,
    offers: Vec<store::recovery::Offer>,
    last_write: std::time::Instant,
    written_generation: u64,
}

pub struct NianbaoApp {
    // What is kept between sessions.
    pub settings: Settings,
    pub config: AppConfig,
    // The open report.
    pub doc: Option<Document>,
    // The views' own state.
    pub view: PageView,
    pub grid: GridState,
    pub findings: FindingsView,
    // This session's runtime state.
    pub dialog: Option<Box<dyn Dialog>>,
    pub notice: Option<Notice>,
    /// Every message of the session (视图 ▸ 消息记录).
    pub messages: Vec<Logged>,
    /// The last PDF written (export or print).
    pub last_pdf: Option<PathBuf>,
    /// Files and folders being opened with the desktop's program.
    openings: Vec<Opening>,
    title_sent: String,
    /// A command waiting for the save that the "save first?" answer asked for.
    after_save: Option<Invocation>,
    /// The dialog whose answer is being run, so an error can go back into it.
    answering: Option<Box<dyn Dialog>>,
    /// The next PDF is exported without the 草稿 mark although errors remain.
    export_final: bool,
    recovery: Option<Recovery>,
    type_ahead: TypeAhead,
    /// The last key pressed was a Ctrl or Alt chord: the text that comes with it is dropped.
    chord: bool,
    /// The menu bar by keyboard (Alt, F10, Alt+letter).
    pub menu_keys: super::menu_bar::MenuKeys,
    /// Tab and F6 between the page list, the page and the findings panel.
    pub panes: Panes,
    /// The widget of a pane that last had the keyboard: it gets it back when a dialog closes
    /// (after Ctrl+E's questions the keyboard is where the staffer was typing).
    keyboard_home: Option<egui::Id>,
    give_back_keyboard: bool,
    frames: u64,
    clipboard: super::clipboard::HtmlClipboard,
    /// What 复制为网页 last put on the clipboard (the tests read it; the clipboard may be absent).
    pub last_copied: Option<crate::export::html::Clip>,
    /// 汇总检查 (a folder of units' reports), kept while reports are opened from it.
    pub county: super::county::CountyView,
    /// The user's rule packs (beside the user's templates), applied to every report opened.
    pub packs: std::sync::Arc<crate::model::rulepack::RulePacks>,
    /// The document generation last handed to the crash hook (`None`: nothing handed over).
    crash_snapshot: Option<(String, u64, bool)>,
}

impl NianbaoApp {
    pub fn new(config: AppConfig) -> NianbaoApp {
        let (settings, settings_error) = match &config.settings_path {
            Some(p) => store::settings::load(p),
            None => (Settings::default(), None),
        };
        let template_problems = match &config.templates_dir {
            Some(dir) => store::templates::load_dir(dir).1,
            None => Vec::new(),
        };
        let mut packs = crate::model::rulepack::RulePacks::new();
        let pack_problems = match &config.templates_dir {
            Some(dir) => store::rulepacks::load_dir(dir, &mut packs),
            None => Vec::new(),
        };
        let mut notices: Vec<String> = settings_error.into_iter().collect();
        notices.extend(template_problems.iter().map(ToString::to_string));
        notices.extend(pack_problems.iter().map(ToString::to_string));
        let recovery = config.recovery_dir.as_ref().map(|dir| {
            let store = RecoveryStore::new(dir.clone());
            Recovery { offers: store.offers(), store, last_write: std::time::Instant::now(), written_generation: 0 }
        });
        let mut app = NianbaoApp {
            settings,
            config,
            doc: None,
            view: PageView::default(),
            grid: GridState::default(),
            findings: FindingsView::default(),
            dialog: None,
            notice: None,
            messages: Vec::new(),
            last_pdf: None,
            openings: Vec::new(),
            title_sent: String::new(),
            after_save: None,
            answering: None,
            export_final: false,
            recovery,
            type_ahead: TypeAhead::default(),
            chord: false,
            menu_keys: Default::default(),
            panes: Panes::default(),
            keyboard_home: None,
            give_back_keyboard: false,
            frames: 0,
            clipboard: Default::default(),
            last_copied: None,
            county: Default::default(),
            packs: std::sync::Arc::new(packs),
            crash_snapshot: None,
        };
        if !notices.is_empty() {
            app.error(notices.join("；"));
        }
        // The last session's crash is said first; its recovery copy is offered after.
        let crash = app.config.crash_dir.as_deref().and_then(crate::crash::take_last_crash);
        match crash {
            Some(c) => app.dialog = Some(Box::new(MessageDialog::new(c.message()))),
            None => app.next_recovery_offer(),
        }
        app
    }

    /// The heading of the open dialog, if any.
    pub fn dialog_title(&self) -> Option<String> {
        self.dialog.as_ref().map(|d| d.title())
    }

    /// The open dialog, if it is a `T`.
    pub fn dialog_as<T: 'static>(&self) -> Option<&T> {
        self.dialog.as_ref().and_then(|d| d.as_any().downcast_ref())
    }

    /// The title the window shows (for tests).
    pub fn title(&self) -> &str {
        &self.title_sent
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.notify(text, false);
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.notify(text, true);
    }

    /// A message for the status line (`error`: to be looked at), kept in the session's
    /// 消息记录 too.
    pub fn notify(&mut self, text: impl Into<String>, error: bool) {
        let text = text.into();
        self.log(&text, error);
        self.notice = Some(Notice::new(text, error));
    }

    /// Keeps a message for 视图 ▸ 消息记录 (the last few hundred of the session).
    fn log(&mut self, text: &str, error: bool) {
        const KEPT: usize = 300;
        if self.messages.len() >= KEPT {
            self.messages.remove(0);
        }
        let at = store::recovery::format_time(store::recovery::now_secs());
        self.messages.push(Logged { at, text: text.to_string(), error });
    }

    /// A message to read before going on, in a dialog of its own (and in 消息记录).
    fn tell(&mut self, dialog: MessageDialog) {
        let mut text = dialog.text().to_string();
        for l in dialog.lines() {
            text.push_str("\n· ");
            text.push_str(l);
        }
        self.log(&text, true);
        self.dialog = Some(Box::new(dialog));
    }

    /// Something the user asked for failed: say why where they asked (the dialog they answered,
    /// if it has room), else in a message to acknowledge.
    fn fail(&mut self, message: String) {
        if self.dialog.is_none() {
            self.log(&message, true);
            if let Some(mut d) = self.answering.take()
                && d.show_error(message.clone())
            {
                self.dialog = Some(d);
                return;
            }
            self.dialog = Some(Box::new(MessageDialog::new(message)));
        } else {
            self.error(message);
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.doc.as_ref().is_some_and(|d| d.dirty)
    }

    fn command_state(&self, ctx: &egui::Context) -> command::State {
        let (can_undo, can_redo) = self.doc.as_ref().map(|d| (d.can_undo(), d.can_redo())).unwrap_or_default();
        command::State {
            has_document: self.doc.is_some(),
            page_has_table: self.doc.as_ref().is_some_and(|d| !pages::tables_on_page(d, self.view.page).is_empty()),
            county_ready: !self.county.running() && !self.county.entries().is_empty(),
            can_undo,
            can_redo,
            show_previous: self.grid.show_prev,
            zoom: ctx.zoom_factor(),
        }
    }

    /// Replaces the open report.
    pub fn set_document(&mut self, mut doc: Document) {
        if !self.packs.is_empty() {
            doc.set_rule_packs(std::sync::Arc::clone(&self.packs));
        }
        self.view = PageView::for_document(&doc);
        self.grid = GridState::default();
        self.findings = FindingsView::default();
        self.doc = Some(doc);
    }
}

/// `错误 1 · 警告 2（已说明 1） · 提示 0`: the same counts the findings panel shows.
pub fn counts_text(findings: &[crate::model::Finding]) -> String {
    let (e, w, i) = crate::model::rules::counts(findings);
    let explained = findings.iter().filter(|f| f.severity == crate::model::Severity::W && f.is_explained()).count();
    let w = if explained > 0 { format!("{w}（已说明 {explained}）") } else { w.to_string() };
    format!("错误 {e} · 警告 {w} · 提示 {i}")
}

/// 文件 ▸ 最近打开, after the first group of the 文件 menu.
fn recent_menu(ui: &mut Ui, menu: command::Menu, recent: &[PathBuf]) -> Option<Action> {
    if menu != command::Menu::File {
        return None;
    }
    let mut chosen = None;
    ui.menu_button("最近打开", |ui| {
        if recent.is_empty() {
            ui.label("（无）");
        }
        for p in recent {
            if ui.button(p.display().to_string()).clicked() {
                ui.close();
                chosen = Some(Action::CommandWith(Command::OpenDraft, p.clone()));
            }
        }
    });
    chosen
}

impl eframe::App for NianbaoApp {
    /// The panels' own colour: they are drawn without a fill (see `show`).
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }

    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.close_guard(ctx);
        self.autosave(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}

/// What a PDF of the report would print that the staffer may not expect: sub-sections with no
/// text (a bare heading), a 落款 without a date.
fn export_notes(doc: &Document) -> Vec<String> {
    let r = &doc.report;
    let mut notes = Vec::new();
    let empty: Vec<String> = doc
        .form
        .template
        .sections
        .iter()
        .flat_map(|s| s.subsections.iter())
        .filter(|sub| r.section(&sub.id).trim().is_empty())
        .map(|sub| format!("“{}”", sub.heading))
        .collect();
    if !empty.is_empty() {
        notes.push(format!("{}没有内容，打印出来只有标题。", empty.join("、")));
    }
    if let Some(w) = crate::document::date_warning(r) {
        notes.push(format!("{w}。未填写日期的PDF带“草稿”标记。"));
    }
    notes
}

/// Gives the memory an export freed back to the system. glibc keeps freed heap for the next
/// allocation, and what an export builds and drops (the PDF's pages and subsetted fonts, the
/// Word file's parts) stayed in the window's resident size for the rest of the session.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)] // One of the crate's few FFI calls (Cargo.toml's lints).
fn return_freed_memory() {
    unsafe extern "C" {
        /// glibc: releases free memory at the top of the heap and in free pages inside it.
        fn malloc_trim(pad: usize) -> std::ffi::c_int;
    }
    // SAFETY: malloc_trim takes a size, touches only the allocator's own free lists (under its
    // lock) and returns whether memory was released; it is safe to call at any time.
    unsafe {
        malloc_trim(0);
    }
}

/// Other allocators return freed memory on their own (or not at all); nothing to ask.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_freed_memory() {}

/// `某某县商务局2025年度`: a report as the questions about it name it.
fn report_name(r: &crate::model::Report) -> String {
    let unit = r.unit.name.trim();
    format!("{}{}年度", if unit.is_empty() { "未填单位名称的" } else { unit }, r.year)
}

/// A file name without characters Windows forbids.
fn safe_file_name(name: &str) -> String {
    name.chars().map(|c| if "\\/:*?\"<>|".contains(c) || c.is_control() { '_' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use egui::{Event, Key, Modifiers};

    use super::TypeAhead;

    fn key(k: Key) -> Event {
        Event::Key { key: k, physical_key: None, pressed: true, repeat: false, modifiers: Modifiers::NONE }
    }

    #[test]
    fn events_after_a_focus_moving_key_wait_for_the_next_frame() {
        let mut t = TypeAhead::default();
        let mut frame = vec![Event::Text("5".into()), key(Key::Tab), Event::Text("6".into()), key(Key::Tab)];
        t.split(&mut frame);
        assert_eq!(frame, [Event::Text("5".into()), key(Key::Tab)]);
        let mut next = vec![Event::Text("7".into())];
        t.split(&mut next);
        assert_eq!(next, [Event::Text("6".into()), key(Key::Tab)], "held events come first, in order");
        let mut last = Vec::new();
        t.split(&mut last);
        assert_eq!(last, [Event::Text("7".into())]);
        assert!(!t.pending());
    }
}
