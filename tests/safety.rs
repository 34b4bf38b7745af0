//! Safe means safe: every example of issue 10, and the family it stands for, run through the real binary and
//! loaded in the real `node` (`tests/oracle/shape.js`) before and after `exportfix fix`.
//!
//! For each case: the findings `check` reports (rule and fix applicability) are the expected ones, and the safe
//! fix keeps the contract `fix` without `--unsafe` promises: a module that loaded still loads, and every key it
//! exported is still exported with the same value (type, function name, primitive value); a repair may add keys.
//! Cases Node cannot load as they stand (TypeScript, syntax errors) check the findings or the error only.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_exportfix");
const ORACLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/shape.js");

struct Case {
    name: &'static str,
    file: &'static str,
    source: &'static str,
    /// `rule:applicability` per finding, in order (`safe`, `unsafe` or `none`); `error` for a file that is
    /// reported as an error (exit 2).
    expect: &'static [&'static str],
}

const fn case(name: &'static str, source: &'static str, expect: &'static [&'static str]) -> Case {
    Case { name, file: "m.js", source, expect }
}

const CASES: &[Case] = &[
    // 1. Intrinsic read-only properties of functions, classes and bound functions.
    case(
        "function-name",
        "'use strict'; module.exports = function middleware(req, res, next) { next(); }; exports.name = 'mw';\n",
        &["lost-export:unsafe"],
    ),
    case("class-prototype", "'use strict'; module.exports = class A {}; exports.prototype = {};\n", &["lost-export:unsafe"]),
    case("class-name", "module.exports = class Store {}; exports.name = 'store';\n", &["lost-export:unsafe"]),
    case(
        "bound-length",
        "'use strict'; module.exports = function f(a, b) {}.bind(null); exports.length = 3;\n",
        &["lost-export:unsafe"],
    ),
    case("function-other-key", "module.exports = function main() {}; exports.helper = 1;\n", &["lost-export:safe"]),
    // 2. Accessors.
    case(
        "getter",
        "let v = '1.0'; module.exports = { get version() { return v; } }; exports.version = '2.0';\n",
        &["lost-export:unsafe"],
    ),
    // A getter defined on the export that reads `exports` would read itself once rewritten (a long fuzz run).
    case(
        "getter-reads-exports",
        "function named(a) {}\nmodule.exports = named;\nexports.b = 1;\nObject.defineProperty(module.exports, 'a', { get() { return exports.a; }, enumerable: true });\n",
        &["lost-export:unsafe"],
    ),
    // 3. Primitives and frozen objects through bindings and calls.
    case("primitive-binding", "const VERSION = '2.3.1'; module.exports = VERSION; exports.major = 2;\n", &["lost-export:unsafe"]),
    case("call-result", "function mk() { return 5; } module.exports = mk(); exports.major = 2;\n", &["lost-export:unsafe"]),
    case("frozen-binding", "const C = Object.freeze({ a: 1 }); module.exports = C; exports.b = 2;\n", &["lost-export:unsafe"]),
    case("require-result", "module.exports = require('./lib'); exports.extra = 1;\n", &["lost-export:unsafe"]),
    // 4. Aliases through ?:, ||, ??.
    case(
        "alias-conditional",
        "var root = typeof window === 'undefined' ? exports : window; root.helper = function f() {}; exports = function main() {};\n",
        &["exports-reassign:unsafe"],
    ),
    case(
        "alias-or",
        "var root = (typeof window !== 'undefined' && window) || exports; root.helper = 1; exports = function main() {};\n",
        &["exports-reassign:unsafe"],
    ),
    case(
        "alias-nullish",
        "var root = globalThis.lib ?? exports; root.helper = 1; exports = function main() {};\n",
        &["exports-reassign:unsafe"],
    ),
    // 5. `module` bound by a named function expression.
    case(
        "named-function-module",
        "module.exports = function Router() {}; var init = function module() { exports.loaded = true; }; init();\n",
        &["lost-export:none"],
    ),
    // False reports: one object under two names.
    case("relink-same-binding", "function api() {} module.exports = api; exports = api; exports.helper = 1;\n", &["mixed-exports:safe"]),
    case("relink-same-binding-first", "function api() {} exports = api; module.exports = api; exports.helper = 1;\n", &["mixed-exports:safe"]),
    case("relink-var", "var e = {}; module.exports = e; exports = e; exports.a = 12;\n", &["mixed-exports:safe"]),
    // The adopting `module.exports = exports` wherever it runs on every path.
    case(
        "adopt-in-if",
        "exports = function main() {}; exports.helper = 1; if (typeof module === 'object') module.exports = exports;\n",
        &[],
    ),
    case(
        "adopt-in-else",
        "exports = function main() {}; exports.helper = 1; if (typeof module === 'undefined') {} else { module.exports = exports; }\n",
        &[],
    ),
    case(
        "adopt-in-function",
        "exports = function main() {};\nexports.helper = 1;\nfunction link() { module.exports = exports; }\nlink();\n",
        &["mixed-exports:safe"],
    ),
    // A function cannot run before it is created.
    case(
        "callback-after-reassignment",
        "function colors(s) {} module.exports = colors; ['red', 'green'].forEach(function (n) { exports[n] = n; });\n",
        &["lost-export:unsafe"],
    ),
    case(
        "named-callback-keys",
        "function colors(s) {}\nmodule.exports = colors;\n['red', 'green'].forEach(function (n) { exports.red = n; });\n",
        &["lost-export:safe"],
    ),
    // The message names the line that loses the write (checked in the rule's tests); here the fix stays off.
    case("rebound-then-replaced", "exports = { a: 1 };\nexports.b = 2;\nmodule.exports = { c: 3 };\n", &["exports-reassign:unsafe", "lost-export:none"]),
    // Declarations named `exports` in a file that never names `module`.
    case("function-exports", "function exports() { return 1; }\n", &["exports-reassign:none"]),
    case("async-function-exports", "async function exports() { return 1; }\n", &["exports-reassign:none"]),
    case("generator-exports", "function* exports() {}\n", &["exports-reassign:none"]),
    case("function-exports-after-try", "try {} catch (e) {}\nfunction exports() {}\n", &["exports-reassign:none"]),
    // Plain fixes that are safe.
    case("init-function", "function init() {\n  exports = { a: 1 };\n}\ninit();\n", &["exports-reassign:safe"]),
    case("parenthesised-exports", "function api() {}\n(exports) = api;\n", &["exports-reassign:safe"]),
    case(
        "resync",
        "module.exports = function X() {};\nexports = module.exports;\nexports.v = 1;\n",
        &["mixed-exports:safe"],
    ),
    case(
        "define-property-after-reassignment",
        "module.exports = function main() {};\nObject.defineProperty(exports, 'version', { value: '1', enumerable: true });\n",
        &["lost-export:safe"],
    ),
    case(
        "define-property-name",
        "'use strict';\nmodule.exports = function main() {};\nObject.defineProperty(exports, 'name', { value: 'x' });\n",
        &["lost-export:unsafe"],
    ),
    case(
        "assign-literal-after-reassignment",
        "module.exports = function main() {};\nObject.assign(exports, { a: 1, b: 2 });\n",
        &["lost-export:safe"],
    ),
    // Issue 11: writes before the reassignment, merged or moved.
    case(
        "merge-before-object-literal",
        "exports.handler = async function handler() {};\nfunction signPath() {}\nmodule.exports = { signPath };\n",
        &["lost-export:safe"],
    ),
    case(
        "move-before-function",
        "function getDef() {}\nexports.default = getDef;\nmodule.exports = getDef;\n",
        &["lost-export:safe"],
    ),
    case(
        "move-read-only-name",
        "'use strict';\nfunction f() {}\nexports.name = 'x';\nmodule.exports = f;\n",
        &["lost-export:unsafe"],
    ),
    // Linking idioms in every spelling are not bugs.
    case("var-module-link", "var module;\nexports = module.exports = {};\n", &[]),
    case("link-parenthesised-1", "module.exports = ((exports) = {});\nexports.a = 1;\n", &["mixed-exports:safe"]),
    case("link-parenthesised-2", "(exports) = ((module).exports = {});\nexports.a = 1;\n", &["mixed-exports:safe"]),
    case("link-parenthesised-3", "exports = ((module.exports) = {});\nexports.a = 1;\n", &["mixed-exports:safe"]),
    case("link-logical", "exports &&= module.exports ||= {};\nexports.a = 1;\n", &[]),
    case("lone-idiom", "module.exports = exports = {};\n", &[]),
    // Node's parse: lexical redeclarations of the wrapper's parameters.
    case("let-exports", "let exports = {};\nexports.a = 1;\n", &["error"]),
    case("const-module", "const module = {};\nmodule.exports = 1;\nexports.a = 1;\n", &["error"]),
    // (A file the pre-filter proves finding-free is parsed only with `--check-syntax`.)
    case("class-require", "class require {}\nexports = {};\n", &["error"]),
    case("bom-then-shebang", "\u{feff}#!/usr/bin/env node\nexports = {};\n", &["error"]),
    // TypeScript: type-only declarations shadow nothing.
    Case {
        name: "ts-interface",
        file: "m.ts",
        source: "interface exports { a: number }\nexports = { a: 1 };\n",
        expect: &["exports-reassign:safe"],
    },
    Case {
        name: "ts-interface-in-function",
        file: "m.ts",
        source: "function setup() {\n  interface exports { a: number }\n  exports.a = 1;\n}\nmodule.exports.b = 2;\n",
        expect: &["mixed-exports:safe"],
    },
];

/// The findings `check --format json` reports for one file, as `rule:applicability`, or `["error"]`.
fn findings(path: &Path) -> Vec<String> {
    let output = Command::new(BIN).args(["check", "--format", "json"]).arg(path).output().expect("run exportfix");
    let report: Value = serde_json::from_slice(&output.stdout).expect("json report");
    if output.status.code() == Some(2) {
        return vec!["error".to_owned()];
    }
    let files = report["files"].as_array().cloned().unwrap_or_default();
    files
        .iter()
        .flat_map(|file| file["findings"].as_array().cloned().unwrap_or_default())
        .map(|finding| {
            format!("{}:{}", finding["rule"].as_str().unwrap_or("?"), finding["fix"].as_str().unwrap_or("none"))
        })
        .collect()
}

/// What Node's loader makes of a file: the exported shape, or the error it throws.
fn shape(path: &Path) -> Result<Value, String> {
    let output = Command::new("node").arg(ORACLE).arg(path).output().expect("run node");
    let shape: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("no shape for {} ({error})", path.display()));
    match shape.get("error") {
        Some(error) => Err(error.to_string()),
        None => Ok(shape),
    }
}

/// The safe-fix contract, for one case: `None` when it holds.
fn broken_contract(case: &Case, directory: &Path) -> Option<String> {
    let original = directory.join("original").join(case.file);
    let fixed = directory.join("fixed").join(case.file);
    let status = Command::new(BIN).arg("fix").arg(&fixed).output().expect("run exportfix fix").status;
    if status.code() == Some(2) {
        return Some("fix failed".to_owned());
    }
    let Ok(before) = shape(&original) else {
        return None; // a module that throws today promises nothing
    };
    let after = match shape(&fixed) {
        Ok(after) => after,
        Err(error) => return Some(format!("the module loaded before the fix and throws after it: {error}")),
    };
    let empty = serde_json::Map::new();
    let after_keys = after["keys"].as_object().unwrap_or(&empty);
    for (key, value) in before["keys"].as_object().unwrap_or(&empty) {
        match after_keys.get(key) {
            None => return Some(format!("the fix lost the export `{key}`: before {before}, after {after}")),
            Some(kept) if kept != value => {
                return Some(format!("the fix changed the export `{key}`: {value} became {kept}"));
            }
            Some(_) => {}
        }
    }
    None
}

#[test]
fn every_example_is_reported_truly_and_every_safe_fix_keeps_what_node_exports() {
    let mut failures = Vec::new();
    for case in CASES {
        let directory = tempfile::tempdir().expect("temp dir");
        for side in ["original", "fixed"] {
            fs::create_dir_all(directory.path().join(side)).expect("mkdir");
            fs::write(directory.path().join(side).join(case.file), case.source).expect("write");
        }
        let got = findings(&directory.path().join("original").join(case.file));
        if got != case.expect {
            failures.push(format!("{}: expected {:?}, got {:?}", case.name, case.expect, got));
            continue;
        }
        if case.file.ends_with(".js") && case.expect != ["error"] {
            if let Some(problem) = broken_contract(case, directory.path()) {
                failures.push(format!("{}: {problem}\n--- source:\n{}", case.name, case.source));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}
