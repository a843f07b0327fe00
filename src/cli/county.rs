//! The 政务公开办's commands: `check` of many reports, `sum`, and `check 汇总.ron --children …`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::args::{CheckArgs, SumArgs};
use super::{CliError, EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, Out};
use crate::county::run::{self, CheckRequest, CountyError, Progress, SumRequest};
use crate::county::sum::compare;
use crate::county::{self, Entry, Outcome};
use crate::workflow;

impl From<CountyError> for CliError {
    fn from(e: CountyError) -> CliError {
        match e {
            CountyError::Workflow(e) => CliError::from(e),
            e if e.is_usage() => CliError::usage(e.to_string()),
            e => CliError::unreadable(e),
        }
    }
}

/// One line per report, as it is checked.
fn report_line(e: &Entry) -> String {
    match &e.outcome {
        Outcome::Checked(c) => {
            let mut line = format!(
                "[{}] {}（{}年度，{}，{}）：错误 {} 项，警告 {} 项，提示 {} 项",
                c.status().label(),
                if c.unit.is_empty() { "（未填单位名称）" } else { &c.unit },
                c.year,
                c.format_name,
                c.kind,
                c.errors,
                c.warnings,
                c.hints
            );
            line.push_str(&measures(c));
            if let Some(f) = c.first_error() {
                line.push_str(&format!("；首个错误：{}", f.message));
            }
            line.push_str(&format!("\n    文件：{}", county::shown(&e.path)));
            line
        }
        Outcome::Unreadable(reason) => county::unreadable_line(&e.path, reason),
    }
}

/// `；与上年重复62%（超过50%）；公开率83.3%，纠错率0%；规则包问题2项` — what the 政务公开办 compares.
fn measures(c: &county::Checked) -> String {
    let mut s = String::new();
    if let Some(r) = &c.repetition {
        let over = if r.over { format!("（超过{}%）", r.threshold) } else { String::new() };
        s.push_str(&format!("；与上年重复{}%{over}", r.percent));
    }
    let ind: Vec<String> = c
        .indicators
        .iter()
        .map(|i| format!("{}{}{}", i.name, i.label, i.limit.as_ref().map(|l| format!("（{l}）")).unwrap_or_default()))
        .collect();
    if !ind.is_empty() {
        s.push_str(&format!("；{}", ind.join("，")));
    }
    if c.pack_findings > 0 {
        s.push_str(&format!("；规则包问题{}项", c.pack_findings));
    }
    s
}

pub(super) fn cmd_check_batch(
    a: &CheckArgs,
    templates: Option<&Path>,
    out: &mut Out,
    err: &mut Out,
) -> Result<i32, CliError> {
    if a.prev.is_some() {
        return Err(CliError::usage(
            "检查多份报告时请用 --prev-dir 上年报告文件夹（按单位找到各自的上年报告；--prev 用于一份报告）".into(),
        ));
    }
    if a.out.output.is_some() {
        return Err(CliError::usage(
            "检查多份报告时请用 --summary 汇总表.xlsx 写出汇总表（-o 用于一份报告的审核清单）".into(),
        ));
    }
    let req = CheckRequest {
        paths: a.paths.clone(),
        roster: a.expect.clone(),
        previous_dir: a.prev_dir.clone(),
        import: a.reading.import_options(None),
        packs: Arc::new(super::rule_packs(templates, err)),
        today: crate::store::clock::today(),
        threads: county::default_threads(),
        summary: a.summary.clone(),
        confirmed: a.out.force,
    };
    let result = run::check(&req, &AtomicBool::new(false), |p| match p {
        Progress::PreviousUnreadable(files) => {
            for (path, reason) in files {
                err.line(&format!("注意：上年报告“{}”无法读取：{reason}", path.display()));
            }
        }
        Progress::Found(_) => {}
        Progress::Entry(e) if !a.json => out.line(&report_line(e)),
        Progress::Entry(_) => {}
    })?;
    let rec = &result.reconciliation;
    let totals = result.totals();
    if a.json {
        let skipped: Vec<serde_json::Value> = result
            .skipped
            .iter()
            .map(|(p, why)| serde_json::json!({ "path": p.to_string_lossy(), "reason": why }))
            .collect();
        // Through the types' own serialisation (file names that are not UTF-8 written with `�`),
        // never `json!` on a path, which panics on such a name.
        let json_error = |e: serde_json::Error| CliError::from(workflow::Error::Json(e));
        let rec_json = serde_json::to_value(rec).map_err(json_error)?;
        let doc = serde_json::json!({
            "reports": serde_json::to_value(&result.entries).map_err(json_error)?,
            "skipped": skipped,
            "missing": rec_json["missing"],
            "not_on_list": rec_json["not_on_list"],
            "duplicates": rec_json["duplicates"],
            "totals": totals,
        });
        let text = serde_json::to_string_pretty(&doc).map_err(json_error)?;
        out.raw(&text);
        out.raw("\n");
    } else {
        for (path, why) in &result.skipped {
            out.line(&format!("[已跳过] {}：{why}", county::shown(path)));
        }
        if result.roster.is_some() {
            if rec.missing.is_empty() {
                out.line("单位名单中的单位均已报送");
            } else {
                out.line(&format!("未报送（{}个单位）：{}", rec.missing.len(), rec.missing.join("、")));
            }
            for (path, unit) in &rec.not_on_list {
                let unit = if unit.is_empty() { "（未填单位名称）" } else { unit };
                out.line(&format!("不在单位名单中：{unit}（{}）", county::shown(path)));
            }
        }
        for (unit, year, files) in &rec.duplicates {
            let list: Vec<String> = files.iter().map(|f| county::shown(f)).collect();
            out.line(&format!("重复报送：{unit} {year}年度，共{}份：{}", files.len(), list.join("、")));
        }
        out.line(&totals.line());
    }
    if let Some(path) = &result.summary_written {
        out.wrote(path);
        err.line(&format!("已写出汇总表：{}", path.display()));
    }
    Ok(if totals.unreadable > 0 {
        EXIT_UNREADABLE
    } else if totals.errors > 0 || totals.missing > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

pub(super) fn cmd_sum(a: &SumArgs, out: &mut Out, err: &mut Out) -> Result<i32, CliError> {
    let unit = a.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let unit = unit.ok_or_else(|| CliError::usage("缺少汇总单位的名称（--unit 某某县人民政府办公室）".into()))?;
    let path = super::output(&a.out)?;
    let req = SumRequest {
        paths: a.paths.clone(),
        unit: unit.to_string(),
        import: a.reading.import_options(None),
        year: a.reading.year,
        output: path.to_path_buf(),
        confirmed: a.out.force,
    };
    let summed = run::sum(&req)?;
    out.wrote(path);
    out.line(&format!(
        "已把{}个单位的{}年度报告汇总为“{unit}”：{}",
        summed.units.len(),
        summed.report.year,
        path.display()
    ));
    for (i, (name, file)) in summed.units.iter().enumerate() {
        let name = if name.is_empty() { "（未填单位名称）" } else { name };
        out.line(&format!("  {}. {name}（{}）", i + 1, county::shown(file)));
    }
    for n in &summed.notes {
        err.line(&format!("注意：{n}"));
    }
    Ok(EXIT_OK)
}

pub(super) fn cmd_check_children(
    a: &CheckArgs,
    children: &[PathBuf],
    out: &mut Out,
    _err: &mut Out,
) -> Result<i32, CliError> {
    let total_path = super::one_input(&a.paths, "汇总报告")?;
    if children.is_empty() {
        return Err(CliError::usage("--children 后面缺少各单位的报告文件或文件夹".into()));
    }
    let total = workflow::read(&total_path, &a.reading.import_options(None))?.report;
    // The parts must be of the total's year (a part of another is named) and format.
    let (summer, parts) =
        run::add_up(children, &a.reading.import_options(None), Some(total.year), Some(&total_path), true)?;
    if parts.first().is_some_and(|p| p.template != total.template || p.annexes != total.annexes) {
        return Err(CliError::unreadable(format!(
            "汇总报告“{}”与各单位报告的格式不同，不能逐格核对",
            total_path.display()
        )));
    }
    let summed = summer.finish(total.unit.name.trim()).map_err(CliError::unreadable)?;
    let diffs = compare(&total, &summed, &parts).map_err(CliError::unreadable)?;
    let name = total.unit.name.trim();
    if diffs.is_empty() {
        out.line(&format!("“{name}”的每个单元格都等于{}个单位报告之和", summed.units.len()));
        return Ok(EXIT_OK);
    }
    out.line(&format!("“{name}”有{}个单元格与{}个单位报告之和不同：", diffs.len(), summed.units.len()));
    for d in &diffs {
        out.line(&format!("  {}", d.line()));
    }
    Ok(EXIT_FINDINGS)
}
