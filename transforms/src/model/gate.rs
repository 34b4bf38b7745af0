//! Cheap read-only passes that decide whether the model is needed at all.
//!
//! Every rule needs a reference to the module's own `exports` that is not a `typeof` operand. Most files that
//! mention `exports` are bundles (webpack, browserify, UMD) whose every `exports` is a parameter of a module
//! function, so one pass that finds no such reference spares the model's walks, and one before resolution spares
//! the resolver too.

use swc_core::common::SyntaxContext;
use swc_core::ecma::ast::{ArrowExpr, Expr, Function, Ident, Pat, Script, Stmt, UnaryExpr, UnaryOp};
use swc_core::ecma::visit::{Visit, VisitWith};

use super::scope::pattern_binds;
use super::syntax::unparen;
use crate::parse::{with_script, Parsed, ResolvedScript};
use crate::SourceType;

/// Whether the resolved script may use the module's own `exports` other than as a `typeof` operand: an identifier
/// `exports` that no declaration binds (or a top-level one, which may be the wrapper's parameter), anywhere but
/// directly under `typeof`.
pub fn may_use_exports(script: &ResolvedScript<'_>) -> bool {
    let scoping = Scoping::Resolved { unresolved: script.unresolved, top_level: script.top_level };
    find(&script.script, scoping)
}

/// The same question before resolution, answered conservatively: `false` only when every such identifier is inside
/// a function with a parameter named `exports` (which binds it in the whole function, default values included).
/// Any other declaration of `exports` is ignored, so the answer is `true` whenever it may be free.
pub fn may_use_exports_unresolved(script: &Script) -> bool {
    find(script, Scoping::Unresolved { shadowing_functions: 0 })
}

/// Both answers for one text, `None` when it is not a script: for the soundness tests, which check that the first
/// is `true` whenever the second is.
pub fn answers_before_and_after_resolution(source: &str, source_type: SourceType) -> Option<(bool, bool)> {
    let mut before = None;
    let parsed = with_script(
        source,
        source_type,
        |script| {
            before = Some(may_use_exports_unresolved(script));
            true
        },
        may_use_exports,
    );
    match parsed {
        Ok(Parsed::Script(after)) => Some((before?, after.unwrap_or(false))),
        _ => None,
    }
}

fn find(script: &Script, scoping: Scoping) -> bool {
    let mut finder = ExportsFinder { scoping, found: false };
    script.visit_with(&mut finder);
    finder.found
}

enum Scoping {
    /// After swc's resolver: an identifier's context says what binds it.
    Resolved { unresolved: SyntaxContext, top_level: SyntaxContext },
    /// Before it: how many enclosing functions have a parameter `exports`.
    Unresolved { shadowing_functions: usize },
}

struct ExportsFinder {
    scoping: Scoping,
    found: bool,
}

impl ExportsFinder {
    fn may_be_free(&self, ident: &Ident) -> bool {
        match self.scoping {
            Scoping::Resolved { unresolved, top_level } => ident.ctxt == unresolved || ident.ctxt == top_level,
            Scoping::Unresolved { shadowing_functions } => shadowing_functions == 0,
        }
    }

    /// Visits a function's parameters and body, counting it as shadowing when a parameter binds `exports`.
    fn visit_function_like<'p>(&mut self, mut params: impl Iterator<Item = &'p Pat>, visit: impl FnOnce(&mut Self)) {
        let shadows = matches!(self.scoping, Scoping::Unresolved { .. }) && params.any(binds_exports);
        self.enter(shadows, 1);
        visit(self);
        self.enter(shadows, -1);
    }

    fn enter(&mut self, shadows: bool, step: isize) {
        if let (true, Scoping::Unresolved { shadowing_functions }) = (shadows, &mut self.scoping) {
            *shadowing_functions = shadowing_functions.saturating_add_signed(step);
        }
    }
}

impl Visit for ExportsFinder {
    fn visit_stmt(&mut self, statement: &Stmt) {
        if !self.found {
            statement.visit_children_with(self);
        }
    }

    fn visit_unary_expr(&mut self, unary: &UnaryExpr) {
        if unary.op == UnaryOp::TypeOf && matches!(unparen(&unary.arg), Expr::Ident(ident) if &*ident.sym == "exports")
        {
            return;
        }
        unary.visit_children_with(self);
    }

    fn visit_function(&mut self, function: &Function) {
        self.visit_function_like(function.params.iter().map(|param| &param.pat), |finder| {
            function.visit_children_with(finder)
        });
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        self.visit_function_like(arrow.params.iter(), |finder| arrow.visit_children_with(finder));
    }

    fn visit_ident(&mut self, ident: &Ident) {
        if &*ident.sym == "exports" && self.may_be_free(ident) {
            self.found = true;
        }
    }
}

/// Whether a parameter pattern declares a binding named `exports`.
fn binds_exports(pattern: &Pat) -> bool {
    pattern_binds(pattern, &|ident| &*ident.sym == "exports")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_named_exports_shadow_their_whole_function() {
        for source in [
            "",
            "typeof exports === 'object'",
            "!function (module, exports, require) { exports.a = 1; module.exports = exports; }",
            "(function (exports) { exports.a = function () { return exports; }; })",
            "var f = (exports) => exports.a;",
            "var f = exports => { exports.b = 2 };",
            "var f = ({ exports }) => exports;",
            "var f = ({ a: [exports] = [] }) => exports;",
            "var f = (...exports) => exports;",
            "function f(a = exports, exports) {}",
            "class A { m(exports) { exports.a = 1; } }",
            "var o = { m(exports) { return exports; } };",
            "define(function (require, exports, module) { exports.x = 1; });",
        ] {
            assert_eq!(
                answers_before_and_after_resolution(source, SourceType::JavaScript),
                Some((false, false)),
                "{source}"
            );
        }
    }

    #[test]
    fn any_other_exports_may_be_free() {
        for source in [
            "exports.a = 1;",
            "exports = {};",
            "function f() { exports.a = 1; }",
            "function f(exports) {} exports.a = 1;",
            "(function (exports) { exports.a = 1; })(exports);",
            "var f = function (a = exports) {};",
            "var exports = module.exports;",
            "function exports() {}",
            "typeof exports.a",
            "x = { exports };",
            "function f(e) { return function (exports) {}; exports.a = 1; }",
        ] {
            assert_eq!(
                answers_before_and_after_resolution(source, SourceType::JavaScript),
                Some((true, true)),
                "{source}"
            );
        }
    }

    #[test]
    fn declarations_other_than_parameters_are_kept_conservatively() {
        for source in [
            "function f() { var exports = {}; exports.a = 1; }",
            "try {} catch (exports) { exports.a = 1; }",
            "{ let exports = 1; exports; }",
            "class A { constructor(exports) { exports.a = 1; } }",
        ] {
            assert_eq!(
                answers_before_and_after_resolution(source, SourceType::JavaScript),
                Some((true, false)),
                "{source}"
            );
        }
    }

    /// The unresolved answer is a sound over-approximation of the resolved one on every fixture.
    #[test]
    fn never_says_no_where_the_resolver_says_yes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut checked = 0;
        for group in std::fs::read_dir(&root).expect("the fixtures directory").flatten() {
            for file in std::fs::read_dir(group.path()).into_iter().flatten().flatten() {
                let path = file.path();
                let crate::FileClass::Analyze(source_type) = SourceType::classify(&path.to_string_lossy()) else {
                    continue;
                };
                let Ok(source) = std::fs::read_to_string(&path) else { continue };
                if let Some((before, after)) = answers_before_and_after_resolution(&source, source_type) {
                    assert!(before || !after, "{} has a free `exports` the gate missed", path.display());
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "only {checked} fixtures checked");
    }
}
