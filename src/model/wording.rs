//! Wording slips evaluators mark in the text (the WD checks): a character or word typed twice
//! (「的的」「工作工作」), years from another report period, and the quoting helpers the
//! messages share. What counts (the characters, the exceptions, the phrases that describe the
//! report period) is data in the template; this module only finds it. Pure: no I/O.

use std::ops::Range;

/// Characters that are numerals: 「一个一个」「一件一件」 repeat a numeral and a measure word
/// on purpose.
const NUMERALS: &str = "一二三四五六七八九十两几百千万零〇";

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// Every place a character of `chars` is typed twice in a row (「的的」), and every Chinese word
/// of two to four characters typed twice (「工作工作」), less the byte ranges of `except`'s
/// occurrences (「目的的」「的的确确」 are words). Reduplication that Chinese uses on purpose is
/// never looked for: single characters only from `chars` (function words, not 人人 or 常常),
/// and a word starting with a numeral (一个一个) is left alone. Returns byte ranges, in order.
pub fn doubled(text: &str, chars: &str, except: &[String]) -> Vec<Range<usize>> {
    let allowed: Vec<Range<usize>> = except
        .iter()
        .filter(|e| !e.is_empty())
        .flat_map(|e| text.match_indices(e.as_str()).map(move |(i, _)| i..i + e.len()))
        .collect();
    let inside = |r: &Range<usize>| allowed.iter().any(|a| a.start <= r.start && r.end <= a.end);
    let cs: Vec<(usize, char)> = text.char_indices().collect();
    let byte = |i: usize| cs.get(i).map(|&(b, _)| b).unwrap_or(text.len());
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let mut hit = None;
        // Longest word first: 「信息公开信息公开」 is one slip, not two.
        for len in (2..=4).rev() {
            if i + 2 * len > cs.len() {
                continue;
            }
            let a = &cs[i..i + len];
            let b = &cs[i + len..i + 2 * len];
            let same = a.iter().zip(b).all(|(x, y)| x.1 == y.1);
            let word = a.iter().all(|&(_, c)| is_han(c)) && !NUMERALS.contains(a[0].1);
            // AAAA is two doubled characters, not a doubled word.
            let varied = a.iter().any(|&(_, c)| c != a[0].1);
            if same && word && varied {
                hit = Some(byte(i)..byte(i + 2 * len));
                break;
            }
        }
        if hit.is_none() && i + 1 < cs.len() && cs[i].1 == cs[i + 1].1 && chars.contains(cs[i].1) {
            hit = Some(byte(i)..byte(i + 2));
        }
        match hit {
            Some(r) if !inside(&r) => {
                i = cs.partition_point(|&(b, _)| b < r.end);
                out.push(r);
            }
            _ => i += 1,
        }
    }
    out
}

/// A few characters either side of a byte range, on one line, for quoting: `…兴义市应急局,政府…`.
pub fn context(text: &str, range: &Range<usize>, around: usize) -> String {
    let before: String = {
        let mut v: Vec<char> = text[..range.start].chars().rev().take_while(|c| *c != '\n').take(around).collect();
        v.reverse();
        v.into_iter().collect()
    };
    let after: String = text[range.end..].chars().take_while(|c| *c != '\n').take(around).collect();
    let lead = if text[..range.start].chars().rev().take_while(|c| *c != '\n').count() > around { "…" } else { "" };
    let tail = if text[range.end..].chars().take_while(|c| *c != '\n').count() > around { "…" } else { "" };
    format!("{lead}{before}{}{after}{tail}", &text[range.clone()])
}

/// Whether byte offset `at` lies inside a 《title》 on its line (a document's name carries the
/// year it was issued, not the report period).
pub fn in_title(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    before.matches('《').count() > before.matches('》').count()
}

/// Whether the year at `range` ends a span of years (`2021—2025年`, `2021至2025年`): a plan's
/// period, not the report's.
pub fn in_year_span(text: &str, range: &Range<usize>) -> bool {
    let before: String = text[..range.start].chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
    let trimmed = before.trim_end_matches(['年', ' ']);
    let joined = trimmed.ends_with(['-', '—', '–', '－', '~', '～', '至', '到']);
    let after_span =
        text[range.end..].trim_start_matches(['年', ' ']).starts_with(['-', '—', '–', '－', '~', '～', '至']);
    joined || after_span
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let except = ["目的的".to_string(), "的的确确".to_string()];
        doubled(text, "的是和并把被于与", &except).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn doubled_function_words_and_words_are_found() {
        assert_eq!(found("加强政府信息的的管理"), ["的的"]);
        assert_eq!(found("扎实推进政务公开工作工作，成效明显"), ["工作工作"]);
        assert_eq!(found("推进信息公开信息公开平台建设"), ["信息公开信息公开"]);
    }

    #[test]
    fn reduplication_chinese_uses_on_purpose_is_left_alone() {
        for ok in [
            "营造人人参与、人人抓安全的氛围",
            "常常深入基层，看看群众需求",
            "一件一件抓落实，一个一个解决",
            "实现目的的手段",
            "的的确确做到了",
            "2019年收到11件，2020年收到22件",
            "公开开展情况，工作作风，部门门户网站",
        ] {
            assert!(found(ok).is_empty(), "{ok}: {:?}", found(ok));
        }
    }

    #[test]
    fn a_title_and_a_span_of_years_are_told_apart() {
        let t = "制定《2018年政务公开工作要点》，落实2021—2025年规划";
        assert!(in_title(t, t.find("2018").unwrap()));
        let y = t.find("2025").unwrap();
        assert!(in_year_span(t, &(y..y + 4)));
        assert!(!in_year_span("2019年，我局", &(0..4)));
    }

    #[test]
    fn context_quotes_a_few_characters_around() {
        let t = "2019年,兴义市应急局政府信息公开各项工作有序开展";
        let at = t.find(',').unwrap();
        assert_eq!(context(t, &(at..at + 1), 5), "2019年,兴义市应急…");
    }
}
