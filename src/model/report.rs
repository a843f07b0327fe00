//! The report as data: what the staffer entered, keyed by stable ids, never by screen position.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use super::date::Date;
use super::form::Form;
use super::template::{Template, TemplateError};
use super::value::{CellValue, Num, parse_cell};

/// Report years the app accepts at all (a year outside is a typing slip or a broken file).
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2200;

/// Reads a report year as people write it: `2021`, `2021年`, `2021年度`, full-width `２０２１`, or
/// in Chinese numerals `二〇二一` / `二零二一年`. `None` for anything else (no guessing: a year
/// outside [`YEARS`] or with stray characters is not a year).
pub fn parse_year(s: &str) -> Option<i32> {
    let s = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    let s = s.strip_suffix("年度").or_else(|| s.strip_suffix('年')).unwrap_or(s).trim();
    if s.is_empty() || s.chars().count() > 4 {
        return None;
    }
    let mut year: i32 = 0;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '\u{FF10}'..='\u{FF19}' => c as u32 - 0xFF10,
            '〇' | '零' | 'Ｏ' | 'O' | 'o' => 0,
            '一' => 1,
            '二' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        };
        year = year * 10 + d as i32;
    }
    (s.chars().count() == 4 && YEARS.contains(&year)).then_some(year)
}

/// The unit's details, copied forward every year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnitInfo {
    /// 机关全称, used in the title.
    pub name: String,
    /// 落款名称: the name over the seal (usually the same as `name`).
    pub signature: String,
    pub phone: String,
    pub address: String,
    pub postcode: String,
    pub website: String,
    /// Whether the unit may make 规章 (国务院部门, 省/设区的市/自治州人民政府); `None` = not said.
    pub makes_rules: Option<bool>,
}

impl UnitInfo {
    /// The text fields with their labels, in form order.
    pub fn labelled(&self) -> [(&'static str, &String); 6] {
        [
            ("机关全称", &self.name),
            ("落款名称", &self.signature),
            ("联系电话", &self.phone),
            ("地址", &self.address),
            ("邮编", &self.postcode),
            ("网址", &self.website),
        ]
    }

    /// The name to sign with: 落款名称, or 机关全称 when that is empty.
    pub fn signing_name(&self) -> &str {
        if self.signature.trim().is_empty() { &self.name } else { &self.signature }
    }
}

/// Where the "statistics period and contact" sentences go (spec §3: both placements are seen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpeningPlacement {
    /// As an opening paragraph before 一、总体情况 (most reports).
    #[default]
    Start,
    /// At the end, after section 六 (as the seed report does).
    End,
}

/// Title patterns seen in published reports (spec §8.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TitlePattern {
    /// `{单位}{Y}年政府信息公开工作年度报告`
    #[default]
    UnitYear,
    /// `{单位}{Y}年度政府信息公开工作年度报告`
    UnitYearDu,
    /// `{Y}年{单位}政府信息公开工作年度报告`
    YearUnit,
}

/// Where page numbers go (spec §8.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageNumbers {
    /// GB/T 9704: odd pages right, even pages left, one character in (double-sided printing).
    #[default]
    Outside,
    /// Centred (many agencies print single-sided).
    Center,
}

/// Per-report choices that change the printed document, not the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportOptions {
    pub title_pattern: TitlePattern,
    pub opening: OpeningPlacement,
    /// A custom opening paragraph; `None` means generated from the unit details.
    pub opening_text: Option<String>,
    /// Print table 四 on a landscape page rather than shrinking it.
    pub landscape_table4: bool,
    /// Print blank input cells as `0` (otherwise export warns about them).
    pub blank_as_zero: bool,
    /// Print the 落款 (name and date) for the seal.
    pub signature_block: bool,
    /// With no 落款 date in the draft, leave the date line blank to be written by hand
    /// (chosen by the user; otherwise a missing date is a warning and the PDF a draft).
    pub date_by_hand: bool,
    pub page_numbers: PageNumbers,
    /// Unit of money cells whose template leaves it open (GB2019 采购总金额), by cell id.
    pub money_units: BTreeMap<String, String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            title_pattern: TitlePattern::default(),
            opening: OpeningPlacement::default(),
            opening_text: None,
            landscape_table4: false,
            blank_as_zero: false,
            signature_block: true,
            date_by_hand: false,
            page_numbers: PageNumbers::default(),
            money_units: BTreeMap::new(),
        }
    }
}

/// Last year's figures kept in this year's draft so the cross-year checks run without the old
/// file (design: "the reference values taken from last year's report").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub year: i32,
    pub template: String,
    /// Values by cell id, computed totals included, as canonical text.
    pub cells: BTreeMap<String, String>,
    /// Last year's text sections, shown read-only beside this year's editors.
    #[serde(default)]
    pub sections: BTreeMap<String, String>,
}

impl Reference {
    pub fn value(&self, id: &str) -> Option<Num> {
        let text = self.cells.get(id)?;
        parse_cell(text, &super::value::CellKind::Signed, false)
            .num()
            .or_else(|| parse_cell(text, &super::value::CellKind::Money { unit: None }, false).num())
    }
}

/// One report: the whole content of a draft file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Template id: `gb2021` or `gb2019`.
    pub template: String,
    pub year: i32,
    #[serde(default)]
    pub unit: UnitInfo,
    /// 落款 date.
    #[serde(default)]
    pub signed_on: Option<Date>,
    /// What was typed in each input cell, by cell id. Blank cells are absent.
    #[serde(default)]
    pub cells: BTreeMap<String, String>,
    /// Text sections by key (`s1` … `s6`, `s1.1` …).
    #[serde(default)]
    pub sections: BTreeMap<String, String>,
    /// The user's explanations of warnings, by finding key.
    #[serde(default)]
    pub explanations: BTreeMap<String, String>,
    /// Optional annex templates the report carries (e.g. `guizhou-annex`).
    #[serde(default)]
    pub annexes: Vec<String>,
    #[serde(default)]
    pub reference: Option<Reference>,
    #[serde(default)]
    pub options: ReportOptions,
    /// When the report is a sum of units' reports (a county's total): the units added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub summed_from: Vec<String>,
}

impl Report {
    /// An empty report in the format that fits the year.
    pub fn new(template: &str, year: i32, unit_name: &str) -> Report {
        let mut sections = BTreeMap::new();
        if let Ok(t) = Template::get(template) {
            for s in &t.sections {
                sections.insert(s.id.clone(), String::new());
                for sub in &s.subsections {
                    sections.insert(sub.id.clone(), String::new());
                }
            }
        }
        Report {
            template: template.to_string(),
            year,
            unit: UnitInfo { name: unit_name.to_string(), signature: unit_name.to_string(), ..UnitInfo::default() },
            signed_on: None,
            cells: BTreeMap::new(),
            sections,
            explanations: BTreeMap::new(),
            annexes: Vec::new(),
            reference: None,
            options: ReportOptions::default(),
            summed_from: Vec::new(),
        }
    }

    /// The compiled form for this report's template and annexes.
    pub fn form(&self) -> Result<std::sync::Arc<Form>, TemplateError> {
        Form::of(&self.template, &self.annexes)
    }

    /// A cell's kind in this report: a money cell whose template leaves the unit open takes the
    /// unit the report chose (GB2019 采购总金额 in 元 or 万元).
    pub fn kind_of<'a>(&self, cell: &'a super::form::CellDef) -> std::borrow::Cow<'a, super::value::CellKind> {
        use super::value::CellKind;
        match (&cell.kind, self.options.money_units.get(&cell.id)) {
            (CellKind::Money { unit: None }, Some(u)) => {
                std::borrow::Cow::Owned(CellKind::Money { unit: Some(u.clone()) })
            }
            (kind, _) => std::borrow::Cow::Borrowed(kind),
        }
    }

    /// Nothing typed yet: no figure in any cell and no text in any section (a new draft, with
    /// only its unit's name). The county's summary calls it 未填写, not 有警告.
    pub fn is_blank(&self) -> bool {
        self.cells.values().all(|v| v.trim().is_empty()) && self.sections.values().all(|t| t.trim().is_empty())
    }

    pub fn cell_text(&self, id: &str) -> &str {
        self.cells.get(id).map(String::as_str).unwrap_or("")
    }

    /// Sets a cell's text, without the surrounding white space that carries no meaning; empty
    /// text removes it (blank).
    pub fn set_cell(&mut self, id: &str, text: &str) {
        let text = text.trim_matches(|c: char| c.is_whitespace());
        if text.is_empty() {
            self.cells.remove(id);
        } else {
            self.cells.insert(id.to_string(), text.to_string());
        }
    }

    pub fn section(&self, key: &str) -> &str {
        self.sections.get(key).map(String::as_str).unwrap_or("")
    }

    /// The report title in the chosen pattern.
    pub fn title(&self) -> String {
        self.title_parts().concat()
    }

    /// The title in the pieces where a line may break without splitting words (GB/T 9704:
    /// 回行时要做到词意完整): the unit's name and the rest.
    pub fn title_parts(&self) -> Vec<String> {
        let unit = self.unit.name.trim();
        let y = self.year;
        match self.options.title_pattern {
            TitlePattern::UnitYear => vec![unit.to_string(), format!("{y}年政府信息公开工作年度报告")],
            TitlePattern::UnitYearDu => vec![unit.to_string(), format!("{y}年度政府信息公开工作年度报告")],
            TitlePattern::YearUnit => vec![format!("{y}年{unit}"), "政府信息公开工作年度报告".to_string()],
        }
    }

    /// The opening paragraph generated from the unit details (spec §3, observed pattern).
    pub fn generated_opening(&self) -> String {
        let y = self.year;
        let unit = self.unit.name.trim();
        let mut s = String::from(
            "本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制，全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。",
        );
        s.push_str(&format!("本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"));
        if !self.unit.website.trim().is_empty() {
            s.push_str(&format!("本年度报告电子版可在{}下载。", self.unit.website.trim()));
        }
        let mut contact = Vec::new();
        if !self.unit.address.trim().is_empty() {
            contact.push(format!("地址：{}", self.unit.address.trim()));
        }
        if !self.unit.postcode.trim().is_empty() {
            contact.push(format!("邮编：{}", self.unit.postcode.trim()));
        }
        if !self.unit.phone.trim().is_empty() {
            contact.push(format!("电话：{}", self.unit.phone.trim()));
        }
        if !unit.is_empty() {
            if contact.is_empty() {
                s.push_str(&format!("如对本报告有疑问，请与{unit}联系。"));
            } else {
                s.push_str(&format!("如对本报告有疑问，请与{unit}联系（{}）。", contact.join("；")));
            }
        }
        s
    }

    /// The opening paragraph as printed: the user's text, or the generated one.
    pub fn opening(&self) -> String {
        match &self.options.opening_text {
            Some(t) if !t.trim().is_empty() => t.clone(),
            _ => self.generated_opening(),
        }
    }
}

/// The current values of every cell of a form for a report: parsed inputs and computed totals.
#[derive(Debug, Clone)]
pub struct Values {
    pub cells: Vec<CellValue>,
}

impl Values {
    /// Parses inputs and computes every formula (blank parts count as 0; a total is blank only
    /// when all its parts are, and unknown when any part is invalid).
    pub fn compute(form: &Form, report: &Report) -> Values {
        let mut cells: Vec<CellValue> = form
            .cells
            .iter()
            .map(|c| {
                if c.is_input() {
                    parse_cell(report.cell_text(&c.id), &report.kind_of(c), c.allow_na)
                } else {
                    CellValue::Blank
                }
            })
            .collect();
        for &ix in &form.eval_order {
            let Some(super::form::Formula::Sum(parts)) = &form.cells[ix].formula else { continue };
            let mut sum = Some(Num::ZERO);
            let mut any = false;
            let mut invalid = false;
            for &p in parts {
                match &cells[p] {
                    CellValue::Num(n) => {
                        any = true;
                        sum = sum.and_then(|s| s.checked_add(*n));
                    }
                    CellValue::Invalid(_) => invalid = true,
                    CellValue::Blank | CellValue::NotApplicable => {}
                }
            }
            let error = |reason| CellValue::Invalid(super::value::ValueError { text: "合计".into(), reason });
            cells[ix] = match (invalid, any, sum) {
                (true, _, _) => error(super::value::Reason::DependsOnInvalid),
                (false, false, _) => CellValue::Blank,
                (false, true, Some(s)) => CellValue::Num(s),
                (false, true, None) => error(super::value::Reason::TooLarge),
            };
        }
        Values { cells }
    }

    pub fn get(&self, ix: usize) -> &CellValue {
        &self.cells[ix]
    }

    /// The number in a cell; blank counts as 0, invalid is `None`.
    pub fn num_or_zero(&self, ix: usize) -> Option<Num> {
        match &self.cells[ix] {
            CellValue::Num(n) => Some(*n),
            CellValue::Blank | CellValue::NotApplicable => Some(Num::ZERO),
            CellValue::Invalid(_) => None,
        }
    }
}

/// Fills a sentence the template declares (`{t3.new.total}` → that cell's value; a blank cell
/// counts as 0). `None` when no cell it names has a number yet, or it names an unknown cell.
pub fn fill_sentence(form: &Form, values: &Values, pattern: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = pattern;
    let mut any = false;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}')? + open;
        let ix = *form.index.get(&rest[open + 1..close])?;
        match values.get(ix) {
            CellValue::Num(n) => {
                any = true;
                out.push_str(&n.to_string());
            }
            CellValue::Invalid(_) => return None,
            CellValue::Blank | CellValue::NotApplicable => out.push('0'),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    any.then_some(out)
}
