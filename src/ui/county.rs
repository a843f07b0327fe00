//! 汇总检查: the 政务公开办's view of a whole folder of reports — one row per unit with its
//! status (未报送, 无法读取, 有错误, 有警告, 通过), sortable and filterable, filled in as the files
//! are read on a worker thread (the window never waits), a click opening the unit's report, and
//! 导出汇总表 writing what the command line's `--summary` writes.
//!
//! The view lives beside the open report (a window of its own), so a unit's report can be opened,
//! corrected and saved while the list stays.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};

use egui::{Color32, RichText, Ui};

use super::action::Action;
use super::command::Command;
use crate::county::run::{CheckRequest, CountyCheck, CountyError, Progress};
use crate::county::summary::Summary;
use crate::county::{self, Entry, Outcome, Reconciliation, Roster, Status};
use crate::model::Date;

/// What the worker says.
enum Msg {
    Found(usize),
    Entry(Box<Entry>),
    Done(Box<Result<CountyCheck, CountyError>>),
}

struct Job {
    rx: Receiver<Msg>,
    cancel: Arc<AtomicBool>,
    total: Option<usize>,
}

/// The columns, for sorting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Unit,
    Status,
    Errors,
    Warnings,
    /// 与上年重复率.
    Repetition,
    /// A template indicator (公开率, 纠错率), by its place among the reports' indicators.
    Indicator(usize),
    /// Findings of rule packs.
    Packs,
    Kind,
    File,
}

impl Column {
    const FIRST: [(Column, &'static str); 5] = [
        (Column::Unit, "单位"),
        (Column::Status, "状态"),
        (Column::Errors, "错误"),
        (Column::Warnings, "警告"),
        (Column::Repetition, "与上年重复率"),
    ];
    const LAST: [(Column, &'static str); 3] =
        [(Column::Packs, "规则包问题"), (Column::Kind, "来源"), (Column::File, "文件")];
}

/// One row as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub unit: String,
    pub status: Status,
    pub errors: usize,
    pub warnings: usize,
    pub kind: String,
    /// The first error, the reason a file could not be read, or a note (重复, 名单外).
    pub detail: String,
    pub path: Option<PathBuf>,
    /// 与上年重复率, when last year's text was known.
    pub repetition: Option<county::Repetition>,
    pub indicators: Vec<county::Indicator>,
    pub pack_findings: usize,
}

/// The county the units' names share: their common beginning up to its last 县, 区, 市, 旗, 州 or
/// 盟 (某某县商务局 and 某某县教育局 → 某某县); `None` when they share none.
pub fn county_name(units: &[&str]) -> Option<String> {
    let first: Vec<char> = units.first()?.chars().collect();
    let mut common = first.len();
    for u in &units[1..] {
        common = common.min(u.chars().zip(&first).take_while(|(a, b)| a == *b).count());
    }
    let end = first[..common].iter().rposition(|c| "县区市旗州盟".contains(*c))?;
    (end >= 1).then(|| first[..=end].iter().collect())
}

/// The view's path fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathField {
    Folder,
    Roster,
    Previous,
}

#[derive(Default)]
pub struct CountyView {
    pub open: bool,
    /// The folder (or file) to check and the optional roster, as typed.
    pub folder: String,
    pub roster: String,
    /// A folder of last year's reports (optional): each unit's 与上年重复率 against its own.
    pub previous: String,
    /// 汇总单位: the unit a sum of the folder's reports is the report of.
    pub sum_unit: String,
    /// The user's rule packs (the app's).
    pub packs: Arc<crate::model::rulepack::RulePacks>,
    job: Option<Job>,
    entries: Vec<Entry>,
    reconciliation: Reconciliation,
    roster_loaded: Option<Roster>,
    /// What the last check read (the 汇总表 is never written over one of them).
    inputs: Vec<PathBuf>,
    /// The day of the last check (the 汇总表 says it).
    checked_on: Option<Date>,
    pub error: Option<String>,
    pub sort: Option<(Column, bool)>,
    /// Only rows of this status (none: all).
    pub filter: Option<Status>,
    /// Only units whose name contains this.
    pub search: String,
    browse: Option<(PathField, Receiver<Option<PathBuf>>)>,
    /// A unit's report was opened from the list: the view steps aside (a small box in the
    /// corner, naming the report) so the report can be read, and comes back with one click.
    pub aside: Option<String>,
}

impl CountyView {
    /// Whether files are still being read.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// (read, total) while running or after.
    pub fn progress(&self) -> (usize, Option<usize>) {
        (self.entries.len(), self.job.as_ref().and_then(|j| j.total).or(Some(self.entries.len())))
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Starts 汇总检查 of the folder on a worker thread (a running one is stopped first): the
    /// same `county::run::check` the command line's `check DIR` runs, with the same options.
    pub fn start(&mut self, ctx: &egui::Context) {
        self.stop();
        self.error = None;
        self.entries.clear();
        self.reconciliation = Reconciliation::default();
        self.roster_loaded = None;
        let field = |s: &str| (!s.trim().is_empty()).then(|| PathBuf::from(s.trim()));
        let req = CheckRequest {
            paths: field(&self.folder).into_iter().collect(),
            roster: field(&self.roster),
            previous_dir: field(&self.previous),
            import: Default::default(),
            packs: Arc::clone(&self.packs),
            today: crate::store::clock::today(),
            // One core is left to the window.
            threads: county::default_threads().saturating_sub(1).max(1),
            summary: None,
            confirmed: false,
        };
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&cancel);
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let result = county::run::check(&req, &stop, |p| {
                match p {
                    Progress::Found(n) => {
                        let _ = tx.send(Msg::Found(n));
                    }
                    Progress::Entry(e) => {
                        let _ = tx.send(Msg::Entry(Box::new(e.clone())));
                    }
                    // Shown in the rows' 与上年重复率 (none for a unit whose file was unreadable).
                    Progress::PreviousUnreadable(_) => {}
                }
                ctx.request_repaint();
            });
            let _ = tx.send(Msg::Done(Box::new(result)));
            ctx.request_repaint();
        });
        self.job = Some(Job { rx, cancel, total: None });
    }

    pub fn stop(&mut self) {
        if let Some(job) = self.job.take() {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Takes what the worker sent.
    fn poll(&mut self) {
        let Some(job) = self.job.as_mut() else { return };
        let mut done = None;
        while let Ok(msg) = job.rx.try_recv() {
            match msg {
                Msg::Found(n) => job.total = Some(n),
                Msg::Entry(e) => self.entries.push(*e),
                Msg::Done(result) => done = Some(*result),
            }
        }
        match done {
            // The check's own result replaces what was shown on the way.
            Some(Ok(result)) => {
                self.job = None;
                self.entries = result.entries;
                self.roster_loaded = result.roster;
                self.reconciliation = result.reconciliation;
                self.inputs = result.inputs;
                self.checked_on = Some(result.checked_on);
            }
            Some(Err(e)) => {
                self.job = None;
                self.error = Some(e.to_string());
            }
            None => self.reconciliation = county::reconcile(&self.entries, self.roster_loaded.as_ref()),
        }
    }

    /// The name 导出汇总表 proposes: `{县名或文件夹名}{年度}年政府信息公开工作年度报告汇总表.xlsx` —
    /// the county from what its units' names begin with (某某县商务局, 某某县教育局 → 某某县), else
    /// the folder's name; the year the reports are for (the most common one).
    pub fn summary_file_name(&self) -> String {
        let checked: Vec<&county::Checked> = self.entries.iter().filter_map(Entry::checked).collect();
        let units: Vec<&str> = checked.iter().map(|c| c.unit.trim()).filter(|u| !u.is_empty()).collect();
        let folder = PathBuf::from(self.folder.trim());
        let name = county_name(&units)
            .or_else(|| folder.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let mut years: Vec<(i32, usize)> = Vec::new();
        for c in &checked {
            match years.iter_mut().find(|(y, _)| *y == c.year) {
                Some((_, n)) => *n += 1,
                None => years.push((c.year, 1)),
            }
        }
        let year = years.iter().max_by_key(|(y, n)| (*n, *y)).map(|(y, _)| format!("{y}年")).unwrap_or_default();
        let name: String =
            name.chars().map(|c| if "\\/:*?\"<>|".contains(c) || c.is_control() { '_' } else { c }).collect();
        format!("{name}{year}政府信息公开工作年度报告汇总表.xlsx")
    }

    /// The summary of what was read (for 导出汇总表).
    pub fn summary(&self) -> Summary<'_> {
        Summary { entries: &self.entries, reconciliation: &self.reconciliation, checked_on: self.checked_on }
    }

    /// 汇总为一份报告: the folder's reports added up for the 汇总单位 (what `nianbao sum` does,
    /// through the same function).
    pub fn sum(&self, path: &std::path::Path, confirmed: bool) -> Result<county::sum::Summed, CountyError> {
        county::run::sum(&county::run::SumRequest {
            paths: (!self.folder.trim().is_empty()).then(|| PathBuf::from(self.folder.trim())).into_iter().collect(),
            unit: self.sum_unit.clone(),
            import: Default::default(),
            year: None,
            output: path.to_path_buf(),
            confirmed,
        })
    }

    /// 导出汇总表: what `check DIR --summary` writes, through the same function.
    pub fn write_summary(&self, path: &std::path::Path, confirmed: bool) -> Result<(), CountyError> {
        county::run::write_summary(&self.summary(), &self.inputs, path, confirmed)
    }

    /// Every row, missing units first, sorted and filtered as chosen.
    pub fn rows(&self) -> Vec<Row> {
        let rec = &self.reconciliation;
        let mut rows: Vec<Row> = rec
            .missing
            .iter()
            .filter(|_| !self.running())
            .map(|u| Row {
                unit: u.clone(),
                status: Status::Missing,
                errors: 0,
                warnings: 0,
                kind: String::new(),
                detail: "未找到该单位的报告".into(),
                path: None,
                repetition: None,
                indicators: Vec::new(),
                pack_findings: 0,
            })
            .collect();
        for e in &self.entries {
            let mut notes = Vec::new();
            if rec.not_on_list.iter().any(|(p, _)| p == &e.path) {
                notes.push("不在单位名单中".to_string());
            }
            if rec.duplicates.iter().any(|(_, _, files)| files.contains(&e.path)) {
                notes.push("重复报送".to_string());
            }
            let row = match &e.outcome {
                Outcome::Checked(c) => {
                    let mut detail = if c.blank {
                        "还没有填写任何数字和正文".to_string()
                    } else {
                        c.first_error().map(|f| f.message.clone()).unwrap_or_default()
                    };
                    if !notes.is_empty() {
                        detail = if detail.is_empty() {
                            notes.join("；")
                        } else {
                            format!("{}；{detail}", notes.join("；"))
                        };
                    }
                    Row {
                        unit: if c.unit.is_empty() { "（未填单位名称）".into() } else { c.unit.clone() },
                        status: c.status(),
                        errors: c.errors,
                        warnings: c.warnings,
                        kind: c.kind.to_string(),
                        detail,
                        path: Some(e.path.clone()),
                        repetition: c.repetition.clone(),
                        indicators: c.indicators.clone(),
                        pack_findings: c.pack_findings,
                    }
                }
                Outcome::Unreadable(reason) => Row {
                    unit: e.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    status: Status::Unreadable,
                    errors: 0,
                    warnings: 0,
                    kind: county::kind_label(&e.path).to_string(),
                    detail: reason.clone(),
                    path: Some(e.path.clone()),
                    repetition: None,
                    indicators: Vec::new(),
                    pack_findings: 0,
                },
            };
            rows.push(row);
        }
        let search = self.search.trim();
        rows.retain(|r| self.filter.is_none_or(|s| r.status == s) && (search.is_empty() || r.unit.contains(search)));
        let names = self.indicator_names();
        if let Some((col, descending)) = self.sort {
            let indicator = |r: &Row, i: usize| {
                names.get(i).and_then(|n| r.indicators.iter().find(|x| &x.name == n)).and_then(|x| x.basis_points)
            };
            rows.sort_by(|a, b| {
                let o = match col {
                    Column::Unit => a.unit.cmp(&b.unit),
                    Column::Status => a.status.cmp(&b.status),
                    Column::Errors => a.errors.cmp(&b.errors),
                    Column::Warnings => a.warnings.cmp(&b.warnings),
                    Column::Repetition => {
                        a.repetition.as_ref().map(|r| r.percent).cmp(&b.repetition.as_ref().map(|r| r.percent))
                    }
                    Column::Indicator(i) => indicator(a, i).cmp(&indicator(b, i)),
                    Column::Packs => a.pack_findings.cmp(&b.pack_findings),
                    Column::Kind => a.kind.cmp(&b.kind),
                    Column::File => a.path.cmp(&b.path),
                };
                if descending { o.reverse() } else { o }
            });
        }
        rows
    }

    /// The indicators' names (公开率, 纠错率 …) in the order the reports give them.
    pub fn indicator_names(&self) -> Vec<String> {
        self.summary().indicator_names()
    }

    /// Every column, in order, with its head.
    fn columns(&self) -> Vec<(Column, String)> {
        let mut v: Vec<(Column, String)> = Column::FIRST.iter().map(|(c, n)| (*c, n.to_string())).collect();
        v.extend(self.indicator_names().into_iter().enumerate().map(|(i, n)| (Column::Indicator(i), n)));
        v.extend(Column::LAST.iter().map(|(c, n)| (*c, n.to_string())));
        v
    }

    fn field(&mut self, f: PathField) -> &mut String {
        match f {
            PathField::Folder => &mut self.folder,
            PathField::Roster => &mut self.roster,
            PathField::Previous => &mut self.previous,
        }
    }

    fn browse(&mut self, ctx: &egui::Context, field: PathField) {
        let mut dialog = rfd::FileDialog::new();
        let start = self.field(field).clone();
        let start = PathBuf::from(start.trim());
        if start.is_dir() {
            dialog = dialog.set_directory(&start);
        } else if let Some(p) = start.parent().filter(|p| p.is_dir()) {
            dialog = dialog.set_directory(p);
        }
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let chosen = match field {
                PathField::Roster => {
                    dialog.set_title("选择单位名单（每行一个单位）").add_filter("文本文件", &["txt", "csv"]).pick_file()
                }
                PathField::Folder => dialog.set_title("选择存放各单位报告的文件夹").pick_folder(),
                PathField::Previous => dialog.set_title("选择存放各单位上年报告的文件夹").pick_folder(),
            };
            let _ = tx.send(chosen);
            ctx.request_repaint();
        });
        self.browse = Some((field, rx));
    }

    /// Draws the view (a window of its own); returns what the app should do.
    pub fn ui(&mut self, ctx: &egui::Context, system_dialogs: bool) -> Option<Action> {
        if !self.open {
            return None;
        }
        self.poll();
        if let Some((field, rx)) = &self.browse
            && let Ok(chosen) = rx.try_recv()
        {
            if let Some(p) = chosen {
                let field = *field;
                *self.field(field) = p.display().to_string();
            }
            self.browse = None;
        }
        let mut action = None;
        let mut open = self.open;
        let screen = ctx.content_rect();
        if let Some(unit) = self.aside.clone() {
            egui::Window::new("汇总检查 ")
                .id(egui::Id::unique("county-aside"))
                .open(&mut open)
                .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -40.0])
                .resizable(false)
                .collapsible(false)
                .show(ctx, |ui| {
                    ui.label(format!("正在查看：{unit}"));
                    let (done, _) = self.progress();
                    ui.label(RichText::new(format!("汇总检查共{done}个文件")).weak());
                    if ui.button("返回汇总检查列表").clicked() {
                        self.aside = None;
                    }
                });
            if !open {
                self.stop();
                self.open = false;
                self.aside = None;
            }
            return None;
        }
        egui::Window::new("汇总检查")
            .open(&mut open)
            .default_size([screen.width() * 0.8, screen.height() * 0.75])
            .max_size(screen.size() * 0.95)
            .resizable(true)
            .collapsible(false)
            .show(ctx, |ui| action = self.body(ui, ctx, system_dialogs));
        if !open {
            self.stop();
            self.open = false;
        }
        action
    }

    /// Long on purpose: the county window's form, progress and results in drawing order (egui's immediate mode).
    #[expect(clippy::too_many_lines, reason = "see the doc comment")]
    fn body(&mut self, ui: &mut Ui, ctx: &egui::Context, system_dialogs: bool) -> Option<Action> {
        let mut action = None;
        // Rows of their own, not a grid: a text field in a grid column is only as wide as the
        // column was the frame before (a 40-pixel field that never grows).
        let field_width = (ui.available_width() - 280.0).clamp(240.0, 620.0);
        for (label, field, hint) in [
            ("报告文件夹：", PathField::Folder, "含各单位草稿、CSV、网页、Word或PDF，可含子文件夹"),
            ("单位名单（可选）：", PathField::Roster, "文本文件，每行一个单位名称"),
            ("上年报告文件夹（可选）：", PathField::Previous, "各单位上年的报告，用于计算与上年重复率"),
        ] {
            ui.horizontal(|ui| {
                let l = ui
                    .allocate_ui_with_layout(
                        egui::vec2(150.0, 24.0),
                        egui::Layout::left_to_right(egui::Align::Center),
                        |ui| {
                            ui.set_min_width(150.0);
                            ui.label(label)
                        },
                    )
                    .inner;
                let text = self.field(field);
                ui.add_sized([field_width, 24.0], egui::TextEdit::singleline(text).hint_text(hint)).labelled_by(l.id);
                if system_dialogs && ui.button("浏览…").clicked() {
                    self.browse(ctx, field);
                }
            });
        }
        ui.horizontal(|ui| {
            if self.running() {
                if ui.button("停止").clicked() {
                    self.stop();
                }
            } else if ui.button("开始检查").clicked() {
                self.start(ctx);
            }
            let can_export = !self.running() && !self.entries.is_empty();
            if ui.add_enabled(can_export, egui::Button::new("导出汇总表…")).clicked() {
                action = Some(Action::Command(Command::ExportCountySummary));
            }
        });
        ui.horizontal(|ui| {
            let l = ui.label("汇总单位：");
            ui.add(
                egui::TextEdit::singleline(&mut self.sum_unit).hint_text("某某县人民政府办公室").desired_width(240.0),
            )
            .labelled_by(l.id);
            let can_sum = !self.running() && !self.entries.is_empty() && !self.sum_unit.trim().is_empty();
            if ui.add_enabled(can_sum, egui::Button::new("汇总为一份报告…")).clicked() {
                action = Some(Action::Command(Command::SumCounty));
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(Color32::from_rgb(180, 30, 30), e);
        }
        let (done, total) = self.progress();
        if let Some(total) = total.filter(|_| self.running()) {
            let frac = if total == 0 { 1.0 } else { done as f32 / total as f32 };
            ui.add(egui::ProgressBar::new(frac).text(format!("正在读取：{done} / {total}")));
        } else if !self.entries.is_empty() || !self.reconciliation.missing.is_empty() {
            ui.label(self.summary().totals().line());
        }
        ui.separator();
        ui.horizontal(|ui| {
            let label = |s: Option<Status>| s.map_or("全部", Status::label);
            egui::ComboBox::from_label("按状态显示").selected_text(label(self.filter)).show_ui(ui, |ui| {
                ui.selectable_value(&mut self.filter, None, "全部");
                for s in Status::ALL {
                    ui.selectable_value(&mut self.filter, Some(s), s.label());
                }
            });
            let label = ui.label("单位名称包含：");
            ui.add(egui::TextEdit::singleline(&mut self.search).desired_width(180.0)).labelled_by(label.id);
        });
        let rows = self.rows();
        let widths = [220.0, 64.0, 44.0, 44.0, 56.0];
        let columns = self.columns();
        let names = self.indicator_names();
        egui::ScrollArea::both().auto_shrink(false).show(ui, |ui| {
            let grid = egui::Grid::new("county-rows").striped(true).num_columns(columns.len() + 1);
            grid.spacing([10.0, 4.0]).show(ui, |ui| {
                for (col, name) in columns {
                    let arrow = match self.sort {
                        Some((c, true)) if c == col => " ▼",
                        Some((c, false)) if c == col => " ▲",
                        _ => "",
                    };
                    if ui.button(format!("{name}{arrow}")).on_hover_text("点击排序").clicked() {
                        self.sort = match self.sort {
                            Some((c, false)) if c == col => Some((col, true)),
                            Some((c, true)) if c == col => None,
                            _ => Some((col, false)),
                        };
                    }
                    if col == Column::Kind {
                        ui.label(RichText::new("首个错误或说明").strong());
                    }
                }
                ui.end_row();
                for row in &rows {
                    // Fixed, left-aligned columns (a grid column is otherwise as wide as its head).
                    let left = |ui: &mut Ui, w: f32, add: &mut dyn FnMut(&mut Ui)| {
                        ui.allocate_ui_with_layout(
                            egui::vec2(w, 18.0),
                            egui::Layout::left_to_right(egui::Align::Center),
                            |ui| {
                                ui.set_min_width(w);
                                add(ui)
                            },
                        );
                    };
                    match &row.path {
                        Some(p) if row.status != Status::Unreadable => left(ui, widths[0], &mut |ui| {
                            if ui.link(&row.unit).on_hover_text("打开这份报告").clicked() {
                                action = Some(Action::CommandWith(Command::OpenDraft, p.clone()));
                                self.aside = Some(row.unit.clone());
                            }
                        }),
                        _ => left(ui, widths[0], &mut |ui| {
                            ui.label(&row.unit);
                        }),
                    }
                    let color = match row.status {
                        Status::Missing | Status::Unreadable | Status::Blank | Status::Errors => {
                            Color32::from_rgb(180, 30, 30)
                        }
                        Status::Warnings => Color32::from_rgb(160, 100, 0),
                        Status::Clean => Color32::from_rgb(30, 120, 50),
                    };
                    ui.colored_label(color, row.status.label());
                    ui.label(if row.status <= Status::Unreadable { String::new() } else { row.errors.to_string() });
                    ui.label(if row.status <= Status::Unreadable { String::new() } else { row.warnings.to_string() });
                    // What the 政务公开办 compares, red over its threshold.
                    let over = Color32::from_rgb(180, 30, 30);
                    match &row.repetition {
                        Some(r) if r.over => {
                            ui.colored_label(over, format!("{}%", r.percent)).on_hover_text(format!(
                                "超过{}%；对照{}年度：{}",
                                r.threshold, r.year, r.compared_with
                            ));
                        }
                        Some(r) => {
                            ui.label(format!("{}%", r.percent))
                                .on_hover_text(format!("对照{}年度：{}", r.year, r.compared_with));
                        }
                        None => {
                            ui.label("");
                        }
                    }
                    for name in &names {
                        match row.indicators.iter().find(|i| &i.name == name) {
                            Some(i) if i.flagged => {
                                ui.colored_label(over, &i.label).on_hover_text(i.limit.clone().unwrap_or_default());
                            }
                            Some(i) => {
                                ui.label(&i.label);
                            }
                            None => {
                                ui.label("");
                            }
                        }
                    }
                    if row.pack_findings > 0 {
                        ui.colored_label(Color32::from_rgb(160, 100, 0), row.pack_findings.to_string());
                    } else {
                        ui.label(if row.status <= Status::Unreadable { "" } else { "0" });
                    }
                    ui.label(&row.kind);
                    left(ui, 360.0, &mut |ui| {
                        ui.add(egui::Label::new(&row.detail).truncate()).on_hover_text(&row.detail);
                    });
                    ui.label(row.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default());
                    ui.end_row();
                }
            });
        });
        action
    }
}
