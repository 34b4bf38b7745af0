//! The JSON report (`--format json`): exactly one object on stdout, nothing on stderr.
//!
//! Schema (stable; scripts and CI depend on it):
//!
//! ```text
//! {
//!   "files": [                      // only files with findings or a diff, sorted by path
//!     {
//!       "path": "src/a.js",         // relative to the working directory when under it, `/`-separated
//!       "findings": [               // in source order, as found in the file before any fix
//!         {
//!           "rule": "exports-reassign",   // exports-reassign | lost-export | mixed-exports | prefer-module-exports
//!           "line": 1,              // 1-based
//!           "column": 1,            // 1-based, in characters (Unicode scalar values)
//!           "message": "...",
//!           "fix": "safe"           // "safe" | "unsafe" | "none": the fix's kind, whatever --unsafe says
//!         }
//!       ],
//!       "diff": "--- a/src/a.js\n+++ b/src/a.js\n@@ ...\n"   // what `check` would write / `fix` wrote; or null
//!     }
//!   ],
//!   "errors": [                     // sorted by path, then position
//!     { "path": "b.js", "line": 3, "column": 5, "message": "syntax error: ..." }   // line/column may be null
//!   ],
//!   "summary": {
//!     "files_scanned": 12,          // files read (including those then skipped; not the ones too large to read)
//!     "findings": 3,                // all findings, as found before fixing
//!     "fixable": 2,                 // findings whose fix applies under this run's --unsafe setting
//!     "files_changed": 1,           // files the fixes change (`check`) or changed (`fix`: written)
//!     "errors": 1,                  // entries in "errors"
//!     "elapsed_ms": 40,
//!     "findings_by_rule": { "lost-export": 2, "mixed-exports": 1 },   // rules that found nothing are absent
//!     "skipped": { "es_modules": 4, "no_possible_finding": 0, "excluded": 1, "too_large": 0 }   // not analysed, by reason
//!     // too_large: files over --max-file-size (default 1 MiB), never read
//!   }
//! }
//! ```
//!
//! The exit code is the same as in text mode: 0 nothing to report, 1 findings (left), 2 errors.

use std::io::{self, Write};

use exportfix_transforms::{Applicability, Finding};
use serde::Serialize;

use crate::report::{FileError, FileReport, RunReport};

#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    files: Vec<JsonFile<'a>>,
    errors: Vec<JsonError<'a>>,
    summary: JsonSummary,
}

#[derive(Debug, Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    findings: Vec<JsonFinding<'a>>,
    diff: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    line: usize,
    column: usize,
    message: &'a str,
    fix: &'static str,
}

#[derive(Debug, Serialize)]
struct JsonError<'a> {
    path: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

#[derive(Debug, Serialize)]
struct JsonSummary {
    files_scanned: usize,
    findings: usize,
    fixable: usize,
    files_changed: usize,
    errors: usize,
    elapsed_ms: u128,
    findings_by_rule: std::collections::BTreeMap<&'static str, usize>,
    skipped: JsonSkipped,
}

#[derive(Debug, Serialize)]
struct JsonSkipped {
    es_modules: usize,
    no_possible_finding: usize,
    excluded: usize,
    too_large: usize,
}

pub fn emit(report: &RunReport) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, &to_json(report))?;
    writeln!(out)?;
    out.flush()
}

fn to_json(report: &RunReport) -> JsonReport<'_> {
    let summary = report.summary();
    JsonReport {
        files: report.reportable_files().map(file).collect(),
        errors: report.errors().into_iter().map(error).collect(),
        summary: JsonSummary {
            files_scanned: summary.files_scanned,
            findings: summary.findings,
            fixable: summary.fixable,
            files_changed: summary.files_changed,
            errors: summary.errors,
            elapsed_ms: summary.elapsed_ms,
            skipped: JsonSkipped {
                es_modules: summary.skipped.es_modules,
                no_possible_finding: summary.skipped.no_possible_finding,
                excluded: summary.skipped.excluded,
                too_large: summary.skipped.too_large,
            },
            findings_by_rule: summary.findings_by_rule,
        },
    }
}

fn file(file: &FileReport) -> JsonFile<'_> {
    JsonFile { path: &file.path, findings: file.findings.iter().map(finding).collect(), diff: file.diff.as_deref() }
}

fn finding(finding: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule: finding.rule.as_str(),
        line: finding.line,
        column: finding.column,
        message: &finding.message,
        fix: match finding.fix.as_ref().map(|fix| fix.applicability) {
            Some(Applicability::Safe) => "safe",
            Some(Applicability::Unsafe) => "unsafe",
            None => "none",
        },
    }
}

fn error(error: &FileError) -> JsonError<'_> {
    JsonError {
        path: &error.path,
        line: error.location.map(|location| location.line),
        column: error.location.map(|location| location.column),
        message: &error.message,
    }
}
