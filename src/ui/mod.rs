//! The window (eframe/egui). A thin immediate-mode view over [`crate::model`] state.

pub mod action;
pub mod app;
pub mod clipboard;
pub mod command;
pub mod county;
pub mod dialogs;
pub mod doc;
pub mod files;
pub mod findings;
pub mod focus;
pub mod fonts;
pub mod menu_bar;
pub mod open;
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

fn renderer_id(r: eframe::Renderer) -> &'static str {
    match r {
        eframe::Renderer::Glow => "glow",
        eframe::Renderer::Wgpu => "wgpu",
    }
}

/// Set in the process started for the second renderer: it must not start a third.
const FALLBACK_ENV: &str = "NIANBAO_RENDERER_FALLBACK";

/// Opens the window, optionally with a draft. When the first renderer cannot start, the
/// program starts itself again with the other one (winit allows one event loop per process, so
/// the second cannot be tried in this one); when neither can, the error says in Chinese what
/// failed.
/// The app's id: the desktop entry (`cn.nianbao.Nianbao.desktop`), icon and AppStream id.
pub const APP_ID: &str = "cn.nianbao.Nianbao";
/// The window icon (the hicolor 256 px icon the .deb installs).
const ICON_PNG: &[u8] = include_bytes!("../../assets/icons/hicolor/256x256/apps/cn.nianbao.Nianbao.png");

pub fn run(initial: Option<PathBuf>) -> Result<(), WindowError> {
    let order = renderers();
    let first = order[0];
    let failure = match run_with(first, initial.clone()) {
        Ok(()) => return Ok(()),
        Err(e) => RendererFailure { renderer: renderer_name(first), reason: e.to_string() },
    };
    let mut failures = vec![failure];
    if std::env::var_os(FALLBACK_ENV).is_none()
        && let Some(&next) = order.get(1)
    {
        // Said where it can be seen (a terminal, a log): why the window looks different.
        eprintln!("注意：{}；改用{}绘制窗口", failures[0], renderer_name(next));
        match fallback(next) {
            Ok(status) if status.success() => return Ok(()),
            // The second one opened and ended with its own error, already printed.
            Ok(status) => return Err(WindowError::Exited(status)),
            Err(e) => failures
                .push(RendererFailure { renderer: renderer_name(next), reason: crate::store::atomic::describe_io(&e) }),
        }
    }
    Err(WindowError::NoGraphics(failures))
}

/// Why the window could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum WindowError {
    /// The second renderer's process opened and ended with its own error (already printed).
    #[error("窗口异常退出（{0}）")]
    Exited(std::process::ExitStatus),
    #[error(
        "无法打开窗口：这台电脑的图形环境不能显示本程序（需要OpenGL 2.0以上，或Vulkan/DirectX）。\
         远程桌面、云桌面或没有安装显卡驱动时常见；请安装显卡驱动或在本机运行。命令行功能不受影响（nianbao --help）。\n详细信息：\n  {}",
        .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  ")
    )]
    NoGraphics(Vec<RendererFailure>),
}

/// One renderer that could not draw the window, and the library's reason.
#[derive(Debug)]
pub struct RendererFailure {
    pub renderer: &'static str,
    pub reason: String,
}

impl std::fmt::Display for RendererFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}：{}", self.renderer, self.reason)
    }
}

/// Runs this program again, with the same arguments, on `renderer`.
fn fallback(renderer: eframe::Renderer) -> std::io::Result<std::process::ExitStatus> {
    let exe = std::env::current_exe()?;
    std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("NIANBAO_RENDERER", renderer_id(renderer))
        .env(FALLBACK_ENV, "1")
        .status()
}

fn run_with(renderer: eframe::Renderer, initial: Option<PathBuf>) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        renderer,
        viewport: egui::ViewportBuilder::default()
            .with_title(app::APP_NAME)
            .with_inner_size([1360.0, 860.0])
            .with_min_inner_size([900.0, 600.0])
            // The desktop file's name: the taskbar groups the window with its launcher (Wayland
            // app_id, X11 WM_CLASS).
            .with_app_id(APP_ID)
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let options = match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => {
            eframe::NativeOptions { viewport: options.viewport.with_icon(std::sync::Arc::new(icon)), ..options }
        }
        // A build defect, not the user's problem: the window opens with the default icon.
        Err(_) => options,
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

#[cfg(test)]
mod tests {

    #[test]
    fn no_graphics_names_every_renderer_tried_and_why() {
        use super::{RendererFailure, WindowError};
        let e = WindowError::NoGraphics(vec![
            RendererFailure { renderer: "OpenGL", reason: "找不到OpenGL".into() },
            RendererFailure { renderer: "wgpu（Vulkan/DirectX/OpenGL ES）", reason: "没有适配器".into() },
        ]);
        let text = e.to_string();
        assert!(text.starts_with("无法打开窗口：这台电脑的图形环境不能显示本程序"), "{text}");
        assert!(
            text.ends_with("详细信息：\n  OpenGL：找不到OpenGL\n  wgpu（Vulkan/DirectX/OpenGL ES）：没有适配器"),
            "{text}"
        );
    }
    #[test]
    fn the_window_icon_is_a_256_pixel_image() {
        let icon = eframe::icon_data::from_png_bytes(super::ICON_PNG).expect("a PNG");
        assert_eq!((icon.width, icon.height), (256, 256));
        assert!(icon.rgba.chunks(4).any(|p| p[3] == 255), "not blank");
    }
}
