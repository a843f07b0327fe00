//! The print-ready PDF: the report laid out per GB/T 9704 (layout, text), then written as PDF
//! (write): fonts embedded and subsetted, text selectable, byte-identical for the same draft.

pub mod fonts;
pub mod layout;
pub mod text;
pub mod write;

use std::collections::BTreeMap;
use std::path::PathBuf;

use self::fonts::{FontSet, FontSources, Role};
use self::layout::{BLOCK_H, BLOCK_W, Frame, Item, MARGIN_LEFT, MARGIN_TOP, PAGE_H, PAGE_NUMBER_SIZE, Page};
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
    Font(String),
    #[error("以下字符在所选字体和内置字体中都没有，打印出来会是空白方框，请修改文字或选择含有这些字的字体：{}", .0.join("；"))]
    MissingGlyphs(Vec<String>),
    #[error("{0}")]
    Template(#[from] crate::model::TemplateError),
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
    let fonts = FontSet::resolve(&opts.fonts, sources).map_err(PdfError::Font)?;
    let ctx = Context { today: None, ..Default::default() };
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

    let pages = layout::layout(&fonts, blocks);
    let bytes = render(&fonts, &pages, report, draft_mark).map_err(PdfError::Font)?;
    Ok(PdfOutput { bytes, pages: pages.len(), draft_mark, warnings })
}

/// Frame coordinates to page coordinates (pt, origin bottom left) and text angle.
fn place(frame: Frame, page_no: usize, x: f32, y: f32) -> (f32, f32, f32) {
    let bottom = PAGE_H - MARGIN_TOP - BLOCK_H;
    match frame {
        Frame::Portrait => (MARGIN_LEFT + x, PAGE_H - MARGIN_TOP - y, 0.0),
        // GB/T 9704 §8: odd page, the table's head faces the binding edge (left), text runs
        // upwards.
        Frame::Landscape if page_no % 2 == 1 => (MARGIN_LEFT + y, bottom + x, 90.0),
        // Even page: the head faces the outer edge (right).
        Frame::Landscape => (MARGIN_LEFT + BLOCK_W - y, bottom + BLOCK_H - x, -90.0),
    }
}

/// Baseline of the page number: GB/T 9704 §7.5, “一字线上距版心下边缘7 mm” — the dashes'
/// line (their ink, not the text's em box) sits 7 mm below the text block.
fn page_number_baseline(fonts: &FontSet) -> f32 {
    let bottom = PAGE_H - MARGIN_TOP - BLOCK_H;
    let (lo, hi) = fonts.main_face(Role::Body).ink_extent('—').unwrap_or((0.3, 0.35));
    bottom - 7.0 * layout::MM - (lo + hi) / 2.0 * PAGE_NUMBER_SIZE
}

fn render(fonts: &FontSet, pages: &[Page], report: &Report, draft_mark: bool) -> Result<Vec<u8>, String> {
    let mut w = write::Writer::new(fonts);
    let mut streams = Vec::with_capacity(pages.len());
    let number_y = page_number_baseline(fonts);
    for (i, page) in pages.iter().enumerate() {
        let no = i + 1;
        let mut out: Vec<u8> = Vec::with_capacity(16 * 1024);
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
            out.extend_from_slice(
                b"/Artifact <</Type /Pagination /Subtype /Watermark>> BDC
q 0.88 g
",
            );
            write::num(&mut out, size * c);
            out.push(b' ');
            write::num(&mut out, size * s);
            out.push(b' ');
            write::num(&mut out, -size * s);
            out.push(b' ');
            write::num(&mut out, size * c);
            out.push(b' ');
            write::num(&mut out, x0);
            out.push(b' ');
            write::num(&mut out, y0);
            out.extend_from_slice(
                b" cm
",
            );
            w.outlines(&mut out, Role::Heading1, "草稿");
            out.extend_from_slice(
                b"Q
EMC
",
            );
        }
        out.extend_from_slice(
            b"0 G 0.5 w
",
        );
        let mut any_line = false;
        for item in &page.items {
            if let Item::Line { x1, y1, x2, y2 } = item {
                let (a, b, _) = place(page.frame, no, *x1, *y1);
                let (c, d, _) = place(page.frame, no, *x2, *y2);
                write::num(&mut out, a);
                out.push(b' ');
                write::num(&mut out, b);
                out.extend_from_slice(b" m ");
                write::num(&mut out, c);
                out.push(b' ');
                write::num(&mut out, d);
                out.extend_from_slice(
                    b" l
",
                );
                any_line = true;
            }
        }
        if any_line {
            out.extend_from_slice(
                b"S
",
            );
        }
        out.extend_from_slice(
            b"0 g
",
        );
        w.begin_text(&mut out);
        for item in &page.items {
            if let Item::Text { x, y, size, role, text, spacing } = item {
                w.text(&mut out, *role, text, *size, *spacing, place(page.frame, no, *x, *y));
            }
        }
        // Page number: `— 1 —` in 4号, odd pages right and even pages left, one character in.
        let label = format!("— {no} —");
        let wd = fonts.width(Role::Body, &label, PAGE_NUMBER_SIZE);
        let x = match report.options.page_numbers {
            PageNumbers::Center => MARGIN_LEFT + (BLOCK_W - wd) / 2.0,
            PageNumbers::Outside if no % 2 == 1 => MARGIN_LEFT + BLOCK_W - layout::BODY_SIZE - wd,
            PageNumbers::Outside => MARGIN_LEFT + layout::BODY_SIZE,
        };
        w.text(&mut out, Role::Body, &label, PAGE_NUMBER_SIZE, 0.0, (x, number_y, 0.0));
        w.end_text(&mut out);
        streams.push(out);
    }
    // A fixed date from the draft, so the same draft gives the same file.
    let d = report.signed_on.unwrap_or(crate::model::Date { year: report.year + 1, month: 1, day: 1 });
    let meta = write::Meta {
        title: report.title(),
        author: report.unit.name.clone(),
        subject: "政府信息公开工作年度报告".into(),
        date: format!("D:{:04}{:02}{:02}000000Z", d.year, d.month, d.day),
        id: content_id(report),
    };
    w.finish(streams, &meta, (layout::PAGE_W, PAGE_H))
}

/// A 16-byte identifier of the report's content (FNV-1a over its debug form, which is stable:
/// every map in a report is ordered).
fn content_id(report: &Report) -> [u8; 16] {
    let text = format!("{report:?}");
    let mut h1: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h2: u64 = 0x8422_2325_cbf2_9ce4;
    for b in text.bytes() {
        h1 = (h1 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        h2 = (h2 ^ u64::from(b.rotate_left(3))).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&h1.to_be_bytes());
    out[8..].copy_from_slice(&h2.to_be_bytes());
    out
}
