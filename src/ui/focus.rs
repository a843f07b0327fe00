//! The keyboard between the window's panes: the page list, the page and the findings panel.
//!
//! egui's Tab goes through widgets in the order they were added, and the side panels are added
//! before the page (a central panel comes last): the first Tab went to the menu bar and thirty
//! more went through the page list and the finding cards before the page's own text box. Here
//! Tab goes through the page first, then the findings, then the page list, and round again; F6
//! moves to the next pane as in Office (back to where the keyboard last was in it). The menu bar
//! is reached with Alt or F10 ([`super::menu_bar::MenuKeys`]). Every widget with the keyboard gets
//! a visible ring ([`focus_ring`]).

use egui::{Id, LayerId, Rect};

/// A pane of the window, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    /// The current page: its grid, text boxes and fields.
    Page,
    /// The findings panel.
    Findings,
    /// The page list.
    Pages,
}

impl Pane {
    pub const ALL: [Pane; 3] = [Pane::Page, Pane::Findings, Pane::Pages];

    fn index(self) -> usize {
        match self {
            Pane::Page => 0,
            Pane::Findings => 1,
            Pane::Pages => 2,
        }
    }
}

/// The panes' widgets as last drawn, and where the keyboard was in each.
#[derive(Debug, Default)]
pub struct Panes {
    /// Focusable widgets of each pane, in the order drawn, with their rectangles.
    widgets: [Vec<(Id, Rect)>; 3],
    /// The layer the panes are drawn on and where each pane's widgets begin in it this frame.
    marks: Option<(LayerId, usize)>,
    /// The widget that last had the keyboard in each pane.
    last: [Option<Id>; 3],
    /// A rectangle to scroll into view in a pane (the widget Tab or F6 moved to).
    scroll_to: Option<(Pane, Rect)>,
}

/// The focusable widgets of `layer` from the `from`th on, as drawn so far this frame.
fn focusable_since(ctx: &egui::Context, layer: LayerId, from: usize) -> Vec<(Id, Rect)> {
    ctx.viewport(|v| {
        v.this_pass
            .widgets
            .get_layer(layer)
            .skip(from)
            .filter(|w| w.enabled && w.sense.is_focusable())
            .map(|w| (w.id, w.rect))
            .collect()
    })
}

fn drawn_in(ctx: &egui::Context, layer: LayerId) -> usize {
    ctx.viewport(|v| v.this_pass.widgets.get_layer(layer).count())
}

impl Panes {
    /// Call before drawing a pane's contents on `ui`'s layer.
    pub fn begin(&mut self, ui: &egui::Ui) {
        let layer = ui.layer_id();
        self.marks = Some((layer, drawn_in(ui.ctx(), layer)));
    }

    /// Call after drawing `pane`: its widgets are what was added since [`Panes::begin`].
    pub fn end(&mut self, ui: &egui::Ui, pane: Pane) {
        if let Some((layer, from)) = self.marks.take() {
            self.widgets[pane.index()] = focusable_since(ui.ctx(), layer, from);
        }
        let focused = ui.ctx().memory(|m| m.focused());
        if let Some(f) = focused.filter(|f| self.widgets[pane.index()].iter().any(|(id, _)| id == f)) {
            self.last[pane.index()] = Some(f);
        }
    }

    /// No document: no panes.
    pub fn clear(&mut self) {
        *self = Panes::default();
    }

    /// The pane a widget is in.
    pub fn pane_of(&self, id: Id) -> Option<Pane> {
        Pane::ALL.into_iter().find(|p| self.widgets[p.index()].iter().any(|(w, _)| *w == id))
    }

    /// The widget to scroll into view in `pane` this frame (call inside its scroll area).
    pub fn take_scroll(&mut self, pane: Pane) -> Option<Rect> {
        match self.scroll_to {
            Some((p, r)) if p == pane => {
                self.scroll_to = None;
                Some(r)
            }
            _ => None,
        }
    }

    fn give(&mut self, ctx: &egui::Context, pane: Pane, id: Id) {
        let rect = self.widgets[pane.index()].iter().find(|(w, _)| *w == id).map(|(_, r)| *r);
        ctx.memory_mut(|m| {
            m.move_focus(egui::FocusDirection::None);
            m.request_focus(id);
        });
        if let Some(r) = rect {
            self.scroll_to = Some((pane, r));
        }
        ctx.request_repaint();
    }

    /// The widget after (or before) `from` in Tab order: on through the pane, then the next
    /// pane's first; with nothing focused, the page's first (last). `None` when no pane has any.
    pub fn next_after(&self, from: Option<Id>, forward: bool) -> Option<(Pane, Id)> {
        // Every widget of every pane, in Tab order.
        let all: Vec<(Pane, Id)> =
            Pane::ALL.into_iter().flat_map(|p| self.widgets[p.index()].iter().map(move |(id, _)| (p, *id))).collect();
        if all.is_empty() {
            return None;
        }
        let at = from.and_then(|f| all.iter().position(|(_, id)| *id == f));
        let n = all.len();
        let i = match (at, forward) {
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
            (None, true) => 0,
            // Shift+Tab with nothing focused: the page's last.
            (None, false) => {
                let page = self.widgets[Pane::Page.index()].len();
                if page > 0 { page - 1 } else { n - 1 }
            }
        };
        Some(all[i])
    }

    /// Tab and Shift+Tab outside the grid (the grid moves between its own cells, and hands over
    /// with `leaving` at its ends). Keys only while the keyboard is in a pane or nowhere: a menu,
    /// a window or a dialog has its own order.
    pub fn handle_tab(&mut self, ctx: &egui::Context, leaving: Option<bool>) {
        let focused = ctx.memory(|m| m.focused());
        let forward = match leaving {
            Some(f) => f,
            None => {
                if focused.is_some_and(|f| self.pane_of(f).is_none()) {
                    return;
                }
                // Shift told apart exactly (egui's `consume_key` ignores an extra Shift).
                let tab = ctx.input_mut(|i| {
                    let at = i.events.iter().position(|e| {
                        matches!(e, egui::Event::Key { key: egui::Key::Tab, pressed: true, modifiers, .. }
                            if modifiers.is_none() || modifiers.shift_only())
                    })?;
                    match i.events.remove(at) {
                        egui::Event::Key { modifiers, .. } => Some(!modifiers.shift),
                        _ => None,
                    }
                });
                match tab {
                    Some(f) => f,
                    None => return,
                }
            }
        };
        match self.next_after(focused, forward) {
            Some((pane, id)) => self.give(ctx, pane, id),
            None => ctx.memory_mut(|m| m.move_focus(egui::FocusDirection::None)),
        }
    }

    /// F6: the next pane that has something to focus, where the keyboard last was in it.
    pub fn next_pane(&mut self, ctx: &egui::Context) {
        let focused = ctx.memory(|m| m.focused());
        let now = focused.and_then(|f| self.pane_of(f));
        let start = now.map(|p| p.index() + 1).unwrap_or(0);
        for k in 0..Pane::ALL.len() {
            let pane = Pane::ALL[(start + k) % Pane::ALL.len()];
            let list = &self.widgets[pane.index()];
            let remembered = self.last[pane.index()].filter(|l| list.iter().any(|(w, _)| w == l));
            if let Some(id) = remembered.or_else(|| list.first().map(|(w, _)| *w)) {
                self.give(ctx, pane, id);
                return;
            }
        }
    }
}

/// The ring round the widget that has the keyboard, wherever it is (egui marks a focused button
/// only by a slightly darker fill, and a text box hardly at all). `skip`: a widget that draws its
/// own (the grid's focused cell).
pub fn focus_ring(ctx: &egui::Context, skip: Option<Id>) {
    let Some(id) = ctx.memory(|m| m.focused()).filter(|f| Some(*f) != skip) else { return };
    let Some(w) = ctx.viewport(|v| v.this_pass.widgets.get(id).cloned()) else { return };
    if !w.enabled || w.interact_rect.area() <= 0.0 {
        return;
    }
    // The grid's own focus colour: one look for “the keyboard is here” everywhere.
    let stroke = egui::Stroke::new(2.0, super::table::FOCUS_LINE);
    let painter = ctx.layer_painter(w.layer_id).with_clip_rect(w.interact_rect.expand(3.0));
    painter.rect_stroke(w.rect.expand(1.0), 3.0, stroke, egui::StrokeKind::Outside);
}
