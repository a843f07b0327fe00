//! This year's report from last year's (spec §6): carried values, reference values, the
//! cross-year checks, chains of years across the 2019 → 2021 format switch.

use std::path::Path;

use nianbao::model::rollover::roll_over;
use nianbao::model::{Context, Date, Finding, Report, Severity, check_report};

use crate::fixtures::report as fixture;

fn findings(r: &Report) -> Vec<Finding> {
    let ctx = Context { today: Some(Date::new(2030, 1, 20).unwrap()), ..Default::default() };
    check_report(&r.form().unwrap(), r, &ctx).1
}

fn by_rule<'a>(f: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    f.iter().filter(|x| x.rule == rule).collect()
}

#[test]
fn two_year_chain_carries_unit_carry_over_and_references_but_not_narratives() {
    let y2021 = fixture("hangzhou-2021.csv");
    let y2022 = roll_over(&y2021, 2022, "gb2021").unwrap();
    assert_eq!((y2022.year, y2022.template.as_str()), (2022, "gb2021"));
    assert_eq!(y2022.unit, y2021.unit, "unit details and 落款 name are copied");
    assert_eq!(y2022.signed_on, None, "the date is this year's to fill in");
    // 表三 二、上年结转 = last year's 四、结转下年度继续办理, per column.
    for (col, v) in
        [("np", "783"), ("le_biz", "18"), ("le_sci", "0"), ("le_ngo", "0"), ("le_law", "14"), ("le_oth", "4")]
    {
        assert_eq!(y2022.cell_text(&format!("t3.carry_in.{col}")), v, "{col}");
    }
    // Every other number starts empty.
    assert_eq!(y2022.cells.len(), 6, "{:?}", y2022.cells);
    // Narratives are not copied, but travel as reference text.
    assert!(y2022.sections.values().all(|t| t.is_empty()));
    let reference = y2022.reference.as_ref().unwrap();
    assert_eq!(reference.year, 2021);
    assert_eq!(reference.sections.get("s5"), y2021.sections.get("s5"));
    // Last year's values are all there, computed totals included.
    assert_eq!(reference.cells.get("t3.carry_out.total").map(String::as_str), Some("819"));
    assert_eq!(reference.cells.get("t2.nds.valid").map(String::as_str), Some("207"));
    assert_eq!(reference.cells.get("t4.rv.pend").map(String::as_str), Some("121"));

    // The cross-year checks run from them: last year's pending reviews are to be explained.
    let f = findings(&y2022);
    assert!(by_rule(&f, "T3-06").is_empty(), "the carried values agree: {:?}", by_rule(&f, "T3-06"));
    let t404 = by_rule(&f, "T4-04");
    assert_eq!(t404.len(), 3);
    assert_eq!(t404[0].message, "表四“行政复议”：上年尚未审结121件，本年审结情况请在正文说明。");
}

#[test]
fn a_carry_over_edited_by_hand_raises_t3_06_with_both_numbers() {
    let y2021 = fixture("hangzhou-2021.csv");
    let mut y2022 = roll_over(&y2021, 2022, "gb2021").unwrap();
    y2022.set_cell("t3.carry_in.np", "738");
    let f = findings(&y2022);
    let t306 = by_rule(&f, "T3-06");
    assert_eq!(t306.len(), 2, "自然人 and 总计");
    assert_eq!(t306[0].severity, Severity::W);
    assert!(
        t306[0].message.starts_with("表三“自然人”列：二、上年结转(738)，不等于上年报告的四、结转下年度(783)"),
        "{}",
        t306[0].message
    );
    assert_eq!(t306[0].cells, ["t3.carry_in.np"]);
}

#[test]
fn t2n_02_and_04_use_last_years_documents_in_force() {
    let y2021 = fixture("hangzhou-2021.csv");
    let mut y2022 = roll_over(&y2021, 2022, "gb2021").unwrap();
    // 行政规范性文件: 207 in force last year, 10 issued, 3 repealed → 214.
    y2022.set_cell("t2.nds.made", "10");
    y2022.set_cell("t2.nds.repealed", "3");
    y2022.set_cell("t2.nds.valid", "214");
    assert!(by_rule(&findings(&y2022), "T2N-02").is_empty());
    y2022.set_cell("t2.nds.valid", "200");
    let f = findings(&y2022);
    assert_eq!(by_rule(&f, "T2N-02").len(), 1);
    y2022.set_cell("t2.nds.repealed", "300");
    assert_eq!(by_rule(&findings(&y2022), "T2N-04").len(), 1, "more repealed than could have been in force");
}

#[test]
fn a_change_far_beyond_last_years_figure_raises_a_hint() {
    let y2021 = fixture("hangzhou-2021.csv");
    let mut y2022 = roll_over(&y2021, 2022, "gb2021").unwrap();
    y2022.set_cell("t3.new.np", "136120"); // a zero too many
    let f = findings(&y2022);
    let x = by_rule(&f, "X-01");
    assert!(x.iter().any(|f| f.cells == ["t3.new.np"] && f.severity == Severity::I), "{x:?}");
    y2022.set_cell("t3.new.np", "14000");
    assert!(!by_rule(&findings(&y2022), "X-01").iter().any(|f| f.cells == ["t3.new.np"]));
}

#[test]
fn three_year_chain_across_the_format_switch() {
    // 2019 (GB2019, the seed) → 2020 (GB2019) → 2021 (GB2021).
    let y2019 = fixture("seed-2019.csv");
    let mut y2020 = roll_over(&y2019, 2020, "gb2019").unwrap();
    assert_eq!(y2020.template, "gb2019");
    assert_eq!(y2020.annexes, ["guizhou-annex"], "the annex stays, empty");
    // 上一年项目数量 = last year's 上一年项目数量 + 本年增/减.
    for (row, v) in [("lic", "2"), ("oms", "27"), ("pen", "133"), ("coe", "8"), ("fee", "0")] {
        assert_eq!(y2020.cell_text(&format!("t2.{row}.prev")), v, "{row}");
    }
    assert_eq!(y2020.cell_text("t2.oms.delta"), "", "本年增/减 resets");
    assert_eq!(y2020.cell_text("t2.reg.total_pub"), "", "对外公开总数量 is not pre-filled (meaning undefined)");
    assert_eq!(y2020.cell_text("gz.pub_total.value"), "");
    assert!(by_rule(&findings(&y2020), "T2O-03").is_empty());
    y2020.set_cell("t2.pen.prev", "160");
    assert_eq!(by_rule(&findings(&y2020), "T2O-03").len(), 1, "an edited carry-forward is flagged");
    y2020.set_cell("t2.pen.prev", "133");

    // Fill 2020's table 三 with a carry-out, then switch formats.
    y2020.set_cell("t3.new.np", "4");
    y2020.set_cell("t3.r_open.np", "1");
    y2020.set_cell("t3.carry_out.np", "3");
    let y2021 = roll_over(&y2020, 2021, "gb2021").unwrap();
    assert_eq!(y2021.template, "gb2021");
    assert_eq!(y2021.cell_text("t3.carry_in.np"), "3", "table 三 still rolls forward");
    assert!(y2021.cells.keys().all(|k| !k.starts_with("t2.")), "no mapping for table 二 across formats");
    let reference = y2021.reference.as_ref().unwrap();
    assert_eq!(reference.template, "gb2019");
    assert_eq!(reference.cells.get("t2.pen.prev").map(String::as_str), Some("133"), "2020's table 二 stays visible");
    let f = findings(&y2021);
    assert!(by_rule(&f, "T3-06").is_empty());
    assert!(by_rule(&f, "G-05").is_empty(), "the new year gets the new format");
}

#[test]
fn reference_values_survive_save_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let y2022 = roll_over(&fixture("hangzhou-2021.csv"), 2022, "gb2021").unwrap();
    let path = dir.path().join("2022.ron");
    nianbao::store::save(&path, &y2022).unwrap();
    let back = nianbao::store::load(&path).unwrap();
    assert_eq!(back.reference, y2022.reference);
    assert_eq!(findings(&back), findings(&y2022));
}

#[test]
fn command_line_new_from_a_draft_and_from_last_years_csv() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_nianbao");
    let last = dir.path().join("2021.ron");
    nianbao::store::save(&last, &fixture("hangzhou-2021.csv")).unwrap();
    let next = dir.path().join("2022.ron");
    let o = std::process::Command::new(bin)
        .args(["new", "--from", last.to_str().unwrap(), "-o", next.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = nianbao::store::load(&next).unwrap();
    assert_eq!((r.year, r.cell_text("t3.carry_in.np")), (2022, "783"));

    // First year with the app: last year's published tables as a CSV.
    let from_csv = dir.path().join("2022b.ron");
    let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hangzhou-2021.csv");
    let o = std::process::Command::new(bin)
        .args(["new", "--from", csv.to_str().unwrap(), "--format", "gb2021", "--year", "2022", "-o"])
        .arg(&from_csv)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r2 = nianbao::store::load(&from_csv).unwrap();
    assert_eq!(r2.cells, r.cells);
    assert_eq!(r2.reference.as_ref().unwrap().cells, r.reference.as_ref().unwrap().cells);
}
