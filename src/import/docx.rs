//! Word files (`.docx`, also what WPS and LibreOffice save): the main document part read with
//! quick-xml — paragraphs, tables with `gridSpan`/`vMerge`, content controls (`w:sdt`), text
//! boxes — from a zip that is read with limits, so a zip bomb stops early.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::doc::{Block, Cell, Document, Table, clean_text, count_controls};
use super::limits::{Budget, Cap};
use super::{Damage, ImportError, MAX_UNZIPPED_BYTES, SourceKind};

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// What a zip file is: a Word document, an Excel workbook, OFD, or something else. A zip that
/// cannot be opened (cut short: its directory is at the end) is judged by the names in its
/// first entries and by the file's name, so that a half-downloaded `.docx` is said to be one.
pub fn detect_zip(bytes: &[u8], path: Option<&std::path::Path>) -> Option<SourceKind> {
    let names: Vec<String> = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive.file_names().map(|n| n.to_ascii_lowercase()).collect(),
        Err(_) => {
            let named_docx = path
                .and_then(|p| p.extension())
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("docx"));
            let head = &bytes[..bytes.len().min(64 * 1024)];
            let wordish = super::find(head, b"word/").is_some() || super::find(head, b"[Content_Types].xml").is_some();
            return (named_docx || wordish).then_some(SourceKind::Docx);
        }
    };
    if names.iter().any(|n| n == "word/document.xml" || n.starts_with("word/")) {
        return Some(SourceKind::Docx);
    }
    if names.iter().any(|n| n.starts_with("xl/")) {
        return Some(SourceKind::Workbook);
    }
    if names.iter().any(|n| n == "ofd.xml" || n.ends_with("/document.xml") && n.starts_with("doc_")) {
        return Some(SourceKind::Ofd);
    }
    None
}

/// One part of the package, read with the size limit.
fn part(archive: &mut Archive, name: &str, budget: &mut u64) -> Result<Option<String>, ImportError> {
    let index = archive.index_for_name(name).or_else(|| {
        // Names are case-insensitive in practice (some producers write `Word/Document.xml`).
        let wanted = name.to_ascii_lowercase();
        archive.file_names().position(|n| n.to_ascii_lowercase() == wanted).and_then(|i| {
            let n = archive.name_for_index(i)?.to_string();
            archive.index_for_name(&n)
        })
    });
    let Some(index) = index else { return Ok(None) };
    // Looked at before it is opened: an encrypted part, or one packed in a way this program
    // cannot unpack, is said to be so (not "damaged").
    {
        let raw = archive.by_index_raw(index).map_err(ImportError::from_zip)?;
        if raw.encrypted() {
            return Err(ImportError::Encrypted);
        }
        if raw.size() > *budget {
            return Err(ImportError::ZipBomb);
        }
    }
    let file = archive.by_index(index).map_err(ImportError::from_zip)?;
    let mut buf = Vec::new();
    file.take(*budget + 1).read_to_end(&mut buf).map_err(|e| match e.into_inner() {
        Some(inner) => match inner.downcast::<zip::result::ZipError>() {
            Ok(z) => ImportError::from_zip(*z),
            Err(other) => ImportError::broken(Damage::Zip, other),
        },
        None => ImportError::broken(Damage::Zip, ""),
    })?;
    if buf.len() as u64 > *budget {
        return Err(ImportError::ZipBomb);
    }
    *budget -= buf.len() as u64;
    let text = String::from_utf8(buf).map_err(|e| ImportError::broken(Damage::PartEncoding, format!("{name}: {e}")))?;
    Ok(Some(text))
}

/// Reads a `.docx` within the budget.
pub fn read(bytes: &[u8], budget: &mut Budget) -> Result<Document, ImportError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(ImportError::from_zip)?;
    let mut unzipped = MAX_UNZIPPED_BYTES;
    let main = main_part(&mut archive, &mut unzipped)?.unwrap_or_else(|| "word/document.xml".to_string());
    let xml = part(&mut archive, &main, &mut unzipped)?.ok_or_else(|| ImportError::broken(Damage::MissingPart, ""))?;
    let numbering = part(&mut archive, "word/numbering.xml", &mut unzipped)?.unwrap_or_default();
    let styles = part(&mut archive, "word/styles.xml", &mut unzipped)?.unwrap_or_default();
    let lists = Lists::new(&numbering, &styles);
    let mut doc = parse_document_xml_with(&xml, lists, budget)?;
    if let Some(core) = part(&mut archive, "docProps/core.xml", &mut unzipped)? {
        doc.title = core_title(&core);
    }
    Ok(doc)
}

/// The main document part named in `_rels/.rels` (WPS and Word agree on `word/document.xml`,
/// but the package says where it is).
fn main_part(archive: &mut Archive, budget: &mut u64) -> Result<Option<String>, ImportError> {
    let Some(rels) = part(archive, "_rels/.rels", budget)? else { return Ok(None) };
    let mut reader = Reader::from_str(&rels);
    loop {
        match reader.read_event() {
            Ok(Event::Empty(e) | Event::Start(e)) if e.local_name().as_ref() == b"Relationship" => {
                let ty = attr(&e, b"Type").unwrap_or_default();
                if ty.ends_with("/officeDocument") {
                    return Ok(attr(&e, b"Target").map(|t| t.trim_start_matches('/').to_string()));
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(None),
            _ => {}
        }
    }
}

fn core_title(xml: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    let mut in_title = false;
    let mut title = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"title" => in_title = true,
            Ok(Event::End(e)) if e.local_name().as_ref() == b"title" => break,
            Ok(Event::Text(t)) if in_title => title.push_str(&t.decode().unwrap_or_default()),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    let t = clean_text(&title);
    (!t.is_empty()).then_some(t)
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// A paragraph's numbering as its properties give it: its style, and a direct `w:numPr`.
#[derive(Debug, Clone, Default)]
struct ParaNum {
    style: Option<String>,
    num_id: Option<String>,
    ilvl: Option<usize>,
}

/// One level of a list: its number format, its text (`%1、`, `（%2）`) and where it starts.
#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// Word's list numbering (`numbering.xml`) and the styles that use it (`styles.xml`), and the
/// counters while the document is read: a heading numbered by the list gets its 「一、」 back.
#[derive(Debug, Default)]
struct Lists {
    /// Abstract list → its levels.
    abstract_levels: std::collections::HashMap<String, Vec<Level>>,
    /// List instance → its abstract list.
    nums: std::collections::HashMap<String, String>,
    /// Style → its numbering and the style it is based on.
    styles: std::collections::HashMap<String, StyleNum>,
    counters: std::collections::HashMap<String, Vec<u32>>,
}

/// A paragraph style's list numbering (list instance, level) and the style it is based on.
#[derive(Debug, Clone, Default)]
struct StyleNum {
    num_id: Option<String>,
    ilvl: Option<usize>,
    based_on: Option<String>,
}

/// Levels a list may have (Word has 9).
const MAX_LEVELS: usize = 9;
/// Characters kept of a level's text (Word's own are a few, such as `（%2）`).
const MAX_LEVEL_TEXT: usize = 32;

impl Lists {
    fn new(numbering: &str, styles: &str) -> Lists {
        let mut lists = Lists::default();
        // numbering.xml
        let mut reader = Reader::from_str(numbering);
        let mut abs: Option<String> = None;
        let mut num: Option<String> = None;
        let mut lvl: Option<usize> = None;
        loop {
            let (e, start) = match reader.read_event() {
                Ok(Event::Start(e)) => (e, true),
                Ok(Event::Empty(e)) => (e, false),
                Ok(Event::End(e)) => {
                    match e.local_name().as_ref() {
                        b"abstractNum" => abs = None,
                        b"num" => num = None,
                        b"lvl" => lvl = None,
                        _ => {}
                    }
                    continue;
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => continue,
            };
            let val = || attr(&e, b"val");
            match e.local_name().as_ref() {
                b"abstractNum" if start => abs = attr(&e, b"abstractNumId"),
                b"num" if start => num = attr(&e, b"numId"),
                b"abstractNumId" => {
                    if let (Some(n), Some(v)) = (&num, val()) {
                        lists.nums.insert(n.clone(), v);
                    }
                }
                b"lvl" if start => lvl = attr(&e, b"ilvl").and_then(|v| v.parse().ok()).filter(|&l| l < MAX_LEVELS),
                b"numFmt" | b"lvlText" | b"start" => {
                    if let (Some(a), Some(l)) = (&abs, lvl) {
                        let levels = lists.abstract_levels.entry(a.clone()).or_default();
                        if levels.len() <= l {
                            levels.resize(l + 1, Level { start: 1, ..Level::default() });
                        }
                        let v = val().unwrap_or_default();
                        match e.local_name().as_ref() {
                            b"numFmt" => levels[l].format = v,
                            // Bounded: the text is repeated for every numbered paragraph.
                            b"lvlText" => levels[l].text = v.chars().take(MAX_LEVEL_TEXT).collect(),
                            _ => levels[l].start = v.parse().unwrap_or(1),
                        }
                    }
                }
                _ => {}
            }
        }
        // styles.xml: a paragraph style's numPr and what it is based on.
        let mut reader = Reader::from_str(styles);
        let mut style: Option<String> = None;
        loop {
            let e = match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) => e,
                Ok(Event::End(e)) if e.local_name().as_ref() == b"style" => {
                    style = None;
                    continue;
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => continue,
            };
            let name = e.local_name();
            if name.as_ref() == b"style" {
                style = attr(&e, b"styleId");
                continue;
            }
            let Some(id) = &style else { continue };
            let entry = lists.styles.entry(id.clone()).or_default();
            match name.as_ref() {
                b"numId" => entry.num_id = attr(&e, b"val"),
                b"ilvl" => entry.ilvl = attr(&e, b"val").and_then(|v| v.parse().ok()),
                b"basedOn" => entry.based_on = attr(&e, b"val"),
                _ => {}
            }
        }
        lists
    }

    /// The list number a paragraph starts with, counting it.
    fn label(&mut self, p: &ParaNum) -> Option<String> {
        // A direct numPr wins; else the style's, or the style it is based on (a few steps).
        let (mut num_id, mut ilvl) = (p.num_id.clone(), p.ilvl);
        let mut style = p.style.clone();
        for _ in 0..8 {
            if num_id.is_some() {
                break;
            }
            let Some(st) = style.as_ref().and_then(|s| self.styles.get(s)).cloned() else { break };
            num_id = st.num_id;
            ilvl = ilvl.or(st.ilvl);
            style = st.based_on;
        }
        let num_id = num_id.filter(|n| n != "0")?;
        let abs = self.nums.get(&num_id)?.clone();
        let levels = self.abstract_levels.get(&abs)?;
        let l = ilvl.unwrap_or(0).min(MAX_LEVELS - 1);
        let level = levels.get(l)?;
        if level.format == "bullet" || level.format == "none" {
            return None;
        }
        let counters = self.counters.entry(abs.clone()).or_insert_with(|| vec![0; MAX_LEVELS]);
        counters[l] = if counters[l] == 0 { level.start.max(1) } else { counters[l].saturating_add(1) };
        for c in counters.iter_mut().skip(l + 1) {
            *c = 0;
        }
        let mut out = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
            {
                chars.next();
                let k = (d as usize).saturating_sub(1).min(MAX_LEVELS - 1);
                let fmt = levels.get(k).map_or("decimal", |lv| lv.format.as_str());
                out.push_str(&format_number(counters[k].max(1), fmt));
            } else {
                out.push(c);
            }
        }
        (!out.trim().is_empty()).then_some(out)
    }
}

/// A list counter in Word's number formats.
fn format_number(n: u32, format: &str) -> String {
    const CN: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match format {
        f if f.starts_with("chineseCounting")
            || f.starts_with("ideographTraditional")
            || f == "chineseLegalSimplified" =>
        {
            match n {
                0..=9 => CN[n as usize].to_string(),
                10..=19 => format!("十{}", if n == 10 { "" } else { CN[(n % 10) as usize] }),
                20..=99 => {
                    format!(
                        "{}十{}",
                        CN[(n / 10) as usize],
                        if n.is_multiple_of(10) { "" } else { CN[(n % 10) as usize] }
                    )
                }
                _ => n.to_string(),
            }
        }
        "upperLetter" | "lowerLetter" => {
            let c = char::from(b'A' + ((n.max(1) - 1) % 26) as u8);
            if format == "lowerLetter" { c.to_ascii_lowercase().to_string() } else { c.to_string() }
        }
        "upperRoman" | "lowerRoman" => {
            const R: [(u32, &str); 13] = [
                (1000, "M"),
                (900, "CM"),
                (500, "D"),
                (400, "CD"),
                (100, "C"),
                (90, "XC"),
                (50, "L"),
                (40, "XL"),
                (10, "X"),
                (9, "IX"),
                (5, "V"),
                (4, "IV"),
                (1, "I"),
            ];
            let mut m = n.min(3999);
            let mut s = String::new();
            for (v, r) in R {
                while m >= v {
                    s.push_str(r);
                    m -= v;
                }
            }
            if format == "lowerRoman" { s.to_lowercase() } else { s }
        }
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map(String::from).unwrap_or_default()
        }
        _ => n.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum VMerge {
    Restart,
    Continue,
}

#[derive(Debug, Default)]
struct CellBuild {
    text: String,
    span: usize,
    vmerge: Option<VMerge>,
}

#[derive(Debug, Default)]
struct RowBuild {
    grid_before: usize,
    cells: Vec<CellBuild>,
}

#[derive(Debug, Default)]
struct TableBuild {
    rows: Vec<RowBuild>,
    row: Option<RowBuild>,
    cell: Option<CellBuild>,
}

impl TableBuild {
    /// Turns Word's merge marks into row spans: a `vMerge` continuation cell lengthens the
    /// cell above it in the same grid column and disappears. Which cell that is, is kept per
    /// grid column as the rows go by, so a million continued rows cost a million steps.
    fn finish(self) -> Table {
        struct Placed {
            col: usize,
            span: usize,
            rowspan: usize,
            text: String,
        }
        let mut rows: Vec<Vec<Placed>> = Vec::new();
        // Grid column → (row, index in the row) of the latest cell that starts there.
        let mut latest: HashMap<usize, (usize, usize)> = HashMap::new();
        for r in self.rows {
            let here = rows.len();
            let mut col = r.grid_before;
            let mut placed = Vec::new();
            let place = |latest: &mut HashMap<usize, (usize, usize)>, placed: &mut Vec<Placed>, p: Placed| {
                latest.insert(p.col, (here, placed.len()));
                placed.push(p);
            };
            if r.grid_before > 0 {
                place(
                    &mut latest,
                    &mut placed,
                    Placed { col: 0, span: r.grid_before, rowspan: 1, text: String::new() },
                );
            }
            for c in r.cells {
                let span = c.span.clamp(1, super::doc::MAX_SPAN);
                let mut merged = false;
                if c.vmerge == Some(VMerge::Continue)
                    && let Some(&(row, ix)) = latest.get(&col)
                    && row < here
                {
                    // The cell above reaches down to the row just above this one: one more.
                    let back = here - row - 1;
                    let p = &mut rows[row][ix];
                    if p.rowspan > back {
                        p.rowspan = back + 2;
                        merged = true;
                    }
                }
                if !merged {
                    place(&mut latest, &mut placed, Placed { col, span, rowspan: 1, text: c.text });
                }
                col = col.saturating_add(span);
            }
            rows.push(placed);
        }
        Table {
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(|p| Cell::spanning(clean_text(&p.text), p.rowspan, p.span)).collect())
                .filter(|r: &Vec<Cell>| !r.is_empty())
                .collect(),
        }
    }
}

/// Parses `word/document.xml` (without list numbering) within the budget.
pub fn parse_document_xml(xml: &str, budget: &mut Budget) -> Result<Document, ImportError> {
    parse_document_xml_with(xml, Lists::default(), budget)
}

/// Parses `word/document.xml` within the budget; list numbers (「一、」 of a heading numbered
/// by Word's list numbering rather than typed) come from `lists`.
///
/// Long on purpose: one streaming pass over the XML events: paragraph, run, table and list state live across the event arms.
#[expect(clippy::too_many_lines, reason = "see the doc comment")]
fn parse_document_xml_with(xml: &str, mut lists: Lists, budget: &mut Budget) -> Result<Document, ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut blocks: Vec<Block> = Vec::new();
    let mut tables: Vec<TableBuild> = Vec::new();
    let mut para: Option<String> = None;
    let mut in_text = false;
    // Depth of subtrees whose text is skipped (mc:Fallback duplicates, placeholders).
    let mut skip_depth = 0usize;
    // Content controls: whether each open w:sdt shows its placeholder, and whether its
    // content is being read.
    let mut sdt: Vec<bool> = Vec::new();
    let mut depth = 0usize;
    // The paragraph's list number (style or direct numbering), put before its text.
    let mut num = ParaNum::default();
    // Text boxes: the paragraph they are anchored in is set aside while their content is read,
    // and their blocks follow that paragraph, which stays whole.
    let mut boxes: Vec<(Option<String>, ParaNum, Vec<Block>)> = Vec::new();
    let mut after_para: Vec<Block> = Vec::new();

    let mut controls = 0usize;

    fn flush_line(
        para: &mut Option<String>,
        tables: &mut [TableBuild],
        blocks: &mut Vec<Block>,
        budget: &mut Budget,
    ) -> Result<(), ImportError> {
        let Some(p) = para.as_mut() else { return Ok(()) };
        if let Some(cell) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
            cell.text.push_str(p);
        } else {
            let t = clean_text(p);
            if !t.is_empty() {
                budget.spend(Cap::Paragraphs, 1)?;
                blocks.push(Block::Para(t));
            }
        }
        p.clear();
        Ok(())
    }

    loop {
        let event = reader.read_event().map_err(|e| ImportError::broken(Damage::Xml, format!("document.xml: {e}")))?;
        match event {
            Event::Start(e) => {
                depth += 1;
                Budget::level(Cap::Nesting, depth as u64)?;
                let name = e.local_name();
                let name = name.as_ref();
                if skip_depth > 0 {
                    skip_depth += 1;
                    continue;
                }
                match name {
                    b"Fallback" | b"delText" | b"instrText" | b"del" | b"moveFrom" => skip_depth = 1,
                    b"sdt" => sdt.push(false),
                    b"sdtContent" if sdt.last() == Some(&true) => skip_depth = 1,
                    b"p" => {
                        para = Some(String::new());
                        num = ParaNum::default();
                    }
                    b"txbxContent" => {
                        boxes.push((para.take(), std::mem::take(&mut num), std::mem::take(&mut blocks)));
                    }
                    b"t" => in_text = true,
                    b"tbl" => {
                        flush_line(&mut para, &mut tables, &mut blocks, budget)?;
                        tables.push(TableBuild::default());
                        Budget::level(Cap::TableNesting, tables.len() as u64)?;
                    }
                    b"tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.row = Some(RowBuild::default());
                        }
                    }
                    b"tc" => {
                        if let Some(t) = tables.last_mut() {
                            budget.spend(Cap::Cells, 1)?;
                            t.cell = Some(CellBuild { span: 1, ..CellBuild::default() });
                        }
                    }
                    _ => empty_element(name, &e, &mut tables, &mut sdt, &mut para, &mut blocks, &mut num, budget)?,
                }
            }
            Event::Empty(e) => {
                if skip_depth > 0 {
                    continue;
                }
                let name = e.local_name();
                empty_element(name.as_ref(), &e, &mut tables, &mut sdt, &mut para, &mut blocks, &mut num, budget)?;
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                match e.local_name().as_ref() {
                    b"t" => in_text = false,
                    b"sdt" => {
                        sdt.pop();
                    }
                    b"pPr" => {
                        if let (Some(p), Some(label)) = (para.as_mut(), lists.label(&num)) {
                            p.insert_str(0, &label);
                        }
                    }
                    b"p" => {
                        flush_line(&mut para, &mut tables, &mut blocks, budget)?;
                        para = None;
                        if boxes.is_empty() {
                            blocks.append(&mut after_para);
                        }
                    }
                    b"txbxContent" => {
                        if let Some((outer, outer_num, outer_blocks)) = boxes.pop() {
                            let inner = std::mem::replace(&mut blocks, outer_blocks);
                            after_para.extend(inner);
                            para = outer;
                            num = outer_num;
                            if para.is_none() {
                                blocks.append(&mut after_para);
                            }
                        }
                    }
                    b"tc" => {
                        if let Some(t) = tables.last_mut()
                            && let Some(c) = t.cell.take()
                            && let Some(r) = t.row.as_mut()
                        {
                            r.cells.push(c);
                        }
                    }
                    b"tr" => {
                        if let Some(t) = tables.last_mut()
                            && let Some(r) = t.row.take()
                        {
                            t.rows.push(r);
                        }
                    }
                    b"tbl" => {
                        if let Some(t) = tables.pop() {
                            let table = t.finish();
                            if !table.rows.is_empty() {
                                blocks.push(Block::Table(table));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip_depth == 0 => {
                if let Some(p) = para.as_mut() {
                    let text = t.decode().unwrap_or_default();
                    controls += count_controls(&text);
                    p.push_str(&text);
                }
            }
            Event::GeneralRef(r) if in_text && skip_depth == 0 => {
                if let Some(p) = para.as_mut() {
                    if r.is_char_ref() {
                        if let Ok(Some(c)) = r.resolve_char_ref() {
                            controls += usize::from(c.is_control() && !c.is_whitespace());
                            p.push(c);
                        }
                    } else if let Some(s) =
                        quick_xml::escape::resolve_predefined_entity(&r.decode().unwrap_or_default())
                    {
                        p.push_str(s);
                    }
                }
            }
            Event::CData(t) if in_text && skip_depth == 0 => {
                if let Some(p) = para.as_mut() {
                    p.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    blocks.append(&mut after_para);
    // An unclosed table (a truncated file) still gives what it had.
    while let Some(t) = tables.pop() {
        let table = t.finish();
        if !table.rows.is_empty() {
            blocks.push(Block::Table(table));
        }
    }
    Ok(Document { title: None, blocks, removed_controls: controls, ..Document::default() })
}

/// Elements that carry their meaning in attributes (often written empty).
#[allow(clippy::too_many_arguments)] // the parser's state, passed as its loop holds it
fn empty_element(
    name: &[u8],
    e: &BytesStart,
    tables: &mut [TableBuild],
    sdt: &mut [bool],
    para: &mut Option<String>,
    blocks: &mut Vec<Block>,
    num: &mut ParaNum,
    budget: &mut Budget,
) -> Result<(), ImportError> {
    let val = || attr(e, b"val");
    match name {
        b"pStyle" => num.style = val(),
        b"ilvl" => num.ilvl = val().and_then(|v| v.parse().ok()),
        b"numId" => num.num_id = val(),
        b"gridSpan" => {
            if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                c.span = val().and_then(|v| v.parse().ok()).unwrap_or(1);
            }
        }
        b"vMerge" => {
            if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                c.vmerge = Some(if val().as_deref() == Some("restart") { VMerge::Restart } else { VMerge::Continue });
            }
        }
        b"gridBefore" => {
            if let Some(r) = tables.last_mut().and_then(|t| t.row.as_mut()) {
                r.grid_before = val().and_then(|v| v.parse().ok()).unwrap_or(0).min(super::doc::MAX_COLUMNS);
            }
        }
        b"showingPlcHdr" => {
            if let Some(s) = sdt.last_mut() {
                *s = true;
            }
        }
        b"tab" => {
            if let Some(p) = para.as_mut() {
                p.push(' ');
            }
        }
        b"br" | b"cr" => {
            // A line break: a new line of text outside tables; inside a cell, nothing.
            if let Some(p) = para.as_mut() {
                if tables.last().is_some_and(|t| t.cell.is_some()) {
                    p.push(' ');
                } else {
                    let t = clean_text(p);
                    if !t.is_empty() {
                        budget.spend(Cap::Paragraphs, 1)?;
                        blocks.push(Block::Para(t));
                    }
                    p.clear();
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    #[test]
    fn merged_cells_and_content_controls() {
        let xml = format!(
            r#"<w:document {W}><w:body>
            <w:p><w:r><w:t>一、总体</w:t></w:r><w:r><w:t xml:space="preserve">情况</w:t></w:r></w:p>
            <w:tbl>
              <w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>（三）不予公开</w:t></w:r></w:p></w:tc>
                    <w:tc><w:p><w:r><w:t>1.属于国家秘密</w:t></w:r></w:p></w:tc>
                    <w:tc><w:sdt><w:sdtContent><w:p><w:r><w:t>2</w:t></w:r></w:p></w:sdtContent></w:sdt></w:tc></w:tr>
              <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>
                    <w:tc><w:p><w:r><w:t>2.其他法律行政法规禁止公开</w:t></w:r></w:p></w:tc>
                    <w:tc><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>单击此处输入文字</w:t></w:r></w:p></w:sdtContent></w:sdt></w:tc></w:tr>
              <w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>（七）总计</w:t></w:r></w:p></w:tc>
                    <w:tc><w:p><w:r><w:delText>9</w:delText></w:r><w:ins><w:r><w:t>2</w:t></w:r></w:ins></w:p></w:tc></w:tr>
            </w:tbl></w:body></w:document>"#
        );
        let doc = parse_document_xml(&xml, &mut Budget::new()).unwrap();
        assert_eq!(doc.blocks[0], Block::Para("一、总体情况".into()));
        let Block::Table(t) = &doc.blocks[1] else { panic!() };
        assert_eq!(t.rows[0][0], Cell::spanning("（三）不予公开", 2, 1));
        assert_eq!(t.rows[1].len(), 2, "the continuation cell is gone");
        assert_eq!(t.rows[1][1].text, "", "placeholder text is not a value");
        assert_eq!(t.rows[2][0], Cell::spanning("（七）总计", 1, 2));
        assert_eq!(t.rows[2][1].text, "2", "deleted text is not read");
    }

    #[test]
    fn line_breaks_split_the_signature_block() {
        let xml = format!(
            r#"<w:document {W}><w:body><w:p><w:r><w:t>兴义市应急管理局</w:t><w:br/><w:t>2020年1月19日</w:t></w:r></w:p></w:body></w:document>"#
        );
        let doc = parse_document_xml(&xml, &mut Budget::new()).unwrap();
        assert_eq!(doc.blocks, vec![Block::Para("兴义市应急管理局".into()), Block::Para("2020年1月19日".into())]);
    }

    #[test]
    fn list_numbered_heading_styles_get_their_numbers_back() {
        let numbering = format!(
            r#"<w:numbering {W}><w:abstractNum w:abstractNumId="3">
              <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
              <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
            </w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num></w:numbering>"#
        );
        let styles = format!(
            r#"<w:styles {W}><w:style w:styleId="H1"><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr></w:style>
              <w:style w:styleId="H1b"><w:basedOn w:val="H1"/></w:style></w:styles>"#
        );
        let xml = format!(
            r#"<w:document {W}><w:body>
            <w:p><w:pPr><w:pStyle w:val="H1"/></w:pPr><w:r><w:t>总体情况</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>主动公开</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>依申请公开</w:t></w:r></w:p>
            <w:p><w:pPr><w:pStyle w:val="H1b"/></w:pPr><w:r><w:t>主动公开政府信息情况</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>规章</w:t></w:r></w:p>
            </w:body></w:document>"#
        );
        let doc = parse_document_xml_with(&xml, Lists::new(&numbering, &styles), &mut Budget::new()).unwrap();
        let paras: Vec<&Block> = doc.blocks.iter().collect();
        assert_eq!(
            paras,
            ["一、总体情况", "（一）主动公开", "（二）依申请公开", "二、主动公开政府信息情况", "（一）规章"]
                .map(|t| Block::Para(t.into()))
                .iter()
                .collect::<Vec<_>>()
        );
        assert_eq!(format_number(23, "chineseCounting"), "二十三");
        assert_eq!(format_number(10, "chineseCountingThousand"), "十");
    }

    #[test]
    fn a_text_box_follows_the_paragraph_it_is_anchored_in() {
        let xml = format!(
            r#"<w:document {W} xmlns:mc="m" xmlns:wps="s" xmlns:v="v"><w:body>
            <w:p><w:r><w:t>办理情况</w:t></w:r><w:r><mc:AlternateContent><mc:Choice><w:drawing><wps:txbx><w:txbxContent>
              <w:tbl><w:tr><w:tc><w:p><w:r><w:t>规章</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
              <w:p><w:r><w:t>框内文字</w:t></w:r></w:p>
            </w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>副本</w:t></w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>见下表。</w:t></w:r></w:p>
            <w:p><w:r><w:t>下一段</w:t></w:r></w:p></w:body></w:document>"#
        );
        let doc = parse_document_xml(&xml, &mut Budget::new()).unwrap();
        assert_eq!(doc.blocks[0], Block::Para("办理情况见下表。".into()));
        let Block::Table(t) = &doc.blocks[1] else { panic!("{doc:?}") };
        assert_eq!(t.rows[0][1].text, "3");
        assert_eq!(doc.blocks[2], Block::Para("框内文字".into()));
        assert_eq!(doc.blocks[3], Block::Para("下一段".into()));
        assert_eq!(doc.blocks.len(), 4, "the fallback copy is not read: {doc:?}");
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        assert!(parse_document_xml("<w:document><w:body><w:p>", &mut Budget::new()).is_ok());
        let e = parse_document_xml("<a></b>", &mut Budget::new()).unwrap_err();
        assert!(matches!(e, ImportError::Broken { damage: Damage::Xml, .. }), "{e}");
        assert!(e.to_string().starts_with("Word文件（.docx）的内容格式有误"), "{e}");
    }
}
