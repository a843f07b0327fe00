//! The modal dialogs. Each is a small struct made with its own `new`/`open` and drawn by
//! [`Dialog::ui`], which hands back what the user chose as an [`Action`]; the app runs it. A dialog
//! knows only what it was opened with, so each is tested on its own (kittest, in its file).

use std::any::Any;

use super::action::Action;

mod choice;
mod fonts;
mod help;
mod import_report;
mod message;
mod messages;
mod new_report;
pub mod path;
mod recover;
mod shortcuts;

pub use choice::ChoiceDialog;
pub use fonts::FontsDialog;
pub use help::{AboutDialog, GuideDialog};
pub use import_report::ImportReportDialog;
pub use message::MessageDialog;
pub use messages::{Logged, MessagesDialog};
pub use new_report::NewReportDialog;
pub use path::PathDialog;
pub use recover::RecoverDialog;
pub use shortcuts::ShortcutsDialog;

pub trait Dialog: Any {
    /// Draws the dialog. `Some(action)` once the user has chosen (closing it, Escape or a click
    /// outside, gives [`Action::CloseDialog`]); the app then closes the dialog and runs the action.
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action>;

    /// The action it handed back failed: show why inside the dialog and stay open. Dialogs with
    /// no place for a message return `false` (the app shows the error on its own).
    fn show_error(&mut self, _message: String) -> bool {
        false
    }

    /// The heading, which tests and screen readers use to tell dialogs apart.
    fn title(&self) -> String;

    fn as_any(&self) -> &dyn Any;
}

/// A row of buttons; which one was clicked. The `default` one has the keyboard while nothing
/// in the dialog has it, so Enter answers it and Tab/arrows move on from it.
pub fn choice_buttons(ui: &mut egui::Ui, labels: &[&str], default: usize) -> Option<usize> {
    ui.horizontal(|ui| {
        let mut clicked = None;
        for (i, label) in labels.iter().enumerate() {
            let resp = ui.button(*label);
            if i == default {
                keyboard_default(ui, &resp);
            }
            if resp.clicked() {
                clicked = Some(i);
            }
        }
        clicked
    })
    .inner
}

/// Gives `resp` the keyboard when nothing on its dialog's layer has it (the dialog just opened,
/// the keyboard still on the page behind it).
pub fn keyboard_default(ui: &egui::Ui, resp: &egui::Response) {
    let focused = ui.ctx().memory(|m| m.focused());
    let here = focused.and_then(|f| ui.ctx().viewport(|v| v.prev_pass.widgets.get(f).map(|w| w.layer_id)));
    if here != Some(ui.layer_id()) {
        resp.request_focus();
        // Shown with its ring at once, not at the next key or mouse move.
        ui.ctx().request_repaint();
    }
}

/// A modal with a heading; `None` while it stays open, `Some(CloseDialog)` when dismissed.
pub(crate) fn modal<R>(
    ctx: &egui::Context,
    id: &str,
    width: f32,
    body: impl FnOnce(&mut egui::Ui) -> Option<R>,
) -> (Option<R>, bool) {
    let m = egui::Modal::new(egui::Id::unique(("nianbao-dialog", id))).show(ctx, |ui| {
        ui.set_max_width(width);
        body(ui)
    });
    let dismissed = m.should_close();
    (m.inner, dismissed)
}

#[cfg(test)]
pub(crate) mod testing {
    //! A dialog alone in a kittest harness, recording what it hands back.

    use egui_kittest::Harness;

    use super::{Action, Dialog};

    pub struct Probe<D> {
        pub dialog: D,
        pub actions: Vec<Action>,
    }

    pub fn harness<D: Dialog + 'static>(dialog: D) -> Harness<'static, Probe<D>> {
        harness_checked(dialog, true)
    }

    /// `accessible: false` for a dialog that shows a third-party widget without accessible names.
    pub fn harness_checked<D: Dialog + 'static>(dialog: D, accessible: bool) -> Harness<'static, Probe<D>> {
        Harness::builder()
            .with_accessibility_check(accessible)
            .with_size(egui::vec2(1000.0, 700.0))
            .with_max_steps(8)
            .with_context_setup(|ctx| {
                crate::ui::fonts::install(ctx);
                crate::ui::fonts::install_style(ctx);
            })
            .build_ui_state(
                |ui, p: &mut Probe<D>| {
                    if let Some(a) = p.dialog.ui(ui.ctx()) {
                        p.actions.push(a);
                    }
                },
                Probe { dialog, actions: Vec::new() },
            )
    }
}
