//! ## What it does
//! Reports assignments to the module's own `exports` variable: `exports = X`, `exports += X`, `exports ||= X`,
//! destructuring and `for-in`/`for-of` targets, a top-level `var exports = X` and a top-level
//! `function exports() {}`.
//!
//! ## Why is this bad?
//! Node runs a CommonJS file inside `function (exports, require, module, __filename, __dirname)`, and the module's
//! value is `module.exports`. `exports = X` only rebinds the local parameter: `X` is never exported, and every
//! `exports.a = …` after it is lost too. A top-level `var exports` is the very same parameter, so it is no escape.
//!
//! Not reported: the linking idioms `exports = module.exports`, `exports = module.exports = X`,
//! `module.exports = exports = X`, `var exports = module.exports [= X]` (they leave `exports` pointing at the
//! exported object, on every path), and a rebinding that a later `module.exports = exports` adopts.
//!
//! ## Example
//! ```js
//! exports = { parse };
//! exports.version = "1.0";
//! ```
//! Use instead:
//! ```js
//! module.exports = { parse };
//! module.exports.version = "1.0";
//! ```
//!
//! ## Fix safety
//! The fix rewrites `exports = X` to `module.exports = X` and every other `exports` in the file to
//! `module.exports`, so writes after the assignment land on `X` (rewriting the assignment alone would lose them).
//! It is safe when the file does not also reassign `module.exports` and the simulation of the rewritten module
//! shows every write that was exported still is. Otherwise it is unsafe: with two competing export values the
//! author's intent is not evident. Compound, destructuring and `for-in` forms, and `function exports() {}`, have
//! no fix.

use super::{Context, Violation, PROBES_ENVIRONMENT};
use crate::diagnostic::RuleId;
use crate::model::{AssignForm, Usage};

pub const FIX_TITLE: &str = RuleId::ExportsReassign.meta().fix_title;

pub fn check(context: &Context<'_, '_>) -> Vec<Violation> {
    let trace = &context.model.original;
    trace
        .references
        .iter()
        .filter_map(|reference| {
            let Usage::Assign(form) = reference.usage else {
                return None;
            };
            let assignment = reference.assignment.as_ref()?;
            let never_runs = !reference.reachable;
            if !reference.is_exports() || form == AssignForm::VarDeclaration || assignment.links || never_runs {
                return None;
            }
            let adopted = !trace.opaque && !reference.deferred && assignment.assigned.same_as(trace.end.module_exports);
            if adopted {
                return None;
            }
            let (fix, reason) = match form {
                AssignForm::Plain | AssignForm::VarInit => {
                    let doubt = own_doubt(context, reference.deferred);
                    let applicability = context.plan.repair_applicability(doubt.is_some());
                    (Some((FIX_TITLE, applicability)), context.repair_reason(doubt))
                }
                _ => (None, String::new()),
            };
            Some(Violation {
                rule: RuleId::ExportsReassign,
                range: assignment.range.clone(),
                message: format!("{}{reason}", message(form)),
                fix,
            })
        })
        .collect()
}

/// Why this rule doubts a repair the plan finds clean, if it does.
fn own_doubt(context: &Context<'_, '_>, deferred: bool) -> Option<&'static str> {
    if context.module_exports_has_own_value() {
        Some("`module.exports` is also given a value of its own, and which of the two is meant is not evident")
    } else if context.model.original.probes_environment {
        Some(PROBES_ENVIRONMENT)
    } else if deferred {
        Some("the assignment is in a function that may run at any time")
    } else {
        None
    }
}

fn message(form: AssignForm) -> &'static str {
    match form {
        AssignForm::Plain => {
            "assigning to `exports` only rebinds a local variable; the value is not exported (use `module.exports`)"
        }
        AssignForm::VarInit => {
            "a top-level `var exports` is the module wrapper's `exports` parameter; assigning it exports nothing (use `module.exports`)"
        }
        AssignForm::Compound => "`exports` is reassigned by a compound assignment; the result is not exported",
        AssignForm::Pattern => "`exports` is a destructuring or loop target; the value assigned is not exported",
        AssignForm::FunctionDeclaration => {
            "`function exports` rebinds the module wrapper's `exports` parameter; the function is not exported"
        }
        AssignForm::VarDeclaration => "",
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::table::{assert_cases, Case};

    #[test]
    fn exports_reassign_table() {
        assert_cases(
            "exports-reassign",
            &[
                Case::fix("exports = function () {};\n", "module.exports = function () {};\n"),
                // The branch Node's loader never takes, and a logical assignment that assigns nothing.
                Case::pass("if (typeof module !== 'object') { exports = factory(); }\n"),
                Case::pass("exports ||= {};\nexports.a = 1;\n"),
                // A function declared in the module and called once while it loads runs there, not "any time".
                Case::fix(
                    "function init() {\n  exports = { a: 1 };\n}\ninit();\n",
                    "function init() {\n  module.exports = { a: 1 };\n}\ninit();\n",
                ),
                // The call whose result is called starts where `init()` does: only `init()` runs `init`.
                Case::fix(
                    "function init() {\n  exports = { a: 1 };\n  return { go() {} };\n}\ninit().go();\n",
                    "function init() {\n  module.exports = { a: 1 };\n  return { go() {} };\n}\ninit().go();\n",
                ),
                Case::unsafe_fix(
                    "function init() {\n  exports = { a: 1 };\n}\ninit();\ninit();\n",
                    "function init() {\n  module.exports = { a: 1 };\n}\ninit();\ninit();\n",
                ),
                Case::unsafe_fix(
                    "function init() {\n  exports = { a: 1 };\n}\nsetup(init);\n",
                    "function init() {\n  module.exports = { a: 1 };\n}\nsetup(init);\n",
                ),
                // The adopting `module.exports = exports` inside a branch the loader always takes, or a function
                // called at load.
                Case::pass("exports = function main() {};\nif (typeof module === 'object') module.exports = exports;\n"),
                Case::pass("exports = function main() {};\nfunction link() { module.exports = exports; }\nlink();\n"),
                Case::pass("exports = function main() {};\ntypeof module === 'object' && (module.exports = exports);\n"),
                Case::pass("exports = function main() {};\nif (typeof module != 'undefined' && module.exports) module.exports = exports;\n"),
                // Loops that run their body: `do … while`, and loops left only by `break`.
                Case::pass("exports = function main() {};\ndo { module.exports = exports; } while (false);\n"),
                Case::pass("exports = function main() {};\nfor (;;) { module.exports = exports; break; }\n"),
                Case::pass("exports = function main() {};\nwhile (true) { if (ready()) { module.exports = exports; break; } }\n"),
                // A loop that may not run, and a function called twice, do not adopt on every path.
                Case::unsafe_fix(
                    "exports = function main() {};\nfor (var i = 0; i < n; i++) module.exports = exports;\n",
                    "module.exports = function main() {};\nfor (var i = 0; i < n; i++) module.exports = module.exports;\n",
                ),
                Case::fix(
                    "exports = { a: 1 };\nexports.b = 2;\n",
                    "module.exports = { a: 1 };\nmodule.exports.b = 2;\n",
                ),
                Case::fix("var exports = { a: 1 };\n", "module.exports = { a: 1 };\n"),
                Case::fix(
                    "var exports = module.exports = {};\nexports = Tput;\n",
                    "module.exports = {};\nmodule.exports = Tput;\n",
                ),
                Case::fix(
                    "if (x) { exports = A; } else { exports = B; }\n",
                    "if (x) { module.exports = A; } else { module.exports = B; }\n",
                ),
                Case::fix("exports = require('./impl');\n", "module.exports = require('./impl');\n"),
                Case::unsafe_fix(
                    "exports.a = 1;\nexports = { b: 2 };\n",
                    "module.exports.a = 1;\nmodule.exports = { b: 2 };\n",
                ),
                Case::unsafe_fix("exports = A;\nmodule.exports = B;\n", "module.exports = A;\nmodule.exports = B;\n"),
                Case::unsafe_fix(
                    "exports = 'name';\nexports.x = 1;\n",
                    "module.exports = 'name';\nmodule.exports.x = 1;\n",
                ),
                // Two competing export values: which one the author meant is not evident.
                Case::unsafe_fix(
                    "exports = module.exports = legacy;\nexports = modern;\n",
                    "module.exports = legacy;\nmodule.exports = modern;\n",
                ),
                Case::no_fix("exports += 'x';\n"),
                Case::no_fix("exports &&= {};\n"),
                Case::no_fix("[exports] = [x];\n"),
                Case::no_fix("({ exports } = o);\n"),
                Case::no_fix("for (exports in o) {}\n"),
                Case::no_fix("function exports() {}\n"),
                Case::no_fix("exports = A;\nexports++;\n"),
                Case::pass("exports = module.exports;\nexports.a = 1;\n"),
                Case::pass("exports = module.exports = function () {};\n"),
                Case::pass("module.exports = exports = function () {};\n"),
                Case::pass("var exports = module.exports = {};\n"),
                Case::pass("exports = Tput;\nexports.x = 1;\nmodule.exports = exports;\n"),
                Case::pass("exports = cond ? (module.exports = X) : exports;\n"),
                Case::pass("function f(exports) { exports = 1; }\n"),
                Case::pass("try { x(); } catch (exports) { exports = 1; }\n"),
                Case::pass("(function (exports) { exports = {}; })(this);\n"),
                Case::pass("function g() { var exports = 1; exports = 2; }\n"),
                // A top-level `var module;` is the wrapper's `module`: this is the linking idiom.
                Case::pass("var module;\nexports = module.exports = {};\n"),
                // `exports` chosen by `?:`, `||`, `&&` or `??` and stored is an alias: writes through it are not
                // followed, so moving `exports` may lose them (`root.helper` below).
                Case::unsafe_fix(
                    "var root = typeof window === 'undefined' ? exports : window;\nroot.helper = f;\nexports = function main() {};\n",
                    "var root = typeof window === 'undefined' ? module.exports : window;\nroot.helper = f;\nmodule.exports = function main() {};\n",
                ),
                Case::unsafe_fix(
                    "var root = global || exports;\nroot.helper = f;\nexports = function main() {};\n",
                    "var root = global || module.exports;\nroot.helper = f;\nmodule.exports = function main() {};\n",
                ),
                // Only tested, it is no alias.
                Case::fix(
                    "if (exports && exports.ready) start();\nexports = { b: 2 };\n",
                    "if (module.exports && module.exports.ready) start();\nmodule.exports = { b: 2 };\n",
                ),
            ],
        );
    }
}
