//! The Word, web page and Excel exports and the 审核清单, each read back: the same cells, the
//! same section texts, merged ranges and formulas where the official tables have them.

mod excel;
mod review;
mod support;
mod web;
mod word;
