//! A page's content stream read one operator at a time, with the operands it needs. Decoding
//! the whole stream into a list first (lopdf's `Content::decode`) took 2.85 GB for one page of
//! 32 MB; here memory stays that of one operator: at most [`MAX_OPERANDS`] operands, arrays of at
//! most [`MAX_ARRAY`] items nested at most [`MAX_NESTING`] deep (the rest is read past).

/// Operands kept per operator (real operators take at most six; the rest is junk).
const MAX_OPERANDS: usize = 16;
/// Items kept per array (a `TJ` array of a line of text has a few hundred).
const MAX_ARRAY: usize = 4096;
/// Arrays and dictionaries nested deeper are read past, not kept.
const MAX_NESTING: usize = 16;

/// An operand as the reader needs it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Operand<'a> {
    Number(f32),
    /// A name, without its slash (`#xx` escapes left as written).
    Name(&'a [u8]),
    /// A string, literal or hex, decoded.
    Str(Vec<u8>),
    Array(Vec<Operand<'a>>),
    /// A dictionary, a boolean, `null`.
    Other,
}

impl Operand<'_> {
    pub fn number(&self) -> Option<f32> {
        match self {
            Operand::Number(n) => Some(*n),
            _ => None,
        }
    }
}

fn is_white(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delimiter(c: u8) -> bool {
    matches!(c, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

/// Reads operators from content bytes.
pub(super) struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8]) -> Lexer<'a> {
        Lexer { data, pos: 0 }
    }

    /// The next operator, with its operands in `operands` (cleared first). Inline images
    /// (`BI … ID … EI`) are passed over.
    pub fn next_op(&mut self, operands: &mut Vec<Operand<'a>>) -> Option<&'a [u8]> {
        operands.clear();
        loop {
            self.skip_space();
            let c = *self.data.get(self.pos)?;
            let operand = match c {
                b'[' => {
                    self.pos += 1;
                    self.array(1)
                }
                b']' | b')' | b'>' | b'{' | b'}' => {
                    // A stray delimiter: passed over.
                    self.pos += 1;
                    continue;
                }
                _ => match self.operand() {
                    Some(o) => o,
                    None => {
                        let word = self.regular();
                        match word {
                            b"true" | b"false" | b"null" => Operand::Other,
                            b"BI" => {
                                self.skip_inline_image();
                                operands.clear();
                                continue;
                            }
                            _ => return Some(word),
                        }
                    }
                },
            };
            if operands.len() < MAX_OPERANDS {
                operands.push(operand);
            }
        }
    }

    fn skip_space(&mut self) {
        while let Some(&c) = self.data.get(self.pos) {
            if is_white(c) {
                self.pos += 1;
            } else if c == b'%' {
                while let Some(&c) = self.data.get(self.pos) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// A number, name, string or dictionary at the current place; `None` for a word (an
    /// operator or keyword), which is left unread.
    fn operand(&mut self) -> Option<Operand<'a>> {
        let c = *self.data.get(self.pos)?;
        Some(match c {
            b'/' => {
                self.pos += 1;
                Operand::Name(self.regular())
            }
            b'(' => Operand::Str(self.literal()),
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.skip_dictionary();
                Operand::Other
            }
            b'<' => Operand::Str(self.hex()),
            b'+' | b'-' | b'.' | b'0'..=b'9' => Operand::Number(self.number()),
            _ => return None,
        })
    }

    /// A run of regular characters (at least one, so the reader always moves on).
    fn regular(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(&c) = self.data.get(self.pos) {
            if is_white(c) || is_delimiter(c) {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start && self.pos < self.data.len() {
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    fn number(&mut self) -> f32 {
        let start = self.pos;
        while let Some(&c) = self.data.get(self.pos) {
            if !matches!(c, b'+' | b'-' | b'.' | b'0'..=b'9') {
                break;
            }
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.data[start..self.pos]).unwrap_or("");
        let value: f32 = text.parse().unwrap_or(0.0);
        if value.is_finite() { value } else { 0.0 }
    }

    /// `( … )` with nested parentheses and escapes.
    fn literal(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(&c) = self.data.get(self.pos) {
            self.pos += 1;
            match c {
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(c);
                }
                b'\\' => {
                    let Some(&e) = self.data.get(self.pos) else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.data.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        // A backslash at the end of a line continues the string.
                        b'\r' => {
                            if self.data.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
        out
    }

    /// `< … >`: hex digits, white space ignored, an odd last digit padded with 0.
    fn hex(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(&c) = self.data.get(self.pos) {
            self.pos += 1;
            let v = match c {
                b'>' => break,
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => continue,
            };
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        out
    }

    /// `<< … >>`, with strings and nested dictionaries inside, passed over.
    fn skip_dictionary(&mut self) {
        self.pos += 2;
        let mut depth = 1usize;
        while let Some(&c) = self.data.get(self.pos) {
            match c {
                b'(' => {
                    self.literal();
                }
                b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                    depth += 1;
                    self.pos += 2;
                }
                b'<' => {
                    self.hex();
                }
                b'>' if self.data.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => self.pos += 1,
            }
        }
    }

    /// The items of an array, up to its `]`; `depth` is how deep it is nested.
    fn array(&mut self, depth: usize) -> Operand<'a> {
        let mut items = Vec::new();
        loop {
            self.skip_space();
            let Some(&c) = self.data.get(self.pos) else { break };
            let item = match c {
                b']' => {
                    self.pos += 1;
                    break;
                }
                b'[' => {
                    self.pos += 1;
                    if depth >= MAX_NESTING {
                        self.skip_array();
                        Operand::Other
                    } else {
                        self.array(depth + 1)
                    }
                }
                b')' | b'>' | b'{' | b'}' => {
                    self.pos += 1;
                    continue;
                }
                _ => match self.operand() {
                    Some(o) => o,
                    None => {
                        // A word inside an array (not valid): kept as nothing.
                        self.regular();
                        Operand::Other
                    }
                },
            };
            if items.len() < MAX_ARRAY {
                items.push(item);
            }
        }
        Operand::Array(items)
    }

    /// Past the `]` that closes an array too deep to keep.
    fn skip_array(&mut self) {
        let mut depth = 1usize;
        while let Some(&c) = self.data.get(self.pos) {
            match c {
                b'(' => {
                    self.literal();
                    continue;
                }
                b'<' => {
                    self.hex();
                    continue;
                }
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// After `BI`: the image's keys up to `ID`, then its data up to an `EI` standing alone.
    fn skip_inline_image(&mut self) {
        loop {
            self.skip_space();
            if self.pos >= self.data.len() {
                return;
            }
            if self.operand().is_none() && self.regular() == b"ID" {
                break;
            }
        }
        // One white-space byte ends `ID`; the data may hold anything.
        self.pos += 1;
        while self.pos + 2 <= self.data.len() {
            let before_white = self.pos == 0 || is_white(self.data[self.pos - 1]);
            if before_white
                && &self.data[self.pos..self.pos + 2] == b"EI"
                && self.data.get(self.pos + 2).is_none_or(|&c| is_white(c) || is_delimiter(c))
            {
                self.pos += 2;
                return;
            }
            self.pos += 1;
        }
        self.pos = self.data.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(data: &[u8]) -> Vec<(String, Vec<Operand<'_>>)> {
        let mut lexer = Lexer::new(data);
        let mut out = Vec::new();
        let mut operands = Vec::new();
        while let Some(op) = lexer.next_op(&mut operands) {
            out.push((String::from_utf8_lossy(op).into_owned(), operands.clone()));
        }
        out
    }

    #[test]
    fn operators_with_their_operands() {
        let got =
            ops(b"q 1 0 0 1 72.5 -7 cm BT /F1 12 Tf (a\\(b\\)\\101\\\n c) Tj [<0001 00 2> -250 (x)] TJ ET % note\nQ");
        let names: Vec<&str> = got.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, ["q", "cm", "BT", "Tf", "Tj", "TJ", "ET", "Q"]);
        assert_eq!(got[1].1[4], Operand::Number(72.5));
        assert_eq!(got[1].1[5], Operand::Number(-7.0));
        assert_eq!(got[3].1, vec![Operand::Name(b"F1"), Operand::Number(12.0)]);
        assert_eq!(got[4].1, vec![Operand::Str(b"a(b)A c".to_vec())]);
        assert_eq!(
            got[5].1,
            vec![Operand::Array(vec![
                Operand::Str(vec![0x00, 0x01, 0x00, 0x20]),
                Operand::Number(-250.0),
                Operand::Str(b"x".to_vec())
            ])]
        );
    }

    #[test]
    fn inline_images_dictionaries_and_junk_are_passed_over() {
        let got = ops(b"/P <</MCID 0 /A (>>)>> BDC BI /W 2 /H 1 ID \x00EI\xffEIx EI Q ] ) 1.2.3 true re");
        let names: Vec<&str> = got.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, ["BDC", "Q", "re"]);
        assert_eq!(got[0].1, vec![Operand::Name(b"P"), Operand::Other]);
        assert_eq!(got[2].1, vec![Operand::Number(0.0), Operand::Other]);
    }

    #[test]
    fn deep_arrays_and_endless_operands_stay_small() {
        let mut deep = b"[".repeat(100_000);
        deep.extend(b"1 TJ");
        let got = ops(&deep);
        assert!(got.is_empty(), "an unclosed array swallows the rest");
        let many = b"1 ".repeat(100_000);
        let mut data = many.clone();
        data.extend(b"cm");
        let got = ops(&data);
        assert_eq!(got[0].1.len(), MAX_OPERANDS);
    }
}
