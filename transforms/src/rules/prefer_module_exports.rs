//! ## What it does
//! Opt-in (`--style module-exports`): reports a file that consistently uses only `exports.x`, never
//! `module.exports`.
//!
//! ## Why is this bad?
//! Nothing is broken today. Teams that standardise on `module.exports` do so because a later
//! `module.exports = …` in an `exports.x` file silently drops every property written through `exports`.
//!
//! ## Example
//! ```js
//! exports.parse = parse;
//! ```
//! Use instead:
//! ```js
//! module.exports.parse = parse;
//! ```
//!
//! ## Fix safety
//! Safe, on the same terms as `mixed-exports`: offered only when the simulated rewrite keeps every reference and
//! the exported value unchanged.

use super::{Context, Violation};
use crate::diagnostic::{Applicability, RuleId};
use crate::model::Usage;

pub const FIX_TITLE: &str = RuleId::PreferModuleExports.meta().fix_title;

pub fn check(context: &Context<'_, '_>) -> Vec<Violation> {
    let references = &context.model.original.references;
    if references.iter().any(|reference| !reference.is_exports()) {
        return Vec::new();
    }
    let first = references
        .iter()
        .filter(|reference| reference.usage != Usage::Typeof)
        .min_by_key(|reference| reference.range.start);
    match first {
        Some(first) if context.style_rewrite_allowed() => vec![Violation {
            rule: RuleId::PreferModuleExports,
            range: first.range.clone(),
            message: "this file exports through `exports`; the project style is `module.exports`".to_owned(),
            fix: Some((FIX_TITLE, Applicability::Safe)),
        }],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::table::{assert_cases_with, Case};
    use crate::{Settings, Style};

    #[test]
    fn prefer_module_exports_table() {
        let settings = Settings { style: Style::ModuleExports };
        assert_cases_with(
            "prefer-module-exports",
            &settings,
            &[
                Case::fix(
                    "exports.a = 1;\nexports.b = exports.a;\n",
                    "module.exports.a = 1;\nmodule.exports.b = module.exports.a;\n",
                ),
                Case::fix(
                    "Object.defineProperty(exports, '__esModule', { value: true });\n",
                    "Object.defineProperty(module.exports, '__esModule', { value: true });\n",
                ),
                Case::pass("module.exports = 1;\n"),
                Case::pass("if (typeof exports === 'object') { run(); }\n"),
                Case::pass("function f(exports) { exports.a = 1; }\n"),
            ],
        );
    }
}
