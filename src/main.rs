//! exportfix: find and fix CommonJS export bugs. See `exportfix --help`.

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

/// The engine builds and drops a syntax tree of many small boxes per file, on every worker at once: glibc's
/// allocator spent about a third of the run in malloc and free (docs/benchmarks.md); mimalloc's per-thread heaps
/// do not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    run::run(cli::Cli::parse())
}
