//! Cell values: what the staffer types, parsed into numbers or a precise complaint.
//!
//! A draft keeps each cell as the text that was typed (design principle 3). Parsing is total:
//! every string becomes [`CellValue::Blank`], a number, 不适用, or an [`ValueError`] that says in
//! Chinese what is wrong. Blank is never zero.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Number of decimal places kept: money in 万元 is exact to the fen (0.000001 万元 = 0.01 元;
/// published reports print 6 decimals, spec §4.1.1).
pub const SCALE_DIGITS: u32 = 6;
/// Fixed-point scale of [`Num`].
pub const SCALE: i64 = 10_i64.pow(SCALE_DIGITS);
/// Decimals a money cell in 元 may have (the fen).
pub const YUAN_DIGITS: usize = 2;
/// Largest magnitude a cell may hold (一万亿). Sums are checked: one that does not fit is an
/// error, never a wrong number.
pub const MAX_MAGNITUDE: i64 = 1_000_000_000_000;

/// A fixed-point number with six decimals. Counts are whole numbers in the same type, so the
/// rule engine compares counts and money alike, exactly, without floating point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Num(i64);

impl Num {
    pub const ZERO: Num = Num(0);

    /// A whole number; `None` when it is outside the supported range.
    pub fn from_int(n: i64) -> Option<Num> {
        if n.unsigned_abs() > MAX_MAGNITUDE as u64 {
            return None;
        }
        Some(Num(n * SCALE))
    }

    /// The raw fixed-point value (units of 10⁻⁶).
    pub fn raw(self) -> i64 {
        self.0
    }

    pub fn from_raw(raw: i64) -> Num {
        Num(raw)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn checked_add(self, other: Num) -> Option<Num> {
        self.0.checked_add(other.0).map(Num)
    }

    pub fn checked_sub(self, other: Num) -> Option<Num> {
        self.0.checked_sub(other.0).map(Num)
    }

    pub fn checked_neg(self) -> Option<Num> {
        self.0.checked_neg().map(Num)
    }

    /// The number with `+` in front when positive: how 本年增/减 is printed.
    pub fn signed_string(self) -> String {
        if self.0 > 0 { format!("+{self}") } else { self.to_string() }
    }
}

impl fmt::Display for Num {
    /// Shortest exact decimal form: `12`, `-27`, `0.3`, `316441.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let int = abs / SCALE as u64;
        let mut frac = abs % SCALE as u64;
        if neg {
            f.write_str("-")?;
        }
        write!(f, "{int}")?;
        if frac != 0 {
            let mut digits = SCALE_DIGITS as usize;
            while frac.is_multiple_of(10) {
                frac /= 10;
                digits -= 1;
            }
            write!(f, ".{frac:0digits$}")?;
        }
        Ok(())
    }
}

/// What kind of number a cell holds. Comes from the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CellKind {
    /// A count of items or cases: an integer ≥ 0.
    Count,
    /// An integer that may be negative: only GB2019 `本年增/减`.
    Signed,
    /// An amount of money ≥ 0, exact to the fen: at most 6 decimals in 万元, 2 in 元. `unit` is
    /// `万元` or `元`; `None` means the unit is chosen per report (GB2019 `采购总金额` has no unit
    /// in the national header).
    Money {
        #[serde(default)]
        unit: Option<String>,
    },
}

impl CellKind {
    pub fn is_money(&self) -> bool {
        matches!(self, CellKind::Money { .. })
    }
}

/// Why a typed text is not a valid value. `Display` gives the Chinese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// The text as typed (trimmed), quoted in the message.
    pub text: String,
    pub reason: Reason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Not a number at all (`12a`, `/`, `—`).
    NotInteger,
    NotNumber,
    /// A placeholder such as `/`, `—`, `无` that published reports use for "nothing".
    Placeholder,
    Negative,
    /// A decimal in a count cell.
    Fraction,
    /// More decimals than the fen in 万元 (6).
    TooManyDecimals,
    /// More decimals than the fen in 元 (2).
    TooManyDecimalsYuan,
    TooLarge,
    /// Thousands separators in the wrong places (`12,34`).
    BadGrouping,
    /// A unit written after the number that is not the cell's unit.
    WrongUnit,
    /// A computed cell one of whose parts is invalid.
    DependsOnInvalid,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.text;
        match self.reason {
            Reason::NotInteger => write!(f, "“{t}”不是有效的整数"),
            Reason::NotNumber => write!(f, "“{t}”不是有效的数字"),
            Reason::Placeholder => write!(f, "“{t}”不是数字：没有数据请填0"),
            Reason::Negative => write!(f, "“{t}”是负数，此处只能填不小于0的数"),
            Reason::Fraction => write!(f, "“{t}”带小数，此处只能填整数"),
            Reason::TooManyDecimals => write!(f, "“{t}”超过6位小数（最小单位为0.000001万元，即1分）"),
            Reason::TooManyDecimalsYuan => write!(f, "“{t}”超过2位小数（最小单位为0.01元，即1分）"),
            Reason::TooLarge => write!(f, "“{t}”超出允许范围（绝对值不超过一万亿）"),
            Reason::BadGrouping => write!(f, "“{t}”中的千位分隔符位置不对"),
            Reason::WrongUnit => write!(f, "“{t}”的单位与本栏单位不符"),
            Reason::DependsOnInvalid => write!(f, "有单元格填写有误，“{t}”无法计算"),
        }
    }
}

impl std::error::Error for ValueError {}

/// The parsed state of one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellValue {
    Blank,
    Num(Num),
    /// 不适用: allowed only where the template says so (e.g. the 监督员 block of the Guizhou annex).
    NotApplicable,
    Invalid(ValueError),
}

impl CellValue {
    pub fn num(&self) -> Option<Num> {
        match self {
            CellValue::Num(n) => Some(*n),
            _ => None,
        }
    }
}

/// Text that means "not applicable" in a cell that allows it.
pub const NOT_APPLICABLE: &str = "不适用";

/// Maps full-width ASCII forms, the ideographic space and the common minus look-alikes to ASCII,
/// so that `１２３`, `－27` and `１２．５` typed with a Chinese IME parse like their ASCII forms.
pub fn to_halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
        '\u{2212}' | '\u{2012}' | '\u{2013}' | '\u{FE63}' => '-',
        '\u{3002}' => '.', // 。 typed for a decimal point
        _ => c,
    }
}

/// Parses what the user typed into a cell of the given kind.
///
/// Accepted: ASCII and full-width digits, surrounding spaces, a leading `+` or `-` in signed cells,
/// decimals in money cells, and a trailing unit equal to the cell's (`0.3万元`).
///
/// Thousands separators (`14,069` or `14，069`) are accepted when they group by three exactly:
/// figures copied from a formatted Excel sheet or a published PDF carry them, and in Chinese
/// documents a comma inside a number is never a decimal point, so the reading is unambiguous.
/// Anything grouped differently (`12,34`) is refused, since it is more likely two numbers.
pub fn parse_cell(text: &str, kind: &CellKind, allow_na: bool) -> CellValue {
    let norm: String = text.chars().map(to_halfwidth).collect();
    let trimmed = norm.trim();
    if trimmed.is_empty() {
        return CellValue::Blank;
    }
    if allow_na && trimmed == NOT_APPLICABLE {
        return CellValue::NotApplicable;
    }
    let original = text.trim().to_string();
    let err = |reason| CellValue::Invalid(ValueError { text: original.clone(), reason });

    let mut s = trimmed;
    // Money in 元 is exact to 2 decimals, in 万元 to 6 (both the fen).
    let mut yuan = matches!(kind, CellKind::Money { unit: Some(u) } if u == "元");
    if let CellKind::Money { unit } = kind {
        for u in ["万元", "元"] {
            if let Some(rest) = s.strip_suffix(u) {
                if unit.as_deref().is_some_and(|cell_unit| cell_unit != u) {
                    return err(Reason::WrongUnit);
                }
                yuan = u == "元";
                s = rest.trim_end();
                break;
            }
        }
    }
    if matches!(s, "/" | "-" | "—" | "——" | "--" | "无" | "空" | "\\") {
        return err(Reason::Placeholder);
    }

    let (negative, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let body = body.trim_start();
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let int_digits = match strip_grouping(int_part) {
        Ok(d) => d,
        Err(GroupingError::NotDigits) => {
            return err(if kind.is_money() { Reason::NotNumber } else { Reason::NotInteger });
        }
        Err(GroupingError::BadGrouping) => return err(Reason::BadGrouping),
    };
    if let Some(f) = frac_part {
        if !f.bytes().all(|b| b.is_ascii_digit()) || (int_digits.is_empty() && f.is_empty()) {
            return err(if kind.is_money() { Reason::NotNumber } else { Reason::NotInteger });
        }
    } else if int_digits.is_empty() {
        return err(if kind.is_money() { Reason::NotNumber } else { Reason::NotInteger });
    }

    // Value checks in the order a person would want to hear them.
    let frac = frac_part.unwrap_or("");
    let frac_significant = frac.trim_end_matches('0');
    match kind {
        CellKind::Count | CellKind::Signed if !frac_significant.is_empty() => {
            return err(Reason::Fraction);
        }
        CellKind::Money { .. } if yuan && frac_significant.len() > YUAN_DIGITS => {
            return err(Reason::TooManyDecimalsYuan);
        }
        CellKind::Money { .. } if frac_significant.len() > SCALE_DIGITS as usize => {
            return err(Reason::TooManyDecimals);
        }
        _ => {}
    }
    let int_value: i64 = {
        let d = int_digits.trim_start_matches('0');
        if d.len() > 13 {
            return err(Reason::TooLarge);
        }
        if d.is_empty() { 0 } else { d.parse().unwrap_or(i64::MAX) }
    };
    if int_value > MAX_MAGNITUDE {
        return err(Reason::TooLarge);
    }
    let mut frac_value: i64 = 0;
    for (i, b) in frac_significant.bytes().enumerate() {
        frac_value += i64::from(b - b'0') * 10_i64.pow(SCALE_DIGITS - 1 - i as u32);
    }
    let magnitude = int_value * SCALE + frac_value;
    if negative && magnitude != 0 {
        if !matches!(kind, CellKind::Signed) {
            return err(Reason::Negative);
        }
        return CellValue::Num(Num(-magnitude));
    }
    CellValue::Num(Num(magnitude))
}

enum GroupingError {
    NotDigits,
    BadGrouping,
}

/// Removes thousands separators (`,` after full-width folding) if they group by three.
fn strip_grouping(s: &str) -> Result<String, GroupingError> {
    if !s.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return Err(GroupingError::NotDigits);
    }
    if !s.contains(',') {
        return Ok(s.to_string());
    }
    let groups: Vec<&str> = s.split(',').collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    if first_ok && rest_ok { Ok(groups.concat()) } else { Err(GroupingError::BadGrouping) }
}

/// The canonical text of a valid value: what the PDF prints and what a CSV export writes.
/// Money keeps the decimals as entered (`0.30` stays `0.30`); signed counts carry their sign.
pub fn canonical_text(text: &str, kind: &CellKind, allow_na: bool) -> Option<String> {
    match parse_cell(text, kind, allow_na) {
        CellValue::Num(n) => Some(match kind {
            CellKind::Signed => n.signed_string(),
            CellKind::Count => n.to_string(),
            CellKind::Money { .. } => money_as_entered(text).unwrap_or_else(|| n.to_string()),
        }),
        CellValue::NotApplicable => Some(NOT_APPLICABLE.to_string()),
        CellValue::Blank | CellValue::Invalid(_) => None,
    }
}

/// The digits of a money value as typed, without spaces, units or separators.
fn money_as_entered(text: &str) -> Option<String> {
    let norm: String = text.chars().map(to_halfwidth).filter(|c| c.is_ascii_digit() || *c == '.').collect();
    let norm = norm.trim_start_matches('0');
    let norm = if norm.is_empty() || norm.starts_with('.') { format!("0{norm}") } else { norm.to_string() };
    let norm = norm.strip_suffix('.').unwrap_or(&norm).to_string();
    Some(norm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(s: &str) -> CellValue {
        parse_cell(s, &CellKind::Count, false)
    }
    fn n(i: i64) -> CellValue {
        CellValue::Num(Num::from_int(i).unwrap())
    }

    #[test]
    fn display_is_shortest_exact_decimal() {
        assert_eq!(Num::from_raw(300_000).to_string(), "0.3");
        assert_eq!(Num::from_raw(-27_000_000).to_string(), "-27");
        assert_eq!(Num::from_raw(1_234_500).to_string(), "1.2345");
        assert_eq!(Num::from_raw(3_851_204_617).to_string(), "3851.204617");
        assert_eq!(Num::from_raw(14_000_000).signed_string(), "+14");
        assert_eq!(Num::ZERO.signed_string(), "0");
    }

    #[test]
    fn grouping_must_be_by_three() {
        assert_eq!(count("14,069"), n(14069));
        assert_eq!(count("１，２３４，５６７"), n(1_234_567));
        assert!(matches!(count("12,34"), CellValue::Invalid(ValueError { reason: Reason::BadGrouping, .. })));
        assert!(matches!(count(",123"), CellValue::Invalid(ValueError { reason: Reason::BadGrouping, .. })));
    }

    #[test]
    fn money_as_entered_keeps_trailing_zeros() {
        let k = CellKind::Money { unit: Some("万元".into()) };
        assert_eq!(canonical_text(" ０.３０ 万元", &k, false).as_deref(), Some("0.30"));
        assert_eq!(canonical_text(".5", &k, false).as_deref(), Some("0.5"));
        assert_eq!(canonical_text("5.", &k, false).as_deref(), Some("5"));
    }
}
