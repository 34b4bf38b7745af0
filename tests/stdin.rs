//! `--stdin-filename`: the buffer on standard input, for editors and scripts; the same pipeline as a path run.
#![cfg(unix)]

mod common;

use common::*;

#[test]
fn stdin_check_reports_against_the_given_name() {
    let dir = tempfile::tempdir().unwrap();
    let run = exportfix(dir.path(), &["check", "--stdin-filename", "lib/a.js"], Some(REASSIGN.as_bytes()));
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.starts_with("lib/a.js:1:1: exports-reassign "), "{run:?}");
    assert!(run.stdout.contains("--- a/lib/a.js\n+++ b/lib/a.js\n"), "{run:?}");
    assert!(!dir.path().join("lib").exists(), "nothing is written");

    let json =
        exportfix(dir.path(), &["check", "--stdin-filename", "a.js", "--format", "json"], Some(CLEAN.as_bytes()));
    assert_eq!(json.code, Some(0), "{json:?}");
    assert_eq!(json.json()["summary"]["files_scanned"], 1);
}

#[test]
fn stdin_fix_writes_the_source_to_stdout_and_findings_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let run = exportfix(dir.path(), &["fix", "--stdin-filename", "a.js"], Some(REASSIGN.as_bytes()));
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, REASSIGN_FIXED);
    assert!(run.stderr.starts_with("a.js:1:1: exports-reassign "), "{run:?}");

    // Nothing to fix, not a file exportfix analyses, an ES module, a syntax error: the input comes back unchanged.
    for (name, source, code) in [
        ("a.js", CLEAN, 0),
        ("notes.txt", REASSIGN, 0),
        ("a.mjs", REASSIGN, 0),
        ("a.js", "import x from 'x';\nexports = x;\n", 0),
        ("a.js", BROKEN, 2),
    ] {
        let run = exportfix(dir.path(), &["fix", "--stdin-filename", name], Some(source.as_bytes()));
        assert_eq!(run.code, Some(code), "{name}: {run:?}");
        assert_eq!(run.stdout, source, "{name}: {run:?}");
    }
    // An unfixable finding: unchanged text, the finding on stderr, exit 1.
    let unfixable = "exports.a = make();\nmodule.exports = makeApi();\n";
    let run = exportfix(dir.path(), &["fix", "--stdin-filename", "b.js"], Some(unfixable.as_bytes()));
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(run.stdout, unfixable);
    assert!(run.stderr.contains("b.js:1:1: lost-export "), "{run:?}");
}

#[test]
fn stdin_filename_cannot_be_combined_with_paths() {
    let dir = tempfile::tempdir().unwrap();
    let run = exportfix(dir.path(), &["check", "--stdin-filename", "a.js", "b.js"], Some(b""));
    assert_eq!(run.code, Some(2), "{run:?}");
}

/// The JSON of `check` on `text`, read from a file and from standard input under the same name, with the only
/// field that may differ (the time taken) removed.
fn both_ways(text: &[u8], name: &str, extra: &[&str]) -> (Run, Run) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), name, text);
    let path_args: Vec<&str> = ["check", "--format", "json"].iter().chain(extra).chain([&name]).copied().collect();
    let from_path = exportfix(dir.path(), &path_args, None);
    let stdin_args: Vec<&str> =
        ["check", "--format", "json", "--stdin-filename", name].iter().chain(extra).copied().collect();
    let from_stdin = exportfix(dir.path(), &stdin_args, Some(text));
    (from_path, from_stdin)
}

fn without_time(run: &Run) -> serde_json::Value {
    let mut json = run.json();
    json["summary"].as_object_mut().expect("a summary").remove("elapsed_ms");
    json
}

#[test]
fn stdin_and_a_path_give_the_same_json_for_the_same_text() {
    let cases: [(&[u8], &str, &[&str]); 9] = [
        (REASSIGN.as_bytes(), "lib/a.js", &[]),
        (MIXED.as_bytes(), "b.cjs", &[]),
        (ONLY_EXPORTS.as_bytes(), "c.js", &["--style", "module-exports"]),
        // The pre-filter proves these finding-free: skipped as no_possible_finding both ways.
        (CLEAN.as_bytes(), "d.js", &[]),
        (b"const x = 1;\n", "e.ts", &[]),
        (BROKEN.as_bytes(), "f.js", &[]),
        (b"import x from 'x';\nexports = x;\n", "g.js", &[]),
        (b"exports = 1;\n\xff\n", "h.js", &[]),
        (REASSIGN.as_bytes(), "i.mjs", &[]),
    ];
    for (text, name, extra) in cases {
        let (from_path, from_stdin) = both_ways(text, name, extra);
        assert_eq!(from_path.code, from_stdin.code, "{name}: path {from_path:?}\nstdin {from_stdin:?}");
        assert_eq!(without_time(&from_path), without_time(&from_stdin), "{name}");
    }
    let (from_path, _) = both_ways(CLEAN.as_bytes(), "d.js", &[]);
    assert_eq!(from_path.json()["summary"]["skipped"]["no_possible_finding"], 1, "{from_path:?}");
}

#[test]
fn stdin_is_pre_filtered_as_a_file_is_and_check_syntax_parses_it() {
    let dir = tempfile::tempdir().unwrap();
    // No bare `exports`: ruled out by the pre-filter, so not parsed unless asked.
    let broken = "let x = (;\n";
    let run =
        exportfix(dir.path(), &["check", "--stdin-filename", "a.js", "--format", "json"], Some(broken.as_bytes()));
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["summary"]["skipped"]["no_possible_finding"], 1, "{run:?}");
    let checked =
        exportfix(dir.path(), &["check", "--check-syntax", "--stdin-filename", "a.js"], Some(broken.as_bytes()));
    assert_eq!(checked.code, Some(2), "{checked:?}");
    assert!(checked.stderr.starts_with("a.js:1:") && checked.stderr.contains("syntax error"), "{checked:?}");
}
