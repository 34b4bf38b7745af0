//! `--help` and shell completions, loaded into a real bash.
#![cfg(unix)]

mod common;

use std::fs;
use std::process::Command;

use common::*;

#[test]
fn help_shows_examples_for_the_three_uses() {
    let dir = tempfile::tempdir().unwrap();
    let run = exportfix(dir.path(), &["--help"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    for expected in [
        "Examples:",
        "Preview",
        "exportfix check src/",
        "Migration",
        "exportfix fix --interactive",
        "exportfix hook install",
    ] {
        assert!(run.stdout.contains(expected), "missing {expected:?}: {run:?}");
    }
    let run = exportfix(dir.path(), &["fix", "--help"], None);
    assert!(run.stdout.contains("--stdin-filename") && run.stdout.contains("--interactive"), "{run:?}");
}

#[test]
fn completions_are_printed_for_each_shell_and_load_in_bash() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, expected) in
        [("bash", "_exportfix()"), ("zsh", "#compdef exportfix"), ("fish", "complete -c exportfix")]
    {
        let run = exportfix(dir.path(), &["completions", shell], None);
        assert_eq!(run.code, Some(0), "{run:?}");
        assert!(run.stdout.contains(expected), "{shell}: {run:?}");
    }
    let script = exportfix(dir.path(), &["completions", "bash"], None).stdout;
    fs::write(dir.path().join("exportfix.bash"), script).unwrap();
    let output = Command::new("bash")
        .arg("-c")
        .arg("source ./exportfix.bash && complete -p exportfix")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let run = Run::from(output);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("exportfix"), "{run:?}");
    let run = exportfix(dir.path(), &["completions", "tcsh"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
}
