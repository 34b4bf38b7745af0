//! `fix --interactive`: every file the fixes would change is shown (findings and diff) and the user answers
//! y (write it), n (skip it), a (write it and all the rest), q (write nothing more). Questions and answers go
//! through the controlling terminal (/dev/tty), or standard input and error when those are a terminal; without a
//! terminal the run fails before writing anything.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::time::Instant;

use anyhow::{bail, Context};

use super::paths::{find, Found};
use crate::cli::{ColorArg, Format, RunArgs};
use crate::pipeline::{self, Analysed};
use crate::report::text::{self, Painter};
use crate::report::{FileReport, Mode, RunReport};
use crate::sources::FromPaths;
use crate::write;

/// Analyses every file as `fix` would (writing nothing), asks about each one the fixes change, and writes the
/// accepted ones: exactly the fixed text shown, over exactly the text it was computed from.
pub fn run(mode: Mode, args: &RunArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    if mode == Mode::Check {
        bail!("--interactive asks before writing: use it with `exportfix fix`");
    }
    if args.format != Format::Text {
        bail!("--interactive shows text diffs: it cannot be combined with --format {:?}", args.format);
    }
    let Found { from_paths: FromPaths { sources, errors, skipped }, options, threads } = find(args, Mode::Fix)?;
    let max_file_size = options.max_file_size;
    let analysed = pipeline::run(sources, options, threads, &|analysed| analysed)?;
    let files = review(analysed, args.color, args.include_unsafe)?;
    let report = RunReport {
        mode,
        include_unsafe: args.include_unsafe,
        files,
        path_errors: errors,
        elapsed: started.elapsed(),
        skipped_before_reading: skipped,
        max_file_size,
    };
    text::emit_summary(&report, args.color).context("cannot write the report")?;
    Ok(report.exit_code())
}

/// Where questions are asked and answers read: the controlling terminal, or standard input and error.
struct Terminal {
    /// Styled as text output is, `--color` honoured.
    out: Painter,
    tty: Option<BufReader<File>>,
}

impl Terminal {
    fn open(color: ColorArg) -> anyhow::Result<Self> {
        if let Ok(tty) = OpenOptions::new().read(true).write(true).open("/dev/tty") {
            let writer = tty.try_clone().context("cannot use the terminal")?;
            return Ok(Terminal { out: Painter::new(writer, color), tty: Some(BufReader::new(tty)) });
        }
        if io::stdin().is_terminal() {
            return Ok(Terminal { out: Painter::new(io::stderr(), color), tty: None });
        }
        bail!("--interactive needs a terminal to ask on (none is attached); run `exportfix check` to preview instead")
    }

    fn write(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }

    /// One line typed by the user; `None` at end of input.
    fn read_line(&mut self) -> io::Result<Option<String>> {
        let mut line = String::new();
        let read = match &mut self.tty {
            Some(reader) => reader.read_line(&mut line)?,
            None => io::stdin().lock().read_line(&mut line)?,
        };
        Ok((read > 0).then_some(line))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Yes,
    No,
    All,
    Quit,
}

/// Asks about every analysed file the fixes change and writes the accepted ones; returns every file's report.
fn review(analysed: Vec<Analysed>, color: ColorArg, include_unsafe: bool) -> anyhow::Result<Vec<FileReport>> {
    let total = analysed.iter().filter(|analysed| analysed.rewrite.is_some()).count();
    let mut terminal = if total == 0 { None } else { Some(Terminal::open(color)?) };
    let (mut position, mut accept_all, mut quit) = (0, false, false);
    let mut files = Vec::with_capacity(analysed.len());
    for analysed in analysed {
        if analysed.rewrite.is_none() {
            files.push(analysed.report);
            continue;
        }
        position += 1;
        let accepted = match terminal.as_mut() {
            _ if quit => false,
            _ if accept_all => true,
            // A terminal is open whenever there is something to review.
            None => false,
            Some(terminal) => {
                text::write_file(&mut terminal.out, &analysed.report, include_unsafe)?;
                match ask(terminal, position, total)? {
                    Answer::Yes => true,
                    Answer::No => false,
                    Answer::All => {
                        accept_all = true;
                        true
                    }
                    Answer::Quit => {
                        quit = true;
                        false
                    }
                }
            }
        };
        files.push(if accepted { write::apply(analysed) } else { declined(analysed.report) });
    }
    Ok(files)
}

/// A declined file: nothing written, every finding remains.
fn declined(mut report: FileReport) -> FileReport {
    report.changed = false;
    report.remaining = report.findings.len();
    report
}

fn ask(terminal: &mut Terminal, position: usize, total: usize) -> anyhow::Result<Answer> {
    loop {
        terminal.write(&format!("Apply this fix ({position}/{total})? [y]es, [n]o, [a]ll, [q]uit: "))?;
        let Some(line) = terminal.read_line().context("cannot read the answer")? else {
            // End of input: the user went away; write nothing more.
            terminal.write("\n")?;
            return Ok(Answer::Quit);
        };
        match line.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => return Ok(Answer::Yes),
            "n" | "no" => return Ok(Answer::No),
            "a" | "all" => return Ok(Answer::All),
            "q" | "quit" => return Ok(Answer::Quit),
            _ => terminal.write("Please answer y, n, a or q.\n")?,
        }
    }
}
