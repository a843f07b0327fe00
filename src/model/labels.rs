//! Forgiving label matching, shared by every reader of outside data (the long CSV, published
//! web pages, Word files, PDFs, pasted text).
//!
//! Labels typed by people or printed by other tools differ in white space and in half-/full-width
//! punctuation ([`fold`]); published reports also drop or change words (规范性文件 for
//! 行政规范性文件, 「（二）部分公开」 for the long label), change the enumerator (`(一)`, `一、`,
//! `1.`), or carry typos (「其他法律行政止公开」). [`Matcher`] finds the one template label a
//! published label means, or says that it cannot tell.

/// Folds a label to a comparison key: no white space, full-width ASCII forms to ASCII, the
/// Chinese quotes and brackets to one form each.
pub fn fold(label: &str) -> String {
    label
        .chars()
        .map(super::value::to_halfwidth)
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '“' | '”' | '„' | '‟' | '"' | '「' | '」' | '\'' | '‘' | '’' | '『' | '』' => '"',
            '【' | '〔' | '［' | '〖' => '[',
            '】' | '〕' | '］' | '〗' => ']',
            '．' | '。' | '·' => '.',
            '—' | '–' | '－' | '‐' | '‑' => '-',
            '／' => '/',
            '，' => ',',
            '：' => ':',
            '；' => ';',
            c => c,
        })
        .collect()
}

const CN_DIGITS: &str = "一二三四五六七八九十〇零百";

/// Splits a folded label into its enumerator (`一、`, `(一)`, `1.`, `第一部分` …) and the rest.
/// A lone `、` left where the numeral was lost (seen in published reports) counts as one too.
pub fn split_enumerator(folded: &str) -> (&str, &str) {
    let s = folded;
    let end = enumerator_len(s);
    (&s[..end], &s[end..])
}

fn enumerator_len(s: &str) -> usize {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let byte = |i: usize| chars.get(i).map(|&(b, _)| b).unwrap_or(s.len());
    let is_cn = |c: char| CN_DIGITS.contains(c);
    // (一) / (1) / ()
    if at(0) == Some('(') {
        let mut i = 1;
        while at(i).is_some_and(|c| is_cn(c) || c.is_ascii_digit()) {
            i += 1;
        }
        if at(i) == Some(')') && i <= 4 {
            let mut j = i + 1;
            if matches!(at(j), Some('、' | '.')) {
                j += 1;
            }
            return byte(j);
        }
        return 0;
    }
    // 第一部分 / 第一章 / 第一
    if at(0) == Some('第') && at(1).is_some_and(is_cn) {
        let mut i = 1;
        while at(i).is_some_and(is_cn) {
            i += 1;
        }
        for word in ["部分", "章", "节", "项"] {
            if s[byte(i)..].starts_with(word) {
                let mut j = i + word.chars().count();
                if matches!(at(j), Some('、' | '.' | ':')) {
                    j += 1;
                }
                return byte(j);
            }
        }
        return 0;
    }
    // 一、 / 一. / 1. / 1、 / 1) / 、
    let mut i = 0;
    let cn = at(0).is_some_and(is_cn);
    while at(i).is_some_and(|c| if cn { is_cn(c) } else { c.is_ascii_digit() }) {
        i += 1;
    }
    if i > 3 {
        return 0;
    }
    match at(i) {
        Some('、') => byte(i + 1),
        Some('.') if i > 0 && !at(i + 1).is_some_and(|c| c.is_ascii_digit()) => byte(i + 1),
        Some(')') if i > 0 && !cn => byte(i + 1),
        _ => 0,
    }
}

/// The label without enumerator, folded: what two variants of a label share.
pub fn core(label: &str) -> String {
    let f = fold(label);
    split_enumerator(&f).1.to_string()
}

/// Length of the longest common subsequence of two strings, in characters. When the shorter
/// has at most 64 characters (every label and heading), bit-parallel (Allison–Dix): one word
/// operation per character of the longer, so matching a table of 10,000 rows against a form's
/// labels stays well under a second.
pub fn lcs(a: &[char], b: &[char]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    if short.len() <= 64 {
        return lcs_bits(long, short);
    }
    lcs_table(a, b)
}

/// [`lcs`] with `short` (at most 64 characters) as bit positions.
fn lcs_bits(long: &[char], short: &[char]) -> usize {
    let mut masks: Vec<(char, u64)> = Vec::with_capacity(short.len());
    for (i, &c) in short.iter().enumerate() {
        match masks.iter_mut().find(|(k, _)| *k == c) {
            Some((_, m)) => *m |= 1 << i,
            None => masks.push((c, 1 << i)),
        }
    }
    let width = if short.len() == 64 { u64::MAX } else { (1u64 << short.len()) - 1 };
    let mut v = u64::MAX;
    for c in long {
        let Some(&(_, m)) = masks.iter().find(|(k, _)| k == c) else { continue };
        let u = v & m;
        v = v.wrapping_add(u) | (v - u);
    }
    short.len() - (v & width).count_ones() as usize
}

/// [`lcs`] by the table, row by row.
fn lcs_table(a: &[char], b: &[char]) -> usize {
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for &ca in a {
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = if ca == cb { prev[j] + 1 } else { prev[j + 1].max(cur[j]) };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// How alike two labels are, from 0 to 1: 1 for the same folded text, 0.97 when only the
/// enumerator differs, else the share of characters they have in common in order (so a dropped
/// or mistyped word lowers it a little), and 0.9 for an abbreviation that keeps the label's
/// first four or more characters (「（二）部分公开」).
pub fn similarity(a: &str, b: &str) -> f32 {
    similarity_of(&Prepared::new(a), &Prepared::new(b))
}

/// A label folded and cut once, for comparing with many (a matcher's entries, a looked-up row
/// label compared with each of them).
#[derive(Debug, Clone)]
struct Prepared {
    folded: String,
    /// Bytes of `folded` that are the enumerator.
    enumerator: usize,
    core: Vec<char>,
    whole: Vec<char>,
}

impl Prepared {
    fn new(label: &str) -> Prepared {
        let folded = fold(label);
        let (e, c) = split_enumerator(&folded);
        let (enumerator, core) = (e.len(), c.chars().collect());
        let whole = folded.chars().collect();
        Prepared { folded, enumerator, core, whole }
    }
}

/// [`similarity`] of prepared labels.
fn similarity_of(a: &Prepared, b: &Prepared) -> f32 {
    if a.folded == b.folded {
        return 1.0;
    }
    let (ea, eb) = (&a.folded[..a.enumerator], &b.folded[..b.enumerator]);
    let (va, vb) = (&a.core, &b.core);
    if va.is_empty() || vb.is_empty() {
        return 0.0;
    }
    // A different enumerator of the same style is a different item (「1.」 vs 「2.」).
    let penalty = if !ea.is_empty() && !eb.is_empty() && ea != eb && same_style(ea, eb) { 0.7 } else { 1.0 };
    if va == vb {
        return 0.97 * penalty;
    }
    let (short, long) = if va.len() <= vb.len() { (va, vb) } else { (vb, va) };
    let prefix = short.len() >= 4 && long.starts_with(short);
    // Labels of very different lengths cannot be alike by their common characters (at most
    // 2·short/(short+long) < 0.5 when one is three times the other): the comparison is
    // skipped, so a paragraph of a megabyte costs one pass, not a megabyte × the label.
    let (wa, wb) = (a.whole.len(), b.whole.len());
    if long.len() > 3 * short.len() && wa.max(wb) > 3 * wa.min(wb) {
        return if prefix { 0.9 * penalty } else { 0.0 };
    }
    let common = lcs(va, vb);
    let mut score = 2.0 * common as f32 / (va.len() + vb.len()) as f32;
    // An enumerator run into other text (「（三1.属于国家秘」 from a PDF) is not split off:
    // compare the whole labels too.
    score = score.max(2.0 * lcs(&a.whole, &b.whole) as f32 / (wa + wb) as f32);
    if prefix {
        score = score.max(0.9);
    }
    score * penalty
}

fn same_style(a: &str, b: &str) -> bool {
    let style = |e: &str| {
        let c = e.chars().next().unwrap_or(' ');
        (c == '(', c.is_ascii_digit(), CN_DIGITS.contains(c))
    };
    style(a) == style(b)
}

/// Share of `wanted`'s characters found in `text` in order: how much of a heading a longer,
/// reworded heading keeps (「信息公开工作存在的主要问题及改进措施」 keeps most of
/// 「存在的主要问题及改进情况」).
pub fn coverage(text: &str, wanted: &str) -> f32 {
    let (t, w): (Vec<char>, Vec<char>) = (core(text).chars().collect(), core(wanted).chars().collect());
    if w.is_empty() {
        return 0.0;
    }
    lcs(&t, &w) as f32 / w.len() as f32
}

/// The outcome of looking a label up.
#[derive(Debug, Clone, PartialEq)]
pub enum Found<T> {
    /// The same label after folding.
    Exact(T),
    /// A published variant, with its similarity.
    Close(T, f32),
    /// Two or more labels fit about equally well.
    Ambiguous(Vec<T>),
    None,
}

impl<T> Found<T> {
    pub fn item(&self) -> Option<&T> {
        match self {
            Found::Exact(t) | Found::Close(t, _) => Some(t),
            _ => None,
        }
    }
}

/// Looks up published labels among a set of known ones (a table's rows, its columns, the
/// report's headings). An entry may sit under a group (`（三）不予公开`); a group given with the
/// query settles ties between entries with the same label.
#[derive(Debug, Clone)]
pub struct Matcher<T> {
    entries: Vec<Entry<T>>,
    /// Lowest similarity accepted.
    pub threshold: f32,
    /// How much better than the next entry the best must be.
    pub margin: f32,
}

#[derive(Debug, Clone)]
struct Entry<T> {
    label: Prepared,
    group: Option<Prepared>,
    item: T,
}

impl<T: Clone + PartialEq> Default for Matcher<T> {
    fn default() -> Self {
        Matcher::new()
    }
}

impl<T: Clone + PartialEq> Matcher<T> {
    pub fn new() -> Matcher<T> {
        Matcher { entries: Vec::new(), threshold: 0.72, margin: 0.06 }
    }

    pub fn add(&mut self, label: &str, group: Option<&str>, item: T) {
        self.entries.push(Entry { label: Prepared::new(label), group: group.map(Prepared::new), item });
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry a label means. `group` is the merged label the published row sits under, if
    /// known; it only decides between entries that fit the label equally well.
    pub fn find(&self, label: &str, group: Option<&str>) -> Found<T> {
        let query = Prepared::new(label);
        if query.folded.is_empty() {
            return Found::None;
        }
        let group = group.map(Prepared::new);
        let exact: Vec<&Entry<T>> = self.entries.iter().filter(|e| e.label.folded == query.folded).collect();
        match exact.len() {
            0 => {}
            1 => return Found::Exact(exact[0].item.clone()),
            _ => {
                if let Some(g) = &group {
                    let best = best_by(&exact, |e| e.group.as_ref().map_or(0.0, |eg| similarity_of(g, eg)));
                    if let Some(e) = best {
                        return Found::Exact(e.item.clone());
                    }
                }
                return Found::Ambiguous(dedup(exact.iter().map(|e| e.item.clone())));
            }
        }
        let mut scored: Vec<(f32, &Entry<T>)> = self
            .entries
            .iter()
            .map(|e| {
                let mut s = similarity_of(&query, &e.label);
                if let (Some(g), Some(eg)) = (&group, &e.group) {
                    // A matching group is a small bonus, a wrong one a small malus.
                    s += (similarity_of(g, eg) - 0.5) * 0.1;
                }
                (s, e)
            })
            .filter(|(s, _)| *s >= self.threshold)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        match scored.as_slice() {
            [] => Found::None,
            [(s, e)] => Found::Close(e.item.clone(), *s),
            [(s1, e1), (s2, e2), ..] => {
                if s1 - s2 >= self.margin || e1.item == e2.item {
                    Found::Close(e1.item.clone(), *s1)
                } else {
                    Found::Ambiguous(dedup(
                        scored.iter().take_while(|(s, _)| s1 - s < self.margin).map(|(_, e)| e.item.clone()),
                    ))
                }
            }
        }
    }
}

fn best_by<'a, T>(entries: &[&'a Entry<T>], score: impl Fn(&Entry<T>) -> f32) -> Option<&'a Entry<T>> {
    let mut scored: Vec<(f32, &Entry<T>)> = entries.iter().map(|e| (score(e), *e)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(s1, e), (s2, _), ..] if s1 - s2 > 0.05 => Some(e),
        [(_, e)] => Some(e),
        _ => None,
    }
}

fn dedup<T: PartialEq>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bit_parallel_lcs_agrees_with_the_table() {
        let mut seed = 11u32;
        let mut next = |m: u32| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 8) % m
        };
        let alphabet: Vec<char> = "一二三公开申请不予部分ab1、（）".chars().collect();
        for _ in 0..2_000 {
            let la = next(90) as usize;
            let lb = next(70) as usize;
            let a: Vec<char> = (0..la).map(|_| alphabet[next(alphabet.len() as u32) as usize]).collect();
            let b: Vec<char> = (0..lb).map(|_| alphabet[next(alphabet.len() as u32) as usize]).collect();
            assert_eq!(lcs(&a, &b), lcs_table(&a, &b), "{a:?} {b:?}");
        }
    }

    #[test]
    fn folds_width_and_spaces() {
        assert_eq!(fold("（三）不予公开 / 1．属于国家秘密"), fold("(三)不予公开/1.属于国家秘密"));
        assert_eq!(fold("3.危及\"三安全一稳定\""), fold("3.危及“三安全一稳定”"));
        assert_ne!(fold("规章"), fold("规范性文件"));
    }

    #[test]
    fn enumerators_of_every_published_style_are_split_off() {
        for (label, rest) in [
            ("一、总体情况", "总体情况"),
            ("（一）主动公开", "主动公开"),
            ("(一)主动公开", "主动公开"),
            ("1.属于国家秘密", "属于国家秘密"),
            ("1、属于国家秘密", "属于国家秘密"),
            ("第一部分 总体情况", "总体情况"),
            ("、其他需要报告的事项", "其他需要报告的事项"),
            ("()信息公开组织机构建设情况", "信息公开组织机构建设情况"),
            ("2019年度", "2019年度"),
            ("1.5万元", "1.5万元"),
        ] {
            assert_eq!(core(label), fold(rest), "{label}");
        }
    }

    fn rows() -> Matcher<&'static str> {
        let mut m = Matcher::new();
        m.add("1.属于国家秘密", Some("（三）不予公开"), "deny1");
        m.add("2.其他法律行政法规禁止公开", Some("（三）不予公开"), "deny2");
        m.add("1.本机关不掌握相关政府信息", Some("（四）无法提供"), "unable1");
        m.add("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None, "partial");
        m.add("行政规范性文件", None, "nds");
        m.add("规章", None, "reg");
        m.add("行政许可", None, "lic");
        m.add("行政处罚", None, "pen");
        m.add("3.其他", Some("（六）其他处理"), "other3");
        m.add("其他", Some("法人或其他组织"), "le_oth");
        m
    }

    #[test]
    fn published_variants_find_their_label() {
        let m = rows();
        assert_eq!(
            m.find("2.其他法律行政止公开", None),
            Found::Close("deny2", similarity("2.其他法律行政止公开", "2.其他法律行政法规禁止公开"))
        );
        assert!(matches!(m.find("规范性文件", None), Found::Close("nds", _)));
        assert!(matches!(m.find("(二)部分公开", None), Found::Close("partial", _)));
        assert!(matches!(m.find("1．属于国家秘密", None), Found::Exact("deny1")));
        assert!(matches!(m.find("属于国家秘密", None), Found::Close("deny1", _)));
    }

    #[test]
    fn different_words_do_not_match() {
        let m = rows();
        assert_eq!(m.find("行政强制", None), Found::None);
        assert_eq!(m.find("其他对外管理服务事项", None), Found::None);
        assert_eq!(m.find("2.属于国家秘密", None).item(), None, "a different number is a different item");
    }

    #[test]
    fn the_same_label_in_two_groups_is_settled_by_the_group() {
        let mut m = Matcher::new();
        m.add("1.其他", Some("（三）不予公开"), "a");
        m.add("1.其他", Some("（四）无法提供"), "b");
        assert_eq!(m.find("1.其他", Some("（四）无法提供")), Found::Exact("b"));
        assert_eq!(m.find("1.其他", None), Found::Ambiguous(vec!["a", "b"]));
    }

    #[test]
    fn coverage_measures_a_reworded_heading() {
        assert!(coverage("、信息公开工作存在的主要问题及改进措施", "五、存在的主要问题及改进情况") > 0.8);
        assert!(coverage("一、总体工作情况", "一、总体情况") >= 1.0);
        assert!(coverage("信息公开工作中创新方式方法及举措情况", "五、存在的主要问题及改进情况") < 0.5);
    }
}
