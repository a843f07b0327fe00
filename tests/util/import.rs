//! Helpers for the import tests: fixture paths, the expected report from a long CSV, and a
//! cell-by-cell comparison that lists every difference.

use std::collections::BTreeMap;
use std::path::PathBuf;

use nianbao::import::{self, ImportOptions, Imported};
use nianbao::model::Report;
use nianbao::store::csv;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The seed report as users hold it (CMS page, .docx, PDF), copied into the repository so that a
/// clone of the project alone passes its tests.
pub fn published_file(name: &str) -> PathBuf {
    fixture("published").join(name)
}

pub fn import(path: &std::path::Path) -> Imported {
    match import::read_file(path, &ImportOptions::default()) {
        Ok(i) => i,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

/// What a long CSV of the same figures says: the report and the totals it prints.
pub fn expected(csv_name: &str) -> (Report, BTreeMap<String, String>) {
    let data = csv::read(&fixture(csv_name), &ImportOptions::default()).expect("expected CSV");
    assert!(data.issues.is_empty(), "{:?}", data.issues);
    (data.report, data.published)
}

/// Every printed input cell of the tables named must be as expected; printed totals too.
pub fn assert_cells(got: &Imported, want: &Report, want_published: &BTreeMap<String, String>, tables: &[&str]) {
    let form = want.form().expect("form");
    let mut diffs = Vec::new();
    let mut compared = 0;
    for t in form.tables.iter().filter(|t| tables.contains(&t.def.id.as_str())) {
        for &ix in &t.cells {
            let c = &form.cells[ix];
            if c.ui_only {
                continue;
            }
            compared += 1;
            if c.is_input() {
                let (g, w) = (got.report.cell_text(&c.id), want.cell_text(&c.id));
                if g != w {
                    diffs.push(format!("{}: got “{g}”, want “{w}”", form.cell_path(ix)));
                }
            } else if let Some(w) = want_published.get(&c.id) {
                // A blank total at the end of a row leaves no trace in pasted text or a PDF
                // without borders: missing and blank are the same there.
                let g =
                    got.published.get(&c.id).map(String::as_str).unwrap_or(if w.is_empty() { "" } else { "<missing>" });
                if g != w {
                    diffs.push(format!("{} (total): got “{g}”, want “{w}”", form.cell_path(ix)));
                }
            }
        }
    }
    assert!(compared > 0, "no cells compared");
    assert!(
        diffs.is_empty(),
        "{} of {compared} cells differ:\n{}\nnotes:\n{}",
        diffs.len(),
        diffs.join("\n"),
        notes(got)
    );
}

/// The sections the expected report has text for, compared exactly.
pub fn assert_sections(got: &Imported, want: &Report) {
    let mut diffs = Vec::new();
    for (k, w) in &want.sections {
        if w.trim().is_empty() {
            continue;
        }
        let g = got.report.section(k);
        if g.trim() != w.trim() {
            diffs.push(format!("{k}:\n  got  “{g}”\n  want “{w}”"));
        }
    }
    assert!(diffs.is_empty(), "{}\nnotes:\n{}", diffs.join("\n"), notes(got));
}

pub fn notes(got: &Imported) -> String {
    got.notes.iter().map(|n| format!("  {n}")).collect::<Vec<_>>().join("\n")
}

/// Length of the longest common subsequence of two texts, in characters (Myers' O((N+M)·D)
/// shortest edit script: fast when the texts are nearly the same, as good imports are).
pub fn lcs_len(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m) as usize;
    if max == 0 {
        return 0;
    }
    let off = max as isize + 1;
    let mut v = vec![0isize; 2 * max + 3];
    for d in 0..=max as isize {
        let mut k = -d;
        while k <= d {
            let mut x = if k == -d || (k != d && v[(off + k - 1) as usize] < v[(off + k + 1) as usize]) {
                v[(off + k + 1) as usize]
            } else {
                v[(off + k - 1) as usize] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[(off + k) as usize] = x;
            if x >= n && y >= m {
                return ((n + m - d) / 2) as usize;
            }
            k += 2;
        }
    }
    0
}

/// The characters of a text that carry it: no white space, full-width ASCII forms as ASCII (a
/// producer that prints 「(一)」 as 「（一）」 changes no character of the text).
pub fn text_chars(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}
