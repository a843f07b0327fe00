//! The rule engine: template rules compiled once, evaluated on every keystroke.
//!
//! Findings are data (design principle 5): rule id, severity, the cells involved, both sides and
//! their difference, and a Chinese message that names the cells in words with their numbers.

use std::collections::BTreeMap;

use serde::Serialize;

use super::form::{CCheck, CCond, CompiledRule, Scope, Src, Term};
use super::form::{CellIx, Form};
use super::headings::PrintedHeading;
use super::report::{Date, Report, Values};
use super::template::{Severity, Template};
use super::value::{CellValue, Num, parse_cell};

/// What a finding is about: where the window jumps, and (with the rule id) the key its
/// explanation is stored under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Target {
    /// The report as a whole (format, year).
    Report,
    /// One cell (the first of those involved).
    Cell(String),
    /// A table as a whole (blank cells).
    Table(String),
    /// A text section by key.
    Section(String),
    /// A 基本信息 item by its label (`机关全称`, `落款日期`).
    Unit(String),
    /// A line of an imported file.
    Line(usize),
}

impl Target {
    /// The explanation key of a finding of `rule` here: `T3-04@t3.carry_out.np`, `S-02@s5`,
    /// `G-05` … (the format drafts store explanations under).
    pub fn key(&self, rule: &str) -> String {
        let part = match self {
            Target::Report => return rule.to_string(),
            Target::Cell(id) | Target::Table(id) | Target::Section(id) | Target::Unit(id) => id.clone(),
            Target::Line(n) => n.to_string(),
        };
        format!("{rule}@{part}")
    }
}

/// A rule violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    /// Table id the finding belongs to, for grouping (`t3`); `None` for report-level findings.
    pub table: Option<String>,
    /// Cell ids involved; the first is the one to jump to.
    pub cells: Vec<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right: Option<String>,
    /// left − right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<String>,
    /// What it is about.
    pub target: Target,
    /// Stable key under which an explanation (说明) is stored (`target.key(rule)`).
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// What mends it in one step, when something does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// The rule pack (a city's extra rules) the finding comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pack: Option<String>,
}

/// A one-step mend a finding offers (the window shows it as a button).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fix {
    /// 编辑 ▸ 标点规范化.
    NormalizePunctuation,
}

impl Fix {
    pub fn label(self) -> &'static str {
        match self {
            Fix::NormalizePunctuation => "标点规范化",
        }
    }
}

impl Finding {
    /// A finding with no cells, sides or explanation yet.
    pub fn new(rule: &str, severity: Severity, target: Target, message: String) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity,
            table: None,
            cells: Vec::new(),
            message,
            left: None,
            right: None,
            difference: None,
            key: target.key(rule),
            target,
            explanation: None,
            fix: None,
            pack: None,
        }
    }

    /// The same finding about another target (its key follows).
    pub fn at(mut self, target: Target) -> Finding {
        self.key = target.key(&self.rule);
        self.target = target;
        self
    }

    /// The same finding under another rule id (its key follows).
    pub fn as_rule(mut self, rule: &str) -> Finding {
        self.rule = rule.to_string();
        self.key = self.target.key(rule);
        self
    }

    /// A warning or hint the user has explained in writing.
    pub fn is_explained(&self) -> bool {
        self.explanation.as_deref().is_some_and(|e| !e.trim().is_empty())
    }

    /// Errors cannot be explained away; they block a final export.
    pub fn explainable(&self) -> bool {
        self.severity != Severity::E
    }
}

/// Inputs to an evaluation that are not in the report.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Today, for G-04.
    pub today: Option<Date>,
    /// Values given for computed cells by an outside source (an imported published report).
    pub published: BTreeMap<String, String>,
    /// Tables (ids) that a published report read from a file does not hold at all: missing
    /// from it, not blank (S-07). A draft or a CSV has none.
    pub absent_tables: Vec<String>,
    /// Parts (section ids) whose heading such a report does not hold (S-01).
    pub absent_sections: Vec<String>,
    /// The section headings a published file printed, in order (the heading checks read them;
    /// a draft prints the template's own).
    pub headings: Option<Vec<PrintedHeading>>,
}

/// The 基本信息 items findings can be about (their labels, as the window shows them).
pub const UNIT_NAME: &str = "机关全称";
pub const SIGNED_ON: &str = "落款日期";

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/// Evaluates every rule of the form on a report. Findings come in rule order; explanations
/// stored in the report are attached.
pub fn evaluate(form: &Form, report: &Report, values: &Values, ctx: &Context) -> Vec<Finding> {
    evaluate_measured(form, report, values, ctx).0
}

/// [`evaluate`], with the repetition rates the RP rules measured (`None` when no rule needed
/// them or last year's text is not known): a county's summary shows them without measuring again.
pub fn evaluate_measured(
    form: &Form,
    report: &Report,
    values: &Values,
    ctx: &Context,
) -> (Vec<Finding>, Option<super::repetition::Rates>) {
    let mut out = Vec::new();
    let ev = Eval { form, report, values, ctx, rates: std::cell::OnceCell::new() };
    for rule in &form.rules {
        let before = out.len();
        ev.rule(rule, &mut out);
        // A rule pack's findings say whose rule they apply.
        if let Some(pack) = &rule.pack {
            for f in &mut out[before..] {
                f.message.push_str(&format!("（{pack}）"));
                f.pack = Some(pack.clone());
            }
        }
    }
    ev.published_totals(&mut out);
    for f in &mut out {
        if f.explainable()
            && let Some(e) = report.explanations.get(&f.key)
        {
            f.explanation = Some(e.clone());
        }
    }
    (out, ev.rates.into_inner().flatten())
}

/// Convenience: compute values and evaluate in one call.
pub fn check_report(form: &Form, report: &Report, ctx: &Context) -> (Values, Vec<Finding>) {
    let values = Values::compute(form, report);
    let findings = evaluate(form, report, &values, ctx);
    (values, findings)
}

/// One evaluation of a form's rules on a report (the text checks' arms are in `text_rules`).
pub(super) struct Eval<'a> {
    pub(super) form: &'a Form,
    pub(super) report: &'a Report,
    pub(super) values: &'a Values,
    pub(super) ctx: &'a Context,
    /// The repetition rates, measured once for the RP rules that need them.
    pub(super) rates: std::cell::OnceCell<Option<super::repetition::Rates>>,
}

/// A side of a comparison, evaluated.
struct Side {
    total: Num,
    parts: Vec<(String, Option<Num>)>, // name, value (None = blank)
    only_const: bool,
}

impl Eval<'_> {
    pub(super) fn finding(
        &self,
        rule: &CompiledRule,
        table: Option<usize>,
        cells: Vec<CellIx>,
        message: String,
    ) -> Finding {
        let table = table.or_else(|| cells.first().map(|&c| self.form.cells[c].table));
        let target = match (cells.first(), table) {
            (Some(&c), _) => Target::Cell(self.form.cells[c].id.clone()),
            (None, Some(t)) => Target::Table(self.form.tables[t].def.id.clone()),
            (None, None) => Target::Report,
        };
        let mut f = Finding::new(&rule.id, rule.severity, target, message);
        f.table = table.map(|t| self.form.tables[t].def.id.clone());
        f.cells = cells.iter().map(|&c| self.form.cells[c].id.clone()).collect();
        f
    }

    fn rule(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        match &rule.check {
            CCheck::CellTypes => self.cell_types(rule, out),
            CCheck::NoBlanks => self.no_blanks(rule, out),
            CCheck::TablesPresent => self.tables_present(rule, out),
            CCheck::ReportPeriod => self.report_period(rule, out),
            CCheck::FormatForYear => self.format_for_year(rule, out),
            CCheck::Structure => self.structure(rule, out),
            CCheck::UnitDetails => self.unit_details(rule, out),
            CCheck::YearOverYear { factor, min } => self.year_over_year(rule, *factor, *min, out),
            CCheck::TextFigure { patterns, cells, sections } => self.text_figure(rule, patterns, cells, sections, out),
            // A part the published file lacks altogether is S-01's error; "empty" would say it twice.
            CCheck::TextFilled { section, .. } | CCheck::SectionFilled { section, .. }
                if self.ctx.absent_sections.contains(section) => {}
            CCheck::TextFilled { section, reject } => {
                let text = self.report.section(section).trim();
                if text.is_empty() || reject.iter().any(|r| r == text) {
                    let msg = rule.message.clone().unwrap_or_else(|| format!("正文“{}”未填写", self.heading(section)));
                    out.push(self.finding(rule, None, vec![], msg).at(Target::Section(section.clone())));
                }
            }
            CCheck::SubsectionsFilled => self.subsections_filled(rule, out),
            CCheck::SectionFilled { section, texts, cells } => {
                let written = texts.iter().any(|k| !self.report.section(k).trim().is_empty());
                let figures = cells.iter().any(|&ix| !self.report.cell_text(&self.form.cells[ix].id).trim().is_empty());
                if !written && !figures {
                    let heading = self.heading(section);
                    let msg = rule.message.clone().unwrap_or_else(|| {
                        let tables: Vec<&str> = self
                            .form
                            .tables
                            .iter()
                            .filter(|t| t.cells.iter().any(|c| cells.contains(c)))
                            .map(|t| t.def.name.as_str())
                            .collect();
                        if tables.is_empty() {
                            format!("“{heading}”未填写：打印出来只有标题，没有内容")
                        } else {
                            format!("“{heading}”未填写：{}和正文都是空的", tables.join("、"))
                        }
                    });
                    out.push(self.finding(rule, None, vec![], msg).at(Target::Section(section.clone())));
                }
            }
            CCheck::CopiedLastYear => self.copied_last_year(rule, out),
            CCheck::NoDigits { section } => {
                let mut text = self.report.section(section).to_string();
                // The sentence written from the tables says what the tables say.
                if let Some(sentence) = self
                    .form
                    .sentence(section)
                    .and_then(|s| super::report::fill_sentence(self.form, self.values, &s.text))
                {
                    text = text.replace(&sentence, "");
                }
                if text.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
                    let msg =
                        rule.message.clone().unwrap_or_else(|| format!("正文“{}”含有数字", self.heading(section)));
                    out.push(self.finding(rule, None, vec![], msg).at(Target::Section(section.clone())));
                }
            }
            CCheck::Cmp { .. } | CCheck::When { .. } | CCheck::AllZero(_) => {
                if let Some(f) = self.logic(rule, &rule.check, None) {
                    out.push(f);
                }
            }
            CCheck::Repetition { scope, percent, min_chars, source } => {
                self.repetition(rule, *scope, *percent, *min_chars, source.as_deref(), out)
            }
            CCheck::AsciiPunctuation => self.ascii_punctuation(rule, out),
            CCheck::Doubled { chars, except } => self.doubled(rule, chars, except, out),
            CCheck::Placeholders(patterns) => self.placeholders(rule, patterns, out),
            CCheck::PeriodYears { patterns, future } => self.period_years(rule, patterns, future, out),
            CCheck::TextClaim { patterns, context, unless, when_any, sections } => {
                self.text_claim(rule, patterns, (context, unless), when_any, sections, out)
            }
            CCheck::HeadingsVerbatim => self.headings_verbatim(rule, out),
            CCheck::PromotedHeadings => self.promoted_headings(rule, out),
            CCheck::SubheadingNumbers => self.subheading_numbers(rule, out),
            CCheck::MaxLength { sections, max, spaces, punctuation } => {
                self.max_length(rule, sections, *max, *spaces, *punctuation, out)
            }
            CCheck::Mentions { sections, subjects } => self.mentions(rule, sections, subjects, out),
            CCheck::Deadline(d) => self.deadline(rule, *d, out),
        }
    }

    pub(super) fn heading(&self, key: &str) -> String {
        for s in &self.form.template.sections {
            if s.id == key {
                return s.heading.clone();
            }
            if let Some(sub) = s.subsections.iter().find(|x| x.id == key) {
                return sub.heading.clone();
            }
        }
        key.to_string()
    }

    /// Evaluates Cmp / When / AllZero. `cond_text` is the already-met condition, for messages.
    fn logic(&self, rule: &CompiledRule, check: &CCheck, cond_text: Option<String>) -> Option<Finding> {
        match check {
            CCheck::Cmp { left, op, right } => {
                let (l, r) = (self.side(rule, left)?, self.side(rule, right)?);
                if cond_text.is_none() && self.all_current_blank(left, right) {
                    return None;
                }
                if op.holds(l.total.raw(), r.total.raw()) {
                    return None;
                }
                let msg = match &rule.message {
                    Some(m) => fill(m, &self.scope_text(rule), l.total, r.total),
                    None => {
                        let mut m = self.scope_prefix(rule);
                        if let Some(c) = &cond_text {
                            m.push_str(&format!("{c}时，"));
                        }
                        m.push_str(&format!("{}，{}{}", side_text(&l), op.violation(), side_text(&r)));
                        m
                    }
                };
                let msg = with_hint(msg, rule);
                let cells = cells_of(left).chain(cells_of(right)).collect();
                let mut f = self.finding(rule, self.scope_table(rule), cells, msg);
                f.left = Some(l.total.to_string());
                f.right = Some(r.total.to_string());
                f.difference = l.total.checked_sub(r.total).map(|d| d.to_string());
                Some(f)
            }
            CCheck::When { cond, then } => {
                let mut texts = Vec::new();
                for c in cond {
                    texts.push(self.cond(rule, c)??);
                }
                self.logic(rule, then, Some(texts.join("且")))
            }
            CCheck::AllZero(cells) => {
                let nonzero: Vec<CellIx> =
                    cells.iter().copied().filter(|&c| self.values.get(c).num().is_some_and(|n| !n.is_zero())).collect();
                if nonzero.is_empty() {
                    return None;
                }
                let msg = match &rule.message {
                    Some(m) => fill(m, &self.scope_text(rule), Num::ZERO, Num::ZERO),
                    None => {
                        let list: Vec<String> = nonzero
                            .iter()
                            .map(|&c| {
                                format!("{}({})", self.name(rule, c), self.values.get(c).num().unwrap_or_default())
                            })
                            .collect();
                        let mut m = self.scope_prefix(rule);
                        if let Some(c) = &cond_text {
                            m.push_str(&format!("{c}时，"));
                        }
                        m.push_str(&format!("{}应为0", list.join("、")));
                        m
                    }
                };
                Some(self.finding(rule, self.scope_table(rule), nonzero, with_hint(msg, rule)))
            }
            _ => None,
        }
    }

    /// Whether a condition holds, in words when it does (`Some(None)`: it does not; `None`: it
    /// cannot be decided — an invalid cell, no reference value).
    pub(super) fn cond(&self, rule: &CompiledRule, c: &CCond) -> Option<Option<String>> {
        match c {
            CCond::NoRuleMakingPower => {
                Some((self.report.unit.makes_rules == Some(false)).then(|| "本机关无规章制定权".to_string()))
            }
            CCond::Cmp { left, op, right } => {
                let (l, r) = (self.side(rule, left)?, self.side(rule, right)?);
                if !op.holds(l.total.raw(), r.total.raw()) {
                    return Some(None);
                }
                Some(Some(if r.only_const {
                    format!("{}{}{}", side_text(&l), op.phrase(), r.total)
                } else {
                    format!("{}{}{}", side_text(&l), op.phrase(), side_text(&r))
                }))
            }
        }
    }

    /// True when the comparison refers to this year's cells and all of them are blank: nothing
    /// has been entered yet, so there is nothing to complain about.
    fn all_current_blank(&self, left: &[Term], right: &[Term]) -> bool {
        let mut any = false;
        for t in left.iter().chain(right) {
            if let Src::Cell(c) = t.src {
                any = true;
                if !matches!(self.values.get(c), CellValue::Blank) {
                    return false;
                }
            }
        }
        any
    }

    /// Sums a side; `None` when a term cannot be evaluated (invalid cell, missing reference).
    fn side(&self, rule: &CompiledRule, terms: &[Term]) -> Option<Side> {
        let mut total = Num::ZERO;
        let mut parts = Vec::new();
        let mut only_const = true;
        for t in terms {
            let (name, value, shown) = match &t.src {
                Src::Cell(c) => {
                    only_const = false;
                    let v = self.values.num_or_zero(*c)?;
                    let shown = match self.values.get(*c) {
                        CellValue::Blank => None,
                        _ => Some(v),
                    };
                    (self.name(rule, *c), v, shown)
                }
                Src::Prev(id) => {
                    only_const = false;
                    let v = self.report.reference.as_ref()?.value(id)?;
                    (self.prev_name(rule, id), v, Some(v))
                }
                Src::Const(n) => (n.to_string(), *n, Some(*n)),
            };
            total = if t.neg { total.checked_sub(value)? } else { total.checked_add(value)? };
            parts.push((if t.neg { format!("-{name}") } else { name }, shown));
        }
        Some(Side { total, parts, only_const })
    }

    fn scope_table(&self, rule: &CompiledRule) -> Option<usize> {
        match &rule.scope {
            Scope::None => None,
            Scope::Column { table, .. } | Scope::Row { table, .. } => Some(*table),
        }
    }

    fn scope_text(&self, rule: &CompiledRule) -> String {
        match &rule.scope {
            Scope::None => String::new(),
            Scope::Column { text, .. } | Scope::Row { text, .. } => text.clone(),
        }
    }

    fn scope_prefix(&self, rule: &CompiledRule) -> String {
        let t = self.scope_text(rule);
        if t.is_empty() { t } else { format!("{t}：") }
    }

    /// How a message names a cell inside a rule's scope.
    fn name(&self, rule: &CompiledRule, ix: CellIx) -> String {
        let c = &self.form.cells[ix];
        match &rule.scope {
            Scope::Column { table, col, .. } if c.table == *table && &c.col_key == col => c.row_short.clone(),
            Scope::Row { table, row, single_column: false, .. } if c.table == *table && &c.row_key == row => {
                c.col_label.clone()
            }
            Scope::Column { table, .. } | Scope::Row { table, .. } if c.table == *table => c.full_name(),
            _ => format!("{}{}", self.form.table_name(c), c.full_name()),
        }
    }

    fn prev_name(&self, rule: &CompiledRule, id: &str) -> String {
        match self.form.index.get(id) {
            Some(&ix) => format!("上年报告的{}", self.name(rule, ix)),
            None => format!("上年报告的{id}"),
        }
    }

    fn cell_types(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        for (ix, c) in self.form.input_cells() {
            if let CellValue::Invalid(e) = self.values.get(ix) {
                let msg = format!("{}：{}", self.describe_cell(ix), e);
                out.push(self.finding(rule, None, vec![ix], msg).as_rule(&c.type_rule));
            }
        }
    }

    /// `表三“一、本年新收”行“自然人”列`, or `附件统计表“2.兼职人数”` for one-column tables.
    fn describe_cell(&self, ix: CellIx) -> String {
        let c = &self.form.cells[ix];
        let t = &self.form.tables[c.table].def;
        let single = t.column_sets.values().all(|s| s.len() == 1);
        if single {
            format!("{}“{}”", t.name, c.row_short)
        } else {
            format!("{}“{}”行“{}”列", t.name, c.row_short, c.col_label)
        }
    }

    fn no_blanks(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        for (tix, t) in self.form.tables.iter().enumerate() {
            if !t.def.printed {
                continue;
            }
            let blanks: Vec<CellIx> = t
                .cells
                .iter()
                .copied()
                .filter(|&c| self.form.cells[c].is_input() && matches!(self.values.get(c), CellValue::Blank))
                .collect();
            if blanks.is_empty() {
                continue;
            }
            let total = t.cells.iter().filter(|&&c| self.form.cells[c].is_input()).count();
            let first = self.describe_cell(blanks[0]);
            let msg = if blanks.len() == total {
                format!("{}尚未填写（共{}个单元格）", t.def.name, total)
            } else {
                format!("{}有{}个单元格未填写，第一个是{}", t.def.name, blanks.len(), first)
            };
            let f = self.finding(rule, Some(tix), blanks, with_hint(msg, rule));
            out.push(f.at(Target::Table(t.def.id.clone())));
        }
    }

    fn tables_present(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        for (tix, t) in self.form.tables.iter().enumerate() {
            if !t.def.printed || !self.ctx.absent_tables.contains(&t.def.id) {
                continue;
            }
            let msg = rule
                .message
                .clone()
                .unwrap_or_else(|| format!("报告缺少{}：文件中没有这张表（或只有它的标题）", t.def.name));
            let f = self.finding(rule, Some(tix), vec![], msg);
            out.push(f.at(Target::Table(t.def.id.clone())));
        }
    }

    fn report_period(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        let y = self.report.year;
        if let Some(today) = self.ctx.today
            && y >= today.year
        {
            let msg = format!(
                "报告年度为{y}年，但统计期限（{y}年1月1日至{y}年12月31日）尚未结束：年度报告总结的是上一年度（今天是{}）",
                today.chinese()
            );
            out.push(self.finding(rule, None, vec![], msg));
        }
        if let Some(d) = self.report.signed_on
            && d.year <= y
        {
            let msg = format!("落款日期{}不在统计期限（截至{y}年12月31日）之后", d.chinese());
            out.push(self.finding(rule, None, vec![], msg).at(Target::Unit(SIGNED_ON.into())));
        }
    }

    fn format_for_year(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        let t = &self.form.template;
        let y = self.report.year;
        if t.applies_to(y) {
            return;
        }
        let msg = if y < 2019 {
            format!("{y}年度的报告早于现行格式（2019年度起），本软件只支持2019年度及以后的报告")
        } else {
            let expected = Template::format_for_year(y);
            let name = Template::get(&expected).map(|e| e.name).unwrap_or(expected);
            format!("{y}年度的报告应使用{name}格式，本稿使用的是{}格式", t.name)
        };
        out.push(self.finding(rule, None, vec![], msg));
    }

    fn structure(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        let known = self.form.section_keys();
        for key in self.report.sections.keys() {
            if !known.iter().any(|k| k == key) {
                let msg = format!("正文中有格式以外的部分“{key}”：年度报告只能包含统一格式规定的六个部分");
                out.push(self.finding(rule, None, vec![], msg).at(Target::Section(key.clone())));
            }
        }
        // A part a published report does not have at all (a draft always has every part).
        for s in &self.form.template.sections {
            if self.ctx.absent_sections.contains(&s.id) {
                let msg = format!("报告缺少“{}”这一部分（没有这个标题）", s.heading);
                out.push(self.finding(rule, None, vec![], msg).at(Target::Section(s.id.clone())));
            }
        }
    }

    fn subsections_filled(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        for s in self.form.template.sections.iter().filter(|s| !self.ctx.absent_sections.contains(&s.id)) {
            for sub in s.subsections.iter().filter(|x| self.report.section(&x.id).trim().is_empty()) {
                let msg = format!("“{}”下的“{}”未填写：打印出来只有标题，没有内容", s.heading, sub.heading);
                out.push(self.finding(rule, None, vec![], msg).at(Target::Section(sub.id.clone())));
            }
        }
    }

    /// A sentence of this year's text that names last year (`2024年`) and stands word for word
    /// in last year's report around that year: most likely copied and not yet updated.
    fn copied_last_year(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        let Some(reference) = &self.report.reference else { return };
        let year = format!("{}年", reference.year);
        for key in self.form.section_keys() {
            let (Some(before), now) = (reference.sections.get(&key), self.report.section(&key)) else { continue };
            let chars: Vec<char> = now.chars().collect();
            let year_chars: Vec<char> = year.chars().collect();
            let mut found = None;
            for start in 0..chars.len().saturating_sub(year_chars.len() - 1) {
                if chars[start..start + year_chars.len()] != year_chars[..] {
                    continue;
                }
                // The year with up to 8 characters either side, all on one line.
                let from = start.saturating_sub(8);
                let to = (start + year_chars.len() + 8).min(chars.len());
                let window: String = chars[from..to].iter().collect();
                let window = window.lines().find(|l| l.contains(&year)).unwrap_or("").to_string();
                if window.chars().count() > year_chars.len() + 3 && before.contains(&window) {
                    found = Some(window);
                    break;
                }
            }
            if let Some(w) = found {
                let msg = format!(
                    "“{}”中的“…{w}…”与上年报告相同，仍写着“{year}”：如是从上年复制的段落，请改为本年度的情况",
                    self.heading(&key)
                );
                out.push(self.finding(rule, None, vec![], msg).at(Target::Section(key.clone())));
            }
        }
    }

    fn unit_details(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        if self.report.unit.name.trim().is_empty() {
            let f = self.finding(rule, None, vec![], "未填写机关全称（用于标题和落款）".into());
            out.push(f.at(Target::Unit(UNIT_NAME.into())));
        }
        let by_hand = self.report.options.date_by_hand;
        if self.report.options.signature_block && self.report.signed_on.is_none() && !by_hand {
            let f = self.finding(rule, None, vec![], "未填写落款日期".into());
            out.push(f.at(Target::Unit(SIGNED_ON.into())));
        }
    }

    fn year_over_year(&self, rule: &CompiledRule, factor: i64, min: i64, out: &mut Vec<Finding>) {
        let Some(reference) = &self.report.reference else { return };
        for (ix, c) in self.form.cells.iter().enumerate() {
            // 上年结转 has its own, exact check (T3-06).
            if c.ui_only || self.form.carry_of(ix).is_some() || !self.form.tables[c.table].def.printed {
                continue;
            }
            let (Some(now), Some(prev)) = (self.values.get(ix).num(), reference.value(&c.id)) else { continue };
            let (a, b) = (now.raw().abs(), prev.raw().abs());
            let (hi, lo) = (a.max(b), a.min(b));
            let min_raw = Num::from_int(min).map(Num::raw).unwrap_or(i64::MAX);
            if hi < min_raw || lo.saturating_mul(factor) >= hi {
                continue;
            }
            let msg =
                format!("{}：本年{}，上年{}，相差超过{}倍，请核实是否填错", self.describe_cell(ix), now, prev, factor);
            let mut f = self.finding(rule, None, vec![ix], msg);
            f.left = Some(now.to_string());
            f.right = Some(prev.to_string());
            f.difference = now.checked_sub(prev).map(|d| d.to_string());
            out.push(f);
        }
    }

    /// Figures stated in the text that differ from the tables (nothing to say while the cells
    /// are all blank or one is invalid).
    fn text_figure(
        &self,
        rule: &CompiledRule,
        patterns: &[super::text_checks::Compiled],
        cells: &[Term],
        sections: &[String],
        out: &mut Vec<Finding>,
    ) {
        if cells_of(cells).all(|c| matches!(self.values.get(c), CellValue::Blank)) {
            return;
        }
        let Some(table) = self.side(rule, cells) else { return };
        let keys: Vec<String> = if sections.is_empty() { self.form.section_keys() } else { sections.to_vec() };
        for key in keys {
            for st in super::text_checks::stated(self.report.section(&key), patterns) {
                let Some(said) = Num::from_int(st.value) else { continue };
                if said == table.total {
                    continue;
                }
                let msg =
                    rule.message.clone().map(|m| fill(&m, &self.heading(&key), said, table.total)).unwrap_or_else(
                        || {
                            format!(
                                "正文“{}”写的是“{}”（{}），与{}不一致",
                                self.heading(&key),
                                st.sentence,
                                st.value,
                                side_text(&table)
                            )
                        },
                    );
                let mut f = self.finding(rule, None, cells_of(cells).collect(), with_hint(msg, rule));
                f.key = format!("{}@{}", rule.id, key);
                f.left = Some(said.to_string());
                f.right = Some(table.total.to_string());
                f.difference = said.checked_sub(table.total).map(|d| d.to_string());
                out.push(f);
            }
        }
    }

    /// Published values of computed cells (from an imported report) must equal the computed ones.
    fn published_totals(&self, out: &mut Vec<Finding>) {
        let mut given: Vec<(CellIx, &String)> =
            self.ctx.published.iter().filter_map(|(id, t)| self.form.index.get(id).map(|&ix| (ix, t))).collect();
        given.sort_by_key(|(ix, _)| *ix);
        for (ix, text) in given {
            let c = &self.form.cells[ix];
            // Every computed cell of a printed table names its rule (checked when the form is built).
            let Some(rule_id) = c.formula_rule.as_deref() else { continue };
            let computed = self.values.get(ix).num();
            let published = parse_cell(text, &c.kind, c.allow_na);
            let msg = match (&published, computed) {
                (CellValue::Blank, None) => continue,
                (CellValue::Num(p), Some(v)) if *p == v => continue,
                (CellValue::Num(p), Some(v)) => {
                    format!("{}：填报的数字为{}，但各项之和为{}", self.describe_cell(ix), p, v)
                }
                (CellValue::Num(p), None) => {
                    format!("{}：填报的数字为{}，但各项均未填写或有误", self.describe_cell(ix), p)
                }
                (CellValue::Blank, Some(v)) => {
                    format!("{}：填报时为空白，但各项之和为{}（总计不应留空）", self.describe_cell(ix), v)
                }
                (CellValue::Invalid(e), _) => format!("{}：{}", self.describe_cell(ix), e),
                (CellValue::NotApplicable, _) => format!("{}：总计不能填“不适用”", self.describe_cell(ix)),
            };
            let mut f = Finding::new(rule_id, Severity::E, Target::Cell(c.id.clone()), msg);
            f.table = Some(self.form.tables[c.table].def.id.clone());
            f.cells = vec![c.id.clone()];
            if let (CellValue::Num(p), Some(v)) = (&published, computed) {
                f.left = Some(p.to_string());
                f.right = Some(v.to_string());
                f.difference = p.checked_sub(v).map(|d| d.to_string());
            }
            out.push(f);
        }
    }
}

fn cells_of(terms: &[Term]) -> impl Iterator<Item = CellIx> + '_ {
    terms.iter().filter_map(|t| match t.src {
        Src::Cell(c) => Some(c),
        _ => None,
    })
}

/// `一、本年新收(5)+二、上年结转(0)=5`; a single term is just `二、上年结转(3)`.
fn side_text(side: &Side) -> String {
    if side.only_const {
        return side.total.to_string();
    }
    let mut s = String::new();
    for (i, (name, v)) in side.parts.iter().enumerate() {
        if i > 0 && !name.starts_with('-') {
            s.push('+');
        }
        match v {
            Some(v) => s.push_str(&format!("{name}({v})")),
            None => s.push_str(&format!("{name}(未填)")),
        }
    }
    if side.parts.len() > 1 {
        s.push_str(&format!("={}", side.total));
    }
    s
}

fn fill(template: &str, scope: &str, l: Num, r: Num) -> String {
    let d = l.checked_sub(r).map(|d| d.to_string()).unwrap_or_default();
    template.replace("{scope}", scope).replace("{l}", &l.to_string()).replace("{r}", &r.to_string()).replace("{d}", &d)
}

pub(super) fn with_hint(msg: String, rule: &CompiledRule) -> String {
    match &rule.hint {
        Some(h) if rule.message.is_none() => format!("{msg}。{h}"),
        _ => msg,
    }
}

/// Counts of findings by severity: (errors, warnings, infos).
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for f in findings {
        match f.severity {
            Severity::E => c.0 += 1,
            Severity::W => c.1 += 1,
            Severity::I => c.2 += 1,
        }
    }
    c
}
