//! `fix --interactive`: every file the fixes would change is shown (findings and diff) and the user answers
//! y (write it), n (skip it), a (write it and all the rest), q (write nothing more). Questions and answers go
//! through the controlling terminal (/dev/tty), or standard input and error when those are a terminal; without a
//! terminal the run fails before writing anything.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, IsTerminal, Write};

use anyhow::{bail, Context};

use crate::cli::{ColorArg, Mode};
use crate::process::{process_all, ProcessOptions};
use crate::report::RunReport;
use crate::walk::Candidate;

enum Terminal {
    Tty { reader: BufReader<File>, writer: File },
    Std,
}

impl Terminal {
    fn open() -> anyhow::Result<Self> {
        if let Ok(tty) = OpenOptions::new().read(true).write(true).open("/dev/tty") {
            let writer = tty.try_clone().context("cannot use the terminal")?;
            return Ok(Terminal::Tty { reader: BufReader::new(tty), writer });
        }
        if io::stdin().is_terminal() {
            return Ok(Terminal::Std);
        }
        bail!("--interactive needs a terminal to ask on (none is attached); run `exportfix check` to preview instead")
    }

    fn write(&mut self, text: &str) -> io::Result<()> {
        match self {
            Terminal::Tty { writer, .. } => {
                writer.write_all(text.as_bytes())?;
                writer.flush()
            }
            Terminal::Std => {
                let mut err = io::stderr().lock();
                err.write_all(text.as_bytes())?;
                err.flush()
            }
        }
    }

    /// One line typed by the user; `None` at end of input.
    fn read_line(&mut self) -> io::Result<Option<String>> {
        let mut line = String::new();
        let read = match self {
            Terminal::Tty { reader, .. } => reader.read_line(&mut line)?,
            Terminal::Std => io::stdin().lock().read_line(&mut line)?,
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

/// Asks about every file with a diff in `report` (analysed without writing) and writes the accepted ones,
/// replacing their entries with the result of fixing them.
pub fn review(
    report: &mut RunReport,
    candidates: Vec<Candidate>,
    options: ProcessOptions,
    color: ColorArg,
) -> anyhow::Result<()> {
    let to_review: Vec<usize> = (0..report.files.len()).filter(|&index| report.files[index].diff.is_some()).collect();
    let colored = match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => std::env::var_os("NO_COLOR").is_none(),
    };
    let mut terminal = if to_review.is_empty() { None } else { Some(Terminal::open()?) };
    let mut accept_all = false;
    let mut quit = false;
    let total = to_review.len();
    for (position, index) in to_review.into_iter().enumerate() {
        let accepted = if quit {
            false
        } else if accept_all {
            true
        } else {
            let terminal = terminal.as_mut().expect("a terminal is open when there is something to review");
            terminal.write(&describe(&report.files[index], colored))?;
            let answer = ask(terminal, position + 1, total)?;
            match answer {
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
        };
        let file = &mut report.files[index];
        if accepted {
            let Some(candidate) = candidates.iter().find(|candidate| candidate.display == file.path) else {
                continue;
            };
            let fix_options = ProcessOptions { mode: Mode::Fix, ..options };
            let mut fixed = process_all(vec![candidate.clone()], fix_options, 1, &|| {})?;
            if let Some(result) = fixed.pop() {
                *file = result;
            }
        } else {
            // Declined: nothing written, every finding remains.
            file.changed = false;
            file.remaining = file.findings.len();
        }
    }
    Ok(())
}

fn describe(file: &crate::report::FileReport, colored: bool) -> String {
    let mut text = String::new();
    for finding in &file.findings {
        text.push_str(&format!(
            "{}:{}:{}: {} {}\n",
            file.path, finding.line, finding.column, finding.rule, finding.message
        ));
    }
    for line in file.diff.as_deref().unwrap_or_default().lines() {
        let color = match line.as_bytes().first() {
            _ if !colored => None,
            Some(b'+') if !line.starts_with("+++") => Some("\x1b[32m"),
            Some(b'-') if !line.starts_with("---") => Some("\x1b[31m"),
            Some(b'@') => Some("\x1b[36m"),
            _ => None,
        };
        match color {
            Some(color) => text.push_str(&format!("{color}{line}\x1b[0m\n")),
            None => text.push_str(&format!("{line}\n")),
        }
    }
    text
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
