//! Issue 21: every reader of published documents does work bounded by its input, and a
//! document over a bound is refused in Chinese saying what was too large.

use std::path::Path;

use crate::hostile_docs;

/// Writes the hostile documents into `$NIANBAO_HOSTILE_DIR`, for measuring by hand.
#[test]
#[ignore = "writes files for measuring the release binary by hand"]
fn write_hostile_documents() {
    let dir = std::env::var_os("NIANBAO_HOSTILE_DIR").expect("NIANBAO_HOSTILE_DIR");
    let published = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/published");
    for p in hostile_docs::write_all(Path::new(&dir), &published) {
        eprintln!("{} {}", std::fs::metadata(&p).unwrap().len(), p.display());
    }
}
