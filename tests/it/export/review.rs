//! The 审核清单 read back as a spreadsheet, a web page and a PDF: every finding with its cell
//! named in words, both sides, the difference, the 说明, and the lines to sign.

use nianbao::export::review::{COLUMNS, ReviewList};
use nianbao::model::{Context, Date, Finding, Report, Severity, check_report};
use scraper::{Html, Selector};

use super::excel::{book, text};
use super::support;

/// The seed report with a wrong total (an error) and an explained warning.
fn broken() -> (Report, Vec<Finding>) {
    let mut report = support::fixture("seed-2019.csv");
    support::set(&mut report, "t3.new.np", "5");
    support::set(&mut report, "t2.reg.total_pub", "");
    let form = report.form().unwrap();
    let (_, findings) = check_report(&form, &report, &Context::default());
    let warning = findings.iter().find(|f| f.severity == Severity::W).expect("a warning").key.clone();
    report.explanations.insert(warning, "该项数据以档案室台账为准，已核实。".into());
    let (_, findings) = check_report(&form, &report, &Context::default());
    (report, findings)
}

fn list() -> (Report, ReviewList) {
    let (report, findings) = broken();
    let form = report.form().unwrap();
    let list = ReviewList::new(&report, &form, &findings, Date::new(2020, 1, 20));
    (report, list)
}

#[test]
fn every_finding_is_placed_in_words_errors_first() {
    let (report, findings) = broken();
    let (_, list) = list();
    assert_eq!(list.items.len(), findings.len());
    let sev: Vec<Severity> = list.items.iter().map(|i| i.severity).collect();
    let mut sorted = sev.clone();
    sorted.sort();
    assert_eq!(sev, sorted, "errors, then warnings, then hints");
    let t301 = list.items.iter().find(|i| i.rule == "T3-01").unwrap();
    assert_eq!(t301.table, "表三");
    assert_eq!(t301.column, "自然人");
    assert!(t301.row.contains("一、本年新收") && t301.row.contains("（七）总计"), "{}", t301.row);
    assert_eq!(
        (t301.left.as_deref(), t301.right.as_deref(), t301.difference.as_deref()),
        (Some("5"), Some("0"), Some("5"))
    );
    let form = report.form().unwrap();
    let blank = list.items.iter().find(|i| i.rule == "G-02" && i.table == "表二").unwrap();
    let cell = form.cell("t2.reg.total_pub").unwrap();
    assert_eq!((blank.row.as_str(), blank.column.as_str()), (cell.row_label.as_str(), cell.col_label.as_str()));
    assert_eq!(list.items.iter().filter(|i| i.explanation.is_some()).count(), 1);
    assert!(list.items.iter().all(|i| !i.table.is_empty()), "every finding has a place");
    assert!(list.summary().contains("错误") && list.summary().contains("其中1项已说明"), "{}", list.summary());
}

#[test]
fn the_spreadsheet_lists_every_finding_and_ends_with_the_lines_to_sign() {
    let (report, list) = list();
    let mut wb = book(list.to_xlsx().unwrap());
    use calamine::Reader;
    let range = wb.worksheet_range("审核清单").unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|d| text(Some(d))).collect()).collect();
    assert!(rows[0][0].contains(&report.title()) && rows[0][0].ends_with("审核清单"));
    let facts: Vec<String> =
        rows.iter().map(|r| format!("{}：{}", r[0], r.get(1).cloned().unwrap_or_default())).collect();
    assert!(facts.contains(&format!("填报单位：{}", report.unit.name)));
    assert!(facts.contains(&"报告年度：2019年".to_string()));
    assert!(facts.contains(&"检查日期：2020年1月20日".to_string()));
    let head = rows.iter().position(|r| r[..COLUMNS.len()] == COLUMNS.map(String::from)).expect("the column heads");
    let lines = &rows[head + 1..head + 1 + list.items.len()];
    for (line, it) in lines.iter().zip(&list.items) {
        assert_eq!(line[1], it.severity.label());
        assert_eq!(
            (&line[2], &line[3], &line[4], &line[5], &line[6]),
            (&it.rule, &it.table, &it.row, &it.column, &it.message)
        );
        assert_eq!(line[10], it.explanation.clone().unwrap_or_default());
    }
    let tail: String = rows[head + 1 + list.items.len()..].iter().map(|r| r.concat()).collect();
    for who in ["填报人：", "审核人：", "日期："] {
        assert!(tail.contains(who), "{who} in {tail}");
    }
}

#[test]
fn the_web_page_lists_every_finding_in_a_table_and_ends_with_the_lines_to_sign() {
    let (_, list) = list();
    let page = list.to_html();
    let doc = Html::parse_document(&page);
    let sel = |s: &str| Selector::parse(s).unwrap();
    assert_eq!(doc.select(&sel("h1")).next().unwrap().text().collect::<String>(), list.title());
    let rows: Vec<Vec<String>> = doc
        .select(&sel("table tr"))
        .map(|tr| tr.select(&sel("th, td")).map(|c| c.text().collect()).collect())
        .collect();
    assert_eq!(rows[0], COLUMNS.map(String::from).to_vec());
    assert_eq!(rows.len(), list.items.len() + 1);
    for (n, (row, it)) in rows[1..].iter().zip(&list.items).enumerate() {
        assert_eq!(row[0], (n + 1).to_string());
        assert_eq!((&row[2], &row[3], &row[6]), (&it.rule, &it.table, &it.message));
        assert_eq!(row[7], it.left.clone().unwrap_or_default());
        assert_eq!(row[10], it.explanation.clone().unwrap_or_default());
    }
    let text: String = doc.root_element().text().collect();
    for who in ["填报人：", "审核人：", "日期："] {
        assert!(text.contains(who));
    }
    assert_eq!(doc.select(&sel("script")).count(), 0);
}

#[test]
fn the_pdf_splits_a_long_list_across_pages_repeating_the_column_heads() {
    let (report, findings) = broken();
    let form = report.form().unwrap();
    // A county's worst draft: many findings.
    let many: Vec<Finding> = (0..8).flat_map(|_| findings.iter().cloned()).collect();
    let list = ReviewList::new(&report, &form, &many, None);
    let out = list.to_pdf(&Default::default()).unwrap();
    assert!(out.pages >= 2, "{} pages", out.pages);
    assert!(!out.draft_mark);
    let doc = lopdf::Document::load_mem(&out.bytes).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let texts: Vec<String> = pages.iter().map(|&p| doc.extract_text(&[p]).unwrap().replace(['\n', ' '], "")).collect();
    assert!(texts[0].contains(&report.unit.name));
    let table_pages = texts.iter().filter(|t| t.contains("序号") && t.contains("两边及差额")).count();
    assert!(table_pages >= 2, "the column heads on every page of the table");
    let all: String = texts.concat();
    assert!(all.contains("T3-01") && all.contains("5-0=5"));
    assert!(all.contains("该项数据以档案室台账为准"));
    for who in ["填报人：", "审核人：", "日期："] {
        assert!(all.contains(who), "{who}");
    }
}

#[test]
fn a_clean_report_gives_a_list_that_says_so() {
    let report = support::fixture("seed-2019.csv");
    let form = report.form().unwrap();
    let (_, findings) = check_report(&form, &report, &Context::default());
    let list = ReviewList::new(&report, &form, &findings, None);
    assert_eq!(findings.is_empty(), list.summary() == "未发现问题", "{}", list.summary());
    let empty = ReviewList::new(&report, &form, &[], None);
    assert!(empty.to_html().contains("未发现问题"));
    let out = empty.to_pdf(&Default::default()).unwrap();
    let doc = lopdf::Document::load_mem(&out.bytes).unwrap();
    let text = doc.extract_text(&[1]).unwrap().replace(['\n', ' '], "");
    assert!(text.contains("未发现问题"), "{text}");
    let mut wb = book(empty.to_xlsx().unwrap());
    use calamine::Reader;
    let range = wb.worksheet_range("审核清单").unwrap();
    assert!(range.used_cells().any(|(_, _, d)| text_of(d).contains("未发现问题")));
}

fn text_of(d: &calamine::Data) -> String {
    text(Some(d))
}
