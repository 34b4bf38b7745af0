//! exportfix: find and fix CommonJS export bugs. See `exportfix --help`.

mod allocator;
mod classify;
mod cli;
mod config;
mod decode;
mod diff;
mod exclude;
mod hook;
mod interactive;
mod paths;
mod process;
mod report;
mod run;
mod stdin;
mod walk;
mod write;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    allocator::configure();
    run::run(cli::Cli::parse())
}
