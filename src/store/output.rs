//! Guards for a file about to be written: never the input itself, never a file that holds
//! someone's work without being asked, never something that is not a file.
//!
//! The command line asks with `--force`; the window asks with a dialog. Both look at the target
//! with [`inspect`] and decide with [`check_output`].

use std::io::Read;
use std::path::{Path, PathBuf};

/// What is at a path before anything is written there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Existing {
    Absent,
    /// A draft this program reads: someone's work.
    Draft,
    /// Says it is a draft but cannot be read by this version (newer, damaged): never replaced.
    UnreadableDraft(String),
    /// Exists but cannot be read (no permission): what it holds is unknown, so it is kept.
    Unreadable(String),
    /// A folder, device or pipe.
    NotRegular(&'static str),
    /// Any other file (an earlier export, a spreadsheet …).
    Other,
}

/// What the output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A draft (`new`, `import`, 另存为): may replace only a readable draft, when asked.
    Draft,
    /// A PDF, CSV or other export: may replace an existing file when asked, a draft only when
    /// the user names it explicitly and asks.
    Export,
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("输出文件“{}”就是输入文件；为免覆盖原文件，请换一个文件名", .path.display())]
    SameAsInput { path: PathBuf },
    /// May be overwritten when the user confirms (`--force`).
    #[error("“{}”已存在{}", .path.display(), match .existing { Existing::Draft => "，而且是一份年报草稿", _ => "" })]
    Exists { path: PathBuf, existing: Existing },
    /// Never overwritten, whatever the user says.
    #[error("“{}”{}；为免丢失其中内容，不会覆盖它，请换一个文件名", .path.display(), protected_reason(.existing))]
    Protected { path: PathBuf, existing: Existing },
}

impl OutputError {
    /// Whether confirming (`--force`, the dialog's 覆盖) would let the write go ahead.
    pub fn can_confirm(&self) -> bool {
        matches!(self, OutputError::Exists { .. })
    }
}

fn protected_reason(e: &Existing) -> String {
    match e {
        Existing::UnreadableDraft(why) => format!("是本程序无法读取的年报草稿（{why}）"),
        Existing::Unreadable(why) => format!("无法读取（{why}），不能确认其中是什么"),
        Existing::NotRegular(kind) => format!("不是普通文件（{kind}）"),
        Existing::Draft => "是年报草稿".into(),
        Existing::Other => "不是能读取的年报草稿".into(),
        Existing::Absent => "不存在".into(),
    }
}

/// Looks at what is at `path` (following links), reading no more than a draft's size limit. A
/// folder, device or pipe is named from its metadata and never opened (opening a FIFO for
/// reading waits for a writer: `-o fifo` once hung for ever).
pub fn inspect(path: &Path) -> Existing {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling link is not "nothing": writing there creates its target.
            return Existing::Absent;
        }
        Err(e) => return Existing::Unreadable(super::atomic::describe_io(&e)),
    };
    if let Some(kind) = super::read::kind_name(&meta) {
        return Existing::NotRegular(kind);
    }
    // A draft says so near its start; anything that does not is some other file.
    let mut head = Vec::new();
    let opened = super::read::open_regular(path).and_then(|f| f.take(4096).read_to_end(&mut head).map_err(Into::into));
    match opened {
        Ok(_) => {}
        Err(super::ReadError::NotRegular(kind)) => return Existing::NotRegular(kind),
        Err(e) => return Existing::Unreadable(e.to_string()),
    }
    if !String::from_utf8_lossy(&head).contains(super::draft::FORMAT_TAG) {
        return Existing::Other;
    }
    match super::draft::load(path) {
        Ok(_) => Existing::Draft,
        Err(e) => Existing::UnreadableDraft(short_reason(&e)),
    }
}

fn short_reason(e: &super::DraftError) -> String {
    use super::DraftError as D;
    match e {
        D::TooNew { found, .. } => format!("由更新版本保存，草稿格式第{found}版"),
        D::Syntax { line, .. } => format!("第{line}行有误"),
        other => other.to_string(),
    }
}

/// Whether two paths name the same file (hard links and different spellings included). Told
/// from the files' metadata where the system gives an identity there (Unix: device and inode),
/// so a pipe is never opened; elsewhere regular files only are opened to compare.
pub fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else { return false };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (ma.dev(), ma.ino()) == (mb.dev(), mb.ino())
    }
    #[cfg(not(unix))]
    {
        if !ma.is_file() || !mb.is_file() {
            return false;
        }
        match (same_file::Handle::from_path(a), same_file::Handle::from_path(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// Decides whether `output` may be written: never one of the `inputs`; an existing file only
/// when `confirmed`, and then only what [`Purpose`] allows. Returns what is there.
pub fn check_output(
    output: &Path,
    inputs: &[&Path],
    purpose: Purpose,
    confirmed: bool,
) -> Result<Existing, OutputError> {
    let path = output.to_path_buf();
    // A folder, device or pipe is refused before anything opens it.
    if let Ok(meta) = std::fs::metadata(output)
        && let Some(kind) = super::read::kind_name(&meta)
    {
        return Err(OutputError::Protected { path, existing: Existing::NotRegular(kind) });
    }
    if inputs.iter().any(|i| same_file(i, output)) {
        return Err(OutputError::SameAsInput { path });
    }
    let existing = inspect(output);
    let allowed = match (&existing, purpose) {
        (Existing::Absent, _) => return Ok(existing),
        (Existing::Draft, _) => true,
        (Existing::Other, Purpose::Export) => true,
        (Existing::Other, Purpose::Draft) => false,
        (Existing::UnreadableDraft(_) | Existing::Unreadable(_) | Existing::NotRegular(_), _) => false,
    };
    if !allowed {
        return Err(OutputError::Protected { path, existing });
    }
    if !confirmed {
        return Err(OutputError::Exists { path, existing });
    }
    Ok(existing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_over_its_own_input_is_refused_even_when_confirmed() {
        let dir = tempfile::tempdir().unwrap();
        let draft = dir.path().join("x.ron");
        crate::store::save(&draft, &crate::model::Report::new("gb2021", 2025, "某局")).unwrap();
        let alias = dir.path().join(".").join("x.ron");
        let err = check_output(&alias, &[&draft], Purpose::Export, true).unwrap_err();
        assert!(matches!(err, OutputError::SameAsInput { .. }), "{err}");
        #[cfg(unix)]
        {
            let link = dir.path().join("hard.ron");
            std::fs::hard_link(&draft, &link).unwrap();
            assert!(matches!(
                check_output(&link, &[&draft], Purpose::Export, true),
                Err(OutputError::SameAsInput { .. })
            ));
        }
    }

    #[test]
    fn what_may_be_replaced_depends_on_what_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("old.pdf");
        std::fs::write(&other, "%PDF-1.7 …").unwrap();
        let newer = dir.path().join("newer.ron");
        std::fs::write(&newer, "(format: \"nianbao-draft\", version: 99)").unwrap();
        let draft = dir.path().join("draft.ron");
        crate::store::save(&draft, &crate::model::Report::new("gb2021", 2025, "某局")).unwrap();

        assert_eq!(check_output(&dir.path().join("new.pdf"), &[], Purpose::Export, false).unwrap(), Existing::Absent);
        assert!(check_output(&other, &[], Purpose::Export, false).unwrap_err().can_confirm());
        assert_eq!(check_output(&other, &[], Purpose::Export, true).unwrap(), Existing::Other);
        assert!(
            !check_output(&other, &[], Purpose::Draft, true).unwrap_err().can_confirm(),
            "a draft never replaces a non-draft"
        );
        let e = check_output(&newer, &[], Purpose::Export, true).unwrap_err();
        assert!(e.to_string().contains("更新版本"), "{e}");
        assert!(check_output(&draft, &[], Purpose::Export, false).unwrap_err().to_string().contains("年报草稿"));
        assert_eq!(check_output(&draft, &[], Purpose::Export, true).unwrap(), Existing::Draft);
        assert!(matches!(check_output(dir.path(), &[], Purpose::Export, true), Err(OutputError::Protected { .. })));
    }
}
