//! One frame of the window: menus, panels, the page, dialogs, the status line.

use super::*;

impl NianbaoApp {
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
    ///
    /// Long on purpose: one frame of the whole window in drawing order (menus, panels, page, dialogs); egui's immediate mode ties the order to the layout.
    #[expect(clippy::too_many_lines, reason = "see the doc comment")]
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
            let chosen = crate::ui::menu_bar::menu_bar_ui(ui, &state, keys, |ui, menu| recent_menu(ui, menu, &recent));
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
            None => actions.extend(crate::ui::start::start_ui(ui, &recent)),
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
    pub(super) fn dropped_file(&mut self, ctx: &egui::Context) -> Option<Action> {
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
    pub(super) fn remember_panels(&mut self, ctx: &egui::Context, pages: f32, findings: f32) {
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
    pub(super) fn remember_zoom(&mut self, ctx: &egui::Context) {
        let z = ctx.zoom_factor();
        if (self.settings.zoom.unwrap_or(1.0) - z).abs() > 0.001 {
            self.settings.zoom = Some(z);
            self.save_settings();
        }
    }

    pub(super) fn update_title(&mut self, ctx: &egui::Context) {
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
    pub(super) fn status_ui(&mut self, ui: &mut Ui) -> Option<Action> {
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
