//! Adding the units' tables up cell by cell (a county's or a system's total), and comparing a
//! report that claims to be a total with the sum of its parts.
//!
//! Reports are added one at a time ([`Summer::add`]) and then dropped, so a hundred units cost
//! no more memory than one. Only input cells are added; totals are computed from them as in any
//! report, so the sum's totals are the sum of the units' totals by construction.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::value::{CellValue, Num, parse_cell};
use crate::model::{Form, Report};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SumError {
    #[error("没有可汇总的报告")]
    Nothing,
    #[error("“{path}”是{got}年度的报告，与其他报告（{want}年度）不同，不能汇总；请去掉该文件或分年度汇总", path = .path.display())]
    Year { path: PathBuf, got: i32, want: i32 },
    #[error("“{path}”是{got}格式，与其他报告（{want}格式）不同，不能逐格相加；请去掉该文件或按格式分别汇总", path = .path.display())]
    Format { path: PathBuf, got: String, want: String },
    #[error("“{path}”的“{cell}”以{got}填报，其他报告以{want}填报，不能直接相加；请统一单位后再汇总", path = .path.display())]
    MoneyUnit { path: PathBuf, cell: String, got: String, want: String },
    #[error("“{path}”中的{what}")]
    Form { path: PathBuf, what: String },
    #[error("“{path}”与“{first}”都是“{unit}”的报告，同一单位只能计入一次；请去掉其中一份", path = .path.display(), first = .first.display())]
    Duplicate { path: PathBuf, first: PathBuf, unit: String },
    #[error("“{cell}”的合计超出可处理的范围（一万亿），请核对各单位的数字")]
    Overflow { cell: String },
}

/// One cell being added up.
#[derive(Debug, Clone, Default)]
struct Acc {
    total: Num,
    /// Units that filled the cell.
    filled: usize,
}

/// The running sum.
pub struct Summer {
    form: Option<std::sync::Arc<Form>>,
    template: String,
    year: Option<i32>,
    annexes: Vec<String>,
    money_units: BTreeMap<String, String>,
    cells: Vec<Acc>,
    units: Vec<(String, PathBuf)>,
    /// Per unit: input cells it left blank while another unit filled them (counted as 0), and
    /// texts that are not numbers (left out).
    blanks: Vec<usize>,
    invalid: Vec<String>,
}

/// The finished sum.
#[derive(Debug, Clone)]
pub struct Summed {
    pub report: Report,
    /// The units added, in order, with their files.
    pub units: Vec<(String, PathBuf)>,
    /// What the user should know (blank cells counted as 0, values left out).
    pub notes: Vec<String>,
}

impl Summer {
    /// A sum of reports of `year`, when given (otherwise of the first report's year).
    pub fn new(year: Option<i32>) -> Summer {
        Summer {
            form: None,
            template: String::new(),
            year,
            annexes: Vec::new(),
            money_units: BTreeMap::new(),
            cells: Vec::new(),
            units: Vec::new(),
            blanks: Vec::new(),
            invalid: Vec::new(),
        }
    }

    /// Adds one unit's report; a report of another year or format is refused, naming its file.
    pub fn add(&mut self, path: &Path, report: &Report) -> Result<(), SumError> {
        if let Some(want) = self.year
            && report.year != want
        {
            return Err(SumError::Year { path: path.to_path_buf(), got: report.year, want });
        }
        if self.form.is_none() {
            // The first report sets the format and the annexes every other must have.
            let form = report.form().map_err(|e| SumError::Form { path: path.to_path_buf(), what: e.to_string() })?;
            self.template = report.template.clone();
            self.year = Some(report.year);
            self.annexes = report.annexes.clone();
            self.money_units = report.options.money_units.clone();
            self.cells = vec![Acc::default(); form.cells.len()];
            self.form = Some(form);
        }
        let Some(form) = self.form.as_ref() else { return Err(SumError::Nothing) };
        if report.template != self.template {
            return Err(SumError::Format {
                path: path.to_path_buf(),
                got: format_name(&report.template),
                want: format_name(&self.template),
            });
        }
        if report.annexes != self.annexes {
            let list = |a: &[String]| if a.is_empty() { "无附表".to_string() } else { a.join("、") };
            return Err(SumError::Format {
                path: path.to_path_buf(),
                got: format!("{}（{}）", format_name(&report.template), list(&report.annexes)),
                want: format!("{}（{}）", format_name(&self.template), list(&self.annexes)),
            });
        }
        for (id, unit) in &report.options.money_units {
            let want = self.money_units.get(id).cloned().unwrap_or_default();
            if *unit != want && form.index.contains_key(id) {
                let cell = form.index.get(id).map(|&ix| form.cell_path(ix)).unwrap_or_else(|| id.clone());
                return Err(SumError::MoneyUnit { path: path.to_path_buf(), cell, got: unit.clone(), want });
            }
        }
        let unit = report.unit.name.trim().to_string();
        let key = super::normalize_unit(&unit);
        if let Some((_, first)) = self.units.iter().find(|(u, _)| !key.is_empty() && super::normalize_unit(u) == key) {
            return Err(SumError::Duplicate { path: path.to_path_buf(), first: first.clone(), unit });
        }
        let mut blank = 0;
        let mut invalid = Vec::new();
        // Validate first, add after: a refused report leaves the sum as it was.
        let mut adds: Vec<(usize, Num)> = Vec::new();
        for (ix, cell) in form.cells.iter().enumerate().filter(|(_, c)| c.is_input()) {
            let text = report.cell_text(&cell.id);
            match parse_cell(text, &report.kind_of(cell), cell.allow_na) {
                CellValue::Num(n) => adds.push((ix, n)),
                CellValue::Blank | CellValue::NotApplicable => blank += 1,
                CellValue::Invalid(_) => invalid.push(format!("{}“{text}”", form.cell_path(ix))),
            }
        }
        for (ix, n) in adds {
            let acc = &mut self.cells[ix];
            acc.total = acc
                .total
                .checked_add(n)
                .filter(|t| {
                    t.raw().unsigned_abs()
                        <= crate::model::value::MAX_MAGNITUDE as u64 * crate::model::value::SCALE as u64
                })
                .ok_or_else(|| SumError::Overflow { cell: form.cell_path(ix) })?;
            acc.filled += 1;
        }
        if !invalid.is_empty() {
            self.invalid.push(format!("“{unit}”有{}处不是有效数字，未计入：{}", invalid.len(), invalid.join("；")));
        }
        self.blanks.push(blank);
        self.units.push((unit, path.to_path_buf()));
        Ok(())
    }

    /// The sum as a draft of `unit` (the 汇总单位).
    pub fn finish(self, unit: &str) -> Result<Summed, SumError> {
        let (Some(form), Some(year)) = (self.form, self.year) else { return Err(SumError::Nothing) };
        let mut report = Report::new(&self.template, year, unit);
        report.annexes = self.annexes;
        report.options.money_units = self.money_units;
        let mut filled_somewhere = 0;
        for (ix, cell) in form.cells.iter().enumerate() {
            let acc = &self.cells[ix];
            // Blank everywhere stays blank; blank beside a number counts as 0.
            if cell.is_input() && acc.filled > 0 {
                report.set_cell(&cell.id, &acc.total.to_string());
                filled_somewhere += 1;
            }
        }
        let mut notes = Vec::new();
        let n_inputs = form.cells.iter().filter(|c| c.is_input()).count();
        // Cells blank in a unit but filled in another: counted as 0, said per unit.
        for ((name, _), blank) in self.units.iter().zip(&self.blanks) {
            let counted_as_zero = blank.saturating_sub(n_inputs - filled_somewhere);
            if counted_as_zero > 0 {
                notes.push(format!("“{name}”有{counted_as_zero}个单元格未填，汇总时按0计（其他单位填了这些格）"));
            }
        }
        notes.extend(self.invalid);
        report.summed_from = self.units.iter().map(|(u, _)| u.clone()).collect();
        Ok(Summed { report, units: self.units, notes })
    }
}

fn format_name(template: &str) -> String {
    crate::model::template::Template::get(template).map(|t| t.name.clone()).unwrap_or_else(|_| template.to_string())
}

/// A cell where the claimed total differs from the sum of its parts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    /// `表三/一、本年新收政府信息公开申请数量/自然人`
    pub place: String,
    /// What the total report says (empty when blank).
    pub claimed: String,
    /// The sum of the units.
    pub sum: String,
    /// The units with a value in the cell, with it (largest first).
    pub parts: Vec<(String, String)>,
}

impl Difference {
    /// `表三/…/自然人：本级报告为120，各单位合计118（甲局 60，乙局 58）`.
    pub fn line(&self) -> String {
        let claimed = if self.claimed.is_empty() { "未填".to_string() } else { self.claimed.clone() };
        let mut parts: Vec<String> = self.parts.iter().take(8).map(|(u, v)| format!("{u} {v}")).collect();
        if self.parts.len() > 8 {
            parts.push(format!("等{}个单位", self.parts.len()));
        }
        let parts = if parts.is_empty() { "各单位均未填".to_string() } else { parts.join("，") };
        format!("{}：汇总报告为{claimed}，各单位合计{}（{parts}）", self.place, self.sum)
    }
}

/// Compares every input cell of `total` with the sum of `parts` (already added into `summed`):
/// the cells that differ, naming the units that make up each sum.
pub fn compare(total: &Report, summed: &Summed, parts: &[Report]) -> Result<Vec<Difference>, SumError> {
    let form = total.form().map_err(|e| SumError::Form { path: PathBuf::new(), what: e.to_string() })?;
    let mut out = Vec::new();
    for (ix, cell) in form.cells.iter().enumerate().filter(|(_, c)| c.is_input()) {
        let kind = total.kind_of(cell);
        let claimed = parse_cell(total.cell_text(&cell.id), &kind, cell.allow_na).num();
        let sum = parse_cell(summed.report.cell_text(&cell.id), &kind, cell.allow_na).num();
        if claimed.unwrap_or(Num::ZERO) == sum.unwrap_or(Num::ZERO) {
            continue;
        }
        let mut contributions: Vec<(Num, String)> = parts
            .iter()
            .filter_map(|r| {
                let v = parse_cell(r.cell_text(&cell.id), &r.kind_of(cell), cell.allow_na).num()?;
                (!v.is_zero()).then(|| (v, r.unit.name.trim().to_string()))
            })
            .collect();
        contributions.sort_by_key(|c| std::cmp::Reverse(c.0));
        out.push(Difference {
            place: form.cell_path(ix),
            claimed: claimed.map(|n| n.to_string()).unwrap_or_default(),
            sum: sum.unwrap_or(Num::ZERO).to_string(),
            parts: contributions.into_iter().map(|(v, u)| (u, v.to_string())).collect(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, cells: &[(&str, &str)]) -> Report {
        let mut r = Report::new("gb2021", 2025, name);
        for (id, v) in cells {
            r.set_cell(id, v);
        }
        r
    }

    #[test]
    fn blank_and_blank_stay_blank_blank_and_three_is_three_with_a_note() {
        let mut s = Summer::new(None);
        s.add(Path::new("a.ron"), &unit("甲局", &[("t3.new.np", "3"), ("t6.notice_amount.value", "1.5")])).unwrap();
        s.add(Path::new("b.ron"), &unit("乙局", &[("t6.notice_amount.value", "2")])).unwrap();
        let done = s.finish("某某县").unwrap();
        assert_eq!(done.report.cell_text("t3.new.np"), "3");
        assert_eq!(done.report.cell_text("t6.notice_amount.value"), "3.5");
        assert_eq!(done.report.cell_text("t3.new.biz"), "", "blank everywhere stays blank");
        assert_eq!(done.report.summed_from, ["甲局", "乙局"]);
        assert!(done.notes.iter().any(|n| n.contains("“乙局”有1个单元格未填，汇总时按0计")), "{:?}", done.notes);
        assert!(!done.notes.iter().any(|n| n.contains("甲局")), "{:?}", done.notes);
    }

    #[test]
    fn another_year_or_format_is_refused_naming_the_file_and_the_sum_is_unchanged() {
        let mut s = Summer::new(Some(2025));
        s.add(Path::new("a.ron"), &unit("甲局", &[("t3.new.np", "3")])).unwrap();
        let mut old = unit("乙局", &[("t3.new.np", "5")]);
        old.year = 2024;
        let e = s.add(Path::new("乙局2024.ron"), &old).unwrap_err();
        assert!(e.to_string().contains("“乙局2024.ron”是2024年度"), "{e}");
        let other = Report::new("gb2019", 2025, "丙局");
        let e = s.add(Path::new("丙局.ron"), &other).unwrap_err();
        assert!(e.to_string().contains("“丙局.ron”是国办公开办函〔2019〕60号格式"), "{e}");
        let e = s.add(Path::new("甲局副本.ron"), &unit("甲 局", &[("t3.new.np", "3")])).unwrap_err();
        assert!(e.to_string().contains("“甲局副本.ron”与“a.ron”都是“甲 局”的报告"), "{e}");
        let done = s.finish("县").unwrap();
        assert_eq!(done.report.cell_text("t3.new.np"), "3");
        assert_eq!(done.units.len(), 1);
    }

    #[test]
    fn text_that_is_not_a_number_is_left_out_and_said() {
        let mut s = Summer::new(None);
        s.add(Path::new("a.ron"), &unit("甲局", &[("t3.new.np", "3")])).unwrap();
        s.add(Path::new("b.ron"), &unit("乙局", &[("t3.new.np", "三件")])).unwrap();
        let done = s.finish("县").unwrap();
        assert_eq!(done.report.cell_text("t3.new.np"), "3");
        assert!(
            done.notes.iter().any(|n| n.contains("“乙局”有1处不是有效数字") && n.contains("三件")),
            "{:?}",
            done.notes
        );
    }

    #[test]
    fn a_total_that_differs_from_its_parts_names_the_cell_and_the_units() {
        let parts =
            vec![unit("甲局", &[("t3.new.np", "60")]), unit("乙局", &[("t3.new.np", "58"), ("t3.new.biz", "1")])];
        let mut s = Summer::new(None);
        for (i, p) in parts.iter().enumerate() {
            s.add(Path::new(&format!("{i}.ron")), p).unwrap();
        }
        let summed = s.finish("县").unwrap();
        let total = unit("县", &[("t3.new.np", "120"), ("t3.new.biz", "1")]);
        let diffs = compare(&total, &summed, &parts).unwrap();
        assert_eq!(diffs.len(), 1, "{diffs:?}");
        assert_eq!(
            diffs[0].line(),
            "表三/一、本年新收政府信息公开申请数量/自然人：汇总报告为120，各单位合计118（甲局 60，乙局 58）"
        );
    }
}
