//! Forgiving label matching for CSV import: labels typed by people or exported by other tools
//! differ in white space and in half-/full-width punctuation, never in words.

/// Folds a label to a comparison key: no white space, full-width ASCII forms to ASCII, the
/// Chinese quotes and brackets to one form each.
pub fn fold(label: &str) -> String {
    label
        .chars()
        .map(super::value::to_halfwidth)
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '“' | '”' | '„' | '‟' | '"' | '「' | '」' | '\'' | '‘' | '’' => '"',
            '【' | '〔' | '［' => '[',
            '】' | '〕' | '］' => ']',
            '．' | '。' => '.',
            '、' => '、',
            '—' | '–' | '－' => '-',
            '／' => '/',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_width_and_spaces() {
        assert_eq!(fold("（三）不予公开 / 1．属于国家秘密"), fold("(三)不予公开/1.属于国家秘密"));
        assert_eq!(fold("3.危及\"三安全一稳定\""), fold("3.危及“三安全一稳定”"));
        assert_ne!(fold("规章"), fold("规范性文件"));
    }
}
