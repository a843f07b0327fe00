//! From a neutral document to a report: which format, which year and unit, which table row
//! is which, where each section starts — everything decided from the template's own labels
//! and headings, so a new format is a new template, not new code here.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::doc::{Block, Document, GridCell};
use super::{ImportError, ImportNote, ImportOptions, Imported, NoteKind, SourceKind, Target, cell_note_key};
use crate::model::form::{CellIx, Form};
use crate::model::labels::{self, Found, Matcher, coverage, fold, similarity};
use crate::model::report::{Date, OpeningPlacement, TitlePattern, YEARS};
use crate::model::template::{Role, Template, TemplateKind};
use crate::model::value::CellKind;
use crate::model::{Report, Values};

// ---------------------------------------------------------------------------------------------
// Cell values
// ---------------------------------------------------------------------------------------------

static VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<num>[+\-−－]?[0-9０-９][0-9０-９,，.．]*)\s*(?P<unit>万元|元|件|个|项|次|人次|人|条|篇|家|宗|起)?\s*(?P<note>[（(\[【].*[)）\]】])?$",
    )
    .unwrap_or_else(|e| unreachable!("{e}"))
});

/// Texts published reports put in a cell for "nothing" (kept as typed so `check` flags them).
const PLACEHOLDERS: &[&str] =
    &["/", "／", "\\", "-", "—", "——", "--", "－", "–", "―", "无", "空", "×", "不适用", "—/—", "-/-"];

/// Whether a cell's text is a value (a number, possibly with a unit and a note in brackets, a
/// placeholder, or nothing) rather than a label.
pub fn is_value_like(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    t.is_empty() || PLACEHOLDERS.contains(&t.as_str()) || VALUE.is_match(&t)
}

/// A cell's value and the note printed with it: 「22（其中修订16件）」 → `22` and `其中修订16件`.
/// A count unit (`件`) is dropped from count cells; money keeps its unit for the parser.
pub fn split_value(text: &str, kind: &CellKind) -> (String, Option<String>) {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(c) = VALUE.captures(&t) else { return (t, None) };
    let num = c.name("num").map_or("", |m| m.as_str());
    let unit = c.name("unit").map_or("", |m| m.as_str());
    let note = c.name("note").map(|m| {
        let s = m.as_str();
        let inner: String = s.chars().skip(1).take(s.chars().count().saturating_sub(2)).collect();
        inner.trim().to_string()
    });
    let keep_unit = kind.is_money() && matches!(unit, "万元" | "元");
    let value = if keep_unit { format!("{num}{unit}") } else { num.to_string() };
    (value, note.filter(|n| !n.is_empty()))
}

// ---------------------------------------------------------------------------------------------
// What the template says a document holds
// ---------------------------------------------------------------------------------------------

/// One data row of a template table and its cells in column order.
#[derive(Debug, Clone)]
struct RowEntry {
    table: usize,
    label: String,
    cells: Vec<CellIx>,
}

/// The labels of a form, ready for lookup.
struct Catalog<'f> {
    form: &'f Form,
    rows: Vec<RowEntry>,
    row_matcher: Matcher<usize>,
    /// Merged group labels (`（六）其他处理`) → the rows under them.
    groups: Matcher<String>,
    group_rows: HashMap<String, Vec<usize>>,
    /// Printed rows without a row label (表四's one data row): table and cells.
    unlabelled: Vec<(usize, Vec<CellIx>)>,
    /// Per table: its header and caption words, folded.
    heads: Vec<HashSet<String>>,
    /// Column labels of all tables, folded (evidence for the format).
    col_labels: HashSet<String>,
}

impl<'f> Catalog<'f> {
    fn new(form: &'f Form) -> Catalog<'f> {
        let mut rows = Vec::new();
        let mut row_matcher = Matcher::new();
        let mut groups = Matcher::new();
        let mut group_rows: HashMap<String, Vec<usize>> = HashMap::new();
        let mut unlabelled = Vec::new();
        let mut heads = Vec::new();
        let mut col_labels = HashSet::new();
        for (tix, t) in form.tables.iter().enumerate() {
            let def = &t.def;
            let mut head = HashSet::new();
            for row in &def.rows {
                for c in &row.cells {
                    if matches!(c.role, Role::Head | Role::Caption | Role::Note) {
                        head.insert(fold(&c.text));
                    }
                }
                let printed_label = |label: &str| row.cells.iter().any(|c| c.role == Role::Label && c.text == label);
                let mut loose = Vec::new();
                for d in &row.data {
                    let cells: Vec<CellIx> = def.column_sets[&d.columns]
                        .iter()
                        .filter_map(|col| form.index.get(&format!("{}.{}.{}", def.id, d.key, col.key)).copied())
                        .collect();
                    for col in &def.column_sets[&d.columns] {
                        col_labels.insert(fold(&col.label));
                    }
                    let ix = rows.len();
                    row_matcher.add(&d.label, d.group.as_deref(), ix);
                    if let Some(g) = &d.group {
                        if !group_rows.contains_key(g) {
                            groups.add(g, None, g.clone());
                        }
                        group_rows.entry(g.clone()).or_default().push(ix);
                    }
                    if !printed_label(&d.label) {
                        loose.extend(cells.iter().copied());
                    }
                    rows.push(RowEntry { table: tix, label: d.label.clone(), cells });
                }
                if !loose.is_empty() && row.cells.iter().all(|c| c.role != Role::Label) {
                    unlabelled.push((tix, loose));
                }
            }
            heads.push(head);
        }
        Catalog { form, rows, row_matcher, groups, group_rows, unlabelled, heads, col_labels }
    }

    /// The table a header row or caption belongs to: the one most of its words are headers of,
    /// counting only words that are a header of one table alone.
    fn table_of_heads(&self, words: &[String]) -> Option<usize> {
        let mut hits = vec![0usize; self.heads.len()];
        for w in words {
            let owners: Vec<usize> = (0..self.heads.len()).filter(|&t| self.heads[t].contains(w)).collect();
            if owners.len() == 1 {
                hits[owners[0]] += 1;
            }
        }
        let best = (0..hits.len()).max_by_key(|&t| hits[t])?;
        (hits[best] > 0).then_some(best)
    }
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/// One cell value found in the document.
#[derive(Debug, Clone)]
struct Found1 {
    text: String,
    note: Option<String>,
}

/// What the table rows of a document gave for one form.
struct Assignment {
    values: BTreeMap<CellIx, Found1>,
    notes: Vec<ImportNote>,
    /// Rows matched, for choosing the format.
    matched: usize,
    /// Rows with numbers that matched nothing.
    unmatched: usize,
    /// Header words that are column labels of this form.
    header_hits: usize,
    /// Tables (form indices) that had at least one row.
    tables_seen: HashSet<usize>,
    /// Rows matched per table.
    rows_per_table: HashMap<usize, usize>,
    /// Document tables (block indices) any of whose rows was taken or that named a table.
    tables_used: HashSet<usize>,
}

fn is_numeric(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    VALUE.is_match(&t)
}

fn assign(cat: &Catalog, doc: &Document, section_tables: &[(String, Vec<usize>)]) -> Assignment {
    let form = cat.form;
    let mut a = Assignment {
        values: BTreeMap::new(),
        notes: Vec::new(),
        matched: 0,
        unmatched: 0,
        header_hits: 0,
        tables_seen: HashSet::new(),
        rows_per_table: HashMap::new(),
        tables_used: HashSet::new(),
    };
    let mut context: Option<usize> = None;
    for (bi, block) in doc.blocks.iter().enumerate() {
        let table = match block {
            Block::Para(p) => {
                // A section heading or a caption names the table that follows.
                let words = vec![fold(p)];
                if let Some(t) = cat.table_of_heads(&words) {
                    context = Some(t);
                } else if p.chars().count() <= 40 {
                    for (heading, tables) in section_tables {
                        if tables.len() == 1 && similarity(p, heading) >= 0.85 {
                            context = Some(tables[0]);
                        }
                    }
                }
                continue;
            }
            Block::Table(t) => t,
        };
        let (matched, notes, before) = (a.matched, a.notes.len(), context);
        for row in table.grid() {
            assign_row(cat, &row.cells, &mut context, &mut a, form);
        }
        if a.matched > matched || a.notes.len() > notes || context != before {
            a.tables_used.insert(bi);
        }
    }
    a
}

/// Long on purpose: one table row matched against the catalogue: label, group context and value columns decided together.
#[expect(clippy::too_many_lines, reason = "see the doc comment")]
fn assign_row(cat: &Catalog, cells: &[GridCell], context: &mut Option<usize>, a: &mut Assignment, form: &Form) {
    let last_label = cells.iter().rposition(|c| !is_value_like(c.text));
    let (labels, values): (&[GridCell], &[GridCell]) = match last_label {
        Some(i) => (&cells[..=i], &cells[i + 1..]),
        None => (&[], cells),
    };
    // Values repeated into every slot of a merged cell come once per cell here already; cells
    // inherited from a row above are labels, never this row's values.
    let values: Vec<&GridCell> = values.iter().filter(|c| !c.inherited).collect();
    let label_texts: Vec<&str> = labels.iter().map(|c| c.text).filter(|t| !t.trim().is_empty()).collect();
    let has_number = values.iter().any(|v| is_numeric(v.text));
    if values.iter().all(|v| v.text.trim().is_empty()) && !has_number {
        // A header row: it tells which table this is, and which format.
        let words: Vec<String> = label_texts.iter().map(|t| fold(t)).collect();
        a.header_hits += words.iter().filter(|w| cat.col_labels.contains(*w)).count();
        if let Some(t) = cat.table_of_heads(&words) {
            *context = Some(t);
        }
        if values.is_empty() || label_texts.is_empty() {
            return;
        }
    }
    // In a table whose numbers row has no label (表四), a header word just before the numbers
    // (text copied one cell per line) is not the row's label.
    let label_texts = match (*context, label_texts.last()) {
        (Some(t), Some(leaf))
            if cat.unlabelled.iter().any(|(ut, _)| *ut == t) && cat.heads[t].contains(&fold(leaf)) =>
        {
            Vec::new()
        }
        _ => label_texts,
    };
    if label_texts.is_empty() {
        // Numbers only: a printed row without labels (表四).
        let mut candidates: Vec<&(usize, Vec<CellIx>)> = cat
            .unlabelled
            .iter()
            .filter(|(t, cells)| cells.len() == values.len() && context.is_none_or(|c| c == *t))
            .collect();
        if candidates.is_empty() && has_number {
            // Fewer numbers than the row has cells (blank cells lost in copying): only in the
            // table being read, left to right, with a note.
            candidates =
                cat.unlabelled.iter().filter(|(t, cells)| cells.len() > values.len() && *context == Some(*t)).collect();
        }
        if let [(t, target)] = candidates.as_slice() {
            put_values(form, target, &values, a, "");
            a.matched += 1;
            a.tables_seen.insert(*t);
            *a.rows_per_table.entry(*t).or_default() += 1;
        } else if has_number {
            a.unmatched += 1;
            let shown: Vec<&str> = values.iter().map(|v| v.text).collect();
            a.notes.push(note(
                NoteKind::Ignored,
                format!("表格中有一行只有数字（{}），无法判断属于哪一栏，未导入", shown.join(" ")),
                None,
            ));
        }
        return;
    }
    // A row without numbers that holds header words is (part of) the table head, even where a
    // page break split it and left a cell looking like a value.
    if !has_number && label_texts.iter().any(|t| cat.heads.iter().any(|h| h.contains(&fold(t)))) {
        if let Some(t) = cat.table_of_heads(&label_texts.iter().map(|t| fold(t)).collect::<Vec<_>>()) {
            *context = Some(t);
        }
        return;
    }
    // The row label: the rightmost label cell that names a row; cells left of it are groups.
    let mut hit: Option<(usize, usize)> = None; // (label cell index, row entry)
    let mut ambiguous: Option<Vec<usize>> = None;
    for (li, text) in label_texts.iter().enumerate().rev() {
        let group = label_texts[..li].last().copied();
        let found = cat.row_matcher.find(text, group);
        let found = prefer_context(cat, found, *context, text);
        match found {
            Found::Exact(e) | Found::Close(e, _) => {
                hit = Some((li, e));
                break;
            }
            Found::Ambiguous(list) => {
                ambiguous.get_or_insert(list);
            }
            Found::None => {}
        }
    }
    let leaf = label_texts.last().copied().unwrap_or("");
    if let Some((li, entry)) = hit {
        let e = &cat.rows[entry];
        *context = Some(e.table);
        a.matched += 1;
        a.tables_seen.insert(e.table);
        *a.rows_per_table.entry(e.table).or_default() += 1;
        let _ = li;
        put_values(form, &e.cells, &values, a, &e.label);
        return;
    }
    // A merged group label used as a row (a GB2021 report printing one （六）其他处理 row, the
    // GB2019 shape): all zeros means every row under it is 0; other figures go to the group's
    // catch-all row (「3.其他」), the rows beside it 0, with a note.
    if let Some(g) = cat.groups.find(leaf, None).item() {
        let rows = &cat.group_rows[g];
        let catch_all = rows.iter().copied().rfind(|&r| labels::core(&cat.rows[r].label).contains("其他"));
        if let Some(r) = catch_all
            && has_number
        {
            let e = &cat.rows[r];
            *context = Some(e.table);
            a.matched += 1;
            a.tables_seen.insert(e.table);
            let table = &form.tables[e.table].def.name;
            let zero = |v: &GridCell| {
                let (n, _) = split_value(v.text, &CellKind::Count);
                !n.is_empty() && n.chars().all(|c| c == '0' || c == '.' || c == '０')
            };
            let all_zero = values.iter().all(|v| v.text.trim().is_empty() || zero(v));
            put_values(form, &e.cells, &values, a, &e.label);
            // The other rows: 0 wherever the single row printed a figure (a blank or a `/` stays
            // as printed, for the checks to flag).
            let zeros: Vec<GridCell> = values
                .iter()
                .map(|v| GridCell { text: if is_numeric(v.text) { "0" } else { v.text }, ..(*v).clone() })
                .collect();
            let zeros: Vec<&GridCell> = zeros.iter().collect();
            for &other in rows.iter().filter(|&&o| o != r) {
                put_values(form, &cat.rows[other].cells, &zeros, a, &cat.rows[other].label);
            }
            let first = |row: usize| cat.rows[row].cells.first().map(|&c| Target::Cell(form.cells[c].id.clone()));
            if all_zero {
                a.notes.push(note(
                    NoteKind::Recognised,
                    format!("{table}只有一行“{leaf}”，全为0：其下{}项均填0", rows.len()),
                    rows.first().and_then(|&f| first(f)),
                ));
            } else {
                let others: Vec<String> =
                    rows.iter().filter(|&&o| o != r).map(|&o| format!("“{}”", cat.rows[o].label)).collect();
                a.notes.push(note(
                    NoteKind::Ambiguous,
                    format!(
                        "{table}只有一行“{leaf}”，本格式将其分为{}项：其数字已填入“{}/{}”，{}填0，请核对是否应分到其他各项",
                        rows.len(),
                        g,
                        e.label,
                        others.join("、")
                    ),
                    first(r),
                ));
            }
            return;
        }
    }
    if has_number {
        a.unmatched += 1;
        let msg = match ambiguous {
            Some(list) => format!(
                "表格行“{}”可能是{}，无法确定，未导入",
                leaf,
                list.iter().map(|&r| format!("“{}”", cat.rows[r].label)).collect::<Vec<_>>().join("或")
            ),
            None => format!("表格行“{}”不是本格式的栏目，未导入", label_texts.join("/")),
        };
        a.notes.push(note(if msg.contains("可能是") { NoteKind::Ambiguous } else { NoteKind::Ignored }, msg, None));
    }
}

/// Between entries that fit equally well, the one in the table being read wins.
fn prefer_context(cat: &Catalog, found: Found<usize>, context: Option<usize>, _label: &str) -> Found<usize> {
    match (found, context) {
        (Found::Ambiguous(list), Some(t)) => {
            let here: Vec<usize> = list.iter().copied().filter(|&r| cat.rows[r].table == t).collect();
            if here.len() == 1 { Found::Close(here[0], 0.0) } else { Found::Ambiguous(list) }
        }
        (f, _) => f,
    }
}

/// Puts a row's values into its cells, saying where the count does not fit.
fn put_values(form: &Form, target: &[CellIx], values: &[&GridCell], a: &mut Assignment, label: &str) {
    let n = target.len();
    let mut texts: Vec<&str> = values.iter().map(|v| v.text).collect();
    let row_name = || {
        let c = &form.cells[target[0]];
        if label.is_empty() {
            form.table_name(c).to_string()
        } else {
            format!("{}“{}”行", form.table_name(c), label)
        }
    };
    let target_ix: Vec<CellIx> = if texts.len() == n {
        target.to_vec()
    } else if texts.len() > n {
        // A merged value repeated in every slot, or empty slots at the end.
        while texts.len() > n && texts.last().is_some_and(|t| t.trim().is_empty()) {
            texts.pop();
        }
        if texts.len() > n && n == 1 && texts.iter().all(|t| fold(t) == fold(texts[0])) {
            texts.truncate(1);
        }
        if texts.len() > n {
            a.notes.push(note(
                NoteKind::Ambiguous,
                format!("{}有{}个数，本格式只有{}栏：按从左到右取前{}个", row_name(), texts.len(), n, n),
                Some(Target::Cell(form.cells[target[0]].id.clone())),
            ));
            texts.truncate(n);
        }
        target.to_vec()
    } else {
        let inputs: Vec<CellIx> = target.iter().copied().filter(|&c| form.cells[c].is_input()).collect();
        if texts.len() == inputs.len() {
            inputs
        } else {
            a.notes.push(note(
                NoteKind::Ambiguous,
                format!("{}只有{}个数，本格式有{}栏：按从左到右填入", row_name(), texts.len(), n),
                Some(Target::Cell(form.cells[target[0]].id.clone())),
            ));
            target[..texts.len()].to_vec()
        }
    };
    for (&ix, text) in target_ix.iter().zip(texts) {
        let (value, note_text) = split_value(text, &form.cells[ix].kind);
        match a.values.get(&ix) {
            Some(prev) if fold(&prev.text) == fold(&value) => {}
            // A row broken over two pages comes as two rows: a blank part never overrides the
            // figures, and figures fill a blank part.
            Some(_) if value.is_empty() => {}
            Some(prev) if prev.text.is_empty() => {
                a.values.insert(ix, Found1 { text: value, note: note_text });
            }
            Some(prev) => {
                a.notes.push(note(
                    NoteKind::Ambiguous,
                    format!(
                        "{}出现两次（“{}”和“{}”），取第一次的“{}”",
                        form.cell_path(ix),
                        prev.text,
                        value,
                        prev.text
                    ),
                    Some(Target::Cell(form.cells[ix].id.clone())),
                ));
            }
            None => {
                a.values.insert(ix, Found1 { text: value, note: note_text });
            }
        }
    }
}

fn note(kind: NoteKind, message: String, target: Option<Target>) -> ImportNote {
    ImportNote { kind, message, target }
}

// ---------------------------------------------------------------------------------------------
// Title, year, unit, 落款, contact
// ---------------------------------------------------------------------------------------------

static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<a>.*?)(?P<y>(?:19|20)\d{2})\s*年\s*(?P<du>度)?(?P<b>.*?)政府信息公开(?:工作)?(?:年度)?(?:工作)?报告",
    )
    .unwrap_or_else(|e| unreachable!("{e}"))
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|—|-|－)")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:联系电话|咨询电话|办公电话|电话|联系方式)\s*[:：]?\s*(?P<v>[0-9０-９(（][0-9０-９\-－—–()（）、/ ]{5,30}[0-9０-９])")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:联系地址|通讯地址|办公地址|地址|地点)\s*[:：]\s*(?P<v>[^；;，,。）)\n]{4,60})")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
static POSTCODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:邮编|邮政编码)\s*[:：]?\s*(?P<v>\d{6})").unwrap_or_else(|e| unreachable!("{e}")));
static WEBSITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<v>https?://[A-Za-z0-9./_\-?=&%#:~]+|www\.[A-Za-z0-9./_\-]+)")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

/// CMS chrome and page furniture that is no part of the report.
static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:[-—–－―\s]*\d{1,3}[-—–－―\s]*|第\s*\d+\s*页.*|\d+\s*/\s*\d+|",
        r"(?:【|\[)?(?:发布时间|发布日期|时间|来源|信息来源|作者|浏览次数|阅读次数|点击数|访问量|字体|字号|分享到|分享|打印本页|打印|关闭窗口|关闭|",
        r"索\s*引\s*号|文\s*号|发文机关|发布机构|成文日期|主题分类|生效日期|有效性|责任编辑|编辑|扫一扫|当前位置|您当前的位置|首页).*|",
        r"(?:上一篇|下一篇).*|.*版权所有.*|.*ICP备.*|.*网站标识码.*)$"
    ))
    .unwrap_or_else(|e| unreachable!("{e}"))
});

/// Whether a paragraph is page furniture: a page number, CMS chrome.
pub fn is_noise(p: &str) -> bool {
    let t = p.trim();
    t.is_empty() || (t.chars().count() <= 120 && (NOISE.is_match(t) || is_breadcrumb(t)))
}

/// A CMS breadcrumb (`首页 > 政务公开 > 年度报告`): three or more short parts between `>`-like
/// marks, none of them a sentence. A paragraph of the report that happens to hold two `>`
/// (`<b>` typed as text, `增幅＞5%`) is text, not furniture.
fn is_breadcrumb(t: &str) -> bool {
    let parts: Vec<&str> = t.split(['>', '»', '＞', '›']).map(str::trim).collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            let n = p.chars().count();
            (1..=24).contains(&n) && !p.contains(['。', '，', '；', '<', '/'])
        })
}

#[derive(Debug, Default)]
pub(crate) struct TitleInfo {
    year: Option<i32>,
    unit: String,
    pattern: TitlePattern,
}

/// Year, unit and pattern of a report title (`…2023年政府信息公开工作年度报告`).
pub(crate) fn parse_title(title: &str) -> Option<TitleInfo> {
    let t: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let c = TITLE.captures(&t)?;
    let year = c.name("y").and_then(|m| m.as_str().parse().ok());
    let a = c.name("a").map_or("", |m| m.as_str()).trim_matches(|c: char| !c.is_alphanumeric());
    let b = c.name("b").map_or("", |m| m.as_str()).trim_matches(|c: char| !c.is_alphanumeric());
    let du = c.name("du").is_some();
    let (unit, pattern) = if !a.is_empty() {
        (a.to_string(), if du { TitlePattern::UnitYearDu } else { TitlePattern::UnitYear })
    } else {
        (b.to_string(), TitlePattern::YearUnit)
    };
    Some(TitleInfo { year, unit, pattern })
}

fn signature_date(p: &str) -> Option<(Date, String)> {
    let t: String = p.chars().filter(|c| !c.is_whitespace()).collect();
    if t.chars().count() > 60 {
        return None;
    }
    let c = DATE.captures(&t)?;
    let m = c.get(0)?;
    let rest = t[m.end()..].trim_matches(|c: char| !c.is_alphanumeric());
    if !rest.is_empty() {
        return None;
    }
    let date = Date::new(c["y"].parse().ok()?, c["m"].parse().ok()?, c["d"].parse().ok()?)?;
    let before = t[..m.start()].trim().to_string();
    Some((date, before))
}

fn name_like(p: &str) -> bool {
    let t = p.trim();
    let n = t.chars().count();
    (2..=40).contains(&n)
        && !t.contains(['。', '，', '；', '：', ':', ',', '！', '？'])
        && !t.starts_with("附件")
        && !t.chars().next().is_some_and(|c| c.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

/// How a paragraph names a section heading: `Some(strength)` when it is one.
fn heading_score(p: &str, heading: &str) -> Option<f32> {
    let t = p.trim();
    if t.chars().count() > 45 || t.contains(['。', '；']) || t.ends_with('，') {
        return None;
    }
    let sim = similarity(t, heading);
    let f = fold(t);
    let (enumerator, rest) = labels::split_enumerator(&f);
    if rest.is_empty() {
        return None;
    }
    let cov = coverage(t, heading);
    let core_len = labels::core(heading).chars().count();
    // An abbreviation is not a heading: （一）主动公开 is not 二、主动公开政府信息情况.
    let sim = if rest.chars().count() * 10 < core_len * 7 { 0.0 } else { sim };
    let reworded = cov >= 0.8 && rest.chars().count() <= core_len * 2 + 4;
    let top = !enumerator.is_empty() && !enumerator.starts_with('(');
    let ok = sim >= 0.9 || (reworded && (top || enumerator.is_empty())) || (top && sim >= 0.6);
    ok.then_some(sim.max(cov))
}

/// A paragraph repeating a section heading (a table's caption). A shorter sub-heading made of
/// the heading's words (「（一）存在的主要问题」 under 「五、存在的主要问题及改进情况」) is text.
fn is_caption_of(p: &str, heading: &str) -> bool {
    let f = fold(p.trim());
    let (_, rest) = labels::split_enumerator(&f);
    let core_len = labels::core(heading).chars().count();
    rest.chars().count() * 10 >= core_len * 7 && similarity(p, heading) >= 0.9
}

/// A section's sub-heading at the start of a paragraph, alone or followed by its text
/// (「（一）主动公开。2023年……」): the text after it.
fn subheading_rest(p: &str, heading: &str) -> Option<String> {
    let t = p.trim();
    if t.chars().count() <= 30 && !t.ends_with('。') && similarity(t, heading) >= 0.85 {
        return Some(String::new());
    }
    let f = fold(t);
    let (enumerator, _) = labels::split_enumerator(&f);
    if enumerator.is_empty() {
        return None;
    }
    let core = labels::core(heading);
    // Walk the original text past the enumerator and the heading's words.
    let mut folded_len = 0;
    for (i, c) in t.char_indices() {
        let head = fold(&t[..i + c.len_utf8()]);
        folded_len = head.len();
        if head.len() >= enumerator.len() + core.len() {
            let (_, r) = labels::split_enumerator(&head);
            if r == core || r == format!("{core}情况") {
                let rest = t[i + c.len_utf8()..].trim_start_matches(['。', '：', ':', '，', ' ', '、', '.']);
                return Some(rest.trim_start_matches("情况").trim_start_matches(['。', '：', ':']).trim().to_string());
            }
            if head.len() > enumerator.len() + core.len() + 8 {
                break;
            }
        }
    }
    let _ = folded_len;
    None
}

struct Sections {
    texts: BTreeMap<String, Vec<String>>,
    /// The section headings as printed, with the section each was read as.
    headings: Vec<crate::model::headings::PrintedHeading>,
    opening: Vec<String>,
    ending: Vec<String>,
    found: Vec<String>,
    notes: Vec<ImportNote>,
    /// Paragraphs of the document that went nowhere, and why.
    dropped: Vec<(usize, &'static str)>,
}

fn read_sections(form: &Form, doc: &Document, kind: SourceKind, skip: &HashSet<usize>, end: Option<usize>) -> Sections {
    let defs = &form.template.sections;
    // Table headers and labels that came out as lines of text (pasted text, borderless PDFs)
    // are no part of a section. In a web page or a Word file tables are tables, and a paragraph
    // that reads like a label (「（三）建议提案办理结果公开情况」 is also a row of 贵州's annex) is
    // the report's own heading.
    let lines_of_tables = matches!(kind, SourceKind::Pdf | SourceKind::Text);
    let fixed: HashSet<String> = form
        .tables
        .iter()
        .filter(|_| lines_of_tables)
        .flat_map(|t| t.def.rows.iter().flat_map(|r| r.cells.iter().map(|c| fold(&c.text))))
        .filter(|t| !t.is_empty())
        .collect();
    let mut s = Sections {
        texts: BTreeMap::new(),
        headings: Vec::new(),
        opening: Vec::new(),
        ending: Vec::new(),
        found: Vec::new(),
        notes: Vec::new(),
        dropped: Vec::new(),
    };
    let mut current: Option<usize> = None; // section index
    let mut sub: Option<String> = None; // subsection key
    let mut next_sub = 0;
    let mut annex_zone = false;
    for (bi, block) in doc.blocks.iter().enumerate() {
        let Block::Para(p) = block else { continue };
        // After the 落款 comes the site's footer, never the report (in a file of its own, what
        // follows it is counted as not imported).
        if end.is_some_and(|e| bi > e) {
            if kind != SourceKind::Html && !skip.contains(&bi) && !is_noise(p) {
                s.dropped.push((bi, "在落款之后"));
            }
            continue;
        }
        if skip.contains(&bi) || is_noise(p) || fixed.contains(&fold(p)) {
            continue;
        }
        // A sub-heading of the section being read comes before any later heading.
        if let Some(ci) = current {
            let def = &defs[ci];
            let mut matched = None;
            for (k, subdef) in def.subsections.iter().enumerate().skip(next_sub) {
                if let Some(rest) = subheading_rest(p, &subdef.heading) {
                    matched = Some((k, rest));
                    break;
                }
            }
            if let Some((k, rest)) = matched {
                sub = Some(def.subsections[k].id.clone());
                next_sub = k + 1;
                if !rest.is_empty() {
                    s.texts.entry(def.subsections[k].id.clone()).or_default().push(rest);
                }
                continue;
            }
        }
        let start = current.map_or(0, |c| c + 1);
        let hit = (start..defs.len())
            .filter_map(|i| heading_score(p, &defs[i].heading).map(|sc| (i, sc)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        // A later section's heading counts only if no earlier one fits better (skipped sections
        // are rare; reworded ones are common).
        if let Some((i, _)) = hit {
            current = Some(i);
            sub = None;
            next_sub = 0;
            annex_zone = false;
            s.found.push(defs[i].id.clone());
            s.headings.push(crate::model::headings::PrintedHeading {
                text: p.trim().to_string(),
                section: defs[i].id.clone(),
            });
            s.texts.entry(defs[i].id.clone()).or_default();
            if fold(p) != fold(&defs[i].heading) {
                s.notes.push(note(
                    NoteKind::Recognised,
                    format!("标题“{}”识别为“{}”", p.trim(), defs[i].heading),
                    Some(Target::Section(defs[i].id.clone())),
                ));
            }
            continue;
        }
        let Some(ci) = current else {
            s.opening.push(p.trim().to_string());
            continue;
        };
        // Captions repeating a heading already passed (tables in an annex), and the annex zone.
        if defs[..=ci].iter().any(|d| is_caption_of(p, &d.heading)) {
            continue;
        }
        let t = p.trim();
        if t.starts_with("附件") && t.chars().count() <= 60 {
            annex_zone = true;
            continue;
        }
        if annex_zone {
            s.dropped.push((bi, "在附件中"));
            continue;
        }
        let key = sub.clone().unwrap_or_else(|| defs[ci].id.clone());
        s.texts.entry(key).or_default().push(t.to_string());
    }
    // The statistics-period and contact sentences placed at the end (as the seed does).
    if s.opening.is_empty()
        && let Some(last) = defs.last()
        && let Some(list) = s.texts.get_mut(&last.id)
    {
        while let Some(p) = list.last() {
            let closing = (p.starts_with("本报告") || p.starts_with("本年度报告") || p.starts_with("如对本"))
                && (p.contains("统计") || p.contains("联系") || p.contains("电话"));
            if !closing {
                break;
            }
            if let Some(p) = list.pop() {
                s.ending.insert(0, p);
            }
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The whole report
// ---------------------------------------------------------------------------------------------

/// Report templates to try, the year's own format first.
fn candidate_formats(opts: &ImportOptions, year: Option<i32>) -> Result<Vec<String>, ImportError> {
    if let Some(f) = &opts.format {
        let f = f.trim().to_lowercase();
        return match Template::get(&f) {
            Ok(t) if t.kind == TemplateKind::Report => Ok(vec![f]),
            _ => Err(ImportError::UnknownFormat(f)),
        };
    }
    let mut list: Vec<String> = Vec::new();
    if let Some(y) = year {
        list.push(Template::format_for_year(y).to_string());
    }
    for t in Template::of_kind(TemplateKind::Report) {
        if !list.contains(&t.id) {
            list.push(t.id);
        }
    }
    Ok(list)
}

fn annex_ids() -> Vec<String> {
    Template::of_kind(TemplateKind::Annex).into_iter().map(|t| t.id).collect()
}

/// The title: the first paragraph that reads like one, else the file's own title. What it takes
/// (and the page chrome before it) goes into `skip`; the chrome also into `before_title`.
fn find_title(
    doc: &Document,
    paras: &[(usize, &str)],
    skip: &mut HashSet<usize>,
    before_title: &mut Vec<usize>,
) -> Option<TitleInfo> {
    // Title: the first paragraph that reads like one, else the file's own title.
    let mut title_info = None;
    for (n, &(bi, p)) in paras.iter().enumerate().take(40) {
        if p.chars().count() > 90 || is_noise(p) {
            continue;
        }
        if let Some(mut info) = parse_title(p) {
            skip.insert(bi);
            // A title broken over two lines: the unit on the line before.
            if info.unit.is_empty() && n > 0 && name_like(paras[n - 1].1) && !is_noise(paras[n - 1].1) {
                info.unit = paras[n - 1].1.trim().to_string();
                info.pattern = TitlePattern::UnitYear;
                skip.insert(paras[n - 1].0);
            }
            // Everything before the title is page chrome.
            for &(bj, _) in &paras[..n] {
                if skip.insert(bj) {
                    before_title.push(bj);
                }
            }
            title_info = Some(info);
            break;
        }
    }
    if title_info.is_none() {
        title_info = doc.title.as_deref().and_then(|t| {
            // Page titles carry the site's name: 「…年度报告_某某市人民政府」.
            let t = t.split(['_', '|', '｜']).find(|part| part.contains("报告")).unwrap_or(t);
            parse_title(t)
        });
    }
    title_info
}

/// The 落款: the last short name-and-date (or date after a name line) near the end, else an
/// undated one (the unit's name as the title gives it, last). Returns the dated 落款, the block it
/// is at and the undated name; what it takes goes into `skip`.
#[allow(clippy::type_complexity)]
fn find_signature(
    paras: &[(usize, &str)],
    title_info: Option<&TitleInfo>,
    skip: &mut HashSet<usize>,
) -> (Option<(Date, String)>, Option<usize>, Option<String>) {
    // 落款: the last short name-and-date (or date after a name line) near the end.
    let mut signature: Option<(Date, String)> = None;
    let mut signature_at: Option<usize> = None;
    for (n, &(bi, p)) in paras.iter().enumerate().rev() {
        let Some((date, before)) = signature_date(p) else { continue };
        let mut name = before;
        let mut used = vec![bi];
        if name.is_empty() && n > 0 && name_like(paras[n - 1].1) && !is_noise(paras[n - 1].1) {
            name = paras[n - 1].1.trim().to_string();
            used.push(paras[n - 1].0);
        }
        if !name.is_empty() && !name_like(&name) {
            continue;
        }
        skip.extend(used);
        signature = Some((date, name));
        signature_at = Some(bi);
        break;
    }
    // A 落款 without its date (left for hand-writing): the last paragraph, when it is the unit's
    // name as the title gives it. Otherwise it would end section 六 as a line of text.
    let mut undated_signature: Option<String> = None;
    if signature.is_none()
        && let Some(t) = title_info
        && let Some(&(bi, p)) = paras.iter().rev().find(|(_, p)| !is_noise(p))
        && !t.unit.is_empty()
        && name_like(p)
        && fold(p) == fold(&t.unit)
    {
        skip.insert(bi);
        signature_at = Some(bi);
        undated_signature = Some(p.trim().to_string());
    }
    (signature, signature_at, undated_signature)
}

/// The format whose labels fit the document's tables best, with where its cells were found.
fn best_format(
    doc: &Document,
    opts: &ImportOptions,
    year: Option<i32>,
    annexes: &[String],
) -> Result<(String, Assignment), ImportError> {
    // Format: the candidate whose labels fit the tables best.
    let mut best: Option<(i64, String, std::sync::Arc<Form>, Assignment)> = None;
    for id in candidate_formats(opts, year)? {
        let form = Form::of(&id, annexes)?;
        let cat = Catalog::new(&form);
        let section_tables: Vec<(String, Vec<usize>)> = form
            .template
            .sections
            .iter()
            .map(|s| {
                (
                    s.heading.clone(),
                    s.tables.iter().filter_map(|t| form.tables.iter().position(|ft| &ft.def.id == t)).collect(),
                )
            })
            .collect();
        let a = assign(&cat, doc, &section_tables);
        let score = (a.matched * 4 + a.header_hits) as i64 - (a.unmatched * 3) as i64;
        if best.as_ref().is_none_or(|(s, ..)| score > *s) {
            best = Some((score, id, form, a));
        }
    }
    let Some((_, format, _, assignment)) = best else { return Err(ImportError::NoReport) };
    Ok((format, assignment))
}

/// The import report's lines for the tables: found / not found, cell by cell. Returns the tables
/// with input cells of which none was found.
fn table_notes(form: &Form, assigned: &HashSet<String>, summary: &mut Vec<ImportNote>) -> Vec<String> {
    // Tables: found / not found, cell by cell.
    let mut absent_tables = Vec::new();
    for t in &form.tables {
        if !t.def.printed {
            continue;
        }
        let inputs: Vec<CellIx> =
            t.cells.iter().copied().filter(|&c| form.cells[c].is_input() && !form.cells[c].ui_only).collect();
        let found: Vec<CellIx> = inputs.iter().copied().filter(|&c| assigned.contains(&form.cells[c].id)).collect();
        let first = inputs.first().map(|&c| Target::Cell(form.cells[c].id.clone()));
        if found.is_empty() {
            summary.push(note(NoteKind::NotFound, format!("未找到{}", t.def.name), first));
            if !inputs.is_empty() {
                absent_tables.push(t.def.id.clone());
            }
            continue;
        }
        summary.push(note(
            NoteKind::Recognised,
            format!("{}：识别{}个单元格中的{}个", t.def.name, inputs.len(), found.len()),
            first,
        ));
        let missing: Vec<CellIx> = inputs.iter().copied().filter(|c| !found.contains(c)).collect();
        const LIST: usize = 40;
        for &c in missing.iter().take(LIST) {
            summary.push(note(
                NoteKind::NotFound,
                format!("未找到{}，保持空白", form.cell_path(c)),
                Some(Target::Cell(form.cells[c].id.clone())),
            ));
        }
        if missing.len() > LIST {
            summary.push(note(NoteKind::NotFound, format!("……还有{}个单元格未找到", missing.len() - LIST), None));
        }
    }
    absent_tables
}

/// Recognises a report in a neutral document.
///
/// Long on purpose: the recognition steps in their order (format, tables, sections, unit, date, notes); each step is a call, the body carries the import report between them.
#[expect(clippy::too_many_lines, reason = "see the doc comment")]
pub fn recognize(doc: &Document, kind: SourceKind, opts: &ImportOptions) -> Result<Imported, ImportError> {
    let paras: Vec<(usize, &str)> = doc
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Para(p) => Some((i, p.as_str())),
            _ => None,
        })
        .collect();
    let mut notes = Vec::new();
    let mut skip: HashSet<usize> = HashSet::new();
    let mut before_title: Vec<usize> = Vec::new();

    let title_info = find_title(doc, &paras, &mut skip, &mut before_title);

    let (signature, signature_at, undated_signature) = find_signature(&paras, title_info.as_ref(), &mut skip);

    // Year: flag, title, the statistics period, the 落款 date.
    let all_text: String = paras.iter().map(|(_, p)| *p).collect::<Vec<_>>().join("\n");
    let period_year = PERIOD.captures(&all_text).and_then(|c| c["y"].parse::<i32>().ok());
    let year = opts
        .year
        .or(title_info.as_ref().and_then(|t| t.year))
        .or(period_year)
        .or(signature.as_ref().map(|(d, _)| d.year - 1));

    let annexes = annex_ids();
    let (format, assignment) = best_format(doc, opts, year, &annexes)?;

    // The annexes the document holds: those with several rows found.
    let full = Form::of(&format, &annexes)?;
    let kept_annexes: Vec<String> = annexes
        .iter()
        .filter(|a| {
            full.tables
                .iter()
                .enumerate()
                .any(|(t, ft)| &ft.template == *a && assignment.rows_per_table.get(&t).copied().unwrap_or(0) >= 3)
        })
        .cloned()
        .collect();
    let form = Form::of(&format, &kept_annexes)?;

    let sections = read_sections(&form, doc, kind, &skip, signature_at);
    let main_tables_found = assignment.tables_seen.iter().any(|&t| full.tables[t].template == format);
    if !main_tables_found && sections.found.is_empty() {
        return Err(ImportError::NoReport);
    }
    let Some(year) = year else { return Err(ImportError::NoYear) };
    if !YEARS.contains(&year) {
        return Err(ImportError::BadYear(year));
    }

    let mut report = Report::new(&format, year, "");
    report.annexes = kept_annexes.clone();
    let title_unit = title_info.as_ref().map(|t| t.unit.clone()).unwrap_or_default();
    if let Some(t) = &title_info {
        report.options.title_pattern = t.pattern;
    }
    report.unit.name = title_unit.clone();
    if let Some((date, name)) = &signature {
        report.signed_on = Some(*date);
        report.unit.signature = name.clone();
        if report.unit.name.is_empty() {
            report.unit.name = name.clone();
        }
    } else if let Some(name) = &undated_signature {
        report.unit.signature = name.clone();
    } else if !title_unit.is_empty() {
        report.unit.signature = title_unit.clone();
    }
    if let Some(u) = &opts.unit {
        report.unit.name = u.clone();
        if report.unit.signature.trim().is_empty() {
            report.unit.signature = u.clone();
        }
    }

    // Cells: the values found for this form (table indices are the same in `full` and `form`
    // for the main template, which comes first; annex tables follow in the same order).
    let mut published = BTreeMap::new();
    let mut assigned: HashSet<String> = HashSet::new();
    for (ix, v) in &assignment.values {
        let id = &full.cells[*ix].id;
        let Some(&fix) = form.index.get(id) else { continue };
        let cell = &form.cells[fix];
        assigned.insert(id.clone());
        if cell.is_input() {
            report.set_cell(id, &v.text);
        } else {
            // A total printed blank is kept too: the checks say it should not be.
            published.insert(id.clone(), v.text.clone());
        }
        if let Some(n) = &v.note {
            report.explanations.insert(cell_note_key(id), n.clone());
            notes.push(note(
                NoteKind::NoteKept,
                format!("{}：“{}（{}）”取数字{}，附注“{}”保留为说明", form.cell_path(fix), v.text, n, v.text, n),
                Some(Target::Cell(id.clone())),
            ));
        }
    }

    // Sections and the text around them.
    for (key, list) in &sections.texts {
        report.sections.insert(key.clone(), list.join("\n"));
    }
    let opening: Vec<String> = sections.opening.iter().filter(|p| !is_noise(p)).cloned().collect();
    if !opening.is_empty() {
        report.options.opening_text = Some(opening.join("\n"));
        report.options.opening = OpeningPlacement::Start;
    } else if !sections.ending.is_empty() {
        report.options.opening_text = Some(sections.ending.join("\n"));
        report.options.opening = OpeningPlacement::End;
    }
    let contact_text = [opening.join("\n"), sections.ending.join("\n"), all_text.clone()].join("\n");
    let grab = |re: &Regex| re.captures(&contact_text).and_then(|c| c.name("v")).map(|m| m.as_str().trim().to_string());
    report.unit.phone = grab(&PHONE).unwrap_or_default();
    report.unit.address = grab(&ADDRESS).unwrap_or_default();
    report.unit.postcode = grab(&POSTCODE).unwrap_or_default();
    report.unit.website = grab(&WEBSITE).unwrap_or_default();
    // Control characters: most are dropped as the text is read; what is left goes here. Either
    // way the import says so (as a draft's reader does).
    let controls = doc.removed_controls + crate::store::draft::sanitize(&mut report);
    if controls > 0 {
        notes.push(note(NoteKind::Ignored, format!("原文中有{controls}个不可见的控制字符，已删除"), None));
    }
    if doc.undecodable > 0 {
        notes.push(note(
            NoteKind::Ambiguous,
            format!("原文中有{}处字节无法按任何编码识别，已显示为“�”，请核对", doc.undecodable),
            None,
        ));
    }
    // Never produce a draft that cannot be saved: clip what exceeds the draft limits.
    clip_to_limits(&mut report, &mut notes);

    // The import report: summary first.
    let mut summary = vec![note(
        NoteKind::Recognised,
        format!(
            "{}：{}年度，{}（{}）{}",
            kind.label(),
            year,
            form.template.name,
            format,
            if report.unit.name.is_empty() { String::new() } else { format!("，{}", report.unit.name) }
        ),
        None,
    )];
    if title_info.as_ref().and_then(|t| t.year).is_none() && opts.year.is_none() {
        summary.push(note(NoteKind::Ambiguous, format!("标题中没有年度，按正文推断为{year}年度，请核对"), None));
    }
    match &signature {
        Some((d, name)) => summary.push(note(
            NoteKind::Recognised,
            format!("落款：{} {}", if name.is_empty() { "（无名称）" } else { name }, d.chinese()),
            Some(Target::Unit),
        )),
        None => {
            let text = match &undated_signature {
                Some(name) => format!("落款“{name}”没有日期（留待手写？），请在基本信息中填写落款日期"),
                None => "未找到落款日期".into(),
            };
            summary.push(note(NoteKind::NotFound, text, Some(Target::Unit)))
        }
    }
    if report.unit.name.is_empty() {
        summary.push(note(NoteKind::NotFound, "未找到机关全称（标题中的单位名称）".into(), Some(Target::Unit)));
    }
    for a in &kept_annexes {
        if let Ok(t) = Template::get(a) {
            summary.push(note(NoteKind::Recognised, format!("附表：{}", t.name), None));
        }
    }

    let absent_tables = table_notes(&form, &assigned, &mut summary);
    let mut absent_sections = Vec::new();
    for s in &form.template.sections {
        if !sections.found.contains(&s.id) {
            absent_sections.push(s.id.clone());
            summary.push(note(
                NoteKind::NotFound,
                format!("未找到正文“{}”", s.heading),
                Some(Target::Section(s.id.clone())),
            ));
        }
    }

    // Printed totals that disagree with their parts (kept, and checked by the rules).
    let values = Values::compute(&form, &report);
    for (id, text) in &published {
        let Some(&ix) = form.index.get(id) else { continue };
        let printed = crate::model::parse_cell(text, &form.cells[ix].kind, false);
        if let (Some(p), Some(v)) = (printed.num(), values.get(ix).num())
            && p != v
        {
            notes.push(note(
                NoteKind::Mismatch,
                format!("{}：印的是{}，各项之和为{}（已保留，检查时列为问题）", form.cell_path(ix), p, v),
                Some(Target::Cell(id.clone())),
            ));
        }
    }

    // Nothing silently dropped: the document's characters that went nowhere.
    let mut lost: Vec<(usize, &'static str)> = sections.dropped.clone();
    if kind != SourceKind::Html {
        lost.extend(
            before_title
                .iter()
                .filter(|&&bi| matches!(&doc.blocks[bi], Block::Para(p) if !is_noise(p)))
                .map(|&bi| (bi, "在标题之前")),
        );
    }
    for (bi, b) in doc.blocks.iter().enumerate() {
        if let Block::Table(_) = b
            && !assignment.tables_used.contains(&bi)
        {
            lost.push((bi, "所在表格不是本格式的表格"));
        }
    }
    lost.sort_unstable();
    if let Some(n) = lost_note(doc, &lost) {
        summary.push(n);
    }
    let mut all = summary;
    all.extend(sections.notes);
    all.extend(assignment.notes);
    all.extend(notes);
    Ok(Imported { report, published, notes: all, kind, absent_tables, absent_sections, headings: sections.headings })
}

/// The characters of a block that carry text (no white space, no bare figures of a table).
fn block_chars(b: &Block) -> (usize, String) {
    match b {
        Block::Para(p) => (p.chars().filter(|c| !c.is_whitespace()).count(), p.clone()),
        Block::Table(t) => {
            let texts: Vec<&str> =
                t.rows.iter().flatten().map(|c| c.text.as_str()).filter(|t| !t.trim().is_empty()).collect();
            (texts.iter().map(|t| t.chars().filter(|c| !c.is_whitespace()).count()).sum(), texts.join(" "))
        }
    }
}

/// The import report's line on what went nowhere: how many characters, and where each piece
/// starts and why (the first few).
fn lost_note(doc: &Document, lost: &[(usize, &'static str)]) -> Option<ImportNote> {
    let total: usize = lost.iter().map(|&(bi, _)| block_chars(&doc.blocks[bi]).0).sum();
    if total == 0 {
        return None;
    }
    const SHOWN: usize = 5;
    let mut parts: Vec<String> = lost
        .iter()
        .take(SHOWN)
        .map(|&(bi, why)| {
            let (n, text) = block_chars(&doc.blocks[bi]);
            let start: String = text.chars().take(16).collect();
            let more = if text.chars().count() > 16 { "…" } else { "" };
            format!("“{start}{more}”（{n}字，{why}）")
        })
        .collect();
    if lost.len() > SHOWN {
        parts.push(format!("……还有{}处", lost.len() - SHOWN));
    }
    Some(note(NoteKind::Ignored, format!("文件中有{total}个字符没有导入：{}", parts.join("；")), None))
}

/// Shortens texts that exceed what a draft may hold (a page of junk in one cell), saying so.
fn clip_to_limits(report: &mut Report, notes: &mut Vec<ImportNote>) {
    use crate::store::draft::{MAX_CELL_CHARS, MAX_SECTION_CHARS, MAX_SHORT_CHARS};
    let clip = |s: &mut String, limit: usize| -> bool {
        if s.chars().count() > limit {
            *s = s.chars().take(limit).collect();
            true
        } else {
            false
        }
    };
    for (k, v) in report.cells.iter_mut() {
        if clip(v, MAX_CELL_CHARS) {
            notes.push(note(NoteKind::Ambiguous, format!("{k}的内容过长，已截短"), Some(Target::Cell(k.clone()))));
        }
    }
    for (k, v) in report.sections.iter_mut() {
        if clip(v, MAX_SECTION_CHARS) {
            notes.push(note(NoteKind::Ambiguous, "正文过长，已截短".into(), Some(Target::Section(k.clone()))));
        }
    }
    for v in report.explanations.values_mut() {
        clip(v, MAX_SHORT_CHARS);
    }
    let u = &mut report.unit;
    for f in [&mut u.name, &mut u.signature, &mut u.phone, &mut u.address, &mut u.postcode, &mut u.website] {
        clip(f, 200);
    }
    if let Some(t) = &mut report.options.opening_text {
        clip(t, MAX_SHORT_CHARS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_labels_are_told_apart() {
        for v in ["0", "12", "+14", "-27", "1,234", "0.3万元", "22（其中修订16件）", "/", "—", "无", "", "5件"]
        {
            assert!(is_value_like(v), "{v}");
        }
        for l in ["1.属于国家秘密", "规章", "3.其他", "2019年", "（七）总计", "总计"] {
            assert!(!is_value_like(l), "{l}");
        }
    }

    #[test]
    fn a_number_with_a_note_keeps_both() {
        assert_eq!(split_value("22（其中修订16件）", &CellKind::Count), ("22".into(), Some("其中修订16件".into())));
        assert_eq!(split_value("5 件", &CellKind::Count), ("5".into(), None));
        assert_eq!(split_value("0.3万元", &CellKind::Money { unit: Some("万元".into()) }), ("0.3万元".into(), None));
        assert_eq!(split_value("—", &CellKind::Count), ("—".into(), None));
    }

    #[test]
    fn titles_in_every_published_pattern() {
        let t = parse_title("兴义市应急管理局2019年度政府信息公开工作年度报告").unwrap();
        assert_eq!((t.year, t.unit.as_str(), t.pattern), (Some(2019), "兴义市应急管理局", TitlePattern::UnitYearDu));
        let t = parse_title("2022年上海市人民政府参事室政府信息公开工作年度报告").unwrap();
        assert_eq!((t.year, t.unit.as_str(), t.pattern), (Some(2022), "上海市人民政府参事室", TitlePattern::YearUnit));
        let t = parse_title("旺苍县商务局 2021 年政府信息公开工作年度报告").unwrap();
        assert_eq!((t.year, t.unit.as_str()), (Some(2021), "旺苍县商务局"));
        assert!(parse_title("关于做好2023年政务公开工作的通知").is_none());
    }

    #[test]
    fn page_furniture_is_noise() {
        for p in [
            "— 4 —",
            "- 12 -",
            "第 3 页 共 9 页",
            "发布时间: 2020-01-20 字体:[]",
            "首页 > 政务公开 > 年度报告",
            "政务公开 » 法定主动公开内容 » 政府信息公开年报",
            "【打印】【关闭】",
        ] {
            assert!(is_noise(p), "{p}");
        }
        for p in [
            "一、总体情况",
            "无。",
            "2019年,兴义市应急局政府信息公开各项工作有序开展。",
            // Two `>` in a sentence are not a breadcrumb (the export round trip lost this).
            "第二段，含<b>标记</b>与&符号。",
            "增幅＞5%的有3项，＞10%的有1项。",
        ] {
            assert!(!is_noise(p), "{p}");
        }
    }

    #[test]
    fn headings_in_published_variants() {
        let h = "五、存在的主要问题及改进情况";
        assert!(heading_score("五、存在的主要问题及改进情况", h).is_some());
        assert!(heading_score("(五)存在的主要问题及改进情况", h).is_some());
        assert!(heading_score("、信息公开工作存在的主要问题及改进措施", h).is_some());
        assert!(heading_score("5.存在的主要问题及改进情况", h).is_some());
        assert!(heading_score("存在的主要问题及改进情况。我局将……", h).is_none());
        assert!(heading_score("、信息公开工作中创新方式方法及举措情况", h).is_none());
        assert!(heading_score("一、总体工作情况", "一、总体情况").is_some());
    }

    #[test]
    fn a_subheading_with_its_text_on_the_same_line_is_split() {
        assert_eq!(subheading_rest("（一）主动公开", "（一）主动公开").as_deref(), Some(""));
        assert_eq!(
            subheading_rest("（一）主动公开。2023年，我局主动公开信息120条。", "（一）主动公开").as_deref(),
            Some("2023年，我局主动公开信息120条。")
        );
        assert_eq!(
            subheading_rest("1.主动公开情况：全年公开120条。", "（一）主动公开").as_deref(),
            Some("全年公开120条。")
        );
        assert_eq!(subheading_rest("主动公开信息120条。", "（一）主动公开"), None);
    }
}
