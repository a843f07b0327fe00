//! Line breaking for Chinese official documents: numbers and Latin words are never split, and
//! closing punctuation never starts a line, opening punctuation never ends one (禁则).

use super::fonts::{FontSet, Role};

/// Characters that must not begin a line.
const NO_START: &str = "。，、；：？！）》」』】〕〗〉’”…—·％‰℃,.;:?!)]}%";
/// Characters that must not end a line.
const NO_END: &str = "（《「『【〔〖〈‘“([{";

/// A broken line: its text and natural width in pt.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub width: f32,
    /// The last line of its paragraph (not justified).
    pub last: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || ('０'..='９').contains(&c)
        || matches!(c, '.' | ',' | ':' | '/' | '%' | '-' | '_' | '+' | '@' | '#' | '&' | '?' | '=' | '~' | '\'')
}

/// Splits text into unbreakable pieces: a run of Latin letters, digits and the punctuation
/// inside numbers and web addresses (`2025`, `0.3`, `1,234`, `http://x.gov.cn`), or one other
/// character.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if is_word_char(c) {
            word.push(c);
        } else {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            out.push(c.to_string());
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    // Trailing ASCII punctuation of a word ("2025." at a sentence end) may start no line, so it
    // stays glued; nothing more to do here.
    out
}

fn starts_no_start(t: &str) -> bool {
    t.chars().next().is_some_and(|c| NO_START.contains(c))
}

fn ends_no_end(t: &str) -> bool {
    t.chars().last().is_some_and(|c| NO_END.contains(c))
}

/// Breaks a paragraph into lines of at most `width` pt (the first line `first_width`).
pub fn wrap(fonts: &FontSet, role: Role, text: &str, size: f32, first_width: f32, width: f32) -> Vec<Line> {
    let w = |t: &str| fonts.width(role, t, size);
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut cur_w = 0.0;
    let avail = |n: usize| if n == 0 { first_width } else { width };
    for tok in tokens(text) {
        let tw = w(&tok);
        if cur.is_empty() || cur_w + tw <= avail(lines.len()) + 0.01 {
            cur_w += tw;
            cur.push(tok);
            continue;
        }
        // The token does not fit: it starts the next line (an overlong word is split below).
        let mut next: Vec<String> = Vec::new();
        if starts_no_start(&tok) {
            let can_pull = cur.len() > 1 && !ends_no_end(&cur[cur.len() - 2]);
            if !can_pull {
                // Nothing can go down with it (a one-character line in a narrow table column):
                // the punctuation hangs at the end of this line instead, as typesetters do.
                cur.push(tok);
                lines.push(std::mem::take(&mut cur));
                cur_w = 0.0;
                continue;
            }
            // Take the last piece of this line along, so the punctuation has company.
            if let Some(last) = cur.pop() {
                next.push(last);
            }
        }
        while cur.len() > 1 && cur.last().is_some_and(|t| ends_no_end(t)) {
            if let Some(last) = cur.pop() {
                next.insert(0, last);
            }
        }
        lines.push(std::mem::take(&mut cur));
        next.push(tok);
        cur_w = next.iter().map(|t| w(t)).sum();
        cur = next;
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    // Lines still too wide (one overlong word): split them by characters.
    let mut out: Vec<String> = Vec::new();
    for toks in lines {
        let text: String = toks.concat();
        let limit = |out: &Vec<String>| if out.is_empty() { first_width } else { width };
        // Only a line holding one overlong piece is split; a hanging punctuation mark may overflow.
        let hanging = toks.len() > 1
            && toks.last().is_some_and(|t| starts_no_start(t))
            && w(&toks[..toks.len() - 1].concat()) <= limit(&out) + 0.01;
        if hanging || w(&text) <= limit(&out) + 0.01 {
            out.push(text);
            continue;
        }
        let mut piece = String::new();
        for c in text.chars() {
            let mut next = piece.clone();
            next.push(c);
            if !piece.is_empty() && w(&next) > limit(&out) + 0.01 {
                out.push(std::mem::take(&mut piece));
            }
            piece.push(c);
        }
        if !piece.is_empty() {
            out.push(piece);
        }
    }
    let n = out.len();
    out.into_iter().enumerate().map(|(i, text)| Line { width: w(&text), text, last: i + 1 == n }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, chars: f32) -> Vec<String> {
        let fonts = FontSet::bundled().unwrap();
        let size = 10.0;
        wrap(&fonts, Role::Body, text, size, chars * size, chars * size).into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        assert_eq!(lines("本年度共收到申请。", 8.0), ["本年度共收到申", "请。"]);
        // In a one-character column the mark hangs instead.
        assert_eq!(lines("三、本年", 1.0), ["三、", "本", "年"]);
        assert_eq!(lines("（三）不予公开", 2.0), ["（三）", "不予", "公开"]);
    }

    #[test]
    fn opening_punctuation_never_ends_a_line_and_numbers_stay_whole() {
        assert_eq!(lines("一二《条例》", 3.0), ["一二", "《条", "例》"]);
        assert_eq!(lines("共计14069件", 4.0), ["共计", "14069件"]);
    }

    #[test]
    fn numbers_and_addresses_are_one_token() {
        let got = tokens("共收到14,069件，网址http://x.gov.cn。");
        let want = ["共", "收", "到", "14,069", "件", "，", "网", "址", "http://x.gov.cn", "。"];
        assert_eq!(got, want);
    }
}
