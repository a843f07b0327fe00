//! This year's report from last year's (spec §6).
//!
//! Carried: unit details, 表三 `二、上年结转` from last year's `四、结转下年度继续办理` (per
//! column), GB2019 `上一年项目数量` from last year's `上一年项目数量 + 本年增/减`. Every other
//! number starts empty. Narratives are not copied (30号 warns against 内容雷同); they travel in
//! the reference values, shown read-only beside this year's editors, together with all of last
//! year's figures for the cross-year checks.

use std::collections::BTreeMap;

use super::report::{Reference, Report, ReportOptions, Values};
use super::template::{Form, TemplateError};
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
/// come from a CSV of the published tables).
pub fn carry_forward(form: &Form, reference: &Reference, next: &mut Report) {
    let num = |id: &str| reference.value(id);
    // 表三: 上年结转 = last year's 结转下年度继续办理, per input column.
    for (_, c) in form.input_cells().filter(|(_, c)| c.table_is("t3") && c.row_key == "carry_in") {
        let from = format!("t3.carry_out.{}", c.col_key);
        if let Some(v) = num(&from) {
            next.set_cell(&c.id, &v.to_string());
        }
    }
    // GB2019 → GB2019: 上一年项目数量 = last year's 上一年项目数量 + 本年增/减.
    if reference.template == "gb2019" && next.template == "gb2019" {
        for (_, c) in form.input_cells().filter(|(_, c)| c.table_is("t2") && c.col_key == "prev") {
            let prev = num(&c.id);
            let delta = num(&format!("t2.{}.delta", c.row_key));
            let sum = match (prev, delta) {
                (None, None) => None,
                (p, d) => p.unwrap_or_default().checked_add(d.unwrap_or_default()),
            };
            if let Some(s) = sum {
                next.set_cell(&c.id, &s.to_string());
            }
        }
    }
}
