//! The text checks in the window (issue 26): each section's 与上年重复率 on the page list, last
//! year's report chosen with 对照上年报告, the 标点规范化 button of WD-01, and the county view's
//! 上年报告文件夹 with its columns.

use egui::accesskit::Role;
use egui_kittest::kittest::{By, NodeT, Queryable};
use nianbao::model::rollover::roll_over;
use nianbao::ui::{AppConfig, NianbaoApp};

use crate::fixtures;
use crate::harness::{app_with, harness, harness_with_steps, open_page};

/// 杭州's 2021 report rolled over to 2022 with its texts kept as they were.
fn copied_2022() -> nianbao::model::Report {
    let last = fixtures::report("hangzhou-2021.csv");
    let mut now = roll_over(&last, 2022, "gb2021").unwrap();
    now.sections = last.sections.clone();
    now
}

#[test]
fn the_page_list_shows_each_sections_repetition_rate_when_the_text_is_kept_from_last_year() {
    let mut h = harness(app_with(copied_2022()));
    h.run();
    assert!(h.query_by_label_contains("与上年（2021年度）重复率：全文100%").is_some());
    // The section pages carry their own rate; the warning is in the findings.
    let pages = h.query_all(By::new().role(Role::Button).label_contains("重复100%")).count();
    assert!(pages >= 3, "each section's rate on its page button: {pages}");
    let labels: Vec<String> = h
        .query_all(By::new().role(Role::Button).label_contains("重复"))
        .filter_map(|n| n.accesskit_node().label().map(|l| l.to_string()))
        .collect();
    assert!(labels.iter().any(|l| l.starts_with("一、总体情况") && l.ends_with("重复100%")), "{labels:?}");
    assert!(h.query_by_label_contains("[警告] RP-02").is_some());
    // Rewriting a section lowers its rate as the staffer types.
    let doc = h.state().doc.as_ref().unwrap();
    let repeated = &doc.rates.as_ref().unwrap().texts["s5"];
    assert!(!repeated.repeated_sentences(doc.report.section("s5")).is_empty(), "marked in the editor");
    open_page(&mut h, "五、存在的主要问题及改进情况");
    let editor = "正文/五、存在的主要问题及改进情况";
    h.get_by_label(editor).click();
    h.run();
    h.key_press_modifiers(crate::harness::CTRL, egui::Key::A);
    h.event(egui::Event::Text("本年度新建政务公开专区两处，并在乡镇便民服务中心设置查阅点，群众查阅更方便。".into()));
    h.run();
    let rates = h.state().doc.as_ref().unwrap().rates.clone().unwrap();
    assert_eq!(rates.section("s5").unwrap().share.percent(), Some(0));
}

#[test]
fn the_punctuation_button_of_wd_01_normalizes_every_text_in_one_undo_step() {
    let mut r = fixtures::report("hangzhou-2021.csv");
    r.sections.insert("s6".into(), "本机关无其他需要报告的事项,特此说明(无).".into());
    let mut h = harness(app_with(r));
    h.run();
    let button = h.get_by_role_and_label(Role::Button, "标点规范化 WD-01@s6");
    button.scroll_to_me();
    h.run();
    h.get_by_role_and_label(Role::Button, "标点规范化 WD-01@s6").click();
    h.run();
    let doc = h.state().doc.as_ref().unwrap();
    assert_eq!(doc.report.section("s6"), "本机关无其他需要报告的事项，特此说明（无）。");
    assert!(!doc.findings.iter().any(|f| f.rule == "WD-01"));
}

#[test]
fn the_county_view_takes_last_years_folder_and_shows_repetition_and_rates_per_unit() {
    let dir = tempfile::tempdir().unwrap();
    let (now, before) = (dir.path().join("2025"), dir.path().join("2024"));
    std::fs::create_dir_all(&now).unwrap();
    std::fs::create_dir_all(&before).unwrap();
    let mut r = fixtures::report("hangzhou-2021.csv");
    r.unit.name = "某县甲局".into();
    r.year = 2024;
    nianbao::store::save(&before.join("甲2024.ron"), &r).unwrap();
    r.year = 2025;
    nianbao::store::save(&now.join("甲.ron"), &r).unwrap();
    let mut h = harness_with_steps(NianbaoApp::new(AppConfig::default()), 60);
    h.run();
    h.get_by_label("文件(F)").click();
    h.run();
    h.get_by_label_contains("汇总检查多份报告").click();
    h.run();
    for (label, text) in [("报告文件夹：", &now), ("上年报告文件夹（可选）：", &before)] {
        h.get_by_label(label).click();
        h.run();
        h.event(egui::Event::Text(text.display().to_string()));
        h.run();
    }
    h.get_by_role_and_label(Role::Button, "开始检查").click();
    h.run();
    let start = std::time::Instant::now();
    while h.state().county.running() {
        assert!(start.elapsed().as_secs() < 120);
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    h.run();
    let rows = h.state().county.rows();
    assert_eq!(rows.len(), 1);
    let rep = rows[0].repetition.clone().expect("compared with last year's");
    assert!(rep.percent == 100 && rep.over, "{rep:?}");
    for head in ["与上年重复率", "公开率", "纠错率", "规则包问题"] {
        assert!(h.query_by_label_contains(head).is_some(), "{head}");
    }
    assert!(h.query_by_label("100%").is_some(), "the rate in its column");
}
