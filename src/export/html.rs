//! The report as one self-contained web page (UTF-8, inline CSS, no script), and the report or
//! one table as an HTML fragment plus plain text for the clipboard.
//!
//! Meant to be uploaded to, or pasted into, a CMS editor: semantic headings and paragraphs, real
//! tables with rowspan/colspan and borders. Every element carries its own `style` attribute,
//! because editors keep those when they drop a page's `<style>` block.

use std::fmt::Write as _;

use super::{ExportOptions, Look, Output, cells, header_rows, prepare, warnings};
use crate::document::{Block, PrintTable, table_texts};
use crate::model::{Form, Report, Values};

const TITLE_FONTS: &str = "'方正小标宋简体','方正小标宋_GBK','华文中宋','STZhongsong','宋体','SimSun',serif";
const BODY_FONTS: &str = "'仿宋_GB2312','仿宋','FangSong','STFangsong',serif";
const HEADING1_FONTS: &str = "'黑体','SimHei','Heiti SC','Microsoft YaHei',sans-serif";
const HEADING2_FONTS: &str = "'楷体_GB2312','楷体','KaiTi','STKaiti',serif";
/// Body text, on every paragraph itself: a CMS editor or Word keeps an element's own style
/// when it drops the page's.
const BODY: &str =
    "margin:0;font-family:'仿宋_GB2312','仿宋','FangSong','STFangsong',serif;font-size:16pt;line-height:1.75";
const TABLE_FONTS: &str = "'仿宋_GB2312','仿宋','FangSong','宋体','SimSun',serif";

/// Writes the whole report as a web page.
pub fn export(report: &Report, form: &Form, opts: &ExportOptions) -> Output {
    let prepared = prepare(report, form, opts);
    let warnings = warnings(report, form, &prepared, "网页");
    let page = page(&report.title(), &prepared.blocks, prepared.draft_mark);
    Output { bytes: page.into_bytes(), draft_mark: prepared.draft_mark, warnings }
}

/// What to put on the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The whole report, as printed.
    Report,
    /// One table of the form (index into `Form::tables`), as printed.
    Table(usize),
}

/// The two clipboard flavours: HTML for rich-text editors (CMS, Word, WPS) and plain text for
/// everything else (tables as tab-separated lines, so they paste into a spreadsheet too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clip {
    pub html: String,
    pub text: String,
}

/// The report or one table for the clipboard (`arboard::Clipboard::set().html(html, Some(text))`).
pub fn clipboard(report: &Report, form: &Form, part: Part) -> Clip {
    let values = Values::compute(form, report);
    let blocks = match part {
        Part::Report => crate::document::blocks(form, report, &values),
        Part::Table(t) if t < form.tables.len() => {
            let texts = table_texts(form, report, &values, t);
            vec![Block::Table(Box::new(PrintTable::new(&form.tables[t], texts)))]
        }
        Part::Table(_) => Vec::new(),
    };
    let mut html = format!("<div style=\"font-family:{BODY_FONTS};font-size:16pt;line-height:1.75;color:#000\">");
    for b in &blocks {
        block_html(b, &mut html);
    }
    html.push_str("</div>");
    let mut text = String::new();
    for b in &blocks {
        block_text(b, &mut text);
    }
    // One line end at the end, not the blank line that separates blocks.
    text.truncate(text.trim_end().len());
    if !text.is_empty() {
        text.push('\n');
    }
    Clip { html, text }
}

/// A whole page from blocks (also used for the 审核清单).
pub(crate) fn page(title: &str, blocks: &[Block], draft_mark: bool) -> String {
    let mut s = String::with_capacity(64 * 1024);
    s.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str("<meta name=\"generator\" content=\"年报 nianbao\">\n");
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    s.push_str(
        "<style>\n\
         body{margin:0;background:#fff;color:#000}\n\
         article{max-width:156mm;margin:0 auto;padding:2em 1em}\n\
         table{page-break-inside:auto}\n\
         thead{display:table-header-group}\n\
         tr{page-break-inside:avoid}\n\
         @media print{article{max-width:none;padding:0}}\n\
         </style>\n</head>\n<body>\n",
    );
    let _ = writeln!(s, "<article style=\"font-family:{BODY_FONTS};font-size:16pt;line-height:1.75\">");
    if draft_mark {
        s.push_str(
            "<p class=\"draft\" style=\"margin:0 0 1em;color:#c00;text-align:right;font-size:12pt\">草稿（尚有错误未改正，不得作为正式文本）</p>\n",
        );
    }
    for b in blocks {
        block_html(b, &mut s);
    }
    s.push_str("</article>\n</body>\n</html>\n");
    s
}

fn block_html(b: &Block, s: &mut String) {
    match b {
        Block::Title(parts) => {
            let _ = writeln!(
                s,
                "<h1 style=\"margin:0 0 1em;text-align:center;font-family:{TITLE_FONTS};font-size:22pt;font-weight:normal;line-height:1.5\">{}</h1>",
                escape(&parts.concat())
            );
        }
        Block::Heading { level, text } => {
            let (tag, fonts) = if *level <= 1 { ("h2", HEADING1_FONTS) } else { ("h3", HEADING2_FONTS) };
            let _ = writeln!(
                s,
                "<{tag} style=\"margin:0;text-indent:2em;font-family:{fonts};font-size:16pt;font-weight:normal;line-height:1.75\">{}</{tag}>",
                escape(text)
            );
        }
        Block::Para(text) => {
            let _ = writeln!(s, "<p style=\"{BODY};text-indent:2em;text-align:justify\">{}</p>", escape(text));
        }
        Block::Blank => {
            let _ = writeln!(s, "<p style=\"{BODY}\">&nbsp;</p>");
        }
        Block::Table(t) => table_html(t, s),
        Block::Landscape(inner) => {
            s.push_str("<section class=\"landscape\">\n");
            for b in inner {
                block_html(b, s);
            }
            s.push_str("</section>\n");
        }
        Block::Signature { name, date } => {
            let _ = writeln!(
                s,
                "<div class=\"signature\" style=\"display:table;margin:3.5em 4em 0 auto;text-align:center\"><p style=\"{BODY};text-align:center\">{}</p><p style=\"{BODY};text-align:center\">{}</p></div>",
                escape(name),
                escape(date)
            );
        }
        Block::AnnexStart { title } => {
            let _ = writeln!(
                s,
                "<p class=\"annex\" style=\"margin:2em 0 0;page-break-before:always;break-before:page;font-family:{HEADING1_FONTS};font-size:16pt\">附件</p>\n<h2 style=\"margin:0 0 0.5em;text-align:center;font-family:{TITLE_FONTS};font-size:22pt;font-weight:normal;line-height:1.5\">{}</h2>",
                escape(title)
            );
        }
    }
}

/// A printed table: header rows in `<thead>` (repeated by browsers when printed), head and
/// caption cells as `<th>`, labels left, numbers centred.
fn table_html(t: &PrintTable, s: &mut String) {
    let def = &t.table.def;
    let layout = &t.table.print;
    let size = if t.wide() { "9pt" } else { "10.5pt" };
    let _ = write!(
        s,
        "<table style=\"border-collapse:collapse;width:100%;margin:0.5em auto 1em;font-family:{TABLE_FONTS};font-size:{size};line-height:1.35\">\n<colgroup>"
    );
    let total: f32 = def.col_widths.iter().sum::<f32>().max(f32::EPSILON);
    for w in &def.col_widths {
        let _ = write!(s, "<col style=\"width:{:.1}%\">", 100.0 * w / total);
    }
    s.push_str("</colgroup>\n");
    let heads = header_rows(t);
    let all: Vec<_> = cells(t).collect();
    let mut next = 0;
    for r in 0..layout.rows {
        if r == 0 && heads > 0 {
            s.push_str("<thead>\n");
        }
        if r == heads {
            s.push_str("<tbody>\n");
        }
        s.push_str("<tr>");
        // Cells are stored row by row, left to right.
        while next < all.len() && all[next].0.row == r {
            let (c, text) = all[next];
            next += 1;
            let look = Look::of(c);
            let tag = if look.is_header() { "th" } else { "td" };
            let _ = write!(s, "<{tag}");
            if c.rows > 1 {
                let _ = write!(s, " rowspan=\"{}\"", c.rows);
            }
            if c.cols > 1 {
                let _ = write!(s, " colspan=\"{}\"", c.cols);
            }
            s.push_str(" style=\"border:1px solid #000;padding:2px 4px;vertical-align:middle;font-weight:normal;");
            match look {
                Look::Label { indent } => {
                    let _ = write!(s, "text-align:left;padding-left:{}em", 0.3 + f32::from(indent) / 2.0);
                }
                Look::Note => s.push_str("text-align:center;font-size:7.5pt"),
                _ => s.push_str("text-align:center"),
            }
            s.push_str("\">");
            s.push_str(&escape(text));
            let _ = write!(s, "</{tag}>");
        }
        s.push_str("</tr>\n");
        if r + 1 == heads {
            s.push_str("</thead>\n");
        }
    }
    if heads < layout.rows {
        s.push_str("</tbody>\n");
    }
    s.push_str("</table>\n");
}

/// Plain text: paragraphs indented with two full-width spaces, tables as tab-separated grid rows
/// (a merged cell's text in its first slot, the slots it covers empty).
fn block_text(b: &Block, s: &mut String) {
    match b {
        Block::Title(parts) => {
            s.push_str(&parts.concat());
            s.push_str("\n\n");
        }
        Block::Heading { text, .. } | Block::Para(text) => {
            s.push_str("\u{3000}\u{3000}");
            s.push_str(text);
            s.push('\n');
        }
        Block::Blank => s.push('\n'),
        Block::Table(t) => {
            s.push_str(&table_text(t));
            s.push('\n');
        }
        Block::Landscape(inner) => {
            for b in inner {
                block_text(b, s);
            }
        }
        Block::Signature { name, date } => {
            let _ = write!(s, "\n{name}\n{date}\n");
        }
        Block::AnnexStart { title } => {
            let _ = write!(s, "\n附件\n{title}\n\n");
        }
    }
}

/// A printed table as tab-separated lines, one per grid row.
pub(crate) fn table_text(t: &PrintTable) -> String {
    let layout = &t.table.print;
    let n = t.table.def.grid_columns;
    let mut grid = vec![vec![String::new(); n]; layout.rows];
    for (c, text) in cells(t) {
        if c.row < grid.len() && c.col < n {
            // Tabs and line ends inside a cell would break the grid.
            grid[c.row][c.col] = text.replace(['\t', '\n', '\r'], " ");
        }
    }
    let mut s = String::new();
    for row in grid {
        s.push_str(&row.join("\t"));
        s.push('\n');
    }
    s
}

pub(crate) use crate::document::escape_html as escape;

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_keeps_text_and_neutralises_markup() {
        assert_eq!(escape("<b>\"甲\"&乙</b>\u{7}"), "&lt;b&gt;&quot;甲&quot;&amp;乙&lt;/b&gt;");
    }
}
