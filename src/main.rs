//! exportfix: find and fix CommonJS export bugs. See `exportfix --help`.
//!
//! One pipeline for every source: [`sources`] turns paths, standard input or staged blobs into texts to analyse,
//! [`pipeline`] analyses them (never writing), [`write`] writes exactly what was shown or decided, and [`report`]
//! prints what happened in the chosen format. [`commands`] holds one file per command; this file only dispatches.

mod allocator;
mod cli;
mod commands;
mod pipeline;
mod report;
mod settings;
mod size;
mod sources;
mod write;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command, RunArgs};
use report::Mode;

/// Exit code for a run that could not start or report at all; the same as for file errors.
const FAILURE: u8 = 2;

fn main() -> ExitCode {
    allocator::configure();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => run(Mode::Check, args),
        Command::Fix(args) => run(Mode::Fix, args),
        Command::Hook(command) => commands::hook::run(command),
        Command::Server => commands::server::run(),
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

/// `check` and `fix`: over standard input, interactively, or over paths.
fn run(mode: Mode, args: &RunArgs) -> anyhow::Result<u8> {
    if args.stdin_filename.is_some() {
        commands::stdin::run(mode, args)
    } else if args.interactive {
        commands::interactive::run(mode, args)
    } else {
        commands::check::run(mode, args)
    }
}
