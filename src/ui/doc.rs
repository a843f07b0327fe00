//! The open document: the report, its compiled form, live values and findings, and undo/redo.
//! Free of egui so it can be tested directly.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::model::form::CellIx;
use crate::model::report::Values;
use crate::model::{Context, Date, Finding, Form, Report, Severity, TemplateError, evaluate};

/// Something the user can edit as text; the unit of undo.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field {
    Cell(String),
    Section(String),
    Unit(UnitField),
    /// The 落款 date as `2026-01-19`, or empty.
    SignedOn,
    /// The explanation of a finding, by its key.
    Explanation(String),
    /// A custom opening paragraph (empty = generated).
    Opening,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitField {
    Name,
    Signature,
    Phone,
    Address,
    Postcode,
    Website,
}

impl UnitField {
    pub const ALL: [UnitField; 6] = [
        UnitField::Name,
        UnitField::Signature,
        UnitField::Phone,
        UnitField::Address,
        UnitField::Postcode,
        UnitField::Website,
    ];

    pub fn label(self) -> &'static str {
        match self {
            UnitField::Name => "机关全称",
            UnitField::Signature => "落款名称",
            UnitField::Phone => "联系电话",
            UnitField::Address => "地址",
            UnitField::Postcode => "邮编",
            UnitField::Website => "网址",
        }
    }
}

#[derive(Debug, Clone)]
struct Change {
    field: Field,
    before: String,
    after: String,
}

/// Edits to one field within this time merge into one undo step (typing a number or a phrase).
const MERGE_WINDOW: Duration = Duration::from_millis(1500);

/// The worst finding on a cell, for tinting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub severity: Severity,
    pub explained: bool,
}

pub struct Document {
    pub report: Report,
    pub form: std::sync::Arc<Form>,
    pub values: Values,
    pub findings: Vec<Finding>,
    /// Per cell of the form: the worst finding on it.
    pub marks: Vec<Option<Mark>>,
    /// Per cell: indices into `findings`.
    pub cell_findings: Vec<Vec<usize>>,
    pub path: Option<PathBuf>,
    /// Fingerprint of the file as last read or written: a save checks the file is still this
    /// (someone else's save in between is noticed, not overwritten).
    pub disk_hash: Option<crate::store::ContentHash>,
    /// This window's lock on its draft file; another window opening it is told who has it.
    pub lock: Option<crate::store::lock::DraftLock>,
    /// Set when another window or program had the draft when it was opened (who, in Chinese):
    /// the draft is shown, but saved only under another name.
    pub read_only: Option<String>,
    /// Name of this document's recovery copy.
    pub recovery_key: String,
    /// Unsaved changes.
    pub dirty: bool,
    /// Bumped on every change, so views can cache.
    pub generation: u64,
    undo: Vec<Vec<Change>>,
    redo: Vec<Vec<Change>>,
    last: Option<(Field, Instant)>,
    today: Option<Date>,
    /// The rule packs whose rules the form carries (the user's, loaded at start).
    packs: Arc<crate::model::rulepack::RulePacks>,
    /// 与上年重复率 of every text, when last year's text is known (for the page list and the
    /// editors' highlighting).
    pub rates: Option<crate::model::repetition::Rates>,
    /// Last year's texts as a corpus (rebuilt only when they change), for the editors to mark
    /// repeated sentences while typing.
    pub corpus: Option<Arc<crate::model::repetition::Corpus>>,
    corpus_of: Option<u64>,
}

impl Document {
    pub fn new(report: Report, path: Option<PathBuf>) -> Result<Document, TemplateError> {
        let form = report.form()?;
        let values = Values::compute(&form, &report);
        let mut doc = Document {
            marks: vec![None; form.cells.len()],
            cell_findings: vec![Vec::new(); form.cells.len()],
            report,
            form,
            values,
            findings: Vec::new(),
            disk_hash: path.as_deref().and_then(|p| crate::store::draft::disk_hash(p).ok().flatten()),
            lock: None,
            read_only: None,
            recovery_key: crate::store::recovery::RecoveryStore::key_for(path.as_deref()),
            path,
            dirty: false,
            generation: 0,
            undo: Vec::new(),
            redo: Vec::new(),
            last: None,
            today: Some(crate::store::clock::today()),
            packs: Arc::default(),
            rates: None,
            corpus: None,
            corpus_of: None,
        };
        doc.recheck();
        Ok(doc)
    }

    /// Applies the user's rule packs (their rules join the form's; the form is rebuilt).
    pub fn set_rule_packs(&mut self, packs: Arc<crate::model::rulepack::RulePacks>) {
        self.packs = packs;
        if let Ok(mut form) = self.report.form() {
            self.packs.apply(&mut form, &self.report);
            self.form = form;
        }
        self.recheck();
    }

    /// Takes last year's texts from `last` for the repetition checks (kept in the draft, as a
    /// change to save); returns how many sections of text were taken.
    pub fn use_previous(&mut self, last: &Report) -> Result<usize, crate::model::rollover::PreviousError> {
        let n = crate::model::rollover::use_previous_texts(&mut self.report, last)?;
        self.changed();
        Ok(n)
    }

    /// Re-evaluates values and findings (tens of microseconds; done on every change).
    pub fn recheck(&mut self) {
        self.values = Values::compute(&self.form, &self.report);
        let ctx = Context { today: self.today, ..Default::default() };
        self.findings = evaluate(&self.form, &self.report, &self.values, &ctx);
        self.refresh_rates();
        for m in &mut self.marks {
            *m = None;
        }
        for v in &mut self.cell_findings {
            v.clear();
        }
        for (fi, f) in self.findings.iter().enumerate() {
            // A finding about a whole table (its blank cells) would tint every cell of it and
            // drown the real problems.
            if matches!(f.target, crate::model::rules::Target::Table(_)) {
                continue;
            }
            for id in &f.cells {
                let Some(&ix) = self.form.index.get(id) else { continue };
                self.cell_findings[ix].push(fi);
                let mark = Mark { severity: f.severity, explained: f.is_explained() };
                self.marks[ix] = Some(match self.marks[ix] {
                    Some(m) if m.severity < mark.severity || (m.severity == mark.severity && !m.explained) => m,
                    _ => mark,
                });
            }
        }
        self.generation += 1;
    }

    /// The repetition rates, last year's corpus rebuilt only when last year's texts changed.
    fn refresh_rates(&mut self) {
        use std::hash::{Hash, Hasher};
        let exclude = &self.form.generated;
        let key = self.report.reference.as_ref().map(|r| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (r.year, &r.sections).hash(&mut h);
            h.finish()
        });
        if key != self.corpus_of {
            self.corpus = crate::model::repetition::last_year(&self.report, exclude).map(|(_, c)| Arc::new(c));
            self.corpus_of = key;
        }
        self.rates = match (&self.corpus, &self.report.reference) {
            (Some(c), Some(r)) => {
                Some(crate::model::repetition::rates_against(&self.form, &self.report, exclude, r.year, c))
            }
            _ => None,
        };
    }

    pub fn get(&self, field: &Field) -> String {
        let r = &self.report;
        match field {
            Field::Cell(id) => r.cell_text(id).to_string(),
            Field::Section(k) => r.section(k).to_string(),
            Field::Unit(u) => unit_ref(&r.unit, *u).clone(),
            Field::SignedOn => r.signed_on.map(|d| d.to_string()).unwrap_or_default(),
            Field::Explanation(k) => r.explanations.get(k).cloned().unwrap_or_default(),
            Field::Opening => r.options.opening_text.clone().unwrap_or_default(),
        }
    }

    fn apply(&mut self, field: &Field, value: &str) {
        let r = &mut self.report;
        match field {
            Field::Cell(id) => r.set_cell(id, value),
            Field::Section(k) => {
                r.sections.insert(k.clone(), value.to_string());
            }
            Field::Unit(u) => *unit_mut(&mut r.unit, *u) = value.to_string(),
            Field::SignedOn => r.signed_on = Date::parse(value),
            Field::Explanation(k) => {
                if value.trim().is_empty() {
                    r.explanations.remove(k);
                } else {
                    r.explanations.insert(k.clone(), value.to_string());
                }
            }
            Field::Opening => {
                r.options.opening_text = if value.trim().is_empty() { None } else { Some(value.to_string()) }
            }
        }
    }

    /// Sets one field, recording undo. Consecutive edits of the same field merge. Control
    /// characters (other than line breaks and tabs) are dropped: they come from pasting and
    /// would print as nothing or as boxes.
    pub fn set(&mut self, field: Field, value: String) {
        let value = strip_controls(value);
        let before = self.get(&field);
        self.apply(&field, &value);
        let after = self.get(&field);
        if before == after {
            return;
        }
        let now = Instant::now();
        let merge = matches!(&self.last, Some((f, t)) if *f == field && now.duration_since(*t) < MERGE_WINDOW)
            && self.undo.last().is_some_and(|s| s.len() == 1 && s[0].field == field);
        if merge {
            if let Some(step) = self.undo.last_mut() {
                step[0].after = after;
            }
        } else {
            self.undo.push(vec![Change { field: field.clone(), before, after }]);
        }
        self.last = Some((field, now));
        self.redo.clear();
        self.changed();
    }

    /// Several fields in one undo step (a paste).
    pub fn set_many(&mut self, changes: Vec<(Field, String)>) {
        let mut step = Vec::new();
        for (field, value) in changes {
            let value = strip_controls(value);
            let before = self.get(&field);
            self.apply(&field, &value);
            let after = self.get(&field);
            if before != after {
                step.push(Change { field, before, after });
            }
        }
        if !step.is_empty() {
            self.undo.push(step);
            self.redo.clear();
            self.last = None;
            self.changed();
        }
    }

    /// 标点规范化 ([`crate::model::punct::normalize`]) over the text sections, the custom
    /// opening and the explanations, as one undo step; returns how many texts changed.
    pub fn normalize_punctuation(&mut self) -> usize {
        let r = &self.report;
        let mut fields: Vec<Field> = r.sections.keys().cloned().map(Field::Section).collect();
        fields.extend(r.explanations.keys().cloned().map(Field::Explanation));
        if r.options.opening_text.is_some() {
            fields.push(Field::Opening);
        }
        let changes: Vec<(Field, String)> = fields
            .into_iter()
            .filter_map(|f| {
                let before = self.get(&f);
                let after = crate::model::punct::normalize(&before);
                (after != before).then_some((f, after))
            })
            .collect();
        let n = changes.len();
        self.set_many(changes);
        n
    }

    /// Adds a paragraph at the end of a text section, as its own undo step.
    pub fn append_paragraph(&mut self, key: &str, paragraph: &str) {
        let mut text = self.report.section(key).to_string();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(paragraph);
        self.break_undo_group();
        self.set(Field::Section(key.to_string()), text);
        self.break_undo_group();
    }

    /// Ends the current typing group, so the next edit is its own undo step.
    pub fn break_undo_group(&mut self) {
        self.last = None;
    }

    /// Adds or removes annex tables; their figures stay in the draft either way.
    pub fn set_annexes(&mut self, annexes: Vec<String>) -> Result<(), crate::model::TemplateError> {
        let mut report = self.report.clone();
        report.annexes = annexes;
        let mut form = report.form()?;
        self.packs.apply(&mut form, &report);
        self.report = report;
        self.marks = vec![None; form.cells.len()];
        self.cell_findings = vec![Vec::new(); form.cells.len()];
        self.form = form;
        self.changed();
        Ok(())
    }

    /// Marks the document changed by something that is not undoable (an option).
    pub fn touch(&mut self) {
        self.changed();
    }

    fn changed(&mut self) {
        self.dirty = true;
        self.recheck();
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Undoes the last step; returns the first field it touched (to show it).
    pub fn undo(&mut self) -> Option<Field> {
        let step = self.undo.pop()?;
        for c in step.iter().rev() {
            self.apply(&c.field, &c.before);
        }
        let first = step.first().map(|c| c.field.clone());
        self.redo.push(step);
        self.last = None;
        self.changed();
        first
    }

    pub fn redo(&mut self) -> Option<Field> {
        let step = self.redo.pop()?;
        for c in &step {
            self.apply(&c.field, &c.after);
        }
        let first = step.first().map(|c| c.field.clone());
        self.undo.push(step);
        self.last = None;
        self.changed();
        first
    }

    pub fn mark_saved(&mut self, path: PathBuf, hash: crate::store::ContentHash) {
        self.disk_hash = Some(hash);
        self.recovery_key = crate::store::recovery::RecoveryStore::key_for(Some(&path));
        self.path = Some(path);
        self.dirty = false;
        self.generation += 1;
    }

    /// The file was changed on disk by someone else since it was opened or saved.
    pub fn changed_on_disk(&self) -> bool {
        match &self.path {
            Some(p) if p.exists() => crate::store::draft::disk_hash(p).ok().flatten() != self.disk_hash,
            _ => false,
        }
    }

    /// `2025年报.ron`, or `未命名` for a new draft.
    pub fn file_name(&self) -> String {
        self.path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "未命名".to_string())
    }

    pub fn error_count(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::E).count()
    }

    /// Findings on a cell.
    pub fn findings_of(&self, ix: CellIx) -> impl Iterator<Item = &Finding> {
        self.cell_findings[ix].iter().map(|&i| &self.findings[i])
    }
}

fn unit_ref(u: &crate::model::UnitInfo, f: UnitField) -> &String {
    match f {
        UnitField::Name => &u.name,
        UnitField::Signature => &u.signature,
        UnitField::Phone => &u.phone,
        UnitField::Address => &u.address,
        UnitField::Postcode => &u.postcode,
        UnitField::Website => &u.website,
    }
}

fn unit_mut(u: &mut crate::model::UnitInfo, f: UnitField) -> &mut String {
    match f {
        UnitField::Name => &mut u.name,
        UnitField::Signature => &mut u.signature,
        UnitField::Phone => &mut u.phone,
        UnitField::Address => &mut u.address,
        UnitField::Postcode => &mut u.postcode,
        UnitField::Website => &mut u.website,
    }
}

fn strip_controls(mut s: String) -> String {
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        s.retain(|c| !c.is_control() || c == '\n' || c == '\t');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_is_normalized_in_every_text_as_one_undo_step() {
        let mut r = Report::new("gb2021", 2025, "某某县商务局");
        r.sections.insert("s1".into(), "根据《条例》,现公布如下:一是".into());
        r.sections.insert("s6".into(), "无。".into());
        let mut doc = Document::new(r, None).unwrap();
        assert_eq!(doc.normalize_punctuation(), 1);
        assert_eq!(doc.report.section("s1"), "根据《条例》，现公布如下：一是");
        assert_eq!(doc.normalize_punctuation(), 0, "nothing left to change");
        assert_eq!(doc.undo(), Some(Field::Section("s1".into())));
        assert_eq!(doc.report.section("s1"), "根据《条例》,现公布如下:一是");
    }
}
