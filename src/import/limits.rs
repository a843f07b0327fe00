//! How much a published document may hold, and how much reading one has used: one budget that
//! every reader consults, so that the work done is bounded by the file whatever it claims.
//!
//! A real report has a few hundred paragraphs, a few hundred table cells, 5–15 pages and a few
//! fonts; each bound below is far above that, and far below what would make reading take more
//! than a second or two. A file over a bound is refused, never read in part, with a sentence
//! saying what was too large ([`super::ImportError::TooComplex`]). Limits on the file's size
//! and on what a `.docx` part may inflate to are in [`super`] (`MAX_IMPORT_BYTES`,
//! `MAX_UNZIPPED_BYTES`).

use super::ImportError;

/// Something a file controls that reading it must bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Cap {
    /// Paragraphs (lines of pasted text) of the whole document.
    Paragraphs,
    /// Table cells of the whole document (for a PDF: the slots of every ruled table).
    Cells,
    /// Tables inside tables.
    TableNesting,
    /// Elements (tags) of a web page.
    Elements,
    /// Attributes of one element of a web page.
    Attributes,
    /// Elements inside elements (a web page, Word's XML).
    Nesting,
    /// Pages of a PDF.
    Pages,
    /// Bytes of PDF streams decoded and read: page contents (a form drawn twice counts twice)
    /// and fonts' code maps.
    Content,
    /// Operators of PDF page contents run (a form drawn twice counts twice).
    Operators,
    /// Form XObjects drawn.
    Forms,
    /// Characters placed on one PDF page.
    PageGlyphs,
    /// Characters placed in the whole PDF.
    Glyphs,
    /// Ruling lines drawn on one PDF page.
    PageLines,
    /// Ruled tables on one PDF page.
    PageTables,
    /// Entries of the fonts' code maps (ToUnicode, CMaps, widths).
    FontEntries,
}

impl Cap {
    pub const ALL: [Cap; 15] = [
        Cap::Paragraphs,
        Cap::Cells,
        Cap::TableNesting,
        Cap::Elements,
        Cap::Attributes,
        Cap::Nesting,
        Cap::Pages,
        Cap::Content,
        Cap::Operators,
        Cap::Forms,
        Cap::PageGlyphs,
        Cap::Glyphs,
        Cap::PageLines,
        Cap::PageTables,
        Cap::FontEntries,
    ];

    /// The bound.
    pub const fn limit(self) -> u64 {
        match self {
            Cap::Paragraphs => 20_000,
            Cap::Cells => 20_000,
            Cap::TableNesting => 32,
            Cap::Elements => 500_000,
            Cap::Attributes => 1_000,
            Cap::Nesting => 512,
            Cap::Pages => 300,
            Cap::Content => 96 * 1024 * 1024,
            Cap::Operators => 4_000_000,
            Cap::Forms => 10_000,
            Cap::PageGlyphs => 50_000,
            Cap::Glyphs => 1_000_000,
            Cap::PageLines => 20_000,
            Cap::PageTables => 200,
            Cap::FontEntries => 1_000_000,
        }
    }

    /// What is counted, and its unit, in the words of the refusal.
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Cap::Paragraphs => ("段落（文字行）", "段"),
            Cap::Cells => ("表格单元格", "个"),
            Cap::TableNesting => ("表格嵌套层数", "层"),
            Cap::Elements => ("网页元素（标签）", "个"),
            Cap::Attributes => ("一个网页元素的属性", "个"),
            Cap::Nesting => ("元素嵌套层数", "层"),
            Cap::Pages => ("PDF页数", "页"),
            Cap::Content => ("PDF中要解压和读取的内容", ""),
            Cap::Operators => ("PDF页面的绘图指令", "条"),
            Cap::Forms => ("PDF中表单对象（XObject）的调用", "次"),
            Cap::PageGlyphs => ("一页PDF上的文字", "个字"),
            Cap::Glyphs => ("PDF中的文字", "个字"),
            Cap::PageLines => ("一页PDF上的线条", "条"),
            Cap::PageTables => ("一页PDF上的表格", "个"),
            Cap::FontEntries => ("PDF字体的字符映射条目", "条"),
        }
    }

    /// `PDF页数过多（超过300页）`.
    pub fn describe(self) -> String {
        let (what, unit) = self.words();
        let limit = match (self, unit) {
            (_, "") => crate::store::read::human_size(self.limit()),
            _ => format!("{}{unit}", self.limit()),
        };
        format!("{what}过多（超过{limit}）")
    }

    fn index(self) -> usize {
        Cap::ALL.iter().position(|&c| c == self).unwrap_or(0)
    }
}

/// What reading one document has used of each [`Cap`].
#[derive(Debug, Clone, Default)]
pub struct Budget {
    used: [u64; Cap::ALL.len()],
}

impl Budget {
    pub fn new() -> Budget {
        Budget::default()
    }

    /// Uses `n` more of `cap`; refuses the document once the bound is passed.
    pub fn spend(&mut self, cap: Cap, n: u64) -> Result<(), ImportError> {
        let used = &mut self.used[cap.index()];
        *used = used.saturating_add(n);
        if *used > cap.limit() { Err(ImportError::TooComplex(cap)) } else { Ok(()) }
    }

    /// A level (a nesting depth, a count on one page) that may not pass the bound.
    pub fn level(cap: Cap, value: u64) -> Result<(), ImportError> {
        if value > cap.limit() { Err(ImportError::TooComplex(cap)) } else { Ok(()) }
    }

    /// How much of `cap` is left (for a library call that takes a limit).
    pub fn left(&self, cap: Cap) -> u64 {
        cap.limit().saturating_sub(self.used[cap.index()])
    }

    /// A new PDF page: what is counted per page starts again.
    pub fn new_page(&mut self) {
        for cap in [Cap::PageGlyphs, Cap::PageLines, Cap::PageTables] {
            self.used[cap.index()] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_refuses_once_passed_and_says_what() {
        let mut b = Budget::new();
        assert!(b.spend(Cap::Pages, 300).is_ok());
        let err = b.spend(Cap::Pages, 1).unwrap_err();
        assert!(matches!(err, ImportError::TooComplex(Cap::Pages)));
        assert!(err.to_string().contains("PDF页数过多（超过300页）"), "{err}");
        assert!(Cap::Content.describe().contains("（超过96MB）"), "{}", Cap::Content.describe());
        b.new_page();
        assert!(b.spend(Cap::PageGlyphs, 50_000).is_ok());
        b.new_page();
        assert!(b.spend(Cap::PageGlyphs, 50_000).is_ok(), "per page");
        assert!(Budget::level(Cap::Nesting, 513).is_err());
    }
}
