//! The one definition of the command line (clap, derive): the parser, `--help` of every
//! subcommand, the shell completions and the man page all come from these types.
//!
//! clap's own words are English; every heading, usage line and help text here is written in
//! Chinese, and clap's errors are said again in Chinese by [`chinese_error`].

use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Args, CommandFactory, Parser, Subcommand};

/// The help page of a subcommand: Chinese headings (clap's own would be English and end in `:`).
const HELP: &str = "{about-with-newline}\n用法：\n{usage}\n\n参数：\n{positionals}\n\n选项：\n{options}{after-help}";
/// The program's own help page: its commands rather than arguments.
const TOP_HELP: &str =
    "{about-with-newline}\n用法：\n{usage}\n\n命令：\n{subcommands}\n\n选项：\n{options}{after-help}";
/// `help`, which has neither options of its own nor an after-help.
const HELP_HELP: &str = "{about-with-newline}\n用法：\n{usage}\n\n参数：\n{positionals}\n\n选项：\n{options}";

/// Said under every help page: what the exit codes mean (0 done, 1 findings, 2 could not).
macro_rules! exit_codes {
    () => {
        "退出码：0 完成（check：没有错误）；1 发现问题（check：有错误或有未报送的单位；import：表格中有无法读取的行）；
2 无法完成（文件无法读取、命令行有误、导出失败）。"
    };
}
const EXIT_CODES: &str = exit_codes!();

/// Under the program's own help: examples, where each command's options are, the exit codes.
const TOP_AFTER: &str = concat!(
    "示例：
  nianbao new --from 上年.ron -o 本年.ron
  nianbao check 本年.ron
  nianbao check 各单位报告文件夹 --expect 单位名单.txt --summary 汇总表.xlsx
  nianbao export 本年.ron -o 报告.pdf
各命令的用法和选项：nianbao 命令 --help

",
    exit_codes!()
);

/// 年报 nianbao — 政府信息公开工作年度报告填报、核对与打印
#[derive(Debug, Parser)]
#[command(
    name = "nianbao",
    version,
    about = "年报 nianbao — 政府信息公开工作年度报告填报、核对与打印",
    help_template = TOP_HELP,
    override_usage = "  nianbao [草稿.ron]        打开窗口（可直接打开一份草稿）\n  nianbao <命令> [选项]",
    after_help = TOP_AFTER,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_value_name = "命令",
    args_override_self = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Cmd,
    /// 载入文件夹中的 *.ron 模板（与设置文件夹中 templates 下的模板一样），用于省级补充表或新的全国格式
    #[arg(long, global = true, value_name = "文件夹")]
    pub templates: Option<PathBuf>,
    /// 显示帮助
    #[arg(short = 'h', long, action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,
}

/// The subcommands. A new one: a variant here (with its help), its arm in `cli::dispatch`, a
/// line in the README's command table (tests/it/cli.rs checks it against this definition).
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// 新建草稿：空白草稿，或以上年报告（草稿、表格、已公开的报告）为模板新建本年草稿
    #[command(
        help_template = HELP,
        after_help = EXIT_CODES,
        override_usage = "  nianbao new --year 2025 --unit 机关全称 [--format gb2021] -o 草稿.ron [--force]\n  \
            nianbao new --from 上年.ron -o 草稿.ron\n  \
            nianbao new --from 上年.csv --year 2025 [--format gb2021] [--unit 机关全称] -o 草稿.ron\n  \
            nianbao new --from 上年报告(.html|.docx|.pdf|.txt) [--year 2025] -o 草稿.ron"
    )]
    New(NewArgs),
    /// 检查勾稽关系：一份报告（可写出审核清单），多份报告或文件夹（批量），或汇总报告与各单位报告
    #[command(
        help_template = HELP,
        after_help = EXIT_CODES,
        override_usage = "  nianbao check 文件(.ron|.csv|.html|.docx|.pdf|.txt) [--json] [--format F] [--year Y]\n  \
            nianbao check 文件 -o 审核清单.xlsx|.html|.pdf [--force]\n  \
            nianbao check 文件 --prev 上年报告(.ron|.csv|.html|.docx|.pdf|.txt)\n  \
            nianbao check 文件或文件夹… [--summary 汇总表.xlsx|.html|.csv] [--expect 单位名单.txt] \
            [--prev-dir 上年报告文件夹] [--json] [--force]\n  \
            nianbao check 汇总.ron --children 文件或文件夹…"
    )]
    Check(CheckArgs),
    /// 把各单位报告逐格相加为一份汇总草稿（年度、格式须相同），并列出所含单位
    #[command(
        help_template = HELP,
        after_help = EXIT_CODES,
        override_usage = "  nianbao sum 文件或文件夹… --unit 汇总单位 [--year 2025] -o 汇总.ron [--force]"
    )]
    Sum(SumArgs),
    /// 导出可打印的PDF、Word文档、网页或Excel表格（按输出文件的扩展名或 --format）
    #[command(
        help_template = HELP,
        after_help = EXIT_CODES,
        override_usage = "  nianbao export 草稿.ron -o 报告.pdf [--final] [--date-by-hand] [--fonts] [--force]\n  \
            nianbao export 草稿.ron -o 报告.docx|.html|.xlsx [--format F] [--final] [--force]"
    )]
    Export(ExportArgs),
    /// 导出长格式CSV（表,行,列,值）
    #[command(
        name = "export-csv",
        help_template = HELP,
        after_help = EXIT_CODES,
        override_usage = "  nianbao export-csv 草稿.ron -o 表格.csv [--force]"
    )]
    ExportCsv(ExportCsvArgs),
    /// 导入为草稿：长格式CSV，或已公开的报告（网页、Word、PDF、复制的文字），并列出导入报告
    #[command(
        help_template = HELP,
        after_help = EXIT_CODES,
        override_usage = "  nianbao import 表格.csv --year 2025 --unit 机关全称 [--format gb2021] -o 草稿.ron\n  \
            nianbao import 报告(.html|.docx|.pdf|.txt) [--year Y] [--unit 机关全称] [--format F] [--json] -o 草稿.ron"
    )]
    Import(ImportArgs),
    /// 显示帮助（某个命令的帮助：nianbao help check）
    #[command(help_template = HELP_HELP, override_usage = "  nianbao help [命令]")]
    Help {
        /// 要显示帮助的命令
        #[arg(value_name = "命令")]
        command: Option<String>,
    },
    /// A document reader process (started by this program only; see `import::process`).
    #[command(name = "__read-document", hide = true)]
    ReadDocument {
        /// html, docx, pdf or text.
        kind: Option<String>,
    },
    /// Writes the shell completions and man pages into a folder (scripts/build-deb.sh).
    #[command(name = "__generate", hide = true)]
    Generate {
        /// The folder to write into.
        dir: PathBuf,
    },
}

/// Where a command writes: `-o` and whether an existing file may be replaced.
#[derive(Debug, Args)]
pub struct Output {
    /// 输出文件
    #[arg(short = 'o', long = "output", value_name = "文件")]
    pub output: Option<PathBuf>,
    /// 覆盖已存在的文件（原文件留作 .bak 备份）；输入文件本身从不覆盖
    #[arg(long)]
    pub force: bool,
}

/// How a report that is not a draft is read (a table, a published report).
#[derive(Debug, Args)]
pub struct Reading {
    /// 表格格式：gb2021、gb2019 或模板名（默认按年度：2020年及以前gb2019，2021年起gb2021）
    #[arg(long, value_name = "格式", value_parser = lower)]
    pub format: Option<String>,
    /// 报告年度（可写2025、2025年或二〇二五）
    #[arg(long, value_name = "年度", value_parser = year)]
    pub year: Option<i32>,
}

impl Reading {
    /// How a file is read with these options; `unit` fills a report that does not name its unit.
    pub fn import_options(&self, unit: Option<String>) -> crate::store::csv::ImportOptions {
        crate::store::csv::ImportOptions { format: self.format.clone(), year: self.year, unit }
    }
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// 上年报告：草稿(.ron)、长格式表格(.csv)或已公开的报告(.html|.docx|.pdf|.txt)
    #[arg(long, value_name = "上年报告")]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub reading: Reading,
    /// 机关全称
    #[arg(long, value_name = "机关全称")]
    pub unit: Option<String>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 要检查的文件或文件夹（文件夹含子文件夹）
    #[arg(value_name = "文件")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub reading: Reading,
    /// 机关全称（报告中没有时）
    #[arg(long, value_name = "机关全称")]
    pub unit: Option<String>,
    /// 以JSON输出检查结果
    #[arg(long)]
    pub json: bool,
    /// 批量检查：写出汇总表（.xlsx、.html 或 .csv）
    #[arg(long, value_name = "汇总表")]
    pub summary: Option<PathBuf>,
    /// 批量检查：单位名单（每行一个单位），列出未报送、名单外和重复报送的单位
    #[arg(long, value_name = "单位名单")]
    pub expect: Option<PathBuf>,
    /// 核对汇总报告：各单位的报告文件或文件夹（此后的路径都是）
    #[arg(long, value_name = "文件或文件夹", num_args = 1..)]
    pub children: Option<Vec<PathBuf>>,
    /// 上年的报告（.ron、.csv、.html、.docx、.pdf、.txt）：与上年正文比较重复率（草稿中已有上年正文时，以所给文件为准）
    #[arg(long, value_name = "上年报告")]
    pub prev: Option<PathBuf>,
    /// 批量检查：上年报告所在的文件夹，按单位找到上年报告，列出与上年重复率
    #[arg(long, value_name = "上年报告文件夹")]
    pub prev_dir: Option<PathBuf>,
    #[command(flatten)]
    pub out: Output,
}

impl CheckArgs {
    /// `check` of several reports (files and folders) rather than one.
    pub fn is_batch(&self) -> bool {
        self.paths.len() > 1
            || self.summary.is_some()
            || self.expect.is_some()
            || self.prev_dir.is_some()
            || self.paths.iter().any(|p| p.is_dir())
    }
}

#[derive(Debug, Args)]
pub struct SumArgs {
    /// 要汇总的报告文件或文件夹
    #[arg(value_name = "文件")]
    pub paths: Vec<PathBuf>,
    /// 汇总单位的名称
    #[arg(long, value_name = "汇总单位")]
    pub unit: Option<String>,
    #[command(flatten)]
    pub reading: Reading,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// 草稿文件(.ron)
    #[arg(value_name = "草稿")]
    pub paths: Vec<PathBuf>,
    /// 导出格式：pdf、docx、html 或 xlsx（默认按输出文件的扩展名）
    #[arg(long, value_name = "格式", value_parser = lower)]
    pub format: Option<String>,
    /// 正式版：有错误时也不加“草稿”水印
    #[arg(long = "final")]
    pub final_export: bool,
    /// 未填落款日期时留空手写
    #[arg(long)]
    pub date_by_hand: bool,
    /// 列出PDF各部分所用的字体
    #[arg(long = "fonts")]
    pub list_fonts: bool,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Debug, Args)]
pub struct ExportCsvArgs {
    /// 草稿文件(.ron)
    #[arg(value_name = "草稿")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// 要导入的文件：长格式表格(.csv)或已公开的报告(.html|.docx|.pdf|.txt)
    #[arg(value_name = "文件")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub reading: Reading,
    /// 机关全称
    #[arg(long, value_name = "机关全称")]
    pub unit: Option<String>,
    /// 以JSON输出导入报告
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub out: Output,
}

/// A year as the user writes it (2025, 2025年, 二〇二五): the workflow's one year parser.
fn year(s: &str) -> Result<i32, crate::workflow::Error> {
    crate::workflow::parse_year(s)
}

fn lower(s: &str) -> Result<String, std::convert::Infallible> {
    Ok(s.to_lowercase())
}

/// The whole definition as a clap command (the parser, completions, man page, tests).
pub fn command() -> clap::Command {
    Cli::command()
}

/// A clap error in Chinese: one sentence, with the subcommand it was given to.
pub fn chinese_error(e: &clap::Error, sub: Option<&str>) -> String {
    let context = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    // "--year <年度>" → "--year"
    let arg = || context(ContextKind::InvalidArg).split(' ').next().unwrap_or_default().to_string();
    let within = sub.map(|s| format!("（nianbao {s} 没有这个选项；见 nianbao {s} --help）")).unwrap_or_default();
    match e.kind() {
        ErrorKind::InvalidSubcommand => format!("未知的命令“{}”", context(ContextKind::InvalidSubcommand)),
        ErrorKind::UnknownArgument => format!("未知的选项“{}”{within}", context(ContextKind::InvalidArg)),
        ErrorKind::InvalidValue if context(ContextKind::InvalidValue).is_empty() => {
            format!("选项 {} 后面缺少值", arg())
        }
        ErrorKind::InvalidValue => {
            format!("选项 {} 的值“{}”无效", arg(), context(ContextKind::InvalidValue))
        }
        ErrorKind::ValueValidation => match std::error::Error::source(e) {
            Some(reason) => reason.to_string(),
            None => format!("选项 {} 的值“{}”无效", arg(), context(ContextKind::InvalidValue)),
        },
        ErrorKind::InvalidUtf8 => "选项的值不是有效的文字（编码无法识别，请使用UTF-8）".into(),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!("选项 {} 后面缺少值", arg()),
        ErrorKind::TooManyValues | ErrorKind::ArgumentConflict => {
            format!("选项 {} 不能这样使用", arg())
        }
        ErrorKind::MissingRequiredArgument => format!("缺少 {}", context(ContextKind::InvalidArg)),
        ErrorKind::MissingSubcommand => "缺少命令".into(),
        _ => "命令行有误".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definition_is_consistent() {
        command().debug_assert();
    }

    #[cfg(feature = "import")]
    #[test]
    fn the_reader_command_is_the_one_the_reader_starter_uses() {
        assert!(command().find_subcommand(crate::import::process::READ_COMMAND).is_some());
    }
}
