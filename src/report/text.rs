//! The text report: findings and the diff on stdout, errors on stderr, one summary line last on stdout.
//!
//! stdout is shaped so that `exportfix check | git apply` applies exactly what `exportfix fix` writes: per file,
//! its findings (`path:line:col: rule message`, with a `help:` line naming the fix under a fixable one) and then
//! its unified diff; git skips the lines around and between patches. A diff that `git apply` cannot apply from
//! the working directory (a file outside it, or named through a symbolic link) gets a note on stderr saying so. Without colour the diff is written byte for byte (a CRLF file's `\r` included); colour is added only
//! when asked for or when stdout is a terminal, so piped output never carries escape codes.

use std::io::{self, BufWriter, Write};

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Style};
use exportfix_transforms::{Applicability, Finding};

use crate::cli::ColorArg;
use crate::report::quote::shown;
use crate::report::{FileError, FileReport, Mode, PatchCaveat, RunReport, Summary};

const LOCATION: Style = Style::new().bold();
const RULE: Style = AnsiColor::Red.on_default().bold();
const ERROR: Style = AnsiColor::Red.on_default().bold();
const HELP: Style = AnsiColor::Cyan.on_default().bold();
const DIFF_HEADER: Style = Style::new().bold();
const HUNK_HEADER: Style = AnsiColor::Cyan.on_default();
const DELETED: Style = AnsiColor::Red.on_default();
const ADDED: Style = AnsiColor::Green.on_default();
const NOTE: Style = Style::new().dimmed();

pub fn emit(report: &RunReport, color: ColorArg) -> io::Result<()> {
    let mut out = Painter::new(io::stdout().lock(), color);
    for file in report.reportable_files() {
        write_file(&mut out, file, report.include_unsafe)?;
    }
    out.flush()?;
    write_errors(report, color)?;
    writeln!(out, "{}", summary_line(report.mode, &report.summary()))?;
    out.flush()
}

/// The errors on stderr, then the summary line on stdout: what `fix --interactive` prints after its questions.
pub fn emit_summary(report: &RunReport, color: ColorArg) -> io::Result<()> {
    write_errors(report, color)?;
    let mut out = io::stdout().lock();
    writeln!(out, "{}", summary_line(report.mode, &report.summary()))?;
    out.flush()
}

/// Findings and errors, all on stderr: what `fix --stdin-filename` prints beside the fixed text on stdout.
pub fn emit_to_stderr(report: &RunReport, color: ColorArg) -> io::Result<()> {
    let mut err = Painter::new(io::stderr().lock(), color);
    for file in report.reportable_files() {
        write_findings(&mut err, file, report.include_unsafe)?;
    }
    err.flush()?;
    write_errors(report, color)
}

/// Every error, then a note per diff that `git apply` would not apply here, on stderr.
fn write_errors(report: &RunReport, color: ColorArg) -> io::Result<()> {
    let mut err = Painter::new(io::stderr().lock(), color);
    for error in report.errors() {
        write_error(&mut err, error)?;
    }
    // `fix` has written what it could; only a preview is meant for `git apply`.
    if report.mode == Mode::Check {
        for file in report.reportable_files().filter(|file| file.diff.is_some()) {
            if let Some(caveat) = file.patch_caveat {
                write_caveat(&mut err, &file.path, caveat)?;
            }
        }
    }
    err.flush()
}

/// A buffered stream that knows whether to style what it writes. It carries ANSI styles through only when colour
/// is wanted; otherwise it is the raw stream, so that the bytes written are exactly the bytes meant.
pub struct Painter {
    stream: BufWriter<Box<dyn Write>>,
    enabled: bool,
}

impl Painter {
    pub fn new<S>(raw: S, color: ColorArg) -> Painter
    where
        S: anstream::stream::RawStream + anstream::stream::AsLockedWrite + 'static,
    {
        let enabled = match color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => AutoStream::choice(&raw) != ColorChoice::Never,
        };
        let stream: Box<dyn Write> =
            if enabled { Box::new(AutoStream::new(raw, ColorChoice::Always)) } else { Box::new(raw) };
        Painter { stream: BufWriter::new(stream), enabled }
    }

    fn styled(&mut self, style: Style, text: &str) -> io::Result<()> {
        if self.enabled {
            write!(self.stream, "{style}{text}{style:#}")
        } else {
            self.stream.write_all(text.as_bytes())
        }
    }
}

impl Write for Painter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// One file: its findings, then its diff.
pub fn write_file(out: &mut Painter, file: &FileReport, include_unsafe: bool) -> io::Result<()> {
    write_findings(out, file, include_unsafe)?;
    if let Some(diff) = &file.diff {
        write_diff(out, diff)?;
    }
    Ok(())
}

/// `path:line:col:` — the one place a text line names a place. A path with a control character (a newline would
/// split the line) is C-quoted, as the diff headers quote it.
fn place(path: &str, location: Option<(usize, usize)>) -> String {
    match location {
        Some((line, column)) => format!("{}:{line}:{column}:", shown(path)),
        None => format!("{}:", shown(path)),
    }
}

/// `path:line:col: rule message`, and under a fixable finding its fix title as a `help:` line (as ruff does).
fn write_findings(out: &mut Painter, file: &FileReport, include_unsafe: bool) -> io::Result<()> {
    for finding in &file.findings {
        out.styled(LOCATION, &place(&file.path, Some((finding.line, finding.column))))?;
        out.write_all(b" ")?;
        out.styled(RULE, finding.rule.as_str())?;
        writeln!(out, " {}", finding.message)?;
        if let Some(help) = help(finding, include_unsafe) {
            out.styled(HELP, "help:")?;
            writeln!(out, " {help}")?;
        }
    }
    Ok(())
}

fn help(finding: &Finding, include_unsafe: bool) -> Option<String> {
    let fix = finding.fix.as_ref()?;
    let title = &fix.title;
    Some(match fix.applicability {
        Applicability::Unsafe if !include_unsafe => format!("{title} (unsafe: applied only with --unsafe)"),
        _ => title.to_owned(),
    })
}

fn write_diff(out: &mut Painter, diff: &str) -> io::Result<()> {
    if !out.enabled {
        return out.write_all(diff.as_bytes());
    }
    for (index, line) in diff.split_inclusive('\n').enumerate() {
        let style = if index < 2 {
            DIFF_HEADER
        } else if line.starts_with("@@") {
            HUNK_HEADER
        } else if line.starts_with('-') {
            DELETED
        } else if line.starts_with('+') {
            ADDED
        } else if line.starts_with('\\') {
            NOTE
        } else {
            Style::new()
        };
        let content = line.strip_suffix('\n').unwrap_or(line);
        out.styled(style, content)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn write_error(err: &mut Painter, error: &FileError) -> io::Result<()> {
    err.styled(LOCATION, &place(&error.path, error.location.map(|location| (location.line, location.column))))?;
    err.write_all(b" ")?;
    err.styled(ERROR, "error:")?;
    writeln!(err, " {}", error.message)
}

fn write_caveat(err: &mut Painter, path: &str, caveat: PatchCaveat) -> io::Result<()> {
    let why = match caveat {
        PatchCaveat::OutsideCwd => "it lies outside the working directory, and `git apply` only patches files under it",
        PatchCaveat::ThroughLink => "it was named through a symbolic link, and `git apply` never writes through one",
    };
    let remedy = match caveat {
        PatchCaveat::OutsideCwd => "`exportfix fix` writes it",
        PatchCaveat::ThroughLink => "`exportfix fix` writes the link's target",
    };
    err.styled(LOCATION, &place(path, None))?;
    err.write_all(b" ")?;
    err.styled(NOTE, "note:")?;
    writeln!(err, " `git apply` run here cannot apply this diff: {why}; {remedy}")
}

/// `Scanned 3 files: 2 findings (2 fixable), 1 file would change, 0 errors in 12ms`; for `fix` the changed files
/// are the ones written and the findings left after fixing are counted too.
pub fn summary_line(mode: Mode, summary: &Summary) -> String {
    let changed = match mode {
        Mode::Check => format!("{} would change", plural(summary.files_changed, "file", "files")),
        Mode::Fix => {
            format!("{} changed, {} remaining", plural(summary.files_changed, "file", "files"), summary.remaining)
        }
    };
    let mut line = format!(
        "Scanned {}: {} ({} fixable), {changed}, {} in {}ms",
        plural(summary.files_scanned, "file", "files"),
        plural(summary.findings, "finding", "findings"),
        summary.fixable,
        plural(summary.errors, "error", "errors"),
        summary.elapsed_ms
    );
    if !summary.findings_by_rule.is_empty() {
        let rules: Vec<String> =
            summary.findings_by_rule.iter().map(|(rule, count)| format!("{rule} {count}")).collect();
        line.push_str(&format!("; by rule: {}", rules.join(", ")));
    }
    let skipped = &summary.skipped;
    if skipped.total() > 0 {
        let mut reasons = Vec::new();
        if skipped.es_modules > 0 {
            reasons.push(plural(skipped.es_modules, "ES module", "ES modules"));
        }
        if skipped.no_possible_finding > 0 {
            reasons.push(format!("{} no rule applies to", plural(skipped.no_possible_finding, "file", "files")));
        }
        if skipped.excluded > 0 {
            reasons.push(format!("{} excluded", skipped.excluded));
        }
        if skipped.too_large > 0 {
            let files = plural(skipped.too_large, "file", "files");
            reasons.push(format!("{files} over {} (--max-file-size)", summary.max_file_size));
        }
        line.push_str(&format!("; skipped {}", reasons.join(", ")));
    }
    line
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reads_naturally() {
        let summary = Summary {
            files_scanned: 1,
            findings: 2,
            fixable: 1,
            files_changed: 1,
            remaining: 1,
            errors: 0,
            elapsed_ms: 7,
            skipped: Default::default(),
            max_file_size: crate::size::MaxFileSize::DEFAULT,
            findings_by_rule: Default::default(),
        };
        assert_eq!(
            summary_line(Mode::Check, &summary),
            "Scanned 1 file: 2 findings (1 fixable), 1 file would change, 0 errors in 7ms"
        );
        assert_eq!(
            summary_line(Mode::Fix, &summary),
            "Scanned 1 file: 2 findings (1 fixable), 1 file changed, 1 remaining, 0 errors in 7ms"
        );
        let detailed = Summary {
            findings_by_rule: [("lost-export", 1), ("mixed-exports", 1)].into_iter().collect(),
            skipped: crate::report::Skipped { es_modules: 2, no_possible_finding: 1, excluded: 1, too_large: 3 },
            ..summary
        };
        assert_eq!(
            summary_line(Mode::Check, &detailed),
            "Scanned 1 file: 2 findings (1 fixable), 1 file would change, 0 errors in 7ms; by rule: lost-export 1, \
             mixed-exports 1; skipped 2 ES modules, 1 file no rule applies to, 1 excluded, 3 files over 1 MiB \
             (--max-file-size)"
        );
    }
}
