//! `--format sarif`: one SARIF 2.1.0 log on stdout, for code-scanning services (GitHub code scanning, Azure DevOps,
//! IDE viewers).
//!
//! One run; the driver lists every rule with its descriptions and default level from the engine's rule table.
//! Each finding is a result with its rule, level, message and a location relative to `%SRCROOT%` (the working
//! directory) with its 1-based start line and column (columns count Unicode characters, as SARIF's default
//! `columnKind` "unicodeCodePoints" does), and `properties.fix`: `safe`, `unsafe` or `none`. Errors (unreadable
//! files, syntax errors) are `toolExecutionNotifications` of the invocation, which is unsuccessful when there are
//! any. Fixes are not embedded as SARIF `fixes`: the unified diff from `--format text`/`json` is the fix.

use std::io::{self, Write};

use exportfix_transforms::{Applicability, Finding, RuleId};
use serde_json::{json, Value};

use crate::report::{FileError, RunReport};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn emit(report: &RunReport) -> io::Result<()> {
    let cwd = std::env::current_dir().ok();
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &to_sarif(report, cwd.as_deref()))?;
    writeln!(out)?;
    out.flush()
}

pub fn to_sarif(report: &RunReport, cwd: Option<&std::path::Path>) -> Value {
    let rules: Vec<Value> = RuleId::ALL.iter().map(|rule| rule_descriptor(*rule)).collect();
    let results: Vec<Value> = report
        .reportable_files()
        .flat_map(|file| file.findings.iter().map(move |finding| result(&file.path, finding)))
        .collect();
    let errors = report.errors();
    let notifications: Vec<Value> = errors.iter().map(|error| notification(error)).collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "exportfix",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }
        },
        "invocations": [{
            "executionSuccessful": errors.is_empty(),
            "toolExecutionNotifications": notifications,
        }],
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(cwd) = cwd {
        let mut root = file_uri(&cwd.to_string_lossy());
        if !root.ends_with('/') {
            root.push('/');
        }
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": root } });
    }
    json!({ "$schema": SCHEMA, "version": "2.1.0", "runs": [run] })
}

fn rule_descriptor(rule: RuleId) -> Value {
    let meta = rule.meta();
    json!({
        "id": meta.id,
        "name": meta.name,
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": meta.explanation },
        "defaultConfiguration": { "level": meta.level.as_str() },
    })
}

fn result(path: &str, finding: &Finding) -> Value {
    let fix = match finding.fix.as_ref().map(|fix| fix.applicability) {
        Some(Applicability::Safe) => "safe",
        Some(Applicability::Unsafe) => "unsafe",
        None => "none",
    };
    json!({
        "ruleId": finding.rule.as_str(),
        "ruleIndex": RuleId::ALL.iter().position(|rule| *rule == finding.rule).unwrap_or_default(),
        "level": finding.rule.meta().level.as_str(),
        "message": { "text": finding.message },
        "locations": [location(path, Some((finding.line, finding.column)))],
        "properties": { "fix": fix },
    })
}

fn notification(error: &FileError) -> Value {
    json!({
        "level": "error",
        "message": { "text": format!("{}: {}", error.path, error.message) },
        "locations": [location(&error.path, error.location.map(|location| (location.line, location.column)))],
    })
}

fn location(path: &str, position: Option<(usize, usize)>) -> Value {
    let mut artifact = if path.starts_with('/') {
        json!({ "uri": file_uri(path) })
    } else {
        json!({ "uri": percent_encode(path), "uriBaseId": "%SRCROOT%" })
    };
    if path.is_empty() {
        artifact = json!({ "uri": "" });
    }
    let mut physical = json!({ "artifactLocation": artifact });
    if let Some((line, column)) = position {
        physical["region"] = json!({ "startLine": line, "startColumn": column });
    }
    json!({ "physicalLocation": physical })
}

fn file_uri(absolute: &str) -> String {
    format!("file://{}", percent_encode(absolute))
}

/// Percent-encodes a `/`-separated path for a URI reference: everything but unreserved characters and `/`.
fn percent_encode(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_paths() {
        assert_eq!(percent_encode("a b/ç.js"), "a%20b/%C3%A7.js");
        assert_eq!(file_uri("/tmp/x y"), "file:///tmp/x%20y");
    }
}
