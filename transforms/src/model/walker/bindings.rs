//! Bindings the walk can follow: a `const`, `let` or `var` declared once with a value and never assigned again, and
//! function and class declarations. Reading one yields the value it was declared with, so `function api() {}`
//! then `module.exports = api; exports = api;` is seen to relink one object, and a repair knows what kind of
//! object `module.exports = api` holds. Any other identifier stays a value the model cannot follow.

use std::collections::{HashMap, HashSet};

use swc_core::common::SyntaxContext;

use swc_core::ecma::ast::*;
use swc_core::ecma::atoms::Atom;
use swc_core::ecma::visit::{Visit, VisitWith};

use super::*;
use crate::model::kinds::ObjectKind;
use crate::model::value::Pair;

/// A binding, as the resolver names it.
pub(super) type BindingKey = (Atom, SyntaxContext);

#[derive(Default)]
pub(super) struct Bindings {
    /// Declared once, with a value, and never assigned again.
    stable: HashSet<BindingKey>,
    /// Function and class declarations: where each creates its object, and what kind it is.
    pub(super) declared: HashMap<BindingKey, (u32, ObjectKind)>,
}

impl Bindings {
    pub(super) fn of(body: &[Stmt]) -> Bindings {
        let mut finder = Finder::default();
        body.visit_with(&mut finder);
        let stable = finder
            .declarations
            .into_iter()
            .filter(|(key, count)| *count == 1 && !finder.reassigned.contains(key))
            .map(|(key, _)| key)
            .collect();
        Bindings { stable, declared: finder.declared }
    }

    pub(super) fn is_stable(&self, ident: &Ident) -> bool {
        self.stable.contains(&(ident.sym.clone(), ident.ctxt))
    }
}

impl Walker<'_> {
    /// The value a followed binding holds, once its declaration has run.
    pub(super) fn binding_value(&self, ident: &Ident) -> Option<Pair> {
        if !self.facts.bindings.is_stable(ident) {
            return None;
        }
        let key = (ident.sym.clone(), ident.ctxt);
        if let Some(value) = self.binding_values.get(&key) {
            return Some(*value);
        }
        let (site, _) = self.facts.bindings.declared.get(&key)?;
        Some(Pair::same(Value::created_at((*site).max(1))))
    }

    /// Notes the value a declarator gives its binding, when the binding is followed.
    pub(super) fn bind_value(&mut self, ident: &Ident, value: Pair) {
        if self.facts.bindings.is_stable(ident) && self.state.reachable {
            self.binding_values.insert((ident.sym.clone(), ident.ctxt), value);
        }
    }
}

#[derive(Default)]
struct Finder {
    declarations: HashMap<BindingKey, usize>,
    reassigned: HashSet<BindingKey>,
    declared: HashMap<BindingKey, (u32, ObjectKind)>,
    /// How many branches, loops and `try` blocks enclose the code, inside the innermost function: a `var` or a
    /// function declared there may never get its value (`if (false) var x = {};`), yet is visible after them.
    conditional: usize,
    /// Inside a `var` declaration (function-scoped, unlike `let` and `const`).
    in_var: bool,
}

impl Finder {
    fn declare(&mut self, ident: &Ident) {
        *self.declarations.entry((ident.sym.clone(), ident.ctxt)).or_default() += 1;
    }

    /// Visits code that may not run (a branch, a loop body, a `try` block); a function inside starts afresh.
    fn conditionally(&mut self, visit: impl FnOnce(&mut Self)) {
        self.conditional += 1;
        visit(self);
        self.conditional -= 1;
    }

    /// Every identifier a target pattern binds is assigned again.
    fn reassign_all(&mut self, target: &impl VisitWith<Targets>) {
        let mut targets = Targets::default();
        target.visit_with(&mut targets);
        self.reassigned.extend(targets.0);
    }
}

impl Visit for Finder {
    fn visit_var_decl(&mut self, declaration: &VarDecl) {
        let outer = std::mem::replace(&mut self.in_var, declaration.kind == VarDeclKind::Var);
        declaration.visit_children_with(self);
        self.in_var = outer;
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        match (&declarator.name, &declarator.init) {
            (Pat::Ident(binding), Some(_)) if self.in_var && self.conditional > 0 => {
                self.reassign_all(&declarator.name)
            }
            (Pat::Ident(binding), Some(_)) => self.declare(&binding.id),
            // Declared without a value, or by destructuring: not followed.
            (name, _) => self.reassign_all(name),
        }
        declarator.init.visit_with(self);
    }

    fn visit_fn_decl(&mut self, function: &FnDecl) {
        self.declare(&function.ident);
        if self.conditional > 0 {
            // Sloppy mode makes a function declared in a block visible outside it only once the block runs.
            self.reassigned.insert((function.ident.sym.clone(), function.ident.ctxt));
        } else {
            let site = function.function.span.lo.0;
            self.declared.insert((function.ident.sym.clone(), function.ident.ctxt), (site, ObjectKind::Function));
        }
        function.function.visit_with(self);
    }

    fn visit_function(&mut self, function: &Function) {
        let outer = std::mem::take(&mut self.conditional);
        function.visit_children_with(self);
        self.conditional = outer;
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        let outer = std::mem::take(&mut self.conditional);
        arrow.visit_children_with(self);
        self.conditional = outer;
    }

    fn visit_if_stmt(&mut self, node: &IfStmt) {
        node.test.visit_with(self);
        self.conditionally(|finder| {
            node.cons.visit_with(finder);
            node.alt.visit_with(finder);
        });
    }

    fn visit_switch_stmt(&mut self, node: &SwitchStmt) {
        self.conditionally(|finder| node.visit_children_with(finder));
    }

    fn visit_try_stmt(&mut self, node: &TryStmt) {
        self.conditionally(|finder| node.visit_children_with(finder));
    }

    fn visit_labeled_stmt(&mut self, node: &LabeledStmt) {
        self.conditionally(|finder| node.visit_children_with(finder));
    }

    fn visit_while_stmt(&mut self, node: &WhileStmt) {
        self.conditionally(|finder| node.visit_children_with(finder));
    }

    fn visit_do_while_stmt(&mut self, node: &DoWhileStmt) {
        self.conditionally(|finder| node.visit_children_with(finder));
    }

    fn visit_for_stmt(&mut self, node: &ForStmt) {
        self.conditionally(|finder| node.visit_children_with(finder));
    }

    fn visit_for_in_stmt(&mut self, node: &ForInStmt) {
        self.conditionally(|finder| node.visit_children_with(finder));
    }

    fn visit_for_of_stmt(&mut self, node: &ForOfStmt) {
        self.conditionally(|finder| node.visit_children_with(finder));
    }

    fn visit_class_decl(&mut self, class: &ClassDecl) {
        self.declare(&class.ident);
        let site = class.class.span.lo.0;
        let kind = ObjectKind::of_class(&class.class);
        self.declared.insert((class.ident.sym.clone(), class.ident.ctxt), (site, kind));
        class.class.visit_with(self);
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        self.reassign_all(&assign.left);
        assign.visit_children_with(self);
    }

    fn visit_update_expr(&mut self, update: &UpdateExpr) {
        self.reassign_all(&*update.arg);
        update.visit_children_with(self);
    }

    fn visit_for_head(&mut self, head: &ForHead) {
        // `for (var x of xs)` assigns `x` on every iteration.
        self.reassign_all(head);
        head.visit_children_with(self);
    }
}

/// The identifiers a target binds or assigns.
#[derive(Default)]
struct Targets(HashSet<BindingKey>);

impl Visit for Targets {
    fn visit_ident(&mut self, ident: &Ident) {
        self.0.insert((ident.sym.clone(), ident.ctxt));
    }

    // Member targets (`a.b = …`) and default values assign no binding of their own.
    fn visit_member_expr(&mut self, _: &MemberExpr) {}

    fn visit_expr(&mut self, expression: &Expr) {
        if let Expr::Ident(ident) = expression {
            self.visit_ident(ident);
        } else if let Expr::Paren(paren) = expression {
            paren.expr.visit_with(self);
        }
    }
}
