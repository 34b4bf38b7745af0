//! The machine formats, checked with the real consumers' rules: GitHub workflow-command escaping, and SARIF 2.1.0
//! validated against the schema with `jsonschema`.
#![cfg(unix)]

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use common::*;

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
    write(dir.path(), "b.js", "exports.a = make();\nmodule.exports = makeApi();\n");
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
