//! Opening a file or a folder with the desktop's own program (the PDF viewer for 打印, the file
//! manager for a folder), off the UI thread. The child is waited for, so it never lingers as a
//! zombie, and how it ended comes back to the window: `xdg-open` without a PDF viewer exits 3 and
//! opens nothing, and the window must say so rather than “已在PDF阅读器中打开”.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// Which program opens files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opener {
    /// The desktop's: `xdg-open` (Linux), `cmd /C start` (Windows), `open` (macOS).
    System,
    /// This program with the path as its argument (tests: a stand-in viewer).
    Program(PathBuf),
}

/// Why a file or folder did not open.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("无法启动{program}（{}）", crate::store::atomic::describe_io(.source))]
    Spawn { program: String, source: std::io::Error },
    #[error("{program}没有打开它（退出码 {code}）")]
    Failed { program: String, code: i32 },
    #[error("{program}被系统中止")]
    Killed { program: String },
}

/// What is being opened, for what to say when it fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// The PDF 打印 wrote.
    Print,
    /// A folder (关于's folder buttons, the print file's folder).
    Folder,
}

/// An opening under way.
pub struct Opening {
    pub path: PathBuf,
    pub purpose: Purpose,
    rx: Receiver<Result<(), OpenError>>,
}

impl Opening {
    /// `Some` once the program has ended (or could not start).
    pub fn poll(&self) -> Option<Result<(), OpenError>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            // The waiting thread is gone without a word: nothing more will come.
            Err(TryRecvError::Disconnected) => Some(Ok(())),
            Err(TryRecvError::Empty) => None,
        }
    }
}

impl Opener {
    fn command(&self, path: &Path) -> (String, std::process::Command) {
        match self {
            Opener::Program(p) => {
                let mut c = std::process::Command::new(p);
                c.arg(path);
                (p.display().to_string(), c)
            }
            Opener::System => system_command(path),
        }
    }

    /// Starts opening `path`; the program is waited for on a thread of its own, which wakes the
    /// window when it has ended.
    pub fn open(&self, path: &Path, purpose: Purpose, ctx: &egui::Context) -> Opening {
        let (program, mut command) = self.command(path);
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let result = command.spawn();
        match result {
            Err(source) => {
                let _ = tx.send(Err(OpenError::Spawn { program, source }));
            }
            Ok(mut child) => {
                let waiting = std::thread::Builder::new().name("open-with".into()).spawn(move || {
                    let ended = match child.wait() {
                        Ok(s) if s.success() => Ok(()),
                        Ok(s) => match s.code() {
                            Some(code) => Err(OpenError::Failed { program, code }),
                            None => Err(OpenError::Killed { program }),
                        },
                        Err(source) => Err(OpenError::Spawn { program, source }),
                    };
                    let _ = tx.send(ended);
                    ctx.request_repaint();
                });
                // No thread to spare: the child is left to end on its own; nothing to report.
                drop(waiting);
            }
        }
        Opening { path: path.to_path_buf(), purpose, rx }
    }
}

#[cfg(target_os = "windows")]
fn system_command(path: &Path) -> (String, std::process::Command) {
    let mut c = std::process::Command::new("cmd");
    c.args(["/C", "start", ""]).arg(path);
    ("系统的打开方式".into(), c)
}

#[cfg(target_os = "macos")]
fn system_command(path: &Path) -> (String, std::process::Command) {
    let mut c = std::process::Command::new("open");
    c.arg(path);
    ("系统的打开方式（open）".into(), c)
}

#[cfg(not(any(target_os = "windows", target_os = "macos")))]
fn system_command(path: &Path) -> (String, std::process::Command) {
    let mut c = std::process::Command::new("xdg-open");
    c.arg(path);
    ("系统的打开方式（xdg-open）".into(), c)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn wait(o: &Opening) -> Result<(), OpenError> {
        let start = std::time::Instant::now();
        loop {
            if let Some(r) = o.poll() {
                return r;
            }
            assert!(start.elapsed() < std::time::Duration::from_secs(20), "never ended");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    #[test]
    fn a_viewer_that_fails_is_reported_with_its_exit_code() {
        let dir = tempfile::tempdir().unwrap();
        let viewer = dir.path().join("viewer.sh");
        std::fs::write(&viewer, "#!/bin/sh\nexit 3\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&viewer, std::fs::Permissions::from_mode(0o755)).unwrap();
        let o = Opener::Program(viewer).open(Path::new("/tmp/x.pdf"), Purpose::Print, &egui::Context::default());
        let e = wait(&o).unwrap_err();
        assert!(e.to_string().contains("退出码 3"), "{e}");
    }

    #[test]
    fn a_viewer_that_is_missing_is_reported() {
        let o = Opener::Program("/nonexistent/viewer".into()).open(
            Path::new("/tmp/x.pdf"),
            Purpose::Print,
            &egui::Context::default(),
        );
        let e = wait(&o).unwrap_err();
        assert!(e.to_string().starts_with("无法启动/nonexistent/viewer"), "{e}");
    }
}
