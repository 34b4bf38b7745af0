//! End-to-end tests of the `exportfix` binary: real processes, real temporary directories, real `git apply`.
//!
//! Files that must be analysed but need no particular rule use deliberate syntax errors next to a bare `exports`
//! (so the lexical pre-filter keeps them): whether the run reports them shows whether they were processed. Tests about findings and fixes use two inputs the rules flag with a
//! safe fix: `exports = function () {};` (exports-reassign, fixed to `module.exports = ...`) and
//! `exports.a = 1;\nmodule.exports.b = 2;` (mixed-exports, fixed to `module.exports.a = 1;`).
//!
//! Unix only: the tests use symbolic links, FIFOs and permission bits.
#![cfg(unix)]

mod common;

use std::fs;
use std::process::Command;

use serde_json::Value;

use common::*;

// ---------------------------------------------------------------------------------------------------------------
// Exit codes and the text report
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn clean_tree_exits_zero_with_a_summary_only() {
    let project = Project::new();
    project.write("a.js", CLEAN).write("lib/b.cjs", CLEAN);
    let run = project.run(&["check"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout_lines().len(), 1, "{run:?}");
    assert!(
        run.summary().starts_with("Scanned 2 files: 0 findings (0 fixable), 0 files would change, 0 errors in "),
        "{run:?}"
    );
    assert_eq!(run.stderr, "");

    let fix = project.run(&["fix", "."]);
    assert_eq!(fix.code, Some(0), "{fix:?}");
    assert!(
        fix.summary()
            .starts_with("Scanned 2 files: 0 findings (0 fixable), 0 files changed, 0 remaining, 0 errors in "),
        "{fix:?}"
    );
}

#[test]
fn check_reports_findings_and_diff_exits_one_and_never_writes() {
    let project = Project::new();
    project.write("a.js", REASSIGN).write("b.js", MIXED).write("c.js", CLEAN);
    let before = project.snapshot();

    let run = project.run(&["check"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let lines = run.stdout_lines();
    assert!(lines[0].starts_with("a.js:1:1: exports-reassign "), "{run:?}");
    // Under each fixable finding, its fix title (as ruff shows it), then the diff.
    assert_eq!(lines[1], "help: Assign to `module.exports` and use it throughout the file");
    assert_eq!(lines[2..6], ["--- a/a.js", "+++ b/a.js", "@@ -1 +1 @@", "-exports = function () {};"]);
    assert_eq!(lines[6], "+module.exports = function () {};");
    assert!(lines[7].starts_with("b.js:1:1: mixed-exports "), "{run:?}");
    assert_eq!(lines[8], "help: Use `module.exports` throughout the file");
    assert_eq!(
        lines[9..14],
        ["--- a/b.js", "+++ b/b.js", "@@ -1,2 +1,2 @@", "-exports.a = 1;", "+module.exports.a = 1;"]
    );
    assert_eq!(lines[14], " module.exports.b = 2;");
    assert!(
        run.summary().starts_with("Scanned 3 files: 2 findings (2 fixable), 2 files would change, 0 errors in "),
        "{run:?}"
    );
    assert_eq!(project.snapshot(), before, "check must never write");
}

#[test]
fn fix_writes_safe_fixes_exits_zero_and_leaves_no_temporary_files() {
    let project = Project::new();
    project.write("a.js", REASSIGN).write("sub/b.js", MIXED).write("c.js", CLEAN);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(project.path("a.js"), fs::Permissions::from_mode(0o755)).unwrap();
    }

    let run = project.run(&["fix"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("a.js:1:1: exports-reassign "), "{run:?}");
    assert!(run.stdout.contains("--- a/sub/b.js\n+++ b/sub/b.js\n"), "{run:?}");
    assert!(
        run.summary()
            .starts_with("Scanned 3 files: 2 findings (2 fixable), 2 files changed, 0 remaining, 0 errors in "),
        "{run:?}"
    );

    let after = project.snapshot();
    let names: Vec<&str> = after.keys().map(String::as_str).collect();
    assert_eq!(names, ["a.js", "c.js", "sub/b.js"], "no temporary files may remain");
    assert_eq!(after["a.js"], REASSIGN_FIXED.as_bytes());
    assert_eq!(after["sub/b.js"], MIXED_FIXED.as_bytes());
    assert_eq!(after["c.js"], CLEAN.as_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(project.path("a.js")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755, "permissions survive the rewrite");
    }

    let again = project.run(&["check"]);
    assert_eq!(again.code, Some(0), "fixed files have nothing left: {again:?}");
}

#[test]
fn fix_exit_code_agrees_with_a_check_of_the_result() {
    // Whatever the style rules decide to fix, `fix` exits 1 exactly when `check` still finds something after it.
    for style in ["mixed", "module-exports"] {
        let project = Project::new();
        project.write("a.js", REASSIGN).write("b.js", "exports.a = 1;\nexports.b = 2;\n");
        let before = project.run(&["check", "--style", style]);
        assert_eq!(before.code, Some(1), "{before:?}");
        let fix = project.run(&["fix", "--style", style]);
        let after = project.run(&["check", "--style", style]);
        assert_eq!(fix.code, after.code, "fix: {fix:?}\ncheck after: {after:?}");
        assert_eq!(project.read_text("a.js"), REASSIGN_FIXED);
    }
}

#[test]
fn unsafe_fixes_need_opt_in_and_unfixable_findings_remain() {
    // Documented rule behaviour: `exports = X` in a file that also reassigns `module.exports` has an unsafe fix;
    // an `exports.a` write before `module.exports` is reassigned cannot be rescued and has no fix.
    const UNSAFE: &str = "exports = { a: 1 };\nmodule.exports = { b: 2 };\n";
    const UNSAFE_FIXED: &str = "module.exports = { a: 1 };\nmodule.exports = { b: 2 };\n";
    const UNFIXABLE: &str = "exports.a = make();\nmodule.exports = makeApi();\n";
    let project = Project::new();
    project.write("a.js", UNSAFE).write("b.js", UNFIXABLE);

    let check = project.run(&["check", "--format", "json"]);
    assert_eq!(check.code, Some(1), "{check:?}");
    let report = check.json();
    assert_eq!(report["files"][0]["path"], "a.js");
    assert_eq!(report["files"][0]["findings"][0]["rule"], "exports-reassign");
    assert_eq!(report["files"][0]["findings"][0]["fix"], "unsafe");
    assert_eq!(report["files"][0]["diff"], Value::Null);
    assert_eq!(report["files"][1]["path"], "b.js");
    assert_eq!(report["files"][1]["findings"][0]["rule"], "lost-export");
    assert_eq!(report["files"][1]["findings"][0]["fix"], "none");
    assert_eq!(report["files"][1]["diff"], Value::Null);
    assert_eq!(report["summary"]["fixable"], 0);
    assert_eq!(report["summary"]["files_changed"], 0);

    let preview = project.run(&["check", "--unsafe", "--format", "json"]);
    assert_eq!(preview.code, Some(1), "{preview:?}");
    let preview = preview.json();
    assert_eq!(preview["summary"]["fixable"], 1);
    assert_eq!(preview["summary"]["files_changed"], 1);
    assert!(preview["files"][0]["diff"].as_str().unwrap().contains("\n+module.exports = { a: 1 };\n"));

    let safe_only = project.run(&["fix"]);
    assert_eq!(safe_only.code, Some(1), "{safe_only:?}");
    assert!(safe_only.summary().contains(" 0 files changed, 2 remaining, "), "{safe_only:?}");
    assert_eq!(project.read_text("a.js"), UNSAFE);
    assert_eq!(project.read_text("b.js"), UNFIXABLE);

    let with_unsafe = project.run(&["fix", "--unsafe"]);
    assert_eq!(with_unsafe.code, Some(1), "b.js still has its finding: {with_unsafe:?}");
    assert!(with_unsafe.summary().contains(" 1 file changed, 1 remaining, "), "{with_unsafe:?}");
    assert_eq!(project.read_text("a.js"), UNSAFE_FIXED);
    assert_eq!(project.read_text("b.js"), UNFIXABLE);
}

#[test]
fn style_module_exports_also_reports_consistent_exports_usage() {
    let project = Project::new();
    project.write("a.js", "exports.a = 1;\nexports.b = 2;\n");
    let mixed = project.run(&["check"]);
    assert_eq!(mixed.code, Some(0), "{mixed:?}");
    let strict = project.run(&["check", "--style", "module-exports"]);
    assert_eq!(strict.code, Some(1), "{strict:?}");
    assert!(
        strict.stdout.lines().any(|line| line.starts_with("a.js:") && line.contains(": prefer-module-exports ")),
        "{strict:?}"
    );
}

#[test]
fn errors_exit_two_name_their_file_and_do_not_stop_the_run() {
    let project = Project::new();
    project
        .write("good.js", CLEAN)
        .write("bad.js", BROKEN)
        .write("latin1.js", b"// caf\xe9\nexports.a = 1;\n")
        .write("walked/also-bad.ts", "exports = (;\n");
    symlink("missing-target.js", &project.path("dangling.js"));
    let fifo = project.path("pipe.js");
    let mkfifo = Command::new("mkfifo").arg(&fifo).status().expect("run mkfifo");
    assert!(mkfifo.success());

    let run = project.run(&["check", ".", "dangling.js", "pipe.js", "nothere.js", "no/such/dir"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    let errors: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(errors.len(), 7, "{run:?}");
    assert!(errors[0].starts_with("bad.js:1:") && errors[0].contains(": error: syntax error: "), "{run:?}");
    assert_eq!(errors[1], "dangling.js: error: broken symbolic link: its target does not exist");
    assert_eq!(
        errors[2],
        "latin1.js:1:7: error: not valid UTF-8: invalid byte 0xe9 at byte offset 6; exportfix only reads UTF-8 files"
    );
    assert_eq!(errors[3], "no/such/dir: error: no such file or directory");
    assert_eq!(errors[4], "nothere.js: error: no such file or directory");
    assert_eq!(errors[5], "pipe.js: error: not a regular file");
    assert!(errors[6].starts_with("walked/also-bad.ts:1:") && errors[6].contains(": error: syntax error: "));
    // good.js, bad.js, latin1.js and walked/also-bad.ts were read; the FIFO and the symlink were not.
    assert!(
        run.summary().starts_with("Scanned 4 files: 0 findings (0 fixable), 0 files would change, 7 errors in "),
        "{run:?}"
    );
}

#[test]
fn unreadable_files_are_errors() {
    use std::os::unix::fs::PermissionsExt;
    let project = Project::new();
    project.write("good.js", CLEAN).write("secret.js", CLEAN).write("locked/inside.js", CLEAN);
    fs::set_permissions(project.path("secret.js"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(project.path("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    let run = if fs::read(project.path("secret.js")).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): permissions do not stop reads. The broken-link and FIFO
        // cases of `errors_exit_two_name_their_file_and_do_not_stop_the_run` cover unreadable files there.
        eprintln!("skipped: permissions do not stop this user from reading");
        None
    } else {
        Some(project.run(&["check"]))
    };
    // Let the temporary directory be removed.
    fs::set_permissions(project.path("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    let Some(run) = run else {
        return;
    };
    assert_eq!(run.code, Some(2), "{run:?}");
    let errors: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{run:?}");
    assert!(errors[0].starts_with("locked: error: cannot read: "), "{run:?}");
    assert!(errors[1].starts_with("secret.js: error: cannot read: Permission denied"), "{run:?}");
    assert!(run.summary().starts_with("Scanned 2 files: "), "{run:?}");
}

#[test]
fn errors_win_over_findings_and_other_files_are_still_fixed() {
    let project = Project::new();
    project.write("a.js", REASSIGN).write("bad.js", BROKEN);
    symlink("gone.js", &project.path("dangling.js"));

    let check = project.run(&["check", ".", "dangling.js"]);
    assert_eq!(check.code, Some(2), "{check:?}");
    assert!(check.stdout.starts_with("a.js:1:1: exports-reassign "), "{check:?}");

    let fix = project.run(&["fix", ".", "dangling.js", "missing.js"]);
    assert_eq!(fix.code, Some(2), "{fix:?}");
    assert!(fix.stderr.contains("bad.js:1:"), "{fix:?}");
    assert!(fix.stderr.contains("dangling.js: error: "), "{fix:?}");
    assert!(fix.stderr.contains("missing.js: error: no such file or directory"), "{fix:?}");
    assert_eq!(project.read_text("a.js"), REASSIGN_FIXED);
    assert_eq!(project.read_text("bad.js"), BROKEN);
}

#[test]
fn output_is_sorted_by_path_whatever_the_thread_count() {
    let project = Project::new();
    for name in ["b.js", "a.js", "sub/c.js", "sub/a.js", "z/y/x.js", "c.js"] {
        project.write(name, BROKEN);
    }
    for threads in ["1", "4"] {
        let run = project.run(&["check", "--threads", threads]);
        let paths: Vec<&str> = run.stderr.lines().map(|line| line.split(':').next().unwrap_or_default()).collect();
        assert_eq!(paths, ["a.js", "b.js", "c.js", "sub/a.js", "sub/c.js", "z/y/x.js"], "{run:?}");
    }
}

#[test]
fn paths_are_shown_relative_to_the_working_directory() {
    let project = Project::new();
    project.write("pkg/src/a.js", BROKEN);
    let from_root = project.run(&["check", "./pkg/../pkg/src"]);
    assert!(from_root.stderr.starts_with("pkg/src/a.js:1:"), "{from_root:?}");
    // Canonical, as the working directory is: on some systems the temporary directory is reached through a link.
    let absolute = fs::canonicalize(project.path("pkg")).unwrap();
    let from_absolute = project.run(&["check", absolute.to_str().unwrap()]);
    assert!(from_absolute.stderr.starts_with("pkg/src/a.js:1:"), "{from_absolute:?}");
    let from_inside = run_in(&project.path("pkg"), &["check"]);
    assert!(from_inside.stderr.starts_with("src/a.js:1:"), "{from_inside:?}");
}

// ---------------------------------------------------------------------------------------------------------------
// Which files are processed
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn gitignored_files_are_skipped_unless_named() {
    let project = Project::new();
    project
        .write(".gitignore", "ignored.js\nbuild/\n")
        .write("ignored.js", BROKEN)
        .write("build/out.js", BROKEN)
        .write("src/.ignore", "local.js\n")
        .write("src/local.js", BROKEN)
        .write(".hidden/h.js", BROKEN)
        .write("kept.js", CLEAN);
    // Not a git repository: .gitignore is honoured anyway.
    assert!(!project.path(".git").exists());

    let walked = project.run(&["check"]);
    assert_eq!(walked.code, Some(0), "{walked:?}");
    assert!(walked.summary().starts_with("Scanned 1 file: "), "{walked:?}");

    let named = project.run(&["check", ".", "ignored.js", "build/out.js"]);
    assert_eq!(named.code, Some(2), "{named:?}");
    let errors: Vec<&str> = named.stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{named:?}");
    assert!(errors[0].starts_with("build/out.js:1:"), "{named:?}");
    assert!(errors[1].starts_with("ignored.js:1:"), "{named:?}");

    let unignored = project.run(&["check", "--no-ignore"]);
    assert_eq!(unignored.code, Some(2), "{unignored:?}");
    let paths: Vec<&str> = unignored.stderr.lines().map(|line| line.split(':').next().unwrap_or_default()).collect();
    // Hidden files stay skipped even without ignore files.
    assert_eq!(paths, ["build/out.js", "ignored.js", "src/local.js"], "{unignored:?}");
}

#[test]
fn exclude_globs_prune_walked_files_and_directories() {
    let project = Project::new();
    project
        .write("src/a.js", CLEAN)
        .write("src/a.test.js", BROKEN)
        .write("src/gen/g.js", BROKEN)
        .write("vendor/lib/v.js", BROKEN)
        .write("node_modules/dep/index.js", BROKEN);

    let run = project.run(&["check", "--exclude", "*.test.js", "--exclude", "vendor", "--exclude", "src/gen/**"]);
    // node_modules is not special: without a .gitignore entry it is walked like anything else.
    assert_eq!(run.code, Some(2), "{run:?}");
    let errors: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(errors.len(), 1, "{run:?}");
    assert!(errors[0].starts_with("node_modules/dep/index.js:1:"), "{run:?}");
    assert!(run.summary().starts_with("Scanned 2 files: "), "{run:?}");

    // Relative to the walked directory too; `*` stays within one directory level.
    let in_src = project.run(&["check", "src", "--exclude", "gen/*", "--exclude", "*.test.js"]);
    assert_eq!(in_src.code, Some(0), "{in_src:?}");
    assert!(in_src.summary().starts_with("Scanned 1 file: "), "{in_src:?}");
    let shallow = project.run(&["check", "src", "--exclude", "src/*.js"]);
    assert_eq!(shallow.code, Some(2), "{shallow:?}");
    assert!(shallow.stderr.starts_with("src/gen/g.js:1:"), "{shallow:?}");
    assert_eq!(shallow.stderr.lines().count(), 1, "{shallow:?}");

    // A file named on the command line is processed even when a glob matches it.
    let named = project.run(&["check", "--exclude", "*.test.js", "src/a.test.js"]);
    assert_eq!(named.code, Some(2), "{named:?}");
    assert!(named.stderr.starts_with("src/a.test.js:1:"), "{named:?}");

    let bad_glob = project.run(&["check", "--exclude", "a[", "src"]);
    assert_eq!(bad_glob.code, Some(2), "{bad_glob:?}");
    assert!(bad_glob.stderr.contains("invalid --exclude glob `a[`"), "{bad_glob:?}");
}

#[test]
fn es_modules_declarations_and_other_files_are_skipped() {
    let project = Project::new();
    project
        .write("a.mjs", BROKEN)
        .write("b.mts", BROKEN)
        .write("types.d.ts", BROKEN)
        .write("types.d.cts", BROKEN)
        .write("notes.txt", BROKEN)
        .write("esm/package.json", r#"{ "name": "esm", "type": "module" }"#)
        .write("esm/deep/x.js", BROKEN)
        .write("esm/deep/y.ts", BROKEN)
        .write("esm/deep/z.cjs", BROKEN)
        .write("esm/cjs-inside/package.json", r#"{ "name": "inner" }"#)
        .write("esm/cjs-inside/w.js", BROKEN)
        .write("broken-manifest/package.json", "{ this is not JSON")
        .write("broken-manifest/v.js", BROKEN);

    let run = project.run(&["check"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    let paths: Vec<&str> = run.stderr.lines().map(|line| line.split(':').next().unwrap_or_default()).collect();
    assert_eq!(paths, ["broken-manifest/v.js", "esm/cjs-inside/w.js", "esm/deep/z.cjs"], "{run:?}");
    assert!(run.summary().starts_with("Scanned 3 files: "), "{run:?}");

    // Naming a skipped file does not make it analysable.
    let named = project.run(&["check", "a.mjs", "types.d.ts", "notes.txt", "esm/deep/x.js"]);
    assert_eq!(named.code, Some(0), "{named:?}");
    assert_eq!(named.stderr, "");
    assert!(named.summary().starts_with("Scanned 0 files: "), "{named:?}");
}

#[test]
fn symlinks_are_not_followed_while_walking_but_named_ones_are_written_through() {
    let project = Project::new();
    project.write("real/a.js", REASSIGN);
    symlink("real", &project.path("loop"));
    symlink(".", &project.path("real/self"));
    symlink("real/a.js", &project.path("link.js"));

    let walked = project.run(&["check"]);
    assert!(walked.summary().starts_with("Scanned 1 file: "), "{walked:?}");

    let named = project.run(&["fix", "link.js"]);
    assert_eq!(named.code, Some(0), "{named:?}");
    assert!(named.stdout.contains("--- a/link.js\n"), "{named:?}");
    assert!(fs::symlink_metadata(project.path("link.js")).unwrap().file_type().is_symlink());
    assert_eq!(project.read_text("real/a.js"), REASSIGN_FIXED);
    let names: Vec<String> = project.snapshot().into_keys().collect();
    assert_eq!(names, ["link.js", "loop", "real/a.js", "real/self"], "no temporary files");
}

// ---------------------------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------------------------

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> =
        value.as_object().unwrap_or_else(|| panic!("not an object: {value}")).keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[test]
fn json_report_has_the_documented_shape_for_errors() {
    let project = Project::new();
    project.write("bad.js", BROKEN).write("good.js", CLEAN);
    let run = project.run(&["check", "--format", "json", ".", "missing.js"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(run.stderr, "", "JSON mode reports errors in the object only");
    assert_eq!(run.stdout.trim_end().lines().count(), 1, "one object on one line");
    let report = run.json();
    assert_eq!(keys(&report), ["errors", "files", "summary"]);
    assert_eq!(report["files"], serde_json::json!([]));
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(keys(&errors[0]), ["column", "line", "message", "path"]);
    assert_eq!(errors[0]["path"], "bad.js");
    assert_eq!(errors[0]["line"], 1);
    assert!(errors[0]["column"].is_u64());
    assert!(errors[0]["message"].as_str().unwrap().starts_with("syntax error: "));
    assert_eq!(
        errors[1],
        serde_json::json!({"path": "missing.js", "line": null, "column": null, "message": "no such file or directory"})
    );
    let summary = &report["summary"];
    assert_eq!(
        keys(summary),
        [
            "elapsed_ms",
            "errors",
            "files_changed",
            "files_scanned",
            "findings",
            "findings_by_rule",
            "fixable",
            "skipped"
        ]
    );
    assert_eq!(summary["files_scanned"], 2);
    assert_eq!(summary["findings"], 0);
    assert_eq!(summary["fixable"], 0);
    assert_eq!(summary["files_changed"], 0);
    assert_eq!(summary["errors"], 2);
    assert!(summary["elapsed_ms"].is_u64());
}

#[test]
fn json_report_lists_findings_and_diffs() {
    let project = Project::new();
    project.write("b.js", MIXED).write("a.js", REASSIGN).write("clean.js", CLEAN);
    let run = project.run(&["check", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let report = run.json();
    let files = report["files"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|file| file["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["a.js", "b.js"], "only files with findings, sorted");
    assert_eq!(keys(&files[0]), ["diff", "findings", "path"]);
    let finding = &files[0]["findings"][0];
    assert_eq!(keys(finding), ["column", "fix", "line", "message", "rule"]);
    assert_eq!(finding["rule"], "exports-reassign");
    assert_eq!(finding["line"], 1);
    assert_eq!(finding["column"], 1);
    assert_eq!(finding["fix"], "safe");
    assert!(!finding["message"].as_str().unwrap().is_empty());
    assert_eq!(
        files[0]["diff"],
        "--- a/a.js\n+++ b/a.js\n@@ -1 +1 @@\n-exports = function () {};\n+module.exports = function () {};\n"
    );
    assert_eq!(files[1]["findings"][0]["rule"], "mixed-exports");
    assert!(files[1]["diff"].as_str().unwrap().starts_with("--- a/b.js\n+++ b/b.js\n"));
    assert_eq!(report["errors"], serde_json::json!([]));
    assert_eq!(report["summary"]["files_scanned"], 3);
    assert_eq!(report["summary"]["findings"], 2);
    assert_eq!(report["summary"]["fixable"], 2);
    assert_eq!(report["summary"]["files_changed"], 2);
    assert_eq!(report["summary"]["errors"], 0);

    // `fix` reports the same findings and the diff it wrote.
    let fix = project.run(&["fix", "--format", "json"]);
    assert_eq!(fix.code, Some(0), "{fix:?}");
    let fixed = fix.json();
    assert_eq!(fixed["files"], report["files"]);
    assert_eq!(fixed["summary"]["files_changed"], 2);
    assert_eq!(project.read_text("a.js"), REASSIGN_FIXED);
}

// ---------------------------------------------------------------------------------------------------------------
// Bytes outside the edits, and `check | git apply` == `fix`
// ---------------------------------------------------------------------------------------------------------------

/// Inputs whose fixes must leave every byte but the edit alone, and what `fix` must make of them.
fn byte_exact_cases() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    vec![
        (
            "crlf.js",
            b"exports.a = 1;\r\nmodule.exports.b = 2;\r\n".to_vec(),
            b"module.exports.a = 1;\r\nmodule.exports.b = 2;\r\n".to_vec(),
        ),
        (
            "bom.js",
            "\u{feff}exports = function () {};\n".as_bytes().to_vec(),
            "\u{feff}module.exports = function () {};\n".as_bytes().to_vec(),
        ),
        (
            "shebang.js",
            b"#!/usr/bin/env node\nexports = function () {};\n".to_vec(),
            b"#!/usr/bin/env node\nmodule.exports = function () {};\n".to_vec(),
        ),
        ("no-newline.js", b"exports = function () {};".to_vec(), b"module.exports = function () {};".to_vec()),
        (
            "bom-crlf-no-newline.js",
            "\u{feff}// keep\r\nexports = function () {};".as_bytes().to_vec(),
            "\u{feff}// keep\r\nmodule.exports = function () {};".as_bytes().to_vec(),
        ),
    ]
}

#[test]
fn crlf_bom_shebang_and_missing_newline_survive_byte_for_byte() {
    let project = Project::new();
    for (name, original, _) in byte_exact_cases() {
        project.write(name, original);
    }
    let run = project.run(&["fix"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("\\ No newline at end of file\n"), "{run:?}");
    assert!(run.stdout.contains("shebang.js:2:1: exports-reassign "), "{run:?}");
    assert!(run.stdout.contains("bom.js:1:1: exports-reassign "), "{run:?}");
    for (name, _, expected) in byte_exact_cases() {
        assert_eq!(project.read(name), expected, "{name}: got {:?}", String::from_utf8_lossy(&project.read(name)));
    }
}

#[test]
fn check_piped_into_git_apply_equals_fix() {
    let mut cases = byte_exact_cases();
    let filler: String = (0..12).map(|i| format!("// filler {i}\n")).collect();
    let far_apart = format!("exports.a = 1;\n{filler}module.exports.b = 2;\n{filler}exports.c = 3;\n");
    cases.push(("lib/far-apart.js", far_apart.clone().into_bytes(), Vec::new()));
    cases.push(("lib/clean.js", CLEAN.as_bytes().to_vec(), CLEAN.as_bytes().to_vec()));
    cases.push(("with space.js", REASSIGN.as_bytes().to_vec(), REASSIGN_FIXED.as_bytes().to_vec()));

    let applied = Project::new();
    let fixed = Project::new();
    for project in [&applied, &fixed] {
        for (name, original, _) in &cases {
            project.write(name, original);
        }
    }
    let init = git(applied.dir.path(), &["init", "-q", "."], None);
    assert!(init.status.success(), "{init:?}");

    let check = applied.run(&["check"]);
    assert_eq!(check.code, Some(1), "{check:?}");
    assert!(check.stdout.contains("\r\n"), "CRLF must reach the patch: {check:?}");
    let apply = git(applied.dir.path(), &["apply", "-v", "-"], Some(check.stdout.as_bytes()));
    assert!(
        apply.status.success(),
        "git apply failed: {}\npatch:\n{}",
        String::from_utf8_lossy(&apply.stderr),
        check.stdout
    );

    let fix = fixed.run(&["fix"]);
    assert_eq!(fix.code, Some(0), "{fix:?}");
    let mut after_apply = applied.snapshot();
    after_apply.retain(|name, _| !name.starts_with(".git"));
    assert_eq!(after_apply, fixed.snapshot());
    for (name, original, expected) in &cases {
        let result = fixed.read(name);
        if expected.is_empty() {
            assert_ne!(&result, original, "{name} must change");
        } else {
            assert_eq!(&result, expected, "{name}");
        }
    }
    // One hunk per changed file at least (the far-apart file may give two).
    assert!(check.stdout.matches("\n@@ -").count() >= cases.len() - 1, "{check:?}");
}

// ---------------------------------------------------------------------------------------------------------------
// Robustness and presentation
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn deep_nesting_does_not_crash() {
    let project = Project::new();
    let parens = format!("{}exports.a = 1{};\n", "(".repeat(5_000), ")".repeat(5_000));
    let terms = vec!["1"; 200_000].join(" + ");
    project
        .write("parens.js", parens)
        .write("plus.js", format!("exports.b = {terms};\n"))
        .write("reassign.js", REASSIGN);
    let run = project.run(&["check", "--threads", "2"]);
    assert_eq!(run.stderr, "", "{run:?}");
    assert!(run.summary().starts_with("Scanned 3 files: "), "{run:?}");
    assert!(matches!(run.code, Some(0 | 1)), "{run:?}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let project = Project::new();
    project.write("bad.js", BROKEN);
    let piped = project.run(&["check"]);
    assert!(!piped.stderr.contains('\u{1b}') && !piped.stdout.contains('\u{1b}'), "{piped:?}");
    assert!(piped.stderr.starts_with("bad.js:1:"), "{piped:?}");
    let never = project.run(&["check", "--color", "never"]);
    assert!(!never.stderr.contains('\u{1b}'), "{never:?}");
    let always = project.run(&["check", "--color", "always"]);
    assert!(always.stderr.contains("\u{1b}["), "{always:?}");
    assert!(always.stderr.contains("error:"), "{always:?}");
}

#[test]
fn diff_colour_keeps_the_patch_text() {
    let project = Project::new();
    project.write("a.js", REASSIGN);
    let always = project.run(&["check", "--color", "always"]);
    assert!(always.stdout.contains("\u{1b}["), "{always:?}");
    let plain = project.run(&["check", "--color", "never"]);
    assert!(!plain.stdout.contains('\u{1b}'));
    let strip = |text: &str| {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    let without_summary = |text: &str| text.rsplit_once("Scanned").map(|(body, _)| body.to_owned());
    assert_eq!(without_summary(&strip(&always.stdout)), without_summary(&plain.stdout));
    assert!(plain.stdout.contains("+module.exports = function () {};\n"), "{plain:?}");
}

#[test]
fn usage_errors_exit_two() {
    let project = Project::new();
    let run = project.run(&["check", "--format", "xml"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    let run = project.run(&["frobnicate"]);
    assert_eq!(run.code, Some(2), "{run:?}");
}

#[test]
fn files_without_a_bare_exports_are_not_parsed_unless_syntax_is_checked() {
    let project = Project::new();
    project
        .write("only-module-exports.js", "module.exports = function () {};\n")
        .write("broken-without-exports.js", "let x = (;\n")
        .write("broken-with-exports.js", BROKEN)
        .write("probe.js", "if (typeof exports === 'object') module.exports = 1;\n");
    let error_paths = |report: &Value| -> Vec<String> {
        let errors = report["errors"].as_array().cloned().unwrap_or_default();
        errors.iter().filter_map(|error| error["path"].as_str().map(str::to_owned)).collect()
    };

    // By default a file the pre-filter rules out is read, not parsed: its syntax error goes unreported.
    let run = project.run(&["check", "--format", "json", "."]);
    assert_eq!(run.code, Some(2), "{run:?}");
    let report = run.json();
    assert_eq!(error_paths(&report), ["broken-with-exports.js"], "{run:?}");
    assert_eq!(report["summary"]["skipped"]["no_possible_finding"], 3, "{run:?}");

    // `--check-syntax` (or `checkSyntax` in the config) parses every file and reports every syntax error.
    project.write("exportfix.json", r#"{ "checkSyntax": true }"#);
    for args in
        [&["check", "--format", "json", "--check-syntax", "--no-config", "."][..], &["check", "--format", "json", "."]]
    {
        let run = project.run(args);
        assert_eq!(run.code, Some(2), "{run:?}");
        let report = run.json();
        assert_eq!(error_paths(&report), ["broken-with-exports.js", "broken-without-exports.js"], "{run:?}");
        let errors = report["errors"].as_array().unwrap();
        assert_eq!(errors[1]["line"], 1);
        assert!(errors[1]["message"].as_str().unwrap().starts_with("syntax error: "), "{run:?}");
        assert_eq!(report["summary"]["skipped"]["no_possible_finding"], 2, "{run:?}");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Edges met by a new user: files outside the working directory, named symbolic links, awkward file names
// ---------------------------------------------------------------------------------------------------------------

/// `check ../lib/router.js | git apply` from a sibling directory: `git apply` cannot patch a file outside the
/// directory it runs in, so the preview says so on stderr rather than letting `check | git apply` and `fix`
/// silently diverge; `fix` writes the file.
#[test]
fn a_file_outside_the_working_directory_gets_a_note_that_git_apply_cannot_apply_its_diff() {
    let project = Project::new();
    project.write("lib/router.js", REASSIGN).write("app/.keep", "");
    let app = project.path("app");
    for in_repository in [false, true] {
        if in_repository {
            assert!(git(project.dir.path(), &["init", "-q", "."], None).status.success());
        }
        let check = run_in(&app, &["check", "../lib/router.js"]);
        assert_eq!(check.code, Some(1), "{check:?}");
        assert!(
            check.stderr.contains(": note: `git apply` run here cannot apply this diff: it lies outside the working"),
            "{check:?}"
        );
        let apply = git(&app, &["apply", "-v", "-"], Some(check.stdout.as_bytes()));
        let said = String::from_utf8_lossy(&apply.stderr);
        assert!(!apply.status.success() || said.contains("Skipped patch"), "git apply: {said}");
        assert_eq!(project.read_text("lib/router.js"), REASSIGN, "git apply changed nothing");
    }
    let fix = run_in(&app, &["fix", "../lib/router.js"]);
    assert_eq!(fix.code, Some(0), "{fix:?}");
    assert!(!fix.stderr.contains("note:"), "a note is for the preview only: {fix:?}");
    assert_eq!(project.read_text("lib/router.js"), REASSIGN_FIXED);
}

/// A symbolic link named on the command line (to a file or a directory): the preview names the path as given,
/// as the findings do, and `git apply` refuses to write through a link, so the preview says so; `fix` writes the
/// target and keeps the link.
#[test]
fn a_named_symbolic_link_gets_a_note_that_git_apply_cannot_apply_its_diff() {
    let project = Project::new();
    project.write("lib/router.js", REASSIGN).write("lib/other.js", MIXED);
    symlink("lib/router.js", &project.path("linkfile.js"));
    symlink("lib", &project.path("linkdir"));
    assert!(git(project.dir.path(), &["init", "-q", "."], None).status.success());
    for (named, shown) in [("linkfile.js", "linkfile.js"), ("linkdir", "linkdir/other.js")] {
        let check = project.run(&["check", named]);
        assert_eq!(check.code, Some(1), "{check:?}");
        assert!(check.stdout.contains(&format!("--- a/{shown}\n")), "{check:?}");
        assert!(
            check.stderr.contains(&format!(
                "{shown}: note: `git apply` run here cannot apply this diff: it was named through a symbolic link"
            )),
            "{check:?}"
        );
        let apply = git(project.dir.path(), &["apply", "-"], Some(check.stdout.as_bytes()));
        assert!(!apply.status.success(), "git apply does not write through links");
    }
    assert_eq!(project.read_text("lib/router.js"), REASSIGN);
    assert_eq!(project.run(&["check", "lib"]).stderr, "", "no note without a link");

    let fix = project.run(&["fix", "linkfile.js", "linkdir"]);
    assert_eq!(fix.code, Some(0), "{fix:?}");
    assert_eq!(project.read_text("lib/router.js"), REASSIGN_FIXED);
    assert_eq!(project.read_text("lib/other.js"), MIXED_FIXED);
    assert!(fs::symlink_metadata(project.path("linkfile.js")).unwrap().file_type().is_symlink());
}

/// A newline in a file name would split a `path:line:col:` line in two: such a path is C-quoted, as the diff
/// headers quote it, in findings and errors alike, and `check | git apply` still applies.
#[test]
fn control_characters_in_paths_are_quoted_in_text_output() {
    let project = Project::new();
    project.write("new\nline.js", REASSIGN).write("bell\u{7}.js", BROKEN).write("plain \"q\".js", REASSIGN);
    assert!(git(project.dir.path(), &["init", "-q", "."], None).status.success());
    let check = project.run(&["check"]);
    assert_eq!(check.code, Some(2), "{check:?}");
    assert!(check.stdout.starts_with("\"new\\nline.js\":1:1: exports-reassign "), "{check:?}");
    assert!(check.stdout.contains("--- \"a/new\\nline.js\"\n"), "{check:?}");
    assert!(check.stdout.lines().all(|line| !line.starts_with("line.js")), "{check:?}");
    assert!(check.stderr.starts_with("\"bell\\007.js\":1:"), "{check:?}");
    // Quotes alone do not break a line: such a name is shown as it is.
    assert!(check.stdout.contains("\nplain \"q\".js:1:1: exports-reassign "), "{check:?}");

    let apply = git(project.dir.path(), &["apply", "-"], Some(check.stdout.as_bytes()));
    assert!(apply.status.success(), "{}", String::from_utf8_lossy(&apply.stderr));
    assert_eq!(project.read_text("new\nline.js"), REASSIGN_FIXED);
}
