//! The user's rule packs: a `*.ron` file whose value is a `RulePack(…)`, in the same folders as
//! the user's templates (`<config dir>/templates/`, `--templates DIR`). Each is checked against
//! the report formats it names when it is read, so a broken rule is reported with its file now,
//! not when a report is checked.

use std::path::Path;

use crate::model::rulepack::{RulePack, RulePacks};
use crate::model::template::TemplateKind;
use crate::model::{Form, Template};

/// A rule pack file that was skipped, and why (`kind` is `规则包`).
pub use super::templates::Problem;

/// Adds every rule pack of a folder (in name order) to `packs`; the files skipped come back
/// with why. A missing folder holds none.
pub fn load_dir(dir: &Path, packs: &mut RulePacks) -> Vec<Problem> {
    let forms: Vec<std::sync::Arc<Form>> =
        Template::of_kind(TemplateKind::Report).iter().filter_map(|t| Form::of(&t.id, &[]).ok()).collect();
    let mut problems = Vec::new();
    for file in super::templates::ron_files(dir) {
        // A file that cannot be read is said by the template loader, which reads the same folder.
        let Ok(text) = super::templates::read_text(&file) else { continue };
        if !RulePack::sniff(&text) {
            continue;
        }
        if let Err(e) = RulePack::parse(&text).and_then(|p| packs.add(p, &forms)) {
            problems
                .push(Problem { file, message: super::templates::TemplateFileError::RulePack(e), kind: "规则包" });
        }
    }
    problems
}
