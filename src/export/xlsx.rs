//! The report as an Excel workbook for the 政务公开办: a 基本信息 sheet, one sheet per table in
//! the official layout (merged header cells, numbers as numbers, totals as `=SUM(…)` formulas
//! built from the template's formulas, so Excel recomputes them), and a 检查结果 sheet with every
//! finding.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use super::review::{COLUMNS, ReviewItem, ReviewList};
use super::{ExportError, ExportOptions, Look, Output, prepare, text_width, warnings};
use crate::document::{PrintTable, annex_title, table_texts};
use crate::model::form::{Formula as CellFormula, GridContent};
use crate::model::{CellKind, CellValue, Form, Report, Values};

const FONT: &str = "宋体";
/// GB2312, so Excel on a PC without the face still picks a Chinese one.
const CHARSET: u8 = 134;
/// Rows above a table's grid on its sheet: the heading.
const GRID_TOP: u32 = 1;
/// Height of one line of 11 pt text (pt).
const LINE_H: f64 = 14.5;

/// Writes the report as an .xlsx.
pub fn export(report: &Report, form: &Form, opts: &ExportOptions) -> Result<Output, ExportError> {
    let prepared = prepare(report, form, opts);
    let warnings = warnings(report, form, &prepared, "Excel表格");
    let mut wb = Workbook::new();
    wb.set_properties(&properties(report));
    let fmt = Formats::new();

    let ws = wb.add_worksheet();
    info_sheet(ws, report, form, &prepared, &fmt).map_err(err)?;
    let mut names: Vec<String> = vec!["基本信息".into(), "检查结果".into()];
    for t in 0..form.tables.len() {
        let texts = table_texts(form, report, &prepared.values, t);
        let table = PrintTable::new(&form.tables[t], texts);
        let ws = wb.add_worksheet();
        let name = sheet_name(&form.tables[t].def.name, &names);
        ws.set_name(&name).map_err(err)?;
        names.push(name);
        let heading = heading_of(form, report, t);
        table_sheet(ws, form, report, &prepared.values, &table, &heading, &fmt).map_err(err)?;
    }
    let list = ReviewList::new(report, form, &prepared.findings, opts.context.today);
    let ws = wb.add_worksheet();
    ws.set_name("检查结果").map_err(err)?;
    findings_sheet(ws, 0, &list.items, &fmt).map_err(err)?;
    let bytes = wb.save_to_buffer().map_err(err)?;
    Ok(Output { bytes, draft_mark: prepared.draft_mark, warnings })
}

/// The 审核清单's spreadsheet lives here, with the workbook's formats; the list itself
/// (`export::review`) knows no spreadsheet writer.
impl ReviewList {
    /// The list as a spreadsheet: one sheet, the facts on top, the findings, the sign lines.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, ExportError> {
        review(self)
    }
}

/// The 审核清单 as a one-sheet workbook.
fn review(list: &ReviewList) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(list.title()).set_author(&list.unit));
    let fmt = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name("审核清单").map_err(err)?;
    let last_col = (COLUMNS.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last_col, &list.title(), &fmt.title).map_err(err)?;
    ws.set_row_height(0, 24).map_err(err)?;
    let mut row = 1;
    for (k, v) in list.facts() {
        ws.write_string_with_format(row, 0, k, &fmt.plain).map_err(err)?;
        ws.merge_range(row, 1, row, last_col, &v, &fmt.plain).map_err(err)?;
        row += 1;
    }
    let head = row + 1;
    let end = findings_sheet(ws, head, &list.items, &fmt).map_err(err)?;
    for (row, line) in (end + 1..).zip(ReviewList::sign_lines()) {
        ws.merge_range(row, 0, row, 5, line, &fmt.plain).map_err(err)?;
        ws.set_row_height(row, 24).map_err(err)?;
    }
    ws.set_repeat_rows(head, head).map_err(err)?;
    ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0);
    wb.save_to_buffer().map_err(err)
}

fn err(e: XlsxError) -> ExportError {
    ExportError::Write { format: "Excel表格", msg: e.to_string() }
}

struct Formats {
    title: Format,
    plain: Format,
    head: Format,
    label: Format,
    centre: Format,
    note: Format,
    number: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new().set_font_name(FONT).set_font_charset(CHARSET).set_font_size(11);
        let cell = base.clone().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::VerticalCenter);
        Formats {
            title: base.clone().set_bold().set_font_size(14).set_align(FormatAlign::Center),
            plain: base.clone().set_align(FormatAlign::VerticalCenter),
            head: cell.clone().set_align(FormatAlign::Center),
            label: cell.clone().set_align(FormatAlign::Left),
            centre: cell.clone().set_align(FormatAlign::Center),
            note: cell.clone().set_align(FormatAlign::Center).set_font_size(8),
            number: cell.set_align(FormatAlign::Center),
        }
    }

    fn for_look(&self, look: Look) -> &Format {
        match look {
            Look::Head | Look::Caption => &self.head,
            Look::Label { .. } => &self.label,
            Look::Note => &self.note,
            Look::Unit | Look::Blank => &self.centre,
            Look::Data => &self.number,
        }
    }
}

/// A fixed date from the draft, so the same draft gives the same file.
fn properties(report: &Report) -> DocProperties {
    let d = report.signed_on.unwrap_or(crate::model::Date { year: report.year + 1, month: 1, day: 1 });
    let props = DocProperties::new()
        .set_title(report.title())
        .set_author(report.unit.name.trim())
        .set_company(report.unit.name.trim());
    match ExcelDateTime::from_ymd(d.year.clamp(1900, 9999) as u16, d.month as u8, d.day as u8) {
        Ok(dt) => props.set_creation_datetime(&dt),
        Err(_) => props,
    }
}

/// A valid, unique sheet name (at most 31 characters, none of `[]:*?/\`).
fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String =
        wanted.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).filter(|c| !c.is_control()).collect();
    let clean = clean.trim_matches('\'').trim();
    let base: String = if clean.is_empty() { "表".into() } else { clean.chars().take(28).collect() };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.to_lowercase() == name.to_lowercase()) {
        name = format!("{base}({n})");
        n += 1;
    }
    name
}

/// The heading over a table: its annex title, or the heading of the section it is in.
fn heading_of(form: &Form, report: &Report, t: usize) -> String {
    let def = &form.tables[t].def;
    if def.title.is_some() {
        return annex_title(form, report, t);
    }
    form.template
        .sections
        .iter()
        .find(|s| s.tables.iter().any(|id| id == &def.id))
        .map(|s| s.heading.clone())
        .unwrap_or_else(|| def.name.clone())
}

/// 基本信息: the report's details under the same names as the long CSV's.
fn info_sheet(
    ws: &mut Worksheet,
    report: &Report,
    form: &Form,
    prepared: &super::Prepared,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name("基本信息")?;
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 60)?;
    ws.write_string_with_format(0, 0, "项目", &fmt.head)?;
    ws.write_string_with_format(0, 1, "内容", &fmt.head)?;
    let u = &report.unit;
    let mut rows: Vec<(&str, String)> = vec![
        ("标题", report.title()),
        ("格式", report.template.clone()),
        ("格式名称", form.template.name.clone()),
        ("年度", report.year.to_string()),
    ];
    rows.extend(u.labelled().into_iter().map(|(k, v)| (k, v.clone())));
    let rules = match u.makes_rules {
        Some(true) => "是",
        Some(false) => "否",
        None => "",
    };
    rows.push(("规章制定权", rules.into()));
    rows.push(("落款日期", report.signed_on.map(|d| d.to_string()).unwrap_or_default()));
    let (e, w, i) = crate::model::rules::counts(&prepared.findings);
    rows.push(("检查结果", format!("错误{e}项，警告{w}项，提示{i}项（详见“检查结果”表）")));
    if prepared.draft_mark {
        rows.push(("状态", "草稿（尚有错误未改正，不得作为正式文本）".into()));
    }
    for (n, (k, v)) in rows.into_iter().enumerate() {
        let r = n as u32 + 1;
        ws.write_string_with_format(r, 0, k, &fmt.label)?;
        // The year is a number; everything else is text as entered (a phone number or a
        // postcode must keep its leading zero).
        if k == "年度" {
            ws.write_number_with_format(r, 1, f64::from(report.year), &fmt.label)?;
        } else {
            ws.write_string_with_format(r, 1, &v, &fmt.label)?;
        }
    }
    Ok(())
}

/// A table in its official layout under its heading; computed cells as formulas.
fn table_sheet(
    ws: &mut Worksheet,
    form: &Form,
    report: &Report,
    values: &Values,
    table: &PrintTable,
    heading: &str,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let def = &table.table.def;
    let layout = &table.table.print;
    let n = def.grid_columns;
    // Column widths in Excel's units (about one digit each; a Chinese character takes two).
    let total: f32 = def.col_widths.iter().sum::<f32>().max(f32::EPSILON);
    let units = (9.0 * n as f32).max(60.0);
    let widths: Vec<f64> = def.col_widths.iter().map(|w| f64::from((units * w / total).max(6.0))).collect();
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let last_col = (n.max(1) - 1) as u16;
    if last_col > 0 {
        ws.merge_range(0, 0, 0, last_col, heading, &fmt.title)?;
    } else {
        ws.write_string_with_format(0, 0, heading, &fmt.title)?;
    }
    ws.set_row_height(0, 24)?;

    // Where each data cell is, for formulas.
    let mut at: std::collections::HashMap<usize, (u32, u16)> = std::collections::HashMap::new();
    for c in &layout.cells {
        if let GridContent::Data(ix) = c.content {
            at.insert(ix, (GRID_TOP + c.row as u32, c.col as u16));
        }
    }
    let mut lines = vec![1usize; layout.rows];
    for (c, text) in super::cells(table) {
        let (r, col) = (GRID_TOP + c.row as u32, c.col as u16);
        let look = Look::of(c);
        let f = fmt.for_look(look);
        let (r2, c2) = (r + c.rows as u32 - 1, col + c.cols as u16 - 1);
        if c.rows > 1 || c.cols > 1 {
            // The merged range carries the text; a data cell's value is written over its first
            // slot below.
            let shown = if look == Look::Data { "" } else { text };
            ws.merge_range(r, col, r2, c2, shown, f)?;
        }
        match c.content {
            GridContent::Data(ix) => data_cell(ws, form, report, values, &at, ix, (r, col), text, f)?,
            GridContent::Fixed { .. } if c.rows == 1 && c.cols == 1 => {
                ws.write_string_with_format(r, col, text, f)?;
            }
            GridContent::Fixed { .. } => {}
        }
        if c.rows == 1 && !text.is_empty() {
            let width: f64 = widths[c.col..(c.col + c.cols).min(n)].iter().sum();
            let need = (f64::from(text_width(text)) * 2.0 / (width - 1.0).max(1.0)).ceil() as usize;
            lines[c.row] = lines[c.row].max(need.max(1));
        }
    }
    for (r, l) in lines.iter().enumerate() {
        ws.set_row_height(GRID_TOP + r as u32, (*l as f64 * LINE_H + 4.0).max(20.0))?;
    }
    let heads = super::header_rows(table) as u32;
    if heads > 0 {
        ws.set_repeat_rows(GRID_TOP, GRID_TOP + heads - 1)?;
    }
    ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
    if def.wide {
        ws.set_landscape();
    }
    Ok(())
}

/// A data cell: a number as a number, a computed cell as `=SUM(…)` with its value cached, what
/// was typed otherwise (so a wrong entry stays visible), blank as blank.
#[allow(clippy::too_many_arguments)]
fn data_cell(
    ws: &mut Worksheet,
    form: &Form,
    report: &Report,
    values: &Values,
    at: &std::collections::HashMap<usize, (u32, u16)>,
    ix: usize,
    (r, col): (u32, u16),
    text: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    let cell = &form.cells[ix];
    let unit_format;
    let f = match (&cell.kind, report.options.money_units.get(&cell.id)) {
        // A money unit chosen per report is shown with the number but not part of it.
        (CellKind::Money { unit: None }, Some(u)) if !u.trim().is_empty() => {
            let unit: String = u.chars().filter(|c| *c != '"' && !c.is_control()).collect();
            unit_format = f.clone().set_num_format(format!("General\"{unit}\""));
            &unit_format
        }
        _ => f,
    };
    if let Some(CellFormula::Sum(parts)) = &cell.formula {
        let refs: Option<Vec<(u32, u16)>> = parts.iter().map(|p| at.get(p).copied()).collect();
        if let Some(refs) = refs.filter(|r| !r.is_empty()) {
            let mut formula = Formula::new(format!("=SUM({})", ranges(&refs)));
            // The value a reader that does not recompute sees: SUM of blanks is 0 in Excel.
            match values.get(ix) {
                CellValue::Num(v) => formula = formula.set_result(v.to_string()),
                CellValue::Blank => formula = formula.set_result("0"),
                _ => {}
            }
            ws.write_formula_with_format(r, col, formula, f)?;
            return Ok(());
        }
    }
    match values.get(ix) {
        CellValue::Num(v) => {
            ws.write_number_with_format(r, col, num(*v), f)?;
        }
        // Blank, as chosen (0 when the report prints blanks as 0).
        CellValue::Blank if text.is_empty() => {
            ws.write_blank(r, col, f)?;
        }
        _ => {
            ws.write_string_with_format(r, col, text, f)?;
        }
    }
    Ok(())
}

fn num(v: crate::model::Num) -> f64 {
    v.raw() as f64 / crate::model::value::SCALE as f64
}

/// `D5:I5`, `D6:D26`, or single cells, for the parts of a sum.
fn ranges(refs: &[(u32, u16)]) -> String {
    let mut refs = refs.to_vec();
    let same_row = refs.iter().all(|r| r.0 == refs[0].0);
    let same_col = refs.iter().all(|r| r.1 == refs[0].1);
    if same_row {
        refs.sort_by_key(|r| r.1);
    } else if same_col {
        refs.sort_by_key(|r| r.0);
    }
    let adjacent = |a: (u32, u16), b: (u32, u16)| {
        (same_row && b.1 == a.1 + 1 && a.0 == b.0) || (same_col && !same_row && b.0 == a.0 + 1 && a.1 == b.1)
    };
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < refs.len() {
        let mut j = i;
        while j + 1 < refs.len() && adjacent(refs[j], refs[j + 1]) {
            j += 1;
        }
        let a = rust_xlsxwriter::utility::row_col_to_cell(refs[i].0, refs[i].1);
        if j > i {
            let b = rust_xlsxwriter::utility::row_col_to_cell(refs[j].0, refs[j].1);
            out.push(format!("{a}:{b}"));
        } else {
            out.push(a);
        }
        i = j + 1;
    }
    out.join(",")
}

/// The findings under their column heads from `first_row`; returns the row after the last.
fn findings_sheet(ws: &mut Worksheet, first_row: u32, items: &[ReviewItem], fmt: &Formats) -> Result<u32, XlsxError> {
    const WIDTHS: [f64; 11] = [6.0, 6.0, 9.0, 10.0, 30.0, 14.0, 60.0, 9.0, 9.0, 9.0, 30.0];
    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    for (c, h) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(first_row, c as u16, *h, &fmt.head)?;
    }
    let mut r = first_row + 1;
    for (n, it) in items.iter().enumerate() {
        ws.write_number_with_format(r, 0, (n + 1) as f64, &fmt.centre)?;
        ws.write_string_with_format(r, 1, it.severity.label(), &fmt.centre)?;
        ws.write_string_with_format(r, 2, &it.rule, &fmt.centre)?;
        ws.write_string_with_format(r, 3, &it.table, &fmt.label)?;
        ws.write_string_with_format(r, 4, &it.row, &fmt.label)?;
        ws.write_string_with_format(r, 5, &it.column, &fmt.label)?;
        ws.write_string_with_format(r, 6, &it.message, &fmt.label)?;
        for (c, v) in [(7, &it.left), (8, &it.right), (9, &it.difference)] {
            match v.as_deref().map(|s| (s, s.parse::<f64>())) {
                Some((_, Ok(x))) => ws.write_number_with_format(r, c, x, &fmt.number)?,
                Some((s, Err(_))) => ws.write_string_with_format(r, c, s, &fmt.number)?,
                None => ws.write_blank(r, c, &fmt.number)?,
            };
        }
        ws.write_string_with_format(r, 10, it.explanation.as_deref().unwrap_or(""), &fmt.label)?;
        let lines = [(&it.message, WIDTHS[6]), (&it.row, WIDTHS[4])]
            .iter()
            .chain(it.explanation.as_ref().map(|e| (e, WIDTHS[10])).as_slice())
            .map(|(t, w)| (f64::from(text_width(t)) * 2.0 / (w - 1.0)).ceil() as usize)
            .max()
            .unwrap_or(1)
            .max(1);
        ws.set_row_height(r, lines as f64 * LINE_H + 4.0)?;
        r += 1;
    }
    if items.is_empty() {
        ws.merge_range(r, 0, r, (COLUMNS.len() - 1) as u16, "经检查，未发现问题。", &fmt.label)?;
        r += 1;
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::{ranges, sheet_name};

    #[test]
    fn adjacent_parts_become_one_range() {
        assert_eq!(ranges(&[(4, 3), (4, 4), (4, 5), (4, 6), (4, 7), (4, 8)]), "D5:I5");
        assert_eq!(ranges(&[(7, 3), (5, 3), (6, 3), (9, 3)]), "D6:D8,D10");
        assert_eq!(ranges(&[(1, 1), (2, 2)]), "B2,C3");
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let taken = vec!["表三".to_string()];
        assert_eq!(sheet_name("表三", &taken), "表三(2)");
        assert_eq!(sheet_name("a/b:c", &taken), "a_b_c");
        assert_eq!(sheet_name(&"长".repeat(40), &taken).chars().count(), 28);
    }
}
