//! What a run found, independent of how it is printed: per-file results, errors, the summary and the exit code.

pub mod github;
pub mod json;
pub mod quote;
pub mod sarif;
pub mod text;

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context;
use exportfix_transforms::Finding;

use crate::cli::{ColorArg, Format};
use crate::size::MaxFileSize;

/// Whether a run may write files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Fix,
}

/// Prints `report` in `format`: the one way every command reports.
pub fn emit(report: &RunReport, format: Format, color: ColorArg) -> anyhow::Result<()> {
    let emitted = match format {
        Format::Text => text::emit(report, color),
        Format::Json => json::emit(report),
        Format::Github => github::emit(report),
        Format::Sarif => sarif::emit(report),
    };
    match emitted {
        // A reader that stopped early (`| head`) is not a failure of the run; the exit code still tells the truth.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write the report"),
    }
}

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
    /// Why the file was read but not analysed, if it was not.
    pub skipped: Option<SkipReason>,
    /// Why `git apply` in the working directory would not apply the diff, when it would not.
    pub patch_caveat: Option<PatchCaveat>,
}

/// Why a diff that `fix` would write is not one `git apply` applies from the working directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchCaveat {
    /// The file lies outside the working directory: its headers are absolute, and `git apply` only patches
    /// files under the directory it runs in.
    OutsideCwd,
    /// The path named on the command line reaches the file through a symbolic link: the headers name what was
    /// named, and `git apply` never writes through a link.
    ThroughLink,
}

/// Why a file that was read was not analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// It has `import`/`export` declarations.
    EsModule,
    /// The lexical pre-filter proved that no rule can report anything in it (it was not parsed, unless
    /// `--check-syntax`).
    NoPossibleFinding,
    /// It is over `--max-file-size`: it was not even read.
    TooLarge,
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
    /// Files never read: left out by exclude globs (a directory counts once) or ES modules by name or package type.
    pub skipped_before_reading: Skipped,
    /// The limit the files skipped as too large were over.
    pub max_file_size: MaxFileSize,
}

/// Files that were not analysed, by reason. Fields may be added (other pre-filters); none is ever removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    /// `.mjs`/`.mts` files, files in a `"type": "module"` package and files with `import`/`export` declarations.
    pub es_modules: usize,
    /// Files that never mention a bare `exports`.
    pub no_possible_finding: usize,
    /// Files and directories matching an exclude glob.
    pub excluded: usize,
    /// Files over `--max-file-size`, never read.
    pub too_large: usize,
}

impl Skipped {
    pub fn total(&self) -> usize {
        self.es_modules + self.no_possible_finding + self.excluded + self.too_large
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Files read (files that failed count; files never read, such as the ones over the size limit, do not).
    pub files_scanned: usize,
    pub findings: usize,
    /// Findings whose fix applies under this run's `--unsafe` setting.
    pub fixable: usize,
    pub files_changed: usize,
    pub remaining: usize,
    pub errors: usize,
    pub elapsed_ms: u128,
    pub skipped: Skipped,
    /// The limit `skipped.too_large` counts files over.
    pub max_file_size: MaxFileSize,
    /// Findings per rule id, for the rules that found something.
    pub findings_by_rule: BTreeMap<&'static str, usize>,
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
            files_scanned: self.files.iter().filter(|file| file.skipped != Some(SkipReason::TooLarge)).count(),
            findings: all_findings().count(),
            fixable: all_findings().filter(|finding| finding.applicable_fix(self.include_unsafe).is_some()).count(),
            files_changed: self.files.iter().filter(|file| file.changed).count(),
            remaining: self.files.iter().map(|file| file.remaining).sum(),
            errors: self.path_errors.len() + self.files.iter().filter(|file| file.error.is_some()).count(),
            elapsed_ms: self.elapsed.as_millis(),
            skipped: self.skipped(),
            max_file_size: self.max_file_size,
            findings_by_rule: all_findings().fold(BTreeMap::new(), |mut counts, finding| {
                *counts.entry(finding.rule.as_str()).or_insert(0) += 1;
                counts
            }),
        }
    }

    fn skipped(&self) -> Skipped {
        let mut skipped = self.skipped_before_reading;
        for file in &self.files {
            match file.skipped {
                Some(SkipReason::EsModule) => skipped.es_modules += 1,
                Some(SkipReason::NoPossibleFinding) => skipped.no_possible_finding += 1,
                Some(SkipReason::TooLarge) => skipped.too_large += 1,
                None => {}
            }
        }
        skipped
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
