//! The config file (exportfix.json, or "exportfix" in package.json) and the summary line's counts.
#![cfg(unix)]

mod common;

use std::fs;

use common::*;

#[test]
fn config_file_is_found_above_the_working_directory_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "exportfix.json", r#"{ "style": "module-exports", "exclude": ["gen/**"] }"#);
    write(dir.path(), "pkg/a.js", ONLY_EXPORTS);
    write(dir.path(), "pkg/gen/b.js", REASSIGN);
    let pkg = dir.path().join("pkg");

    let run = exportfix(&pkg, &["check", "--format", "json"], None);
    assert_eq!(run.code, Some(1), "{run:?}");
    let report = run.json();
    assert_eq!(report["files"].as_array().unwrap().len(), 1, "{run:?}");
    assert_eq!(report["files"][0]["findings"][0]["rule"], "prefer-module-exports");
    assert_eq!(report["summary"]["skipped"]["excluded"], 1, "gen/** is relative to the config file: {run:?}");

    let run = exportfix(&pkg, &["check", "--style", "mixed", "--format", "json"], None);
    assert_eq!(run.code, Some(0), "--style overrides the file: {run:?}");
    let run = exportfix(&pkg, &["check", "--no-config", "--format", "json"], None);
    assert_eq!(run.code, Some(1), "without the config gen/b.js is checked: {run:?}");
    assert_eq!(run.json()["files"][0]["path"], "gen/b.js");
}

#[test]
fn config_in_package_json_and_extensions() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "package.json", r#"{ "name": "x", "exportfix": { "extensions": ["cjs"] } }"#);
    write(dir.path(), "a.js", REASSIGN);
    write(dir.path(), "b.cjs", REASSIGN);
    let run = exportfix(dir.path(), &["check", "--format", "json"], None);
    assert_eq!(run.code, Some(1), "{run:?}");
    let report = run.json();
    assert_eq!(report["summary"]["files_scanned"], 1, "{run:?}");
    assert_eq!(report["files"][0]["path"], "b.cjs");

    // exportfix.json wins over package.json in the same directory.
    write(dir.path(), "exportfix.json", "{}");
    let run = exportfix(dir.path(), &["check", "--format", "json"], None);
    assert_eq!(run.json()["summary"]["files_scanned"], 2, "{run:?}");
}

#[test]
fn unknown_config_keys_and_bad_values_are_errors_naming_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.js", CLEAN);
    write(dir.path(), "exportfix.json", "{\n  \"style\": \"mixed\",\n  \"excludes\": [\"x\"]\n}\n");
    let run = exportfix(dir.path(), &["check"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("exportfix.json: unknown key `excludes`"), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");

    write(dir.path(), "exportfix.json", r#"{ "style": "modern" }"#);
    let run = exportfix(dir.path(), &["check"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("exportfix.json: unknown variant `modern`"), "{run:?}");

    write(dir.path(), "exportfix.json", r#"{ "extensions": ["mjs"] }"#);
    let run = exportfix(dir.path(), &["check"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("exportfix.json: key `extensions`: `mjs`"), "{run:?}");

    fs::remove_file(dir.path().join("exportfix.json")).unwrap();
    write(dir.path(), "package.json", r#"{ "exportfix": { "stlye": "mixed" } }"#);
    let run = exportfix(dir.path(), &["check"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("package.json (key `exportfix`): unknown key `stlye`"), "{run:?}");
}

// ---------------------------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn summary_counts_rules_and_skipped_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.js", REASSIGN);
    write(dir.path(), "b.js", "exports.a = 1;\nmodule.exports.b = 2;\n");
    write(dir.path(), "m.mjs", REASSIGN);
    write(dir.path(), "e.js", "export const a = 1;\nexports.b = 2;\n");
    write(dir.path(), "vendor/v.js", REASSIGN);
    // e.js is an ES module only its parse can tell, and the pre-filter rules it out: by default it is not parsed,
    // so it counts as a file no rule applies to; `--check-syntax` parses it and counts it as an ES module.
    let run = exportfix(dir.path(), &["check", "--exclude", "vendor", "--format", "json"], None);
    let summary = &run.json()["summary"];
    let skipped = serde_json::json!({"es_modules": 1, "no_possible_finding": 1, "excluded": 1, "too_large": 0});
    assert_eq!(summary["skipped"], skipped);
    let run = exportfix(dir.path(), &["check", "--check-syntax", "--exclude", "vendor", "--format", "json"], None);
    let summary = &run.json()["summary"];
    assert_eq!(summary["findings_by_rule"], serde_json::json!({"exports-reassign": 1, "mixed-exports": 1}));
    let skipped = serde_json::json!({"es_modules": 2, "no_possible_finding": 0, "excluded": 1, "too_large": 0});
    assert_eq!(summary["skipped"], skipped);

    let run = exportfix(dir.path(), &["check", "--check-syntax", "--exclude", "vendor"], None);
    let last = run.stdout.lines().last().unwrap();
    assert!(last.starts_with("Scanned 3 files: 2 findings (2 fixable), 2 files would change, 0 errors in "), "{run:?}");
    assert!(
        last.ends_with("; by rule: exports-reassign 1, mixed-exports 1; skipped 2 ES modules, 1 excluded"),
        "{run:?}"
    );
}
