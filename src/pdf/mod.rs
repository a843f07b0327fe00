//! The print-ready PDF: the report laid out per GB/T 9704 (layout), then written with printpdf,
//! fonts embedded and subsetted, text selectable, byte-identical for the same draft.

pub mod fonts;
pub mod layout;
pub mod text;

use std::collections::BTreeMap;
use std::path::PathBuf;

use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, TextItem, TextMatrix,
};

use self::fonts::{FontSet, Role};
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

/// Exports the report as a PDF.
pub fn export(report: &Report, form: &Form, opts: &PdfOptions) -> Result<PdfOutput, PdfError> {
    let fonts = FontSet::with_user(&opts.fonts).map_err(PdfError::Font)?;
    let ctx = Context { today: None, published: Default::default() };
    let (values, findings) = check_report(form, report, &ctx);
    let errors = findings.iter().filter(|f| f.severity == Severity::E).count();
    let draft_mark = errors > 0 && !opts.final_export;

    let blocks = document::blocks(form, report, &values);
    let missing = missing_glyphs(&fonts, &blocks);
    if !missing.is_empty() {
        return Err(PdfError::MissingGlyphs(missing));
    }
    let mut warnings = Vec::new();
    if !report.options.blank_as_zero {
        let blanks = form
            .tables
            .iter()
            .filter(|t| t.def.printed)
            .flat_map(|t| t.cells.iter())
            .filter(|&&ix| form.cells[ix].is_input() && report.cell_text(&form.cells[ix].id).trim().is_empty())
            .count();
        if blanks > 0 {
            warnings.push(format!(
                "有{blanks}个单元格未填写，PDF中为空白；没有数据应填0（或在“基本信息”中勾选“未填写的单元格打印为0”）"
            ));
        }
    }
    if errors > 0 {
        warnings.push(if draft_mark {
            format!("还有{errors}个错误，PDF每页带有“草稿”字样")
        } else {
            format!("还有{errors}个错误，但按要求导出为正式版（无“草稿”字样）")
        });
    }

    let pages = layout::layout(&fonts, blocks);
    let bytes = render(&fonts, &pages, report, draft_mark);
    Ok(PdfOutput { bytes, pages: pages.len(), draft_mark, warnings })
}

/// Frame coordinates to page coordinates (pt, origin bottom left) and text angle.
fn place(frame: Frame, page_no: usize, x: f32, y: f32) -> (f32, f32, f32) {
    let bottom = PAGE_H - MARGIN_TOP - BLOCK_H;
    match frame {
        Frame::Portrait => (MARGIN_LEFT + x, PAGE_H - MARGIN_TOP - y, 0.0),
        // Odd page: the table's head faces the binding edge (left), text runs upwards.
        Frame::Landscape if page_no % 2 == 1 => (MARGIN_LEFT + y, bottom + x, 90.0),
        // Even page: the head faces the outer edge (right).
        Frame::Landscape => (MARGIN_LEFT + BLOCK_W - y, bottom + BLOCK_H - x, -90.0),
    }
}

fn text_ops(
    fonts: &FontSet,
    ops: &mut Vec<Op>,
    role: Role,
    text: &str,
    size: f32,
    spacing: f32,
    origin: (f32, f32, f32),
) {
    let (x0, y0, angle) = origin;
    let (sin, cos) = angle.to_radians().sin_cos();
    let mut dx = 0.0;
    for run in fonts.runs(role, text) {
        let face = &fonts.faces[run.face];
        ops.push(Op::SetFont { font: PdfFontHandle::External(FontId(face.id.clone())), size: Pt(size) });
        ops.push(Op::SetCharacterSpacing { multiplier: spacing });
        ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::TranslateRotate(Pt(x0 + dx * cos), Pt(y0 + dx * sin), angle),
        });
        ops.push(Op::ShowText { items: vec![TextItem::Text(run.text.clone())] });
        dx += run.width * size + spacing * run.text.chars().count() as f32;
    }
}

fn line_op(x1: f32, y1: f32, x2: f32, y2: f32) -> Op {
    let p = |x: f32, y: f32| LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false };
    Op::DrawLine { line: Line { points: vec![p(x1, y1), p(x2, y2)], is_closed: false } }
}

fn render(fonts: &FontSet, pages: &[Page], report: &Report, draft_mark: bool) -> Vec<u8> {
    let mut doc = PdfDocument::new(&report.title());
    let info = &mut doc.metadata.info;
    info.author = report.unit.name.clone();
    info.creator = "年报 nianbao".into();
    info.producer = format!("nianbao {}", env!("CARGO_PKG_VERSION"));
    info.subject = "政府信息公开工作年度报告".into();
    // A fixed date from the draft, so the same draft gives the same file.
    let d = report.signed_on.unwrap_or(crate::model::Date { year: report.year + 1, month: 1, day: 1 });
    let date = printpdf::DateTime::new_in_offset(
        printpdf::Date { year: d.year, month: d.month as u8, day: d.day as u8 },
        printpdf::Time { hour: 0, minute: 0, second: 0, millisecond: 0 },
        printpdf::Offset { hours: 0, minutes: 0, seconds: 0, milliseconds: 0 },
    );
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    for face in &fonts.faces {
        doc.resources.fonts.map.insert(FontId(face.id.clone()), PdfFont::new(face.font.clone()));
    }

    let black = Color::Greyscale(Greyscale::new(0.0, None));
    let mut pdf_pages = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let no = i + 1;
        let mut ops = Vec::new();
        if draft_mark {
            // Drawn first, in light grey, so the content stays readable on top of it.
            let size = 150.0;
            let w = fonts.width(Role::Heading1, "草稿", size);
            let (cx, cy) = (layout::PAGE_W / 2.0, PAGE_H / 2.0);
            let (s, c) = 45f32.to_radians().sin_cos();
            let h = size * 0.7;
            let x0 = cx - (w / 2.0) * c + (h / 2.0) * s;
            let y0 = cy - (w / 2.0) * s - (h / 2.0) * c;
            ops.push(Op::SetFillColor { col: Color::Greyscale(Greyscale::new(0.88, None)) });
            ops.push(Op::StartTextSection);
            text_ops(fonts, &mut ops, Role::Heading1, "草稿", size, 0.0, (x0, y0, 45.0));
            ops.push(Op::EndTextSection);
        }
        ops.push(Op::SetOutlineColor { col: black.clone() });
        ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
        for item in &page.items {
            if let Item::Line { x1, y1, x2, y2 } = item {
                let (a, b, _) = place(page.frame, no, *x1, *y1);
                let (c, d, _) = place(page.frame, no, *x2, *y2);
                ops.push(line_op(a, b, c, d));
            }
        }
        ops.push(Op::SetFillColor { col: black.clone() });
        ops.push(Op::StartTextSection);
        for item in &page.items {
            if let Item::Text { x, y, size, role, text, spacing } = item {
                text_ops(fonts, &mut ops, *role, text, *size, *spacing, place(page.frame, no, *x, *y));
            }
        }
        // Page number: `— 1 —`, 7 mm below the text block.
        let label = format!("— {no} —");
        let w = fonts.width(Role::Body, &label, PAGE_NUMBER_SIZE);
        let x = match report.options.page_numbers {
            PageNumbers::Center => MARGIN_LEFT + (BLOCK_W - w) / 2.0,
            PageNumbers::Outside if no % 2 == 1 => MARGIN_LEFT + BLOCK_W - layout::BODY_SIZE - w,
            PageNumbers::Outside => MARGIN_LEFT + layout::BODY_SIZE,
        };
        let y = PAGE_H - MARGIN_TOP - BLOCK_H - 7.0 * layout::MM - PAGE_NUMBER_SIZE * 0.7;
        text_ops(fonts, &mut ops, Role::Body, &label, PAGE_NUMBER_SIZE, 0.0, (x, y, 0.0));
        ops.push(Op::EndTextSection);
        pdf_pages.push(PdfPage::new(Mm(210.0), Mm(297.0), ops));
    }
    doc.with_pages(pdf_pages);

    let opts = PdfSaveOptions { optimize: true, subset_fonts: true, secure: true, image_optimization: None };
    let mut warnings = Vec::new();
    let mut l = doc.to_lopdf_document(&opts, &mut warnings);
    // The trailer ID printpdf draws from a process-wide counter; derive it from the content.
    let id = content_id(report).to_vec();
    l.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::String(id.clone(), lopdf::StringFormat::Hexadecimal),
            lopdf::Object::String(id, lopdf::StringFormat::Hexadecimal),
        ]),
    );
    l.compress();
    let mut out = Vec::new();
    if l.save_to(&mut out).is_err() {
        // Writing to memory cannot fail; keep printpdf's own output as a last resort.
        return doc.save(&opts, &mut warnings);
    }
    out
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
