//! The compiled form: a template (and the annexes a report carries) compiled once into cells,
//! grids, formulas in evaluation order and rules ready to evaluate. Everything that reads or
//! checks a report goes through it.

use std::collections::{HashMap, HashSet};

use super::report::Date;
use super::template::*;
use super::value::{CellKind, Num};

impl Template {
    /// Registers a template the user supplied (a province's table, next year's format). It must
    /// compile, and its id must be new: a user file never replaces a built-in format.
    pub fn register(template: Template, origin: &str) -> Result<(), TemplateError> {
        let invalid = |msg: String| TemplateError::Invalid { id: origin.to_string(), msg };
        if template.id.trim().is_empty() {
            return Err(invalid("缺少模板编号（id）".into()));
        }
        let same_file = registry::with(|r| {
            r.find(&template.id).is_some_and(|e| e.is_ok_and(|e| e.origin.as_deref() == Some(origin)))
        });
        if same_file {
            // The same file loaded again (a second window, a test): nothing new.
            return Ok(());
        }
        registry::with(|r| match r.find(&template.id) {
            Some(Ok(e)) if e.builtin => Err(invalid(format!("模板编号“{}”与内置模板相同；请换一个编号", template.id))),
            Some(_) => Err(invalid(format!("模板编号“{}”已被另一个模板文件使用", template.id))),
            None => Ok(()),
        })?;
        // Compile it alone, so a broken table or rule is reported now, not when a report uses it.
        Form::build(template.clone(), Vec::new()).map_err(|e| invalid(e.to_string()))?;
        registry::with_mut(|r| r.add(template, Some(origin.to_string())));
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The compiled form
// ---------------------------------------------------------------------------------------------

/// Index of a cell in [`Form::cells`].
pub type CellIx = usize;

#[derive(Debug, Clone, PartialEq)]
pub enum Formula {
    /// Sum of other cells.
    Sum(Vec<CellIx>),
}

/// One data cell, resolved.
#[derive(Debug, Clone)]
pub struct CellDef {
    /// `t3.new.np`
    pub id: String,
    pub table: usize,
    pub row_key: String,
    pub row_label: String,
    pub row_group: Option<String>,
    pub row_short: String,
    pub col_key: String,
    pub col_label: String,
    pub col_group: Option<String>,
    pub kind: CellKind,
    pub allow_na: bool,
    pub formula: Option<Formula>,
    /// Rule id for a computed value that disagrees with a published one.
    pub formula_rule: Option<String>,
    /// Rule id for an invalid value.
    pub type_rule: String,
    /// Shown in the window only (table 三 subtotals).
    pub ui_only: bool,
    /// The row's column set has one column (the row is the cell: 行政许可, 附件 items).
    pub single_column: bool,
}

impl CellDef {
    pub fn is_input(&self) -> bool {
        self.formula.is_none()
    }

    /// Whether the cell belongs to the table with this id (cell ids start with it).
    pub fn table_is(&self, table_id: &str) -> bool {
        self.id.strip_prefix(table_id).is_some_and(|rest| rest.starts_with('.'))
    }

    /// The accessible name and the user-facing path: `表三/一、本年新收政府信息公开申请数量/自然人`.
    pub fn path(&self, table_name: &str) -> String {
        format!("{table_name}/{}/{}", self.row_path(), self.col_label)
    }

    /// The row as the CSV `行` names it: `（三）不予公开/1.属于国家秘密` for a sub-row.
    pub fn row_path(&self) -> String {
        match &self.row_group {
            Some(g) => format!("{g}/{}", self.row_label),
            None => self.row_label.clone(),
        }
    }

    /// How a message names the cell when neither row nor column is implied by the context.
    pub fn full_name(&self) -> String {
        if self.col_label == self.row_label || self.single_column {
            self.row_short.clone()
        } else {
            format!("{}“{}”", self.row_short, self.col_label)
        }
    }
}

/// A laid-out grid cell: fixed text or a data cell, with its span.
#[derive(Debug, Clone)]
pub struct GridCell {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
    pub content: GridContent,
}

#[derive(Debug, Clone)]
pub enum GridContent {
    Fixed { role: Role, text: String, indent: u8 },
    Data(CellIx),
}

/// A table resolved into a grid.
#[derive(Debug, Clone)]
pub struct TableLayout {
    pub rows: usize,
    pub cells: Vec<GridCell>,
}

impl TableLayout {
    /// Cells starting in row `r`, left to right.
    pub fn row_cells(&self, r: usize) -> impl Iterator<Item = &GridCell> {
        self.cells.iter().filter(move |c| c.row == r)
    }

    /// Row heights that give every cell the height it needs (`need` of the cell's index and the
    /// cell, `None` = no demand): a
    /// one-row cell raises its row; a merged cell that needs more than its rows add up to
    /// lengthens its last row. Shared by the window and the PDF.
    pub fn fit_row_heights(&self, base: f32, mut need: impl FnMut(usize, &GridCell) -> Option<f32>) -> Vec<f32> {
        let mut heights = vec![base; self.rows];
        let mut tall = Vec::new();
        for (i, c) in self.cells.iter().enumerate() {
            let Some(n) = need(i, c) else { continue };
            if c.rows == 1 {
                heights[c.row] = heights[c.row].max(n);
            } else {
                tall.push((c.row, c.rows, n));
            }
        }
        for (row, rows, n) in tall {
            let have: f32 = heights[row..row + rows].iter().sum();
            if n > have {
                heights[row + rows - 1] += n - have;
            }
        }
        heights
    }
}

#[derive(Debug, Clone)]
pub struct FormTable {
    pub def: TableDef,
    /// Which template it came from (main or an annex).
    pub template: String,
    /// The printed layout.
    pub print: TableLayout,
    /// The on-screen layout (with UI-only subtotal rows).
    pub screen: TableLayout,
    /// Data cells of the table in reading order (screen layout).
    pub cells: Vec<CellIx>,
}

/// A template (plus the annexes a report carries) compiled for fast evaluation.
#[derive(Debug, Clone)]
pub struct Form {
    pub template: Template,
    pub annexes: Vec<Template>,
    pub tables: Vec<FormTable>,
    pub cells: Vec<CellDef>,
    pub index: HashMap<String, CellIx>,
    /// Computed cells in an order where every formula's parts come first.
    pub eval_order: Vec<CellIx>,
    pub rules: Vec<CompiledRule>,
    /// How cells carry over from last year's report (from the rules marked `carry`).
    pub carries: Vec<Carry>,
    /// The sentences the template writes from the tables, whatever their figures (left out of
    /// the repetition measure).
    pub generated: Vec<regex::Regex>,
    /// The template's indicators (公开率, 纠错率), resolved.
    pub indicators: Vec<super::indicators::Indicator>,
}

/// One carried cell: this year's value should equal the sum of last year's `from` cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Carry {
    pub cell: CellIx,
    /// Last year's cell ids, each with `true` when subtracted.
    pub from: Vec<(bool, String)>,
    /// The rule that checks it (T3-06, T2O-03).
    pub rule: String,
}

impl Carry {
    /// Last year's figure for the carried cell from last year's figures by cell id
    /// (`Reference::value`); `None` when last year has none of its parts.
    pub fn value(&self, last_year: impl Fn(&str) -> Option<Num>) -> Option<Num> {
        let mut any = false;
        let mut sum = Num::ZERO;
        for (neg, id) in &self.from {
            if let Some(v) = last_year(id) {
                any = true;
                sum = if *neg { sum.checked_sub(v)? } else { sum.checked_add(v)? };
            }
        }
        any.then_some(sum)
    }
}

impl Form {
    /// Compiles a report template with the annexes a report carries.
    pub fn build(template: Template, annexes: Vec<Template>) -> Result<Form, TemplateError> {
        let mut form = Form {
            template,
            annexes,
            tables: Vec::new(),
            cells: Vec::new(),
            index: HashMap::new(),
            eval_order: Vec::new(),
            rules: Vec::new(),
            carries: Vec::new(),
            generated: Vec::new(),
            indicators: Vec::new(),
        };
        let all: Vec<Template> = std::iter::once(form.template.clone()).chain(form.annexes.iter().cloned()).collect();
        for t in &all {
            let type_rules = t.type_rules.clone().or_else(|| form.template.type_rules.clone());
            for table in &t.tables {
                form.add_table(&t.id, table, type_rules.as_ref())?;
            }
        }
        form.order_formulas()?;
        for t in &all {
            for rule in &t.rules {
                let compiled = compile(&form, rule).map_err(|msg| TemplateError::Invalid { id: t.id.clone(), msg })?;
                form.rules.extend(compiled);
            }
        }
        form.carries = carries(&form).map_err(|msg| TemplateError::Invalid { id: form.template.id.clone(), msg })?;
        form.generated = super::repetition::generated_sentences(&form);
        form.indicators = super::indicators::compile(&form)
            .map_err(|e| TemplateError::Invalid { id: form.template.id.clone(), msg: e.to_string() })?;
        if let Some(c) = form.cells.iter().find(|c| !c.is_input() && !c.ui_only && c.formula_rule.is_none()) {
            return Err(TemplateError::Invalid {
                id: form.template.id.clone(),
                msg: format!("自动计算的单元格 {} 没有规则编号（rule）", c.id),
            });
        }
        Ok(form)
    }

    /// The form for a report template id and the annex ids a report carries.
    pub fn of(template: &str, annexes: &[String]) -> Result<Form, TemplateError> {
        Form::shared(template, annexes).map(|f| Form::clone(&f))
    }

    /// The same form, shared: for a reader that only looks (a county's check copies no form
    /// per report unless a rule pack adds to it).
    pub fn shared(template: &str, annexes: &[String]) -> Result<std::sync::Arc<Form>, TemplateError> {
        // A template id never changes meaning in a process (a registered id is never replaced),
        // so a compiled form is kept: compiling (cells, layout, rules and their text patterns)
        // costs far more than copying, and a county's check compiles the same form hundreds of times.
        type Cache = std::sync::Mutex<HashMap<(String, Vec<String>), std::sync::Arc<Form>>>;
        static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let key = (template.to_string(), annexes.to_vec());
        if let Some(form) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(std::sync::Arc::clone(form));
        }
        let main = Template::get(template)?;
        if main.kind != TemplateKind::Report {
            return Err(TemplateError::Invalid { id: template.into(), msg: "不是报告格式模板".into() });
        }
        let annexes = annexes.iter().map(|a| Template::get(a)).collect::<Result<Vec<_>, _>>()?;
        let form = std::sync::Arc::new(Form::build(main, annexes)?);
        cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key, std::sync::Arc::clone(&form));
        Ok(form)
    }

    /// How a cell carries over from last year, if it does.
    pub fn carry_of(&self, ix: CellIx) -> Option<&Carry> {
        self.carries.iter().find(|c| c.cell == ix)
    }

    /// The sentence a section can have written from the tables (template-declared).
    pub fn sentence(&self, section_key: &str) -> Option<&Sentence> {
        self.template.sections.iter().find_map(|s| {
            if s.id == section_key {
                s.sentence.as_ref()
            } else {
                s.subsections.iter().find(|x| x.id == section_key).and_then(|x| x.sentence.as_ref())
            }
        })
    }

    pub fn cell(&self, id: &str) -> Option<&CellDef> {
        self.index.get(id).map(|&ix| &self.cells[ix])
    }

    pub fn table(&self, id: &str) -> Option<&FormTable> {
        self.tables.iter().find(|t| t.def.id == id)
    }

    pub fn table_name(&self, cell: &CellDef) -> &str {
        &self.tables[cell.table].def.name
    }

    /// Accessible name / path of a cell.
    pub fn cell_path(&self, ix: CellIx) -> String {
        let c = &self.cells[ix];
        c.path(self.table_name(c))
    }

    /// All text-section keys of the report, in order (`s1`, `s1.1` … `s6`).
    pub fn section_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        for s in &self.template.sections {
            keys.push(s.id.clone());
            keys.extend(s.subsections.iter().map(|x| x.id.clone()));
        }
        keys
    }

    /// Input cells that take part in the printed report and in CSV files.
    pub fn input_cells(&self) -> impl Iterator<Item = (CellIx, &CellDef)> {
        self.cells.iter().enumerate().filter(|(_, c)| c.is_input())
    }

    /// Compiles one table of a template: its columns, rows, cells and the rules they imply.
    ///
    /// Long because each part checks names against the ones compiled before it in the same table,
    /// with the one error type naming the template and table.
    #[expect(clippy::too_many_lines, reason = "one table compiled in order; see the doc comment")]
    fn add_table(
        &mut self,
        template_id: &str,
        def: &TableDef,
        type_rules: Option<&TypeRules>,
    ) -> Result<(), TemplateError> {
        let invalid = |msg: String| TemplateError::Invalid { id: template_id.to_string(), msg };
        if self.tables.iter().any(|t| t.def.id == def.id) {
            return Err(invalid(format!("表 {} 重复", def.id)));
        }
        if def.col_widths.len() != def.grid_columns {
            return Err(invalid(format!("{}：col_widths 应有 {} 项", def.name, def.grid_columns)));
        }
        let table_ix = self.tables.len();
        let type_rule_default = def.type_rule.clone();

        // Data cells, row by row.
        let mut row_cells: Vec<Vec<(CellIx, usize)>> = Vec::new(); // per printed row: (cell, span)
        let mut row_index: HashMap<&str, Vec<CellIx>> = HashMap::new();
        let mut col_sets: HashMap<&str, &str> = HashMap::new(); // row key -> set
        for row in &def.rows {
            let mut cells_here = Vec::new();
            for d in &row.data {
                let set = def
                    .column_sets
                    .get(&d.columns)
                    .ok_or_else(|| invalid(format!("{}：未定义的列组 {}", def.name, d.columns)))?;
                col_sets.insert(&d.key, &d.columns);
                let mut ixs = Vec::new();
                for col in set {
                    let kind = d.kind.clone().or_else(|| col.kind.clone()).unwrap_or(CellKind::Count);
                    let type_rule = d
                        .type_rule
                        .clone()
                        .or_else(|| type_rule_default.clone())
                        .or_else(|| type_rules.map(|r| if kind.is_money() { &r.money } else { &r.count }).cloned())
                        .ok_or_else(|| invalid(format!("{}：没有规定填写有误时的规则编号（type_rules）", def.name)))?;
                    let cell = CellDef {
                        id: format!("{}.{}.{}", def.id, d.key, col.key),
                        table: table_ix,
                        row_key: d.key.clone(),
                        row_label: d.label.clone(),
                        row_group: d.group.clone(),
                        row_short: d.short.clone().unwrap_or_else(|| d.label.clone()),
                        col_key: col.key.clone(),
                        col_label: col.label.clone(),
                        col_group: col.group.clone(),
                        kind,
                        allow_na: d.allow_na,
                        formula: None,
                        formula_rule: d.rule.clone().or_else(|| col.rule.clone()),
                        type_rule,
                        ui_only: false,
                        single_column: set.len() == 1,
                    };
                    let ix = self.push_cell(cell).map_err(invalid)?;
                    ixs.push(ix);
                    cells_here.push((ix, col.span));
                }
                row_index.insert(&d.key, ixs);
            }
            row_cells.push(cells_here);
        }

        // Formulas: computed columns (same row), then computed rows (same column).
        for row in &def.rows {
            for d in &row.data {
                let set = &def.column_sets[&d.columns];
                for col in set {
                    let id = format!("{}.{}.{}", def.id, d.key, col.key);
                    let ix = self.index[&id];
                    if !col.sum_of.is_empty() {
                        let parts = col
                            .sum_of
                            .iter()
                            .map(|k| self.lookup(&format!("{}.{}.{}", def.id, d.key, k)))
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(invalid)?;
                        self.cells[ix].formula = Some(Formula::Sum(parts));
                    } else if !d.sum_of_rows.is_empty() {
                        let parts = d
                            .sum_of_rows
                            .iter()
                            .map(|r| self.lookup(&format!("{}.{}.{}", def.id, r, col.key)))
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(invalid)?;
                        self.cells[ix].formula = Some(Formula::Sum(parts));
                    }
                }
            }
        }

        let print = layout(def, &row_cells, &[]).map_err(invalid)?;

        // UI-only subtotal rows.
        let mut screen_extra = Vec::new();
        for sub in &def.subtotals {
            let after = def
                .rows
                .iter()
                .position(|r| r.data.iter().any(|d| d.key == sub.after))
                .ok_or_else(|| invalid(format!("{}：小计位置 {} 不存在", def.name, sub.after)))?;
            let set_name = col_sets
                .get(sub.after.as_str())
                .copied()
                .ok_or_else(|| invalid(format!("{}：小计 {} 无列组", def.name, sub.key)))?;
            let mut cells_here = Vec::new();
            for col in &def.column_sets[set_name] {
                let parts = sub
                    .rows
                    .iter()
                    .map(|r| self.lookup(&format!("{}.{}.{}", def.id, r, col.key)))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(invalid)?;
                let cell = CellDef {
                    id: format!("{}.{}.{}", def.id, sub.key, col.key),
                    table: table_ix,
                    row_key: sub.key.clone(),
                    row_label: "小计".to_string(),
                    row_group: Some(sub.name.clone()),
                    row_short: format!("{}小计", sub.name),
                    col_key: col.key.clone(),
                    col_label: col.label.clone(),
                    col_group: col.group.clone(),
                    kind: CellKind::Count,
                    allow_na: false,
                    formula: Some(Formula::Sum(parts)),
                    formula_rule: None,
                    type_rule: String::new(),
                    ui_only: true,
                    single_column: false,
                };
                let ix = self.push_cell(cell).map_err(invalid)?;
                cells_here.push((ix, col.span));
            }
            screen_extra.push(Extra { after, label_col: sub.label_col, cells: cells_here });
        }
        let screen = if screen_extra.is_empty() {
            print.clone()
        } else {
            layout(def, &row_cells, &screen_extra).map_err(invalid)?
        };
        let cells = screen
            .cells
            .iter()
            .filter_map(|c| match c.content {
                GridContent::Data(ix) => Some(ix),
                GridContent::Fixed { .. } => None,
            })
            .collect();
        self.tables.push(FormTable { def: def.clone(), template: template_id.to_string(), print, screen, cells });
        Ok(())
    }

    fn push_cell(&mut self, cell: CellDef) -> Result<CellIx, String> {
        if self.index.contains_key(&cell.id) {
            return Err(format!("单元格 {} 重复", cell.id));
        }
        let ix = self.cells.len();
        self.index.insert(cell.id.clone(), ix);
        self.cells.push(cell);
        Ok(ix)
    }

    fn lookup(&self, id: &str) -> Result<CellIx, String> {
        self.index.get(id).copied().ok_or_else(|| format!("公式引用了不存在的单元格 {id}"))
    }

    /// Topological order of computed cells; a cycle is a template error.
    fn order_formulas(&mut self) -> Result<(), TemplateError> {
        let mut order = Vec::new();
        let mut state = vec![0u8; self.cells.len()]; // 0 new, 1 visiting, 2 done
        fn visit(form: &Form, ix: CellIx, state: &mut [u8], order: &mut Vec<CellIx>) -> Result<(), String> {
            match state[ix] {
                2 => return Ok(()),
                1 => return Err(format!("公式循环引用：{}", form.cells[ix].id)),
                _ => {}
            }
            state[ix] = 1;
            if let Some(Formula::Sum(parts)) = &form.cells[ix].formula {
                for &p in parts {
                    visit(form, p, state, order)?;
                }
                order.push(ix);
            }
            state[ix] = 2;
            Ok(())
        }
        for ix in 0..self.cells.len() {
            visit(self, ix, &mut state, &mut order)
                .map_err(|msg| TemplateError::Invalid { id: self.template.id.clone(), msg })?;
        }
        self.eval_order = order;
        Ok(())
    }
}

struct Extra {
    after: usize,
    label_col: usize,
    cells: Vec<(CellIx, usize)>,
}

/// Places fixed and data cells on the grid the way an HTML table flows: each cell takes the next
/// free slot of its row; row spans reserve slots below. UI-only rows (`extra`) are inserted after
/// their row, and labels to their left that cover that row grow by one.
fn layout(def: &TableDef, data: &[Vec<(CellIx, usize)>], extra: &[Extra]) -> Result<TableLayout, String> {
    struct Pending {
        content: GridContent,
        rows: usize,
        cols: usize,
        at_col: Option<usize>,
    }
    // Build the row list with extra rows inserted.
    let mut rows: Vec<Vec<Pending>> = Vec::new();
    let mut extra_at: Vec<(usize, usize)> = Vec::new(); // (screen row index, label col)
    for (r, row) in def.rows.iter().enumerate() {
        let mut items: Vec<Pending> = row
            .cells
            .iter()
            .map(|c| Pending {
                content: GridContent::Fixed { role: c.role.clone(), text: c.text.clone(), indent: c.indent },
                rows: c.rows,
                cols: c.cols,
                at_col: None,
            })
            .collect();
        items.extend(data[r].iter().map(|&(ix, span)| Pending {
            content: GridContent::Data(ix),
            rows: 1,
            cols: span,
            at_col: None,
        }));
        rows.push(items);
        for e in extra.iter().filter(|e| e.after == r) {
            let mut items = vec![Pending {
                content: GridContent::Fixed { role: Role::Label, text: "小计".into(), indent: 0 },
                rows: 1,
                cols: 1,
                at_col: Some(e.label_col),
            }];
            items.extend(e.cells.iter().map(|&(ix, span)| Pending {
                content: GridContent::Data(ix),
                rows: 1,
                cols: span,
                at_col: None,
            }));
            extra_at.push((rows.len(), e.label_col));
            rows.push(items);
        }
    }
    // Map printed-row spans onto screen rows: a row span counts printed rows, so it must stretch
    // over inserted rows that fall inside it, and over one directly after it when the cell lies
    // left of the inserted row's label.
    let is_extra: Vec<bool> = (0..rows.len()).map(|i| extra_at.iter().any(|(r, _)| *r == i)).collect();
    let ncols = def.grid_columns;
    let mut occupied: Vec<Vec<bool>> = Vec::new();
    let mut cells = Vec::new();
    for (r, items) in rows.into_iter().enumerate() {
        while occupied.len() <= r {
            occupied.push(vec![false; ncols]);
        }
        let mut col = 0;
        for item in items {
            if let Some(c) = item.at_col {
                col = c;
            }
            while col < ncols && occupied[r][col] {
                col += 1;
            }
            if col + item.cols > ncols {
                return Err(format!("{}：第{}行超出{}列", def.name, r + 1, ncols));
            }
            // Stretch the row span over inserted rows.
            let mut span = 0;
            let mut printed = 0;
            let mut rr = r;
            while printed < item.rows {
                if rr >= is_extra.len() {
                    return Err(format!("{}：第{}行的合并单元格超出表格", def.name, r + 1));
                }
                span += 1;
                // The starting row always counts, so a cell in an inserted row spans itself.
                if rr == r || !is_extra[rr] {
                    printed += 1;
                }
                rr += 1;
            }
            // Absorb an inserted row directly below when this cell is left of its label.
            while rr < is_extra.len() && is_extra[rr] && item.rows > 1 {
                let label_col = extra_at.iter().find(|(x, _)| *x == rr).map(|(_, c)| *c).unwrap_or(0);
                if col + item.cols <= label_col {
                    span += 1;
                    rr += 1;
                } else {
                    break;
                }
            }
            while occupied.len() < r + span {
                occupied.push(vec![false; ncols]);
            }
            for row_occ in occupied.iter_mut().skip(r).take(span) {
                for slot in row_occ.iter_mut().skip(col).take(item.cols) {
                    if *slot {
                        return Err(format!("{}：第{}行单元格重叠", def.name, r + 1));
                    }
                    *slot = true;
                }
            }
            cells.push(GridCell { row: r, col, rows: span, cols: item.cols, content: item.content });
            col += item.cols;
        }
    }
    for (r, occ) in occupied.iter().enumerate() {
        if occ.iter().any(|o| !o) {
            return Err(format!("{}：第{}行未填满{}列", def.name, r + 1, ncols));
        }
    }
    Ok(TableLayout { rows: occupied.len(), cells })
}

/// Checks that every data-row label is printed in its table (so names in messages and CSVs are
/// the printed words). Returns the labels that are not.
pub fn unprinted_labels(def: &TableDef) -> Vec<String> {
    let printed: HashSet<&str> = def.rows.iter().flat_map(|r| r.cells.iter()).map(|c| c.text.as_str()).collect();
    let mut missing = Vec::new();
    for row in &def.rows {
        for d in &row.data {
            if !printed.contains(d.label.as_str()) {
                missing.push(d.label.clone());
            }
        }
    }
    for set in def.column_sets.values() {
        for c in set {
            if !printed.contains(c.label.as_str()) {
                missing.push(c.label.clone());
            }
        }
    }
    missing
}

/// Where a rule instance applies: messages name the scope once and each cell by what varies.
#[derive(Debug, Clone)]
pub enum Scope {
    None,
    Column { table: usize, col: String, text: String },
    Row { table: usize, row: String, text: String, single_column: bool },
}

#[derive(Debug, Clone)]
pub enum Src {
    Cell(CellIx),
    /// Last year's value of a cell id (from the report's reference values).
    Prev(String),
    Const(Num),
}

#[derive(Debug, Clone)]
pub struct Term {
    pub neg: bool,
    pub src: Src,
}

#[derive(Debug, Clone)]
pub enum CCheck {
    Cmp {
        left: Vec<Term>,
        op: Op,
        right: Vec<Term>,
    },
    When {
        cond: Vec<CCond>,
        then: Box<CCheck>,
    },
    AllZero(Vec<CellIx>),
    TextFilled {
        section: String,
        reject: Vec<String>,
    },
    NoDigits {
        section: String,
    },
    SubsectionsFilled,
    /// The section, its sub-sections' keys and its tables' input cells.
    SectionFilled {
        section: String,
        texts: Vec<String>,
        cells: Vec<CellIx>,
    },
    CopiedLastYear,
    CellTypes,
    NoBlanks,
    TablesPresent,
    ReportPeriod,
    FormatForYear,
    Structure,
    UnitDetails,
    YearOverYear {
        factor: i64,
        min: i64,
    },
    TextFigure {
        patterns: Vec<super::text_checks::Compiled>,
        cells: Vec<Term>,
        sections: Vec<String>,
    },
    Repetition {
        scope: RepetitionScope,
        percent: u32,
        min_chars: usize,
        /// Who set the threshold, when a rule pack did (`武政办发〔2025〕54号`).
        source: Option<String>,
    },
    AsciiPunctuation,
    Doubled {
        chars: String,
        except: Vec<String>,
    },
    Placeholders(Vec<regex::Regex>),
    PeriodYears {
        patterns: Vec<regex::Regex>,
        future: Vec<String>,
    },
    TextClaim {
        patterns: Vec<regex::Regex>,
        context: Vec<String>,
        unless: Vec<String>,
        when_any: Vec<CCond>,
        sections: Vec<String>,
    },
    HeadingsVerbatim,
    PromotedHeadings,
    SubheadingNumbers,
    /// Each listed section with its sub-sections' keys.
    MaxLength {
        sections: Vec<(String, Vec<String>)>,
        max: usize,
        spaces: bool,
        punctuation: bool,
    },
    Mentions {
        sections: Vec<(String, Vec<String>)>,
        subjects: Vec<(String, Vec<super::text_checks::Compiled>)>,
    },
    Deadline(Deadline),
}

/// A deadline: a month and day of the year after the report year, or a fixed date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    AfterYear { month: u32, day: u32 },
    On(Date),
}

impl Deadline {
    /// `01-31` or `2026-01-20`.
    pub fn parse(text: &str) -> Option<Deadline> {
        let t = text.trim();
        if let Some(d) = Date::parse(t) {
            return Some(Deadline::On(d));
        }
        let (m, d) = t.split_once(['-', '/'])?;
        let (month, day) = (m.trim().parse().ok()?, d.trim().parse().ok()?);
        // 2000 is a leap year: 02-29 is accepted, and is the 28th in other years.
        Date::new(2000, month, day).map(|_| Deadline::AfterYear { month, day })
    }

    /// The deadline of a report year's report.
    pub fn date_for(self, year: i32) -> Option<Date> {
        match self {
            Deadline::On(d) => Some(d),
            Deadline::AfterYear { month, day } => {
                Date::new(year + 1, month, day).or_else(|| Date::new(year + 1, month, day - 1))
            }
        }
    }
}

#[derive(Debug, Clone)]
pub enum CCond {
    Cmp { left: Vec<Term>, op: Op, right: Vec<Term> },
    NoRuleMakingPower,
}

#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub id: String,
    pub severity: Severity,
    pub scope: Scope,
    /// The expansion key (`np`, `reg` …), part of the finding key.
    pub instance: String,
    pub check: CCheck,
    pub hint: Option<String>,
    pub message: Option<String>,
    /// Declares a carry-over (see [`RuleDef::carry`](RuleDef::carry)).
    pub carry: bool,
    /// The rule pack it comes from (its document number or name), for the findings' messages.
    pub pack: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------

/// The carry-overs the form's rules declare: `Cmp(left: [one cell], op: Eq, right: [prev: …])`.
pub fn carries(form: &Form) -> Result<Vec<Carry>, String> {
    let mut out = Vec::new();
    for rule in form.rules.iter().filter(|r| r.carry) {
        let CCheck::Cmp { left, op: Op::Eq, right } = &rule.check else {
            return Err(format!("规则 {}：carry 规则应为“本年单元格 = 上年单元格之和”", rule.id));
        };
        let cell = match left.as_slice() {
            [Term { neg: false, src: Src::Cell(c) }] => *c,
            _ => return Err(format!("规则 {}：carry 规则左边应为一个本年单元格", rule.id)),
        };
        let from = right
            .iter()
            .map(|t| match &t.src {
                Src::Prev(id) => Ok((t.neg, id.clone())),
                _ => Err(format!("规则 {}：carry 规则右边只能是上年数（prev:）", rule.id)),
            })
            .collect::<Result<Vec<_>, String>>()?;
        out.push(Carry { cell, from, rule: rule.id.clone() });
    }
    Ok(out)
}

/// Expands a rule definition into its instances, resolving every cell reference.
pub fn compile(form: &Form, def: &RuleDef) -> Result<Vec<CompiledRule>, String> {
    let instances: Vec<(String, Scope)> = match &def.each {
        None => vec![(String::new(), Scope::None)],
        Some(Each::Columns { table, set, keys }) => {
            let (tix, t) = table_of(form, table)?;
            let cols =
                t.def.column_sets.get(set).ok_or_else(|| format!("规则 {}：表 {} 没有列组 {}", def.id, table, set))?;
            let keys: Vec<String> =
                if keys.is_empty() { cols.iter().map(|c| c.key.clone()).collect() } else { keys.clone() };
            keys.into_iter()
                .map(|k| {
                    let label = cols
                        .iter()
                        .find(|c| c.key == k)
                        .map(|c| c.label.clone())
                        .ok_or_else(|| format!("规则 {}：未知的列 {}", def.id, k))?;
                    let text = format!("{}“{}”列", t.def.name, label);
                    Ok((k.clone(), Scope::Column { table: tix, col: k, text }))
                })
                .collect::<Result<_, String>>()?
        }
        Some(Each::Rows { table, keys }) => {
            let (tix, t) = table_of(form, table)?;
            keys.iter()
                .map(|k| {
                    let row = t
                        .def
                        .rows
                        .iter()
                        .find_map(|r| r.data.iter().find(|d| &d.key == k).map(|d| (r, d)))
                        .ok_or_else(|| format!("规则 {}：未知的行 {}", def.id, k))?;
                    let (printed, data) = row;
                    let single_column = t.def.column_sets.get(&data.columns).is_some_and(|s| s.len() == 1);
                    let has_label = printed.cells.iter().any(|c| c.text == data.label);
                    let text = if single_column {
                        t.def.name.clone()
                    } else if has_label {
                        format!("{}“{}”行", t.def.name, data.label)
                    } else {
                        format!("{}“{}”", t.def.name, data.label)
                    };
                    Ok((k.clone(), Scope::Row { table: tix, row: k.clone(), text, single_column }))
                })
                .collect::<Result<_, String>>()?
        }
    };
    instances
        .into_iter()
        .map(|(k, scope)| {
            Ok(CompiledRule {
                id: def.id.clone(),
                severity: def.severity,
                scope,
                check: compile_check(form, &def.check, &k).map_err(|e| format!("规则 {}：{e}", def.id))?,
                hint: def.hint.clone(),
                message: def.message.clone(),
                carry: def.carry,
                pack: None,
                instance: k,
            })
        })
        .collect()
}

fn table_of<'a>(form: &'a Form, id: &str) -> Result<(usize, &'a FormTable), String> {
    form.tables.iter().enumerate().find(|(_, t)| t.def.id == id).ok_or_else(|| format!("未知的表 {id}"))
}

fn compile_check(form: &Form, check: &Check, k: &str) -> Result<CCheck, String> {
    Ok(match check {
        Check::Cmp { left, op, right } => {
            CCheck::Cmp { left: terms(form, left, k)?, op: *op, right: terms(form, right, k)? }
        }
        Check::When { cond, then } => CCheck::When {
            cond: cond.iter().map(|c| compile_cond(form, c, k)).collect::<Result<_, String>>()?,
            then: Box::new(compile_check(form, then, k)?),
        },
        Check::AllZero(cells) => CCheck::AllZero(
            cells
                .iter()
                .map(|c| {
                    let id = c.replace("{k}", k);
                    form.index.get(&id).copied().ok_or_else(|| format!("未知的单元格 {id}"))
                })
                .collect::<Result<_, String>>()?,
        ),
        Check::TextFilled { section, reject } => {
            known_section(form, section)?;
            CCheck::TextFilled { section: section.clone(), reject: reject.clone() }
        }
        Check::NoDigits { section } => {
            known_section(form, section)?;
            CCheck::NoDigits { section: section.clone() }
        }
        Check::SubsectionsFilled => CCheck::SubsectionsFilled,
        Check::SectionFilled { section } => {
            let def = form
                .template
                .sections
                .iter()
                .find(|s| &s.id == section)
                .ok_or_else(|| format!("未知的正文部分 {section}"))?;
            let texts = std::iter::once(def.id.clone()).chain(def.subsections.iter().map(|x| x.id.clone())).collect();
            let cells = form
                .tables
                .iter()
                .filter(|t| def.tables.contains(&t.def.id))
                .flat_map(|t| t.cells.iter().copied())
                .filter(|&ix| form.cells[ix].is_input())
                .collect();
            CCheck::SectionFilled { section: section.clone(), texts, cells }
        }
        Check::CopiedLastYear => CCheck::CopiedLastYear,
        Check::CellTypes => CCheck::CellTypes,
        Check::NoBlanks => CCheck::NoBlanks,
        Check::TablesPresent => CCheck::TablesPresent,
        Check::ReportPeriod => CCheck::ReportPeriod,
        Check::FormatForYear => CCheck::FormatForYear,
        Check::Structure => CCheck::Structure,
        Check::UnitDetails => CCheck::UnitDetails,
        Check::YearOverYear { factor, min } => CCheck::YearOverYear { factor: *factor, min: *min },
        Check::TextFigure { patterns, cells, sections } => {
            for s in sections {
                known_section(form, s)?;
            }
            CCheck::TextFigure {
                patterns: super::text_checks::compile(patterns)?,
                cells: terms(form, cells, k)?,
                sections: sections.clone(),
            }
        }
        Check::Repetition { scope, percent, min_chars } => {
            CCheck::Repetition { scope: *scope, percent: *percent, min_chars: *min_chars, source: None }
        }
        Check::AsciiPunctuation => CCheck::AsciiPunctuation,
        Check::Doubled { chars, except } => CCheck::Doubled { chars: chars.clone(), except: except.clone() },
        Check::Placeholders { patterns } => CCheck::Placeholders(regexes(patterns, None)?),
        Check::PeriodYears { patterns, future } => {
            CCheck::PeriodYears { patterns: regexes(patterns, Some("{y}"))?, future: future.clone() }
        }
        Check::TextClaim { patterns, context, unless, when_any, sections } => {
            for s in sections {
                known_section(form, s)?;
            }
            CCheck::TextClaim {
                patterns: regexes(patterns, None)?,
                context: context.clone(),
                unless: unless.clone(),
                when_any: when_any.iter().map(|c| compile_cond(form, c, k)).collect::<Result<_, String>>()?,
                sections: sections.clone(),
            }
        }
        Check::HeadingsVerbatim => CCheck::HeadingsVerbatim,
        Check::PromotedHeadings => CCheck::PromotedHeadings,
        Check::SubheadingNumbers => CCheck::SubheadingNumbers,
        Check::MaxLength { sections, max, spaces, punctuation } => CCheck::MaxLength {
            sections: with_subsections(form, sections)?,
            max: *max,
            spaces: *spaces,
            punctuation: *punctuation,
        },
        Check::Mentions { sections, subjects } => CCheck::Mentions {
            sections: with_subsections(form, sections)?,
            subjects: subjects
                .iter()
                .map(|s| Ok((s.name.clone(), super::text_checks::compile(&s.patterns)?)))
                .collect::<Result<_, String>>()?,
        },
        Check::Deadline { date } => CCheck::Deadline(
            Deadline::parse(date)
                .ok_or_else(|| format!("期限“{date}”无效（应写成01-31，即报告年度次年的1月31日，或2026-01-20）"))?,
        ),
    })
}

fn compile_cond(form: &Form, c: &Cond, k: &str) -> Result<CCond, String> {
    Ok(match c {
        Cond::Cmp { left, op, right } => {
            CCond::Cmp { left: terms(form, left, k)?, op: *op, right: terms(form, right, k)? }
        }
        Cond::NoRuleMakingPower => CCond::NoRuleMakingPower,
    })
}

/// Regular expressions of a rule; `year` is a placeholder standing for a year (`{y}`).
fn regexes(patterns: &[String], year: Option<&str>) -> Result<Vec<regex::Regex>, String> {
    patterns
        .iter()
        .map(|p| {
            let source = match year {
                Some(ph) => {
                    if !p.contains(ph) {
                        return Err(format!("模式“{p}”中没有{ph}"));
                    }
                    p.replace(ph, r"(?P<y>(?:19|20)[0-9]{2})")
                }
                None => p.clone(),
            };
            regex::Regex::new(&source).map_err(|e| format!("模式“{p}”无效：{e}"))
        })
        .collect()
}

/// Each section key with its own and its sub-sections' keys (a section's text is all of them).
fn with_subsections(form: &Form, sections: &[String]) -> Result<Vec<(String, Vec<String>)>, String> {
    sections
        .iter()
        .map(|key| {
            let def = form.template.sections.iter().find(|s| &s.id == key);
            match def {
                Some(d) => Ok((
                    key.clone(),
                    std::iter::once(d.id.clone()).chain(d.subsections.iter().map(|x| x.id.clone())).collect(),
                )),
                None => {
                    known_section(form, key)?;
                    Ok((key.clone(), vec![key.clone()]))
                }
            }
        })
        .collect()
}

fn known_section(form: &Form, key: &str) -> Result<(), String> {
    if form.section_keys().iter().any(|s| s == key) { Ok(()) } else { Err(format!("未知的正文部分 {key}")) }
}

fn terms(form: &Form, list: &[String], k: &str) -> Result<Vec<Term>, String> {
    list.iter()
        .map(|t| {
            let t = t.replace("{k}", k);
            let (neg, body) = match t.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, t.as_str()),
            };
            let src = if let Some(id) = body.strip_prefix("prev:") {
                Src::Prev(id.to_string())
            } else if body.bytes().all(|b| b.is_ascii_digit()) && !body.is_empty() {
                let n: i64 = body.parse().map_err(|_| format!("常数 {body} 无效"))?;
                Src::Const(Num::from_int(n).ok_or_else(|| format!("常数 {body} 过大"))?)
            } else {
                Src::Cell(form.index.get(body).copied().ok_or_else(|| format!("未知的单元格 {body}"))?)
            };
            Ok(Term { neg, src })
        })
        .collect()
}
