//! A province's or city's extra rules as a file (a rule pack): length limits, the counts a
//! section must state, the repetition threshold, the deadline — dropped beside the user's
//! templates like a template, no Rust. Its rules are the template's own kinds of check
//! ([`RuleDef`]), compiled against the form of each report it applies to and evaluated with the
//! form's rules; they may be warnings or hints only, so each can be explained (说明).
//!
//! ```ron
//! RulePack(
//!     id: "wuwei-2025",
//!     name: "武威市2025年政府信息公开工作年度报告编制要求",
//!     source: "武政办发〔2025〕54号",
//!     first_year: 2025,
//!     repetition: Some(50),
//!     rules: [(id: "WW-01", severity: W, check: MaxLength(sections: ["s1"], max: 1000))],
//! )
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::form::Form;
use super::form::{CCheck, CompiledRule};
use super::report::Report;
use super::template::{RuleDef, Severity};

/// A rule pack file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename = "RulePack")]
pub struct RulePack {
    /// A stable id (`wuwei-2025`).
    pub id: String,
    /// What it is, as the user knows it.
    pub name: String,
    /// The document it comes from (`武政办发〔2025〕54号`): the findings name it.
    #[serde(default)]
    pub source: Option<String>,
    /// The report years it applies to.
    pub first_year: i32,
    #[serde(default)]
    pub last_year: Option<i32>,
    /// The report formats it applies to (template ids); all when empty.
    #[serde(default)]
    pub formats: Vec<String>,
    /// 与上年重复率 above this percent is a warning (the template's RP threshold otherwise).
    #[serde(default)]
    pub repetition: Option<u32>,
    /// Thresholds at which the county view flags an indicator (公开率, 纠错率), by its id.
    #[serde(default)]
    pub indicators: Vec<IndicatorLimit>,
    #[serde(default)]
    pub rules: Vec<RuleDef>,
}

/// A rule pack's threshold for an indicator of the template.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndicatorLimit {
    pub id: String,
    #[serde(default)]
    pub flag_above: Option<u32>,
    #[serde(default)]
    pub flag_below: Option<u32>,
}

/// Why a rule pack file is not used; `Display` is the sentence the user reads.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RulePackError {
    #[error("第{line}行第{col}列有误：{msg}")]
    Parse { line: usize, col: usize, msg: String },
    #[error("缺少规则包编号（id）")]
    NoId,
    #[error("规则包编号“{0}”已被另一个规则包文件使用")]
    IdTaken(String),
    #[error("规则 {rule} 的级别是错误（E）：规则包中的规则只能是警告（W）或提示（I），以便逐项填写说明")]
    ErrorSeverity { rule: String },
    #[error("用于{format}格式时：{msg}")]
    Invalid { format: String, msg: String },
}

impl RulePack {
    /// Parses a rule pack file's text.
    pub fn parse(text: &str) -> Result<RulePack, RulePackError> {
        // `source: "…"` as well as `Some("…")`: a pack is written by hand.
        let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        let pack: RulePack = options.from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            RulePackError::Parse { line: e.span.start.line, col: e.span.start.col, msg: e.code.to_string() }
        })?;
        if pack.id.trim().is_empty() {
            return Err(RulePackError::NoId);
        }
        if let Some(r) = pack.rules.iter().find(|r| r.severity == Severity::E) {
            return Err(RulePackError::ErrorSeverity { rule: r.id.clone() });
        }
        Ok(pack)
    }

    /// Whether a text is a rule pack (its top-level value is named `RulePack`) rather than a
    /// template: both live in the same folder.
    pub fn sniff(text: &str) -> bool {
        let mut rest = text.trim_start_matches('\u{feff}');
        loop {
            rest = rest.trim_start();
            if let Some(r) = rest.strip_prefix("//") {
                rest = r.split_once('\n').map_or("", |(_, r)| r);
            } else if let Some(r) = rest.strip_prefix("/*") {
                rest = r.split_once("*/").map_or("", |(_, r)| r);
            } else if rest.starts_with("#!") {
                rest = rest.split_once('\n').map_or("", |(_, r)| r);
            } else {
                break;
            }
        }
        rest.strip_prefix("RulePack").is_some_and(|r| r.trim_start().starts_with('('))
    }

    /// Whether it applies to a report of this year and format.
    pub fn applies_to(&self, year: i32, format: &str) -> bool {
        year >= self.first_year
            && self.last_year.is_none_or(|l| year <= l)
            && (self.formats.is_empty() || self.formats.iter().any(|f| f == format))
    }

    /// How its findings name it: the document, else its name.
    pub fn label(&self) -> &str {
        self.source.as_deref().filter(|s| !s.trim().is_empty()).unwrap_or(&self.name)
    }

    /// Its rules compiled for a form.
    pub fn compile(&self, form: &Form) -> Result<Vec<CompiledRule>, RulePackError> {
        let invalid = |msg: String| RulePackError::Invalid { format: form.template.name.clone(), msg };
        let mut out = Vec::new();
        for def in &self.rules {
            for mut rule in super::form::compile(form, def).map_err(invalid)? {
                rule.pack = Some(self.label().to_string());
                out.push(rule);
            }
        }
        Ok(out)
    }
}

/// The rule packs a front end loaded, with their rules compiled once per form (a county's check
/// applies them to hundreds of reports of the same format).
#[derive(Debug, Default)]
pub struct RulePacks {
    packs: Vec<RulePack>,
    compiled: Mutex<HashMap<PackForm, Arc<[CompiledRule]>>>,
}

/// A pack (its place among the packs) and a form (its template and annexes).
type PackForm = (usize, String);

impl Clone for RulePacks {
    fn clone(&self) -> RulePacks {
        RulePacks { packs: self.packs.clone(), compiled: Mutex::default() }
    }
}

impl RulePacks {
    pub fn new() -> RulePacks {
        RulePacks::default()
    }

    /// Adds a pack whose rules compile for every report format it names (or the given ones).
    pub fn add(&mut self, pack: RulePack, formats: &[Form]) -> Result<(), RulePackError> {
        if self.packs.iter().any(|p| p.id == pack.id) {
            return Err(RulePackError::IdTaken(pack.id));
        }
        for form in formats.iter().filter(|f| pack.formats.is_empty() || pack.formats.contains(&f.template.id)) {
            pack.compile(form)?;
        }
        self.packs.push(pack);
        Ok(())
    }

    pub fn packs(&self) -> &[RulePack] {
        &self.packs
    }

    pub fn is_empty(&self) -> bool {
        self.packs.is_empty()
    }

    /// Whether any pack applies to `report` (else [`RulePacks::apply`] leaves the form as it is).
    pub fn any_applies(&self, report: &Report) -> bool {
        self.packs.iter().any(|p| p.applies_to(report.year, &report.template))
    }

    /// Adds to `form` the rules of every pack that applies to `report`, and their thresholds
    /// (the strictest repetition threshold wins; an indicator's threshold is the pack's).
    /// A pack that does not compile for this form was refused when loaded, unless the form is
    /// a user's template it did not name: then it is left out.
    pub fn apply(&self, form: &mut Form, report: &Report) {
        for (i, pack) in self.packs.iter().enumerate() {
            if !pack.applies_to(report.year, &report.template) {
                continue;
            }
            let key = (i, form_key(form));
            let cached = self.compiled.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
            let rules = match cached {
                Some(r) => r,
                None => {
                    let Ok(r) = pack.compile(form) else { continue };
                    let r: Arc<[CompiledRule]> = r.into();
                    self.compiled.lock().unwrap_or_else(|e| e.into_inner()).insert(key, Arc::clone(&r));
                    r
                }
            };
            form.rules.extend(rules.iter().cloned());
            if let Some(p) = pack.repetition {
                for rule in &mut form.rules {
                    if let CCheck::Repetition { percent, source, .. } = &mut rule.check
                        && (source.is_none() || p < *percent)
                    {
                        *percent = p;
                        *source = Some(pack.label().to_string());
                    }
                }
            }
            for limit in &pack.indicators {
                if let Some(ind) = form.indicators.iter_mut().find(|x| x.id == limit.id) {
                    ind.flag_above = limit.flag_above.or(ind.flag_above);
                    ind.flag_below = limit.flag_below.or(ind.flag_below);
                }
            }
        }
    }
}

/// A form's template and annexes, which decide what its cell indices mean.
fn form_key(form: &Form) -> String {
    let mut k = form.template.id.clone();
    for a in &form.annexes {
        k.push('+');
        k.push_str(&a.id);
    }
    k
}
