//! One run of `check` or `fix`: find the files, process them, report, and pick the exit code. Also dispatches the
//! other subcommands.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::CommandFactory;
use exportfix_transforms::Settings;

use crate::classify::Classifier;
use crate::cli::{Cli, Command, Format, Mode, RunArgs, StyleArg};
use crate::config::{self, Loaded};
use crate::exclude::ExcludeSet;
use crate::process::{process_all, ProcessOptions};
use crate::report::{github, json, sarif, text, RunReport, Skipped};
use crate::walk::{discover, WalkOptions};

/// Exit code for a run that could not start or report at all; the same as for file errors.
const FAILURE: u8 = 2;

/// Runs with at least this many files show a progress bar (on a terminal, with text output).
const PROGRESS_THRESHOLD: usize = 200;

pub fn run(cli: Cli) -> ExitCode {
    let result = match &cli.command {
        Command::Check(args) => run_files(Mode::Check, args),
        Command::Fix(args) => run_files(Mode::Fix, args),
        Command::Hook(command) => crate::hook::run(command),
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "exportfix", &mut std::io::stdout());
            Ok(0)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("exportfix: error: {error:#}");
            ExitCode::from(FAILURE)
        }
    }
}

/// What a run needs besides its paths: settings from the config file and the flags, merged.
pub struct Setup {
    pub cwd: PathBuf,
    pub config: Loaded,
    pub settings: Settings,
    pub excludes: ExcludeSet,
    pub classifier: Classifier,
}

impl Setup {
    /// Reads the config file (unless `no_config`) and lets the flags override it.
    pub fn new(cwd: &Path, style: Option<StyleArg>, excludes: &[String], no_config: bool) -> anyhow::Result<Self> {
        let config = if no_config { Loaded::default() } else { config::discover(cwd)? };
        let style = style.or(config.config.style).unwrap_or(StyleArg::Mixed);
        let all_excludes: Vec<String> = config.config.exclude.iter().chain(excludes).cloned().collect();
        let excludes = ExcludeSet::new(&all_excludes)?;
        let classifier = Classifier::with_extensions(config.extensions()?);
        Ok(Setup { cwd: cwd.to_path_buf(), settings: Settings { style: style.into() }, excludes, classifier, config })
    }
}

fn run_files(mode: Mode, args: &RunArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    if args.interactive {
        if mode == Mode::Check {
            bail!("--interactive asks before writing: use it with `exportfix fix`");
        }
        if args.format != Format::Text {
            bail!("--interactive shows text diffs: it cannot be combined with --format {:?}", args.format);
        }
    }
    let cwd: PathBuf = std::env::current_dir().context("cannot determine the working directory")?;
    let setup = Setup::new(&cwd, args.style, &args.exclude, args.no_config)?;
    let options = ProcessOptions { mode, settings: setup.settings, include_unsafe: args.include_unsafe };
    if let Some(name) = &args.stdin_filename {
        return crate::stdin::run(name, args, setup, options, started);
    }
    let Setup { config, excludes, mut classifier, .. } = setup;

    let threads = args.threads.or_else(|| std::thread::available_parallelism().ok()).map_or(1, |threads| threads.get());

    let discovery = discover(
        &args.paths,
        &WalkOptions {
            cwd: &cwd,
            honour_ignore_files: !args.no_ignore,
            excludes: &excludes,
            threads,
            config_root: config.root(),
        },
        &mut classifier,
    );
    let skipped_before_reading =
        Skipped { es_modules: classifier.es_modules_skipped, excluded: discovery.excluded, ..Skipped::default() };

    // Interactive review analyses first (writing nothing), then writes each accepted file.
    let process_options = if args.interactive { ProcessOptions { mode: Mode::Check, ..options } } else { options };
    let candidates = if args.interactive { discovery.files.clone() } else { Vec::new() };
    let progress = progress_bar(discovery.files.len(), args.format);
    let files = process_all(discovery.files, process_options, threads, &|| progress.inc(1))?;
    progress.finish_and_clear();

    let mut report = RunReport {
        mode,
        include_unsafe: args.include_unsafe,
        files,
        path_errors: discovery.errors,
        elapsed: started.elapsed(),
        skipped_before_reading,
    };
    if args.interactive {
        crate::interactive::review(&mut report, candidates, options, args.color)?;
        report.elapsed = started.elapsed();
        return emit_summary_only(&report);
    }
    emit(&report, args)?;
    Ok(report.exit_code())
}

pub fn emit(report: &RunReport, args: &RunArgs) -> anyhow::Result<()> {
    let emitted = match args.format {
        Format::Text => text::emit(report, args.color),
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

fn emit_summary_only(report: &RunReport) -> anyhow::Result<u8> {
    for error in report.errors() {
        let place = match error.location {
            Some(location) => format!("{}:{}:{}:", error.path, location.line, location.column),
            None => format!("{}:", error.path),
        };
        eprintln!("{place} error: {}", error.message);
    }
    println!("{}", text::summary_line(report.mode, &report.summary()));
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
