//! The command line: the same work as the window, for batch use and tests.
//!
//! Messages are Chinese like the rest of the app; argument parsing is hand-written so that every
//! message a staffer may see is in Chinese too.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::rules::counts;
use crate::model::{Context, Date, Finding, Form, Report, Severity, Template};
use crate::store::csv::{self, CsvData, ImportOptions};
use crate::store::lock::{self, DraftLock};
use crate::store::output::{self, Existing, Purpose};
use crate::store::{ContentHash, Expect, atomic, draft};

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
  nianbao export 草稿.ron -o 报告.pdf [--final] [--force]
                                            导出可打印的PDF（有错误时加“草稿”水印，除非 --final）
  nianbao export-csv 草稿.ron -o 表格.csv [--force]
                                            导出长格式CSV（表,行,列,值）
                                            已存在的文件只在加 --force 时覆盖；输入文件本身从不覆盖
  nianbao import 表格.csv --year 2025 --unit 机关全称 [--format gb2021] -o 草稿.ron
                                            从长格式CSV导入为草稿
  nianbao import 报告(.html|.docx|.pdf|.txt) [--year Y] [--unit 机关全称] [--format F] [--json] -o 草稿.ron
                                            从已公开的报告（网页、Word、PDF、复制的文字）导入为草稿，并列出导入报告
  nianbao --help | --version
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
    force: bool,
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
            a.positional.push(PathBuf::from(arg));
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
            "--json" => a.json = true,
            "--final" => a.final_export = true,
            "--force" => a.force = true,
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("未知的选项“{s}”")),
            _ => a.positional.push(PathBuf::from(arg)),
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
    let result = match cmd.as_ref() {
        "new" => cmd_new(&parsed, out),
        "check" => cmd_check(&parsed, out, err),
        "export-csv" => cmd_export_csv(&parsed, out),
        "import" => cmd_import(&parsed, out),
        "export" => cmd_export(&parsed, out, err),
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

/// The store's output guard in command-line words (`--force` is how a user confirms).
fn guard(path: &Path, inputs: &[&Path], purpose: Purpose, force: bool) -> Result<Existing, CliError> {
    output::check_output(path, inputs, purpose, force).map_err(|e| {
        let hint =
            if e.can_confirm() { "；如确要覆盖，请加 --force（原文件会留作.bak备份）" } else { "" };
        CliError::unreadable(format!("{e}{hint}"))
    })
}

/// A draft written by a command: under the draft's lock, and only if the file is still what the
/// guard saw (another program saving at the same moment makes this one refuse, exit 2).
fn save_draft(path: &Path, report: &Report, existing: &Existing, seen: Option<ContentHash>) -> Result<(), CliError> {
    let expect = match (existing, seen) {
        (Existing::Absent, _) => Expect::Absent,
        (_, Some(h)) => Expect::Unchanged(h),
        (_, None) => Expect::Absent,
    };
    draft::save_checked(path, report, expect).map(drop).map_err(CliError::unreadable)
}

/// Takes the lock of a draft about to be written; another window or command holding it is a
/// refusal naming who.
fn lock_output(path: &Path) -> Result<Option<DraftLock>, CliError> {
    match DraftLock::acquire(path) {
        Ok(l) => Ok(Some(l)),
        Err(e @ lock::LockError::Held { .. }) => Err(CliError::unreadable(format!("{e}；未写入"))),
        // No lock possible here (read-only folder, no locking on this file system): the write
        // reports what is wrong, the content check still guards.
        Err(lock::LockError::Io { .. }) => Ok(None),
    }
}

/// Guard, lock and fingerprint for a draft output, in that order.
fn prepare_draft_output(
    path: &Path,
    inputs: &[&Path],
    force: bool,
) -> Result<(Option<DraftLock>, Existing, Option<ContentHash>), CliError> {
    guard(path, inputs, Purpose::Draft, force)?;
    let lock = lock_output(path)?;
    // Looked at again under the lock: what is replaced is what is checked.
    let existing = guard(path, inputs, Purpose::Draft, force)?;
    let seen = draft::disk_hash(path).map_err(CliError::unreadable)?;
    Ok((lock, existing, seen))
}

fn cmd_new(a: &Args, out: &mut Out) -> Result<i32, CliError> {
    let path = output(a)?;
    let inputs: Vec<&Path> = a.from.as_deref().into_iter().collect();
    let (_lock, existing, seen) = prepare_draft_output(path, &inputs, a.force)?;
    if let Some(from) = &a.from {
        let (report, warnings) =
            crate::store::rollover_with_warnings(from, a.year, a.format.as_deref(), a.unit.as_deref())
                .map_err(CliError::unreadable)?;
        save_draft(path, &report, &existing, seen)?;
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
    if !crate::model::report::YEARS.contains(&year) {
        return Err(CliError::usage(format!("报告年度“{year}”不合理")));
    }
    let format = a.format.clone().unwrap_or_else(|| Template::format_for_year(year));
    match Template::get(&format) {
        Ok(t) if t.kind == crate::model::template::TemplateKind::Report => {}
        _ => return Err(CliError::usage(format!("未知的报告格式“{format}”（应为 gb2021 或 gb2019）"))),
    }
    let report = Report::new(&format, year, a.unit.as_deref().unwrap_or(""));
    save_draft(path, &report, &existing, seen)?;
    out.line(&format!("已新建{year}年度空白草稿（{format}）：{}", path.display()));
    Ok(EXIT_OK)
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
    #[cfg(feature = "import")]
    if crate::workflow::is_published_file(path) {
        let opts = ImportOptions { format: a.format.clone(), year: a.year, unit: a.unit.clone() };
        let imported = crate::workflow::import_report(path, &opts).map_err(|e| e.to_string())?;
        // What the import could not take over is said before the findings.
        let warnings = imported
            .notes
            .iter()
            .filter(|n| n.kind != crate::import::NoteKind::Recognised)
            .map(|n| format!("导入{n}"))
            .collect();
        return Ok(Loaded { report: imported.report, published: imported.published, csv_issues: Vec::new(), warnings });
    }
    if csv::is_csv_path(path) {
        let opts = ImportOptions { format: a.format.clone(), year: a.year, unit: a.unit.clone() };
        let CsvData { report, published, issues, warnings } =
            csv::read(path, &opts).map_err(|e| format!("“{}”{e}", path.display()))?;
        Ok(Loaded { report, published, csv_issues: issues, warnings: warnings.iter().map(|w| w.to_string()).collect() })
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

fn cmd_check(a: &Args, out: &mut Out, err: &mut Out) -> Result<i32, CliError> {
    let path = one_input(a, "要检查的文件")?;
    let loaded = load_any(&path, a).map_err(CliError::unreadable)?;
    let form = loaded.report.form().map_err(CliError::unreadable)?;
    for w in &loaded.warnings {
        err.line(&format!("注意：{w}"));
    }
    let findings = findings_for(&loaded, &form);
    let (e, w, i) = counts(&findings);
    if a.json {
        // serde_json escapes control characters itself; the text must stay valid JSON.
        out.raw(&serde_json::to_string_pretty(&findings).unwrap_or_else(|_| "[]".into()));
        out.raw("\n");
    } else {
        let r = &loaded.report;
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

/// Writes an export (never over its input; over an existing file only with `--force`; a
/// draft replaced that way keeps its backups and must not be open elsewhere).
fn write_export(path: &Path, input: &Path, bytes: &[u8], force: bool) -> Result<(), CliError> {
    let existing = guard(path, &[input], Purpose::Export, force)?;
    let _lock = if existing == Existing::Draft { lock_output(path)? } else { None };
    let opts = atomic::WriteOptions { backups: existing == Existing::Draft, new_file_mode: None };
    atomic::write_file(path, bytes, opts)
        .map(drop)
        .map_err(|e| CliError::unreadable(format!("无法保存到“{}”：{e}", path.display())))
}

fn cmd_export_csv(a: &Args, out: &mut Out) -> Result<i32, CliError> {
    let input = one_input(a, "草稿文件")?;
    let path = output(a)?;
    guard(path, &[input.as_path()], Purpose::Export, a.force)?;
    let report = draft::load(&input).map_err(CliError::unreadable)?;
    let form = report.form().map_err(CliError::unreadable)?;
    let text = csv::export(&report, &form);
    write_export(path, &input, text.as_bytes(), a.force)?;
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
    let (_lock, existing, seen) = prepare_draft_output(path, &[input.as_path()], a.force)?;
    let opts = ImportOptions { format: a.format.clone(), year: a.year, unit: a.unit.clone() };
    let data = csv::read(&input, &opts).map_err(|e| CliError::unreadable(format!("“{}”{e}", input.display())))?;
    if !data.issues.is_empty() {
        let list: Vec<String> = data.issues.iter().map(|i| i.to_string()).collect();
        return Err(CliError::findings(format!("CSV中有无法识别的内容，未导入：\n  {}", list.join("\n  "))));
    }
    let form = data.report.form().map_err(CliError::unreadable)?;
    // Totals given in the file are compared with the computed ones and reported, not kept.
    let ctx = Context { today: None, published: data.published.clone() };
    let (_, findings) = crate::model::check_report(&form, &data.report, &ctx);
    save_draft(path, &data.report, &existing, seen)?;
    out.line(&format!("已导入{}年度（{}）：{}", data.report.year, data.report.template, path.display()));
    for w in &data.warnings {
        out.line(&format!("注意：{w}"));
    }
    let mismatches: Vec<&Finding> =
        findings.iter().filter(|f| data.published.keys().any(|k| f.cells.contains(k))).collect();
    for f in mismatches {
        out.line(&format!("注意：[{}] {} {}", f.severity.label(), f.rule, f.message));
    }
    Ok(EXIT_OK)
}

/// A published report (web page, Word, PDF, pasted text) to a draft, with its import report:
/// every line says what was recognised, not found, kept as a note or read one of several ways.
#[cfg(feature = "import")]
fn cmd_import_report(a: &Args, input: &Path, out: &mut Out) -> Result<i32, CliError> {
    let path = output(a)?;
    let (_lock, existing, seen) = prepare_draft_output(path, &[input], a.force)?;
    let opts = ImportOptions { format: a.format.clone(), year: a.year, unit: a.unit.clone() };
    let imported = crate::workflow::import_report(input, &opts).map_err(CliError::unreadable)?;
    imported.report.form().map_err(CliError::unreadable)?;
    save_draft(path, &imported.report, &existing, seen)?;
    if a.json {
        out.raw(&serde_json::to_string_pretty(&imported.notes).unwrap_or_else(|_| "[]".into()));
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

#[cfg(not(feature = "pdf"))]
fn cmd_export(_a: &Args, _out: &mut Out, _err: &mut Out) -> Result<i32, CliError> {
    Err(CliError::unreadable("这个版本编译时未包含PDF导出（pdf 功能）"))
}

#[cfg(feature = "pdf")]
fn cmd_export(a: &Args, out: &mut Out, err: &mut Out) -> Result<i32, CliError> {
    let input = one_input(a, "草稿文件")?;
    let path = output(a)?;
    // Refused before the work of making the PDF.
    guard(path, &[input.as_path()], Purpose::Export, a.force)?;
    let report = draft::load(&input).map_err(CliError::unreadable)?;
    let form = report.form().map_err(CliError::unreadable)?;
    // The same font choices as the window (settings), when there are any.
    let fonts = crate::store::settings::settings_path()
        .map(|p| crate::store::settings::load(&p).0.pdf_fonts)
        .unwrap_or_default();
    let opts = crate::pdf::PdfOptions { final_export: a.final_export, fonts };
    let pdf = crate::pdf::export(&report, &form, &opts).map_err(|e| CliError::findings(e.to_string()))?;
    write_export(path, &input, &pdf.bytes, a.force)?;
    for w in &pdf.warnings {
        err.line(&format!("注意：{w}"));
    }
    out.line(&format!("已导出PDF（{}页）：{}", pdf.pages, path.display()));
    Ok(EXIT_OK)
}

/// Whether a first argument is a subcommand (otherwise it may be a draft to open in the window).
pub fn is_command(arg: &str) -> bool {
    matches!(arg, "new" | "check" | "export" | "export-csv" | "import" | "help")
}
