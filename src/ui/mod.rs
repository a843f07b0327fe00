//! The window (eframe/egui, glow). A thin immediate-mode view over [`crate::model`] state.

pub mod action;
pub mod app;
pub mod command;
pub mod dialogs;
pub mod doc;
pub mod files;
pub mod findings;
pub mod fonts;
pub mod pages;
pub mod start;
pub mod table;

use std::path::PathBuf;

pub use app::{AppConfig, NianbaoApp};

/// Opens the window, optionally with a draft.
pub fn run(initial: Option<PathBuf>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(app::APP_NAME)
            .with_inner_size([1360.0, 860.0])
            .with_min_inner_size([900.0, 600.0])
            .with_app_id("nianbao")
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        app::APP_NAME,
        options,
        Box::new(move |cc| {
            fonts::install(&cc.egui_ctx);
            fonts::install_style(&cc.egui_ctx);
            let mut app = NianbaoApp::new(AppConfig::desktop());
            if let Some(z) = app.settings.zoom {
                cc.egui_ctx.set_zoom_factor(z);
            }
            if let Some(p) = initial {
                app.open_path(&p);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| format!("无法打开窗口：{e}"))
}
