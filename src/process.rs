//! Analysing (and, for `fix`, rewriting) every file on a pool of threads with deep stacks.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};

use anyhow::Context;
use exportfix_transforms::{Analysis, FixError, FixOutcome, Settings};
use rayon::prelude::*;

use crate::cli::Mode;
use crate::decode::decode_utf8;
use crate::diff::unified_diff;
use crate::report::{FileError, FileReport, SkipReason};
use crate::walk::Candidate;
use crate::write::replace_contents;

/// The swc parser and the analysis recurse over the syntax tree, so a file with thousands of nested parentheses
/// or a 200,000-term expression needs a deep stack, and overflowing it aborts the whole process rather than
/// failing one file. The memory is reserved, not committed: only what a file really uses is touched.
pub(crate) const WORKER_STACK_BYTES: usize = 256 * 1024 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct ProcessOptions {
    pub mode: Mode,
    pub settings: Settings,
    pub include_unsafe: bool,
}

/// Processes every candidate on `threads` workers, calling `on_done` after each file (progress). The reports come
/// back in the candidates' order.
pub fn process_all(
    candidates: Vec<Candidate>,
    options: ProcessOptions,
    threads: usize,
    on_done: &(dyn Fn() + Sync),
) -> anyhow::Result<Vec<FileReport>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(WORKER_STACK_BYTES)
        .thread_name(|index| format!("exportfix-worker-{index}"))
        .build()
        .context("cannot start the worker threads")?;
    Ok(pool.install(|| {
        candidates
            .into_par_iter()
            .map(|candidate| {
                let report = process_file(candidate, options);
                on_done();
                report
            })
            .collect()
    }))
}

/// Reads, analyses, diffs and (for `fix`) writes one file. Its text is dropped on return: only the findings and
/// the diff are kept for the report.
fn process_file(candidate: Candidate, options: ProcessOptions) -> FileReport {
    let Candidate { display, real_path, source_type } = candidate;
    let bytes = match fs::read(&real_path) {
        Ok(bytes) => bytes,
        Err(error) => {
            let error = FileError::new(display.clone(), format!("cannot read: {error}"));
            return FileReport::failed(display, error);
        }
    };
    let source = match decode_utf8(bytes) {
        Ok(source) => source,
        Err(not_utf8) => {
            let error = FileError::at(display.clone(), not_utf8.line, not_utf8.column, not_utf8.to_string());
            return FileReport::failed(display, error);
        }
    };
    // The lexical pre-filter: a file that cannot have a finding is only parsed, so that a syntax error in it is
    // still reported, never analysed or fixed.
    if !exportfix_transforms::prefilter::may_have_findings(&source, &options.settings) {
        return syntax_check(display, &source, source_type);
    }
    let outcome = match run_fix(&source, source_type, options) {
        Ok(outcome) => outcome,
        Err(error) => return FileReport::failed(display.clone(), fix_error(display, error)),
    };

    let (mut report, fixed) = report_outcome(display, &source, outcome, options.mode);
    let Some(fixed) = fixed else {
        return report;
    };
    let diff = unified_diff(&report.path, &source, &fixed);
    if options.mode == Mode::Fix {
        if let Err(error) = replace_contents(&real_path, source.as_bytes(), fixed.as_bytes()) {
            report.remaining = report.findings.len();
            report.error = Some(FileError::new(report.path.clone(), error.to_string()));
            return report;
        }
    }
    report.diff = Some(diff);
    report.changed = true;
    report
}

/// Runs the library, turning a panic on one file into an error for that file instead of the end of the run.
pub(crate) fn run_fix(
    source: &str,
    source_type: exportfix_transforms::SourceType,
    options: ProcessOptions,
) -> Result<FixOutcome, RunError> {
    catch_unwind(AssertUnwindSafe(|| {
        exportfix_transforms::fix(source, source_type, &options.settings, options.include_unsafe)
    }))
    .map_err(|_| RunError::Panicked)?
    .map_err(RunError::Fix)
}

/// The report of a file the pre-filter proved finding-free: skipped, unless it does not parse.
fn syntax_check(display: String, source: &str, source_type: exportfix_transforms::SourceType) -> FileReport {
    let parsed = catch_unwind(AssertUnwindSafe(|| exportfix_transforms::check_syntax(source, source_type)));
    let mut report = FileReport::new(display.clone());
    match parsed {
        Ok(Ok(Analysis::EsModule)) => report.skipped = Some(SkipReason::EsModule),
        Ok(Ok(Analysis::CommonJs(_))) => report.skipped = Some(SkipReason::NoPossibleFinding),
        Ok(Err(syntax)) => {
            return FileReport::failed(display.clone(), fix_error(display, RunError::Fix(FixError::Syntax(syntax))))
        }
        Err(_) => return FileReport::failed(display.clone(), fix_error(display, RunError::Panicked)),
    }
    report
}

/// The report of one analysed text (its findings, what remains after the fix) and the fixed text when it differs.
fn report_outcome(display: String, source: &str, outcome: FixOutcome, mode: Mode) -> (FileReport, Option<String>) {
    let FixOutcome { analysis, fixed, remaining } = outcome;
    let mut report = FileReport::new(display);
    report.findings = match analysis {
        Analysis::CommonJs(findings) => findings,
        Analysis::EsModule => {
            report.skipped = Some(SkipReason::EsModule);
            Vec::new()
        }
    };
    report.remaining = match mode {
        Mode::Check => report.findings.len(),
        Mode::Fix => remaining.len(),
    };
    (report, fixed.filter(|fixed| fixed != source))
}

pub(crate) enum RunError {
    Fix(FixError),
    Panicked,
}

pub(crate) fn fix_error(display: String, error: RunError) -> FileError {
    match error {
        RunError::Fix(FixError::Syntax(syntax)) => {
            FileError::at(display, syntax.line, syntax.column, format!("syntax error: {}", syntax.message))
        }
        RunError::Fix(FixError::TooComplex(error)) => {
            FileError::at(display, error.line, error.column, format!("too complex to analyse: {}", error.message))
        }
        RunError::Fix(error @ FixError::Unverified { .. }) => FileError::new(display, error.to_string()),
        RunError::Panicked => FileError::new(
            display,
            "internal error: exportfix crashed on this file; it is left unchanged (please report it)",
        ),
    }
}

/// Analyses (and fixes, in memory) text that is not read from a file: standard input, or a staged blob. Returns the
/// report, as for a file, and the fixed text when the fixes change it. Runs on a thread with a worker's deep stack.
pub fn analyse_text(
    display: String,
    source: String,
    source_type: exportfix_transforms::SourceType,
    options: ProcessOptions,
) -> (FileReport, Option<String>) {
    let work = move || {
        let outcome = match run_fix(&source, source_type, options) {
            Ok(outcome) => outcome,
            Err(error) => return (FileReport::failed(display.clone(), fix_error(display, error)), None),
        };
        let (mut report, fixed) = report_outcome(display, &source, outcome, options.mode);
        if let Some(fixed) = &fixed {
            report.diff = Some(unified_diff(&report.path, &source, fixed));
            report.changed = true;
        }
        (report, fixed)
    };
    std::thread::Builder::new()
        .name("exportfix-worker".to_owned())
        .stack_size(WORKER_STACK_BYTES)
        .spawn(work)
        .expect("cannot start a worker thread")
        .join()
        .unwrap_or_else(|_| panic!("the worker thread panicked"))
}
