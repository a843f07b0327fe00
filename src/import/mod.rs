//! Reading the reports offices already hold: the CMS web page, last year's Word file, the
//! published PDF, text copied from a page.
//!
//! Each reader ([`html`], [`docx`], [`pdf`], [`text`]) turns its file into the same neutral
//! [`doc::Document`] — paragraphs and tables with row/column spans — and [`recognize`] turns that
//! into a [`Report`], listing in [`Imported::notes`] what it recognised and what it did not.
//! The file kind is found from the content ([`detect`]), not from the name; kinds that cannot
//! be read (`.doc`, `.wps`, `.xls`, `.et`, OFD, encrypted, scanned) are refused with a Chinese
//! message saying what to do.
//!
//! What the import keeps:
//! - cell texts as printed (`0` stays 0, blank stays blank, `/` `—` `无` are kept so `check`
//!   flags them); a number followed by a note (「22（其中修订16件）」) becomes the number, and the
//!   note is kept as the cell's 说明 in [`Report::explanations`] under the key
//!   [`cell_note_key`] (`说明@` + cell id, e.g. `说明@t2.nds.made`);
//! - values printed on computed cells (totals) in [`Imported::published`], which the rule
//!   engine compares with the computed ones ([`crate::model::Context::published`]);
//! - the six sections' texts, the opening paragraph, the unit's name, the 落款 name and date,
//!   contact details, and a provincial annex table when one matches a template.

pub mod doc;
pub mod docx;
pub mod html;
pub mod limits;
pub mod pdf;
pub mod process;
pub mod recognize;
pub mod text;

use std::collections::BTreeMap;
use std::path::Path;

use crate::model::Report;
pub use crate::store::csv::ImportOptions;
pub use limits::{Budget, Cap};

/// Largest file accepted. Real reports are a few MB (a PDF with embedded fonts up to ~20 MB).
pub const MAX_IMPORT_BYTES: u64 = 40 * 1024 * 1024;
/// Most bytes a `.docx` part may inflate to (a zip bomb stops here).
pub const MAX_UNZIPPED_BYTES: u64 = 64 * 1024 * 1024;

/// What a file is, judged by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// A saved web page (UTF-8, GBK/GB18030 …).
    Html,
    /// Word 2007+ (also what WPS and LibreOffice save as .docx).
    Docx,
    Pdf,
    /// Plain text: copied from a page, one cell per line, tab-separated or `|` rows.
    Text,
    /// Refused: Word 97–2003 `.doc`, WPS `.wps`, or RTF.
    LegacyWord,
    /// Refused: Excel 97–2003 `.xls` or WPS `.et`.
    LegacySheet,
    /// Refused: an Excel workbook (`.xlsx`).
    Workbook,
    /// Refused: OFD (the Chinese fixed-layout format).
    Ofd,
    /// Refused: an Office file protected by a password.
    EncryptedOffice,
}

impl SourceKind {
    /// How the import report names the kind.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Html => "网页",
            SourceKind::Docx => "Word文档（.docx）",
            SourceKind::Pdf => "PDF",
            SourceKind::Text => "文本",
            SourceKind::LegacyWord => "旧版Word/WPS文档（.doc/.wps）",
            SourceKind::LegacySheet => "Excel/WPS表格（.xls/.et）",
            SourceKind::Workbook => "Excel工作簿（.xlsx）",
            SourceKind::Ofd => "OFD版式文件",
            SourceKind::EncryptedOffice => "加密的Office文件",
        }
    }
}

/// Why a file could not be imported. `Display` is the message for the user (exit 2 at the CLI).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("无法读取文件“{path}”：{reason}")]
    Read { path: String, reason: String },
    #[error("文件太大（{size}字节，上限40MB），不像是年度报告")]
    TooLarge { size: u64 },
    #[error("这是{}，无法直接导入：请在WPS或Word中另存为.docx后再导入", .0.label())]
    Legacy(SourceKind),
    #[error(
        "这是Excel工作簿（.xlsx），无法直接导入：请导入报告的Word文件、网页或PDF，或在Excel/WPS中另存为长格式CSV（表,行,列,值）"
    )]
    Workbook,
    #[error("这是OFD版式文件，暂不能导入：请用OFD阅读器或WPS另存为PDF（或导入报告的Word文件）后再导入")]
    Ofd,
    #[error("文件已加密（设有密码），无法读取：请去掉密码另存后再导入")]
    Encrypted,
    #[error("此PDF没有文字层，可能是扫描件：请导入报告的Word文件或网页，或先进行文字识别（OCR）")]
    Scanned,
    #[error(
        "此PDF的字体没有文字映射（ToUnicode），{share}%的文字无法还原：请导入报告的Word文件或网页，或用WPS/Word重新导出PDF"
    )]
    NoTextMapping { share: u32 },
    /// Damaged, as the library reading it said: its words follow as a detail line.
    #[error("{}{}", .damage.sentence(), detail_line(.detail))]
    Broken { damage: Damage, detail: String },
    /// Holds more of something than any report does (see [`limits`]).
    #[error("{}，不像是一份年度报告，未导入", .0.describe())]
    TooComplex(Cap),
    #[error("文件解压后过大（超过{}MB），可能已损坏或是恶意文件，未导入", MAX_UNZIPPED_BYTES / 1024 / 1024)]
    ZipBomb,
    #[error("无法识别的文件类型：应为网页（.html/.htm）、Word文档（.docx）、PDF或文本（.txt）")]
    UnknownKind,
    #[error("文件编码无法识别：应为UTF-8或GB18030（GBK）")]
    Encoding,
    #[error("文件中没有找到政府信息公开工作年度报告（没有表二、表三、表四，也没有报告的各部分标题）")]
    NoReport,
    #[error("无法确定报告年度：标题中没有“XXXX年”，请用 --year 指定")]
    NoYear,
    #[error("报告年度“{0}”不合理")]
    BadYear(i32),
    #[error("未知的报告格式“{0}”（应为 gb2021 或 gb2019）")]
    UnknownFormat(String),
    #[error("{0}")]
    Template(#[from] crate::model::TemplateError),
    /// Its reader process ended without an answer (see [`process`]): why, in words.
    #[error("{0}")]
    Abandoned(String),
}

impl ImportError {
    pub(crate) fn broken(damage: Damage, detail: impl ToString) -> ImportError {
        ImportError::Broken { damage, detail: detail.to_string() }
    }

    /// A zip library's error by its kind: encrypted, compressed in a way not supported, cut
    /// short or damaged.
    pub(crate) fn from_zip(e: zip::result::ZipError) -> ImportError {
        use zip::result::ZipError as Z;
        match e {
            Z::UnsupportedArchive(Z::PASSWORD_REQUIRED) | Z::InvalidPassword => ImportError::Encrypted,
            Z::CompressionMethodNotSupported(m) => ImportError::broken(Damage::Compression, format!("method {m}")),
            Z::FileNotFound => ImportError::broken(Damage::MissingPart, e),
            other => ImportError::broken(Damage::Zip, other),
        }
    }
}

/// The library's own (English) words, on a line of their own after the Chinese sentence.
fn detail_line(detail: &str) -> String {
    if detail.trim().is_empty() { String::new() } else { format!("\n（详细信息：{}）", detail.trim()) }
}

/// What is wrong with a damaged file, as far as the library that read it could tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Damage {
    /// A `.docx` whose zip structure is broken or cut short.
    Zip,
    /// A `.docx` part compressed in a way this program cannot unpack (LZMA, Zstandard …).
    Compression,
    /// A `.docx` whose XML is not well-formed.
    Xml,
    /// A `.docx` without its main part.
    MissingPart,
    /// A `.docx` part that is not UTF-8 text.
    PartEncoding,
    /// A PDF whose structure cannot be read.
    Pdf,
}

impl Damage {
    /// The Chinese sentence the user reads.
    pub fn sentence(self) -> &'static str {
        match self {
            Damage::Zip => {
                "Word文件（.docx）已损坏或不完整（可能在下载或复制时被截断），无法读取：请重新获取文件，或用Word/WPS打开后另存为.docx再导入"
            }
            Damage::Compression => {
                "Word文件（.docx）用了本程序不支持的压缩方式，无法读取：请用Word/WPS打开后另存为.docx再导入"
            }
            Damage::Xml => {
                "Word文件（.docx）的内容格式有误（XML不完整或已损坏），无法读取：请用Word/WPS打开后另存为.docx再导入"
            }
            Damage::MissingPart => {
                "Word文件（.docx）中缺少正文部分（word/document.xml），无法读取：请用Word/WPS打开后另存为.docx再导入"
            }
            Damage::PartEncoding => {
                "Word文件（.docx）的内容不是UTF-8文本，可能已损坏：请用Word/WPS打开后另存为.docx再导入"
            }
            Damage::Pdf => {
                "PDF文件已损坏或结构有误，无法读取：请用PDF阅读器打开后另存一份再导入，或导入报告的Word文件或网页"
            }
        }
    }
}

/// What kind of remark an import note is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum NoteKind {
    /// Found and taken over (the format, the year, a table, a section …).
    Recognised,
    /// Expected but not in the document: the cell or section stays blank.
    NotFound,
    /// A cell held a number and a note: the number is the value, the note its 说明.
    NoteKept,
    /// Could be read more than one way; what was taken is said.
    Ambiguous,
    /// A printed total disagrees with its parts (kept and checked).
    Mismatch,
    /// Something in the document that the report has no place for.
    Ignored,
}

impl NoteKind {
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Recognised => "已识别",
            NoteKind::NotFound => "未找到",
            NoteKind::NoteKept => "附注",
            NoteKind::Ambiguous => "有歧义",
            NoteKind::Mismatch => "不一致",
            NoteKind::Ignored => "未导入",
        }
    }
}

/// Where a note points, so the window can jump there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Target {
    /// A cell id (`t3.new.np`).
    Cell(String),
    /// A text-section key (`s1`, `s1.2` …).
    Section(String),
    /// The unit details (name, 落款, contact).
    Unit,
}

/// One line of the import report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportNote {
    pub kind: NoteKind,
    pub message: String,
    pub target: Option<Target>,
}

impl std::fmt::Display for ImportNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}", self.kind.label(), self.message)
    }
}

/// A report read from a published file.
#[derive(Debug, Clone)]
pub struct Imported {
    pub report: Report,
    /// Values printed on computed cells, by cell id: the rule engine compares them.
    pub published: BTreeMap<String, String>,
    /// The import report, in document order after a summary.
    pub notes: Vec<ImportNote>,
    pub kind: SourceKind,
    /// Printed tables of which the file holds no cell at all (the check says the report lacks
    /// them: [`crate::model::Context::absent_tables`]).
    pub absent_tables: Vec<String>,
    /// Parts whose heading the file does not hold ([`crate::model::Context::absent_sections`]).
    pub absent_sections: Vec<String>,
    /// The section headings as the file printed them, in order (the heading checks read them).
    pub headings: Vec<crate::model::headings::PrintedHeading>,
}

/// The key under which the note printed beside a cell's number is kept in
/// [`Report::explanations`]: `说明@` + the cell id.
pub fn cell_note_key(cell_id: &str) -> String {
    format!("{CELL_NOTE_PREFIX}{cell_id}")
}

/// Prefix of [`cell_note_key`]; what follows it is a cell id.
pub const CELL_NOTE_PREFIX: &str = "说明@";

/// Whether a path's extension names a file this module reads (for file dialogs and drops; the
/// content decides in the end).
pub fn is_report_path(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(e.to_ascii_lowercase().as_str(), "html" | "htm" | "shtml" | "xhtml" | "mht" | "docx" | "pdf" | "txt")
    })
}

/// What a file is, by its content (`path` only breaks ties between look-alikes, e.g. `.wps`
/// and `.doc`). `None`: not a kind this module knows.
///
/// Structure first: a PDF header at the start, a zip or OLE signature. Only then the content is
/// sniffed, leniently (one stray byte does not make a page unknown): a web page or text. A PDF
/// header further into the first kilobyte (junk before it) counts only when the file is not a
/// web page.
pub fn detect(bytes: &[u8], path: Option<&Path>) -> Option<SourceKind> {
    if bytes.starts_with(b"%PDF-") {
        return Some(SourceKind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") || bytes.starts_with(b"PK\x07\x08") {
        return docx::detect_zip(bytes, path);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(detect_ole(bytes, path));
    }
    if bytes.starts_with(b"{\\rtf") {
        return Some(SourceKind::LegacyWord);
    }
    let head = &bytes[..bytes.len().min(1024)];
    let pdf_later = find(head, b"%PDF-").is_some();
    if bytes.iter().take(4096).filter(|&&b| b == 0).count() > 2 && !is_utf16(bytes) {
        return pdf_later.then_some(SourceKind::Pdf);
    }
    // The first 4 KB decoded as the page would be, errors replaced: enough to tell a page.
    let sniff = html::decode_lossy(&bytes[..bytes.len().min(4096)]);
    if html::looks_like_html(&sniff) {
        return Some(SourceKind::Html);
    }
    if pdf_later {
        return Some(SourceKind::Pdf);
    }
    Some(SourceKind::Text)
}

fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// An OLE compound file: Word/WPS, Excel/ET, or an encrypted OOXML package.
fn detect_ole(bytes: &[u8], path: Option<&Path>) -> SourceKind {
    let utf16 = |s: &str| s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect::<Vec<u8>>();
    if find(bytes, &utf16("EncryptedPackage")).is_some() {
        return SourceKind::EncryptedOffice;
    }
    if find(bytes, &utf16("Workbook")).is_some() || find(bytes, &utf16("Book")).is_some() {
        return SourceKind::LegacySheet;
    }
    if find(bytes, &utf16("WordDocument")).is_some() {
        return SourceKind::LegacyWord;
    }
    let ext = path.and_then(|p| p.extension()).and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("xls" | "et") => SourceKind::LegacySheet,
        _ => SourceKind::LegacyWord,
    }
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads a published report from a file.
pub fn read_file(path: &Path, opts: &ImportOptions) -> Result<Imported, ImportError> {
    let bytes = crate::store::read_limited(path, MAX_IMPORT_BYTES).map_err(|e| match e {
        crate::store::ReadError::TooLarge { size, .. } => ImportError::TooLarge { size },
        e => ImportError::Read { path: path.display().to_string(), reason: e.to_string() },
    })?;
    read_bytes(&bytes, Some(path), opts)
}

/// Reads a published report from its bytes; `path` (if known) only helps name look-alikes.
pub fn read_bytes(bytes: &[u8], path: Option<&Path>, opts: &ImportOptions) -> Result<Imported, ImportError> {
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { size: bytes.len() as u64 });
    }
    let kind = detect(bytes, path).ok_or(ImportError::UnknownKind)?;
    let document = read_document_guarded(bytes, kind)?;
    recognize::recognize(&document, kind, opts)
}

/// [`read_document`] in a reader process of its own when this is the program itself
/// ([`crate::isolate`]): what a library does with a hostile file then ends that process only.
pub fn read_document_guarded(bytes: &[u8], kind: SourceKind) -> Result<doc::Document, ImportError> {
    match (kind, crate::isolate::reader_program()) {
        (SourceKind::Html | SourceKind::Docx | SourceKind::Pdf | SourceKind::Text, Some(exe)) => {
            process::read_document_in_reader(&exe, bytes, kind)
        }
        _ => read_document(bytes, kind),
    }
}

/// The neutral document of a file of a known kind, read within one [`Budget`], in this process.
pub fn read_document(bytes: &[u8], kind: SourceKind) -> Result<doc::Document, ImportError> {
    let mut budget = Budget::new();
    match kind {
        SourceKind::Html => html::read(bytes, &mut budget),
        SourceKind::Docx => docx::read(bytes, &mut budget),
        SourceKind::Pdf => pdf::read(bytes, &mut budget),
        SourceKind::Text => text::read(bytes, &mut budget),
        SourceKind::LegacyWord | SourceKind::LegacySheet => Err(ImportError::Legacy(kind)),
        SourceKind::Workbook => Err(ImportError::Workbook),
        SourceKind::Ofd => Err(ImportError::Ofd),
        SourceKind::EncryptedOffice => Err(ImportError::Encrypted),
    }
}
