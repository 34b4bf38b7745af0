//! exportfix: find and fix CommonJS export bugs. See `exportfix --help`.

mod classify;
mod cli;
mod decode;
mod diff;
mod exclude;
mod paths;
mod process;
mod report;
mod run;
mod walk;
mod write;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    run::run(cli::Cli::parse())
}
