//! Saved web pages: the CMS page a report was published on, usually Word-pasted HTML
//! (`mso-` styles, numbers split into `<span>`s), in UTF-8 or GBK/GB18030, with the report
//! inside the site's chrome (navigation, share links, footer). Parsed with html5ever (scraper),
//! as a browser would.

use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

use super::ImportError;
use super::doc::{Block, Cell, Document, Table, clean_text};

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

/// Decodes a page: BOM, then the declared charset, then UTF-8 if valid, else GB18030. A page
/// that declares UTF-8 but is not (saved again by an old editor) is read as GB18030.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return Ok(enc.decode_without_bom_handling(&bytes[bom..]).0.into_owned());
    }
    let declared = declared_charset(bytes);
    let valid_utf8 = std::str::from_utf8(bytes).is_ok();
    let enc = match declared {
        Some(e) if e == encoding_rs::UTF_8 && !valid_utf8 => encoding_rs::GB18030,
        // GB2312 and GBK pages use GB18030 characters in practice; it is their superset.
        Some(e) if e == encoding_rs::GBK => encoding_rs::GB18030,
        Some(e) => e,
        None if valid_utf8 => encoding_rs::UTF_8,
        None => encoding_rs::GB18030,
    };
    let (text, _, errors) = enc.decode(bytes);
    if errors && text.chars().filter(|&c| c == '\u{FFFD}').count() * 20 > text.chars().count() {
        return Err(ImportError::Encoding);
    }
    Ok(text.into_owned())
}

/// Reads a saved web page.
pub fn read(bytes: &[u8]) -> Result<Document, ImportError> {
    Ok(parse(&decode(bytes)?))
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

/// Parses page text into the neutral document.
pub fn parse(text: &str) -> Document {
    let html = Html::parse_document(text);
    let root = html.tree.root();
    let title = page_title(root);
    let content = content_root(root);
    let mut w = Walker { blocks: Vec::new(), line: String::new() };
    w.walk(content);
    w.flush();
    Document { title, blocks: w.blocks }
}

/// `<title>`, else the first `<h1>`/`<h2>` that reads like a report title.
fn page_title(root: NodeRef<'_, Node>) -> Option<String> {
    let mut heading = None;
    for n in root.descendants() {
        match element_name(&n) {
            Some("title") => {
                let raw: String = n.descendants().filter_map(|d| d.value().as_text().map(|t| t.to_string())).collect();
                let t = clean_text(&raw);
                if t.contains("报告") {
                    return Some(t);
                }
            }
            Some("h1" | "h2") if heading.is_none() => {
                let t = clean_text(&text_of(n));
                if t.contains("报告") {
                    heading = Some(t);
                }
            }
            _ => {}
        }
    }
    heading
}

/// All text below a node, as one string (no block breaks).
fn text_of(n: NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    for d in n.descendants() {
        if let Some(t) = d.value().as_text() {
            if d.ancestors().any(|a| element_name(&a).is_some_and(|name| SKIP.contains(&name)) || hidden(&a)) {
                continue;
            }
            s.push_str(t);
        }
    }
    s
}

/// Where the report is in the page: the deepest element that still holds nearly all of the
/// report's signs (paragraphs opening with 一、…六、, tables full of numbers), so the site's
/// navigation, related links and footer fall outside.
fn content_root(root: NodeRef<'_, Node>) -> NodeRef<'_, Node> {
    let mut signal: HashMap<NodeId, usize> = HashMap::new();
    // Post-order without recursion (pages can nest very deeply).
    let order: Vec<NodeRef<'_, Node>> = root.descendants().collect();
    for n in order.iter().rev() {
        let own = match n.value() {
            Node::Text(t) => {
                let s = t.trim_start();
                let mut chars = s.chars();
                let first = chars.next();
                let second = chars.next();
                usize::from(first.is_some_and(|c| "一二三四五六".contains(c)) && second == Some('、')) * 2
            }
            Node::Element(e) if e.name() == "table" => {
                let numbers = n
                    .descendants()
                    .filter(|d| element_name(d).is_some_and(|x| x == "td" || x == "th"))
                    .filter(|d| {
                        let t = clean_text(&text_of(*d));
                        !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '+' || c == '-' || c == '.')
                    })
                    .take(20)
                    .count();
                if numbers >= 6 { 5 } else { 0 }
            }
            _ => 0,
        };
        let below: usize = n.children().map(|c| signal.get(&c.id()).copied().unwrap_or(0)).sum();
        signal.insert(n.id(), own + below);
    }
    let get = |n: &NodeRef<'_, Node>| signal.get(&n.id()).copied().unwrap_or(0);
    // Too few signs to tell the report from the rest: keep the whole page.
    if get(&root) < 8 {
        return root;
    }
    let mut node = root;
    loop {
        let here = get(&node);
        let best =
            node.children().filter(|c| element_name(c).is_some_and(|n| CONTAINERS.contains(&n))).max_by_key(|c| get(c));
        match best {
            Some(c) if get(&c) * 4 >= here * 3 => node = c,
            _ => break,
        }
    }
    // The title often sits just above the article body: climb while the parent holds a title
    // the chosen element lacks.
    for _ in 0..3 {
        let has_title = |n: NodeRef<'_, Node>| {
            n.descendants()
                .filter(|d| {
                    element_name(d)
                        .is_some_and(|x| matches!(x, "h1" | "h2" | "h3" | "p" | "div" | "td" | "span" | "strong" | "b"))
                })
                .take(400)
                .any(|d| {
                    let t = clean_text(&text_of(d));
                    t.chars().count() <= 90 && super::recognize::parse_title(&t).is_some()
                })
        };
        match node.parent() {
            Some(p) if p.value().is_element() && !has_title(node) && has_title(p) => node = p,
            _ => break,
        }
    }
    node
}

struct Walker {
    blocks: Vec<Block>,
    line: String,
}

enum Step<'a> {
    Enter(NodeRef<'a, Node>),
    /// End of a block element: flush the paragraph.
    Close,
}

impl Walker {
    fn flush(&mut self) {
        let t = clean_text(&self.line);
        self.line.clear();
        if !t.is_empty() {
            self.blocks.push(Block::Para(t));
        }
    }

    fn walk<'a>(&mut self, start: NodeRef<'a, Node>) {
        let mut stack = vec![Step::Enter(start)];
        while let Some(step) = stack.pop() {
            let n = match step {
                Step::Close => {
                    self.flush();
                    continue;
                }
                Step::Enter(n) => n,
            };
            match n.value() {
                Node::Text(t) => self.line.push_str(t),
                Node::Element(e) => {
                    let name = e.name();
                    if SKIP.contains(&name) || hidden(&n) {
                        continue;
                    }
                    if name == "br" {
                        self.flush();
                        continue;
                    }
                    if name == "table" && is_data_table(n) {
                        self.flush();
                        let t = read_table(n);
                        if !t.rows.is_empty() {
                            self.blocks.push(Block::Table(t));
                        }
                        continue;
                    }
                    let block = BLOCKS.contains(&name);
                    if block {
                        self.flush();
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
    }
}

/// A table that holds data, as opposed to one that lays out the page (with tables or long
/// text inside, or a single column).
fn is_data_table(t: NodeRef<'_, Node>) -> bool {
    let mut max_cells = 0;
    let mut any_row = false;
    for d in t.descendants().skip(1) {
        match element_name(&d) {
            Some("table") => return false,
            Some("tr") => {
                any_row = true;
                let cells = d.children().filter(|c| element_name(c).is_some_and(|x| x == "td" || x == "th")).count();
                max_cells = max_cells.max(cells);
            }
            Some("td" | "th") if text_of(d).chars().filter(|c| !c.is_whitespace()).count() > 400 => return false,
            _ => {}
        }
    }
    any_row && max_cells >= 2
}

fn read_table(t: NodeRef<'_, Node>) -> Table {
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
            let span = |a: &str| e.attr(a).and_then(|v| v.trim().parse::<usize>().ok()).filter(|&n| n > 0).unwrap_or(1);
            row.push(Cell::spanning(clean_text(&text_of(c)), span("rowspan"), span("colspan")));
        }
        if !row.is_empty() {
            table.rows.push(row);
        }
    }
    table
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
        assert_eq!(paras(&read(&bytes).unwrap()), vec!["一、总体情况"]);
        // No declaration at all: detected.
        let (bytes, _, _) = encoding_rs::GBK.encode("<p>二、主动公开政府信息情况</p>");
        assert_eq!(paras(&read(&bytes).unwrap()), vec!["二、主动公开政府信息情况"]);
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
    fn very_deep_nesting_does_not_overflow_the_stack() {
        let page = "<div>".repeat(5_000) + "一、总体情况" + &"</div>".repeat(5_000);
        let doc = parse(&page);
        assert_eq!(paras(&doc), vec!["一、总体情况"]);
    }
}
