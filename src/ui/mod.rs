//! The window (eframe/egui). A thin immediate-mode view over [`crate::model`] state.

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

/// The renderers, in the order they are tried: OpenGL (glow) is light and starts fast; wgpu
/// (Vulkan, DirectX, or its own GL backend) serves PCs whose OpenGL is older than 2.0 — Windows
/// Remote Desktop offers only OpenGL 1.1. `NIANBAO_RENDERER=wgpu` (or `glow`) tries that one
/// first.
fn renderers() -> Vec<eframe::Renderer> {
    let mut order = vec![eframe::Renderer::Glow, eframe::Renderer::Wgpu];
    if std::env::var("NIANBAO_RENDERER").is_ok_and(|v| v.eq_ignore_ascii_case("wgpu")) {
        order.reverse();
    }
    order
}

fn renderer_name(r: eframe::Renderer) -> &'static str {
    match r {
        eframe::Renderer::Glow => "OpenGL",
        eframe::Renderer::Wgpu => "wgpu（Vulkan/DirectX/OpenGL ES）",
    }
}

/// Opens the window, optionally with a draft. When a renderer cannot start, the next is tried;
/// when none can, the error says in Chinese what failed.
pub fn run(initial: Option<PathBuf>) -> Result<(), String> {
    let mut failures = Vec::new();
    for renderer in renderers() {
        match run_with(renderer, initial.clone()) {
            Ok(()) => return Ok(()),
            Err(e) => failures.push(format!("{}：{e}", renderer_name(renderer))),
        }
    }
    Err(format!(
        "无法打开窗口：这台电脑的图形环境不能显示本程序（需要OpenGL 2.0以上，或Vulkan/DirectX）。\
         远程桌面、云桌面或没有安装显卡驱动时常见；请安装显卡驱动或在本机运行。命令行功能不受影响（nianbao --help）。\n详细信息：\n  {}",
        failures.join("\n  ")
    ))
}

fn run_with(renderer: eframe::Renderer, initial: Option<PathBuf>) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        renderer,
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
}
