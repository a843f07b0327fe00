//! Reading a published document in a reader process ([`crate::isolate`]): `nianbao
//! __read-document KIND`, the file's bytes on its input, the neutral document (or why it was
//! refused) as JSON on its output. What happens to the process — a crash, its memory or time
//! limit — comes back as [`ImportError::Abandoned`], in Chinese.

use std::ffi::OsString;
use std::io::Read;
use std::path::Path;

use super::doc::Document;
use super::{Cap, Damage, ImportError, SourceKind};
use crate::isolate::{self, ReaderEnd};

/// The hidden command of a document reader.
pub const READ_COMMAND: &str = "__read-document";

/// What a reader answers: the document, or why it was refused.
#[derive(serde::Serialize, serde::Deserialize)]
enum Answer {
    Read(Document),
    Refused(Refusal),
}

/// The refusals a reader can give, as they travel back.
#[derive(serde::Serialize, serde::Deserialize)]
enum Refusal {
    Encrypted,
    Scanned,
    NoTextMapping(u32),
    Broken(Damage, String),
    TooComplex(Cap),
    ZipBomb,
    Encoding,
    Other(String),
}

impl From<ImportError> for Refusal {
    fn from(e: ImportError) -> Refusal {
        match e {
            ImportError::Encrypted => Refusal::Encrypted,
            ImportError::Scanned => Refusal::Scanned,
            ImportError::NoTextMapping { share } => Refusal::NoTextMapping(share),
            ImportError::Broken { damage, detail } => Refusal::Broken(damage, detail),
            ImportError::TooComplex(cap) => Refusal::TooComplex(cap),
            ImportError::ZipBomb => Refusal::ZipBomb,
            ImportError::Encoding => Refusal::Encoding,
            other => Refusal::Other(other.to_string()),
        }
    }
}

impl From<Refusal> for ImportError {
    fn from(r: Refusal) -> ImportError {
        match r {
            Refusal::Encrypted => ImportError::Encrypted,
            Refusal::Scanned => ImportError::Scanned,
            Refusal::NoTextMapping(share) => ImportError::NoTextMapping { share },
            Refusal::Broken(damage, detail) => ImportError::Broken { damage, detail },
            Refusal::TooComplex(cap) => ImportError::TooComplex(cap),
            Refusal::ZipBomb => ImportError::ZipBomb,
            Refusal::Encoding => ImportError::Encoding,
            Refusal::Other(text) => ImportError::Abandoned(text),
        }
    }
}

fn kind_word(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Html => "html",
        SourceKind::Docx => "docx",
        SourceKind::Pdf => "pdf",
        _ => "text",
    }
}

/// Reads a document of a kind this module reads in a reader process started from `exe`.
pub fn read_document_in_reader(exe: &Path, bytes: &[u8], kind: SourceKind) -> Result<Document, ImportError> {
    let args = [OsString::from(READ_COMMAND), OsString::from(kind_word(kind))];
    let answer =
        isolate::run(exe, &args, bytes, time_limit(), None).map_err(|end| ImportError::Abandoned(end.to_string()))?;
    match serde_json::from_slice::<Answer>(&answer) {
        Ok(Answer::Read(doc)) => Ok(doc),
        Ok(Answer::Refused(r)) => Err(r.into()),
        Err(_) => Err(ImportError::Abandoned(ReaderEnd::NoAnswer.to_string())),
    }
}

/// How long a reader may take: [`isolate::TIME_LIMIT`], or in debug builds the seconds in
/// `NIANBAO_DEBUG_READER_SECONDS` (for the test of a reader that never ends).
fn time_limit() -> std::time::Duration {
    #[cfg(debug_assertions)]
    if let Some(s) = std::env::var("NIANBAO_DEBUG_READER_SECONDS").ok().and_then(|s| s.parse().ok()) {
        return std::time::Duration::from_secs(s);
    }
    isolate::TIME_LIMIT
}

/// Hidden triggers for the tests (debug builds only): with `NIANBAO_DEBUG_READER_FAILS` set, a
/// reader given a file holding `reader-abort`, `reader-panic`, `reader-allocate` or
/// `reader-hang` fails as a reader with a bug might: it aborts, panics, allocates without end
/// or never ends.
#[cfg(debug_assertions)]
fn debug_failure(bytes: &[u8]) {
    if std::env::var_os("NIANBAO_DEBUG_READER_FAILS").is_none() {
        return;
    }
    let holds = |word: &[u8]| super::find(bytes, word).is_some();
    if holds(b"reader-abort") {
        std::process::abort();
    }
    if holds(b"reader-panic") {
        panic!("NIANBAO_DEBUG_READER_FAILS");
    }
    if holds(b"reader-allocate") {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(vec![1u8; 64 << 20]);
        }
    }
    if holds(b"reader-hang") {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

/// The reader's side: limits set, the document read from standard input, the answer as JSON.
pub fn serve(kind: &str, input: &mut dyn Read) -> String {
    isolate::become_reader();
    let kind = match kind {
        "html" => SourceKind::Html,
        "docx" => SourceKind::Docx,
        "pdf" => SourceKind::Pdf,
        _ => SourceKind::Text,
    };
    let mut bytes = Vec::new();
    let read = input.take(super::MAX_IMPORT_BYTES + 1).read_to_end(&mut bytes);
    #[cfg(debug_assertions)]
    debug_failure(&bytes);
    let answer = match read {
        Ok(_) if bytes.len() as u64 > super::MAX_IMPORT_BYTES => {
            Answer::Refused(Refusal::Other(ImportError::TooLarge { size: bytes.len() as u64 }.to_string()))
        }
        Ok(_) => match super::read_document(&bytes, kind) {
            Ok(doc) => Answer::Read(doc),
            Err(e) => Answer::Refused(e.into()),
        },
        Err(e) => Answer::Refused(Refusal::Other(crate::store::atomic::describe_io(&e))),
    };
    serde_json::to_string(&answer).unwrap_or_default()
}
