//! ## What it does
//! Reports a property written through the module's `exports` (`exports.a = …`, `exports["a"] = …`,
//! `Object.defineProperty(exports, …)`, `Object.assign(exports, …)`, `delete exports.a`) that never reaches
//! `module.exports`, because `module.exports` is reassigned (before or after the write) or `exports` was rebound.
//!
//! ## Why is this bad?
//! `exports` starts as the same object as `module.exports`, and only `module.exports` is exported. Once either
//! is pointed at another object, writes through `exports` land on an object nobody imports: the property silently
//! disappears from the module's API.
//!
//! ## Example
//! ```js
//! module.exports = Router;
//! exports.Route = Route; // lost
//! ```
//! Use instead:
//! ```js
//! module.exports = Router;
//! module.exports.Route = Route;
//! ```
//!
//! ## Fix safety
//! The fix rewrites the file's `exports` references to `module.exports`. A write that runs after the
//! reassignment is then rescued: the fix is safe when the simulation of the rewritten module shows every lost
//! write landing on the exported object, every exported write still exported, and nothing else seeing a different
//! object. A write that runs before the reassignment cannot be rescued by any rewrite: it keeps its finding, with
//! no fix, and its message names the line of the reassignment so a person can move it.
//!
//! Not reported: a property that is written onto the exported object too (compilers declare `exports.a = void 0`
//! up front and define `a` again after relinking), the `__esModule` interop marker set before `module.exports`
//! is replaced (the replacement is meant to be the default export), and writes abandoned on purpose by
//! `module.exports = exports.default` (Babel's add-module-exports).

use super::rewrite::lost_writes;
use super::{Context, Violation, PROBES_ENVIRONMENT};
use crate::diagnostic::RuleId;
use crate::model::{value_initial, Reference, Usage};

pub const FIX_TITLE: &str = RuleId::LostExport.meta().fix_title;
const MERGE_FIX_TITLE: &str = crate::meta::LOST_EXPORT_MERGE_FIX_TITLE;
const MOVE_FIX_TITLE: &str = crate::meta::LOST_EXPORT_MOVE_FIX_TITLE;

pub fn check(context: &Context<'_, '_>) -> Vec<Violation> {
    let trace = &context.model.original;
    let final_assignment = trace.references.iter().rev().find_map(|reference| {
        let assignment = reference.assignment.as_ref()?;
        (!reference.is_exports() && assignment.assigned.same_as(trace.end.module_exports)).then_some(assignment)
    });
    let deliberate = final_assignment.is_some_and(|assignment| assignment.shape.from_exports);
    // A property that is also written, through either name, onto the exported object is exported after all
    // (compilers declare `exports.a = void 0` up front and define `a` again later).
    let exported_names: Vec<&str> = trace
        .references
        .iter()
        .filter(|reference| reference.reachable && trace.reaches_original(reference) == Some(true))
        .filter_map(|reference| match &reference.usage {
            Usage::PropertyWrite { property: Some(name) } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    lost_writes(trace)
        .filter(|reference| {
            let target = if reference.deferred { trace.end.exports } else { reference.original };
            let left_behind_on_purpose = deliberate && target.same_as(value_initial());
            let name = match &reference.usage {
                Usage::PropertyWrite { property: Some(name) } => Some(name.as_str()),
                _ => None,
            };
            let re_exported = name.is_some_and(|name| exported_names.contains(&name));
            // The ES-module interop marker set on the object that a later `module.exports = …` abandons: the
            // replacement is meant to be the default export. (Set after the replacement, it is meant for it.)
            let interop_marker = name == Some("__esModule") && context.plan.unrescuable.contains(&reference.id);
            !left_behind_on_purpose && !re_exported && !interop_marker
        })
        .map(|reference| violation(context, reference))
        .collect()
}

/// The violation for one lost write: why it is lost, and what the rewrite can do about it.
fn violation(context: &Context<'_, '_>, reference: &Reference) -> Violation {
    let trace = &context.model.original;
    let name = subject(&trace.written_keys(reference));
    let target = if reference.deferred { trace.end.exports } else { reference.original };
    // The assignment that gives `module.exports` its final value on the paths that run this write.
    let replaced_on =
        trace.assigned_at.get(&trace.end_after(reference).module_exports).map(|&offset| context.line(offset));
    let lost_to_module_exports = target.same_as(value_initial());
    let cause = if lost_to_module_exports {
        match replaced_on {
            Some(line) => format!("`module.exports` is reassigned on line {line}"),
            None => "`module.exports` is reassigned".to_owned(),
        }
    } else {
        match trace.assigned_at.get(&target).map(|&offset| context.line(offset)) {
            Some(line) => format!("`exports` was rebound on line {line}"),
            None => "`exports` was rebound".to_owned(),
        }
    };
    if let Some(rescue) = &context.rescue {
        // The merge rescues every lost write of the file, before the reassignment or after it.
        let before = context.plan.unrescuable.contains(&reference.id);
        let runs = if before { " before" } else { ", but" };
        // A write after the reassignment is written through `module.exports` where it stands, unless merged.
        let fix = rescue.what_it_does(context.line(rescue.merged_at), before || !rescue.moves);
        Violation {
            rule: RuleId::LostExport,
            range: reference.range.clone(),
            message: format!("{name} written through `exports`{runs} {cause}, so it is never exported{fix}"),
            fix: Some((if rescue.moves { MOVE_FIX_TITLE } else { MERGE_FIX_TITLE }, rescue.applicability)),
        }
    } else if context.plan.unrescuable.contains(&reference.id) {
        Violation {
            rule: RuleId::LostExport,
            range: reference.range.clone(),
            // Unrescuable: even written through `module.exports`, the write lands on an object that a
            // later assignment replaces on every path, so "before" names that assignment.
            message: if lost_to_module_exports {
                format!(
                    "{name} written through `exports` before {cause}, so it is never exported; \
                     no rewrite can rescue it: move it after that line or add it to the new value"
                )
            } else {
                let replaced = replaced_on.map_or_else(String::new, |line| format!(" on line {line}"));
                format!(
                    "{name} written through `exports`, but {cause}, so it is never exported; \
                     no rewrite can rescue it: `module.exports` is replaced{replaced} after it runs \
                     (move it after that line or add it to the new value)"
                )
            },
            fix: None,
        }
    } else {
        let probes = context.model.original.probes_environment;
        Violation {
            rule: RuleId::LostExport,
            range: reference.range.clone(),
            message: format!(
                "{name} written through `exports`, but {cause}, so it is never exported{}",
                context.repair_reason(probes.then_some(PROBES_ENVIRONMENT))
            ),
            fix: Some((FIX_TITLE, context.plan.repair_applicability(probes))),
        }
    }
}

/// What a write writes, with its verb: "`a` is", "`on`, `off` and `emit` are" (an `Object.assign`).
fn subject(keys: &[Option<&str>]) -> String {
    let named: Option<Vec<String>> = keys.iter().map(|key| key.map(|key| format!("`{key}`"))).collect();
    match named.as_deref() {
        Some([one]) => format!("{one} is"),
        Some([init @ .., last]) if !init.is_empty() => format!("{} and {last} are", init.join(", ")),
        _ => "this property is".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::table::{assert_cases, Case};

    #[test]
    fn lost_export_table() {
        assert_cases(
            "lost-export",
            &[
                Case::fix(
                    "function Router() {}\nmodule.exports = Router;\nexports.Route = Route;\n",
                    "function Router() {}\nmodule.exports = Router;\nmodule.exports.Route = Route;\n",
                ),
                // A value the engine cannot follow may be a primitive, frozen, or have an accessor for the key.
                Case::unsafe_fix(
                    "module.exports = Router;\nexports.Route = Route;\n",
                    "module.exports = Router;\nmodule.exports.Route = Route;\n",
                ),
                Case::unsafe_fix(
                    "module.exports = require('./router');\nexports.Route = Route;\n",
                    "module.exports = require('./router');\nmodule.exports.Route = Route;\n",
                ),
                // Safe means the write lands as it reads: not onto a read-only `name`, a getter, a primitive, or a
                // key the new value already has.
                Case::unsafe_fix(
                    "'use strict';\nmodule.exports = function middleware(req, res, next) { next(); };\nexports.name = 'mw';\n",
                    "'use strict';\nmodule.exports = function middleware(req, res, next) { next(); };\nmodule.exports.name = 'mw';\n",
                ),
                Case::unsafe_fix(
                    "class Api {}\nmodule.exports = Api;\nexports.prototype = {};\n",
                    "class Api {}\nmodule.exports = Api;\nmodule.exports.prototype = {};\n",
                ),
                Case::unsafe_fix(
                    "let v = '1.0';\nmodule.exports = { get version() { return v; } };\nexports.version = '2.0';\n",
                    "let v = '1.0';\nmodule.exports = { get version() { return v; } };\nmodule.exports.version = '2.0';\n",
                ),
                Case::unsafe_fix(
                    "const VERSION = '2.3.1';\nmodule.exports = VERSION;\nexports.major = 2;\n",
                    "const VERSION = '2.3.1';\nmodule.exports = VERSION;\nmodule.exports.major = 2;\n",
                ),
                Case::unsafe_fix(
                    "const api = Object.freeze({});\nmodule.exports = api;\nexports.a = 1;\n",
                    "const api = Object.freeze({});\nmodule.exports = api;\nmodule.exports.a = 1;\n",
                ),
                Case::unsafe_fix(
                    "module.exports = { a: 1 };\nexports.a = 2;\n",
                    "module.exports = { a: 1 };\nmodule.exports.a = 2;\n",
                ),
                // Code that runs later reads the export once rewritten: inside a getter of the export, that is the
                // getter itself.
                Case::unsafe_fix(
                    "module.exports = { get a() { return exports.b; }, c: 1 };\nexports.b = 2;\n",
                    "module.exports = { get a() { return module.exports.b; }, c: 1 };\nmodule.exports.b = 2;\n",
                ),
                Case::fix(
                    "module.exports = { c: 1 };\nexports.b = 2;\nexports.get = function () { return exports.b; };\n",
                    "module.exports = { c: 1 };\nmodule.exports.b = 2;\nmodule.exports.get = function () { return module.exports.b; };\n",
                ),
                Case::fix(
                    "const api = { a: 1 };\nmodule.exports = api;\nexports.b = 2;\n",
                    "const api = { a: 1 };\nmodule.exports = api;\nmodule.exports.b = 2;\n",
                ),
                Case::fix(
                    "class Api {}\nmodule.exports = Api;\nexports.helper = 1;\n",
                    "class Api {}\nmodule.exports = Api;\nmodule.exports.helper = 1;\n",
                ),
                Case::fix(
                    "module.exports = function () {};\nexports['x-y'] = 1;\n",
                    "module.exports = function () {};\nmodule.exports['x-y'] = 1;\n",
                ),
                // A definition lands when the new value is known and the key is definable on it (in node, a
                // function's `name` and `length` are configurable; its `prototype`, and a sloppy function's
                // `arguments` and `caller`, are not), and no other write of the file targets that key.
                Case::fix(
                    "module.exports = function main() {};\nObject.defineProperty(exports, 'version', { value: '1', enumerable: true });\n",
                    "module.exports = function main() {};\nObject.defineProperty(module.exports, 'version', { value: '1', enumerable: true });\n",
                ),
                // Node would let these replace the function's own `name` or `length`: not a change a safe fix makes.
                Case::unsafe_fix(
                    "module.exports = function main() {};\nObject.defineProperty(exports, 'name', { value: 'mw' });\nexports.b = 1;\n",
                    "module.exports = function main() {};\nObject.defineProperty(module.exports, 'name', { value: 'mw' });\nmodule.exports.b = 1;\n",
                ),
                Case::unsafe_fix(
                    "class Api {}\nmodule.exports = Api;\nObject.defineProperty(exports, 'length', { value: 2 });\n",
                    "class Api {}\nmodule.exports = Api;\nObject.defineProperty(module.exports, 'length', { value: 2 });\n",
                ),
                // A local `Object` is not the global one: its `defineProperty` is just a call.
                Case::pass(
                    "const Object = { defineProperty() {} };\nmodule.exports = function main() {};\nObject.defineProperty(exports, 'a', { value: 1 });\n",
                ),
                Case::unsafe_fix(
                    "module.exports = new Foo();\nObject.defineProperty(exports, 'a', { value: 1 });\n",
                    "module.exports = new Foo();\nObject.defineProperty(module.exports, 'a', { value: 1 });\n",
                ),
                Case::unsafe_fix(
                    "module.exports = function main() {};\nObject.defineProperty(exports, 'prototype', { value: {}, enumerable: true });\n",
                    "module.exports = function main() {};\nObject.defineProperty(module.exports, 'prototype', { value: {}, enumerable: true });\n",
                ),
                Case::unsafe_fix(
                    "module.exports = function main() {};\nObject.defineProperty(exports, 'caller', { value: 1 });\n",
                    "module.exports = function main() {};\nObject.defineProperty(module.exports, 'caller', { value: 1 });\n",
                ),
                Case::unsafe_fix(
                    "module.exports = class Api {};\nObject.defineProperty(exports, 'prototype', { value: {} });\n",
                    "module.exports = class Api {};\nObject.defineProperty(module.exports, 'prototype', { value: {} });\n",
                ),
                Case::unsafe_fix(
                    "module.exports = { version: '0' };\nObject.defineProperty(exports, 'version', { value: '1' });\n",
                    "module.exports = { version: '0' };\nObject.defineProperty(module.exports, 'version', { value: '1' });\n",
                ),
                // A defined property is read-only unless said otherwise: another write of its key, through any
                // name, or of a key not named, may land on it and throw.
                Case::unsafe_fix(
                    "'use strict';\nmodule.exports = function main() {};\nObject.defineProperty(exports, 'version', { value: '1' });\nexports.version = '2';\n",
                    "'use strict';\nmodule.exports = function main() {};\nObject.defineProperty(module.exports, 'version', { value: '1' });\nmodule.exports.version = '2';\n",
                ),
                Case::unsafe_fix(
                    "'use strict';\nfunction main() {}\nmodule.exports = main;\nObject.defineProperty(main, 'version', { value: '1' });\nexports.version = '2';\n",
                    "'use strict';\nfunction main() {}\nmodule.exports = main;\nObject.defineProperty(main, 'version', { value: '1' });\nmodule.exports.version = '2';\n",
                ),
                Case::unsafe_fix(
                    "'use strict';\nmodule.exports = function main() { main.version = '2'; };\nObject.defineProperty(exports, 'version', { value: '1' });\n",
                    "'use strict';\nmodule.exports = function main() { main.version = '2'; };\nObject.defineProperty(module.exports, 'version', { value: '1' });\n",
                ),
                Case::unsafe_fix(
                    "module.exports = function main() {};\nObject.defineProperty(exports, 'version', { value: '1' });\ncache[key] = 1;\n",
                    "module.exports = function main() {};\nObject.defineProperty(module.exports, 'version', { value: '1' });\ncache[key] = 1;\n",
                ),
                // `Object.assign` from an object literal of plain keys is one plain write per key.
                Case::fix(
                    "module.exports = function main() {};\nObject.assign(exports, { a: 1, b: 2 });\n",
                    "module.exports = function main() {};\nObject.assign(module.exports, { a: 1, b: 2 });\n",
                ),
                Case::fix(
                    "const api = { a: 1 };\nmodule.exports = api;\nObject.assign(exports, { b: 2, 'c-d': 3, e() {} });\n",
                    "const api = { a: 1 };\nmodule.exports = api;\nObject.assign(module.exports, { b: 2, 'c-d': 3, e() {} });\n",
                ),
                Case::unsafe_fix(
                    "module.exports = function main() {};\nObject.assign(exports, { name: 'x' });\n",
                    "module.exports = function main() {};\nObject.assign(module.exports, { name: 'x' });\n",
                ),
                Case::unsafe_fix(
                    "module.exports = { a: 0 };\nObject.assign(exports, { a: 1 });\n",
                    "module.exports = { a: 0 };\nObject.assign(module.exports, { a: 1 });\n",
                ),
                Case::unsafe_fix(
                    "module.exports = function main() {};\nObject.assign(exports, { ...extra });\n",
                    "module.exports = function main() {};\nObject.assign(module.exports, { ...extra });\n",
                ),
                Case::unsafe_fix(
                    "module.exports = function main() {};\nObject.assign(exports, { get a() { return 1; } });\n",
                    "module.exports = function main() {};\nObject.assign(module.exports, { get a() { return 1; } });\n",
                ),
                Case::unsafe_fix(
                    "module.exports = function main() {};\nObject.assign(exports, { [key]: 1 });\n",
                    "module.exports = function main() {};\nObject.assign(module.exports, { [key]: 1 });\n",
                ),
                Case::unsafe_fix(
                    "module.exports = function main() {};\nObject.assign(exports, helpers);\n",
                    "module.exports = function main() {};\nObject.assign(module.exports, helpers);\n",
                ),
                Case::fix(
                    "module.exports = {};\nObject.assign(exports, { a: 1 });\n",
                    "module.exports = {};\nObject.assign(module.exports, { a: 1 });\n",
                ),
                Case::fix(
                    "function Foo() {}\nmodule.exports = Foo;\nexports.a = 1;\nexports.b = function () { return exports.a; };\n",
                    "function Foo() {}\nmodule.exports = Foo;\nmodule.exports.a = 1;\nmodule.exports.b = function () { return module.exports.a; };\n",
                ),
                Case::unsafe_fix("exports.a = 1;\nmodule.exports = Foo;\n", "module.exports = Foo;\nmodule.exports.a = 1;\n"),
                // A `var` (or a function) declared in a branch may never get its value: not followed.
                Case::unsafe_fix(
                    "if (false) var frozen = {};\nmodule.exports = frozen;\nexports.a = 1;\n",
                    "if (false) var frozen = {};\nmodule.exports = frozen;\nmodule.exports.a = 1;\n",
                ),
                Case::unsafe_fix(
                    "if (ready) { function make() {} }\nmodule.exports = make;\nexports.a = 1;\n",
                    "if (ready) { function make() {} }\nmodule.exports = make;\nmodule.exports.a = 1;\n",
                ),
                // Replaced on every path, by one value or another: lost either way, rescued either way.
                Case::fix(
                    "if (c) { module.exports = function A() {}; } else { module.exports = {}; }\nexports.a = 1;\n",
                    "if (c) { module.exports = function A() {}; } else { module.exports = {}; }\nmodule.exports.a = 1;\n",
                ),
                // The module may end early, but every path that runs the write ends with `Tracer` exported.
                Case::fix(
                    "if (global.t) { module.exports = global.t; return; }\nclass Tracer {}\nmodule.exports = Tracer;\nexports.x = 1;\n",
                    "if (global.t) { module.exports = global.t; return; }\nclass Tracer {}\nmodule.exports = Tracer;\nmodule.exports.x = 1;\n",
                ),
                // `with` elsewhere does not hide the module's `exports`.
                Case::fix(
                    "function legacy(o) { with (o) { return a; } }\nmodule.exports = legacy;\nexports.x = 1;\n",
                    "function legacy(o) { with (o) { return a; } }\nmodule.exports = legacy;\nmodule.exports.x = 1;\n",
                ),
                Case::unsafe_fix(
                    "'use strict';\nmodule.exports = Object.freeze({});\nexports.a = 1;\n",
                    "'use strict';\nmodule.exports = Object.freeze({});\nmodule.exports.a = 1;\n",
                ),
                // Inside a function or class expression named `module`, `module` is that function: the write stays
                // reported, with no fix.
                Case::no_fix(
                    "module.exports = function Router() {};\nvar init = function module() { exports.loaded = true; };\ninit();\n",
                ),
                Case::no_fix(
                    "module.exports = function Router() {};\n(function module() { exports.loaded = true; })();\n",
                ),
                Case::no_fix("module.exports = {};\nvar C = class module { static { exports.x = 1; } };\n"),
                // A callback runs only after it is created: here after the reassignment, never "before" it, even
                // with a function declared before the reassignment.
                Case::fix(
                    "function colors(s) { return s; }\nmodule.exports = colors;\n['red'].forEach(function (n) {\n  exports.red = colors;\n});\n",
                    "function colors(s) { return s; }\nmodule.exports = colors;\n['red'].forEach(function (n) {\n  module.exports.red = colors;\n});\n",
                ),
                Case::unsafe_fix(
                    "function colors(s) { return s; }\nmodule.exports = colors;\n['red'].forEach(function (n) {\n  exports[n] = colors;\n});\n",
                    "function colors(s) { return s; }\nmodule.exports = colors;\n['red'].forEach(function (n) {\n  module.exports[n] = colors;\n});\n",
                ),
                // TypeScript types and `declare` forms bind no value, in any scope: `exports` and `module` there
                // are still the module's.
                Case::fix(
                    "module.exports = function main() {};\nfunction f() {\n  interface exports { a: number }\n  exports.a = 1;\n}\nf();\n",
                    "module.exports = function main() {};\nfunction f() {\n  interface exports { a: number }\n  module.exports.a = 1;\n}\nf();\n",
                )
                .typescript(),
                Case::fix(
                    "module.exports = function main() {};\nnamespace N {\n  export declare var exports: any;\n  declare const module: any;\n  exports.a = 1;\n}\n",
                    "module.exports = function main() {};\nnamespace N {\n  export declare var exports: any;\n  declare const module: any;\n  module.exports.a = 1;\n}\n",
                )
                .typescript(),
                Case::pass("module.exports = function main() {};\nfunction f(exports: any) {\n  type module = 1;\n  exports.a = 1;\n}\n")
                    .typescript(),
                Case::pass("exports.a = 1;\nmodule.exports.b = 2;\n"),
                Case::pass("exports.a = 1;\n"),
                Case::pass("Object.defineProperty(exports, '__esModule', { value: true });\nmodule.exports = F;\n"),
                Case::pass("exports.a = void 0;\nmodule.exports = exports = F;\nexports.a = a;\n"),
                Case::pass("with (o) { module.exports = F; exports.x = 1; }\n"),
                Case::pass("exports.__esModule = true;\nexports.default = f;\nmodule.exports = exports.default;\n"),
                Case::pass("exports.a = a;\nmodule.exports = a;\nmodule.exports.a = a;\n"),
                Case::pass("module.exports = exports = Foo;\nexports.a = 1;\n"),
                Case::pass("exports = module.exports = Foo;\nexports.a = 1;\n"),
                Case::pass("if (typeof module === 'object') { module.exports = Foo; } else { exports.a = 1; }\n"),
                Case::pass("(function (exports, module) { module.exports = F; exports.a = 1; })({}, {});\n"),
            ],
        );
    }

    /// The line named is the one that loses the write, and "before" is said only of a write that runs before it.
    #[test]
    fn messages_name_the_line_that_loses_the_write() {
        let findings =
            crate::rules::table::findings("exports = { a: 1 };\nexports.b = 2;\nmodule.exports = { c: 3 };\n");
        let lost = findings.iter().find(|finding| finding.rule.as_str() == "lost-export").expect("a lost write");
        assert!(!lost.message.contains("before"), "{}", lost.message);
        assert!(lost.message.contains("rebound on line 1"), "{}", lost.message);
        assert!(lost.message.contains("replaced on line 3 after it runs"), "{}", lost.message);
    }

    /// An unsafe repair of a definition or an `Object.assign` says why; `Object.assign` names the keys it copies.
    #[test]
    fn definitions_and_assigns_say_what_and_why() {
        let message = |source: &str| {
            let findings = crate::rules::table::findings(source);
            let lost = findings.iter().find(|finding| finding.rule.as_str() == "lost-export").expect("a lost write");
            lost.message.clone()
        };
        let assigned =
            message("module.exports = function main() {};\nObject.assign(exports, { on: 1, off: 2, emit: 3 });\n");
        assert!(assigned.starts_with("`on`, `off` and `emit` are written"), "{assigned}");
        let collides = message(
            "module.exports = function main() {};\nObject.defineProperty(exports, 'v', { value: 1 });\nexports.v = 2;\n",
        );
        assert!(collides.contains("the fix is unsafe: `v` is defined with `Object.defineProperty`"), "{collides}");
        let prototype = message(
            "module.exports = function main() {};\nObject.defineProperty(exports, 'prototype', { value: 1 });\n",
        );
        assert!(prototype.contains("whose `prototype` cannot be redefined"), "{prototype}");
        let unknown = message("module.exports = function main() {};\nObject.assign(exports, helpers);\n");
        assert!(unknown.contains("`Object.assign` copies keys the engine cannot list"), "{unknown}");
    }

    /// A write with no fix because `module` is not the module's there says so, rather than offering nothing.
    #[test]
    fn no_fix_under_a_shadowed_module_says_why() {
        let message = |source: &str| {
            let findings = crate::rules::table::findings(source);
            let lost = findings.iter().find(|finding| finding.rule.as_str() == "lost-export").expect("a lost write");
            assert!(lost.fix.is_none(), "{lost:?}");
            lost.message.clone()
        };
        let named = message(
            "module.exports = function Router() {};\nvar init = function module() { exports.loaded = true; };\ninit();\n",
        );
        assert!(
            named.contains(
                "there is no fix: inside the function named `module` (line 2), `module` is that function, \
                            so `module.exports` there would be undefined"
            ),
            "{named}"
        );
        let class = message("module.exports = {};\nvar C = class module { static { exports.x = 1; } };\n");
        assert!(class.contains("inside the class named `module` (line 2)"), "{class}");
        let parameter = message("module.exports = {};\n[1].forEach(function (module) {\n  exports.x = 1;\n});\n");
        assert!(parameter.contains("in the scope starting on line 2, `module` is a local name"), "{parameter}");
    }

    #[test]
    fn unrescuable_write_keeps_its_finding_and_names_the_line() {
        let findings = crate::rules::table::findings(
            "exports.a = make();\n\nmodule.exports = function api() {};\nexports.b = 2;\n",
        );
        let lost: Vec<_> = findings.iter().filter(|finding| finding.rule.as_str() == "lost-export").collect();
        assert_eq!(lost.len(), 2);
        assert!(lost[0].fix.is_none());
        assert!(lost[0].message.contains("line 3"), "{}", lost[0].message);
        assert!(lost[1].fix.is_some());
        let fixed = crate::fix(
            "exports.a = make();\n\nmodule.exports = function api() {};\nexports.b = 2;\n",
            crate::SourceType::JavaScript,
            &Default::default(),
            false,
        )
        .unwrap();
        assert_eq!(
            fixed.fixed.as_deref(),
            Some("exports.a = make();\n\nmodule.exports = function api() {};\nmodule.exports.b = 2;\n")
        );
        assert_eq!(fixed.remaining.len(), 1);
    }
}
