//! The checks evaluators apply to the text (issue 26), on real published reports: 与上年重复率
//! (RP), headings (HD), wording (WD), a rule pack (the 武威 2025 example shipped in
//! assets/rulepacks), and the command line's `check --prev` / `--prev-dir`.

use std::path::{Path, PathBuf};

use nianbao::model::rollover::roll_over;
use nianbao::model::rulepack::{RulePack, RulePacks};
use nianbao::model::{Context, Date, Finding, Form, Report, Severity, check_report};
use nianbao::workflow;

use crate::import_util::{import, published_file};
use crate::run::{nianbao, stderr, stdout};

const WUWEI: &str = include_str!("../../assets/rulepacks/wuwei-2025.ron");

fn check(r: &Report, form: &Form) -> Vec<Finding> {
    let ctx = Context { today: Some(Date::new(2030, 1, 20).unwrap()), ..Default::default() };
    check_report(form, r, &ctx).1
}

fn findings(r: &Report) -> Vec<Finding> {
    check(r, &r.form().unwrap())
}

/// Every finding for a file as `check` reads it (a published file with its printed headings).
fn file_findings(path: &Path) -> Vec<Finding> {
    let opened = workflow::read(path, &Default::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let form = opened.report.form().unwrap();
    workflow::check(&opened, &form, None)
}

fn by_rule<'a>(f: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    f.iter().filter(|x| x.rule == rule).collect()
}

/// The seed report (兴义市应急管理局 2019, as published on its CMS page).
fn seed() -> Report {
    import(&published_file("seed-2019.html")).report
}

/// The seed report rolled over to 2020, its texts as given.
fn rolled_over_with(texts: impl Fn(&str, &str) -> String) -> Report {
    let last = seed();
    let mut now = roll_over(&last, 2020, "gb2019").unwrap();
    for (k, t) in &last.sections {
        now.sections.insert(k.clone(), texts(k, t));
    }
    now
}

#[test]
fn the_seed_report_rolled_over_with_its_text_unchanged_warns_of_repetition_rp_01_rp_02() {
    let now = rolled_over_with(|_, t| t.to_string());
    let f = findings(&now);
    let whole = by_rule(&f, "RP-02");
    assert_eq!(whole.len(), 1, "{f:#?}");
    assert_eq!(whole[0].severity, Severity::W);
    assert!(whole[0].message.starts_with("全文与上年（2019年度）报告重复100%，超过50%"), "{}", whole[0].message);
    assert!(whole[0].explainable(), "a warning can be explained (说明)");
    // Every section with text enough is named.
    let sections = by_rule(&f, "RP-01");
    assert!(sections.len() >= 4, "{sections:#?}");
    assert!(sections.iter().any(|x| x.message.contains("“一、总体情况”与上年")), "{sections:#?}");
    // The hint states every rate.
    let rates = by_rule(&f, "RP-03");
    assert_eq!(rates.len(), 1);
    assert_eq!(rates[0].severity, Severity::I);
    assert!(rates[0].message.contains("全文100%；一、总体情况100%"), "{}", rates[0].message);
}

#[test]
fn the_seed_report_with_two_thirds_rewritten_does_not_warn_of_repetition() {
    // Two thirds of every section replaced by another real report's text (上海, 2019), the last
    // third kept as it was.
    let sh = import(&published_file("shanghai-2019-gbk.html")).report;
    let hz = import(&published_file("hangzhou-2021-word.html")).report;
    let pool: Vec<char> = sh.sections.values().chain(hz.sections.values()).flat_map(|t| t.chars()).collect();
    let used = std::cell::Cell::new(0usize);
    let now = rolled_over_with(|_, t| {
        let chars: Vec<char> = t.chars().collect();
        let cut = chars.len() * 2 / 3;
        let start = used.get();
        used.set(start + cut);
        // (round the other reports' text again when the seed is longer)
        (start..start + cut).map(|i| pool[i % pool.len()]).chain(chars[cut..].iter().copied()).collect()
    });
    let f = findings(&now);
    assert!(by_rule(&f, "RP-01").is_empty(), "{:#?}", by_rule(&f, "RP-01"));
    assert!(by_rule(&f, "RP-02").is_empty(), "{:#?}", by_rule(&f, "RP-02"));
    let rates = by_rule(&f, "RP-03");
    assert_eq!(rates.len(), 1);
    let whole: u32 = rates[0].left.as_deref().unwrap().trim_end_matches('%').parse().unwrap();
    assert!((25..=40).contains(&whole), "about a third kept: {whole}%");
}

#[test]
fn a_published_report_missing_a_section_heading_is_one_s_01_error_not_also_a_heading_warning() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::fixtures::path("seed-report-2019.txt")).unwrap();
    assert!(text.contains("\n、其他需要报告的事项\n"));
    let path = dir.path().join("seed-without-six.txt");
    std::fs::write(&path, text.replace("\n、其他需要报告的事项\n", "\n")).unwrap();
    let f = file_findings(&path);
    let missing: Vec<_> = f.iter().filter(|x| x.message.contains("六、其他需要报告的事项")).collect();
    assert_eq!(missing.len(), 1, "said once: {f:#?}");
    assert_eq!(missing[0].rule, "S-01");
    assert_eq!(missing[0].severity, Severity::E);
    assert!(missing[0].message.starts_with("报告缺少“六、其他需要报告的事项”这一部分"), "{}", missing[0].message);
    // The unchanged file has all six.
    assert!(by_rule(&file_findings(&crate::fixtures::path("seed-report-2019.txt")), "S-01").is_empty());
}

#[test]
fn a_heading_printed_without_its_numeral_or_official_words_raises_hd_02() {
    let f = file_findings(&published_file("seed-2019.html"));
    let hd: Vec<&str> = by_rule(&f, "HD-02").iter().map(|x| x.message.as_str()).collect();
    assert!(hd.contains(&"标题“、其他需要报告的事项”应为“六、其他需要报告的事项”：缺少序号“六、”"), "{hd:#?}");
    assert!(hd.contains(&"标题“一、总体工作情况”应为“一、总体情况”：文字与统一格式不同"), "{hd:#?}");
    // A clean published report prints the official headings.
    assert!(by_rule(&file_findings(&published_file("hangzhou-2021-word.html")), "HD-02").is_empty());
}

#[test]
fn a_sub_item_written_as_a_top_level_heading_raises_hd_03() {
    let f = file_findings(&published_file("seed-2019.html"));
    let hd = by_rule(&f, "HD-03");
    assert_eq!(hd.len(), 1, "{f:#?}");
    assert!(hd[0].message.contains("“、信息公开工作中创新方式方法及举措情况”写成了一级标题"), "{}", hd[0].message);
    let mut r = nianbao::model::rollover::roll_over(&seed(), 2020, "gb2019").unwrap();
    r.sections.insert("s5".into(), "（一）存在的问题\n公开内容不够全面。\n二、改进措施\n加强培训。".into());
    let f = findings(&r);
    let hd = by_rule(&f, "HD-03");
    assert_eq!(hd.len(), 1, "{f:#?}");
    assert!(hd[0].message.contains("“二、改进措施”写成了一级标题"), "{}", hd[0].message);
}

#[test]
fn an_empty_skipped_or_restarted_subheading_number_raises_hd_04() {
    // The seed report prints `()机构人员和经费保障的情况` and four more empty numbers.
    let f = file_findings(&published_file("seed-2019.html"));
    let hd = by_rule(&f, "HD-04");
    assert_eq!(hd.len(), 1, "{f:#?}");
    assert!(hd[0].message.contains("序号为空，应为“（四）”，另有4处"), "{}", hd[0].message);
    let mut r = roll_over(&seed(), 2020, "gb2019").unwrap();
    r.sections.insert("s5".into(), "（一）存在的问题\n不够全面。\n（三）改进措施\n加强培训。".into());
    let hd = by_rule(&findings(&r), "HD-04").into_iter().cloned().collect::<Vec<_>>();
    assert_eq!(hd.len(), 1);
    assert!(hd[0].message.contains("跳过了序号，“（三）”应为“（二）”"), "{}", hd[0].message);
}

#[test]
fn ascii_punctuation_in_chinese_sentences_raises_wd_01_and_normalizing_clears_it() {
    let r = seed();
    let f = findings(&r);
    let wd = by_rule(&f, "WD-01");
    assert!(wd.len() >= 6, "{wd:#?}");
    assert!(wd.iter().all(|x| x.fix == Some(nianbao::model::rules::Fix::NormalizePunctuation)));
    assert!(wd[0].message.contains("标点规范化"));
    let mut fixed = r.clone();
    for t in fixed.sections.values_mut() {
        *t = nianbao::model::punct::normalize(t);
    }
    if let Some(t) = fixed.options.opening_text.as_mut() {
        *t = nianbao::model::punct::normalize(t);
    }
    assert!(by_rule(&findings(&fixed), "WD-01").is_empty());
    // Numbers, dates and web addresses keep their ASCII marks.
    let mut ok = r.clone();
    ok.sections.insert("s6".into(), "共1,234件，网址http://www.xyx.gov.cn，时间2020-01-19。".into());
    let f = findings(&ok);
    assert!(!by_rule(&f, "WD-01").iter().any(|x| x.message.contains("六、")), "{f:#?}");
}

/// A real report (杭州 2021) with one sentence of its 五 changed.
fn hangzhou_with_s5(text: &str) -> Report {
    let mut r = crate::fixtures::report("hangzhou-2021.csv");
    let s5 = format!("{text}{}", r.section("s5"));
    r.sections.insert("s5".into(), s5);
    r
}

#[test]
fn a_doubled_character_or_word_raises_wd_02() {
    assert!(by_rule(&findings(&hangzhou_with_s5("")), "WD-02").is_empty());
    let f = findings(&hangzhou_with_s5("进一步加强政府信息的的管理，推进政务公开工作工作。"));
    let wd = by_rule(&f, "WD-02");
    assert_eq!(wd.len(), 1, "{f:#?}");
    assert!(wd[0].message.contains("“的的”重复") && wd[0].message.contains("另有1处"), "{}", wd[0].message);
}

#[test]
fn a_placeholder_left_in_the_text_raises_wd_03() {
    for (text, shown) in [
        ("本年度共举办培训XX次。", "XX"),
        ("由××科负责。", "××"),
        ("（此处填写专区数量）", "（此处填写专区数量）"),
        ("【】", "【】"),
    ] {
        let f = findings(&hangzhou_with_s5(text));
        let wd = by_rule(&f, "WD-03");
        assert_eq!(wd.len(), 1, "{text}: {f:#?}");
        assert!(wd[0].message.contains(&format!("占位文字“{shown}”")), "{}", wd[0].message);
    }
}

#[test]
fn a_year_from_another_report_period_raises_wd_04() {
    // The seed's text (“2019年,兴义市应急局…”) kept in the 2021 report.
    let last = seed();
    let mut r = roll_over(&last, 2021, "gb2021").unwrap();
    r.sections.insert("s5".into(), last.section("s5").to_string());
    r.sections.insert("s3".into(), last.section("s3").to_string());
    let f = findings(&r);
    let wd = by_rule(&f, "WD-04");
    assert!(!wd.is_empty(), "{f:#?}");
    assert!(wd[0].message.contains("2019年既不是报告年度（2021年）也不是上一年度"), "{}", wd[0].message);
    // Its own year, last year, a plan for next year and a document's title are fine.
    let ok = hangzhou_with_s5(
        "2021年，我局继续推进。2020年底前完成的事项已公开。2022年，我局将深化公开。依据《2018年政务公开工作要点》。",
    );
    assert!(by_rule(&findings(&ok), "WD-04").is_empty(), "{:#?}", by_rule(&findings(&ok), "WD-04"));
}

#[test]
fn all_applications_settled_while_some_carry_over_raises_wd_05() {
    let r = hangzhou_with_s5("本年度收到的政府信息公开申请均已办结。");
    assert!(r.form().is_ok());
    let f = findings(&r);
    let wd = by_rule(&f, "WD-05");
    assert_eq!(wd.len(), 1, "{f:#?}");
    assert!(wd[0].message.contains("说“均已办结”，但表三四、结转下年度“总计”(819)大于0"), "{}", wd[0].message);
    // With nothing carried over, the sentence is true.
    let mut none = r.clone();
    for c in ["np", "le_biz", "le_sci", "le_ngo", "le_law", "le_oth"] {
        none.set_cell(&format!("t3.carry_out.{c}"), "0");
    }
    assert!(by_rule(&findings(&none), "WD-05").is_empty());
}

#[test]
fn no_fees_stated_while_the_tables_show_fees_raises_wd_06_and_wd_07() {
    let mut r = hangzhou_with_s5("本机关未收取信息处理费。");
    r.set_cell("t6.collected.value", "0");
    assert!(by_rule(&findings(&r), "WD-06").is_empty(), "no fee in 表六 yet: {:#?}", by_rule(&findings(&r), "WD-06"));
    r.set_cell("t6.collected.value", "2");
    let f = findings(&r);
    assert_eq!(by_rule(&f, "WD-06").len(), 1, "{f:#?}");
    let mut n = hangzhou_with_s5("本机关不收取信息处理费。");
    n.set_cell("t6.collected.value", "0");
    n.set_cell("t6.notices.value", "0");
    for c in ["np", "le_biz", "le_sci", "le_ngo", "le_law", "le_oth"] {
        n.set_cell(&format!("t3.r_other_2.{c}"), "0");
    }
    assert!(by_rule(&findings(&n), "WD-07").is_empty());
    n.set_cell("t6.notices.value", "1");
    assert_eq!(by_rule(&findings(&n), "WD-07").len(), 1);
}

/// The 武威 pack applied to a report's form.
fn with_wuwei(r: &Report) -> Vec<Finding> {
    let mut packs = RulePacks::new();
    let forms: Vec<std::sync::Arc<Form>> = ["gb2019", "gb2021"].iter().map(|t| Form::of(t, &[]).unwrap()).collect();
    packs.add(RulePack::parse(WUWEI).unwrap(), &forms).unwrap();
    let mut form = r.form().unwrap();
    packs.apply(&mut form, r);
    check(r, &form)
}

/// 杭州's 2021 report as a 2025 report of a 武威 unit.
fn as_2025(r: &Report) -> Report {
    let mut r = r.clone();
    r.year = 2025;
    r.signed_on = Date::new(2026, 1, 20);
    r
}

#[test]
fn the_wuwei_pack_flags_a_general_section_over_a_thousand_characters_ww_01() {
    let r = as_2025(&crate::fixtures::report("hangzhou-2021.csv"));
    let n: usize = ["s1", "s1.1", "s1.2", "s1.3", "s1.4", "s1.5"]
        .iter()
        .map(|k| r.section(k).chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    let f = with_wuwei(&r);
    let ww = by_rule(&f, "WW-01");
    if n > 1000 {
        assert_eq!(ww.len(), 1, "{n}");
        assert!(ww[0].message.contains(&format!("共{n}字")), "{}", ww[0].message);
    } else {
        assert!(ww.is_empty());
    }
    let mut long = r.clone();
    long.sections.insert("s1".into(), "全面推进决策、执行、管理、服务、结果公开。".repeat(60));
    let f = with_wuwei(&long);
    let ww = by_rule(&f, "WW-01");
    assert_eq!(ww.len(), 1);
    assert_eq!(ww[0].severity, Severity::W);
    assert!(ww[0].message.contains("超过1000字的篇幅要求") && ww[0].message.ends_with("（武政办发〔2025〕54号）"));
    assert_eq!(ww[0].pack.as_deref(), Some("武政办发〔2025〕54号"));
    // Not a 2024 report: the pack applies from 2025.
    let mut old = long.clone();
    old.year = 2024;
    assert!(by_rule(&with_wuwei(&old), "WW-01").is_empty());
}

#[test]
fn the_wuwei_pack_names_each_count_the_general_section_does_not_state_ww_02() {
    let mut r = as_2025(&crate::fixtures::report("hangzhou-2021.csv"));
    r.sections.insert(
        "s1".into(),
        "2025年，我局在政府网站发布信息326条，通过政务微信公众号发布信息128条，发布政策解读12篇，\
         回应社会关切5次，公开重点领域信息86条。本机关无规章制定权。制发行政规范性文件3件，废止2件，\
         现行有效规范性文件15件。在便民服务中心设立政务公开专区2个。"
            .into(),
    );
    for k in ["s1.1", "s1.2", "s1.3", "s1.4", "s1.5"] {
        r.sections.insert(k.into(), String::new());
    }
    let f = with_wuwei(&r);
    let missing: Vec<&str> = by_rule(&f, "WW-02").iter().map(|x| x.message.as_str()).collect();
    assert_eq!(
        missing,
        [
            "“一、总体情况”没有写明政府公报刊发信息的数量。武威要求总体情况写明这一数量；如本单位没有这项工作，请写明“无”或填写说明（武政办发〔2025〕54号）",
            "“一、总体情况”没有写明公示栏（公开栏）公开信息的数量。武威要求总体情况写明这一数量；如本单位没有这项工作，请写明“无”或填写说明（武政办发〔2025〕54号）",
            "“一、总体情况”没有写明政府公报的期数。武威要求总体情况写明这一数量；如本单位没有这项工作，请写明“无”或填写说明（武政办发〔2025〕54号）",
        ]
    );
    // Each subject is explained by itself.
    let keys: std::collections::HashSet<&str> = by_rule(&f, "WW-02").iter().map(|x| x.key.as_str()).collect();
    assert_eq!(keys.len(), 3);
}

#[test]
fn a_report_signed_after_the_deadline_raises_ww_03() {
    let mut r = as_2025(&crate::fixtures::report("hangzhou-2021.csv"));
    assert!(by_rule(&with_wuwei(&r), "WW-03").is_empty());
    r.signed_on = Date::new(2026, 2, 3);
    let f = with_wuwei(&r);
    let ww = by_rule(&f, "WW-03");
    assert_eq!(ww.len(), 1, "{f:#?}");
    assert!(ww[0].message.contains("晚于报送和公开期限2026年1月31日"), "{}", ww[0].message);
}

#[test]
fn a_rule_pack_sets_its_own_repetition_threshold() {
    let pack = WUWEI.replace("repetition: None", "repetition: Some(20)");
    let mut packs = RulePacks::new();
    packs.add(RulePack::parse(&pack).unwrap(), &[Form::of("gb2021", &[]).unwrap()]).unwrap();
    // A third of last year's text kept: under 50%, over the pack's 20%.
    let last = as_2025(&crate::fixtures::report("hangzhou-2021.csv"));
    let mut last = last;
    last.year = 2024;
    let mut now = roll_over(&last, 2025, "gb2021").unwrap();
    let sh = import(&published_file("shanghai-2019-gbk.html")).report;
    let pool: String = sh.sections.values().cloned().collect();
    let pool: Vec<char> = pool.chars().collect();
    let mut at = 0;
    for (k, t) in &last.sections {
        let chars: Vec<char> = t.chars().collect();
        let cut = (chars.len() * 2 / 3).min(pool.len() - at);
        now.sections.insert(k.clone(), pool[at..at + cut].iter().chain(&chars[cut..]).collect());
        at += cut;
    }
    assert!(by_rule(&findings(&now), "RP-02").is_empty());
    let mut form = now.form().unwrap();
    packs.apply(&mut form, &now);
    let f = check(&now, &form);
    let rp = by_rule(&f, "RP-02");
    assert_eq!(rp.len(), 1, "{f:#?}");
    assert!(rp[0].message.contains("超过武政办发〔2025〕54号规定的20%"), "{}", rp[0].message);
}

/// A county check measures each report once: the summary's 与上年重复率 is the RP rules' figure,
/// with the threshold of a rule pack that applies (the form copied for it) or the template's.
#[test]
fn a_county_check_gives_the_rules_repetition_rate_and_a_rule_packs_threshold_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (now_dir, before) = (dir.path().join("2025"), dir.path().join("2024"));
    std::fs::create_dir_all(&now_dir).unwrap();
    std::fs::create_dir_all(&before).unwrap();
    let mut last = as_2025(&crate::fixtures::report("hangzhou-2021.csv"));
    last.year = 2024;
    last.unit.name = "某县甲局".into();
    let mut now = roll_over(&last, 2025, "gb2021").unwrap();
    // A third of last year's text kept: under the template's 50%, over the pack's 20%.
    let sh = import(&published_file("shanghai-2019-gbk.html")).report;
    let pool: Vec<char> = sh.sections.values().cloned().collect::<String>().chars().collect();
    let mut at = 0;
    for (k, t) in &last.sections {
        let chars: Vec<char> = t.chars().collect();
        let cut = (chars.len() * 2 / 3).min(pool.len() - at);
        now.sections.insert(k.clone(), pool[at..at + cut].iter().chain(&chars[cut..]).collect());
        at += cut;
    }
    now.reference = None;
    nianbao::store::save(&before.join("甲局2024.ron"), &last).unwrap();
    let path = now_dir.join("甲局.ron");
    nianbao::store::save(&path, &now).unwrap();
    let index = std::sync::Arc::new(nianbao::county::previous::Index::build(std::slice::from_ref(&before), 1));
    let opts = nianbao::county::CheckOptions { previous: Some(index), ..Default::default() };
    let plain = nianbao::county::check_file(&path, &opts);
    let plain = plain.checked().unwrap();
    let rep = plain.repetition.clone().unwrap();
    assert!(rep.percent > 20 && rep.percent < 50 && rep.threshold == 50 && !rep.over, "{rep:?}");
    assert!(rep.compared_with.ends_with("甲局2024.ron"), "{rep:?}");
    assert!(plain.findings.iter().all(|f| f.rule != "RP-02"));

    let pack = WUWEI.replace("repetition: None", "repetition: Some(20)");
    let mut packs = RulePacks::new();
    packs.add(RulePack::parse(&pack).unwrap(), &[Form::of("gb2021", &[]).unwrap()]).unwrap();
    let opts = nianbao::county::CheckOptions { packs: std::sync::Arc::new(packs), ..opts };
    let strict = nianbao::county::check_file(&path, &opts);
    let strict = strict.checked().unwrap();
    let same = strict.repetition.clone().unwrap();
    assert_eq!((same.percent, same.threshold, same.over), (rep.percent, 20, true), "{same:?}");
    let rp = strict.findings.iter().find(|f| f.rule == "RP-02").unwrap();
    assert_eq!(rp.left.as_deref(), Some(format!("{}%", rep.percent).as_str()), "{rp:?}");
    assert!(strict.pack_findings > 0);
}

#[test]
fn a_rule_pack_with_an_error_severity_or_a_bad_section_is_refused_with_its_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.ron"),
        WUWEI.replace("(id: \"WW-01\", severity: W", "(id: \"WW-01\", severity: E"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.ron"),
        WUWEI.replace("wuwei-2025", "b").replace("[\"s1\"], max", "[\"s9\"], max"),
    )
    .unwrap();
    let mut packs = RulePacks::new();
    let problems = nianbao::store::rulepacks::load_dir(dir.path(), &mut packs);
    assert!(packs.is_empty());
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].to_string().contains("规则 WW-01 的级别是错误（E）"), "{}", problems[0]);
    assert!(problems[1].to_string().contains("未知的正文部分 s9"), "{}", problems[1]);
}

fn draft_2020_of_seed(dir: &Path, texts: &str) -> PathBuf {
    let mut r = Report::new("gb2019", 2020, "兴义市应急管理局");
    let last = seed();
    for (k, t) in &last.sections {
        r.sections.insert(k.clone(), if texts == "same" { t.clone() } else { String::new() });
    }
    let path = dir.join("2020.ron");
    nianbao::store::save(&path, &r).unwrap();
    path
}

#[test]
fn check_with_prev_compares_with_last_years_published_report_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let draft = draft_2020_of_seed(dir.path(), "same");
    let prev = published_file("seed-2019.html");
    let o = nianbao(&["check".as_ref(), draft.as_os_str(), "--prev".as_ref(), prev.as_os_str()]);
    let text = stdout(&o);
    assert!(text.contains("RP-02 全文与上年（2019年度）报告重复100%，超过50%"), "{text}\n{}", stderr(&o));
    assert!(text.contains("RP-03 与上年（2019年度）报告的文字重复率：全文100%；一、总体情况100%"), "{text}");
    let o = nianbao(&["check".as_ref(), draft.as_os_str(), "--prev".as_ref(), prev.as_os_str(), "--json".as_ref()]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rp: Vec<&serde_json::Value> = json.as_array().unwrap().iter().filter(|f| f["rule"] == "RP-02").collect();
    assert_eq!(rp.len(), 1, "{json:#}");
    assert_eq!(rp[0]["left"], "100%");
    assert_eq!(rp[0]["right"], "50%");
    // The 审核清单 states the rates.
    let list = dir.path().join("审核清单.html");
    let o = nianbao(&[
        "check".as_ref(),
        draft.as_os_str(),
        "--prev".as_ref(),
        prev.as_os_str(),
        "-o".as_ref(),
        list.as_os_str(),
    ]);
    assert!(list.exists(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&list).unwrap();
    assert!(html.contains("与上年重复率") && html.contains("对照2019年度报告：全文100%"), "{html}");
    // Last year's report must be earlier.
    let o = nianbao(&["check".as_ref(), draft.as_os_str(), "--prev".as_ref(), draft.as_os_str()]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("所选报告是2020年度，不早于本报告（2020年度）"), "{}", stderr(&o));
}

#[test]
fn check_of_a_folder_with_prev_dir_lists_each_units_repetition_rates_and_flags_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (now, before) = (dir.path().join("2025"), dir.path().join("2024"));
    std::fs::create_dir_all(&now).unwrap();
    std::fs::create_dir_all(&before).unwrap();
    let hz = crate::fixtures::report("hangzhou-2021.csv");
    let sh = import(&published_file("shanghai-2019-gbk.html")).report;
    // 甲 copied last year's text; 乙 wrote a new one (上海's words); 丙 has no report last year.
    for (unit, copied) in [("某县甲局", true), ("某县乙局", false), ("某县丙局", true)] {
        let mut last = hz.clone();
        last.year = 2024;
        last.unit.name = unit.into();
        if unit != "某县丙局" {
            nianbao::store::save(&before.join(format!("{unit}2024.ron")), &last).unwrap();
        }
        let mut r = last.clone();
        r.year = 2025;
        r.signed_on = Date::new(2026, 1, 20);
        if !copied {
            let pool: String = sh.sections.values().cloned().collect::<Vec<_>>().join("\n");
            r.sections = hz.sections.keys().map(|k| (k.clone(), String::new())).collect();
            r.sections.insert("s1".into(), pool);
        }
        nianbao::store::save(&now.join(format!("{unit}.ron")), &r).unwrap();
    }
    let summary = dir.path().join("汇总表.html");
    let o = nianbao(&[
        "check".as_ref(),
        now.as_os_str(),
        "--prev-dir".as_ref(),
        before.as_os_str(),
        "--summary".as_ref(),
        summary.as_os_str(),
    ]);
    let text = stdout(&o);
    let line =
        |unit: &str| text.lines().find(|l| l.contains(unit)).unwrap_or_else(|| panic!("{unit}: {text}")).to_string();
    assert!(line("某县甲局").contains("与上年重复100%（超过50%）"), "{}", line("某县甲局"));
    // (another city's report shares only statutory phrases: 《中华人民共和国政府信息公开条例》…)
    assert!(
        line("某县乙局").contains("与上年重复") && !line("某县乙局").contains("（超过50%）"),
        "{}",
        line("某县乙局")
    );
    assert!(!line("某县丙局").contains("与上年重复"), "{}", line("某县丙局"));
    // 公开率 and 纠错率 from 杭州's tables: 纠错率 over 0 is flagged.
    assert!(line("某县甲局").contains("公开率"), "{}", line("某县甲局"));
    let html = std::fs::read_to_string(&summary).unwrap();
    for head in ["与上年重复率", "对照的上年报告", "公开率", "纠错率", "规则包问题"] {
        assert!(html.contains(&format!("<th>{head}</th>")), "{head}");
    }
    assert!(html.contains("<td class=\"n over\">100%</td>"), "{html}");
    // A folder that is not there is said, in Chinese.
    let o = nianbao(&["check".as_ref(), now.as_os_str(), "--prev-dir".as_ref(), dir.path().join("无").as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("上年报告文件夹"), "{}", stderr(&o));
}

#[test]
fn open_rate_and_correction_rate_come_from_tables_three_and_four() {
    let r = crate::fixtures::report("hangzhou-2021.csv");
    let form = r.form().unwrap();
    let values = nianbao::model::Values::compute(&form, &r);
    let rates = nianbao::model::indicators::compute(&form, &values);
    let get = |id: &str| rates.iter().find(|x| x.id == id).unwrap().clone();
    let cell = |id: &str| values.get(form.index[id]).num().unwrap().raw() as f64;
    let open = (cell("t3.r_open.total") + cell("t3.r_partial.total")) * 100.0 / cell("t3.r_total.total");
    assert_eq!(get("open_rate").percent, Some(open));
    assert_eq!(get("open_rate").name, "公开率");
    let fixes = cell("t4.rv.fix") + cell("t4.ld.fix") + cell("t4.lr.fix");
    let total = cell("t4.rv.total") + cell("t4.ld.total") + cell("t4.lr.total");
    assert_eq!(get("correction_rate").percent, Some(fixes * 100.0 / total));
    assert_eq!(get("correction_rate").flagged, fixes > 0.0);
}

/// A compiled form is shared, never copied per report: every report of a format points at one
/// `Arc<Form>`; a rule pack that applies gives that report its own copy with the pack's rules,
/// and the shared form (what the next report gets) is left as it was.
#[test]
fn compiled_forms_are_shared_and_a_rule_pack_copies_only_the_form_it_applies_to() {
    let a = Form::of("gb2021", &[]).unwrap();
    let b = crate::fixtures::report("hangzhou-2021.csv").form().unwrap();
    assert!(std::sync::Arc::ptr_eq(&a, &b), "one compiled form for every report of gb2021");
    let rules = a.rules.len();
    let mut packs = RulePacks::new();
    packs.add(RulePack::parse(WUWEI).unwrap(), &[Form::of("gb2021", &[]).unwrap()]).unwrap();
    // A 2021 report: the 武威 pack (2025 on) does not apply, the form stays the shared one.
    let r2021 = crate::fixtures::report("hangzhou-2021.csv");
    let mut form = r2021.form().unwrap();
    packs.apply(&mut form, &r2021);
    assert!(std::sync::Arc::ptr_eq(&form, &a), "not copied when no pack applies");
    // A 2025 report: its own form with the pack's rules; the shared one unchanged.
    let r2025 = as_2025(&r2021);
    let mut form = r2025.form().unwrap();
    packs.apply(&mut form, &r2025);
    assert!(!std::sync::Arc::ptr_eq(&form, &a));
    assert!(form.rules.len() > rules && form.rules.iter().any(|r| r.id == "WW-01"));
    assert_eq!(Form::of("gb2021", &[]).unwrap().rules.len(), rules, "the shared form is left as it was");
}
