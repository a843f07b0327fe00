//! The window's tests, driven like a person would through AccessKit names (egui_kittest), and
//! the safety of the user's work in the window (backups, recovery copies, files changed on disk).

#[path = "../util/fixtures.rs"]
mod fixtures;
mod harness;

mod desktop;
mod export;
mod safety;
mod window;
