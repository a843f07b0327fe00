//! The print-ready PDF, parsed back (lopdf): pages, embedded subset fonts with ToUnicode, every
//! label and number of the tables in the extracted text, repeated table headers on continuation
//! pages, the 草稿 mark, byte-identical output, refusal of characters no font has, metadata,
//! installed official fonts found by family name, the 落款 date.

use std::path::Path;

use nianbao::model::Report;
use nianbao::pdf::fonts::FontSources;
use nianbao::pdf::{PdfError, PdfOptions, export_with};

/// Bundled fonts only, so the results do not depend on what this computer has installed.
fn export(
    report: &Report,
    form: &nianbao::model::Form,
    opts: &PdfOptions,
) -> Result<nianbao::pdf::PdfOutput, PdfError> {
    export_with(report, form, opts, &FontSources::BundledOnly)
}

use crate::fixtures::report as fixture;

struct Pdf {
    doc: lopdf::Document,
    pages: Vec<String>,
    size: usize,
}

fn parse(bytes: &[u8]) -> Pdf {
    let doc = lopdf::Document::load_mem(bytes).expect("a valid PDF");
    let ids: Vec<u32> = doc.get_pages().keys().copied().collect();
    let pages = ids.iter().map(|&p| doc.extract_text(&[p]).expect("text").replace(['\n', ' '], "")).collect();
    Pdf { doc, pages, size: bytes.len() }
}

fn export_pdf(report: &Report, final_export: bool) -> (nianbao::pdf::PdfOutput, Pdf) {
    let form = report.form().unwrap();
    let out = export(report, &form, &PdfOptions { final_export, ..Default::default() }).expect("export");
    let pdf = parse(&out.bytes);
    (out, pdf)
}

fn all_text(pdf: &Pdf) -> String {
    pdf.pages.concat()
}

/// Fonts: (BaseFont, has an embedded font file, has ToUnicode).
fn fonts(pdf: &Pdf) -> Vec<(String, bool, bool)> {
    let mut out = Vec::new();
    for (_, obj) in pdf.doc.objects.iter() {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Type0".as_slice()) {
            continue;
        }
        let name = String::from_utf8_lossy(dict.get(b"BaseFont").unwrap().as_name().unwrap()).into_owned();
        let to_unicode = dict.has(b"ToUnicode");
        let dict_of = |o: &lopdf::Object| match o {
            lopdf::Object::Reference(r) => pdf.doc.get_dictionary(*r).unwrap().clone(),
            other => other.as_dict().unwrap().clone(),
        };
        let cid = dict_of(&dict.get(b"DescendantFonts").unwrap().as_array().unwrap()[0]);
        let desc = dict_of(cid.get(b"FontDescriptor").unwrap());
        out.push((name, desc.has(b"FontFile2") || desc.has(b"FontFile3"), to_unicode));
    }
    out.sort();
    out
}

#[test]
fn seed_report_exports_with_embedded_subset_fonts_and_extractable_chinese() {
    let report = fixture("seed-2019.csv");
    let (out, pdf) = export_pdf(&report, false);
    assert_eq!(pdf.pages.len(), out.pages);
    assert!(!out.draft_mark, "the seed has no errors");
    let fonts = fonts(&pdf);
    // Serif (body, tables), Serif Bold (title), Sans (一、 headings), 年报楷体 (（一） headings).
    assert_eq!(fonts.len(), 4, "{fonts:?}");
    assert!(fonts.iter().any(|f| f.0.ends_with("+NianbaoKai-Regular")), "（一） headings in 楷体: {fonts:?}");
    for (name, embedded, to_unicode) in &fonts {
        let (tag, _) = name.split_once('+').expect("a subset tag");
        assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "{name}");
        assert!(*embedded && *to_unicode, "{name}");
    }
    assert!(pdf.size < 400_000, "{} bytes", pdf.size);
    let text = all_text(&pdf);
    assert!(pdf.pages[0].starts_with("兴义市应急管理局2019年政府信息公开工作年度报告"), "{}", &pdf.pages[0][..60]);
    for heading in [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ] {
        assert!(text.contains(heading), "{heading}");
    }
    // Table 二 as printed in the seed: signs on 本年增/减.
    for v in ["285", "818", "+14", "-27", "+1", "160", "2019年度政府信息公开情况统计表", "0.3", "60"] {
        assert!(text.contains(v), "{v}");
    }
    // The 落款 in the official date form, and the annex note.
    assert!(text.contains("2020年1月19日"));
    assert!(text.contains("附件：2019年度政府信息公开情况统计表"));
    // Page numbers.
    assert!(pdf.pages[0].contains("—1—") && pdf.pages.last().unwrap().contains(&format!("—{}—", out.pages)));
}

#[test]
fn every_table_label_and_number_of_a_full_gb2021_report_is_in_the_text() {
    let report = fixture("hangzhou-2021.csv");
    let form = report.form().unwrap();
    let (out, pdf) = export_pdf(&report, false);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let text = all_text(&pdf);
    for t in form.tables.iter().filter(|t| t.def.printed) {
        for c in &t.print.cells {
            if let nianbao::model::form::GridContent::Fixed { text: label, .. } = &c.content {
                assert!(text.contains(label.as_str()), "{}: label “{label}” missing", t.def.name);
            }
        }
    }
    let (values, _) = nianbao::model::check_report(&form, &report, &Default::default());
    for (ix, cell) in form.cells.iter().enumerate() {
        if cell.ui_only || !form.tables[cell.table].def.printed {
            continue;
        }
        let v = values.get(ix).num().expect("every cell is filled").to_string();
        assert!(text.contains(&v), "{} = {v} missing", cell.id);
    }
    for v in ["14069", "13810", "316441", "6512.37", "790"] {
        assert!(text.contains(v), "{v}");
    }
    assert!(pdf.size < 400_000, "{} bytes", pdf.size);
}

#[test]
fn a_table_split_across_pages_repeats_its_header_rows() {
    let mut report = fixture("hangzhou-2021.csv");
    // Long texts in sections 一 and 二 push table 三 across a page break.
    let para = "本机关坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署，严格执行《中华人民共和国政府信息公开条例》。";
    report.sections.insert("s2".into(), [para; 9].join("\n"));
    let (_, pdf) = export_pdf(&report, false);
    let note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
    let with_header: Vec<usize> = (0..pdf.pages.len()).filter(|&i| pdf.pages[i].contains(note)).collect();
    assert_eq!(with_header.len(), 2, "table 三 starts on one page and continues on the next: {with_header:?}");
    let (a, b) = (with_header[0], with_header[1]);
    assert_eq!(b, a + 1);
    // The continuation page starts with the header, then rows not printed on the first page.
    let cont = &pdf.pages[b];
    assert!(cont.starts_with(note) || cont.find(note) < cont.find("四、结转下年度继续办理"));
    assert!(cont.contains("申请人情况") && cont.contains("法人或其他组织"));
    assert!(cont.contains("四、结转下年度继续办理"));
    assert!(!pdf.pages[a].contains("四、结转下年度继续办理"));
    // The header never stands alone: the first page has body rows too.
    assert!(pdf.pages[a].contains("一、本年新收政府信息公开申请数量"));
}

#[test]
fn the_same_draft_gives_a_byte_identical_pdf() {
    let report = fixture("hangzhou-2021.csv");
    let form = report.form().unwrap();
    let a = export(&report, &form, &PdfOptions::default()).unwrap().bytes;
    let b = export(&report, &form, &PdfOptions::default()).unwrap().bytes;
    assert!(a == b, "two exports differ");
    let mut other = report.clone();
    other.set_cell("t3.new.np", "13613");
    let c = export(&other, &form, &PdfOptions::default()).unwrap().bytes;
    assert!(a != c);
    let info = parse(&a);
    let date =
        info.doc.trailer.get(b"Info").and_then(|i| i.as_reference()).and_then(|r| info.doc.get_dictionary(r)).unwrap();
    let created = date.get(b"CreationDate").unwrap().as_str().unwrap();
    assert!(String::from_utf8_lossy(created).starts_with("D:20220125"), "the 落款 date of the draft");
}

#[test]
fn errors_put_a_draft_mark_on_every_page_unless_exported_as_final() {
    let mut report = fixture("hangzhou-2021.csv");
    report.set_cell("t3.new.np", "1");
    let (out, pdf) = export_pdf(&report, false);
    assert!(out.draft_mark);
    // On every page as a marked artifact drawn as shapes: never in the copied or extracted text.
    for (no, &id) in pdf.doc.get_pages().values().enumerate() {
        let content = String::from_utf8_lossy(&pdf.doc.get_page_content(id)).into_owned();
        assert!(content.contains("/Watermark"), "page {} has the mark", no + 1);
    }
    assert!(!all_text(&pdf).contains("草稿"), "regression: the watermark came out in extracted text");
    assert!(out.warnings.iter().any(|w| w.contains("草稿")));
    let (out, pdf) = export_pdf(&report, true);
    assert!(!out.draft_mark);
    for &id in pdf.doc.get_pages().values() {
        assert!(!String::from_utf8_lossy(&pdf.doc.get_page_content(id)).contains("/Watermark"));
    }
}

#[test]
fn blank_cells_are_printed_blank_with_a_warning_or_as_zero_when_chosen() {
    let mut report = fixture("ximeng-2021.csv");
    let (out, _) = export_pdf(&report, false);
    assert!(out.warnings.iter().any(|w| w.contains("未填写")), "{:?}", out.warnings);
    report.options.blank_as_zero = true;
    let (out, _) = export_pdf(&report, false);
    assert!(!out.warnings.iter().any(|w| w.contains("未填写")));
}

#[test]
fn landscape_table4_gets_its_own_page() {
    let mut report = fixture("hangzhou-2021.csv");
    let (portrait, _) = export_pdf(&report, false);
    report.options.landscape_table4 = true;
    let (landscape, pdf) = export_pdf(&report, false);
    let page = pdf.pages.iter().position(|p| p.contains("四、政府信息公开行政复议、行政诉讼情况")).unwrap();
    assert!(pdf.pages[page].contains("复议后起诉") && pdf.pages[page].contains("790"));
    assert!(!pdf.pages[page].contains("五、存在的主要问题及改进情况"), "the table has the page to itself");
    assert!(landscape.pages >= portrait.pages);
}

#[test]
fn a_character_no_font_has_is_reported_before_export() {
    let mut report = fixture("hangzhou-2021.csv");
    report.sections.insert("s5".into(), "存在问题：𠀾𠁀等生僻字。".into());
    let form = report.form().unwrap();
    match export(&report, &form, &PdfOptions::default()) {
        Err(PdfError::MissingGlyphs(list)) => {
            assert!(list[0].contains("𠀾"), "{list:?}");
            assert!(list[0].contains("正文"), "{list:?}");
        }
        other => panic!("expected a missing-glyph error, got {:?}", other.map(|o| o.pages)),
    }
}

#[test]
fn a_user_font_that_cannot_be_read_is_a_clear_error() {
    let report = fixture("hangzhou-2021.csv");
    let form = report.form().unwrap();
    let mut opts = PdfOptions::default();
    opts.fonts.insert("正文".into(), "/nonexistent/simfang.ttf".into());
    let err = export(&report, &form, &opts).unwrap_err().to_string();
    assert!(err.contains("无法读取字体文件"), "{err}");
}

#[test]
fn a_chosen_font_file_is_used_for_its_role_and_missing_glyphs_fall_back() {
    let report = fixture("hangzhou-2021.csv");
    let form = report.form().unwrap();
    // Body text in the sans face, as an office would point 正文 at an installed file.
    let sans = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSansSC-Regular-subset.ttf");
    let mut opts = PdfOptions::default();
    opts.fonts.insert("正文".into(), sans);
    let out = export(&report, &form, &opts).unwrap();
    let pdf = parse(&out.bytes);
    let names: Vec<String> = fonts(&pdf).into_iter().map(|f| f.0).collect();
    assert_eq!(names.len(), 5, "the chosen file is embedded as its own subset: {names:?}");
    assert_eq!(names.iter().filter(|n| n.ends_with("+NotoSansSC-Regular")).count(), 2, "{names:?}");

    // A Latin-only font (where the system has one): the Chinese falls back to the bundled face.
    let latin = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf");
    if latin.is_file() {
        let mut opts = PdfOptions::default();
        opts.fonts.insert("正文".into(), latin.to_path_buf());
        let out = export(&report, &form, &opts).expect("falls back instead of failing");
        let text = all_text(&parse(&out.bytes));
        assert!(text.contains("本年度报告根据《中华人民共和国政府信息公开条例》"));
    }
}

#[test]
fn regression_the_pdf_claims_no_pdfx_and_says_its_language() {
    let report = fixture("hangzhou-2021.csv");
    let (_, pdf) = export_pdf(&report, false);
    let info = pdf.doc.trailer.get(b"Info").and_then(|i| i.as_reference()).unwrap();
    let info = pdf.doc.get_dictionary(info).unwrap();
    assert!(!info.has(b"GTS_PDFXVersion"), "an empty GTS_PDFXVersion made pdfinfo report PDF/X");
    let catalog = pdf.doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"zh-CN");
    // Written by printpdf, as PDF 1.7 (printpdf states 1.3).
    assert_eq!(pdf.doc.version, "1.7");
    let producer = info.get(b"Producer").unwrap().as_str().unwrap();
    let producer: Vec<u16> = producer[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
    assert!(String::from_utf16(&producer).unwrap().contains("printpdf"));
}

#[test]
fn regression_subset_tags_differ_when_the_glyph_sets_differ() {
    // Reports merged into one compiled PDF must not share a tag for different subsets.
    let a = fixture("hangzhou-2021.csv");
    let mut b = a.clone();
    b.sections.insert("s5".into(), "另有鑫淼犇骉等字。".into());
    let tags = |r: &Report| fonts(&export_pdf(r, false).1).into_iter().map(|f| f.0).collect::<Vec<_>>();
    let (ta, tb) = (tags(&a), tags(&b));
    let body = |t: &[String]| t.iter().find(|n| n.ends_with("+NotoSerifSC-Regular")).cloned().unwrap();
    assert_ne!(body(&ta), body(&tb), "different body subsets, different tags");
    assert_eq!(ta, tags(&a), "the same draft, the same tags");
}

#[test]
fn an_installed_official_font_is_found_by_family_name_and_embedded() {
    // A stand-in named 仿宋_GB2312 in a fonts folder, as an office's Windows or UOS has it.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fonts");
    let sources = FontSources::Dirs(vec![dir.clone()]);
    let found = nianbao::pdf::fonts::installed(&sources);
    let body = &found[&nianbao::pdf::fonts::Role::Body];
    assert!(["仿宋_GB2312", "FangSong_GB2312"].contains(&body.family.as_str()), "{body:?}");
    let report = fixture("hangzhou-2021.csv");
    let form = report.form().unwrap();
    let out = export_with(&report, &form, &PdfOptions::default(), &sources).unwrap();
    let pdf = parse(&out.bytes);
    let list = fonts(&pdf);
    let official = list.iter().find(|f| f.0.ends_with("+FangSong_GB2312-StandIn")).expect("embedded");
    assert!(official.1 && official.2, "embedded with ToUnicode: {official:?}");
    // What it lacks falls back to the bundled serif; the text is whole.
    assert!(all_text(&pdf).contains("本年度报告根据《中华人民共和国政府信息公开条例》"));
    // The settings dialog can say which face each role uses and where it was found.
    let set = nianbao::pdf::fonts::FontSet::resolve(&Default::default(), &sources).unwrap();
    let shown: Vec<String> = set.report.iter().map(|r| r.describe()).collect();
    assert!(shown[1].contains("GB2312（已安装：") && shown[1].contains("fangsong-standin.ttf"), "{shown:?}");
    assert!(shown.iter().any(|s| s.starts_with("年报楷体（内置）")), "{shown:?}");
    // The user's own choice still wins over the installed face.
    let mut opts = PdfOptions::default();
    opts.fonts.insert("正文".into(), Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSansSC-Regular-subset.ttf"));
    let set = nianbao::pdf::fonts::FontSet::resolve(&opts.fonts, &sources).unwrap();
    assert!(set.report[1].describe().starts_with("Noto Sans SC（自选："), "{:?}", set.report[1]);
}

#[test]
fn a_device_chosen_as_a_font_file_is_refused_without_hanging() {
    let report = fixture("hangzhou-2021.csv");
    let form = report.form().unwrap();
    let mut opts = PdfOptions::default();
    opts.fonts.insert("正文".into(), "/dev/zero".into());
    let err = export(&report, &form, &opts).unwrap_err().to_string();
    assert!(err.contains("不是普通文件"), "{err}");
}

#[test]
fn regression_a_missing_signature_date_warns_and_marks_the_draft_unless_left_for_hand_writing() {
    let mut report = fixture("hangzhou-2021.csv");
    report.signed_on = None;
    let (out, pdf) = export_pdf(&report, false);
    assert!(out.warnings.iter().any(|w| w.contains("成文日期")), "{:?}", out.warnings);
    assert!(out.draft_mark, "a 落款 without its date is not a finished document");
    assert!(!all_text(&pdf).contains("2022年1月"));
    report.options.date_by_hand = true;
    let (out, pdf) = export_pdf(&report, false);
    assert!(!out.warnings.iter().any(|w| w.contains("成文日期")), "{:?}", out.warnings);
    assert!(!out.draft_mark);
    assert!(all_text(&pdf).contains(report.unit.signing_name()));
}

#[test]
fn a_users_template_prints_its_extra_row() {
    assert!(nianbao::store::templates::load_dir(&crate::fixtures::user_templates()).1.is_empty());
    let mut r = Report::new("hubei-2021", 2025, "某某县商务局");
    r.set_cell("t2.other_docs.made", "3");
    let (_, pdf) = export_pdf(&r, true);
    assert!(all_text(&pdf).contains("其他主动公开文件"));
}

/// The outline's entries, depth first: (level, title, page number from 1).
fn outline(pdf: &Pdf) -> Vec<(u8, String, usize)> {
    let doc = &pdf.doc;
    let pages: std::collections::HashMap<lopdf::ObjectId, usize> =
        doc.get_pages().into_iter().map(|(no, id)| (id, no as usize)).collect();
    let title = |d: &lopdf::Dictionary| {
        let bytes = d.get(b"Title").unwrap().as_str().unwrap();
        let units: Vec<u16> = bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16(&units).unwrap()
    };
    fn walk(
        doc: &lopdf::Document,
        first: Option<lopdf::ObjectId>,
        level: u8,
        pages: &std::collections::HashMap<lopdf::ObjectId, usize>,
        title: &dyn Fn(&lopdf::Dictionary) -> String,
        out: &mut Vec<(u8, String, usize)>,
    ) {
        let mut next = first;
        while let Some(id) = next {
            let d = doc.get_dictionary(id).unwrap();
            let dest = d.get(b"Dest").unwrap().as_array().unwrap();
            let page = pages[&dest[0].as_reference().unwrap()];
            out.push((level, title(d), page));
            walk(doc, d.get(b"First").and_then(|o| o.as_reference()).ok(), level + 1, pages, title, out);
            next = d.get(b"Next").and_then(|o| o.as_reference()).ok();
        }
    }
    let root = doc.catalog().unwrap().get(b"Outlines").unwrap().as_reference().unwrap();
    let first = doc.get_dictionary(root).unwrap().get(b"First").and_then(|o| o.as_reference()).ok();
    let mut out = Vec::new();
    walk(doc, first, 1, &pages, &title, &mut out);
    out
}

#[test]
fn the_outline_lists_the_six_sections_with_their_tables_in_order_each_going_to_its_page() {
    let report = fixture("hangzhou-2021.csv");
    let (_, pdf) = export_pdf(&report, false);
    let entries = outline(&pdf);
    let shown: Vec<(u8, &str)> = entries.iter().map(|(l, t, _)| (*l, t.as_str())).collect();
    assert_eq!(
        shown,
        [
            (1, "一、总体情况"),
            (1, "二、主动公开政府信息情况"),
            (2, "表二"),
            (1, "三、收到和处理政府信息公开申请情况"),
            (2, "表三"),
            (1, "四、政府信息公开行政复议、行政诉讼情况"),
            (2, "表四"),
            (1, "五、存在的主要问题及改进情况"),
            (1, "六、其他需要报告的事项"),
        ]
    );
    for (level, title, page) in &entries {
        let wanted = if *level == 1 { title.as_str() } else { "本年新收" };
        if *level == 1 || title == "表三" {
            assert!(pdf.pages[page - 1].contains(wanted), "{title} on page {page}");
        }
    }
    // The annex is an entry of its own.
    let (_, pdf) = export_pdf(&fixture("seed-2019.csv"), false);
    let entries = outline(&pdf);
    let annex = entries.iter().find(|e| e.1.starts_with("附件：")).expect("the annex in the outline");
    assert!(pdf.pages[annex.2 - 1].starts_with("附件"), "{annex:?}");
}

#[test]
fn regression_nine_and_ten_digit_figures_turn_a_portrait_table_four_landscape_with_a_notice() {
    let mut report = fixture("hangzhou-2021.csv");
    report.options.landscape_table4 = false;
    let form = report.form().unwrap();
    for ix in form.cells.iter().enumerate().filter(|(_, c)| c.id.starts_with("t4.") && c.is_input()).map(|(i, _)| i) {
        report.set_cell(&form.cells[ix].id.clone(), "1234567890");
    }
    let (out, pdf) = export_pdf(&report, true);
    // Ten digits do not fit even a landscape column at 小五: turned, and the notice says the size.
    let notice = out.warnings.iter().find(|w| w.contains("表四") && w.contains("横排")).expect("a notice");
    assert!(notice.contains("磅"), "{notice}");
    let page = pdf.pages.iter().position(|p| p.contains("复议后起诉")).unwrap();
    let geom = crate::pdfgeom::pages(&pdf.doc);
    let turned = geom[page].glyphs.iter().filter(|g| !g.artifact).all(|g| (g.end.0 - g.start.0).abs() < 0.01);
    assert!(turned, "表四 set landscape");
    // Its figures are printed whole, half again as large as in the portrait table (4.3 pt); a
    // turned glyph's box is as wide as its size.
    assert!(pdf.pages[page].contains("1234567890"));
    let smallest = geom[page]
        .glyphs
        .iter()
        .filter(|g| g.ch.is_ascii_digit())
        .map(|g| g.bbox[2] - g.bbox[0])
        .fold(f32::MAX, f32::min);
    assert!(smallest >= 6.5, "figures set in {smallest} pt");
    // Nine digits fit the landscape table at 六号: turned, with the notice that says so only.
    for ix in form.cells.iter().enumerate().filter(|(_, c)| c.id.starts_with("t4.") && c.is_input()).map(|(i, _)| i) {
        report.set_cell(&form.cells[ix].id.clone(), "123456789");
    }
    let (out, _) = export_pdf(&report, true);
    assert!(out.warnings.iter().any(|w| w.contains("已改为横排单独成页")), "{:?}", out.warnings);
    // Figures that fit leave table 四 where it was, with no notice.
    let (out, _) = export_pdf(&fixture("hangzhou-2021.csv"), true);
    assert!(!out.warnings.iter().any(|w| w.contains("横排")), "{:?}", out.warnings);
}

#[test]
fn regression_table_three_split_prints_its_merged_label_in_every_piece_continued() {
    let mut checked = 0;
    for n in 0..14 {
        let mut report = fixture("hangzhou-2021.csv");
        let para = "本机关坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署。";
        report.sections.insert("s2".into(), vec![para; n].join("\n"));
        let (_, pdf) = export_pdf(&report, false);
        let pieces: Vec<usize> = (0..pdf.pages.len())
            .filter(|&i| {
                ["（一）予以公开", "（四）无法提供", "（六）其他处理", "（七）总计"]
                    .iter()
                    .any(|l| pdf.pages[i].contains(l))
            })
            .collect();
        if pieces.len() < 2 {
            continue;
        }
        checked += 1;
        assert!(pdf.pages[pieces[0]].contains("三、本年度办理结果"), "{n}: the first piece's label");
        for &p in &pieces[1..] {
            assert!(pdf.pages[p].contains("三、本年度办理结果（续）"), "{n}: page {} lacks the continued label", p + 1);
        }
    }
    assert!(checked >= 3, "the sweep split 三、本年度办理结果 in {checked} drafts");
}
