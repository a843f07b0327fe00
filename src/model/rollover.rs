//! This year's report from last year's (spec §6).
//!
//! Carried: unit details, and the cells the template's `carry` rules name (表三 `二、上年结转`
//! from last year's `四、结转下年度继续办理` per column; GB2019 `上一年项目数量` from last year's
//! `上一年项目数量 + 本年增/减`). Every other
//! number starts empty. Narratives are not copied (30号 warns against 内容雷同); they travel in
//! the reference values, shown read-only beside this year's editors, together with all of last
//! year's figures for the cross-year checks.

use std::collections::BTreeMap;

use super::form::Form;
use super::report::{Reference, Report, ReportOptions, Values};
use super::template::TemplateError;
use super::value::canonical_text;

/// Last year's figures as reference values: every cell (computed totals included) as canonical
/// text, plus last year's text sections.
pub fn reference_of(last: &Report, form: &Form) -> Reference {
    let values = Values::compute(form, last);
    let mut cells = BTreeMap::new();
    for (ix, c) in form.cells.iter().enumerate() {
        if c.ui_only {
            continue;
        }
        let text = if c.is_input() {
            canonical_text(last.cell_text(&c.id), &c.kind, c.allow_na)
        } else {
            values.get(ix).num().map(|n| n.to_string())
        };
        if let Some(t) = text.filter(|t| t != super::value::NOT_APPLICABLE) {
            cells.insert(c.id.clone(), t);
        }
    }
    let sections =
        last.sections.iter().filter(|(_, t)| !t.trim().is_empty()).map(|(k, t)| (k.clone(), t.clone())).collect();
    Reference { year: last.year, template: last.template.clone(), cells, sections }
}

/// Builds the draft for `year` in format `template` from last year's report.
pub fn roll_over(last: &Report, year: i32, template: &str) -> Result<Report, TemplateError> {
    let last_form = last.form()?;
    let mut next = Report::new(template, year, &last.unit.name);
    next.unit = last.unit.clone();
    next.annexes = last.annexes.clone();
    next.options = ReportOptions { opening_text: None, money_units: BTreeMap::new(), ..last.options.clone() };
    let form = next.form()?;
    let reference = reference_of(last, &last_form);
    carry_forward(&form, &reference, &mut next);
    next.reference = Some(reference);
    Ok(next)
}

/// Pre-fills this year's carried cells from reference values (also used when last year's figures
/// come from a CSV of the published tables). Which cells carry, and from what, the template's
/// `carry` rules say (表三 上年结转; GB2019 上一年项目数量).
pub fn carry_forward(form: &Form, reference: &Reference, next: &mut Report) {
    for carry in form.carries.iter().filter(|c| form.cells[c.cell].is_input()) {
        if let Some(v) = carry.value(|id| reference.value(id)) {
            next.set_cell(&form.cells[carry.cell].id, &v.to_string());
        }
    }
}

/// Why last year's report cannot be compared with this year's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreviousError {
    #[error("所选报告是{found}年度，不早于本报告（{year}年度）：请选择往年的报告")]
    NotEarlier { found: i32, year: i32 },
    #[error("所选报告中没有正文，无法比较与上年的重复率")]
    NoText,
}

/// Keeps last year's texts in this year's report (its reference values), replacing any kept
/// there, so the repetition and copied-text checks compare with them. The figures stay those
/// the roll-over carried (a report read from a published file is compared as text only).
/// Returns how many sections of text were taken.
pub fn use_previous_texts(report: &mut Report, last: &Report) -> Result<usize, PreviousError> {
    if last.year >= report.year {
        return Err(PreviousError::NotEarlier { found: last.year, year: report.year });
    }
    let sections: BTreeMap<String, String> =
        last.sections.iter().filter(|(_, t)| !t.trim().is_empty()).map(|(k, t)| (k.clone(), t.clone())).collect();
    if sections.is_empty() {
        return Err(PreviousError::NoText);
    }
    let n = sections.len();
    match &mut report.reference {
        Some(r) => {
            r.sections = sections;
            // The texts are that year's now; a roll-over's figures keep theirs.
            if r.cells.is_empty() {
                r.year = last.year;
                r.template = last.template.clone();
            }
        }
        None => {
            report.reference =
                Some(Reference { year: last.year, template: last.template.clone(), cells: BTreeMap::new(), sections })
        }
    }
    Ok(n)
}
