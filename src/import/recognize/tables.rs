//! Tables: what the template says a document holds (its rows' labels, a catalog to match them),
//! and which table row of the document is which, with its values put in the report's cells.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::*;
use crate::import::doc::{Block, Document, GridCell};
use crate::import::{ImportNote, NoteKind, Target};
use crate::model::form::{CellIx, Form};
use crate::model::labels::{self, Found, Matcher, fold, similarity};
use crate::model::template::Role;
use crate::model::value::CellKind;

/// One data row of a template table and its cells in column order.
#[derive(Debug, Clone)]
pub(super) struct RowEntry {
    pub(super) table: usize,
    pub(super) label: String,
    pub(super) cells: Vec<CellIx>,
}

/// The labels of a form, ready for lookup.
pub(super) struct Catalog<'f> {
    pub(super) form: &'f Form,
    pub(super) rows: Vec<RowEntry>,
    pub(super) row_matcher: Matcher<usize>,
    /// Merged group labels (`（六）其他处理`) → the rows under them.
    pub(super) groups: Matcher<String>,
    pub(super) group_rows: HashMap<String, Vec<usize>>,
    /// Printed rows without a row label (表四's one data row): table and cells.
    pub(super) unlabelled: Vec<(usize, Vec<CellIx>)>,
    /// Per table: its header and caption words, folded.
    pub(super) heads: Vec<HashSet<String>>,
    /// Column labels of all tables, folded (evidence for the format).
    pub(super) col_labels: HashSet<String>,
}

impl<'f> Catalog<'f> {
    pub(super) fn new(form: &'f Form) -> Catalog<'f> {
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
    pub(super) fn table_of_heads(&self, words: &[String]) -> Option<usize> {
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
pub(super) struct Found1 {
    pub(super) text: String,
    pub(super) note: Option<String>,
}

/// What the table rows of a document gave for one form.
pub(super) struct Assignment {
    pub(super) values: BTreeMap<CellIx, Found1>,
    pub(super) notes: Vec<ImportNote>,
    /// Rows matched, for choosing the format.
    pub(super) matched: usize,
    /// Rows with numbers that matched nothing.
    pub(super) unmatched: usize,
    /// Header words that are column labels of this form.
    pub(super) header_hits: usize,
    /// Tables (form indices) that had at least one row.
    pub(super) tables_seen: HashSet<usize>,
    /// Rows matched per table.
    pub(super) rows_per_table: HashMap<usize, usize>,
    /// Document tables (block indices) any of whose rows was taken or that named a table.
    pub(super) tables_used: HashSet<usize>,
}

pub(super) fn is_numeric(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    VALUE.is_match(&t)
}

pub(super) fn assign(cat: &Catalog, doc: &Document, section_tables: &[(String, Vec<usize>)]) -> Assignment {
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
pub(super) fn assign_row(
    cat: &Catalog,
    cells: &[GridCell],
    context: &mut Option<usize>,
    a: &mut Assignment,
    form: &Form,
) {
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
pub(super) fn prefer_context(cat: &Catalog, found: Found<usize>, context: Option<usize>, _label: &str) -> Found<usize> {
    match (found, context) {
        (Found::Ambiguous(list), Some(t)) => {
            let here: Vec<usize> = list.iter().copied().filter(|&r| cat.rows[r].table == t).collect();
            if here.len() == 1 { Found::Close(here[0], 0.0) } else { Found::Ambiguous(list) }
        }
        (f, _) => f,
    }
}

/// Puts a row's values into its cells, saying where the count does not fit.
pub(super) fn put_values(form: &Form, target: &[CellIx], values: &[&GridCell], a: &mut Assignment, label: &str) {
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

pub(super) fn note(kind: NoteKind, message: String, target: Option<Target>) -> ImportNote {
    ImportNote { kind, message, target }
}
