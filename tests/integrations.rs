//! Where exportfix meets other tools, tested with the real thing: standard input and output (editors), GitHub
//! annotations, help and shell completions, the config file, and the native git pre-commit hook driven by real
//! `git commit`s in temporary repositories.
#![cfg(unix)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const REASSIGN: &str = "exports = function () {};\n";
const REASSIGN_FIXED: &str = "module.exports = function () {};\n";
const CLEAN: &str = "module.exports = function () {};\n";
const BROKEN: &str = "exports.x = (;\n"; // a bare `exports`, so the pre-filter keeps it
const ONLY_EXPORTS: &str = "exports.a = 1;\n";

const BIN: &str = env!("CARGO_BIN_EXE_exportfix");

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {:?}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| panic!("not JSON ({error}): {self:?}"))
    }
}

fn exportfix(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run exportfix");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().expect("wait for exportfix").into()
}

fn write(dir: &Path, relative: &str, contents: &str) {
    let path = dir.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

// ---------------------------------------------------------------------------------------------------------------
// --stdin-filename
// ---------------------------------------------------------------------------------------------------------------

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
    let unfixable = "exports.a = 1;\nmodule.exports = { b: 2 };\n";
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

// ---------------------------------------------------------------------------------------------------------------
// --format github
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn github_format_prints_one_escaped_annotation_per_finding_and_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "odd,name:x.js", REASSIGN);
    write(dir.path(), "b.js", "exports.a = 1;\nmodule.exports.b = 2;\n");
    write(dir.path(), "c.js", BROKEN);
    let run = exportfix(dir.path(), &["check", "--format", "github"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{run:?}");
    assert!(lines[0].starts_with("::warning file=b.js,line=1,col=1,title=exportfix mixed-exports::"), "{run:?}");
    assert!(
        lines[1].starts_with("::error file=odd%2Cname%3Ax.js,line=1,col=1,title=exportfix exports-reassign::"),
        "{run:?}"
    );
    assert!(lines[2].starts_with("::error file=c.js,line=1,col="), "{run:?}");
    assert!(lines[2].contains(",title=exportfix error::syntax error: "), "{run:?}");
    assert!(lines[3].starts_with("Scanned 3 files: 2 findings"), "{run:?}");
}

// ---------------------------------------------------------------------------------------------------------------
// --format sarif
// ---------------------------------------------------------------------------------------------------------------

/// A Python with the pinned `jsonschema` (tests/sarif/requirements.txt), in a virtual environment kept under
/// target/tmp and created on first use.
fn sarif_validator_python() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let requirements = manifest.join("tests/sarif/requirements.txt");
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif-venv");
    let python = venv.join("bin/python");
    let stamp = venv.join("installed-requirements.txt");
    let wanted = fs::read_to_string(&requirements).unwrap();
    if fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        let _ = fs::remove_dir_all(&venv);
        let run: Run = Command::new("python3").args(["-m", "venv"]).arg(&venv).output().unwrap().into();
        assert_eq!(run.code, Some(0), "python3 -m venv: {run:?}");
        let run: Run = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "-r"])
            .arg(&requirements)
            .output()
            .unwrap()
            .into();
        assert_eq!(run.code, Some(0), "pip install -r tests/sarif/requirements.txt: {run:?}");
        fs::write(&stamp, wanted).unwrap();
    }
    python
}

fn validate_sarif(log: &str) -> Run {
    let validator = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif/validate.py");
    let mut child = Command::new(sarif_validator_python())
        .arg(validator)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(log.as_bytes()).unwrap();
    child.wait_with_output().unwrap().into()
}

#[test]
fn sarif_output_is_valid_against_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "lib/a file.js", REASSIGN);
    write(dir.path(), "b.js", "exports.a = 1;\nmodule.exports = { b: 2 };\n");
    write(dir.path(), "c.js", BROKEN);
    write(dir.path(), "d.js", "exports.a = 1;\nmodule.exports.b = 2;\n");
    let run = exportfix(dir.path(), &["check", "--format", "sarif"], None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(run.stderr, "", "{run:?}");
    let validation = validate_sarif(&run.stdout);
    assert_eq!(validation.code, Some(0), "{validation:?}\n{}", run.stdout);

    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let sarif_run = &log["runs"][0];
    let rules: Vec<&str> = sarif_run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["exports-reassign", "lost-export", "mixed-exports", "prefer-module-exports"]);
    let results = sarif_run["results"].as_array().unwrap();
    let summary: Vec<(&str, &str, &str, u64)> = results
        .iter()
        .map(|result| {
            let location = &result["locations"][0]["physicalLocation"];
            (
                result["ruleId"].as_str().unwrap(),
                result["level"].as_str().unwrap(),
                location["artifactLocation"]["uri"].as_str().unwrap(),
                location["region"]["startLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("lost-export", "error", "b.js", 1),
            ("mixed-exports", "warning", "d.js", 1),
            ("exports-reassign", "error", "lib/a%20file.js", 1),
        ]
    );
    assert_eq!(results[0]["properties"]["fix"], "none");
    assert_eq!(results[2]["properties"]["fix"], "safe");
    let invocation = &sarif_run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(invocation["toolExecutionNotifications"][0]["message"]["text"].as_str().unwrap().contains("c.js"));

    // A clean run is valid too.
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "a.js", CLEAN);
    let run = exportfix(clean.path(), &["check", "--format", "sarif"], None);
    assert_eq!(run.code, Some(0), "{run:?}");
    let validation = validate_sarif(&run.stdout);
    assert_eq!(validation.code, Some(0), "{validation:?}");
}

// ---------------------------------------------------------------------------------------------------------------
// Help and completions
// ---------------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------------
// Config file
// ---------------------------------------------------------------------------------------------------------------

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
    let run = exportfix(dir.path(), &["check", "--exclude", "vendor", "--format", "json"], None);
    let summary = &run.json()["summary"];
    assert_eq!(summary["findings_by_rule"], serde_json::json!({"exports-reassign": 1, "mixed-exports": 1}));
    assert_eq!(summary["skipped"], serde_json::json!({"es_modules": 2, "no_possible_finding": 0, "excluded": 1}));

    let run = exportfix(dir.path(), &["check", "--exclude", "vendor"], None);
    let last = run.stdout.lines().last().unwrap();
    assert!(last.starts_with("Scanned 3 files: 2 findings (2 fixable), 2 files would change, 0 errors in "), "{run:?}");
    assert!(
        last.ends_with("; by rule: exports-reassign 1, mixed-exports 1; skipped 2 ES modules, 1 excluded"),
        "{run:?}"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// The native git hook
// ---------------------------------------------------------------------------------------------------------------

struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Self {
        let repo = Repo { dir: tempfile::tempdir().unwrap() };
        repo.git_ok(&["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> Run {
        git_in(self.path(), args)
    }

    fn git_ok(&self, args: &[&str]) -> String {
        let run = self.git(args);
        assert_eq!(run.code, Some(0), "git {args:?}: {run:?}");
        run.stdout
    }

    fn write(&self, relative: &str, contents: &str) {
        write(self.path(), relative, contents);
    }

    fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path().join(relative)).unwrap()
    }

    fn exportfix(&self, args: &[&str]) -> Run {
        exportfix(self.path(), args, None)
    }

    fn commit(&self, message: &str) -> Run {
        self.git(&["commit", "-q", "-m", message])
    }

    /// The contents of `relative` in the last commit.
    fn committed(&self, relative: &str) -> String {
        self.git_ok(&["show", &format!("HEAD:{relative}")])
    }
}

/// git isolated from the user's and the system's configuration.
fn git_in(dir: &Path, args: &[&str]) -> Run {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null())
        .output()
        .expect("run git")
        .into()
}

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

// ---------------------------------------------------------------------------------------------------------------
// fix --interactive and the progress bar, through a real pseudo-terminal (tests/pty/drive.py)
// ---------------------------------------------------------------------------------------------------------------

struct Terminal {
    code: i64,
    output: String,
    prompts: u64,
}

impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}, {} prompts\n--- terminal\n{}", self.code, self.prompts, self.output)
    }
}

/// Runs exportfix with `args` in a pseudo-terminal in `dir`, typing `answers` at its prompts.
fn in_terminal(dir: &Path, answers: &[&str], args: &[&str]) -> Terminal {
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pty/drive.py");
    let output = Command::new("python3")
        .arg(driver)
        .arg(answers.join(","))
        .arg(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("run tests/pty/drive.py");
    let run = Run::from(output);
    let value: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("drive.py failed: {run:?}"));
    Terminal {
        code: value["code"].as_i64().unwrap(),
        output: value["output"].as_str().unwrap().replace("\r\n", "\n"),
        prompts: value["prompts"].as_u64().unwrap(),
    }
}

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
