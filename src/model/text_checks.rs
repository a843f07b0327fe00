//! Numbers stated in the report's text, for comparing them with the tables (the TX checks).
//!
//! Evaluators most often find that a report says 「共收到政府信息公开申请31件」 while its 表三
//! says 30. Which phrases state which figure is data in the template ([`TextPattern`]); this
//! module finds the phrases and their numbers, and the rule engine compares them with the cells.
//! Pure: no I/O.

use regex::Regex;

pub use super::template::TextPattern;

/// What `{n}` expands to.
const NUMBER: &str = r"(?P<n>[0-9０-９][0-9０-９,，]*|[零〇一二两三四五六七八九十百千万]+)";

/// A pattern compiled once with the template.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub regex: Regex,
    pub value: Option<i64>,
}

/// Compiles a rule's patterns; the message names the pattern that is not a valid expression.
pub fn compile(patterns: &[TextPattern]) -> Result<Vec<Compiled>, super::template::FormError> {
    patterns
        .iter()
        .map(|p| {
            let source = p.regex.replace("{n}", NUMBER);
            if p.value.is_none() && !source.contains("(?P<n>") {
                return Err(super::template::FormError::NumberPattern(p.regex.clone()));
            }
            let regex = Regex::new(&source).map_err(|e| super::template::FormError::BadNumberPattern {
                pattern: p.regex.clone(),
                error: e.to_string(),
            })?;
            Ok(Compiled { regex, value: p.value })
        })
        .collect()
}

/// A figure the text states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stated {
    pub value: i64,
    /// The whole sentence it was stated in, trimmed, for quoting.
    pub sentence: String,
    /// Byte offset of the match in the text (to tell two statements apart).
    pub at: usize,
}

/// Every figure that the patterns find in a text, in text order; a place two patterns both
/// match counts once.
pub fn stated(text: &str, patterns: &[Compiled]) -> Vec<Stated> {
    let mut out: Vec<Stated> = Vec::new();
    for p in patterns {
        for caps in p.regex.captures_iter(text) {
            let Some(m) = caps.get(0) else { continue };
            let value = match caps.name("n") {
                Some(n) => match parse_number(n.as_str()) {
                    Some(v) => v,
                    None => continue,
                },
                None => match p.value {
                    Some(v) => v,
                    None => continue,
                },
            };
            if out.iter().any(|s| ranges_overlap(s.at, m.start(), m.end())) {
                continue;
            }
            out.push(Stated { value, sentence: sentence_around(text, m.start(), m.end()), at: m.start() });
        }
    }
    out.sort_by_key(|s| s.at);
    out
}

fn ranges_overlap(at: usize, start: usize, end: usize) -> bool {
    (start..end).contains(&at)
}

/// The sentence around a byte range: from after the previous 。！？；or line break to the next.
pub fn sentence_around(text: &str, start: usize, end: usize) -> String {
    let is_end = |c: char| matches!(c, '。' | '！' | '？' | '；' | '\n' | '!' | '?' | ';');
    let from = text[..start].char_indices().rev().find(|&(_, c)| is_end(c)).map(|(i, c)| i + c.len_utf8()).unwrap_or(0);
    let to =
        text[end..].char_indices().find(|&(_, c)| is_end(c)).map(|(i, c)| end + i + c.len_utf8()).unwrap_or(text.len());
    text[from..to].trim().to_string()
}

/// Reads a number as reports write it: `31`, `1,234`, `１２`, `十二`, `一百零五`, `两千`.
pub fn parse_number(s: &str) -> Option<i64> {
    let ascii: String = s.chars().map(super::value::to_halfwidth).filter(|c| !matches!(c, ',' | '，')).collect();
    if !ascii.is_empty() && ascii.bytes().all(|b| b.is_ascii_digit()) {
        return ascii.parse().ok().filter(|&n: &i64| n <= super::value::MAX_MAGNITUDE);
    }
    chinese_number(s)
}

fn chinese_number(s: &str) -> Option<i64> {
    let digit = |c: char| {
        "零一二三四五六七八九".find(c).map(|i| (i / '一'.len_utf8()) as i64).or(match c {
            '〇' => Some(0),
            '两' => Some(2),
            _ => None,
        })
    };
    let mut total: i64 = 0; // finished 万 groups
    let mut section: i64 = 0; // below 万
    let mut pending: Option<i64> = None;
    let mut any = false;
    for c in s.chars() {
        any = true;
        if let Some(d) = digit(c) {
            pending = Some(pending.unwrap_or(0).checked_mul(10)?.checked_add(d)?);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => {
                section += pending.take().unwrap_or(0);
                total = total.checked_add(section.checked_mul(10_000)?)?;
                section = 0;
                continue;
            }
            _ => return None,
        };
        section += pending.take().unwrap_or(1).checked_mul(unit)?;
    }
    if !any {
        return None;
    }
    total.checked_add(section + pending.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(list: &[(&str, Option<i64>)]) -> Vec<Compiled> {
        let defs: Vec<TextPattern> =
            list.iter().map(|(r, v)| TextPattern { regex: r.to_string(), value: *v }).collect();
        compile(&defs).unwrap()
    }

    #[test]
    fn numbers_in_every_written_form() {
        for (s, n) in [
            ("31", 31),
            ("1,234", 1234),
            ("１２", 12),
            ("十二", 12),
            ("二十", 20),
            ("一百零五", 105),
            ("两千", 2000),
            ("三万五千", 35_000),
            ("零", 0),
        ] {
            assert_eq!(parse_number(s), Some(n), "{s}");
        }
        assert_eq!(parse_number("多"), None);
    }

    #[test]
    fn a_stated_figure_comes_with_its_sentence() {
        let p = patterns(&[("收到[^。；，]{0,8}政府信息公开申请(?:共计|共)?{n}件", None)]);
        let text = "2023年，我局认真办理依申请公开。全年共收到政府信息公开申请31件，均按时答复。";
        let found = stated(text, &p);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, 31);
        assert_eq!(found[0].sentence, "全年共收到政府信息公开申请31件，均按时答复。");
    }

    #[test]
    fn words_can_state_zero() {
        let p = patterns(&[("未(?:收到|受理)[^。；，]{0,6}政府信息公开申请", Some(0))]);
        let found = stated("2019年,我单位未收到政府信息公开申请要求。", &p);
        assert_eq!(found.iter().map(|s| s.value).collect::<Vec<_>>(), vec![0]);
    }

    #[test]
    fn a_pattern_without_a_number_or_value_is_refused() {
        let bad = [TextPattern { regex: "收到申请".into(), value: None }];
        assert!(matches!(compile(&bad), Err(crate::model::form::FormError::NumberPattern(p)) if p == "收到申请"));
        let broken = [TextPattern { regex: "收到({n}".into(), value: None }];
        assert!(matches!(compile(&broken), Err(crate::model::form::FormError::BadNumberPattern { .. })));
    }
}
