//! Saved web pages: the CMS page a report was published on, usually Word-pasted HTML
//! (`mso-` styles, numbers split into `<span>`s), in UTF-8 or GBK/GB18030, with the report
//! inside the site's chrome (navigation, share links, footer). Parsed with html5ever (scraper),
//! as a browser would.

use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

use super::ImportError;
use super::doc::{Block, Cell, Document, Table, clean_text, count_controls};
use super::limits::{Budget, Cap};

/// Whether decoded text is a web page rather than plain text.
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect::<String>().to_ascii_lowercase();
    ["<html", "<!doctype html", "<body", "<table", "<head", "<meta ", "<div", "<p>", "<p "]
        .iter()
        .any(|t| head.contains(t))
}

/// The charset a page declares in its first bytes (`<meta charset=…>` or `content="…;
/// charset=…"`).
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(i) = super::find(&lower[from..], b"charset") {
        let mut j = from + i + b"charset".len();
        while j < lower.len() && matches!(lower[j], b' ' | b'=' | b'"' | b'\'') {
            j += 1;
        }
        let start = j;
        while j < lower.len() && (lower[j].is_ascii_alphanumeric() || matches!(lower[j], b'-' | b'_')) {
            j += 1;
        }
        if j > start
            && let Some(enc) = encoding_rs::Encoding::for_label(&lower[start..j])
        {
            return Some(enc);
        }
        from = j.max(from + i + 1);
    }
    None
}

/// Decodes a page: BOM, then the declared charset, UTF-8 and GB18030 — whichever reads with the
/// fewest errors, the declared one first among equals. So a UTF-8 page with a stray byte stays
/// UTF-8, and a page an old editor saved again as GBK while it still declares UTF-8 is read as
/// GBK. Returns the text and how many bytes could not be read (shown as `�`).
pub fn decode_counted(bytes: &[u8]) -> (String, usize) {
    let errors_in = |t: &str| t.chars().filter(|&c| c == '\u{FFFD}').count();
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        let n = if had_errors { errors_in(&text) } else { 0 };
        return (text.into_owned(), n);
    }
    // GB2312 and GBK pages use GB18030 characters in practice; it is their superset.
    let gbk = |e: &'static encoding_rs::Encoding| if e == encoding_rs::GBK { encoding_rs::GB18030 } else { e };
    let declared = declared_charset(bytes).map(gbk);
    if declared.is_none_or(|e| e == encoding_rs::UTF_8)
        && let Ok(s) = std::str::from_utf8(bytes)
    {
        return (s.to_string(), 0);
    }
    let mut best: Option<(String, usize)> = None;
    for enc in declared.into_iter().chain([encoding_rs::UTF_8, encoding_rs::GB18030]) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        let n = if had_errors { errors_in(&text) } else { 0 };
        if best.as_ref().is_none_or(|(_, b)| n < *b) {
            best = Some((text.into_owned(), n));
        }
        if n == 0 {
            break;
        }
    }
    best.unwrap_or_default()
}

/// Decodes a page; refuses one that no encoding reads (more than one character in twenty).
pub fn decode(bytes: &[u8]) -> Result<(String, usize), ImportError> {
    let (text, errors) = decode_counted(bytes);
    if errors * 20 > text.chars().count() {
        return Err(ImportError::Encoding);
    }
    Ok((text, errors))
}

/// The start of a file as text, whatever errors it holds: enough to tell a page.
pub fn decode_lossy(bytes: &[u8]) -> String {
    decode_counted(bytes).0
}

/// Reads a saved web page within the budget.
pub fn read(bytes: &[u8], budget: &mut Budget) -> Result<Document, ImportError> {
    let (text, undecodable) = decode(bytes)?;
    prescan(&text, budget)?;
    let mut doc = parse_within(&text, budget)?;
    doc.undecodable = undecodable;
    Ok(doc)
}

/// Elements without content or end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "basefont", "bgsound", "frame", "keygen", "image",
];
/// Elements whose end tag may be left out (a browser closes them by itself): not counted as
/// nesting, since a page of unclosed `<p>`s is flat.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "rb", "rt", "rp", "rtc", "tr", "td", "th", "thead", "tbody", "tfoot",
    "colgroup", "caption", "html", "head", "body",
];
/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] =
    &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"];

/// Counts a page's elements, how deep they nest and how deep tables nest, before the HTML
/// parser builds the tree: a parser keeps a stack of open elements and looks through it for
/// many tags, so a page of 300,000 nested `<div>`s would make it work for minutes. One pass over
/// the text; the nesting is counted as a browser would build it, near enough (elements whose
/// end tag may be left out do not count).
fn prescan(text: &str, budget: &mut Budget) -> Result<(), ImportError> {
    let b = text.as_bytes();
    let lower_eq = |a: &[u8], name: &str| a.eq_ignore_ascii_case(name.as_bytes());
    let name_end = |from: usize| {
        from + b[from..].iter().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b':' | b'_')).count()
    };
    // Past the `>` that ends a tag, skipping quoted attribute values; and how many attributes
    // (runs of text outside quotes after white space) the tag has.
    let tag_end = |mut i: usize| {
        let mut quote = None;
        let mut attributes = 0u64;
        while i < b.len() {
            match (quote, b[i]) {
                (None, b'>') => return (i + 1, attributes),
                (None, q @ (b'"' | b'\'')) => quote = Some(q),
                (Some(q), c) if c == q => quote = None,
                (None, c)
                    if c.is_ascii_whitespace()
                        && b.get(i + 1)
                            .is_some_and(|n| !n.is_ascii_whitespace() && !matches!(n, b'>' | b'=' | b'/')) =>
                {
                    attributes += 1;
                }
                _ => {}
            }
            i += 1;
        }
        (b.len(), attributes)
    };
    let mut open: Vec<&[u8]> = Vec::new();
    let mut tables = 0u64;
    // Inside `<svg>`/`<math>`, `<x/>` closes itself (in HTML the slash means nothing).
    let mut foreign = 0u64;
    let is_foreign = |n: &[u8]| lower_eq(n, "svg") || lower_eq(n, "math");
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        i += off + 1;
        match b.get(i) {
            Some(b'!') if b[i..].starts_with(b"!--") => {
                i = super::find(&b[i + 3..], b"-->").map_or(b.len(), |p| i + 3 + p + 3);
            }
            Some(b'!' | b'?') => i = tag_end(i).0,
            Some(b'/') => {
                let end = name_end(i + 1);
                let name = &b[i + 1..end];
                i = tag_end(end).0;
                // Close back to the element it names, if it is open near the top.
                let from = open.len().saturating_sub(64);
                if let Some(at) = open[from..].iter().rposition(|n| n.eq_ignore_ascii_case(name)) {
                    for closed in open.drain(from + at..) {
                        if lower_eq(closed, "table") {
                            tables -= 1;
                        }
                        if is_foreign(closed) {
                            foreign -= 1;
                        }
                    }
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let end = name_end(i);
                let name = &b[i..end];
                let (after, attributes) = tag_end(end);
                i = after;
                budget.spend(Cap::Elements, 1)?;
                Budget::level(Cap::Attributes, attributes)?;
                if let Some(raw) = RAW_TEXT.iter().find(|r| lower_eq(name, r)) {
                    // Its text is no markup: on to its end tag.
                    let close = format!("</{raw}");
                    i += find_ignore_case(&b[i..], close.as_bytes()).unwrap_or(b.len() - i);
                    continue;
                }
                if VOID.iter().chain(OPTIONAL_END).any(|v| lower_eq(name, v)) {
                    continue;
                }
                if foreign > 0 && b[..after].ends_with(b"/>") {
                    continue;
                }
                if is_foreign(name) {
                    foreign += 1;
                }
                if lower_eq(name, "table") {
                    tables += 1;
                    Budget::level(Cap::TableNesting, tables)?;
                }
                open.push(name);
                Budget::level(Cap::Nesting, open.len() as u64)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn find_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| hay[i] == b'<' && hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// Elements whose content is never text of the page.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "select", "option",
    "button", "input", "textarea", "nav", "canvas", "video", "audio", "map", "head",
];

/// Elements that start a new paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "main",
    "blockquote",
    "center",
    "dd",
    "dt",
    "dl",
    "form",
    "header",
    "footer",
    "pre",
    "address",
    "figure",
    "figcaption",
    "table",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "tfoot",
    "caption",
    "hr",
    "aside",
    "body",
    "html",
    "fieldset",
    "legend",
    "font-block",
];

/// Elements that can hold a whole report (never a single paragraph or table cell).
const CONTAINERS: &[&str] = &[
    "html", "body", "div", "section", "article", "main", "form", "center", "table", "tbody", "tr", "td", "font",
    "span", "dl", "dd",
];

fn element_name<'a>(n: &NodeRef<'a, Node>) -> Option<&'a str> {
    n.value().as_element().map(|e| e.name())
}

fn hidden(n: &NodeRef<'_, Node>) -> bool {
    let Some(e) = n.value().as_element() else { return false };
    if e.attr("hidden").is_some() {
        return true;
    }
    e.attr("style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        s.contains("display:none") || s.contains("mso-hide:all") || s.contains("visibility:hidden")
    })
}

/// Parses page text into the neutral document (tests: without a budget's limits mattering).
#[cfg(test)]
fn parse(text: &str) -> Document {
    parse_within(text, &mut Budget::new()).unwrap_or_else(|e| panic!("{e}"))
}

/// Parses page text into the neutral document.
fn parse_within(text: &str, budget: &mut Budget) -> Result<Document, ImportError> {
    let html = Html::parse_document(text);
    let page = Page::new(html.tree.root());
    let title = page.title();
    let content = page.content_root();
    let mut w = Walker { page: &page, blocks: Vec::new(), line: String::new(), budget };
    w.walk(content)?;
    w.flush()?;
    let removed_controls = page.controls;
    Ok(Document { title, blocks: w.blocks, removed_controls, ..Document::default() })
}

/// The parsed page with what the reading needs of every node, worked out once in two passes
/// (down the tree and back up), so that nothing below looks at a subtree more than a bounded
/// number of times: a page of tables nested 400 deep once took minutes.
struct Page<'a> {
    root: NodeRef<'a, Node>,
    index: HashMap<NodeId, usize>,
    /// Shown: not inside (or itself) a script, a style, a hidden element ….
    shown: Vec<bool>,
    /// Characters other than white space shown in the subtree (saturating).
    chars: Vec<u32>,
    /// Every character shown in the subtree is part of a number.
    numeric: Vec<bool>,
    /// Nodes in the subtree.
    size: Vec<u32>,
    /// Tables strictly inside.
    tables_below: Vec<u32>,
    /// Most cells (`td`/`th` children) of a row in the subtree.
    widest_row: Vec<u32>,
    /// A cell in the subtree (or the node itself) shows more than 400 characters.
    long_cell: Vec<bool>,
    /// Cells in the subtree (up to 20) that hold a number and nothing else.
    number_cells: Vec<u8>,
    /// The report's signs in the subtree (headings 一、…六、, tables of numbers).
    signal: Vec<usize>,
    /// Control characters in the shown text.
    controls: usize,
}

impl<'a> Page<'a> {
    fn new(root: NodeRef<'a, Node>) -> Page<'a> {
        // Pre-order, without recursion (pages can nest deeply).
        let nodes: Vec<NodeRef<'a, Node>> = root.descendants().collect();
        let n = nodes.len();
        let index: HashMap<NodeId, usize> = nodes.iter().enumerate().map(|(i, d)| (d.id(), i)).collect();
        let parent: Vec<Option<usize>> =
            nodes.iter().map(|d| d.parent().and_then(|p| index.get(&p.id()).copied())).collect();
        let mut shown = vec![true; n];
        for i in 0..n {
            let own = element_name(&nodes[i]).is_none_or(|name| !SKIP.contains(&name)) && !hidden(&nodes[i]);
            shown[i] = own && parent[i].is_none_or(|p| shown[p]);
        }
        let mut p = Page {
            root,
            index,
            shown,
            chars: vec![0; n],
            numeric: vec![true; n],
            size: vec![1; n],
            tables_below: vec![0; n],
            widest_row: vec![0; n],
            long_cell: vec![false; n],
            number_cells: vec![0; n],
            signal: vec![0; n],
            controls: 0,
        };
        // Up the tree: children come after their parent in pre-order.
        for i in (0..n).rev() {
            let node = nodes[i];
            match node.value() {
                Node::Text(t) => {
                    if p.shown[i] {
                        let visible = t.chars().filter(|c| !c.is_whitespace() && !c.is_control());
                        p.chars[i] = u32::try_from(visible.clone().count()).unwrap_or(u32::MAX);
                        p.numeric[i] = visible.clone().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'));
                        p.controls += count_controls(t);
                    }
                    let s = t.trim_start();
                    let mut chars = s.chars();
                    let (first, second) = (chars.next(), chars.next());
                    if first.is_some_and(|c| "一二三四五六".contains(c)) && second == Some('、') {
                        p.signal[i] += 2;
                    }
                }
                Node::Element(e) => match e.name() {
                    "td" | "th" => {
                        if p.chars[i] > 400 {
                            p.long_cell[i] = true;
                        }
                        if p.chars[i] > 0 && p.numeric[i] {
                            p.number_cells[i] = p.number_cells[i].saturating_add(1).min(20);
                        }
                    }
                    "tr" => {
                        let cells = node.children().filter(|c| element_name(c).is_some_and(|x| x == "td" || x == "th"));
                        p.widest_row[i] = p.widest_row[i].max(u32::try_from(cells.count()).unwrap_or(u32::MAX));
                    }
                    "table" if p.number_cells[i] >= 6 => p.signal[i] += 5,
                    _ => {}
                },
                _ => {}
            }
            let Some(up) = parent[i] else { continue };
            p.chars[up] = p.chars[up].saturating_add(p.chars[i]);
            p.numeric[up] &= p.numeric[i];
            p.size[up] = p.size[up].saturating_add(p.size[i]);
            let is_table = u32::from(element_name(&node) == Some("table"));
            p.tables_below[up] = p.tables_below[up].saturating_add(p.tables_below[i] + is_table);
            p.widest_row[up] = p.widest_row[up].max(p.widest_row[i]);
            p.long_cell[up] |= p.long_cell[i];
            p.number_cells[up] = p.number_cells[up].saturating_add(p.number_cells[i]).min(20);
            p.signal[up] += p.signal[i];
        }
        p
    }

    fn ix(&self, n: &NodeRef<'_, Node>) -> usize {
        self.index.get(&n.id()).copied().unwrap_or(0)
    }

    /// All text shown below a node, as one string (no block breaks).
    fn text_of(&self, n: NodeRef<'_, Node>) -> String {
        let mut s = String::new();
        for d in n.descendants() {
            if let Some(t) = d.value().as_text()
                && self.shown[self.ix(&d)]
            {
                s.push_str(t);
            }
        }
        s
    }

    /// The text of a small element (a heading, a title line): `None` for one too large to be.
    fn short_text(&self, n: NodeRef<'_, Node>, most_chars: u32) -> Option<String> {
        let i = self.ix(&n);
        (self.chars[i] <= most_chars && self.size[i] <= 2_000).then(|| clean_text(&self.text_of(n)))
    }

    /// `<title>`, else the first `<h1>`/`<h2>` that reads like a report title.
    fn title(&self) -> Option<String> {
        let mut heading = None;
        for n in self.root.descendants() {
            match element_name(&n) {
                Some("title") => {
                    let raw: String =
                        n.descendants().filter_map(|d| d.value().as_text().map(|t| t.to_string())).collect();
                    let t = clean_text(&raw);
                    if t.contains("报告") {
                        return Some(t);
                    }
                }
                Some("h1" | "h2") if heading.is_none() => {
                    if let Some(t) = self.short_text(n, 400).filter(|t| t.contains("报告")) {
                        heading = Some(t);
                    }
                }
                _ => {}
            }
        }
        heading
    }

    /// Where the report is in the page: the deepest element that still holds nearly all of the
    /// report's signs (paragraphs opening with 一、…六、, tables full of numbers), so the site's
    /// navigation, related links and footer fall outside.
    fn content_root(&self) -> NodeRef<'a, Node> {
        let get = |n: &NodeRef<'_, Node>| self.signal[self.ix(n)];
        let root = self.root;
        // Too few signs to tell the report from the rest: keep the whole page.
        if get(&root) < 8 {
            return root;
        }
        let mut node = root;
        loop {
            let here = get(&node);
            let best = node
                .children()
                .filter(|c| element_name(c).is_some_and(|n| CONTAINERS.contains(&n)))
                .max_by_key(|c| get(c));
            match best {
                Some(c) if get(&c) * 4 >= here * 3 => node = c,
                _ => break,
            }
        }
        // The title often sits just above the article body: climb while the parent holds a
        // title the chosen element lacks.
        let has_title = |n: NodeRef<'_, Node>| {
            n.descendants()
                .filter(|d| {
                    element_name(d)
                        .is_some_and(|x| matches!(x, "h1" | "h2" | "h3" | "p" | "div" | "td" | "span" | "strong" | "b"))
                })
                .take(400)
                .any(|d| {
                    self.short_text(d, 90)
                        .is_some_and(|t| t.chars().count() <= 90 && super::recognize::parse_title(&t).is_some())
                })
        };
        for _ in 0..3 {
            match node.parent() {
                Some(p) if p.value().is_element() && !has_title(node) && has_title(p) => node = p,
                _ => break,
            }
        }
        node
    }

    /// A table that holds data, as opposed to one that lays out the page (with tables or long
    /// text inside, or a single column).
    fn is_data_table(&self, t: NodeRef<'_, Node>) -> bool {
        let i = self.ix(&t);
        self.tables_below[i] == 0 && !self.long_cell[i] && self.widest_row[i] >= 2
    }

    fn read_table(&self, t: NodeRef<'_, Node>, budget: &mut Budget) -> Result<Table, ImportError> {
        let mut table = Table::default();
        for d in t.descendants() {
            if element_name(&d) != Some("tr") || hidden(&d) {
                continue;
            }
            let mut row = Vec::new();
            for c in d.children() {
                let Some(e) = c.value().as_element() else { continue };
                if !matches!(e.name(), "td" | "th") || hidden(&c) {
                    continue;
                }
                budget.spend(Cap::Cells, 1)?;
                let span =
                    |a: &str| e.attr(a).and_then(|v| v.trim().parse::<usize>().ok()).filter(|&n| n > 0).unwrap_or(1);
                row.push(Cell::spanning(clean_text(&self.text_of(c)), span("rowspan"), span("colspan")));
            }
            if !row.is_empty() {
                table.rows.push(row);
            }
        }
        Ok(table)
    }
}

struct Walker<'p, 'a, 'b> {
    page: &'p Page<'a>,
    blocks: Vec<Block>,
    line: String,
    budget: &'b mut Budget,
}

enum Step<'a> {
    Enter(NodeRef<'a, Node>),
    /// End of a block element: flush the paragraph.
    Close,
}

impl<'a> Walker<'_, 'a, '_> {
    fn flush(&mut self) -> Result<(), ImportError> {
        let t = clean_text(&self.line);
        self.line.clear();
        if !t.is_empty() {
            self.budget.spend(Cap::Paragraphs, 1)?;
            self.blocks.push(Block::Para(t));
        }
        Ok(())
    }

    fn walk(&mut self, start: NodeRef<'a, Node>) -> Result<(), ImportError> {
        let mut stack = vec![Step::Enter(start)];
        while let Some(step) = stack.pop() {
            let n = match step {
                Step::Close => {
                    self.flush()?;
                    continue;
                }
                Step::Enter(n) => n,
            };
            match n.value() {
                Node::Text(t) => self.line.push_str(t),
                Node::Element(e) => {
                    let name = e.name();
                    if !self.page.shown[self.page.ix(&n)] {
                        continue;
                    }
                    if name == "br" {
                        self.flush()?;
                        continue;
                    }
                    if name == "table" && self.page.is_data_table(n) {
                        self.flush()?;
                        let t = self.page.read_table(n, self.budget)?;
                        if !t.rows.is_empty() {
                            self.blocks.push(Block::Table(t));
                        }
                        continue;
                    }
                    let block = BLOCKS.contains(&name);
                    if block {
                        self.flush()?;
                        stack.push(Step::Close);
                    }
                    let children: Vec<NodeRef<'a, Node>> = n.children().collect();
                    for c in children.into_iter().rev() {
                        stack.push(Step::Enter(c));
                    }
                }
                Node::Document | Node::Fragment => {
                    let children: Vec<NodeRef<'a, Node>> = n.children().collect();
                    for c in children.into_iter().rev() {
                        stack.push(Step::Enter(c));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(doc: &Document) -> Vec<&str> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Para(p) => Some(p.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn word_pasted_spans_and_hidden_parts() {
        let page = r#"<html><body><div class=WordSection1>
            <p class=MsoNormal style='mso-line-height-rule:exactly'><span lang=EN-US>1</span><span
            lang=EN-US>2</span><span style='font-family:仿宋'>件</span><o:p></o:p></p>
            <p style='display:none'>隐藏</p><script>var x = "一、总体情况";</script>
            <table><tr><td><p><span>规章</span></p></td><td><span>1</span><span>0</span></td></tr></table>
            </div></body></html>"#;
        let doc = parse(page);
        assert_eq!(paras(&doc), vec!["12件"]);
        let Block::Table(t) = &doc.blocks[1] else { panic!("{doc:?}") };
        assert_eq!(t.rows[0][1].text, "10");
    }

    #[test]
    fn the_report_is_found_inside_the_site_chrome() {
        let page = r#"<html><head><title>某局2023年政府信息公开工作年度报告_某市人民政府</title></head><body>
            <div id=nav><a>首页</a><a>政务公开</a><p>一、网站导航</p></div>
            <div id=main><div class=article>
              <p>一、总体情况</p><p>二、主动公开政府信息情况</p><p>三、收到和处理</p>
              <table><tr><td>a</td><td>1</td><td>2</td><td>3</td></tr><tr><td>b</td><td>4</td><td>5</td><td>6</td></tr></table>
              <p>四、复议诉讼</p><p>五、问题</p><p>六、其他</p>
            </div><div class=share>分享到：微信</div></div>
            <div id=footer><p>版权所有 某市人民政府</p></div></body></html>"#;
        let doc = parse(page);
        let p = paras(&doc);
        assert_eq!(p.first(), Some(&"一、总体情况"), "{p:?}");
        assert!(!p.iter().any(|x| x.contains("版权所有") || x.contains("分享") || x.contains("网站导航")), "{p:?}");
        assert_eq!(doc.title.as_deref(), Some("某局2023年政府信息公开工作年度报告_某市人民政府"));
    }

    #[test]
    fn gbk_pages_are_decoded_by_their_meta_charset() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>一、总体情况</p></body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(page);
        assert_eq!(paras(&read(&bytes, &mut Budget::new()).unwrap()), vec!["一、总体情况"]);
        // No declaration at all: detected.
        let (bytes, _, _) = encoding_rs::GBK.encode("<p>二、主动公开政府信息情况</p>");
        assert_eq!(paras(&read(&bytes, &mut Budget::new()).unwrap()), vec!["二、主动公开政府信息情况"]);
    }

    #[test]
    fn layout_tables_are_walked_not_read_as_data() {
        let page =
            "<table><tr><td><p>一、总体情况</p><table><tr><td>规章</td><td>1</td></tr></table></td></tr></table>";
        let doc = parse(page);
        assert_eq!(paras(&doc), vec!["一、总体情况"]);
        assert!(matches!(doc.blocks[1], Block::Table(_)));
    }

    #[test]
    fn the_prescan_counts_nesting_as_a_browser_builds_it() {
        let ok = |page: &str| prescan(page, &mut Budget::new()).is_ok();
        // Unclosed paragraphs and cells are flat; an icon of many self-closed paths is too.
        assert!(ok(&"<p>一、总体情况".repeat(2_000)));
        assert!(ok(&format!("<table>{}</table>", "<tr><td>1<td>2".repeat(2_000))));
        assert!(ok(&format!("<svg>{}</svg>", "<path d=\"M0 0\"/>".repeat(2_000))));
        // Outside svg a slash closes nothing: 2,000 `<div/>` are 2,000 levels.
        assert!(!ok(&"<div/>".repeat(2_000)));
        assert!(!ok(&"<span>".repeat(600)));
        assert!(ok(&"<span>x</span>".repeat(2_000)));
        // Script text is not markup.
        assert!(ok(&format!("<script>{}</script>", "<div>".repeat(2_000))));
    }

    #[test]
    fn very_deep_nesting_does_not_overflow_the_stack() {
        let page = "<div>".repeat(5_000) + "一、总体情况" + &"</div>".repeat(5_000);
        let doc = parse(&page);
        assert_eq!(paras(&doc), vec!["一、总体情况"]);
    }
}
