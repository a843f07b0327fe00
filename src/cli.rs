//! The command line: the same work as the window, for batch use and tests.
//!
//! Messages are Chinese like the rest of the app. The arguments are defined once, in
//! [`args`] (clap): the parser, every `--help`, the completions and the man page come from there.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::rules::counts;
use crate::model::{Finding, Form, Report};
use crate::store::atomic;
use crate::store::output::Purpose;
use crate::workflow;

pub mod args;
mod county;
mod generate;
use args::{CheckArgs, Cmd, ExportArgs, ExportCsvArgs, ImportArgs, NewArgs};
use county::{cmd_check_batch, cmd_check_children, cmd_sum};

/// Exit codes (README, every `--help`): done (for `check`: no errors) / findings (errors, units
/// missing, lines of a table that cannot be read) / could not (a file unreadable, a bad command
/// line, an export that failed).
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_UNREADABLE: i32 = 2;

/// What the command line writes: control characters (and the invisible marks that reorder
/// text) that came from a file or a file name are shown escaped, never sent to the terminal
/// raw; the first write error (a full disk behind `> file`) is kept so the command can fail.
struct Out<'a> {
    w: &'a mut dyn Write,
    error: Option<std::io::Error>,
    /// The command has already said that its output failed (and what it did not write).
    error_said: bool,
    /// Files the command wrote, so that a failure to say so afterwards says what was written.
    written: Vec<PathBuf>,
}

impl<'a> Out<'a> {
    fn new(w: &'a mut dyn Write) -> Out<'a> {
        Out { w, error: None, error_said: false, written: Vec::new() }
    }

    /// Records a file the command has written.
    fn wrote(&mut self, path: &Path) {
        self.written.push(path.to_path_buf());
    }

    /// Flushes what was said so far; the first write error, if any (before writing a file
    /// whose report could not be shown: nothing is written then).
    #[cfg(feature = "import")]
    fn flushed(&mut self) -> Result<(), CliError> {
        if self.error.is_none()
            && let Err(e) = self.w.flush()
        {
            self.error = Some(e);
        }
        match &self.error {
            None => Ok(()),
            Some(e) => {
                self.error_said = true;
                Err(CliError::unreadable(format!("无法输出结果：{}", atomic::describe_io(e))))
            }
        }
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
    let mut written = std::mem::take(&mut o.written);
    written.append(&mut e.written);
    let said = o.error_said;
    if let Some(write_error) = o.finish().filter(|_| !said) {
        // Said precisely: what was written stays written (it is complete, saved atomically).
        let files: Vec<String> = written.iter().map(|p| format!("“{}”", p.display())).collect();
        let done = if files.is_empty() { String::new() } else { format!("；文件已写好：{}", files.join("、")) };
        e.line(&format!("错误：无法输出结果：{}{done}", atomic::describe_io(&write_error)));
        code = EXIT_UNREADABLE;
    }
    let _ = e.finish();
    code
}

fn run_with(args: &[&OsStr], out: &mut Out, err: &mut Out) -> i32 {
    let mut command = args::command();
    if args.is_empty() {
        out.say(&command.render_help().to_string());
        return EXIT_OK;
    }
    let words = std::iter::once(OsStr::new("nianbao")).chain(args.iter().copied());
    let cli = match command.try_get_matches_from_mut(words) {
        Ok(m) => match <args::Cli as clap::FromArgMatches>::from_arg_matches(&m) {
            Ok(cli) => cli,
            Err(e) => return usage_error(&e, args, err),
        },
        Err(e) if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) => {
            out.say(&e.render().to_string());
            return EXIT_OK;
        }
        Err(e) => return usage_error(&e, args, err),
    };
    match cli.command {
        Cmd::Help { command: None } => {
            out.say(&command.render_help().to_string());
            return EXIT_OK;
        }
        Cmd::Help { command: Some(name) } => {
            return match command.find_subcommand_mut(&name).filter(|c| !c.is_hide_set()) {
                Some(sub) => {
                    out.say(&sub.render_help().to_string());
                    EXIT_OK
                }
                None => {
                    err.line(&format!("错误：未知的命令“{name}”"));
                    EXIT_UNREADABLE
                }
            };
        }
        // A document reader process (started by this program only; see import::process).
        Cmd::ReadDocument { kind } => return read_document(kind.as_deref().unwrap_or_default(), out),
        Cmd::Generate { dir } => {
            return match generate::write_all(&dir) {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    err.line(&format!("错误：{e}"));
                    EXIT_UNREADABLE
                }
            };
        }
        _ => {}
    }
    match workflow::load_user_templates(cli.templates.as_deref()) {
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
    let result = match &cli.command {
        Cmd::New(a) => cmd_new(a, out),
        Cmd::Check(a) => cmd_check(a, cli.templates.as_deref(), out, err),
        Cmd::ExportCsv(a) => cmd_export_csv(a, out),
        Cmd::Import(a) => cmd_import(a, out),
        Cmd::Export(a) => cmd_export(a, out, err),
        Cmd::Sum(a) => cmd_sum(a, out, err),
        Cmd::Help { .. } | Cmd::ReadDocument { .. } | Cmd::Generate { .. } => Ok(EXIT_OK),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            err.line(&format!("错误：{}", e.message));
            if e.show_usage {
                err.line(&see_help(args));
            }
            e.code
        }
    }
}

#[cfg(feature = "import")]
fn read_document(kind: &str, out: &mut Out) -> i32 {
    out.raw(&crate::import::process::serve(kind, &mut std::io::stdin()));
    EXIT_OK
}

#[cfg(not(feature = "import"))]
fn read_document(_kind: &str, _out: &mut Out) -> i32 {
    EXIT_UNREADABLE
}

/// The subcommand the arguments name, if they name one.
fn subcommand_of(args: &[&OsStr]) -> Option<String> {
    let first = args.first()?.to_str()?;
    args::command().find_subcommand(first).map(|c| c.get_name().to_string())
}

/// Where the user finds the right usage.
fn see_help(args: &[&OsStr]) -> String {
    match subcommand_of(args) {
        Some(sub) => format!("用法见 nianbao {sub} --help"),
        None => "用法见 nianbao --help".into(),
    }
}

/// A command line clap refused: said in Chinese, with where the usage is.
fn usage_error(e: &clap::Error, args: &[&OsStr], err: &mut Out) -> i32 {
    let sub = subcommand_of(args);
    err.line(&format!("错误：{}", args::chinese_error(e, sub.as_deref())));
    err.line(&see_help(args));
    EXIT_UNREADABLE
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

fn one_input(paths: &[PathBuf], what: &str) -> Result<PathBuf, CliError> {
    match paths {
        [one] => Ok(one.clone()),
        [] => Err(CliError::usage(format!("缺少{what}"))),
        _ => Err(CliError::usage(format!("只能给出一个{what}"))),
    }
}

fn output(a: &args::Output) -> Result<&Path, CliError> {
    a.output.as_deref().ok_or_else(|| CliError::usage("缺少输出文件（-o 文件名）".into()))
}

fn cmd_new(a: &NewArgs, out: &mut Out) -> Result<i32, CliError> {
    let path = output(&a.out)?;
    let inputs: Vec<&Path> = a.from.as_deref().into_iter().collect();
    let target = workflow::DraftOutput::prepare(path, &inputs, a.out.force)?;
    let (year, format) = (a.reading.year, a.reading.format.as_deref());
    if let Some(from) = &a.from {
        let (report, warnings) = workflow::roll_over(from, year, format, a.unit.as_deref())?;
        target.save(&report)?;
        out.wrote(path);
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
    let year = year.ok_or_else(|| CliError::usage("缺少报告年度（--year 2025）".into()))?;
    let report = workflow::new_report(year, a.unit.as_deref().unwrap_or(""), format)?;
    target.save(&report)?;
    out.wrote(path);
    out.line(&format!("已新建{year}年度空白草稿（{}）：{}", report.template, path.display()));
    Ok(EXIT_OK)
}

fn cmd_check(a: &CheckArgs, templates: Option<&Path>, out: &mut Out, err: &mut Out) -> Result<i32, CliError> {
    if let Some(children) = &a.children {
        return cmd_check_children(a, children, out, err);
    }
    if a.is_batch() {
        return cmd_check_batch(a, templates, out, err);
    }
    let path = one_input(&a.paths, "要检查的文件")?;
    if let Some(list_path) = a.out.output.as_deref() {
        // Refused before the work of checking.
        review_format(list_path)?;
        workflow::guard_output(list_path, &[path.as_path()], Purpose::Export, a.out.force)?;
    }
    let opts = a.reading.import_options(a.unit.clone());
    let mut opened = workflow::read(&path, &opts)?;
    if let Some(prev) = &a.prev {
        workflow::use_previous(&mut opened.report, prev)?;
    }
    let mut form = opened.report.form().map_err(CliError::unreadable)?;
    rule_packs(templates, err).apply(&mut form, &opened.report);
    for w in &opened.warnings {
        err.line(&format!("注意：{w}"));
    }
    let findings = workflow::check(&opened, &form, Some(crate::store::clock::today()));
    let (e, w, i) = counts(&findings);
    if let Some(list_path) = a.out.output.as_deref() {
        write_review(a.out.force, &path, list_path, &opened.report, &form, &findings, err)?;
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
fn rule_packs(templates: Option<&Path>, err: &mut Out) -> crate::model::rulepack::RulePacks {
    let (packs, problems) = workflow::load_rule_packs(templates);
    for p in problems {
        err.line(&format!("注意：{p}"));
    }
    packs
}

fn cmd_export_csv(a: &ExportCsvArgs, out: &mut Out) -> Result<i32, CliError> {
    let input = one_input(&a.paths, "草稿文件")?;
    let path = output(&a.out)?;
    // Refused before the work of reading the draft.
    workflow::guard_output(path, &[input.as_path()], Purpose::Export, a.out.force)?;
    let report = workflow::open_draft(&input)?;
    let form = report.form().map_err(CliError::unreadable)?;
    workflow::export_csv(path, &[input.as_path()], &report, &form, a.out.force)?;
    out.wrote(path);
    out.line(&format!("已导出：{}", path.display()));
    Ok(EXIT_OK)
}

fn cmd_import(a: &ImportArgs, out: &mut Out) -> Result<i32, CliError> {
    let input = one_input(&a.paths, "要导入的文件")?;
    #[cfg(feature = "import")]
    if crate::workflow::is_published_file(&input) {
        return cmd_import_report(a, &input, out);
    }
    let path = output(&a.out)?;
    let target = workflow::DraftOutput::prepare(path, &[input.as_path()], a.out.force)?;
    let opts = a.reading.import_options(a.unit.clone());
    let imported = workflow::import_table(&input, &opts).map_err(|e| match e {
        // Lines that cannot be read are findings in the file, not a file problem.
        e @ workflow::Error::CsvProblems { .. } => CliError::findings(e.to_string()),
        e => CliError::from(e),
    })?;
    // Totals given in the file are compared with the computed ones and reported, not kept.
    target.save(&imported.report)?;
    out.wrote(path);
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

/// A failure to show what a command found, said with the file it therefore did not write.
#[cfg(feature = "import")]
fn not_written(path: &Path) -> impl FnOnce(CliError) -> CliError + '_ {
    move |e| CliError::unreadable(format!("{}；草稿“{}”未写入", e.message, path.display()))
}

/// A published report (web page, Word, PDF, pasted text) to a draft, with its import report:
/// every line says what was recognised, not found, kept as a note or read one of several ways.
#[cfg(feature = "import")]
fn cmd_import_report(a: &ImportArgs, input: &Path, out: &mut Out) -> Result<i32, CliError> {
    let path = output(&a.out)?;
    let target = workflow::DraftOutput::prepare(path, &[input], a.out.force)?;
    let opts = a.reading.import_options(a.unit.clone());
    let imported = workflow::import_report(input, &opts)?;
    imported.report.form().map_err(CliError::unreadable)?;
    // The import report is shown before the draft is written: if it cannot be shown (a full
    // disk behind `>`), nothing is written and the command says so.
    if a.json {
        let json =
            serde_json::to_string_pretty(&imported.notes).map_err(|e| CliError::from(workflow::Error::Json(e)))?;
        out.raw(&json);
        out.raw("\n");
        out.flushed().map_err(not_written(path))?;
        target.save(&imported.report)?;
        out.wrote(path);
        return Ok(EXIT_OK);
    }
    out.line("导入报告：");
    for n in &imported.notes {
        out.line(&format!("  {n}"));
    }
    out.flushed().map_err(not_written(path))?;
    target.save(&imported.report)?;
    out.wrote(path);
    let r = &imported.report;
    out.line(&format!(
        "已从{}导入{}年度（{}）“{}”：{}",
        imported.kind.label(),
        r.year,
        r.template,
        r.unit.name,
        path.display()
    ));
    Ok(EXIT_OK)
}

/// What `export` writes: `--format`, else the output file's extension.
fn export_format(a: &ExportArgs, path: &Path) -> Result<&'static str, CliError> {
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

fn cmd_export(a: &ExportArgs, out: &mut Out, err: &mut Out) -> Result<i32, CliError> {
    let input = one_input(&a.paths, "草稿文件")?;
    let path = output(&a.out)?;
    // An output that is the input (or a draft) is refused as such, whatever its extension.
    let format = export_format(a, path).or_else(|e| {
        workflow::guard_output(path, &[input.as_path()], Purpose::Export, a.out.force)?;
        Err(e)
    })?;
    match format {
        "pdf" => cmd_export_pdf(a, &input, path, out, err),
        other => cmd_export_document(a, &input, path, other, out, err),
    }
}

#[cfg(not(feature = "export"))]
fn cmd_export_document(
    _a: &ExportArgs,
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
    a: &ExportArgs,
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
    workflow::guard_output(path, &[input], Purpose::Export, a.out.force)?;
    let mut report = workflow::open_draft(input)?;
    report.options.date_by_hand |= a.date_by_hand;
    let form = report.form().map_err(CliError::unreadable)?;
    let opts = crate::export::ExportOptions {
        final_export: a.final_export,
        context: crate::model::Context { today: Some(crate::store::clock::today()), ..Default::default() },
    };
    // A render that fails is a file the command could not write (exit 2), not a finding.
    let done = workflow::render_export(format, &report, &form, &opts).map_err(CliError::unreadable)?;
    workflow::write_export(path, &[input], &done.bytes, a.out.force)?;
    out.wrote(path);
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
    _force: bool,
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
    force: bool,
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
    let list = ReviewList::new(report, form, findings, Some(crate::store::clock::today()));
    let bytes = workflow::render_review(kind, &list, &settings_fonts())?;
    workflow::write_export(path, &[input], &bytes, force)?;
    err.wrote(path);
    err.line(&format!("已写出审核清单（{}项）：{}", list.items.len(), path.display()));
    Ok(())
}

/// The PDF font choices of the window (settings), when there are any.
#[cfg(any(feature = "pdf", feature = "export"))]
fn settings_fonts() -> std::collections::BTreeMap<String, PathBuf> {
    crate::store::settings::settings_path().map(|p| crate::store::settings::load(&p).0.pdf_fonts).unwrap_or_default()
}

#[cfg(not(feature = "pdf"))]
fn cmd_export_pdf(
    _a: &ExportArgs,
    _input: &Path,
    _path: &Path,
    _out: &mut Out,
    _err: &mut Out,
) -> Result<i32, CliError> {
    Err(CliError::unreadable("这个版本编译时未包含PDF导出（pdf 功能）"))
}

#[cfg(feature = "pdf")]
fn cmd_export_pdf(a: &ExportArgs, input: &Path, path: &Path, out: &mut Out, err: &mut Out) -> Result<i32, CliError> {
    let input = input.to_path_buf();
    // Refused before the work of making the PDF.
    workflow::guard_output(path, &[input.as_path()], Purpose::Export, a.out.force)?;
    let mut report = workflow::open_draft(&input)?;
    report.options.date_by_hand |= a.date_by_hand;
    let form = report.form().map_err(CliError::unreadable)?;
    // The same font choices as the window (settings), when there are any.
    let opts = crate::pdf::PdfOptions { final_export: a.final_export, fonts: settings_fonts() };
    // A render that fails (an unreadable font file) is a file the command could not write: exit 2.
    let pdf = workflow::render_pdf(&report, &form, &opts).map_err(CliError::unreadable)?;
    workflow::write_pdf(path, &[input.as_path()], &pdf, a.out.force)?;
    out.wrote(path);
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
    args::command().find_subcommand(arg).is_some()
}
