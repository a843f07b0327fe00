//! Headings as evaluators read them (the HD checks): the six section headings present, in
//! order, numbered 一 to 六 with the official words; inside a section, sub-headings numbered
//! （一）（二）… without a gap, a restart or an empty number (the seed report prints
//! `()机构人员和经费保障的情况` five times); no sub-item written as a top-level heading.
//!
//! A draft made here prints the template's headings, so the top-level check reads the headings a
//! published file printed ([`PrintedHeading`], from the import); sub-headings are in the texts.

use serde::Serialize;

use super::labels::{fold, split_enumerator};
use super::template::SectionDef;

/// A section heading as a published file printed it, with the section it was read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedHeading {
    pub text: String,
    /// The template section's key (`s4`).
    pub section: String,
}

/// 一 … 二十 for sub-heading numbers and the expected section numerals.
pub fn numeral(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "〇".into(),
        1..=9 => D[n].into(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[n - 10]),
        _ => format!("{}十{}", D[(n / 10).min(9)], D[n % 10]),
    }
}

/// What is wrong with a printed section heading, in words; `None` when it is the official one.
pub fn heading_problem(printed: &str, position: usize, def: &SectionDef) -> Option<String> {
    let (p, d) = (fold(printed), fold(&def.heading));
    if p == d {
        return None;
    }
    let (p_num, p_words) = split_enumerator(&p);
    let (d_num, d_words) = split_enumerator(&d);
    let mut what = Vec::new();
    let expected_num = format!("{}、", numeral(position + 1));
    if p_num.is_empty() || p_num == "、" {
        what.push(format!("缺少序号“{expected_num}”"));
    } else if p_num != d_num {
        what.push(format!("序号应为“{expected_num}”"));
    }
    if p_words != d_words {
        what.push("文字与统一格式不同".to_string());
    }
    if what.is_empty() {
        // Only the width of punctuation or spaces differs: the same heading.
        return None;
    }
    Some(what.join("，"))
}

/// A line that reads like a top-level heading (`二、改进措施`, or `、其他需要报告的事项` whose
/// numeral was lost): short, numbered with a Chinese numeral and 、 (or a bare 、), and not a
/// sentence.
pub fn looks_top_level(line: &str) -> bool {
    let t = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    let n = t.chars().count();
    if !(3..=40).contains(&n) || t.ends_with(['。', '；', '，', '：', '！', '？', ',', ';', ':', '!', '?']) {
        return false;
    }
    let numerals = t.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).count();
    let rest = t.chars().skip(numerals).collect::<String>();
    let numbered = (1..=3).contains(&numerals) && rest.starts_with(['、', '．']);
    let lost = numerals == 0 && rest.starts_with('、');
    // 「二、三季度…」 lists quarters; a heading's first word after 、 is not another numeral.
    let after = rest.chars().nth(1);
    (numbered || lost) && after.is_some_and(|c| !"一二三四五六七八九十".contains(c) && !c.is_ascii_digit())
}

/// The number of a sub-heading line `（三）…` / `(三)…` / `（）…`: `Some(None)` for an empty
/// number, `Some(Some(3))`; `None` when the line is not one.
pub fn subheading_number(line: &str) -> Option<Option<usize>> {
    let t = line.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    let rest = t.strip_prefix('（').or_else(|| t.strip_prefix('('))?;
    let close = rest.find(['）', ')'])?;
    let inside = rest[..close].trim();
    if inside.is_empty() {
        // An empty pair before words, not an empty pair ending a sentence.
        return rest[close..].chars().nth(1).filter(|c| c.is_alphanumeric()).map(|_| None);
    }
    if inside.chars().count() > 3 || !inside.chars().all(|c| "一二三四五六七八九十".contains(c)) {
        return None;
    }
    super::text_checks::parse_number(inside).filter(|&n| n > 0).map(|n| Some(n as usize))
}

/// A numbering slip among a text's sub-headings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberingSlip {
    /// The line as written.
    pub line: String,
    /// The number it should have (`（四）`).
    pub expected: usize,
    pub kind: SlipKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlipKind {
    /// `（）`: the number is missing.
    Empty,
    /// A number left out (（一）then（三）).
    Skipped(usize),
    /// Counting starts again (（三）then（一）) or repeats a number.
    Restarted(usize),
}

impl NumberingSlip {
    pub fn describe(&self) -> String {
        let head: String = self.line.trim().chars().take(24).collect();
        let want = format!("（{}）", numeral(self.expected));
        match self.kind {
            SlipKind::Empty => format!("“{head}”序号为空，应为“{want}”"),
            SlipKind::Skipped(n) => format!("“{head}”跳过了序号，“（{}）”应为“{want}”", numeral(n)),
            SlipKind::Restarted(n) => format!("“{head}”序号重新开始或重复，“（{}）”应为“{want}”", numeral(n)),
        }
    }
}

/// The sub-heading numbering slips of one text, in order. A line that reads like a top-level
/// heading starts the count again (it is reported by itself).
pub fn numbering_slips(text: &str) -> Vec<NumberingSlip> {
    let mut out = Vec::new();
    let mut expected = 1;
    for line in text.lines() {
        if looks_top_level(line) {
            expected = 1;
            continue;
        }
        let Some(number) = subheading_number(line) else { continue };
        let kind = match number {
            None => Some(SlipKind::Empty),
            Some(n) if n == expected => None,
            Some(n) if n > expected => Some(SlipKind::Skipped(n)),
            Some(n) => Some(SlipKind::Restarted(n)),
        };
        if let Some(kind) = kind {
            out.push(NumberingSlip { line: line.to_string(), expected, kind });
        }
        // The count goes on from the number written (（一）（三）（四） is one slip, not two);
        // after an empty one, from where it should have been.
        expected = number.unwrap_or(expected) + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(heading: &str) -> SectionDef {
        SectionDef { id: "s4".into(), heading: heading.into(), subsections: vec![], tables: vec![], sentence: None }
    }

    #[test]
    fn a_printed_heading_is_told_what_differs() {
        let d = def("四、政府信息公开行政复议、行政诉讼情况");
        assert_eq!(heading_problem("四、政府信息公开行政复议、行政诉讼情况", 3, &d), None);
        assert_eq!(heading_problem("四、政府信息公开行政复议、行政诉讼情况 ", 3, &d), None);
        assert_eq!(
            heading_problem("、政府信息公开行政复议行政诉讼情况", 3, &d).as_deref(),
            Some("缺少序号“四、”，文字与统一格式不同")
        );
        assert_eq!(heading_problem("三、政府信息公开行政复议、行政诉讼情况", 3, &d).as_deref(), Some("序号应为“四、”"));
    }

    #[test]
    fn top_level_looking_lines() {
        assert!(looks_top_level("二、改进措施"));
        assert!(looks_top_level("、信息公开工作中创新方式方法及举措情况"));
        assert!(!looks_top_level("二、三季度共公开信息50条。"));
        assert!(!looks_top_level("二是进一步抓好学习宣传。"));
        assert!(!looks_top_level("（二）改进措施"));
        assert!(!looks_top_level(
            "一、统一思想、提高认识，坚定不移地做好政府信息公开工作，把其作为服务社会的重要途径。"
        ));
    }

    #[test]
    fn empty_skipped_and_restarted_numbers_are_found() {
        let text = "(一)政务公开\n正文\n(二)制度建设\n()组织机构建设情况\n()公开平台建设情况\n（六）培训\n（一）又一个";
        let slips = numbering_slips(text);
        let kinds: Vec<(usize, SlipKind)> = slips.iter().map(|s| (s.expected, s.kind)).collect();
        assert_eq!(
            kinds,
            [(3, SlipKind::Empty), (4, SlipKind::Empty), (5, SlipKind::Skipped(6)), (7, SlipKind::Restarted(1))]
        );
        assert!(slips[0].describe().contains("应为“（三）”"));
        assert!(numbering_slips("（一）甲\n（二）乙\n二、改进情况\n（一）丙").is_empty());
        assert_eq!(subheading_number("(1)第一项"), None);
        assert_eq!(subheading_number("如有疑问（）。"), None);
    }
}
