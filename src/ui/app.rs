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
use crate::model::Date;
use crate::store::output::{Existing, OutputError, Purpose};
use crate::store::{self, recovery::RecoveryStore, settings::Settings};
use crate::workflow;

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
    pub menu_keys: command::MenuKeys,
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

    // -----------------------------------------------------------------------------------------
    // Actions
    // -----------------------------------------------------------------------------------------

    /// Runs what a view, a dialog or a key asked for.
    pub fn perform(&mut self, action: Action, ctx: &egui::Context) {
        match action {
            Action::Command(command) => self.invoke(Invocation { command, path: None }, ctx),
            Action::CommandWith(command, path) => self.invoke(Invocation { command, path: Some(path) }, ctx),
            Action::Proceed(inv) => self.proceed(inv, ctx),
            Action::SaveThen(inv) => {
                self.after_save = Some(inv);
                match self.doc.as_ref().and_then(|d| d.path.clone()) {
                    Some(p) => self.save(&p, false, ctx),
                    None => self.prompt(Command::SaveAs, files::SAVE_DRAFT, ctx),
                }
            }
            Action::DiscardThen(inv) => {
                if let Some(d) = self.doc.as_mut() {
                    d.dirty = false;
                    let key = d.recovery_key.clone();
                    self.drop_recovery(&key);
                }
                self.proceed(inv, ctx);
            }
            Action::SaveConfirmed { path, then } => {
                self.after_save = then;
                self.save(&path, true, ctx);
            }
            Action::ExportConfirmed { command, path } => self.export_now(command, &path, true),
            Action::CreateReport { year, unit } => match workflow::new_report(year, &unit, None) {
                // A new report is unsaved until it is saved (the title shows `*`).
                Ok(report) => {
                    if self.adopt(report, true)
                        && let Some(doc) = &self.doc
                    {
                        let text = format!("已新建{year}年度报告（{}格式）", doc.form.template.name);
                        self.info(text);
                    }
                }
                Err(e) => self.fail(e.to_string()),
            },
            Action::ExportChosen { print, final_export } => {
                self.export_final = final_export;
                if print {
                    self.print(ctx);
                } else {
                    self.prompt(Command::ExportPdf, files::EXPORT_PDF, ctx);
                }
            }
            Action::SetPdfFonts(fonts) => {
                self.settings.pdf_fonts = fonts;
                self.save_settings();
            }
            Action::Recover(offer) => {
                self.restore(*offer);
                self.next_recovery_offer();
            }
            Action::DiscardRecovery(key) => {
                self.drop_recovery(&key);
                self.next_recovery_offer();
            }
            Action::KeepRecovery => self.next_recovery_offer(),
            Action::GoToPage(page) => self.view.go_to(page, &mut self.grid),
            Action::Show(target) => {
                if let Some(doc) = &self.doc {
                    pages::show_target(doc, &mut self.view, &mut self.grid, &target);
                }
            }
            Action::Notice { text, error } => self.notify(text, error),
            Action::ReadNotice => {
                if let Some(n) = &self.notice {
                    let title = if n.error { "请注意" } else { "消息" };
                    self.dialog = Some(Box::new(MessageDialog::titled(title, n.text.clone())));
                }
            }
            Action::OpenFolder(path) => {
                // A folder not made yet (no recovery copy so far) is made, so it opens.
                match std::fs::create_dir_all(&path) {
                    Ok(()) => self.open_with(&path, open::Purpose::Folder, ctx),
                    Err(e) => {
                        self.fail(format!("无法打开文件夹“{}”：{}", path.display(), store::atomic::describe_io(&e)))
                    }
                }
                // The dialog it was asked from (关于, the print failure) stays open.
                if self.dialog.is_none() {
                    self.dialog = self.answering.take();
                }
            }
            Action::Error(message) => self.fail(message),
            Action::CloseDialog => {
                self.after_save = None;
                // After the start's crash message, the recovery copies it speaks of.
                self.next_recovery_offer();
            }
        }
    }

    /// A command as the user asked for it: unsaved changes first, then its file.
    fn invoke(&mut self, inv: Invocation, ctx: &egui::Context) {
        if !inv.command.enabled(&self.command_state(ctx)) {
            return;
        }
        if inv.command.spec().replaces_document && self.is_dirty() {
            let name = self.doc.as_ref().map(|d| d.file_name()).unwrap_or_default();
            self.dialog = Some(Box::new(ChoiceDialog::unsaved(&name, inv)));
            return;
        }
        self.proceed(inv, ctx);
    }

    /// A command whose unsaved changes are dealt with: ask for its file if it needs one.
    fn proceed(&mut self, inv: Invocation, ctx: &egui::Context) {
        match (inv.command.spec().file, inv.path) {
            (Some(prompt), None) => self.prompt(inv.command, prompt, ctx),
            (_, path) => self.run_command(inv.command, path, ctx),
        }
    }

    /// Asks for the file of `command`.
    fn prompt(&mut self, command: Command, prompt: FilePrompt, ctx: &egui::Context) {
        let start = self.suggested_path(prompt);
        self.dialog = Some(Box::new(PathDialog::open(ctx, prompt, command, start, self.config.system_dialogs)));
    }

    /// Every command, once its file (if any) is known. One arm per command.
    fn run_command(&mut self, command: Command, path: Option<PathBuf>, ctx: &egui::Context) {
        match (command, path) {
            (Command::NewReport, _) => self.dialog = Some(Box::new(NewReportDialog::new(Date::today()))),
            (Command::RollOver, Some(p)) => match workflow::roll_over(&p, None, None, None) {
                Ok((report, warnings)) => {
                    let year = report.year;
                    if self.adopt(report, true) {
                        let msg = format!("已按上年报告新建{year}年度草稿：上年结转等数字已带入，请保存。");
                        self.info(msg.clone());
                        // What the staffer must check opens where it can be read, as the
                        // import report does.
                        if !warnings.is_empty() {
                            self.tell(MessageDialog::list(
                                "以上年报告为模板新建",
                                format!("{msg}请逐项核对以下{}处：", warnings.len()),
                                warnings,
                            ));
                        }
                    }
                }
                Err(e) => self.fail(e.to_string()),
            },
            (Command::OpenDraft, Some(p)) => self.open_path(&p),
            (Command::Save, _) => match self.doc.as_ref().and_then(|d| d.path.clone()) {
                Some(p) => self.save(&p, false, ctx),
                None => self.prompt(Command::SaveAs, files::SAVE_DRAFT, ctx),
            },
            (Command::SaveAs, Some(p)) => self.save(&p, false, ctx),
            (Command::ExportPdf, None) => self.ask_final(false, ctx),
            (Command::ExportPdf, Some(p)) => self.export_checked(Command::ExportPdf, files::EXPORT_PDF.complete(p)),
            (Command::ExportDocx, Some(p)) => self.export_checked(command, files::EXPORT_DOCX.complete(p)),
            (Command::ExportHtml, Some(p)) => self.export_checked(command, files::EXPORT_HTML.complete(p)),
            (Command::ExportXlsx, Some(p)) => self.export_checked(command, files::EXPORT_XLSX.complete(p)),
            (Command::ExportReview, Some(p)) => self.export_checked(command, files::EXPORT_REVIEW.complete(p)),
            (Command::CountyCheck, _) => {
                if self.county.folder.trim().is_empty()
                    && let Some(dir) = self.doc.as_ref().and_then(|d| d.path.as_ref()).and_then(|p| p.parent())
                {
                    self.county.folder = dir.display().to_string();
                }
                self.county.open = true;
                self.county.aside = None;
                self.county.packs = std::sync::Arc::clone(&self.packs);
            }
            (Command::ExportCountySummary, Some(p)) => self.export_checked(command, files::EXPORT_SUMMARY.complete(p)),
            (Command::CopyReportHtml, _) => self.copy_html(false),
            (Command::CopyTablesHtml, _) => self.copy_html(true),
            (Command::Print, _) => self.ask_final(true, ctx),
            (Command::PdfFonts, _) => {
                let fonts = self.settings.pdf_fonts.clone();
                self.dialog = Some(Box::new(FontsDialog::new(fonts, self.config.system_dialogs)));
            }
            (Command::ImportReport, Some(p)) => self.import_report(&p),
            (Command::ImportCsv, Some(p)) => self.import_csv(&p),
            (Command::ComparePrevious, Some(p)) => self.compare_previous(&p),
            (Command::ExportCsv, Some(p)) => self.export_checked(Command::ExportCsv, files::EXPORT_CSV.complete(p)),
            (Command::Quit, _) => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            (Command::Undo, _) => self.undo(),
            (Command::Redo, _) => self.redo(),
            (Command::NormalizePunctuation, _) => self.normalize_punctuation(),
            (Command::ShowPrevious, _) => self.grid.show_prev = !self.grid.show_prev,
            (Command::ZoomIn, _) => ctx.set_zoom_factor(command::zoom_step(ctx.zoom_factor(), true)),
            (Command::ZoomOut, _) => ctx.set_zoom_factor(command::zoom_step(ctx.zoom_factor(), false)),
            (Command::ZoomReset, _) => ctx.set_zoom_factor(1.0),
            (Command::Zoom(level), _) => ctx.set_zoom_factor(level.factor()),
            (Command::NextPage, _) => self.turn_page(1),
            (Command::PrevPage, _) => self.turn_page(-1),
            (Command::NextPane, _) => self.panes.next_pane(ctx),
            (Command::Messages, _) => self.dialog = Some(Box::new(MessagesDialog::new(self.messages.clone()))),
            (Command::Shortcuts, _) => self.dialog = Some(Box::new(ShortcutsDialog)),
            (Command::Guide, _) => self.dialog = Some(Box::new(super::dialogs::GuideDialog)),
            (Command::About, _) => self.dialog = Some(Box::new(super::dialogs::AboutDialog::default())),
            // A command that needs a file never gets here without one: `proceed` asks first.
            (
                Command::RollOver
                | Command::OpenDraft
                | Command::SaveAs
                | Command::ImportReport
                | Command::ImportCsv
                | Command::ComparePrevious
                | Command::ExportCsv
                | Command::ExportDocx
                | Command::ExportHtml
                | Command::ExportXlsx
                | Command::ExportReview
                | Command::ExportCountySummary,
                None,
            ) => {}
        }
    }

    // -----------------------------------------------------------------------------------------
    // Files
    // -----------------------------------------------------------------------------------------

    /// Where a file prompt starts: the report's folder (or the last one used) and a name made
    /// from the report.
    fn suggested_path(&self, prompt: FilePrompt) -> Option<PathBuf> {
        let doc = self.doc.as_ref();
        // The 汇总表 is the county's, not the open report's: named after the county and its year,
        // in the folder that was checked.
        if prompt == files::EXPORT_SUMMARY {
            let folder = PathBuf::from(self.county.folder.trim());
            let dir = Some(folder)
                .filter(|d| d.is_dir())
                .or_else(|| self.settings.export_dirs.get(prompt.title).filter(|d| d.is_dir()).cloned())
                .or_else(super::dialogs::path::documents_dir);
            let name = PathBuf::from(self.county.summary_file_name());
            return Some(dir.map(|d| d.join(&name)).unwrap_or(name));
        }
        // The report's folder, the last one used, or the user's documents (never the folder the
        // program happened to be started from).
        let exported_to = (prompt.saves && prompt != files::SAVE_DRAFT)
            .then(|| self.settings.export_dirs.get(prompt.title).filter(|d| d.is_dir()).cloned())
            .flatten();
        let dir = exported_to
            .or_else(|| doc.and_then(|d| d.path.as_ref()).and_then(|p| p.parent().map(Path::to_path_buf)))
            .or_else(|| self.settings.recent.first().and_then(|p| p.parent().map(Path::to_path_buf)))
            .or_else(super::dialogs::path::documents_dir);
        let file = match (doc, prompt.saves, prompt.extension) {
            (Some(d), true, Some(ext)) => {
                let own = d.path.clone().filter(|_| prompt == files::SAVE_DRAFT);
                Some(own.unwrap_or_else(|| {
                    let stem = format!("{}{}年政府信息公开工作年度报告", d.report.unit.name.trim(), d.report.year);
                    PathBuf::from(format!("{stem}.{ext}"))
                }))
            }
            _ => None,
        };
        match (dir, file) {
            (Some(d), Some(f)) if f.is_relative() => Some(d.join(f)),
            (_, Some(f)) => Some(f),
            (Some(d), None) => Some(d),
            (None, None) => None,
        }
    }

    /// Opens a draft; a file that cannot be read is reported and left untouched. The draft is
    /// locked while it is open here; one another window has is opened read-only.
    pub fn open_path(&mut self, path: &Path) {
        // 打开 of a published report (web page, Word, PDF) imports it.
        if workflow::is_published_file(path) {
            return self.import_report(path);
        }
        let (loaded, hash) = match store::draft::load_with_hash(path) {
            Ok(x) => x,
            Err(e) => return self.fail(e.to_string()),
        };
        let mut doc = match Document::new(loaded.report, Some(path.to_path_buf())) {
            Ok(doc) => doc,
            Err(e) => return self.fail(e.to_string()),
        };
        doc.disk_hash = Some(hash);
        let mut notes = loaded.warnings;
        match store::lock::DraftLock::acquire(path) {
            Ok(lock) => doc.lock = Some(lock),
            Err(store::lock::LockError::Held { holder, .. }) => {
                let who = holder.map(|h| h.describe()).unwrap_or_else(|| "另一个窗口或程序".into());
                notes.insert(0, format!("这份草稿正由{who}打开，为免互相覆盖，本窗口以只读方式打开：可以查看和修改，但只能另存为其他文件"));
                doc.read_only = Some(who);
            }
            // A folder where no lock file can be made (read-only media): saving will say why.
            Err(store::lock::LockError::Io { .. }) => {}
        }
        self.set_document(doc);
        self.remember(path);
        self.info(format!("已打开：{}", path.display()));
        if !notes.is_empty() {
            let text = format!("已打开：{}。请注意以下{}点：", path.display(), notes.len());
            self.tell(MessageDialog::list("打开草稿", text, notes));
        }
    }

    /// Makes a report that has no file yet the open document.
    fn adopt(&mut self, report: crate::model::Report, dirty: bool) -> bool {
        match Document::new(report, None) {
            Ok(mut doc) => {
                doc.dirty = dirty;
                self.set_document(doc);
                true
            }
            Err(e) => {
                self.fail(e.to_string());
                false
            }
        }
    }

    /// A new draft from a published report (last year's Word file, the CMS page, the PDF); the
    /// import report says what to check and jumps there.
    fn import_report(&mut self, path: &Path) {
        match workflow::import_report(path, &Default::default()) {
            Ok(imported) => {
                let (year, kind) = (imported.report.year, imported.kind);
                if !self.adopt(imported.report, true) {
                    return;
                }
                self.info(format!("已从{}导入{year}年度报告：{}。请核对后保存。", kind.label(), path.display()));
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                self.dialog = Some(Box::new(ImportReportDialog::new(name, imported.notes)));
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// Last year's report (draft, CSV or published file) to compare this year's texts with: its
    /// texts are kept in the draft, the page list shows each section's 与上年重复率 and the
    /// editors mark the sentences repeated.
    fn compare_previous(&mut self, path: &Path) {
        let Some(doc) = self.doc.as_mut() else { return };
        let last = match workflow::read(path, &Default::default()) {
            Ok(o) => o.report,
            Err(e) => return self.fail(e.to_string()),
        };
        match doc.use_previous(&last) {
            Ok(n) => {
                let rate = doc.rates.as_ref().map(|r| format!("全文与上年重复{}", r.whole.label())).unwrap_or_default();
                self.info(format!(
                    "已对照{}年度报告（{}部分正文，已存入草稿）：{rate}；页面列表显示各部分的重复率，正文中与上年相同的句子以黄色标出。",
                    last.year, n
                ));
            }
            Err(e) => self.fail(format!("上年报告“{}”：{e}", path.display())),
        }
    }

    /// A new draft from a long CSV (last year's published tables typed into a spreadsheet, or a
    /// colleague's export). Totals in the file are compared with the computed ones.
    fn import_csv(&mut self, path: &Path) {
        match workflow::import_table(path, &Default::default()) {
            Ok(imported) => {
                if !self.adopt(imported.report, true) {
                    return;
                }
                let mut notes: Vec<String> = imported.warnings;
                if !imported.mismatches.is_empty() {
                    let list: Vec<&str> = imported.mismatches.iter().map(|f| f.message.as_str()).collect();
                    notes.push(format!("文件中的总计与各项之和不符：{}", list.join("；")));
                }
                self.info(format!("已导入：{}", path.display()));
                if !notes.is_empty() {
                    let text = format!("已导入：{}。请注意以下{}点：", path.display(), notes.len());
                    self.tell(MessageDialog::list("导入CSV", text, notes));
                }
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// An export never replaces the open draft or any readable draft, and asks before it
    /// replaces another file (the output guard the command line's `--force` answers).
    fn export_checked(&mut self, command: Command, path: PathBuf) {
        // Each kind of export remembers its folder (the last one the user chose for it).
        if let (Some(prompt), Some(dir)) = (command.spec().file.or(Some(files::EXPORT_PDF)), path.parent())
            && dir.is_dir()
            && self.settings.export_dirs.get(prompt.title).map(PathBuf::as_path) != Some(dir)
        {
            self.settings.export_dirs.insert(prompt.title.to_string(), dir.to_path_buf());
            self.save_settings();
        }
        let own = self.doc.as_ref().and_then(|d| d.path.clone());
        let inputs: Vec<&Path> = own.as_deref().into_iter().collect();
        match workflow::guard_output(&path, &inputs, Purpose::Export, false) {
            Ok(_) => self.export_now(command, &path, false),
            Err(workflow::Error::Output(OutputError::Exists { existing: Existing::Draft, .. })) => self.fail(format!(
                "“{}”是一份年报草稿；为免丢失草稿，导出的文件不会覆盖它。请换一个文件名。",
                path.display()
            )),
            Err(e) if e.can_confirm() => {
                let what = super::dialogs::path::describe_existing(&path);
                let reason = format!("“{}”已经存在，是{what}。要用导出的文件替换它吗？", path.display());
                let answers = vec![("替换", Action::ExportConfirmed { command, path }), ("取消", Action::CloseDialog)];
                self.dialog = Some(Box::new(ChoiceDialog::new("confirm-export", "确认替换", vec![reason], answers)));
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    fn export_now(&mut self, command: Command, path: &Path, confirmed: bool) {
        match command {
            Command::ExportPdf => self.export_pdf(path, confirmed),
            Command::ExportCsv => self.export_csv_to(path, confirmed),
            Command::ExportDocx => self.export_document_to(crate::export::Format::Docx, path, confirmed),
            Command::ExportHtml => self.export_document_to(crate::export::Format::Html, path, confirmed),
            Command::ExportXlsx => self.export_document_to(crate::export::Format::Xlsx, path, confirmed),
            Command::ExportReview => self.export_review_to(path, confirmed),
            Command::ExportCountySummary => {
                let written = self
                    .county
                    .summary()
                    .render(path)
                    .map_err(workflow::Error::Summary)
                    .and_then(|bytes| workflow::write_export(path, &[], &bytes, confirmed));
                match written {
                    Ok(()) => self.info(format!("已导出汇总表：{}", path.display())),
                    Err(e) => self.fail(e.to_string()),
                }
            }
            _ => {}
        }
        return_freed_memory();
    }

    /// Writes the report as a Word document, web page or spreadsheet (marked 草稿 while errors
    /// remain, as the PDF is).
    fn export_document_to(&mut self, format: crate::export::Format, path: &Path, confirmed: bool) {
        let Some(doc) = &self.doc else { return };
        let inputs: Vec<&Path> = doc.path.as_deref().into_iter().collect();
        let opts = crate::export::ExportOptions {
            final_export: false,
            context: crate::model::Context { today: Some(Date::today()), ..Default::default() },
        };
        let written = workflow::render_export(format, &doc.report, &doc.form, &opts)
            .and_then(|out| workflow::write_export(path, &inputs, &out.bytes, confirmed).map(|()| out));
        match written {
            Ok(out) => {
                let mut msg = format!("已导出{}：{}", format.label(), path.display());
                let warn = !out.warnings.is_empty();
                if warn {
                    msg.push_str(&format!("。请注意：{}", out.warnings.join("；")));
                }
                self.notify(msg, warn);
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// Writes the 审核清单 of the open report; its format follows the file name's extension.
    fn export_review_to(&mut self, path: &Path, confirmed: bool) {
        use crate::export::review::{ReviewFormat, ReviewList};
        let Some(doc) = &self.doc else { return };
        let inputs: Vec<&Path> = doc.path.as_deref().into_iter().collect();
        let Some(kind) = ReviewFormat::from_path(path) else {
            return self.fail(format!("“{}”：审核清单的文件名应以 .xlsx、.html 或 .pdf 结尾", path.display()));
        };
        // The findings the window shows, not a second check: the list says what the staffer saw.
        let list = ReviewList::new(&doc.report, &doc.form, &doc.findings, Some(Date::today()));
        let written = workflow::render_review(kind, &list, &self.settings.pdf_fonts)
            .and_then(|bytes| workflow::write_export(path, &inputs, &bytes, confirmed));
        match written {
            Ok(()) => self.info(format!("已导出审核清单（{}）：{}", list.summary(), path.display())),
            Err(e) => self.fail(e.to_string()),
        }
    }

    fn export_csv_to(&mut self, path: &Path, confirmed: bool) {
        let Some(doc) = &self.doc else { return };
        let inputs: Vec<&Path> = doc.path.as_deref().into_iter().collect();
        match workflow::export_csv(path, &inputs, &doc.report, &doc.form, confirmed) {
            Ok(()) => self.info(format!("已导出CSV：{}", path.display())),
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// 复制为网页: the whole report, or the tables of the page shown, as HTML and plain text.
    fn copy_html(&mut self, tables_only: bool) {
        use crate::export::html::{Clip, Part, clipboard};
        let Some(doc) = &self.doc else { return };
        let (clip, what) = if tables_only {
            let tables = pages::tables_on_page(doc, self.view.page);
            if tables.is_empty() {
                return self.fail("这一页没有表格可复制".into());
            }
            let mut all = Clip { html: String::new(), text: String::new() };
            for &t in &tables {
                let one = clipboard(&doc.report, &doc.form, Part::Table(t));
                all.html.push_str(&one.html);
                if !all.text.is_empty() {
                    all.text.push_str("\n\n");
                }
                all.text.push_str(&one.text);
            }
            let names: Vec<&str> = tables.iter().map(|&t| doc.form.tables[t].def.name.as_str()).collect();
            (all, names.join("、"))
        } else {
            (clipboard(&doc.report, &doc.form, Part::Report), "整份报告".to_string())
        };
        let result = self.clipboard.put(&clip);
        self.last_copied = Some(clip);
        match result {
            Ok(()) => self.info(format!("已把{what}复制为网页：可粘贴到网站后台编辑器、Word或WPS，表格保留")),
            Err(e) => self.fail(e),
        }
    }

    /// Saves the draft to `path`. Asks first before replacing a file someone else changed or
    /// another file; never replaces a file that is not a readable draft.
    fn save(&mut self, path: &Path, confirmed: bool, ctx: &egui::Context) {
        let Some(doc) = self.doc.as_ref() else { return };
        let path = files::SAVE_DRAFT.complete(path.to_path_buf());
        let own = doc.path.as_deref() == Some(path.as_path());
        if own && let Some(who) = &doc.read_only {
            let msg = format!("这份草稿正由{who}打开，本窗口不能保存到同一文件；请另存为其他文件名。");
            self.notify(msg, true);
            self.prompt(Command::SaveAs, files::SAVE_DRAFT, ctx);
            return;
        }
        if !confirmed && own && doc.changed_on_disk() {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let what = super::dialogs::path::describe_existing(&path);
            let reason = format!(
                "“{name}”在打开之后被其他程序或同事修改过（现在是{what}）。覆盖保存会替换那些修改（被替换的版本会留作.bak备份）。"
            );
            self.dialog = Some(Box::new(ChoiceDialog::overwrite(path, reason, self.after_save.take())));
            return;
        }
        if !own && path.exists() {
            if store::load(&path).is_err() {
                let msg =
                    format!("“{}”不是能读取的年报草稿；为免丢失其中内容，不会覆盖它。请换一个文件名。", path.display());
                return self.fail(msg);
            }
            if !confirmed {
                // Named by what it holds: last year's draft must not be replaced unnoticed.
                let what = super::dialogs::path::describe_existing(&path);
                let reason = format!(
                    "“{}”已经存在，是{what}。要用当前报告（{}）覆盖它吗？（原文件会留作.bak备份）",
                    path.display(),
                    self.doc.as_ref().map(|d| report_name(&d.report)).unwrap_or_default()
                );
                self.dialog = Some(Box::new(ChoiceDialog::overwrite(path, reason, self.after_save.take())));
                return;
            }
        }
        let expect = if confirmed {
            store::Expect::Any
        } else if own {
            doc.disk_hash.map(store::Expect::Unchanged).unwrap_or(store::Expect::Absent)
        } else if path.exists() {
            store::Expect::Any
        } else {
            store::Expect::Absent
        };
        match self.save_checked(&path, expect) {
            Ok(()) => {
                if let Some(then) = self.after_save.take() {
                    self.proceed(then, ctx);
                }
            }
            // Changed between the question and the save (or by a save at this very moment).
            Err(store::DraftError::Conflict { .. }) => {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let reason = format!(
                    "“{name}”刚刚被其他程序或同事修改过。覆盖保存会替换那些修改（被替换的版本会留作.bak备份）。"
                );
                self.dialog = Some(Box::new(ChoiceDialog::overwrite(path, reason, self.after_save.take())));
            }
            Err(e) => {
                self.after_save = None;
                self.fail(format!("{e}。内容仍在窗口中，未丢失；请换一个位置保存。"));
            }
        }
    }

    /// Writes the draft without asking (tests and the recovery flow use it); on failure the work
    /// stays in memory, unsaved, and the reason is shown.
    pub fn save_to(&mut self, path: &Path) -> bool {
        let path = files::SAVE_DRAFT.complete(path.to_path_buf());
        match self.save_checked(&path, store::Expect::Any) {
            Ok(()) => true,
            Err(e) => {
                self.fail(format!("{e}。内容仍在窗口中，未丢失；请换一个位置保存。"));
                false
            }
        }
    }

    /// Saves when the file on disk is what `expect` says; a draft saved under a new name is
    /// locked from then on, the old one released.
    fn save_checked(&mut self, path: &Path, expect: store::Expect) -> Result<(), store::DraftError> {
        let Some(doc) = self.doc.as_mut() else { return Ok(()) };
        let hash = store::save_checked(path, &doc.report, expect)?;
        let moved = doc.path.as_deref() != Some(path);
        let old_key = doc.recovery_key.clone();
        doc.mark_saved(path.to_path_buf(), hash);
        if moved || doc.lock.is_none() {
            doc.read_only = None;
            doc.lock = store::lock::DraftLock::acquire(path).ok();
        }
        let new_key = doc.recovery_key.clone();
        self.drop_recovery(&old_key);
        self.drop_recovery(&new_key);
        self.remember(path);
        self.info(format!("已保存：{}", path.display()));
        Ok(())
    }

    fn remember(&mut self, path: &Path) {
        self.settings.touch_recent(path);
        self.save_settings();
    }

    /// Writes the settings (recent files, fonts, zoom); a failure is shown, never fatal.
    pub fn save_settings(&mut self) {
        if let Some(p) = &self.config.settings_path
            && let Err(e) = store::settings::save(p, &self.settings)
        {
            self.error(e);
        }
    }

    // -----------------------------------------------------------------------------------------
    // PDF
    // -----------------------------------------------------------------------------------------

    /// 导出PDF / 打印: with errors left, ask first whether to mark it as a draft.
    fn ask_final(&mut self, print: bool, ctx: &egui::Context) {
        let Some(doc) = &self.doc else { return };
        let errors = doc.error_count();
        let notes = export_notes(doc);
        if errors > 0 || !notes.is_empty() {
            self.dialog = Some(Box::new(ChoiceDialog::export_choice(print, errors, notes)));
        } else {
            self.perform(Action::ExportChosen { print, final_export: false }, ctx);
        }
    }

    fn render_pdf(&mut self) -> Option<crate::pdf::PdfOutput> {
        let doc = self.doc.as_ref()?;
        let opts = crate::pdf::PdfOptions { final_export: self.export_final, fonts: self.settings.pdf_fonts.clone() };
        match workflow::render_pdf(&doc.report, &doc.form, &opts) {
            Ok(out) => Some(out),
            Err(e) => {
                self.dialog = Some(Box::new(MessageDialog::new(e.to_string())));
                None
            }
        }
    }

    /// Writes the PDF to `path` (replacing a file there: the caller has asked).
    pub fn export_pdf_to(&mut self, path: &Path) {
        self.export_pdf(path, true);
    }

    fn export_pdf(&mut self, path: &Path, confirmed: bool) {
        let path = files::EXPORT_PDF.complete(path.to_path_buf());
        let Some(out) = self.render_pdf() else { return };
        let own = self.doc.as_ref().and_then(|d| d.path.clone());
        let inputs: Vec<&Path> = own.as_deref().into_iter().collect();
        if let Err(e) = workflow::write_pdf(&path, &inputs, &out, confirmed) {
            return self.fail(e.to_string());
        }
        self.last_pdf = Some(path.clone());
        let mut msg = format!("已导出PDF（{}页）：{}", out.pages, path.display());
        let warn = !out.warnings.is_empty();
        if warn {
            msg.push_str(&format!("。请注意：{}", out.warnings.join("；")));
        }
        self.notify(msg, warn);
    }

    /// 打印: a temporary PDF opened in the system viewer, where the user prints it. Whether the
    /// viewer opened is known only when its opener has ended ([`NianbaoApp::opened`]).
    fn print(&mut self, ctx: &egui::Context) {
        let Some(out) = self.render_pdf() else { return };
        let dir = print_dir();
        let title = self.doc.as_ref().map(|d| d.report.title()).unwrap_or_else(|| APP_NAME.into());
        let path = dir.join(format!("{}.pdf", safe_file_name(&title)));
        if let Err(e) = std::fs::create_dir_all(&dir) {
            return self.error(format!("无法生成打印文件：{}", store::atomic::describe_io(&e)));
        }
        if let Err(e) = workflow::write_pdf(&path, &[], &out, true) {
            return self.error(format!("无法生成打印文件：{e}"));
        }
        self.last_pdf = Some(path.clone());
        let pages = out.pages;
        drop(out);
        return_freed_memory();
        if self.config.open_with.is_some() {
            self.info(format!("正在用PDF阅读器打开打印文件（{pages}页），请从阅读器打印：{}", path.display()));
            self.open_with(&path, open::Purpose::Print, ctx);
        } else {
            self.info(format!("已生成打印文件（{pages}页）：{}", path.display()));
        }
    }

    /// Opens a file or folder with the desktop's program (nothing in tests without an opener).
    fn open_with(&mut self, path: &Path, purpose: open::Purpose, ctx: &egui::Context) {
        if let Some(opener) = &self.config.open_with {
            self.openings.push(opener.open(path, purpose, ctx));
        }
    }

    /// The openings whose program has ended: a failure is said, with what to do instead.
    fn opened(&mut self) {
        let mut ended = Vec::new();
        self.openings.retain(|o| match o.poll() {
            Some(r) => {
                ended.push((o.path.clone(), o.purpose.clone(), r));
                false
            }
            None => true,
        });
        for (path, purpose, result) in ended {
            let Err(e) = result else { continue };
            match purpose {
                open::Purpose::Folder => self.fail(format!("无法打开文件夹“{}”：{e}", path.display())),
                open::Purpose::Print => {
                    let lines = vec![
                        format!("PDF阅读器没有打开打印文件：{e}。这台电脑可能没有安装PDF阅读器。"),
                        format!("打印文件已经生成，可以用其他程序打开后打印：{}", path.display()),
                    ];
                    self.log(&lines.join(""), true);
                    let folder = path.parent().map(Path::to_path_buf).unwrap_or_else(print_dir);
                    let answers = vec![("打开所在文件夹", Action::OpenFolder(folder)), ("知道了", Action::CloseDialog)];
                    let dialog = ChoiceDialog::new("print-failed", "无法打开PDF阅读器", lines, answers);
                    if self.dialog.is_none() {
                        self.dialog = Some(Box::new(dialog));
                    } else {
                        self.error(format!("PDF阅读器没有打开打印文件（{e}）；打印文件在：{}", path.display()));
                    }
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Recovery copies
    // -----------------------------------------------------------------------------------------

    fn next_recovery_offer(&mut self) {
        let Some(r) = self.recovery.as_mut() else { return };
        if r.offers.is_empty() {
            return;
        }
        let offer = r.offers.remove(0);
        self.dialog = Some(Box::new(RecoverDialog::new(offer)));
    }

    fn restore(&mut self, offer: store::recovery::Offer) {
        let restored = store::draft::from_ron_checked(&offer.copy.draft, Path::new("恢复副本"))
            .map_err(|e| e.to_string())
            .and_then(|l| Document::new(l.report, offer.copy.original.clone()).map_err(|e| e.to_string()));
        match restored {
            Ok(mut doc) => {
                doc.dirty = true;
                doc.recovery_key = offer.key.clone();
                self.set_document(doc);
                self.info("已恢复未保存的内容，请检查后保存。");
            }
            Err(e) => self.fail(format!("恢复副本无法读取：{e}")),
        }
    }

    /// Writes the recovery copy when due (every `autosave_every`, or when the window loses
    /// focus) and there are changes since the last one. Until it is due, the window asks to be
    /// woken when it will be: an idle window draws no frames, and a copy written only on the next
    /// frame waited for a key or a mouse move — a crash after a quiet minute lost the last edits.
    /// Runs in `logic`, which eframe calls also while the window is minimised.
    pub fn autosave(&mut self, ctx: &egui::Context) {
        let (Some(r), Some(doc)) = (&mut self.recovery, &self.doc) else { return };
        if !doc.dirty || doc.generation == r.written_generation {
            return;
        }
        let lost_focus = ctx.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::WindowFocused(false))));
        let since = r.last_write.elapsed();
        if since < self.config.autosave_every && !lost_focus {
            ctx.request_repaint_after(self.config.autosave_every - since);
            return;
        }
        let result = r.store.write(&doc.recovery_key, doc.path.as_deref(), &doc.report);
        r.last_write = std::time::Instant::now();
        r.written_generation = doc.generation;
        if let Err(e) = result {
            self.error(format!("无法写入恢复副本：{e}"));
        }
    }

    /// Gives the crash hook the open report while it has unsaved changes, so a crash writes it
    /// as a recovery copy; only when it changed (a copy per edit, not per frame).
    fn hand_to_crash_hook(&mut self) {
        let now = self.doc.as_ref().map(|d| (d.recovery_key.clone(), d.generation, d.dirty));
        if now == self.crash_snapshot {
            return;
        }
        let dir = self.recovery.as_ref().map(|r| r.store.dir.clone());
        match self.doc.as_ref().filter(|d| d.dirty) {
            Some(d) => crate::crash::remember(dir.as_deref(), &d.recovery_key, d.path.as_deref(), Some(&d.report)),
            None => crate::crash::remember(None, "", None, None),
        }
        self.crash_snapshot = now;
    }

    fn drop_recovery(&self, key: &str) {
        if let Some(r) = &self.recovery {
            r.store.remove(key);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Editing and pages
    // -----------------------------------------------------------------------------------------

    pub fn undo(&mut self) {
        let Some(doc) = self.doc.as_mut() else { return };
        match doc.undo() {
            Some(field) => self.show_field(&field, "已撤销"),
            None => self.info("没有可以撤销的操作"),
        }
    }

    /// 标点规范化 over every text of the report, as one undo step.
    pub fn normalize_punctuation(&mut self) {
        let Some(doc) = self.doc.as_mut() else { return };
        match doc.normalize_punctuation() {
            0 => self.info("没有需要规范的标点"),
            n => self.info(format!("已将{n}处文字中的半角标点改为全角（可撤销）")),
        }
    }

    pub fn redo(&mut self) {
        let Some(doc) = self.doc.as_mut() else { return };
        match doc.redo() {
            Some(field) => self.show_field(&field, "已重做"),
            None => self.info("没有可以重做的操作"),
        }
    }

    /// Brings an undone/redone field into view.
    fn show_field(&mut self, field: &super::doc::Field, what: &str) {
        use super::doc::Field;
        if let (Field::Cell(id), Some(doc)) = (field, &self.doc)
            && let Some(&ix) = doc.form.index.get(id)
        {
            self.view.page = pages::page_of_cell(doc, ix);
            self.grid.scroll_to = Some(ix);
            let path = doc.form.cell_path(ix);
            self.info(format!("{what}：{path}"));
            return;
        }
        if let (Field::SignedOn, Some(doc)) = (field, &self.doc) {
            self.view.date_text = doc.report.signed_on.map(|d| d.to_string()).unwrap_or_default();
        }
        self.info(what.to_string());
    }

    fn turn_page(&mut self, delta: i32) {
        let Some(doc) = &self.doc else { return };
        let pages = pages::pages(doc);
        if let Some(i) = pages.iter().position(|p| *p == self.view.page) {
            let j = (i as i32 + delta).clamp(0, pages.len() as i32 - 1) as usize;
            self.view.go_to(pages[j], &mut self.grid);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Frame
    // -----------------------------------------------------------------------------------------

    /// The close button: with unsaved changes, ask first. Runs every frame, also when the window
    /// is minimised (eframe then only calls `logic`).
    pub fn close_guard(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && self.is_dirty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            let name = self.doc.as_ref().map(|d| d.file_name()).unwrap_or_default();
            let quit = Invocation { command: Command::Quit, path: None };
            self.dialog = Some(Box::new(ChoiceDialog::unsaved(&name, quit)));
        }
    }

    /// One frame of the whole app.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.frames += 1;
        if let Some(log) = &self.config.frame_log {
            let _ = std::fs::write(log, self.frames.to_string());
            // Why this frame was drawn: the input it got and who asked for it (the key benchmark
            // reads this to find frames no key needed).
            let causes: Vec<String> = ctx.repaint_causes().iter().map(|c| format!("{}:{}", c.file, c.line)).collect();
            let events: Vec<String> = ctx.input(|i| {
                i.events
                    .iter()
                    .map(|e| match e {
                        egui::Event::Key { key, pressed, .. } => format!("{key:?}{}", if *pressed { "↓" } else { "↑" }),
                        egui::Event::PointerMoved(_) => "move".into(),
                        e => format!("{e:?}").chars().take(24).collect(),
                    })
                    .collect()
            });
            let line = format!("{} events={events:?} causes={causes:?}\n", self.frames);
            let mut path = log.clone().into_os_string();
            path.push(".causes");
            use std::io::Write as _;
            if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
                let _ = f.write_all(line.as_bytes());
            }
        }
        ctx.input_mut(|i| {
            drop_chord_text(&mut i.events, &mut self.chord);
            self.type_ahead.split(&mut i.events);
        });
        if self.type_ahead.pending() {
            ctx.request_repaint();
        }
        let mut actions = Vec::new();
        let dialog_before = self.dialog.is_some();
        self.opened();
        self.hand_to_crash_hook();
        // A hidden trigger for the crash test (debug builds only): a panic once there are
        // unsaved changes, as a bug would cause.
        #[cfg(debug_assertions)]
        if self.doc.as_ref().is_some_and(|d| d.dirty) && std::env::var_os("NIANBAO_DEBUG_PANIC").is_some() {
            panic!("NIANBAO_DEBUG_PANIC：为测试崩溃处理而故意触发的错误");
        }
        actions.extend(self.dropped_file(&ctx));
        self.remember_zoom(&ctx);
        self.update_title(&ctx);
        // Keys go to the menu bar, then the focused cell, then the panes and the app; widgets see
        // what is left.
        if self.dialog.is_none() {
            self.menu_keys.handle(&ctx);
            if let Some(doc) = self.doc.as_mut() {
                table::handle_keys(ui, doc, &mut self.grid);
                if let Some(report) = self.grid.paste_report.take() {
                    let error = !report.problems.is_empty();
                    self.notify(report.to_string(), error);
                }
                if let Some(text) = self.grid.block_report.take() {
                    self.notify(text, false);
                }
                if self.menu_keys.active().is_none() {
                    self.panes.handle_tab(&ctx, self.grid.leaving.take());
                }
            }
            let state = self.command_state(&ctx);
            actions.extend(Command::pressed(&ctx, &state).map(Action::Command));
        }

        let state = self.command_state(&ctx);
        let recent = self.settings.recent.clone();
        // The panels leave their background to the clear colour (`clear_color`, the same
        // colour): under software rendering (llvmpipe: Remote Desktop, 云桌面, no driver) every
        // filled pixel costs, and the panels' fills covered the whole window once more each
        // frame — about a quarter of the CPU per keystroke there (scripts/bench-keys.sh).
        let style = ui.style().clone();
        let bar = egui::Frame::side_top_panel(&style).fill(egui::Color32::TRANSPARENT);
        let central = egui::Frame::central_panel(&style).fill(egui::Color32::TRANSPARENT);
        let mut from_menu = false;
        egui::Panel::top("menu").frame(bar).show(ui, |ui| {
            let keys = &mut self.menu_keys;
            let chosen = command::menu_bar_ui(ui, &state, keys, |ui, menu| recent_menu(ui, menu, &recent));
            from_menu = chosen.is_some();
            actions.extend(chosen);
        });
        egui::Panel::bottom("status").frame(bar).show(ui, |ui| actions.extend(self.status_ui(ui)));
        if let Some(doc) = self.doc.as_mut() {
            let page = self.view.page;
            let panes = &mut self.panes;
            // Side panels are resizable, remembered, and never take more than a third of the
            // window each, nor so much that the page is left narrower than `PAGE_MIN` (表四's
            // fifteen number columns at 1024×768), so the grid always keeps its share.
            let window = ctx.content_rect().width();
            let max_side = (window / 3.0).min((window - PAGE_MIN) / 2.0).max(MIN_SIDE);
            let side = |id: &'static str, remembered: Option<f32>, default: f32| {
                let width = remembered.unwrap_or(default).clamp(MIN_SIDE, max_side);
                (id, width)
            };
            let (id, width) = side("pages", self.settings.pages_width, 220.0);
            let left = egui::Panel::left(id)
                .frame(bar)
                .resizable(true)
                .size_range(MIN_SIDE..=max_side)
                .default_size(width)
                .show(ui, |ui| {
                    panes.begin(ui);
                    actions.extend(pages::nav_ui(ui, doc, page));
                    panes.end(ui, Pane::Pages);
                });
            let (id, width) = side("findings", self.settings.findings_width, 280.0);
            let right = egui::Panel::right(id)
                .frame(bar)
                .resizable(true)
                .size_range(MIN_SIDE..=max_side)
                .default_size(width)
                .show(ui, |ui| {
                    panes.begin(ui);
                    let scroll = panes.take_scroll(Pane::Findings);
                    actions.extend(findings::findings_ui(ui, doc, &mut self.findings, scroll));
                    panes.end(ui, Pane::Findings);
                });
            self.remember_panels(&ctx, left.response.rect.width(), right.response.rect.width());
        } else {
            self.panes.clear();
        }
        egui::CentralPanel::default().frame(central).show(ui, |ui| match self.doc.as_mut() {
            Some(doc) => {
                // One scroll area in both directions: a nested horizontal one would swallow the
                // vertical "scroll into view" of a focused cell (egui gives targets to the
                // innermost area), and table 四 may be wider than the window.
                let mut area = egui::ScrollArea::both().id_salt(("page", self.view.page)).auto_shrink(false);
                if std::mem::take(&mut self.view.scroll_top) {
                    area = area.vertical_scroll_offset(0.0);
                }
                let panes = &mut self.panes;
                panes.begin(ui);
                area.show(ui, |ui| {
                    if let Some(r) = panes.take_scroll(Pane::Page) {
                        ui.scroll_to_rect(r, None);
                    }
                    actions.extend(pages::page_ui(ui, doc, &mut self.view, &mut self.grid));
                });
                panes.end(ui, Pane::Page);
            }
            None => actions.extend(super::start::start_ui(ui, &recent)),
        });
        actions.extend(self.county.ui(&ctx, self.config.system_dialogs));
        if let Some(dialog) = self.dialog.as_mut()
            && let Some(action) = dialog.ui(&ctx)
        {
            self.answering = self.dialog.take();
            actions.push(action);
        }
        for action in actions {
            self.perform(action, &ctx);
        }
        self.answering = None;
        // A command chosen from the menu by keyboard: the keyboard goes back to where it was,
        // unless a dialog has it now.
        if from_menu && self.menu_keys.active().is_some() {
            if self.dialog.is_none() {
                self.menu_keys.leave(&ctx);
            } else {
                self.menu_keys.reset();
            }
        }
        // Given back a frame after the dialog closed: in that frame its modal layer still holds
        // the keyboard away from the page.
        let focused = ctx.memory(|m| m.focused());
        if self.dialog.is_none() && self.menu_keys.active().is_none() {
            let in_pane = focused.is_some_and(|f| self.panes.pane_of(f).is_some());
            if std::mem::take(&mut self.give_back_keyboard)
                && !in_pane
                && let Some(home) = self.keyboard_home
            {
                ctx.memory_mut(|m| m.request_focus(home));
            } else if in_pane {
                self.keyboard_home = focused;
            }
            if dialog_before && !in_pane {
                self.give_back_keyboard = true;
                ctx.request_repaint();
            }
        }
        focus::focus_ring(&ctx, self.grid.focused.map(table::cell_widget_id));
    }

    /// A file dropped on the window: a draft opens, a CSV is imported.
    fn dropped_file(&mut self, ctx: &egui::Context) -> Option<Action> {
        let path = ctx.input(|i| i.raw.dropped_files.first().map(|f| f.path().to_path_buf()))?;
        if self.dialog.is_some() {
            return None;
        }
        let command = if workflow::is_published_file(&path) {
            Command::ImportReport
        } else if workflow::is_table_file(&path) {
            Command::ImportCsv
        } else {
            Command::OpenDraft
        };
        Some(Action::CommandWith(command, path))
    }

    /// Remembers the side panels' widths once the user has let go of a divider.
    fn remember_panels(&mut self, ctx: &egui::Context, pages: f32, findings: f32) {
        if ctx.input(|i| i.pointer.any_down()) {
            return;
        }
        let changed = |old: Option<f32>, new: f32| old.is_none_or(|o| (o - new).abs() > 1.0);
        if changed(self.settings.pages_width, pages) || changed(self.settings.findings_width, findings) {
            self.settings.pages_width = Some(pages);
            self.settings.findings_width = Some(findings);
            self.save_settings();
        }
    }

    /// Remembers the zoom (also changed with Ctrl+加号/减号) for the next start.
    fn remember_zoom(&mut self, ctx: &egui::Context) {
        let z = ctx.zoom_factor();
        if (self.settings.zoom.unwrap_or(1.0) - z).abs() > 0.001 {
            self.settings.zoom = Some(z);
            self.save_settings();
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match &self.doc {
            Some(d) => {
                let read_only = if d.read_only.is_some() { "（只读）" } else { "" };
                format!(
                    "{}{}{read_only} — {} {}年度",
                    d.file_name(),
                    if d.dirty { " *" } else { "" },
                    APP_NAME,
                    d.report.year
                )
            }
            None => APP_NAME.to_string(),
        };
        if title != self.title_sent {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_sent = title;
        }
    }

    /// The status line: counts, saved state, and the last message in one line — cut with “…”
    /// when it does not fit, with 全文 beside it; a click on it opens the whole text.
    fn status_ui(&mut self, ui: &mut Ui) -> Option<Action> {
        if let Some(n) = &self.notice {
            let left = n.lifetime().saturating_sub(n.shown.elapsed());
            if left.is_zero() {
                self.notice = None;
            } else {
                ui.ctx().request_repaint_after(left);
            }
        }
        ui.horizontal(|ui| {
            if let Some(doc) = &self.doc {
                ui.label(counts_text(&doc.findings));
                ui.separator();
                ui.label(if doc.dirty { "有未保存的修改" } else { "已保存" });
                ui.separator();
            }
            let n = self.notice.as_ref()?;
            let color =
                if n.error { table::severity_color(crate::model::Severity::E) } else { ui.visuals().text_color() };
            let font = egui::TextStyle::Body.resolve(ui.style());
            let width = ui.fonts_mut(|f| f.layout_no_wrap(n.text.clone(), font, color).size().x);
            let cut = width > ui.available_width() - 8.0 || n.text.contains('\n');
            let more = if cut {
                // Right-aligned, so the message's start stays where it always is.
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let more = ui.small_button("全文").on_hover_text("查看这条消息的全文").clicked();
                    let text = ui
                        .add(
                            egui::Label::new(RichText::new(&n.text).color(color))
                                .truncate()
                                .sense(egui::Sense::click()),
                        )
                        .on_hover_text("点击查看全文")
                        .clicked();
                    more || text
                })
                .inner
            } else {
                ui.add(egui::Label::new(RichText::new(&n.text).color(color)).sense(egui::Sense::click())).clicked()
            };
            more.then_some(Action::ReadNotice)
        })
        .inner
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

/// Where 打印 writes the PDF it opens in the system viewer.
pub fn print_dir() -> PathBuf {
    std::env::temp_dir().join("nianbao-print")
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
