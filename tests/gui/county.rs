//! 汇总检查 in the window, driven through AccessKit names: a generated county's folder and roster
//! typed in, read on a worker thread with progress, every unit with errors and every missing unit
//! listed, filtered and sorted, a unit's report opened from its row, and the 汇总表 exported.

use std::time::{Duration, Instant};

use crate::county_util::{County, generate};
use crate::harness::{CTRL, harness_with_steps};

use egui::accesskit::Role;
use egui::{Event, Key};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable};
use nianbao::county::Status;
use nianbao::ui::dialogs::PathDialog;
use nianbao::ui::{AppConfig, NianbaoApp};

fn type_into(h: &mut Harness<'static, NianbaoApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run();
    h.event(Event::Text(text.to_string()));
    h.run();
}

/// Runs frames until the worker is done (the window keeps drawing meanwhile).
fn wait_done(h: &mut Harness<'static, NianbaoApp>) -> usize {
    let start = Instant::now();
    let mut frames_while_reading = 0;
    while h.state().county.running() {
        assert!(start.elapsed() < Duration::from_secs(120), "reading never finished");
        std::thread::sleep(Duration::from_millis(20));
        // One frame at a time: the window keeps drawing while the rows arrive.
        h.step();
        frames_while_reading += 1;
    }
    h.run();
    frames_while_reading
}

fn start(h: &mut Harness<'static, NianbaoApp>, c: &County) {
    h.get_by_label("文件(F)").click();
    h.run();
    h.get_by_label_contains("汇总检查多份报告").click();
    h.run();
    assert!(h.state().county.open, "the view opens");
    type_into(h, "报告文件夹：", &c.dir.display().to_string());
    type_into(h, "单位名单（可选）：", &c.roster.display().to_string());
    h.get_by_role_and_label(Role::Button, "开始检查").click();
    h.run();
}

#[test]
fn the_county_view_lists_every_unit_with_errors_and_every_missing_unit_and_opens_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let c = generate(&dir.path().join("报告"), 60);
    let mut h = harness_with_steps(NianbaoApp::new(AppConfig::default()), 60);
    h.run();
    start(&mut h, &c);
    assert!(h.state().county.running(), "read on a worker thread");
    wait_done(&mut h);
    let view = &h.state().county;
    assert_eq!(view.entries().len(), 62, "60 reports, the duplicate's copy, the broken file");
    let rows = view.rows();
    for unit in &c.with_errors {
        assert!(rows.iter().any(|r| &r.unit == unit && r.status == Status::Errors), "{unit}");
        assert!(h.query_by_label(unit).is_some(), "{unit} is shown");
    }
    for m in &c.missing {
        assert!(rows.iter().any(|r| &r.unit == m && r.status == Status::Missing), "{m}");
    }
    assert!(rows.iter().any(|r| r.status == Status::Unreadable && r.unit.ends_with("统计局.ron")));
    assert!(rows.iter().filter(|r| r.detail.contains("重复报送")).count() == 2);
    assert!(h.query_by_label_contains("共62个文件：通过").is_some(), "the total line");

    // Filter: only 未报送, then only names containing 街道.
    h.get_by_label("按状态显示").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "未报送").click();
    h.run();
    assert_eq!(h.state().county.filter, Some(Status::Missing));
    assert_eq!(h.state().county.rows().len(), 3);
    for m in &c.missing {
        assert!(h.query_by_label(m).is_some(), "{m}");
    }
    assert!(h.query_by_label(&c.with_errors[0]).is_none(), "other rows hidden");
    h.state_mut().county.filter = None;
    type_into(&mut h, "单位名称包含：", "街道");
    assert!(h.state().county.rows().iter().all(|r| r.unit.contains("街道")));
    h.state_mut().county.search.clear();
    h.run();

    // Sort by 错误, most first.
    h.get_by_label("错误").click();
    h.run();
    h.get_by_label("错误 ▲").click();
    h.run();
    let rows = h.state().county.rows();
    assert!(rows.windows(2).all(|w| w[0].errors >= w[1].errors), "sorted by errors, descending");

    // A click on a unit opens its report; the list stays.
    let unit = c.with_errors[1].clone();
    h.get(By::new().role(Role::Link).label(&unit)).click();
    h.run();
    h.run();
    let doc = h.state().doc.as_ref().expect("the unit's report is open");
    assert_eq!(doc.report.unit.name, unit);
    assert!(h.state().county.open && !h.state().county.entries().is_empty(), "the list stays");
    // regression: the county window covered the report it opened. It steps aside to a small box
    // in the corner, clear of the page, and comes back with one click.
    let back = h.get_by_label("返回汇总检查列表").rect();
    let page = h.get_by_label_contains("收到和处理政府信息公开申请情况").rect();
    assert!(back.min.x > 1000.0 && back.min.y > 700.0, "in the bottom right corner: {back:?}");
    assert!(!back.intersects(page), "clear of the page's heading");
    assert!(h.query_by_label("开始检查").is_none(), "the list is out of the way");
    h.get_by_label("返回汇总检查列表").click();
    h.run();
    assert!(h.query_by_label("开始检查").is_some(), "and back");

    // regression: 导出汇总表 proposed the open unit's report name. It proposes the county's.
    let out = dir.path().join("汇总表.xlsx");
    h.get_by_role_and_label(Role::Button, "导出汇总表…").click();
    h.run();
    let proposed = h.state().dialog_as::<PathDialog>().expect("asks where").text.clone();
    assert_eq!(
        std::path::PathBuf::from(&proposed),
        c.dir.join("某某县2025年政府信息公开工作年度报告汇总表.xlsx"),
        "in the county's folder, named after the county and the year"
    );
    h.key_press_modifiers(CTRL, Key::A);
    h.event(Event::Text(out.display().to_string()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let bytes = std::fs::read(&out).expect("written");
    assert!(bytes.starts_with(b"PK"));
    let notice = h.state().notice.clone().expect("said");
    assert!(notice.text.contains("已导出汇总表"), "{}", notice.text);
}

// regression: a wholly blank draft showed 有警告 with 0 errors in the county view; it is 未填写.
#[test]
fn a_wholly_blank_draft_is_listed_as_not_filled_in() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("报告");
    std::fs::create_dir(&folder).unwrap();
    nianbao::store::save(&folder.join("空白.ron"), &nianbao::model::Report::new("gb2021", 2025, "某某县审计局"))
        .unwrap();
    let c = generate(&dir.path().join("其他"), 3);
    let mut done = nianbao::model::Report::clone(&c.reports[0].1);
    done.unit.name = "某某县商务局".into();
    nianbao::store::save(&folder.join("商务局.ron"), &done).unwrap();
    let mut h = harness_with_steps(NianbaoApp::new(AppConfig::default()), 60);
    h.run();
    h.state_mut().county.open = true;
    h.run();
    type_into(&mut h, "报告文件夹：", &folder.display().to_string());
    h.get_by_role_and_label(Role::Button, "开始检查").click();
    h.run();
    wait_done(&mut h);
    let rows = h.state().county.rows();
    let blank = rows.iter().find(|r| r.unit == "某某县审计局").expect("listed");
    assert_eq!(blank.status, Status::Blank);
    assert_eq!(blank.status.label(), "未填写");
    assert!(rows.iter().any(|r| r.unit == "某某县商务局" && r.status != Status::Blank), "a filled one is not");
    assert!(h.query_by_label("未填写").is_some(), "shown as 未填写");
    assert!(h.query_by_label_contains("未填写1份").is_some(), "counted in the total line");
}
