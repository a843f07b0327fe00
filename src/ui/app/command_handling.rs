//! Every `Action` and every `Command` of the window: `perform`, asking for a command's file,
//! one arm per command (`run_command`).

use super::*;

impl NianbaoApp {
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
    pub(super) fn invoke(&mut self, inv: Invocation, ctx: &egui::Context) {
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
    pub(super) fn proceed(&mut self, inv: Invocation, ctx: &egui::Context) {
        match (inv.command.spec().file, inv.path) {
            (Some(prompt), None) => self.prompt(inv.command, prompt, ctx),
            (_, path) => self.run_command(inv.command, path, ctx),
        }
    }

    /// Asks for the file of `command`.
    pub(super) fn prompt(&mut self, command: Command, prompt: FilePrompt, ctx: &egui::Context) {
        let start = self.suggested_path(prompt);
        self.dialog = Some(Box::new(PathDialog::open(ctx, prompt, command, start, self.config.system_dialogs)));
    }

    /// Every command, once its file (if any) is known. One arm per command.
    pub(super) fn run_command(&mut self, command: Command, path: Option<PathBuf>, ctx: &egui::Context) {
        match (command, path) {
            (Command::NewReport, _) => self.dialog = Some(Box::new(NewReportDialog::new(crate::store::clock::today()))),
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
            (Command::SumCounty, Some(p)) => self.export_now(command, &files::SUM_COUNTY.complete(p), false),
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
            (Command::Guide, _) => self.dialog = Some(Box::new(crate::ui::dialogs::GuideDialog)),
            (Command::About, _) => self.dialog = Some(Box::new(crate::ui::dialogs::AboutDialog::default())),
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
                | Command::ExportCountySummary
                | Command::SumCounty,
                None,
            ) => {}
        }
    }
}
