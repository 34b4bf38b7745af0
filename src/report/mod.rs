//! What a run found, independent of how it is printed: per-file results, errors, the summary and the exit code.

pub mod json;
pub mod text;

use std::time::Duration;

use exportfix_transforms::Finding;

use crate::cli::Mode;

/// Why one path could not be checked or fixed. Other files are processed regardless; the run exits with 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// As shown to the user: relative to the working directory when under it.
    pub path: String,
    /// 1-based line and column, when the problem has a place in the file.
    pub location: Option<Location>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl FileError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        FileError { path: path.into(), location: None, message: message.into() }
    }

    pub fn at(path: impl Into<String>, line: usize, column: usize, message: impl Into<String>) -> Self {
        FileError { path: path.into(), location: Some(Location { line, column }), message: message.into() }
    }
}

/// The result for one analysed file.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub path: String,
    /// The findings in the file as it was read.
    pub findings: Vec<Finding>,
    /// The unified diff of the fixes: what `check` would write, or what `fix` wrote.
    pub diff: Option<String>,
    /// Whether the fixes change the file (`check`) or changed it (`fix`).
    pub changed: bool,
    /// The findings left after this run: all of them for `check`, those the fixes did not remove for `fix`.
    pub remaining: usize,
    pub error: Option<FileError>,
}

impl FileReport {
    pub fn new(path: String) -> Self {
        FileReport { path, ..FileReport::default() }
    }

    pub fn failed(path: String, error: FileError) -> Self {
        FileReport { path, error: Some(error), ..FileReport::default() }
    }

    /// Whether the file has anything to show besides an error.
    pub fn is_reportable(&self) -> bool {
        !self.findings.is_empty() || self.diff.is_some()
    }
}

/// Everything one run produced, files sorted by path.
#[derive(Debug)]
pub struct RunReport {
    pub mode: Mode,
    pub include_unsafe: bool,
    pub files: Vec<FileReport>,
    /// Errors about paths that never became files to analyse (missing paths, unreadable directories).
    pub path_errors: Vec<FileError>,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Files read and analysed (skipped files are not counted; files that failed are).
    pub files_scanned: usize,
    pub findings: usize,
    /// Findings whose fix applies under this run's `--unsafe` setting.
    pub fixable: usize,
    pub files_changed: usize,
    pub remaining: usize,
    pub errors: usize,
    pub elapsed_ms: u128,
}

impl RunReport {
    /// Every error, path errors and file errors together, sorted by path then position.
    pub fn errors(&self) -> Vec<&FileError> {
        let mut errors: Vec<&FileError> =
            self.path_errors.iter().chain(self.files.iter().filter_map(|file| file.error.as_ref())).collect();
        errors.sort_by(|a, b| {
            let position = |e: &FileError| e.location.map(|l| (l.line, l.column));
            (&a.path, position(a)).cmp(&(&b.path, position(b)))
        });
        errors
    }

    /// Files with findings or a diff, in path order.
    pub fn reportable_files(&self) -> impl Iterator<Item = &FileReport> {
        self.files.iter().filter(|file| file.is_reportable())
    }

    pub fn summary(&self) -> Summary {
        let all_findings = || self.files.iter().flat_map(|file| file.findings.iter());
        Summary {
            files_scanned: self.files.len(),
            findings: all_findings().count(),
            fixable: all_findings().filter(|finding| finding.applicable_fix(self.include_unsafe).is_some()).count(),
            files_changed: self.files.iter().filter(|file| file.changed).count(),
            remaining: self.files.iter().map(|file| file.remaining).sum(),
            errors: self.path_errors.len() + self.files.iter().filter(|file| file.error.is_some()).count(),
            elapsed_ms: self.elapsed.as_millis(),
        }
    }

    /// 2 when anything failed; otherwise 1 when findings are left to act on (`check`: any finding; `fix`: any
    /// finding the fixes did not remove); otherwise 0.
    pub fn exit_code(&self) -> u8 {
        let summary = self.summary();
        let left_to_report = match self.mode {
            Mode::Check => summary.findings,
            Mode::Fix => summary.remaining,
        };
        if summary.errors > 0 {
            2
        } else if left_to_report > 0 {
            1
        } else {
            0
        }
    }
}
