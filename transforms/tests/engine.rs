//! The engine on the inputs that trip parsers and offset arithmetic: BOM, shebang, CRLF, HTML-like comments,
//! sloppy-mode scripts, TypeScript, ES modules and syntax errors.

use exportfix_transforms::{analyze, fix, Analysis, AnalysisError, FixError, Settings, SourceType};

fn fixed(source: &str, source_type: SourceType) -> Option<String> {
    fix(source, source_type, &Settings::default(), false).expect("fixes").fixed
}

fn rules(source: &str, source_type: SourceType) -> Vec<&'static str> {
    analyze(source, source_type, &Settings::default())
        .expect("parses")
        .findings()
        .iter()
        .map(|finding| finding.rule.as_str())
        .collect()
}

#[test]
fn byte_order_mark_is_kept_and_offsets_account_for_it() {
    let source = "\u{feff}// lib\r\nexports = function () {};\r\n";
    assert_eq!(
        fixed(source, SourceType::JavaScript).as_deref(),
        Some("\u{feff}// lib\r\nmodule.exports = function () {};\r\n")
    );
    let analysis = analyze(source, SourceType::JavaScript, &Settings::default()).unwrap();
    assert_eq!((analysis.findings()[0].line, analysis.findings()[0].column), (2, 1));
}

#[test]
fn shebang_and_crlf_survive() {
    let source = "#!/usr/bin/env node\r\n'use strict';\r\nexports.a = 1;\r\nmodule.exports.b = 2;\r\n";
    assert_eq!(
        fixed(source, SourceType::JavaScript).as_deref(),
        Some("#!/usr/bin/env node\r\n'use strict';\r\nmodule.exports.a = 1;\r\nmodule.exports.b = 2;\r\n")
    );
}

#[test]
fn html_like_comments_do_not_shift_edits() {
    let source = "<!-- legacy\nexports = { n: 1 };\n--> trailing\nexports.b = 3;\n";
    assert_eq!(
        fixed(source, SourceType::JavaScript).as_deref(),
        Some("<!-- legacy\nmodule.exports = { n: 1 };\n--> trailing\nmodule.exports.b = 3;\n")
    );
}

#[test]
fn sloppy_mode_scripts_parse() {
    for source in [
        "var mode = 0755;\nexports.mode = mode;\n",
        "with (Math) { exports.pi = PI; }\n",
        "if (done) return;\nexports.a = 1;\n",
        "var yield = 1, let_ = 2;\nexports.y = yield;\n",
        "function f() { arguments.callee; }\nexports.f = f;\n",
    ] {
        assert!(analyze(source, SourceType::JavaScript, &Settings::default()).is_ok(), "{source}");
    }
}

#[test]
fn top_level_return_ends_the_module() {
    // Every path that runs the write goes on to the reassignment: the write is lost, and nothing can rescue it.
    assert_eq!(
        rules("if (process.env.X) return;\nexports.a = 1;\nmodule.exports = F;\n", SourceType::JavaScript),
        vec!["lost-export"]
    );
    // On the path where `return` runs, the write is exported: it is not surely lost.
    assert!(rules("exports.a = 1;\nif (old) { module.exports = F; return; }\n", SourceType::JavaScript).is_empty());
    assert_eq!(
        rules("exports.a = 1;\nmodule.exports = F;\nif (x) return;\n", SourceType::JavaScript),
        vec!["lost-export"]
    );
}

#[test]
fn es_modules_are_skipped() {
    let analysis = analyze("import x from 'y';\nexports = x;\n", SourceType::JavaScript, &Settings::default()).unwrap();
    assert_eq!(analysis, Analysis::EsModule);
    let analysis = analyze("export const a = 1;\n", SourceType::TypeScript, &Settings::default()).unwrap();
    assert_eq!(analysis, Analysis::EsModule);
    // Flow-typed ES module source: not valid as a module either, but Node's module detection (and so
    // `node --check`) takes it for an ES module, never for a broken CommonJS file.
    let flow = "import { write } from 'ieee754';\nexport function encode(v: number): Array<number> { return []; }\n";
    assert_eq!(analyze(flow, SourceType::JavaScript, &Settings::default()).unwrap(), Analysis::EsModule);
}

#[test]
fn typescript_and_jsx_parse() {
    assert_eq!(
        fixed("const x: number = 1;\nexports = x as unknown;\n", SourceType::TypeScript).as_deref(),
        Some("const x: number = 1;\nmodule.exports = x as unknown;\n")
    );
    assert_eq!(
        fixed("const el = <div/>;\nexports = el;\n", SourceType::JavaScript).as_deref(),
        Some("const el = <div/>;\nmodule.exports = el;\n")
    );
    assert_eq!(
        fixed("const el = <div/>;\nexports = el;\n", SourceType::Tsx).as_deref(),
        Some("const el = <div/>;\nmodule.exports = el;\n")
    );
}

#[test]
fn syntax_errors_are_located() {
    let Err(AnalysisError::Syntax(error)) =
        analyze("exports.a = 1;\nvar = ;\n", SourceType::JavaScript, &Settings::default())
    else {
        panic!("a syntax error")
    };
    assert_eq!(error.line, 2);
    assert!(error.column >= 4, "{error}");
    match fix("\u{feff}\nfoo(;\n", SourceType::JavaScript, &Settings::default(), false) {
        Err(FixError::Syntax(error)) => assert_eq!((error.line, error.column), (2, 5)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bundles_and_wrappers_with_their_own_exports_are_untouched() {
    let webpack = "(function (modules) { modules[0].call(null, {}, {}, function () {}); })([\n  function (module, exports, __webpack_require__) {\n    exports = module.exports = {};\n    exports.a = 1;\n    module.exports = F;\n  }\n]);\n";
    assert!(rules(webpack, SourceType::JavaScript).is_empty());
    let umd = "(function (root, factory) {\n  if (typeof define === 'function' && define.amd) define(['exports'], factory);\n  else if (typeof exports === 'object' && typeof module !== 'undefined') factory(exports);\n  else factory((root.lib = {}));\n})(this, function (exports) {\n  exports = {};\n  exports.a = 1;\n});\n";
    assert!(rules(umd, SourceType::JavaScript).is_empty());
}

#[test]
fn coffeescript_wrapper_runs_in_place() {
    let source =
        "(function () {\n  var Foo = function () {};\n  module.exports = Foo;\n  exports.helper = 1;\n}).call(this);\n";
    assert_eq!(rules(source, SourceType::JavaScript), vec!["lost-export"]);
}

#[test]
fn deferred_reassignment_makes_nothing_claimed_lost() {
    let source = "exports.a = 1;\nfunction reset() { module.exports = {}; }\nmodule.exports.b = 2;\n";
    assert!(rules(source, SourceType::JavaScript).is_empty());
}

#[test]
fn escaped_module_is_not_analysed_for_lost_exports() {
    let source = "exports.a = 1;\nrequire('./install')(module);\n";
    assert!(rules(source, SourceType::JavaScript).is_empty());
}

#[test]
fn jsx_tag_names_through_exports_leave_the_file_alone() {
    assert!(
        rules("const el = <exports.Button />;\nexports.a = 1;\nmodule.exports.b = 2;\n", SourceType::Jsx).is_empty()
    );
}

#[test]
fn this_in_a_plain_function_wrapper_is_not_the_module() {
    // `this` is the module's exports object only at the top level or through `.call(this)`.
    let plain = "(function () {\n  module.exports = this;\n})();\nexports.a = 1;\n";
    assert!(!rules(plain, SourceType::JavaScript).contains(&"mixed-exports"));
}

#[test]
fn delete_exports_is_never_rewritten_to_delete_module_exports() {
    let outcome = fix(
        "delete exports;\nexports.a = 1;\nmodule.exports.b = 2;\n",
        SourceType::JavaScript,
        &Settings::default(),
        true,
    )
    .expect("fixes");
    assert_eq!(outcome.fixed, None);
}

#[test]
fn the_module_bodys_arguments_can_rebind_exports() {
    assert!(rules("arguments[0] = {};\nexports.a = 1;\nmodule.exports.b = 2;\n", SourceType::JavaScript).is_empty());
    // Inside a wrapper function `arguments` is the wrapper's own.
    assert_eq!(
        rules(
            "(function () { arguments.length; })();\nexports.a = 1;\nmodule.exports.b = 2;\n",
            SourceType::JavaScript
        ),
        vec!["mixed-exports"]
    );
}

/// Inputs the property-based generator (tests/generated.rs) found to break a promise, kept here as plain cases.
#[test]
fn fuzzer_regressions() {
    let settings = Settings::default();
    let prefer = Settings { style: exportfix_transforms::Style::ModuleExports };
    let fixed_with = |source: &str, settings: &Settings, include_unsafe: bool| {
        fix(source, SourceType::JavaScript, settings, include_unsafe).expect("fixes").fixed
    };
    // `module` is the wrapper's parameter here: `module.exports` would be the argument's.
    assert_eq!(fixed_with("(function (module) {\nexports.a = 1;\n})({ exports: {} });\n", &prefer, true), None);
    // `var module.exports;` is not JavaScript.
    assert_eq!(fixed_with("x\nvar exports;\n// c\n", &prefer, true), None);
    // The HTML-like comment before the deleted statement stays.
    assert_eq!(
        fixed_with(
            "\n<!-- c\nvar exports = module.exports;\nexports.a = 1;\nmodule.exports.b = 2;\n",
            &settings,
            false
        )
        .as_deref(),
        Some("\n<!-- c\nmodule.exports.a = 1;\nmodule.exports.b = 2;\n")
    );
    // Writes through an alias (or `this`) are invisible: repairing would lose them.
    for source in ["var e = exports; e.a = 1;\nexports = 1;\n", "this.a = 1;\nexports = 1;\n"] {
        assert_eq!(fixed_with(source, &settings, false), None, "{source}");
    }
    // Deleting from the abandoned object does nothing; "rescued", it would remove an export.
    assert_eq!(fixed_with("module.exports = { a: 1 };\ndelete exports.a;\n", &settings, true), None);
    // `exports = function () {}` names the function "exports"; `module.exports = function () {}` would not.
    assert_eq!(fixed_with("module.exports = exports = function () {};\nexports.a = 1;\n", &settings, false), None);
    // A property read may be `undefined`: writing to it after the repair would throw.
    assert_eq!(fixed_with("exports = exports.a;\nmodule.exports.a = 1;\n", &settings, false), None);
    // A read while the module loads must see what it saw: here it would read from `null` and throw.
    assert_eq!(
        fixed_with("module.exports = null;\nmodule.exports = { a: exports.a };\nexports.a = 1;\n", &settings, false),
        None
    );
    // A delete moved onto the exported object would remove an export.
    assert_eq!(
        fixed_with("exports = function () {};\nmodule.exports._y = 1;\ndelete exports._y;\n", &settings, false),
        None
    );
    // Defined properties are read-only: the repaired second definition would throw.
    let twice = "exports = function () {};\nObject.defineProperty(module.exports, 'a', { value: 1 });\nObject.defineProperty(exports, 'a', { value: 2 });\n";
    assert_eq!(fixed_with(twice, &settings, false), None);
    // In a block, `function exports` is the block's own binding.
    assert!(rules("{\nexports.a = 1;\nfunction exports() {}\n}\nmodule.exports.b = 2;\n", SourceType::JavaScript)
        .is_empty());
    // A regular expression after an HTML-like comment is not a syntax error.
    assert!(analyze("<!--\n/re/g", SourceType::JavaScript, &settings).is_ok());
}

#[test]
fn breaks_and_continues_carry_their_paths() {
    // On the path that breaks out, `module.exports` is never replaced: the write is not surely lost.
    assert!(
        rules("out: { if (c) break out; module.exports = X; }\nexports.a = 1;\n", SourceType::JavaScript).is_empty()
    );
    assert!(rules("for (;;) { if (c) break; module.exports = X; break; }\nexports.a = 1;\n", SourceType::JavaScript)
        .is_empty());
    // Every case that reaches the end replaces `module.exports`: the write after the switch is lost everywhere.
    assert_eq!(
        rules(
            "switch (k) { case 1: module.exports = A; break; default: module.exports = B; }\nexports.a = 1;\n",
            SourceType::JavaScript
        ),
        vec!["lost-export"]
    );
    assert!(rules("while (x) { if (y) continue; module.exports = X; }\nexports.a = 1;\n", SourceType::JavaScript)
        .is_empty());
}

/// Statement lists nested thousands deep would cost swc's resolver time quadratic in the depth: such a file is an
/// error naming where the cost ran out, found before resolving, and never fixed.
#[test]
fn too_deeply_nested_blocks_are_too_complex_not_a_hang() {
    let depth = 10_000;
    let source = format!("module.exports = f;\n{}exports.a = 1;{}\n", "{".repeat(depth), "}".repeat(depth));
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || fix(&source, SourceType::JavaScript, &Settings::default(), true));
    match worker.expect("a thread").join().expect("no panic") {
        Err(FixError::TooComplex(error)) => {
            assert_eq!(error.line, 2, "{error}");
            assert!(error.column > 1 && error.column <= depth, "{error}");
            assert!(error.to_string().starts_with("too complex to analyse at 2:"), "{error}");
        }
        other => panic!("{other:?}"),
    }
}

/// Node wraps a CommonJS file in `function (exports, require, module, __filename, __dirname)`: a top-level `let`,
/// `const` or `class` of one of those names redeclares a parameter, which Node rejects. `var` is the parameter.
#[test]
fn lexical_redeclarations_of_the_wrapper_parameters_are_syntax_errors() {
    for source in [
        "let exports = 1;\nexports = 2;\n",
        "const module = {};\n",
        "class require {}\n",
        "const { __filename } = x;\n",
        "let [a, __dirname] = x;\n",
    ] {
        match analyze(source, SourceType::JavaScript, &Settings::default()) {
            Err(AnalysisError::Syntax(error)) => {
                assert!(error.message.contains("has already been declared"), "{source}: {error}")
            }
            other => panic!("{source}: {other:?}"),
        }
    }
    for source in ["var exports = {};\n", "var module;\n", "function f() { let exports = 1; }\n", "{ let module; }\n"] {
        assert!(analyze(source, SourceType::JavaScript, &Settings::default()).is_ok(), "{source}");
    }
}

/// Node loads `#!` only as a file's first bytes: after a byte order mark it is a syntax error, not a file to fix.
#[test]
fn a_shebang_after_a_byte_order_mark_is_a_syntax_error() {
    let source = "\u{feff}#!/usr/bin/env node\nexports = function () {};\n";
    match analyze(source, SourceType::JavaScript, &Settings::default()) {
        Err(AnalysisError::Syntax(error)) => assert_eq!((error.line, error.column), (1, 1), "{error}"),
        other => panic!("{other:?}"),
    }
    assert!(analyze("#!/usr/bin/env node\nexports = 1;\n", SourceType::JavaScript, &Settings::default()).is_ok());
}

/// Lines end where Node's do: at `\r`, U+2028 and U+2029 too.
#[test]
fn findings_count_every_line_terminator() {
    let source = "module.exports = {};\r// a\u{2028}// b\u{2029}exports = function () {};\n";
    let analysis = analyze(source, SourceType::JavaScript, &Settings::default()).unwrap();
    let finding = &analysis.findings()[0];
    assert_eq!((finding.line, finding.column), (4, 1), "{finding:?}");
}

/// A TypeScript type named `exports` (or a `declare` form) binds no value: `exports` is still the module's.
#[test]
fn type_only_declarations_shadow_nothing() {
    for source in [
        "interface exports { a: number }\nexports = function () {};\n",
        "type exports = { a: number };\nexports = function () {};\n",
        "declare var exports: any;\nexports = function () {};\n",
        "declare let exports: any;\nexports = function () {};\n",
        "declare class module {}\nexports = function () {};\n",
    ] {
        assert_eq!(rules(source, SourceType::TypeScript), vec!["exports-reassign"], "{source}");
    }
}

/// TypeScript's CommonJS forms are CommonJS, not ES modules: `export = X` is `module.exports = X`.
#[test]
fn typescript_import_equals_and_export_assignment_are_commonjs() {
    let source = "import fs = require('fs');\nexports.read = fs.readFileSync;\nexport = function main() {};\n";
    for source_type in [SourceType::TypeScript, SourceType::Tsx] {
        let analysis = analyze(source, source_type, &Settings::default()).expect("parses");
        let Analysis::CommonJs(findings) = analysis else { panic!("not an ES module: {source_type:?}") };
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].rule.as_str(), "lost-export");
        assert!(findings[0].message.contains("line 3"), "{}", findings[0].message);
    }
    let clean = "import fs = require('fs');\nexport = { read: fs.readFileSync };\n";
    assert_eq!(analyze(clean, SourceType::TypeScript, &Settings::default()).unwrap(), Analysis::CommonJs(Vec::new()));
    // With any other import or export it stays an ES module.
    let mixed = "import fs = require('fs');\nexport const a = 1;\n";
    assert_eq!(analyze(mixed, SourceType::TypeScript, &Settings::default()).unwrap(), Analysis::EsModule);
}

/// The same inside functions, blocks and namespaces: a type or a `declare` form named `exports` or `module` binds no
/// value, so the module's `exports` is still seen, and still rewritten to `module.exports`.
#[test]
fn type_only_declarations_shadow_nothing_in_nested_scopes() {
    let lost = "module.exports = function main() {};\n";
    let mut failures = Vec::new();
    for (scope_open, scope_close) in
        [("function f() {\n", "}\nf();\n"), ("{\n", "}\n"), ("(() => {\n", "})();\n"), ("namespace N {\n", "}\n")]
    {
        for declaration in [
            "interface exports { a: number }",
            "type exports = { a: number };",
            "declare var exports: any;",
            "declare let exports: any;",
            "declare function exports(): void;",
            "declare class exports {}",
            "declare enum exports { A }",
            "declare namespace exports { }",
            "interface module { a: number }",
            "type module = number;",
            "declare var module: any;",
            "declare function module(): void;",
            "declare class module {}",
            "declare namespace module { }",
        ] {
            let source = format!("{lost}{scope_open}  {declaration}\n  exports.version = '1';\n{scope_close}");
            let expected = source.replace("  exports.version", "  module.exports.version");
            let fixed = fix(&source, SourceType::TypeScript, &Settings::default(), false);
            match fixed {
                Ok(fixed) if fixed.fixed.as_deref() == Some(expected.as_str()) => {}
                other => failures.push(format!("{scope_open:?} {declaration}: {other:?}")),
            }
        }
    }
    // In a namespace, an exported `declare` form binds no value either.
    for declaration in ["export declare var exports: any;", "export declare const module: any;"] {
        let source = format!("{lost}namespace N {{\n  {declaration}\n  exports.version = '1';\n}}\n");
        let expected = source.replace("  exports.version", "  module.exports.version");
        match fix(&source, SourceType::TypeScript, &Settings::default(), false) {
            Ok(fixed) if fixed.fixed.as_deref() == Some(expected.as_str()) => {}
            other => failures.push(format!("namespace {declaration}: {other:?}")),
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}
