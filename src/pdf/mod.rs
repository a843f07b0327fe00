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
use self::layout::{BLOCK_H, BLOCK_W, Block, Frame, Item, MARGIN_LEFT, MARGIN_TOP, PAGE_H, PAGE_NUMBER_SIZE, Page};
use crate::model::report::{OpeningPlacement, PageNumbers};
use crate::model::template::{GridContent, Role as CellRole};
use crate::model::value::canonical_text;
use crate::model::{CellValue, Context, Form, Report, Severity, check_report};

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

/// The text of every printed cell: canonical values, computed totals, blanks as chosen.
fn table_texts(form: &Form, report: &Report, values: &crate::model::Values, table: usize) -> Vec<String> {
    let t = &form.tables[table];
    t.print
        .cells
        .iter()
        .map(|c| match &c.content {
            GridContent::Fixed { role: CellRole::Blank, .. } => String::new(),
            GridContent::Fixed { text, .. } => text.clone(),
            GridContent::Data(ix) => {
                let cell = &form.cells[*ix];
                if cell.is_input() {
                    let typed = report.cell_text(&cell.id);
                    match canonical_text(typed, &cell.kind, cell.allow_na) {
                        Some(t) => match (&cell.kind, report.options.money_units.get(&cell.id)) {
                            (crate::model::CellKind::Money { unit: None }, Some(u)) => format!("{t}{u}"),
                            _ => t,
                        },
                        None if typed.trim().is_empty() && report.options.blank_as_zero => "0".into(),
                        None => typed.trim().to_string(),
                    }
                } else {
                    match values.get(*ix) {
                        CellValue::Num(n) => n.to_string(),
                        _ if report.options.blank_as_zero => "0".into(),
                        _ => String::new(),
                    }
                }
            }
        })
        .collect()
}

/// The user's paragraphs; a short line like `（一）…` is a level-2 heading.
fn paragraphs(text: &str, out: &mut Vec<Block>) {
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let is_sub = line.starts_with('（')
            && line.chars().nth(1).is_some_and(|c| "一二三四五六七八九十".contains(c))
            && line.chars().count() <= 40
            && !line.contains('。');
        if is_sub {
            out.push(Block::Heading { level: 2, text: line.to_string() });
        } else {
            out.push(Block::Para(line.to_string()));
        }
    }
}

/// The document as blocks, in print order.
fn blocks(form: &Form, report: &Report, values: &crate::model::Values) -> Vec<Block> {
    let mut out = vec![Block::Title(report.title_parts())];
    let opening = report.opening();
    if report.options.opening == OpeningPlacement::Start {
        paragraphs(&opening, &mut out);
    }
    for s in &form.template.sections {
        out.push(Block::Heading { level: 1, text: s.heading.clone() });
        paragraphs(report.section(&s.id), &mut out);
        for sub in &s.subsections {
            out.push(Block::Heading { level: 2, text: sub.heading.clone() });
            paragraphs(report.section(&sub.id), &mut out);
        }
        for tid in &s.tables {
            let Some(t) = form.tables.iter().position(|x| &x.def.id == tid) else { continue };
            if !form.tables[t].def.printed {
                continue;
            }
            let texts = table_texts(form, report, values, t);
            let table = Box::new(layout::PrintTable::new(&form.tables[t], texts));
            if tid == "t4" && report.options.landscape_table4 {
                // The heading goes with its table onto the landscape page.
                let heading = out.pop();
                let mut inner: Vec<Block> = heading.into_iter().collect();
                inner.push(Block::Table { table, size: layout::TABLE_SIZE });
                out.push(Block::Landscape(inner));
            } else {
                let size = if tid == "t4" { layout::TABLE4_SIZE } else { layout::TABLE_SIZE };
                out.push(Block::Table { table, size });
            }
        }
    }
    if report.options.opening == OpeningPlacement::End {
        paragraphs(&opening, &mut out);
    }
    let annex_tables: Vec<usize> = (0..form.tables.len())
        .filter(|&t| form.tables[t].template != form.template.id && form.tables[t].def.printed)
        .collect();
    let annex_title = |t: usize| {
        form.tables[t]
            .def
            .title
            .clone()
            .unwrap_or_else(|| form.tables[t].def.name.clone())
            .replace("{Y}", &report.year.to_string())
    };
    if let Some(&first) = annex_tables.first() {
        out.push(Block::Blank);
        out.push(Block::Para(format!("附件：{}", annex_title(first))));
    }
    if report.options.signature_block {
        let date = report.signed_on.map(|d| d.chinese()).unwrap_or_default();
        out.push(Block::Signature { name: report.unit.signing_name().to_string(), date });
    }
    for t in annex_tables {
        out.push(Block::AnnexStart { title: annex_title(t) });
        let texts = table_texts(form, report, values, t);
        out.push(Block::Table {
            table: Box::new(layout::PrintTable::new(&form.tables[t], texts)),
            size: layout::TABLE_SIZE,
        });
    }
    out
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
            Block::Table { table, .. } => {
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

    let blocks = blocks(form, report, &values);
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
