//! 标点规范化: ASCII punctuation typed between Chinese characters, turned full width — what the
//! window's one-click (undoable) button applies to a text section.

/// Chinese text, full-width punctuation and full-width forms count as the Chinese context.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
        || "“”‘’—…·".contains(c)
}

/// Converts ASCII `, . ; : ? ! ( ) "` standing between Chinese characters to `，。；：？！（）“”`,
/// dropping spaces typed after them. Digits and Latin text keep their own punctuation
/// (`0.3`, `1,234`, `http://…`, `(1)`), so only what a Chinese reader sees as a mistake changes.
pub fn normalize(text: &str) -> String {
    // A mark may stand before another that only becomes full width in the same pass
    // (`》,(二)`): repeat until nothing changes (twice in practice).
    let mut cur = pass(text, None);
    for _ in 0..4 {
        let next = pass(&cur, None);
        if next == cur {
            break;
        }
        cur = next;
    }
    cur
}

/// Where [`normalize`] would change a text: the byte offsets of the ASCII marks it turns full
/// width (those a mark changed first makes Chinese context for are changed too, but are not
/// listed). Empty exactly when `normalize` changes nothing.
pub fn ascii_marks(text: &str) -> Vec<usize> {
    let mut at = Vec::new();
    pass(text, Some(&mut at));
    let offsets: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    at.into_iter().filter_map(|i| offsets.get(i).copied()).collect()
}

fn pass(text: &str, mut record: Option<&mut Vec<usize>>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    // Whether the last `(` was converted, per nesting level, so its `)` follows it.
    let mut parens: Vec<bool> = Vec::new();
    let mut quote_open = false;
    let mut i = 0;
    let prev_of = |out: &String| out.chars().last();
    let next_of = |i: usize| chars[i + 1..].iter().copied().find(|c| *c != ' ');
    while i < chars.len() {
        let c = chars[i];
        let prev = prev_of(&out);
        let next = next_of(i);
        let after_cjk = prev.is_some_and(is_cjk);
        let before_cjk = next.is_some_and(is_cjk);
        let before_end = next.is_none_or(|n| n == '\n');
        let full = match c {
            ',' | ';' | '?' | '!'
                if after_cjk && (before_cjk || before_end || next.is_some_and(|n| n.is_ascii_digit())) =>
            {
                Some(match c {
                    ',' => '，',
                    ';' => '；',
                    '?' => '？',
                    _ => '！',
                })
            }
            ':' if after_cjk && next != Some('/') => Some('：'),
            '.' if after_cjk && (before_cjk || before_end) => Some('。'),
            '(' => {
                let conv = after_cjk || before_cjk;
                parens.push(conv);
                conv.then_some('（')
            }
            ')' => {
                let opened = parens.pop().unwrap_or(false);
                (opened || (after_cjk && parens.is_empty() && (before_cjk || before_end))).then_some('）')
            }
            '"' if after_cjk || before_cjk => {
                quote_open = !quote_open;
                Some(if quote_open { '“' } else { '”' })
            }
            _ => None,
        };
        match full {
            Some(f) => {
                if let Some(r) = record.as_deref_mut() {
                    r.push(i);
                }
                out.push(f);
                // A full-width mark carries its own space.
                while out.ends_with(' ') {
                    out.pop();
                }
                i += 1;
                while i < chars.len() && chars[i] == ' ' && f != '（' && f != '“' {
                    i += 1;
                }
                if f == '（' || f == '“' {
                    while i < chars.len() && chars[i] == ' ' {
                        i += 1;
                    }
                }
            }
            None => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn ascii_punctuation_between_chinese_becomes_full_width() {
        assert_eq!(normalize("《条例》,并在市政府网站公开"), "《条例》，并在市政府网站公开");
        assert_eq!(normalize("(一)主动公开情况"), "（一）主动公开情况");
        assert_eq!(normalize("本年度共收到申请, 均已办结."), "本年度共收到申请，均已办结。");
        assert_eq!(normalize("说明:已公开;是否?是!"), "说明：已公开；是否？是！");
        assert_eq!(normalize("所谓\"放管服\"改革"), "所谓“放管服”改革");
        assert_eq!(normalize("共计12件,其中5件"), "共计12件，其中5件");
    }

    #[test]
    fn numbers_addresses_and_latin_text_keep_their_punctuation() {
        for keep in ["占比0.3%", "共1,234件", "网址http://www.gov.cn/a.html", "(1)第一项", "Hello, world.", "版本2.0"]
        {
            assert_eq!(normalize(keep), keep);
        }
        assert_eq!(normalize("网址:http://x.gov.cn"), "网址：http://x.gov.cn");
    }

    #[test]
    fn the_marks_to_change_are_found_where_they_are() {
        let text = "《条例》,并在网站公开(一)";
        let at = super::ascii_marks(text);
        assert_eq!(at.iter().map(|&b| &text[b..b + 1]).collect::<Vec<_>>(), [",", "(", ")"]);
        assert!(super::ascii_marks("共1,234件，网址http://a.gov.cn").is_empty());
    }

    #[test]
    fn normalizing_twice_changes_nothing_more() {
        let once = normalize("依据《条例》,(二)依申请公开. 共\"三\"类");
        assert_eq!(normalize(&once), once);
    }
}
