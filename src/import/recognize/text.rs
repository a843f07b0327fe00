//! The text around the tables: title, year, unit, 落款 and contact lines, and where each section
//! (and sub-section) starts and ends.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::*;
use crate::import::doc::{Block, Document};
use crate::import::{ImportNote, NoteKind, SourceKind, Target};
use crate::model::form::Form;
use crate::model::labels::{self, coverage, fold, similarity};
use crate::model::report::{Date, TitlePattern};

pub(super) static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<a>.*?)(?P<y>(?:19|20)\d{2})\s*年\s*(?P<du>度)?(?P<b>.*?)政府信息公开(?:工作)?(?:年度)?(?:工作)?报告",
    )
    .unwrap_or_else(|e| unreachable!("{e}"))
});
pub(super) static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
pub(super) static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|—|-|－)")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
pub(super) static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:联系电话|咨询电话|办公电话|电话|联系方式)\s*[:：]?\s*(?P<v>[0-9０-９(（][0-9０-９\-－—–()（）、/ ]{5,30}[0-9０-９])")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
pub(super) static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:联系地址|通讯地址|办公地址|地址|地点)\s*[:：]\s*(?P<v>[^；;，,。）)\n]{4,60})")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
pub(super) static POSTCODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:邮编|邮政编码)\s*[:：]?\s*(?P<v>\d{6})").unwrap_or_else(|e| unreachable!("{e}")));
pub(super) static WEBSITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<v>https?://[A-Za-z0-9./_\-?=&%#:~]+|www\.[A-Za-z0-9./_\-]+)")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

/// CMS chrome and page furniture that is no part of the report.
pub(super) static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:[-—–－―\s]*\d{1,3}[-—–－―\s]*|第\s*\d+\s*页.*|\d+\s*/\s*\d+|",
        r"(?:【|\[)?(?:发布时间|发布日期|时间|来源|信息来源|作者|浏览次数|阅读次数|点击数|访问量|字体|字号|分享到|分享|打印本页|打印|关闭窗口|关闭|",
        r"索\s*引\s*号|文\s*号|发文机关|发布机构|成文日期|主题分类|生效日期|有效性|责任编辑|编辑|扫一扫|当前位置|您当前的位置|首页).*|",
        r"(?:上一篇|下一篇).*|.*版权所有.*|.*ICP备.*|.*网站标识码.*)$"
    ))
    .unwrap_or_else(|e| unreachable!("{e}"))
});

/// Whether a paragraph is page furniture: a page number, CMS chrome.
pub fn is_noise(p: &str) -> bool {
    let t = p.trim();
    t.is_empty() || (t.chars().count() <= 120 && (NOISE.is_match(t) || is_breadcrumb(t)))
}

/// A CMS breadcrumb (`首页 > 政务公开 > 年度报告`): three or more short parts between `>`-like
/// marks, none of them a sentence. A paragraph of the report that happens to hold two `>`
/// (`<b>` typed as text, `增幅＞5%`) is text, not furniture.
pub(super) fn is_breadcrumb(t: &str) -> bool {
    let parts: Vec<&str> = t.split(['>', '»', '＞', '›']).map(str::trim).collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            let n = p.chars().count();
            (1..=24).contains(&n) && !p.contains(['。', '，', '；', '<', '/'])
        })
}

#[derive(Debug, Default)]
pub(crate) struct TitleInfo {
    pub(crate) year: Option<i32>,
    pub(crate) unit: String,
    pub(crate) pattern: TitlePattern,
}

/// Year, unit and pattern of a report title (`…2023年政府信息公开工作年度报告`).
pub(crate) fn parse_title(title: &str) -> Option<TitleInfo> {
    let t: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let c = TITLE.captures(&t)?;
    let year = c.name("y").and_then(|m| m.as_str().parse().ok());
    let a = c.name("a").map_or("", |m| m.as_str()).trim_matches(|c: char| !c.is_alphanumeric());
    let b = c.name("b").map_or("", |m| m.as_str()).trim_matches(|c: char| !c.is_alphanumeric());
    let du = c.name("du").is_some();
    let (unit, pattern) = if !a.is_empty() {
        (a.to_string(), if du { TitlePattern::UnitYearDu } else { TitlePattern::UnitYear })
    } else {
        (b.to_string(), TitlePattern::YearUnit)
    };
    Some(TitleInfo { year, unit, pattern })
}

pub(super) fn signature_date(p: &str) -> Option<(Date, String)> {
    let t: String = p.chars().filter(|c| !c.is_whitespace()).collect();
    if t.chars().count() > 60 {
        return None;
    }
    let c = DATE.captures(&t)?;
    let m = c.get(0)?;
    let rest = t[m.end()..].trim_matches(|c: char| !c.is_alphanumeric());
    if !rest.is_empty() {
        return None;
    }
    let date = Date::new(c["y"].parse().ok()?, c["m"].parse().ok()?, c["d"].parse().ok()?)?;
    let before = t[..m.start()].trim().to_string();
    Some((date, before))
}

pub(super) fn name_like(p: &str) -> bool {
    let t = p.trim();
    let n = t.chars().count();
    (2..=40).contains(&n)
        && !t.contains(['。', '，', '；', '：', ':', ',', '！', '？'])
        && !t.starts_with("附件")
        && !t.chars().next().is_some_and(|c| c.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

/// How a paragraph names a section heading: `Some(strength)` when it is one.
pub(super) fn heading_score(p: &str, heading: &str) -> Option<f32> {
    let t = p.trim();
    if t.chars().count() > 45 || t.contains(['。', '；']) || t.ends_with('，') {
        return None;
    }
    let sim = similarity(t, heading);
    let f = fold(t);
    let (enumerator, rest) = labels::split_enumerator(&f);
    if rest.is_empty() {
        return None;
    }
    let cov = coverage(t, heading);
    let core_len = labels::core(heading).chars().count();
    // An abbreviation is not a heading: （一）主动公开 is not 二、主动公开政府信息情况.
    let sim = if rest.chars().count() * 10 < core_len * 7 { 0.0 } else { sim };
    let reworded = cov >= 0.8 && rest.chars().count() <= core_len * 2 + 4;
    let top = !enumerator.is_empty() && !enumerator.starts_with('(');
    let ok = sim >= 0.9 || (reworded && (top || enumerator.is_empty())) || (top && sim >= 0.6);
    ok.then_some(sim.max(cov))
}

/// A paragraph repeating a section heading (a table's caption). A shorter sub-heading made of
/// the heading's words (「（一）存在的主要问题」 under 「五、存在的主要问题及改进情况」) is text.
pub(super) fn is_caption_of(p: &str, heading: &str) -> bool {
    let f = fold(p.trim());
    let (_, rest) = labels::split_enumerator(&f);
    let core_len = labels::core(heading).chars().count();
    rest.chars().count() * 10 >= core_len * 7 && similarity(p, heading) >= 0.9
}

/// A section's sub-heading at the start of a paragraph, alone or followed by its text
/// (「（一）主动公开。2023年……」): the text after it.
pub(super) fn subheading_rest(p: &str, heading: &str) -> Option<String> {
    let t = p.trim();
    if t.chars().count() <= 30 && !t.ends_with('。') && similarity(t, heading) >= 0.85 {
        return Some(String::new());
    }
    let f = fold(t);
    let (enumerator, _) = labels::split_enumerator(&f);
    if enumerator.is_empty() {
        return None;
    }
    let core = labels::core(heading);
    // Walk the original text past the enumerator and the heading's words.
    let mut folded_len = 0;
    for (i, c) in t.char_indices() {
        let head = fold(&t[..i + c.len_utf8()]);
        folded_len = head.len();
        if head.len() >= enumerator.len() + core.len() {
            let (_, r) = labels::split_enumerator(&head);
            if r == core || r == format!("{core}情况") {
                let rest = t[i + c.len_utf8()..].trim_start_matches(['。', '：', ':', '，', ' ', '、', '.']);
                return Some(rest.trim_start_matches("情况").trim_start_matches(['。', '：', ':']).trim().to_string());
            }
            if head.len() > enumerator.len() + core.len() + 8 {
                break;
            }
        }
    }
    let _ = folded_len;
    None
}

pub(super) struct Sections {
    pub(super) texts: BTreeMap<String, Vec<String>>,
    /// The section headings as printed, with the section each was read as.
    pub(super) headings: Vec<crate::model::headings::PrintedHeading>,
    pub(super) opening: Vec<String>,
    pub(super) ending: Vec<String>,
    pub(super) found: Vec<String>,
    pub(super) notes: Vec<ImportNote>,
    /// Paragraphs of the document that went nowhere, and why.
    pub(super) dropped: Vec<(usize, &'static str)>,
}

pub(super) fn read_sections(
    form: &Form,
    doc: &Document,
    kind: SourceKind,
    skip: &HashSet<usize>,
    end: Option<usize>,
) -> Sections {
    let defs = &form.template.sections;
    // Table headers and labels that came out as lines of text (pasted text, borderless PDFs)
    // are no part of a section. In a web page or a Word file tables are tables, and a paragraph
    // that reads like a label (「（三）建议提案办理结果公开情况」 is also a row of 贵州's annex) is
    // the report's own heading.
    let lines_of_tables = matches!(kind, SourceKind::Pdf | SourceKind::Text);
    let fixed: HashSet<String> = form
        .tables
        .iter()
        .filter(|_| lines_of_tables)
        .flat_map(|t| t.def.rows.iter().flat_map(|r| r.cells.iter().map(|c| fold(&c.text))))
        .filter(|t| !t.is_empty())
        .collect();
    let mut s = Sections {
        texts: BTreeMap::new(),
        headings: Vec::new(),
        opening: Vec::new(),
        ending: Vec::new(),
        found: Vec::new(),
        notes: Vec::new(),
        dropped: Vec::new(),
    };
    let mut current: Option<usize> = None; // section index
    let mut sub: Option<String> = None; // subsection key
    let mut next_sub = 0;
    let mut annex_zone = false;
    for (bi, block) in doc.blocks.iter().enumerate() {
        let Block::Para(p) = block else { continue };
        // After the 落款 comes the site's footer, never the report (in a file of its own, what
        // follows it is counted as not imported).
        if end.is_some_and(|e| bi > e) {
            if kind != SourceKind::Html && !skip.contains(&bi) && !is_noise(p) {
                s.dropped.push((bi, "在落款之后"));
            }
            continue;
        }
        if skip.contains(&bi) || is_noise(p) || fixed.contains(&fold(p)) {
            continue;
        }
        // A sub-heading of the section being read comes before any later heading.
        if let Some(ci) = current {
            let def = &defs[ci];
            let mut matched = None;
            for (k, subdef) in def.subsections.iter().enumerate().skip(next_sub) {
                if let Some(rest) = subheading_rest(p, &subdef.heading) {
                    matched = Some((k, rest));
                    break;
                }
            }
            if let Some((k, rest)) = matched {
                sub = Some(def.subsections[k].id.clone());
                next_sub = k + 1;
                if !rest.is_empty() {
                    s.texts.entry(def.subsections[k].id.clone()).or_default().push(rest);
                }
                continue;
            }
        }
        let start = current.map_or(0, |c| c + 1);
        let hit = (start..defs.len())
            .filter_map(|i| heading_score(p, &defs[i].heading).map(|sc| (i, sc)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        // A later section's heading counts only if no earlier one fits better (skipped sections
        // are rare; reworded ones are common).
        if let Some((i, _)) = hit {
            current = Some(i);
            sub = None;
            next_sub = 0;
            annex_zone = false;
            s.found.push(defs[i].id.clone());
            s.headings.push(crate::model::headings::PrintedHeading {
                text: p.trim().to_string(),
                section: defs[i].id.clone(),
            });
            s.texts.entry(defs[i].id.clone()).or_default();
            if fold(p) != fold(&defs[i].heading) {
                s.notes.push(note(
                    NoteKind::Recognised,
                    format!("标题“{}”识别为“{}”", p.trim(), defs[i].heading),
                    Some(Target::Section(defs[i].id.clone())),
                ));
            }
            continue;
        }
        let Some(ci) = current else {
            s.opening.push(p.trim().to_string());
            continue;
        };
        // Captions repeating a heading already passed (tables in an annex), and the annex zone.
        if defs[..=ci].iter().any(|d| is_caption_of(p, &d.heading)) {
            continue;
        }
        let t = p.trim();
        if t.starts_with("附件") && t.chars().count() <= 60 {
            annex_zone = true;
            continue;
        }
        if annex_zone {
            s.dropped.push((bi, "在附件中"));
            continue;
        }
        let key = sub.clone().unwrap_or_else(|| defs[ci].id.clone());
        s.texts.entry(key).or_default().push(t.to_string());
    }
    // The statistics-period and contact sentences placed at the end (as the seed does).
    if s.opening.is_empty()
        && let Some(last) = defs.last()
        && let Some(list) = s.texts.get_mut(&last.id)
    {
        while let Some(p) = list.last() {
            let closing = (p.starts_with("本报告") || p.starts_with("本年度报告") || p.starts_with("如对本"))
                && (p.contains("统计") || p.contains("联系") || p.contains("电话"));
            if !closing {
                break;
            }
            if let Some(p) = list.pop() {
                s.ending.insert(0, p);
            }
        }
    }
    s
}
