//! The pipeline: one function from a [`Source`] to its analysis — size limit, read, pre-filter, engine, fixed
//! text, diff — used by every command and the hook, and workers with deep stacks to run it on, largest source
//! first ([`schedule`]). It never writes: what it returns is what [`crate::write`] may write and what the report
//! shows.

pub mod diff;
mod schedule;

use std::panic::{catch_unwind, AssertUnwindSafe};

use std::sync::Mutex;

use anyhow::Context;
use exportfix_transforms::{Analysis, FixError, FixOutcome, SourceType};

use crate::report::{FileError, FileReport, Mode, PatchCaveat, SkipReason};
use crate::settings::Options;
use crate::sources::{Origin, Source};
use diff::unified_diff;
use schedule::Schedule;

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
    let sizes: Vec<u64> = sources.iter().map(|source| source.size).collect();
    let schedule = Schedule::new(&sizes, threads);
    // Each source is taken out exactly once, by the worker its ticket names.
    let sources: Vec<Mutex<Option<Source>>> = sources.into_iter().map(|source| Mutex::new(Some(source))).collect();
    let results: Vec<Mutex<Option<T>>> = sources.iter().map(|_| Mutex::new(None)).collect();
    let work = || {
        while let Some(ticket) = schedule.next() {
            let taken = sources[ticket.index].lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
            if let Some(source) = taken {
                let result = consume(analyse(source, &options));
                *results[ticket.index].lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(result);
            }
        }
    };
    std::thread::scope(|scope| {
        let workers = (0..threads.max(1))
            .map(|index| {
                std::thread::Builder::new()
                    .name(format!("exportfix-worker-{index}"))
                    .stack_size(WORKER_STACK_BYTES)
                    .spawn_scoped(scope, work)
                    .context("cannot start the worker threads")
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        for worker in workers {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
        anyhow::Ok(())
    })?;
    Ok(results
        .into_iter()
        .filter_map(|result| result.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()))
        .collect())
}

/// Reads, pre-filters, analyses and (in memory) fixes one source. Its text is kept only when the fixes change it.
/// Run it on a thread with a [`WORKER_STACK_BYTES`] stack.
pub fn analyse(mut source: Source, options: &Options) -> Analysed {
    let failed = |source: Source, error: FileError| Analysed {
        report: FileReport::failed(source.display.clone(), error),
        source,
        rewrite: None,
    };
    let text = match source.read(options.max_file_size) {
        Ok(Some(text)) => text,
        Ok(None) => return skipped(source, SkipReason::TooLarge),
        Err(error) => return failed(source, error),
    };
    // The lexical pre-filter: a text that cannot have a finding is not analysed. It is not parsed either, unless
    // `--check-syntax` asks for its syntax errors: parsing it would cost more than the rest of the run.
    if !exportfix_transforms::prefilter::may_have_findings(&text, source.source_type, &options.settings) {
        if !options.check_syntax {
            return skipped(source, SkipReason::NoPossibleFinding);
        }
        return match syntax_check(&text, source.source_type) {
            Ok(reason) => skipped(source, reason),
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

/// A source read (or not, when too large) but not analysed.
fn skipped(source: Source, reason: SkipReason) -> Analysed {
    let mut report = FileReport::new(source.display.clone());
    report.skipped = Some(reason);
    Analysed { source, report, rewrite: None }
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
