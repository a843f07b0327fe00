//! The long CSV: one line per cell, `表,行,列,值`, labels verbatim from the official tables.
//!
//! It is how figures enter from elsewhere (a spreadsheet of last year's published tables, a
//! batch of reports) and how they leave for Excel. Export writes UTF-8 with a BOM so that Excel
//! on Chinese Windows opens it correctly; import accepts UTF-8 (with or without BOM), GB18030/GBK
//! (what Excel and WPS save on Chinese Windows), UTF-16 with BOM (Excel's "Unicode text"),
//! comma- or tab-separated, CRLF or LF.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::model::form::{CellIx, Form};
use crate::model::labels::fold;
use crate::model::report::{Date, Reference, ReportOptions};
use crate::model::template::{Template, TemplateKind};
use crate::model::{Report, Values};

/// Largest CSV accepted.
pub const MAX_CSV_BYTES: u64 = 5 * 1024 * 1024;
/// Most lines a CSV may have (a whole report with last year's figures is under a thousand).
pub const MAX_CSV_RECORDS: usize = 20_000;

const HEADER: [&str; 4] = ["表", "行", "列", "值"];
const META: &str = "基本信息";
const TEXT: &str = "正文";
const NOTE: &str = "说明";
const PREV: &str = "上年";

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("无法读取文件“{path}”：{reason}")]
    Read { path: String, reason: String },
    #[error("文件太大（{0}字节，上限5MB）")]
    TooLarge(u64),
    #[error("“{path}”不是普通文件（{kind}），不是CSV表格")]
    NotRegular { path: String, kind: &'static str },
    #[error("文件编码无法识别：应为UTF-8或GB18030（GBK）{}", .0.map(|l| format!("（第{l}行起无法识别）")).unwrap_or_default())]
    Encoding(Option<usize>),
    #[error("第1行应为表头“表,行,列,值”，实际是“{0}”")]
    Header(String),
    #[error("第{line}行：CSV格式有误（{detail}）")]
    Syntax { line: usize, detail: String },
    #[error("第{0}行：引号没有配对（从这里开始的引号直到文件末尾都没有结束），请检查该行的引号")]
    UnclosedQuote(usize),
    #[error("行数过多（超过{MAX_CSV_RECORDS}行），不像是年报表格")]
    TooManyLines,
    #[error("不知道报告年度：请在文件中写“基本信息,年度,,2025”或使用 --year")]
    NoYear,
    #[error("第{line}行：年度“{text}”不是有效的年份（可写2025、2025年或二〇二五）")]
    YearText { line: usize, text: String },
    #[error("未知的报告格式“{0}”（应为 gb2021 或 gb2019）")]
    UnknownFormat(String),
    #[error("报告年度“{0}”不合理")]
    BadYear(i32),
    #[error("{0}")]
    Template(#[from] crate::model::TemplateError),
}

/// A problem with one line of the CSV; the rest of the file is still read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvIssue {
    /// 1-based line (record) number.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for CsvIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Line 0: a remark about the whole file (how many more problems there are).
        if self.line == 0 { write!(f, "{}", self.message) } else { write!(f, "第{}行：{}", self.line, self.message) }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub format: Option<String>,
    pub year: Option<i32>,
    pub unit: Option<String>,
}

/// What a CSV held.
#[derive(Debug, Clone)]
pub struct CsvData {
    pub report: Report,
    /// Values given for computed cells (totals): checked against the computed ones, not kept.
    pub published: BTreeMap<String, String>,
    pub issues: Vec<CsvIssue>,
    /// What was read but changed on the way (control characters removed), with the line.
    pub warnings: Vec<CsvIssue>,
}

/// Decodes CSV bytes to text (see the module comment for the encodings accepted).
pub fn decode(bytes: &[u8]) -> Result<String, CsvError> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        let (text, had_errors) = enc.decode_without_bom_handling(body);
        // A UTF-8 BOM over GBK text (a file pasted together from two sources): say where.
        return if had_errors {
            let line = (enc == encoding_rs::UTF_8).then(|| bad_utf8_line(body));
            Err(CsvError::Encoding(line))
        } else {
            Ok(text.into_owned())
        };
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors { Err(CsvError::Encoding(Some(bad_utf8_line(bytes)))) } else { Ok(text.into_owned()) }
}

/// The line (1-based) of the first byte that is not UTF-8.
fn bad_utf8_line(bytes: &[u8]) -> usize {
    let valid = std::str::from_utf8(bytes).map(str::len).unwrap_or_else(|e| e.valid_up_to());
    bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Whether a path names a long CSV rather than a draft (by its extension).
pub fn is_csv_path(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt"))
}

/// Reads and parses a CSV file.
pub fn read(path: &Path, opts: &ImportOptions) -> Result<CsvData, CsvError> {
    let bytes = super::read::read_limited(path, MAX_CSV_BYTES).map_err(|e| match e {
        super::read::ReadError::Io(e) => {
            CsvError::Read { path: path.display().to_string(), reason: super::atomic::describe_io(&e) }
        }
        super::read::ReadError::TooLarge { size, .. } => CsvError::TooLarge(size),
        super::read::ReadError::NotRegular(kind) => CsvError::NotRegular { path: path.display().to_string(), kind },
    })?;
    parse(&bytes, opts)
}

/// Splits text into records, with the delimiter sniffed from the header line.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') { b'\t' } else { b',' };
    let mut rdr =
        ::csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    if let Some(line) = unclosed_quote(text, delimiter as char) {
        return Err(CsvError::UnclosedQuote(line));
    }
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        if i >= MAX_CSV_RECORDS {
            return Err(CsvError::TooManyLines);
        }
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize).unwrap_or(i + 1);
            CsvError::Syntax { line, detail: csv_error_zh(&e) }
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(i + 1);
        out.push((line, rec.iter().map(str::to_string).collect()));
    }
    Ok(out)
}

fn csv_error_zh(e: &::csv::Error) -> String {
    match e.kind() {
        ::csv::ErrorKind::Utf8 { .. } => "不是有效的UTF-8文字".into(),
        ::csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!("应有{expected_len}列，实际有{len}列"),
        ::csv::ErrorKind::Io(io) => super::atomic::describe_io(io),
        _ => format!("无法解析（{e}）"),
    }
}

/// Where a quoted field starts that never ends (the csv reader would silently swallow the rest
/// of the file into it). A quote is special only at the start of a field; `""` inside a quoted
/// field is a quote character.
fn unclosed_quote(text: &str, delimiter: char) -> Option<usize> {
    let mut line = 1;
    let mut in_quote = false;
    let mut field_start = true;
    let mut opened_at = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quote {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                }
                '"' => in_quote = false,
                '\n' => line += 1,
                _ => {}
            }
            continue;
        }
        match c {
            '"' if field_start => {
                in_quote = true;
                opened_at = line;
                field_start = false;
            }
            '\n' => {
                line += 1;
                field_start = true;
            }
            c if c == delimiter => field_start = true,
            '\r' => {}
            _ => field_start = false,
        }
    }
    in_quote.then_some(opened_at)
}

/// Parses CSV bytes into a report.
///
/// Long because it is one pass over the records with the header's columns, the line numbers of
/// problems and the given totals in scope; each arm is a row kind of the long format.
#[expect(clippy::too_many_lines, reason = "one pass over the records; see the doc comment")]
pub fn parse(bytes: &[u8], opts: &ImportOptions) -> Result<CsvData, CsvError> {
    let text = decode(bytes)?;
    let recs = records(&text)?;
    let Some((_, header)) = recs.first() else { return Err(CsvError::Header(String::new())) };
    let header_ok = header.len() >= 4 && header.iter().take(4).zip(HEADER).all(|(h, e)| fold(h) == e);
    if !header_ok {
        return Err(CsvError::Header(header.iter().take(8).map(|h| shorten(h, 40)).collect::<Vec<_>>().join(",")));
    }
    let body: Vec<(usize, Vec<String>)> =
        recs[1..].iter().filter(|(_, r)| r.iter().any(|f| !f.trim().is_empty())).cloned().collect();
    let mut issues = Vec::new();
    let mut warnings = Vec::new();
    let mut rows: Vec<(usize, [String; 4])> = Vec::new();
    for (line, r) in body {
        if r.len() < 4 || r.iter().skip(4).any(|f| !f.trim().is_empty()) {
            issues
                .push(CsvIssue { line, message: format!("应有4列（表,行,列,值），实际有{}列", r.len()) });
            continue;
        }
        let mut row = [r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()];
        let removed: usize = row.iter_mut().map(super::draft::clean_text).sum();
        if removed > 0 {
            warnings.push(CsvIssue { line, message: format!("有{removed}个不可见的控制字符，已删除") });
        }
        if let Some(message) = too_long(&row) {
            issues.push(CsvIssue { line, message });
            continue;
        }
        rows.push((line, row));
    }

    // Rows that name the same thing twice: which one was meant is not for the program to guess.
    let mut first_seen: HashMap<(String, String), usize> = HashMap::new();
    rows.retain(|(line, r)| {
        let t = fold(&r[0]);
        let is_single = t == META || t == TEXT || t == NOTE || t.starts_with(PREV);
        if !is_single {
            return true; // cells: checked below by cell id, which also catches two spellings
        }
        let key = (
            t.clone(),
            if t.starts_with(PREV) && t != format!("{PREV}{META}") && t != format!("{PREV}{TEXT}") {
                format!("{}\u{1f}{}", fold(&r[1]), fold(&r[2]))
            } else {
                fold(&r[1])
            },
        );
        match first_seen.get(&key) {
            Some(first) => {
                issues.push(CsvIssue {
                    line: *line,
                    message: format!(
                        "“{},{}”与第{first}行重复，不知道哪一行是对的；请删去其中一行",
                        shorten(&r[0], 20),
                        shorten(&r[1], 40)
                    ),
                });
                false
            }
            None => {
                first_seen.insert(key, *line);
                true
            }
        }
    });

    // Metadata first: it decides the format.
    let meta = |name: &str| {
        rows.iter()
            .find(|(_, r)| fold(&r[0]) == META && fold(&r[1]) == fold(name))
            .map(|(line, r)| (*line, r[3].trim().to_string()))
    };
    let year = match (opts.year, meta("年度")) {
        (Some(y), Some((line, text))) => {
            match crate::model::report::parse_year(&text) {
                Some(file_year) if file_year != y => issues.push(CsvIssue {
                    line,
                    message: format!("文件中的年度（{file_year}）与指定的年度（{y}）不一致；请改正文件或指定的年度"),
                }),
                Some(_) => {}
                None => return Err(CsvError::YearText { line, text: shorten(&text, 40) }),
            }
            y
        }
        (Some(y), None) => y,
        (None, Some((line, text))) => {
            crate::model::report::parse_year(&text).ok_or(CsvError::YearText { line, text: shorten(&text, 40) })?
        }
        (None, None) => return Err(CsvError::NoYear),
    };
    if !crate::model::report::YEARS.contains(&year) {
        return Err(CsvError::BadYear(year));
    }
    let format = match opts.format.clone().or_else(|| meta("格式").map(|(_, f)| f)) {
        Some(f) => {
            let f = f.trim().to_lowercase();
            match Template::get(&f) {
                Ok(t) if t.kind == TemplateKind::Report => f,
                _ => return Err(CsvError::UnknownFormat(shorten(&f, 40))),
            }
        }
        None => infer_format(&rows, year),
    };
    let annexes: Vec<String> = annex_templates()
        .into_iter()
        .filter(|a| rows.iter().any(|(_, r)| table_matches_template(&r[0], a)))
        .map(|a| a.id)
        .collect();
    let form = Form::of(&format, &annexes)?;
    let lookup = Lookup::new(&form);

    let mut report = Report::new(&format, year, "");
    report.annexes = annexes;
    let mut published = BTreeMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut prev_rows = Vec::new();

    for (line, r) in &rows {
        let [table, row, col, value] = r;
        let t = fold(table);
        if t == META {
            apply_meta(&mut report, row, value, *line, &mut issues);
        } else if t == TEXT {
            match section_key(&form, row) {
                Some(k) => {
                    report.sections.insert(k, value.clone());
                }
                None => issues
                    .push(CsvIssue {
                        line: *line, message: format!("正文中没有“{}”这一部分", shorten(row, 40))
                    }),
            }
        } else if t == NOTE {
            report.explanations.insert(row.trim().to_string(), value.clone());
        } else if let Some(rest) = t.strip_prefix(PREV) {
            prev_rows.push((*line, rest.to_string(), row.clone(), col.clone(), value.clone()));
        } else {
            match lookup.find(&form, table, row, col) {
                Ok(ix) => {
                    let cell = &form.cells[ix];
                    if let Some(first) = seen.insert(cell.id.clone(), *line) {
                        issues.push(CsvIssue {
                            line: *line,
                            message: format!(
                                "{}与第{first}行重复，不知道哪一行是对的；请删去其中一行",
                                form.cell_path(ix)
                            ),
                        });
                        continue;
                    }
                    if cell.is_input() {
                        report.set_cell(&cell.id, value.trim());
                    } else {
                        published.insert(cell.id.clone(), value.trim().to_string());
                    }
                }
                Err(label) => issues.push(CsvIssue { line: *line, message: label.to_string() }),
            }
        }
    }
    if let Some(u) = &opts.unit {
        report.unit.name = u.clone();
        if report.unit.signature.trim().is_empty() {
            report.unit.signature = u.clone();
        }
    }
    if !prev_rows.is_empty() {
        report.reference = parse_reference(&prev_rows, &mut issues);
    }
    super::draft::sanitize(&mut report);
    if let Err(e) = super::draft::check_sizes(&report, Path::new("CSV")) {
        issues.push(CsvIssue { line: 0, message: e.to_string() });
    }
    // A hostile file could produce a problem per line: list the first ones.
    const MAX_ISSUES: usize = 200;
    issues.sort_by_key(|i| i.line);
    if issues.len() > MAX_ISSUES {
        let more = issues.len() - MAX_ISSUES;
        issues.truncate(MAX_ISSUES);
        issues.push(CsvIssue { line: 0, message: format!("还有{more}处问题未列出") });
    }
    warnings.truncate(MAX_ISSUES);
    Ok(CsvData { report, published, issues, warnings })
}

/// At most `n` characters of a label for a message (a hostile label may be megabytes long).
fn shorten(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().nth(n).is_some() {
        out.push('…');
    }
    out
}

/// A field longer than the draft would accept, named by its column.
fn too_long(row: &[String; 4]) -> Option<String> {
    use super::draft::{MAX_CELL_CHARS, MAX_SECTION_CHARS, MAX_SHORT_CHARS};
    let t = fold(&row[0]);
    let value_limit = if t == TEXT || t == format!("{PREV}{TEXT}") {
        MAX_SECTION_CHARS
    } else if t == META || t == NOTE {
        MAX_SHORT_CHARS
    } else {
        MAX_CELL_CHARS
    };
    let limits = [("表", 200), ("行", 1000), ("列", 200), ("值", value_limit)];
    for (field, (name, limit)) in row.iter().zip(limits) {
        let len = field.chars().take(limit + 1).count();
        if len > limit {
            return Some(format!("“{name}”一栏过长（{}字，上限{limit}字）", field.chars().count()));
        }
    }
    None
}

fn annex_templates() -> Vec<Template> {
    Template::of_kind(TemplateKind::Annex)
}

fn table_matches_template(table_label: &str, t: &Template) -> bool {
    let f = fold(table_label);
    t.tables.iter().any(|d| fold(&d.name) == f || d.aliases.iter().any(|a| fold(a) == f))
}

/// Picks the report format whose labels fit the file best; ties go to the year's format.
fn infer_format(rows: &[(usize, [String; 4])], year: i32) -> String {
    let mut best: Option<(usize, String)> = None;
    let preferred = Template::format_for_year(year);
    let mut candidates = vec![preferred.clone()];
    candidates.extend(Template::of_kind(TemplateKind::Report).into_iter().map(|t| t.id).filter(|id| *id != preferred));
    for id in candidates {
        let Ok(form) = Form::of(&id, &[]) else { continue };
        let lookup = Lookup::new(&form);
        let misses = rows
            .iter()
            .filter(|(_, r)| {
                let t = fold(&r[0]);
                t != META && t != TEXT && t != NOTE && !t.starts_with(PREV) && lookup.table(&r[0]).is_some()
            })
            .filter(|(_, r)| lookup.find(&form, &r[0], &r[1], &r[2]).is_err())
            .count();
        if best.as_ref().is_none_or(|(m, _)| misses < *m) {
            best = Some((misses, id));
        }
    }
    best.map(|(_, id)| id).unwrap_or(preferred)
}

fn apply_meta(report: &mut Report, key: &str, value: &str, line: usize, issues: &mut Vec<CsvIssue>) {
    // Text is taken exactly as written (the CSV is also how a draft travels losslessly).
    let exact = value.to_string();
    let v = value.trim().to_string();
    match fold(key).as_str() {
        "格式" | "年度" => {}
        "机关全称" => report.unit.name = exact,
        "落款名称" => report.unit.signature = exact,
        "联系电话" => report.unit.phone = exact,
        "地址" => report.unit.address = exact,
        "邮编" => report.unit.postcode = exact,
        "网址" => report.unit.website = exact,
        "规章制定权" => {
            report.unit.makes_rules = match v.as_str() {
                "是" | "有" => Some(true),
                "否" | "无" => Some(false),
                "" => None,
                _ => {
                    issues.push(CsvIssue {
                        line, message: format!("规章制定权应为“是”或“否”，实际是“{v}”")
                    });
                    None
                }
            }
        }
        "落款日期" => {
            if v.is_empty() {
                report.signed_on = None;
            } else {
                match Date::parse(&v) {
                    Some(d) => report.signed_on = Some(d),
                    None => issues.push(CsvIssue { line, message: format!("“{v}”不是有效日期") }),
                }
            }
        }
        "打印选项" => match ron::from_str::<ReportOptions>(&v) {
            Ok(o) => report.options = o,
            Err(e) => issues
                .push(CsvIssue {
                    line, message: format!("打印选项无法识别：{}", super::draft::ron_message(&e.code))
                }),
        },
        _ => issues.push(CsvIssue { line, message: format!("未知的基本信息项“{}”", shorten(key, 40)) }),
    }
}

fn section_key(form: &Form, label: &str) -> Option<String> {
    let f = fold(label);
    for s in &form.template.sections {
        if fold(&s.heading) == f {
            return Some(s.id.clone());
        }
        for sub in &s.subsections {
            if fold(&sub.heading) == f || fold(&format!("{}/{}", s.heading, sub.heading)) == f {
                return Some(sub.id.clone());
            }
        }
    }
    None
}

fn parse_reference(rows: &[(usize, String, String, String, String)], issues: &mut Vec<CsvIssue>) -> Option<Reference> {
    let meta =
        |name: &str| rows.iter().find(|r| r.1 == META && fold(&r.2) == fold(name)).map(|r| r.4.trim().to_string());
    let Some(year) = meta("年度").and_then(|y| crate::model::report::parse_year(&y)) else {
        issues.push(CsvIssue { line: rows[0].0, message: "上年数据缺少“上年基本信息,年度”".into() });
        return None;
    };
    let template = meta("格式").unwrap_or_else(|| Template::format_for_year(year));
    let form = match Form::of(&template, &[]) {
        Ok(f) => f,
        Err(e) => {
            issues.push(CsvIssue { line: rows[0].0, message: e.to_string() });
            return None;
        }
    };
    let lookup = Lookup::new(&form);
    let mut reference = Reference { year, template, cells: BTreeMap::new(), sections: BTreeMap::new() };
    for (line, table, row, col, value) in rows {
        if table == META {
            continue;
        }
        if table == TEXT {
            if let Some(k) = section_key(&form, row) {
                reference.sections.insert(k, value.clone());
            }
            continue;
        }
        match lookup.find(&form, table, row, col) {
            Ok(ix) => {
                if !value.trim().is_empty() {
                    reference.cells.insert(form.cells[ix].id.clone(), value.trim().to_string());
                }
            }
            Err(m) => issues.push(CsvIssue { line: *line, message: format!("上年数据：{m}") }),
        }
    }
    Some(reference)
}

/// Maps folded labels to cells, accepting a row with or without its group.
pub struct Lookup {
    /// Per table: its folded names, and (folded row, folded column) → cells.
    tables: Vec<(Vec<String>, LabelMap)>,
}

type LabelMap = HashMap<(String, String), Vec<CellIx>>;

impl Lookup {
    pub fn new(form: &Form) -> Lookup {
        let mut tables = Vec::new();
        for t in &form.tables {
            let mut names = vec![fold(&t.def.name)];
            names.extend(t.def.aliases.iter().map(|a| fold(a)));
            let mut map: LabelMap = HashMap::new();
            for &ix in &t.cells {
                let c = &form.cells[ix];
                if c.ui_only {
                    continue;
                }
                let mut rows = vec![fold(&c.row_label), fold(&c.row_path())];
                rows.dedup();
                let mut cols = vec![fold(&c.col_label)];
                if let Some(g) = &c.col_group {
                    cols.push(fold(&format!("{g}/{}", c.col_label)));
                }
                for r in &rows {
                    for col in &cols {
                        map.entry((r.clone(), col.clone())).or_default().push(ix);
                    }
                }
            }
            tables.push((names, map));
        }
        Lookup { tables }
    }

    fn table(&self, label: &str) -> Option<usize> {
        let f = fold(label);
        self.tables.iter().position(|(names, _)| names.contains(&f))
    }

    /// The cell a CSV line names, or which of its labels is unknown.
    pub fn find(&self, form: &Form, table: &str, row: &str, col: &str) -> Result<CellIx, LabelError> {
        let Some(t) = self.table(table) else {
            return Err(LabelError::Table(shorten(table, 40)));
        };
        let name = &form.tables[t].def.name;
        let map = &self.tables[t].1;
        let (fr, fc) = (fold(row), fold(col));
        // A single-value table may leave 列 empty.
        let fc = if fc.is_empty() && form.tables[t].def.column_sets.values().all(|s| s.len() == 1) {
            map.keys().find(|(r, _)| *r == fr).map(|(_, c)| c.clone()).unwrap_or_default()
        } else {
            fc
        };
        match map.get(&(fr.clone(), fc)) {
            Some(v) if v.len() == 1 => Ok(v[0]),
            Some(_) => Err(LabelError::Ambiguous { table: name.clone(), row: shorten(row, 60) }),
            None if map.keys().any(|(r, _)| *r == fr) => {
                Err(LabelError::Column { table: name.clone(), row: shorten(row, 60), col: shorten(col, 40) })
            }
            None => Err(LabelError::Row { table: name.clone(), row: shorten(row, 60) }),
        }
    }
}

/// Which label of a CSV line names no cell (the labels shortened as shown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    #[error("未知的表“{0}”")]
    Table(String),
    #[error("{table}中“{row}”不唯一，请写成“分组/{row}”")]
    Ambiguous { table: String, row: String },
    #[error("{table}“{row}”行没有“{col}”这一列")]
    Column { table: String, row: String, col: String },
    #[error("{table}中没有“{row}”这一行")]
    Row { table: String, row: String },
}

/// Writes a report as long CSV (UTF-8 with BOM, CRLF): metadata, every cell (totals included,
/// as printed), text sections, explanations and last year's reference values.
pub fn export(report: &Report, form: &Form) -> String {
    let values = Values::compute(form, report);
    let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(Vec::new());
    let mut row = |a: &str, b: &str, c: &str, d: &str| {
        let _ = w.write_record([a, b, c, d]);
    };
    row(HEADER[0], HEADER[1], HEADER[2], HEADER[3]);
    write_meta(&mut row, META, report.year, &report.template);
    let u = &report.unit;
    for (k, v) in u.labelled() {
        row(META, k, "", v);
    }
    let rules = match u.makes_rules {
        Some(true) => "是",
        Some(false) => "否",
        None => "",
    };
    row(META, "规章制定权", "", rules);
    row(META, "落款日期", "", &report.signed_on.map(|d| d.to_string()).unwrap_or_default());
    let options = ron::to_string(&report.options).unwrap_or_default();
    row(META, "打印选项", "", &options);

    for t in &form.tables {
        for &ix in &t.cells {
            let c = &form.cells[ix];
            if c.ui_only {
                continue;
            }
            let value = if c.is_input() {
                report.cell_text(&c.id).to_string()
            } else {
                values.get(ix).num().map(|n| n.to_string()).unwrap_or_default()
            };
            row(&t.def.name, &c.row_path(), &c.col_label, &value);
        }
    }
    for s in &form.template.sections {
        row(TEXT, &s.heading, "", report.section(&s.id));
        for sub in &s.subsections {
            row(TEXT, &format!("{}/{}", s.heading, sub.heading), "", report.section(&sub.id));
        }
    }
    for (k, v) in &report.explanations {
        row(NOTE, k, "", v);
    }
    if let Some(r) = &report.reference {
        let prev_meta = format!("{PREV}{META}");
        write_meta(&mut row, &prev_meta, r.year, &r.template);
        if let Ok(prev_form) = Form::of(&r.template, &[]) {
            for (id, v) in &r.cells {
                if let Some(&ix) = prev_form.index.get(id) {
                    let c = &prev_form.cells[ix];
                    row(&format!("{PREV}{}", prev_form.table_name(c)), &c.row_path(), &c.col_label, v);
                }
            }
            for s in &prev_form.template.sections {
                if let Some(text) = r.sections.get(&s.id) {
                    row(&format!("{PREV}{TEXT}"), &s.heading, "", text);
                }
                for sub in &s.subsections {
                    if let Some(text) = r.sections.get(&sub.id) {
                        row(&format!("{PREV}{TEXT}"), &format!("{}/{}", s.heading, sub.heading), "", text);
                    }
                }
            }
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

fn write_meta(row: &mut impl FnMut(&str, &str, &str, &str), table: &str, year: i32, template: &str) {
    row(table, "格式", "", template);
    row(table, "年度", "", &year.to_string());
}

/// Whether a file starts with the long CSV's header (a `.txt` may be either that or text
/// copied from a published page); a `.csv` is one by its name.
pub fn is_long_csv(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if ext.as_deref() == Some("csv") {
        return true;
    }
    let Ok(bytes) = super::read_limited(path, MAX_CSV_BYTES) else { return false };
    let Ok(text) = decode(&bytes) else { return false };
    let first = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    crate::model::labels::fold(first).starts_with("表,行,列,值")
}
