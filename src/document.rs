//! The report as a sequence of printable blocks, in print order: the one description of the
//! document that every output format (PDF, Word, web page) lays out in its own way.
//!
//! Built from the compiled form and the report only, so it knows nothing of fonts or pages.

use crate::model::form::{FormTable, GridContent};
use crate::model::report::OpeningPlacement;
use crate::model::template::Role as CellRole;
use crate::model::value::canonical_text;
use crate::model::{CellValue, Form, Report, Values};

/// What the document is made of, in order.
#[derive(Debug, Clone)]
pub enum Block {
    /// The title, in pieces that may each start a line.
    Title(Vec<String>),
    /// A heading; level 1 `一、` (黑体), level 2 `（一）` (楷体).
    Heading { level: u8, text: String },
    /// A body paragraph, first line indented two characters.
    Para(String),
    /// An empty body line.
    Blank,
    /// A table as printed.
    Table(Box<PrintTable>),
    /// Blocks on a page of their own, laid out landscape.
    Landscape(Vec<Block>),
    /// 落款 with room for the seal: name centred over the date, date 4 characters from the right.
    Signature { name: String, date: String },
    /// The annex starts on a new page: `附件` top left in 黑体, its title centred on line 2.
    AnnexStart { title: String },
}

/// A table ready to print: its grid and the text of every cell.
#[derive(Debug, Clone)]
pub struct PrintTable {
    pub table: FormTable,
    /// Text of each grid cell of `table.print`, in its order.
    pub texts: Vec<String>,
}

impl PrintTable {
    pub fn new(table: &FormTable, texts: Vec<String>) -> PrintTable {
        PrintTable { table: table.clone(), texts }
    }

    /// A table too wide for the text block at the normal size (the template says so).
    pub fn wide(&self) -> bool {
        self.table.def.wide
    }
}

/// The text of every printed cell: canonical values, computed totals, blanks as chosen.
pub fn table_texts(form: &Form, report: &Report, values: &Values, table: usize) -> Vec<String> {
    let t = &form.tables[table];
    t.print
        .cells
        .iter()
        .map(|c| match &c.content {
            GridContent::Fixed { role: CellRole::Blank, .. } => String::new(),
            GridContent::Fixed { text, .. } => text.clone(),
            GridContent::Data(ix) => {
                let cell = &form.cells[*ix];
                if cell.is_input() {
                    let typed = report.cell_text(&cell.id);
                    match canonical_text(typed, &cell.kind, cell.allow_na) {
                        Some(t) => match (&cell.kind, report.options.money_units.get(&cell.id)) {
                            (crate::model::CellKind::Money { unit: None }, Some(u)) => format!("{t}{u}"),
                            _ => t,
                        },
                        None if typed.trim().is_empty() && report.options.blank_as_zero => "0".into(),
                        None => typed.trim().to_string(),
                    }
                } else {
                    match values.get(*ix) {
                        CellValue::Num(n) => n.to_string(),
                        _ if report.options.blank_as_zero => "0".into(),
                        _ => String::new(),
                    }
                }
            }
        })
        .collect()
}

/// The user's paragraphs; a short line like `（一）…` (or `(一)…`, as often typed) is a level-2
/// heading, printed with full-width parentheses.
pub fn paragraphs(text: &str, out: &mut Vec<Block>) {
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match sub_heading(line) {
            Some(heading) => out.push(Block::Heading { level: 2, text: heading }),
            None => out.push(Block::Para(line.to_string())),
        }
    }
}

/// `（一）标题` / `(一)标题` / `（一)标题` as a heading text with `（一）`, if the line is one: a
/// Chinese numeral in parentheses, short, not a sentence.
fn sub_heading(line: &str) -> Option<String> {
    let mut chars = line.chars();
    if !matches!(chars.next(), Some('（' | '(')) {
        return None;
    }
    let rest = chars.as_str();
    let close = rest.find(['）', ')'])?;
    let number = &rest[..close];
    let is_numeral =
        !number.is_empty() && number.chars().count() <= 3 && number.chars().all(|c| "一二三四五六七八九十".contains(c));
    let tail = rest[close..].chars().skip(1).collect::<String>();
    let short = line.chars().count() <= 40 && !line.contains('。');
    (is_numeral && short).then(|| format!("（{number}）{}", tail.trim_start()))
}

/// The warning for a 落款 without a date (the date is mandatory), unless the user chose to
/// write it by hand; for every export format and the window's export dialog.
pub fn date_warning(report: &Report) -> Option<String> {
    let missing = report.options.signature_block && report.signed_on.is_none();
    (missing && !report.options.date_by_hand).then(|| {
        "落款没有成文日期：成文日期必须写明。请在“基本信息”中填写落款日期；如需打印后手写日期，请勾选“落款日期留空（手写）”".to_string()
    })
}

/// 「有N个单元格未填写…」 for an export in `format` (PDF, Word文档 …), when blank input cells of the
/// printed tables come out blank; the same words for every export.
pub fn blank_cells_notice(report: &Report, form: &Form, format: &str) -> Option<String> {
    if report.options.blank_as_zero {
        return None;
    }
    let blanks = form
        .tables
        .iter()
        .filter(|t| t.def.printed)
        .flat_map(|t| t.cells.iter())
        .filter(|&&ix| form.cells[ix].is_input() && report.cell_text(&form.cells[ix].id).trim().is_empty())
        .count();
    (blanks > 0).then(|| {
        format!(
            "有{blanks}个单元格未填写，{format}中为空白；没有数据应填0（或在“基本信息”中勾选“未填写的单元格打印为0”）"
        )
    })
}

/// 「还有N个错误…」 for an export with errors left; `marked` says where the draft mark is
/// (「PDF每页带有“草稿”字样」).
pub fn errors_notice(errors: usize, draft_mark: bool, marked: &str) -> Option<String> {
    (errors > 0).then(|| {
        if draft_mark {
            format!("还有{errors}个错误，{marked}")
        } else {
            format!("还有{errors}个错误，但按要求导出为正式版（无“草稿”字样）")
        }
    })
}

/// The title of an annex table (`{Y}` replaced by the year).
pub fn annex_title(form: &Form, report: &Report, table: usize) -> String {
    let def = &form.tables[table].def;
    def.title.clone().unwrap_or_else(|| def.name.clone()).replace("{Y}", &report.year.to_string())
}

/// Printed tables that come from an annex template, in form order.
pub fn annex_tables(form: &Form) -> Vec<usize> {
    (0..form.tables.len())
        .filter(|&t| form.tables[t].template != form.template.id && form.tables[t].def.printed)
        .collect()
}

/// The document as blocks, in print order.
pub fn blocks(form: &Form, report: &Report, values: &Values) -> Vec<Block> {
    let mut out = vec![Block::Title(report.title_parts())];
    let opening = report.opening();
    if report.options.opening == OpeningPlacement::Start {
        paragraphs(&opening, &mut out);
    }
    for s in &form.template.sections {
        out.push(Block::Heading { level: 1, text: s.heading.clone() });
        paragraphs(report.section(&s.id), &mut out);
        for sub in &s.subsections {
            out.push(Block::Heading { level: 2, text: sub.heading.clone() });
            paragraphs(report.section(&sub.id), &mut out);
        }
        for tid in &s.tables {
            let Some(t) = form.tables.iter().position(|x| &x.def.id == tid) else { continue };
            if !form.tables[t].def.printed {
                continue;
            }
            let texts = table_texts(form, report, values, t);
            let table = Box::new(PrintTable::new(&form.tables[t], texts));
            if table.wide() && report.options.landscape_table4 {
                push_landscape(&mut out, table);
            } else {
                out.push(Block::Table(table));
            }
        }
    }
    if report.options.opening == OpeningPlacement::End {
        paragraphs(&opening, &mut out);
    }
    let annexes = annex_tables(form);
    if let Some(&first) = annexes.first() {
        out.push(Block::Blank);
        out.push(Block::Para(format!("附件：{}", annex_title(form, report, first))));
    }
    if report.options.signature_block {
        let date = report.signed_on.map(|d| d.chinese()).unwrap_or_default();
        out.push(Block::Signature { name: report.unit.signing_name().to_string(), date });
    }
    for t in annexes {
        out.push(Block::AnnexStart { title: annex_title(form, report, t) });
        let texts = table_texts(form, report, values, t);
        out.push(Block::Table(Box::new(PrintTable::new(&form.tables[t], texts))));
    }
    out
}

/// Puts `table` on a landscape page of its own after `out`. Headings directly above the table
/// go with it (a heading must not end the page before it); the section's text, if any, stays in
/// the flow with its heading.
pub fn push_landscape(out: &mut Vec<Block>, table: Box<PrintTable>) {
    let mut inner = Vec::new();
    while matches!(out.last(), Some(Block::Heading { .. })) && inner.len() < 3 {
        inner.extend(out.pop());
    }
    inner.reverse();
    inner.push(Block::Table(table));
    out.push(Block::Landscape(inner));
}

/// Escapes text for element content and attribute values; drops control characters.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        paragraphs(text, &mut out);
        out.into_iter()
            .map(|b| match b {
                Block::Heading { level, text } => format!("H{level}:{text}"),
                Block::Para(t) => format!("P:{t}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn regression_ascii_parenthesised_sub_headings_are_headings() {
        // The seed report types its sub-headings with ASCII parentheses.
        assert_eq!(
            kinds("(一)主动公开情况\n（二) 依申请公开\n(三）政府信息管理\n本年度共公开信息。"),
            ["H2:（一）主动公开情况", "H2:（二）依申请公开", "H2:（三）政府信息管理", "P:本年度共公开信息。"]
        );
        // A sentence or a Latin number in parentheses stays a paragraph.
        assert_eq!(kinds("(一)本年度共收到申请5件，均已办结。"), ["P:(一)本年度共收到申请5件，均已办结。"]);
        assert_eq!(kinds("(1)主动公开"), ["P:(1)主动公开"]);
    }

    #[test]
    fn a_missing_signature_date_is_warned_unless_left_for_hand_writing() {
        let mut r = Report::new("gb2021", 2024, "某市某局");
        assert!(date_warning(&r).is_some_and(|w| w.contains("成文日期")));
        r.options.date_by_hand = true;
        assert!(date_warning(&r).is_none());
        r.options.date_by_hand = false;
        r.signed_on = crate::model::Date::new(2025, 1, 20);
        assert!(date_warning(&r).is_none());
    }
}
