//! The window's file work — open, import, save, save as, export each format, print — through
//! the workflow layer, with the questions the window asks (replace? which file?).

use super::*;

impl NianbaoApp {
    // -----------------------------------------------------------------------------------------
    // Files
    // -----------------------------------------------------------------------------------------

    /// Where a file prompt starts: the report's folder (or the last one used) and a name made
    /// from the report.
    pub(super) fn suggested_path(&self, prompt: FilePrompt) -> Option<PathBuf> {
        let doc = self.doc.as_ref();
        // The 汇总表 is the county's, not the open report's: named after the county and its year,
        // in the folder that was checked.
        if prompt == files::EXPORT_SUMMARY {
            let folder = PathBuf::from(self.county.folder.trim());
            let dir = Some(folder)
                .filter(|d| d.is_dir())
                .or_else(|| self.settings.export_dirs.get(prompt.title).filter(|d| d.is_dir()).cloned())
                .or_else(crate::ui::dialogs::path::documents_dir);
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
            .or_else(crate::ui::dialogs::path::documents_dir);
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
        let (loaded, hash) = match workflow::open_for_editing(path) {
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
    pub(super) fn adopt(&mut self, report: crate::model::Report, dirty: bool) -> bool {
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
    pub(super) fn import_report(&mut self, path: &Path) {
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
    pub(super) fn compare_previous(&mut self, path: &Path) {
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
    pub(super) fn import_csv(&mut self, path: &Path) {
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
    pub(super) fn export_checked(&mut self, command: Command, path: PathBuf) {
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
                let what = crate::ui::dialogs::path::describe_existing(&path);
                let reason = format!("“{}”已经存在，是{what}。要用导出的文件替换它吗？", path.display());
                let answers = vec![("替换", Action::ExportConfirmed { command, path }), ("取消", Action::CloseDialog)];
                self.dialog = Some(Box::new(ChoiceDialog::new("confirm-export", "确认替换", vec![reason], answers)));
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    pub(super) fn export_now(&mut self, command: Command, path: &Path, confirmed: bool) {
        match command {
            Command::ExportPdf => self.export_pdf(path, confirmed),
            Command::ExportCsv => self.export_csv_to(path, confirmed),
            Command::ExportDocx => self.export_document_to(crate::export::Format::Docx, path, confirmed),
            Command::ExportHtml => self.export_document_to(crate::export::Format::Html, path, confirmed),
            Command::ExportXlsx => self.export_document_to(crate::export::Format::Xlsx, path, confirmed),
            Command::ExportReview => self.export_review_to(path, confirmed),
            Command::SumCounty => self.sum_county(path, confirmed),
            Command::ExportCountySummary => match self.county.write_summary(path, confirmed) {
                Ok(()) => self.info(format!("已导出汇总表：{}", path.display())),
                Err(e) => self.fail(e.to_string()),
            },
            _ => {}
        }
        return_freed_memory();
    }

    /// 汇总为一份报告: the county view's folder added up into one draft for its 汇总单位, by the
    /// same `county::run::sum` as `nianbao sum`; an existing file is replaced only when confirmed.
    fn sum_county(&mut self, path: &Path, confirmed: bool) {
        match self.county.sum(path, confirmed) {
            Ok(summed) => self.info(format!(
                "已把{}个单位的{}年度报告汇总为“{}”：{}",
                summed.units.len(),
                summed.report.year,
                summed.report.unit.name,
                path.display()
            )),
            Err(crate::county::run::CountyError::Workflow(e)) if e.can_confirm() => {
                let what = crate::ui::dialogs::path::describe_existing(path);
                let reason = format!("“{}”已经存在，是{what}。要用汇总的报告替换它吗？", path.display());
                let command = Command::SumCounty;
                let answers = vec![
                    ("替换", Action::ExportConfirmed { command, path: path.to_path_buf() }),
                    ("取消", Action::CloseDialog),
                ];
                self.dialog = Some(Box::new(ChoiceDialog::new("confirm-export", "确认替换", vec![reason], answers)));
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// Writes the report as a Word document, web page or spreadsheet (marked 草稿 while errors
    /// remain, as the PDF is).
    pub(super) fn export_document_to(&mut self, format: crate::export::Format, path: &Path, confirmed: bool) {
        let Some(doc) = &self.doc else { return };
        let inputs: Vec<&Path> = doc.path.as_deref().into_iter().collect();
        let opts = crate::export::ExportOptions {
            final_export: false,
            context: crate::model::Context { today: Some(crate::store::clock::today()), ..Default::default() },
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
    pub(super) fn export_review_to(&mut self, path: &Path, confirmed: bool) {
        use crate::export::review::{ReviewFormat, ReviewList};
        let Some(doc) = &self.doc else { return };
        let inputs: Vec<&Path> = doc.path.as_deref().into_iter().collect();
        let Some(kind) = ReviewFormat::from_path(path) else {
            return self.fail(format!("“{}”：审核清单的文件名应以 .xlsx、.html 或 .pdf 结尾", path.display()));
        };
        // The findings the window shows, not a second check: the list says what the staffer saw.
        let list = ReviewList::new(&doc.report, &doc.form, &doc.findings, Some(crate::store::clock::today()));
        let written = workflow::render_review(kind, &list, &self.settings.pdf_fonts)
            .and_then(|bytes| workflow::write_export(path, &inputs, &bytes, confirmed));
        match written {
            Ok(()) => self.info(format!("已导出审核清单（{}）：{}", list.summary(), path.display())),
            Err(e) => self.fail(e.to_string()),
        }
    }

    pub(super) fn export_csv_to(&mut self, path: &Path, confirmed: bool) {
        let Some(doc) = &self.doc else { return };
        let inputs: Vec<&Path> = doc.path.as_deref().into_iter().collect();
        match workflow::export_csv(path, &inputs, &doc.report, &doc.form, confirmed) {
            Ok(()) => self.info(format!("已导出CSV：{}", path.display())),
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// 复制为网页: the whole report, or the tables of the page shown, as HTML and plain text.
    pub(super) fn copy_html(&mut self, tables_only: bool) {
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
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// Saves the draft to `path`. Asks first before replacing a file someone else changed or
    /// another file; never replaces a file that is not a readable draft.
    pub(super) fn save(&mut self, path: &Path, confirmed: bool, ctx: &egui::Context) {
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
            let what = crate::ui::dialogs::path::describe_existing(&path);
            let reason = format!(
                "“{name}”在打开之后被其他程序或同事修改过（现在是{what}）。覆盖保存会替换那些修改（被替换的版本会留作.bak备份）。"
            );
            self.dialog = Some(Box::new(ChoiceDialog::overwrite(path, reason, self.after_save.take())));
            return;
        }
        let to = if own { workflow::SaveTo::Own(doc.disk_hash) } else { workflow::SaveTo::Other };
        match self.save_checked(&path, to, confirmed) {
            Ok(()) => {
                if let Some(then) = self.after_save.take() {
                    self.proceed(then, ctx);
                }
            }
            // Another file that is there: named by what it holds (last year's draft must not be
            // replaced unnoticed), replaced only when the user says so.
            Err(e) if e.can_confirm() => {
                let what = crate::ui::dialogs::path::describe_existing(&path);
                let reason = format!(
                    "“{}”已经存在，是{what}。要用当前报告（{}）覆盖它吗？（原文件会留作.bak备份）",
                    path.display(),
                    self.doc.as_ref().map(|d| report_name(&d.report)).unwrap_or_default()
                );
                self.dialog = Some(Box::new(ChoiceDialog::overwrite(path, reason, self.after_save.take())));
            }
            // Changed between the question and the save (or by a save at this very moment).
            Err(workflow::Error::Draft(store::DraftError::Conflict { .. })) => {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let reason = format!(
                    "“{name}”刚刚被其他程序或同事修改过。覆盖保存会替换那些修改（被替换的版本会留作.bak备份）。"
                );
                self.dialog = Some(Box::new(ChoiceDialog::overwrite(path, reason, self.after_save.take())));
            }
            // Never replaced, whatever the user says (not a readable draft, a folder …).
            Err(e @ workflow::Error::Output(_)) => {
                self.after_save = None;
                self.fail(e.to_string());
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
        let own = self.doc.as_ref().is_some_and(|d| d.path.as_deref() == Some(path.as_path()));
        let to = if own { workflow::SaveTo::Own(None) } else { workflow::SaveTo::Other };
        match self.save_checked(&path, to, true) {
            Ok(()) => true,
            Err(e) => {
                self.fail(format!("{e}。内容仍在窗口中，未丢失；请换一个位置保存。"));
                false
            }
        }
    }

    /// Saves through the workflow (the same guard as the command line's drafts); a draft saved
    /// under a new name is locked from then on, the old one released.
    pub(super) fn save_checked(
        &mut self,
        path: &Path,
        to: workflow::SaveTo,
        confirmed: bool,
    ) -> Result<(), workflow::Error> {
        let Some(doc) = self.doc.as_mut() else { return Ok(()) };
        let hash = workflow::save_draft(path, &doc.report, to, confirmed)?;
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

    pub(super) fn remember(&mut self, path: &Path) {
        self.settings.touch_recent(path);
        self.save_settings();
    }

    /// Writes the settings (recent files, fonts, zoom); a failure is shown, never fatal.
    pub fn save_settings(&mut self) {
        if let Some(p) = &self.config.settings_path
            && let Err(e) = store::settings::save(p, &self.settings)
        {
            self.error(e.to_string());
        }
    }

    // -----------------------------------------------------------------------------------------
    // PDF
    // -----------------------------------------------------------------------------------------

    /// 导出PDF / 打印: with errors left, ask first whether to mark it as a draft.
    pub(super) fn ask_final(&mut self, print: bool, ctx: &egui::Context) {
        let Some(doc) = &self.doc else { return };
        let errors = doc.error_count();
        let notes = export_notes(doc);
        if errors > 0 || !notes.is_empty() {
            self.dialog = Some(Box::new(ChoiceDialog::export_choice(print, errors, notes)));
        } else {
            self.perform(Action::ExportChosen { print, final_export: false }, ctx);
        }
    }

    pub(super) fn render_pdf(&mut self) -> Option<crate::pdf::PdfOutput> {
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

    pub(super) fn export_pdf(&mut self, path: &Path, confirmed: bool) {
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
    pub(super) fn print(&mut self, ctx: &egui::Context) {
        let Some(out) = self.render_pdf() else { return };
        let dir = files::print_dir();
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
    pub(super) fn open_with(&mut self, path: &Path, purpose: open::Purpose, ctx: &egui::Context) {
        if let Some(opener) = &self.config.open_with {
            self.openings.push(opener.open(path, purpose, ctx));
        }
    }

    /// The openings whose program has ended: a failure is said, with what to do instead.
    pub(super) fn opened(&mut self) {
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
                    let folder = path.parent().map(Path::to_path_buf).unwrap_or_else(files::print_dir);
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
}
