//! `--format github`: GitHub Actions workflow commands, one annotation per finding and per error, then the text
//! summary line (a plain log line).
//!
//! ```text
//! ::error file=lib/a.js,line=1,col=1,title=exportfix exports-reassign::`exports = …` only rebinds a local…
//! ```
//!
//! A finding's level is its rule's default level (the engine's rule table: the bug rules `exports-reassign` and
//! `lost-export` are `error`s, the style rules `mixed-exports` and `prefer-module-exports` `warning`s); errors are
//! `error`s. Values are escaped as the Actions toolkit escapes them: in the message
//! `%`, CR and LF; in properties also `:` and `,`. Paths are relative to the working directory: run exportfix from
//! the repository root so that GitHub can place the annotations.

use std::io::{self, Write};

use exportfix_transforms::{Applicability, Finding};

use crate::report::text::summary_line;
use crate::report::{FileError, RunReport};

pub fn emit(report: &RunReport) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    for file in report.reportable_files() {
        for finding in &file.findings {
            writeln!(out, "{}", finding_annotation(&file.path, finding))?;
        }
    }
    for error in report.errors() {
        writeln!(out, "{}", error_annotation(error))?;
    }
    writeln!(out, "{}", summary_line(report.mode, &report.summary()))?;
    out.flush()
}

fn finding_annotation(path: &str, finding: &Finding) -> String {
    let fix = match finding.fix.as_ref().map(|fix| fix.applicability) {
        Some(Applicability::Safe) => " (fixable: `exportfix fix`)",
        Some(Applicability::Unsafe) => " (fixable with `exportfix fix --unsafe`; review the change)",
        None => "",
    };
    format!(
        "::{} file={},line={},col={},title={}::{}",
        finding.rule.meta().level.as_str(),
        escape_property(path),
        finding.line,
        finding.column,
        escape_property(&format!("exportfix {}", finding.rule)),
        escape_data(&format!("{}{fix}", finding.message)),
    )
}

fn error_annotation(error: &FileError) -> String {
    let mut properties = format!("file={}", escape_property(&error.path));
    if let Some(location) = error.location {
        properties.push_str(&format!(",line={},col={}", location.line, location.column));
    }
    format!("::error {properties},title=exportfix error::{}", escape_data(&error.message))
}

/// The message of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A `key=value` property of a workflow command.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_actions_toolkit_does() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("dir,x/a:b%.js"), "dir%2Cx/a%3Ab%25.js");
    }
}
