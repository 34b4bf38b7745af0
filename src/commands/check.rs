//! `check` and `fix` over paths: find the files, run each through the pipeline (writing its fix, for `fix`, as
//! soon as it is analysed), report, and pick the exit code.

use std::io::IsTerminal;
use std::time::Instant;

use super::paths::{find, Found};
use crate::cli::{Format, RunArgs};
use crate::pipeline::{self, Analysed};
use crate::report::{self, Mode, RunReport};
use crate::sources::FromPaths;
use crate::write;

/// Runs with at least this many files show a progress bar (on a terminal, with text output).
const PROGRESS_THRESHOLD: usize = 200;

pub fn run(mode: Mode, args: &RunArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let Found { from_paths: FromPaths { sources, errors, skipped }, options, threads } = find(args, mode)?;
    let max_file_size = options.max_file_size;
    let progress = progress_bar(sources.len(), args.format);
    let consume = |analysed: Analysed| {
        let report = match mode {
            Mode::Fix => write::apply(analysed),
            Mode::Check => analysed.report,
        };
        progress.inc(1);
        report
    };
    let files = pipeline::run(sources, options, threads, &consume)?;
    progress.finish_and_clear();
    let report = RunReport {
        mode,
        include_unsafe: args.include_unsafe,
        files,
        path_errors: errors,
        elapsed: started.elapsed(),
        skipped_before_reading: skipped,
        max_file_size,
    };
    report::emit(&report, args.format, args.color)?;
    Ok(report.exit_code())
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
