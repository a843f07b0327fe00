//! Line breaking for Chinese official documents, after W3C clreq and GB/T 9704.
//!
//! Break opportunities come from the Unicode line breaking algorithm (UAX #14,
//! `unicode-linebreak`), tailored for Chinese: curly quotes are opening/closing marks (as in
//! clreq) rather than ambiguous quotation marks, and long web addresses may break after `/`
//! and `.`. So a run of closing marks (`。”`, `》，`) never starts a line and an opening run
//! never ends one: the run and the character it leans on are one unit. Adjacent full-width
//! punctuation is compressed (标点挤压), and a paragraph never ends in a line of a single
//! character. Titles break between words (jieba) in a symmetric shape.

use std::sync::OnceLock;

use super::fonts::{FontSet, Role};
pub use super::squeeze::squeeze;

/// A broken line: its text and natural width in pt.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub width: f32,
    /// The last line of its paragraph (not justified).
    pub last: bool,
}

/// Where a line may break, as byte offsets (after the character before): UAX #14 tailored.
fn break_points(text: &str) -> Vec<usize> {
    // Curly quotes as opening/closing brackets of the same UTF-8 length, so offsets stay.
    let tailored: String = text
        .chars()
        .map(|c| match c {
            '“' => '「',
            '‘' => '『',
            '”' => '」',
            '’' => '』',
            _ => c,
        })
        .collect();
    let mut out: Vec<usize> = unicode_linebreak::linebreaks(&tailored).map(|(i, _)| i).collect();
    out.extend(url_breaks(text));
    out.sort_unstable();
    out.dedup();
    out.retain(|&i| i > 0);
    out
}

/// Extra break points inside web addresses: after `/`, `.`, `-`, `_`, `?`, `&`, `=`, `#` when a
/// letter or digit follows (never inside the scheme `https://`).
fn url_breaks(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(start) = ["http://", "https://", "www."]
        .iter()
        .filter_map(|p| lower[from..].find(p).map(|i| (from + i, p.len())))
        .min()
        .map(|(i, l)| (i, i + l))
    {
        let (_, body) = start;
        let end = text[body..]
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_graphic()) || "，。、；）》”".contains(*c))
            .map(|(i, _)| body + i)
            .unwrap_or(text.len());
        let bytes = text.as_bytes();
        for i in body..end {
            let next_ok = bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphanumeric());
            if next_ok && b"/.-_?&=#".contains(&bytes[i]) {
                out.push(i + 1);
            }
        }
        from = end.max(body);
        if from >= text.len() {
            break;
        }
    }
    out
}

/// Unbreakable pieces of a text (each ends where a line may end).
pub fn segments(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for b in break_points(text) {
        if b > start && b <= text.len() {
            out.push(&text[start..b]);
            start = b;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF | 0x3007)
}

/// Whether a character is set on the Chinese grid: 汉字, kana, bopomofo, CJK and full-width
/// punctuation and forms, and the quotes, dashes and ellipsis a Chinese face sets full width.
fn on_grid(fonts: &FontSet, role: Role, c: char) -> bool {
    is_ideograph(c)
        || matches!(c as u32, 0x2E80..=0x2FDF | 0x3000..=0x312F | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF)
        || (matches!(c, '‘' | '’' | '“' | '”' | '—' | '…' | '·' | '～') && fonts.full_width(role, c))
}

/// Extra space (pt) after each character that sets `text` to exactly `width` (clreq 3.8
/// 行内调整): stretched only between Chinese characters and where Chinese meets Latin, never
/// inside a Latin word or a number, nor between the halves of `——` and `……`. A line of Latin
/// only (a long web address) stretches at its break opportunities (after `/`, between words).
/// Empty when nothing may stretch or the line is full.
pub fn justify(fonts: &FontSet, role: Role, text: &str, size: f32, width: f32) -> Vec<f32> {
    let slack = width - fonts.width(role, text, size);
    let chars: Vec<char> = text.chars().collect();
    if slack <= 0.01 || chars.len() < 2 {
        return Vec::new();
    }
    let kept = |a: char, b: char| a == b && matches!(a, '—' | '…');
    let mut gaps: Vec<usize> = (0..chars.len() - 1)
        .filter(|&i| {
            let (a, b) = (chars[i], chars[i + 1]);
            (on_grid(fonts, role, a) || on_grid(fonts, role, b)) && !kept(a, b)
        })
        .collect();
    if gaps.is_empty() {
        let breaks = break_points(text);
        let mut end = 0;
        for (i, c) in chars[..chars.len() - 1].iter().enumerate() {
            end += c.len_utf8();
            if breaks.binary_search(&end).is_ok() {
                gaps.push(i);
            }
        }
    }
    if gaps.is_empty() {
        return Vec::new();
    }
    let each = slack / gaps.len() as f32;
    let mut out = vec![0.0; chars.len()];
    for i in gaps {
        out[i] = each;
    }
    out
}

/// An unbreakable piece of a text, measured once (pt): trailing spaces excluded and included.
struct Piece<'a> {
    text: &'a str,
    trimmed: f32,
    full: f32,
    first: Option<char>,
    last: Option<char>,
}

/// A text's unbreakable pieces, measured.
fn pieces<'a>(fonts: &FontSet, role: Role, text: &'a str, size: f32) -> Vec<Piece<'a>> {
    segments(text)
        .into_iter()
        .map(|p| Piece {
            text: p,
            trimmed: fonts.width(role, p.trim_end(), size),
            full: fonts.width(role, p, size),
            first: p.chars().next(),
            last: p.chars().last(),
        })
        .collect()
}

/// Splits the pieces wider than `width` by characters (a long number in a narrow cell).
fn fit_pieces<'a>(fonts: &FontSet, role: Role, pieces: Vec<Piece<'a>>, size: f32, width: f32) -> Vec<Piece<'a>> {
    if pieces.iter().all(|p| p.trimmed <= width + 0.01) {
        return pieces;
    }
    let mut out = Vec::with_capacity(pieces.len() + 4);
    for p in pieces {
        if p.trimmed <= width + 0.01 {
            out.push(p);
            continue;
        }
        let mut start = 0;
        for (i, c) in p.text.char_indices() {
            let end = i + c.len_utf8();
            if i > start && fonts.width(role, &p.text[start..end], size) > width + 0.01 {
                out.extend(pieces_of(fonts, role, &p.text[start..i], size));
                start = i;
            }
        }
        out.extend(pieces_of(fonts, role, &p.text[start..], size));
    }
    out
}

fn pieces_of<'a>(fonts: &FontSet, role: Role, text: &'a str, size: f32) -> Option<Piece<'a>> {
    (!text.is_empty()).then(|| Piece {
        text,
        trimmed: fonts.width(role, text.trim_end(), size),
        full: fonts.width(role, text, size),
        first: text.chars().next(),
        last: text.chars().last(),
    })
}

/// The pieces each line starts with (indices), lines filled greedily: widths are added up
/// piece by piece, with the squeeze where two pieces meet, not measured again for every
/// candidate line.
fn line_starts(fonts: &FontSet, role: Role, pieces: &[Piece], size: f32, first_width: f32, width: f32) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut cur_w = 0.0;
    let mut last: Option<char> = None;
    for (i, p) in pieces.iter().enumerate() {
        let avail = if starts.len() <= 1 { first_width } else { width };
        let join = match (last, p.first) {
            (Some(a), Some(b)) => fonts.squeeze(role, a, b) * size,
            _ => 0.0,
        };
        if starts.is_empty() {
            starts.push(i);
            cur_w = p.full;
        } else if cur_w - join + p.trimmed <= avail + 0.01 {
            cur_w += p.full - join;
        } else {
            starts.push(i);
            cur_w = p.full;
        }
        last = p.last;
    }
    starts
}

/// Breaks a paragraph into lines of at most `width` pt (the first line `first_width`).
pub fn wrap(fonts: &FontSet, role: Role, text: &str, size: f32, first_width: f32, width: f32) -> Vec<Line> {
    let pieces = fit_pieces(fonts, role, pieces(fonts, role, text, size), size, width.min(first_width));
    wrap_pieces(fonts, role, &pieces, size, first_width, width)
}

fn wrap_pieces(fonts: &FontSet, role: Role, pieces: &[Piece], size: f32, first_width: f32, width: f32) -> Vec<Line> {
    let avail = |n: usize| if n == 0 { first_width } else { width };
    let mut starts = line_starts(fonts, role, pieces, size, first_width, width);
    starts.push(pieces.len());
    let mut lines: Vec<Vec<&str>> =
        starts.windows(2).map(|w| pieces[w[0]..w[1]].iter().map(|p| p.text).collect()).collect();
    // No last line of a single character (「结。」): the line above gives it a piece.
    let n = lines.len();
    if n >= 2 {
        let tail: String = lines[n - 1].concat();
        let ideographs = tail.chars().filter(|&c| is_ideograph(c) || c.is_alphanumeric()).count();
        let fits = |m: &str| fonts.width(role, format!("{m}{tail}").trim_end(), size) <= avail(n - 1) + 0.01;
        if ideographs <= 1
            && lines[n - 2].len() > 1
            && lines[n - 2].last().is_some_and(|m| fits(m))
            && let Some(m) = lines[n - 2].pop()
        {
            lines[n - 1].insert(0, m);
        }
    }
    let n = lines.len();
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let text = l.concat().trim_end().to_string();
            Line { width: fonts.width(role, &text, size), text, last: i + 1 == n }
        })
        .collect()
}

/// Lines of similar length (for table cells): the narrowest width that needs no more lines
/// than `width` does, so a header breaks 2+2 rather than 3+1. The text is split and measured
/// once; the search only adds widths up.
pub fn wrap_balanced(fonts: &FontSet, role: Role, text: &str, size: f32, width: f32) -> Vec<Line> {
    let pieces = fit_pieces(fonts, role, pieces(fonts, role, text, size), size, width);
    let n = line_starts(fonts, role, &pieces, size, width, width).len();
    if n < 2 {
        return wrap_pieces(fonts, role, &pieces, size, width, width);
    }
    let widest = pieces.iter().map(|p| p.trimmed).fold(0.0, f32::max);
    let total: f32 = pieces.iter().map(|p| p.full).sum();
    let (mut lo, mut hi) = ((total / n as f32).max(widest), width);
    if line_starts(fonts, role, &pieces, size, lo, lo).len() <= n {
        hi = lo;
    }
    for _ in 0..12 {
        if hi - lo < 0.05 {
            break;
        }
        let mid = (lo + hi) / 2.0;
        if line_starts(fonts, role, &pieces, size, mid, mid).len() <= n {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    wrap_pieces(fonts, role, &pieces, size, hi, hi)
}

/// The title's segmenter, loaded once per process, only when a title has to break, from the
/// title word list (common words, names of places and organisations, long compound nouns;
/// `scripts/make-title-dict.py`): two fifths of jieba's full list, loaded in about a quarter of
/// the time, which a command-line export pays whenever a long unit name has to break.
fn jieba() -> &'static jieba_rs::Jieba {
    static DICT: &str = include_str!("../../assets/jieba-title-dict.txt");
    static J: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    // The list is ours and well-formed; were it not, words would still break by width.
    J.get_or_init(|| jieba_rs::Jieba::with_dict(&mut DICT.as_bytes()).unwrap_or_else(|_| jieba_rs::Jieba::empty()))
}

/// Where a title may break: the whole text, the breaks it must take (between its parts, when
/// it has more than one) and those it may take (between words — jieba — inside a part too wide
/// for a line, never inside a number with its 年/年度, never where UAX #14 forbids), each of the
/// latter with its penalty.
fn title_breaks(parts: &[String], fits: impl Fn(&str) -> bool) -> (String, Vec<usize>, Vec<(usize, f32)>) {
    let whole = parts.concat();
    let allowed = break_points(&whole);
    let mut forced = Vec::new();
    let mut free = Vec::new();
    let mut base = 0;
    for (k, part) in parts.iter().enumerate() {
        if !fits(part) {
            for t in jieba().cut(part, true) {
                let end = base + t.byte_end;
                if t.byte_end == part.len() {
                    continue;
                }
                let before = part[..t.byte_end].chars().last();
                let after = part[t.byte_end..].chars().next();
                // 2019|年 stays whole.
                if before.is_some_and(|c| c.is_ascii_digit()) && after.is_some_and(|c| c == '年') {
                    continue;
                }
                if allowed.contains(&end) {
                    free.push((end, 0.05));
                }
            }
        }
        base += part.len();
        if k + 1 < parts.len() && base > 0 {
            forced.push(base);
        }
    }
    free.sort_by_key(|b| b.0);
    free.dedup_by_key(|b| b.0);
    (whole, forced, free)
}

/// Title lines (GB/T 9704 7.3.1: 回行时要做到词意完整，排列对称，长短适宜，排列应当使用梯形或菱形):
/// as few lines as fit, in a trapezoid or diamond of balanced lines. A title of two parts (the
/// unit, `YYYY年政府信息公开工作年度报告`) that does not fit one line breaks between them, and
/// inside a part only when that part alone is too wide, between words.
pub fn title_lines(fonts: &FontSet, parts: &[String], size: f32, width: f32) -> Vec<String> {
    balanced_lines(fonts, Role::Title, parts, size, width)
}

/// Lines of at most `width` pt in a balanced, symmetric shape (see [`title_lines`]), in `role`'s
/// face; also the long 落款.
pub fn balanced_lines(fonts: &FontSet, role: Role, parts: &[String], size: f32, width: f32) -> Vec<String> {
    let parts: Vec<String> = parts.iter().filter(|p| !p.trim().is_empty()).cloned().collect();
    let whole = parts.concat();
    let fits = |t: &str| fonts.width(role, t, size) <= width + 0.01;
    if fits(&whole) {
        return vec![whole];
    }
    let (whole, forced, free) = title_breaks(&parts, fits);
    let w = |a: usize, b: usize| fonts.width(role, &whole[a..b], size);
    for extra in 0..=free.len().min(5) {
        let mut best: Option<(f32, Vec<usize>)> = None;
        let mut pick = vec![0usize; extra];
        search(&free, 0, &mut pick, 0, &mut |cut: &[usize]| {
            let mut bounds: Vec<usize> = forced.iter().copied().chain(cut.iter().map(|&i| free[i].0)).collect();
            bounds.sort_unstable();
            bounds.insert(0, 0);
            bounds.push(whole.len());
            let widths: Vec<f32> = bounds.windows(2).map(|p| w(p[0], p[1])).collect();
            if widths.iter().any(|&x| x > width + 0.01) {
                return;
            }
            let penalty: f32 = cut.iter().map(|&i| free[i].1).sum();
            // The shape of each part's own lines: the report's name is a line of its own in any
            // case, and the unit's lines above it are balanced among themselves.
            let mut cost = penalty;
            let mut first = 0;
            for end in forced.iter().copied().chain([whole.len()]) {
                let part: Vec<f32> = bounds
                    .windows(2)
                    .zip(&widths)
                    .filter(|(p, _)| p[0] >= first && p[1] <= end)
                    .map(|(_, &w)| w)
                    .collect();
                if part.len() > 1 {
                    cost += shape_cost(&part, width);
                }
                first = end;
            }
            if best.as_ref().is_none_or(|b| cost < b.0) {
                best = Some((cost, bounds));
            }
        });
        if let Some((_, bounds)) = best {
            return bounds.windows(2).map(|p| whole[p[0]..p[1]].to_string()).collect();
        }
    }
    // No word boundary fits (one enormous word): break by width.
    wrap_balanced(fonts, role, &whole, size, width).into_iter().map(|l| l.text).collect()
}

/// Every choice of `pick.len()` increasing indices into `breaks`.
fn search(breaks: &[(usize, f32)], from: usize, pick: &mut Vec<usize>, depth: usize, f: &mut dyn FnMut(&[usize])) {
    if depth == pick.len() {
        f(pick);
        return;
    }
    for i in from..breaks.len() {
        pick[depth] = i;
        search(breaks, i + 1, pick, depth + 1, f);
    }
}

/// Unbalanced lines cost their spread; an hourglass (long, short, long) or zigzag is not a
/// shape GB/T 9704 allows and costs more than any balanced one.
fn shape_cost(widths: &[f32], width: f32) -> f32 {
    let max = widths.iter().copied().fold(0.0, f32::max);
    let min = widths.iter().copied().fold(f32::MAX, f32::min);
    let tol = width * 0.02;
    let up = widths.windows(2).all(|p| p[1] >= p[0] - tol);
    let down = widths.windows(2).all(|p| p[1] <= p[0] + tol);
    let peak = widths.iter().enumerate().fold(0, |m, (i, &x)| if x > widths[m] { i } else { m });
    let diamond =
        widths[..=peak].windows(2).all(|p| p[1] >= p[0] - tol) && widths[peak..].windows(2).all(|p| p[1] <= p[0] + tol);
    let shape = if up || down || diamond { 0.0 } else { 1.0 };
    // A single-word last line is as bad as an hourglass.
    (max - min) / width + shape
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
        assert_eq!(lines("本年度共收到申请。", 8.0), ["本年度共收到", "申请。"]);
        // A run of closing marks goes down with the character it leans on.
        let got = lines("依据《条例》，本机关", 4.0);
        assert!(got.iter().all(|l| !l.starts_with(['》', '，'])), "{got:?}");
        let got = lines("他说“好。”然后", 5.0);
        assert!(got.iter().all(|l| !l.starts_with(['”', '。'])), "{got:?}");
    }

    #[test]
    fn regression_two_closing_marks_in_a_row_never_start_a_line() {
        // The seed: 「》,并在市政府网站…」 started a line.
        for width in 5..20 {
            for text in
                ["按照《条例》,并在市政府网站公开", "报告如下：“已公开。”其后", "（见附件）。另有", "这样……”的说法"]
            {
                for l in lines(text, width as f32) {
                    let first = l.chars().next().unwrap();
                    assert!(!"。，、；：）》」』】〕〗〉”’,.;:!?)…".contains(first), "{text} at {width}: line {l}");
                }
            }
        }
    }

    #[test]
    fn opening_punctuation_never_ends_a_line_and_numbers_stay_whole() {
        assert_eq!(lines("一二《条例》", 3.0), ["一二", "《条", "例》"]);
        assert_eq!(lines("共计14069件", 4.0), ["共计", "14069件"]);
    }

    #[test]
    fn adjacent_full_width_punctuation_is_compressed() {
        let fonts = FontSet::bundled().unwrap();
        let one = fonts.width(Role::Body, "》", 10.0);
        let run = fonts.width(Role::Body, "》），", 10.0);
        assert!((run - 2.0 * one).abs() < 0.5, "three marks in two ems, got {run} for em {one}");
        assert_eq!(fonts.width(Role::Body, "政府", 10.0), 2.0 * fonts.width(Role::Body, "政", 10.0));
    }

    #[test]
    fn regression_a_paragraph_never_ends_in_a_single_character_line() {
        let got = lines("本年度工作已经全部完成并总结。", 14.0);
        assert_eq!(got.len(), 2);
        assert!(got[1].chars().count() >= 3, "{got:?}");
    }

    #[test]
    fn regression_a_long_web_address_breaks_after_slash_or_dot_instead_of_leaving_a_gap() {
        let text = "详见网站http://www.xingyi.gov.cn/zwgk/zfxxgk/fdzdgknr/index.html查看";
        let got = lines(text, 20.0);
        // The first line is filled: the address starts on it and breaks inside.
        let fonts = FontSet::bundled().unwrap();
        assert!(fonts.width(Role::Body, &got[0], 10.0) > 170.0, "{got:?}");
        assert!(got[0].ends_with(['/', '.']) || got[0].ends_with(|c: char| c.is_ascii_alphanumeric()), "{got:?}");
        assert_eq!(got.concat(), text);
    }

    #[test]
    fn regression_a_long_unit_name_breaks_the_title_between_words() {
        let fonts = FontSet::bundled().unwrap();
        let parts = [
            "中共黔西南布依族苗族自治州委员会黔西南州发展和改革委员会".to_string(),
            "2021年政府信息公开工作年度报告".to_string(),
        ];
        let got = title_lines(&fonts, &parts, 22.0, 442.0);
        assert!(got.len() >= 2, "{got:?}");
        for l in &got {
            assert!(!l.ends_with("委") && !l.starts_with("员会"), "broke inside a word: {got:?}");
            assert!(!l.ends_with("2021") && !l.starts_with('年'), "{got:?}");
        }
        assert_eq!(got.concat(), parts.concat());
    }

    #[test]
    fn regression_a_title_breaks_before_the_reports_name_not_inside_it() {
        // Was 「江苏省淮安市洪泽区高良涧 / 街道办事处综合执法局2024年 / 政府信息公开工作年度报告」.
        let fonts = FontSet::bundled().unwrap();
        let parts =
            ["江苏省淮安市洪泽区高良涧街道办事处综合执法局".to_string(), "2024年政府信息公开工作年度报告".to_string()];
        let got = title_lines(&fonts, &parts, 22.0, 442.0);
        assert_eq!(got.last().unwrap(), "2024年政府信息公开工作年度报告", "{got:?}");
        assert_eq!(got.concat(), parts.concat());
        // The unit's own lines are balanced (not 「贵州省 / 黔东南…凯里分局」).
        let parts = ["贵州省黔东南苗族侗族自治州生态环境局凯里分局".to_string(), parts[1].clone()];
        let got = title_lines(&fonts, &parts, 22.0, 442.0);
        let counts: Vec<usize> = got.iter().map(|l| l.chars().count()).collect();
        assert!(counts[0].abs_diff(counts[1]) <= 4, "{got:?}");
    }

    /// The title word list is a cut of jieba's: the compound nouns and place names of real unit
    /// names must still come out whole, or a title could break inside them.
    #[test]
    fn the_title_word_list_keeps_the_words_of_unit_names_whole() {
        for (name, words) in [
            ("新疆维吾尔自治区人力资源和社会保障厅", &["新疆维吾尔自治区", "人力资源", "社会保障"][..]),
            ("贵州省黔东南苗族侗族自治州生态环境局", &["黔东南苗族侗族自治州", "生态环境"][..]),
            ("内蒙古自治区锡林郭勒盟行政公署办公室", &["锡林郭勒盟", "行政公署", "办公室"][..]),
            ("黑龙江省大兴安岭地区行政公署交通运输局", &["大兴安岭地区", "交通运输"][..]),
        ] {
            let cut: Vec<&str> = jieba().cut(name, true).into_iter().map(|t| t.word).collect();
            for w in words {
                assert!(cut.contains(w), "{w} whole in {cut:?}");
            }
        }
    }
}
