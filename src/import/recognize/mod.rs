//! From a neutral document to a report: which format, which year and unit, which table row
//! is which, where each section starts — everything decided from the template's own labels
//! and headings, so a new format is a new template, not new code here.

mod tables;
mod text;

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use self::tables::*;
pub use self::text::is_noise;
pub(crate) use self::text::parse_title;
use self::text::*;
use super::doc::{Block, Document};
use super::{ImportError, ImportNote, ImportOptions, Imported, NoteKind, SourceKind, Target, cell_note_key};
use crate::model::form::{CellIx, Form};
use crate::model::labels::fold;
use crate::model::report::{Date, OpeningPlacement, TitlePattern, YEARS};
use crate::model::template::{Template, TemplateKind};
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
