//! 帮助 ▸ 使用说明 and 关于年报 from the menu.

use crate::harness::harness;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use nianbao::ui::dialogs::{AboutDialog, GuideDialog};
use nianbao::ui::{AppConfig, NianbaoApp};

#[test]
fn the_help_menu_opens_the_guide_and_about() {
    let mut h = harness(NianbaoApp::new(AppConfig::default()));
    h.run();
    h.get_by_label("帮助(H)").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "使用说明").click();
    h.run();
    assert!(h.state().dialog_as::<GuideDialog>().is_some());
    assert!(h.query_by_label_contains("1. 打开上年的草稿").is_some());
    let b = h.get_by_role_and_label(Role::Button, "关闭");
    let rect = b.rect();
    b.click();
    h.run();
    assert!(h.state().dialog_as::<GuideDialog>().is_none(), "closed ({rect:?})");
    h.get_by_label("帮助(H)").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "关于年报").click();
    h.run();
    assert!(h.state().dialog_as::<AboutDialog>().is_some());
    assert!(h.query_by_label_contains(&format!("版本 {}", env!("CARGO_PKG_VERSION"))).is_some());
    assert!(h.query_by_label_contains("打开恢复副本文件夹").is_some(), "the folders with their buttons");
}
