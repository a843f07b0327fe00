//! 与上年重复率: how much of this year's text repeats last year's report.
//!
//! Evaluators (宿迁's 2025 index deducts above 50%) and plagiarism checkers measure it the same
//! way: the share of this year's characters that lie in a run of consecutive characters also
//! found in last year's text. The run length is CNKI's convention, 13 characters, so the stock
//! phrases every report shares (「政府信息公开工作」, 8) do not count, while a sentence kept with
//! a word changed still does. Before comparing, white space and punctuation are dropped, Latin
//! letters folded, and every number becomes one placeholder: a paragraph rolled over with only
//! its year and figures changed is still the same paragraph. Sentences the template writes from
//! the tables (「本年新收…件」) are left out on both sides: they say the same every year by design.
//!
//! Pure and linear: a 10,000-character report against last year's takes well under a
//! millisecond (`benches/rules.rs`).

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use super::form::Form;
use super::report::Report;

/// Consecutive characters (after normalising) that must match for a run to count as repeated.
pub const RUN: usize = 13;

/// The normalised characters of a text, each with the byte range of the original it stands for.
/// A text is cut into segments where excluded sentences were (no run crosses them).
struct Tokens {
    segments: Vec<Vec<(u64, Range<usize>)>>,
}

/// The token a number becomes (any digits, with the separators inside them).
const NUMBER: u64 = '0' as u64;

fn tokens(text: &str, excluded: &[Range<usize>]) -> Tokens {
    let mut segments: Vec<Vec<(u64, Range<usize>)>> = vec![Vec::new()];
    let mut in_number = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = i + c.len_utf8();
        if excluded.iter().any(|r| r.contains(&i)) {
            if segments.last().is_some_and(|s: &Vec<_>| !s.is_empty()) {
                segments.push(Vec::new());
            }
            in_number = false;
            continue;
        }
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        };
        // Never empty: it starts with one segment and only grows.
        let Some(seg) = segments.last_mut() else { continue };
        if c.is_ascii_digit() {
            if in_number {
                // Same number: widen its range.
                if let Some(last) = seg.last_mut() {
                    last.1.end = end;
                }
            } else {
                seg.push((NUMBER, i..end));
                in_number = true;
            }
            continue;
        }
        // `1,234` `0.3` `2024-01-19`: a separator between digits stays inside the number.
        if in_number
            && matches!(c, '.' | ',' | '，' | '、' | '-' | '/' | ':')
            && chars.peek().is_some_and(|(_, n)| n.is_ascii_digit() || ('０'..='９').contains(n))
        {
            continue;
        }
        in_number = false;
        if c.is_alphanumeric() {
            seg.push((u64::from(c.to_ascii_lowercase()) + 1, i..end));
        }
    }
    segments.retain(|s| !s.is_empty());
    Tokens { segments }
}

/// Hashes of every run of [`RUN`] tokens, in order (polynomial rolling hash).
fn runs(seg: &[(u64, Range<usize>)]) -> impl Iterator<Item = u64> + '_ {
    const B: u64 = 0x100_0000_01B3;
    let top = (1..RUN).fold(1u64, |p, _| p.wrapping_mul(B));
    let mut h = 0u64;
    seg.iter().enumerate().filter_map(move |(i, (t, _))| {
        if i >= RUN {
            h = h.wrapping_sub(seg[i - RUN].0.wrapping_mul(top));
        }
        h = h.wrapping_mul(B).wrapping_add(*t);
        (i + 1 >= RUN).then_some(mix(h))
    })
}

/// splitmix64's finaliser: the rolling hash's low bits depend only on the tokens' low bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The values are hashes already.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Last year's text as the set of its runs.
#[derive(Default)]
pub struct Corpus {
    runs: HashSet<u64, BuildHasherDefault<Identity>>,
}

impl Corpus {
    /// The runs of every text; `exclude` gives each text's sentences to leave out.
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str>, exclude: &[regex::Regex]) -> Corpus {
        let texts: Vec<&str> = texts.into_iter().collect();
        // About one run per character (three bytes in Chinese): sized once, not grown and
        // rehashed a dozen times (that growing was most of building last year's runs).
        let chars: usize = texts.iter().map(|t| t.len() / 3).sum();
        let mut corpus = Corpus { runs: HashSet::with_capacity_and_hasher(chars, Default::default()) };
        for text in texts {
            let excluded = excluded_ranges(text, exclude);
            for seg in tokens(text, &excluded).segments {
                corpus.runs.extend(runs(&seg));
            }
        }
        corpus
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

/// The byte ranges of `text` that the patterns match (generated sentences).
pub fn excluded_ranges(text: &str, exclude: &[regex::Regex]) -> Vec<Range<usize>> {
    exclude.iter().flat_map(|re| re.find_iter(text).map(|m| m.range())).collect()
}

/// How many characters were compared and how many of them repeat.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    pub counted: usize,
    pub repeated: usize,
}

impl Share {
    /// Rounded to a whole percent; `None` when nothing was counted.
    pub fn percent(&self) -> Option<u32> {
        (self.counted > 0).then(|| ((self.repeated * 100 + self.counted / 2) / self.counted) as u32)
    }

    /// Strictly more than `percent` (50% of 2 characters is not over 50%).
    pub fn over(&self, percent: u32) -> bool {
        self.counted > 0 && self.repeated * 100 > percent as usize * self.counted
    }

    pub fn add(&mut self, other: Share) {
        self.counted += other.counted;
        self.repeated += other.repeated;
    }

    /// `62%`, or `—` when there was nothing to compare.
    pub fn label(&self) -> String {
        self.percent().map(|p| format!("{p}%")).unwrap_or_else(|| "—".into())
    }
}

/// One text measured against a corpus.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Measured {
    pub share: Share,
    /// Byte ranges of the repeated runs, merged, in text order.
    pub spans: Vec<Range<usize>>,
    /// Each counted character's byte offset and whether it repeats (for sentences).
    marks: Vec<(usize, bool)>,
}

impl Measured {
    /// The sentences (byte ranges, ending with their 。！？；or line break) at least half of
    /// whose characters repeat: what the editor highlights.
    pub fn repeated_sentences(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut k = 0;
        let ends = text
            .char_indices()
            .filter(|(_, c)| matches!(c, '。' | '！' | '？' | '；' | '\n' | '!' | '?' | ';'))
            .map(|(i, c)| i + c.len_utf8())
            .chain(std::iter::once(text.len()));
        for end in ends {
            let (mut counted, mut repeated) = (0, 0);
            while k < self.marks.len() && self.marks[k].0 < end {
                counted += 1;
                repeated += usize::from(self.marks[k].1);
                k += 1;
            }
            if counted > 0 && repeated * 2 >= counted {
                // Without the line break and the white space around the sentence.
                let s = &text[start..end];
                let lead = s.len() - s.trim_start().len();
                let trail = s.len() - s.trim_end_matches(['\n', '\r', ' ', '\u{3000}']).len();
                out.push(start + lead..end - trail);
            }
            start = end;
        }
        out
    }
}

/// Measures `text` against `corpus`, leaving out what `exclude` matches.
pub fn measure(text: &str, corpus: &Corpus, exclude: &[regex::Regex]) -> Measured {
    let excluded = excluded_ranges(text, exclude);
    let toks = tokens(text, &excluded);
    let mut m = Measured::default();
    for seg in &toks.segments {
        let mut covered = vec![false; seg.len()];
        if !corpus.is_empty() {
            for (i, h) in runs(seg).enumerate() {
                if corpus.runs.contains(&h) {
                    covered[i..i + RUN].iter_mut().for_each(|c| *c = true);
                }
            }
        }
        let mut open: Option<Range<usize>> = None;
        for ((_, range), &cov) in seg.iter().zip(&covered) {
            m.marks.push((range.start, cov));
            m.share.counted += 1;
            if cov {
                m.share.repeated += 1;
                open = Some(match open.take() {
                    Some(o) => o.start..range.end,
                    None => range.clone(),
                });
            } else if let Some(o) = open.take() {
                m.spans.push(o);
            }
        }
        m.spans.extend(open);
    }
    m
}

/// A top-level section's rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionRate {
    /// The section's key (`s1`) and heading.
    pub key: String,
    pub heading: String,
    /// Its own text and its sub-sections' together.
    pub share: Share,
}

/// The whole report against last year's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rates {
    /// The year of the report compared with.
    pub year: i32,
    pub whole: Share,
    /// Every top-level section, in order.
    pub sections: Vec<SectionRate>,
    /// Each text (`s1`, `s1.1` …) measured, for highlighting.
    pub texts: BTreeMap<String, Measured>,
}

impl Rates {
    pub fn section(&self, key: &str) -> Option<&SectionRate> {
        self.sections.iter().find(|s| s.key == key)
    }

    /// `全文62%；一、总体情况81%，五、存在的主要问题及改进情况12%` (sections with text only).
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .sections
            .iter()
            .filter(|s| s.share.counted > 0)
            .map(|s| format!("{}{}", s.heading, s.share.label()))
            .collect();
        if parts.is_empty() {
            format!("全文{}", self.whole.label())
        } else {
            format!("全文{}；{}", self.whole.label(), parts.join("，"))
        }
    }
}

/// The threshold the form's whole-report repetition rule warns above (a rule pack's, when one
/// set it).
pub fn threshold(form: &Form) -> Option<u32> {
    form.rules.iter().find_map(|r| match &r.check {
        super::form::CCheck::Repetition { scope: super::template::RepetitionScope::Report, percent, .. } => {
            Some(*percent)
        }
        _ => None,
    })
}

/// This year's texts against last year's (kept in the draft's reference values, or given with
/// `--prev`): `None` when last year's text is not known.
pub fn report_rates(form: &Form, report: &Report, exclude: &[regex::Regex]) -> Option<Rates> {
    let (year, corpus) = last_year(report, exclude)?;
    Some(rates_against(form, report, exclude, year, &corpus))
}

/// Last year's texts kept in the report, as a corpus, with their year; `None` when there are none.
pub fn last_year(report: &Report, exclude: &[regex::Regex]) -> Option<(i32, Corpus)> {
    let reference = report.reference.as_ref()?;
    if reference.sections.values().all(|t| t.trim().is_empty()) {
        return None;
    }
    Some((reference.year, Corpus::new(reference.sections.values().map(String::as_str), exclude)))
}

/// This year's texts against a corpus of last year's.
pub fn rates_against(form: &Form, report: &Report, exclude: &[regex::Regex], year: i32, corpus: &Corpus) -> Rates {
    let mut rates = Rates { year, whole: Share::default(), sections: Vec::new(), texts: BTreeMap::new() };
    for s in &form.template.sections {
        let mut share = Share::default();
        for key in std::iter::once(&s.id).chain(s.subsections.iter().map(|x| &x.id)) {
            let m = measure(report.section(key), corpus, exclude);
            share.add(m.share);
            rates.texts.insert(key.clone(), m);
        }
        rates.whole.add(share);
        rates.sections.push(SectionRate { key: s.id.clone(), heading: s.heading.clone(), share });
    }
    rates
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(now: &str, before: &str) -> Share {
        measure(now, &Corpus::new([before], &[]), &[]).share
    }

    #[test]
    fn a_text_kept_with_new_figures_and_punctuation_still_repeats() {
        let before = "2024年，我局主动公开政府信息128条，其中政策解读12篇，回应社会关切5次。";
        let now = "2025年,我局主动公开政府信息 131 条,其中政策解读9篇,回应社会关切7次.";
        assert_eq!(rate(now, before).percent(), Some(100));
    }

    #[test]
    fn shared_stock_phrases_shorter_than_a_run_do_not_count() {
        let before = "我局高度重视政府信息公开工作，认真贯彻落实各项要求。";
        let now = "全年围绕政府信息公开工作开展培训两次，参训干部四十余人。";
        assert_eq!(rate(now, before).repeated, 0);
    }

    #[test]
    fn the_rate_is_the_share_of_characters_in_repeated_runs() {
        let kept = "坚持以公开为常态不公开为例外原则推进决策执行管理服务结果公开";
        let new = "本年度新建政务公开专区两处并在乡镇便民服务中心设置查阅点";
        let m = measure(&format!("{kept}。{new}。"), &Corpus::new([kept], &[]), &[]);
        assert_eq!(m.share.repeated, kept.chars().count());
        assert_eq!(m.share.counted, kept.chars().count() + new.chars().count());
        assert_eq!(m.spans.len(), 1);
        let text = format!("{kept}。{new}。");
        assert_eq!(m.repeated_sentences(&text), vec![0..format!("{kept}。").len()]);
    }

    #[test]
    fn over_is_strict_and_nothing_counted_is_never_over() {
        assert!(!Share { counted: 2, repeated: 1 }.over(50));
        assert!(Share { counted: 3, repeated: 2 }.over(50));
        assert!(!Share::default().over(0));
        assert_eq!(Share::default().label(), "—");
    }
}
