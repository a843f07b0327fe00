//! Prints what the importer sees in a file: the neutral document (paragraphs, tables with spans)
//! and the import report. `cargo run --example import_dump -- FILE` — for diagnosing a published
//! report that does not import as expected.

// A bench's or example's unwrap stops it with the reason (Cargo.toml's lints deny them in the program).
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("用法：import_dump 文件");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let Some(kind) = nianbao::import::detect(&bytes, Some(std::path::Path::new(&path))) else {
        eprintln!("无法识别的文件类型");
        std::process::exit(2);
    };
    match nianbao::import::read_document(&bytes, kind) {
        Ok(doc) => {
            println!("标题：{:?}", doc.title);
            for b in &doc.blocks {
                match b {
                    nianbao::import::doc::Block::Para(p) => println!("¶ {p}"),
                    nianbao::import::doc::Block::Table(t) => {
                        println!("┌ 表格 {}行", t.rows.len());
                        for r in &t.rows {
                            let cells: Vec<String> = r
                                .iter()
                                .map(|c| {
                                    if c.rowspan > 1 || c.colspan > 1 {
                                        format!("{}[{}×{}]", c.text, c.rowspan, c.colspan)
                                    } else {
                                        c.text.clone()
                                    }
                                })
                                .collect();
                            println!("│ {}", cells.join(" | "));
                        }
                        println!("└");
                    }
                }
            }
        }
        Err(e) => println!("错误：{e}"),
    }
    match nianbao::import::read_bytes(&bytes, Some(std::path::Path::new(&path)), &Default::default()) {
        Ok(i) => {
            for n in &i.notes {
                println!("{n}");
            }
        }
        Err(e) => println!("错误：{e}"),
    }
}
