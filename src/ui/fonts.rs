//! The bundled CJK font for the window (Noto Sans SC, subset to GB 2312 + 通用规范汉字表).

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

pub use crate::assets::SANS_SC;

/// Puts Noto Sans SC first in both families, keeping egui's own fonts for symbols it lacks.
pub fn install(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert("noto-sans-sc".to_owned(), Arc::new(FontData::from_static(SANS_SC)));
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts.families.entry(family).or_default().insert(0, "noto-sans-sc".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// The look of the app: light (a paper form), slightly larger text than egui's default.
pub fn install_style(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Light);
    // Zoom and quit keys are commands of the app's own table (`command.rs`), not egui's.
    ctx.options_mut(|o| {
        o.zoom_with_keyboard = false;
        o.quit_shortcuts.clear();
    });
    ctx.all_styles_mut(|s| {
        use egui::{FontId, TextStyle};
        s.text_styles.insert(TextStyle::Body, FontId::proportional(15.0));
        s.text_styles.insert(TextStyle::Button, FontId::proportional(15.0));
        s.text_styles.insert(TextStyle::Heading, FontId::proportional(21.0));
        s.text_styles.insert(TextStyle::Small, FontId::proportional(12.0));
        s.spacing.item_spacing = egui::vec2(8.0, 6.0);
        // A blinking caret repaints the window twice a second for nothing: on a PC that renders
        // in software (no graphics driver, Remote Desktop, 云桌面) that is real CPU.
        s.visuals.text_cursor.blink = false;
        s.spacing.button_padding = egui::vec2(8.0, 4.0);
    });
}
