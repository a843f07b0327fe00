//! 标点挤压 (clreq 3.1.6): how much the space between two full-width marks shrinks. Pure
//! character rules, shared by the fonts (a run's width) and the line breaker.

/// Closing marks whose glyph sits in the left half of the em (mainland style): their right
/// half is blank and may be taken away.
const CLOSING: &str = "。，、；：）》」』】〕〗〉”’";
/// Opening marks, glyph in the right half.
const OPENING: &str = "（《「『【〔〖〈“‘";
/// Other full-width punctuation (centred or left, not compressed themselves).
const OTHER_PUNCT: &str = "？！";

/// How much (em) the space between `a` and `b` shrinks when both are set full width (clreq
/// 3.1.6 标点挤压): a closing mark before any punctuation loses its blank right half, an
/// opening mark after any punctuation loses its blank left half.
pub fn squeeze(a: char, b: char) -> f32 {
    let maybe = |c: char| matches!(c as u32, 0x2018..=0x201D | 0x3000..=0x303F | 0xFF00..=0xFFEF);
    if !maybe(a) || !maybe(b) {
        return 0.0;
    }
    let punct = |c: char| CLOSING.contains(c) || OPENING.contains(c) || OTHER_PUNCT.contains(c);
    let closing_first = CLOSING.contains(a) && punct(b);
    let opening_second = OPENING.contains(b) && punct(a);
    if closing_first || opening_second { 0.5 } else { 0.0 }
}
