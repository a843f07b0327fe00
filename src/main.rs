//! Thin entry point: a subcommand runs the command line; no subcommand (or just a draft file)
//! opens the window.

// On Windows the release build is a window program (no console flashes up on a double-click);
// the command line attaches to the console it was started from instead.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::ffi::OsString;
use std::path::{Path, PathBuf};

fn main() {
    // `args_os`: a file name need not be UTF-8 (GBK names on UOS/Kylin); `args` would panic.
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    // A panic (a bug) leaves a crash report and, in the window, a recovery copy of the work.
    nianbao::crash::install(nianbao::crash::default_dir());
    let window = match args.as_slice() {
        [] => Some(None),
        [one] if is_draft(one) => Some(Some(PathBuf::from(one))),
        _ => None,
    };
    let code = match window {
        Some(initial) => open_window(initial),
        None => {
            #[cfg(windows)]
            attach_console();
            nianbao::cli::run(&args, &mut std::io::stdout(), &mut std::io::stderr())
        }
    };
    std::process::exit(code);
}

/// Lets the command line print to the console (cmd, PowerShell) it was started from, which a
/// `windows_subsystem = "windows"` program does not get by itself. Without one (started from
/// Explorer or a script with no console) output goes nowhere, as before.
#[cfg(windows)]
fn attach_console() {
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    // SAFETY: AttachConsole takes a process id and touches no memory of ours; failure (already
    // a console, or none to attach to) is harmless and ignored. One of the crate's few FFI calls
    // (Cargo.toml's lints).
    #[allow(unsafe_code)]
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}

/// A single argument opens the window when it names a draft (not a subcommand or a typo of one).
fn is_draft(arg: &OsString) -> bool {
    let p = Path::new(arg);
    let command = arg.to_str().is_some_and(nianbao::cli::is_command);
    !command && (p.extension().is_some_and(|e| e.eq_ignore_ascii_case("ron")) || p.is_file())
}

#[cfg(feature = "gui")]
fn open_window(initial: Option<PathBuf>) -> i32 {
    match nianbao::ui::run(initial) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_window(_initial: Option<PathBuf>) -> i32 {
    eprintln!("这个版本编译时未包含窗口界面（gui 功能），请使用命令行：nianbao --help");
    2
}
