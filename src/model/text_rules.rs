//! The rule engine's arms for the checks evaluators apply to the text: repetition against last
//! year (RP), headings (HD), wording (WD), and a rule pack's lengths, required mentions and
//! deadline. What they look for is data in the template or the rule pack; the finding quotes
//! the place in the text.

use std::ops::Range;

use super::form::{CCond, CompiledRule, Deadline};
use super::repetition::{self, Rates};
use super::rules::{Eval, Finding, Fix, SIGNED_ON, Target, with_hint};
use super::template::RepetitionScope;
use super::text_checks::{Compiled, sentence_around, stated};
use super::wording;

/// The 基本信息 item a custom opening paragraph is (it is edited there).
pub const OPENING: &str = "开头段落";

/// "…，另有3处" when a text holds more than the one quoted.
fn more(n: usize) -> String {
    if n > 1 { format!("，另有{}处", n - 1) } else { String::new() }
}

impl Eval<'_> {
    /// Every text of the report that is printed: the sections and sub-sections in order, and a
    /// custom opening paragraph. (Where, how messages name it, the text.)
    fn texts(&self) -> Vec<(Target, String, &str)> {
        let mut v: Vec<(Target, String, &str)> = self
            .form
            .section_keys()
            .into_iter()
            .map(|k| (Target::Section(k.clone()), self.heading(&k), self.report.section(&k)))
            .collect();
        if let Some(t) = self.report.options.opening_text.as_deref().filter(|t| !t.trim().is_empty()) {
            v.insert(0, (Target::Unit(OPENING.into()), OPENING.into(), t));
        }
        v.retain(|(_, _, t)| !t.trim().is_empty());
        v
    }

    fn text_finding(&self, rule: &CompiledRule, target: Target, msg: String) -> Finding {
        self.finding(rule, None, vec![], with_hint(msg, rule)).at(target)
    }

    fn rates(&self) -> Option<&Rates> {
        self.rates.get_or_init(|| repetition::report_rates(self.form, self.report, &self.form.generated)).as_ref()
    }

    pub(super) fn repetition(
        &self,
        rule: &CompiledRule,
        scope: RepetitionScope,
        percent: u32,
        min_chars: usize,
        source: Option<&str>,
        out: &mut Vec<Finding>,
    ) {
        let Some(rates) = self.rates() else { return };
        let limit = match source {
            Some(s) => format!("超过{s}规定的{percent}%"),
            None => format!("超过{percent}%"),
        };
        let advice = "与上年相同的句子在正文编辑框中以黄色标出，请按本年度的实际工作改写";
        let mut push = |target: Target, what: String, share: repetition::Share| {
            let msg = format!("{what}与上年（{}年度）报告重复{}，{limit}：{advice}", rates.year, share.label());
            let mut f = self.text_finding(rule, target, msg);
            f.left = Some(share.label());
            f.right = Some(format!("{percent}%"));
            out.push(f);
        };
        match scope {
            RepetitionScope::Sections => {
                for s in &rates.sections {
                    if s.share.counted >= min_chars && s.share.over(percent) {
                        push(Target::Section(s.key.clone()), format!("“{}”", s.heading), s.share);
                    }
                }
            }
            RepetitionScope::Report => {
                if rates.whole.counted >= min_chars && rates.whole.over(percent) {
                    push(Target::Report, "全文".into(), rates.whole);
                }
            }
            RepetitionScope::Rates => {
                if rates.whole.counted == 0 {
                    return;
                }
                let msg = format!(
                    "与上年（{}年度）报告的文字重复率：{}（按连续{}个字以上与上年相同的文字占全部文字的比例计，不计标点和空格，数字视为相同）",
                    rates.year,
                    rates.summary(),
                    repetition::RUN
                );
                let mut f = self.text_finding(rule, Target::Report, msg);
                f.left = Some(rates.whole.label());
                f.right = Some(format!("{percent}%"));
                out.push(f);
            }
        }
    }

    pub(super) fn ascii_punctuation(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        for (target, name, text) in self.texts() {
            let marks = super::punct::ascii_marks(text);
            let Some(&first) = marks.first() else { continue };
            let len = text[first..].chars().next().map_or(1, char::len_utf8);
            let msg = format!(
                "“{name}”中有{}处半角标点夹在中文里，如“{}”：中文句子应使用全角标点（，；：（）等）。可点“标点规范化”（或“编辑”菜单中的同名命令）一键改正",
                marks.len(),
                wording::context(text, &(first..first + len), 6)
            );
            let mut f = self.text_finding(rule, target, msg);
            f.fix = Some(Fix::NormalizePunctuation);
            out.push(f);
        }
    }

    pub(super) fn doubled(&self, rule: &CompiledRule, chars: &str, except: &[String], out: &mut Vec<Finding>) {
        for (target, name, text) in self.texts() {
            let found = wording::doubled(text, chars, except);
            let Some(first) = found.first() else { continue };
            let msg = format!(
                "“{name}”中“{}”重复：“{}”{}，请删去多余的字词",
                &text[first.clone()],
                wording::context(text, first, 6),
                more(found.len())
            );
            out.push(self.text_finding(rule, target, msg));
        }
    }

    pub(super) fn placeholders(&self, rule: &CompiledRule, patterns: &[regex::Regex], out: &mut Vec<Finding>) {
        for (target, name, text) in self.texts() {
            let mut found: Vec<Range<usize>> =
                patterns.iter().flat_map(|re| re.find_iter(text).map(|m| m.range())).collect();
            found.sort_by_key(|r| r.start);
            found.dedup_by(|b, a| b.start < a.end);
            let Some(first) = found.first() else { continue };
            let msg = format!(
                "“{name}”中留有待填写的占位文字“{}”：“{}”{}，请填写实际内容",
                &text[first.clone()],
                wording::context(text, first, 8),
                more(found.len())
            );
            out.push(self.text_finding(rule, target, msg));
        }
    }

    pub(super) fn period_years(
        &self,
        rule: &CompiledRule,
        patterns: &[regex::Regex],
        future: &[String],
        out: &mut Vec<Finding>,
    ) {
        let y = self.report.year;
        for (target, name, text) in self.texts() {
            let mut wrong: Vec<(Range<usize>, i32, String)> = Vec::new();
            for re in patterns {
                for caps in re.captures_iter(text) {
                    let Some(m) = caps.name("y") else { continue };
                    let Ok(year) = m.as_str().parse::<i32>() else { continue };
                    let range = m.range();
                    if year == y || year == y - 1 || wording::in_title(text, range.start) {
                        continue;
                    }
                    if wording::in_year_span(text, &range) || wrong.iter().any(|(r, ..)| *r == range) {
                        continue;
                    }
                    let sentence = sentence_around(text, range.start, range.end);
                    // Next year's plans (「2026年，我局将…」) are the report's to state.
                    if year == y + 1 && future.iter().any(|w| sentence.contains(w.as_str())) {
                        continue;
                    }
                    wrong.push((range, year, sentence));
                }
            }
            wrong.sort_by_key(|(r, ..)| r.start);
            let Some((_, year, sentence)) = wrong.first() else { continue };
            let msg = format!(
                "“{name}”写的是“{sentence}”：{year}年既不是报告年度（{y}年）也不是上一年度{}，请核对是否沿用了往年报告的文字",
                more(wrong.len())
            );
            out.push(self.text_finding(rule, target, msg));
        }
    }

    pub(super) fn text_claim(
        &self,
        rule: &CompiledRule,
        patterns: &[regex::Regex],
        (context, unless): (&[String], &[String]),
        when_any: &[CCond],
        sections: &[String],
        out: &mut Vec<Finding>,
    ) {
        // What the tables say, when they contradict the words (the first condition that holds).
        let Some(contradiction) = when_any.iter().find_map(|c| self.cond(rule, c).flatten()) else { return };
        for (target, name, text) in self.texts() {
            if let Target::Section(key) = &target
                && !sections.is_empty()
                && !sections.contains(key)
            {
                continue;
            }
            let claim = patterns.iter().flat_map(|re| re.find_iter(text)).find_map(|m| {
                let sentence = sentence_around(text, m.start(), m.end());
                let about = context.is_empty() || context.iter().any(|w| sentence.contains(w.as_str()));
                let other = unless.iter().any(|w| sentence.contains(w.as_str()));
                (about && !other).then(|| (m.as_str().to_string(), sentence))
            });
            let Some((words, sentence)) = claim else { continue };
            let msg = format!("“{name}”写的是“{sentence}”，说“{words}”，但{contradiction}：文字与表格矛盾");
            out.push(self.text_finding(rule, target, msg));
        }
    }

    /// The printed headings, for a published file (a draft prints the template's).
    fn printed(&self) -> Option<&[super::headings::PrintedHeading]> {
        self.ctx.headings.as_deref()
    }

    pub(super) fn headings_verbatim(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        let Some(printed) = self.printed() else { return };
        for p in printed {
            let Some((i, def)) = self.form.template.sections.iter().enumerate().find(|(_, s)| s.id == p.section) else {
                continue;
            };
            if let Some(problem) = super::headings::heading_problem(&p.text, i, def) {
                let msg = format!("标题“{}”应为“{}”：{problem}", p.text.trim(), def.heading);
                out.push(self.text_finding(rule, Target::Section(def.id.clone()), msg));
            }
        }
    }

    pub(super) fn promoted_headings(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        let official: Vec<(String, &str)> =
            self.form.template.sections.iter().map(|s| (super::labels::core(&s.heading), s.heading.as_str())).collect();
        for (target, name, text) in self.texts() {
            let lines: Vec<&str> = text.lines().filter(|l| super::headings::looks_top_level(l)).collect();
            let Some(first) = lines.first() else { continue };
            let line = first.trim();
            let core = super::labels::core(line);
            let msg = match official.iter().find(|(c, _)| *c == core) {
                Some((_, heading)) => format!(
                    "“{name}”的正文中出现了另一部分的标题“{line}”（即“{heading}”）：各部分应按统一格式的顺序排列，标题不能重复{}",
                    more(lines.len())
                ),
                None => format!(
                    "“{name}”中的“{line}”写成了一级标题（“一、”式序号），但它不是统一格式的部分：本部分的小标题应编为“（一）”“（二）”…；统一格式只有六个部分{}",
                    more(lines.len())
                ),
            };
            out.push(self.text_finding(rule, target, msg));
        }
    }

    pub(super) fn subheading_numbers(&self, rule: &CompiledRule, out: &mut Vec<Finding>) {
        for (target, name, text) in self.texts() {
            let slips = super::headings::numbering_slips(text);
            let Some(first) = slips.first() else { continue };
            let msg = format!("“{name}”的小标题序号有误：{}{}", first.describe(), more(slips.len()));
            out.push(self.text_finding(rule, target, msg));
        }
    }

    pub(super) fn max_length(
        &self,
        rule: &CompiledRule,
        sections: &[(String, Vec<String>)],
        max: usize,
        spaces: bool,
        punctuation: bool,
        out: &mut Vec<Finding>,
    ) {
        let counts = |c: &char| {
            if c.is_whitespace() {
                spaces && *c != '\n' && *c != '\r'
            } else if c.is_alphanumeric() {
                true
            } else {
                punctuation
            }
        };
        for (key, keys) in sections {
            let n: usize = keys.iter().map(|k| self.report.section(k).chars().filter(counts).count()).sum();
            if n <= max {
                continue;
            }
            let how = match (spaces, punctuation) {
                (false, true) => "不计空格，计标点",
                (false, false) => "不计空格和标点",
                (true, true) => "计空格和标点",
                (true, false) => "计空格，不计标点",
            };
            let msg = format!("“{}”共{n}字（{how}，不含小标题），超过{max}字的篇幅要求", self.heading(key));
            let mut f = self.text_finding(rule, Target::Section(key.clone()), msg);
            f.left = Some(n.to_string());
            f.right = Some(max.to_string());
            f.difference = Some((n - max).to_string());
            out.push(f);
        }
    }

    pub(super) fn mentions(
        &self,
        rule: &CompiledRule,
        sections: &[(String, Vec<String>)],
        subjects: &[(String, Vec<Compiled>)],
        out: &mut Vec<Finding>,
    ) {
        for (key, keys) in sections {
            let text: String = keys.iter().map(|k| self.report.section(k)).collect::<Vec<_>>().join("\n");
            // An empty section is said by the checks that a section is filled in.
            if text.trim().is_empty() {
                continue;
            }
            for (subject, patterns) in subjects {
                if !stated(&text, patterns).is_empty() {
                    continue;
                }
                let msg = format!("“{}”没有写明{subject}", self.heading(key));
                let mut f = self.text_finding(rule, Target::Section(key.clone()), msg);
                // One explanation per subject (「本单位不编发政府公报」).
                f.key = format!("{}@{key}#{subject}", rule.id);
                out.push(f);
            }
        }
    }

    pub(super) fn deadline(&self, rule: &CompiledRule, deadline: Deadline, out: &mut Vec<Finding>) {
        let Some(due) = deadline.date_for(self.report.year) else { return };
        let msg = match (self.report.signed_on, self.ctx.today) {
            (Some(d), _) if d > due => {
                format!("落款日期{}晚于报送和公开期限{}：请在期限内定稿、报送并公开", d.chinese(), due.chinese())
            }
            (None, Some(today)) if today > due => format!(
                "已过报送和公开期限{}（今天是{}），尚未填写落款日期：请尽快定稿、报送并公开",
                due.chinese(),
                today.chinese()
            ),
            _ => return,
        };
        out.push(self.text_finding(rule, Target::Unit(SIGNED_ON.into()), msg));
    }
}
