//! `fix --interactive` and the progress bar, through a real pseudo-terminal (tests/pty/drive.py).
#![cfg(unix)]

mod common;

use std::fs;
use std::process::{Command, Stdio};

use common::*;

#[test]
fn interactive_fix_writes_only_accepted_files() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.js", "b.js", "c.js"] {
        write(dir.path(), name, REASSIGN);
    }
    write(dir.path(), "d.js", CLEAN);
    let terminal = in_terminal(dir.path(), &["y", "n", "q"], &["fix", "--interactive", "--color", "never"]);
    assert_eq!(terminal.prompts, 3, "{terminal:?}");
    assert_eq!(terminal.code, 1, "findings remain in the declined files: {terminal:?}");
    assert!(terminal.output.contains("a.js:1:1: exports-reassign "), "{terminal:?}");
    assert!(terminal.output.contains("--- a/a.js\n+++ b/a.js\n@@ -1 +1 @@\n-exports"), "{terminal:?}");
    assert!(terminal.output.contains("Apply this fix (1/3)? [y]es, [n]o, [a]ll, [q]uit: "), "{terminal:?}");
    assert!(terminal.output.contains("(3/3)"), "{terminal:?}");
    assert!(
        terminal.output.contains("Scanned 4 files: 3 findings (3 fixable), 1 file changed, 2 remaining, 0 errors"),
        "{terminal:?}"
    );
    let read = |name: &str| fs::read_to_string(dir.path().join(name)).unwrap();
    assert_eq!(read("a.js"), REASSIGN_FIXED);
    assert_eq!(read("b.js"), REASSIGN);
    assert_eq!(read("c.js"), REASSIGN);

    // An answer it does not understand is asked again; "all" accepts this file and every later one.
    let terminal = in_terminal(dir.path(), &["maybe", "a"], &["fix", "--interactive"]);
    assert!(terminal.output.contains("Please answer y, n, a or q."), "{terminal:?}");
    assert_eq!(terminal.prompts, 2, "{terminal:?}");
    assert_eq!(terminal.code, 0, "{terminal:?}");
    assert_eq!(read("b.js"), REASSIGN_FIXED);
    assert_eq!(read("c.js"), REASSIGN_FIXED);
}

#[test]
fn interactive_fix_without_a_terminal_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.js", REASSIGN);
    // setsid: no controlling terminal, whatever terminal the test itself runs in.
    let output = Command::new("setsid")
        .args([BIN, "fix", "--interactive"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let run = Run::from(output);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--interactive needs a terminal"), "{run:?}");
    assert_eq!(fs::read_to_string(dir.path().join("a.js")).unwrap(), REASSIGN);

    let run = exportfix(dir.path(), &["check", "--interactive"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    let run = exportfix(dir.path(), &["fix", "--interactive", "--format", "json"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(fs::read_to_string(dir.path().join("a.js")).unwrap(), REASSIGN);
}

#[test]
fn progress_bar_only_on_a_terminal_for_large_runs() {
    let dir = tempfile::tempdir().unwrap();
    for index in 0..300 {
        write(dir.path(), &format!("f{index:03}.js"), CLEAN);
    }
    let terminal = in_terminal(dir.path(), &[], &["check"]);
    assert_eq!(terminal.code, 0, "{terminal:?}");
    assert!(terminal.output.contains("/300 files"), "a progress bar on the terminal: {terminal:?}");
    assert!(terminal.output.contains("Scanned 300 files: 0 findings"), "{terminal:?}");

    let json = in_terminal(dir.path(), &[], &["check", "--format", "json"]);
    assert!(!json.output.contains("/300 files"), "never with JSON: {json:?}");
    let piped = exportfix(dir.path(), &["check"], None);
    assert_eq!(piped.stderr, "", "never in a pipe: {piped:?}");

    // A small run shows none.
    let small = tempfile::tempdir().unwrap();
    write(small.path(), "a.js", CLEAN);
    let terminal = in_terminal(small.path(), &[], &["check"]);
    assert!(!terminal.output.contains("files ("), "{terminal:?}");
}

/// A file that changes while its diff is on screen is not written, whatever the answer: what would be written is
/// no longer what was reviewed. Without the race, exactly the reviewed text is written.
#[test]
fn interactive_fix_writes_what_was_reviewed_or_nothing() {
    const ROUTER: &str = "function Router() {}\nmodule.exports = Router;\nexports.a = 1;\n";
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "r.js", ROUTER);
    let terminal = in_terminal_meanwhile(
        dir.path(),
        &["y"],
        &["fix", "--interactive", "--color", "never"],
        "printf 'exports.b = 2;\\n' >> r.js",
    );
    assert_eq!(terminal.prompts, 1, "{terminal:?}");
    assert_eq!(terminal.code, 2, "a file that changed since review is an error: {terminal:?}");
    assert!(
        terminal.output.contains("r.js: error: changed on disk since it was read; not overwritten"),
        "{terminal:?}"
    );
    let read = || fs::read_to_string(dir.path().join("r.js")).unwrap();
    assert_eq!(read(), format!("{ROUTER}exports.b = 2;\n"), "nothing written over the other writer's change");

    // No race: the text written is the one the diff showed.
    write(dir.path(), "r.js", ROUTER);
    let terminal = in_terminal(dir.path(), &["y"], &["fix", "--interactive", "--color", "never"]);
    assert_eq!(terminal.code, 0, "{terminal:?}");
    let added: Vec<&str> = terminal
        .output
        .lines()
        .filter(|line| line.starts_with('+') && !line.starts_with("+++"))
        .map(|line| &line[1..])
        .collect();
    assert!(!added.is_empty(), "{terminal:?}");
    for line in added {
        assert!(read().lines().any(|written| written == line), "{line:?} shown but not written: {}", read());
    }
    assert!(!read().contains("\nexports.a"), "{}", read());
}

#[test]
fn interactive_colours_follow_the_color_flag() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.js", REASSIGN);
    let never = in_terminal(dir.path(), &["n"], &["fix", "--interactive", "--color", "never"]);
    assert!(!never.output.contains('\u{1b}'), "{never:?}");
    let always = in_terminal(dir.path(), &["n"], &["fix", "--interactive", "--color", "always"]);
    assert!(always.output.contains("\u{1b}[32m+module.exports"), "{always:?}");
    assert!(always.output.contains("help:"), "{always:?}");
}
