//! The command line: the same work as the window, for batch use and tests.
//!
//! Messages are Chinese like the rest of the app; argument parsing is hand-written so that every
//! message a staffer may see is in Chinese too.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::rules::counts;
use crate::model::{Date, Finding, Form, Report};
use crate::store::atomic;
use crate::store::csv::ImportOptions;
use crate::store::output::Purpose;
use crate::workflow;

mod county;
use county::{cmd_check_batch, cmd_check_children, cmd_sum};

/// Exit codes of `check` (design): no errors / errors found / file unreadable.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_UNREADABLE: i32 = 2;

pub const USAGE: &str = "\
年报 nianbao — 政府信息公开工作年度报告填报、核对与打印

用法：
  nianbao [草稿.ron]                       打开窗口（可直接打开一份草稿）
  nianbao new --year 2025 --unit 机关全称 [--format gb2021] -o 草稿.ron [--force]
                                            新建空白草稿（格式默认按年度：2020年及以前gb2019，2021年起gb2021）
  nianbao new --from 上年.ron -o 草稿.ron   以上年报告为模板新建本年草稿
  nianbao new --from 上年.csv --year 2025 [--format gb2021] [--unit 机关全称] -o 草稿.ron
                                            以上年已公开表格（长格式CSV）为参考新建
  nianbao new --from 上年报告(.html|.docx|.pdf|.txt) [--year 2025] -o 草稿.ron
                                            以上年已公开的报告（网页、Word、PDF、复制的文字）为参考新建
  nianbao check 文件(.ron|.csv|.html|.docx|.pdf|.txt) [--json] [--format F] [--year Y]
                                            检查全部勾稽关系；退出码 0 无错误，1 有错误，2 文件无法读取
  nianbao check 文件 -o 审核清单.xlsx|.html|.pdf [--force]
                                            同时写出审核清单（每个问题、两边数字、差额、说明和签字栏）
  nianbao check 文件 --prev 上年报告(.ron|.csv|.html|.docx|.pdf|.txt)
                                            与上年报告的正文比较重复率（草稿中已有上年正文时，以所给文件为准）
  nianbao check 文件或文件夹… [--summary 汇总表.xlsx|.html|.csv] [--expect 单位名单.txt] [--prev-dir 上年报告文件夹] [--json] [--force]
                                            批量检查（文件夹含子文件夹）：每份报告一行及合计；--expect 列出未报送、
                                            名单外和重复报送的单位；--prev-dir 按单位找到上年报告，列出与上年重复率；
                                            退出码 0 全部无错误，1 有错误或有未报送，2 有文件无法读取
  nianbao check 汇总.ron --children 文件或文件夹…
                                            核对汇总报告：与各单位报告逐格相加的结果不同的单元格，并列出各单位的数字
  nianbao sum 文件或文件夹… --unit 汇总单位 [--year 2025] -o 汇总.ron [--force]
                                            把各单位报告逐格相加为一份汇总草稿（年度、格式须相同），并列出所含单位
  nianbao export 草稿.ron -o 报告.pdf [--final] [--date-by-hand] [--fonts] [--force]
                                            导出可打印的PDF（有错误时加“草稿”水印，除非 --final；
                                            --date-by-hand 未填落款日期时留空手写；--fonts 列出各部分所用字体）
  nianbao export 草稿.ron -o 报告.docx|.html|.xlsx [--final] [--force]
                                            导出Word文档、网页或Excel表格（按扩展名；也可加 --format docx|html|xlsx|pdf）
  nianbao export-csv 草稿.ron -o 表格.csv [--force]
                                            导出长格式CSV（表,行,列,值）
                                            已存在的文件只在加 --force 时覆盖；输入文件本身从不覆盖
  nianbao import 表格.csv --year 2025 --unit 机关全称 [--format gb2021] -o 草稿.ron
                                            从长格式CSV导入为草稿
  nianbao import 报告(.html|.docx|.pdf|.txt) [--year Y] [--unit 机关全称] [--format F] [--json] -o 草稿.ron
                                            从已公开的报告（网页、Word、PDF、复制的文字）导入为草稿，并列出导入报告
  nianbao --help | --version

每个命令都可加 --templates 文件夹：载入其中的 *.ron 模板（与设置文件夹中 templates 下的模板一样），
用于省级补充表或新的全国格式；其中的规则包（RulePack(...)，如本地的篇幅、必写数量、报送期限）在检查时一并使用。
";

/// Parsed options of one subcommand. Paths stay `OsString`: a file name need not be UTF-8
/// (GBK-encoded names are ordinary on UOS and Kylin).
#[derive(Debug, Default)]
struct Args {
    positional: Vec<PathBuf>,
    output: Option<PathBuf>,
    format: Option<String>,
    year: Option<i32>,
    unit: Option<String>,
    from: Option<PathBuf>,
    json: bool,
    final_export: bool,
    /// The 落款 date line left blank for hand-writing (export).
    date_by_hand: bool,
    /// List which face each part of the PDF uses (export).
    list_fonts: bool,
    force: bool,
    templates: Option<PathBuf>,
    /// `check`: the 汇总表 to write (.xlsx, .html, .csv) and the roster of expected units.
    summary: Option<PathBuf>,
    expect: Option<PathBuf>,
    /// `check 上级.ron --children PATH…`: the parts a total is compared with.
    children: Vec<PathBuf>,
    children_given: bool,
    /// `check`: last year's report (one file) or a folder of last year's reports (a batch).
    prev: Option<PathBuf>,
    prev_dir: Option<PathBuf>,
}

impl Args {
    fn push_path(&mut self, p: PathBuf) {
        if self.children_given { self.children.push(p) } else { self.positional.push(p) }
    }

    /// `check` of several reports (files and folders) rather than one.
    fn is_batch(&self) -> bool {
        self.positional.len() > 1
            || self.summary.is_some()
            || self.expect.is_some()
            || self.prev_dir.is_some()
            || self.positional.iter().any(|p| p.is_dir())
    }
}

fn parse_args(args: &[&OsStr]) -> Result<Args, String> {
    let mut a = Args::default();
    let mut it = args.iter();
    while let Some(&arg) = it.next() {
        let mut value =
            |name: &str| it.next().map(|v| v.to_os_string()).ok_or_else(|| format!("选项 {name} 后面缺少值"));
        let text = |name: &str, v: OsString| {
            v.into_string().map_err(|_| format!("选项 {name} 的值不是有效的文字（编码无法识别，请使用UTF-8）"))
        };
        let Some(name) = arg.to_str() else {
            a.push_path(PathBuf::from(arg));
            continue;
        };
        match name {
            "-o" | "--output" => a.output = Some(PathBuf::from(value(name)?)),
            "--format" => a.format = Some(text(name, value(name)?)?.to_lowercase()),
            "--year" => {
                let v = text(name, value(name)?)?;
                a.year = Some(
                    crate::model::report::parse_year(&v)
                        .ok_or_else(|| format!("年度“{v}”不是有效的年份（可写2025、2025年或二〇二五）"))?,
                );
            }
            "--unit" => a.unit = Some(text(name, value(name)?)?),
            "--from" => a.from = Some(PathBuf::from(value(name)?)),
            "--templates" => a.templates = Some(PathBuf::from(value(name)?)),
            "--json" => a.json = true,
            "--final" => a.final_export = true,
            "--date-by-hand" => a.date_by_hand = true,
            "--fonts" => a.list_fonts = true,
            "--force" => a.force = true,
            "--summary" => a.summary = Some(PathBuf::from(value(name)?)),
            "--expect" => a.expect = Some(PathBuf::from(value(name)?)),
            "--prev" => a.prev = Some(PathBuf::from(value(name)?)),
            "--prev-dir" => a.prev_dir = Some(PathBuf::from(value(name)?)),
            // Every path after it is a part of the total.
            "--children" => a.children_given = true,
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("未知的选项“{s}”")),
            _ => a.push_path(PathBuf::from(arg)),
        }
    }
    Ok(a)
}

/// What the command line writes: control characters (and the invisible marks that reorder
/// text) that came from a file or a file name are shown escaped, never sent to the terminal
/// raw; the first write error (a full disk behind `> file`) is kept so the command can fail.
struct Out<'a> {
    w: &'a mut dyn Write,
    error: Option<std::io::Error>,
}

impl<'a> Out<'a> {
    fn new(w: &'a mut dyn Write) -> Out<'a> {
        Out { w, error: None }
    }

    fn raw(&mut self, text: &str) {
        if self.error.is_none()
            && let Err(e) = self.w.write_all(text.as_bytes())
        {
            self.error = Some(e);
        }
    }

    fn say(&mut self, text: &str) {
        self.raw(&escape_controls(text));
    }

    fn line(&mut self, text: &str) {
        self.say(text);
        self.raw("\n");
    }

    /// Flushes; the first error of any write, if there was one.
    fn finish(mut self) -> Option<std::io::Error> {
        if self.error.is_none()
            && let Err(e) = self.w.flush()
        {
            self.error = Some(e);
        }
        self.error
    }
}

/// Shows control characters as `\u{1b}` (line breaks and tabs stay).
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars().map(|c| if hidden(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect(),
    )
}

/// Runs a subcommand (`args` without the program name). Returns the exit code.
pub fn run<A: AsRef<OsStr>>(args: &[A], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let args: Vec<&OsStr> = args.iter().map(|a| a.as_ref()).collect();
    let mut o = Out::new(out);
    let mut e = Out::new(err);
    let mut code = run_with(&args, &mut o, &mut e);
    if let Some(write_error) = o.finish() {
        e.line(&format!("错误：无法输出结果：{}", atomic::describe_io(&write_error)));
        code = EXIT_UNREADABLE;
    }
    let _ = e.finish();
    code
}

fn run_with(args: &[&OsStr], out: &mut Out, err: &mut Out) -> i32 {
    let Some(cmd) = args.first() else {
        out.say(USAGE);
        return EXIT_OK;
    };
    let cmd = cmd.to_string_lossy();
    if matches!(cmd.as_ref(), "-h" | "--help" | "help") {
        out.say(USAGE);
        return EXIT_OK;
    }
    if matches!(cmd.as_ref(), "-V" | "--version") {
        out.line(&format!("nianbao {}", env!("CARGO_PKG_VERSION")));
        return EXIT_OK;
    }
    let parsed = match parse_args(&args[1..]) {
        Ok(a) => a,
        Err(e) => {
            err.line(&format!("错误：{e}\n\n{USAGE}"));
            return EXIT_UNREADABLE;
        }
    };
    match workflow::load_user_templates(parsed.templates.as_deref()) {
        Ok(problems) => {
            for p in problems {
                err.line(&format!("注意：{p}"));
            }
        }
        Err(e) => {
            err.line(&format!("错误：{e}"));
            return EXIT_UNREADABLE;
        }
    }
    let result = match cmd.as_ref() {
        "new" => cmd_new(&parsed, out),
        "check" => cmd_check(&parsed, out, err),
        "export-csv" => cmd_export_csv(&parsed, out),
        "import" => cmd_import(&parsed, out),
        "export" => cmd_export(&parsed, out, err),
        "sum" => cmd_sum(&parsed, out, err),
        other => Err(CliError::usage(format!("未知的命令“{other}”"))),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            err.line(&format!("错误：{}", e.message));
            if e.show_usage {
                err.say(&format!("\n{USAGE}"));
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

/// The workflow's errors in command-line words: `--force` is how a user confirms.
impl From<workflow::Error> for CliError {
    fn from(e: workflow::Error) -> CliError {
        let hint =
            if e.can_confirm() { "；如确要覆盖，请加 --force（原文件会留作.bak备份）" } else { "" };
        let usage =
            matches!(e, workflow::Error::NotAYear(_) | workflow::Error::Year(_) | workflow::Error::UnknownFormat(..));
        CliError { message: format!("{e}{hint}"), code: EXIT_UNREADABLE, show_usage: usage }
    }
}

fn one_input(a: &Args, what: &str) -> Result<PathBuf, CliError> {
    match a.positional.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(CliError::usage(format!("缺少{what}"))),
        _ => Err(CliError::usage(format!("只能给出一个{what}"))),
    }
}

fn output(a: &Args) -> Result<&Path, CliError> {
    a.output.as_deref().ok_or_else(|| CliError::usage("缺少输出文件（-o 文件名）".into()))
}

fn cmd_new(a: &Args, out: &mut Out) -> Result<i32, CliError> {
    let path = output(a)?;
    let inputs: Vec<&Path> = a.from.as_deref().into_iter().collect();
    let target = workflow::DraftOutput::prepare(path, &inputs, a.force)?;
    if let Some(from) = &a.from {
        let (report, warnings) = workflow::roll_over(from, a.year, a.format.as_deref(), a.unit.as_deref())?;
        target.save(&report)?;
        for w in &warnings {
            out.line(&format!("注意：{w}"));
        }
        out.line(&format!(
            "已由{}新建{}年度草稿（{}）：{}",
            from.display(),
            report.year,
            report.template,
            path.display()
        ));
        return Ok(EXIT_OK);
    }
    let year = a.year.ok_or_else(|| CliError::usage("缺少报告年度（--year 2025）".into()))?;
    let report = workflow::new_report(year, a.unit.as_deref().unwrap_or(""), a.format.as_deref())?;
    target.save(&report)?;
    out.line(&format!("已新建{year}年度空白草稿（{}）：{}", report.template, path.display()));
    Ok(EXIT_OK)
}

fn cmd_check(a: &Args, out: &mut Out, err: &mut Out) -> Result<i32, CliError> {
    if a.children_given {
        return cmd_check_children(a, out, err);
    }
    if a.is_batch() {
        return cmd_check_batch(a, out, err);
    }
    let path = one_input(a, "要检查的文件")?;
    if let Some(list_path) = a.output.as_deref() {
        // Refused before the work of checking.
        review_format(list_path)?;
        workflow::guard_output(list_path, &[path.as_path()], Purpose::Export, a.force)?;
    }
    let opts = ImportOptions { format: a.format.clone(), year: a.year, unit: a.unit.clone() };
    let mut opened = workflow::read(&path, &opts)?;
    if let Some(prev) = &a.prev {
        workflow::use_previous(&mut opened.report, prev)?;
    }
    let mut form = opened.report.form().map_err(CliError::unreadable)?;
    rule_packs(a, err).apply(&mut form, &opened.report);
    for w in &opened.warnings {
        err.line(&format!("注意：{w}"));
    }
    let findings = workflow::check(&opened, &form, Some(Date::today()));
    let (e, w, i) = counts(&findings);
    if let Some(list_path) = a.output.as_deref() {
        write_review(a, &path, list_path, &opened.report, &form, &findings, err)?;
    }
    if a.json {
        // serde_json escapes control characters itself; the text must stay valid JSON.
        out.raw(&workflow::findings_json(&findings)?);
        out.raw("\n");
    } else {
        let r = &opened.report;
        out.line(&format!("{}（{}年度，{}格式）", path.display(), r.year, form.template.name));
        out.line(&format!("错误 {e} 项，警告 {w} 项，提示 {i} 项"));
        for f in &findings {
            out.line(&format!("[{}] {} {}", f.severity.label(), f.rule, f.message));
            if let Some(x) = f.explanation.as_deref().filter(|x| !x.trim().is_empty()) {
                out.line(&format!("    已说明：{x}"));
            }
        }
    }
    Ok(if e > 0 { EXIT_FINDINGS } else { EXIT_OK })
}

/// The user's rule packs (beside the templates, and in `--templates`); a file skipped is said.
fn rule_packs(a: &Args, err: &mut Out) -> crate::model::rulepack::RulePacks {
    let (packs, problems) = workflow::load_rule_packs(a.templates.as_deref());
    for p in problems {
        err.line(&format!("注意：{p}"));
    }
    packs
}

fn cmd_export_csv(a: &Args, out: &mut Out) -> Result<i32, CliError> {
    let input = one_input(a, "草稿文件")?;
    let path = output(a)?;
    // Refused before the work of reading the draft.
    workflow::guard_output(path, &[input.as_path()], Purpose::Export, a.force)?;
    let report = workflow::open_draft(&input)?;
    let form = report.form().map_err(CliError::unreadable)?;
    workflow::export_csv(path, &[input.as_path()], &report, &form, a.force)?;
    out.line(&format!("已导出：{}", path.display()));
    Ok(EXIT_OK)
}

fn cmd_import(a: &Args, out: &mut Out) -> Result<i32, CliError> {
    let input = one_input(a, "要导入的文件")?;
    #[cfg(feature = "import")]
    if crate::workflow::is_published_file(&input) {
        return cmd_import_report(a, &input, out);
    }
    let path = output(a)?;
    let target = workflow::DraftOutput::prepare(path, &[input.as_path()], a.force)?;
    let opts = ImportOptions { format: a.format.clone(), year: a.year, unit: a.unit.clone() };
    let imported = workflow::import_table(&input, &opts).map_err(|e| match e {
        // Lines that cannot be read are findings in the file, not a file problem.
        e @ workflow::Error::CsvProblems { .. } => CliError::findings(e.to_string()),
        e => CliError::from(e),
    })?;
    // Totals given in the file are compared with the computed ones and reported, not kept.
    target.save(&imported.report)?;
    let r = &imported.report;
    out.line(&format!("已导入{}年度（{}）：{}", r.year, r.template, path.display()));
    for w in &imported.warnings {
        out.line(&format!("注意：{w}"));
    }
    for f in &imported.mismatches {
        out.line(&format!("注意：[{}] {} {}", f.severity.label(), f.rule, f.message));
    }
    Ok(EXIT_OK)
}

/// A published report (web page, Word, PDF, pasted text) to a draft, with its import report:
/// every line says what was recognised, not found, kept as a note or read one of several ways.
#[cfg(feature = "import")]
fn cmd_import_report(a: &Args, input: &Path, out: &mut Out) -> Result<i32, CliError> {
    let path = output(a)?;
    let target = workflow::DraftOutput::prepare(path, &[input], a.force)?;
    let opts = ImportOptions { format: a.format.clone(), year: a.year, unit: a.unit.clone() };
    let imported = workflow::import_report(input, &opts)?;
    imported.report.form().map_err(CliError::unreadable)?;
    target.save(&imported.report)?;
    if a.json {
        let json = serde_json::to_string_pretty(&imported.notes)
            .map_err(|e| CliError::from(workflow::Error::Json(e.to_string())))?;
        out.raw(&json);
        out.raw("\n");
        return Ok(EXIT_OK);
    }
    let r = &imported.report;
    out.line(&format!(
        "已从{}导入{}年度（{}）“{}”：{}",
        imported.kind.label(),
        r.year,
        r.template,
        r.unit.name,
        path.display()
    ));
    out.line("导入报告：");
    for n in &imported.notes {
        out.line(&format!("  {n}"));
    }
    Ok(EXIT_OK)
}

/// What `export` writes: `--format`, else the output file's extension.
fn export_format(a: &Args, path: &Path) -> Result<&'static str, CliError> {
    let asked = match &a.format {
        Some(f) => f.trim().trim_start_matches('.').to_ascii_lowercase(),
        None => path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase(),
    };
    match asked.as_str() {
        "pdf" => Ok("pdf"),
        "docx" | "word" => Ok("docx"),
        "html" | "htm" => Ok("html"),
        "xlsx" | "excel" => Ok("xlsx"),
        "" => Err(CliError::usage(
            "无法从输出文件名判断导出格式：请以 .pdf、.docx、.html 或 .xlsx 结尾，或加 --format pdf|docx|html|xlsx"
                .into(),
        )),
        other => Err(CliError::usage(format!("未知的导出格式“{other}”（可用：pdf、docx、html、xlsx）"))),
    }
}

fn cmd_export(a: &Args, out: &mut Out, err: &mut Out) -> Result<i32, CliError> {
    let input = one_input(a, "草稿文件")?;
    let path = output(a)?;
    // An output that is the input (or a draft) is refused as such, whatever its extension.
    let format = export_format(a, path).or_else(|e| {
        workflow::guard_output(path, &[input.as_path()], Purpose::Export, a.force)?;
        Err(e)
    })?;
    match format {
        "pdf" => cmd_export_pdf(a, &input, path, out, err),
        other => cmd_export_document(a, &input, path, other, out, err),
    }
}

#[cfg(not(feature = "export"))]
fn cmd_export_document(
    _a: &Args,
    _input: &Path,
    _path: &Path,
    _format: &str,
    _out: &mut Out,
    _err: &mut Out,
) -> Result<i32, CliError> {
    Err(CliError::unreadable("这个版本编译时未包含Word、网页和Excel导出（export 功能）"))
}

/// Word, web page or Excel: guarded before the work, written atomically.
#[cfg(feature = "export")]
fn cmd_export_document(
    a: &Args,
    input: &Path,
    path: &Path,
    format: &str,
    out: &mut Out,
    err: &mut Out,
) -> Result<i32, CliError> {
    use crate::export::Format;
    let format = match format {
        "docx" => Format::Docx,
        "html" => Format::Html,
        _ => Format::Xlsx,
    };
    workflow::guard_output(path, &[input], Purpose::Export, a.force)?;
    let mut report = workflow::open_draft(input)?;
    report.options.date_by_hand |= a.date_by_hand;
    let form = report.form().map_err(CliError::unreadable)?;
    let opts = crate::export::ExportOptions {
        final_export: a.final_export,
        context: crate::model::Context { today: Some(Date::today()), ..Default::default() },
    };
    let done = workflow::render_export(format, &report, &form, &opts).map_err(|e| CliError::findings(e.to_string()))?;
    workflow::write_export(path, &[input], &done.bytes, a.force)?;
    for w in &done.warnings {
        err.line(&format!("注意：{w}"));
    }
    out.line(&format!("已导出{}：{}", format.label(), path.display()));
    Ok(EXIT_OK)
}

/// The 审核清单 format a file name asks for.
fn review_format(path: &Path) -> Result<&'static str, CliError> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("xlsx") => Ok("xlsx"),
        Some("html" | "htm") => Ok("html"),
        Some("pdf") => Ok("pdf"),
        _ => Err(CliError::usage("审核清单的文件名应以 .xlsx、.html 或 .pdf 结尾".into())),
    }
}

#[cfg(not(feature = "export"))]
fn write_review(
    _a: &Args,
    _input: &Path,
    _path: &Path,
    _report: &Report,
    _form: &Form,
    _findings: &[Finding],
    _err: &mut Out,
) -> Result<(), CliError> {
    Err(CliError::unreadable("这个版本编译时未包含审核清单导出（export 功能）"))
}

/// Writes the 审核清单 of a checked file (its exit code stays the check's).
#[cfg(feature = "export")]
fn write_review(
    a: &Args,
    input: &Path,
    path: &Path,
    report: &Report,
    form: &Form,
    findings: &[Finding],
    err: &mut Out,
) -> Result<(), CliError> {
    use crate::export::review::{ReviewFormat, ReviewList};
    let kind = ReviewFormat::from_path(path)
        .ok_or_else(|| CliError::usage("审核清单的文件名应以 .xlsx、.html 或 .pdf 结尾".into()))?;
    let list = ReviewList::new(report, form, findings, Some(Date::today()));
    let bytes = workflow::render_review(kind, &list, &settings_fonts())?;
    workflow::write_export(path, &[input], &bytes, a.force)?;
    err.line(&format!("已写出审核清单（{}项）：{}", list.items.len(), path.display()));
    Ok(())
}

/// The PDF font choices of the window (settings), when there are any.
#[cfg(any(feature = "pdf", feature = "export"))]
fn settings_fonts() -> std::collections::BTreeMap<String, PathBuf> {
    crate::store::settings::settings_path().map(|p| crate::store::settings::load(&p).0.pdf_fonts).unwrap_or_default()
}

#[cfg(not(feature = "pdf"))]
fn cmd_export_pdf(_a: &Args, _input: &Path, _path: &Path, _out: &mut Out, _err: &mut Out) -> Result<i32, CliError> {
    Err(CliError::unreadable("这个版本编译时未包含PDF导出（pdf 功能）"))
}

#[cfg(feature = "pdf")]
fn cmd_export_pdf(a: &Args, input: &Path, path: &Path, out: &mut Out, err: &mut Out) -> Result<i32, CliError> {
    let input = input.to_path_buf();
    // Refused before the work of making the PDF.
    workflow::guard_output(path, &[input.as_path()], Purpose::Export, a.force)?;
    let mut report = workflow::open_draft(&input)?;
    report.options.date_by_hand |= a.date_by_hand;
    let form = report.form().map_err(CliError::unreadable)?;
    // The same font choices as the window (settings), when there are any.
    let opts = crate::pdf::PdfOptions { final_export: a.final_export, fonts: settings_fonts() };
    let pdf = workflow::render_pdf(&report, &form, &opts).map_err(|e| CliError::findings(e.to_string()))?;
    workflow::write_pdf(path, &[input.as_path()], &pdf, a.force)?;
    for w in &pdf.warnings {
        err.line(&format!("注意：{w}"));
    }
    out.line(&format!("已导出PDF（{}页）：{}", pdf.pages, path.display()));
    if a.list_fonts {
        for face in crate::pdf::fonts::role_faces(&opts.fonts) {
            out.line(&format!("字体：{} — {}", face.role.label(), face.describe()));
        }
    }
    Ok(EXIT_OK)
}

/// Whether a first argument is a subcommand (otherwise it may be a draft to open in the window).
pub fn is_command(arg: &str) -> bool {
    matches!(arg, "new" | "check" | "export" | "export-csv" | "import" | "help")
}
