//! `--stdin-filename NAME`: the source comes from standard input, for editors and scripts.
//!
//! `check` reports as for a file named NAME, in any `--format`. `fix` writes the whole fixed source to standard
//! output — the input unchanged when nothing applies, when NAME is not a file exportfix analyses, or when the input
//! cannot be analysed — and the findings (`NAME:line:col: rule message`) and errors to standard error. NAME's
//! extension picks the grammar and its place decides the package type; it need not exist.

use std::io::{self, Read, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use crate::cli::{Mode, RunArgs};
use crate::decode::decode_utf8;
use crate::paths::{absolute_lexical, display_path};
use crate::process::{analyse_text, ProcessOptions};
use crate::report::{FileError, FileReport, RunReport, Skipped};
use crate::run::{emit, Setup};

pub fn run(name: &Path, args: &RunArgs, setup: Setup, options: ProcessOptions, started: Instant) -> anyhow::Result<u8> {
    let mut bytes = Vec::new();
    io::stdin().read_to_end(&mut bytes).context("cannot read standard input")?;
    let Setup { cwd, mut classifier, .. } = setup;
    let absolute = absolute_lexical(&cwd, name);
    let display = display_path(&cwd, &absolute);
    let file_name = name.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();

    let mut fixed = None;
    let mut files = Vec::new();
    if let Some(source_type) = classifier.classify(&file_name, &absolute) {
        match decode_utf8(bytes.clone()) {
            Ok(source) => {
                let (report, fixed_text) = analyse_text(display, source, source_type, options);
                files.push(report);
                fixed = fixed_text;
            }
            Err(not_utf8) => {
                let error = FileError::at(display.clone(), not_utf8.line, not_utf8.column, not_utf8.to_string());
                files.push(FileReport::failed(display, error));
            }
        }
    }
    let report = RunReport {
        mode: options.mode,
        include_unsafe: options.include_unsafe,
        files,
        path_errors: Vec::new(),
        elapsed: started.elapsed(),
        skipped_before_reading: Skipped { es_modules: classifier.es_modules_skipped, ..Skipped::default() },
    };
    match options.mode {
        Mode::Check => emit(&report, args)?,
        Mode::Fix => {
            let mut out = io::stdout().lock();
            let written = match &fixed {
                Some(fixed) => out.write_all(fixed.as_bytes()),
                None => out.write_all(&bytes),
            };
            match written.and_then(|()| out.flush()) {
                Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
                    return Err(error).context("cannot write the fixed source");
                }
                _ => {}
            }
            let mut err = io::stderr().lock();
            for file in report.reportable_files() {
                for finding in &file.findings {
                    let _ = writeln!(
                        err,
                        "{}:{}:{}: {} {}",
                        file.path, finding.line, finding.column, finding.rule, finding.message
                    );
                }
            }
            for error in report.errors() {
                let _ = match error.location {
                    Some(at) => writeln!(err, "{}:{}:{}: error: {}", error.path, at.line, at.column, error.message),
                    None => writeln!(err, "{}: error: {}", error.path, error.message),
                };
            }
        }
    }
    Ok(report.exit_code())
}
