//! ## What it does
//! Reports a file that uses both the module's `exports` and `module.exports`, with neither reassigned in a way
//! that loses anything (the module works).
//!
//! ## Why is this bad?
//! Two names for one object invite the bugs `exports-reassign` and `lost-export` catch: the day someone writes
//! `module.exports = …` in such a file, every `exports.x` silently stops being exported. `typeof exports` alone
//! (a UMD environment probe) is not a use and never makes a file mixed.
//!
//! ## Example
//! ```js
//! exports.parse = parse;
//! module.exports.format = format;
//! ```
//! Use instead:
//! ```js
//! module.exports.parse = parse;
//! module.exports.format = format;
//! ```
//!
//! ## Fix safety
//! Safe. The fix rewrites every `exports` reference (reads, writes and bare uses) to `module.exports`, and
//! collapses linking idioms (`exports = module.exports = X` becomes `module.exports = X`). It is offered only when
//! the simulation of the rewritten module shows every reference seeing the same object as before and the same
//! value exported, so what the module exports is unchanged.

use super::{Context, Violation};
use crate::diagnostic::{Applicability, RuleId};
use crate::model::Usage;

pub const FIX_TITLE: &str = RuleId::MixedExports.meta().fix_title;

pub fn check(context: &Context<'_, '_>) -> Vec<Violation> {
    let references = &context.model.original.references;
    // A linking idiom (`module.exports = exports = X`) on its own is one style, not two: it takes a use of
    // `exports` outside such idioms to mix them.
    let first_exports = references
        .iter()
        .filter(|reference| reference.is_exports() && reference.usage != Usage::Typeof)
        .filter(|reference| !reference.assignment.as_ref().is_some_and(|assignment| assignment.links))
        .min_by_key(|reference| reference.range.start);
    let uses_module_exports = references.iter().any(|reference| !reference.is_exports());
    match first_exports {
        Some(first) if uses_module_exports && context.style_rewrite_allowed() => {
            vec![Violation {
                rule: RuleId::MixedExports,
                range: first.range.clone(),
                message: "this file uses both `exports` and `module.exports`; use `module.exports` throughout"
                    .to_owned(),
                fix: Some((FIX_TITLE, Applicability::Safe)),
            }]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::table::{assert_cases, Case};

    #[test]
    fn mixed_exports_table() {
        assert_cases(
            "mixed-exports",
            &[
                Case::fix("exports.a = 1;\nmodule.exports.b = 2;\n", "module.exports.a = 1;\nmodule.exports.b = 2;\n"),
                // Deleting both links would join the directive to the `(`: the style fix stays out.
                Case::pass("\"use strict\"\nvar exports = module.exports;\nvar exports = module.exports;\n(0, exports).a = 1;\n"),
                // `exports = {}` continued by `(…)` on the next line: deleting `exports = ` would start a block.
                Case::fix(
                    "exports = {}\n(0, exports).a = module.exports;\nexports.a = 1;\n",
                    "module.exports = {}\n(0, module.exports).a = module.exports;\nmodule.exports.a = 1;\n",
                ),
                // A relink to the binding `module.exports` holds: one object under two names.
                Case::fix(
                    "function api() {}\nmodule.exports = api;\nexports = api;\nexports.helper = 1;\n",
                    "function api() {}\nmodule.exports = api;\nmodule.exports.helper = 1;\n",
                ),
                // A resync: `exports` is made the new export again, so the file works and mixes styles.
                Case::fix(
                    "module.exports = function main() {};\nexports = module.exports;\nexports.v = 1;\n",
                    "module.exports = function main() {};\nmodule.exports.v = 1;\n",
                ),
                Case::fix(
                    "exports = module.exports = Foo;\nexports.a = 1;\n",
                    "module.exports = Foo;\nmodule.exports.a = 1;\n",
                ),
                Case::fix(
                    "module.exports = exports = Foo;\nexports.a = 1;\n",
                    "module.exports = Foo;\nmodule.exports.a = 1;\n",
                ),
                Case::fix(
                    "var exports = module.exports = {};\nexports.a = 1;\n",
                    "module.exports = {};\nmodule.exports.a = 1;\n",
                ),
                Case::fix(
                    "exports = module.exports;\nexports.a = 1;\nmodule.exports.b = 2;\n",
                    "module.exports.a = 1;\nmodule.exports.b = 2;\n",
                ),
                Case::fix(
                    "exports = Tput;\nexports.x = 1;\nmodule.exports = exports;\n",
                    "module.exports = Tput;\nmodule.exports.x = 1;\n",
                ),
                Case::fix(
                    "function read() { return exports.a; }\nexports.a = 1;\nmodule.exports.read = read;\n",
                    "function read() { return module.exports.a; }\nmodule.exports.a = 1;\nmodule.exports.read = read;\n",
                ),
                Case::fix(
                    "var api = { exports };\nmodule.exports.a = 1;\n",
                    "var api = { exports: module.exports };\nmodule.exports.a = 1;\n",
                ),
                Case::fix(
                    "a = b\nexports = module.exports;\n(f)()\nexports.x = 1;\n",
                    "a = b\nmodule.exports = module.exports;\n(f)()\nmodule.exports.x = 1;\n",
                ),
                Case::fix(
                    "exports = module.exports = Foo;\nfunction get() { return exports.a; }\nexports.a = 1;\n",
                    "module.exports = Foo;\nfunction get() { return module.exports.a; }\nmodule.exports.a = 1;\n",
                ),
                Case::pass("exports.a = 1;\nexports.b = 2;\n"),
                // Deleting `exports =` must not glue what follows onto the statement before.
                Case::fix(
                    "a = b\nexports = (module.exports = {})\nexports.x = 1\n",
                    "a = b\nmodule.exports = (module.exports = {})\nmodule.exports.x = 1\n",
                ),
                Case::fix(
                    "a = b\nvar exports = (module.exports = {})\nexports.x = 1\n",
                    "a = b\nmodule.exports = (module.exports = {})\nmodule.exports.x = 1\n",
                ),
                Case::fix(
                    "module.exports = ((exports) = {});\nexports.a = 1;\n",
                    "module.exports = ((module.exports) = {});\nmodule.exports.a = 1;\n",
                ),
                // A lone linking idiom uses one style.
                Case::pass("module.exports = exports = {};\n"),
                Case::pass("exports = module.exports = function () {};\n"),
                // `self` holds the original object; once `module.exports` is replaced it is not the export.
                Case::pass("var self = exports;\nmodule.exports = function () {};\nself.x = 1;\n"),
                // `get` may run (from `run()`) before the adoption; after the rewrite it would read Tput instead.
                Case::pass("function get() { return module.exports.a; }\nexports = Tput;\nrun();\nmodule.exports = exports;\n"),
                Case::fix(
                    "function get() { return exports.a; }\nexports = Tput;\nrun();\nmodule.exports = exports;\n",
                    "function get() { return module.exports.a; }\nmodule.exports = Tput;\nrun();\n",
                ),
                Case::pass("module.exports = { a: 1 };\nmodule.exports.b = 2;\n"),
                Case::pass("if (typeof exports === 'object' && typeof module !== 'undefined') { module.exports = f(); }\n"),
                Case::pass("Object.defineProperty(exports, '__esModule', { value: true });\nexports.default = 1;\n"),
                Case::pass("with (o) { exports.a = 1; module.exports.b = 2; }\n"),
                Case::pass("exports.a = 1;\nmodule.exports.b = 2;\nrequire('x')(module);\n"),
                Case::pass("if (typeof module === 'object') { module.exports = Foo; } else { exports.a = 1; }\n"),
                Case::pass("if (typeof exports === 'object') { exports.a = 1; module.exports.b = 2; }\n"),
                Case::pass("if (process.env.X) return;\nexports.a = 1;\nmodule.exports = F;\n"),
            ],
        );
    }
}
