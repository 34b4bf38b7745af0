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
        if self.facts.bindings.is_stable(ident) {
            self.binding_values.insert((ident.sym.clone(), ident.ctxt), value);
        }
    }
}

#[derive(Default)]
struct Finder {
    declarations: HashMap<BindingKey, usize>,
    reassigned: HashSet<BindingKey>,
    declared: HashMap<BindingKey, (u32, ObjectKind)>,
}

impl Finder {
    fn declare(&mut self, ident: &Ident) {
        *self.declarations.entry((ident.sym.clone(), ident.ctxt)).or_default() += 1;
    }

    /// Every identifier a target pattern binds is assigned again.
    fn reassign_all(&mut self, target: &impl VisitWith<Targets>) {
        let mut targets = Targets::default();
        target.visit_with(&mut targets);
        self.reassigned.extend(targets.0);
    }
}

impl Visit for Finder {
    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        match (&declarator.name, &declarator.init) {
            (Pat::Ident(binding), Some(_)) => self.declare(&binding.id),
            // Declared without a value, or by destructuring: not followed.
            (name, _) => self.reassign_all(name),
        }
        declarator.init.visit_with(self);
    }

    fn visit_fn_decl(&mut self, function: &FnDecl) {
        self.declare(&function.ident);
        let site = function.function.span.lo.0;
        self.declared.insert((function.ident.sym.clone(), function.ident.ctxt), (site, ObjectKind::Function));
        function.function.visit_with(self);
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
