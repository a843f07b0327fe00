//! Word, web page and Excel exports and the 审核清单: the report laid out from the same
//! format-neutral document ([`crate::document::blocks`]) and compiled form as the PDF.
//!
//! Every writer returns bytes; the caller (command line, window) decides where they go and
//! writes them atomically. Nothing here knows of the window or of files on disk.

pub mod docx;
pub mod html;
pub mod review;
pub mod xlsx;

use std::path::Path;

use crate::document::{self, Block, PrintTable};
use crate::model::form::{GridCell, GridContent};
use crate::model::template::Role;
use crate::model::{Context, Finding, Form, Report, Severity, Values, evaluate};

/// The formats written here (the PDF has its own module).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Html,
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Docx, Format::Html, Format::Xlsx];

    /// The format an output path asks for by its extension (`.docx`, `.html`/`.htm`, `.xlsx`).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "docx" => Some(Format::Docx),
            "html" | "htm" => Some(Format::Html),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }

    /// How the window and messages name it.
    pub fn label(self) -> &'static str {
        match self {
            Format::Docx => "Word文档",
            Format::Html => "网页",
            Format::Xlsx => "Excel表格",
        }
    }
}

/// Choices for one export.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Export without the 草稿 mark even though errors remain (the user said so).
    pub final_export: bool,
    /// What the checks need beyond the report (today's date, published totals); the findings
    /// go into the Excel file's 检查结果 sheet.
    pub context: Context,
}

/// A written file and what the user should be told about it.
#[derive(Debug)]
pub struct Output {
    pub bytes: Vec<u8>,
    /// Whether the file is marked 草稿 (errors remain and the export was not final).
    pub draft_mark: bool,
    /// Things the user should know (blank cells left blank, errors left …), in Chinese.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Template(#[from] crate::model::TemplateError),
    /// The writer library refused the content (never expected; reported rather than hidden).
    #[error("无法生成{format}：{msg}")]
    Write { format: &'static str, msg: String },
}

/// Writes the report in one of the formats.
pub fn export(format: Format, report: &Report, form: &Form, opts: &ExportOptions) -> Result<Output, ExportError> {
    match format {
        Format::Docx => docx::export(report, form, opts),
        Format::Html => Ok(html::export(report, form, opts)),
        Format::Xlsx => xlsx::export(report, form, opts),
    }
}

/// What every writer starts from: values, findings, the document's blocks, the draft decision.
pub(crate) struct Prepared {
    pub values: Values,
    pub findings: Vec<Finding>,
    pub blocks: Vec<Block>,
    pub draft_mark: bool,
    pub errors: usize,
}

pub(crate) fn prepare(report: &Report, form: &Form, opts: &ExportOptions) -> Prepared {
    let values = Values::compute(form, report);
    let findings = evaluate(form, report, &values, &opts.context);
    let errors = findings.iter().filter(|f| f.severity == Severity::E).count();
    let blocks = document::blocks(form, report, &values);
    Prepared { values, findings, blocks, draft_mark: errors > 0 && !opts.final_export, errors }
}

/// The same notices the PDF export gives, naming the format.
pub(crate) fn warnings(report: &Report, form: &Form, prepared: &Prepared, format: &str) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(crate::document::blank_cells_notice(report, form, format));
    out.extend(crate::document::errors_notice(
        prepared.errors,
        prepared.draft_mark,
        &format!("{format}标有“草稿”字样"),
    ));
    out
}

/// How a printed grid cell is set, whatever the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Look {
    /// Column header: centred.
    Head,
    /// Caption row across the table: centred.
    Caption,
    /// Row label: left, indented by `indent` half-width characters.
    Label {
        indent: u8,
    },
    /// The small 勾稽 note.
    Note,
    /// A unit or a short centred value.
    Unit,
    Blank,
    /// A data cell: a number (or what was typed), centred.
    Data,
}

impl Look {
    pub fn of(cell: &GridCell) -> Look {
        match &cell.content {
            GridContent::Data(_) => Look::Data,
            GridContent::Fixed { role, indent, .. } => match role {
                Role::Head => Look::Head,
                Role::Caption => Look::Caption,
                Role::Label => Look::Label { indent: *indent },
                Role::Note => Look::Note,
                Role::Unit => Look::Unit,
                Role::Blank => Look::Blank,
            },
        }
    }

    pub fn left_aligned(self) -> bool {
        matches!(self, Look::Label { .. })
    }

    /// Header cells are marked as such (`<th>`, repeated rows) in formats that know them.
    pub fn is_header(self) -> bool {
        matches!(self, Look::Head | Look::Caption | Look::Note)
    }
}

/// The cells of a printed table with their text, in grid order.
pub(crate) fn cells(table: &PrintTable) -> impl Iterator<Item = (&GridCell, &str)> {
    table.table.print.cells.iter().zip(table.texts.iter().map(String::as_str))
}

/// Rough width of a text in full-width characters (ASCII counts half): enough to decide where a
/// title breaks or how wide a spreadsheet column must be.
pub(crate) fn text_width(text: &str) -> f32 {
    text.chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum()
}

/// Whether any cell is a table head.
pub(crate) fn header_rows(table: &PrintTable) -> usize {
    table.table.def.header_rows.min(table.table.print.rows)
}
