//! One run of `check` or `fix`: find the files, process them, report, and pick the exit code.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use exportfix_transforms::Settings;

use crate::classify::Classifier;
use crate::cli::{Cli, Format};
use crate::exclude::ExcludeSet;
use crate::process::{process_all, ProcessOptions};
use crate::report::{json, text, RunReport};
use crate::walk::{discover, WalkOptions};

/// Exit code for a run that could not start or report at all; the same as for file errors.
const FAILURE: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    match try_run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("exportfix: error: {error:#}");
            ExitCode::from(FAILURE)
        }
    }
}

fn try_run(cli: Cli) -> anyhow::Result<u8> {
    let started = Instant::now();
    let mode = cli.command.mode();
    let args = cli.command.args();
    let cwd: PathBuf = std::env::current_dir().context("cannot determine the working directory")?;
    let excludes = ExcludeSet::new(&args.exclude)?;

    let threads = args.threads.or_else(|| std::thread::available_parallelism().ok()).map_or(1, |threads| threads.get());

    let discovery = discover(
        &args.paths,
        &WalkOptions { cwd: &cwd, honour_ignore_files: !args.no_ignore, excludes: &excludes, threads },
        &mut Classifier::default(),
    );
    let options =
        ProcessOptions { mode, settings: Settings { style: args.style.into() }, include_unsafe: args.include_unsafe };
    let files = process_all(discovery.files, options, threads)?;

    let report = RunReport {
        mode,
        include_unsafe: args.include_unsafe,
        files,
        path_errors: discovery.errors,
        elapsed: started.elapsed(),
    };
    let emitted = match args.format {
        Format::Text => text::emit(&report, args.color),
        Format::Json => json::emit(&report),
    };
    match emitted {
        // A reader that stopped early (`| head`) is not a failure of the run; the exit code still tells the truth.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.context("cannot write the report")?,
    }
    Ok(report.exit_code())
}
