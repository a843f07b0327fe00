//! What views and dialogs hand back: they say what should happen, the app does it after the
//! panels, in one place (`NianbaoApp::perform`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::command::Command;
use crate::model::rules::Target;
use crate::store::recovery::Offer;

/// Which part of the report the central area shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Page {
    /// 基本信息: unit details, 落款, title and print options.
    #[default]
    Unit,
    /// One of the six sections (index into the template's sections).
    Section(usize),
    /// The optional annex tables.
    Annex,
}

/// A command with its file, once known.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    pub command: Command,
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum Action {
    /// Run a command: ask about unsaved changes and for its file as the table says.
    Command(Command),
    /// Run a command on a file already chosen (a recent file, a dropped file).
    CommandWith(Command, PathBuf),
    /// Run it now: unsaved changes were dealt with and its file is known.
    Proceed(Invocation),
    /// The answer to "save the changes?": save, then go on with the command.
    SaveThen(Invocation),
    /// The answer to "save the changes?": drop them and go on.
    DiscardThen(Invocation),
    /// Overwrite this file with the draft (the user confirmed), then go on with what waited.
    SaveConfirmed {
        path: PathBuf,
        then: Option<Invocation>,
    },
    /// Write an export over an existing file (the user confirmed).
    ExportConfirmed {
        command: Command,
        path: PathBuf,
    },
    /// Create a new report (the new-report dialog checked the year).
    CreateReport {
        year: i32,
        unit: String,
    },
    /// Export or print with or without the 草稿 mark (the answer to the draft-or-final question).
    ExportChosen {
        print: bool,
        final_export: bool,
    },
    /// New PDF font choices (role label → file).
    SetPdfFonts(BTreeMap<String, PathBuf>),
    /// Restore a recovery copy, throw it away, or ask again at the next start.
    Recover(Box<Offer>),
    DiscardRecovery(String),
    KeepRecovery,
    /// Open a folder in the file manager (关于's folder buttons).
    OpenFolder(PathBuf),
    /// Show a page of the report.
    GoToPage(Page),
    /// Show what a finding is about.
    Show(Target),
    /// Open the status line's message in full.
    ReadNotice,
    /// A message for the status line.
    Notice {
        text: String,
        error: bool,
    },
    /// A message the user must acknowledge.
    Error(String),
    /// The open dialog closed without anything to do.
    CloseDialog,
}
