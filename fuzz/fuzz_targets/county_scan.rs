//! Any bytes as a county's folder: entries (a file with its content, a folder, a link, a pipe,
//! a socket) with any names a file system allows, made in a fresh folder, then scanned and
//! checked as `nianbao check 文件夹` does (in process). Nothing panics, nothing is opened that
//! is not a regular file (a pipe would hang the run: libFuzzer's timeout), and every entry the
//! scan takes comes back checked or unreadable, once.
//!
//! Input: entries of `kind, name length, name, content length (2 bytes), content`; kinds by
//! the low 3 bits: 0–2 file, 3 folder (later entries go in it), 4 link to the entry named by
//! its content, 5 pipe, 6 socket, 7 back up one folder.
#![no_main]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use libfuzzer_sys::fuzz_target;
use nianbao::county::{self, CheckOptions};

fn name(bytes: &[u8]) -> Option<&OsStr> {
    let ok = !bytes.is_empty() && bytes != b"." && bytes != b".." && !bytes.contains(&b'/') && !bytes.contains(&0);
    ok.then(|| OsStr::from_bytes(bytes))
}

fuzz_target!(|data: &[u8]| {
    let Ok(root) = tempfile::tempdir() else { return };
    let top = root.path().join("文件夹");
    if std::fs::create_dir(&top).is_err() {
        return;
    }
    let mut here: Vec<PathBuf> = vec![top.clone()];
    let mut i = 0;
    let mut made = 0;
    while i + 2 <= data.len() && made < 64 {
        let kind = data[i] & 7;
        let len = usize::from(data[i + 1]) % 64;
        let Some(raw) = data.get(i + 2..i + 2 + len) else { break };
        i += 2 + len;
        let size = data.get(i..i + 2).map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])));
        i += 2;
        let content = &data[i.min(data.len())..(i + size).min(data.len())];
        i += size;
        if kind == 7 {
            if here.len() > 1 {
                here.pop();
            }
            continue;
        }
        let Some(n) = name(raw) else { continue };
        let Some(dir) = here.last().cloned() else { break };
        let path = dir.join(n);
        made += 1;
        let _ = match kind {
            0..=2 => std::fs::write(&path, content),
            3 => std::fs::create_dir(&path).map(|()| here.push(path)),
            4 => std::os::unix::fs::symlink(OsStr::from_bytes(content), &path),
            5 => {
                let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap_or_default();
                // SAFETY: mkfifo reads a NUL-terminated path; its result is only looked at.
                if unsafe { libc::mkfifo(c.as_ptr(), 0o600) } == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
            }
            _ => std::os::unix::net::UnixListener::bind(&path).map(drop),
        };
    }
    let scan = county::scan(&[top.clone()], &[]);
    let opts = CheckOptions::default();
    let cancel = AtomicBool::new(false);
    let mut seen = Vec::new();
    let n = county::check_all(&scan.files, &opts, 1, &cancel, |i, e| {
        assert_eq!(e.path, scan.files[i]);
        seen.push(e);
    });
    assert_eq!(n, scan.files.len());
    // A listing line per entry: no line break in a shown name.
    for e in seen.iter().chain(&scan.bad) {
        assert!(!county::shown(&e.path).contains('\n'));
    }
    for (p, why) in &scan.skipped {
        assert!(!county::shown(p).contains('\n') && !why.is_empty());
    }
});
