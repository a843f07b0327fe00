//! The import corpus: the same reports published by several producers in several layouts
//! (tests/fixtures/corpus, made by tests/corpus/make_corpus.py — LibreOffice, Chromium, the
//! project's own Word export saved again, PDFs typeset with borders as lines, as filled bars or
//! none, a text run per character, labels wrapped over three lines, running headers, page
//! numbers, a table interrupting a paragraph; WPS-like Word files; pages pasted from Word).
//!
//! Every cell must come back right, and the texts whole: for each document, the share of the
//! source's characters found in order in the imported section (longest common subsequence) is
//! at least 99.5%, and no section that has text in the source comes back empty. The table the
//! README shows is printed by this test (`cargo test --test it corpus -- --nocapture`).

use std::collections::BTreeMap;

use crate::import_util::*;
use nianbao::import::{self, ImportOptions};

struct Entry {
    file: String,
    expected: String,
    producer: String,
    layout: String,
}

fn manifest() -> Vec<Entry> {
    let path = fixture("corpus/manifest.csv");
    let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .map(|rec| {
            let rec = rec.expect("manifest row");
            Entry {
                file: rec[0].to_string(),
                expected: rec[1].to_string(),
                producer: rec[2].to_string(),
                layout: rec[3].to_string(),
            }
        })
        .collect()
}

/// How one document came back.
struct Score {
    cells: usize,
    cells_right: usize,
    wrong: Vec<String>,
    /// Per text (section key, or 开头 for the opening): source characters, found in order, extra.
    texts: BTreeMap<String, (usize, usize, usize)>,
    paragraphs: usize,
    paragraphs_whole: usize,
    empty: Vec<String>,
}

impl Score {
    fn chars(&self) -> (usize, usize, usize) {
        self.texts.values().fold((0, 0, 0), |a, t| (a.0 + t.0, a.1 + t.1, a.2 + t.2))
    }
    fn share(&self) -> f64 {
        let (src, found, _) = self.chars();
        if src == 0 { 1.0 } else { found as f64 / src as f64 }
    }
}

fn score(got: &import::Imported, csv_name: &str) -> Score {
    let (want, published) = expected(&format!("corpus/{csv_name}"));
    let form = want.form().expect("form");
    let mut s = Score {
        cells: 0,
        cells_right: 0,
        wrong: Vec::new(),
        texts: BTreeMap::new(),
        paragraphs: 0,
        paragraphs_whole: 0,
        empty: Vec::new(),
    };
    for t in form.tables.iter().filter(|t| t.def.printed) {
        for &ix in &t.cells {
            let c = &form.cells[ix];
            if c.ui_only {
                continue;
            }
            let (g, w) = if c.is_input() {
                (got.report.cell_text(&c.id).to_string(), want.cell_text(&c.id).to_string())
            } else if let Some(w) = published.get(&c.id) {
                (got.published.get(&c.id).cloned().unwrap_or_else(|| "<缺>".into()), w.clone())
            } else {
                continue;
            };
            s.cells += 1;
            if g == w {
                s.cells_right += 1;
            } else {
                s.wrong.push(format!("{}: “{g}”≠“{w}”", form.cell_path(ix)));
            }
        }
    }
    let mut texts: Vec<(String, String, String)> = want
        .sections
        .iter()
        .map(|(k, w)| (k.clone(), w.clone(), got.report.section(k).to_string()))
        .collect();
    texts.push((
        "开头".into(),
        want.options.opening_text.clone().unwrap_or_default(),
        got.report.options.opening_text.clone().unwrap_or_default(),
    ));
    for (k, w, g) in texts {
        let (wc, gc) = (text_chars(&w), text_chars(&g));
        if wc.is_empty() {
            continue;
        }
        let found = lcs_len(&wc, &gc);
        s.texts.insert(k.clone(), (wc.len(), found, gc.len() - found));
        if gc.is_empty() {
            s.empty.push(k.clone());
        }
        let lines: Vec<String> = g.lines().map(|l| text_chars(l).into_iter().collect()).collect();
        for p in w.lines().filter(|p| !p.trim().is_empty()) {
            s.paragraphs += 1;
            let p: String = text_chars(p).into_iter().collect();
            if lines.contains(&p) {
                s.paragraphs_whole += 1;
            }
        }
    }
    s
}

#[test]
fn corpus_every_cell_and_at_least_995_per_mille_of_the_text_in_place() {
    let entries = manifest();
    assert!(entries.len() >= 20, "the corpus has {} documents", entries.len());
    let mut table = vec![
        "| document | producer | cells right | characters in place | extra | paragraphs whole |".to_string(),
        "|---|---|---|---|---|---|".to_string(),
    ];
    let mut failures = Vec::new();
    for e in &entries {
        let path = fixture(&format!("corpus/{}", e.file));
        let got = match import::read_file(&path, &ImportOptions::default()) {
            Ok(g) => g,
            Err(err) => {
                failures.push(format!("{}: {err}", e.file));
                table.push(format!("| {} | {} | 导入失败 | | | |", e.file, e.producer));
                continue;
            }
        };
        let s = score(&got, &e.expected);
        let (src, found, extra) = s.chars();
        table.push(format!(
            "| {} | {} | {}/{} | {:.2}% ({found}/{src}) | {extra} | {}/{} |",
            e.file,
            e.producer,
            s.cells_right,
            s.cells,
            s.share() * 100.0,
            s.paragraphs_whole,
            s.paragraphs
        ));
        if s.cells_right != s.cells {
            failures.push(format!("{} ({}): {} cells wrong: {}", e.file, e.layout, s.wrong.len(), s.wrong.join("; ")));
        }
        if s.share() < 0.995 {
            let worst: Vec<String> = s
                .texts
                .iter()
                .filter(|(_, t)| t.1 < t.0)
                .map(|(k, t)| format!("{k} {}/{}", t.1, t.0))
                .collect();
            failures.push(format!("{}: {:.2}% of the text in place ({})", e.file, s.share() * 100.0, worst.join(", ")));
        }
        if !s.empty.is_empty() {
            failures.push(format!("{}: sections empty: {}", e.file, s.empty.join(", ")));
        }
        if s.wrong.len() + s.empty.len() > 0 || s.share() < 0.995 {
            failures.push(format!("  notes of {}:\n{}", e.file, notes(&got)));
        }
    }
    println!("{}", table.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
