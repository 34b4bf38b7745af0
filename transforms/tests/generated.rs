//! Fuzzing without nightly: generated CommonJS programs, arbitrary bytes and token soup thrown at the engine.
//!
//! Properties:
//! - nothing panics, whatever the input (arbitrary bytes, token soup, generated programs);
//! - for a program that parses: `fix` succeeds (its output parses and settles), a second `fix` changes nothing, and
//!   the output is the input with only the edits a rewrite may make (`module.` put before `exports`, `{ exports }`
//!   expanded, `var exports` replaced, a linking idiom deleted, `module.exports = { … }` made a merge with
//!   `Object.assign` or one write per key, a lost write moved after the reassignment) — checked by replaying the
//!   rounds edit by edit;
//! - in the real `node` (tests/generated/shape_server.js, deterministic stubs): a safe fix made only of
//!   `mixed-exports`/`prefer-module-exports` leaves the exported shape identical; a safe repair of a module that
//!   loads still loads, and keeps every key the original exported with the same value (type, a function's name
//!   and length, a primitive's value, an object's own keys; a repair may add keys and change what the exports
//!   object itself is).
//!
//! `cargo test -p exportfix_transforms --test generated` runs a bounded pass (a few thousand cases, about a minute
//! in all). `EXPORTFIX_FUZZ_SECONDS=1800` runs each of the three fuzzers for that long, keeps going after a
//! failure and lists every distinct (shrunk) failure at the end (up to 300), also writing them to `target/fuzz-failures/`.
//! The bounded pass uses a fixed seed; the long pass a fresh one. `EXPORTFIX_FUZZ_SEED=<64 hex digits>` replays a
//! run (every run prints its seed).

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use exportfix_transforms::{analyze, fix, Analysis, Finding, FixError, RuleId, Settings, SourceType, Style};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

// ---------------------------------------------------------------------------------------------------------------
// The generator.

const KEYS: &[&str] = &["a", "b", "parse", "default", "ä", "名前", "$x", "_y"];

/// The own properties every function (or class) has, which a write to a function export meets: `name` and
/// `length` are read-only, `prototype` is writable but not enumerable, `arguments` and `caller` are poisoned on
/// strict, arrow, class and bound functions. The placeholder `IK` always draws from these.
const FUNCTION_KEYS: &[&str] = &["name", "length", "prototype", "arguments", "caller"];

fn key() -> impl Strategy<Value = &'static str> {
    prop_oneof![5 => prop::sample::select(KEYS), 1 => prop::sample::select(FUNCTION_KEYS)]
}

/// Values that make `module.exports` something other than a plain extensible object: functions and classes
/// (with their intrinsic properties), bound functions, primitives, frozen, sealed and non-extensible objects.
/// Written in place of `FN`.
fn function_like() -> impl Strategy<Value = &'static str> {
    prop::sample::select(
        &[
            "function named() {}",
            "function named(a, b) { return a; }",
            "function () {}",
            "() => {}",
            "async function named() {}",
            "function* gen() {}",
            "class A {}",
            "class A { static x = 1 }",
            "class {}",
            "function f(a, b) {}.bind(null)",
            "(() => 1).bind(null)",
            "Object.freeze(function frozen() {})",
            "'2.3.1'",
            "5",
            "true",
            "Object.freeze({ a: 1 })",
            "Object.seal({ a: 1 })",
            "Object.preventExtensions({ a: 1 })",
            "Object.freeze([])",
        ][..],
    )
}

/// Statements that set `module.exports` to such a value where a reader of the assignment alone cannot see it:
/// through a binding or a call, as npm packages do (`const VERSION = '2.3.1'; module.exports = VERSION;`).
/// Written in place of `OPQ`.
fn opaque_exports() -> impl Strategy<Value = &'static str> {
    prop::sample::select(
        &[
            "var version = '2.3.1';\nmodule.exports = version;",
            "function mk() { return 5; }\nmodule.exports = mk();",
            "function mk() { return 5; }\nexports = module.exports = mk();",
            "var frozen = Object.freeze({ a: 1 });\nmodule.exports = frozen;",
            "var sealed = Object.seal({ a: 1 });\nmodule.exports = sealed;",
            "var closed = Object.preventExtensions({ a: 1 });\nmodule.exports = closed;",
            "function named(a) {}\nmodule.exports = named;",
            "var klass = class A {};\nmodule.exports = klass;",
            "var klass = class A { static x = 1 };\nmodule.exports = klass;",
            "var bound = function f(a, b) {}.bind(null);\nmodule.exports = bound;",
            "module.exports = (function () { return 'v1'; })();",
            "module.exports = Object.freeze(require(\"dep\"));",
            "var frozen = Object.freeze(function frozen() {});\nexports = module.exports = frozen;",
        ][..],
    )
}

fn value() -> impl Strategy<Value = &'static str> {
    prop::sample::select(
        &[
            "1",
            "0",
            "\"str\"",
            "'ü😀\u{2028}x'",
            "function () {}",
            "function named() { return 1; }",
            "{}",
            "{ k: 1, 'ü': 2 }",
            "[]",
            "null",
            "undefined",
            "class {}",
            "() => 1",
            "require(\"dep\")",
            "require('./lib').a",
            "module.exports",
            "exports",
            "this",
            "exports.a",
            "Object.freeze({})",
            "{ exports: 1 }",
            "function f(a, b) {}.bind(null)",
            "class A {}",
            "class A { static x = 1 }",
            "{ get K() { return 1; } }",
            "{ set K(v) {} }",
            "Object.seal({ a: 1 })",
            "Object.preventExtensions({})",
            "(function mk() { return 5; })()",
            "'2.3.1'",
        ][..],
    )
}

fn condition() -> impl Strategy<Value = &'static str> {
    prop::sample::select(
        &[
            "true",
            "false",
            "Math.max(1, 2) > 1",
            "!require(\"flag\")",
            "typeof window === \"undefined\"",
            "typeof exports === \"object\"",
            "typeof module !== \"undefined\" && module.exports",
            "exports.a",
            "module.exports.b",
            "this === exports",
        ][..],
    )
}

/// One statement with no statements inside it. `K`, `V`, `W` and `C` are filled in with a key, two values and a
/// condition.
const LEAVES: &[&str] = &[
    "exports.K = V;",
    "exports.K = V;",
    "module.exports.K = V;",
    "module.exports.K = V;",
    "exports = V;",
    "module.exports = V;",
    "exports = module.exports = V;",
    "module.exports = exports = V;",
    "var exports = module.exports;",
    "var exports = module.exports = V;",
    "exports = module.exports;",
    "module.exports = exports;",
    "Object.defineProperty(exports, \"K\", { enumerable: true, get: function () { return V; } });",
    "Object.defineProperty(exports, \"__esModule\", { value: true });",
    "Object.defineProperty(module.exports, \"K\", { enumerable: true, value: V });",
    "Object.assign(exports, { K: V });",
    "Object.assign(module.exports, { K: V });",
    "Object.defineProperty(exports, \"K\", { value: V });",
    "Object.defineProperty(exports, \"K\", { enumerable: true, value: V });",
    "Object.defineProperty(exports, \"name\", { value: V });",
    "Object.defineProperty(exports, \"prototype\", { enumerable: true, value: V });",
    "Object.assign(exports, { K: V, b: W });",
    "Object.assign(exports, { name: V });",
    "held.K = V;",
    "if (typeof exports === \"object\") exports.K = V;",
    "if (typeof module === \"object\" && module.exports) module.exports = V;",
    "var held = exports.K;",
    "var held = exports;",
    "var held = module.exports;",
    "var held = { exports };",
    "delete exports.K;",
    "exports.K = C ? V : W;",
    "module.exports = C ? V : exports;",
    "exports = C ? (module.exports = V) : exports;",
    "C && (exports.K = V);",
    "C || (module.exports.K = V);",
    "exports.K = exports.K || V;",
    "exports.K = function () { return exports; };",
    "module.exports.K = function () { return module.exports.K; };",
    "var exports = V;",
    "var exports;",
    "module[\"exports\"].K = V;",
    "module.exports[\"K\"] = V;",
    "exports[\"K\"] = V;",
    "return;",
    "if (C) return;",
    // A compound assignment; not `+= ""`, which stringifies a function's source, and any rewrite inside the
    // function changes that (decision "function-source-observed", docs/engine.md).
    "exports -= 0;",
    "typeof exports;",
    "this.K = V;",
    "module.exports.K = exports.K;",
    "function exports() {}",
    "[exports] = [V];",
    "exports.K = require(\"dep\").K;",
    "exports.K = module.exports;",
    "module.exports = { K: V };",
    "module.exports = function K() {};",
    // `typeof`: a template that stringified a function or class (`this` in a static block) would export its
    // source, which any rewrite changes (known issue "function-source-observed"; long run 4).
    "exports.ñ = `tpl ${typeof V}`;",
    "var ß = exports; ß.K = V;",
    "var held = module; held.exports = V;",
];

/// Statements shaped like the npm code the fuzzer met least at first: writes to functions' intrinsic properties
/// and to primitive or frozen exports, getters and setters, aliases through operators, logical assignments, the
/// linking idiom in control flow, `Object.defineProperty`/`Object.assign` after a reassignment. Besides `K`, `V`,
/// `W` and `C`: `FN` a function-like value, `IK` a function's own key, `OPQ` an opaque reassignment.
const NEW_LEAVES: &[&str] = &[
    "OPQ\nexports.K = V;",
    "OPQ\nexports.IK = V;",
    "OPQ\nmodule.exports.K = V;",
    "module.exports = FN;\nexports.IK = V;",
    "module.exports = FN;\nexports.K = V;",
    "module.exports = FN;\nmodule.exports.IK = V;",
    "exports = FN;\nexports.IK = V;",
    "module.exports = FN;\nexports.IK = V;\nexports.K = W;",
    "exports.IK = V;",
    "module.exports = { get K() { return V; } };",
    "module.exports = { set K(v) {} };",
    "module.exports = { get K() { return 1; } };\nexports.K = V;",
    "module.exports = { set K(v) {} };\nexports.K = V;",
    "Object.defineProperty(module.exports, \"K\", { get() { return V; } });",
    "Object.defineProperty(module.exports, \"K\", { get() { return V; }, enumerable: true });",
    "Object.defineProperty(exports, \"K\", { set(v) {}, enumerable: true });",
    "var root = C ? exports : {};\nroot.K = V;",
    "var root = C && exports || {};\nroot.K = V;",
    "var root = exports || {};\nroot.K = V;",
    "var root = exports ?? {};\nroot.K = V;",
    "var root = (C, exports);\nroot.K = V;",
    "(0, exports).K = V;",
    "(exports).K = V;",
    "(module.exports).K = V;",
    "(0, module).exports.K = V;",
    "(C ? exports : module.exports).K = V;",
    "exports &&= module.exports ||= V;",
    "module.exports ||= V;",
    "exports ??= V;",
    "exports ||= V;",
    "module.exports &&= V;",
    "exports = module.exports ||= V;",
    "if (C) {\nmodule.exports = exports;\n} else {\nmodule.exports = exports;\n}",
    "if (C) module.exports = exports;",
    "for (var j = 0; j < 1; j++) module.exports = exports;",
    "function link() {\nmodule.exports = exports;\n}\nlink();",
    "module.exports = V;\nexports = module.exports;",
    "module.exports = FN;\nexports = module.exports;\nexports.K = W;",
    "module.exports = FN;\nObject.defineProperty(exports, \"K\", { value: V, enumerable: true });",
    "module.exports = FN;\nObject.assign(exports, { K: V, b: W });",
    "Object.defineProperty(exports, \"K\", { value: V, enumerable: true });",
    "Object.defineProperty(exports, \"IK\", { value: V, enumerable: true });",
    "Object.assign(exports, { K: V, b: W });",
];

/// The statements most modules are made of, drawn more often so that many programs have something to fix.
const COMMON_LEAVES: &[&str] = &[
    "Object.defineProperty(exports, \"K\", { enumerable: true, value: V });",
    "Object.assign(exports, { K: V, b: W });",
    "exports.K = V;",
    "module.exports.K = V;",
    "exports = V;",
    "module.exports = V;",
    "exports = module.exports = V;",
    "module.exports = exports = V;",
    "var exports = module.exports;",
    "exports.K = function () {};",
    "module.exports = { K: V };",
];

/// A leaf statement, drawn from `NEW_LEAVES` with weight `new` (against 3 for `COMMON_LEAVES`, 2 for `LEAVES`).
fn leaf(new: u32) -> impl Strategy<Value = String> {
    let template = prop_oneof![
        3 => prop::sample::select(COMMON_LEAVES),
        2 => prop::sample::select(LEAVES),
        new => prop::sample::select(NEW_LEAVES),
    ];
    let placeholders = (prop::sample::select(FUNCTION_KEYS), function_like(), opaque_exports());
    (template, key(), value(), value(), condition(), placeholders, prop::bool::weighted(0.12)).prop_map(
        |(template, key, v, w, c, (intrinsic, function_like, opaque), no_semicolon)| {
            // Keys that are not identifiers cannot follow a dot or name a function.
            let identifier = if key == "default" && (template.contains("function K") || template.contains("{ K:")) {
                "dflt"
            } else {
                key
            };
            let template = template
                .replace("function K", &format!("function {identifier}"))
                .replace("{ K:", &format!("{{ {identifier}:"));
            // A value's own `K` (a getter's name) is the key too.
            let (v, w) = (v.replace('K', key), w.replace('K', key));
            let mut text = fill(
                &template,
                &[
                    ("OPQ", opaque),
                    ("FN", function_like),
                    ("IK", intrinsic),
                    ("K", key),
                    ("V", &v),
                    ("W", &w),
                    ("C", c),
                ],
            );
            if no_semicolon && text.ends_with(';') {
                text.pop();
            }
            text
        },
    )
}

/// The template with each placeholder replaced, in one pass (so that a value's text is never filled in again),
/// the first that matches at each position winning.
fn fill(template: &str, placeholders: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut rest = template;
    'outer: while let Some(c) = rest.chars().next() {
        for (placeholder, replacement) in placeholders {
            if let Some(after) = rest.strip_prefix(placeholder) {
                out.push_str(replacement);
                rest = after;
                continue 'outer;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn trivia() -> impl Strategy<Value = &'static str> {
    prop::sample::select(
        &[
            "",
            "",
            "",
            " ",
            "// line comment ü\n",
            "/* block */ ",
            "/* multi\n line */\n",
            "\n<!-- HTML-like comment\n",
            "\n--> HTML-like closing comment\n",
            "\n\n",
            "\t",
            "/** exports = module.exports */\n",
        ][..],
    )
}

fn statement() -> impl Strategy<Value = String> {
    let leaf = (trivia(), leaf(2)).prop_map(|(trivia, leaf)| format!("{trivia}{leaf}"));
    leaf.prop_recursive(3, 16, 3, |inner| {
        let body = prop::collection::vec(inner, 0..3).prop_map(|statements| statements.join("\n"));
        (prop::sample::select(COMPOUNDS), body.clone(), body, condition()).prop_map(|(template, a, b, c)| {
            template.replace("BODY2", &b).replace("BODY", &a).replace("COND", c).replace("\\n", "\n")
        })
    })
}

/// Statements with statements inside: `BODY` and `BODY2` are statement lists, `COND` a condition.
const COMPOUNDS: &[&str] = &[
    "if (COND) {\nBODY\n}",
    "if (COND) {\nBODY\n} else {\nBODY2\n}",
    "if (COND) BODY2",
    "for (var i = 0; i < 2; i++) {\nBODY\n}",
    "while (COND) {\nBODY\nbreak;\n}",
    "do {\nBODY\n} while (false);",
    "for (var k in { one: 1 }) {\nBODY\n}",
    "try {\nBODY\n} catch (e) {\nBODY2\n}",
    "try {\nBODY\n} catch (exports) {\nBODY2\n}",
    "try {\nBODY\n} catch (module) {\nBODY2\n}",
    "try {\nBODY\n} catch {\nBODY2\n} finally {\nBODY2\n}",
    "(function () {\nBODY\n})();",
    "(function () {\nBODY\n}).call(this);",
    "(function () {\nBODY\n}.call(this));",
    "(() => {\nBODY\n})();",
    "!function () {\nBODY\n}();",
    "(function (exports, module) {\nBODY\n})(exports, module);",
    "(function (exports) {\nBODY\n})({});",
    "(function (module) {\nBODY\n})({ exports: {} });",
    "(function (root, factory) {\nif (typeof exports === 'object' && typeof module !== 'undefined') module.exports = factory();\nelse root.lib = factory();\n})(this, function () {\nBODY\nreturn {};\n});",
    "function helper() {\nBODY\n}\nhelper();",
    "function later() {\nBODY\n}",
    "function shadow(exports) {\nBODY\n}\nshadow({});",
    "function shadowModule(module) {\nBODY\n}",
    "{\nlet exports = {};\nBODY\n}",
    "{\nBODY\n}",
    "switch (COND) {\ncase true:\nBODY\nbreak;\ndefault:\nBODY2\n}",
    "var f = function () {\nBODY\n};\nf();",
    "exports.run = function () {\nBODY\n};",
    "label: {\nBODY\nbreak label;\n}",
    // Named function and class expressions whose name is `module` or `exports`, and class bodies declaring them.
    "var init = function module() {\nBODY\n};\ninit();",
    "var init = function exports() {\nBODY\n};\ninit();",
    "(function exports() {\nBODY\n})();",
    "(function module() {\nBODY\n})();",
    "var Init = class module {\nstatic {\nBODY\n}\n};",
    "var Init = class exports {\nstatic {\nBODY\n}\n};",
    "class Init {\nstatic {\nvar module = { exports: {} };\nBODY\n}\n}",
    "class Init {\nstatic {\nvar exports = {};\nBODY\n}\n}",
    "class Init {\nstatic {\nBODY\n}\n}",
    "class Init {\nstatic run(exports) {\nBODY\n}\n}\nInit.run({});",
    "class Init {\nstatic module() {\nBODY\n}\n}\nInit.module();",
    // Functions declared in the module and called while it loads: twice, from another function, recursively.
    "function init() {\nBODY\n}\ninit();\ninit();",
    "function inner() {\nBODY\n}\nfunction outer() {\ninner();\n}\nouter();",
    "function rec(n) {\nif (n > 0) return rec(n - 1);\nBODY\n}\nrec(2);",
    "function init() {\nBODY\n}\nif (COND) init();",
    "function init() {\nBODY\n}\ninit();\nexports.after = 1;",
];

#[derive(Debug, Clone)]
struct Program {
    text: String,
    style: Style,
}

fn program() -> impl Strategy<Value = Program> {
    let prefix =
        prop::sample::select(&["", "", "", "\u{feff}", "#!/usr/bin/env node\n", "\u{feff}#!/usr/bin/env node\n"][..]);
    // Half the programs are strict, where a write to a read-only property (a function's `name`, a frozen
    // export, a getter-only key, a primitive) throws rather than doing nothing.
    let strict = prop::sample::select(&["", "", "'use strict';\n", "\"use strict\"\n"][..]);
    let line_ending = prop::sample::select(&["\n", "\n", "\r\n"][..]);
    let style = prop::sample::select(&[Style::Mixed, Style::Mixed, Style::ModuleExports][..]);
    // Flat programs get fixed most often; nested ones reach the scoping and flow cases. The newer leaves are
    // mostly forms the engine declines to fix safely (an alias, a linking idiom it does not follow), which then
    // holds back the fixes of the whole program: they have flat programs of their own.
    let flat =
        |new| prop::collection::vec((trivia(), leaf(new)).prop_map(|(trivia, leaf)| format!("{trivia}{leaf}")), 1..6);
    let statements = prop_oneof![3 => flat(0), 2 => flat(3), 2 => prop::collection::vec(statement(), 1..4)];
    (prefix, strict, statements, trivia(), line_ending, style).prop_map(
        |(prefix, strict, statements, trailing, line_ending, style)| {
            let body = format!("{strict}{}\n{trailing}", statements.join("\n"));
            // The prefix's own `\n` (after a shebang) follows the chosen line ending too.
            let text = format!("{prefix}{body}").replace('\n', line_ending);
            Program { text, style }
        },
    )
}

const TOKENS: &[&str] = &[
    "exports",
    "module",
    "module.exports",
    ".",
    "=",
    "==",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "function",
    "var",
    "let",
    "const",
    "return",
    ";",
    "\n",
    "\r\n",
    " ",
    "<!--",
    "-->",
    "/*",
    "*/",
    "//",
    "'",
    "\"",
    "`",
    "${",
    "?",
    ":",
    "&&",
    "||",
    "??",
    "typeof",
    "Object.defineProperty",
    ",",
    "=>",
    "\u{feff}",
    "#!",
    "with",
    "eval",
    "import",
    "export",
    "<div>",
    "</div>",
    "class",
    "catch",
    "try",
    "if",
    "else",
    "for",
    "in",
    "of",
    "async",
    "await",
    "yield",
    "new",
    "this",
    ".call",
    "0",
    "08",
    "1n",
    "/re/g",
    "ä",
    "😀",
    "\u{2028}",
    "a",
    "x",
    "+=",
    "++",
    "delete",
    "...",
    "require",
    "\"use strict\"",
    "as",
    "<",
    ">",
    "!",
    "default",
    "@dec",
    "enum",
    "interface",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..60).prop_map(|tokens| tokens.concat())
}

// ---------------------------------------------------------------------------------------------------------------
// The properties.

const SOURCE_TYPES: [SourceType; 4] =
    [SourceType::JavaScript, SourceType::Jsx, SourceType::TypeScript, SourceType::Tsx];

/// No panic, and every property that holds for any input that parses.
fn check_engine(source: &str, source_type: SourceType, settings: &Settings) -> Result<(), String> {
    let analysis = match analyze(source, source_type, settings) {
        Ok(analysis) => analysis,
        Err(_) => {
            return match fix(source, source_type, settings, true) {
                Err(FixError::Syntax(_)) => Ok(()),
                other => Err(format!("analyze rejects the text but fix says {other:?}")),
            }
        }
    };
    let findings = analysis.findings().to_vec();
    // The pre-filter (both stages) skips only texts without findings.
    if !findings.is_empty() && !exportfix_transforms::prefilter::may_have_findings(source, source_type, settings) {
        return Err(format!("the pre-filter skips a text with findings {findings:?}"));
    }
    for include_unsafe in [false, true] {
        let outcome = match fix(source, source_type, settings, include_unsafe) {
            Ok(outcome) => outcome,
            Err(error) => return Err(format!("fix (unsafe: {include_unsafe}) failed: {error}")),
        };
        if outcome.analysis != analysis {
            return Err("fix's analysis differs from analyze's".into());
        }
        let replayed = replay(source, findings.clone(), source_type, settings, include_unsafe)?;
        if replayed != outcome.fixed {
            return Err(format!(
                "fix's output differs from replaying its edits (unsafe: {include_unsafe}):\n{:?}\nvs\n{:?}",
                outcome.fixed, replayed
            ));
        }
        if let Some(fixed) = &outcome.fixed {
            let again = fix(fixed, source_type, settings, include_unsafe)
                .map_err(|error| format!("the fixed text does not fix again (unsafe: {include_unsafe}): {error}"))?;
            if let Some(twice) = again.fixed {
                return Err(format!(
                    "a second fix (unsafe: {include_unsafe}) changes the text again:\n{fixed}\n---\n{twice}"
                ));
            }
            if matches!(again.analysis, Analysis::EsModule) {
                return Err("the fixed text became an ES module".into());
            }
        }
    }
    Ok(())
}

/// Applies the rounds of fixes the way the engine documents it (every applicable fix whose fresh edits do not
/// overlap an accepted one; shared edits once; re-analyse; repeat), checking that every edit is one a rewrite may
/// make. Returns the text after the last round that changed something.
fn replay(
    source: &str,
    mut findings: Vec<Finding>,
    source_type: SourceType,
    settings: &Settings,
    include_unsafe: bool,
) -> Result<Option<String>, String> {
    let mut current: Option<String> = None;
    for _ in 0..8 {
        let text = current.as_deref().unwrap_or(source);
        let mut accepted: Vec<exportfix_transforms::Edit> = Vec::new();
        for fix in findings.iter().filter_map(|finding| finding.applicable_fix(include_unsafe)) {
            let fresh: Vec<_> = fix.edits.iter().filter(|edit| !accepted.contains(edit)).cloned().collect();
            let conflicts = fresh.iter().any(|edit| {
                accepted.iter().any(|taken| {
                    taken.range.start < edit.range.end && edit.range.start < taken.range.end
                        || taken.range.start == edit.range.start
                })
            });
            if !conflicts {
                accepted.extend(fresh);
            }
        }
        accepted.sort_by_key(|edit| (edit.range.start, edit.range.end));
        accepted.dedup();
        let mut output = String::new();
        let mut cursor = 0;
        for edit in &accepted {
            check_edit(text, edit)?;
            output.push_str(&text[cursor..edit.range.start]);
            output.push_str(&edit.replacement);
            cursor = edit.range.end;
        }
        output.push_str(&text[cursor..]);
        if output == text {
            return Ok(current);
        }
        findings = analyze(&output, source_type, settings)
            .map_err(|error| format!("the fixed text does not parse: {error}\n{output}"))?
            .findings()
            .to_vec();
        current = Some(output);
    }
    Err("the fixes did not settle in 8 rounds".into())
}

/// The edits a rewrite of `exports` to `module.exports` is made of (see `Rewrite` in transforms/src/model).
fn check_edit(text: &str, edit: &exportfix_transforms::Edit) -> Result<(), String> {
    let Some(original) = text.get(edit.range.clone()) else {
        return Err(format!("edit {edit:?} is not on character boundaries"));
    };
    let is_identifier_char = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let ok = match edit.replacement.as_str() {
        "module." => {
            edit.range.is_empty()
                && text[edit.range.start..].starts_with("exports")
                && !text[..edit.range.start].ends_with(|c: char| is_identifier_char(c) || c == '.')
        }
        "exports: module.exports" => original == "exports",
        "module.exports" => original.split_whitespace().collect::<Vec<_>>() == ["var", "exports"],
        // The merge that rescues writes before `module.exports = { … }`: its prefix, and the `)` after the literal.
        "Object.assign(module.exports, " => {
            let code: String = without_comments(original).split_whitespace().collect();
            ["module.exports=", "module[\"exports\"]=", "module['exports']="].contains(&code.as_str())
        }
        ")" => edit.range.is_empty() && text[..edit.range.start].ends_with('}'),
        // Or the literal as one write per key.
        replacement if replacement.starts_with("module.exports") => {
            let code: String = without_comments(original).split_whitespace().collect();
            let writes = replacement.split(";\n").map(str::trim).all(|write| write.starts_with("module.exports"));
            code.starts_with("module.exports={") && code.ends_with('}') && writes
        }
        // A lost write moved after the reassignment: its statement deleted here, ...
        "" if without_comments(original).trim().starts_with("exports") && original.contains('=') => true,
        // ... and inserted after the reassignment, through `module.exports`.
        moved if edit.range.is_empty() && moved.starts_with('\n') => {
            moved.trim_start().starts_with("module.exports") && moved.trim_end().ends_with(';')
        }
        "" => {
            // A linking idiom made redundant: `exports = ` / `var exports = ` in front of `module.exports`, or a
            // whole `exports = module.exports;` / `var exports = module.exports;` / `var exports;` statement
            // (with its line when it stands alone on it). Comments inside the deleted statement go with it.
            let code = without_comments(original);
            let words: Vec<&str> =
                code.split(|c: char| !is_identifier_char(c)).filter(|word| !word.is_empty()).collect();
            words.contains(&"exports")
                && words.iter().all(|word| matches!(*word, "var" | "exports" | "module"))
                && code.chars().all(|c| c.is_whitespace() || is_identifier_char(c) || "=;.[]\"'".contains(c))
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("edit {:?} -> {:?} is not a rewrite of exports to module.exports", original, edit.replacement))
    }
}

/// The text with its comments (`//`, `/* */`, and HTML-like `<!--`/`-->` to the end of the line) blanked out.
/// Good enough for the short statements a fix deletes, which hold no strings with comment markers.
fn without_comments(text: &str) -> String {
    let line_end = |c: char| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |end| &after[end + 2..]);
            out.push(' ');
        } else if rest.starts_with("//") || rest.starts_with("<!--") || rest.starts_with("-->") {
            rest = rest.find(line_end).map_or("", |end| &rest[end..]);
            out.push(' ');
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The rules whose safe fixes apply to the original text.
fn fixed_rules(source: &str, settings: &Settings) -> Vec<RuleId> {
    let analysis = analyze(source, SourceType::JavaScript, settings).expect("checked before");
    analysis.findings().iter().filter(|finding| finding.applicable_fix(false).is_some()).map(|f| f.rule).collect()
}

struct Oracle {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Oracle {
    fn start() -> Oracle {
        let server = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/generated/shape_server.js");
        let mut child = Command::new("node")
            .arg(server)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the fuzz test runs modules in the real `node`: install Node.js");
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        Oracle { child, input, output }
    }

    fn shape(&mut self, source: &str) -> serde_like::Shape {
        self.ask("shape", source)
    }

    /// Whether Node compiles the text as a CommonJS module body (the engine's own re-parse is more lenient).
    fn compiles(&mut self, source: &str) -> bool {
        !self.ask("parse", source).is_error()
    }

    fn ask(&mut self, mode: &str, source: &str) -> serde_like::Shape {
        let line = format!("[\"{mode}\",{}]", serde_like::quote(source));
        writeln!(self.input, "{line}").expect("node is running");
        self.input.flush().unwrap();
        let mut answer = String::new();
        self.output.read_line(&mut answer).expect("node answers");
        assert!(!answer.is_empty(), "the node oracle died");
        serde_like::Shape(answer.trim_end().to_string())
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Just enough JSON for the oracle's protocol, without a dependency: the engine crate has none besides swc.
mod serde_like {
    pub fn quote(text: &str) -> String {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    /// Whether a member's description after a repair keeps the one before: the same but for its own keys
    /// (`"own":[…]`), which may have gained some (the member may be the exports object itself, or share an
    /// object with it, and a repair may add keys to the exports).
    pub fn same_value(before: &str, after: &str) -> bool {
        let (before_rest, before_own) = split_own(before);
        let (after_rest, after_own) = split_own(after);
        before_rest == after_rest
            && match (before_own, after_own) {
                (None, None) => true,
                (Some(before), Some(after)) => before.iter().all(|key| after.contains(key)),
                _ => false,
            }
    }

    /// A description without its `,"own":[…]` member, and that member's strings.
    fn split_own(description: &str) -> (String, Option<Vec<String>>) {
        let Some(start) = description.find(",\"own\":[") else {
            return (description.to_string(), None);
        };
        let mut keys = Vec::new();
        let mut chars = description[start + 8..].char_indices();
        let mut end = description.len();
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => {
                    let mut key = String::new();
                    while let Some((_, c)) = chars.next() {
                        match c {
                            '\\' => {
                                key.push('\\');
                                if let Some((_, escaped)) = chars.next() {
                                    key.push(escaped);
                                }
                            }
                            '"' => break,
                            c => key.push(c),
                        }
                    }
                    keys.push(key);
                }
                ']' => {
                    end = start + 8 + at + 1;
                    break;
                }
                _ => {}
            }
        }
        (format!("{}{}", &description[..start], &description[end..]), Some(keys))
    }

    /// The oracle's answer, compared as text (its keys are sorted).
    #[derive(Debug, PartialEq, Eq)]
    pub struct Shape(pub String);

    impl Shape {
        pub fn is_error(&self) -> bool {
            self.0.starts_with("{\"error\"")
        }

        /// The error's name without its message, which may name a variable.
        pub fn error_name(&self) -> Option<&str> {
            self.is_error().then(|| self.0.split('"').nth(3).unwrap_or(""))
        }

        /// The exported keys: the `"keys"` object's top-level member names.
        pub fn keys(&self) -> Vec<String> {
            self.members().into_iter().map(|(key, _)| key).collect()
        }

        /// The exported members: each top-level member name of the `"keys"` object with the JSON text of its
        /// description (the oracle writes it deterministically, so equal text is an equal description).
        pub fn members(&self) -> Vec<(String, String)> {
            let Some(start) = self.0.find("\"keys\":{") else {
                return Vec::new();
            };
            let body = &self.0[start + 8..];
            let mut members = Vec::new();
            let mut depth = 0;
            let mut chars = body.char_indices().peekable();
            let mut expecting_key = true;
            // The member whose value is being read, and where its value starts.
            let mut current: Option<(String, usize)> = None;
            let mut finish = |current: &mut Option<(String, usize)>, end: usize| {
                if let Some((key, from)) = current.take() {
                    members.push((key, body[from..end].trim().to_string()));
                }
            };
            while let Some((at, c)) = chars.next() {
                match c {
                    '"' => {
                        let mut string = String::new();
                        while let Some((_, c)) = chars.next() {
                            match c {
                                '\\' => {
                                    string.push('\\');
                                    if let Some((_, escaped)) = chars.next() {
                                        string.push(escaped);
                                    }
                                }
                                '"' => break,
                                c => string.push(c),
                            }
                        }
                        if depth == 0 && expecting_key {
                            // Skip the `:` after the name: the value starts after it.
                            let colon = chars.next().map_or(body.len(), |(at, _)| at + 1);
                            current = Some((string, colon));
                            expecting_key = false;
                        }
                    }
                    '{' | '[' => depth += 1,
                    '}' if depth == 0 => {
                        finish(&mut current, at);
                        break;
                    }
                    '}' | ']' => depth -= 1,
                    ',' if depth == 0 => {
                        finish(&mut current, at);
                        expecting_key = true;
                    }
                    _ => {}
                }
            }
            members
        }
    }
}

/// The Node properties of a generated program's fixes.
fn check_in_node(oracle: &mut Oracle, source: &str, settings: &Settings) -> Result<(), String> {
    let compiles = oracle.compiles(source);
    if compiles {
        // Every fix, safe or unsafe, gives text that Node compiles.
        if let Ok(outcome) = fix(source, SourceType::JavaScript, settings, true) {
            if let Some(fixed) = outcome.fixed {
                if !oracle.compiles(&fixed) {
                    let error = oracle.ask("parse", &fixed).0;
                    return Err(format!(
                        "node cannot compile the (unsafe) fixed text: {error}\n--- fixed text:\n{fixed}"
                    ));
                }
            }
        }
    }
    if !compiles && !strict() {
        // Known issue "lenient-parse": the engine analyses (and fixes) text that Node rejects, such as
        // `{ let exports; var exports; }`; what the fix does to a module that never loads is not compared.
        return Ok(());
    }
    let Ok(outcome) = fix(source, SourceType::JavaScript, settings, false) else {
        return Ok(()); // reported by check_engine
    };
    let Some(fixed) = outcome.fixed else {
        return Ok(());
    };
    let rules = fixed_rules(source, settings);
    let before = oracle.shape(source);
    let after = oracle.shape(&fixed);
    let restyle_only = rules.iter().all(|rule| matches!(rule, RuleId::MixedExports | RuleId::PreferModuleExports));
    if restyle_only {
        let same = if before.is_error() { before.error_name() == after.error_name() } else { before == after };
        if !same {
            return Err(format!(
                "a safe {rules:?} fix changed what the module exports:\n  before: {}\n  after:  {}\n--- fixed text:\n{fixed}",
                before.0, after.0
            ));
        }
    } else if !before.is_error() {
        let kept = after.members();
        let lost: Vec<String> =
            before.keys().into_iter().filter(|key| !kept.iter().any(|(kept, _)| kept == key)).collect();
        let changed: Vec<String> = before
            .members()
            .into_iter()
            .filter(|(key, value)| !kept.iter().any(|(name, kept)| name == key && serde_like::same_value(value, kept)))
            .map(|(key, _)| key)
            .collect();
        let failure = if after.is_error() {
            format!("a safe {rules:?} repair made the module throw: {}", after.0)
        } else if !lost.is_empty() {
            format!("a safe {rules:?} repair lost exported keys {lost:?}")
        } else if !changed.is_empty() {
            format!("a safe {rules:?} repair changed the values of exported keys {changed:?}")
        } else {
            return Ok(());
        };
        return Err(format!("{failure}:\n  before: {}\n  after:  {}\n--- fixed text:\n{fixed}", before.0, after.0));
    }
    Ok(())
}

fn check_program(oracle: &mut Oracle, program: &Program) -> Result<(), String> {
    let settings = Settings { style: program.style };
    dump(program);
    check_engine(&program.text, SourceType::JavaScript, &settings)?;
    if !matches!(analyze(&program.text, SourceType::JavaScript, &settings), Ok(Analysis::CommonJs(_))) {
        return Ok(());
    }
    check_in_node(oracle, &program.text, &settings)
}

/// With `EXPORTFIX_FUZZ_DUMP=DIR`, every generated program is also written to `DIR/<style>/<n>.js`, for comparing
/// two builds' findings on the same programs (`exportfix check --format json DIR/mixed` with each binary).
fn dump(program: &Program) {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let Some(directory) = std::env::var_os("EXPORTFIX_FUZZ_DUMP") else { return };
    let style = match program.style {
        Style::Mixed => "mixed",
        Style::ModuleExports => "module-exports",
    };
    let directory = std::path::Path::new(&directory).join(style);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if std::fs::create_dir_all(&directory).is_ok() {
        let _ = std::fs::write(directory.join(format!("{n}.js")), &program.text);
    }
}

thread_local! {
    /// Set by `known_issues`, which checks its inputs without the exemptions.
    static STRICT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn strict() -> bool {
    STRICT.with(|strict| strict.get()) || std::env::var_os("EXPORTFIX_FUZZ_STRICT").is_some()
}

fn check_any_text(text: &str) -> Result<(), String> {
    for source_type in SOURCE_TYPES {
        for style in [Style::Mixed, Style::ModuleExports] {
            check_engine(text, source_type, &Settings { style })
                .map_err(|error| format!("as {source_type:?}, style {style:?}: {error}"))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// The runner: batches of cases until the case or time budget is spent, on a thread with the CLI's stack size.

struct Budget {
    time: Duration,
    cases: u64,
    /// Keep going after a failure (the long pass) rather than stopping at the first.
    keep_going: bool,
}

fn budget(default_seconds: u64, default_cases: u64) -> Budget {
    match std::env::var("EXPORTFIX_FUZZ_SECONDS").ok().and_then(|value| value.parse::<u64>().ok()) {
        Some(seconds) => Budget { time: Duration::from_secs(seconds), cases: u64::MAX, keep_going: true },
        None => Budget { time: Duration::from_secs(default_seconds), cases: default_cases, keep_going: false },
    }
}

fn seed() -> [u8; 32] {
    if let Ok(hex) = std::env::var("EXPORTFIX_FUZZ_SEED") {
        let bytes: Vec<u8> =
            (0..hex.len()).step_by(2).filter_map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
        let mut seed = [0; 32];
        for (slot, byte) in seed.iter_mut().zip(bytes) {
            *slot = byte;
        }
        return seed;
    }
    if std::env::var_os("EXPORTFIX_FUZZ_SECONDS").is_none() {
        // The bounded pass (CI) is reproducible: the same cases every run. The long pass explores.
        return [0x5e; 32];
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let mut seed = [0; 32];
    for (i, slot) in seed.iter_mut().enumerate() {
        *slot = (nanos >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(151) ^ std::process::id() as u8;
    }
    seed
}

fn fuzz<S>(
    name: &str,
    strategy: impl FnOnce() -> S + Send + 'static,
    budget: Budget,
    check: impl Fn(&S::Value) -> Result<(), String> + Send + 'static,
) where
    S: Strategy + 'static,
    S::Value: std::fmt::Debug,
{
    let name = name.to_string();
    let thread = std::thread::Builder::new().stack_size(256 << 20).spawn(move || {
        let strategy = strategy();
        let seed = seed();
        let hex: String = seed.iter().map(|byte| format!("{byte:02x}")).collect();
        eprintln!("[{name}] seed {hex} (replay with EXPORTFIX_FUZZ_SEED={hex})");
        let config = Config { cases: 32, failure_persistence: None, max_shrink_iters: 2048, ..Config::default() };
        let mut runner = TestRunner::new_with_rng(config.clone(), TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let start = Instant::now();
        let mut cases = 0u64;
        let mut failures: Vec<String> = Vec::new();
        let (mut seen, mut repeated): (Vec<String>, u64) = (Vec::new(), 0);
        // Shrinking re-runs failing inputs many times: keep their panic messages out of the log.
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        while start.elapsed() < budget.time && cases < budget.cases {
            // A runner counts its successes for good: each batch gets a fresh one, seeded from the master.
            let mut batch = TestRunner::new_with_rng(config.clone(), runner.new_rng());
            let result = batch.run(&strategy, |input| check(&input).map_err(TestCaseError::fail));
            cases += 32;
            match result {
                Ok(()) => {}
                Err(TestError::Fail(reason, input)) => {
                    let minimal = format!("{input:?}");
                    if seen.contains(&minimal) {
                        // The same shrunk input again: counted, not listed twice.
                        repeated += 1;
                        continue;
                    }
                    let report = format!("{reason}\nminimal input: {minimal}");
                    eprintln!("[{name}] FAILURE after {cases} cases:\n{report}\n");
                    save_failure(&name, failures.len(), &report);
                    failures.push(report);
                    seen.push(minimal);
                    if !budget.keep_going || failures.len() >= 300 {
                        break;
                    }
                }
                Err(TestError::Abort(reason)) => panic!("[{name}] aborted: {reason}"),
            }
        }
        std::panic::set_hook(default_hook);
        eprintln!(
            "[{name}] {cases} cases in {:.1} s, {} failures ({repeated} more shrank to an input already listed)",
            start.elapsed().as_secs_f64(),
            failures.len()
        );
        assert!(failures.is_empty(), "[{name}] {} failures:\n\n{}", failures.len(), failures.join("\n\n"));
    });
    thread.unwrap().join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

fn save_failure(name: &str, index: usize, report: &str) {
    let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
    if std::fs::create_dir_all(&directory).is_ok() {
        let _ = std::fs::write(directory.join(format!("{name}-{}-{index}.txt", std::process::id())), report);
    }
}

#[test]
fn generated_programs() {
    fuzz("generated", program, budget(40, 15000), move |program: &Program| {
        thread_local!(static ORACLE: RefCell<Option<Oracle>> = const { RefCell::new(None) });
        ORACLE.with(|oracle| {
            let mut oracle = oracle.borrow_mut();
            let oracle = oracle.get_or_insert_with(Oracle::start);
            check_program(oracle, program)
        })
    });
}

#[test]
fn arbitrary_bytes() {
    let bytes = || prop::collection::vec(any::<u8>(), 0..400);
    fuzz("bytes", bytes, budget(10, 8000), |bytes: &Vec<u8>| check_any_text(&String::from_utf8_lossy(bytes)));
}

#[test]
fn arbitrary_strings_and_token_soup() {
    let text = || prop_oneof![any::<String>(), token_soup()];
    fuzz("soup", text, budget(15, 10000), |text: &String| check_any_text(text));
}

// ---------------------------------------------------------------------------------------------------------------
// Regressions: every failure the fuzzers found, shrunk, with the property it broke.

/// Generated programs that once broke a property, shrunk by proptest (all fixed in the engine since; each runs
/// through `check_program` in both styles). The rule and the property each one broke:
const REGRESSIONS: &[(&str, &str)] = &[
    (
        // prefer-module-exports/mixed-exports put `module.` before a free `exports` inside a function whose
        // `module` parameter is not the module: the write went to the argument and the export was lost.
        "module-shadowed-at-the-rewrite",
        "(function (module) {\nexports.a = 1;\n})({ exports: {} });\n",
    ),
    (
        // prefer-module-exports: `var exports;` before a line starting with `/` (a comment) could not be deleted
        // and fell back to `var module.exports;`, a syntax error in Node that the engine's re-parse accepted.
        "var-exports-prefixed",
        "x\nvar exports;\n// c\n",
    ),
    (
        // mixed-exports: deleting `var exports = module.exports;` deleted the HTML-like comment line before it.
        "html-comment-deleted",
        "\n<!-- c\nvar exports = module.exports;\nexports.a = 1;\nmodule.exports.b = 2;\n",
    ),
    (
        // exports-reassign: `var exports` after `-->` replaced together with the comment.
        "html-close-comment-replaced",
        "\n--> c\nvar exports = 1;\n",
    ),
    (
        // The same span: the fix was refused with "the fixed text would not parse".
        "html-comment-unverified",
        "\n<!-- c\nvar exports = module.exports = function () {};\nexports.a = 1;\n",
    ),
    (
        // exports-reassign, safe fix `module.exports = 1` lost `a`, exported through the alias.
        "alias-writes-lost-by-repair",
        "var e = exports; e.a = 1;\nexports = 1;\n",
    ),
    (
        // The same through `this`, the exports object at the top level.
        "this-writes-lost-by-repair",
        "this.a = 1;\nexports = 1;\n",
    ),
    (
        // ASI: `exports = this[exports] = [1]`.
        "this-asi-repair",
        "exports = this\n[exports] = [1];\n",
    ),
    (
        // lost-export rescued `delete exports.a` to `delete module.exports.a`, which removed the export `a`.
        "delete-rescued",
        "module.exports = { a: 1 };\ndelete exports.a;\n",
    ),
    (
        // lost-export: `require('./lib').a` may be undefined; the rescued write then throws.
        "rescue-onto-unknown-member",
        "module.exports = require('./lib').a;\nexports.a = function () {};\n",
    ),
    (
        // exports-reassign + lost-export: `helper` writes `exports.a` and runs before `exports = X`; the repair lost `a`.
        "deferred-write-before-reassign",
        "function helper() {\nexports.a = function () {};\n}\nhelper();\nexports = function () {};\n",
    ),
    (
        // exports-reassign: `module.exports = module.exports.a` exports undefined and the next line throws.
        "reassign-from-own-property",
        "exports = exports.a;\nmodule.exports.a = 1;\n",
    ),
    (
        // mixed-exports: `module.exports = exports = function () {}` names the function `exports`; the fix left it
        // nameless.
        "function-name-inferred-from-exports",
        "module.exports = exports = function () {};\nexports.a = 1;\n",
    ),
    (
        // The same, one level down.
        "function-name-inferred-in-iife",
        "(function () {\nmodule.exports = exports = function () {};\n})();\n",
    ),
    (
        // swc's lexer failed a debug assertion (and reported a false syntax error in release builds) on a regular
        // expression at the start of the line after an HTML-like comment.
        "html-comment-then-regexp",
        "<!--\n/re/g\n",
    ),
    (
        // swc's JSX parser panicked (`unreachable!`) on this text, tried in the JSX fallback.
        "jsx-namespaced-member-panic",
        "<with:Object.defineProperty",
    ),
    (
        // exports-reassign, safe fix inside a function: `module.exports = this` is undefined in strict mode, and
        // the next `module.exports.a = 1` throws.
        "repair-onto-strict-this",
        "'use strict';\n(function () {\nexports = this;\n})();\nfor (var i = 0; i < 2; i++) {\nmodule.exports.a = 1;\n}\n",
    ),
    (
        // lost-export, safe fix: a getter-only `a` defined on the old exports object and a plain write of `a`
        // land on one object after the repair, and the write throws.
        "define-property-then-assign",
        "module.exports = { a: 1 };\nObject.defineProperty(exports, \"a\", { enumerable: true, get: function () { return 1; } });\nObject.assign(module.exports, { a: 1 });\n",
    ),
    (
        // lost-export, safe fix: the repair also rewrites the read `exports.a` to `module.exports.a`, which now
        // reads from `null` and throws (the original read the first exports object: undefined).
        "repair-rewrites-reads",
        "module.exports = null;\nmodule.exports = { a: exports.a };\nexports.a = 1;\n",
    ),
    (
        // The same in control flow: after the fix `if (module.exports.a) return;` returns early and `parse` is
        // no longer exported.
        "repair-rewrites-reads",
        "module.exports = { a: 1 };\nexports.b = require(\"dep\").b;\nif (exports.a) return;\nObject.defineProperty(module.exports, \"parse\", { enumerable: true, value: 1 });\n",
    ),
    (
        // lost-export, safe fix: in strict mode `this` in a plain call is undefined, so `module.exports` is
        // undefined and the rescued `module.exports.a = 1` throws.
        "repair-onto-strict-this",
        "'use strict';\n(function (exports) {\nmodule.exports = this;\n})({});\nif (true) Math.max(1, 2) > 1 && (exports.a = 1);\n",
    ),
    (
        // exports-reassign + lost-export, safe fix: `Object.assign(exports, { ä: 1 })` went to the rebound local;
        // after the repair it writes the non-writable `ä` defined on `module.exports`, and throws.
        "define-property-then-assign",
        "exports = function () {};\nObject.defineProperty(module.exports, \"ä\", { enumerable: true, value: 1 });\nObject.assign(exports, { ä: 1 });\n",
    ),
    (
        // exports-reassign, safe fix: `delete exports._y` deleted from the rebound local; after the repair it
        // deletes the exported `_y`.
        "delete-follows-repair",
        "exports = function () {};\nmodule.exports._y = 1;\ndelete exports._y;\n",
    ),
    (
        // mixed-exports, safe fix: in the block, `exports` is the block's own function `exports` (Annex B does
        // not hoist it over the wrapper's parameter), so the original exports only `b`; the fix's
        // `module.exports.a = 1` adds `a`.
        "block-function-named-exports",
        "{\nexports.a = 1;\nfunction exports() {}\n}\nmodule.exports.b = 2;\n",
    ),
    (
        // exports-reassign, safe fix: the second `Object.defineProperty` of `a` was lost on the rebound local
        // `exports`; the repair makes both land on `module.exports`, and the second throws "Cannot redefine
        // property: a".
        "define-property-twice",
        "exports = function () {};\nObject.defineProperty(module.exports, \"a\", { enumerable: true, value: 1 });\nObject.defineProperty(exports, \"a\", { enumerable: true, value: 2 });\n",
    ),
    (
        // Long run 1 (engine 8390ff4): shrunk failure, fixed by c1f8ab2.
        "long-run-1-case02",
        "module.exports = null;\nvar held = exports.a;\nmodule.exports = function () {};\nexports.a = 1;\n",
    ),
    (
        // Long run 1 (engine 8390ff4): shrunk failure, fixed by c1f8ab2.
        "long-run-1-case04",
        "module.exports = null;\nmodule.exports = { a: exports.a };\nexports.a = require(\"dep\").a;\n",
    ),
    (
        // Long run 1 (engine 8390ff4): shrunk failure, fixed by c1f8ab2.
        "long-run-1-case07",
        "'use strict';\nmodule.exports = { a: 1 };\nexports.a = function () {};\nObject.defineProperty(module.exports, \"$x\", { enumerable: true, value: 1 });\nexports.$x = function () {};\n",
    ),
    (
        // Long run 1 (engine 8390ff4): shrunk failure, fixed by c1f8ab2.
        "long-run-1-case08",
        "module.exports = { a: 1 };\nObject.defineProperty(exports, \"_y\", { enumerable: true, get: function () { return 1; } });\nObject.assign(module.exports, { _y: 1 });\n",
    ),
    (
        // Long run 1 (engine 8390ff4): shrunk failure, fixed by c1f8ab2.
        "long-run-1-case10",
        "module.exports = null;\nmodule.exports = { a: exports.a };\nexports.a = function () {};\n",
    ),
    (
        // Long run 1 (engine 8390ff4): shrunk failure, fixed by c1f8ab2.
        "long-run-1-case13",
        "'use strict';\nexports = function () {};\nObject.defineProperty(module.exports, \"parse\", { enumerable: true, value: 1 });\nexports.parse = function () {};\nexports.a = 1;\n",
    ),
    (
        // Long run 1 (engine 8390ff4): shrunk failure, fixed by c1f8ab2.
        "long-run-1-case16",
        "'use strict';\n(function () {\nmodule.exports = this;\n})();\n(function () {\nObject.defineProperty(exports, \"a\", { enumerable: true, get: function () { return 1; } });\n})();\n",
    ),
    (
        // Long run 1 (engine 8390ff4): shrunk failure, fixed by c1f8ab2.
        "long-run-1-case17",
        "'use strict';\nmodule.exports = { a: 1 };\nObject.defineProperty(module.exports, \"$x\", { enumerable: true, value: 1 });\nexports.a = function () {};\nexports.$x = 1;\n",
    ),
    (
        // Long run 1 (engine 8390ff4): shrunk failure, fixed by c1f8ab2.
        "long-run-1-case18",
        "module.exports = require(\"dep\");\nif (exports.a) return;\nmodule.exports = { a: 1 };\nexports.a = 1;\n",
    ),
    (
        // Soup: the deletion of a `var exports;` statement takes the comments inside it (the fuzz check once
        // rejected that; the engine is right).
        "statement-deletion-with-comments",
        "var//\nexports;",
    ),
    (
        // Soup: an HTML-like comment ended by U+2028 inside the deleted declaration.
        "statement-deletion-with-html-comment",
        "var<!--\u{2028}exports",
    ),
    (
        // A second form, from long run 3.
        "repair-changes-later-reads",
        "module.exports = { dflt: 1 };\nexports.b = \"str\";\nmodule.exports.b || (module.exports.parse = 1);\n",
    ),
    (
        // --unsafe: the fix is refused as an internal error ("the fixed text would not parse"): collapsing the
        // last reassignment leaves an object literal at the start of a statement, where it is a block.
        "unsafe-fix-deletes-into-a-block",
        "exports = 1;\nexports = module.exports = 1;\nreturn;\nexports = { k: 1, 'ü': 2 };\n",
    ),
    (
        // Also with a safe fix (long run 3): deleting `exports = ` before `class {}` leaves a class declaration
        // without a name; the fix is refused as an internal error.
        "unsafe-fix-deletes-into-a-block",
        "try {\nfor (var i = 0; i < 2; i++) {\nreturn;\nexports = class {};\n}\nif (true) {\nexports = 1;\n}\n} catch {\n\n} finally {\n\n}\n",
    ),
    (
        // The same with a function expression, which becomes a function declaration without a name.
        "unsafe-fix-deletes-into-a-block",
        "exports = 1;\nexports = module.exports = 1;\nreturn;\nexports = function () {};\n",
    ),
    (
        // lost-export, safe fix: once `b` is rescued onto `module.exports`, `module.exports.b || (...)` no
        // longer sets `parse`, which the original exported.
        "repair-changes-later-reads",
        "module.exports = { dflt: 1 };\nexports.b = function () {};\nmodule.exports.b || (module.exports.parse = 1);\n",
    ),
    (
        // The same leniency: `var\nexports?` (and `var\nexports?exports`, `var\nexports\``) is a syntax error in
        // Node, but the engine analyses it and, with --style module-exports, deletes it whole.
        "lenient-parse",
        "var\nexports?",
    ),
    (
        "static-block-module",
        // prefer-module-exports, safe fix: a class static block is a var scope, so its `var module` shadows the
        // wrapper's; `exports.a` there is the module's, `module.exports.a` the local object's, and `a` is lost.
        "class Init {\nstatic {\nvar module = { exports: {} };\nexports.a = 1;\n}\n}\n",
    ),
    (
        "reassign-onto-unwritable",
        // exports-reassign, safe fix: the later `module.exports.name = 1` now writes a function's read-only `name`
        // (also `length`; also classes and an unknown `require` result): strict mode throws, sloppy loses `name`.
        "'use strict';\nexports = function () {};\nmodule.exports.name = 1;\n",
    ),
    (
        "reassign-onto-unwritable",
        // exports-reassign, safe fix: `mk()` returns a primitive, so the later `module.exports.a = 1` lands on a
        // number and `a` is lost (strict mode throws).
        "var mk = function () { return 5; };\nexports = mk();\nmodule.exports.a = 1;\n",
    ),
    (
        "reassign-onto-unwritable",
        // exports-reassign, safe fix: the later `module.exports.a = 0` meets the new object's getter-only `a`, and
        // the exported `a` changes from 0 to 1 (strict mode throws).
        "exports = { get a() { return 1; } };\nmodule.exports.a = 0;\n",
    ),
    (
        "reassign-onto-unwritable",
        // The same with an array (long run 4): `length: 1` now sets the array's length, which is not an
        // enumerable key, so `length` is no longer among the exported keys.
        "exports = [];\nObject.assign(module.exports, { length: 1 });\n",
    ),
    (
        "reassign-onto-unwritable",
        // And (long run 5) a length that is no array length: the repaired module throws a RangeError.
        "exports = [];\nmodule.exports.length = \"str\";\n",
    ),
    (
        "repair-revives-write",
        // exports-reassign, safe fix: the lost `exports.a = 0` (to the rebound local) lands on `module.exports`
        // after the repair, after `module.exports.a = 1`, and the exported `a` changes from 1 to 0.
        "exports = {};\nmodule.exports.a = 1;\nexports.a = 0;\n",
    ),
    (
        "repair-revives-write",
        // lost-export, safe fix: rescuing `exports.b = 2` overwrites the exported `b` (1 becomes 2). With `b`
        // alone (no `exports.a = 3`) the engine offers no safe fix.
        "module.exports = {};\nmodule.exports.b = 1;\nexports.b = 2;\nexports.a = 3;\n",
    ),
    (
        "rescue-drops-shared-write",
        // lost-export, safe fix: `exports` still holds `require('dep')` (Node's module cache answers the same
        // object twice), which stays exported as `parse`; the lost `exports.a = 1` did write to it, and the rescue
        // moves the write onto the new exports: `parse` loses its `a`. Also with `var lib = require('./lib').a`
        // in both places; not with `{ parse: exports }`.
        "exports = module.exports = require('dep');\nmodule.exports = { parse: require('dep') };\nexports.a = 1;\n",
    ),
    (
        "deletions-join-statements",
        // mixed-exports, safe fix (long run 4): deleting both `var exports = module.exports;` lines joins the
        // unterminated directive to the next line: `"use strict"\n(0, module.exports).a = 1` calls the string
        // and throws (and is no longer a directive). With one such line the fix is right.
        "\"use strict\"\nvar exports = module.exports;\nvar exports = module.exports;\n(0, exports).a = 1;\n",
    ),
    (
        "deletions-join-statements",
        // The same after any statement without a semicolon: `var x = 1\n(0, module.exports).a = 1` calls 1.
        "var x = 1\nvar exports = module.exports;\nvar exports = module.exports;\n(0, exports).a = 1;\n",
    ),
    (
        "deletions-join-statements",
        // The same with the other linking statements (long run 6): both are deleted.
        "\"use strict\"\nmodule.exports = exports;\nexports = module.exports;\n(0, exports).a = 1;\n",
    ),
    (
        "deletion-splits-statement",
        // mixed-exports, safe fix (long run 4): without a semicolon, `exports = {}` continues on the next line as
        // a call (`{}(0, exports)`, which throws); deleting `exports = ` leaves `{}` a block, the call becomes a
        // statement of its own, and the module that threw now loads.
        "exports = {}\n(0, exports).a = module.exports;\nexports.a = 1;\n",
    ),
    (
        "deletion-splits-statement",
        // The same with `var exports = ` (long run 6): its initialiser `{ … }(0, exports).a = module.exports` ends
        // in `= module.exports`, so the declaration is deleted as a linking idiom.
        "var exports = { exports: 1 }\n(0, exports).a = module.exports;\n",
    ),
    (
        "deletion-refused",
        // exports-reassign, safe fix (long run 4): the same continuation after `exports = function () {}`; the
        // fix deletes `exports = `, its re-parse fails (a function declaration needs a name) and the fix is
        // refused as an internal error ("the fixed text would not parse").
        "exports = function () {}\n(0, exports).a = module.exports;\nexports = module.exports = 1;\n",
    ),
    (
        "rescue-onto-conditional-binding",
        // lost-export, safe fix (a 400 s strict run): `frozen` is only assigned under `if (false)`, so
        // `module.exports` is undefined and the rescued `module.exports.a = 1` throws. Also with
        // `var klass = class A {}`; not with `var klass; if (false) klass = …`.
        "if (false) var frozen = {};\nmodule.exports = frozen;\nexports.a = 1;\n",
    ),
    (
        "lenient-parse",
        // The engine analyses and fixes text Node rejects: this block declares `exports` twice (a SyntaxError in
        // Node), and mixed-exports deletes the `var` line, giving a file that loads.
        "{\nlet exports = {};\nvar exports = module.exports;\nexports.a = 1;\nmodule.exports.b = 2;\n}\n",
    ),
    (
        "repair-revives-write",
        // The same signature (a changed key on a rewritten line), from a read (a 400 s strict run): the
        // repair turns `exports.a`, a read of the function (undefined), into `module.exports.a`, 1.
        "exports = function () {};\nmodule.exports.a = 1;\nmodule.exports.a = exports.a;\n",
    ),
    (
        "merge-onto-this",
        // lost-export, safe fix (the final long run): `this` at the top is the exports object, so once the merge
        // makes that object the export, `this.b = 1` replaced the literal's `b`.
        "exports.parse = 1;\nmodule.exports = { b: class A {} };\nthis.b = 1;\n",
    ),
    (
        "move-joins-statements",
        // lost-export, unsafe fix (the final long run): moving `exports.a = …;` out left the line without a
        // semicolon before it followed by `(0, exports)…`, one call; the fixed text did not parse.
        "true || (module.exports.a = 1)\nexports.a = function () {};\n(0, exports).a = 1;\nmodule.exports = { get a() { return 1; } };\n",
    ),
    (
        "rescue-onto-export-written-under-another-name",
        // lost-export, safe fix (a final long run): the exported object is held by a local `let exports`, written
        // through it (`exports._y = 1`), so the rescued `_y` replaced that one. A write through a followed binding
        // whose object is the export in the end now counts as an alias, like `this.x`.
        "(function () {\n(function () {\n{\nlet exports = {};\nif (true) {\nmodule.exports = exports;\n} else {\nmodule.exports = exports;\n}\nexports._y = 1;\n}\nObject.assign(exports, { _y: 0, b: 1 });\n})();\n})();\n",
    ),
    (
        "function-prototype-not-enumerable",
        // exports-reassign, safe fix (a final long run): `module.exports.prototype = 1` lands on the function's own
        // non-enumerable `prototype`, so `prototype` was no longer an exported key.
        "exports = function () {};\nmodule.exports.prototype = 1;\n",
    ),
    (
        "getter-reads-itself",
        // lost-export, safe fix (the final 1800 s run): a getter defined on the export reads `exports.a`, the
        // initial object's `a`; rewritten to `module.exports.a` it reads itself and recurses when read. A deferred
        // read rewritten by a repair is now clean only when the export can have no getter.
        "function named(a) {}\nmodule.exports = named;\nexports.b = 1;\nObject.defineProperty(module.exports, \"a\", { get() { return exports.a; }, enumerable: true });\n",
    ),
    (
        "deferred-write-onto-call-result",
        // exports-reassign, safe fix (the next 1800 s run): a static block run later defines `a` on
        // `module.exports`, which the repair makes a call's result (5): retargeted writes that run later are now
        // judged like the others, in every state they may run in.
        "function inner() {\nexports = (function mk() { return 5; })();\nclass Init {\nstatic {\nvar exports = {};\nObject.defineProperty(module.exports, \"a\", { get() { return 1; } });\n}\n}\n}\nfunction outer() {\ninner();\n}\nouter();\n",
    ),
    (
        "getter-returns-the-export",
        // exports-reassign, safe fix (the same run): a getter returning `this` gives the export itself, which the
        // repair means to change; the oracle now describes such a member as the export itself.
        "exports = function () {};\nObject.defineProperty(module.exports, \"a\", { get() { return this; }, enumerable: true });\n",
    ),
    (
        "literal-getter-reads-exports",
        "module.exports = { get a() { return exports.c; }, c: 3 };\nexports.b = 1;\n",
    ),
    (
        "class-getter-reads-exports",
        "module.exports = class { static get a() { return exports.c; } static c = 3; };\nexports.b = 1;\n",
    ),
];

/// Failures found by the fuzzer that stay, by decision: `known_issues` reports whether each still fails. The
/// generator leaves their families out (see the comment at each), so the fuzz runs do not meet them. Text Node
/// rejects (`{ let exports = {}; var exports; }`, the old "lenient-parse" family) is checked only for compiling
/// after a fix unless `EXPORTFIX_FUZZ_STRICT=1` (see `check_in_node`).
const KNOWN_ISSUES: &[(&str, &str)] = &[(
    "function-source-observed",
    // mixed-exports, safe fix: the template literal stringifies a function whose source the fix rewrites
    // (`return exports` becomes `return module.exports`), so the exported string `ñ` changes. Inherent to any
    // source rewrite; listed so it is a decision, not a surprise.
    "exports.a = function () { return exports; };\nexports.ñ = `tpl ${exports.a}`;\nmodule.exports.a = 1;\n",
)];

#[test]
fn regressions() {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            let mut oracle = Oracle::start();
            for (name, source) in REGRESSIONS {
                for style in [Style::Mixed, Style::ModuleExports] {
                    let program = Program { text: source.to_string(), style };
                    if let Err(error) = check_program(&mut oracle, &program) {
                        panic!("regression {name} {source:?} ({style:?}): {error}");
                    }
                }
                check_any_text(source).unwrap_or_else(|error| panic!("regression {name} {source:?}: {error}"));
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

/// `EXPORTFIX_FUZZ_REPLAY=DIR`: runs every file in DIR through the generated-program checks (both styles), to
/// re-check the minimal inputs of an earlier run against a changed engine.
#[test]
fn replay_directory() {
    let Some(directory) = std::env::var_os("EXPORTFIX_FUZZ_REPLAY") else {
        return;
    };
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut oracle = Oracle::start();
            let mut failures = Vec::new();
            let mut paths: Vec<_> = std::fs::read_dir(directory).unwrap().map(|entry| entry.unwrap().path()).collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                for style in [Style::Mixed, Style::ModuleExports] {
                    let program = Program { text: text.clone(), style };
                    match check_program(&mut oracle, &program) {
                        Ok(()) => eprintln!("{}: {style:?}: ok", path.display()),
                        Err(error) => failures.push(format!("{}: {style:?}: {error}", path.display())),
                    }
                }
            }
            assert!(failures.is_empty(), "{}", failures.join("\n\n"));
        })
        .unwrap()
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

#[test]
fn known_issues() {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            STRICT.with(|strict| strict.set(true));
            let mut oracle = Oracle::start();
            for (issue, source) in KNOWN_ISSUES {
                let failing = [Style::Mixed, Style::ModuleExports].into_iter().find_map(|style| {
                    let program = Program { text: source.to_string(), style };
                    let settings = Settings { style };
                    check_engine(source, SourceType::JavaScript, &settings)
                        .and_then(|()| check_in_node(&mut oracle, &program.text, &settings))
                        .err()
                });
                match failing {
                    Some(error) => eprintln!("known issue {issue} still fails: {error}"),
                    None => eprintln!("known issue {issue} is FIXED: move it to REGRESSIONS"),
                }
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn the_generator_makes_programs_that_parse_and_get_fixed() {
    // Guards the generator itself: most programs must parse, and many must need a fix, or the fuzzing is idle.
    let (mut parsed, mut fixed) = (0, 0);
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn_scoped(scope, || {
                let mut runner =
                    TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
                let strategy = program();
                for _ in 0..300 {
                    let program = strategy.new_tree(&mut runner).unwrap().current();
                    let settings = Settings { style: program.style };
                    if let Ok(outcome) = fix(&program.text, SourceType::JavaScript, &settings, false) {
                        parsed += 1;
                        fixed += usize::from(outcome.fixed.is_some());
                    }
                }
            })
            .unwrap();
    });
    eprintln!("{parsed} of 300 generated programs parse, {fixed} get a safe fix");
    assert!(parsed > 200, "only {parsed} of 300 generated programs parse");
    assert!(fixed > 30, "only {fixed} of 300 generated programs get a safe fix");
}
