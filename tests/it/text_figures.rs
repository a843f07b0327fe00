//! The TX checks: figures stated in the report's text against its tables.

use nianbao::model::{Context, Report, Severity, check_report};

fn report(cells: &[(&str, &str)], section: &str, text: &str) -> Report {
    let mut r = Report::new("gb2021", 2023, "测试局");
    for (id, v) in cells {
        r.set_cell(id, v);
    }
    r.sections.insert(section.to_string(), text.to_string());
    r
}

fn tx(r: &Report) -> Vec<nianbao::model::Finding> {
    let form = r.form().expect("form");
    let (_, findings) = check_report(&form, r, &Context::default());
    findings.into_iter().filter(|f| f.rule.starts_with("TX-")).collect()
}

const T3: &[(&str, &str)] = &[
    ("t3.new.np", "4"),
    ("t3.new.le_biz", "1"),
    ("t3.carry_in.np", "0"),
    ("t3.r_open.np", "3"),
    ("t3.r_open.le_biz", "1"),
    ("t3.r_partial.np", "1"),
    ("t3.carry_out.np", "0"),
];

#[test]
fn the_sentence_the_app_generates_from_table_three_raises_nothing() {
    let r = report(T3, "s1.2", "本年新收政府信息公开申请5件，上年结转0件，办结5件，结转下年度继续办理0件。");
    assert_eq!(tx(&r), vec![]);
}

#[test]
fn a_stated_application_count_that_differs_from_table_three_is_a_warning_quoting_the_sentence() {
    let r = report(T3, "s1.2", "我局高度重视依申请公开工作。全年共收到政府信息公开申请6件，均在法定期限内答复。");
    let found = tx(&r);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.rule, "TX-01");
    assert_eq!(f.severity, Severity::W);
    assert_eq!(f.cells, vec!["t3.new.total".to_string()]);
    assert_eq!((f.left.as_deref(), f.right.as_deref()), (Some("6"), Some("5")));
    assert!(f.message.contains("“全年共收到政府信息公开申请6件，均在法定期限内答复。”"), "{}", f.message);
    assert!(f.message.contains("（二）依申请公开"), "{}", f.message);
    assert_eq!(f.key, "TX-01@s1.2");
}

#[test]
fn words_that_state_zero_are_compared_too() {
    let r = report(T3, "s3", "本年度未收到政府信息公开申请。");
    let found = tx(&r);
    assert_eq!(found.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(), vec!["TX-01"]);
    assert_eq!(found[0].left.as_deref(), Some("0"));
}

#[test]
fn disclosed_and_partly_disclosed_counts_and_review_cases_are_checked() {
    let mut cells = T3.to_vec();
    cells.extend([("t4.rv.keep", "1"), ("t4.rv.pend", "1"), ("t4.ld.fix", "1")]);
    let text = "其中予以公开4件，部分公开2件。因政府信息公开被申请行政复议2件，提起行政诉讼共3件。";
    let r = report(&cells, "s4", text);
    let mut rules: Vec<String> = tx(&r)
        .into_iter()
        .map(|f| format!("{}:{}≠{}", f.rule, f.left.unwrap_or_default(), f.right.unwrap_or_default()))
        .collect();
    rules.sort();
    assert_eq!(rules, vec!["TX-06:2≠1", "TX-08:3≠1"]);
}

#[test]
fn table_two_figures_in_the_text_are_checked_against_table_two() {
    let cells = [("t2.nds.made", "3"), ("t2.nds.repealed", "1"), ("t2.nds.valid", "20")];
    let r = report(&cells, "s1.1", "全年制发行政规范性文件三件，废止规范性文件2件，现行有效规范性文件20件。");
    let found: Vec<(String, Option<String>)> = tx(&r).into_iter().map(|f| (f.rule, f.left)).collect();
    assert_eq!(found, vec![("TX-10".to_string(), Some("2".to_string()))]);
}

#[test]
fn nothing_is_said_while_the_table_is_blank() {
    let r = report(&[], "s1.2", "全年共收到政府信息公开申请6件。");
    assert_eq!(tx(&r), vec![]);
}

#[test]
fn gb2019_reports_have_the_same_checks() {
    let mut r = Report::new("gb2019", 2019, "测试局");
    r.set_cell("t3.new.np", "2");
    r.sections.insert("s3".into(), "2019年共受理政府信息公开申请3件。".into());
    let found = tx(&r);
    assert_eq!(found.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(), vec!["TX-01"]);
}
