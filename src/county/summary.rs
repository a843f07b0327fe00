//! The 汇总表 an office forwards: one row per report (and per unit that sent none), then every
//! finding. As a spreadsheet (two sheets), a web page (two tables) or a CSV (two blocks).

use std::path::Path;

use super::{Entry, Outcome, Reconciliation, Status, Totals};
use crate::model::Date;

/// Column heads of the reports table.
pub const REPORT_COLUMNS: [&str; 12] =
    ["序号", "单位", "年度", "格式", "来源", "状态", "错误", "警告", "提示", "首个错误", "备注", "文件"];
/// Column heads of the findings table.
pub const FINDING_COLUMNS: [&str; 10] =
    ["单位", "级别", "规则", "位置", "问题", "左边", "右边", "差额", "说明", "文件"];

/// Everything the summary shows.
pub struct Summary<'a> {
    pub entries: &'a [Entry],
    pub reconciliation: &'a Reconciliation,
    pub checked_on: Option<Date>,
}

/// Column heads after [`REPORT_COLUMNS`] for what the 政务公开办 compares across units: the
/// repetition rate, then each indicator of the templates (公开率, 纠错率 …), then the rule
/// packs' findings.
const REPETITION_COLUMNS: [&str; 2] = ["与上年重复率", "对照的上年报告"];
const PACK_COLUMN: &str = "规则包问题";

/// One measure of a row: its text, its value for sorting (a fraction for a percent), and whether
/// it is over its threshold.
pub struct Measure {
    pub text: String,
    pub value: Option<f64>,
    pub flagged: bool,
}

/// One row of the reports table, as text (numbers stay numbers in the spreadsheet).
pub struct ReportRow {
    pub unit: String,
    pub year: Option<i32>,
    pub format: String,
    pub kind: String,
    pub status: Status,
    pub counts: Option<(usize, usize, usize)>,
    pub first_error: String,
    pub remark: String,
    pub file: String,
    /// 与上年重复率 and the report it was compared with.
    pub repetition: Option<super::Repetition>,
    pub indicators: Vec<super::Indicator>,
    pub pack_findings: Option<usize>,
}

impl Summary<'_> {
    pub fn title(&self) -> String {
        let years: std::collections::BTreeSet<i32> =
            self.entries.iter().filter_map(Entry::checked).map(|c| c.year).collect();
        match (years.len(), years.iter().next()) {
            (1, Some(y)) => format!("{y}年度政府信息公开工作年度报告检查汇总表"),
            _ => "政府信息公开工作年度报告检查汇总表".to_string(),
        }
    }

    pub fn totals(&self) -> Totals {
        Totals::of(self.entries, self.reconciliation)
    }

    /// The indicators' names in the order the reports give them.
    pub fn indicator_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for c in self.entries.iter().filter_map(Entry::checked) {
            for i in &c.indicators {
                if !names.contains(&i.name) {
                    names.push(i.name.clone());
                }
            }
        }
        names
    }

    /// Every column head of the reports table.
    pub fn report_columns(&self) -> Vec<String> {
        let mut v: Vec<String> = REPORT_COLUMNS.iter().chain(&REPETITION_COLUMNS).map(|s| s.to_string()).collect();
        v.extend(self.indicator_names());
        v.push(PACK_COLUMN.to_string());
        v
    }

    /// A row's measures, in the order of the columns after [`REPORT_COLUMNS`].
    pub fn measures(&self, r: &ReportRow) -> Vec<Measure> {
        let plain = |text: String| Measure { text, value: None, flagged: false };
        let mut v = match &r.repetition {
            Some(rep) => vec![
                Measure {
                    text: format!("{}%", rep.percent),
                    value: Some(f64::from(rep.percent) / 100.0),
                    flagged: rep.over,
                },
                plain(format!("{}年度：{}", rep.year, rep.compared_with)),
            ],
            None => vec![plain(String::new()), plain(String::new())],
        };
        for name in self.indicator_names() {
            v.push(match r.indicators.iter().find(|i| i.name == name) {
                Some(i) => Measure {
                    text: i.label.clone(),
                    value: i.basis_points.map(|b| b as f64 / 10_000.0),
                    flagged: i.flagged,
                },
                None => plain(String::new()),
            });
        }
        v.push(match r.pack_findings {
            Some(n) => Measure { text: n.to_string(), value: Some(n as f64), flagged: n > 0 },
            None => plain(String::new()),
        });
        v
    }

    /// The reports (worst first, then by unit), then the units that sent none.
    pub fn report_rows(&self) -> Vec<ReportRow> {
        let rec = self.reconciliation;
        let remark = |e: &Entry| {
            let mut notes = Vec::new();
            if rec.not_on_list.iter().any(|(p, _)| p == &e.path) {
                notes.push("不在单位名单中".to_string());
            }
            for (_, year, files) in &rec.duplicates {
                if files.contains(&e.path) {
                    let others: Vec<String> = files.iter().filter(|f| *f != &e.path).map(|f| file_name(f)).collect();
                    notes.push(format!("{year}年度重复报送（另见{}）", others.join("、")));
                }
            }
            notes.join("；")
        };
        let mut rows: Vec<ReportRow> = self
            .entries
            .iter()
            .map(|e| match &e.outcome {
                Outcome::Checked(c) => ReportRow {
                    unit: c.unit.clone(),
                    year: Some(c.year),
                    format: c.format_name.clone(),
                    kind: c.kind.to_string(),
                    status: c.status(),
                    counts: Some((c.errors, c.warnings, c.hints)),
                    first_error: c.first_error().map(|f| f.message.clone()).unwrap_or_default(),
                    remark: remark(e),
                    file: e.path.display().to_string(),
                    repetition: c.repetition.clone(),
                    indicators: c.indicators.clone(),
                    pack_findings: Some(c.pack_findings),
                },
                Outcome::Unreadable(reason) => ReportRow {
                    unit: String::new(),
                    year: None,
                    format: String::new(),
                    kind: super::kind_label(&e.path).to_string(),
                    status: Status::Unreadable,
                    counts: None,
                    first_error: reason.clone(),
                    remark: String::new(),
                    file: e.path.display().to_string(),
                    repetition: None,
                    indicators: Vec::new(),
                    pack_findings: None,
                },
            })
            .collect();
        rows.sort_by(|a, b| (a.status, &a.unit, &a.file).cmp(&(b.status, &b.unit, &b.file)));
        let missing = rec.missing.iter().map(|u| ReportRow {
            unit: u.clone(),
            year: None,
            format: String::new(),
            kind: String::new(),
            status: Status::Missing,
            counts: None,
            first_error: String::new(),
            remark: "未找到该单位的报告".into(),
            file: String::new(),
            repetition: None,
            indicators: Vec::new(),
            pack_findings: None,
        });
        missing.chain(rows).collect()
    }

    /// Every finding of every report: (unit, file, finding).
    pub fn finding_rows(&self) -> impl Iterator<Item = (&str, &Path, &super::FindingRow)> {
        self.entries
            .iter()
            .filter_map(|e| e.checked().map(|c| (e, c)))
            .flat_map(|(e, c)| c.findings.iter().map(move |f| (c.unit.as_str(), e.path.as_path(), f)))
    }

    /// The facts above the tables.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let mut v = vec![("汇总", self.totals().line())];
        if let Some(d) = self.checked_on {
            v.push(("检查日期", d.chinese()));
        }
        v
    }

    /// The summary as a CSV (UTF-8 with BOM, which Excel and WPS open as Chinese): the reports,
    /// a blank line, then the findings.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(b"\xef\xbb\xbf".to_vec());
        let mut rec = |fields: Vec<String>| {
            // Writing to memory fails only on an allocation failure.
            let _ = w.write_record(fields.iter().map(|f| neutralise(f)));
        };
        rec(vec![self.title()]);
        for (k, v) in self.facts() {
            rec(vec![k.to_string(), v]);
        }
        rec(vec![]);
        rec(self.report_columns());
        for (i, r) in self.report_rows().iter().enumerate() {
            let mut fields = report_fields(i, r);
            fields.extend(self.measures(r).into_iter().map(|m| m.text));
            rec(fields);
        }
        rec(vec![]);
        rec(vec!["问题明细".into()]);
        rec(FINDING_COLUMNS.iter().map(|s| s.to_string()).collect());
        for (unit, path, f) in self.finding_rows() {
            rec(finding_fields(unit, path, f));
        }
        w.into_inner().unwrap_or_default()
    }

    /// The summary as one self-contained web page.
    pub fn to_html(&self) -> String {
        use crate::document::escape_html as esc;
        let mut h = String::from(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"generator\" content=\"年报 nianbao\">\n",
        );
        h.push_str(&format!("<title>{}</title>\n", esc(&self.title())));
        h.push_str(
            "<style>body{font-family:'仿宋_GB2312','仿宋','FangSong',serif;margin:2em}h1{font-family:'黑体','SimHei',sans-serif;font-size:18pt;font-weight:normal;text-align:center}\
table{border-collapse:collapse;margin:1em 0;font-size:11pt}th,td{border:1px solid #000;padding:2px 6px;vertical-align:top}\
th{background:#eee}td.n{text-align:right}tr.s0 td,tr.s1 td,tr.s2 td{background:#fde8e8}tr.s3 td{background:#fff7e0}\
td.over{color:#b41e1e;font-weight:bold}</style>\n</head>\n<body>\n",
        );
        h.push_str(&format!("<h1>{}</h1>\n", esc(&self.title())));
        for (k, v) in self.facts() {
            h.push_str(&format!("<p>{}：{}</p>\n", esc(k), esc(&v)));
        }
        h.push_str("<h2>各单位报告</h2>\n<table>\n<thead><tr>");
        for c in self.report_columns() {
            h.push_str(&format!("<th>{}</th>", esc(&c)));
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for (i, r) in self.report_rows().iter().enumerate() {
            h.push_str(&format!("<tr class=\"s{}\">", r.status as usize));
            for (c, f) in report_fields(i, r).iter().enumerate() {
                let num = matches!(c, 0 | 2 | 6 | 7 | 8);
                h.push_str(&format!("<td{}>{}</td>", if num { " class=\"n\"" } else { "" }, esc(f)));
            }
            for m in self.measures(r) {
                let class = match (m.value.is_some(), m.flagged) {
                    (_, true) => " class=\"n over\"",
                    (true, false) => " class=\"n\"",
                    (false, false) => "",
                };
                h.push_str(&format!("<td{class}>{}</td>", esc(&m.text)));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table>\n<h2>问题明细</h2>\n<table>\n<thead><tr>");
        for c in FINDING_COLUMNS {
            h.push_str(&format!("<th>{c}</th>"));
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for (unit, path, f) in self.finding_rows() {
            h.push_str("<tr>");
            for field in finding_fields(unit, path, f) {
                h.push_str(&format!("<td>{}</td>", esc(&field)));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table>\n</body>\n</html>\n");
        h
    }

    /// The summary as a workbook: 汇总 and 问题明细 sheets.
    #[cfg(feature = "export")]
    pub fn to_xlsx(&self) -> Result<Vec<u8>, SummaryError> {
        use rust_xlsxwriter::{Format, FormatBorder, Workbook};
        let err = SummaryError::Xlsx;
        let mut wb = Workbook::new();
        let head = Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color("DDDDDD");
        let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
        let bad = cell.clone().set_background_color("FDE8E8");
        let warn = cell.clone().set_background_color("FFF7E0");
        let title = Format::new().set_bold().set_font_size(14);
        let ws = wb.add_worksheet();
        ws.set_name("汇总").map_err(err)?;
        ws.write_string_with_format(0, 0, self.title(), &title).map_err(err)?;
        let mut row = 1;
        for (k, v) in self.facts() {
            ws.write_string(row, 0, k).map_err(err)?;
            ws.write_string(row, 1, v).map_err(err)?;
            row += 1;
        }
        row += 1;
        let head_row = row;
        let columns = self.report_columns();
        for (c, h) in columns.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, h, &head).map_err(err)?;
        }
        // A rate is a number shown as a percent, so the column sorts; over its threshold, red.
        let percent = cell.clone().set_num_format("0.0%");
        let percent_over = percent.clone().set_font_color("B41E1E").set_bold();
        for (i, r) in self.report_rows().iter().enumerate() {
            row += 1;
            let f = match r.status {
                Status::Missing | Status::Unreadable | Status::Blank | Status::Errors => &bad,
                Status::Warnings => &warn,
                Status::Clean => &cell,
            };
            for (c, text) in report_fields(i, r).iter().enumerate() {
                let number = matches!(c, 0 | 2 | 6 | 7 | 8).then(|| text.parse::<f64>().ok()).flatten();
                match number {
                    Some(n) => ws.write_number_with_format(row, c as u16, n, f).map_err(err)?,
                    None => ws.write_string_with_format(row, c as u16, text, f).map_err(err)?,
                };
            }
            let pack_col = columns.len() - 1;
            for (k, m) in self.measures(r).into_iter().enumerate() {
                let c = (REPORT_COLUMNS.len() + k) as u16;
                match m.value {
                    // The rule packs' count is a plain number; the rates are percents.
                    Some(v) if c as usize == pack_col => ws.write_number_with_format(row, c, v, &cell).map_err(err)?,
                    Some(v) => ws
                        .write_number_with_format(row, c, v, if m.flagged { &percent_over } else { &percent })
                        .map_err(err)?,
                    None => ws.write_string_with_format(row, c, &m.text, &cell).map_err(err)?,
                };
            }
        }
        let widths = [5.0, 28.0, 6.0, 22.0, 6.0, 8.0, 5.0, 5.0, 5.0, 50.0, 24.0, 40.0, 10.0, 30.0];
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w).map_err(err)?;
        }
        ws.autofilter(head_row, 0, row.max(head_row), (columns.len() - 1) as u16).map_err(err)?;
        ws.set_freeze_panes(head_row + 1, 2).map_err(err)?;

        let ws = wb.add_worksheet();
        ws.set_name("问题明细").map_err(err)?;
        for (c, h) in FINDING_COLUMNS.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &head).map_err(err)?;
        }
        let mut row = 0;
        for (unit, path, f) in self.finding_rows() {
            row += 1;
            for (c, text) in finding_fields(unit, path, f).iter().enumerate() {
                ws.write_string_with_format(row, c as u16, text, &cell).map_err(err)?;
            }
        }
        for (c, w) in [24.0, 6.0, 8.0, 40.0, 60.0, 8.0, 8.0, 8.0, 30.0, 40.0].iter().enumerate() {
            ws.set_column_width(c as u16, *w).map_err(err)?;
        }
        ws.autofilter(0, 0, row, (FINDING_COLUMNS.len() - 1) as u16).map_err(err)?;
        ws.set_freeze_panes(1, 1).map_err(err)?;
        wb.save_to_buffer().map_err(err)
    }

    /// The summary in the format its file name asks for (`.xlsx`, `.html`, `.csv`).
    pub fn render(&self, path: &Path) -> Result<Vec<u8>, SummaryError> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Ok(self.to_csv()),
            Some("html" | "htm") => Ok(self.to_html().into_bytes()),
            #[cfg(feature = "export")]
            Some("xlsx") => self.to_xlsx(),
            #[cfg(not(feature = "export"))]
            Some("xlsx") => Err(SummaryError::NoExcel),
            _ => Err(SummaryError::Extension(path.to_path_buf())),
        }
    }
}

/// Why a 汇总表 could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    #[error("汇总表“{}”的文件名应以 .xlsx、.html 或 .csv 结尾", .0.display())]
    Extension(std::path::PathBuf),
    #[cfg(not(feature = "export"))]
    #[error("这个版本编译时未包含Excel导出（export 功能）；请改用 .html 或 .csv")]
    NoExcel,
    #[cfg(feature = "export")]
    #[error("无法生成Excel表格（{0}）")]
    Xlsx(rust_xlsxwriter::XlsxError),
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

fn report_fields(i: usize, r: &ReportRow) -> Vec<String> {
    let (e, w, h) = r.counts.map(|(e, w, h)| (e.to_string(), w.to_string(), h.to_string())).unwrap_or_default();
    vec![
        (i + 1).to_string(),
        r.unit.clone(),
        r.year.map(|y| y.to_string()).unwrap_or_default(),
        r.format.clone(),
        r.kind.clone(),
        r.status.label().to_string(),
        e,
        w,
        h,
        r.first_error.clone(),
        r.remark.clone(),
        r.file.clone(),
    ]
}

fn finding_fields(unit: &str, path: &Path, f: &super::FindingRow) -> Vec<String> {
    vec![
        unit.to_string(),
        f.severity.label().to_string(),
        f.rule.clone(),
        f.place.clone(),
        f.message.clone(),
        f.left.clone().unwrap_or_default(),
        f.right.clone().unwrap_or_default(),
        f.difference.clone().unwrap_or_default(),
        f.explanation.clone().unwrap_or_default(),
        path.display().to_string(),
    ]
}

/// A field Excel would run as a formula (`=…`, `+…`, `-…`, `@…`) is kept as text.
fn neutralise(field: &str) -> String {
    if field.starts_with(['=', '+', '@']) || (field.starts_with('-') && field.parse::<f64>().is_err()) {
        format!("'{field}")
    } else {
        field.to_string()
    }
}
