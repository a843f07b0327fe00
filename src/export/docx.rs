//! The report as an editable Word document (.docx) that Word, WPS and LibreOffice open cleanly.
//!
//! GB/T 9704 page (A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm), named paragraph styles that
//! carry the official faces (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) with fallbacks a PC
//! without them still finds, real tables with the official merged cells, header rows that repeat
//! on each page, the wide table on a landscape section when chosen, the 落款 on the right and
//! `— PAGE —` page numbers. Text is never positioned by hand, so a reviewer's edit reflows.
//!
//! `docx-rs` writes the package; two things it cannot express are added to its parts afterwards:
//! `w:tblHeader` on header rows and a font table with the fallback names.
//!
//! No table row splits across pages, and a group of rows under a merged label (table 三's
//! （四）无法提供) is kept on one page, each row but the last kept with the next, so Word, WPS
//! and LibreOffice never cut the label between two pages. A group too tall to keep whole
//! (三、本年度办理结果, 22 rows: with the header more than a page in LibreOffice) has its label
//! at the top of its cell, kept with the rows it needs, so the label is whole in the first piece.

use docx_rs::{
    AlignmentType, BorderType, Docx, FieldCharType, Footer, Header, HeightRule, InstrPAGE, InstrText, LineSpacing,
    LineSpacingType, PageMargin, PageOrientationType, Paragraph, Run, RunFonts, Section, SpecialIndentType, Style,
    StyleType, Table, TableAlignmentType, TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellMargins,
    TableLayoutType, TableRow, VAlignType, VMergeType, WidthType,
};

use super::{ExportError, ExportOptions, Look, Output, cells, header_rows, prepare, text_width, warnings};
use crate::document::{Block, PrintTable};
use crate::model::report::PageNumbers;
use crate::model::{Form, Report};

/// Twips per millimetre.
const MM: f32 = 1440.0 / 25.4;
const A4_W: u32 = 11906;
const A4_H: u32 = 16838;
/// GB/T 9704 margins: 天头 37 mm, 订口 28 mm; 版心 156 × 225 mm leaves 35 mm and 26 mm.
const TOP: i32 = 2098;
const BOTTOM: i32 = 1984;
const LEFT: i32 = 1587;
const RIGHT: i32 = 1474;
/// Width of the text block, portrait and landscape (twips).
const BLOCK_W: u32 = A4_W - (LEFT + RIGHT) as u32;
const BLOCK_W_LANDSCAPE: u32 = A4_H - (TOP + BOTTOM) as u32;
/// 3号 body text (half-points) on 22 lines of 225 mm: an exact line pitch of 28.95 pt.
const BODY_HALF_PT: usize = 32;
const BODY_PITCH: i32 = 579;
/// One body character (16 pt) in twips: paragraph indents are whole characters.
const BODY_CHAR: i32 = 320;
const TITLE_HALF_PT: usize = 44;
/// 五号 table text; 小五 for the wide table on a portrait page; 六号 for the 勾稽 note.
const TABLE_HALF_PT: usize = 21;
const WIDE_TABLE_HALF_PT: usize = 18;
const NOTE_HALF_PT: usize = 15;
/// 4号 page numbers.
const PAGE_NUMBER_HALF_PT: usize = 28;

/// The official faces and what Word, WPS and LibreOffice use when they are missing.
const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const HEADING1_FONT: &str = "黑体";
const HEADING2_FONT: &str = "楷体_GB2312";
const NUMBER_FONT: &str = "宋体";
const LATIN_FONT: &str = "Times New Roman";

/// Paragraph style ids (Word's built-in ids where one exists, so its outline and navigation
/// pane work; Word shows them as 正文文本, 标题, 标题 1 …).
mod style {
    /// Not `Normal`: docx-rs always writes an empty `Normal` of its own.
    pub const BODY: &str = "BodyText";
    pub const TITLE: &str = "Title";
    pub const HEADING1: &str = "Heading1";
    pub const HEADING2: &str = "Heading2";
    pub const TABLE: &str = "TableText";
    pub const SIGNATURE: &str = "Signature";
    pub const ANNEX: &str = "AnnexLabel";
    pub const FOOTER: &str = "Footer";
    pub const HEADER: &str = "Header";
}

/// Writes the report as a .docx.
pub fn export(report: &Report, form: &Form, opts: &ExportOptions) -> Result<Output, ExportError> {
    let prepared = prepare(report, form, opts);
    let warnings = warnings(report, form, &prepared, "Word文档");
    let bytes = write(report, &prepared.blocks, prepared.draft_mark)?;
    Ok(Output { bytes, draft_mark: prepared.draft_mark, warnings })
}

/// Writes blocks as a .docx (also used for the 审核清单).
pub(crate) fn write(report: &Report, blocks: &[Block], draft_mark: bool) -> Result<Vec<u8>, ExportError> {
    let mut w = Writer {
        docx: styles(Docx::new()),
        children: Vec::new(),
        page_numbers: report.options.page_numbers,
        header_rows: Vec::new(),
    };
    w.docx = w.docx.default_tab_stop(420);
    for b in blocks {
        w.block(b, false);
    }
    let mut docx = w.docx;
    // The last section is the body's own.
    docx = docx.page_size(A4_W, A4_H).page_margin(portrait_margin());
    docx = docx.footer(page_footer(w.page_numbers, true));
    if w.page_numbers == PageNumbers::Outside {
        docx = docx.even_footer(page_footer(w.page_numbers, false));
    }
    if draft_mark {
        docx = docx.header(draft_header());
        if w.page_numbers == PageNumbers::Outside {
            docx = docx.even_header(draft_header());
        }
    }
    for c in w.children {
        docx = match c {
            Child::P(p) => docx.add_paragraph(*p),
            Child::T(t) => docx.add_table(*t),
        };
    }
    let mut xml = docx.build();
    xml.document = mark_header_rows(&xml.document, &w.header_rows);
    xml.font_table = font_table().into_bytes();
    xml.doc_props.core = core_props(report).into_bytes();
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| ExportError::Write { format: "Word文档", msg: e.to_string() })?;
    Ok(out.into_inner())
}

enum Child {
    P(Box<Paragraph>),
    T(Box<Table>),
}

struct Writer {
    docx: Docx,
    /// Paragraphs and tables of the section being filled.
    children: Vec<Child>,
    page_numbers: PageNumbers,
    /// Header rows of each table, in the order they are written.
    header_rows: Vec<usize>,
}

impl Writer {
    fn para(&mut self, p: Paragraph) {
        self.children.push(Child::P(Box::new(p)));
    }

    fn block(&mut self, b: &Block, landscape: bool) {
        match b {
            Block::Title(parts) => self.para(title(parts, landscape)),
            Block::Heading { level, text } => {
                let id = if *level <= 1 { style::HEADING1 } else { style::HEADING2 };
                self.para(Paragraph::new().style(id).keep_next(true).add_run(Run::new().add_text(clean(text))));
            }
            Block::Para(text) => {
                self.para(Paragraph::new().style(style::BODY).add_run(Run::new().add_text(clean(text))))
            }
            Block::Blank => self.para(Paragraph::new().style(style::BODY)),
            Block::Table(t) => {
                let width = if landscape { BLOCK_W_LANDSCAPE } else { BLOCK_W };
                let size = if t.wide() && !landscape { WIDE_TABLE_HALF_PT } else { TABLE_HALF_PT };
                self.header_rows.push(header_rows(t));
                self.children.push(Child::T(Box::new(table(t, width, size))));
                // Word joins two tables that touch; a small empty line also gives air below.
                self.para(Paragraph::new().style(style::TABLE).add_run(Run::new()));
            }
            Block::Landscape(inner) => {
                // What came before ends a portrait section; the landscape page is a section of
                // its own; the rest continues portrait on a new page.
                self.flush(false);
                for b in inner {
                    self.block(b, true);
                }
                self.flush(true);
            }
            Block::Signature { name, date } => {
                for _ in 0..2 {
                    self.para(Paragraph::new().style(style::BODY).keep_next(true));
                }
                // Name centred over the date; the date four characters from the right edge.
                let date_right = 4 * BODY_CHAR;
                let shift = (text_width(date) - text_width(name)) / 2.0 * BODY_CHAR as f32;
                let name_right = (date_right as f32 + shift).max(0.0) as i32;
                self.para(signature_line(name, name_right).keep_next(true));
                self.para(signature_line(date, date_right));
            }
            Block::AnnexStart { title: t } => {
                self.para(
                    Paragraph::new()
                        .style(style::ANNEX)
                        .page_break_before(true)
                        .keep_next(true)
                        .add_run(Run::new().add_text("附件")),
                );
                self.para(Paragraph::new().style(style::TITLE).keep_next(true).add_run(Run::new().add_text(clean(t))));
            }
        }
    }

    /// Ends the current section (portrait, or landscape).
    fn flush(&mut self, landscape: bool) {
        let mut s = Section::new();
        s = if landscape {
            s.page_size(docx_rs::PageSize::new().size(A4_H, A4_W).orient(PageOrientationType::Landscape))
                .page_margin(landscape_margin())
        } else {
            s.page_size(docx_rs::PageSize::new().size(A4_W, A4_H)).page_margin(portrait_margin())
        };
        // Each section carries its own footer: a section without one would inherit nothing
        // before the first footer is declared.
        s = s.footer(page_footer(self.page_numbers, true));
        if self.page_numbers == PageNumbers::Outside {
            s = s.even_footer(page_footer(self.page_numbers, false));
        }
        for c in std::mem::take(&mut self.children) {
            s = match c {
                Child::P(p) => s.add_paragraph(*p),
                Child::T(t) => s.add_table(*t),
            };
        }
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_section(s);
    }
}

fn portrait_margin() -> PageMargin {
    PageMargin::new().top(TOP).bottom(BOTTOM).left(LEFT).right(RIGHT).header(851).footer((22.0 * MM) as i32).gutter(0)
}

/// The landscape page keeps the same text block turned by a quarter.
fn landscape_margin() -> PageMargin {
    PageMargin::new().top(LEFT).bottom(RIGHT).left(TOP).right(BOTTOM).header(680).footer((16.0 * MM) as i32).gutter(0)
}

fn fonts(east_asia: &str, latin: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii(latin).hi_ansi(latin).cs(latin).hint("eastAsia")
}

fn exact(pitch: i32) -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(pitch).before(0).after(0)
}

/// The named styles: the reviewer who adds a paragraph gets the right face from the style.
fn styles(docx: Docx) -> Docx {
    let body = Style::new(style::BODY, StyleType::Paragraph)
        .name("Body Text")
        .next(style::BODY)
        .q_format(true)
        .fonts(fonts(BODY_FONT, LATIN_FONT))
        .size(BODY_HALF_PT)
        .align(AlignmentType::Both)
        .line_spacing(exact(BODY_PITCH))
        .indent(None, Some(SpecialIndentType::FirstLine(2 * BODY_CHAR)), None, None);
    let title = Style::new(style::TITLE, StyleType::Paragraph)
        .name("Title")
        .based_on(style::BODY)
        .next(style::BODY)
        .q_format(true)
        .fonts(fonts(TITLE_FONT, TITLE_FONT))
        .size(TITLE_HALF_PT)
        .align(AlignmentType::Center)
        .line_spacing(exact(680).after(BODY_PITCH as u32))
        .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None);
    let h1 = Style::new(style::HEADING1, StyleType::Paragraph)
        .name("heading 1")
        .based_on(style::BODY)
        .next(style::BODY)
        .q_format(true)
        .fonts(fonts(HEADING1_FONT, HEADING1_FONT))
        .size(BODY_HALF_PT)
        .outline_lvl(0);
    let h2 = Style::new(style::HEADING2, StyleType::Paragraph)
        .name("heading 2")
        .based_on(style::BODY)
        .next(style::BODY)
        .q_format(true)
        .fonts(fonts(HEADING2_FONT, HEADING2_FONT))
        .size(BODY_HALF_PT)
        .outline_lvl(1);
    let table = Style::new(style::TABLE, StyleType::Paragraph)
        .name("表格文字")
        .based_on(style::BODY)
        .q_format(true)
        .size(TABLE_HALF_PT)
        .align(AlignmentType::Center)
        .snap_to_grid(false)
        .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240).before(0).after(0))
        .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None);
    let signature = Style::new(style::SIGNATURE, StyleType::Paragraph)
        .name("落款")
        .based_on(style::BODY)
        .q_format(true)
        .align(AlignmentType::Right)
        .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None);
    let annex = Style::new(style::ANNEX, StyleType::Paragraph)
        .name("附件标注")
        .based_on(style::BODY)
        .next(style::TITLE)
        .q_format(true)
        .fonts(fonts(HEADING1_FONT, HEADING1_FONT))
        .align(AlignmentType::Left)
        .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None);
    let footer = Style::new(style::FOOTER, StyleType::Paragraph)
        .name("footer")
        .based_on(style::BODY)
        .fonts(fonts(NUMBER_FONT, NUMBER_FONT))
        .size(PAGE_NUMBER_HALF_PT)
        .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240).before(0).after(0))
        .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None);
    let header = Style::new(style::HEADER, StyleType::Paragraph)
        .name("header")
        .based_on(style::BODY)
        .fonts(fonts(HEADING1_FONT, HEADING1_FONT))
        .align(AlignmentType::Right)
        .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240).before(0).after(0))
        .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None);
    docx.default_fonts(fonts(BODY_FONT, LATIN_FONT))
        .default_size(BODY_HALF_PT)
        .default_line_spacing(exact(BODY_PITCH))
        .add_style(body)
        .add_style(title)
        .add_style(h1)
        .add_style(h2)
        .add_style(table)
        .add_style(signature)
        .add_style(annex)
        .add_style(footer)
        .add_style(header)
}

/// The title; its pieces go on lines of their own when the whole does not fit on one line
/// (GB/T 9704: 回行时要做到词意完整).
fn title(parts: &[String], landscape: bool) -> Paragraph {
    let width = if landscape { BLOCK_W_LANDSCAPE } else { BLOCK_W } as f32;
    let per_line = width / (TITLE_HALF_PT as f32 * 10.0);
    let parts: Vec<&String> = parts.iter().filter(|p| !p.is_empty()).collect();
    let whole: f32 = parts.iter().map(|p| text_width(p)).sum();
    let break_between = whole > per_line && parts.iter().all(|p| text_width(p) <= per_line);
    let mut p = Paragraph::new().style(style::TITLE).keep_next(true);
    for (i, part) in parts.iter().enumerate() {
        let mut run = Run::new();
        if i > 0 && break_between {
            run = run.add_break(docx_rs::BreakType::TextWrapping);
        }
        p = p.add_run(run.add_text(clean(part)));
    }
    p
}

fn signature_line(text: &str, right: i32) -> Paragraph {
    Paragraph::new()
        .style(style::SIGNATURE)
        .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), Some(right), None)
        .add_run(Run::new().add_text(clean(text)))
}

/// A printed table as a Word table: the grid's columns, each cell with its span; a cell merged
/// over rows is `vMerge restart` in its first row and `vMerge continue` below.
fn table(t: &PrintTable, width: u32, size: usize) -> Table {
    let def = &t.table.def;
    let layout = &t.table.print;
    let total: f32 = def.col_widths.iter().sum::<f32>().max(f32::EPSILON);
    let grid: Vec<usize> = def.col_widths.iter().map(|w| (width as f32 * w / total).round() as usize).collect();
    let span_width = |col: usize, cols: usize| grid[col..(col + cols).min(grid.len())].iter().sum::<usize>();
    let heads = header_rows(t);

    // Per row: (column, cell index, whether the cell starts in this row).
    let mut per_row: Vec<Vec<(usize, usize, bool)>> = vec![Vec::new(); layout.rows];
    for (i, c) in layout.cells.iter().enumerate() {
        for (r, slots) in per_row.iter_mut().enumerate().skip(c.row).take(c.rows) {
            slots.push((c.col, i, r == c.row));
        }
    }
    let texts: Vec<(&crate::model::form::GridCell, &str)> = cells(t).collect();
    let keep = kept_rows(t, heads);
    let row_height = (size as f32 * 10.0 * 2.1) as u32;
    let mut rows = Vec::with_capacity(layout.rows);
    for (r, slots) in per_row.iter_mut().enumerate() {
        slots.sort_by_key(|s| s.0);
        let mut tcs = Vec::with_capacity(slots.len());
        for &(_, i, starts) in slots.iter() {
            let (c, text) = texts[i];
            let look = Look::of(c);
            let top = c.rows > MAX_KEPT_GROUP && c.row >= heads;
            let mut tc = TableCell::new().width(span_width(c.col, c.cols), WidthType::Dxa).vertical_align(if top {
                VAlignType::Top
            } else {
                VAlignType::Center
            });
            if c.cols > 1 {
                tc = tc.grid_span(c.cols);
            }
            if c.rows > 1 {
                tc = tc.vertical_merge(if starts { VMergeType::Restart } else { VMergeType::Continue });
            }
            let mut p = Paragraph::new().style(style::TABLE);
            if keep[r] {
                p = p.keep_next(true);
            }
            if look.left_aligned() {
                p = p.align(AlignmentType::Left);
            }
            if let Look::Label { indent } = look
                && indent > 0
            {
                let chars = i32::from(indent) * (size as i32 * 10) / 2;
                p = p.indent(Some(chars), Some(SpecialIndentType::FirstLine(0)), None, None);
            }
            if starts && !text.is_empty() {
                let run_size = if look == Look::Note { NOTE_HALF_PT.min(size) } else { size };
                p = p.add_run(Run::new().size(run_size).add_text(clean(text)));
            }
            tcs.push(tc.add_paragraph(p));
        }
        // No row splits across pages; the header rows repeat on each (see `mark_header_rows`).
        let row = TableRow::new(tcs).row_height(row_height as f32).height_rule(HeightRule::AtLeast).cant_split();
        rows.push(row);
    }
    let border = |pos| TableBorder::new(pos).border_type(BorderType::Single).size(4).color("000000");
    let borders = TableBorders::new()
        .set(border(TableBorderPosition::Top))
        .set(border(TableBorderPosition::Bottom))
        .set(border(TableBorderPosition::Left))
        .set(border(TableBorderPosition::Right))
        .set(border(TableBorderPosition::InsideH))
        .set(border(TableBorderPosition::InsideV));
    Table::new(rows)
        .set_grid(grid.clone())
        .width(grid.iter().sum(), WidthType::Dxa)
        .align(TableAlignmentType::Center)
        .layout(TableLayoutType::Fixed)
        .set_borders(borders)
        .margins(TableCellMargins::new().margin(0, 57, 0, 57))
}

/// The most rows a group under a merged label is kept on one page with: the largest group of
/// table 三's items ((三)不予公开, 8); 三、本年度办理结果's 22 rows are more than a page.
const MAX_KEPT_GROUP: usize = 8;

/// Rows kept with the next: all but the last of each group under a merged body label of up to
/// [`MAX_KEPT_GROUP`] rows; of a taller group, the rows before its first kept group and at least
/// as many rows as its label has characters (one a line in a narrow column), so its label, at
/// the top of its cell, is whole in the first piece.
fn kept_rows(t: &PrintTable, heads: usize) -> Vec<bool> {
    let layout = &t.table.print;
    let mut keep = vec![false; layout.rows];
    let groups: Vec<(&crate::model::form::GridCell, &str)> = cells(t)
        .filter(|(c, _)| {
            c.rows > 1 && c.row >= heads && matches!(c.content, crate::model::form::GridContent::Fixed { .. })
        })
        .collect();
    for (c, _) in groups.iter().filter(|(c, _)| c.rows <= MAX_KEPT_GROUP) {
        for k in keep.iter_mut().skip(c.row).take(c.rows - 1) {
            *k = true;
        }
    }
    for (c, text) in groups.iter().filter(|(c, _)| c.rows > MAX_KEPT_GROUP) {
        let first_group =
            groups.iter().filter(|(g, _)| g.rows <= MAX_KEPT_GROUP && g.row >= c.row).map(|(g, _)| g.row).min();
        let needed = c.row + text.chars().count().div_ceil(2);
        let upto = first_group.unwrap_or(c.row).max(needed).min(c.row + c.rows - 1);
        for k in keep.iter_mut().take(upto).skip(c.row) {
            *k = true;
        }
    }
    keep
}

/// `— 1 —` in 4号宋体: odd pages right and even pages left, one character in (double-sided
/// printing), or centred, as the report chose.
fn page_footer(numbers: PageNumbers, odd: bool) -> Footer {
    let (align, indent) = match (numbers, odd) {
        (PageNumbers::Center, _) => (AlignmentType::Center, (0, 0)),
        (PageNumbers::Outside, true) => (AlignmentType::Right, (0, 280)),
        (PageNumbers::Outside, false) => (AlignmentType::Left, (280, 0)),
    };
    let run = || Run::new().fonts(fonts(NUMBER_FONT, NUMBER_FONT)).size(PAGE_NUMBER_HALF_PT);
    let p = Paragraph::new()
        .style(style::FOOTER)
        .align(align)
        .indent(Some(indent.0), Some(SpecialIndentType::FirstLine(0)), Some(indent.1), None)
        .add_run(run().add_text("— "))
        .add_run(
            run()
                .add_field_char(FieldCharType::Begin, false)
                .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
                .add_field_char(FieldCharType::Separate, false)
                .add_text("1")
                .add_field_char(FieldCharType::End, false),
        )
        .add_run(run().add_text(" —"));
    Footer::new().add_paragraph(p)
}

/// A draft says so on every page.
fn draft_header() -> Header {
    Header::new().add_paragraph(
        Paragraph::new().style(style::HEADER).add_run(
            Run::new().color("C00000").size(BODY_HALF_PT).add_text("草稿（尚有错误未改正，不得作为正式文本）"),
        ),
    )
}

/// `docx-rs` has no `w:tblHeader`: every row is written with `w:cantSplit`, and the mark goes
/// next to it in the first `heads[t]` rows of the `t`-th table. Both are children of `w:trPr`
/// in any order.
fn mark_header_rows(document: &[u8], heads: &[usize]) -> Vec<u8> {
    const TABLE: &[u8] = b"<w:tbl>";
    const ROW: &[u8] = b"<w:tr>";
    const CANT_SPLIT: &[u8] = b"<w:cantSplit />";
    const HEADER: &[u8] = b"<w:tblHeader />";
    let mut out = Vec::with_capacity(document.len() + 1024);
    let (mut table, mut row) = (None::<usize>, 0usize);
    let mut i = 0;
    while i < document.len() {
        let rest = &document[i..];
        if rest.starts_with(TABLE) {
            table = Some(table.map_or(0, |t| t + 1));
            row = 0;
        } else if rest.starts_with(ROW) {
            row += 1;
        } else if rest.starts_with(CANT_SPLIT) {
            out.extend_from_slice(CANT_SPLIT);
            if table.is_some_and(|t| row <= heads.get(t).copied().unwrap_or(0)) {
                out.extend_from_slice(HEADER);
            }
            i += CANT_SPLIT.len();
            continue;
        }
        out.push(document[i]);
        i += 1;
    }
    out
}

/// The font table: the official faces with the names of the fonts a PC without them has
/// (`w:altName`: Windows ships 仿宋 and 楷体 but not the _GB2312 faces) and the GB2312
/// character set, so Word, WPS and LibreOffice pick a Chinese face rather than boxes.
fn font_table() -> String {
    // (name, alternative, panose, family, pitch)
    const FONTS: [(&str, &str, &str, &str, &str); 7] = [
        ("Times New Roman", "", "02020603050405020304", "roman", "variable"),
        (TITLE_FONT, "宋体", "02000000000000000000", "script", "variable"),
        (BODY_FONT, "仿宋", "02010609030101010101", "modern", "fixed"),
        (HEADING1_FONT, "SimHei", "02010609060101010101", "modern", "fixed"),
        (HEADING2_FONT, "楷体", "02010609030101010101", "modern", "fixed"),
        ("仿宋", "FangSong", "02010609060101010101", "modern", "fixed"),
        (NUMBER_FONT, "SimSun", "02010600030101010101", "auto", "variable"),
    ];
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
    );
    for (name, alt, panose, family, pitch) in FONTS {
        s.push_str(&format!(r#"<w:font w:name="{name}">"#));
        if !alt.is_empty() {
            s.push_str(&format!(r#"<w:altName w:val="{alt}"/>"#));
        }
        let charset = if name.is_ascii() { "00" } else { "86" };
        s.push_str(&format!(
            r#"<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>"#
        ));
    }
    s.push_str("</w:fonts>");
    s
}

/// Title, author and a fixed date from the draft, so the same draft gives the same file.
fn core_props(report: &Report) -> String {
    let d = report.signed_on.unwrap_or(crate::model::Date { year: report.year + 1, month: 1, day: 1 });
    let date = format!("{:04}-{:02}-{:02}T00:00:00Z", d.year, d.month, d.day);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:subject>政府信息公开工作年度报告</dc:subject><dc:creator>{}</dc:creator><cp:lastModifiedBy>年报 nianbao</cp:lastModifiedBy><cp:revision>1</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified></cp:coreProperties>"#,
        xml_escape(&report.title()),
        xml_escape(&report.unit.name),
    )
}

/// Text as Word may hold it: XML 1.0 allows no control characters but tab.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || *c == '\t').collect()
}

pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_mark_goes_on_each_tables_header_rows_only() {
        let row = "<w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr>";
        let doc = format!("<w:tbl>{row}{row}{row}</w:tbl><w:p/><w:tbl>{row}{row}</w:tbl>");
        let out = String::from_utf8(mark_header_rows(doc.as_bytes(), &[2, 1])).unwrap();
        let marked = "<w:tr><w:trPr><w:cantSplit /><w:tblHeader /></w:trPr></w:tr>";
        assert_eq!(out, format!("<w:tbl>{marked}{marked}{row}</w:tbl><w:p/><w:tbl>{marked}{row}</w:tbl>"));
    }

    #[test]
    fn xml_escape_drops_control_characters() {
        assert_eq!(xml_escape("a<b>&\u{1}\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
    }
}
