//! `--max-file-size` (config `maxFileSize`): files over the limit are skipped unread — named or walked, from a
//! path run, standard input or the hook — counted in the summary, never an error, never written.
#![cfg(unix)]

mod common;

use common::*;

/// A reassignment the rules flag with a safe fix, padded with a comment to `bytes` bytes.
fn padded_reassign(bytes: usize) -> String {
    let mut text = REASSIGN.to_owned();
    text.push_str("//");
    text.push_str(&"x".repeat(bytes - text.len() - 1));
    text.push('\n');
    assert_eq!(text.len(), bytes);
    text
}

#[test]
fn files_over_the_limit_are_skipped_named_or_walked_and_never_written() {
    let project = Project::new();
    let big = padded_reassign(2000);
    project.write("big.js", &big).write("walked/big.js", &big).write("small.js", REASSIGN);

    let run = project.run(&["fix", "--max-file-size", "1KB", ".", "big.js"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stderr, "", "{run:?}");
    assert_eq!(project.read_text("big.js"), big);
    assert_eq!(project.read_text("walked/big.js"), big);
    assert_eq!(project.read_text("small.js"), REASSIGN_FIXED);
    assert!(run.summary().starts_with("Scanned 1 file: "), "{run:?}");
    assert!(run.summary().ends_with("; skipped 2 files over 1 KB (--max-file-size)"), "{run:?}");

    let json = project.run(&["check", "--format", "json", "--max-file-size", "1999", "big.js", "walked"]);
    assert_eq!(json.code, Some(0), "{json:?}");
    let summary = &json.json()["summary"];
    assert_eq!(summary["skipped"]["too_large"], 2, "{json:?}");
    assert_eq!(summary["files_scanned"], 0, "{json:?}");
    assert_eq!(summary["errors"], 0, "{json:?}");
}

#[test]
fn the_limit_is_inclusive_zero_removes_it_and_the_default_is_one_mebibyte() {
    let project = Project::new();
    project.write("exact.js", padded_reassign(1000)).write("mebibyte.js", padded_reassign(1024 * 1024 + 1));
    let exact = project.run(&["check", "--format", "json", "--max-file-size", "1000", "exact.js"]);
    assert_eq!(exact.code, Some(1), "{exact:?}");
    assert_eq!(exact.json()["summary"]["skipped"]["too_large"], 0, "{exact:?}");

    let default = project.run(&["check", "mebibyte.js"]);
    assert_eq!(default.code, Some(0), "{default:?}");
    assert!(default.summary().ends_with("; skipped 1 file over 1 MiB (--max-file-size)"), "{default:?}");
    let unlimited = project.run(&["check", "--max-file-size", "0", "mebibyte.js"]);
    assert_eq!(unlimited.code, Some(1), "{unlimited:?}");
}

#[test]
fn the_config_key_sets_the_limit_and_the_flag_overrides_it() {
    let project = Project::new();
    project.write("a.js", padded_reassign(3000)).write("exportfix.json", r#"{ "maxFileSize": "2KiB" }"#);
    let configured = project.run(&["check", "a.js"]);
    assert_eq!(configured.code, Some(0), "{configured:?}");
    assert!(configured.summary().ends_with("; skipped 1 file over 2 KiB (--max-file-size)"), "{configured:?}");
    let overridden = project.run(&["check", "--max-file-size", "4KiB", "a.js"]);
    assert_eq!(overridden.code, Some(1), "{overridden:?}");

    project.write("exportfix.json", r#"{ "maxFileSize": 2048 }"#);
    assert_eq!(project.run(&["check", "a.js"]).code, Some(0));
    project.write("exportfix.json", r#"{ "maxFileSize": "huge" }"#);
    let invalid = project.run(&["check", "a.js"]);
    assert_eq!(invalid.code, Some(2), "{invalid:?}");
    assert!(
        invalid.stderr.contains("exportfix.json") && invalid.stderr.contains("`huge` is not a size"),
        "{invalid:?}"
    );
}

#[test]
fn an_invalid_size_is_a_usage_error() {
    let project = Project::new();
    for bad in ["big", "-1", "1TB", "1.5"] {
        let run = project.run(&["check", &format!("--max-file-size={bad}")]);
        assert_eq!(run.code, Some(2), "{bad}: {run:?}");
        assert!(run.stderr.contains("--max-file-size"), "{bad}: {run:?}");
    }
}

#[test]
fn standard_input_over_the_limit_is_skipped_and_comes_back_unchanged() {
    let project = Project::new();
    let big = padded_reassign(2000);
    let args = ["--max-file-size", "1KB", "--stdin-filename", "a.js"];
    let check =
        exportfix(&project.path(""), &[&["check", "--format", "json"][..], &args].concat(), Some(big.as_bytes()));
    assert_eq!(check.code, Some(0), "{check:?}");
    assert_eq!(check.json()["summary"]["skipped"]["too_large"], 1, "{check:?}");
    let fix = exportfix(&project.path(""), &[&["fix"][..], &args].concat(), Some(big.as_bytes()));
    assert_eq!(fix.code, Some(0), "{fix:?}");
    assert_eq!(fix.stdout, big);
}
