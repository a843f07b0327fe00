//! Hostile published documents (issue 21), made at test time: small files that once made a
//! reader work without bound — a PDF whose ToUnicode ranges each span 65,536 codes, a form
//! XObject drawing itself, a page of 32 MB content, tables nested 400 deep, 300,000 nested
//! `<div>`s, a `.docx` of a million merged rows or paragraphs — and the look-alikes that once got
//! the wrong message (a page with one stray byte, a half `.docx`, an encrypted part …).
//!
//! `write_all` puts every one in a folder, for measuring the release binary by hand
//! (`NIANBAO_HOSTILE_DIR=… cargo test --test it write_hostile_documents -- --ignored`).

#![allow(dead_code)]

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use lopdf::{Dictionary, Document, Object, Stream, dictionary};

// ---------------------------------------------------------------------------------------------
// PDF
// ---------------------------------------------------------------------------------------------

/// A one-font PDF: each page's content, the font's ToUnicode CMap (uncompressed, as hostile
/// files carry it), extra resources for every page, and whether content streams are deflated.
pub struct PdfSpec {
    pub pages: Vec<Vec<u8>>,
    pub to_unicode: Vec<u8>,
    pub compress: bool,
    /// Builds `/XObject` resources: gets the document and returns the dictionary.
    pub xobjects: Option<fn(&mut Document, Object) -> Dictionary>,
}

pub fn pdf(spec: PdfSpec) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut cmap = Stream::new(Dictionary::new(), spec.to_unicode);
    if spec.compress {
        cmap.compress().expect("deflate");
    }
    let cmap = doc.add_object(cmap);
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Hostile",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 1000,
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Hostile", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(descendant)], "ToUnicode" => Object::Reference(cmap),
    });
    let mut resources = dictionary! { "Font" => dictionary! { "F1" => Object::Reference(font) } };
    if let Some(make) = spec.xobjects {
        let x = make(&mut doc, Object::Reference(font));
        resources.set("XObject", x);
    }
    let resources = doc.add_object(resources);
    let mut kids = Vec::new();
    for content in spec.pages {
        let mut s = Stream::new(Dictionary::new(), content);
        if spec.compress {
            s.compress().expect("deflate");
        }
        let c = doc.add_object(s);
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => Object::Reference(pages_id), "Contents" => Object::Reference(c),
            "Resources" => Object::Reference(resources), "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        })));
    }
    let count = kids.len() as i64;
    doc.objects
        .insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", Object::Reference(catalog));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("pdf");
    out
}

/// A CMap with `ranges` bfranges, each spanning 65,536 codes of its own (four-byte codes).
pub fn cmap_of_full_ranges(ranges: usize) -> Vec<u8> {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    for chunk in (0..ranges).collect::<Vec<_>>().chunks(100) {
        s.push_str(&format!("{} beginbfrange\n", chunk.len()));
        for &k in chunk {
            s.push_str(&format!("<{k:04X}0000><{k:04X}FFFF><4E00>\n"));
        }
        s.push_str("endbfrange\n");
    }
    s.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    s.into_bytes()
}

/// A ToUnicode map of `entries` single codes, deflated (about a megabyte for a million).
pub fn pdf_with_compressed_cmap(entries: u32) -> Vec<u8> {
    let mut cmap = String::from("begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n");
    for k in 0..entries {
        if k % 100 == 0 {
            cmap.push_str("100 beginbfchar\n");
        }
        cmap.push_str(&format!("<{k:08X}> <4E00>\n"));
        if k % 100 == 99 {
            cmap.push_str("endbfchar\n");
        }
    }
    pdf(PdfSpec { pages: vec![SOME_TEXT.to_vec()], to_unicode: cmap.into_bytes(), compress: true, xobjects: None })
}

/// A small honest CMap: codes 1–10 are 一…十.
pub fn small_cmap() -> Vec<u8> {
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n1 beginbfrange <0001> <000A> <4E00> endbfrange\nendcmap end end\n".to_vec()
}

const SOME_TEXT: &[u8] = b"BT /F1 12 Tf 72 700 Td <0001000200030004000500060007000800090001000200030004000500060007000800090001000200030004> Tj ET\n";

/// 1.5 KB: ranges that together ask for millions of entries (once 6.6 s and 958 MB).
pub fn pdf_cmap_ranges_small() -> Vec<u8> {
    pdf(PdfSpec {
        pages: vec![SOME_TEXT.to_vec()],
        to_unicode: cmap_of_full_ranges(50),
        compress: false,
        xobjects: None,
    })
}

/// 634 KB of such ranges: once `memory allocation of 4429185040 bytes failed` and SIGABRT.
pub fn pdf_cmap_ranges_large() -> Vec<u8> {
    pdf(PdfSpec {
        pages: vec![SOME_TEXT.to_vec()],
        to_unicode: cmap_of_full_ranges(33_000),
        compress: false,
        xobjects: None,
    })
}

fn self_drawing_form(doc: &mut Document, font: Object) -> Dictionary {
    let id = doc.new_object_id();
    let mut content = SOME_TEXT.to_vec();
    content.extend(b"/X Do\n".repeat(20));
    let form = Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! {
                "XObject" => dictionary! { "X" => Object::Reference(id) },
                "Font" => dictionary! { "F1" => font },
            },
        },
        content,
    );
    doc.objects.insert(id, Object::Stream(form));
    dictionary! { "X" => Object::Reference(id) }
}

/// 1 KB: a form XObject that draws itself 20 times (once SIGABRT after 29 s at 5.3 GB).
pub fn pdf_xobject_self() -> Vec<u8> {
    pdf(PdfSpec {
        pages: vec![b"/X Do\n".to_vec()],
        to_unicode: small_cmap(),
        compress: false,
        xobjects: Some(self_drawing_form),
    })
}

fn self_drawing_form_without_text(doc: &mut Document, _font: Object) -> Dictionary {
    let id = doc.new_object_id();
    let form = Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "X" => Object::Reference(id) } },
        },
        b"/X Do\n".repeat(20),
    );
    doc.objects.insert(id, Object::Stream(form));
    dictionary! { "X" => Object::Reference(id) }
}

/// The same drawing only itself: 20⁶ drawings and nothing else.
pub fn pdf_xobject_self_only() -> Vec<u8> {
    pdf(PdfSpec {
        pages: vec![[SOME_TEXT, b"/X Do\n"].concat()],
        to_unicode: small_cmap(),
        compress: false,
        xobjects: Some(self_drawing_form_without_text),
    })
}

/// One page of 32 MB content in about 100 KB (once 11 s and 2.85 GB): glyphs, each placed.
pub fn pdf_huge_content() -> Vec<u8> {
    let mut content = Vec::with_capacity(32 << 20);
    let mut i = 0u32;
    while content.len() < (32 << 20) - 100 {
        writeln!(content, "BT /F1 9 Tf {} {} Td <0001000200030004> Tj ET", 20 + i % 50 * 10, 20 + (i / 50) % 800)
            .unwrap();
        i += 1;
    }
    pdf(PdfSpec { pages: vec![content], to_unicode: small_cmap(), compress: true, xobjects: None })
}

/// A page of 16 MB of ruling lines: 400,000 full-width strokes (grid building once quadratic).
pub fn pdf_many_lines() -> Vec<u8> {
    let mut content = Vec::new();
    let mut k = 0u32;
    while content.len() < 16 << 20 {
        let y = 20.0 + (k % 8000) as f32 * 0.1;
        writeln!(
            content,
            "20 {y:.1} m 575 {y:.1} l S {:.1} 20 m {:.1} 820 l S",
            20.0 + (k % 5000) as f32 * 0.11,
            20.0 + (k % 5000) as f32 * 0.11
        )
        .unwrap();
        k += 1;
    }
    content.extend_from_slice(SOME_TEXT);
    pdf(PdfSpec { pages: vec![content], to_unicode: small_cmap(), compress: true, xobjects: None })
}

/// One path of 400,000 subpaths (`x y m`), painted once: a path counted point by point at each
/// `m` (as the merged reader first did) was quadratic in them.
pub fn pdf_many_subpaths() -> Vec<u8> {
    let mut content = Vec::new();
    for k in 0..400_000u32 {
        write!(content, "{} {} m ", k % 500, k % 700).unwrap();
    }
    content.extend_from_slice(b"S\n");
    content.extend_from_slice(SOME_TEXT);
    pdf(PdfSpec { pages: vec![content], to_unicode: small_cmap(), compress: true, xobjects: None })
}

/// 4 MB whose cross-reference table lists one 200 KB stream object 200,000 times: lopdf loads
/// every entry, copying the stream each time (4 GB, then abort, in 5 s).
pub fn pdf_xref_same_offset() -> Vec<u8> {
    let mut body = b"%PDF-1.4\n".to_vec();
    let at = body.len();
    let content = b"0 0 m 1 1 l S\n".repeat(15_000);
    write!(body, "1 0 obj\n<< /Length {} >>\nstream\n", content.len()).unwrap();
    body.extend(&content);
    body.extend(b"\nendstream\nendobj\n");
    let catalog = body.len();
    body.extend(b"2 0 obj << /Type /Catalog /Pages 3 0 R >> endobj\n");
    let pages = body.len();
    body.extend(b"3 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n");
    let n = 200_000;
    let xref = body.len();
    write!(body, "xref\n0 {}\n0000000000 65535 f \n", n + 4).unwrap();
    for offset in [at, catalog, pages].into_iter().chain(std::iter::repeat_n(at, n)) {
        writeln!(body, "{offset:010} 00000 n ").unwrap();
    }
    write!(body, "trailer << /Size {} /Root 2 0 R >>\nstartxref\n{xref}\n%%EOF\n", n + 4).unwrap();
    body
}

/// Many pages of many glyphs, each page within any per-page bound: the document's total.
pub fn pdf_many_pages() -> Vec<u8> {
    let mut page = Vec::new();
    for i in 0..3000u32 {
        writeln!(page, "BT /F1 9 Tf {} {} Td <0001000200030004> Tj ET", 20 + i % 50 * 10, 20 + i / 50 * 12).unwrap();
    }
    pdf(PdfSpec { pages: vec![page; 290], to_unicode: small_cmap(), compress: true, xobjects: None })
}

/// A page that switches fonts a million times (the font once copied at every switch).
pub fn pdf_font_switches() -> Vec<u8> {
    let content = b"/F1 9 Tf ".repeat(1_000_000);
    let mut content = content;
    content.extend_from_slice(SOME_TEXT);
    pdf(PdfSpec { pages: vec![content], to_unicode: cmap_of_full_ranges(2), compress: true, xobjects: None })
}

// ---------------------------------------------------------------------------------------------
// Web pages
// ---------------------------------------------------------------------------------------------

/// 400 levels of `<table><tr><td>` in 14 KB (once 5 min 32 s: n⁴).
pub fn html_nested_tables() -> Vec<u8> {
    let mut s = String::from("<html><body><p>一、总体情况</p>");
    s.push_str(&"<table><tr><td>1</td><td>".repeat(400));
    s.push('1');
    s.push_str(&"</td></tr></table>".repeat(400));
    s.push_str("</body></html>");
    s.into_bytes()
}

/// 300,000 nested `<div>`s (once still running at 60 s).
pub fn html_nested_divs() -> Vec<u8> {
    let mut s = String::from("<html><body>");
    s.push_str(&"<div>".repeat(300_000));
    s.push_str("一、总体情况");
    s.push_str(&"</div>".repeat(300_000));
    s.push_str("</body></html>");
    s.into_bytes()
}

/// A table of a million cells in 6 MB.
pub fn html_many_cells() -> Vec<u8> {
    let mut s = String::from("<html><body><p>一、总体情况</p><table>");
    for _ in 0..100_000 {
        s.push_str("<tr>");
        s.push_str(&"<td>1".repeat(10));
    }
    s.push_str("</table></body></html>");
    s.into_bytes()
}

/// 200,000 formatting elements left open, then paragraphs: each block reopens them all.
pub fn html_open_formatting() -> Vec<u8> {
    let mut s = String::from("<html><body><div>");
    for i in 0..200_000 {
        s.push_str(&format!("<b class=c{i}>"));
    }
    s.push_str("</div>");
    s.push_str(&"<p>一、总体情况</p>".repeat(1_000));
    s.push_str("</body></html>");
    s.into_bytes()
}

/// One element with fifteen million attributes (30 MB; once 1 s and 450 MB in the parser).
pub fn html_attributes() -> Vec<u8> {
    let mut s = String::from("<html><body><div");
    s.push_str(&" a".repeat(15_000_000));
    s.push_str(">一、总体情况</div></body></html>");
    s.into_bytes()
}

// ---------------------------------------------------------------------------------------------
// Word
// ---------------------------------------------------------------------------------------------

pub const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// A `.docx` package around a `word/document.xml`.
pub fn docx(document_xml: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, &[u8]); 3] = [
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", document_xml),
    ];
    for (name, data) in parts {
        zip.start_file(name, opts).expect("zip");
        zip.write_all(data).expect("zip");
    }
    zip.finish().expect("zip").into_inner()
}

/// A million table rows whose first cell continues the merge above (once 6 min 13 s: rows²).
pub fn docx_vmerge_rows() -> Vec<u8> {
    let mut xml = format!("<w:document {W}><w:body><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p><w:tbl>");
    xml.push_str("<w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>");
    xml.push_str(&"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr></w:tc><w:tc/></w:tr>".repeat(1_000_000));
    xml.push_str("</w:tbl></w:body></w:document>");
    docx(xml.as_bytes())
}

/// A million paragraphs in 150 KB (once 29 s).
pub fn docx_paragraphs() -> Vec<u8> {
    let mut xml = format!("<w:document {W}><w:body>");
    xml.push_str(&"<w:p><w:r><w:t>一</w:t></w:r></w:p>".repeat(1_000_000));
    xml.push_str("</w:body></w:document>");
    docx(xml.as_bytes())
}

/// The first half of a real `.docx` (its central directory gone).
pub fn docx_truncated(real: &[u8]) -> Vec<u8> {
    real[..real.len() / 2].to_vec()
}

/// Finds each local and central header of a zip (by signature) and calls `patch` with the
/// header's offset and whether it is a central one.
fn patch_zip_headers(zip: &mut [u8], patch: impl Fn(&mut [u8], usize, bool)) {
    let mut i = 0;
    while i + 4 <= zip.len() {
        match &zip[i..i + 4] {
            b"PK\x03\x04" => patch(zip, i, false),
            b"PK\x01\x02" => patch(zip, i, true),
            _ => {}
        }
        i += 1;
    }
}

/// A `.docx` whose parts say they are encrypted (the general-purpose flag's bit 0).
pub fn docx_encrypted_entry() -> Vec<u8> {
    let mut z = docx(
        format!("<w:document {W}><w:body><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p></w:body></w:document>")
            .as_bytes(),
    );
    patch_zip_headers(&mut z, |z, at, central| {
        let flags = if central { at + 8 } else { at + 6 };
        z[flags] |= 1;
    });
    z
}

/// A `.docx` whose parts say they are compressed with LZMA (method 14).
pub fn docx_lzma() -> Vec<u8> {
    let mut z = docx(
        format!("<w:document {W}><w:body><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p></w:body></w:document>")
            .as_bytes(),
    );
    patch_zip_headers(&mut z, |z, at, central| {
        let method = if central { at + 10 } else { at + 8 };
        z[method] = 14;
        z[method + 1] = 0;
    });
    z
}

/// A `.docx` whose main part is not well-formed XML.
pub fn docx_bad_xml() -> Vec<u8> {
    docx(
        format!("<w:document {W}><w:body><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:tbl></w:body></w:document>")
            .as_bytes(),
    )
}

// ---------------------------------------------------------------------------------------------
// Text and look-alikes
// ---------------------------------------------------------------------------------------------

/// Two million short lines of pasted text (16 MB).
pub fn text_many_lines() -> Vec<u8> {
    "一、总体情况\n规章\t1\t2\n".repeat(1_000_000).into_bytes()
}

/// A real page with one stray 0xFF byte in its middle.
pub fn page_with_stray_byte(real: &[u8]) -> Vec<u8> {
    let mut v = real.to_vec();
    v.insert(real.len() / 2, 0xFF);
    v
}

/// A page that mentions `%PDF-` in its first kilobyte.
pub fn page_mentioning_pdf(real: &str) -> Vec<u8> {
    real.replacen("<head>", "<head><!-- 附件格式：%PDF-1.7 --><meta name=\"note\" content=\"%PDF-\">", 1).into_bytes()
}

/// Bytes that are text (no NULs) in no encoding: not UTF-8, not GB18030.
pub fn invalid_text() -> Vec<u8> {
    let mut v = "一、总体情况\n".as_bytes().to_vec();
    v.extend([0xFF, 0xFE, 0x80, 0xFF, 0x81, 0x20, 0xFF, 0xFF].repeat(40));
    v
}

/// A PDF header on a file whose cross-reference table is not one.
pub fn pdf_broken_xref() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nxref\nzz yy\ntrailer << /Root 1 0 R >>\nstartxref\n41\n%%EOF\n"
        .to_vec()
}

/// The first 40 % of a real page (tables and sections after it missing).
pub fn page_cut(real: &[u8], share: f64) -> Vec<u8> {
    let mut end = (real.len() as f64 * share) as usize;
    while end > 0 && (real[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    real[..end].to_vec()
}

/// A page whose title line holds control characters (a bell, an escape).
pub fn page_with_controls(real: &str) -> Vec<u8> {
    real.replacen(
        ">杭州市人民政府办公厅2021年政府信息公开工作年度报告<",
        ">杭州市人民政府办公厅\u{7}2021年政府信息公开工作年度报告\u{1b}<",
        1,
    )
    .into_bytes()
}

// ---------------------------------------------------------------------------------------------
// All of them, for measuring by hand
// ---------------------------------------------------------------------------------------------

/// Every hostile document that needs no real file, by name.
pub fn generated() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("pdf-cmap-ranges-small.pdf", pdf_cmap_ranges_small()),
        ("pdf-cmap-ranges-large.pdf", pdf_cmap_ranges_large()),
        ("pdf-xobject-self.pdf", pdf_xobject_self()),
        ("pdf-xobject-self-only.pdf", pdf_xobject_self_only()),
        ("pdf-huge-content.pdf", pdf_huge_content()),
        ("pdf-many-lines.pdf", pdf_many_lines()),
        ("pdf-many-pages.pdf", pdf_many_pages()),
        ("pdf-font-switches.pdf", pdf_font_switches()),
        ("pdf-many-subpaths.pdf", pdf_many_subpaths()),
        ("pdf-broken-xref.pdf", pdf_broken_xref()),
        ("pdf-xref-same-offset.pdf", pdf_xref_same_offset()),
        ("html-nested-tables.html", html_nested_tables()),
        ("html-nested-divs.html", html_nested_divs()),
        ("html-many-cells.html", html_many_cells()),
        ("html-open-formatting.html", html_open_formatting()),
        ("html-attributes.html", html_attributes()),
        ("docx-vmerge-rows.docx", docx_vmerge_rows()),
        ("docx-paragraphs.docx", docx_paragraphs()),
        ("docx-encrypted-entry.docx", docx_encrypted_entry()),
        ("docx-lzma.docx", docx_lzma()),
        ("docx-bad-xml.docx", docx_bad_xml()),
        ("text-many-lines.txt", text_many_lines()),
        ("invalid-text.txt", invalid_text()),
    ]
}

/// Writes every hostile document (also those made from the published fixtures) into `dir`.
pub fn write_all(dir: &Path, published: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("folder");
    let mut out = Vec::new();
    let mut put = |name: &str, bytes: Vec<u8>| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write");
        out.push(p);
    };
    for (name, bytes) in generated() {
        put(name, bytes);
    }
    let page = std::fs::read(published.join("hangzhou-2021-word.html")).expect("fixture");
    let docx = std::fs::read(published.join("seed-2019.docx")).expect("fixture");
    put("page-stray-byte.html", page_with_stray_byte(&page));
    put("page-mentions-pdf.html", page_mentioning_pdf(&String::from_utf8_lossy(&page)));
    put("page-first-40-percent.html", page_cut(&page, 0.4));
    put("page-controls.html", page_with_controls(&String::from_utf8_lossy(&page)));
    put("docx-truncated.docx", docx_truncated(&docx));
    out
}

// ---------------------------------------------------------------------------------------------
// Seeds for the fuzz targets
// ---------------------------------------------------------------------------------------------

/// One entry of the `county_scan` fuzz target's input (see `fuzz/fuzz_targets/county_scan.rs`).
fn scan_entry(kind: u8, name: &str, content: &[u8]) -> Vec<u8> {
    let mut v = vec![kind, name.len() as u8];
    v.extend(name.as_bytes());
    v.extend((content.len() as u16).to_le_bytes());
    v.extend(content);
    v
}

/// Seeds for the fuzz targets, by target: the hostile documents small enough to mutate (the
/// large ones cut down to the same shape), and folders with drafts, a pipe and links.
pub fn fuzz_seeds(published: &Path) -> Vec<(&'static str, String, Vec<u8>)> {
    let real = |n: &str| std::fs::read(published.join(n)).expect("fixture");
    let mut out: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
    let mut put =
        |target: &'static str, name: &str, bytes: Vec<u8>| out.push((target, format!("hostile-{name}"), bytes));
    put("import_pdf", "cmap-ranges-small.pdf", pdf_cmap_ranges_small());
    put("import_pdf", "xobject-self.pdf", pdf_xobject_self());
    put("import_pdf", "xobject-self-only.pdf", pdf_xobject_self_only());
    put("import_pdf", "broken-xref.pdf", pdf_broken_xref());
    put("import_pdf", "font-switches.pdf", pdf_font_switches());
    let mut lines = Vec::new();
    for k in 0..300u32 {
        writeln!(lines, "20 {} m 575 {} l S {} 20 m {} 820 l S", 20 + k, 20 + k, 20 + k, 20 + k).unwrap();
    }
    lines.extend_from_slice(SOME_TEXT);
    put(
        "import_pdf",
        "lines.pdf",
        pdf(PdfSpec { pages: vec![lines], to_unicode: small_cmap(), compress: true, xobjects: None }),
    );
    let mut subpaths = Vec::new();
    for k in 0..20_000u32 {
        write!(subpaths, "{} {} m ", k % 500, k % 700).unwrap();
    }
    subpaths.extend_from_slice(b"S\n");
    subpaths.extend_from_slice(SOME_TEXT);
    put(
        "import_pdf",
        "many-subpaths.pdf",
        pdf(PdfSpec { pages: vec![subpaths], to_unicode: small_cmap(), compress: true, xobjects: None }),
    );
    for n in ["scanned.pdf", "encrypted.pdf", "shanghai-2019-reportlab.pdf", "hangzhou-2021-libreoffice.pdf"] {
        out.push(("import_pdf", n.to_string(), real(n)));
    }
    let mut put =
        |target: &'static str, name: &str, bytes: Vec<u8>| out.push((target, format!("hostile-{name}"), bytes));
    put("import_docx", "encrypted-entry.docx", docx_encrypted_entry());
    put("import_docx", "lzma.docx", docx_lzma());
    put("import_docx", "bad-xml.docx", docx_bad_xml());
    put("import_docx", "truncated.docx", docx_truncated(&real("seed-2019.docx")));
    let mut rows = format!(
        "<w:document {W}><w:body><w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p/></w:tc></w:tr>"
    );
    rows.push_str(&"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr></w:tc><w:tc/></w:tr>".repeat(500));
    rows.push_str("</w:tbl></w:body></w:document>");
    put("import_docx", "vmerge-rows.docx", docx(rows.as_bytes()));
    put("import_html", "nested-tables.html", html_nested_tables());
    put("import_html", "nested-divs.html", ("<div>".repeat(600) + "一、总体情况" + &"</div>".repeat(600)).into_bytes());
    let formatting: String = (0..600).map(|i| format!("<b class=c{i}>")).collect();
    put("import_html", "open-formatting.html", format!("<div>{formatting}</div><p>一、总体情况</p>").into_bytes());
    put("import_html", "mentions-pdf.html", page_mentioning_pdf(&String::from_utf8_lossy(&real("seed-2019.html"))));
    put("import_html", "stray-byte.html", page_with_stray_byte(&real("seed-2019.html")));
    put("import_text", "invalid.txt", invalid_text());
    put("import_text", "many-lines.txt", "一、总体情况\n规章\t1\t2\n".repeat(2_000).into_bytes());
    let draft =
        nianbao::store::draft::to_ron(&nianbao::model::Report::new("gb2021", 2025, "某某县商务局")).expect("ron");
    let mut folder = Vec::new();
    folder.extend(scan_entry(0, "甲.ron", draft.as_bytes()));
    folder.extend(scan_entry(0, "乙\n[通过] 丙.ron", draft.as_bytes()));
    folder.extend(scan_entry(5, "管道.ron", b""));
    folder.extend(scan_entry(4, "循环1.pdf", "循环2.pdf".as_bytes()));
    folder.extend(scan_entry(4, "循环2.pdf", "循环1.pdf".as_bytes()));
    folder.extend(scan_entry(4, "断开.docx", b"nothing"));
    folder.extend(scan_entry(4, "上级", b".."));
    folder.extend(scan_entry(6, "套接字.html", b""));
    folder.extend(scan_entry(3, "子文件夹", b""));
    folder.extend(scan_entry(0, "坏.pdf", &pdf_broken_xref()));
    folder.extend(scan_entry(0, "嵌套.html", &html_nested_tables()));
    folder.extend(scan_entry(7, "", b""));
    folder.extend(scan_entry(0, "旧.doc", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"));
    out.push(("county_scan", "hostile-folder".into(), folder));
    out
}

/// Writes the fuzz seeds into `fuzz/corpus/<target>/`.
pub fn write_fuzz_seeds(corpus: &Path, published: &Path) {
    for (target, name, bytes) in fuzz_seeds(published) {
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir).expect("folder");
        std::fs::write(dir.join(name), bytes).expect("write");
    }
}
