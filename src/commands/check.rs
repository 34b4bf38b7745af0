//! `check` and `fix` over paths: find the files, run each through the pipeline (writing its fix, for `fix`, as
//! soon as it is analysed), report, and pick the exit code.

use std::io::IsTerminal;
use std::time::Instant;

use crate::cli::{Format, RunArgs};
use crate::pipeline::{self, Analysed};
use crate::report::{self, FileError, RunReport, Skipped};
use crate::settings::{Mode, Options, Setup};
use crate::sources::{self, Source};
use crate::write;

/// Runs with at least this many files show a progress bar (on a terminal, with text output).
const PROGRESS_THRESHOLD: usize = 200;

pub fn run(mode: Mode, args: &RunArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let found = find(args)?;
    let options = Options { mode, settings: found.settings, include_unsafe: args.include_unsafe };
    let progress = progress_bar(found.sources.len(), args.format);
    let consume = |analysed: Analysed| {
        let report = match mode {
            Mode::Fix => write::apply(analysed),
            Mode::Check => analysed.report,
        };
        progress.inc(1);
        report
    };
    let files = pipeline::run(found.sources, options, found.threads, &consume)?;
    progress.finish_and_clear();
    let report = RunReport {
        mode,
        include_unsafe: args.include_unsafe,
        files,
        path_errors: found.errors,
        elapsed: started.elapsed(),
        skipped_before_reading: found.skipped,
    };
    report::emit(&report, args.format, args.color)?;
    Ok(report.exit_code())
}

/// The sources a path run analyses, and how.
pub struct Found {
    pub sources: Vec<Source>,
    pub errors: Vec<FileError>,
    pub skipped: Skipped,
    pub settings: exportfix_transforms::Settings,
    pub threads: usize,
}

/// Resolves the settings and walks the paths: the part of a path run shared by `check`, `fix` and `fix -i`.
pub fn find(args: &RunArgs) -> anyhow::Result<Found> {
    let Setup { cwd, config, settings, excludes, mut classifier } = Setup::from_args(args)?;
    let threads = args.threads.or_else(|| std::thread::available_parallelism().ok()).map_or(1, |threads| threads.get());
    let walk = sources::walk::WalkOptions {
        cwd: &cwd,
        honour_ignore_files: !args.no_ignore,
        excludes: &excludes,
        threads,
        config_root: config.root(),
    };
    let found = sources::from_paths(&args.paths, &walk, &mut classifier);
    Ok(Found { sources: found.sources, errors: found.errors, skipped: found.skipped, settings, threads })
}

/// A progress bar on stderr, drawn only on a terminal, for text output and runs of at least
/// [`PROGRESS_THRESHOLD`] files; otherwise a hidden one that costs nothing.
fn progress_bar(files: usize, format: Format) -> indicatif::ProgressBar {
    if format != Format::Text || files < PROGRESS_THRESHOLD || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(Some(files as u64), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} [{bar:40}] {pos}/{len} files ({elapsed})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
