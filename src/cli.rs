//! The command line: the same work as the window, for batch use and tests.
//!
//! Messages are Chinese like the rest of the app; argument parsing is hand-written so that every
//! message a staffer may see is in Chinese too.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::rules::counts;
use crate::model::{Context, Date, Finding, Form, Report, Severity, Template};
use crate::store::csv::{self, CsvData, ImportOptions};
use crate::store::{atomic, draft};

/// Exit codes of `check` (design): no errors / errors found / file unreadable.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_UNREADABLE: i32 = 2;

pub const USAGE: &str = "\
年报 nianbao — 政府信息公开工作年度报告填报、核对与打印

用法：
  nianbao [草稿.ron]                       打开窗口（可直接打开一份草稿）
  nianbao new --year 2025 --unit 机关全称 [--format gb2021] -o 草稿.ron
                                            新建空白草稿（格式默认按年度：2020年及以前gb2019，2021年起gb2021）
  nianbao new --from 上年.ron -o 草稿.ron   以上年报告为模板新建本年草稿
  nianbao new --from 上年.csv --year 2025 [--format gb2021] [--unit 机关全称] -o 草稿.ron
                                            以上年已公开表格（长格式CSV）为参考新建
  nianbao check 文件(.ron|.csv) [--json] [--format F] [--year Y]
                                            检查全部勾稽关系；退出码 0 无错误，1 有错误，2 文件无法读取
  nianbao export 草稿.ron -o 报告.pdf [--final]
                                            导出可打印的PDF（有错误时加“草稿”水印，除非 --final）
  nianbao export-csv 草稿.ron -o 表格.csv   导出长格式CSV（表,行,列,值）
  nianbao import 表格.csv --year 2025 --unit 机关全称 [--format gb2021] -o 草稿.ron
                                            从长格式CSV导入为草稿
  nianbao --help | --version
";

/// Parsed options of one subcommand.
#[derive(Debug, Default)]
struct Args {
    positional: Vec<String>,
    output: Option<PathBuf>,
    format: Option<String>,
    year: Option<i32>,
    unit: Option<String>,
    from: Option<PathBuf>,
    json: bool,
    final_export: bool,
    force: bool,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut a = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("选项 {name} 后面缺少值"));
        match arg.as_str() {
            "-o" | "--output" => a.output = Some(PathBuf::from(value(arg)?)),
            "--format" => a.format = Some(value(arg)?.to_lowercase()),
            "--year" => {
                let v = value(arg)?;
                a.year = Some(v.trim_end_matches('年').parse().map_err(|_| format!("年度“{v}”不是有效的年份"))?);
            }
            "--unit" => a.unit = Some(value(arg)?),
            "--from" => a.from = Some(PathBuf::from(value(arg)?)),
            "--json" => a.json = true,
            "--final" => a.final_export = true,
            "--force" => a.force = true,
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("未知的选项“{s}”")),
            s => a.positional.push(s.to_string()),
        }
    }
    Ok(a)
}

/// Runs a subcommand (`args` without the program name). Returns the exit code.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let Some(cmd) = args.first() else {
        let _ = write!(out, "{USAGE}");
        return EXIT_OK;
    };
    if matches!(cmd.as_str(), "-h" | "--help" | "help") {
        let _ = write!(out, "{USAGE}");
        return EXIT_OK;
    }
    if matches!(cmd.as_str(), "-V" | "--version") {
        let _ = writeln!(out, "nianbao {}", env!("CARGO_PKG_VERSION"));
        return EXIT_OK;
    }
    let parsed = match parse_args(&args[1..]) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(err, "错误：{e}\n\n{USAGE}");
            return EXIT_UNREADABLE;
        }
    };
    let result = match cmd.as_str() {
        "new" => cmd_new(&parsed, out),
        "check" => return cmd_check(&parsed, out, err),
        "export-csv" => cmd_export_csv(&parsed, out),
        "import" => cmd_import(&parsed, out),
        "export" => cmd_export(&parsed, out, err),
        other => Err(CliError::usage(format!("未知的命令“{other}”"))),
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => {
            let _ = writeln!(err, "错误：{}", e.message);
            if e.show_usage {
                let _ = write!(err, "\n{USAGE}");
            }
            e.code
        }
    }
}

struct CliError {
    message: String,
    code: i32,
    show_usage: bool,
}

impl CliError {
    fn usage(message: String) -> CliError {
        CliError { message, code: EXIT_UNREADABLE, show_usage: true }
    }
    fn unreadable(message: impl ToString) -> CliError {
        CliError { message: message.to_string(), code: EXIT_UNREADABLE, show_usage: false }
    }
    fn findings(message: String) -> CliError {
        CliError { message, code: EXIT_FINDINGS, show_usage: false }
    }
}

fn one_input(a: &Args, what: &str) -> Result<PathBuf, CliError> {
    match a.positional.as_slice() {
        [one] => Ok(PathBuf::from(one)),
        [] => Err(CliError::usage(format!("缺少{what}"))),
        _ => Err(CliError::usage(format!("只能给出一个{what}"))),
    }
}

fn output(a: &Args) -> Result<&Path, CliError> {
    a.output.as_deref().ok_or_else(|| CliError::usage("缺少输出文件（-o 文件名）".into()))
}

/// Refuses to overwrite an existing file that is not a readable draft (never destroy what
/// could not be read), and an existing draft unless `--force`.
fn guard_overwrite(path: &Path, force: bool) -> Result<(), CliError> {
    if !path.exists() {
        return Ok(());
    }
    if force && draft::load(path).is_ok() {
        return Ok(());
    }
    Err(CliError::unreadable(format!("“{}”已存在；为免覆盖，请换一个文件名（或对草稿使用 --force）", path.display())))
}

fn save_draft(path: &Path, report: &Report) -> Result<(), CliError> {
    draft::save(path, report).map_err(CliError::unreadable)
}

fn cmd_new(a: &Args, out: &mut dyn Write) -> Result<(), CliError> {
    let path = output(a)?;
    guard_overwrite(path, a.force)?;
    if let Some(from) = &a.from {
        let report = crate::store::rollover_from_file(from, a.year, a.format.as_deref(), a.unit.as_deref())
            .map_err(CliError::unreadable)?;
        save_draft(path, &report)?;
        let _ = writeln!(
            out,
            "已由{}新建{}年度草稿（{}）：{}",
            from.display(),
            report.year,
            report.template,
            path.display()
        );
        return Ok(());
    }
    let year = a.year.ok_or_else(|| CliError::usage("缺少报告年度（--year 2025）".into()))?;
    if !crate::model::report::YEARS.contains(&year) {
        return Err(CliError::usage(format!("报告年度“{year}”不合理")));
    }
    let format = a.format.clone().unwrap_or_else(|| Template::format_for_year(year));
    match Template::get(&format) {
        Ok(t) if t.kind == crate::model::template::TemplateKind::Report => {}
        _ => return Err(CliError::usage(format!("未知的报告格式“{format}”（应为 gb2021 或 gb2019）"))),
    }
    let report = Report::new(&format, year, a.unit.as_deref().unwrap_or(""));
    save_draft(path, &report)?;
    let _ = writeln!(out, "已新建{year}年度空白草稿（{format}）：{}", path.display());
    Ok(())
}

/// What `check` looked at: a draft, or a CSV with its line problems and published totals.
struct Loaded {
    report: Report,
    published: std::collections::BTreeMap<String, String>,
    csv_issues: Vec<csv::CsvIssue>,
    /// What the draft reader noticed (unknown fields, control characters).
    warnings: Vec<String>,
}

fn load_any(path: &Path, a: &Args) -> Result<Loaded, String> {
    if csv::is_csv_path(path) {
        let opts = ImportOptions { format: a.format.clone(), year: a.year, unit: a.unit.clone() };
        let CsvData { report, published, issues } = csv::read(path, &opts).map_err(|e| e.to_string())?;
        Ok(Loaded { report, published, csv_issues: issues, warnings: Vec::new() })
    } else {
        let loaded = draft::load_checked(path).map_err(|e| e.to_string())?;
        Ok(Loaded {
            report: loaded.report,
            published: Default::default(),
            csv_issues: Vec::new(),
            warnings: loaded.warnings,
        })
    }
}

/// All findings for a loaded file, CSV line problems first (as errors).
fn findings_for(loaded: &Loaded, form: &Form) -> Vec<Finding> {
    let ctx = Context { today: Some(Date::today()), published: loaded.published.clone() };
    let (_, mut findings) = crate::model::check_report(form, &loaded.report, &ctx);
    let mut all: Vec<Finding> = loaded
        .csv_issues
        .iter()
        .map(|i| Finding::new("CSV", Severity::E, crate::model::rules::Target::Line(i.line), i.to_string()))
        .collect();
    all.append(&mut findings);
    all
}

fn cmd_check(a: &Args, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let path = match one_input(a, "要检查的文件") {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(err, "错误：{}\n\n{USAGE}", e.message);
            return EXIT_UNREADABLE;
        }
    };
    let loaded = match load_any(&path, a) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(err, "错误：{e}");
            return EXIT_UNREADABLE;
        }
    };
    let form = match loaded.report.form() {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "错误：{e}");
            return EXIT_UNREADABLE;
        }
    };
    for w in &loaded.warnings {
        let _ = writeln!(err, "注意：{w}");
    }
    let findings = findings_for(&loaded, &form);
    let (e, w, i) = counts(&findings);
    if a.json {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&findings).unwrap_or_else(|_| "[]".into()));
    } else {
        let r = &loaded.report;
        let _ = writeln!(out, "{}（{}年度，{}格式）", path.display(), r.year, form.template.name);
        let _ = writeln!(out, "错误 {e} 项，警告 {w} 项，提示 {i} 项");
        for f in &findings {
            let _ = writeln!(out, "[{}] {} {}", f.severity.label(), f.rule, f.message);
            if let Some(x) = f.explanation.as_deref().filter(|x| !x.trim().is_empty()) {
                let _ = writeln!(out, "    已说明：{x}");
            }
        }
    }
    if e > 0 { EXIT_FINDINGS } else { EXIT_OK }
}

fn cmd_export_csv(a: &Args, out: &mut dyn Write) -> Result<(), CliError> {
    let input = one_input(a, "草稿文件")?;
    let path = output(a)?;
    let report = draft::load(&input).map_err(CliError::unreadable)?;
    let form = report.form().map_err(CliError::unreadable)?;
    let text = csv::export(&report, &form);
    atomic::write_atomic(path, text.as_bytes())
        .map_err(|e| CliError::unreadable(format!("无法保存到“{}”：{}", path.display(), atomic::describe_io(&e))))?;
    let _ = writeln!(out, "已导出：{}", path.display());
    Ok(())
}

fn cmd_import(a: &Args, out: &mut dyn Write) -> Result<(), CliError> {
    let input = one_input(a, "CSV文件")?;
    let path = output(a)?;
    guard_overwrite(path, a.force)?;
    let opts = ImportOptions { format: a.format.clone(), year: a.year, unit: a.unit.clone() };
    let data = csv::read(&input, &opts).map_err(CliError::unreadable)?;
    if !data.issues.is_empty() {
        let list: Vec<String> = data.issues.iter().map(|i| i.to_string()).collect();
        return Err(CliError::findings(format!("CSV中有无法识别的内容，未导入：\n  {}", list.join("\n  "))));
    }
    let form = data.report.form().map_err(CliError::unreadable)?;
    // Totals given in the file are compared with the computed ones and reported, not kept.
    let ctx = Context { today: None, published: data.published.clone() };
    let (_, findings) = crate::model::check_report(&form, &data.report, &ctx);
    save_draft(path, &data.report)?;
    let _ = writeln!(out, "已导入{}年度（{}）：{}", data.report.year, data.report.template, path.display());
    let mismatches: Vec<&Finding> =
        findings.iter().filter(|f| data.published.keys().any(|k| f.cells.contains(k))).collect();
    for f in mismatches {
        let _ = writeln!(out, "注意：[{}] {} {}", f.severity.label(), f.rule, f.message);
    }
    Ok(())
}

#[cfg(not(feature = "pdf"))]
fn cmd_export(_a: &Args, _out: &mut dyn Write, _err: &mut dyn Write) -> Result<(), CliError> {
    Err(CliError::unreadable("这个版本编译时未包含PDF导出（pdf 功能）"))
}

#[cfg(feature = "pdf")]
fn cmd_export(a: &Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), CliError> {
    let input = one_input(a, "草稿文件")?;
    let path = output(a)?;
    let report = draft::load(&input).map_err(CliError::unreadable)?;
    let form = report.form().map_err(CliError::unreadable)?;
    // The same font choices as the window (settings), when there are any.
    let fonts = crate::store::settings::settings_path()
        .map(|p| crate::store::settings::load(&p).0.pdf_fonts)
        .unwrap_or_default();
    let opts = crate::pdf::PdfOptions { final_export: a.final_export, fonts };
    let pdf = crate::pdf::export(&report, &form, &opts).map_err(|e| CliError::findings(e.to_string()))?;
    atomic::write_atomic(path, &pdf.bytes)
        .map_err(|e| CliError::unreadable(format!("无法保存到“{}”：{}", path.display(), atomic::describe_io(&e))))?;
    for w in &pdf.warnings {
        let _ = writeln!(err, "注意：{w}");
    }
    let _ = writeln!(out, "已导出PDF（{}页）：{}", pdf.pages, path.display());
    Ok(())
}

/// Whether a first argument is a subcommand (otherwise it may be a draft to open in the window).
pub fn is_command(arg: &str) -> bool {
    matches!(arg, "new" | "check" | "export" | "export-csv" | "import" | "help")
}
