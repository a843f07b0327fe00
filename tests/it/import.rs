//! Reading published reports: every fixture, from every producer, gives back every cell, the
//! year, the unit and the sections; what cannot be read is refused in Chinese.

use crate::import_util::*;
use nianbao::import::{self, ImportError, ImportOptions, NoteKind, SourceKind, Target, cell_note_key};
use nianbao::model::{Context, Date, check_report};

const ALL: &[&str] = &["t2", "t3", "t4"];
const T3_T4: &[&str] = &["t3", "t4"];

fn check_hangzhou(got: &import::Imported) {
    let (want, published) = expected("hangzhou-2021.csv");
    assert_eq!(got.report.template, "gb2021");
    assert_eq!(got.report.year, 2021);
    assert_eq!(got.report.unit.name, "杭州市人民政府办公厅");
    assert_eq!(got.report.unit.signature, "杭州市人民政府办公厅");
    assert_eq!(got.report.signed_on, Date::new(2022, 1, 25));
    assert_cells(got, &want, &published, ALL);
    assert_sections(got, &want);
    let opening = got.report.options.opening_text.as_deref().unwrap_or("");
    assert!(opening.contains("统计期限自2021年1月1日起至2021年12月31日止"), "{opening}");
}

fn check_shanghai(got: &import::Imported) {
    let (want, published) = expected("published/shanghai-2019-report.csv");
    assert_eq!(got.report.template, "gb2019");
    assert_eq!(got.report.year, 2019);
    assert_eq!(got.report.unit.name, "上海市人民政府办公厅");
    assert_eq!(got.report.signed_on, Date::new(2020, 1, 31));
    assert_cells(got, &want, &published, T3_T4);
    assert_sections(got, &want);
}

#[test]
fn a_word_pasted_cms_page_gives_back_every_cell_the_text_and_the_note_beside_a_number() {
    let got = import(&fixture("published/hangzhou-2021-word.html"));
    assert_eq!(got.kind, SourceKind::Html);
    check_hangzhou(&got);
    assert_eq!(got.report.explanations.get(&cell_note_key("t2.nds.made")).map(String::as_str), Some("其中修订3件"));
    assert!(
        got.notes.iter().any(|n| n.kind == NoteKind::NoteKept && n.target == Some(Target::Cell("t2.nds.made".into()))),
        "{}",
        notes(&got)
    );
    assert_eq!(got.report.unit.website, "", "the page's links are chrome, not the unit's website");
}

#[test]
fn a_gbk_page_inside_cms_chrome_with_empty_merged_cells_a_typo_and_half_width_brackets() {
    let got = import(&fixture("published/shanghai-2019-gbk.html"));
    check_shanghai(&got);
    for s in got.report.sections.values() {
        assert!(!s.contains("版权所有") && !s.contains("分享到") && !s.contains("字体"), "{s}");
    }
}

#[test]
fn an_official_template_filled_by_python_docx_with_merges_and_content_controls() {
    let got = import(&fixture("published/hangzhou-2021-template.docx"));
    assert_eq!(got.kind, SourceKind::Docx);
    check_hangzhou(&got);
    assert!(!got.report.sections.values().any(|s| s.contains("单击或点击此处输入文字")), "a placeholder is not text");
}

#[test]
fn a_libreoffice_pdf_of_the_word_file() {
    let got = import(&fixture("published/hangzhou-2021-libreoffice.pdf"));
    assert_eq!(got.kind, SourceKind::Pdf);
    check_hangzhou(&got);
}

/// The app's own PDF (printpdf: Identity-H fonts with ToUnicode), exported afresh.
#[cfg(feature = "pdf")]
#[test]
fn a_pdf_with_identity_h_fonts_and_table_three_split_across_pages() {
    let (report, _) = expected("hangzhou-2021.csv");
    let form = report.form().unwrap();
    let pdf =
        nianbao::pdf::export(&report, &form, &nianbao::pdf::PdfOptions { final_export: true, ..Default::default() })
            .expect("export");
    assert!(pdf.pages >= 3, "{}", pdf.pages);
    let got = import::read_bytes(&pdf.bytes, None, &ImportOptions::default()).expect("import");
    check_hangzhou(&got);
}

#[test]
fn a_pdf_whose_cid_font_has_no_to_unicode_map_is_read_through_its_cmap() {
    let got = import(&fixture("published/shanghai-2019-reportlab.pdf"));
    check_shanghai(&got);
}

#[test]
fn text_copied_one_cell_per_line() {
    let got = import(&fixture("published/shanghai-2019-pasted.txt"));
    assert_eq!(got.kind, SourceKind::Text);
    check_shanghai(&got);
}

#[test]
fn text_copied_as_tab_separated_rows() {
    check_hangzhou(&import(&fixture("published/hangzhou-2021-tabs.txt")));
}

#[test]
fn text_pasted_as_pipe_rows() {
    check_hangzhou(&import(&fixture("published/hangzhou-2021-pipes.txt")));
}

#[test]
fn the_seed_report_as_cms_page_docx_and_pdf() {
    let (want, published) = expected("seed-2019.csv");
    for name in ["seed-2019.html", "seed-2019.docx", "seed-2019.pdf"] {
        let got = import(&published_file(name));
        assert_eq!((got.report.template.as_str(), got.report.year), ("gb2019", 2019), "{name}");
        assert_eq!(got.report.unit.name, "兴义市应急管理局", "{name}");
        assert_eq!(got.report.signed_on, Date::new(2020, 1, 19), "{name}");
        // LibreOffice's PDF of the seed cuts 表三's 总计 column off the page edge.
        let printed = if name.ends_with(".pdf") { Default::default() } else { published.clone() };
        assert_cells(&got, &want, &printed, ALL);
        assert_eq!(got.report.section("s6").lines().next(), Some("无。"), "{name}: {}", notes(&got));
        assert!(got.report.section("s5").contains("部分主动公开的信息内容还不够及时全面"), "{name}");
    }
}

#[test]
fn checking_an_imported_page_lists_its_real_inconsistencies_and_a_clean_one_none() {
    let clean = import(&fixture("published/hangzhou-2021-word.html"));
    let form = clean.report.form().unwrap();
    let ctx = Context { today: None, published: clean.published.clone(), ..Default::default() };
    let (_, findings) = check_report(&form, &clean.report, &ctx);
    let errors: Vec<_> = findings.iter().filter(|f| f.severity == nianbao::model::Severity::E).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(!findings.iter().any(|f| f.rule.starts_with("TX")), "{findings:#?}");

    // Shanghai left most totals blank (spec §7, error class 1).
    let sh = import(&fixture("published/shanghai-2019-gbk.html"));
    let form = sh.report.form().unwrap();
    let ctx = Context { today: None, published: sh.published.clone(), ..Default::default() };
    let (_, findings) = check_report(&form, &sh.report, &ctx);
    let blank_totals = findings.iter().filter(|f| f.rule == "T3-03" && f.message.contains("空白")).count();
    assert!(blank_totals >= 10, "{findings:#?}");
}

fn html_report(body: &str) -> Vec<u8> {
    format!(
        "<html><body><p>测试局2023年政府信息公开工作年度报告</p><p>一、总体情况</p>{body}\
         <p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>\
         <table><tr><td colspan=3>一、本年新收政府信息公开申请数量</td><td>5</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>5</td></tr>\
         <tr><td colspan=3>二、上年结转政府信息公开申请数量</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>\
         <tr><td rowspan=2>三、本年度办理结果</td><td colspan=2>（一）予以公开</td><td>5</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>5</td></tr>\
         <tr><td colspan=2>（六）其他处理</td><td>2</td><td></td><td>/</td><td>—</td><td>无</td><td>0</td><td>2</td></tr>\
         <tr><td colspan=3>四、结转下年度继续办理</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr></table>\
         <p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p><p>无。</p>\
         <p>测试局</p><p>2024年1月20日</p></body></html>"
    )
    .into_bytes()
}

#[test]
fn a_single_other_handling_row_in_a_2021_report_goes_to_3_other_with_a_hint() {
    let got = import::read_bytes(&html_report(""), None, &ImportOptions::default()).unwrap();
    assert_eq!(got.report.template, "gb2021");
    assert_eq!(got.report.cell_text("t3.r_other_3.np"), "2");
    // The rows beside it are 0 where the single row printed a figure; blank and `/` stay.
    assert_eq!(got.report.cell_text("t3.r_other_1.np"), "0");
    assert_eq!(got.report.cell_text("t3.r_other_2.np"), "0");
    assert_eq!(got.report.cell_text("t3.r_other_1.le_biz"), "");
    assert_eq!(got.report.cell_text("t3.r_other_2.le_sci"), "/");
    let hint = got.notes.iter().find(|n| n.message.contains("（六）其他处理")).expect("a note");
    assert_eq!(hint.kind, NoteKind::Ambiguous);
    assert!(hint.message.contains("填0"), "{}", hint.message);
    assert_eq!(hint.target, Some(Target::Cell("t3.r_other_3.np".into())));
}

#[test]
fn blank_zero_and_placeholders_are_kept_as_printed() {
    let got = import::read_bytes(&html_report(""), None, &ImportOptions::default()).unwrap();
    let r = &got.report;
    assert_eq!(r.cell_text("t3.r_other_3.le_biz"), "", "blank stays blank");
    assert_eq!(r.cell_text("t3.r_other_3.le_sci"), "/");
    assert_eq!(r.cell_text("t3.r_other_3.le_ngo"), "—");
    assert_eq!(r.cell_text("t3.r_other_3.le_law"), "无");
    assert_eq!(r.cell_text("t3.r_other_3.le_oth"), "0", "0 stays 0");
    let form = r.form().unwrap();
    let (_, findings) =
        check_report(&form, r, &Context { today: None, published: got.published.clone(), ..Default::default() });
    assert!(
        findings.iter().any(|f| f.rule == "G-01" && f.cells == vec!["t3.r_other_3.le_sci".to_string()]),
        "{findings:#?}"
    );
}

#[test]
fn a_figure_in_the_text_that_contradicts_table_three_is_found_by_check() {
    let page = html_report("<p>（二）依申请公开</p><p>全年共收到政府信息公开申请6件，均按时答复。</p>");
    let got = import::read_bytes(&page, None, &ImportOptions::default()).unwrap();
    assert!(got.report.section("s1.2").contains("6件"), "{:?}", got.report.sections);
    let form = got.report.form().unwrap();
    let (_, findings) = check_report(
        &form,
        &got.report,
        &Context { today: None, published: got.published.clone(), ..Default::default() },
    );
    let tx: Vec<_> = findings.iter().filter(|f| f.rule == "TX-01").collect();
    assert_eq!(tx.len(), 1, "{findings:#?}");
    assert!(tx[0].message.contains("全年共收到政府信息公开申请6件"));
}

#[test]
fn flags_override_the_document() {
    let opts = ImportOptions { format: Some("gb2021".into()), year: Some(2022), unit: Some("另一个局".into()) };
    let got = import::read_bytes(&html_report(""), None, &opts).unwrap();
    assert_eq!((got.report.year, got.report.unit.name.as_str()), (2022, "另一个局"));
}

// ---------------------------------------------------------------------------------------------
// What cannot be read
// ---------------------------------------------------------------------------------------------

fn refuse(bytes: &[u8], name: &str) -> ImportError {
    match import::read_bytes(bytes, Some(std::path::Path::new(name)), &ImportOptions::default()) {
        Ok(_) => panic!("{name} was imported"),
        Err(e) => e,
    }
}

/// The first sector of an OLE compound file holding a stream of this name.
fn ole(stream: &str) -> Vec<u8> {
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.resize(512, 0);
    b.extend(stream.encode_utf16().flat_map(|u| u.to_le_bytes()));
    b.resize(2048, 0);
    b
}

#[test]
fn old_word_wps_excel_and_et_files_are_refused_with_what_to_do() {
    for (bytes, name) in [
        (ole("WordDocument"), "a.doc"),
        (ole("WordDocument"), "a.wps"),
        (ole("Workbook"), "a.xls"),
        (ole("Book"), "a.et"),
    ] {
        let e = refuse(&bytes, name);
        assert!(matches!(e, ImportError::Legacy(_)), "{name}: {e}");
        assert!(e.to_string().contains("请在WPS或Word中另存为.docx后再导入"), "{e}");
    }
    assert!(matches!(refuse(&ole("EncryptedPackage"), "a.docx"), ImportError::Encrypted));
}

fn zip_with(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in files {
        w.start_file(
            *name,
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn ofd_and_excel_workbooks_are_refused() {
    let e = refuse(&zip_with(&[("OFD.xml", b"<ofd:OFD/>")]), "a.ofd");
    assert!(matches!(e, ImportError::Ofd), "{e}");
    let e = refuse(&zip_with(&[("xl/workbook.xml", b"<workbook/>")]), "a.xlsx");
    assert!(matches!(e, ImportError::Workbook), "{e}");
}

#[test]
fn a_zip_bomb_inside_a_docx_stops_early() {
    let huge = vec![b' '; (nianbao::import::MAX_UNZIPPED_BYTES + 1024) as usize];
    let bomb = zip_with(&[("word/document.xml", &huge)]);
    assert!(bomb.len() < 1_000_000, "{}", bomb.len());
    assert!(matches!(refuse(&bomb, "a.docx"), ImportError::ZipBomb));
}

#[test]
fn a_scanned_pdf_without_text_is_refused_and_a_broken_one_too() {
    let e = refuse(&std::fs::read(fixture("published/scanned.pdf")).unwrap(), "a.pdf");
    assert!(matches!(e, ImportError::Scanned), "{e}");
    assert!(e.to_string().contains("此PDF没有文字层，可能是扫描件"));
    let e = refuse(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer << /Root 1 0 R >>\n%%EOF", "b.pdf");
    assert!(matches!(e, ImportError::Broken(_) | ImportError::Scanned), "{e}");
}

#[test]
fn an_encrypted_pdf_is_refused() {
    let e = refuse(&std::fs::read(fixture("published/encrypted.pdf")).unwrap(), "a.pdf");
    assert!(matches!(e, ImportError::Encrypted), "{e}");
}

#[test]
fn a_page_without_a_report_and_a_huge_file_are_refused() {
    let e = refuse(
        "<html><body><p>欢迎访问</p><table><tr><td>a</td><td>b</td></tr></table></body></html>".as_bytes(),
        "a.html",
    );
    assert!(matches!(e, ImportError::NoReport), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.pdf");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(60 * 1024 * 1024).unwrap();
    let e = import::read_file(&path, &ImportOptions::default()).unwrap_err();
    assert!(matches!(e, ImportError::TooLarge { .. }), "{e}");
}

#[test]
fn detection_is_by_content_not_by_name() {
    let page = std::fs::read(fixture("published/hangzhou-2021-word.html")).unwrap();
    assert_eq!(import::detect(&page, Some(std::path::Path::new("report.txt"))), Some(SourceKind::Html));
    let pdf = std::fs::read(published_file("seed-2019.pdf")).unwrap();
    assert_eq!(import::detect(&pdf, Some(std::path::Path::new("report.html"))), Some(SourceKind::Pdf));
    let docx = std::fs::read(published_file("seed-2019.docx")).unwrap();
    assert_eq!(import::detect(&docx, None), Some(SourceKind::Docx));
}

#[test]
fn a_new_draft_rolls_over_from_last_years_published_page() {
    let next = nianbao::store::rollover_from_file(&fixture("published/hangzhou-2021-word.html"), None, None, None)
        .expect("roll-over");
    assert_eq!((next.year, next.template.as_str()), (2022, "gb2021"));
    assert_eq!(next.unit.name, "杭州市人民政府办公厅");
    // 上年结转 = last year's 结转下年度继续办理 (783 natural persons).
    assert_eq!(next.cell_text("t3.carry_in.np"), "783");
}

// ---------------------------------------------------------------------------------------------
// The command line: `import`, `new --from` and `check` on published reports (the real binary).
// ---------------------------------------------------------------------------------------------

mod command_line {
    use std::ffi::OsStr;

    use crate::import_util::fixture;
    use crate::run::{message_problem, nianbao, stderr, stdout};

    #[test]
    fn import_a_published_word_file_writes_a_draft_and_lists_the_import_report() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("草稿.ron");
        let docx = fixture("published/hangzhou-2021-template.docx");
        let o = nianbao(&[OsStr::new("import"), docx.as_os_str(), OsStr::new("-o"), out.as_os_str()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("已从Word文档（.docx）导入2021年度（gb2021）"), "{text}");
        assert!(text.contains("导入报告：") && text.contains("[已识别]"), "{text}");
        // The temporary folder's name is the test's, not a message.
        assert_eq!(message_problem(&text.replace(&dir.path().display().to_string(), "")), None);
        let draft = nianbao::store::draft::load(&out).expect("the draft reads back");
        assert_eq!(draft.unit.name, "杭州市人民政府办公厅");
        assert_eq!(draft.cell_text("t3.carry_out.np"), "783");
    }

    #[test]
    fn import_json_lists_the_notes_with_their_targets() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("d.ron");
        let page = fixture("published/shanghai-2019-gbk.html");
        let o =
            nianbao(&[OsStr::new("import"), page.as_os_str(), OsStr::new("--json"), OsStr::new("-o"), out.as_os_str()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let notes: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        assert!(notes.as_array().is_some_and(|a| !a.is_empty()), "{notes}");
        assert!(out.exists());
    }

    #[test]
    fn a_scanned_pdf_is_refused_in_chinese_with_exit_2_and_no_draft() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("d.ron");
        let pdf = fixture("published/scanned.pdf");
        let o = nianbao(&[OsStr::new("import"), pdf.as_os_str(), OsStr::new("-o"), out.as_os_str()]);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(err.contains("扫描件"), "{err}");
        assert!(!out.exists());
    }

    #[test]
    fn new_from_last_years_published_pdf_carries_the_figures_over() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("2022.ron");
        let pdf = fixture("published/hangzhou-2021-libreoffice.pdf");
        let o = nianbao(&[OsStr::new("new"), OsStr::new("--from"), pdf.as_os_str(), OsStr::new("-o"), out.as_os_str()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let next = nianbao::store::draft::load(&out).expect("draft");
        assert_eq!(next.year, 2022);
        assert_eq!(next.cell_text("t3.carry_in.np"), "783");
    }

    #[test]
    fn check_reads_a_published_page_and_compares_its_printed_totals() {
        let page = fixture("published/hangzhou-2021-word.html");
        let o = nianbao(&[OsStr::new("check"), page.as_os_str()]);
        let text = stdout(&o);
        assert!(text.contains("2021年度"), "{text}");
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    }
}
