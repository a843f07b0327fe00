//! Form definitions as data (design principle 1).
//!
//! A template (`assets/templates/*.ron`) describes the report's sections, its tables as printed
//! grids (merged cells included) and its rules. The grid, the PDF, CSV import/export and the rule
//! engine are all driven by the compiled form (`model::form`), so a new national format or a provincial table
//! is a new RON file rather than new code.

use std::collections::BTreeMap;

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
    /// Every printed table is in the report: a published report read from a file that lacks a
    /// table altogether (a page saved before it had loaded, a table left out) is incomplete,
    /// which is more than blanks to fill in (S-07). A draft always has its tables.
    TablesPresent,
    /// The report year is over and the 落款 date is after it (G-04).
    ReportPeriod,
    /// The format fits the report year (§2).
    FormatForYear,
    /// The draft's text sections are exactly the template's (S-01): none the format lacks, and
    /// none of its parts missing (a published report read from a file without a part's
    /// heading: [`super::rules::Context::absent_sections`]).
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
        patterns: Vec<TextPattern>,
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
    pub patterns: Vec<TextPattern>,
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
    /// Its tables, formulas or rules do not compile.
    #[error("模板 {id} 有误：{source}")]
    Form { id: String, source: Box<FormError> },
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
}

/// The templates known to this process: the built-in ones, parsed once, plus the user's.
pub(super) mod registry {
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

/// Why a template's tables, formulas or rules do not compile into a form: said to whoever
/// wrote the template or rule pack, in the words of its file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("单元格 {0} 重复")]
    DuplicateCell(String),
    #[error("公式引用了不存在的单元格 {0}")]
    FormulaCell(String),
    #[error("公式循环引用：{0}")]
    Cycle(String),
    #[error("{table}：第{row}行超出{columns}列")]
    RowTooWide { table: String, row: usize, columns: usize },
    #[error("{table}：第{row}行的合并单元格超出表格")]
    MergeOutside { table: String, row: usize },
    #[error("{table}：第{row}行单元格重叠")]
    Overlap { table: String, row: usize },
    #[error("{table}：第{row}行未填满{columns}列")]
    RowShort { table: String, row: usize, columns: usize },
    #[error("规则 {0}：carry 规则应为“本年单元格 = 上年单元格之和”")]
    CarryShape(String),
    #[error("规则 {0}：carry 规则左边应为一个本年单元格")]
    CarryLeft(String),
    #[error("规则 {0}：carry 规则右边只能是上年数（prev:）")]
    CarryRight(String),
    #[error("规则 {rule}：表 {table} 没有列组 {set}")]
    NoColumnSet { rule: String, table: String, set: String },
    #[error("规则 {rule}：未知的列 {key}")]
    UnknownColumn { rule: String, key: String },
    #[error("规则 {rule}：未知的行 {key}")]
    UnknownRow { rule: String, key: String },
    /// A rule's check does not compile (the inner error says why).
    #[error("规则 {rule}：{source}")]
    InRule { rule: String, source: Box<FormError> },
    #[error("未知的表 {0}")]
    UnknownTable(String),
    #[error("未知的单元格 {0}")]
    UnknownCell(String),
    #[error("未知的正文部分 {0}")]
    UnknownSection(String),
    #[error("期限“{0}”无效（应写成01-31，即报告年度次年的1月31日，或2026-01-20）")]
    Deadline(String),
    #[error("模式“{pattern}”中没有{placeholder}")]
    NoPlaceholder { pattern: String, placeholder: String },
    #[error("模式“{pattern}”无效：{error}")]
    Pattern { pattern: String, error: String },
    #[error("正文数字模式“{0}”既没有{{n}}也没有value")]
    NumberPattern(String),
    #[error("正文数字模式“{pattern}”无效：{error}")]
    BadNumberPattern { pattern: String, error: String },
    #[error("常数 {0} 无效")]
    Constant(String),
    #[error("常数 {0} 过大")]
    ConstantTooLarge(String),
}

impl Template {
    /// The sentences a template writes from the tables, as patterns whatever their figures: they
    /// are left out of the comparison (the same words every year, by design) by the repetition measure.
    pub fn generated_sentences(&self) -> Vec<regex::Regex> {
        let number = r"\s*[0-9０-９][0-9０-９,，.．]*\s*";
        self.sections
            .iter()
            .flat_map(|s| std::iter::once(&s.sentence).chain(s.subsections.iter().map(|x| &x.sentence)))
            .flatten()
            .filter_map(|sentence| {
                let mut pattern = String::new();
                let mut rest = sentence.text.as_str();
                while let Some(open) = rest.find('{') {
                    let close = rest[open..].find('}')? + open;
                    pattern.push_str(&regex::escape(&rest[..open]));
                    pattern.push_str(number);
                    rest = &rest[close + 1..];
                }
                pattern.push_str(&regex::escape(rest));
                regex::Regex::new(&pattern).ok()
            })
            .collect()
    }
}

/// One way the text states a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextPattern {
    /// A regular expression; `{n}` stands for the number (Arabic digits with or without
    /// thousands separators, full-width digits, or Chinese numerals such as 十二).
    pub regex: String,
    /// The figure the words themselves state when there is no number (「未收到政府信息公开申请」
    /// states 0).
    #[serde(default)]
    pub value: Option<i64>,
}
