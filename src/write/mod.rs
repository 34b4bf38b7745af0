//! Writing: the only place that changes files. What is written is exactly the fixed text that was shown or
//! decided on, and only over exactly the original it was computed from: a file that changed since it was read
//! (or reviewed) is left alone and reported as changed on disk.

mod error;
mod replace;
mod temporary;

pub use replace::replace_contents;

use crate::pipeline::Analysed;
use crate::report::{FileError, FileReport};
use crate::sources::Origin;

/// Writes an analysed file's fix, if it has one, and returns its report: unchanged when written, or with the
/// error and every finding still remaining when not.
pub fn apply(analysed: Analysed) -> FileReport {
    let Analysed { source, mut report, rewrite } = analysed;
    let (Some(rewrite), Origin::File { real_path, .. }) = (rewrite, &source.origin) else {
        return report;
    };
    if let Err(error) = replace_contents(real_path, rewrite.original.as_bytes(), rewrite.fixed.as_bytes()) {
        report.error = Some(FileError::new(report.path.clone(), error.to_string()));
        report.remaining = report.findings.len();
        report.diff = None;
        report.changed = false;
        report.patch_caveat = None;
    }
    report
}
