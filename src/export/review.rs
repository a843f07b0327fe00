//! The 审核清单: every finding of a report with its cell named in words, both sides, the
//! difference and the staffer's 说明, with lines for 填报人 / 审核人 / 日期 to sign — as a
//! spreadsheet, a web page and a PDF.
//!
//! The list is laid out like a report table: a one-off template whose only table has fixed
//! cells, compiled like any other, so the web page and the PDF set it with their own table code
//! (the PDF splits it across pages with the header row repeated).

use std::collections::BTreeMap;

use super::html;
use crate::document::{Block, PrintTable};
use crate::model::template::{ColumnDef, FixedCell, Role, RowDef, SectionDef, TableDef, Template, TemplateKind};
use crate::model::{Date, Finding, Form, Report, Severity};

/// The files the list is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewFormat {
    Xlsx,
    Html,
    Pdf,
}

impl ReviewFormat {
    /// The format a file name asks for by its extension (`.xlsx`, `.html`/`.htm`, `.pdf`).
    pub fn from_path(path: &std::path::Path) -> Option<ReviewFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => Some(ReviewFormat::Xlsx),
            "html" | "htm" => Some(ReviewFormat::Html),
            "pdf" => Some(ReviewFormat::Pdf),
            _ => None,
        }
    }
}

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewItem {
    pub severity: Severity,
    pub rule: String,
    /// Where the problem is, in the words of the printed report: `表三`, `正文`, `基本信息`, `全文`.
    pub table: String,
    /// The row label(s) (verbatim) or the section heading or the detail's name; may be empty.
    pub row: String,
    /// The column label(s); may be empty.
    pub column: String,
    pub message: String,
    pub left: Option<String>,
    pub right: Option<String>,
    pub difference: Option<String>,
    /// The staffer's 说明, when given.
    pub explanation: Option<String>,
}

impl ReviewItem {
    /// `表三 / 一、本年新收政府信息公开申请数量 / 自然人`, without the empty parts.
    pub fn place(&self) -> String {
        [&self.table, &self.row, &self.column]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// `5-4=1` (`5-(-3)=8`), or just what is known.
    pub fn sides(&self) -> String {
        let r = self.right.as_ref().map(|r| if r.starts_with('-') { format!("({r})") } else { r.clone() });
        match (&self.left, &r, &self.difference) {
            (Some(l), Some(r), Some(d)) => format!("{l}-{r}={d}"),
            (Some(l), Some(r), None) => format!("{l}；{r}"),
            _ => String::new(),
        }
    }
}

/// The whole list.
#[derive(Debug, Clone)]
pub struct ReviewList {
    /// The report's title.
    pub report_title: String,
    pub unit: String,
    pub year: i32,
    /// The format's official name (`国办公开办函〔2021〕30号`).
    pub format: String,
    pub checked_on: Option<Date>,
    /// Errors first, then warnings, then hints; within each, in the order of the checks.
    pub items: Vec<ReviewItem>,
    /// 与上年重复率 (whole report and each section), when last year's text is known.
    pub repetition: Option<String>,
}

/// Column heads of the spreadsheet and the web page.
pub const COLUMNS: [&str; 11] = ["序号", "级别", "规则", "表", "行", "列", "问题", "左边", "右边", "差额", "说明"];

impl ReviewList {
    /// The list for a report's findings (as `check` or the window computed them).
    pub fn new(report: &Report, form: &Form, findings: &[Finding], checked_on: Option<Date>) -> ReviewList {
        let mut items: Vec<(Severity, usize, ReviewItem)> =
            findings.iter().enumerate().map(|(i, f)| (f.severity, i, item(form, f))).collect();
        items.sort_by_key(|(s, i, _)| (*s, *i));
        ReviewList {
            report_title: report.title(),
            unit: report.unit.name.trim().to_string(),
            year: report.year,
            format: form.template.name.clone(),
            checked_on,
            items: items.into_iter().map(|(_, _, it)| it).collect(),
            repetition: crate::model::repetition::report_rates(form, report, &form.generated).map(|r| {
                let limit = crate::model::repetition::threshold(form).map(|t| format!("（超过{t}%为警告）"));
                format!("对照{}年度报告：{}{}", r.year, r.summary(), limit.unwrap_or_default())
            }),
        }
    }

    pub fn title(&self) -> String {
        format!("{}审核清单", self.report_title)
    }

    /// (errors, warnings, hints, explained).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for it in &self.items {
            match it.severity {
                Severity::E => c.0 += 1,
                Severity::W => c.1 += 1,
                Severity::I => c.2 += 1,
            }
            if it.explanation.as_deref().is_some_and(|e| !e.trim().is_empty()) {
                c.3 += 1;
            }
        }
        c
    }

    /// `错误2项，警告3项（已说明1项），提示1项`, or that nothing was found.
    pub fn summary(&self) -> String {
        let (e, w, i, x) = self.counts();
        if e + w + i == 0 {
            return "未发现问题".into();
        }
        let mut s = format!("错误{e}项，警告{w}项，提示{i}项");
        if x > 0 {
            s.push_str(&format!("，其中{x}项已说明"));
        }
        s
    }

    /// The lines above the table: unit, year, format, date, result.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("填报单位", self.unit.clone()),
            ("报告年度", format!("{}年", self.year)),
            ("报告格式", self.format.clone()),
        ];
        if let Some(d) = self.checked_on {
            v.push(("检查日期", d.chinese()));
        }
        v.push(("检查结果", self.summary()));
        if let Some(r) = &self.repetition {
            v.push(("与上年重复率", r.clone()));
        }
        v
    }

    /// Where the reviewer and the staffer sign.
    pub fn sign_lines() -> [&'static str; 3] {
        ["填报人：________________", "审核人：________________", "日期：______年____月____日"]
    }

    /// The list as a self-contained web page.
    pub fn to_html(&self) -> String {
        let mut blocks = vec![Block::Title(vec![self.report_title.clone(), "审核清单".to_string()])];
        for (k, v) in self.facts() {
            blocks.push(Block::Para(format!("{k}：{v}")));
        }
        match self.table(&COLUMNS, &[0.6, 0.8, 1.1, 1.0, 2.6, 1.4, 4.2, 0.9, 0.9, 0.9, 2.6], |it| {
            vec![
                (Role::Unit, it.severity.label().to_string()),
                (Role::Unit, it.rule.clone()),
                (Role::Label, it.table.clone()),
                (Role::Label, it.row.clone()),
                (Role::Label, it.column.clone()),
                (Role::Label, it.message.clone()),
                (Role::Unit, it.left.clone().unwrap_or_default()),
                (Role::Unit, it.right.clone().unwrap_or_default()),
                (Role::Unit, it.difference.clone().unwrap_or_default()),
                (Role::Label, it.explanation.clone().unwrap_or_default()),
            ]
        }) {
            Some(t) => blocks.push(Block::Table(Box::new(t))),
            None => blocks.push(Block::Para("经检查，未发现问题。".into())),
        }
        blocks.push(Block::Blank);
        blocks.push(Block::Para(Self::sign_lines().join("\u{3000}\u{3000}")));
        html::page(&self.title(), &blocks, false)
    }

    /// The one-off template of the list: the facts, the findings table, the sign lines. The
    /// table's columns are `heads` (序号 first); `cells` gives the rest of a finding's row.
    fn template(&self, heads: &[&str], widths: &[f32], cells: impl Fn(&ReviewItem) -> Vec<(Role, String)>) -> Template {
        let fixed = |role: Role, text: String| FixedCell { role, text, rows: 1, cols: 1, indent: 0 };
        let mut rows =
            vec![RowDef { cells: heads.iter().map(|h| fixed(Role::Head, h.to_string())).collect(), data: vec![] }];
        for (n, it) in self.items.iter().enumerate() {
            let mut row = vec![fixed(Role::Unit, (n + 1).to_string())];
            row.extend(cells(it).into_iter().map(|(role, text)| fixed(role, text)));
            rows.push(RowDef { cells: row, data: vec![] });
        }
        let table = TableDef {
            id: LIST.into(),
            name: "审核清单".into(),
            aliases: vec![],
            title: None,
            grid_columns: heads.len(),
            col_widths: widths.to_vec(),
            header_rows: 1,
            printed: true,
            wide: false,
            type_rule: None,
            column_sets: BTreeMap::<String, Vec<ColumnDef>>::new(),
            rows,
            subtotals: vec![],
        };
        let section = |id: &str, heading: &str, tables: Vec<String>| SectionDef {
            id: id.into(),
            heading: heading.into(),
            subsections: vec![],
            tables,
            sentence: None,
        };
        Template {
            id: LIST.into(),
            kind: TemplateKind::Report,
            name: "审核清单".into(),
            first_year: self.year,
            last_year: None,
            sections: vec![
                section(FACTS, "一、基本情况", vec![]),
                section(FINDINGS, "二、问题清单", if self.items.is_empty() { vec![] } else { vec![LIST.into()] }),
                section(SIGN, "三、审核签字", vec![]),
            ],
            type_rules: None,
            tables: vec![table],
            rules: vec![],
            indicators: vec![],
        }
    }

    /// The findings table on its own, for the web page; `None` when there is nothing to list.
    fn table(
        &self,
        heads: &[&str],
        widths: &[f32],
        cells: impl Fn(&ReviewItem) -> Vec<(Role, String)>,
    ) -> Option<PrintTable> {
        if self.items.is_empty() {
            return None;
        }
        let form = Form::build(self.template(heads, widths, cells), vec![]).ok()?;
        Some(print_table(&form))
    }

    /// The list as a PDF, laid out by the report's own PDF layout.
    #[cfg(feature = "pdf")]
    pub fn to_pdf(&self, opts: &crate::pdf::PdfOptions) -> Result<crate::pdf::PdfOutput, crate::pdf::PdfError> {
        // A page is 156 mm wide: the two sides and the difference share a column ("5-4=1") and
        // table / row / column one ("位置"); the message names both sides anyway.
        let template = self.template(
            &["序号", "级别", "规则", "位置", "问题", "两边及差额", "说明"],
            &[0.8, 1.2, 1.6, 3.4, 6.2, 2.0, 2.8],
            |it| {
                vec![
                    (Role::Unit, it.severity.label().to_string()),
                    (Role::Unit, it.rule.clone()),
                    (Role::Label, it.place()),
                    (Role::Label, it.message.clone()),
                    (Role::Unit, it.sides()),
                    (Role::Label, it.explanation.clone().unwrap_or_default()),
                ]
            },
        );
        let form = Form::build(template, vec![])?;
        let mut report = Report::new(LIST, self.year, &self.unit);
        report.template = LIST.into();
        report.options.signature_block = false;
        report.options.opening_text = Some(format!(
            "本清单列出《{}》经检查发现的全部问题，供填报人逐项改正或说明、审核人核对后签字。",
            self.report_title
        ));
        let facts: Vec<String> = self.facts().into_iter().map(|(k, v)| format!("{k}：{v}")).collect();
        report.sections.insert(FACTS.into(), facts.join("\n"));
        if self.items.is_empty() {
            report.sections.insert(FINDINGS.into(), "经检查，未发现问题。".into());
        }
        report.sections.insert(SIGN.into(), Self::sign_lines().join("\n"));
        crate::pdf::export(&report, &form, opts)
    }
}

/// Ids inside the list's own one-off template (not a report format's).
const LIST: &str = "审核清单";
const FACTS: &str = "审核清单.基本情况";
const FINDINGS: &str = "审核清单.问题清单";
const SIGN: &str = "审核清单.签字";

fn print_table(form: &Form) -> PrintTable {
    let t = &form.tables[0];
    let texts = t
        .print
        .cells
        .iter()
        .map(|c| match &c.content {
            crate::model::form::GridContent::Fixed { text, .. } => text.clone(),
            crate::model::form::GridContent::Data(_) => String::new(),
        })
        .collect();
    PrintTable::new(t, texts)
}

/// A finding in words: where it is, both sides, the explanation.
fn item(form: &Form, f: &Finding) -> ReviewItem {
    let (table, row, column) = place(form, f);
    ReviewItem {
        severity: f.severity,
        rule: f.rule.clone(),
        table,
        row,
        column,
        message: f.message.clone(),
        left: f.left.clone(),
        right: f.right.clone(),
        difference: f.difference.clone(),
        explanation: f.explanation.clone().filter(|e| !e.trim().is_empty()),
    }
}

/// Table, row and column of a finding in the printed words. Cells give them directly (several
/// rows or columns are listed by their short names); a finding without cells is placed by the
/// part of its key after `@`: a text section, a table, or a detail of the unit.
fn place(form: &Form, f: &Finding) -> (String, String, String) {
    let cells: Vec<&crate::model::form::CellDef> = f.cells.iter().filter_map(|id| form.cell(id)).collect();
    if let Some(first) = cells.first() {
        let table = form.table_name(first).to_string();
        let mut rows: Vec<String> = Vec::new();
        let mut cols: Vec<String> = Vec::new();
        for c in &cells {
            if !rows.iter().any(|r| r == &c.row_path()) {
                rows.push(c.row_path());
            }
            if !cols.contains(&c.col_label) {
                cols.push(c.col_label.clone());
            }
        }
        let short = |labels: Vec<String>, unit: &str, shorts: &dyn Fn(&str) -> String| -> String {
            match labels.len() {
                1 => labels.into_iter().next().unwrap_or_default(),
                n if n <= 4 => labels.iter().map(|l| shorts(l)).collect::<Vec<_>>().join("、"),
                n => format!("{}等{n}{unit}", shorts(&labels[0])),
            }
        };
        let row_short = |path: &str| {
            cells.iter().find(|c| c.row_path() == path).map(|c| c.row_short.clone()).unwrap_or_else(|| path.to_string())
        };
        let rows = short(rows, "行", &row_short);
        let cols = short(cols, "列", &|l: &str| l.to_string());
        return (table, rows, cols);
    }
    // A text's finding is about its section, whatever its key adds (`WW-02@s1#政策解读`).
    let suffix = match &f.target {
        crate::model::rules::Target::Section(key) => key.as_str(),
        _ => f.key.split_once('@').map(|(_, s)| s).unwrap_or(""),
    };
    for s in &form.template.sections {
        if s.id == suffix {
            return ("正文".into(), s.heading.clone(), String::new());
        }
        if let Some(sub) = s.subsections.iter().find(|x| x.id == suffix) {
            return ("正文".into(), format!("{}/{}", s.heading, sub.heading), String::new());
        }
    }
    let table = f.table.as_deref().or(Some(suffix)).and_then(|id| form.table(id));
    if let Some(t) = table {
        return (t.def.name.clone(), String::new(), String::new());
    }
    if !suffix.is_empty() && !suffix.is_ascii() {
        return ("基本信息".into(), suffix.to_string(), String::new());
    }
    ("全文".into(), String::new(), String::new())
}
