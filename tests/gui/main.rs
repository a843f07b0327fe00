//! The window's tests, driven like a person would through AccessKit names (egui_kittest), and
//! the safety of the user's work in the window (backups, recovery copies, files changed on disk).

// A test's unwrap is a failed test (Cargo.toml's lints deny them in the program).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

#[path = "../util/county.rs"]
mod county_util;
#[path = "../util/fixtures.rs"]
mod fixtures;
mod harness;

mod both_front_ends;
mod county;
mod desktop;
mod export;
mod help;
mod keyboard;
mod messages;
mod safety;
mod text_checks;
mod window;
