//! A full disk: each failed save says 磁盘空间不足 and changes nothing — before issue 9 every
//! retry rotated the backups until the draft and all five `.bak` were one version. Runs on a
//! small tmpfs, which needs root (CI runs as root); skipped with a message otherwise.

#![cfg(target_os = "linux")]

use std::io::Write;
use std::path::Path;
use std::process::Command;

use nianbao::model::Report;
use nianbao::store::{atomic, draft};

/// A mounted tmpfs, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "nianbao-test", dir.path().to_str().unwrap()])
            .output()
            .map_err(|e| e.to_string())?;
        if !o.status.success() {
            return Err(String::from_utf8_lossy(&o.stderr).into_owned());
        }
        Ok(Tmpfs { dir })
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn version(n: usize) -> Report {
    let mut r = Report::new("gb2021", 2025, "某某县商务局");
    r.set_cell("t3.new.np", &n.to_string());
    r.sections.insert("s1".into(), format!("第{n}版。").repeat(400));
    r
}

fn kept(path: &Path) -> Vec<String> {
    std::iter::once(path.to_path_buf())
        .chain(atomic::backups(path))
        .map(|p| draft::load(&p).unwrap_or_else(|e| panic!("{e}")).cell_text("t3.new.np").to_string())
        .collect()
}

/// Fills the file system to the last byte.
fn fill(dir: &Path) -> std::fs::File {
    let mut f = std::fs::File::create(dir.join("filler")).unwrap();
    let chunk = vec![0u8; 4096];
    while f.write_all(&chunk).is_ok() {}
    while f.write_all(&[0]).is_ok() {}
    let _ = f.sync_all();
    f
}

#[test]
fn a_full_disk_fails_each_save_without_rotating_the_backups_away() {
    let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !is_root {
        eprintln!("SKIPPED a_full_disk_fails_each_save_without_rotating_the_backups_away: needs root to mount a tmpfs");
        return;
    }
    let fs = match Tmpfs::mount("512k") {
        Ok(fs) => fs,
        Err(e) => {
            eprintln!(
                "SKIPPED a_full_disk_fails_each_save_without_rotating_the_backups_away: cannot mount a tmpfs: {e}"
            );
            return;
        }
    };
    let path = fs.path().join("年报.ron");
    for n in 1..=6 {
        draft::save(&path, &version(n)).unwrap();
    }
    assert_eq!(kept(&path), ["6", "5", "4", "3", "2", "1"]);
    let filler = fill(fs.path());
    for attempt in 0..5 {
        let err = draft::save(&path, &version(7)).unwrap_err().to_string();
        assert!(err.contains("磁盘空间不足"), "attempt {attempt}: {err}");
        assert_eq!(kept(&path), ["6", "5", "4", "3", "2", "1"], "attempt {attempt} changed nothing");
    }
    // The command line says the same, exits 2, and changes nothing.
    let o = crate::run::nianbao(&["new", "--year", "2025", "--force", "--unit", "新", "-o", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", crate::run::stderr(&o));
    assert!(crate::run::stderr(&o).contains("磁盘空间不足"), "{}", crate::run::stderr(&o));
    assert!(
        crate::run::message_problem(&crate::run::stderr(&o).replace(&fs.path().display().to_string(), "")).is_none(),
        "{}",
        crate::run::stderr(&o)
    );
    let o =
        crate::run::nianbao(&["export-csv", path.to_str().unwrap(), "-o", fs.path().join("表.csv").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(crate::run::stderr(&o).contains("磁盘空间不足"), "{}", crate::run::stderr(&o));
    assert_eq!(kept(&path), ["6", "5", "4", "3", "2", "1"]);
    let names: Vec<String> =
        std::fs::read_dir(fs.path()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp") || n.starts_with(".~lock")), "nothing left behind: {names:?}");

    // Space again: the save goes through and the oldest version makes room.
    drop(filler);
    std::fs::remove_file(fs.path().join("filler")).unwrap();
    draft::save(&path, &version(7)).unwrap();
    assert_eq!(kept(&path), ["7", "6", "5", "4", "3", "2"]);
}
