//! Form definitions as data (design principle 1).
//!
//! A template (`assets/templates/*.ron`) describes the report's sections, its tables as printed
//! grids (merged cells included) and its rules. The grid, the PDF, CSV import/export and the rule
//! engine are all driven by the compiled [`Form`], so a new national format or a provincial table
//! is a new RON file rather than new code.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::value::CellKind;

/// The templates built into the binary, by file name (each says its own id).
pub const BUILTIN: &[(&str, &str)] = &[
    ("gb2021.ron", include_str!("../../assets/templates/gb2021.ron")),
    ("gb2019.ron", include_str!("../../assets/templates/gb2019.ron")),
    ("guizhou-annex.ron", include_str!("../../assets/templates/guizhou-annex.ron")),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateKind {
    /// A whole report format (six sections and tables 二 三 四).
    Report,
    /// An optional table a report can carry (e.g. Guizhou's 附件2).
    Annex,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Template {
    pub id: String,
    pub kind: TemplateKind,
    /// The official name of the format, e.g. `国办公开办函〔2021〕30号`.
    pub name: String,
    /// First report year the format applies to.
    pub first_year: i32,
    /// Last report year, if the format was superseded.
    #[serde(default)]
    pub last_year: Option<i32>,
    #[serde(default)]
    pub sections: Vec<SectionDef>,
    /// The rules that report a cell whose text is not a valid value, unless its table or row
    /// names another (an annex without its own takes the report format's).
    #[serde(default)]
    pub type_rules: Option<TypeRules>,
    pub tables: Vec<TableDef>,
    #[serde(default)]
    pub rules: Vec<RuleDef>,
    /// Rates the 政务公开办 compares across units (公开率, 纠错率), shown per unit in the county
    /// view and its 汇总表.
    #[serde(default)]
    pub indicators: Vec<IndicatorDef>,
}

/// A rate computed from the tables: the sum of `numerator` cells over the sum of `denominator`
/// cells, in percent; flagged in the county view when above `flag_above` or below `flag_below`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndicatorDef {
    pub id: String,
    /// How the county view and the 汇总表 name it (`公开率`).
    pub name: String,
    pub numerator: Vec<String>,
    pub denominator: Vec<String>,
    #[serde(default)]
    pub flag_above: Option<u32>,
    #[serde(default)]
    pub flag_below: Option<u32>,
}

/// Rule ids for invalid values, by kind of cell (spec §5.1: G-01 counts, G-03 money).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeRules {
    pub count: String,
    pub money: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SectionDef {
    /// Stable key in the draft (`s1` … `s6`).
    pub id: String,
    /// Printed heading, verbatim (`一、总体情况`).
    pub heading: String,
    /// Standard sub-headings pre-filled by the app (section 一 in GB2021).
    #[serde(default)]
    pub subsections: Vec<SubsectionDef>,
    /// Tables shown (and, if printed, printed) in this section, in order.
    #[serde(default)]
    pub tables: Vec<String>,
    /// A sentence the window can write from the tables (T3-09: never retype numbers).
    #[serde(default)]
    pub sentence: Option<Sentence>,
}

/// A sentence written from the tables: `{cell id}` in `text` stands for that cell's value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sentence {
    /// The button that writes it.
    pub label: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubsectionDef {
    pub id: String,
    pub heading: String,
    /// As [`SectionDef::sentence`].
    #[serde(default)]
    pub sentence: Option<Sentence>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableDef {
    /// Short stable id used as the first part of cell ids (`t3`).
    pub id: String,
    /// How messages and the CSV name the table (`表三`).
    pub name: String,
    /// Other names accepted in a CSV `表` column.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Title printed above the table when it stands on its own (annexes); `{Y}` is the year.
    #[serde(default)]
    pub title: Option<String>,
    /// Number of grid columns of the printed table.
    pub grid_columns: usize,
    /// Relative column widths for print and screen.
    pub col_widths: Vec<f32>,
    /// Leading layout rows that form the table head, repeated on a continuation page.
    #[serde(default)]
    pub header_rows: usize,
    /// Whether the table is part of the printed report (helper tables such as the 信息处理费
    /// figures are only entered and checked).
    #[serde(default = "yes")]
    pub printed: bool,
    /// Too wide for the text block at the normal size (表四's 15 columns): printed smaller on a
    /// portrait page, or on a landscape page of its own when the report asks for that.
    #[serde(default)]
    pub wide: bool,
    /// Rule id for a cell whose text is not a valid value (defaults: G-01 counts, G-03 money).
    #[serde(default)]
    pub type_rule: Option<String>,
    /// Named sets of data columns; a data row takes its cells from one set.
    pub column_sets: BTreeMap<String, Vec<ColumnDef>>,
    pub rows: Vec<RowDef>,
    /// Subtotals shown in the window only, never printed (spec §4.2).
    #[serde(default)]
    pub subtotals: Vec<SubtotalDef>,
}

fn yes() -> bool {
    true
}

fn one() -> usize {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnDef {
    pub key: String,
    /// The column's own header label, verbatim.
    pub label: String,
    /// The merged header above it, if any (`法人或其他组织`).
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub kind: Option<CellKind>,
    #[serde(default = "one")]
    pub span: usize,
    /// Computed: the sum of these columns in the same row.
    #[serde(default)]
    pub sum_of: Vec<String>,
    /// Rule id reported when a published value for this computed column disagrees.
    #[serde(default)]
    pub rule: Option<String>,
}

/// One printed row: fixed cells (labels, headers …) followed by the data cells of its data rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RowDef {
    #[serde(default)]
    pub cells: Vec<FixedCell>,
    #[serde(default)]
    pub data: Vec<DataRowDef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// A column header.
    Head,
    /// A row label (left-aligned, wraps).
    Label,
    /// A caption row across the table (`第二十条第（一）项`).
    Caption,
    /// The 勾稽 note of table 三, printed small.
    Note,
    /// A unit such as `万元` in the annex.
    Unit,
    /// An empty cell.
    Blank,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FixedCell {
    pub role: Role,
    #[serde(default)]
    pub text: String,
    #[serde(default = "one")]
    pub rows: usize,
    #[serde(default = "one")]
    pub cols: usize,
    /// Indent in characters (annex sub-items).
    #[serde(default)]
    pub indent: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataRowDef {
    pub key: String,
    /// The row's own label, verbatim (what `行` in a CSV names).
    pub label: String,
    /// The merged label the row sits under, if any (`（三）不予公开`).
    #[serde(default)]
    pub group: Option<String>,
    /// Short name used in messages (`一、本年新收`).
    #[serde(default)]
    pub short: Option<String>,
    #[serde(default = "main_set")]
    pub columns: String,
    /// Overrides the columns' kind for every cell of this row.
    #[serde(default)]
    pub kind: Option<CellKind>,
    /// Computed: the sum of these rows in the same column.
    #[serde(default)]
    pub sum_of_rows: Vec<String>,
    /// Rule id for computed cells of this row (overrides the column's).
    #[serde(default)]
    pub rule: Option<String>,
    /// Rule id for a cell of this row whose text is not a valid value.
    #[serde(default)]
    pub type_rule: Option<String>,
    /// `不适用` is an allowed answer.
    #[serde(default)]
    pub allow_na: bool,
}

fn main_set() -> String {
    "main".to_string()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubtotalDef {
    pub key: String,
    /// The group it totals (`（三）不予公开`).
    pub name: String,
    /// Inserted after this data row.
    pub after: String,
    pub rows: Vec<String>,
    /// Grid column where the `小计` label goes.
    pub label_col: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// 错误: blocks a final export.
    E,
    /// 警告: may be explained.
    W,
    /// 提示.
    I,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::E => "错误",
            Severity::W => "警告",
            Severity::I => "提示",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleDef {
    pub id: String,
    pub severity: Severity,
    /// Expansion: the rule is instantiated once per key, `{k}` in its terms replaced.
    #[serde(default)]
    pub each: Option<Each>,
    pub check: Check,
    /// Sentence appended to the generated message.
    #[serde(default)]
    pub hint: Option<String>,
    /// Replaces the generated message. Placeholders: `{scope}`, `{l}`, `{r}`, `{d}` (l − r).
    #[serde(default)]
    pub message: Option<String>,
    /// The rule states how a cell carries over from last year's report (`Cmp` of one cell with
    /// last year's `prev:` terms, e.g. 上年结转 = 上年的结转下年度). Roll-over pre-fills the cell
    /// from it, the window shows last year's figure from it, and X-01 leaves the cell to it.
    #[serde(default)]
    pub carry: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Each {
    /// Once per column of a table's column set (all columns when `keys` is empty). Messages name
    /// the column once and each cell by its row.
    Columns {
        table: String,
        #[serde(default = "main_set")]
        set: String,
        #[serde(default)]
        keys: Vec<String>,
    },
    /// Once per data row. Messages name the row once and each cell by its column.
    Rows { table: String, keys: Vec<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    Eq,
    Le,
    Ge,
    Lt,
    Gt,
}

impl Op {
    pub fn holds(self, l: i64, r: i64) -> bool {
        match self {
            Op::Eq => l == r,
            Op::Le => l <= r,
            Op::Ge => l >= r,
            Op::Lt => l < r,
            Op::Gt => l > r,
        }
    }

    /// How a violation reads: "左边 … 右边".
    pub fn violation(self) -> &'static str {
        match self {
            Op::Eq => "不等于",
            Op::Le => "大于",
            Op::Ge => "小于",
            Op::Lt => "不小于",
            Op::Gt => "不大于",
        }
    }

    pub fn phrase(self) -> &'static str {
        match self {
            Op::Eq => "等于",
            Op::Le => "不大于",
            Op::Ge => "不小于",
            Op::Lt => "小于",
            Op::Gt => "大于",
        }
    }
}

/// What must hold. Terms are strings: `t3.new.{k}` (a cell), `prev:t3.carry_out.{k}` (last
/// year's reference value), a leading `-` to subtract, or a whole number.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Check {
    Cmp {
        left: Vec<String>,
        op: Op,
        right: Vec<String>,
    },
    /// `then` must hold whenever every condition holds; skipped when a condition cannot be decided.
    When {
        cond: Vec<Cond>,
        then: Box<Check>,
    },
    /// Every listed cell is 0 (or blank).
    AllZero(Vec<String>),
    /// A text section is filled in and is not just one of `reject` (e.g. `无`).
    TextFilled {
        section: String,
        #[serde(default)]
        reject: Vec<String>,
    },
    /// A text section contains no digits (so cannot silently contradict the tables) — apart
    /// from the sentence the template writes from the tables, which cannot contradict them.
    NoDigits {
        section: String,
    },
    /// Every sub-section (（一）主动公开 …) has text: an empty one prints as a bare heading.
    SubsectionsFilled,
    /// A section has something in it: its text, a sub-section's text, or a figure in one of its
    /// tables (S-11 …: an empty 一、总体情况 prints as a bare heading).
    SectionFilled {
        section: String,
    },
    /// A sentence copied from last year's report that still names last year (`2024年`).
    CopiedLastYear,
    /// Every cell of the form holds a valid value (G-01 / G-03 and table overrides).
    CellTypes,
    /// No input cell is blank (G-02).
    NoBlanks,
    /// The report year is over and the 落款 date is after it (G-04).
    ReportPeriod,
    /// The format fits the report year (§2).
    FormatForYear,
    /// The draft's text sections are exactly the template's (S-01).
    Structure,
    /// 机关全称 and 落款 are filled in.
    UnitDetails,
    /// A figure changed from last year's by more than `factor` times (when the larger of the
    /// two is at least `min`): worth a second look, often a typing slip.
    YearOverYear {
        factor: i64,
        min: i64,
    },
    /// 与上年重复率 (the RP checks): the texts against last year's (kept in the draft, or given
    /// with `--prev`). `Sections`: each section with at least `min_chars` characters whose rate
    /// is over `percent`; `Report`: the whole report; `Rates`: states every rate (a hint).
    Repetition {
        scope: RepetitionScope,
        #[serde(default = "fifty")]
        percent: u32,
        #[serde(default)]
        min_chars: usize,
    },
    /// ASCII punctuation in Chinese sentences (`,` `;` `:` `(` `)` …, not in numbers, dates or
    /// web addresses); 标点规范化 is the fix.
    AsciiPunctuation,
    /// A character of `chars` typed twice (「的的」), or a word of two to four characters typed
    /// twice (「工作工作」); the `except` words are meant (「目的的」).
    Doubled {
        chars: String,
        #[serde(default)]
        except: Vec<String>,
    },
    /// Placeholders left in the text: each pattern a regular expression (`XX`, `××`, `某某`,
    /// `【】`, `（此处填写…）`).
    Placeholders {
        patterns: Vec<String>,
    },
    /// A year, in a phrase describing the report period (`patterns`; `{y}` is the year), that is
    /// neither the report year nor the year before. The next year is allowed in a sentence
    /// with one of the `future` words (a plan). Years in 《titles》 and spans (2021—2025年) are
    /// not the period.
    PeriodYears {
        patterns: Vec<String>,
        #[serde(default)]
        future: Vec<String>,
    },
    /// Words the tables contradict: one of `patterns` (regular expressions) in a sentence that
    /// holds one of the `context` words (any sentence, when empty), while any of `when_any`
    /// holds (「均已办结」 while 结转下年度 > 0), unless it holds one of the `unless` words.
    /// `sections`: where (every text when empty).
    TextClaim {
        patterns: Vec<String>,
        #[serde(default)]
        context: Vec<String>,
        /// A sentence holding one of these is not the claim (「上年结转的申请均已办结」).
        #[serde(default)]
        unless: Vec<String>,
        when_any: Vec<Cond>,
        #[serde(default)]
        sections: Vec<String>,
    },
    /// Every section heading present in a published file (S-01 for what it printed).
    HeadingsPresent,
    /// Every printed section heading numbered 一 to 六 in order, with the official words.
    HeadingsVerbatim,
    /// A line inside a section that reads like a top-level heading (`二、改进措施`): a sub-item
    /// promoted, or a part the format does not have.
    PromotedHeadings,
    /// Sub-headings numbered （一）（二）… without a gap, a restart or an empty number.
    SubheadingNumbers,
    /// The sections (each with its sub-sections) together hold at most `max` characters;
    /// white space counts only with `spaces`, punctuation only with `punctuation`.
    MaxLength {
        sections: Vec<String>,
        max: usize,
        #[serde(default)]
        spaces: bool,
        #[serde(default = "yes")]
        punctuation: bool,
    },
    /// For each subject, the sections (with their sub-sections) must state a count: one of its
    /// patterns (`{n}` the number, as in `TextFigure`) occurs.
    Mentions {
        sections: Vec<String>,
        subjects: Vec<Subject>,
    },
    /// The 落款 date is on or before a deadline: `MM-DD` in the year after the report year, or a
    /// full date `2026-01-20`. Past it with no 落款 date, the report is late.
    Deadline {
        date: String,
    },
    /// A figure the text states must equal the tables (the TX checks): wherever one of
    /// `patterns` occurs in the `sections` (every section when empty), its number is compared
    /// with the sum of `cells`; the finding quotes the sentence.
    TextFigure {
        patterns: Vec<super::text_checks::TextPattern>,
        cells: Vec<String>,
        #[serde(default)]
        sections: Vec<String>,
    },
}

/// What the RP checks report on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RepetitionScope {
    Sections,
    Report,
    Rates,
}

fn fifty() -> u32 {
    50
}

/// A subject whose count a report must state (a rule pack's required mentions).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subject {
    /// How the message names it (`政策解读发布数量`).
    pub name: String,
    pub patterns: Vec<super::text_checks::TextPattern>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Cond {
    Cmp {
        left: Vec<String>,
        op: Op,
        right: Vec<String>,
    },
    /// The unit has said it has no power to make 规章.
    NoRuleMakingPower,
}

/// Errors in a template file: only a developer can cause them, but they are reported precisely.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TemplateError {
    #[error("模板“{id}”第{line}行第{col}列无法解析：{msg}")]
    Parse { id: String, line: usize, col: usize, msg: String },
    #[error("未知的模板“{0}”")]
    Unknown(String),
    #[error("模板 {id} 有误：{msg}")]
    Invalid { id: String, msg: String },
}

impl Template {
    /// Parses a template file; `origin` names it in messages (a built-in id or a file path).
    pub fn parse(origin: &str, text: &str) -> Result<Template, TemplateError> {
        ron::from_str(text).map_err(|e| TemplateError::Parse {
            id: origin.to_string(),
            line: e.span.start.line,
            col: e.span.start.col,
            msg: e.code.to_string(),
        })
    }

    /// A registered template (built-in or the user's) by id.
    pub fn get(id: &str) -> Result<Template, TemplateError> {
        registry::with(|r| match r.find(id) {
            Some(Ok(t)) => Ok(t.template.as_ref().clone()),
            Some(Err(e)) => Err(e.clone()),
            None => Err(TemplateError::Unknown(id.to_string())),
        })
    }

    /// Every usable template, built-in ones first, in registration order.
    pub fn all() -> Vec<Template> {
        registry::with(|r| r.usable().map(|e| e.template.as_ref().clone()).collect())
    }

    /// The ids of the built-in templates.
    pub fn builtin_ids() -> Vec<String> {
        registry::with(|r| r.usable().filter(|e| e.builtin).map(|e| e.template.id.clone()).collect())
    }

    /// Every usable template of a kind.
    pub fn of_kind(kind: TemplateKind) -> Vec<Template> {
        Template::all().into_iter().filter(|t| t.kind == kind).collect()
    }

    /// The report format for a report year (spec §2), from the templates' `first_year`/`last_year`:
    /// of the formats that apply, the newest (highest `first_year`; a built-in one wins a tie).
    /// A year before every format gets the earliest one (G-05 then says so).
    pub fn format_for_year(year: i32) -> String {
        let reports = Template::of_kind(TemplateKind::Report);
        let mut best: Option<&Template> = None;
        for t in reports.iter().filter(|t| t.applies_to(year)) {
            if best.is_none_or(|b| t.first_year > b.first_year) {
                best = Some(t);
            }
        }
        best.or_else(|| reports.iter().min_by_key(|t| t.first_year)).map(|t| t.id.clone()).unwrap_or_default()
    }

    /// The earliest report year any format covers.
    pub fn first_supported_year() -> Option<i32> {
        Template::of_kind(TemplateKind::Report).iter().map(|t| t.first_year).min()
    }

    pub fn applies_to(&self, year: i32) -> bool {
        year >= self.first_year && self.last_year.is_none_or(|last| year <= last)
    }

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

/// The templates known to this process: the built-in ones, parsed once, plus the user's.
mod registry {
    use std::sync::{Arc, OnceLock, RwLock};

    use super::{BUILTIN, Template, TemplateError};

    pub struct Entry {
        pub template: Arc<Template>,
        pub builtin: bool,
        /// The file a user template came from.
        pub origin: Option<String>,
    }

    #[derive(Default)]
    pub struct Registry {
        entries: Vec<Entry>,
        /// Built-in templates that failed to parse (a build defect, reported when used).
        broken: Vec<(String, TemplateError)>,
    }

    impl Registry {
        pub fn find(&self, id: &str) -> Option<Result<&Entry, &TemplateError>> {
            if let Some(e) = self.entries.iter().find(|e| e.template.id == id) {
                return Some(Ok(e));
            }
            // Built-in files are named after their id.
            self.broken.iter().find(|(file, _)| file.trim_end_matches(".ron") == id).map(|(_, e)| Err(e))
        }

        pub fn usable(&self) -> impl Iterator<Item = &Entry> {
            self.entries.iter()
        }

        /// Adds a template: built-in without an origin, the user's with its file.
        pub fn add(&mut self, template: Template, origin: Option<String>) {
            let builtin = origin.is_none();
            self.entries.push(Entry { template: Arc::new(template), builtin, origin });
        }
    }

    fn cell() -> &'static RwLock<Registry> {
        static REGISTRY: OnceLock<RwLock<Registry>> = OnceLock::new();
        REGISTRY.get_or_init(|| {
            let mut r = Registry::default();
            for (file, text) in BUILTIN {
                match Template::parse(file, text) {
                    Ok(t) => r.add(t, None),
                    Err(e) => r.broken.push((file.to_string(), e)),
                }
            }
            RwLock::new(r)
        })
    }

    pub fn with<T>(f: impl FnOnce(&Registry) -> T) -> T {
        // A poisoned lock only means another thread panicked while adding a template; the
        // list itself is still whole (entries are pushed in one step).
        let guard = cell().read().unwrap_or_else(|p| p.into_inner());
        f(&guard)
    }

    pub fn with_mut<T>(f: impl FnOnce(&mut Registry) -> T) -> T {
        let mut guard = cell().write().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
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
    pub rules: Vec<super::rules::CompiledRule>,
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
    /// Last year's figure for the carried cell; `None` when last year has none of its parts.
    pub fn value(&self, reference: &super::report::Reference) -> Option<super::value::Num> {
        let mut any = false;
        let mut sum = super::value::Num::ZERO;
        for (neg, id) in &self.from {
            if let Some(v) = reference.value(id) {
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
                let compiled = super::rules::compile(&form, rule)
                    .map_err(|msg| TemplateError::Invalid { id: t.id.clone(), msg })?;
                form.rules.extend(compiled);
            }
        }
        form.carries =
            super::rules::carries(&form).map_err(|msg| TemplateError::Invalid { id: form.template.id.clone(), msg })?;
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
        // A template id never changes meaning in a process (a registered id is never replaced),
        // so a compiled form is kept: compiling (cells, layout, rules and their text patterns)
        // costs far more than copying, and a county's check compiles the same form hundreds of times.
        type Cache = std::sync::Mutex<HashMap<(String, Vec<String>), Form>>;
        static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let key = (template.to_string(), annexes.to_vec());
        if let Some(form) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(form.clone());
        }
        let main = Template::get(template)?;
        if main.kind != TemplateKind::Report {
            return Err(TemplateError::Invalid { id: template.into(), msg: "不是报告格式模板".into() });
        }
        let annexes = annexes.iter().map(|a| Template::get(a)).collect::<Result<Vec<_>, _>>()?;
        let form = Form::build(main, annexes)?;
        cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key, form.clone());
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
