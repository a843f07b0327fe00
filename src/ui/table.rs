//! The grid widget: a table drawn from its template layout (merged headers included), input
//! cells that behave like a spreadsheet, live totals, and findings as tints and tooltips.

use egui::{
    Align2, Color32, EventFilter, FontId, Id, Key, Modifiers, Rect, Sense, Stroke, StrokeKind, TextEdit, Ui, vec2,
};

use super::doc::{Document, Field};
use crate::model::form::{CellIx, FormTable, GridContent, TableLayout};
use crate::model::template::Role;
use crate::model::{CellValue, Severity};

/// Editing state of the grid, kept across frames (not part of the document).
#[derive(Debug, Default)]
pub struct GridState {
    /// The input cell that had keyboard focus in the last frame.
    pub focused: Option<CellIx>,
    /// `false`: the cell is selected and typing replaces it, arrows move between cells (Excel's
    /// ready mode). `true`: typing edits in place and ←/→ move the caret (after typing or F2).
    pub edit_mode: bool,
    /// The cell's text when it was entered, restored by Escape.
    pub origin: Option<String>,
    /// Focus this cell next frame (and select its text).
    pub pending_focus: Option<CellIx>,
    /// Scroll this cell into view when it is drawn.
    pub scroll_to: Option<CellIx>,
    /// Show last year's value in each cell.
    pub show_prev: bool,
    /// The result of the last paste, for the status line.
    pub paste_report: Option<PasteReport>,
    /// The other corner of a block selection (Shift+arrows, Shift+click, drag); the focused
    /// cell is the first corner. `None`: just the focused cell.
    pub anchor: Option<CellIx>,
    /// The cell a drag across cells started on.
    drag_from: Option<CellIx>,
    /// The focused cell when the frame began.
    prev_focus: Option<CellIx>,
    /// The focused cell when the mouse button went down (a Shift+click extends from it: the
    /// press already moved the focus by the time the click is reported).
    press_focus: Option<CellIx>,
    /// What the last copy, cut or clear did, for the status line.
    pub block_report: Option<String>,
    /// Tab or Shift+Tab left the table at its last or first cell (`true`: forward): the keyboard
    /// goes on to the next widget of the page ([`super::focus::Panes::handle_tab`]).
    pub leaving: Option<bool>,
    /// Each table's laid-out columns and rows, and what they were computed for.
    geometry: std::collections::HashMap<usize, (GeometryKey, Geometry)>,
}

/// Where a data cell sits in a table's on-screen grid.
fn screen_pos(table: &FormTable, ix: CellIx) -> Option<(usize, usize)> {
    table.screen.cells.iter().find_map(|c| match c.content {
        GridContent::Data(d) if d == ix => Some((c.row, c.col)),
        _ => None,
    })
}

/// The data cells of the block between two corners, by screen row, left to right.
pub fn block(table: &FormTable, a: CellIx, b: CellIx) -> Vec<Vec<CellIx>> {
    let (Some((r1, c1)), Some((r2, c2))) = (screen_pos(table, a), screen_pos(table, b)) else { return Vec::new() };
    let (rows, cols) = (r1.min(r2)..=r1.max(r2), c1.min(c2)..=c1.max(c2));
    let mut out: Vec<(usize, Vec<(usize, CellIx)>)> = Vec::new();
    for c in &table.screen.cells {
        let GridContent::Data(ix) = c.content else { continue };
        // A merged data cell counts when any column it covers is in the block.
        let covers = (c.col..c.col + c.cols).any(|x| cols.contains(&x));
        if !rows.contains(&c.row) || !covers {
            continue;
        }
        match out.iter_mut().find(|(r, _)| *r == c.row) {
            Some((_, cells)) => cells.push((c.col, ix)),
            None => out.push((c.row, vec![(c.col, ix)])),
        }
    }
    out.sort_by_key(|(r, _)| *r);
    out.into_iter()
        .map(|(_, mut cells)| {
            cells.sort_by_key(|(c, _)| *c);
            cells.into_iter().map(|(_, ix)| ix).collect()
        })
        .collect()
}

impl GridState {
    /// The selected block (`None` when only one cell is selected).
    pub fn selection(&self, doc: &Document) -> Option<Vec<Vec<CellIx>>> {
        let (Some(f), Some(a)) = (self.focused.or(self.pending_focus), self.anchor) else { return None };
        let table = doc.form.cells[f].table;
        if f == a || doc.form.cells[a].table != table {
            return None;
        }
        Some(block(&doc.form.tables[table], f, a))
    }
}

/// A block as tab-separated text, as Excel and WPS put it on the clipboard: inputs as typed,
/// totals as computed. The window's 小计 rows are left out, so the block pastes back into the
/// printed table (and into Excel) row for row.
pub fn block_text(doc: &Document, block: &[Vec<CellIx>]) -> String {
    let eol = if cfg!(windows) { "\r\n" } else { "\n" };
    let mut out = String::new();
    for row in block.iter().filter(|r| r.first().is_none_or(|&c| !doc.form.cells[c].ui_only)) {
        let cells: Vec<String> = row
            .iter()
            .map(|&ix| {
                let c = &doc.form.cells[ix];
                if c.is_input() {
                    doc.report.cell_text(&c.id).to_string()
                } else {
                    doc.values.get(ix).num().map(|n| n.to_string()).unwrap_or_default()
                }
            })
            .collect();
        out.push_str(&cells.join("\t"));
        out.push_str(eol);
    }
    out
}

/// Empties the input cells of a block, as one undo step; returns how many held something.
pub fn clear_block(doc: &mut Document, block: &[Vec<CellIx>]) -> usize {
    let changes: Vec<(Field, String)> = block
        .iter()
        .flatten()
        .filter(|&&ix| doc.form.cells[ix].is_input() && !doc.report.cell_text(&doc.form.cells[ix].id).is_empty())
        .map(|&ix| (Field::Cell(doc.form.cells[ix].id.clone()), String::new()))
        .collect();
    let n = changes.len();
    doc.set_many(changes);
    n
}

/// The egui id of an input cell's text field.
pub fn cell_widget_id(ix: CellIx) -> Id {
    Id::unique(("nianbao-cell", ix))
}

const ERROR_FILL: Color32 = Color32::from_rgb(255, 210, 210);
const WARN_FILL: Color32 = Color32::from_rgb(255, 233, 168);
const INFO_FILL: Color32 = Color32::from_rgb(212, 229, 255);
const EXPLAINED_FILL: Color32 = Color32::from_rgb(226, 240, 228);
const HEAD_FILL: Color32 = Color32::from_rgb(236, 239, 243);
const COMPUTED_FILL: Color32 = Color32::from_rgb(244, 245, 248);
const GRID_LINE: Color32 = Color32::from_rgb(150, 156, 165);
pub const FOCUS_LINE: Color32 = Color32::from_rgb(30, 100, 220);
const SELECTION_FILL: Color32 = Color32::from_rgb(190, 215, 250);

pub fn severity_fill(sev: Severity, explained: bool) -> Color32 {
    match (sev, explained) {
        (Severity::E, _) => ERROR_FILL,
        (_, true) => EXPLAINED_FILL,
        (Severity::W, false) => WARN_FILL,
        (Severity::I, false) => INFO_FILL,
    }
}

pub fn severity_color(sev: Severity) -> Color32 {
    match sev {
        Severity::E => Color32::from_rgb(190, 30, 30),
        Severity::W => Color32::from_rgb(170, 110, 0),
        Severity::I => Color32::from_rgb(30, 90, 180),
    }
}

// ---------------------------------------------------------------------------------------------
// Navigation (pure: positions in the on-screen layout)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Next,
    Prev,
    Up,
    Down,
    Left,
    Right,
}

/// Input cells of a table in reading order, with their grid positions.
pub fn input_positions(doc: &Document, table: &FormTable) -> Vec<(CellIx, usize, usize)> {
    table
        .screen
        .cells
        .iter()
        .filter_map(|c| match c.content {
            GridContent::Data(ix) if doc.form.cells[ix].is_input() => Some((ix, c.row, c.col)),
            _ => None,
        })
        .collect()
}

/// The input cell a move lands on, if any.
pub fn navigate(doc: &Document, table: &FormTable, from: CellIx, mv: Move) -> Option<CellIx> {
    let cells = input_positions(doc, table);
    let i = cells.iter().position(|(ix, _, _)| *ix == from)?;
    let (_, row, col) = cells[i];
    match mv {
        Move::Next => cells.get(i + 1).map(|c| c.0),
        Move::Prev => i.checked_sub(1).map(|j| cells[j].0),
        Move::Right => cells.get(i + 1).filter(|c| c.1 == row).map(|c| c.0),
        Move::Left => i.checked_sub(1).map(|j| cells[j]).filter(|c| c.1 == row).map(|c| c.0),
        Move::Down => {
            let below = cells.iter().filter(|c| c.1 > row).map(|c| c.1).min()?;
            nearest_in_row(&cells, below, col)
        }
        Move::Up => {
            let above = cells.iter().filter(|c| c.1 < row).map(|c| c.1).max()?;
            nearest_in_row(&cells, above, col)
        }
    }
}

/// The data cell (input or computed) a move lands on: how a block selection grows.
pub fn navigate_any(table: &FormTable, from: CellIx, mv: Move) -> Option<CellIx> {
    // (cell, row, col) of every data cell.
    let cells: Vec<(CellIx, usize, usize)> = table
        .screen
        .cells
        .iter()
        .filter_map(|c| match c.content {
            GridContent::Data(ix) => Some((ix, c.row, c.col)),
            GridContent::Fixed { .. } => None,
        })
        .collect();
    let &(_, row, col) = cells.iter().find(|c| c.0 == from)?;
    let found = match mv {
        Move::Right | Move::Next => cells.iter().filter(|c| c.1 == row && c.2 > col).min_by_key(|c| c.2),
        Move::Left | Move::Prev => cells.iter().filter(|c| c.1 == row && c.2 < col).max_by_key(|c| c.2),
        Move::Down => cells.iter().filter(|c| c.1 > row).min_by_key(|c| (c.1, c.2.abs_diff(col))),
        Move::Up => cells.iter().filter(|c| c.1 < row).min_by_key(|c| (row - c.1, c.2.abs_diff(col))),
    };
    found.map(|c| c.0)
}

fn nearest_in_row(cells: &[(CellIx, usize, usize)], row: usize, col: usize) -> Option<CellIx> {
    cells.iter().filter(|c| c.1 == row).min_by_key(|c| c.2.abs_diff(col)).map(|c| c.0)
}

/// Where each value of a pasted block goes: rows and columns of the printed table (subtotals
/// are not in a spreadsheet copy), starting at `from`. Returns (cell or `None` when outside the
/// table, value).
pub fn paste_targets(table: &FormTable, from: CellIx, block: &str) -> Vec<(Option<CellIx>, String)> {
    let layout = &table.print;
    let mut rows: Vec<Vec<CellIx>> = Vec::new();
    for r in 0..layout.rows {
        let cells: Vec<CellIx> = layout
            .row_cells(r)
            .filter_map(|c| match c.content {
                GridContent::Data(ix) => Some(ix),
                GridContent::Fixed { .. } => None,
            })
            .collect();
        if !cells.is_empty() {
            rows.push(cells);
        }
    }
    let Some((r0, c0)) =
        rows.iter().enumerate().find_map(|(r, cells)| cells.iter().position(|&ix| ix == from).map(|c| (r, c)))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (dr, line) in parse_block(block).into_iter().enumerate() {
        for (dc, value) in line.into_iter().enumerate() {
            let target = rows.get(r0 + dr).and_then(|row| row.get(c0 + dc)).copied();
            out.push((target, value));
        }
    }
    out
}

/// Splits tab-separated text as Excel and WPS put it on the clipboard: rows by line breaks
/// (CRLF or LF, a final one ignored), cells by tabs, quoted cells unquoted.
pub fn parse_block(text: &str) -> Vec<Vec<String>> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.strip_suffix('\n').unwrap_or(&text);
    text.split('\n')
        .map(|line| {
            line.split('\t')
                .map(|v| {
                    let v = v.trim();
                    match v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                        Some(inner) => inner.replace("\"\"", "\""),
                        None => v.to_string(),
                    }
                })
                .collect()
        })
        .collect()
}

/// What a paste did: how many cells it filled, and every value that did not parse, fell on a
/// computed cell with another value, or fell outside the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasteReport {
    pub filled: usize,
    pub problems: Vec<String>,
}

impl std::fmt::Display for PasteReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "已粘贴{}个单元格", self.filled)?;
        if !self.problems.is_empty() {
            write!(f, "；请注意：{}", self.problems.join("；"))?;
        }
        Ok(())
    }
}

/// Applies a pasted block at `from` as one undo step, and says what happened.
pub fn paste(doc: &mut Document, table_ix: usize, from: CellIx, block: &str) -> PasteReport {
    let table = &doc.form.tables[table_ix];
    let targets = paste_targets(table, from, block);
    let mut changes = Vec::new();
    let mut problems = Vec::new();
    let mut on_totals = Vec::new();
    let mut outside = 0;
    for (target, value) in targets {
        let Some(ix) = target else {
            if !value.is_empty() {
                outside += 1;
            }
            continue;
        };
        let cell = &doc.form.cells[ix];
        if cell.is_input() {
            if let CellValue::Invalid(e) = crate::model::parse_cell(&value, &cell.kind, cell.allow_na) {
                problems.push(format!("{}：{}", doc.form.cell_path(ix), e));
            }
            changes.push((Field::Cell(cell.id.clone()), value));
        } else if !value.is_empty() {
            on_totals.push((ix, value));
        }
    }
    let filled = changes.len();
    doc.set_many(changes);
    // A total copied along with its parts is fine when it agrees with them after the paste.
    for (ix, value) in on_totals {
        let cell = &doc.form.cells[ix];
        let pasted = crate::model::parse_cell(&value, &cell.kind, false);
        if pasted.num().is_none() || pasted.num() != doc.values.get(ix).num() {
            let computed = doc.values.get(ix).num().map(|n| n.to_string()).unwrap_or_default();
            problems.push(format!("{}是自动计算的（{computed}），粘贴的“{value}”未采用", doc.form.cell_path(ix)));
        }
    }
    if outside > 0 {
        problems.push(format!("{outside}个值超出表格范围，未粘贴"));
    }
    PasteReport { filled, problems }
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

/// Spreadsheet keys for the focused cell. Runs before the widgets so they never see these keys.
/// Returns true when it handled something.
pub fn handle_keys(ui: &mut Ui, doc: &mut Document, grid: &mut GridState) -> bool {
    grid.prev_focus = grid.focused;
    let Some(ix) = grid.focused else { return false };
    if !ui.memory(|m| m.has_focus(cell_widget_id(ix))) {
        grid.focused = None;
        grid.anchor = None;
        return false;
    }
    let table_ix = doc.form.cells[ix].table;

    // A selected block: Ctrl+C / Ctrl+X put it on the clipboard as Excel does, Delete clears it.
    if let Some(sel) = grid.selection(doc) {
        let (copy, cut) = ui.input_mut(|i| {
            let copy = i.events.iter().position(|e| matches!(e, egui::Event::Copy));
            let cut = i.events.iter().position(|e| matches!(e, egui::Event::Cut));
            for p in [copy, cut].into_iter().flatten().rev() {
                i.events.remove(p);
            }
            (copy.is_some(), cut.is_some())
        });
        if copy || cut {
            ui.ctx().copy_text(block_text(doc, &sel));
            let n: usize = sel.iter().map(Vec::len).sum();
            grid.block_report = Some(if cut {
                let cleared = clear_block(doc, &sel);
                format!("已剪切{n}个单元格（清空{cleared}个）")
            } else {
                format!("已复制{n}个单元格，可粘贴到Excel/WPS")
            });
            return true;
        }
        if ui.input_mut(|i| {
            i.consume_key(Modifiers::NONE, Key::Delete) || i.consume_key(Modifiers::NONE, Key::Backspace)
        }) {
            let cleared = clear_block(doc, &sel);
            grid.block_report = Some(format!("已清空{cleared}个单元格（可撤销）"));
            return true;
        }
    }

    // A pasted block (tab- or line-separated) fills the grid; a single value goes to the cell.
    let block = ui.input_mut(|i| {
        let pos = i.events.iter().position(|e| matches!(e, egui::Event::Paste(s) if is_block(s)))?;
        match i.events.remove(pos) {
            egui::Event::Paste(s) => Some(s),
            _ => None,
        }
    });
    if let Some(block) = block {
        grid.paste_report = Some(paste(doc, table_ix, ix, &block));
        grid.edit_mode = false;
        select_all(ui, ix, doc.report.cell_text(&doc.form.cells[ix].id));
        return true;
    }

    // The first moving key of the frame, with the modifiers it was pressed with: when keys come
    // fast (a quick typist, a stalled frame, xdotool) the frame's own modifier state may already
    // say Shift is up again.
    let pressed = ui.input(|i| {
        i.events.iter().find_map(|e| match e {
            egui::Event::Key { key, pressed: true, modifiers, .. }
                if matches!(
                    key,
                    Key::Tab | Key::Enter | Key::ArrowUp | Key::ArrowDown | Key::ArrowLeft | Key::ArrowRight
                ) && !modifiers.command
                    && !modifiers.ctrl
                    && !modifiers.alt =>
            {
                Some((*key, *modifiers))
            }
            _ => None,
        })
    });
    let Some((key, modifiers)) = pressed else { return other_keys(ui, doc, grid, ix) };
    let shift = modifiers.shift;
    let arrow = |k: Key| match k {
        Key::ArrowUp => Some(Move::Up),
        Key::ArrowDown => Some(Move::Down),
        Key::ArrowLeft => Some(Move::Left),
        Key::ArrowRight => Some(Move::Right),
        _ => None,
    };
    // Shift+arrows extend the block from the focused cell.
    if shift
        && !grid.edit_mode
        && let Some(mv) = arrow(key)
    {
        ui.input_mut(|i| i.consume_key(modifiers, key));
        let table = &doc.form.tables[table_ix];
        let corner = grid.anchor.unwrap_or(ix);
        if let Some(next) = navigate_any(table, corner, mv) {
            grid.anchor = Some(next);
        }
        return true;
    }
    let mv = match key {
        Key::Tab => Some(if shift { Move::Prev } else { Move::Next }),
        Key::Enter => Some(if shift { Move::Up } else { Move::Down }),
        Key::ArrowUp | Key::ArrowDown if !shift => arrow(key),
        // While editing, ←/→ move the caret.
        Key::ArrowLeft | Key::ArrowRight if !shift && !grid.edit_mode => arrow(key),
        _ => None,
    };
    if let Some(mv) = mv {
        ui.input_mut(|i| i.consume_key(modifiers, key));
        let table = &doc.form.tables[table_ix];
        let target = navigate(doc, table, ix, mv).or_else(|| {
            // Enter at the bottom of a column goes on in reading order.
            if mv == Move::Down && key == Key::Enter { navigate(doc, table, ix, Move::Next) } else { None }
        });
        doc.break_undo_group();
        grid.anchor = None;
        match target {
            Some(t) => focus_cell(grid, t),
            // Leaving the table: the keyboard goes on to the next widget of the page.
            None if matches!(mv, Move::Next | Move::Prev) => grid.leaving = Some(mv == Move::Next),
            None => {}
        }
        return true;
    }
    other_keys(ui, doc, grid, ix)
}

/// F2 and Escape on the focused cell. Escape cancels the edit (the old text comes back) or the
/// block selection, and the cell keeps the keyboard, as in Excel.
fn other_keys(ui: &mut Ui, doc: &mut Document, grid: &mut GridState, ix: CellIx) -> bool {
    if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F2)) {
        grid.edit_mode = true;
        let text = doc.report.cell_text(&doc.form.cells[ix].id).to_string();
        let mut st = egui::text_edit::TextEditState::load(ui.ctx(), cell_widget_id(ix)).unwrap_or_default();
        let end = egui::text::CCursor::new(text.chars().count());
        st.cursor.set_char_range(Some(egui::text::CCursorRange::one(end)));
        st.store(ui.ctx(), cell_widget_id(ix));
        return true;
    }
    if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
        if grid.edit_mode
            && let Some(origin) = grid.origin.clone()
        {
            doc.set(Field::Cell(doc.form.cells[ix].id.clone()), origin.clone());
            doc.break_undo_group();
            grid.edit_mode = false;
            select_all(ui, ix, &origin);
        } else {
            grid.anchor = None;
        }
        return true;
    }
    false
}

fn is_block(s: &str) -> bool {
    let t = s.trim_end_matches(['\r', '\n']);
    t.contains('\t') || t.contains('\n')
}

/// Gives the pending cell the keyboard with its text selected (typing replaces it); whether
/// there was one.
fn apply_pending_focus(ui: &Ui, doc: &Document, grid: &mut GridState) -> bool {
    let Some(ix) = grid.pending_focus.take() else {
        return false;
    };
    ui.memory_mut(|m| m.request_focus(cell_widget_id(ix)));
    let text = doc.report.cell_text(&doc.form.cells[ix].id).to_string();
    select_all(ui, ix, &text);
    grid.origin = Some(text);
    grid.edit_mode = false;
    grid.focused = Some(ix);
    true
}

/// Asks for `ix` to get focus next frame with its text selected (typing replaces it).
pub fn focus_cell(grid: &mut GridState, ix: CellIx) {
    grid.pending_focus = Some(ix);
    grid.scroll_to = Some(ix);
}

fn select_all(ui: &Ui, ix: CellIx, text: &str) {
    let id = cell_widget_id(ix);
    let mut st = egui::text_edit::TextEditState::load(ui.ctx(), id).unwrap_or_default();
    st.cursor.set_char_range(Some(egui::text::CCursorRange::select_all_str(text)));
    st.store(ui.ctx(), id);
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Geometry {
    xs: Vec<f32>,
    ys: Vec<f32>,
}

impl Geometry {
    fn rect(&self, origin: egui::Pos2, row: usize, col: usize, rows: usize, cols: usize) -> Rect {
        Rect::from_min_max(
            origin + vec2(self.xs[col], self.ys[row]),
            origin + vec2(self.xs[col + cols], self.ys[row + rows]),
        )
    }
}

const PAD: f32 = 4.0;
const ROW_H: f32 = 28.0;

fn font_for(role: &Role, body: f32) -> FontId {
    match role {
        Role::Note => FontId::proportional(body - 3.0),
        _ => FontId::proportional(body),
    }
}

/// What a table's geometry depends on: recomputed only when one of these changes, so a keystroke
/// or an idle frame does not lay out every header again (software rendering, slow PCs).
#[derive(Debug, Clone, Copy, PartialEq)]
struct GeometryKey {
    available: f32,
    body: f32,
    pixels_per_point: f32,
    /// Digits the widest number of the table needs (at least 4).
    digits: usize,
}

/// The longest text in a table's data cells, in characters (what its number columns must fit).
fn widest_value(doc: &Document, table: &FormTable) -> usize {
    table
        .cells
        .iter()
        .map(|&ix| {
            let c = &doc.form.cells[ix];
            if c.is_input() {
                doc.report.cell_text(&c.id).chars().count()
            } else {
                doc.values.get(ix).num().map(|n| n.to_string().len()).unwrap_or(0)
            }
        })
        .max()
        .unwrap_or(0)
}

fn cached_geometry(ui: &Ui, grid: &mut GridState, table_ix: usize, table: &FormTable, key: GeometryKey) -> Geometry {
    if let Some((k, g)) = grid.geometry.get(&table_ix)
        && *k == key
    {
        return g.clone();
    }
    let g = layout_geometry(ui, table, &table.screen, key.available, key.body, key.digits);
    grid.geometry.insert(table_ix, (key, g.clone()));
    g
}

fn layout_geometry(
    ui: &Ui,
    table: &FormTable,
    layout: &TableLayout,
    available: f32,
    body: f32,
    digits: usize,
) -> Geometry {
    let n = table.def.grid_columns;
    let mut is_data = vec![false; n];
    for c in &layout.cells {
        if let GridContent::Data(_) = c.content {
            for d in is_data.iter_mut().skip(c.col).take(c.cols) {
                *d = true;
            }
        }
    }
    // Number columns as wide as the widest number needs (4 digits at least), so a wide table
    // such as 表四 fits a 1366-pixel screen when its figures are small.
    let sample = "0".repeat(digits);
    let digits = ui.fonts_mut(|f| f.layout_no_wrap(sample, FontId::proportional(body), Color32::BLACK));
    let min_data = digits.size().x + 2.0 * PAD;
    let min_label = body * 2.0 + 2.0 * PAD;
    // Data columns: their share of the width, at least 6 digits, at most a comfortable width.
    // Label columns share what is left by weight, down to a minimum; then the table scrolls.
    let weights = &table.def.col_widths;
    let total: f32 = weights.iter().sum::<f32>().max(1.0);
    let data_cap = min_data * 1.6;
    let mut widths: Vec<f32> = weights
        .iter()
        .zip(&is_data)
        .map(|(w, d)| if *d { (available * w / total).clamp(min_data, data_cap) } else { 0.0 })
        .collect();
    let data_sum: f32 = widths.iter().sum();
    let label_weight: f32 = weights.iter().zip(&is_data).filter(|(_, d)| !**d).map(|(w, _)| *w).sum();
    if label_weight > 0.0 {
        let left = (available - data_sum).max(0.0);
        for ((w, d), wt) in widths.iter_mut().zip(&is_data).zip(weights) {
            if !*d {
                *w = (left * wt / label_weight).max(min_label);
            }
        }
    }
    let mut xs = vec![0.0];
    for w in &widths {
        xs.push(xs.last().copied().unwrap_or(0.0) + w);
    }

    let heights = layout.fit_row_heights(ROW_H, |_, c| {
        let GridContent::Fixed { role, text, indent } = &c.content else { return None };
        let width = xs[c.col + c.cols] - xs[c.col] - 2.0 * PAD - f32::from(*indent) * body / 2.0;
        let galley = ui.fonts_mut(|f| f.layout(text.clone(), font_for(role, body), Color32::BLACK, width.max(8.0)));
        Some(galley.size().y + 2.0 * PAD + 2.0)
    });
    let mut ys = vec![0.0];
    for h in &heights {
        ys.push(ys.last().copied().unwrap_or(0.0) + h);
    }
    Geometry { xs, ys }
}

/// Draws one table and its input cells; edits go into `doc` (one undo step per typing group).
/// `width` is the width to fit (the table scrolls sideways when its columns need more).
///
/// Long on purpose: one table drawn cell by cell with its keyboard handling; the grid geometry, focus and edit state are shared across the cells.
#[expect(clippy::too_many_lines, reason = "see the doc comment")]
pub fn table_ui(ui: &mut Ui, doc: &mut Document, grid: &mut GridState, table_ix: usize, width: f32) {
    let body = ui.style().text_styles.get(&egui::TextStyle::Body).map(|f| f.size).unwrap_or(15.0);
    // Leave room for the vertical scroll bar that floats over the page.
    let available = (width - 18.0).max(200.0);
    let mut edits: Vec<(CellIx, String)> = Vec::new();
    let (pressed, down, pointer, shift) = ui.input(|i| {
        // Shift as the click saw it (a test harness sets it on the click, not the frame).
        let shift = i.modifiers.shift
            || i.events.iter().any(|e| matches!(e, egui::Event::PointerButton { modifiers, .. } if modifiers.shift));
        (i.pointer.primary_pressed(), i.pointer.primary_down(), i.pointer.interact_pos(), shift)
    });
    {
        let form = &doc.form;
        let table = &form.tables[table_ix];
        let layout = &table.screen;
        let key = GeometryKey {
            available,
            body,
            pixels_per_point: ui.ctx().pixels_per_point(),
            digits: widest_value(doc, table).clamp(4, 14),
        };
        let geo = cached_geometry(ui, grid, table_ix, table, key);
        let selected: Vec<CellIx> = grid.selection(doc).map(|b| b.concat()).unwrap_or_default();
        if pressed {
            grid.press_focus = grid.prev_focus;
        }
        let size = vec2(geo.xs[geo.xs.len() - 1], geo.ys[geo.ys.len() - 1]);
        let (outer, _) = ui.allocate_exact_size(size + vec2(2.0, 2.0), Sense::hover());
        let origin = outer.min + vec2(1.0, 1.0);
        let painter = ui.painter_at(outer.expand(2.0));
        let text_color = ui.visuals().text_color();

        for c in &layout.cells {
            let rect = geo.rect(origin, c.row, c.col, c.rows, c.cols);
            match &c.content {
                GridContent::Fixed { role, text, indent } => {
                    let fill = match role {
                        Role::Head | Role::Caption | Role::Note => HEAD_FILL,
                        _ => Color32::WHITE,
                    };
                    painter.rect_filled(rect, 0.0, fill);
                    let inner = rect.shrink(PAD);
                    let indent_px = f32::from(*indent) * body / 2.0;
                    let wrap = (inner.width() - indent_px).max(8.0);
                    let label = matches!(role, Role::Label);
                    let mut job = egui::text::LayoutJob::simple(text.clone(), font_for(role, body), text_color, wrap);
                    if !label {
                        // Headers, captions and units are centred line by line.
                        job.halign = egui::Align::Center;
                    }
                    let galley = ui.fonts_mut(|f| f.layout_job(job));
                    let x = if label { inner.min.x + indent_px } else { inner.center().x };
                    let y = inner.center().y - galley.size().y / 2.0;
                    painter.galley(egui::pos2(x, y), galley, text_color);
                }
                GridContent::Data(ix) => {
                    let ix = *ix;
                    let cell = &form.cells[ix];
                    let mark = doc.marks[ix];
                    let base = if cell.is_input() { Color32::WHITE } else { COMPUTED_FILL };
                    let mut fill = mark.map(|m| severity_fill(m.severity, m.explained)).unwrap_or(base);
                    if selected.contains(&ix) {
                        fill = fill.lerp_to_gamma(SELECTION_FILL, 0.6);
                    }
                    painter.rect_filled(rect, 0.0, fill);
                    // A drag across cells selects the block from where it started.
                    if pointer.is_some_and(|p| rect.contains(p)) {
                        if pressed && !shift {
                            grid.drag_from = Some(ix);
                            grid.anchor = None;
                        } else if down && grid.drag_from.is_some_and(|from| from != ix) {
                            grid.anchor = Some(ix);
                        }
                    }
                    let path = form.cell_path(ix);
                    let tips: Vec<String> =
                        doc.findings_of(ix).map(|f| format!("[{}] {}", f.severity.label(), f.message)).collect();
                    if grid.show_prev
                        && let Some(prev) = previous_value(doc, ix)
                    {
                        painter.text(
                            rect.left_top() + vec2(3.0, 1.0),
                            Align2::LEFT_TOP,
                            format!("上年{prev}"),
                            FontId::proportional(body * 0.75),
                            Color32::from_gray(95),
                        );
                    }
                    let inner = rect.shrink2(vec2(2.0, 3.0));
                    let resp = if cell.is_input() {
                        let id = cell_widget_id(ix);
                        let mut text = doc.report.cell_text(&cell.id).to_string();
                        let before = text.clone();
                        let edit = TextEdit::singleline(&mut text)
                            .id(id)
                            .char_limit(crate::store::draft::MAX_CELL_CHARS)
                            .frame(egui::Frame::NONE)
                            .margin(egui::Margin::symmetric(4, 2))
                            .align(Align2::RIGHT_CENTER)
                            .return_key(None)
                            .event_filter(EventFilter {
                                tab: true,
                                horizontal_arrows: true,
                                vertical_arrows: true,
                                escape: true,
                            })
                            .desired_width(inner.width());
                        let resp = ui.put(inner, edit).accessible_name(path);
                        if resp.gained_focus() {
                            grid.origin = Some(before.clone());
                            grid.edit_mode = false;
                            if grid.pending_focus != Some(ix) {
                                // Clicked: select the text so typing replaces it, as in Excel.
                                select_all(ui, ix, &before);
                            }
                        }
                        // Shift+click: the block from the cell that had the keyboard, which keeps it.
                        if resp.clicked()
                            && shift
                            && let Some(p) = grid.press_focus.filter(|&p| p != ix)
                        {
                            grid.anchor = Some(ix);
                            grid.pending_focus = Some(p);
                        }
                        if resp.double_clicked() {
                            // Double-click edits in place, as in Excel.
                            grid.edit_mode = true;
                        } else if resp.clicked() && !grid.edit_mode {
                            // A click selects the cell: the whole text, so typing replaces it.
                            // Done after the text field placed its caret, so this wins.
                            select_all(ui, ix, &text);
                        }
                        if resp.has_focus() {
                            grid.focused = Some(ix);
                        }
                        if text != before {
                            grid.edit_mode = true;
                            edits.push((ix, text));
                        }
                        resp
                    } else {
                        let shown = match doc.values.get(ix) {
                            CellValue::Num(n) => n.to_string(),
                            CellValue::Invalid(_) => "?".to_string(),
                            _ => String::new(),
                        };
                        let mut shown_str = shown.as_str();
                        // Not focusable: Tab and the arrows skip what is computed.
                        let edit = TextEdit::singleline(&mut shown_str)
                            .id(cell_widget_id(ix))
                            .interactive(false)
                            .frame(egui::Frame::NONE)
                            .margin(egui::Margin::symmetric(4, 2))
                            .align(Align2::RIGHT_CENTER)
                            .text_color(Color32::from_rgb(40, 60, 110))
                            .desired_width(inner.width());
                        ui.put(inner, edit).accessible_name(path)
                    };
                    if grid.scroll_to == Some(ix) {
                        // Only as far as needed and at once: an animated scroll on every arrow
                        // key cost two more frames, each a full repaint on a software renderer.
                        if !ui.clip_rect().contains_rect(resp.rect) {
                            resp.scroll_to_me_animation(None, egui::style::ScrollAnimation::none());
                        }
                        grid.scroll_to = None;
                    }
                    if resp.has_focus() {
                        painter.rect_stroke(rect.shrink(1.0), 0.0, Stroke::new(2.0, FOCUS_LINE), StrokeKind::Inside);
                    }
                    if !tips.is_empty() {
                        resp.on_hover_text(tips.join("\n"));
                    }
                }
            }
            painter.rect_stroke(rect, 0.0, Stroke::new(1.0, GRID_LINE), StrokeKind::Middle);
        }
    }
    if !down {
        grid.drag_from = None;
    }
    // Focus moves after the cells are drawn: text typed before a Tab in the same frame (keys
    // typed ahead on a slow PC) still goes to the cell it was typed in. Shown next frame.
    if apply_pending_focus(ui, doc, grid) {
        ui.ctx().request_repaint();
    }
    if !edits.is_empty() {
        for (ix, text) in edits {
            let id = doc.form.cells[ix].id.clone();
            doc.set(Field::Cell(id), text);
        }
        ui.ctx().request_repaint();
    }
}

/// Last year's figure for a cell, as shown beside it when 显示上年数 is on. For a carried cell
/// (上年结转) that is what it carries from (last year's 结转下年度), the figure it should equal.
pub fn previous_value(doc: &Document, ix: CellIx) -> Option<String> {
    let reference = doc.report.reference.as_ref()?;
    match doc.form.carry_of(ix) {
        Some(carry) => carry.value(|id| reference.value(id)).map(|n| n.to_string()),
        None => reference.cells.get(&doc.form.cells[ix].id).cloned(),
    }
}
