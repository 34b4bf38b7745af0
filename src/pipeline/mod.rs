//! The pipeline: one function from a [`Source`] to its analysis — read, pre-filter, engine, fixed text, diff — used
//! by every command and the hook, and a pool of workers with deep stacks to run it on. It never writes: what it
//! returns is what [`crate::write`] may write and what the report shows.

pub mod diff;

use std::panic::{catch_unwind, AssertUnwindSafe};

use anyhow::Context;
use exportfix_transforms::{Analysis, FixError, FixOutcome, SourceType};
use rayon::prelude::*;

use crate::report::{FileError, FileReport, Mode, PatchCaveat, SkipReason};
use crate::settings::Options;
use crate::sources::{Origin, Source};
use diff::unified_diff;

/// The swc parser and the analysis recurse over the syntax tree, so a file with thousands of nested parentheses
/// or a 200,000-term expression needs a deep stack, and overflowing it aborts the whole process rather than
/// failing one file. The memory is reserved, not committed: only what a file really uses is touched.
pub const WORKER_STACK_BYTES: usize = 256 * 1024 * 1024;

/// One source, analysed.
#[derive(Debug)]
pub struct Analysed {
    pub source: Source,
    pub report: FileReport,
    /// Present when the fixes change the text: exactly what the report's diff shows.
    pub rewrite: Option<Rewrite>,
}

/// A text and its fixed form: the diff between them is what is shown, and a write replaces exactly `original`
/// with exactly `fixed`.
#[derive(Debug)]
pub struct Rewrite {
    pub original: String,
    pub fixed: String,
}

/// Analyses every source on `threads` workers and hands each result to `consume` on the worker (to write it, or
/// to drop its texts early). The results come back in the sources' order.
pub fn run<T: Send>(
    sources: Vec<Source>,
    options: Options,
    threads: usize,
    consume: &(dyn Fn(Analysed) -> T + Sync),
) -> anyhow::Result<Vec<T>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(WORKER_STACK_BYTES)
        .thread_name(|index| format!("exportfix-worker-{index}"))
        .build()
        .context("cannot start the worker threads")?;
    Ok(pool.install(|| sources.into_par_iter().map(|source| consume(analyse(source, &options))).collect()))
}

/// Reads, pre-filters, analyses and (in memory) fixes one source. Its text is kept only when the fixes change it.
/// Run it on a thread with a [`WORKER_STACK_BYTES`] stack.
pub fn analyse(mut source: Source, options: &Options) -> Analysed {
    let failed = |source: Source, error: FileError| Analysed {
        report: FileReport::failed(source.display.clone(), error),
        source,
        rewrite: None,
    };
    let text = match source.read() {
        Ok(text) => text,
        Err(error) => return failed(source, error),
    };
    // The lexical pre-filter: a text that cannot have a finding is only parsed, so that a syntax error in it is
    // still reported, never analysed or fixed.
    if !exportfix_transforms::prefilter::may_have_findings(&text, &options.settings) {
        return match syntax_check(&text, source.source_type) {
            Ok(skipped) => {
                let mut report = FileReport::new(source.display.clone());
                report.skipped = Some(skipped);
                Analysed { source, report, rewrite: None }
            }
            Err(error) => {
                let error = file_error(source.display.clone(), error);
                failed(source, error)
            }
        };
    }
    let outcome = match run_engine(&text, source.source_type, options) {
        Ok(outcome) => outcome,
        Err(error) => {
            let error = file_error(source.display.clone(), error);
            return failed(source, error);
        }
    };
    let (mut report, fixed) = report_outcome(source.display.clone(), &text, outcome, options.mode);
    let rewrite = fixed.map(|fixed| {
        report.diff = Some(unified_diff(&report.path, &text, &fixed));
        report.changed = true;
        report.patch_caveat = patch_caveat(&source);
        Rewrite { original: text, fixed }
    });
    Analysed { source, report, rewrite }
}

/// Why `git apply`, run in the working directory, would not apply this source's diff, if it would not.
fn patch_caveat(source: &Source) -> Option<PatchCaveat> {
    match source.origin {
        Origin::File { via_link: true, .. } => Some(PatchCaveat::ThroughLink),
        Origin::File { .. } if std::path::Path::new(&source.display).is_absolute() => Some(PatchCaveat::OutsideCwd),
        _ => None,
    }
}

/// Why the engine produced no analysis.
enum EngineError {
    Fix(FixError),
    Panicked,
}

/// Runs the engine, turning a panic on one file into an error for that file instead of the end of the run.
fn run_engine(source: &str, source_type: SourceType, options: &Options) -> Result<FixOutcome, EngineError> {
    catch_unwind(AssertUnwindSafe(|| {
        exportfix_transforms::fix(source, source_type, &options.settings, options.include_unsafe)
    }))
    .map_err(|_| EngineError::Panicked)?
    .map_err(EngineError::Fix)
}

/// Why a text the pre-filter proved finding-free was skipped, unless it does not parse.
fn syntax_check(source: &str, source_type: SourceType) -> Result<SkipReason, EngineError> {
    match catch_unwind(AssertUnwindSafe(|| exportfix_transforms::check_syntax(source, source_type))) {
        Ok(Ok(Analysis::EsModule)) => Ok(SkipReason::EsModule),
        Ok(Ok(Analysis::CommonJs(_))) => Ok(SkipReason::NoPossibleFinding),
        Ok(Err(syntax)) => Err(EngineError::Fix(FixError::Syntax(syntax))),
        Err(_) => Err(EngineError::Panicked),
    }
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

fn file_error(display: String, error: EngineError) -> FileError {
    match error {
        EngineError::Fix(FixError::Syntax(syntax)) => {
            FileError::at(display, syntax.line, syntax.column, format!("syntax error: {}", syntax.message))
        }
        EngineError::Fix(FixError::TooComplex(error)) => {
            FileError::at(display, error.line, error.column, format!("too complex to analyse: {}", error.message))
        }
        EngineError::Fix(error @ FixError::Unverified { .. }) => FileError::new(display, error.to_string()),
        EngineError::Panicked => FileError::new(
            display,
            "internal error: exportfix crashed on this file; it is left unchanged (please report it)",
        ),
    }
}
