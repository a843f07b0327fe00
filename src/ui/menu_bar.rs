//! The menu bar drawn from the command table ([`super::command`]), and the bar by keyboard.

use egui::{Key, Modifiers};

use super::action::Action;
use strum::IntoEnumIterator;

use super::command::{Command, Menu, State, shortcut_text};

/// The menu bar by keyboard, as in WPS and Office: Alt alone or F10 puts the keyboard on the bar
/// (←/→ between menus, ↓ or Enter opens one), Alt+letter opens a menu at once, ↑/↓ choose within
/// it (egui's own menu navigation) and Enter runs the entry; ←/→ go to the next menu, Esc closes
/// and gives the keyboard back to where it was (the cell being filled).
#[derive(Debug, Default)]
pub struct MenuKeys {
    /// The menu the keyboard is on, while the bar is active.
    active: Option<Menu>,
    /// Whether that menu is open (else its button has the keyboard).
    open: bool,
    /// Give the first entry of the menu being opened the keyboard when it is drawn.
    focus_first: bool,
    /// Give the active menu's button the keyboard when it is drawn.
    focus_button: bool,
    /// Where the keyboard was before the bar was activated.
    return_to: Option<egui::Id>,
    /// Alt is down, and nothing else has happened since it went down (Alt alone, then released,
    /// activates the bar).
    alt_down: bool,
    alt_alone: bool,
    /// The bar's buttons and the open menu's command entries as last drawn.
    buttons: Vec<(Menu, egui::Id)>,
    entries: Vec<egui::Id>,
}

impl MenuKeys {
    /// The menu the keyboard is in, if the bar is active.
    pub fn active(&self) -> Option<Menu> {
        self.active
    }

    /// The menu opened from the keyboard, if any.
    pub fn open_menu(&self) -> Option<Menu> {
        self.active.filter(|_| self.open)
    }

    fn activate(&mut self, ctx: &egui::Context, menu: Menu, open: bool) {
        if self.active.is_none() {
            self.return_to = ctx.memory(|m| m.focused());
        }
        if !open || self.active != Some(menu) {
            egui::Popup::close_all(ctx);
        }
        self.active = Some(menu);
        self.open = open;
        self.focus_first = open;
        self.focus_button = !open;
        ctx.request_repaint();
    }

    /// Leaves the bar and gives the keyboard back to where it was.
    pub fn leave(&mut self, ctx: &egui::Context) {
        if self.active.take().is_some() {
            egui::Popup::close_all(ctx);
            ctx.memory_mut(|m| match self.return_to.take() {
                Some(id) => m.request_focus(id),
                None => m.surrender_focus(m.focused().unwrap_or(egui::Id::NULL)),
            });
            ctx.request_repaint();
        }
        self.reset();
    }

    /// Forgets the bar without moving the keyboard (a dialog has it now, or the mouse took it).
    pub fn reset(&mut self) {
        self.active = None;
        self.open = false;
        self.focus_first = false;
        self.focus_button = false;
        self.return_to = None;
    }

    /// The bar's keys, before any widget sees them; the keys it uses are taken out of the input.
    pub fn handle(&mut self, ctx: &egui::Context) {
        let events = ctx.input(|i| i.events.clone());
        let focused = ctx.memory(|m| m.focused());
        let mut used = vec![false; events.len()];
        for (n, e) in events.iter().enumerate() {
            match e {
                egui::Event::ModifiersChanged(m) => {
                    let alt_only = m.alt && !m.ctrl && !m.command && !m.shift && !m.mac_cmd;
                    if alt_only {
                        self.alt_alone |= !self.alt_down;
                        self.alt_down = true;
                    } else if !m.alt {
                        if self.alt_down && self.alt_alone {
                            match self.active {
                                Some(_) => self.leave(ctx),
                                None => self.activate(ctx, Menu::File, false),
                            }
                        }
                        self.alt_down = false;
                        self.alt_alone = false;
                    } else {
                        self.alt_alone = false;
                    }
                }
                egui::Event::PointerButton { pressed: true, .. } | egui::Event::WindowFocused(_) => {
                    self.alt_alone = false;
                }
                egui::Event::Key { key, pressed: true, modifiers, .. } => {
                    self.alt_alone = false;
                    used[n] = self.key(ctx, *key, *modifiers, focused);
                }
                egui::Event::Text(_) => used[n] = self.active.is_some() && !self.open,
                _ => {}
            }
        }
        if used.iter().any(|&u| u) {
            ctx.input_mut(|i| {
                let mut n = 0;
                i.events.retain(|_| {
                    n += 1;
                    !used[n - 1]
                });
            });
            // egui has already read the arrows as focus moves this frame: the bar decides instead.
            ctx.memory_mut(|m| m.move_focus(egui::FocusDirection::None));
        }
    }

    /// One key press; whether the bar used it.
    fn key(&mut self, ctx: &egui::Context, key: Key, modifiers: Modifiers, focused: Option<egui::Id>) -> bool {
        if modifiers.alt && !modifiers.ctrl && !modifiers.command {
            return match Menu::by_key(key) {
                Some(menu) => {
                    self.activate(ctx, menu, true);
                    true
                }
                None => false,
            };
        }
        if key == Key::F10 && modifiers.is_none() {
            match self.active {
                Some(_) => self.leave(ctx),
                None => self.activate(ctx, Menu::File, false),
            }
            return true;
        }
        let Some(menu) = self.active else { return false };
        if !modifiers.is_none() {
            return false;
        }
        let in_menu = focused.is_some_and(|f| self.entries.contains(&f));
        match key {
            Key::Escape | Key::Tab => self.leave(ctx),
            Key::ArrowLeft | Key::ArrowRight if !self.open || in_menu => {
                let step = if key == Key::ArrowLeft { -1 } else { 1 };
                self.activate(ctx, menu.beside(step), self.open);
            }
            Key::ArrowDown | Key::Enter | Key::Space if !self.open => self.activate(ctx, menu, true),
            Key::ArrowUp if !self.open => {}
            _ if !self.open => match Menu::by_key(key) {
                Some(m) => self.activate(ctx, m, true),
                None => return false,
            },
            _ => return false,
        }
        true
    }
}

/// Draws the menu bar from the table; a clicked command is returned. `extra` draws what is not
/// a command at the end of a menu's group 0 (the 最近打开 list). `keys` is the bar's keyboard
/// state ([`MenuKeys::handle`] ran before).
pub fn menu_bar_ui(
    ui: &mut egui::Ui,
    state: &State,
    keys: &mut MenuKeys,
    mut extra: impl FnMut(&mut egui::Ui, Menu) -> Option<Action>,
) -> Option<Action> {
    let mut clicked = None;
    let ctx = ui.ctx().clone();
    let mut buttons = Vec::new();
    let mut entries = Vec::new();
    let mut shown = None;
    egui::MenuBar::new().ui(ui, |ui| {
        for menu in Menu::iter() {
            let inner = ui.menu_button(menu.label(), |ui| {
                shown = Some(menu);
                let mut group = None;
                for cmd in Command::all() {
                    let spec = cmd.spec();
                    let Some((m, g)) = spec.menu else { continue };
                    if m != menu {
                        continue;
                    }
                    if let Some(prev) = group
                        && prev != g
                    {
                        if prev == 0
                            && let Some(a) = extra(ui, menu)
                        {
                            clicked = Some(a);
                        }
                        ui.separator();
                    }
                    group = Some(g);
                    let mut button = egui::Button::new(&spec.label);
                    if spec.toggle {
                        button = button.selected(cmd.ticked(state));
                    }
                    if let Some(k) = spec.shortcuts.first() {
                        button = button.shortcut_text(shortcut_text(k));
                    }
                    let enabled = cmd.enabled(state);
                    let resp = ui.add_enabled(enabled, button);
                    entries.push(resp.id);
                    if enabled && keys.open_menu() == Some(menu) && std::mem::take(&mut keys.focus_first) {
                        resp.request_focus();
                    }
                    if resp.clicked() {
                        ui.close();
                        clicked = Some(Action::Command(cmd));
                    }
                }
            });
            let button = inner.response;
            if keys.active == Some(menu) {
                let popup = egui::Popup::default_response_id(&button);
                if keys.open && !egui::Popup::is_id_open(&ctx, popup) && keys.focus_first {
                    // Opened from the keyboard: shown from the next frame on.
                    egui::Popup::open_id(&ctx, popup);
                    ctx.request_repaint();
                }
                if std::mem::take(&mut keys.focus_button) {
                    button.request_focus();
                }
            }
            buttons.push((menu, button.id));
        }
    });
    keys.buttons = buttons;
    if shown.is_some() {
        keys.entries = entries;
    }
    // The menu opened from the keyboard was closed another way (a click elsewhere, an entry
    // chosen with the mouse), or the mouse took the keyboard away from the bar.
    if let Some(menu) = keys.active {
        let focused = ctx.memory(|m| m.focused());
        let on_bar = focused.is_some_and(|f| keys.buttons.iter().any(|(_, b)| *b == f));
        let lost = if keys.open { shown != Some(menu) && !keys.focus_first } else { !on_bar && !keys.focus_button };
        if lost && clicked.is_none() {
            keys.reset();
        }
    }
    clicked
}

#[cfg(test)]
mod tests {
    use egui::accesskit::Role;
    use egui_kittest::Harness;
    use egui_kittest::kittest::{By, Queryable};

    use super::*;

    /// The menu bar alone, as the app draws it, with every command enabled.
    struct Bar {
        keys: MenuKeys,
        actions: Vec<Action>,
    }

    fn bar() -> Harness<'static, Bar> {
        let state = State {
            has_document: true,
            page_has_table: true,
            county_ready: true,
            can_undo: true,
            can_redo: true,
            ..State::default()
        };
        Harness::builder()
            .with_size(egui::vec2(1000.0, 1000.0))
            .with_max_steps(8)
            .with_context_setup(|ctx| {
                crate::ui::fonts::install(ctx);
                crate::ui::fonts::install_style(ctx);
            })
            .build_ui_state(
                move |ui, b: &mut Bar| {
                    b.keys.handle(ui.ctx());
                    if let Some(a) = menu_bar_ui(ui, &state, &mut b.keys, |_, _| None) {
                        b.actions.push(a);
                        b.keys.leave(ui.ctx());
                    }
                },
                Bar { keys: MenuKeys::default(), actions: Vec::new() },
            )
    }

    /// A menu entry by its label (its accessible name also carries the shortcut).
    fn entry<'a>(h: &'a Harness<'static, Bar>, label: &'a str) -> egui_kittest::Node<'a> {
        h.get(By::new().role(Role::Button).predicate(move |n| n.label().is_some_and(|l| l.starts_with(label))))
    }

    // regression: 以上年报告为模板新建, 导出Word and 汇总检查 could only be reached with the mouse.
    #[test]
    fn every_command_of_the_table_is_reached_with_alt_letter_arrows_and_enter() {
        let mut h = bar();
        h.run();
        for cmd in Command::all() {
            let spec = cmd.spec();
            let (menu, _) = spec.menu.expect("in a menu");
            h.key_press_modifiers(Modifiers::ALT, menu.access_key());
            h.run();
            let mut downs = 0;
            while !entry(&h, &spec.label).is_focused() {
                assert!(downs < 40, "{cmd:?} never got the keyboard in {}", menu.label());
                h.key_press(Key::ArrowDown);
                h.run();
                downs += 1;
            }
            h.key_press(Key::Enter);
            h.run();
            assert_eq!(h.state().actions.last(), Some(&Action::Command(cmd)), "{cmd:?} by keyboard");
            assert!(h.state().keys.active().is_none(), "the bar is left after a command");
        }
    }

    #[test]
    fn f10_or_alt_alone_puts_the_keyboard_on_the_bar_and_arrows_open_and_move_between_menus() {
        let mut h = bar();
        h.run();
        h.event(egui::Event::ModifiersChanged(Modifiers::ALT));
        h.run();
        h.event(egui::Event::ModifiersChanged(Modifiers::NONE));
        h.run();
        assert_eq!(h.state().keys.active(), Some(Menu::File), "Alt alone");
        assert!(h.get_by_label("文件(F)").is_focused());
        h.key_press(Key::ArrowRight);
        h.run();
        assert!(h.get_by_label("导出(X)").is_focused());
        h.key_press(Key::ArrowDown);
        h.run();
        assert_eq!(h.state().keys.open_menu(), Some(Menu::Export));
        assert!(entry(&h, "导出PDF…").is_focused(), "the first entry has the keyboard");
        // ← and → move to the next menu, open.
        h.key_press(Key::ArrowRight);
        h.run();
        assert_eq!(h.state().keys.open_menu(), Some(Menu::Edit));
        assert!(entry(&h, "撤销").is_focused());
        h.key_press(Key::Escape);
        h.run();
        assert!(h.state().keys.active().is_none(), "Esc closes");
        assert!(h.query(By::new().label_contains("撤销")).is_none(), "and the menu is gone");
        // F10 does the same as Alt; F10 again leaves.
        h.key_press(Key::F10);
        h.run();
        assert_eq!(h.state().keys.active(), Some(Menu::File));
        h.key_press(Key::F10);
        h.run();
        assert!(h.state().keys.active().is_none());
        assert!(h.state().actions.is_empty(), "nothing was run");
    }
}
