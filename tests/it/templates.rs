//! The built-in templates: they load, their grids are well formed, and every label is the
//! official wording character for character (spec §3, §4, §9).

use std::collections::BTreeSet;

use nianbao::model::Form;
use nianbao::model::form::{GridContent, unprinted_labels};
use nianbao::model::template::{BUILTIN, Role, Template};

fn form(id: &str) -> std::sync::Arc<Form> {
    Form::of(id, &[]).unwrap_or_else(|e| panic!("{id}: {e}"))
}

fn printed_cells(form: &Form, table: &str) -> Vec<String> {
    let t = form.table(table).expect("table");
    t.print
        .cells
        .iter()
        .filter_map(|c| match c.content {
            GridContent::Data(ix) => Some(form.cells[ix].id.clone()),
            GridContent::Fixed { .. } => None,
        })
        .collect()
}

fn data_rows(form: &Form, table: &str) -> BTreeSet<String> {
    printed_cells(form, table).iter().map(|id| id.split('.').nth(1).unwrap_or_default().to_string()).collect()
}

fn fixed_texts(form: &Form, table: &str) -> Vec<String> {
    form.table(table)
        .expect("table")
        .print
        .cells
        .iter()
        .filter_map(|c| match &c.content {
            GridContent::Fixed { text, role, .. } if *role != Role::Blank => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_builtin_template_loads_and_compiles() {
    // Every embedded file parses (a broken one would be missing from the ids).
    assert_eq!(Template::builtin_ids().len(), BUILTIN.len());
    for (file, _) in BUILTIN {
        let id = file.trim_end_matches(".ron");
        let t = Template::get(id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.id, id, "a built-in file is named after its id");
    }
    for id in ["gb2021", "gb2019"] {
        let f = Form::of(id, &["guizhou-annex".to_string()]).unwrap_or_else(|e| panic!("{e}"));
        assert!(f.table("gz").is_some());
        assert!(!f.rules.is_empty());
    }
}

#[test]
fn gb2021_table3_has_25_data_rows_by_7_columns() {
    let f = form("gb2021");
    let cells = printed_cells(&f, "t3");
    assert_eq!(cells.len(), 175);
    assert_eq!(data_rows(&f, "t3").len(), 25);
    let t3 = f.table("t3").unwrap();
    assert_eq!(t3.def.header_rows, 3);
    assert_eq!(t3.print.rows, 3 + 25);
    // The window adds four subtotal rows, the print never does.
    assert_eq!(t3.screen.rows, 3 + 25 + 4);
    assert!(cells.iter().all(|id| !id.contains(".sub_")));
}

#[test]
fn gb2019_table3_has_23_data_rows_by_7_columns() {
    let f = form("gb2019");
    assert_eq!(printed_cells(&f, "t3").len(), 161);
    assert_eq!(data_rows(&f, "t3").len(), 23);
    assert_eq!(f.table("t3").unwrap().screen.rows, 3 + 23 + 3);
}

#[test]
fn table4_has_15_cells_in_one_printed_row_in_both_formats() {
    for id in ["gb2021", "gb2019"] {
        let f = form(id);
        let t4 = f.table("t4").unwrap();
        assert_eq!(printed_cells(&f, "t4").len(), 15, "{id}");
        assert_eq!(t4.print.rows, 4, "{id}: three header rows and one data row");
        let totals: Vec<_> = ["rv", "ld", "lr"].iter().map(|g| f.cell(&format!("t4.{g}.total")).unwrap()).collect();
        assert!(totals.iter().all(|c| !c.is_input()));
    }
}

#[test]
fn table2_shapes() {
    let f = form("gb2021");
    assert_eq!(printed_cells(&f, "t2").len(), 10);
    assert_eq!(data_rows(&f, "t2").into_iter().collect::<Vec<_>>(), ["coe", "fee", "lic", "nds", "pen", "reg"]);
    assert!(f.cell("t2.fee.amount").unwrap().kind.is_money());
    let f = form("gb2019");
    assert_eq!(printed_cells(&f, "t2").len(), 22);
    assert_eq!(
        data_rows(&f, "t2").into_iter().collect::<Vec<_>>(),
        ["coe", "fee", "lic", "nds", "oms", "pen", "proc", "reg"]
    );
    for row in ["lic", "oms", "pen", "coe", "fee"] {
        let c = f.cell(&format!("t2.{row}.delta")).unwrap();
        assert_eq!(c.kind, nianbao::model::CellKind::Signed, "{row}: 本年增/减 is the only signed field");
    }
}

#[test]
fn computed_cells_are_exactly_the_totals() {
    let f = form("gb2021");
    let computed: BTreeSet<String> =
        f.cells.iter().filter(|c| !c.is_input() && !c.ui_only).map(|c| c.id.clone()).collect();
    let mut expected: BTreeSet<String> = BTreeSet::new();
    for row in data_rows(&f, "t3") {
        expected.insert(format!("t3.{row}.total"));
    }
    for col in ["np", "le_biz", "le_sci", "le_ngo", "le_law", "le_oth"] {
        expected.insert(format!("t3.r_total.{col}"));
    }
    for g in ["rv", "ld", "lr"] {
        expected.insert(format!("t4.{g}.total"));
    }
    assert_eq!(computed, expected);
}

/// Every printed text of table 三 (GB2021), copied from spec §4.2.
const T3_GB2021: &[&str] = &[
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "总计",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "（三）不予公开",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "（四）无法提供",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "（五）不予处理",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "（六）其他处理",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "（七）总计",
    "四、结转下年度继续办理",
];

#[test]
fn table3_labels_are_verbatim_and_in_order() {
    assert_eq!(fixed_texts(&form("gb2021"), "t3"), T3_GB2021);
    let gb2019: Vec<&str> = T3_GB2021
        .iter()
        .copied()
        .filter(|l| !l.starts_with("1.申请人") && !l.starts_with("2.申请人") && *l != "3.其他")
        .collect();
    assert_eq!(fixed_texts(&form("gb2019"), "t3"), gb2019);
}

#[test]
fn table3_group_spans_match_the_official_grid() {
    for (id, outcome_rows) in [("gb2021", 22), ("gb2019", 20)] {
        let f = form(id);
        let t3 = f.table("t3").unwrap();
        let span = |text: &str| {
            t3.print
                .cells
                .iter()
                .find(|c| matches!(&c.content, GridContent::Fixed { text: t, .. } if t == text))
                .map(|c| (c.row, c.col, c.rows, c.cols))
                .unwrap_or_else(|| panic!("{text}"))
        };
        assert_eq!(span("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"), (0, 0, 3, 3));
        assert_eq!(span("申请人情况"), (0, 3, 1, 7));
        assert_eq!(span("自然人"), (1, 3, 2, 1));
        assert_eq!(span("法人或其他组织"), (1, 4, 1, 5));
        assert_eq!(span("总计"), (1, 9, 2, 1));
        assert_eq!(span("一、本年新收政府信息公开申请数量"), (3, 0, 1, 3));
        assert_eq!(span("三、本年度办理结果"), (5, 0, outcome_rows, 1));
        assert_eq!(span("（三）不予公开"), (7, 1, 8, 1));
        assert_eq!(span("（四）无法提供"), (15, 1, 3, 1));
        assert_eq!(span("（五）不予处理"), (18, 1, 5, 1));
        assert_eq!(span("（七）总计").3, 2);
    }
    // On screen the groups grow to take in their subtotal row.
    let f = form("gb2021");
    let t3 = f.table("t3").unwrap();
    let group = t3
        .screen
        .cells
        .iter()
        .find(|c| matches!(&c.content, GridContent::Fixed { text, .. } if text == "（三）不予公开"))
        .unwrap();
    assert_eq!(group.rows, 9);
}

#[test]
fn table4_labels_are_verbatim() {
    let outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut expected = vec!["行政复议", "行政诉讼"];
    expected.extend(outcomes);
    expected.extend(["未经复议直接起诉", "复议后起诉"]);
    expected.extend(outcomes);
    expected.extend(outcomes);
    for id in ["gb2021", "gb2019"] {
        assert_eq!(fixed_texts(&form(id), "t4"), expected, "{id}");
    }
}

#[test]
fn table2_labels_are_verbatim() {
    let gb2021 = [
        "第二十条第（一）项",
        "信息内容",
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "规章",
        "行政规范性文件",
        "第二十条第（五）项",
        "信息内容",
        "本年处理决定数量",
        "行政许可",
        "第二十条第（六）项",
        "信息内容",
        "本年处理决定数量",
        "行政处罚",
        "行政强制",
        "第二十条第（八）项",
        "信息内容",
        "本年收费金额（单位：万元）",
        "行政事业性收费",
    ];
    assert_eq!(fixed_texts(&form("gb2021"), "t2"), gb2021);
    let items = ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"];
    let mut gb2019 = vec!["第二十条第（一）项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"];
    gb2019.extend(["规章", "规范性文件", "第二十条第（五）项"]);
    gb2019.extend(items);
    gb2019.extend(["行政许可", "其他对外管理服务事项", "第二十条第（六）项"]);
    gb2019.extend(items);
    gb2019.extend(["行政处罚", "行政强制", "第二十条第（八）项", "信息内容", "上一年项目数量", "本年增/减"]);
    gb2019.extend(["行政事业性收费", "第二十条第（九）项", "信息内容", "采购项目数量", "采购总金额", "政府集中采购"]);
    assert_eq!(fixed_texts(&form("gb2019"), "t2"), gb2019);
}

#[test]
fn section_headings_are_verbatim() {
    let headings = [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ];
    for id in ["gb2021", "gb2019"] {
        let t = Template::get(id).unwrap();
        let got: Vec<&str> = t.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(got, headings, "{id}");
    }
    let t = Template::get("gb2021").unwrap();
    let subs: Vec<&str> = t.sections[0].subsections.iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(
        subs,
        ["（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障"]
    );
    assert!(Template::get("gb2019").unwrap().sections[0].subsections.is_empty());
}

#[test]
fn every_data_label_is_a_printed_label() {
    for id in Template::builtin_ids() {
        for t in &Template::get(&id).unwrap().tables {
            assert!(unprinted_labels(t).is_empty(), "{id}/{}: {:?}", t.id, unprinted_labels(t));
        }
    }
}

#[test]
fn accessible_names_are_table_row_column_paths() {
    let f = form("gb2021");
    let path = |id: &str| f.cell_path(f.index[id]);
    assert_eq!(path("t3.new.np"), "表三/一、本年新收政府信息公开申请数量/自然人");
    assert_eq!(path("t3.r_deny_1.le_biz"), "表三/（三）不予公开/1.属于国家秘密/商业企业");
    assert_eq!(path("t4.ld.keep"), "表四/未经复议直接起诉/结果维持");
    assert_eq!(path("t2.fee.amount"), "表二/行政事业性收费/本年收费金额（单位：万元）");
    let mut names: Vec<String> = (0..f.cells.len()).map(|ix| f.cell_path(ix)).collect();
    let n = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), n, "accessible names must be unique");
}

#[test]
fn guizhou_annex_matches_spec_section_9() {
    let f = Form::of("gb2019", &["guizhou-annex".to_string()]).unwrap();
    let gz = f.table("gz").unwrap();
    assert_eq!(gz.cells.len(), 40);
    assert_eq!(&fixed_texts(&f, "gz")[..3], ["统 计 指 标", "单位", "统计数"]);
    let budget = f.cell("gz.budget.value").unwrap();
    assert!(budget.kind.is_money());
    assert_eq!(budget.type_rule, "GZ-06");
    assert!(f.cell("gz.sup_n.value").unwrap().allow_na);
    assert!(!f.cell("gz.staff.value").unwrap().allow_na);
    let texts = fixed_texts(&f, "gz");
    for unit in ["万元", "人次"] {
        assert!(texts.iter().any(|t| t == unit), "{unit}");
    }
}

/// Every backticked label of the domain spec's table definitions that names a row or column must
/// be in a template (the spec is copied into tests/fixtures/spec; a missing copy fails the test).
#[test]
fn labels_agree_with_the_domain_spec() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec/domain-spec.md");
    let spec = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let section = |from: &str, to: &str| {
        let a = spec.find(from).unwrap_or_else(|| panic!("{from}"));
        let b = spec[a..].find(to).map(|b| a + b).unwrap_or_else(|| panic!("{to}"));
        &spec[a..b]
    };
    let text = format!(
        "{}{}",
        section("## 4. Table definitions", "## 5. Validation rules"),
        section("## 9. Provincial supplementary table", "## 10. Test fixtures")
    );
    let mut all_texts: BTreeSet<String> = BTreeSet::new();
    for id in Template::builtin_ids() {
        let t = Template::get(&id).unwrap();
        for s in &t.sections {
            all_texts.insert(s.heading.clone());
        }
        for table in &t.tables {
            for r in &table.rows {
                for c in &r.cells {
                    all_texts.insert(c.text.clone());
                }
            }
        }
    }
    let mut missing = Vec::new();
    let mut checked = 0;
    for line in text.lines().filter(|l| l.starts_with('|')) {
        for (i, part) in line.split('`').enumerate() {
            let is_label = i % 2 == 1 && part.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            if is_label {
                checked += 1;
                if !all_texts.contains(part) {
                    missing.push(part.to_string());
                }
            }
        }
    }
    assert!(missing.is_empty(), "labels in the spec but not in any template: {missing:?}");
    assert!(checked > 120, "only {checked} labels found in the spec tables: is the extraction still right?");
}

#[test]
fn a_template_file_dropped_in_the_folder_is_a_format_like_the_built_in_ones() {
    let dir = crate::fixtures::user_templates();
    let (loaded, problems) = nianbao::store::templates::load_dir(&dir);
    assert_eq!(loaded, ["hubei-2021"]);
    assert!(problems.is_empty(), "{problems:?}");
    let form = Form::of("hubei-2021", &[]).unwrap();
    let cell = form.cell("t2.other_docs.made").expect("the extra row's cells");
    assert_eq!(form.cell_path(form.index["t2.other_docs.made"]), "表二/其他主动公开文件/本年制发件数");
    assert!(cell.is_input());
    // Loading the folder again (a second window) changes nothing; the built-in format still
    // serves its years.
    assert!(nianbao::store::templates::load_dir(&dir).1.is_empty());
    assert_eq!(Template::format_for_year(2025), "gb2021");
}

#[test]
fn a_broken_template_file_is_reported_with_its_line_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("坏.ron"), "(\n  id: \"bad\",\n  kind: Report\n  name: \"x\",\n)").unwrap();
    let base = include_str!("../../assets/templates/gb2021.ron");
    std::fs::write(dir.path().join("copy.ron"), base).unwrap();
    let (loaded, problems) = nianbao::store::templates::load_dir(dir.path());
    assert!(loaded.is_empty());
    assert_eq!(problems.len(), 2, "{problems:?}");
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(text[0].contains("copy.ron") && text[0].contains("与内置模板相同"), "{}", text[0]);
    assert!(text[1].contains("坏.ron") && text[1].contains("第4行"), "{}", text[1]);
    use nianbao::store::templates::TemplateFileError;
    assert!(matches!(problems[1].message, TemplateFileError::Parse { line: 4, .. }), "{:?}", problems[1]);
}

/// A rule naming a cell the template does not have is refused when the file is loaded, with the
/// typed reason (the rule and the cell), in the template's own words.
#[test]
fn a_template_whose_rule_names_an_unknown_cell_is_refused_with_the_rule_and_the_cell() {
    use nianbao::model::TemplateError;
    use nianbao::model::form::FormError;
    use nianbao::store::templates::TemplateFileError;
    let dir = tempfile::tempdir().unwrap();
    let base = include_str!("../../assets/templates/gb2021.ron")
        .replacen("id: \"gb2021\"", "id: \"mistyped-2021\"", 1)
        .replacen("left: [\"t3.new.{k}\", \"t3.carry_in.{k}\"]", "left: [\"t3.neww.{k}\", \"t3.carry_in.{k}\"]", 1);
    std::fs::write(dir.path().join("错字.ron"), base).unwrap();
    let (loaded, problems) = nianbao::store::templates::load_dir(dir.path());
    assert!(loaded.is_empty());
    let [p] = problems.as_slice() else { panic!("{problems:?}") };
    let TemplateFileError::Template(TemplateError::Form { id, source }) = &p.message else { panic!("{p:?}") };
    assert_eq!(id, "mistyped-2021");
    let FormError::InRule { rule, source } = &**source else { panic!("{source:?}") };
    assert_eq!(rule, "T3-01");
    assert_eq!(**source, FormError::UnknownCell("t3.neww.np".into()));
    assert_eq!(p.message.to_string(), "模板 mistyped-2021 有误：规则 T3-01：未知的单元格 t3.neww.np");
}
