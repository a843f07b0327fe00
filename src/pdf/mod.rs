//! The print-ready PDF: the report laid out per GB/T 9704 (layout, text), then written by
//! printpdf (write): fonts embedded and subsetted, text selectable, an outline of the sections
//! and tables, byte-identical for the same draft.

pub mod fonts;
pub mod layout;
mod squeeze;
pub mod text;
pub mod write;

use std::collections::BTreeMap;
use std::path::PathBuf;

use self::fonts::{FontSet, FontSources, Role};
use self::layout::{BLOCK_H, BLOCK_W, Frame, Item, MARGIN_LEFT, MARGIN_TOP, PAGE_H, PAGE_NUMBER_SIZE, Page};
use self::write::{Bookmark, WriteError};
use crate::document::{self, Block};
use crate::model::report::PageNumbers;
use crate::model::{Context, Form, Report, Severity, check_report};

/// Choices for one export.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// Export without the 草稿 mark even though errors remain (the user said so).
    pub final_export: bool,
    /// Installed font files chosen per role (role label → file), from the settings.
    pub fonts: BTreeMap<String, PathBuf>,
}

#[derive(Debug)]
pub struct PdfOutput {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Whether the 草稿 mark is on the pages.
    pub draft_mark: bool,
    /// Things the user should know (blank cells printed blank …), in Chinese.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("{0}")]
    Font(#[from] fonts::FontError),
    #[error("以下字符在所选字体和内置字体中都没有，打印出来会是空白方框，请修改文字或选择含有这些字的字体：{}", .0.join("；"))]
    MissingGlyphs(Vec<String>),
    #[error("{0}")]
    Template(#[from] crate::model::TemplateError),
    #[error("{0}")]
    Write(#[from] WriteError),
}

/// Every text the PDF will print with its role and where it comes from, for the glyph check.
fn texts_of(blocks: &[Block], out: &mut Vec<(Role, String, String)>) {
    for b in blocks {
        match b {
            Block::Title(t) => out.push((Role::Title, t.concat(), "标题".into())),
            Block::Heading { level, text } => {
                let role = if *level <= 1 { Role::Heading1 } else { Role::Heading2 };
                out.push((role, text.clone(), "标题".into()));
            }
            Block::Para(t) => out.push((Role::Body, t.clone(), "正文".into())),
            Block::Table(table) => {
                for t in &table.texts {
                    out.push((Role::Table, t.clone(), table.table.def.name.clone()));
                }
            }
            Block::Landscape(inner) => texts_of(inner, out),
            Block::Signature { name, date } => {
                out.push((Role::Body, name.clone(), "落款".into()));
                out.push((Role::Body, date.clone(), "落款".into()));
            }
            Block::AnnexStart { title } => out.push((Role::Title, title.clone(), "附件标题".into())),
            Block::Blank => {}
        }
    }
}

/// Characters no font can draw, each with the first place it occurs.
fn missing_glyphs(fonts: &FontSet, blocks: &[Block]) -> Vec<String> {
    let mut texts = Vec::new();
    texts_of(blocks, &mut texts);
    texts.push((Role::Heading1, "草稿".into(), "水印".into()));
    texts.push((Role::Body, "—0123456789".into(), "页码".into()));
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (role, text, place) in texts {
        for c in text.chars() {
            if !fonts.covers(role, c) && seen.insert(c) {
                let shown = if c.is_control() {
                    format!("U+{:04X}", c as u32)
                } else {
                    format!("“{c}”(U+{:04X})", c as u32)
                };
                let context: String = text.chars().take(12).collect();
                out.push(format!("{shown}，在{place}“{context}…”中"));
            }
        }
    }
    out
}

/// Exports the report as a PDF, with the official fonts installed on this computer where found.
pub fn export(report: &Report, form: &Form, opts: &PdfOptions) -> Result<PdfOutput, PdfError> {
    export_with(report, form, opts, &FontSources::System)
}

/// Exports with the installed fonts looked for in `sources` only.
pub fn export_with(
    report: &Report,
    form: &Form,
    opts: &PdfOptions,
    sources: &FontSources,
) -> Result<PdfOutput, PdfError> {
    let fonts = FontSet::resolve(&opts.fonts, sources)?;
    let ctx = Context::default();
    let (values, findings) = check_report(form, report, &ctx);
    let errors = findings.iter().filter(|f| f.severity == Severity::E).count();
    let date_warning = document::date_warning(report);
    // A 落款 without its date is not a finished document either.
    let draft_mark = (errors > 0 || date_warning.is_some()) && !opts.final_export;

    let blocks = document::blocks(form, report, &values);
    let missing = missing_glyphs(&fonts, &blocks);
    if !missing.is_empty() {
        return Err(PdfError::MissingGlyphs(missing));
    }
    let mut warnings = Vec::new();
    warnings.extend(crate::document::blank_cells_notice(report, form, "PDF"));
    if let Some(w) = date_warning {
        warnings.push(if draft_mark { format!("{w}。PDF每页带有“草稿”字样") } else { w });
    }
    warnings.extend(crate::document::errors_notice(errors, draft_mark, "PDF每页带有“草稿”字样"));
    let (blocks, turned) = layout::turn_crowded_tables(&fonts, blocks);
    warnings.extend(turned);

    let pages = layout::layout(&fonts, blocks);
    let bytes = render(&fonts, &pages, report, draft_mark)?;
    Ok(PdfOutput { bytes, pages: pages.len(), draft_mark, warnings })
}

/// Frame coordinates to page coordinates (pt, origin bottom left) and text angle.
fn place(frame: Frame, x: f32, y: f32) -> (f32, f32, f32) {
    let bottom = PAGE_H - MARGIN_TOP - BLOCK_H;
    match frame {
        Frame::Portrait => (MARGIN_LEFT + x, PAGE_H - MARGIN_TOP - y, 0.0),
        // GB/T 9704—2012 §10: 单页码表头在订口一边，双页码表头在切口一边 — the binding edge of an
        // odd page and the outer edge of an even one are both the sheet's left edge: the
        // table's head faces left on every page, its text running upwards.
        Frame::Landscape => (MARGIN_LEFT + y, bottom + x, 90.0),
    }
}

/// Baseline of the page number: GB/T 9704 §7.5, “一字线上距版心下边缘7 mm” — the dashes'
/// line (their ink, not the text's em box) sits 7 mm below the text block.
fn page_number_baseline(fonts: &FontSet) -> f32 {
    let bottom = PAGE_H - MARGIN_TOP - BLOCK_H;
    let (lo, hi) = fonts.main_face(Role::Body).ink_extent('—').unwrap_or((0.3, 0.35));
    bottom - 7.0 * layout::MM - (lo + hi) / 2.0 * PAGE_NUMBER_SIZE
}

/// A page's rules in page coordinates: each table cell's borders, joined where they meet on
/// one line (a border shared by two cells is drawn once), in a fixed order.
fn rules(page: &Page) -> Vec<[f32; 4]> {
    // Frame coordinates rounded to 1/100 pt, so borders computed apart still meet.
    let key = |v: f32| (v * 100.0).round() as i64;
    let mut across: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    let mut down: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    for item in &page.items {
        if let Item::Line { x1, y1, x2, y2 } = *item {
            let (a, b) = ((key(x1), key(y1)), (key(x2), key(y2)));
            if a.1 == b.1 {
                across.entry(a.1).or_default().push((a.0.min(b.0), a.0.max(b.0)));
            } else if a.0 == b.0 {
                down.entry(a.0).or_default().push((a.1.min(b.1), a.1.max(b.1)));
            }
        }
    }
    let joined = |spans: &mut Vec<(i64, i64)>| -> Vec<(i64, i64)> {
        spans.sort_unstable();
        let mut out: Vec<(i64, i64)> = Vec::new();
        for &(s, e) in spans.iter() {
            match out.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
        out
    };
    let f = |v: i64| v as f32 / 100.0;
    let mut out = Vec::new();
    for (y, spans) in &mut across {
        for (s, e) in joined(spans) {
            out.push((f(s), f(*y), f(e), f(*y)));
        }
    }
    for (x, spans) in &mut down {
        for (s, e) in joined(spans) {
            out.push((f(*x), f(s), f(*x), f(e)));
        }
    }
    out.into_iter()
        .map(|(x1, y1, x2, y2)| {
            let (a, b, _) = place(page.frame, x1, y1);
            let (c, d, _) = place(page.frame, x2, y2);
            [a, b, c, d]
        })
        .collect()
}

fn render(fonts: &FontSet, pages: &[Page], report: &Report, draft_mark: bool) -> Result<Vec<u8>, WriteError> {
    let mut w = write::Writer::new(fonts);
    let number_y = page_number_baseline(fonts);
    let mut outline = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let no = i + 1;
        if draft_mark {
            // Drawn first, light grey, as shapes in an artifact: it is on every page but never
            // part of the text that is copied, searched or read aloud.
            let size = 150.0;
            let wd = fonts.width(Role::Heading1, "草稿", size);
            let (cx, cy) = (layout::PAGE_W / 2.0, PAGE_H / 2.0);
            let (s, c) = 45f32.to_radians().sin_cos();
            let h = size * 0.7;
            let x0 = cx - (wd / 2.0) * c + (h / 2.0) * s;
            let y0 = cy - (wd / 2.0) * s - (h / 2.0) * c;
            w.watermark(Role::Heading1, "草稿", [size * c, size * s, -size * s, size * c, x0, y0]);
        }
        w.rules(&rules(page));
        w.begin_text();
        for item in &page.items {
            if let Item::Text { x, y, size, role, text, extra } = item {
                w.text(*role, text, *size, extra, place(page.frame, *x, *y));
            }
        }
        w.end_text();
        // Page number: `— 1 —` in 4号, odd pages right and even pages left, one character in.
        let label = format!("— {no} —");
        let wd = fonts.width(Role::Body, &label, PAGE_NUMBER_SIZE);
        let x = match report.options.page_numbers {
            PageNumbers::Center => MARGIN_LEFT + (BLOCK_W - wd) / 2.0,
            PageNumbers::Outside if no % 2 == 1 => MARGIN_LEFT + BLOCK_W - layout::BODY_SIZE - wd,
            PageNumbers::Outside => MARGIN_LEFT + layout::BODY_SIZE,
        };
        w.furniture(Role::Body, &label, PAGE_NUMBER_SIZE, (x, number_y, 0.0));
        w.end_page();
        for m in &page.marks {
            // The view goes to the entry's line (a landscape page: to its top).
            let at = match page.frame {
                Frame::Portrait => (MARGIN_LEFT, PAGE_H - MARGIN_TOP - m.y + layout::BODY_SIZE * 0.5),
                Frame::Landscape => (0.0, PAGE_H),
            };
            outline.push(Bookmark { level: m.level, title: m.title.clone(), page: no, at });
        }
    }
    // A fixed date from the draft, so the same draft gives the same file.
    let date = report.signed_on.unwrap_or(crate::model::Date { year: report.year + 1, month: 1, day: 1 });
    let meta = write::Meta {
        title: report.title(),
        author: report.unit.name.clone(),
        subject: "政府信息公开工作年度报告".into(),
        date,
    };
    w.finish(&meta, &outline)
}
