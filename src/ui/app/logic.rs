//! Recovery copies (autosave, restore, the crash hook's copy) and editing across pages (undo,
//! redo, punctuation, jumping to a field).

use super::*;

impl NianbaoApp {
    // -----------------------------------------------------------------------------------------
    // Recovery copies
    // -----------------------------------------------------------------------------------------

    pub(super) fn next_recovery_offer(&mut self) {
        let Some(r) = self.recovery.as_mut() else { return };
        if r.offers.is_empty() {
            return;
        }
        let offer = r.offers.remove(0);
        self.dialog = Some(Box::new(RecoverDialog::new(offer)));
    }

    pub(super) fn restore(&mut self, offer: store::recovery::Offer) {
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
    pub(super) fn hand_to_crash_hook(&mut self) {
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

    pub(super) fn drop_recovery(&self, key: &str) {
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
    pub(super) fn show_field(&mut self, field: &crate::ui::doc::Field, what: &str) {
        use crate::ui::doc::Field;
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

    pub(super) fn turn_page(&mut self, delta: i32) {
        let Some(doc) = &self.doc else { return };
        let pages = pages::pages(doc);
        if let Some(i) = pages.iter().position(|p| *p == self.view.page) {
            let j = (i as i32 + delta).clamp(0, pages.len() as i32 - 1) as usize;
            self.view.go_to(pages[j], &mut self.grid);
        }
    }
}
