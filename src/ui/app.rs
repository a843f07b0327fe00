//! The application: menus, pages, file actions with the unsaved-changes guard, shortcuts.

use std::path::{Path, PathBuf};

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};

use super::doc::Document;
use super::files::{self, DialogKind};
use super::table::{self, GridState};
use super::{findings, pages};
use crate::model::{Report, Template};
use crate::store::{self, settings::Settings};

pub const APP_NAME: &str = "年报";

const NEW: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
const SAVE_AS: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);
const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
const REDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
const REDO_ALT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
const EXPORT_PDF: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);
const PRINT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::P);
const NEXT_PAGE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::PageDown);
const PREV_PAGE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::PageUp);

/// The keyboard shortcuts, as listed in 帮助 and the README.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+N", "新建报告"),
    ("Ctrl+O", "打开草稿"),
    ("Ctrl+S", "保存"),
    ("Ctrl+Shift+S", "另存为"),
    ("Ctrl+E", "导出PDF"),
    ("Ctrl+P", "打印"),
    ("Ctrl+Z", "撤销"),
    ("Ctrl+Y / Ctrl+Shift+Z", "重做"),
    ("Ctrl+PageDown / Ctrl+PageUp", "下一页 / 上一页"),
    ("Tab / Shift+Tab", "表格中：下一格 / 上一格（跳过自动计算的格）"),
    ("Enter / Shift+Enter", "表格中：下移 / 上移"),
    ("方向键", "表格中：在单元格之间移动（编辑时←→移动光标）"),
    ("直接输入", "替换单元格内容"),
    ("F2", "编辑单元格（不替换）"),
    ("Esc", "取消对单元格的修改"),
    ("Ctrl+V", "在单元格粘贴从Excel/WPS复制的区域"),
    ("Ctrl+加号 / Ctrl+减号 / Ctrl+0", "放大 / 缩小 / 恢复"),
];

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
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            system_dialogs: false,
            settings_path: None,
            recovery_dir: None,
            autosave_every: std::time::Duration::from_secs(30),
        }
    }
}

impl AppConfig {
    /// The real app: system dialogs, settings and recovery copies in the platform's folders.
    pub fn desktop() -> AppConfig {
        AppConfig {
            system_dialogs: true,
            settings_path: store::settings::settings_path(),
            recovery_dir: store::recovery::RecoveryStore::default_dir(),
            ..AppConfig::default()
        }
    }
}

/// Which part of the report the central area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// 基本信息: unit details, 落款, title and print options.
    Unit,
    /// One of the six sections (index into the template's sections).
    Section(usize),
    /// The optional annex tables.
    Annex,
}

/// An action that waits for the answer to "save the changes?".
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    NewReport,
    Open(PathBuf),
    OpenDialog,
    LastYearDialog,
    Quit,
}

/// The one modal dialog that can be open.
#[derive(Debug, Default)]
pub enum Dialog {
    #[default]
    None,
    /// A file path to open or save to, with an optional system dialog filling it.
    Path {
        kind: DialogKind,
        path: String,
        error: Option<String>,
        then: Option<Then>,
    },
    /// Unsaved changes: 保存 / 不保存 / 取消.
    Unsaved(Then),
    /// A new report: year, unit, format.
    New {
        year: String,
        unit: String,
        error: Option<String>,
    },
    /// An error the user must acknowledge (a file that could not be read …).
    Error(String),
    Shortcuts,
    /// Errors remain: export as a marked draft or as final?
    ExportChoice {
        purpose: super::export::Purpose,
        errors: usize,
    },
    /// PDF font choices.
    Fonts,
    /// Overwrite a file? (it exists already, or changed on disk since it was opened)
    ConfirmSave {
        path: PathBuf,
        reason: String,
        then: Option<Then>,
    },
    /// A recovery copy from a session that did not end cleanly.
    Recover(Box<store::recovery::Offer>),
}

#[derive(Debug, Clone)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

pub struct NianbaoApp {
    pub doc: Option<Document>,
    pub page: Page,
    pub grid: GridState,
    pub dialog: Dialog,
    pub settings: Settings,
    pub notice: Option<Notice>,
    pub config: AppConfig,
    /// The close button may close the window (set after the user agreed to lose changes).
    pub allow_close: bool,
    /// A system file dialog that is open.
    pending_dialog: Option<files::Pending>,
    title_sent: String,
    /// Text of the 落款 date field while it is being typed.
    pub date_text: String,
    /// The finding whose explanation is being written.
    pub explaining: Option<String>,
    /// Scroll the page to the top next frame (after a page change).
    scroll_top: bool,
    /// Focus this text editor next frame (from a finding).
    pub focus_editor: Option<egui::Id>,
    /// Focus the first input of the page next frame (after a page change), so the keyboard
    /// alone can fill the report.
    pub focus_first: bool,
    /// Focus the main field of a dialog that has just opened.
    focus_dialog: bool,
    /// An action to run next frame (after a save that a "save first?" answer asked for).
    pending_then: Option<Then>,
    /// The next PDF is exported without the 草稿 mark although errors remain.
    pub export_final: bool,
    /// The last PDF written (export or print).
    pub last_pdf: Option<PathBuf>,
    /// A font file being chosen in the system dialog.
    pub font_pick: Option<(crate::pdf::fonts::Role, files::Pending)>,
    recovery: Option<store::recovery::RecoveryStore>,
    /// Recovery copies still to offer after the current one.
    recovery_offers: Vec<store::recovery::Offer>,
    last_autosave: std::time::Instant,
    autosaved_generation: u64,
}

impl NianbaoApp {
    pub fn new(config: AppConfig) -> NianbaoApp {
        let (settings, settings_error) = match &config.settings_path {
            Some(p) => store::settings::load(p),
            None => (Settings::default(), None),
        };
        NianbaoApp {
            doc: None,
            page: Page::Unit,
            grid: GridState::default(),
            dialog: Dialog::None,
            settings,
            notice: settings_error.map(|text| Notice { text, error: true }),
            config,
            allow_close: false,
            pending_dialog: None,
            title_sent: String::new(),
            date_text: String::new(),
            explaining: None,
            scroll_top: false,
            focus_editor: None,
            focus_first: false,
            focus_dialog: false,
            pending_then: None,
            export_final: false,
            last_pdf: None,
            font_pick: None,
            recovery: None,
            recovery_offers: Vec::new(),
            last_autosave: std::time::Instant::now(),
            autosaved_generation: 0,
        }
        .with_recovery()
    }

    /// Looks for recovery copies of sessions that did not end cleanly.
    fn with_recovery(mut self) -> NianbaoApp {
        if let Some(dir) = &self.config.recovery_dir {
            let store = store::recovery::RecoveryStore::new(dir.clone());
            self.recovery_offers = store.offers();
            self.recovery = Some(store);
            self.next_recovery_offer();
        }
        self
    }

    fn next_recovery_offer(&mut self) {
        if self.recovery_offers.is_empty() {
            return;
        }
        let offer = self.recovery_offers.remove(0);
        self.dialog = Dialog::Recover(Box::new(offer));
    }

    /// Writes the recovery copy when due (every `autosave_every`, or when the window loses
    /// focus) and there are changes since the last one.
    fn autosave(&mut self, ctx: &egui::Context) {
        let (Some(store), Some(doc)) = (&self.recovery, &self.doc) else { return };
        if !doc.dirty {
            return;
        }
        let lost_focus = ctx.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::WindowFocused(false))));
        let due = self.last_autosave.elapsed() >= self.config.autosave_every;
        if doc.generation == self.autosaved_generation {
            return;
        }
        if due || lost_focus {
            let result = store.write(&doc.recovery_key, doc.path.as_deref(), &doc.report);
            self.last_autosave = std::time::Instant::now();
            self.autosaved_generation = doc.generation;
            if let Err(e) = result {
                self.error(format!("无法写入恢复副本：{e}"));
            }
        } else {
            // Wake up when the copy is due, even if nothing else happens.
            ctx.request_repaint_after(self.config.autosave_every.saturating_sub(self.last_autosave.elapsed()));
        }
    }

    /// Removes the current document's recovery copy (after a clean save or an explicit discard).
    fn drop_recovery(&self, key: &str) {
        if let Some(store) = &self.recovery {
            store.remove(key);
        }
    }

    /// Opens a report as the current document (no questions asked).
    pub fn set_document(&mut self, doc: Document) {
        self.date_text = doc.report.signed_on.map(|d| d.to_string()).unwrap_or_default();
        self.doc = Some(doc);
        self.page = Page::Unit;
        self.grid = GridState::default();
        self.explaining = None;
        self.scroll_top = true;
        self.focus_first = true;
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice { text: text.into(), error: false });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice { text: text.into(), error: true });
    }

    fn is_dirty(&self) -> bool {
        self.doc.as_ref().is_some_and(|d| d.dirty)
    }

    // -----------------------------------------------------------------------------------------
    // File actions
    // -----------------------------------------------------------------------------------------

    /// Runs an action, asking first when there are unsaved changes.
    pub fn request(&mut self, then: Then, ctx: &egui::Context) {
        if self.is_dirty() {
            self.dialog = Dialog::Unsaved(then);
        } else {
            self.perform(then, ctx);
        }
    }

    fn perform(&mut self, then: Then, ctx: &egui::Context) {
        match then {
            Then::NewReport => {
                let year = crate::model::Date::today().year - 1;
                let unit = self.doc.as_ref().map(|d| d.report.unit.name.clone()).unwrap_or_default();
                self.dialog = Dialog::New { year: year.to_string(), unit, error: None };
                self.focus_dialog = true;
            }
            Then::Open(path) => self.open_path(&path),
            Then::OpenDialog => self.ask_path(DialogKind::OpenDraft, None, ctx),
            Then::LastYearDialog => self.ask_path(DialogKind::OpenLastYear, None, ctx),
            Then::Quit => {
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// Shows the path dialog of `kind`, starting the system dialog when there is one.
    pub fn ask_path(&mut self, kind: DialogKind, then: Option<Then>, ctx: &egui::Context) {
        let start = self.suggested_path(kind);
        self.focus_dialog = true;
        self.dialog = Dialog::Path {
            kind,
            path: start.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
            error: None,
            then,
        };
        if self.config.system_dialogs {
            self.pending_dialog = Some(files::spawn(kind, ctx, start));
        }
    }

    fn suggested_path(&self, kind: DialogKind) -> Option<PathBuf> {
        let doc = self.doc.as_ref();
        let dir = doc
            .and_then(|d| d.path.as_ref())
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .or_else(|| self.settings.recent.first().and_then(|p| p.parent().map(Path::to_path_buf)));
        let stem = doc.map(|d| {
            let unit = d.report.unit.name.trim();
            format!("{}{}年政府信息公开工作年度报告", unit, d.report.year)
        });
        let file = match (kind, &stem) {
            (DialogKind::SaveDraft, Some(s)) => {
                Some(doc.and_then(|d| d.path.clone()).unwrap_or_else(|| PathBuf::from(format!("{s}.ron"))))
            }
            (DialogKind::ExportPdf, Some(s)) => Some(PathBuf::from(format!("{s}.pdf"))),
            (DialogKind::ExportCsv, Some(s)) => Some(PathBuf::from(format!("{s}.csv"))),
            _ => None,
        };
        match (dir, file) {
            (Some(d), Some(f)) if f.is_relative() => Some(d.join(f)),
            (_, Some(f)) => Some(f),
            (Some(d), None) => Some(d),
            (None, None) => None,
        }
    }

    /// Opens a draft; a file that cannot be read is reported and left untouched.
    pub fn open_path(&mut self, path: &Path) {
        match store::draft::load_checked(path) {
            Ok(loaded) => match Document::new(loaded.report, Some(path.to_path_buf())) {
                Ok(doc) => {
                    self.set_document(doc);
                    self.remember(path);
                    if loaded.warnings.is_empty() {
                        self.info(format!("已打开：{}", path.display()));
                    } else {
                        self.error(format!("已打开：{}。请注意：{}", path.display(), loaded.warnings.join("；")));
                    }
                }
                Err(e) => self.dialog = Dialog::Error(e.to_string()),
            },
            Err(e) => self.dialog = Dialog::Error(e.to_string()),
        }
    }

    /// This year's draft from last year's (a draft or a CSV of the published tables).
    pub fn roll_over_from(&mut self, path: &Path) {
        match store::rollover_from_file(path, None, None, None) {
            Ok(report) => {
                let year = report.year;
                match Document::new(report, None) {
                    Ok(mut doc) => {
                        doc.dirty = true;
                        self.set_document(doc);
                        self.info(format!("已按上年报告新建{year}年度草稿：上年结转等数字已带入，请保存。"));
                    }
                    Err(e) => self.dialog = Dialog::Error(e.to_string()),
                }
            }
            Err(e) => self.dialog = Dialog::Error(e),
        }
    }

    /// A new draft from a long CSV (last year's published tables typed into a spreadsheet, or a
    /// colleague's export). Totals in the file are compared with the computed ones.
    pub fn import_csv(&mut self, path: &Path) {
        let data = match crate::store::csv::read(path, &Default::default()) {
            Ok(d) => d,
            Err(e) => return self.dialog = Dialog::Error(format!("无法导入“{}”：{e}", path.display())),
        };
        if !data.issues.is_empty() {
            let list: Vec<String> = data.issues.iter().map(|i| i.to_string()).collect();
            self.dialog = Dialog::Error(format!("CSV中有无法识别的内容，未导入：\n{}", list.join("\n")));
            return;
        }
        let published = data.published.clone();
        match Document::new(data.report, None) {
            Ok(mut doc) => {
                let ctx = crate::model::Context { today: None, published };
                let (_, findings) = crate::model::check_report(&doc.form, &doc.report, &ctx);
                let mismatches: Vec<String> = findings
                    .iter()
                    .filter(|f| f.cells.iter().any(|c| ctx.published.contains_key(c)))
                    .map(|f| f.message.clone())
                    .collect();
                doc.dirty = true;
                self.set_document(doc);
                if mismatches.is_empty() {
                    self.info(format!("已导入：{}", path.display()));
                } else {
                    self.error(format!("已导入，但文件中的总计与各项之和不符：{}", mismatches.join("；")));
                }
            }
            Err(e) => self.dialog = Dialog::Error(e.to_string()),
        }
    }

    /// A file dropped on the window: a draft opens, a CSV is imported.
    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        let Some(path) = dropped.first().map(|f| f.path().to_path_buf()) else { return };
        if !matches!(self.dialog, Dialog::None) {
            return;
        }
        let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if csv {
            if self.is_dirty() {
                self.error("请先保存或放弃当前的修改，再拖入CSV文件");
            } else {
                self.import_csv(&path);
            }
        } else {
            self.request(Then::Open(path), ctx);
        }
    }

    /// Saves to the document's file, or asks for one.
    pub fn save(&mut self, ctx: &egui::Context) -> bool {
        match self.doc.as_ref().and_then(|d| d.path.clone()) {
            Some(path) if self.doc.as_ref().is_some_and(|d| d.changed_on_disk()) => {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                self.dialog = Dialog::ConfirmSave {
                    path,
                    reason: format!(
                        "“{name}”在打开之后被其他程序或同事修改过。覆盖保存会替换那些修改（被替换的版本会留作.bak备份）。"
                    ),
                    then: None,
                };
                false
            }
            Some(path) => self.save_to(&path),
            None => {
                self.ask_path(DialogKind::SaveDraft, None, ctx);
                false
            }
        }
    }

    /// Writes the draft; on failure the work stays in memory, unsaved, and the reason is shown.
    pub fn save_to(&mut self, path: &Path) -> bool {
        let Some(doc) = self.doc.as_mut() else { return false };
        let path = if path.extension().is_none() { path.with_extension("ron") } else { path.to_path_buf() };
        match store::save(&path, &doc.report) {
            Ok(()) => {
                let old_key = doc.recovery_key.clone();
                doc.mark_saved(path.clone());
                let new_key = doc.recovery_key.clone();
                self.drop_recovery(&old_key);
                self.drop_recovery(&new_key);
                self.remember(&path);
                self.info(format!("已保存：{}", path.display()));
                true
            }
            Err(e) => {
                self.error(format!("{e}。内容仍在窗口中，未丢失；请换一个位置保存。"));
                false
            }
        }
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

    fn create_new(&mut self, year: &str, unit: &str) -> Result<(), String> {
        let year: i32 = year.trim().trim_end_matches('年').parse().map_err(|_| format!("“{year}”不是有效的年份"))?;
        if !(2019..=2100).contains(&year) {
            return Err("本软件支持2019年度及以后的报告".into());
        }
        let format = Template::format_for_year(year);
        let report = Report::new(format, year, unit.trim());
        let doc = Document::new(report, None).map_err(|e| e.to_string())?;
        self.set_document(doc);
        self.info(format!("已新建{year}年度报告（{}格式）", if format == "gb2021" { "2021年起" } else { "2019年" }));
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Frame
    // -----------------------------------------------------------------------------------------

    /// The close button: with unsaved changes, ask first. Runs every frame, also when the window
    /// is minimised (eframe then only calls `logic`).
    pub fn close_guard(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && self.is_dirty() && !self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Dialog::Unsaved(Then::Quit);
        }
    }

    /// One frame of the whole app.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if let Some(then) = self.pending_then.take() {
            self.perform(then, &ctx);
        }
        self.poll_dialog();
        self.autosave(&ctx);
        self.dropped_files(&ctx);
        self.remember_zoom(&ctx);
        self.update_title(&ctx);
        // Keys go to the focused cell first, then the app; widgets see what is left.
        if let Some(doc) = self.doc.as_mut()
            && matches!(self.dialog, Dialog::None)
        {
            table::handle_keys(ui, doc, &mut self.grid);
            if let Some(report) = self.grid.paste_report.take() {
                let error = report.contains("请注意");
                self.notice = Some(Notice { text: report, error });
            }
        }
        self.shortcuts(ui);

        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        if self.doc.is_some() {
            egui::Panel::left("pages")
                .resizable(true)
                .min_size(200.0)
                .default_size(220.0)
                .show(ui, |ui| self.pages_nav_ui(ui));
            egui::Panel::right("findings").resizable(true).min_size(240.0).default_size(280.0).show(ui, |ui| {
                findings::findings_ui(ui, self);
            });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if self.doc.is_some() {
                // One scroll area in both directions: a nested horizontal one would swallow the
                // vertical "scroll into view" of a focused cell (egui gives targets to the
                // innermost area), and table 四 may be wider than the window.
                let mut area = egui::ScrollArea::both().id_salt(("page", page_key(self.page))).auto_shrink(false);
                if self.scroll_top {
                    area = area.vertical_scroll_offset(0.0);
                    self.scroll_top = false;
                }
                area.show(ui, |ui| pages::page_ui(ui, self));
            } else {
                pages::start_ui(ui, self);
            }
        });
        self.dialog_ui(&ctx);
    }

    fn poll_dialog(&mut self) {
        let Some(p) = &self.pending_dialog else { return };
        let Some(result) = p.poll() else { return };
        let kind = p.kind;
        self.pending_dialog = None;
        if let (Some(path), Dialog::Path { kind: k, path: field, .. }) = (result, &mut self.dialog)
            && *k == kind
        {
            *field = path.display().to_string();
            self.confirm_path();
        }
    }

    /// Remembers the zoom (also changed with Ctrl+加号/减号) for the next start.
    fn remember_zoom(&mut self, ctx: &egui::Context) {
        let z = ctx.zoom_factor();
        if (self.settings.zoom.unwrap_or(1.0) - z).abs() > 0.001 {
            self.settings.zoom = Some(z);
            if let Some(p) = &self.config.settings_path
                && let Err(e) = store::settings::save(p, &self.settings)
            {
                self.error(e);
            }
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match &self.doc {
            Some(d) => {
                format!("{}{} — {} {}年度", d.file_name(), if d.dirty { " *" } else { "" }, APP_NAME, d.report.year)
            }
            None => APP_NAME.to_string(),
        };
        if title != self.title_sent {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_sent = title;
        }
    }

    /// The title the window shows (for tests).
    pub fn title(&self) -> &str {
        &self.title_sent
    }

    fn shortcuts(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if !matches!(self.dialog, Dialog::None) {
            return;
        }
        let pressed = |ui: &mut Ui, s: &KeyboardShortcut| ui.input_mut(|i| i.consume_shortcut(s));
        if pressed(ui, &SAVE_AS) {
            if self.doc.is_some() {
                self.ask_path(DialogKind::SaveDraft, None, &ctx);
            }
        } else if pressed(ui, &SAVE) {
            if self.doc.is_some() {
                self.save(&ctx);
            }
        } else if pressed(ui, &NEW) {
            self.request(Then::NewReport, &ctx);
        } else if pressed(ui, &OPEN) {
            self.request(Then::OpenDialog, &ctx);
        } else if pressed(ui, &REDO_ALT) || pressed(ui, &REDO) {
            self.redo();
        } else if pressed(ui, &UNDO) {
            self.undo();
        } else if pressed(ui, &EXPORT_PDF) {
            self.start_export(super::export::Purpose::Save, &ctx);
        } else if pressed(ui, &PRINT) {
            self.start_export(super::export::Purpose::Print, &ctx);
        } else if pressed(ui, &NEXT_PAGE) {
            self.turn_page(1);
        } else if pressed(ui, &PREV_PAGE) {
            self.turn_page(-1);
        } else if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F1)) {
            self.dialog = Dialog::Shortcuts;
        }
    }

    pub fn undo(&mut self) {
        let Some(doc) = self.doc.as_mut() else { return };
        match doc.undo() {
            Some(field) => self.show_field(&field, "已撤销"),
            None => self.info("没有可以撤销的操作"),
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
            self.page = page_of_cell(doc, ix);
            self.grid.scroll_to = Some(ix);
            self.info(format!("{what}：{}", doc.form.cell_path(ix)));
            return;
        }
        if let Field::SignedOn = field {
            self.date_text =
                self.doc.as_ref().and_then(|d| d.report.signed_on).map(|d| d.to_string()).unwrap_or_default();
        }
        self.info(what.to_string());
    }

    pub fn pages(&self) -> Vec<Page> {
        let Some(doc) = &self.doc else { return Vec::new() };
        let mut pages = vec![Page::Unit];
        pages.extend((0..doc.form.template.sections.len()).map(Page::Section));
        if !doc.report.annexes.is_empty() {
            pages.push(Page::Annex);
        }
        pages
    }

    fn turn_page(&mut self, delta: i32) {
        let pages = self.pages();
        if let Some(i) = pages.iter().position(|p| *p == self.page) {
            let j = (i as i32 + delta).clamp(0, pages.len() as i32 - 1) as usize;
            self.go_to_page(pages[j]);
        }
    }

    pub fn go_to_page(&mut self, page: Page) {
        if self.page != page {
            self.page = page;
            self.scroll_top = true;
            self.grid.focused = None;
            self.focus_first = true;
        }
    }

    /// Shows a finding: its page, and its first cell focused (or its text editor).
    pub fn jump_to(&mut self, finding_ix: usize) {
        let Some(doc) = &self.doc else { return };
        let Some(f) = doc.findings.get(finding_ix) else { return };
        if let Some(&ix) = f.cells.first().and_then(|id| doc.form.index.get(id)) {
            self.page = page_of_cell(doc, ix);
            if doc.form.cells[ix].is_input() {
                table::focus_cell(&mut self.grid, ix);
            } else {
                self.grid.scroll_to = Some(ix);
            }
            return;
        }
        let target = f.key.split_once('@').map(|(_, k)| k.to_string()).unwrap_or_default();
        if let Some(page) = page_of_section(doc, &target) {
            self.page = page;
            self.focus_editor = Some(pages::section_editor_id(&target));
        } else if let Some(t) = f.table.as_ref().and_then(|t| doc.form.tables.iter().position(|x| &x.def.id == t)) {
            self.page = page_of_table(doc, t);
            self.scroll_top = true;
        } else {
            self.page = Page::Unit;
            self.scroll_top = true;
        }
    }

    // -----------------------------------------------------------------------------------------
    // Panels
    // -----------------------------------------------------------------------------------------

    fn menu_ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let has_doc = self.doc.is_some();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("文件", |ui| {
                if ui.add(egui::Button::new("新建报告…").shortcut_text("Ctrl+N")).clicked() {
                    ui.close();
                    self.request(Then::NewReport, &ctx);
                }
                if ui.button("以上年报告为模板新建…").clicked() {
                    ui.close();
                    self.request(Then::LastYearDialog, &ctx);
                }
                if ui.add(egui::Button::new("打开草稿…").shortcut_text("Ctrl+O")).clicked() {
                    ui.close();
                    self.request(Then::OpenDialog, &ctx);
                }
                ui.menu_button("最近打开", |ui| {
                    if self.settings.recent.is_empty() {
                        ui.label("（无）");
                    }
                    for p in self.settings.recent.clone() {
                        if ui.button(p.display().to_string()).clicked() {
                            ui.close();
                            self.request(Then::Open(p), &ctx);
                        }
                    }
                });
                ui.separator();
                if ui.add_enabled(has_doc, egui::Button::new("保存").shortcut_text("Ctrl+S")).clicked() {
                    ui.close();
                    self.save(&ctx);
                }
                if ui.add_enabled(has_doc, egui::Button::new("另存为…").shortcut_text("Ctrl+Shift+S")).clicked() {
                    ui.close();
                    self.ask_path(DialogKind::SaveDraft, None, &ctx);
                }
                ui.separator();
                if ui.add_enabled(has_doc, egui::Button::new("导出PDF…").shortcut_text("Ctrl+E")).clicked() {
                    ui.close();
                    self.start_export(super::export::Purpose::Save, &ctx);
                }
                if ui.add_enabled(has_doc, egui::Button::new("打印…").shortcut_text("Ctrl+P")).clicked() {
                    ui.close();
                    self.start_export(super::export::Purpose::Print, &ctx);
                }
                if ui.button("PDF字体…").clicked() {
                    ui.close();
                    self.dialog = Dialog::Fonts;
                }
                ui.separator();
                if ui.button("导入CSV…").clicked() {
                    ui.close();
                    self.ask_path(DialogKind::ImportCsv, None, &ctx);
                }
                if ui.add_enabled(has_doc, egui::Button::new("导出CSV…")).clicked() {
                    ui.close();
                    self.ask_path(DialogKind::ExportCsv, None, &ctx);
                }
                ui.separator();
                if ui.button("退出").clicked() {
                    ui.close();
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("编辑", |ui| {
                let (can_undo, can_redo) =
                    self.doc.as_ref().map(|d| (d.can_undo(), d.can_redo())).unwrap_or((false, false));
                if ui.add_enabled(can_undo, egui::Button::new("撤销").shortcut_text("Ctrl+Z")).clicked() {
                    ui.close();
                    self.undo();
                }
                if ui.add_enabled(can_redo, egui::Button::new("重做").shortcut_text("Ctrl+Y")).clicked() {
                    ui.close();
                    self.redo();
                }
            });
            ui.menu_button("视图", |ui| {
                ui.add_enabled_ui(has_doc, |ui| {
                    ui.checkbox(&mut self.grid.show_prev, "在单元格中显示上年数");
                });
                ui.separator();
                for (label, z) in [("100%", 1.0), ("125%", 1.25), ("150%", 1.5), ("175%", 1.75), ("200%", 2.0)] {
                    if ui.radio((ctx.zoom_factor() - z).abs() < 0.01, format!("缩放 {label}")).clicked() {
                        ctx.set_zoom_factor(z);
                    }
                }
            });
            ui.menu_button("帮助", |ui| {
                if ui.add(egui::Button::new("快捷键").shortcut_text("F1")).clicked() {
                    ui.close();
                    self.dialog = Dialog::Shortcuts;
                }
            });
        });
    }

    fn status_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            if let Some(doc) = &self.doc {
                let (e, w, i) = crate::model::rules::counts(&doc.findings);
                ui.label(format!("错误 {e} · 警告 {w} · 提示 {i}"));
                ui.separator();
                ui.label(if doc.dirty { "有未保存的修改" } else { "已保存" });
                ui.separator();
            }
            if let Some(n) = &self.notice {
                let color =
                    if n.error { table::severity_color(crate::model::Severity::E) } else { ui.visuals().text_color() };
                ui.label(RichText::new(&n.text).color(color));
            }
        });
    }

    fn pages_nav_ui(&mut self, ui: &mut Ui) {
        let Some(doc) = &self.doc else { return };
        ui.add_space(4.0);
        ui.label(RichText::new(doc.report.title()).strong());
        ui.label(format!("{}年度 · {}", doc.report.year, doc.form.template.name));
        ui.separator();
        let mut go = None;
        for page in self.pages() {
            let (e, w) = page_counts(doc, page);
            let mut text = page_title(doc, page);
            if e + w > 0 {
                text.push_str(&format!(
                    "  （{}）",
                    [(e, "错误"), (w, "警告")]
                        .iter()
                        .filter(|(n, _)| *n > 0)
                        .map(|(n, l)| format!("{l}{n}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
            }
            let color = if e > 0 {
                table::severity_color(crate::model::Severity::E)
            } else if w > 0 {
                table::severity_color(crate::model::Severity::W)
            } else {
                ui.visuals().text_color()
            };
            if ui.selectable_label(self.page == page, RichText::new(text).color(color)).clicked() {
                go = Some(page);
            }
        }
        if let Some(p) = go {
            self.go_to_page(p);
        }
    }

    fn dialog_ui(&mut self, ctx: &egui::Context) {
        // Each arm puts the dialog back while it stays open.
        match std::mem::take(&mut self.dialog) {
            Dialog::None => {}
            Dialog::Path { kind, mut path, error, then } => {
                let mut go = false;
                let mut cancel = false;
                let waiting = self.pending_dialog.is_some();
                let m = egui::Modal::new(egui::Id::unique("path-dialog")).show(ctx, |ui| {
                    ui.set_width(560.0);
                    ui.heading(kind.title());
                    ui.label("文件路径：");
                    let resp = ui
                        .add(egui::TextEdit::singleline(&mut path).desired_width(f32::INFINITY))
                        .accessible_name("文件路径");
                    if std::mem::take(&mut self.focus_dialog) {
                        resp.request_focus();
                    }
                    if resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                        go = true;
                    }
                    if waiting {
                        ui.label(RichText::new("已打开系统文件对话框；也可以直接在上面输入路径。").small());
                    }
                    if let Some(e) = &error {
                        ui.colored_label(table::severity_color(crate::model::Severity::E), e);
                    }
                    ui.horizontal(|ui| {
                        let verb = if kind.saves() { "保存" } else { "打开" };
                        if ui.button(verb).clicked() {
                            go = true;
                        }
                        if self.config.system_dialogs && !waiting && ui.button("浏览…").clicked() {
                            let start = Some(PathBuf::from(&path)).filter(|p| !p.as_os_str().is_empty());
                            self.pending_dialog = Some(files::spawn(kind, ctx, start));
                        }
                        if ui.button("取消").clicked() {
                            cancel = true;
                        }
                    });
                });
                self.dialog = Dialog::Path { kind, path, error, then };
                if go {
                    self.confirm_path();
                } else if cancel || m.should_close() {
                    self.pending_dialog = None;
                    self.dialog = Dialog::None;
                }
            }
            Dialog::Unsaved(then) => {
                let mut answer = None;
                let m = egui::Modal::new(egui::Id::unique("unsaved")).show(ctx, |ui| {
                    ui.heading("有未保存的修改");
                    let name = self.doc.as_ref().map(|d| d.file_name()).unwrap_or_default();
                    ui.label(format!("“{name}”有未保存的修改。要先保存吗？"));
                    answer = choice_buttons(ui, &["保存", "不保存", "取消"]);
                });
                match answer {
                    Some(0) => match self.doc.as_ref().and_then(|d| d.path.clone()) {
                        Some(p) => {
                            if self.save_to(&p) {
                                self.perform(then, ctx);
                            }
                        }
                        None => self.ask_path(DialogKind::SaveDraft, Some(then), ctx),
                    },
                    Some(1) => {
                        if let Some(d) = self.doc.as_mut() {
                            d.dirty = false;
                            let key = d.recovery_key.clone();
                            self.drop_recovery(&key);
                        }
                        self.perform(then, ctx);
                    }
                    Some(_) => {}
                    None if m.should_close() => {}
                    None => self.dialog = Dialog::Unsaved(then),
                }
            }
            Dialog::New { mut year, mut unit, mut error } => {
                let mut create = false;
                let mut cancel = false;
                let m = egui::Modal::new(egui::Id::unique("new-report")).show(ctx, |ui| {
                    ui.set_width(460.0);
                    ui.heading("新建报告");
                    egui::Grid::new("new-grid").num_columns(2).show(ui, |ui| {
                        ui.label("报告年度");
                        let resp = ui
                            .add(egui::TextEdit::singleline(&mut year).desired_width(80.0))
                            .accessible_name("报告年度");
                        if std::mem::take(&mut self.focus_dialog) {
                            resp.request_focus();
                        }
                        ui.end_row();
                        ui.label("机关全称");
                        let resp = ui
                            .add(egui::TextEdit::singleline(&mut unit).desired_width(300.0))
                            .accessible_name("机关全称");
                        if resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                            create = true;
                        }
                        ui.end_row();
                    });
                    if let Ok(y) = year.trim().parse::<i32>() {
                        let f = Template::format_for_year(y);
                        let name = Template::builtin(f).map(|t| t.name).unwrap_or_default();
                        ui.label(RichText::new(format!("格式：{name}")).small());
                    }
                    if let Some(e) = &error {
                        ui.colored_label(table::severity_color(crate::model::Severity::E), e);
                    }
                    ui.horizontal(|ui| {
                        if ui.button("创建").clicked() {
                            create = true;
                        }
                        if ui.button("取消").clicked() {
                            cancel = true;
                        }
                    });
                });
                let mut done = cancel || m.should_close();
                if create {
                    match self.create_new(&year, &unit) {
                        Ok(()) => done = true,
                        Err(e) => error = Some(e),
                    }
                }
                if !done {
                    self.dialog = Dialog::New { year, unit, error };
                }
            }
            Dialog::Error(msg) => {
                let m = egui::Modal::new(egui::Id::unique("error")).show(ctx, |ui| {
                    ui.set_max_width(520.0);
                    ui.heading("出错了");
                    ui.label(&msg);
                    ui.button("知道了").clicked()
                });
                if !(m.inner || m.should_close()) {
                    self.dialog = Dialog::Error(msg);
                }
            }
            Dialog::ExportChoice { purpose, errors } => {
                self.dialog = Dialog::ExportChoice { purpose, errors };
                super::export::export_choice_ui(ctx, self, purpose, errors);
            }
            Dialog::Fonts => {
                self.dialog = Dialog::Fonts;
                super::export::fonts_ui(ctx, self);
            }
            Dialog::ConfirmSave { path, reason, then } => {
                let mut answer = None;
                let m = egui::Modal::new(egui::Id::unique("confirm-save")).show(ctx, |ui| {
                    ui.set_max_width(520.0);
                    ui.heading("确认覆盖");
                    ui.label(&reason);
                    answer = choice_buttons(ui, &["覆盖保存", "取消"]).map(|i| i == 0);
                });
                match answer {
                    Some(true) => {
                        if self.save_to(&path)
                            && let Some(t) = then
                        {
                            self.perform(t, ctx);
                        }
                    }
                    Some(false) => {}
                    None if m.should_close() => {}
                    None => self.dialog = Dialog::ConfirmSave { path, reason, then },
                }
            }
            Dialog::Recover(offer) => self.recover_ui(ctx, *offer),
            Dialog::Shortcuts => {
                let m = egui::Modal::new(egui::Id::unique("shortcuts")).show(ctx, |ui| {
                    ui.heading("快捷键");
                    egui::Grid::new("keys").num_columns(2).striped(true).show(ui, |ui| {
                        for (k, what) in SHORTCUTS {
                            ui.label(RichText::new(*k).strong());
                            ui.label(*what);
                            ui.end_row();
                        }
                    });
                    ui.button("关闭").clicked()
                });
                if !(m.inner || m.should_close()) {
                    self.dialog = Dialog::Shortcuts;
                }
            }
        }
    }

    fn recover_ui(&mut self, ctx: &egui::Context, offer: store::recovery::Offer) {
        use store::recovery::format_time;
        let mut answer = None;
        let m = egui::Modal::new(egui::Id::unique("recover")).show(ctx, |ui| {
            ui.set_max_width(560.0);
            ui.heading("发现未保存的内容");
            ui.label("上次使用时有未保存的修改（程序意外关闭或断电）。");
            match &offer.copy.original {
                Some(p) => ui.label(format!("草稿：{}", p.display())),
                None => ui.label("草稿：尚未保存过的新报告"),
            };
            ui.label(format!("恢复副本保存于：{}", format_time(offer.copy.saved_at)));
            match (offer.draft_saved_at, &offer.copy.original) {
                (Some(t), _) => ui.label(format!("草稿文件最后保存于：{}", format_time(t))),
                (None, Some(_)) => ui.label("草稿文件已不存在"),
                (None, None) => ui.label(""),
            };
            answer = choice_buttons(ui, &["恢复", "放弃此副本", "以后再说"]);
        });
        match answer {
            Some(0) => {
                match store::draft::from_ron_checked(&offer.copy.draft, Path::new("恢复副本"))
                    .map_err(|e| e.to_string())
                    .and_then(|l| Document::new(l.report, offer.copy.original.clone()).map_err(|e| e.to_string()))
                {
                    Ok(mut doc) => {
                        doc.dirty = true;
                        doc.recovery_key = offer.key.clone();
                        self.set_document(doc);
                        self.info("已恢复未保存的内容，请检查后保存。");
                    }
                    Err(e) => self.dialog = Dialog::Error(format!("恢复副本无法读取：{e}")),
                }
            }
            Some(1) => self.drop_recovery(&offer.key),
            Some(_) => {}
            None if m.should_close() => {}
            None => {
                self.dialog = Dialog::Recover(Box::new(offer));
                return;
            }
        }
        if matches!(self.dialog, Dialog::None) {
            self.next_recovery_offer();
        }
    }

    /// Acts on the path typed (or chosen) in the path dialog.
    fn confirm_path(&mut self) {
        let Dialog::Path { kind, path, then, .. } = std::mem::take(&mut self.dialog) else { return };
        let p = PathBuf::from(path.trim());
        let fail = |app: &mut NianbaoApp, msg: String| {
            app.dialog = Dialog::Path { kind, path: path.clone(), error: Some(msg), then: then.clone() };
        };
        if path.trim().is_empty() {
            return fail(self, "请填写文件路径".into());
        }
        match kind {
            DialogKind::OpenDraft => {
                if !p.is_file() {
                    return fail(self, format!("找不到文件“{}”", p.display()));
                }
                self.open_path(&p);
            }
            DialogKind::OpenLastYear => {
                if !p.is_file() {
                    return fail(self, format!("找不到文件“{}”", p.display()));
                }
                self.roll_over_from(&p);
            }
            DialogKind::SaveDraft => {
                let p = if p.extension().is_none() { p.with_extension("ron") } else { p.clone() };
                let same = self.doc.as_ref().and_then(|d| d.path.as_ref()).is_some_and(|d| d == &p);
                if p.exists() && !same {
                    if store::load(&p).is_err() {
                        return fail(
                            self,
                            format!(
                                "“{}”不是能读取的年报草稿；为免丢失其中内容，不会覆盖它。请换一个文件名。",
                                p.display()
                            ),
                        );
                    }
                    self.dialog = Dialog::ConfirmSave {
                        path: p.clone(),
                        reason: format!("“{}”已经存在。要覆盖吗？（原文件会留作.bak备份）", p.display()),
                        then,
                    };
                    return;
                }
                if !self.save_to(&p) {
                    let msg = self.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
                    return fail(self, msg);
                }
                if let Some(t) = then {
                    self.pending_then = Some(t);
                }
            }
            DialogKind::ExportCsv => {
                let Some(doc) = &self.doc else { return };
                let text = crate::store::csv::export(&doc.report, &doc.form);
                match crate::store::atomic::write_atomic(&p, text.as_bytes()) {
                    Ok(()) => self.info(format!("已导出CSV：{}", p.display())),
                    Err(e) => fail(self, format!("无法保存：{}", crate::store::atomic::describe_io(&e))),
                }
            }
            DialogKind::ImportCsv => {
                if !p.is_file() {
                    return fail(self, format!("找不到文件“{}”", p.display()));
                }
                self.import_csv(&p);
            }
            DialogKind::ExportPdf => {
                if let Err(msg) = self.export_pdf_to(&p) {
                    fail(self, msg);
                }
            }
            DialogKind::FontFile => {}
        }
    }
}

impl eframe::App for NianbaoApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.close_guard(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}

/// A row of buttons; which one was clicked.
pub(crate) fn choice_buttons(ui: &mut Ui, labels: &[&str]) -> Option<usize> {
    ui.horizontal(|ui| {
        let mut clicked = None;
        for (i, label) in labels.iter().enumerate() {
            if ui.button(*label).clicked() {
                clicked = Some(i);
            }
        }
        clicked
    })
    .inner
}

fn page_key(page: Page) -> usize {
    match page {
        Page::Unit => 0,
        Page::Section(i) => i + 1,
        Page::Annex => 100,
    }
}

pub fn page_title(doc: &Document, page: Page) -> String {
    match page {
        Page::Unit => "基本信息".into(),
        Page::Section(i) => doc.form.template.sections[i].heading.clone(),
        Page::Annex => "附件".into(),
    }
}

pub fn page_of_table(doc: &Document, table_ix: usize) -> Page {
    let id = &doc.form.tables[table_ix].def.id;
    doc.form.template.sections.iter().position(|s| s.tables.contains(id)).map(Page::Section).unwrap_or(Page::Annex)
}

pub fn page_of_cell(doc: &Document, ix: crate::model::template::CellIx) -> Page {
    page_of_table(doc, doc.form.cells[ix].table)
}

fn page_of_section(doc: &Document, key: &str) -> Option<Page> {
    doc.form
        .template
        .sections
        .iter()
        .position(|s| s.id == key || s.subsections.iter().any(|x| x.id == key))
        .map(Page::Section)
}

/// Errors and warnings on a page (for the page list).
fn page_counts(doc: &Document, page: Page) -> (usize, usize) {
    let mut e = 0;
    let mut w = 0;
    for f in &doc.findings {
        let on_page = match f.cells.first().and_then(|id| doc.form.index.get(id)) {
            Some(&ix) => page_of_cell(doc, ix) == page,
            None => {
                let target = f.key.split_once('@').map(|(_, k)| k).unwrap_or("");
                match page_of_section(doc, target) {
                    Some(p) => p == page,
                    None => match f.table.as_ref().and_then(|t| doc.form.tables.iter().position(|x| &x.def.id == t)) {
                        Some(t) => page_of_table(doc, t) == page,
                        None => page == Page::Unit,
                    },
                }
            }
        };
        if on_page && !f.is_explained() {
            match f.severity {
                crate::model::Severity::E => e += 1,
                crate::model::Severity::W => w += 1,
                crate::model::Severity::I => {}
            }
        }
    }
    (e, w)
}
