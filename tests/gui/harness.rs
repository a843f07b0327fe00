//! Shared by the window tests: the app in a kittest harness, as eframe runs it.

use egui::Modifiers;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable};
use nianbao::model::Report;
use nianbao::ui::doc::Document;
use nianbao::ui::{AppConfig, NianbaoApp, fonts};

/// Ctrl as egui-winit reports it on Linux and Windows (both `ctrl` and `command`).
pub const CTRL: Modifiers = Modifiers { ctrl: true, command: true, alt: false, shift: false, mac_cmd: false };

/// The app in a 1400 × 900 window, with the bundled CJK font (kittest refuses missing glyphs).
pub fn harness(app: NianbaoApp) -> Harness<'static, NianbaoApp> {
    harness_with_steps(app, 12)
}

/// The same, for views that take more frames to settle (a grid whose columns grow as rows
/// arrive from a worker thread).
pub fn harness_with_steps(app: NianbaoApp, steps: u64) -> Harness<'static, NianbaoApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(steps)
        .with_context_setup(|ctx| {
            fonts::install(ctx);
            fonts::install_style(ctx);
        })
        .build_eframe(move |_cc| app)
}

/// The app with `report` open (not saved anywhere).
pub fn app_with(report: Report) -> NianbaoApp {
    let mut app = NianbaoApp::new(AppConfig::default());
    app.set_document(Document::new(report, None).expect("document"));
    app
}

pub fn empty_2025() -> Report {
    Report::new("gb2021", 2025, "某某县商务局")
}

/// Clicks a page in the page list (its label also carries counts such as “（警告1）”).
pub fn open_page(h: &mut Harness<'static, NianbaoApp>, title: &str) {
    h.get(By::new().role(Role::Button).label_contains(title)).click();
    h.run();
}
