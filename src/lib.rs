//! Nianbao (年报): fill in, check and print the 政府信息公开工作年度报告.
//!
//! Layers, one direction (design principle 2): [`model`] knows the forms and the rules;
//! [`store`], [`pdf`], [`cli`] and [`ui`] build on it; nothing depends on `ui`.

pub mod assets;
pub mod cli;
pub mod county;
pub mod crash;
pub mod document;
#[cfg(feature = "export")]
pub mod export;
#[cfg(feature = "import")]
pub mod import;
pub mod isolate;
pub mod model;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod store;
#[cfg(feature = "gui")]
pub mod ui;
pub mod workflow;
