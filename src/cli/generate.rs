//! Shell completions and man pages, generated from the one definition ([`super::args`]).
//! `nianbao __generate DIR` writes them; scripts/build-deb.sh installs them with the package.

use std::path::Path;

use clap_complete::Shell;

use crate::store::atomic;

/// Why the completions or man pages could not be written.
#[derive(Debug, thiserror::Error)]
#[error("无法写入“{}”：{}", .path.display(), atomic::describe_io(.source))]
pub struct GenerateError {
    path: std::path::PathBuf,
    source: std::io::Error,
}

/// clap_mangen's section titles, in Chinese like every other word of the page.
const SECTIONS: &[(&str, &str)] = &[
    (".SH NAME", ".SH 名称"),
    (".SH SYNOPSIS", ".SH 用法"),
    (".SH DESCRIPTION", ".SH 说明"),
    (".SH OPTIONS", ".SH 选项"),
    (".SH SUBCOMMANDS", ".SH 命令"),
    (".SH EXTRA", ".SH 附注"),
    (".SH VERSION", ".SH 版本"),
    (".SH AUTHORS", ".SH 作者"),
];

/// The man page of `command` (roff), its section titles in Chinese.
pub fn man_page(command: clap::Command) -> Result<String, std::io::Error> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(command).render(&mut roff)?;
    let mut text = String::from_utf8_lossy(&roff).into_owned();
    for (english, chinese) in SECTIONS {
        text = text.replace(english, chinese);
    }
    Ok(text)
}

/// Writes `completions/nianbao.{bash,fish,zsh…}` and `man/nianbao.1`, `man/nianbao-check.1`, …
/// into `dir`.
pub fn write_all(dir: &Path) -> Result<(), GenerateError> {
    let at = |path: &Path| {
        let path = path.to_path_buf();
        move |source| GenerateError { path, source }
    };
    let completions = dir.join("completions");
    let man = dir.join("man");
    for d in [&completions, &man] {
        std::fs::create_dir_all(d).map_err(at(d))?;
    }
    let mut command = super::args::command();
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Elvish, Shell::PowerShell] {
        clap_complete::generate_to(shell, &mut command, "nianbao", &completions).map_err(at(&completions))?;
    }
    command.build();
    let pages = std::iter::once(("nianbao".to_string(), command.clone())).chain(
        command
            .get_subcommands()
            .filter(|c| !c.is_hide_set() && c.get_name() != "help")
            .map(|c| (format!("nianbao-{}", c.get_name()), c.clone().name(format!("nianbao {}", c.get_name())))),
    );
    for (name, page) in pages {
        let path = man.join(format!("{name}.1"));
        let text = man_page(page).map_err(at(&path))?;
        std::fs::write(&path, text).map_err(at(&path))?;
    }
    Ok(())
}
