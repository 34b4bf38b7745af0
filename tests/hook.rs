//! The native git pre-commit hook, driven by real `git commit`s in temporary repositories.
#![cfg(unix)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// The command the blocked hook says to run, from the line after "Fix them with:".
fn suggested_command(stderr: &str) -> String {
    let mut lines = stderr.lines().skip_while(|line| !line.starts_with("Fix them with:")).skip(1);
    lines.find(|line| !line.trim().is_empty()).unwrap_or_else(|| panic!("no command in: {stderr}")).trim().to_owned()
}

fn sh(dir: &Path, command: &str) -> Run {
    Command::new("sh").arg("-c").arg(command).current_dir(dir).output().unwrap().into()
}

// git shows a hook's standard output on its standard error.

#[test]
fn check_hook_blocks_a_broken_staged_file_and_names_the_fix_command() {
    let repo = Repo::new();
    let run = repo.exportfix(&["hook", "install"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(repo.path().join(".git/hooks/pre-commit").is_file());

    repo.write("clean.js", CLEAN);
    repo.git_ok(&["add", "clean.js"]);
    let run = repo.commit("clean");
    assert_eq!(run.code, Some(0), "a clean file passes: {run:?}");

    repo.write("my lib/a file.js", REASSIGN);
    repo.git_ok(&["add", "."]);
    let run = repo.commit("broken");
    assert_ne!(run.code, Some(0), "the commit is blocked: {run:?}");
    assert!(run.stderr.contains("my lib/a file.js:1:1: exports-reassign "), "{run:?}");
    assert!(run.stderr.contains("--- a/my lib/a file.js\n+++ b/my lib/a file.js\n"), "the diff: {run:?}");
    assert!(run.stderr.contains("commit blocked"), "{run:?}");
    let command = suggested_command(&run.stderr);
    assert!(command.ends_with(" fix 'my lib/a file.js'"), "{command}");
    assert_eq!(repo.git_ok(&["rev-list", "--count", "HEAD"]).trim(), "1", "nothing was committed");

    // The command it names really fixes the file.
    let fixed = sh(repo.path(), &command);
    assert_eq!(fixed.code, Some(0), "{fixed:?}");
    assert_eq!(repo.read("my lib/a file.js"), REASSIGN_FIXED);
    repo.git_ok(&["add", "."]);
    let run = repo.commit("fixed");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(repo.committed("my lib/a file.js"), REASSIGN_FIXED);
}

#[test]
fn check_hook_judges_what_is_staged_not_the_work_tree() {
    let repo = Repo::new();
    assert_eq!(repo.exportfix(&["hook", "install"]).code, Some(0));

    // Broken in the index, clean in the work tree: blocked.
    repo.write("a.js", REASSIGN);
    repo.git_ok(&["add", "a.js"]);
    repo.write("a.js", CLEAN);
    let run = repo.commit("staged is broken");
    assert_ne!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("a.js:1:1: exports-reassign"), "{run:?}");

    // Clean in the index, broken in the work tree: passes, and the clean text is committed.
    repo.git_ok(&["add", "a.js"]);
    repo.write("a.js", REASSIGN);
    let run = repo.commit("staged is clean");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(repo.committed("a.js"), CLEAN);
    assert_eq!(repo.read("a.js"), REASSIGN, "the work tree is not touched");
}

#[test]
fn fix_hook_fixes_and_restages_clean_files_and_blocks_partially_staged_ones() {
    let repo = Repo::new();
    let run = repo.exportfix(&["hook", "install", "--mode", "fix"]);
    assert_eq!(run.code, Some(0), "{run:?}");

    repo.write("a b.js", REASSIGN);
    repo.write("c.js", CLEAN);
    repo.git_ok(&["add", "."]);
    let run = repo.commit("fixed on the way in");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("fixed and re-staged: 'a b.js'"), "{run:?}");
    assert_eq!(repo.committed("a b.js"), REASSIGN_FIXED);
    assert_eq!(repo.read("a b.js"), REASSIGN_FIXED);

    // Staged broken, with unstaged changes on top: not touched, commit blocked.
    repo.write("d.js", REASSIGN);
    repo.git_ok(&["add", "d.js"]);
    repo.write("d.js", "exports = function () {};\n// more\n");
    let run = repo.commit("partial");
    assert_ne!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("commit blocked"), "{run:?}");
    assert!(suggested_command(&run.stderr).ends_with(" fix d.js"), "{run:?}");
    assert_eq!(repo.read("d.js"), "exports = function () {};\n// more\n", "work tree untouched");
    assert_eq!(repo.git_ok(&["show", ":d.js"]), REASSIGN, "index untouched");
}

#[test]
fn hook_install_respects_foreign_hooks_and_core_hooks_path() {
    let repo = Repo::new();
    let hook = repo.path().join(".git/hooks/pre-commit");
    fs::create_dir_all(hook.parent().unwrap()).unwrap();
    fs::write(&hook, "#!/bin/sh\necho mine\n").unwrap();

    let run = repo.exportfix(&["hook", "install"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("was not written by exportfix"), "{run:?}");
    assert_eq!(fs::read_to_string(&hook).unwrap(), "#!/bin/sh\necho mine\n");
    let run = repo.exportfix(&["hook", "uninstall"]);
    assert_eq!(run.code, Some(2), "uninstall leaves a foreign hook alone: {run:?}");
    assert!(hook.exists());

    let run = repo.exportfix(&["hook", "install", "--force"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(fs::read_to_string(&hook).unwrap().contains("exportfix-managed-hook"));
    let run = repo.exportfix(&["hook", "install", "--mode", "fix"]);
    assert_eq!(run.code, Some(0), "its own hook is replaced without --force: {run:?}");
    assert!(fs::read_to_string(&hook).unwrap().contains("hook run --mode fix"));
    let run = repo.exportfix(&["hook", "uninstall"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(!hook.exists());

    // core.hooksPath, run from a subdirectory.
    repo.git_ok(&["config", "core.hooksPath", ".githooks"]);
    fs::create_dir_all(repo.path().join("sub")).unwrap();
    let run = exportfix(&repo.path().join("sub"), &["hook", "install"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    let custom: PathBuf = repo.path().join(".githooks/pre-commit");
    assert!(custom.is_file(), "{run:?}");
    repo.write("sub/x.js", REASSIGN);
    repo.git_ok(&["add", "sub/x.js"]);
    let run = repo.commit("through hooksPath");
    assert_ne!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("sub/x.js:1:1: exports-reassign"), "{run:?}");

    let outside = tempfile::tempdir().unwrap();
    let run = exportfix(outside.path(), &["hook", "install"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("not inside a git repository"), "{run:?}");
}

#[test]
fn the_hook_skips_staged_files_over_the_configured_size_limit() {
    let repo = Repo::new();
    assert_eq!(repo.exportfix(&["hook", "install"]).code, Some(0));
    let big = format!("{REASSIGN}//{}\n", "x".repeat(2000));
    repo.write("exportfix.json", r#"{ "maxFileSize": "1KB" }"#);
    repo.write("bundle.js", &big);
    repo.git_ok(&["add", "."]);
    let run = repo.commit("a generated bundle");
    assert_eq!(run.code, Some(0), "a file over the limit is not analysed: {run:?}");

    // Under the limit, the same finding blocks the commit.
    repo.write("exportfix.json", r#"{ "maxFileSize": "1MiB" }"#);
    repo.write("bundle.js", &format!("{big}// edited\n"));
    repo.git_ok(&["add", "."]);
    let run = repo.commit("the bundle again");
    assert_ne!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("bundle.js:1:1: exports-reassign "), "{run:?}");
}
