//! `--stdin-filename NAME`: the source comes from standard input, for editors and scripts.
//!
//! `check` reports as for a file named NAME, in any `--format`: the same pipeline as a path run, so the same
//! findings, summary and JSON for the same text. `fix` writes the whole fixed source to standard output — the input
//! unchanged when nothing applies, when NAME is not a file exportfix analyses, or when the input cannot be
//! analysed — and the findings and errors to standard error. NAME's extension picks the grammar and its place
//! decides the package type; it need not exist.

use std::io::{self, Write};
use std::time::Instant;

use anyhow::Context;

use crate::cli::RunArgs;
use crate::pipeline;
use crate::report::{self, text, Mode, RunReport, Skipped};
use crate::settings::Setup;
use crate::sources;

pub fn run(mode: Mode, args: &RunArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let Some(name) = &args.stdin_filename else {
        anyhow::bail!("--stdin-filename is required to read standard input");
    };
    let mut setup = Setup::from_args(args)?;
    let options = setup.options(mode, args.include_unsafe);
    let (input, source) = sources::from_stdin(name, &setup.cwd, &mut setup.classifier)?;
    let analysed = pipeline::run(source.into_iter().collect(), options, 1, &|analysed| analysed)?;
    let fixed = analysed.iter().find_map(|analysed| analysed.rewrite.as_ref()).map(|rewrite| rewrite.fixed.clone());
    let report = RunReport {
        mode,
        include_unsafe: args.include_unsafe,
        files: analysed.into_iter().map(|analysed| analysed.report).collect(),
        path_errors: Vec::new(),
        elapsed: started.elapsed(),
        skipped_before_reading: Skipped { es_modules: setup.classifier.es_modules_skipped, ..Skipped::default() },
        max_file_size: options.max_file_size,
    };
    match mode {
        Mode::Check => report::emit(&report, args.format, args.color)?,
        Mode::Fix => {
            let mut out = io::stdout().lock();
            let written = out.write_all(fixed.as_deref().map_or(&input[..], str::as_bytes));
            match written.and_then(|()| out.flush()) {
                Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
                    return Err(error).context("cannot write the fixed source");
                }
                _ => {}
            }
            // Best effort, as before: standard error going away must not change the exit code.
            let _ = text::emit_to_stderr(&report, args.color);
        }
    }
    Ok(report.exit_code())
}
