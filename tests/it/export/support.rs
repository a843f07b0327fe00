//! Shared by the export tests: fixtures, the expected document, and small readers for what the
//! writers produce (a .docx package, XML, HTML tables, spreadsheets).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use nianbao::document::{self, Block, PrintTable};
use nianbao::model::{Form, Report, Values};
use nianbao::store::csv::{self, ImportOptions};

/// A report from `tests/fixtures`.
pub fn fixture(name: &str) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    csv::read(&path, &ImportOptions::default()).unwrap().report
}

/// Sets a cell of the report's form (the id must exist, so a test never edits nothing).
pub fn set(report: &mut Report, id: &str, text: &str) {
    let form = report.form().unwrap();
    assert!(form.cell(id).is_some(), "no cell {id} in {}", report.template);
    report.set_cell(id, text);
}

/// The blocks the writers lay out, Landscape groups flattened.
pub fn blocks(report: &Report, form: &Form) -> Vec<Block> {
    fn flat(bs: Vec<Block>, out: &mut Vec<Block>) {
        for b in bs {
            match b {
                Block::Landscape(inner) => flat(inner, out),
                b => out.push(b),
            }
        }
    }
    let values = Values::compute(form, report);
    let mut out = Vec::new();
    flat(document::blocks(form, report, &values), &mut out);
    out
}

pub fn tables(blocks: &[Block]) -> Vec<&PrintTable> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

/// The texts outside tables, in order: title, headings, paragraphs, 落款, annex titles.
pub fn texts(blocks: &[Block]) -> Vec<String> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Title(parts) => out.push(parts.concat()),
            Block::Heading { text, .. } | Block::Para(text) => out.push(text.clone()),
            Block::Signature { name, date } => {
                out.push(name.clone());
                if !date.is_empty() {
                    out.push(date.clone());
                }
            }
            Block::AnnexStart { title } => {
                out.push("附件".into());
                out.push(title.clone());
            }
            Block::Blank | Block::Table(_) | Block::Landscape(_) => {}
        }
    }
    out
}

/// One cell of a table as a reader sees it: where it starts, how far it spans, its text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
    pub text: String,
}

/// What a printed table should read as.
pub fn expected_grid(t: &PrintTable) -> Vec<Cell> {
    let mut v: Vec<Cell> = t
        .table
        .print
        .cells
        .iter()
        .zip(&t.texts)
        .map(|(c, text)| Cell { row: c.row, col: c.col, rows: c.rows, cols: c.cols, text: text.clone() })
        .collect();
    v.sort();
    v
}

/// Places cells given row by row with their spans on a grid, the way HTML and Word tables flow.
pub fn flow(rows: Vec<Vec<(usize, usize, String)>>) -> Vec<Cell> {
    let mut taken: Vec<Vec<bool>> = Vec::new();
    let mut out = Vec::new();
    for (r, cells) in rows.into_iter().enumerate() {
        let mut col = 0;
        for (rows, cols, text) in cells {
            while taken.len() < r + rows {
                taken.push(Vec::new());
            }
            while taken[r].get(col).copied().unwrap_or(false) {
                col += 1;
            }
            for row in taken.iter_mut().skip(r).take(rows) {
                if row.len() < col + cols {
                    row.resize(col + cols, false);
                }
                for slot in row.iter_mut().skip(col).take(cols) {
                    *slot = true;
                }
            }
            out.push(Cell { row: r, col, rows, cols, text });
            col += cols;
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// Packages and XML
// ---------------------------------------------------------------------------------------------

/// The parts of a zip package by name.
pub fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.is_dir() {
            continue;
        }
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        out.insert(f.name().to_string(), data);
    }
    out
}

/// A parsed XML element (prefixes kept: `w:p`).
#[derive(Debug, Clone, Default)]
pub struct El {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone)]
pub enum Node {
    El(El),
    Text(String),
}

impl El {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &El> {
        self.children.iter().filter_map(|n| match n {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub fn child(&self, name: &str) -> Option<&El> {
        self.elements().find(|e| e.name == name)
    }

    /// Every descendant with this name, in document order (not looking inside matches).
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a El>) {
        for e in self.elements() {
            if e.name == name {
                out.push(e);
            } else {
                e.find_all(name, out);
            }
        }
    }

    pub fn all(&self, name: &str) -> Vec<&El> {
        let mut v = Vec::new();
        self.find_all(name, &mut v);
        v
    }

    /// The concatenated text of `w:t` descendants (Word's runs).
    pub fn word_text(&self) -> String {
        let mut s = String::new();
        for t in self.all("w:t") {
            for n in &t.children {
                if let Node::Text(x) = n {
                    s.push_str(x);
                }
            }
        }
        s
    }
}

pub fn parse_xml(bytes: &[u8]) -> El {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut stack = vec![El { name: "#document".into(), ..Default::default() }];
    let mut buf = Vec::new();
    let attrs_of = |e: &quick_xml::events::BytesStart| -> Vec<(String, String)> {
        e.attributes()
            .map(|a| {
                let a = a.unwrap();
                let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned();
                (String::from_utf8_lossy(a.key.as_ref()).into_owned(), v)
            })
            .collect()
    };
    loop {
        match reader.read_event_into(&mut buf).expect("well-formed XML") {
            Event::Start(e) => stack.push(El {
                name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                attrs: attrs_of(&e),
                children: vec![],
            }),
            Event::Empty(e) => {
                let el = El {
                    name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    attrs: attrs_of(&e),
                    children: vec![],
                };
                stack.last_mut().unwrap().children.push(Node::El(el));
            }
            Event::End(_) => {
                let el = stack.pop().unwrap();
                stack.last_mut().expect("balanced tags").children.push(Node::El(el));
            }
            Event::Text(t) => {
                let s = t.decode().unwrap().into_owned();
                stack.last_mut().unwrap().children.push(Node::Text(s));
            }
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap().into_owned();
                let s = match name.as_str() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    other => match r.resolve_char_ref().ok().flatten() {
                        Some(c) => c.to_string(),
                        None => panic!("unknown entity {other}"),
                    },
                };
                stack.last_mut().unwrap().children.push(Node::Text(s));
            }
            Event::CData(t) => {
                stack
                    .last_mut()
                    .unwrap()
                    .children
                    .push(Node::Text(String::from_utf8_lossy(&t.into_inner()).into_owned()));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    stack.pop().unwrap()
}

/// Whether LibreOffice is installed (tests that need it say so and skip otherwise).
pub fn soffice() -> Option<&'static str> {
    let ok = std::process::Command::new("soffice")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some("soffice")
    } else {
        eprintln!("soffice (LibreOffice) is not installed: skipping the LibreOffice part of this test");
        None
    }
}

/// Converts a file with LibreOffice headless (`txt:Text`, `pdf` …) and returns the output bytes.
pub fn convert(bin: &str, input: &Path, to: &str, ext: &str) -> Vec<u8> {
    let dir = input.parent().unwrap();
    // A profile of its own, so parallel tests and a running LibreOffice do not collide.
    let profile = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(bin)
        .arg(format!("-env:UserInstallation=file://{}", profile.path().display()))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(dir)
        .arg(input)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run soffice");
    assert!(status.success(), "soffice failed on {}", input.display());
    std::fs::read(input.with_extension(ext)).expect("the converted file")
}
