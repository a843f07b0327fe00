//! The workbook read back with calamine: numbers stored as numbers in the official layout, the
//! merged cells of the official tables, totals as `SUM` formulas that add up, the 基本信息 and
//! 检查结果 sheets.

use std::collections::BTreeSet;
use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use nianbao::export::{self, ExportOptions};
use nianbao::model::form::GridContent;
use nianbao::model::{CellValue, Context, Report, Values};

use super::support;

/// Rows above each table's grid on its sheet.
const TOP: u32 = 1;

pub type Book = Xlsx<Cursor<Vec<u8>>>;

pub fn book(bytes: Vec<u8>) -> Book {
    open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx calamine can read")
}

pub fn workbook(report: &Report) -> Book {
    let form = report.form().unwrap();
    book(export::xlsx::export(report, &form, &ExportOptions::default()).unwrap().bytes)
}

pub fn number(d: Option<&Data>) -> Option<f64> {
    match d? {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

pub fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(Data::Float(f)) if f.fract() == 0.0 => format!("{}", *f as i64),
        Some(other) => other.to_string(),
    }
}

/// Evaluates `SUM(A1:B2,C3)` on the sheet's values.
fn eval_sum(formula: &str, values: &Range<Data>) -> f64 {
    let inner = formula.trim_start_matches('=').strip_prefix("SUM(").and_then(|f| f.strip_suffix(')')).expect("a SUM");
    let mut total = 0.0;
    for part in inner.split(',') {
        let (a, b) = part.split_once(':').unwrap_or((part, part));
        let (r1, c1) = cell_ref(a);
        let (r2, c2) = cell_ref(b);
        for r in r1..=r2 {
            for c in c1..=c2 {
                total += number(values.get_value((r, c))).unwrap_or(0.0);
            }
        }
    }
    total
}

fn cell_ref(s: &str) -> (u32, u32) {
    let letters: String = s.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let digits = &s[letters.len()..];
    let col = letters.chars().fold(0u32, |acc, c| acc * 26 + (c as u32 - 'A' as u32 + 1)) - 1;
    (digits.parse::<u32>().unwrap() - 1, col)
}

#[test]
fn one_sheet_per_table_between_basic_details_and_findings() {
    let report = support::fixture("hangzhou-2021.csv");
    let form = report.form().unwrap();
    let wb = workbook(&report);
    let mut expected = vec!["基本信息".to_string()];
    expected.extend(form.tables.iter().map(|t| t.def.name.clone()));
    expected.push("检查结果".into());
    assert_eq!(wb.sheet_names(), expected);
}

#[test]
fn every_cell_is_at_its_official_place_numbers_as_numbers_totals_as_sums_that_add_up() {
    for name in ["hangzhou-2021.csv", "seed-2019.csv", "shanghai-2019.csv"] {
        let report = support::fixture(name);
        let form = report.form().unwrap();
        let values = Values::compute(&form, &report);
        let mut wb = workbook(&report);
        let mut formulas_seen = 0;
        for (t, table) in form.tables.iter().enumerate() {
            let sheet = &table.def.name;
            let range = wb.worksheet_range(sheet).unwrap();
            let formulas = wb.worksheet_formula(sheet).unwrap();
            let texts = nianbao::document::table_texts(&form, &report, &values, t);
            for (c, shown) in table.print.cells.iter().zip(&texts) {
                let at = (TOP + c.row as u32, c.col as u32);
                match c.content {
                    GridContent::Fixed { .. } => assert_eq!(&text(range.get_value(at)), shown, "{name} {sheet} {at:?}"),
                    GridContent::Data(ix) => {
                        let cell = &form.cells[ix];
                        let got = range.get_value(at);
                        match values.get(ix) {
                            // A total is checked below against its formula.
                            _ if !cell.is_input() => {}
                            CellValue::Num(n) => {
                                let want = n.raw() as f64 / nianbao::model::value::SCALE as f64;
                                assert_eq!(number(got), Some(want), "{name} {}: stored as a number", cell.id);
                            }
                            CellValue::Blank => assert_eq!(text(got), "", "{name} {}", cell.id),
                            _ => assert_eq!(&text(got), shown, "{name} {}: kept as typed", cell.id),
                        }
                        let formula = formulas.get_value(at).cloned().unwrap_or_default();
                        if cell.is_input() {
                            assert!(formula.is_empty(), "{name} {}: an input, not a formula", cell.id);
                        } else {
                            formulas_seen += 1;
                            assert!(formula.starts_with("SUM("), "{name} {}: {formula:?}", cell.id);
                            let sum = eval_sum(&formula, &range);
                            let want = values
                                .get(ix)
                                .num()
                                .map_or(0.0, |n| n.raw() as f64 / nianbao::model::value::SCALE as f64);
                            assert!(
                                (sum - want).abs() < 1e-6,
                                "{name} {}: {formula} = {sum}, computed {want}",
                                cell.id
                            );
                        }
                    }
                }
            }
        }
        assert!(formulas_seen >= 20, "{name}: {formulas_seen} totals");
    }
}

#[test]
fn merged_cells_are_the_official_merged_headers_and_labels() {
    let report = support::fixture("hangzhou-2021.csv");
    let form = report.form().unwrap();
    let mut wb = workbook(&report);
    for table in &form.tables {
        let got: BTreeSet<((u32, u32), (u32, u32))> =
            wb.merge_cells_by_sheet_name(&table.def.name).unwrap().into_iter().map(|d| (d.start, d.end)).collect();
        let mut want: BTreeSet<((u32, u32), (u32, u32))> = table
            .print
            .cells
            .iter()
            .filter(|c| c.rows > 1 || c.cols > 1)
            .map(|c| {
                let (r, col) = (TOP + c.row as u32, c.col as u32);
                ((r, col), (r + c.rows as u32 - 1, col + c.cols as u32 - 1))
            })
            .collect();
        // The heading across the table.
        if table.def.grid_columns > 1 {
            want.insert(((0, 0), (0, table.def.grid_columns as u32 - 1)));
        }
        assert_eq!(got, want, "{}", table.def.name);
    }
    // Table 三's merged header: 申请人情况 over seven columns, 法人或其他组织 over five.
    let range = wb.worksheet_range("表三").unwrap();
    let merges = wb.merge_cells_by_sheet_name("表三").unwrap();
    let span_of = |label: &str| {
        let (r, c) =
            range.used_cells().find(|(_, _, d)| text(Some(d)) == label).map(|(r, c, _)| (r as u32, c as u32)).unwrap();
        let d = merges.iter().find(|d| d.start == (r, c)).unwrap();
        (d.end.0 - d.start.0 + 1, d.end.1 - d.start.1 + 1)
    };
    assert_eq!(span_of("申请人情况"), (1, 7));
    assert_eq!(span_of("法人或其他组织"), (1, 5));
    assert_eq!(span_of("三、本年度办理结果"), (22, 1));
}

#[test]
fn basic_details_and_every_finding_have_their_sheets() {
    let mut report = support::fixture("seed-2019.csv");
    support::set(&mut report, "t3.new.np", "5");
    support::set(&mut report, "t2.reg.new_made", "两件");
    let form = report.form().unwrap();
    let (_, findings) = nianbao::model::check_report(&form, &report, &Context::default());
    assert!(findings.len() >= 2);
    let mut wb = workbook(&report);
    let info = wb.worksheet_range("基本信息").unwrap();
    let rows: Vec<(String, String)> = info.rows().map(|r| (text(r.first()), text(r.get(1)))).collect();
    let get = |k: &str| rows.iter().find(|(a, _)| a == k).map(|(_, b)| b.clone()).unwrap_or_else(|| panic!("{k}"));
    assert_eq!(get("机关全称"), report.unit.name);
    assert_eq!(get("年度"), report.year.to_string());
    assert_eq!(get("格式"), report.template);
    assert_eq!(get("联系电话"), report.unit.phone);
    assert!(get("状态").contains("草稿"));
    let list = wb.worksheet_range("检查结果").unwrap();
    let head: Vec<String> = list.rows().next().unwrap().iter().map(|d| text(Some(d))).collect();
    assert_eq!(head, nianbao::export::review::COLUMNS.to_vec());
    let lines: Vec<Vec<String>> = list.rows().skip(1).map(|r| r.iter().map(|d| text(Some(d))).collect()).collect();
    assert_eq!(lines.len(), findings.len());
    for f in &findings {
        assert!(lines.iter().any(|l| l[2] == f.rule && l[6] == f.message), "{} {}", f.rule, f.message);
    }
    let t301 = lines.iter().find(|l| l[2] == "T3-01").unwrap();
    assert_eq!((t301[3].as_str(), t301[5].as_str()), ("表三", "自然人"));
    assert_eq!((t301[7].as_str(), t301[8].as_str(), t301[9].as_str()), ("5", "0", "5"));
    // The wrong entry stays visible as typed.
    let t2 = wb.worksheet_range("表二").unwrap();
    assert!(t2.used_cells().any(|(_, _, d)| text(Some(d)) == "两件"));
}
