//! The fixture corpus: every file under `tests/fixtures/<group>/` is run through the real `exportfix` binary, its
//! findings, diff and exported shapes are snapshotted (`tests/snapshots/<group>__<file>.snap`, insta's default place), and the result is held
//! to invariants that do not depend on the snapshots:
//!
//! (a) the fixed text parses (`check` on it reports no error) and reports exactly the declared remaining rules;
//! (b) a second `fix` changes nothing;
//! (c) an independent character diff between the original and the fixed text shows only the edits a fix may
//!     make: `module.` inserted before `exports` (or a shorthand `{ exports }` expanded), a linking-idiom
//!     fragment deleted (`exports = `, `var exports = `, a whole `exports = module.exports;`), or the `var ` of a
//!     top-level `var exports = X` replaced along with that insertion;
//! (d) `check`'s diff, applied with the real `git apply` (both the JSON `diff` and the text output piped as is),
//!     gives byte-identical files to `fix`;
//! (e) `clean/` and `shadowed/` fixtures produce no findings and no diff;
//! (f) Node itself (`tests/oracle/shape.js`) loads the file before and after the fix: a behaviour-preserving fix
//!     keeps the exported shape, a repair produces the shape the fixture declares;
//! (g) what an ES-module importer sees: `tests/oracle/esm_names.js` has Node `import()` the file before and after
//!     the fix (as CommonJS, in a `"type": "commonjs"` package) and lists the module namespace's keys, the names
//!     Node's cjs-module-lexer finds plus `default`. An untouched or behaviour-preserving fix keeps that set
//!     identical; a repair may add names but never loses one.
//!
//! (f) and (g) run only on fixtures Node can load as CommonJS: not ES modules (`"oracle": false`), and not `.ts`
//! files, which Node 20 does not run at all (it has no type stripping) and whose `import x = require()` and
//! `export =` forms are not JavaScript.
//!
//! Each fixture declares what it expects on a line of its own, anywhere in its leading comments:
//!
//! ```text
//! // exportfix-fixture: {"behavior":"repaired","rules":["exports-reassign"],"exports":{"type":"object","keys":{"a":"function"}}}
//! ```
//!
//! See [`Declaration`] for the fields; a group's own options are in [`GROUPS`]. Every fixture runs, and all
//! failures are reported together. New or changed snapshots are written with
//! `INSTA_UPDATE=always cargo test --test fixtures`: review every one before committing it.

use std::collections::BTreeSet;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::Deserialize;
use serde_json::Value;
use similar::{Algorithm, DiffTag, TextDiff};

const EXPORTFIX: &str = env!("CARGO_BIN_EXE_exportfix");
const FIXTURES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const ORACLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/shape.js");
const ESM_ORACLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/esm_names.js");
const DIRECTIVE: &str = "exportfix-fixture:";
const BOM: char = '\u{feff}';

/// The fixture groups, with the options every fixture in the group runs with.
struct Group {
    name: &'static str,
    /// Options passed to both `check` and `fix`, before the fixture's own `args`.
    args: &'static [&'static str],
    /// Whether every fixture in the group must produce no finding and no diff at all.
    must_stay_clean: bool,
}

const GROUPS: &[Group] = &[
    Group { name: "exports-reassign", args: &[], must_stay_clean: false },
    Group { name: "lost-export", args: &[], must_stay_clean: false },
    Group { name: "mixed-exports", args: &[], must_stay_clean: false },
    Group { name: "prefer-module-exports", args: &["--style", "module-exports"], must_stay_clean: false },
    Group { name: "clean", args: &[], must_stay_clean: true },
    Group { name: "shadowed", args: &[], must_stay_clean: true },
];

/// What a fixture says about itself (the JSON after `exportfix-fixture:`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Declaration {
    /// What `fix` does to the module's behaviour.
    behavior: Behavior,
    /// The distinct rule ids `check` reports on the original file.
    #[serde(default)]
    rules: BTreeSet<String>,
    /// The distinct rule ids still reported after `fix`.
    #[serde(default)]
    remaining: BTreeSet<String>,
    /// Substrings that some finding's message must contain (e.g. the line a lost write's reassignment is on).
    #[serde(default)]
    messages_contain: Vec<String>,
    /// For a repair: the shape Node must see after the fix. `{"type": T, "name"?: N, "keys": {KEY: T | DESCRIPTOR}}`,
    /// where a bare type string checks only the member's type and a descriptor object must equal the oracle's.
    #[serde(default)]
    exports: Option<Value>,
    /// Extra options for `check` and `fix` (e.g. `--unsafe`).
    #[serde(default)]
    args: Vec<String>,
    /// Whether Node can load the file (false for ES modules; `.ts` files are never loaded).
    #[serde(default = "loads_in_node")]
    oracle: bool,
    /// Where the engine is known to get this fixture wrong, what is wrong. The fixture must then fail its checks
    /// (and has no snapshot); when it starts passing, the test says so.
    #[serde(default)]
    known_issue: Option<String>,
}

fn loads_in_node() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Behavior {
    /// `fix` leaves the file byte-identical.
    Untouched,
    /// `fix` rewrites the file without changing what it exports.
    Preserved,
    /// `fix` repairs the module: what it exports afterwards is the declared `exports` shape.
    Repaired,
}

struct Fixture {
    group: &'static Group,
    /// The file name inside the group directory.
    name: String,
    path: PathBuf,
    original: String,
    declaration: Declaration,
}

impl Fixture {
    fn label(&self) -> String {
        format!("{}/{}", self.group.name, self.name)
    }

    fn snapshot_name(&self) -> String {
        format!("{}__{}", self.group.name, self.name.replace('.', "_"))
    }

    fn args(&self) -> Vec<String> {
        let mut args: Vec<String> = self.group.args.iter().map(|arg| arg.to_string()).collect();
        args.extend(self.declaration.args.iter().cloned());
        args
    }

    fn node_can_load(&self) -> bool {
        self.declaration.oracle && !self.name.ends_with(".ts")
    }
}

fn load_fixtures() -> Result<Vec<Fixture>, Vec<String>> {
    let mut fixtures = Vec::new();
    let mut problems = Vec::new();
    for group in GROUPS {
        let dir = Path::new(FIXTURES_DIR).join(group.name);
        let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let original =
                fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            match parse_declaration(&original) {
                Ok(declaration) => fixtures.push(Fixture { group, name, path, original, declaration }),
                Err(problem) => problems.push(format!("{}/{name}: {problem}", group.name)),
            }
        }
    }
    let unknown: Vec<String> = fs::read_dir(FIXTURES_DIR)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !GROUPS.iter().any(|group| group.name == name))
        .collect();
    if !unknown.is_empty() {
        problems.push(format!(
            "tests/fixtures has directories that are not a known group (add them to GROUPS): {unknown:?}"
        ));
    }
    if problems.is_empty() {
        Ok(fixtures)
    } else {
        Err(problems)
    }
}

fn parse_declaration(source: &str) -> Result<Declaration, String> {
    let json = source
        .lines()
        .find_map(|line| line.split_once(DIRECTIVE).map(|(_, json)| json.trim()))
        .ok_or_else(|| format!("no `// {DIRECTIVE} {{...}}` line"))?;
    let declaration: Declaration =
        serde_json::from_str(json).map_err(|error| format!("bad {DIRECTIVE} JSON: {error}"))?;
    match declaration.behavior {
        Behavior::Repaired if declaration.exports.is_none() => {
            Err("a repaired fixture must declare its `exports` shape after the fix".into())
        }
        Behavior::Untouched if declaration.remaining != declaration.rules => {
            Err("an untouched fixture keeps all of its findings: `remaining` must equal `rules`".into())
        }
        _ => Ok(declaration),
    }
}

/// Runs every fixture on a few threads, compares the snapshots on this thread (so insta's reports do not
/// interleave), and fails once, listing every fixture's problems.
#[test]
fn fixtures() {
    let fixtures = match load_fixtures() {
        Ok(fixtures) => fixtures,
        Err(problems) => panic!("fixture corpus is malformed:\n{}", problems.join("\n")),
    };
    assert!(fixtures.len() >= 48, "the corpus should have at least 48 fixtures, found {}", fixtures.len());
    let next = AtomicUsize::new(0);
    let outcomes = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(fixture) = fixtures.get(index) else {
                    break;
                };
                let outcome = run_fixture(fixture);
                outcomes.lock().unwrap().push((index, outcome));
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap();
    outcomes.sort_by_key(|(index, _)| *index);

    let mut failures = Vec::new();
    let mut known_issues = Vec::new();
    for (index, mut outcome) in outcomes {
        let fixture = &fixtures[index];
        match &fixture.declaration.known_issue {
            // A wrong result is never blessed: a fixture with a known engine issue has no snapshot, and must
            // still fail its checks; once it passes, the marker has to go (and the snapshot be reviewed).
            Some(issue) if outcome.problems.is_empty() => failures.push((
                fixture.label(),
                vec![format!(
                    "the known issue ({issue}) no longer reproduces: remove `known_issue` from the fixture, then \
                     review and bless its snapshot"
                )],
            )),
            Some(issue) => known_issues.push(format!(
                "{} (known issue: {issue}):\n  - {}",
                fixture.label(),
                outcome.problems.join("\n  - ")
            )),
            None => {
                if let Some(snapshot) = &outcome.snapshot {
                    if let Err(problem) = assert_snapshot(fixture, snapshot) {
                        outcome.problems.push(problem);
                    }
                }
                if !outcome.problems.is_empty() {
                    failures.push((fixture.label(), outcome.problems));
                }
            }
        }
    }
    if !known_issues.is_empty() {
        eprintln!(
            "{} fixtures fail as their known_issue says (not snapshotted):\n\n{}\n",
            known_issues.len(),
            known_issues.join("\n\n")
        );
    }
    if !failures.is_empty() {
        let report: Vec<String> =
            failures.iter().map(|(label, problems)| format!("{label}:\n  - {}", problems.join("\n  - "))).collect();
        panic!("{} of {} fixtures failed:\n\n{}", failures.len(), fixtures.len(), report.join("\n\n"));
    }
}

/// What running one fixture found: its problems, and its snapshot text when the run got that far.
struct Outcome {
    problems: Vec<String>,
    snapshot: Option<String>,
}

fn run_fixture(fixture: &Fixture) -> Outcome {
    let mut problems = Vec::new();
    let snapshot = check_fixture(fixture, &mut problems).unwrap_or_else(|problem| {
        problems.push(problem);
        None
    });
    Outcome { problems, snapshot }
}

/// Checks one fixture, pushing every soft failure to `problems`, and returns its snapshot text; `Err` stops at a
/// failure later steps depend on.
fn check_fixture(fixture: &Fixture, problems: &mut Vec<String>) -> Result<Option<String>, String> {
    let scratch = tempfile::tempdir().map_err(|error| format!("tempdir: {error}"))?;
    let dir = |name: &str| -> Result<PathBuf, String> {
        let dir = scratch.path().join(name);
        fs::create_dir(&dir).map_err(|error| format!("mkdir: {error}"))?;
        fs::copy(&fixture.path, dir.join(&fixture.name)).map_err(|error| format!("copy: {error}"))?;
        Ok(dir)
    };
    let pristine = dir("pristine")?;
    let work = dir("work")?;
    let apply_json = dir("apply-json")?;
    let apply_text = dir("apply-text")?;
    let args = fixture.args();
    let declaration = &fixture.declaration;

    // The original: findings, and the diff `check` proposes.
    let report = run_json_check(&work, &fixture.name, &args)?;
    if let Some(problem) = report.exit_problem() {
        problems.push(format!("check on the original: {problem}"));
    }
    if report.rules() != declaration.rules {
        problems.push(format!(
            "check reports rules {:?}, the fixture declares {:?}",
            report.rules(),
            declaration.rules
        ));
    }
    for wanted in &declaration.messages_contain {
        if !report.findings.iter().any(|finding| finding.message.contains(wanted.as_str())) {
            problems.push(format!("no finding's message contains {wanted:?}"));
        }
    }
    if fixture.group.must_stay_clean && (!report.findings.is_empty() || report.diff.is_some()) {
        problems.push(format!("a {} fixture must produce no finding and no diff", fixture.group.name));
    }
    let text_check = run_exportfix(&apply_text, "check", &fixture.name, &args, false)?;

    // `fix`, and what it wrote.
    let fix = run_exportfix(&work, "fix", &fixture.name, &args, false)?;
    let fixed = read(&work.join(&fixture.name))?;
    let changed = fixed != fixture.original;
    if declaration.behavior == Behavior::Untouched && changed {
        problems.push("fix changed a fixture declared untouched".into());
    }
    if declaration.behavior != Behavior::Untouched && !changed {
        problems.push(format!("fix left the file unchanged, the fixture declares it {:?}", declaration.behavior));
    }
    if changed != report.diff.is_some() {
        problems.push(format!(
            "check's diff ({}) disagrees with what fix wrote ({})",
            if report.diff.is_some() { "present" } else { "absent" },
            if changed { "changed" } else { "unchanged" },
        ));
    }

    // (a) The fixed text parses, and reports exactly the declared remaining rules.
    let after = run_json_check(&work, &fixture.name, &args)?;
    if let Some(problem) = after.exit_problem() {
        problems.push(format!("check on the fixed file: {problem}"));
    }
    if after.rules() != declaration.remaining {
        problems.push(format!(
            "after fix, check reports rules {:?}, the fixture declares {:?} remaining",
            after.rules(),
            declaration.remaining
        ));
    }
    let expected_fix_exit = if after.findings.is_empty() { 0 } else { 1 };
    if fix.status.code() != Some(expected_fix_exit) {
        problems.push(format!(
            "fix exited {:?}, expected {expected_fix_exit} ({} findings remain); stderr: {}",
            fix.status.code(),
            after.findings.len(),
            String::from_utf8_lossy(&fix.stderr)
        ));
    }

    // (b) A second fix changes nothing.
    run_exportfix(&work, "fix", &fixture.name, &args, false)?;
    let refixed = read(&work.join(&fixture.name))?;
    if refixed != fixed {
        problems.push(format!("a second fix changed the file again:\n{}", unified_diff(&fixed, &refixed)));
    }

    // (c) Only fix-shaped edits.
    for change in unexplained_changes(&fixture.original, &fixed) {
        problems.push(format!("the fix made an edit no rule allows: {change}"));
    }

    // (d) `check | git apply` does what `fix` does, for both output formats.
    if let Some(diff) = &report.diff {
        match git_apply(&apply_json, diff.as_bytes()) {
            Ok(()) => {
                let applied = read(&apply_json.join(&fixture.name))?;
                if applied != fixed {
                    problems.push(format!(
                        "git apply of check's JSON diff differs from fix:\n{}",
                        unified_diff(&fixed, &applied)
                    ));
                }
            }
            Err(error) => problems.push(format!("git apply of check's JSON diff: {error}")),
        }
        match git_apply(&apply_text, &text_check.stdout) {
            Ok(()) => {
                let applied = read(&apply_text.join(&fixture.name))?;
                if applied != fixed {
                    problems.push(format!("`check | git apply` differs from fix:\n{}", unified_diff(&fixed, &applied)));
                }
            }
            Err(error) => problems.push(format!("`check | git apply`: {error}")),
        }
    }

    // (f) What Node sees.
    let shapes = if fixture.node_can_load() {
        let before = oracle(&pristine.join(&fixture.name))?;
        let after_shape = oracle(&work.join(&fixture.name))?;
        check_shapes(fixture, &before, &after_shape, problems);
        // (g) What an ES-module importer can name.
        let (names_before, names_after) = esm_names(&pristine.join(&fixture.name), &work.join(&fixture.name))?;
        check_esm_names(fixture, &names_before, &names_after, problems);
        Some((before, after_shape))
    } else {
        None
    };

    Ok(Some(render_snapshot(fixture, &args, &report, &fix, &after, shapes.as_ref())))
}

fn check_shapes(fixture: &Fixture, before: &Value, after: &Value, problems: &mut Vec<String>) {
    match fixture.declaration.behavior {
        Behavior::Untouched | Behavior::Preserved => {
            if before != after {
                problems.push(format!(
                    "the fix should preserve the exported shape:\n    before: {before}\n    after:  {after}"
                ));
            }
        }
        Behavior::Repaired => {
            if before == after {
                problems.push(format!(
                    "a repair should change what the module exports, yet Node sees the same shape: {after}"
                ));
            }
            if is_empty_shape(after) {
                problems.push(format!("after the repair the module still exports nothing: {after}"));
            }
            if let Some(declared) = &fixture.declaration.exports {
                if let Err(mismatch) = shape_matches(declared, after) {
                    problems
                        .push(format!("after the fix Node sees {after}, the fixture declares {declared}: {mismatch}"));
                }
            }
        }
    }
}

/// (g): a fix that keeps the module's behaviour keeps the names `import { x }` can take; a repair may add some,
/// but an importer that named something before must still find it.
fn check_esm_names(fixture: &Fixture, before: &BTreeSet<String>, after: &BTreeSet<String>, problems: &mut Vec<String>) {
    let lost: Vec<&String> = before.difference(after).collect();
    match fixture.declaration.behavior {
        Behavior::Untouched | Behavior::Preserved => {
            if before != after {
                problems.push(format!(
                    "the fix should keep the names an ES-module import sees:\n    before: {before:?}\n    after:  \
                     {after:?}"
                ));
            }
        }
        Behavior::Repaired => {
            if !lost.is_empty() {
                problems.push(format!(
                    "the repair loses names an ES-module import saw, {lost:?}:\n    before: {before:?}\n    after:  \
                     {after:?}"
                ));
            }
        }
    }
}

/// `{}` with no keys: what a module exports when every export went astray.
fn is_empty_shape(shape: &Value) -> bool {
    shape["type"] == "object" && shape["keys"].as_object().is_some_and(|keys| keys.is_empty())
}

/// Compares a declared shape with the oracle's: type (and name when declared), and exactly the declared keys,
/// each by type alone (a string) or by the whole descriptor (an object).
fn shape_matches(declared: &Value, actual: &Value) -> Result<(), String> {
    if declared["type"] != actual["type"] {
        return Err(format!("type {} is not {}", actual["type"], declared["type"]));
    }
    if !declared["name"].is_null() && declared["name"] != actual["name"] {
        return Err(format!("name {} is not {}", actual["name"], declared["name"]));
    }
    let empty = serde_json::Map::new();
    let declared_keys = declared["keys"].as_object().unwrap_or(&empty);
    let actual_keys = actual["keys"].as_object().unwrap_or(&empty);
    let declared_names: Vec<&String> = declared_keys.keys().collect();
    let actual_names: Vec<&String> = actual_keys.keys().collect();
    if declared_names != actual_names {
        return Err(format!("keys {actual_names:?} are not {declared_names:?}"));
    }
    for (key, want) in declared_keys {
        let got = &actual_keys[key];
        let matches = match want {
            Value::String(type_name) => got["type"] == *type_name,
            descriptor => got == descriptor,
        };
        if !matches {
            return Err(format!("key {key:?} is {got}, not {want}"));
        }
    }
    Ok(())
}

/// A `check --format json` run on one file.
struct Report {
    exit: Option<i32>,
    findings: Vec<ReportedFinding>,
    diff: Option<String>,
    errors: Vec<Value>,
    stderr: String,
}

struct ReportedFinding {
    rule: String,
    line: u64,
    column: u64,
    message: String,
    fix: String,
}

impl Report {
    fn rules(&self) -> BTreeSet<String> {
        self.findings.iter().map(|finding| finding.rule.clone()).collect()
    }

    /// What is wrong with the run itself: errors, or an exit code that does not match the findings.
    fn exit_problem(&self) -> Option<String> {
        if !self.errors.is_empty() {
            return Some(format!("errors {:?}; stderr: {}", self.errors, self.stderr));
        }
        let expected = if self.findings.is_empty() { 0 } else { 1 };
        (self.exit != Some(expected)).then(|| {
            format!(
                "exit {:?} with {} findings, expected {expected}; stderr: {}",
                self.exit,
                self.findings.len(),
                self.stderr
            )
        })
    }
}

fn run_json_check(dir: &Path, file: &str, args: &[String]) -> Result<Report, String> {
    let output = run_exportfix(dir, "check", file, args, true)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json: Value = serde_json::from_str(&stdout).map_err(|error| {
        format!(
            "check --format json printed no JSON ({error}), exit {:?}:\n{stdout}\nstderr: {stderr}",
            output.status.code()
        )
    })?;
    let files = json["files"].as_array().cloned().unwrap_or_default();
    if files.len() > 1 {
        return Err(format!("check on one file reported {} files: {json}", files.len()));
    }
    let file_entry = files.first().cloned().unwrap_or(Value::Null);
    let findings = file_entry["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|finding| ReportedFinding {
            rule: finding["rule"].as_str().unwrap_or("?").to_string(),
            line: finding["line"].as_u64().unwrap_or(0),
            column: finding["column"].as_u64().unwrap_or(0),
            message: finding["message"].as_str().unwrap_or("").to_string(),
            fix: finding["fix"].as_str().unwrap_or("?").to_string(),
        })
        .collect();
    Ok(Report {
        exit: output.status.code(),
        findings,
        diff: file_entry["diff"].as_str().map(str::to_string),
        errors: json["errors"].as_array().cloned().unwrap_or_default(),
        stderr,
    })
}

fn run_exportfix(dir: &Path, command: &str, file: &str, args: &[String], json: bool) -> Result<Output, String> {
    let mut cmd = Command::new(EXPORTFIX);
    cmd.current_dir(dir).arg(command).arg(file).args(args);
    if json {
        cmd.args(["--format", "json"]);
    }
    let output = cmd.env("NO_COLOR", "1").output().map_err(|error| format!("cannot run exportfix: {error}"))?;
    if output.status.code() == Some(2) && !json {
        return Err(format!(
            "exportfix {command} {file} {args:?} failed (exit 2): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(output)
}

/// Applies a patch in `dir` with the real `git apply` (outside any repository it patches plain files).
fn git_apply(dir: &Path, patch: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut child = Command::new("git")
        .current_dir(dir)
        .args(["apply", "--whitespace=nowarn", "-"])
        // Never let git look above the scratch directory for a repository to apply into.
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap_or(dir))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot run git: {error}"))?;
    child.stdin.take().unwrap().write_all(patch).map_err(|error| format!("writing the patch to git: {error}"))?;
    let output = child.wait_with_output().map_err(|error| error.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "git apply failed: {}\npatch:\n{}",
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(patch)
        ))
    }
}

/// Runs one of the Node oracles on files. The environment is cleared so that modules reading `process.env` at load
/// time export the same values on every machine.
fn run_node(script: &str, files: &[&Path]) -> Result<Output, String> {
    Command::new("node")
        .arg(script)
        .args(files)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .map_err(|error| format!("cannot run node (the oracle {script} needs it): {error}"))
}

/// The exported shape Node sees, from `tests/oracle/shape.js`.
fn oracle(file: &Path) -> Result<Value, String> {
    let output = run_node(ORACLE, &[file])?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let shape: Value = serde_json::from_str(stdout.trim()).map_err(|error| {
        format!(
            "the oracle printed no JSON for {} ({error}): {stdout}{}",
            file.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    if !output.status.success() || shape.get("error").is_some() {
        return Err(format!("Node could not load {}: {shape}", file.display()));
    }
    Ok(shape)
}

/// The names an ES-module `import()` of each file sees (the namespace's keys), from `tests/oracle/esm_names.js`:
/// one Node process for both files, with the environment cleared as for [`oracle`].
fn esm_names(before: &Path, after: &Path) -> Result<(BTreeSet<String>, BTreeSet<String>), String> {
    let output = run_node(ESM_ORACLE, &[before, after])?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let results: Vec<Value> = serde_json::from_str(stdout.trim())
        .ok()
        .filter(|results: &Vec<Value>| output.status.success() && results.len() == 2)
        .ok_or_else(|| {
            format!(
                "the ES-module oracle gave no answer for {} and {} (exit {:?}): {stdout}{}",
                before.display(),
                after.display(),
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    let names = |result: &Value, file: &Path| -> Result<BTreeSet<String>, String> {
        match result["names"].as_array() {
            Some(names) => Ok(names.iter().filter_map(|name| name.as_str().map(str::to_string)).collect()),
            None => Err(format!("Node could not import {}: {result}", file.display())),
        }
    };
    Ok((names(&results[0], before)?, names(&results[1], after)?))
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()))
}

fn unified_diff(old: &str, new: &str) -> String {
    TextDiff::from_lines(old, new).unified_diff().context_radius(2).to_string()
}

/// Every change between `original` and `fixed`, found by a character diff of our own, that is not one of the
/// edits a fix may make. A diff may place an edit anywhere within a run of repeated text (inserting `module.` in
/// `...exports` can show up as `.module` after the first `..`), so each change is judged at every position it
/// can slide to. A minimal diff may also regroup neighbouring edits (deleting `exports = module.exports;` and then
/// inserting `module.` before the next line's `exports` is, character for character, two smaller deletions), so
/// when a change looks wrong the texts are aligned once more by [`explained_by_fix_edits`], which tries the
/// allowed edits themselves.
fn unexplained_changes(original: &str, fixed: &str) -> Vec<String> {
    let unmerged = undo_merge(original, fixed);
    let fixed = unmerged.as_deref().unwrap_or(fixed);
    let (original, fixed) = &without_moved_writes(original, fixed);
    let (original, fixed) = (original.as_str(), fixed.as_str());
    let old: Vec<char> = original.chars().collect();
    let new: Vec<char> = fixed.chars().collect();
    let diff = TextDiff::configure().algorithm(Algorithm::Myers).diff_chars(original, fixed);
    let mut unexplained = Vec::new();
    for op in diff.ops() {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let deleted_ok = old_range.is_empty() || deletion_allowed(&old, old_range.clone());
        let inserted_ok = new_range.is_empty() || insertion_allowed(&new, new_range.clone());
        if tag != DiffTag::Equal && !(deleted_ok && inserted_ok) {
            let line = old[..old_range.start].iter().filter(|&&c| c == '\n').count() + 1;
            unexplained.push(format!(
                "line {line}: {:?} became {:?}",
                old[old_range].iter().collect::<String>(),
                new[new_range].iter().collect::<String>()
            ));
        }
    }
    if !unexplained.is_empty() && explained_by_fix_edits(&old, &new) {
        unexplained.clear();
    }
    unexplained
}

/// Both texts without the writes a fix moved after a reassignment: each line `module.exports.k = v;` of the fixed
/// text that is new, taken out together with the line `exports.k = v;` of the original it came from (which the
/// fixed text no longer has). What remains must differ by the usual edits only.
fn without_moved_writes(original: &str, fixed: &str) -> (String, String) {
    let mut old: Vec<&str> = original.split_inclusive('\n').collect();
    let mut new: Vec<&str> = fixed.split_inclusive('\n').collect();
    let moved: Vec<&str> = new
        .iter()
        .copied()
        .filter(|line| line.trim_start().starts_with("module.exports") && !old.contains(line))
        .collect();
    for line in moved {
        let source = line.trim().replacen("module.exports", "exports", 1);
        let came_from = old.iter().position(|candidate| candidate.trim() == source);
        let still_there = new.iter().any(|candidate| candidate.trim() == source);
        if let (Some(index), false) = (came_from, still_there) {
            old.remove(index);
            if let Some(position) = new.iter().position(|candidate| *candidate == line) {
                new.remove(position);
            }
        }
    }
    (old.concat(), new.concat())
}

/// The fixed text with a merge put back the way the original wrote it, when the fix made one: the
/// `module.exports = { k, k2: v };` statement of the original, written as one `module.exports.k = k;` per key (or
/// as `Object.assign(module.exports, { … })`). Worked out here from the text alone (top-level commas and the first
/// top-level colon of each entry), independently of the engine.
fn undo_merge(original: &str, fixed: &str) -> Option<String> {
    let start = original.rfind("module.exports = {")?;
    let body_start = start + "module.exports = {".len();
    let mut depth = 0usize;
    let mut entries = vec![String::new()];
    let mut end = None;
    for (offset, c) in original[body_start..].char_indices() {
        match c {
            '{' | '(' | '[' => depth += 1,
            '}' if depth == 0 => {
                end = Some(body_start + offset + 1);
                break;
            }
            '}' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                entries.push(String::new());
                continue;
            }
            _ => {}
        }
        entries.last_mut()?.push(c);
    }
    let statement = &original[start..end?];
    let literal = &statement["module.exports = ".len()..];
    let assigned = format!("Object.assign(module.exports, {literal})");
    if fixed.contains(&assigned) {
        return Some(fixed.replacen(&assigned, statement, 1));
    }
    let indent: String = original[..start].chars().rev().take_while(|c| *c == ' ' || *c == '\t').collect();
    let writes: Vec<String> = entries
        .iter()
        .map(|entry| entry.trim())
        .filter(|entry| !entry.is_empty())
        .map(|entry| match entry.split_once(':') {
            Some((key, value)) if key.trim().starts_with(['\'', '"']) => {
                format!("module.exports[{}] = {}", key.trim(), value.trim())
            }
            Some((key, value)) => format!("module.exports.{} = {}", key.trim(), value.trim()),
            None => format!("module.exports.{entry} = {entry}"),
        })
        .collect();
    let written = writes.join(&format!(";\n{indent}"));
    (!writes.is_empty() && fixed.contains(&written)).then(|| fixed.replacen(&written, statement, 1))
}

/// Whether `new` can be obtained from `old` by keeping characters, inserting `module.` before a non-`typeof`
/// `exports` (or `: module.exports` after a shorthand `exports`), and deleting linking-idiom fragments
/// ([`deletable_lengths`]): a depth-first search over (position in old, position in new), each state visited once.
fn explained_by_fix_edits(old: &[char], new: &[char]) -> bool {
    let mut visited = std::collections::HashSet::new();
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        if i == old.len() && j == new.len() {
            return true;
        }
        if !visited.insert((i, j)) {
            continue;
        }
        for length in deletable_lengths(old, i) {
            stack.push((i + length, j));
        }
        if starts_with(&new[j..], "module.exports")
            && starts_with(&old[i..], "exports")
            && !compact_before(old, i).ends_with("typeof")
        {
            stack.push((i, j + "module.".len()));
        }
        if starts_with(&new[j..], SHORTHAND_EXPANSION) && old[..i].ends_with(&['e', 'x', 'p', 'o', 'r', 't', 's']) {
            stack.push((i, j + SHORTHAND_EXPANSION.len()));
        }
        // Pushed last, so keeping an equal character is tried first.
        if i < old.len() && j < new.len() && old[i] == new[j] {
            stack.push((i + 1, j + 1));
        }
    }
    false
}

/// The lengths of the linking-idiom fragments that start at `old[i]` and may be deleted: `var `, `exports = ` and
/// `var exports = ` (each only where [`deletion_allowed`] admits it), and a whole `[var] exports =
/// module.exports[;]` statement with or without its line break.
fn deletable_lengths(old: &[char], i: usize) -> Vec<usize> {
    let mut lengths = Vec::new();
    let skip_space = |mut k: usize| {
        while k < old.len() && old[k].is_whitespace() {
            k += 1;
        }
        k
    };
    // `var ` and `[var ]exports = `, ending after the whitespace that follows them; a deletion may take the
    // indentation before them too (a whole line removed).
    let mut k = i;
    while k < old.len() && (old[k] == ' ' || old[k] == '\t') {
        k += 1;
    }
    let i_statement = k;
    if starts_with(&old[k..], "var") {
        k = skip_space(k + 3);
        if k > i_statement + 3 && deletion_allowed(old, i..k) {
            lengths.push(k - i);
        }
    }
    // The adoption statement `module.exports = exports;`, which says nothing once every `exports` is
    // `module.exports`.
    if starts_with(&old[k..], "module.exports") {
        let mut end = skip_space(k + "module.exports".len());
        if end < old.len() && old[end] == '=' {
            end = skip_space(end + 1);
            if starts_with(&old[end..], "exports") && !starts_with(&old[end..], "exports.") {
                let mut stop = end + "exports".len();
                if stop < old.len() && old[stop] == ';' {
                    stop += 1;
                }
                lengths.push(stop - i);
                if starts_with(&old[stop..], "\r\n") {
                    lengths.push(stop + 2 - i);
                } else if starts_with(&old[stop..], "\n") {
                    lengths.push(stop + 1 - i);
                }
            }
        }
    }
    if starts_with(&old[k..], "exports") {
        let mut end = skip_space(k + "exports".len());
        if end < old.len() && old[end] == '=' {
            end = skip_space(end + 1);
            if deletion_allowed(old, i..end) {
                lengths.push(end - i);
            }
            // The whole statement: `module.exports`, an optional `;`, then an optional line break.
            if starts_with(&old[end..], "module.exports") {
                let mut stop = end + "module.exports".len();
                let after_name = stop;
                while stop < old.len() && (old[stop] == ' ' || old[stop] == '\t') {
                    stop += 1;
                }
                if stop < old.len() && old[stop] == ';' {
                    stop += 1;
                }
                let statement_end = if old[after_name..stop].contains(&';') { stop } else { after_name };
                lengths.push(statement_end - i);
                let mut line_end = statement_end;
                while line_end < old.len() && (old[line_end] == ' ' || old[line_end] == '\t') {
                    line_end += 1;
                }
                if starts_with(&old[line_end..], "\r\n") {
                    lengths.push(line_end + 2 - i);
                } else if starts_with(&old[line_end..], "\n") {
                    lengths.push(line_end + 1 - i);
                }
            }
        }
    }
    lengths
}

/// Each position a change of `range` within `text` can slide to without changing the result: removing any of
/// these windows from `text` leaves the same string.
fn slide_windows(text: &[char], range: std::ops::Range<usize>) -> Vec<std::ops::Range<usize>> {
    let (mut start, mut end) = (range.start, range.end);
    while start > 0 && text[start - 1] == text[end - 1] {
        start -= 1;
        end -= 1;
    }
    let mut windows = Vec::new();
    windows.push(start..end);
    while end < text.len() && text[start] == text[end] {
        start += 1;
        end += 1;
        windows.push(start..end);
    }
    windows
}

/// `module.` inserted right before `exports`, except after `typeof` (an environment probe is never rewritten), or
/// a shorthand property `{ exports }` expanded to `{ exports: module.exports }`.
fn insertion_allowed(new: &[char], range: std::ops::Range<usize>) -> bool {
    slide_windows(new, range).into_iter().any(|window| {
        let inserted: String = new[window.clone()].iter().collect();
        let module_prefix = inserted == "module."
            && starts_with(&new[window.end..], "exports")
            && !compact_before(new, window.start).ends_with("typeof");
        let shorthand_expansion =
            inserted == SHORTHAND_EXPANSION && new[..window.start].ends_with(&['e', 'x', 'p', 'o', 'r', 't', 's']);
        module_prefix || shorthand_expansion
    })
}

/// What follows `exports` when a shorthand property `{ exports }` is rewritten.
const SHORTHAND_EXPANSION: &str = ": module.exports";

/// A linking-idiom fragment: `exports = ` or `var exports = ` next to `module.exports` (collapsing
/// `exports = module.exports = X`, `module.exports = exports = X`, `var exports = module.exports = X`), a whole
/// `exports = module.exports;` statement, an adoption statement `module.exports = exports;`, or the `var ` of a
/// top-level `var exports = X` that becomes `module.exports = X`.
fn deletion_allowed(old: &[char], range: std::ops::Range<usize>) -> bool {
    const STATEMENTS: &[&str] = &[
        "exports=module.exports",
        "exports=module.exports;",
        "varexports=module.exports",
        "varexports=module.exports;",
        "module.exports=exports",
        "module.exports=exports;",
    ];
    slide_windows(old, range).into_iter().any(|window| {
        if old[window.clone()].contains(&BOM) {
            return false;
        }
        let deleted: String = old[window.clone()].iter().filter(|c| !c.is_whitespace()).collect();
        let after = compact_after(old, window.end);
        let before = compact_before(old, window.start);
        match deleted.as_str() {
            "exports=" | "varexports=" => after.starts_with("module.exports") || before.ends_with("module.exports="),
            "var" => after.starts_with("exports"),
            statement => STATEMENTS.contains(&statement),
        }
    })
}

/// Up to 24 non-whitespace characters before `index`.
fn compact_before(text: &[char], index: usize) -> String {
    let mut chars: Vec<char> = text[..index].iter().rev().filter(|c| !c.is_whitespace()).take(24).copied().collect();
    chars.reverse();
    chars.into_iter().collect()
}

/// Up to 24 non-whitespace characters from `index` on.
fn compact_after(text: &[char], index: usize) -> String {
    text[index..].iter().filter(|c| !c.is_whitespace()).take(24).collect()
}

fn starts_with(text: &[char], prefix: &str) -> bool {
    text.len() >= prefix.chars().count() && text.iter().zip(prefix.chars()).all(|(a, b)| *a == b)
}

/// The snapshot: what `check` reports, what `fix` does, what Node sees, and the diff. Carriage returns and the
/// BOM are made visible, because snapshot comparison would otherwise normalise them away.
fn render_snapshot(
    fixture: &Fixture,
    args: &[String],
    report: &Report,
    fix: &Output,
    after: &Report,
    shapes: Option<&(Value, Value)>,
) -> String {
    let exit = |code: Option<i32>| code.map_or_else(|| "by signal".to_string(), |code| code.to_string());
    let mut out = String::new();
    let options = if args.is_empty() { "(defaults)".to_string() } else { args.join(" ") };
    out.push_str(&format!("fixture: {}\noptions: {options}\n", fixture.label()));
    out.push_str(&format!("check: exit {}\n", exit(report.exit)));
    for finding in &report.findings {
        out.push_str(&format!(
            "  {}:{} {} [fix: {}] {}\n",
            finding.line, finding.column, finding.rule, finding.fix, finding.message
        ));
    }
    let remaining: Vec<String> =
        after.findings.iter().map(|finding| format!("{}:{} {}", finding.line, finding.column, finding.rule)).collect();
    out.push_str(&format!(
        "fix: exit {}; remaining: {}\n",
        exit(fix.status.code()),
        if remaining.is_empty() { "none".to_string() } else { remaining.join(", ") }
    ));
    match shapes {
        Some((before, after)) if before == after => {
            out.push_str(&format!("exports (unchanged): {}\n", describe_shape(before)))
        }
        Some((before, after)) => out.push_str(&format!(
            "exports before: {}\nexports after:  {}\n",
            describe_shape(before),
            describe_shape(after)
        )),
        None => out.push_str("exports: not loaded in Node\n"),
    }
    match &report.diff {
        Some(diff) => {
            out.push_str("diff:\n");
            out.push_str(&diff.replace(BOM, "<BOM>").replace('\r', "\u{240d}"));
        }
        None => out.push_str("diff: none\n"),
    }
    out
}

/// An oracle shape in one readable line: `function createLogger {Logger: function Logger, levels: object}`,
/// `object {retries: number 3}`.
fn describe_shape(shape: &Value) -> String {
    let describe_value = |value: &Value| {
        let mut text = value["type"].as_str().unwrap_or("?").to_string();
        if let Some(name) = value["name"].as_str() {
            text.push_str(&format!(" {name}"));
        }
        if let Some(primitive) = value.get("value") {
            text.push_str(&format!(" {primitive}"));
        }
        text
    };
    let mut text = describe_value(shape);
    if let Some(keys) = shape["keys"].as_object() {
        let members: Vec<String> =
            keys.iter().map(|(key, value)| format!("{key}: {}", describe_value(value))).collect();
        text.push_str(&format!(" {{{}}}", members.join(", ")));
    }
    text
}

/// Compares (or, with `INSTA_UPDATE=always`, writes) `tests/snapshots/<group>__<file>.snap`; a mismatch is returned
/// as a problem instead of ending the whole run.
fn assert_snapshot(fixture: &Fixture, snapshot: &str) -> Result<(), String> {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(format!("tests/fixtures/{}", fixture.label()));
    let name = fixture.snapshot_name();
    catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name.as_str(), snapshot));
    }))
    .map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!(
            "snapshot tests/snapshots/{name}.snap is missing or differs (review, then bless with INSTA_UPDATE=always): {}",
            message.lines().next().unwrap_or("")
        )
    })
}

mod edit_shapes {
    use super::unexplained_changes;

    #[test]
    fn module_prefix_insertions_are_allowed_even_when_the_diff_slides_them() {
        assert!(unexplained_changes("exports.a = 1;", "module.exports.a = 1;").is_empty());
        assert!(unexplained_changes("f(...exports)", "f(...module.exports)").is_empty());
        assert!(
            unexplained_changes("exports.a = exports.b;\r\n", "module.exports.a = module.exports.b;\r\n").is_empty()
        );
    }

    #[test]
    fn linking_idiom_deletions_are_allowed() {
        assert!(unexplained_changes("exports = module.exports = X;", "module.exports = X;").is_empty());
        assert!(unexplained_changes("module.exports = exports = X;", "module.exports = X;").is_empty());
        assert!(unexplained_changes(
            "var exports = module.exports = {};\nexports.a = 1;",
            "module.exports = {};\nmodule.exports.a = 1;"
        )
        .is_empty());
        assert!(unexplained_changes(
            "module.exports = Q;\nexports = module.exports;\nexports.a = 1;",
            "module.exports = Q;\nmodule.exports.a = 1;"
        )
        .is_empty());
        assert!(unexplained_changes("var exports = X;", "module.exports = X;").is_empty());
        assert!(unexplained_changes("f({ exports });", "f({ exports: module.exports });").is_empty());
        assert!(unexplained_changes(
            "module.exports = Q;\r\n  exports = module.exports\r\n  exports.a = 1;",
            "module.exports = Q;\r\n  module.exports.a = 1;"
        )
        .is_empty());
    }

    #[test]
    fn anything_else_is_reported() {
        let changes = |old: &str, new: &str| unexplained_changes(old, new).len();
        assert_eq!(changes("exports.a = 1;", "module.exports.a = 2;"), 1);
        assert_eq!(changes("\u{feff}exports.a = 1;", "module.exports.a = 1;"), 1);
        assert_eq!(changes("a;\r\nb;\r\n", "a;\nb;\n"), 2);
        assert_eq!(changes("typeof exports", "typeof module.exports"), 1);
        assert_eq!(changes("exports = X;", "X;"), 1);
        assert_eq!(changes("var a = 1;", "a = 1;"), 1);
        assert_ne!(changes("exports.a;", "module.a;"), 0);
        assert_ne!(
            changes(
                "module.exports = Q;\nexports = module.exports.q;\nexports.a = 1;",
                "module.exports = Q;\nmodule.exports.a = 1;"
            ),
            0,
            "`exports = module.exports.q` is not a linking idiom"
        );
    }
}
